"""How names are compared wherever people type them: in forms and in imported files."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−"), "-")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Cached: a clash check compares a new name with every stored one, row after row of an import.
@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """Case, runs of spaces and kinds of dash do not count."""
    value = unicodedata.normalize("NFC", text).translate(DASHES).casefold()
    return " ".join(value.split())


@lru_cache(maxsize=65536)
def loose_key(text: str) -> str:
    """Like :func:`name_key`, and accents do not count either ('Malaga' is 'Málaga')."""
    return name_key(strip_accents(text))
