from datetime import date

import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peerlearn.live import ballot, lifecycle, votes
from peerlearn.services import common_challenges as svc


@pytest.fixture
def ch(session, world):
    """Four challenges: three of the world's network (one archived), one elsewhere."""
    other = m.Network(name="Sharing Cities")
    session.add(other)
    session.flush()
    foreign_tandem = m.Tandem(network_id=other.id, name="Lisbon–Milan")
    session.add(foreign_tandem)
    session.flush()
    rows = [
        m.Challenge(tandem_id=world.tandem.id, city_id=world.arezzo.id, text="Funding sensors"),
        m.Challenge(tandem_id=world.tandem.id, city_id=world.arnsberg.id, text="Data skills"),
        m.Challenge(tandem_id=world.other_tandem.id, city_id=world.pirna.id, text="Funding"),
        m.Challenge(tandem_id=world.tandem.id, text="Old", archived_at=m.utcnow()),
        m.Challenge(tandem_id=foreign_tandem.id, text="Elsewhere"),
    ]
    session.add_all(rows)
    session.commit()
    w = type("Challenges", (), {})()
    w.a, w.b, w.c, w.archived, w.foreign = rows
    w.other_network = other
    return w


def create(session, world, ids, name="Funding", **kwargs):
    kwargs.setdefault("session_id", world.plenary.id)
    data = m.CommonChallengeCreate(
        network_id=world.network.id, name=name, challenge_ids=ids, **kwargs
    )
    return svc.create_common_challenge(session, actor=world.facilitator, data=data)


def rename(session, *, actor, common_challenge_id, **fields):
    data = m.CommonChallengeUpdate(**fields)
    return svc.update_common_challenge(
        session, actor=actor, common_challenge_id=common_challenge_id, data=data
    )


def group_of(session, challenge):
    session.expire_all()
    return session.get(m.Challenge, challenge.id).common_challenge_id


def participant(session, world, token, city=None, event_session=None):
    """A phone in ``event_session`` (the plenary), which is opened for phones."""
    row = event_session or world.plenary
    lifecycle.start_live(session, actor=world.facilitator, session_id=row.id)
    p = m.Participant(
        session_id=row.id,
        token=token,
        city_id=city.id if city else None,
    )
    session.add(p)
    session.commit()
    return p


# --- grouping -----------------------------------------------------------------------


def test_create_groups_challenges(session, world, ch):
    group = create(
        session,
        world,
        [ch.a.id, ch.c.id, ch.a.id],
        name="  Funding  ",
        category_id=world.category.id,
        description="Money for pilots",
    )
    stored = session.get(m.CommonChallenge, group.id)
    assert (stored.name, stored.description, stored.category_id) == (
        "Funding",
        "Money for pilots",
        world.category.id,
    )
    assert stored.session_id == world.plenary.id
    assert group_of(session, ch.a) == group.id
    assert group_of(session, ch.c) == group.id
    assert group_of(session, ch.b) is None


@pytest.mark.parametrize(
    ("which", "change", "error", "match"),
    [
        ("none", {}, InvalidInput, "at least one"),
        ("unknown", {}, NotFound, "9999"),
        ("archived", {}, InvalidInput, "archived"),
        ("foreign", {}, InvalidInput, "another network"),
        ("a", {"name": " "}, InvalidInput, "blank"),
        ("a", {"name": "n" * (m.TITLE_MAX + 1)}, InvalidInput, "at most 200"),
        ("a", {"description": "d" * (m.TEXT_MAX + 1)}, InvalidInput, "at most 2000"),
        ("a", {"category_id": 9999}, NotFound, "category"),
        ("a", {"session_id": 9999}, NotFound, "session"),
        ("a", {"network_id": 9999}, NotFound, "network"),
    ],
)
def test_create_refuses_bad_input(session, world, ch, unchanged, which, change, error, match):
    ids = {
        "none": [],
        "unknown": [ch.a.id, 9999],
        "archived": [ch.a.id, ch.archived.id],
        "foreign": [ch.a.id, ch.foreign.id],
        "a": [ch.a.id],
    }[which]
    kwargs = {"network_id": world.network.id, "name": "Funding", "challenge_ids": ids} | change
    with unchanged(), pytest.raises(error, match=match):
        data = m.CommonChallengeCreate(**kwargs)
        svc.create_common_challenge(session, actor=world.facilitator, data=data)
    assert group_of(session, ch.a) is None


def test_create_refuses_session_of_another_network(session, world, ch, unchanged):
    event = m.Event(
        network_id=ch.other_network.id,
        title="London",
        start_date=date(2023, 3, 1),
        end_date=date(2023, 3, 1),
    )
    session.add(event)
    session.flush()
    foreign = m.EventSession(event_id=event.id, title="Plenary")
    session.add(foreign)
    session.commit()
    with unchanged(), pytest.raises(InvalidInput, match="another network"):
        create(session, world, [ch.a.id], session_id=foreign.id)


def test_create_refuses_tandem_member_and_duplicates(session, world, ch, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        svc.create_common_challenge(
            session,
            actor=world.member,
            data=m.CommonChallengeCreate(
                network_id=world.network.id, name="Funding", challenge_ids=[ch.a.id]
            ),
        )
    create(session, world, [ch.a.id])
    with unchanged(), pytest.raises(Conflict, match="'FUNDING' already exists"):
        create(session, world, [ch.b.id], name="FUNDING")
    with unchanged(), pytest.raises(InvalidInput, match="already in the common challenge"):
        create(session, world, [ch.a.id], name="Sensors")


def test_rename(session, world, ch, unchanged):
    group = create(session, world, [ch.a.id])
    other = create(session, world, [ch.b.id], name="Skills")
    rename(
        session,
        actor=world.coordinator,
        common_challenge_id=group.id,
        name="Funding pilots",
        description="For sensors",
    )
    stored = session.get(m.CommonChallenge, group.id)
    assert (stored.name, stored.description) == ("Funding pilots", "For sensors")
    # Same name again, different case: allowed for the group itself.
    rename(session, actor=world.coordinator, common_challenge_id=group.id, name="FUNDING PILOTS")
    assert session.get(m.CommonChallenge, group.id).description == "For sensors"
    with unchanged(), pytest.raises(Conflict):
        rename(
            session, actor=world.coordinator, common_challenge_id=other.id, name="funding pilots"
        )
    with unchanged(), pytest.raises(InvalidInput):
        rename(session, actor=world.coordinator, common_challenge_id=group.id, name="")
    with unchanged(), pytest.raises(PermissionDenied):
        rename(session, actor=world.member, common_challenge_id=group.id, name="Mine")
    session.expire_all()
    assert session.get(m.CommonChallenge, group.id).name == "FUNDING PILOTS"


def test_add_and_remove(session, world, ch, unchanged):
    group = create(session, world, [ch.a.id])
    svc.add_to_common_challenge(
        session, actor=world.facilitator, common_challenge_id=group.id, challenge_ids=[ch.c.id]
    )
    assert group_of(session, ch.c) == group.id
    with unchanged(), pytest.raises(InvalidInput, match="already in this group"):
        svc.add_to_common_challenge(
            session, actor=world.facilitator, common_challenge_id=group.id, challenge_ids=[ch.a.id]
        )
    with unchanged(), pytest.raises(InvalidInput, match="another network"):
        svc.add_to_common_challenge(
            session,
            actor=world.facilitator,
            common_challenge_id=group.id,
            challenge_ids=[ch.b.id, ch.foreign.id],
        )
    assert group_of(session, ch.b) is None
    with unchanged(), pytest.raises(PermissionDenied):
        svc.add_to_common_challenge(
            session, actor=world.member, common_challenge_id=group.id, challenge_ids=[ch.b.id]
        )

    svc.remove_from_common_challenge(session, actor=world.facilitator, challenge_id=ch.c.id)
    assert group_of(session, ch.c) is None
    with unchanged(), pytest.raises(InvalidInput, match="not in a common challenge"):
        svc.remove_from_common_challenge(session, actor=world.facilitator, challenge_id=ch.c.id)
    with unchanged(), pytest.raises(PermissionDenied):
        svc.remove_from_common_challenge(session, actor=world.member, challenge_id=ch.a.id)
    assert group_of(session, ch.a) == group.id


def test_archive_frees_challenges_for_regrouping(session, world, ch, unchanged):
    group = create(session, world, [ch.a.id])
    svc.archive_common_challenge(session, actor=world.facilitator, common_challenge_id=group.id)
    assert session.get(m.CommonChallenge, group.id).archived_at is not None
    with unchanged(), pytest.raises(NotFound, match="archived"):
        svc.archive_common_challenge(session, actor=world.facilitator, common_challenge_id=group.id)
    # The archived group's name is free again and its challenges may be regrouped.
    again = create(session, world, [ch.a.id])
    assert group_of(session, ch.a) == again.id
    listed = svc.list_common_challenges(
        session, actor=world.facilitator, network_id=world.network.id
    )
    assert [g.id for g in listed] == [again.id]


# --- listing ------------------------------------------------------------------------


def test_list_counts_and_members(session, world, ch):
    funding = create(session, world, [ch.a.id, ch.c.id], category_id=world.category.id)
    skills = create(session, world, [ch.b.id], name="Data skills")
    p1 = participant(session, world, "t1", world.arezzo)
    p2 = participant(session, world, "t2", world.pirna)
    votes.vote(session, token=p1.token, common_challenge_id=funding.id, dots=2)
    votes.vote(session, token=p2.token, common_challenge_id=funding.id, dots=3)

    rows = svc.list_common_challenges(session, actor=world.facilitator, network_id=world.network.id)
    assert [(r.name, r.challenge_count, r.vote_total) for r in rows] == [
        ("Data skills", 1, 0),
        ("Funding", 2, 5),
    ]
    funding_row = rows[1]
    assert funding_row.category_name == "Funding"
    assert [(c.text, c.tandem_name, c.city_name) for c in funding_row.challenges] == [
        ("Funding sensors", "Arezzo–Arnsberg", "Arezzo"),
        ("Funding", "Utrecht–Pirna", "Pirna"),
    ]
    assert rows[0].challenges[0].id == ch.b.id
    # A tandem member reads the groups but only their own tandem's challenges in them.
    seen = svc.list_common_challenges(session, actor=world.member, network_id=world.network.id)
    assert [c.id for c in seen[1].challenges] == [ch.a.id]
    assert seen[1].challenge_count == 2
    # Filter by session.
    assert (
        svc.list_common_challenges(
            session,
            actor=world.facilitator,
            network_id=world.network.id,
            session_id=world.workshop.id,
        )
        == []
    )
    assert skills.id in {r.id for r in rows}


def test_archived_member_challenge_is_not_counted(session, world, ch):
    group = create(session, world, [ch.a.id, ch.b.id])
    ch.b.archived_at = m.utcnow()
    session.commit()
    (row,) = svc.list_common_challenges(
        session, actor=world.facilitator, network_id=world.network.id
    )
    assert row.challenge_count == 1
    assert [c.id for c in row.challenges] == [ch.a.id]
    assert row.id == group.id


# --- merging ------------------------------------------------------------------------


def test_merge_moves_challenges_and_adds_up_votes(session, world, ch):
    target = create(session, world, [ch.a.id], name="Funding")
    source = create(session, world, [ch.c.id, ch.b.id], name="Money", description="Cash")
    both = participant(session, world, "both", world.arezzo)
    only_source = participant(session, world, "src", world.pirna)
    only_target = participant(session, world, "tgt", world.arnsberg)
    votes.vote(session, token="both", common_challenge_id=target.id, dots=1)
    votes.vote(session, token="both", common_challenge_id=source.id, dots=2)
    votes.vote(session, token="src", common_challenge_id=source.id, dots=3)
    votes.vote(session, token="tgt", common_challenge_id=target.id, dots=1)
    roadmap = m.Roadmap(tandem_id=world.tandem.id, title="R")
    session.add(roadmap)
    session.flush()
    ms = [m.Milestone(roadmap_id=roadmap.id, title=t, due_date=date(2024, 6, 1)) for t in "xy"]
    session.add_all(ms)
    session.flush()
    session.add_all(
        [
            m.MilestoneCommonChallenge(milestone_id=ms[0].id, common_challenge_id=source.id),
            m.MilestoneCommonChallenge(milestone_id=ms[1].id, common_challenge_id=source.id),
            m.MilestoneCommonChallenge(milestone_id=ms[1].id, common_challenge_id=target.id),
        ]
    )
    session.commit()

    merged = svc.merge_common_challenges(
        session, actor=world.facilitator, target_id=target.id, source_id=source.id
    )
    session.expire_all()
    assert merged.id == target.id
    assert session.get(m.CommonChallenge, source.id).archived_at is not None
    assert session.get(m.CommonChallenge, target.id).description == "Cash"
    assert {group_of(session, c) for c in (ch.a, ch.b, ch.c)} == {target.id}
    placed = session.exec(select(m.Vote).order_by(m.Vote.participant_id)).all()
    assert [(v.participant_id, v.common_challenge_id, v.dots) for v in placed] == [
        (both.id, target.id, 3),
        (only_source.id, target.id, 3),
        (only_target.id, target.id, 1),
    ]
    links = session.exec(
        select(
            m.MilestoneCommonChallenge.milestone_id, m.MilestoneCommonChallenge.common_challenge_id
        )
    ).all()
    assert sorted(links) == [(ms[0].id, target.id), (ms[1].id, target.id)]
    (row,) = svc.list_common_challenges(
        session, actor=world.facilitator, network_id=world.network.id
    )
    assert (row.challenge_count, row.vote_total) == (3, 7)
    # Budgets are kept: "both" still has 3 - 3 = 0 dots left.
    assert votes.dots_left(session, token="both") == 0


def test_merge_refusals(session, world, ch, unchanged):
    target = create(session, world, [ch.a.id])
    source = create(session, world, [ch.b.id], name="Skills")
    other_session = create(session, world, [ch.c.id], name="Other", session_id=world.workshop.id)
    foreign = m.CommonChallenge(network_id=ch.other_network.id, name="Far", session_id=None)
    session.add(foreign)
    session.commit()

    def merge(actor, target_id, source_id):
        svc.merge_common_challenges(session, actor=actor, target_id=target_id, source_id=source_id)

    cases = [
        (world.member, target.id, source.id, PermissionDenied, "coordinator or facilitator"),
        (world.facilitator, target.id, target.id, InvalidInput, "two different"),
        (world.facilitator, target.id, 9999, NotFound, "9999"),
        (world.facilitator, target.id, other_session.id, InvalidInput, "different sessions"),
        (world.facilitator, foreign.id, source.id, InvalidInput, "different networks"),
    ]
    for actor, target_id, source_id, error, match in cases:
        with unchanged(), pytest.raises(error, match=match):
            merge(actor, target_id, source_id)
    assert group_of(session, ch.b) == source.id
    assert session.get(m.CommonChallenge, source.id).archived_at is None


# --- votes ------------------------------------------------------------------------
# Placing dots is peerlearn.live.votes (tests/unit/test_dot_voting.py); the network's
# totals are counted here.


def test_vote_totals_of_the_network_count_dots_voters_and_cities(session, world, ch):
    funding = create(session, world, [ch.a.id], name="Funding")
    skills = create(session, world, [ch.b.id], name="Skills")
    pirna = create(session, world, [ch.c.id], name="Pirna funding")
    voters = [
        ("a1", world.arezzo, funding, 2),
        ("a2", world.arezzo, funding, 3),
        ("p1", world.pirna, funding, 1),
        ("n1", None, funding, 1),
        ("a3", world.arezzo, skills, 1),
    ]
    for token, city, group, dots in voters:
        participant(session, world, token, city)
        votes.vote(session, token=token, common_challenge_id=group.id, dots=dots)
    # Dots placed in another session of the network count too: the workshop votes on
    # the plenary's Skills as well.
    ballot.add(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        common_challenge_ids=[skills.id],
    )
    participant(session, world, "w1", world.utrecht, event_session=world.workshop)
    votes.vote(session, token="w1", common_challenge_id=skills.id, dots=2)

    totals = svc.vote_totals(session, actor=world.facilitator, network_id=world.network.id)
    assert [(t.name, t.dots, t.voters, t.cities) for t in totals] == [
        ("Funding", 7, 4, 2),
        ("Skills", 3, 2, 2),
        ("Pirna funding", 0, 0, 0),
    ]
    assert pirna.id == totals[2].common_challenge_id
    # Tandem members read the totals too.
    assert svc.vote_totals(session, actor=world.member, network_id=world.network.id) == totals
    svc.archive_common_challenge(session, actor=world.facilitator, common_challenge_id=skills.id)
    totals = svc.vote_totals(session, actor=world.facilitator, network_id=world.network.id)
    assert [t.name for t in totals] == ["Funding", "Pirna funding"]
    with pytest.raises(PermissionDenied):
        svc.vote_totals(session, actor=None, network_id=world.network.id)


# --- ballots -----------------------------------------------------------------------


def _ballot(session, event_session) -> set[int]:
    session.expire_all()
    return set(
        session.exec(
            select(m.Ballot.common_challenge_id).where(m.Ballot.session_id == event_session.id)
        )
    )


def test_a_group_formed_in_a_session_is_on_its_ballot(session, world, ch):
    here = create(session, world, [ch.a.id], name="Funding")
    nowhere = create(session, world, [ch.b.id], name="Skills", session_id=None)
    assert _ballot(session, world.plenary) == {here.id}
    assert nowhere.id not in _ballot(session, world.workshop)


def test_merging_keeps_the_sources_places_on_ballots(session, world, ch):
    target = create(session, world, [ch.a.id], name="Funding")
    source = create(session, world, [ch.b.id], name="Money")
    ballot.add(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        common_challenge_ids=[source.id],
    )
    merged = svc.merge_common_challenges(
        session, actor=world.facilitator, target_id=target.id, source_id=source.id
    )
    assert merged.id == target.id
    # The workshop voted on Money: it now votes on Funding, which took Money in.
    assert target.id in _ballot(session, world.workshop)
    choices = ballot.choices(session, actor=world.facilitator, session_id=world.workshop.id)
    assert [(c.name, c.origin, c.on_ballot) for c in choices] == [
        ("Funding", f"this event: {world.plenary.title}", True)
    ]


def test_list_query_count_does_not_grow(session, world, engine, ch):
    from sqlalchemy import event

    def statements_for_listing():
        seen = []
        listener = lambda *_args: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            rows = svc.list_common_challenges(
                session, actor=world.facilitator, network_id=world.network.id
            )
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(rows), len(seen)

    create(session, world, [ch.a.id])
    one = statements_for_listing()
    create(session, world, [ch.b.id], name="Skills")
    create(session, world, [ch.c.id], name="Pirna")
    three = statements_for_listing()
    assert (one[0], three[0]) == (1, 3)
    # The groups with their counts, then the member challenges of all of them.
    assert one[1] == three[1] == 2


def test_a_hidden_challenge_is_not_grouped(session, world, ch, unchanged):
    ch.a.hidden = True
    session.add(ch.a)
    session.commit()
    with unchanged(), pytest.raises(InvalidInput, match="is hidden from the wall"):
        create(session, world, [ch.a.id, ch.b.id], name="Funding")
    assert group_of(session, ch.b) is None
