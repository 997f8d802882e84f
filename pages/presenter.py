"""The big screen: the join code and QR until people are in, then the activity.

Opened from "Run live" in its own tab (``/presenter?session=ID&key=...``), often on
another computer and without a sign-in: the key in the address lets it in. It redraws
every second from the shared snapshot and has no controls, so it can stay up.
"""

import streamlit as st

from peerlearn.charts.live import answers_chart, tally_chart, words_chart
from peerlearn.errors import PeerlearnError
from peerlearn.models import QuestionKind
from peerlearn.services import live_results, live_views
from peerlearn.services._common import now
from peerlearn.ui.live import (
    PRESENTER_TICK,
    big,
    code_block,
    coverage,
    hide_chrome,
    join_url,
    qr_image,
    snapshot,
)
from peerlearn.ui.navigation import ensure_router
from peerlearn.ui.widgets import empty_state, read

ensure_router()
raw = st.query_params.get("session", "")
session_id = int(raw) if raw.isdigit() else None
if session_id is None:
    st.title("Presenter view")
    empty_state("Open the presenter view from **Run live**: it shows one live session.")
    st.stop()
try:
    read(
        lambda s: live_views.session_for_presenter(
            s, session_id=session_id, key=st.query_params.get("key")
        )
    )
except PeerlearnError as error:
    st.title("Presenter view")
    st.error(str(error), icon=":material/error:")
    st.stop()


def _join_panel(snap: live_results.Snapshot, *, compact: bool) -> None:
    url = join_url(snap.code)
    if compact:
        left, right = st.columns([5, 1])
        with left:
            big(f"Join at {url.split('?')[0]} with the code {snap.code}", size=1.2, muted=True)
        with right:
            qr_image(url, 120)
        return
    left, right = st.columns([3, 2], vertical_alignment="center")
    with left:
        big("Join on your phone", size=2.2)
        big(url.split("?")[0], size=1.4, muted=True)
        code_block(snap.code, size=6)
    with right:
        qr_image(url, 420)


def _question(snap: live_results.Snapshot) -> None:
    question = snap.question
    if question is None:
        big("The quiz starts in a moment.", size=2.4)
        return
    big(f"Question {question.position} of {question.total}", size=1.3, muted=True)
    big(question.text, size=3)
    status = {
        "waiting": "Get ready…",
        "open": "Answer now on your phone",
        "closed": "Answers are closed",
        "revealed": "The answer",
    }[question.state]
    if question.state == "open" and question.closes_at:
        left = max(0, int((question.closes_at - now()).total_seconds()))
        status += f" · ⏱ {left} s"
    big(status, size=1.6, muted=True)
    big(coverage(snap), size=1.4, muted=True)
    if question.state == "waiting":
        return
    if snap.results_hidden and question.state != "revealed":
        big("Results are shown after the reveal.", size=1.4, muted=True)
        return
    revealed = question.state == "revealed"
    if question.kind == QuestionKind.OPEN:
        if question.words:
            st.altair_chart(words_chart(question.words), width="stretch")
        for text in question.texts[-8:]:
            st.text("“" + text + "”")
        return
    st.altair_chart(answers_chart(question, show_correct=revealed), width="stretch")
    if question.kind == QuestionKind.SCALE and question.mean is not None:
        big(f"Mean {question.mean:.1f}", size=2)
    if revealed and question.has_correct:
        _leaderboard(snap.session_id)


def _leaderboard(session_id: int) -> None:
    by_city, by_person = read(lambda s: live_results.leaderboard(s, session_id=session_id))
    if not by_city:
        return
    left, right = st.columns(2)
    with left:
        big("Cities", size=1.6)
        for n, score in enumerate(by_city[:5], 1):
            big(f"{n}. {score.name} · {score.share:.0%}", size=1.4, weight=400)
    with right:
        if by_person:
            big("People", size=1.6)
            for n, score in enumerate(by_person[:5], 1):
                big(f"{n}. {score.name} · {score.correct}", size=1.4, weight=400)


def _wall(snap: live_results.Snapshot) -> None:
    big("Challenge wall", size=2.4)
    shown = [item for item in snap.wall if not item.hidden]
    if not shown:
        big("Post your tandem's challenges from your phone.", size=1.6, muted=True)
        return
    columns = st.columns(3)
    for n, item in enumerate(reversed(shown)):
        with columns[n % 3].container(border=True):
            big(item.text, size=1.3, weight=500)
            big(" · ".join(p for p in (item.city, item.category) if p), size=1, muted=True)


def _voting(snap: live_results.Snapshot) -> None:
    title = "Ranking" if snap.voting_closed else "Dot-voting"
    big(title, size=2.4)
    per = "city" if snap.vote_mode == "per city" else "person"
    if not snap.voting_closed:
        big(f"{snap.vote_budget} dots per {per} · vote on your phone", size=1.4, muted=True)
    if snap.tallies:
        st.altair_chart(tally_chart(snap.tallies), width="stretch")


hide_chrome()


@st.fragment(run_every=PRESENTER_TICK)
def presenter(session_id: int) -> None:
    snap = snapshot(session_id)
    big(snap.title, size=1.6, muted=True)
    if not snap.live:
        big("This session is not live.", size=3)
        return
    people = f"{snap.participants} {'person' if snap.participants == 1 else 'people'} joined"
    if snap.cities:
        people += " · " + ", ".join(snap.cities)
    waiting = snap.activity == "lobby" or snap.participants == 0
    _join_panel(snap, compact=not waiting)
    big(people, size=1.4, weight=500)
    if snap.activity == "quiz":
        _question(snap)
    elif snap.activity == "challenge wall":
        _wall(snap)
    elif snap.activity == "voting":
        _voting(snap)
    elif snap.activity == "ended":
        big("Thank you!", size=4)


presenter(session_id)
