"""The summary's tables of targets, measurements, solutions, replications and site
visits, for one scope. Targets and solutions belong to the network: a network or an
event shows all of them, a tandem those of its own cities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session, select

from peerlearn.analytics.report import Scope, require_scope
from peerlearn.models import Event, EventSession, User
from peerlearn.services import solutions as solution_service
from peerlearn.services import tandems as tandem_service
from peerlearn.services import targets as target_service
from peerlearn.services.targets import MeasurementRow, TargetRow

TARGET_COLUMNS = [
    "Owner",
    "Theme",
    "Target",
    "Indicator",
    "Unit",
    "Direction",
    "Baseline",
    "Baseline year",
    "Target value",
    "Deadline",
    "Latest value",
    "Latest date",
    "Status",
    "Behind the path",
    "Values measured",
    "Example data",
]
MEASUREMENT_COLUMNS = ["Target", "Owner", "Date", "Value", "Unit", "Source", "Entered by"]
MEASUREMENT_COLUMNS += ["Withdrawn", "Example data"]
SOLUTION_COLUMNS = [
    "City",
    "Theme",
    "Solution",
    "Status",
    "Site",
    "Latitude",
    "Longitude",
    "Links",
    "Targets served",
    "Shown on site visits",
    "Example data",
]
REPLICATION_COLUMNS = [
    "Solution",
    "From city",
    "Replicating city",
    "Kind",
    "Status",
    "Note",
    "Example data",
]
SITE_VISIT_COLUMNS = ["Event", "Date", "Site visit", "Solution", "City", "Theme", "Status"]
NOT_MEASURED = "not measured yet"


@dataclass(frozen=True)
class TargetTables:
    """The Targets and Measurements tables, and what the charts are drawn from."""

    targets: pd.DataFrame
    measurements: pd.DataFrame
    ranked: list[TargetRow]
    history: dict[int, list[MeasurementRow]]


def _tandem_cities(session: Session, actor: User, scope: Scope) -> set[int] | None:
    if scope.tandem_id is None:
        return None
    cities = tandem_service.tandem_cities(session, actor=actor, tandem_id=scope.tandem_id)
    return {c.id for c in cities}


def target_tables(session: Session, actor: User, scope: Scope, today: date) -> TargetTables:
    """Every target of the scope, worst first (as the network view ranks them), and
    every measurement, withdrawn ones included."""
    require_scope(session, actor, scope)
    rows = target_service.list_targets(
        session, actor=actor, network_id=scope.network_id, today=today
    )
    cities = _tandem_cities(session, actor, scope)
    if cities is not None:
        rows = [r for r in rows if r.city_id in cities]
    rows = target_service.ranked(rows)
    history = target_service.target_histories(session, actor=actor, target_ids=[r.id for r in rows])
    targets = [
        {
            "Owner": r.owner,
            "Theme": r.theme or "",
            "Target": r.title,
            "Indicator": r.indicator,
            "Unit": r.unit,
            "Direction": r.direction,
            "Baseline": r.baseline_value,
            "Baseline year": r.baseline_year,
            "Target value": r.target_value,
            "Deadline": r.deadline,
            "Latest value": r.latest_value,
            "Latest date": r.latest_on,
            "Status": r.status or NOT_MEASURED,
            "Behind the path": r.reading.behind if r.reading else None,
            "Values measured": r.measurements,
            "Example data": "example data" if r.is_example else "",
        }
        for r in rows
    ]
    measurements = [
        {
            "Target": r.title,
            "Owner": r.owner,
            "Date": m.measured_on,
            "Value": m.value,
            "Unit": r.unit,
            "Source": m.source,
            "Entered by": m.entered_by or "",
            "Withdrawn": m.archived_at.date() if m.archived_at else None,
            "Example data": "example data" if m.is_example else "",
        }
        for r in rows
        for m in history[r.id]
    ]
    return TargetTables(
        pd.DataFrame(targets, columns=TARGET_COLUMNS),
        pd.DataFrame(measurements, columns=MEASUREMENT_COLUMNS),
        rows,
        history,
    )


def solution_tables(
    session: Session, actor: User, scope: Scope
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the Solutions table, the Replication table) of the scope."""
    require_scope(session, actor, scope)
    listed = solution_service.list_solutions(session, actor=actor, network_id=scope.network_id)
    cities = _tandem_cities(session, actor, scope)
    if cities is not None:
        listed = [s for s in listed if s.city_id in cities]
    titles = {
        t.id: t.title
        for t in target_service.list_targets(session, actor=actor, network_id=scope.network_id)
    }
    visits = _visit_names(session, {i for s in listed for i in s.session_ids})
    solutions = [
        {
            "City": s.city,
            "Theme": s.theme,
            "Solution": s.title,
            "Status": s.status,
            "Site": s.site,
            "Latitude": s.latitude,
            "Longitude": s.longitude,
            "Links": "\n".join(f"{link.title}: {link.url}" for link in s.links),
            "Targets served": "; ".join(titles[i] for i in s.target_ids if i in titles),
            "Shown on site visits": "; ".join(visits[i] for i in s.session_ids if i in visits),
            "Example data": "example data" if s.is_example else "",
        }
        for s in listed
    ]
    replications = [
        {
            "Solution": r.solution,
            "From city": r.from_city,
            "Replicating city": r.city,
            "Kind": r.kind,
            "Status": r.status,
            "Note": r.note,
            "Example data": "example data" if r.is_example else "",
        }
        for s in listed
        for r in s.replications
        if cities is None or r.city_id in cities or r.from_city_id in cities
    ]
    return (
        pd.DataFrame(solutions, columns=SOLUTION_COLUMNS),
        pd.DataFrame(replications, columns=REPLICATION_COLUMNS),
    )


def _visit_names(session: Session, session_ids: set[int]) -> dict[int, str]:
    """'Event: session' for each site visit, read in one query."""
    if not session_ids:
        return {}
    statement = (
        select(EventSession.id, Event.title, EventSession.title)
        .join(Event, Event.id == EventSession.event_id)
        .where(EventSession.id.in_(session_ids))
    )
    return {ident: f"{event}: {title}" for ident, event, title in session.exec(statement)}


def site_visit_rows(session: Session, actor: User, scope: Scope) -> pd.DataFrame:
    """Each site visit of the scope's events with the solutions it showed (a tandem's
    summary has no events); the same statements however many events the network has."""
    require_scope(session, actor, scope)
    if scope.tandem_id is not None:
        return pd.DataFrame([], columns=SITE_VISIT_COLUMNS)
    shown: dict[int, list] = {}
    listed = solution_service.list_solutions(session, actor=actor, network_id=scope.network_id)
    for solution in listed:
        for session_id in solution.session_ids:
            shown.setdefault(session_id, []).append(solution)
    statement = (
        select(EventSession, Event)
        .join(Event, Event.id == EventSession.event_id)
        .where(EventSession.id.in_(list(shown)), Event.network_id == scope.network_id)
        .order_by(Event.start_date, Event.id, EventSession.starts_at, EventSession.id)
    )
    if scope.event_id is not None:
        statement = statement.where(Event.id == scope.event_id)
    rows = [
        {
            "Event": event.title,
            "Date": visit.starts_at.date() if visit.starts_at else event.start_date,
            "Site visit": visit.title,
            "Solution": solution.title,
            "City": solution.city,
            "Theme": solution.theme,
            "Status": solution.status,
        }
        for visit, event in session.exec(statement)
        for solution in sorted(shown[visit.id], key=lambda s: (s.city, s.title))
    ]
    return pd.DataFrame(rows, columns=SITE_VISIT_COLUMNS)
