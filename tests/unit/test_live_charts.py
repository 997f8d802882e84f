"""Charts of the live screens: the mean where it is, counts that agree, projector sizes."""

from __future__ import annotations

from peerlearn.charts import live as charts
from peerlearn.live.snapshot import CurrentQuestion, OptionCount, Tally


def _scale(value_counts, mean, answers=None) -> CurrentQuestion:
    return CurrentQuestion(
        id=1,
        text="How important?",
        kind="scale",
        state="revealed",
        position=1,
        total=1,
        closes_at=None,
        scale_min=1,
        scale_max=5,
        has_correct=False,
        options=[],
        answers=answers if answers is not None else int(sum(value_counts.values())),
        mean=mean,
        value_counts=value_counts,
        texts=[],
        words=[],
        cities_answered=0,
    )


def _choice() -> CurrentQuestion:
    options = [OptionCount(1, "None yet", False, 1), OptionCount(2, "All of them", True, 4)]
    return CurrentQuestion(
        id=2,
        text="How many?",
        kind="single choice",
        state="revealed",
        position=1,
        total=1,
        closes_at=None,
        scale_min=None,
        scale_max=None,
        has_correct=True,
        options=options,
        answers=5,
        mean=None,
        value_counts={},
        texts=[],
        words=[],
        cities_answered=0,
    )


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _data(spec: dict, layer: dict) -> list[dict]:
    """The rows a layer draws (its own data, or the chart's shared data)."""
    return spec["datasets"][(layer.get("data") or spec["data"])["name"]]


def test_the_mean_is_drawn_at_its_true_value_on_a_numeric_axis():
    question = _scale({1: 0, 2: 0, 3: 1, 4: 2, 5: 2}, mean=4.2)
    spec = charts.answers_chart(question).to_dict()
    rules = [layer for layer in _layers(spec) if layer["mark"]["type"] == "rule"]
    assert len(rules) == 1
    assert rules[0]["encoding"]["x"]["type"] == "quantitative"
    assert _data(spec, rules[0])[0]["mean"] == 4.2  # not drawn on "4"
    bars = next(layer for layer in _layers(spec) if layer["mark"]["type"] == "bar")
    assert bars["encoding"]["x"]["type"] == "quantitative"
    assert bars["encoding"]["x"]["scale"]["domain"] == [0.5, 5.5]
    assert bars["encoding"]["x"]["axis"]["values"] == [1, 2, 3, 4, 5]
    assert bars["encoding"]["y2"] == {"datum": 0}  # columns stand on the axis


def test_per_city_the_bars_count_cities_like_the_mean():
    # Arezzo's two people (4 and 5) are half a city each; Arnsberg said 2.
    question = _scale({1: 0, 2: 1.0, 3: 0, 4: 0.5, 5: 0.5}, mean=3.25, answers=2)
    frame = charts.answers_frame(question, show_correct=False)
    assert frame["count"].sum() == question.answers
    assert (frame["value"] * frame["count"]).sum() / frame["count"].sum() == question.mean
    spec = charts.answers_chart(question, per_city=True).to_dict()
    bars = next(layer for layer in _layers(spec) if layer["mark"]["type"] == "bar")
    assert bars["encoding"]["y"]["title"] == "Cities"
    texts = [layer for layer in _layers(spec) if layer["mark"]["type"] == "text"]
    shown = {row["shown"] for row in _data(spec, texts[0])}
    assert shown == {"1", "0.5"}


def test_projector_charts_have_large_labels_and_thick_bars():
    spec = charts.answers_chart(_choice(), show_correct=True, size=charts.PROJECTOR).to_dict()
    assert spec["config"]["axis"]["labelFontSize"] >= 28
    assert spec["height"] >= 2 * 70  # two options, a thick bar each
    labels = next(layer for layer in _layers(spec) if layer["mark"]["type"] == "text")
    assert labels["mark"]["fontSize"] >= 28
    assert [row["label"] for row in _data(spec, labels)] == ["1 · 20%", "4 · 80%"]
    words = charts.words_chart([("budget", 3), ("staff", 2)], size=charts.PROJECTOR).to_dict()
    assert words["config"]["axis"]["labelFontSize"] >= 28


def test_the_ranking_is_numbered_and_ties_share_a_rank():
    tallies = [
        Tally(1, "Funding", 9, 5, 3),
        Tally(2, "Staff", 4, 3, 2),
        Tally(3, "Data", 4, 2, 2),
        Tally(4, "Trust", 1, 1, 1),
    ]
    assert charts.ranked(tallies) == ["1. Funding", "2. Staff", "2. Data", "4. Trust"]
    spec = charts.tally_chart(tallies, size=charts.PROJECTOR).to_dict()
    bars = next(layer for layer in _layers(spec) if layer["mark"]["type"] == "bar")
    assert [row["challenge"] for row in _data(spec, bars)][0] == "1. Funding"
    assert spec["config"]["axis"]["labelFontSize"] >= 28
