"""My account: the profile shown to every role, and changing one's own password."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from peerlearn.models import Tandem, User
from peerlearn.passwords import verify_password
from tests.ui.conftest import EMAILS, PASSWORD, hold_sign_in, user_of

PAGE = "pages/account.py"
NEW = "Seven-bridges-of-Pirna"


def _hash(engine, role: str) -> str:
    with Session(engine) as session:
        return session.exec(select(User).where(User.email == EMAILS[role])).one().password_hash


def _change(at, old=PASSWORD, new=NEW, repeat=None):
    at.text_input(key="account_old").input(old)
    at.text_input(key="account_new").input(new)
    at.text_input(key="account_repeat").input(new if repeat is None else repeat)
    return at.button(key="account_submit").click().run()


@pytest.mark.parametrize(
    "role, kind",
    [
        ("coordinator", "demo"),
        ("facilitator", "demo"),
        ("tandem", "demo"),
        ("coordinator", "empty"),
        ("facilitator", "empty"),
    ],
)
def test_every_role_sees_its_profile(app, role, kind):
    at = app(role, PAGE, kind=kind)
    assert not at.exception and not at.error
    assert at.title[0].value == "My account"
    texts = [t.value for t in at.main.text]
    assert EMAILS[role] in texts and f"Test {role}" in texts


def test_a_tandem_member_sees_their_tandems(app):
    at = app("tandem", PAGE)
    with Session(at.engine) as session:
        tandem = session.exec(select(Tandem).order_by(Tandem.id)).first()
    assert tandem.name in [t.value for t in at.main.text]
    assert "Tandem member" in [t.value for t in at.main.text]


@pytest.mark.parametrize("role", ["coordinator", "facilitator", "tandem"])
def test_changes_the_own_password(app, role):
    at = _change(app(role, PAGE))
    assert not at.exception and not at.error
    stored = _hash(at.engine, role)
    assert verify_password(NEW, stored) and not verify_password(PASSWORD, stored)
    assert at.toast[0].value.startswith("Password changed.")
    # the fields empty once the password is changed
    assert [t.value for t in at.text_input] == ["", "", ""]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"old": "not my password"}, "current password is wrong"),
        ({"repeat": "Seven-bridges-of-Dresden"}, "differ"),
        ({"new": "short"}, "at least 10 characters"),
        ({"new": PASSWORD}, "same as the current one"),
    ],
)
def test_a_bad_change_is_refused_and_nothing_is_written(app, changes, message):
    at = app("facilitator", PAGE)
    before = _hash(at.engine, "facilitator")
    at = _change(at, **changes)
    assert not at.exception
    assert message in at.error[0].value
    assert _hash(at.engine, "facilitator") == before
    assert not at.toast
    # what was typed stays, to be corrected
    assert at.text_input(key="account_new").value == changes.get("new", NEW)


def test_an_organisation_account_has_no_password_to_change(app):
    at = app("facilitator", PAGE)
    with Session(at.engine) as session:
        user = session.get(User, user_of(at.engine, "facilitator").id)
        user.password_hash = None
        session.add(user)
        session.commit()
        user_id = user.id
    # Dropping the password ended the sign-in made with it: signed in anew, as by SSO.
    hold_sign_in(at, at.engine, user_id)
    at.run()
    assert not at.exception
    assert "through your organisation" in at.info[0].value
    assert not at.text_input
