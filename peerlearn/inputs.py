"""The base of every input model (``XCreate``/``XUpdate`` in models.py).

An input model is what a screen, a bulk editor, an Excel import or the demo hands to a
service. Building one validates it; a mistake raises InvalidInput with the message a
person can act on, naming the field, exactly like the services' own checks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from pydantic import ConfigDict, ValidationError, model_validator
from sqlmodel import SQLModel

from peerlearn.errors import InvalidInput

# Control characters nobody means to type: C0 but tab, newline and carriage return, then
# DEL and C1. PostgreSQL refuses NUL in text outright, so they go before anything is stored
# or looked up.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_controls(text: str) -> str:
    """``text`` without control characters (tabs and line breaks stay): the one rule
    for text typed, pasted or put in an address, used by the input models and
    ``services.text.clean_text``."""
    return CONTROL_CHARACTERS.sub("", text)


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return without_controls(value)
    if type(value) in (list, tuple, set, frozenset):
        return type(value)(_cleaned(item) for item in value)
    if type(value) is dict:
        return {key: _cleaned(item) for key, item in value.items()}
    return value


class Input(SQLModel):
    """Strict: an unknown field is a mistake, and text is stripped before it is checked.

    A field's ``title`` is the label messages use ("The tandem name"); an update applies
    only the fields that were set (``data.model_dump(exclude_unset=True)``), so leaving a
    field out keeps it and giving it as None clears it.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        # Before every field's own checks, so blank-after-stripping is still "blank".
        # A password stays exactly as typed: only its hash is stored, and sign-in
        # checks what was typed.
        if not isinstance(data, dict):
            return data
        return {k: v if k == "password" else _cleaned(v) for k, v in data.items()}

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            first = error.errors()[0]
            field = str(first["loc"][0]) if first["loc"] else None
            raise InvalidInput(message(type(self), first), field=field) from None

    def changes(self) -> dict[str, Any]:
        """The fields that were given: what an update writes."""
        return self.model_dump(exclude_unset=True)


def label(model: type[Input], field: str | None) -> str:
    info = model.model_fields.get(field) if field else None
    if info is not None and info.title:
        return info.title
    return f"The {field.replace('_', ' ')}" if field else "The input"


def message(model: type[Input], error: dict[str, Any]) -> str:
    """One pydantic error in the services' own words."""
    field = str(error["loc"][0]) if error["loc"] else None
    name = label(model, field)
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"There is no field '{field}' here; allowed: {', '.join(model.model_fields)}."
    if kind == "missing":
        return f"{name} is required."
    if kind == "string_too_short":
        return f"{name} must not be blank."
    if kind == "string_too_long":
        length = len(error["input"]) if isinstance(error.get("input"), str) else "too many"
        return f"{name} is {length} characters long; at most {context['max_length']} are allowed."
    if kind == "value_error":
        return str(context.get("error", error["msg"]))
    return f"{name}: {error['msg'].lower()} (got {error.get('input')!r})."


# --- checks the input models share ---------------------------------------------


def one_of(value: object, allowed: Iterable[str], *, label: str) -> str:
    """``value`` as spelled in ``allowed`` (case and spaces ignored), else ValueError."""
    options = [str(a) for a in allowed]
    text = (str(value) if value is not None else "").strip().lower()
    for option in options:
        if text == option.lower():
            return option
    raise ValueError(f"{label} must be one of: {', '.join(options)} (got {value!r}).")


def missing(value: object) -> bool:
    """None, a blank string, NaN, or pandas' NA/NaT: what an empty editor or sheet cell holds."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    # pandas' missing markers, recognised without importing pandas here.
    return type(value).__name__ in ("NAType", "NaTType")


def in_order(start, end, *, what: str) -> None:
    """ValueError when ``end`` comes before ``start`` (either may be missing)."""
    if start is not None and end is not None and end < start:
        raise ValueError(f"{what}: the end ({end}) is before the start ({start}).")


class TwoReadings(ValueError):
    """A number that reads as two different ones ("57,000")."""


def plain_number(text: str, *, label: str, thousands: bool = True) -> float:
    """A number as typed in Europe or in English ("1.234,5", "1,234.5", "60 000").

    The last of a point and a comma is the decimal mark and the other groups thousands;
    several of one kind group thousands. "57,000" reads as 57 in most of Europe and as
    57000 in English: with ``thousands`` (an amount) it is refused with both readings;
    without (a coordinate, never in thousands) a lone comma is the decimal mark.
    ValueError, naming ``label``, for what is not a number.
    """
    text = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if "," in text and "." in text:
        grouping = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(grouping, "").replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        text = text.replace(",", "").replace(".", "")
    elif "," in text:
        whole, _, decimals = text.partition(",")
        if thousands and len(decimals) == 3 and whole.lstrip("-+")[:1] not in ("", "0"):
            raise TwoReadings(
                f"{text!r} could be {whole}.{decimals} or {whole}{decimals}; write it "
                f"without the comma ({whole}{decimals}) or with a point ({whole}.{decimals})."
            )
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{label} must be a number (got {text!r}).") from None
    if not math.isfinite(number):
        raise ValueError(f"{label} must be a number (got {text!r}).")
    return number
