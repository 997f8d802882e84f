"""A simulated workshop room: phones and a presenter against real peerlearn servers.

    uv run python -m tests.load.room --phones 300            # SQLite, one server
    uv run python -m tests.load.room --phones 300 --postgres --servers 2

Each phone is a `StClient` (Streamlit's own protocol) that does what the page's follow
component does in a browser (peerlearn.ui.follow): it waits on ``/live/changes`` with
the token its page was drawn for, and asks for a rerun of its fragment only when the
token moved. It joins by code, picks a city, and answers each question when it opens.
The presenter is one more client on ``/presenter``, which redraws at most once a second,
as in the browser. The facilitator steps the quiz through ``peerlearn.live`` directly,
so Run live's own cost is not part of these figures.

What it reports (JSON on stdout, a summary on stderr):

- server CPU per client, from the server processes' CPU times over idle windows: the
  presenter alone, then with every phone joined and waiting on an open question;
- server memory (RSS) per phone;
- open → the phone shows the question, tap → the phone confirms, and tap → the presenter
  counts it (p50/p95); the k-th confirmed answer counts as shown once the presenter's
  count reaches k;
- answers stored in the database, counted in SQL, against answers the phones confirmed,
  and any answer stored twice;
- errors: joins or answers that failed, exceptions drawn on a page.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psutil
from sqlalchemy import func, select
from sqlmodel import Session

from peerlearn import models as m
from peerlearn.db import make_engine, upgrade
from peerlearn.demo import load_demo
from peerlearn.live import lifecycle, screens
from peerlearn.live import quiz as live_quiz
from peerlearn.models import UserCreate
from peerlearn.services import users as user_service
from tests import serving
from tests.load.stclient import StClient, Widget, connect

FOLLOW = "peerlearn.follow"
SCREEN_GAP = 1.0  # the presenter redraws at most once a second (ui.follow.SCREEN_GAP_MS)
SAVED = "Your answer is saved"
COUNTED = re.compile(r"(\d+) (?:people|person|cities) counted")
RUN_TIMEOUT = 120.0  # the longest a phone waits for one run of its page


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def spread(values: list[float]) -> dict[str, float | int | None]:
    return {
        "n": len(values),
        "p50": percentile(values, 0.5),
        "p95": percentile(values, 0.95),
        "max": max(values) if values else None,
    }


async def long_poll(base_url: str, query: dict[str, str], timeout: float = 40.0) -> dict:
    """``GET /live/changes`` over a plain connection (the route answers JSON)."""
    url = urlsplit(base_url)
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(url.hostname, url.port or 80), timeout
    )
    try:
        target = f"{url.path.rstrip('/')}/live/changes?{urlencode(query)}"
        writer.write(
            f"GET {target} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if status != 200:
        raise RuntimeError(f"/live/changes answered {status}: {body[:200]!r}")
    return json.loads(body)


def html_texts(client: StClient) -> list[str]:
    """What ``st.html`` drew (the live screens' large type)."""
    return [node.proto.body for node in client.nodes() if node.kind == "html"]


def follower(client: StClient) -> Widget | None:
    found = client.widgets("component", FOLLOW)
    return found[0] if found else None


@dataclass
class Stats:
    """What the clients saw, in ``time.monotonic()`` seconds of this process."""

    opened_at: dict[int, float] = field(default_factory=dict)  # question id -> opened
    seen_open: list[float] = field(default_factory=list)  # open -> phone shows it
    confirm: list[float] = field(default_factory=list)  # tap -> phone confirms
    taps: dict[int, list[tuple[float, float]]] = field(default_factory=dict)  # q -> (tap, ok)
    presenter: dict[int, list[tuple[float, int]]] = field(default_factory=dict)  # q -> seen
    redraws: int = 0
    errors: list[str] = field(default_factory=list)

    def error(self, text: str) -> None:
        if len(self.errors) < 200:
            self.errors.append(text)


class Follower:
    """One tab following its session as the follow component does."""

    def __init__(self, client: StClient, base_url: str, stats: Stats, gap: float = 0.0):
        self.client = client
        self.base_url = base_url
        self.stats = stats
        self.gap = gap
        self.question_id: int | None = None  # the question the screen showed last

    async def run(self, stop: asyncio.Event) -> None:
        seen: str | None = None
        last = 0.0
        while not stop.is_set():
            widget = follower(self.client)
            if widget is None:
                self.stats.error(f"no follow component on {self.client.path}")
                return
            data = widget.data
            if seen is None or data["token"] != seen:
                seen = data["token"]
            query = {"session": str(data["session"]), "view": data["view"], "seen": seen}
            if data.get("city"):
                query["city"] = str(data["city"])
            poll = asyncio.ensure_future(long_poll(self.base_url, query))
            stopping = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait(
                {poll, stopping}, timeout=40, return_when=asyncio.FIRST_COMPLETED
            )
            stopping.cancel()
            if poll not in done:
                poll.cancel()
                continue
            moved = poll.result()["token"]
            if moved == seen:
                continue
            if (wait := last + self.gap - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            last = time.monotonic()
            await self.client.trigger_component(widget, "moved", f"{moved}:{last}")
            await self.client.wait_idle(RUN_TIMEOUT)
            self.stats.redraws += 1
            if follower(self.client) is not None and follower(self.client).data["token"] == seen:
                seen = moved  # the redraw drew the same: go on from what was seen
            await self.redrawn()
            for problem in self.client.exceptions:
                self.stats.error(f"{self.client.path}: {problem.type}: {problem.message}")

    async def redrawn(self) -> None:
        """What the tab does after each redraw."""


class Phone(Follower):
    """A participant: joins, then answers each question once when it opens."""

    def __init__(self, *args, rng: random.Random, think: float = 0.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.rng = rng
        self.think = think  # longest a person reads before tapping (uniform from 0)
        self.answered: set[int] = set()

    async def join(self, code: str, number: int) -> None:
        client = self.client
        await client.wait_idle(RUN_TIMEOUT)
        city = client.widget("selectbox", "The city you speak for")
        await client.set_value(city, city.options[number % len(city.options)])
        await client.set_value(client.widget("text_input", "Your name (optional)"), f"P{number}")
        await client.click("Join")
        await client.wait_idle(RUN_TIMEOUT)
        if not client.query.startswith("p=") or follower(client) is None:
            raise RuntimeError(f"not joined: {client.texts()[:4]}")

    async def redrawn(self) -> None:
        tiles = [w for w in self.client.widgets("button") if re.search(r"_q\d+_\d+$", w.id)]
        if not tiles:
            return
        question_id = int(re.search(r"_q(\d+)_\d+$", tiles[0].id).group(1))
        if question_id in self.answered:
            return
        if question_id in self.stats.opened_at:
            self.stats.seen_open.append(time.monotonic() - self.stats.opened_at[question_id])
        self.answered.add(question_id)
        if self.think:
            await asyncio.sleep(self.rng.uniform(0, self.think))
        tap = time.monotonic()
        await self.client.click(self.rng.choice(tiles))
        await self.client.wait_idle(RUN_TIMEOUT)
        if any(SAVED in text for text in self.client.texts()):
            confirmed = time.monotonic()
            self.stats.confirm.append(confirmed - tap)
            self.stats.taps.setdefault(question_id, []).append((tap, confirmed))
        else:
            self.stats.error(f"answer to {question_id} not confirmed: {self.client.texts()[-3:]}")


class Presenter(Follower):
    """The big screen: notes the count of answers after each redraw."""

    async def redrawn(self) -> None:
        if self.question_id is None:
            return
        for text in html_texts(self.client):
            if found := COUNTED.search(text):
                seen = self.stats.presenter.setdefault(self.question_id, [])
                seen.append((time.monotonic(), int(found.group(1))))
                return


class Crowd:
    """Protocol phones joined to a live session, following it and answering its
    questions in a thread of their own: the background load of the browser tests.

        with Crowd(base_url, code, phones=15) as crowd:
            ...  # drive the browsers
        assert not crowd.stats.errors
    """

    def __init__(self, base_url: str, code: str, phones: int, *, think: float = 2.0):
        self.base_url, self.code, self.phones, self.think = base_url, code, phones, think
        self.stats = Stats()
        self.joined = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="crowd", daemon=True)

    def __enter__(self) -> Crowd:
        self._thread.start()
        if not self._ready.wait(RUN_TIMEOUT):
            raise RuntimeError("the crowd did not join in time")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(60)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except Exception as error:  # noqa: BLE001 - reported with the crowd's errors
            self.stats.error(f"crowd: {type(error).__name__}: {error}")
        finally:
            self._ready.set()

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        rng = random.Random(7)
        clients: list[StClient] = []
        tasks: list[asyncio.Task] = []
        try:
            for number in range(self.phones):
                client = await connect(self.base_url, "/join", f"code={self.code}")
                clients.append(client)
                phone = Phone(
                    client,
                    self.base_url,
                    self.stats,
                    rng=random.Random(rng.random()),
                    think=self.think,
                )
                await phone.join(self.code, number)
                self.joined += 1
                tasks.append(asyncio.create_task(phone.run(self._stop)))
            self._ready.set()
            await self._stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


def to_presenter(stats: Stats) -> list[float]:
    """Tap → the presenter's count includes it, for each confirmed answer."""
    delays = []
    for question_id, taps in stats.taps.items():
        seen = stats.presenter.get(question_id, [])
        for k, (tap, _) in enumerate(sorted(taps, key=lambda t: t[1]), start=1):
            shown = next((at for at, count in seen if count >= k and at >= tap), None)
            if shown is not None:
                delays.append(shown - tap)
    return delays


@dataclass
class Room:
    """A live session with single-choice questions, and a facilitator to step it."""

    url: str
    session_id: int
    code: str
    presenter: str
    questions: list[int]
    facilitator_id: int


QUESTIONS = [
    ("Who drives smart city development in your city?", ["The city", "Companies", "Citizens"]),
    ("Which topic first?", ["Energy", "Mobility", "Data", "Housing"]),
    ("How do you share what you learnt?", ["Study tour", "Webinar", "Report"]),
]


def prepare(url: str, questions: int) -> Room:
    """The demo network, a facilitator, and a fresh live session with its own quiz."""
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        load_demo(session)
        facilitator = user_service.add_user(
            session,
            actor=None,
            system=True,
            data=UserCreate(
                email="facilitator@example.org",
                role=m.UserRole.COORDINATOR,
                password="Room-load-2026-steps",
                name="Room facilitator",
            ),
        )
        workshop = session.scalars(
            select(m.EventSession)
            .where(m.EventSession.archived_at.is_(None))
            .order_by(m.EventSession.id)
        ).first()
        quiz = m.Quiz(session_id=workshop.id, title="Room load")
        session.add(quiz)
        session.flush()
        ids = []
        for position, (text, options) in enumerate((QUESTIONS * questions)[:questions]):
            question = m.Question(
                quiz_id=quiz.id, kind=m.QuestionKind.SINGLE, text=text, position=100 + position
            )
            session.add(question)
            session.flush()
            session.add_all(
                m.Option(question_id=question.id, text=o, position=n) for n, o in enumerate(options)
            )
            ids.append(question.id)
        session.commit()
        lifecycle.set_countdown(session, actor=facilitator, session_id=workshop.id, seconds=None)
        row = lifecycle.start_live(session, actor=facilitator, session_id=workshop.id)
        live_quiz.fresh_quiz_run(session, actor=facilitator, session_id=workshop.id)
        key = screens.presenter_key(session, session.get(m.EventSession, workshop.id))
        room = Room(
            url=url,
            session_id=workshop.id,
            code=row.join_code,
            presenter=f"session={workshop.id}&key={key}",
            questions=ids,
            facilitator_id=facilitator.id,
        )
    engine.dispose()
    return room


def stored(url: str, room: Room) -> dict[str, int]:
    """Answers to the room's questions as the database holds them."""
    engine = make_engine(url)
    with Session(engine) as session:
        answers = session.scalar(
            select(func.count())
            .select_from(m.Answer)
            .where(m.Answer.question_id.in_(room.questions))
        )
        twice = session.scalar(
            select(func.count()).select_from(
                select(m.Answer.participant_id, m.Answer.question_id)
                .where(m.Answer.question_id.in_(room.questions))
                .group_by(m.Answer.participant_id, m.Answer.question_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
        joined = session.scalar(
            select(func.count())
            .select_from(m.Participant)
            .where(m.Participant.session_id == room.session_id)
        )
    engine.dispose()
    return {"answers": answers, "stored_twice": twice, "participants": joined}


class Facilitator:
    """Steps the quiz as Run live would, through peerlearn.live."""

    def __init__(self, room: Room):
        self.room = room
        self.engine = make_engine(room.url)

    def _do(self, action) -> None:
        with Session(self.engine, expire_on_commit=False) as session:
            actor = session.get(m.User, self.room.facilitator_id)
            action(session, actor)

    def activity(self, name: str) -> None:
        self._do(
            lambda s, a: lifecycle.set_activity(
                s, actor=a, session_id=self.room.session_id, activity=name
            )
        )

    def open(self, question_id: int) -> None:
        self._do(
            lambda s, a: live_quiz.open_question(
                s, actor=a, session_id=self.room.session_id, question_id=question_id
            )
        )

    def close(self, question_id: int) -> None:
        self._do(
            lambda s, a: live_quiz.close_question(
                s, actor=a, session_id=self.room.session_id, question_id=question_id
            )
        )


class Cpu:
    """CPU seconds and memory of the server processes."""

    def __init__(self, pids: list[int]):
        self.processes = [psutil.Process(pid) for pid in pids]

    def seconds(self) -> float:
        return sum(sum(p.cpu_times()[:2]) for p in self.processes)

    def rss(self) -> int:
        return sum(p.memory_info().rss for p in self.processes)

    async def cores(self, window: float) -> float:
        """Cores used on average over the next ``window`` seconds."""
        start, began = self.seconds(), time.monotonic()
        await asyncio.sleep(window)
        return (self.seconds() - start) / (time.monotonic() - began)


async def until(check, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(step)
    return True


async def simulate(
    room: Room,
    servers: list[str],
    pids: list[int],
    *,
    phones: int,
    idle: float,
    seed: int,
    think: float = 0.0,
) -> dict:
    stats = Stats()
    cpu = Cpu(pids)
    stop = asyncio.Event()
    facilitator = Facilitator(room)
    tasks: list[asyncio.Task] = []
    clients: list[StClient] = []
    report: dict = {"phones": phones, "servers": len(servers), "think_s": think}
    try:
        facilitator.activity("quiz")
        screen = await connect(servers[0], "/presenter", room.presenter)
        clients.append(screen)
        await screen.wait_idle(RUN_TIMEOUT)
        presenter = Presenter(screen, servers[0], stats, gap=SCREEN_GAP)
        tasks.append(asyncio.create_task(presenter.run(stop)))
        await asyncio.sleep(2)
        report["presenter_alone_core"] = await cpu.cores(idle)
        rss_before = cpu.rss()

        rng = random.Random(seed)
        joined: list[Phone] = []

        async def one(number: int) -> None:
            base = servers[number % len(servers)]
            client = await connect(base, "/join", f"code={room.code}")
            clients.append(client)
            phone = Phone(client, base, stats, rng=random.Random(rng.random()), think=think)
            try:
                await phone.join(room.code, number)
            except Exception as error:  # noqa: BLE001 - a failed join is a finding
                stats.error(f"join {number}: {type(error).__name__}: {error}")
                return
            joined.append(phone)
            tasks.append(asyncio.create_task(phone.run(stop)))

        began = time.monotonic()
        for start in range(0, phones, 25):  # a room arrives over a minute, not at once
            await asyncio.gather(*(one(n) for n in range(start, min(start + 25, phones))))
        report["joined"] = len(joined)
        report["join_seconds"] = time.monotonic() - began

        for number, question_id in enumerate(room.questions):
            presenter.question_id = question_id
            stats.opened_at[question_id] = time.monotonic()
            facilitator.open(question_id)
            answered = await until(
                lambda q=question_id: len(stats.taps.get(q, [])) >= len(joined), 90
            )
            if not answered:
                stats.error(
                    f"question {question_id}: {len(stats.taps.get(question_id, []))} "
                    f"of {len(joined)} phones confirmed in 90 s"
                )
            shown = await until(
                lambda q=question_id: any(
                    c >= len(stats.taps.get(q, [])) for _, c in stats.presenter.get(q, [])
                ),
                30,
            )
            if not shown:
                stats.error(f"question {question_id}: the presenter never showed every answer")
            if number == 0:
                await asyncio.sleep(2)
                report["room_idle_core"] = await cpu.cores(idle)
                report["rss_per_phone_mb"] = (cpu.rss() - rss_before) / max(1, len(joined)) / 2**20
            facilitator.close(question_id)
            await asyncio.sleep(1.5)
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for task in tasks:
            if not task.cancelled() and task.exception() is not None:
                error = task.exception()
                stats.error(f"follower: {type(error).__name__}: {error}")
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)

    if "room_idle_core" in report:
        per_phone = (report["room_idle_core"] - report["presenter_alone_core"]) / max(
            1, report["joined"]
        )
        report["idle_phone_core"] = per_phone
    report["open_to_phone_s"] = spread(stats.seen_open)
    report["tap_to_confirm_s"] = spread(stats.confirm)
    report["tap_to_presenter_s"] = spread(to_presenter(stats))
    report["confirmed"] = sum(len(t) for t in stats.taps.values())
    report["redraws"] = stats.redraws
    report["errors"] = stats.errors
    return report


def run_in_own_loop(coroutine):
    """Run ``coroutine`` to its end in a new event loop on a thread of its own: the
    browser tests' Playwright keeps a loop running on the main thread, and
    ``asyncio.run`` refuses to start beside it."""
    failure: list[BaseException] = []
    result: list = []

    def target() -> None:
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
            failure.append(error)

    thread = threading.Thread(target=target, name="own-loop")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


@contextlib.contextmanager
def database(postgres: bool, url: str | None = None) -> Iterator[str]:
    """``url`` as given, else a throwaway SQLite file or PostgreSQL server."""
    if url:
        yield url
        return
    if not postgres:
        with tempfile.TemporaryDirectory(prefix="peerlearn-room-") as folder:
            yield f"sqlite:///{Path(folder) / 'room.db'}"
        return
    from tests.pg import PostgresServer

    server = PostgresServer().start()
    try:
        yield server.create_database("room")
    finally:
        server.stop()


def run(
    *,
    phones: int,
    servers: int = 1,
    postgres: bool = False,
    url: str | None = None,
    questions: int = 3,
    idle: float = 10.0,
    seed: int = 1,
    think: float = 0.0,
    logs: Path | None = None,
) -> dict:
    """Prepare a room, start ``servers`` servers on one database (``url``, else a
    throwaway one), simulate; the report."""
    with database(postgres, url) as url, contextlib.ExitStack() as stack:
        room = prepare(url, questions)
        folder = logs or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        # One cookie secret for all, as behind a load balancer.
        secret = {"STREAMLIT_SERVER_COOKIE_SECRET": "room-load-secret"}
        bases, pids = [], []
        for number in range(servers):
            port = serving.free_port()
            log = folder / f"server-{number}.log"
            process = stack.enter_context(serving.running_server(url, port, log, env=secret))
            bases.append(f"http://127.0.0.1:{port}")
            pids.append(process.pid)
        report = run_in_own_loop(
            simulate(room, bases, pids, phones=phones, idle=idle, seed=seed, think=think)
        )
        report.update(stored(url, room))
        report["database"] = url.split(":", 1)[0].split("+", 1)[0]
        report["questions"] = len(room.questions)
        return report


def summary(report: dict) -> str:
    def s(name: str) -> str:
        d = report[name]
        if not d["n"]:
            return f"{name}: none"
        return (
            f"{name}: p50 {d['p50']:.2f} s, p95 {d['p95']:.2f} s, max {d['max']:.2f} s (n={d['n']})"
        )

    lines = [
        f"{report['joined']} of {report['phones']} phones joined on {report['servers']} "
        f"server(s), {report['database']}, in {report['join_seconds']:.1f} s; "
        f"taps after 0..{report['think_s']:g} s",
        f"presenter alone: {report['presenter_alone_core']:.4f} core",
        f"room idle: {report.get('room_idle_core', float('nan')):.4f} core; per phone "
        f"{report.get('idle_phone_core', float('nan')):.5f} core, "
        f"{report.get('rss_per_phone_mb', float('nan')):.2f} MB",
        s("open_to_phone_s"),
        s("tap_to_confirm_s"),
        s("tap_to_presenter_s"),
        f"answers: {report['confirmed']} confirmed, {report['answers']} stored, "
        f"{report['stored_twice']} stored twice; {report['participants']} participants",
        f"errors: {len(report['errors'])}",
        *(f"  {e}" for e in report["errors"][:10]),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=30)
    parser.add_argument("--servers", type=int, default=1)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL")
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds per idle window")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="each phone taps after a random 0..THINK s (0: all at once, the worst case)",
    )
    parser.add_argument("--logs", type=Path, help="keep the servers' logs here")
    args = parser.parse_args(argv)
    report = run(
        phones=args.phones,
        servers=args.servers,
        postgres=args.postgres,
        questions=args.questions,
        idle=args.idle,
        seed=args.seed,
        think=args.think,
        logs=args.logs,
    )
    print(summary(report), file=sys.stderr)
    print(json.dumps(report, indent=2))
    return 0 if not report["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
