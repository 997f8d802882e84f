"""The knowledge carrier: the network's cities on the map with their solutions, and an
arrow from each solution's city to every city replicating, adapting or studying it.

Built on the network map (outlines, tandem lines, city points, its projection); made to
be read on a projector: large city names, one legend per thing shown.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from peerlearn.charts.map import (
    HEIGHT,
    WIDTH,
    city_points,
    extent,
    mercator,
    outlines,
    tandem_lines,
)

TITLE = "Solutions and the cities that take them up"
KINDS = ["replicates", "adapts", "studies"]
KIND_COLOURS = {"replicates": "#b2182b", "adapts": "#8c510a", "studies": "#4d4d4d"}
KIND_DASHES = {"replicates": [1, 0], "adapts": [1, 0], "studies": [6, 4]}
# Shapes other than the cities' circles and the arrowheads' triangles, one per theme.
THEME_SHAPES = [
    "square",
    "diamond",
    "cross",
    "triangle-down",
    "triangle-right",
    "triangle-left",
    "arrow",
]
THEME_COLOURS = ["#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#999999"]
FAN = 20  # pixels between a city and the solutions drawn around it
HEAD_GAP = 15  # pixels between an arrowhead's middle and the city it points at
# The width the map is usually drawn at, beside the side panel: offsets in pixels are
# reckoned at it (the projection fits whatever width it gets, so they scale with it).
DRAWN_WIDTH = 700
LEGEND_ROOM = 150  # the legends' height, added to the map's own
# Side by side under the map, each a column, so a narrow map still shows them whole.
LEGEND = {
    "orient": "bottom",
    "direction": "vertical",
    "labelFontSize": 14,
    "titleFontSize": 14,
    "symbolSize": 160,
    "labelLimit": 320,
}

SOLUTION_COLUMNS = ["title", "city", "theme", "status", "site", "latitude", "longitude"]
REPLICATION_COLUMNS = ["solution", "from_city", "city", "kind", "status"]


def _latitude(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def _shifted(lon: float, lat: float, dx: float, dy: float) -> tuple[float, float]:
    """The point ``dx``, ``dy`` away in projected units (radians of Mercator)."""
    x, y = mercator(lon, lat)
    return math.degrees(x + dx), _latitude(y + dy)


def pixels_per_radian(corners: list[list[float]]) -> float:
    """The scale the projection fitting ``corners`` takes at the usual drawn size."""
    (x1, y1), (x2, y2) = (mercator(lon, lat) for lon, lat in corners)
    return min(DRAWN_WIDTH / max(x2 - x1, 1e-6), HEIGHT / max(y2 - y1, 1e-6))


def place_solutions(cities: pd.DataFrame, solutions: pd.DataFrame, scale: float) -> pd.DataFrame:
    """Each solution at its site, or fanned out around its city when it has none or
    the site would hide the city's point; solutions with neither are left out."""
    where = {row.name: (row.longitude, row.latitude) for row in cities.itertuples()}

    def apart(row) -> bool:  # a site far enough from its city to be seen on its own
        if pd.isna(row.latitude) or pd.isna(row.longitude):
            return False
        if row.city not in where:
            return True
        site, city = mercator(row.longitude, row.latitude), mercator(*where[row.city])
        return math.dist(site, city) * scale >= FAN

    sited = [apart(row) for row in solutions.itertuples()]
    count = solutions["city"][[not s for s in sited]].value_counts().to_dict()
    rows = []
    seen: dict[str, int] = {}
    for row, at_site in zip(solutions.itertuples(), sited, strict=True):
        record = {c: getattr(row, c) for c in SOLUTION_COLUMNS}
        if at_site:
            record["lon"], record["lat"] = float(row.longitude), float(row.latitude)
        elif row.city in where:
            k, n = seen.get(row.city, 0), count[row.city]
            seen[row.city] = k + 1
            # East of the city, then round by the south to the west: its name is above.
            turn = math.pi / 2 + (math.pi * k / (n - 1) if n > 1 else 0.0)
            reach = FAN / scale
            record["lon"], record["lat"] = _shifted(
                *where[row.city], reach * math.sin(turn), reach * math.cos(turn)
            )
        else:
            continue
        rows.append(record)
    return pd.DataFrame(rows, columns=[*SOLUTION_COLUMNS, "lon", "lat"])


def arrows(cities: pd.DataFrame, replications: pd.DataFrame, scale: float) -> pd.DataFrame:
    """One row per replication between placed cities: the line's two ends, and where its
    head sits and which way it points (degrees clockwise from north, as drawn)."""
    where = {row.name: (row.longitude, row.latitude) for row in cities.itertuples()}
    rows = []
    for row in replications.itertuples():
        if row.from_city not in where or row.city not in where:
            continue
        (lon1, lat1), (lon2, lat2) = where[row.from_city], where[row.city]
        x1, y1 = mercator(lon1, lat1)
        x2, y2 = mercator(lon2, lat2)
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        gap = HEAD_GAP / scale
        head_lon, head_lat = _shifted(lon2, lat2, -dx / length * gap, -dy / length * gap)
        rows.append(
            {c: getattr(row, c) for c in REPLICATION_COLUMNS}
            | {
                "lon1": lon1,
                "lat1": lat1,
                "lon2": lon2,
                "lat2": lat2,
                "head_lon": head_lon,
                "head_lat": head_lat,
                "angle": math.degrees(math.atan2(dx, dy)) % 360,
            }
        )
    extra = ["lon1", "lat1", "lon2", "lat2", "head_lon", "head_lat", "angle"]
    return pd.DataFrame(rows, columns=[*REPLICATION_COLUMNS, *extra])


def framed(
    cities: pd.DataFrame, solutions: pd.DataFrame, replications: pd.DataFrame
) -> tuple[pd.DataFrame, list[str]]:
    """The cities the map frames, and the names of those left outside it.

    With solutions to show, the frame is the box of the cities that have them or take
    them up: an observer city on another continent would otherwise shrink Europe to a
    corner. Without any, every city."""
    involved = set(solutions.get("city", [])) | set(replications.get("city", []))
    involved |= set(replications.get("from_city", []))
    focus = cities[cities["name"].isin(involved)]
    if focus.empty:
        return cities, []
    (west, south), (east, north) = extent(focus)["geometry"]["coordinates"]
    inside = cities["longitude"].between(west, east) & cities["latitude"].between(south, north)
    return cities[inside], sorted(cities.loc[~inside, "name"])


def _kind_scale() -> alt.Scale:
    return alt.Scale(domain=KINDS, range=[KIND_COLOURS[k] for k in KINDS])


def _themes(solutions: pd.DataFrame) -> list[str]:
    return sorted(set(solutions["theme"])) if not solutions.empty else []


def solutions_map(
    cities: pd.DataFrame,
    links: pd.DataFrame,
    solutions: pd.DataFrame,
    replications: pd.DataFrame,
) -> alt.LayerChart:
    """``cities`` and ``links`` as :func:`peerlearn.charts.map.network_map` takes them;
    ``solutions``: title, city, theme, status, site, latitude, longitude (the site's,
    or empty); ``replications``: solution, from_city, city, kind, status."""
    cities, _ = framed(cities, solutions, replications)
    # Tandem lines between cities inside the frame only.
    spots = set(zip(cities["longitude"], cities["latitude"], strict=True))
    columns = (links["lon1"], links["lat1"], links["lon2"], links["lat2"])
    ends = [(a, b) in spots and (c, d) in spots for a, b, c, d in zip(*columns, strict=True)]
    links = links[pd.Series(ends, index=links.index, dtype=bool)]
    corners = extent(cities)
    scale = pixels_per_radian(corners["geometry"]["coordinates"])
    placed = place_solutions(cities, solutions, scale)
    pointed = arrows(cities, replications, scale)
    themes = _themes(placed)
    shapes = [THEME_SHAPES[i % len(THEME_SHAPES)] for i in range(len(themes))]
    colours = [THEME_COLOURS[i % len(THEME_COLOURS)] for i in range(len(themes))]
    replication_tooltip = [
        alt.Tooltip("solution:N", title="Solution"),
        alt.Tooltip("from_city:N", title="Of"),
        alt.Tooltip("city:N", title="City"),
        alt.Tooltip("kind:N", title="Takes it up"),
        alt.Tooltip("status:N", title="Status"),
    ]
    lines = (
        alt.Chart(pointed)
        .mark_rule(strokeWidth=2.6, opacity=0.85)
        .encode(
            longitude="lon1:Q",
            latitude="lat1:Q",
            longitude2="lon2:Q",
            latitude2="lat2:Q",
            color=alt.Color(
                "kind:N",
                title="Arrow: the city",
                scale=_kind_scale(),
                legend=alt.Legend(**LEGEND),
            ),
            strokeDash=alt.StrokeDash(
                "kind:N",
                scale=alt.Scale(domain=KINDS, range=[KIND_DASHES[k] for k in KINDS]),
                legend=None,
            ),
            tooltip=replication_tooltip,
        )
    )
    heads = (
        alt.Chart(pointed)
        .mark_point(shape="triangle-up", size=150, filled=True, opacity=1)
        .encode(
            longitude="head_lon:Q",
            latitude="head_lat:Q",
            angle=alt.Angle("angle:Q", scale=None),
            color=alt.Color("kind:N", scale=_kind_scale(), legend=None),
            tooltip=replication_tooltip,
        )
    )
    markers = (
        alt.Chart(placed)
        .mark_point(size=220, filled=True, opacity=0.95, stroke="white", strokeWidth=1)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            color=alt.Color(
                "theme:N",
                title="Solution's theme",
                scale=alt.Scale(domain=themes, range=colours),
                legend=alt.Legend(**LEGEND),
            ),
            shape=alt.Shape("theme:N", scale=alt.Scale(domain=themes, range=shapes)),
            tooltip=[
                alt.Tooltip("title:N", title="Solution"),
                alt.Tooltip("city:N", title="City"),
                alt.Tooltip("theme:N", title="Theme"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("site:N", title="Site"),
            ],
        )
    )
    names = alt.Chart(cities).encode(longitude="longitude:Q", latitude="latitude:Q", text="name:N")
    halo = names.mark_text(
        fontSize=17, fontWeight="bold", dy=-16, stroke="white", strokeWidth=4, strokeJoin="round"
    )
    label = names.mark_text(fontSize=17, fontWeight="bold", dy=-16, color="#1a1a1a")
    points = city_points(cities, size=200, legend=alt.Legend(**LEGEND))
    # Arrowheads last: a city's name must not hide the head pointing at it.
    layers = [outlines(clip=True), tandem_lines(links), lines, points, markers, halo, label, heads]
    return (
        alt.layer(*layers)
        .resolve_scale(color="independent", shape="independent")
        .project(type="mercator", fit=corners)
        .properties(width=WIDTH, height=HEIGHT + LEGEND_ROOM, title=alt.Title(TITLE, fontSize=18))
    )
