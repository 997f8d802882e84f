"""How fast one phone may send: posts, answers and taps on the dots, each kind within
its rate limit (peerlearn.rules.RATE_LIMITS) over a sliding window.

What a phone did is stored (LiveAction), so several servers count the same actions;
each phone's actions older than the window are dropped as new ones come, so the
table holds no more than the last minute of the room.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlmodel import Session

from peerlearn import rules
from peerlearn.errors import TooFast
from peerlearn.models import LiveAction
from peerlearn.services.store import now


def take_turn(session: Session, participant_id: int, kind: str) -> None:
    """Count one action of ``kind`` for the participant, or refuse it with TooFast
    (writing nothing) when it would pass the limit. The caller commits it with the
    action itself and holds a lock that makes this participant's actions one at a time
    (the session's row for the dots, the participant's row otherwise)."""
    limit = rules.RATE_LIMITS[kind]
    moment = now()
    since = moment - limit.window
    recent = session.scalar(
        select(func.count(LiveAction.id)).where(
            LiveAction.participant_id == participant_id,
            LiveAction.kind == kind,
            LiveAction.at > since,
        )
    )
    if rules.too_fast(int(recent or 0), limit):
        raise TooFast(limit.message)
    session.execute(
        delete(LiveAction).where(
            LiveAction.participant_id == participant_id,
            LiveAction.kind == kind,
            LiveAction.at <= since,
        )
    )
    session.add(LiveAction(participant_id=participant_id, kind=kind, at=moment))
