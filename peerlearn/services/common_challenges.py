"""Common challenges (similar challenges grouped in a plenary) and the dot votes on them.

Grouping and vote management are for staff. A participant votes with their token and
no account; staff may record a vote for a participant by id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, select

from peerlearn.errors import Conflict, InvalidInput, NotFound
from peerlearn.live import clock
from peerlearn.models import (
    Ballot,
    Category,
    Challenge,
    City,
    CommonChallenge,
    CommonChallengeCreate,
    CommonChallengeUpdate,
    Event,
    EventSession,
    MilestoneCommonChallenge,
    Network,
    Tandem,
    User,
    UserRole,
    Vote,
)
from peerlearn.services.permissions import actor_tandem_ids, require_reader, require_staff
from peerlearn.services.store import commit, get, get_active, now, unchanged_since


@dataclass(frozen=True)
class MemberChallenge:
    id: int
    text: str
    tandem_id: int
    tandem_name: str
    city_name: str | None


@dataclass(frozen=True)
class CommonChallengeRow:
    id: int
    name: str
    description: str
    network_id: int
    session_id: int | None
    category_id: int | None
    category_name: str | None
    archived_at: datetime | None
    challenge_count: int
    vote_total: int
    challenges: list[MemberChallenge]
    version: int


@dataclass(frozen=True)
class VoteTotal:
    common_challenge_id: int
    name: str
    dots: int
    voters: int
    # One vote per city: how many distinct cities put dots on it.
    cities: int


# --- grouping ---------------------------------------------------------------------


def _check_session(session: Session, network: Network, session_id: int | None) -> None:
    if session_id is None:
        return
    event_session = get_active(session, EventSession, session_id, label="session")
    event = get(session, Event, event_session.event_id, label="event")
    if event.network_id != network.id:
        raise InvalidInput(
            f"The session '{event_session.title}' belongs to an event of another network "
            f"than '{network.name}'.",
            field="session_id",
        )


def _check_unique_name(
    session: Session, network_id: int, name: str, *, except_id: int | None = None
) -> None:
    statement = select(CommonChallenge.id).where(
        CommonChallenge.network_id == network_id,
        CommonChallenge.archived_at.is_(None),
        func.lower(CommonChallenge.name) == name.lower(),
    )
    if except_id is not None:
        statement = statement.where(CommonChallenge.id != except_id)
    if session.exec(statement).first() is not None:
        raise Conflict(
            f"A common challenge named '{name}' already exists in this network; "
            "choose another name or add the challenges to it.",
            field="name",
        )


def _groupable(
    session: Session, network_id: int, challenge_ids: Iterable[int], *, into: int | None
) -> list[Challenge]:
    """The challenges ``challenge_ids``, refused unless each may join a group."""
    ids = list(dict.fromkeys(challenge_ids))
    if not ids:
        raise InvalidInput("Pick at least one challenge to group.", field="challenge_ids")
    rows = session.exec(
        select(Challenge, Tandem.network_id).join(Tandem).where(Challenge.id.in_(ids))
    ).all()
    found = {challenge.id: (challenge, net) for challenge, net in rows}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise NotFound(f"No challenge with id {', '.join(missing)}.", field="challenge_ids")
    current_ids = {c.common_challenge_id for c, _ in found.values() if c.common_challenge_id}
    active_groups = {
        cc.id: cc
        for cc in session.exec(
            select(CommonChallenge).where(
                CommonChallenge.id.in_(current_ids), CommonChallenge.archived_at.is_(None)
            )
        )
    }
    challenges = []
    for ident in ids:
        challenge, net = found[ident]
        label = f"The challenge #{challenge.id} ('{challenge.text[:40]}')"
        if net != network_id:
            raise InvalidInput(f"{label} belongs to another network.", field="challenge_ids")
        if challenge.archived_at is not None:
            raise InvalidInput(f"{label} is archived; restore it first.", field="challenge_ids")
        if challenge.hidden:
            raise InvalidInput(
                f"{label} is hidden from the wall; show it again before grouping it, "
                "or leave it out.",
                field="challenge_ids",
            )
        if challenge.pending:
            raise InvalidInput(
                f"{label} waits for your approval; approve it before grouping it, or leave it out.",
                field="challenge_ids",
            )
        group = active_groups.get(challenge.common_challenge_id)
        if group is not None and group.id == into:
            raise InvalidInput(f"{label} is already in this group.", field="challenge_ids")
        if group is not None:
            raise InvalidInput(
                f"{label} is already in the common challenge '{group.name}'; "
                "remove it from there first.",
                field="challenge_ids",
            )
        challenges.append(challenge)
    return challenges


def _tell_screens(session: Session, group_ids, challenges=()) -> None:
    """Move the clocks of the live sessions that show these groups: those voting on
    them (their ballot changes) and those whose wall holds these challenges."""
    voting = session.exec(
        select(Ballot.session_id).where(Ballot.common_challenge_id.in_(list(group_ids)))
    ).all()
    clock.bump_many(session, voting, stage=True)
    clock.bump_many(session, {c.session_id for c in challenges} - set(voting))


def create_common_challenge(
    session: Session, *, actor: User, data: CommonChallengeCreate
) -> CommonChallenge:
    """Group challenges of one network under a common name."""
    require_staff(actor)
    network = get_active(session, Network, data.network_id, label="network")
    _check_session(session, network, data.session_id)
    if data.category_id is not None:
        get_active(session, Category, data.category_id, label="category")
    _check_unique_name(session, network.id, data.name)
    challenges = _groupable(session, network.id, data.challenge_ids, into=None)
    group = CommonChallenge(
        network_id=network.id,
        session_id=data.session_id,
        name=data.name,
        description=data.description,
        category_id=data.category_id,
    )
    session.add(group)
    session.flush()
    for challenge in challenges:
        challenge.common_challenge_id = group.id
    if data.session_id is not None:
        # Formed in a session: voted on there.
        session.add(Ballot(session_id=data.session_id, common_challenge_id=group.id))
    _tell_screens(session, [group.id], challenges)
    commit(session, conflict="The common challenge could not be saved; reload and try again.")
    return group


def update_common_challenge(
    session: Session, *, actor: User, common_challenge_id: int, data: CommonChallengeUpdate
) -> CommonChallenge:
    """Rename a group and/or replace its description (what is left out stays)."""
    require_staff(actor)
    group = get_active(session, CommonChallenge, common_challenge_id, label="common challenge")
    changes = data.changes()
    unchanged_since(session, group, changes.pop("version", None), what="common challenge")
    if "name" in changes:
        _check_unique_name(session, group.network_id, changes["name"], except_id=group.id)
    for key, value in changes.items():
        setattr(group, key, value)
    _tell_screens(session, [group.id])
    commit(session)
    return group


def add_to_common_challenge(
    session: Session, *, actor: User, common_challenge_id: int, challenge_ids: Iterable[int]
) -> CommonChallenge:
    require_staff(actor)
    group = get_active(session, CommonChallenge, common_challenge_id, label="common challenge")
    challenges = _groupable(session, group.network_id, challenge_ids, into=group.id)
    for challenge in challenges:
        challenge.common_challenge_id = group.id
    _tell_screens(session, [group.id], challenges)
    commit(session)
    return group


def remove_from_common_challenge(session: Session, *, actor: User, challenge_id: int) -> Challenge:
    """Take a challenge out of its group again."""
    require_staff(actor)
    challenge = get(session, Challenge, challenge_id, label="challenge")
    if challenge.common_challenge_id is None:
        raise InvalidInput("This challenge is not in a common challenge.")
    _tell_screens(session, [challenge.common_challenge_id], [challenge])
    challenge.common_challenge_id = None
    commit(session)
    return challenge


def merge_common_challenges(
    session: Session, *, actor: User, target_id: int, source_id: int
) -> CommonChallenge:
    """Move the challenges, votes and milestone links of ``source`` into ``target``.

    A participant who voted on both keeps one vote on the target with the dots added
    up, so nobody's total (and budget) changes. The source is then archived.
    """
    require_staff(actor)
    if target_id == source_id:
        raise InvalidInput("Pick two different common challenges to merge.")
    target = get_active(session, CommonChallenge, target_id, label="common challenge")
    source = get_active(session, CommonChallenge, source_id, label="common challenge")
    if target.network_id != source.network_id:
        raise InvalidInput(
            f"'{source.name}' and '{target.name}' belong to different networks; "
            "only groups of one network can be merged."
        )
    if target.session_id != source.session_id:
        raise InvalidInput(
            f"'{source.name}' and '{target.name}' were voted in different sessions; "
            "only groups of one session can be merged."
        )

    for challenge in session.exec(
        select(Challenge).where(Challenge.common_challenge_id == source.id)
    ):
        challenge.common_challenge_id = target.id

    target_votes = {
        vote.participant_id: vote
        for vote in session.exec(
            select(Vote).where(
                Vote.common_challenge_id == target.id, Vote.participant_id.is_not(None)
            )
        )
    }
    for vote in session.exec(select(Vote).where(Vote.common_challenge_id == source.id)).all():
        kept = target_votes.get(vote.participant_id) if vote.participant_id else None
        if kept is not None:
            kept.dots += vote.dots
            session.delete(vote)
        else:
            vote.common_challenge_id = target.id

    linked = set(
        session.exec(
            select(MilestoneCommonChallenge.milestone_id).where(
                MilestoneCommonChallenge.common_challenge_id == target.id
            )
        )
    )
    moved = session.exec(
        select(MilestoneCommonChallenge.milestone_id).where(
            MilestoneCommonChallenge.common_challenge_id == source.id
        )
    ).all()
    session.execute(
        delete(MilestoneCommonChallenge).where(
            MilestoneCommonChallenge.common_challenge_id == source.id
        )
    )
    for milestone_id in set(moved) - linked:
        session.add(
            MilestoneCommonChallenge(milestone_id=milestone_id, common_challenge_id=target.id)
        )

    voted_in = set(
        session.exec(select(Ballot.session_id).where(Ballot.common_challenge_id == target.id))
    )
    for listed in session.exec(select(Ballot).where(Ballot.common_challenge_id == source.id)):
        if listed.session_id not in voted_in:
            session.add(Ballot(session_id=listed.session_id, common_challenge_id=target.id))

    if not target.description and source.description:
        target.description = source.description
    _tell_screens(session, [target.id, source.id])
    source.archived_at = now()
    commit(session, conflict="The merge clashed with another change; reload and try again.")
    return target


def archive_common_challenge(
    session: Session, *, actor: User, common_challenge_id: int
) -> CommonChallenge:
    """Archive a group; its challenges may then be grouped elsewhere."""
    require_staff(actor)
    group = get_active(session, CommonChallenge, common_challenge_id, label="common challenge")
    group.archived_at = now()
    _tell_screens(session, [group.id])
    commit(session)
    return group


def restore_common_challenge(
    session: Session, *, actor: User, common_challenge_id: int
) -> CommonChallenge:
    """Bring an archived group back, unless another of its network took its name since."""
    require_staff(actor)
    group = get(session, CommonChallenge, common_challenge_id, label="common challenge")
    if group.archived_at is None:
        raise InvalidInput("This common challenge is not archived; there is nothing to restore.")
    _check_unique_name(session, group.network_id, group.name, except_id=group.id)
    group.archived_at = None
    _tell_screens(session, [group.id])
    commit(session)
    return group


def list_common_challenges(
    session: Session,
    *,
    actor: User,
    network_id: int,
    session_id: int | None = None,
    include_archived: bool = False,
) -> list[CommonChallengeRow]:
    """Groups with their challenge count and vote total (computed in SQL) and members.

    Any signed-in user may read the groups; a tandem member sees only their own
    tandems' challenges among the members (the counts stay those of the whole group).
    """
    actor = require_reader(actor)
    get(session, Network, network_id, label="network")
    counts = (
        select(Challenge.common_challenge_id, func.count(Challenge.id).label("n"))
        .where(Challenge.archived_at.is_(None))
        .group_by(Challenge.common_challenge_id)
        .subquery()
    )
    dots = (
        select(Vote.common_challenge_id, func.sum(Vote.dots).label("dots"))
        .group_by(Vote.common_challenge_id)
        .subquery()
    )
    statement = (
        select(
            CommonChallenge.id,
            CommonChallenge.name,
            CommonChallenge.description,
            CommonChallenge.network_id,
            CommonChallenge.session_id,
            CommonChallenge.category_id,
            Category.name,
            CommonChallenge.archived_at,
            func.coalesce(counts.c.n, 0),
            func.coalesce(dots.c.dots, 0),
            CommonChallenge.version,
        )
        .outerjoin(Category, Category.id == CommonChallenge.category_id)
        .outerjoin(counts, counts.c.common_challenge_id == CommonChallenge.id)
        .outerjoin(dots, dots.c.common_challenge_id == CommonChallenge.id)
        .where(CommonChallenge.network_id == network_id)
        .order_by(CommonChallenge.name, CommonChallenge.id)
    )
    if session_id is not None:
        statement = statement.where(CommonChallenge.session_id == session_id)
    if not include_archived:
        statement = statement.where(CommonChallenge.archived_at.is_(None))
    groups = session.exec(statement).all()

    members = (
        select(
            Challenge.common_challenge_id,
            Challenge.id,
            Challenge.text,
            Tandem.id,
            Tandem.name,
            City.name,
        )
        .join(Tandem, Tandem.id == Challenge.tandem_id)
        .outerjoin(City, City.id == Challenge.city_id)
        .where(
            Challenge.common_challenge_id.in_([g[0] for g in groups]),
            Challenge.archived_at.is_(None),
        )
        .order_by(Tandem.name, Challenge.id)
    )
    if actor.role == UserRole.TANDEM:
        members = members.where(Challenge.tandem_id.in_(actor_tandem_ids(session, actor)))
    by_group: dict[int, list[MemberChallenge]] = {g[0]: [] for g in groups}
    for group_id, *fields in session.exec(members):
        by_group[group_id].append(MemberChallenge(*fields))
    return [CommonChallengeRow(*g[:8], int(g[8]), int(g[9]), by_group[g[0]], g[10]) for g in groups]


# --- votes ------------------------------------------------------------------------


def vote_totals(
    session: Session,
    *,
    actor: User,
    network_id: int,
) -> list[VoteTotal]:
    """Dots, voters and voting cities per live group of the network, most dots first
    (one query), whatever session they were placed in."""
    require_reader(actor)
    statement = (
        select(
            CommonChallenge.id,
            CommonChallenge.name,
            func.coalesce(func.sum(Vote.dots), 0),
            func.count(Vote.id),
            func.count(func.distinct(Vote.city_id)),
        )
        .outerjoin(Vote, Vote.common_challenge_id == CommonChallenge.id)
        .where(CommonChallenge.archived_at.is_(None))
        .group_by(CommonChallenge.id, CommonChallenge.name)
        .order_by(func.coalesce(func.sum(Vote.dots), 0).desc(), CommonChallenge.name)
    )
    statement = statement.where(CommonChallenge.network_id == network_id)
    return [VoteTotal(i, n, int(d), int(v), int(c)) for i, n, d, v, c in session.exec(statement)]
