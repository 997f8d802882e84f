"""What an unexpected error shows: a short, polite message with an incident id, while
the whole trace goes to the server's log under the same id. The browser never sees a
trace (it holds server paths, SQL and data); the id lets the log be found.

Streamlit's own control flow (st.stop, st.rerun, st.switch_page) raises exceptions
that are not ``Exception``s, so they pass through untouched.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.exc import InterfaceError, OperationalError
from streamlit.errors import FragmentHandledException

log = logging.getLogger(__name__)

MESSAGE = (
    "Something went wrong on our side. Please try again in a moment; if it happens "
    "again, give the organisers this reference: {id}."
)
# The database restarting, or its network gone: nothing to fix on this side, and the
# next try after it is back goes through (the pool checks a connection before use).
UNREACHABLE = (
    "The database is not answering just now, so this could not be saved or shown. It is "
    "usually back within a minute: please try again then. Reference: {id}."
)


def _unreachable(error: BaseException) -> bool:
    return isinstance(error, OperationalError | InterfaceError) or bool(
        getattr(error, "connection_invalidated", False)
    )


def report(error: BaseException) -> str:
    """Log ``error`` with its trace under a new incident id, show the polite message,
    and return the id."""
    incident = secrets.token_hex(4)
    log.error("Incident %s", incident, exc_info=error, extra={"incident": incident})
    text = UNREACHABLE if _unreachable(error) else MESSAGE
    st.error(text.format(id=incident), icon=":material/error:")
    return incident


@contextmanager
def guarded() -> Iterator[None]:
    """Run the block; an unexpected error in it ends it with the incident message."""
    try:
        yield
    except FragmentHandledException:
        # A fragment's error that Streamlit (and ``on_script_error``) already showed.
        raise
    except Exception as error:
        report(error)


def on_script_error(error: Exception) -> bool:
    """The server's last net (``st.App(on_script_error=...)``): errors outside a guarded
    page run, such as in a fragment's own rerun or a widget's callback. True tells
    Streamlit not to show its own message."""
    report(error)
    return True
