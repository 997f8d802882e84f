"""Charts of the plenary: challenges by category split by tandem, theme × city."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd


def category_bars(frame: pd.DataFrame) -> alt.Chart:
    """Horizontal stacked bars: challenges per category, one colour per tandem."""
    order = frame.groupby("category")["challenges"].sum().sort_values(ascending=False).index
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("category:N", title=None, sort=list(order), axis=alt.Axis(labelLimit=260)),
            x=alt.X("sum(challenges):Q", title="Challenges", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "tandem:N",
                title="Tandem",
                legend=alt.Legend(orient="bottom", columns=3, labelLimit=260),
            ),
            tooltip=["category", "tandem", "challenges"],
        )
        # The height includes the legend (Streamlit fits the whole chart into it).
        .properties(height=40 * len(order) + 40 + 22 * math.ceil(frame["tandem"].nunique() / 3))
    )


def theme_city_heatmap(frame: pd.DataFrame) -> alt.Chart:
    """A cell per theme and city, darker for more challenges, with the count written in."""
    # White numbers on the dark half of the scale, black on the light half.
    threshold = float(frame["challenges"].max()) / 2 if len(frame) else 0.0
    base = alt.Chart(frame).encode(
        # Every city named: Vega-Lite would drop labels it thinks overlap (every
        # other one, at the width of a page); slanted they fit.
        x=alt.X(
            "city:N",
            title=None,
            axis=alt.Axis(labelAngle=-40, labelOverlap=False, labelLimit=160),
        ),
        y=alt.Y("theme:N", title=None, axis=alt.Axis(labelLimit=260)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "challenges:Q",
            title="Challenges",
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(format="d", tickMinStep=1),  # counts: 1, 2, not 1.0, 1.2
        ),
        tooltip=["theme", "city", "challenges"],
    )
    labels = base.mark_text(baseline="middle").encode(
        text="challenges:Q",
        color=alt.condition(
            alt.datum.challenges > threshold, alt.value("white"), alt.value("black")
        ),
    )
    themes = frame["theme"].nunique() if len(frame) else 1
    return (cells + labels).properties(height=40 * themes + 110)  # + the city labels
