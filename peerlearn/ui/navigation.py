"""Which screens each role sees; a page left out here cannot be opened at all."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from peerlearn.db import PROJECT_ROOT
from peerlearn.models import User, UserRole
from peerlearn.ui.incidents import guarded

P = "pages/"

# Per script thread: whether the page now running was started by the router.
_routing = threading.local()
# Set while a session is being sent back through the router; the router clears it.
_SENT_BACK = "navigation.sent_back"


@contextmanager
def routed() -> Iterator[None]:
    """Mark the page run inside as coming through the router (``streamlit_app.py``);
    an unexpected error in it shows the incident message, never a trace."""
    st.session_state.pop(_SENT_BACK, None)
    _routing.active = True
    try:
        with guarded():
            yield
    finally:
        _routing.active = False


def ensure_router() -> None:
    """Send a page run outside the router back through ``streamlit_app.py``.

    A server on which no session has called ``st.navigation`` yet treats ``pages/`` as
    old-style automatic pages, so a deep link as its very first request runs the page
    file alone, without the role-built navigation. Every page calls this first.
    Streamlit documents that once any session calls ``st.navigation`` the app ignores
    ``pages/`` in all sessions: so call it here, with every page file under its own
    address (the page asked for keeps its address), and rerun; the router then
    resolves the same address with the role's pages. A page that is itself the main
    script (no router to go back to) is sent back once, then runs on alone.
    """
    if getattr(_routing, "active", False) or st.session_state.get(_SENT_BACK):
        return
    st.session_state[_SENT_BACK] = True
    files = sorted((PROJECT_ROOT / P).glob("*.py"))
    st.navigation([st.Page(file) for file in files], position="hidden")
    st.rerun()


def _page(
    file: str, title: str, icon: str, *, default: bool = False, hidden: bool = False
) -> st.Page:
    visibility = "hidden" if hidden else "visible"
    return st.Page(P + file, title=title, icon=icon, default=default, visibility=visibility)


def join_page(*, hidden: bool = False) -> st.Page:
    """Participants' page: open to everyone, reached from the QR code or the join URL."""
    return _page("join.py", "Join a session", ":material/qr_code_2:", hidden=hidden)


def presenter_page() -> st.Page:
    """The big screen: opened by its address, which carries its own key (no sign-in)."""
    return _page("presenter.py", "Presenter view", ":material/tv:", hidden=True)


def signed_out_pages(first_run: bool) -> list[st.Page]:
    if first_run:
        return [_page("setup.py", "Set up peerlearn", ":material/rocket_launch:", default=True)]
    sign_in = _page("sign_in.py", "Sign in", ":material/login:", default=True)
    return [sign_in, join_page(), presenter_page()]


def pages_for(user: User) -> dict[str, list[st.Page]]:
    """The navigation of ``user``'s role, grouped into sidebar sections."""
    home = _page("home.py", "Home", ":material/home:", default=True)
    account = _page("account.py", "My account", ":material/person:")
    challenges = _page("challenges.py", "Challenges", ":material/report:")
    roadmaps = _page("roadmaps.py", "Roadmaps", ":material/timeline:")
    targets = _page("targets.py", "Targets", ":material/flag:")
    solutions = _page("solutions.py", "Solutions", ":material/map:")
    join, presenter = join_page(hidden=True), presenter_page()
    account_pages = [account, join, presenter]
    export = _page("export.py", "Export", ":material/download:")
    imports = _page("imports.py", "Import", ":material/upload_file:")
    if user.role == UserRole.TANDEM:
        return {
            "": [home],
            "My tandem": [challenges, roadmaps, targets, solutions, export, imports],
            "Account": account_pages,
        }
    workshop = [
        _page("events.py", "Events", ":material/event:"),
        _page("quizzes.py", "Quizzes", ":material/quiz:"),
        _page("live.py", "Run live", ":material/cast:"),
        challenges,
        _page("common_challenges.py", "Common challenges", ":material/hub:"),
    ]
    if user.role == UserRole.FACILITATOR:
        return {
            "": [home],
            "Workshops": workshop,
            "Tandems": [roadmaps, targets, solutions],
            "Reports": [export],
            "Account": account_pages,
        }
    network = [
        _page("network.py", "Network", ":material/public:"),
        roadmaps,
        targets,
        solutions,
        _page("users.py", "Accounts", ":material/group:"),
        _page("audit.py", "Audit trail", ":material/history:"),
    ]
    reports = [export, imports]
    return {
        "": [home],
        "Network": network,
        "Workshops": workshop,
        "Reports": reports,
        "Account": account_pages,
    }
