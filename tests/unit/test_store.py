"""Writing several service calls as one transaction: all stored, or none."""

import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import Conflict
from peerlearn.services import network
from peerlearn.services.store import one_transaction


def names(session):
    return set(session.exec(select(m.City.name)))


def test_service_calls_inside_are_stored_together(session, coordinator):
    with one_transaction(session):
        network.add_city(session, actor=coordinator, data=m.CityCreate(name="Graz", country="AT"))
        network.add_city(session, actor=coordinator, data=m.CityCreate(name="Linz", country="AT"))
        session.info["seen"] = names(session)  # flushed, so visible inside
    assert {"Graz", "Linz"} <= session.info.pop("seen")
    session.rollback()  # nothing left to roll back: both were committed
    assert {"Graz", "Linz"} <= names(session)


def test_an_error_inside_stores_nothing(session, coordinator, unchanged):
    graz = m.CityCreate(name="Graz", country="AT")
    with unchanged(), pytest.raises(Conflict), one_transaction(session):
        network.add_city(session, actor=coordinator, data=graz)
        network.add_city(session, actor=coordinator, data=m.CityCreate(name="Linz", country="AT"))
        network.add_city(session, actor=coordinator, data=graz)  # refused: Graz is there
    assert not {"Graz", "Linz"} & names(session)


def test_a_batch_keeps_city_clashes_right_as_it_adds_renames_and_deletes(session, coordinator):
    """Inside one transaction the stored cities are read once and kept up to date."""
    add = lambda name: network.add_city(  # noqa: E731
        session, actor=coordinator, data=m.CityCreate(name=name, country="Spain")
    )
    with one_transaction(session):
        malaga = add("Malaga")
        with pytest.raises(Conflict, match="Malaga"):
            add("Málaga")
    session.rollback()
    with one_transaction(session):
        network.update_city(
            session, actor=coordinator, city_id=malaga.id, data=m.CityUpdate(name="Marbella")
        )
        add("Málaga")  # the old name is free again
        with pytest.raises(Conflict, match="Marbella"):
            add("Marbella")


def test_a_deleted_city_frees_its_name_within_the_batch(session, coordinator):
    graz = m.CityCreate(name="Graz", country="Austria")
    with one_transaction(session):
        city = network.add_city(session, actor=coordinator, data=graz)
        network.delete_city(session, actor=coordinator, city_id=city.id)
        network.add_city(session, actor=coordinator, data=graz)
    assert names(session) >= {"Graz"}
