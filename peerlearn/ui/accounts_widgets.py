"""Shared by the Accounts and My account screens: role names, safe markdown, flashes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import streamlit as st

from peerlearn.models import UserRole

ROLE_LABELS = {
    UserRole.COORDINATOR: "Coordinator",
    UserRole.FACILITATOR: "Facilitator",
    UserRole.TANDEM: "Tandem member",
}

# Everything Streamlit's markdown gives a meaning: CommonMark, emoji and icon
# shortcodes (:name:), LaTeX ($) and colour directives ({...}).
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:])")


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, str(role))


def escape_md(text: str) -> str:
    """``text`` for use inside markdown, shown literally."""
    return _MARKDOWN.sub(r"\\\1", text)


def flash(key: str, message: str, *, reset: Mapping[str, Any] | None = None) -> None:
    """Rerun the page so it shows what was just written, then toast ``message``.

    ``reset`` maps widget keys to the values they start the next run with (a form's
    fields, emptied after a successful add). Deleting the keys would not do: the
    browser keeps showing what was typed unless the server sends new values.
    """
    st.session_state[key] = message
    st.session_state[f"{key}_reset"] = dict(reset or {})
    st.rerun()


def show_flash(key: str) -> str | None:
    """Toast the message a previous run left with :func:`flash`; return it.

    Call it before the widgets it resets are drawn.
    """
    for widget_key, value in st.session_state.pop(f"{key}_reset", {}).items():
        st.session_state[widget_key] = value
    message = st.session_state.pop(key, None)
    if message:
        st.toast(message, icon=":material/check_circle:")
    return message
