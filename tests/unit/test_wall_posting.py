"""Posting challenges to the wall from a phone: for a tandem of the participant's city,
listed back to them, moving the screens (peerlearn.live.wall)."""

from datetime import date

import pytest

from peerlearn import models as m
from peerlearn.errors import InvalidInput, NotFound, PermissionDenied
from peerlearn.live import clock, lifecycle, wall
from peerlearn.services import challenges
from tests.unit.live_fixtures import fresh, join, snap


def _post(session, phone, text="No budget for sensors", **fields):
    data = m.WallPostCreate(text=text, **fields)
    return wall.post_challenge(session, token=phone.token, data=data)


@pytest.fixture
def second_tandem(session, world):
    """Arezzo is in a second tandem of the network too."""
    tandem = m.Tandem(
        network_id=world.network.id,
        name="Arezzo–Utrecht",
        theme_id=world.theme.id,
        deadline=date(2024, 12, 31),
    )
    session.add(tandem)
    session.flush()
    session.add_all(
        [
            m.TandemCity(tandem_id=tandem.id, city_id=world.arezzo.id),
            m.TandemCity(tandem_id=tandem.id, city_id=world.utrecht.id),
        ]
    )
    session.commit()
    return tandem


# --- posting ------------------------------------------------------------------------


def test_a_post_is_filed_for_the_citys_tandem_in_this_session(session, world, code):
    phone = join(session, code, world.arezzo)
    posted = _post(session, phone, "  No budget for sensors ", category_id=world.category.id)
    stored = fresh(session, m.Challenge, posted)
    assert stored.text == "No budget for sensors"
    assert (stored.tandem_id, stored.city_id, stored.session_id, stored.participant_id) == (
        world.tandem.id,
        world.arezzo.id,
        world.workshop.id,
        phone.id,
    )
    assert (stored.category_id, stored.theme_id) == (world.category.id, world.tandem.theme_id)
    assert (stored.hidden, stored.common_challenge_id, stored.archived_at) == (False, None, None)
    assert [(w.text, w.city, w.tandem, w.category) for w in snap(session, world).wall] == [
        ("No budget for sensors", "Arezzo", world.tandem.name, "Funding")
    ]


def test_a_post_without_a_category_is_fine(session, world, code):
    phone = join(session, code, world.pirna)
    posted = _post(session, phone, "Data skills")
    assert (posted.tandem_id, posted.category_id) == (world.other_tandem.id, None)


@pytest.mark.parametrize(
    ("fields", "error", "match"),
    [
        ({"text": "   "}, InvalidInput, "blank"),
        ({"text": "t" * (m.TEXT_MAX + 1)}, InvalidInput, "at most"),
        ({"category_id": 9999}, NotFound, "category"),
        ({"tandem_id": "other"}, InvalidInput, "own tandems"),
        ({"tandem_id": 9999}, InvalidInput, "own tandems"),
    ],
    ids=["blank", "long", "unknown category", "other tandem", "unknown tandem"],
)
def test_bad_posts_change_nothing(session, world, code, unchanged, fields, error, match):
    phone = join(session, code, world.arezzo)
    if fields.get("tandem_id") == "other":
        fields = {"tandem_id": world.other_tandem.id}
    with unchanged(), pytest.raises(error, match=match):
        _post(session, phone, **fields)


def test_an_archived_category_is_refused(session, world, code, unchanged):
    world.category.archived_at = m.utcnow()
    session.add(world.category)
    session.commit()
    phone = join(session, code, world.arezzo)
    with unchanged(), pytest.raises(NotFound, match="archived"):
        _post(session, phone, category_id=world.category.id)


def test_posting_needs_a_city_in_a_tandem_of_the_network(session, world, code, unchanged):
    nowhere = join(session, code, None)
    with unchanged(), pytest.raises(InvalidInput, match="which city"):
        _post(session, nowhere)
    lonely = m.City(name="Lisbon", country="Portugal")
    session.add(lonely)
    session.flush()
    session.add(m.Membership(network_id=world.network.id, city_id=lonely.id, role=m.Role.MEMBER))
    session.commit()
    alone = join(session, code, lonely)
    with unchanged(), pytest.raises(InvalidInput, match="Lisbon is in no tandem of this network"):
        _post(session, alone)


def test_a_city_in_several_tandems_chooses_one(session, world, code, second_tandem, unchanged):
    phone = join(session, code, world.arezzo)
    with unchanged(), pytest.raises(InvalidInput, match="several tandems"):
        _post(session, phone)
    posted = _post(session, phone, tandem_id=second_tandem.id)
    assert posted.tandem_id == second_tandem.id
    assert _post(session, phone, "Staff", tandem_id=world.tandem.id).tandem_id == world.tandem.id


def test_only_a_live_session_takes_posts(session, world, code, unchanged):
    phone = join(session, code, world.arezzo)
    lifecycle.end_live(session, actor=world.facilitator, session_id=world.workshop.id)
    with unchanged(), pytest.raises(NotFound, match="is not live"):
        _post(session, phone)
    with unchanged(), pytest.raises(NotFound, match="join the session again"):
        wall.post_challenge(session, token="forged", data=m.WallPostCreate(text="Hello"))


def test_a_post_moves_the_clock_of_what_the_room_sends(session, world, code):
    phone = join(session, code, world.arezzo)
    before = clock.read(session, world.workshop.id)
    _post(session, phone)
    after = clock.read(session, world.workshop.id)
    assert (after.stage, after.data) == (before.stage, before.data + 1)


# --- the participant's own posts -----------------------------------------------------


def test_my_challenges_are_my_own_live_posts_oldest_first(session, world, code):
    me, other = join(session, code, world.arezzo), join(session, code, world.arnsberg)
    first = _post(session, me, "First")
    _post(session, other, "Not mine")
    second = _post(session, me, "Second")
    gone = _post(session, me, "Withdrawn")
    challenges.archive_challenge(session, actor=world.facilitator, challenge_id=gone.id)
    assert [c.id for c in wall.my_challenges(session, token=me.token)] == [first.id, second.id]
    assert [c.text for c in wall.my_challenges(session, token=other.token)] == ["Not mine"]
    # Still readable once the session has ended.
    lifecycle.end_live(session, actor=world.facilitator, session_id=world.workshop.id)
    assert [c.text for c in wall.my_challenges(session, token=me.token)] == ["First", "Second"]
    with pytest.raises(NotFound, match="join the session again"):
        wall.my_challenges(session, token="forged")


# --- which tandems a phone may post for ------------------------------------------------


def test_a_phone_posts_for_the_live_tandems_of_its_city_in_the_network(
    session, world, code, second_tandem
):
    far = m.Network(name="Sharing Cities")
    session.add(far)
    session.flush()
    elsewhere = m.Tandem(network_id=far.id, name="Arezzo–Lisbon")
    retired = m.Tandem(network_id=world.network.id, name="Arezzo–Pirna", archived_at=m.utcnow())
    session.add_all([elsewhere, retired])
    session.flush()
    session.add_all(
        [
            m.TandemCity(tandem_id=elsewhere.id, city_id=world.arezzo.id),
            m.TandemCity(tandem_id=retired.id, city_id=world.arezzo.id),
        ]
    )
    session.commit()
    arezzo = join(session, code, world.arezzo)
    assert wall.participant_tandems(session, token=arezzo.token) == [
        wall.TandemChoice(world.tandem.id, world.tandem.name),
        wall.TandemChoice(second_tandem.id, second_tandem.name),
    ]  # by name; not the archived one, nor one of another network
    pirna = join(session, code, world.pirna)
    assert [t.id for t in wall.participant_tandems(session, token=pirna.token)] == [
        world.other_tandem.id
    ]
    assert wall.participant_tandems(session, token=join(session, code, None).token) == []
    with pytest.raises(InvalidInput, match="own tandems"):
        _post(session, arezzo, tandem_id=retired.id)


# --- the wall on the screens, grouped by the facilitator -------------------------------


def _posts(session, world, code, *texts):
    lifecycle.set_activity(
        session, actor=world.facilitator, session_id=world.workshop.id, activity=m.LiveActivity.WALL
    )
    phone = join(session, code, world.arezzo)
    return [_post(session, phone, text) for text in texts]


def _group(session, world, ids, actor=None, **fields):
    return wall.group_wall_challenges(
        session,
        actor=actor or world.facilitator,
        session_id=world.workshop.id,
        challenge_ids=ids,
        **fields,
    )


def _moderated(session, world):
    session.expire_all()
    return wall.moderation_posts(session, actor=world.facilitator, session_id=world.workshop.id)


def test_the_facilitator_lists_the_oldest_first_the_room_the_newest(session, world, code):
    first, second = _posts(session, world, code, "First", "Second")
    assert [w.id for w in _moderated(session, world)] == [first.id, second.id]
    third = _post(session, join(session, code, world.pirna), "Third")
    # A new post goes to the end of the facilitator's list; the rows above it stay put.
    assert [w.id for w in _moderated(session, world)] == [first.id, second.id, third.id]
    # The big screen shows the newest first.
    assert [w.id for w in snap(session, world).wall] == [third.id, second.id, first.id]


def test_grouping_the_wall_refuses_hidden_challenges(session, world, code, unchanged):
    shown, hidden = _posts(session, world, code, "No budget for sensors", "Rude remark")
    challenges.set_hidden(session, actor=world.facilitator, challenge_id=hidden.id, hidden=True)
    with unchanged(), pytest.raises(InvalidInput, match="is hidden from the wall"):
        _group(session, world, [shown.id, hidden.id], name="Funding")
    group = _group(session, world, [shown.id], name="Funding")
    assert (group.name, group.session_id) == ("Funding", world.workshop.id)
    with unchanged(), pytest.raises(InvalidInput, match="is hidden from the wall"):
        _group(session, world, [hidden.id], into=group.id)
    with unchanged(), pytest.raises(PermissionDenied):
        _group(session, world, [shown.id], actor=world.member, name="Other")
    assert {(w.text, w.hidden, w.group) for w in _moderated(session, world)} == {
        ("No budget for sensors", False, "Funding"),
        ("Rude remark", True, ""),
    }
    room = snap(session, world)
    assert [(w.text, w.group) for w in room.wall] == [("No budget for sensors", "Funding")]
    # Grouped here, so on this session's ballot for the vote.
    assert [t.name for t in room.tallies] == ["Funding"]
