"""Forms of the Roadmaps screen: add a milestone, edit one (with its links), edit them
all in a table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from peerlearn.models import MilestoneCreate, MilestoneStatus, MilestoneUpdate, User
from peerlearn.services import roadmaps as roadmap_service
from peerlearn.services.roadmaps import MilestoneRow
from peerlearn.ui.rag import RAG_BADGE, rag_style
from peerlearn.ui.widgets import (
    FORGET,
    new_version,
    pick,
    prefill,
    refill,
    save,
    versioned_key,
)

STATUSES = [s.value for s in MilestoneStatus]
EDITOR = "rm_editor"
# The table's headers, also used to name a bad cell's column in messages.
HEADERS = {
    "title": "Milestone",
    "due_date": "Due",
    "status": "Status",
    "owner_city_id": "Owner city",
    "partner_contribution": "Partner's contribution",
    "description": "Description",
}
# The add form starts empty again after a milestone is added.
ADD_FIELDS = {
    "rm_add_title": "",
    "rm_add_due": None,
    "rm_add_status": STATUSES[0],
    "rm_add_owner": None,
    "rm_add_description": "",
    "rm_add_partner": "",
    "rm_add_challenges": [],
    "rm_add_common": [],
    "rm_add_solutions": [],
}


def short(text: str, limit: int = 70) -> str:
    """One line of a challenge for pickers and table cells."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def milestone_form(
    user: User,
    tandem_id: int,
    cities: dict[int, str],
    challenges: dict[int, str],
    groups: dict[int, str],
    *,
    solutions: dict[int, str] | None = None,
) -> None:
    with st.form("rm_add"):
        fields = _milestone_fields("rm_add", cities, challenges, groups, solutions or {})
        if not st.form_submit_button("Add milestone", type="primary"):
            return
    if fields["due_date"] is None:
        st.error("Give the milestone a due date.", icon=":material/error:")
        return
    save(
        lambda s: roadmap_service.add_milestone(
            s, actor=user, tandem_id=tandem_id, data=MilestoneCreate(**fields)
        ),
        success="Milestone added",
        reset=ADD_FIELDS | new_version(EDITOR),
    )


def _milestone_fields(
    prefix: str,
    cities: dict[int, str],
    challenges: dict[int, str],
    groups: dict[int, str],
    solutions: dict[int, str],
) -> dict:
    """A milestone's fields inside a form (keys ``prefix``_title, …), as the fields of
    MilestoneCreate / MilestoneUpdate."""
    title = st.text_input("Milestone", key=f"{prefix}_title")
    left, mid, right = st.columns(3)
    due = left.date_input("Due", value=None, format="DD.MM.YYYY", key=f"{prefix}_due")
    status = mid.selectbox("Status", STATUSES, key=f"{prefix}_status")
    owner = right.selectbox(
        "Owner city",
        list(cities),
        index=None,
        format_func=cities.get,
        placeholder="None",
        key=f"{prefix}_owner",
    )
    about = st.text_area("Description", key=f"{prefix}_description")
    partner = st.text_area("The partner's contribution", key=f"{prefix}_partner")
    left, right = st.columns(2)
    linked = left.multiselect(
        "Linked challenges",
        list(challenges),
        format_func=challenges.get,
        placeholder="The tandem's challenges this milestone answers",
        key=f"{prefix}_challenges",
    )
    common = right.multiselect(
        "Linked common challenges",
        list(groups),
        format_func=groups.get,
        placeholder="Common challenges of the network",
        key=f"{prefix}_common",
    )
    replicated = st.multiselect(
        "Solutions it replicates",
        list(solutions),
        format_func=solutions.get,
        placeholder="Other cities' solutions of the network (under Solutions)",
        key=f"{prefix}_solutions",
    )
    return {
        "title": title,
        "due_date": due,
        "status": status,
        "owner_city_id": owner,
        "description": about,
        "partner_contribution": partner,
        "challenge_ids": linked,
        "common_challenge_ids": common,
        "solution_ids": replicated,
    }


def _with_missing(options: dict[int, str], ids: tuple[int, ...]) -> dict[int, str]:
    """``options`` plus linked ids it lacks (archived since), so they stay linked."""
    return options | {i: f"#{i} (archived)" for i in ids if i not in options}


def milestone_editor(
    user: User,
    milestones: list[MilestoneRow],
    cities: dict[int, str],
    challenges: dict[int, str],
    groups: dict[int, str],
    *,
    solutions: dict[int, str] | None = None,
) -> None:
    """Edit one milestone: every field, its links to challenges, or archive it."""
    labels = {m.id: f"{m.due_date:%d %b %Y} · {short(m.title)}" for m in milestones}
    milestone_id = pick("Milestone", list(labels), key="rm_edit_pick", format_func=labels.get)
    row = next(m for m in milestones if m.id == milestone_id)
    linked = _with_missing(challenges, row.challenge_ids)
    common = _with_missing(groups, row.common_challenge_ids)
    replicated = _with_missing(solutions or {}, row.solution_ids)
    prefill(
        "rm_edit",
        row.id,
        {
            "rm_edit_title": row.title,
            "rm_edit_due": row.due_date,
            "rm_edit_status": row.status,
            "rm_edit_owner": row.owner_city_id if row.owner_city_id in cities else None,
            "rm_edit_description": row.description,
            "rm_edit_partner": row.partner_contribution,
            "rm_edit_challenges": list(row.challenge_ids),
            "rm_edit_common": list(row.common_challenge_ids),
            "rm_edit_solutions": list(row.solution_ids),
            "rm_edit_archive": False,
            # The version the form was filled from: a save over a newer one is refused.
            "rm_edit_version": row.version,
        },
    )
    with st.form("rm_edit"):
        fields = _milestone_fields("rm_edit", cities, linked, common, replicated)
        archive = st.checkbox(
            "Archive this milestone (it leaves the roadmap; its history stays)",
            key="rm_edit_archive",
        )
        if not st.form_submit_button("Save milestone", type="primary"):
            return
    again = refill("rm_edit") | new_version(EDITOR)
    if archive:
        save(
            lambda s: roadmap_service.archive_milestone(s, actor=user, milestone_id=row.id),
            success="Milestone archived",
            reset=again | {"rm_edit_pick": FORGET},
        )
    elif fields["due_date"] is None:
        st.error("Give the milestone a due date.", icon=":material/error:")
    else:
        save(
            lambda s: roadmap_service.update_milestone(
                s,
                actor=user,
                milestone_id=row.id,
                data=MilestoneUpdate(**fields, version=st.session_state["rm_edit_version"]),
            ),
            success="Milestone saved",
            reset=again,
        )


def milestone_frame(
    milestones: list[MilestoneRow],
    rags: dict[int, str],
    cities: dict[int, str],
    challenges: dict[int, str],
    groups: dict[int, str],
    solutions: dict[int, str] | None = None,
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [m.id for m in milestones],
            "RAG": [RAG_BADGE[rags[m.id]] for m in milestones],
            "title": [m.title for m in milestones],
            "due_date": [m.due_date for m in milestones],
            "status": [m.status for m in milestones],
            "owner": [cities.get(m.owner_city_id, "") for m in milestones],
            "partner_contribution": [m.partner_contribution for m in milestones],
            "description": [m.description for m in milestones],
            "challenges": [_names(m.challenge_ids, challenges) for m in milestones],
            "common": [_names(m.common_challenge_ids, groups) for m in milestones],
            "solutions": [_names(m.solution_ids, solutions or {}) for m in milestones],
        }
    )


def _names(ids: tuple[int, ...], names: dict[int, str]) -> str:
    return "; ".join(names.get(i, f"#{i}") for i in ids)


# Shown for reading; links are changed in the form for one milestone (a table cell
# cannot pick many of a list).
READ_ONLY = ["RAG", "challenges", "common", "solutions"]


def editor_rows(edited: pd.DataFrame, cities: dict[int, str]) -> list[dict]:
    """The data editor's rows as the bulk service takes them (owner name → city id)."""
    by_name = {name: city_id for city_id, name in cities.items()}
    rows = []
    shown = [c for c in READ_ONLY if c in edited.columns]
    for record in edited.drop(columns=shown).to_dict("records"):
        owner = record.pop("owner", None)
        record["owner_city_id"] = by_name.get(owner) if owner else None
        if pd.isna(record.get("id")):
            record.pop("id", None)
        else:
            record["id"] = int(record["id"])
        due = record.get("due_date")
        record["due_date"] = None if due is None or pd.isna(due) else pd.Timestamp(due).date()
        rows.append(record)
    return rows


def bulk_editor(
    user: User,
    tandem_id: int,
    milestones: list[MilestoneRow],
    rags: dict[int, str],
    cities: dict[int, str],
    challenges: dict[int, str],
    groups: dict[int, str],
    *,
    editable: bool,
    solutions: dict[int, str] | None = None,
) -> None:
    frame = milestone_frame(milestones, rags, cities, challenges, groups, solutions)
    config = {
        "id": None,
        "RAG": st.column_config.TextColumn("RAG", disabled=True, width="small"),
        "title": st.column_config.TextColumn(HEADERS["title"], required=True, width="large"),
        "due_date": st.column_config.DateColumn(
            HEADERS["due_date"], format="DD MMM YYYY", required=True
        ),
        "status": st.column_config.SelectboxColumn(
            HEADERS["status"], options=STATUSES, required=True
        ),
        "owner": st.column_config.SelectboxColumn(
            HEADERS["owner_city_id"], options=list(cities.values())
        ),
        "partner_contribution": st.column_config.TextColumn(HEADERS["partner_contribution"]),
        "description": st.column_config.TextColumn(HEADERS["description"]),
        "challenges": st.column_config.TextColumn(
            "Challenges", disabled=True, help="Change the links under Edit a milestone."
        ),
        "common": st.column_config.TextColumn(
            "Common challenges", disabled=True, help="Change the links under Edit a milestone."
        ),
        "solutions": st.column_config.TextColumn(
            "Solutions it replicates",
            disabled=True,
            help="Change the links under Edit a milestone.",
        ),
    }
    styled = frame.style.map(rag_style, subset=["RAG"])
    if not editable:
        st.dataframe(styled, hide_index=True, width="stretch", column_config=config)
        return
    st.caption(
        "Edit in the table and save: every row is checked first; a bad row is named. "
        "Links to challenges are changed under **Edit a milestone**."
    )
    with st.form("rm_bulk"):
        edited = st.data_editor(
            styled,
            hide_index=True,
            width="stretch",
            column_config=config,
            key=versioned_key(EDITOR),
        )
        if not st.form_submit_button("Save changes", type="primary"):
            return
    rows = editor_rows(edited, cities)
    if rows == editor_rows(frame, cities):
        st.info("Nothing to change: the table is as stored.", icon=":material/info:")
        return
    save(
        lambda s: roadmap_service.bulk_update_milestones(
            s, actor=user, tandem_id=tandem_id, rows=rows, column_labels=HEADERS
        ),
        success="Roadmap saved",
        reset=new_version(EDITOR) | refill("rm_edit"),
    )
