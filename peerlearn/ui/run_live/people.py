"""Run live's Participants tab: who joined since the session was opened for phones."""

from __future__ import annotations

import streamlit as st

from peerlearn.ui.follow import follow
from peerlearn.ui.live import snapshot
from peerlearn.ui.run_live.controls import in_step


@st.fragment
def tab(session_id: int, activity: str) -> None:
    snap, version = snapshot(session_id)
    follow(version, view="screen", key="live_people_follow")
    in_step(snap, activity)
    st.metric("Joined since the session was opened for phones", snap.participants)
    if snap.cities:
        st.caption("Cities present")
        st.text(", ".join(snap.cities))
    else:
        st.caption("Nobody has said which city they speak for yet.")
