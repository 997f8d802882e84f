"""What Streamlit shows for a markdown source (st.markdown, captions, alerts, widget
labels and options): the check that stored text reaches the screen as it was typed.

A source passes when every character markdown gives a meaning is escaped with a
backslash, and nothing that Streamlit turns into a link or an icon after the escapes are
resolved is left in it; :func:`shown` then returns the text a person sees. Checked
against what Chromium shows (tests/e2e/test_text_as_text.py).
"""

from __future__ import annotations

import re

# Everything Streamlit's markdown gives a meaning: CommonMark, HTML and entities, emoji
# and icon shortcodes, LaTeX and colour directives.
SPECIAL = set("\\`*_{}[]()#+-.!|~<>$:&")
JOINER = "\u2060"  # invisible; stops what is matched after the escapes are resolved
# Matched in the text once the escapes are resolved: autolinks and icon shortcodes.
AFTER_ESCAPES = re.compile(
    r"(?i)\b(?:https?|ftp|mailto|xmpp):|\bwww\.|\w@|:material[/_]|:streamlit:"
)

# Stored text as a hostile person types it.
HOSTILE = [
    "**x**",
    "[a](javascript:alert(1))",
    ":red[x]",
    "$$x$$",
    "<img src=x onerror=alert(1)>",
]


def shown(source: str) -> str:
    """The text Streamlit shows for ``source``; fails when ``source`` would render as
    markdown, HTML, a link or an icon instead."""
    text = []
    chars = iter(source)
    for char in chars:
        if char == "\\":
            escaped = next(chars, "")
            assert escaped in SPECIAL, f"a bare backslash in {source!r}"
            text.append(escaped)
        else:
            assert char not in SPECIAL, f"{char!r} is not escaped in {source!r}"
            text.append(char)
    resolved = "".join(text)
    found = AFTER_ESCAPES.search(resolved)
    assert not found, f"{found.group(0)!r} in {source!r} would become a link or an icon"
    return resolved.replace(JOINER, "")
