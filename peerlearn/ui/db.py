"""The one way pages reach the database: a cached engine and a session per operation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from peerlearn import audit
from peerlearn.db import make_engine, session_scope, upgrade

# Who this browser session's writes are recorded as: peerlearn.ui.auth sets it on
# every run, from the sign-in it has just checked.
ACTOR_KEY = "_acting_user_id"


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
    with session_scope(get_engine()) as session:
        audit.record_as(session, st.session_state.get(ACTOR_KEY))
        yield session
