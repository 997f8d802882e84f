"""Widgets every screen shares: running a service call, pickers, empty states."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st
from sqlmodel import Session

from peerlearn.errors import PeerlearnError
from peerlearn.models import User
from peerlearn.services import network as network_service
from peerlearn.ui.db import db

T = TypeVar("T")


def act(action: Callable[[Session], T], *, success: str | None = None) -> T | None:
    """Run a service call in its own session.

    A refused call shows its message with ``st.error`` and returns None (the service
    wrote nothing); a successful one confirms with a toast and returns the result.
    """
    try:
        with db() as session:
            result = action(session)
    except PeerlearnError as error:
        st.error(str(error), icon=":material/error:")
        return None
    if success:
        st.toast(success, icon=":material/check_circle:")
    return result


def act_and_refresh(action: Callable[[Session], object], *, success: str | None = None) -> None:
    """Run a service call and redraw the page when it went through (buttons outside
    forms, whose result the rest of the page must show at once)."""

    def run(session: Session) -> bool:
        action(session)
        return True

    if act(run, success=success):
        st.rerun()


def read(query: Callable[[Session], T]) -> T:
    """Run a read-only service call in its own session."""
    with db() as session:
        return query(session)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def plain(text: str) -> str:
    """User text made safe for labels that render markdown (expanders, captions)."""
    return _MARKDOWN.sub(r"\\\1", text)


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
