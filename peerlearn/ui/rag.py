"""Red/amber/green and deadlines, shown the same way on every screen."""

from __future__ import annotations

from datetime import date

from peerlearn.rules import RAG_FILLS, RAG_MEANING, Rag

RAG_BADGE = {rag: rag.capitalize() for rag in Rag}
# Tables show the badge ("Red"), so their cells are styled by it.
RAG_FILL = {RAG_BADGE[rag]: fill for rag, fill in RAG_FILLS.items()}
RAG_COLOR = {Rag.GREEN: "green", Rag.AMBER: "orange", Rag.RED: "red"}  # st.metric's names


def rag_style(value: object) -> str:
    """Cell style for a red/amber/green column (pandas Styler.map)."""
    fill = RAG_FILL.get(str(value))
    return f"background-color: {fill}" if fill else ""


def days_phrase(days: int | None) -> str:
    """How far a deadline is, in words: 'in 12 days', 'today', 'passed 700 days ago'."""
    if days is None:
        return "no deadline"
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "passed yesterday"
    return f"in {days} days" if days > 0 else f"passed {-days} days ago"


def rag_metric(column, label: str, rag: str | None) -> None:
    """A metric with the red/amber/green in its colour and what it means."""
    if rag is None:
        column.metric(label, "–", "no milestones yet", delta_color="gray", delta_arrow="off")
        return
    column.metric(
        label,
        RAG_BADGE[rag],
        RAG_MEANING[rag],
        delta_color=RAG_COLOR[rag],
        delta_arrow="off",
    )


def deadline_metric(column, label: str, deadline: date | None, today: date) -> None:
    """The deadline's date, and how far it is (red once it has passed)."""
    if deadline is None:
        column.metric(label, "none")
        return
    days = (deadline - today).days
    column.metric(
        label,
        f"{deadline:%d %b %Y}",
        days_phrase(days),
        delta_color="red" if days < 0 else "gray",
        delta_arrow="off",
    )
