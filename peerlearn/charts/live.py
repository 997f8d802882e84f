"""Charts of a live session: answers to the current question, word counts, vote tallies.

Sized for a projector: big labels, one colour plus a highlight, no chart chrome.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from peerlearn.models import QuestionKind
from peerlearn.services.live_results import CurrentQuestion, Tally

BAR = "#2f6f8f"
RIGHT = "#2e8b57"
FONT = 18


def _big(chart: alt.Chart, height: int) -> alt.Chart:
    return (
        chart.properties(height=height)
        .configure_axis(labelFontSize=FONT, titleFontSize=FONT, labelLimit=420, grid=False)
        .configure_view(strokeWidth=0)
        .configure_legend(disable=True)
    )


def answers_frame(question: CurrentQuestion, *, show_correct: bool) -> pd.DataFrame:
    """One row per option (choice) or scale step, with its count and share."""
    if question.kind == QuestionKind.SCALE:
        rows = [
            {"answer": str(value), "count": count, "right": False}
            for value, count in sorted(question.value_counts.items())
        ]
    else:
        rows = [
            {"answer": o.text, "count": o.count, "right": show_correct and o.is_correct}
            for o in question.options
        ]
    frame = pd.DataFrame(rows, columns=["answer", "count", "right"])
    total = int(frame["count"].sum()) if len(frame) else 0
    frame["share"] = frame["count"] / total if total else 0.0
    return frame


def answers_chart(question: CurrentQuestion, *, show_correct: bool = False) -> alt.Chart:
    """Horizontal bars for choice questions, columns per step (and the mean) for scales."""
    frame = answers_frame(question, show_correct=show_correct)
    colour = alt.condition("datum.right", alt.value(RIGHT), alt.value(BAR))
    if question.kind == QuestionKind.SCALE:
        bars = (
            alt.Chart(frame)
            .mark_bar(color=BAR, cornerRadiusEnd=4)
            .encode(
                x=alt.X("answer:O", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
                y=alt.Y("count:Q", title="Answers", axis=alt.Axis(tickMinStep=1)),
                tooltip=["answer", "count", alt.Tooltip("share:Q", format=".0%")],
            )
        )
        layers = [bars]
        if question.mean is not None:
            mean = pd.DataFrame({"answer": [str(round(question.mean))], "label": [question.mean]})
            layers.append(
                alt.Chart(mean)
                .mark_rule(color="#c0392b", strokeWidth=3, strokeDash=[6, 4])
                .encode(x="answer:O")
            )
        return _big(alt.layer(*layers), 320)
    bars = alt.Chart(frame).encode(
        y=alt.Y("answer:N", title=None, sort=None),
        x=alt.X("count:Q", title="Answers", axis=alt.Axis(tickMinStep=1)),
        tooltip=["answer", "count", alt.Tooltip("share:Q", format=".0%")],
    )
    labels = bars.mark_text(align="left", dx=6, fontSize=FONT).encode(
        text=alt.Text("share:Q", format=".0%")
    )
    return _big(
        bars.mark_bar(cornerRadiusEnd=4).encode(color=colour) + labels, 60 * len(frame) + 40
    )


def words_chart(words: list[tuple[str, int]], limit: int = 15) -> alt.Chart:
    """The most frequent words of open answers, as bars (a legible word cloud)."""
    frame = pd.DataFrame(words[:limit], columns=["word", "count"])
    bars = (
        alt.Chart(frame)
        .mark_bar(color=BAR, cornerRadiusEnd=4)
        .encode(
            y=alt.Y("word:N", title=None, sort="-x"),
            x=alt.X("count:Q", title="Mentions", axis=alt.Axis(tickMinStep=1)),
        )
    )
    return _big(bars, 34 * len(frame) + 40)


def tally_chart(tallies: list[Tally]) -> alt.Chart:
    """Dots per common challenge, highest first."""
    frame = pd.DataFrame(
        [{"challenge": t.name, "dots": t.dots, "voters": t.voters} for t in tallies],
        columns=["challenge", "dots", "voters"],
    )
    base = alt.Chart(frame).encode(
        y=alt.Y("challenge:N", title=None, sort="-x"),
        x=alt.X("dots:Q", title="Dots", axis=alt.Axis(tickMinStep=1)),
        tooltip=["challenge", "dots", "voters"],
    )
    labels = base.mark_text(align="left", dx=6, fontSize=FONT).encode(text="dots:Q")
    return _big(base.mark_bar(color=BAR, cornerRadiusEnd=4) + labels, 56 * len(frame) + 40)
