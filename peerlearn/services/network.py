"""The network: networks, cities, memberships (a city's role in a network), themes
and categories of need.

The coordinator writes; anyone signed in with an active account reads.
"""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from peerlearn.errors import Conflict, InvalidInput, NotFound
from peerlearn.inputs import Input, missing
from peerlearn.models import (
    Category,
    CategoryCreate,
    CategoryUpdate,
    Challenge,
    City,
    CityCreate,
    CityUpdate,
    Membership,
    MembershipCreate,
    Milestone,
    Network,
    NetworkCreate,
    NetworkUpdate,
    Participant,
    Tandem,
    TandemCity,
    Theme,
    ThemeCreate,
    ThemeUpdate,
    User,
    Vote,
)
from peerlearn.places import Suggestion, city_key, country_code, stored_country, suggestions
from peerlearn.services.permissions import require_coordinator, require_reader
from peerlearn.services.store import (
    commit,
    get,
    get_active,
    kept,
    kept_if_any,
    now,
    refuse_if_used,
)

M = TypeVar("M", bound=SQLModel)


# --- shared helpers (tandems.py uses them too) -------------------------------------


def find_name_clash(
    session: Session, model: type[M], name: str, *conditions, exclude_id: int | None = None
) -> M | None:
    """The row of ``model`` whose name equals ``name`` ignoring case, if any.

    Compared in Python with casefold: SQLite's lower() only folds ASCII, so 'Łódź'
    and 'ŁÓDŹ' would slip past a SQL comparison. These tables hold tens to hundreds
    of rows, so reading their names is cheap.
    """
    key = name.strip().casefold()
    # Columns, not rows: an import adds rows one by one, each compared with all.
    for ident, stored in session.exec(select(model.id, model.name).where(*conditions)):
        if ident != exclude_id and stored.strip().casefold() == key:
            return session.get(model, ident)
    return None


def _archived_hint(row) -> str:
    return " (it is archived; restore it instead)" if row.archived_at is not None else ""


# --- things with a unique name: networks, themes, categories ----------------------


def _add_named(session: Session, model: type[M], *, actor: User, what: str, data: Input) -> M:
    require_coordinator(actor)
    values = data.model_dump()
    if clash := find_name_clash(session, model, values["name"]):
        raise Conflict(
            f"A {what} named '{clash.name}' already exists{_archived_hint(clash)}.", field="name"
        )
    row = model(**values)
    session.add(row)
    commit(session, conflict=f"A {what} named '{values['name']}' already exists.")
    return row


def _update_named(
    session: Session,
    model: type[M],
    ident: int,
    *,
    actor: User,
    what: str,
    data: Input,
) -> M:
    require_coordinator(actor)
    row = get_active(session, model, ident, label=what)
    values = data.changes()
    if "name" in values and (
        clash := find_name_clash(session, model, values["name"], exclude_id=row.id)
    ):
        raise Conflict(
            f"Another {what} is already named '{clash.name}'{_archived_hint(clash)}.",
            field="name",
        )
    for field, value in values.items():
        setattr(row, field, value)
    commit(session, conflict=f"Another {what} already has this name.")
    return row


def _archive(session: Session, model: type[M], ident: int, *, actor: User, what: str) -> M:
    require_coordinator(actor)
    row = get_active(session, model, ident, label=what)
    row.archived_at = now()
    commit(session)
    return row


def _restore(session: Session, model: type[M], ident: int, *, actor: User, what: str) -> M:
    require_coordinator(actor)
    row = get(session, model, ident, label=what)
    if row.archived_at is None:
        raise InvalidInput(f"The {what} '{row.name}' is not archived; there is nothing to restore.")
    row.archived_at = None
    commit(session)
    return row


def _list_named(
    session: Session, model: type[M], *, actor: User, include_archived: bool
) -> list[M]:
    require_reader(actor)
    statement = select(model).order_by(func.lower(model.name), model.id)
    if not include_archived:
        statement = statement.where(model.archived_at.is_(None))
    return list(session.exec(statement))


# --- networks ---------------------------------------------------------------------


def add_network(session: Session, *, actor: User, data: NetworkCreate) -> Network:
    return _add_named(session, Network, actor=actor, what="network", data=data)


def update_network(
    session: Session, *, actor: User, network_id: int, data: NetworkUpdate
) -> Network:
    return _update_named(session, Network, network_id, actor=actor, what="network", data=data)


def archive_network(session: Session, *, actor: User, network_id: int) -> Network:
    return _archive(session, Network, network_id, actor=actor, what="network")


def restore_network(session: Session, *, actor: User, network_id: int) -> Network:
    return _restore(session, Network, network_id, actor=actor, what="network")


def list_networks(
    session: Session, *, actor: User, include_archived: bool = False
) -> list[Network]:
    return _list_named(session, Network, actor=actor, include_archived=include_archived)


# --- themes -----------------------------------------------------------------------


def add_theme(session: Session, *, actor: User, data: ThemeCreate) -> Theme:
    return _add_named(session, Theme, actor=actor, what="theme", data=data)


def update_theme(session: Session, *, actor: User, theme_id: int, data: ThemeUpdate) -> Theme:
    return _update_named(session, Theme, theme_id, actor=actor, what="theme", data=data)


def archive_theme(session: Session, *, actor: User, theme_id: int) -> Theme:
    return _archive(session, Theme, theme_id, actor=actor, what="theme")


def restore_theme(session: Session, *, actor: User, theme_id: int) -> Theme:
    return _restore(session, Theme, theme_id, actor=actor, what="theme")


def list_themes(session: Session, *, actor: User, include_archived: bool = False) -> list[Theme]:
    return _list_named(session, Theme, actor=actor, include_archived=include_archived)


# --- categories of need -----------------------------------------------------------


def add_category(session: Session, *, actor: User, data: CategoryCreate) -> Category:
    return _add_named(session, Category, actor=actor, what="category", data=data)


def update_category(
    session: Session, *, actor: User, category_id: int, data: CategoryUpdate
) -> Category:
    return _update_named(session, Category, category_id, actor=actor, what="category", data=data)


def archive_category(session: Session, *, actor: User, category_id: int) -> Category:
    return _archive(session, Category, category_id, actor=actor, what="category")


def restore_category(session: Session, *, actor: User, category_id: int) -> Category:
    return _restore(session, Category, category_id, actor=actor, what="category")


def list_categories(
    session: Session, *, actor: User, include_archived: bool = False
) -> list[Category]:
    return _list_named(session, Category, actor=actor, include_archived=include_archived)


# --- cities -----------------------------------------------------------------------

CITY_COLUMNS = ("id", "name", "country", "latitude", "longitude")


def _city_key(name: str, country: str) -> tuple[str, str]:
    # "Malaga" and "Málaga", "Vari-Voula" and "Vari–Voula", Germany and Deutschland:
    # one city (the rule imports follow too).
    return city_key(name, country)


def _city_exists_message(city: City) -> str:
    return f"A city named '{city.name}' in {city.country} already exists{_archived_hint(city)}."


_CITY_KEYS = "network.city_keys"


def _city_keys(session: Session) -> dict[tuple[str, str], set[int]]:
    """Every stored city's key and ids; read once per import or demo load (kept), since
    they add cities one by one and comparing each with all again grows with the square."""

    def build() -> dict[tuple[str, str], set[int]]:
        keys: dict[tuple[str, str], set[int]] = {}
        for ident, name, country in session.exec(select(City.id, City.name, City.country)):
            keys.setdefault(_city_key(name, country), set()).add(ident)
        return keys

    return kept(session, _CITY_KEYS, build)


def _city_keys_moved(
    session: Session, city: City, old: tuple[str, str] | None, *, gone: bool = False
) -> None:
    """Keep the kept keys right after ``city`` was added, renamed or deleted."""
    keys = kept_if_any(session, _CITY_KEYS)
    if keys is None:
        return
    if old is not None:
        keys.get(old, set()).discard(city.id)
    if not gone:
        keys.setdefault(_city_key(city.name, city.country), set()).add(city.id)


def _city_clash(
    session: Session, name: str, country: str, *, exclude_id: int | None = None
) -> City | None:
    others = _city_keys(session).get(_city_key(name, country), set()) - {exclude_id}
    return session.get(City, min(others)) if others else None


def add_city(
    session: Session, *, actor: User | None, data: CityCreate, system: bool = False
) -> City:
    """Add a city; the trusted command line (an import) passes ``system=True``."""
    if not system:
        require_coordinator(actor)
    data = _with_stored_country(session, data)
    values = data.model_dump()
    if clash := _city_clash(session, data.name, data.country):
        raise Conflict(_city_exists_message(clash), field="name")
    city = City(**values)
    session.add(city)
    commit(
        session,
        conflict=f"A city named '{data.name}' in {data.country} already exists.",
    )
    _city_keys_moved(session, city, None)
    return city


def update_city(
    session: Session, *, actor: User | None, city_id: int, data: CityUpdate, system: bool = False
) -> City:
    """Change the fields given; ``latitude=None, longitude=None`` clears the position."""
    if not system:
        require_coordinator(actor)
    city = get_active(session, City, city_id, label="city")
    result = _city_result(city, data)
    if "country" in data.changes():
        result = _with_stored_country(session, result)
    if clash := _city_clash(session, result.name, result.country, exclude_id=city.id):
        raise Conflict(_city_exists_message(clash), field="name")
    old = _city_key(city.name, city.country)
    for field, value in result.model_dump().items():
        setattr(city, field, value)
    commit(
        session,
        conflict=f"A city named '{result.name}' in {result.country} already exists.",
    )
    _city_keys_moved(session, city, old)
    return city


def _with_stored_country(session: Session, data: CityCreate) -> CityCreate:
    """'Deutschland' or 'DE' is stored as the network spells Germany already."""
    if country_code(data.country) is None:
        return data  # a country no language names: kept as typed, nothing to read
    # Each spelling once with its count: an import adds its cities one by one.
    spellings = session.exec(select(City.country, func.count()).group_by(City.country))
    country = stored_country(data.country, Counter(dict(spellings.all())).elements())
    return data if country == data.country else data.model_copy(update={"country": country})


def near_cities(
    session: Session, *, actor: User, name: str, country: str, exclude_id: int | None = None
) -> list[Suggestion]:
    """Stored cities that ``name`` in ``country`` may mean without spelling them
    (another language's name, a close spelling): the Network screen asks before it
    adds one of them a second time."""
    require_coordinator(actor)
    if not name.strip():
        return []
    cities = session.exec(select(City).where(City.archived_at.is_(None))).all()
    return suggestions(name, country or None, [c for c in cities if c.id != exclude_id])


def _city_result(city: City | None, data: CityUpdate) -> CityCreate:
    """The whole city ``data`` leaves, checked as a new one (coordinates both or neither)."""
    # A new row's blank name reads "must not be blank", as an empty cell would.
    stored = {f: None if city is None else getattr(city, f) for f in CityCreate.model_fields}
    return CityCreate(**(stored | data.changes()))


def archive_city(session: Session, *, actor: User, city_id: int) -> City:
    return _archive(session, City, city_id, actor=actor, what="city")


def restore_city(session: Session, *, actor: User, city_id: int) -> City:
    return _restore(session, City, city_id, actor=actor, what="city")


def delete_city(session: Session, *, actor: User, city_id: int) -> None:
    """Delete a city nothing refers to; otherwise say what does (archive it instead)."""
    require_coordinator(actor)
    city = get(session, City, city_id, label="city")
    refuse_if_used(
        session,
        f"The city '{city.name}' ({city.country})",
        {
            "network membership(s)": select(Membership.id).where(Membership.city_id == city.id),
            "tandem(s)": select(TandemCity.tandem_id).where(TandemCity.city_id == city.id),
            "challenge(s)": select(Challenge.id).where(Challenge.city_id == city.id),
            "participant(s)": select(Participant.id).where(Participant.city_id == city.id),
            "roadmap milestone(s)": select(Milestone.id).where(Milestone.owner_city_id == city.id),
            "vote(s)": select(Vote.id).where(Vote.city_id == city.id),
        },
    )
    session.delete(city)
    commit(
        session,
        conflict=f"The city '{city.name}' is still referenced elsewhere; archive it instead.",
    )
    _city_keys_moved(session, city, _city_key(city.name, city.country), gone=True)


@dataclass(frozen=True)
class CityListing:
    """A city, with its role in the network asked for (None when none was asked)."""

    city: City
    role: str | None = None
    joined_on: date | None = None


def list_cities(
    session: Session,
    *,
    actor: User,
    network_id: int | None = None,
    include_archived: bool = False,
) -> list[CityListing]:
    """All cities, or the members of one network with their role there, by name."""
    require_reader(actor)
    order = (func.lower(City.name), func.lower(City.country), City.id)
    active = () if include_archived else (City.archived_at.is_(None),)
    if network_id is None:
        cities = session.exec(select(City).where(*active).order_by(*order))
        return [CityListing(city) for city in cities]
    get(session, Network, network_id, label="network")
    rows = session.exec(
        select(City, Membership.role, Membership.joined_on)
        .join(Membership, Membership.city_id == City.id)
        .where(Membership.network_id == network_id, *active)
        .order_by(*order)
    )
    return [CityListing(city, role, joined) for city, role, joined in rows]


@dataclass(frozen=True)
class BulkResult:
    added: int
    updated: int


def _row_id(value: object) -> int | None:
    if missing(value):
        return None
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value.strip())
    # An id column with empty cells comes out of a data editor as floats (3.0).
    is_number = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if is_number and float(value).is_integer():
        return int(value)
    raise InvalidInput(
        f"The id must be a whole number, or empty for a new city (got {value!r}).", field="id"
    )


def _row_label(number: int, city: City | None) -> str:
    """How a message names a row: by the stored city it edits (a data editor hides
    row numbers, its id and name columns are what people see), else by its number."""
    if city is not None:
        return f"The row of {city.name} (id {city.id})"
    return f"New row {number}"


def _row_error(label: str, error: InvalidInput) -> InvalidInput:
    column = error.field or "id"
    return InvalidInput(f"{label}, column '{column}': {error.message}", field=column)


def bulk_update_cities(
    session: Session, *, actor: User, rows: Sequence[Mapping[str, Any]]
) -> BulkResult:
    """Save the rows of a city data editor: rows with an id update it, others are added.

    Every row is checked before anything is written; the first bad one is reported
    by the city it edits (name and id; a new row by its number, from 1) and column,
    and nothing is saved. Columns a row leaves out keep their stored value. Rows that
    change nothing are not counted.

    The rows are the editor's records, cells as it gives them: each becomes a
    CityUpdate here, so that a bad cell is reported by the row it is in.
    """
    require_coordinator(actor)
    stored = {city.id: city for city in session.exec(select(City))}
    plan: list[tuple[City | None, dict]] = []
    labels: list[str] = []
    seen_ids: dict[int, int] = {}
    for number, row in enumerate(rows, start=1):
        label = f"Row {number}"
        try:
            unknown = [column for column in row if column not in CITY_COLUMNS]
            if unknown:
                raise InvalidInput(
                    f"There is no such column; use only {', '.join(CITY_COLUMNS)}.",
                    field=str(unknown[0]),
                )
            ident = _row_id(row.get("id"))
            city = None
            if ident is not None:
                city = stored.get(ident)
                if city is None:
                    raise InvalidInput(f"No city with id {ident}.", field="id")
                if city.archived_at is not None:
                    raise InvalidInput(
                        f"The city '{city.name}' is archived; restore it before editing.",
                        field="id",
                    )
                label = _row_label(number, city)
                if ident in seen_ids:
                    raise InvalidInput(
                        f"The city '{city.name}' is already in row {seen_ids[ident]}.",
                        field="id",
                    )
                seen_ids[ident] = number
            else:
                label = _row_label(number, None)
            cells = {field: row[field] for field in CITY_COLUMNS[1:] if field in row}
            result = _city_result(city, CityUpdate(**cells))
            if "country" in cells:
                result = _with_stored_country(session, result)
            values = result.model_dump()
        except InvalidInput as error:
            raise _row_error(label, error) from None
        plan.append((city, values))
        labels.append(label)

    # Duplicates are judged on the result: the stored cities the rows leave alone,
    # plus every row in order.
    owners: dict[tuple[str, str], str | City] = {
        _city_key(c.name, c.country): c for c in stored.values() if c.id not in seen_ids
    }
    for label, (_city, values) in zip(labels, plan, strict=True):
        key = _city_key(values["name"], values["country"])
        owner = owners.get(key)
        if isinstance(owner, City):
            raise _row_error(label, InvalidInput(_city_exists_message(owner), field="name"))
        if owner is not None:
            raise _row_error(
                label,
                InvalidInput(
                    f"The city '{values['name']}' in {values['country']} is also in "
                    f"{owner[0].lower()}{owner[1:]}.",
                    field="name",
                ),
            )
        owners[key] = label

    added = updated = 0
    for city, values in plan:
        if city is None:
            session.add(City(**values))
            added += 1
        elif any(getattr(city, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(city, field, value)
            updated += 1
    if added or updated:
        commit(
            session,
            conflict="Two cities would end up with the same name and country; "
            "save the renames one at a time.",
        )
    return BulkResult(added=added, updated=updated)


# --- memberships ------------------------------------------------------------------


def member_city(session: Session, network_id: int, city_id: int, *, field: str) -> City:
    """The active city ``city_id`` once it is a member of the network (a lookup behind
    the targets and solutions a city has there); InvalidInput naming ``field`` if not."""
    city = get_active(session, City, city_id, label="city")
    found = session.exec(
        select(Membership.id).where(
            Membership.network_id == network_id, Membership.city_id == city_id
        )
    ).first()
    if found is None:
        raise InvalidInput(
            f"{city.name} is not a city of this network; add it on the Network page first.",
            field=field,
        )
    return city


def _membership(session: Session, network: Network, city: City) -> Membership | None:
    return session.exec(
        select(Membership).where(Membership.network_id == network.id, Membership.city_id == city.id)
    ).first()


def set_membership(
    session: Session,
    *,
    actor: User | None,
    data: MembershipCreate,
    system: bool = False,
) -> Membership:
    """Make the city a member of the network with its role, or change its role there."""
    if not system:
        require_coordinator(actor)
    network = get_active(session, Network, data.network_id, label="network")
    city = get_active(session, City, data.city_id, label="city")
    membership = _membership(session, network, city)
    if membership is None:
        membership = Membership(network_id=network.id, city_id=city.id, role=data.role)
        session.add(membership)
    else:
        membership.role = data.role
    if data.joined_on is not None:
        membership.joined_on = data.joined_on
    commit(session, conflict=f"{city.name} is already a member of the network '{network.name}'.")
    return membership


def remove_membership(session: Session, *, actor: User, network_id: int, city_id: int) -> None:
    """Take a city out of a network, unless it is a partner in one of its tandems."""
    require_coordinator(actor)
    network = get_active(session, Network, network_id, label="network")
    # An archived city may still leave a network (a step before deleting it).
    city = get(session, City, city_id, label="city")
    membership = _membership(session, network, city)
    if membership is None:
        raise NotFound(f"{city.name} is not a member of the network '{network.name}'.")
    # Archived tandems count too: their history still names the city as a partner.
    tandems = session.exec(
        select(Tandem.name)
        .join(TandemCity, TandemCity.tandem_id == Tandem.id)
        .where(Tandem.network_id == network.id, TandemCity.city_id == city.id)
        .order_by(Tandem.name)
    ).all()
    if tandems:
        names = ", ".join(f"'{name}'" for name in tandems)
        raise Conflict(
            f"{city.name} cannot leave the network '{network.name}': it is a partner in "
            f"the tandem(s) {names}. Take it out of those tandems first."
        )
    session.delete(membership)
    commit(session)
