"""Sign in with email and password (or the organisation's provider, where configured)."""

import streamlit as st

from peerlearn.services import users as user_service
from peerlearn.ui.auth import oidc_configured, sign_in
from peerlearn.ui.client import distinct_client_address
from peerlearn.ui.navigation import ensure_router
from peerlearn.ui.widgets import save

ensure_router()

st.title("Sign in to peerlearn")
left, _ = st.columns([2, 3])
with left:
    with st.form("sign_in"):
        email = st.text_input("Email", key="sign_in_email")
        password = st.text_input("Password", type="password", key="sign_in_password")
        remember = st.checkbox(
            "Stay signed in on this browser",
            value=True,
            key="sign_in_remember",
            help="For 14 days, or until you sign out. Leave it off on a shared computer.",
        )
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        address = distinct_client_address()
        save(
            lambda s: user_service.authenticate(s, email, password, address=address),
            then=lambda user: sign_in(user, remember=remember),
        )
    if oidc_configured():
        st.divider()
        st.button("Sign in with your organisation", key="oidc_login", on_click=st.login)
        if getattr(st.user, "is_logged_in", False):
            st.warning(
                "Your organisation signed you in, but no active peerlearn account has that "
                "email. Ask a coordinator to add you."
            )
    st.caption("No account yet? A coordinator of your network adds you.")
