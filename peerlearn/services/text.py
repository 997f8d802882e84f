"""Checking what people type outside the input models: trimmed text, one of a list."""

from __future__ import annotations

from collections.abc import Iterable

from peerlearn.errors import InvalidInput
from peerlearn.inputs import one_of, without_controls


def clean_text(
    value: str | None, *, label: str, max_len: int, required: bool = True, field: str | None = None
) -> str:
    """Strip ``value`` (and its control characters); refuse it when blank (if required)
    or longer than ``max_len``."""
    text = without_controls(value or "").strip()
    if required and not text:
        raise InvalidInput(f"{label} must not be blank.", field=field)
    if len(text) > max_len:
        raise InvalidInput(
            f"{label} is {len(text)} characters long; at most {max_len} are allowed.", field=field
        )
    return text


def choice(value: str | None, allowed: Iterable[str], *, label: str, field: str | None = None):
    """``value`` if it is one of ``allowed``; otherwise a message listing them (the input
    models' own rule, for the setters that take a single value)."""
    try:
        return one_of(value, allowed, label=label)
    except ValueError as error:
        raise InvalidInput(str(error), field=field) from None
