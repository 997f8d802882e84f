"""What the live screens share: the cached snapshot, the join URL and its QR code,
large type for the projector, and who a browser is (for slowing down wrong codes)."""

from __future__ import annotations

import html
import os
from urllib.parse import urlencode, urlsplit

import segno
import streamlit as st

from peerlearn.services import live_results
from peerlearn.ui.widgets import read

PUBLIC_URL = "PEERLEARN_PUBLIC_URL"
# The presenter polls every second, phones every 2.5 s; one snapshot per second is
# shared by all of them, so two hundred phones cost the database one query set.
SNAPSHOT_TTL = 1.0
PRESENTER_TICK = 1.0
PHONE_TICK = 2.5


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False, max_entries=64)
def snapshot(session_id: int) -> live_results.Snapshot:
    return read(lambda s: live_results.snapshot(s, session_id=session_id))


def base_url() -> str:
    """Where phones reach this app: PEERLEARN_PUBLIC_URL, else the address in use."""
    configured = os.environ.get(PUBLIC_URL, "").strip()
    if configured:
        return configured.rstrip("/")
    current = st.context.url or ""
    parts = urlsplit(current)
    if parts.scheme and parts.netloc:
        # Keep a path prefix (a proxy's base path) but drop the page's own name.
        prefix = parts.path.rsplit("/", 1)[0]
        return f"{parts.scheme}://{parts.netloc}{prefix}"
    return "http://localhost:8501"


def join_url(code: str) -> str:
    return f"{base_url()}/join?{urlencode({'code': code})}"


@st.cache_data(show_spinner=False, max_entries=32)
def qr_data_uri(url: str, scale: int = 10) -> str:
    return segno.make(url, error="m").png_data_uri(scale=scale, border=2)


def qr_image(url: str, width: int) -> None:
    st.image(qr_data_uri(url), width=width)


def client_key() -> str:
    """One browser: its XSRF cookie (stable across reloads), else its address."""
    cookie = st.context.cookies.get("_streamlit_xsrf") if st.context.cookies else None
    if isinstance(cookie, str) and cookie:
        return "c:" + cookie[-40:]
    address = st.context.ip_address
    return "ip:" + (address if isinstance(address, str) else "unknown")


def big(text: str, *, size: float = 3.0, weight: int = 600, muted: bool = False) -> None:
    """Large type for the projector. ``text`` is escaped: user text is never markup."""
    colour = "color: rgba(49, 51, 63, 0.6);" if muted else ""
    st.html(
        f'<div style="font-size:{size}rem;font-weight:{weight};line-height:1.2;{colour}">'
        f"{html.escape(text)}</div>"
    )


def code_block(code: str, *, size: float = 5.0) -> None:
    """The join code in spaced-out monospace, as people read it off the wall."""
    st.html(
        f'<div style="font-family:monospace;font-size:{size}rem;font-weight:700;'
        f'letter-spacing:0.2em;white-space:nowrap">{html.escape(code)}</div>'
    )


def coverage(snap: live_results.Snapshot) -> str:
    question = snap.question
    present = len(snap.cities)
    if question is None:
        return ""
    people = "person" if question.answers == 1 else "people"
    counted = f"{question.answers} {'cities' if snap.count_mode == 'per city' else people}"
    if present:
        return f"{question.cities_answered} of {present} cities answered · {counted} counted"
    return f"{counted} counted"


def hide_chrome() -> None:
    """The presenter view has no sidebar or header: the room sees only the session."""
    st.html(
        "<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],"
        "header[data-testid='stHeader']{display:none}"
        ".block-container{padding-top:1.5rem;max-width:100%}</style>"
    )
