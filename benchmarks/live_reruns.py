"""Server CPU per redraw of the live screens, against a bare fragment rerun, in one run.

    uv run python benchmarks/live_reruns.py [--repeat 40]

One peerlearn server and one server of a bare app (tests/load/sample_app.py) run side
by side; a protocol client (tests/load/stclient.py) does one thing at a time and the
server's CPU seconds are read before and after each batch, so every figure is CPU
spent by the server per operation, and the ratio to the bare fragment rerun says what
the page adds to Streamlit's own cost.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import pickle
import sys
import tempfile
import time
from pathlib import Path

import psutil
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.db import make_engine
from peerlearn.live import answers, clock, joining, screens
from peerlearn.live import snapshot as snapshots
from tests import serving
from tests.load import room
from tests.load.stclient import StClient, connect

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "load" / "sample_app.py"


class Meter:
    def __init__(self, pid: int):
        self.process = psutil.Process(pid)

    def seconds(self) -> float:
        return sum(self.process.cpu_times()[:2])


async def per_operation(meter: Meter, repeat: int, operation) -> float:
    """Server CPU milliseconds per call of ``operation`` (after one warm-up call)."""
    await operation(0)
    await asyncio.sleep(0.5)
    start = meter.seconds()
    for n in range(1, repeat + 1):
        await operation(n)
    await asyncio.sleep(0.3)  # let the last run's messages go out
    return (meter.seconds() - start) / repeat * 1000


async def bare(base: str, meter: Meter, repeat: int) -> float:
    client = await connect(base, "/", "")
    await client.wait_idle(30)

    async def click(_n: int) -> None:
        await client.click("Fragment button")
        await client.wait_idle(30)

    try:
        return await per_operation(meter, repeat, click)
    finally:
        await client.close()


def bump(url: str, session_id: int) -> None:
    """Move the session's data counter, as an answer or a join would."""
    engine = make_engine(url)
    with Session(engine) as session:
        clock.bump(session, session_id)
        session.commit()
    engine.dispose()


async def live(base: str, url: str, meter: Meter, repeat: int, plan: room.Room) -> dict:
    facilitator = room.Facilitator(plan)
    facilitator.activity("quiz")
    facilitator.open(plan.questions[0])
    phone = await connect(base, "/join", f"code={plan.code}")
    await room.Phone(phone, base, room.Stats(), rng=None).join(plan.code, 1)
    screen = await connect(base, "/presenter", plan.presenter)
    await screen.wait_idle(30)
    results: dict[str, float] = {}

    def redraw(client: StClient, *, moved: bool):
        async def run(n: int) -> None:
            if moved:
                await asyncio.to_thread(bump, url, plan.session_id)
            await client.trigger_component(room.follower(client), "moved", f"bench:{n}")
            await client.wait_idle(30)

        return run

    async def tap(n: int) -> None:
        tiles = [w for w in phone.widgets("button") if "_q" in (w.key or w.id)]
        await phone.click(tiles[n % len(tiles)])
        await phone.wait_idle(30)

    try:
        results["phone redraw, nothing moved"] = await per_operation(
            meter, repeat, redraw(phone, moved=False)
        )
        results["phone redraw, the room moved"] = await per_operation(
            meter, repeat, redraw(phone, moved=True)
        )
        results["phone tap (answer saved)"] = await per_operation(meter, repeat, tap)
        results["presenter redraw, nothing moved"] = await per_operation(
            meter, repeat, redraw(screen, moved=False)
        )
        results["presenter redraw, the room moved"] = await per_operation(
            meter, repeat, redraw(screen, moved=True)
        )
    finally:
        await phone.close()
        await screen.close()
    return results


def snapshot_costs(url: str, plan: room.Room, people: int = 300) -> dict[str, float]:
    """Milliseconds to build the snapshot of a room of ``people`` who answered, and to
    copy it as ``st.cache_data`` does on every hit (a pickle round trip), where
    ``st.cache_resource`` hands out the object itself."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        cities = [c.id for c in screens.session_cities(session, session_id=plan.session_id)]
        options = session.exec(
            select(m.Option.id).where(m.Option.question_id == plan.questions[0])
        ).all()
        for n in range(people):
            person = joining.join(
                session, session_id=plan.session_id, city_id=cities[n % len(cities)]
            )
            answers.answer_question(
                session,
                token=person.token,
                question_id=plan.questions[0],
                option_ids=[options[n % len(options)]],
            )

        def build():
            return snapshots.snapshot(session, session_id=plan.session_id)

        snap = build()
        started = time.perf_counter()
        for _ in range(20):
            session.expire_all()
            build()
        built = (time.perf_counter() - started) / 20 * 1000
        started = time.perf_counter()
        for _ in range(200):
            pickle.loads(pickle.dumps(snap))
        copied = (time.perf_counter() - started) / 200 * 1000
    engine.dispose()
    return {"build": built, "copy": copied}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="peerlearn-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        plan = room.prepare(url, 2)
        with contextlib.ExitStack() as stack:
            port = serving.free_port()
            app = stack.enter_context(serving.running_server(url, port, Path(folder) / "app.log"))
            sample_port = serving.free_port()
            sample = stack.enter_context(
                serving.running_script(SAMPLE, sample_port, Path(folder) / "sample.log")
            )
            time.sleep(1)
            floor = asyncio.run(
                bare(f"http://127.0.0.1:{sample_port}", Meter(sample.pid), args.repeat)
            )
            figures = asyncio.run(
                live(f"http://127.0.0.1:{port}", url, Meter(app.pid), args.repeat, plan)
            )
        costs = snapshot_costs(url, plan)
    print(f"{'operation':<36} {'server CPU ms':>14} {'× bare':>8}")
    print(f"{'bare fragment rerun (sample app)':<36} {floor:>14.1f} {1:>8.1f}")
    for name, value in figures.items():
        print(f"{name:<36} {value:>14.1f} {value / floor:>8.1f}")
    print(
        f"\nA room of 300 who answered: building its snapshot {costs['build']:.1f} ms, "
        f"copying it (st.cache_data, on every hit) {costs['copy']:.2f} ms, "
        "handing out the one object (st.cache_resource) nothing."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
