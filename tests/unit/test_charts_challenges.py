"""The plenary's chart builders, fed with small hand-made frames."""

import pandas as pd

from peerlearn.charts.challenges import category_bars, theme_city_heatmap


def _by_category() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": ["Funding", "Funding", "Consulting"],
            "tandem": ["Arezzo–Arnsberg", "Utrecht–Zagreb", "Utrecht–Zagreb"],
            "challenges": [3, 1, 2],
        }
    )


def _by_theme() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme": ["Mobility", "Mobility", "Energy"],
            "city": ["Arezzo", "Utrecht", "Arezzo"],
            "challenges": [4, 1, 2],
        }
    )


def test_category_bars_stack_the_tandems_largest_category_first():
    spec = category_bars(_by_category()).to_dict()
    assert spec["mark"]["type"] == "bar"
    encoding = spec["encoding"]
    assert encoding["y"]["field"] == "category"
    assert encoding["y"]["sort"] == ["Funding", "Consulting"]
    assert (encoding["x"]["field"], encoding["x"]["aggregate"]) == ("challenges", "sum")
    assert encoding["color"]["field"] == "tandem"


def test_category_bars_grow_with_the_categories():
    small = category_bars(_by_category()).to_dict()["height"]
    more = _by_category()
    more.loc[len(more)] = ["Qualified staff", "Utrecht–Zagreb", 1]
    assert category_bars(more).to_dict()["height"] == small + 40


def test_heatmap_writes_the_counts_in_contrasting_colours():
    spec = theme_city_heatmap(_by_theme()).to_dict()
    rect, text = spec["layer"]
    assert rect["mark"]["type"] == "rect"
    assert rect["encoding"]["color"]["field"] == "challenges"
    assert text["encoding"]["text"]["field"] == "challenges"
    # The half of the largest count (4) splits white from black numbers.
    assert "2.0" in text["encoding"]["color"]["condition"]["test"]
    assert spec["height"] == 40 * 2 + 110


def test_heatmap_names_every_city_and_counts_in_whole_numbers():
    spec = theme_city_heatmap(_by_theme()).to_dict()
    axis = spec["layer"][0]["encoding"]["x"]["axis"]
    # Vega-Lite's default drops labels it thinks overlap: every other city went missing.
    assert axis["labelOverlap"] is False
    assert axis["labelAngle"] == -40
    legend = spec["layer"][0]["encoding"]["color"]["legend"]
    assert (legend["format"], legend["tickMinStep"]) == ("d", 1)


def test_heatmap_of_nothing_still_builds():
    empty = pd.DataFrame({"theme": [], "city": [], "challenges": []})
    spec = theme_city_heatmap(empty).to_dict()
    assert spec["height"] == 40 + 110
