"""Reading the audit trail (coordinators), and restoring an archived item from it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_
from sqlmodel import Session, select

from peerlearn.audit import ARCHIVED
from peerlearn.errors import InvalidInput
from peerlearn.models import AuditEntry, User
from peerlearn.services import (
    challenges,
    common_challenges,
    events,
    network,
    roadmaps,
    solutions,
    tandems,
    targets,
)
from peerlearn.services.permissions import require_coordinator
from peerlearn.services.store import get
from peerlearn.services.text import clean_text

LIMIT = 1000  # entries a screen lists at once, newest first
# What a table's rows are called on the screen.
LABELS = {
    "network": "network",
    "city": "city",
    "membership": "membership",
    "theme": "theme",
    "category": "category",
    "tandem": "tandem",
    "tandemcity": "tandem city",
    "event": "event",
    "event_session": "session",
    "takeaway": "take-away",
    "quiz": "quiz",
    "question": "question",
    "option": "quiz option",
    "commonchallenge": "common challenge",
    "challenge": "challenge",
    "ballot": "vote ballot",
    "roadmap": "roadmap",
    "milestone": "milestone",
    "milestonechallenge": "milestone link",
    "milestonecommonchallenge": "milestone link",
    "milestonestatuschange": "status change",
    "user": "account",
    "usertandem": "account tandem",
    "target": "target",
    "measurement": "measurement",
    "solution": "solution",
    "solutionlink": "solution link",
    "solutiontarget": "solution link",
    "replication": "replication",
    "milestonesolution": "milestone link",
    "session_solution": "site-visit solution",
    "theme_role": "role per theme",
}


# How an archived row of each table is brought back: its own service, with its checks.
RESTORE: dict[str, Callable] = {
    "network": lambda s, a, i: network.restore_network(s, actor=a, network_id=i),
    "city": lambda s, a, i: network.restore_city(s, actor=a, city_id=i),
    "theme": lambda s, a, i: network.restore_theme(s, actor=a, theme_id=i),
    "category": lambda s, a, i: network.restore_category(s, actor=a, category_id=i),
    "tandem": lambda s, a, i: tandems.restore_tandem(s, actor=a, tandem_id=i),
    "event": lambda s, a, i: events.restore_event(s, actor=a, event_id=i),
    "event_session": lambda s, a, i: events.restore_session(s, actor=a, session_id=i),
    "commonchallenge": lambda s, a, i: common_challenges.restore_common_challenge(
        s, actor=a, common_challenge_id=i
    ),
    "challenge": lambda s, a, i: challenges.restore_challenge(s, actor=a, challenge_id=i),
    "milestone": lambda s, a, i: roadmaps.restore_milestone(s, actor=a, milestone_id=i),
    "target": lambda s, a, i: targets.restore_target(s, actor=a, target_id=i),
    "solution": lambda s, a, i: solutions.restore_solution(s, actor=a, solution_id=i),
}


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    who: str
    what: str  # the table's label
    row_key: str
    action: str
    changes: dict[str, list[object]]
    restorable: bool

    def summary(self) -> str:
        """``column: before → after`` for each column, on one line."""

        def shown(value: object) -> str:
            return "—" if value is None or value == "" else repr(value)

        return "; ".join(
            f"{column}: {shown(before)} → {shown(after)}"
            for column, (before, after) in sorted(self.changes.items())
        )


def entries(
    session: Session,
    *,
    actor: User,
    user_id: int | None = None,
    tables: list[str] | None = None,
    actions: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    search: str | None = None,
    limit: int = LIMIT,
) -> list[AuditRow]:
    """The newest entries first, filtered by who, what, which action, days and words
    (searched in the values before and after)."""
    require_coordinator(actor)
    words = clean_text(search, label="The search", max_len=200, required=False)
    statement = (
        select(AuditEntry, User.name, User.email)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    if user_id is not None:
        statement = statement.where(AuditEntry.user_id == user_id)
    if tables:
        statement = statement.where(AuditEntry.table_name.in_(tables))
    if actions:
        statement = statement.where(AuditEntry.action.in_(actions))
    if since is not None:
        statement = statement.where(AuditEntry.at >= datetime.combine(since, time(), UTC))
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time(), UTC)
        statement = statement.where(AuditEntry.at < end)
    if words:
        statement = statement.where(
            or_(
                AuditEntry.changes.icontains(words, autoescape=True),
                AuditEntry.row_key == words,
            )
        )
    return [
        AuditRow(
            id=entry.id,
            at=entry.at,
            who=name or email or "(account deleted)",
            what=LABELS.get(entry.table_name, entry.table_name),
            row_key=entry.row_key,
            action=entry.action,
            changes=json.loads(entry.changes),
            restorable=entry.action == ARCHIVED and entry.table_name in RESTORE,
        )
        for entry, name, email in session.exec(statement)
    ]


def restore_archived(session: Session, *, actor: User, entry_id: int):
    """Bring back the item an "archived" entry names, through its own service."""
    require_coordinator(actor)
    entry = get(session, AuditEntry, entry_id, label="audit entry")
    restore = RESTORE.get(entry.table_name)
    if entry.action != ARCHIVED or restore is None:
        raise InvalidInput("This entry does not archive anything that can be restored.")
    return restore(session, actor, int(entry.row_key))
