"""The knowledge carrier in Chromium: Lyon's e-shuttle on the Solutions map with Sofia
studying it, and the Lyon site visit on the Events page listing the solutions it showed."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.db import make_engine
from peerlearn.services import solutions
from tests import serving
from tests.e2e.conftest import IDLE, running_server, sign_in, wait_for_app_run
from tests.e2e.live_steps import choose

NETWORK = "Knowledge carrier"
SHUTTLE = "Navly autonomous e-shuttle"
VISIT = "Site visit Confluence: e-mobility"
MAIN = "[data-testid='stMain']"
EXCEPTION = "[data-testid='stException']"


def _knowledge_carrier(url: str) -> None:
    """A network of Lyon and Sofia, Lyon's e-shuttle that Sofia studies, and a Lyon
    meeting whose site visit showed it."""
    engine = make_engine(url)
    with Session(engine) as session:
        actor = session.exec(select(m.User).where(m.User.role == m.UserRole.COORDINATOR)).one()
        network = m.Network(name=NETWORK)
        session.add(network)
        session.flush()
        city = {c.name: c for c in session.exec(select(m.City)).all()}
        for name, role in (("Lyon", m.Role.LIGHTHOUSE), ("Sofia", m.Role.FOLLOWER)):
            session.add(m.Membership(network_id=network.id, city_id=city[name].id, role=role))
        theme = session.exec(select(m.Theme).where(m.Theme.name == "Mobility")).one()
        event = m.Event(
            network_id=network.id,
            title="Meeting Lyon",
            place="Lyon",
            start_date=date(2017, 6, 28),
            end_date=date(2017, 6, 30),
        )
        session.add(event)
        session.flush()
        visit = m.EventSession(
            event_id=event.id,
            title=VISIT,
            kind=m.SessionKind.SITE_VISIT,
            starts_at=datetime(2017, 6, 29, 14),
            ends_at=datetime(2017, 6, 29, 16),
        )
        session.add(visit)
        session.commit()
        shuttle = solutions.add_solution(
            session,
            actor=actor,
            data=m.SolutionCreate(
                network_id=network.id,
                city_id=city["Lyon"].id,
                theme_id=theme.id,
                title=SHUTTLE,
                status="piloting",
                site="Lyon Confluence",
                latitude=45.7405,
                longitude=4.8183,
                links="Navly | https://www.navya.tech/en/",
            ),
        )
        solutions.add_replication(
            session,
            actor=actor,
            data=m.ReplicationCreate(solution_id=shuttle.id, city_id=city["Sofia"].id),
        )
        solutions.set_session_solutions(
            session, actor=actor, session_id=visit.id, solution_ids=[shuttle.id]
        )
    engine.dispose()


def _open(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    wait_for_app_run(page)
    choose(page, "Network", NETWORK)


def test_lyons_e_shuttle_is_on_the_map_and_the_site_visit_lists_it(
    browser, live_db, tmp_path, screenshot_dirs
):
    _knowledge_carrier(live_db)
    with running_server(live_db, serving.free_port(), tmp_path / "server.log") as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        sign_in(page, base, "coordinator")
        _open(page, "Solutions")
        main = page.locator(MAIN)
        assert page.locator(EXCEPTION).count() == 0
        # The map is drawn: Vega's canvas (or SVG) inside the chart's element.
        chart = main.locator("[data-testid='stVegaLiteChart']").first
        chart.locator("canvas, svg").first.wait_for()
        for folder in screenshot_dirs:
            page.screenshot(path=str(folder / "solutions-1400.png"), full_page=True)
        # The side panel opens on the network's first city: Lyon.
        panel = main.locator(".st-key-so_panel")
        assert SHUTTLE in panel.inner_text()
        assert panel.get_by_role("link", name="Navly").get_attribute("href") == (
            "https://www.navya.tech/en/"
        )
        # The text alternative: the replication table names Sofia studying the shuttle.
        pairs = main.locator("[data-testid='stDataFrame']").last
        pairs.scroll_into_view_if_needed()
        for cell in (SHUTTLE, "Sofia", "studies"):
            pairs.get_by_text(cell, exact=True).first.wait_for(state="attached")

        _open(page, "Events")
        choose(page, "Edit a session", VISIT)
        assert page.locator(EXCEPTION).count() == 0
        shown = main.locator("[data-testid='stDataFrame']").last
        shown.scroll_into_view_if_needed()
        for cell in (SHUTTLE, "Lyon", "Mobility", "piloting"):
            shown.get_by_text(cell, exact=True).first.wait_for(state="attached")
        for folder in screenshot_dirs:
            page.screenshot(path=str(folder / "events-site-visit-1400.png"), full_page=True)
        page.wait_for_selector(IDLE)
        page.close()
