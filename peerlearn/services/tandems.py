"""Tandems: two or more partner cities of one network, on a theme, up to a deadline.

The coordinator writes; anyone signed in with an active account reads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from peerlearn.errors import Conflict, InvalidInput, NotFound
from peerlearn.models import (
    Challenge,
    City,
    Membership,
    Milestone,
    Network,
    Roadmap,
    Tandem,
    TandemCity,
    TandemCreate,
    TandemUpdate,
    Theme,
    User,
)
from peerlearn.services.network import find_name_clash
from peerlearn.services.permissions import require_coordinator, require_reader
from peerlearn.services.store import commit, get, get_active, now, refuse_if_used

# --- validation helpers -----------------------------------------------------------


def _city_label(city: City) -> str:
    return f"{city.name} ({city.country})"


def _theme_id(session: Session, theme_id: int | None, *, current: int | None = None) -> int | None:
    """``theme_id`` if it names an active theme (or the tandem's current one)."""
    if theme_id is None or theme_id == current:
        return theme_id
    return get_active(session, Theme, theme_id, label="theme").id


def _partner_cities(
    session: Session,
    network: Network,
    city_ids: Iterable[int] | None,
    *,
    current: Collection[int] = (),
) -> list[City]:
    """The distinct, existing member cities of ``network`` named by ``city_ids``.

    Cities already in the tandem (``current``) may stay even if since archived.
    """
    ids = list(city_ids or [])
    cities = {c.id: c for c in session.exec(select(City).where(City.id.in_(ids)))} if ids else {}
    for ident in ids:
        city = cities.get(ident)
        if city is None:
            raise NotFound(f"No city with id {ident}.", field="city_ids")
        if city.archived_at is not None and ident not in current:
            raise NotFound(
                f"The city {_city_label(city)} is archived; restore it first.", field="city_ids"
            )
    twice = [ident for ident, n in Counter(ids).items() if n > 1]
    if twice:
        raise InvalidInput(
            f"{_city_label(cities[twice[0]])} is listed twice; a tandem's partner cities "
            "must be different.",
            field="city_ids",
        )
    if len(ids) < 2:
        raise InvalidInput(
            f"A tandem needs at least two different partner cities; {len(ids)} given.",
            field="city_ids",
        )
    members = set(
        session.exec(
            select(Membership.city_id).where(
                Membership.network_id == network.id, Membership.city_id.in_(ids)
            )
        )
    )
    for ident in ids:
        if ident not in members:
            raise InvalidInput(
                f"{_city_label(cities[ident])} is not a member of the network "
                f"'{network.name}'; add it to the network first.",
                field="city_ids",
            )
    return [cities[ident] for ident in ids]


def _refuse_name_clash(
    session: Session, network: Network, name: str, *, exclude_id: int | None = None
) -> None:
    clash = find_name_clash(
        session, Tandem, name, Tandem.network_id == network.id, exclude_id=exclude_id
    )
    if clash is not None:
        hint = " (it is archived; restore it instead)" if clash.archived_at is not None else ""
        raise Conflict(
            f"A tandem named '{clash.name}' already exists in the network '{network.name}'{hint}.",
            field="name",
        )


def refuse_leaving_partners(session: Session, tandem: Tandem, leaving: set[int]) -> None:
    """Conflict when a city in ``leaving`` is named by the tandem's challenges or
    milestones: it may not leave the tandem (the Excel import asks this too)."""
    if not leaving:
        return
    challenges = dict(
        session.exec(
            select(Challenge.city_id, func.count())
            .where(Challenge.tandem_id == tandem.id, Challenge.city_id.in_(leaving))
            .group_by(Challenge.city_id)
        ).all()
    )
    milestones = dict(
        session.exec(
            select(Milestone.owner_city_id, func.count())
            .join(Roadmap, Roadmap.id == Milestone.roadmap_id)
            .where(Roadmap.tandem_id == tandem.id, Milestone.owner_city_id.in_(leaving))
            .group_by(Milestone.owner_city_id)
        ).all()
    )
    for ident in sorted(leaving):
        uses = []
        if challenges.get(ident):
            uses.append(f"{challenges[ident]} challenge(s)")
        if milestones.get(ident):
            uses.append(f"{milestones[ident]} roadmap milestone(s)")
        if uses:
            city = get(session, City, ident, label="city")
            raise Conflict(
                f"{_city_label(city)} cannot leave the tandem '{tandem.name}': "
                f"{' and '.join(uses)} of this tandem name it. Change those first.",
                field="city_ids",
            )


def _flush(session: Session, *, conflict: str) -> None:
    """Flush (to get new ids); a constraint violation becomes Conflict, as in commit()."""
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise Conflict(conflict) from error


# --- writes -----------------------------------------------------------------------


def add_tandem(
    session: Session, *, actor: User | None, data: TandemCreate, system: bool = False
) -> Tandem:
    """Add a tandem; the trusted command line (an import) passes ``system=True``."""
    if not system:
        require_coordinator(actor)
    network = get_active(session, Network, data.network_id, label="network")
    theme_id = _theme_id(session, data.theme_id)
    cities = _partner_cities(session, network, data.city_ids)
    _refuse_name_clash(session, network, data.name)
    conflict = f"A tandem named '{data.name}' already exists in the network '{network.name}'."
    tandem = Tandem(
        network_id=network.id,
        name=data.name,
        theme_id=theme_id,
        deadline=data.deadline,
        description=data.description,
        is_example=data.is_example,
    )
    session.add(tandem)
    _flush(session, conflict=conflict)
    session.add_all([TandemCity(tandem_id=tandem.id, city_id=city.id) for city in cities])
    commit(session, conflict=conflict)
    return tandem


def update_tandem(
    session: Session,
    *,
    actor: User | None,
    tandem_id: int,
    data: TandemUpdate,
    system: bool = False,
) -> Tandem:
    """Change the fields given; ``theme_id=None`` or ``deadline=None`` clears them.

    ``city_ids`` replaces the partner cities; a city named by the tandem's challenges
    or milestones cannot leave it.
    """
    if not system:
        require_coordinator(actor)
    tandem = get_active(session, Tandem, tandem_id, label="tandem")
    network = get(session, Network, tandem.network_id, label="network")
    values = data.changes()
    city_ids = values.pop("city_ids", None)
    if "name" in values:
        _refuse_name_clash(session, network, values["name"], exclude_id=tandem.id)
    if "theme_id" in values:
        values["theme_id"] = _theme_id(session, values["theme_id"], current=tandem.theme_id)
    joining: set[int] = set()
    leaving: set[int] = set()
    if "city_ids" in data.changes():
        current = set(
            session.exec(select(TandemCity.city_id).where(TandemCity.tandem_id == tandem.id))
        )
        wanted = {city.id for city in _partner_cities(session, network, city_ids, current=current)}
        joining, leaving = wanted - current, current - wanted
        refuse_leaving_partners(session, tandem, leaving)

    for field, value in values.items():
        setattr(tandem, field, value)
    if leaving:
        session.exec(
            delete(TandemCity).where(
                TandemCity.tandem_id == tandem.id, TandemCity.city_id.in_(leaving)
            )
        )
    session.add_all([TandemCity(tandem_id=tandem.id, city_id=ident) for ident in joining])
    commit(
        session,
        conflict=f"A tandem named '{tandem.name}' already exists in the network '{network.name}'.",
    )
    return tandem


def archive_tandem(session: Session, *, actor: User, tandem_id: int) -> Tandem:
    require_coordinator(actor)
    tandem = get_active(session, Tandem, tandem_id, label="tandem")
    tandem.archived_at = now()
    commit(session)
    return tandem


def restore_tandem(session: Session, *, actor: User, tandem_id: int) -> Tandem:
    require_coordinator(actor)
    tandem = get(session, Tandem, tandem_id, label="tandem")
    if tandem.archived_at is None:
        raise InvalidInput(
            f"The tandem '{tandem.name}' is not archived; there is nothing to restore."
        )
    tandem.archived_at = None
    commit(session)
    return tandem


def delete_tandem(session: Session, *, actor: User, tandem_id: int) -> None:
    """Delete a tandem without challenges or milestones (its empty roadmap, partner
    list and members' access go with it); otherwise archive it instead."""
    require_coordinator(actor)
    tandem = get(session, Tandem, tandem_id, label="tandem")
    refuse_if_used(
        session,
        f"The tandem '{tandem.name}'",
        {
            "challenge(s)": select(Challenge.id).where(Challenge.tandem_id == tandem.id),
            "roadmap milestone(s)": select(Milestone.id)
            .join(Roadmap, Roadmap.id == Milestone.roadmap_id)
            .where(Roadmap.tandem_id == tandem.id),
        },
    )
    session.delete(tandem)
    commit(session, conflict=f"The tandem '{tandem.name}' is still in use; archive it instead.")


# --- reads ------------------------------------------------------------------------


@dataclass(frozen=True)
class TandemListing:
    tandem: Tandem
    network_name: str
    theme_name: str | None
    cities: tuple[City, ...]

    @property
    def city_names(self) -> list[str]:
        return [city.name for city in self.cities]


def list_tandems(
    session: Session,
    *,
    actor: User,
    network_id: int | None = None,
    include_archived: bool = False,
) -> list[TandemListing]:
    """Tandems (of one network, or all) with network, theme and partner cities.

    Two queries whatever the number of tandems: the tandems, then all their cities.
    """
    require_reader(actor)
    conditions = []
    if network_id is not None:
        conditions.append(Tandem.network_id == network_id)
    if not include_archived:
        conditions.append(Tandem.archived_at.is_(None))
    rows = session.exec(
        select(Tandem, Network.name, Theme.name)
        .join(Network, Network.id == Tandem.network_id)
        .outerjoin(Theme, Theme.id == Tandem.theme_id)
        .where(*conditions)
        .order_by(func.lower(Network.name), func.lower(Tandem.name), Tandem.id)
    ).all()
    if not rows:
        if network_id is not None:
            get(session, Network, network_id, label="network")
        return []
    partners: dict[int, list[City]] = {}
    for tandem_id, city in session.exec(
        select(TandemCity.tandem_id, City)
        .join(City, City.id == TandemCity.city_id)
        .join(Tandem, Tandem.id == TandemCity.tandem_id)
        .where(*conditions)
        .order_by(func.lower(City.name), City.id)
    ):
        partners.setdefault(tandem_id, []).append(city)
    return [
        TandemListing(tandem, network_name, theme_name, tuple(partners.get(tandem.id, [])))
        for tandem, network_name, theme_name in rows
    ]


def tandem_cities(session: Session, *, actor: User, tandem_id: int) -> list[City]:
    """A tandem's partner cities, by name."""
    require_reader(actor)
    tandem = get(session, Tandem, tandem_id, label="tandem")
    return list(
        session.exec(
            select(City)
            .join(TandemCity, TandemCity.city_id == City.id)
            .where(TandemCity.tandem_id == tandem.id)
            .order_by(func.lower(City.name), City.id)
        )
    )
