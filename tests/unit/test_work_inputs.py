"""Input models of roadmaps, common challenges, quizzes and Run live: built without a
database, with the messages the services gave before."""

from datetime import date, datetime

import pytest

from peerlearn import models as m
from peerlearn.errors import InvalidInput


def refused(model, **values) -> InvalidInput:
    with pytest.raises(InvalidInput) as error:
        model(**values)
    return error.value


def test_a_milestone_update_writes_only_what_was_given():
    assert m.MilestoneUpdate(title=" Pilot ").changes() == {"title": "Pilot"}
    # None clears what may be empty, and is refused where a value is needed.
    assert m.MilestoneUpdate(owner_city_id=None, description=None).changes() == {
        "owner_city_id": None,
        "description": "",
    }
    assert str(refused(m.MilestoneUpdate, title=None)) == "The title must not be blank."
    assert str(refused(m.MilestoneUpdate, status=None)).startswith("The status must be one of")


def test_a_new_milestone_names_what_it_lacks():
    error = refused(m.MilestoneCreate, title="Pilot")
    assert (error.field, str(error)) == ("due_date", "A new milestone needs a due date.")
    error = refused(m.MilestoneCreate, due_date=date(2024, 1, 1))
    assert (error.field, str(error)) == ("title", "A new milestone needs a title.")
    made = m.MilestoneCreate(title="Pilot", due_date=datetime(2024, 1, 1, 9), status="DONE")
    assert (made.due_date, made.status, made.challenge_ids) == (date(2024, 1, 1), "done", [])
    error = refused(m.MilestoneCreate, title="Pilot", due_date=date(2024, 1, 1), challenge_ids=3)
    assert (error.field, str(error)) == (
        "challenge_ids",
        "The challenges must be a list of ids (got 3).",
    )


def test_common_challenge_quiz_and_question_inputs():
    assert str(refused(m.CommonChallengeCreate, network_id=1, name=" ")) == (
        "The name must not be blank."
    )
    assert m.CommonChallengeUpdate(description=None).changes() == {"description": ""}
    assert str(refused(m.QuizCreate, session_id=1, title="")) == (
        "The quiz's title must not be blank."
    )
    error = refused(m.QuestionCreate, quiz_id=1, kind="riddle", text="Hi?")
    assert error.field == "kind" and "must be one of: single choice" in str(error)
    assert m.QuestionCreate(quiz_id=1, kind="Open Text", text=" Hi? ").kind == "open text"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"vote_budget": 0}, "The number of dots must be from 1 to 20."),
        ({"vote_budget": 2.5}, "The number of dots must be a whole number."),
        ({"vote_budget": True}, "The number of dots must be a whole number."),
        ({"count_mode": "per tandem"}, "Counting must be one of: per person, per city"),
    ],
)
def test_live_settings_refuse_bad_values(values, message):
    assert str(refused(m.LiveSettingsUpdate, **values)).startswith(message)


def test_a_wall_post_needs_words():
    assert str(refused(m.WallPostCreate, text="  ")) == "The challenge must not be blank."
    assert m.WallPostCreate(text=" Funding ").text == "Funding"
