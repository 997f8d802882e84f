"""The phone's view of a live session, one function per activity.

Participants have no account: the token in the URL is who they are. Each function
draws from the session's shared snapshot and writes only through peerlearn.live.
Every tap is saved in its button's callback, before the view is drawn again, so the
run that follows the tap already shows what it saved: one run per tap.
"""

from __future__ import annotations

import html

import streamlit as st

from peerlearn.charts.live import PHONE, answers_chart, tally_chart, words_chart
from peerlearn.live import answers, screens, votes, wall
from peerlearn.live.snapshot import CurrentQuestion, Snapshot
from peerlearn.models import CountMode, QuestionKind, WallPostCreate
from peerlearn.ui.live import big, chart
from peerlearn.ui.widgets import note, plain, read, save

COOKIE_DAYS = 3
# Answer tiles: colours with white text at a contrast above 4.5:1, and a shape each, so
# that no one needs to tell the colours apart.
TILES = [
    ("▲", "#b3261e"),
    ("◆", "#0b57d0"),
    ("●", "#7a5900"),
    ("■", "#146c2e"),
    ("★", "#6f3b9e"),
    ("⬟", "#8c4a00"),
]


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


def lobby() -> None:
    st.info(
        "You're in. The facilitator will start in a moment; this page follows by itself.",
        icon=":material/hourglass_top:",
    )


def ended() -> None:
    st.success("The session has ended. Thank you for taking part!", icon=":material/favorite:")


def quiz(snap: Snapshot, token: str) -> None:
    if snap.finished:
        st.success("The quiz is over: the podium is on the big screen.", icon=":material/flag:")
        return
    question = snap.question
    if question is None or question.state == "waiting":
        st.info("Get ready: the next question is coming.", icon=":material/hourglass_top:")
        return
    st.caption(f"Question {question.position} of {question.total}")
    big(question.text, size=1.4)
    mine = read(lambda s: answers.participant_answer(s, token=token, question_id=question.id))
    where = f"q{question.id}"
    if question.state == "open":
        _answer(question, token, mine, where)
        return
    note(where)
    _show_mine(question, mine)
    if question.state == "revealed" or not snap.results_hidden:
        per_city = snap.count_mode == CountMode.CITY
        _results(snap, revealed=question.state == "revealed", per_city=per_city)
    else:
        st.info("Answers are closed. Results come on the big screen.", icon=":material/lock:")


def _save(token: str, question_id: int, where: str, **values) -> None:
    save(
        lambda s: answers.answer_question(s, token=token, question_id=question_id, **values),
        success="Your answer is saved. You can change it until the question closes.",
        where=where,
    )


def _save_from(token: str, question_id: int, where: str, key: str, field: str) -> None:
    """Save what the form's widget ``key`` holds as ``field`` of the answer."""
    value = st.session_state.get(key)
    if field == "option_ids":
        value = list(value or [])
    _save(token, question_id, where, **{field: value})


def _tiles_css(key: str, count: int, chosen: list[int]) -> None:
    """Large coloured tiles, left-aligned text that wraps; the chosen one ringed."""
    rules = []
    for n in range(count):
        _, colour = TILES[n % len(TILES)]
        tile = f".st-key-{key}_{n} button"
        rules.append(
            f"{tile},{tile}:hover,{tile}:focus,{tile}:active,{tile}:focus:not(:active)"
            f"{{background-color:{colour} !important;color:#fff !important;"
            f"border:3px solid {colour} !important;min-height:4.5rem;justify-content:flex-start}}"
            f"{tile} p{{font-size:1.3rem;font-weight:600;text-align:left;white-space:normal;"
            "overflow-wrap:anywhere}"
        )
    for n in chosen:
        rules.append(
            f".st-key-{key}_{n} button{{outline:5px solid #1b1b1f !important;outline-offset:3px}}"
        )
    st.html("<style>" + "".join(rules) + "</style>")


def _answer(question: CurrentQuestion, token: str, mine, where: str) -> None:
    answer, chosen = mine if mine else (None, [])
    key = f"join_q{question.id}"
    if question.kind == QuestionKind.SINGLE:
        # One tap answers: a large tile per option, the chosen one marked.
        options = question.options
        picked = [n for n, o in enumerate(options) if o.id in chosen]
        _tiles_css(key, len(options), picked)
        for n, option in enumerate(options):
            shape, _ = TILES[n % len(TILES)]
            mark = "  ✓ your answer" if n in picked else ""
            st.button(
                f"{shape}  {plain(option.text)}{mark}",
                key=f"{key}_{n}",
                width="stretch",
                on_click=_save,
                args=(token, question.id, where),
                kwargs={"option_ids": [option.id]},
            )
        if not note(where) and answer is not None:
            st.caption("Tap another answer to change yours until the question closes.")
        return
    with st.form(key):
        if question.kind == QuestionKind.MULTIPLE:
            options = {o.id: o.text for o in question.options}
            st.session_state.setdefault(f"{key}_multi", [o for o in chosen if o in options])
            st.pills(
                "Your answers (pick all that apply)",
                list(options),
                selection_mode="multi",
                format_func=lambda ident: plain(options[ident]),
                key=f"{key}_multi",
            )
            field, widget = "option_ids", f"{key}_multi"
        elif question.kind == QuestionKind.SCALE:
            low, high = question.scale_min, question.scale_max
            start = answer.value if answer and answer.value is not None else (low + high) // 2
            st.session_state.setdefault(f"{key}_scale", start)
            st.slider("Your answer", low, high, key=f"{key}_scale")
            field, widget = "value", f"{key}_scale"
        else:
            st.session_state.setdefault(f"{key}_open", answer.text if answer else "")
            st.text_area("Your answer", max_chars=500, key=f"{key}_open")
            field, widget = "text", f"{key}_open"
        st.form_submit_button(
            "Change my answer" if answer else "Send my answer",
            type="primary",
            width="stretch",
            on_click=_save_from,
            args=(token, question.id, where, widget, field),
        )
    note(where)


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


def _results(snap: Snapshot, *, revealed: bool, per_city: bool) -> None:
    question = snap.question
    if question.kind == QuestionKind.OPEN:
        if question.words:
            chart(snap, "words:phone", lambda: words_chart(question.words, 8, size=PHONE))
        return
    chart(
        snap,
        f"answers:phone:{revealed}:{per_city}",
        lambda: answers_chart(question, show_correct=revealed, per_city=per_city, size=PHONE),
    )
    if question.kind == QuestionKind.SCALE and question.mean is not None:
        st.caption(f"Mean: {question.mean:.1f}")


def wall_view(token: str) -> None:
    tandems = read(lambda s: wall.participant_tandems(s, token=token))
    categories = read(screens.wall_categories)
    if not tandems:
        st.info(
            "Your city is in no tandem of this network, so you cannot file challenges here. "
            "Ask the facilitator.",
            icon=":material/info:",
        )
        return
    with st.form("join_wall", clear_on_submit=False):
        st.markdown("**Post a challenge for your tandem**")
        names = {t.id: t.name for t in tandems}
        st.selectbox("Tandem", list(names), format_func=names.get, key="join_wall_tandem")
        categories_by_id = {c.id: c.name for c in categories}
        st.selectbox(
            "Category of need",
            list(categories_by_id),
            index=None,
            format_func=categories_by_id.get,
            placeholder="Choose…",
            key="join_wall_category",
        )
        st.text_area("The challenge", max_chars=2000, key="join_wall_text")
        st.form_submit_button(
            "Post", type="primary", width="stretch", on_click=_post, args=(token,)
        )
    note("wall")
    mine = read(lambda s: wall.my_challenges(s, token=token))
    if mine:
        st.caption(f"You posted {len(mine)}:")
        for challenge in mine:
            waits = "  (waits for the facilitator)" if challenge.pending else ""
            _wrapped("• " + challenge.text + waits)


def _post(token: str) -> None:
    state = st.session_state
    text, category, tandem = (
        state.get("join_wall_text", ""),
        state.get("join_wall_category"),
        state.get("join_wall_tandem"),
    )
    save(
        lambda s: wall.post_challenge(
            s,
            token=token,
            data=WallPostCreate(text=text, category_id=category, tandem_id=tandem),
        ),
        success=lambda posted: (
            "Your post waits for the facilitator: it reaches the big screen once approved."
            if posted.pending
            else "Challenge posted"
        ),
        # Emptied only once posted: a refused post keeps what was typed.
        reset={"join_wall_text": "", "join_wall_category": None},
        where="wall",
    )


def _wrapped(text: str) -> None:
    """User text as text, wrapped even where a word has no spaces."""
    st.html(
        '<div style="white-space:pre-wrap;overflow-wrap:anywhere">' + html.escape(text) + "</div>"
    )


def voting(snap: Snapshot, token: str) -> None:
    if not snap.tallies:
        st.info("The common challenges to vote on are being prepared.", icon=":material/hub:")
        return
    if snap.voting_closed:
        st.success("Voting is closed. The ranking:", icon=":material/leaderboard:")
        chart(snap, "tally:phone", lambda: tally_chart(snap.tallies, size=PHONE))
        return
    mine = read(lambda s: votes.my_votes(s, token=token))
    # Read afresh: the phone's snapshot moves with the stage, not with each vote (the
    # page redraws when its city's dots move, as its token includes them).
    left = read(lambda s: votes.dots_left(s, token=token))
    per_city = " for your city" if snap.vote_mode == CountMode.CITY else ""
    st.markdown(f"**{left} of {snap.vote_budget} dots left{per_city}**")
    note("vote")
    # A stable order, by name: the ranking is the big screen's business, and cards that
    # moved with the live rank would slide under a finger about to tap.
    for tally in sorted(snap.tallies, key=lambda t: (t.name.casefold(), t.id)):
        dots = mine.get(tally.id, 0)
        with st.container(border=True):
            st.text(tally.name)
            # A horizontal row stays a row on a phone (columns would stack).
            row = st.container(horizontal=True, vertical_alignment="center", wrap=False)
            row.button(
                "−",
                key=f"join_less_{tally.id}",
                disabled=dots == 0,
                on_click=_vote,
                args=(token, tally.id, -1),
                help=f"Take a dot off {plain(tally.name)}",
            )
            row.markdown(f"**{'●' * dots or '○'}** {dots} of your dots")
            # Not disabled at 0 left: a press then says why nothing happens.
            row.button(
                "+",
                key=f"join_more_{tally.id}",
                on_click=_vote,
                args=(token, tally.id, 1),
                help=f"Put a dot on {plain(tally.name)}",
            )


def _vote(token: str, group_id: int, by: int) -> None:
    save(
        lambda s: votes.add_dots(s, token=token, common_challenge_id=group_id, by=by),
        success="Vote saved",
        where="vote",
    )
