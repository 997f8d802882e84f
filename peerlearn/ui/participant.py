"""The phone's view of a live session, one function per activity.

Participants have no account: the token in the URL is who they are. Each function
draws from the shared snapshot and writes only through the participant services.
"""

from __future__ import annotations

import streamlit as st

from peerlearn.charts.live import answers_chart, tally_chart, words_chart
from peerlearn.models import QuestionKind
from peerlearn.services import live_board, live_views, participation
from peerlearn.services.live_results import CurrentQuestion, Snapshot
from peerlearn.ui.live import big
from peerlearn.ui.widgets import act, read

SAVED = "join_saved_question"


def signature(snap: Snapshot) -> tuple:
    """What, when it changes, means the phone must redraw its form."""
    question = snap.question
    return (
        snap.live,
        snap.activity,
        question.id if question else None,
        question.state if question else None,
        snap.voting_closed,
        snap.results_hidden,
    )


def lobby() -> None:
    st.info(
        "You're in. The facilitator will start in a moment; this page follows by itself.",
        icon=":material/hourglass_top:",
    )


def ended() -> None:
    st.success("The session has ended. Thank you for taking part!", icon=":material/favorite:")


def quiz(snap: Snapshot, token: str) -> None:
    question = snap.question
    if question is None or question.state == "waiting":
        st.info("Get ready: the next question is coming.", icon=":material/hourglass_top:")
        return
    st.caption(f"Question {question.position} of {question.total}")
    big(question.text, size=1.4)
    mine = read(lambda s: participation.participant_answer(s, token=token, question_id=question.id))
    if question.state == "open":
        _answer_form(question, token, mine)
        return
    _show_mine(question, mine)
    if question.state == "revealed" or not snap.results_hidden:
        _results(question, revealed=question.state == "revealed")
    else:
        st.info("Answers are closed. Results come on the big screen.", icon=":material/lock:")


def _answer_form(question: CurrentQuestion, token: str, mine) -> None:
    answer, chosen = mine if mine else (None, [])
    options = {o.id: o.text for o in question.options}
    key = f"join_q{question.id}"
    with st.form(key):
        if question.kind == QuestionKind.SINGLE:
            before = chosen[0] if chosen and chosen[0] in options else None
            picked = st.radio(
                "Your answer",
                list(options),
                index=list(options).index(before) if before else None,
                format_func=options.get,
                key=f"{key}_single",
            )
            values = dict(option_ids=[picked] if picked is not None else [])
        elif question.kind == QuestionKind.MULTIPLE:
            picked = st.pills(
                "Your answers (pick all that apply)",
                list(options),
                selection_mode="multi",
                default=[o for o in chosen if o in options],
                format_func=options.get,
                key=f"{key}_multi",
            )
            values = dict(option_ids=list(picked or []))
        elif question.kind == QuestionKind.SCALE:
            low, high = question.scale_min, question.scale_max
            start = answer.value if answer and answer.value is not None else (low + high) // 2
            value = st.slider("Your answer", low, high, start, key=f"{key}_scale")
            values = dict(value=value)
        else:
            text = st.text_area(
                "Your answer", value=answer.text if answer else "", max_chars=500, key=f"{key}_open"
            )
            values = dict(text=text)
        label = "Change my answer" if answer else "Send my answer"
        sent = st.form_submit_button(label, type="primary", width="stretch")
    if sent:
        saved = act(
            lambda s: participation.answer_question(
                s, token=token, question_id=question.id, **values
            ),
            success="Answer saved",
        )
        if saved is not None:
            # Redraw so the form shows the saved answer; the note survives the rerun.
            st.session_state[SAVED] = question.id
            st.rerun()
    elif st.session_state.get(SAVED) == question.id:
        st.success(
            "Your answer is saved. You can change it until the question closes.",
            icon=":material/check_circle:",
        )


def _show_mine(question: CurrentQuestion, mine) -> None:
    if not mine:
        st.caption("You did not answer this question.")
        return
    answer, chosen = mine
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        texts = [o.text for o in question.options if o.id in chosen]
        st.caption("Your answer:")
        st.text(", ".join(texts))
        if question.state == "revealed" and question.has_correct:
            right = {o.id for o in question.options if o.is_correct}
            if set(chosen) == right:
                st.success("Right!", icon=":material/celebration:")
            else:
                st.warning("Not quite — the right answer is highlighted below.")
    elif question.kind == QuestionKind.SCALE:
        st.caption(f"Your answer: {answer.value}")
    else:
        st.caption("Your answer:")
        st.text(answer.text)


def _results(question: CurrentQuestion, *, revealed: bool) -> None:
    if question.kind == QuestionKind.OPEN:
        if question.words:
            st.altair_chart(words_chart(question.words), width="stretch")
        return
    st.altair_chart(answers_chart(question, show_correct=revealed), width="stretch")
    if question.kind == QuestionKind.SCALE and question.mean is not None:
        st.caption(f"Mean: {question.mean:.1f}")


def wall(token: str) -> None:
    tandems = read(lambda s: live_board.participant_tandems(s, token=token))
    categories = read(live_views.wall_categories)
    if not tandems:
        st.info(
            "Your city is in no tandem of this network, so you cannot file challenges here. "
            "Ask the facilitator.",
            icon=":material/info:",
        )
        return
    with st.form("join_wall", clear_on_submit=True):
        st.markdown("**Post a challenge for your tandem**")
        tandem_id = st.selectbox(
            "Tandem",
            [t.id for t in tandems],
            format_func={t.id: t.name for t in tandems}.get,
            key="join_wall_tandem",
        )
        names = {c.id: c.name for c in categories}
        category_id = st.selectbox(
            "Category of need",
            list(names),
            index=None,
            format_func=names.get,
            placeholder="Choose…",
            key="join_wall_category",
        )
        text = st.text_area("The challenge", max_chars=2000, key="join_wall_text")
        sent = st.form_submit_button("Post", type="primary", width="stretch")
    if sent:
        act(
            lambda s: live_board.post_challenge(
                s, token=token, text=text, category_id=category_id, tandem_id=tandem_id
            ),
            success="Challenge posted",
        )
    mine = read(lambda s: live_board.my_challenges(s, token=token))
    if mine:
        st.caption(f"You posted {len(mine)}:")
        for challenge in mine:
            st.text("• " + challenge.text)


def voting(snap: Snapshot, token: str) -> None:
    if not snap.tallies:
        st.info("The common challenges to vote on are being prepared.", icon=":material/hub:")
        return
    if snap.voting_closed:
        st.success("Voting is closed. The ranking:", icon=":material/leaderboard:")
        st.altair_chart(tally_chart(snap.tallies), width="stretch")
        return
    mine = read(lambda s: live_board.my_votes(s, token=token))
    left = read(lambda s: live_board.dots_left(s, token=token))
    per_city = " for your city" if snap.vote_mode == "per city" else ""
    st.markdown(f"**{left} of {snap.vote_budget} dots left{per_city}**")
    for tally in snap.tallies:
        dots = mine.get(tally.id, 0)
        with st.container(border=True):
            st.text(tally.name)
            # A horizontal row stays a row on a phone (columns would stack).
            row = st.container(horizontal=True, vertical_alignment="center", wrap=False)
            if row.button("−", key=f"join_less_{tally.id}", disabled=dots == 0):
                _vote(token, tally.id, dots - 1)
            row.markdown(f"**{'●' * dots or '○'}** {dots} of your dots")
            if row.button("+", key=f"join_more_{tally.id}", disabled=left == 0):
                _vote(token, tally.id, dots + 1)


def _vote(token: str, group_id: int, dots: int) -> None:
    done = act(
        lambda s: live_board.vote(s, token=token, common_challenge_id=group_id, dots=dots) or True
    )
    if done:
        st.rerun()
