"""Reads for the account screens that the users service does not offer."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from peerlearn.errors import PermissionDenied
from peerlearn.models import Tandem, User, UserRole, UserTandem
from peerlearn.services.permissions import require_signed_in
from peerlearn.services.store import get


def tandems_of(session: Session, *, actor: User | None, user_id: int) -> list[Tandem]:
    """The tandems ``user_id`` works for (archived ones too), by name; one query.

    A coordinator may ask about anyone, everybody else only about themself.
    """
    actor = require_signed_in(actor)
    if actor.role != UserRole.COORDINATOR and actor.id != user_id:
        raise PermissionDenied("You may only see your own tandems; a coordinator sees everyone's.")
    get(session, User, user_id, label="user")
    return list(
        session.exec(
            select(Tandem)
            .join(UserTandem, UserTandem.tandem_id == Tandem.id)
            .where(UserTandem.user_id == user_id)
            .order_by(func.lower(Tandem.name), Tandem.id)
        )
    )
