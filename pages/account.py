"""My account (every role): who you are signed in as, and your own password."""

from __future__ import annotations

import streamlit as st

from peerlearn.models import UserRole
from peerlearn.passwords import PASSWORD_MIN
from peerlearn.services import account_views
from peerlearn.services import users as user_service
from peerlearn.ui.accounts_widgets import role_label
from peerlearn.ui.auth import require_user, stay_signed_in
from peerlearn.ui.widgets import read, save

# Emptied after a successful change; a refused one keeps them for correcting.
PASSWORD_FIELDS = {"account_old": "", "account_new": "", "account_repeat": ""}

user = require_user()

st.title("My account")
st.caption("The account you are signed in with, and your password.")

profile, password_area = st.columns([2, 3], gap="large")

with profile:
    st.subheader("Profile")
    box = st.container(border=True)
    for label, value in (
        ("Name", user.name or "(no name)"),
        ("Email", user.email),
        ("Role", role_label(user.role)),
    ):
        box.caption(label)
        box.text(value)
    if user.role == UserRole.TANDEM:
        tandems = read(lambda s: account_views.tandems_of(s, actor=user, user_id=user.id))
        box.caption("Your tandems")
        names = "\n".join(t.name for t in tandems)
        box.text(names or "(none yet)")
    st.caption("To change your name, email, role or tandems, ask a coordinator.")

with password_area:
    st.subheader("Change your password")
    if not user.password_hash:
        st.info(
            "You sign in through your organisation, so there is no peerlearn password to "
            "change here.",
            icon=":material/badge:",
        )
    else:
        with st.form("account_password_form"):
            old = st.text_input("Current password", type="password", key="account_old")
            new = st.text_input(
                "New password",
                type="password",
                key="account_new",
                help=f"At least {PASSWORD_MIN} characters; not a common password and not "
                "your email's name part. A short sentence is easy to remember.",
            )
            repeat = st.text_input("Repeat the new password", type="password", key="account_repeat")
            submitted = st.form_submit_button(
                "Change password", type="primary", key="account_submit"
            )
        if submitted:
            if new != repeat:
                st.error(
                    "The new password and its repetition differ; type the same password twice.",
                    icon=":material/error:",
                )
            else:
                save(
                    lambda s: user_service.change_password(
                        s, user=user, old_password=old, new_password=new
                    ),
                    success="Password changed. Use the new one next time you sign in.",
                    reset=PASSWORD_FIELDS,
                    # Other browsers signed in with the old password are signed out.
                    then=stay_signed_in,
                )
