import streamlit as st

st.title("roadmaps")
