"""Every file the app offers for download keeps people's text as text: a challenge such
as ``=HYPERLINK(...)``, ``+SUM(1)``, ``-1+1`` or ``@cmd`` opens in a spreadsheet as the
words typed, never as a formula; a calendar carries it as typed. (The tables on the
screens offer no download of their own: tests/ui/test_table_downloads.py.)"""

from __future__ import annotations

import io
from itertools import cycle

import openpyxl
import pytest
from icalendar import Calendar
from sqlmodel import select

from peerlearn import models as m
from peerlearn.calendars import event_calendar, milestones_calendar
from peerlearn.demo import load_demo
from peerlearn.excel.summary import build_summary
from peerlearn.services import events as event_service
from peerlearn.services import roadmaps as roadmap_service

FORMULAS = ['=HYPERLINK("http://x","y")', "+SUM(1)", "-1+1", "@cmd"]
# What a spreadsheet reads as the start of a formula (OWASP's list).
STARTS = ("=", "+", "-", "@", "\t", "\r")
# Every kind of text the summary and the calendars carry, as a person could type it.
TYPED = [
    (m.Network, "name"),
    (m.City, "name"),
    (m.Tandem, "name"),
    (m.Theme, "name"),
    (m.Category, "name"),
    (m.Event, "title"),
    (m.EventSession, "title"),
    (m.Challenge, "text"),
    (m.CommonChallenge, "name"),
    (m.Milestone, "title"),
    (m.Milestone, "description"),
    (m.Takeaway, "text"),
    (m.Question, "text"),
    (m.Option, "text"),
    (m.Answer, "text"),
    (m.Participant, "display_name"),
]


@pytest.fixture
def hostile(session, coordinator):
    """The demo network with every text above replaced by a formula, names kept
    unique by their id."""
    load_demo(session)
    formulas = cycle(FORMULAS)
    for model, field in TYPED:
        for row in session.exec(select(model).order_by(model.id)):
            value = next(formulas)
            setattr(row, field, f"{value} {row.id}" if field in ("name", "title") else value)
            session.add(row)
    session.commit()
    return session


def _cells(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _scopes(session) -> list[dict]:
    network = session.exec(select(m.Network).order_by(m.Network.id)).first()
    event = session.exec(select(m.Event).where(m.Event.network_id == network.id)).first()
    tandem = session.exec(select(m.Tandem).where(m.Tandem.network_id == network.id)).first()
    return [{"network_id": network.id}, {"event_id": event.id}, {"tandem_id": tandem.id}]


def test_the_excel_summary_keeps_formulas_as_text_in_every_scope(hostile, coordinator):
    for scope in _scopes(hostile):
        cells = list(_cells(build_summary(hostile, actor=coordinator, **scope)))
        assert not [c.coordinate for c in cells if c.data_type == "f"], scope
        looks_like_formula = [
            c for c in cells if isinstance(c.value, str) and c.value.startswith(STARTS)
        ]
        assert looks_like_formula, scope
        assert all(c.data_type == "s" for c in looks_like_formula), scope
        values = {c.value for c in looks_like_formula}
        if "network_id" in scope:  # each as typed, the challenges' texts among them
            assert set(FORMULAS) <= values


def test_the_calendars_carry_the_titles_as_typed(hostile, coordinator):
    network = hostile.exec(select(m.Network).order_by(m.Network.id)).first()
    event = hostile.exec(select(m.Event).where(m.Event.network_id == network.id)).first()
    sessions = event_service.list_sessions(hostile, actor=coordinator, event_id=event.id)
    agenda = Calendar.from_ical(event_calendar(event, sessions))
    scheduled = {s.title for s in sessions if s.starts_at}
    # "<title> (<kind of session>)"
    assert {str(e["summary"]).rsplit(" (", 1)[0] for e in agenda.walk("VEVENT")} == scheduled
    assert all(title.startswith(STARTS) for title in scheduled)

    tandem = hostile.exec(select(m.Tandem).where(m.Tandem.network_id == network.id)).first()
    milestones = roadmap_service.list_milestones(hostile, actor=coordinator, tandem_id=tandem.id)
    roadmap = Calendar.from_ical(milestones_calendar(tandem, milestones))
    summaries = {str(e["summary"]) for e in roadmap.walk("VEVENT")}
    assert {f"{ms.title} ({ms.status})" for ms in milestones} <= summaries
    assert milestones and all(ms.title.startswith(STARTS) for ms in milestones)
