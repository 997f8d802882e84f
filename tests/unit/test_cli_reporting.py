"""The reporting commands of ``peerlearn``: export, import, backup, restore, ics."""

from __future__ import annotations

import io
import os
import sys
import types
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from peerlearn import cli
from peerlearn import models as m
from peerlearn.db import make_engine, table_counts, upgrade
from peerlearn.demo import load_demo
from tests.conftest import BACKENDS

CIE = "#connectedinEurope"


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cli.db'}"
    return request.getfixturevalue("pg_server").create_database("cli_reporting")


@pytest.fixture
def engine(url):
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def run(url):
    def invoke(*args: str, input: str | None = None, database: str | None = None):
        return CliRunner().invoke(cli.main, ["--database-url", database or url, *args], input=input)

    return invoke


@pytest.fixture
def demo(engine):
    """The demo network without any account."""
    with Session(engine) as session:
        load_demo(session)
    return engine


@pytest.fixture
def coordinator(demo):
    with Session(demo, expire_on_commit=False) as session:
        session.add(m.User(email="gone@example.org", role=m.UserRole.COORDINATOR, active=False))
        user = m.User(email="clara@example.org", role=m.UserRole.COORDINATOR)
        session.add(user)
        session.commit()
        return user


def first(engine, model, *conditions):
    with Session(engine) as session:
        return session.exec(select(model).where(*conditions).order_by(model.id)).first()


# --- import -------------------------------------------------------------------------


def test_import_template_then_import_then_nothing_to_change(run, demo, tmp_path):
    path = tmp_path / "cities.csv"
    assert run("import", "template", "cities", str(path)).exit_code == 0
    header = path.read_text(encoding="utf-8-sig")
    assert header.strip() == "City,Country,Latitude,Longitude,Role in network,Joined"
    path.write_text(header + 'Bergen,Norway,"60,39","5,32",follower\n', encoding="utf-8-sig")

    result = run("import", "cities", str(path), "--network", CIE, "--yes")

    assert result.exit_code == 0, result.output
    assert "1 to add, 0 to update" in result.stdout
    assert "Imported cities: 1 added, 0 updated" in result.stdout
    bergen = first(demo, m.City, m.City.name == "Bergen")
    assert (bergen.latitude, bergen.longitude) == (60.39, 5.32)
    network = first(demo, m.Network, m.Network.name == CIE)
    role = first(
        demo, m.Membership, m.Membership.city_id == bergen.id, m.Membership.network_id == network.id
    ).role
    assert role == "follower"

    before = table_counts(demo)
    again = run("import", "cities", str(path), "--network", CIE, "--yes")
    assert again.exit_code == 0
    assert "0 to add, 0 to update, 1 unchanged." in again.stdout
    assert "Nothing to change" in again.stdout
    assert table_counts(demo) == before


def test_import_asks_before_writing(run, demo, tmp_path):
    path = tmp_path / "challenges.csv"
    tandem = first(demo, m.Tandem)
    path.write_text(f"Tandem;Challenge;Priority\n{tandem.name};Find a data steward;high\n")
    before = table_counts(demo)

    declined = run("import", "challenges", str(path), input="n\n")
    assert declined.exit_code == 0, declined.output
    assert f"row 2: {tandem.name}: Find a data steward" in declined.stdout
    assert "Nothing was written." in declined.stdout
    assert table_counts(demo) == before

    accepted = run("import", "challenges", str(path), input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert table_counts(demo)["challenge"] == before["challenge"] + 1
    stored = first(demo, m.Challenge, m.Challenge.text == "Find a data steward")
    assert (stored.tandem_id, stored.priority) == (tandem.id, 1)


def test_import_with_problems_lists_them_and_writes_nothing(run, demo, tmp_path):
    path = tmp_path / "cities.xlsx"
    workbook = openpyxl.Workbook()
    for row in (("City", "Country", "Lat", "Lon"), ("Bergen", "Norway", 60, 5), ("Oslo", "", 1, 2)):
        workbook.active.append(row)
    workbook.save(path)
    before = table_counts(demo)

    result = run("import", "cities", str(path), "--yes")

    assert result.exit_code == 1
    assert "1 to add, 0 to update, 0 unchanged, 1 problem." in result.stdout
    assert "Row 3, column 'Country': The country must not be blank." in result.stderr
    assert "Nothing was imported: fix the 1 problem(s) above" in result.stderr
    assert table_counts(demo) == before


@pytest.mark.parametrize(
    "content, message",
    [
        (os.urandom(3000), "it holds binary data"),
        (b"%PDF-1.4\n...", "it is a PDF document"),
        (b"Name,Population\nBergen,285000\n", "The column(s) 'Country' are missing"),
    ],
)
def test_import_refuses_files_that_are_not_right(run, demo, tmp_path, content, message):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    before = table_counts(demo)
    result = run("import", "cities", str(path), "--yes")
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert table_counts(demo) == before


def test_import_refuses_a_file_too_large_before_reading_it(run, demo, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as file:
        file.truncate(6 * 1024 * 1024)
    result = run("import", "cities", str(path))
    assert result.exit_code == 1
    assert "it is 6.0 MB and at most 5 MB can be imported" in result.stderr


def test_import_names_an_unknown_network(run, demo, tmp_path):
    path = tmp_path / "cities.csv"
    path.write_text("City,Country\nBergen,Norway\n")
    result = run("import", "cities", str(path), "--network", "Nope")
    assert result.exit_code == 1
    assert "No network is called 'Nope', and none has that id." in result.stderr


def test_import_template_in_both_formats(run, engine, tmp_path):
    assert run("import", "template", "milestones", str(tmp_path / "m.xlsx")).exit_code == 0
    workbook = openpyxl.load_workbook(tmp_path / "m.xlsx")
    assert workbook.sheetnames == ["Milestones", "How to fill in"]
    assert workbook["Milestones"]["C1"].value == "Milestone"
    wrong = run("import", "template", "milestones", str(tmp_path / "m.ods"))
    assert wrong.exit_code == 2 and "FILE must end in .xlsx or .csv" in wrong.stderr


# --- backup and restore -------------------------------------------------------------


def test_backup_then_restore_into_a_new_database(run, coordinator, demo, tmp_path):
    path = tmp_path / "peerlearn-backup.zip"
    result = run("backup", str(path))
    assert result.exit_code == 0, result.output
    total = sum(table_counts(demo).values())
    assert f"Backed up {total} rows of" in result.stdout

    new_url = f"sqlite:///{tmp_path / 'new.db'}"  # no schema yet: restore creates it
    restored = run("restore", str(path), database=new_url)
    assert restored.exit_code == 0, restored.output
    assert f"Restored {total} rows" in restored.stdout
    new = make_engine(new_url)
    try:
        assert table_counts(new) == table_counts(demo)
    finally:
        new.dispose()

    again = run("restore", str(path), database=new_url)
    assert again.exit_code == 1
    assert "The database is not empty" in again.stderr


# --- export -------------------------------------------------------------------------


def _workbook(path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(path.read_bytes()))


def _readme(path) -> dict:
    rows = _workbook(path)["README"].iter_rows(min_row=2, values_only=True)
    return dict(rows)


def test_export_writes_the_workbook_of_each_scope_with_no_account(run, demo, tmp_path):
    network = first(demo, m.Network, m.Network.name == CIE)
    event = first(demo, m.Event, m.Event.network_id == network.id)
    tandem = first(demo, m.Tandem, m.Tandem.network_id == network.id)
    scopes = {
        "network": ("--network", CIE.upper(), f"network: {CIE}"),
        "event": ("--event", event.title, f"event: {event.title}"),
        "tandem": ("--tandem", str(tandem.id), f"tandem: {tandem.name}"),
    }
    for name, (option, value, heading) in scopes.items():
        path = tmp_path / f"{name}.xlsx"
        result = run("export", str(path), option, value)
        assert result.exit_code == 0, result.output
        assert f"Wrote {path}" in result.stdout
        assert _readme(path)["Summary of"] == heading


def test_export_with_no_scope_takes_the_only_network(run, engine, tmp_path):
    with Session(engine) as session:
        session.add(m.Network(name="Sharing Cities"))
        session.commit()
    path = tmp_path / "s.xlsx"
    result = run("export", str(path))
    assert result.exit_code == 0, result.output
    assert _readme(path)["Summary of"] == "network: Sharing Cities"


def test_export_with_no_scope_and_several_networks_names_them(run, demo, tmp_path):
    result = run("export", str(tmp_path / "s.xlsx"))
    assert result.exit_code == 1
    assert "Choose what to export with --network, --event or --tandem" in result.stderr
    assert f"'{CIE}'" in result.stderr and "'Sharing Cities'" in result.stderr
    assert not (tmp_path / "s.xlsx").exists()


def test_export_of_an_empty_database_says_there_is_nothing(run, engine, tmp_path):
    result = run("export", str(tmp_path / "s.xlsx"))
    assert result.exit_code == 1
    assert "There is no network to export yet." in result.stderr


def test_export_names_an_unknown_event(run, demo, tmp_path):
    result = run("export", str(tmp_path / "s.xlsx"), "--event", "Nope")
    assert result.exit_code == 1
    assert "No event is called 'Nope', and none has that id." in result.stderr
    assert not (tmp_path / "s.xlsx").exists()


def test_export_refuses_two_scopes(run, demo, tmp_path):
    result = run("export", str(tmp_path / "s.xlsx"), "--network", CIE, "--tandem", "1")
    assert result.exit_code == 1
    assert "Choose one scope" in result.stderr


# --- calendars ----------------------------------------------------------------------


@pytest.fixture
def fake_calendars(monkeypatch):
    calls = []
    module = types.ModuleType("peerlearn.calendars")

    def milestones_calendar(tandem, milestones):
        calls.append((tandem.name, [(x.title, x.due_date) for x in milestones]))
        return b"BEGIN:VCALENDAR milestones"

    def event_calendar(event, sessions):
        calls.append((event.title, [s.title for s in sessions]))
        return b"BEGIN:VCALENDAR sessions"

    module.milestones_calendar = milestones_calendar
    module.event_calendar = event_calendar
    monkeypatch.setitem(sys.modules, "peerlearn.calendars", module)
    return calls


def test_ics_of_a_tandem_and_of_an_event(run, demo, fake_calendars, tmp_path):
    tandem = first(demo, m.Tandem)
    event = first(demo, m.Event)
    with Session(demo) as session:
        milestones = session.exec(
            select(m.Milestone.title, m.Milestone.due_date)
            .join(m.Roadmap, m.Roadmap.id == m.Milestone.roadmap_id)
            .where(m.Roadmap.tandem_id == tandem.id, m.Milestone.archived_at.is_(None))
            .order_by(m.Milestone.due_date, m.Milestone.position, m.Milestone.id)
        ).all()
        sessions = session.exec(
            select(m.EventSession.title).where(
                m.EventSession.event_id == event.id, m.EventSession.archived_at.is_(None)
            )
        ).all()

    by_name = run("ics", "tandem", tandem.name, str(tmp_path / "t.ics"))
    by_id = run("ics", "event", str(event.id), str(tmp_path / "e.ics"))

    assert by_name.exit_code == 0 and by_id.exit_code == 0, by_id.output
    assert milestones and f"Wrote {len(milestones)} milestone(s)" in by_name.stdout
    assert (tmp_path / "t.ics").read_bytes() == b"BEGIN:VCALENDAR milestones"
    assert (tmp_path / "e.ics").read_bytes() == b"BEGIN:VCALENDAR sessions"
    assert fake_calendars[0] == (tandem.name, [tuple(row) for row in milestones])
    assert fake_calendars[1][0] == event.title
    assert sorted(fake_calendars[1][1]) == sorted(sessions)


def test_ics_names_an_unknown_tandem(run, demo, fake_calendars, tmp_path):
    result = run("ics", "tandem", "Nope", str(tmp_path / "t.ics"))
    assert result.exit_code == 1
    assert "No tandem is called 'Nope', and none has that id." in result.stderr


def test_ics_makes_real_calendars(run, demo, tmp_path):
    tandem = first(demo, m.Tandem)
    result = run("ics", "tandem", tandem.name, str(tmp_path / "t.ics"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "t.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


# --- messy files (tests/data) -------------------------------------------------------

DATA = Path(__file__).parent.parent / "data"


def test_import_preview_shows_every_value_it_writes(run, demo):
    cities = run("import", "cities", str(DATA / "cities_cp1250.csv"), "--network", CIE, input="n\n")
    assert cities.exit_code == 0, cities.output
    assert "Note: Read as Windows-1250 (Central European)" in cities.stdout
    assert (
        "row 3: Čakovec (Croatia): City Čakovec; Country Croatia; Latitude 46.3844; "
        "Longitude 16.4339; Role in network follower" in cities.stdout
    )

    milestones = run("import", "milestones", str(DATA / "milestones_dates.csv"), input="n\n")
    assert milestones.exit_code == 0, milestones.output
    assert "Due date 2027-06-03 (3 June 2027)" in milestones.stdout
    assert "Owner city Arezzo" in milestones.stdout
    assert "Owner city Arnsberg; Status planned" in milestones.stdout  # blank: planned
    assert "'Agreed on' (F) is not imported" in milestones.stdout


def test_import_reads_the_encoding_asked_for(run, demo):
    path = str(DATA / "cities_cp1250.csv")
    result = run("import", "cities", path, "--network", CIE, "--encoding", "windows-1252")
    assert result.exit_code == 1
    assert "Note: Read as Windows-1252 (Western European), as chosen." in result.stdout
    assert "Row 2, column 'City': '£ódŸ' looks garbled" in result.stderr
    unknown = run("import", "cities", path, "--encoding", "klingon")
    assert unknown.exit_code == 1 and "no text encoding called 'klingon'" in unknown.stderr


def test_import_lists_cells_beyond_the_header(run, demo):
    before = table_counts(demo)
    result = run("import", "cities", str(DATA / "cities_decimal_commas.csv"), "--yes")
    assert result.exit_code == 1
    assert "Row 3: This row has 7 cells but the header has 5" in result.stderr
    assert "Row 4: This row has 7 cells" in result.stderr
    assert table_counts(demo) == before


def test_a_header_only_file_has_no_rows(run, demo):
    result = run("import", "cities", str(DATA / "header_only.csv"), "--network", CIE, "--yes")
    assert result.exit_code == 0, result.output
    assert "Nothing to import: the file has a header but no rows." in result.stdout
    assert "already holds" not in result.stdout


def test_a_network_is_found_without_its_hash_and_case(run, demo, engine):
    path = str(DATA / "header_only.csv")
    found = run("import", "cities", path, "--network", "connectedineurope")
    assert found.exit_code == 0, found.output
    assert f"for the network '{CIE}'" in found.stdout

    with Session(engine) as session:
        session.add_all([m.Network(name="#Cities"), m.Network(name="cities")])
        session.commit()
    both = run("import", "cities", path, "--network", "CITIES")
    assert both.exit_code == 1
    assert "Several networks are called 'CITIES'" in both.stderr
    assert "'#Cities' (id " in both.stderr and "'cities' (id " in both.stderr

    unknown = run("import", "cities", path, "--network", "Nope")
    assert unknown.exit_code == 1
    assert "No network is called 'Nope'" in unknown.stderr
    assert f"'{CIE}'" in unknown.stderr and "'Smarter Together'" in unknown.stderr


def test_import_asks_whether_a_near_city_is_the_stored_one(run, demo, tmp_path):
    path = tmp_path / "variants.csv"
    path.write_text("City;Country;Role\nMünchen;Deutschland;lighthouse\n", encoding="utf-8")
    args = ("import", "cities", str(path), "--network", "connectedinEurope", "--yes")
    asked = run(*args)
    assert asked.exit_code != 0
    assert "row 2: München (Germany), is it Munich (Germany) [id" in asked.output
    assert "--same ROW" in asked.output
    done = run(*args, "--same", "2")
    assert done.exit_code == 0, done.output
    assert "1 updated" in done.output
    with Session(demo) as session:
        assert not session.exec(select(m.City).where(m.City.name == "München")).all()
        role = session.exec(
            select(m.Membership.role)
            .join(m.City, m.City.id == m.Membership.city_id)
            .where(m.City.name == "Munich")
        ).all()
    assert "lighthouse" in role
    assert run(*args, "--same", "two").exit_code != 0
