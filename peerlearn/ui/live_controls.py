"""The facilitator's controls on "Run live": settings, quiz stepping, wall, voting."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st
from sqlmodel import Session

from peerlearn.charts.live import SCREEN, answers_chart, tally_chart, words_chart
from peerlearn.models import CountMode, EventSession, QuestionKind, User
from peerlearn.services import challenges as challenge_service
from peerlearn.services import live, live_board
from peerlearn.services._common import now
from peerlearn.services.live_results import Snapshot
from peerlearn.ui.live import RUN_LIVE_TICK, coverage, forget_snapshot, leaderboard, snapshot
from peerlearn.ui.reports_widgets import XLSX, summary_filename, summary_for
from peerlearn.ui.widgets import act, empty_state, new_version, read, versioned_key

MODES = [m.value for m in CountMode]
TABS = ["Quiz", "Challenge wall", "Dot-voting", "Participants", "Export"]
TAB_KEY = "live_tab"
STATES = {
    "waiting": "not opened yet",
    "open": "open",
    "closed": "closed",
    "revealed": "revealed",
}


def do(
    session_id: int,
    action: Callable[[Session], object],
    *,
    success: str | None = None,
    reset: Mapping[str, Any] | None = None,
) -> None:
    """Run a facilitator's change and redraw the whole page at once, with the shared
    snapshot dropped so that every screen shows the change on its next draw."""

    def run(session: Session) -> object:
        result = action(session)
        forget_snapshot(session_id)
        return result

    act(run, success=success, reset=reset or {}, rerun=True)


def seconds_left(closes_at: datetime | None) -> int | None:
    if closes_at is None:
        return None
    return max(0, int((closes_at - now()).total_seconds() + 0.999))


def _ended_elsewhere(snap: Snapshot) -> None:
    """Another facilitator ended the session: redraw the page, which then offers to
    reopen it, instead of controls for a session that is gone."""
    if not snap.live:
        st.rerun(scope="app")


def settings(user: User, row: EventSession) -> None:
    expander = st.expander("Settings: counting, hidden results, dot budget")
    with expander, st.form(f"live_settings_{row.id}"):
        left, right = st.columns(2)
        count_mode = left.radio(
            "Count quiz answers",
            MODES,
            index=MODES.index(row.count_mode),
            horizontal=True,
            help="Per city: a city counts once, however many of its people answer.",
            key="live_count_mode",
        )
        hidden = left.toggle(
            "Hide results until the reveal", value=row.results_hidden, key="live_hidden"
        )
        vote_mode = right.radio(
            "Dots go to",
            MODES,
            index=MODES.index(row.vote_mode),
            horizontal=True,
            help="Per city: the city's people share one budget.",
            key="live_vote_mode",
        )
        budget = right.number_input(
            "Dots each", 1, live.MAX_BUDGET, row.vote_budget, key="live_budget"
        )
        if st.form_submit_button("Save settings"):
            do(
                row.id,
                lambda s: live.update_settings(
                    s,
                    actor=user,
                    session_id=row.id,
                    count_mode=count_mode,
                    results_hidden=hidden,
                    vote_mode=vote_mode,
                    vote_budget=int(budget),
                ),
                success="Settings saved",
            )


@st.fragment(run_every=RUN_LIVE_TICK)
def quiz(user: User, session_id: int) -> None:
    """The questions, the controls that fit each one's state now, and the results.

    Redrawn every couple of seconds from the shared snapshot: answers come in, a
    countdown runs out and the question shows as closed, with no click.
    """
    snap = snapshot(session_id)
    _ended_elsewhere(snap)
    questions = snap.questions
    if not questions:
        empty_state("This session has no quiz yet: write one under **Quizzes**.")
        return
    current = next((q for q in questions if q.id == snap.current_question_id), None)
    listing = pd.DataFrame(
        {
            "#": range(1, len(questions) + 1),
            "Question": [q.text for q in questions],
            "Type": [q.kind for q in questions],
            "State": [_state(q.state, q.closes_at) for q in questions],
            "On screen": ["on screen" if q is current else "" for q in questions],
        }
    )
    st.dataframe(
        listing,
        hide_index=True,
        width="stretch",
        # The question takes what is left; "not opened yet" and "open · 30 s left" fit.
        column_config={
            "#": st.column_config.NumberColumn(width="small"),
            "Type": st.column_config.TextColumn(width=130),
            "State": st.column_config.TextColumn(width=140),
            "On screen": st.column_config.TextColumn(width=100),
        },
    )
    steps = st.columns([1, 1, 2, 1.4, 1, 1], vertical_alignment="bottom")
    if steps[0].button(
        "Previous", icon=":material/arrow_back:", key="live_prev", disabled=current is None
    ):
        do(session_id, lambda s: live.step(s, actor=user, session_id=session_id, direction=-1))
    if steps[1].button("Next", icon=":material/arrow_forward:", key="live_next"):
        do(session_id, lambda s: live.step(s, actor=user, session_id=session_id, direction=1))
    if current is None:
        st.caption("Press Next to put the first question on the screen.")
        return
    state = current.state
    countdown = steps[2].number_input(
        "Countdown (seconds, 0 = none)", 0, live.MAX_COUNTDOWN, 0, step=5, key="live_countdown"
    )
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
        seconds = int(countdown) or None
        do(
            session_id,
            lambda s: live.open_question(
                s,
                actor=user,
                session_id=session_id,
                question_id=current.id,
                countdown_seconds=seconds,
                hide_results=state == "revealed",
            ),
        )
    if steps[4].button("Close question", key="live_close", disabled=state != "open"):
        do(
            session_id,
            lambda s: live.close_question(
                s, actor=user, session_id=session_id, question_id=current.id
            ),
        )
    if steps[5].button(
        "Reveal results", key="live_reveal", disabled=state in ("waiting", "revealed")
    ):
        do(
            session_id,
            lambda s: live.reveal_question(
                s, actor=user, session_id=session_id, question_id=current.id
            ),
        )
    _results(snap)


def _state(state: str, closes_at: datetime | None) -> str:
    left = seconds_left(closes_at) if state == "open" else None
    return STATES[state] + (f" · {left} s left" if left is not None else "")


def _results(snap: Snapshot) -> None:
    question = snap.question
    if question is None:
        st.caption("Switch the activity to Quiz to show the question on the screen and phones.")
        return
    st.markdown(
        f"**Question {question.position} of {question.total}** · "
        + _state(question.state, question.closes_at)
    )
    st.text(question.text)
    left = seconds_left(question.closes_at) if question.state == "open" else None
    if left is not None:
        st.caption(f":material/timer: Closes by itself in {left} s")
    st.caption(coverage(snap))
    if question.kind == QuestionKind.OPEN:
        if question.words:
            st.altair_chart(words_chart(question.words, size=SCREEN), width="stretch")
        st.dataframe(pd.DataFrame({"Answer": question.texts}), hide_index=True)
    else:
        show = question.state == "revealed"
        per_city = snap.count_mode == CountMode.CITY
        st.altair_chart(
            answers_chart(question, show_correct=show, per_city=per_city, size=SCREEN),
            width="stretch",
        )
        if question.mean is not None:
            st.caption(f"Mean: {question.mean:.2f}")
    by_city, by_person = leaderboard(snap)
    if by_city:
        st.caption(
            "Leaderboard: right answers to the revealed questions. The big screen shows "
            "the cities only; names stay on this page."
        )
        left_column, right_column = st.columns(2)
        left_column.dataframe(_scores(by_city, "City"), hide_index=True, width="stretch")
        if by_person:
            right_column.dataframe(_scores(by_person, "Name"), hide_index=True, width="stretch")


def _scores(scores, label: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "#": range(1, len(scores) + 1),
            label: [x.name for x in scores],
            "Right": [x.correct for x in scores],
            "Answered": [x.answered for x in scores],
            "Share": [f"{x.share:.0%}" for x in scores],
        }
    )


def fresh_run(user: User, row: EventSession) -> None:
    """Start the quiz afresh ("reset results"): its answers go, every question is back
    to not opened. Asks to confirm, and offers the summary first."""
    with st.expander("Start a fresh run of this quiz", icon=":material/restart_alt:"):
        answers = read(lambda s: live.quiz_answers(s, actor=user, session_id=row.id))
        if not answers:
            st.caption("Nobody has answered this quiz yet: there is nothing to clear.")
            return
        people = "answer" if answers == 1 else "answers"
        st.markdown(
            f"This deletes the **{answers} {people}** given to the questions of this "
            "session's quiz and puts every question back to *not opened yet*, as before "
            "its first run. Participants, challenges and votes stay."
        )
        st.warning(
            "The event summary export keeps nothing of what is cleared: download the "
            "summary first if you need these answers.",
            icon=":material/warning:",
        )
        summary_download(user, row, key="live_fresh")
        # One form: the confirmation travels with the click that acts on it. A ticked
        # box that redraws a disabled button needs a run of its own, and on this page
        # the two-second fragments share the session with that run.
        with st.form("live_fresh", border=False):
            confirm = f"Yes, delete the {answers} {people} and start afresh"
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
        do(
            row.id,
            lambda s: live.fresh_quiz_run(s, actor=user, session_id=row.id),
            success="The quiz starts afresh: its answers are cleared.",
            reset={"live_fresh_sure": False},
        )


# --- the challenge wall -------------------------------------------------------------


def selected_ids(
    rows: Sequence[int], seen: Sequence[int] | None, current: Sequence[int]
) -> list[int]:
    """The challenges a table selection means, by id.

    ``rows`` are positions in the table the person looked at when they selected:
    ``seen``, the ids drawn in the run before (None: this run's ``current``). A post
    that came in since then does not shift the selection onto another challenge, and
    one that went away is dropped.
    """
    drawn = list(seen) if seen is not None else list(current)
    present = set(current)
    picked = [drawn[n] for n in rows if 0 <= n < len(drawn)]
    return [i for i in dict.fromkeys(picked) if i in present]


def _wall_key(session_id: int) -> str:
    return f"live_wall_{session_id}"


@st.fragment(run_every=RUN_LIVE_TICK)
def wall(user: User, session_id: int) -> None:
    """Moderating the wall: hide, edit and group posts, selected by their id."""
    snap = snapshot(session_id)
    _ended_elsewhere(snap)
    items = snap.wall
    if not items:
        empty_state(
            "No challenges posted yet. Switch the activity to Challenge wall: participants "
            "post from their phones and they appear here."
        )
        return
    base = _wall_key(session_id)
    key = versioned_key(base)
    seen = st.session_state.get(f"{key}__ids")
    current = [i.id for i in items]
    frame = pd.DataFrame(
        {
            "#": current,
            "Challenge": [i.text for i in items],
            "City": [i.city for i in items],
            "Tandem": [i.tandem for i in items],
            "Category": [i.category for i in items],
            "Hidden": [i.hidden for i in items],
            "Common challenge": [i.group for i in items],
        }
    )
    picked = st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="multi-row",
        key=key,
    )
    rows = picked.selection.rows if picked else []
    chosen = selected_ids(rows, seen, current)
    st.session_state[f"{key}__ids"] = current
    by_id = {i.id: i for i in items}
    st.caption(
        f"{len(chosen)} selected · select rows to hide, edit or group them. "
        "New posts come in at the bottom."
    )
    done = new_version(base)
    hide, show, _ = st.columns([1, 1, 4])
    if hide.button("Hide", key="live_wall_hide", disabled=not chosen):
        _set_hidden(user, session_id, chosen, hidden=True, reset=done)
    if show.button("Show", key="live_wall_show", disabled=not chosen):
        _set_hidden(user, session_id, chosen, hidden=False, reset=done)
    if len(chosen) == 1:
        item = by_id[chosen[0]]
        with st.form(f"live_wall_edit_{item.id}"):
            text = st.text_area(
                f"Edit the text of #{item.id}", value=item.text, key=f"live_wall_text_{item.id}"
            )
            if st.form_submit_button("Save text"):
                do(
                    session_id,
                    lambda s: challenge_service.update_challenge(
                        s, actor=user, challenge_id=item.id, text=text
                    ),
                    success="Challenge saved",
                    reset=done,
                )
    if chosen:
        _group(user, session_id, snap, chosen, reset=done)


def _group(
    user: User, session_id: int, snap: Snapshot, chosen: list[int], *, reset: Mapping[str, Any]
) -> None:
    names = {t.id: t.name for t in snap.tallies}  # the session's live common challenges
    with st.form("live_wall_group"):
        st.markdown(f"**Group the {len(chosen)} selected challenges**")
        name = st.text_input("Into a new common challenge named", key="live_group_name")
        into = st.selectbox(
            "…or add them to",
            list(names),
            index=None,
            format_func=names.get,
            placeholder="an existing common challenge",
            key="live_group_into",
        )
        if st.form_submit_button("Group", type="primary"):
            do(
                session_id,
                lambda s: live_board.group_wall_challenges(
                    s,
                    actor=user,
                    session_id=session_id,
                    challenge_ids=chosen,
                    name=name,
                    into=into,
                ),
                success="Grouped" if into is not None else "Common challenge created",
                reset={**reset, "live_group_name": "", "live_group_into": None},
            )


def _set_hidden(
    user: User, session_id: int, ids: list[int], *, hidden: bool, reset: Mapping[str, Any]
) -> None:
    def run(session):
        for challenge_id in ids:
            challenge_service.set_hidden(
                session, actor=user, challenge_id=challenge_id, hidden=hidden
            )

    count = f"{len(ids)} challenge{'s' if len(ids) != 1 else ''}"
    do(session_id, run, success=f"{count} {'hidden' if hidden else 'shown'}", reset=reset)


# --- dot-voting and the people present ------------------------------------------------


@st.fragment(run_every=RUN_LIVE_TICK)
def voting(user: User, session_id: int) -> None:
    snap = snapshot(session_id)
    _ended_elsewhere(snap)
    tallies = snap.tallies
    if not tallies:
        empty_state(
            "No common challenges in this session yet: group challenges on the wall (or "
            "under **Common challenges**), then switch the activity to Dot-voting."
        )
        return
    closed = snap.voting_closed
    st.caption("Voting is closed: this is the ranking." if closed else "Live tally")
    st.altair_chart(tally_chart(tallies, size=SCREEN), width="stretch")
    label = "Reopen voting" if closed else "Close voting and show the ranking"
    if st.button(label, key="live_close_voting", type="secondary" if closed else "primary"):
        do(
            session_id,
            lambda s: live.close_voting(s, actor=user, session_id=session_id, closed=not closed),
        )


@st.fragment(run_every=RUN_LIVE_TICK)
def participants(session_id: int) -> None:
    snap = snapshot(session_id)
    st.metric("Joined since the session was opened for phones", snap.participants)
    if snap.cities:
        st.caption("Cities present")
        st.text(", ".join(snap.cities))
    else:
        st.caption("Nobody has said which city they speak for yet.")


# --- the summary ----------------------------------------------------------------------


def summary_download(user: User, row: EventSession, *, key: str) -> None:
    """Prepare the event's Excel summary, then offer it for download."""
    if st.button("Prepare the event summary", icon=":material/table_view:", key=f"{key}_prepare"):
        content = act(lambda s: summary_for(s, actor=user, scope="event", target_id=row.event_id))
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


def export(user: User, row: EventSession) -> None:
    """The event's Excel summary, mid-session: everything collected is already stored."""
    st.caption(
        "Answers, posts and votes are stored as they come: the event's summary can be "
        "downloaded at any moment, also now."
    )
    summary_download(user, row, key="live")
