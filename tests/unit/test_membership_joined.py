"""A membership keeps the day its city joined the network: imported, kept, listed."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from peerlearn import models as m
from peerlearn.excel.imports import apply_import, preview_import
from peerlearn.services import network as network_svc

CONTENT = "City;Country;Joined\nArezzo;Italy;15.03.2019\nGdańsk;Polska;2020-01-31\n".encode()


def _import(session, world, content: bytes):
    preview = preview_import(
        session,
        actor=world.coordinator,
        kind="cities",
        filename="members.csv",
        content=content,
        network_id=world.network.id,
    )
    assert preview.ok, preview.problems
    apply_import(session, actor=world.coordinator, preview=preview)
    return preview


def _joined(session, world) -> dict[str, date | None]:
    session.expire_all()
    listed = network_svc.list_cities(session, actor=world.coordinator, network_id=world.network.id)
    return {c.city.name: c.joined_on for c in listed}


def test_the_day_a_city_joined_is_imported_and_listed(session, world):
    preview = _import(session, world, CONTENT)
    [update] = preview.updates
    assert update.changes == {"Joined": (None, date(2019, 3, 15))}
    assert [r.values["Joined"] for r in preview.adds] == [date(2020, 1, 31)]
    joined = _joined(session, world)
    assert joined["Arezzo"] == date(2019, 3, 15)
    assert joined["Gdańsk"] == date(2020, 1, 31)
    assert joined["Utrecht"] is None


def test_a_blank_joined_cell_keeps_the_stored_day_and_the_same_file_changes_nothing(session, world):
    _import(session, world, CONTENT)
    again = _import(session, world, CONTENT)
    assert (len(again.adds), len(again.updates)) == (0, 0)
    _import(session, world, b"City;Country;Joined;Role\nArezzo;Italy;;follower\n")
    membership = session.exec(
        select(m.Membership).where(
            m.Membership.city_id == world.arezzo.id, m.Membership.network_id == world.network.id
        )
    ).one()
    assert (membership.role, membership.joined_on) == ("follower", date(2019, 3, 15))


def test_a_day_of_joining_needs_a_network(session, world):
    preview = preview_import(
        session, actor=world.coordinator, kind="cities", filename="c.csv", content=CONTENT
    )
    assert {(p.row, p.column) for p in preview.problems} == {(2, "Joined"), (3, "Joined")}


def test_the_summary_workbook_carries_the_day_each_city_joined(session, world):
    import io

    import openpyxl

    from peerlearn.excel.summary import build_summary

    _import(session, world, CONTENT)
    content = build_summary(session, actor=world.coordinator, network_id=world.network.id)
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Cities"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    assert rows["Arezzo"]["Joined"].date() == date(2019, 3, 15)  # a real date cell
    assert rows["Utrecht"]["Joined"] is None
