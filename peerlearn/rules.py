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
