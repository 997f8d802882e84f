"""What the tabs of Run live share: the settings, keeping a tab in step with the page.

A facilitator's change saves through :func:`peerlearn.ui.widgets.save`, whose redraw of
the whole page matters here: every other screen follows the session's clock, which the
change moved."""

from __future__ import annotations

import streamlit as st

from peerlearn import rules
from peerlearn.live import lifecycle
from peerlearn.live.snapshot import Snapshot
from peerlearn.models import CountMode, EventSession, LiveSettingsUpdate, User
from peerlearn.ui.widgets import save

MODES = [m.value for m in CountMode]


def in_step(snap: Snapshot, activity: str) -> None:
    """A tab drawn under a page that shows another activity, or a session another
    facilitator ended, redraws the page instead of itself."""
    if not snap.live or snap.activity != activity:
        st.rerun(scope="app")


def settings(user: User, row: EventSession) -> None:
    expander = st.expander("Settings: counting, hidden results, dots, the tally, the wall")
    with expander, st.form(f"live_settings_{row.id}"):
        left, right = st.columns(2)
        count_mode = left.radio(
            "Count quiz answers",
            MODES,
            index=MODES.index(row.count_mode),
            horizontal=True,
            help="Per city: a city counts once, however many of its people answer.",
            key="live_count_mode",
        )
        hidden = left.toggle(
            "Hide results until the reveal", value=row.results_hidden, key="live_hidden"
        )
        vote_mode = right.radio(
            "Dots go to",
            MODES,
            index=MODES.index(row.vote_mode),
            horizontal=True,
            help="Per city: the city's people share one budget.",
            key="live_vote_mode",
        )
        budget = right.number_input(
            "Dots each", 1, rules.MAX_DOTS, row.vote_budget, key="live_budget"
        )
        tally_hidden = right.toggle(
            "Hide the tally until voting closes",
            value=row.tally_hidden,
            help="The big screen shows how many dots are placed, not where: nobody "
            "follows the crowd.",
            key="live_tally_hidden",
        )
        premoderated = left.toggle(
            "Posts wait for my approval",
            value=row.premoderated,
            help="Posts from phones reach the big screen once you approve them in the "
            "Challenge wall tab.",
            key="live_premoderated",
        )
        if st.form_submit_button("Save settings"):
            save(
                lambda s: lifecycle.update_settings(
                    s,
                    actor=user,
                    session_id=row.id,
                    data=LiveSettingsUpdate(
                        count_mode=count_mode,
                        results_hidden=hidden,
                        vote_mode=vote_mode,
                        vote_budget=int(budget),
                        tally_hidden=tally_hidden,
                        premoderated=premoderated,
                    ),
                ),
                success="Settings saved",
            )
