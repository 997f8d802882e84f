"""The live screens: "Run live" for the facilitator, the presenter view, and the phone's
join page in every state of a question, with the Berlin quiz of the demo network."""

from __future__ import annotations

import io

import openpyxl
import pytest
import streamlit as st
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from peerlearn import models as m
from peerlearn.services import live, live_views, participation
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
        session.refresh(result)
        session.expunge(result)
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


def test_a_closed_question_refuses_a_late_answer_on_the_phone(control):
    engine, row_id = control.engine, control.row_id
    _drive(engine, row_id, live.set_activity, activity="quiz")
    question = _drive(engine, row_id, live.step, direction=1)
    _drive(engine, row_id, live.open_question, question_id=question.id)
    phone, token = _joined(control)
    _drive(engine, row_id, live.close_question, question_id=question.id)
    phone.button[0].click().run()  # the form was still on screen
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
