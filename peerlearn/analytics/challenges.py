"""Counts of challenges for the plenary's charts, grouped in SQL."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from peerlearn.models import Category, Challenge, City, EventSession, Tandem, Theme, User
from peerlearn.services.permissions import require_reader

NONE = "(none)"


def _scoped(statement, network_id: int, event_id: int | None):
    statement = statement.join(Tandem, Tandem.id == Challenge.tandem_id).where(
        Tandem.network_id == network_id,
        Tandem.archived_at.is_(None),
        Challenge.archived_at.is_(None),
    )
    if event_id is not None:
        statement = statement.join(EventSession, EventSession.id == Challenge.session_id).where(
            EventSession.event_id == event_id
        )
    return statement


def _frame(rows, keys: list[str]) -> pd.DataFrame:
    # Typed columns even when empty, so the charts know what they plot.
    frame = pd.DataFrame(rows, columns=[*keys, "challenges"])
    frame = frame.astype({keys[0]: "string", keys[1]: "string", "challenges": "int64"})
    return frame.sort_values(keys, ignore_index=True)


def by_category_and_tandem(
    session: Session, *, actor: User, network_id: int, event_id: int | None = None
) -> pd.DataFrame:
    """Columns category, tandem, challenges: one row per pair that has any."""
    require_reader(actor)
    statement = _scoped(
        select(
            func.coalesce(Category.name, NONE),
            Tandem.name,
            func.count(Challenge.id),
        ).outerjoin(Category, Category.id == Challenge.category_id),
        network_id,
        event_id,
    ).group_by(Category.name, Tandem.name)
    rows = session.execute(statement).all()
    return _frame(rows, ["category", "tandem"])


def by_theme_and_city(
    session: Session, *, actor: User, network_id: int, event_id: int | None = None
) -> pd.DataFrame:
    """Columns theme, city, challenges: one row per pair that has any."""
    require_reader(actor)
    statement = _scoped(
        select(
            func.coalesce(Theme.name, NONE),
            func.coalesce(City.name, NONE),
            func.count(Challenge.id),
        )
        .outerjoin(Theme, Theme.id == Challenge.theme_id)
        .outerjoin(City, City.id == Challenge.city_id),
        network_id,
        event_id,
    ).group_by(Theme.name, City.name)
    rows = session.execute(statement).all()
    return _frame(rows, ["theme", "city"])
