"""The Export screen: scope, pickers, the Excel summary on demand, .ics calendars."""

from __future__ import annotations

import io
import re
from datetime import datetime

import openpyxl
import pytest

from peerlearn.errors import PermissionDenied
from peerlearn.ui import reports_widgets

PAGE = "pages/export.py"


@pytest.mark.parametrize(
    "role, kind",
    [
        ("coordinator", "demo"),
        ("coordinator", "empty"),
        ("facilitator", "demo"),
        ("facilitator", "empty"),
        ("tandem", "demo"),
    ],
)
def test_the_page_renders_for_every_role(app, role, kind):
    at = app(role, PAGE, kind=kind)
    assert not at.exception
    assert at.title[0].value == "Export"
    if kind == "empty":
        assert "no network yet" in at.info[0].value


def test_each_role_chooses_among_the_scopes_it_may_export(app):
    at = app("coordinator", PAGE)
    assert at.radio(key="ex_scope").options == ["Whole network", "One event", "One tandem"]
    facilitator = app("facilitator", PAGE)
    assert facilitator.radio(key="ex_scope").options == ["Whole network", "One event"]


def test_a_tandem_member_exports_only_their_own_tandem(app):
    from tests.ui.conftest import member_tandem

    at = app("tandem", PAGE)
    assert not at.radio  # one scope: no choice to make
    picker = at.selectbox(key="ex_tandem")
    assert picker.options == [member_tandem(at.engine).name]
    at.button(key="ex_prepare").click().run()
    assert not at.exception and not at.error
    wanted, content, _, _ = at.session_state["ex_summary"]
    assert wanted == ("tandem", member_tandem(at.engine).id)
    readme = dict(openpyxl.load_workbook(io.BytesIO(content))["README"].iter_rows(values_only=True))
    assert readme["Summary of"] == f"tandem: {member_tandem(at.engine).name}"


def test_an_events_agenda_and_a_tandems_milestones_are_offered_as_ics(app):
    at = app("coordinator", PAGE)
    at.radio(key="ex_scope").set_value("event").run()
    assert at.download_button(key="ex_ics").proto.label == "The event's agenda (.ics)"
    at.radio(key="ex_scope").set_value("tandem").run()
    assert not at.exception
    assert at.download_button(key="ex_ics").proto.label == "The tandem's milestones (.ics)"
    at.radio(key="ex_scope").set_value("network").run()
    assert not at.get("download_button") or not any(
        b.key == "ex_ics" for b in at.get("download_button")
    )


@pytest.mark.parametrize(
    "role, scope",
    [("coordinator", "network"), ("coordinator", "tandem"), ("facilitator", "event")],
)
def test_prepare_builds_the_summary_then_offers_the_download(app, role, scope):
    at = app(role, PAGE)
    at.radio(key="ex_scope").set_value(scope).run()
    at.button(key="ex_prepare").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    wanted, content, file_name, _ = at.session_state["ex_summary"]
    assert wanted[0] == scope
    assert file_name.startswith(f"peerlearn-{scope}-") and file_name.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert "README" in workbook.sheetnames
    assert at.download_button(key="ex_download").proto.label == f"Download {file_name}"


def test_a_prepared_summary_is_offered_only_for_its_own_scope(app):
    at = app("coordinator", PAGE)
    network_id = at.selectbox(key="ex_network").value
    at.session_state["ex_summary"] = (
        ("network", network_id),
        b"PK",
        "peerlearn-network-x-2026-01-01.xlsx",
        datetime.now(),
    )
    at.run()
    keys = [b.proto.id for b in at.get("download_button")]
    assert any("ex_download" in k for k in keys)
    at.radio(key="ex_scope").set_value("tandem").run()
    keys = [b.proto.id for b in at.get("download_button")]
    assert not any("ex_download" in k for k in keys)
    assert any("ex_ics" in k for k in keys)


@pytest.fixture
def fake_summary(monkeypatch):
    """Stands in for build_summary on the page: records each call, returns small bytes.

    ``calls.refuse = True`` makes it refuse, as the real one does for a wrong actor.
    """

    class Calls(list):
        refuse = False

    calls = Calls()

    def build_summary(session, *, actor, **scope):
        calls.append({"actor": actor.email, **scope})
        if calls.refuse:
            raise PermissionDenied("You may not export this event.")
        return b"PK-fake-workbook"

    monkeypatch.setattr(reports_widgets, "build_summary", build_summary)
    return calls


@pytest.mark.parametrize(
    "role, scope, picker",
    [
        ("coordinator", "network", "ex_network"),
        ("coordinator", "event", "ex_event"),
        ("coordinator", "tandem", "ex_tandem"),
        ("facilitator", "network", "ex_network"),
        ("facilitator", "event", "ex_event"),
        ("tandem", "tandem", "ex_tandem"),
    ],
)
def test_prepare_asks_for_the_chosen_scope_only(app, fake_summary, role, scope, picker):
    at = app(role, PAGE)
    if at.radio:
        at.radio(key="ex_scope").set_value(scope).run()
    target = at.selectbox(key=picker).value
    at.button(key="ex_prepare").click().run()
    assert not at.exception
    assert fake_summary == [{"actor": f"{role}@example.org", f"{scope}_id": target}]
    _, content, file_name, _ = at.session_state["ex_summary"]
    assert content == b"PK-fake-workbook"
    assert re.fullmatch(rf"peerlearn-{scope}-[a-z0-9-]+-\d{{4}}-\d{{2}}-\d{{2}}\.xlsx", file_name)
    assert at.download_button(key="ex_download").proto.label == f"Download {file_name}"


def test_a_refused_summary_shows_the_reason_and_no_download(app, fake_summary):
    fake_summary.refuse = True
    at = app("facilitator", PAGE)
    at.button(key="ex_prepare").click().run()
    assert not at.exception
    assert "may not export" in at.error[0].value
    assert "ex_summary" not in at.session_state
    assert not any(b.key == "ex_download" for b in at.get("download_button"))


def test_a_coordinator_downloads_the_targets_reporting_template(app):
    from sqlmodel import Session, select

    from peerlearn.models import Network
    from peerlearn.models_targets import TargetCreate
    from peerlearn.services import targets
    from tests.ui.conftest import user_of

    at = app("coordinator", PAGE)
    with Session(at.engine) as session:
        network = session.exec(select(Network).order_by(Network.id)).first()
        targets.add_target(
            session,
            actor=user_of(at.engine, "coordinator"),
            data=TargetCreate(
                network_id=network.id,
                title="Cut CO2 emissions by 20 %",
                indicator="CO2 emissions",
                unit="t CO2",
                baseline_value=60_000,
                baseline_year=2020,
                target_value=48_000,
                direction="at most",
                deadline=datetime(2030, 12, 31).date(),
            ),
        )
    at.run()
    assert not at.exception
    cycle = at.selectbox(key="ex_cycle")
    assert cycle.value == 2 and cycle.options[:2] == ["year", "2 years"]
    at.button(key="ex_prepare_template").click().run()
    assert not at.exception and not at.error
    (wanted, every), content, file_name = at.session_state["ex_template"]
    assert every == 2 and file_name.endswith("-every-2-years.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Measurements"]
    assert [c.value for c in sheet[2]][:4] == ["Target id", "Owner", "Theme", "Target"]
    assert "31 Dec 2022" in [c.value for c in sheet[2]]
    button = at.download_button(key="ex_targets_template")
    assert button.proto.label == f"Download {file_name}"
    at.selectbox(key="ex_cycle").set_value(
        1
    ).run()  # another cycle: prepared again before it is offered
    assert not any(b.key == "ex_targets_template" for b in at.get("download_button"))
    at.button(key="ex_prepare_template").click().run()
    assert "31 Dec 2021" in [
        c.value
        for c in openpyxl.load_workbook(io.BytesIO(at.session_state["ex_template"][1]))[
            "Measurements"
        ][2]
    ]
    facilitator = app("facilitator", PAGE)
    assert not any(b.key == "ex_prepare_template" for b in facilitator.button)


def test_a_tandem_member_downloads_the_template_of_their_cities_targets(app):
    at = app("tandem", PAGE)
    assert not at.exception
    at.button(key="ex_prepare_template").click().run()
    assert not at.exception and not at.error
    _, content, _ = at.session_state["ex_template"]
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Measurements"]
    header = [c.value for c in sheet[2]]
    owners = {row[header.index("Owner")] for row in sheet.iter_rows(min_row=3, values_only=True)}
    # The demo member's tandem is Arezzo–Arnsberg: Arnsberg's target, not Alba Iulia's.
    assert owners == {"Arnsberg"}
