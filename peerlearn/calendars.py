"""Calendar files (.ics): a tandem's milestones and an event's sessions.

Milestones are all-day events on their due date; sessions keep the wall-clock times of
the agenda as floating local times (the event's own time zone, whatever the reader's).
UIDs are stable, so importing a newer file updates the entries instead of doubling them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from peerlearn.models import Event, EventSession, Milestone, Tandem
from peerlearn.services.roadmaps import MilestoneRow
from peerlearn.services.store import now

DOMAIN = "peerlearn"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//peerlearn//peer learning between cities//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _entry(uid: str, summary: str, description: str = "") -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", f"{uid}@{DOMAIN}")
    entry.add("dtstamp", now())
    entry.add("summary", summary)
    if description:
        entry.add("description", description)
    return entry


def _facts(milestone: Milestone | MilestoneRow, tandem: Tandem) -> str:
    # Screens pass MilestoneRow (owner name joined); the CLI passes bare Milestone rows.
    owner = getattr(milestone, "owner_city_name", None)
    facts = [f"Status: {milestone.status}", f"Tandem: {tandem.name}"]
    if owner:
        facts.insert(1, f"Owner: {owner}")
    return "\n".join(facts)


def milestones_calendar(tandem: Tandem, milestones: Iterable[Milestone | MilestoneRow]) -> bytes:
    """One all-day entry per milestone on its due date, and the tandem's deadline."""
    calendar = _calendar(f"{tandem.name}: roadmap")
    for milestone in milestones:
        entry = _entry(
            f"milestone-{milestone.id}",
            f"{milestone.title} ({milestone.status})",
            "\n\n".join(
                part
                for part in (
                    _facts(milestone, tandem),
                    milestone.description,
                    milestone.partner_contribution
                    and f"Partner's contribution: {milestone.partner_contribution}",
                )
                if part
            ),
        )
        entry.add("dtstart", milestone.due_date)
        entry.add("dtend", milestone.due_date + timedelta(days=1))
        calendar.add_component(entry)
    if tandem.deadline:
        entry = _entry(f"tandem-{tandem.id}-deadline", f"Deadline of {tandem.name}")
        entry.add("dtstart", tandem.deadline)
        entry.add("dtend", tandem.deadline + timedelta(days=1))
        calendar.add_component(entry)
    return calendar.to_ical()


def event_calendar(event: Event, sessions: Iterable[EventSession]) -> bytes:
    """One entry per scheduled session; unscheduled sessions are left out."""
    calendar = _calendar(event.title)
    for row in sessions:
        if row.starts_at is None:
            continue
        entry = _entry(
            f"session-{row.id}", f"{row.title} ({row.kind})", row.description or event.title
        )
        entry.add("dtstart", row.starts_at)  # naive: a floating local time
        entry.add("dtend", row.ends_at or row.starts_at + timedelta(hours=1))
        where = row.location or event.place
        if where:
            entry.add("location", where)
        calendar.add_component(entry)
    return calendar.to_ical()
