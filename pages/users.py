"""Accounts (coordinators only): who may sign in, with which role, for which tandems."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from peerlearn.models import UserCreate, UserRole
from peerlearn.passwords import PASSWORD_MIN
from peerlearn.services import account_views
from peerlearn.services import tandems as tandem_service
from peerlearn.services import users as user_service
from peerlearn.ui.accounts_widgets import ROLE_LABELS, role_label
from peerlearn.ui.auth import oidc_configured, require_user
from peerlearn.ui.widgets import empty_state, pick, plain, prefill, read, refill, save

user = require_user(UserRole.COORDINATOR)

ADDED = "users_added"
# The add form starts empty again after an account is added (the role stays).
ADD_FIELDS = {
    "users_add_email": "",
    "users_add_name": "",
    "users_add_tandems": [],
    "users_add_password": "",
    "users_add_confirm": "",
}
PASS_ON = (
    "peerlearn sends no email: pass the password on yourself, by phone or in person rather "
    "than in the same message as the address, and ask them to change it under "
    "**My account** once they are in."
)
DIFFERENT = "The two passwords differ; type the same password twice."

st.title("Accounts")
st.caption(
    "Who may sign in to peerlearn, with which role, and for which tandems. "
    "Coordinators keep the network, facilitators run workshops, tandem members work on "
    "their own tandems' challenges and roadmaps."
)

listings = read(lambda s: user_service.list_users(s, actor=user))
tandems = read(lambda s: tandem_service.list_tandems(s, actor=user))
tandem_labels = {t.tandem.id: f"{t.tandem.name} · {t.network_name}" for t in tandems}
by_id = {listing.user.id: listing for listing in listings}
sso = oidc_configured()


def _password(password: str, confirm: str) -> str | None:
    """The password to set; None for an organisation-only account (both fields blank)."""
    if sso and not password and not confirm:
        return None
    return password


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    # SQLite hands back naive datetimes; they were stored in UTC.
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


tab_list, tab_add, tab_change = st.tabs(
    [f"All accounts ({len(listings)})", "Add an account", "Change an account"], key="users_tabs"
)

# --- the list ---------------------------------------------------------------------
with tab_list:
    roles = Counter(listing.user.role for listing in listings)
    inactive = sum(not listing.user.active for listing in listings)
    st.caption(
        " · ".join(_count(roles[role], label.lower()) for role, label in ROLE_LABELS.items())
        + f" · {inactive or 'none'} deactivated"
    )
    if len(listings) <= 1:
        empty_state(
            "You are the only account so far. Add facilitators and tandem members under "
            "**Add an account**; they sign in with the email and password you give them."
        )
    frame = pd.DataFrame(
        {
            "Email": [listing.user.email for listing in listings],
            "Name": [listing.user.name for listing in listings],
            "Role": [role_label(listing.user.role) for listing in listings],
            "Tandems": [list(listing.tandems) for listing in listings],
            "Active": [listing.user.active for listing in listings],
            "Last sign-in": [_when(listing.user.last_login_at) for listing in listings],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        key="users_table",
        column_config={
            "Role": st.column_config.TextColumn(width=120),
            "Tandems": st.column_config.ListColumn(
                width="medium", help="Only tandem members belong to tandems."
            ),
            "Active": st.column_config.CheckboxColumn(
                width="small", help="A deactivated account cannot sign in."
            ),
            "Last sign-in": st.column_config.TextColumn(help="In UTC."),
        },
    )

# --- adding -----------------------------------------------------------------------
with tab_add:
    added = st.session_state.pop(ADDED, None)
    if added:
        st.success(f"Account added for {plain(added)}. {PASS_ON}", icon=":material/key:")
    left, right = st.columns([3, 2])
    with left, st.form("users_add_form"):
        email = st.text_input("Email", key="users_add_email", placeholder="name@example.org")
        name = st.text_input("Name", key="users_add_name", placeholder="First and last name")
        role = st.selectbox(
            "Role",
            list(ROLE_LABELS),
            format_func=role_label,
            key="users_add_role",
            index=None,
            placeholder="Choose the role",
            help="Coordinators keep the network and the accounts; facilitators run "
            "workshops; tandem members work on their own tandems (choose them below).",
        )
        chosen = st.multiselect(
            "Tandems",
            list(tandem_labels),
            format_func=tandem_labels.get,
            key="users_add_tandems",
            placeholder="Choose the tandems of a tandem member",
            help="Only for tandem members: the tandems whose challenges and roadmap they "
            "work on. Ignored for the other roles.",
        )
        password = st.text_input(
            "Initial password",
            type="password",
            key="users_add_password",
            help=f"At least {PASSWORD_MIN} characters; not a common password and not the "
            "email's name part."
            + (" Leave both blank for sign-in through your organisation only." if sso else ""),
        )
        confirm = st.text_input(
            "Repeat the initial password", type="password", key="users_add_confirm"
        )
        submitted = st.form_submit_button("Add account", type="primary", key="users_add_submit")
    with right:
        st.info(
            "**An invitation, by hand.** You choose the person's first password here. " + PASS_ON,
            icon=":material/key:",
        )
        if not tandem_labels:
            st.caption(
                "No tandems yet: add tandems under **Network** before adding tandem members."
            )
    if submitted:
        if role is None:
            st.error("Choose the account's role.", icon=":material/error:")
        elif password != confirm:
            st.error(DIFFERENT, icon=":material/error:")
        else:
            save(
                lambda s: user_service.add_user(
                    s,
                    actor=user,
                    data=UserCreate(
                        email=email,
                        role=role,
                        password=_password(password, confirm),
                        name=name,
                        tandem_ids=chosen if role == UserRole.TANDEM else (),
                    ),
                ),
                success="Account added.",
                reset=lambda new: ADD_FIELDS | {ADDED: new.email},
            )

# --- changing ---------------------------------------------------------------------
with tab_change:
    picked = pick(
        "Account",
        list(by_id),
        key="users_pick",
        format_func=lambda ident: (
            f"{by_id[ident].user.email} — {role_label(by_id[ident].user.role)}"
            + ("" if by_id[ident].user.active else " (deactivated)")
        ),
    )
    chosen_user = by_id[picked].user
    own_ids = [
        t.id for t in read(lambda s: account_views.tandems_of(s, actor=user, user_id=picked))
    ]
    # Fill the role form from the stored account whenever another account is picked.
    prefill(
        "users_role_form",
        picked,
        {
            "users_role": chosen_user.role,
            "users_tandems": [i for i in own_ids if i in tandem_labels],
        },
    )
    st.text(
        f"{chosen_user.name or '(no name)'} <{chosen_user.email}> · "
        f"{role_label(chosen_user.role)} · {'active' if chosen_user.active else 'deactivated'}"
    )
    col_role, col_password, col_active = st.columns([4, 3, 3], gap="medium")

    with col_role:
        st.markdown("#### Role and tandems")
        with st.form("users_role_form"):
            new_role = st.selectbox(
                "Role", list(ROLE_LABELS), format_func=role_label, key="users_role"
            )
            new_tandems = st.multiselect(
                "Tandems",
                list(tandem_labels),
                format_func=tandem_labels.get,
                key="users_tandems",
                placeholder="Choose the tandems of a tandem member",
                help="Only for tandem members; ignored for the other roles.",
            )
            save_role = st.form_submit_button("Save role and tandems", key="users_role_submit")
        if save_role:
            ids = new_tandems if new_role == UserRole.TANDEM else []
            saved, again = "Role and tandems saved.", refill("users_role_form")
            if new_role != chosen_user.role:
                save(
                    lambda s: user_service.set_role(
                        s, actor=user, user_id=picked, role=new_role, tandem_ids=ids
                    ),
                    success=saved,
                    reset=again,
                )
            elif sorted(ids) != sorted(own_ids):
                save(
                    lambda s: user_service.set_tandems(
                        s, actor=user, user_id=picked, tandem_ids=ids
                    ),
                    success=saved,
                    reset=again,
                )
            else:
                st.info("Nothing to change: that is already the account's role and tandems.")

    with col_password:
        st.markdown("#### Reset password")
        if chosen_user.id == user.id:
            # Resetting needs no current password: not for one's own account.
            st.info(
                "This is your own account. Change your password under **My account**: "
                "it asks for the current one first.",
                icon=":material/person:",
            )
            st.page_link("pages/account.py", label="My account", icon=":material/person:")
        else:
            with st.form("users_reset_form"):
                new_password = st.text_input(
                    "New password",
                    type="password",
                    key="users_reset_password",
                    help=f"At least {PASSWORD_MIN} characters.",
                )
                repeat = st.text_input(
                    "Repeat the new password", type="password", key="users_reset_confirm"
                )
                reset = st.form_submit_button("Set new password", key="users_reset_submit")
            st.caption(
                "For someone who forgot theirs: pass the new password on yourself, as for "
                "a new account."
            )
            if reset:
                if new_password != repeat:
                    st.error(DIFFERENT, icon=":material/error:")
                else:
                    save(
                        lambda s: user_service.reset_password(
                            s, actor=user, user_id=picked, new_password=new_password
                        ),
                        success="Password reset. Pass it on to the person yourself.",
                        reset={"users_reset_password": "", "users_reset_confirm": ""},
                    )

    with col_active:
        st.markdown("#### Sign-in access")
        if chosen_user.active:
            st.caption(
                "Deactivating stops this account from signing in at once; its past work "
                "stays attributed to it, and you can reactivate it later."
            )
            label, icon, service, done = (
                "Deactivate account",
                ":material/block:",
                user_service.deactivate_user,
                "Account deactivated.",
            )
        else:
            st.caption("This account cannot sign in. Reactivate it to let it in again.")
            label, icon, service, done = (
                "Reactivate account",
                ":material/check_circle:",
                user_service.reactivate_user,
                "Account reactivated.",
            )
        key = "users_deactivate" if chosen_user.active else "users_reactivate"
        clicked = st.button(label, key=key, icon=icon)
        if clicked:
            save(lambda s: service(s, actor=user, user_id=picked), success=done)
