"""Sign-in is throttled per email and per network address, in the database, so that
guessing passwords is slow and costs no password hashing while it waits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn import rules
from peerlearn.errors import AuthenticationFailed
from peerlearn.models import UserCreate
from peerlearn.services import sign_in_limits, users
from peerlearn.services.store import now

GOOD = "correct horse battery"
WRONG = "not the password at all"
ANNA = "anna@example.org"
VENUE = "203.0.113.7"


@pytest.fixture
def anna(session, coordinator):
    data = UserCreate(email=ANNA, role=m.UserRole.FACILITATOR, password=GOOD, name="Anna")
    return users.add_user(session, actor=coordinator, data=data)


@pytest.fixture
def hashing(monkeypatch):
    """Counts the password checks authenticate makes (each one the real argon2 check)."""
    calls = []
    real = users.verify_password

    def counted(password, password_hash):
        calls.append(password_hash)
        return real(password, password_hash)

    monkeypatch.setattr(users, "verify_password", counted)
    return calls


def _refusal(session, email, password, **where) -> str:
    with pytest.raises(AuthenticationFailed) as refused:
        users.authenticate(session, email, password, **where)
    return str(refused.value)


def _fail(session, email, times, **where) -> None:
    for _ in range(times):
        assert _refusal(session, email, WRONG, **where) == users.WRONG_CREDENTIALS


def test_after_the_free_tries_even_the_right_password_waits_unchecked(session, anna, hashing):
    _fail(session, ANNA, sign_in_limits.ACCOUNT_TRIES)
    checks = len(hashing)
    message = _refusal(session, ANNA, GOOD)
    assert message != users.WRONG_CREDENTIALS and "try again" in message.lower()
    assert len(hashing) == checks  # refused before any password hashing


def test_an_unknown_email_is_told_the_same_as_a_known_one(session, anna, hashing):
    stranger, start = "nobody@example.org", now()
    _fail(session, ANNA, sign_in_limits.ACCOUNT_TRIES, at=start)
    _fail(session, stranger, sign_in_limits.ACCOUNT_TRIES, at=start)
    # Every wrong try costs one check, known email or not.
    assert len(hashing) == 2 * sign_in_limits.ACCOUNT_TRIES
    moment = start + timedelta(seconds=1)
    assert _refusal(session, ANNA, WRONG, at=moment) == _refusal(
        session, stranger, WRONG, at=moment
    )
    assert len(hashing) == 2 * sign_in_limits.ACCOUNT_TRIES


def test_the_right_password_works_after_the_wait(session, anna):
    start = now()
    _fail(session, ANNA, sign_in_limits.ACCOUNT_TRIES, at=start)
    _refusal(session, ANNA, GOOD, at=start + timedelta(seconds=1))
    later = start + rules.SIGN_IN_LONGEST_WAIT
    assert users.authenticate(session, ANNA, GOOD, at=later).id == anna.id
    # A success forgives the account's failures: the next typo is an ordinary one.
    assert _refusal(session, ANNA, WRONG, at=later) == users.WRONG_CREDENTIALS


def test_waits_grow_with_each_failure_past_the_free_tries(session, anna):
    start = now()
    _fail(session, ANNA, sign_in_limits.ACCOUNT_TRIES, at=start)
    first = sign_in_limits.wait_left(session, email=ANNA, address=None, at=start)
    assert first > timedelta(0)
    # After the first wait, one more wrong password: a longer wait.
    after = start + first
    assert _refusal(session, ANNA, WRONG, at=after) == users.WRONG_CREDENTIALS
    assert sign_in_limits.wait_left(session, email=ANNA, address=None, at=after) > first


def test_one_accounts_failures_do_not_slow_another(session, anna, coordinator):
    coordinator.password_hash = users.hash_password(GOOD)
    session.add(coordinator)
    session.commit()
    _fail(session, ANNA, sign_in_limits.ACCOUNT_TRIES, address=VENUE)
    assert _refusal(session, ANNA, GOOD, address=VENUE) != users.WRONG_CREDENTIALS
    user = users.authenticate(session, coordinator.email, GOOD, address=VENUE)
    assert user.id == coordinator.id


def test_an_address_that_guesses_many_emails_waits_and_others_do_not(session, anna, hashing):
    for n in range(sign_in_limits.ADDRESS_TRIES):
        _fail(session, f"guess{n}@example.org", 1, address=VENUE)
    checks = len(hashing)
    message = _refusal(session, ANNA, GOOD, address=VENUE)
    assert message != users.WRONG_CREDENTIALS
    assert len(hashing) == checks
    # Anna from elsewhere is not held back by that address.
    assert users.authenticate(session, ANNA, GOOD, address="198.51.100.2").id == anna.id


def test_people_signing_in_from_one_venue_do_not_use_up_its_tries(session, anna):
    for _ in range(sign_in_limits.ADDRESS_TRIES + 3):
        users.authenticate(session, ANNA, GOOD, address=VENUE)
    _fail(session, "typo@example.org", 1, address=VENUE)


def test_failures_are_shared_by_every_server(engine, anna):
    """Two sessions (as two servers on one database) see one count."""
    from sqlmodel import Session

    with Session(engine) as one, Session(engine) as two:
        for n in range(sign_in_limits.ACCOUNT_TRIES):
            _fail(one if n % 2 else two, ANNA, 1)
        assert _refusal(one, ANNA, GOOD) != users.WRONG_CREDENTIALS
        assert _refusal(two, ANNA, GOOD) != users.WRONG_CREDENTIALS


def test_counts_are_forgotten_an_hour_after_the_last_failure(session, anna):
    start = now()
    _fail(session, ANNA, sign_in_limits.ACCOUNT_TRIES, at=start)
    _fail(session, "typo@example.org", 1, at=start)
    later = start + sign_in_limits.FORGOTTEN_AFTER + timedelta(seconds=1)
    # Five fresh tries again, and the forgotten counts are gone from the table.
    _fail(session, ANNA, sign_in_limits.ACCOUNT_TRIES, at=later)
    assert len(session.exec(select(m.SignInThrottle)).all()) == 1
