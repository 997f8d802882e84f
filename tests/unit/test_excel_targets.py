"""The summary's Targets, Measurements, Solutions, Replication and Site visits sheets,
and the line charts of the Targets sheet, read back from the saved workbook."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from openpyxl.chart import ScatterChart

from peerlearn import rules
from peerlearn.excel.summary import build_summary
from peerlearn.excel.target_sheets import Y_TITLE
from peerlearn.services import targets
from tests.unit.chart_anchors import assert_charts_stand_clear, chart_cells
from tests.unit.knowledge_fixtures import SUMMARY_DAY, knowledge  # noqa: F401

GENERATED = datetime.combine(SUMMARY_DAY, datetime.min.time(), tzinfo=UTC)
AMBER = rules.RAG_FILLS[rules.Rag.AMBER].removeprefix("#").upper()


def _book(session, actor, **scope) -> openpyxl.Workbook:
    content = build_summary(session, actor=actor, generated_at=GENERATED, **scope)
    return openpyxl.load_workbook(io.BytesIO(content))


def _table(sheet) -> list[dict]:
    """The sheet's table rows (down to the first blank row)."""
    values = list(sheet.iter_rows(values_only=True))
    header, rows = values[0], []
    for row in values[1:]:
        if row[0] is None:
            break
        if row[0] != "(none)":
            rows.append(dict(zip(header, row, strict=True)))
    return rows


def _status_cell(sheet, title: str):
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("Target")].value == title:
            return row[header.index("Status")]
    raise AssertionError(f"no row for {title}")


def test_munichs_co2_target_is_at_risk_in_the_workbook(session, world, knowledge):  # noqa: F811
    book = _book(session, world.coordinator, network_id=world.network.id)
    sheet = book["Targets"]
    rows = _table(sheet)
    munich = next(r for r in rows if r["Owner"] == "Munich")
    assert munich["Target"] == "Cut CO2 emissions by 20 %"
    assert (munich["Baseline"], munich["Baseline year"]) == (60_000, 2020)
    assert (munich["Target value"], munich["Direction"]) == (48_000, "at most")
    assert munich["Deadline"] == datetime(2030, 12, 31)
    assert (munich["Latest value"], munich["Latest date"]) == (56_400, datetime(2024, 12, 31))
    assert munich["Values measured"] == 3
    assert munich["Status"] == "at risk"
    assert 0.05 < munich["Behind the path"] < 0.15
    cell = _status_cell(sheet, "Cut CO2 emissions by 20 %")
    assert cell.fill.start_color.rgb.endswith(AMBER)
    # Its chart: the energy theme's, with Munich's line among its series.
    energy = next(c for c in sheet._charts if "Energy" in _text(c.title))
    assert isinstance(energy, ScatterChart)
    assert any("Munich" in _text(s.tx) for s in energy.series)
    summary = {r["What"]: r["Value"] for r in _table(book["Summary"])}
    assert summary["Targets at risk"] == 1
    assert summary["Targets"] == 2


def _text(part) -> str:
    """The words of a chart's title or a series' name, as saved."""
    if part is None:
        return ""
    if getattr(part, "v", None):
        return part.v
    rich = part.tx.rich if getattr(part, "tx", None) is not None else part.rich
    return "".join(r.t for p in rich.p for r in (p.r or []))


def test_the_targets_sheet_ranks_marks_example_data_and_charts_each_theme(
    session,
    world,
    knowledge,  # noqa: F811
):
    book = _book(session, world.coordinator, network_id=world.network.id)
    sheet = book["Targets"]
    rows = _table(sheet)
    listed = targets.list_targets(
        session, actor=world.coordinator, network_id=world.network.id, today=SUMMARY_DAY
    )
    assert [r["Target"] for r in rows] == [t.title for t in targets.ranked(listed)]
    lyon = next(r for r in rows if r["Owner"] == "Lyon")
    assert (lyon["Status"], lyon["Example data"], lyon["Values measured"]) == (
        "not measured yet",
        "example data",
        0,
    )
    assert _status_cell(sheet, "Renewables above 20 %").fill.fill_type is None
    charts = sheet._charts
    assert len(charts) == 1  # one theme has targets: Energy
    (chart,) = charts
    assert isinstance(chart, ScatterChart)
    assert len(chart.series) == 2  # one per target of the theme
    assert _text(chart.y_axis.title) == Y_TITLE
    assert_charts_stand_clear(sheet)
    first_row = chart_cells(sheet, chart)[0]
    assert first_row > len(rows) + 1  # below the table
    assert sheet.row_breaks.brk  # the charts start a page of their own
    # The values the chart draws stand beside it: the baseline at 0 %, then each value.
    block = [
        r
        for r in sheet.iter_rows(min_row=first_row, values_only=True)
        if r[0] == "Munich" and r[2] == "Cut CO2 emissions by 20 %"
    ]
    assert [r[3].date() for r in block] == [date(2020, 12, 31), *(d for d, _ in _values())]
    assert [round(r[4], 2) for r in block] == [0.0, 0.1, 0.2, 0.3]


def _values():
    from tests.unit.knowledge_fixtures import MUNICH_VALUES

    return MUNICH_VALUES


def test_charts_of_several_themes_never_overlap(session, world, knowledge):  # noqa: F811
    from tests.unit.knowledge_fixtures import munich_co2

    for n in range(3):  # more themes, with more targets each, to stack several charts
        theme_id = knowledge.mobility.id if n % 2 else knowledge.energy.id
        target = munich_co2(session, world.coordinator, world.network.id, None, theme_id)
        targets.update_target(
            session,
            actor=world.coordinator,
            target_id=target.id,
            data=targets.TargetUpdate(title=f"Shared goal {n}", version=target.version),
        )
    sheet = _book(session, world.coordinator, network_id=world.network.id)["Targets"]
    assert len(sheet._charts) == 2
    assert [len(c.series) for c in sheet._charts] == [4, 1]
    assert_charts_stand_clear(sheet)
    assert "The network" in [r["Owner"] for r in _table(sheet)]


def test_measurements_solutions_replication_and_site_visits(session, world, knowledge):  # noqa: F811
    history = targets.target_history(session, actor=world.coordinator, target_id=knowledge.co2.id)
    targets.withdraw_measurement(session, actor=world.coordinator, measurement_id=history[0].id)
    book = _book(session, world.coordinator, network_id=world.network.id)
    measured = _table(book["Measurements"])
    assert [(r["Date"].date(), r["Value"]) for r in measured] == [
        (date(2022, 12, 31), 58_800),
        (date(2023, 12, 31), 57_600),
        (date(2024, 12, 31), 56_400),
    ]
    assert measured[0]["Withdrawn"] is not None and measured[1]["Withdrawn"] is None
    assert {(r["Unit"], r["Source"], r["Entered by"]) for r in measured} == {
        ("t CO2", "report", "Coordinator")
    }
    (solution,) = _table(book["Solutions"])
    assert solution == {
        "City": "Lyon",
        "Theme": "Mobility",
        "Solution": "Autonomous e-shuttle",
        "Status": "in operation",
        "Site": "Lyon Confluence",
        "Latitude": 45.74,
        "Longitude": 4.82,
        "Links": "Video: https://example.org/shuttle",
        "Targets served": "Renewables above 20 %",
        "Shown on site visits": "#CIE meeting Berlin: Visit to Confluence",
        "Example data": None,
    }
    (pair,) = _table(book["Replication"])
    assert (pair["Solution"], pair["From city"], pair["Replicating city"]) == (
        "Autonomous e-shuttle",
        "Lyon",
        "Sofia",
    )
    assert (pair["Kind"], pair["Status"]) == ("studies", "considering")
    (visit,) = _table(book["Site visits"])
    assert (visit["Event"], visit["Site visit"], visit["Solution"], visit["City"]) == (
        "#CIE meeting Berlin",
        "Visit to Confluence",
        "Autonomous e-shuttle",
        "Lyon",
    )
    event_book = _book(session, world.coordinator, event_id=world.event.id)
    assert [r["Solution"] for r in _table(event_book["Site visits"])] == ["Autonomous e-shuttle"]


def test_a_tandems_summary_shows_its_own_cities_targets_and_solutions(
    session,
    world,
    knowledge,  # noqa: F811
):
    from tests.unit.knowledge_fixtures import munich_co2

    munich_co2(session, world.coordinator, world.network.id, world.arezzo.id, None)
    book = _book(session, world.member, tandem_id=world.tandem.id)
    assert [r["Owner"] for r in _table(book["Targets"])] == ["Arezzo"]
    assert book["Targets"]._charts and _table(book["Solutions"]) == []
    assert _table(book["Site visits"]) == [] and _table(book["Replication"]) == []
    assert {r["Owner"] for r in _table(book["Measurements"])} == {"Arezzo"}


@pytest.mark.parametrize("name", ["Targets", "Measurements", "Solutions", "Site visits"])
def test_the_new_sheets_print_like_the_others(session, world, knowledge, name):  # noqa: F811
    sheet = _book(session, world.coordinator, network_id=world.network.id)[name]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.oddFooter.right.text == "Page &P of &N"
    assert sheet.print_title_rows == (None if name == "Targets" else "$1:$1")


def test_histories_of_many_targets_are_each_targets_history(session, world, knowledge):  # noqa: F811
    ids = [knowledge.co2.id, knowledge.renewables.id]
    many = targets.target_histories(session, actor=world.coordinator, target_ids=ids)
    assert many == {
        i: targets.target_history(session, actor=world.coordinator, target_id=i) for i in ids
    }
    assert [m.value for m in many[knowledge.co2.id]] == [58_800, 57_600, 56_400]
    assert targets.target_histories(session, actor=world.coordinator, target_ids=[]) == {}
