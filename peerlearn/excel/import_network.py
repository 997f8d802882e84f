"""Importing the network's cities and tandems (the coordinator's work).

Rows match stored rows on their natural key: a city by name and country, a tandem by
network and name, ignoring case and spacing. A blank cell keeps the stored value, so a
file holding only some columns updates only those.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import select

from peerlearn.errors import Conflict, InvalidInput
from peerlearn.excel.import_rows import (
    NEW,
    Choice,
    Column,
    Context,
    ImportRow,
    RowCheck,
    SourceRow,
    city_label,
    find_city,
    find_named,
    shown,
    split_cities,
    writing,
)
from peerlearn.excel.import_values import cell_choice, cell_date, cell_number
from peerlearn.models import (
    NAME_MAX,
    TEXT_MAX,
    City,
    CityCreate,
    CityUpdate,
    Membership,
    MembershipCreate,
    Network,
    Role,
    Tandem,
    TandemCity,
    TandemCreate,
    TandemUpdate,
    Theme,
)
from peerlearn.names import name_key
from peerlearn.places import city_key, stored_country, suggestions
from peerlearn.services.network import add_city, set_membership, update_city
from peerlearn.services.tandems import add_tandem, refuse_leaving_partners, update_tandem

NETWORK = Column(
    "network",
    "Network",
    "The network's name; may be left out when the import is for one chosen network.",
    "#connectedinEurope",
    ("network name",),
)

CITY_COLUMNS = (
    Column(
        "name",
        "City",
        "The city's name as it spells itself, accents included.",
        "Arezzo",
        ("city name", "town", "municipality"),
        required=True,
    ),
    Column("country", "Country", "The country, in English.", "Italy", ("nation",), required=True),
    Column(
        "latitude",
        "Latitude",
        "Decimal degrees north (a decimal comma works too); with the longitude or not at all.",
        "43.46",
        ("lat",),
    ),
    Column(
        "longitude",
        "Longitude",
        "Decimal degrees east (negative for west).",
        "11.88",
        ("lon", "lng", "long"),
    ),
    Column(
        "role",
        "Role in network",
        "lighthouse, follower, fellow, observer or member. Used when the import is for a "
        "network: each city becomes a member of it (as 'member' when blank).",
        "follower",
        ("role", "network role", "membership"),
    ),
    Column(
        "joined",
        "Joined",
        "The day the city joined the network (31.12.2019 or 2019-12-31); a blank cell "
        "keeps the stored day. Used when the import is for a network.",
        "15.03.2019",
        ("joined on", "member since", "since", "joining date", "date joined"),
    ),
)

TANDEM_COLUMNS = (
    NETWORK,
    Column("name", "Tandem", "The tandem's name.", "Arezzo–Arnsberg", ("tandem name",), True),
    Column(
        "cities",
        "Partner cities",
        "Needed for a new tandem: two or more member cities of the network, separated "
        "by ';' (or ',' or '+'); write 'City (Country)' when two cities share a name.",
        "Arezzo; Arnsberg",
        ("cities", "partners", "partner city", "member cities", "tandem cities"),
    ),
    Column("theme", "Theme", "An exchange topic known to peerlearn.", "Urban data platforms"),
    Column(
        "deadline",
        "Deadline",
        "The end of the partnership: a date (31.12.2024) or a month (12/2024).",
        "31.12.2024",
        ("end date", "end"),
    ),
    Column("description", "Description", "Free text.", "", ("notes",)),
)


# --- cities -------------------------------------------------------------------------


def _field_of(error: InvalidInput) -> str:
    return error.field if error.field in ("name", "country", "latitude", "longitude") else "name"


def plan_cities(context: Context, rows: list[SourceRow]) -> None:
    session, network = context.session, context.network
    every = session.exec(select(City)).all()
    # One rule for the same city (places.city_key): in the stored data, within the
    # file, and across the two.
    stored = {city_key(c.name, c.country): c for c in every}
    by_id = {c.id: c for c in every}
    active = [c for c in every if c.archived_at is None]
    planned: list[_Planned] = []  # the new cities of earlier rows, by -(row number)
    spelled: dict[str, str] = {}  # a country as typed → as stored
    roles: dict[int, str] = {}
    joined_on: dict[int, date | None] = {}
    if network is not None:
        members = session.exec(
            select(Membership.city_id, Membership.role, Membership.joined_on).where(
                Membership.network_id == network.id
            )
        ).all()
        roles = {city_id: role for city_id, role, _ in members}
        joined_on = {city_id: joined for city_id, _, joined in members}
    h = context.header
    for row in rows:
        check = RowCheck(context, row)
        name = check.text("name", label="The city name", max_len=NAME_MAX, required=True)
        country = check.text("country", label="The country", max_len=NAME_MAX, required=True)
        latitude = check.read("latitude", cell_number)
        longitude = check.read("longitude", cell_number)
        role = check.read("role", cell_choice, list(Role))
        joined = check.read("joined", cell_date)
        if role and network is None:
            check.fail("role", "A role needs a network: choose the network the roles are for.")
        if joined and network is None:
            check.fail("joined", "A day of joining needs a network: choose the network.")
        if not (name and country):
            continue
        key = city_key(name, country)
        if not context.claim(check, key, "name", f"The city {name} ({country})"):
            continue
        if country not in spelled:  # once per spelling: it compares with every city
            spelled[country] = stored_country(country, [c.country for c in every])
        country = spelled[country]
        if check.ok:
            try:
                # The rules of a city typed on the Network screen, for each row.
                values = CityCreate(
                    name=name, country=country, latitude=latitude, longitude=longitude
                ).model_dump()
            except InvalidInput as error:
                check.fail(_field_of(error), error.message)
        if not check.ok:
            continue
        city = stored.get(key)
        if city is None:
            nearby = [*active, *planned]
            city = _decided(context, row.number, f"{name} ({country})", name, country, nearby)
            if city is False or (city is not None and city < 0):
                continue  # waits for a choice, or an earlier row of the file adds it
            if city is None:
                planned.append(_Planned(-row.number, name, country))
            else:
                city = by_id[city]
                known = city_key(city.name, city.country)
                if not context.claim(check, known, "name", f"The city {city_label(city)}"):
                    continue
        item = ImportRow(
            row.number,
            f"{name} ({country})",
            {
                h("name"): name,
                h("country"): country,
                h("latitude"): latitude,
                h("longitude"): longitude,
            },
        )
        if network is not None:
            kept = roles.get(city.id) if city is not None else None
            item.values[h("role")] = role or kept or Role.MEMBER.value
            if joined is not None:
                item.values[h("joined")] = joined
        if city is None:
            item.write = {**values, "role": item.values.get(h("role")), "joined_on": joined}
            context.record(item, True)
            continue
        if city.archived_at is not None:
            check.fail("name", f"The city {city_label(city)} is archived; restore it first.")
            continue
        item.target_id, item.label = city.id, city_label(city)
        for field, value in (("latitude", latitude), ("longitude", longitude)):
            if value is not None and getattr(city, field) != value:
                item.changes[h(field)] = (getattr(city, field), value)
                item.write[field] = value
        if network is not None:
            current, wanted = roles.get(city.id), item.values[h("role")]
            if current != wanted:
                item.changes[h("role")] = (current or "not a member", wanted)
                item.write["role"] = wanted
            if joined is not None and joined_on.get(city.id) != joined:
                item.changes[h("joined")] = (joined_on.get(city.id), joined)
                item.write["role"] = wanted
                item.write["joined_on"] = joined
        context.record(item, bool(item.changes))


@dataclass(frozen=True)
class _Planned:
    """A new city of an earlier row of the file, offered as a city a row may mean."""

    id: int
    name: str
    country: str


def _decided(
    context: Context, number: int, label: str, name: str, country: str, cities: list
) -> int | bool | None:
    """For a row that spells no stored city: None for a new city, the id of the stored
    city the person said it is (minus the row number: a new city of an earlier row),
    or False while a near one waits for their choice."""
    options = [
        replace(o, label=f"{o.label}, row {-o.city_id} of this file") if o.city_id < 0 else o
        for o in suggestions(name, country, cities)
    ]
    if not options:
        return None
    chosen = context.decisions.get(number)
    if chosen != NEW and chosen not in {o.city_id for o in options}:
        chosen = None
    context.choices.append(Choice(number, label, options, chosen))
    if chosen is None:
        return False
    return None if chosen == NEW else chosen


def write_cities(context: Context) -> None:
    """Each row through the services, as the Network screen writes a city and a role."""
    session, network, who = context.session, context.network, context.who
    for item in context.adds:
        with writing(item):
            values = {k: v for k, v in item.write.items() if k not in ("role", "joined_on")}
            city = add_city(session, data=CityCreate(**values), **who)
            if network is not None and item.write.get("role"):
                set_membership(
                    session,
                    data=MembershipCreate(
                        network_id=network.id,
                        city_id=city.id,
                        role=item.write["role"],
                        joined_on=item.write.get("joined_on"),
                    ),
                    **who,
                )
    for item in context.updates:
        with writing(item):
            position = {k: v for k, v in item.write.items() if k in ("latitude", "longitude")}
            if position:
                update_city(session, city_id=item.target_id, data=CityUpdate(**position), **who)
            if network is not None and "role" in item.write:
                set_membership(
                    session,
                    data=MembershipCreate(
                        network_id=network.id,
                        city_id=item.target_id,
                        role=item.write["role"],
                        joined_on=item.write.get("joined_on"),
                    ),
                    **who,
                )


# --- tandems ------------------------------------------------------------------------


def row_network(context: Context, check: RowCheck, networks: list[Network]) -> Network | None:
    """The network of a row: the one chosen for the import, else the Network column, else
    the only network there is."""
    text = check.text("network", label="The network", max_len=NAME_MAX)
    if context.network is not None:
        if text and name_key(text) != name_key(context.network.name):
            check.fail(
                "network",
                f"The import is for the network '{context.network.name}', not '{text}'.",
            )
            return None
        return context.network
    if text:
        return check.lookup("network", find_named, text, networks, what="network")
    active = [n for n in networks if n.archived_at is None]
    if len(active) == 1:
        return active[0]
    check.fail("network", "Choose the network for the import, or fill in the Network column.")
    return None


def _partners(
    check: RowCheck, network: Network, text: str, members: list[City]
) -> list[City] | None:
    outside = (
        f"a member city of the network '{network.name}' (add it to the network first, "
        "e.g. by importing cities for this network)"
    )
    cities: list[City] = []
    for part in split_cities(text):
        city = check.lookup("cities", find_city, part, members, outside=outside)
        if city is None:
            return None
        if city in cities:
            check.fail("cities", f"{city_label(city)} is listed twice.")
            return None
        cities.append(city)
    if len(cities) < 2:
        check.fail(
            "cities",
            f"A tandem needs at least two partner cities; {len(cities)} given "
            "(separate them with ';').",
        )
        return None
    return cities


def _network_members(context: Context, cities: dict[int, City]) -> dict[int, list[City]]:
    """The active member cities of every network (archived cities cannot join a tandem)."""
    members: dict[int, list[City]] = defaultdict(list)
    for network_id, city_id in context.session.exec(
        select(Membership.network_id, Membership.city_id)
    ):
        if cities[city_id].archived_at is None:
            members[network_id].append(cities[city_id])
    return members


def plan_tandems(context: Context, rows: list[SourceRow]) -> None:
    session = context.session
    networks = list(session.exec(select(Network)))
    themes = list(session.exec(select(Theme)))
    all_cities = {c.id: c for c in session.exec(select(City))}
    members = _network_members(context, all_cities)
    stored = {(t.network_id, name_key(t.name)): t for t in session.exec(select(Tandem))}
    partners: dict[int, set[int]] = defaultdict(set)
    for tandem_id, city_id in session.exec(select(TandemCity.tandem_id, TandemCity.city_id)):
        partners[tandem_id].add(city_id)
    h = context.header
    for row in rows:
        check = RowCheck(context, row)
        network = row_network(context, check, networks)
        name = check.text("name", label="The tandem name", max_len=NAME_MAX, required=True)
        theme_text = check.text("theme", label="The theme", max_len=NAME_MAX)
        theme = None
        if theme_text:
            theme = check.lookup("theme", find_named, theme_text, themes, what="theme")
        deadline = check.read("deadline", cell_date)
        description = check.text(
            "description", label="The description", max_len=TEXT_MAX, multiline=True
        )
        cities_text = check.text("cities", label="The partner cities", max_len=TEXT_MAX)
        if network is None or not name:
            continue
        if network.archived_at is not None:
            check.fail("network", f"The network '{network.name}' is archived.")
            continue
        if not context.claim(check, (network.id, name_key(name)), "name", f"The tandem {name}"):
            continue
        cities = None
        if cities_text:
            cities = _partners(check, network, cities_text, members[network.id])
        tandem = stored.get((network.id, name_key(name)))
        if tandem is None and not cities_text:
            check.fail("cities", "A new tandem needs its partner cities.")
        if not check.ok:
            continue
        item = ImportRow(
            row.number,
            name,
            {
                h("network"): network.name,
                h("name"): name,
                h("cities"): ", ".join(c.name for c in cities or []) or None,
                h("theme"): theme.name if theme else None,
                h("deadline"): deadline,
                h("description"): shown(description),
            },
        )
        wanted = {
            "theme_id": theme.id if theme else None,
            "deadline": deadline,
            "description": description or None,
            "city_ids": [c.id for c in cities] if cities else None,
        }
        if tandem is None:
            try:
                # The rules of a tandem added on the Network screen; the partners are
                # checked above, by name, against this network's members.
                new = TandemCreate(
                    network_id=network.id,
                    name=name,
                    city_ids=wanted["city_ids"],
                    theme_id=wanted["theme_id"],
                    deadline=deadline,
                    description=description or "",
                )
            except InvalidInput as error:
                check.fail(error.field or "name", error.message)
                continue
            item.write = new.model_dump()
            context.record(item, True)
            continue
        if tandem.archived_at is not None:
            check.fail("name", f"The tandem '{tandem.name}' is archived; restore it first.")
            continue
        item.target_id, item.label = tandem.id, tandem.name
        old_cities = partners[tandem.id]
        if cities and {c.id for c in cities} != old_cities:
            try:
                refuse_leaving_partners(session, tandem, old_cities - {c.id for c in cities})
            except Conflict as error:
                check.fail("cities", error.message)
                continue
            old = ", ".join(sorted((all_cities[i].name for i in old_cities), key=str.casefold))
            item.changes[h("cities")] = (old, item.values[h("cities")])
            item.write["city_ids"] = wanted["city_ids"]
        stored_values = {
            "theme_id": (tandem.theme_id, "theme", theme.name if theme else None),
            "deadline": (tandem.deadline, "deadline", deadline),
            "description": (tandem.description, "description", description),
        }
        for field, (old_value, column, new_shown) in stored_values.items():
            if wanted[field] is not None and wanted[field] != old_value:
                old_shown = old_value
                if field == "theme_id":
                    old_shown = next((t.name for t in themes if t.id == old_value), None)
                item.changes[h(column)] = (old_shown, new_shown)
                item.write[field] = wanted[field]
        try:
            item.write = TandemUpdate(**item.write).changes()
        except InvalidInput as error:
            check.fail(error.field or "name", error.message)
            continue
        context.record(item, bool(item.changes))


def write_tandems(context: Context) -> None:
    """Each row through the services, as the Network screen writes a tandem."""
    session, who = context.session, context.who
    for item in context.adds:
        with writing(item):
            add_tandem(session, data=TandemCreate(**item.write), **who)
    for item in context.updates:
        with writing(item):
            update_tandem(session, tandem_id=item.target_id, data=TandemUpdate(**item.write), **who)
