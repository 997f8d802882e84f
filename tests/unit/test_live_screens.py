"""Small reads of the live screens: the cities a participant may speak for, the
sessions live right now, the categories to post under, and the presenter's access
(peerlearn.live.screens).

Ported from the old test_live_views.py.
"""

import pytest
from sqlmodel import select

from peerlearn import models as m
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
    key = screens.presenter_key(row)
    assert len(key) == 20 and row.join_code not in key
    found = screens.session_for_presenter(session, session_id=row.id, key=key)
    assert found.id == row.id
    for wrong in ("", None, key[:-1] + ("0" if key[-1] != "0" else "1"), "x" * 5000):
        with pytest.raises(NotFound, match="presenter address"):
            screens.session_for_presenter(session, session_id=row.id, key=wrong)
    with pytest.raises(NotFound):
        screens.session_for_presenter(session, session_id=999_999, key=key)


def test_reopening_a_session_changes_the_presenter_key(session, world):
    row = _start(session, world)
    first = screens.presenter_key(row)
    _end(session, world, row.id)
    again = _start(session, world, row.id)
    assert screens.presenter_key(again) != first
