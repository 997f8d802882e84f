"""Two people open the same milestone, challenge or common challenge in their forms; the
first saves, then the second: the second is told and what the first saved stays."""

from __future__ import annotations

from sqlmodel import Session

from peerlearn import models as m
from tests.ui.conftest import click, member_tandem, signed_in
from tests.ui.test_common_challenges_page import PAGE as GROUPS
from tests.ui.test_common_challenges_page import _cie
from tests.ui.test_roadmaps_page import PAGE as ROADMAPS
from tests.ui.test_roadmaps_page import _open, _stored_milestones

CHALLENGES = "pages/challenges.py"
TOLD = "Someone else saved this"


def _two(app, role: str, page: str):
    first = app(role, page)
    second = signed_in(first.engine, role, page)
    second.engine = first.engine
    return first, second


def _told(at) -> bool:
    return any(TOLD in e.value for e in at.error)


def test_a_milestone_saved_by_someone_else_meanwhile_is_not_overwritten(app):
    first, second = _two(app, "tandem", ROADMAPS)
    tandem = member_tandem(first.engine)
    milestone = _stored_milestones(first.engine, tandem.id)[-1]
    for at in (first, second):
        _open(at, tandem)
        at.selectbox(key="rm_edit_pick").set_value(milestone.id).run()
    first.text_input(key="rm_edit_title").input("The first editor's title")
    click(first, "Save milestone")
    assert not first.error, first.error
    second.text_input(key="rm_edit_title").input("The second editor's title")
    click(second, "Save milestone")
    assert _told(second), second.error
    # What the second typed is still there to copy.
    assert second.text_input(key="rm_edit_title").value == "The second editor's title"
    with Session(first.engine) as session:
        assert session.get(m.Milestone, milestone.id).title == "The first editor's title"
    # The first editor saves again from the form the save refilled: not refused.
    first.text_input(key="rm_edit_title").input("The first editor, once more")
    click(first, "Save milestone")
    assert not first.error, first.error


def test_a_challenge_saved_by_someone_else_meanwhile_is_not_overwritten(app):
    first, second = _two(app, "facilitator", CHALLENGES)
    tandem = member_tandem(first.engine)
    for at in (first, second):
        at.selectbox(key="ch_network").set_value(tandem.network_id).run()
    challenge_id = first.selectbox(key="ch_edit_pick").value
    first.text_area(key=f"ch_edit_text_{challenge_id}").input("Reworded by the first")
    click(first, "Save")
    assert not first.error, first.error
    second.text_area(key=f"ch_edit_text_{challenge_id}").input("Reworded by the second")
    click(second, "Save")
    assert _told(second), second.error
    with Session(first.engine) as session:
        assert session.get(m.Challenge, challenge_id).text == "Reworded by the first"
    first.text_area(key=f"ch_edit_text_{challenge_id}").input("Reworded again")
    click(first, "Save")
    assert not first.error, first.error


def test_a_common_challenge_renamed_by_someone_else_meanwhile_is_not_overwritten(app):
    first, second = _two(app, "coordinator", GROUPS)
    for at in (first, second):
        _cie(at)
    group_id = first.selectbox(key="cc_rename_pick").value
    first.text_input(key="cc_rename_name").input("Skills for data work")
    click(first, "Rename")
    assert not first.error, first.error
    second.text_input(key="cc_rename_name").input("Data skills")
    click(second, "Rename")
    assert _told(second), second.error
    with Session(first.engine) as session:
        assert session.get(m.CommonChallenge, group_id).name == "Skills for data work"
