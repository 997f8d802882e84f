"""Opening a session for phones and closing it, its activity and its settings
(peerlearn.live.lifecycle)."""

from datetime import timedelta

import pytest

from peerlearn import models as m
from peerlearn.errors import InvalidInput, NotFound, PermissionDenied
from peerlearn.live import joining, lifecycle
from peerlearn.services import permissions
from peerlearn.services.store import now
from tests.unit.live_fixtures import countdown, fresh, open_question


def test_a_live_session_gets_a_code_without_look_alikes(session, world, code):
    assert len(code) == joining.CODE_LENGTH == 6
    assert set(code) <= set(joining.JOIN_ALPHABET)
    assert not set(code) & set("0O1IL")
    again = lifecycle.start_live(session, actor=world.facilitator, session_id=world.workshop.id)
    assert again.join_code == code  # restarting keeps the code on the screen valid


def test_only_staff_start_a_live_session(session, world, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        lifecycle.start_live(session, actor=world.member, session_id=world.workshop.id)
    assert session.get(m.EventSession, world.workshop.id).join_code is None


def test_an_archived_session_cannot_go_live(session, world, unchanged):
    world.plenary.archived_at = m.utcnow()
    session.commit()
    with unchanged(), pytest.raises(NotFound, match="archived"):
        lifecycle.start_live(session, actor=world.facilitator, session_id=world.plenary.id)


def test_ending_closes_the_open_question_and_keeps_the_code(session, world, quiz, code):
    open_question(session, world, quiz.single)
    row = lifecycle.end_live(session, actor=world.facilitator, session_id=world.workshop.id)
    assert not joining.is_live(row) and row.activity == m.LiveActivity.ENDED
    assert fresh(session, m.Question, quiz.single).closed_at is not None
    assert row.join_code == code
    # Reopening: live again with the same code, back in the lobby.
    again = lifecycle.start_live(session, actor=world.facilitator, session_id=world.workshop.id)
    assert joining.is_live(again) and again.join_code == code
    assert again.activity == m.LiveActivity.LOBBY


def test_ending_a_question_whose_countdown_ran_out_closes_it_at_its_end(session, world, quiz, code):
    countdown(session, world, 10)
    question = open_question(session, world, quiz.single)
    ended = now() - timedelta(seconds=5)
    question.closes_at = ended
    session.add(question)
    session.commit()
    lifecycle.end_live(session, actor=world.facilitator, session_id=world.workshop.id)
    assert fresh(session, m.Question, quiz.single).closed_at == ended


def test_a_session_that_is_not_live_cannot_end(session, world, unchanged):
    with unchanged(), pytest.raises(InvalidInput, match="is not live"):
        lifecycle.end_live(session, actor=world.facilitator, session_id=world.plenary.id)


def test_the_activity_is_one_of_the_known_ones(session, world, code, unchanged):
    row = lifecycle.set_activity(
        session, actor=world.facilitator, session_id=world.workshop.id, activity="voting"
    )
    assert row.activity == m.LiveActivity.VOTE
    with unchanged(), pytest.raises(InvalidInput):
        lifecycle.set_activity(
            session, actor=world.facilitator, session_id=world.workshop.id, activity="dancing"
        )
    with unchanged(), pytest.raises(PermissionDenied):
        lifecycle.set_activity(
            session, actor=world.member, session_id=world.workshop.id, activity="quiz"
        )
    assert fresh(session, m.EventSession, world.workshop).activity == m.LiveActivity.VOTE


def test_settings_are_saved(session, world, code):
    row = lifecycle.update_settings(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        data=m.LiveSettingsUpdate(
            count_mode="per city",
            results_hidden=False,
            vote_mode="per city",
            vote_budget=5,
            tally_hidden=True,
        ),
    )
    assert (row.count_mode, row.results_hidden, row.vote_mode, row.vote_budget) == (
        m.CountMode.CITY,
        False,
        m.CountMode.CITY,
        5,
    )
    assert row.tally_hidden is True
    # A setting left out stays as it was.
    row = lifecycle.update_settings(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        data=m.LiveSettingsUpdate(tally_hidden=False),
    )
    assert (row.tally_hidden, row.vote_budget, row.count_mode) == (False, 5, m.CountMode.CITY)


def test_settings_refuse_bad_values(session, world, code, unchanged):
    for bad in [
        dict(count_mode="per tandem"),
        dict(vote_budget=0),
        dict(vote_budget=21),
        dict(vote_budget=True),
        dict(vote_budget=2.5),
        dict(vote_mode="anyone"),
    ]:
        with unchanged(), pytest.raises(InvalidInput):
            data = m.LiveSettingsUpdate(**bad)
            lifecycle.update_settings(
                session, actor=world.facilitator, session_id=world.workshop.id, data=data
            )
    row = fresh(session, m.EventSession, world.workshop)
    assert (row.count_mode, row.vote_budget) == (m.CountMode.PERSON, 3)


def test_only_staff_change_the_settings(session, world, code, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        lifecycle.update_settings(
            session,
            actor=world.member,
            session_id=world.workshop.id,
            data=m.LiveSettingsUpdate(vote_budget=5),
        )


def test_the_countdown_is_a_setting_of_the_session(session, world, code):
    row = lifecycle.set_countdown(
        session, actor=world.facilitator, session_id=world.workshop.id, seconds=30
    )
    assert row.countdown_seconds == 30
    row = lifecycle.set_countdown(
        session, actor=world.facilitator, session_id=world.workshop.id, seconds=None
    )
    assert row.countdown_seconds is None


@pytest.mark.parametrize("seconds", [0, 4, 601, "10", True])
def test_a_countdown_out_of_range_is_refused(session, world, quiz, code, seconds, unchanged):
    with unchanged(), pytest.raises(InvalidInput, match="countdown"):
        lifecycle.set_countdown(
            session, actor=world.facilitator, session_id=world.workshop.id, seconds=seconds
        )
    assert fresh(session, m.EventSession, world.workshop).countdown_seconds is None


def test_closing_and_reopening_the_vote(session, world, code):
    sid = world.workshop.id
    row = lifecycle.close_voting(session, actor=world.facilitator, session_id=sid)
    assert row.voting_closed_at is not None
    row = lifecycle.close_voting(session, actor=world.facilitator, session_id=sid, closed=False)
    assert row.voting_closed_at is None
    with pytest.raises(PermissionDenied):
        lifecycle.close_voting(session, actor=world.member, session_id=sid)


def test_session_access_refuses_others_and_archived_sessions(session, world):
    assert permissions.require_session_access(session, world.coordinator, world.workshop.id).id
    with pytest.raises(PermissionDenied):
        permissions.require_session_access(session, world.member, world.workshop.id)
    with pytest.raises(PermissionDenied):
        permissions.require_session_access(session, None, world.workshop.id)
    with pytest.raises(NotFound):
        permissions.require_session_access(session, world.facilitator, 999_999)
