"""Events, their sessions (the agenda) and the key take-aways recorded in them.

Staff (coordinator, facilitator) write; anyone signed in may read.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlmodel import Session

from peerlearn.errors import Conflict, InvalidInput
from peerlearn.models import (
    NAME_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Challenge,
    CommonChallenge,
    Event,
    EventMode,
    EventSession,
    Network,
    Participant,
    Quiz,
    SessionKind,
    Takeaway,
    User,
)
from peerlearn.services.permissions import require_reader, require_staff
from peerlearn.services.store import KEEP, commit, count, get, get_active, now, refuse_if_used
from peerlearn.services.text import choice, clean_text, date_order

# --- validation helpers -----------------------------------------------------------


def _day(value: object, *, label: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise InvalidInput(f"{label} is missing; give a date such as 2023-10-23.")
    return value


def _wall_clock(value: object, *, label: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise InvalidInput(f"{label} must be a date and time, such as 2023-10-23 09:30.")
    if value.tzinfo is not None:
        # Stored naive: the agenda reads in the event's own local time.
        raise InvalidInput(
            f"{label} must be the wall-clock time at the event's place, without a time zone."
        )
    return value


def _check_inside_event(event: Event, starts_at: datetime | None, ends_at: datetime | None):
    for label, moment in (("starts", starts_at), ("ends", ends_at)):
        if moment is not None and not (event.start_date <= moment.date() <= event.end_date):
            raise InvalidInput(
                f"The session {label} on {moment.date()}, outside the event "
                f"'{event.title}' ({event.start_date} to {event.end_date}). "
                "Pick a time within the event's dates or change the event's dates first."
            )


def _refuse_duplicate_event(
    session: Session, network_id: int, title: str, start_date: date, exclude_id: int | None
):
    statement = select(Event.title).where(
        Event.network_id == network_id,
        func.lower(Event.title) == title.lower(),
        Event.start_date == start_date,
        Event.archived_at.is_(None),
    )
    if exclude_id is not None:
        statement = statement.where(Event.id != exclude_id)
    if (existing := session.scalars(statement.limit(1)).first()) is not None:
        raise Conflict(
            f"An event named '{existing}' starting on {start_date} already exists in this "
            "network; change the title or the date.",
            field="title",
        )


def _refuse_duplicate_session(
    session: Session,
    event: Event,
    title: str,
    starts_at: datetime | None,
    exclude_id: int | None,
):
    statement = select(EventSession.title).where(
        EventSession.event_id == event.id,
        func.lower(EventSession.title) == title.lower(),
        EventSession.archived_at.is_(None),
        EventSession.starts_at.is_(None)
        if starts_at is None
        else EventSession.starts_at == starts_at,
    )
    if exclude_id is not None:
        statement = statement.where(EventSession.id != exclude_id)
    if count(session, statement):
        when = f"at {starts_at:%Y-%m-%d %H:%M}" if starts_at else "without a start time"
        raise Conflict(f"The event '{event.title}' already has a session named '{title}' {when}.")


# --- events -----------------------------------------------------------------------


def add_event(
    session: Session,
    *,
    actor: User,
    network_id: int,
    title: str,
    start_date: date,
    end_date: date,
    place: str = "",
    mode: str = EventMode.ONSITE,
    description: str = "",
) -> Event:
    require_staff(actor)
    network = get_active(session, Network, network_id, label="network")
    title = clean_text(title, label="The event's title", max_len=TITLE_MAX, field="title")
    place = clean_text(place, label="The place", max_len=NAME_MAX, required=False, field="place")
    mode = choice(mode, EventMode, label="The event's mode", field="mode")
    start = _day(start_date, label="The start date")
    end = _day(end_date, label="The end date")
    date_order(start, end, what="The event's dates")
    description = clean_text(description, label="The description", max_len=TEXT_MAX, required=False)
    _refuse_duplicate_event(session, network.id, title, start, None)
    event = Event(
        network_id=network.id,
        title=title,
        place=place,
        mode=mode,
        start_date=start,
        end_date=end,
        description=description,
    )
    session.add(event)
    commit(session, conflict=f"The event '{title}' could not be saved; it clashes with another.")
    return event


def update_event(
    session: Session,
    *,
    actor: User,
    event_id: int,
    title: str | None = None,
    place: str | None = None,
    mode: str | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    description: str | None = None,
) -> Event:
    """Change the fields given (None keeps a field as it is)."""
    require_staff(actor)
    event = get(session, Event, event_id, label="event")
    new_title = (
        event.title
        if title is None
        else clean_text(title, label="The event's title", max_len=TITLE_MAX, field="title")
    )
    new_place = (
        event.place
        if place is None
        else clean_text(place, label="The place", max_len=NAME_MAX, required=False, field="place")
    )
    new_mode = event.mode if mode is None else choice(mode, EventMode, label="The event's mode")
    start = event.start_date if start_date is None else _day(start_date, label="The start date")
    end = event.end_date if end_date is None else _day(end_date, label="The end date")
    date_order(start, end, what="The event's dates")
    new_description = (
        event.description
        if description is None
        else clean_text(description, label="The description", max_len=TEXT_MAX, required=False)
    )
    _refuse_duplicate_event(session, event.network_id, new_title, start, event.id)
    _refuse_sessions_outside(session, event, start, end)
    event.title, event.place, event.mode = new_title, new_place, new_mode
    event.start_date, event.end_date, event.description = start, end, new_description
    session.add(event)
    commit(session, conflict=f"The event '{new_title}' could not be saved.")
    return event


def _refuse_sessions_outside(session: Session, event: Event, start: date, end: date) -> None:
    first = datetime.combine(start, time.min)
    after = datetime.combine(end + timedelta(days=1), time.min)
    outside = select(EventSession.id).where(
        EventSession.event_id == event.id,
        or_(
            EventSession.starts_at < first,
            EventSession.starts_at >= after,
            EventSession.ends_at < first,
            EventSession.ends_at >= after,
        ),
    )
    if n := count(session, outside):
        raise InvalidInput(
            f"{n} session(s) of '{event.title}' fall outside {start} to {end}; "
            "move them first or choose dates that include them."
        )


def archive_event(session: Session, *, actor: User, event_id: int) -> Event:
    require_staff(actor)
    event = get(session, Event, event_id, label="event")
    if event.archived_at is None:
        event.archived_at = now()
        session.add(event)
        commit(session)
    return event


def delete_event(session: Session, *, actor: User, event_id: int) -> None:
    require_staff(actor)
    event = get(session, Event, event_id, label="event")
    refuse_if_used(
        session,
        f"The event '{event.title}'",
        {"session(s)": select(EventSession.id).where(EventSession.event_id == event.id)},
    )
    session.delete(event)
    commit(session, conflict=f"The event '{event.title}' is still in use; archive it instead.")


def list_events(
    session: Session,
    *,
    actor: User,
    network_id: int | None = None,
    include_archived: bool = False,
) -> list[Event]:
    """Events, the most recent first; everyone signed in reads them."""
    require_reader(actor)
    statement = select(Event).order_by(Event.start_date.desc(), Event.id.desc())
    if network_id is not None:
        statement = statement.where(Event.network_id == network_id)
    if not include_archived:
        statement = statement.where(Event.archived_at.is_(None))
    return list(session.scalars(statement))


# --- sessions (the agenda) --------------------------------------------------------


def add_session(
    session: Session,
    *,
    actor: User,
    event_id: int,
    title: str,
    kind: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    location: str = "",
    description: str = "",
) -> EventSession:
    require_staff(actor)
    event = get_active(session, Event, event_id, label="event")
    title = clean_text(title, label="The session's title", max_len=TITLE_MAX, field="title")
    kind = choice(kind, SessionKind, label="The session's kind", field="kind")
    starts_at = _wall_clock(starts_at, label="The start time")
    ends_at = _wall_clock(ends_at, label="The end time")
    date_order(starts_at, ends_at, what="The session's times")
    _check_inside_event(event, starts_at, ends_at)
    location = clean_text(location, label="The location", max_len=TITLE_MAX, required=False)
    description = clean_text(description, label="The description", max_len=TEXT_MAX, required=False)
    _refuse_duplicate_session(session, event, title, starts_at, None)
    row = EventSession(
        event_id=event.id,
        title=title,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        description=description,
    )
    session.add(row)
    commit(session, conflict=f"The session '{title}' could not be saved.")
    return row


def update_session(
    session: Session,
    *,
    actor: User,
    session_id: int,
    title: str | None = None,
    kind: str | None = None,
    starts_at: datetime | None = KEEP,
    ends_at: datetime | None = KEEP,
    location: str | None = None,
    description: str | None = None,
) -> EventSession:
    """Change the fields given; for the times, None clears and leaving them out keeps."""
    require_staff(actor)
    row = get(session, EventSession, session_id, label="session")
    event = get(session, Event, row.event_id, label="event")
    new_title = (
        row.title
        if title is None
        else clean_text(title, label="The session's title", max_len=TITLE_MAX, field="title")
    )
    new_kind = row.kind if kind is None else choice(kind, SessionKind, label="The session's kind")
    new_start = (
        row.starts_at if starts_at is KEEP else _wall_clock(starts_at, label="The start time")
    )
    new_end = row.ends_at if ends_at is KEEP else _wall_clock(ends_at, label="The end time")
    date_order(new_start, new_end, what="The session's times")
    _check_inside_event(event, new_start, new_end)
    new_location = (
        row.location
        if location is None
        else clean_text(location, label="The location", max_len=TITLE_MAX, required=False)
    )
    new_description = (
        row.description
        if description is None
        else clean_text(description, label="The description", max_len=TEXT_MAX, required=False)
    )
    _refuse_duplicate_session(session, event, new_title, new_start, row.id)
    row.title, row.kind, row.starts_at, row.ends_at = new_title, new_kind, new_start, new_end
    row.location, row.description = new_location, new_description
    session.add(row)
    commit(session, conflict=f"The session '{new_title}' could not be saved.")
    return row


def archive_session(session: Session, *, actor: User, session_id: int) -> EventSession:
    require_staff(actor)
    row = get(session, EventSession, session_id, label="session")
    if row.archived_at is None:
        row.archived_at = now()
        session.add(row)
        commit(session)
    return row


def delete_session(session: Session, *, actor: User, session_id: int) -> None:
    require_staff(actor)
    row = get(session, EventSession, session_id, label="session")
    refuse_if_used(
        session,
        f"The session '{row.title}'",
        {
            "quiz(zes)": select(Quiz.id).where(Quiz.session_id == row.id),
            "challenge(s)": select(Challenge.id).where(Challenge.session_id == row.id),
            "common challenge(s)": select(CommonChallenge.id).where(
                CommonChallenge.session_id == row.id
            ),
            "participant(s)": select(Participant.id).where(Participant.session_id == row.id),
            "take-away(s)": select(Takeaway.id).where(Takeaway.session_id == row.id),
        },
    )
    session.delete(row)
    commit(session, conflict=f"The session '{row.title}' is still in use; archive it instead.")


def _agenda_order():
    # Sessions without a start time go last (portable "NULLS LAST").
    return (EventSession.starts_at.is_(None), EventSession.starts_at, EventSession.id)


def list_sessions(
    session: Session, *, actor: User, event_id: int, include_archived: bool = False
) -> list[EventSession]:
    """The event's sessions as an agenda: by start time (unscheduled last), then id."""
    require_reader(actor)
    statement = select(EventSession).where(EventSession.event_id == event_id)
    if not include_archived:
        statement = statement.where(EventSession.archived_at.is_(None))
    return list(session.scalars(statement.order_by(*_agenda_order())))


# --- take-aways -------------------------------------------------------------------


def add_takeaway(session: Session, *, actor: User, session_id: int, text: str) -> Takeaway:
    require_staff(actor)
    row = get_active(session, EventSession, session_id, label="session")
    text = clean_text(text, label="The take-away", max_len=TEXT_MAX, field="text")
    last = session.scalar(select(func.max(Takeaway.position)).where(Takeaway.session_id == row.id))
    takeaway = Takeaway(session_id=row.id, text=text, position=0 if last is None else last + 1)
    session.add(takeaway)
    commit(session, conflict="The take-away could not be saved.")
    return takeaway


def update_takeaway(session: Session, *, actor: User, takeaway_id: int, text: str) -> Takeaway:
    require_staff(actor)
    takeaway = get(session, Takeaway, takeaway_id, label="take-away")
    text = clean_text(text, label="The take-away", max_len=TEXT_MAX, field="text")
    takeaway.text = text
    session.add(takeaway)
    commit(session, conflict="The take-away could not be saved.")
    return takeaway


def delete_takeaway(session: Session, *, actor: User, takeaway_id: int) -> None:
    require_staff(actor)
    takeaway = get(session, Takeaway, takeaway_id, label="take-away")
    session.delete(takeaway)
    commit(session)


def list_takeaways(
    session: Session,
    *,
    actor: User,
    session_id: int | None = None,
    event_id: int | None = None,
    include_archived: bool = False,
) -> list[Takeaway]:
    """Take-aways of one session, or of a whole event in agenda order."""
    require_reader(actor)
    if (session_id is None) == (event_id is None):
        raise InvalidInput("Give either a session or an event to list its take-aways.")
    statement = select(Takeaway).join(EventSession, EventSession.id == Takeaway.session_id)
    if session_id is not None:
        statement = statement.where(Takeaway.session_id == session_id)
    else:
        statement = statement.where(EventSession.event_id == event_id)
        if not include_archived:
            statement = statement.where(EventSession.archived_at.is_(None))
    statement = statement.order_by(*_agenda_order(), Takeaway.position, Takeaway.id)
    return list(session.scalars(statement))
