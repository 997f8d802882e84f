"""First run: the first coordinator is made once, by whoever holds the setup token the
server printed, even when two browsers submit the setup form at the same instant."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.errors import PeerlearnError, PermissionDenied
from peerlearn.models import UserCreate
from peerlearn.services import users

GOOD = "correct horse battery"
ROUNDS = 5


def _data(email: str) -> UserCreate:
    return UserCreate(email=email, role=m.UserRole.COORDINATOR, password=GOOD, name="First")


def _coordinators(session) -> int:
    session.expire_all()
    return len(session.exec(select(m.User).where(m.User.role == m.UserRole.COORDINATOR)).all())


def test_the_setup_token_is_kept_until_the_first_account_exists(session):
    token = users.setup_token(session)
    assert token and len(token) >= 20
    # Every server asking gets the same token (it is stored, not per process).
    assert users.setup_token(session) == token
    user = users.set_up(session, token=token, data=_data("first@example.org"))
    assert user.role == m.UserRole.COORDINATOR
    assert not users.is_first_run(session)
    assert users.setup_token(session) is None
    assert session.exec(select(m.SetupToken)).first() is None


@pytest.mark.parametrize("token", [None, "", "wrong-token", "x" * 500])
def test_setup_refuses_a_wrong_or_missing_token(session, unchanged, token):
    users.setup_token(session)
    with unchanged(), pytest.raises(PermissionDenied, match="setup token"):
        users.set_up(session, token=token, data=_data("first@example.org"))
    assert users.is_first_run(session)


def test_setup_is_refused_once_an_account_exists(session, coordinator, unchanged):
    with unchanged(), pytest.raises(PeerlearnError, match="already set up"):
        users.set_up(session, token="anything", data=_data("late@example.org"))


def test_without_a_signed_in_coordinator_add_user_refuses_even_on_first_run(session, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        users.add_user(session, actor=None, data=_data("first@example.org"))


def test_the_command_line_needs_no_token(session):
    user = users.add_user(session, actor=None, data=_data("ops@example.org"), system=True)
    assert user.role == m.UserRole.COORDINATOR


def _setups_at_once(engine, token: str, emails: list[str]) -> list[str]:
    """Submit the setup form for each of ``emails`` at the same instant; what each got."""
    barrier = threading.Barrier(len(emails))
    outcomes: list[str] = []

    def run(email: str) -> None:
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            try:
                users.set_up(own, token=token, data=_data(email))
                outcomes.append("made")
            except PeerlearnError as error:
                outcomes.append(str(error))

    threads = [threading.Thread(target=run, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_setups_at_once_make_one_coordinator(engine, session):
    for round_ in range(ROUNDS):
        for user in session.exec(select(m.User)).all():
            session.delete(user)
        session.commit()
        token = users.setup_token(session)
        emails = [f"first{round_}-{n}@example.org" for n in range(2)]
        outcomes = _setups_at_once(engine, token, emails)
        assert _coordinators(session) == 1, outcomes
        assert outcomes.count("made") == 1, outcomes
        assert any("already set up" in outcome for outcome in outcomes), outcomes
