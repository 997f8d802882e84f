"""The Imports page's "Did you mean …?": for each row whose city is near a stored one,
the coordinator says whether it is that city or a new one."""

from __future__ import annotations

import streamlit as st

from peerlearn.excel.imports import NEW, ImportPreview
from peerlearn.ui.widgets import plain

DECISIONS = "imp_decisions"


def decisions(key: str) -> dict[int, int | str]:
    """What the coordinator decided for the preview ``key`` (row → city id or NEW)."""
    kept = st.session_state.get(DECISIONS)
    return dict(kept[1]) if kept and kept[0] == key else {}


def ask(preview: ImportPreview, key: str) -> None:
    """One choice per row near a stored city; a choice redraws the preview."""
    if not preview.choices:
        return
    st.subheader("Did you mean …?")
    st.caption(
        "These rows name a city close to one stored already. Say for each whether it is "
        "that city (the row then updates it) or a new one. Nothing is imported before."
    )
    chosen = decisions(key)
    for choice in preview.choices:
        options: list[int | str] = [o.city_id for o in choice.options] + [NEW]
        labels = {o.city_id: f"Same city as {o.label} ({o.why})" for o in choice.options}
        labels[NEW] = f"A new city: {choice.label}"
        meant = " or ".join(o.label for o in choice.options)
        picked = st.selectbox(
            plain(f"Row {choice.row}: {choice.label} — is it {meant}?"),
            options,
            index=options.index(choice.chosen) if choice.chosen in options else None,
            format_func=lambda value, labels=labels: labels[value],
            placeholder="Choose: the stored city or a new one",
            key=f"imp_choice_{key}_{choice.row}",
        )
        if picked is not None and picked != choice.chosen:
            chosen[choice.row] = picked
            st.session_state[DECISIONS] = (key, chosen)
            st.rerun()
