"""Reads for the live screens: the cities a participant may pick, the live sessions."""

import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import NotFound, PermissionDenied
from peerlearn.services import live, live_views


def test_a_participant_may_speak_for_the_cities_of_the_sessions_network(session, world):
    cities = live_views.session_cities(session, session_id=world.workshop.id)
    event = session.get(m.Event, world.workshop.event_id)
    members = session.exec(
        select(m.Membership.city_id).where(m.Membership.network_id == event.network_id)
    ).all()
    assert sorted(c.id for c in cities) == sorted(members)
    assert [c.label for c in cities] == sorted(c.label for c in cities)
    assert all("(" in c.label for c in cities)  # the country tells twin names apart


def test_archived_cities_are_not_offered(session, world):
    world.arezzo.archived_at = m.utcnow()
    session.add(world.arezzo)
    session.commit()
    ids = [c.id for c in live_views.session_cities(session, session_id=world.workshop.id)]
    assert world.arezzo.id not in ids


def test_cities_of_an_unknown_session_are_refused(session, world):
    with pytest.raises(NotFound):
        live_views.session_cities(session, session_id=999_999)


def test_staff_see_the_sessions_that_are_live(session, world):
    assert live_views.live_sessions(session, actor=world.facilitator) == []
    row = live.start_live(session, actor=world.facilitator, session_id=world.workshop.id)
    listed = live_views.live_sessions(session, actor=world.coordinator)
    assert [(s.id, s.code) for s in listed] == [(row.id, row.join_code)]
    live.end_live(session, actor=world.facilitator, session_id=row.id)
    assert live_views.live_sessions(session, actor=world.facilitator) == []


def test_tandem_members_do_not_list_live_sessions(session, world):
    with pytest.raises(PermissionDenied):
        live_views.live_sessions(session, actor=world.member)


def test_participants_file_challenges_under_the_active_categories(session, world):
    extra = m.Category(name="Archived need", archived_at=m.utcnow())
    session.add(extra)
    session.commit()
    names = [c.name for c in live_views.wall_categories(session)]
    assert world.category.name in names
    assert "Archived need" not in names
    assert names == sorted(names)


def test_the_presenter_address_lets_in_only_with_its_key(session, world):
    row = live.start_live(session, actor=world.facilitator, session_id=world.workshop.id)
    key = live_views.presenter_key(row)
    assert len(key) == 20 and row.join_code not in key
    found = live_views.session_for_presenter(session, session_id=row.id, key=key)
    assert found.id == row.id
    for wrong in ("", None, key[:-1] + ("0" if key[-1] != "0" else "1"), "x" * 5000):
        with pytest.raises(NotFound, match="presenter address"):
            live_views.session_for_presenter(session, session_id=row.id, key=wrong)
    with pytest.raises(NotFound):
        live_views.session_for_presenter(session, session_id=999_999, key=key)


def test_reopening_a_session_changes_the_presenter_key(session, world):
    row = live.start_live(session, actor=world.facilitator, session_id=world.workshop.id)
    first = live_views.presenter_key(row)
    live.end_live(session, actor=world.facilitator, session_id=row.id)
    again = live.start_live(session, actor=world.facilitator, session_id=row.id)
    assert live_views.presenter_key(again) != first
