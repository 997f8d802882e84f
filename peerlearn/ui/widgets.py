"""Widgets every screen shares: saving through a service and reading from one (the one
way each, with refusals reported alike), filling edit forms, pickers, empty states,
safe markdown."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

import streamlit as st
from sqlmodel import Session

from peerlearn.errors import PeerlearnError
from peerlearn.models import User
from peerlearn.services import network as network_service
from peerlearn.ui.db import db

T = TypeVar("T")

FLASH = "_flash"  # (message or None, {widget key: value}) left for the next run
NOTE = "_note"  # (kind, message, where) a save in a widget's callback left for the page
FORGET = "\0forget"  # a reset value: drop the key instead of setting it


def refusal(error: PeerlearnError | str) -> None:
    """Say why a service refused, where the call was made: how :func:`save` and
    :func:`read` report every refusal. The message is shown as text: it may quote
    what someone typed."""
    st.error(plain(str(error)), icon=":material/error:")


def save(
    action: Callable[[Session], T],
    *,
    success: str | Callable[[T], str | None] | None = None,
    reset: Mapping[str, Any] | Callable[[T], Mapping[str, Any]] | None = None,
    then: Callable[[T], object] | None = None,
    where: str | None = None,
    fragment: bool = False,
) -> None:
    """Run a service call that writes, in its own session: the one way screens save.

    Refused (a peerlearn error): the service wrote nothing; its message is shown here
    (:func:`refusal`) and save returns, so the form keeps what was typed.

    Went through: the page is redrawn at once, so every list on it shows what was just
    written, and the redrawn page toasts ``success`` (a toast shown before the redraw
    would be lost); like a refusal, it is shown as text. ``reset`` maps widget keys to
    the values the redrawn page starts with (a form emptied after an add; :data:`FORGET`
    drops a key, :func:`refill` and :func:`new_version` build common ones): a key
    already drawn in this run cannot be set any more, and deleting a text field's key
    would not do, as the browser keeps what was typed unless the server sends new
    values. ``success`` and ``reset`` may be functions of the service's result (a
    message that counts what was saved, the id of a new row to select); ``then`` gets
    the result before the redraw, for what is not kept in session state alone (signing
    in, the page's address).

    ``where`` is for a save in a widget's callback (a phone's tap): the run that
    follows a callback is the redraw already, so none is asked for, and the outcome,
    refusal or success, is told in place where the page calls :func:`note`.

    ``fragment`` redraws only the fragment the save was made from, for the big screen,
    which must not fade while it is redrawn (its toast waits for the next whole run).
    """
    try:
        with db() as session:
            result = action(session)
    except PeerlearnError as error:
        if where is None:
            refusal(error)
        else:
            st.session_state[NOTE] = ("error", str(error), where)
        return
    if then is not None:
        then(result)
    message = success(result) if callable(success) else success
    values = dict((reset(result) if callable(reset) else reset) or {})
    if where is not None:
        _apply(values)
        if message:
            st.session_state[NOTE] = ("success", message, where)
        return
    st.session_state[FLASH] = (message, values)
    st.rerun(scope="fragment" if fragment else "app")


def note(where: str) -> bool:
    """Say, once, what the last :func:`save` with this ``where`` left to say; True
    when there was something to say."""
    pending = st.session_state.get(NOTE)
    if not pending or pending[2] != where:
        return False
    st.session_state.pop(NOTE, None)
    kind, text, _ = pending
    if kind == "error":
        refusal(text)
    else:
        st.success(plain(text), icon=":material/check_circle:")
    return True


def _apply(reset: Mapping[str, Any]) -> None:
    for key, value in reset.items():
        if value == FORGET:
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = value


def show_flash() -> str | None:
    """Apply the resets and toast the message the last :func:`save` left.

    The router calls it before the page draws a single widget; it returns the message.
    """
    pending = st.session_state.pop(FLASH, None)
    if pending is None:
        return None
    message, reset = pending
    _apply(reset)
    if message:
        st.toast(plain(message), icon=":material/check_circle:")
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


def read(
    query: Callable[[Session], T], *, refused: Callable[[PeerlearnError], T] | None = None
) -> T:
    """Run a read-only service call in its own session: the one way screens read.

    A refusal (a peerlearn error: not allowed, not found, ended since) is reported as
    :func:`save` reports one, with its message here (:func:`refusal`); the script then
    stops gracefully, what is drawn above the call staying on the page. A page with
    something better to do passes ``refused``: read then shows nothing and returns what
    ``refused`` makes of the error (a fallback, a message kept for later, or a screen
    of its own that ends with ``st.stop()``).
    """
    try:
        with db() as session:
            return query(session)
    except PeerlearnError as error:
        if refused is not None:
            return refused(error)
        refusal(error)
        st.stop()


# What Streamlit's markdown gives a meaning wherever it stands: CommonMark's inline
# syntax, HTML and entities, LaTeX ($), tables (|) and directives (:red[...], {...}).
_INLINE = re.compile(r"([\\`*_{}\[\]<>$&~|])")
# ... and at the start of a line: headings, quotes, lists, rules, setext underlines.
_LINE_START = re.compile(r"^([ \t]*)(?:([#+\-=])|(\d+)([.)]))", re.MULTILINE)
# GitHub-style autolinks (http://…, www.…, name@host), Streamlit's icons
# (:material/name:, :streamlit:) and emoji shortcodes (:smile:, :+1:) are found in the
# text after escapes are resolved, so backslashes do not stop them; a word joiner
# (invisible, no line break) does.
_AUTOLINK = re.compile(
    r"(?i)\b(?:https?|ftp|mailto|xmpp)(?=:)|\bwww(?=\.)|(?=@)|:(?=[a-z]|[\w+\-]+:)"
)
_JOINER = "\u2060"


def _line_start(match: re.Match) -> str:
    indent, mark, number, closing = match.groups()
    return f"{indent}\\{mark}" if mark else f"{indent}{number}\\{closing}"


def plain(text: str) -> str:
    """Stored text, anyone's, made safe for anything that renders markdown (st.markdown,
    headers, captions, alerts, toasts, and the labels and options of widgets): shown
    as typed, and no address becomes a link, nothing an icon. Only what would mean
    something is escaped, so a plain sentence stays as it is."""
    defused = _AUTOLINK.sub(lambda match: match.group(0) + _JOINER, text)
    return _LINE_START.sub(_line_start, _INLINE.sub(r"\\\1", defused))


# What a link's address keeps as it is; brackets, quotes and spaces are percent-encoded,
# so no address can end the markdown link early or open another.
_URL_SAFE = "/:?#&=%+@!$',;~*-._"


def link(title: str, url: str) -> str:
    """A markdown link to ``url`` (an http(s) address checked on input) whose ``title``,
    anyone's text, shows as typed."""
    return f"[{plain(title)}]({quote(url, safe=_URL_SAFE)})"


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
        # Set, not dropped: the browser still shows the choice from the old options
        # (another network's tandem) unless the server sends it the new one.
        st.session_state[key] = None if allow_none else options[0]
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
