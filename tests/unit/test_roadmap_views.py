"""The tandem-wide status history, the Gantt chart and the editor's row conversion."""

from datetime import date

import pandas as pd
import pytest

from peerlearn.charts.roadmaps import gantt, timeline_frame
from peerlearn.errors import PermissionDenied
from peerlearn.services import roadmaps
from peerlearn.services.roadmap_views import tandem_history
from peerlearn.ui.roadmap_forms import editor_rows


def test_the_history_lists_every_status_change_newest_first(session, world):
    milestone = roadmaps.add_milestone(
        session,
        actor=world.member,
        tandem_id=world.tandem.id,
        title="Workshop",
        due_date=date(2024, 5, 1),
    )
    roadmaps.update_milestone(
        session, actor=world.member, milestone_id=milestone.id, status="in progress"
    )
    roadmaps.update_milestone(
        session, actor=world.coordinator, milestone_id=milestone.id, status="done"
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


ROWS = [
    {"title": "B", "status": "planned", "rag": "amber", "owner": "", "due_date": date(2024, 6, 1)},
    {
        "title": "A",
        "status": "done",
        "rag": "green",
        "owner": "Arezzo",
        "due_date": date(2024, 3, 1),
    },
]


def test_the_timeline_chains_milestones_as_phases():
    frame = timeline_frame(ROWS)
    assert list(frame["title"]) == ["A", "B"]
    assert frame["start"][1] == pd.Timestamp(2024, 3, 1)  # B starts when A is due
    assert (frame["end"] - frame["start"]).min() > pd.Timedelta(0)


def test_the_gantt_draws_bars_and_the_deadline_and_today_rules():
    spec = gantt(ROWS, deadline=date(2024, 12, 31), today=date(2024, 4, 1)).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "rule", "text"]
    rules = spec["datasets"]
    assert any(any(row.get("what") == "deadline" for row in rows) for rows in rules.values())


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
