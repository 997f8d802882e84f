"""Time the Excel summary of a large synthetic network against a bare
``DataFrame.to_excel`` of the same tables, in the same run, and print the ratio.

    uv run python benchmarks/export_summary.py [--scale 50] [--repeat 5]

The ratio says what the summary's tables, formats, wrapped text, print setup,
conditional formatting and charts cost on top of writing the same rows; absolute times
depend on the machine. The two are timed in turns, in CPU seconds of this process, and
the ratio is the median of the turns' ratios: on a machine shared with other work, a
busy moment then weighs on both sides alike.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlmodel import Session, func, select

from peerlearn import models as m
from peerlearn.analytics import report
from peerlearn.db import make_engine, upgrade
from peerlearn.demo import load_demo
from peerlearn.excel.summary import build_summary


def _biggest_network(session: Session) -> int:
    return session.exec(
        select(m.Tandem.network_id)
        .group_by(m.Tandem.network_id)
        .order_by(func.count().desc())
        .limit(1)
    ).one()


def _tables(session: Session, actor: m.User, network_id: int) -> dict[str, pd.DataFrame]:
    scope = report.resolve_scope(session, actor=actor, network_id=network_id)
    today = datetime.now(UTC).date()
    tandems, milestones = report.tandem_rows(session, actor, scope, today)
    challenges, groups = report.challenge_rows(session, actor, scope)
    options, coverage = report.quiz_rows(session, actor, scope)
    return {
        "Cities": report.cities(session, actor, scope),
        "Tandems": tandems,
        "Challenges": challenges,
        "Common challenges": groups,
        "Quiz results": options,
        "Quiz coverage": coverage,
        "Roadmaps": milestones,
        "Take-aways": report.takeaway_rows(session, actor, scope),
    }


def _bare(tables: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def _seconds(action) -> float:
    start = time.process_time()
    action()
    return time.process_time() - start


def _turns(first, second, repeat: int) -> tuple[list[float], list[float]]:
    """CPU seconds of ``first`` and ``second``, run in turns ``repeat`` times."""
    ones, twos = [], []
    for _ in range(repeat):
        ones.append(_seconds(first))
        twos.append(_seconds(second))
    return ones, twos


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        with Session(engine) as session:
            started = time.perf_counter()
            load_demo(session, scale=args.scale)
            print(f"demo --scale {args.scale} loaded in {time.perf_counter() - started:.1f} s")
            actor = m.User(email="bench@example.org", role=m.UserRole.COORDINATOR)
            session.add(actor)
            session.commit()
            network_id = _biggest_network(session)
            tables = _tables(session, actor, network_id)
            rows = sum(len(frame) for frame in tables.values())
            # The baseline reads the same tables too, so both sides pay for the queries.
            summaries, bares = _turns(
                lambda: build_summary(session, actor=actor, network_id=network_id),
                lambda: _bare(_tables(session, actor, network_id)),
                args.repeat,
            )
        engine.dispose()
    ratios = [one / two for one, two in zip(summaries, bares, strict=True)]
    runs = f"s CPU, median of {args.repeat}"
    print(f"rows in the tables:           {rows}")
    print(f"build_summary:                {statistics.median(summaries):.3f} {runs}")
    print(f"queries + DataFrame.to_excel: {statistics.median(bares):.3f} {runs}")
    print(f"ratio summary / bare:         {statistics.median(ratios):.2f} (median of the turns)")


if __name__ == "__main__":
    main()
