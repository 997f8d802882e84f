"""The Challenges screen: filters, recording, editing and archiving, by role."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from peerlearn import models as m
from tests.ui.conftest import EVERY_ROLE, click, count_rows, member_tandem

PAGE = "pages/challenges.py"


def _to_network(at, tandem: m.Tandem):
    at.selectbox(key="ch_network").set_value(tandem.network_id).run()
    return at


@pytest.mark.parametrize("role, kind", EVERY_ROLE)
def test_the_page_renders_for_every_role(app, role, kind):
    at = app(role, PAGE, kind=kind)
    assert not at.exception
    assert at.title[0].value == "Challenges"


def test_a_tandem_member_sees_only_their_tandems_challenges(app):
    at = app("tandem", PAGE)
    tandem = member_tandem(at.engine)
    _to_network(at, tandem)
    table = at.dataframe[0].value
    assert set(table["Tandem"]) == {tandem.name}
    assert at.selectbox(key="ch_add_tandem").options == [tandem.name]


def test_filters_narrow_the_list(app):
    at = app("coordinator", PAGE)
    tandem = member_tandem(at.engine)
    _to_network(at, tandem)
    everything = len(at.dataframe[0].value)
    at.selectbox(key="ch_filter_tandem").set_value(tandem.id).run()
    assert set(at.dataframe[0].value["Tandem"]) == {tandem.name}
    assert len(at.dataframe[0].value) < everything
    at.text_input(key="ch_filter_text").input("zzz-nothing-like-this").run()
    assert "No challenge matches" in at.info[0].value


def test_a_tandem_member_records_a_challenge(app):
    at = app("tandem", PAGE)
    tandem = member_tandem(at.engine)
    _to_network(at, tandem)
    at.text_area(key="ch_add_text").input("We lack <b>staff</b> for data work")
    click(at, "Record challenge")
    assert not at.error, at.error
    with Session(at.engine) as session:
        row = session.exec(
            select(m.Challenge).where(m.Challenge.text == "We lack <b>staff</b> for data work")
        ).one()
    assert row.tandem_id == tandem.id


def test_a_blank_challenge_is_refused(app):
    at = app("tandem", PAGE)
    _to_network(at, member_tandem(at.engine))
    before = count_rows(at.engine, m.Challenge)
    at.text_area(key="ch_add_text").input("   ")
    click(at, "Record challenge")
    assert at.error
    assert count_rows(at.engine, m.Challenge) == before


def test_a_challenge_is_edited_then_archived(app):
    at = app("facilitator", PAGE)
    tandem = member_tandem(at.engine)
    _to_network(at, tandem)
    challenge_id = at.selectbox(key="ch_edit_pick").value
    at.text_area(key=f"ch_edit_text_{challenge_id}").input("Reworded challenge")
    click(at, "Save")
    with Session(at.engine) as session:
        assert session.get(m.Challenge, challenge_id).text == "Reworded challenge"
    at.selectbox(key="ch_edit_pick").set_value(challenge_id).run()
    at.checkbox(key=f"ch_edit_archive_{challenge_id}").check()
    click(at, "Save")
    with Session(at.engine) as session:
        assert session.get(m.Challenge, challenge_id).archived_at is not None


def _challenge_count(at) -> int:
    return len(at.dataframe[0].value)


def test_the_city_list_is_the_chosen_tandems_own(app):
    at = app("coordinator", PAGE)
    tandem = member_tandem(at.engine)
    _to_network(at, tandem)
    with Session(at.engine) as session:
        others = session.exec(
            select(m.Tandem).where(
                m.Tandem.network_id == tandem.network_id, m.Tandem.id != tandem.id
            )
        ).all()
        partners = {
            t.id: sorted(
                session.exec(
                    select(m.City.name)
                    .join(m.TandemCity, m.TandemCity.city_id == m.City.id)
                    .where(m.TandemCity.tandem_id == t.id)
                )
            )
            for t in [tandem, *others]
        }
    for tandem_id, names in partners.items():
        at.selectbox(key="ch_add_tandem").set_value(tandem_id).run()
        assert sorted(at.selectbox(key="ch_add_city").options) == names


def test_a_recorded_challenge_is_listed_at_once_and_the_form_empties(app):
    at = app("tandem", PAGE)
    tandem = member_tandem(at.engine)
    _to_network(at, tandem)
    before = _challenge_count(at)
    with Session(at.engine) as session:
        category_id = session.exec(select(m.Category.id)).first()
        city_id = session.exec(
            select(m.TandemCity.city_id).where(m.TandemCity.tandem_id == tandem.id)
        ).first()
    at.selectbox(key="ch_add_city").set_value(city_id).run()
    at.text_area(key="ch_add_text").input("Nobody maintains the sensors after the project")
    at.selectbox(key="ch_add_category").set_value(category_id)
    click(at, "Record challenge")
    assert not at.error, at.error
    assert at.toast[0].value == "Challenge recorded"
    assert _challenge_count(at) == before + 1
    assert at.tabs[0].label == f"Challenges ({before + 1})"
    assert at.text_area(key="ch_add_text").value == ""
    assert at.selectbox(key="ch_add_category").value is None
    assert at.selectbox(key="ch_add_city").value == city_id  # the same workshop goes on


def test_a_refused_challenge_keeps_what_was_typed(app):
    at = app("tandem", PAGE)
    _to_network(at, member_tandem(at.engine))
    with Session(at.engine) as session:
        category_id = session.exec(select(m.Category.id)).first()
    at.text_area(key="ch_add_text").input("  \n ")  # blank: the service refuses it
    at.selectbox(key="ch_add_category").set_value(category_id)
    at.radio(key="ch_add_priority").set_value(1)
    before = count_rows(at.engine, m.Challenge)
    click(at, "Record challenge")
    assert at.error
    assert count_rows(at.engine, m.Challenge) == before
    assert at.text_area(key="ch_add_text").value == "  \n "
    assert at.selectbox(key="ch_add_category").value == category_id
    assert at.radio(key="ch_add_priority").value == 1


def test_the_edit_form_starts_from_the_challenge_and_keeps_what_was_not_changed(app):
    at = app("coordinator", PAGE)
    _to_network(at, member_tandem(at.engine))
    with Session(at.engine) as session:
        row = session.exec(
            select(m.Challenge)
            .where(m.Challenge.category_id.is_not(None), m.Challenge.theme_id.is_not(None))
            .order_by(m.Challenge.id.desc())
        ).first()
        session.expunge(row)
    at.selectbox(key="ch_edit_pick").set_value(row.id).run()
    assert at.text_area(key=f"ch_edit_text_{row.id}").value == row.text
    assert at.selectbox(key=f"ch_edit_cat_{row.id}").value == row.category_id
    assert at.selectbox(key=f"ch_edit_theme_{row.id}").value == row.theme_id
    at.text_area(key=f"ch_edit_text_{row.id}").input("Said more plainly")
    click(at, "Save")
    assert not at.error, at.error
    with Session(at.engine) as session:
        stored = session.get(m.Challenge, row.id)
        assert (stored.text, stored.category_id, stored.theme_id, stored.priority) == (
            "Said more plainly",
            row.category_id,
            row.theme_id,
            row.priority,
        )
    assert "Said more plainly" in set(at.dataframe[0].value["Challenge"])
