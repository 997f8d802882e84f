"""The targets reporting template and the measurements import: its long list and the
filled template, every problem of the preview, and apply through the service."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import InvalidInput, PermissionDenied
from peerlearn.excel.imports import apply_import, preview_import, template
from peerlearn.excel.targets_template import (
    INSTRUCTIONS,
    check_cycle,
    reporting_dates,
    targets_template,
)
from peerlearn.models_targets import Measurement
from peerlearn.services import targets
from tests.unit.knowledge_fixtures import knowledge  # noqa: F401
from tests.unit.test_imports import state, xlsx

FUTURE = date(date.today().year + 1, 12, 31)


def _template(session, world, every=2) -> openpyxl.Workbook:
    content = targets_template(
        session, actor=world.coordinator, network_id=world.network.id, every=every
    )
    return openpyxl.load_workbook(io.BytesIO(content))


def _header(sheet) -> list:
    return [c.value for c in sheet[2]]


def _preview(session, actor, content, world, filename="values.xlsx"):
    return preview_import(
        session,
        actor=actor,
        kind="measurements",
        filename=filename,
        content=content,
        network_id=world.network.id,
    )


def _stored(session, target_id) -> list[tuple[date, float]]:
    session.expire_all()
    return [
        (m.measured_on, m.value)
        for m in session.exec(
            select(Measurement)
            .where(Measurement.target_id == target_id, Measurement.archived_at.is_(None))
            .order_by(Measurement.measured_on)
        )
    ]


# --- the template ---------------------------------------------------------------------


def test_the_template_has_a_column_every_two_years_with_values_filled_in(
    session,
    world,
    knowledge,  # noqa: F811
):
    sheet = _template(session, world)["Measurements"]
    assert sheet["A1"].value == INSTRUCTIONS
    header = _header(sheet)
    assert header[:4] == ["Target id", "Owner", "Theme", "Target"]
    # Lyon's baseline is 2019 and Munich's deadline 31 Dec 2030: 2021, 2023, ... 2029, 2030.
    days = [h for h in header if h and h[-4:].isdigit() and " " in h]
    assert days == [f"31 Dec {y}" for y in (2021, 2023, 2025, 2027, 2029, 2030)]
    assert header[-2:] == ["Source", "Values on other days"]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(3, values_only=True)}
    munich = rows[knowledge.co2.id]
    assert munich["Target"] == "Cut CO2 emissions by 20 %"
    assert munich["31 Dec 2023"] == 57_600  # measured on a reporting date: filled in
    assert munich["31 Dec 2025"] is None  # blank, to fill
    assert munich["Values on other days"] == (
        "58,800 t CO2 on 31 Dec 2022; 56,400 t CO2 on 31 Dec 2024"
    )
    (rule,) = sheet.data_validations.dataValidation
    assert rule.type == "decimal"
    first = header.index("31 Dec 2021") + 1
    assert str(rule.sqref).startswith(openpyxl.utils.get_column_letter(first) + "3")
    assert sheet.print_title_rows == "$2:$2"


def test_a_one_year_cycle_gives_a_column_each_year(session, world, knowledge):  # noqa: F811
    header = _header(_template(session, world, every=1)["Measurements"])
    days = [h for h in header if h and h.startswith("31 Dec ")]
    assert days == [f"31 Dec {y}" for y in range(2020, 2031)]
    rows = targets.list_targets(session, actor=world.coordinator, network_id=world.network.id)
    assert reporting_dates(rows, 5) == [date(2024, 12, 31), date(2029, 12, 31), date(2030, 12, 31)]


@pytest.mark.parametrize("every", [0, 11, 1.5, True])
def test_a_cycle_is_a_whole_number_of_years(every):
    with pytest.raises(InvalidInput):
        check_cycle(every)


def test_a_tandem_members_template_holds_only_the_targets_they_measure(
    session,
    world,
    knowledge,  # noqa: F811
):
    from tests.unit.knowledge_fixtures import munich_co2

    mine = munich_co2(session, world.coordinator, world.network.id, world.arezzo.id, None)
    content = targets_template(session, actor=world.member, network_id=world.network.id)
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Measurements"]
    assert [r[0] for r in sheet.iter_rows(3, values_only=True)] == [mine.id]


def test_the_import_has_a_template_of_its_columns():
    sheet = openpyxl.load_workbook(io.BytesIO(template("measurements")))["Measurements"]
    assert [c.value for c in sheet[1]] == [
        "Network",
        "Target id",
        "City",
        "Target",
        "Date",
        "Value",
        "Source",
    ]


# --- the long list ---------------------------------------------------------------------


def test_a_long_list_previews_each_value_with_every_problem(session, world, knowledge):  # noqa: F811
    co2 = knowledge.co2.id
    content = xlsx(
        [
            ("Target id", "City", "Target", "Date", "Value", "Source"),
            (co2, None, None, "31.12.2025", "55 200", "Energy report"),  # 2: to add
            (None, "Munich", "cut co2 emissions by 20 %", date(2023, 12, 31), 57_600, None),  # 3
            (None, "Munich", "Halve the noise", "31.12.2025", 1, None),  # 4: unknown target
            (999_999, None, None, "31.12.2025", 1, None),  # 5: unknown id
            (co2, None, None, "31.12.2025", "lots", None),  # 6: not a number
            (co2, None, None, FUTURE, 50_000, None),  # 7: in the future
            (co2, None, None, date(2024, 12, 31), 50_000, None),  # 8: another value stored
            (co2, None, None, "2025-12-31", 55_000, None),  # 9: the same day as row 2
            (co2, None, None, date(2019, 12, 31), 61_000, None),  # 10: before the baseline
            (None, "Lyon", "Renewables above 20 %", "30.06.2025", "12,5", "Lyon"),  # 11: to add
        ]
    )
    preview = _preview(session, world.coordinator, content, world)
    assert [(a.row, a.label) for a in preview.adds] == [
        (2, "Munich: Cut CO2 emissions by 20 %, 31 Dec 2025"),
        (11, "Lyon: Renewables above 20 %, 30 Jun 2025"),
    ]
    assert preview.adds[0].write["value"] == 55_200
    assert preview.adds[1].write["value"] == 12.5
    assert [u.row for u in preview.unchanged] == [3]  # the same value stored: already there
    problems = {p.row: (p.column, p.reason) for p in preview.problems}
    assert set(problems) == {4, 5, 6, 7, 8, 9, 10}
    assert problems[4] == ("Target", "No target of Munich's is named 'Halve the noise'.")
    assert problems[5] == ("Target id", "No target has the id 999999.")
    assert problems[6][0] == "Value" and "not a number" in problems[6][1]
    assert problems[7][0] == "Date" and "in the future" in problems[7][1]
    assert problems[8][0] == "Value" and "56,400" not in problems[8][1]
    assert "has 56400 stored for 31 Dec 2024, not 50000" in problems[8][1]
    assert "already in row 2" in problems[9][1]
    assert "before the baseline year (2020)" in problems[10][1]
    before = state(session)
    with pytest.raises(InvalidInput):
        apply_import(session, actor=world.coordinator, preview=preview)
    assert state(session) == before


def test_a_clean_long_list_is_stored_through_the_service(session, world, knowledge):  # noqa: F811
    content = (
        "Target id;Date;Value;Source\n"
        f"{knowledge.co2.id};31.12.2025;55200;Energy report\n"
        f"{knowledge.co2.id};31.12.2023;57600;report\n"
    ).encode()
    preview = _preview(session, world.coordinator, content, world, filename="values.csv")
    assert preview.ok and (len(preview.adds), len(preview.unchanged)) == (1, 1)
    result = apply_import(session, actor=world.coordinator, preview=preview)
    assert (result.added, result.unchanged) == (1, 1)
    assert _stored(session, knowledge.co2.id)[-1] == (date(2025, 12, 31), 55_200)
    history = targets.target_history(session, actor=world.coordinator, target_id=knowledge.co2.id)
    assert (history[-1].source, history[-1].entered_by) == ("Energy report", "Coordinator")
    again = _preview(session, world.coordinator, content, world, filename="values.csv")
    assert (len(again.adds), len(again.unchanged)) == (0, 2)  # importing twice adds nothing


def test_a_tandem_member_imports_only_their_own_cities_values(
    session,
    world,
    knowledge,  # noqa: F811
):
    content = xlsx([("Target id", "Date", "Value"), (knowledge.co2.id, "31.12.2025", 1)])
    with pytest.raises(PermissionDenied):
        _preview(session, world.facilitator, content, world)
    # Munich is not a city of the member's tandem: the row is theirs to fix, not stored.
    preview = _preview(session, world.member, content, world)
    ((problem,),) = [[p.reason for p in preview.problems]]
    assert "You may not enter the values of Munich's targets" in problem
    own = targets.add_target(
        session,
        actor=world.coordinator,
        data=m.TargetCreate(
            network_id=world.network.id,
            city_id=world.arezzo.id,
            title="Open data sets",
            indicator="Data sets published",
            baseline_value=10,
            baseline_year=2022,
            target_value=50,
            direction="at least",
            deadline=date(2030, 12, 31),
        ),
    )
    content = xlsx([("Target id", "Date", "Value"), (own.id, "31.12.2024", 22)])
    preview = _preview(session, world.member, content, world)
    assert preview.ok and len(preview.adds) == 1
    result = apply_import(session, actor=world.member, preview=preview)
    assert result.added == 1
    history = targets.target_history(session, actor=world.member, target_id=own.id)
    assert [(h.value, h.entered_by) for h in history] == [(22, "Arezzo team")]


# --- the filled template -----------------------------------------------------------------


def _filled(session, world, knowledge, values: dict) -> bytes:  # noqa: F811
    book = _template(session, world)
    sheet = book["Measurements"]
    header = _header(sheet)
    for row in sheet.iter_rows(min_row=3):
        ident = row[0].value
        for name, value in values.get(ident, {}).items():
            row[header.index(name)].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_filled_template_is_read_back_as_measurements(session, world, knowledge):  # noqa: F811
    co2, renewables = knowledge.co2.id, knowledge.renewables.id
    content = _filled(
        session,
        world,
        knowledge,
        {
            co2: {"31 Dec 2025": 55_000, "Source": "Energy report 2025"},
            renewables: {"31 Dec 2021": 12, "31 Dec 2023": 14.5},
        },
    )
    preview = _preview(session, world.coordinator, content, world)
    assert any("reporting template" in note for note in preview.notes)
    assert not preview.problems
    assert sorted((a.label, a.write["value"]) for a in preview.adds) == [
        ("Lyon: Renewables above 20 %, 31 Dec 2021", 12),
        ("Lyon: Renewables above 20 %, 31 Dec 2023", 14.5),
        ("Munich: Cut CO2 emissions by 20 %, 31 Dec 2025", 55_000),
    ]
    assert [u.label for u in preview.unchanged] == [
        "Munich: Cut CO2 emissions by 20 %, 31 Dec 2023"  # prefilled: already there
    ]
    munich_row = next(a.row for a in preview.adds if a.label.startswith("Munich"))
    assert munich_row == next(u.row for u in preview.unchanged)  # the template's own row
    result = apply_import(session, actor=world.coordinator, preview=preview)
    assert (result.added, result.unchanged) == (3, 1)
    assert _stored(session, renewables) == [(date(2021, 12, 31), 12), (date(2023, 12, 31), 14.5)]
    history = targets.target_history(session, actor=world.coordinator, target_id=co2)
    assert history[-1].source == "Energy report 2025"


def test_the_filled_templates_problems_name_the_row_and_the_date(
    session,
    world,
    knowledge,  # noqa: F811
):
    content = _filled(
        session,
        world,
        knowledge,
        {
            knowledge.co2.id: {"31 Dec 2023": 50_000, "31 Dec 2025": "n/a"},
            knowledge.renewables.id: {"31 Dec 2029": 18},  # a date still to come
        },
    )
    preview = _preview(session, world.coordinator, content, world)
    reasons = sorted(p.reason for p in preview.problems)
    assert len(reasons) == 3
    assert any("57600 stored for 31 Dec 2023, not 50000" in r for r in reasons)
    assert any("not a number" in r and "(31 Dec 2025)" in r for r in reasons)
    assert any("31 Dec 2029 is in the future" in r for r in reasons)
    assert {p.row for p in preview.problems} == {3, 4}


def test_a_value_taken_meanwhile_refuses_the_whole_import(session, world, knowledge):  # noqa: F811
    content = xlsx(
        [
            ("Target id", "Date", "Value"),
            (knowledge.renewables.id, "31.12.2021", 12),
            (knowledge.co2.id, "31.12.2025", 55_000),
        ]
    )
    preview = _preview(session, world.coordinator, content, world)
    assert preview.ok and len(preview.adds) == 2
    targets.add_measurement(
        session,
        actor=world.coordinator,
        data=targets.MeasurementCreate(
            target_id=knowledge.co2.id, measured_on=date(2025, 12, 31), value=54_000
        ),
    )
    before = state(session)
    with pytest.raises(InvalidInput):  # the preview again finds a different value stored
        apply_import(session, actor=world.coordinator, preview=preview)
    assert state(session) == before
    assert _stored(session, knowledge.renewables.id) == []


# --- the command line ---------------------------------------------------------------------


def _run(session, *args: str):
    from click.testing import CliRunner

    from peerlearn import cli

    url = session.get_bind().url.render_as_string(hide_password=False)
    return CliRunner().invoke(cli.main, ["--database-url", url, *args])


def test_the_command_line_writes_the_template_and_imports_it_filled(
    session,
    world,
    knowledge,  # noqa: F811
    tmp_path,
):
    path = tmp_path / "targets.xlsx"
    result = _run(session, "export-targets", str(path), "--network", world.network.name)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    sheet = book["Measurements"]
    header = _header(sheet)
    assert "31 Dec 2023" in header and "31 Dec 2024" not in header
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == knowledge.co2.id)
    row[header.index("31 Dec 2025")].value = 55_000
    book.save(path)
    yearly = _run(session, "export-targets", str(tmp_path / "y.xlsx"), "--every", "1")
    assert "31 Dec 2024" in _header(openpyxl.load_workbook(tmp_path / "y.xlsx")["Measurements"])
    assert yearly.exit_code == 0, yearly.output

    result = _run(session, "import", "measurements", str(path), "--yes")
    assert result.exit_code == 0, result.output
    assert "1 added, 0 updated, 1 unchanged" in result.output
    assert _stored(session, knowledge.co2.id)[-1] == (date(2025, 12, 31), 55_000)


def test_amounts_are_read_as_europe_and_english_write_them(session, world, knowledge):  # noqa: F811
    co2 = knowledge.co2.id
    content = (
        "Target id;Date;Value\n"
        f"{co2};30.06.2021;59.234,5\n"  # 2: a point groups thousands, a comma decimals
        f'{co2};30.06.2022;"58,900.5"\n'  # 3: the English way
        f'{co2};31.12.2024;"57,000"\n'  # 4: 57 or 57000?
    ).encode()
    preview = _preview(session, world.coordinator, content, world, filename="values.csv")
    assert [a.write["value"] for a in preview.adds] == [59_234.5, 58_900.5]
    ((row, column, reason),) = [(p.row, p.column, p.reason) for p in preview.problems]
    assert (row, column) == (4, "Value")
    assert "'57,000' could be 57.000 or 57000" in reason


def test_a_coordinate_with_a_decimal_comma_is_still_a_coordinate():
    from peerlearn.excel.import_values import cell_number

    assert cell_number("4,815") == 4.815
    assert cell_number("45,76") == 45.76
