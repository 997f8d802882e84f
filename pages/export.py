"""Export for reporting: the Excel summary of a network, an event or a tandem, .ics
calendars, and the targets reporting template."""

from datetime import date, datetime

import streamlit as st

from peerlearn.calendars import event_calendar, milestones_calendar
from peerlearn.excel.summary import SHEETS
from peerlearn.excel.targets_template import DEFAULT_EVERY, LONGEST_CYCLE, targets_template
from peerlearn.models import UserRole
from peerlearn.services import events as event_service
from peerlearn.services import network as network_service
from peerlearn.services import roadmaps as roadmap_service
from peerlearn.services import tandems as tandem_service
from peerlearn.services.account_views import tandems_of
from peerlearn.ui.auth import require_user
from peerlearn.ui.reports_widgets import (
    SCOPES,
    XLSX,
    calendar_filename,
    scopes_for,
    slug,
    summary_filename,
    summary_for,
)
from peerlearn.ui.widgets import empty_state, pick, pick_network, read, refusal


def _download(file_name: str, content: bytes, *, key: str) -> None:
    """The prepared workbook's download, named after its file."""
    st.download_button(
        f"Download {file_name}",
        content,
        file_name=file_name,
        mime=XLSX,
        type="primary",
        icon=":material/download:",
        on_click="ignore",
        key=key,
    )


user = require_user(UserRole.COORDINATOR, UserRole.FACILITATOR, UserRole.TANDEM)
member = user.role == UserRole.TANDEM
st.title("Export")
st.caption(
    "An Excel summary for your reports, and calendars (.ics) to share. Exporting only "
    "reads, so it works at any time, also while a live session is running."
)

allowed = scopes_for(user.role)
network_column, scope_column = st.columns([2, 3], vertical_alignment="bottom")
network_id = None
if not member:  # a tandem member's own tandems say which network
    with network_column:
        network_id = pick_network(user, key="ex_network")
    if network_id is None:
        empty_state("There is no network yet: a coordinator adds one under **Network**.")
        st.stop()
if len(allowed) > 1:
    scope = scope_column.radio(
        "What to export",
        allowed,
        format_func=SCOPES.get,
        horizontal=True,
        key="ex_scope",
    )
else:
    scope = allowed[0]

calendar: tuple[str, bytes, str] | None = None  # (label, content, file name)
if scope == "network":
    networks = read(lambda s: network_service.list_networks(s, actor=user))
    target_id = network_id
    name = next(n.name for n in networks if n.id == network_id)
elif scope == "event":
    events = read(lambda s: event_service.list_events(s, actor=user, network_id=network_id))
    if not events:
        empty_state("This network has no events yet: add one under **Events**.")
        st.stop()
    titles = {e.id: f"{e.title} · {e.start_date:%d %b %Y}" for e in events}
    target_id = pick("Event", list(titles), key="ex_event", format_func=titles.get)
    event = next(e for e in events if e.id == target_id)
    name = event.title
    sessions = read(lambda s: event_service.list_sessions(s, actor=user, event_id=event.id))
    if sessions:
        calendar = (
            "The event's agenda (.ics)",
            event_calendar(event, sessions),
            calendar_filename("event", f"{event.title} {event.start_date:%Y-%m-%d}"),
        )
else:
    if member:
        tandems = read(lambda s: tandems_of(s, actor=user, user_id=user.id))
        missing = "Your account is not linked to a tandem yet: ask a coordinator."
    else:
        listed = read(lambda s: tandem_service.list_tandems(s, actor=user, network_id=network_id))
        tandems = [t.tandem for t in listed]
        missing = "This network has no tandems yet: pair cities under **Network**."
    if not tandems:
        empty_state(missing)
        st.stop()
    names = {t.id: t.name for t in tandems}
    target_id = pick("Tandem", list(names), key="ex_tandem", format_func=names.get)
    tandem = next(t for t in tandems if t.id == target_id)
    name = tandem.name
    if member:
        network_id = tandem.network_id  # the template of the tandem's network
    milestones = read(lambda s: roadmap_service.list_milestones(s, actor=user, tandem_id=target_id))
    if milestones:
        calendar = (
            "The tandem's milestones (.ics)",
            milestones_calendar(tandem, milestones),
            calendar_filename("tandem", tandem.name),
        )

excel_column, calendar_column = st.columns([3, 2], gap="large")
with excel_column:
    st.subheader("Excel summary")
    st.markdown(
        "\n".join(f"- **{sheet}**: {what}" for sheet, what in SHEETS.items())
        + "\n\nEach sheet is a filterable table; dates and numbers are real dates and "
        "numbers; overdue milestones are highlighted, and each target's status word is "
        "on its red, amber or green."
    )
    wanted = (scope, target_id)
    prepared = st.session_state.get("ex_summary")
    if st.button(
        "Prepare the summary",
        icon=":material/table_view:",
        key="ex_prepare",
        help="Gathers every figure of the chosen scope; this can take a few seconds.",
    ):
        with st.spinner("Gathering the figures…"):
            content = read(
                lambda s: summary_for(s, actor=user, scope=scope, target_id=target_id),
                refused=refusal,
            )
        if content is not None:
            prepared = (
                wanted,
                content,
                summary_filename(scope, name, date.today()),
                datetime.now(),
            )
            st.session_state["ex_summary"] = prepared
    if prepared and prepared[0] == wanted:
        _, content, file_name, made = prepared
        _download(file_name, content, key="ex_download")
        st.caption(
            f"Prepared at {made:%H:%M:%S} ({len(content) / 1024:.0f} KB). "
            "Prepare it again for the latest figures."
        )

with calendar_column:
    st.subheader("Calendar")
    if scope == "network":
        st.caption("Choose one event (its agenda) or one tandem (its milestones) for a calendar.")
    elif calendar is None:
        st.caption(
            "No sessions in this event yet."
            if scope == "event"
            else "No milestones in this tandem's roadmap yet."
        )
    else:
        label, content, file_name = calendar
        st.caption(
            "Opens in Outlook, Google Calendar or Thunderbird; importing it again "
            "updates the entries instead of doubling them."
        )
        st.download_button(
            label,
            content,
            file_name=file_name,
            mime="text/calendar",
            icon=":material/calendar_month:",
            on_click="ignore",
            key="ex_ics",
        )

if user.role == UserRole.COORDINATOR or (member and network_id is not None):
    st.subheader("Targets reporting template")
    st.caption(
        (
            "One row per target of your cities in the tandem's network"
            if member
            else "One row per target of the network"
        )
        + ", one column per reporting date from the baseline year to the deadline, the "
        "values measured on those dates filled in. Fill it in, then import it under "
        "**Import** as Measurements: a preview shows each value before anything is stored."
    )
    cycle_column, template_column = st.columns([2, 3], vertical_alignment="bottom")
    every = cycle_column.selectbox(
        "Report every",
        list(range(1, LONGEST_CYCLE + 1)),
        index=DEFAULT_EVERY - 1,
        format_func=lambda n: "year" if n == 1 else f"{n} years",
        key="ex_cycle",
        help="The Covenant of Mayors monitors every two years.",
    )
    # Built on request, as the summary: the page itself reads nothing of the targets.
    wanted_template = (network_id, every)
    if template_column.button(
        "Prepare the template",
        icon=":material/table_view:",
        key="ex_prepare_template",
        help="Gathers the network's targets and the values measured on the reporting dates.",
    ):
        listed = read(lambda s: network_service.list_networks(s, actor=user))
        network_name = next((n.name for n in listed if n.id == network_id), "network")
        content = read(
            lambda s: targets_template(s, actor=user, network_id=network_id, every=every),
            refused=refusal,
        )
        if content is not None:
            file_name = f"peerlearn-targets-{slug(network_name)}-every-{every}-years.xlsx"
            st.session_state["ex_template"] = (wanted_template, content, file_name)
    prepared_template = st.session_state.get("ex_template")
    if prepared_template and prepared_template[0] == wanted_template:
        _, content, file_name = prepared_template
        _download(file_name, content, key="ex_targets_template")
