"""The presenter's challenge wall with few and with many posts, in one run.

    uv run python benchmarks/wall_render.py [--small 15] [--large 300] [--repeat 5]

The demo network's Berlin quiz session is opened for phones and put on the challenge
wall; ``small`` and then ``large`` posts are stored, and the presenter page is drawn
afresh (its snapshot built anew, as on a version nobody has seen) ``repeat`` times in
Streamlit's AppTest. Printed: the median seconds of the snapshot alone and of the whole
page, and the blocks of text the page sends the browser (what the browser lays out), at
both sizes, and the ratios large / small, which say how the page grows with the wall.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import streamlit as st
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from peerlearn import models as m
from peerlearn.db import ENV_VAR, make_engine, upgrade
from peerlearn.demo import load_demo
from peerlearn.live import clock, lifecycle, screens
from peerlearn.live import snapshot as snapshots
from peerlearn.services import users

ROOT = Path(__file__).resolve().parents[1]
SESSION = "Interactive quiz: smart city peculiarities of the cities"
WORDS = "Too few data engineers to run the urban data platform after the pilot"


def _database(folder: Path) -> tuple[str, int]:
    url = f"sqlite:///{folder / 'wall.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        load_demo(session)
        facilitator = users.add_user(
            session,
            actor=None,
            system=True,
            data=m.UserCreate(
                email="bench@example.org",
                role=m.UserRole.FACILITATOR,
                password="Wall-of-challenges-2024",
                name="Bench",
            ),
        )
        row = session.exec(select(m.EventSession).where(m.EventSession.title == SESSION)).one()
        lifecycle.start_live(session, actor=facilitator, session_id=row.id)
        lifecycle.set_activity(
            session, actor=facilitator, session_id=row.id, activity="challenge wall"
        )
        row_id = row.id
    engine.dispose()
    return url, row_id


def _fill(url: str, row_id: int, posts: int) -> None:
    """Posts stored as a phone stores them, straight into the table (no pace limit)."""
    engine = make_engine(url)
    with Session(engine) as session:
        tandem_id = session.exec(select(m.Tandem.id).order_by(m.Tandem.id)).first()
        have = len(
            session.exec(select(m.Challenge.id).where(m.Challenge.session_id == row_id)).all()
        )
        session.add_all(
            m.Challenge(tandem_id=tandem_id, text=f"{WORDS} ({n})", session_id=row_id)
            for n in range(have, posts)
        )
        clock.bump(session, row_id)
        session.commit()
    engine.dispose()


def _snapshot(url: str, row_id: int, repeat: int) -> float:
    engine = make_engine(url)
    times = []
    with Session(engine) as session:
        snapshots.snapshot(session, session_id=row_id)  # warm up: imports, first connect
        for _ in range(repeat):
            session.expire_all()
            start = time.perf_counter()
            snapshots.snapshot(session, session_id=row_id)
            times.append(time.perf_counter() - start)
    engine.dispose()
    return statistics.median(times)


def _page(url: str, row_id: int, repeat: int) -> tuple[float, int]:
    engine = make_engine(url)
    with Session(engine) as session:
        key = screens.presenter_key(session.get(m.EventSession, row_id))
    engine.dispose()
    times, blocks = [], 0
    for _ in range(repeat + 1):  # the first one warms up
        st.cache_resource.clear()  # a version nobody has seen: the snapshot is built
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
        at.query_params["session"] = str(row_id)
        at.query_params["key"] = key
        at.run()
        start = time.perf_counter()
        at.switch_page("pages/presenter.py").run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
        drawn = at.get("html")
        assert any("Challenge wall" in h.proto.body for h in drawn)
        blocks = len(drawn)
    return statistics.median(times[1:]), blocks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=15)
    parser.add_argument("--large", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url, row_id = _database(Path(folder))
        os.environ[ENV_VAR] = url
        rows = {}
        for posts in (args.small, args.large):
            _fill(url, row_id, posts)
            rows[posts] = (_snapshot(url, row_id, args.repeat), *_page(url, row_id, args.repeat))
    print(f"{'posts':>6} {'snapshot s':>11} {'page s':>8} {'blocks':>7}")
    for posts, (snap, page, blocks) in rows.items():
        print(f"{posts:>6} {snap:>11.4f} {page:>8.3f} {blocks:>7}")
    (small_snap, small_page, small_blocks), (large_snap, large_page, large_blocks) = rows.values()
    print(
        f"ratio {args.large}/{args.small}: snapshot {large_snap / small_snap:.2f}×, "
        f"page {large_page / small_page:.2f}×, blocks drawn {large_blocks / small_blocks:.2f}×"
    )


if __name__ == "__main__":
    main()
