"""What the live screens share: the cached snapshot and leaderboard, the join URL and
its QR code, large type for the projector, and who a browser is (for slowing down
wrong codes)."""

from __future__ import annotations

import hashlib
import html
import os
from urllib.parse import urlencode, urlsplit

import segno
import streamlit as st

from peerlearn.services import live_results
from peerlearn.ui.widgets import read

PUBLIC_URL = "PEERLEARN_PUBLIC_URL"
# The presenter polls every second, Run live every 2 s, phones every 2.5 s; one
# snapshot per second is shared by all of them, so two hundred phones cost the
# database one query set.
SNAPSHOT_TTL = 1.0
PRESENTER_TICK = 1.0
RUN_LIVE_TICK = 2.0
PHONE_TICK = 2.5
# The leaderboard changes only when a question is revealed (or a quiz starts afresh),
# and both change the key it is cached under; the ttl is a backstop.
LEADERBOARD_TTL = 30.0


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False, max_entries=64)
def snapshot(session_id: int) -> live_results.Snapshot:
    return read(lambda s: live_results.snapshot(s, session_id=session_id))


def forget_snapshot(session_id: int) -> None:
    """Drop the cached snapshot after a facilitator's change, so the next draw (of
    every screen) shows it at once instead of up to a second later."""
    snapshot.clear(session_id)


@st.cache_data(ttl=LEADERBOARD_TTL, show_spinner=False, max_entries=64)
def _leaderboard(session_id: int, revealed: tuple[tuple[int, str], ...]):
    return read(lambda s: live_results.leaderboard(s, session_id=session_id))


def leaderboard(snap: live_results.Snapshot):
    """(by city, by name) for the snapshot's revealed questions, cached per set of
    revealed questions: a presenter's tick does not query it."""
    return _leaderboard(snap.session_id, snap.revealed)


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


def client_address() -> str | None:
    """The browser's network address, when Streamlit knows it."""
    try:
        address = st.context.ip_address
    except Exception:  # no browser behind this run
        return None
    return address if isinstance(address, str) and address else None


def browser_key(xsrf_cookie: str | None) -> str | None:
    """A stable key for one browser from Streamlit's XSRF cookie, or None.

    The server masks the cookie's token afresh on every page load ("2|mask|masked|time"),
    so the cookie's text changes with each reload; its unmasked token does not.
    """
    if not isinstance(xsrf_cookie, str) or not xsrf_cookie:
        return None
    parts = xsrf_cookie.split("|")
    token = xsrf_cookie.encode()
    if len(parts) == 4 and parts[0] == "2":
        try:
            mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
        except ValueError:
            mask = masked = b""
        if mask and masked:
            token = bytes(b ^ mask[n % len(mask)] for n, b in enumerate(masked))
    return "c:" + hashlib.sha256(token).hexdigest()[:40]


def client_key() -> str:
    """One browser: its XSRF token (stable across reloads), else its address."""
    try:
        cookie = st.context.cookies.get("_streamlit_xsrf") if st.context.cookies else None
    except Exception:  # no browser behind this run
        cookie = None
    return browser_key(cookie) or "ip:" + (client_address() or "unknown")


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
