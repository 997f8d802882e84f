"""Participants of a live session: joining from a phone, the token that is who they
are from then on, a browser coming back, and the city they speak for
(peerlearn.live.joining).

A participant can join only a session that is open for phones (the old
``join_session`` took any session); the city is chosen when joining.
"""

import pytest
from sqlmodel import Session

from peerlearn import models as m
from peerlearn.errors import InvalidInput, NotFound
from peerlearn.live import clock, joining, lifecycle
from tests.unit.live_fixtures import fresh, join, snap

BAD_TOKENS = ["", "   ", None, "not-a-token", "x" * 500]


def _join(session, world, **fields):
    return joining.join(session, **({"session_id": world.workshop.id} | fields))


# --- joining ----------------------------------------------------------------------


def test_each_phone_gets_a_random_token_of_its_own(session, world, code):
    giulia = _join(session, world, city_id=world.arezzo.id, display_name=" Giulia ")
    nobody = _join(session, world)
    assert len(giulia.token) >= 20 and giulia.token != nobody.token
    assert len(giulia.token) <= joining.TOKEN_MAX
    assert (giulia.session_id, giulia.display_name, giulia.city_id) == (
        world.workshop.id,
        "Giulia",
        world.arezzo.id,
    )
    assert (nobody.display_name, nobody.city_id) == ("", None)
    assert joining.participant_by_token(session, token=giulia.token).id == giulia.id
    # A token copied with spaces around it still works.
    assert joining.participant_by_token(session, token=f" {giulia.token} ").id == giulia.id


def test_joining_by_the_code_on_the_screen(session, world, code):
    phone = join(session, code.lower(), world.utrecht, "Joost")
    assert (phone.session_id, phone.city_id, phone.display_name) == (
        world.workshop.id,
        world.utrecht.id,
        "Joost",
    )


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"session_id": 9999}, NotFound, "session"),
        ({"city_id": 9999}, NotFound, "city"),
        ({"display_name": "n" * (m.NAME_MAX + 1)}, InvalidInput, "at most"),
    ],
    ids=["unknown session", "unknown city", "long name"],
)
def test_joining_refuses_bad_input(session, world, code, unchanged, changes, error, match):
    with unchanged(), pytest.raises(error, match=match):
        _join(session, world, **({"city_id": world.arezzo.id} | changes))


def test_joining_refuses_an_archived_city_session_or_event(session, world, code, unchanged):
    world.pirna.archived_at = m.utcnow()
    session.commit()
    with unchanged(), pytest.raises(NotFound, match="Pirna"):
        _join(session, world, city_id=world.pirna.id)
    world.event.archived_at = m.utcnow()
    session.commit()
    with unchanged(), pytest.raises(NotFound, match="archived"):
        _join(session, world)
    world.event.archived_at = None
    world.workshop.archived_at = m.utcnow()
    session.commit()
    with unchanged(), pytest.raises(NotFound, match="not open for phones"):
        _join(session, world)


def test_only_a_session_open_for_phones_takes_participants(session, world, code, unchanged):
    # The plenary was never opened for phones.
    with unchanged(), pytest.raises(NotFound, match="not open for phones"):
        _join(session, world, session_id=world.plenary.id)
    lifecycle.end_live(session, actor=world.facilitator, session_id=world.workshop.id)
    with unchanged(), pytest.raises(NotFound, match="not open for phones"):
        _join(session, world)
    lifecycle.start_live(session, actor=world.facilitator, session_id=world.workshop.id)
    assert _join(session, world).session_id == world.workshop.id


def test_a_join_moves_the_clock_of_what_the_room_sends(session, world, code):
    before = clock.read(session, world.workshop.id)
    _join(session, world, city_id=world.arezzo.id)
    after = clock.read(session, world.workshop.id)
    assert (after.stage, after.data) == (before.stage, before.data + 1)


# --- tokens -----------------------------------------------------------------------


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_an_unknown_token_asks_to_join_again(session, world, code, token):
    _join(session, world)
    with pytest.raises(NotFound, match="join the session again"):
        joining.participant_by_token(session, token=token)


def test_a_participant_of_a_session_that_ended_is_known_but_not_live(session, world, code):
    phone = _join(session, world, city_id=world.arezzo.id)
    found, row = joining.participant_in_live_session(session, token=phone.token)
    assert (found.id, row.id) == (phone.id, world.workshop.id)
    lifecycle.end_live(session, actor=world.facilitator, session_id=world.workshop.id)
    session.expire_all()
    with pytest.raises(NotFound, match="is not live"):
        joining.participant_in_live_session(session, token=phone.token)
    # What they did stays theirs to see.
    found, row = joining.participant_and_session(session, token=phone.token)
    assert (found.id, row.id, joining.is_live(row)) == (phone.id, world.workshop.id, False)


# --- a browser coming back ----------------------------------------------------------


def test_a_browser_that_joined_before_is_recognised(session, world, code):
    person = join(session, code, world.arezzo)
    found = joining.returning_participant(session, session_id=world.workshop.id, token=person.token)
    assert found.id == person.id
    assert (
        joining.returning_participant(
            session, session_id=world.workshop.id, token=f" {person.token} "
        ).id
        == person.id
    )
    for token in BAD_TOKENS:
        assert (
            joining.returning_participant(session, session_id=world.workshop.id, token=token)
            is None
        )
    # A token of another session is no participant of this one.
    assert (
        joining.returning_participant(session, session_id=world.plenary.id, token=person.token)
        is None
    )


def test_a_rescan_after_reopening_continues_as_the_same_participant(session, world, code):
    person = join(session, code, world.arezzo, "Giulia")
    lifecycle.end_live(session, actor=world.facilitator, session_id=world.workshop.id)
    lifecycle.start_live(session, actor=world.facilitator, session_id=world.workshop.id)
    # A server restart in between: a new database session finds them as well.
    with Session(session.get_bind()) as other:
        found = joining.returning_participant(
            other, session_id=world.workshop.id, token=person.token
        )
        assert (found.id, found.display_name, found.city_id) == (
            person.id,
            "Giulia",
            world.arezzo.id,
        )


# --- cities -------------------------------------------------------------------------


def test_the_city_chosen_when_joining_is_kept_with_the_participant(session, world, code):
    arezzo = join(session, code, world.arezzo)
    join(session, code, world.arezzo)
    join(session, code, world.utrecht)
    join(session, code, None)  # speaking for no city
    assert fresh(session, m.Participant, arezzo).city_id == world.arezzo.id
    room = snap(session, world)
    assert room.participants == 4
    assert room.cities == ["Arezzo", "Utrecht"]  # each once, by name


def test_a_city_archived_after_joining_stays_with_its_participants(session, world, code):
    phone = join(session, code, world.pirna)
    world.pirna.archived_at = m.utcnow()
    session.add(world.pirna)
    session.commit()
    assert joining.participant_by_token(session, token=phone.token).city_id == world.pirna.id
    with pytest.raises(NotFound, match="archived"):
        join(session, code, world.pirna)
