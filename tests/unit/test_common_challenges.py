from datetime import date

import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import Conflict, InvalidInput, NotFound, PermissionDenied
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
    return svc.create_common_challenge(
        session,
        actor=world.facilitator,
        network_id=world.network.id,
        name=name,
        challenge_ids=ids,
        **kwargs,
    )


def group_of(session, challenge):
    session.expire_all()
    return session.get(m.Challenge, challenge.id).common_challenge_id


def participant(session, world, token, city=None, event_session=None):
    p = m.Participant(
        session_id=(event_session or world.plenary).id,
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
        svc.create_common_challenge(session, actor=world.facilitator, **kwargs)
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
            network_id=world.network.id,
            name="Funding",
            challenge_ids=[ch.a.id],
        )
    create(session, world, [ch.a.id])
    with unchanged(), pytest.raises(Conflict, match="'FUNDING' already exists"):
        create(session, world, [ch.b.id], name="FUNDING")
    with unchanged(), pytest.raises(InvalidInput, match="already in the common challenge"):
        create(session, world, [ch.a.id], name="Sensors")


def test_rename(session, world, ch, unchanged):
    group = create(session, world, [ch.a.id])
    other = create(session, world, [ch.b.id], name="Skills")
    svc.rename_common_challenge(
        session,
        actor=world.coordinator,
        common_challenge_id=group.id,
        name="Funding pilots",
        description="For sensors",
    )
    stored = session.get(m.CommonChallenge, group.id)
    assert (stored.name, stored.description) == ("Funding pilots", "For sensors")
    # Same name again, different case: allowed for the group itself.
    svc.rename_common_challenge(
        session, actor=world.coordinator, common_challenge_id=group.id, name="FUNDING PILOTS"
    )
    assert session.get(m.CommonChallenge, group.id).description == "For sensors"
    with unchanged(), pytest.raises(Conflict):
        svc.rename_common_challenge(
            session, actor=world.coordinator, common_challenge_id=other.id, name="funding pilots"
        )
    with unchanged(), pytest.raises(InvalidInput):
        svc.rename_common_challenge(
            session, actor=world.coordinator, common_challenge_id=group.id, name=""
        )
    with unchanged(), pytest.raises(PermissionDenied):
        svc.rename_common_challenge(
            session, actor=world.member, common_challenge_id=group.id, name="Mine"
        )
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
    svc.cast_vote(session, token=p1.token, common_challenge_id=funding.id, dots=2)
    svc.cast_vote(session, token=p2.token, common_challenge_id=funding.id, dots=3)

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
    svc.cast_vote(session, token="both", common_challenge_id=target.id, dots=1)
    svc.cast_vote(session, token="both", common_challenge_id=source.id, dots=2)
    svc.cast_vote(session, token="src", common_challenge_id=source.id, dots=3)
    svc.cast_vote(session, token="tgt", common_challenge_id=target.id, dots=1)
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
    votes = session.exec(select(m.Vote).order_by(m.Vote.participant_id)).all()
    assert [(v.participant_id, v.common_challenge_id, v.dots) for v in votes] == [
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
    assert svc.dots_left(session, token="both") == 0


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


# --- votes --------------------------------------------------------------------------


@pytest.fixture
def groups(session, world, ch):
    return (
        create(session, world, [ch.a.id], name="Funding"),
        create(session, world, [ch.b.id], name="Skills"),
        create(session, world, [ch.c.id], name="Pirna funding"),
    )


def test_cast_vote_upserts(session, world, groups):
    funding, _, _ = groups
    p = participant(session, world, "tok", world.arezzo)
    vote = svc.cast_vote(session, token="tok", common_challenge_id=funding.id)
    assert (vote.dots, vote.city_id, vote.participant_id) == (1, world.arezzo.id, p.id)
    again = svc.cast_vote(session, token=" tok ", common_challenge_id=funding.id, dots=3)
    assert again.id == vote.id
    rows = session.exec(select(m.Vote)).all()
    assert [(r.participant_id, r.dots) for r in rows] == [(p.id, 3)]


def test_budget_across_the_sessions_groups(session, world, groups, unchanged):
    funding, skills, pirna = groups
    participant(session, world, "tok")
    svc.cast_vote(session, token="tok", common_challenge_id=funding.id, dots=2)
    svc.cast_vote(session, token="tok", common_challenge_id=skills.id, dots=1)
    assert svc.dots_left(session, token="tok") == 0
    with unchanged(), pytest.raises(InvalidInput, match="You have 0 dots left"):
        svc.cast_vote(session, token="tok", common_challenge_id=pirna.id)
    # Moving dots within the budget is fine: 2 -> 1 on funding frees one.
    svc.cast_vote(session, token="tok", common_challenge_id=funding.id, dots=1)
    with unchanged(), pytest.raises(InvalidInput, match="You have 1 dot left"):
        svc.cast_vote(session, token="tok", common_challenge_id=pirna.id, dots=2)
    svc.cast_vote(session, token="tok", common_challenge_id=pirna.id, dots=1)
    # A larger budget is a parameter.
    svc.cast_vote(session, token="tok", common_challenge_id=pirna.id, dots=4, budget=6)
    assert svc.dots_left(session, token="tok", budget=6) == 0


def test_archived_group_gives_dots_back(session, world, groups):
    funding, skills, _ = groups
    participant(session, world, "tok")
    svc.cast_vote(session, token="tok", common_challenge_id=funding.id, dots=3)
    svc.archive_common_challenge(session, actor=world.facilitator, common_challenge_id=funding.id)
    assert svc.dots_left(session, token="tok") == 3
    svc.cast_vote(session, token="tok", common_challenge_id=skills.id, dots=3)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"dots": 0}, InvalidInput, "at least 1"),
        ({"dots": -2}, InvalidInput, "at least 1"),
        ({"dots": True}, InvalidInput, "whole number"),
        ({"dots": 4}, InvalidInput, "You have 3 dots left"),
        ({"budget": 0}, InvalidInput, "budget"),
        ({"token": "nope"}, NotFound, "not valid"),
        ({"token": None}, InvalidInput, "Say who votes"),
        ({"common_challenge_id": 9999}, NotFound, "common challenge"),
    ],
)
def test_cast_vote_refuses_bad_input(session, world, groups, unchanged, kwargs, error, match):
    participant(session, world, "tok")
    kwargs = {"token": "tok", "common_challenge_id": groups[0].id} | kwargs
    with unchanged(), pytest.raises(error, match=match):
        svc.cast_vote(session, **kwargs)


def test_vote_in_another_session_is_refused(session, world, groups, unchanged):
    participant(session, world, "ws", event_session=world.workshop)
    with unchanged(), pytest.raises(InvalidInput, match="not voted on"):
        svc.cast_vote(session, token="ws", common_challenge_id=groups[0].id)


def test_staff_records_vote_by_participant_id(session, world, groups, unchanged):
    p = participant(session, world, "tok", world.pirna)
    vote = svc.cast_vote(
        session,
        actor=world.facilitator,
        participant_id=p.id,
        common_challenge_id=groups[0].id,
        dots=2,
    )
    assert (vote.participant_id, vote.dots) == (p.id, 2)
    with unchanged(), pytest.raises(PermissionDenied):
        svc.cast_vote(
            session, actor=world.member, participant_id=p.id, common_challenge_id=groups[1].id
        )
    with unchanged(), pytest.raises(PermissionDenied):
        svc.cast_vote(session, participant_id=p.id, common_challenge_id=groups[1].id)
    with unchanged(), pytest.raises(InvalidInput, match="not both"):
        svc.cast_vote(
            session,
            actor=world.facilitator,
            token="tok",
            participant_id=p.id,
            common_challenge_id=groups[1].id,
        )


def test_retract_vote(session, world, groups, unchanged):
    participant(session, world, "tok")
    svc.cast_vote(session, token="tok", common_challenge_id=groups[0].id, dots=3)
    svc.retract_vote(session, token="tok", common_challenge_id=groups[0].id)
    assert session.exec(select(m.Vote)).all() == []
    assert svc.dots_left(session, token="tok") == 3
    with unchanged(), pytest.raises(NotFound, match="no vote"):
        svc.retract_vote(session, token="tok", common_challenge_id=groups[0].id)
    with unchanged(), pytest.raises(NotFound):
        svc.retract_vote(session, token="other", common_challenge_id=groups[0].id)


def test_vote_totals_with_one_vote_per_city(session, world, groups, unchanged):
    funding, skills, pirna = groups
    voters = [
        ("a1", world.arezzo, funding, 2),
        ("a2", world.arezzo, funding, 3),
        ("p1", world.pirna, funding, 1),
        ("n1", None, funding, 1),
        ("a3", world.arezzo, skills, 1),
    ]
    for token, city, group, dots in voters:
        participant(session, world, token, city)
        svc.cast_vote(session, token=token, common_challenge_id=group.id, dots=dots)

    totals = svc.vote_totals(session, actor=world.facilitator, session_id=world.plenary.id)
    assert [(t.name, t.dots, t.voters, t.cities) for t in totals] == [
        ("Funding", 7, 4, 2),
        ("Skills", 1, 1, 1),
        ("Pirna funding", 0, 0, 0),
    ]
    by_network = svc.vote_totals(session, actor=world.member, network_id=world.network.id)
    assert by_network == totals
    assert svc.vote_totals(session, actor=world.facilitator, session_id=world.workshop.id) == []
    with pytest.raises(InvalidInput, match="network or a session"):
        svc.vote_totals(session, actor=world.facilitator)
    assert pirna.id == totals[2].common_challenge_id


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
