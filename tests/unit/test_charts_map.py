"""The network map: country outlines, tandem lines and city points in one layered spec."""

import pandas as pd

from peerlearn.charts.map import countries, extent, network_map

CITIES = pd.DataFrame(
    {
        "name": ["Arezzo", "Arnsberg", "Utrecht"],
        "country": ["Italy", "Germany", "Netherlands"],
        "role": ["lighthouse", "follower", "follower"],
        "latitude": [43.46, 51.40, 52.09],
        "longitude": [11.88, 8.06, 5.12],
    }
)
LINKS = pd.DataFrame(
    [{"tandem": "Arezzo–Arnsberg", "lon1": 11.88, "lat1": 43.46, "lon2": 8.06, "lat2": 51.40}]
)


def _rows(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


def test_the_map_layers_outlines_lines_and_points():
    spec = network_map(CITIES, LINKS).to_dict()
    outlines, lines, points = spec["layer"]
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["geoshape", "rule", "circle"]
    assert outlines["data"]["format"] == {"type": "topojson", "feature": "countries"}
    assert outlines["data"]["values"]["type"] == "Topology"
    assert set(lines["encoding"]) >= {"longitude", "latitude", "longitude2", "latitude2"}
    assert points["encoding"]["color"]["field"] == "role"
    assert [t["field"] for t in points["encoding"]["tooltip"]] == ["name", "country", "role"]
    assert len(_rows(spec, points)) == 3 and len(_rows(spec, lines)) == 1


def test_the_colours_follow_the_roles_present():
    spec = network_map(CITIES, LINKS).to_dict()
    scale = spec["layer"][2]["encoding"]["color"]["scale"]
    assert scale["domain"] == ["lighthouse", "follower"]
    assert len(scale["range"]) == 2


def test_the_projection_fits_the_cities_at_any_width():
    spec = network_map(CITIES, LINKS).to_dict()
    assert spec["projection"]["type"] == "mercator"
    (west, south), (east, north) = spec["projection"]["fit"]["geometry"]["coordinates"]
    assert west < 5.12 and east > 11.88 and south < 43.46 and north > 52.09
    assert east - west < 15 and north - south < 15


def test_an_empty_map_shows_europe():
    box = extent(pd.DataFrame(columns=["latitude", "longitude"]))["geometry"]["coordinates"]
    (west, south), (east, north) = box
    assert west < -12 and east > 35 and south < 34 and north > 66
    spec = network_map(
        pd.DataFrame(columns=CITIES.columns), pd.DataFrame(columns=LINKS.columns)
    ).to_dict()
    assert len(spec["layer"]) == 3


def test_the_outlines_are_loaded_once():
    assert countries() is countries()
    assert "countries" in countries()["objects"]
