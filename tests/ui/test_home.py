"""Home: the network at a glance with its map for staff, the roadmap for tandems."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select
from streamlit.proto.Metric_pb2 import Metric as MetricProto

from peerlearn import models as m
from peerlearn.services.network import add_network
from peerlearn.services.roadmaps import add_milestone
from peerlearn.services.solutions import add_replication, add_solution
from peerlearn.services.targets import add_measurements, add_target
from peerlearn.ui.rag import RAG_FILL, days_phrase
from tests.ui.conftest import EVERY_ROLE, member_tandem, user_of

PAGE = "pages/home.py"


def _column_config(table) -> dict:
    return json.loads(table.proto.columns)


def _table(at, column: str):
    """The table with ``column``: sections above it come and go with the data."""
    return next(f.value for f in at.dataframe if column in f.value.columns)


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
    assert {"Done", "Due within 30 days", "Overdue or after the deadline"} <= set(labels)
    assert int(at.metric[0].value) == 10  # the ten #CIE cities
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert charts  # the map
    deadlines = at.dataframe[0].value
    assert len(deadlines) >= 5
    assert "Funding" in " ".join(_table(at, "Common challenge")["Common challenge"])


def test_home_counts_the_colours_the_roadmaps_screen_shows(app):
    at = app("coordinator", PAGE)
    tandem = member_tandem(at.engine)
    with Session(at.engine) as session:
        # Not overdue, but after the tandem's deadline: red on both screens.
        add_milestone(
            session,
            actor=user_of(at.engine, "coordinator"),
            tandem_id=tandem.id,
            data=m.MilestoneCreate(
                title="After the deadline",
                due_date=max(tandem.deadline, date.today()) + timedelta(days=90),
            ),
        )
        tandem_ids = session.exec(
            select(m.Tandem.id).where(
                m.Tandem.network_id == tandem.network_id, m.Tandem.archived_at.is_(None)
            )
        ).all()
    at.selectbox(key="home_network").set_value(tandem.network_id).run()
    home = {metric.label: int(metric.value) for metric in at.metric}

    at.switch_page("pages/roadmaps.py").run()
    at.selectbox(key="rm_network").set_value(tandem.network_id).run()
    shown = Counter()
    for tandem_id in tandem_ids:
        at.selectbox(key="rm_tandem").set_value(tandem_id).run()
        grid = next((f.value for f in at.dataframe if "title" in f.value.columns), None)
        if grid is not None:
            shown.update(grid["RAG"])
    assert shown["Red"] and shown["Red"] == home["Overdue or after the deadline"]
    assert shown["Amber"] == home["Due within 30 days"]
    assert shown.total() == home["Milestones"]


def test_the_deadlines_table_fits_and_says_how_far_each_deadline_is(app):
    at = app("coordinator", PAGE)
    _cie(at)
    table = at.dataframe[0]
    frame = table.value
    # capitalised like every other table; the status comes right after the name, so it
    # is on screen whatever the width
    assert list(frame.columns)[:5] == ["Tandem", "Status", "Deadline", "Time left", "Progress"]
    assert set(frame["Status"]) <= {"Red", "Amber", "Green", ""}
    # the demo deadlines (12/2024) have passed: said in words, not as "-700"
    assert all(
        text.startswith("passed ") and text.endswith(" days ago") for text in frame["Time left"]
    )
    # the status is coloured
    assert "#f6d0cb" in table.proto.arrow_data.styler.styles
    widths = {c: cfg.get("width") for c, cfg in _column_config(table).items()}
    assert widths["Status"] == "small" and widths["Time left"] and widths["Progress"]
    assert "Common challenge" in _table(at, "Common challenge").columns


def test_an_empty_database_says_where_to_start(app):
    at = app("coordinator", PAGE, kind="empty")
    assert "**Network**" in at.info[0].value


def test_a_tandem_member_sees_their_roadmap_and_what_is_due(app):
    at = app("tandem", PAGE)
    assert at.title[0].value == "My tandem"
    assert [metric.label for metric in at.metric] == ["Roadmap", "Progress", "Deadline"]
    roadmap, _, deadline = at.metric
    # the red/amber/green in its colour, with what it means
    assert roadmap.value in {"Red", "Amber", "Green"}
    assert roadmap.proto.color in (
        MetricProto.MetricColor.RED,
        MetricProto.MetricColor.ORANGE,
        MetricProto.MetricColor.GREEN,
    )
    # a passed deadline in words, in red
    assert deadline.value == "31 Dec 2024"
    assert deadline.proto.delta.startswith("passed ") and deadline.proto.delta.endswith("days ago")
    assert deadline.proto.color == MetricProto.MetricColor.RED
    due = at.dataframe[0]
    assert list(due.value.columns)[0] == "RAG"
    assert any(fill in due.proto.arrow_data.styler.styles for fill in RAG_FILL.values())


def test_deadlines_in_words():
    assert days_phrase(12) == "in 12 days"
    assert days_phrase(1) == "tomorrow"
    assert days_phrase(0) == "today"
    assert days_phrase(-1) == "passed yesterday"
    assert days_phrase(-700) == "passed 700 days ago"
    assert days_phrase(None) == "no deadline"


# --- targets and solutions ---------------------------------------------------------


def _city(session, name: str) -> m.City:
    return session.exec(select(m.City).where(m.City.name == name)).one()


def _co2_target(at, network_id: int, city: str, values) -> None:
    """Munich's CO2 target with ``values``: (day, value) pairs measured."""
    coordinator = user_of(at.engine, "coordinator")
    with Session(at.engine) as session:
        target = add_target(
            session,
            actor=coordinator,
            data=m.TargetCreate(
                network_id=network_id,
                city_id=_city(session, city).id,
                title=f"{city}'s CO2 emissions{MINE}",
                indicator="CO2 emissions",
                unit="t CO2",
                direction="at most",
                baseline_value=60000,
                baseline_year=2020,
                target_value=48000,
                deadline=date(2030, 12, 31),
            ),
        )
        add_measurements(
            session,
            actor=coordinator,
            rows=[
                m.MeasurementCreate(target_id=target.id, measured_on=d, value=v) for d, v in values
            ],
        )


MINE = " (this test's)"  # the demo may hold targets of its own
# 57,000 by the end of 2023: 83 % of the pace the path asks, at risk; 59,900: off track.
AT_RISK = [(date(2022, 12, 31), 58000), (date(2023, 12, 31), 57000)]
OFF_TRACK = [(date(2023, 12, 31), 59900)]
ON_TRACK = [(date(2023, 12, 31), 56000)]


def _mine(at):
    table = _table(at, "Behind the path")
    return table[table["Target"].str.endswith(MINE)].reset_index(drop=True)


def test_staff_home_lists_targets_off_track_or_at_risk_worst_first(app):
    at = app("facilitator", PAGE)
    network = _cie(at)
    _co2_target(at, network.id, "Munich", AT_RISK)
    _co2_target(at, network.id, "Geestland", OFF_TRACK)
    _co2_target(at, network.id, "Utrecht", ON_TRACK)
    at.run()
    table = _mine(at)
    assert list(table.columns) == ["Status", "Owner", "Target", "Behind the path", "Latest value"]
    assert list(table["Owner"]) == ["Geestland", "Munich"]  # on track is left out
    assert list(table["Status"]) == ["Off track", "At risk"]
    assert table["Latest value"][1] == "57,000 t CO2 (31 Dec 2023)"
    assert table["Behind the path"][1] == "5 % of the way behind"


def test_staff_home_lists_newly_replicated_solutions(app):
    at = app("coordinator", PAGE)
    network = _cie(at)
    coordinator = user_of(at.engine, "coordinator")
    with Session(at.engine) as session:
        theme = session.exec(select(m.Theme).order_by(m.Theme.id)).first()
        solution = add_solution(
            session,
            actor=coordinator,
            data=m.SolutionCreate(
                network_id=network.id,
                city_id=_city(session, "Munich").id,
                theme_id=theme.id,
                title="Energy-efficient refurbishment",
                status="in operation",
            ),
        )
        add_replication(
            session,
            actor=coordinator,
            data=m.ReplicationCreate(
                solution_id=solution.id,
                city_id=_city(session, "Geestland").id,
                kind="replicates",
                status="piloting",
            ),
        )
    at.run()
    table = _table(at, "Solution")
    assert list(table["Solution"]) == ["Energy-efficient refurbishment"]
    assert list(table["Cities"]) == ["Munich → Geestland"]
    assert (table["Kind"][0], table["Status"][0]) == ("replicates", "piloting")


def test_staff_home_without_targets_or_replications_says_where_they_come_from(app):
    at = app("coordinator", PAGE)
    with Session(at.engine) as session:
        network_id = add_network(
            session, actor=user_of(at.engine, "coordinator"), data=m.NetworkCreate(name="New")
        ).id
    at.run()
    at.selectbox(key="home_network").set_value(network_id).run()
    assert any("**Targets**" in i.value for i in at.info)
    assert any("**Solutions**" in c.value for c in at.caption)
    assert not any("Behind the path" in f.value.columns for f in at.dataframe)


def test_a_tandem_member_sees_their_own_cities_targets_at_risk(app):
    at = app("tandem", PAGE)
    tandem = member_tandem(at.engine)
    own = tandem.name.split("–")[0]
    _co2_target(at, tandem.network_id, own, AT_RISK)
    _co2_target(at, tandem.network_id, "Munich", OFF_TRACK)  # not theirs
    at.run()
    table = _mine(at)
    assert list(table["Owner"]) == [own]
    assert list(table["Status"]) == ["At risk"]
