"""A target's status (peerlearn.rules.target_status): the straight path from the baseline
to the target, read against the latest measurement. No database."""

from __future__ import annotations

from datetime import date

import pytest

from peerlearn import rules
from peerlearn.rules import Direction, TargetStatus

# Munich's CO2: from 60,000 t at the end of 2020 to at most 48,000 by the end of 2030.
DOWN = (Direction.AT_MOST, 60_000, 2020, 48_000, date(2030, 12, 31))
# Renewables: from 8 % at the end of 2015 to at least 20 % by the end of 2027.
UP = (Direction.AT_LEAST, 8, 2015, 20, date(2027, 12, 31))
TODAY = date(2026, 12, 7)
HALFWAY = date(2025, 12, 31)  # 5 of the 10 years from the end of 2020


def status(target, measurements, today=TODAY):
    return rules.target_status(*target, measurements, today)


def test_no_measurement_no_status():
    assert status(DOWN, []) is None


def test_the_path_starts_at_the_end_of_the_baseline_year():
    assert rules.path_start(2020) == date(2020, 12, 31)
    assert rules.expected_value(60_000, 2020, 48_000, date(2030, 12, 31), HALFWAY) == 54_000
    # Before the path starts it stands at the baseline; after the deadline at the target.
    assert rules.expected_value(60_000, 2020, 48_000, date(2030, 12, 31), date(2019, 1, 1)) == (
        60_000
    )
    assert rules.expected_value(60_000, 2020, 48_000, date(2030, 12, 31), date(2040, 1, 1)) == (
        48_000
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (54_000, TargetStatus.ON_TRACK),  # on the path: half of the way at half of the time
        (54_300, TargetStatus.ON_TRACK),  # 95 % of the way the path asks (5,700 of 6,000)
        (54_400, TargetStatus.AT_RISK),  # just under 95 %
        (56_400, TargetStatus.AT_RISK),  # 60 %: 3,600 of 6,000
        (56_500, TargetStatus.OFF_TRACK),  # under 60 %
        (61_000, TargetStatus.OFF_TRACK),  # moved away from the target
        (47_000, TargetStatus.ON_TRACK),  # met already
    ],
)
def test_how_far_along_the_path(value, expected):
    assert status(DOWN, [(HALFWAY, value)]).status == expected


def test_upwards_targets_read_the_same_way():
    # 5 of 12 years: the path asks for 5 of 12 points; 4 is 80 % of that.
    assert status(UP, [(date(2020, 12, 31), 12)]).status == TargetStatus.AT_RISK
    assert status(UP, [(date(2020, 12, 31), 13)]).status == TargetStatus.ON_TRACK
    assert status(UP, [(date(2020, 12, 31), 7)]).status == TargetStatus.OFF_TRACK


def test_the_latest_measurement_counts_whatever_the_order_given():
    reading = status(DOWN, [(HALFWAY, 54_000), (date(2022, 12, 31), 59_900)])
    assert reading.status == TargetStatus.ON_TRACK
    assert reading.done == pytest.approx(0.5)
    assert reading.due == pytest.approx(0.5, abs=0.001)


def test_a_deadline_passed_unmet_is_off_track():
    late = date(2031, 1, 1)
    assert status(DOWN, [(HALFWAY, 54_000)], today=late).status == TargetStatus.OFF_TRACK
    assert status(DOWN, [(date(2030, 12, 31), 48_000)], today=late).status == (
        TargetStatus.ON_TRACK
    )


def test_behind_is_the_share_of_the_whole_way():
    reading = status(DOWN, [(HALFWAY, 57_000)])  # 3,000 of 12,000 done, 6,000 due
    assert reading.behind == pytest.approx(0.25, abs=0.001)
    assert status(DOWN, [(HALFWAY, 50_000)]).behind == 0.0  # ahead of the path
    assert status(DOWN, [(HALFWAY, 40_000)]).met


def test_a_measurement_at_the_start_of_the_path_is_on_track_unless_it_went_the_wrong_way():
    start = date(2020, 12, 31)
    assert status(DOWN, [(start, 60_000)]).status == TargetStatus.ON_TRACK
    assert status(DOWN, [(start, 60_500)]).status == TargetStatus.OFF_TRACK


@pytest.mark.parametrize(
    ("direction", "target", "deadline", "problem"),
    [
        (Direction.AT_MOST, 70_000, date(2030, 12, 31), "below its baseline"),
        (Direction.AT_MOST, 60_000, date(2030, 12, 31), "below its baseline"),
        (Direction.AT_LEAST, 50_000, date(2030, 12, 31), "above its baseline"),
        (Direction.AT_MOST, 48_000, date(2020, 12, 31), "after the baseline year"),
        (Direction.AT_MOST, 48_000, date(2030, 12, 31), None),
    ],
)
def test_a_target_must_lie_ahead_of_its_baseline(direction, target, deadline, problem):
    found = rules.target_problem(direction, 60_000, 2020, target, deadline)
    assert (found is None) if problem is None else (problem in found)


def test_severity_orders_worst_first():
    order = sorted(
        [None, "on track", "off track", "at risk"], key=rules.target_severity, reverse=True
    )
    assert order == ["off track", "at risk", "on track", None]
    assert rules.TARGET_RAG[TargetStatus.AT_RISK] == rules.Rag.AMBER
