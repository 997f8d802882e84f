"""Small cookies in the browser, for what must outlive a reload or a new tab.

Streamlit reads the cookies a browser sent when the page was opened
(``st.context.cookies``) but has no call that sets one: a line of script written with
``st.html`` sets it in the browser, and the next page load sends it back.
"""

from __future__ import annotations

import json
import re

import streamlit as st

# Names and values we write ourselves: tokens from secrets.token_urlsafe, nothing to escape.
_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,200}$")


def get_cookie(name: str) -> str | None:
    """The cookie ``name`` as the browser sent it when this page was opened."""
    try:
        value = st.context.cookies.get(name)
    except Exception:  # no browser behind this run (AppTest, bare mode)
        return None
    # (Under AppTest the context is a stand-in whose values are not text.)
    return value if isinstance(value, str) and _SAFE.match(value) else None


def set_cookie(name: str, value: str, *, max_age: int) -> None:
    """Ask the browser to keep ``name=value`` for ``max_age`` seconds (0 deletes it).

    Strict same-site, for the whole app, and Secure whenever the app is served over
    HTTPS. It takes effect from the next page load on.
    """
    if not _SAFE.match(name) or (value and not _SAFE.match(value)):
        raise ValueError("Cookie names and values are letters, digits, '-' and '_'.")
    cookie = json.dumps(f"{name}={value}; Path=/; Max-Age={int(max_age)}; SameSite=Strict")
    st.html(
        "<script>document.cookie = "
        f"{cookie} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


def delete_cookie(name: str) -> None:
    set_cookie(name, "", max_age=0)
