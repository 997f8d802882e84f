"""Charts of a live session: answers to the current question, word counts, vote tallies.

Sized for where they are shown: a phone, the facilitator's screen, or a projector read
from the back of a room (labels of 30 px on a 1080p screen, thick bars, numbers at the
bars' ends); one colour plus a highlight, no chart chrome.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from peerlearn import rules
from peerlearn.live.snapshot import CurrentQuestion, Tally
from peerlearn.models import QuestionKind

BAR = "#2f6f8f"
RIGHT = "#2e8b57"
MEAN = "#c0392b"
INK = "#31333f"  # the labels in the text colour, not a pale grey, for the back row


@dataclass(frozen=True)
class Size:
    font: int  # axis labels and the numbers at the bars, in px
    row: int  # height of one horizontal bar's row, in px
    height: int  # height of a scale question's columns chart, in px
    limit: int  # longest axis label, in px


PHONE = Size(font=15, row=44, height=220, limit=220)
SCREEN = Size(font=16, row=46, height=280, limit=420)
PROJECTOR = Size(font=30, row=80, height=400, limit=900)


def _big(chart: alt.Chart, height: int, size: Size) -> alt.Chart:
    return (
        chart.properties(height=height)
        .configure_axis(
            labelFontSize=size.font,
            titleFontSize=max(14, size.font - 4),
            labelLimit=size.limit,
            labelColor=INK,
            grid=False,
        )
        .configure_view(strokeWidth=0)
        .configure_legend(disable=True)
    )


def answers_frame(question: CurrentQuestion, *, show_correct: bool) -> pd.DataFrame:
    """One row per option (choice) or scale step, with its count and its share of the
    people (or cities) who answered: 4 of 5 people choosing an option is 80 %, however
    many options each picked, as in the Excel summary."""
    if question.kind == QuestionKind.SCALE:
        rows = [
            {"answer": str(value), "value": value, "count": count, "right": False}
            for value, count in sorted(question.value_counts.items())
        ]
    else:
        rows = [
            {"answer": o.text, "value": n, "count": o.count, "right": show_correct and o.is_correct}
            for n, o in enumerate(question.options)
        ]
    frame = pd.DataFrame(rows, columns=["answer", "value", "count", "right"])
    frame["count"] = frame["count"].astype(float)
    frame["share"] = [rules.share(c, question.answers) for c in frame["count"]]
    pairs = zip(frame["count"], frame["share"], strict=True)
    frame["label"] = [f"{rules.number(c)} · {s:.0%}" if c else "" for c, s in pairs]
    return frame


def answers_chart(
    question: CurrentQuestion,
    *,
    show_correct: bool = False,
    per_city: bool = False,
    size: Size = SCREEN,
) -> alt.Chart:
    """Horizontal bars for choice questions; columns per step and the mean for scales.

    The mean is drawn where it is (4.2 a fifth of the way from 4 to 5), and counts the
    same thing as the columns: people, or cities (``per_city``).
    """
    frame = answers_frame(question, show_correct=show_correct)
    unit = "Cities" if per_city else "People"
    if question.kind == QuestionKind.SCALE:
        return _scale_chart(question, frame, unit, size)
    colour = alt.condition("datum.right", alt.value(RIGHT), alt.value(BAR))
    base = alt.Chart(frame).encode(
        y=alt.Y("answer:N", title=None, sort=list(frame["answer"])),
        x=alt.X("count:Q", title=unit, axis=None),
        tooltip=["answer", "count", alt.Tooltip("share:Q", format=".0%")],
    )
    bars = base.mark_bar(cornerRadiusEnd=4).encode(color=colour)
    labels = base.mark_text(align="left", dx=8, fontSize=size.font, fontWeight="bold").encode(
        text="label:N"
    )
    return _big(bars + labels, size.row * max(1, len(frame)) + 20, size)


def _scale_chart(question: CurrentQuestion, frame: pd.DataFrame, unit: str, size: Size):
    low, high = question.scale_min, question.scale_max
    frame = frame.assign(start=frame["value"] - 0.4, end=frame["value"] + 0.4)
    x_scale = alt.Scale(domain=[low - 0.5, high + 0.5], nice=False, zero=False)
    axis = alt.Axis(values=list(range(low, high + 1)), format="d", labelAngle=0, ticks=False)
    top = max(1.0, float(frame["count"].max()) if len(frame) else 1.0) * 1.25
    y_scale = alt.Scale(domain=[0, top])
    bars = (
        alt.Chart(frame)
        .mark_bar(color=BAR, cornerRadiusTopLeft=4, cornerRadiusTopRight=4)
        .encode(
            x=alt.X("start:Q", title=None, scale=x_scale, axis=axis),
            x2="end:Q",
            y=alt.Y("count:Q", title=unit, scale=y_scale, axis=None),
            y2=alt.datum(0),
            tooltip=["answer", "count", alt.Tooltip("share:Q", format=".0%")],
        )
    )
    counts = (
        alt.Chart(frame[frame["count"] > 0].assign(shown=lambda f: f["count"].map(rules.number)))
        .mark_text(dy=-size.font * 0.7, fontSize=size.font, fontWeight="bold")
        .encode(x=alt.X("value:Q", scale=x_scale), y=alt.Y("count:Q", scale=y_scale), text="shown")
    )
    layers = [bars, counts]
    if question.mean is not None:
        mean = pd.DataFrame({"mean": [question.mean], "label": [f"mean {question.mean:.1f}"]})
        rule = alt.Chart(mean).mark_rule(color=MEAN, strokeWidth=4, strokeDash=[8, 5])
        layers.append(rule.encode(x=alt.X("mean:Q", scale=x_scale)))
        text = alt.Chart(mean).mark_text(
            color=MEAN, align="left", dx=8, baseline="top", fontSize=size.font, fontWeight="bold"
        )
        layers.append(text.encode(x=alt.X("mean:Q", scale=x_scale), y=alt.value(4), text="label"))
    return _big(alt.layer(*layers), size.height, size)


def words_chart(words: list[tuple[str, int]], limit: int = 12, *, size: Size = SCREEN):
    """The most frequent words of open answers (each counted once per answer), as bars:
    a word cloud that can be read."""
    frame = pd.DataFrame(words[:limit], columns=["word", "count"])
    base = alt.Chart(frame).encode(
        y=alt.Y("word:N", title=None, sort=list(frame["word"])),
        x=alt.X("count:Q", title="Answers using the word", axis=None),
        tooltip=["word", "count"],
    )
    bars = base.mark_bar(color=BAR, cornerRadiusEnd=4)
    labels = base.mark_text(align="left", dx=8, fontSize=size.font, fontWeight="bold").encode(
        text="count:Q"
    )
    return _big(bars + labels, int(size.row * 0.8) * max(1, len(frame)) + 20, size)


def ranked(tallies: list[Tally]) -> list[str]:
    """'1. Funding', '2. Staff', '2. Data', '4. …': ties share a rank."""
    ordered = sorted(tallies, key=lambda t: -t.dots)
    ranks = rules.ranks([t.dots for t in ordered])
    return [f"{rank}. {t.name}" for rank, t in zip(ranks, ordered, strict=True)]


def tally_chart(tallies: list[Tally], *, size: Size = SCREEN) -> alt.Chart:
    """Dots per common challenge, highest first, numbered by rank.

    The order is spelt out in the spec (not left to the data's order): a chart that is
    updated in place with new data then still sorts by the new ranks.
    """
    ordered = sorted(tallies, key=lambda t: -t.dots)
    labels = ranked(ordered)
    frame = pd.DataFrame(
        [
            {"challenge": label, "dots": t.dots, "voters": t.voters}
            for label, t in zip(labels, ordered, strict=True)
        ],
        columns=["challenge", "dots", "voters"],
    )
    base = alt.Chart(frame).encode(
        y=alt.Y("challenge:N", title=None, sort=labels),
        x=alt.X("dots:Q", title="Dots", axis=None),
        tooltip=["challenge", "dots", "voters"],
    )
    labels = base.mark_text(align="left", dx=8, fontSize=size.font, fontWeight="bold").encode(
        text="dots:Q"
    )
    bars = base.mark_bar(color=BAR, cornerRadiusEnd=4)
    return _big(bars + labels, size.row * max(1, len(frame)) + 20, size)
