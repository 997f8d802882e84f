"""Challenge counts for the plenary's charts, and the charts built from them."""

import pytest

from peerlearn import models as m
from peerlearn.analytics.challenges import NONE, by_category_and_tandem, by_theme_and_city
from peerlearn.charts.challenges import category_bars, theme_city_heatmap
from peerlearn.errors import PermissionDenied


@pytest.fixture
def posted(session, world):
    rows = [
        m.Challenge(
            text="No budget for sensors",
            tandem_id=world.tandem.id,
            city_id=world.arezzo.id,
            category_id=world.category.id,
            theme_id=world.theme.id,
            session_id=world.workshop.id,
        ),
        m.Challenge(
            text="Co-funding rules",
            tandem_id=world.tandem.id,
            city_id=world.arnsberg.id,
            category_id=world.category.id,
            theme_id=world.theme.id,
        ),
        m.Challenge(text="Untagged", tandem_id=world.other_tandem.id, city_id=world.utrecht.id),
        m.Challenge(
            text="Archived",
            tandem_id=world.tandem.id,
            category_id=world.category.id,
            archived_at=m.utcnow(),
        ),
    ]
    session.add_all(rows)
    session.commit()
    return rows


def test_challenges_are_counted_by_category_and_tandem(session, world, posted):
    frame = by_category_and_tandem(session, actor=world.facilitator, network_id=world.network.id)
    counts = {(r.category, r.tandem): r.challenges for r in frame.itertuples()}
    assert counts == {
        ("Funding", world.tandem.name): 2,
        (NONE, world.other_tandem.name): 1,
    }


def test_one_events_challenges_only(session, world, posted):
    frame = by_category_and_tandem(
        session, actor=world.facilitator, network_id=world.network.id, event_id=world.event.id
    )
    assert frame["challenges"].sum() == 1


def test_challenges_are_counted_by_theme_and_city(session, world, posted):
    frame = by_theme_and_city(session, actor=world.coordinator, network_id=world.network.id)
    counts = {(r.theme, r.city): r.challenges for r in frame.itertuples()}
    assert counts == {
        ("Urban data platforms", "Arezzo"): 1,
        ("Urban data platforms", "Arnsberg"): 1,
        (NONE, "Utrecht"): 1,
    }


def test_counts_need_a_signed_in_user(session, world):
    with pytest.raises(PermissionDenied):
        by_theme_and_city(session, actor=None, network_id=world.network.id)


def test_the_charts_encode_the_counts(session, world, posted):
    bars = category_bars(
        by_category_and_tandem(session, actor=world.facilitator, network_id=world.network.id)
    ).to_dict()
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["color"]["field"] == "tandem"
    heat = theme_city_heatmap(
        by_theme_and_city(session, actor=world.facilitator, network_id=world.network.id)
    ).to_dict()
    assert [layer["mark"]["type"] for layer in heat["layer"]] == ["rect", "text"]


def test_the_charts_accept_an_empty_frame(session, world):
    frame = by_theme_and_city(session, actor=world.facilitator, network_id=world.network.id)
    assert frame.empty
    theme_city_heatmap(frame).to_dict()
