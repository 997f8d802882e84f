"""A real peerlearn server on a temporary demo database, and a real Chromium.

The browser is Debian's chromium (no browser downloads here). Without it the tests
skip with the reason, unless PEERLEARN_REQUIRE_BROWSER=1 (CI), which makes that a
failure. PEERLEARN_E2E_PORT pins the server's port (and the next one for a second, fresh
server); otherwise free ports are taken.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from peerlearn.db import make_engine, upgrade
from peerlearn.demo import load_demo
from peerlearn.models import Tandem, UserCreate, UserRole
from peerlearn.services import users as user_service
from tests import serving

CHROMIUM = "/usr/bin/chromium"
REQUIRE_ENV = "PEERLEARN_REQUIRE_BROWSER"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "Tour-of-the-network-2024"
FACILITATOR = "facilitator@example.org"
ACCOUNTS = {
    "coordinator": ("coordinator@example.org", "Clara Coordinator"),
    "tandem": ("tandem@example.org", "Tara Tandem"),
}
# The app is idle: the script ran to the end (Streamlit's own e2e tests wait for this).
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"


def _missing_browser() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python Playwright is not installed (uv sync installs the dev group)"
    return None


@pytest.fixture(scope="session")
def browser_ready() -> None:
    reason = _missing_browser()
    if reason:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def database(tmp_path_factory) -> str:
    """A SQLite file at head with the demo network, a coordinator and a tandem member."""
    path = tmp_path_factory.mktemp("e2e") / "peerlearn.db"
    url = f"sqlite:///{path}"
    seed(url)
    return url


def seed(url: str) -> None:
    """The demo network and an account for each role, in the empty database ``url``."""
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        load_demo(session)
        tandem_id = session.exec(select(Tandem.id).order_by(Tandem.id)).first()
        for role, (email, name) in ACCOUNTS.items():
            user_service.add_user(
                session,
                actor=None,
                system=True,
                data=UserCreate(
                    email=email,
                    role=UserRole(role),
                    password=PASSWORD,
                    name=name,
                    tandem_ids=[tandem_id] if role == "tandem" else (),
                ),
            )
    engine.dispose()


def server_port(offset: int) -> int:
    pinned = os.environ.get("PEERLEARN_E2E_PORT")
    return int(pinned) + offset if pinned else serving.free_port()


@contextlib.contextmanager
def running_server(database: str, port: int, log: Path) -> Iterator[str]:
    """The README's server on ``database``; yields its base URL (a failure to start
    fails the test with the server's log)."""
    try:
        with serving.running_server(database, port, log):
            yield f"http://127.0.0.1:{port}"
    except serving.ServerFailed as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def server(browser_ready, database, tmp_path_factory) -> Iterator[str]:
    """The app for the whole test session; yields its base URL."""
    log = tmp_path_factory.mktemp("e2e-server") / "streamlit.log"
    with running_server(database, server_port(0), log) as base:
        yield base


@pytest.fixture
def fresh_server(browser_ready, database, tmp_path) -> Iterator[str]:
    """A server just started, that no browser has visited yet."""
    with running_server(database, server_port(1), tmp_path / "streamlit.log") as base:
        yield base


@pytest.fixture(scope="session")
def browser(browser_ready):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies, a new Streamlit session) at desktop size."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


def wait_for_app_run(page, *, timeout: float = 60_000) -> None:
    """Wait until the script run a click started is over.

    The click may not have flipped the state to 'running' yet when we look, so first
    give it a moment to start (a quick run may start and end unseen: that is fine).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):  # the run was already over
        page.wait_for_selector(RUNNING, timeout=1_500)
    page.wait_for_selector(IDLE, timeout=timeout)
    # Elements of the previous run fade out as stale until the new run replaces them.
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]')", timeout=timeout
    )


def sign_in(page, base: str, role: str, *, go: bool = True) -> None:
    """Sign in with the form (opening the app first unless ``go`` is False)."""
    email, _ = ACCOUNTS[role]
    if go:
        page.goto(base)
        page.wait_for_selector(IDLE, timeout=60_000)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("[data-testid='stSidebarNav']").wait_for()
    wait_for_app_run(page)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture(autouse=True)
def shots_on_failure(request, screenshot_dirs):
    """When a browser test fails, every open page is saved as a screenshot (named after
    the test), to see what the browser showed."""
    yield
    if not request.node.stash.get(FAILED, False) or "browser" not in request.fixturenames:
        return
    chromium = request.getfixturevalue("browser")
    name = request.node.name.replace("/", "_")
    for c, context in enumerate(chromium.contexts):
        for n, tab in enumerate(context.pages):
            for folder in screenshot_dirs:
                with contextlib.suppress(Exception):
                    tab.screenshot(path=str(folder / f"failed-{name}-{c}-{n}.png"), full_page=True)


@pytest.fixture
def live_db(database, tmp_path) -> str:
    """A copy of the e2e demo database as it is, 2023 answers and all, with a
    facilitator's account: this test's live session stays its own."""
    source = database.removeprefix("sqlite:///")
    target = tmp_path / "live.db"
    shutil.copy(source, target)
    url = f"sqlite:///{target}"
    add_facilitator(url)
    return url


@pytest.fixture
def live_pg(pg_server, browser_ready) -> str:
    """The same on PostgreSQL: a database of its own, seeded afresh."""
    url = pg_server.create_database(f"live_{uuid.uuid4().hex[:8]}")
    seed(url)
    add_facilitator(url)
    return url


def add_facilitator(url: str) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        user_service.add_user(
            session,
            actor=None,
            system=True,
            data=UserCreate(
                email=FACILITATOR,
                role=UserRole.FACILITATOR,
                password=PASSWORD,
                name="Fiona Facilitator",
            ),
        )
    engine.dispose()
