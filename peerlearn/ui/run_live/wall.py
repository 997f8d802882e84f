"""Run live's Challenge wall tab: approve, hide, edit and group the posts, selected by
their id, into new common challenges or the network's existing ones; hide everything
one person posted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from peerlearn.live import ballot, wall
from peerlearn.models import ChallengeUpdate, User
from peerlearn.services import challenges as challenge_service
from peerlearn.ui.follow import follow
from peerlearn.ui.live import snapshot
from peerlearn.ui.run_live.controls import in_step
from peerlearn.ui.widgets import empty_state, new_version, read, save, versioned_key


def selected_ids(
    rows: Sequence[int], seen: Sequence[int] | None, current: Sequence[int]
) -> list[int]:
    """The challenges a table selection means, by id.

    ``rows`` are positions in the table the person looked at when they selected:
    ``seen``, the ids drawn in the run before (None: this run's ``current``). A post
    that came in since then does not shift the selection onto another challenge, and
    one that went away is dropped.
    """
    drawn = list(seen) if seen is not None else list(current)
    present = set(current)
    picked = [drawn[n] for n in rows if 0 <= n < len(drawn)]
    return [i for i in dict.fromkeys(picked) if i in present]


@st.fragment
def tab(user: User, session_id: int, activity: str) -> None:
    """Moderating the wall; new posts come in at the bottom."""
    snap, version = snapshot(session_id)
    follow(version, view="screen", key="live_wall_follow")
    in_step(snap, activity)
    # Every post, hidden and waiting ones too (the big screen's snapshot has only the
    # newest the room sees).
    items = read(lambda s: wall.moderation_posts(s, actor=user, session_id=session_id))
    if not items:
        empty_state(
            "No challenges posted yet. Switch the activity to Challenge wall: participants "
            "post from their phones and they appear here."
        )
        return
    base = f"live_wall_{session_id}"
    key = versioned_key(base)
    seen = st.session_state.get(f"{key}__ids")
    current = [i.id for i in items]
    frame = pd.DataFrame(
        {
            "#": current,
            "Challenge": [i.text for i in items],
            "City": [i.city for i in items],
            "Tandem": [i.tandem for i in items],
            "Category": [i.category for i in items],
            "Waiting": [i.pending for i in items],
            "Hidden": [i.hidden for i in items],
            "Common challenge": [i.group for i in items],
        }
    )
    picked = st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="multi-row",
        key=key,
    )
    rows = picked.selection.rows if picked else []
    chosen = selected_ids(rows, seen, current)
    st.session_state[f"{key}__ids"] = current
    by_id = {i.id: i for i in items}
    waiting = sum(i.pending for i in items)
    st.caption(
        f"{len(chosen)} selected · select rows to approve, hide, edit or group them. "
        "New posts come in at the bottom."
        + (f" {waiting} wait for your approval." if waiting else "")
    )
    done = new_version(base)
    approve, hide, show, person, _ = st.columns([1, 1, 1, 2, 1])
    if approve.button(
        "Approve", key="live_wall_approve", disabled=not any(by_id[i].pending for i in chosen)
    ):
        _approve(user, session_id, chosen, reset=done)
    if hide.button("Hide", key="live_wall_hide", disabled=not chosen):
        _set_hidden(user, chosen, hidden=True, reset=done)
    if show.button("Show", key="live_wall_show", disabled=not chosen):
        _set_hidden(user, chosen, hidden=False, reset=done)
    poster = by_id[chosen[0]].participant_id if len(chosen) == 1 else None
    if person.button(
        "Hide all this person's posts",
        key="live_wall_hide_person",
        disabled=poster is None,
        help="Everything the person who posted the selected challenge sent, off the wall.",
    ):
        _hide_person(user, session_id, poster, reset=done)
    if len(chosen) == 1:
        item = by_id[chosen[0]]
        with st.form(f"live_wall_edit_{item.id}"):
            text = st.text_area(
                f"Edit the text of #{item.id}", value=item.text, key=f"live_wall_text_{item.id}"
            )
            if st.form_submit_button("Save text"):
                save(
                    lambda s: challenge_service.update_challenge(
                        s, actor=user, challenge_id=item.id, data=ChallengeUpdate(text=text)
                    ),
                    success="Challenge saved",
                    reset=done,
                )
    if chosen:
        _group(user, session_id, chosen, reset=done)


def _group(user: User, session_id: int, chosen: list[int], *, reset: Mapping[str, Any]) -> None:
    """Into a new common challenge, or one the network has already (this session's,
    this event's or an earlier event's): it goes on this session's vote."""
    choices = read(lambda s: ballot.choices(s, actor=user, session_id=session_id))
    names = {c.id: f"{c.name} ({c.origin})" for c in choices}
    with st.form("live_wall_group"):
        st.markdown(f"**Group the {len(chosen)} selected challenges**")
        name = st.text_input(
            "Into the common challenge named",
            key="live_group_name",
            help="A new name makes a new common challenge; the name of an existing one "
            "adds the challenges to it.",
        )
        into = st.selectbox(
            "…or add them to",
            list(names),
            index=None,
            format_func=names.get,
            placeholder="an existing common challenge",
            key="live_group_into",
        )
        if st.form_submit_button("Group", type="primary"):
            save(
                lambda s: wall.group_wall_challenges(
                    s,
                    actor=user,
                    session_id=session_id,
                    challenge_ids=chosen,
                    name=name,
                    into=into,
                ),
                success="Grouped: the common challenge is on this session's vote",
                reset={**reset, "live_group_name": "", "live_group_into": None},
            )


def _set_hidden(user: User, ids: list[int], *, hidden: bool, reset: Mapping[str, Any]) -> None:
    def run(session):
        for challenge_id in ids:
            challenge_service.set_hidden(
                session, actor=user, challenge_id=challenge_id, hidden=hidden
            )

    count = f"{len(ids)} challenge{'s' if len(ids) != 1 else ''}"
    save(run, success=f"{count} {'hidden' if hidden else 'shown'}", reset=reset)


def _approve(user: User, session_id: int, ids: list[int], *, reset: Mapping[str, Any]) -> None:
    save(
        lambda s: wall.approve_posts(s, actor=user, session_id=session_id, challenge_ids=ids),
        success=lambda n: f"{n} post{'s' if n != 1 else ''} approved: on the wall now",
        reset=reset,
    )


def _hide_person(
    user: User, session_id: int, participant_id: int, *, reset: Mapping[str, Any]
) -> None:
    save(
        lambda s: wall.hide_participant_posts(
            s, actor=user, session_id=session_id, participant_id=participant_id
        ),
        success=lambda n: f"{n} post{'s' if n != 1 else ''} of this person hidden",
        reset=reset,
    )
