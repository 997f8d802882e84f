"""What the schema itself guarantees, below the services, on SQLite and PostgreSQL;
and the SQLite settings every connection gets."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from peerlearn import models as m
from peerlearn.db import make_engine


def _refused(session, *rows) -> None:
    session.add_all(rows)
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'settings.db'}")
    try:
        for _ in range(2):  # every connection of the pool, not only the first
            with engine.connect() as connection:
                settings = [
                    connection.execute(text(f"PRAGMA {name}")).scalar_one()
                    for name in ("journal_mode", "busy_timeout", "foreign_keys")
                ]
                assert settings == ["wal", 5000, 1]
            engine.dispose()
    finally:
        engine.dispose()


def test_one_city_of_a_name_per_country(session):
    session.add(m.City(name="Hamm", country="Germany"))
    session.commit()
    _refused(session, m.City(name="Hamm", country="Germany"))
    session.add(m.City(name="Hamm", country="Luxembourg"))
    session.commit()


def test_a_tandem_lists_each_city_once(session, world):
    _refused(session, m.TandemCity(tandem_id=world.tandem.id, city_id=world.arezzo.id))


def test_one_answer_per_participant_and_question(session, world, coordinator):
    quiz = m.Quiz(session_id=world.workshop.id, title="Warm-up")
    session.add(quiz)
    session.flush()
    question = m.Question(quiz_id=quiz.id, kind=m.QuestionKind.OPEN, text="One word?")
    participant = m.Participant(session_id=world.workshop.id, token="t-1")
    session.add_all([question, participant])
    session.flush()
    session.add(m.Answer(participant_id=participant.id, question_id=question.id, text="a"))
    session.commit()
    _refused(session, m.Answer(participant_id=participant.id, question_id=question.id, text="b"))


def test_an_event_cannot_end_before_it_starts(session, world):
    _refused(
        session,
        m.Event(
            network_id=world.network.id,
            title="Backwards",
            place="Lyon",
            start_date=date(2017, 6, 30),
            end_date=date(2017, 6, 28),
        ),
    )


def test_a_challenge_of_an_unknown_tandem_is_refused(session):
    _refused(session, m.Challenge(tandem_id=999_999, text="Nobody's"))
