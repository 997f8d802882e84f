"""Joining a live session from a phone: its code, wrong codes slowed down, the
participant and its token (peerlearn.live.joining)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from peerlearn import models as m
from peerlearn.errors import InvalidInput, NotFound
from peerlearn.live import joining, lifecycle
from tests.unit.live_fixtures import join


def _attempts(session, key="guesser") -> int:
    return session.scalar(
        select(func.count()).select_from(m.JoinAttempt).where(m.JoinAttempt.client_key == key)
    )


def _guess(session, *, key="guesser", address=None):
    return joining.session_by_code(session, code="WRONG2", client_key=key, client_address=address)


def _wrong_codes(session, times, **kwargs) -> None:
    for _ in range(times):
        with pytest.raises(NotFound):
            _guess(session, **kwargs)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("abc-def", "ABCDEF"), (" ABC DEF ", "ABCDEF"), ("a.b_c", "ABC"), (None, ""), ("", "")],
)
def test_a_code_is_read_without_case_spaces_or_dashes(typed, code):
    assert joining.normalise_code(typed) == code


def test_joining_by_code_ignores_case_and_separators(session, world, code):
    typed = f"{code[:3].lower()}-{code[3:]}"
    participant = join(session, typed, world.arezzo, "Giulia")
    assert participant.session_id == world.workshop.id
    assert (participant.city_id, participant.display_name) == (world.arezzo.id, "Giulia")
    assert len(participant.token) >= 16


def test_each_participant_gets_a_token_of_their_own(session, world, code):
    first, second = join(session, code, world.arezzo), join(session, code, None)
    assert first.token != second.token
    assert len(first.token) <= joining.TOKEN_MAX
    assert second.city_id is None and second.display_name == ""
    assert joining.participant_by_token(session, token=f" {first.token} ").id == first.id


def test_a_wrong_code_is_refused_with_a_clear_message(session, world, code):
    with pytest.raises(NotFound, match="No live session has the code"):
        join(session, "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY", world.arezzo)
    with pytest.raises(NotFound, match=r"the code \(empty\)"):
        join(session, " - ", world.arezzo)
    assert session.scalar(select(m.Participant.id)) is None


def test_an_ended_session_says_so(session, world, code):
    lifecycle.end_live(session, actor=world.facilitator, session_id=world.workshop.id)
    with pytest.raises(NotFound, match="has ended"):
        join(session, code, world.arezzo)


def test_an_archived_session_is_not_found_by_its_code(session, world, code):
    world.workshop.archived_at = m.utcnow()
    session.add(world.workshop)
    session.commit()
    with pytest.raises(NotFound):
        join(session, code, world.arezzo)


def test_joining_a_session_that_is_not_live_is_refused(session, world, unchanged):
    with unchanged(), pytest.raises(NotFound, match="not open for phones"):
        joining.join(session, session_id=world.plenary.id, city_id=world.arezzo.id)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"session_id": 999_999}, NotFound),
        ({"city_id": 999_999}, NotFound),
        ({"display_name": "n" * (m.NAME_MAX + 1)}, InvalidInput),
    ],
)
def test_joining_refuses_bad_input(session, world, code, unchanged, changes, error):
    values = {"session_id": world.workshop.id, "city_id": world.arezzo.id} | changes
    with unchanged(), pytest.raises(error):
        joining.join(session, **values)


def test_repeated_wrong_codes_from_one_browser_are_slowed_down(session, world, code):
    for _ in range(joining.FREE_ATTEMPTS):
        with pytest.raises(NotFound):
            join(session, "WRONG2", world.arezzo, key="guesser")
    assert _attempts(session) == joining.FREE_ATTEMPTS  # each wrong code counted once
    with pytest.raises(joining.TooManyAttempts) as refused:
        join(session, code, world.arezzo, key="guesser")  # even the right code must wait
    assert refused.value.retry_after > 0
    assert join(session, code, world.arezzo, key="someone else").id


def test_each_refused_attempt_makes_the_wait_longer(session, world, code):
    _wrong_codes(session, joining.FREE_ATTEMPTS)
    waits = []
    for _ in range(6):
        with pytest.raises(joining.TooManyAttempts) as refused:
            _guess(session)  # hammering while it must wait
        waits.append(refused.value.retry_after)
    assert waits == [4, 8, 16, 32, 64, 128]
    assert _attempts(session) == joining.FREE_ATTEMPTS + 6
    for _ in range(10):
        with pytest.raises(joining.TooManyAttempts) as refused:
            _guess(session)
    assert refused.value.retry_after == joining.MAX_WAIT
    assert "Try again in 5 minutes." in str(refused.value)


def test_waiting_ends_after_the_delay(session, world, code):
    _wrong_codes(session, joining.FREE_ATTEMPTS)
    assert joining.wait_seconds(session, client_key="guesser") == 2
    for attempt in session.scalars(select(m.JoinAttempt)):
        attempt.attempted_at -= timedelta(seconds=3)
    session.commit()
    assert joining.wait_seconds(session, client_key="guesser") == 0
    found = joining.session_by_code(session, code=code, client_key="guesser")
    assert found.id == world.workshop.id


def test_wrong_codes_of_long_ago_are_forgotten(session, world, code):
    _wrong_codes(session, joining.FREE_ATTEMPTS)
    for attempt in session.scalars(select(m.JoinAttempt)):
        attempt.attempted_at -= joining.ATTEMPT_WINDOW + timedelta(minutes=1)
    session.commit()
    assert joining.wait_seconds(session, client_key="guesser") == 0
    _wrong_codes(session, 1)
    assert _attempts(session) == 1


def test_clearing_cookies_does_not_reset_the_wait(session, world, code):
    """The address counts too, with room for a venue whose wifi shares one address."""
    address = "203.0.113.7"
    for n in range(joining.FREE_ATTEMPTS_PER_ADDRESS):
        with pytest.raises(NotFound):
            _guess(session, key=f"c:fresh-cookie-{n}", address=address)
    assert _attempts(session, key=f"ip:{address}") == joining.FREE_ATTEMPTS_PER_ADDRESS
    with pytest.raises(joining.TooManyAttempts):
        joining.session_by_code(session, code=code, client_key="c:new", client_address=address)
    found = joining.session_by_code(
        session, code=code, client_key="c:new", client_address="198.51.100.1"
    )
    assert found.id == world.workshop.id


def test_a_few_wrong_codes_from_one_address_do_not_slow_others_on_it(session, world, code):
    _wrong_codes(session, joining.FREE_ATTEMPTS, key="c:typo", address="203.0.113.7")
    found = joining.session_by_code(
        session, code=code, client_key="c:colleague", client_address="203.0.113.7"
    )
    assert found.id == world.workshop.id


@pytest.mark.parametrize(
    ("seconds", "message"),
    [
        (1, "Try again in 1 second."),
        (2, "Try again in 2 seconds."),
        (64, "Try again in 64 seconds."),
        (128, "Try again in 3 minutes."),
        (300, "Try again in 5 minutes."),
    ],
)
def test_the_wait_is_said_in_words(seconds, message):
    assert joining.wait_message(seconds) == message


def test_a_browser_that_joined_before_is_recognised(session, world, code):
    person = join(session, code, world.arezzo)
    found = joining.returning_participant(session, session_id=world.workshop.id, token=person.token)
    assert found.id == person.id
    for token in (None, "", "unknown", "x" * 500):
        assert (
            joining.returning_participant(session, session_id=world.workshop.id, token=token)
            is None
        )
    assert (
        joining.returning_participant(session, session_id=world.plenary.id, token=person.token)
        is None
    )


@pytest.mark.parametrize("token", [None, "", "   ", "unknown", "x" * 500])
def test_an_unknown_token_is_no_participant(session, world, code, token):
    with pytest.raises(NotFound, match="participation link is not known"):
        joining.participant_by_token(session, token=token)


def test_a_participant_keeps_their_session_once_it_ends_but_not_its_live_actions(
    session, world, code
):
    person = join(session, code, world.arezzo)
    participant, row = joining.participant_in_live_session(session, token=person.token)
    assert (participant.id, row.id) == (person.id, world.workshop.id)
    lifecycle.end_live(session, actor=world.facilitator, session_id=world.workshop.id)
    participant, row = joining.participant_and_session(session, token=person.token)
    assert (participant.id, row.id) == (person.id, world.workshop.id)
    with pytest.raises(NotFound, match="is not live"):
        joining.participant_in_live_session(session, token=person.token)
