"""Which screens each role sees, and that no role reaches a screen outside its navigation.

The router (streamlit_app.py) builds st.navigation from the role; each page's
``require_user(...)`` is the second lock when a page file is run some other way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit.testing.v1.local_script_runner as local_script_runner
from sqlmodel import Session, select
from streamlit.proto.Navigation_pb2 import Navigation
from streamlit.testing.v1 import AppTest

from peerlearn.models import User, UserRole
from tests.ui.conftest import APP, hold_sign_in, user_of

ROOT = Path(APP).parent
DENIED = "Your role does not give access to this page."

# (section, title, file) in sidebar order, written out by hand on purpose: a change
# to peerlearn/ui/navigation.py must show up here as a decision, not pass silently.
EXPECTED = {
    "tandem": [
        ("", "Home", "home.py"),
        ("My tandem", "Challenges", "challenges.py"),
        ("My tandem", "Roadmaps", "roadmaps.py"),
        ("My tandem", "Targets", "targets.py"),
        ("My tandem", "Solutions", "solutions.py"),
        ("My tandem", "Export", "export.py"),
        ("My tandem", "Import", "imports.py"),
        ("Account", "My account", "account.py"),
    ],
    "facilitator": [
        ("", "Home", "home.py"),
        ("Workshops", "Events", "events.py"),
        ("Workshops", "Quizzes", "quizzes.py"),
        ("Workshops", "Run live", "live.py"),
        ("Workshops", "Challenges", "challenges.py"),
        ("Workshops", "Common challenges", "common_challenges.py"),
        ("Tandems", "Roadmaps", "roadmaps.py"),
        ("Tandems", "Targets", "targets.py"),
        ("Tandems", "Solutions", "solutions.py"),
        ("Reports", "Export", "export.py"),
        ("Account", "My account", "account.py"),
    ],
    "coordinator": [
        ("", "Home", "home.py"),
        ("Network", "Network", "network.py"),
        ("Network", "Roadmaps", "roadmaps.py"),
        ("Network", "Targets", "targets.py"),
        ("Network", "Solutions", "solutions.py"),
        ("Network", "Accounts", "users.py"),
        ("Network", "Audit trail", "audit.py"),
        ("Workshops", "Events", "events.py"),
        ("Workshops", "Quizzes", "quizzes.py"),
        ("Workshops", "Run live", "live.py"),
        ("Workshops", "Challenges", "challenges.py"),
        ("Workshops", "Common challenges", "common_challenges.py"),
        ("Reports", "Export", "export.py"),
        ("Reports", "Import", "imports.py"),
        ("Account", "My account", "account.py"),
    ],
}
# Reached by address only (the presenter view from "Run live", the join page from
# the QR code): out of the sidebar, but open to these roles.
HIDDEN = {
    "tandem": ["presenter.py", "join.py"],
    "facilitator": ["presenter.py", "join.py"],
    "coordinator": ["presenter.py", "join.py"],
}
SIGNED_IN_PAGES = sorted({file for pages in EXPECTED.values() for _, _, file in pages})
ROLE_PAGES = [(role, file) for role, pages in EXPECTED.items() for _, _, file in pages]
OUTSIDE = [
    (role, file)
    for role, pages in EXPECTED.items()
    for file in SIGNED_IN_PAGES
    if file not in {f for _, _, f in pages} | set(HIDDEN[role])
]


@pytest.fixture
def navigation(monkeypatch):
    """The Navigation messages the router sent to the browser, last one last."""
    sent: list[Navigation] = []
    parse = local_script_runner.parse_tree_from_messages

    def record(messages):
        sent.extend(m.navigation for m in messages if m.WhichOneof("type") == "navigation")
        return parse(messages)

    monkeypatch.setattr(local_script_runner, "parse_tree_from_messages", record)
    return sent


def _listed(navigation: Navigation, at: AppTest) -> list[tuple[str, str, str]]:
    """(section, title, file) of every page in the sidebar menu."""
    files = {
        page_hash: Path(str(info["script_path"])).name
        for page_hash, info in at._registered_pages.items()
    }
    return [
        (page.section_header, page.page_name, files[page.page_script_hash])
        for page in navigation.app_pages
        if not page.is_hidden
    ]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_sidebar_lists_exactly_the_pages_of_the_role(app, navigation, role):
    at = app(role)
    assert not at.exception
    menu = navigation[-1]
    assert menu.position == Navigation.SIDEBAR
    assert _listed(menu, at) == EXPECTED[role]
    assert [p.page_name for p in menu.app_pages if p.is_default] == ["Home"]


def test_signed_out_there_is_only_the_sign_in_page(app_db, navigation):
    app_db("demo")
    at = AppTest.from_file(APP, default_timeout=60).run()
    menu = navigation[-1]
    assert menu.position == Navigation.HIDDEN
    assert [(p.page_name, p.is_default) for p in menu.app_pages] == [
        ("Sign in", True),
        ("Join a session", False),
        ("Presenter view", False),
    ]
    assert at.title[0].value == "Sign in to peerlearn"


def test_first_start_has_only_the_setup_page(blank_db, navigation):
    AppTest.from_file(APP, default_timeout=60).run()
    assert [p.page_name for p in navigation[-1].app_pages] == ["Set up peerlearn"]


@pytest.mark.parametrize("role, file", ROLE_PAGES)
def test_every_page_in_the_navigation_opens(app, role, file):
    at = app(role, f"pages/{file}")
    assert not at.exception, f"{file} as {role}: {at.exception}"
    assert DENIED not in [e.value for e in at.error]
    assert at.title, f"{file} has no title"


def _shows_accounts(at: AppTest, engine) -> bool:
    with Session(engine) as session:
        emails = set(session.exec(select(User.email)))
    shown = {str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()}
    return any(t.value == "Accounts" for t in at.title) or bool(emails & shown)


@pytest.mark.parametrize("role", ["tandem", "facilitator"])
def test_switching_to_a_page_outside_the_navigation_is_impossible(app, role):
    at = app(role)
    # Streamlit 1.67's AppTest refuses a page st.navigation did not register...
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/users.py")
    # ...and the app stays where it was, showing no account data.
    at.run()
    assert not at.exception
    assert not _shows_accounts(at, at.engine)


def test_a_demoted_coordinator_falls_back_to_home_and_sees_no_accounts(app):
    at = app("coordinator", "pages/users.py")
    assert _shows_accounts(at, at.engine)
    with Session(at.engine) as session:
        user = session.get(User, user_of(at.engine, "coordinator").id)
        user.role = UserRole.FACILITATOR
        session.add(user)
        session.commit()
    at.run()  # the same browser session asks again for the Accounts page
    assert not at.exception
    assert not _shows_accounts(at, at.engine)
    assert DENIED not in [e.value for e in at.error]


def _run_directly(file: str, user_id: int | None, engine=None) -> AppTest:
    """Run a page file as the main script, bypassing the router."""
    at = AppTest.from_file(str(ROOT / "pages" / file), default_timeout=60)
    if user_id is not None:
        hold_sign_in(at, engine, user_id)
    return at.run()


@pytest.mark.parametrize("role, file", OUTSIDE)
def test_a_page_run_directly_stops_a_wrong_role(app_db, role, file):
    engine = app_db("demo")
    at = _run_directly(file, user_of(engine, role).id, engine)
    assert not at.exception
    assert [e.value for e in at.error] == [DENIED], f"{file} does not stop a {role}"
    assert not at.dataframe and not at.text_input and not at.button


@pytest.mark.parametrize("file", SIGNED_IN_PAGES)
def test_a_page_run_directly_asks_a_stranger_to_sign_in(app_db, file):
    app_db("demo")
    at = _run_directly(file, None)
    assert not at.exception
    assert [w.value for w in at.warning] == ["Sign in to open this page."], file
    assert not at.dataframe and not at.text_input


def test_apptest_still_has_the_pages_folder_switch(monkeypatch):
    """``route_every_apptest_run`` relies on this switch, and on AppTest needing it.

    Fails loudly when Streamlit renames the switch or stops treating a pages/ folder
    beside the main script as old-style pages: then drop or rework that fixture.
    """
    from streamlit.runtime.pages_manager import PagesManager

    monkeypatch.undo()  # the real __init__, not the autouse fixture's
    assert "uses_pages_directory" in vars(PagesManager)
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    PagesManager(APP)
    assert PagesManager.uses_pages_directory is True
