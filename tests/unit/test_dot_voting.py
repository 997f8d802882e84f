"""Dot-voting from phones (peerlearn.live.votes) on the common challenges of a
session's ballot (peerlearn.live.ballot).

What changed from the old ``common_challenges.cast_vote``: the budget and whether it is
per person or per city are the session's settings, not arguments; 0 dots take a vote
back (there is no separate retract, and taking back nothing is no error); a phone votes
only while its session is open for phones and voting is open; staff no longer vote on
a participant's behalf; a session votes on its ballot, not on the groups formed in it.
"""

import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peerlearn.live import ballot, clock, lifecycle, votes
from peerlearn.services import common_challenges
from tests.unit.live_fixtures import join, snap


def _settings(session, world, **changes):
    lifecycle.update_settings(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        data=m.LiveSettingsUpdate(**changes),
    )


def _vote(session, phone, group, dots):
    return votes.vote(session, token=phone.token, common_challenge_id=group.id, dots=dots)


def _votes(session) -> list[tuple[int, int, int]]:
    session.expire_all()
    rows = session.exec(select(m.Vote).order_by(m.Vote.participant_id, m.Vote.id)).all()
    return [(v.participant_id, v.common_challenge_id, v.dots) for v in rows]


# --- placing dots -------------------------------------------------------------------


def test_voting_again_on_a_group_replaces_the_dots(session, world, code, groups):
    funding, _, _ = groups
    phone = join(session, code, world.arezzo)
    vote = _vote(session, phone, funding, 1)
    assert (vote.dots, vote.city_id, vote.participant_id) == (1, world.arezzo.id, phone.id)
    again = votes.vote(session, token=f" {phone.token} ", common_challenge_id=funding.id, dots=3)
    assert again.id == vote.id
    assert _votes(session) == [(phone.id, funding.id, 3)]
    assert votes.my_votes(session, token=phone.token) == {funding.id: 3}


def test_the_budget_counts_across_the_ballot(session, world, code, groups, unchanged):
    funding, skills, pirna = groups
    phone = join(session, code, world.arezzo)
    assert votes.dots_left(session, token=phone.token) == 3  # the default budget
    _vote(session, phone, funding, 2)
    _vote(session, phone, skills, 1)
    assert votes.dots_left(session, token=phone.token) == 0
    with unchanged(), pytest.raises(InvalidInput, match="You have 0 dots left"):
        _vote(session, phone, pirna, 1)
    # Moving dots within the budget is fine: 2 -> 1 on funding frees one.
    _vote(session, phone, funding, 1)
    with unchanged(), pytest.raises(InvalidInput, match="You have 1 dot left.*at most 1 here"):
        _vote(session, phone, pirna, 2)
    _vote(session, phone, pirna, 1)
    # A larger budget is a setting of the session.
    _settings(session, world, vote_budget=6)
    _vote(session, phone, pirna, 4)
    assert votes.dots_left(session, token=phone.token) == 0
    assert votes.my_votes(session, token=phone.token) == {
        funding.id: 1,
        skills.id: 1,
        pirna.id: 4,
    }


def test_a_lowered_budget_leaves_no_dots_but_never_fewer(session, world, code, groups, unchanged):
    funding, skills, _ = groups
    phone = join(session, code, world.arezzo)
    _vote(session, phone, funding, 3)
    _settings(session, world, vote_budget=1)
    assert votes.dots_left(session, token=phone.token) == 0
    with unchanged(), pytest.raises(InvalidInput, match="You have 0 dots left.*another"):
        _vote(session, phone, skills, 1)
    # Taking dots off within the new budget works.
    _vote(session, phone, funding, 1)
    assert votes.dots_left(session, token=phone.token) == 0


def test_an_archived_group_gives_its_dots_back(session, world, code, groups):
    funding, skills, _ = groups
    phone = join(session, code, world.arezzo)
    _vote(session, phone, funding, 3)
    common_challenges.archive_common_challenge(
        session, actor=world.facilitator, common_challenge_id=funding.id
    )
    assert votes.dots_left(session, token=phone.token) == 3
    _vote(session, phone, skills, 3)
    with pytest.raises(NotFound, match="archived"):
        _vote(session, phone, funding, 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"dots": -2}, InvalidInput, "at least 0"),
        ({"dots": True}, InvalidInput, "whole number"),
        ({"dots": 1.5}, InvalidInput, "whole number"),
        ({"dots": "2"}, InvalidInput, "whole number"),
        ({"dots": 4}, InvalidInput, "You have 3 dots left"),
        ({"token": "nope"}, NotFound, "join the session again"),
        ({"token": None}, NotFound, "join the session again"),
        ({"common_challenge_id": 9999}, NotFound, "common challenge"),
    ],
)
def test_bad_votes_change_nothing(session, world, code, groups, unchanged, kwargs, error, match):
    phone = join(session, code, world.arezzo)
    kwargs = {"token": phone.token, "common_challenge_id": groups[0].id, "dots": 1} | kwargs
    with unchanged(), pytest.raises(error, match=match):
        votes.vote(session, **kwargs)


def test_zero_dots_take_a_vote_back(session, world, code, groups, unchanged):
    funding, skills, _ = groups
    phone = join(session, code, world.arezzo)
    _vote(session, phone, funding, 3)
    assert _vote(session, phone, funding, 0) is None
    assert _votes(session) == []
    assert votes.dots_left(session, token=phone.token) == 3
    # Nothing to take back is no error, and changes nothing.
    with unchanged():
        assert _vote(session, phone, skills, 0) is None


def test_a_group_off_the_ballot_is_refused(session, world, code, groups, unchanged):
    elsewhere = m.CommonChallenge(
        network_id=world.network.id, session_id=world.plenary.id, name="Plenary only"
    )
    session.add(elsewhere)
    session.commit()
    phone = join(session, code, world.arezzo)
    with unchanged(), pytest.raises(InvalidInput, match="not voted on in this session"):
        _vote(session, phone, elsewhere, 1)
    # Nor can a phone of another session vote on the workshop's ballot.
    lifecycle.start_live(session, actor=world.facilitator, session_id=world.plenary.id)
    plenary = m.Participant(session_id=world.plenary.id, token="plenary", city_id=world.pirna.id)
    session.add(plenary)
    session.commit()
    with unchanged(), pytest.raises(InvalidInput, match="not voted on in this session"):
        _vote(session, plenary, groups[0], 1)


def test_only_an_open_vote_of_a_live_session_takes_dots(session, world, code, groups, unchanged):
    funding, skills, _ = groups
    phone = join(session, code, world.arezzo)
    _vote(session, phone, funding, 1)
    lifecycle.close_voting(session, actor=world.facilitator, session_id=world.workshop.id)
    with unchanged(), pytest.raises(Conflict, match="Voting is closed"):
        _vote(session, phone, skills, 1)
    with unchanged(), pytest.raises(Conflict, match="Voting is closed"):
        votes.add_dots(session, token=phone.token, common_challenge_id=skills.id, by=1)
    lifecycle.close_voting(
        session, actor=world.facilitator, session_id=world.workshop.id, closed=False
    )
    _vote(session, phone, skills, 1)
    lifecycle.end_live(session, actor=world.facilitator, session_id=world.workshop.id)
    with unchanged(), pytest.raises(NotFound, match="is not live"):
        _vote(session, phone, skills, 2)
    # The phone still shows what it placed.
    assert votes.my_votes(session, token=phone.token) == {funding.id: 1, skills.id: 1}
    assert votes.dots_left(session, token=phone.token) == 1


def test_a_vote_moves_the_clock_of_what_the_room_sends(session, world, code, groups):
    phone = join(session, code, world.arezzo)
    before = clock.read(session, world.workshop.id)
    _vote(session, phone, groups[0], 2)
    after = clock.read(session, world.workshop.id)
    assert (after.stage, after.data) == (before.stage, before.data + 1)


# --- per city -----------------------------------------------------------------------


def test_voting_per_city_shares_the_budget(session, world, code, groups, unchanged):
    funding, skills, _ = groups
    _settings(session, world, vote_mode=m.CountMode.CITY, vote_budget=2)
    ana, bea = join(session, code, world.arezzo), join(session, code, world.arezzo)
    carl = join(session, code, world.arnsberg)
    _vote(session, ana, funding, 1)
    _vote(session, bea, skills, 1)
    assert votes.dots_left(session, token=ana.token) == votes.dots_left(session, token=bea.token)
    assert votes.dots_left(session, token=ana.token) == 0
    with unchanged(), pytest.raises(InvalidInput, match="Your city has 0 dots left"):
        _vote(session, bea, funding, 1)
    # Ana's own dot on funding may move, within what her city has left.
    with unchanged(), pytest.raises(InvalidInput, match="Your city has 1 dot left"):
        _vote(session, ana, funding, 2)
    _vote(session, ana, funding, 1)
    # Another city has a budget of its own.
    _vote(session, carl, funding, 2)
    assert votes.dots_left(session, token=carl.token) == 0
    assert snap(session, world).tallies[0].name == "Funding"


def test_voting_per_city_needs_a_city(session, world, code, groups, unchanged):
    _settings(session, world, vote_mode=m.CountMode.CITY)
    nowhere = join(session, code, None)
    assert votes.dots_left(session, token=nowhere.token) == 0
    with unchanged(), pytest.raises(InvalidInput, match="which city"):
        _vote(session, nowhere, groups[0], 1)
    # Per person, no city is needed.
    _settings(session, world, vote_mode=m.CountMode.PERSON)
    assert votes.dots_left(session, token=nowhere.token) == 3
    assert _vote(session, nowhere, groups[0], 1).city_id is None


def test_per_city_counts_only_the_citys_people_of_this_session(session, world, code, groups):
    """Arezzo's people voting in another session spend nothing of its budget here."""
    _settings(session, world, vote_mode=m.CountMode.CITY, vote_budget=2)
    lifecycle.start_live(session, actor=world.facilitator, session_id=world.plenary.id)
    lifecycle.update_settings(
        session,
        actor=world.facilitator,
        session_id=world.plenary.id,
        data=m.LiveSettingsUpdate(vote_mode="per city"),
    )
    ballot.add(
        session,
        actor=world.facilitator,
        session_id=world.plenary.id,
        common_challenge_ids=[groups[0].id],
    )
    there = m.Participant(session_id=world.plenary.id, token="there", city_id=world.arezzo.id)
    session.add(there)
    session.commit()
    votes.vote(session, token="there", common_challenge_id=groups[0].id, dots=2)
    here = join(session, code, world.arezzo)
    assert votes.dots_left(session, token=here.token) == 2
    _vote(session, here, groups[0], 2)


# --- taps of + and − ------------------------------------------------------------------


def test_plus_and_minus_change_the_dots_already_placed(session, world, code, groups, unchanged):
    funding, skills, _ = groups
    phone = join(session, code, world.arezzo)

    def tap(group, by):
        return votes.add_dots(session, token=phone.token, common_challenge_id=group.id, by=by)

    assert tap(funding, 1).dots == 1
    assert tap(funding, 1).dots == 2  # a second tap before the screen redrew counts too
    assert tap(funding, -1).dots == 1
    assert tap(funding, -1) is None  # down to nothing: the vote goes
    assert _votes(session) == []
    with unchanged():
        assert tap(funding, -1) is None  # never below zero
    tap(skills, 1)
    tap(skills, 1)
    tap(funding, 1)
    # The budget is spent: one more tap asks for 2 on funding, where 1 is all there is.
    with unchanged(), pytest.raises(InvalidInput, match="You have 1 dot left.*at most 1 here"):
        tap(funding, 1)
    assert votes.my_votes(session, token=phone.token) == {skills.id: 2, funding.id: 1}


# --- clearing and counting (staff) ------------------------------------------------------


def test_clearing_the_vote_starts_it_afresh(session, world, code, groups, unchanged):
    funding, skills, _ = groups
    ana, bea = join(session, code, world.arezzo), join(session, code, world.utrecht)
    _vote(session, ana, funding, 2)
    _vote(session, ana, skills, 1)
    _vote(session, bea, funding, 1)
    # A vote of another session stays.
    lifecycle.start_live(session, actor=world.facilitator, session_id=world.plenary.id)
    ballot.add(
        session,
        actor=world.facilitator,
        session_id=world.plenary.id,
        common_challenge_ids=[funding.id],
    )
    other = m.Participant(session_id=world.plenary.id, token="plenary")
    session.add(other)
    session.commit()
    votes.vote(session, token="plenary", common_challenge_id=funding.id, dots=3)
    lifecycle.close_voting(session, actor=world.facilitator, session_id=world.workshop.id)
    sid = world.workshop.id
    assert votes.vote_count(session, actor=world.facilitator, session_id=sid) == 3
    with unchanged(), pytest.raises(PermissionDenied):
        votes.clear_votes(session, actor=world.member, session_id=sid)
    with pytest.raises(PermissionDenied):
        votes.vote_count(session, actor=world.member, session_id=sid)

    before = clock.read(session, sid)
    assert votes.clear_votes(session, actor=world.facilitator, session_id=sid) == 3
    assert clock.read(session, sid).stage == before.stage + 1
    assert _votes(session) == [(other.id, funding.id, 3)]
    assert votes.vote_count(session, actor=world.facilitator, session_id=sid) == 0
    assert votes.vote_count(session, actor=world.coordinator, session_id=world.plenary.id) == 1
    # Voting is open again with the whole budget.
    assert session.get(m.EventSession, sid).voting_closed_at is None
    assert votes.dots_left(session, token=ana.token) == 3
    _vote(session, ana, funding, 3)
    assert votes.clear_votes(session, actor=world.facilitator, session_id=world.workshop.id) == 1
    assert votes.clear_votes(session, actor=world.facilitator, session_id=world.workshop.id) == 0


def test_the_tally_counts_dots_voters_and_cities_of_this_session(session, world, code, groups):
    funding, skills, pirna = groups
    _settings(session, world, vote_budget=5)
    for city, group, dots in [
        (world.arezzo, funding, 2),
        (world.arezzo, funding, 3),
        (world.pirna, funding, 1),
        (None, funding, 1),
        (world.arezzo, skills, 1),
    ]:
        _vote(session, join(session, code, city), group, dots)
    tallies = snap(session, world).tallies
    assert [(t.name, t.dots, t.voters, t.cities, t.rank) for t in tallies] == [
        ("Funding", 7, 4, 2, 1),
        ("Skills", 1, 1, 1, 2),
        ("Pirna funding", 0, 0, 0, 3),
    ]
    assert tallies[2].id == pirna.id


# --- the ballot -------------------------------------------------------------------------


def _ballot_of(session, event_session) -> set[int]:
    session.expire_all()
    return set(
        session.exec(
            select(m.Ballot.common_challenge_id).where(m.Ballot.session_id == event_session.id)
        )
    )


def test_putting_on_the_ballot_adds_only_what_is_missing(session, world, code, groups):
    funding, skills, pirna = groups
    extra = m.CommonChallenge(network_id=world.network.id, name="Trust")
    session.add(extra)
    session.commit()
    before = clock.read(session, world.workshop.id)
    ballot.put_on_ballot(session, world.workshop.id, [funding.id, extra.id, extra.id])
    session.commit()
    assert _ballot_of(session, world.workshop) == {funding.id, skills.id, pirna.id, extra.id}
    assert clock.read(session, world.workshop.id).stage == before.stage + 1  # phones redraw


def test_putting_on_the_ballot_is_left_to_the_callers_transaction(session, world, code):
    group = m.CommonChallenge(network_id=world.network.id, name="Trust")
    session.add(group)
    session.commit()
    ballot.put_on_ballot(session, world.workshop.id, [group.id])
    session.rollback()
    assert _ballot_of(session, world.workshop) == set()


def test_staff_bring_groups_of_the_network_to_the_vote(session, world, code, groups, unchanged):
    funding, _, _ = groups
    earlier = m.CommonChallenge(network_id=world.network.id, name="Consulting")
    archived = m.CommonChallenge(network_id=world.network.id, name="Old", archived_at=m.utcnow())
    far = m.Network(name="Sharing Cities")
    session.add_all([earlier, archived, far])
    session.flush()
    foreign = m.CommonChallenge(network_id=far.id, name="Far away")
    session.add(foreign)
    session.commit()
    sid = world.plenary.id

    def add(ids, actor=world.facilitator):
        return ballot.add(session, actor=actor, session_id=sid, common_challenge_ids=ids)

    for ids, error, match in [
        ([], InvalidInput, "at least one"),
        ([9999], InvalidInput, "9999"),
        ([earlier.id, archived.id], InvalidInput, f"{archived.id}"),
        ([foreign.id], InvalidInput, "another network"),
    ]:
        with unchanged(), pytest.raises(error, match=match):
            add(ids)
    with unchanged(), pytest.raises(PermissionDenied):
        add([earlier.id], actor=world.member)
    assert add([earlier.id, funding.id, earlier.id]) == 2
    assert _ballot_of(session, world.plenary) == {earlier.id, funding.id}
    choices = ballot.choices(session, actor=world.facilitator, session_id=sid)
    assert [(c.name, c.origin, c.on_ballot) for c in choices] == [
        ("Funding", f"this event: {world.workshop.title}", True),
        ("Pirna funding", f"this event: {world.workshop.title}", False),
        ("Skills", f"this event: {world.workshop.title}", False),
        ("Consulting", "the network", True),
    ]


def test_a_group_taken_off_the_ballot_keeps_its_dots_for_its_return(
    session, world, code, groups, unchanged
):
    funding, skills, _ = groups
    phone = join(session, code, world.arezzo)
    _vote(session, phone, funding, 2)
    sid = world.workshop.id
    with unchanged(), pytest.raises(PermissionDenied):
        ballot.remove(session, actor=world.member, session_id=sid, common_challenge_id=funding.id)
    ballot.remove(session, actor=world.facilitator, session_id=sid, common_challenge_id=funding.id)
    assert funding.id not in {t.id for t in snap(session, world).tallies}
    assert votes.dots_left(session, token=phone.token) == 3  # off the ballot, not spent
    with unchanged(), pytest.raises(InvalidInput, match="not voted on"):
        _vote(session, phone, funding, 1)
    _vote(session, phone, skills, 3)
    assert _votes(session) == [(phone.id, funding.id, 2), (phone.id, skills.id, 3)]
    ballot.add(session, actor=world.facilitator, session_id=sid, common_challenge_ids=[funding.id])
    assert votes.dots_left(session, token=phone.token) == 0
    assert {t.name: t.dots for t in snap(session, world).tallies}["Funding"] == 2
