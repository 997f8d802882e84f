"""Targets: what the network's cities aim for, ranked by how far off track they are,
by theme, and one target's path, measurements and forms."""

from datetime import date

import pandas as pd
import streamlit as st

from peerlearn.charts.targets import STATUS_ORDER, amount, target_chart, theme_bars
from peerlearn.models import UserRole
from peerlearn.rules import TARGET_MEANING, TargetStatus
from peerlearn.services import network as network_service
from peerlearn.services import targets as target_service
from peerlearn.ui.auth import require_user
from peerlearn.ui.target_forms import add_target_form, edit_target_form, entry_editor, withdraw_form
from peerlearn.ui.target_views import (
    behind_phrase,
    behind_share,
    status_word,
    target_phrase,
    targets_table,
    theme_counts,
    theme_table,
)
from peerlearn.ui.widgets import empty_state, pick, pick_network, plain, read

user = require_user(UserRole.COORDINATOR, UserRole.FACILITATOR, UserRole.TANDEM)
coordinator = user.role == UserRole.COORDINATOR
st.title("Targets")
st.caption(
    "Each target's latest value against the straight path from its baseline to the target "
    "value by its deadline. "
    + "; ".join(f"{s.value.capitalize()}: {TARGET_MEANING[s]}" for s in TargetStatus)
    + "."
)

network_id = pick_network(user, key="tg_network")
if network_id is None:
    empty_state("There is no network yet: a coordinator adds one under **Network**.")
    st.stop()
today = date.today()
rows = target_service.ranked(
    read(lambda s: target_service.list_targets(s, actor=user, network_id=network_id, today=today))
)
cities = {
    c.city.id: c.city.name
    for c in read(lambda s: network_service.list_cities(s, actor=user, network_id=network_id))
}
themes = {t.id: t.name for t in read(lambda s: network_service.list_themes(s, actor=user))}

if any(r.is_example for r in rows):
    st.caption(
        ":material/science: Example data: where the networks' texts give no measured "
        "values, the targets marked as examples carry invented ones for the demo."
    )

tab_names = ["Ranked", "By theme"] + (["Add a target"] if coordinator else [])
tabs = st.tabs(tab_names)
with tabs[0]:
    if rows:
        left, mid, right = st.columns(3)
        theme_filter = left.multiselect(
            "Theme", sorted({r.theme or "No theme" for r in rows}), key="tg_f_theme"
        )
        owner_filter = mid.multiselect(
            "City", sorted({r.owner for r in rows}, key=str.casefold), key="tg_f_city"
        )
        status_filter = right.multiselect(
            "Status", [s.capitalize() for s in STATUS_ORDER], key="tg_f_status"
        )
        shown = [
            r
            for r in rows
            if (not theme_filter or (r.theme or "No theme") in theme_filter)
            and (not owner_filter or r.owner in owner_filter)
            and (not status_filter or status_word(r) in status_filter)
        ]
        if shown:
            targets_table(shown)
            st.caption(
                f"{len(shown)} of {len(rows)} targets, the furthest off track first. "
                "Choose one below to see its chart and measurements."
            )
        else:
            empty_state("No target matches these filters: clear one of them.")
    else:
        empty_state(
            "No targets in this network yet: "
            + (
                "add the first one under **Add a target**."
                if coordinator
                else "a coordinator adds them on this page."
            )
        )
with tabs[1]:
    if rows:
        counts = theme_counts(rows)
        left, right = st.columns(2)
        left.altair_chart(theme_bars(counts), width="stretch")
        right.dataframe(theme_table(counts), hide_index=True, width="stretch")
        right.caption("The chart's numbers: targets per theme by status.")
    else:
        empty_state("No targets yet, so nothing to count by theme.")
if coordinator:
    with tabs[2]:
        st.caption(
            "A target of one city, or a shared goal of the whole network (leave the owner "
            "empty). Its path runs from the baseline at the end of its year to the target "
            "value at the deadline."
        )
        add_target_form(user, network_id, cities, themes)

if not rows:
    st.stop()
st.divider()
labels = {r.id: f"{r.owner} · {r.title} ({status_word(r).lower()})" for r in rows}
target_id = pick("Target", list(labels), key="tg_pick", format_func=labels.get)
row = next(r for r in rows if r.id == target_id)
st.subheader(plain(f"{row.owner}: {row.title}"), anchor=False)
if row.is_example:
    st.caption(":material/science: Example data: this target's values are invented for the demo.")
facts = st.columns([2, 1, 1])
facts[0].metric(
    "Status",
    status_word(row),
    TARGET_MEANING[TargetStatus(row.status)] if row.status else "enter the first value",
    delta_color="gray",
    delta_arrow="off",
)
facts[1].metric(
    "Latest value",
    amount(row.latest_value),
    f"{row.latest_on:%d %b %Y}" if row.latest_on else "none yet",
    delta_color="gray",
    delta_arrow="off",
)
facts[2].metric(
    "Behind the path",
    behind_share(row),
    behind_phrase(row),
    delta_color="gray",
    delta_arrow="off",
    help="How far the latest value is behind the straight path, as a share of the whole "
    "way from the baseline to the target value.",
)
meta = [
    f"Indicator: {row.indicator}" + (f" ({row.unit})" if row.unit else ""),
    f"Baseline: {amount(row.baseline_value, row.unit)} in {row.baseline_year}",
    f"Target: {target_phrase(row)}",
]
if row.theme:
    meta.append(f"Theme: {row.theme}")
st.caption(plain(" · ".join(meta)))
if row.description:
    st.text(row.description)

history = read(lambda s: target_service.target_history(s, actor=user, target_id=row.id))
live = [m for m in history if m.archived_at is None]
measured = pd.DataFrame(
    {"measured_on": [m.measured_on for m in live], "value": [m.value for m in live]}
)
st.altair_chart(target_chart(row, measured), width="stretch")
st.caption(
    "Dashed: the straight path from the baseline to the target value at the deadline; "
    f"points: the measured values, in the status colour ({status_word(row).lower()}). "
    "The same values are listed under Measurements."
)

measure_tab, entry_tab, *edit_tab = st.tabs(
    ["Measurements", "Enter values"] + (["Edit target"] if coordinator else [])
)
with measure_tab:
    if history:
        frame = pd.DataFrame(
            {
                "Date": [m.measured_on for m in history],
                "Value": [amount(m.value, row.unit) for m in history],
                "Source": [m.source for m in history],
                "Entered by": [m.entered_by or "(not recorded)" for m in history],
                "Withdrawn": [
                    "withdrawn" if m.archived_at else ("example" if m.is_example else "")
                    for m in history
                ],
            }
        )
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            column_config={
                "Date": st.column_config.DateColumn(format="DD MMM YYYY", width="small"),
                "Source": st.column_config.TextColumn(width="large"),
                "Withdrawn": st.column_config.TextColumn(
                    "Note", help="Withdrawn values stay in the history, out of the status."
                ),
            },
        )
    else:
        empty_state("No values measured yet: enter the first under **Enter values**.")
allowed = read(lambda s: target_service.may_measure(s, user, row))
with entry_tab:
    if allowed:
        entry_editor(user, row)
        if live:
            st.caption("A wrong value? Withdraw it, then enter the right one.")
            withdraw_form(user, row, live)
    elif user.role == UserRole.FACILITATOR:
        st.caption(
            "Facilitators read the targets; coordinators and the city's tandem enter values."
        )
    elif row.city_id is None:
        st.caption("A network's shared goal is measured by the coordinators.")
    else:
        st.caption(
            plain(
                f"Values for {row.owner} are entered by its tandem's members and the coordinators."
            )
        )
if edit_tab:
    with edit_tab[0]:
        edit_target_form(user, row, cities, themes)
