"""The Targets screen: a coordinator adds a target and enters its values, the status
shows in the ranked table and on Home; who may enter values, and what is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.models_targets import Measurement, Target
from peerlearn.services import network as network_service
from peerlearn.services import targets as target_service
from tests.ui.conftest import click, member_tandem, user_of

PAGE = "pages/targets.py"
# Munich's CO2 target: 60,000 t in 2020, at most 48,000 by the end of 2030. By the end
# of 2023 the path asks for 30 % of the way (3,652 days, 1,095 gone); 57,000 is 25 %:
# 83 % of the pace, at risk (60 to 95 %).
CO2 = {
    "title": "Cut CO2 emissions of the test district",
    "indicator": "CO2 emissions",
    "unit": "t CO2 per year",
    "direction": "at most",
    "baseline_value": 60000.0,
    "baseline_year": 2020,
    "target_value": 48000.0,
    "deadline": date(2030, 12, 31),
}
VALUES = [
    (date(2021, 12, 31), 59000.0),
    (date(2022, 12, 31), 58000.0),
    (date(2023, 12, 31), 57000.0),
]


def _city(engine, name: str) -> m.City:
    with Session(engine) as session:
        city = session.exec(select(m.City).where(m.City.name == name)).one()
        session.expunge(city)
        return city


def _network_of(engine, city_id: int) -> int:
    with Session(engine) as session:
        return session.exec(
            select(m.Membership.network_id)
            .where(m.Membership.city_id == city_id)
            .order_by(m.Membership.network_id)
        ).first()


def _add_target(engine, city: str, **changes) -> Target:
    found = _city(engine, city)
    with Session(engine) as session:
        target = target_service.add_target(
            session,
            actor=user_of(engine, "coordinator"),
            data=m.TargetCreate(
                network_id=_network_of(engine, found.id), city_id=found.id, **(CO2 | changes)
            ),
        )
        session.refresh(target)
        session.expunge(target)
    return target


def _open(at, target: Target):
    at.selectbox(key="tg_network").set_value(target.network_id).run()
    at.selectbox(key="tg_pick").set_value(target.id).run()
    assert not at.exception, at.exception
    return at


def _enter(at, rows: list[tuple], key: str = "tg_entry"):
    # AppTest cannot type into a data editor; its edits live in the widget's state.
    added = [{"Date": day.isoformat(), "Value": value, "Source": src} for day, value, src in rows]
    at.session_state[key] = {"edited_rows": {}, "added_rows": added, "deleted_rows": []}
    return click(at, "Save values")


def _stored(engine, target_id: int) -> list[tuple[date, float]]:
    with Session(engine) as session:
        return [
            (r.measured_on, r.value)
            for r in session.exec(
                select(Measurement)
                .where(Measurement.target_id == target_id, Measurement.archived_at.is_(None))
                .order_by(Measurement.measured_on)
            )
        ]


def _ranked(at):
    return next(f.value for f in at.dataframe if "Behind the path" in f.value.columns)


def test_a_coordinator_adds_a_target_through_the_form(app):
    at = app("coordinator", PAGE)
    munich = _city(at.engine, "Munich")
    network_id = _network_of(at.engine, munich.id)
    at.selectbox(key="tg_network").set_value(network_id).run()
    at.selectbox(key="tg_add_owner").set_value(munich.id)
    at.text_input(key="tg_add_title").input(CO2["title"])
    at.text_input(key="tg_add_indicator").input(CO2["indicator"])
    at.text_input(key="tg_add_unit").input(CO2["unit"])
    at.selectbox(key="tg_add_direction").set_value("at most")
    at.number_input(key="tg_add_baseline").set_value(60000)
    at.number_input(key="tg_add_year").set_value(2020)
    at.number_input(key="tg_add_target").set_value(48000)
    at.date_input(key="tg_add_deadline").set_value(CO2["deadline"])
    click(at, "Add target")
    assert not at.error, [e.value for e in at.error]
    assert at.toast[0].value == "Target added"
    with Session(at.engine) as session:
        stored = session.exec(select(Target).where(Target.title == CO2["title"])).one()
    assert (stored.city_id, stored.network_id) == (munich.id, network_id)
    assert (stored.baseline_value, stored.target_value, stored.direction) == (
        60000,
        48000,
        "at most",
    )
    # the new target is the one shown, not measured yet, and the form is empty again
    assert at.selectbox(key="tg_pick").value == stored.id
    assert "Not measured" in set(_ranked(at)["Status"])
    assert at.text_input(key="tg_add_title").value == ""


def test_a_target_without_its_numbers_is_refused_and_keeps_what_was_typed(app):
    at = app("coordinator", PAGE)
    at.text_input(key="tg_add_title").input("Half-typed")
    click(at, "Add target")
    assert "the baseline" in at.error[0].value
    assert at.text_input(key="tg_add_title").value == "Half-typed"
    assert "Half-typed" not in {t.title for t in _all_targets(at.engine)}


def _target_now(engine, target_id: int) -> Target:
    with Session(engine) as session:
        return session.get(Target, target_id)


def _all_targets(engine) -> list[Target]:
    with Session(engine) as session:
        return list(session.exec(select(Target)))


def test_three_values_entered_at_once_show_at_risk_in_the_table_and_on_home(app):
    at = app("coordinator", PAGE)
    target = _add_target(at.engine, "Munich")
    _open(at, target)
    _enter(at, [(day, value, "City energy report") for day, value in VALUES])
    assert not at.error, [e.value for e in at.error]
    assert at.toast[0].value == "3 values saved"
    assert _stored(at.engine, target.id) == VALUES
    table = _ranked(at)
    line = table[table["Target"] == CO2["title"]].iloc[0]
    assert line["Status"] == "At risk"
    assert line["Owner"] == "Munich"
    assert line["Latest value"] == "57,000 t CO2 per year (31 Dec 2023)"
    assert line["Behind the path"] == "5 % of the way behind"
    # the history says who entered each value
    history = next(f.value for f in at.dataframe if "Entered by" in f.value.columns)
    assert set(history["Entered by"]) == {"Test coordinator"}
    # the chart of the target is drawn, titled with it
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert any(f"Munich: {CO2['title']}" in c.proto.spec for c in charts)

    at.switch_page("pages/home.py").run()
    at.selectbox(key="home_network").set_value(target.network_id).run()
    assert not at.exception
    off = next(f.value for f in at.dataframe if "Behind the path" in f.value.columns)
    assert list(off[off["Target"] == CO2["title"]]["Status"]) == ["At risk"]


def test_a_value_in_the_future_or_on_a_day_taken_is_refused_and_nothing_is_stored(app):
    at = app("coordinator", PAGE)
    target = _add_target(at.engine, "Munich")
    _open(at, target)
    _enter(at, [(VALUES[0][0], VALUES[0][1], "")])
    assert _stored(at.engine, target.id) == VALUES[:1]
    future = date.today() + timedelta(days=30)
    _enter(at, [(VALUES[1][0], VALUES[1][1], ""), (future, 1.0, "")], key="tg_entry_1")
    assert "Row 2:" in at.error[0].value and "in the future" in at.error[0].value
    assert _stored(at.engine, target.id) == VALUES[:1]  # all or nothing
    _enter(at, [VALUES[0] + ("again",)], key="tg_entry_1")
    assert "Row 1:" in at.error[0].value and "already" in at.error[0].value
    assert _stored(at.engine, target.id) == VALUES[:1]


def test_a_withdrawn_value_stays_in_the_history_marked(app):
    at = app("coordinator", PAGE)
    target = _add_target(at.engine, "Munich")
    _open(at, target)
    _enter(at, [(day, value, "") for day, value in VALUES])
    click(at, "Withdraw")  # the first value
    assert _stored(at.engine, target.id) == VALUES[1:]
    history = next(f.value for f in at.dataframe if "Entered by" in f.value.columns)
    assert list(history["Withdrawn"]) == ["withdrawn", "", ""]


def test_a_tandem_member_enters_values_for_their_own_cities_only(app):
    at = app("tandem", PAGE)
    own = _city(at.engine, member_tandem(at.engine).name.split("–")[0])
    mine = _add_target(at.engine, own.name, title="Our own target")
    theirs = _add_target(at.engine, "Munich")
    _open(at, theirs)
    assert "Save values" not in [b.label for b in at.button]
    assert any("Munich are entered by" in c.value for c in at.caption)
    assert "Add target" not in [b.label for b in at.button]  # coordinators set targets
    _open(at, mine)
    _enter(at, [VALUES[0] + ("",)])
    assert not at.error, [e.value for e in at.error]
    assert _stored(at.engine, mine.id) == VALUES[:1]


def test_a_facilitator_reads_and_sees_no_entry_form(app):
    at = app("facilitator", PAGE)
    target = _add_target(at.engine, "Munich")
    _open(at, target)
    labels = [b.label for b in at.button]
    assert (
        "Save values" not in labels and "Add target" not in labels and "Save target" not in labels
    )
    assert any("Facilitators read" in c.value for c in at.caption)


def test_the_coordinator_edits_a_target_and_a_stale_form_is_refused(app):
    at = app("coordinator", PAGE)
    target = _add_target(at.engine, "Munich")
    _open(at, target)
    assert at.text_input(key="tg_edit_title").value == CO2["title"]
    with Session(at.engine) as session:  # someone else saves first
        target_service.update_target(
            session,
            actor=user_of(at.engine, "coordinator"),
            target_id=target.id,
            data=m.TargetUpdate(description="Changed elsewhere"),
        )
    at.text_input(key="tg_edit_title").input("Cut CO2 emissions by 20 %")
    click(at, "Save target")
    assert at.error, "a save over a newer version must be refused"
    assert _target_now(at.engine, target.id).title == CO2["title"]


@pytest.mark.parametrize("role", ["coordinator", "facilitator"])
def test_an_empty_network_says_what_to_do(app, role):
    at = app(role, kind="empty")
    with Session(at.engine) as session:
        network_service.add_network(
            session, actor=user_of(at.engine, "coordinator"), data=m.NetworkCreate(name="New")
        )
    at.switch_page(PAGE).run()
    assert not at.exception
    assert any("No targets" in i.value for i in at.info)


def test_an_archived_target_leaves_the_lists_and_keeps_its_values(app):
    at = app("coordinator", PAGE)
    target = _add_target(at.engine, "Munich")
    _open(at, target)
    _enter(at, [VALUES[0] + ("",)])
    at.checkbox(key="tg_edit_archive").check()
    click(at, "Save target")
    assert at.toast[0].value == "Target archived"
    assert CO2["title"] not in " ".join(
        " ".join(map(str, f.value.get("Target", []))) for f in at.dataframe
    )
    assert _target_now(at.engine, target.id).archived_at is not None
    assert _stored(at.engine, target.id) == VALUES[:1]
