"""The route a live screen waits on until what it shows has moved (a long poll).

``GET /live/changes?session=ID&view=screen|phone&seen=TOKEN[&city=ID]`` answers with
``{"token": ..., "closes_in": seconds or null}`` as soon as the session's token for that
view differs from ``seen``, or after :data:`WAIT` seconds with the same token. The page
then asks Streamlit for a rerun only when the token moved: an idle phone costs its
server one pending request, not a script run per tick.

One :class:`Watcher` per server process reads the versions of the sessions its clients
wait on, every :data:`POLL` seconds and in one query (peerlearn.live.clock), and wakes
the requests of the sessions that moved. With nobody waiting it reads nothing. Several
servers on one database each read the same rows, so they agree.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from peerlearn.live import clock

POLL = 0.25  # seconds between two reads of the versions, while anyone waits
WAIT = 25.0  # longest a request is held (below common proxy read timeouts of 60 s)
PATH = "/live/changes"
VIEWS = ("screen", "phone")
_ID = re.compile(r"[1-9][0-9]{0,17}")  # a positive id that fits a 64-bit integer
_TOKEN = re.compile(r"[0-9.]{1,64}")

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class Watcher:
    """The versions of the sessions that clients of this server wait on."""

    def __init__(self, engine: Callable[[], Engine], poll: float = POLL):
        self._engine = engine
        self._poll = poll
        self._versions: dict[int, clock.Version | None] = {}
        self._waiting: Counter[int] = Counter()
        self._moved: dict[int, asyncio.Event] = {}
        self._task: asyncio.Task | None = None
        self.reads = 0  # how many times the versions were read (for tests and benchmarks)

    async def wait(
        self, session_id: int, *, view: str, seen: str, city: int | None, timeout: float = WAIT
    ) -> tuple[str, clock.Version | None]:
        """The session's token for ``view`` once it differs from ``seen`` (or the
        same token after ``timeout`` seconds), with the version it comes from."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        self._waiting[session_id] += 1
        self._start()
        try:
            version = self._versions.get(session_id)
            if session_id not in self._versions or (version and version.behind(seen, view)):
                await self._read()  # the page read a newer version than this copy
            while True:
                version = self._versions.get(session_id)
                moment = _now()
                token = version.token(view, moment, city) if version else "none"
                left = deadline - loop.time()
                if token != seen or left <= 0:
                    return token, version
                if version is not None and version.closes_at and not version.closed(moment):
                    # The countdown ends without a write: wake up when it does.
                    left = min(left, (version.closes_at - moment).total_seconds() + 0.05)
                moved = self._moved.setdefault(session_id, asyncio.Event())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(moved.wait(), left)
        finally:
            self._waiting[session_id] -= 1
            if not self._waiting[session_id]:
                del self._waiting[session_id]

    def _start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while self._waiting:
            await asyncio.sleep(self._poll)
            try:
                await self._read()
            except Exception:  # the database may be restarting: keep serving, retry
                log.warning("Reading the live versions failed; trying again", exc_info=True)
                await asyncio.sleep(1.0)
        self._versions.clear()

    async def _read(self) -> None:
        ids = list(self._waiting)
        found = await asyncio.to_thread(self._read_versions, ids)
        self.reads += 1
        for session_id in ids:
            version = found.get(session_id)
            moved = session_id in self._versions and self._versions[session_id] != version
            self._versions[session_id] = version
            if moved and (event := self._moved.pop(session_id, None)) is not None:
                event.set()

    def _read_versions(self, ids: list[int]) -> dict[int, clock.Version]:
        with Session(self._engine()) as session:
            return clock.read_many(session, ids)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def _param(request: Request, name: str, pattern: re.Pattern) -> str | None:
    value = request.query_params.get(name)
    return value if value is not None and pattern.fullmatch(value) else None


def route(watcher: Watcher, base_path: str = "") -> Route:
    """The long-poll route, under Streamlit's ``server.baseUrlPath`` if one is set."""

    async def changes(request: Request) -> JSONResponse:
        session_id = _param(request, "session", _ID)
        view = request.query_params.get("view", "screen")
        city = request.query_params.get("city")
        seen = request.query_params.get("seen", "")
        if session_id is None or view not in VIEWS or (city and not _ID.fullmatch(city)):
            return JSONResponse({"error": "bad request"}, status_code=400)
        if seen and not _TOKEN.fullmatch(seen):
            return JSONResponse({"error": "bad request"}, status_code=400)
        token, version = await watcher.wait(
            int(session_id), view=view, seen=seen, city=int(city) if city else None
        )
        left = clock.seconds_left(version, _now()) if version and version.closes_at else None
        return JSONResponse(
            {"token": token, "closes_in": left}, headers={"Cache-Control": "no-store"}
        )

    prefix = "/" + base_path.strip("/") if base_path.strip("/") else ""
    return Route(prefix + PATH, changes, methods=["GET"])


def lifespan(watcher: Watcher):
    """A lifespan for ``st.App`` that stops the watcher with the server."""

    @contextlib.asynccontextmanager
    async def run(_app) -> AsyncIterator[None]:
        try:
            yield None
        finally:
            await watcher.stop()

    return run
