"""The pure rules every screen, chart and export reads (peerlearn.rules): no database,
no Streamlit."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from peerlearn import rules
from peerlearn.models import EventSession, MilestoneStatus
from peerlearn.rules import Rag

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


def test_a_new_session_gives_the_default_dots():
    assert EventSession(event_id=1, title="Plenary").vote_budget == rules.DEFAULT_DOTS


@pytest.mark.parametrize(
    ("budget", "placed", "left"), [(3, 0, 3), (3, 1, 2), (3, 3, 0), (3, 5, 0), (20, 7, 13)]
)
def test_dots_left_never_goes_below_zero(budget, placed, left):
    # 5 placed with a budget of 3: the budget was lowered after they were placed.
    assert rules.dots_left(budget, placed) == left


# --- red / amber / green ------------------------------------------------------------------

TODAY = date(2024, 6, 1)
DEADLINE = date(2024, 12, 31)
DAY = timedelta(days=1)


def ms(due, status=MilestoneStatus.PLANNED, **more):
    return SimpleNamespace(due_date=due, status=status, **more)


@pytest.mark.parametrize(
    ("due", "status", "deadline", "expected"),
    [
        (TODAY - DAY, MilestoneStatus.PLANNED, DEADLINE, Rag.RED),  # overdue
        (TODAY - 400 * DAY, MilestoneStatus.BLOCKED, None, Rag.RED),  # overdue, no deadline
        (TODAY - DAY, MilestoneStatus.DONE, DEADLINE, Rag.GREEN),  # done is never late
        (TODAY, MilestoneStatus.IN_PROGRESS, DEADLINE, Rag.AMBER),  # due today
        (TODAY, MilestoneStatus.DONE, DEADLINE, Rag.GREEN),
        (TODAY + 30 * DAY, MilestoneStatus.PLANNED, DEADLINE, Rag.AMBER),  # exactly 30 days
        (TODAY + 31 * DAY, MilestoneStatus.PLANNED, DEADLINE, Rag.GREEN),
        (TODAY + 31 * DAY, MilestoneStatus.BLOCKED, DEADLINE, Rag.GREEN),
        (DEADLINE, MilestoneStatus.PLANNED, DEADLINE, Rag.GREEN),  # on the deadline is in time
        (DEADLINE + DAY, MilestoneStatus.PLANNED, DEADLINE, Rag.RED),  # after the deadline
        (DEADLINE + DAY, MilestoneStatus.DONE, DEADLINE, Rag.GREEN),
        (TODAY + 5 * DAY, MilestoneStatus.PLANNED, TODAY, Rag.RED),  # after it, though soon
        (TODAY, MilestoneStatus.PLANNED, TODAY, Rag.AMBER),  # due today, on the deadline
        (date(2030, 1, 1), MilestoneStatus.PLANNED, None, Rag.GREEN),  # no deadline
        (TODAY + 10 * DAY, MilestoneStatus.PLANNED, None, Rag.AMBER),
        (TODAY - DAY, MilestoneStatus.PLANNED, TODAY - 90 * DAY, Rag.RED),  # deadline passed
    ],
)
def test_rag_status(due, status, deadline, expected):
    assert rules.rag_status(ms(due, status), deadline, TODAY) == expected


def test_the_amber_window_is_30_days_and_its_meaning_says_so():
    assert rules.AMBER_WINDOW.days == 30
    assert rules.RAG_MEANING[Rag.AMBER] == "due within 30 days"


def test_a_plain_string_status_counts_as_the_enum():
    # Rows read from the database or a DataFrame carry "done", not MilestoneStatus.DONE.
    assert rules.DONE == MilestoneStatus.DONE
    assert rules.rag_status(ms(TODAY - DAY, "done"), DEADLINE, TODAY) == Rag.GREEN


def test_tandem_rag_worst_wins():
    assert rules.tandem_rag([]) is None
    assert rules.tandem_rag(["green", "green"]) == Rag.GREEN
    assert rules.tandem_rag([Rag.GREEN, Rag.AMBER, Rag.GREEN]) == Rag.AMBER
    assert rules.tandem_rag(["amber", "red", "green"]) == Rag.RED
    assert rules.tandem_rag(iter([Rag.AMBER])) == Rag.AMBER
    with pytest.raises(ValueError):
        rules.tandem_rag(["purple"])


def test_progress_is_the_share_done_in_percent():
    done, planned = ms(TODAY, MilestoneStatus.DONE), ms(TODAY)
    assert rules.progress([]) == 0.0
    assert rules.progress([done, planned, planned, planned]) == 25.0
    assert rules.progress([done]) == 100.0
    assert rules.progress([planned]) == 0.0
    assert rules.progress(iter([done, planned])) == 50.0


def test_progress_leaves_archived_milestones_out():
    done = ms(TODAY, MilestoneStatus.DONE, archived_at=None)
    archived = ms(TODAY, archived_at=datetime(2024, 5, 1))
    assert rules.progress([done, archived]) == 100.0
    assert rules.progress([archived]) == 0.0


def test_every_colour_has_a_meaning_a_mark_and_a_fill():
    for table in (rules.RAG_MEANING, rules.RAG_COLOURS, rules.RAG_FILLS):
        assert list(table) == list(Rag)  # green, amber, red: a chart legend's order
    for colour in (*rules.RAG_COLOURS.values(), *rules.RAG_FILLS.values()):
        assert re.fullmatch(r"#[0-9a-f]{6}", colour)
    # Keyed by the enum, read by the plain word too (rows carry "red").
    assert rules.RAG_FILLS["red"] == rules.RAG_FILLS[Rag.RED]
