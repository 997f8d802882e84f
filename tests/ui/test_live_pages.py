"""The live screens: "Run live" for the facilitator, the presenter view, and the phone's
join page in every state of a question, with the Berlin quiz of the demo network."""

from __future__ import annotations

import io

import openpyxl
import pytest
import streamlit as st
from sqlmodel import Session, SQLModel, select
from streamlit.testing.v1 import AppTest

from peerlearn import models as m
from peerlearn.services import live, live_results, live_views, participation
from peerlearn.ui import live as ui_live
from tests.ui.conftest import APP, user_of

QUIZ_SESSION = "Interactive quiz: smart city peculiarities of the cities"


def _quiz_session(engine) -> m.EventSession:
    with Session(engine) as session:
        return session.exec(
            select(m.EventSession).where(m.EventSession.title == QUIZ_SESSION)
        ).one()


def _choose(at: AppTest, row: m.EventSession) -> AppTest:
    with Session(at.engine) as session:
        event = session.get(m.Event, row.event_id)
    at.selectbox(key="live_network").set_value(event.network_id).run()
    at.selectbox(key="live_event").set_value(event.id).run()
    at.selectbox(key="live_session").set_value(row.id).run()
    return at


def _tab(at: AppTest, name: str) -> AppTest:
    """Open a tab of Run live (only the open tab runs)."""
    at.session_state["live_tab"] = name
    return at.run()


def _fresh(engine, row_id: int) -> m.EventSession:
    with Session(engine) as session:
        return session.get(m.EventSession, row_id)


@pytest.fixture
def control(app):
    """'Run live' as a facilitator, on the Berlin quiz session, opened for phones."""
    at = app("facilitator", "pages/live.py")
    row = _quiz_session(at.engine)
    _choose(at, row)
    at.button(key="live_start").click().run()
    assert not at.exception
    at.row_id = row.id
    return at


def _drive(engine, row_id, action, **kwargs):
    """A facilitator's step done directly through the service (the page is tested apart)."""
    with Session(engine) as session:
        actor = session.get(m.User, user_of(engine, "facilitator").id)
        result = action(session, actor=actor, session_id=row_id, **kwargs)
        if isinstance(result, SQLModel):
            session.refresh(result)
            session.expunge(result)
    st.cache_data.clear()  # as Run live drops the shared snapshot after a change
    return result


def test_run_live_opens_a_session_with_a_code_url_and_qr(control):
    row = _fresh(control.engine, control.row_id)
    assert live.is_live(row) and len(row.join_code) == 6
    shown = [c.value for c in control.code]
    assert any(f"/join?code={row.join_code}" in v for v in shown)
    assert control.get("imgs") or control.get("image")  # the QR code
    assert not control.error


def test_run_live_steps_through_the_quiz(control):
    at = control
    at.button_group[0].set_value("quiz").run()
    assert _fresh(at.engine, at.row_id).activity == "quiz"
    at.button(key="live_next").click().run()
    first = _fresh(at.engine, at.row_id).current_question_id
    assert first is not None
    at.number_input(key="live_countdown").set_value(30).run()
    at.button(key="live_open").click().run()
    with Session(at.engine) as session:
        question = session.get(m.Question, first)
        assert question.opened_at is not None and question.closes_at is not None
    at.button(key="live_close").click().run()
    at.button(key="live_reveal").click().run()
    with Session(at.engine) as session:
        assert session.get(m.Question, first).revealed_at is not None
    at.button(key="live_next").click().run()
    assert _fresh(at.engine, at.row_id).current_question_id != first
    assert not at.exception and not at.error


def test_run_live_settings_are_saved(control):
    at = control
    at.radio(key="live_count_mode").set_value("per city")
    at.number_input(key="live_budget").set_value(5)
    at.button[[b.label for b in at.button].index("Save settings")].click().run()
    row = _fresh(at.engine, at.row_id)
    assert (row.count_mode, row.vote_budget) == ("per city", 5)


def test_run_live_ends_the_session_and_keeps_what_was_collected(control):
    control.button(key="live_end").click().run()
    row = _fresh(control.engine, control.row_id)
    assert not live.is_live(row) and row.activity == "ended"
    assert control.button(key="live_start")  # it can be reopened


def test_run_live_on_an_empty_database_says_what_to_do(app):
    at = app("facilitator", "pages/live.py", kind="empty")
    assert not at.exception
    assert "no network" in at.info[0].value.lower()


# --- the phone ----------------------------------------------------------------------


def _phone(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.switch_page("pages/join.py")
    return at.run()


def test_a_phone_joins_by_the_code_from_the_qr(control):
    code = _fresh(control.engine, control.row_id).join_code
    phone = _phone({"code": code})
    assert not phone.exception
    city = phone.selectbox(key="join_city")
    city.set_value(city.options and _first_city_id(control.engine, control.row_id))
    phone.text_input(key="join_name").input("Giulia")
    phone.button[0].click().run()
    token = phone.query_params.get("p")
    assert token, phone.error
    with Session(control.engine) as session:
        person = session.exec(select(m.Participant).where(m.Participant.token == token)).one()
    assert person.display_name == "Giulia" and person.session_id == control.row_id
    assert any("in a moment" in i.value for i in phone.info)  # the lobby


def _first_city_id(engine, row_id) -> int:
    with Session(engine) as session:
        return live_views.session_cities(session, session_id=row_id)[0].id


def test_a_wrong_code_gets_a_clear_message_and_no_participant(control):
    phone = _phone({"code": "ZZZZZ9"})
    assert "No live session has the code" in phone.error[0].value
    with Session(control.engine) as session:
        assert not session.exec(
            select(m.Participant).where(m.Participant.display_name == "x")
        ).first()
    assert phone.text_input(key="join_code")  # they can type it again


def _joined(control) -> tuple[AppTest, str]:
    code = _fresh(control.engine, control.row_id).join_code
    with Session(control.engine) as session:
        person = live.join_by_code(
            session,
            code=code,
            client_key="t",
            city_id=_first_city_id(control.engine, control.row_id),
        )
        token = person.token
    return _phone({"p": token}), token


def test_the_phone_follows_each_state_of_a_question(control):
    engine, row_id = control.engine, control.row_id
    _drive(engine, row_id, live.set_activity, activity="quiz")
    question = _drive(engine, row_id, live.step, direction=1)
    _not_yet_opened(engine, question.id)  # the demo's quiz was played in 2023
    phone, token = _joined(control)
    assert any("next question is coming" in i.value for i in phone.info)  # waiting

    _drive(engine, row_id, live.open_question, question_id=question.id)
    _tick(phone)
    assert phone.radio or phone.button_group or phone.slider or phone.text_area
    with Session(engine) as session:
        first = session.exec(
            select(m.Option).where(m.Option.question_id == question.id).order_by(m.Option.position)
        ).first()
        option = first.text
    assert question.kind == "single choice", question.kind
    phone.radio[0].set_value(first.id)
    phone.button[0].click().run()
    assert not phone.error, phone.error[0].value
    assert any("saved" in s.value for s in phone.success)
    with Session(engine) as session:
        person = session.exec(select(m.Participant).where(m.Participant.token == token)).one()
        assert session.exec(
            select(m.Answer).where(
                m.Answer.participant_id == person.id, m.Answer.question_id == question.id
            )
        ).one()
    assert "Change my answer" in [b.label for b in phone.button]  # answer can change

    _drive(engine, row_id, live.close_question, question_id=question.id)
    _tick(phone)
    assert not phone.radio  # no more answering
    assert any("closed" in i.value for i in phone.info)
    assert any(option in t.value for t in phone.text)  # their answer stays visible

    _drive(engine, row_id, live.reveal_question, question_id=question.id)
    _tick(phone)
    assert phone.get("arrow_vega_lite_chart") or phone.get("vega_lite_chart")
    assert not phone.exception


def _tick(at: AppTest) -> None:
    """The next poll, after the shared snapshot's short cache has expired."""
    st.cache_data.clear()
    at.run()


def _not_yet_opened(engine, question_id: int) -> None:
    with Session(engine) as session:
        question = session.get(m.Question, question_id)
        question.opened_at = question.closed_at = question.revealed_at = None
        session.add(question)
        session.commit()


def test_a_closed_question_refuses_a_late_answer_on_the_phone(control, monkeypatch):
    engine, row_id = control.engine, control.row_id
    _drive(engine, row_id, live.set_activity, activity="quiz")
    question = _drive(engine, row_id, live.step, direction=1)
    _drive(engine, row_id, live.open_question, question_id=question.id)
    phone, token = _joined(control)
    with Session(engine) as session:
        stale = live_results.snapshot(session, session_id=row_id)
    _drive(engine, row_id, live.close_question, question_id=question.id)
    # The phone had not polled since: its form was still on screen.
    monkeypatch.setattr(ui_live, "snapshot", lambda session_id: stale)
    phone.button[0].click().run()
    assert phone.error and "closed" in phone.error[0].value.lower()


def test_the_phone_posts_to_the_challenge_wall(control):
    engine, row_id = control.engine, control.row_id
    _drive(engine, row_id, live.set_activity, activity="challenge wall")
    phone, token = _joined(control)
    if not phone.text_area:
        pytest.skip("the first city of the network is in no tandem")
    phone.text_area(key="join_wall_text").input("Too few data engineers")
    phone.button[0].click().run()
    with Session(engine) as session:
        posted = session.exec(
            select(m.Challenge).where(m.Challenge.text == "Too few data engineers")
        ).one()
    assert posted.session_id == row_id
    assert any("Too few data engineers" in t.value for t in phone.text)


def test_an_unknown_participation_link_offers_to_join_again(control):
    phone = _phone({"p": "not-a-token"})
    assert "not known" in phone.error[0].value


# --- the presenter view ---------------------------------------------------------------


def _presenter(at: AppTest, row_id: int, key: str | None = None) -> AppTest:
    row = _fresh(at.engine, row_id)
    at.query_params["session"] = str(row_id)
    at.query_params["key"] = live_views.presenter_key(row) if key is None else key
    return at.switch_page("pages/presenter.py").run()


def test_the_presenter_view_needs_the_key_of_its_address(control):
    at = _presenter(control, control.row_id, key="guessed")
    assert "not valid" in at.error[0].value
    assert not at.get("imgs") and not at.get("image")


def test_the_presenter_view_shows_code_and_qr_until_people_join(control):
    at = control
    _presenter(at, at.row_id)
    assert not at.exception
    code = _fresh(at.engine, at.row_id).join_code
    html = " ".join(h.proto.body for h in at.get("html"))
    assert code in html
    assert at.get("imgs") or at.get("image")


def test_the_presenter_view_shows_the_question_and_coverage(control):
    engine, row_id = control.engine, control.row_id
    _drive(engine, row_id, live.update_settings, results_hidden=False)
    _drive(engine, row_id, live.set_activity, activity="quiz")
    question = _drive(engine, row_id, live.step, direction=1)
    _drive(engine, row_id, live.open_question, question_id=question.id)
    at = control
    _presenter(at, row_id)
    html = " ".join(h.proto.body for h in at.get("html"))
    assert question.text.split()[0] in html
    assert "Answer now" in html
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_the_presenter_view_without_a_session_says_where_to_open_it(app):
    at = app("facilitator", "pages/presenter.py")
    assert not at.exception
    assert "Run live" in at.info[0].value


@pytest.mark.parametrize("state", ["waiting", "open", "closed", "revealed"])
def test_the_presenter_view_in_each_state_of_a_question(control, state):
    engine, row_id = control.engine, control.row_id
    _drive(engine, row_id, live.set_activity, activity="quiz")
    question = _drive(engine, row_id, live.step, direction=1)
    _not_yet_opened(engine, question.id)
    if state != "waiting":
        _drive(engine, row_id, live.open_question, question_id=question.id)
    if state == "closed":
        _drive(engine, row_id, live.close_question, question_id=question.id)
    if state == "revealed":
        _drive(engine, row_id, live.reveal_question, question_id=question.id)
    st.cache_data.clear()
    at = _presenter(control, row_id)
    assert not at.exception
    html = " ".join(h.proto.body for h in at.get("html"))
    expected = {
        "waiting": "Get ready",
        "open": "Answer now",
        "closed": "Answers are closed",
        "revealed": "The answer",
    }[state]
    assert expected in html
    charted = bool(at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"))
    assert charted == (state == "revealed")  # results stay hidden until the reveal


def test_the_presenter_view_shows_the_wall_without_hidden_challenges(control):
    engine, row_id = control.engine, control.row_id
    _drive(engine, row_id, live.set_activity, activity="challenge wall")
    phone, token = _joined(control)
    from peerlearn.services import challenges, live_board

    with Session(engine) as session:
        tandems = live_board.participant_tandems(session, token=token)
        if not tandems:
            pytest.skip("the first city of the network is in no tandem")
        post = dict(token=token, tandem_id=tandems[0].id)
        shown = live_board.post_challenge(session, text="Shown on the wall", **post)
        hidden = live_board.post_challenge(session, text="Not for the wall", **post)
        challenges.set_hidden(
            session, actor=user_of(engine, "facilitator"), challenge_id=hidden.id, hidden=True
        )
        assert shown.id
    st.cache_data.clear()
    at = _presenter(control, row_id)
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "Shown on the wall" in html and "Not for the wall" not in html


def test_the_phone_places_dots_and_the_presenter_ranks(control):
    engine, row_id = control.engine, control.row_id
    facilitator = user_of(engine, "facilitator")
    from peerlearn.services import common_challenges

    with Session(engine) as session:
        row = session.get(m.EventSession, row_id)
        event = session.get(m.Event, row.event_id)
        loose = session.exec(
            select(m.Challenge.id)
            .join(m.Tandem)
            .where(
                m.Tandem.network_id == event.network_id, m.Challenge.common_challenge_id.is_(None)
            )
        ).first()
        group = common_challenges.create_common_challenge(
            session,
            actor=facilitator,
            network_id=event.network_id,
            name="Funding the next exchange",
            challenge_ids=[loose],
            session_id=row_id,
        )
        group_id = group.id
    _drive(engine, row_id, live.set_activity, activity="voting")
    phone, token = _joined(control)
    phone.button(key=f"join_more_{group_id}").click().run()
    phone.button(key=f"join_more_{group_id}").click().run()
    with Session(engine) as session:
        dots = session.exec(select(m.Vote.dots).where(m.Vote.common_challenge_id == group_id)).all()
    assert sum(dots) == 2
    assert any("1 of 3 dots left" in md.value for md in phone.markdown)
    _drive(engine, row_id, live.close_voting)
    _tick(phone)
    assert any("Voting is closed" in s.value for s in phone.success)
    st.cache_data.clear()
    at = _presenter(control, row_id)
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_the_event_summary_downloads_mid_session_with_the_answers_so_far(control):
    engine, row_id = control.engine, control.row_id
    _drive(engine, row_id, live.set_activity, activity="quiz")
    question = _drive(engine, row_id, live.step, direction=1)
    _drive(engine, row_id, live.open_question, question_id=question.id)
    phone, token = _joined(control)
    with Session(engine) as session:
        first = session.exec(select(m.Option).where(m.Option.question_id == question.id)).first()
        session.expunge(first)
        participation.answer_question(
            session, token=token, question_id=question.id, option_ids=[first.id]
        )
    at = control
    _tab(at, "Export")
    at.button(key="live_prepare").click().run()
    assert not at.error
    download = at.get("download_button")
    assert download, "no download offered"
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


# --- a fresh run of the demo quiz ---------------------------------------------------


def _answers(engine, row_id) -> int:
    with Session(engine) as session:
        actor = session.get(m.User, user_of(engine, "facilitator").id)
        return live.quiz_answers(session, actor=actor, session_id=row_id)


def _presenter_html(at: AppTest, row_id: int) -> str:
    st.cache_data.clear()
    _presenter(at, row_id)
    return " ".join(h.proto.body for h in at.get("html"))


def test_the_demo_quiz_opens_with_nobody_joined_yet(control):
    """The demo's 2023 participants are not the room of this opening."""
    html = _presenter_html(control, control.row_id)
    assert "0 people joined" in html
    assert "Munich" not in html  # a city of the 2023 participants


def test_a_fresh_run_clears_the_demo_answers_after_confirming(control):
    at, row_id = control, control.row_id
    assert _answers(at.engine, row_id) == 48  # twelve 2023 participants, four questions
    assert any("keeps nothing of what is cleared" in w.value for w in at.warning)
    assert at.button(key="live_fresh_prepare")  # the summary, offered right there
    # The box is ticked and the button pressed in one go: they are one form.
    at.checkbox(key="live_fresh_sure").check()
    at.button(key="live_fresh_run").click().run()
    assert not at.exception and not at.error
    assert _answers(at.engine, row_id) == 0
    with Session(at.engine) as session:
        states = [
            live.question_state(q) for q in live.session_questions(session, session_id=row_id)
        ]
    assert states == ["waiting"] * 4
    # Nothing is left to clear: the form is gone until somebody answers again.
    assert "live_fresh_run" not in [b.key for b in at.button]
    assert at.session_state["live_fresh_sure"] is False  # asked again next time
    assert any("nothing to clear" in c.value for c in at.caption)
    listing = at.dataframe[0].value
    assert list(listing["State"]) == ["not opened yet"] * 4


def test_a_fresh_run_is_not_started_without_the_confirmation(control):
    at, row_id = control, control.row_id
    at.button(key="live_fresh_run").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Tick “Yes, delete the 48 answers and start afresh” first: nothing was cleared."
    ]
    assert _answers(at.engine, row_id) == 48


def test_the_summary_can_be_downloaded_before_a_fresh_run(control):
    at = control
    at.button(key="live_fresh_prepare").click().run()
    assert at.get("download_button")
    assert at.session_state["live_summary"][0] == _fresh(at.engine, at.row_id).event_id


# --- the controls follow the state of the question ------------------------------------


def _buttons(at: AppTest) -> dict[str, tuple[str, bool]]:
    return {
        key: (at.button(key=key).label, at.button(key=key).disabled)
        for key in ("live_open", "live_close", "live_reveal")
    }


def test_a_question_whose_countdown_ran_out_shows_as_closed(control):
    from datetime import timedelta

    from peerlearn.services._common import now

    at, engine, row_id = control, control.engine, control.row_id
    _drive(engine, row_id, live.fresh_quiz_run)
    question = _drive(engine, row_id, live.step, direction=1)
    _drive(engine, row_id, live.open_question, question_id=question.id, countdown_seconds=30)
    at.run()
    assert _buttons(at)["live_close"] == ("Close question", False)
    with Session(engine) as session:
        row = session.get(m.Question, question.id)
        row.closes_at = now() - timedelta(seconds=1)  # the countdown ran out
        session.add(row)
        session.commit()
    st.cache_data.clear()
    at.run()  # the next tick, no click
    buttons = _buttons(at)
    assert buttons["live_close"] == ("Close question", True)
    assert buttons["live_open"] == ("Open again", False)
    assert at.dataframe[0].value["State"][0] == "closed"


def test_reopening_a_revealed_question_says_it_hides_the_results(control):
    at, engine, row_id = control, control.engine, control.row_id
    _drive(engine, row_id, live.fresh_quiz_run)
    question = _drive(engine, row_id, live.step, direction=1)
    _drive(engine, row_id, live.open_question, question_id=question.id)
    _drive(engine, row_id, live.reveal_question, question_id=question.id)
    at.run()
    assert _buttons(at)["live_open"] == ("Open again (hides the results)", False)
    at.button(key="live_open").click().run()
    assert not at.error
    with Session(engine) as session:
        assert live.question_state(session.get(m.Question, question.id)) == "open"


def test_run_live_redraws_by_itself(control):
    """The quiz tab is a fragment that ticks: its answers come from the shared snapshot."""
    at, engine, row_id = control, control.engine, control.row_id
    _drive(engine, row_id, live.fresh_quiz_run)
    question = _drive(engine, row_id, live.step, direction=1)
    _drive(engine, row_id, live.open_question, question_id=question.id)
    at.run()
    assert any("0 people counted" in c.value for c in at.caption)
    phone, token = _joined(control)
    with Session(engine) as session:
        first = session.exec(select(m.Option).where(m.Option.question_id == question.id)).first()
        participation.answer_question(
            session, token=token, question_id=question.id, option_ids=[first.id]
        )
    st.cache_data.clear()
    at.run()
    assert any("1 person counted" in c.value for c in at.caption)


# --- names stay off the projector -------------------------------------------------------


def test_the_presenter_ranks_cities_and_run_live_names_people(control):
    at, engine, row_id = control, control.engine, control.row_id
    _drive(engine, row_id, live.fresh_quiz_run)
    question = _drive(engine, row_id, live.step, direction=1)
    _drive(engine, row_id, live.open_question, question_id=question.id)
    code = _fresh(engine, row_id).join_code
    with Session(engine) as session:
        right = session.exec(
            select(m.Option).where(m.Option.question_id == question.id, m.Option.is_correct)
        ).one()
        person = live.join_by_code(
            session,
            code=code,
            client_key="t",
            city_id=_first_city_id(engine, row_id),
            display_name="Giulia Secreta",
        )
        participation.answer_question(
            session, token=person.token, question_id=question.id, option_ids=[right.id]
        )
    _drive(engine, row_id, live.reveal_question, question_id=question.id)
    at.run()
    names = [v for df in at.dataframe for v in df.value.get("Name", [])]
    assert any("Giulia Secreta" in v for v in names)  # on the facilitator's screen
    html = _presenter_html(at, row_id)
    assert "Leaderboard of the cities" in html
    assert "Giulia" not in html  # never on the projector


# --- moderating the wall by challenge id ------------------------------------------------


def _wall_posts(control, *texts) -> list[int]:
    engine, row_id = control.engine, control.row_id
    _drive(engine, row_id, live.set_activity, activity="challenge wall")
    phone, token = _joined(control)
    from peerlearn.services import live_board

    with Session(engine) as session:
        tandems = live_board.participant_tandems(session, token=token)
        if not tandems:
            pytest.skip("the first city of the network is in no tandem")
        posted = [
            live_board.post_challenge(session, token=token, text=t, tandem_id=tandems[0].id).id
            for t in texts
        ]
    st.cache_data.clear()
    control.token, control.tandem_id = token, tandems[0].id
    return posted


def _select(at: AppTest, rows: list[int]) -> AppTest:
    key = f"live_wall_{at.row_id}"
    at.session_state[key] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    return at.run()


def _hidden(engine, ids) -> dict[int, bool]:
    with Session(engine) as session:
        return {i: session.get(m.Challenge, i).hidden for i in ids}


def test_hiding_acts_on_the_selected_challenge_when_others_come_and_go(control):
    at, engine = control, control.engine
    first, second = _wall_posts(control, "First post", "Second post")
    _tab(at, "Challenge wall")
    _select(at, [1])  # "Second post", as the facilitator sees it
    assert any("1 selected" in c.value for c in at.caption)
    # Before the click, a new post comes in and the first one is archived elsewhere.
    from peerlearn.services import challenges, live_board

    with Session(engine) as session:
        live_board.post_challenge(
            session, token=control.token, text="Third post", tandem_id=control.tandem_id
        )
        challenges.archive_challenge(
            session, actor=user_of(engine, "facilitator"), challenge_id=first
        )
    st.cache_data.clear()
    at.button(key="live_wall_hide").click().run()
    assert not at.error
    with Session(engine) as session:
        hidden = [c.text for c in session.exec(select(m.Challenge).where(m.Challenge.hidden))]
    assert hidden == ["Second post"]
    # The selection is cleared after the action.
    assert at.session_state[f"live_wall_{at.row_id}__version"] == 1
    assert any("0 selected" in c.value for c in at.caption)


def test_the_wall_refuses_to_group_a_hidden_challenge(control):
    at, engine = control, control.engine
    shown, hidden = _wall_posts(control, "Too few data engineers", "Off-topic")
    from peerlearn.services import challenges

    with Session(engine) as session:
        challenges.set_hidden(
            session, actor=user_of(engine, "facilitator"), challenge_id=hidden, hidden=True
        )
    st.cache_data.clear()
    _tab(at, "Challenge wall")
    _select(at, [0, 1])
    at.text_input(key="live_group_name").input("Staff")
    next(b for b in at.button if b.label == "Group").click().run()
    assert at.error and "hidden from the wall" in at.error[0].value
    _select(at, [0])
    at.text_input(key="live_group_name").input("Staff")
    next(b for b in at.button if b.label == "Group").click().run()
    assert not at.error
    with Session(engine) as session:
        assert session.get(m.Challenge, shown).common_challenge_id is not None
        assert session.get(m.Challenge, hidden).common_challenge_id is None


# --- wrong codes on the join page -------------------------------------------------------


def _join_attempts(engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(m.JoinAttempt)).all())


def test_each_wrong_code_typed_counts_once(control):
    phone = _phone({})
    for n, code in enumerate(["WRONG2", "WRONG3", "WRONG4"], 1):
        phone.text_input(key="join_code").input(code)
        next(b for b in phone.button if b.label == "Continue").click().run()
        assert "No live session has the code" in phone.error[0].value
        assert _join_attempts(control.engine) == n
    phone.run()  # redrawing the page is no new attempt
    assert _join_attempts(control.engine) == 3


def test_a_wrong_code_in_the_address_counts_once(control):
    phone = _phone({"code": "ZZZZZ9"})
    phone.run()
    phone.run()
    assert _join_attempts(control.engine) == 1


def test_too_many_wrong_codes_say_how_long_to_wait(control):
    phone = _phone({})
    for n in range(live.FREE_ATTEMPTS + 1):
        phone.text_input(key="join_code").input(f"WRONG{n + 2}")
        next(b for b in phone.button if b.label == "Continue").click().run()
    message = phone.error[0].value
    assert "Too many wrong codes" in message and "Try again in 4 seconds." in message


# --- the phone's dots, per city -----------------------------------------------------------


def test_a_phone_sees_the_dots_its_city_has_left_and_why_plus_does_nothing(control):
    engine, row_id = control.engine, control.row_id
    from peerlearn.services import common_challenges

    with Session(engine) as session:
        row = session.get(m.EventSession, row_id)
        event = session.get(m.Event, row.event_id)
        loose = session.exec(
            select(m.Challenge.id)
            .join(m.Tandem)
            .where(
                m.Tandem.network_id == event.network_id, m.Challenge.common_challenge_id.is_(None)
            )
        ).first()
        group = common_challenges.create_common_challenge(
            session,
            actor=user_of(engine, "facilitator"),
            network_id=event.network_id,
            name="Funding the next exchange",
            challenge_ids=[loose],
            session_id=row_id,
        )
        group_id = group.id
    _drive(engine, row_id, live.update_settings, vote_mode="per city", vote_budget=2)
    _drive(engine, row_id, live.set_activity, activity="voting")
    ana, _ = _joined(control)
    bea, _ = _joined(control)  # the same city
    assert any("2 of 2 dots left for your city" in md.value for md in bea.markdown)
    ana.button(key=f"join_more_{group_id}").click().run()
    ana.button(key=f"join_more_{group_id}").click().run()
    _tick(bea)
    assert any("0 of 2 dots left for your city" in md.value for md in bea.markdown)
    bea.button(key=f"join_more_{group_id}").click().run()
    assert bea.error and "Your city has 0 dots left" in bea.error[0].value


def test_the_phone_redraws_when_its_city_spent_dots():
    from peerlearn.services.live_results import Snapshot
    from peerlearn.ui import participant as view

    def snap(dots: dict[int, int]) -> Snapshot:
        return Snapshot(
            session_id=1,
            title="Plenary",
            code="ABCDEF",
            live=True,
            activity="voting",
            count_mode="per person",
            results_hidden=True,
            vote_mode="per city",
            vote_budget=2,
            voting_closed=False,
            participants=2,
            cities=["Arezzo"],
            question=None,
            city_dots=dots,
        )

    assert view.signature(snap({7: 1}), 7) != view.signature(snap({7: 2}), 7)
    assert view.signature(snap({7: 1, 8: 1}), 7) == view.signature(snap({7: 1, 8: 2}), 7)


def test_a_browser_that_joined_before_continues_as_the_same_participant():
    from peerlearn.ui import participant as view

    assert view.cookie_name(12) == "pl_p_12"
    assert view.resume_token("tok", known=True, someone_else=False) == "tok"
    assert view.resume_token("tok", known=False, someone_else=False) is None  # other session
    assert view.resume_token("tok", known=True, someone_else=True) is None  # "Not you?"
    assert view.resume_token(None, known=False, someone_else=False) is None


def test_a_browser_keeps_its_key_across_reloads():
    """Each page load masks the XSRF token afresh; the key is the token underneath."""
    from peerlearn.ui.live import browser_key

    token = bytes.fromhex("00112233445566778899aabbccddeeff")

    def cookie(mask: bytes) -> str:
        masked = bytes(b ^ mask[n % 4] for n, b in enumerate(token))
        return f"2|{mask.hex()}|{masked.hex()}|1796169426"

    first, second = cookie(bytes.fromhex("90224ca3")), cookie(bytes.fromhex("f285cfc8"))
    assert first != second
    assert browser_key(first) == browser_key(second)
    assert browser_key(first).startswith("c:") and len(browser_key(first)) <= 64
    assert browser_key(cookie(bytes.fromhex("01020304"))) == browser_key(first)
    other = bytes(reversed(token))
    assert browser_key(f"2|00000000|{other.hex()}|1") != browser_key(first)
    assert browser_key(None) is None and browser_key("") is None
    assert browser_key("not-a-v2-cookie")  # an older format is used as it is
