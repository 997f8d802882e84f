"""Widgets every screen shares: running a service call, the flash after a save,
filling edit forms, pickers, empty states, safe markdown."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn, TypeVar

import streamlit as st
from sqlmodel import Session

from peerlearn.errors import PeerlearnError
from peerlearn.models import User
from peerlearn.services import network as network_service
from peerlearn.ui.db import db

T = TypeVar("T")

FLASH = "_flash"  # (message or None, {widget key: value}) left for the next run
FORGET = "\0forget"  # a reset value: drop the key instead of setting it


def act(
    action: Callable[[Session], T],
    *,
    success: str | None = None,
    reset: Mapping[str, Any] | None = None,
    rerun: bool = False,
) -> T | None:
    """Run a service call in its own session.

    A refused call shows its message with ``st.error`` and returns None (the service
    wrote nothing, and the form keeps what was typed).

    A successful one, by default, confirms with a toast and returns the result. With
    ``rerun=True`` or a ``reset`` it instead redraws the page at once (see
    :func:`flash`), so every list on it shows what was just written and the form's
    fields start from ``reset``; it does not return then.
    """
    try:
        with db() as session:
            result = action(session)
    except PeerlearnError as error:
        st.error(str(error), icon=":material/error:")
        return None
    if rerun or reset is not None:
        flash(success, reset=reset)
    if success:
        st.toast(success, icon=":material/check_circle:")
    return result


def act_and_refresh(action: Callable[[Session], object], *, success: str | None = None) -> None:
    """Run a service call and redraw the page when it went through (buttons outside
    forms, whose result the rest of the page must show at once)."""
    act(action, success=success, rerun=True)


def flash(message: str | None = None, *, reset: Mapping[str, Any] | None = None) -> NoReturn:
    """Redraw the page now; the next run toasts ``message`` before anything is drawn.

    ``reset`` maps widget keys to the values they start the next run with (a form's
    fields, emptied after a successful add); the value :data:`FORGET` drops a key
    (an edit form's fill marker, a table's selection). Deleting a text field's key
    would not do: the browser keeps showing what was typed unless the server sends
    new values. A toast shown before ``st.rerun`` would be lost, hence the detour.
    """
    st.session_state[FLASH] = (message, dict(reset or {}))
    st.rerun()


def show_flash() -> str | None:
    """Apply the resets and toast the message a previous run left with :func:`flash`.

    The router calls it before the page draws a single widget; it returns the message.
    """
    pending = st.session_state.pop(FLASH, None)
    if pending is None:
        return None
    message, reset = pending
    for key, value in reset.items():
        if value == FORGET:
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = value
    if message:
        st.toast(message, icon=":material/check_circle:")
    return message


def prefill(form: str, ident: object, values: Mapping[str, Any]) -> None:
    """Fill a form's widgets from the row it edits (``values``: widget key → value).

    Done whenever another row is chosen (``ident``), the first time the form is
    drawn, and after :func:`refill`; in between, the widgets keep what the person
    types. The widgets themselves then take no ``value=``/``index=`` of their own.
    """
    marker = f"{form}__filled"
    stale = marker not in st.session_state or st.session_state[marker] != ident
    if stale or any(key not in st.session_state for key in values):
        st.session_state[marker] = ident
        for key, value in values.items():
            st.session_state[key] = value


def refill(*forms: str) -> dict[str, str]:
    """A ``reset`` that makes :func:`prefill` fill ``forms`` afresh on the next run."""
    return {f"{form}__filled": FORGET for form in forms}


def versioned_key(key: str) -> str:
    """The key of a table widget (data editor, selectable dataframe) that
    :func:`new_version` starts afresh; its first version is ``key`` itself."""
    version = st.session_state.get(f"{key}__version", 0)
    return key if not version else f"{key}_{version}"


def new_version(key: str) -> dict[str, int]:
    """A ``reset`` that gives the table widget ``key`` a new, empty state (edits and
    selections of a browser table cannot be set from the server, only dropped)."""
    return {f"{key}__version": st.session_state.get(f"{key}__version", 0) + 1}


def read(query: Callable[[Session], T]) -> T:
    """Run a read-only service call in its own session."""
    with db() as session:
        return query(session)


# Everything Streamlit's markdown gives a meaning: CommonMark, HTML entities, emoji and
# icon shortcodes (:name:), LaTeX ($) and colour directives ({...}).
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&])")
# GitHub-style autolinks (http://…, www.…, name@host) are found in the text after
# escapes are resolved, so backslashes do not stop them; a word joiner (invisible,
# no line break) does.
_AUTOLINK = re.compile(r"(?i)\b(?:https?|ftp|mailto|xmpp)(?=:)|\bwww(?=\.)|(?=@)")
_JOINER = "\u2060"


def plain(text: str) -> str:
    """User text made safe for anything that renders markdown (labels, captions,
    toasts, messages): shown literally, and no address becomes a link."""
    defused = _AUTOLINK.sub(lambda match: match.group(0) + _JOINER, text)
    return _MARKDOWN.sub(r"\\\1", defused)


def empty_state(message: str) -> None:
    st.info(message, icon=":material/lightbulb:")


def pick(
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    format_func: Callable[[Any], str] = str,
    placeholder: str = "Choose…",
    allow_none: bool = False,
) -> Any:
    """A selectbox that remembers its choice across pages (via ``key``)."""
    options = list(options)
    if not options:
        return None
    index = None if allow_none else 0
    if st.session_state.get(key) not in options:
        st.session_state.pop(key, None)
    return st.selectbox(
        label, options, index=index, key=key, format_func=format_func, placeholder=placeholder
    )


def pick_network(user: User, *, key: str = "network_id", sidebar: bool = False) -> int | None:
    """The network the screen shows; None (with a hint) when there is none yet."""
    networks = read(lambda s: network_service.list_networks(s, actor=user))
    if not networks:
        return None
    names = {n.id: n.name for n in networks}
    if sidebar:
        with st.sidebar:
            return pick("Network", list(names), key=key, format_func=names.get)
    return pick("Network", list(names), key=key, format_func=names.get)
