"""Targets and their measurements: what a city (or a whole network) aims for, and the
values measured on the way. Their status is a rule (peerlearn.rules.target_status)."""

from __future__ import annotations

import math
from datetime import date, datetime

from pydantic import ConfigDict, field_validator, model_validator
from sqlalchemy import CheckConstraint, Index, text
from sqlmodel import Field, SQLModel

from peerlearn import rules
from peerlearn.inputs import Input, missing, one_of, plain_number
from peerlearn.models import NAME_MAX, TEXT_MAX, TITLE_MAX, count_saves, fk, utcnow

UNIT_MAX = 40

__all__ = [
    "UNIT_MAX",
    "Target",
    "TargetFields",
    "TargetCreate",
    "TargetUpdate",
    "Measurement",
    "MeasurementCreate",
]


class Target(SQLModel, table=True):
    """A city's aim (or its network's, when ``city_id`` is None), such as Munich's "cut
    CO2 emissions by more than 20 %": from a baseline to a value by a deadline."""

    __table_args__ = (
        CheckConstraint("direction IN ('at least', 'at most')", name="ck_target_direction"),
    )

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = fk("network.id")
    city_id: int | None = fk("city.id", nullable=True)
    theme_id: int | None = fk("theme.id", nullable=True)
    title: str = Field(max_length=TITLE_MAX)
    indicator: str = Field(max_length=NAME_MAX)
    unit: str = Field(default="", max_length=UNIT_MAX)
    baseline_value: float
    baseline_year: int
    target_value: float
    direction: str = Field(max_length=10)
    deadline: date
    description: str = Field(default="", max_length=TEXT_MAX)
    is_example: bool = Field(default=False)
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


# Any change moves the version, so an import or a save without one still tells an
# editor who read the target before.
count_saves(Target)


def _number(value: object, label: str) -> float:
    if missing(value):
        raise ValueError(f"{label} is required.")
    if isinstance(value, bool):
        raise ValueError(f"{label} must be a number (got {value!r}).")
    if isinstance(value, str):
        return plain_number(value, label=label)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a number (got {value!r}).") from None
    if not math.isfinite(number):
        raise ValueError(f"{label} must be a number (got {value!r}).")
    return number


class TargetFields(Input):
    """What a target's fields accept: typed values, or the cells of an editor or sheet."""

    @field_validator("baseline_value", "target_value", mode="before", check_fields=False)
    @classmethod
    def _value(cls, value: object, info) -> float:
        label = "The baseline" if info.field_name == "baseline_value" else "The target value"
        return _number(value, label)

    @field_validator("direction", mode="before", check_fields=False)
    @classmethod
    def _direction(cls, value: object) -> str:
        return one_of(value, rules.Direction, label="The direction")

    @field_validator("description", "unit", mode="before", check_fields=False)
    @classmethod
    def _blank_text(cls, value: object) -> object:
        return "" if missing(value) else value


class TargetCreate(TargetFields):
    """A whole target: an update is checked as the TargetCreate of its result."""

    model_config = ConfigDict(**Input.model_config, validate_default=True)

    network_id: int
    city_id: int | None = None
    theme_id: int | None = None
    title: str = Field(title="The target", min_length=1, max_length=TITLE_MAX)
    indicator: str = Field(title="The indicator", min_length=1, max_length=NAME_MAX)
    unit: str = Field(default="", title="The unit", max_length=UNIT_MAX)
    baseline_value: float = Field(title="The baseline")
    baseline_year: int = Field(title="The baseline year", ge=1900, le=2200)
    target_value: float = Field(title="The target value")
    direction: str = Field(title="The direction")
    deadline: date = Field(title="The deadline")
    description: str = Field(default="", title="The description", max_length=TEXT_MAX)
    is_example: bool = False

    @model_validator(mode="after")
    def _reachable(self) -> TargetCreate:
        problem = rules.target_problem(
            self.direction,
            self.baseline_value,
            self.baseline_year,
            self.target_value,
            self.deadline,
        )
        if problem:
            raise ValueError(problem)
        return self


class TargetUpdate(TargetFields):
    """The fields an edit changes; the version the editor read guards the save."""

    city_id: int | None = None
    theme_id: int | None = None
    title: str = Field(default=None, title="The target", min_length=1, max_length=TITLE_MAX)
    indicator: str = Field(default=None, title="The indicator", min_length=1, max_length=NAME_MAX)
    unit: str = Field(default=None, title="The unit", max_length=UNIT_MAX)
    baseline_value: float = Field(default=None, title="The baseline")
    baseline_year: int = Field(default=None, title="The baseline year", ge=1900, le=2200)
    target_value: float = Field(default=None, title="The target value")
    direction: str = Field(default=None, title="The direction")
    deadline: date = Field(default=None, title="The deadline")
    description: str = Field(default=None, title="The description", max_length=TEXT_MAX)
    version: int | None = Field(default=None, ge=1, title="The version")


class Measurement(SQLModel, table=True):
    """One value of a target's indicator, measured on a day. Never changed: a wrong one
    is withdrawn (archived) and a new one entered, so the history stays."""

    __table_args__ = (
        # One live value per target and day: a second click or a second import of the
        # same sheet cannot enter it twice.
        Index(
            "uq_measurement_day",
            "target_id",
            "measured_on",
            unique=True,
            sqlite_where=text("archived_at IS NULL"),
            postgresql_where=text("archived_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    target_id: int = fk("target.id")
    measured_on: date
    value: float
    source: str = Field(default="", max_length=TITLE_MAX)
    entered_by_id: int | None = fk("user.id", nullable=True, ondelete="SET NULL")
    is_example: bool = Field(default=False)
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class MeasurementCreate(Input):
    """A value measured for a target on a day, with where it comes from."""

    target_id: int
    measured_on: date = Field(title="The date")
    value: float = Field(title="The value")
    source: str = Field(default="", title="The source", max_length=TITLE_MAX)
    is_example: bool = False

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, value: object) -> float:
        return _number(value, "The value")

    @field_validator("source", mode="before")
    @classmethod
    def _source(cls, value: object) -> object:
        return "" if missing(value) else value
