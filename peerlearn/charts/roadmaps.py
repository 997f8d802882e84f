"""The roadmap as a Gantt timeline: one bar per milestone, coloured red/amber/green,
with the tandem's deadline and today drawn as rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import altair as alt
import pandas as pd

from peerlearn.rules import RAG_COLOURS, Rag

FIRST_PHASE = timedelta(days=30)


def timeline_frame(rows: Sequence[dict]) -> pd.DataFrame:
    """Bars from the previous milestone's due date (30 days before for the first) to
    each milestone's own: the roadmap read as consecutive phases."""
    ordered = sorted(rows, key=lambda r: (r["due_date"], r["title"]))
    records, previous = [], None
    for row in ordered:
        end = row["due_date"]
        start = previous if previous is not None and previous < end else end - FIRST_PHASE
        records.append({**row, "start": start, "end": end})
        previous = end
    columns = ["title", "status", "rag", "owner", "start", "end", "due_date"]
    frame = pd.DataFrame(records, columns=columns)
    for column in ("start", "end", "due_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def gantt(rows: Sequence[dict], *, deadline: date | None, today: date) -> alt.LayerChart:
    """``rows``: dicts with title, status, rag, owner and due_date."""
    frame = timeline_frame(rows)
    order = list(frame["title"])
    bars = (
        alt.Chart(frame)
        .mark_bar(cornerRadius=3)
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%b %Y")),
            x2="end:T",
            y=alt.Y("title:N", title=None, sort=order, axis=alt.Axis(labelLimit=360)),
            color=alt.Color(
                "rag:N",
                title="Status",
                scale=alt.Scale(domain=list(RAG_COLOURS), range=list(RAG_COLOURS.values())),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                "title",
                "status",
                "owner",
                alt.Tooltip("due_date:T", title="due", format="%d %b %Y"),
            ],
        )
    )
    marks = [{"when": pd.Timestamp(today), "what": "today", "colour": "#555555"}]
    if deadline is not None:
        marks.append(
            {"when": pd.Timestamp(deadline), "what": "deadline", "colour": RAG_COLOURS[Rag.RED]}
        )
    rules = (
        alt.Chart(pd.DataFrame(marks))
        .mark_rule(strokeDash=[6, 4], strokeWidth=2)
        .encode(
            x="when:T",
            color=alt.Color("colour:N", scale=None),
            tooltip=["what", alt.Tooltip("when:T", format="%d %b %Y")],
        )
    )
    labels = (
        alt.Chart(pd.DataFrame(marks))
        .mark_text(align="left", dx=4, dy=-6, baseline="bottom")
        .encode(x="when:T", y=alt.value(0), text="what:N", color=alt.Color("colour:N", scale=None))
    )
    height = max(160, 36 * len(frame) + 90)
    return alt.layer(bars, rules, labels).properties(height=height)
