"""peerlearn's router: builds the navigation from the signed-in role, and shows what the
last save left to say before the page draws its widgets; every page also gets tables
without a raw download and text that wraps; nothing else."""

import streamlit as st

from peerlearn.ui.auth import current_user
from peerlearn.ui.display import no_table_downloads, wrap_long_words
from peerlearn.ui.incidents import guarded
from peerlearn.ui.navigation import pages_for, routed, signed_out_pages
from peerlearn.ui.sidebar import account_box, first_run
from peerlearn.ui.widgets import show_flash

st.set_page_config(page_title="peerlearn", page_icon=":material/diversity_3:", layout="wide")
no_table_downloads()
wrap_long_words()

# The page run has its own guard (routed); this one covers the router's own steps.
with guarded():
    user = current_user()
    if user is None:
        page = st.navigation(signed_out_pages(first_run()), position="hidden")
    else:
        # Every page in view: a coordinator's fifteen would otherwise fold after ten.
        page = st.navigation(pages_for(user), expanded=True)
        account_box(user)
    # What the last save asked for: its toast, and the form fields it starts afresh.
    show_flash()
    with routed():
        page.run()
