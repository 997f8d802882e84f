"""The tandem-wide status history and the editor's row conversion."""

from datetime import date

import pandas as pd
import pytest

from peerlearn.errors import PermissionDenied
from peerlearn.models import MilestoneCreate, MilestoneUpdate
from peerlearn.services import roadmaps
from peerlearn.services.roadmap_views import tandem_history
from peerlearn.ui.roadmap_forms import editor_rows


def test_the_history_lists_every_status_change_newest_first(session, world):
    milestone = roadmaps.add_milestone(
        session,
        actor=world.member,
        tandem_id=world.tandem.id,
        data=MilestoneCreate(title="Workshop", due_date=date(2024, 5, 1)),
    )
    roadmaps.update_milestone(
        session,
        actor=world.member,
        milestone_id=milestone.id,
        data=MilestoneUpdate(status="in progress"),
    )
    roadmaps.update_milestone(
        session,
        actor=world.coordinator,
        milestone_id=milestone.id,
        data=MilestoneUpdate(status="done"),
    )
    history = tandem_history(session, actor=world.member, tandem_id=world.tandem.id)
    assert [(h.old_status, h.new_status) for h in history][:2] == [
        ("in progress", "done"),
        ("planned", "in progress"),
    ]
    assert history[0].changed_by == world.coordinator.name


def test_another_tandems_history_is_refused(session, world):
    with pytest.raises(PermissionDenied):
        tandem_history(session, actor=world.outsider, tandem_id=world.tandem.id)


def test_editor_rows_turn_owner_names_into_ids_and_keep_new_rows_without_id():
    edited = pd.DataFrame(
        {
            "id": [5, None],
            "RAG": ["", ""],
            "title": ["Old", "New"],
            "due_date": [date(2024, 1, 1), pd.Timestamp(2024, 2, 1)],
            "status": ["done", "planned"],
            "owner": ["Arezzo", None],
            "partner_contribution": ["", ""],
            "description": ["", ""],
        }
    )
    rows = editor_rows(edited, {1: "Arezzo"})
    assert rows[0]["id"] == 5 and rows[0]["owner_city_id"] == 1
    assert "id" not in rows[1] and rows[1]["owner_city_id"] is None
    assert rows[1]["due_date"] == date(2024, 2, 1)


def test_the_history_names_an_account_without_a_name_by_its_email(session, world):
    world.coordinator.name = ""
    session.add(world.coordinator)
    session.commit()
    milestone = roadmaps.add_milestone(
        session,
        actor=world.coordinator,
        tandem_id=world.tandem.id,
        data=MilestoneCreate(title="Workshop", due_date=date(2024, 5, 1)),
    )
    roadmaps.update_milestone(
        session,
        actor=world.coordinator,
        milestone_id=milestone.id,
        data=MilestoneUpdate(status="done"),
    )
    history = tandem_history(session, actor=world.member, tandem_id=world.tandem.id)
    assert history[0].changed_by == world.coordinator.email
