"""SQLModel tables: the whole vocabulary of peer learning between cities.

Input models (``XCreate``/``XUpdate``) live beside their table; services validate
them and write the table rows. Enumerations are stored as plain strings so that the
schema is the same on SQLite and PostgreSQL and adding a value needs no type change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import ConfigDict, NaiveDatetime, StringConstraints, field_validator, model_validator
from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, SQLModel

from peerlearn import rules
from peerlearn.errors import InvalidInput
from peerlearn.inputs import Input, in_order, missing, one_of

# Text limits shared by models and services (services give the readable message).
NAME_MAX = 120
TITLE_MAX = 200
TEXT_MAX = 2000
EMAIL_MAX = 254


def utcnow() -> datetime:
    """Now, timezone-aware in UTC (the database stores instants in UTC)."""
    return datetime.now(UTC)


def fk(target: str, *, nullable: bool = False, ondelete: str | None = None, index: bool = True):
    """A foreign-key column; RESTRICT by default so nothing others depend on vanishes."""
    return Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey(target, ondelete=ondelete or "RESTRICT"),
            nullable=nullable,
            index=index,
        ),
    )


# --- enumerations -----------------------------------------------------------------


class Role(StrEnum):
    """A city's role in a network."""

    LIGHTHOUSE = "lighthouse"
    FOLLOWER = "follower"
    FELLOW = "fellow"
    OBSERVER = "observer"
    MEMBER = "member"


class EventMode(StrEnum):
    ONSITE = "on-site"
    ONLINE = "online"
    HYBRID = "hybrid"


class SessionKind(StrEnum):
    WORKSHOP = "workshop"
    PLENARY = "plenary"
    QUIZ = "quiz"
    SITE_VISIT = "site visit"
    PANEL = "panel"
    WEBINAR = "webinar"


class QuestionKind(StrEnum):
    SINGLE = "single choice"
    MULTIPLE = "multiple choice"
    SCALE = "scale"
    OPEN = "open text"


class MilestoneStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in progress"
    DONE = "done"
    BLOCKED = "blocked"


class LiveActivity(StrEnum):
    """What the phones of a live session show right now."""

    LOBBY = "lobby"
    QUIZ = "quiz"
    WALL = "challenge wall"
    VOTE = "voting"
    ENDED = "ended"


class CountMode(StrEnum):
    """Whether results count every person or give each city one voice."""

    PERSON = "per person"
    CITY = "per city"


class UserRole(StrEnum):
    COORDINATOR = "coordinator"
    FACILITATOR = "facilitator"
    TANDEM = "tandem"


# --- the network ------------------------------------------------------------------


class Network(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX, unique=True)
    description: str = Field(default="", max_length=TEXT_MAX)
    is_example: bool = Field(default=False)
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class NetworkCreate(Input):
    name: str = Field(title="The network name", min_length=1, max_length=NAME_MAX)
    description: str = Field(default="", title="The description", max_length=TEXT_MAX)
    is_example: bool = False  # invented (the demo's), said so on every screen


class NetworkUpdate(Input):
    name: str = Field(default=None, title="The network name", min_length=1, max_length=NAME_MAX)
    description: str = Field(default=None, title="The description", max_length=TEXT_MAX)


class City(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("name", "country", name="uq_city_name_country"),
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="ck_city_lat"),
        CheckConstraint(
            "longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="ck_city_lon"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX)
    country: str = Field(max_length=NAME_MAX)
    latitude: float | None = None
    longitude: float | None = None
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class CityFields(Input):
    """What a city's fields accept: typed values, or the cells of an editor or a sheet."""

    @field_validator("name", "country", mode="before", check_fields=False)
    @classmethod
    def _text(cls, value: object) -> object:
        # An empty cell is a blank name; a number typed in a text cell is its text.
        if missing(value):
            return ""
        return value if isinstance(value, str) else str(value)

    @field_validator("latitude", "longitude", mode="before", check_fields=False)
    @classmethod
    def _coordinate(cls, value: object, info) -> float | None:
        if missing(value):
            return None
        field, limit = info.field_name, 90 if info.field_name == "latitude" else 180
        if isinstance(value, bool):
            raise ValueError(f"The {field} must be a number (got {value!r}).")
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(
                f"The {field} must be a number in decimal degrees, such as 43.46 (got {value!r})."
            ) from None
        if not -limit <= number <= limit:
            raise ValueError(
                f"The {field} must be between -{limit} and {limit} degrees (got {value})."
            )
        return number


class CityCreate(CityFields):
    """A whole city: an update is checked as the CityCreate of its result."""

    name: str = Field(title="The city name", min_length=1, max_length=NAME_MAX)
    country: str = Field(title="The country", min_length=1, max_length=NAME_MAX)
    latitude: float | None = None
    longitude: float | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> CityCreate:
        if (self.latitude is None) != (self.longitude is None):
            gap = "longitude" if self.longitude is None else "latitude"
            # Raised as is (not a ValueError), so the message names the missing column.
            raise InvalidInput(
                f"Give both latitude and longitude, or neither; the {gap} is missing.", field=gap
            )
        return self


class CityUpdate(CityFields):
    """``latitude=None, longitude=None`` clears the position."""

    name: str = Field(default=None, title="The city name", min_length=1, max_length=NAME_MAX)
    country: str = Field(default=None, title="The country", min_length=1, max_length=NAME_MAX)
    latitude: float | None = None
    longitude: float | None = None


class Membership(SQLModel, table=True):
    """A city in a network, with its role there."""

    __table_args__ = (UniqueConstraint("network_id", "city_id", name="uq_membership"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = fk("network.id", ondelete="CASCADE")
    city_id: int = fk("city.id")
    role: str = Field(default=Role.MEMBER, max_length=20)
    joined_on: date | None = None  # when the city joined the network, if known


class MembershipCreate(Input):
    """A city in a network with its role (and the day it joined, if known); given
    again, it changes the role, and the day when one is given."""

    network_id: int
    city_id: int
    role: str = Role.MEMBER
    joined_on: date | None = None

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: object) -> str:
        return one_of(value, Role, label="The role")


class Theme(SQLModel, table=True):
    """An exchange topic: energy, mobility, urban data platforms, ..."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX, unique=True)
    description: str = Field(default="", max_length=TEXT_MAX)
    archived_at: datetime | None = None


class ThemeCreate(Input):
    name: str = Field(title="The theme name", min_length=1, max_length=NAME_MAX)
    description: str = Field(default="", title="The description", max_length=TEXT_MAX)


class ThemeUpdate(Input):
    name: str = Field(default=None, title="The theme name", min_length=1, max_length=NAME_MAX)
    description: str = Field(default=None, title="The description", max_length=TEXT_MAX)


class Category(SQLModel, table=True):
    """A category of need: funding, consulting, qualified staff, ..."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX, unique=True)
    description: str = Field(default="", max_length=TEXT_MAX)
    archived_at: datetime | None = None


class CategoryCreate(Input):
    name: str = Field(title="The category name", min_length=1, max_length=NAME_MAX)
    description: str = Field(default="", title="The description", max_length=TEXT_MAX)


class CategoryUpdate(Input):
    name: str = Field(default=None, title="The category name", min_length=1, max_length=NAME_MAX)
    description: str = Field(default=None, title="The description", max_length=TEXT_MAX)


class Tandem(SQLModel, table=True):
    """Two or more partner cities working on a theme up to a deadline."""

    __table_args__ = (UniqueConstraint("network_id", "name", name="uq_tandem_name"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = fk("network.id")
    name: str = Field(max_length=NAME_MAX)
    theme_id: int | None = fk("theme.id", nullable=True)
    deadline: date | None = None
    description: str = Field(default="", max_length=TEXT_MAX)
    is_example: bool = Field(default=False)
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class TandemFields(Input):
    @field_validator("deadline", mode="before", check_fields=False)
    @classmethod
    def _day(cls, value: object) -> object:
        # datetime is a date too; a deadline is a day, so refuse a time of day.
        if value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
            raise ValueError(f"The deadline must be a date such as 2024-12-31 (got {value!r}).")
        return value

    @field_validator("city_ids", mode="before", check_fields=False)
    @classmethod
    def _ids(cls, value: object) -> object:
        for ident in value or ():
            if isinstance(ident, bool) or not isinstance(ident, int):
                raise ValueError(f"Partner cities are given by their ids (got {ident!r}).")
        return value


class TandemCreate(TandemFields):
    """Partner cities: the service checks they are distinct members of the network."""

    network_id: int
    name: str = Field(title="The tandem name", min_length=1, max_length=NAME_MAX)
    city_ids: list[int] = Field(default_factory=list)
    theme_id: int | None = None
    deadline: date | None = None
    description: str = Field(default="", title="The description", max_length=TEXT_MAX)
    is_example: bool = False  # invented (the demo's), said so on Roadmaps and in Excel


class TandemUpdate(TandemFields):
    """``theme_id=None`` or ``deadline=None`` clears them; ``city_ids`` replaces the partners."""

    name: str = Field(default=None, title="The tandem name", min_length=1, max_length=NAME_MAX)
    city_ids: list[int] = Field(default=None)
    theme_id: int | None = None
    deadline: date | None = None
    description: str = Field(default=None, title="The description", max_length=TEXT_MAX)


class TandemCity(SQLModel, table=True):
    """A tandem's partner city; the primary key keeps a tandem's cities distinct."""

    tandem_id: int = Field(
        sa_column=Column(Integer, ForeignKey("tandem.id", ondelete="CASCADE"), primary_key=True)
    )
    city_id: int = Field(
        sa_column=Column(Integer, ForeignKey("city.id", ondelete="RESTRICT"), primary_key=True)
    )


# --- events and sessions ----------------------------------------------------------


class Event(SQLModel, table=True):
    __table_args__ = (CheckConstraint("end_date >= start_date", name="ck_event_dates"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = fk("network.id")
    title: str = Field(max_length=TITLE_MAX)
    place: str = Field(default="", max_length=NAME_MAX)
    mode: str = Field(default=EventMode.ONSITE, max_length=20)
    start_date: date
    end_date: date
    description: str = Field(default="", max_length=TEXT_MAX)
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class EventFields(Input):
    @field_validator("mode", mode="before", check_fields=False)
    @classmethod
    def _mode(cls, value: object) -> str:
        return one_of(value, EventMode, label="The event's mode")

    @field_validator("start_date", "end_date", mode="before", check_fields=False)
    @classmethod
    def _day(cls, value: object, info) -> date:
        if isinstance(value, datetime):
            return value.date()
        if not isinstance(value, date):
            which = "start" if info.field_name == "start_date" else "end"
            raise ValueError(f"The {which} date is missing; give a date such as 2023-10-23.")
        return value


class EventCreate(EventFields):
    """A whole event: an update is checked as the EventCreate of its result."""

    network_id: int
    title: str = Field(title="The event's title", min_length=1, max_length=TITLE_MAX)
    start_date: date
    end_date: date
    place: str = Field(default="", title="The place", max_length=NAME_MAX)
    mode: str = EventMode.ONSITE
    description: str = Field(default="", title="The description", max_length=TEXT_MAX)

    @model_validator(mode="after")
    def _dates_in_order(self) -> EventCreate:
        in_order(self.start_date, self.end_date, what="The event's dates")
        return self


class EventUpdate(EventFields):
    title: str = Field(default=None, title="The event's title", min_length=1, max_length=TITLE_MAX)
    start_date: date = None
    end_date: date = None
    place: str = Field(default=None, title="The place", max_length=NAME_MAX)
    mode: str = None
    description: str = Field(default=None, title="The description", max_length=TEXT_MAX)


class EventSession(SQLModel, table=True):
    """A Session of an event (named so to stay apart from the database session)."""

    __tablename__ = "event_session"
    __table_args__ = (
        CheckConstraint(
            "ends_at IS NULL OR starts_at IS NULL OR ends_at >= starts_at",
            name="ck_session_times",
        ),
        UniqueConstraint("join_code", name="uq_session_join_code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = fk("event.id")
    title: str = Field(max_length=TITLE_MAX)
    kind: str = Field(default=SessionKind.WORKSHOP, max_length=20)
    # Wall-clock time at the event's place, so stored without a time zone.
    starts_at: NaiveDatetime | None = None
    ends_at: NaiveDatetime | None = None
    location: str = Field(default="", max_length=TITLE_MAX)
    description: str = Field(default="", max_length=TEXT_MAX)
    archived_at: datetime | None = None
    # --- live state, shared by the presenter view and every phone ---
    join_code: str | None = Field(default=None, max_length=6)
    live_started_at: datetime | None = None
    live_ended_at: datetime | None = None
    activity: str = Field(default=LiveActivity.LOBBY, max_length=20)
    # Plain id, no foreign key: question -> quiz -> session would make a cycle;
    # the live service checks it belongs to this session.
    current_question_id: int | None = None
    count_mode: str = Field(default=CountMode.PERSON, max_length=20)
    results_hidden: bool = True
    vote_mode: str = Field(default=CountMode.PERSON, max_length=20)
    vote_budget: int = rules.DEFAULT_DOTS
    voting_closed_at: datetime | None = None
    # The live tally stays off the screens until voting closes (no herd effect).
    tally_hidden: bool = False
    # The countdown Run live offers each question it opens (None: no countdown).
    countdown_seconds: int | None = None
    # "Next" after the last question: the quiz is over and the podium is shown.
    quiz_finished_at: datetime | None = None
    # When the current run of the session's quiz began (a fresh run): who is present.
    run_started_at: datetime | None = None
    # Posts from phones wait for the facilitator before the big screen shows them.
    premoderated: bool = False


class EventSessionFields(Input):
    @field_validator("kind", mode="before", check_fields=False)
    @classmethod
    def _kind(cls, value: object) -> str:
        return one_of(value, SessionKind, label="The session's kind")

    @field_validator("starts_at", "ends_at", mode="before", check_fields=False)
    @classmethod
    def _wall_clock(cls, value: object, info) -> datetime | None:
        if value is None:
            return None
        label = "The start time" if info.field_name == "starts_at" else "The end time"
        if not isinstance(value, datetime):
            raise ValueError(f"{label} must be a date and time, such as 2023-10-23 09:30.")
        if value.tzinfo is not None:
            # Stored naive: the agenda reads in the event's own local time.
            raise ValueError(
                f"{label} must be the wall-clock time at the event's place, without a time zone."
            )
        return value


class EventSessionCreate(EventSessionFields):
    """A whole session: an update is checked as the EventSessionCreate of its result."""

    event_id: int
    title: str = Field(title="The session's title", min_length=1, max_length=TITLE_MAX)
    kind: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    location: str = Field(default="", title="The location", max_length=TITLE_MAX)
    description: str = Field(default="", title="The description", max_length=TEXT_MAX)

    @model_validator(mode="after")
    def _times_in_order(self) -> EventSessionCreate:
        in_order(self.starts_at, self.ends_at, what="The session's times")
        return self


class EventSessionUpdate(EventSessionFields):
    """``starts_at=None`` or ``ends_at=None`` clears a time."""

    title: str = Field(
        default=None, title="The session's title", min_length=1, max_length=TITLE_MAX
    )
    kind: str = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    location: str = Field(default=None, title="The location", max_length=TITLE_MAX)
    description: str = Field(default=None, title="The description", max_length=TEXT_MAX)


class LiveSettingsUpdate(Input):
    """Run live's settings of a session; a setting left out (or None) stays as it is."""

    count_mode: str | None = Field(default=None, title="Counting")
    results_hidden: bool | None = None
    vote_mode: str | None = Field(default=None, title="Votes")
    vote_budget: int | None = Field(default=None, title="The number of dots")
    tally_hidden: bool | None = None
    premoderated: bool | None = None

    @field_validator("count_mode", mode="before")
    @classmethod
    def _counting(cls, value: object) -> str | None:
        return None if value is None else one_of(value, CountMode, label="Counting")

    @field_validator("vote_mode", mode="before")
    @classmethod
    def _votes(cls, value: object) -> str | None:
        return None if value is None else one_of(value, CountMode, label="Votes")

    @field_validator("vote_budget", mode="before")
    @classmethod
    def _dots(cls, value: object) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("The number of dots must be a whole number.")
        if not 1 <= value <= rules.MAX_DOTS:
            raise ValueError(f"The number of dots must be from 1 to {rules.MAX_DOTS}.")
        return value


class LiveClock(SQLModel, table=True):
    """How far a live session has moved: each change adds one (peerlearn.live.clock)."""

    __tablename__ = "live_clock"

    session_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("event_session.id", ondelete="CASCADE"), primary_key=True
        )
    )
    # What phones show: the activity, the question and its state, settings, the ballot.
    stage: int = 0
    # What the room sends and the facilitator moderates: joins, answers, posts, votes.
    data: int = 0


class Takeaway(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = fk("event_session.id")
    text: str = Field(max_length=TEXT_MAX)
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class TakeawayCreate(Input):
    session_id: int
    text: str = Field(title="The take-away", min_length=1, max_length=TEXT_MAX)


class TakeawayUpdate(Input):
    text: str = Field(default=None, title="The take-away", min_length=1, max_length=TEXT_MAX)


# --- quizzes ----------------------------------------------------------------------


class Quiz(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = fk("event_session.id")
    title: str = Field(max_length=TITLE_MAX)
    created_at: datetime = Field(default_factory=utcnow)


class QuizCreate(Input):
    session_id: int
    title: str = Field(min_length=1, max_length=TITLE_MAX, title="The quiz's title")

    @field_validator("title", mode="before")
    @classmethod
    def _blank_text(cls, value: object) -> object:
        return "" if value is None else value


class QuizUpdate(Input):
    title: str | None = Field(
        default=None, min_length=1, max_length=TITLE_MAX, title="The quiz's title"
    )


class Question(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(
            "scale_min IS NULL OR scale_max IS NULL OR scale_max > scale_min",
            name="ck_question_scale",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    quiz_id: int = fk("quiz.id", ondelete="CASCADE")
    kind: str = Field(default=QuestionKind.SINGLE, max_length=20)
    text: str = Field(max_length=TEXT_MAX)
    position: int = 0
    scale_min: int | None = None
    scale_max: int | None = None
    # Set when the question is opened for answers and when it is closed.
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    # Results shown to everyone from then on.
    revealed_at: datetime | None = None
    # Optional countdown: answers close by themselves at this instant.
    countdown_seconds: int | None = None
    closes_at: datetime | None = None


class QuestionUpdate(Input):
    """What an edit of a question may change (its kind stays; left out or None keeps).

    Options, correct marks and scale depend on the question's kind, which an edit does
    not carry: the quizzes service checks them for both doors, against the kind.
    """

    text: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX, title="The question")
    options: list[str] | None = Field(default=None, title="The options")
    correct: list[int] | None = Field(default=None, title="The correct options")
    scale_min: int | None = Field(default=None, title="The bottom of the scale")
    scale_max: int | None = Field(default=None, title="The top of the scale")


class QuestionCreate(QuestionUpdate):
    """A new question at the end of a quiz; ``correct`` holds option indexes from 0."""

    quiz_id: int
    kind: str = Field(title="The question's kind")
    text: str = Field(min_length=1, max_length=TEXT_MAX, title="The question")

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: object) -> str:
        return one_of(value, QuestionKind, label="The question's kind")

    @field_validator("text", mode="before")
    @classmethod
    def _blank_text(cls, value: object) -> object:
        return "" if value is None else value


class Option(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    question_id: int = fk("question.id", ondelete="CASCADE")
    text: str = Field(max_length=TITLE_MAX)
    position: int = 0
    is_correct: bool = False


class Participant(SQLModel, table=True):
    """Someone answering from a phone: no account, a random token, a city."""

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = fk("event_session.id")
    token: str = Field(max_length=64, unique=True)
    city_id: int | None = fk("city.id", nullable=True)
    display_name: str = Field(default="", max_length=NAME_MAX)
    joined_at: datetime = Field(default_factory=utcnow)


class Answer(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("participant_id", "question_id", name="uq_answer_once"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = fk("participant.id", ondelete="CASCADE")
    question_id: int = fk("question.id", ondelete="CASCADE")
    text: str = Field(default="", max_length=TEXT_MAX)
    value: int | None = None
    answered_at: datetime = Field(default_factory=utcnow)
    # An open answer the facilitator took off the screens (it stays stored).
    hidden: bool = False


class AnswerOption(SQLModel, table=True):
    """The options chosen in a (single or multiple) choice answer."""

    answer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True)
    )
    option_id: int = Field(
        sa_column=Column(Integer, ForeignKey("option.id", ondelete="CASCADE"), primary_key=True)
    )


class LiveAction(SQLModel, table=True):
    """One post, answer or tap on the dots from a phone, kept for as long as its rate
    limit looks back (peerlearn.live.limits): stored, so that every server counts it."""

    __tablename__ = "live_action"
    __table_args__ = (Index("ix_live_action_recent", "participant_id", "kind", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    # The index below leads with it: no index of its own.
    participant_id: int = fk("participant.id", ondelete="CASCADE", index=False)
    kind: str = Field(max_length=10)
    at: datetime = Field(default_factory=utcnow)


class WrongCodeCount(SQLModel, table=True):
    """How many wrong join codes were typed in one window of time, across the whole
    code space (peerlearn.live.wrong_codes): one row per window, shared by every app
    server."""

    __tablename__ = "wrong_code_count"

    # Which window: its start in seconds since the Unix epoch, divided by its length.
    slot: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    wrong: int = 0


# --- challenges, common challenges, votes -----------------------------------------


class CommonChallenge(SQLModel, table=True):
    """A group of similar challenges named in a plenary."""

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = fk("network.id")
    session_id: int | None = fk("event_session.id", nullable=True)
    name: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", max_length=TEXT_MAX)
    category_id: int | None = fk("category.id", nullable=True)
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # Counts saves: an edit made from an older read is told (services.store.unchanged_since).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class CommonChallengeCreate(Input):
    """A new group of a network's challenges; the service checks that they may join it."""

    network_id: int
    name: str = Field(min_length=1, max_length=TITLE_MAX, title="The name")
    challenge_ids: list[int] = Field(default_factory=list, title="The challenges")
    session_id: int | None = None
    category_id: int | None = None
    description: str = Field(default="", max_length=TEXT_MAX, title="The description")

    @field_validator("name", "description", mode="before")
    @classmethod
    def _blank_text(cls, value: object) -> object:
        return "" if value is None else value


class CommonChallengeUpdate(Input):
    """A new name or description for a group (its challenges move by their own calls)."""

    name: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX, title="The name")
    description: str | None = Field(default=None, max_length=TEXT_MAX, title="The description")
    # The version the editor read: a save over a newer one is refused. None saves over
    # whatever is stored (an import, the command line).
    version: int | None = Field(default=None, ge=1, title="The version")

    @field_validator("name", "description", mode="before")
    @classmethod
    def _blank_text(cls, value: object) -> object:
        return "" if value is None else value


class Challenge(SQLModel, table=True):
    __table_args__ = (CheckConstraint("priority BETWEEN 1 AND 3", name="ck_challenge_priority"),)

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=TEXT_MAX)
    tandem_id: int = fk("tandem.id")
    city_id: int | None = fk("city.id", nullable=True)
    category_id: int | None = fk("category.id", nullable=True)
    theme_id: int | None = fk("theme.id", nullable=True)
    session_id: int | None = fk("event_session.id", nullable=True)
    participant_id: int | None = fk("participant.id", nullable=True, ondelete="SET NULL")
    common_challenge_id: int | None = fk("commonchallenge.id", nullable=True, ondelete="SET NULL")
    # 1 = high, 2 = medium, 3 = low
    priority: int = 2
    hidden: bool = False
    # Posted while the session's posts wait for the facilitator, and not approved yet.
    pending: bool = False
    is_example: bool = False
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # Counts saves: an edit made from an older read is told (services.store.unchanged_since).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


PRIORITIES = {1: "high", 2: "medium", 3: "low"}


class ChallengeFields(Input):
    @field_validator("priority", mode="before", check_fields=False)
    @classmethod
    def _priority(cls, value: object) -> int:
        # bool is an int in Python; True must not pass as "high".
        if isinstance(value, bool) or not isinstance(value, int) or value not in PRIORITIES:
            raise ValueError(
                f"The priority must be 1 (high), 2 (medium) or 3 (low) (got {value!r})."
            )
        return value


class ChallengeCreate(ChallengeFields):
    """The city must be a partner of the tandem, the session of its network (the service
    checks both); without a theme the challenge takes the tandem's."""

    tandem_id: int
    text: str = Field(title="The challenge", min_length=1, max_length=TEXT_MAX)
    city_id: int | None = None
    category_id: int | None = None
    theme_id: int | None = None
    session_id: int | None = None
    priority: int = 2
    is_example: bool = False  # invented (an example tandem's)


class ChallengeUpdate(ChallengeFields):
    text: str = Field(default=None, title="The challenge", min_length=1, max_length=TEXT_MAX)
    city_id: int | None = None
    category_id: int | None = None
    theme_id: int | None = None
    session_id: int | None = None
    priority: int = None
    # The version the editor read: a save over a newer one is refused. None saves over
    # whatever is stored (an import, the command line).
    version: int | None = Field(default=None, ge=1, title="The version")


class WallPostCreate(Input):
    """A challenge a participant posts from a phone to the live wall; the live service
    checks the tandem is one of their city's and the category exists."""

    text: str = Field(min_length=1, max_length=TEXT_MAX, title="The challenge")
    category_id: int | None = None
    tandem_id: int | None = None

    @field_validator("text", mode="before")
    @classmethod
    def _blank_text(cls, value: object) -> object:
        return "" if value is None else value


class Ballot(SQLModel, table=True):
    """A common challenge on a session's dot-voting: those grouped there, and earlier
    ones brought in from the event or the network."""

    session_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("event_session.id", ondelete="CASCADE"), primary_key=True
        )
    )
    common_challenge_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("commonchallenge.id", ondelete="CASCADE"), primary_key=True
        )
    )
    added_at: datetime = Field(default_factory=utcnow)


class Vote(SQLModel, table=True):
    """Dots one participant (or user) put on a common challenge."""

    __table_args__ = (
        UniqueConstraint("common_challenge_id", "participant_id", name="uq_vote_participant"),
        CheckConstraint("dots > 0", name="ck_vote_dots"),
    )

    id: int | None = Field(default=None, primary_key=True)
    common_challenge_id: int = fk("commonchallenge.id", ondelete="CASCADE")
    participant_id: int | None = fk("participant.id", nullable=True, ondelete="CASCADE")
    city_id: int | None = fk("city.id", nullable=True)
    dots: int = 1
    created_at: datetime = Field(default_factory=utcnow)


# --- roadmaps ---------------------------------------------------------------------


class Roadmap(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    tandem_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("tandem.id", ondelete="CASCADE"), unique=True, nullable=False
        )
    )
    title: str = Field(max_length=TITLE_MAX)
    created_at: datetime = Field(default_factory=utcnow)


class Milestone(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    roadmap_id: int = fk("roadmap.id", ondelete="CASCADE")
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", max_length=TEXT_MAX)
    owner_city_id: int | None = fk("city.id", nullable=True)
    partner_contribution: str = Field(default="", max_length=TEXT_MAX)
    due_date: date
    status: str = Field(default=MilestoneStatus.PLANNED, max_length=20)
    position: int = 0
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # Counts saves: an edit made from an older read is told (services.store.unchanged_since).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


# A field a create needs, told apart from one given blank (the messages differ).
_NOT_GIVEN = object()


def _due_date(value: object) -> date:
    if value is _NOT_GIVEN:
        raise ValueError("A new milestone needs a due date.")
    # Spreadsheets and DataFrames hand over datetimes; only the day matters.
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or value == "":
        raise ValueError("The due date must not be blank.")
    raise ValueError(f"The due date must be a date (got {value!r}).")


def _id_list(value: object, label: str) -> list[int]:
    if isinstance(value, int | str) or not isinstance(value, Iterable):
        raise ValueError(f"The {label} must be a list of ids (got {value!r}).")
    ids = list(dict.fromkeys(value))
    if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise ValueError(f"The {label} must be a list of ids (got {value!r}).")
    return ids


class MilestoneUpdate(Input):
    """What an edit of a milestone may change; links replace the current ones.

    Whether the owner is a partner city and the linked challenges belong to the tandem
    is checked by the roadmaps service (it needs the database).
    """

    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX, title="The title")
    due_date: date | None = Field(default=None, title="The due date")
    owner_city_id: int | None = Field(default=None, title="The owner city")
    description: str | None = Field(default=None, max_length=TEXT_MAX, title="The description")
    partner_contribution: str | None = Field(
        default=None, max_length=TEXT_MAX, title="The partner contribution"
    )
    status: str | None = Field(default=None, title="The status")
    challenge_ids: list[int] | None = Field(default=None, title="The challenges")
    common_challenge_ids: list[int] | None = Field(default=None, title="The common challenges")
    solution_ids: list[int] | None = Field(default=None, title="The solutions it replicates")

    # The version the editor read: a save over a newer one is refused. None saves over
    # whatever is stored (an import, the command line).
    version: int | None = Field(default=None, ge=1, title="The version")

    @field_validator("title", mode="before")
    @classmethod
    def _title_given(cls, value: object) -> object:
        if value is _NOT_GIVEN:
            raise ValueError("A new milestone needs a title.")
        # A blank cell of a table is None: the title must not be blank.
        return "" if value is None else value

    @field_validator("description", "partner_contribution", mode="before")
    @classmethod
    def _blank_text(cls, value: object) -> object:
        return "" if value is None else value

    @field_validator("due_date", mode="before")
    @classmethod
    def _day(cls, value: object) -> date:
        return _due_date(value)

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: object) -> str:
        return one_of(value, MilestoneStatus, label="The status")

    @field_validator("challenge_ids", mode="before")
    @classmethod
    def _challenges(cls, value: object) -> list[int]:
        return _id_list(value, "challenges")

    @field_validator("common_challenge_ids", mode="before")
    @classmethod
    def _common(cls, value: object) -> list[int]:
        return _id_list(value, "common challenges")

    @field_validator("solution_ids", mode="before")
    @classmethod
    def _solutions(cls, value: object) -> list[int]:
        return _id_list(value, "solutions")


class MilestoneCreate(MilestoneUpdate):
    """A new milestone of a tandem's roadmap: a title and a due date at least."""

    # Defaults are validated too, so a title or due date left out is named.
    model_config = ConfigDict(**Input.model_config, validate_default=True)

    version: None = Field(default=None, exclude=True)  # a new milestone has none yet
    title: str = Field(default=_NOT_GIVEN, min_length=1, max_length=TITLE_MAX, title="The title")
    due_date: date = Field(default=_NOT_GIVEN, title="The due date")
    description: str = Field(default="", max_length=TEXT_MAX, title="The description")
    partner_contribution: str = Field(
        default="", max_length=TEXT_MAX, title="The partner contribution"
    )
    status: str = Field(default=MilestoneStatus.PLANNED, title="The status")
    challenge_ids: list[int] = Field(default_factory=list, title="The challenges")
    common_challenge_ids: list[int] = Field(default_factory=list, title="The common challenges")
    solution_ids: list[int] = Field(default_factory=list, title="The solutions it replicates")


class MilestoneChallenge(SQLModel, table=True):
    milestone_id: int = Field(
        sa_column=Column(Integer, ForeignKey("milestone.id", ondelete="CASCADE"), primary_key=True)
    )
    challenge_id: int = Field(
        sa_column=Column(Integer, ForeignKey("challenge.id", ondelete="CASCADE"), primary_key=True)
    )


class MilestoneCommonChallenge(SQLModel, table=True):
    milestone_id: int = Field(
        sa_column=Column(Integer, ForeignKey("milestone.id", ondelete="CASCADE"), primary_key=True)
    )
    common_challenge_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("commonchallenge.id", ondelete="CASCADE"), primary_key=True
        )
    )


class MilestoneStatusChange(SQLModel, table=True):
    """The history of a milestone's status: who changed it, when, from what."""

    id: int | None = Field(default=None, primary_key=True)
    milestone_id: int = fk("milestone.id", ondelete="CASCADE")
    old_status: str | None = Field(default=None, max_length=20)
    new_status: str = Field(max_length=20)
    changed_by_id: int | None = fk("user.id", nullable=True, ondelete="SET NULL")
    changed_at: datetime = Field(default_factory=utcnow)


# --- users ------------------------------------------------------------------------


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=EMAIL_MAX, unique=True)
    name: str = Field(default="", max_length=NAME_MAX)
    role: str = Field(max_length=20)
    # Empty for accounts that only sign in through the organisation's provider.
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


# Something, an @, a domain with at least one dot: a typo check, not RFC 5322.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def email_address(value: str) -> str:
    """``value`` lower-cased; ValueError when it is not an email address."""
    address = value.lower()
    if not EMAIL_PATTERN.match(address):
        raise ValueError(f"'{address}' is not an email address; write it like name@example.org.")
    return address


class UserCreate(Input):
    """``password=None`` makes an account that signs in only by single sign-on; a tandem
    member names their tandems, other roles none (the service checks both)."""

    email: str = Field(title="The email address", min_length=1, max_length=EMAIL_MAX)
    role: str
    # Kept exactly as typed: spaces count in a password.
    password: Annotated[str, StringConstraints(strip_whitespace=False)] | None = None
    name: str = Field(default="", title="The name", max_length=NAME_MAX)
    tandem_ids: list[int] = Field(default_factory=list)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return email_address(value)

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: Any) -> str:
        return one_of(value, UserRole, label="The role")

    @field_validator("tandem_ids", mode="before")
    @classmethod
    def _tandems(cls, value: Any) -> Any:
        return list(value) if value is not None and not isinstance(value, list) else value


class SignInToken(SQLModel, table=True):
    """A browser that stays signed in. Only a hash of its token is stored, and the token
    lapses when it expires, the account is deactivated or its password changes."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("user.id", ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    # A digest of the password hash it was issued under: a new password ends it.
    password_stamp: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class SignInThrottle(SQLModel, table=True):
    """Recent failed sign-ins of one email, or from one network address: several
    servers on one database hold back the same guesser. ``key`` is a hash, so a
    password typed into the email field is not stored."""

    __tablename__ = "sign_in_throttle"
    # Bookkeeping of this installation's last hour, not data: a backup leaves it out.
    __table_args__ = {"info": {"backup": False}}

    key: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    last_failure_at: datetime


class SetupToken(SQLModel, table=True):
    """The one-time token that lets a browser create the first coordinator: printed in
    the server's log, and gone once the first account exists. One row at most."""

    __tablename__ = "setup_token"
    # A secret of this installation: a backup leaves it out (a restore needs none).
    __table_args__ = (
        CheckConstraint("id = 1", name="ck_setup_token_single"),
        {"info": {"backup": False}},
    )

    id: int = Field(default=1, primary_key=True)
    token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class UserTandem(SQLModel, table=True):
    """The tandems a tandem member works for."""

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    tandem_id: int = Field(
        sa_column=Column(Integer, ForeignKey("tandem.id", ondelete="CASCADE"), primary_key=True)
    )


class AuditEntry(SQLModel, table=True):
    """One row added, changed or deleted by a signed-in person (see peerlearn.audit)."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    # Kept when the account goes: the trail outlives it.
    user_id: int | None = fk("user.id", nullable=True, ondelete="SET NULL")
    table_name: str = Field(max_length=60, index=True)
    row_key: str = Field(max_length=100)  # the row's primary key; "3,7" for a pair
    action: str = Field(max_length=10)  # added, changed, deleted, archived, restored
    changes: str = Field(default="{}", sa_type=Text)  # JSON: column -> [before, after]


COUNTED = "peerlearn.counted"  # session.info: rows whose version moved in this transaction


def _count_save(_mapper, _connection, target) -> None:
    """Any change to a counted row's columns moves its version once per transaction,
    whoever saves it (an import, the command line), so an editor who read it before
    is told."""
    session = inspect(target).session
    if session is None or not session.is_modified(target, include_collections=False):
        return
    counted = session.info.setdefault(COUNTED, set())
    if (type(target), target.id) not in counted:
        counted.add((type(target), target.id))
        target.version += 1


def _forget_counted(session, _transaction=None) -> None:
    session.info.pop(COUNTED, None)


for _counted in (CommonChallenge, Challenge, Milestone):
    event.listen(_counted, "before_update", _count_save)


def count_saves(model: type[SQLModel]) -> None:
    """Make any change to ``model``'s rows move their version (for tables defined in
    modules of their own)."""
    event.listen(model, "before_update", _count_save)


event.listen(OrmSession, "after_commit", _forget_counted)
event.listen(OrmSession, "after_rollback", _forget_counted)


# --- the server's own ------------------------------------------------------------


class ServerSecret(SQLModel, table=True):
    """A secret of this installation (peerlearn.server_secret), made once and read by
    every app server on the database. Never written to a backup: a backup that leaks
    must not let anyone sign what only the server may."""

    __tablename__ = "server_secret"
    __table_args__ = {"info": {"backup": False}}

    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=128)  # hex of random bytes
    created_at: datetime = Field(default_factory=utcnow)


# Targets and solutions have modules of their own; importing this one registers them.
from peerlearn.models_solutions import *  # noqa: E402, F403
from peerlearn.models_targets import *  # noqa: E402, F403
