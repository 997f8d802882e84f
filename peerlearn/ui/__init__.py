"""The only Streamlit code outside pages/: database access, sign-in gate, widgets."""
