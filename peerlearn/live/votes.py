"""Dot-voting from a phone: a participant (or, voting per city, the city's people
together) places a budget of dots on the common challenges of the session's ballot."""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select
from sqlmodel import Session

from peerlearn import rules
from peerlearn.errors import Conflict, InvalidInput
from peerlearn.live import clock, limits
from peerlearn.live.joining import participant_and_session, participant_in_live_session
from peerlearn.models import (
    Ballot,
    CommonChallenge,
    CountMode,
    EventSession,
    Participant,
    User,
    Vote,
)
from peerlearn.services.permissions import require_session_access
from peerlearn.services.store import commit, get_active, lock


def _whole(dots: object) -> int:
    if isinstance(dots, bool) or not isinstance(dots, int) or dots < 0:
        raise InvalidInput(
            f"The number of dots must be a whole number of at least 0 (got {dots!r}).",
            field="dots",
        )
    return dots


def _on_ballot(session: Session, row: EventSession, group_id: int) -> CommonChallenge:
    group = get_active(session, CommonChallenge, group_id, label="common challenge")
    listed = session.get(Ballot, (row.id, group.id))
    if listed is None:
        raise InvalidInput(f"The common challenge '{group.name}' is not voted on in this session.")
    return group


def _placed(session: Session, participant: Participant, *, per_city: bool, leave_out: int | None):
    """Dots placed on the ballot's live groups: the participant's own, or (``per_city``)
    everyone's speaking for the same city; leaving out the participant's dots on the
    group ``leave_out``."""
    statement = (
        select(func.coalesce(func.sum(Vote.dots), 0))
        .join(Participant, Participant.id == Vote.participant_id)
        .join(
            Ballot,
            (Ballot.common_challenge_id == Vote.common_challenge_id)
            & (Ballot.session_id == Participant.session_id),
        )
        .join(CommonChallenge, CommonChallenge.id == Vote.common_challenge_id)
        .where(
            Participant.session_id == participant.session_id,
            CommonChallenge.archived_at.is_(None),
        )
    )
    if per_city:
        statement = statement.where(Participant.city_id == participant.city_id)
    else:
        statement = statement.where(Vote.participant_id == participant.id)
    if leave_out is not None:
        statement = statement.where(
            or_(Vote.common_challenge_id != leave_out, Vote.participant_id != participant.id)
        )
    return int(session.scalar(statement))


def _locked(session: Session, token: str) -> tuple[Participant, EventSession]:
    """The phone's participant and live session, the session's row locked: one budget
    check at a time per session, so dots tapped together (two tabs, or the city's
    people at once) are each checked against what the others placed."""
    participant, row = participant_in_live_session(session, token=token)
    lock(session, row)
    session.refresh(row)
    return participant, row


def vote(session: Session, *, token: str, common_challenge_id: int, dots: int) -> Vote | None:
    """Put ``dots`` on a group of the ballot, replacing the participant's earlier dots
    on it (0 takes them back), within the session's budget."""
    participant, row = _locked(session, token)
    return _place(session, participant, row, common_challenge_id, dots)


def _place(
    session: Session, participant: Participant, row: EventSession, group_id: int, dots: int
) -> Vote | None:
    if row.voting_closed_at is not None:
        raise Conflict("Voting is closed; the ranking is on the big screen.")
    dots = _whole(dots)
    group = _on_ballot(session, row, group_id)
    limits.take_turn(session, participant.id, rules.VOTE)  # one at a time: the session's lock
    per_city = row.vote_mode == CountMode.CITY
    if per_city and participant.city_id is None:
        raise InvalidInput("Say which city you speak for before voting: each city has dots.")
    existing = session.scalars(
        select(Vote).where(
            Vote.common_challenge_id == group.id, Vote.participant_id == participant.id
        )
    ).first()
    if dots == 0:
        if existing is not None:
            session.delete(existing)
            clock.bump(session, row.id)
            commit(session)
        return None
    budget = row.vote_budget
    left = budget - _placed(session, participant, per_city=per_city, leave_out=group.id)
    if dots > left:
        advice = (
            f"put at most {left} here"
            if left > 0
            else "take dots off another common challenge first"
        )
        whose = "Your city has" if per_city else "You have"
        raise InvalidInput(
            f"{whose} {max(0, left)} dot{'s' if left != 1 else ''} left to place "
            f"(the budget is {budget}); {advice}.",
            field="dots",
        )
    if existing is None:
        existing = Vote(common_challenge_id=group.id, participant_id=participant.id)
        session.add(existing)
    existing.dots = dots
    existing.city_id = participant.city_id
    clock.bump(session, row.id)
    commit(session, conflict="Your vote was saved twice at once; reload and vote again.")
    return existing


def add_dots(session: Session, *, token: str, common_challenge_id: int, by: int) -> Vote | None:
    """One tap of "+" (``by=1``) or "−" (``by=-1``): the dots already on the group
    change by ``by``, so taps that come faster than the screen redraws all count."""
    participant, row = _locked(session, token)  # two taps on one card at once both count
    placed = session.scalar(
        select(Vote.dots).where(
            Vote.common_challenge_id == common_challenge_id, Vote.participant_id == participant.id
        )
    )
    return _place(session, participant, row, common_challenge_id, max(0, (placed or 0) + by))


def my_votes(session: Session, *, token: str) -> dict[int, int]:
    """Dots the participant placed, by common challenge id."""
    participant, _ = participant_and_session(session, token=token)
    rows = session.execute(
        select(Vote.common_challenge_id, Vote.dots).where(Vote.participant_id == participant.id)
    )
    return {group_id: dots for group_id, dots in rows}


def dots_left(session: Session, *, token: str) -> int:
    """How many dots the participant (or, voting per city, their city) may still place."""
    participant, row = participant_and_session(session, token=token)
    per_city = row.vote_mode == CountMode.CITY
    if per_city and participant.city_id is None:
        return 0
    placed = _placed(session, participant, per_city=per_city, leave_out=None)
    return rules.dots_left(row.vote_budget, placed)


def clear_votes(session: Session, *, actor: User, session_id: int) -> int:
    """Start the vote afresh: every dot placed in the session goes, and voting is open
    again. Returns how many votes were cleared."""
    row = require_session_access(session, actor, session_id)
    voters = select(Participant.id).where(Participant.session_id == row.id)
    cleared = int(
        session.scalar(select(func.count(Vote.id)).where(Vote.participant_id.in_(voters)))
    )
    session.execute(delete(Vote).where(Vote.participant_id.in_(voters)))
    row.voting_closed_at = None
    session.add(row)
    clock.bump(session, row.id, stage=True)
    commit(session)
    return cleared


def vote_count(session: Session, *, actor: User, session_id: int) -> int:
    """How many votes participants of the session have placed."""
    row = require_session_access(session, actor, session_id)
    voters = select(Participant.id).where(Participant.session_id == row.id)
    return int(session.scalar(select(func.count(Vote.id)).where(Vote.participant_id.in_(voters))))
