import streamlit as st

st.title("quizzes")
