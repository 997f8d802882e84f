"""Time importing large files (cities, tandems, challenges) at two sizes, and print
seconds, rows per second and the ratio of the sizes.

    uv run python benchmarks/imports.py [--rows 1000] [--repeat 1]

Each size starts from an empty database with one network and one theme: a cities file
of ``rows`` cities for that network, then a tandems file pairing them, then a challenges
file of one challenge per row, each previewed and applied as a coordinator would. A
ratio near 2 at twice the rows means the work grows linearly.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlmodel import Session

from peerlearn import models as m
from peerlearn.db import make_engine, upgrade
from peerlearn.excel.imports import apply_import, preview_import


def _csv(header: str, lines: list[str]) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def _files(rows: int) -> dict[str, bytes]:
    pairs = rows // 2
    cities = [
        f"City {i},Country {i % 40},{40 + i % 10}.5,{10 + i % 7}.25,follower" for i in range(rows)
    ]
    tandems = [f"Tandem {i},City {2 * i}; City {2 * i + 1},Energy,12/2026" for i in range(pairs)]
    challenges = [
        f"Tandem {i % pairs},Need number {i},City {2 * (i % pairs)},high" for i in range(rows)
    ]
    return {
        "cities": _csv("City,Country,Latitude,Longitude,Role", cities),
        "tandems": _csv("Tandem,Partner cities,Theme,Deadline", tandems),
        "challenges": _csv("Tandem,Challenge,City,Priority", challenges),
    }


def _run(rows: int) -> dict[str, float]:
    timings = {}
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        with Session(engine) as session:
            actor = m.User(email="c@example.org", role=m.UserRole.COORDINATOR)
            network = m.Network(name="Bench")
            session.add_all([actor, network, m.Theme(name="Energy")])
            session.commit()
            for kind, content in _files(rows).items():
                start = time.perf_counter()
                preview = preview_import(
                    session,
                    actor=actor,
                    kind=kind,
                    filename=f"{kind}.csv",
                    content=content,
                    network_id=network.id,
                )
                assert preview.ok, preview.problems[:3]
                apply_import(session, actor=actor, preview=preview)
                timings[kind] = time.perf_counter() - start
        engine.dispose()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    sizes = (args.rows, 2 * args.rows)
    results = {}
    for size in sizes:
        runs = [_run(size) for _ in range(args.repeat)]
        results[size] = {kind: statistics.median(r[kind] for r in runs) for kind in runs[0]}
    columns = "".join(f"{f'{s} rows (s)':>16}{'rows/s':>10}" for s in sizes)
    print(f"{'kind':<12}{columns}{'ratio':>8}")
    for kind in results[sizes[0]]:
        line = f"{kind:<12}"
        for size in sizes:
            seconds = results[size][kind]
            line += f"{seconds:>16.2f}{size / seconds:>10.0f}"
        print(line + f"{results[sizes[1]][kind] / results[sizes[0]][kind]:>8.2f}")


if __name__ == "__main__":
    main()
