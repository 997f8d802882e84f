"""Joining a live session from a phone: its code, the participant and its token
(peerlearn.live.joining); wrong codes are limited in test_wrong_codes.py."""

import pytest
from sqlalchemy import select

from peerlearn import models as m
from peerlearn.errors import InvalidInput, NotFound
from peerlearn.live import joining, lifecycle
from tests.unit.live_fixtures import join


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
