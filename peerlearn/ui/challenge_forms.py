"""Forms of the Challenges screen: record a challenge, edit or archive one."""

from __future__ import annotations

import streamlit as st

from peerlearn.models import ChallengeCreate, ChallengeUpdate, User
from peerlearn.services import challenges as challenge_service
from peerlearn.services.challenges import PRIORITIES, ChallengeRow
from peerlearn.services.tandems import TandemListing
from peerlearn.ui.widgets import FORGET, save


def _choice(label: str, options: dict, key: str, current=None):
    ids = list(options)
    return st.selectbox(
        label,
        ids,
        index=ids.index(current) if current in ids else None,
        format_func=options.get,
        placeholder="None",
        key=key,
    )


def _priority(key: str, current: int = 2) -> int:
    return st.radio(
        "Priority",
        list(PRIORITIES),
        index=list(PRIORITIES).index(current),
        format_func=PRIORITIES.get,
        horizontal=True,
        key=key,
    )


# Emptied once a challenge is recorded; tandem, city, session and priority stay for
# the next challenge of the same workshop.
ADD_FIELDS = {"ch_add_text": "", "ch_add_category": None, "ch_add_theme": None}


def challenge_form(
    user: User, tandems: list[TandemListing], names: dict[str, dict], sessions: dict[int, str]
) -> None:
    """Record a challenge. The tandem is chosen outside the form, so that the city list
    offers that tandem's own cities; the fields empty only once it is recorded."""
    tandem_names = {t.tandem.id: t.tandem.name for t in tandems}
    left, right = st.columns(2)
    tandem_id = left.selectbox(
        "Tandem", list(tandem_names), format_func=tandem_names.get, key="ch_add_tandem"
    )
    listing = next(t for t in tandems if t.tandem.id == tandem_id)
    cities = {c.id: c.name for c in listing.cities}
    if st.session_state.get("ch_add_city") not in cities:
        st.session_state["ch_add_city"] = None  # a city of the previous tandem
    with right:
        city_id = _choice("City (of the tandem)", cities, "ch_add_city")
    with st.form("ch_add"):
        text = st.text_area("The challenge", max_chars=2000, key="ch_add_text")
        a, b, c = st.columns(3)
        with a:
            category_id = _choice("Category of need", names["category"], "ch_add_category")
        with b:
            theme_id = _choice("Theme", names["theme"], "ch_add_theme")
        with c:
            session_id = _choice("From the session", sessions, "ch_add_session")
        priority = _priority("ch_add_priority")
        if st.form_submit_button("Record challenge", type="primary"):
            save(
                lambda s: challenge_service.add_challenge(
                    s,
                    actor=user,
                    data=ChallengeCreate(
                        tandem_id=tandem_id,
                        text=text,
                        city_id=city_id,
                        category_id=category_id,
                        theme_id=theme_id,
                        session_id=session_id,
                        priority=priority,
                    ),
                ),
                success="Challenge recorded",
                reset=ADD_FIELDS,
            )


def edit_challenge(user: User, rows: list[ChallengeRow], names: dict[str, dict]) -> None:
    labels = {r.id: f"{r.tandem_name}: {r.text[:90]}" for r in rows}
    challenge_id = st.selectbox(
        "Challenge", list(labels), format_func=labels.get, key="ch_edit_pick"
    )
    row = next(r for r in rows if r.id == challenge_id)
    # The version the fields below were first drawn from: a save over a newer one is
    # refused. It moves on with each save made here.
    version = st.session_state.setdefault(f"ch_edit_version_{row.id}", row.version)
    with st.form(f"ch_edit_{row.id}"):
        text = st.text_area("The challenge", value=row.text, key=f"ch_edit_text_{row.id}")
        a, b = st.columns(2)
        with a:
            category_id = _choice(
                "Category of need", names["category"], f"ch_edit_cat_{row.id}", row.category_id
            )
        with b:
            theme_id = _choice("Theme", names["theme"], f"ch_edit_theme_{row.id}", row.theme_id)
        priority = _priority(f"ch_edit_priority_{row.id}", row.priority)
        archive = st.checkbox("Archive this challenge", key=f"ch_edit_archive_{row.id}")
        if st.form_submit_button("Save", type="primary"):
            if archive:
                save(
                    lambda s: challenge_service.archive_challenge(
                        s, actor=user, challenge_id=row.id
                    ),
                    success="Challenge archived",
                    reset={"ch_edit_pick": FORGET},
                )
            else:
                save(
                    lambda s: challenge_service.update_challenge(
                        s,
                        actor=user,
                        challenge_id=row.id,
                        data=ChallengeUpdate(
                            text=text,
                            category_id=category_id,
                            theme_id=theme_id,
                            priority=priority,
                            version=version,
                        ),
                    ),
                    success="Challenge saved",
                    reset={f"ch_edit_version_{row.id}": FORGET},
                )
