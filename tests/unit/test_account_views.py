"""tandems_of: which tandems a user works for, and who may ask."""

from __future__ import annotations

import pytest

from peerlearn import models as m
from peerlearn.errors import NotFound, PermissionDenied
from peerlearn.services import account_views
from peerlearn.services.store import now


def test_coordinator_sees_the_tandems_of_a_member(session, world):
    tandems = account_views.tandems_of(session, actor=world.coordinator, user_id=world.member.id)
    assert [t.name for t in tandems] == ["Arezzo–Arnsberg"]


def test_tandems_are_sorted_by_name_and_include_archived_ones(session, world):
    session.add(m.UserTandem(user_id=world.member.id, tandem_id=world.other_tandem.id))
    world.tandem.archived_at = now()
    session.add(world.tandem)
    session.commit()
    tandems = account_views.tandems_of(session, actor=world.member, user_id=world.member.id)
    assert [t.name for t in tandems] == ["Arezzo–Arnsberg", "Utrecht–Pirna"]


def test_staff_belong_to_no_tandem(session, world):
    assert (
        account_views.tandems_of(session, actor=world.facilitator, user_id=world.facilitator.id)
        == []
    )


@pytest.mark.parametrize("who", ["facilitator", "outsider"])
def test_only_a_coordinator_sees_other_peoples_tandems(session, world, who):
    with pytest.raises(PermissionDenied, match="your own"):
        account_views.tandems_of(session, actor=getattr(world, who), user_id=world.member.id)


def test_nobody_signed_in_is_refused(session, world):
    with pytest.raises(PermissionDenied):
        account_views.tandems_of(session, actor=None, user_id=world.member.id)


def test_a_deactivated_member_is_refused(session, world):
    world.member.active = False
    session.add(world.member)
    session.commit()
    with pytest.raises(PermissionDenied):
        account_views.tandems_of(session, actor=world.member, user_id=world.member.id)


def test_unknown_user_is_not_found(session, world):
    with pytest.raises(NotFound, match="No user with id 999"):
        account_views.tandems_of(session, actor=world.coordinator, user_id=999)
