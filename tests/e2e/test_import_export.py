"""Import and export in a real browser: upload a messy CSV of cities, preview, import;
prepare the Excel summary and download it.

The import writes, so these tests run their own server on their own demo database
(the session-wide one stays as the other browser tests expect it).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.db import make_engine, upgrade
from peerlearn.demo import load_demo
from peerlearn.models import UserCreate, UserRole
from peerlearn.services import users as user_service
from tests.e2e.conftest import (
    ACCOUNTS,
    PASSWORD,
    running_server,
    server_port,
    sign_in,
    wait_for_app_run,
)

DATA = Path(__file__).parent.parent / "data"
NAV = "[data-testid='stSidebarNav']"
MAIN = "[data-testid='stMain']"
EXCEPTION = "[data-testid='stException']"
# Accents, stray spaces (also a no-break space), an empty row and an extra column.
CITIES = ("City ; Country ;Notes\n  Malmö ; Sweden ;harbour\n;;\nŁódź\xa0;Poland;\n").encode(
    "utf-8-sig"
)


@pytest.fixture(scope="module")
def own_database(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("e2e-import") / "peerlearn.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        load_demo(session)
        email, name = ACCOUNTS["coordinator"]
        user_service.add_user(
            session,
            actor=None,
            system=True,
            data=UserCreate(email=email, role=UserRole.COORDINATOR, password=PASSWORD, name=name),
        )
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def own_server(browser_ready, own_database, tmp_path_factory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("e2e-import-server") / "streamlit.log"
    with running_server(own_database, server_port(2), log) as base:
        yield base


def _open(page, title: str) -> None:
    links = page.locator(NAV).locator("[data-testid='stSidebarNavLink']")
    links.filter(has=page.get_by_text(title, exact=True)).click()
    wait_for_app_run(page)


def _metric(page, label: str) -> str:
    metric = page.locator("[data-testid='stMetric']").filter(has_text=label)
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def _no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()


def _cities(url: str, names: list[str]) -> list[tuple[str, str]]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return list(
                session.exec(
                    select(m.City.name, m.City.country).where(m.City.name.in_(names))
                ).all()
            )
    finally:
        engine.dispose()


def test_a_messy_city_csv_is_previewed_then_imported(own_server, own_database, page):
    sign_in(page, own_server, "coordinator")
    _open(page, "Import")
    _no_exception(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": "cities.csv", "mimeType": "text/csv", "buffer": CITIES}]
    )
    wait_for_app_run(page)
    _no_exception(page)
    assert (_metric(page, "To add"), _metric(page, "Problems")) == ("2", "0")
    table = page.locator(MAIN).locator("[data-testid='stDataFrame']").first
    table.wait_for()
    assert "Notes" in page.locator(MAIN).inner_text()  # the ignored column is named
    assert _cities(own_database, ["Malmö", "Łódź"]) == []

    page.get_by_role("button", name="Import 2 rows").click()
    wait_for_app_run(page)
    _no_exception(page)
    toast = page.locator("[data-testid='stToast']")
    toast.wait_for()
    assert "2 cities added" in toast.inner_text()
    assert "Imported cities.csv" in page.locator(MAIN).inner_text()
    assert sorted(_cities(own_database, ["Malmö", "Łódź"])) == [
        ("Malmö", "Sweden"),
        ("Łódź", "Poland"),
    ]
    # The same file again: everything is unchanged, nothing left to import.
    assert _metric(page, "Unchanged") == "2"
    assert page.get_by_role("button", name="Nothing to import").is_disabled()


def _upload(page, name: str) -> None:
    content = (DATA / name).read_bytes()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    wait_for_app_run(page)
    _no_exception(page)


def test_problems_wrap_download_and_follow_the_chosen_encoding(
    own_server, own_database, page, screenshot_dirs
):
    sign_in(page, own_server, "coordinator")
    _open(page, "Import")
    _upload(page, "cities_decimal_commas.csv")
    assert _metric(page, "Problems") == "2"
    table = page.locator(MAIN).locator("[data-testid='stTable']")
    table.wait_for()
    # Every reason is shown in full: no cell of the table cuts its text.
    assert "if the cells are notes, give their column a header" in table.inner_text().lower()
    clipped = table.locator("td, th").evaluate_all(
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1).length"
    )
    assert clipped == 0
    for folder in screenshot_dirs:
        page.screenshot(path=str(folder / "import-problems-1400.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the problems (.csv)").click()
    assert info.value.suggested_filename == "cities-decimal-commas-problems.csv"
    with open(info.value.path(), encoding="utf-8-sig") as file:
        assert file.read().splitlines()[1].startswith('3,,"This row has 7 cells')

    # A reason quotes the file's cell as typed, markdown and tags included.
    hostile = "**boss** <b>x</b> [y](http://example.org)"
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[
            {
                "name": "roles.csv",
                "mimeType": "text/csv",
                "buffer": f"City,Country,Role in network\nBergen,Norway,{hostile}\n".encode(),
            }
        ]
    )
    wait_for_app_run(page)
    # (an invisible joiner keeps the address from becoming a link)
    assert f"'{hostile}' is not one of" in table.inner_text().replace("\u2060", "")

    _upload(page, "cities_cp1250.csv")
    main = page.locator(MAIN)
    assert "Read as Windows-1250 (Central European)" in main.inner_text()
    # Łódź may be stored already by the messy-CSV test of this module's database.
    added = sum(int(_metric(page, label)) for label in ("To add", "To update", "Unchanged"))
    assert (added, _metric(page, "Problems")) == (5, "0")
    page.get_by_role("combobox", name="Encoding of the file").click()
    page.get_by_role("option", name="Windows-1252 (Western European)").first.click()
    wait_for_app_run(page)
    _no_exception(page)
    assert "Read as Windows-1252 (Western European), as chosen." in main.inner_text()
    assert int(_metric(page, "Problems")) >= 1 and "£ódŸ" in main.inner_text()
    for folder in screenshot_dirs:
        page.screenshot(path=str(folder / "import-encoding-1400.png"), full_page=True)
    assert _cities(own_database, ["£ódŸ", "Èakovec"]) == []


def test_the_excel_summary_downloads_and_opens(own_server, page):
    import openpyxl

    sign_in(page, own_server, "coordinator")
    _open(page, "Export")
    page.get_by_role("button", name="Prepare the summary").click()
    wait_for_app_run(page, timeout=120_000)
    _no_exception(page)
    button = page.get_by_role("button", name="Download peerlearn-network-")
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.startswith("peerlearn-network-connectedineurope-")
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as file:
        workbook = openpyxl.load_workbook(io.BytesIO(file.read()))
    assert "README" in workbook.sheetnames
    assert "Roadmaps" in workbook.sheetnames


def test_munchen_waits_for_the_coordinator_to_say_it_is_munich(own_server, own_database, page):
    """Spelling variants of stored cities (issue 13, imports finding 1) in the browser."""
    content = "City;Country;Role\nMünchen;Germany;lighthouse\nArnsberg;Deutschland;\n"
    sign_in(page, own_server, "coordinator")
    _open(page, "Import")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": "variants.csv", "mimeType": "text/csv", "buffer": content.encode()}]
    )
    wait_for_app_run(page)
    _no_exception(page)
    page.get_by_text("Did you mean …?").wait_for()
    assert (_metric(page, "To add"), _metric(page, "Problems")) == ("0", "0")
    waiting = page.get_by_role("button", name="Import (say first which city", exact=False)
    assert waiting.is_disabled()  # München waits for a choice
    page.get_by_label("Row 2: München (Germany) — is it Munich (Germany)?").click()
    page.get_by_role("option", name="Same city as Munich (Germany)").click()
    wait_for_app_run(page)
    _no_exception(page)
    page.get_by_role("button", name="Import 1 row").click()
    wait_for_app_run(page)
    _no_exception(page)
    page.locator("[data-testid='stToast']").wait_for()
    assert _cities(own_database, ["München", "Munchen"]) == []
    engine = make_engine(own_database)
    try:
        with Session(engine) as session:
            role = session.exec(
                select(m.Membership.role)
                .join(m.City, m.City.id == m.Membership.city_id)
                .join(m.Network, m.Network.id == m.Membership.network_id)
                .where(m.City.name == "Munich", m.Network.name == "#connectedinEurope")
            ).one()
    finally:
        engine.dispose()
    assert role == m.Role.LIGHTHOUSE


def test_a_coordinator_downloads_the_targets_template_and_imports_it_filled(
    own_server, page, screenshot_dirs
):
    """Export's reporting template of Smarter Together, one value typed in, then the
    Import page's preview of it as measurements, and the value stored."""
    import openpyxl

    sign_in(page, own_server, "coordinator")
    _open(page, "Export")
    page.get_by_role("combobox", name="Network").click()
    page.get_by_role("option", name="Smarter Together").click()
    wait_for_app_run(page)
    _no_exception(page)
    page.get_by_role("button", name="Prepare the template").click()
    wait_for_app_run(page)
    _no_exception(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download peerlearn-targets-").click()
    assert info.value.suggested_filename == "peerlearn-targets-smarter-together-every-2-years.xlsx"
    for folder in screenshot_dirs:
        page.screenshot(path=str(folder / "export-targets-template-1400.png"), full_page=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(800)  # the sidebar slides shut on a narrow screen
    page.get_by_role("button", name="Download peerlearn-targets-").scroll_into_view_if_needed()
    for folder in screenshot_dirs:
        page.screenshot(path=str(folder / "export-targets-template-390.png"), full_page=True)
    page.set_viewport_size(size)
    book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    sheet = book["Measurements"]
    header = [c.value for c in sheet[2]]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[3].value.startswith("Cut CO2"))
    row[header.index("31 Dec 2017")].value = 95
    buffer = io.BytesIO()
    book.save(buffer)

    _open(page, "Import")
    page.get_by_role("combobox", name="What to import").click()
    page.get_by_role("option", name="Measurements").click()
    wait_for_app_run(page)
    page.get_by_role("combobox", name="Network").click()
    page.get_by_role("option", name="Smarter Together").click()
    wait_for_app_run(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[
            {
                "name": "targets.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": buffer.getvalue(),
            }
        ]
    )
    wait_for_app_run(page)
    _no_exception(page)
    assert (_metric(page, "To add"), _metric(page, "Problems")) == ("1", "0")
    assert int(_metric(page, "Unchanged")) >= 1  # the values filled in already
    for folder in screenshot_dirs:
        page.screenshot(path=str(folder / "import-measurements-1400.png"), full_page=True)
    page.get_by_role("button", name="Import 1 row").click()
    wait_for_app_run(page)
    toast = page.locator("[data-testid='stToast']")
    toast.wait_for()
    assert "1 measurement added" in toast.inner_text()
