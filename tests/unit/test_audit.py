"""The audit trail: what signed-in people change is recorded (who, when, what, before →
after), coordinators browse and filter it, it is in the backup, and an archived item
comes back from it. On both databases."""

from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta

import pytest
from sqlmodel import SQLModel, select

from peerlearn import audit
from peerlearn import models as m
from peerlearn.backup import backup
from peerlearn.errors import InvalidInput, PermissionDenied
from peerlearn.live import votes
from peerlearn.services import audit_trail, challenges, roadmaps, tandems, users
from tests.unit.live_fixtures import join


def _stored(session) -> list[m.AuditEntry]:
    session.expire_all()
    return list(session.exec(select(m.AuditEntry).order_by(m.AuditEntry.id)))


def _rename(session, world, name: str) -> None:
    tandems.update_tandem(
        session, actor=world.coordinator, tandem_id=world.tandem.id, data=m.TandemUpdate(name=name)
    )


def test_a_change_records_who_when_what_and_before_and_after(session, world):
    audit.record_as(session, world.coordinator.id)
    _rename(session, world, "Arezzo and Arnsberg")
    (entry,) = _stored(session)
    assert (entry.user_id, entry.table_name, entry.row_key, entry.action) == (
        world.coordinator.id,
        "tandem",
        str(world.tandem.id),
        "changed",
    )
    assert json.loads(entry.changes) == {"name": ["Arezzo–Arnsberg", "Arezzo and Arnsberg"]}
    assert entry.at is not None


def test_an_added_row_records_what_it_holds(session, world):
    audit.record_as(session, world.member.id)
    row = challenges.add_challenge(
        session,
        actor=world.member,
        data=m.ChallengeCreate(tandem_id=world.tandem.id, text='=HYPERLINK("x") **bold**'),
    )
    added = [e for e in _stored(session) if e.table_name == "challenge"]
    assert [(e.action, e.row_key) for e in added] == [("added", str(row.id))]
    assert json.loads(added[0].changes)["text"] == [None, '=HYPERLINK("x") **bold**']


def test_a_password_is_recorded_as_changed_never_by_value(session, world):
    audit.record_as(session, world.coordinator.id)
    users.reset_password(
        session,
        actor=world.coordinator,
        user_id=world.member.id,
        new_password="a long new password 1",
    )
    entries = [e for e in _stored(session) if e.table_name == "user"]
    assert entries, _stored(session)
    changes = json.loads(entries[-1].changes)
    assert changes["password_hash"][1] == "(secret)"
    assert "argon2" not in entries[-1].changes


def test_nothing_is_recorded_without_a_signed_in_person(session, world, code, groups):
    _rename(session, world, "By the command line")
    phone = join(session, code, world.arezzo)
    votes.add_dots(session, token=phone.token, common_challenge_id=groups[0].id, by=1)
    audit.record_as(session, world.facilitator.id)
    votes.add_dots(session, token=phone.token, common_challenge_id=groups[0].id, by=1)
    assert _stored(session) == []


def test_coordinators_browse_and_filter_the_trail(session, world):
    audit.record_as(session, world.coordinator.id)
    _rename(session, world, "Renamed by the coordinator")
    audit.record_as(session, world.member.id)
    challenges.add_challenge(
        session,
        actor=world.member,
        data=m.ChallengeCreate(tandem_id=world.tandem.id, text="Skills for open data"),
    )
    every = audit_trail.entries(session, actor=world.coordinator)
    assert [e.what for e in every] == ["challenge", "tandem"]  # newest first
    assert every[1].who in (world.coordinator.name, world.coordinator.email)
    assert "Renamed by the coordinator" in every[1].summary()
    by_member = audit_trail.entries(session, actor=world.coordinator, user_id=world.member.id)
    assert [e.what for e in by_member] == ["challenge"]
    tandem_only = audit_trail.entries(session, actor=world.coordinator, tables=["tandem"])
    assert [e.what for e in tandem_only] == ["tandem"]
    added = audit_trail.entries(session, actor=world.coordinator, actions=["added"])
    assert [e.what for e in added] == ["challenge"]
    found = audit_trail.entries(session, actor=world.coordinator, search="open DATA")
    assert [e.what for e in found] == ["challenge"]
    today = date.today()
    assert len(audit_trail.entries(session, actor=world.coordinator, since=today)) == 2
    before = today - timedelta(days=2)
    assert audit_trail.entries(session, actor=world.coordinator, until=before) == []


@pytest.mark.parametrize("who", ["facilitator", "member"])
def test_only_coordinators_read_the_trail(session, world, who):
    with pytest.raises(PermissionDenied):
        audit_trail.entries(session, actor=getattr(world, who))


def test_an_archived_challenge_and_milestone_come_back_from_the_trail(session, world):
    audit.record_as(session, world.member.id)
    challenge = challenges.add_challenge(
        session,
        actor=world.member,
        data=m.ChallengeCreate(tandem_id=world.tandem.id, text="Funding the first pilots"),
    )
    milestone = roadmaps.add_milestone(
        session,
        actor=world.member,
        tandem_id=world.tandem.id,
        data=m.MilestoneCreate(title="Pilot tendered", due_date=date(2024, 6, 30)),
    )
    challenges.archive_challenge(session, actor=world.member, challenge_id=challenge.id)
    roadmaps.archive_milestone(session, actor=world.member, milestone_id=milestone.id)
    archived = audit_trail.entries(session, actor=world.coordinator, actions=["archived"])
    assert {e.what for e in archived} == {"challenge", "milestone"}
    assert all(e.restorable for e in archived)
    audit.record_as(session, world.coordinator.id)
    for entry in archived:
        audit_trail.restore_archived(session, actor=world.coordinator, entry_id=entry.id)
    session.expire_all()
    assert session.get(m.Challenge, challenge.id).archived_at is None
    assert session.get(m.Milestone, milestone.id).archived_at is None
    restored = audit_trail.entries(session, actor=world.coordinator, actions=["restored"])
    assert {e.what for e in restored} == {"challenge", "milestone"}
    # Restored already, or not an archiving at all: refused, nothing changes.
    with pytest.raises(InvalidInput):
        audit_trail.restore_archived(session, actor=world.coordinator, entry_id=archived[0].id)
    with pytest.raises(InvalidInput):
        audit_trail.restore_archived(session, actor=world.coordinator, entry_id=restored[0].id)


def test_the_trail_is_in_the_backup(engine, session, world, tmp_path):
    audit.record_as(session, world.coordinator.id)
    _rename(session, world, "Kept in the backup")
    path = tmp_path / "backup.zip"
    backup(engine, path)
    with zipfile.ZipFile(path) as archive:
        lines = archive.read("tables/audit_entry.jsonl").decode().splitlines()
    assert any("Kept in the backup" in line for line in lines)


def test_every_recorded_table_has_a_name_on_the_screen():
    recorded = {t.name for t in SQLModel.metadata.sorted_tables} - audit.UNRECORDED
    assert recorded - set(audit_trail.LABELS) == set()
