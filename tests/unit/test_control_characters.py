"""Control characters in what people type (NUL above all, which PostgreSQL refuses in
text) are stripped in one place, for the input models and ``clean_text`` alike: nothing
typed, pasted or put in an address makes the database raise, on either backend."""

from __future__ import annotations

import pytest

from peerlearn import models as m
from peerlearn.errors import AuthenticationFailed, InvalidInput, NotFound
from peerlearn.live import answers, joining, wall
from peerlearn.services import network, users
from peerlearn.services.text import clean_text
from tests.unit.live_fixtures import answer, fresh, join, open_question

# Every C0 control but tab, newline and carriage return; DEL; every C1 control.
CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
CONTROLS += "".join(chr(c) for c in range(0x7F, 0xA0))


def test_clean_text_strips_every_control_character_but_tab_and_line_breaks():
    typed = f"No{CONTROLS} budget\tfor\r\nsensors \u202e é 👩‍👩‍👧"
    assert clean_text(typed, label="The text", max_len=500) == (
        "No budget\tfor\r\nsensors \u202e é 👩‍👩‍👧"
    )


def test_text_of_nothing_but_control_characters_is_blank():
    with pytest.raises(InvalidInput, match="must not be blank"):
        clean_text("\x00\x01 \x7f", label="The text", max_len=500)
    with pytest.raises(InvalidInput, match="must not be blank"):
        m.WallPostCreate(text="\x00 \x00")


def test_input_models_strip_control_characters_in_every_text_field():
    city = m.CityCreate(name="Are\x00zzo\x1b", country="It\x85aly")
    assert (city.name, city.country) == ("Arezzo", "Italy")
    quiz = m.QuizCreate(session_id=1, title="Warm\x00-up")
    assert quiz.title == "Warm-up"


def test_a_nul_in_a_city_name_is_stored_without_it(session, world):
    data = m.CityCreate(name="Pa\x00ris", country="France")
    city = network.add_city(session, actor=world.coordinator, data=data)
    assert fresh(session, m.City, city).name == "Paris"


def test_a_nul_in_a_participant_name_a_wall_post_and_an_open_answer(session, world, code, quiz):
    phone = join(session, code, world.arezzo, name="An\x00na")
    assert fresh(session, m.Participant, phone).display_name == "Anna"

    posted = wall.post_challenge(
        session, token=phone.token, data=m.WallPostCreate(text="No\x00 budget for sensors")
    )
    assert fresh(session, m.Challenge, posted).text == "No budget for sensors"

    open_question(session, world, quiz.open)
    given = answer(session, phone, quiz.open, text="sen\x00sors\x7f")
    assert fresh(session, m.Answer, given).text == "sensors"


@pytest.mark.parametrize("token", ["\x00", "abc\x00def", "\x00" * 64])
def test_a_participant_token_with_a_nul_is_not_found(session, world, code, quiz, token):
    with pytest.raises(NotFound):
        joining.participant_by_token(session, token=token)
    assert joining.returning_participant(session, session_id=world.workshop.id, token=token) is None
    with pytest.raises(NotFound):
        answers.answer_question(session, token=token, question_id=quiz.open.id, text="x")


def test_a_sign_in_email_with_a_nul_is_a_wrong_sign_in(session, coordinator):
    with pytest.raises(AuthenticationFailed):
        users.authenticate(session, "coordinator@example.org\x00", "whatever-it-is")
    with pytest.raises(AuthenticationFailed):
        users.authenticate(session, "\x00", "whatever-it-is")
    assert users.user_by_email(session, "\x00coordinator@example.org") in (None, coordinator)


def test_a_password_is_kept_exactly_as_typed():
    typed = "Correct\x01Horse\x7fBattery-9"
    data = m.UserCreate(email="a@example.org", role="coordinator", password=typed)
    assert data.password == typed
