"""Pure rules that screens, charts and exports share: no database, no Streamlit.

Each rule is written once here and tested on its own (tests/unit/test_rules.py), so
Home, Roadmaps, the presenter, the phones, Run live and the Excel summary cannot
disagree. This module imports nothing of peerlearn: the models read their defaults here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

# --- a roadmap's red / amber / green ---------------------------------------------------

AMBER_WINDOW = timedelta(days=30)
# MilestoneStatus.DONE's value, spelt here because models.py imports this module.
DONE = "done"


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


RAG_MEANING = {
    Rag.GREEN: "on track",
    Rag.AMBER: f"due within {AMBER_WINDOW.days} days",
    Rag.RED: "overdue or after the deadline",
}
# Strong colours for marks (chart bars); pale fills behind text (table cells, Excel).
RAG_COLOURS = {Rag.GREEN: "#2e8b57", Rag.AMBER: "#e6a100", Rag.RED: "#c0392b"}
RAG_FILLS = {Rag.GREEN: "#d7eedf", Rag.AMBER: "#fbe8c0", Rag.RED: "#f6d0cb"}
_SEVERITY = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}


class Dated(Protocol):
    """A milestone as the rules need it: a table row, a list row or a test double."""

    @property
    def status(self) -> str: ...

    @property
    def due_date(self) -> date: ...


def rag_status(milestone: Dated, deadline: date | None, today: date) -> Rag:
    """Red: not done and overdue or due after the tandem's deadline. Amber: not done and
    due within AMBER_WINDOW. Green otherwise (and always when done)."""
    if milestone.status == DONE:
        return Rag.GREEN
    due = milestone.due_date
    if due < today or (deadline is not None and due > deadline):
        return Rag.RED
    if due <= today + AMBER_WINDOW:
        return Rag.AMBER
    return Rag.GREEN


def tandem_rag(rags: Iterable[str]) -> Rag | None:
    """The worst of a tandem's milestone colours; None for a roadmap with none."""
    found = [Rag(r) for r in rags]
    return max(found, key=_SEVERITY.__getitem__) if found else None


def progress(milestones: Iterable[Dated]) -> float:
    """The share of milestones done, in percent (0 for none); archived ones left out."""
    live = [m for m in milestones if getattr(m, "archived_at", None) is None]
    if not live:
        return 0.0
    done = sum(1 for m in live if m.status == DONE)
    return 100.0 * done / len(live)


# --- live questions -------------------------------------------------------------------

MIN_COUNTDOWN = 5
MAX_COUNTDOWN = 600


def is_closed(closed_at: datetime | None, closes_at: datetime | None, moment: datetime) -> bool:
    """Closed by the facilitator, or its countdown has run out by ``moment``."""
    if closed_at is not None:
        return True
    return closes_at is not None and moment >= closes_at


def closing_time(closes_at: datetime | None, moment: datetime) -> datetime:
    """When a question still open closes if it is closed at ``moment``: at its countdown's
    end when that has passed already, otherwise then."""
    if closes_at is not None and closes_at <= moment:
        return closes_at
    return moment


def question_state(
    opened_at: datetime | None,
    closed_at: datetime | None,
    closes_at: datetime | None,
    revealed_at: datetime | None,
    moment: datetime,
) -> str:
    """'waiting', 'open', 'closed' or 'revealed': what phones and the screen show."""
    if opened_at is None:
        return "waiting"
    if revealed_at is not None:
        return "revealed"
    if is_closed(closed_at, closes_at, moment):
        return "closed"
    return "open"


def seconds_left(closes_at: datetime | None, moment: datetime) -> int | None:
    """Whole seconds until a countdown ends, rounded up (it says 1 until it is over)."""
    if closes_at is None:
        return None
    return max(0, math.ceil((closes_at - moment).total_seconds()))


def valid_countdown(seconds: object) -> bool:
    """A countdown is a whole number of seconds in [MIN_COUNTDOWN, MAX_COUNTDOWN]."""
    return (
        isinstance(seconds, int)
        and not isinstance(seconds, bool)
        and MIN_COUNTDOWN <= seconds <= MAX_COUNTDOWN
    )


# --- counting answers -----------------------------------------------------------------


def share(count: float, answered: float) -> float:
    """The share of the people (or cities) who answered a question that gave an answer:
    4 of 5 people choosing an option is 0.8, however many options each of them picked."""
    return count / answered if answered else 0.0


def number(value: float) -> str:
    """3 → '3'; 2.5 → '2.5' (cities count in shares when their people differ)."""
    return f"{value:.1f}".removesuffix(".0")


# --- ranking ----------------------------------------------------------------------------


def ranks(scores: Sequence[float]) -> list[int]:
    """Competition ranks of ``scores`` sorted best first: ties share a rank and the next
    one skips (10, 8, 8, 5 → 1, 2, 2, 4)."""
    result: list[int] = []
    for n, score in enumerate(scores):
        result.append(result[-1] if n and score == scores[n - 1] else n + 1)
    return result


# --- dot-voting -------------------------------------------------------------------------

DEFAULT_DOTS = 3  # each person's (or city's) dots until Run live sets another number
MAX_DOTS = 20


def dots_left(budget: int, placed: int) -> int:
    """Dots still to place: never below zero, even if more were placed before the budget
    was lowered."""
    return max(0, budget - placed)


# --- how fast one phone may send ----------------------------------------------------------

POST = "post"
ANSWER = "answer"
VOTE = "vote"


@dataclass(frozen=True)
class RateLimit:
    """At most ``actions`` of one kind from one participant in any ``seconds``."""

    actions: int
    seconds: int
    message: str

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.seconds)


# Generous for a person typing or tapping, too slow for a script flooding the wall.
RATE_LIMITS = {
    POST: RateLimit(
        6, 60, "You have posted a lot in a short time: wait a minute before the next post."
    ),
    ANSWER: RateLimit(
        20, 60, "You have sent many answers in a short time: wait a minute before the next one."
    ),
    VOTE: RateLimit(
        60, 60, "You have moved many dots in a short time: wait a minute before the next tap."
    ),
}


def too_fast(recent: int, limit: RateLimit) -> bool:
    """Whether one more action, after ``recent`` in the window, passes the limit."""
    return recent >= limit.actions


# --- the big screen's wall ---------------------------------------------------------------

# The newest posts the projector draws; the rest are counted ("and 12 more").
WALL_SHOWN = 60


# --- signing in -------------------------------------------------------------------------

SIGN_IN_FIRST_WAIT = timedelta(seconds=30)
SIGN_IN_LONGEST_WAIT = timedelta(minutes=15)


def sign_in_wait(failures: int, free: int) -> timedelta:
    """How long after the last failed sign-in the next try waits: nothing for the first
    ``free`` failures, then 30 s, doubling with each failure up to 15 minutes."""
    if failures < free:
        return timedelta(0)
    doublings = min(failures - free, 10)  # 2**10 × 30 s is past the longest wait already
    return min(SIGN_IN_FIRST_WAIT * 2**doublings, SIGN_IN_LONGEST_WAIT)


def wait_in_words(wait: timedelta) -> str:
    """A wait rounded up to whole minutes, as a person reads it: "1 minute", "4 minutes"."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


# --- a target's status ---------------------------------------------------------------


class Direction(StrEnum):
    """Which way a target's indicator should go: up to it, or down to it."""

    AT_LEAST = "at least"
    AT_MOST = "at most"


class TargetStatus(StrEnum):
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    OFF_TRACK = "off track"


# Colours as a roadmap's: on track green, at risk amber, off track red.
TARGET_RAG = {
    TargetStatus.ON_TRACK: Rag.GREEN,
    TargetStatus.AT_RISK: Rag.AMBER,
    TargetStatus.OFF_TRACK: Rag.RED,
}
# On track from 95 % of the pace the straight path asks for; at risk from 60 %.
ON_TRACK_PACE = 0.95
AT_RISK_PACE = 0.6
TARGET_MEANING = {
    TargetStatus.ON_TRACK: "met, or at least 95 % of the way the straight path asks by now",
    TargetStatus.AT_RISK: "behind the straight path: 60 to 95 % of the way it asks by now",
    TargetStatus.OFF_TRACK: (
        "under 60 % of the way the straight path asks by now, moving away from the "
        "target, or not met by its deadline"
    ),
}
_TARGET_SEVERITY = {TargetStatus.ON_TRACK: 0, TargetStatus.AT_RISK: 1, TargetStatus.OFF_TRACK: 2}


def path_start(baseline_year: int) -> date:
    """The day a target's straight path starts: the end of its baseline year (a baseline
    is that year's value)."""
    return date(baseline_year, 12, 31)


def target_problem(
    direction: str, baseline: float, baseline_year: int, target: float, deadline: date
) -> str | None:
    """Why a target cannot be followed, or None: it must lie the way its direction says
    from the baseline, and its deadline after the baseline year."""
    if direction == Direction.AT_LEAST and not target > baseline:
        return (
            f"An 'at least' target must be above its baseline ({number(baseline)}); "
            f"{number(target)} is met already."
        )
    if direction == Direction.AT_MOST and not target < baseline:
        return (
            f"An 'at most' target must be below its baseline ({number(baseline)}); "
            f"{number(target)} is met already."
        )
    if deadline <= path_start(baseline_year):
        return f"The deadline ({deadline}) must come after the baseline year ({baseline_year})."
    return None


def expected_value(
    baseline: float, baseline_year: int, target: float, deadline: date, day: date
) -> float:
    """Where the straight path from the baseline to the target stands on ``day``
    (the baseline before it starts, the target after the deadline)."""
    return baseline + (target - baseline) * _elapsed(baseline_year, deadline, day)


def _elapsed(baseline_year: int, deadline: date, day: date) -> float:
    start = path_start(baseline_year)
    whole = (deadline - start).days
    return min(1.0, max(0.0, (day - start).days / whole)) if whole > 0 else 1.0


@dataclass(frozen=True)
class TargetReading:
    """A target's status read from its latest measurement.

    ``done`` is the share of the way from the baseline to the target measured so far
    (negative when it moved away); ``due`` the share the straight path asks by then;
    ``behind`` how far the measurement is behind the path, as a share of the whole way
    (0 when on or ahead of it): what the network view ranks by.
    """

    status: TargetStatus
    done: float
    due: float
    behind: float
    met: bool


def target_status(
    direction: str,
    baseline: float,
    baseline_year: int,
    target: float,
    deadline: date,
    measurements: Iterable[tuple[date, float]],
    today: date,
) -> TargetReading | None:
    """The status of a target from its latest measurement (None without one).

    On track when the target is met, or the measurement has covered at least
    ON_TRACK_PACE of the way the straight path asks by its date; at risk from
    AT_RISK_PACE; off track below that, when it moved away from the baseline, or when the
    deadline has passed (``today``) and the target is not met.
    """
    latest = max(measurements, default=None, key=lambda m: m[0])
    if latest is None:
        return None
    day, value = latest
    met = value >= target if direction == Direction.AT_LEAST else value <= target
    done = (value - baseline) / (target - baseline)
    due = _elapsed(baseline_year, deadline, day)
    behind = max(0.0, due - done)
    if met:
        status = TargetStatus.ON_TRACK
    elif done < 0 or today > deadline or day > deadline:
        status = TargetStatus.OFF_TRACK
    elif due == 0 or done >= ON_TRACK_PACE * due:
        status = TargetStatus.ON_TRACK
    elif done >= AT_RISK_PACE * due:
        status = TargetStatus.AT_RISK
    else:
        status = TargetStatus.OFF_TRACK
    return TargetReading(status, done, due, 0.0 if met else behind, met)


def target_severity(status: str | None) -> int:
    """Off track 2, at risk 1, on track 0, no measurement -1: for sorting worst first."""
    return _TARGET_SEVERITY.get(TargetStatus(status), -1) if status else -1
