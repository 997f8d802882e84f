"""Staying signed in: tokens that a browser keeps, and what ends them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import NotFound, PermissionDenied
from peerlearn.passwords import hash_password
from peerlearn.services import sign_ins


def test_a_token_signs_its_account_in_and_only_its_hash_is_stored(session, coordinator):
    token = sign_ins.remember(session, user_id=coordinator.id)
    assert sign_ins.user_for_token(session, token).id == coordinator.id
    stored = session.exec(select(m.SignInToken)).one()
    assert token not in (stored.token_hash, stored.password_stamp)
    assert len(token) >= 40


def test_each_sign_in_gets_a_token_of_its_own(session, coordinator):
    first = sign_ins.remember(session, user_id=coordinator.id)
    second = sign_ins.remember(session, user_id=coordinator.id)
    assert first != second
    sign_ins.forget(session, first)
    assert sign_ins.user_for_token(session, first) is None
    assert sign_ins.user_for_token(session, second).id == coordinator.id


@pytest.mark.parametrize("token", [None, "", "not-a-token", "x" * 500])
def test_unknown_tokens_sign_nobody_in(session, coordinator, token):
    sign_ins.remember(session, user_id=coordinator.id)
    assert sign_ins.user_for_token(session, token) is None
    sign_ins.forget(session, token)  # harmless
    assert len(session.exec(select(m.SignInToken)).all()) == 1


def test_an_expired_token_lapses_and_is_cleared_at_the_next_sign_in(session, coordinator):
    token = sign_ins.remember(session, user_id=coordinator.id)
    stored = session.exec(select(m.SignInToken)).one()
    stored.expires_at = stored.created_at - timedelta(seconds=1)
    session.add(stored)
    session.commit()
    assert sign_ins.user_for_token(session, token) is None
    sign_ins.remember(session, user_id=coordinator.id)
    assert len(session.exec(select(m.SignInToken)).all()) == 1


def test_deactivating_the_account_ends_its_tokens(session, coordinator):
    token = sign_ins.remember(session, user_id=coordinator.id)
    coordinator.active = False
    session.add(coordinator)
    session.commit()
    assert sign_ins.user_for_token(session, token) is None


def test_a_new_password_ends_the_tokens_issued_before(session, coordinator):
    coordinator.password_hash = hash_password("first password here")
    session.add(coordinator)
    session.commit()
    token = sign_ins.remember(session, user_id=coordinator.id)
    coordinator.password_hash = hash_password("second password here")
    session.add(coordinator)
    session.commit()
    assert sign_ins.user_for_token(session, token) is None


def test_no_token_for_a_deactivated_or_unknown_account(session, coordinator, unchanged):
    coordinator.active = False
    session.add(coordinator)
    session.commit()
    with unchanged():
        with pytest.raises(PermissionDenied, match="deactivated"):
            sign_ins.remember(session, user_id=coordinator.id)
        with pytest.raises(NotFound):
            sign_ins.remember(session, user_id=999_999)
