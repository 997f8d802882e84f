"""Reading the page address strictly: what a query parameter may hold, or nothing."""

from __future__ import annotations

import re

import streamlit as st

# A positive id that fits a 64-bit integer column: ASCII digits only ("²" is a digit
# to str.isdigit, and 20 nines overflow the database's integer).
_ID = re.compile(r"[1-9][0-9]{0,17}")


def id_param(name: str) -> int | None:
    """The query parameter ``name`` as a row id, or None when absent or malformed."""
    value = st.query_params.get(name, "")
    return int(value) if isinstance(value, str) and _ID.fullmatch(value) else None
