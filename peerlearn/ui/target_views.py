"""Targets as tables: the status in words and in its colour, how far behind the path,
latest values; shared by the Targets screen and Home."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from peerlearn.charts.targets import NOT_MEASURED, STATUS_ORDER, amount
from peerlearn.rules import RAG_FILLS, TARGET_RAG, TargetStatus
from peerlearn.services.targets import TargetRow

# Tables show the status capitalised ("At risk"); their cells are styled by it.
STATUS_FILL = {s.capitalize(): RAG_FILLS[TARGET_RAG[s]] for s in TargetStatus}


def status_word(row: TargetRow) -> str:
    return (row.status or NOT_MEASURED).capitalize()


def status_style(value: object) -> str:
    """Cell style for a target status column (pandas Styler.map)."""
    fill = STATUS_FILL.get(str(value))
    return f"background-color: {fill}" if fill else ""


def behind_phrase(row: TargetRow) -> str:
    """How far the latest value is behind the straight path, in words."""
    reading = row.reading
    if reading is None:
        return "no value yet"
    if reading.met:
        return "met"
    if reading.done < 0:
        return "moving away from the target"
    if reading.behind <= 0:
        return "on or ahead of the path"
    return f"{reading.behind:.0%} of the way behind".replace("%", " %")


def behind_share(row: TargetRow) -> str:
    """How far behind the path as a share of the whole way: '18 %' ('–' unmeasured)."""
    if row.reading is None:
        return "–"
    return f"{row.reading.behind:.0%}".replace("%", " %")


def latest_phrase(row: TargetRow) -> str:
    if row.latest_value is None:
        return "–"
    return f"{amount(row.latest_value, row.unit)} ({row.latest_on:%d %b %Y})"


def target_phrase(row: TargetRow) -> str:
    """'at most 48,000 t CO2 by 31 Dec 2030'."""
    return f"{row.direction} {amount(row.target_value, row.unit)} by {row.deadline:%d %b %Y}"


def counted(rows: Sequence[TargetRow]) -> str:
    """'2 off track, 1 at risk': how many of each status, worst first, in words."""
    statuses = [r.status or NOT_MEASURED for r in rows]
    return ", ".join(f"{statuses.count(s)} {s}" for s in STATUS_ORDER if s in statuses)


def targets_frame(rows: Sequence[TargetRow], *, full: bool = True) -> pd.DataFrame:
    """One line per target; ``full`` adds theme, indicator, baseline and target value."""
    frame = {
        "Status": [status_word(r) for r in rows],
        "Owner": [r.owner for r in rows],
        "Target": [r.title for r in rows],
    }
    if full:
        frame["Theme"] = [r.theme or "" for r in rows]
        frame["Indicator"] = [r.indicator for r in rows]
        frame["Baseline"] = [
            f"{amount(r.baseline_value, r.unit)} ({r.baseline_year})" for r in rows
        ]
    # How far behind comes right after the target: the table is ranked by it.
    frame["Behind the path"] = [behind_phrase(r) for r in rows]
    frame["Latest value"] = [latest_phrase(r) for r in rows]
    if full:
        frame["Target value"] = [target_phrase(r) for r in rows]
        frame["Baseline"] = [
            f"{amount(r.baseline_value, r.unit)} ({r.baseline_year})" for r in rows
        ]
        frame["Theme"] = [r.theme or "" for r in rows]
        frame["Indicator"] = [r.indicator for r in rows]
    return pd.DataFrame(frame)


def targets_table(rows: Sequence[TargetRow], *, full: bool = True, key: str | None = None):
    """The targets as a table, the status cell in its colour beside its word."""
    frame = targets_frame(rows, full=full)
    return st.dataframe(
        frame.style.map(status_style, subset=["Status"]),
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            "Status": st.column_config.TextColumn(width=100),
            "Owner": st.column_config.TextColumn(width="small"),
            "Target": st.column_config.TextColumn(width="medium"),
            "Behind the path": st.column_config.TextColumn(width="medium"),
        },
    )


def theme_counts(rows: Sequence[TargetRow]) -> pd.DataFrame:
    """Targets per theme and status (long form: theme, status, targets), themes by name."""
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row.theme or "No theme", row.status or NOT_MEASURED)
        counts[key] = counts.get(key, 0) + 1
    records = [
        {"theme": theme, "status": status, "targets": n}
        for (theme, status), n in sorted(
            counts.items(), key=lambda item: (item[0][0].casefold(), STATUS_ORDER.index(item[0][1]))
        )
    ]
    return pd.DataFrame(records, columns=["theme", "status", "targets"])


def theme_table(counts: pd.DataFrame) -> pd.DataFrame:
    """The counts as a table: a row per theme, a column per status (the chart's text)."""
    wide = counts.pivot_table(
        index="theme", columns="status", values="targets", aggfunc="sum", fill_value=0
    ).reindex(columns=STATUS_ORDER, fill_value=0)
    wide.columns = [c.capitalize() for c in wide.columns]
    wide["All"] = wide.sum(axis=1)
    return wide.reset_index().rename(columns={"theme": "Theme"})
