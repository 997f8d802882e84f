"""Join a live session from a phone: the code (from the QR or typed), then a city.

After joining, the participant's random token is in the URL (``?p=...``): a reload or
a server restart finds the same participant. A cookie keeps the token for that session
too, so scanning the QR code again in the same browser continues as the same
participant instead of adding a second one ("Not you?" joins as someone else).

Each code is checked once per attempt: a wrong one counts once against the budget of
wrong codes (peerlearn.live.wrong_codes), however often the page redraws afterwards.
Once joined, the phone redraws when the session moves on (peerlearn.ui.follow), never
on a timer.
"""

from typing import NoReturn

import streamlit as st

from peerlearn.errors import PeerlearnError
from peerlearn.live import joining, screens
from peerlearn.ui import participant as view
from peerlearn.ui.cookies import delete_cookie, get_cookie, set_cookie
from peerlearn.ui.follow import follow
from peerlearn.ui.live import snapshot, steady
from peerlearn.ui.navigation import ensure_router
from peerlearn.ui.widgets import plain, read, refusal, save

ensure_router()
token = st.query_params.get("p")

CHECKED = "join_checked"  # {code: (session id or None, the refusal or None)}
SOMEONE_ELSE = "join_someone_else"  # sessions where this tab joins as someone new
RESUMED = "join_resumed"  # the token this tab continued as, from the cookie


def _check(code: str) -> tuple[int | None, str | None]:
    """Look the code up, once: this is the attempt that counts."""
    result = read(
        lambda s: (
            joining.session_by_code(s, code=code).id,
            None,
        ),
        refused=lambda error: (None, str(error)),
    )
    st.session_state.setdefault(CHECKED, {})[code] = result
    return result


def _found(code: str):
    """The live session of the code in the address, checked once per attempt."""
    if not code:
        return None, None
    checked = st.session_state.get(CHECKED, {})
    session_id, message = checked[code] if code in checked else _check(code)
    if session_id is None:
        return None, message
    return read(
        lambda s: (joining.live_session(s, session_id=session_id), None),
        refused=lambda error: _ended(code, error),
    )


def _ended(code: str, error: PeerlearnError) -> tuple[None, str]:
    """The code's session ended since it was checked: the next try looks it up again."""
    st.session_state[CHECKED].pop(code, None)
    return None, str(error)


def _resume(found) -> None:
    """Continue as the participant this browser already is in the session, if any."""
    name = view.cookie_name(found.id)
    someone_else = found.id in st.session_state.get(SOMEONE_ELSE, set())
    if someone_else:
        delete_cookie(name)
    cookie = get_cookie(name)
    if not cookie or someone_else:
        return
    known = read(lambda s: joining.returning_participant(s, session_id=found.id, token=cookie))
    resumed = view.resume_token(cookie, known=known is not None, someone_else=someone_else)
    if resumed:
        st.session_state[RESUMED] = resumed
        st.query_params.clear()
        st.query_params["p"] = resumed
        st.rerun()


def join_flow() -> None:
    st.title("Join a session")
    code = joining.normalise_code(st.query_params.get("code"))
    found, message = _found(code)
    if found is None:
        if message:
            st.error(plain(message), icon=":material/error:")
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
        if go and joining.normalise_code(typed):
            attempt = joining.normalise_code(typed)
            _check(attempt)
            st.query_params["code"] = attempt
            st.rerun()
        return
    _resume(found)
    st.text(found.title)
    cities = read(lambda s: screens.session_cities(s, session_id=found.id))
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
        save(
            lambda s: joining.join(s, session_id=found.id, city_id=city_id, display_name=name),
            then=lambda person: _joined(found.id, person.token),
        )


def _joined(session_id: int, token: str) -> None:
    """Joined: the token goes into the address, where a reload finds it."""
    st.session_state.get(SOMEONE_ELSE, set()).discard(session_id)
    st.query_params.clear()
    st.query_params["p"] = token


def participant_view(token: str) -> None:
    person, row = read(lambda s: joining.participant_and_session(s, token=token), refused=_unknown)
    name = view.cookie_name(row.id)
    if get_cookie(name) != token and row.id not in st.session_state.get(SOMEONE_ELSE, set()):
        set_cookie(name, token, max_age=view.COOKIE_DAYS * 24 * 3600)
    where = labels_of(person)
    who = " · ".join(p for p in (person.display_name, where) if p)
    if st.session_state.get(RESUMED) == token:
        st.info(
            f"Welcome back: you continue as before{f' ({plain(who)})' if who else ''}.",
            icon=":material/waving_hand:",
        )
        if st.button("Not you? Join as someone else", type="tertiary", key="join_not_you"):
            st.session_state.setdefault(SOMEONE_ELSE, set()).add(row.id)
            st.session_state.pop(RESUMED, None)
            st.query_params.clear()
            if row.join_code:
                st.query_params["code"] = row.join_code
            st.rerun()
    steady()
    activity(token, row.id, person.city_id, where)


@st.fragment
def activity(token: str, session_id: int, city_id: int | None, where: str) -> None:
    """What the room does now; redrawn alone when the session moves on."""
    snap, version = snapshot(session_id, view="phone")
    view.big(snap.title, size=1.3)
    st.caption(f"Speaking for {plain(where)}" if where else "Taking part")
    follow(
        version, view="phone", key="join_follow", city_id=city_id, countdown="{s} s left to answer"
    )
    if not snap.live:
        view.ended()
    elif snap.activity == "quiz":
        view.quiz(snap, token)
    elif snap.activity == "challenge wall":
        view.wall_view(token)
    elif snap.activity == "voting":
        view.voting(snap, token)
    elif snap.activity == "ended":
        view.ended()
    else:
        view.lobby()


def _unknown(error: PeerlearnError) -> NoReturn:
    """The token in the address names nobody (any more): offer to join afresh."""
    st.title("Join a session")
    refusal(error)
    if st.button("Join with a code", type="primary"):
        st.query_params.clear()
        st.rerun()
    st.stop()


def labels_of(person) -> str:
    if person.city_id is None:
        return ""
    cities = read(lambda s: screens.session_cities(s, session_id=person.session_id))
    return next((c.label for c in cities if c.id == person.city_id), "")


if token:
    participant_view(token)
else:
    join_flow()
