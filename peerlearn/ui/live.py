"""What the live screens share: the snapshot and charts of the session's current
version (built once for every viewer of it), the join URL and its QR code, large type
for the projector."""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

import segno
import streamlit as st

from peerlearn.live import clock
from peerlearn.live import snapshot as snapshots
from peerlearn.ui.widgets import read

PUBLIC_URL = "PEERLEARN_PUBLIC_URL"
# Snapshots and charts of recent versions kept in memory, for all sessions together.
VERSIONS_KEPT = 64


def version_of(session_id: int) -> clock.Version | None:
    """The session's version now: one indexed read."""
    return read(lambda s: clock.read(s, session_id))


def _key(version: clock.Version | None, view: str) -> tuple[int, int, int]:
    """Which snapshot a view of ``version`` needs. A phone shows no counts while the
    room answers or votes (only once a question closes or voting ends, which moves
    the stage), so phones share one snapshot per stage: a burst of answers does not
    rebuild it for every phone that redraws after its own tap."""
    if version is None:
        return -1, -1, 0
    data = version.data if view == "screen" else -1
    return version.stage, data, int(version.closed(datetime.now(UTC)))


@st.cache_resource(max_entries=VERSIONS_KEPT, show_spinner=False)
def _snapshot(session_id: int, stage: int, data: int, closed: int) -> snapshots.Snapshot:
    # cache_resource hands every viewer the same object (cache_data would copy it on
    # every hit); nothing changes a snapshot once it is built.
    return read(lambda s: snapshots.snapshot(s, session_id=session_id))


def snapshot(
    session_id: int, *, view: str = "screen"
) -> tuple[snapshots.Snapshot, clock.Version | None]:
    """The session as ``view`` ("screen" or "phone") shows it now, and the version.

    Built once per version for every screen of this server; a session that never
    went live has no version and is read afresh.
    """
    version = version_of(session_id)
    if version is None:
        return read(lambda s: snapshots.snapshot(s, session_id=session_id)), None
    return _snapshot(session_id, *_key(version, view)), version


@st.cache_resource(max_entries=VERSIONS_KEPT, show_spinner=False)
def _leaderboard(session_id: int, revealed: tuple[tuple[int, str], ...]):
    return read(lambda s: snapshots.leaderboard(s, session_id=session_id))


def leaderboard(snap: snapshots.Snapshot):
    """(by city, by name) for the snapshot's revealed questions, read once per set of
    revealed questions."""
    return _leaderboard(snap.session_id, snap.revealed)


@st.cache_resource(max_entries=VERSIONS_KEPT * 4, show_spinner=False)
def _chart(session_id: int, key: tuple, name: str, _build: Callable[[], object]) -> dict:
    # ``_build`` is left out of the cache key (its leading underscore): ``name`` says
    # which chart it makes.
    return _build().to_dict()


def chart(snap: snapshots.Snapshot, name: str, build: Callable[[], object]) -> None:
    """Draw the Altair chart ``build()`` makes, made once per version and ``name``
    (which chart, at which size) for every viewer: its Vega-Lite spec is kept."""
    key = (snap.stage, snap.data, snap.question.state if snap.question else "")
    spec = _chart(snap.session_id, key, name, build) if snap.stage else build().to_dict()
    st.vega_lite_chart(spec, width="stretch")


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


def local_only(url: str) -> bool:
    """True when phones in the room cannot reach ``url`` (this computer's own name)."""
    host = (urlsplit(url).hostname or "").lower()
    return host in {"localhost", "127.0.0.1", "::1", "0.0.0.0"} or host.endswith(".localhost")


def join_url(code: str) -> str:
    return f"{base_url()}/join?{urlencode({'code': code})}"


@st.cache_data(show_spinner=False, max_entries=32)
def qr_data_uri(url: str, scale: int = 10) -> str:
    return segno.make(url, error="m").png_data_uri(scale=scale, border=2)


def qr_image(url: str, width: int) -> None:
    st.image(qr_data_uri(url), width=width)


def big(text: str, *, size: float = 3.0, weight: int = 600, muted: bool = False) -> None:
    """Large type for the projector. ``text`` is escaped: user text is never markup,
    and a long word with no spaces wraps inside its card."""
    colour = "color: rgba(49, 51, 63, 0.6);" if muted else ""
    st.html(
        f'<div style="font-size:{size}rem;font-weight:{weight};line-height:1.2;'
        f'overflow-wrap:anywhere;{colour}">'
        f"{html.escape(text)}</div>"
    )


def code_block(code: str, *, size: float = 5.0) -> None:
    """The join code in spaced-out monospace, as people read it off the wall."""
    st.html(
        f'<div style="font-family:monospace;font-size:{size}rem;font-weight:700;'
        f'letter-spacing:0.2em;white-space:nowrap">{html.escape(code)}</div>'
    )


def coverage(snap: snapshots.Snapshot) -> str:
    question = snap.question
    present = len(snap.cities)
    if question is None:
        return ""
    people = "person" if question.answers == 1 else "people"
    counted = f"{question.answers} {'cities' if snap.count_mode == 'per city' else people}"
    if present:
        return f"{question.cities_answered} of {present} cities answered · {counted} counted"
    return f"{counted} counted"


# Streamlit greys out what a rerun has not redrawn yet; a live screen redraws in place
# and must not fade or flicker while it does.
_STEADY = (
    "[data-stale='true'],[data-stale='true'] *{opacity:1 !important;transition:none !important}"
)


def steady() -> None:
    """Keep the page from fading while it redraws."""
    st.html(f"<style>{_STEADY}</style>")


def hide_chrome() -> None:
    """The presenter view has no sidebar or header: the room sees only the session."""
    st.html(
        "<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],"
        "header[data-testid='stHeader']{display:none}"
        f".block-container{{padding-top:1.5rem;max-width:100%}}{_STEADY}</style>"
    )
