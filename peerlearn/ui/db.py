"""The one way pages reach the database: a cached engine and a session per operation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from peerlearn import audit
from peerlearn.db import make_engine, session_scope, upgrade


@st.cache_resource(show_spinner="Preparing the database…")
def get_engine() -> Engine:
    """One engine per process; the first start creates and migrates the database."""
    engine = make_engine()
    upgrade(engine)
    return engine


@contextmanager
def db() -> Iterator[Session]:
    """A session for one operation; what it writes is recorded in the audit trail as
    done by whoever is signed in (phones and signed-out pages are not recorded)."""
    from peerlearn.ui.auth import USER_KEY  # auth reaches the database through here

    with session_scope(get_engine()) as session:
        audit.record_as(session, st.session_state.get(USER_KEY))
        yield session
