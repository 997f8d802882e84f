"""Staying signed in on a browser: a reload, a second tab and signing out, for real."""

from __future__ import annotations

import re
import time
from pathlib import Path

from peerlearn.ui.auth import COOKIE
from tests import serving
from tests.e2e.conftest import (
    ACCOUNTS,
    IDLE,
    PASSWORD,
    running_server,
    sign_in,
    wait_for_app_run,
)

NAV = "[data-testid='stSidebarNav']"


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=60_000)
    wait_for_app_run(page)


def _signed_in(page) -> bool:
    heading = page.locator("[data-testid='stMain'] h1").first.inner_text()
    return heading != "Sign in to peerlearn" and page.locator(NAV).count() == 1


def test_a_reload_and_a_second_tab_keep_the_coordinator_signed_in(server, page):
    sign_in(page, server, "coordinator")
    page.get_by_role("link", name="Roadmaps").click()
    wait_for_app_run(page)
    page.reload()
    page.wait_for_selector(IDLE, timeout=60_000)
    wait_for_app_run(page)
    assert _signed_in(page)
    assert page.locator("[data-testid='stMain'] h1").first.inner_text() == "Roadmaps"

    second = page.context.new_page()
    _open(second, f"{server}/network")
    assert _signed_in(second)
    assert ACCOUNTS["coordinator"][1] in second.locator("[data-testid='stSidebar']").inner_text()
    second.close()


def test_signing_out_ends_it_for_the_browser(server, page):
    sign_in(page, server, "coordinator")
    page.get_by_role("button", name="Sign out").click()
    wait_for_app_run(page)
    _open(page, server)
    assert not _signed_in(page)
    assert page.get_by_label("Password", exact=True).is_editable()


def test_without_staying_signed_in_a_reload_asks_again(server, page):
    _open(page, server)
    email, _ = ACCOUNTS["coordinator"]
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_text("Stay signed in on this browser").click()
    page.get_by_role("button", name="Sign in").click()
    page.locator(NAV).wait_for()
    wait_for_app_run(page)
    page.reload()
    page.wait_for_selector(IDLE, timeout=60_000)
    wait_for_app_run(page)
    assert not _signed_in(page)


def _kept_cookie(context) -> dict:
    """The sign-in cookie the browser keeps (the page sets it in the run after signing in)."""
    for _ in range(100):
        found = [c for c in context.cookies() if c["name"] == COOKIE]
        if found:
            return found[0]
        context.pages[0].wait_for_timeout(100)
    raise AssertionError("the browser kept no sign-in cookie")


def test_signing_out_ends_another_browser_holding_a_copy_of_the_cookie(server, browser):
    first = browser.new_context(viewport={"width": 1400, "height": 1000})
    second = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        owner = first.new_page()
        sign_in(owner, server, "coordinator")
        second.add_cookies([_kept_cookie(first)])
        copy = second.new_page()
        _open(copy, f"{server}/network")
        assert _signed_in(copy)

        owner.get_by_role("button", name="Sign out").click()
        wait_for_app_run(owner)
        assert not _signed_in(owner)

        # The copy's tab is still open; its next click finds the sign-in ended.
        copy.get_by_role("link", name="Roadmaps").click()
        wait_for_app_run(copy)
        assert not _signed_in(copy)
        assert copy.get_by_label("Password", exact=True).is_editable()
    finally:
        first.close()
        second.close()


def _printed_token(log: Path) -> str:
    """The setup token as the server printed it in its log."""
    for _ in range(100):
        found = re.search(r"peerlearn setup token: (\S+)", log.read_text())
        if found:
            return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no setup token in the server's log:\n{log.read_text()}")


def test_first_run_asks_for_the_token_the_server_printed(browser_ready, page, tmp_path):
    log = tmp_path / "streamlit.log"
    with running_server(f"sqlite:///{tmp_path / 'first.db'}", serving.free_port(), log) as base:
        _open(page, base)
        assert page.locator("[data-testid='stMain'] h1").first.inner_text() == (
            "Welcome to peerlearn"
        )
        page.get_by_label("Your name").fill("Ada")
        page.get_by_role("textbox", name="Email").fill("ada@example.org")
        page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
        page.get_by_label("Repeat the password").fill(PASSWORD)
        page.get_by_text("Load the demo network").click()  # off: the account is enough
        page.get_by_role("textbox", name="Setup token").fill("a guess")
        page.get_by_role("button", name="Create account").click()
        wait_for_app_run(page)
        assert page.get_by_text("The setup token is missing or wrong").is_visible()

        page.get_by_role("textbox", name="Setup token").fill(_printed_token(log))
        page.get_by_role("button", name="Create account").click()
        page.locator(NAV).wait_for()
        wait_for_app_run(page)
        assert _signed_in(page)
