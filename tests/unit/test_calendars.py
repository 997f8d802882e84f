"""Calendar files of milestones and sessions, read back with icalendar."""

from datetime import date, datetime

from icalendar import Calendar

from peerlearn import models as m
from peerlearn.calendars import event_calendar, milestones_calendar
from peerlearn.services.roadmaps import MilestoneRow


def _events(content: bytes) -> list:
    return [c for c in Calendar.from_ical(content).walk("VEVENT")]


def test_milestones_are_all_day_entries_on_their_due_date_with_the_deadline():
    tandem = m.Tandem(id=7, network_id=1, name="Arezzo–Arnsberg", deadline=date(2024, 12, 31))
    milestones = [
        m.Milestone(
            id=1,
            roadmap_id=1,
            title="Data platform workshop",
            due_date=date(2024, 3, 15),
            status="done",
            partner_contribution="Arnsberg hosts",
        ),
        m.Milestone(id=2, roadmap_id=1, title="Pilot sensors", due_date=date(2024, 9, 1)),
    ]
    entries = _events(milestones_calendar(tandem, milestones))
    by_uid = {str(e["uid"]): e for e in entries}
    assert set(by_uid) == {
        "milestone-1@peerlearn",
        "milestone-2@peerlearn",
        "tandem-7-deadline@peerlearn",
    }
    first = by_uid["milestone-1@peerlearn"]
    assert first.decoded("dtstart") == date(2024, 3, 15)
    assert str(first["summary"]) == "Data platform workshop (done)"
    assert "Arnsberg hosts" in str(first["description"])
    assert "Status: done" in str(first["description"])
    assert by_uid["tandem-7-deadline@peerlearn"].decoded("dtstart") == date(2024, 12, 31)


def test_a_milestone_row_of_the_screens_names_its_owner_city():
    tandem = m.Tandem(id=7, network_id=1, name="Arezzo–Arnsberg")
    row = MilestoneRow(
        id=4,
        title="Open data portal",
        description="",
        partner_contribution="",
        due_date=date(2024, 5, 2),
        status="in progress",
        position=0,
        archived_at=None,
        roadmap_id=1,
        tandem_id=7,
        tandem_name=tandem.name,
        tandem_deadline=None,
        network_id=1,
        owner_city_id=3,
        owner_city_name="Arezzo",
        version=1,
    )
    (entry,) = _events(milestones_calendar(tandem, [row]))
    assert "Owner: Arezzo" in str(entry["description"])
    assert "Status: in progress" in str(entry["description"])


def test_a_tandem_with_a_deadline_but_no_milestones_gives_just_the_deadline():
    tandem = m.Tandem(id=9, network_id=1, name="Late pair", deadline=date(2025, 1, 31))
    (entry,) = _events(milestones_calendar(tandem, []))
    assert entry.decoded("dtstart") == date(2025, 1, 31)
    assert str(entry["summary"]) == "Deadline of Late pair"


def test_a_tandem_without_milestones_or_deadline_gives_an_empty_calendar():
    tandem = m.Tandem(id=8, network_id=1, name="New pair")
    content = milestones_calendar(tandem, [])
    assert content.startswith(b"BEGIN:VCALENDAR")
    assert _events(content) == []


def test_sessions_keep_their_wall_clock_times_and_place():
    event = m.Event(
        id=3,
        network_id=1,
        title="#CIE meeting Berlin",
        place="Berlin",
        start_date=date(2023, 10, 23),
        end_date=date(2023, 10, 24),
    )
    sessions = [
        m.EventSession(
            id=10,
            event_id=3,
            title="Interactive quiz",
            kind="quiz",
            starts_at=datetime(2023, 10, 23, 10, 0),
            ends_at=datetime(2023, 10, 23, 10, 45),
            location="Room A",
        ),
        m.EventSession(id=11, event_id=3, title="Unscheduled", kind="panel"),
    ]
    entries = _events(event_calendar(event, sessions))
    assert len(entries) == 1
    quiz = entries[0]
    assert quiz.decoded("dtstart") == datetime(2023, 10, 23, 10, 0)  # floating, no tz
    assert quiz.decoded("dtend") == datetime(2023, 10, 23, 10, 45)
    assert str(quiz["location"]) == "Room A"
    assert str(quiz["uid"]) == "session-10@peerlearn"
