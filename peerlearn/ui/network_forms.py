"""Forms of the Network screen that repeat: a network, and named lists (themes,
categories of need) that share one shape: name, description, archive."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from peerlearn.models import User
from peerlearn.services import network as net
from peerlearn.ui.widgets import act, read


def network_form(user: User) -> None:
    with st.form("net_add_network"):
        st.markdown("**Add a network**")
        name = st.text_input("Name", key="net_network_name")
        about = st.text_area("About", key="net_network_about")
        if st.form_submit_button("Add network", type="primary"):
            act(
                lambda s: net.add_network(s, actor=user, name=name, description=about),
                success="Network added",
            )


def named_items(
    user: User,
    kind: str,
    title: str,
    list_items: Callable,
    add: Callable,
    update: Callable,
    archive: Callable,
) -> None:
    """List, add, rename or archive the items of one vocabulary (``kind``: theme, category)."""
    st.subheader(title, anchor=False)
    items = read(lambda s: list_items(s, actor=user))
    if items:
        st.dataframe(
            pd.DataFrame(
                {"Name": [i.name for i in items], "Description": [i.description for i in items]}
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(f"No {title.lower()} yet.")
    with st.form(f"net_add_{kind}", clear_on_submit=True):
        name = st.text_input("Name", key=f"net_{kind}_name")
        about = st.text_input("Description", key=f"net_{kind}_about")
        if st.form_submit_button(f"Add {kind}"):
            act(
                lambda s: add(s, actor=user, name=name, description=about),
                success=f"{kind.capitalize()} added",
            )
    if not items:
        return
    names = {i.id: i.name for i in items}
    with st.expander(f"Rename or archive a {kind}"), st.form(f"net_edit_{kind}"):
        item_id = st.selectbox(kind.capitalize(), list(names), format_func=names.get)
        new_name = st.text_input("New name (empty: keep)", key=f"net_{kind}_new_name")
        retire = st.checkbox(f"Archive this {kind}", key=f"net_{kind}_archive")
        if st.form_submit_button("Apply"):
            ident = {f"{kind}_id": item_id}
            if retire:
                act(lambda s: archive(s, actor=user, **ident), success="Archived")
            elif new_name.strip():
                act(lambda s: update(s, actor=user, name=new_name, **ident), success="Renamed")
            else:
                st.error("Type a new name, or tick archive.")
