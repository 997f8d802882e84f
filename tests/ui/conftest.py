"""AppTest fixtures: the app on a fresh SQLite file, empty or holding the demo network,
signed in as a coordinator, a facilitator or a tandem member."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from sqlmodel import Session, func, select
from streamlit.runtime import pages_manager
from streamlit.testing.v1 import AppTest

from peerlearn.db import ENV_VAR, make_engine, upgrade
from peerlearn.demo import load_demo
from peerlearn.models import Tandem, User, UserCreate, UserRole, UserTandem
from peerlearn.services import sign_ins
from peerlearn.services import users as user_service
from peerlearn.ui.auth import TOKEN_KEY

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
PASSWORD = "Correct-Horse-Battery-9"
EMAILS = {
    "coordinator": "coordinator@example.org",
    "facilitator": "facilitator@example.org",
    "tandem": "tandem@example.org",
}


def _add_users(session: Session) -> None:
    tandem = session.exec(select(Tandem).order_by(Tandem.id)).first()
    for role, email in EMAILS.items():
        if role == "tandem" and tandem is None:
            continue
        user_service.add_user(
            session,
            actor=None,
            system=True,
            data=UserCreate(
                email=email,
                role=UserRole(role),
                password=PASSWORD,
                name=f"Test {role}",
                tandem_ids=[tandem.id] if role == "tandem" else (),
            ),
        )


def route_every_apptest_run(monkeypatch) -> None:
    """Make every AppTest run go through the router, as the server does.

    AppTest forgets between runs that the app calls st.navigation (it resets
    Streamlit's class-level switch for the old-style pages/ folder before each run),
    so from the second run on it would run the page file alone and lose the click
    that run carries. Streamlit offers no public switch for this; this is the one
    place that touches its internals, and it fails loudly if they change
    (``test_apptest_still_has_the_pages_folder_switch`` too).
    """
    manager = pages_manager.PagesManager
    if "uses_pages_directory" not in vars(manager):
        pytest.fail("Streamlit no longer has PagesManager.uses_pages_directory: revisit this.")
    original = manager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        manager.uses_pages_directory = False

    monkeypatch.setattr(manager, "__init__", init)


@pytest.fixture(autouse=True)
def _router_on_every_run(monkeypatch):
    route_every_apptest_run(monkeypatch)


@pytest.fixture(scope="session")
def ui_templates(tmp_path_factory):
    """Two migrated SQLite files: 'empty' (accounts only) and 'demo' (accounts + demo)."""
    root = tmp_path_factory.mktemp("ui-templates")
    paths = {}
    for name in ("empty", "demo"):
        path = root / f"{name}.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        with Session(engine) as session:
            if name == "demo":
                load_demo(session)
            _add_users(session)
        engine.dispose()
        paths[name] = path
    return paths


@pytest.fixture
def app_db(request, tmp_path, monkeypatch, ui_templates):
    """Point the app at a copy of a template; ``app_db.kind`` is 'empty' or 'demo'."""

    def use(kind: str = "demo"):
        path = tmp_path / f"{kind}.db"
        shutil.copy(ui_templates[kind], path)
        url = f"sqlite:///{path}"
        monkeypatch.setenv(ENV_VAR, url)
        st.cache_resource.clear()
        st.cache_data.clear()
        return make_engine(url)

    return use


@pytest.fixture
def blank_db(tmp_path, monkeypatch):
    """A database with no tables and no accounts: the first start."""
    monkeypatch.setenv(ENV_VAR, f"sqlite:///{tmp_path / 'first.db'}")
    st.cache_resource.clear()
    st.cache_data.clear()
    return tmp_path / "first.db"


def signed_in(engine, role: str, page: str | None = None) -> AppTest:
    """An AppTest of the app, signed in as ``role``, run once (on ``page`` if given)."""
    at = AppTest.from_file(APP, default_timeout=60)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == EMAILS[role])).one()
    hold_sign_in(at, engine, user.id)
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def hold_sign_in(at: AppTest, engine, user_id: int) -> None:
    """Give the AppTest's session a sign-in of ``user_id``, as the sign-in form does."""
    with Session(engine) as session:
        at.session_state[TOKEN_KEY] = sign_ins.remember(session, user_id=user_id)


def user_of(engine, role: str) -> User:
    with Session(engine) as session:
        return session.exec(select(User).where(User.email == EMAILS[role])).one()


@pytest.fixture
def app(app_db):
    """``app(role, page=None, kind='demo')`` → a signed-in, already run AppTest."""

    def make(role: str = "coordinator", page: str | None = None, kind: str = "demo") -> AppTest:
        engine = app_db(kind)
        at = signed_in(engine, role, page)
        at.engine = engine  # lets a test look at what a form wrote
        return at

    return make


def count_rows(engine, model) -> int:
    """How many rows ``model``'s table holds (to check that a refused form wrote nothing)."""
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def click(at: AppTest, label: str) -> AppTest:
    """Click the button labelled ``label`` (form submit buttons have no key) and run."""
    return next(b for b in at.button if b.label == label).click().run()


def member_tandem(engine) -> Tandem:
    """The tandem the signed-in tandem member works for."""
    member = user_of(engine, "tandem")
    with Session(engine) as session:
        tandem = session.exec(
            select(Tandem)
            .join(UserTandem, UserTandem.tandem_id == Tandem.id)
            .where(UserTandem.user_id == member.id)
        ).one()
        session.expunge(tandem)
    return tandem


# Every role on both databases; the empty one has no tandem, so no tandem member.
EVERY_ROLE = [
    ("coordinator", "demo"),
    ("coordinator", "empty"),
    ("facilitator", "demo"),
    ("facilitator", "empty"),
    ("tandem", "demo"),
]
