"""Reads for the Roadmaps screen that span a whole tandem."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from peerlearn.models import Milestone, MilestoneStatusChange, Roadmap, Tandem, User
from peerlearn.services.permissions import require_tandem_access
from peerlearn.services.store import get


@dataclass(frozen=True)
class HistoryRow:
    milestone: str
    old_status: str | None
    new_status: str
    changed_by: str | None  # the name, or the email of an account without one
    changed_at: datetime  # UTC


def tandem_history(session: Session, *, actor: User, tandem_id: int) -> list[HistoryRow]:
    """Every status change of the tandem's milestones, newest first, in one query."""
    tandem = get(session, Tandem, tandem_id, label="tandem")
    require_tandem_access(session, actor, tandem)
    statement = (
        select(
            Milestone.title,
            MilestoneStatusChange.old_status,
            MilestoneStatusChange.new_status,
            func.coalesce(func.nullif(func.trim(User.name), ""), User.email),
            MilestoneStatusChange.changed_at,
        )
        .join(Milestone, Milestone.id == MilestoneStatusChange.milestone_id)
        .join(Roadmap, Roadmap.id == Milestone.roadmap_id)
        .outerjoin(User, User.id == MilestoneStatusChange.changed_by_id)
        .where(Roadmap.tandem_id == tandem.id)
        .order_by(MilestoneStatusChange.changed_at.desc(), MilestoneStatusChange.id.desc())
    )
    return [HistoryRow(*row) for row in session.execute(statement)]
