"""Join a live session from a phone: the code (from the QR or typed), then a city.

After joining, the participant's random token is in the URL (``?p=...``): a reload or
a server restart finds the same participant, and nothing needs a cookie or an account.
"""

import streamlit as st

from peerlearn.errors import PeerlearnError
from peerlearn.services import live, live_views
from peerlearn.services._common import now
from peerlearn.ui import participant as view
from peerlearn.ui.live import PHONE_TICK, client_key, snapshot
from peerlearn.ui.navigation import ensure_router
from peerlearn.ui.widgets import act, read

ensure_router()
token = st.query_params.get("p")


def _find_session(code: str):
    try:
        return read(lambda s: live.session_by_code(s, code=code, client_key=client_key()))
    except PeerlearnError as error:
        st.error(str(error), icon=":material/error:")
        return None


def join_flow() -> None:
    st.title("Join a session")
    code = live.normalise_code(st.query_params.get("code"))
    found = _find_session(code) if code else None
    if found is None:
        with st.form("join_code_form"):
            typed = st.text_input(
                "Code",
                value=code,
                max_chars=12,
                placeholder="e.g. K7P2QX",
                help="The six characters on the big screen.",
                key="join_code",
            )
            go = st.form_submit_button("Continue", type="primary", width="stretch")
        if go and live.normalise_code(typed):
            st.query_params["code"] = live.normalise_code(typed)
            st.rerun()
        return
    st.text(found.title)
    cities = read(lambda s: live_views.session_cities(s, session_id=found.id))
    labels = {c.id: c.label for c in cities}
    with st.form("join_city_form"):
        city_id = st.selectbox(
            "The city you speak for",
            list(labels),
            index=None,
            format_func=labels.get,
            placeholder="Choose your city…",
            key="join_city",
        )
        name = st.text_input(
            "Your name (optional)",
            max_chars=80,
            help="Shown only to the facilitator, e.g. on the quiz leaderboard.",
            key="join_name",
        )
        joined = st.form_submit_button("Join", type="primary", width="stretch")
    if joined:
        if city_id is None and cities:
            st.error("Choose the city you speak for.", icon=":material/error:")
            return
        person = act(
            lambda s: live.join_by_code(
                s, code=code, client_key=client_key(), city_id=city_id, display_name=name
            )
        )
        if person is not None:
            st.query_params.clear()
            st.query_params["p"] = person.token
            st.rerun()


def participant_view(token: str) -> None:
    try:
        person, row = read(lambda s: live.participant_in_live_session(s, token=token))
    except PeerlearnError as error:
        st.title("Join a session")
        st.error(str(error), icon=":material/error:")
        if st.button("Join with a code", type="primary"):
            st.query_params.clear()
            st.rerun()
        return
    snap = snapshot(row.id)
    view.big(snap.title, size=1.3)
    where = labels_of(person)
    st.caption(f"Speaking for {where}" if where else "Taking part")
    _follow(row.id, view.signature(snap))
    if not snap.live:
        view.ended()
    elif snap.activity == "quiz":
        view.quiz(snap, token)
    elif snap.activity == "challenge wall":
        view.wall(token)
    elif snap.activity == "voting":
        view.voting(snap, token)
    elif snap.activity == "ended":
        view.ended()
    else:
        view.lobby()


def labels_of(person) -> str:
    if person.city_id is None:
        return ""
    cities = read(lambda s: live_views.session_cities(s, session_id=person.session_id))
    return next((c.label for c in cities if c.id == person.city_id), "")


@st.fragment(run_every=PHONE_TICK)
def _follow(session_id: int, shown: tuple) -> None:
    """Poll the shared snapshot; redraw the page only when the activity moved on."""
    snap = snapshot(session_id)
    if view.signature(snap) != shown:
        st.rerun(scope="app")
    question = snap.question
    if snap.activity == "quiz" and question and question.state == "open" and question.closes_at:
        left = max(0, int((question.closes_at - now()).total_seconds()))
        st.caption(f"⏱ {left} s left")


if token:
    participant_view(token)
else:
    join_flow()
