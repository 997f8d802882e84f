"""The input models of the network, tandems, accounts, events and challenges: one
validation for every door (screens, editors, imports, the command line)."""

from datetime import UTC, date, datetime

import pytest

from peerlearn import models as m
from peerlearn.errors import InvalidInput


@pytest.mark.parametrize(
    ("model", "values", "field", "text"),
    [
        (m.NetworkCreate, {"name": " "}, "name", "The network name must not be blank."),
        (m.ThemeUpdate, {"name": "x" * 121}, "name", "The theme name is 121 characters long"),
        (m.CityCreate, {"name": "Pirna"}, "country", "The country is required."),
        (
            m.CityCreate,
            {"name": "Pirna", "country": "Germany", "latitude": 50.9},
            "longitude",
            "Give both latitude and longitude, or neither; the longitude is missing.",
        ),
        (
            m.CityUpdate,
            {"latitude": "north"},
            "latitude",
            "The latitude must be a number in decimal degrees",
        ),
        (
            m.TandemCreate,
            {"network_id": 1, "name": "T", "deadline": datetime(2024, 12, 31, 9)},
            "deadline",
            "The deadline must be a date such as 2024-12-31",
        ),
        (
            m.TandemUpdate,
            {"city_ids": [1, True]},
            "city_ids",
            "Partner cities are given by their ids (got True).",
        ),
        (m.UserCreate, {"email": "anna", "role": "tandem"}, "email", "'anna' is not an email"),
        (
            m.UserCreate,
            {"email": "a@b.org", "role": "boss"},
            "role",
            "The role must be one of: coordinator, facilitator, tandem (got 'boss').",
        ),
        (
            m.EventCreate,
            {"network_id": 1, "title": "E", "start_date": date(2024, 3, 6), "end_date": None},
            "end_date",
            "The end date is missing; give a date such as 2023-10-23.",
        ),
        (
            m.EventSessionUpdate,
            {"starts_at": datetime(2023, 10, 23, 9, tzinfo=UTC)},
            "starts_at",
            "The start time must be the wall-clock time at the event's place",
        ),
        (m.EventSessionUpdate, {"kind": "party"}, "kind", "The session's kind must be one of"),
        (m.TakeawayUpdate, {"text": ""}, "text", "The take-away must not be blank."),
        (m.ChallengeUpdate, {"priority": True}, "priority", "The priority must be 1 (high)"),
        (m.ChallengeCreate, {"tandem_id": 1, "text": "x", "tandem": 2}, "tandem", "There is no"),
    ],
)
def test_a_mistake_names_the_field_and_what_to_fix(model, values, field, text):
    with pytest.raises(InvalidInput) as caught:
        model(**values)
    assert caught.value.field == field
    assert str(caught.value).startswith(text)


def test_dates_and_times_out_of_order_are_refused_as_a_whole():
    with pytest.raises(InvalidInput, match="The event's dates: the end"):
        m.EventCreate(
            network_id=1, title="E", start_date=date(2024, 3, 6), end_date=date(2024, 3, 5)
        )
    with pytest.raises(InvalidInput, match="The session's times: the end"):
        m.EventSessionCreate(
            event_id=1,
            title="S",
            kind="panel",
            starts_at=datetime(2023, 10, 23, 10),
            ends_at=datetime(2023, 10, 23, 9),
        )


def test_editor_cells_become_values():
    """A data editor gives NaN for an empty number cell and may give numbers as text."""
    city = m.CityCreate(name=" Pirna ", country="Germany", latitude="50.96", longitude=13.94)
    assert (city.name, city.latitude) == ("Pirna", 50.96)
    assert m.CityUpdate(latitude=float("nan"), longitude=None).changes() == {
        "latitude": None,
        "longitude": None,
    }
    with pytest.raises(InvalidInput, match="The city name must not be blank"):
        m.CityCreate(name=float("nan"), country="Germany")


def test_an_update_holds_only_the_fields_given():
    assert m.TandemUpdate(deadline=None).changes() == {"deadline": None}
    assert m.ChallengeUpdate(text=" Staff ").changes() == {"text": "Staff"}
    assert m.EventSessionUpdate().changes() == {}


def test_account_input_normalises_but_keeps_the_password_as_typed():
    user = m.UserCreate(email=" Anna@Example.ORG ", role="Tandem", password=" pass word ")
    assert (user.email, user.role, user.password) == ("anna@example.org", "tandem", " pass word ")
    assert m.UserCreate(email="a@b.org", role="tandem", tandem_ids=(3, 4)).tandem_ids == [3, 4]
