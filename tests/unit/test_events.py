from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peerlearn.models import (
    EventCreate,
    EventSessionCreate,
    EventSessionUpdate,
    EventUpdate,
    TakeawayCreate,
    TakeawayUpdate,
)
from peerlearn.services import events as ev
from peerlearn.services import quizzes

DAY1 = datetime(2023, 10, 23, 9, 0)


def _event(session, world, actor=None, **changes):
    fields = dict(
        network_id=world.network.id,
        title="Smarter Together peer exchange",
        place="Lyon",
        mode="hybrid",
        start_date=date(2024, 3, 5),
        end_date=date(2024, 3, 6),
        description="Two days on urban data platforms.",
    )
    fields.update(changes)
    return ev.add_event(session, actor=actor or world.facilitator, data=EventCreate(**fields))


# --- events -----------------------------------------------------------------------


def test_add_event_stores_clean_fields(session, world):
    event = _event(session, world, title="  Lyon exchange  ", mode="HYBRID")
    stored = session.get(m.Event, event.id)
    assert stored.title == "Lyon exchange"
    assert stored.mode == m.EventMode.HYBRID
    assert (stored.start_date, stored.end_date) == (date(2024, 3, 5), date(2024, 3, 6))
    assert stored.archived_at is None


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": "   "}, InvalidInput),
        ({"title": "x" * (m.TITLE_MAX + 1)}, InvalidInput),
        ({"place": "p" * (m.NAME_MAX + 1)}, InvalidInput),
        ({"description": "d" * (m.TEXT_MAX + 1)}, InvalidInput),
        ({"mode": "by carrier pigeon"}, InvalidInput),
        ({"start_date": date(2024, 3, 7)}, InvalidInput),
        ({"start_date": None}, InvalidInput),
        ({"network_id": 9999}, NotFound),
        ({"title": "#CIE meeting Berlin", "start_date": date(2023, 10, 23)}, Conflict),
    ],
)
def test_add_event_refuses_bad_input(session, world, unchanged, changes, error):
    if "start_date" in changes and changes["start_date"] == date(2023, 10, 23):
        changes["end_date"] = date(2023, 10, 24)
    with unchanged(), pytest.raises(error):
        _event(session, world, **changes)


def test_add_event_duplicate_message_names_it(session, world):
    with pytest.raises(Conflict, match="'#CIE meeting Berlin' starting on 2023-10-23"):
        _event(
            session,
            world,
            title="#cie MEETING berlin",
            start_date=date(2023, 10, 23),
            end_date=date(2023, 10, 24),
        )


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_tandem_members_cannot_write_events(session, world, unchanged, who):
    actor = getattr(world, who)
    with unchanged(), pytest.raises(PermissionDenied):
        _event(session, world, actor=actor)
    for call in (
        lambda: ev.update_event(
            session, actor=actor, event_id=world.event.id, data=EventUpdate(title="Mine")
        ),
        lambda: ev.archive_event(session, actor=actor, event_id=world.event.id),
        lambda: ev.add_session(
            session,
            actor=actor,
            data=EventSessionCreate(event_id=world.event.id, title="Mine", kind="panel"),
        ),
        lambda: ev.add_takeaway(
            session, actor=actor, data=TakeawayCreate(session_id=world.workshop.id, text="x")
        ),
    ):
        with unchanged(), pytest.raises(PermissionDenied):
            call()
    session.refresh(world.event)
    assert world.event.title == "#CIE meeting Berlin"
    assert world.event.archived_at is None


def test_update_event_changes_given_fields_only(session, world):
    ev.update_event(
        session,
        actor=world.coordinator,
        event_id=world.event.id,
        data=EventUpdate(place="Berlin-Mitte"),
    )
    session.expire_all()
    event = session.get(m.Event, world.event.id)
    assert event.place == "Berlin-Mitte"
    assert event.title == "#CIE meeting Berlin"
    assert event.mode == m.EventMode.ONSITE


def test_update_event_refuses_dates_that_leave_sessions_outside(session, world):
    ev.update_session(
        session,
        actor=world.facilitator,
        session_id=world.plenary.id,
        data=EventSessionUpdate(starts_at=DAY1),
    )
    with pytest.raises(InvalidInput, match="1 session"):
        ev.update_event(
            session,
            actor=world.facilitator,
            event_id=world.event.id,
            data=EventUpdate(start_date=date(2023, 10, 24)),
        )
    session.rollback()
    session.expire_all()
    assert session.get(m.Event, world.event.id).start_date == date(2023, 10, 23)


def test_update_event_refuses_end_before_start(session, world):
    with pytest.raises(InvalidInput, match="end"):
        ev.update_event(
            session,
            actor=world.facilitator,
            event_id=world.event.id,
            data=EventUpdate(end_date=date(2023, 10, 1)),
        )
    session.rollback()
    session.expire_all()
    assert session.get(m.Event, world.event.id).end_date == date(2023, 10, 24)


def test_archive_hides_event_from_list(session, world):
    other = _event(session, world)
    ev.archive_event(session, actor=world.facilitator, event_id=world.event.id)
    assert [e.id for e in ev.list_events(session, actor=world.member)] == [other.id]
    assert {e.id for e in ev.list_events(session, actor=world.member, include_archived=True)} == {
        other.id,
        world.event.id,
    }
    assert ev.list_events(session, actor=world.member, network_id=9999) == []
    # An archived event takes no new sessions.
    with pytest.raises(NotFound, match="archived"):
        ev.add_session(
            session,
            actor=world.facilitator,
            data=EventSessionCreate(event_id=world.event.id, title="Late", kind="panel"),
        )


def test_delete_event_refused_while_it_has_sessions(session, world, unchanged):
    with unchanged(), pytest.raises(Conflict, match="2 session"):
        ev.delete_event(session, actor=world.coordinator, event_id=world.event.id)


def test_delete_empty_event(session, world):
    event = _event(session, world)
    ev.delete_event(session, actor=world.facilitator, event_id=event.id)
    assert session.get(m.Event, event.id) is None
    with pytest.raises(NotFound):
        ev.delete_event(session, actor=world.facilitator, event_id=event.id)


# --- sessions ---------------------------------------------------------------------


def test_add_session_inside_event(session, world):
    row = ev.add_session(
        session,
        actor=world.facilitator,
        data=EventSessionCreate(
            event_id=world.event.id,
            title="Site visit: Tempelhof",
            kind="site visit",
            starts_at=datetime(2023, 10, 24, 14, 0),
            ends_at=datetime(2023, 10, 24, 16, 30),
            location="Tempelhofer Feld",
        ),
    )
    stored = session.get(m.EventSession, row.id)
    assert stored.kind == m.SessionKind.SITE_VISIT
    assert stored.starts_at == datetime(2023, 10, 24, 14, 0)
    assert stored.location == "Tempelhofer Feld"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": ""}, InvalidInput),
        ({"title": "t" * (m.TITLE_MAX + 1)}, InvalidInput),
        ({"kind": "party"}, InvalidInput),
        ({"starts_at": DAY1, "ends_at": datetime(2023, 10, 23, 8, 0)}, InvalidInput),
        ({"starts_at": datetime(2023, 10, 22, 9, 0)}, InvalidInput),
        ({"ends_at": datetime(2023, 10, 25, 9, 0)}, InvalidInput),
        ({"starts_at": datetime(2023, 10, 23, 9, 0, tzinfo=UTC)}, InvalidInput),
        ({"starts_at": date(2023, 10, 23)}, InvalidInput),
        ({"location": "l" * (m.TITLE_MAX + 1)}, InvalidInput),
        ({"event_id": 9999}, NotFound),
        ({"title": "Needs and challenges"}, Conflict),
    ],
)
def test_add_session_refuses_bad_input(session, world, unchanged, changes, error):
    fields = dict(event_id=world.event.id, title="Panel", kind="panel")
    fields.update(changes)
    with unchanged(), pytest.raises(error):
        ev.add_session(session, actor=world.facilitator, data=EventSessionCreate(**fields))


def test_out_of_range_message_names_the_event_dates(session, world):
    with pytest.raises(InvalidInput, match="2023-10-23 to 2023-10-24"):
        ev.add_session(
            session,
            actor=world.facilitator,
            data=EventSessionCreate(
                event_id=world.event.id,
                title="Too early",
                kind="panel",
                starts_at=datetime(2023, 10, 20, 9, 0),
            ),
        )


def test_update_session_keeps_or_clears_times(session, world):
    ev.update_session(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        data=EventSessionUpdate(starts_at=DAY1, ends_at=datetime(2023, 10, 23, 11, 0)),
    )
    ev.update_session(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        data=EventSessionUpdate(title="Needs"),
    )
    session.expire_all()
    row = session.get(m.EventSession, world.workshop.id)
    assert (row.title, row.starts_at) == ("Needs", DAY1)
    ev.update_session(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        data=EventSessionUpdate(ends_at=None),
    )
    session.expire_all()
    row = session.get(m.EventSession, world.workshop.id)
    assert (row.starts_at, row.ends_at) == (DAY1, None)


def test_update_session_refuses_end_before_kept_start(session, world):
    ev.update_session(
        session,
        actor=world.facilitator,
        session_id=world.workshop.id,
        data=EventSessionUpdate(starts_at=DAY1),
    )
    with pytest.raises(InvalidInput, match="before the start"):
        ev.update_session(
            session,
            actor=world.facilitator,
            session_id=world.workshop.id,
            data=EventSessionUpdate(ends_at=datetime(2023, 10, 23, 8, 0)),
        )
    session.rollback()
    session.expire_all()
    assert session.get(m.EventSession, world.workshop.id).ends_at is None


def test_update_session_wrong_actor(session, world):
    with pytest.raises(PermissionDenied):
        ev.update_session(
            session,
            actor=world.member,
            session_id=world.workshop.id,
            data=EventSessionUpdate(title="X"),
        )
    session.rollback()
    session.expire_all()
    assert session.get(m.EventSession, world.workshop.id).title == "Needs and challenges"


def test_list_sessions_is_an_agenda(session, world):
    afternoon = ev.add_session(
        session,
        actor=world.facilitator,
        data=EventSessionCreate(
            event_id=world.event.id,
            title="Panel",
            kind="panel",
            starts_at=datetime(2023, 10, 23, 14, 0),
        ),
    )
    morning = ev.add_session(
        session,
        actor=world.facilitator,
        data=EventSessionCreate(
            event_id=world.event.id, title="Welcome", kind="plenary", starts_at=DAY1
        ),
    )
    archived = ev.add_session(
        session,
        actor=world.facilitator,
        data=EventSessionCreate(event_id=world.event.id, title="Old", kind="webinar"),
    )
    ev.archive_session(session, actor=world.facilitator, session_id=archived.id)
    ids = [s.id for s in ev.list_sessions(session, actor=world.member, event_id=world.event.id)]
    assert ids == [morning.id, afternoon.id, world.workshop.id, world.plenary.id]
    every = ev.list_sessions(
        session, actor=world.member, event_id=world.event.id, include_archived=True
    )
    assert [s.id for s in every][-1] == archived.id


@pytest.mark.parametrize("dependant", ["quiz", "participant", "takeaway", "challenge"])
def test_delete_session_refused_while_used(session, world, unchanged, dependant):
    sid = world.workshop.id
    row = {
        "quiz": m.Quiz(session_id=sid, title="Warm-up"),
        "participant": m.Participant(session_id=sid, token="tok-1"),
        "takeaway": m.Takeaway(session_id=sid, text="Share data early."),
        "challenge": m.Challenge(text="No funding", tandem_id=world.tandem.id, session_id=sid),
    }[dependant]
    session.add(row)
    session.commit()
    with unchanged(), pytest.raises(Conflict, match="Archive it instead"):
        ev.delete_session(session, actor=world.facilitator, session_id=sid)


def test_delete_unused_session(session, world):
    ev.delete_session(session, actor=world.coordinator, session_id=world.plenary.id)
    assert session.get(m.EventSession, world.plenary.id) is None


def test_archived_session_takes_no_takeaways(session, world, unchanged):
    ev.archive_session(session, actor=world.facilitator, session_id=world.workshop.id)
    with unchanged(), pytest.raises(NotFound, match="archived"):
        ev.add_takeaway(
            session,
            actor=world.facilitator,
            data=TakeawayCreate(session_id=world.workshop.id, text="x"),
        )


# --- take-aways -------------------------------------------------------------------


def test_takeaways_good_path(session, world):
    first = ev.add_takeaway(
        session,
        actor=world.facilitator,
        data=TakeawayCreate(session_id=world.workshop.id, text=" Funding first "),
    )
    second = ev.add_takeaway(
        session,
        actor=world.facilitator,
        data=TakeawayCreate(session_id=world.workshop.id, text="Pair up early"),
    )
    other = ev.add_takeaway(
        session,
        actor=world.coordinator,
        data=TakeawayCreate(session_id=world.plenary.id, text="Vote with dots"),
    )
    assert (first.text, first.position, second.position) == ("Funding first", 0, 1)
    ev.update_takeaway(
        session, actor=world.facilitator, takeaway_id=second.id, data=TakeawayUpdate(text="Pair up")
    )
    in_session = ev.list_takeaways(session, actor=world.member, session_id=world.workshop.id)
    assert [t.text for t in in_session] == ["Funding first", "Pair up"]
    in_event = ev.list_takeaways(session, actor=world.member, event_id=world.event.id)
    assert [t.id for t in in_event] == [first.id, second.id, other.id]
    ev.delete_takeaway(session, actor=world.facilitator, takeaway_id=first.id)
    assert [
        t.id for t in ev.list_takeaways(session, actor=world.member, session_id=world.workshop.id)
    ] == [second.id]


def test_takeaways_bad_input(session, world, unchanged):
    kept = ev.add_takeaway(
        session,
        actor=world.facilitator,
        data=TakeawayCreate(session_id=world.workshop.id, text="Keep me"),
    )
    with unchanged(), pytest.raises(InvalidInput):
        ev.add_takeaway(
            session,
            actor=world.facilitator,
            data=TakeawayCreate(session_id=world.workshop.id, text=" "),
        )
    with unchanged(), pytest.raises(InvalidInput):
        ev.add_takeaway(
            session,
            actor=world.facilitator,
            data=TakeawayCreate(session_id=world.workshop.id, text="t" * (m.TEXT_MAX + 1)),
        )
    with unchanged(), pytest.raises(NotFound):
        ev.add_takeaway(
            session, actor=world.facilitator, data=TakeawayCreate(session_id=9999, text="x")
        )
    with unchanged(), pytest.raises(InvalidInput):
        ev.update_takeaway(
            session, actor=world.facilitator, takeaway_id=kept.id, data=TakeawayUpdate(text="")
        )
    with unchanged(), pytest.raises(PermissionDenied):
        ev.update_takeaway(
            session, actor=world.member, takeaway_id=kept.id, data=TakeawayUpdate(text="Mine")
        )
    with unchanged(), pytest.raises(PermissionDenied):
        ev.delete_takeaway(session, actor=world.member, takeaway_id=kept.id)
    with unchanged(), pytest.raises(InvalidInput, match="either"):
        ev.list_takeaways(session, actor=world.member)
    session.expire_all()
    assert session.exec(select(m.Takeaway.text)).all() == ["Keep me"]


@pytest.mark.parametrize(
    "call",
    [
        lambda s, a: ev.archive_event(s, actor=a, event_id=999_999),
        lambda s, a: ev.delete_session(s, actor=a, session_id=999_999),
        lambda s, a: ev.add_takeaway(s, actor=a, data=TakeawayCreate(session_id=999_999, text="x")),
        lambda s, a: quizzes.delete_quiz(s, actor=a, quiz_id=999_999),
    ],
    ids=["archive event", "delete session", "add take-away", "delete quiz"],
)
def test_a_tandem_member_is_refused_before_any_lookup(session, world, call):
    # The refusal is the same whether the id exists or not: it tells nothing about it.
    with pytest.raises(PermissionDenied):
        call(session, world.member)
