"""Networks, cities, memberships, themes and categories (peerlearn.services.network)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peerlearn.models import CityCreate, CityUpdate, NetworkCreate, NetworkUpdate
from peerlearn.services import network as svc

LONG_NAME = "x" * (m.NAME_MAX + 1)
LONG_TEXT = "x" * (m.TEXT_MAX + 1)


@pytest.fixture(params=["facilitator", "tandem member", "inactive coordinator"])
def intruder(request, session, world):
    """Someone who may not change the network."""
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
    """Someone who may read the network but not change it."""
    return world.facilitator if request.param == "facilitator" else world.member


def fresh(session, row):
    """``row`` as stored now (not as this session last saw it)."""
    session.expire_all()
    return session.get(type(row), row.id)


def city_names(listings) -> list[str]:
    return [entry.city.name for entry in listings]


# --- networks ---------------------------------------------------------------------


def test_add_network_strips_and_stores(session, world):
    network = svc.add_network(
        session,
        actor=world.coordinator,
        data=NetworkCreate(name="  Smarter Together ", description=" EU project "),
    )
    stored = fresh(session, network)
    assert (stored.name, stored.description) == ("Smarter Together", "EU project")
    assert stored.archived_at is None


@pytest.mark.parametrize(
    ("name", "description", "field"),
    [
        ("", "", "name"),
        ("   ", "", "name"),
        (None, "", "name"),
        (LONG_NAME, "", "name"),
        ("Sharing Cities", LONG_TEXT, "description"),
    ],
)
def test_add_network_refuses_bad_text(session, world, unchanged, name, description, field):
    with unchanged(), pytest.raises(InvalidInput) as caught:
        svc.add_network(
            session, actor=world.coordinator, data=NetworkCreate(name=name, description=description)
        )
    assert caught.value.field == field


def test_add_network_refuses_duplicate_ignoring_case(session, world, unchanged):
    with unchanged(), pytest.raises(Conflict, match="'#connectedinEurope' already exists"):
        svc.add_network(
            session, actor=world.coordinator, data=NetworkCreate(name=" #CONNECTEDINEUROPE ")
        )


def test_duplicate_check_folds_non_ascii_case(session, world, unchanged):
    svc.add_network(session, actor=world.coordinator, data=NetworkCreate(name="Łódź Alliance"))
    with unchanged(), pytest.raises(Conflict, match="Łódź Alliance"):
        svc.add_network(session, actor=world.coordinator, data=NetworkCreate(name="łÓDŹ alliance"))


def test_add_network_refuses_wrong_actor(session, intruder, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        svc.add_network(session, actor=intruder, data=NetworkCreate(name="mySMARTLife"))


def test_update_network_changes_only_given_fields(session, world):
    world.network.description = "Tandems"
    session.commit()
    svc.update_network(
        session,
        actor=world.coordinator,
        network_id=world.network.id,
        data=NetworkUpdate(name="#CIE 2024"),
    )
    stored = fresh(session, world.network)
    assert (stored.name, stored.description) == ("#CIE 2024", "Tandems")
    svc.update_network(
        session,
        actor=world.coordinator,
        network_id=world.network.id,
        data=NetworkUpdate(description=""),
    )
    assert fresh(session, world.network).description == ""


def test_update_network_may_change_case_of_its_own_name(session, world):
    svc.update_network(
        session,
        actor=world.coordinator,
        network_id=world.network.id,
        data=NetworkUpdate(name="#ConnectedInEurope"),
    )
    assert fresh(session, world.network).name == "#ConnectedInEurope"


def test_update_network_refuses_duplicate_and_blank(session, world, unchanged):
    other = svc.add_network(
        session, actor=world.coordinator, data=NetworkCreate(name="Sharing Cities")
    )
    with unchanged(), pytest.raises(Conflict, match="already named '#connectedinEurope'"):
        svc.update_network(
            session,
            actor=world.coordinator,
            network_id=other.id,
            data=NetworkUpdate(name="#connectedineurope"),
        )
    with unchanged(), pytest.raises(InvalidInput, match="must not be blank"):
        svc.update_network(
            session, actor=world.coordinator, network_id=other.id, data=NetworkUpdate(name=" ")
        )
    assert fresh(session, other).name == "Sharing Cities"


def test_update_network_refuses_unknown_archived_and_wrong_actor(session, world, intruder):
    with pytest.raises(NotFound, match="No network with id 999"):
        svc.update_network(
            session, actor=world.coordinator, network_id=999, data=NetworkUpdate(name="X")
        )
    with pytest.raises(PermissionDenied):
        svc.update_network(
            session, actor=intruder, network_id=world.network.id, data=NetworkUpdate(name="X")
        )
    svc.archive_network(session, actor=world.coordinator, network_id=world.network.id)
    with pytest.raises(NotFound, match="is archived"):
        svc.update_network(
            session,
            actor=world.coordinator,
            network_id=world.network.id,
            data=NetworkUpdate(name="X"),
        )
    assert fresh(session, world.network).name == "#connectedinEurope"


def test_archive_and_restore_network(session, world):
    other = svc.add_network(
        session, actor=world.coordinator, data=NetworkCreate(name="Sharing Cities")
    )
    svc.archive_network(session, actor=world.coordinator, network_id=world.network.id)
    assert fresh(session, world.network).archived_at is not None
    assert [n.name for n in svc.list_networks(session, actor=world.coordinator)] == [other.name]
    everything = svc.list_networks(session, actor=world.coordinator, include_archived=True)
    assert {n.name for n in everything} == {"Sharing Cities", "#connectedinEurope"}
    with pytest.raises(NotFound, match="is archived"):
        svc.archive_network(session, actor=world.coordinator, network_id=world.network.id)
    svc.restore_network(session, actor=world.coordinator, network_id=world.network.id)
    assert fresh(session, world.network).archived_at is None
    with pytest.raises(InvalidInput, match="not archived"):
        svc.restore_network(session, actor=world.coordinator, network_id=world.network.id)


def test_archive_network_refuses_wrong_actor(session, world, intruder):
    with pytest.raises(PermissionDenied):
        svc.archive_network(session, actor=intruder, network_id=world.network.id)
    assert fresh(session, world.network).archived_at is None


def test_list_networks_for_readers_sorted_by_name(session, world, reader):
    svc.add_network(session, actor=world.coordinator, data=NetworkCreate(name="mySMARTLife"))
    svc.add_network(session, actor=world.coordinator, data=NetworkCreate(name="Sharing Cities"))
    names = [n.name for n in svc.list_networks(session, actor=reader)]
    assert names == ["#connectedinEurope", "mySMARTLife", "Sharing Cities"]


def test_list_networks_refuses_signed_out_or_inactive(session, world):
    world.member.active = False
    with pytest.raises(PermissionDenied):
        svc.list_networks(session, actor=world.member)
    with pytest.raises(PermissionDenied):
        svc.list_networks(session, actor=None)


# --- themes and categories (same rules, tested on both) ----------------------------


@pytest.fixture(params=["theme", "category"])
def kind(request, world):
    """The services of themes or of categories, and the row the world already has."""
    what = request.param
    plural = "themes" if what == "theme" else "categories"
    existing = world.theme if what == "theme" else world.category
    k = type("Kind", (), {})()
    k.what, k.model, k.existing = what, type(existing), existing
    create, update = (
        (m.ThemeCreate, m.ThemeUpdate) if what == "theme" else (m.CategoryCreate, m.CategoryUpdate)
    )
    k.add = lambda session, *, actor, **kw: getattr(svc, f"add_{what}")(
        session, actor=actor, data=create(**kw)
    )
    k.update = lambda session, *, actor, ident, **kw: getattr(svc, f"update_{what}")(
        session, actor=actor, **{f"{what}_id": ident}, data=update(**kw)
    )
    k.archive = lambda session, *, actor, ident: getattr(svc, f"archive_{what}")(
        session, actor=actor, **{f"{what}_id": ident}
    )
    k.restore = lambda session, *, actor, ident: getattr(svc, f"restore_{what}")(
        session, actor=actor, **{f"{what}_id": ident}
    )
    k.list = getattr(svc, f"list_{plural}")
    return k


def test_add_theme_or_category(session, world, kind):
    row = kind.add(session, actor=world.coordinator, name=" Mobility ", description="Transport")
    stored = fresh(session, row)
    assert (stored.name, stored.description) == ("Mobility", "Transport")
    assert "Mobility" in [r.name for r in kind.list(session, actor=world.coordinator)]


@pytest.mark.parametrize(
    ("name", "description"), [("", ""), ("  ", ""), (LONG_NAME, ""), ("Energy", LONG_TEXT)]
)
def test_add_theme_or_category_refuses_bad_text(session, world, unchanged, kind, name, description):
    with unchanged(), pytest.raises(InvalidInput):
        kind.add(session, actor=world.coordinator, name=name, description=description)


def test_add_theme_or_category_refuses_duplicate(session, world, unchanged, kind):
    with unchanged(), pytest.raises(Conflict, match=f"'{kind.existing.name}' already exists"):
        kind.add(session, actor=world.coordinator, name=kind.existing.name.upper())


def test_duplicate_of_archived_says_restore(session, world, unchanged, kind):
    kind.archive(session, actor=world.coordinator, ident=kind.existing.id)
    with unchanged(), pytest.raises(Conflict, match="archived; restore it instead"):
        kind.add(session, actor=world.coordinator, name=kind.existing.name)


def test_add_theme_or_category_refuses_wrong_actor(session, intruder, unchanged, kind):
    with unchanged(), pytest.raises(PermissionDenied):
        kind.add(session, actor=intruder, name="Citizen engagement")


def test_update_theme_or_category(session, world, kind):
    kind.update(session, actor=world.coordinator, ident=kind.existing.id, description="Shared data")
    stored = fresh(session, kind.existing)
    assert (stored.name, stored.description) == (kind.existing.name, "Shared data")
    kind.update(session, actor=world.coordinator, ident=kind.existing.id, name="Renamed")
    assert fresh(session, kind.existing).name == "Renamed"


def test_update_theme_or_category_refuses_bad_input(session, world, kind, intruder):
    other = kind.add(session, actor=world.coordinator, name="Other")
    with pytest.raises(Conflict):
        kind.update(session, actor=world.coordinator, ident=other.id, name=kind.existing.name)
    with pytest.raises(InvalidInput):
        kind.update(session, actor=world.coordinator, ident=other.id, name=LONG_NAME)
    with pytest.raises(NotFound):
        kind.update(session, actor=world.coordinator, ident=999, name="Nope")
    with pytest.raises(PermissionDenied):
        kind.update(session, actor=intruder, ident=other.id, name="Nope")
    kind.archive(session, actor=world.coordinator, ident=other.id)
    with pytest.raises(NotFound, match="is archived"):
        kind.update(session, actor=world.coordinator, ident=other.id, name="Nope")
    assert fresh(session, other).name == "Other"


def test_archive_and_restore_theme_or_category(session, world, kind, intruder):
    with pytest.raises(PermissionDenied):
        kind.archive(session, actor=intruder, ident=kind.existing.id)
    kind.archive(session, actor=world.coordinator, ident=kind.existing.id)
    assert kind.list(session, actor=world.coordinator) == []
    archived = kind.list(session, actor=world.coordinator, include_archived=True)
    assert [r.id for r in archived] == [kind.existing.id]
    with pytest.raises(PermissionDenied):
        kind.restore(session, actor=intruder, ident=kind.existing.id)
    kind.restore(session, actor=world.coordinator, ident=kind.existing.id)
    assert [r.id for r in kind.list(session, actor=world.coordinator)] == [kind.existing.id]


def test_list_theme_or_category_for_readers(session, world, kind, reader):
    kind.add(session, actor=world.coordinator, name="Another")
    names = [r.name for r in kind.list(session, actor=reader)]
    assert names == sorted([kind.existing.name, "Another"], key=str.lower)


# --- cities -----------------------------------------------------------------------


def test_add_city_with_and_without_position(session, world):
    data = CityCreate(name=" Berlin ", country=" Germany ", latitude=52.52, longitude=13.40)
    berlin = svc.add_city(session, actor=world.coordinator, data=data)
    stored = fresh(session, berlin)
    assert (stored.name, stored.country, stored.latitude, stored.longitude) == (
        "Berlin",
        "Germany",
        52.52,
        13.40,
    )
    vienna = svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="Vienna", country="Austria")
    )
    assert (fresh(session, vienna).latitude, fresh(session, vienna).longitude) == (None, None)


def test_add_city_accepts_the_extremes(session, world):
    data = CityCreate(name="Pole", country="Nowhere", latitude=-90, longitude=180)
    city = svc.add_city(session, actor=world.coordinator, data=data)
    assert (fresh(session, city).latitude, fresh(session, city).longitude) == (-90, 180)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": LONG_NAME}, "name"),
        ({"country": ""}, "country"),
        ({"country": LONG_NAME}, "country"),
        ({"latitude": 90.5, "longitude": 0}, "latitude"),
        ({"latitude": -91, "longitude": 0}, "latitude"),
        ({"latitude": 0, "longitude": 180.01}, "longitude"),
        ({"latitude": 0, "longitude": -181}, "longitude"),
        ({"latitude": 52.5}, "longitude"),
        ({"longitude": 13.4}, "latitude"),
        ({"latitude": "north", "longitude": 13.4}, "latitude"),
        ({"latitude": True, "longitude": 13.4}, "latitude"),
        ({"latitude": float("inf"), "longitude": 13.4}, "latitude"),
    ],
)
def test_add_city_refuses_bad_input(session, world, unchanged, fields, field):
    values = {"name": "Berlin", "country": "Germany"} | fields
    with unchanged(), pytest.raises(InvalidInput) as caught:
        svc.add_city(session, actor=world.coordinator, data=CityCreate(**values))
    assert caught.value.field == field


def test_add_city_refuses_duplicate_ignoring_case_and_spaces(session, world, unchanged):
    with (
        unchanged(),
        pytest.raises(Conflict, match="A city named 'Arezzo' in Italy already exists."),
    ):
        svc.add_city(
            session, actor=world.coordinator, data=CityCreate(name="  arezzo ", country="ITALY ")
        )


def test_add_city_refuses_the_same_city_spelled_with_other_accents(session, world, unchanged):
    svc.add_city(session, actor=world.coordinator, data=CityCreate(name="Málaga", country="Spain"))
    with unchanged(), pytest.raises(Conflict, match="A city named 'Málaga' in Spain"):
        svc.add_city(
            session, actor=world.coordinator, data=CityCreate(name="Malaga", country="Spain")
        )


def test_add_city_same_name_in_another_country_is_fine(session, world):
    city = svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="Arezzo", country="Spain")
    )
    assert fresh(session, city).country == "Spain"


def test_add_city_refuses_wrong_actor(session, intruder, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        svc.add_city(session, actor=intruder, data=CityCreate(name="Berlin", country="Germany"))


def test_update_city_changes_only_given_fields(session, world):
    svc.update_city(
        session, actor=world.coordinator, city_id=world.arezzo.id, data=CityUpdate(name="Arezzo AR")
    )
    stored = fresh(session, world.arezzo)
    assert (stored.name, stored.country, stored.latitude) == ("Arezzo AR", "Italy", 43.46)
    svc.update_city(
        session,
        actor=world.coordinator,
        city_id=world.arezzo.id,
        data=CityUpdate(latitude=None, longitude=None),
    )
    stored = fresh(session, world.arezzo)
    assert (stored.latitude, stored.longitude) == (None, None)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": ""}, InvalidInput),
        ({"country": LONG_NAME}, InvalidInput),
        ({"latitude": None}, InvalidInput),  # the longitude would be left alone
        ({"longitude": 200}, InvalidInput),
        ({"name": "arnsberg", "country": "germany"}, Conflict),
    ],
)
def test_update_city_refuses_bad_input(session, world, unchanged, fields, error):
    with unchanged(), pytest.raises(error):
        svc.update_city(
            session, actor=world.coordinator, city_id=world.arezzo.id, data=CityUpdate(**fields)
        )
    stored = fresh(session, world.arezzo)
    assert (stored.name, stored.country, stored.latitude, stored.longitude) == (
        "Arezzo",
        "Italy",
        43.46,
        11.88,
    )


def test_update_city_refuses_unknown_archived_and_wrong_actor(session, world, intruder):
    with pytest.raises(NotFound, match="No city with id 999"):
        svc.update_city(session, actor=world.coordinator, city_id=999, data=CityUpdate(name="X"))
    with pytest.raises(PermissionDenied):
        svc.update_city(session, actor=intruder, city_id=world.arezzo.id, data=CityUpdate(name="X"))
    svc.archive_city(session, actor=world.coordinator, city_id=world.arezzo.id)
    with pytest.raises(NotFound, match="'Arezzo' is archived"):
        svc.update_city(
            session, actor=world.coordinator, city_id=world.arezzo.id, data=CityUpdate(name="X")
        )
    assert fresh(session, world.arezzo).name == "Arezzo"


def test_archive_and_restore_city(session, world, intruder):
    with pytest.raises(PermissionDenied):
        svc.archive_city(session, actor=intruder, city_id=world.pirna.id)
    svc.archive_city(session, actor=world.coordinator, city_id=world.pirna.id)
    assert "Pirna" not in city_names(svc.list_cities(session, actor=world.coordinator))
    everything = svc.list_cities(session, actor=world.coordinator, include_archived=True)
    assert "Pirna" in city_names(everything)
    with pytest.raises(NotFound, match="is archived"):
        svc.archive_city(session, actor=world.coordinator, city_id=world.pirna.id)
    with pytest.raises(PermissionDenied):
        svc.restore_city(session, actor=intruder, city_id=world.pirna.id)
    svc.restore_city(session, actor=world.coordinator, city_id=world.pirna.id)
    assert fresh(session, world.pirna).archived_at is None
    with pytest.raises(InvalidInput, match="not archived"):
        svc.restore_city(session, actor=world.coordinator, city_id=world.pirna.id)


def test_delete_unused_city(session, world):
    city = svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="Berlin", country="Germany")
    )
    svc.delete_city(session, actor=world.coordinator, city_id=city.id)
    session.expire_all()
    assert session.get(m.City, city.id) is None


def test_delete_archived_unused_city(session, world):
    city = svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="Berlin", country="Germany")
    )
    svc.archive_city(session, actor=world.coordinator, city_id=city.id)
    svc.delete_city(session, actor=world.coordinator, city_id=city.id)
    session.expire_all()
    assert session.get(m.City, city.id) is None


def _milestone(session, world, city):
    roadmap = m.Roadmap(tandem_id=world.tandem.id, title="Roadmap")
    session.add(roadmap)
    session.flush()
    session.add(
        m.Milestone(
            roadmap_id=roadmap.id, title="Pilot", owner_city_id=city.id, due_date=date(2024, 6, 1)
        )
    )


def _vote(session, world, city):
    common = m.CommonChallenge(network_id=world.network.id, name="Staff")
    session.add(common)
    session.flush()
    session.add(m.Vote(common_challenge_id=common.id, city_id=city.id))


def _membership(session, world, city):
    session.add(m.Membership(network_id=world.network.id, city_id=city.id))


def _tandem(session, world, city):
    session.add(m.TandemCity(tandem_id=world.tandem.id, city_id=city.id))


def _challenge(session, world, city):
    session.add(m.Challenge(text="Money", tandem_id=world.tandem.id, city_id=city.id))


def _participant(session, world, city):
    session.add(m.Participant(session_id=world.workshop.id, token="tok", city_id=city.id))


REFERENCES = {
    "network membership": _membership,
    "tandem": _tandem,
    "challenge": _challenge,
    "participant": _participant,
    "roadmap milestone": _milestone,
    "vote": _vote,
}


@pytest.mark.parametrize("reference", list(REFERENCES))
def test_delete_city_refused_while_referenced(session, world, unchanged, reference):
    city = svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="Berlin", country="Germany")
    )
    REFERENCES[reference](session, world, city)
    session.commit()
    with unchanged(), pytest.raises(Conflict) as caught:
        svc.delete_city(session, actor=world.coordinator, city_id=city.id)
    assert f"1 {reference}(s)" in str(caught.value)
    assert "Archive it instead" in str(caught.value)
    assert fresh(session, city) is not None


def test_delete_city_names_every_kind_of_reference(session, world, unchanged):
    with unchanged(), pytest.raises(Conflict) as caught:
        svc.delete_city(session, actor=world.coordinator, city_id=world.arezzo.id)
    assert str(caught.value) == (
        "The city 'Arezzo' (Italy) cannot be deleted: 1 network membership(s), 1 tandem(s) "
        "depend on it. Archive it instead."
    )


def test_delete_city_refuses_unknown_and_wrong_actor(session, world, intruder, unchanged):
    city = svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="Berlin", country="Germany")
    )
    with unchanged(), pytest.raises(NotFound):
        svc.delete_city(session, actor=world.coordinator, city_id=999)
    with unchanged(), pytest.raises(PermissionDenied):
        svc.delete_city(session, actor=intruder, city_id=city.id)


def test_list_cities_all_sorted(session, world, reader):
    svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="berlin", country="Germany")
    )
    listing = svc.list_cities(session, actor=reader)
    assert city_names(listing) == ["Arezzo", "Arnsberg", "berlin", "Pirna", "Utrecht"]
    assert {entry.role for entry in listing} == {None}


def test_list_cities_of_a_network_with_roles(session, world, reader):
    other = svc.add_network(
        session, actor=world.coordinator, data=NetworkCreate(name="Smarter Together")
    )
    berlin = svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="Berlin", country="Germany")
    )
    svc.set_membership(
        session,
        actor=world.coordinator,
        data=m.MembershipCreate(network_id=other.id, city_id=berlin.id, role=m.Role.LIGHTHOUSE),
    )
    svc.set_membership(
        session,
        actor=world.coordinator,
        data=m.MembershipCreate(network_id=other.id, city_id=world.arezzo.id, role="follower"),
    )
    listing = svc.list_cities(session, actor=reader, network_id=other.id)
    assert [(e.city.name, e.role) for e in listing] == [
        ("Arezzo", "follower"),
        ("Berlin", "lighthouse"),
    ]
    svc.archive_city(session, actor=world.coordinator, city_id=berlin.id)
    assert city_names(svc.list_cities(session, actor=reader, network_id=other.id)) == ["Arezzo"]
    assert city_names(
        svc.list_cities(session, actor=reader, network_id=other.id, include_archived=True)
    ) == ["Arezzo", "Berlin"]


def test_list_cities_refuses_unknown_network_and_signed_out(session, world):
    with pytest.raises(NotFound, match="No network with id 999"):
        svc.list_cities(session, actor=world.coordinator, network_id=999)
    with pytest.raises(PermissionDenied):
        svc.list_cities(session, actor=None)


# --- bulk edit of cities ----------------------------------------------------------


def _rows(world) -> list[dict]:
    """What a data editor of the world's cities holds, plus one new row."""
    return [
        {
            "id": c.id,
            "name": c.name,
            "country": c.country,
            "latitude": c.latitude,
            "longitude": c.longitude,
        }
        for c in (world.arezzo, world.arnsberg, world.utrecht, world.pirna)
    ] + [
        {"id": None, "name": "Berlin", "country": "Germany", "latitude": 52.52, "longitude": 13.40}
    ]


def _stored_cities(session) -> list[tuple]:
    session.expire_all()
    rows = session.exec(select(m.City).order_by(m.City.id))
    return [(c.name, c.country, c.latitude, c.longitude) for c in rows]


def test_bulk_update_adds_and_updates(session, world):
    rows = _rows(world)
    rows[1]["name"] = "Arnsberg (NRW)"
    result = svc.bulk_update_cities(session, actor=world.coordinator, rows=rows)
    assert (result.added, result.updated) == (1, 1)
    assert _stored_cities(session) == [
        ("Arezzo", "Italy", 43.46, 11.88),
        ("Arnsberg (NRW)", "Germany", 51.40, 8.06),
        ("Utrecht", "Netherlands", 52.09, 5.12),
        ("Pirna", "Germany", 50.96, 13.94),
        ("Berlin", "Germany", 52.52, 13.40),
    ]


def test_bulk_update_reads_a_data_editor_frame(session, world):
    """Empty cells come out of pandas as NaN and integer ids as floats."""
    rows = _rows(world)
    rows[0]["latitude"] = rows[0]["longitude"] = None
    frame = pd.DataFrame(rows)
    records = frame.to_dict("records")
    assert isinstance(records[0]["id"], float)  # the new row's missing id made the column float
    result = svc.bulk_update_cities(session, actor=world.coordinator, rows=records)
    assert (result.added, result.updated) == (1, 1)
    assert _stored_cities(session)[0] == ("Arezzo", "Italy", None, None)


def test_bulk_update_keeps_columns_a_row_leaves_out(session, world):
    result = svc.bulk_update_cities(
        session, actor=world.coordinator, rows=[{"id": world.utrecht.id, "name": "Utrecht NL"}]
    )
    assert (result.added, result.updated) == (0, 1)
    assert _stored_cities(session)[2] == ("Utrecht NL", "Netherlands", 52.09, 5.12)


def test_bulk_update_lets_a_row_take_a_name_another_row_gives_up(session, world):
    rows = [
        {"id": world.arezzo.id, "name": "Arezzo (old)"},
        {"name": "Arezzo", "country": "Italy"},
    ]
    result = svc.bulk_update_cities(session, actor=world.coordinator, rows=rows)
    assert (result.added, result.updated) == (1, 1)
    names = [row[0] for row in _stored_cities(session)]
    assert names.count("Arezzo") == 1 and "Arezzo (old)" in names


def test_bulk_update_with_nothing_to_do(session, world, unchanged):
    with unchanged():
        result = svc.bulk_update_cities(session, actor=world.coordinator, rows=_rows(world)[:4])
    assert (result.added, result.updated) == (0, 0)
    assert svc.bulk_update_cities(session, actor=world.coordinator, rows=[]) == svc.BulkResult(0, 0)


BAD_ROWS = [
    # (row index to spoil, changes, how the message names the row and column); a row
    # of a stored city is named by the city ({pirna}: "The row of Pirna (id 4)"), since
    # the data editor shows no row numbers; a new row by its number.
    (4, {"name": "  "}, "New row 5, column 'name': The city name must not be blank."),
    (4, {"country": None}, "New row 5, column 'country'"),
    (3, {"name": LONG_NAME}, "{pirna}, column 'name'"),
    (2, {"latitude": 95.0}, "{utrecht}, column 'latitude'"),
    (2, {"longitude": "east"}, "{utrecht}, column 'longitude'"),
    (4, {"longitude": None}, "New row 5, column 'longitude': Give both latitude and longitude"),
    (4, {"latitude": float("nan")}, "New row 5, column 'latitude': Give both"),
    (3, {"id": 999}, "Row 4, column 'id': No city with id 999."),
    (3, {"id": 2.5}, "Row 4, column 'id': The id must be a whole number"),
    (3, {"id": "abc"}, "Row 4, column 'id'"),
    (4, {"lattitude": 1}, "Row 5, column 'lattitude': There is no such column"),
    (
        4,
        {"name": "arnsberg", "country": "germany"},
        "New row 5, column 'name': The city 'arnsberg' in Germany is also in the row of "
        "Arnsberg (id {arnsberg_id}).",
    ),
    (
        3,
        {"name": "UTRECHT", "country": "Netherlands"},
        "{pirna}, column 'name': The city 'UTRECHT' in Netherlands is also in the row of "
        "Utrecht (id {utrecht_id}).",
    ),
]


def _named(message: str, world) -> str:
    cities = {"pirna": world.pirna, "utrecht": world.utrecht, "arnsberg": world.arnsberg}
    values = {name: f"The row of {c.name} (id {c.id})" for name, c in cities.items()}
    values |= {f"{name}_id": c.id for name, c in cities.items()}
    return message.format(**values)


@pytest.mark.parametrize(("index", "changes", "message"), BAD_ROWS)
def test_bulk_update_refuses_a_bad_row_and_writes_nothing(
    session, world, unchanged, index, changes, message
):
    rows = _rows(world)
    rows[0]["name"] = "Arezzo changed"  # a good change that must not be saved
    rows[index] |= changes
    before = _stored_cities(session)
    with unchanged(), pytest.raises(InvalidInput) as caught:
        svc.bulk_update_cities(session, actor=world.coordinator, rows=rows)
    assert str(caught.value).startswith(_named(message, world))
    assert _stored_cities(session) == before


def test_bulk_update_refuses_a_clash_with_a_city_left_out(session, world, unchanged):
    rows = [{"id": world.arezzo.id, "name": "x"}, {"name": "Pirna", "country": "germany"}]
    with unchanged(), pytest.raises(InvalidInput) as caught:
        svc.bulk_update_cities(session, actor=world.coordinator, rows=rows)
    assert str(caught.value) == (
        "New row 2, column 'name': A city named 'Pirna' in Germany already exists."
    )
    assert fresh(session, world.arezzo).name == "Arezzo"


def test_bulk_update_refuses_the_same_id_twice_and_archived_cities(session, world, unchanged):
    rows = [{"id": world.arezzo.id, "name": "A"}, {"id": world.arezzo.id, "name": "B"}]
    twice = "The row of Arezzo .*, column 'id': .* already in row 1"
    with unchanged(), pytest.raises(InvalidInput, match=twice):
        svc.bulk_update_cities(session, actor=world.coordinator, rows=rows)
    svc.archive_city(session, actor=world.coordinator, city_id=world.pirna.id)
    rows = [{"id": world.pirna.id, "name": "Pirna (Saxony)"}]
    with unchanged(), pytest.raises(InvalidInput, match="Row 1, column 'id': .* is archived"):
        svc.bulk_update_cities(session, actor=world.coordinator, rows=rows)
    assert _stored_cities(session)[:2] == [
        ("Arezzo", "Italy", 43.46, 11.88),
        ("Arnsberg", "Germany", 51.40, 8.06),
    ]


def test_bulk_update_swapping_names_is_a_conflict_that_writes_nothing(session, world, unchanged):
    # Valid as a whole, but each UPDATE meets the other city's unique name.
    rows = [
        {"id": world.arnsberg.id, "name": "Pirna"},
        {"id": world.pirna.id, "name": "Arnsberg"},
    ]
    before = _stored_cities(session)
    with unchanged(), pytest.raises(Conflict, match="one at a time"):
        svc.bulk_update_cities(session, actor=world.coordinator, rows=rows)
    assert _stored_cities(session) == before


def test_bulk_update_refuses_wrong_actor(session, world, intruder, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        svc.bulk_update_cities(session, actor=intruder, rows=_rows(world))


# --- memberships ------------------------------------------------------------------


def _memberships(session, network) -> dict[str, str]:
    session.expire_all()
    rows = session.exec(
        select(m.City.name, m.Membership.role)
        .join(m.Membership, m.Membership.city_id == m.City.id)
        .where(m.Membership.network_id == network.id)
    )
    return dict(rows.all())


def test_set_membership_adds_then_changes_role(session, world):
    berlin = svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="Berlin", country="Germany")
    )
    membership = svc.set_membership(
        session,
        actor=world.coordinator,
        data=m.MembershipCreate(
            network_id=world.network.id, city_id=berlin.id, role=" Lighthouse "
        ),
    )
    assert membership.role == "lighthouse"
    assert _memberships(session, world.network)["Berlin"] == "lighthouse"
    svc.set_membership(
        session,
        actor=world.coordinator,
        data=m.MembershipCreate(
            network_id=world.network.id, city_id=berlin.id, role=m.Role.OBSERVER
        ),
    )
    memberships = _memberships(session, world.network)
    assert memberships["Berlin"] == "observer"
    assert len(memberships) == 5


def test_set_membership_refuses_unknown_role(session, world, unchanged):
    with unchanged(), pytest.raises(InvalidInput, match="lighthouse, follower") as caught:
        svc.set_membership(
            session,
            actor=world.coordinator,
            data=m.MembershipCreate(
                network_id=world.network.id, city_id=world.arezzo.id, role="leader"
            ),
        )
    assert caught.value.field == "role"
    assert _memberships(session, world.network)["Arezzo"] == "member"


def test_set_membership_refuses_unknown_or_archived(session, world, unchanged):
    def attempt(network_id, city_id):
        svc.set_membership(
            session,
            actor=world.coordinator,
            data=m.MembershipCreate(network_id=network_id, city_id=city_id, role="fellow"),
        )

    with unchanged(), pytest.raises(NotFound, match="No network"):
        attempt(999, world.arezzo.id)
    with unchanged(), pytest.raises(NotFound, match="No city"):
        attempt(world.network.id, 999)
    berlin = svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="Berlin", country="Germany")
    )
    svc.archive_city(session, actor=world.coordinator, city_id=berlin.id)
    with unchanged(), pytest.raises(NotFound, match="'Berlin' is archived"):
        attempt(world.network.id, berlin.id)
    svc.archive_network(session, actor=world.coordinator, network_id=world.network.id)
    with unchanged(), pytest.raises(NotFound, match="is archived"):
        attempt(world.network.id, world.arezzo.id)
    assert _memberships(session, world.network)["Arezzo"] == "member"


def test_set_membership_refuses_wrong_actor(session, world, intruder, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        svc.set_membership(
            session,
            actor=intruder,
            data=m.MembershipCreate(
                network_id=world.network.id, city_id=world.arezzo.id, role="lighthouse"
            ),
        )
    assert _memberships(session, world.network)["Arezzo"] == "member"


def test_remove_membership(session, world):
    berlin = svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="Berlin", country="Germany")
    )
    svc.set_membership(
        session,
        actor=world.coordinator,
        data=m.MembershipCreate(network_id=world.network.id, city_id=berlin.id, role="member"),
    )
    svc.remove_membership(
        session, actor=world.coordinator, network_id=world.network.id, city_id=berlin.id
    )
    assert "Berlin" not in _memberships(session, world.network)
    with pytest.raises(NotFound, match="Berlin is not a member of the network"):
        svc.remove_membership(
            session, actor=world.coordinator, network_id=world.network.id, city_id=berlin.id
        )


def test_remove_membership_refused_while_in_a_tandem(session, world, unchanged):
    with unchanged(), pytest.raises(Conflict) as caught:
        svc.remove_membership(
            session, actor=world.coordinator, network_id=world.network.id, city_id=world.arezzo.id
        )
    assert str(caught.value) == (
        "Arezzo cannot leave the network '#connectedinEurope': it is a partner in the "
        "tandem(s) 'Arezzo–Arnsberg'. Take it out of those tandems first."
    )


def test_remove_membership_refused_while_in_an_archived_tandem(session, world, unchanged):
    world.tandem.archived_at = world.tandem.created_at
    session.commit()
    with unchanged(), pytest.raises(Conflict, match="Arezzo–Arnsberg"):
        svc.remove_membership(
            session, actor=world.coordinator, network_id=world.network.id, city_id=world.arezzo.id
        )


def test_remove_membership_refuses_wrong_actor_and_unknown(session, world, intruder, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        svc.remove_membership(
            session, actor=intruder, network_id=world.network.id, city_id=world.pirna.id
        )
    with unchanged(), pytest.raises(NotFound):
        svc.remove_membership(
            session, actor=world.coordinator, network_id=world.network.id, city_id=999
        )
