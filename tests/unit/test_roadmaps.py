import re
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn import rules
from peerlearn.errors import InvalidInput, NotFound, PermissionDenied
from peerlearn.models import MilestoneStatus as S
from peerlearn.services import roadmaps as svc

DUE = date(2024, 6, 30)


def add(session, world, actor=None, tandem_id=None, **kwargs):
    kwargs.setdefault("title", "Open data portal pilot")
    kwargs.setdefault("due_date", DUE)
    return svc.add_milestone(
        session,
        actor=actor or world.member,
        tandem_id=tandem_id or world.tandem.id,
        data=m.MilestoneCreate(**kwargs),
    )


def update(session, *, actor, milestone_id, **fields):
    data = m.MilestoneUpdate(**fields)
    return svc.update_milestone(session, actor=actor, milestone_id=milestone_id, data=data)


def history(session, milestone_id):
    rows = session.exec(
        select(m.MilestoneStatusChange)
        .where(m.MilestoneStatusChange.milestone_id == milestone_id)
        .order_by(m.MilestoneStatusChange.id)
    ).all()
    return [(r.old_status, r.new_status, r.changed_by_id) for r in rows]


@pytest.fixture
def links(session, world):
    """A challenge of each tandem and a common challenge of the network."""
    mine = m.Challenge(tandem_id=world.tandem.id, text="Funding")
    theirs = m.Challenge(tandem_id=world.other_tandem.id, text="Skills")
    group = m.CommonChallenge(network_id=world.network.id, name="Funding")
    session.add_all([mine, theirs, group])
    session.commit()
    return SimpleNamespace(mine=mine, theirs=theirs, group=group)


# --- roadmap ------------------------------------------------------------------------


def test_get_or_create_roadmap(session, world):
    roadmap = svc.get_or_create_roadmap(session, actor=world.member, tandem_id=world.tandem.id)
    assert roadmap.title == "Roadmap Arezzo–Arnsberg"
    again = svc.get_or_create_roadmap(
        session, actor=world.coordinator, tandem_id=world.tandem.id, title="Other"
    )
    assert again.id == roadmap.id and again.title == "Roadmap Arezzo–Arnsberg"
    titled = svc.get_or_create_roadmap(
        session, actor=world.coordinator, tandem_id=world.other_tandem.id, title=" Plan 2024 "
    )
    assert titled.title == "Plan 2024"
    assert len(session.exec(select(m.Roadmap)).all()) == 2


def test_facilitators_read_roadmaps_but_do_not_write_them(session, world, unchanged):
    milestone = add(session, world)
    tandem = {"tandem_id": world.tandem.id}
    writes = [
        lambda: svc.get_or_create_roadmap(session, actor=world.facilitator, **tandem),
        lambda: add(session, world, actor=world.facilitator),
        lambda: svc.update_milestone(
            session,
            actor=world.facilitator,
            milestone_id=milestone.id,
            data=m.MilestoneUpdate(status="done"),
        ),
        lambda: svc.archive_milestone(session, actor=world.facilitator, milestone_id=milestone.id),
        lambda: svc.bulk_update_milestones(
            session,
            actor=world.facilitator,
            rows=[{"id": milestone.id, "status": "done"}],
            **tandem,
        ),
    ]
    for write in writes:
        with unchanged(), pytest.raises(PermissionDenied, match="Facilitators read roadmaps"):
            write()
    assert session.get(m.Milestone, milestone.id).status == "planned"
    rows = svc.list_milestones(session, actor=world.facilitator, **tandem)
    assert [r.id for r in rows] == [milestone.id]


def test_get_or_create_roadmap_refusals(session, world, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        svc.get_or_create_roadmap(session, actor=world.outsider, tandem_id=world.tandem.id)
    with unchanged(), pytest.raises(NotFound):
        svc.get_or_create_roadmap(session, actor=world.coordinator, tandem_id=9999)
    with unchanged(), pytest.raises(InvalidInput, match="at most 200"):
        svc.get_or_create_roadmap(
            session, actor=world.coordinator, tandem_id=world.tandem.id, title="t" * 201
        )


# --- add ----------------------------------------------------------------------------


def test_add_milestone_creates_roadmap_links_and_history(session, world, links):
    milestone = add(
        session,
        world,
        title="  Pilot  ",
        owner_city_id=world.arezzo.id,
        description="Sensors",
        partner_contribution="Arnsberg shares its tender",
        status="In Progress",
        challenge_ids=[links.mine.id, links.mine.id],
        common_challenge_ids=[links.group.id],
    )
    stored = session.get(m.Milestone, milestone.id)
    assert (stored.title, stored.owner_city_id, stored.status, stored.due_date) == (
        "Pilot",
        world.arezzo.id,
        S.IN_PROGRESS,
        DUE,
    )
    assert stored.partner_contribution == "Arnsberg shares its tender"
    roadmap = session.get(m.Roadmap, stored.roadmap_id)
    assert roadmap.tandem_id == world.tandem.id
    assert session.exec(select(m.MilestoneChallenge.challenge_id)).all() == [links.mine.id]
    assert session.exec(select(m.MilestoneCommonChallenge.common_challenge_id)).all() == [
        links.group.id
    ]
    assert history(session, milestone.id) == [(None, "in progress", world.member.id)]
    second = add(session, world, actor=world.coordinator)
    assert second.roadmap_id == roadmap.id
    assert second.position == stored.position + 1


def test_add_milestone_accepts_a_datetime_as_its_day(session, world):
    milestone = add(session, world, due_date=datetime(2024, 5, 1, 0, 0))
    assert session.get(m.Milestone, milestone.id).due_date == date(2024, 5, 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"title": ""}, InvalidInput, "title must not be blank"),
        ({"title": "t" * 201}, InvalidInput, "at most 200"),
        ({"description": "d" * 2001}, InvalidInput, "at most 2000"),
        ({"partner_contribution": "p" * 2001}, InvalidInput, "at most 2000"),
        ({"due_date": None}, InvalidInput, "due date must not be blank"),
        ({"due_date": "2024-06-30"}, InvalidInput, "must be a date"),
        ({"status": "finished"}, InvalidInput, "planned, in progress, done, blocked"),
        ({"owner_city_id": 9999}, NotFound, "No city"),
        ({"challenge_ids": [9999]}, NotFound, "No challenge"),
        ({"challenge_ids": 5}, InvalidInput, "list of ids"),
        ({"common_challenge_ids": [9999]}, NotFound, "No common challenge"),
        ({"tandem_id": 9999}, NotFound, "No tandem"),
    ],
)
def test_add_milestone_refuses_bad_input(session, world, unchanged, kwargs, error, match):
    with unchanged(), pytest.raises(error, match=match):
        add(session, world, **kwargs)


def test_add_milestone_refuses_foreign_links_and_owner(session, world, links, unchanged):
    with unchanged(), pytest.raises(InvalidInput, match="Pirna is not a city of the tandem"):
        add(session, world, owner_city_id=world.pirna.id)
    with unchanged(), pytest.raises(InvalidInput, match="does not belong to the tandem"):
        add(session, world, challenge_ids=[links.mine.id, links.theirs.id])
    links.mine.archived_at = m.utcnow()
    session.commit()
    with unchanged(), pytest.raises(InvalidInput, match="archived"):
        add(session, world, challenge_ids=[links.mine.id])
    other = m.Network(name="mySMARTLife")
    session.add(other)
    session.flush()
    far = m.CommonChallenge(network_id=other.id, name="Far")
    session.add(far)
    session.commit()
    with unchanged(), pytest.raises(InvalidInput, match="network"):
        add(session, world, common_challenge_ids=[far.id])


def test_add_milestone_wrong_actor(session, world, unchanged):
    with unchanged(), pytest.raises(PermissionDenied, match="not a member"):
        add(session, world, actor=world.outsider)
    assert add(session, world, actor=world.outsider, tandem_id=world.other_tandem.id).id


# --- update -------------------------------------------------------------------------


def test_update_records_status_changes_only(session, world, links):
    milestone = add(session, world)
    update(session, actor=world.member, milestone_id=milestone.id, title="Renamed")
    assert history(session, milestone.id) == [(None, "planned", world.member.id)]
    update(session, actor=world.coordinator, milestone_id=milestone.id, status="done")
    update(session, actor=world.member, milestone_id=milestone.id, status="done")
    update(session, actor=world.member, milestone_id=milestone.id, status="blocked")
    assert history(session, milestone.id) == [
        (None, "planned", world.member.id),
        ("planned", "done", world.coordinator.id),
        ("done", "blocked", world.member.id),
    ]
    stored = session.get(m.Milestone, milestone.id)
    assert (stored.title, stored.status) == ("Renamed", "blocked")


def test_update_replaces_links(session, world, links):
    second = m.Challenge(tandem_id=world.tandem.id, text="Staff")
    session.add(second)
    session.commit()
    milestone = add(session, world, challenge_ids=[links.mine.id])
    update(
        session,
        actor=world.member,
        milestone_id=milestone.id,
        challenge_ids=[second.id],
        common_challenge_ids=[links.group.id],
    )
    (row,) = svc.list_milestones(session, actor=world.member, tandem_id=world.tandem.id)
    assert row.challenge_ids == (second.id,)
    assert row.common_challenge_ids == (links.group.id,)
    # A link to a challenge archived since may be kept.
    second.archived_at = m.utcnow()
    session.commit()
    update(session, actor=world.member, milestone_id=milestone.id, challenge_ids=[second.id])
    update(session, actor=world.member, milestone_id=milestone.id, challenge_ids=[])
    (row,) = svc.list_milestones(session, actor=world.member, tandem_id=world.tandem.id)
    assert row.challenge_ids == ()


def test_update_refusals_change_nothing(session, world, unchanged):
    milestone = add(session, world, owner_city_id=world.arezzo.id)
    cases = [
        (world.member, {"status": "nearly"}, InvalidInput),
        (world.member, {"due_date": "tomorrow"}, InvalidInput),
        (world.member, {"owner_city_id": world.utrecht.id}, InvalidInput),
        (world.member, {"title": "   "}, InvalidInput),
        (world.member, {"roadmap_id": 5}, InvalidInput),
        (world.outsider, {"status": "done"}, PermissionDenied),
    ]
    for actor, fields, error in cases:
        with unchanged(), pytest.raises(error):
            update(session, actor=actor, milestone_id=milestone.id, **fields)
        session.expire_all()
        stored = session.get(m.Milestone, milestone.id)
        assert (stored.status, stored.due_date, stored.owner_city_id, stored.title) == (
            "planned",
            DUE,
            world.arezzo.id,
            "Open data portal pilot",
        )
    with unchanged(), pytest.raises(NotFound):
        update(session, actor=world.member, milestone_id=9999, title="x")


def test_archive_milestone(session, world, unchanged):
    milestone = add(session, world)
    with unchanged(), pytest.raises(PermissionDenied):
        svc.archive_milestone(session, actor=world.outsider, milestone_id=milestone.id)
    svc.archive_milestone(session, actor=world.member, milestone_id=milestone.id)
    assert session.get(m.Milestone, milestone.id).archived_at is not None
    assert svc.list_milestones(session, actor=world.member) == []
    assert len(svc.list_milestones(session, actor=world.member, include_archived=True)) == 1
    with unchanged(), pytest.raises(InvalidInput, match="already archived"):
        svc.archive_milestone(session, actor=world.member, milestone_id=milestone.id)
    with unchanged(), pytest.raises(InvalidInput, match="archived"):
        update(session, actor=world.member, milestone_id=milestone.id, title="x")


# --- bulk ---------------------------------------------------------------------------


def test_bulk_updates_and_adds(session, world):
    first = add(session, world, title="First")
    second = add(session, world, title="Second")
    written = svc.bulk_update_milestones(
        session,
        actor=world.member,
        tandem_id=world.tandem.id,
        rows=[
            {"id": first.id, "status": "done"},
            {"id": second.id, "title": "Second, renamed", "owner_city_id": world.arnsberg.id},
            {"title": "Third", "due_date": date(2024, 9, 1), "status": "in progress"},
        ],
    )
    assert [w.title for w in written] == ["First", "Second, renamed", "Third"]
    session.expire_all()
    assert session.get(m.Milestone, first.id).status == "done"
    assert session.get(m.Milestone, second.id).owner_city_id == world.arnsberg.id
    third = written[2]
    assert third.position == 2
    assert history(session, first.id)[-1] == ("planned", "done", world.member.id)
    assert history(session, second.id) == [(None, "planned", world.member.id)]
    assert history(session, third.id) == [(None, "in progress", world.member.id)]


def test_bulk_names_every_bad_row_and_writes_nothing(session, world, unchanged):
    first = add(session, world, title="First")
    second = add(session, world, title="Second")
    outsider_ms = add(session, world, actor=world.outsider, tandem_id=world.other_tandem.id)
    rows = [
        {"id": first.id, "status": "done"},
        {"id": second.id, "due_date": "soon"},
        {"title": "No date"},
        {"id": outsider_ms.id, "title": "Not ours"},
        {"title": "Bad owner", "due_date": DUE, "owner_city_id": world.pirna.id},
        {"title": "Typo", "due_date": DUE, "sttaus": "done"},
    ]
    with unchanged(), pytest.raises(InvalidInput) as raised:
        svc.bulk_update_milestones(
            session, actor=world.member, tandem_id=world.tandem.id, rows=rows
        )
    message = str(raised.value)
    assert message.startswith("Nothing was saved.")
    # a stored milestone is named by its title (an editor shows no row numbers)
    assert "'First'" not in message
    assert "The row of 'Second', column 'due_date': The due date must be a date" in message
    assert "New row 3, column 'due_date': A new milestone needs a due date." in message
    assert f"Row 4, column 'id': No milestone #{outsider_ms.id}" in message
    assert "New row 5, column 'owner_city_id': Pirna is not a city" in message
    assert "New row 6, column 'sttaus'" in message
    session.expire_all()
    assert session.get(m.Milestone, first.id).status == "planned"

    duplicate = [{"id": first.id, "title": "A"}, {"id": first.id, "title": "B"}]
    with unchanged(), pytest.raises(InvalidInput, match="The row of 'First', column 'id'.*twice"):
        svc.bulk_update_milestones(
            session, actor=world.member, tandem_id=world.tandem.id, rows=duplicate
        )


def test_bulk_wrong_actor(session, world, unchanged):
    first = add(session, world)
    with unchanged(), pytest.raises(PermissionDenied):
        svc.bulk_update_milestones(
            session,
            actor=world.outsider,
            tandem_id=world.tandem.id,
            rows=[{"id": first.id, "status": "done"}],
        )


# --- listing and history ------------------------------------------------------------


def test_list_milestones_joins_and_scopes(session, world):
    late = add(
        session, world, title="Late", due_date=date(2024, 9, 1), owner_city_id=world.arezzo.id
    )
    early = add(session, world, title="Early", due_date=date(2024, 3, 1))
    theirs = add(session, world, actor=world.coordinator, tandem_id=world.other_tandem.id)

    rows = svc.list_milestones(session, actor=world.coordinator, network_id=world.network.id)
    assert [r.id for r in rows] == [early.id, late.id, theirs.id]
    late_row = rows[1]
    assert (late_row.owner_city_name, late_row.tandem_name, late_row.tandem_deadline) == (
        "Arezzo",
        "Arezzo–Arnsberg",
        date(2024, 12, 31),
    )
    assert rows[0].owner_city_name is None
    assert rules.rag_status(late_row, late_row.tandem_deadline, date(2024, 8, 15)) == "amber"
    mine = svc.list_milestones(session, actor=world.member)
    assert [r.id for r in mine] == [early.id, late.id]
    with pytest.raises(PermissionDenied):
        svc.list_milestones(session, actor=world.member, tandem_id=world.other_tandem.id)
    assert svc.list_milestones(session, actor=world.coordinator, network_id=9999) == []


def test_bulk_with_no_rows_writes_nothing(session, world, unchanged):
    with unchanged():
        assert (
            svc.bulk_update_milestones(
                session, actor=world.member, tandem_id=world.tandem.id, rows=[]
            )
            == []
        )


def test_list_milestones_query_count_does_not_grow(session, world, engine, links):
    from sqlalchemy import event

    def statements_for_listing():
        seen = []
        listener = lambda *_args: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            rows = svc.list_milestones(session, actor=world.coordinator)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(rows), len(seen)

    add(session, world, challenge_ids=[links.mine.id])
    one = statements_for_listing()
    for title in ("b", "c", "d"):
        add(session, world, title=title, common_challenge_ids=[links.group.id])
    four = statements_for_listing()
    assert (one[0], four[0]) == (1, 4)
    assert one[1] == four[1] == 4  # the milestones, then one query per kind of link


def test_bulk_names_columns_by_the_tables_headers(session, world, unchanged):
    first = add(session, world, title="First")
    with unchanged(), pytest.raises(InvalidInput) as raised:
        svc.bulk_update_milestones(
            session,
            actor=world.member,
            tandem_id=world.tandem.id,
            rows=[{"id": first.id, "due_date": None}],
            column_labels={"due_date": "Due"},
        )
    assert "The row of 'First', column 'Due': The due date must not be blank." in str(raised.value)


def test_milestone_history_is_written_in_one_place():
    package = Path(svc.__file__).parents[1]
    writers = sorted(
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if re.search(r"(?<!class )MilestoneStatusChange\(", path.read_text(encoding="utf-8"))
    )
    assert writers == ["services/roadmaps.py"]


def test_import_milestones_is_the_import_door(session, world, unchanged):
    """Adds go at the end of the roadmap, updates record their status change, and the
    trusted command line (system) puts no person in the history, dated as asked."""
    first = add(session, world, title="First")
    at = datetime(2024, 1, 2, 12, 0, tzinfo=UTC)
    written = svc.import_milestones(
        session,
        actor=None,
        system=True,
        adds=[(world.tandem.id, m.MilestoneCreate(title="Imported", due_date=DUE, status="done"))],
        updates=[(first.id, m.MilestoneUpdate(status="blocked"))],
        at=at,
    )
    session.commit()
    imported = written[0]
    assert (imported.title, imported.position) == ("Imported", first.position + 1)
    assert history(session, imported.id) == [(None, "done", None)]
    assert history(session, first.id)[-1] == ("planned", "blocked", None)
    stamps = session.exec(
        select(m.MilestoneStatusChange.changed_at).where(
            m.MilestoneStatusChange.milestone_id == imported.id
        )
    ).all()
    assert [s if s.tzinfo else s.replace(tzinfo=UTC) for s in stamps] == [at]

    data = m.MilestoneCreate(title="Theirs", due_date=DUE)
    with unchanged(), pytest.raises(PermissionDenied):
        svc.import_milestones(session, actor=world.outsider, adds=[(world.tandem.id, data)])
    foreign_owner = m.MilestoneCreate(title="X", due_date=DUE, owner_city_id=world.pirna.id)
    with unchanged(), pytest.raises(InvalidInput, match="Pirna is not a city"):
        svc.import_milestones(session, actor=world.member, adds=[(world.tandem.id, foreign_owner)])
