"""Home: the network at a glance for staff; the own roadmap for tandem members."""

from datetime import date

import pandas as pd
import streamlit as st

from peerlearn import rules
from peerlearn.analytics import network as glance_data
from peerlearn.charts.map import network_map
from peerlearn.models import MilestoneStatus, UserRole
from peerlearn.services import events as event_service
from peerlearn.services import roadmaps as roadmap_service
from peerlearn.services import solutions as solution_service
from peerlearn.services import targets as target_service
from peerlearn.services.account_views import tandems_of
from peerlearn.ui.auth import require_user
from peerlearn.ui.rag import RAG_BADGE, days_phrase, deadline_metric, rag_metric, rag_style
from peerlearn.ui.target_views import counted, targets_table
from peerlearn.ui.widgets import empty_state, pick_network, plain, read

user = require_user()
today = date.today()


def tandem_home() -> None:
    st.title("My tandem")
    mine = read(lambda s: tandems_of(s, actor=user, user_id=user.id))
    if not mine:
        empty_state("Your account is not linked to a tandem yet: ask a coordinator.")
        return
    # One query for all of them: the service keeps a member to their own tandems.
    every = read(lambda s: roadmap_service.list_milestones(s, actor=user))
    for tandem in mine:
        milestones = [m for m in every if m.tandem_id == tandem.id]
        rags = {m.id: rules.rag_status(m, tandem.deadline, today) for m in milestones}
        overall = rules.tandem_rag(rags.values())
        with st.container(border=True):
            st.subheader(plain(tandem.name), anchor=False)
            cols = st.columns(3)
            rag_metric(cols[0], "Roadmap", overall)
            cols[1].metric("Progress", f"{rules.progress(milestones):.0f} %")
            deadline_metric(cols[2], "Deadline", tandem.deadline, today)
            due = sorted(
                (m for m in milestones if m.status != MilestoneStatus.DONE),
                key=lambda m: m.due_date,
            )[:5]
            if due:
                st.caption("Due next")
                frame = pd.DataFrame(
                    {
                        "RAG": [RAG_BADGE[rags[m.id]] for m in due],
                        "Milestone": [m.title for m in due],
                        "Due": [m.due_date for m in due],
                        "Owner": [m.owner_city_name or "" for m in due],
                        "Status": [m.status for m in due],
                    }
                )
                st.dataframe(
                    frame.style.map(rag_style, subset=["RAG"]),
                    hide_index=True,
                    width="stretch",
                    column_config={
                        "RAG": st.column_config.TextColumn(width="small"),
                        "Milestone": st.column_config.TextColumn(width="large"),
                        "Due": st.column_config.DateColumn(format="DD MMM YYYY"),
                    },
                )
            else:
                st.caption("Nothing open: add the next milestones under **Roadmaps**.")
    st.subheader("Your cities' targets at risk or off track", anchor=False)
    # One query for all networks: the cities of the member's own tandems.
    behind = target_service.off_track(
        read(lambda s: target_service.measurable_targets(s, actor=user))
    )
    if behind:
        targets_table(behind, full=False)
    else:
        st.caption("None: your cities' targets are on track or not measured yet (see **Targets**).")


def targets_off_track(network_id: int) -> None:
    st.subheader("Targets off track or at risk", anchor=False)
    rows = read(
        lambda s: target_service.list_targets(s, actor=user, network_id=network_id, today=today)
    )
    behind = target_service.off_track(rows)
    if behind:
        targets_table(behind, full=False)
        st.caption(
            f"{counted(behind)}, the furthest behind its path first; "
            "every target is under **Targets**."
        )
    elif rows:
        st.caption("None: every measured target is on track.")
    else:
        empty_state("No targets yet: a coordinator adds them under **Targets**.")


def newly_replicated(network_id: int) -> None:
    st.subheader("Newly replicated solutions", anchor=False)
    rows = read(lambda s: solution_service.newly_replicated(s, actor=user, network_id=network_id))
    if not rows:
        st.caption("No city took up another's solution in the last 90 days (see **Solutions**).")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Solution": [r.solution for r in rows],
                "Cities": [f"{r.from_city} → {r.city}" for r in rows],
                "Kind": [r.kind for r in rows],
                "Status": [r.status for r in rows],
                "Since": [r.taken_up_at for r in rows],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Solution": st.column_config.TextColumn(width="medium"),
            "Cities": st.column_config.TextColumn(
                width="medium", help="From the city that built it to the one taking it up."
            ),
            "Since": st.column_config.DateColumn(format="DD MMM YYYY", width="small"),
        },
    )


def staff_home() -> None:
    st.title("Home")
    network_id = pick_network(user, key="home_network")
    if network_id is None:
        empty_state(
            "There is no network yet. "
            + (
                "Start under **Network**: add the network, its cities and tandems."
                if user.role == UserRole.COORDINATOR
                else "A coordinator sets it up under **Network**."
            )
        )
        return
    facts = read(lambda s: glance_data.glance(s, actor=user, network_id=network_id, today=today))
    row = st.columns(4)
    row[0].metric("Cities", facts.cities)
    row[1].metric("Tandems", facts.tandems)
    row[2].metric("Events", facts.events)
    row[3].metric("Challenges", facts.challenges)
    row = st.columns(4)
    row[0].metric("Milestones", facts.milestones)
    row[1].metric("Done", facts.done)
    # The colours the Roadmaps screen shows, counted by the same rule.
    amber, red = rules.RAG_MEANING[rules.Rag.AMBER], rules.RAG_MEANING[rules.Rag.RED]
    row[2].metric(amber.capitalize(), facts.amber, help="Shown amber under **Roadmaps**.")
    row[3].metric(red.capitalize(), facts.red, help="Shown red under **Roadmaps**.")

    st.subheader("The network on the map", anchor=False)
    cities, links, unplaced = read(
        lambda s: glance_data.map_data(s, actor=user, network_id=network_id)
    )
    if cities.empty:
        empty_state("No city has coordinates yet: add them under **Network**.")
    else:
        st.altair_chart(network_map(cities, links), width="stretch")
        note = "Lines join tandem partners."
        if unplaced:
            note += f" {unplaced} cities have no coordinates and are not shown."
        st.caption(note)
    st.subheader("Tandem deadlines", anchor=False)
    table = read(lambda s: glance_data.deadlines(s, actor=user, network_id=network_id, today=today))
    if table.empty:
        empty_state("No tandems yet.")
    else:
        shown = pd.DataFrame(
            {
                "Tandem": table["tandem"],
                "Status": table["status"].map(lambda r: RAG_BADGE.get(r, "")),
                "Deadline": table["deadline"],
                "Time left": [
                    days_phrase(None if pd.isna(d) else int(d)) for d in table["days left"]
                ],
                "Progress": table["progress"],
                "Milestones": table["milestones"],
                "Cities": table["cities"],
            }
        )
        st.dataframe(
            shown.style.map(rag_style, subset=["Status"]),
            hide_index=True,
            width="stretch",
            column_config={
                "Tandem": st.column_config.TextColumn(width="medium"),
                "Status": st.column_config.TextColumn(
                    width="small", help="Red/amber/green of the tandem's milestones."
                ),
                "Deadline": st.column_config.DateColumn(format="DD MMM YYYY", width="small"),
                "Time left": st.column_config.TextColumn(width=160),
                "Progress": st.column_config.ProgressColumn(
                    format="%.0f%%", min_value=0, max_value=100, width=120
                ),
                "Milestones": st.column_config.NumberColumn(width="small"),
                "Cities": st.column_config.TextColumn(width="medium"),
            },
        )
    targets_off_track(network_id)
    newly_replicated(network_id)
    left, right = st.columns(2)
    with left:
        st.subheader("Most common challenges", anchor=False)
        top = read(
            lambda s: glance_data.top_common_challenges(s, actor=user, network_id=network_id)
        )
        if top.empty:
            empty_state("No common challenges yet: group challenges in the plenary.")
        else:
            st.dataframe(
                top.rename(columns=str.capitalize),
                hide_index=True,
                width="stretch",
                column_config={"Common challenge": st.column_config.TextColumn(width="medium")},
            )
    with right:
        events = read(lambda s: event_service.list_events(s, actor=user, network_id=network_id))
        coming = [e for e in events if e.end_date >= today]
        st.subheader("Coming events", anchor=False)
        if coming:
            for event in sorted(coming, key=lambda e: e.start_date)[:5]:
                st.text(f"{event.start_date:%d %b %Y} · {event.title} · {event.place}")
        else:
            st.caption("None planned: add the next one under **Events**.")


if user.role == UserRole.TANDEM:
    tandem_home()
else:
    staff_home()
