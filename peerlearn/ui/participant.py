"""The phone's view of a live session, one function per activity.

Participants have no account: the token in the URL is who they are. Each function
draws from the shared snapshot and writes only through the participant services.
"""

from __future__ import annotations

import streamlit as st

from peerlearn.charts.live import PHONE, answers_chart, tally_chart, words_chart
from peerlearn.models import CountMode, QuestionKind
from peerlearn.services import live_board, live_views, participation
from peerlearn.services.live_results import CurrentQuestion, Snapshot
from peerlearn.ui.live import big
from peerlearn.ui.widgets import act, read

SAVED = "join_saved_question"
COOKIE_DAYS = 3


def cookie_name(session_id: int) -> str:
    """The cookie that remembers who this browser is in one session."""
    return f"pl_p_{session_id}"


def resume_token(cookie_token: str | None, *, known: bool, someone_else: bool) -> str | None:
    """The participant a browser opening ``/join?code=...`` without ``?p=`` continues as.

    ``cookie_token`` is the token its cookie kept for that session; ``known`` says
    whether it names a participant of that very session; ``someone_else`` whether the
    person asked to join as someone else in this browser tab. None: join anew.
    """
    if not cookie_token or someone_else or not known:
        return None
    return cookie_token


def city_dots_used(snap: Snapshot, city_id: int | None) -> int | None:
    """Dots the participant's city has placed (per-city voting), from the snapshot."""
    if snap.vote_mode != CountMode.CITY or city_id is None:
        return None
    return snap.city_dots.get(city_id, 0)


def signature(snap: Snapshot, city_id: int | None = None) -> tuple:
    """What, when it changes, means the phone must redraw its form: the activity, the
    question and its state, and while voting per city the dots the city has left."""
    question = snap.question
    voting = snap.activity == "voting"
    return (
        snap.live,
        snap.activity,
        question.id if question else None,
        question.state if question else None,
        snap.voting_closed,
        snap.results_hidden,
        snap.vote_mode if voting else None,
        snap.vote_budget if voting else None,
        city_dots_used(snap, city_id) if voting else None,
        tuple(t.id for t in snap.tallies) if voting else None,
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
        per_city = snap.count_mode == CountMode.CITY
        _results(question, revealed=question.state == "revealed", per_city=per_city)
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
        # Redraw so the form shows the saved answer; the note and toast survive it.
        act(
            lambda s: participation.answer_question(
                s, token=token, question_id=question.id, **values
            ),
            success="Answer saved",
            reset={SAVED: question.id},
        )
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


def _results(question: CurrentQuestion, *, revealed: bool, per_city: bool) -> None:
    if question.kind == QuestionKind.OPEN:
        if question.words:
            st.altair_chart(words_chart(question.words, 8, size=PHONE), width="stretch")
        return
    chart = answers_chart(question, show_correct=revealed, per_city=per_city, size=PHONE)
    st.altair_chart(chart, width="stretch")
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
    with st.form("join_wall"):
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
            # Emptied only once posted: a refused post keeps what was typed.
            reset={"join_wall_text": "", "join_wall_category": None},
        )
    mine = read(lambda s: live_board.my_challenges(s, token=token))
    if mine:
        st.caption(f"You posted {len(mine)}:")
        for challenge in mine:
            st.text("• " + challenge.text)


def voting(snap: Snapshot, token: str, city_id: int | None = None) -> None:
    if not snap.tallies:
        st.info("The common challenges to vote on are being prepared.", icon=":material/hub:")
        return
    if snap.voting_closed:
        st.success("Voting is closed. The ranking:", icon=":material/leaderboard:")
        st.altair_chart(tally_chart(snap.tallies, size=PHONE), width="stretch")
        return
    mine = read(lambda s: live_board.my_votes(s, token=token))
    used = city_dots_used(snap, city_id)
    if used is None:
        left = read(lambda s: live_board.dots_left(s, token=token))
    else:  # the city's count comes with the shared snapshot, which every tick compares
        left = max(0, snap.vote_budget - used)
    per_city = " for your city" if snap.vote_mode == CountMode.CITY else ""
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
            # Not disabled at 0 left: a press then says why nothing happens (and the
            # count may be a moment old).
            if row.button("+", key=f"join_more_{tally.id}"):
                _vote(token, tally.id, dots + 1)


def _vote(token: str, group_id: int, dots: int) -> None:
    done = act(
        lambda s: live_board.vote(s, token=token, common_challenge_id=group_id, dots=dots) or True
    )
    if done:
        st.rerun()
