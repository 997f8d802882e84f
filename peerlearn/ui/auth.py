"""Who is signed in: the session's user, reloaded from the database on every run.

A browser that chose to stay signed in keeps a token in a cookie, so a reload, a
bookmark or a second tab opens as the same user (peerlearn.services.sign_ins).
"""

from __future__ import annotations

import sys

import streamlit as st

from peerlearn.models import User
from peerlearn.services import sign_ins
from peerlearn.services import users as user_service
from peerlearn.ui.cookies import delete_cookie, get_cookie, set_cookie
from peerlearn.ui.db import ACTOR_KEY, db
from peerlearn.ui.navigation import ensure_router

COOKIE = "pl_signin"
# The sign-in this session holds: the token of a row of peerlearn.services.sign_ins,
# looked up on every run, so that signing out anywhere, a new password or a
# deactivation ends it at this session's next run. Every sign-in has one; only a
# remembered one is also in the browser's cookie.
TOKEN_KEY = "_signin_token"
KEPT_KEY = "_signin_kept"
# The cookie change the next run writes (a token to keep, or "" to forget it).
PENDING_KEY = "_signin_cookie"
STALE_KEY = "_signin_stale"


def current_user() -> User | None:
    """The signed-in, still active user, or None: checked against the database on every
    run (one read of the sign-in's row), so a sign-in ended elsewhere ends here too.
    What this run writes is recorded in the audit trail as theirs."""
    user = _checked_user()
    st.session_state[ACTOR_KEY] = None if user is None else user.id
    return user


def _checked_user() -> User | None:
    _write_pending_cookie()
    token = st.session_state.get(TOKEN_KEY)
    if token is not None:
        with db() as session:
            user = sign_ins.user_for_token(session, token)
        if user is not None:
            return user
        _ended(token)
    return _oidc_user() or _remembered_user()


def sign_in(user: User, *, remember: bool = True) -> None:
    """Sign ``user`` in for this session and, with ``remember``, for this browser."""
    with db() as session:
        token = sign_ins.remember(session, user_id=user.id)
    _hold(token, kept=remember)
    if remember:
        st.session_state[PENDING_KEY] = token


def stay_signed_in(user: User) -> None:
    """After ``user`` changed their own password in this session: this session (and the
    browser's cookie, if it kept the sign-in) goes on under the new password, while
    every other sign-in of the account has ended with the old one."""
    old = st.session_state.get(TOKEN_KEY)
    kept = bool(st.session_state.get(KEPT_KEY))
    with db() as session:
        sign_ins.forget(session, old)
    sign_in(user, remember=kept)


def sign_out() -> None:
    """End this session's sign-in, and the browser's kept one, wherever else they are open."""
    token = st.session_state.pop(TOKEN_KEY, None)
    kept = st.session_state.pop(KEPT_KEY, False)
    st.session_state.pop(ACTOR_KEY, None)
    cookie = get_cookie(COOKIE)
    with db() as session:
        for ending in {token, cookie} - {None}:
            sign_ins.forget(session, ending)
    if kept or cookie:
        st.session_state[STALE_KEY] = cookie
        st.session_state[PENDING_KEY] = ""
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def _hold(token: str, *, kept: bool) -> None:
    st.session_state[TOKEN_KEY] = token
    st.session_state[KEPT_KEY] = kept


def _ended(token: str) -> None:
    """The sign-in ``token`` ended elsewhere: forget it here, and in the cookie."""
    st.session_state.pop(TOKEN_KEY, None)
    st.session_state.pop(KEPT_KEY, None)
    if get_cookie(COOKIE) == token:
        st.session_state[STALE_KEY] = token
        delete_cookie(COOKIE)


def _remembered_user() -> User | None:
    # After a sign-out the cookie this session started with is still seen here, but
    # its token is gone from the database by then.
    token = get_cookie(COOKIE)
    if token is None or st.session_state.get(STALE_KEY) == token:
        return None
    with db() as session:
        user = sign_ins.user_for_token(session, token)
    if user is None:
        # Expired or ended: not looked up again in this session, and gone next time.
        st.session_state[STALE_KEY] = token
        delete_cookie(COOKIE)
    else:
        _hold(token, kept=True)
    return user


def _write_pending_cookie() -> None:
    """Set or clear the sign-in cookie in the run after signing in or out: that run
    ends with a rerun, which would cut the script writing it short."""
    pending = st.session_state.pop(PENDING_KEY, None)
    if pending:
        set_cookie(COOKIE, pending, max_age=int(sign_ins.LIFETIME.total_seconds()))
    elif pending == "":
        delete_cookie(COOKIE)


def announce_setup_token() -> None:
    """Print the setup token in the server's log, once per server, while no account
    exists: the first-run form asks for it."""
    with db() as session:
        token = user_service.setup_token(session)
    if token:
        _print_setup_token(token)


@st.cache_resource(show_spinner=False)
def _print_setup_token(token: str) -> None:
    print(
        "\n  peerlearn has no account yet; the first-run form in the browser asks for this:"
        f"\n  peerlearn setup token: {token}\n",
        file=sys.stderr,
        flush=True,
    )


def oidc_configured() -> bool:
    """True when ``[auth]`` in .streamlit/secrets.toml sets up an OpenID Connect provider."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False
    except Exception:  # a malformed secrets file must not lock everyone out
        return False


def _oidc_user() -> User | None:
    """The account whose email the organisation's provider vouched for, if any."""
    if not oidc_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    email = getattr(st.user, "email", None)
    # A provider that says it has not verified the address is not taken at its word.
    if not email or st.user.get("email_verified") is False:
        return None
    with db() as session:
        return user_service.user_by_email(session, email)


def require_user(*roles: str) -> User:
    """The signed-in user if their role may open this page; stops the page otherwise.

    The router already leaves such pages out of the navigation; this is the second lock.
    """
    ensure_router()
    user = current_user()
    if user is None:
        st.warning("Sign in to open this page.")
        st.stop()
    if roles and user.role not in roles:
        st.error("Your role does not give access to this page.")
        st.stop()
    return user
