"""Which screens each role sees; a page left out here cannot be opened at all."""

from __future__ import annotations

import streamlit as st

from peerlearn.models import User, UserRole

P = "pages/"


def _page(file: str, title: str, icon: str, *, default: bool = False) -> st.Page:
    return st.Page(P + file, title=title, icon=icon, default=default)


def signed_out_pages(first_run: bool) -> list[st.Page]:
    if first_run:
        return [_page("setup.py", "Set up peerlearn", ":material/rocket_launch:", default=True)]
    return [_page("sign_in.py", "Sign in", ":material/login:", default=True)]


def pages_for(user: User) -> dict[str, list[st.Page]]:
    """The navigation of ``user``'s role, grouped into sidebar sections."""
    home = _page("home.py", "Home", ":material/home:", default=True)
    account = _page("account.py", "My account", ":material/person:")
    challenges = _page("challenges.py", "Challenges", ":material/report:")
    roadmaps = _page("roadmaps.py", "Roadmaps", ":material/timeline:")
    if user.role == UserRole.TANDEM:
        return {"": [home], "My tandem": [challenges, roadmaps], "Account": [account]}
    workshop = [
        _page("events.py", "Events", ":material/event:"),
        _page("quizzes.py", "Quizzes", ":material/quiz:"),
        challenges,
        _page("common_challenges.py", "Common challenges", ":material/hub:"),
    ]
    if user.role == UserRole.FACILITATOR:
        return {"": [home], "Workshops": workshop, "Tandems": [roadmaps], "Account": [account]}
    network = [
        _page("network.py", "Network", ":material/public:"),
        roadmaps,
        _page("users.py", "Accounts", ":material/group:"),
    ]
    return {"": [home], "Network": network, "Workshops": workshop, "Account": [account]}
