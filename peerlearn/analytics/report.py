"""The tables of the coordinators' Excel summary, for one scope: a network, an event
or a tandem. Every table comes from a fixed number of set-based queries, so the
export of a large network costs what a small one does, per row."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from peerlearn.errors import InvalidInput, PermissionDenied
from peerlearn.models import (
    Answer,
    AnswerOption,
    City,
    Event,
    EventSession,
    MilestoneStatus,
    Network,
    Option,
    Participant,
    Question,
    Quiz,
    Takeaway,
    Tandem,
    User,
    UserRole,
)
from peerlearn.services import challenges, common_challenges, network, roadmaps, tandems
from peerlearn.services._common import STAFF, get, require_role, require_tandem_access
from peerlearn.services.challenges import PRIORITIES


@dataclass(frozen=True)
class Scope:
    """What the summary covers: ``kind`` is network, event or tandem."""

    kind: str
    name: str
    network_id: int
    network_name: str
    event_id: int | None = None
    tandem_id: int | None = None


def resolve_scope(
    session: Session,
    *,
    actor: User | None,
    network_id: int | None = None,
    event_id: int | None = None,
    tandem_id: int | None = None,
) -> Scope:
    """Check that exactly one scope is given and that ``actor`` may export it.

    Coordinators export anything; facilitators a network or an event; tandem members
    their own tandem.
    """
    actor = require_role(actor, *STAFF, UserRole.TANDEM)
    given = [v for v in (network_id, event_id, tandem_id) if v is not None]
    if len(given) != 1:
        raise InvalidInput("Choose one scope for the summary: a network, an event or a tandem.")
    if network_id is not None:
        if actor.role == UserRole.TANDEM:
            raise PermissionDenied("A tandem member exports the summary of their own tandem.")
        row = get(session, Network, network_id, label="network")
        return Scope("network", row.name, row.id, row.name)
    if event_id is not None:
        if actor.role == UserRole.TANDEM:
            raise PermissionDenied("A tandem member exports the summary of their own tandem.")
        event = get(session, Event, event_id, label="event")
        parent = get(session, Network, event.network_id, label="network")
        return Scope("event", event.title, parent.id, parent.name, event_id=event.id)
    tandem = get(session, Tandem, tandem_id, label="tandem")
    require_tandem_access(session, actor, tandem)
    parent = get(session, Network, tandem.network_id, label="network")
    return Scope("tandem", tandem.name, parent.id, parent.name, tandem_id=tandem.id)


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def cities(session: Session, actor: User, scope: Scope) -> pd.DataFrame:
    listed = network.list_cities(session, actor=actor, network_id=scope.network_id)
    if scope.tandem_id is not None:
        members = {
            c.id for c in tandems.tandem_cities(session, actor=actor, tandem_id=scope.tandem_id)
        }
        listed = [c for c in listed if c.city.id in members]
    rows = [
        {
            "City": c.city.name,
            "Country": c.city.country,
            "Role": c.role or "",
            "Latitude": c.city.latitude,
            "Longitude": c.city.longitude,
        }
        for c in listed
    ]
    return _frame(rows, ["City", "Country", "Role", "Latitude", "Longitude"])


def tandem_rows(session: Session, actor: User, scope: Scope, today: date):
    """(the Tandems table, the Roadmaps table), from two list queries."""
    pairs = tandems.list_tandems(session, actor=actor, network_id=scope.network_id)
    milestones = roadmaps.list_milestones(session, actor=actor, network_id=scope.network_id)
    if scope.tandem_id is not None:
        pairs = [p for p in pairs if p.tandem.id == scope.tandem_id]
        milestones = [m for m in milestones if m.tandem_id == scope.tandem_id]
    by_tandem = defaultdict(list)
    for milestone in milestones:
        by_tandem[milestone.tandem_id].append(milestone)
    deadlines = {p.tandem.id: p.tandem.deadline for p in pairs}
    tandem_table = []
    for pair in pairs:
        mine = by_tandem.get(pair.tandem.id, [])
        deadline = pair.tandem.deadline
        rags = [roadmaps.rag_status(m, deadline, today) for m in mine]
        tandem_table.append(
            {
                "Tandem": pair.tandem.name,
                "Cities": ", ".join(pair.city_names),
                "Theme": pair.theme_name or "",
                "Deadline": deadline,
                "Days to deadline": (deadline - today).days if deadline else None,
                "Milestones": len(mine),
                "Done": sum(1 for m in mine if m.status == MilestoneStatus.DONE),
                "Progress": roadmaps.progress(mine) / 100,
                "Status": str(roadmaps.tandem_rag(rags) or ""),
            }
        )
    roadmap_table = []
    for m in sorted(milestones, key=lambda m: (m.tandem_name, m.due_date, m.position)):
        deadline = deadlines.get(m.tandem_id)
        roadmap_table.append(
            {
                "Tandem": m.tandem_name,
                "Milestone": m.title,
                "Owner city": m.owner_city_name or "",
                "Due date": m.due_date,
                "Status": m.status,
                "Days until due": (m.due_date - today).days,
                "Tandem deadline": deadline,
                "Days to deadline": (deadline - today).days if deadline else None,
                "RAG": str(roadmaps.rag_status(m, deadline, today)),
                "Partner's contribution": m.partner_contribution,
            }
        )
    return (
        _frame(tandem_table, list(TANDEM_COLUMNS)),
        _frame(roadmap_table, list(ROADMAP_COLUMNS)),
    )


TANDEM_COLUMNS = (
    "Tandem",
    "Cities",
    "Theme",
    "Deadline",
    "Days to deadline",
    "Milestones",
    "Done",
    "Progress",
    "Status",
)
ROADMAP_COLUMNS = (
    "Tandem",
    "Milestone",
    "Owner city",
    "Due date",
    "Status",
    "Days until due",
    "Tandem deadline",
    "Days to deadline",
    "RAG",
    "Partner's contribution",
)
CHALLENGE_COLUMNS = [
    "Challenge",
    "Tandem",
    "City",
    "Category",
    "Theme",
    "Priority",
    "Session",
    "Common challenge",
    "Recorded",
]


def challenge_rows(session: Session, actor: User, scope: Scope):
    """(the Challenges table, the Common challenges table)."""
    listed = challenges.list_challenges(
        session,
        actor=actor,
        network_id=scope.network_id,
        event_id=scope.event_id,
        tandem_id=scope.tandem_id,
    )
    groups = common_challenges.list_common_challenges(
        session, actor=actor, network_id=scope.network_id
    )
    totals = {
        t.common_challenge_id: t
        for t in common_challenges.vote_totals(session, actor=actor, network_id=scope.network_id)
    }
    in_scope = {c.id for c in listed}
    if scope.kind != "network":
        groups = [g for g in groups if any(c.id in in_scope for c in g.challenges)]
    names = {g.id: g.name for g in groups}
    challenge_table = [
        {
            "Challenge": c.text,
            "Tandem": c.tandem_name,
            "City": c.city_name or "",
            "Category": c.category_name or "",
            "Theme": c.theme_name or "",
            "Priority": PRIORITIES.get(c.priority, ""),
            "Session": c.session_title or "",
            "Common challenge": names.get(c.common_challenge_id, ""),
            "Recorded": c.created_at.date(),
        }
        for c in listed
    ]
    group_table = []
    for group in sorted(groups, key=lambda g: (-g.vote_total, g.name)):
        total = totals.get(group.id)
        group_table.append(
            {
                "Common challenge": group.name,
                "Category": group.category_name or "",
                "Challenges": group.challenge_count,
                "Tandems": ", ".join(sorted({c.tandem_name for c in group.challenges})),
                "Dots": group.vote_total,
                "Voters": total.voters if total else 0,
                "Cities voting": total.cities if total else 0,
                "The challenges": " | ".join(c.text for c in group.challenges),
            }
        )
    group_columns = [
        "Common challenge",
        "Category",
        "Challenges",
        "Tandems",
        "Dots",
        "Voters",
        "Cities voting",
        "The challenges",
    ]
    return _frame(challenge_table, CHALLENGE_COLUMNS), _frame(group_table, group_columns)


def _session_filter(statement, scope: Scope):
    statement = statement.join(Event, Event.id == EventSession.event_id).where(
        Event.network_id == scope.network_id
    )
    if scope.event_id is not None:
        statement = statement.where(Event.id == scope.event_id)
    return statement


def quiz_rows(session: Session, scope: Scope):
    """(answers per question and option, answers per question and city)."""
    columns = ["Event", "Session", "Quiz", "#", "Question", "Type", "Option", "Correct"]
    if scope.kind == "tandem":  # phones answer for a city, not for a tandem
        return _frame([], [*columns, "Answers", "Share"]), _frame([], QUIZ_COVERAGE)
    picks = (
        select(AnswerOption.option_id, func.count().label("n"))
        .group_by(AnswerOption.option_id)
        .subquery()
    )
    statement = _session_filter(
        select(
            Event.title,
            EventSession.title,
            Quiz.title,
            Question.position,
            Question.id,
            Question.text,
            Question.kind,
            Option.text,
            Option.is_correct,
            func.coalesce(picks.c.n, 0),
        )
        .select_from(Option)
        .join(Question, Question.id == Option.question_id)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .join(EventSession, EventSession.id == Quiz.session_id)
        .outerjoin(picks, picks.c.option_id == Option.id),
        scope,
    ).order_by(
        Event.start_date, EventSession.starts_at, Quiz.id, Question.position, Option.position
    )
    rows = session.execute(statement).all()
    answered = Counter()
    for row in rows:
        answered[row[4]] += row[9]
    options = [_option_row(row, answered) for row in rows]
    coverage_statement = _session_filter(
        select(
            Event.title,
            EventSession.title,
            Question.position,
            Question.text,
            func.coalesce(City.name, "(no city)"),
            func.count(func.distinct(Participant.id)),
        )
        .select_from(Answer)
        .join(Question, Question.id == Answer.question_id)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .join(EventSession, EventSession.id == Quiz.session_id)
        .join(Participant, Participant.id == Answer.participant_id)
        .outerjoin(City, City.id == Participant.city_id),
        scope,
    ).group_by(
        Event.title, EventSession.title, Question.id, Question.position, Question.text, City.name
    )
    coverage = [
        {
            "Event": event,
            "Session": session_title,
            "#": position + 1,
            "Question": text,
            "City": city,
            "People answering": people,
        }
        for event, session_title, position, text, city, people in session.execute(
            coverage_statement.order_by(
                Event.title, EventSession.title, Question.position, City.name
            )
        )
    ]
    return _frame(options, [*columns, "Answers", "Share"]), _frame(coverage, QUIZ_COVERAGE)


QUIZ_COVERAGE = ["Event", "Session", "#", "Question", "City", "People answering"]


def _option_row(row, answered: Counter) -> dict:
    event, title, quiz, position, question_id, text, kind, option, correct, count = row
    return {
        "Event": event,
        "Session": title,
        "Quiz": quiz,
        "#": position + 1,
        "Question": text,
        "Type": kind,
        "Option": option,
        "Correct": "yes" if correct else "",
        "Answers": count,
        "Share": count / answered[question_id] if answered[question_id] else 0.0,
    }


def takeaway_rows(session: Session, scope: Scope) -> pd.DataFrame:
    columns = ["Event", "Date", "Session", "Take-away"]
    if scope.kind == "tandem":
        return _frame([], columns)
    statement = _session_filter(
        select(Event.title, EventSession.starts_at, EventSession.title, Takeaway.text)
        .select_from(Takeaway)
        .join(EventSession, EventSession.id == Takeaway.session_id),
        scope,
    ).order_by(Event.start_date, EventSession.starts_at, Takeaway.position, Takeaway.id)
    rows = [
        {
            "Event": event,
            "Date": starts.date() if starts else None,
            "Session": title,
            "Take-away": text,
        }
        for event, starts, title, text in session.execute(statement)
    ]
    return _frame(rows, columns)
