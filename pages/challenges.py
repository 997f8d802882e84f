import streamlit as st

st.title("challenges")
