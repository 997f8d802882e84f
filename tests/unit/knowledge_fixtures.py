"""Targets and solutions built in code on top of the ``world`` network: Munich's CO2
target at risk, Lyon's e-shuttle studied by Sofia and shown on a site visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from peerlearn import models as m
from peerlearn.models_solutions import (
    Link,
    ReplicationCreate,
    SolutionCreate,
    ThemeRoleSet,
)
from peerlearn.models_targets import MeasurementCreate, TargetCreate
from peerlearn.services import solutions, targets

# Three values a year apart, 30 % of the way when the straight path asks 40 %: at risk.
MUNICH_VALUES = ((date(2022, 12, 31), 58_800), (date(2023, 12, 31), 57_600))
MUNICH_VALUES += ((date(2024, 12, 31), 56_400),)
SUMMARY_DAY = date(2025, 6, 1)


@dataclass(frozen=True)
class Knowledge:
    munich: m.City
    lyon: m.City
    sofia: m.City
    energy: m.Theme
    mobility: m.Theme
    co2: m.Target
    renewables: m.Target
    shuttle: m.Solution
    visit: m.EventSession


def city(session, network, name, country, lat, lon) -> m.City:
    row = m.City(name=name, country=country, latitude=lat, longitude=lon)
    session.add(row)
    session.flush()
    session.add(m.Membership(network_id=network.id, city_id=row.id, role=m.Role.LIGHTHOUSE))
    session.commit()
    return row


def munich_co2(session, actor, network_id, city_id, theme_id) -> m.Target:
    """Munich's CO2 target with its three measurements."""
    target = targets.add_target(
        session,
        actor=actor,
        data=TargetCreate(
            network_id=network_id,
            city_id=city_id,
            theme_id=theme_id,
            title="Cut CO2 emissions by 20 %",
            indicator="CO2 emissions of the project area",
            unit="t CO2",
            baseline_value=60_000,
            baseline_year=2020,
            target_value=48_000,
            direction="at most",
            deadline=date(2030, 12, 31),
        ),
    )
    targets.add_measurements(
        session,
        actor=actor,
        rows=[
            MeasurementCreate(target_id=target.id, measured_on=day, value=value, source="report")
            for day, value in MUNICH_VALUES
        ],
    )
    return target


@pytest.fixture
def knowledge(session, world) -> Knowledge:
    network, boss = world.network, world.coordinator
    munich = city(session, network, "Munich", "Germany", 48.14, 11.58)
    lyon = city(session, network, "Lyon", "France", 45.76, 4.84)
    sofia = city(session, network, "Sofia", "Bulgaria", 42.70, 23.32)
    energy, mobility = m.Theme(name="Energy"), m.Theme(name="Mobility")
    session.add_all([energy, mobility])
    session.commit()
    co2 = munich_co2(session, boss, network.id, munich.id, energy.id)
    renewables = targets.add_target(
        session,
        actor=boss,
        data=TargetCreate(
            network_id=network.id,
            city_id=lyon.id,
            theme_id=energy.id,
            title="Renewables above 20 %",
            indicator="Share of renewable energy",
            unit="%",
            baseline_value=10,
            baseline_year=2019,
            target_value=20,
            direction="at least",
            deadline=date(2029, 12, 31),
            is_example=True,
        ),
    )
    shuttle = solutions.add_solution(
        session,
        actor=boss,
        data=SolutionCreate(
            network_id=network.id,
            city_id=lyon.id,
            theme_id=mobility.id,
            title="Autonomous e-shuttle",
            status="in operation",
            site="Lyon Confluence",
            latitude=45.74,
            longitude=4.82,
            links=[Link(title="Video", url="https://example.org/shuttle")],
            target_ids=[renewables.id],
        ),
    )
    solutions.add_replication(
        session,
        actor=boss,
        data=ReplicationCreate(
            solution_id=shuttle.id, city_id=sofia.id, kind="studies", status="considering"
        ),
    )
    visit = m.EventSession(
        event_id=world.event.id, title="Visit to Confluence", kind=m.SessionKind.SITE_VISIT
    )
    session.add(visit)
    session.commit()
    solutions.set_session_solutions(
        session, actor=boss, session_id=visit.id, solution_ids=[shuttle.id]
    )
    solutions.set_theme_role(
        session,
        actor=boss,
        data=ThemeRoleSet(
            network_id=network.id, city_id=lyon.id, theme_id=mobility.id, role="lighthouse"
        ),
    )
    return Knowledge(munich, lyon, sofia, energy, mobility, co2, renewables, shuttle, visit)
