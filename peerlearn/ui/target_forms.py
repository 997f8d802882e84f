"""Forms of the Targets screen: add a target, edit or archive one, enter measured values
in a table, withdraw a wrong one."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from peerlearn.charts.targets import amount
from peerlearn.models import TargetCreate, TargetUpdate, User
from peerlearn.rules import Direction
from peerlearn.services import targets as target_service
from peerlearn.services.targets import MeasurementRow, TargetRow
from peerlearn.ui.widgets import FORGET, new_version, plain, prefill, refill, save, versioned_key

DIRECTIONS = [d.value for d in Direction]
ENTRY = "tg_entry"
ENTRY_COLUMNS = {"Date": "measured_on", "Value": "value", "Source": "source"}
ADD_FIELDS = {
    "tg_add_owner": None,
    "tg_add_theme": None,
    "tg_add_title": "",
    "tg_add_indicator": "",
    "tg_add_unit": "",
    "tg_add_direction": DIRECTIONS[0],
    "tg_add_baseline": None,
    "tg_add_year": None,
    "tg_add_target": None,
    "tg_add_deadline": None,
    "tg_add_description": "",
}


def _target_fields(prefix: str, cities: dict[int, str], themes: dict[int, str]) -> dict:
    """A target's fields inside a form (keys ``prefix``_title, …), as TargetCreate's."""
    left, right = st.columns(2)
    owner = left.selectbox(
        "Owner",
        list(cities),
        index=None,
        format_func=cities.get,
        placeholder="The network (a shared goal)",
        key=f"{prefix}_owner",
    )
    theme = right.selectbox(
        "Theme",
        list(themes),
        index=None,
        format_func=themes.get,
        placeholder="None",
        key=f"{prefix}_theme",
    )
    title = st.text_input("Target", placeholder="Cut CO2 emissions", key=f"{prefix}_title")
    left, mid, right = st.columns([2, 1, 1])
    indicator = left.text_input("Indicator", placeholder="CO2 emissions", key=f"{prefix}_indicator")
    unit = mid.text_input("Unit", placeholder="t CO2 per year", key=f"{prefix}_unit")
    direction = right.selectbox("Direction", DIRECTIONS, key=f"{prefix}_direction")
    left, mid, right, last = st.columns(4)
    baseline = left.number_input("Baseline", value=None, format="%g", key=f"{prefix}_baseline")
    year = mid.number_input(
        "Baseline year", value=None, min_value=1900, max_value=2200, step=1, key=f"{prefix}_year"
    )
    target = right.number_input("Target value", value=None, format="%g", key=f"{prefix}_target")
    deadline = last.date_input(
        "Deadline", value=None, format="DD.MM.YYYY", key=f"{prefix}_deadline"
    )
    about = st.text_area("Description", key=f"{prefix}_description", height=80)
    return {
        "city_id": owner,
        "theme_id": theme,
        "title": title,
        "indicator": indicator,
        "unit": unit,
        "direction": direction,
        "baseline_value": baseline,
        "baseline_year": year,
        "target_value": target,
        "deadline": deadline,
        "description": about,
    }


def _unfilled(fields: dict) -> str | None:
    """What a person must still fill in, said before the input model's wording."""
    needed = {
        "baseline_value": "the baseline",
        "baseline_year": "the baseline year",
        "target_value": "the target value",
        "deadline": "the deadline",
    }
    missing = [label for field, label in needed.items() if fields[field] is None]
    return f"Give {', '.join(missing)}." if missing else None


def add_target_form(
    user: User, network_id: int, cities: dict[int, str], themes: dict[int, str]
) -> None:
    with st.form("tg_add"):
        fields = _target_fields("tg_add", cities, themes)
        if not st.form_submit_button("Add target", type="primary"):
            return
    problem = _unfilled(fields)
    if problem:
        st.error(problem, icon=":material/error:")
        return
    save(
        lambda s: target_service.add_target(
            s, actor=user, data=TargetCreate(network_id=network_id, **fields)
        ),
        success="Target added",
        reset=lambda target: ADD_FIELDS | {"tg_pick": target.id},
    )


def edit_target_form(
    user: User, row: TargetRow, cities: dict[int, str], themes: dict[int, str]
) -> None:
    """Every field of the target, or archive it; the version read guards the save."""
    prefill(
        "tg_edit",
        row.id,
        {
            "tg_edit_owner": row.city_id if row.city_id in cities else None,
            "tg_edit_theme": row.theme_id if row.theme_id in themes else None,
            "tg_edit_title": row.title,
            "tg_edit_indicator": row.indicator,
            "tg_edit_unit": row.unit,
            "tg_edit_direction": row.direction,
            "tg_edit_baseline": row.baseline_value,
            "tg_edit_year": row.baseline_year,
            "tg_edit_target": row.target_value,
            "tg_edit_deadline": row.deadline,
            "tg_edit_description": row.description,
            "tg_edit_archive": False,
            "tg_edit_version": row.version,
        },
    )
    with st.form("tg_edit"):
        fields = _target_fields("tg_edit", cities, themes)
        archive = st.checkbox(
            "Archive this target (it leaves the lists; its measurements stay)",
            key="tg_edit_archive",
        )
        if not st.form_submit_button("Save target", type="primary"):
            return
    if archive:
        save(
            lambda s: target_service.archive_target(s, actor=user, target_id=row.id),
            success="Target archived",
            reset=refill("tg_edit") | {"tg_pick": FORGET},
        )
        return
    problem = _unfilled(fields)
    if problem:
        st.error(problem, icon=":material/error:")
        return
    save(
        lambda s: target_service.update_target(
            s,
            actor=user,
            target_id=row.id,
            data=TargetUpdate(**fields, version=st.session_state["tg_edit_version"]),
        ),
        success="Target saved",
        reset=refill("tg_edit"),
    )


def _measurements(target_id: int, edited: pd.DataFrame) -> list[dict]:
    """The editor's filled rows (the service checks each and names a bad one)."""
    rows = []
    for record in edited.to_dict("records"):
        values = {ENTRY_COLUMNS[k]: v for k, v in record.items() if k in ENTRY_COLUMNS}
        values = {k: None if _blank(v) else v for k, v in values.items()}
        if all(v is None or v == "" for v in values.values()):
            continue  # a row added and left empty
        if isinstance(values.get("measured_on"), pd.Timestamp):
            values["measured_on"] = values["measured_on"].date()
        rows.append({"target_id": target_id, **values})
    return rows


def _blank(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def entry_editor(user: User, row: TargetRow) -> None:
    """Values measured for the target, several at once: all stored, or none."""
    st.caption(
        f"One row per value of {plain(row.indicator)}"
        + (f" in {plain(row.unit)}" if row.unit else "")
        + ", with the day it was measured and where it comes from. All rows are checked "
        "first; a wrong row is named and nothing is stored. Click the empty row to add one."
    )
    empty = pd.DataFrame(
        {
            "Date": pd.Series([], dtype="datetime64[ns]"),
            "Value": pd.Series([], dtype="float"),
            "Source": pd.Series([], dtype="object"),
        }
    )
    with st.form("tg_entry_form"):
        edited = st.data_editor(
            empty,
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            key=versioned_key(ENTRY),
            column_config={
                "Date": st.column_config.DateColumn(
                    "Date", format="DD MMM YYYY", max_value=date.today()
                ),
                "Value": st.column_config.NumberColumn("Value", format="%g"),
                "Source": st.column_config.TextColumn("Source", width="large"),
            },
        )
        if not st.form_submit_button("Save values", type="primary"):
            return
    save(
        lambda s: target_service.add_measurements(
            s, actor=user, rows=_measurements(row.id, edited)
        ),
        success=lambda stored: (
            f"{len(stored)} value{'s' if len(stored) != 1 else ''} saved"
            if stored
            else "Nothing to save: the table is empty."
        ),
        reset=new_version(ENTRY),
    )


def withdraw_form(user: User, row: TargetRow, history: list[MeasurementRow]) -> None:
    """Withdraw a wrong value (``history``: the values not withdrawn): it stays in the
    history, out of the status."""
    live = {m.id: f"{m.measured_on:%d %b %Y} · {amount(m.value, row.unit)}" for m in history}
    if not live:
        return
    with st.form("tg_withdraw"):
        chosen = st.selectbox(
            "A wrong value", list(live), format_func=live.get, key="tg_withdraw_pick"
        )
        if not st.form_submit_button("Withdraw", icon=":material/undo:"):
            return
    save(
        lambda s: target_service.withdraw_measurement(s, actor=user, measurement_id=chosen),
        success="Value withdrawn; enter the right one above.",
        reset={"tg_withdraw_pick": FORGET},
    )
