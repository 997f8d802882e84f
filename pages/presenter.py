"""The big screen: the join code and QR until people are in, then the activity.

Opened from "Run live" in its own tab (``/presenter?session=ID&key=...``), often on
another computer and without a sign-in: the key in the address lets it in. It redraws
when the session moves (peerlearn.ui.follow), never on a timer, and does not fade
while it does. A facilitator signed in in this browser can step the session from the
keyboard.
"""

from typing import NoReturn

import streamlit as st

from peerlearn.charts.live import PROJECTOR, answers_chart, tally_chart, words_chart
from peerlearn.errors import PeerlearnError
from peerlearn.live import screens
from peerlearn.live.snapshot import Snapshot, podium
from peerlearn.models import QuestionKind
from peerlearn.ui.auth import current_user
from peerlearn.ui.follow import follow
from peerlearn.ui.incidents import guarded
from peerlearn.ui.keys import presenter_keys
from peerlearn.ui.live import (
    big,
    chart,
    code_block,
    coverage,
    hide_chrome,
    join_url,
    leaderboard,
    qr_image,
    snapshot,
)
from peerlearn.ui.navigation import ensure_router
from peerlearn.ui.params import id_param
from peerlearn.ui.widgets import empty_state, read, refusal

ensure_router()
session_id = id_param("session")
if session_id is None:
    st.title("Presenter view")
    empty_state("Open the presenter view from **Run live**: it shows one live session.")
    st.stop()


def _closed(error: PeerlearnError) -> NoReturn:
    st.title("Presenter view")
    refusal(error)
    st.stop()


def _let_in(session_id: int) -> None:
    """Stop here unless the address's key opens this session now: checked on every
    redraw, so a screen left open shows nothing more once the session ends."""
    read(
        lambda s: screens.session_for_presenter(
            s, session_id=session_id, key=st.query_params.get("key")
        ),
        refused=_closed,
    )


def _join_panel(snap: Snapshot, *, compact: bool) -> None:
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


def _people(snap: Snapshot) -> str:
    """Who is in: the participants since the session was opened for phones."""
    people = f"{snap.participants} {'person' if snap.participants == 1 else 'people'} joined"
    if snap.cities:
        people += " · " + ", ".join(snap.cities)
    return people


def _status(question) -> str:
    """The line under the question, in words that fit its kind."""
    if question.state == "waiting":
        return "Get ready…"
    if question.state == "open":
        return "Answer now on your phone"
    if question.state == "closed":
        return "Answers are closed"
    if question.has_correct:
        return "The answer"
    return "What the room said" if question.kind == QuestionKind.OPEN else "The results"


def _question(snap: Snapshot, timer) -> None:
    """The question on the screen; its countdown goes in ``timer``, under the question."""
    if snap.finished:
        _podium(snap)
        return
    question = snap.question
    if question is None:
        big("The quiz starts in a moment.", size=2.4)
        return
    big(f"Question {question.position} of {question.total}", size=1.3, muted=True)
    big(question.text, size=2.6)
    status = _status(question)
    if question.state != "waiting":
        status += " · " + coverage(snap)
    big(status, size=1.5, muted=True)
    timer.append(st.container())
    if question.state == "waiting":
        return
    if snap.results_hidden and question.state != "revealed":
        big("Results are shown after the reveal.", size=1.4, muted=True)
        return
    revealed = question.state == "revealed"
    if question.kind == QuestionKind.OPEN:
        _open_answers(snap)
        return
    per_city = snap.count_mode == "per city"
    chart(
        snap,
        f"answers:projector:{revealed}:{per_city}",
        lambda: answers_chart(question, show_correct=revealed, per_city=per_city, size=PROJECTOR),
    )
    if revealed and question.has_correct:
        _leaderboard(snap)


def _open_answers(snap: Snapshot) -> None:
    """The words of the answers as bars, and the latest answers themselves (those the
    facilitator hid stay off)."""
    question = snap.question
    if not question.words:
        big("The words of your answers appear here.", size=1.4, muted=True)
        return
    chart(snap, "words:projector", lambda: words_chart(question.words, 8, size=PROJECTOR))
    shown = [a for a in question.open_answers if not a.hidden][:6]
    columns = st.columns(3)
    for n, answer in enumerate(shown):
        with columns[n % 3].container(border=True):
            big(answer.text, size=1.3, weight=500)
            if answer.city:
                big(answer.city, size=1.0, muted=True)


def _leaderboard(snap: Snapshot) -> None:
    """By city only: names are for the facilitator's screen, never the projector."""
    by_city, _ = leaderboard(snap)
    if not by_city:
        return
    big("Leaderboard of the cities", size=1.8)
    top = by_city[:5]
    columns = st.columns(len(top))
    for column, score in zip(columns, top, strict=True):
        with column:
            big(f"{score.rank}. {score.name}", size=2, weight=600)
            big(f"{score.share:.0%} right", size=1.6, weight=400, muted=True)


def _podium(snap: Snapshot) -> None:
    """The end of the quiz: the cities on the podium, ties standing together."""
    big("The quiz is over", size=2.4)
    by_city, _ = leaderboard(snap)
    placed = podium(by_city)
    if not placed:
        big("Thank you for playing!", size=2)
        return
    big("The podium of the cities", size=1.8, muted=True)
    columns = st.columns(min(5, len(placed)))
    for column, score in zip(columns, placed[:5], strict=False):
        with column.container(border=True):
            big(f"{score.rank}.", size=3.2, weight=700)
            big(score.name, size=2.2, weight=600)
            big(f"{score.correct} of {score.answered} right", size=1.4, muted=True)


def _wall(snap: Snapshot) -> None:
    """The newest posts (at most rules.WALL_SHOWN, the rest counted), and the common
    challenges they are grouped into as it happens."""
    big("Challenge wall", size=2.4)
    shown = snap.wall  # newest first, none hidden or waiting for the facilitator
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
    if snap.wall_more:
        big(f"… and {snap.wall_more} more", size=1.4, muted=True)


def _voting(snap: Snapshot) -> None:
    title = "Ranking" if snap.voting_closed else "Dot-voting"
    big(title, size=2.4)
    per = "city" if snap.vote_mode == "per city" else "person"
    if not snap.voting_closed:
        big(f"{snap.vote_budget} dots per {per} · vote on your phone", size=1.4, muted=True)
    if not snap.tallies:
        return
    if snap.tally_hidden and not snap.voting_closed:
        dots = sum(t.dots for t in snap.tallies)
        big(f"{dots} dot{'s' if dots != 1 else ''} placed so far", size=2, weight=500)
        big("The ranking is shown when voting closes.", size=1.4, muted=True)
        return
    chart(snap, "tally:projector", lambda: tally_chart(snap.tallies, size=PROJECTOR))


hide_chrome()


@st.fragment
def presenter(session_id: int) -> None:
    # Guarded in here too: the fragment redraws on its own, and the room sees the
    # incident message in place of the screen, never Streamlit's.
    with guarded():
        _let_in(session_id)
        snap, version = snapshot(session_id)
        # Where the follower (and a question's countdown) is drawn: under the question
        # when there is one, else at the top, where it shows nothing.
        timer = [st.container()]
        _screen(snap, timer)
        with timer[-1]:
            follow(version, view="screen", key="presenter_follow", countdown="{s} s left", big=True)


def _screen(snap: Snapshot, timer: list) -> None:
    if not snap.live:  # ended a moment ago: its title is not shown either
        big("This session is not live.", size=3)
        return
    user = current_user()
    presenter_keys(user, snap)
    waiting = snap.activity == "lobby" or snap.participants == 0
    _join_panel(snap, compact=not waiting)
    if snap.activity == "quiz":
        _question(snap, timer)
    elif snap.activity == "challenge wall":
        _wall(snap)
    elif snap.activity == "voting":
        _voting(snap)
    elif snap.activity == "ended":
        big("Thank you!", size=4)


presenter(session_id)
