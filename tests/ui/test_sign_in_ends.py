"""A sign-in ends for every tab that holds it, at its next run: signing out (in that tab
or another holding the same cookie), a new password, a coordinator's reset and a
deactivation each bring up the sign-in form, on both databases."""

from __future__ import annotations

import pytest
import streamlit as st
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from peerlearn import models as m
from peerlearn.db import ENV_VAR
from peerlearn.models import UserCreate
from peerlearn.services import users
from peerlearn.ui import auth
from tests.ui.conftest import APP, PASSWORD

ANNA = "anna@example.org"
BOSS = "boss@example.org"
SIGN_IN = "Sign in to peerlearn"
NEW_PASSWORD = "A-brand-new-password-2024"


@pytest.fixture
def accounts(engine, monkeypatch):
    """The app on ``engine`` (SQLite or PostgreSQL) with a coordinator and a facilitator."""
    with Session(engine, expire_on_commit=False) as session:
        for email, role in ((BOSS, m.UserRole.COORDINATOR), (ANNA, m.UserRole.FACILITATOR)):
            users.add_user(
                session,
                actor=None,
                system=True,
                data=UserCreate(email=email, role=role, password=PASSWORD, name=email[:4]),
            )
    monkeypatch.setenv(ENV_VAR, engine.url.render_as_string(hide_password=False))
    st.cache_resource.clear()
    st.cache_data.clear()
    return engine


@pytest.fixture
def jar(monkeypatch):
    """The browser's cookies as the app reads them; a copied cookie is one jar for two tabs."""
    cookies: dict[str, str] = {}
    monkeypatch.setattr(auth, "get_cookie", cookies.get)
    return cookies


def _tab() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def _sign_in(email: str, *, remember: bool = True) -> AppTest:
    at = _tab().run()
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.checkbox(key="sign_in_remember").set_value(remember)
    at.button[0].click().run()
    assert _signed_in(at)
    return at


def _signed_in(at: AppTest) -> bool:
    assert not at.exception
    return at.title[0].value != SIGN_IN and any(b.label == "Sign out" for b in at.sidebar.button)


def _copied(jar: dict, at: AppTest) -> AppTest:
    """A second browser given the first one's cookie: signed in by it."""
    jar[auth.COOKIE] = at.session_state[auth.TOKEN_KEY]
    other = _tab().run()
    assert _signed_in(other)
    return other


def _user(engine, email: str) -> m.User:
    with Session(engine) as session:
        return session.exec(select(m.User).where(m.User.email == email)).one()


def test_signing_out_ends_the_tab_holding_a_copied_cookie(accounts, jar):
    first = _sign_in(ANNA)
    second = _copied(jar, first)
    first.sidebar.button(key="sign_out").click().run()
    assert not _signed_in(first)
    second.run()
    assert not _signed_in(second)
    assert second.title[0].value == SIGN_IN


def test_signing_out_in_the_copy_ends_the_first_tab_too(accounts, jar):
    first = _sign_in(ANNA)
    second = _copied(jar, first)
    second.sidebar.button(key="sign_out").click().run()
    first.run()
    assert not _signed_in(first)


def test_a_coordinators_reset_ends_open_tabs(accounts, jar):
    session_only = _sign_in(ANNA, remember=False)  # another browser, no cookie
    first = _sign_in(ANNA)
    second = _copied(jar, first)
    with Session(accounts, expire_on_commit=False) as session:
        users.reset_password(
            session,
            actor=_user(accounts, BOSS),
            user_id=_user(accounts, ANNA).id,
            new_password=NEW_PASSWORD,
        )
    for tab in (first, second, session_only):
        tab.run()
        assert not _signed_in(tab)


def test_a_new_password_keeps_the_tab_that_changed_it_and_ends_the_others(accounts, jar):
    elsewhere = _sign_in(ANNA, remember=False)  # another browser, no cookie
    first = _sign_in(ANNA)
    second = _copied(jar, first)
    first.switch_page("pages/account.py").run()
    first.text_input(key="account_old").input(PASSWORD)
    first.text_input(key="account_new").input(NEW_PASSWORD)
    first.text_input(key="account_repeat").input(NEW_PASSWORD)
    first.button(key="account_submit").click().run()
    assert not first.error
    assert _signed_in(first)
    first.run()
    assert _signed_in(first)
    for tab in (second, elsewhere):
        tab.run()
        assert not _signed_in(tab)


def test_deactivation_ends_open_tabs(accounts, jar):
    first = _sign_in(ANNA)
    session_only = _sign_in(ANNA, remember=False)
    with Session(accounts, expire_on_commit=False) as session:
        users.deactivate_user(
            session, actor=_user(accounts, BOSS), user_id=_user(accounts, ANNA).id
        )
    for tab in (first, session_only):
        tab.run()
        assert not _signed_in(tab)
