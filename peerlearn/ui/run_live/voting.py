"""Run live's Dot-voting tab: what the session votes on (its own common challenges and
earlier ones brought in), the live tally, closing the vote, and starting it afresh."""

from __future__ import annotations

import streamlit as st

from peerlearn.charts.live import SCREEN, tally_chart
from peerlearn.live import ballot, lifecycle, votes
from peerlearn.models import User
from peerlearn.ui.follow import follow
from peerlearn.ui.live import chart, snapshot
from peerlearn.ui.run_live.controls import in_step
from peerlearn.ui.widgets import plain, read, save


@st.fragment
def tab(user: User, session_id: int, activity: str) -> None:
    snap, version = snapshot(session_id)
    follow(version, view="screen", key="live_vote_follow")
    in_step(snap, activity)
    if snap.tallies:
        closed = snap.voting_closed
        if closed:
            st.caption("Voting is closed: this is the ranking.")
        elif snap.tally_hidden:
            st.caption("Live tally · hidden on the big screen until voting closes")
        else:
            st.caption("Live tally")
        chart(snap, "tally:screen", lambda: tally_chart(snap.tallies, size=SCREEN))
        label = "Reopen voting" if closed else "Close voting and show the ranking"
        if st.button(label, key="live_close_voting", type="secondary" if closed else "primary"):
            save(
                lambda s: lifecycle.close_voting(
                    s, actor=user, session_id=session_id, closed=not closed
                )
            )
    else:
        st.info(
            "Nothing to vote on in this session yet: group challenges on the wall, or bring "
            "in common challenges the network has already, below.",
            icon=":material/lightbulb:",
        )
    _ballot(user, session_id)
    _afresh(user, session_id)


def _ballot(user: User, session_id: int) -> None:
    """Bring the event's (or the network's earlier) common challenges to the vote, or
    take one off it."""
    choices = read(lambda s: ballot.choices(s, actor=user, session_id=session_id))
    outside = {c.id: f"{c.name} ({c.origin})" for c in choices if not c.on_ballot}
    inside = {c.id: c.name for c in choices if c.on_ballot}
    with st.expander("What this session votes on", expanded=not inside):
        with st.form("live_ballot_add", border=False):
            picked = st.multiselect(
                "Bring common challenges to this vote",
                list(outside),
                format_func=outside.get,
                placeholder="the event's and the network's common challenges",
                key="live_ballot_pick",
            )
            if st.form_submit_button("Add to the vote", disabled=not outside):
                save(
                    lambda s: ballot.add(
                        s, actor=user, session_id=session_id, common_challenge_ids=picked
                    ),
                    success="Added to the vote",
                    reset={"live_ballot_pick": []},
                )
        if inside:
            st.caption("On the vote: " + plain(", ".join(inside.values())))
            with st.form("live_ballot_remove", border=False):
                off = st.selectbox(
                    "Take off the vote",
                    list(inside),
                    index=None,
                    format_func=inside.get,
                    placeholder="a common challenge",
                    key="live_ballot_off",
                )
                if st.form_submit_button("Take it off") and off is not None:
                    save(
                        lambda s: ballot.remove(
                            s, actor=user, session_id=session_id, common_challenge_id=off
                        ),
                        success="Taken off the vote (its dots stay stored)",
                        reset={"live_ballot_off": None},
                    )


def _afresh(user: User, session_id: int) -> None:
    count = read(lambda s: votes.vote_count(s, actor=user, session_id=session_id))
    if not count:
        return
    with st.expander("Start the vote afresh", icon=":material/restart_alt:"):
        unit = "vote" if count == 1 else "votes"
        st.markdown(
            f"This deletes the **{count} {unit}** placed in this session and opens voting "
            "again. The common challenges stay."
        )
        with st.form("live_votes_afresh", border=False):
            confirm = f"Yes, delete the {count} {unit}"
            sure = st.checkbox(confirm, key="live_votes_sure")
            clear = st.form_submit_button(
                "Clear the votes", type="primary", icon=":material/restart_alt:"
            )
        if not clear:
            return
        if not sure:
            st.error(f"Tick “{confirm}” first: nothing was cleared.", icon=":material/error:")
            return
        save(
            lambda s: votes.clear_votes(s, actor=user, session_id=session_id),
            success="The vote starts afresh",
            reset={"live_votes_sure": False},
        )
