import streamlit as st

st.title("events")
