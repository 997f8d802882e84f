import streamlit as st

st.title("common_challenges")
