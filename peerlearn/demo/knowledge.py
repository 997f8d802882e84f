"""The demo's targets and their measurements, solutions, replications, roles per theme
and the site visits' solutions: written through the same public services as the
screens, and left as they are when already stored (the loader's rule)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import select

from peerlearn import models as m
from peerlearn import rules
from peerlearn.demo.spec import Spec
from peerlearn.services import solutions as solution_service
from peerlearn.services import targets as target_service


def load_knowledge(
    loader, spec: Spec, network_id: int, sessions: Mapping[str, dict[str, Any]]
) -> dict[str, int]:
    """``loader`` is the demo's Loader (its ``through``, ``ref``, ``call``, ``enum``);
    returns the solutions' ids by their keys, for the milestones that replicate them."""
    targets = _targets(loader, spec, network_id)
    solutions = _solutions(loader, spec, network_id, targets)
    _replications(loader, spec, solutions)
    _theme_roles(loader, spec, network_id)
    _site_visits(loader, spec, sessions, solutions)
    return solutions


def _targets(loader, spec: Spec, network_id: int) -> dict[str, int]:
    rows = loader.keyed(spec, "target")

    def add(row: Mapping[str, Any]) -> m.Target:
        city = row.get("city")
        data = m.TargetCreate(
            network_id=network_id,
            city_id=loader.ref(loader.cities, city, "city") if city else None,
            theme_id=loader.ref(loader.themes, row["theme"], "theme") if "theme" in row else None,
            title=row["title"],
            indicator=row["indicator"],
            unit=row.get("unit", ""),
            baseline_value=row["baseline"],
            baseline_year=row["baseline_year"],
            target_value=row["target"],
            direction=loader.enum(rules.Direction, row["direction"]),
            deadline=row["deadline"],
            description=row.get("description", ""),
            is_example=row.get("is_example", False),
        )
        return loader.call(target_service.add_target, data=data)

    keyed = [((network_id, row["title"]), row) for row in rows.values()]
    ids = loader.through(m.Target, ("network_id", "title"), keyed, add)
    found = {key: ids[(network_id, row["title"])] for key, row in rows.items()}

    values = [
        ((found[key], item["on"]), (found[key], item, row.get("example_measurements", False)))
        for key, row in rows.items()
        for item in row.get("measurements", [])
    ]
    loader.through(
        m.Measurement,
        ("target_id", "measured_on"),
        values,
        lambda item: loader.call(
            target_service.add_measurement,
            data=m.MeasurementCreate(
                target_id=item[0],
                measured_on=item[1]["on"],
                value=item[1]["value"],
                source=item[1].get("source", ""),
                is_example=item[2],
            ),
        ),
    )
    return found


def _solutions(loader, spec: Spec, network_id: int, targets: Mapping[str, int]) -> dict[str, int]:
    rows = loader.keyed(spec, "solution")

    def add(row: Mapping[str, Any]) -> m.Solution:
        data = m.SolutionCreate(
            network_id=network_id,
            city_id=loader.ref(loader.cities, row["city"], "city"),
            theme_id=loader.ref(loader.themes, row["theme"], "theme"),
            title=row["title"],
            status=loader.enum(m.SolutionStatus, row.get("status", m.SolutionStatus.PLANNED)),
            description=row.get("description", ""),
            site=row.get("site", ""),
            latitude=row.get("latitude"),
            longitude=row.get("longitude"),
            links=row.get("links", []),
            target_ids=[loader.ref(targets, key, "target") for key in row.get("targets", [])],
            is_example=row.get("is_example", False),
        )
        return loader.call(solution_service.add_solution, data=data)

    keyed = [
        ((network_id, loader.ref(loader.cities, row["city"], "city"), row["title"]), row)
        for row in rows.values()
    ]
    ids = loader.through(m.Solution, ("network_id", "city_id", "title"), keyed, add)
    return {key: ids[k] for key, (k, _) in zip(rows, keyed, strict=True)}


def _replications(loader, spec: Spec, solutions: Mapping[str, int]) -> None:
    rows = []
    for row in spec.get("replication", []):
        key = (
            loader.ref(solutions, row["solution"], "solution"),
            loader.ref(loader.cities, row["city"], "city"),
        )
        rows.append((key, (key, row)))
    loader.through(
        m.Replication,
        ("solution_id", "city_id"),
        rows,
        lambda item: loader.call(
            solution_service.add_replication,
            data=m.ReplicationCreate(
                solution_id=item[0][0],
                city_id=item[0][1],
                kind=loader.enum(m.ReplicationKind, item[1].get("kind", "studies")),
                status=loader.enum(m.ReplicationStatus, item[1].get("status", "considering")),
                note=item[1].get("note", ""),
                is_example=item[1].get("is_example", False),
            ),
        ),
    )


def _theme_roles(loader, spec: Spec, network_id: int) -> None:
    rows = []
    for row in spec.get("theme_role", []):
        key = (
            network_id,
            loader.ref(loader.cities, row["city"], "city"),
            loader.ref(loader.themes, row["theme"], "theme"),
        )
        rows.append((key, (key, loader.enum(m.Role, row["role"]))))
    loader.through(
        m.ThemeRole,
        ("network_id", "city_id", "theme_id"),
        rows,
        lambda item: loader.call(
            solution_service.set_theme_role,
            data=m.ThemeRoleSet(
                network_id=item[0][0], city_id=item[0][1], theme_id=item[0][2], role=item[1]
            ),
        ),
    )


def _site_visits(
    loader, spec: Spec, sessions: Mapping[str, dict[str, Any]], solutions: Mapping[str, int]
) -> None:
    """Each site visit's solutions, unless some are linked already (then left as is)."""
    for row in spec.get("session", []):
        if not row.get("solutions"):
            continue
        session_id = sessions[row["key"]]["id"]
        linked = loader.session.exec(
            select(m.SessionSolution).where(m.SessionSolution.session_id == session_id)
        ).first()
        if linked is None:
            loader.call(
                solution_service.set_session_solutions,
                session_id=session_id,
                solution_ids=[loader.ref(solutions, key, "solution") for key in row["solutions"]],
            )
