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


def _sessions(at):
    return at.dataframe[1].value


def test_an_added_event_is_listed_shown_and_the_form_empties(app):
    at = app("coordinator", PAGE)
    _berlin(at)
    at.text_input(key="ev_add_title").input("Study tour Utrecht")
    at.date_input(key="ev_add_s").set_value(date(2025, 5, 12))
    at.date_input(key="ev_add_e").set_value(date(2025, 5, 13))
    click(at, "Add event")
    assert not at.error, at.error
    assert at.toast[0].value == "Event added"
    assert "Study tour Utrecht" in set(at.dataframe[0].value["Event"])
    assert at.selectbox(key="ev_event").value is not None
    assert (
        at.selectbox(key="ev_event")
        .options[at.selectbox(key="ev_event").index]
        .startswith("Study tour Utrecht")
    )
    assert at.text_input(key="ev_add_title").value == ""
    assert at.date_input(key="ev_add_s").value is None


def test_a_refused_event_keeps_what_was_typed(app):
    at = app("coordinator", PAGE)
    _berlin(at)
    at.text_input(key="ev_add_title").input("Backwards")
    at.date_input(key="ev_add_s").set_value(date(2025, 5, 13))
    at.date_input(key="ev_add_e").set_value(date(2025, 5, 12))
    at.text_input(key="ev_add_place").input("Utrecht")
    click(at, "Add event")
    assert at.error
    assert at.text_input(key="ev_add_title").value == "Backwards"
    assert at.date_input(key="ev_add_s").value == date(2025, 5, 13)
    assert at.text_input(key="ev_add_place").value == "Utrecht"


def test_the_event_form_starts_from_the_event_and_keeps_what_was_not_changed(app):
    at = app("coordinator", PAGE)
    event = _berlin(at)
    key = f"ev_form_{event.id}"
    assert at.text_input(key=f"{key}_title").value == event.title
    assert at.date_input(key=f"{key}_s").value == event.start_date
    assert at.text_input(key=f"{key}_place").value == event.place
    at.text_input(key=f"{key}_place").input("Berlin-Mitte")
    click(at, "Save event")
    assert not at.error, at.error
    with Session(at.engine) as session:
        stored = session.get(m.Event, event.id)
        assert (stored.title, stored.start_date, stored.end_date, stored.mode) == (
            event.title,
            event.start_date,
            event.end_date,
            event.mode,
        )
        assert stored.place == "Berlin-Mitte"
    assert "Berlin-Mitte" in set(at.dataframe[0].value["Place"])


def test_a_session_form_starts_from_the_session_and_an_added_one_is_listed(app):
    at = app("facilitator", PAGE)
    event = _berlin(at)
    with Session(at.engine) as session:
        row = session.exec(
            select(m.EventSession)
            .where(m.EventSession.event_id == event.id)
            .order_by(m.EventSession.id.desc())
        ).first()
        session.expunge(row)
    at.selectbox(key="ev_session_pick").set_value(row.id).run()
    key = f"ev_session_{row.id}"
    assert at.text_input(key=f"{key}_title").value == row.title
    assert at.selectbox(key=f"{key}_kind").value == row.kind
    assert at.time_input(key=f"{key}_from").value == row.starts_at.time()
    at.text_input(key="ev_session_add_title").input("Evening walk")
    at.time_input(key="ev_session_add_from").set_value(time(18, 0))
    at.time_input(key="ev_session_add_to").set_value(time(19, 30))
    click(at, "Add session")
    assert not at.error, at.error
    assert "Evening walk" in set(_sessions(at)["Session"])
    assert at.text_input(key="ev_session_add_title").value == ""


def test_an_archived_session_leaves_the_agenda_at_once(app):
    at = app("facilitator", PAGE)
    event = _berlin(at)
    with Session(at.engine) as session:
        row = session.exec(
            select(m.EventSession).where(
                m.EventSession.event_id == event.id, m.EventSession.title.like("Panel%")
            )
        ).one()
    at.selectbox(key="ev_session_pick").set_value(row.id).run()
    at.button(key="ev_session_archive").click().run()
    assert not at.error, at.error
    assert at.toast[0].value == "Session archived"
    assert row.title not in set(_sessions(at)["Session"])


def test_a_takeaway_is_listed_at_once_edited_from_its_text_and_deleted(app):
    at = app("facilitator", PAGE)
    _berlin(at)
    at.text_area(key="ev_takeaway_text").input("Start the data platform with one use case.")
    click(at, "Add take-away")
    assert at.text_area(key="ev_takeaway_text").value == ""
    texts = next(f.value for f in at.dataframe if "Take-away" in f.value.columns)["Take-away"]
    assert "Start the data platform with one use case." in set(texts)
    with Session(at.engine) as session:
        takeaway = session.exec(select(m.Takeaway).order_by(m.Takeaway.id)).first()
        session.expunge(takeaway)
    at.selectbox(key="ev_takeaway_pick").set_value(takeaway.id).run()
    assert at.text_area(key="ev_takeaway_edit_text").value == takeaway.text
    at.text_area(key="ev_takeaway_edit_text").input("Reworded take-away")
    click(at, "Save take-away")
    assert not at.error, at.error
    with Session(at.engine) as session:
        assert session.get(m.Takeaway, takeaway.id).text == "Reworded take-away"
    before = count_rows(at.engine, m.Takeaway)
    at.selectbox(key="ev_takeaway_pick").set_value(takeaway.id).run()
    click(at, "Delete take-away")
    assert count_rows(at.engine, m.Takeaway) == before - 1


def test_a_refused_takeaway_keeps_what_was_typed(app):
    at = app("facilitator", PAGE)
    event = _berlin(at)
    with Session(at.engine) as session:
        last = session.exec(
            select(m.EventSession.id)
            .where(m.EventSession.event_id == event.id)
            .order_by(m.EventSession.id.desc())
        ).first()
    at.selectbox(key="ev_takeaway_session").set_value(last)
    at.text_area(key="ev_takeaway_text").input("x" * 5000)  # longer than a take-away may be
    click(at, "Add take-away")
    assert at.error
    assert at.text_area(key="ev_takeaway_text").value == "x" * 5000
    assert at.selectbox(key="ev_takeaway_session").value == last


def _lyon_meeting(engine) -> dict[str, int]:
    """A network with Lyon and its e-shuttle, and a Lyon meeting with a site visit and a
    workshop; ids by name."""
    with Session(engine) as session:
        network = m.Network(name="Site visits test")
        session.add(network)
        session.flush()
        lyon = session.exec(select(m.City).where(m.City.name == "Lyon")).one()
        theme = session.exec(select(m.Theme).where(m.Theme.name == "Mobility")).one()
        session.add(m.Membership(network_id=network.id, city_id=lyon.id, role=m.Role.LIGHTHOUSE))
        shuttle = m.Solution(
            network_id=network.id,
            city_id=lyon.id,
            theme_id=theme.id,
            title="Navly autonomous e-shuttle",
            status="piloting",
        )
        event = m.Event(
            network_id=network.id,
            title="Meeting Lyon",
            place="Lyon",
            start_date=date(2017, 6, 28),
            end_date=date(2017, 6, 30),
        )
        session.add_all([shuttle, event])
        session.flush()
        day = datetime(2017, 6, 29, 14)
        visit = m.EventSession(
            event_id=event.id, title="Site visit Confluence: e-mobility", kind="site visit"
        )
        workshop = m.EventSession(event_id=event.id, title="Peer exchange", kind="workshop")
        visit.starts_at = workshop.starts_at = day
        session.add_all([visit, workshop])
        session.commit()
        return {
            "network": network.id,
            "event": event.id,
            "visit": visit.id,
            "workshop": workshop.id,
            "shuttle": shuttle.id,
        }


def _open_meeting(at, ids):
    at.run()
    at.selectbox(key="ev_network").set_value(ids["network"]).run()
    at.selectbox(key="ev_event").set_value(ids["event"]).run()


@pytest.mark.parametrize("role", ["coordinator", "facilitator"])
def test_a_site_visit_links_the_solutions_it_shows_and_lists_them(app, role):
    at = app(role, PAGE)
    ids = _lyon_meeting(at.engine)
    _open_meeting(at, ids)
    at.selectbox(key="ev_session_pick").set_value(ids["visit"]).run()
    assert "None linked yet." in [c.value for c in at.caption]
    at.multiselect(key="ev_visit_solutions").set_value([ids["shuttle"]])
    click(at, "Save the solutions shown")
    assert not at.error, [e.value for e in at.error]
    with Session(at.engine) as session:
        linked = session.exec(
            select(m.SessionSolution.solution_id).where(
                m.SessionSolution.session_id == ids["visit"]
            )
        ).all()
    assert linked == [ids["shuttle"]]
    shown = next(d.value for d in at.dataframe if "Theme" in d.value.columns)
    assert shown.to_dict("records") == [
        {
            "Solution": "Navly autonomous e-shuttle",
            "City": "Lyon",
            "Theme": "Mobility",
            "Status": "piloting",
        }
    ]
    agenda = _sessions(at).set_index("Session")
    assert agenda.loc["Site visit Confluence: e-mobility", "Solutions shown"] == (
        "Lyon: Navly autonomous e-shuttle"
    )
    assert agenda.loc["Peer exchange", "Solutions shown"] == ""


def test_a_workshop_does_not_offer_solutions(app):
    at = app("coordinator", PAGE)
    ids = _lyon_meeting(at.engine)
    _open_meeting(at, ids)
    at.selectbox(key="ev_session_pick").set_value(ids["workshop"]).run()
    assert not at.exception
    assert not any(w.key == "ev_visit_solutions" for w in at.multiselect)
    assert "Solutions shown" not in _sessions(at).columns
