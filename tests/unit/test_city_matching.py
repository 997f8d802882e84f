"""One rule for "the same city": stored cities, rows of one file, and the two together;
near spellings are suggested and wait for the coordinator's choice (issue 13, imports
findings 1 and 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn import places
from peerlearn.errors import Conflict, InvalidInput
from peerlearn.excel.imports import NEW, apply_import, preview_import
from peerlearn.models import CityCreate, CityUpdate
from peerlearn.services import network as network_svc

DATA = Path(__file__).parent.parent / "data"
VARIANTS = (DATA / "cities_spelling_variants.csv").read_bytes()


def _munich(session) -> m.City:
    city = m.City(name="Munich", country="Germany", latitude=48.14, longitude=11.58)
    session.add(city)
    session.commit()
    return city


def _preview(session, world, content: bytes, decisions=None):
    return preview_import(
        session,
        actor=world.coordinator,
        kind="cities",
        filename="cities.csv",
        content=content,
        network_id=world.network.id,
        decisions=decisions,
    )


def _cities(session) -> list[tuple[str, str]]:
    session.expire_all()
    return sorted((c.name, c.country) for c in session.exec(select(m.City)).all())


def _first_rows(count: int) -> bytes:
    return b"\n".join(VARIANTS.split(b"\n")[: count + 1]) + b"\n"


def test_spelling_variants_of_stored_cities_are_never_new_cities(session, world, unchanged):
    _munich(session)
    with unchanged():
        preview = _preview(session, world, VARIANTS)
    # Another language's country name finds the stored city; nothing is added for them.
    assert [r.label for r in preview.adds] == ["Gdańsk (Poland)"]
    assert [r.label for r in preview.updates] == ["Arnsberg (Germany)"]
    assert sorted(r.label for r in preview.unchanged) == ["Arezzo (Italy)", "Utrecht (Netherlands)"]
    # München is Munich by another name: a choice, not a new city.
    [choice] = preview.choices
    assert (choice.row, choice.chosen) == (2, None)
    assert [o.label for o in choice.options] == ["Munich (Germany)"]
    assert not preview.ok
    # Gdansk and Munchen spell cities an earlier row of the same file names already.
    reasons = {(p.row, p.column): p.reason for p in preview.problems}
    assert "already in row 6" in reasons[(7, "City")]
    assert "already in row 2" in reasons[(8, "City")]


def test_the_coordinator_says_munchen_is_munich_and_munich_becomes_a_lighthouse(session, world):
    munich = _munich(session)
    before = _cities(session)
    content = _first_rows(4)
    with pytest.raises(InvalidInput, match="row\\(s\\) 2"):
        apply_import(session, actor=world.coordinator, preview=_preview(session, world, content))
    preview = _preview(session, world, content, decisions={2: munich.id})
    assert preview.ok, preview.problems
    [update] = [r for r in preview.updates if r.target_id == munich.id]
    assert update.label == "Munich (Germany)"
    apply_import(session, actor=world.coordinator, preview=preview)
    assert _cities(session) == before
    membership = session.exec(
        select(m.Membership).where(
            m.Membership.city_id == munich.id, m.Membership.network_id == world.network.id
        )
    ).one()
    assert membership.role == m.Role.LIGHTHOUSE


def test_a_new_city_only_when_the_coordinator_says_so(session, world):
    _munich(session)
    preview = _preview(session, world, _first_rows(1), decisions={2: NEW})
    assert preview.ok
    assert [r.label for r in preview.adds] == ["München (Germany)"]
    apply_import(session, actor=world.coordinator, preview=preview)
    assert ("München", "Germany") in _cities(session)


def test_a_country_is_stored_as_the_network_spells_it(session, world):
    content = "City;Country\nKöln;Deutschland\nGdańsk;PL\n".encode()
    preview = _preview(session, world, content)
    assert sorted(r.label for r in preview.adds) == ["Gdańsk (Poland)", "Köln (Germany)"]


def test_a_central_european_name_folds_like_its_plain_spelling():
    assert places.fold("Łódź") == places.fold("Lodz") == "lodz"
    assert places.city_key("Gdańsk", "Polska") == places.city_key("Gdansk ", "Poland")
    assert places.city_key("Frankfurt-am-Main", "DE") == places.city_key(
        "Frankfurt am Main", "Germany"
    )
    assert places.country_code("The Netherlands") == places.country_code("Nederland") == "NL"
    assert places.country_code("Niemcy") == "DE"


def test_the_network_screen_refuses_a_city_stored_under_another_spelling(session, world):
    with pytest.raises(Conflict, match="Arnsberg"):
        network_svc.add_city(
            session,
            actor=world.coordinator,
            data=CityCreate(name="ARNSBERG", country="Deutschland"),
        )
    gdansk = network_svc.add_city(
        session, actor=world.coordinator, data=CityCreate(name="Gdańsk", country="Poland")
    )
    with pytest.raises(Conflict, match="Gdańsk"):
        network_svc.add_city(
            session, actor=world.coordinator, data=CityCreate(name="Gdansk", country="Polska")
        )
    # The one stored city stays editable.
    network_svc.update_city(
        session,
        actor=world.coordinator,
        city_id=gdansk.id,
        data=CityUpdate(latitude=54.35, longitude=18.65),
    )


def test_tandem_imports_suggest_the_city_a_spelling_means(session, world):
    munich = _munich(session)
    session.add(m.Membership(network_id=world.network.id, city_id=munich.id, role="member"))
    session.commit()
    content = 'Tandem,Partner cities\nArnsberg–München,"Arnsberg (Deutschland); München"\n'
    preview = preview_import(
        session,
        actor=world.coordinator,
        kind="tandems",
        filename="tandems.csv",
        content=content.encode(),
        network_id=world.network.id,
    )
    [problem] = preview.problems
    assert "did you mean 'Munich (Germany)'" in problem.reason


def test_the_city_grid_writes_a_country_as_the_network_spells_it(session, world):
    network_svc.bulk_update_cities(
        session,
        actor=world.coordinator,
        rows=[
            {"id": world.utrecht.id, "country": "Nederland"},
            {"name": "Köln", "country": "DE"},
        ],
    )
    assert ("Köln", "Germany") in _cities(session)
    assert ("Utrecht", "Netherlands") in _cities(session)
    with pytest.raises(InvalidInput, match="Arnsberg"):
        network_svc.bulk_update_cities(
            session, actor=world.coordinator, rows=[{"name": "arnsberg", "country": "Niemcy"}]
        )


def test_two_names_of_one_new_city_in_one_file_are_asked_about(session, world):
    content = "City;Country\nVienna;Austria\nWien;Österreich\n".encode()
    preview = _preview(session, world, content)
    [choice] = preview.choices
    assert choice.row == 3
    assert [o.label for o in choice.options] == ["Vienna (Austria), row 2 of this file"]
    assert [r.label for r in preview.adds] == ["Vienna (Austria)"]
    same = _preview(session, world, content, decisions={3: choice.options[0].city_id})
    assert same.ok and [r.label for r in same.adds] == ["Vienna (Austria)"]
    both = _preview(session, world, content, decisions={3: NEW})
    assert both.ok and [r.label for r in both.adds] == ["Vienna (Austria)", "Wien (Austria)"]
    apply_import(session, actor=world.coordinator, preview=same)
    assert ("Wien", "Austria") not in _cities(session)
    assert ("Vienna", "Austria") in _cities(session)


def test_names_that_differ_in_a_number_are_not_near():
    class Place:
        def __init__(self, ident, name, country):
            self.id, self.name, self.country = ident, name, country

    stored = [Place(1, "District 10", "Austria"), Place(2, "Arezzo", "Italy")]
    assert places.suggestions("District 11", "Austria", stored) == []
    assert [s.city_id for s in places.suggestions("Arezo", "Italy", stored)] == [2]
