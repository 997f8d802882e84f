"""A tiny multipage app with what stclient has to understand; driven by test_stclient.py."""

import time

import streamlit as st

# Inline components-v2 JS. It never runs in the tests: they send its trigger themselves.
ECHO_JS = """
export default function ({ data, parentElement, setTriggerValue }) {
  const button = document.createElement("button");
  button.textContent = data.greeting;
  button.onclick = () => setTriggerValue("changed", "clicked");
  parentElement.replaceChildren(button);
}
"""
echo = st.components.v2.component("sample_echo", js=ECHO_JS)


@st.fragment
def counter_fragment() -> None:
    state = st.session_state
    state.fragment_runs = state.get("fragment_runs", 0) + 1
    st.write(f"Fragment runs: {state.fragment_runs}")
    if state.fragment_runs % 2:
        st.write("Fragment odd run")  # comes and goes with fragment-only reruns
    st.button("Fragment button")


def home() -> None:
    state = st.session_state
    state.full_runs = state.get("full_runs", 0) + 1
    st.header("Home page")
    st.write(f"Full runs: {state.full_runs}")

    with st.form("vote"):
        choice = st.radio("Pick one", ["A", "B", "C"])
        if st.form_submit_button("Save"):
            state.saved = choice
    if "saved" in state:
        st.success(f"Saved: {state.saved}")

    if st.button("Plain button"):
        state.clicks = state.get("clicks", 0) + 1
    st.write(f"Clicks: {state.get('clicks', 0)}")

    counter_fragment()

    result = echo(data={"greeting": "hi"}, key="echo", on_changed_change=lambda: None)
    st.write(f"Component said: {result.changed}")
    st.write(f"Component state: {result.get('count')}")

    if st.button("Bump and rerun"):
        state.bumps = state.get("bumps", 0) + 1
        st.rerun()
    st.write(f"Bumped: {state.get('bumps', 0)}")

    if st.button("Slow button"):
        time.sleep(1.5)
        st.write("Slow done")
    if st.button("Boom"):
        raise ValueError("boom")


def join() -> None:
    st.header("Join page")
    st.write(f"Join code: {st.query_params.get('code', 'none')}")
    if st.button("Use code XYZ"):
        st.query_params["code"] = "XYZ"
    st.button("Refresh")
    name = st.text_input("Name")
    size = st.segmented_control("Size", ["S", "M", "L"], default="M")
    tags = st.pills("Tags", ["red", "green", "blue"], selection_mode="multi")
    st.write(f"Hello {name or 'nobody'}, size {size}, tags {', '.join(tags) or 'none'}")
    # Above global.minCachedMessageSize (10 kB), so the server may send it by reference.
    st.code("0123456789" * 1500)


st.caption("Sample app")  # drawn by the main script: stays when the page changes
page = st.navigation(
    [st.Page(home, title="Home", default=True), st.Page(join, title="Join", url_path="join")]
)
page.run()
