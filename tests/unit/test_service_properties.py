"""Whatever a person types, a service either stores it and reads it back as typed (less
control characters and the spaces around it), or refuses it and changes nothing. Tried
with generated text and with the hostile inputs a careful tester brings, on both
databases."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerlearn import models as m
from peerlearn.errors import PeerlearnError
from peerlearn.inputs import without_controls
from peerlearn.live import answers, wall
from peerlearn.services import challenges, events, network, quizzes, roadmaps, tandems, users
from tests.conftest import table_counts
from tests.unit.live_fixtures import join, open_question

HOSTILE = [
    "",
    "   \t\n ",
    "x" * 100_000,
    "\u202eevil.exe",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 family",
    "a\x00b",
    "\x00",
    "**x**",
    "[a](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://x","y")',
    "+SUM(1)",
    "@cmd",
    ":red[x] $$x$$",
]
TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=400))
# The same database serves every example of a test: that is the point (a refusal
# leaves it as it was), so the function-scoped fixtures are shared on purpose.
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _typed(text: str) -> str:
    """What a saved text reads back as."""
    return without_controls(text).strip()


def _stored_or_unchanged(session, write, read_back, text: str) -> None:
    before = table_counts(session)
    try:
        row = write(text)
    except PeerlearnError:
        session.rollback()
        session.expire_all()
        assert table_counts(session) == before
        return
    session.expire_all()
    assert read_back(row) == _typed(text)


@SETTINGS
@given(text=TEXT)
def test_a_tandem_name(session, world, text):
    _stored_or_unchanged(
        session,
        lambda t: tandems.update_tandem(
            session,
            actor=world.coordinator,
            tandem_id=world.tandem.id,
            data=m.TandemUpdate(name=t),
        ),
        lambda row: session.get(m.Tandem, row.id).name,
        text,
    )


@SETTINGS
@given(text=TEXT)
def test_a_challenge(session, world, text):
    _stored_or_unchanged(
        session,
        lambda t: challenges.add_challenge(
            session, actor=world.member, data=m.ChallengeCreate(tandem_id=world.tandem.id, text=t)
        ),
        lambda row: session.get(m.Challenge, row.id).text,
        text,
    )


@SETTINGS
@given(text=TEXT)
def test_a_milestone_title(session, world, text):
    _stored_or_unchanged(
        session,
        lambda t: roadmaps.add_milestone(
            session,
            actor=world.member,
            tandem_id=world.tandem.id,
            data=m.MilestoneCreate(title=t, due_date=date(2024, 6, 30)),
        ),
        lambda row: session.get(m.Milestone, row.id).title,
        text,
    )


@SETTINGS
@given(text=TEXT)
def test_a_city_name(session, world, text):
    _stored_or_unchanged(
        session,
        lambda t: network.add_city(
            session, actor=world.coordinator, data=m.CityCreate(name=t, country="Austria")
        ),
        lambda row: session.get(m.City, row.id).name,
        text,
    )


@SETTINGS
@given(text=TEXT)
def test_a_wall_post(session, world, code, text):
    phone = join(session, code, world.arezzo)  # a phone of its own: within its post limit
    _stored_or_unchanged(
        session,
        lambda t: wall.post_challenge(
            session, token=phone.token, data=m.WallPostCreate(text=t, tandem_id=world.tandem.id)
        ),
        lambda row: session.get(m.Challenge, row.id).text,
        text,
    )


@SETTINGS
@given(text=TEXT)
def test_an_open_answer(session, world, quiz, code, text):
    if session.get(m.Question, quiz.open.id).opened_at is None:
        open_question(session, world, quiz.open)
    phone = join(session, code, world.arezzo)
    _stored_or_unchanged(
        session,
        lambda t: answers.answer_question(
            session, token=phone.token, question_id=quiz.open.id, text=t
        ),
        lambda row: session.get(m.Answer, row.id).text,
        text,
    )


def _new(session, world, quiz, kind: str, text: str):
    """Write ``text`` into one more field a person types into, through its service."""
    c, f, w = world.coordinator, world.facilitator, world.member
    if kind == "network":
        return network.add_network(session, actor=c, data=m.NetworkCreate(name=text))
    if kind == "network description":
        data = m.NetworkCreate(name=f"Net {next(_serial)}", description=text)
        return network.add_network(session, actor=c, data=data)
    if kind == "theme":
        return network.add_theme(session, actor=c, data=m.ThemeCreate(name=text))
    if kind == "category":
        return network.add_category(session, actor=c, data=m.CategoryCreate(name=text))
    if kind in ("event", "event place"):
        fields = {"title": text} if kind == "event" else {"title": "Graz", "place": text}
        data = m.EventCreate(
            network_id=world.network.id,
            start_date=date(2024, 5, 2),
            end_date=date(2024, 5, 2),
            **fields,
        )
        return events.add_event(session, actor=f, data=data)
    if kind == "session":
        data = m.EventSessionCreate(
            event_id=world.event.id, title=text, kind=m.SessionKind.WORKSHOP
        )
        return events.add_session(session, actor=f, data=data)
    if kind == "take-away":
        data = m.TakeawayCreate(session_id=world.workshop.id, text=text)
        return events.add_takeaway(session, actor=f, data=data)
    if kind == "quiz":
        return quizzes.add_quiz(
            session, actor=f, data=m.QuizCreate(session_id=world.workshop.id, title=text)
        )
    if kind == "question":
        data = m.QuestionCreate(quiz_id=quiz.quiz.id, kind=m.QuestionKind.OPEN, text=text)
        return quizzes.add_question(session, actor=f, data=data)
    if kind == "milestone description":
        data = m.MilestoneCreate(title="Pilot", due_date=date(2024, 6, 30), description=text)
        return roadmaps.add_milestone(session, actor=w, tandem_id=world.tandem.id, data=data)
    if kind == "account name":
        data = m.UserCreate(
            email=f"person{next(_serial)}@example.org",
            role=m.UserRole.FACILITATOR,
            name=text,
            password="a long enough password 1",
        )
        return users.add_user(session, actor=c, data=data)
    raise AssertionError(kind)


_serial = itertools.count()
# Each field: the table it lands in and the column that holds it.
FIELDS = {
    "network": (m.Network, "name"),
    "network description": (m.Network, "description"),
    "theme": (m.Theme, "name"),
    "category": (m.Category, "name"),
    "event": (m.Event, "title"),
    "event place": (m.Event, "place"),
    "session": (m.EventSession, "title"),
    "take-away": (m.Takeaway, "text"),
    "quiz": (m.Quiz, "title"),
    "question": (m.Question, "text"),
    "milestone description": (m.Milestone, "description"),
    "account name": (m.User, "name"),
}


@pytest.mark.parametrize("kind", list(FIELDS))
@settings(SETTINGS, max_examples=20)
@given(text=TEXT)
def test_every_other_field(session, world, quiz, kind, text):
    table, column = FIELDS[kind]
    _stored_or_unchanged(
        session,
        lambda t: _new(session, world, quiz, kind, t),
        lambda row: getattr(session.get(table, row.id), column),
        text,
    )
