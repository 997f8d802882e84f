"""Stored text, staff's included, is shown as typed on every screen: quiz options on the
phone, a tandem's name, a common challenge's name, a city, a wall post and a refused
service's message, each holding markdown, a link, a colour directive, LaTeX and HTML."""

from __future__ import annotations

import html
from datetime import time

import pytest
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.live import lifecycle
from peerlearn.live import quiz as live_quiz
from peerlearn.ui.display import WRAP_ANYWHERE
from peerlearn.ui.participant import TILES
from tests.markdown_text import HOSTILE, shown
from tests.ui.conftest import click, member_tandem
from tests.ui.live_helpers import (
    bump,
    drive,
    joined,
    not_yet_opened,
    options,
    questions,
    run_live,
    tandem_city,
    texts,
)

# One string holding them all, as a name or a title would.
ALL = " ".join(HOSTILE)


def _rename(engine, model, ident: int, **values) -> None:
    """Store hostile text in a row by hand, as a person could have typed it."""
    with Session(engine) as session:
        row = session.get(model, ident)
        for field, value in values.items():
            setattr(row, field, value)
        session.add(row)
        session.commit()


@pytest.fixture
def control(app):
    """'Run live' as a facilitator, on the Berlin quiz session, opened for phones."""
    return run_live(app)


def _question_with(control, kind: m.QuestionKind) -> m.Question:
    """The quiz's first question, of ``kind``, with the hostile texts as its options,
    open for answers."""
    engine, row_id = control.engine, control.row_id
    drive(engine, row_id, lifecycle.set_activity, activity="quiz")
    question = questions(engine, row_id)[0]
    _rename(engine, m.Question, question.id, kind=kind)
    stored = options(engine, question.id)
    # One hostile text per option, the last option holding those left over.
    texts = [*HOSTILE[: len(stored) - 1], " ".join(HOSTILE[len(stored) - 1 :])]
    for option, text in zip(stored, texts, strict=True):
        _rename(engine, m.Option, option.id, text=text)
    drive(engine, row_id, live_quiz.show_question, question_id=question.id)
    not_yet_opened(engine, row_id, question.id)
    drive(engine, row_id, live_quiz.open_question, question_id=question.id)
    return question


def test_the_phones_answer_tiles_show_the_options_as_typed(control):
    question = _question_with(control, m.QuestionKind.SINGLE)
    at, _ = joined(control.engine, control.row_id)
    assert not at.exception
    tiles = [b for b in at.button if (b.key or "").startswith(f"join_q{question.id}_")]
    typed = [o.text for o in options(control.engine, question.id)]
    assert [shown(t.label) for t in tiles] == [
        f"{TILES[n][0]}  {text}" for n, text in enumerate(typed)
    ]
    assert all(text in " ".join(typed) for text in HOSTILE)


def test_the_phones_choices_show_the_options_as_typed(control):
    question = _question_with(control, m.QuestionKind.MULTIPLE)
    at, _ = joined(control.engine, control.row_id)
    assert not at.exception
    choices = at.pills(key=f"join_q{question.id}_multi")
    typed = [o.text for o in options(control.engine, question.id)]
    assert [shown(option) for option in choices.options] == typed
    assert all(text in " ".join(typed) for text in HOSTILE)


def test_a_tandem_members_home_shows_the_tandems_name_as_typed(app):
    at = app("tandem", "pages/home.py")
    _rename(at.engine, m.Tandem, member_tandem(at.engine).id, name=ALL)
    at.run()
    assert not at.exception
    assert [shown(h.value) for h in at.subheader if "onerror" in h.value] == [ALL]


def test_a_common_challenges_name_is_shown_as_typed(app):
    at = app("facilitator", "pages/common_challenges.py")
    with Session(at.engine) as session:
        group = session.exec(select(m.CommonChallenge).order_by(m.CommonChallenge.id)).first()
    _rename(at.engine, m.CommonChallenge, group.id, name=ALL)
    at.selectbox(key="cc_network").set_value(group.network_id).run()
    assert not at.exception
    assert any(shown(e.label).startswith(ALL + " · ") for e in at.expander)


def test_the_city_a_phone_speaks_for_is_shown_as_typed(control):
    city = tandem_city(control.engine, control.row_id)
    _rename(control.engine, m.City, city, name=ALL)
    bump(control.engine, control.row_id)
    at, _ = joined(control.engine, control.row_id, city_id=city)
    assert not at.exception
    speaking = [c.value for c in at.caption if c.value.startswith("Speaking for ")]
    assert speaking and shown(speaking[0]).startswith(f"Speaking for {ALL}")


def test_a_wall_post_is_shown_as_typed(control):
    engine, row_id = control.engine, control.row_id
    drive(engine, row_id, lifecycle.set_activity, activity="challenge wall")
    at, _ = joined(engine, row_id)
    at.text_area(key="join_wall_text").input(ALL)
    click(at, "Post")
    assert not at.error
    assert "• " + html.escape(ALL) in " ".join(texts(at))
    assert ALL not in " ".join(texts(at))  # never as raw HTML


def test_a_refused_services_message_is_shown_as_typed(app):
    at = app("facilitator", "pages/events.py")
    with Session(at.engine) as session:
        event = session.exec(select(m.Event).where(m.Event.title == "#CIE meeting Berlin")).one()
    at.selectbox(key="ev_network").set_value(event.network_id).run()
    at.selectbox(key="ev_event").set_value(event.id).run()
    for _ in range(2):  # the second time the title is taken: the service says so
        at.text_input(key="ev_session_add_title").input(ALL)
        at.time_input(key="ev_session_add_from").set_value(time(18, 0))
        at.time_input(key="ev_session_add_to").set_value(time(19, 0))
        click(at, "Add session")
    assert at.error, "the second session of that title was not refused"
    message = shown(at.error[0].value)
    assert f"already has a session named '{ALL}'" in message


def test_every_page_wraps_words_of_any_length(app):
    at = app("tandem", "pages/home.py")
    styles = [h.proto.body for h in at.get("html")]
    assert f"<style>{WRAP_ANYWHERE}</style>" in styles


def _hostile_elements(at) -> list[str]:
    """The lines the page shows in markdown that hold the hostile text (a list item
    without its own "- ")."""
    elements = [*at.markdown, *at.caption, *at.subheader, *at.title]
    lines = [line for e in elements for line in e.value.splitlines()]
    return [line.removeprefix("- ") for line in lines if "onerror" in line]


def test_a_targets_title_indicator_and_unit_are_shown_as_typed(app):
    at = app("coordinator", "pages/targets.py")
    with Session(at.engine) as session:
        munich = session.exec(select(m.Target).where(m.Target.title.startswith("Cut CO2"))).one()
    _rename(at.engine, m.Target, munich.id, title=ALL, indicator=ALL, unit=ALL, description=ALL)
    at.selectbox(key="tg_network").set_value(munich.network_id).run()
    at.selectbox(key="tg_pick").set_value(munich.id).run()
    assert not at.exception
    found = _hostile_elements(at)
    assert found, "the target's detail shows its title"
    assert all(ALL in shown(value) for value in found)


def test_a_solutions_title_and_site_are_shown_as_typed(app):
    at = app("coordinator", "pages/solutions.py")
    with Session(at.engine) as session:
        shuttle = session.exec(
            select(m.Solution).where(m.Solution.title == "Navly autonomous e-shuttle")
        ).one()
    _rename(at.engine, m.Solution, shuttle.id, title=ALL, site=ALL)
    at.selectbox(key="so_network").set_value(shuttle.network_id).run()
    assert not at.exception
    found = _hostile_elements(at)
    assert found, "the side panel lists Lyon's solutions"
    assert all(ALL in shown(value) for value in found)
