"""The network on a map: country outlines (Natural Earth 110m, shipped in data/geo),
cities as points coloured by their role, lines between tandem partners."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import altair as alt
import pandas as pd

COUNTRIES = Path(__file__).resolve().parents[2] / "data" / "geo" / "countries-110m.json"
ROLE_COLOURS = {
    "lighthouse": "#d95f02",
    "follower": "#1b9e77",
    "fellow": "#7570b3",
    "observer": "#888888",
    "member": "#1f78b4",
}
WIDTH, HEIGHT = 900, 480


@cache
def countries() -> dict:
    return json.loads(COUNTRIES.read_text(encoding="utf-8"))


def _mercator_y(latitude: float) -> float:
    phi = math.radians(max(-85.0, min(85.0, latitude)))
    return math.log(math.tan(math.pi / 4 + phi / 2))


def extent(cities: pd.DataFrame) -> dict:
    """The corners of the cities' box with a margin for names (Europe when there are
    none), for the projection to fit whatever width the map is drawn at."""
    if cities.empty:
        west, east, south, north = -12.0, 35.0, 34.0, 66.0
    else:
        west, east = cities["longitude"].min(), cities["longitude"].max()
        south, north = cities["latitude"].min(), cities["latitude"].max()
    margin = max(east - west, north - south, 4.0) * 0.15
    corners = [[west - margin, south - margin], [east + margin, north + margin]]
    shape = {"type": "MultiPoint", "coordinates": corners}
    return {"type": "Feature", "geometry": shape, "properties": {}}


def mercator(longitude: float, latitude: float) -> tuple[float, float]:
    """A point as the map projects it, up to scale: x eastwards, y northwards."""
    return math.radians(longitude), _mercator_y(latitude)


def outlines(*, clip: bool = False) -> alt.Chart:
    """The countries; ``clip`` keeps them inside the plot, off the title and legends."""
    return alt.Chart(
        alt.Data(values=countries(), format=alt.DataFormat(type="topojson", feature="countries"))
    ).mark_geoshape(fill="#eef1f4", stroke="#ffffff", strokeWidth=0.7, clip=clip)


def tandem_lines(links: pd.DataFrame) -> alt.Chart:
    """``links``: tandem, lon1, lat1, lon2, lat2."""
    return (
        alt.Chart(links)
        .mark_rule(color="#555555", strokeWidth=1.6, opacity=0.7)
        .encode(
            longitude="lon1:Q",
            latitude="lat1:Q",
            longitude2="lon2:Q",
            latitude2="lat2:Q",
            tooltip=[alt.Tooltip("tandem:N", title="Tandem")],
        )
    )


def city_points(
    cities: pd.DataFrame, *, size: int = 110, legend: alt.Legend | None = None
) -> alt.Chart:
    """``cities``: name, country, role, latitude, longitude; coloured by role."""
    roles = [r for r in ROLE_COLOURS if r in set(cities.get("role", []))] or list(ROLE_COLOURS)
    return (
        alt.Chart(cities)
        .mark_circle(size=size, opacity=0.95, stroke="white", strokeWidth=1)
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            color=alt.Color(
                "role:N",
                title="Role",
                scale=alt.Scale(domain=roles, range=[ROLE_COLOURS[r] for r in roles]),
                legend=legend or alt.Legend(orient="bottom-left"),
            ),
            tooltip=["name:N", "country:N", "role:N"],
        )
    )


def network_map(cities: pd.DataFrame, links: pd.DataFrame) -> alt.LayerChart:
    """``cities``: name, country, role, latitude, longitude (rows without coordinates are
    left out by the caller); ``links``: tandem, lon1, lat1, lon2, lat2."""
    return (
        alt.layer(outlines(clip=True), tandem_lines(links), city_points(cities))
        .project(type="mercator", fit=extent(cities))
        .properties(width=WIDTH, height=HEIGHT)
    )
