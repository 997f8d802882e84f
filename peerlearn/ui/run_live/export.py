"""Run live's Export tab and the summary download the fresh run offers too."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from peerlearn.models import EventSession, User
from peerlearn.ui.reports_widgets import XLSX, summary_filename, summary_for
from peerlearn.ui.widgets import read, refusal


def summary_download(user: User, row: EventSession, *, key: str) -> None:
    """Prepare the event's Excel summary, then offer it for download."""
    if st.button("Prepare the event summary", icon=":material/table_view:", key=f"{key}_prepare"):
        content = read(
            lambda s: summary_for(s, actor=user, scope="event", target_id=row.event_id),
            refused=refusal,
        )
        if content is not None:
            st.session_state["live_summary"] = (row.event_id, content, datetime.now())
    prepared = st.session_state.get("live_summary")
    if prepared and prepared[0] == row.event_id:
        _, content, made = prepared
        st.download_button(
            f"Download the summary prepared at {made:%H:%M:%S}",
            content,
            file_name=summary_filename("event", row.title, made.date()),
            mime=XLSX,
            on_click="ignore",
            icon=":material/download:",
            type="primary",
            key=f"{key}_download",
        )


def tab(user: User, row: EventSession) -> None:
    """The event's Excel summary, mid-session: everything collected is already stored."""
    st.caption(
        "Answers, posts and votes are stored as they come: the event's summary can be "
        "downloaded at any moment, also now."
    )
    summary_download(user, row, key="live")
