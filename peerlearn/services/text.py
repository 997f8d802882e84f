"""Checking what people type: trimmed text within a length, one of a list, dates in order."""

from __future__ import annotations

from collections.abc import Iterable

from peerlearn.errors import InvalidInput


def clean_text(
    value: str | None, *, label: str, max_len: int, required: bool = True, field: str | None = None
) -> str:
    """Strip ``value``; refuse it when blank (if required) or longer than ``max_len``."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{label} must not be blank.", field=field)
    if len(text) > max_len:
        raise InvalidInput(
            f"{label} is {len(text)} characters long; at most {max_len} are allowed.", field=field
        )
    return text


def choice(value: str | None, allowed: Iterable[str], *, label: str, field: str | None = None):
    """``value`` if it is one of ``allowed``; otherwise a message listing them."""
    allowed = [str(a) for a in allowed]
    text = (str(value) if value is not None else "").strip().lower()
    for option in allowed:
        if text == option.lower():
            return option
    raise InvalidInput(
        f"{label} must be one of: {', '.join(allowed)} (got {value!r}).", field=field
    )
