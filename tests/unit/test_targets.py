"""Targets and their measurements (peerlearn.services.targets), on both databases."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.errors import Conflict, InvalidInput, PermissionDenied
from peerlearn.services import targets as svc

TODAY = date(2026, 12, 7)


def munich_co2(world, **changes) -> m.TargetCreate:
    values = dict(
        network_id=world.network.id,
        city_id=world.arezzo.id,
        theme_id=world.theme.id,
        title="Cut CO2 emissions by more than 20 %",
        indicator="CO2 emissions",
        unit="t CO2 per year",
        baseline_value="60 000",
        baseline_year=2020,
        target_value=48_000,
        direction="At most",
        deadline=date(2030, 12, 31),
    )
    return m.TargetCreate(**{**values, **changes})


def measure(world, target, day, value, source="City energy report"):
    return m.MeasurementCreate(target_id=target.id, measured_on=day, value=value, source=source)


@pytest.fixture
def target(session, world):
    return svc.add_target(session, actor=world.coordinator, data=munich_co2(world))


def test_three_measurements_put_munich_at_risk(session, world, target):
    rows = [
        measure(world, target, date(2022, 12, 31), 59_000),
        measure(world, target, date(2023, 12, 31), 57_800),
        measure(world, target, date(2024, 12, 31), "57.000,0".replace(".", "")),
    ]
    svc.add_measurements(session, actor=world.member, rows=rows, today=TODAY)
    (row,) = svc.list_targets(session, actor=world.facilitator, network_id=world.network.id)
    assert (row.status, row.latest_value, row.latest_on) == (
        "at risk",
        57_000,
        date(2024, 12, 31),
    )
    assert (row.owner, row.theme, row.measurements, row.direction) == (
        "Arezzo",
        "Urban data platforms",
        3,
        "at most",
    )
    assert row.baseline_value == 60_000  # a space between thousands, as typed
    history = svc.target_history(session, actor=world.outsider, target_id=target.id)
    assert [(h.value, h.entered_by) for h in history] == [
        (59_000, "Arezzo team"),
        (57_800, "Arezzo team"),
        (57_000, "Arezzo team"),
    ]
    assert svc.off_track([row]) == [row]


def test_a_network_goal_has_no_city_and_only_coordinators_measure_it(session, world, unchanged):
    goal = svc.add_target(session, actor=world.coordinator, data=munich_co2(world, city_id=None))
    with unchanged(), pytest.raises(PermissionDenied):
        svc.add_measurement(
            session, actor=world.member, data=measure(world, goal, date(2023, 1, 1), 1), today=TODAY
        )
    (row,) = svc.list_targets(session, actor=world.member, network_id=world.network.id)
    assert (row.city, row.owner, row.status) == (None, "The network", None)
    assert svc.measurable_targets(session, actor=world.member, network_id=world.network.id) == []


def test_members_measure_only_their_own_cities(session, world, target, unchanged):
    with unchanged(), pytest.raises(PermissionDenied, match="member of one of the city's tandems"):
        svc.add_measurement(
            session,
            actor=world.outsider,
            data=measure(world, target, date(2023, 1, 1), 59_000),
            today=TODAY,
        )
    with unchanged(), pytest.raises(PermissionDenied):
        svc.add_measurement(
            session,
            actor=world.facilitator,
            data=measure(world, target, date(2023, 1, 1), 59_000),
            today=TODAY,
        )
    assert svc.may_measure(session, world.member, target)
    assert not svc.may_measure(session, world.outsider, target)


@pytest.mark.parametrize(
    ("day", "value", "message"),
    [
        (date(2027, 1, 1), 50_000, "in the future"),
        (date(2019, 6, 30), 50_000, "before the baseline year"),
        (date(2023, 1, 1), "a lot", "must be a number"),
        (date(2023, 1, 1), float("nan"), "is required"),
    ],
)
def test_a_wrong_value_is_refused_and_nothing_stored(
    session, world, target, unchanged, day, value, message
):
    with unchanged(), pytest.raises(InvalidInput, match=message):
        svc.add_measurement(
            session, actor=world.coordinator, data=measure(world, target, day, value), today=TODAY
        )


def test_one_value_per_day_until_it_is_withdrawn(session, world, target, unchanged):
    day = date(2023, 12, 31)
    first = svc.add_measurement(
        session, actor=world.member, data=measure(world, target, day, 59_000), today=TODAY
    )
    with unchanged(), pytest.raises(Conflict, match="has a value for 2023-12-31 already"):
        svc.add_measurement(
            session, actor=world.coordinator, data=measure(world, target, day, 58_000), today=TODAY
        )
    svc.withdraw_measurement(session, actor=world.member, measurement_id=first.id)
    svc.add_measurement(
        session, actor=world.coordinator, data=measure(world, target, day, 58_000), today=TODAY
    )
    history = svc.target_history(session, actor=world.member, target_id=target.id)
    assert [(h.value, h.archived_at is not None) for h in history] == [
        (59_000, True),
        (58_000, False),
    ]
    (row,) = svc.list_targets(session, actor=world.member, network_id=world.network.id)
    assert (row.latest_value, row.measurements) == (58_000, 1)


def test_bulk_entry_is_all_or_nothing_and_names_the_row(session, world, target, unchanged):
    rows = [
        measure(world, target, date(2022, 12, 31), 59_000),
        measure(world, target, date(2022, 12, 31), 58_000),
    ]
    with unchanged(), pytest.raises(InvalidInput, match="Row 2: .* given twice"):
        svc.add_measurements(session, actor=world.member, rows=rows, today=TODAY)
    rows[1] = measure(world, target, date(2030, 1, 1), 58_000)
    with unchanged(), pytest.raises(InvalidInput, match="Row 2: The date 2030-01-01 is in the"):
        svc.add_measurements(session, actor=world.member, rows=rows, today=TODAY)


def test_the_same_value_entered_twice_at_the_same_instant_is_stored_once(engine, world, target):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def enter() -> None:
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            try:
                svc.add_measurement(
                    own,
                    actor=world.member,
                    data=measure(world, target, date(2023, 12, 31), 59_000),
                    today=TODAY,
                )
                outcomes.append("stored")
            except Conflict:
                outcomes.append("told")

    threads = [threading.Thread(target=enter) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["stored", "told"]
    with Session(engine) as check:
        stored = check.exec(select(m.Measurement).where(m.Measurement.target_id == target.id))
        assert len(stored.all()) == 1


def test_a_target_must_be_reachable_and_its_city_a_member(session, world, unchanged):
    with unchanged(), pytest.raises(InvalidInput, match="must be below its baseline"):
        svc.add_target(
            session, actor=world.coordinator, data=munich_co2(world, target_value=61_000)
        )
    with unchanged(), pytest.raises(InvalidInput, match="direction must be one of"):
        munich_co2(world, direction="more or less")
    outsider = m.City(name="Graz", country="Austria")
    session.add(outsider)
    session.commit()
    with unchanged(), pytest.raises(InvalidInput, match="Graz is not a city of this network"):
        svc.add_target(
            session, actor=world.coordinator, data=munich_co2(world, city_id=outsider.id)
        )


def test_an_edit_is_checked_as_a_whole_and_guarded_by_its_version(session, world, target):
    with pytest.raises(InvalidInput, match="must be below its baseline"):
        svc.update_target(
            session,
            actor=world.coordinator,
            target_id=target.id,
            data=m.TargetUpdate(baseline_value=40_000),
        )
    session.rollback()
    svc.update_target(
        session,
        actor=world.coordinator,
        target_id=target.id,
        data=m.TargetUpdate(target_value=45_000, version=1),
    )
    with pytest.raises(Conflict, match="Someone else saved this target"):
        svc.update_target(
            session,
            actor=world.coordinator,
            target_id=target.id,
            data=m.TargetUpdate(title="Older", version=1),
        )
    session.rollback()
    assert session.get(m.Target, target.id).target_value == 45_000


def test_ranked_worst_first_then_furthest_behind(session, world):
    def add(title, value):
        target = svc.add_target(
            session, actor=world.coordinator, data=munich_co2(world, title=title)
        )
        if value is not None:
            svc.add_measurement(
                session,
                actor=world.coordinator,
                data=measure(world, target, date(2025, 12, 31), value),
                today=TODAY,
            )

    for title, value in [
        ("On the path", 54_000),
        ("Not measured", None),
        ("Far off", 59_000),
        ("A little behind", 55_000),
        ("Further off", 58_000),
    ]:
        add(title, value)
    rows = svc.ranked(svc.list_targets(session, actor=world.member, network_id=world.network.id))
    assert [(r.title, r.status) for r in rows] == [
        ("Far off", "off track"),
        ("Further off", "off track"),
        ("A little behind", "at risk"),
        ("On the path", "on track"),
        ("Not measured", None),
    ]


def test_archived_targets_leave_the_list_and_come_back(session, world, target):
    svc.archive_target(session, actor=world.coordinator, target_id=target.id)
    assert svc.list_targets(session, actor=world.member, network_id=world.network.id) == []
    assert len(svc.list_targets(session, actor=world.member, include_archived=True)) == 1
    svc.restore_target(session, actor=world.coordinator, target_id=target.id)
    assert len(svc.list_targets(session, actor=world.member, network_id=world.network.id)) == 1


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1,5", 1.5),
        ("0,125", 0.125),
        ("57.000,5", 57_000.5),
        ("57,000.5", 57_000.5),
        ("1.000.000", 1_000_000),
        ("1,000,000", 1_000_000),
        ("60 000", 60_000),
        ("-3,5", -3.5),
        (57_000, 57_000),
    ],
)
def test_numbers_as_typed_in_europe_or_in_english(typed, value):
    data = m.MeasurementCreate(target_id=1, measured_on=date(2024, 1, 1), value=typed)
    assert data.value == value


def test_a_number_that_reads_two_ways_is_asked_about():
    with pytest.raises(InvalidInput, match="'57,000' could be 57.000 or 57000"):
        m.MeasurementCreate(target_id=1, measured_on=date(2024, 1, 1), value="57,000")
