"""The knowledge carrier: the network's solutions on the map, who replicates them, and a
side panel with one city's solutions, targets and roles per theme."""

import pandas as pd
import streamlit as st

from peerlearn.analytics import network as glance_data
from peerlearn.charts.solutions_map import framed, solutions_map
from peerlearn.models import UserRole
from peerlearn.services import network as net
from peerlearn.services import solutions as solution_service
from peerlearn.services.permissions import actor_city_ids
from peerlearn.services.targets import list_targets
from peerlearn.ui.auth import require_user
from peerlearn.ui.solution_forms import (
    STATUSES,
    add_solution_form,
    change_replication_form,
    edit_solution_form,
    record_replication_form,
    theme_role_form,
)
from peerlearn.ui.widgets import empty_state, link, pick_network, plain, read

user = require_user(UserRole.COORDINATOR, UserRole.FACILITATOR, UserRole.TANDEM)
st.title("Solutions")
st.caption(
    "The knowledge carrier: what each city has built and shows, and the cities "
    "replicating, adapting or studying it."
)
network_id = pick_network(user, key="so_network")
if network_id is None:
    empty_state("There is no network yet: a coordinator adds one under **Network**.")
    st.stop()

members = read(lambda s: net.list_cities(s, actor=user, network_id=network_id))
every = read(
    lambda s: solution_service.list_solutions(
        s, actor=user, network_id=network_id, include_archived=True
    )
)
solutions = [r for r in every if r.archived_at is None]
# Each solution carries its replications: the network's pairs, without reading them again.
replications = sorted(
    (x for r in solutions for x in r.replications), key=lambda x: (x.solution, x.city, x.id)
)
# The network's targets, once: the side panel shows a city's, the forms offer them all.
network_targets = read(lambda s: list_targets(s, actor=user, network_id=network_id))
themes = {t.id: t.name for t in read(lambda s: net.list_themes(s, actor=user))}
city_names = {c.city.id: c.city.name for c in members}

left, right = st.columns(2)
used = {r.theme_id: r.theme for r in solutions}
theme_filter = left.multiselect(
    "Themes",
    list(themes | used),
    format_func=(themes | used).get,
    placeholder="Every theme",
    key="so_themes",
)
status_filter = right.multiselect("Status", STATUSES, placeholder="Every status", key="so_statuses")
shown = [
    r
    for r in solutions
    if (not theme_filter or r.theme_id in theme_filter)
    and (not status_filter or r.status in status_filter)
]
shown_ids = {r.id for r in shown}
pairs = [r for r in replications if r.solution_id in shown_ids]

map_col, side = st.columns([3, 1])
with map_col:
    cities, links, unplaced = read(
        lambda s: glance_data.map_data(s, actor=user, network_id=network_id)
    )
    if cities.empty:
        empty_state("No city has coordinates yet: a coordinator adds them under **Network**.")
    else:
        placed = pd.DataFrame(
            {
                "title": [r.title for r in shown],
                "city": [r.city for r in shown],
                "theme": [r.theme for r in shown],
                "status": [r.status for r in shown],
                "site": [r.site for r in shown],
                "latitude": [r.latitude for r in shown],
                "longitude": [r.longitude for r in shown],
            },
            dtype=object,
        ).astype({"latitude": float, "longitude": float})
        taken_up = pd.DataFrame(
            {
                "solution": [r.solution for r in pairs],
                "from_city": [r.from_city for r in pairs],
                "city": [r.city for r in pairs],
                "kind": [r.kind for r in pairs],
                "status": [r.status for r in pairs],
            }
        )
        st.altair_chart(solutions_map(cities, links, placed, taken_up), width="stretch")
        note = (
            "Shapes are solutions, by theme; arrows run from a solution's city to each "
            "city taking it up (dashed: studies it); grey lines join tandem partners. "
            "The tables below say the same in words."
        )
        if unplaced:
            note += f" {unplaced} cities have no coordinates and are not shown."
        _, outside = framed(cities, placed, taken_up)
        if outside:
            note += (
                " The map frames the cities with solutions; outside it: "
                + ", ".join(plain(name) for name in outside)
                + "."
            )
        st.caption(note)

with side, st.container(border=True, key="so_panel"):
    if not members:
        empty_state("This network has no cities yet.")
    else:
        # A plain selectbox: it shows the first city of another network at once.
        # First the city with the most solutions: the panel opens on something to read.
        counts = {i: sum(r.city_id == i for r in solutions) for i in city_names}
        first = max(counts, key=counts.get)
        city_id = st.selectbox(
            "City",
            list(city_names),
            index=list(city_names).index(first),
            format_func=city_names.get,
            key="so_city",
        )
        member = next(c for c in members if c.city.id == city_id)
        st.markdown(f"**Role in the network:** {plain(member.role or 'member')}")
        roles = read(
            lambda s: solution_service.list_theme_roles(
                s, actor=user, network_id=network_id, city_id=city_id
            )
        )
        if roles:
            st.markdown(
                "**Roles per theme**\n\n"
                + "\n".join(f"- {plain(r.theme)}: {plain(r.role)}" for r in roles)
            )
        own = [r for r in solutions if r.city_id == city_id]
        st.markdown(f"**Its solutions** ({len(own)})")
        for row in own:
            facts = [row.status, row.theme] + ([row.site] if row.site else [])
            st.markdown(plain(row.title))
            st.caption(plain(" · ".join(facts)))
            if row.links:
                st.markdown(" · ".join(link(x.title, x.url) for x in row.links))
            if row.is_example:
                st.caption(":material/science: Example data")
        if not own:
            st.caption("None recorded yet.")
        takes = [r for r in replications if r.city_id == city_id]
        if takes:
            st.markdown(
                "**Takes up**\n\n"
                + "\n".join(
                    "- " + plain(f"{r.kind.capitalize()} {r.from_city}’s {r.solution} ({r.status})")
                    for r in takes
                )
            )
        given = [r for r in replications if r.from_city_id == city_id]
        if given:
            st.markdown(
                "**Taken up by**\n\n"
                + "\n".join(
                    "- " + plain(f"{r.city} {r.kind} {r.solution} ({r.status})") for r in given
                )
            )
        targets = [t for t in network_targets if t.city_id == city_id]
        if targets:
            st.markdown(
                "**Targets**\n\n"
                + "\n".join(
                    "- " + plain(f"{t.title}: {t.status or 'no measurement yet'}") for t in targets
                )
            )

st.subheader("Solutions", anchor=False)
if shown:
    st.dataframe(
        pd.DataFrame(
            {
                "City": [r.city for r in shown],
                "Solution": [r.title for r in shown],
                "Theme": [r.theme for r in shown],
                "Status": [r.status for r in shown],
                "Site": [r.site for r in shown],
                "Replicated by": [
                    ", ".join(f"{x.city} ({x.kind})" for x in r.replications) for r in shown
                ],
                "Example data": [r.is_example for r in shown],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={"Solution": st.column_config.TextColumn(width="large")},
    )
elif solutions:
    empty_state("No solution matches these themes and statuses.")
else:
    empty_state("No solutions yet: a city records what it has built and shows below.")

st.subheader("Who replicates what", anchor=False)
if pairs:
    st.dataframe(
        pd.DataFrame(
            {
                "Solution": [r.solution for r in pairs],
                "Of": [r.from_city for r in pairs],
                "City": [r.city for r in pairs],
                "Takes it up": [r.kind for r in pairs],
                "Status": [r.status for r in pairs],
                "Note": [r.note for r in pairs],
                "Example data": [r.is_example for r in pairs],
            }
        ),
        hide_index=True,
        width="stretch",
    )
else:
    empty_state("No city replicates, adapts or studies these solutions yet.")

if user.role == UserRole.FACILITATOR:
    st.caption(
        "Facilitators read the solutions; the coordinators and each city's tandem members "
        "edit them."
    )
    st.stop()

# Coordinators write for every city; tandem members for their own tandems' cities.
if user.role == UserRole.COORDINATOR:
    mine = dict(city_names)
else:
    own_ids = read(lambda s: actor_city_ids(s, user))
    mine = {i: name for i, name in city_names.items() if i in own_ids}
if not mine:
    st.caption("None of your tandems' cities is in this network, so there is nothing to edit.")
    st.stop()
targets = {t.id: f"{t.owner}: {t.title}" for t in network_targets}
add_tab, edit_tab, record_tab, change_tab, *roles_tab = st.tabs(
    ["Add a solution", "Edit a solution", "Record a replication", "Change a replication"]
    + (["Roles per theme"] if user.role == UserRole.COORDINATOR else [])
)
with add_tab:
    add_solution_form(user, network_id, mine, themes, targets)
with edit_tab:
    edit_solution_form(
        user,
        [r for r in solutions if r.city_id in mine],
        themes,
        targets,
        [r for r in every if r.archived_at is not None and r.city_id in mine],
    )
with record_tab:
    record_replication_form(user, mine, solutions)
with change_tab:
    change_replication_form(user, [r for r in replications if r.city_id in mine])
if roles_tab:
    with roles_tab[0]:
        theme_role_form(user, network_id, city_names, themes)
