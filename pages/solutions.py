"""Solutions of the network's cities."""

import streamlit as st

from peerlearn.models import UserRole
from peerlearn.ui.auth import require_user

user = require_user(UserRole.COORDINATOR, UserRole.FACILITATOR, UserRole.TANDEM)
st.title("Solutions")
