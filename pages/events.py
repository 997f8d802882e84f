"""Events of a network: dates, place and mode; their sessions as an agenda; take-aways."""

from datetime import datetime, time

import pandas as pd
import streamlit as st

from peerlearn.calendars import event_calendar
from peerlearn.models import (
    EventCreate,
    EventMode,
    EventSessionCreate,
    EventSessionUpdate,
    EventUpdate,
    SessionKind,
    TakeawayCreate,
    TakeawayUpdate,
    UserRole,
)
from peerlearn.services import events as event_service
from peerlearn.services import solutions as solution_service
from peerlearn.ui.auth import require_user
from peerlearn.ui.solution_forms import site_visit_solutions
from peerlearn.ui.widgets import (
    FORGET,
    empty_state,
    pick,
    pick_network,
    prefill,
    read,
    refill,
    save,
)

user = require_user(UserRole.COORDINATOR, UserRole.FACILITATOR)
st.title("Events")
st.caption("Meetings, study tours and webinars: their agenda of sessions and the take-aways.")
MODES = [mode.value for mode in EventMode]
KINDS = [kind.value for kind in SessionKind]

network_id = pick_network(user, key="ev_network")
if network_id is None:
    empty_state("There is no network yet: a coordinator adds one under **Network**.")
    st.stop()


def event_form(event=None) -> None:
    """Add an event, or edit ``event`` (its widgets' keys carry its id, so they start
    from its stored values); the add form empties only once the event is added."""
    key = f"ev_form_{event.id}" if event else "ev_add"
    with st.form(key):
        title = st.text_input("Title", value=event.title if event else "", key=f"{key}_title")
        left, mid, right = st.columns([2, 2, 1])
        start = left.date_input(
            "From", value=event.start_date if event else None, format="DD.MM.YYYY", key=f"{key}_s"
        )
        end = mid.date_input(
            "To", value=event.end_date if event else None, format="DD.MM.YYYY", key=f"{key}_e"
        )
        mode = right.selectbox(
            "Mode", MODES, index=MODES.index(event.mode) if event else 0, key=f"{key}_mode"
        )
        place = st.text_input("Place", value=event.place if event else "", key=f"{key}_place")
        about = st.text_area(
            "Description", value=event.description if event else "", key=f"{key}_about"
        )
        if st.form_submit_button("Save event" if event else "Add event", type="primary"):
            if start is None or end is None:
                st.error("Give the event's first and last day.")
                return
            fields = dict(
                title=title,
                start_date=start,
                end_date=end,
                place=place,
                mode=mode,
                description=about,
            )
            if event:
                save(
                    lambda s: event_service.update_event(
                        s, actor=user, event_id=event.id, data=EventUpdate(**fields)
                    ),
                    success="Event saved",
                )
                return
            empty = {"title": "", "s": None, "e": None, "mode": MODES[0], "place": ""}
            reset = {f"{key}_{field}": value for field, value in empty.items()}
            save(
                lambda s: event_service.add_event(
                    s, actor=user, data=EventCreate(network_id=network_id, **fields)
                ),
                success="Event added",
                # The new event is the one shown below, to add its agenda.
                reset=lambda added: reset | {f"{key}_about": "", "ev_event": added.id},
            )


def session_form(event, row=None) -> None:
    """Add a session to ``event``'s agenda, or edit ``row`` (keys carry its id)."""
    key = f"ev_session_{row.id}" if row else "ev_session_add"
    with st.form(key):
        title = st.text_input("Title", value=row.title if row else "", key=f"{key}_title")
        kind_col, day_col, from_col, to_col = st.columns(4)
        kind = kind_col.selectbox(
            "Type", KINDS, index=KINDS.index(row.kind) if row else 0, key=f"{key}_kind"
        )
        day = day_col.date_input(
            "Day",
            value=row.starts_at.date() if row and row.starts_at else event.start_date,
            min_value=event.start_date,
            max_value=event.end_date,
            format="DD.MM.YYYY",
            key=f"{key}_day",
        )
        starts = from_col.time_input(
            "Start",
            value=row.starts_at.time() if row and row.starts_at else time(9),
            key=f"{key}_from",
        )
        ends = to_col.time_input(
            "End", value=row.ends_at.time() if row and row.ends_at else time(10), key=f"{key}_to"
        )
        where = st.text_input("Room or link", value=row.location if row else "", key=f"{key}_where")
        about = st.text_area(
            "Description", value=row.description if row else "", key=f"{key}_about"
        )
        if st.form_submit_button("Save session" if row else "Add session", type="primary"):
            fields = dict(
                title=title,
                kind=kind,
                starts_at=datetime.combine(day, starts),
                ends_at=datetime.combine(day, ends),
                location=where,
                description=about,
            )
            if row:
                save(
                    lambda s: event_service.update_session(
                        s, actor=user, session_id=row.id, data=EventSessionUpdate(**fields)
                    ),
                    success="Session saved",
                )
            else:
                empty = {
                    "title": "",
                    "kind": KINDS[0],
                    "day": event.start_date,
                    "from": time(9),
                    "to": time(10),
                    "where": "",
                    "about": "",
                }
                save(
                    lambda s: event_service.add_session(
                        s, actor=user, data=EventSessionCreate(event_id=event.id, **fields)
                    ),
                    success="Session added",
                    reset={f"{key}_{field}": value for field, value in empty.items()},
                )


events = read(lambda s: event_service.list_events(s, actor=user, network_id=network_id))
if not events:
    empty_state("This network has no events yet: add the first one, then its agenda.")
    event_form()
    st.stop()

st.dataframe(
    pd.DataFrame(
        {
            "Event": [e.title for e in events],
            "From": [e.start_date for e in events],
            "To": [e.end_date for e in events],
            "Place": [e.place for e in events],
            "Mode": [e.mode for e in events],
        }
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "From": st.column_config.DateColumn(format="DD MMM YYYY"),
        "To": st.column_config.DateColumn(format="DD MMM YYYY"),
    },
)
with st.expander("Add an event"):
    event_form()

titles = {e.id: f"{e.title} · {e.start_date:%d %b %Y}" for e in events}
event_id = pick("Event", list(titles), key="ev_event", format_func=titles.get)
event = next(e for e in events if e.id == event_id)
sessions = read(lambda s: event_service.list_sessions(s, actor=user, event_id=event.id))
visits = read(lambda s: solution_service.event_site_visits(s, actor=user, event_id=event.id))
agenda_tab, takeaway_tab, edit_tab = st.tabs(["Agenda", "Take-aways", "Edit the event"])

with agenda_tab:
    if sessions:
        st.dataframe(
            pd.DataFrame(
                {
                    "Day": [r.starts_at.date() if r.starts_at else None for r in sessions],
                    "From": [
                        r.starts_at.strftime("%H:%M") if r.starts_at else "" for r in sessions
                    ],
                    "To": [r.ends_at.strftime("%H:%M") if r.ends_at else "" for r in sessions],
                    "Type": [r.kind for r in sessions],
                    "Session": [r.title for r in sessions],
                    "Room or link": [r.location for r in sessions],
                }
                # What each site visit shows, when any does.
                | (
                    {
                        "Solutions shown": [
                            "; ".join(f"{x.city}: {x.title}" for x in visits.get(r.id, []))
                            for r in sessions
                        ]
                    }
                    if visits
                    else {}
                )
            ),
            hide_index=True,
            width="stretch",
            column_config={"Day": st.column_config.DateColumn(format="ddd DD MMM")},
        )
        st.download_button(
            "Download the agenda (.ics)",
            event_calendar(event, sessions),
            file_name=f"agenda-{event.start_date:%Y-%m-%d}.ics",
            mime="text/calendar",
            icon=":material/calendar_month:",
            key="ev_ics",
        )
    else:
        empty_state("No sessions yet: add the first one to build the agenda.")
    with st.expander("Add a session"):
        session_form(event)
    if sessions:
        names = {r.id: r.title for r in sessions}
        chosen = pick(
            "Edit a session",
            list(names),
            key="ev_session_pick",
            format_func=names.get,
            allow_none=True,
        )
        row = next((r for r in sessions if r.id == chosen), None)
        if row:
            session_form(event, row)
            if row.kind == SessionKind.SITE_VISIT:
                site_visit_solutions(user, event.network_id, row.id, visits.get(row.id, []))
            if st.button("Archive this session", key="ev_session_archive"):
                save(
                    lambda s: event_service.archive_session(s, actor=user, session_id=row.id),
                    success="Session archived",
                    reset={"ev_session_pick": FORGET},
                )

with takeaway_tab:
    takeaways = read(lambda s: event_service.list_takeaways(s, actor=user, event_id=event.id))
    names = {r.id: r.title for r in sessions}
    if takeaways:
        st.dataframe(
            pd.DataFrame(
                {
                    "Session": [names.get(t.session_id, "") for t in takeaways],
                    "Take-away": [t.text for t in takeaways],
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "Session": st.column_config.TextColumn(width="medium"),
                "Take-away": st.column_config.TextColumn(width="large"),
            },
        )
    else:
        empty_state("No take-aways yet: record what each session taught the cities.")
    if sessions:
        with st.form("ev_takeaway_form"):
            session_id = st.selectbox(
                "Session", list(names), format_func=names.get, key="ev_takeaway_session"
            )
            text = st.text_area("Take-away", key="ev_takeaway_text")
            if st.form_submit_button("Add take-away", type="primary"):
                save(
                    lambda s: event_service.add_takeaway(
                        s, actor=user, data=TakeawayCreate(session_id=session_id, text=text)
                    ),
                    success="Take-away saved",
                    reset={"ev_takeaway_text": ""},  # the session stays, for the next one
                )
    if takeaways:
        texts = {t.id: t.text[:80] for t in takeaways}
        with st.expander("Edit or delete a take-away"):
            chosen_id = pick(
                "Take-away", list(texts), key="ev_takeaway_pick", format_func=texts.get
            )
            chosen = next(t for t in takeaways if t.id == chosen_id)
            prefill("ev_takeaway_edit", chosen.id, {"ev_takeaway_edit_text": chosen.text})
            with st.form("ev_takeaway_edit"):
                new_text = st.text_area("Take-away", key="ev_takeaway_edit_text")
                save_col, delete_col = st.columns(2)
                saved = save_col.form_submit_button("Save take-away", type="primary")
                delete = delete_col.form_submit_button("Delete take-away")
            if saved:
                save(
                    lambda s: event_service.update_takeaway(
                        s, actor=user, takeaway_id=chosen.id, data=TakeawayUpdate(text=new_text)
                    ),
                    success="Take-away saved",
                    reset=refill("ev_takeaway_edit"),
                )
            elif delete:
                save(
                    lambda s: event_service.delete_takeaway(s, actor=user, takeaway_id=chosen.id),
                    success="Take-away deleted",
                    reset=refill("ev_takeaway_edit") | {"ev_takeaway_pick": FORGET},
                )

with edit_tab:
    event_form(event)
