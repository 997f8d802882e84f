"""Stepping a live session from the presenter's keyboard (or a presentation clicker,
which sends Page Up / Page Down): for a facilitator signed in in that browser only."""

from __future__ import annotations

import streamlit as st

from peerlearn.errors import InvalidInput
from peerlearn.live import quiz
from peerlearn.live.snapshot import Snapshot
from peerlearn.models import User, UserRole
from peerlearn.ui.widgets import save

_JS = """
export default function (component) {
  const { setTriggerValue, key } = component;
  const all = (window.__peerlearnKeys ??= {});
  if (all[key]) window.removeEventListener("keydown", all[key]);
  const keys = {
    ArrowRight: "next", PageDown: "next", " ": "next",
    ArrowLeft: "previous", PageUp: "previous",
    o: "open", O: "open", r: "reveal", R: "reveal",
  };
  let count = 0;
  const press = (event) => {
    const where = event.target && event.target.tagName;
    const typing = where === "INPUT" || where === "TEXTAREA";
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    count += 1;
    setTriggerValue("pressed", action + ":" + count);
  };
  all[key] = press;
  window.addEventListener("keydown", press);
  return () => window.removeEventListener("keydown", press);
}
"""

_keys = st.components.v2.component("peerlearn.presenter_keys", js=_JS)
HINT = "Keys: → or Page Down next · ← or Page Up previous · O open or close · R reveal"
STAFF = (UserRole.COORDINATOR, UserRole.FACILITATOR)


def _pressed() -> None:
    """The rerun the key press asks for is what matters."""


def presenter_keys(user: User | None, snap: Snapshot) -> None:
    """Listen for the facilitator's keys and apply the step they ask for."""
    if user is None or user.role not in STAFF or snap.activity != "quiz":
        return
    result = _keys(key="presenter_keys", on_pressed_change=_pressed, height=0)
    pressed = getattr(result, "pressed", None)
    if pressed:
        save(lambda s: apply(s, user, snap, str(pressed).split(":")[0]), fragment=True)
    st.caption(HINT)


def apply(session, user: User, snap: Snapshot, action: str) -> None:
    """One key's step: next, previous, open (or close) and reveal the question shown."""
    question = snap.question
    if action in ("next", "previous"):
        quiz.step(
            session, actor=user, session_id=snap.session_id, direction=1 if action == "next" else -1
        )
        return
    if question is None:
        raise InvalidInput("Press → first: there is no question on the screen yet.")
    ids = dict(actor=user, session_id=snap.session_id, question_id=question.id)
    if action == "reveal":
        quiz.reveal_question(session, **ids)
    elif question.state == "open":
        quiz.close_question(session, **ids)
    else:
        quiz.open_question(session, **ids)
