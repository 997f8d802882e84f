"""Forms of the Network screen that repeat: networks, and named lists (themes,
categories of need) that share one shape: name, description, archive, restore."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st
from sqlmodel import Session

from peerlearn.models import (
    CategoryCreate,
    CategoryUpdate,
    NetworkCreate,
    NetworkUpdate,
    ThemeCreate,
    ThemeUpdate,
    User,
)
from peerlearn.services import network as net
from peerlearn.ui.widgets import FORGET, pick, prefill, read, refill, save

# The input models (create, update) of each vocabulary these forms edit.
INPUTS = {
    "network": (NetworkCreate, NetworkUpdate),
    "theme": (ThemeCreate, ThemeUpdate),
    "category": (CategoryCreate, CategoryUpdate),
}


def network_form(user: User) -> None:
    with st.form("net_add_network"):
        st.markdown("**Add a network**")
        name = st.text_input("Name", key="net_network_name")
        about = st.text_area("About", key="net_network_about")
        if st.form_submit_button("Add network", type="primary"):
            save(
                lambda s: net.add_network(
                    s, actor=user, data=NetworkCreate(name=name, description=about)
                ),
                success="Network added",
                reset={"net_network_name": "", "net_network_about": ""},
            )


def restore_form(
    key: str,
    title: str,
    archived: dict[int, str],
    restore: Callable[[Session, int], object],
    *,
    success: str = "Restored",
) -> None:
    """An expander listing archived rows (``archived``: id → label), one to restore."""
    if not archived:
        return
    with st.expander(f"{title} ({len(archived)})", icon=":material/inventory_2:"), st.form(key):
        chosen = st.selectbox(
            "Archived", list(archived), format_func=archived.get, key=f"{key}_pick"
        )
        if st.form_submit_button("Restore", icon=":material/unarchive:"):
            save(
                lambda s: restore(s, chosen),
                success=success,
                reset={f"{key}_pick": FORGET},
            )


def edit_named(
    user: User,
    kind: str,
    items: list,
    update: Callable,
    archive: Callable,
    *,
    about_label: str = "Description",
) -> None:
    """Rename a theme, category or network, change its description, or archive it;
    the fields start from the chosen one's stored values."""
    names = {i.id: i.name for i in items}
    item_id = pick(kind.capitalize(), list(names), key=f"net_{kind}_pick", format_func=names.get)
    item = next(i for i in items if i.id == item_id)
    form = f"net_edit_{kind}"
    prefill(
        form,
        item.id,
        {
            f"net_{kind}_new_name": item.name,
            f"net_{kind}_new_about": item.description or "",
            f"net_{kind}_archive": False,
        },
    )
    with st.form(form):
        new_name = st.text_input("Name", key=f"net_{kind}_new_name")
        new_about = st.text_area(about_label, key=f"net_{kind}_new_about", height=80)
        retire = st.checkbox(f"Archive this {kind}", key=f"net_{kind}_archive")
        if st.form_submit_button("Save", type="primary"):
            ident = {f"{kind}_id": item.id}
            if retire:
                save(
                    lambda s: archive(s, actor=user, **ident),
                    success=f"{kind.capitalize()} archived",
                    reset=refill(form) | {f"net_{kind}_pick": FORGET},
                )
            else:
                save(
                    lambda s: update(
                        s,
                        actor=user,
                        data=INPUTS[kind][1](name=new_name, description=new_about),
                        **ident,
                    ),
                    success=f"{kind.capitalize()} saved",
                    reset=refill(form),
                )


def named_items(
    user: User,
    kind: str,
    title: str,
    list_items: Callable,
    add: Callable,
    update: Callable,
    archive: Callable,
    restore: Callable,
) -> None:
    """List, add, rename, archive or restore the items of one vocabulary (``kind``:
    theme, category)."""
    st.subheader(title, anchor=False)
    every = read(lambda s: list_items(s, actor=user, include_archived=True))
    items = [i for i in every if i.archived_at is None]
    if items:
        st.dataframe(
            pd.DataFrame(
                {"Name": [i.name for i in items], "Description": [i.description for i in items]}
            ),
            hide_index=True,
            width="stretch",
            column_config={"Description": st.column_config.TextColumn(width="large")},
        )
    else:
        st.caption(f"No {title.lower()} yet.")
    with st.expander(f"Add a {kind}"), st.form(f"net_add_{kind}"):
        name = st.text_input("Name", key=f"net_{kind}_name")
        about = st.text_input("Description", key=f"net_{kind}_about")
        if st.form_submit_button(f"Add {kind}", type="primary"):
            save(
                lambda s: add(s, actor=user, data=INPUTS[kind][0](name=name, description=about)),
                success=f"{kind.capitalize()} added",
                reset={f"net_{kind}_name": "", f"net_{kind}_about": ""},
            )
    if items:
        with st.expander(f"Rename or archive a {kind}"):
            edit_named(user, kind, items, update, archive)
    restore_form(
        f"net_restore_{kind}",
        f"Archived {title.lower()}",
        {i.id: i.name for i in every if i.archived_at is not None},
        lambda s, ident: restore(s, actor=user, **{f"{kind}_id": ident}),
        success=f"{kind.capitalize()} restored",
    )


def networks_tab(user: User) -> None:
    """Every network: add, rename or archive one, restore an archived one."""
    every = read(lambda s: net.list_networks(s, actor=user, include_archived=True))
    networks = [n for n in every if n.archived_at is None]
    st.dataframe(
        pd.DataFrame(
            {"Network": [n.name for n in networks], "About": [n.description for n in networks]}
        ),
        hide_index=True,
        width="stretch",
        column_config={"About": st.column_config.TextColumn(width="large")},
    )
    left, right = st.columns(2)
    with left:
        network_form(user)
    with right, st.container(border=True):
        st.markdown("**Rename or archive a network**")
        edit_named(
            user, "network", networks, net.update_network, net.archive_network, about_label="About"
        )
    restore_form(
        "net_restore_network",
        "Archived networks",
        {n.id: n.name for n in every if n.archived_at is not None},
        lambda s, ident: net.restore_network(s, actor=user, network_id=ident),
        success="Network restored",
    )


GRID_NEAR = "net_cities_near"  # (network id, what a renamed city may mean)


def renamed_near(user: User, frame: pd.DataFrame, edited: pd.DataFrame) -> str:
    """What the cities renamed in the grid may mean instead: stored cities they are
    only near (another language's name, a close spelling); empty when none."""
    said = []
    for before, after in zip(frame.itertuples(), edited.itertuples(), strict=True):
        if (before.name, before.country) == (after.name, after.country):
            continue
        near = read(
            lambda s, after=after: net.near_cities(
                s,
                actor=user,
                name=str(after.name or ""),
                country=str(after.country or ""),
                exclude_id=int(after.id),
            )
        )
        if near:
            meant = " or ".join(o.label for o in near)
            said.append(f"Did you mean {meant} for {after.name} ({after.country})?")
    if said:
        said.append("Nothing was saved: correct the table, or save the renamed cities anyway.")
    return " ".join(said)
