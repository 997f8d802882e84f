"""The challenge wall: participants post their tandem's challenges from their phones,
the facilitator groups them into common challenges for the vote.

Hiding and editing posts go through the ordinary challenge service (staff), which
moves the session's clock like everything here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlmodel import Session

from peerlearn import rules
from peerlearn.errors import InvalidInput, NotFound
from peerlearn.live import ballot, clock, limits
from peerlearn.live.joining import participant_and_session, participant_in_live_session
from peerlearn.live.snapshot import WallItem, wall_posts
from peerlearn.models import (
    Category,
    Challenge,
    City,
    CommonChallenge,
    CommonChallengeCreate,
    Event,
    Participant,
    Tandem,
    TandemCity,
    User,
    WallPostCreate,
)
from peerlearn.services import common_challenges
from peerlearn.services.permissions import require_session_access
from peerlearn.services.store import commit, get, get_active, lock


@dataclass(frozen=True)
class TandemChoice:
    id: int
    name: str


def participant_tandems(session: Session, *, token: str) -> list[TandemChoice]:
    """The tandems of the event's network that the participant's city belongs to."""
    participant, row = participant_and_session(session, token=token)
    if participant.city_id is None:
        return []
    statement = (
        select(Tandem.id, Tandem.name)
        .join(TandemCity, TandemCity.tandem_id == Tandem.id)
        .join(Event, Event.network_id == Tandem.network_id)
        .where(
            Event.id == row.event_id,
            TandemCity.city_id == participant.city_id,
            Tandem.archived_at.is_(None),
        )
        .order_by(Tandem.name)
    )
    return [TandemChoice(i, n) for i, n in session.execute(statement)]


def post_challenge(session: Session, *, token: str, data: WallPostCreate) -> Challenge:
    """A challenge from a phone, for the participant's tandem: on the wall at once, or
    once the facilitator approves it when the session's posts wait for that."""
    participant, row = participant_in_live_session(session, token=token)
    if participant.city_id is None:
        raise InvalidInput("Say which city you speak for before posting a challenge.")
    # The phone's posts one at a time, so that its rate limit holds under a burst.
    lock(session, participant)
    limits.take_turn(session, participant.id, rules.POST)
    words, category_id, tandem_id = data.text, data.category_id, data.tandem_id
    tandems = participant_tandems(session, token=token)
    if not tandems:
        city = get(session, City, participant.city_id, label="city")
        raise InvalidInput(
            f"{city.name} is in no tandem of this network, so its challenges cannot be "
            "filed; ask the facilitator."
        )
    if tandem_id is None:
        if len(tandems) > 1:
            raise InvalidInput("Your city is in several tandems: choose the tandem.")
        tandem_id = tandems[0].id
    if tandem_id not in {t.id for t in tandems}:
        raise InvalidInput("Choose one of your city's own tandems.")
    if category_id is not None:
        get_active(session, Category, category_id, label="category")
    tandem = get(session, Tandem, tandem_id, label="tandem")
    challenge = Challenge(
        text=words,
        tandem_id=tandem_id,
        city_id=participant.city_id,
        category_id=category_id,
        theme_id=tandem.theme_id,
        session_id=row.id,
        participant_id=participant.id,
        pending=row.premoderated,
    )
    session.add(challenge)
    clock.bump(session, row.id)
    commit(session)
    return challenge


def my_challenges(session: Session, *, token: str) -> list[Challenge]:
    participant, _ = participant_and_session(session, token=token)
    return list(
        session.scalars(
            select(Challenge)
            .where(Challenge.participant_id == participant.id, Challenge.archived_at.is_(None))
            .order_by(Challenge.id)
        )
    )


def moderation_posts(session: Session, *, actor: User, session_id: int) -> list[WallItem]:
    """Every post of the session's wall for the facilitator, hidden and waiting ones
    too, oldest first."""
    row = require_session_access(session, actor, session_id)
    return wall_posts(session, row.id)


def approve_posts(
    session: Session, *, actor: User, session_id: int, challenge_ids: Iterable[int]
) -> int:
    """Let posts that wait for the facilitator onto the wall. Returns how many."""
    row = require_session_access(session, actor, session_id)
    ids = list(dict.fromkeys(challenge_ids))
    found = set(
        session.scalars(
            select(Challenge.id).where(Challenge.id.in_(ids), Challenge.session_id == row.id)
        )
    )
    if strangers := [i for i in ids if i not in found]:
        raise NotFound(f"Challenge(s) {strangers} are not a post of this session.")
    approved = session.execute(
        update(Challenge)
        .where(Challenge.id.in_(ids), Challenge.pending.is_(True))
        .values(pending=False)
    ).rowcount
    clock.bump(session, row.id)
    commit(session)
    return approved


def hide_participant_posts(
    session: Session, *, actor: User, session_id: int, participant_id: int
) -> int:
    """Take every post of one participant of the session off the wall (one who floods
    it, say). Returns how many were hidden; they stay stored and can be shown again."""
    row = require_session_access(session, actor, session_id)
    participant = session.get(Participant, participant_id)
    if participant is None or participant.session_id != row.id:
        raise NotFound("That participant is not in this session.")
    hidden = session.execute(
        update(Challenge)
        .where(
            Challenge.participant_id == participant.id,
            Challenge.session_id == row.id,
            Challenge.hidden.is_(False),
        )
        .values(hidden=True)
    ).rowcount
    clock.bump(session, row.id)
    commit(session)
    return hidden


def group_wall_challenges(
    session: Session,
    *,
    actor: User,
    session_id: int,
    challenge_ids: Iterable[int],
    name: str | None = None,
    into: int | None = None,
) -> CommonChallenge:
    """Group challenges of the session's wall into a common challenge and put it on the
    session's ballot: ``into`` an existing one of the network, or by ``name`` — a new
    one, or the network's existing one of that name (case and spacing aside).

    A hidden challenge is refused (the room does not see it, so it cannot vote on it);
    it has to be shown again first (the common challenges service checks this).
    """
    row = require_session_access(session, actor, session_id)
    ids = list(dict.fromkeys(challenge_ids))
    if not ids:
        raise InvalidInput("Select at least one challenge to group.", field="challenge_ids")
    event = get(session, Event, row.event_id, label="event")
    if into is None and name is not None:
        into = _group_named(session, event.network_id, name)
    if into is None:
        # Formed here, so on this session's ballot from the start (one transaction).
        data = CommonChallengeCreate(
            network_id=event.network_id, name=name or "", challenge_ids=ids, session_id=row.id
        )
        return common_challenges.create_common_challenge(session, actor=actor, data=data)
    group = common_challenges.add_to_common_challenge(
        session, actor=actor, common_challenge_id=into, challenge_ids=ids
    )
    ballot.put_on_ballot(session, row.id, [group.id])
    commit(session)
    return group


def _group_named(session: Session, network_id: int, name: str) -> int | None:
    """The network's live common challenge called ``name`` (ignoring case and runs of
    spaces), if there is one."""
    wanted = " ".join(name.split()).casefold()
    if not wanted:
        return None
    rows = session.execute(
        select(CommonChallenge.id, CommonChallenge.name).where(
            CommonChallenge.network_id == network_id,
            CommonChallenge.archived_at.is_(None),
            func.length(CommonChallenge.name) > 0,
        )
    )
    return next((i for i, n in rows if " ".join(n.split()).casefold() == wanted), None)
