"""Network → event → session pickers, for the screens that work on one session."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from peerlearn.models import EventSession, User
from peerlearn.services import events as event_service
from peerlearn.ui.widgets import empty_state, pick, pick_network, read


def event_label(event) -> str:
    return f"{event.title} · {event.start_date:%d %b %Y}"


def pick_session(
    user: User,
    *,
    prefix: str,
    no_events: str,
    first: Callable[[EventSession], bool] = lambda row: False,
    mark: Callable[[EventSession], str] = lambda row: "",
) -> tuple[int, list[EventSession], EventSession]:
    """(network id, the event's sessions, the chosen session); stops the page with an
    empty state that says what to do when there is nothing to choose.

    ``first`` lists some sessions first (quiz sessions, live ones); ``mark`` prefixes a
    session's name (e.g. a dot for live ones). Keys: ``<prefix>_network`` and so on.
    """
    network_id = pick_network(user, key=f"{prefix}_network")
    if network_id is None:
        empty_state("There is no network yet: a coordinator adds one under **Network**.")
        st.stop()
    events = read(lambda s: event_service.list_events(s, actor=user, network_id=network_id))
    if not events:
        empty_state(no_events)
        st.stop()
    left, right = st.columns(2)
    with left:
        titles = {e.id: event_label(e) for e in events}
        event_id = pick("Event", list(titles), key=f"{prefix}_event", format_func=titles.get)
    sessions = read(lambda s: event_service.list_sessions(s, actor=user, event_id=event_id))
    if not sessions:
        empty_state("This event has no sessions yet: add its agenda under **Events**.")
        st.stop()
    with right:
        ordered = sorted(sessions, key=lambda row: not first(row))
        names = {row.id: mark(row) + f"{row.title} ({row.kind})" for row in ordered}
        session_id = pick("Session", list(names), key=f"{prefix}_session", format_func=names.get)
    return network_id, sessions, next(row for row in sessions if row.id == session_id)
