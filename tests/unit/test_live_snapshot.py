"""What the screens of a live session show, built once per version: the room, the
results of the question on the screen, the words of open answers, the dots each city
spent, the leaderboard and its podium (peerlearn.live.snapshot).

Ported from the old test_live.py. What changed: the results are the snapshot's
``question`` (there is one snapshot for every screen); every share is of those who
answered (``answers``, people or cities), and ties on the leaderboard share a rank.
"""

import pytest
from sqlmodel import Session

from peerlearn import models as m
from peerlearn import rules
from peerlearn.live import answers, ballot, clock, lifecycle, votes
from peerlearn.live import quiz as live_quiz
from peerlearn.live import snapshot as snapshots
from tests.unit.live_fixtures import answer, join, open_question, snap, statements_during


def _settings(session, world, **changes):
    lifecycle.update_settings(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        data=m.LiveSettingsUpdate(**changes),
    )


def _answer_round(session, world, quiz, code):
    """Arezzo: two people choose 'Companies', one 'Public'; Arnsberg: one 'Public'."""
    open_question(session, world, quiz.single)
    picks = [
        (world.arezzo, quiz.private, "Ana"),
        (world.arezzo, quiz.private, ""),
        (world.arezzo, quiz.public, "Bea"),
        (world.arnsberg, quiz.public, "Carl"),
    ]
    for city, option, name in picks:
        answer(session, join(session, code, city, name), quiz.single, option_ids=[option.id])


def _reveal(session, world, question):
    live_quiz.reveal_question(
        session, actor=world.facilitator, session_id=world.workshop.id, question_id=question.id
    )


# --- the room -------------------------------------------------------------------------


def test_people_joined_counts_the_current_opening_only(session, world, code):
    sid = world.workshop.id
    join(session, code, world.arezzo)
    join(session, code, world.utrecht)
    assert snap(session, world).participants == 2
    lifecycle.end_live(session, actor=world.facilitator, session_id=sid)
    lifecycle.start_live(session, actor=world.facilitator, session_id=sid)  # a later opening
    room = snap(session, world)
    assert (room.participants, room.cities) == (0, [])
    join(session, code, world.arnsberg)
    # The opening's start is stored: a server restart (a new database session) agrees.
    with Session(session.get_bind()) as restarted:
        room = snapshots.snapshot(restarted, session_id=sid)
    assert (room.participants, room.cities) == (1, ["Arnsberg"])


# --- the results of the question on the screen ------------------------------------------


def test_results_per_person_and_per_city(session, world, quiz, code):
    _answer_round(session, world, quiz, code)
    join(session, code, world.utrecht)  # present, did not answer
    room = snap(session, world)
    question = room.question
    assert room.participants == 5
    assert room.cities == ["Arezzo", "Arnsberg", "Utrecht"]
    assert {o.text: o.count for o in question.options} == {"Public authorities": 2, "Companies": 2}
    assert question.answers == 4
    assert question.cities_answered == 2  # "2 of 3 cities answered"
    assert question.has_correct
    _settings(session, world, count_mode=m.CountMode.CITY)
    by_city = snap(session, world).question
    assert {o.text: o.count for o in by_city.options} == {"Public authorities": 2, "Companies": 1}
    assert by_city.answers == by_city.cities_answered == 2
    # Shares are of the cities that answered: Arezzo counts for both options.
    shares = {o.text: rules.share(o.count, by_city.answers) for o in by_city.options}
    assert shares == {"Public authorities": 1.0, "Companies": 0.5}


def test_options_nobody_chose_count_zero(session, world, quiz, code):
    open_question(session, world, quiz.single)
    question = snap(session, world).question
    assert [o.count for o in question.options] == [0, 0]
    assert question.answers == 0
    answer(session, join(session, code, world.arezzo), quiz.single, option_ids=[quiz.public.id])
    question = snap(session, world).question
    assert {o.text: o.count for o in question.options} == {"Public authorities": 1, "Companies": 0}
    _settings(session, world, count_mode=m.CountMode.CITY)
    question = snap(session, world).question
    assert {o.text: o.count for o in question.options} == {"Public authorities": 1, "Companies": 0}


def test_scale_mean_per_person_and_per_city(session, world, quiz, code):
    open_question(session, world, quiz.scale)
    for city, value in [
        (world.arezzo, 5),
        (world.arezzo, 5),
        (world.arezzo, 5),
        (world.arnsberg, 1),
    ]:
        answer(session, join(session, code, city), quiz.scale, value=value)
    question = snap(session, world).question
    assert question.mean == 4.0
    assert question.value_counts == {1: 1, 2: 0, 3: 0, 4: 0, 5: 3}
    _settings(session, world, count_mode="per city")
    by_city = snap(session, world).question
    assert by_city.mean == 3.0
    assert by_city.value_counts == {1: 1, 2: 0, 3: 0, 4: 0, 5: 1}


def test_scale_bars_and_mean_count_the_same_thing_per_city(session, world, quiz, code):
    _settings(session, world, count_mode="per city")
    open_question(session, world, quiz.scale)
    for city, value in [(world.arezzo, 4), (world.arezzo, 5), (world.arnsberg, 2), (None, 1)]:
        answer(session, join(session, code, city), quiz.scale, value=value)
    question = snap(session, world).question
    # Arezzo's two people share its one voice; the person of no city does not count.
    assert question.value_counts == {1: 0, 2: 1.0, 3: 0, 4: 0.5, 5: 0.5}
    assert sum(question.value_counts.values()) == question.answers == 2
    bars_mean = sum(v * n for v, n in question.value_counts.items()) / question.answers
    assert question.mean == pytest.approx(bars_mean) == pytest.approx(3.25)


# --- the words of open answers ------------------------------------------------------------


def test_open_answers_give_word_frequencies(session, world, quiz, code):
    open_question(session, world, quiz.open)
    given = []
    for text in ["Funding and staff", "funding", "Staff for data platforms"]:
        given.append(answer(session, join(session, code, world.arezzo), quiz.open, text=text))
    question = snap(session, world).question
    assert question.texts == ["Funding and staff", "funding", "Staff for data platforms"]
    assert question.words[:2] == [("funding", 2), ("staff", 2)]
    assert ("and", 1) not in question.words and ("for", 1) not in question.words
    # A hidden answer leaves the screen and the words (it stays in the moderation list).
    answers.set_hidden(session, actor=world.facilitator, answer_id=given[0].id)
    question = snap(session, world).question
    assert question.texts == ["funding", "Staff for data platforms"]
    assert question.words[:2] == [("data", 1), ("funding", 1)]
    assert [(a.text, a.hidden) for a in question.open_answers][-1] == ("Funding and staff", True)


def test_a_word_counts_once_per_answer(session, world, quiz, code):
    open_question(session, world, quiz.open)
    for text in ["Budget, budget, budget", "A budget for staff", "Staff"]:
        answer(session, join(session, code, world.arezzo), quiz.open, text=text)
    assert dict(snap(session, world).question.words) == {"budget": 2, "staff": 2}


# --- the dots each city spent ---------------------------------------------------------------


def _groups(session, world):
    """Two common challenges on the workshop's ballot."""
    a = m.CommonChallenge(network_id=world.network.id, session_id=world.workshop.id, name="Funding")
    b = m.CommonChallenge(network_id=world.network.id, session_id=world.workshop.id, name="Staff")
    session.add_all([a, b])
    session.flush()
    ballot.put_on_ballot(session, world.workshop.id, [a.id, b.id])
    session.commit()
    return a, b


def test_the_version_a_phone_follows_counts_the_dots_each_city_spent(session, world, code):
    """Voting per city, a phone redraws when its own city's dots move (they are part of
    what it follows), and reads what is left afresh."""
    a, b = _groups(session, world)
    _settings(session, world, vote_mode=m.CountMode.CITY, vote_budget=2)
    lifecycle.set_activity(
        session, actor=world.facilitator, session_id=world.workshop.id, activity=m.LiveActivity.VOTE
    )
    ana, bea = join(session, code, world.arezzo), join(session, code, world.arezzo)
    carl = join(session, code, world.arnsberg)

    def dots() -> dict[int, int]:
        session.expire_all()
        return dict(clock.read(session, world.workshop.id).city_dots)

    votes.vote(session, token=ana.token, common_challenge_id=a.id, dots=1)
    assert dots() == {world.arezzo.id: 1}
    votes.vote(session, token=bea.token, common_challenge_id=b.id, dots=1)
    assert dots() == {world.arezzo.id: 2}
    assert votes.dots_left(session, token=ana.token) == 0
    assert votes.dots_left(session, token=carl.token) == 2
    # Only while voting: another activity follows no dots.
    lifecycle.set_activity(
        session, actor=world.facilitator, session_id=world.workshop.id, activity=m.LiveActivity.WALL
    )
    assert dots() == {}


# --- the leaderboard --------------------------------------------------------------------------


def test_leaderboard_by_city_and_by_name(session, world, quiz, code):
    _answer_round(session, world, quiz, code)
    _reveal(session, world, quiz.single)
    cities, people = snapshots.leaderboard(session, session_id=world.workshop.id)
    assert [(s.name, s.correct, s.answered, s.rank) for s in cities] == [
        ("Arnsberg", 1, 1, 1),
        ("Arezzo", 1, 3, 2),
    ]
    # Bea and Carl tie (all right, one answer each): they share the first place.
    assert [(s.name, s.rank) for s in people] == [
        ("Bea (Arezzo)", 1),
        ("Carl (Arnsberg)", 1),
        ("Ana (Arezzo)", 3),
    ]  # the nameless participant is not listed
    assert [s.name for s in snapshots.podium(people, places=1)] == [
        "Bea (Arezzo)",
        "Carl (Arnsberg)",
    ]
    assert [s.name for s in snapshots.podium(cities)] == ["Arnsberg", "Arezzo"]


def test_the_leaderboard_counts_only_revealed_questions(session, world, quiz, code):
    """A question not revealed yet would give its right answer away."""
    _answer_round(session, world, quiz, code)
    live_quiz.close_question(
        session, actor=world.facilitator, session_id=world.workshop.id, question_id=quiz.single.id
    )
    assert snapshots.leaderboard(session, session_id=world.workshop.id) == ([], [])
    _reveal(session, world, quiz.single)
    cities, _ = snapshots.leaderboard(session, session_id=world.workshop.id)
    assert sum(s.answered for s in cities) == 4


# --- a fixed number of statements ---------------------------------------------------------------


def test_the_snapshot_reads_a_fixed_number_of_statements(session, engine, world, quiz, code):
    """However full the room: at most eight, as the snapshot's docstring promises."""
    open_question(session, world, quiz.single)

    def statements() -> int:
        session.expire_all()
        return len(statements_during(engine, lambda: snap(session, world)))

    few = statements()
    for i in range(30):
        phone = join(session, code, [world.arezzo, world.arnsberg, world.utrecht][i % 3])
        answer(session, phone, quiz.single, option_ids=[quiz.public.id])
    assert statements() == few <= 8
    a, b = _groups(session, world)
    lifecycle.set_activity(
        session, actor=world.facilitator, session_id=world.workshop.id, activity=m.LiveActivity.VOTE
    )
    voting = statements()
    assert voting <= 8
    for i in range(6):
        phone = join(session, code, [world.arezzo, world.pirna][i % 2])
        votes.vote(session, token=phone.token, common_challenge_id=(a, b)[i % 2].id, dots=1)
    assert statements() == voting


def test_cities_answered_counts_the_cities_in_the_room_now(session, world, quiz, code):
    """An earlier opening's answers stay in the results until a fresh run; "N of M
    cities answered" once counted them against the cities present ("10 of 1")."""
    sid = world.workshop.id
    _answer_round(session, world, quiz, code)  # Arezzo and Arnsberg answer
    lifecycle.end_live(session, actor=world.facilitator, session_id=sid)
    lifecycle.start_live(session, actor=world.facilitator, session_id=sid)  # a later opening
    lifecycle.set_activity(
        session, actor=world.facilitator, session_id=sid, activity=m.LiveActivity.QUIZ
    )
    join(session, code, world.utrecht)
    room = snap(session, world)
    assert room.cities == ["Utrecht"]
    assert room.question.cities_answered == 0  # "0 of 1 cities answered"
    assert room.question.answers == 4  # the results keep the earlier answers
