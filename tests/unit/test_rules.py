"""The pure rules every live screen, chart and export reads (peerlearn.rules): no
database, no Streamlit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from peerlearn import rules

T = datetime(2024, 10, 23, 9, 30, tzinfo=UTC)
S = timedelta(seconds=1)


# --- is_closed --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closed_at", "closes_at", "closed"),
    [
        (None, None, False),  # open, no countdown
        (None, T + S, False),  # the countdown runs
        (None, T, True),  # it ends at this very moment
        (None, T - S, True),  # it ran out: closed without anybody closing it
        (T - S, None, True),  # closed by the facilitator
        (T - S, T + 60 * S, True),  # closed early, before its countdown's end
    ],
)
def test_is_closed(closed_at, closes_at, closed):
    assert rules.is_closed(closed_at, closes_at, T) is closed


# --- closing_time -----------------------------------------------------------------


def test_a_question_closed_by_hand_closes_now():
    assert rules.closing_time(None, T) == T


def test_a_question_whose_countdown_still_runs_closes_now():
    assert rules.closing_time(T + 10 * S, T) == T


def test_a_question_whose_countdown_ran_out_closed_at_its_end():
    assert rules.closing_time(T - 5 * S, T) == T - 5 * S
    assert rules.closing_time(T, T) == T


# --- question_state ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("opened_at", "closed_at", "closes_at", "revealed_at", "state"),
    [
        (None, None, None, None, "waiting"),
        (None, T - S, None, T - S, "waiting"),  # never opened: nothing else counts
        (T - 9 * S, None, None, None, "open"),
        (T - 9 * S, None, T + S, None, "open"),
        (T - 9 * S, None, T - S, None, "closed"),  # the countdown ran out
        (T - 9 * S, T - S, None, None, "closed"),
        (T - 9 * S, T - S, None, T, "revealed"),
        (T - 9 * S, None, T + S, T, "revealed"),  # revealed wins over a running countdown
    ],
)
def test_question_state(opened_at, closed_at, closes_at, revealed_at, state):
    assert rules.question_state(opened_at, closed_at, closes_at, revealed_at, T) == state


# --- seconds_left -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closes_at", "left"),
    [
        (None, None),  # no countdown
        (T + 30 * S, 30),
        (T + timedelta(seconds=29, milliseconds=1), 30),  # rounded up
        (T + timedelta(milliseconds=200), 1),  # says 1 until it is over
        (T, 0),
        (T - 5 * S, 0),  # never below zero
    ],
)
def test_seconds_left_rounds_up(closes_at, left):
    assert rules.seconds_left(closes_at, T) == left


# --- valid_countdown ----------------------------------------------------------------


def test_the_countdown_bounds():
    assert (rules.MIN_COUNTDOWN, rules.MAX_COUNTDOWN) == (5, 600)


@pytest.mark.parametrize("seconds", [5, 6, 30, 599, 600])
def test_a_countdown_within_the_bounds_is_valid(seconds):
    assert rules.valid_countdown(seconds)


@pytest.mark.parametrize("seconds", [0, 4, -5, 601, 10_000, True, False, "10", 10.0, None])
def test_a_countdown_out_of_bounds_or_not_a_whole_number_is_not(seconds):
    # True is an int to Python, and 1 is out of range anyway; "10" and 10.0 are not
    # whole numbers of seconds as the form gives them.
    assert not rules.valid_countdown(seconds)


# --- share and number -----------------------------------------------------------------


def test_a_share_is_of_the_people_who_answered():
    # 5 people answered a multiple choice question; 4 of them ticked "Funding" and 3
    # "Staff": 80 % and 60 %, not shares of the 7 ticks.
    assert rules.share(4, 5) == 0.8
    assert rules.share(3, 5) == 0.6
    assert rules.share(4, 5) + rules.share(3, 5) > 1


def test_a_share_of_cities_may_be_fractional():
    assert rules.share(0.5, 2) == 0.25


def test_nobody_answered_is_a_share_of_nothing():
    assert rules.share(0, 0) == 0.0
    assert rules.share(3, 0) == 0.0


@pytest.mark.parametrize(
    ("value", "shown"), [(3, "3"), (3.0, "3"), (0, "0"), (2.5, "2.5"), (1 / 3, "0.3"), (12, "12")]
)
def test_numbers_drop_a_trailing_zero(value, shown):
    assert rules.number(value) == shown


# --- ranks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "ranks"),
    [
        ([], []),
        ([7], [1]),
        ([10, 8, 8, 5], [1, 2, 2, 4]),  # ties share a rank and the next one skips
        ([10, 8, 6, 5], [1, 2, 3, 4]),
        ([4, 4, 4], [1, 1, 1]),
        ([9, 9, 3, 3, 1], [1, 1, 3, 3, 5]),
        ([0, 0], [1, 1]),
    ],
)
def test_ranks_are_competition_ranks(scores, ranks):
    assert rules.ranks(scores) == ranks


def test_ranks_compare_whole_keys():
    """The leaderboard ranks by (share, right answers): both must tie to share a rank."""
    assert rules.ranks([(1.0, 2), (1.0, 1), (1.0, 1), (0.5, 1)]) == [1, 2, 2, 4]


# --- dots ---------------------------------------------------------------------------------


def test_the_dot_budgets():
    assert rules.DEFAULT_DOTS == 3
    assert rules.MAX_DOTS == 20


@pytest.mark.parametrize(
    ("budget", "placed", "left"), [(3, 0, 3), (3, 1, 2), (3, 3, 0), (3, 5, 0), (20, 7, 13)]
)
def test_dots_left_never_goes_below_zero(budget, placed, left):
    # 5 placed with a budget of 3: the budget was lowered after they were placed.
    assert rules.dots_left(budget, placed) == left
