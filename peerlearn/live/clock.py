"""The version of each live session: every change moves it, so that screens redraw
when, and only when, what they show has moved.

One row per session (``live_clock``), kept by the database, so that every app server
behind a proxy reads the same. Two counters:

- ``stage`` moves with what phones show: the activity, the question on the screen and
  its state, the settings, the common challenges on the ballot;
- ``data`` moves with what the room sends and the facilitator moderates: joins,
  answers, posts, votes, hidden or edited posts.

The presenter and Run live follow both; a phone follows the stage, and while its city
votes with a shared budget, the dots its city has placed. A countdown ends without a
write: the open question's ``closes_at`` is read with the counters, and a token says
whether it has passed.

A version row was chosen over PostgreSQL's LISTEN/NOTIFY: it works the same on SQLite
(the embedded default), a server started late or reconnected catches up by reading it,
and one indexed read per poll serves every waiting client of that server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, insert, select, update
from sqlmodel import Session

from peerlearn import rules
from peerlearn.models import (
    CountMode,
    EventSession,
    LiveActivity,
    LiveClock,
    Participant,
    Question,
    Vote,
)


@dataclass(frozen=True)
class Version:
    session_id: int
    stage: int
    data: int
    live: bool
    # While the question on the screen is open with a countdown: when it closes.
    closes_at: datetime | None = None
    # While voting with a budget per city: dots placed per city.
    city_dots: tuple[tuple[int, int], ...] = ()

    def closed(self, moment: datetime) -> bool:
        return self.closes_at is not None and moment >= self.closes_at

    def screen(self, moment: datetime) -> str:
        """What the presenter and Run live follow: every change."""
        return f"{self.stage}.{self.data}.{int(self.closed(moment))}"

    def phone(self, moment: datetime, city_id: int | None = None) -> str:
        """What a phone follows: the stage, its question's countdown, its city's dots."""
        dots = dict(self.city_dots).get(city_id, 0) if city_id is not None else 0
        return f"{self.stage}.{int(self.closed(moment))}.{dots}"

    def token(self, view: str, moment: datetime, city_id: int | None = None) -> str:
        return self.phone(moment, city_id) if view == "phone" else self.screen(moment)

    def behind(self, token: str, view: str) -> bool:
        """Whether ``token`` (of ``view``) was made from a later version than this one:
        a page read the database after this copy was read."""
        parts = token.split(".")
        # ASCII digits only: "²" is a digit to isdigit() and int() refuses it.
        if not all(p.isascii() and p.isdigit() for p in parts) or len(parts) != 3:
            return False
        stage = int(parts[0])
        if view == "phone":
            return stage > self.stage
        return (stage, int(parts[1])) > (self.stage, self.data)


def start(session: Session, session_id: int) -> None:
    """Give a session its clock (when it first goes live); not committed."""
    if session.get(LiveClock, session_id) is None:
        session.execute(insert(LiveClock).values(session_id=session_id, stage=0, data=0))
    bump(session, session_id, stage=True)


def bump(session: Session, session_id: int | None, *, stage: bool = False) -> None:
    """Move the session's clock, in the caller's transaction (not committed).

    An UPDATE in SQL, so concurrent writers each add one; a session that never went
    live has no clock and no screens to tell.
    """
    if session_id is None:
        return
    values = {"data": LiveClock.data + 1}
    if stage:
        values["stage"] = LiveClock.stage + 1
    session.execute(update(LiveClock).where(LiveClock.session_id == session_id).values(values))


def bump_many(session: Session, session_ids, *, stage: bool = False) -> None:
    for session_id in sorted({i for i in session_ids if i is not None}):
        bump(session, session_id, stage=stage)


def _statement():
    open_question = and_(
        Question.id == EventSession.current_question_id,
        Question.opened_at.is_not(None),
        Question.closed_at.is_(None),
        Question.revealed_at.is_(None),
    )
    return (
        select(
            LiveClock.session_id,
            LiveClock.stage,
            LiveClock.data,
            EventSession.live_started_at,
            EventSession.live_ended_at,
            EventSession.activity,
            EventSession.vote_mode,
            Question.closes_at,
        )
        .join(EventSession, EventSession.id == LiveClock.session_id)
        .outerjoin(Question, open_question)
    )


def _city_dots(session: Session, session_ids: list[int]) -> dict[int, tuple[tuple[int, int], ...]]:
    """Dots each city placed, for the sessions voting with a budget per city."""
    if not session_ids:
        return {}
    rows = session.execute(
        select(Participant.session_id, Participant.city_id, func.sum(Vote.dots))
        .join(Participant, Participant.id == Vote.participant_id)
        .where(Participant.session_id.in_(session_ids), Participant.city_id.is_not(None))
        .group_by(Participant.session_id, Participant.city_id)
    )
    found: dict[int, list[tuple[int, int]]] = {}
    for session_id, city_id, dots in rows:
        found.setdefault(session_id, []).append((city_id, int(dots)))
    return {k: tuple(sorted(v)) for k, v in found.items()}


def _versions(session: Session, rows) -> dict[int, Version]:
    per_city = [
        r.session_id
        for r in rows
        if r.activity == LiveActivity.VOTE and r.vote_mode == CountMode.CITY
    ]
    dots = _city_dots(session, per_city)
    return {
        r.session_id: Version(
            session_id=r.session_id,
            stage=r.stage,
            data=r.data,
            live=r.live_started_at is not None and r.live_ended_at is None,
            closes_at=r.closes_at,
            city_dots=dots.get(r.session_id, ()),
        )
        for r in rows
    }


def read(session: Session, session_id: int) -> Version | None:
    """The session's version now (None: it never went live)."""
    rows = session.execute(_statement().where(LiveClock.session_id == session_id)).all()
    return _versions(session, rows).get(session_id)


def read_many(session: Session, session_ids) -> dict[int, Version]:
    """The versions of these sessions, in one statement (and one more while a city
    votes): what a server's watcher reads for all the clients waiting on it."""
    ids = sorted(set(session_ids))
    if not ids:
        return {}
    rows = session.execute(_statement().where(LiveClock.session_id.in_(ids))).all()
    return _versions(session, rows)


def seconds_left(version: Version | None, moment: datetime) -> int | None:
    return rules.seconds_left(version.closes_at, moment) if version else None
