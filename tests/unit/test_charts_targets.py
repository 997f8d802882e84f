"""A target's chart: the straight path, the measurements in the status colour, the
deadline and the target value as labelled rules; targets counted by theme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from peerlearn.charts.targets import STATUS_COLOURS, STATUS_ORDER, amount, target_chart, theme_bars
from peerlearn.rules import RAG_COLOURS, Rag


@dataclass
class Shown:
    title: str = "Cut CO2 emissions"
    owner: str = "Munich"
    indicator: str = "CO2 emissions"
    unit: str = "t CO2 per year"
    baseline_value: float = 60000.0
    baseline_year: int = 2020
    target_value: float = 48000.0
    deadline: date = date(2030, 12, 31)
    status: str | None = "at risk"


MEASURED = pd.DataFrame(
    {
        "measured_on": [date(2021, 12, 31), date(2022, 12, 31), date(2023, 12, 31)],
        "value": [59000.0, 58000.0, 57000.0],
    }
)


def _spec(chart) -> dict:
    return chart.to_dict()


def _rows(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


def test_the_chart_has_the_path_the_values_and_two_labelled_rules():
    spec = _spec(target_chart(Shown(), MEASURED))
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["line", "line", "rule", "text", "rule", "text"]
    assert spec["title"]["text"] == "Munich: Cut CO2 emissions"


def test_the_path_runs_from_the_end_of_the_baseline_year_to_the_deadline_dashed():
    spec = _spec(target_chart(Shown(), MEASURED))
    path = spec["layer"][0]
    assert path["mark"]["strokeDash"]
    rows = _rows(spec, path)
    assert [r["value"] for r in rows] == [60000.0, 48000.0]
    assert [r["day"][:10] for r in rows] == ["2020-12-31", "2030-12-31"]
    assert path["encoding"]["y"]["title"] == "CO2 emissions (t CO2 per year)"


def test_the_values_are_a_line_with_points_in_the_status_colour():
    spec = _spec(target_chart(Shown(), MEASURED))
    values = spec["layer"][1]
    assert values["mark"]["point"]
    assert values["mark"]["color"] == RAG_COLOURS[Rag.AMBER]
    assert [r["value"] for r in _rows(spec, values)] == [59000.0, 58000.0, 57000.0]
    off = _spec(target_chart(Shown(status="off track"), MEASURED))
    assert off["layer"][1]["mark"]["color"] == RAG_COLOURS[Rag.RED]


def test_the_deadline_and_the_target_value_are_labelled():
    spec = _spec(target_chart(Shown(), MEASURED))
    deadline_label, goal_label = spec["layer"][3], spec["layer"][5]
    assert _rows(spec, deadline_label)[0]["label"] == "deadline Dec 2030"
    assert _rows(spec, goal_label)[0]["label"] == "target 48,000 t CO2 per year"
    assert spec["layer"][4]["encoding"]["y"]["field"] == "value"


def test_a_target_not_measured_yet_still_shows_its_path():
    empty = pd.DataFrame({"measured_on": [], "value": []})
    spec = _spec(target_chart(Shown(status=None, unit=""), empty))
    assert _rows(spec, spec["layer"][1]) == []
    assert spec["layer"][1]["mark"]["color"] == STATUS_COLOURS[-1]
    assert spec["layer"][0]["encoding"]["y"]["title"] == "CO2 emissions"


def test_targets_by_theme_stack_worst_first_in_the_status_colours():
    counts = pd.DataFrame(
        {
            "theme": ["Energy", "Energy", "Mobility"],
            "status": ["at risk", "on track", "not measured"],
            "targets": [1, 2, 1],
        }
    )
    spec = _spec(theme_bars(counts))
    colour = spec["encoding"]["color"]
    assert colour["scale"]["domain"] == STATUS_ORDER
    assert colour["scale"]["range"] == STATUS_COLOURS
    assert STATUS_ORDER[:3] == ["off track", "at risk", "on track"]
    assert spec["title"] == "Targets by theme and status"
    assert [r["rank"] for r in spec["datasets"][spec["data"]["name"]]] == [1, 2, 3]


def test_amounts_read_as_people_write_them():
    assert amount(57000, "t CO2") == "57,000 t CO2"
    assert amount(22.5, "%") == "22.5 %"
    assert amount(3000.0) == "3,000"
    assert amount(None, "kWh") == "–"
