"""Helpers the screens share that need no running app."""

from peerlearn.ui.widgets import plain


def test_plain_text_keeps_markdown_from_rendering():
    assert plain("Funding *now* [x](y) :smile:") == ("Funding \\*now\\* \\[x\\]\\(y\\) \\:smile\\:")
    assert plain("Arezzo–Arnsberg") == "Arezzo–Arnsberg"
