"""Small reads of the live screens: the cities a participant may speak for, the
sessions live right now, the categories to post under, and the presenter's access
(peerlearn.live.screens).

Ported from the old test_live_views.py.
"""

import hashlib
import hmac
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn import server_secret
from peerlearn.db import make_engine
from peerlearn.errors import NotFound, PermissionDenied
from peerlearn.live import lifecycle, screens


def _start(session, world, session_id=None):
    return lifecycle.start_live(
        session, actor=world.facilitator, session_id=session_id or world.workshop.id
    )


def _end(session, world, session_id):
    return lifecycle.end_live(session, actor=world.facilitator, session_id=session_id)


# --- the cities a participant may speak for ----------------------------------------------


def test_a_participant_may_speak_for_the_cities_of_the_sessions_network(session, world):
    cities = screens.session_cities(session, session_id=world.workshop.id)
    event = session.get(m.Event, world.workshop.event_id)
    members = session.exec(
        select(m.Membership.city_id).where(m.Membership.network_id == event.network_id)
    ).all()
    assert sorted(c.id for c in cities) == sorted(members)
    assert [c.label for c in cities] == sorted(c.label for c in cities)
    assert all("(" in c.label for c in cities)  # the country tells twin names apart
    assert screens.CityChoice(world.arezzo.id, "Arezzo (Italy)") in cities


def test_archived_cities_are_not_offered(session, world):
    world.arezzo.archived_at = m.utcnow()
    session.add(world.arezzo)
    session.commit()
    ids = [c.id for c in screens.session_cities(session, session_id=world.workshop.id)]
    assert world.arezzo.id not in ids
    assert world.arnsberg.id in ids


def test_cities_of_an_unknown_session_are_refused(session, world):
    with pytest.raises(NotFound):
        screens.session_cities(session, session_id=999_999)


# --- the sessions live right now -----------------------------------------------------------


def test_staff_see_the_sessions_that_are_live(session, world):
    assert screens.live_sessions(session, actor=world.facilitator) == []
    row = _start(session, world)
    listed = screens.live_sessions(session, actor=world.coordinator)
    assert [(s.id, s.code, s.title, s.event) for s in listed] == [
        (row.id, row.join_code, world.workshop.title, world.event.title)
    ]
    _end(session, world, row.id)
    assert screens.live_sessions(session, actor=world.facilitator) == []


def test_tandem_members_do_not_list_live_sessions(session, world):
    with pytest.raises(PermissionDenied):
        screens.live_sessions(session, actor=world.member)


# --- the categories to post under -------------------------------------------------------------


def test_participants_file_challenges_under_the_active_categories(session, world):
    extra = m.Category(name="Archived need", archived_at=m.utcnow())
    session.add(extra)
    session.commit()
    names = [c.name for c in screens.wall_categories(session)]
    assert world.category.name in names
    assert "Archived need" not in names
    assert names == sorted(names)


# --- the presenter's access -----------------------------------------------------------------


def test_the_presenter_address_lets_in_only_with_its_key(session, world):
    row = _start(session, world)
    key = screens.presenter_key(session, row)
    assert len(key) == 32 and row.join_code not in key
    found = screens.session_for_presenter(session, session_id=row.id, key=key)
    assert found.id == row.id
    wrongs = ("", None, key[:-1] + ("0" if key[-1] != "0" else "1"), "x" * 5000, "²" * 32)
    for wrong in wrongs:
        with pytest.raises(NotFound, match="presenter address"):
            screens.session_for_presenter(session, session_id=row.id, key=wrong)
    with pytest.raises(NotFound):
        screens.session_for_presenter(session, session_id=999_999, key=key)


def test_reopening_a_session_changes_the_presenter_key(session, world):
    row = _start(session, world)
    first = screens.presenter_key(session, row)
    _end(session, world, row.id)
    again = _start(session, world, row.id)
    assert screens.presenter_key(session, again) != first
    with pytest.raises(NotFound, match="presenter address"):
        screens.session_for_presenter(session, session_id=row.id, key=first)


def _old_formula(row) -> str:
    """The key as it was once made: from the row's id, join code and opening alone."""
    started = row.live_started_at.isoformat() if row.live_started_at else ""
    return hashlib.sha256(f"{row.id}:{row.join_code}:{started}".encode()).hexdigest()[:20]


def test_the_key_cannot_be_made_from_what_the_row_shows(session, world):
    row = _start(session, world)
    with pytest.raises(NotFound, match="presenter address"):
        screens.session_for_presenter(session, session_id=row.id, key=_old_formula(row))
    # Nor from any other digest of the row's values: it is keyed with the server's secret.
    key = screens.presenter_key(session, row)
    made = server_secret.server_secret(session)
    message = screens.presenter_message(row)
    assert key == hmac.new(made, message, hashlib.sha256).hexdigest()[:32]
    assert str(row.id).encode() in message  # the row's values, and nothing secret
    assert hmac.new(b"", message, hashlib.sha256).hexdigest()[:32] != key
    assert hashlib.sha256(message).hexdigest()[:32] != key


def test_the_old_key_shows_nothing_once_the_session_ends(session, world):
    row = _start(session, world)
    key = screens.presenter_key(session, row)
    _end(session, world, row.id)
    with pytest.raises(NotFound, match="presenter address"):
        screens.session_for_presenter(session, session_id=row.id, key=key)
    ended = session.get(m.EventSession, row.id)
    assert screens.presenter_key(session, ended) != key  # not even the key of the ended one


def test_app_servers_on_one_database_make_the_same_key(session, world, engine):
    """Several servers behind one proxy: the secret is made once and kept in the database."""
    row = _start(session, world)
    url = engine.url.render_as_string(hide_password=False)
    others = [make_engine(url), make_engine(url)]
    try:
        barrier = threading.Barrier(len(others))

        def key_of(other):
            with Session(other) as elsewhere:
                barrier.wait()  # both find no secret yet and make one at the same moment
                return screens.presenter_key(elsewhere, elsewhere.get(m.EventSession, row.id))

        with ThreadPoolExecutor(len(others)) as pool:
            keys = list(pool.map(key_of, others))
    finally:
        for other in others:
            other.dispose()
    assert keys[0] == keys[1] == screens.presenter_key(session, row)
    assert len(session.exec(select(m.ServerSecret)).all()) == 1


def test_a_configured_secret_is_used_and_nothing_is_stored(session, world, monkeypatch):
    row = _start(session, world)
    monkeypatch.setenv(server_secret.SECRET_ENV, "a long random string of the deployment")
    key = screens.presenter_key(session, row)
    assert screens.session_for_presenter(session, session_id=row.id, key=key).id == row.id
    assert session.exec(select(m.ServerSecret)).all() == []
    monkeypatch.setenv(server_secret.SECRET_ENV, "another deployment's string")
    assert screens.presenter_key(session, row) != key
