"""Forms of the Roadmaps screen: add a milestone, edit them all in a table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from peerlearn.models import MilestoneStatus, User
from peerlearn.services import roadmaps as roadmap_service
from peerlearn.services.roadmaps import MilestoneRow
from peerlearn.ui.widgets import act

STATUSES = [s.value for s in MilestoneStatus]
RAG_BADGE = {"green": "Green", "amber": "Amber", "red": "Red"}
RAG_FILL = {"Green": "#d7eedf", "Amber": "#fbe8c0", "Red": "#f6d0cb"}


def rag_style(value: object) -> str:
    """Cell style for a red/amber/green column (pandas Styler.map)."""
    fill = RAG_FILL.get(str(value))
    return f"background-color: {fill}" if fill else ""


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
) -> None:
    with st.form("rm_add", clear_on_submit=True):
        title = st.text_input("Milestone", key="rm_add_title")
        left, mid, right = st.columns(3)
        due = left.date_input("Due", value=None, format="DD.MM.YYYY", key="rm_add_due")
        status = mid.selectbox("Status", STATUSES, key="rm_add_status")
        owner = right.selectbox(
            "Owner city",
            list(cities),
            index=None,
            format_func=cities.get,
            placeholder="None",
            key="rm_add_owner",
        )
        about = st.text_area("Description", key="rm_add_description")
        partner = st.text_area("The partner's contribution", key="rm_add_partner")
        left, right = st.columns(2)
        linked = left.multiselect(
            "Linked challenges",
            list(challenges),
            format_func=challenges.get,
            placeholder="The tandem's challenges this milestone answers",
            key="rm_add_challenges",
        )
        common = right.multiselect(
            "Linked common challenges",
            list(groups),
            format_func=groups.get,
            placeholder="Common challenges of the network",
            key="rm_add_common",
        )
        if not st.form_submit_button("Add milestone", type="primary"):
            return
    if due is None:
        st.error("Give the milestone a due date.")
        return
    act(
        lambda s: roadmap_service.add_milestone(
            s,
            actor=user,
            tandem_id=tandem_id,
            title=title,
            due_date=due,
            status=status,
            owner_city_id=owner,
            description=about,
            partner_contribution=partner,
            challenge_ids=linked,
            common_challenge_ids=common,
        ),
        success="Milestone added",
    )


def milestone_frame(
    milestones: list[MilestoneRow],
    rags: dict[int, str],
    cities: dict[int, str],
    challenges: dict[int, str],
    groups: dict[int, str],
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
        }
    )


def _names(ids: tuple[int, ...], names: dict[int, str]) -> str:
    return "; ".join(names.get(i, f"#{i}") for i in ids)


# Shown for reading; links are set when adding (the editor cannot pick many of a list).
READ_ONLY = ["RAG", "challenges", "common"]


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
) -> None:
    frame = milestone_frame(milestones, rags, cities, challenges, groups)
    config = {
        "id": None,
        "RAG": st.column_config.TextColumn("RAG", disabled=True, width="small"),
        "title": st.column_config.TextColumn("Milestone", required=True, width="large"),
        "due_date": st.column_config.DateColumn("Due", format="DD MMM YYYY", required=True),
        "status": st.column_config.SelectboxColumn("Status", options=STATUSES, required=True),
        "owner": st.column_config.SelectboxColumn("Owner city", options=list(cities.values())),
        "partner_contribution": st.column_config.TextColumn("Partner's contribution"),
        "description": st.column_config.TextColumn("Description"),
        "challenges": st.column_config.TextColumn("Challenges", disabled=True),
        "common": st.column_config.TextColumn("Common challenges", disabled=True),
    }
    if not editable:
        styled = frame.style.map(rag_style, subset=["RAG"])
        st.dataframe(styled, hide_index=True, width="stretch", column_config=config)
        return
    st.caption("Edit in the table and save: every row is checked first; a bad row is named.")
    with st.form("rm_bulk"):
        edited = st.data_editor(
            frame,
            hide_index=True,
            width="stretch",
            column_config=config,
            key="rm_editor",
        )
        if st.form_submit_button("Save changes", type="primary"):
            rows = editor_rows(edited, cities)
            act(
                lambda s: roadmap_service.bulk_update_milestones(
                    s, actor=user, tandem_id=tandem_id, rows=rows
                ),
                success="Roadmap saved",
            )
