"""The network at a glance, the deadlines table and the map's data and chart."""

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn import rules
from peerlearn.analytics import network as glance_data
from peerlearn.analytics import report
from peerlearn.demo import load_demo
from peerlearn.errors import PermissionDenied
from peerlearn.models import ChallengeCreate, CommonChallengeCreate, MilestoneCreate
from peerlearn.services import challenges, common_challenges, roadmaps, tandems

TODAY = date(2024, 6, 1)


@pytest.fixture
def planned(session, world):
    add = dict(actor=world.coordinator, tandem_id=world.tandem.id)
    for title, due, status in (
        ("Done", TODAY, "done"),
        ("Late", TODAY - timedelta(days=3), "planned"),
        ("Soon", TODAY + timedelta(days=10), "planned"),
        ("Later", TODAY + timedelta(days=90), "planned"),
    ):
        data = MilestoneCreate(title=title, due_date=due, status=status)
        roadmaps.add_milestone(session, data=data, **add)


def test_the_glance_counts_milestones_by_state(session, world, planned):
    facts = glance_data.glance(
        session, actor=world.coordinator, network_id=world.network.id, today=TODAY
    )
    assert (facts.milestones, facts.done, facts.red, facts.amber) == (4, 1, 1, 1)
    assert facts.cities == 4 and facts.tandems == 2


def test_deadlines_give_days_left_progress_and_status(session, world, planned):
    table = glance_data.deadlines(
        session, actor=world.coordinator, network_id=world.network.id, today=TODAY
    )
    row = table[table["tandem"] == world.tandem.name].iloc[0]
    assert row["progress"] == 25.0
    assert row["status"] == "red"  # one milestone is overdue
    if world.tandem.deadline:
        assert row["days left"] == (world.tandem.deadline - TODAY).days


def test_the_map_data_links_tandem_partners(session, world):
    cities, links, unplaced = glance_data.map_data(
        session, actor=world.coordinator, network_id=world.network.id
    )
    assert set(cities["name"]) == {"Arezzo", "Arnsberg", "Utrecht", "Pirna"}
    assert unplaced == 0
    assert world.tandem.name in set(links["tandem"])


def test_a_city_without_coordinates_is_counted_not_drawn(session, world):
    world.pirna.latitude = None
    session.add(world.pirna)
    session.commit()
    cities, _, unplaced = glance_data.map_data(
        session, actor=world.coordinator, network_id=world.network.id
    )
    assert "Pirna" not in set(cities["name"]) and unplaced == 1


def test_the_glance_needs_a_signed_in_user(session, world):
    with pytest.raises(PermissionDenied):
        glance_data.glance(session, actor=None, network_id=world.network.id, today=TODAY)


def test_a_tandem_member_sees_only_their_own_tandems_deadlines(session, world, planned):
    table = glance_data.deadlines(
        session, actor=world.member, network_id=world.network.id, today=TODAY
    )
    assert list(table["tandem"]) == [world.tandem.name]


def test_the_most_common_challenges_are_ranked_by_grouped_challenges(session, world):
    def add(tandem, text):
        return challenges.add_challenge(
            session, actor=world.coordinator, data=ChallengeCreate(tandem_id=tandem.id, text=text)
        ).id

    funding = [add(world.tandem, "No budget"), add(world.other_tandem, "Grants are slow")]
    skills = [add(world.tandem, "No data scientists")]
    for name, ids in (("Skills", skills), ("Funding", funding)):
        data = CommonChallengeCreate(network_id=world.network.id, name=name, challenge_ids=ids)
        common_challenges.create_common_challenge(session, actor=world.coordinator, data=data)
    table = glance_data.top_common_challenges(
        session, actor=world.coordinator, network_id=world.network.id
    )
    assert list(table.columns) == ["common challenge", "challenges", "tandems", "dots"]
    assert table.values.tolist() == [["Funding", 2, 2, 0], ["Skills", 1, 1, 0]]
    facts = glance_data.glance(
        session, actor=world.coordinator, network_id=world.network.id, today=TODAY
    )
    assert facts.challenges == 3 and facts.events == 1


# --- Home's counts agree with the Roadmaps screen's colours ---------------------------------


def roadmap_colours(session, actor, network_id, today) -> Counter:
    """The colours as the Roadmaps screen shows them: tandem by tandem, against the
    tandem's own deadline."""
    colours = Counter()
    for listing in tandems.list_tandems(session, actor=actor, network_id=network_id):
        tandem = listing.tandem
        for milestone in roadmaps.list_milestones(session, actor=actor, tandem_id=tandem.id):
            colours[rules.rag_status(milestone, tandem.deadline, today)] += 1
    return colours


def assert_home_agrees(session, actor, network_id, today) -> Counter:
    facts = glance_data.glance(session, actor=actor, network_id=network_id, today=today)
    colours = roadmap_colours(session, actor, network_id, today)
    assert (facts.red, facts.amber) == (colours[rules.Rag.RED], colours[rules.Rag.AMBER])
    assert facts.milestones == sum(colours.values())
    # The Excel summary's Roadmaps sheet counts the same colours.
    scope = report.resolve_scope(session, actor=actor, network_id=network_id)
    _, sheet = report.tandem_rows(session, actor, scope, today)
    assert Counter(sheet["RAG"]) == {str(rag): n for rag, n in colours.items()}
    return colours


def test_a_milestone_due_after_its_tandems_deadline_is_red_on_home_too(session, world):
    deadline = world.tandem.deadline
    today = deadline - timedelta(days=10)
    add = dict(actor=world.coordinator, tandem_id=world.tandem.id)
    late = MilestoneCreate(title="Too late", due_date=deadline + timedelta(days=5))
    roadmaps.add_milestone(session, data=late, **add)
    roadmaps.add_milestone(session, data=MilestoneCreate(title="In time", due_date=deadline), **add)
    facts = glance_data.glance(
        session, actor=world.coordinator, network_id=world.network.id, today=today
    )
    # Not overdue yet, but after the deadline: red, as on the Roadmaps screen.
    assert (facts.red, facts.amber) == (1, 1)
    assert_home_agrees(session, world.coordinator, world.network.id, today)


@pytest.mark.parametrize("today", [date(2024, 6, 1), date(2024, 12, 15), date(2026, 1, 1)])
def test_home_and_roadmaps_agree_on_the_demo(session, coordinator, today):
    load_demo(session)
    colours = Counter()
    for network in session.exec(select(m.Network)):
        colours += assert_home_agrees(session, coordinator, network.id, today)
    assert colours  # the demo has milestones to compare
