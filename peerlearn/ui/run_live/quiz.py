"""Run live's Quiz tab: the questions, the controls that fit each one's state, the
countdown every question gets, the results, open answers to hide, the leaderboard,
and a fresh run."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from peerlearn import rules
from peerlearn.charts.live import SCREEN, answers_chart, words_chart
from peerlearn.live import answers, lifecycle
from peerlearn.live import quiz as quiz_service
from peerlearn.live.snapshot import Snapshot
from peerlearn.models import CountMode, EventSession, QuestionKind, User
from peerlearn.services import permissions
from peerlearn.ui.follow import follow
from peerlearn.ui.live import chart, coverage, leaderboard, snapshot
from peerlearn.ui.run_live.controls import in_step
from peerlearn.ui.run_live.export import summary_download
from peerlearn.ui.widgets import new_version, note, read, save, versioned_key

STATES = {
    "waiting": "not opened yet",
    "open": "open",
    "closed": "closed",
    "revealed": "revealed",
}
COUNTDOWN = "live_countdown"


@st.fragment
def tab(user: User, session_id: int, activity: str) -> None:
    """Redrawn when the session moves: answers come in, a countdown runs out and the
    question shows as closed, with no click."""
    snap, version = snapshot(session_id)
    in_step(snap, activity)
    questions = snap.questions
    if not questions:
        follow(version, view="screen", key="live_quiz_follow")
        st.info("This session has no quiz yet: write one under **Quizzes**.")
        return
    current = next((q for q in questions if q.id == snap.current_question_id), None)
    listing = pd.DataFrame(
        {
            "#": range(1, len(questions) + 1),
            "Question": [q.text for q in questions],
            "Type": [q.kind for q in questions],
            "State": [STATES[q.state] for q in questions],
            "On screen": [
                "on screen" if q is current and not snap.finished else "" for q in questions
            ],
        }
    )
    st.dataframe(
        listing,
        hide_index=True,
        width="stretch",
        # The question takes what is left; "not opened yet" fits.
        column_config={
            "#": st.column_config.NumberColumn(width="small"),
            "Type": st.column_config.TextColumn(width=130),
            "State": st.column_config.TextColumn(width=120),
            "On screen": st.column_config.TextColumn(width=100),
        },
    )
    _controls(user, snap, current)
    follow(version, view="screen", key="live_quiz_follow", countdown="Closes by itself in {s} s")
    _results(user, snap)
    _fresh_run(user, session_id)


def _controls(user: User, snap: Snapshot, current) -> None:
    session_id = snap.session_id
    last = bool(current) and current.id == snap.questions[-1].id
    steps = st.columns([1, 1, 2, 1.4, 1, 1], vertical_alignment="bottom")
    if steps[0].button(
        "Previous",
        icon=":material/arrow_back:",
        key="live_prev",
        disabled=current is None,
    ):
        save(lambda s: quiz_service.step(s, actor=user, session_id=session_id, direction=-1))
    next_label = "Finish: the podium" if last else "Next"
    if steps[1].button(
        next_label,
        icon=":material/flag:" if last else ":material/arrow_forward:",
        key="live_next",
        disabled=snap.finished,
    ):
        save(lambda s: quiz_service.step(s, actor=user, session_id=session_id, direction=1))
    # The field is drawn from the session's countdown as stored, under a key that names
    # it: a countdown changed elsewhere (another facilitator, another tab) gives a new
    # field showing it, and a field the browser draws afresh (after another tab or
    # session was looked at, or a run that ended early) starts from the stored value,
    # never from 0, so it cannot send a change nobody made.
    seconds = snap.countdown_seconds or 0
    key = f"{COUNTDOWN}_{session_id}_{seconds}"
    steps[2].number_input(
        "Countdown for each question (s, 0 = none)",
        0,
        rules.MAX_COUNTDOWN,
        seconds,
        step=5,
        key=key,
        on_change=_save_countdown,
        args=(user, session_id, key),
        help="Kept from question to question.",
    )
    note(COUNTDOWN)
    if snap.finished:
        st.caption("The quiz is over: the big screen shows the podium. Previous goes back.")
        return
    if current is None:
        st.caption("Press Next to put the first question on the screen.")
        return
    state = current.state
    reopen = state in ("closed", "revealed")
    label = {"closed": "Open again", "revealed": "Open again (hides the results)"}
    if steps[3].button(
        label.get(state, "Open question"),
        type="secondary" if reopen else "primary",
        key="live_open",
        disabled=state == "open",
        help="The results leave the screen and phones answer again."
        if state == "revealed"
        else None,
    ):
        save(
            lambda s: quiz_service.open_question(
                s,
                actor=user,
                session_id=session_id,
                question_id=current.id,
                hide_results=state == "revealed",
            )
        )
    if steps[4].button("Close question", key="live_close", disabled=state != "open"):
        save(
            lambda s: quiz_service.close_question(
                s, actor=user, session_id=session_id, question_id=current.id
            )
        )
    if steps[5].button(
        "Reveal results", key="live_reveal", disabled=state in ("waiting", "revealed")
    ):
        save(
            lambda s: quiz_service.reveal_question(
                s, actor=user, session_id=session_id, question_id=current.id
            )
        )


def _save_countdown(user: User, session_id: int, key: str) -> None:
    # Saved in the callback, with no rerun asked for: the run that follows is the redraw,
    # and a click sent together with the change (Next, Open question) is not lost.
    seconds = int(st.session_state.get(key) or 0) or None
    save(
        lambda s: lifecycle.set_countdown(s, actor=user, session_id=session_id, seconds=seconds),
        where=COUNTDOWN,
    )


def _results(user: User, snap: Snapshot) -> None:
    question = snap.question
    if question is None:
        if not snap.finished:
            st.caption("Switch the activity to Quiz to show the question on the screen and phones.")
        _leaderboard(snap)
        return
    st.markdown(f"**Question {question.position} of {question.total}** · {STATES[question.state]}")
    st.text(question.text)
    st.caption(coverage(snap))
    if question.kind == QuestionKind.OPEN:
        if question.words:
            chart(snap, "words:screen", lambda: words_chart(question.words, size=SCREEN))
        _open_answers(user, snap)
    else:
        show = question.state == "revealed"
        per_city = snap.count_mode == CountMode.CITY
        chart(
            snap,
            f"answers:screen:{show}:{per_city}",
            lambda: answers_chart(question, show_correct=show, per_city=per_city, size=SCREEN),
        )
        if question.mean is not None:
            st.caption(f"Mean: {question.mean:.2f}")
    _leaderboard(snap)


def _open_answers(user: User, snap: Snapshot) -> None:
    """Every open answer, oldest first (a new one comes in at the bottom and the rows
    above stay put); a hidden one leaves the big screen and the word chart, and stays
    stored."""
    items = list(reversed(snap.question.open_answers))
    if not items:
        return
    base = f"live_open_answers_{snap.question.id}"
    frame = pd.DataFrame(
        {
            "Answer": [a.text for a in items],
            "City": [a.city for a in items],
            "Shown": [not a.hidden for a in items],
        }
    )
    edited = st.data_editor(
        frame,
        hide_index=True,
        width="stretch",
        disabled=["Answer", "City"],
        column_config={
            "Shown": st.column_config.CheckboxColumn(
                help="Untick to take an answer off the big screen and the word chart."
            )
        },
        key=versioned_key(base),
    )
    flips = [
        (a.id, not shown)
        for a, shown in zip(items, edited["Shown"], strict=True)
        if shown == a.hidden
    ]
    if flips:

        def run(session):
            for answer_id, hidden in flips:
                answers.set_hidden(session, actor=user, answer_id=answer_id, hidden=hidden)

        save(run, success="Open answers updated", reset=new_version(base))


def _leaderboard(snap: Snapshot) -> None:
    by_city, by_person = leaderboard(snap)
    if not by_city:
        return
    st.caption(
        "Leaderboard: right answers to the revealed questions; ties share a place. The big "
        "screen shows the cities only; names stay on this page."
    )
    left_column, right_column = st.columns(2)
    left_column.dataframe(_scores(by_city, "City"), hide_index=True, width="stretch")
    if by_person:
        right_column.dataframe(_scores(by_person, "Name"), hide_index=True, width="stretch")


def _scores(scores, label: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "#": [x.rank for x in scores],
            label: [x.name for x in scores],
            "Right": [x.correct for x in scores],
            "Answered": [x.answered for x in scores],
            "Share": [f"{x.share:.0%}" for x in scores],
        }
    )


def _fresh_run(user: User, session_id: int) -> None:
    """Start the quiz afresh ("reset results"): its answers go, every question is back
    to not opened. Asks to confirm, and offers the summary first."""
    row = read(lambda s: permissions.require_session_access(s, user, session_id))
    fresh_run(user, row)


def fresh_run(user: User, row: EventSession) -> None:
    """The fresh-run panel: also offered before the session is opened for phones, so the
    room never sees the answers of an earlier run."""
    with st.expander("Start a fresh run of this quiz", icon=":material/restart_alt:"):
        count = read(lambda s: quiz_service.quiz_answers(s, actor=user, session_id=row.id))
        if not count:
            st.caption("Nobody has answered this quiz yet: there is nothing to clear.")
            return
        unit = "answer" if count == 1 else "answers"
        st.markdown(
            f"This deletes the **{count} {unit}** given to the questions of this "
            "session's quiz and puts every question back to *not opened yet*, as before "
            "its first run. Participants, challenges and votes stay."
        )
        st.warning(
            "The event summary export keeps nothing of what is cleared: download the "
            "summary first if you need these answers.",
            icon=":material/warning:",
        )
        summary_download(user, row, key="live_fresh")
        # One form: the confirmation travels with the click that acts on it.
        with st.form("live_fresh", border=False):
            confirm = f"Yes, delete the {count} {unit} and start afresh"
            sure = st.checkbox(confirm, key="live_fresh_sure")
            clear = st.form_submit_button(
                "Clear the answers and start afresh",
                type="primary",
                icon=":material/restart_alt:",
                key="live_fresh_run",
            )
        if not clear:
            return
        if not sure:
            st.error(f"Tick “{confirm}” first: nothing was cleared.", icon=":material/error:")
            return
        save(
            lambda s: quiz_service.fresh_quiz_run(s, actor=user, session_id=row.id),
            success="The quiz starts afresh: its answers are cleared.",
            reset={"live_fresh_sure": False},
        )
