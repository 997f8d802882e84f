"""The Roadmaps screen: status, progress, Gantt, milestones, history, .ics, by role."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, func, select

from peerlearn import models as m
from tests.ui.conftest import EVERY_ROLE, member_tandem, signed_in

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


def _stored_milestones(engine, tandem_id) -> list[m.Milestone]:
    with Session(engine) as session:
        rows = session.exec(
            select(m.Milestone)
            .join(m.Roadmap)
            .where(m.Roadmap.tandem_id == tandem_id, m.Milestone.archived_at.is_(None))
            .order_by(m.Milestone.position, m.Milestone.id)
        ).all()
        for row in rows:
            session.expunge(row)
    return rows


def _links(engine, milestone_id) -> tuple[set[int], set[int]]:
    with Session(engine) as session:
        challenges = session.exec(
            select(m.MilestoneChallenge.challenge_id).where(
                m.MilestoneChallenge.milestone_id == milestone_id
            )
        )
        groups = session.exec(
            select(m.MilestoneCommonChallenge.common_challenge_id).where(
                m.MilestoneCommonChallenge.milestone_id == milestone_id
            )
        )
        return set(challenges), set(groups)


def _grid(at):
    return next(f for f in at.dataframe if "title" in f.value.columns)


def _edit_grid(at, rows: dict[int, dict]):
    # AppTest cannot type into a data editor; its edits live in the widget's state.
    at.session_state["rm_editor"] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return next(b for b in at.button if b.label == "Save changes").click().run()


def test_an_added_milestone_is_shown_at_once_and_the_form_empties(app):
    at = app("tandem", PAGE)
    tandem = member_tandem(at.engine)
    _open(at, tandem)
    before = len(_grid(at).value)
    at.text_input(key="rm_add_title").input("Joint data catalogue")
    at.date_input(key="rm_add_due").set_value(date(2024, 6, 30))
    next(b for b in at.button if b.label == "Add milestone").click().run()
    assert not at.error, at.error
    assert at.toast[0].value == "Milestone added"
    assert len(_grid(at).value) == before + 1
    assert "Joint data catalogue" in set(_grid(at).value["title"])
    assert at.text_input(key="rm_add_title").value == ""
    assert at.date_input(key="rm_add_due").value is None


def test_a_refused_milestone_keeps_what_was_typed(app):
    at = app("coordinator", PAGE)
    _open(at, member_tandem(at.engine))
    at.text_input(key="rm_add_title").input("Undated")
    at.text_area(key="rm_add_partner").input("Utrecht hosts the study visit")
    next(b for b in at.button if b.label == "Add milestone").click().run()
    assert "due date" in at.error[0].value
    assert at.text_input(key="rm_add_title").value == "Undated"
    assert at.text_area(key="rm_add_partner").value == "Utrecht hosts the study visit"


def test_the_edit_form_starts_from_the_milestone_and_changes_its_links(app):
    at = app("tandem", PAGE)
    tandem = member_tandem(at.engine)
    _open(at, tandem)
    milestone = _stored_milestones(at.engine, tandem.id)[-1]
    linked, groups = _links(at.engine, milestone.id)
    at.selectbox(key="rm_edit_pick").set_value(milestone.id).run()
    assert at.text_input(key="rm_edit_title").value == milestone.title
    assert at.date_input(key="rm_edit_due").value == milestone.due_date
    assert at.selectbox(key="rm_edit_status").value == milestone.status
    assert set(at.multiselect(key="rm_edit_challenges").value) == linked
    assert set(at.multiselect(key="rm_edit_common").value) == groups
    with Session(at.engine) as session:
        challenge_ids = set(
            session.exec(select(m.Challenge.id).where(m.Challenge.tandem_id == tandem.id))
        )
        group_id = session.exec(
            select(m.CommonChallenge.id).where(m.CommonChallenge.network_id == tandem.network_id)
        ).first()
    other = sorted(challenge_ids - linked)[:1]
    at.multiselect(key="rm_edit_challenges").set_value(other)
    at.multiselect(key="rm_edit_common").set_value([group_id])
    next(b for b in at.button if b.label == "Save milestone").click().run()
    assert not at.error, at.error
    assert _links(at.engine, milestone.id) == (set(other), {group_id})
    # the rest is kept
    stored = next(r for r in _stored_milestones(at.engine, tandem.id) if r.id == milestone.id)
    assert (stored.title, stored.due_date, stored.status, stored.owner_city_id) == (
        milestone.title,
        milestone.due_date,
        milestone.status,
        milestone.owner_city_id,
    )
    assert at.toast[0].value == "Milestone saved"


def test_facilitators_get_no_edit_form(app):
    at = app("facilitator", PAGE)
    _open(at, member_tandem(at.engine))
    assert "Save milestone" not in [b.label for b in at.button]


# --- the milestones grid -----------------------------------------------------------


def test_a_bad_grid_row_is_refused_named_by_its_milestone_and_nothing_is_written(app):
    at = app("coordinator", PAGE)
    tandem = member_tandem(at.engine)
    _open(at, tandem)
    before = _stored_milestones(at.engine, tandem.id)
    grid = _grid(at).value
    title = grid["title"][1]
    at = _edit_grid(at, {0: {"status": "done"}, 1: {"title": "  "}})
    message = at.error[0].value
    assert f"The row of '{title}', column 'Milestone'" in message
    assert _stored_milestones(at.engine, tandem.id) == before
    assert not at.toast


def test_a_good_grid_edit_is_saved_and_shown(app):
    at = app("coordinator", PAGE)
    tandem = member_tandem(at.engine)
    _open(at, tandem)
    grid = _grid(at).value
    ident = int(grid["id"][0])
    at = _edit_grid(at, {0: {"title": "Renamed in the table"}})
    assert not at.error, at.error
    assert at.toast[0].value == "Roadmap saved"
    stored = next(r for r in _stored_milestones(at.engine, tandem.id) if r.id == ident)
    assert stored.title == "Renamed in the table"
    assert "Renamed in the table" in set(_grid(at).value["title"])


def test_saving_an_unchanged_grid_says_there_was_nothing_to_change(app):
    at = app("coordinator", PAGE)
    _open(at, member_tandem(at.engine))
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.error and not at.toast
    assert "Nothing to change" in at.info[0].value


def test_the_grid_colours_the_rag(app):
    at = app("coordinator", PAGE)
    _open(at, member_tandem(at.engine))
    styles = _grid(at).proto.arrow_data.styler.styles
    assert any(fill in styles for fill in ("#d7eedf", "#fbe8c0", "#f6d0cb"))


# --- history -----------------------------------------------------------------------


def test_the_history_names_an_account_without_a_name_by_its_email(app):
    at = app("coordinator", PAGE)
    tandem = member_tandem(at.engine)
    with Session(at.engine) as session:
        coordinator = session.exec(
            select(m.User).where(m.User.email == "coordinator@example.org")
        ).one()
        coordinator.name = ""
        session.add(coordinator)
        session.commit()
    _open(at, tandem)
    milestone = _stored_milestones(at.engine, tandem.id)[0]
    at.selectbox(key="rm_edit_pick").set_value(milestone.id).run()
    new_status = "done" if milestone.status != "done" else "planned"
    at.selectbox(key="rm_edit_status").set_value(new_status)
    next(b for b in at.button if b.label == "Save milestone").click().run()
    assert not at.error, at.error
    history = next(f.value for f in at.dataframe if "Who" in f.value.columns)
    assert "When (UTC)" in history.columns
    assert history["Who"][0] == "coordinator@example.org"
    assert history["To"][0] == new_status


def test_an_invented_tandem_says_it_is_example_data(app):
    at = app("coordinator", PAGE)
    with Session(at.engine) as session:
        invented = session.exec(select(m.Tandem).where(m.Tandem.is_example)).first()
    _open(at, invented)
    assert any("Example data" in c.value for c in at.caption)


def test_a_milestone_links_the_solution_it_replicates_and_the_list_shows_it(app):
    at = app("tandem", PAGE)
    tandem = member_tandem(at.engine)
    with Session(at.engine) as session:
        city_id = session.exec(
            select(m.TandemCity.city_id).where(m.TandemCity.tandem_id != tandem.id)
        ).first()
        theme_id = session.exec(select(m.Theme.id)).first()
        solution = m.Solution(
            network_id=tandem.network_id,
            city_id=city_id,
            theme_id=theme_id,
            title="Open data portal of a partner",
        )
        session.add(solution)
        session.commit()
        solution_id = solution.id
    at.run()
    _open(at, tandem)
    at.text_input(key="rm_add_title").input("Pilot the open data portal")
    at.date_input(key="rm_add_due").set_value(date(2024, 10, 31))
    at.multiselect(key="rm_add_solutions").set_value([solution_id])
    next(b for b in at.button if b.label == "Add milestone").click().run()
    assert not at.error, at.error
    with Session(at.engine) as session:
        milestone = session.exec(
            select(m.Milestone).where(m.Milestone.title == "Pilot the open data portal")
        ).one()
        links = session.exec(
            select(m.MilestoneSolution.solution_id).where(
                m.MilestoneSolution.milestone_id == milestone.id
            )
        ).all()
    assert links == [solution_id]
    at.selectbox(key="rm_edit_pick").set_value(milestone.id).run()
    assert at.multiselect(key="rm_edit_solutions").value == [solution_id]

    reader = _open(signed_in(at.engine, "facilitator", PAGE), tandem)
    table = next(d.value for d in reader.dataframe if "solutions" in d.value.columns)
    row = table[table["title"] == "Pilot the open data portal"].iloc[0]
    assert row["solutions"].endswith("Open data portal of a partner")
