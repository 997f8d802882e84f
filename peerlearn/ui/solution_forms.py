"""Forms of the Solutions screen: add, edit, archive and restore a solution; record,
change and remove a replication; set a city's role per theme."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from peerlearn.models import (
    ReplicationCreate,
    ReplicationKind,
    ReplicationStatus,
    ReplicationUpdate,
    Role,
    SolutionCreate,
    SolutionStatus,
    SolutionUpdate,
    ThemeRoleSet,
    User,
)
from peerlearn.services import solutions as solution_service
from peerlearn.services.solutions import ReplicationRow, SolutionRow
from peerlearn.ui.network_forms import restore_form
from peerlearn.ui.widgets import FORGET, pick, prefill, read, refill, save

STATUSES = [s.value for s in SolutionStatus]
KINDS = [k.value for k in ReplicationKind]
UPTAKE = [s.value for s in ReplicationStatus]
ROLES = [r.value for r in Role]
LINKS_HELP = "One per line: a title, a bar, then the address (Video | https://…)."
# The add forms start empty again after a save (the city stays, for the next one).
ADD_FIELDS = {
    "so_add_theme": None,
    "so_add_title": "",
    "so_add_status": STATUSES[0],
    "so_add_description": "",
    "so_add_site": "",
    "so_add_lat": None,
    "so_add_lon": None,
    "so_add_links": "",
    "so_add_targets": [],
}
RECORD_FIELDS = {"so_rep_solution": None, "so_rep_note": ""}


def links_text(row: SolutionRow) -> str:
    return "\n".join(f"{link.title} | {link.url}" for link in row.links)


def _solution_fields(prefix: str, themes: dict[int, str], targets: dict[int, str]) -> dict:
    """A solution's fields inside a form (keys ``prefix``_title, …), as the fields of
    SolutionCreate / SolutionUpdate."""
    title = st.text_input("Solution", key=f"{prefix}_title")
    left, right = st.columns(2)
    theme = left.selectbox(
        "Theme",
        list(themes),
        index=None,
        format_func=themes.get,
        placeholder="Choose a theme",
        key=f"{prefix}_theme",
    )
    status = right.selectbox("Status", STATUSES, key=f"{prefix}_status")
    about = st.text_area("Description", key=f"{prefix}_description", height=90)
    site = st.text_input("Where it can be seen (its site)", key=f"{prefix}_site")
    lat, lon = st.columns(2)
    latitude = lat.number_input(
        "Site latitude", -90.0, 90.0, None, format="%.4f", key=f"{prefix}_lat"
    )
    longitude = lon.number_input(
        "Site longitude", -180.0, 180.0, None, format="%.4f", key=f"{prefix}_lon"
    )
    links = st.text_area("Links", key=f"{prefix}_links", height=80, help=LINKS_HELP)
    served = st.multiselect(
        "Targets it serves",
        list(targets),
        format_func=targets.get,
        placeholder="The network's targets",
        key=f"{prefix}_targets",
    )
    return {
        "theme_id": theme,
        "title": title,
        "status": status,
        "description": about,
        "site": site,
        "latitude": latitude,
        "longitude": longitude,
        "links": links,
        "target_ids": served,
    }


def add_solution_form(
    user: User,
    network_id: int,
    cities: dict[int, str],
    themes: dict[int, str],
    targets: dict[int, str],
) -> None:
    with st.form("so_add"):
        city = st.selectbox("City", list(cities), format_func=cities.get, key="so_add_city")
        fields = _solution_fields("so_add", themes, targets)
        if not st.form_submit_button("Add solution", type="primary"):
            return
    if fields["theme_id"] is None:
        st.error("Choose the solution's theme.", icon=":material/error:")
        return
    save(
        lambda s: solution_service.add_solution(
            s, actor=user, data=SolutionCreate(network_id=network_id, city_id=city, **fields)
        ),
        success="Solution added",
        reset=ADD_FIELDS | refill("so_edit"),
    )


def edit_solution_form(
    user: User,
    rows: list[SolutionRow],
    themes: dict[int, str],
    targets: dict[int, str],
    archived: list[SolutionRow],
) -> None:
    """Edit one of ``rows`` (those the user may change) or archive it; restore an
    archived one."""
    if rows:
        labels = {r.id: f"{r.city}: {r.title}" for r in rows}
        solution_id = pick("Solution", list(labels), key="so_edit_pick", format_func=labels.get)
        row = next(r for r in rows if r.id == solution_id)
        options = themes | ({row.theme_id: row.theme} if row.theme_id not in themes else {})
        prefill(
            "so_edit",
            row.id,
            {
                "so_edit_title": row.title,
                "so_edit_theme": row.theme_id,
                "so_edit_status": row.status,
                "so_edit_description": row.description,
                "so_edit_site": row.site,
                "so_edit_lat": row.latitude,
                "so_edit_lon": row.longitude,
                "so_edit_links": links_text(row),
                "so_edit_targets": [t for t in row.target_ids if t in targets],
                "so_edit_archive": False,
                # The version the form was filled from: a save over a newer one is refused.
                "so_edit_version": row.version,
            },
        )
        with st.form("so_edit"):
            fields = _solution_fields("so_edit", options, targets)
            archive = st.checkbox(
                "Archive this solution (it leaves the map; its replications stay recorded)",
                key="so_edit_archive",
            )
            submitted = st.form_submit_button("Save solution", type="primary")
        if submitted and archive:
            save(
                lambda s: solution_service.archive_solution(s, actor=user, solution_id=row.id),
                success="Solution archived",
                reset=refill("so_edit") | {"so_edit_pick": FORGET},
            )
        elif submitted:
            version = st.session_state["so_edit_version"]
            save(
                lambda s: solution_service.update_solution(
                    s,
                    actor=user,
                    solution_id=row.id,
                    data=SolutionUpdate(**fields, version=version),
                ),
                success="Solution saved",
                reset=refill("so_edit"),
            )
    else:
        st.caption("No solution here that you may change yet: add one first.")
    restore_form(
        "so_restore",
        "Archived solutions",
        {r.id: f"{r.city}: {r.title}" for r in archived},
        lambda s, ident: solution_service.restore_solution(s, actor=user, solution_id=ident),
        success="Solution restored",
    )


def record_replication_form(
    user: User, cities: dict[int, str], solutions: list[SolutionRow]
) -> None:
    """A city records that it replicates, adapts or studies another city's solution."""
    labels = {r.id: f"{r.city}'s {r.title}" for r in solutions}
    with st.form("so_rep"):
        left, right = st.columns(2)
        city = left.selectbox("City", list(cities), format_func=cities.get, key="so_rep_city")
        solution = right.selectbox(
            "Solution",
            list(labels),
            index=None,
            format_func=labels.get,
            placeholder="Another city's solution",
            key="so_rep_solution",
        )
        left, right = st.columns(2)
        kind = left.selectbox("The city", KINDS, key="so_rep_kind", help="How it takes it up.")
        status = right.selectbox("Its own status", UPTAKE, key="so_rep_status")
        note = st.text_area("Note", key="so_rep_note", height=80)
        if not st.form_submit_button("Record", type="primary"):
            return
    if solution is None:
        st.error("Choose the solution the city takes up.", icon=":material/error:")
        return
    data = dict(solution_id=solution, city_id=city, kind=kind, status=status, note=note)
    save(
        lambda s: solution_service.add_replication(s, actor=user, data=ReplicationCreate(**data)),
        success="Replication recorded",
        reset=RECORD_FIELDS | refill("so_rep_edit"),
    )


def change_replication_form(user: User, rows: list[ReplicationRow]) -> None:
    """Change how a city takes up a solution, its status and note, or remove the record."""
    if not rows:
        st.caption("No replication here that you may change yet.")
        return
    labels = {r.id: f"{r.city} {r.kind} {r.from_city}'s {r.solution}" for r in rows}
    replication_id = pick("Replication", list(labels), key="so_rep_pick", format_func=labels.get)
    row = next(r for r in rows if r.id == replication_id)
    prefill(
        "so_rep_edit",
        row.id,
        {
            "so_rep_edit_kind": row.kind,
            "so_rep_edit_status": row.status,
            "so_rep_edit_note": row.note,
        },
    )
    with st.form("so_rep_edit"):
        left, right = st.columns(2)
        kind = left.selectbox("The city", KINDS, key="so_rep_edit_kind")
        status = right.selectbox("Its own status", UPTAKE, key="so_rep_edit_status")
        note = st.text_area("Note", key="so_rep_edit_note", height=80)
        save_col, remove_col = st.columns(2)
        saved = save_col.form_submit_button("Save replication", type="primary")
        removed = remove_col.form_submit_button("Remove replication")
    if saved:
        save(
            lambda s: solution_service.update_replication(
                s,
                actor=user,
                replication_id=row.id,
                data=ReplicationUpdate(kind=kind, status=status, note=note),
            ),
            success="Replication saved",
            reset=refill("so_rep_edit"),
        )
    elif removed:
        save(
            lambda s: solution_service.remove_replication(s, actor=user, replication_id=row.id),
            success="Replication removed",
            reset=refill("so_rep_edit") | {"so_rep_pick": FORGET},
        )


def theme_role_form(
    user: User, network_id: int, cities: dict[int, str], themes: dict[int, str]
) -> None:
    """A coordinator sets a city's role in one theme (lighthouse here, follower there)."""
    with st.form("so_role"):
        city_col, theme_col, role_col = st.columns(3)
        city = city_col.selectbox("City", list(cities), format_func=cities.get, key="so_role_city")
        theme = theme_col.selectbox(
            "Theme", list(themes), format_func=themes.get, key="so_role_theme"
        )
        role = role_col.selectbox(
            "Role in the theme", ROLES, index=None, placeholder="No role", key="so_role_role"
        )
        if not st.form_submit_button("Set the role", type="primary"):
            return
    save(
        lambda s: solution_service.set_theme_role(
            s,
            actor=user,
            data=ThemeRoleSet(network_id=network_id, city_id=city, theme_id=theme, role=role),
        ),
        success="Role saved" if role else "Role removed",
    )


def site_visit_solutions(
    user: User, network_id: int, visit_id: int, shown: list[SolutionRow]
) -> None:
    """The solutions a site visit shows, listed, and the staff's pick of them."""
    st.markdown("**Solutions this site visit shows**")
    if shown:
        st.dataframe(
            pd.DataFrame(
                {
                    "Solution": [r.title for r in shown],
                    "City": [r.city for r in shown],
                    "Theme": [r.theme for r in shown],
                    "Status": [r.status for r in shown],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("None linked yet.")
    solutions = read(
        lambda s: solution_service.list_solutions(s, actor=user, network_id=network_id)
    )
    labels = {r.id: f"{r.city}: {r.title}" for r in solutions}
    prefill("ev_visit", visit_id, {"ev_visit_solutions": [r.id for r in shown if r.id in labels]})
    with st.form("ev_visit"):
        chosen = st.multiselect(
            "Solutions it shows",
            list(labels),
            format_func=labels.get,
            placeholder="The network's solutions (under Solutions)",
            key="ev_visit_solutions",
        )
        if not st.form_submit_button("Save the solutions shown", type="primary"):
            return
    save(
        lambda s: solution_service.set_session_solutions(
            s, actor=user, session_id=visit_id, solution_ids=chosen
        ),
        success="Solutions linked",
        reset=refill("ev_visit"),
    )
