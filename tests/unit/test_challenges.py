from datetime import date

import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import InvalidInput, NotFound, PermissionDenied
from peerlearn.models import ChallengeCreate, ChallengeUpdate
from peerlearn.services import challenges as svc


def add(session, world, actor=None, **kwargs):
    kwargs.setdefault("tandem_id", world.tandem.id)
    kwargs.setdefault("text", "We lack funding for sensors")
    return svc.add_challenge(
        session, actor=actor or world.facilitator, data=ChallengeCreate(**kwargs)
    )


# --- add ----------------------------------------------------------------------------


def test_add_challenge_defaults_theme_to_the_tandems(session, world):
    challenge = add(
        session,
        world,
        text="  We lack funding for sensors  ",
        city_id=world.arezzo.id,
        category_id=world.category.id,
        session_id=world.workshop.id,
        priority=1,
    )
    stored = session.get(m.Challenge, challenge.id)
    assert stored.text == "We lack funding for sensors"
    assert stored.theme_id == world.theme.id
    assert (stored.city_id, stored.category_id, stored.session_id) == (
        world.arezzo.id,
        world.category.id,
        world.workshop.id,
    )
    assert stored.priority == 1
    assert stored.hidden is False and stored.archived_at is None


def test_member_adds_to_own_tandem_only(session, world):
    mine = add(session, world, actor=world.member)
    assert mine.tandem_id == world.tandem.id
    with pytest.raises(PermissionDenied, match="not a member"):
        add(session, world, actor=world.outsider)
    assert len(session.exec(select(m.Challenge)).all()) == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"text": "   "}, InvalidInput, "must not be blank"),
        ({"text": "x" * (m.TEXT_MAX + 1)}, InvalidInput, "at most 2000"),
        ({"priority": 0}, InvalidInput, "priority"),
        ({"priority": 4}, InvalidInput, "priority"),
        ({"priority": True}, InvalidInput, "priority"),
        ({"priority": "1"}, InvalidInput, "priority"),
        ({"tandem_id": 9999}, NotFound, "No tandem"),
        ({"category_id": 9999}, NotFound, "No category"),
        ({"theme_id": 9999}, NotFound, "No theme"),
        ({"session_id": 9999}, NotFound, "No session"),
        ({"city_id": 9999}, NotFound, "No city"),
    ],
)
def test_add_challenge_refuses_bad_input(session, world, unchanged, kwargs, error, match):
    with unchanged(), pytest.raises(error, match=match):
        add(session, world, **kwargs)


def test_add_challenge_refuses_city_outside_the_tandem(session, world, unchanged):
    with unchanged(), pytest.raises(InvalidInput, match="Utrecht is not a city of the tandem"):
        add(session, world, city_id=world.utrecht.id)


def test_add_challenge_refuses_session_of_another_network(session, world, unchanged):
    other = m.Network(name="Smarter Together")
    session.add(other)
    session.flush()
    event = m.Event(
        network_id=other.id, title="Lyon", start_date=date(2023, 1, 1), end_date=date(2023, 1, 1)
    )
    session.add(event)
    session.flush()
    foreign = m.EventSession(event_id=event.id, title="Elsewhere")
    session.add(foreign)
    session.commit()
    with unchanged(), pytest.raises(InvalidInput, match="another network"):
        add(session, world, session_id=foreign.id)


def test_add_challenge_refuses_archived_tandem_and_category(session, world, unchanged):
    world.category.archived_at = m.utcnow()
    session.commit()
    with unchanged(), pytest.raises(NotFound, match="archived"):
        add(session, world, category_id=world.category.id)
    world.tandem.archived_at = m.utcnow()
    session.commit()
    with unchanged(), pytest.raises(NotFound, match="archived"):
        add(session, world)


# --- update / archive / restore / hide ----------------------------------------------


def test_update_challenge_changes_only_given_fields(session, world):
    challenge = add(session, world, city_id=world.arezzo.id)
    svc.update_challenge(
        session,
        actor=world.member,
        challenge_id=challenge.id,
        data=ChallengeUpdate(text="Staff", priority=3),
    )
    stored = session.get(m.Challenge, challenge.id)
    assert (stored.text, stored.priority, stored.city_id) == ("Staff", 3, world.arezzo.id)
    svc.update_challenge(
        session, actor=world.member, challenge_id=challenge.id, data=ChallengeUpdate(city_id=None)
    )
    assert session.get(m.Challenge, challenge.id).city_id is None


def test_update_challenge_refuses_bad_input_and_outsider(session, world, unchanged):
    challenge = add(session, world)
    cases = [
        (world.member, {"text": ""}, InvalidInput),
        (world.member, {"priority": 9}, InvalidInput),
        (world.member, {"city_id": world.pirna.id}, InvalidInput),
        (world.member, {"tandem_id": world.other_tandem.id}, InvalidInput),
        (world.outsider, {"text": "Mine now"}, PermissionDenied),
    ]
    for actor, fields, error in cases:
        with unchanged(), pytest.raises(error):
            svc.update_challenge(
                session, actor=actor, challenge_id=challenge.id, data=ChallengeUpdate(**fields)
            )
        session.expire_all()
        stored = session.get(m.Challenge, challenge.id)
        assert (stored.text, stored.priority, stored.city_id, stored.tandem_id) == (
            "We lack funding for sensors",
            2,
            None,
            world.tandem.id,
        )
    with unchanged(), pytest.raises(NotFound):
        svc.update_challenge(
            session, actor=world.member, challenge_id=9999, data=ChallengeUpdate(text="x")
        )


def test_archive_and_restore(session, world):
    challenge = add(session, world)
    svc.archive_challenge(session, actor=world.member, challenge_id=challenge.id)
    assert session.get(m.Challenge, challenge.id).archived_at is not None
    assert svc.list_challenges(session, actor=world.member) == []
    with pytest.raises(InvalidInput, match="already archived"):
        svc.archive_challenge(session, actor=world.member, challenge_id=challenge.id)
    with pytest.raises(InvalidInput, match="restore it"):
        svc.update_challenge(
            session, actor=world.member, challenge_id=challenge.id, data=ChallengeUpdate(text="x")
        )
    with pytest.raises(PermissionDenied):
        svc.restore_challenge(session, actor=world.outsider, challenge_id=challenge.id)
    svc.restore_challenge(session, actor=world.member, challenge_id=challenge.id)
    assert session.get(m.Challenge, challenge.id).archived_at is None
    with pytest.raises(InvalidInput, match="not archived"):
        svc.restore_challenge(session, actor=world.member, challenge_id=challenge.id)


def test_archive_refused_for_outsider(session, world, unchanged):
    challenge = add(session, world)
    with unchanged(), pytest.raises(PermissionDenied):
        svc.archive_challenge(session, actor=world.outsider, challenge_id=challenge.id)
    session.expire_all()
    assert session.get(m.Challenge, challenge.id).archived_at is None


def test_set_hidden_is_for_staff(session, world):
    challenge = add(session, world)
    svc.set_hidden(session, actor=world.coordinator, challenge_id=challenge.id, hidden=True)
    assert session.get(m.Challenge, challenge.id).hidden is True
    with pytest.raises(PermissionDenied, match="coordinator or facilitator"):
        svc.set_hidden(session, actor=world.member, challenge_id=challenge.id, hidden=False)
    with pytest.raises(InvalidInput, match="true or false"):
        svc.set_hidden(session, actor=world.facilitator, challenge_id=challenge.id, hidden="no")
    session.expire_all()
    assert session.get(m.Challenge, challenge.id).hidden is True
    svc.set_hidden(session, actor=world.facilitator, challenge_id=challenge.id, hidden=False)
    assert session.get(m.Challenge, challenge.id).hidden is False


# --- list ---------------------------------------------------------------------------


@pytest.fixture
def listed(session, world):
    a = add(
        session,
        world,
        text="Funding for 100% sensors",
        city_id=world.arezzo.id,
        category_id=world.category.id,
        session_id=world.workshop.id,
        priority=1,
    )
    b = add(session, world, text="Qualified staff for data", city_id=world.arnsberg.id)
    c = add(session, world, tandem_id=world.other_tandem.id, text="FUNDING gaps in Pirna")
    return a, b, c


def test_list_joins_names(session, world, listed):
    a, b, c = listed
    rows = svc.list_challenges(session, actor=world.coordinator)
    assert [r.id for r in rows] == [a.id, b.id, c.id]
    first = rows[0]
    assert first.tandem_name == "Arezzo–Arnsberg"
    assert first.city_name == "Arezzo"
    assert first.category_name == "Funding"
    assert first.theme_name == "Urban data platforms"
    assert first.session_title == "Needs and challenges"
    assert first.event_id == world.event.id
    assert first.network_id == world.network.id
    assert rows[1].category_name is None and rows[1].session_title is None


def test_list_filters(session, world, listed):
    a, b, c = listed

    def ids(**filters):
        return [r.id for r in svc.list_challenges(session, actor=world.facilitator, **filters)]

    assert ids(tandem_id=world.other_tandem.id) == [c.id]
    assert ids(city_id=world.arnsberg.id) == [b.id]
    assert ids(category_id=world.category.id) == [a.id]
    assert ids(event_id=world.event.id) == [a.id]
    assert ids(network_id=world.network.id, theme_id=world.theme.id) == [a.id, b.id, c.id]
    assert ids(search="funding") == [a.id, c.id]
    assert ids(search="100%") == [a.id]
    assert ids(search="10_%") == []
    assert ids(network_id=9999) == []


def test_list_hidden_and_archived(session, world, listed):
    a, b, _ = listed
    svc.set_hidden(session, actor=world.facilitator, challenge_id=a.id, hidden=True)
    svc.archive_challenge(session, actor=world.facilitator, challenge_id=b.id)
    tandem = {"tandem_id": world.tandem.id}
    visible = svc.list_challenges(session, actor=world.facilitator, include_hidden=False, **tandem)
    assert visible == []
    assert [r.id for r in svc.list_challenges(session, actor=world.facilitator, **tandem)] == [a.id]
    everything = svc.list_challenges(
        session, actor=world.facilitator, include_archived=True, **tandem
    )
    assert [r.id for r in everything] == [a.id, b.id]


def test_member_lists_only_own_tandem(session, world, listed):
    a, b, _ = listed
    assert [r.id for r in svc.list_challenges(session, actor=world.member)] == [a.id, b.id]
    with pytest.raises(PermissionDenied):
        svc.list_challenges(session, actor=world.member, tandem_id=world.other_tandem.id)
    with pytest.raises(NotFound):
        svc.list_challenges(session, actor=world.member, tandem_id=9999)


def test_list_is_one_query(session, world, engine, listed):
    from sqlalchemy import event

    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        rows = svc.list_challenges(session, actor=world.coordinator)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(rows) == 3
    assert len(statements) == 1
