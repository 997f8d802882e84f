"""Who is signed in: the session's user, reloaded from the database on every run."""

from __future__ import annotations

import streamlit as st

from peerlearn.models import User
from peerlearn.services import users as user_service
from peerlearn.ui.db import db
from peerlearn.ui.navigation import ensure_router

USER_KEY = "user_id"


def current_user() -> User | None:
    """The signed-in, still active user, or None (a deactivated account is signed out)."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        oidc_user = _oidc_user()
        if oidc_user is not None:
            st.session_state[USER_KEY] = oidc_user.id
        return oidc_user
    with db() as session:
        user = session.get(User, user_id)
    if user is None or not user.active:
        st.session_state.pop(USER_KEY, None)
        return None
    return user


def sign_in(user: User) -> None:
    st.session_state[USER_KEY] = user.id


def sign_out() -> None:
    st.session_state.pop(USER_KEY, None)
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


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
    if not email:
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
