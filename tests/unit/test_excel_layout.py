"""The workbook as it is read and printed: charts that never overlap, with titles, axis
titles, whole-number counts and colours that keep red/amber/green for their meaning, a
form that stays readable with many tandems, and every sheet ready to print."""

from __future__ import annotations

import gc
import io
import math
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn.demo import load_demo
from peerlearn.excel.summary import build_summary
from peerlearn.rules import RAG_COLOURS, Rag
from tests.unit.chart_anchors import assert_charts_stand_clear, chart_cells, row_points

GENERATED = datetime(2024, 6, 1, 9, 30, tzinfo=UTC)


def _book(session, actor, **scope) -> openpyxl.Workbook:
    content = build_summary(session, actor=actor, generated_at=GENERATED, **scope)
    return openpyxl.load_workbook(io.BytesIO(content))


def _network(session, name) -> m.Network:
    return session.exec(select(m.Network).where(m.Network.name == name)).one()


@pytest.fixture
def cie(session, coordinator):
    load_demo(session)
    return _book(session, coordinator, network_id=_network(session, "#connectedinEurope").id)


@pytest.fixture
def scaled(session, coordinator):
    """A network of 24 tandems, more than a chart shows one by one."""
    load_demo(session, scale=2)
    return _book(session, coordinator, network_id=_network(session, "Synthetic network ×2").id)


def _text(rich) -> str:
    """The plain text of a chart or axis title."""
    if rich is None or rich.tx is None or rich.tx.rich is None:
        return ""
    return "".join(run.t for p in rich.tx.rich.p for run in (p.r or []))


def _colour(series) -> str:
    colour = series.graphicalProperties.solidFill.srgbClr
    return getattr(colour, "val", colour).upper()


def test_no_chart_covers_another_or_a_table(cie):
    assert_charts_stand_clear(cie["Charts"])


def test_no_chart_covers_another_with_many_tandems(scaled):
    assert_charts_stand_clear(scaled["Charts"])


def test_every_chart_has_a_title_axis_titles_and_whole_number_counts(cie):
    charts = cie["Charts"]._charts
    assert len(charts) >= 2
    for chart in charts:
        assert _text(chart.title)
        assert _text(chart.x_axis.title) and _text(chart.y_axis.title)
        assert chart.x_axis.delete is False and chart.y_axis.delete is False
        step = chart.y_axis.majorUnit
        assert step is not None and step >= 1 and float(step).is_integer()
        assert chart.y_axis.number_format.formatCode == "0"


def test_no_value_axis_mixes_two_measures(cie):
    """A chart of several series stacks parts of one whole (milestones by status);
    otherwise each measure has its own chart and its axis is titled after it."""
    for chart in cie["Charts"]._charts:
        if len(chart.series) > 1:
            assert chart.grouping == "stacked", _text(chart.title)
            assert _text(chart.y_axis.title) == "Milestones"
        else:
            header = chart.series[0].tx.strRef.f.split("!")[1].replace("$", "")
            assert cie["Charts"][header].value.startswith(_text(chart.y_axis.title))


def test_status_colours_keep_red_amber_and_green_for_their_meaning(cie):
    (status,) = [c for c in cie["Charts"]._charts if len(c.series) > 1]
    sheet = cie["Charts"]
    colours = {
        sheet[s.tx.strRef.f.split("!")[1].replace("$", "")].value: _colour(s) for s in status.series
    }
    rag = {rag: colour.removeprefix("#").upper() for rag, colour in RAG_COLOURS.items()}
    assert colours["done"] == rag[Rag.GREEN]
    assert colours["blocked"] == rag[Rag.RED]
    assert colours["in progress"] not in rag.values()
    assert colours["planned"] not in rag.values()
    assert len(set(colours.values())) == len(colours)


def test_the_charts_sheet_freezes_no_header_of_one_block(cie):
    assert cie["Charts"].freeze_panes is None


def test_many_tandems_chart_the_most_blocked_and_sum_the_others(session, scaled):
    sheet = scaled["Charts"]
    (status,) = [c for c in sheet._charts if len(c.series) > 1]
    first, _, last, _ = chart_cells(sheet, status)
    assert last - first + 1 <= 40  # it fits a page
    source = status.series[0].cat
    categories = (source.numRef or source.strRef).f.split("!")[1].replace("$", "").split(":")
    shown = [cell.value for (cell,) in sheet[categories[0] : categories[1]]]
    assert 1 < len(shown) <= 15
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "Tandem")
    block = []
    for row in rows[header + 1 :]:
        if row[0] is None:
            break
        block.append(row)
    assert [row[0] for row in block[: len(shown)]] == shown
    other = block[-1]
    assert other[0] == f"Other tandems ({24 - len(shown)})"
    blocked = [row[4] for row in block[:-1]]
    assert blocked == sorted(blocked, reverse=True)  # the most blocked first
    assert other[4] <= min(blocked) * (24 - len(shown))
    milestones = len([r for r in scaled["Roadmaps"].iter_rows(min_row=2, values_only=True)])
    assert sum(sum(row[1:5]) for row in block) == milestones


TABLE_SHEETS = [
    "README",
    "Summary",
    "Cities",
    "Tandems",
    "Challenges",
    "Common challenges",
    "Quiz results",
    "Quiz coverage",
    "Roadmaps",
    "Take-aways",
]


def test_every_sheet_prints_landscape_one_page_wide_with_its_header(cie):
    for sheet in cie.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert str(setup.paperSize) == str(sheet.PAPERSIZE_A4), sheet.title
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True, sheet.title
        header, footer = sheet.oddHeader, sheet.oddFooter
        assert "#connectedinEurope" in header.left.text, sheet.title
        assert header.center.text == "&A", sheet.title  # the sheet's name
        assert "&P of &N" in footer.right.text, sheet.title
        assert footer.left.text == "Summary of network: #connectedinEurope, 2024-06-01 09:30 UTC"
        if sheet.title in TABLE_SHEETS:
            assert sheet.print_title_rows.replace("$", "") == "1:1", sheet.title


def test_an_ampersand_in_the_network_prints_as_itself(session, coordinator):
    network = m.Network(name="Cities & Co &P")
    session.add(network)
    session.commit()
    book = _book(session, coordinator, network_id=network.id)
    assert book["Cities"].oddHeader.left.text.endswith("Cities && Co &&P")


def _lines(text: str, width: float) -> int:
    """The fewest lines ``text`` can take: no font fits 1.3 characters per unit of width."""
    per_line = width * 1.3
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


@pytest.mark.parametrize("title", ["Challenges", "Common challenges", "README", "Take-aways"])
def test_long_text_wraps_in_rows_tall_enough_to_show_it(cie, title):
    sheet = cie[title]
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    wrapped = 0
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            width = widths[cell.column_letter]
            if len(cell.value) > width:
                assert cell.alignment.wrap_text, (title, cell.coordinate)
                lines = _lines(cell.value, width)
                assert row_points(sheet, cell.row) >= min(409, 15 * lines), cell.coordinate
                wrapped += 1
    assert wrapped  # each of these sheets holds text longer than its column


def test_columns_are_sensible_for_a_page(cie):
    for sheet in cie.worksheets:
        widths = [d.width for d in sheet.column_dimensions.values() if d.width]
        assert widths and all(8 <= w <= 60 for w in widths), sheet.title
        if sheet.title != "Charts":
            assert sum(widths) <= 200, sheet.title  # readable when fit to one page wide


def test_building_leaves_the_garbage_collector_as_it_was(session, coordinator):
    """The collector is paused while cells pile up, and only then."""
    network = m.Network(name="Quiet")
    session.add(network)
    session.commit()
    assert gc.isenabled()
    build_summary(session, actor=coordinator, network_id=network.id)
    assert gc.isenabled()
    gc.disable()
    try:
        build_summary(session, actor=coordinator, network_id=network.id)
        assert not gc.isenabled()
    finally:
        gc.enable()
