"""A wall that cannot be flooded: each phone sends posts, answers and dots at a
measured pace (peerlearn.live.limits), posts may wait for the facilitator, one person's
posts go off the wall at once, and the big screen gets the newest posts only."""

import contextlib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn import rules
from peerlearn.errors import InvalidInput, NotFound, PermissionDenied, TooFast
from peerlearn.live import lifecycle, votes, wall
from peerlearn.services import challenges
from tests.unit.live_fixtures import answer, fresh, join, open_question, snap, statements_during


def _post(session, phone, text="No budget for sensors"):
    return wall.post_challenge(session, token=phone.token, data=m.WallPostCreate(text=text))


def _settings(session, world, **changes):
    lifecycle.update_settings(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        data=m.LiveSettingsUpdate(**changes),
    )


def _an_hour_ago(session) -> None:
    """The phones' earlier actions fall out of every window."""
    session.execute(update(m.LiveAction).values(at=m.LiveAction.at - timedelta(hours=1)))
    session.commit()


# --- how fast one phone may send -------------------------------------------------------


def test_a_phone_posting_too_fast_is_told_to_wait_and_nothing_changes(
    session, world, code, unchanged
):
    limit = rules.RATE_LIMITS[rules.POST]
    phone = join(session, code, world.arezzo)
    for n in range(limit.actions):
        _post(session, phone, f"Challenge {n}")
    with unchanged(), pytest.raises(TooFast, match="wait a minute before the next post"):
        _post(session, phone, "One too many")
    assert len(snap(session, world).wall) == limit.actions
    # Someone else in the room is not held back by that phone.
    _post(session, join(session, code, world.utrecht), "From Utrecht")
    # Once the window has passed, the phone posts again.
    _an_hour_ago(session)
    assert _post(session, phone, "A minute later").id


def test_a_phone_answering_too_fast_is_told_to_wait(session, world, quiz, code, unchanged):
    limit = rules.RATE_LIMITS[rules.ANSWER]
    open_question(session, world, quiz.open)
    phone = join(session, code, world.arezzo)
    for n in range(limit.actions):
        answer(session, phone, quiz.open, text=f"Answer {n}")
    with unchanged(), pytest.raises(TooFast, match="wait a minute"):
        answer(session, phone, quiz.open, text="Changed again")
    session.expire_all()
    stored = session.exec(select(m.Answer).where(m.Answer.participant_id == phone.id)).one()
    assert stored.text == f"Answer {limit.actions - 1}"


def test_a_phone_tapping_dots_too_fast_is_told_to_wait(session, world, code, groups, unchanged):
    limit = rules.RATE_LIMITS[rules.VOTE]
    funding = groups[0]
    phone = join(session, code, world.arezzo)
    for n in range(limit.actions):
        votes.add_dots(
            session, token=phone.token, common_challenge_id=funding.id, by=1 - 2 * (n % 2)
        )
    with unchanged(), pytest.raises(TooFast, match="wait a minute"):
        votes.vote(session, token=phone.token, common_challenge_id=funding.id, dots=2)
    assert votes.my_votes(session, token=phone.token) == {}


def test_old_actions_are_pruned_as_new_ones_come(session, world, code):
    phone = join(session, code, world.arezzo)
    _post(session, phone, "First")
    _an_hour_ago(session)
    _post(session, phone, "Second")
    session.expire_all()
    assert len(session.exec(select(m.LiveAction)).all()) == 1


def test_posts_sent_at_once_stay_within_the_limit(engine, session, world, code):
    """A script firing posts in parallel from one phone gets no more through than the
    limit (each phone's posts are taken one at a time), on both databases."""
    limit = rules.RATE_LIMITS[rules.POST]
    phone = join(session, code, world.arezzo)
    tries = limit.actions + 4
    barrier = threading.Barrier(tries)

    def post(n):
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            with contextlib.suppress(TooFast):
                _post(own, phone, f"At once {n}")

    threads = [threading.Thread(target=post, args=(n,)) for n in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    session.expire_all()
    stored = session.exec(select(m.Challenge).where(m.Challenge.participant_id == phone.id)).all()
    assert len(stored) == limit.actions


# --- posts that wait for the facilitator ---------------------------------------------------


def test_with_pre_moderation_a_post_waits_until_approved(session, world, code):
    _settings(session, world, premoderated=True)
    phone = join(session, code, world.arezzo)
    posted = _post(session, phone, "Needs a look first")
    assert fresh(session, m.Challenge, posted).pending is True
    assert snap(session, world).wall == []
    assert [c.pending for c in wall.my_challenges(session, token=phone.token)] == [True]
    listed = wall.moderation_posts(session, actor=world.facilitator, session_id=world.workshop.id)
    assert [(i.text, i.pending) for i in listed] == [("Needs a look first", True)]

    approved = wall.approve_posts(
        session, actor=world.facilitator, session_id=world.workshop.id, challenge_ids=[posted.id]
    )
    assert approved == 1
    assert [i.text for i in snap(session, world).wall] == ["Needs a look first"]


def test_without_pre_moderation_a_post_is_on_the_wall_at_once(session, world, code):
    posted = _post(session, join(session, code, world.arezzo))
    assert fresh(session, m.Challenge, posted).pending is False
    assert [i.id for i in snap(session, world).wall] == [posted.id]


def test_a_post_waiting_for_approval_is_not_grouped(session, world, code, unchanged):
    _settings(session, world, premoderated=True)
    posted = _post(session, join(session, code, world.arezzo))
    with unchanged(), pytest.raises(InvalidInput, match="waits for your approval"):
        wall.group_wall_challenges(
            session,
            actor=world.facilitator,
            session_id=world.workshop.id,
            challenge_ids=[posted.id],
            name="Funding",
        )


def test_only_the_sessions_posts_are_approved(session, world, code, unchanged):
    _settings(session, world, premoderated=True)
    elsewhere = m.Challenge(tandem_id=world.tandem.id, text="Other", pending=True)
    session.add(elsewhere)
    session.commit()
    with unchanged(), pytest.raises(NotFound, match="not a post of this session"):
        wall.approve_posts(
            session,
            actor=world.facilitator,
            session_id=world.workshop.id,
            challenge_ids=[elsewhere.id],
        )


# --- one person's posts off the wall at once ------------------------------------------------


def test_hiding_a_participant_hides_all_their_posts(session, world, code):
    flood = join(session, code, world.arezzo)
    other = join(session, code, world.utrecht)
    for n in range(3):
        _post(session, flood, f"Spam {n}")
    kept = _post(session, other, "A real challenge")
    hidden = wall.hide_participant_posts(
        session, actor=world.facilitator, session_id=world.workshop.id, participant_id=flood.id
    )
    assert hidden == 3
    assert [i.id for i in snap(session, world).wall] == [kept.id]
    listed = wall.moderation_posts(session, actor=world.facilitator, session_id=world.workshop.id)
    assert [(i.participant_id, i.hidden) for i in listed] == [(flood.id, True)] * 3 + [
        (other.id, False)
    ]


def test_hiding_a_participant_of_another_session_is_refused(session, world, code, unchanged):
    stranger = m.Participant(session_id=world.plenary.id, token="stranger")
    session.add(stranger)
    session.commit()
    with unchanged(), pytest.raises(NotFound, match="not in this session"):
        wall.hide_participant_posts(
            session,
            actor=world.facilitator,
            session_id=world.workshop.id,
            participant_id=stranger.id,
        )


def test_a_tandem_member_cannot_moderate(session, world, code, unchanged):
    phone = join(session, code, world.arezzo)
    posted = _post(session, phone)
    with unchanged():
        for call in (
            lambda: wall.approve_posts(
                session, actor=world.member, session_id=world.workshop.id, challenge_ids=[posted.id]
            ),
            lambda: wall.hide_participant_posts(
                session, actor=world.member, session_id=world.workshop.id, participant_id=phone.id
            ),
            lambda: wall.moderation_posts(
                session, actor=world.member, session_id=world.workshop.id
            ),
        ):
            with pytest.raises(PermissionDenied):
                call()


# --- the big screen's wall --------------------------------------------------------------------


def test_the_wall_shows_the_newest_posts_up_to_the_cap(engine, session, world, code):
    extra = 5
    session.add_all(
        m.Challenge(tandem_id=world.tandem.id, text=f"Post {n}", session_id=world.workshop.id)
        for n in range(rules.WALL_SHOWN + extra)
    )
    session.add(
        m.Challenge(
            tandem_id=world.tandem.id, text="Hidden", session_id=world.workshop.id, hidden=True
        )
    )
    session.commit()
    shown = snap(session, world)
    assert len(shown.wall) == rules.WALL_SHOWN
    assert shown.wall_more == extra
    assert shown.wall[0].text == f"Post {rules.WALL_SHOWN + extra - 1}"
    assert shown.wall[-1].text == f"Post {extra}"
    # The rows past the cap are not read at all.
    sent = statements_during(engine, lambda: snap(session, world))
    wall_query = [s for s in sent if "FROM challenge" in s and "LIMIT" in s]
    assert len(wall_query) == 1


def test_hiding_a_post_through_the_challenge_service_takes_it_off(session, world, code):
    posted = _post(session, join(session, code, world.arezzo))
    challenges.set_hidden(session, actor=world.facilitator, challenge_id=posted.id, hidden=True)
    assert snap(session, world).wall == []
