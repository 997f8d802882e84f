import streamlit as st

st.title("account")
