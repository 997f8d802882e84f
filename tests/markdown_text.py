"""What Streamlit shows for a markdown source (st.markdown, captions, alerts, widget
labels and options): the check that stored text reaches the screen as it was typed.

A source passes when every character markdown gives a meaning is escaped with a
backslash, and nothing that Streamlit turns into a link or an icon after the escapes are
resolved is left in it; :func:`shown` then returns the text a person sees. Checked
against what Chromium shows (tests/e2e/test_text_as_text.py).
"""

from __future__ import annotations

import re

# What Streamlit's markdown gives a meaning wherever it stands (CommonMark's inline
# syntax, HTML and entities, LaTeX, tables, directives), and at the start of a line
# (headings, quotes, lists, rules, setext underlines).
ANYWHERE = set("\\`*_{}[]<>$&~|")
LINE_START = re.compile(r"^[ \t]*(?:[#+\-=]|\d+[.)])", re.MULTILINE)
# An emoji shortcode (:smile:, :+1:), wherever its colon is, escaped or not.
SHORTCODE = re.compile(r":[\w+\-][\w+\-]*:")
PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")  # what a backslash escapes
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
    found = LINE_START.search(source)
    assert not found, f"{found.group(0)!r} starts a line of {source!r}: it would be markup"
    found = SHORTCODE.search(source)
    assert not found, f"{found.group(0)!r} in {source!r} would be an emoji"
    text = []
    for n, char in enumerate(source):
        if text and text[-1] is None:  # escaped by the backslash before it
            text[-1] = char
            continue
        if char == "\\":
            assert source[n + 1 : n + 2] in PUNCTUATION, f"a bare backslash in {source!r}"
            text.append(None)
            continue
        assert char not in ANYWHERE, f"{char!r} is not escaped in {source!r}"
        text.append(char)
    resolved = "".join(text)
    found = AFTER_ESCAPES.search(resolved)
    assert not found, f"{found.group(0)!r} in {source!r} would become a link or an icon"
    return resolved.replace(JOINER, "")
