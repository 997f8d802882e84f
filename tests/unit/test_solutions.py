"""Solutions, replication, site visits and roles per theme
(peerlearn.services.solutions), on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from peerlearn import models as m
from peerlearn.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peerlearn.services import roadmaps, targets
from peerlearn.services import solutions as svc
from peerlearn.services.store import now


def shuttle(world, **changes) -> m.SolutionCreate:
    values = dict(
        network_id=world.network.id,
        city_id=world.arezzo.id,
        theme_id=world.theme.id,
        title="Autonomous e-shuttle",
        status="Piloting",
        description="Serves the district.",
        site="Confluence",
        latitude=45.736,
        longitude="4.815",
        links="Video | https://example.org/video\nhttps://example.org/report.pdf",
    )
    return m.SolutionCreate(**{**values, **changes})


@pytest.fixture
def solution(session, world):
    return svc.add_solution(session, actor=world.member, data=shuttle(world))


def test_a_solution_with_its_site_links_and_targets(session, world):
    goal = m.Target(
        network_id=world.network.id,
        city_id=world.arezzo.id,
        title="Fewer cars",
        indicator="Car trips",
        baseline_value=40,
        baseline_year=2020,
        target_value=30,
        direction="at most",
        deadline=m.utcnow().date() + timedelta(days=900),
    )
    session.add(goal)
    session.commit()
    added = svc.add_solution(
        session, actor=world.coordinator, data=shuttle(world, target_ids=[goal.id])
    )
    (row,) = svc.list_solutions(session, actor=world.outsider, network_id=world.network.id)
    assert (row.id, row.city, row.theme, row.status, row.site) == (
        added.id,
        "Arezzo",
        "Urban data platforms",
        "piloting",
        "Confluence",
    )
    assert (row.latitude, row.longitude, row.target_ids) == (45.736, 4.815, (goal.id,))
    assert [(link.title, link.url) for link in row.links] == [
        ("Video", "https://example.org/video"),
        ("example.org", "https://example.org/report.pdf"),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"links": "javascript:alert(1)"}, "must be a web address"),
        ({"latitude": 95}, "between -90 and 90"),
        ({"longitude": None}, "the longitude is missing"),
        ({"status": "finished"}, "status must be one of"),
        ({"title": "  "}, "must not be blank"),
    ],
)
def test_what_a_solution_refuses(world, changes, message):
    with pytest.raises(InvalidInput, match=message):
        shuttle(world, **changes)


def test_who_records_solutions(session, world, solution, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        svc.add_solution(session, actor=world.outsider, data=shuttle(world, title="Other"))
    with unchanged(), pytest.raises(PermissionDenied):
        svc.update_solution(
            session,
            actor=world.facilitator,
            solution_id=solution.id,
            data=m.SolutionUpdate(status="in operation"),
        )
    with unchanged(), pytest.raises(Conflict, match="has a solution with this title"):
        svc.add_solution(session, actor=world.coordinator, data=shuttle(world))


def test_an_edit_replaces_links_and_is_guarded_by_its_version(session, world, solution):
    svc.update_solution(
        session,
        actor=world.member,
        solution_id=solution.id,
        data=m.SolutionUpdate(status="in operation", links=[], version=1),
    )
    (row,) = svc.list_solutions(session, actor=world.member, network_id=world.network.id)
    assert (row.status, row.links, row.version) == ("in operation", (), 2)
    with pytest.raises(Conflict, match="Someone else saved this solution"):
        svc.update_solution(
            session,
            actor=world.coordinator,
            solution_id=solution.id,
            data=m.SolutionUpdate(title="Older", version=1),
        )


def test_another_city_studies_it_then_replicates_it(session, world, solution, unchanged):
    study = svc.add_replication(
        session,
        actor=world.outsider,
        data=m.ReplicationCreate(solution_id=solution.id, city_id=world.utrecht.id),
    )
    (pair,) = svc.list_replications(session, actor=world.member, network_id=world.network.id)
    assert (pair.solution, pair.from_city, pair.city, pair.kind, pair.status) == (
        "Autonomous e-shuttle",
        "Arezzo",
        "Utrecht",
        "studies",
        "considering",
    )
    assert svc.newly_replicated(session, actor=world.member, network_id=world.network.id) == []
    svc.update_replication(
        session,
        actor=world.outsider,
        replication_id=study.id,
        data=m.ReplicationUpdate(kind="replicates", status="piloting"),
    )
    (fresh,) = svc.newly_replicated(session, actor=world.member, network_id=world.network.id)
    assert (fresh.city, fresh.kind, fresh.status) == ("Utrecht", "replicates", "piloting")
    later = now() + svc.NEWLY + timedelta(days=1)
    assert (
        svc.newly_replicated(session, actor=world.member, network_id=world.network.id, moment=later)
        == []
    )
    (row,) = svc.list_solutions(session, actor=world.member, network_id=world.network.id)
    assert [r.city for r in row.replications] == ["Utrecht"]
    with unchanged(), pytest.raises(Conflict, match="Utrecht has a record for"):
        svc.add_replication(
            session,
            actor=world.coordinator,
            data=m.ReplicationCreate(solution_id=solution.id, city_id=world.utrecht.id),
        )
    with unchanged(), pytest.raises(InvalidInput, match="Arezzo's own solution"):
        svc.add_replication(
            session,
            actor=world.coordinator,
            data=m.ReplicationCreate(solution_id=solution.id, city_id=world.arezzo.id),
        )
    with unchanged(), pytest.raises(PermissionDenied):
        svc.add_replication(
            session,
            actor=world.member,
            data=m.ReplicationCreate(solution_id=solution.id, city_id=world.pirna.id),
        )
    svc.remove_replication(session, actor=world.outsider, replication_id=study.id)
    assert svc.list_replications(session, actor=world.member, network_id=world.network.id) == []
    again = svc.add_replication(
        session,
        actor=world.outsider,
        data=m.ReplicationCreate(solution_id=solution.id, city_id=world.utrecht.id, kind="adapts"),
    )
    assert again.id == study.id
    (pair,) = svc.list_replications(session, actor=world.member, network_id=world.network.id)
    assert (pair.kind, pair.status) == ("adapts", "considering")


def test_a_site_visit_shows_solutions_and_only_a_site_visit(session, world, solution, unchanged):
    visit = m.EventSession(
        event_id=world.event.id, title="Confluence e-mobility", kind=m.SessionKind.SITE_VISIT
    )
    session.add(visit)
    session.commit()
    svc.set_session_solutions(
        session, actor=world.facilitator, session_id=visit.id, solution_ids=[solution.id]
    )
    shown = svc.session_solutions(session, actor=world.member, session_id=visit.id)
    assert [s.title for s in shown] == ["Autonomous e-shuttle"]
    assert list(svc.event_site_visits(session, actor=world.member, event_id=world.event.id)) == [
        visit.id
    ]
    (row,) = svc.list_solutions(session, actor=world.member, network_id=world.network.id)
    assert row.session_ids == (visit.id,)
    with unchanged(), pytest.raises(InvalidInput, match="only a site visit shows solutions"):
        svc.set_session_solutions(
            session,
            actor=world.facilitator,
            session_id=world.workshop.id,
            solution_ids=[solution.id],
        )
    with unchanged(), pytest.raises(NotFound):
        svc.set_session_solutions(
            session, actor=world.facilitator, session_id=visit.id, solution_ids=[99_999]
        )
    svc.set_session_solutions(
        session, actor=world.facilitator, session_id=visit.id, solution_ids=[]
    )
    assert svc.session_solutions(session, actor=world.member, session_id=visit.id) == []


def test_a_milestone_links_the_solutions_it_replicates(session, world, solution, unchanged):
    milestone = roadmaps.add_milestone(
        session,
        actor=world.outsider,
        tandem_id=world.other_tandem.id,
        data=m.MilestoneCreate(
            title="Pilot the shuttle",
            due_date=world.other_tandem.deadline,
            solution_ids=[solution.id],
        ),
    )
    (row,) = roadmaps.list_milestones(
        session, actor=world.outsider, tandem_id=world.other_tandem.id
    )
    assert (row.id, row.solution_ids) == (milestone.id, (solution.id,))
    with unchanged(), pytest.raises(NotFound, match="No solution with id 99999"):
        roadmaps.update_milestone(
            session,
            actor=world.outsider,
            milestone_id=milestone.id,
            data=m.MilestoneUpdate(solution_ids=[99_999]),
        )


def test_roles_per_theme_beside_the_network_role(session, world, unchanged):
    energy = m.Theme(name="Energy")
    session.add(energy)
    session.commit()
    for theme, role in ((world.theme, "lighthouse"), (energy, "follower")):
        svc.set_theme_role(
            session,
            actor=world.coordinator,
            data=m.ThemeRoleSet(
                network_id=world.network.id, city_id=world.arezzo.id, theme_id=theme.id, role=role
            ),
        )
    roles = svc.list_theme_roles(session, actor=world.member, network_id=world.network.id)
    assert [(r.city, r.theme, r.role) for r in roles] == [
        ("Arezzo", "Energy", "follower"),
        ("Arezzo", "Urban data platforms", "lighthouse"),
    ]
    svc.set_theme_role(
        session,
        actor=world.coordinator,
        data=m.ThemeRoleSet(
            network_id=world.network.id, city_id=world.arezzo.id, theme_id=energy.id, role=""
        ),
    )
    assert len(svc.list_theme_roles(session, actor=world.member, network_id=world.network.id)) == 1
    with unchanged(), pytest.raises(PermissionDenied):
        svc.set_theme_role(
            session,
            actor=world.member,
            data=m.ThemeRoleSet(
                network_id=world.network.id,
                city_id=world.arezzo.id,
                theme_id=energy.id,
                role="fellow",
            ),
        )


def _statements(engine, call) -> int:
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_reading_the_carrier_costs_the_same_statements_for_one_or_many(engine, session, world):
    def listing() -> int:
        return _statements(
            engine,
            lambda: (
                svc.list_solutions(session, actor=world.member, network_id=world.network.id),
                targets.list_targets(session, actor=world.member, network_id=world.network.id),
            ),
        )

    svc.add_solution(session, actor=world.member, data=shuttle(world))
    one = listing()
    for n in range(5):
        added = svc.add_solution(session, actor=world.member, data=shuttle(world, title=f"S{n}"))
        svc.add_replication(
            session,
            actor=world.coordinator,
            data=m.ReplicationCreate(solution_id=added.id, city_id=world.pirna.id),
        )
    assert listing() == one
