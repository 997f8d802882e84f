"""The network itself: its cities and their roles, tandems, themes and categories."""

from datetime import date

import pandas as pd
import streamlit as st

from peerlearn.models import (
    CityCreate,
    MembershipCreate,
    Role,
    TandemCreate,
    TandemUpdate,
    UserRole,
)
from peerlearn.services import network as net
from peerlearn.services import tandems as tandem_service
from peerlearn.ui.auth import require_user
from peerlearn.ui.network_forms import (
    GRID_NEAR,
    named_items,
    network_form,
    networks_tab,
    renamed_near,
    restore_form,
)
from peerlearn.ui.widgets import (
    FORGET,
    empty_state,
    new_version,
    pick,
    pick_network,
    plain,
    prefill,
    read,
    refill,
    save,
    versioned_key,
)

user = require_user(UserRole.COORDINATOR)
st.title("Network")
st.caption("Cities and their roles, tandems, and the themes and categories of need.")

network_id = pick_network(user, key="net_network")
if network_id is None:
    empty_state("There is no network yet. Add the first one: its name is enough to start.")
    network_form(user)
    st.stop()

ROLES = [r.value for r in Role]
CITIES_EDITOR = "net_cities_editor"
# The add-city form starts empty again once the city is added (the role stays).
CITY_FIELDS = {
    "net_city_name": "",
    "net_city_country": "",
    "net_lat": None,
    "net_lon": None,
    "net_city_new": False,
}
UNCHANGED = "Nothing to change: the table is as stored."


def cities_saved(result) -> str:
    n = result.added + result.updated
    return f"{n} {'city' if n == 1 else 'cities'} saved" if n else UNCHANGED


cities_tab, tandems_tab, vocab_tab, all_networks_tab = st.tabs(
    ["Cities", "Tandems", "Themes & categories", "Networks"]
)

with cities_tab:
    every_city = read(
        lambda s: net.list_cities(s, actor=user, network_id=network_id, include_archived=True)
    )
    cities = [c for c in every_city if c.city.archived_at is None]
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
                "joined": [c.joined_on for c in cities],
            }
        )
        st.caption(
            f"{len(cities)} cities. Edit names, countries and coordinates in the table, "
            "then save: every row is checked first, and a bad row is named by its city."
        )
        with st.form("net_cities_form"):
            edited = st.data_editor(
                frame,
                hide_index=True,
                width="stretch",
                disabled=["id", "role", "joined"],
                column_config={
                    "id": st.column_config.NumberColumn("Id", width="small"),
                    "name": st.column_config.TextColumn("Name", width="medium"),
                    "country": st.column_config.TextColumn("Country", width="medium"),
                    "latitude": st.column_config.NumberColumn(
                        "Latitude", format="%.4f", min_value=-90.0, max_value=90.0
                    ),
                    "longitude": st.column_config.NumberColumn(
                        "Longitude", format="%.4f", min_value=-180.0, max_value=180.0
                    ),
                    "role": st.column_config.TextColumn(
                        "Role", help="Change it under Role, membership, archive."
                    ),
                    "joined": st.column_config.DateColumn(
                        "Joined",
                        format="DD.MM.YYYY",
                        help="Change it under Role, membership, archive.",
                    ),
                },
                key=versioned_key(CITIES_EDITOR),
                placeholder="–",  # a city without coordinates
            )
            save_cities = st.form_submit_button("Save changes")
        rows = edited.drop(columns=["role", "joined"]).to_dict("records")

        def save_grid() -> None:
            save(
                lambda s: net.bulk_update_cities(s, actor=user, rows=rows),
                success=cities_saved,
                reset=new_version(CITIES_EDITOR) | {GRID_NEAR: None},
            )

        if save_cities:
            near = renamed_near(user, frame, edited)
            st.session_state[GRID_NEAR] = (network_id, near) if near else None
            if edited.equals(frame):
                st.info(UNCHANGED, icon=":material/info:")
            elif not near:
                save_grid()
        asked = st.session_state.get(GRID_NEAR)
        if asked and asked[0] == network_id:
            st.warning(plain(asked[1]), icon=":material/help:")
            if st.button("Save the renamed cities anyway", key="net_cities_anyway"):
                save_grid()
    left, right = st.columns(2)
    with left, st.expander("Add a city", expanded=not cities), st.form("net_add_city"):
        name = st.text_input("Name", key="net_city_name")
        country = st.text_input("Country", key="net_city_country")
        lat, lon = st.columns(2)
        latitude = lat.number_input("Latitude", -90.0, 90.0, None, format="%.4f", key="net_lat")
        longitude = lon.number_input("Longitude", -180.0, 180.0, None, format="%.4f", key="net_lon")
        role = st.selectbox(
            "Role in the network", ROLES, index=ROLES.index("member"), key="net_city_role"
        )
        new_city = st.checkbox(
            "It is a new city, not a stored one spelled otherwise",
            key="net_city_new",
            help="peerlearn suggests a stored city when the name is close to one or "
            "another language's name for one (München for Munich).",
        )
        added = st.form_submit_button("Add city", type="primary")
        near = []
        if added and not new_city:
            near = read(lambda s: net.near_cities(s, actor=user, name=name, country=country))
        if near:
            meant = " or ".join(o.label for o in near)
            st.warning(
                plain(
                    f"Did you mean {meant}? It is stored already, so nothing was added. "
                    "If this is another city, tick “It is a new city” and add it again."
                ),
                icon=":material/help:",
            )
        elif added:

            def add(session):
                city = net.add_city(
                    session,
                    actor=user,
                    data=CityCreate(
                        name=name, country=country, latitude=latitude, longitude=longitude
                    ),
                )
                net.set_membership(
                    session,
                    actor=user,
                    data=MembershipCreate(network_id=network_id, city_id=city.id, role=role),
                )
                return city

            save(add, success="City added", reset=CITY_FIELDS | new_version(CITIES_EDITOR))
    if cities:
        labels = {c.city.id: f"{c.city.name} ({c.city.country})" for c in cities}
        with right, st.expander("Role, membership, archive"):
            city_id = pick("City", list(labels), key="net_role_city", format_func=labels.get)
            member = next(c for c in cities if c.city.id == city_id)
            prefill(
                "net_city_role",
                city_id,
                {
                    "net_role_role": member.role or "member",
                    "net_role_joined": member.joined_on,
                    "net_role_action": "Set the role",
                },
            )
            with st.form("net_city_role"):
                new_role = st.selectbox("Role", ROLES, key="net_role_role")
                joined = st.date_input(
                    "Joined the network on",
                    min_value=date(1950, 1, 1),
                    format="DD.MM.YYYY",
                    key="net_role_joined",
                    help="Kept with the role; blank when not known.",
                )
                action = st.radio(
                    "Do",
                    ["Set the role", "Remove from this network", "Archive the city"],
                    horizontal=True,
                    key="net_role_action",
                )
                apply = st.form_submit_button("Apply")
            gone = refill("net_city_role") | {"net_role_city": FORGET}
            gone |= new_version(CITIES_EDITOR)
            if apply and action == "Set the role":
                save(
                    lambda s: net.set_membership(
                        s,
                        actor=user,
                        data=MembershipCreate(
                            network_id=network_id, city_id=city_id, role=new_role, joined_on=joined
                        ),
                    ),
                    success="Role saved",
                    reset=refill("net_city_role") | new_version(CITIES_EDITOR),
                )
            elif apply and action == "Remove from this network":
                save(
                    lambda s: net.remove_membership(
                        s, actor=user, network_id=network_id, city_id=city_id
                    ),
                    success="Removed from the network",
                    reset=gone,
                )
            elif apply:
                save(
                    lambda s: net.archive_city(s, actor=user, city_id=city_id),
                    success="City archived",
                    reset=gone,
                )
    restore_form(
        "net_restore_city",
        "Archived cities of this network",
        {
            c.city.id: f"{c.city.name} ({c.city.country})"
            for c in every_city
            if c.city.archived_at is not None
        },
        lambda s, ident: net.restore_city(s, actor=user, city_id=ident),
        success="City restored",
    )

with tandems_tab:
    every_tandem = read(
        lambda s: tandem_service.list_tandems(
            s, actor=user, network_id=network_id, include_archived=True
        )
    )
    tandems = [t for t in every_tandem if t.tandem.archived_at is None]
    members = read(lambda s: net.list_cities(s, actor=user, network_id=network_id))
    themes = read(lambda s: net.list_themes(s, actor=user, include_archived=True))
    theme_names = {t.id: t.name for t in themes if t.archived_at is None}
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
    theme_options = dict(theme_names)
    if current and current.tandem.theme_id and current.tandem.theme_id not in theme_options:
        # An archived theme stays the tandem's until someone picks another.
        theme_options[current.tandem.theme_id] = f"{current.theme_name} (archived)"
    # The form starts from the chosen tandem's stored values (empty for a new one),
    # and again whenever another tandem is chosen.
    prefill(
        "net_tandem",
        chosen,
        {
            "net_tandem_name": current.tandem.name if current else "",
            "net_tandem_cities": [c.id for c in current.cities if c.id in city_names]
            if current
            else [],
            "net_tandem_theme": current.tandem.theme_id if current else None,
            "net_tandem_deadline": current.tandem.deadline if current else None,
            "net_tandem_description": current.tandem.description if current else "",
        }
        # Only keys of widgets drawn on every run: a missing one means "fill again".
        | ({"net_tandem_archive": False} if current else {}),
    )
    with st.form("net_tandem_form"):
        st.markdown("**Edit the tandem**" if current else "**Add a tandem**")
        t_name = st.text_input("Name", key="net_tandem_name")
        t_cities = st.multiselect(
            "Cities (two or more)",
            list(city_names),
            format_func=city_names.get,
            key="net_tandem_cities",
        )
        t_theme = st.selectbox(
            "Theme",
            list(theme_options),
            index=None,
            format_func=theme_options.get,
            placeholder="No theme",
            key="net_tandem_theme",
        )
        t_deadline = st.date_input(
            "Deadline", value=None, format="DD.MM.YYYY", key="net_tandem_deadline"
        )
        t_text = st.text_area("Description", key="net_tandem_description")
        archive = st.checkbox("Archive this tandem", key="net_tandem_archive") if current else False
        submitted = st.form_submit_button(
            "Save tandem" if current else "Add tandem", type="primary"
        )
    if submitted:
        fields = dict(
            name=t_name,
            city_ids=t_cities,
            theme_id=t_theme,
            deadline=t_deadline,
            description=t_text,
        )
        if current and archive:
            save(
                lambda s: tandem_service.archive_tandem(s, actor=user, tandem_id=current.tandem.id),
                success="Tandem archived",
                reset=refill("net_tandem") | {"net_tandem_pick": FORGET},
            )
        elif current:
            save(
                lambda s: tandem_service.update_tandem(
                    s, actor=user, tandem_id=current.tandem.id, data=TandemUpdate(**fields)
                ),
                success="Tandem saved",
                reset=refill("net_tandem"),
            )
        else:
            save(
                lambda s: tandem_service.add_tandem(
                    s, actor=user, data=TandemCreate(network_id=network_id, **fields)
                ),
                success="Tandem added",
                reset=refill("net_tandem"),
            )
    restore_form(
        "net_restore_tandem",
        "Archived tandems",
        {t.tandem.id: t.tandem.name for t in every_tandem if t.tandem.archived_at is not None},
        lambda s, ident: tandem_service.restore_tandem(s, actor=user, tandem_id=ident),
        success="Tandem restored",
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
            net.restore_theme,
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
            net.restore_category,
        )

with all_networks_tab:
    networks_tab(user)
