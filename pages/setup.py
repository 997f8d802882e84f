"""First start on an empty database: create the first coordinator, optionally the demo."""

import streamlit as st

from peerlearn.models import UserCreate, UserRole
from peerlearn.services import users as user_service
from peerlearn.ui.auth import announce_setup_token, sign_in
from peerlearn.ui.navigation import ensure_router
from peerlearn.ui.widgets import save

ensure_router()

st.title("Welcome to peerlearn")
st.write(
    "This database is empty. Create the first account: a **coordinator**, who keeps the "
    "network and adds everyone else."
)
announce_setup_token()
left, right = st.columns([3, 2])
with left:
    with st.form("setup"):
        token = st.text_input(
            "Setup token",
            type="password",
            key="setup_token",
            help="Printed in the log of the peerlearn server (the terminal where it was "
            "started), so that only whoever runs it can create the first account.",
        )
        name = st.text_input("Your name", key="setup_name")
        email = st.text_input("Email", key="setup_email")
        password = st.text_input(
            "Password",
            type="password",
            key="setup_password",
            help="At least 10 characters; not a common password and not your email.",
        )
        confirm = st.text_input("Repeat the password", type="password", key="setup_confirm")
        load_demo = st.checkbox(
            "Load the demo network",
            value=True,
            key="setup_demo",
            help="#connectedinEurope, Smarter Together, Sharing Cities and the mySMARTLife "
            "Cities Network, with their cities, events and example tandem work.",
        )
        submitted = st.form_submit_button("Create account", type="primary")
    if submitted:
        if password != confirm:
            st.error("The two passwords differ; type the same password twice.")
        else:

            def start(session):
                user = user_service.set_up(
                    session,
                    token=token.strip(),
                    data=UserCreate(
                        email=email, role=UserRole.COORDINATOR, password=password, name=name
                    ),
                )
                if load_demo:
                    from peerlearn.demo import load_demo as load

                    load(session)
                return user

            save(start, then=sign_in)
with right:
    st.info(
        "Next steps once you are in: add your network's cities and tandems under "
        "**Network**, invite facilitators and tandem members under **Accounts**, then "
        "prepare an event under **Events**."
    )
