"""The Events screen: events, their agenda of sessions, take-aways, the .ics agenda."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlmodel import Session, select

from peerlearn import models as m
from tests.ui.conftest import click, count_rows

PAGE = "pages/events.py"
BERLIN = "#CIE meeting Berlin"


def _berlin(at):
    with Session(at.engine) as session:
        event = session.exec(select(m.Event).where(m.Event.title == BERLIN)).one()
    at.selectbox(key="ev_network").set_value(event.network_id).run()
    at.selectbox(key="ev_event").set_value(event.id).run()
    return event


@pytest.mark.parametrize("role", ["coordinator", "facilitator"])
@pytest.mark.parametrize("kind", ["demo", "empty"])
def test_the_page_renders_for_staff(app, role, kind):
    at = app(role, PAGE, kind=kind)
    assert not at.exception
    assert at.title[0].value == "Events"
    if kind == "empty":
        assert "no network" in at.info[0].value


def test_the_agenda_of_berlin_lists_its_sessions_and_offers_the_ics(app):
    at = app("facilitator", PAGE)
    _berlin(at)
    agenda = at.dataframe[1].value
    assert "Interactive quiz: smart city peculiarities of the cities" in set(agenda["Session"])
    assert at.get("download_button")


def test_an_event_is_added(app):
    at = app("coordinator", PAGE)
    _berlin(at)
    at.text_input(key="ev_add_title").input("Study tour Utrecht")
    at.date_input(key="ev_add_s").set_value(date(2025, 5, 12))
    at.date_input(key="ev_add_e").set_value(date(2025, 5, 13))
    at.text_input(key="ev_add_place").input("Utrecht")
    click(at, "Add event")
    assert not at.error
    with Session(at.engine) as session:
        event = session.exec(select(m.Event).where(m.Event.title == "Study tour Utrecht")).one()
    assert (event.start_date, event.place) == (date(2025, 5, 12), "Utrecht")


def test_an_event_ending_before_it_starts_is_refused(app):
    at = app("coordinator", PAGE)
    _berlin(at)
    before = count_rows(at.engine, m.Event)
    at.text_input(key="ev_add_title").input("Backwards")
    at.date_input(key="ev_add_s").set_value(date(2025, 5, 13))
    at.date_input(key="ev_add_e").set_value(date(2025, 5, 12))
    click(at, "Add event")
    assert at.error
    assert count_rows(at.engine, m.Event) == before


def test_a_session_is_added_to_the_agenda(app):
    at = app("facilitator", PAGE)
    event = _berlin(at)
    at.text_input(key="ev_session_add_title").input("Evening walk")
    at.selectbox(key="ev_session_add_kind").set_value("site visit")
    at.time_input(key="ev_session_add_from").set_value(time(18, 0))
    at.time_input(key="ev_session_add_to").set_value(time(19, 30))
    click(at, "Add session")
    assert not at.error, at.error
    with Session(at.engine) as session:
        row = session.exec(
            select(m.EventSession).where(m.EventSession.title == "Evening walk")
        ).one()
    assert row.event_id == event.id
    assert row.starts_at == datetime.combine(event.start_date, time(18, 0))


def test_a_blank_session_title_is_refused(app):
    at = app("facilitator", PAGE)
    _berlin(at)
    before = count_rows(at.engine, m.EventSession)
    at.text_input(key="ev_session_add_title").input("  ")
    click(at, "Add session")
    assert at.error
    assert count_rows(at.engine, m.EventSession) == before


def test_a_takeaway_is_recorded_and_a_blank_one_refused(app):
    at = app("facilitator", PAGE)
    _berlin(at)
    before = count_rows(at.engine, m.Takeaway)
    at.text_area(key="ev_takeaway_text").input("Start the data platform with one use case.")
    click(at, "Add take-away")
    assert count_rows(at.engine, m.Takeaway) == before + 1
    at.text_area(key="ev_takeaway_text").input("")
    click(at, "Add take-away")
    assert at.error
    assert count_rows(at.engine, m.Takeaway) == before + 1
