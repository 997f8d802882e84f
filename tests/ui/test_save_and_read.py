"""The one way screens save (``save``) and read (``read``), on a page of their own.

A refused save keeps what was typed and says why; one that goes through redraws the
page at once and toasts after the redraw; a save in a widget's callback tells its
outcome in place without a second run; a refused read says why and stops the page.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from peerlearn import errors


def form_page():
    import streamlit as st
    from sqlmodel import Session

    from peerlearn.errors import InvalidInput
    from peerlearn.ui.widgets import save, show_flash

    show_flash()  # as the router does, before any widget
    st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    with st.form("f"):
        name = st.text_input("Name", key="name")
        submitted = st.form_submit_button("Save")
    if submitted:

        def add(session):
            assert isinstance(session, Session)
            if not name.strip():
                raise InvalidInput("Give the name: it cannot be empty.")
            return name.strip().upper()

        save(add, success=lambda shown: f"{shown} saved", reset={"name": ""})
        st.text("after a refused save")
    st.text(f"run {st.session_state['runs']}")


def tap_page():
    import streamlit as st

    from peerlearn.errors import Conflict
    from peerlearn.ui.widgets import note, save

    st.session_state["runs"] = st.session_state.get("runs", 0) + 1

    def tap(refuse: bool) -> None:
        def vote(session):
            if refuse:
                raise Conflict("No dots left.")
            return 1

        save(vote, success="Vote saved", reset={"picked": "yes"}, where="vote")

    st.button("Vote", key="vote", on_click=tap, args=(False,))
    st.button("Vote again", key="again", on_click=tap, args=(True,))
    note("vote")
    st.text(f"run {st.session_state['runs']} {st.session_state.get('picked', '')}")


def read_page():
    import streamlit as st

    from peerlearn.errors import NotFound
    from peerlearn.ui.widgets import read

    def missing(session):
        raise NotFound("This session no longer exists.")

    st.text("before")
    fallback = read(missing, refused=lambda error: f"fallback: {error}")
    st.text(fallback)
    read(missing)
    st.text("after")


def _texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


@pytest.fixture
def page(app_db):
    app_db("empty")

    def make(script) -> AppTest:
        at = AppTest.from_function(script, default_timeout=30)
        return at.run()

    return make


def test_a_refused_save_keeps_the_input_and_says_why(page):
    at = page(form_page)
    at.text_input(key="name").input("   ")
    at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Give the name: it cannot be empty."]
    assert at.text_input(key="name").value == "   "  # kept for correcting
    assert not at.toast
    assert "after a refused save" in _texts(at)  # the page goes on drawing
    assert "run 2" in _texts(at)  # no redraw


def test_a_saved_form_redraws_at_once_and_toasts_after_the_redraw(page):
    at = page(form_page)
    at.text_input(key="name").input("lisbon")
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert "run 3" in _texts(at)  # the submission's run, then the redraw
    assert "after a refused save" not in _texts(at)
    assert [t.value for t in at.toast] == ["LISBON saved"]
    assert at.text_input(key="name").value == ""  # the form starts afresh
    at.run()
    assert not at.toast  # said once


def test_a_save_in_a_callback_tells_its_outcome_in_place_in_the_next_run(page):
    at = page(tap_page)
    at.button(key="vote").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Vote saved"]
    assert "run 2 yes" in _texts(at)  # one run per tap, the reset applied
    assert not at.toast
    at.run()
    assert not at.success  # said once
    at.button(key="again").click().run()
    assert [e.value for e in at.error] == ["No dots left."]


def test_a_refused_read_says_why_and_stops_the_page(page):
    at = page(read_page)
    assert not at.exception
    assert _texts(at) == ["before", "fallback: This session no longer exists."]
    assert [e.value for e in at.error] == ["This session no longer exists."]


def test_only_the_shared_helpers_catch_a_refusal_or_open_a_session():
    """Screens save and read through peerlearn.ui.widgets alone: no other page or
    widget module catches a service's refusal, and only the sign-in gate and the
    helpers open sessions of their own."""
    refusals = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.PeerlearnError)
    }
    root = Path(__file__).resolve().parents[2]
    catching, opening = [], []
    for path in [*root.glob("pages/*.py"), *root.glob("peerlearn/ui/**/*.py")]:
        name = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                caught |= {n.attr for n in ast.walk(node.type) if isinstance(n, ast.Attribute)}
                if caught & refusals:
                    catching.append(name)
            if isinstance(node, ast.ImportFrom) and node.module == "peerlearn.ui.db":
                opening.append(name)
    assert catching == ["peerlearn/ui/widgets.py"] * 2  # in save and in read
    assert sorted(opening) == ["peerlearn/ui/auth.py", "peerlearn/ui/widgets.py"]
