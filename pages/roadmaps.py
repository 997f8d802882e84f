"""A tandem's roadmap: milestones up to the deadline, red/amber/green, progress, history."""

from datetime import date

import pandas as pd
import streamlit as st

from peerlearn.calendars import milestones_calendar
from peerlearn.charts.roadmaps import gantt
from peerlearn.models import MilestoneStatus, UserRole
from peerlearn.rules import RAG_MEANING, Rag, progress, rag_status, tandem_rag
from peerlearn.services import roadmaps as roadmap_service
from peerlearn.services import tandems as tandem_service
from peerlearn.services.account_views import tandems_of
from peerlearn.services.challenges import list_challenges
from peerlearn.services.common_challenges import list_common_challenges
from peerlearn.services.roadmap_views import tandem_history
from peerlearn.services.solutions import list_solutions
from peerlearn.ui.auth import require_user
from peerlearn.ui.rag import deadline_metric, rag_metric
from peerlearn.ui.roadmap_forms import bulk_editor, milestone_editor, milestone_form, short
from peerlearn.ui.widgets import empty_state, pick, pick_network, plain, read

user = require_user(UserRole.COORDINATOR, UserRole.FACILITATOR, UserRole.TANDEM)
st.title("Roadmaps")
st.caption(
    f"Each tandem's milestones up to its deadline. Red: {RAG_MEANING[Rag.RED]}; "
    f"amber: {RAG_MEANING[Rag.AMBER]} and not done; green: {RAG_MEANING[Rag.GREEN]} or done."
)
# Facilitators read; coordinators and the tandem's own members edit.
can_edit = user.role != UserRole.FACILITATOR

network_id = pick_network(user, key="rm_network")
if network_id is None:
    empty_state("There is no network yet: a coordinator adds one under **Network**.")
    st.stop()
tandems = read(lambda s: tandem_service.list_tandems(s, actor=user, network_id=network_id))
if user.role == UserRole.TANDEM:
    mine = {t.id for t in read(lambda s: tandems_of(s, actor=user, user_id=user.id))}
    tandems = [t for t in tandems if t.tandem.id in mine]
if not tandems:
    empty_state("No tandems here yet: a coordinator pairs cities under **Network**.")
    st.stop()

names = {t.tandem.id: t.tandem.name for t in tandems}
tandem_id = pick("Tandem", list(names), key="rm_tandem", format_func=names.get)
listing = next(t for t in tandems if t.tandem.id == tandem_id)
tandem = listing.tandem
if tandem.is_example:
    st.caption(
        ":material/science: Example data: the networks' own texts do not say which cities "
        "pair up or what their roadmaps hold, so this tandem's work is invented for the demo."
    )
milestones = read(lambda s: roadmap_service.list_milestones(s, actor=user, tandem_id=tandem_id))
today = date.today()
rags = {m.id: rag_status(m, tandem.deadline, today) for m in milestones}
overall = tandem_rag(rags.values())
done = progress(milestones)

metrics = st.columns(4)
rag_metric(metrics[0], "Status", overall)
metrics[1].metric("Progress", f"{done:.0f} %")
deadline_metric(metrics[2], "Deadline", tandem.deadline, today)
open_items = [m for m in milestones if m.status != MilestoneStatus.DONE]
next_due = min(open_items, key=lambda m: m.due_date) if open_items else None
metrics[3].metric("Next due", f"{next_due.due_date:%d %b %Y}" if next_due else "–")
st.progress(done / 100)
if next_due:
    st.caption("Next: " + plain(next_due.title))

timeline_tab, table_tab, add_tab, edit_tab, history_tab = st.tabs(
    ["Timeline", "Milestones", "Add a milestone", "Edit a milestone", "History"]
)
cities = {c.id: c.name for c in listing.cities}
challenges = {
    c.id: short(f"{c.city_name}: {c.text}" if c.city_name else c.text)
    for c in read(lambda s: list_challenges(s, actor=user, tandem_id=tandem_id))
}
groups = {
    g.id: short(g.name)
    for g in read(lambda s: list_common_challenges(s, actor=user, network_id=network_id))
}
solutions = {
    r.id: short(f"{r.city}: {r.title}")
    for r in read(lambda s: list_solutions(s, actor=user, network_id=network_id))
}
with timeline_tab:
    if milestones:
        rows = [
            {
                "title": m.title,
                "status": m.status,
                "rag": rags[m.id],
                "owner": m.owner_city_name or "",
                "due_date": m.due_date,
            }
            for m in milestones
        ]
        st.altair_chart(gantt(rows, deadline=tandem.deadline, today=today), width="stretch")
        st.download_button(
            "Download the milestones (.ics)",
            milestones_calendar(tandem, milestones),
            file_name=f"roadmap-{tandem.id}.ics",
            mime="text/calendar",
            icon=":material/calendar_month:",
            key="rm_ics",
        )
    else:
        empty_state("No milestones yet: add the first one, up to the tandem's deadline.")
with table_tab:
    if milestones:
        bulk_editor(
            user,
            tandem_id,
            milestones,
            rags,
            cities,
            challenges,
            groups,
            editable=can_edit,
            solutions=solutions,
        )
    else:
        empty_state("No milestones yet.")
with add_tab:
    if can_edit:
        milestone_form(user, tandem_id, cities, challenges, groups, solutions=solutions)
    else:
        st.caption("Facilitators read the roadmaps; the tandem and the coordinators edit them.")
with edit_tab:
    if not can_edit:
        st.caption("Facilitators read the roadmaps; the tandem and the coordinators edit them.")
    elif milestones:
        milestone_editor(user, milestones, cities, challenges, groups, solutions=solutions)
    else:
        empty_state("No milestones yet: add the first one in the previous tab.")
with history_tab:
    history = read(lambda s: tandem_history(s, actor=user, tandem_id=tandem_id))
    if history:
        st.dataframe(
            pd.DataFrame(
                {
                    "When (UTC)": [h.changed_at for h in history],
                    "Milestone": [h.milestone for h in history],
                    "From": [h.old_status or "(new)" for h in history],
                    "To": [h.new_status for h in history],
                    "Who": [h.changed_by or "(not recorded)" for h in history],
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "When (UTC)": st.column_config.DatetimeColumn(
                    format="DD MMM YYYY, HH:mm", help="Times are in UTC."
                ),
                "Milestone": st.column_config.TextColumn(width="large"),
            },
        )
    else:
        empty_state("No status changes recorded yet.")
