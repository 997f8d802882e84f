"""Live sessions: codes, joining, stepping through questions, counting, wall and votes."""

from datetime import timedelta

import pytest
from sqlalchemy import event, select

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


def test_repeated_wrong_codes_from_one_browser_are_slowed_down(session, world, code):
    for _ in range(live.FREE_ATTEMPTS):
        with pytest.raises(NotFound):
            join(session, "WRONG2", world.arezzo, key="guesser")
    with pytest.raises(live.TooManyAttempts) as refused:
        join(session, code, world.arezzo, key="guesser")  # even the right code must wait
    assert refused.value.retry_after > 0
    # Another browser is not affected.
    assert join(session, code, world.arezzo, key="someone else").id


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
    cities, people = live_results.leaderboard(session, session_id=world.workshop.id)
    assert [(s.name, s.correct, s.answered) for s in cities] == [
        ("Arnsberg", 1, 1),
        ("Arezzo", 1, 3),
    ]
    assert [s.name for s in people][:2] == ["Bea (Arezzo)", "Carl (Arnsberg)"]
    assert "Ana (Arezzo)" in [s.name for s in people]
    assert len(people) == 3  # the nameless participant is not listed


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
    assert statements() == few <= 6
