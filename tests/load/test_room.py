"""The room tool in a reduced size: protocol phones join a real server, follow the
quiz and answer each question once; on PostgreSQL, across two servers. What is
checked is what does not drift: every phone joined, every answer confirmed, stored
once and counted by the presenter, nothing went wrong. The figures themselves are
printed (``-s``) and reported by hand at full size (README, "Live sessions at scale")."""

from __future__ import annotations

import json

import pytest

from tests.load import room

PHONES = 20
QUESTIONS = 2


def _check(report: dict, phones: int) -> None:
    print(room.summary(report))
    summary = json.dumps({k: v for k, v in report.items() if k != "errors"}, indent=1)
    assert not report["errors"], report["errors"]
    assert report["joined"] == phones, summary
    assert report["confirmed"] == phones * QUESTIONS, summary
    assert report["answers"] == phones * QUESTIONS, summary
    assert report["stored_twice"] == 0, summary
    # The presenter counted every confirmed answer of every question.
    assert report["tap_to_presenter_s"]["n"] == phones * QUESTIONS, summary


def test_a_room_on_one_server_on_sqlite(tmp_path):
    report = room.run(phones=PHONES, questions=QUESTIONS, idle=2.0, think=1.0, logs=tmp_path)
    _check(report, PHONES)


@pytest.mark.postgres
def test_a_room_on_two_servers_on_postgresql(pg_server, tmp_path):
    url = pg_server.create_database("room")
    report = room.run(
        phones=PHONES, servers=2, url=url, questions=QUESTIONS, idle=2.0, think=1.0, logs=tmp_path
    )
    assert report["database"] == "postgresql"
    _check(report, PHONES)
