"""Helpers the screens share that need no running app."""

import re

import pytest

from peerlearn.ui.widgets import plain
from tests.markdown_text import HOSTILE, shown

JOINER = "\u2060"


def test_plain_text_keeps_markdown_from_rendering():
    assert plain("Funding *now* [x](y) :smile:") == (
        "Funding \\*now\\* \\[x\\](y) :" + JOINER + "smile:"
    )
    assert plain("Arezzo–Arnsberg") == "Arezzo–Arnsberg"
    assert plain("R&amp;D") == "R\\&amp;D"  # an entity would render as '&'


def test_a_plain_sentence_stays_as_it_is():
    sentence = "The row of 'Apply for co-funding' (id 6), column 'name': 1. fix it, 10:30."
    assert plain(sentence) == sentence


@pytest.mark.parametrize(
    "text",
    [
        "see http://e.x",
        "see HTTPS://example.org/path",
        "www.example.org",
        "clara@example.org",
        "mailto:clara@example.org",
        "ftp://files.example.org",
    ],
)
def test_plain_text_keeps_addresses_from_becoming_links(text):
    shown = plain(text)
    # GitHub-style autolinks are found after escapes are resolved, so a backslash
    # does not stop them; an invisible word joiner does.
    unescaped = re.sub(r"\\(.)", r"\1", shown)
    assert not re.search(r"(?i)\b(https?|ftp|mailto):", unescaped)
    assert not re.search(r"(?i)\bwww\.", unescaped)
    assert not re.search(r"\w@", unescaped)
    # and the text reads the same, less the invisible joiners
    assert unescaped.replace(JOINER, "") == text


def test_plain_text_leaves_words_alone():
    assert plain("Knowhow at the city hall") == "Knowhow at the city hall"


@pytest.mark.parametrize(
    "text",
    [
        *HOSTILE,
        ":material/home: and :streamlit:",
        ":smile: :blue-background[z] $x$ and $$",
        "a_b_ *c* ~~d~~ `e` # head > quote | t | &amp; !",
        "- item",
        "1. one",
        "# head\n  + item\n2) two\n> quote",
        "a | b\n--- | ---\ntext\n===",
        ":+1: :-1: at 18:00",
        "see http://x.org, www.y.org, a@b.org",
        "Arezzo–Arnsberg: 10:30, 50 % (€)",
        "\\*already escaped\\*",
        "x" * 2000,
    ],
)
def test_plain_text_is_shown_as_typed(text):
    assert shown(plain(text)) == text
