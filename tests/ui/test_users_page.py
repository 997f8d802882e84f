"""The Accounts screen: list, add, change role and tandems, (de)activate, reset password."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from peerlearn.db import table_counts
from peerlearn.models import Tandem, User, UserRole, UserTandem
from peerlearn.passwords import verify_password
from tests.ui.conftest import EMAILS, PASSWORD, user_of

PAGE = "pages/users.py"
NEW_PASSWORD = "Rivers-of-Arezzo-2024"


def _stored(engine, email: str) -> User | None:
    with Session(engine) as session:
        return session.exec(select(User).where(User.email == email)).first()


def _tandem_ids(engine, user_id: int) -> set[int]:
    with Session(engine) as session:
        return set(session.exec(select(UserTandem.tandem_id).where(UserTandem.user_id == user_id)))


def _first_tandem(engine) -> Tandem:
    with Session(engine) as session:
        return session.exec(select(Tandem).order_by(Tandem.id)).first()


def _add(
    at,
    *,
    email="nadia@example.org",
    name="Nadia",
    role="facilitator",
    tandems=(),
    password=NEW_PASSWORD,
    confirm=None,
):
    at.text_input(key="users_add_email").input(email)
    at.text_input(key="users_add_name").input(name)
    at.selectbox(key="users_add_role").set_value(role)
    at.multiselect(key="users_add_tandems").set_value(list(tandems))
    at.text_input(key="users_add_password").input(password)
    at.text_input(key="users_add_confirm").input(password if confirm is None else confirm)
    return at.button(key="users_add_submit").click().run()


def _pick(at, email: str):
    user = _stored(at.engine, email)
    return at.selectbox(key="users_pick").set_value(user.id).run()


@pytest.mark.parametrize("kind", ["demo", "empty"])
def test_lists_every_account(app, kind):
    at = app("coordinator", PAGE, kind=kind)
    assert not at.exception and not at.error
    assert at.title[0].value == "Accounts"
    frame = at.dataframe[0].value
    # the empty database has no tandem, so no tandem member either
    expected = sorted(e for role, e in EMAILS.items() if kind == "demo" or role != "tandem")
    assert list(frame["Email"]) == expected
    assert list(frame.columns) == ["Email", "Name", "Role", "Tandems", "Active", "Last sign-in"]


def test_the_list_shows_roles_and_tandems(app):
    at = app("coordinator", PAGE)
    frame = at.dataframe[0].value.set_index("Email")
    member = frame.loc[EMAILS["tandem"]]
    assert member["Role"] == "Tandem member"
    assert list(member["Tandems"]) == [_first_tandem(at.engine).name]
    assert list(frame.loc[EMAILS["facilitator"], "Tandems"]) == []
    assert frame["Active"].all()


def test_adds_a_facilitator_and_tells_to_pass_the_password_on(app):
    at = _add(app("coordinator", PAGE))
    assert not at.exception and not at.error
    stored = _stored(at.engine, "nadia@example.org")
    assert (stored.name, stored.role, stored.active) == ("Nadia", UserRole.FACILITATOR, True)
    assert verify_password(NEW_PASSWORD, stored.password_hash)
    assert at.toast[0].value == "Account added."
    assert "pass the password on yourself" in at.success[0].value
    # the address is shown as typed, not turned into a mailto link
    message = at.success[0].value
    assert "nadia@example.org" in message.replace("\u2060", "").replace("\\", "")
    assert not re.search(r"\w@", message), message
    # the form is empty again, and the new account is in the list at once
    assert at.text_input(key="users_add_email").value == ""
    assert "nadia@example.org" in set(at.dataframe[0].value["Email"])


def test_adds_a_tandem_member_with_their_tandem(app):
    at = app("coordinator", PAGE)
    tandem = _first_tandem(at.engine)
    at = _add(at, email="Tom@Example.org ", role="tandem", tandems=[tandem.id])
    assert not at.error
    stored = _stored(at.engine, "tom@example.org")
    assert stored.role == UserRole.TANDEM
    assert _tandem_ids(at.engine, stored.id) == {tandem.id}


def test_tandems_are_ignored_for_other_roles(app):
    at = app("coordinator", PAGE)
    at = _add(at, role="facilitator", tandems=[_first_tandem(at.engine).id])
    assert not at.error
    assert _tandem_ids(at.engine, _stored(at.engine, "nadia@example.org").id) == set()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"confirm": "Another-password-42"}, "differ"),
        ({"password": "short", "confirm": "short"}, "at least 10 characters"),
        ({"email": "not-an-address"}, "is not an email address"),
        ({"email": EMAILS["facilitator"]}, "already an account"),
        ({"role": "tandem"}, "at least one tandem"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(app, changes, message):
    at = app("coordinator", PAGE)
    before = table_counts(at.engine)
    at = _add(at, **changes)
    assert not at.exception
    assert message in at.error[0].value
    assert table_counts(at.engine) == before
    assert not at.toast
    # what was typed stays, so it can be corrected
    assert at.text_input(key="users_add_name").value == "Nadia"


def test_changes_a_facilitator_into_a_tandem_member(app):
    at = _pick(app("coordinator", PAGE), EMAILS["facilitator"])
    tandem = _first_tandem(at.engine)
    assert at.selectbox(key="users_role").value == UserRole.FACILITATOR
    at.selectbox(key="users_role").set_value("tandem")
    at.multiselect(key="users_tandems").set_value([tandem.id])
    at = at.button(key="users_role_submit").click().run()
    assert not at.exception and not at.error
    stored = _stored(at.engine, EMAILS["facilitator"])
    assert stored.role == UserRole.TANDEM
    assert _tandem_ids(at.engine, stored.id) == {tandem.id}
    assert at.toast[0].value == "Role and tandems saved."


def test_changes_the_tandems_of_a_member(app):
    at = _pick(app("coordinator", PAGE), EMAILS["tandem"])
    with Session(at.engine) as session:
        first, second = session.exec(select(Tandem.id).order_by(Tandem.id).limit(2)).all()
    assert at.multiselect(key="users_tandems").value == [first]
    at.multiselect(key="users_tandems").set_value([first, second])
    at = at.button(key="users_role_submit").click().run()
    assert not at.error
    assert _tandem_ids(at.engine, user_of(at.engine, "tandem").id) == {first, second}


def test_a_tandem_member_without_tandems_is_refused(app):
    at = _pick(app("coordinator", PAGE), EMAILS["tandem"])
    at.multiselect(key="users_tandems").set_value([])
    at = at.button(key="users_role_submit").click().run()
    assert "at least one tandem" in at.error[0].value
    assert _tandem_ids(at.engine, user_of(at.engine, "tandem").id)


def test_the_last_coordinator_keeps_the_role(app):
    at = _pick(app("coordinator", PAGE), EMAILS["coordinator"])
    at.selectbox(key="users_role").set_value("facilitator")
    at = at.button(key="users_role_submit").click().run()
    assert "last active coordinator" in at.error[0].value
    assert _stored(at.engine, EMAILS["coordinator"]).role == UserRole.COORDINATOR


def test_deactivates_and_reactivates_an_account(app):
    at = _pick(app("coordinator", PAGE), EMAILS["facilitator"])
    at = at.button(key="users_deactivate").click().run()
    assert not at.error
    assert _stored(at.engine, EMAILS["facilitator"]).active is False
    assert at.toast[0].value == "Account deactivated."
    frame = at.dataframe[0].value.set_index("Email")
    assert not frame.loc[EMAILS["facilitator"], "Active"]
    at = at.button(key="users_reactivate").click().run()
    assert not at.error
    assert _stored(at.engine, EMAILS["facilitator"]).active is True


def test_a_coordinator_cannot_deactivate_themself(app):
    at = _pick(app("coordinator", PAGE), EMAILS["coordinator"])
    at = at.button(key="users_deactivate").click().run()
    assert "cannot deactivate your own account" in at.error[0].value
    assert _stored(at.engine, EMAILS["coordinator"]).active is True


def test_resets_a_password(app):
    at = _pick(app("coordinator", PAGE), EMAILS["facilitator"])
    at.text_input(key="users_reset_password").input(NEW_PASSWORD)
    at.text_input(key="users_reset_confirm").input(NEW_PASSWORD)
    at = at.button(key="users_reset_submit").click().run()
    assert not at.exception and not at.error
    stored = _stored(at.engine, EMAILS["facilitator"])
    assert verify_password(NEW_PASSWORD, stored.password_hash)
    assert not verify_password(PASSWORD, stored.password_hash)


@pytest.mark.parametrize(
    "password, confirm, message",
    [(NEW_PASSWORD, "Something-else-123", "differ"), ("password1", "password1", "at least")],
)
def test_a_bad_reset_changes_nothing(app, password, confirm, message):
    at = _pick(app("coordinator", PAGE), EMAILS["facilitator"])
    before = _stored(at.engine, EMAILS["facilitator"]).password_hash
    at.text_input(key="users_reset_password").input(password)
    at.text_input(key="users_reset_confirm").input(confirm)
    at = at.button(key="users_reset_submit").click().run()
    assert message in at.error[0].value
    assert _stored(at.engine, EMAILS["facilitator"]).password_hash == before


def test_user_text_is_shown_as_text_not_markdown(app):
    at = _add(app("coordinator", PAGE), name="**Bold** <b>x</b> :material/home:")
    assert not at.error
    assert "**Bold** <b>x</b> :material/home:" in set(at.dataframe[0].value["Name"])
    at = _pick(at, "nadia@example.org")
    assert any("**Bold** <b>x</b>" in t.value for t in at.text)
    assert not any("Bold" in m.value for m in at.markdown)


def test_with_single_sign_on_blank_passwords_make_an_organisation_account(app):
    at = app("coordinator", PAGE)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback"}
    at = _add(at.run(), password="", confirm="")
    assert not at.exception and not at.error
    stored = _stored(at.engine, "nadia@example.org")
    assert stored is not None and stored.password_hash is None


def test_without_single_sign_on_a_password_is_required(app):
    at = app("coordinator", PAGE)
    before = table_counts(at.engine)
    at = _add(at, password="", confirm="")
    assert "at least 10 characters" in at.error[0].value
    assert table_counts(at.engine) == before


def test_the_own_password_is_not_reset_here_but_under_my_account(app):
    at = _pick(app("coordinator", PAGE), EMAILS["coordinator"])
    assert not at.exception
    keys = {t.key for t in at.text_input}
    assert "users_reset_password" not in keys
    assert any("My account" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "users_reset_submit"]


def test_the_role_is_a_required_choice(app):
    at = app("coordinator", PAGE)
    assert at.selectbox(key="users_add_role").value is None
    before = table_counts(at.engine)
    at.text_input(key="users_add_email").input("nadia@example.org")
    at.text_input(key="users_add_name").input("Nadia")
    at.text_input(key="users_add_password").input(NEW_PASSWORD)
    at.text_input(key="users_add_confirm").input(NEW_PASSWORD)
    at = at.button(key="users_add_submit").click().run()
    assert "Choose the account's role" in at.error[0].value
    assert table_counts(at.engine) == before
    assert at.text_input(key="users_add_name").value == "Nadia"
    # a facilitator needs nothing more
    at.selectbox(key="users_add_role").set_value("facilitator")
    at = at.button(key="users_add_submit").click().run()
    assert not at.error, at.error
    assert _stored(at.engine, "nadia@example.org").role == UserRole.FACILITATOR


def test_a_reset_password_form_empties_after_success_only(app):
    at = _pick(app("coordinator", PAGE), EMAILS["facilitator"])
    at.text_input(key="users_reset_password").input("short")
    at.text_input(key="users_reset_confirm").input("short")
    at = at.button(key="users_reset_submit").click().run()
    assert at.error
    assert at.text_input(key="users_reset_password").value == "short"
    at.text_input(key="users_reset_password").input(NEW_PASSWORD)
    at.text_input(key="users_reset_confirm").input(NEW_PASSWORD)
    at = at.button(key="users_reset_submit").click().run()
    assert not at.error, at.error
    assert at.toast[0].value.startswith("Password reset.")
    assert at.text_input(key="users_reset_password").value == ""
