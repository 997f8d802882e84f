"""peerlearn's server: the Streamlit app (``streamlit_app.py``) with the one route the
live screens wait on until their session moves (peerlearn.live.changes).

Started by ``streamlit run app.py`` (the README's first command), or by any ASGI
server: ``uvicorn app:app``.
"""

import streamlit as st
from streamlit import config

from peerlearn.db import make_engine
from peerlearn.live.changes import Watcher, lifespan, route
from peerlearn.ui.incidents import on_script_error

_engine = None


def _watcher_engine():
    """The watcher's own engine, made on first use (in the server, not at import)."""
    global _engine
    if _engine is None:
        _engine = make_engine()
    return _engine


watcher = Watcher(_watcher_engine)
app = st.App(
    "streamlit_app.py",
    routes=[route(watcher, config.get_option("server.baseUrlPath") or "")],
    lifespan=lifespan(watcher),
    # Page runs show their own incident message (the router); this catches the rest.
    on_script_error=on_script_error,
)
