"""The Quizzes screen: quizzes of a session, questions of each type, reorder, copy."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from peerlearn import models as m
from tests.ui.conftest import click, count_rows

PAGE = "pages/quizzes.py"
QUIZ_SESSION = "Interactive quiz: smart city peculiarities of the cities"


def _berlin_quiz(at) -> m.Quiz:
    with Session(at.engine) as session:
        row = session.exec(select(m.EventSession).where(m.EventSession.title == QUIZ_SESSION)).one()
        event = session.get(m.Event, row.event_id)
        quiz = session.exec(select(m.Quiz).where(m.Quiz.session_id == row.id)).one()
        session.expunge(quiz)
    at.selectbox(key="qz_network").set_value(event.network_id).run()
    at.selectbox(key="qz_event").set_value(event.id).run()
    at.selectbox(key="qz_session").set_value(row.id).run()
    return quiz


def _questions(engine, quiz_id) -> list[m.Question]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(m.Question)
                .where(m.Question.quiz_id == quiz_id)
                .order_by(m.Question.position)
            )
        )


@pytest.mark.parametrize("role", ["coordinator", "facilitator"])
@pytest.mark.parametrize("kind", ["demo", "empty"])
def test_the_page_renders_for_staff(app, role, kind):
    at = app(role, PAGE, kind=kind)
    assert not at.exception
    assert at.title[0].value == "Quizzes"


def test_the_berlin_quiz_shows_its_questions_and_correct_options(app):
    at = app("facilitator", PAGE)
    quiz = _berlin_quiz(at)
    shown = [t.value for t in at.text]
    for question in _questions(at.engine, quiz.id):
        assert question.text in shown
    assert any("✓ " in t for t in shown)


def test_a_choice_question_with_a_correct_option_is_added(app):
    at = app("facilitator", PAGE)
    quiz = _berlin_quiz(at)
    at.selectbox(key="qz_new_kind").set_value("single choice")
    at.text_area(key="qz_new_text").input("Which city hosts the next meeting?")
    at.text_area(key="qz_new_options").input("Arezzo\n\nUtrecht \nHamm")
    at.text_input(key="qz_new_correct").input("2")
    click(at, "Add question")
    assert not at.error, at.error
    added = _questions(at.engine, quiz.id)[-1]
    assert added.text == "Which city hosts the next meeting?"
    with Session(at.engine) as session:
        options = session.exec(
            select(m.Option).where(m.Option.question_id == added.id).order_by(m.Option.position)
        ).all()
    assert [(o.text, o.is_correct) for o in options] == [
        ("Arezzo", False),
        ("Utrecht", True),
        ("Hamm", False),
    ]


def test_a_choice_question_with_one_option_is_refused(app):
    at = app("facilitator", PAGE)
    _berlin_quiz(at)
    before = count_rows(at.engine, m.Question)
    at.selectbox(key="qz_new_kind").set_value("multiple choice")
    at.text_area(key="qz_new_text").input("Only one?")
    at.text_area(key="qz_new_options").input("Yes")
    click(at, "Add question")
    assert at.error
    assert count_rows(at.engine, m.Question) == before


def test_correct_options_must_be_numbers(app):
    at = app("facilitator", PAGE)
    _berlin_quiz(at)
    before = count_rows(at.engine, m.Question)
    at.text_area(key="qz_new_text").input("Pick")
    at.text_area(key="qz_new_options").input("A\nB")
    at.text_input(key="qz_new_correct").input("the second")
    click(at, "Add question")
    assert "numbers" in at.error[0].value
    assert count_rows(at.engine, m.Question) == before


def test_moving_a_question_down_reorders_the_quiz(app):
    at = app("coordinator", PAGE)
    quiz = _berlin_quiz(at)
    first, second = _questions(at.engine, quiz.id)[:2]
    at.button(key=f"qz_down_{first.id}").click().run()
    assert [q.id for q in _questions(at.engine, quiz.id)[:2]] == [second.id, first.id]


def test_a_quiz_is_duplicated_without_answers(app):
    at = app("coordinator", PAGE)
    quiz = _berlin_quiz(at)
    at.text_input(key="qz_copy_title").input("Berlin quiz, second round")
    click(at, "Duplicate")
    assert not at.error
    with Session(at.engine) as session:
        copy = session.exec(select(m.Quiz).where(m.Quiz.title == "Berlin quiz, second round")).one()
    assert len(_questions(at.engine, copy.id)) == len(_questions(at.engine, quiz.id))


def test_deleting_a_quiz_needs_the_confirmation(app):
    at = app("coordinator", PAGE)
    _berlin_quiz(at)
    before = count_rows(at.engine, m.Quiz)
    click(at, "Delete quiz")
    assert "confirm" in at.error[0].value
    assert count_rows(at.engine, m.Quiz) == before


def test_an_added_question_is_listed_at_once_and_the_form_empties(app):
    at = app("facilitator", PAGE)
    quiz = _berlin_quiz(at)
    at.selectbox(key="qz_new_kind").set_value("single choice")
    at.text_area(key="qz_new_text").input("Which city hosts the next meeting?")
    at.text_area(key="qz_new_options").input("Arezzo\nUtrecht")
    click(at, "Add question")
    assert not at.error, at.error
    assert at.toast[0].value == "Question added"
    assert "Which city hosts the next meeting?" in [t.value for t in at.text]
    n = len(_questions(at.engine, quiz.id))
    assert any(c.value.startswith(f"Question {n} ·") for c in at.caption)
    assert at.text_area(key="qz_new_text").value == ""
    assert at.text_area(key="qz_new_options").value == ""
    assert at.selectbox(key="qz_new_kind").value == "single choice"  # for the next one


def test_a_refused_question_keeps_what_was_typed(app):
    at = app("facilitator", PAGE)
    _berlin_quiz(at)
    at.selectbox(key="qz_new_kind").set_value("multiple choice")
    at.text_area(key="qz_new_text").input("Only one?")
    at.text_area(key="qz_new_options").input("Yes")
    click(at, "Add question")
    assert at.error
    assert at.text_area(key="qz_new_text").value == "Only one?"
    assert at.text_area(key="qz_new_options").value == "Yes"
    assert at.selectbox(key="qz_new_kind").value == "multiple choice"


def test_an_edited_question_keeps_its_options_when_only_the_text_changes(app):
    at = app("facilitator", PAGE)
    quiz = _berlin_quiz(at)
    question = _questions(at.engine, quiz.id)[0]
    key = f"qz_q{question.id}"
    assert at.text_area(key=f"{key}_text").value == question.text
    before = at.text_area(key=f"{key}_options").value
    assert before
    at.text_area(key=f"{key}_text").input("How many #CIE cities run a data platform?")
    click(at, "Save question")
    assert not at.error, at.error
    assert "How many #CIE cities run a data platform?" in [t.value for t in at.text]
    assert at.text_area(key=f"{key}_options").value == before


def test_the_rename_form_follows_the_chosen_quiz(app):
    at = app("coordinator", PAGE)
    quiz = _berlin_quiz(at)
    at.text_input(key="qz_quiz_title").input("Second quiz")
    click(at, "Add quiz")
    assert not at.error, at.error
    # the new quiz is chosen, and the rename form shows its title, not the first one's
    assert at.text_input(key="qz_rename_title").value == "Second quiz"
    assert at.text_input(key="qz_quiz_title").value == ""
    at.selectbox(key="qz_quiz").set_value(quiz.id).run()
    assert at.text_input(key="qz_rename_title").value == quiz.title
