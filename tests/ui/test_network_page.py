"""The Network screen: cities with roles, bulk edit, tandems, themes and categories."""

from __future__ import annotations

from sqlmodel import Session, select

from peerlearn import models as m
from tests.ui.conftest import click, count_rows

PAGE = "pages/network.py"


def _network_id(engine, name="#connectedinEurope") -> int:
    with Session(engine) as session:
        return session.exec(select(m.Network.id).where(m.Network.name == name)).one()


def test_it_shows_the_networks_cities_and_tandems(app):
    at = app("coordinator", PAGE)
    assert not at.exception
    at.selectbox(key="net_network").set_value(_network_id(at.engine)).run()
    cities = at.get("arrow_data_frame") or at.dataframe
    assert cities
    shown = " ".join(str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel())
    assert "Arezzo–Arnsberg" in shown


def test_an_empty_database_asks_for_the_first_network(app):
    at = app("coordinator", PAGE, kind="empty")
    assert not at.exception
    assert "no network yet" in at.info[0].value
    at.text_input(key="net_network_name").input("Energy Cities")
    click(at, "Add network")
    assert count_rows(at.engine, m.Network) == 1


def test_adding_a_city_makes_it_a_member_with_its_role(app):
    at = app("coordinator", PAGE)
    network_id = _network_id(at.engine)
    at.selectbox(key="net_network").set_value(network_id).run()
    at.text_input(key="net_city_name").input("Łódź")
    at.text_input(key="net_city_country").input("Poland")
    at.number_input(key="net_lat").set_value(51.7592)
    at.number_input(key="net_lon").set_value(19.4560)
    click(at, "Add city")
    assert not at.error
    with Session(at.engine) as session:
        city = session.exec(select(m.City).where(m.City.name == "Łódź")).one()
        role = session.exec(
            select(m.Membership.role).where(
                m.Membership.city_id == city.id, m.Membership.network_id == network_id
            )
        ).one()
    assert role == "member"


def test_a_duplicate_city_is_refused_and_nothing_is_written(app):
    at = app("coordinator", PAGE)
    at.selectbox(key="net_network").set_value(_network_id(at.engine)).run()
    before = count_rows(at.engine, m.City)
    at.text_input(key="net_city_name").input("Arezzo")
    at.text_input(key="net_city_country").input("Italy")
    click(at, "Add city")
    assert at.error and "already exists" in at.error[0].value
    assert count_rows(at.engine, m.City) == before


def test_a_tandem_of_one_city_is_refused(app):
    at = app("coordinator", PAGE)
    network_id = _network_id(at.engine)
    at.selectbox(key="net_network").set_value(network_id).run()
    before = count_rows(at.engine, m.Tandem)
    with Session(at.engine) as session:
        one = session.exec(
            select(m.Membership.city_id).where(m.Membership.network_id == network_id)
        ).first()
    at.text_input(key="net_tandem_name").input("Solo")
    at.multiselect(key="net_tandem_cities").set_value([one])
    click(at, "Add tandem")
    assert at.error
    assert count_rows(at.engine, m.Tandem) == before


def test_a_tandem_of_two_cities_is_added(app):
    at = app("coordinator", PAGE)
    network_id = _network_id(at.engine)
    at.selectbox(key="net_network").set_value(network_id).run()
    with Session(at.engine) as session:
        ids = session.exec(
            select(m.Membership.city_id).where(m.Membership.network_id == network_id)
        ).all()[:2]
    at.text_input(key="net_tandem_name").input("New pairing")
    at.multiselect(key="net_tandem_cities").set_value(ids)
    click(at, "Add tandem")
    assert not at.error, at.error
    with Session(at.engine) as session:
        tandem = session.exec(select(m.Tandem).where(m.Tandem.name == "New pairing")).one()
    assert tandem.network_id == network_id


def test_themes_are_added_and_blank_names_refused(app):
    at = app("coordinator", PAGE)
    at.text_input(key="net_theme_name").input("Urban data platforms 2")
    click(at, "Add theme")
    assert count_rows(at.engine, m.Theme) >= 1
    before = count_rows(at.engine, m.Category)
    at.text_input(key="net_category_name").input("   ")
    click(at, "Add category")
    assert at.error
    assert count_rows(at.engine, m.Category) == before
