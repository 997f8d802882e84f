"""The tables of the coordinators' Excel summary, for one scope: a network, an event
or a tandem. Every table comes from a fixed number of set-based queries, so the
export of a large network costs what a small one does, per row."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
from sqlalchemy import func, or_, select
from sqlmodel import Session

from peerlearn import rules
from peerlearn.errors import InvalidInput, PermissionDenied
from peerlearn.models import (
    Answer,
    AnswerOption,
    Challenge,
    City,
    Event,
    EventSession,
    MilestoneStatus,
    Network,
    Option,
    Participant,
    Question,
    QuestionKind,
    Quiz,
    Takeaway,
    Tandem,
    TandemCity,
    User,
    UserRole,
)
from peerlearn.services import challenges, common_challenges, network, roadmaps, tandems
from peerlearn.services.challenges import PRIORITIES
from peerlearn.services.permissions import require_reader, require_tandem_access
from peerlearn.services.store import get

TANDEM_ONLY = "A tandem member exports the summary of their own tandem."


@dataclass(frozen=True)
class Scope:
    """What the summary covers: ``kind`` is network, event or tandem."""

    kind: str
    name: str
    network_id: int
    network_name: str
    event_id: int | None = None
    tandem_id: int | None = None
    # For an event: the cities and tandems that took part (see _event_presence).
    cities_present: frozenset[int] = frozenset()
    tandems_present: frozenset[int] = frozenset()


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
    actor = require_reader(actor)
    given = [v for v in (network_id, event_id, tandem_id) if v is not None]
    if len(given) != 1:
        raise InvalidInput("Choose one scope for the summary: a network, an event or a tandem.")
    if network_id is not None:
        if actor.role == UserRole.TANDEM:
            raise PermissionDenied(TANDEM_ONLY)
        row = get(session, Network, network_id, label="network")
        return Scope("network", row.name, row.id, row.name)
    if event_id is not None:
        if actor.role == UserRole.TANDEM:
            raise PermissionDenied(TANDEM_ONLY)
        event = get(session, Event, event_id, label="event")
        parent = get(session, Network, event.network_id, label="network")
        scope = Scope("event", event.title, parent.id, parent.name, event_id=event.id)
        cities, tandems = _event_presence(session, scope)
        return replace(scope, cities_present=frozenset(cities), tandems_present=frozenset(tandems))
    tandem = get(session, Tandem, tandem_id, label="tandem")
    require_tandem_access(session, actor, tandem)
    parent = get(session, Network, tandem.network_id, label="network")
    return Scope("tandem", tandem.name, parent.id, parent.name, tandem_id=tandem.id)


def require_scope(session: Session, actor: User | None, scope: Scope) -> User:
    """``actor`` may read ``scope``: the rule of :func:`resolve_scope`, checked again by
    every table of the summary so none can be read with a scope made for someone else."""
    actor = require_reader(actor)
    if actor.role == UserRole.TANDEM:
        if scope.tandem_id is None:
            raise PermissionDenied(TANDEM_ONLY)
        require_tandem_access(session, actor, get(session, Tandem, scope.tandem_id, label="tandem"))
    return actor


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def _event_presence(session: Session, scope: Scope) -> tuple[set[int], set[int]]:
    """(cities, tandems) that took part in the scope's event.

    A city took part when someone spoke for it from a phone or a challenge of it was
    raised in one of the event's sessions; a tandem when one of its cities did or one
    of its challenges was raised there.
    """
    spoke = _session_filter(
        select(Participant.city_id)
        .select_from(Participant)
        .join(EventSession, EventSession.id == Participant.session_id)
        .where(Participant.city_id.is_not(None))
        .distinct(),
        scope,
    )
    raised = session.execute(
        _session_filter(
            select(Challenge.tandem_id, Challenge.city_id)
            .select_from(Challenge)
            .join(EventSession, EventSession.id == Challenge.session_id)
            .where(Challenge.archived_at.is_(None))
            .distinct(),
            scope,
        )
    ).all()
    cities = set(session.scalars(spoke)) | {city for _, city in raised if city is not None}
    tandem_ids = {tandem for tandem, _ in raised}
    if cities:
        tandem_ids |= set(
            session.scalars(
                select(TandemCity.tandem_id)
                .join(Tandem, Tandem.id == TandemCity.tandem_id)
                .where(Tandem.network_id == scope.network_id, TandemCity.city_id.in_(cities))
            )
        )
    return cities, tandem_ids


def cities(session: Session, actor: User, scope: Scope) -> pd.DataFrame:
    require_scope(session, actor, scope)
    listed = network.list_cities(session, actor=actor, network_id=scope.network_id)
    if scope.event_id is not None:
        listed = [c for c in listed if c.city.id in scope.cities_present]
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
            "Joined": c.joined_on,
            "Latitude": c.city.latitude,
            "Longitude": c.city.longitude,
        }
        for c in listed
    ]
    return _frame(rows, ["City", "Country", "Role", "Joined", "Latitude", "Longitude"])


def tandem_rows(session: Session, actor: User, scope: Scope, today: date):
    """(the Tandems table, the Roadmaps table), from two list queries."""
    require_scope(session, actor, scope)
    pairs = tandems.list_tandems(session, actor=actor, network_id=scope.network_id)
    milestones = roadmaps.list_milestones(session, actor=actor, network_id=scope.network_id)
    if scope.tandem_id is not None:
        pairs = [p for p in pairs if p.tandem.id == scope.tandem_id]
        milestones = [m for m in milestones if m.tandem_id == scope.tandem_id]
    if scope.event_id is not None:
        pairs = [p for p in pairs if p.tandem.id in scope.tandems_present]
        milestones = [m for m in milestones if m.tandem_id in scope.tandems_present]
    by_tandem = defaultdict(list)
    for milestone in milestones:
        by_tandem[milestone.tandem_id].append(milestone)
    deadlines = {p.tandem.id: p.tandem.deadline for p in pairs}
    tandem_table = []
    for pair in pairs:
        mine = by_tandem.get(pair.tandem.id, [])
        deadline = pair.tandem.deadline
        rags = [rules.rag_status(m, deadline, today) for m in mine]
        tandem_table.append(
            {
                "Tandem": pair.tandem.name,
                "Cities": ", ".join(pair.city_names),
                "Theme": pair.theme_name or "",
                "Deadline": deadline,
                "Days to deadline": (deadline - today).days if deadline else None,
                "Milestones": len(mine),
                "Done": sum(1 for m in mine if m.status == MilestoneStatus.DONE),
                "Progress": rules.progress(mine) / 100,
                "Status": str(rules.tandem_rag(rags) or ""),
                "Example data": "yes" if pair.tandem.is_example else "",
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
                "RAG": str(rules.rag_status(m, deadline, today)),
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
    "Example data",
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
    require_scope(session, actor, scope)
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


QUIZ_COLUMNS = [
    "Event",
    "Session",
    "Quiz",
    "#",
    "Question",
    "Type",
    "Answer",
    "Correct",
    "Answers",
    "People answering",
    "Share",
    "Mean",
]
QUIZ_COVERAGE = [
    "Event",
    "Session",
    "#",
    "Question",
    "City",
    "People present",
    "People answering",
]


def _in_quiz_scope(statement, scope: Scope):
    """Keep the rows of questions asked in the scope's sessions (Question in FROM)."""
    return _session_filter(
        statement.join(Quiz, Quiz.id == Question.quiz_id).join(
            EventSession, EventSession.id == Quiz.session_id
        ),
        scope,
    )


def quiz_rows(session: Session, actor: User, scope: Scope):
    """(every question's results, answers per question and city present).

    One row per option of a choice question, per value of a scale, per distinct
    answer of an open question; "Share" is of the people who answered the question,
    so a multiple-choice question's shares may add up to more than 100 %.
    """
    require_scope(session, actor, scope)
    if scope.kind == "tandem":  # phones answer for a city, not for a tandem
        return _frame([], QUIZ_COLUMNS), _frame([], QUIZ_COVERAGE)
    answered = (
        select(
            Answer.question_id,
            func.count(Answer.id).label("people"),
            func.avg(Answer.value).label("mean"),
        )
        .group_by(Answer.question_id)
        .subquery()
    )
    questions = session.execute(
        _in_quiz_scope(
            select(
                Question.id,
                Event.title,
                EventSession.title,
                EventSession.id,
                Quiz.title,
                Question.position,
                Question.text,
                Question.kind,
                Question.scale_min,
                Question.scale_max,
                func.coalesce(answered.c.people, 0),
                answered.c.mean,
            )
            .select_from(Question)
            .outerjoin(answered, answered.c.question_id == Question.id),
            scope,
        ).order_by(Event.start_date, EventSession.starts_at, Quiz.id, Question.position)
    ).all()
    results = _answer_counts(session, scope)
    rows = []
    for q in questions:
        question_id, event, title, _, quiz, position, text, kind, low, high, people, mean = q
        head = {
            "Event": event,
            "Session": title,
            "Quiz": quiz,
            "#": position + 1,
            "Question": text,
            "Type": kind,
        }
        answers = results.get(question_id, [])
        if kind == QuestionKind.SCALE and low is not None and high is not None:
            counted = {value: n for value, _, n in answers}
            answers = [(str(v), False, counted.get(str(v), 0)) for v in range(low, high + 1)]
        for answer, correct, count in answers or [(None, False, 0)]:
            rows.append(
                {
                    **head,
                    "Answer": answer,
                    "Correct": "yes" if correct else "",
                    "Answers": count,
                    "People answering": people,
                    "Share": count / people if people else 0.0,
                    "Mean": round(float(mean), 2)
                    if kind == QuestionKind.SCALE and mean is not None
                    else None,
                }
            )
    return _frame(rows, QUIZ_COLUMNS), _quiz_coverage(session, scope, questions)


def quiz_answer_count(session: Session, actor: User, scope: Scope) -> int:
    """How many answers people gave to the scope's questions (one per person and question)."""
    require_scope(session, actor, scope)
    if scope.kind == "tandem":
        return 0
    statement = _in_quiz_scope(
        select(func.count(Answer.id))
        .select_from(Answer)
        .join(Question, Question.id == Answer.question_id),
        scope,
    )
    return session.execute(statement).scalar_one()


def _answer_counts(session: Session, scope: Scope) -> dict[int, list[tuple]]:
    """Per question: (answer, is correct, how many) for options, scale values and texts."""
    picks = (
        select(AnswerOption.option_id, func.count().label("n"))
        .group_by(AnswerOption.option_id)
        .subquery()
    )
    results: dict[int, list[tuple]] = defaultdict(list)
    for question_id, text, correct, count in session.execute(
        _in_quiz_scope(
            select(Option.question_id, Option.text, Option.is_correct, func.coalesce(picks.c.n, 0))
            .select_from(Option)
            .join(Question, Question.id == Option.question_id)
            .outerjoin(picks, picks.c.option_id == Option.id),
            scope,
        ).order_by(Option.question_id, Option.position, Option.id)
    ):
        results[question_id].append((text, correct, count))
    for question_id, value, count in session.execute(
        _in_quiz_scope(
            select(Answer.question_id, Answer.value, func.count())
            .select_from(Answer)
            .join(Question, Question.id == Answer.question_id)
            .where(Question.kind == QuestionKind.SCALE, Answer.value.is_not(None)),
            scope,
        )
        .group_by(Answer.question_id, Answer.value)
        .order_by(Answer.question_id, Answer.value)
    ):
        results[question_id].append((str(value), False, count))
    texts: dict[int, Counter] = defaultdict(Counter)
    spelling: dict[tuple[int, str], str] = {}
    for question_id, text in session.execute(
        _in_quiz_scope(
            select(Answer.question_id, Answer.text)
            .select_from(Answer)
            .join(Question, Question.id == Answer.question_id)
            .where(Question.kind == QuestionKind.OPEN),
            scope,
        ).order_by(Answer.id)
    ):
        shown = " ".join(text.split())
        if not shown:
            continue
        key = shown.casefold()
        spelling.setdefault((question_id, key), shown)  # the first way it was written
        texts[question_id][key] += 1
    for question_id, counter in texts.items():
        ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        results[question_id] = [(spelling[question_id, k], False, n) for k, n in ranked]
    return results


def _in_current_run():
    """Whether a participant is present in their session's current run of the quiz:
    every participant while no fresh run was started, then those who joined since, and
    those who answered (a fresh run deletes every earlier answer, so an answer is of
    this run). Participant and EventSession in FROM."""
    answered = select(Answer.id).where(Answer.participant_id == Participant.id).exists()
    return or_(
        EventSession.run_started_at.is_(None),
        Participant.joined_at >= EventSession.run_started_at,
        answered,
    )


def _quiz_coverage(session: Session, scope: Scope, questions) -> pd.DataFrame:
    """For each question, every city present in its session's current run: how many
    answered."""
    present: dict[int, Counter] = defaultdict(Counter)
    for session_id, city, people in session.execute(
        _session_filter(
            select(
                Participant.session_id,
                func.coalesce(City.name, NO_CITY),
                func.count(Participant.id),
            )
            .select_from(Participant)
            .join(EventSession, EventSession.id == Participant.session_id)
            .outerjoin(City, City.id == Participant.city_id)
            .where(_in_current_run()),
            scope,
        ).group_by(Participant.session_id, City.name)
    ):
        present[session_id][city] += people
    answering: dict[int, Counter] = defaultdict(Counter)
    for question_id, city, people in session.execute(
        _in_quiz_scope(
            select(
                Answer.question_id,
                func.coalesce(City.name, NO_CITY),
                func.count(func.distinct(Participant.id)),
            )
            .select_from(Answer)
            .join(Question, Question.id == Answer.question_id)
            .join(Participant, Participant.id == Answer.participant_id)
            .outerjoin(City, City.id == Participant.city_id),
            scope,
        ).group_by(Answer.question_id, City.name)
    ):
        answering[question_id][city] += people
    rows = []
    for question_id, event, title, session_id, _, position, text, *_ in questions:
        cities = present[session_id] | answering[question_id]
        for city in sorted(cities, key=lambda name: (name == NO_CITY, name)):
            rows.append(
                {
                    "Event": event,
                    "Session": title,
                    "#": position + 1,
                    "Question": text,
                    "City": city,
                    "People present": present[session_id][city],
                    "People answering": answering[question_id][city],
                }
            )
    return _frame(rows, QUIZ_COVERAGE)


NO_CITY = "(no city)"


def takeaway_rows(session: Session, actor: User, scope: Scope) -> pd.DataFrame:
    require_scope(session, actor, scope)
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
