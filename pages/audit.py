"""Audit trail (coordinators only): who changed what, when, from what to what; an
archived item comes back from here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from peerlearn.audit import ACTIONS
from peerlearn.models import UserRole
from peerlearn.services import audit_trail
from peerlearn.services import users as user_service
from peerlearn.ui.auth import require_user
from peerlearn.ui.widgets import empty_state, read, save

user = require_user(UserRole.COORDINATOR)

st.title("Audit trail")
st.caption(
    "Every change made by someone signed in: who, when, what, and each value before and "
    "after. Passwords and sign-in tokens show only that they changed. Answers, dots and "
    "wall posts from phones are not listed here."
)

listed = read(lambda s: user_service.list_users(s, actor=user))
accounts = {u.user.id: u.user.name or u.user.email for u in listed}
kinds = sorted(set(audit_trail.LABELS.values()))
tables = {
    label: [t for t, shown in audit_trail.LABELS.items() if shown == label] for label in kinds
}

who_col, what_col, action_col = st.columns(3)
who = who_col.selectbox(
    "Who",
    list(accounts),
    index=None,
    format_func=accounts.get,
    placeholder="Anyone",
    key="audit_who",
)
what = what_col.multiselect("What", kinds, placeholder="Everything", key="audit_what")
actions = action_col.multiselect("Change", ACTIONS, placeholder="Any change", key="audit_action")
days_col, search_col = st.columns([1, 2])
days = days_col.date_input("Between", value=(), format="DD/MM/YYYY", key="audit_days")
search = search_col.text_input(
    "Words in the values, or an item's number", key="audit_search", max_chars=200
)
since = days[0] if len(days) >= 1 else None
until = days[1] if len(days) == 2 else since

rows = read(
    lambda s: audit_trail.entries(
        s,
        actor=user,
        user_id=who,
        tables=[t for label in what for t in tables[label]],
        actions=actions,
        since=since,
        until=until,
        search=search,
    ),
    refused=lambda _error: [],
)
if not rows:
    filtered = who is not None or what or actions or days or search
    empty_state(
        "No change matches these filters."
        if filtered
        else "No change recorded yet: changes appear here as people who are signed in "
        "add, edit, archive or delete things."
    )
    st.stop()

shown = "" if len(rows) < audit_trail.LIMIT else f" (the newest {audit_trail.LIMIT})"
st.caption(f"{len(rows)} changes{shown}, newest first.")
st.dataframe(
    pd.DataFrame(
        {
            "When (UTC)": [r.at for r in rows],
            "Who": [r.who for r in rows],
            "What": [r.what for r in rows],
            "Item": [r.row_key for r in rows],
            "Change": [r.action for r in rows],
            "Before → after": [r.summary() for r in rows],
        }
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "When (UTC)": st.column_config.DatetimeColumn(format="DD MMM YYYY, HH:mm:ss"),
        "Item": st.column_config.TextColumn(width="small"),
        "Change": st.column_config.TextColumn(width="small"),
        "Before → after": st.column_config.TextColumn(width="large"),
    },
)

archived = {r.id: r for r in rows if r.restorable}
if archived:
    st.subheader("Restore an archived item")
    entry_id = st.selectbox(
        "Archived",
        list(archived),
        format_func=lambda i: (
            f"{archived[i].what} #{archived[i].row_key}, archived {archived[i].at:%d %b %Y %H:%M}"
            f" by {archived[i].who}"
        ),
        key="audit_restore_pick",
    )
    if st.button("Restore", type="primary", key="audit_restore"):
        save(
            lambda s: audit_trail.restore_archived(s, actor=user, entry_id=entry_id),
            success="Restored",
        )
