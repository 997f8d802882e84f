"""The facilitator's "Run live" page on the Berlin quiz of the demo network: opening a
session for phones, stepping through its quiz, the controls that follow each state of a
question, a fresh run, moderating and grouping the wall, the summary mid-session."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from peerlearn import models as m
from peerlearn.live import answers as live_answers
from peerlearn.live import joining, lifecycle, wall
from peerlearn.live import quiz as live_quiz
from peerlearn.services import challenges
from peerlearn.services.store import now
from tests.ui.conftest import user_of
from tests.ui.live_helpers import (
    DEMO_ANSWERS,
    answers,
    buttons,
    click,
    drive,
    fresh,
    html,
    join,
    network_of,
    options,
    presenter_html,
    questions,
    run_live,
    states,
    tab,
)

CONTROLS = ("live_open", "live_close", "live_reveal")


@pytest.fixture
def control(app):
    """'Run live' as a facilitator, on the Berlin quiz session, opened for phones."""
    return run_live(app)


def _countdown(at):
    """The countdown field (its key names the stored countdown, so it is found by label)."""
    return next(n for n in at.number_input if n.label.startswith("Countdown for each question"))


def _quiz(at):
    """Switch the activity to the quiz, from the page."""
    at.button_group[0].set_value("quiz").run()
    assert not at.exception and not at.error
    return at


def _on_screen(at) -> int | None:
    return fresh(at.engine, at.row_id).current_question_id


def _shown_question(at) -> str:
    """The question Run live shows under its controls ("Question n of 4 · state")."""
    return next(md.value for md in at.markdown if md.value.startswith("**Question ")).split("**")[1]


# --- opening and ending -------------------------------------------------------------------


def test_run_live_opens_a_session_with_a_code_url_and_qr(control):
    row = fresh(control.engine, control.row_id)
    assert joining.is_live(row) and len(row.join_code) == 6
    shown = [c.value for c in control.code]
    assert any(f"/join?code={row.join_code}" in v for v in shown)
    assert control.get("imgs") or control.get("image")  # the QR code
    assert not control.error
    # Opened from localhost: the page says that phones cannot reach this address.
    assert any("Phones cannot reach this join address" in w.value for w in control.warning)


def test_the_join_address_is_the_public_one_when_it_is_set(app, monkeypatch):
    monkeypatch.setenv("PEERLEARN_PUBLIC_URL", "https://peerlearn.example.org/")
    at = run_live(app)
    code = fresh(at.engine, at.row_id).join_code
    assert f"https://peerlearn.example.org/join?code={code}" in [c.value for c in at.code]
    assert not any("Phones cannot reach" in w.value for w in at.warning)


def test_run_live_settings_are_saved(control):
    at = control
    at.radio(key="live_count_mode").set_value("per city")
    at.number_input(key="live_budget").set_value(5)
    at.toggle(key="live_tally_hidden").set_value(True)
    click(at, "Save settings")
    assert not at.exception and not at.error
    row = fresh(at.engine, at.row_id)
    assert (row.count_mode, row.vote_budget, row.tally_hidden) == ("per city", 5, True)


def test_run_live_ends_the_session_and_keeps_what_was_collected(control):
    control.button(key="live_end").click().run()
    row = fresh(control.engine, control.row_id)
    assert not joining.is_live(row) and row.activity == "ended"
    assert answers(control.engine, control.row_id) == DEMO_ANSWERS
    assert any("has ended" in i.value for i in control.info)
    assert control.button(key="live_start")  # it can be reopened
    control.button(key="live_start").click().run()
    assert joining.is_live(fresh(control.engine, control.row_id))


def test_run_live_on_an_empty_database_says_what_to_do(app):
    at = app("facilitator", "pages/live.py", kind="empty")
    assert not at.exception
    assert "no network" in at.info[0].value.lower()


def test_the_live_sessions_are_listed_above_the_pickers(control):
    code = fresh(control.engine, control.row_id).join_code
    control.run()
    assert any("Live now: " in c.value and code in c.value for c in control.caption)


# --- stepping through the quiz ---------------------------------------------------------


def test_run_live_steps_through_the_quiz(control):
    at = _quiz(control)
    assert fresh(at.engine, at.row_id).activity == "quiz"
    assert any("Press Next" in c.value for c in at.caption)
    at.button(key="live_next").click().run()
    first = _on_screen(at)
    assert first is not None
    _countdown(at).set_value(30).run()
    assert fresh(at.engine, at.row_id).countdown_seconds == 30
    at.button(key="live_open").click().run()
    with Session(at.engine) as session:
        question = session.get(m.Question, first)
        assert question.opened_at is not None and question.closes_at is not None
        assert question.countdown_seconds == 30
    at.button(key="live_close").click().run()
    at.button(key="live_reveal").click().run()
    with Session(at.engine) as session:
        assert session.get(m.Question, first).revealed_at is not None
    at.button(key="live_next").click().run()
    assert _on_screen(at) not in (None, first)
    assert not at.exception and not at.error


def test_after_next_run_live_and_the_presenter_show_the_same_question(control):
    at = _quiz(control)
    listed = questions(at.engine, at.row_id)
    for n, question in enumerate(listed[:2], 1):
        at.switch_page("pages/live.py").run()
        at.button(key="live_next").click().run()
        assert not at.exception and not at.error
        assert _on_screen(at) == question.id
        assert _shown_question(at) == f"Question {n} of {len(listed)}"
        assert question.text in [t.value for t in at.text]
        on_screen = at.dataframe[0].value
        assert list(on_screen["On screen"]) == [
            "on screen" if q.id == question.id else "" for q in listed
        ]
        page = presenter_html(at, at.row_id)
        assert f"Question {n} of {len(listed)}" in page
        assert question.text.split("(")[0].strip() in page


def test_next_on_the_last_question_finishes_with_the_podium(control):
    at = _quiz(control)
    listed = questions(at.engine, at.row_id)
    for _ in listed:  # the first Next puts the first question on the screen
        at.button(key="live_next").click().run()
    last = listed[-1]
    assert _on_screen(at) == last.id
    assert at.button(key="live_next").label == "Finish: the podium"
    at.button(key="live_open").click().run()
    at.button(key="live_next").click().run()  # finish
    assert not at.exception and not at.error
    row = fresh(at.engine, at.row_id)
    assert row.quiz_finished_at is not None
    with Session(at.engine) as session:
        # Asked, so revealed on the way out: it counts for the podium.
        assert live_quiz.state(session.get(m.Question, last.id)) == "revealed"
    assert at.button(key="live_next").disabled  # nothing after the end
    assert any("The quiz is over" in c.value for c in at.caption)
    assert "live_open" not in [b.key for b in at.button]
    assert "The quiz is over" in presenter_html(at, at.row_id)
    # Previous goes back to the last question.
    at.switch_page("pages/live.py").run()
    at.button(key="live_prev").click().run()
    assert not at.exception and not at.error
    assert fresh(at.engine, at.row_id).quiz_finished_at is None
    assert _on_screen(at) == last.id


def test_the_questions_table_keeps_the_state_of_each_question(control):
    at = _quiz(control)
    listing = at.dataframe[0].value
    assert list(listing["State"]) == ["closed"] * 4  # the demo's 2023 run
    assert list(listing["#"]) == [1, 2, 3, 4]


# --- the controls follow the state of the question ------------------------------------


def _first_question_open(at, *, countdown: int | None = None) -> m.Question:
    engine, row_id = at.engine, at.row_id
    drive(engine, row_id, live_quiz.fresh_quiz_run)
    if countdown:
        drive(engine, row_id, lifecycle.set_countdown, seconds=countdown)
    drive(engine, row_id, lifecycle.set_activity, activity="quiz")
    question = drive(engine, row_id, live_quiz.step, direction=1)
    return drive(engine, row_id, live_quiz.open_question, question_id=question.id)


def test_a_question_whose_countdown_ran_out_shows_as_closed(control):
    at, engine = control, control.engine
    question = _first_question_open(at, countdown=30)
    at.run()
    assert buttons(at, *CONTROLS)["live_close"] == ("Close question", False)
    with Session(engine) as session:
        row = session.get(m.Question, question.id)
        row.closes_at = now() - timedelta(seconds=1)  # the countdown ran out
        session.add(row)
        session.commit()
    at.run()  # what the follower asks for when the countdown ends: no click, no write
    state = buttons(at, *CONTROLS)
    assert state["live_close"] == ("Close question", True)
    assert state["live_open"] == ("Open again", False)
    assert state["live_reveal"][1] is False
    assert at.dataframe[0].value["State"][0] == "closed"


def test_the_countdown_field_shows_the_countdown_the_session_keeps(control):
    """Set by another facilitator (or in another tab) after this page was drawn: the
    field shows what the next question opened here gets, not what it showed before."""
    at, engine, row_id = _quiz(control), control.engine, control.row_id
    assert _countdown(at).value == 0
    drive(engine, row_id, lifecycle.set_countdown, seconds=45)
    at.run()
    assert _countdown(at).value == 45
    _countdown(at).set_value(20).run()  # changed here: kept
    assert not at.exception and not at.error
    assert fresh(engine, row_id).countdown_seconds == 20
    assert _countdown(at).value == 20
    drive(engine, row_id, lifecycle.set_countdown, seconds=None)
    at.run()
    assert _countdown(at).value == 0


def test_the_controls_follow_each_state_of_the_question(control):
    at, engine, row_id = control, control.engine, control.row_id
    drive(engine, row_id, live_quiz.fresh_quiz_run)
    drive(engine, row_id, lifecycle.set_activity, activity="quiz")
    question = drive(engine, row_id, live_quiz.step, direction=1)
    at.run()
    assert buttons(at, *CONTROLS) == {
        "live_open": ("Open question", False),
        "live_close": ("Close question", True),
        "live_reveal": ("Reveal results", True),
    }
    at.button(key="live_open").click().run()
    assert buttons(at, *CONTROLS)["live_open"] == ("Open question", True)
    at.button(key="live_close").click().run()
    assert buttons(at, *CONTROLS)["live_open"] == ("Open again", False)
    at.button(key="live_reveal").click().run()
    assert buttons(at, *CONTROLS)["live_reveal"] == ("Reveal results", True)
    assert not at.exception and not at.error
    assert states(engine, row_id)[0] == "revealed"
    assert _on_screen(at) == question.id


def test_reopening_a_revealed_question_says_it_hides_the_results(control):
    at, engine = control, control.engine
    question = _first_question_open(at)
    drive(engine, at.row_id, live_quiz.reveal_question, question_id=question.id)
    at.run()
    assert buttons(at, *CONTROLS)["live_open"] == ("Open again (hides the results)", False)
    at.button(key="live_open").click().run()
    assert not at.error
    with Session(engine) as session:
        assert live_quiz.state(session.get(m.Question, question.id)) == "open"


def test_run_live_follows_the_answers_as_they_come(control):
    """The quiz tab redraws when the session moves: here, when the follower asks."""
    at, engine = control, control.engine
    question = _first_question_open(at)
    at.run()
    assert any("0 people counted" in c.value for c in at.caption)
    token = join(engine, at.row_id)
    with Session(engine) as session:
        live_answers.answer_question(
            session,
            token=token,
            question_id=question.id,
            option_ids=[options(engine, question.id)[0].id],
        )
    at.run()
    assert any("1 person counted" in c.value for c in at.caption)


def test_a_tab_redraws_the_page_when_another_facilitator_changes_the_activity(control):
    at, engine, row_id = _quiz(control), control.engine, control.row_id
    drive(engine, row_id, lifecycle.set_activity, activity="voting")
    at.run()
    assert not at.exception
    assert at.button_group[0].value == "voting"


# --- names stay off the projector -------------------------------------------------------


def test_the_presenter_ranks_cities_and_run_live_names_people(control):
    at, engine, row_id = control, control.engine, control.row_id
    question = _first_question_open(at)
    right = next(o for o in options(engine, question.id) if o.is_correct)
    token = join(engine, row_id, name="Giulia Secreta")
    with Session(engine) as session:
        live_answers.answer_question(
            session, token=token, question_id=question.id, option_ids=[right.id]
        )
    drive(engine, row_id, live_quiz.reveal_question, question_id=question.id)
    at.run()
    names = [v for df in at.dataframe for v in df.value.get("Name", [])]
    assert any("Giulia Secreta" in v for v in names)  # on the facilitator's screen
    page = presenter_html(at, row_id)
    assert "Leaderboard of the cities" in page
    assert "Giulia" not in page  # never on the projector


# --- a fresh run of the demo quiz ---------------------------------------------------


def _fresh_run_offered(at) -> None:
    assert any("keeps nothing of what is cleared" in w.value for w in at.warning)
    assert at.button(key="live_fresh_prepare")  # the summary, offered right there


def _clear(at: AppTest) -> AppTest:
    # The box is ticked and the button pressed in one go: they are one form.
    at.checkbox(key="live_fresh_sure").check()
    at.button(key="live_fresh_run").click().run()
    assert not at.exception and not at.error
    return at


def test_a_fresh_run_is_offered_before_the_session_is_opened(app):
    at = run_live(app, start=False)
    row = fresh(at.engine, at.row_id)
    assert not joining.is_live(row)
    assert at.button(key="live_start")
    _fresh_run_offered(at)
    assert f"**{DEMO_ANSWERS} answers**" in " ".join(md.value for md in at.markdown)
    _clear(at)
    assert answers(at.engine, at.row_id) == 0
    assert states(at.engine, at.row_id) == ["waiting"] * 4
    assert not joining.is_live(fresh(at.engine, at.row_id))  # not opened by it
    assert any("nothing to clear" in c.value for c in at.caption)
    # Opened afterwards, the room sees none of the earlier run.
    at.button(key="live_start").click().run()
    assert "0 people joined" in presenter_html(at, at.row_id)
    at.switch_page("pages/live.py").run()
    assert list(at.dataframe[0].value["State"]) == ["not opened yet"] * 4


def test_a_fresh_run_clears_the_demo_answers_after_confirming(control):
    at, row_id = control, control.row_id
    assert answers(at.engine, row_id) == DEMO_ANSWERS
    _fresh_run_offered(at)
    _clear(at)
    assert answers(at.engine, row_id) == 0
    assert states(at.engine, row_id) == ["waiting"] * 4
    assert fresh(at.engine, row_id).current_question_id is None
    # Nothing is left to clear: the form is gone until somebody answers again.
    assert "live_fresh_run" not in [b.key for b in at.button]
    assert at.session_state["live_fresh_sure"] is False  # asked again next time
    assert any("nothing to clear" in c.value for c in at.caption)
    assert list(at.dataframe[0].value["State"]) == ["not opened yet"] * 4


def test_a_fresh_run_is_not_started_without_the_confirmation(control):
    at, row_id = control, control.row_id
    at.button(key="live_fresh_run").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"Tick “Yes, delete the {DEMO_ANSWERS} answers and start afresh” first: "
        "nothing was cleared."
    ]
    assert answers(at.engine, row_id) == DEMO_ANSWERS


def test_the_fresh_run_panel_counts_the_answers_stored_now(control):
    at, engine, row_id = control, control.engine, control.row_id
    question = _first_question_open(at)  # a fresh run: nothing stored
    at.run()
    assert any("nothing to clear" in c.value for c in at.caption)
    first, second = options(engine, question.id)[:2]
    for option in (first, second):
        token = join(engine, row_id)
        with Session(engine) as session:
            live_answers.answer_question(
                session, token=token, question_id=question.id, option_ids=[option.id]
            )
    at.run()
    panel = " ".join(md.value for md in at.markdown)
    assert "**2 answers**" in panel
    assert at.checkbox(key="live_fresh_sure").label == "Yes, delete the 2 answers and start afresh"
    # A changed answer is still one answer; a third person makes three.
    with Session(engine) as session:
        live_answers.answer_question(
            session, token=token, question_id=question.id, option_ids=[first.id]
        )
    at.run()
    assert "**2 answers**" in " ".join(md.value for md in at.markdown)
    token = join(engine, row_id)
    with Session(engine) as session:
        live_answers.answer_question(
            session, token=token, question_id=question.id, option_ids=[first.id]
        )
    at.run()
    assert at.checkbox(key="live_fresh_sure").label == "Yes, delete the 3 answers and start afresh"
    _clear(at)
    assert answers(engine, row_id) == 0


def test_one_answer_is_counted_in_the_singular(control):
    at, engine, row_id = control, control.engine, control.row_id
    question = _first_question_open(at)
    token = join(engine, row_id)
    with Session(engine) as session:
        live_answers.answer_question(
            session,
            token=token,
            question_id=question.id,
            option_ids=[options(engine, question.id)[0].id],
        )
    at.run()
    assert "**1 answer**" in " ".join(md.value for md in at.markdown)
    assert at.checkbox(key="live_fresh_sure").label == "Yes, delete the 1 answer and start afresh"


def test_the_summary_can_be_downloaded_before_a_fresh_run(control):
    at = control
    at.button(key="live_fresh_prepare").click().run()
    assert not at.exception and not at.error
    assert at.get("download_button")
    assert at.session_state["live_summary"][0] == fresh(at.engine, at.row_id).event_id


def test_the_event_summary_downloads_mid_session_with_the_answers_so_far(control):
    at, engine = control, control.engine
    question = _first_question_open(at)
    first = options(engine, question.id)[0]
    token = join(engine, at.row_id)
    with Session(engine) as session:
        live_answers.answer_question(
            session, token=token, question_id=question.id, option_ids=[first.id]
        )
    tab(at, "Export")
    at.button(key="live_prepare").click().run()
    assert not at.error
    assert at.get("download_button"), "no download offered"
    content = at.session_state["live_summary"][1]
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = list(book["Quiz results"].iter_rows(values_only=True))
    header = rows[0]
    picked = [
        dict(zip(header, r, strict=True))
        for r in rows[1:]
        if r[header.index("Answer")] == first.text and r[header.index("Question")] == question.text
    ]
    assert picked and picked[0]["Answers"] >= 1  # the answer given a moment ago


# --- the participants tab -----------------------------------------------------------------


def test_the_participants_tab_counts_this_opening_only(control):
    at, engine, row_id = control, control.engine, control.row_id
    tab(at, "Participants")
    assert at.metric[0].value == "0"  # the demo's 2023 participants are not in the room
    join(engine, row_id)
    at.run()
    assert at.metric[0].value == "1"
    assert at.text and at.text[0].value  # the city present


# --- moderating the wall by challenge id ------------------------------------------------


def _wall_posts(at, *posts: str) -> list[int]:
    engine, row_id = at.engine, at.row_id
    drive(engine, row_id, lifecycle.set_activity, activity="challenge wall")
    token = join(engine, row_id)
    with Session(engine) as session:
        tandem = wall.participant_tandems(session, token=token)[0]
        posted = [
            wall.post_challenge(
                session, token=token, data=m.WallPostCreate(text=t, tandem_id=tandem.id)
            ).id
            for t in posts
        ]
    at.token, at.tandem_id = token, tandem.id
    return posted


def _wall_key(at) -> str:
    base = f"live_wall_{at.row_id}"
    known = f"{base}__version" in at.session_state
    version = at.session_state[f"{base}__version"] if known else 0
    return base if not version else f"{base}_{version}"


def _select(at: AppTest, rows: list[int]) -> AppTest:
    """Select rows of the wall's table, as the facilitator sees it."""
    at.session_state[_wall_key(at)] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    return at.run()


def _group(at, *, name: str = "", into: int | None = None):
    if name:
        at.text_input(key="live_group_name").input(name)
    if into is not None:
        at.selectbox(key="live_group_into").set_value(into)
    return click(at, "Group")


def test_the_wall_lists_the_posts_oldest_first(control):
    at = control
    posted = _wall_posts(at, "First post", "Second post")
    tab(at, "Challenge wall")
    table = at.dataframe[0].value
    assert list(table["#"]) == posted
    assert list(table["Challenge"]) == ["First post", "Second post"]


def test_hiding_acts_on_the_selected_challenge_when_others_come_and_go(control):
    at, engine = control, control.engine
    first, second = _wall_posts(at, "First post", "Second post")
    tab(at, "Challenge wall")
    _select(at, [1])  # "Second post", as the facilitator sees it
    assert any("1 selected" in c.value for c in at.caption)
    # Before the click, a new post comes in and the first one is archived elsewhere.
    with Session(engine) as session:
        wall.post_challenge(
            session,
            token=at.token,
            data=m.WallPostCreate(text="Third post", tandem_id=at.tandem_id),
        )
        challenges.archive_challenge(
            session, actor=user_of(engine, "facilitator"), challenge_id=first
        )
    at.button(key="live_wall_hide").click().run()
    assert not at.error
    with Session(engine) as session:
        hidden = [c.text for c in session.exec(select(m.Challenge).where(m.Challenge.hidden))]
    assert hidden == ["Second post"]
    # The selection is cleared after the action.
    assert at.session_state[f"live_wall_{at.row_id}__version"] == 1
    assert any("0 selected" in c.value for c in at.caption)
    assert list(at.dataframe[0].value["Challenge"]) == ["Second post", "Third post"]


def test_showing_a_hidden_challenge_again(control):
    at, engine = control, control.engine
    (post,) = _wall_posts(at, "Shown again")
    tab(at, "Challenge wall")
    _select(at, [0])
    at.button(key="live_wall_hide").click().run()
    assert at.dataframe[0].value["Hidden"][0]
    _select(at, [0])
    at.button(key="live_wall_show").click().run()
    assert not at.error
    with Session(engine) as session:
        assert not session.get(m.Challenge, post).hidden


def test_editing_the_text_of_one_selected_challenge(control):
    at, engine = control, control.engine
    (post,) = _wall_posts(at, "Too few data engneers")
    tab(at, "Challenge wall")
    _select(at, [0])
    at.text_area(key=f"live_wall_text_{post}").input("Too few data engineers")
    click(at, "Save text")
    assert not at.exception and not at.error
    with Session(engine) as session:
        assert session.get(m.Challenge, post).text == "Too few data engineers"
    assert list(at.dataframe[0].value["Challenge"]) == ["Too few data engineers"]


def test_group_makes_a_common_challenge_that_the_session_votes_on(control):
    at, engine, row_id = control, control.engine, control.row_id
    first, second = _wall_posts(at, "Too few data engineers", "No budget for sensors")
    tab(at, "Challenge wall")
    _select(at, [0, 1])
    assert any("Group the 2 selected challenges" in md.value for md in at.markdown)
    _group(at, name="Skills and money")
    assert not at.exception and not at.error
    with Session(engine) as session:
        group = session.exec(
            select(m.CommonChallenge).where(m.CommonChallenge.name == "Skills and money")
        ).one()
        assert group.session_id == row_id
        grouped = {session.get(m.Challenge, i).common_challenge_id for i in (first, second)}
        assert grouped == {group.id}
        on_ballot = session.exec(
            select(m.Ballot.common_challenge_id).where(m.Ballot.session_id == row_id)
        ).all()
    assert group.id in on_ballot
    assert list(at.dataframe[0].value["Common challenge"]) == ["Skills and money"] * 2
    assert at.session_state["live_group_name"] == ""  # the form starts afresh
    assert any("0 selected" in c.value for c in at.caption)


def _plenary_group(engine, network_id: int) -> m.CommonChallenge:
    """A common challenge the demo's plenary formed (another session of the event)."""
    with Session(engine) as session:
        group = session.exec(
            select(m.CommonChallenge)
            .where(
                m.CommonChallenge.network_id == network_id,
                m.CommonChallenge.name.startswith("Funding"),
            )
            .order_by(m.CommonChallenge.id)
        ).first()
        session.expunge(group)
        return group


def test_group_adds_to_a_common_challenge_of_another_session(control):
    at, engine, row_id = control, control.engine, control.row_id
    funding = _plenary_group(engine, network_of(engine, row_id))
    assert funding.session_id not in (None, row_id)
    (post,) = _wall_posts(at, "No money for the next visit")
    tab(at, "Challenge wall")
    _select(at, [0])
    offered = at.selectbox(key="live_group_into").options
    assert f"{funding.name} (this event: Plenary: common challenges)" in offered
    _group(at, into=funding.id)
    assert not at.exception and not at.error
    with Session(engine) as session:
        assert session.get(m.Challenge, post).common_challenge_id == funding.id
        on_ballot = session.exec(
            select(m.Ballot.common_challenge_id).where(m.Ballot.session_id == row_id)
        ).all()
    assert funding.id in on_ballot  # now voted on here too
    assert list(at.dataframe[0].value["Common challenge"]) == [funding.name]
    # The plenary's own challenges stay in it.
    with Session(engine) as session:
        members = session.exec(
            select(m.Challenge.id).where(m.Challenge.common_challenge_id == funding.id)
        ).all()
    assert len(members) > 1


def test_group_by_the_name_of_an_existing_common_challenge_adds_to_it(control):
    at, engine, row_id = control, control.engine, control.row_id
    funding = _plenary_group(engine, network_of(engine, row_id))
    (post,) = _wall_posts(at, "No money for the next visit")
    tab(at, "Challenge wall")
    _select(at, [0])
    _group(at, name="  " + funding.name.upper() + " ")
    assert not at.exception and not at.error
    with Session(engine) as session:
        assert session.get(m.Challenge, post).common_challenge_id == funding.id
        same_name = session.exec(
            select(m.CommonChallenge).where(m.CommonChallenge.network_id == funding.network_id)
        ).all()
    assert sum(g.name.casefold() == funding.name.casefold() for g in same_name) == 1


def test_the_wall_refuses_to_group_a_hidden_challenge(control):
    at, engine = control, control.engine
    shown, hidden = _wall_posts(at, "Too few data engineers", "Off-topic")
    with Session(engine) as session:
        challenges.set_hidden(
            session, actor=user_of(engine, "facilitator"), challenge_id=hidden, hidden=True
        )
    tab(at, "Challenge wall")
    _select(at, [0, 1])
    _group(at, name="Staff")
    assert at.error and "hidden from the wall" in at.error[0].value
    _select(at, [0])
    _group(at, name="Staff shortage")
    assert not at.error
    with Session(engine) as session:
        assert session.get(m.Challenge, shown).common_challenge_id is not None
        assert session.get(m.Challenge, hidden).common_challenge_id is None


# --- the dot-voting tab -------------------------------------------------------------------


def test_the_voting_tab_brings_in_a_common_challenge_and_closes_the_vote(control):
    at, engine, row_id = control, control.engine, control.row_id
    funding = _plenary_group(engine, network_of(engine, row_id))
    drive(engine, row_id, lifecycle.set_activity, activity="voting")
    at.run()
    tab(at, "Dot-voting")
    assert any("Nothing to vote on" in i.value for i in at.info)
    at.multiselect(key="live_ballot_pick").select(funding.id)
    click(at, "Add to the vote")
    assert not at.exception and not at.error
    assert any(funding.name in c.value for c in at.caption)
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    at.button(key="live_close_voting").click().run()
    assert fresh(engine, row_id).voting_closed_at is not None
    assert at.button(key="live_close_voting").label == "Reopen voting"
    assert "Ranking" in presenter_html(at, row_id)
    assert html(at)


# --- a wall that cannot be flooded ---------------------------------------------------------


def test_posts_wait_for_approval_when_the_settings_say_so(control):
    at, engine = control, control.engine
    at.toggle(key="live_premoderated").set_value(True)
    click(at, "Save settings")
    assert not at.exception and not at.error
    assert fresh(engine, at.row_id).premoderated
    (post,) = _wall_posts(at, "Waits for a look")
    tab(at, "Challenge wall")
    assert list(at.dataframe[0].value["Waiting"]) == [True]
    assert any("1 wait for your approval" in c.value for c in at.caption)
    _select(at, [0])
    at.button(key="live_wall_approve").click().run()
    assert not at.exception and not at.error
    with Session(engine) as session:
        assert not session.get(m.Challenge, post).pending
    assert list(at.dataframe[0].value["Waiting"]) == [False]


def test_hiding_everything_one_person_posted(control):
    at, engine = control, control.engine
    flood = _wall_posts(at, "Spam one", "Spam two")
    other = join(engine, at.row_id)
    with Session(engine) as session:
        kept = wall.post_challenge(
            session, token=other, data=m.WallPostCreate(text="Real", tandem_id=at.tandem_id)
        ).id
    tab(at, "Challenge wall")
    _select(at, [1])  # one of the flood's posts
    at.button(key="live_wall_hide_person").click().run()
    assert not at.exception and not at.error
    with Session(engine) as session:
        hidden = {c.id for c in session.exec(select(m.Challenge).where(m.Challenge.hidden))}
    assert hidden == set(flood) and kept not in hidden
    assert list(at.dataframe[0].value["Hidden"]) == [True, True, False]


def test_a_countdown_too_short_is_refused_where_it_was_typed_and_nothing_is_stored(control):
    at = _quiz(control)
    _countdown(at).set_value(3).run()
    assert not at.exception
    assert any("A countdown runs from 5 to 600 seconds" in e.value for e in at.error)
    assert fresh(at.engine, at.row_id).countdown_seconds is None
