"""The Roadmaps screen: status, progress, Gantt, milestones, history, .ics, by role."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, func, select

from peerlearn import models as m
from tests.ui.conftest import EVERY_ROLE, member_tandem

PAGE = "pages/roadmaps.py"


def _open(at, tandem):
    at.selectbox(key="rm_network").set_value(tandem.network_id).run()
    at.selectbox(key="rm_tandem").set_value(tandem.id).run()
    return at


def _milestones(engine, tandem_id) -> int:
    with Session(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(m.Milestone)
            .join(m.Roadmap)
            .where(m.Roadmap.tandem_id == tandem_id)
        ).one()


@pytest.mark.parametrize("role, kind", EVERY_ROLE)
def test_the_page_renders_for_every_role(app, role, kind):
    at = app(role, PAGE, kind=kind)
    assert not at.exception
    assert at.title[0].value == "Roadmaps"


def test_a_tandems_roadmap_shows_status_progress_timeline_and_ics(app):
    at = app("tandem", PAGE)
    tandem = member_tandem(at.engine)
    _open(at, tandem)
    labels = [metric.label for metric in at.metric]
    assert labels == ["Status", "Progress", "Deadline", "Next due"]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert at.get("download_button")


def test_a_tandem_member_adds_a_milestone(app):
    at = app("tandem", PAGE)
    tandem = member_tandem(at.engine)
    _open(at, tandem)
    before = _milestones(at.engine, tandem.id)
    at.text_input(key="rm_add_title").input("Joint data catalogue")
    at.date_input(key="rm_add_due").set_value(date(2024, 6, 30))
    next(b for b in at.button if b.label == "Add milestone").click().run()
    assert not at.error, at.error
    assert _milestones(at.engine, tandem.id) == before + 1


def test_a_new_milestone_links_a_challenge_of_the_tandem(app):
    at = app("coordinator", PAGE)
    tandem = member_tandem(at.engine)
    _open(at, tandem)
    with Session(at.engine) as session:
        challenge_id = session.exec(
            select(m.Challenge.id).where(m.Challenge.tandem_id == tandem.id)
        ).first()
    assert challenge_id is not None, "the demo tandem has challenges to link"
    at.text_input(key="rm_add_title").input("Answer the first challenge")
    at.date_input(key="rm_add_due").set_value(date(2024, 9, 30))
    at.multiselect(key="rm_add_challenges").set_value([challenge_id])
    next(b for b in at.button if b.label == "Add milestone").click().run()
    assert not at.error, at.error
    with Session(at.engine) as session:
        milestone = session.exec(
            select(m.Milestone).where(m.Milestone.title == "Answer the first challenge")
        ).one()
        links = session.exec(
            select(m.MilestoneChallenge.challenge_id).where(
                m.MilestoneChallenge.milestone_id == milestone.id
            )
        ).all()
    assert links == [challenge_id]


def test_a_milestone_without_a_due_date_is_refused(app):
    at = app("coordinator", PAGE)
    tandem = member_tandem(at.engine)
    _open(at, tandem)
    before = _milestones(at.engine, tandem.id)
    at.text_input(key="rm_add_title").input("Undated")
    next(b for b in at.button if b.label == "Add milestone").click().run()
    assert "due date" in at.error[0].value
    assert _milestones(at.engine, tandem.id) == before


def test_a_blank_title_is_refused_by_the_service(app):
    at = app("tandem", PAGE)
    tandem = member_tandem(at.engine)
    _open(at, tandem)
    before = _milestones(at.engine, tandem.id)
    at.text_input(key="rm_add_title").input("   ")
    at.date_input(key="rm_add_due").set_value(date(2024, 6, 30))
    next(b for b in at.button if b.label == "Add milestone").click().run()
    assert at.error and "title" in at.error[0].value.lower()
    assert _milestones(at.engine, tandem.id) == before


def test_facilitators_read_but_do_not_edit(app):
    at = app("facilitator", PAGE)
    _open(at, member_tandem(at.engine))
    assert "Add milestone" not in [b.label for b in at.button]
    assert at.dataframe  # the milestones, read-only


def test_a_tandem_member_cannot_choose_another_tandem(app):
    at = app("tandem", PAGE)
    tandem = member_tandem(at.engine)
    at.selectbox(key="rm_network").set_value(tandem.network_id).run()
    assert at.selectbox(key="rm_tandem").options == [tandem.name]
