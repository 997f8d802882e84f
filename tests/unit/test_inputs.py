"""The input models' base: strict, stripped, and messages in the services' words."""

import pytest
from sqlmodel import Field

from peerlearn.errors import InvalidInput
from peerlearn.inputs import Input


class Sample(Input):
    name: str = Field(default=None, min_length=1, max_length=5, title="The tandem name")
    year: int | None = None


@pytest.mark.parametrize(
    ("values", "field", "text"),
    [
        ({"name": "   "}, "name", "The tandem name must not be blank."),
        ({"name": "abcdefgh"}, "name", "The tandem name is 8 characters long; at most 5"),
        ({"nom": "x"}, "nom", "There is no field 'nom' here; allowed: name, year."),
        ({"year": "soon"}, "year", "The year: input should be a valid integer"),
    ],
)
def test_a_mistake_names_the_field_and_what_to_fix(values, field, text):
    with pytest.raises(InvalidInput) as error:
        Sample(**values)
    assert error.value.field == field
    assert str(error.value).startswith(text)


def test_changes_are_the_fields_given_stripped():
    assert Sample(name=" Pirna ").changes() == {"name": "Pirna"}
    assert Sample(year=None).changes() == {"year": None}
    assert Sample().changes() == {}
