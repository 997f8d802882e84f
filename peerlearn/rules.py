"""Pure rules that screens, charts and exports share: no database, no Streamlit.

Each rule is written once here and tested on its own (tests/unit/test_rules.py), so the
presenter, the phones, Run live and the Excel summary cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

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

DEFAULT_DOTS = 3
MAX_DOTS = 20


def dots_left(budget: int, placed: int) -> int:
    """Dots still to place: never below zero, even if more were placed before the budget
    was lowered."""
    return max(0, budget - placed)
