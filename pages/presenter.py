"""The big screen: the join code and QR until people are in, then the activity.

Opened from "Run live" in its own tab (``/presenter?session=ID&key=...``), often on
another computer and without a sign-in: the key in the address lets it in. It redraws
every second from the shared snapshot and has no controls, so it can stay up.
"""

import streamlit as st

from peerlearn.charts.live import PROJECTOR, answers_chart, tally_chart, words_chart
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
    leaderboard,
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
        left, right = st.columns([6, 1], vertical_alignment="center")
        with left:
            big(snap.title, size=1.3, muted=True)
            big(f"Join at {url.split('?')[0]} with the code {snap.code}", size=1.3, muted=True)
            big(_people(snap), size=1.3, weight=500)
        with right:
            qr_image(url, 130)
        return
    big(snap.title, size=1.6, muted=True)
    left, right = st.columns([3, 2], vertical_alignment="center")
    with left:
        big("Join on your phone", size=2.2)
        big(url.split("?")[0], size=1.4, muted=True)
        code_block(snap.code, size=6)
        big(_people(snap), size=1.6, weight=500)
    with right:
        qr_image(url, 420)


def _people(snap: live_results.Snapshot) -> str:
    """Who is in: the participants since the session was opened for phones."""
    people = f"{snap.participants} {'person' if snap.participants == 1 else 'people'} joined"
    if snap.cities:
        people += " · " + ", ".join(snap.cities)
    return people


STATUS = {
    "waiting": "Get ready…",
    "open": "Answer now on your phone",
    "closed": "Answers are closed",
    "revealed": "The answer",
}


def _question(snap: live_results.Snapshot) -> None:
    question = snap.question
    if question is None:
        big("The quiz starts in a moment.", size=2.4)
        return
    big(f"Question {question.position} of {question.total}", size=1.3, muted=True)
    big(question.text, size=2.6)
    status = STATUS[question.state]
    if question.state == "open" and question.closes_at:
        left = max(0, int((question.closes_at - now()).total_seconds() + 0.999))
        status += f" · {left} s left"
    if question.state != "waiting":
        status += " · " + coverage(snap)
    big(status, size=1.5, muted=True)
    if question.state == "waiting":
        return
    if snap.results_hidden and question.state != "revealed":
        big("Results are shown after the reveal.", size=1.4, muted=True)
        return
    revealed = question.state == "revealed"
    if question.kind == QuestionKind.OPEN:
        if question.words:
            st.altair_chart(words_chart(question.words, 8, size=PROJECTOR), width="stretch")
        else:
            big("The words of your answers appear here.", size=1.4, muted=True)
        return
    per_city = snap.count_mode == "per city"
    chart = answers_chart(question, show_correct=revealed, per_city=per_city, size=PROJECTOR)
    st.altair_chart(chart, width="stretch")
    if revealed and question.has_correct:
        _leaderboard(snap)


def _leaderboard(snap: live_results.Snapshot) -> None:
    """By city only: names are for the facilitator's screen, never the projector."""
    by_city, _ = leaderboard(snap)
    if not by_city:
        return
    big("Leaderboard of the cities", size=1.8)
    columns = st.columns(min(5, len(by_city)))
    for n, (column, score) in enumerate(zip(columns, by_city[:5], strict=False), 1):
        with column:
            big(f"{n}. {score.name}", size=2, weight=600)
            big(f"{score.share:.0%} right", size=1.6, weight=400, muted=True)


def _wall(snap: live_results.Snapshot) -> None:
    """The posts, and the common challenges they are grouped into as it happens."""
    big("Challenge wall", size=2.4)
    shown = [item for item in snap.wall if not item.hidden]
    if not shown:
        big("Post your tandem's challenges from your phone.", size=1.6, muted=True)
        return
    groups: dict[str, list] = {}
    loose = []
    for item in shown:
        if item.group:
            groups.setdefault(item.group, []).append(item)
        else:
            loose.append(item)
    if groups:
        columns = st.columns(min(3, len(groups)))
        for n, (name, items) in enumerate(groups.items()):
            with columns[n % len(columns)].container(border=True):
                big(name, size=1.8, weight=700)
                big(f"{len(items)} challenge{'s' if len(items) != 1 else ''}", size=1.1, muted=True)
                for item in items:
                    big("• " + item.text, size=1.35, weight=400)
    if loose:
        if groups:
            big("Not grouped yet", size=1.4, muted=True)
        columns = st.columns(3)
        for n, item in enumerate(loose):
            with columns[n % 3].container(border=True):
                big(item.text, size=1.5, weight=500)
                big(" · ".join(p for p in (item.city, item.category) if p), size=1.1, muted=True)


def _voting(snap: live_results.Snapshot) -> None:
    title = "Ranking" if snap.voting_closed else "Dot-voting"
    big(title, size=2.4)
    per = "city" if snap.vote_mode == "per city" else "person"
    if not snap.voting_closed:
        big(f"{snap.vote_budget} dots per {per} · vote on your phone", size=1.4, muted=True)
    if snap.tallies:
        st.altair_chart(tally_chart(snap.tallies, size=PROJECTOR), width="stretch")


hide_chrome()


@st.fragment(run_every=PRESENTER_TICK)
def presenter(session_id: int) -> None:
    snap = snapshot(session_id)
    if not snap.live:
        big(snap.title, size=1.6, muted=True)
        big("This session is not live.", size=3)
        return
    waiting = snap.activity == "lobby" or snap.participants == 0
    _join_panel(snap, compact=not waiting)
    if snap.activity == "quiz":
        _question(snap)
    elif snap.activity == "challenge wall":
        _wall(snap)
    elif snap.activity == "voting":
        _voting(snap)
    elif snap.activity == "ended":
        big("Thank you!", size=4)


presenter(session_id)
