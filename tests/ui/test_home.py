"""Home: the network at a glance with its map for staff, the roadmap for tandems."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from peerlearn import models as m
from tests.ui.conftest import EVERY_ROLE

PAGE = "pages/home.py"


def _cie(at):
    with Session(at.engine) as session:
        network = session.exec(
            select(m.Network).where(m.Network.name == "#connectedinEurope")
        ).one()
    at.selectbox(key="home_network").set_value(network.id).run()
    return network


@pytest.mark.parametrize("role, kind", EVERY_ROLE)
def test_home_renders_for_every_role(app, role, kind):
    at = app(role, PAGE, kind=kind)
    assert not at.exception
    assert at.title


def test_the_coordinator_sees_the_network_at_a_glance_with_its_map(app):
    at = app("coordinator", PAGE)
    _cie(at)
    labels = [metric.label for metric in at.metric]
    assert labels[:4] == ["Cities", "Tandems", "Events", "Challenges"]
    assert {"Done", "Due within 30 days", "Overdue"} <= set(labels)
    assert int(at.metric[0].value) == 10  # the ten #CIE cities
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert charts  # the map
    deadlines = at.dataframe[0].value
    assert "days left" in deadlines.columns and len(deadlines) >= 5
    assert "Funding" in " ".join(at.dataframe[1].value["common challenge"])


def test_an_empty_database_says_where_to_start(app):
    at = app("coordinator", PAGE, kind="empty")
    assert "**Network**" in at.info[0].value


def test_a_tandem_member_sees_their_roadmap_and_what_is_due(app):
    at = app("tandem", PAGE)
    assert at.title[0].value == "My tandem"
    assert [metric.label for metric in at.metric] == [
        "Roadmap",
        "Progress",
        "Days to the deadline",
    ]
