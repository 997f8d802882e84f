"""First start, sign-in, sign-out, and navigation by role."""

import os

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from peerlearn.db import ENV_VAR, make_engine, table_counts
from peerlearn.models import SetupToken, User, UserRole
from peerlearn.services import sign_in_limits, sign_ins
from peerlearn.ui.auth import TOKEN_KEY
from tests.ui.conftest import APP, EMAILS, PASSWORD, signed_in


def _setup(
    at: AppTest,
    *,
    email="ada@example.org",
    password="Lovelace-1815-engine",
    confirm=None,
    demo=False,
    token: str | None = "from the log",
) -> AppTest:
    if token == "from the log":
        token = _logged_token(at)
    at.text_input(key="setup_token").input(token or "")
    at.text_input(key="setup_name").input("Ada")
    at.text_input(key="setup_email").input(email)
    at.text_input(key="setup_password").input(password)
    at.text_input(key="setup_confirm").input(confirm or password)
    at.checkbox(key="setup_demo").set_value(demo)
    return at.button[0].click().run()


def _logged_token(at: AppTest) -> str:
    """The setup token, as the server printed it (stored, so every server prints one)."""
    with Session(make_engine(os.environ[ENV_VAR])) as session:
        return session.exec(select(SetupToken.token)).one()


def test_first_start_creates_the_database_and_asks_for_a_coordinator(blank_db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Welcome to peerlearn"
    assert blank_db.exists()


def test_setup_creates_the_first_coordinator_and_signs_in(blank_db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at = _setup(at)
    assert not at.exception
    assert not at.error
    engine = make_engine(f"sqlite:///{blank_db}")
    with Session(engine) as session:
        user = session.exec(select(User)).one()
    assert (user.email, user.role) == ("ada@example.org", UserRole.COORDINATOR)
    assert sign_ins.user_for_token(session, at.session_state[TOKEN_KEY]).id == user.id
    assert any("Ada" in t.value for t in at.sidebar.text)


def test_the_setup_token_is_printed_in_the_servers_log(blank_db, capfd):
    at = AppTest.from_file(APP, default_timeout=60).run()
    token = _logged_token(at)
    assert token in capfd.readouterr().err
    at.run()  # printed once per server, not at every run
    assert token not in capfd.readouterr().err


@pytest.mark.parametrize("token", ["", "not-the-token"])
def test_setup_refuses_a_missing_or_wrong_token_and_writes_nothing(blank_db, token):
    at = _setup(AppTest.from_file(APP, default_timeout=60).run(), token=token)
    assert "setup token" in at.error[0].value
    assert table_counts(make_engine(f"sqlite:///{blank_db}"))["user"] == 0
    assert TOKEN_KEY not in at.session_state
    assert at.title[0].value == "Welcome to peerlearn"


def test_setup_with_the_demo_loads_the_demo_network(blank_db):
    at = _setup(AppTest.from_file(APP, default_timeout=120).run(), demo=True)
    assert not at.exception and not at.error
    counts = table_counts(make_engine(f"sqlite:///{blank_db}"))
    assert counts["network"] >= 4 and counts["city"] >= 40


def test_setup_refuses_a_weak_password_and_writes_nothing(blank_db):
    at = _setup(AppTest.from_file(APP, default_timeout=60).run(), password="short")
    assert at.error
    assert table_counts(make_engine(f"sqlite:///{blank_db}"))["user"] == 0
    assert TOKEN_KEY not in at.session_state


def test_setup_refuses_two_different_passwords(blank_db):
    at = _setup(AppTest.from_file(APP, default_timeout=60).run(), confirm="Another-password-42")
    assert "differ" in at.error[0].value
    assert table_counts(make_engine(f"sqlite:///{blank_db}"))["user"] == 0


def test_sign_in_with_the_right_password(app_db):
    app_db("demo")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Sign in to peerlearn"
    at.text_input(key="sign_in_email").input(EMAILS["coordinator"])
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert TOKEN_KEY in at.session_state
    assert any(b.label == "Sign out" for b in at.sidebar.button)


def test_sign_in_with_a_wrong_password_is_refused(app_db):
    app_db("demo")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="sign_in_email").input(EMAILS["coordinator"])
    at.text_input(key="sign_in_password").input("not the password")
    at.button[0].click().run()
    assert at.error[0].value == "Wrong email or password."
    assert TOKEN_KEY not in at.session_state


def test_sign_in_slows_down_after_wrong_passwords(app_db):
    app_db("demo")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="sign_in_email").input(EMAILS["coordinator"])
    for _ in range(sign_in_limits.ACCOUNT_TRIES):
        at.text_input(key="sign_in_password").input("not the password")
        at.button[0].click().run()
        assert at.error[0].value == "Wrong email or password."
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click().run()
    assert "Too many sign-in attempts" in at.error[0].value
    assert TOKEN_KEY not in at.session_state


def test_sign_out(app_db):
    at = signed_in(app_db("demo"), "coordinator")
    at.sidebar.button(key="sign_out").click().run()
    assert TOKEN_KEY not in at.session_state
    assert at.title[0].value == "Sign in to peerlearn"


def test_a_deactivated_account_is_signed_out_at_once(app_db):
    engine = app_db("demo")
    at = signed_in(engine, "facilitator")
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == EMAILS["facilitator"])).one()
        user.active = False
        session.add(user)
        session.commit()
    at.run()
    assert at.title[0].value == "Sign in to peerlearn"


def _sign_in_page(app_db, secrets: dict | None = None) -> AppTest:
    app_db("demo")
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    return at.run()


def test_without_a_provider_there_is_only_the_password_form(app_db):
    at = _sign_in_page(app_db)
    assert "Sign in with your organisation" not in [b.label for b in at.button]


def test_with_auth_in_the_secrets_the_provider_button_appears(app_db):
    provider = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "not-a-real-secret-but-long-enough",
        "client_id": "peerlearn",
        "client_secret": "x",
        "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
    }
    at = _sign_in_page(app_db, {"auth": provider})
    assert not at.exception
    assert "Sign in with your organisation" in [b.label for b in at.button]
    assert at.text_input(key="sign_in_email")  # the password form stays
