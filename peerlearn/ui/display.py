"""What every page gets before it draws: tables that offer no raw download, and text
that wraps however long its words."""

from __future__ import annotations

import streamlit as st

EXPORT_OPTION = "client.disableDataExport"
# A 2,000-character word with no spaces breaks where it must instead of widening the
# page: markdown (alerts, captions, labels), st.text, st.html and metrics.
WRAP_ANYWHERE = (
    ":is([data-testid='stHtml'],[data-testid='stMarkdownContainer'],[data-testid='stText'],"
    "[data-testid='stCaptionContainer'],[data-testid='stMetric']){overflow-wrap:anywhere}"
)


def no_table_downloads() -> None:
    """Turn off the CSV download of Streamlit's table toolbar, for every table.

    It writes cells as they are, so a post such as ``=HYPERLINK(...)`` would run as a
    formula in the spreadsheet that opens it, and no table can be told apart as free of
    people's text. The Excel summary is the way out, with text kept as text. The option
    reaches the browser at the start of a run, so the one run that finds it off (the
    first of a server without it in its configuration) starts again before drawing.
    """
    if not st.get_option(EXPORT_OPTION):
        st.set_option(EXPORT_OPTION, True)
        st.rerun()


def wrap_long_words() -> None:
    """The style rule :data:`WRAP_ANYWHERE`, on the page (a style takes no room)."""
    st.html(f"<style>{WRAP_ANYWHERE}</style>")
