"""Challenges the tandems face: record them, find them by any filter, edit, archive."""

import pandas as pd
import streamlit as st

from peerlearn.models import UserRole
from peerlearn.services import challenges as challenge_service
from peerlearn.services import events as event_service
from peerlearn.services import network as net
from peerlearn.services import tandems as tandem_service
from peerlearn.services.account_views import tandems_of
from peerlearn.services.challenges import PRIORITIES
from peerlearn.ui.auth import require_user
from peerlearn.ui.challenge_forms import challenge_form, edit_challenge
from peerlearn.ui.widgets import empty_state, pick_network, read

user = require_user(UserRole.COORDINATOR, UserRole.FACILITATOR, UserRole.TANDEM)
is_member = user.role == UserRole.TANDEM
st.title("Challenges")
st.caption(
    "What the tandems struggle with, by category of need and theme. "
    + ("Record your tandem's challenges here." if is_member else "Filter, edit, archive.")
)

network_id = pick_network(user, key="ch_network")
if network_id is None:
    empty_state("There is no network yet: a coordinator adds one under **Network**.")
    st.stop()

tandems = read(lambda s: tandem_service.list_tandems(s, actor=user, network_id=network_id))
if is_member:
    mine = {t.id for t in read(lambda s: tandems_of(s, actor=user, user_id=user.id))}
    tandems = [t for t in tandems if t.tandem.id in mine]
if not tandems:
    empty_state(
        "No tandem of yours is in this network."
        if is_member
        else "This network has no tandems yet: a coordinator pairs cities under **Network**."
    )
    st.stop()
cities = read(lambda s: net.list_cities(s, actor=user, network_id=network_id))
categories = read(lambda s: net.list_categories(s, actor=user))
themes = read(lambda s: net.list_themes(s, actor=user))
events = read(lambda s: event_service.list_events(s, actor=user, network_id=network_id))

names = {
    "tandem": {t.tandem.id: t.tandem.name for t in tandems},
    "city": {c.city.id: c.city.name for c in cities},
    "category": {c.id: c.name for c in categories},
    "theme": {t.id: t.name for t in themes},
    "event": {e.id: e.title for e in events},
}

with st.container(border=True):
    row1 = st.columns(3)
    row2 = st.columns(3)
    chosen = {}
    for column, (field, label) in zip(
        row1 + row2[:2],
        [
            ("event", "Event"),
            ("tandem", "Tandem"),
            ("city", "City"),
            ("category", "Category"),
            ("theme", "Theme"),
        ],
        strict=True,
    ):
        chosen[field] = column.selectbox(
            label,
            list(names[field]),
            index=None,
            format_func=names[field].get,
            placeholder="All",
            key=f"ch_filter_{field}",
        )
    search = row2[2].text_input("Text contains", key="ch_filter_text")

rows = read(
    lambda s: challenge_service.list_challenges(
        s,
        actor=user,
        network_id=network_id,
        event_id=chosen["event"],
        tandem_id=chosen["tandem"],
        city_id=chosen["city"],
        category_id=chosen["category"],
        theme_id=chosen["theme"],
        search=search or None,
    )
)
list_tab, add_tab, edit_tab = st.tabs(
    [f"Challenges ({len(rows)})", "Record a challenge", "Edit or archive"]
)
with list_tab:
    if rows:
        st.dataframe(
            pd.DataFrame(
                {
                    "Challenge": [r.text for r in rows],
                    "Tandem": [r.tandem_name for r in rows],
                    "City": [r.city_name or "" for r in rows],
                    "Category": [r.category_name or "" for r in rows],
                    "Theme": [r.theme_name or "" for r in rows],
                    "Priority": [PRIORITIES.get(r.priority, "") for r in rows],
                    "Session": [r.session_title or "" for r in rows],
                    "Grouped": [r.common_challenge_id is not None for r in rows],
                }
            ),
            hide_index=True,
            width="stretch",
            # Pixel widths: text, tandem, city, category, theme and priority fit a
            # 1400 px screen; the session and "grouped" scroll in from the right.
            column_config={
                "Challenge": st.column_config.TextColumn(width=300),
                "Tandem": st.column_config.TextColumn(width=170),
                "City": st.column_config.TextColumn(width=90),
                "Category": st.column_config.TextColumn(width=150),
                "Theme": st.column_config.TextColumn(width=150),
                "Priority": st.column_config.TextColumn(width=70),
                "Session": st.column_config.TextColumn(width="medium"),
                "Grouped": st.column_config.CheckboxColumn(width="small"),
            },
        )
    else:
        empty_state(
            "No challenge matches these filters."
            if any(chosen.values()) or search
            else "No challenges yet: record the first one in the next tab."
        )
with add_tab:
    sessions = (
        read(lambda s: event_service.list_sessions(s, actor=user, event_id=chosen["event"]))
        if chosen["event"]
        else []
    )
    if not chosen["event"]:
        st.caption("Choose an event in the filters to link the challenge to one of its sessions.")
    challenge_form(user, tandems, names, {r.id: r.title for r in sessions})
with edit_tab:
    if rows:
        edit_challenge(user, rows, names)
    else:
        empty_state("Nothing to edit with these filters.")
