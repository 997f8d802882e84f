"""Write the quizzes of a session: questions of each type, options, correct answers."""

import streamlit as st

from peerlearn.models import QuizCreate, QuizUpdate, SessionKind, UserRole
from peerlearn.services import quizzes as quiz_service
from peerlearn.ui.auth import require_user
from peerlearn.ui.quiz_forms import question_card, question_form
from peerlearn.ui.session_picker import pick_session
from peerlearn.ui.widgets import FORGET, empty_state, pick, prefill, read, refill, save

user = require_user(UserRole.COORDINATOR, UserRole.FACILITATOR)
st.title("Quizzes")
st.caption("Write the quiz of a session; run it from phones under **Run live**.")

network_id, sessions, chosen = pick_session(
    user,
    prefix="qz",
    no_events="Quizzes belong to a session of an event: add the event under **Events** first.",
    first=lambda row: row.kind == SessionKind.QUIZ,
)
session_id = chosen.id
names = {r.id: f"{r.title} ({r.kind})" for r in sessions}

quizzes = read(lambda s: quiz_service.list_quizzes(s, actor=user, session_id=session_id))
with st.expander("Add a quiz to this session", expanded=not quizzes), st.form("qz_add_quiz"):
    title = st.text_input("Title", key="qz_quiz_title")
    if st.form_submit_button("Add quiz", type="primary"):
        save(
            lambda s: quiz_service.add_quiz(
                s, actor=user, data=QuizCreate(session_id=session_id, title=title)
            ),
            success="Quiz added",
            # The new quiz is the one shown, ready for its questions.
            reset=lambda quiz: {"qz_quiz_title": "", "qz_quiz": quiz.id},
        )
if not quizzes:
    empty_state("This session has no quiz yet: give it a title above, then add questions.")
    st.stop()

labels = {q.id: q.title for q in quizzes}
quiz_id = pick("Quiz", list(labels), key="qz_quiz", format_func=labels.get)
view = read(lambda s: quiz_service.get_quiz(s, actor=user, quiz_id=quiz_id))

questions_tab, add_tab, manage_tab = st.tabs(
    ["Questions", "Add a question", "Rename, copy, delete"]
)
with questions_tab:
    if not view.questions:
        empty_state("No questions yet: add the first one in the next tab.")
    for n, item in enumerate(view.questions):
        question_card(user, quiz_id, item, n + 1, len(view.questions))

with add_tab:
    question_form(user, quiz_id)

with manage_tab:
    prefill("qz_rename", quiz_id, {"qz_rename_title": view.quiz.title})
    with st.form("qz_rename"):
        new_title = st.text_input("Title", key="qz_rename_title")
        if st.form_submit_button("Rename"):
            save(
                lambda s: quiz_service.update_quiz(
                    s, actor=user, quiz_id=quiz_id, data=QuizUpdate(title=new_title)
                ),
                success="Quiz renamed",
                reset=refill("qz_rename"),
            )
    with st.form("qz_duplicate"):
        st.markdown("**Duplicate the quiz** (questions and options; no answers)")
        copy_title = st.text_input("Title of the copy (empty: a free name)", key="qz_copy_title")
        target = st.selectbox(
            "Into the session", list(names), format_func=names.get, key="qz_copy_session"
        )
        if st.form_submit_button("Duplicate"):
            save(
                lambda s: quiz_service.duplicate_quiz(
                    s,
                    actor=user,
                    quiz_id=quiz_id,
                    title=copy_title.strip() or None,
                    session_id=target,
                ),
                success="Quiz duplicated",
                reset={"qz_copy_title": ""},
            )
    with st.form("qz_delete"):
        sure = st.checkbox("Yes, delete this quiz and its questions", key="qz_delete_sure")
        if st.form_submit_button("Delete quiz"):
            if not sure:
                st.error("Tick the box to confirm the deletion.")
            else:
                save(
                    lambda s: quiz_service.delete_quiz(s, actor=user, quiz_id=quiz_id),
                    success="Quiz deleted",
                    reset={"qz_quiz": FORGET, "qz_delete_sure": False} | refill("qz_rename"),
                )
