"""Forms of the Common challenges screen: group, list with move-out, rename, merge."""

from __future__ import annotations

import streamlit as st

from peerlearn.models import CommonChallengeCreate, CommonChallengeUpdate, User
from peerlearn.services import common_challenges as group_service
from peerlearn.services.common_challenges import CommonChallengeRow
from peerlearn.ui.widgets import (
    FORGET,
    new_version,
    pick,
    plain,
    prefill,
    refill,
    save,
)

LOOSE = "cc_loose"  # the table of ungrouped challenges, whose ticked rows are grouped
# Emptied once the ticked challenges are grouped (the ticks too: those rows are gone).
GROUP_FIELDS = {
    "cc_group_name": "",
    "cc_group_category": None,
    "cc_group_session": None,
    "cc_group_into": None,
}


def group_form(
    user: User,
    network_id: int,
    chosen: list[int],
    groups: list[CommonChallengeRow],
    categories,
    sessions: dict[int, str],
) -> None:
    category_names = {c.id: c.name for c in categories}
    group_names = {g.id: g.name for g in groups}
    with st.form("cc_group"):
        left, right = st.columns(2)
        name = left.text_input("New common challenge", key="cc_group_name")
        category_id = right.selectbox(
            "Category",
            list(category_names),
            index=None,
            format_func=category_names.get,
            placeholder="None",
            key="cc_group_category",
        )
        session_id = left.selectbox(
            "Raised in the session",
            list(sessions),
            index=None,
            format_func=sessions.get,
            placeholder="None (choose an event above to pick one)",
            key="cc_group_session",
        )
        into = right.selectbox(
            "…or add to the existing",
            list(group_names),
            index=None,
            format_func=group_names.get,
            placeholder="No, create the new one",
            key="cc_group_into",
        )
        if not st.form_submit_button("Group the selected challenges", type="primary"):
            return
    reset = GROUP_FIELDS | new_version(LOOSE) | refill("cc_rename")
    if not chosen:
        st.error("Tick at least one challenge in the table to group it.")
    elif into is not None:
        save(
            lambda s: group_service.add_to_common_challenge(
                s, actor=user, common_challenge_id=into, challenge_ids=chosen
            ),
            success="Added to the common challenge",
            reset=reset,
        )
    else:
        save(
            lambda s: group_service.create_common_challenge(
                s,
                actor=user,
                data=CommonChallengeCreate(
                    network_id=network_id,
                    name=name,
                    challenge_ids=chosen,
                    session_id=session_id,
                    category_id=category_id,
                ),
            ),
            success="Common challenge created",
            reset=reset,
        )


def group_list(user: User, groups: list[CommonChallengeRow]) -> None:
    for group in groups:
        title = (
            f"{plain(group.name)} · {group.challenge_count} challenges · {group.vote_total} dots"
        )
        with st.expander(title):
            if group.category_name:
                st.caption(f"Category: {plain(group.category_name)}")
            for challenge in group.challenges:
                text, out = st.columns([9, 1], vertical_alignment="center")
                text.text(f"{challenge.tandem_name}: {challenge.text}")
                if out.button("Move out", key=f"cc_out_{challenge.id}"):
                    save(
                        lambda s, c=challenge.id: group_service.remove_from_common_challenge(
                            s, actor=user, challenge_id=c
                        ),
                        success="Moved out",
                    )


def rename_form(user: User, groups: list[CommonChallengeRow]) -> None:
    """Rename a common challenge or change its description, starting from both."""
    names = {g.id: g.name for g in groups}
    box = st.container(border=True)
    box.markdown("**Rename**")
    with box:
        group_id = pick(
            "Common challenge", list(names), key="cc_rename_pick", format_func=names.get
        )
    group = next(g for g in groups if g.id == group_id)
    prefill(
        "cc_rename",
        group.id,
        {
            "cc_rename_name": group.name,
            "cc_rename_description": group.description,
            # The version the form was filled from: a save over a newer one is refused.
            "cc_rename_version": group.version,
        },
    )
    with box, st.form("cc_rename", border=False):
        name = st.text_input("Name", key="cc_rename_name")
        about = st.text_area("Description", key="cc_rename_description", height=80)
        if st.form_submit_button("Rename"):
            save(
                lambda s: group_service.update_common_challenge(
                    s,
                    actor=user,
                    common_challenge_id=group.id,
                    data=CommonChallengeUpdate(
                        name=name,
                        description=about,
                        version=st.session_state["cc_rename_version"],
                    ),
                ),
                success="Renamed",
                reset=refill("cc_rename"),
            )


def merge_form(user: User, groups: list[CommonChallengeRow]) -> None:
    names = {g.id: g.name for g in groups}
    with st.container(border=True), st.form("cc_merge", border=False):
        st.markdown("**Merge two common challenges** (challenges and votes move)")
        source = st.selectbox(
            "Move everything from", list(names), format_func=names.get, key="cc_from"
        )
        target = st.selectbox(
            "into",
            list(names),
            index=min(1, len(names) - 1),
            format_func=names.get,
            key="cc_into",
        )
        if st.form_submit_button("Merge"):
            save(
                lambda s: group_service.merge_common_challenges(
                    s, actor=user, target_id=target, source_id=source
                ),
                success="Merged",
                # The source is gone: both pickers and the rename form start afresh.
                reset={"cc_from": FORGET, "cc_into": FORGET, "cc_rename_pick": FORGET}
                | refill("cc_rename"),
            )
