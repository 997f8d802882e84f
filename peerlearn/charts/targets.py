"""Charts of targets: one target's measurements against the straight path from its
baseline to its target value, and the network's targets counted by theme and status."""

from __future__ import annotations

import textwrap
from datetime import date
from typing import Protocol

import altair as alt
import pandas as pd

from peerlearn.rules import RAG_COLOURS, TARGET_RAG, TargetStatus, path_start

NOT_MEASURED = "not measured"
# Statuses in the order a reader scans them (worst first), with their colours.
STATUS_ORDER = [s.value for s in reversed(TargetStatus)] + [NOT_MEASURED]
STATUS_COLOURS = [RAG_COLOURS[TARGET_RAG[s]] for s in reversed(TargetStatus)] + ["#8c8c8c"]
PATH_COLOUR = "#555555"
HEIGHT = 320


class Charted(Protocol):
    """What the chart reads of a target (a TargetRow has it all)."""

    title: str
    owner: str
    indicator: str
    unit: str
    baseline_value: float
    baseline_year: int
    target_value: float
    deadline: date
    status: str | None


def amount(value: float | None, unit: str = "") -> str:
    """A value as people write it: 57000 → '57,000', 22.5 → '22.5', with its unit."""
    if value is None:
        return "–"
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    return f"{shown} {unit}".strip()


def target_chart(target: Charted, measured: pd.DataFrame) -> alt.LayerChart:
    """The path (dashed) from the baseline to the target value at the deadline, the
    measurements (``measured``: columns measured_on, value; withdrawn ones left out by
    the caller) as a line with points in the status colour, and the deadline and the
    target value as labelled rules."""
    unit = f" ({target.unit})" if target.unit else ""
    y_title = f"{target.indicator}{unit}"
    path = pd.DataFrame(
        {
            "day": pd.to_datetime([path_start(target.baseline_year), target.deadline]),
            "value": [target.baseline_value, target.target_value],
            "what": ["baseline", "target"],
        }
    )
    # A tick a year (a label per half year would repeat the year).
    x = alt.X(
        "day:T",
        title=None,
        axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1}),
    )
    # On lines of 40 characters: a long indicator would be cut at the chart's height.
    lines = textwrap.wrap(y_title, 40) or [y_title]
    y = alt.Y("value:Q", title=lines[0] if len(lines) == 1 else lines, scale=alt.Scale(zero=False))
    path_line = (
        alt.Chart(path)
        .mark_line(strokeDash=[6, 4], color=PATH_COLOUR)
        .encode(
            x=x,
            y=y,
            tooltip=[
                "what",
                alt.Tooltip("day:T", title="day", format="%d %b %Y"),
                alt.Tooltip("value:Q", format=",.4~f"),
            ],
        )
    )
    points = pd.DataFrame(
        {
            "day": pd.to_datetime(measured["measured_on"]) if len(measured) else [],
            "value": measured["value"].astype(float) if len(measured) else [],
        }
    )
    colour = RAG_COLOURS[TARGET_RAG[target.status]] if target.status else STATUS_COLOURS[-1]
    measured_line = (
        alt.Chart(points)
        .mark_line(point=alt.OverlayMarkDef(size=70, filled=True, color=colour), color=colour)
        .encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip("day:T", title="measured", format="%d %b %Y"),
                alt.Tooltip("value:Q", format=",.4~f"),
            ],
        )
    )
    deadline = pd.DataFrame(
        {"day": pd.to_datetime([target.deadline]), "label": [f"deadline {target.deadline:%b %Y}"]}
    )
    deadline_rule = alt.Chart(deadline).mark_rule(color=PATH_COLOUR).encode(x="day:T")
    deadline_label = (
        alt.Chart(deadline)
        .mark_text(align="right", dx=-4, baseline="middle", color=PATH_COLOUR)
        # Half way up: the path ends at the top or the bottom of the deadline's rule.
        .encode(x="day:T", y=alt.value(HEIGHT / 2), text="label:N")
    )
    goal = pd.DataFrame(
        {
            "value": [target.target_value],
            "label": [f"target {amount(target.target_value, target.unit)}"],
        }
    )
    goal_rule = alt.Chart(goal).mark_rule(strokeDash=[2, 3], color=PATH_COLOUR).encode(y="value:Q")
    goal_label = (
        alt.Chart(goal)
        .mark_text(align="left", dx=4, dy=-6, baseline="bottom", color=PATH_COLOUR)
        .encode(y="value:Q", x=alt.value(0), text="label:N")
    )
    return alt.layer(
        path_line, measured_line, deadline_rule, deadline_label, goal_rule, goal_label
    ).properties(
        title=alt.Title(f"{target.owner}: {target.title}", anchor="start"),
        height=HEIGHT,
    )


def theme_bars(counts: pd.DataFrame) -> alt.Chart:
    """Stacked bars: targets per theme (``counts``: theme, status, targets), one
    colour per status, worst first."""
    themes = counts["theme"].drop_duplicates().tolist() if len(counts) else []
    ranked = counts.assign(rank=[STATUS_ORDER.index(s) for s in counts["status"]])
    return (
        alt.Chart(ranked)
        .mark_bar()
        .encode(
            y=alt.Y("theme:N", title=None, sort=themes, axis=alt.Axis(labelLimit=220)),
            x=alt.X("sum(targets):Q", title="Targets", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "status:N",
                title="Status",
                scale=alt.Scale(domain=STATUS_ORDER, range=STATUS_COLOURS),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("rank:Q"),
            tooltip=["theme", "status", "targets"],
        )
        # The height includes the title and the legend (Streamlit fits the whole chart).
        .properties(title="Targets by theme and status", height=60 * max(1, len(themes)) + 140)
    )
