"""Targets as their edit forms and Home read them: a version that every change moves,
and the targets a tandem member may measure, found without a query per target."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from peerlearn import models as m
from peerlearn.errors import Conflict
from peerlearn.services import targets as target_service


def _target(session, world, city: m.City | None, title: str) -> m.Target:
    return target_service.add_target(
        session,
        actor=world.coordinator,
        data=m.TargetCreate(
            network_id=world.network.id,
            city_id=city.id if city else None,
            title=title,
            indicator="CO2 emissions",
            unit="t CO2",
            direction="at most",
            baseline_value=60000,
            baseline_year=2020,
            target_value=48000,
            deadline=date(2030, 12, 31),
        ),
    )


def test_a_save_without_a_version_still_moves_it_so_an_older_form_is_refused(session, world):
    target = _target(session, world, world.arezzo, "Cut CO2 emissions")
    read_by_form = target.version
    # An import, say, saves over whatever is stored.
    target_service.update_target(
        session, actor=world.coordinator, target_id=target.id, data=m.TargetUpdate(unit="t")
    )
    with pytest.raises(Conflict):
        target_service.update_target(
            session,
            actor=world.coordinator,
            target_id=target.id,
            data=m.TargetUpdate(title="Cut CO2 by 20 %", version=read_by_form),
        )
    session.rollback()
    assert session.get(m.Target, target.id).title == "Cut CO2 emissions"


def test_a_member_measures_their_own_cities_targets_in_a_fixed_number_of_queries(session, world):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    def measurable() -> list[str]:
        statements.clear()
        event.listen(Engine, "before_cursor_execute", record)
        try:
            rows = target_service.measurable_targets(session, actor=world.member)
        finally:
            event.remove(Engine, "before_cursor_execute", record)
        return [r.title for r in rows]

    _target(session, world, world.arezzo, "Arezzo's")
    _target(session, world, world.utrecht, "Utrecht's")
    _target(session, world, None, "The network's")
    assert measurable() == ["Arezzo's"]
    few = len(statements)
    for n in range(5):
        _target(session, world, world.arnsberg, f"Arnsberg's {n}")
        _target(session, world, world.pirna, f"Pirna's {n}")
    assert len(measurable()) == 6
    assert len(statements) == few
    assert target_service.measurable_targets(session, actor=world.facilitator) == []


def test_the_targets_module_can_be_imported_first():
    # It imports peerlearn.models, which imports it back at its end.
    found = subprocess.run(
        [sys.executable, "-c", "import peerlearn.models_targets as t; print(t.Target.__name__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "Target"
