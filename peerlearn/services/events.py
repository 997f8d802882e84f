"""Events, their sessions (the agenda) and the key take-aways recorded in them.

Staff (coordinator, facilitator) write; anyone signed in may read.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlmodel import Session

from peerlearn.errors import Conflict, InvalidInput
from peerlearn.models import (
    Challenge,
    CommonChallenge,
    Event,
    EventCreate,
    EventSession,
    EventSessionCreate,
    EventSessionUpdate,
    EventUpdate,
    Network,
    Participant,
    Quiz,
    Takeaway,
    TakeawayCreate,
    TakeawayUpdate,
    User,
)
from peerlearn.services.permissions import require_reader, require_staff
from peerlearn.services.store import commit, count, get, get_active, now, refuse_if_used

# --- validation helpers -----------------------------------------------------------


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


def add_event(session: Session, *, actor: User, data: EventCreate) -> Event:
    require_staff(actor)
    network = get_active(session, Network, data.network_id, label="network")
    _refuse_duplicate_event(session, network.id, data.title, data.start_date, None)
    event = Event(**data.model_dump())
    session.add(event)
    commit(
        session, conflict=f"The event '{data.title}' could not be saved; it clashes with another."
    )
    return event


def update_event(session: Session, *, actor: User, event_id: int, data: EventUpdate) -> Event:
    """Change the fields given; the result is checked as a whole event (dates in order)."""
    require_staff(actor)
    event = get(session, Event, event_id, label="event")
    stored = {field: getattr(event, field) for field in EventCreate.model_fields}
    result = EventCreate(**(stored | data.changes()))
    _refuse_duplicate_event(session, event.network_id, result.title, result.start_date, event.id)
    _refuse_sessions_outside(session, event, result.start_date, result.end_date)
    for field, value in result.model_dump().items():
        setattr(event, field, value)
    session.add(event)
    commit(session, conflict=f"The event '{result.title}' could not be saved.")
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


def restore_event(session: Session, *, actor: User, event_id: int) -> Event:
    require_staff(actor)
    event = get(session, Event, event_id, label="event")
    if event.archived_at is None:
        raise InvalidInput("This event is not archived; there is nothing to restore.")
    event.archived_at = None
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


def add_session(session: Session, *, actor: User, data: EventSessionCreate) -> EventSession:
    require_staff(actor)
    event = get_active(session, Event, data.event_id, label="event")
    _check_inside_event(event, data.starts_at, data.ends_at)
    _refuse_duplicate_session(session, event, data.title, data.starts_at, None)
    row = EventSession(**data.model_dump())
    session.add(row)
    commit(session, conflict=f"The session '{data.title}' could not be saved.")
    return row


def update_session(
    session: Session, *, actor: User, session_id: int, data: EventSessionUpdate
) -> EventSession:
    """Change the fields given (``starts_at=None`` clears the start time); the result is
    checked as a whole session (times in order, within the event's dates)."""
    require_staff(actor)
    row = get(session, EventSession, session_id, label="session")
    event = get(session, Event, row.event_id, label="event")
    stored = {field: getattr(row, field) for field in EventSessionCreate.model_fields}
    result = EventSessionCreate(**(stored | data.changes()))
    _check_inside_event(event, result.starts_at, result.ends_at)
    _refuse_duplicate_session(session, event, result.title, result.starts_at, row.id)
    for field, value in result.model_dump().items():
        setattr(row, field, value)
    session.add(row)
    commit(session, conflict=f"The session '{result.title}' could not be saved.")
    return row


def archive_session(session: Session, *, actor: User, session_id: int) -> EventSession:
    require_staff(actor)
    row = get(session, EventSession, session_id, label="session")
    if row.archived_at is None:
        row.archived_at = now()
        session.add(row)
        commit(session)
    return row


def restore_session(session: Session, *, actor: User, session_id: int) -> EventSession:
    require_staff(actor)
    row = get(session, EventSession, session_id, label="session")
    if row.archived_at is None:
        raise InvalidInput("This session is not archived; there is nothing to restore.")
    event = get(session, Event, row.event_id, label="event")
    if event.archived_at is not None:
        raise InvalidInput(f"The event '{event.title}' is archived; restore the event first.")
    row.archived_at = None
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


def add_takeaway(session: Session, *, actor: User, data: TakeawayCreate) -> Takeaway:
    require_staff(actor)
    row = get_active(session, EventSession, data.session_id, label="session")
    text = data.text
    last = session.scalar(select(func.max(Takeaway.position)).where(Takeaway.session_id == row.id))
    takeaway = Takeaway(session_id=row.id, text=text, position=0 if last is None else last + 1)
    session.add(takeaway)
    commit(session, conflict="The take-away could not be saved.")
    return takeaway


def update_takeaway(
    session: Session, *, actor: User, takeaway_id: int, data: TakeawayUpdate
) -> Takeaway:
    require_staff(actor)
    takeaway = get(session, Takeaway, takeaway_id, label="take-away")
    for field, value in data.changes().items():
        setattr(takeaway, field, value)
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
