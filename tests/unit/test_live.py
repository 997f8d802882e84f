"""Live sessions: codes, joining, stepping through questions, counting, wall and votes."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlmodel import Session

from peerlearn import models as m
from peerlearn.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peerlearn.services import live, live_board, live_results, participation
from peerlearn.services._common import now


@pytest.fixture
def quiz(session, world):
    """A quiz in the workshop session: a single choice with a correct option, a scale,
    an open question."""
    q = m.Quiz(session_id=world.workshop.id, title="Warm-up")
    session.add(q)
    session.flush()
    single = m.Question(quiz_id=q.id, kind=m.QuestionKind.SINGLE, text="Who drives it?", position=0)
    scale = m.Question(
        quiz_id=q.id,
        kind=m.QuestionKind.SCALE,
        text="How important?",
        position=1,
        scale_min=1,
        scale_max=5,
    )
    open_ = m.Question(quiz_id=q.id, kind=m.QuestionKind.OPEN, text="One word?", position=2)
    session.add_all([single, scale, open_])
    session.flush()
    public = m.Option(question_id=single.id, text="Public authorities", is_correct=True)
    private = m.Option(question_id=single.id, text="Companies", position=1)
    session.add_all([public, private])
    session.commit()
    return type(
        "Quiz", (), dict(single=single, scale=scale, open=open_, public=public, private=private)
    )()


@pytest.fixture
def code(session, world):
    return live.start_live(session, actor=world.facilitator, session_id=world.workshop.id).join_code


def join(session, code, city, name="", key="browser"):
    return live.join_by_code(
        session, code=code, client_key=key, city_id=city.id if city else None, display_name=name
    )


def test_a_live_session_gets_a_code_without_look_alikes(session, world, code):
    assert len(code) == 6
    assert set(code) <= set(live.JOIN_ALPHABET)
    assert not set(code) & set("0O1IL")
    again = live.start_live(session, actor=world.facilitator, session_id=world.workshop.id)
    assert again.join_code == code  # restarting keeps the code on the screen valid


def test_only_staff_start_a_live_session(session, world, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        live.start_live(session, actor=world.member, session_id=world.workshop.id)
    assert session.get(m.EventSession, world.workshop.id).join_code is None


def test_joining_by_code_ignores_case_and_separators(session, world, code):
    typed = f"{code[:3].lower()}-{code[3:]}"
    participant = join(session, typed, world.arezzo, "Giulia")
    assert participant.session_id == world.workshop.id
    assert participant.city_id == world.arezzo.id
    assert len(participant.token) >= 16


def test_a_wrong_code_is_refused_with_a_clear_message(session, world, code, unchanged):
    with pytest.raises(NotFound, match="No live session has the code"):
        join(session, "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY", world.arezzo)
    assert session.scalar(select(m.Participant.id)) is None


def test_an_ended_session_says_so(session, world, code):
    live.end_live(session, actor=world.facilitator, session_id=world.workshop.id)
    with pytest.raises(NotFound, match="has ended"):
        join(session, code, world.arezzo)


def _attempts(session, key="guesser") -> int:
    return session.scalar(
        select(func.count()).select_from(m.JoinAttempt).where(m.JoinAttempt.client_key == key)
    )


def _guess(session, world, *, key="guesser", address=None):
    return live.session_by_code(session, code="WRONG2", client_key=key, client_address=address)


def test_repeated_wrong_codes_from_one_browser_are_slowed_down(session, world, code):
    for _ in range(live.FREE_ATTEMPTS):
        with pytest.raises(NotFound):
            join(session, "WRONG2", world.arezzo, key="guesser")
    assert _attempts(session) == live.FREE_ATTEMPTS  # each wrong code counted once
    with pytest.raises(live.TooManyAttempts) as refused:
        join(session, code, world.arezzo, key="guesser")  # even the right code must wait
    assert refused.value.retry_after > 0
    # Another browser is not affected.
    assert join(session, code, world.arezzo, key="someone else").id


def test_each_refused_attempt_makes_the_wait_longer(session, world, code):
    for _ in range(live.FREE_ATTEMPTS):
        with pytest.raises(NotFound):
            _guess(session, world)
    waits = []
    for _ in range(6):
        with pytest.raises(live.TooManyAttempts) as refused:
            _guess(session, world)  # hammering while it must wait
        waits.append(refused.value.retry_after)
    # Refused attempts count too: the wait doubles with each, from 4 s up.
    assert waits == [4, 8, 16, 32, 64, 128]
    assert _attempts(session) == live.FREE_ATTEMPTS + 6
    for _ in range(10):
        with pytest.raises(live.TooManyAttempts) as refused:
            _guess(session, world)
    assert refused.value.retry_after == live.MAX_WAIT  # up to a cap
    assert "Try again in 5 minutes." in str(refused.value)


def test_waiting_ends_after_the_delay(session, world, code):
    for _ in range(live.FREE_ATTEMPTS):
        with pytest.raises(NotFound):
            _guess(session, world)
    assert live.wait_seconds(session, client_key="guesser") == 2
    for attempt in session.scalars(select(m.JoinAttempt)):
        attempt.attempted_at -= timedelta(seconds=3)  # time passes
    session.commit()
    assert live.wait_seconds(session, client_key="guesser") == 0
    assert live.session_by_code(session, code=code, client_key="guesser").id == world.workshop.id


def test_clearing_cookies_does_not_reset_the_wait(session, world, code):
    """The address counts too, with room for a venue whose wifi shares one address."""
    address = "203.0.113.7"
    for n in range(live.FREE_ATTEMPTS_PER_ADDRESS):
        with pytest.raises(NotFound):
            _guess(session, world, key=f"c:fresh-cookie-{n}", address=address)
    assert _attempts(session, key=f"ip:{address}") == live.FREE_ATTEMPTS_PER_ADDRESS
    with pytest.raises(live.TooManyAttempts):  # a new cookie, the same address
        live.session_by_code(session, code=code, client_key="c:new", client_address=address)
    # Someone on another network is not slowed down.
    found = live.session_by_code(
        session, code=code, client_key="c:new", client_address="198.51.100.1"
    )
    assert found.id == world.workshop.id


def test_a_few_wrong_codes_from_one_address_do_not_slow_others_on_it(session, world, code):
    for _ in range(live.FREE_ATTEMPTS):
        with pytest.raises(NotFound):
            _guess(session, world, key="c:typo", address="203.0.113.7")
    found = live.session_by_code(
        session, code=code, client_key="c:colleague", client_address="203.0.113.7"
    )
    assert found.id == world.workshop.id


@pytest.mark.parametrize(
    ("seconds", "message"),
    [
        (1, "Try again in 1 second."),
        (2, "Try again in 2 seconds."),
        (64, "Try again in 64 seconds."),
        (128, "Try again in 3 minutes."),
        (300, "Try again in 5 minutes."),
    ],
)
def test_the_wait_is_said_in_words(seconds, message):
    assert live.wait_message(seconds) == message


def test_answering_changing_and_a_closed_question(session, world, quiz, code):
    phone = join(session, code, world.arezzo)
    live.open_question(
        session, actor=world.facilitator, session_id=world.workshop.id, question_id=quiz.single.id
    )
    participation.answer_question(
        session, token=phone.token, question_id=quiz.single.id, option_ids=[quiz.private.id]
    )
    participation.answer_question(
        session, token=phone.token, question_id=quiz.single.id, option_ids=[quiz.public.id]
    )
    answers = session.scalars(select(m.Answer)).all()
    assert len(answers) == 1
    live.close_question(
        session, actor=world.facilitator, session_id=world.workshop.id, question_id=quiz.single.id
    )
    with pytest.raises(Conflict, match="closed"):
        participation.answer_question(
            session, token=phone.token, question_id=quiz.single.id, option_ids=[quiz.private.id]
        )
    chosen = session.scalars(select(m.AnswerOption.option_id)).all()
    assert chosen == [quiz.public.id]


def test_a_countdown_closes_the_question_by_itself(session, world, quiz, code):
    phone = join(session, code, world.arezzo)
    question = live.open_question(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        question_id=quiz.scale.id,
        countdown_seconds=30,
    )
    assert live.question_state(question) == "open"
    question.closes_at = now() - timedelta(seconds=1)  # time passes
    session.add(question)
    session.commit()
    assert live.question_state(question) == "closed"
    with pytest.raises(Conflict):
        participation.answer_question(
            session, token=phone.token, question_id=quiz.scale.id, value=3
        )


@pytest.mark.parametrize("seconds", [0, 4, 601, "10", True])
def test_a_countdown_out_of_range_is_refused(session, world, quiz, code, seconds, unchanged):
    with unchanged(), pytest.raises(InvalidInput, match="countdown"):
        live.open_question(
            session,
            actor=world.facilitator,
            session_id=world.workshop.id,
            question_id=quiz.scale.id,
            countdown_seconds=seconds,
        )
    assert session.get(m.Question, quiz.scale.id).opened_at is None


def test_a_question_of_another_session_cannot_be_shown(session, world, quiz, code):
    with pytest.raises(InvalidInput, match="another session"):
        live.show_question(
            session,
            actor=world.facilitator,
            session_id=world.plenary.id,
            question_id=quiz.single.id,
        )


def test_stepping_through_the_questions(session, world, quiz, code):
    sid = world.workshop.id
    assert (
        live.step(session, actor=world.facilitator, session_id=sid, direction=1).id
        == quiz.single.id
    )
    assert (
        live.step(session, actor=world.facilitator, session_id=sid, direction=1).id == quiz.scale.id
    )
    assert (
        live.step(session, actor=world.facilitator, session_id=sid, direction=-1).id
        == quiz.single.id
    )
    with pytest.raises(InvalidInput, match="no question before"):
        live.step(session, actor=world.facilitator, session_id=sid, direction=-1)


def test_reveal_closes_and_shows(session, world, quiz, code):
    sid = world.workshop.id
    with pytest.raises(Conflict):
        live.reveal_question(
            session, actor=world.facilitator, session_id=sid, question_id=quiz.single.id
        )
    live.open_question(session, actor=world.facilitator, session_id=sid, question_id=quiz.single.id)
    question = live.reveal_question(
        session, actor=world.facilitator, session_id=sid, question_id=quiz.single.id
    )
    assert question.closed_at is not None and question.revealed_at is not None
    assert live.question_state(question) == "revealed"


def _answer_round(session, world, quiz, code):
    """Arezzo: two people choose 'Companies', one 'Public'; Arnsberg: one 'Public'."""
    sid = world.workshop.id
    live.open_question(session, actor=world.facilitator, session_id=sid, question_id=quiz.single.id)
    picks = [
        (world.arezzo, quiz.private, "Ana"),
        (world.arezzo, quiz.private, ""),
        (world.arezzo, quiz.public, "Bea"),
        (world.arnsberg, quiz.public, "Carl"),
    ]
    for city, option, name in picks:
        phone = join(session, code, city, name)
        participation.answer_question(
            session, token=phone.token, question_id=quiz.single.id, option_ids=[option.id]
        )


def test_results_per_person_and_per_city(session, world, quiz, code):
    _answer_round(session, world, quiz, code)
    join(session, code, world.utrecht)  # present, did not answer
    snap = live_results.snapshot(session, session_id=world.workshop.id)
    question = snap.question
    assert snap.participants == 5
    assert snap.cities == ["Arezzo", "Arnsberg", "Utrecht"]
    assert {o.text: o.count for o in question.options} == {"Public authorities": 2, "Companies": 2}
    assert question.answers == 4
    assert question.cities_answered == 2  # "2 of 3 cities answered"
    live.update_settings(
        session, actor=world.facilitator, session_id=world.workshop.id, count_mode=m.CountMode.CITY
    )
    by_city = live_results.snapshot(session, session_id=world.workshop.id).question
    assert {o.text: o.count for o in by_city.options} == {"Public authorities": 2, "Companies": 1}
    assert by_city.answers == 2


def test_options_nobody_chose_count_zero(session, world, quiz, code):
    _open(session, world, quiz.single)
    question = live_results.snapshot(session, session_id=world.workshop.id).question
    assert [o.count for o in question.options] == [0, 0]
    phone = join(session, code, world.arezzo)
    participation.answer_question(
        session, token=phone.token, question_id=quiz.single.id, option_ids=[quiz.public.id]
    )
    question = live_results.snapshot(session, session_id=world.workshop.id).question
    assert {o.text: o.count for o in question.options} == {"Public authorities": 1, "Companies": 0}


def test_scale_mean_per_person_and_per_city(session, world, quiz, code):
    sid = world.workshop.id
    live.open_question(session, actor=world.facilitator, session_id=sid, question_id=quiz.scale.id)
    for city, value in [
        (world.arezzo, 5),
        (world.arezzo, 5),
        (world.arezzo, 5),
        (world.arnsberg, 1),
    ]:
        phone = join(session, code, city)
        participation.answer_question(
            session, token=phone.token, question_id=quiz.scale.id, value=value
        )
    question = live_results.snapshot(session, session_id=sid).question
    assert question.mean == 4.0
    assert question.value_counts == {1: 1, 2: 0, 3: 0, 4: 0, 5: 3}
    live.update_settings(session, actor=world.facilitator, session_id=sid, count_mode="per city")
    assert live_results.snapshot(session, session_id=sid).question.mean == 3.0


def test_open_answers_give_word_frequencies(session, world, quiz, code):
    sid = world.workshop.id
    live.open_question(session, actor=world.facilitator, session_id=sid, question_id=quiz.open.id)
    for text in ["Funding and staff", "funding", "Staff for data platforms"]:
        phone = join(session, code, world.arezzo)
        participation.answer_question(
            session, token=phone.token, question_id=quiz.open.id, text=text
        )
    question = live_results.snapshot(session, session_id=sid).question
    assert question.texts == ["Funding and staff", "funding", "Staff for data platforms"]
    assert question.words[:2] == [("funding", 2), ("staff", 2)]


def test_leaderboard_by_city_and_by_name(session, world, quiz, code):
    _answer_round(session, world, quiz, code)
    live.reveal_question(
        session, actor=world.facilitator, session_id=world.workshop.id, question_id=quiz.single.id
    )
    cities, people = live_results.leaderboard(session, session_id=world.workshop.id)
    assert [(s.name, s.correct, s.answered) for s in cities] == [
        ("Arnsberg", 1, 1),
        ("Arezzo", 1, 3),
    ]
    assert [s.name for s in people][:2] == ["Bea (Arezzo)", "Carl (Arnsberg)"]
    assert "Ana (Arezzo)" in [s.name for s in people]
    assert len(people) == 3  # the nameless participant is not listed


def test_the_leaderboard_counts_only_revealed_questions(session, world, quiz, code):
    """A question not revealed yet would give its right answer away."""
    _answer_round(session, world, quiz, code)
    live.close_question(
        session, actor=world.facilitator, session_id=world.workshop.id, question_id=quiz.single.id
    )
    assert live_results.leaderboard(session, session_id=world.workshop.id) == ([], [])
    live.reveal_question(
        session, actor=world.facilitator, session_id=world.workshop.id, question_id=quiz.single.id
    )
    cities, _ = live_results.leaderboard(session, session_id=world.workshop.id)
    assert sum(s.answered for s in cities) == 4


def test_settings_refuse_bad_values(session, world, code, unchanged):
    for bad in [
        dict(count_mode="per tandem"),
        dict(vote_budget=0),
        dict(vote_budget=21),
        dict(vote_mode="anyone"),
    ]:
        with unchanged(), pytest.raises(InvalidInput):
            live.update_settings(
                session, actor=world.facilitator, session_id=world.workshop.id, **bad
            )
    row = session.get(m.EventSession, world.workshop.id)
    assert (row.count_mode, row.vote_budget) == (m.CountMode.PERSON, 3)


def test_the_challenge_wall(session, world, code, unchanged):
    live.set_activity(
        session, actor=world.facilitator, session_id=world.workshop.id, activity=m.LiveActivity.WALL
    )
    phone = join(session, code, world.arezzo)
    posted = live_board.post_challenge(
        session, token=phone.token, text="  No budget for sensors ", category_id=world.category.id
    )
    assert (posted.tandem_id, posted.city_id, posted.session_id) == (
        world.tandem.id,
        world.arezzo.id,
        world.workshop.id,
    )
    assert posted.text == "No budget for sensors"
    wall = live_results.snapshot(session, session_id=world.workshop.id).wall
    assert [(w.text, w.city, w.category) for w in wall] == [
        ("No budget for sensors", "Arezzo", "Funding")
    ]
    nowhere = join(session, code, None)
    with unchanged(), pytest.raises(InvalidInput, match="which city"):
        live_board.post_challenge(session, token=nowhere.token, text="Something")
    with unchanged(), pytest.raises(InvalidInput, match="blank"):
        live_board.post_challenge(session, token=phone.token, text="   ")
    with unchanged(), pytest.raises(InvalidInput, match="own tandems"):
        live_board.post_challenge(
            session, token=phone.token, text="x", tandem_id=world.other_tandem.id
        )


def _groups(session, world):
    a = m.CommonChallenge(network_id=world.network.id, session_id=world.workshop.id, name="Funding")
    b = m.CommonChallenge(network_id=world.network.id, session_id=world.workshop.id, name="Staff")
    session.add_all([a, b])
    session.commit()
    return a, b


def test_dot_voting_per_person(session, world, code, unchanged):
    a, b = _groups(session, world)
    live.update_settings(
        session, actor=world.facilitator, session_id=world.workshop.id, vote_budget=3
    )
    ana = join(session, code, world.arezzo)
    live_board.vote(session, token=ana.token, common_challenge_id=a.id, dots=2)
    live_board.vote(session, token=ana.token, common_challenge_id=b.id, dots=1)
    assert live_board.dots_left(session, token=ana.token) == 0
    with unchanged(), pytest.raises(InvalidInput, match="1 dot left to place"):
        live_board.vote(session, token=ana.token, common_challenge_id=b.id, dots=2)
    live_board.vote(session, token=ana.token, common_challenge_id=a.id, dots=0)  # take back
    assert live_board.my_votes(session, token=ana.token) == {b.id: 1}
    live.set_activity(
        session, actor=world.facilitator, session_id=world.workshop.id, activity=m.LiveActivity.VOTE
    )
    tallies = live_results.snapshot(session, session_id=world.workshop.id).tallies
    assert [(t.name, t.dots) for t in tallies] == [("Staff", 1), ("Funding", 0)]


def test_dot_voting_per_city_shares_the_budget(session, world, code, unchanged):
    a, b = _groups(session, world)
    live.update_settings(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        vote_mode=m.CountMode.CITY,
        vote_budget=2,
    )
    ana, bea = join(session, code, world.arezzo), join(session, code, world.arezzo)
    carl = join(session, code, world.arnsberg)
    live_board.vote(session, token=ana.token, common_challenge_id=a.id, dots=1)
    live_board.vote(session, token=bea.token, common_challenge_id=b.id, dots=1)
    with unchanged(), pytest.raises(InvalidInput, match="Your city has 0 dots left"):
        live_board.vote(session, token=bea.token, common_challenge_id=a.id, dots=1)
    live_board.vote(session, token=carl.token, common_challenge_id=a.id, dots=2)
    assert live_board.dots_left(session, token=carl.token) == 0


def test_closed_voting_refuses_votes(session, world, code, unchanged):
    a, _ = _groups(session, world)
    ana = join(session, code, world.arezzo)
    live.close_voting(session, actor=world.facilitator, session_id=world.workshop.id)
    with unchanged(), pytest.raises(Conflict, match="Voting is closed"):
        live_board.vote(session, token=ana.token, common_challenge_id=a.id, dots=1)


def test_the_snapshot_reads_a_fixed_number_of_statements(session, engine, world, quiz, code):
    live.open_question(
        session, actor=world.facilitator, session_id=world.workshop.id, question_id=quiz.single.id
    )

    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            session.expire_all()
            live_results.snapshot(session, session_id=world.workshop.id)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    few = statements()
    for i in range(30):
        phone = join(session, code, [world.arezzo, world.arnsberg, world.utrecht][i % 3])
        participation.answer_question(
            session, token=phone.token, question_id=quiz.single.id, option_ids=[quiz.public.id]
        )
    assert statements() == few <= 7
    live.set_activity(
        session, actor=world.facilitator, session_id=world.workshop.id, activity=m.LiveActivity.VOTE
    )
    assert statements() <= 6


# --- one question at a time -------------------------------------------------------


def _open(session, world, question, **kwargs):
    return live.open_question(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        question_id=question.id,
        **kwargs,
    )


def _fresh(session, question):
    session.expire_all()
    return session.get(m.Question, question.id)


def test_opening_a_question_closes_the_one_open_before(session, world, quiz, code):
    _open(session, world, quiz.single)
    _open(session, world, quiz.scale)
    assert live.question_state(_fresh(session, quiz.single)) == "closed"
    assert live.question_state(_fresh(session, quiz.scale)) == "open"
    row = session.get(m.EventSession, world.workshop.id)
    assert row.current_question_id == quiz.scale.id


def test_moving_to_another_question_closes_the_open_one(session, world, quiz, code):
    sid = world.workshop.id
    live.step(session, actor=world.facilitator, session_id=sid, direction=1)
    _open(session, world, quiz.single)
    live.step(session, actor=world.facilitator, session_id=sid, direction=1)
    assert live.question_state(_fresh(session, quiz.single)) == "closed"
    assert live.question_state(_fresh(session, quiz.scale)) == "waiting"


def test_a_countdown_that_ran_out_closes_at_its_end(session, world, quiz, code):
    question = _open(session, world, quiz.single, countdown_seconds=10)
    ended = now() - timedelta(seconds=5)
    question.closes_at = ended
    session.add(question)
    session.commit()
    _open(session, world, quiz.scale)
    assert _fresh(session, quiz.single).closed_at == ended


def test_answers_go_only_to_the_question_on_the_screen(session, world, quiz, code, unchanged):
    phone = join(session, code, world.arezzo)
    _open(session, world, quiz.single)
    # Another question was left open by hand (as an older version of the app did).
    scale = _fresh(session, quiz.scale)
    scale.opened_at, scale.closed_at = now(), None
    session.add(scale)
    session.commit()
    with unchanged(), pytest.raises(Conflict, match="no longer on the screen"):
        participation.answer_question(
            session, token=phone.token, question_id=quiz.scale.id, value=3
        )
    live.set_activity(
        session, actor=world.facilitator, session_id=world.workshop.id, activity=m.LiveActivity.WALL
    )
    with unchanged(), pytest.raises(Conflict, match="no longer on the screen"):
        participation.answer_question(
            session, token=phone.token, question_id=quiz.single.id, option_ids=[quiz.public.id]
        )


def test_reopening_a_revealed_question_must_be_asked_for(session, world, quiz, code, unchanged):
    _open(session, world, quiz.single)
    live.reveal_question(
        session, actor=world.facilitator, session_id=world.workshop.id, question_id=quiz.single.id
    )
    with unchanged(), pytest.raises(Conflict, match="hides them"):
        _open(session, world, quiz.single)
    assert live.question_state(_fresh(session, quiz.single)) == "revealed"
    _open(session, world, quiz.single, hide_results=True)
    assert live.question_state(_fresh(session, quiz.single)) == "open"


# --- a fresh run of the quiz ------------------------------------------------------


def _play(session, world, quiz, code):
    """Two people answer the first two questions; the first is revealed."""
    people = [join(session, code, world.arezzo, "Ana"), join(session, code, world.arnsberg)]
    _open(session, world, quiz.single)
    for person in people:
        participation.answer_question(
            session, token=person.token, question_id=quiz.single.id, option_ids=[quiz.public.id]
        )
    live.reveal_question(
        session, actor=world.facilitator, session_id=world.workshop.id, question_id=quiz.single.id
    )
    _open(session, world, quiz.scale, countdown_seconds=30)
    participation.answer_question(
        session, token=people[0].token, question_id=quiz.scale.id, value=4
    )
    return people


def test_a_fresh_run_clears_the_answers_and_the_states(session, world, quiz, code):
    people = _play(session, world, quiz, code)
    sid = world.workshop.id
    # Answers to another session's quiz stay.
    other = m.Quiz(session_id=world.plenary.id, title="Other")
    session.add(other)
    session.flush()
    kept = m.Question(quiz_id=other.id, kind=m.QuestionKind.OPEN, text="Kept?", opened_at=now())
    session.add(kept)
    session.flush()
    elsewhere = participation.join_session(session, session_id=world.plenary.id)
    session.add(m.Answer(participant_id=elsewhere.id, question_id=kept.id, text="Kept"))
    session.commit()
    assert live.quiz_answers(session, actor=world.facilitator, session_id=sid) == 3

    done = live.fresh_quiz_run(session, actor=world.facilitator, session_id=sid)

    assert (done.answers, done.questions) == (3, 3)
    assert live.quiz_answers(session, actor=world.facilitator, session_id=sid) == 0
    session.expire_all()
    for question in (quiz.single, quiz.scale, quiz.open):
        row = session.get(m.Question, question.id)
        assert (row.opened_at, row.closed_at, row.revealed_at, row.closes_at) == (None,) * 4
        assert row.countdown_seconds is None
    assert session.scalars(select(m.AnswerOption)).all() == []
    assert [a.text for a in session.scalars(select(m.Answer))] == ["Kept"]
    row = session.get(m.EventSession, sid)
    assert row.current_question_id is None and live.is_live(row)
    # The people stay, and the quiz runs again from the start for them.
    assert {p.id for p in session.scalars(select(m.Participant))} >= {p.id for p in people}
    assert live_results.leaderboard(session, session_id=sid) == ([], [])
    live.step(session, actor=world.facilitator, session_id=sid, direction=1)
    _open(session, world, quiz.single)
    participation.answer_question(
        session, token=people[0].token, question_id=quiz.single.id, option_ids=[quiz.private.id]
    )
    assert live_results.snapshot(session, session_id=sid).question.answers == 1


def test_only_staff_start_a_fresh_run(session, world, quiz, code, unchanged):
    _play(session, world, quiz, code)
    with unchanged(), pytest.raises(PermissionDenied):
        live.fresh_quiz_run(session, actor=world.member, session_id=world.workshop.id)
    with pytest.raises(PermissionDenied):
        live.quiz_answers(session, actor=world.member, session_id=world.workshop.id)
    assert _fresh(session, quiz.single).revealed_at is not None


def test_a_fresh_run_is_all_or_nothing(session, engine, world, quiz, code):
    _play(session, world, quiz, code)

    def fail(_conn, _cursor, statement, *_rest):
        if statement.startswith("UPDATE question"):
            raise RuntimeError("the database went away")

    event.listen(engine, "before_cursor_execute", fail)
    try:
        with pytest.raises(RuntimeError):
            live.fresh_quiz_run(session, actor=world.facilitator, session_id=world.workshop.id)
    finally:
        event.remove(engine, "before_cursor_execute", fail)
    session.rollback()
    assert live.quiz_answers(session, actor=world.facilitator, session_id=world.workshop.id) == 3


# --- who is in the room -----------------------------------------------------------


def test_people_joined_counts_the_current_opening_only(session, world, code):
    sid = world.workshop.id
    join(session, code, world.arezzo)
    join(session, code, world.utrecht)
    assert live_results.snapshot(session, session_id=sid).participants == 2
    live.end_live(session, actor=world.facilitator, session_id=sid)
    live.start_live(session, actor=world.facilitator, session_id=sid)  # a later opening
    snap = live_results.snapshot(session, session_id=sid)
    assert (snap.participants, snap.cities) == (0, [])
    join(session, code, world.arnsberg)
    # The opening's start is stored: a server restart (a new database session) agrees.
    with Session(session.get_bind()) as fresh:
        snap = live_results.snapshot(fresh, session_id=sid)
    assert (snap.participants, snap.cities) == (1, ["Arnsberg"])


def test_a_browser_that_joined_before_is_recognised(session, world, code):
    person = join(session, code, world.arezzo)
    found = live.returning_participant(session, session_id=world.workshop.id, token=person.token)
    assert found.id == person.id
    for token in (None, "", "unknown", "x" * 500):
        assert (
            live.returning_participant(session, session_id=world.workshop.id, token=token) is None
        )
    # A token of another session is no participant of this one.
    assert (
        live.returning_participant(session, session_id=world.plenary.id, token=person.token) is None
    )


# --- counting per city ------------------------------------------------------------


def test_scale_bars_and_mean_count_the_same_thing_per_city(session, world, quiz, code):
    sid = world.workshop.id
    live.update_settings(session, actor=world.facilitator, session_id=sid, count_mode="per city")
    _open(session, world, quiz.scale)
    for city, value in [(world.arezzo, 4), (world.arezzo, 5), (world.arnsberg, 2), (None, 1)]:
        phone = join(session, code, city)
        participation.answer_question(
            session, token=phone.token, question_id=quiz.scale.id, value=value
        )
    question = live_results.snapshot(session, session_id=sid).question
    # Arezzo's two people share its one voice; the person of no city does not count.
    assert question.value_counts == {1: 0, 2: 1.0, 3: 0, 4: 0.5, 5: 0.5}
    assert sum(question.value_counts.values()) == question.answers == 2
    bars_mean = sum(v * n for v, n in question.value_counts.items()) / question.answers
    assert question.mean == pytest.approx(bars_mean) == pytest.approx(3.25)


def test_a_word_counts_once_per_answer(session, world, quiz, code):
    sid = world.workshop.id
    _open(session, world, quiz.open)
    for text in ["Budget, budget, budget", "A budget for staff", "Staff"]:
        phone = join(session, code, world.arezzo)
        participation.answer_question(
            session, token=phone.token, question_id=quiz.open.id, text=text
        )
    words = dict(live_results.snapshot(session, session_id=sid).question.words)
    assert words == {"budget": 2, "staff": 2}


def test_the_snapshot_counts_the_dots_each_city_spent(session, world, code):
    a, b = _groups(session, world)
    sid = world.workshop.id
    live.update_settings(
        session, actor=world.facilitator, session_id=sid, vote_mode=m.CountMode.CITY, vote_budget=2
    )
    live.set_activity(
        session, actor=world.facilitator, session_id=sid, activity=m.LiveActivity.VOTE
    )
    ana, bea = join(session, code, world.arezzo), join(session, code, world.arezzo)
    live_board.vote(session, token=ana.token, common_challenge_id=a.id, dots=1)
    assert live_results.snapshot(session, session_id=sid).city_dots == {world.arezzo.id: 1}
    live_board.vote(session, token=bea.token, common_challenge_id=b.id, dots=1)
    assert live_results.snapshot(session, session_id=sid).city_dots == {world.arezzo.id: 2}


# --- moderating the wall ----------------------------------------------------------


def _posts(session, world, code, *texts):
    live.set_activity(
        session, actor=world.facilitator, session_id=world.workshop.id, activity=m.LiveActivity.WALL
    )
    phone = join(session, code, world.arezzo)
    return [live_board.post_challenge(session, token=phone.token, text=t) for t in texts]


def test_the_wall_lists_the_oldest_first(session, world, code):
    first, second = _posts(session, world, code, "First", "Second")
    wall = live_results.snapshot(session, session_id=world.workshop.id).wall
    assert [w.id for w in wall] == [first.id, second.id]  # a new post goes to the end


def test_grouping_the_wall_refuses_hidden_challenges(session, world, code, unchanged):
    from peerlearn.services import challenges

    shown, hidden = _posts(session, world, code, "No budget for sensors", "Rude remark")
    challenges.set_hidden(session, actor=world.facilitator, challenge_id=hidden.id, hidden=True)
    with unchanged(), pytest.raises(InvalidInput, match="is hidden from the wall"):
        live_board.group_wall_challenges(
            session,
            actor=world.facilitator,
            session_id=world.workshop.id,
            challenge_ids=[shown.id, hidden.id],
            name="Funding",
        )
    group = live_board.group_wall_challenges(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        challenge_ids=[shown.id],
        name="Funding",
    )
    assert (group.name, group.session_id) == ("Funding", world.workshop.id)
    with unchanged(), pytest.raises(InvalidInput, match="is hidden from the wall"):
        live_board.group_wall_challenges(
            session,
            actor=world.facilitator,
            session_id=world.workshop.id,
            challenge_ids=[hidden.id],
            into=group.id,
        )
    with unchanged(), pytest.raises(PermissionDenied):
        live_board.group_wall_challenges(
            session,
            actor=world.member,
            session_id=world.workshop.id,
            challenge_ids=[shown.id],
            name="Other",
        )
    wall = live_results.snapshot(session, session_id=world.workshop.id).wall
    assert {w.text: w.group for w in wall} == {
        "No budget for sensors": "Funding",
        "Rude remark": "",
    }
