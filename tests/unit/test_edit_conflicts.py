"""Two people edit the same milestone, challenge or common challenge: the one who saves
second, from what they read before the first saved, is told, and nothing of the first
save is overwritten. On both databases, one after the other and at the same instant."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlmodel import Session

from peerlearn import models as m
from peerlearn.errors import Conflict
from peerlearn.services import challenges, common_challenges, roadmaps


def _milestone(session, world):
    row = roadmaps.add_milestone(
        session,
        actor=world.coordinator,
        tandem_id=world.tandem.id,
        data=m.MilestoneCreate(title="Open data portal live", due_date=date(2024, 6, 30)),
    )
    return row.id


def _challenge(session, world):
    row = challenges.add_challenge(
        session,
        actor=world.coordinator,
        data=m.ChallengeCreate(tandem_id=world.tandem.id, text="Funding the first pilots"),
    )
    return row.id


def _group(session, world):
    row = common_challenges.create_common_challenge(
        session,
        actor=world.facilitator,
        data=m.CommonChallengeCreate(
            network_id=world.network.id,
            name="Money for pilots",
            challenge_ids=[_challenge(session, world)],
        ),
    )
    return row.id


# What is edited: how to make one, its table, the text field, and how to save it.
KINDS = {
    "milestone": (
        _milestone,
        m.Milestone,
        "title",
        lambda s, world, ident, text, version: roadmaps.update_milestone(
            s,
            actor=world.coordinator,
            milestone_id=ident,
            data=m.MilestoneUpdate(title=text, version=version),
        ),
    ),
    "challenge": (
        _challenge,
        m.Challenge,
        "text",
        lambda s, world, ident, text, version: challenges.update_challenge(
            s,
            actor=world.coordinator,
            challenge_id=ident,
            data=m.ChallengeUpdate(text=text, version=version),
        ),
    ),
    "common challenge": (
        _group,
        m.CommonChallenge,
        "name",
        lambda s, world, ident, text, version: common_challenges.update_common_challenge(
            s,
            actor=world.facilitator,
            common_challenge_id=ident,
            data=m.CommonChallengeUpdate(name=text, version=version),
        ),
    ),
}


def _stored(session, table, ident, field):
    session.expire_all()
    row = session.get(table, ident)
    return getattr(row, field), row.version


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_second_save_from_an_older_read_is_told_and_changes_nothing(session, world, kind):
    make, table, field, update = KINDS[kind]
    ident = make(session, world)
    _, read = _stored(session, table, ident, field)  # both editors open it now
    update(session, world, ident, "First editor's words", read)
    with pytest.raises(Conflict, match=f"Someone else saved this {kind}"):
        update(session, world, ident, "Second editor's words", read)
    session.rollback()
    text, version = _stored(session, table, ident, field)
    assert text == "First editor's words"
    assert version == read + 1
    # Saved again from what is stored now, it goes through.
    update(session, world, ident, "Second editor's words", version)
    assert _stored(session, table, ident, field) == ("Second editor's words", read + 2)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_save_counts_also_one_that_names_no_version(session, world, kind):
    """An import or the command line saves over what is there; an editor who opened
    the row before that is still told."""
    make, table, field, update = KINDS[kind]
    ident = make(session, world)
    _, read = _stored(session, table, ident, field)
    update(session, world, ident, "From the spreadsheet", None)
    assert _stored(session, table, ident, field) == ("From the spreadsheet", read + 1)
    with pytest.raises(Conflict):
        update(session, world, ident, "From the form", read)


@pytest.mark.parametrize("kind", list(KINDS))
def test_two_saves_at_the_same_instant_one_goes_through(engine, session, world, kind):
    make, table, field, update = KINDS[kind]
    ident = make(session, world)
    _, read = _stored(session, table, ident, field)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(text: str) -> None:
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            try:
                update(own, world, ident, text, read)
                outcomes.append("saved")
            except Conflict:
                outcomes.append("told")

    threads = [threading.Thread(target=edit, args=(t,)) for t in ("One", "Two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "told"]
    text, version = _stored(session, table, ident, field)
    assert text in ("One", "Two")
    assert version == read + 1
