"""The network at a glance: counts, milestone states, deadlines, the most common
challenges and the map's data. Built from the list services (a fixed number of
queries whatever the network's size)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import combinations

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from peerlearn import rules
from peerlearn.models import Challenge, Event, MilestoneStatus, Tandem, User, UserRole
from peerlearn.services import common_challenges, network, roadmaps, tandems
from peerlearn.services.permissions import actor_tandem_ids, require_reader
from peerlearn.services.roadmaps import MilestoneRow


@dataclass(frozen=True)
class Glance:
    """The network's counts; ``amber`` and ``red`` count milestones of each colour, by
    the same rule as the Roadmaps screen (rules.rag_status)."""

    cities: int
    tandems: int
    events: int
    challenges: int
    milestones: int
    done: int
    amber: int
    red: int


def glance(session: Session, *, actor: User, network_id: int, today: date) -> Glance:
    require_reader(actor)
    cities = network.list_cities(session, actor=actor, network_id=network_id)
    pairs = tandems.list_tandems(session, actor=actor, network_id=network_id)
    events = session.scalar(
        select(func.count(Event.id)).where(
            Event.network_id == network_id, Event.archived_at.is_(None)
        )
    )
    challenges = session.scalar(
        select(func.count(Challenge.id))
        .join(Tandem, Tandem.id == Challenge.tandem_id)
        .where(Tandem.network_id == network_id, Challenge.archived_at.is_(None))
    )
    milestones = roadmaps.list_milestones(session, actor=actor, network_id=network_id)
    rags = [rules.rag_status(m, m.tandem_deadline, today) for m in milestones]
    return Glance(
        cities=len(cities),
        tandems=len(pairs),
        events=int(events or 0),
        challenges=int(challenges or 0),
        milestones=len(milestones),
        done=sum(1 for m in milestones if m.status == MilestoneStatus.DONE),
        amber=rags.count(rules.Rag.AMBER),
        red=rags.count(rules.Rag.RED),
    )


def deadlines(session: Session, *, actor: User, network_id: int, today: date) -> pd.DataFrame:
    """Per tandem: deadline, days left, progress %, the tandem's red/amber/green.

    A tandem member gets only their own tandems' rows.
    """
    require_reader(actor)
    pairs = tandems.list_tandems(session, actor=actor, network_id=network_id)
    if actor.role == UserRole.TANDEM:
        own = actor_tandem_ids(session, actor)
        pairs = [p for p in pairs if p.tandem.id in own]
    milestones = roadmaps.list_milestones(session, actor=actor, network_id=network_id)
    by_tandem: dict[int, list[MilestoneRow]] = defaultdict(list)
    for milestone in milestones:
        by_tandem[milestone.tandem_id].append(milestone)
    rows = []
    for pair in pairs:
        mine = by_tandem.get(pair.tandem.id, [])
        deadline = pair.tandem.deadline
        rags = [rules.rag_status(m, deadline, today) for m in mine]
        rows.append(
            {
                "tandem": pair.tandem.name,
                "cities": ", ".join(pair.city_names),
                "deadline": deadline,
                "days left": (deadline - today).days if deadline else None,
                "progress": rules.progress(mine),
                "status": rules.tandem_rag(rags) or "",
                "milestones": len(mine),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["tandem", "cities", "deadline", "days left", "progress", "status", "milestones"],
    )
    return frame.sort_values(["deadline", "tandem"], na_position="last", ignore_index=True)


def top_common_challenges(
    session: Session, *, actor: User, network_id: int, limit: int = 5
) -> pd.DataFrame:
    """The common challenges most tandems' challenges point to, then the most voted."""
    require_reader(actor)
    groups = common_challenges.list_common_challenges(session, actor=actor, network_id=network_id)
    ranked = sorted(groups, key=lambda g: (-g.challenge_count, -g.vote_total, g.name))[:limit]
    return pd.DataFrame(
        {
            "common challenge": [g.name for g in ranked],
            "challenges": [g.challenge_count for g in ranked],
            "tandems": [len({c.tandem_id for c in g.challenges}) for g in ranked],
            "dots": [g.vote_total for g in ranked],
        }
    )


def map_data(
    session: Session, *, actor: User, network_id: int
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(cities with coordinates, links between tandem partners, cities left off)."""
    require_reader(actor)
    listed = network.list_cities(session, actor=actor, network_id=network_id)
    placed = [c for c in listed if c.city.latitude is not None and c.city.longitude is not None]
    cities = pd.DataFrame(
        {
            "name": [c.city.name for c in placed],
            "country": [c.city.country for c in placed],
            "role": [c.role or "member" for c in placed],
            "latitude": [c.city.latitude for c in placed],
            "longitude": [c.city.longitude for c in placed],
        }
    )
    links = []
    for pair in tandems.list_tandems(session, actor=actor, network_id=network_id):
        located = [c for c in pair.cities if c.latitude is not None and c.longitude is not None]
        for a, b in combinations(located, 2):
            links.append(
                {
                    "tandem": pair.tandem.name,
                    "lon1": a.longitude,
                    "lat1": a.latitude,
                    "lon2": b.longitude,
                    "lat2": b.latitude,
                }
            )
    frame = pd.DataFrame(links, columns=["tandem", "lon1", "lat1", "lon2", "lat2"])
    return cities, frame, len(listed) - len(placed)
