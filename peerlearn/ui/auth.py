"""Who is signed in: the session's user, reloaded from the database on every run.

A browser that chose to stay signed in keeps a token in a cookie, so a reload, a
bookmark or a second tab opens as the same user (peerlearn.services.sign_ins).
"""

from __future__ import annotations

import streamlit as st

from peerlearn.models import User
from peerlearn.services import sign_ins
from peerlearn.services import users as user_service
from peerlearn.ui.cookies import delete_cookie, get_cookie, set_cookie
from peerlearn.ui.db import db
from peerlearn.ui.navigation import ensure_router

USER_KEY = "user_id"
COOKIE = "pl_signin"
# The token this session signed in with; the cookie change the next run writes
# (a token to keep, or "" to forget it).
TOKEN_KEY = "_signin_token"
PENDING_KEY = "_signin_cookie"
STALE_KEY = "_signin_stale"


def current_user() -> User | None:
    """The signed-in, still active user, or None (a deactivated account is signed out)."""
    _write_pending_cookie()
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        user = _oidc_user() or _remembered_user()
        if user is not None:
            st.session_state[USER_KEY] = user.id
        return user
    with db() as session:
        user = session.get(User, user_id)
    if user is None or not user.active:
        st.session_state.pop(USER_KEY, None)
        return None
    return user


def sign_in(user: User, *, remember: bool = True) -> None:
    """Sign ``user`` in for this session and, with ``remember``, for this browser."""
    st.session_state[USER_KEY] = user.id
    if remember:
        with db() as session:
            token = sign_ins.remember(session, user_id=user.id)
        st.session_state[TOKEN_KEY] = token
        st.session_state[PENDING_KEY] = token


def sign_out() -> None:
    st.session_state.pop(USER_KEY, None)
    token = st.session_state.pop(TOKEN_KEY, None) or get_cookie(COOKIE)
    if token:
        with db() as session:
            sign_ins.forget(session, token)
        st.session_state[PENDING_KEY] = ""
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


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
        st.session_state[TOKEN_KEY] = token
    return user


def _write_pending_cookie() -> None:
    """Set or clear the sign-in cookie in the run after signing in or out: that run
    ends with a rerun, which would cut the script writing it short."""
    pending = st.session_state.pop(PENDING_KEY, None)
    if pending:
        set_cookie(COOKIE, pending, max_age=int(sign_ins.LIFETIME.total_seconds()))
    elif pending == "":
        delete_cookie(COOKIE)


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
