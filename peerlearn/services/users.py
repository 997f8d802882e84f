"""Accounts: who may sign in, with which role, and for which tandems.

Coordinators manage accounts. Two callers have no signed-in actor:

- first-run setup (:func:`set_up`): while no user exists, whoever has the setup token
  the server printed may create the first account, which must be a coordinator;
- the ``peerlearn`` command, run by whoever holds the database URL, passes
  ``system=True``. A flag rather than a made-up coordinator ``User``: the trust is
  visible at each call, and no fake identity can end up in rows recording who did what.
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from peerlearn import rules
from peerlearn.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    PeerlearnError,
    PermissionDenied,
)
from peerlearn.inputs import without_controls
from peerlearn.models import SetupToken, Tandem, User, UserCreate, UserRole, UserTandem
from peerlearn.passwords import hash_password, needs_rehash, password_problem, verify_password
from peerlearn.services import sign_in_limits
from peerlearn.services.permissions import require_coordinator, require_signed_in
from peerlearn.services.store import commit, get, get_active, lock, now
from peerlearn.services.text import choice

WRONG_CREDENTIALS = "Wrong email or password."
DEACTIVATED = "This account has been deactivated; ask a coordinator to reactivate it."
# The same for an email with an account and one without.
TOO_MANY_TRIES = (
    "Too many sign-in attempts with this email or from this network. Wait {wait} and try again."
)
WRONG_SETUP_TOKEN = (
    "The setup token is missing or wrong. Copy it from the log of the peerlearn server, "
    "where it was printed when this page first opened."
)
ALREADY_SET_UP = "peerlearn is already set up: sign in, or ask a coordinator for an account."


@dataclass(frozen=True)
class UserListing:
    """A user with the names of their tandems, for the accounts screen."""

    user: User
    tandems: tuple[str, ...]


# --- lookups ----------------------------------------------------------------------


def _find(session: Session, address: str) -> User | None:
    # lower() on both sides: rows written by other code may not be normalised.
    return session.exec(select(User).where(func.lower(User.email) == address)).first()


def is_first_run(session: Session) -> bool:
    """True while no account exists: the app then offers to create the first coordinator."""
    return session.exec(select(User.id).limit(1)).first() is None


def user_by_email(session: Session, email: str, *, include_inactive: bool = False) -> User | None:
    """The account for ``email`` (active ones only unless asked), e.g. for single sign-on."""
    address = without_controls(email or "").strip().lower()
    if not address:
        return None
    user = _find(session, address)
    if user is None or not (user.active or include_inactive):
        return None
    return user


# --- checks -----------------------------------------------------------------------


def _tandems(session: Session, role: str, tandem_ids: Iterable[int]) -> list[Tandem]:
    """The tandems a user of ``role`` is linked to: some for a tandem member, none otherwise."""
    ids = list(dict.fromkeys(tandem_ids))
    if role == UserRole.TANDEM and not ids:
        raise InvalidInput(
            "A tandem member must belong to at least one tandem; choose their tandems.",
            field="tandem_ids",
        )
    if role != UserRole.TANDEM and ids:
        raise InvalidInput(
            f"Only tandem members belong to tandems; a {role} works with every tandem. "
            "Remove the tandems or choose the role 'tandem'.",
            field="tandem_ids",
        )
    return [get_active(session, Tandem, ident, label="tandem") for ident in ids]


def _checked_password(password: str, email: str) -> str:
    problem = password_problem(password, email=email)
    if problem:
        raise InvalidInput(problem, field="password")
    return hash_password(password)


def _refuse_last_coordinator(session: Session, user: User, doing: str) -> None:
    """Refuse ``doing`` to ``user`` when they are the only active coordinator left."""
    if user.role != UserRole.COORDINATOR or not user.active:
        return
    others = session.exec(
        select(User.id).where(User.role == UserRole.COORDINATOR, User.active, User.id != user.id)
    ).first()
    if others is None:
        raise Conflict(
            f"{user.email} is the last active coordinator; add another coordinator "
            f"before you {doing} this account."
        )


def _link_tandems(session: Session, user: User, tandems: list[Tandem]) -> None:
    session.execute(delete(UserTandem).where(UserTandem.user_id == user.id))
    session.add_all(UserTandem(user_id=user.id, tandem_id=tandem.id) for tandem in tandems)


# --- writing ----------------------------------------------------------------------


def add_user(
    session: Session, *, actor: User | None, data: UserCreate, system: bool = False
) -> User:
    """Create an account (``data.password=None``: one that signs in only by single sign-on)."""
    if not system:
        require_coordinator(actor)
    user = _new_user(session, data)
    commit(session, conflict=_duplicate(data.email))
    return user


def setup_token(session: Session) -> str | None:
    """The token the first-run form asks for, or None once an account exists.

    Made at first need and stored, so that every server prints the same one; whoever
    reaches an empty install over the network first cannot claim it without the
    server's log.
    """
    if not is_first_run(session):
        return None
    row = session.get(SetupToken, SETUP_ROW)
    if row is None:
        session.add(SetupToken(id=SETUP_ROW, token=secrets.token_urlsafe(24)))
        # Another server may make it at the same moment: theirs is read below.
        with contextlib.suppress(Conflict):
            commit(session)
        session.expire_all()
        row = get(session, SetupToken, SETUP_ROW, label="setup token")
    return row.token


def set_up(session: Session, *, token: str | None, data: UserCreate) -> User:
    """First run: the first coordinator, made by whoever holds the setup token. Once
    only, even when two browsers submit the setup form at the same instant."""
    if not is_first_run(session):
        raise Conflict(ALREADY_SET_UP)
    row = session.get(SetupToken, SETUP_ROW)
    if row is None or not token or not hmac.compare_digest(row.token, token):
        raise PermissionDenied(WRONG_SETUP_TOKEN, field="token")
    # One setup at a time; the one that waited finds the account made meanwhile.
    lock(session, row)
    session.expire_all()
    if not is_first_run(session) or session.get(SetupToken, SETUP_ROW) is None:
        session.rollback()
        raise Conflict(ALREADY_SET_UP)
    if UserRole(data.role) != UserRole.COORDINATOR:
        session.rollback()
        raise InvalidInput(
            "The first account must be a coordinator, who can then add the others.",
            field="role",
        )
    try:
        user = _new_user(session, data)
    except PeerlearnError:
        session.rollback()
        raise
    # One-time: gone with the first account, in the same transaction.
    session.execute(delete(SetupToken))
    commit(session, conflict=_duplicate(data.email))
    return user


SETUP_ROW = 1


def _duplicate(address: str) -> str:
    return f"There is already an account for {address}."


def _new_user(session: Session, data: UserCreate) -> User:
    """Add the account ``data`` describes, with its tandem links, without committing."""
    role = UserRole(data.role)
    address = data.email
    if _find(session, address) is not None:
        raise Conflict(_duplicate(address), field="email")
    tandems = _tandems(session, role, data.tandem_ids)
    password = data.password
    password_hash = _checked_password(password, address) if password is not None else None

    user = User(email=address, name=data.name, role=role, password_hash=password_hash)
    session.add(user)
    try:
        session.flush()  # the id, for the tandem links
    except IntegrityError as error:
        session.rollback()
        raise Conflict(_duplicate(address), field="email") from error
    _link_tandems(session, user, tandems)
    return user


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    address: str | None = None,
    at: datetime | None = None,
) -> User:
    """The active account matching ``email`` and ``password``; AuthenticationFailed otherwise.

    Unknown email and wrong password get the same message, so a stranger cannot learn
    which addresses have accounts; only the right password reveals a deactivation.
    Tries are limited per email and per network ``address`` (sign_in_limits): past the
    limit a try is refused before its password is hashed, with or without an account.
    """
    typed = without_controls(email or "").strip().lower()
    moment = at or now()
    wait = sign_in_limits.wait_left(session, email=typed, address=address, at=moment)
    if wait > timedelta(0):
        raise AuthenticationFailed(TOO_MANY_TRIES.format(wait=rules.wait_in_words(wait)))
    sign_in_limits.count_try(session, email=typed, address=address, at=moment)
    user = _find(session, typed) if typed else None
    if user is None or not user.password_hash:
        # The same work as a real check, so the time taken does not tell either.
        verify_password(password or "", _dummy_hash())
        raise AuthenticationFailed(WRONG_CREDENTIALS)
    if not verify_password(password or "", user.password_hash):
        raise AuthenticationFailed(WRONG_CREDENTIALS)
    sign_in_limits.forgive(session, email=typed, address=address)
    if not user.active:
        commit(session)
        raise AuthenticationFailed(DEACTIVATED)
    user.last_login_at = moment
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    commit(session)
    return user


@cache
def _dummy_hash() -> str:
    return hash_password("not anybody's password")


def set_role(
    session: Session,
    *,
    actor: User | None,
    user_id: int,
    role: str,
    tandem_ids: Iterable[int] = (),
) -> User:
    """Change a user's role; a tandem member's tandems are replaced by ``tandem_ids``."""
    require_coordinator(actor)
    user = get(session, User, user_id, label="user")
    role = UserRole(choice(role, UserRole, label="The role", field="role"))
    tandems = _tandems(session, role, tandem_ids)
    if role != UserRole.COORDINATOR:
        _refuse_last_coordinator(session, user, "change the role of")
    user.role = role
    _link_tandems(session, user, tandems)
    commit(session, conflict=f"The role of {user.email} changed meanwhile; try again.")
    return user


def set_tandems(
    session: Session, *, actor: User | None, user_id: int, tandem_ids: Iterable[int]
) -> User:
    """Replace the tandems a tandem member works for."""
    require_coordinator(actor)
    user = get(session, User, user_id, label="user")
    tandems = _tandems(session, user.role, tandem_ids)
    _link_tandems(session, user, tandems)
    commit(session, conflict=f"The tandems of {user.email} changed meanwhile; try again.")
    return user


def deactivate_user(
    session: Session, *, actor: User | None = None, user_id: int, system: bool = False
) -> User:
    """Stop an account from signing in; its past work stays attributed to it."""
    if not system:
        require_coordinator(actor)
    user = get(session, User, user_id, label="user")
    if not user.active:
        raise InvalidInput(f"{user.email} is already deactivated.")
    if actor is not None and actor.id == user.id:
        raise PermissionDenied(
            "You cannot deactivate your own account; another coordinator must do it."
        )
    _refuse_last_coordinator(session, user, "deactivate")
    user.active = False
    commit(session)
    return user


def reactivate_user(
    session: Session, *, actor: User | None = None, user_id: int, system: bool = False
) -> User:
    if not system:
        require_coordinator(actor)
    user = get(session, User, user_id, label="user")
    if user.active:
        raise InvalidInput(f"{user.email} is already active.")
    user.active = True
    commit(session)
    return user


def reset_password(
    session: Session,
    *,
    actor: User | None = None,
    user_id: int,
    new_password: str,
    system: bool = False,
) -> User:
    """A coordinator sets someone else's password (for a person who forgot theirs).

    Nobody resets their own password this way, coordinators included: it asks for no
    current password, so a borrowed session could take the account over. People
    change their own with :func:`change_password`, which does ask.
    """
    if not system:
        actor = require_signed_in(actor)
        if actor.id == user_id:
            raise PermissionDenied(
                "You cannot reset your own password here. Change it under My account, "
                "which asks for the current one first."
            )
        if actor.role != UserRole.COORDINATOR:
            raise PermissionDenied(
                "Only a coordinator can reset someone else's password; change your own "
                "under My account."
            )
    user = get(session, User, user_id, label="user")
    user.password_hash = _checked_password(new_password, user.email)
    commit(session)
    return user


def change_password(
    session: Session, *, user: User | None, old_password: str, new_password: str
) -> User:
    """A signed-in user replaces their password, proving they know the current one."""
    require_signed_in(user)
    # The stored row, not the caller's copy: it may be stale (deactivated, new password).
    stored = require_signed_in(get(session, User, user.id, label="user"))
    if not verify_password(old_password or "", stored.password_hash):
        raise AuthenticationFailed("The current password is wrong.", field="old_password")
    if new_password == old_password:
        raise InvalidInput(
            "The new password is the same as the current one; choose a different one.",
            field="password",
        )
    stored.password_hash = _checked_password(new_password, stored.email)
    commit(session)
    return stored


# --- reading ----------------------------------------------------------------------


def list_users(
    session: Session,
    *,
    actor: User | None = None,
    include_inactive: bool = True,
    system: bool = False,
) -> list[UserListing]:
    """Every account by email, with its tandem names (two queries in all)."""
    if not system:
        require_coordinator(actor)
    statement = select(User).order_by(User.email)
    if not include_inactive:
        statement = statement.where(User.active)
    users = session.exec(statement).all()
    names: dict[int, list[str]] = {user.id: [] for user in users}
    if names:
        links = session.exec(
            select(UserTandem.user_id, Tandem.name)
            .join(Tandem, Tandem.id == UserTandem.tandem_id)
            .where(UserTandem.user_id.in_(names))
            .order_by(Tandem.name)
        )
        for user_id, tandem_name in links:
            names[user_id].append(tandem_name)
    return [UserListing(user=user, tandems=tuple(names[user.id])) for user in users]
