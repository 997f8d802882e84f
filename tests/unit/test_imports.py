"""Spreadsheet import (peerlearn.excel.imports): preview, apply, templates, bad files."""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from sqlmodel import SQLModel, select

from peerlearn import models as m
from peerlearn.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peerlearn.excel import import_files, import_network
from peerlearn.excel.imports import KINDS, apply_import, preview_import, template
from peerlearn.models import ChallengeCreate, CityCreate
from peerlearn.services import challenges as challenge_svc
from peerlearn.services import network as network_svc


def xlsx(rows, *, title: str = "Sheet1", sheets: dict | None = None) -> bytes:
    """A workbook whose first sheet holds ``rows`` (and further named sheets)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for name, more in (sheets or {}).items():
        extra = workbook.create_sheet(name)
        for row in more:
            extra.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def state(session) -> dict[str, list[tuple]]:
    """Every row of every table: to show that a refused import changed nothing at all."""
    session.expire_all()
    return {
        table.name: [
            tuple(row)
            for row in session.execute(select(table).order_by(*table.primary_key.columns)).all()
        ]
        for table in SQLModel.metadata.sorted_tables
    }


def preview(session, actor, kind, content, *, filename="file.xlsx", network=None, **kwargs):
    return preview_import(
        session,
        actor=actor,
        kind=kind,
        filename=filename,
        content=content,
        network_id=network.id if network is not None else None,
        **kwargs,
    )


def city(session, name: str, country: str) -> m.City | None:
    session.expire_all()
    return session.exec(
        select(m.City).where(m.City.name == name, m.City.country == country)
    ).one_or_none()


def problems(result) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.reason) for p in result.problems]


# --- cities -------------------------------------------------------------------------


MESSY_CITIES = (
    "Cities of the network\n"  # a title above the header
    "\n"
    " CITY NAME ;Country;Lat (°);Longitude;Population\n"
    "  Malmö ;Sweden;55,605;13,0038;350000\n"
    "Łódź;Poland;51,7592;19,456;\n"
    ";;;;\n"
    "arezzo;ITALY;43,47;11,88;99000\n"
    "Pirna\xa0;Germany;;;\n"
)


def test_messy_city_csv_is_previewed_then_imported_once(session, world, unchanged):
    content = MESSY_CITIES.encode("utf-8-sig")
    result = preview(session, world.coordinator, "cities", content, filename="cities.csv")

    assert result.ok, problems(result)
    assert "semicolon-separated" in result.source
    assert [(r.row, r.label) for r in result.adds] == [(4, "Malmö (Sweden)"), (5, "Łódź (Poland)")]
    assert [(r.row, r.label, r.changes) for r in result.updates] == [
        (7, "Arezzo (Italy)", {"Lat (°)": (43.46, 43.47)})
    ]
    assert [(r.row, r.label) for r in result.unchanged] == [(8, "Pirna (Germany)")]
    assert any("'Population' (E)" in note for note in result.notes)
    assert any("above the header" in note for note in result.notes)

    counts = apply_import(session, actor=world.coordinator, preview=result)

    assert (counts.added, counts.updated, counts.unchanged) == (2, 1, 1)
    malmo = city(session, "Malmö", "Sweden")
    assert (malmo.latitude, malmo.longitude) == (55.605, 13.0038)
    assert city(session, "Łódź", "Poland").latitude == 51.7592
    assert city(session, "Arezzo", "Italy").latitude == 43.47
    assert city(session, "Pirna", "Germany").latitude == 50.96  # blank cells keep the value

    before = state(session)
    again = preview(session, world.coordinator, "cities", content, filename="cities.csv")
    assert (len(again.adds), len(again.updates), len(again.unchanged)) == (0, 0, 4)
    with unchanged():
        counts = apply_import(session, actor=world.coordinator, preview=again)
    assert (counts.added, counts.updated) == (0, 0)
    assert state(session) == before


def test_windows_1252_csv_keeps_accents(session, world):
    content = "City,Country\nMálaga,Spain\nSão Paulo,Brazil\n".encode("cp1252")
    result = preview(session, world.coordinator, "cities", content, filename="c.csv")
    assert [r.label for r in result.adds] == ["Málaga (Spain)", "São Paulo (Brazil)"]
    assert result.encoding == "cp1252"


def test_decomposed_accents_match_the_stored_city(session, world):
    network_svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="Malmö", country="Sweden")
    )
    decomposed = "Malmo\u0308"  # o + combining diaeresis, as some Mac files have it
    content = f"City,Country\n{decomposed},Sweden\n".encode()
    result = preview(session, world.coordinator, "cities", content, filename="c.csv")
    assert (len(result.adds), len(result.unchanged)) == (0, 1)


def test_a_city_spelled_without_its_accent_is_not_added_twice(session, world, unchanged):
    network_svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="Málaga", country="Spain")
    )
    content = b"City,Country\nMalaga,Spain\nSofia,Bulgaria\n"
    with unchanged():
        result = preview(session, world.coordinator, "cities", content, filename="c.csv")
    assert [r.label for r in result.adds] == ["Sofia (Bulgaria)"]
    # The same city as stored, as the Network screen would refuse a second one.
    assert [r.label for r in result.unchanged] == ["Málaga (Spain)"]
    assert not result.problems


def test_cities_join_the_chosen_network_with_their_role(session, world):
    other = m.Network(name="Smarter Together")
    session.add(other)
    session.commit()
    content = xlsx(
        [
            ("City", "Country", "Role"),
            ("Arezzo", "Italy", "Lighthouse"),
            ("Lyon", "France", ""),
        ]
    )
    result = preview(session, world.coordinator, "cities", content, network=other)
    assert [r.label for r in result.adds] == ["Lyon (France)"]
    assert result.updates[0].changes == {"Role": ("not a member", "lighthouse")}

    apply_import(session, actor=world.coordinator, preview=result)

    session.expire_all()
    roles = dict(
        session.exec(
            select(m.City.name, m.Membership.role)
            .join(m.Membership, m.Membership.city_id == m.City.id)
            .where(m.Membership.network_id == other.id)
        ).all()
    )
    assert roles == {"Arezzo": "lighthouse", "Lyon": "member"}
    again = preview(session, world.coordinator, "cities", content, network=other)
    assert (len(again.adds), len(again.updates)) == (0, 0)


def test_bad_city_rows_are_all_listed_and_nothing_is_written(session, world, unchanged):
    content = xlsx(
        [
            ("Name", "Country", "Latitude", "Longitude", "Role in network"),
            ("Bergen", "", 60.39, 5.32, None),
            ("Oslo", "Norway", 95, 10.75, None),
            ("Turku", "Finland", 60.45, None, None),
            ("Gent", "Belgium", "north", 3.72, None),
            ("Oslo", "NORWAY", None, None, None),
            ("Tartu", "Estonia", None, None, "boss"),
            ("Pärnu", "Estonia", None, None, "member"),
        ]
    )
    before = state(session)
    with unchanged():
        result = preview(session, world.coordinator, "cities", content)
        assert problems(result) == [
            (2, "Country", "The country must not be blank."),
            (3, "Latitude", "The latitude must be between -90 and 90 degrees (got 95.0)."),
            (
                4,
                "Longitude",
                "Give both latitude and longitude, or neither; the longitude is missing.",
            ),
            (5, "Latitude", "'north' is not a number; write it like 43.46."),
            (6, "Name", "The city Oslo (NORWAY) is already in row 3; each may appear once."),
            (
                7,
                "Role in network",
                "'boss' is not one of: lighthouse, follower, fellow, observer, member.",
            ),
            (8, "Role in network", "A role needs a network: choose the network the roles are for."),
        ]
        with pytest.raises(InvalidInput, match=r"Nothing was imported.*Row 2, column 'Country'"):
            apply_import(session, actor=world.coordinator, preview=result)
    assert state(session) == before


def test_an_archived_city_is_a_problem(session, world):
    network_svc.archive_city(session, actor=world.coordinator, city_id=world.pirna.id)
    content = b"City,Country\nPirna,Germany\n"
    result = preview(session, world.coordinator, "cities", content, filename="c.csv")
    assert problems(result) == [
        (2, "City", "The city Pirna (Germany) is archived; restore it first.")
    ]


def test_an_excel_error_value_is_a_problem(session, world):
    content = xlsx([("City", "Country"), ("Bergen", "#REF!")])
    result = preview(session, world.coordinator, "cities", content)
    assert problems(result) == [
        (2, "Country", "The cell holds the Excel error #REF!; fix the formula or type it.")
    ]


@pytest.mark.parametrize("who", ["facilitator", "member", "nobody"])
def test_only_a_coordinator_imports_cities_and_tandems(session, world, unchanged, who):
    actor = {"facilitator": world.facilitator, "member": world.member, "nobody": None}[who]
    with unchanged():
        for kind in ("cities", "tandems"):
            with pytest.raises(PermissionDenied):
                preview(session, actor, kind, template(kind, "csv"))


def test_facilitators_do_not_import_milestones(session, world, unchanged):
    content = b"Tandem,Milestone,Due date\nArezzo\xe2\x80\x93Arnsberg,Pilot,2024-06-30\n"
    with unchanged(), pytest.raises(PermissionDenied, match="coordinator or tandem"):
        preview(session, world.facilitator, "milestones", content, filename="m.csv")
    result = preview(session, world.member, "milestones", content, filename="m.csv")
    assert result.ok, problems(result)


def test_the_command_line_imports_as_system_without_an_actor(session, world):
    content = b"City,Country\nBergen,Norway\n"
    result = preview(session, None, "cities", content, filename="c.csv", system=True)
    apply_import(session, actor=None, preview=result, system=True)
    assert city(session, "Bergen", "Norway") is not None


def test_unknown_kind_and_network(session, world, unchanged):
    with unchanged():
        with pytest.raises(InvalidInput, match="no import of 'people'"):
            preview(session, world.coordinator, "people", b"a,b\n")
        with pytest.raises(NotFound, match="No network with id 999"):
            preview_import(
                session,
                actor=world.coordinator,
                kind="cities",
                filename="c.csv",
                content=b"City,Country\n",
                network_id=999,
            )


# --- tandems ------------------------------------------------------------------------


def test_tandems_add_and_update_by_network_and_name(session, world, unchanged):
    network_svc.set_membership(
        session,
        actor=world.coordinator,
        data=m.MembershipCreate(
            network_id=world.network.id, city_id=world.utrecht.id, role="member"
        ),
    )
    energy = m.Theme(name="Energy")
    session.add(energy)
    session.commit()
    content = xlsx(
        [
            ("Tandem", "Partner cities", "Theme", "Deadline", "Description"),
            ("arezzo-arnsberg", "Arezzo; Arnsberg", "energy", "30.06.2025", None),
            ("Arezzo–Utrecht", "Arezzo (Italy), Utrecht + Pirna", None, "12/2025", "Three cities"),
        ]
    )
    result = preview(session, world.coordinator, "tandems", content, network=world.network)

    assert result.ok, problems(result)
    assert [r.label for r in result.adds] == ["Arezzo–Utrecht"]
    assert result.updates[0].label == "Arezzo–Arnsberg"
    assert result.updates[0].changes == {
        "Theme": ("Urban data platforms", "Energy"),
        "Deadline": (date(2024, 12, 31), date(2025, 6, 30)),
    }
    apply_import(session, actor=world.coordinator, preview=result)

    session.expire_all()
    added = session.exec(select(m.Tandem).where(m.Tandem.name == "Arezzo–Utrecht")).one()
    assert (added.network_id, added.deadline, added.description, added.theme_id) == (
        world.network.id,
        date(2025, 12, 31),
        "Three cities",
        None,
    )
    partners = set(
        session.exec(select(m.TandemCity.city_id).where(m.TandemCity.tandem_id == added.id))
    )
    assert partners == {world.arezzo.id, world.utrecht.id, world.pirna.id}
    updated = session.get(m.Tandem, world.tandem.id)
    assert (updated.theme_id, updated.deadline) == (energy.id, date(2025, 6, 30))

    before = state(session)
    again = preview(session, world.coordinator, "tandems", content, network=world.network)
    assert (len(again.adds), len(again.updates), len(again.unchanged)) == (0, 0, 2)
    with unchanged():
        apply_import(session, actor=world.coordinator, preview=again)
    assert state(session) == before


def test_bad_tandem_rows(session, world, unchanged):
    lyon = m.City(name="Lyon", country="France")
    session.add(lyon)
    session.commit()
    challenge_svc.add_challenge(
        session,
        actor=world.coordinator,
        data=ChallengeCreate(tandem_id=world.tandem.id, text="Data", city_id=world.arnsberg.id),
    )
    content = (
        "Network,Tandem,Partner cities,Theme,Deadline\n"
        "#connectedinEurope,New,Arezzo,,\n"
        "#connectedinEurope,Newer,Arezzo;Lyon,,\n"
        "#connectedinEurope,Newest,Arezzo;Paris;Pirna,Nope,31.02.2025\n"
        "Elsewhere,Other,Arezzo;Pirna,,\n"
        "#connectedinEurope,Arezzo–Arnsberg,Arezzo;Pirna,,\n"
        "#connectedinEurope,Twice,Arezzo;Arezzo,,\n"
        "#connectedinEurope,No cities,,,\n"
        "#connectedinEurope,new,Arezzo;Pirna,,\n"
    ).encode()
    with unchanged():
        result = preview(session, world.coordinator, "tandems", content, filename="t.csv")
    reasons = problems(result)
    assert reasons[0] == (
        2,
        "Partner cities",
        "A tandem needs at least two partner cities; 1 given (separate them with ';').",
    )
    assert reasons[1][:2] == (3, "Partner cities")
    assert "'Lyon' is not a member city of the network '#connectedinEurope'" in reasons[1][2]
    assert {r[1] for r in reasons if r[0] == 4} == {"Theme", "Deadline", "Partner cities"}
    assert (5, "Network", "No network is named 'Elsewhere'. Known: #connectedinEurope.") in reasons
    assert reasons[-4][:2] == (6, "Partner cities")
    assert "Arnsberg (Germany) cannot leave the tandem 'Arezzo–Arnsberg'" in reasons[-4][2]
    assert reasons[-3] == (7, "Partner cities", "Arezzo (Italy) is listed twice.")
    assert reasons[-2] == (8, "Partner cities", "A new tandem needs its partner cities.")
    assert reasons[-1] == (9, "Tandem", "The tandem new is already in row 2; each may appear once.")


def test_the_network_column_may_be_left_out_with_a_single_network(session, world):
    content = b"Tandem,Partner cities\nUtrecht-Arezzo,Utrecht;Arezzo\n"
    result = preview(session, world.coordinator, "tandems", content, filename="t.csv")
    assert result.ok and result.adds[0].values["Network"] == "#connectedinEurope"

    session.add(m.Network(name="Sharing Cities"))
    session.commit()
    result = preview(session, world.coordinator, "tandems", content, filename="t.csv")
    assert problems(result) == [
        (2, "Network", "Choose the network for the import, or fill in the Network column.")
    ]


# --- milestones ---------------------------------------------------------------------


def milestone_rows(session, tandem) -> dict[str, m.Milestone]:
    session.expire_all()
    rows = session.exec(
        select(m.Milestone)
        .join(m.Roadmap, m.Roadmap.id == m.Milestone.roadmap_id)
        .where(m.Roadmap.tandem_id == tandem.id)
    )
    return {row.title: row for row in rows}


def test_milestone_dates_in_every_accepted_form(session, world):
    tandem = world.tandem.name
    content = xlsx(
        [
            ("Tandem", "Milestone", "Due date", "Owner city", "Status"),
            (tandem, "Excel date", datetime(2024, 3, 1), "Arezzo", "done"),
            (tandem, "ISO", "2024-04-02", "arnsberg", "In Progress"),
            (tandem, "Dots", "31.12.2024", None, "in_progress"),
            (tandem, "Slashes", "30/11/2024", None, "completed"),
            (tandem, "Dashes", "29-10-2024", None, None),
            (tandem, "Short year", "28.09.24", None, "BLOCKED"),
            (tandem, "Month", "8/2024", None, "open"),
            (tandem, "Day number", 45500, None, None),
        ]
    )
    result = preview(session, world.coordinator, "milestones", content)
    assert result.ok, problems(result)
    apply_import(session, actor=world.coordinator, preview=result)

    stored = milestone_rows(session, world.tandem)
    assert {title: (row.due_date, row.status) for title, row in stored.items()} == {
        "Excel date": (date(2024, 3, 1), "done"),
        "ISO": (date(2024, 4, 2), "in progress"),
        "Dots": (date(2024, 12, 31), "in progress"),
        "Slashes": (date(2024, 11, 30), "done"),
        "Dashes": (date(2024, 10, 29), "planned"),
        "Short year": (date(2024, 9, 28), "blocked"),
        "Month": (date(2024, 8, 31), "planned"),
        "Day number": (date(2024, 7, 27), "planned"),
    }
    assert stored["Excel date"].owner_city_id == world.arezzo.id
    assert stored["ISO"].owner_city_id == world.arnsberg.id
    history = session.exec(select(m.MilestoneStatusChange)).all()
    assert len(history) == 8
    assert {(h.old_status, h.changed_by_id) for h in history} == {(None, world.coordinator.id)}


def test_milestone_update_records_the_status_change_and_is_idempotent(session, world, unchanged):
    first = xlsx(
        [
            ("Tandem", "Milestone", "Due date", "Status", "Partner contribution"),
            (world.tandem.name, "Kick-off", "01.03.2024", "planned", "Arnsberg hosts"),
        ]
    )
    apply_import(
        session,
        actor=world.member,
        preview=preview(session, world.member, "milestones", first),
    )
    second = xlsx(
        [
            ("Tandem", "Milestone", "Due date", "Status", "Partner contribution"),
            (world.tandem.name, " kick-OFF ", "15.03.2024", "done", None),
        ]
    )
    result = preview(session, world.member, "milestones", second)
    assert result.updates[0].changes == {
        "Due date": (date(2024, 3, 1), date(2024, 3, 15)),
        "Status": ("planned", "done"),
    }
    apply_import(session, actor=world.member, preview=result)

    kickoff = milestone_rows(session, world.tandem)["Kick-off"]
    assert (kickoff.due_date, kickoff.status, kickoff.partner_contribution) == (
        date(2024, 3, 15),
        "done",
        "Arnsberg hosts",
    )
    history = session.exec(
        select(m.MilestoneStatusChange.old_status, m.MilestoneStatusChange.new_status)
        .where(m.MilestoneStatusChange.milestone_id == kickoff.id)
        .order_by(m.MilestoneStatusChange.id)
    ).all()
    assert history == [(None, "planned"), ("planned", "done")]

    before = state(session)
    again = preview(session, world.member, "milestones", second)
    assert (len(again.adds), len(again.updates), len(again.unchanged)) == (0, 0, 1)
    with unchanged():
        apply_import(session, actor=world.member, preview=again)
    assert state(session) == before


def test_bad_milestone_rows(session, world, unchanged):
    content = xlsx(
        [
            ("Tandem", "Milestone", "Due date", "Owner city", "Status"),
            ("Nowhere", "A", "01.01.2024", None, None),
            (world.tandem.name, "B", "31.02.2024", None, None),
            (world.tandem.name, "C", "next week", None, None),
            (world.tandem.name, "D", None, None, None),
            (world.tandem.name, "E", "01.01.2024", "Utrecht", None),
            (world.tandem.name, "F", "01.01.2024", None, "maybe"),
            (world.tandem.name, "", "01.01.2024", None, None),
            (world.other_tandem.name, "G", "01.01.2024", None, None),
            (world.tandem.name, "b", "01.01.2024", None, None),
        ]
    )
    with unchanged():
        result = preview(session, world.member, "milestones", content)
    assert problems(result) == [
        (2, "Tandem", "No tandem is named 'Nowhere'."),
        (3, "Due date", "'31.02.2024' is not a date in the calendar."),
        (
            4,
            "Due date",
            "'next week' is not a date; write it like 31.12.2024 or 2024-12-31, "
            "or format the cell as a date.",
        ),
        (5, "Due date", "A new milestone needs a due date."),
        (
            6,
            "Owner city",
            "'Utrecht' is not a partner city of the tandem 'Arezzo–Arnsberg'. "
            "Known: Arezzo, Arnsberg.",
        ),
        (7, "Status", "'maybe' is not one of: planned, in progress, done, blocked."),
        (8, "Milestone", "The title must not be blank."),
        (9, "Tandem", "You are not a member of the tandem 'Utrecht–Pirna'."),
        (
            10,
            "Milestone",
            "The milestone 'b' of 'Arezzo–Arnsberg' is already in row 3; each may appear once.",
        ),
    ]


def test_a_tandem_name_in_two_networks_needs_the_network(session, world):
    other = m.Network(name="Sharing Cities")
    session.add(other)
    session.flush()
    session.add(m.Tandem(network_id=other.id, name=world.tandem.name))
    session.commit()
    content = xlsx(
        [("Tandem", "Milestone", "Due date"), (world.tandem.name, "Kick-off", "01.03.2024")]
    )
    result = preview(session, world.coordinator, "milestones", content)
    assert problems(result) == [
        (
            2,
            "Tandem",
            "Several tandems are named 'Arezzo–Arnsberg' (in #connectedinEurope, Sharing "
            "Cities); fill in the Network column or choose the network.",
        )
    ]
    result = preview(session, world.coordinator, "milestones", content, network=world.network)
    assert result.ok and len(result.adds) == 1


# --- challenges ---------------------------------------------------------------------


def test_challenges_add_update_and_match_by_text(session, world, unchanged):
    staff = m.Category(name="Qualified staff")
    session.add(staff)
    session.commit()
    content = (
        "Tandem\tChallenge\tCity\tCategory\tPriority\n"
        f"{world.tandem.name}\tFunding for a data platform\tArezzo\tfunding\thigh\n"
        f"{world.tandem.name}\tData experts are scarce\t\tQualified staff\t3\n"
    ).encode("utf-16")
    result = preview(session, world.member, "challenges", content, filename="c.txt")
    assert result.ok, problems(result)
    assert "tab-separated" in result.source
    apply_import(session, actor=world.member, preview=result)

    session.expire_all()
    stored = {c.text: c for c in session.exec(select(m.Challenge))}
    funding = stored["Funding for a data platform"]
    assert (funding.city_id, funding.category_id, funding.priority, funding.theme_id) == (
        world.arezzo.id,
        world.category.id,
        1,
        world.theme.id,  # the tandem's theme when blank
    )
    assert stored["Data experts are scarce"].priority == 3

    changed = (
        "Tandem,Challenge,Priority,Category\n"
        f"{world.tandem.name},FUNDING FOR A  DATA PLATFORM,medium,\n"
    ).encode()
    result = preview(session, world.member, "challenges", changed, filename="c.csv")
    assert result.updates[0].changes == {"Priority": ("high", "medium")}
    apply_import(session, actor=world.member, preview=result)
    session.expire_all()
    assert session.get(m.Challenge, funding.id).priority == 2

    before = state(session)
    with unchanged():
        again = preview(session, world.member, "challenges", content, filename="c.txt")
        assert (len(again.adds), len(again.updates)) == (0, 1)  # the priority back to high
        again = preview(session, world.member, "challenges", changed, filename="c.csv")
        assert (len(again.adds), len(again.updates), len(again.unchanged)) == (0, 0, 1)
        apply_import(session, actor=world.member, preview=again)
    assert state(session) == before


def test_bad_challenge_rows(session, world, unchanged):
    content = xlsx(
        [
            ("Tandem", "Challenge", "City", "Category", "Theme", "Priority"),
            (world.tandem.name, "A", "Pirna", None, None, None),
            (world.tandem.name, "B", None, "Money", None, None),
            (world.tandem.name, "C", None, None, "Nope", "urgent"),
            (world.tandem.name, "", None, None, None, None),
            (world.tandem.name, "x" * (m.TEXT_MAX + 1), None, None, None, None),
        ]
    )
    with unchanged():
        result = preview(session, world.coordinator, "challenges", content)
    assert problems(result) == [
        (
            2,
            "City",
            "'Pirna' is not a partner city of the tandem 'Arezzo–Arnsberg'. "
            "Known: Arezzo, Arnsberg.",
        ),
        (3, "Category", "No category is named 'Money'. Known: Funding."),
        (4, "Theme", "No theme is named 'Nope'. Known: Urban data platforms."),
        (4, "Priority", "'urgent' is not a priority; write high, medium or low (or 1, 2, 3)."),
        (5, "Challenge", "The challenge must not be blank."),
        (
            6,
            "Challenge",
            f"The challenge is {m.TEXT_MAX + 1} characters long; at most {m.TEXT_MAX} are allowed.",
        ),
    ]


def test_a_stale_preview_is_refused(session, world, unchanged):
    content = b"City,Country\nBergen,Norway\n"
    result = preview(session, world.coordinator, "cities", content, filename="c.csv")
    network_svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="Bergen", country="Norway")
    )
    with unchanged(), pytest.raises(Conflict, match="changed since this preview"):
        apply_import(session, actor=world.coordinator, preview=result)


def test_a_service_refusing_a_row_while_writing_names_it_and_stores_nothing(
    session, world, unchanged, monkeypatch
):
    """The import writes through the services; the first refusal undoes the rows before."""
    content = b"City,Country,Role\nBergen,Norway,member\nGraz,Austria,fellow\n"
    result = preview(
        session, world.coordinator, "cities", content, filename="c.csv", network=world.network
    )
    assert result.ok, problems(result)
    real = import_network.set_membership

    def refuse_graz(session, **kwargs):
        if kwargs["data"].role == "fellow":
            raise Conflict("Graz is already a member of the network.")
        return real(session, **kwargs)

    monkeypatch.setattr(import_network, "set_membership", refuse_graz)
    with unchanged(), pytest.raises(Conflict, match=r"^Row 3: Graz is already a member"):
        apply_import(session, actor=world.coordinator, preview=result)
    assert city(session, "Bergen", "Norway") is None


def test_the_command_line_writes_tandems_and_challenges_through_the_services(session, world):
    lines = "Tandem,Partner cities\nNew pair,Arezzo; Pirna\n"
    tandems = preview(
        session,
        None,
        "tandems",
        lines.encode(),
        filename="t.csv",
        network=world.network,
        system=True,
    )
    apply_import(session, actor=None, preview=tandems, system=True)
    content = f"Tandem,Challenge,City\nNew pair,Funding,Pirna\n{world.tandem.name},Skills,\n"
    found = preview(session, None, "challenges", content.encode(), filename="c.csv", system=True)
    assert found.ok, problems(found)
    assert apply_import(session, actor=None, preview=found, system=True).added == 2
    session.expire_all()
    texts = set(session.exec(select(m.Challenge.text)))
    assert {"Funding", "Skills"} <= texts


# --- files --------------------------------------------------------------------------


def test_headers_are_matched_forgivingly(session, world):
    content = xlsx(
        [
            ("  tandem NAME ", "TITLE", "Due-Date (dd.mm.yyyy)", "Owner", "État", "Notes"),
            (world.tandem.name, "Kick-off", "01.03.2024", "Arezzo", "x", "y"),
        ]
    )
    result = preview(session, world.coordinator, "milestones", content)
    assert result.ok and result.adds[0].values["Owner"] == "Arezzo"
    assert any("'État' (E), 'Notes' (F)" in note for note in result.notes)


def test_the_sheet_named_like_the_kind_is_read(session, world):
    content = xlsx(
        [("Anything",), ("else",)],
        title="Read me",
        sheets={"Cities": [("City", "Country"), ("Bergen", "Norway")]},
    )
    result = preview(session, world.coordinator, "cities", content)
    assert result.source == "sheet 'Cities' of file.xlsx"
    assert [r.label for r in result.adds] == ["Bergen (Norway)"]


def bomb() -> bytes:
    """A small zip that claims to be a workbook and unpacks to 70 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (70 * 1024 * 1024))
    return buffer.getvalue()


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


HOSTILE = {
    "empty": (b"", "the file is empty"),
    "blank": (b"  \n \n", "the file is empty"),
    "random bytes": (os.urandom(4096), "binary data"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n", "PDF document"),
    "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "Excel 97-2003"),
    "too large": (b"City,Country\n" + b"a,b\n" * (1_400_000), "at most 5 MB"),
    "zip bomb": (bomb(), "unpacks to more than 50 MB"),
    "damaged zip": (b"PK\x03\x04" + os.urandom(2000), "damaged zip file"),
    "word": (zipped({"word/document.xml": b"<w/>"}), "a Word document"),
    "ods": (
        zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
        "OpenDocument spreadsheet",
    ),
    "broken workbook": (
        zipped({"xl/workbook.xml": b"<not xml"}),
        "could not be read as an Excel workbook",
    ),
    "too many rows": (
        b"City,Country\n" + b"".join(b"C%d,X\n" % i for i in range(10_001)),
        "more than 10,000 rows",
    ),
    "no header": (b"foo,bar\n1,2\n", "No header row was found"),
    "missing column": (b"City,Lat\nBergen,60\n", "The column(s) 'Country' are missing"),
    "two name columns": (
        b"City,Country,Name\nBergen,Norway,Bergen\n",
        "The columns 'City' (A) and 'Name' (C) both hold the city",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_and_wrong_files_are_refused_with_a_reason(session, world, unchanged, case):
    content, reason = HOSTILE[case]
    with unchanged(), pytest.raises(InvalidInput, match=re.escape(reason)) as error:
        preview(session, world.coordinator, "cities", content, filename="upload")
    assert str(error.value).startswith(("'upload' cannot be imported", "No header", "The col"))


def test_a_sheet_padded_far_down_is_refused_early(session, world, unchanged):
    workbook = openpyxl.Workbook()
    workbook.active.append(["City", "Country"])
    workbook.active.cell(row=import_files.MAX_SCANNED_ROWS + 5, column=1, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with unchanged(), pytest.raises(InvalidInput, match="goes on past row 100,000"):
        preview(session, world.coordinator, "cities", buffer.getvalue())


# --- templates ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_templates_carry_every_column_and_import_back(session, world, kind):
    headers = [c.header for c in KINDS[kind].columns]
    workbook = openpyxl.load_workbook(io.BytesIO(template(kind)))
    assert [c.value for c in workbook.worksheets[0][1]] == headers
    assert workbook.worksheets[1].title == "How to fill in"
    assert template(kind, "csv").decode("utf-8-sig").strip() == ",".join(headers)

    empty = preview(session, world.coordinator, kind, template(kind))
    assert (empty.ok, empty.changes) == (True, 0)


def test_a_filled_in_template_imports(session, world):
    workbook = openpyxl.load_workbook(io.BytesIO(template("milestones")))
    workbook["Milestones"].append(
        [None, world.tandem.name, "Kick-off", datetime(2024, 3, 1), "Arezzo", "in progress"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = preview(session, world.coordinator, "milestones", buffer.getvalue())
    assert result.ok and result.adds[0].values["Due date"] == date(2024, 3, 1)


def test_unknown_template_format(session):
    with pytest.raises(InvalidInput, match="xlsx or a csv"):
        template("cities", "ods")
