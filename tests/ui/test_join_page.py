"""The join page and the phone's view of a live session: joining by code, wrong codes,
each state of a question, the challenge wall and the dot-voting, on the Berlin quiz of
the demo network opened from "Run live"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.live import clock, lifecycle, screens, votes, wrong_codes
from peerlearn.live import quiz as live_quiz
from peerlearn.live import snapshot as snapshots
from peerlearn.services import common_challenges
from peerlearn.ui import participant as view
from tests.ui.conftest import user_of
from tests.ui.live_helpers import (
    click,
    drive,
    fresh,
    joined,
    labels,
    network_of,
    not_yet_opened,
    options,
    participant,
    phone,
    questions,
    run_live,
    tandem_city,
    texts,
)

SEND, CHANGE = "Send my answer", "Change my answer"


@pytest.fixture
def control(app):
    """'Run live' as a facilitator, on the Berlin quiz session, opened for phones."""
    return run_live(app)


def _code(control) -> str:
    return fresh(control.engine, control.row_id).join_code


def _participants(control) -> int:
    """Everyone who ever joined the session (the demo's 2023 participants too)."""
    with Session(control.engine) as session:
        found = session.exec(
            select(m.Participant.id).where(m.Participant.session_id == control.row_id)
        )
        return len(found.all())


# --- joining --------------------------------------------------------------------------


def test_a_phone_joins_by_the_code_from_the_qr(control):
    at = phone({"code": _code(control)})
    assert not at.exception
    assert at.text[0].value == fresh(control.engine, control.row_id).title
    city = tandem_city(control.engine, control.row_id)
    at.selectbox(key="join_city").set_value(city)
    at.text_input(key="join_name").input("Giulia")
    click(at, "Join")
    token = at.query_params.get("p")
    assert token, [e.value for e in at.error]
    person = participant(control.engine, token)
    assert (person.display_name, person.session_id, person.city_id) == (
        "Giulia",
        control.row_id,
        city,
    )
    assert any("in a moment" in i.value for i in at.info)  # the lobby
    assert any(c.value.startswith("Speaking for ") for c in at.caption)


def test_joining_asks_for_the_city(control):
    before = _participants(control)
    at = phone({"code": _code(control)})
    click(at, "Join")
    assert [e.value for e in at.error] == ["Choose the city you speak for."]
    assert "p" not in at.query_params
    assert _participants(control) == before


def test_the_phone_offers_the_cities_of_the_network(control):
    at = phone({"code": _code(control)})
    with Session(control.engine) as session:
        cities = screens.session_cities(session, session_id=control.row_id)
    assert at.selectbox(key="join_city").options == [c.label for c in cities]


def test_a_wrong_code_gets_a_clear_message_and_no_participant(control):
    before = _participants(control)
    at = phone({"code": "ZZZZZ9"})
    assert "No live session has the code" in at.error[0].value
    assert _participants(control) == before
    assert not at.selectbox  # no city to choose: nothing to join
    assert at.text_input(key="join_code").value == "ZZZZZ9"  # they can type it again


def test_a_code_typed_by_hand_leads_to_the_session(control):
    at = phone({})
    at.text_input(key="join_code").input(_code(control).lower())
    click(at, "Continue")
    assert not at.error
    assert at.query_params["code"] == _code(control)
    assert at.selectbox(key="join_city")


def test_an_ended_session_says_so(control):
    control.button(key="live_end").click().run()
    at = phone({"code": _code(control)})
    assert "has ended" in at.error[0].value


def test_an_unknown_participation_link_offers_to_join_again(control):
    at = phone({"p": "not-a-token"})
    assert "not known" in at.error[0].value
    click(at, "Join with a code")
    assert "p" not in at.query_params
    assert at.text_input(key="join_code")


@pytest.mark.parametrize("token", ["demo-1", "demo-13"])
def test_a_guessed_demo_link_speaks_for_nobody_while_the_demo_quiz_is_live(control, token):
    """The demo's 2023 participants have random tokens like anyone who joins: an
    address made up from a number does not post or answer for a city."""
    at = phone({"p": token})
    assert "not known" in at.error[0].value
    assert not [t for t in texts(at) if "Alba Iulia" in t or "Arezzo" in t]


# --- wrong codes on the join page -------------------------------------------------------


def _wrong_codes(engine) -> int:
    """Wrong codes counted, in every window (the minute may turn during a test)."""
    with Session(engine) as session:
        return sum(session.exec(select(m.WrongCodeCount.wrong)).all())


def _spend_the_budget(engine) -> None:
    """The budget spent in this window and the next two: a test takes less than that."""
    slot = wrong_codes.slot_of(datetime.now(UTC))
    with Session(engine) as session:
        for n in range(3):
            session.add(m.WrongCodeCount(slot=slot + n, wrong=wrong_codes.BUDGET))
        session.commit()


def test_each_wrong_code_typed_counts_once(control):
    at = phone({})
    for n, code in enumerate(["WRONG2", "WRONG3", "WRONG4"], 1):
        at.text_input(key="join_code").input(code)
        click(at, "Continue")
        assert "No live session has the code" in at.error[0].value
        assert _wrong_codes(control.engine) == n
    at.run()  # redrawing the page is no new attempt
    assert _wrong_codes(control.engine) == 3


def test_a_wrong_code_in_the_address_counts_once(control):
    at = phone({"code": "ZZZZZ9"})
    at.run()
    at.run()
    assert _wrong_codes(control.engine) == 1


def test_a_room_joins_right_after_many_wrong_codes(control):
    """A venue's wifi puts the room behind one address: fifty wrong codes typed there do
    not keep the next phones with the right code waiting."""
    at = phone({})
    for n in range(50):
        at.text_input(key="join_code").input(f"ZZZ{n:03d}")
        click(at, "Continue")
    for _ in range(3):
        right = phone({"code": _code(control)})
        assert not right.error, [e.value for e in right.error]
        assert right.selectbox(key="join_city")


def test_too_many_wrong_codes_are_refused_politely_and_the_right_code_joins(control):
    _spend_the_budget(control.engine)
    for attempt in ({"code": "ZZZZZ9"}, {}):  # in the address, or typed on a new phone
        at = phone(attempt)
        if not attempt:
            at.text_input(key="join_code").input("ZZZZZ8")
            click(at, "Continue")
        message = at.error[0].value
        assert message.startswith("Too many wrong codes right now"), message
        assert "browser" not in message and "ZZZZZ" not in message
    right = phone({"code": _code(control)})
    assert not right.error and right.selectbox(key="join_city")


# --- a question, in each of its states ------------------------------------------------------


def _question(control, n: int = 0, *, opened: bool = True) -> m.Question:
    """The ``n``-th question of the quiz on the screen (not yet opened, as the demo's
    2023 run left it closed), opened for answers unless ``opened`` is False."""
    engine, row_id = control.engine, control.row_id
    drive(engine, row_id, lifecycle.set_activity, activity="quiz")
    question = questions(engine, row_id)[n]
    drive(engine, row_id, live_quiz.show_question, question_id=question.id)
    not_yet_opened(engine, row_id, question.id)
    if opened:
        drive(engine, row_id, live_quiz.open_question, question_id=question.id)
    return question


def _stored(engine, token: str, question_id: int) -> m.Answer | None:
    person = participant(engine, token)
    with Session(engine) as session:
        return session.exec(
            select(m.Answer).where(
                m.Answer.participant_id == person.id, m.Answer.question_id == question_id
            )
        ).first()


def _tiles(at, question_id: int) -> list:
    return [b for b in at.button if (b.key or "").startswith(f"join_q{question_id}_")]


def test_the_phone_follows_each_state_of_a_question(control):
    engine, row_id = control.engine, control.row_id
    question = _question(control, opened=False)
    assert question.kind == "single choice", question.kind
    at, token = joined(engine, row_id)
    assert any("next question is coming" in i.value for i in at.info)  # waiting
    assert not _tiles(at, question.id)

    drive(engine, row_id, live_quiz.open_question, question_id=question.id)
    at.run()  # the follower's rerun when the stage moved
    assert any("Question 1 of 4" in c.value for c in at.caption)
    tiles = _tiles(at, question.id)
    first = options(engine, question.id)[0]
    assert len(tiles) == len(options(engine, question.id))
    assert first.text in tiles[0].label
    tiles[0].click().run()  # one tap answers
    assert not at.error, at.error[0].value
    assert any("Your answer is saved" in s.value for s in at.success)
    assert _stored(engine, token, question.id)
    assert "✓ your answer" in _tiles(at, question.id)[0].label  # the chosen tile marked
    at.run()
    assert not at.success  # said once
    assert any("Tap another answer to change yours" in c.value for c in at.caption)

    drive(engine, row_id, live_quiz.close_question, question_id=question.id)
    at.run()
    assert not _tiles(at, question.id)  # no more answering
    assert any("closed" in i.value for i in at.info)
    assert any(first.text in t.value for t in at.text)  # their answer stays visible

    drive(engine, row_id, live_quiz.reveal_question, question_id=question.id)
    at.run()
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    right = first.is_correct
    assert any(("Right!" if right else "Not quite") in v for v in texts(at))
    assert not at.exception


def test_tapping_another_tile_changes_the_answer(control):
    engine, row_id = control.engine, control.row_id
    question = _question(control)
    at, token = joined(engine, row_id)
    _tiles(at, question.id)[0].click().run()
    _tiles(at, question.id)[1].click().run()
    assert not at.error
    second = options(engine, question.id)[1]
    with Session(engine) as session:
        chosen = session.exec(
            select(m.AnswerOption.option_id).where(
                m.AnswerOption.answer_id == _stored(engine, token, question.id).id
            )
        ).all()
    assert chosen == [second.id]
    marked = [t.label for t in _tiles(at, question.id) if "✓ your answer" in t.label]
    assert len(marked) == 1 and second.text in marked[0]


@pytest.mark.parametrize("n", [1, 2], ids=["multiple choice", "scale"])
def test_the_phone_confirms_a_saved_answer_with_one_button(control, n):
    """A form question: "Send my answer" until there is one, "Change my answer" after,
    never both."""
    engine, row_id = control.engine, control.row_id
    question = _question(control, n)
    at, token = joined(engine, row_id)
    assert SEND in labels(at) and CHANGE not in labels(at)
    if question.kind == "multiple choice":
        picked = [o.id for o in options(engine, question.id)[:2]]
        at.button_group(key=f"join_q{question.id}_multi").set_value(picked)
    else:
        at.slider(key=f"join_q{question.id}_scale").set_value(4)
    click(at, SEND)
    assert not at.error, at.error[0].value
    assert [s.value for s in at.success] == [
        "Your answer is saved. You can change it until the question closes."
    ]
    assert CHANGE in labels(at) and SEND not in labels(at)
    stored = _stored(engine, token, question.id)
    assert stored is not None
    at.run()  # the next redraw: the same one button, the note said once
    assert CHANGE in labels(at) and SEND not in labels(at)
    assert not at.success
    if question.kind == "scale":
        assert at.slider(key=f"join_q{question.id}_scale").value == 4
        at.slider(key=f"join_q{question.id}_scale").set_value(2)
        click(at, CHANGE)
        assert _stored(engine, token, question.id).value == 2
        assert labels(at).count(CHANGE) == 1 and SEND not in labels(at)
    # Another phone that has not answered still sends.
    other, _ = joined(engine, row_id)
    assert SEND in labels(other) and CHANGE not in labels(other)


def test_a_closed_question_refuses_a_late_answer_on_the_phone(control):
    engine, row_id = control.engine, control.row_id
    question = _question(control)
    at, token = joined(engine, row_id)
    tiles = _tiles(at, question.id)
    drive(engine, row_id, live_quiz.close_question, question_id=question.id)
    # The phone had not redrawn since: its tiles were still on screen.
    tiles[0].click().run()
    assert at.error and "closed" in at.error[0].value.lower()
    assert _stored(engine, token, question.id) is None
    assert not _tiles(at, question.id)


def test_the_phone_says_when_the_quiz_is_over(control):
    engine, row_id = control.engine, control.row_id
    drive(engine, row_id, lifecycle.set_activity, activity="quiz")
    for _ in range(len(questions(engine, row_id)) + 1):
        drive(engine, row_id, live_quiz.step, direction=1)
    at, _ = joined(engine, row_id)
    assert any("The quiz is over" in s.value for s in at.success)


def test_the_phone_says_when_the_session_ended(control):
    at, _ = joined(control.engine, control.row_id)
    drive(control.engine, control.row_id, lifecycle.end_live)
    at.run()
    assert not at.exception
    assert any("The session has ended" in s.value for s in at.success)


# --- the challenge wall -------------------------------------------------------------------


def test_the_phone_posts_to_the_challenge_wall(control):
    engine, row_id = control.engine, control.row_id
    drive(engine, row_id, lifecycle.set_activity, activity="challenge wall")
    at, token = joined(engine, row_id)
    at.text_area(key="join_wall_text").input("Too few data engineers")
    click(at, "Post")
    assert not at.error
    with Session(engine) as session:
        posted = session.exec(
            select(m.Challenge).where(m.Challenge.text == "Too few data engineers")
        ).one()
    assert posted.session_id == row_id
    assert posted.participant_id == participant(engine, token).id
    assert any("Challenge posted" in s.value for s in at.success)
    assert any("Too few data engineers" in h for h in texts(at))  # listed as theirs
    assert at.text_area(key="join_wall_text").value == ""  # emptied once posted


def test_an_empty_post_is_refused_and_posts_nothing(control):
    engine, row_id = control.engine, control.row_id
    drive(engine, row_id, lifecycle.set_activity, activity="challenge wall")
    at, token = joined(engine, row_id)
    click(at, "Post")
    assert not at.exception
    assert at.error and "challenge" in at.error[0].value.lower()
    with Session(engine) as session:
        assert not session.exec(
            select(m.Challenge).where(m.Challenge.participant_id == participant(engine, token).id)
        ).first()


def test_a_city_in_no_tandem_cannot_post(control):
    engine, row_id = control.engine, control.row_id
    alone = tandem_city(engine, row_id)
    with Session(engine) as session:  # the city leaves its tandems
        for link in session.exec(select(m.TandemCity).where(m.TandemCity.city_id == alone)):
            session.delete(link)
        session.commit()
    drive(engine, row_id, lifecycle.set_activity, activity="challenge wall")
    at, _ = joined(engine, row_id, city_id=alone)
    assert any("in no tandem" in i.value for i in at.info)
    assert not at.text_area


# --- the dot-voting ----------------------------------------------------------------------------


def _ballot(control, *names: str) -> list[int]:
    """Common challenges formed in the session (so on its vote), one loose challenge of
    the network each."""
    engine, row_id = control.engine, control.row_id
    network_id = network_of(engine, row_id)
    with Session(engine) as session:
        loose = session.exec(
            select(m.Challenge.id)
            .join(m.Tandem)
            .where(
                m.Tandem.network_id == network_id,
                m.Challenge.common_challenge_id.is_(None),
                m.Challenge.archived_at.is_(None),
                m.Challenge.hidden.is_(False),
            )
            .order_by(m.Challenge.id)
        ).all()
        ids = [
            common_challenges.create_common_challenge(
                session,
                actor=user_of(engine, "facilitator"),
                data=m.CommonChallengeCreate(
                    network_id=network_id,
                    name=name,
                    challenge_ids=[challenge],
                    session_id=row_id,
                ),
            ).id
            for name, challenge in zip(names, loose, strict=False)
        ]
    assert len(ids) == len(names), "too few loose challenges in the demo network"
    return ids


def _dots(engine, group_id: int) -> int:
    with Session(engine) as session:
        return sum(
            session.exec(select(m.Vote.dots).where(m.Vote.common_challenge_id == group_id)).all()
        )


def _cards(at) -> list[int]:
    """The common challenges on the phone, top to bottom, by the ids of their + buttons."""
    return [int(b.key.rsplit("_", 1)[1]) for b in at.button if b.key.startswith("join_more_")]


def test_the_phone_places_dots_and_sees_the_ranking_once_voting_closes(control):
    engine, row_id = control.engine, control.row_id
    (group_id,) = _ballot(control, "Funding the next exchange")
    drive(engine, row_id, lifecycle.set_activity, activity="voting")
    at, _ = joined(engine, row_id)
    assert any("3 of 3 dots left" in md.value for md in at.markdown)
    at.button(key=f"join_more_{group_id}").click().run()
    at.button(key=f"join_more_{group_id}").click().run()
    assert _dots(engine, group_id) == 2
    assert any("1 of 3 dots left" in md.value for md in at.markdown)
    assert any("Vote saved" in s.value for s in at.success)
    at.button(key=f"join_less_{group_id}").click().run()
    assert _dots(engine, group_id) == 1
    drive(engine, row_id, lifecycle.close_voting)
    at.run()
    assert any("Voting is closed" in s.value for s in at.success)
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_the_cards_keep_their_place_while_the_ranking_moves(control):
    """A tap lands on the card pressed: the cards stay in the order of their names,
    whatever the live ranking (the big screen's business)."""
    engine, row_id = control.engine, control.row_id
    alpha, zulu = _ballot(control, "Alpha: data skills", "Zulu: funding")
    drive(engine, row_id, lifecycle.set_activity, activity="voting")
    at, _ = joined(engine, row_id)
    assert _cards(at) == [alpha, zulu]
    # Others put Zulu ahead in the ranking while this phone looks at the cards.
    _, other = joined(engine, row_id)
    with Session(engine) as session:
        votes.vote(session, token=other, common_challenge_id=zulu, dots=3)
    at.run()
    with Session(engine) as session:
        ranked = [t.id for t in snapshots.snapshot(session, session_id=row_id).tallies]
    assert ranked == [zulu, alpha]  # the live rank...
    assert _cards(at) == [alpha, zulu]  # ...does not move the cards
    at.button(key=f"join_more_{alpha}").click().run()
    assert (_dots(engine, alpha), _dots(engine, zulu)) == (1, 3)
    assert _cards(at) == [alpha, zulu]
    names = [t.value for t in at.text]
    assert names.index("Alpha: data skills") < names.index("Zulu: funding")


def test_a_phone_sees_the_dots_its_city_has_left_and_why_plus_does_nothing(control):
    engine, row_id = control.engine, control.row_id
    (group_id,) = _ballot(control, "Funding the next exchange")
    drive(
        engine,
        row_id,
        lifecycle.update_settings,
        data=m.LiveSettingsUpdate(vote_mode="per city", vote_budget=2),
    )
    drive(engine, row_id, lifecycle.set_activity, activity="voting")
    ana, _ = joined(engine, row_id)
    bea, _ = joined(engine, row_id)  # the same city
    assert any("2 of 2 dots left for your city" in md.value for md in bea.markdown)
    ana.button(key=f"join_more_{group_id}").click().run()
    ana.button(key=f"join_more_{group_id}").click().run()
    bea.run()  # the follower's rerun: its city's dots moved
    assert any("0 of 2 dots left for your city" in md.value for md in bea.markdown)
    assert not bea.button(key=f"join_more_{group_id}").disabled
    bea.button(key=f"join_more_{group_id}").click().run()
    assert bea.error and "Your city has 0 dots left" in bea.error[0].value
    assert _dots(engine, group_id) == 2


def test_the_phone_redraws_when_its_city_spent_dots(control):
    """What a phone follows moves with its own city's dots, not with another city's."""
    engine, row_id = control.engine, control.row_id
    (group_id,) = _ballot(control, "Funding the next exchange")
    drive(
        engine,
        row_id,
        lifecycle.update_settings,
        data=m.LiveSettingsUpdate(vote_mode="per city", vote_budget=2),
    )
    drive(engine, row_id, lifecycle.set_activity, activity="voting")
    with Session(engine) as session:
        cities = [c.id for c in screens.session_cities(session, session_id=row_id)]
    mine = tandem_city(engine, row_id)
    other = next(c for c in cities if c != mine)
    moment = datetime.now(UTC)

    def token(city_id: int) -> str:
        with Session(engine) as session:
            return clock.read(session, row_id).token("phone", moment, city_id)

    before = token(mine)
    _, someone = joined(engine, row_id, city_id=other)
    with Session(engine) as session:
        votes.add_dots(session, token=someone, common_challenge_id=group_id, by=1)
    assert token(mine) == before  # another city voted: nothing to redraw here
    _, neighbour = joined(engine, row_id, city_id=mine)
    with Session(engine) as session:
        votes.add_dots(session, token=neighbour, common_challenge_id=group_id, by=1)
    assert token(mine) != before  # its own city did


# --- the browser, across reloads and rescans ---------------------------------------------


def test_a_browser_that_joined_before_continues_as_the_same_participant():
    assert view.cookie_name(12) == "pl_p_12"
    assert view.resume_token("tok", known=True, someone_else=False) == "tok"
    assert view.resume_token("tok", known=False, someone_else=False) is None  # other session
    assert view.resume_token("tok", known=True, someone_else=True) is None  # "Not you?"
    assert view.resume_token(None, known=False, someone_else=False) is None
