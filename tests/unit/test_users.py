"""Accounts: passwords, creating users, signing in, roles, deactivation, listing."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import event
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from peerlearn.models import UserCreate
from peerlearn.passwords import hash_password, needs_rehash, password_problem, verify_password
from peerlearn.services import users
from peerlearn.services.store import now

GOOD = "correct horse battery"
OTHER = "purple monkey dishwasher"


def _fresh(session, user_id: int) -> m.User:
    """The user as stored, not as cached in the session."""
    session.expire_all()
    return session.get(m.User, user_id)


def _links(session, user) -> set[int]:
    rows = session.exec(select(m.UserTandem.tandem_id).where(m.UserTandem.user_id == user.id))
    return set(rows)


def _add(session, actor, email, role=m.UserRole.FACILITATOR, password=GOOD, **kwargs):
    system = kwargs.pop("system", False)
    data = UserCreate(email=email, role=role, password=password, **kwargs)
    return users.add_user(session, actor=actor, data=data, system=system)


@pytest.fixture
def anna(session, coordinator):
    """A facilitator who can sign in with GOOD."""
    return _add(session, coordinator, "anna@example.org", name="Anna")


# --- passwords --------------------------------------------------------------------


def test_hash_verifies_only_the_same_password():
    stored = hash_password(GOOD)
    assert stored.startswith("$argon2id$")
    assert GOOD not in stored
    assert verify_password(GOOD, stored)
    assert not verify_password(GOOD.upper(), stored)
    assert not verify_password(GOOD, None)
    assert not verify_password(GOOD, "not a hash")


def test_needs_rehash_only_for_weaker_parameters():
    assert not needs_rehash(hash_password(GOOD))
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(GOOD)
    assert needs_rehash(weak)
    assert needs_rehash("not a hash")


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("", "at least 10"),
        ("short1!", "(it has 7)"),
        ("aaaaaaaaaaaa", "one character repeated"),
        ("1234567890", "too common"),
        ("Password2024!", "too common"),
        ("QWERTYUIOP", "too common"),
        ("x" * 1001 + "y", "at most 1000"),
        ("my name is anna.k, hello", "name part of the email"),
    ],
)
def test_password_problem_names_the_rule(password, words):
    problem = password_problem(password, email="Anna.K@example.org")
    assert problem is not None and words in problem


@pytest.mark.parametrize("password", [GOOD, "Tr0ub4dor&3x", "anna likes tandems"])
def test_password_problem_accepts_reasonable_passwords(password):
    # A local part shorter than 3 letters is not checked ("an" is everywhere).
    assert password_problem(password, email="an@example.org") is None


# --- add_user ---------------------------------------------------------------------


def test_coordinator_adds_a_facilitator(session, coordinator):
    user = _add(session, coordinator, "  Anna@Example.ORG ", name="  Anna  ")

    stored = _fresh(session, user.id)
    assert (stored.email, stored.name, stored.role, stored.active) == (
        "anna@example.org",
        "Anna",
        m.UserRole.FACILITATOR,
        True,
    )
    assert verify_password(GOOD, stored.password_hash)
    assert _links(session, stored) == set()


def test_coordinator_adds_a_tandem_member_with_tandems(session, world):
    user = _add(
        session,
        world.coordinator,
        "pirna@example.org",
        role="Tandem",
        tandem_ids=[world.tandem.id, world.other_tandem.id, world.tandem.id],
    )
    assert user.role == m.UserRole.TANDEM
    assert _links(session, user) == {world.tandem.id, world.other_tandem.id}


def test_account_without_password_cannot_sign_in_with_one(session, coordinator):
    user = _add(session, coordinator, "sso@example.org", password=None)
    assert user.password_hash is None
    with pytest.raises(AuthenticationFailed, match="Wrong email or password."):
        users.authenticate(session, "sso@example.org", "")


def test_first_run_creates_the_first_coordinator_with_the_setup_token(session):
    assert users.is_first_run(session)
    token = users.setup_token(session)
    data = UserCreate(email="first@example.org", role=m.UserRole.COORDINATOR, password=GOOD)
    user = users.set_up(session, token=token, data=data)
    assert user.role == m.UserRole.COORDINATOR
    assert not users.is_first_run(session)
    # Once someone exists, an anonymous caller may no longer add accounts.
    with pytest.raises(PermissionDenied):
        _add(session, None, "second@example.org", role=m.UserRole.COORDINATOR)
    assert len(session.exec(select(m.User)).all()) == 1


def test_first_account_must_be_a_coordinator(session, unchanged):
    token = users.setup_token(session)
    data = UserCreate(email="first@example.org", role=m.UserRole.FACILITATOR, password=GOOD)
    with unchanged(), pytest.raises(InvalidInput, match="first account must be a coordinator"):
        users.set_up(session, token=token, data=data)
    assert users.is_first_run(session)


def test_system_may_add_without_actor(session, coordinator):
    user = _add(session, None, "ops@example.org", system=True)
    assert user.id is not None and user.role == m.UserRole.FACILITATOR


@pytest.mark.parametrize("who", ["facilitator", "member", "inactive coordinator", "nobody"])
def test_only_an_active_coordinator_adds_users(session, world, unchanged, who):
    actor = {
        "facilitator": world.facilitator,
        "member": world.member,
        "inactive coordinator": world.coordinator,
        "nobody": None,
    }[who]
    if who == "inactive coordinator":
        world.coordinator.active = False
        session.commit()
    with unchanged(), pytest.raises(PermissionDenied):
        _add(session, actor, "new@example.org")


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"email": "  "}, InvalidInput, "email address must not be blank"),
        ({"email": "anna.example.org"}, InvalidInput, "not an email address"),
        ({"email": "anna@example"}, InvalidInput, "not an email address"),
        ({"email": "an na@example.org"}, InvalidInput, "not an email address"),
        ({"email": "a" * 250 + "@example.org"}, InvalidInput, "at most 254"),
        ({"role": "admin"}, InvalidInput, "role must be one of"),
        ({"name": "n" * (m.NAME_MAX + 1)}, InvalidInput, "at most 120"),
        ({"password": "short"}, InvalidInput, "at least 10"),
        ({"password": "new@example.org!"}, InvalidInput, "name part of the email"),
        ({"role": "tandem"}, InvalidInput, "at least one tandem"),
        ({"tandem_ids": "TANDEM"}, InvalidInput, "Only tandem members belong to tandems"),
        ({"role": "tandem", "tandem_ids": [999_999]}, NotFound, "No tandem with id 999999"),
        ({"role": "tandem", "tandem_ids": "ARCHIVED"}, NotFound, "is archived"),
    ],
)
def test_add_user_refuses_bad_input(session, world, unchanged, changes, error, words):
    changes = dict(changes)  # the parametrized dict is shared by both backends
    if changes.get("tandem_ids") == "TANDEM":
        changes["tandem_ids"] = [world.tandem.id]
    if changes.get("tandem_ids") == "ARCHIVED":
        world.other_tandem.archived_at = now()
        session.commit()
        changes["tandem_ids"] = [world.other_tandem.id]
    arguments = {"email": "new@example.org", "role": m.UserRole.FACILITATOR} | changes
    with unchanged(), pytest.raises(error, match=words):
        _add(session, world.coordinator, **arguments)


def test_add_user_refuses_a_duplicate_email_in_any_case(session, coordinator, anna, unchanged):
    with unchanged(), pytest.raises(Conflict, match="already an account for anna@example.org"):
        _add(session, coordinator, " ANNA@example.org")


# --- authenticate and lookups -----------------------------------------------------


def test_authenticate_returns_the_user_and_records_the_login(session, anna):
    assert anna.last_login_at is None
    user = users.authenticate(session, "  ANNA@example.org ", GOOD)
    assert user.id == anna.id
    assert _fresh(session, anna.id).last_login_at is not None


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("nobody@example.org", GOOD),
        ("anna@example.org", "wrong password here"),
        ("anna@example.org", ""),
        ("", GOOD),
    ],
)
def test_unknown_email_and_wrong_password_give_the_same_message(session, anna, email, password):
    with pytest.raises(AuthenticationFailed) as caught:
        users.authenticate(session, email, password)
    assert str(caught.value) == "Wrong email or password."
    assert _fresh(session, anna.id).last_login_at is None


def test_deactivated_account_is_told_only_with_the_right_password(session, coordinator, anna):
    users.deactivate_user(session, actor=coordinator, user_id=anna.id)
    with pytest.raises(AuthenticationFailed, match="has been deactivated"):
        users.authenticate(session, anna.email, GOOD)
    with pytest.raises(AuthenticationFailed, match="Wrong email or password."):
        users.authenticate(session, anna.email, OTHER)


def test_authenticate_rehashes_a_hash_with_old_parameters(session, anna):
    anna.password_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(GOOD)
    session.commit()
    users.authenticate(session, anna.email, GOOD)
    stored = _fresh(session, anna.id).password_hash
    assert not needs_rehash(stored)
    assert verify_password(GOOD, stored)


def test_user_by_email_finds_active_users_only(session, coordinator, anna):
    assert users.user_by_email(session, " Anna@EXAMPLE.org").id == anna.id
    assert users.user_by_email(session, "nobody@example.org") is None
    assert users.user_by_email(session, "  ") is None
    users.deactivate_user(session, actor=coordinator, user_id=anna.id)
    assert users.user_by_email(session, anna.email) is None
    assert users.user_by_email(session, anna.email, include_inactive=True).id == anna.id


# --- roles and tandems ------------------------------------------------------------


def test_set_role_to_tandem_and_back_keeps_links_consistent(session, world, anna):
    users.set_role(
        session,
        actor=world.coordinator,
        user_id=anna.id,
        role="tandem",
        tandem_ids=[world.tandem.id],
    )
    assert _fresh(session, anna.id).role == m.UserRole.TANDEM
    assert _links(session, anna) == {world.tandem.id}

    users.set_role(session, actor=world.coordinator, user_id=anna.id, role="facilitator")
    assert _fresh(session, anna.id).role == m.UserRole.FACILITATOR
    assert _links(session, anna) == set()


def test_set_role_refuses_to_demote_the_last_coordinator(session, coordinator, unchanged):
    with unchanged(), pytest.raises(Conflict, match="last active coordinator"):
        users.set_role(session, actor=coordinator, user_id=coordinator.id, role="facilitator")
    session.refresh(coordinator)
    assert coordinator.role == m.UserRole.COORDINATOR


def test_a_coordinator_may_step_down_when_another_remains(session, coordinator):
    other = _add(session, coordinator, "second@example.org", role=m.UserRole.COORDINATOR)
    users.set_role(session, actor=other, user_id=coordinator.id, role="facilitator")
    assert _fresh(session, coordinator.id).role == m.UserRole.FACILITATOR


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"role": "boss"}, InvalidInput, "role must be one of"),
        ({"role": "tandem"}, InvalidInput, "at least one tandem"),
        ({"user_id": 999_999}, NotFound, "No user with id 999999"),
        ({"actor": "facilitator"}, PermissionDenied, "Only a coordinator"),
    ],
)
def test_set_role_refuses_bad_input(session, world, anna, unchanged, changes, error, words):
    arguments = {"actor": world.coordinator, "user_id": anna.id, "role": "coordinator"} | changes
    if arguments["actor"] == "facilitator":
        arguments["actor"] = world.facilitator
    with unchanged(), pytest.raises(error, match=words):
        users.set_role(session, **arguments)
    session.refresh(anna)
    assert anna.role == m.UserRole.FACILITATOR


def test_set_tandems_replaces_a_members_tandems(session, world):
    users.set_tandems(
        session,
        actor=world.coordinator,
        user_id=world.member.id,
        tandem_ids=[world.other_tandem.id],
    )
    assert _links(session, world.member) == {world.other_tandem.id}


@pytest.mark.parametrize(
    ("who", "tandems", "error", "words"),
    [
        ("member", [], InvalidInput, "at least one tandem"),
        ("member", [999_999], NotFound, "No tandem"),
        ("facilitator", ["tandem"], InvalidInput, "Only tandem members"),
    ],
)
def test_set_tandems_refuses_bad_input(session, world, unchanged, who, tandems, error, words):
    user = getattr(world, who)
    ids = [world.tandem.id if t == "tandem" else t for t in tandems]
    with unchanged(), pytest.raises(error, match=words):
        users.set_tandems(session, actor=world.coordinator, user_id=user.id, tandem_ids=ids)
    assert _links(session, world.member) == {world.tandem.id}


def test_set_tandems_is_for_coordinators(session, world, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        users.set_tandems(
            session, actor=world.member, user_id=world.member.id, tandem_ids=[world.other_tandem.id]
        )
    assert _links(session, world.member) == {world.tandem.id}


# --- deactivation -----------------------------------------------------------------


def test_deactivate_and_reactivate(session, coordinator, anna):
    users.deactivate_user(session, actor=coordinator, user_id=anna.id)
    assert _fresh(session, anna.id).active is False
    users.reactivate_user(session, actor=coordinator, user_id=anna.id)
    assert _fresh(session, anna.id).active is True
    assert users.authenticate(session, anna.email, GOOD).id == anna.id


def test_a_coordinator_cannot_deactivate_themself(session, coordinator):
    _add(session, coordinator, "second@example.org", role=m.UserRole.COORDINATOR)
    with pytest.raises(PermissionDenied, match="your own account"):
        users.deactivate_user(session, actor=coordinator, user_id=coordinator.id)
    session.refresh(coordinator)
    assert coordinator.active


def test_the_last_active_coordinator_stays_active(session, coordinator):
    with pytest.raises(Conflict, match="last active coordinator"):
        users.deactivate_user(session, user_id=coordinator.id, system=True)
    session.refresh(coordinator)
    assert coordinator.active


def test_a_coordinator_deactivates_another(session, coordinator):
    other = _add(session, coordinator, "second@example.org", role=m.UserRole.COORDINATOR)
    users.deactivate_user(session, actor=other, user_id=coordinator.id)
    assert _fresh(session, coordinator.id).active is False


@pytest.mark.parametrize("action", [users.deactivate_user, users.reactivate_user])
def test_activation_is_for_coordinators(session, facilitator, anna, action):
    with pytest.raises(PermissionDenied):
        action(session, actor=facilitator, user_id=anna.id)
    with pytest.raises(NotFound):
        action(session, user_id=999_999, system=True)
    session.refresh(anna)
    assert anna.active


def test_deactivating_twice_or_reactivating_an_active_user_is_refused(session, coordinator, anna):
    with pytest.raises(InvalidInput, match="already active"):
        users.reactivate_user(session, actor=coordinator, user_id=anna.id)
    users.deactivate_user(session, actor=coordinator, user_id=anna.id)
    with pytest.raises(InvalidInput, match="already deactivated"):
        users.deactivate_user(session, actor=coordinator, user_id=anna.id)


# --- passwords of accounts --------------------------------------------------------


def test_coordinator_resets_a_password(session, coordinator, anna):
    users.reset_password(session, actor=coordinator, user_id=anna.id, new_password=OTHER)
    assert users.authenticate(session, anna.email, OTHER).id == anna.id
    with pytest.raises(AuthenticationFailed):
        users.authenticate(session, anna.email, GOOD)


def test_only_a_coordinator_resets_someone_elses_password(session, facilitator, anna):
    with pytest.raises(PermissionDenied, match="Only a coordinator"):
        users.reset_password(session, actor=facilitator, user_id=anna.id, new_password=OTHER)
    with pytest.raises(PermissionDenied):
        users.reset_password(session, actor=None, user_id=anna.id, new_password=OTHER)
    assert users.authenticate(session, anna.email, GOOD).id == anna.id


def test_nobody_resets_their_own_password_without_the_current_one(session, coordinator, anna):
    """Resetting asks for no current password: one's own goes through change_password."""
    for person in (anna, coordinator):
        before = person.password_hash
        with pytest.raises(PermissionDenied, match="your own password.*My account"):
            users.reset_password(session, actor=person, user_id=person.id, new_password=OTHER)
        session.refresh(person)
        assert person.password_hash == before


@pytest.mark.parametrize(
    ("user_id", "password", "error"),
    [("anna", "tooshort", InvalidInput), (999_999, OTHER, NotFound)],
)
def test_reset_password_refuses_bad_input(session, coordinator, anna, user_id, password, error):
    before = anna.password_hash
    with pytest.raises(error):
        users.reset_password(
            session,
            actor=coordinator,
            user_id=anna.id if user_id == "anna" else user_id,
            new_password=password,
        )
    session.refresh(anna)
    assert anna.password_hash == before


def test_system_resets_any_password(session, anna):
    users.reset_password(session, user_id=anna.id, new_password=OTHER, system=True)
    assert users.authenticate(session, anna.email, OTHER).id == anna.id


def test_change_password(session, anna):
    users.change_password(session, user=anna, old_password=GOOD, new_password=OTHER)
    assert users.authenticate(session, anna.email, OTHER).id == anna.id


@pytest.mark.parametrize(
    ("old", "new", "error", "words"),
    [
        ("not my password", OTHER, AuthenticationFailed, "current password is wrong"),
        (GOOD, GOOD, InvalidInput, "same as the current one"),
        (GOOD, "tiny", InvalidInput, "at least 10"),
    ],
)
def test_change_password_refuses(session, anna, old, new, error, words):
    with pytest.raises(error, match=words):
        users.change_password(session, user=anna, old_password=old, new_password=new)
    assert users.authenticate(session, anna.email, GOOD).id == anna.id


def test_change_password_checks_the_stored_account_not_the_callers_copy(session, coordinator, anna):
    users.deactivate_user(session, actor=coordinator, user_id=anna.id)
    stale = m.User(id=anna.id, email=anna.email, role=anna.role, active=True)
    with pytest.raises(PermissionDenied):
        users.change_password(session, user=stale, old_password=GOOD, new_password=OTHER)
    session.refresh(anna)
    assert verify_password(GOOD, anna.password_hash)


# --- listing ----------------------------------------------------------------------


def test_list_users_with_tandem_names_in_two_queries(session, world):
    users.set_tandems(
        session,
        actor=world.coordinator,
        user_id=world.member.id,
        tandem_ids=[world.tandem.id, world.other_tandem.id],
    )
    users.deactivate_user(session, actor=world.coordinator, user_id=world.outsider.id)
    statements = []

    def count(*_args):
        statements.append(1)

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", count)
    try:
        listing = users.list_users(session, actor=world.coordinator)
    finally:
        event.remove(bind, "before_cursor_execute", count)

    assert len(statements) == 2
    assert [row.user.email for row in listing] == [
        "arezzo@example.org",
        "coordinator@example.org",
        "facilitator@example.org",
        "utrecht@example.org",
    ]
    assert listing[0].tandems == ("Arezzo–Arnsberg", "Utrecht–Pirna")
    assert listing[1].tandems == ()
    assert listing[3].tandems == ("Utrecht–Pirna",) and not listing[3].user.active

    active = users.list_users(session, actor=world.coordinator, include_inactive=False)
    assert "utrecht@example.org" not in [row.user.email for row in active]


def test_list_users_is_for_coordinators(session, world):
    with pytest.raises(PermissionDenied):
        users.list_users(session, actor=world.facilitator)
    assert len(users.list_users(session, system=True)) == 4
