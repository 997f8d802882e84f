"""Sign-ins: a random token per sign-in, which the session holds and looks up on every
run, and which a browser that stays signed in also keeps in a cookie.

The database holds only the token's SHA-256, so a copy of the database signs nobody
in. A token works until it expires, its account is deactivated, its password changes
or it is signed out.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlmodel import Session

from peerlearn.errors import PermissionDenied
from peerlearn.models import SignInToken, User
from peerlearn.services.store import commit, get, now

LIFETIME = timedelta(days=14)
TOKEN_BYTES = 32


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _stamp(user: User) -> str:
    return _digest(user.password_hash or "")


def remember(session: Session, *, user_id: int) -> str:
    """A new token that keeps the active account ``user_id`` signed in; returns it."""
    user = get(session, User, user_id, label="account")
    if not user.active:
        raise PermissionDenied("This account is deactivated.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    moment = now()
    # Expired tokens of this account go as a new one comes: the table stays small.
    session.execute(
        delete(SignInToken).where(SignInToken.user_id == user.id, SignInToken.expires_at < moment)
    )
    session.add(
        SignInToken(
            user_id=user.id,
            token_hash=_digest(token),
            password_stamp=_stamp(user),
            created_at=moment,
            expires_at=moment + LIFETIME,
        )
    )
    commit(session)
    return token


def user_for_token(session: Session, token: str | None) -> User | None:
    """The account a browser's token still signs in, or None."""
    if not token:
        return None
    row = session.execute(
        select(SignInToken, User)
        .join(User, User.id == SignInToken.user_id)
        .where(SignInToken.token_hash == _digest(token))
    ).first()
    if row is None:
        return None
    stored, user = row
    if stored.expires_at <= now() or not user.active or stored.password_stamp != _stamp(user):
        return None
    return user


def forget(session: Session, token: str | None) -> None:
    """Sign the browser holding ``token`` out for good (nothing happens for an unknown one)."""
    if not token:
        return
    session.execute(delete(SignInToken).where(SignInToken.token_hash == _digest(token)))
    commit(session)
