"""What the demo loader reads: a spec (parsed TOML, or the synthetic generator's
dicts), and the error for a spec that contradicts itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

Spec = dict[str, Any]


class DemoDataError(ValueError):
    """A demo data file contradicts itself: an unknown reference, a duplicate, ..."""


def at(day: date, clock: time) -> datetime:
    """``day`` at ``clock``, in UTC: when a demo row was written."""
    return datetime.combine(day, clock, tzinfo=UTC)
