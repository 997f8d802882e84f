"""The network itself: its cities and their roles, tandems, themes and categories."""

import pandas as pd
import streamlit as st

from peerlearn.models import Role, UserRole
from peerlearn.services import network as net
from peerlearn.services import tandems as tandem_service
from peerlearn.ui.auth import require_user
from peerlearn.ui.network_forms import named_items, network_form
from peerlearn.ui.widgets import act, empty_state, pick, pick_network, read

user = require_user(UserRole.COORDINATOR)
st.title("Network")
st.caption("Cities and their roles, tandems, and the themes and categories of need.")

network_id = pick_network(user, key="net_network")
if network_id is None:
    empty_state("There is no network yet. Add the first one: its name is enough to start.")
    network_form(user)
    st.stop()

ROLES = [r.value for r in Role]
cities_tab, tandems_tab, vocab_tab, networks_tab = st.tabs(
    ["Cities", "Tandems", "Themes & categories", "Networks"]
)

with cities_tab:
    cities = read(lambda s: net.list_cities(s, actor=user, network_id=network_id))
    if not cities:
        empty_state("This network has no cities yet: add the first one below.")
    else:
        frame = pd.DataFrame(
            {
                "id": [c.city.id for c in cities],
                "name": [c.city.name for c in cities],
                "country": [c.city.country for c in cities],
                "latitude": [c.city.latitude for c in cities],
                "longitude": [c.city.longitude for c in cities],
                "role": [c.role for c in cities],
            }
        )
        st.caption(
            f"{len(cities)} cities. Edit names, countries and coordinates in the table, "
            "then save: every row is checked first, and a bad row is named."
        )
        with st.form("net_cities_form"):
            edited = st.data_editor(
                frame,
                hide_index=True,
                width="stretch",
                disabled=["id", "role"],
                column_config={
                    "id": st.column_config.NumberColumn("id", width="small"),
                    "latitude": st.column_config.NumberColumn(format="%.4f", min_value=-90.0),
                    "longitude": st.column_config.NumberColumn(format="%.4f", min_value=-180.0),
                },
                key="net_cities_editor",
            )
            if st.form_submit_button("Save changes"):
                rows = edited.drop(columns=["role"]).to_dict("records")
                act(
                    lambda s: net.bulk_update_cities(s, actor=user, rows=rows),
                    success="Cities saved",
                )
    left, right = st.columns(2)
    with left, st.expander("Add a city", expanded=not cities), st.form("net_add_city"):
        name = st.text_input("Name", key="net_city_name")
        country = st.text_input("Country", key="net_city_country")
        lat, lon = st.columns(2)
        latitude = lat.number_input("Latitude", -90.0, 90.0, None, format="%.4f", key="net_lat")
        longitude = lon.number_input("Longitude", -180.0, 180.0, None, format="%.4f", key="net_lon")
        role = st.selectbox("Role in the network", ROLES, index=ROLES.index("member"))
        if st.form_submit_button("Add city", type="primary"):

            def add(session):
                city = net.add_city(
                    session,
                    actor=user,
                    name=name,
                    country=country,
                    latitude=latitude,
                    longitude=longitude,
                )
                net.set_membership(
                    session, actor=user, network_id=network_id, city_id=city.id, role=role
                )
                return city

            act(add, success="City added")
    if cities:
        labels = {c.city.id: f"{c.city.name} ({c.city.country})" for c in cities}
        with right, st.expander("Role, membership, archive"), st.form("net_city_role"):
            city_id = st.selectbox(
                "City", list(labels), format_func=labels.get, key="net_role_city"
            )
            new_role = st.selectbox("Role", ROLES, key="net_role_role")
            action = st.radio(
                "Do",
                ["Set the role", "Remove from this network", "Archive the city"],
                horizontal=True,
                key="net_role_action",
            )
            if st.form_submit_button("Apply"):
                if action == "Set the role":
                    act(
                        lambda s: net.set_membership(
                            s, actor=user, network_id=network_id, city_id=city_id, role=new_role
                        ),
                        success="Role saved",
                    )
                elif action == "Remove from this network":
                    act(
                        lambda s: net.remove_membership(
                            s, actor=user, network_id=network_id, city_id=city_id
                        ),
                        success="Removed from the network",
                    )
                else:
                    act(
                        lambda s: net.archive_city(s, actor=user, city_id=city_id),
                        success="City archived",
                    )

with tandems_tab:
    tandems = read(lambda s: tandem_service.list_tandems(s, actor=user, network_id=network_id))
    members = read(lambda s: net.list_cities(s, actor=user, network_id=network_id))
    themes = read(lambda s: net.list_themes(s, actor=user))
    theme_names = {t.id: t.name for t in themes}
    city_names = {c.city.id: f"{c.city.name} ({c.city.country})" for c in members}
    if tandems:
        st.dataframe(
            pd.DataFrame(
                {
                    "Tandem": [t.tandem.name for t in tandems],
                    "Cities": [", ".join(t.city_names) for t in tandems],
                    "Theme": [t.theme_name or "" for t in tandems],
                    "Deadline": [t.tandem.deadline for t in tandems],
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={"Deadline": st.column_config.DateColumn(format="DD MMM YYYY")},
        )
    else:
        empty_state("No tandems yet: pair two or more of the network's cities below.")
    chosen = None
    if tandems:
        options = {t.tandem.id: t.tandem.name for t in tandems}
        chosen = pick(
            "Edit a tandem",
            list(options),
            key="net_tandem_pick",
            format_func=options.get,
            allow_none=True,
            placeholder="or add a new one",
        )
    current = next((t for t in tandems if t.tandem.id == chosen), None)
    with st.form("net_tandem_form"):
        st.markdown("**Edit the tandem**" if current else "**Add a tandem**")
        t_name = st.text_input(
            "Name", value=current.tandem.name if current else "", key="net_tandem_name"
        )
        t_cities = st.multiselect(
            "Cities (two or more)",
            list(city_names),
            default=[c.id for c in current.cities if c.id in city_names] if current else [],
            format_func=city_names.get,
            key="net_tandem_cities",
        )
        theme_ids = list(theme_names)
        t_theme = st.selectbox(
            "Theme",
            theme_ids,
            index=theme_ids.index(current.tandem.theme_id)
            if current and current.tandem.theme_id in theme_ids
            else None,
            format_func=theme_names.get,
            placeholder="No theme",
            key="net_tandem_theme",
        )
        t_deadline = st.date_input(
            "Deadline",
            value=current.tandem.deadline if current else None,
            format="DD.MM.YYYY",
            key="net_tandem_deadline",
        )
        t_text = st.text_area(
            "Description",
            value=current.tandem.description if current else "",
            key="net_tandem_description",
        )
        archive = st.checkbox("Archive this tandem", key="net_tandem_archive") if current else False
        if st.form_submit_button("Save tandem" if current else "Add tandem", type="primary"):
            fields = dict(
                name=t_name,
                city_ids=t_cities,
                theme_id=t_theme,
                deadline=t_deadline,
                description=t_text,
            )
            if current and archive:
                act(
                    lambda s: tandem_service.archive_tandem(
                        s, actor=user, tandem_id=current.tandem.id
                    ),
                    success="Tandem archived",
                )
            elif current:
                act(
                    lambda s: tandem_service.update_tandem(
                        s, actor=user, tandem_id=current.tandem.id, **fields
                    ),
                    success="Tandem saved",
                )
            else:
                act(
                    lambda s: tandem_service.add_tandem(
                        s, actor=user, network_id=network_id, **fields
                    ),
                    success="Tandem added",
                )

with vocab_tab:
    left, right = st.columns(2)
    with left:
        named_items(
            user,
            "theme",
            "Themes",
            net.list_themes,
            net.add_theme,
            net.update_theme,
            net.archive_theme,
        )
    with right:
        named_items(
            user,
            "category",
            "Categories of need",
            net.list_categories,
            net.add_category,
            net.update_category,
            net.archive_category,
        )

with networks_tab:
    networks = read(lambda s: net.list_networks(s, actor=user))
    st.dataframe(
        pd.DataFrame(
            {"Network": [n.name for n in networks], "About": [n.description for n in networks]}
        ),
        hide_index=True,
        width="stretch",
    )
    network_form(user)
