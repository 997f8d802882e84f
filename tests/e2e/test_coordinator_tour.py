"""A coordinator signs in and opens every page of the sidebar in a real browser;
nobody reaches the Accounts page by typing its address."""

from __future__ import annotations

import re
import shutil

from tests.e2e.conftest import ACCOUNTS, IDLE, sign_in, wait_for_app_run

NAV = "[data-testid='stSidebarNav']"
EXCEPTION = "[data-testid='stException']"
COORDINATOR_PAGES = [
    "Home",
    "Network",
    "Roadmaps",
    "Targets",
    "Solutions",
    "Accounts",
    "Audit trail",
    "Events",
    "Quizzes",
    "Run live",
    "Challenges",
    "Common challenges",
    "Export",
    "Import",
    "My account",
]


def _nav_titles(page) -> list[str]:
    links = page.locator(NAV).locator("[data-testid='stSidebarNavLink']")
    # The last line: before it, the icon's ligature name ("home").
    return [text.strip().splitlines()[-1].strip() for text in links.all_inner_texts()]


def _link(page, title: str):
    links = page.locator(NAV).locator("[data-testid='stSidebarNavLink']")
    return links.filter(has=page.get_by_text(title, exact=True))


def _heading(page):
    return page.locator("[data-testid='stMain'] h1").first


def _slug(title: str) -> str:
    return re.sub(r"\W+", "-", title.lower()).strip("-")


def _close_page_not_found(page) -> None:
    """Streamlit says so when an address names no page of the navigation; close it."""
    dialog = page.get_by_role("dialog")
    dialog.wait_for(state="visible", timeout=10_000)
    assert "Page not found" in dialog.inner_text()
    dialog.get_by_role("button", name="Close").click()
    dialog.wait_for(state="hidden")


def _no_account_data(page) -> None:
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Accounts" not in [h.strip() for h in page.locator("h1").all_inner_texts()]
    for email, name in ACCOUNTS.values():
        assert email not in body and name not in body


def test_coordinator_opens_every_page(server, page, screenshot_dirs):
    sign_in(page, server, "coordinator")
    titles = _nav_titles(page)
    assert titles == COORDINATOR_PAGES
    for number, title in enumerate(titles, start=1):
        _link(page, title).click()
        wait_for_app_run(page)
        name = f"{number:02d}-{_slug(title)}.png"
        page.screenshot(path=str(screenshot_dirs[0] / name), full_page=True)
        for folder in screenshot_dirs[1:]:
            shutil.copy(screenshot_dirs[0] / name, folder / name)
        assert page.locator(EXCEPTION).count() == 0, (
            f"{title}: {page.locator(EXCEPTION).first.inner_text()}"
        )
        assert _heading(page).is_visible(), f"{title} shows no title"
        assert _link(page, title).get_attribute("aria-current") == "page"


def test_the_accounts_page_works_in_the_browser(server, page):
    sign_in(page, server, "coordinator")
    _link(page, "Accounts").click()
    wait_for_app_run(page)
    assert _heading(page).inner_text() == "Accounts"
    page.locator("[data-testid='stDataFrame']").wait_for(state="visible")
    page.get_by_role("tab", name="Change an account").click()
    assert page.get_by_role("button", name="Deactivate account").is_visible()


def test_signed_out_an_address_outside_the_navigation_shows_the_sign_in(server, page, browser):
    # Another visitor has already opened the app, as on any server in use.
    other = browser.new_page()
    other.goto(server)
    other.wait_for_selector(IDLE, timeout=60_000)
    other.close()

    page.goto(f"{server}/users")
    page.wait_for_selector(IDLE, timeout=60_000)
    wait_for_app_run(page)
    _close_page_not_found(page)
    assert _heading(page).inner_text() == "Sign in to peerlearn"
    _no_account_data(page)
    assert page.get_by_label("Password", exact=True).is_editable()


def test_a_tandem_member_signing_in_from_the_accounts_address_sees_no_accounts(server, page):
    page.goto(f"{server}/users")
    page.wait_for_selector(IDLE, timeout=60_000)
    _close_page_not_found(page)
    sign_in(page, server, "tandem", go=False)
    assert "Accounts" not in _nav_titles(page)
    assert page.locator(EXCEPTION).count() == 0
    _no_account_data(page)


def test_on_a_fresh_server_the_first_visit_to_an_inner_address_shows_the_sign_in(
    fresh_server, page
):
    """The very first request of a just started server is a deep link.

    Streamlit runs the pages/ folder as an old-style multipage app until some session
    has called st.navigation; then the page file runs without the router.
    """
    page.goto(f"{fresh_server}/users")
    page.wait_for_selector(IDLE, timeout=60_000)
    wait_for_app_run(page)
    assert page.locator(EXCEPTION).count() == 0
    _no_account_data(page)
    nav = _nav_titles(page)
    assert nav in ([], ["Sign in"]), f"the sidebar lists page files: {nav}"
    assert _heading(page).inner_text() == "Sign in to peerlearn"
