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
