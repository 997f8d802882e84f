"""Every form of the screens: fields empty only after a successful save.

``clear_on_submit`` empties a form in the browser on every submission, also one the
service refuses, so what was typed would be lost; the forms reset their fields
through :func:`peerlearn.ui.widgets.save` after a success instead. AppTest does not
play the browser's clearing, so this looks at what the page sends.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1.element_tree import Block

PAGES = [
    ("coordinator", "pages/network.py"),
    ("coordinator", "pages/users.py"),
    ("coordinator", "pages/account.py"),
    ("tandem", "pages/challenges.py"),
    ("coordinator", "pages/challenges.py"),
    ("coordinator", "pages/common_challenges.py"),
    ("facilitator", "pages/events.py"),
    ("facilitator", "pages/quizzes.py"),
    ("tandem", "pages/roadmaps.py"),
    ("coordinator", "pages/solutions.py"),
]


def _forms(at) -> dict[str, bool]:
    """form id → clear_on_submit, for every form on the page."""
    found = {}
    for node in at._tree:
        if isinstance(node, Block) and node.type == "form":
            found[node.proto.form.form_id] = node.proto.form.clear_on_submit
    return found


@pytest.mark.parametrize("role, page", PAGES)
def test_no_form_forgets_what_was_typed_when_a_save_is_refused(app, role, page):
    at = app(role, page)
    assert not at.exception
    forms = _forms(at)
    assert forms, "the page shows forms"
    assert not [form for form, clears in forms.items() if clears]
