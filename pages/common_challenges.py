"""The plenary: group the tandems' challenges into common challenges, see where they
cluster by category and theme, and how the room voted."""

import pandas as pd
import streamlit as st

from peerlearn.analytics.challenges import by_category_and_tandem, by_theme_and_city
from peerlearn.charts.challenges import category_bars, theme_city_heatmap
from peerlearn.models import UserRole
from peerlearn.services import challenges as challenge_service
from peerlearn.services import common_challenges as group_service
from peerlearn.services import events as event_service
from peerlearn.services import network as net
from peerlearn.ui.auth import require_user
from peerlearn.ui.group_forms import LOOSE, group_form, group_list, merge_form, rename_form
from peerlearn.ui.widgets import empty_state, pick_network, read, versioned_key

user = require_user(UserRole.COORDINATOR, UserRole.FACILITATOR)
st.title("Common challenges")
st.caption(
    "Select challenges the tandems share and group them under one name; merge, rename, "
    "move a challenge out again. The charts show where the challenges cluster."
)

network_id = pick_network(user, key="cc_network")
if network_id is None:
    empty_state("There is no network yet: a coordinator adds one under **Network**.")
    st.stop()
events = read(lambda s: event_service.list_events(s, actor=user, network_id=network_id))
titles = {e.id: f"{e.title} · {e.start_date:%d %b %Y}" for e in events}
event_id = st.selectbox(
    "Event (optional: challenges and groups of one event)",
    list(titles),
    index=None,
    format_func=titles.get,
    placeholder="The whole network",
    key="cc_event",
)
sessions = (
    read(lambda s: event_service.list_sessions(s, actor=user, event_id=event_id))
    if event_id
    else []
)
plenary = {r.id: r.title for r in sessions}

challenges = read(
    lambda s: challenge_service.list_challenges(
        s, actor=user, network_id=network_id, event_id=event_id
    )
)
groups = read(lambda s: group_service.list_common_challenges(s, actor=user, network_id=network_id))
if not challenges and not groups:
    empty_state(
        "No challenges recorded yet: the tandems record them under **Challenges** or post "
        "them from their phones on the challenge wall of a live session."
    )
    st.stop()

loose = [c for c in challenges if c.common_challenge_id is None]
group_tab, groups_tab, charts_tab, votes_tab = st.tabs(
    [
        f"Group challenges ({len(loose)} ungrouped)",
        f"Common challenges ({len(groups)})",
        "Charts",
        "Votes",
    ]
)

with group_tab:
    if not loose:
        empty_state("Every challenge is in a common challenge.")
    else:
        picked = st.dataframe(
            pd.DataFrame(
                {
                    "Challenge": [c.text for c in loose],
                    "Tandem": [c.tandem_name for c in loose],
                    "City": [c.city_name or "" for c in loose],
                    "Category": [c.category_name or "" for c in loose],
                    "Theme": [c.theme_name or "" for c in loose],
                }
            ),
            hide_index=True,
            width="stretch",
            on_select="rerun",
            selection_mode="multi-row",
            # Row numbers are the selection: another event lists other rows.
            key=versioned_key(LOOSE) + (f"_event{event_id}" if event_id else ""),
        )
        chosen = [loose[n].id for n in picked.selection.rows] if picked else []
        st.caption(f"{len(chosen)} selected: tick the rows to group.")
        categories = read(lambda s: net.list_categories(s, actor=user))
        group_form(user, network_id, chosen, groups, categories, plenary)

with groups_tab:
    if not groups:
        empty_state("No common challenges yet: group challenges in the first tab.")
    else:
        group_list(user, groups)
        left, right = st.columns(2)
        with left:
            rename_form(user, groups)
        with right:
            merge_form(user, groups)

with charts_tab:
    by_category = read(
        lambda s: by_category_and_tandem(s, actor=user, network_id=network_id, event_id=event_id)
    )
    by_theme = read(
        lambda s: by_theme_and_city(s, actor=user, network_id=network_id, event_id=event_id)
    )
    if by_category.empty:
        empty_state("No challenges to chart for this choice.")
    else:
        st.subheader("Challenges by category of need, per tandem", anchor=False)
        st.altair_chart(category_bars(by_category), width="stretch")
        st.subheader("Themes × cities", anchor=False)
        st.altair_chart(theme_city_heatmap(by_theme), width="stretch")

with votes_tab:
    totals = read(lambda s: group_service.vote_totals(s, actor=user, network_id=network_id))
    if not any(t.dots for t in totals):
        empty_state("No votes yet: run dot-voting from **Run live** during the plenary.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Rank": range(1, len(totals) + 1),
                    "Common challenge": [t.name for t in totals],
                    "Dots": [t.dots for t in totals],
                    "Voters": [t.voters for t in totals],
                    "Cities": [t.cities for t in totals],
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "Dots": st.column_config.ProgressColumn(
                    format="%d", min_value=0, max_value=max(t.dots for t in totals)
                )
            },
        )
