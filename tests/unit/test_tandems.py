"""Tandems (peerlearn.services.tandems)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime

import pytest
from sqlalchemy import event
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peerlearn.models import CityCreate, NetworkCreate, TandemCreate, TandemUpdate
from peerlearn.services import network as net
from peerlearn.services import tandems as svc

DEADLINE = date(2024, 12, 31)


@pytest.fixture(params=["facilitator", "tandem member", "inactive coordinator"])
def intruder(request, session, world):
    """Someone who may not change tandems (the tandem member is one of this tandem)."""
    if request.param == "facilitator":
        return world.facilitator
    if request.param == "tandem member":
        return world.member
    user = m.User(email="gone@example.org", role=m.UserRole.COORDINATOR, active=False)
    session.add(user)
    session.commit()
    return user


@pytest.fixture(params=["facilitator", "tandem member"])
def reader(request, world):
    return world.facilitator if request.param == "facilitator" else world.member


def fresh(session, row):
    session.expire_all()
    return session.get(type(row), row.id)


def partner_names(session, tandem) -> list[str]:
    session.expire_all()
    rows = session.exec(
        select(m.City.name)
        .join(m.TandemCity, m.TandemCity.city_id == m.City.id)
        .where(m.TandemCity.tandem_id == tandem.id)
        .order_by(m.City.name)
    )
    return list(rows)


def add(session, world, **fields) -> m.Tandem:
    values = {
        "network_id": world.network.id,
        "name": "Arezzo–Utrecht",
        "city_ids": [world.arezzo.id, world.utrecht.id],
    } | fields
    return svc.add_tandem(session, actor=world.coordinator, data=TandemCreate(**values))


def add_city(session, world, name="Berlin", country="Germany", member=True) -> m.City:
    city = net.add_city(
        session, actor=world.coordinator, data=CityCreate(name=name, country=country)
    )
    if member:
        net.set_membership(
            session,
            actor=world.coordinator,
            data=m.MembershipCreate(network_id=world.network.id, city_id=city.id, role="member"),
        )
    return city


def add_milestone(session, tandem, city) -> m.Milestone:
    roadmap = m.Roadmap(tandem_id=tandem.id, title="Roadmap")
    session.add(roadmap)
    session.flush()
    milestone = m.Milestone(
        roadmap_id=roadmap.id, title="Pilot", owner_city_id=city.id, due_date=date(2024, 6, 1)
    )
    session.add(milestone)
    session.commit()
    return milestone


# --- add --------------------------------------------------------------------------


def test_add_tandem(session, world):
    tandem = add(
        session,
        world,
        name="  Arezzo–Utrecht ",
        theme_id=world.theme.id,
        deadline=DEADLINE,
        description=" Data platforms ",
    )
    stored = fresh(session, tandem)
    assert (stored.network_id, stored.name, stored.theme_id, stored.deadline) == (
        world.network.id,
        "Arezzo–Utrecht",
        world.theme.id,
        DEADLINE,
    )
    assert stored.description == "Data platforms"
    assert partner_names(session, tandem) == ["Arezzo", "Utrecht"]


def test_add_tandem_of_three_without_theme_or_deadline(session, world):
    tandem = add(session, world, city_ids=[world.pirna.id, world.arezzo.id, world.utrecht.id])
    stored = fresh(session, tandem)
    assert (stored.theme_id, stored.deadline, stored.description) == (None, None, "")
    assert partner_names(session, tandem) == ["Arezzo", "Pirna", "Utrecht"]


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"name": ""}, InvalidInput, "The tandem name must not be blank."),
        ({"name": "x" * (m.NAME_MAX + 1)}, InvalidInput, "at most 120"),
        ({"description": "x" * (m.TEXT_MAX + 1)}, InvalidInput, "at most 2000"),
        ({"city_ids": []}, InvalidInput, "at least two different partner cities; 0 given"),
        ({"city_ids": ["arezzo", 1]}, InvalidInput, "given by their ids"),
        ({"city_ids": [999, 1]}, NotFound, "No city with id 999."),
        ({"deadline": "2024-12-31"}, InvalidInput, "The deadline must be a date"),
        ({"deadline": datetime(2024, 12, 31, 12)}, InvalidInput, "The deadline must be a date"),
        ({"theme_id": 999}, NotFound, "No theme with id 999."),
        ({"network_id": 999}, NotFound, "No network with id 999."),
        ({"name": "arezzo–arnsberg"}, Conflict, "'Arezzo–Arnsberg' already exists in the network"),
    ],
)
def test_add_tandem_refuses_bad_input(session, world, unchanged, fields, error, message):
    with unchanged(), pytest.raises(error, match=message):
        add(session, world, **fields)


def test_add_tandem_refuses_a_single_or_repeated_city(session, world, unchanged):
    with unchanged(), pytest.raises(InvalidInput, match="at least two .*; 1 given"):
        add(session, world, city_ids=[world.arezzo.id])
    with unchanged(), pytest.raises(InvalidInput, match=r"Arezzo \(Italy\) is listed twice"):
        add(session, world, city_ids=[world.arezzo.id, world.arezzo.id])


def test_add_tandem_names_the_city_outside_the_network(session, world, unchanged):
    berlin = add_city(session, world, member=False)
    with unchanged(), pytest.raises(InvalidInput) as caught:
        add(session, world, city_ids=[world.arezzo.id, berlin.id])
    assert str(caught.value) == (
        "Berlin (Germany) is not a member of the network '#connectedinEurope'; "
        "add it to the network first."
    )


def test_add_tandem_refuses_archived_city_theme_and_network(session, world, unchanged):
    berlin = add_city(session, world)
    net.archive_city(session, actor=world.coordinator, city_id=berlin.id)
    with unchanged(), pytest.raises(NotFound, match=r"Berlin \(Germany\) is archived"):
        add(session, world, city_ids=[world.arezzo.id, berlin.id])
    net.archive_theme(session, actor=world.coordinator, theme_id=world.theme.id)
    with unchanged(), pytest.raises(NotFound, match="theme 'Urban data platforms' is archived"):
        add(session, world, theme_id=world.theme.id)
    net.archive_network(session, actor=world.coordinator, network_id=world.network.id)
    with unchanged(), pytest.raises(NotFound, match="network '#connectedinEurope' is archived"):
        add(session, world)


def test_tandem_names_are_unique_per_network_only(session, world):
    other = net.add_network(
        session, actor=world.coordinator, data=NetworkCreate(name="Smarter Together")
    )
    for city in (world.arezzo, world.arnsberg):
        net.set_membership(
            session,
            actor=world.coordinator,
            data=m.MembershipCreate(network_id=other.id, city_id=city.id, role="fellow"),
        )
    tandem = add(
        session,
        world,
        network_id=other.id,
        name="Arezzo–Arnsberg",
        city_ids=[world.arezzo.id, world.arnsberg.id],
    )
    assert fresh(session, tandem).network_id == other.id


def test_add_tandem_refuses_wrong_actor(session, world, intruder, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        svc.add_tandem(
            session,
            actor=intruder,
            data=TandemCreate(
                network_id=world.network.id,
                name="Arezzo–Utrecht",
                city_ids=[world.arezzo.id, world.utrecht.id],
            ),
        )


# --- update -----------------------------------------------------------------------


def test_update_tandem_changes_only_given_fields(session, world):
    svc.update_tandem(
        session,
        actor=world.coordinator,
        tandem_id=world.tandem.id,
        data=TandemUpdate(name="Arezzo & Arnsberg"),
    )
    stored = fresh(session, world.tandem)
    assert (stored.name, stored.theme_id, stored.deadline) == (
        "Arezzo & Arnsberg",
        world.theme.id,
        DEADLINE,
    )
    svc.update_tandem(
        session,
        actor=world.coordinator,
        tandem_id=world.tandem.id,
        data=TandemUpdate(theme_id=None, deadline=None, description="Energy"),
    )
    stored = fresh(session, world.tandem)
    assert (stored.name, stored.theme_id, stored.deadline, stored.description) == (
        "Arezzo & Arnsberg",
        None,
        None,
        "Energy",
    )
    assert partner_names(session, world.tandem) == ["Arezzo", "Arnsberg"]


def test_update_tandem_replaces_partner_cities(session, world):
    svc.update_tandem(
        session,
        actor=world.coordinator,
        tandem_id=world.tandem.id,
        data=TandemUpdate(city_ids=[world.arezzo.id, world.utrecht.id, world.pirna.id]),
    )
    assert partner_names(session, world.tandem) == ["Arezzo", "Pirna", "Utrecht"]
    # The other tandem keeps its own partners.
    assert partner_names(session, world.other_tandem) == ["Pirna", "Utrecht"]


def test_update_tandem_keeps_an_archived_theme_and_partner_it_already_has(session, world):
    net.archive_theme(session, actor=world.coordinator, theme_id=world.theme.id)
    net.archive_city(session, actor=world.coordinator, city_id=world.arnsberg.id)
    # A form sends every field back, unchanged ones included.
    svc.update_tandem(
        session,
        actor=world.coordinator,
        tandem_id=world.tandem.id,
        data=TandemUpdate(
            name="Renamed", theme_id=world.theme.id, city_ids=[world.arezzo.id, world.arnsberg.id]
        ),
    )
    stored = fresh(session, world.tandem)
    assert (stored.name, stored.theme_id) == ("Renamed", world.theme.id)
    assert partner_names(session, world.tandem) == ["Arezzo", "Arnsberg"]


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"name": " "}, InvalidInput, "must not be blank"),
        ({"name": "utrecht–PIRNA"}, Conflict, "'Utrecht–Pirna' already exists"),
        ({"description": "x" * (m.TEXT_MAX + 1)}, InvalidInput, "at most 2000"),
        ({"deadline": "soon"}, InvalidInput, "The deadline must be a date"),
        ({"theme_id": 999}, NotFound, "No theme with id 999"),
        ({"city_ids": ["arezzo"]}, InvalidInput, "at least two"),
        ({"city_ids": ["arezzo", "arezzo"]}, InvalidInput, "listed twice"),
        ({"city_ids": ["arezzo", 999]}, NotFound, "No city with id 999"),
    ],
)
def test_update_tandem_refuses_bad_input(session, world, unchanged, fields, error, message):
    if "city_ids" in fields:  # cities named here, by id in the call
        ids = [getattr(world, c).id if isinstance(c, str) else c for c in fields["city_ids"]]
        fields = fields | {"city_ids": ids}
    with unchanged(), pytest.raises(error, match=message):
        svc.update_tandem(
            session,
            actor=world.coordinator,
            tandem_id=world.tandem.id,
            data=TandemUpdate(**fields),
        )
    stored = fresh(session, world.tandem)
    assert (stored.name, stored.deadline, stored.description) == ("Arezzo–Arnsberg", DEADLINE, "")
    assert partner_names(session, world.tandem) == ["Arezzo", "Arnsberg"]


def test_update_tandem_refuses_a_city_outside_the_network(session, world, unchanged):
    berlin = add_city(session, world, member=False)
    with unchanged(), pytest.raises(InvalidInput, match=r"Berlin \(Germany\) is not a member"):
        svc.update_tandem(
            session,
            actor=world.coordinator,
            tandem_id=world.tandem.id,
            data=TandemUpdate(city_ids=[world.arezzo.id, world.arnsberg.id, berlin.id]),
        )
    assert partner_names(session, world.tandem) == ["Arezzo", "Arnsberg"]


def test_a_city_named_by_challenges_cannot_leave_the_tandem(session, world, unchanged):
    session.add(m.Challenge(text="Money", tandem_id=world.tandem.id, city_id=world.arnsberg.id))
    session.commit()
    with unchanged(), pytest.raises(Conflict) as caught:
        svc.update_tandem(
            session,
            actor=world.coordinator,
            tandem_id=world.tandem.id,
            data=TandemUpdate(city_ids=[world.arezzo.id, world.utrecht.id]),
        )
    assert str(caught.value).startswith(
        "Arnsberg (Germany) cannot leave the tandem 'Arezzo–Arnsberg': 1 challenge(s)"
    )
    assert partner_names(session, world.tandem) == ["Arezzo", "Arnsberg"]


def test_a_city_owning_milestones_cannot_leave_the_tandem(session, world, unchanged):
    add_milestone(session, world.tandem, world.arezzo)
    with unchanged(), pytest.raises(Conflict, match=r"Arezzo \(Italy\) .* 1 roadmap milestone"):
        svc.update_tandem(
            session,
            actor=world.coordinator,
            tandem_id=world.tandem.id,
            data=TandemUpdate(city_ids=[world.arnsberg.id, world.pirna.id]),
        )
    assert partner_names(session, world.tandem) == ["Arezzo", "Arnsberg"]


def test_update_tandem_refuses_unknown_archived_and_wrong_actor(session, world, intruder):
    with pytest.raises(NotFound, match="No tandem with id 999"):
        svc.update_tandem(
            session, actor=world.coordinator, tandem_id=999, data=TandemUpdate(name="X")
        )
    with pytest.raises(PermissionDenied):
        svc.update_tandem(
            session, actor=intruder, tandem_id=world.tandem.id, data=TandemUpdate(name="X")
        )
    svc.archive_tandem(session, actor=world.coordinator, tandem_id=world.tandem.id)
    with pytest.raises(NotFound, match="'Arezzo–Arnsberg' is archived"):
        svc.update_tandem(
            session, actor=world.coordinator, tandem_id=world.tandem.id, data=TandemUpdate(name="X")
        )
    assert fresh(session, world.tandem).name == "Arezzo–Arnsberg"


# --- archive, restore, delete -----------------------------------------------------


def test_archive_and_restore_tandem(session, world, intruder):
    with pytest.raises(PermissionDenied):
        svc.archive_tandem(session, actor=intruder, tandem_id=world.tandem.id)
    svc.archive_tandem(session, actor=world.coordinator, tandem_id=world.tandem.id)
    assert fresh(session, world.tandem).archived_at is not None
    with pytest.raises(NotFound, match="is archived"):
        svc.archive_tandem(session, actor=world.coordinator, tandem_id=world.tandem.id)
    with pytest.raises(PermissionDenied):
        svc.restore_tandem(session, actor=intruder, tandem_id=world.tandem.id)
    svc.restore_tandem(session, actor=world.coordinator, tandem_id=world.tandem.id)
    assert fresh(session, world.tandem).archived_at is None
    with pytest.raises(InvalidInput, match="not archived"):
        svc.restore_tandem(session, actor=world.coordinator, tandem_id=world.tandem.id)


def test_delete_tandem_takes_its_partners_empty_roadmap_and_access_along(session, world):
    session.add(m.Roadmap(tandem_id=world.tandem.id, title="Roadmap"))
    session.commit()
    svc.delete_tandem(session, actor=world.coordinator, tandem_id=world.tandem.id)
    session.expire_all()
    assert session.get(m.Tandem, world.tandem.id) is None
    assert (
        session.exec(select(m.TandemCity).where(m.TandemCity.tandem_id == world.tandem.id)).all()
        == []
    )
    assert session.exec(select(m.Roadmap)).all() == []
    access = select(m.UserTandem).where(m.UserTandem.tandem_id == world.tandem.id)
    assert session.exec(access).all() == []
    assert partner_names(session, world.other_tandem) == ["Pirna", "Utrecht"]


def test_delete_tandem_refused_with_challenges(session, world, unchanged):
    session.add(m.Challenge(text="Money", tandem_id=world.tandem.id))
    session.commit()
    with unchanged(), pytest.raises(Conflict) as caught:
        svc.delete_tandem(session, actor=world.coordinator, tandem_id=world.tandem.id)
    assert str(caught.value) == (
        "The tandem 'Arezzo–Arnsberg' cannot be deleted: 1 challenge(s) depend on it. "
        "Archive it instead."
    )


def test_delete_tandem_refused_with_milestones(session, world, unchanged):
    add_milestone(session, world.tandem, world.arezzo)
    with unchanged(), pytest.raises(Conflict, match="1 roadmap milestone"):
        svc.delete_tandem(session, actor=world.coordinator, tandem_id=world.tandem.id)


def test_delete_tandem_refuses_unknown_and_wrong_actor(session, world, intruder, unchanged):
    with unchanged(), pytest.raises(NotFound):
        svc.delete_tandem(session, actor=world.coordinator, tandem_id=999)
    with unchanged(), pytest.raises(PermissionDenied):
        svc.delete_tandem(session, actor=intruder, tandem_id=world.tandem.id)


# --- reads ------------------------------------------------------------------------


@contextmanager
def count_queries(session):
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_list_tandems_with_cities_theme_and_network(session, world, reader):
    listing = svc.list_tandems(session, actor=reader, network_id=world.network.id)
    assert [(t.tandem.name, t.network_name, t.theme_name, t.city_names) for t in listing] == [
        ("Arezzo–Arnsberg", "#connectedinEurope", "Urban data platforms", ["Arezzo", "Arnsberg"]),
        ("Utrecht–Pirna", "#connectedinEurope", "Urban data platforms", ["Pirna", "Utrecht"]),
    ]


def test_list_tandems_filters_by_network_and_archive(session, world):
    other = net.add_network(
        session, actor=world.coordinator, data=NetworkCreate(name="Sharing Cities")
    )
    for city in (world.arezzo, world.pirna):
        net.set_membership(
            session,
            actor=world.coordinator,
            data=m.MembershipCreate(network_id=other.id, city_id=city.id, role="member"),
        )
    add(
        session,
        world,
        network_id=other.id,
        name="SC pair",
        city_ids=[world.arezzo.id, world.pirna.id],
    )
    svc.archive_tandem(session, actor=world.coordinator, tandem_id=world.other_tandem.id)

    def names(**kw):
        return [t.tandem.name for t in svc.list_tandems(session, actor=world.coordinator, **kw)]

    assert names() == ["Arezzo–Arnsberg", "SC pair"]
    assert names(network_id=other.id) == ["SC pair"]
    assert names(network_id=world.network.id) == ["Arezzo–Arnsberg"]
    assert names(network_id=world.network.id, include_archived=True) == [
        "Arezzo–Arnsberg",
        "Utrecht–Pirna",
    ]


def test_list_tandems_uses_two_queries_whatever_their_number(session, world):
    with count_queries(session) as few:
        svc.list_tandems(session, actor=world.coordinator)
    cities = [world.arezzo, world.arnsberg, world.utrecht, world.pirna]
    for n in range(6):
        add(session, world, name=f"Pair {n}", city_ids=[cities[n % 4].id, cities[(n + 1) % 4].id])
    session.expire_all()
    assert world.coordinator.active  # reload the actor outside the count
    with count_queries(session) as many:
        listing = svc.list_tandems(session, actor=world.coordinator)
    assert len(listing) == 8
    assert all(len(t.cities) == 2 for t in listing)
    assert len(few) == len(many) == 2


def test_list_tandems_refuses_unknown_network_and_signed_out(session, world):
    with pytest.raises(NotFound, match="No network with id 999"):
        svc.list_tandems(session, actor=world.coordinator, network_id=999)
    with pytest.raises(PermissionDenied):
        svc.list_tandems(session, actor=None)


def test_list_tandems_of_a_network_without_tandems(session, world):
    other = net.add_network(
        session, actor=world.coordinator, data=NetworkCreate(name="Sharing Cities")
    )
    assert svc.list_tandems(session, actor=world.coordinator, network_id=other.id) == []


def test_tandem_cities(session, world, reader):
    cities = svc.tandem_cities(session, actor=reader, tandem_id=world.other_tandem.id)
    assert [c.name for c in cities] == ["Pirna", "Utrecht"]
    with pytest.raises(NotFound, match="No tandem with id 999"):
        svc.tandem_cities(session, actor=reader, tandem_id=999)
    with pytest.raises(PermissionDenied):
        svc.tandem_cities(session, actor=None, tandem_id=world.tandem.id)
