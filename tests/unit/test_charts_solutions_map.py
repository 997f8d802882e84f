"""The knowledge carrier map: cities, solutions by theme, arrows to the cities taking them up."""

import math

import pandas as pd

from peerlearn.charts.solutions_map import TITLE, arrows, place_solutions, solutions_map

CITIES = pd.DataFrame(
    {
        "name": ["Lyon", "Sofia", "Munich"],
        "country": ["France", "Bulgaria", "Germany"],
        "role": ["lighthouse", "follower", "lighthouse"],
        "latitude": [45.74, 42.70, 48.14],
        "longitude": [4.82, 23.32, 11.58],
    }
)
LINKS = pd.DataFrame(
    [{"tandem": "Lyon–Sofia", "lon1": 4.82, "lat1": 45.74, "lon2": 23.32, "lat2": 42.70}]
)
SOLUTIONS = pd.DataFrame(
    {
        "title": ["Navly e-shuttle", "District heating", "Photovoltaics", "Car sharing"],
        "city": ["Lyon", "Lyon", "Lyon", "Munich"],
        "theme": ["Mobility", "Energy", "Energy", "Mobility"],
        "status": ["piloting", "in operation", "planned", "planned"],
        "site": ["Confluence", "", "", ""],
        "latitude": [45.735, None, None, None],
        "longitude": [4.815, None, None, None],
    }
)
REPLICATIONS = pd.DataFrame(
    {
        "solution": ["Navly e-shuttle", "Car sharing"],
        "from_city": ["Lyon", "Munich"],
        "city": ["Sofia", "Lyon"],
        "kind": ["studies", "replicates"],
        "status": ["considering", "piloting"],
    }
)
MARKS = ["geoshape", "rule", "rule", "circle", "point", "text", "text", "point"]


def _layers(spec: dict) -> dict[str, dict]:
    names = ["outlines", "tandems", "lines", "cities", "solutions", "halo", "labels", "heads"]
    return dict(zip(names, spec["layer"], strict=True))


def _rows(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


def _spec(**frames) -> dict:
    given = {"cities": CITIES, "links": LINKS, "solutions": SOLUTIONS, "replications": REPLICATIONS}
    return solutions_map(**(given | frames)).to_dict()


def test_the_map_layers_cities_solutions_and_arrows_with_a_title():
    spec = _spec()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == MARKS
    assert spec["title"]["text"] == TITLE
    assert spec["projection"]["type"] == "mercator"
    layers = _layers(spec)
    assert layers["cities"]["encoding"]["color"]["field"] == "role"
    assert len(_rows(spec, layers["tandems"])) == 1
    assert len(_rows(spec, layers["solutions"])) == 4
    assert [r["name"] for r in _rows(spec, layers["labels"])] == ["Lyon", "Sofia", "Munich"]
    assert layers["labels"]["mark"]["fontSize"] >= 16


def test_solutions_are_coloured_and_shaped_by_theme_with_status_in_the_tooltip():
    layers = _layers(spec := _spec())
    encoding = layers["solutions"]["encoding"]
    assert encoding["color"]["field"] == encoding["shape"]["field"] == "theme"
    assert encoding["color"]["scale"]["domain"] == ["Energy", "Mobility"]
    assert encoding["color"]["title"] == "Solution's theme"
    assert {t["field"] for t in encoding["tooltip"]} >= {"title", "city", "status", "site"}
    assert spec["resolve"]["scale"]["color"] == "independent"


def test_a_solution_with_a_site_stands_there_and_the_others_fan_out_round_their_city():
    away = SOLUTIONS.assign(latitude=[45.2, None, None, None], longitude=[5.9, None, None, None])
    placed = place_solutions(CITIES, away, scale=2000.0).set_index("title")
    assert (placed.loc["Navly e-shuttle", "lon"], placed.loc["Navly e-shuttle", "lat"]) == (
        5.9,
        45.2,
    )
    heating, panels = placed.loc["District heating"], placed.loc["Photovoltaics"]
    for spot in (heating, panels):
        assert 0 < math.dist((spot.lon, spot.lat), (4.82, 45.74)) < 1.5
    assert (heating.lon, heating.lat) != (panels.lon, panels.lat)


def test_a_site_that_would_hide_its_city_is_fanned_out_with_the_citys_others():
    placed = place_solutions(CITIES, SOLUTIONS, scale=2000.0).set_index("title")
    spots = {
        (p.lon, p.lat) for p in placed.loc[["Navly e-shuttle", "District heating"]].itertuples()
    }
    assert len(spots) == 2 and (4.815, 45.735) not in spots


def test_a_solution_nowhere_on_the_map_is_left_out():
    lost = SOLUTIONS.assign(city=["Atlantis"] * 4, latitude=None, longitude=None)
    assert place_solutions(CITIES, lost, scale=2000.0).empty


def test_an_arrow_runs_from_the_solutions_city_to_the_city_taking_it_up():
    layers = _layers(spec := _spec())
    lines = _rows(spec, layers["lines"])
    study = next(r for r in lines if r["kind"] == "studies")
    assert (study["from_city"], study["city"]) == ("Lyon", "Sofia")
    assert (study["lon1"], study["lon2"]) == (4.82, 23.32)
    dash = layers["lines"]["encoding"]["strokeDash"]["scale"]
    assert dict(zip(dash["domain"], dash["range"], strict=True))["studies"] != [1, 0]
    assert dict(zip(dash["domain"], dash["range"], strict=True))["replicates"] == [1, 0]
    assert layers["lines"]["encoding"]["color"]["title"] == "Arrow: the city"
    assert layers["heads"]["mark"]["shape"] == "triangle-up"
    assert layers["heads"]["encoding"]["angle"]["field"] == "angle"


def test_the_arrowhead_sits_just_short_of_the_city_pointing_at_it():
    rows = arrows(CITIES, REPLICATIONS, scale=2000.0).set_index("city")
    east = rows.loc["Sofia"]  # Lyon → Sofia: eastwards, a little south
    assert 90 < east.angle < 110
    assert 4.82 < east.head_lon < 23.32 and abs(east.head_lon - 23.32) < 1
    west = rows.loc["Lyon"]  # Munich → Lyon: westwards, a little south
    assert 240 < west.angle < 270


def test_empty_solutions_and_replications_still_draw_the_cities():
    empty = _spec(
        solutions=SOLUTIONS.iloc[0:0],
        replications=REPLICATIONS.iloc[0:0],
    )
    assert [layer["mark"]["type"] for layer in empty["layer"]] == MARKS


def test_the_projection_fits_the_cities_with_a_margin_at_any_width():
    projection = _spec()["projection"]
    (west, south), (east, north) = projection["fit"]["geometry"]["coordinates"]
    assert west < 4.82 and east > 23.32 and south < 42.70 and north > 48.14
    assert "scale" not in projection
