"""The Audit trail screen: a coordinator sees what was changed on another screen, by
whom, before and after; filters it; and restores an archived challenge from it."""

from __future__ import annotations

from sqlmodel import Session

from peerlearn import models as m
from tests.ui.conftest import click, member_tandem, signed_in

PAGE = "pages/audit.py"


def test_a_change_made_on_a_screen_is_in_the_trail_and_an_archived_item_comes_back(app):
    editor = app("facilitator", "pages/challenges.py")
    tandem = member_tandem(editor.engine)
    editor.selectbox(key="ch_network").set_value(tandem.network_id).run()
    challenge_id = editor.selectbox(key="ch_edit_pick").value
    editor.text_area(key=f"ch_edit_text_{challenge_id}").input("Reworded **for the trail**")
    click(editor, "Save")
    assert not editor.error, editor.error
    editor.selectbox(key="ch_edit_pick").set_value(challenge_id).run()
    editor.checkbox(key=f"ch_edit_archive_{challenge_id}").check()
    click(editor, "Save")
    assert not editor.error, editor.error

    at = signed_in(editor.engine, "coordinator", PAGE)
    assert at.title[0].value == "Audit trail"
    table = at.dataframe[0].value
    assert list(table["Change"][:2]) == ["archived", "changed"]
    assert "Reworded **for the trail**" in table["Before → after"][1]
    assert table["What"][1] == "challenge"
    at.multiselect(key="audit_what").set_value(["tandem"]).run()
    assert at.info or at.dataframe[0].value["What"].eq("tandem").all()
    at.multiselect(key="audit_what").set_value([]).run()
    at.text_input(key="audit_search").input("for the trail").run()
    assert set(at.dataframe[0].value["Item"]) == {str(challenge_id)}

    at.text_input(key="audit_search").input("").run()
    click(at, "Restore")
    assert not at.error, at.error
    with Session(editor.engine) as session:
        assert session.get(m.Challenge, challenge_id).archived_at is None


def test_before_any_change_the_trail_says_so(app):
    at = app("coordinator", PAGE)
    assert [i.value for i in at.info] == [
        "No change recorded yet: changes appear here as people who are signed in add, edit, "
        "archive or delete things."
    ]
    at.text_input(key="audit_search").input("anything").run()
    assert [i.value for i in at.info] == ["No change matches these filters."]
