"""The question form of the Quizzes screen, shared by "add" and "edit"."""

from __future__ import annotations

import streamlit as st

from peerlearn.models import Question, QuestionCreate, QuestionKind, QuestionUpdate, User
from peerlearn.services import quizzes as quiz_service
from peerlearn.ui.widgets import save

KINDS = [kind.value for kind in QuestionKind]
CHOICE = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


def option_lines(text: str) -> list[str]:
    """One option per line; blank lines are left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def correct_numbers(text: str) -> list[int] | None:
    """'1, 3' → [0, 2] (people count from 1); None when it is not a list of numbers."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    if not all(p.isdecimal() for p in parts):
        return None
    return [int(p) - 1 for p in parts]


def question_form(user: User, quiz_id: int, question: Question | None = None, options=()) -> None:
    """Add a question, or edit ``question`` (its widgets' keys carry its id, so they
    start from what is stored); the add form empties only once the question is added."""
    key = f"qz_q{question.id}" if question else "qz_new"
    with st.form(key):
        if question:
            kind = question.kind
            st.caption(f"Type: {kind}")
        else:
            kind = st.selectbox("Type", KINDS, key=f"{key}_kind")
        text = st.text_area("Question", value=question.text if question else "", key=f"{key}_text")
        lines = st.text_area(
            "Options, one per line (choice questions)",
            value="\n".join(o.text for o in options),
            key=f"{key}_options",
        )
        marked = [str(n + 1) for n, o in enumerate(options) if o.is_correct]
        right = st.text_input(
            "Correct options by number, e.g. 2 or 1, 3 (optional)",
            value=", ".join(marked),
            key=f"{key}_correct",
        )
        low_col, high_col = st.columns(2)
        low = low_col.number_input(
            "Scale from",
            value=question.scale_min if question and question.scale_min is not None else 1,
            step=1,
            key=f"{key}_low",
        )
        high = high_col.number_input(
            "Scale to",
            value=question.scale_max if question and question.scale_max is not None else 5,
            step=1,
            key=f"{key}_high",
        )
        if not st.form_submit_button("Save question" if question else "Add question"):
            return
    numbers = correct_numbers(right)
    if numbers is None:
        st.error("Write the correct options as numbers, e.g. 2 or 1, 3.")
        return
    fields: dict = dict(text=text)
    if kind in CHOICE:
        fields.update(options=option_lines(lines), correct=numbers)
    elif kind == QuestionKind.SCALE:
        fields.update(scale_min=int(low), scale_max=int(high))
    if question:
        save(
            lambda s: quiz_service.update_question(
                s, actor=user, question_id=question.id, data=QuestionUpdate(**fields)
            ),
            success="Question saved",
        )
    else:
        save(
            lambda s: quiz_service.add_question(
                s, actor=user, data=QuestionCreate(quiz_id=quiz_id, kind=kind, **fields)
            ),
            success="Question added",
            # The type stays, for the next question of the same kind.
            reset={
                f"{key}_text": "",
                f"{key}_options": "",
                f"{key}_correct": "",
                f"{key}_low": 1,
                f"{key}_high": 5,
            },
        )


def question_card(user: User, quiz_id: int, item, number: int, total: int) -> None:
    """One question of the quiz: its text and options, move, delete, edit."""
    question = item.question
    with st.container(border=True):
        head, up, down, drop = st.columns([8, 1, 1, 1], vertical_alignment="center")
        head.caption(f"Question {number} · {question.kind} · {item.answer_count} answers")
        if up.button("↑", key=f"qz_up_{question.id}", disabled=number == 1, help="Move up"):
            save(
                lambda s: quiz_service.move_question(
                    s, actor=user, question_id=question.id, direction=-1
                )
            )
        last = number == total
        if down.button("↓", key=f"qz_down_{question.id}", disabled=last, help="Move down"):
            save(
                lambda s: quiz_service.move_question(
                    s, actor=user, question_id=question.id, direction=1
                )
            )
        if drop.button("✕", key=f"qz_del_{question.id}", help="Delete the question"):
            save(
                lambda s: quiz_service.delete_question(s, actor=user, question_id=question.id),
                success="Question deleted",
            )
        st.text(question.text)
        lines = [("✓ " if o.is_correct else "• ") + o.text for o in item.options]
        if question.scale_min is not None:
            lines.append(f"Scale {question.scale_min} to {question.scale_max}")
        if lines:
            st.text("\n".join(lines))  # one block: the options sit together
        with st.expander("Edit"):
            question_form(user, quiz_id, question, item.options)
