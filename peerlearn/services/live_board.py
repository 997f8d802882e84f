"""The challenge wall and dot-voting of a live session, from the participants' side.

Participants post challenges for their tandem and place dots with their token; the
facilitator moderates with the ordinary challenge and common-challenge services.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from peerlearn.errors import Conflict, InvalidInput
from peerlearn.models import (
    TEXT_MAX,
    Category,
    Challenge,
    City,
    CommonChallenge,
    CountMode,
    Event,
    EventSession,
    Participant,
    Tandem,
    TandemCity,
    User,
    Vote,
)
from peerlearn.services import common_challenges, live
from peerlearn.services._common import STAFF, clean_text, commit, get, get_active, require_role


@dataclass(frozen=True)
class TandemChoice:
    id: int
    name: str


def _participant_and_session(session: Session, token: str) -> tuple[Participant, EventSession]:
    participant, row = live.participant_in_live_session(session, token=token)
    live.require_live(row)
    return participant, row


def participant_tandems(session: Session, *, token: str) -> list[TandemChoice]:
    """The tandems of the event's network that the participant's city belongs to."""
    participant, row = live.participant_in_live_session(session, token=token)
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


def post_challenge(
    session: Session,
    *,
    token: str,
    text: str,
    category_id: int | None = None,
    tandem_id: int | None = None,
) -> Challenge:
    """A challenge from a phone, for the participant's tandem, shown on the wall at once."""
    participant, row = _participant_and_session(session, token)
    if participant.city_id is None:
        raise InvalidInput("Say which city you speak for before posting a challenge.")
    words = clean_text(text, label="The challenge", max_len=TEXT_MAX, field="text")
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
    )
    session.add(challenge)
    commit(session)
    return challenge


def my_challenges(session: Session, *, token: str) -> list[Challenge]:
    participant = live.participation.participant_by_token(session, token=token)
    return list(
        session.scalars(
            select(Challenge)
            .where(Challenge.participant_id == participant.id, Challenge.archived_at.is_(None))
            .order_by(Challenge.id)
        )
    )


def vote(session: Session, *, token: str, common_challenge_id: int, dots: int) -> Vote | None:
    """Place ``dots`` on a group (0 takes them back), within the session's budget."""
    participant, row = _participant_and_session(session, token)
    if row.voting_closed_at is not None:
        raise Conflict("Voting is closed; the ranking is on the big screen.")
    group = get_active(session, CommonChallenge, common_challenge_id, label="common challenge")
    if dots == 0:
        has_vote = session.scalar(
            select(Vote.id).where(
                Vote.common_challenge_id == group.id, Vote.participant_id == participant.id
            )
        )
        if has_vote:
            common_challenges.retract_vote(session, common_challenge_id=group.id, token=token)
        return None
    return common_challenges.cast_vote(
        session,
        common_challenge_id=group.id,
        token=token,
        dots=dots,
        budget=row.vote_budget,
        per_city=row.vote_mode == CountMode.CITY,
    )


def my_votes(session: Session, *, token: str) -> dict[int, int]:
    """Dots the participant placed, by common challenge id."""
    participant = live.participation.participant_by_token(session, token=token)
    rows = session.execute(
        select(Vote.common_challenge_id, Vote.dots).where(Vote.participant_id == participant.id)
    )
    return {group_id: dots for group_id, dots in rows}


def dots_left(session: Session, *, token: str) -> int:
    _, row = live.participant_in_live_session(session, token=token)
    return common_challenges.dots_left(
        session, token=token, budget=row.vote_budget, per_city=row.vote_mode == CountMode.CITY
    )


def group_wall_challenges(
    session: Session,
    *,
    actor: User,
    session_id: int,
    challenge_ids: Iterable[int],
    name: str | None = None,
    into: int | None = None,
) -> CommonChallenge:
    """Group challenges of the session's wall: into a new common challenge ``name``, or
    ``into`` an existing one.

    A hidden challenge is refused (the room does not see it, so it cannot vote on it);
    it has to be shown again first (the common challenges service checks this).
    """
    require_role(actor, *STAFF)
    row = get_active(session, EventSession, session_id, label="session")
    ids = list(dict.fromkeys(challenge_ids))
    if not ids:
        raise InvalidInput("Select at least one challenge to group.", field="challenge_ids")
    if into is not None:
        return common_challenges.add_to_common_challenge(
            session, actor=actor, common_challenge_id=into, challenge_ids=ids
        )
    event = get(session, Event, row.event_id, label="event")
    return common_challenges.create_common_challenge(
        session,
        actor=actor,
        network_id=event.network_id,
        name=name or "",
        challenge_ids=ids,
        session_id=row.id,
    )
