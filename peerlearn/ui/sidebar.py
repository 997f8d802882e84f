"""The sidebar's account box, and the first-run check the router needs."""

from __future__ import annotations

import streamlit as st

from peerlearn.models import User
from peerlearn.services import users as user_service
from peerlearn.ui.auth import sign_out
from peerlearn.ui.widgets import read

ROLE_NAMES = {"coordinator": "Coordinator", "facilitator": "Facilitator", "tandem": "Tandem member"}


def first_run() -> bool:
    return read(user_service.is_first_run)


def account_box(user: User) -> None:
    # The navigation already draws a rule under itself: no divider of our own.
    with st.sidebar:
        st.caption("Signed in as")
        st.text(f"{user.name or user.email}\n{ROLE_NAMES.get(user.role, user.role)}")
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()
