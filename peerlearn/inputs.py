"""The base of every input model (``XCreate``/``XUpdate`` in models.py).

An input model is what a screen, a bulk editor, an Excel import or the demo hands to a
service. Building one validates it; a mistake raises InvalidInput with the message a
person can act on, naming the field, exactly like the services' own checks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from pydantic import ConfigDict, ValidationError
from sqlmodel import SQLModel

from peerlearn.errors import InvalidInput


class Input(SQLModel):
    """Strict: an unknown field is a mistake, and text is stripped before it is checked.

    A field's ``title`` is the label messages use ("The tandem name"); an update applies
    only the fields that were set (``data.model_dump(exclude_unset=True)``), so leaving a
    field out keeps it and giving it as None clears it.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

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
