"""The roadmap's Gantt chart: bars per milestone coloured by RAG, deadline and today rules."""

from datetime import date

import pandas as pd

from peerlearn.charts.roadmaps import gantt, timeline_frame
from peerlearn.rules import RAG_COLOURS

ROWS = [
    {"title": "B", "status": "planned", "rag": "amber", "owner": "", "due_date": date(2024, 6, 1)},
    {
        "title": "A",
        "status": "done",
        "rag": "green",
        "owner": "Arezzo",
        "due_date": date(2024, 3, 1),
    },
]


def _layers(chart) -> list[dict]:
    return chart.to_dict()["layer"]


def _rows_of(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


def test_the_timeline_chains_milestones_as_phases():
    frame = timeline_frame(ROWS)
    assert list(frame["title"]) == ["A", "B"]
    assert frame["start"][0] == pd.Timestamp(2024, 1, 31)  # the first phase: 30 days
    assert frame["start"][1] == pd.Timestamp(2024, 3, 1)  # B starts when A is due
    assert list(frame["end"]) == [pd.Timestamp(2024, 3, 1), pd.Timestamp(2024, 6, 1)]


def test_milestones_due_the_same_day_still_get_a_visible_bar():
    same = [dict(ROWS[0], title=t, due_date=date(2024, 6, 1)) for t in ("X", "Y")]
    frame = timeline_frame(same)
    assert (frame["end"] - frame["start"]).min() > pd.Timedelta(0)


def test_no_milestones_give_an_empty_frame_with_the_columns():
    frame = timeline_frame([])
    assert frame.empty and {"start", "end", "rag"} <= set(frame.columns)


def test_the_gantt_has_bars_rules_and_labels():
    chart = gantt(ROWS, deadline=date(2024, 12, 31), today=date(2024, 4, 1))
    assert [layer["mark"]["type"] for layer in _layers(chart)] == ["bar", "rule", "text"]


def test_bars_run_from_start_to_end_coloured_by_rag_with_tooltips():
    bars = _layers(gantt(ROWS, deadline=None, today=date(2024, 4, 1)))[0]["encoding"]
    assert bars["x"]["field"] == "start" and bars["x2"]["field"] == "end"
    assert bars["y"]["field"] == "title" and bars["y"]["sort"] == ["A", "B"]
    assert bars["color"]["field"] == "rag"
    assert bars["color"]["scale"]["domain"] == list(RAG_COLOURS)
    assert bars["color"]["scale"]["range"] == list(RAG_COLOURS.values())
    assert {t["field"] for t in bars["tooltip"]} >= {"title", "status", "owner", "due_date"}


def test_the_rules_mark_the_deadline_and_today():
    chart = gantt(ROWS, deadline=date(2024, 12, 31), today=date(2024, 4, 1))
    spec = chart.to_dict()
    rule = spec["layer"][1]
    assert rule["encoding"]["x"]["field"] == "when"
    marks = {row["what"]: row["when"][:10] for row in _rows_of(spec, rule)}
    assert marks == {"today": "2024-04-01", "deadline": "2024-12-31"}


def test_without_a_deadline_only_today_is_drawn():
    spec = gantt(ROWS, deadline=None, today=date(2024, 4, 1)).to_dict()
    assert [row["what"] for row in _rows_of(spec, spec["layer"][1])] == ["today"]
