"""The facilitator's controls on "Run live": settings, quiz stepping, wall, voting."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from peerlearn.charts.live import answers_chart, tally_chart, words_chart
from peerlearn.models import CountMode, EventSession, QuestionKind, User
from peerlearn.services import challenges as challenge_service
from peerlearn.services import common_challenges as group_service
from peerlearn.services import live, live_results
from peerlearn.ui.live import coverage
from peerlearn.ui.reports_widgets import XLSX, summary_filename, summary_for
from peerlearn.ui.widgets import act, act_and_refresh, empty_state, read

MODES = [m.value for m in CountMode]


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
            act(
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


def quiz(user: User, row: EventSession) -> None:
    questions = read(lambda s: live.session_questions(s, session_id=row.id))
    if not questions:
        empty_state("This session has no quiz yet: write one under **Quizzes**.")
        return
    current = next((q for q in questions if q.id == row.current_question_id), None)
    states = {q.id: live.question_state(q) for q in questions}
    listing = pd.DataFrame(
        {
            "#": range(1, len(questions) + 1),
            "Question": [q.text for q in questions],
            "Type": [q.kind for q in questions],
            "State": [states[q.id] for q in questions],
            "On screen": ["▶" if q.id == row.current_question_id else "" for q in questions],
        }
    )
    st.dataframe(listing, hide_index=True, width="stretch")
    steps = st.columns([1, 1, 2, 1, 1, 1], vertical_alignment="bottom")
    if steps[0].button("◀ Previous", key="live_prev", disabled=current is None):
        act_and_refresh(lambda s: live.step(s, actor=user, session_id=row.id, direction=-1))
    if steps[1].button("Next ▶", key="live_next"):
        act_and_refresh(lambda s: live.step(s, actor=user, session_id=row.id, direction=1))
    if current is None:
        st.caption("Press Next to put the first question on the screen.")
        return
    state = states[current.id]
    countdown = steps[2].number_input(
        "Countdown (seconds, 0 = none)", 0, live.MAX_COUNTDOWN, 0, step=5, key="live_countdown"
    )
    if steps[3].button("Open question", type="primary", key="live_open", disabled=state == "open"):
        seconds = int(countdown) or None
        act_and_refresh(
            lambda s: live.open_question(
                s, actor=user, session_id=row.id, question_id=current.id, countdown_seconds=seconds
            )
        )
    if steps[4].button("Close question", key="live_close", disabled=state != "open"):
        act_and_refresh(
            lambda s: live.close_question(s, actor=user, session_id=row.id, question_id=current.id)
        )
    if steps[5].button(
        "Reveal results", key="live_reveal", disabled=state in ("waiting", "revealed")
    ):
        act_and_refresh(
            lambda s: live.reveal_question(s, actor=user, session_id=row.id, question_id=current.id)
        )
    _results(row)


def _results(row: EventSession) -> None:
    snap = read(lambda s: live_results.snapshot(s, session_id=row.id))
    question = snap.question
    if question is None:
        st.caption("Switch the activity to Quiz to show the question on the screen and phones.")
        return
    st.markdown(f"**Question {question.position} of {question.total}** · {question.state}")
    st.text(question.text)
    st.caption(coverage(snap))
    if question.kind == QuestionKind.OPEN:
        if question.words:
            st.altair_chart(words_chart(question.words), width="stretch")
        st.dataframe(pd.DataFrame({"Answer": question.texts}), hide_index=True)
    else:
        show = question.state == "revealed"
        st.altair_chart(answers_chart(question, show_correct=show), width="stretch")
        if question.mean is not None:
            st.caption(f"Mean: {question.mean:.2f}")
    by_city, by_person = read(lambda s: live_results.leaderboard(s, session_id=row.id))
    if by_city:
        left, right = st.columns(2)
        left.caption("Leaderboard by city")
        left.dataframe(_scores(by_city, "City"), hide_index=True, width="stretch")
        if by_person:
            right.caption("Leaderboard by participant")
            right.dataframe(_scores(by_person, "Name"), hide_index=True, width="stretch")


def _scores(scores, label: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            label: [x.name for x in scores],
            "Right": [x.correct for x in scores],
            "Answered": [x.answered for x in scores],
            "Share": [x.share for x in scores],
        }
    )


def wall(user: User, row: EventSession, network_id: int) -> None:
    items = read(lambda s: live_results.wall_items(s, session_id=row.id))
    if not items:
        empty_state(
            "No challenges posted yet. Switch the activity to Challenge wall: participants "
            "post from their phones and they appear here."
        )
        return
    frame = pd.DataFrame(
        {
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
        key=f"live_wall_{row.id}",
    )
    rows = picked.selection.rows if picked else []
    chosen = [items[n].id for n in rows]
    st.caption(f"{len(chosen)} selected · select rows to hide, edit or group them.")
    hide, show, _ = st.columns([1, 1, 4])
    if hide.button("Hide", key="live_wall_hide", disabled=not chosen):
        _set_hidden(user, chosen, hidden=True)
    if show.button("Show", key="live_wall_show", disabled=not chosen):
        _set_hidden(user, chosen, hidden=False)
    if len(chosen) == 1:
        item = items[rows[0]]
        with st.form("live_wall_edit"):
            text = st.text_area("Edit the text", value=item.text, key="live_wall_text")
            if st.form_submit_button("Save text"):
                act_and_refresh(
                    lambda s: challenge_service.update_challenge(
                        s, actor=user, challenge_id=item.id, text=text
                    ),
                    success="Challenge saved",
                )
    if chosen:
        _group(user, row, network_id, chosen)


def _group(user: User, row: EventSession, network_id: int, chosen: list[int]) -> None:
    groups = read(
        lambda s: group_service.list_common_challenges(
            s, actor=user, network_id=network_id, session_id=row.id
        )
    )
    with st.form("live_wall_group"):
        st.markdown("**Group the selected challenges**")
        name = st.text_input("Into a new common challenge named", key="live_group_name")
        names = {g.id: g.name for g in groups}
        into = st.selectbox(
            "…or add them to",
            list(names),
            index=None,
            format_func=names.get,
            placeholder="an existing common challenge",
            key="live_group_into",
        )
        if st.form_submit_button("Group", type="primary"):
            if into is not None:
                act_and_refresh(
                    lambda s: group_service.add_to_common_challenge(
                        s, actor=user, common_challenge_id=into, challenge_ids=chosen
                    ),
                    success="Grouped",
                )
            else:
                act_and_refresh(
                    lambda s: group_service.create_common_challenge(
                        s,
                        actor=user,
                        network_id=network_id,
                        name=name,
                        challenge_ids=chosen,
                        session_id=row.id,
                    ),
                    success="Common challenge created",
                )


def voting(user: User, row: EventSession) -> None:
    tallies = read(lambda s: live_results.vote_tallies(s, session_id=row.id))
    if not tallies:
        empty_state(
            "No common challenges in this session yet: group challenges on the wall (or "
            "under **Common challenges**), then switch the activity to Dot-voting."
        )
        return
    closed = row.voting_closed_at is not None
    st.caption("Voting is closed: this is the ranking." if closed else "Live tally")
    st.altair_chart(tally_chart(tallies), width="stretch")
    label = "Reopen voting" if closed else "Close voting and show the ranking"
    if st.button(label, key="live_close_voting", type="secondary" if closed else "primary"):
        act_and_refresh(
            lambda s: live.close_voting(s, actor=user, session_id=row.id, closed=not closed)
        )


def _set_hidden(user: User, ids: list[int], *, hidden: bool) -> None:
    def run(session):
        for challenge_id in ids:
            challenge_service.set_hidden(
                session, actor=user, challenge_id=challenge_id, hidden=hidden
            )

    act_and_refresh(run)


def export(user: User, row: EventSession) -> None:
    """The event's Excel summary, mid-session: everything collected is already stored."""
    st.caption(
        "Answers, posts and votes are stored as they come: the event's summary can be "
        "downloaded at any moment, also now."
    )
    if st.button("Prepare the event summary", icon=":material/table_view:", key="live_prepare"):
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
            key="live_download",
        )
