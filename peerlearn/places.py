"""Which city a typed name means: one rule for the Network forms and every import.

Two spellings are *the same city* when they differ only in case, spacing, accents and
punctuation ("Gdańsk" and "gdansk ", "Frankfurt-am-Main" and "Frankfurt am Main") and
name the same country, in any EU language or by its ISO code ("Deutschland", "DE" and
"Germany"). Such a spelling finds the stored city; no second one is made of it.

A spelling that is only *near* a stored city, another language's name for it
("München" for Munich, from ``data/exonyms.csv``) or a close spelling ("Arezo"), is a
suggestion: the person decides whether it is that city or a new one.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol, TypeVar

from babel import Locale
from rapidfuzz import fuzz, process

from peerlearn.names import strip_accents

# Country names are known in the EU's official languages, and in those of its
# neighbours that take part in its city networks.
LANGUAGES = [
    "bg",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "ga",
    "hr",
    "hu",
    "it",
    "lt",
    "lv",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "sv",
    "is",
    "nb",
    "sq",
    "sr",
    "mk",
    "tr",
    "uk",
    "ca",
    "eu",
    "gl",
]
# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {"ł": "l", "đ": "d", "ø": "o", "ħ": "h", "ŧ": "t", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)
_NOT_WORD = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"\d+")
# How close a spelling must be (rapidfuzz's ratio, 0-100) to be suggested.
NEAR = 85
EXONYMS = Path(__file__).parent / "data" / "exonyms.csv"


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """A name with case, accents, punctuation and spacing taken out."""
    plain = strip_accents(unicodedata.normalize("NFKC", text).casefold()).translate(_LETTERS)
    return " ".join(_NOT_WORD.sub(" ", plain).split())


@cache
def _countries() -> dict[str, str]:
    """Folded country name (or ISO code) → ISO 3166 alpha-2 code."""
    known: dict[str, str] = {}
    for language in LANGUAGES:
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha():
                known.setdefault(fold(name), code)
                known.setdefault(fold(code), code)
    return known


def country_code(text: str) -> str | None:
    """The ISO code of the country ``text`` names, or None when it is not a country
    known by that name."""
    key = fold(text)
    if key.startswith("the "):
        key = key[4:]
    return _countries().get(key)


def country_name(code: str) -> str:
    """The country's name in English, as peerlearn stores countries."""
    return Locale("en").territories.get(code, code)


def country_key(text: str) -> str:
    """What two spellings of one country share: its code, else the folded text."""
    return country_code(text) or f"?{fold(text)}"


def city_key(name: str, country: str) -> tuple[str, str]:
    """What every spelling of one city shares."""
    return fold(name), country_key(country)


@cache
def _exonyms() -> dict[tuple[str, str], frozenset[str]]:
    """(country code, folded name) → every folded name of that city."""
    found: dict[tuple[str, str], frozenset[str]] = {}
    with EXONYMS.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            names = frozenset(fold(n) for n in row["names"].split("|"))
            for name in names:
                found[(row["country"], name)] = names
    return found


class Named(Protocol):
    id: int | None
    name: str
    country: str


C = TypeVar("C", bound=Named)


@dataclass(frozen=True)
class Suggestion:
    """A stored city a spelling may mean, and why."""

    city_id: int
    label: str
    why: str


def same_city(name: str, country: str, cities: Iterable[C]) -> C | None:
    """The city of ``cities`` that ``name`` in ``country`` spells, if any."""
    key = city_key(name, country)
    return next((c for c in cities if city_key(c.name, c.country) == key), None)


def suggestions(
    name: str, country: str | None, cities: Sequence[Named], *, limit: int = 3
) -> list[Suggestion]:
    """Stored cities that ``name`` may mean without spelling them: another language's
    name for one, or a close spelling; in the same country when ``country`` is known.
    The best first."""
    wanted = fold(name)
    code = country_key(country) if country else None
    pool = [c for c in cities if code is None or country_key(c.country) == code]
    found: dict[int, Suggestion] = {}
    for city in pool:
        names = _exonyms().get((country_code(city.country) or "", fold(city.name)))
        # Near one of them counts too: "Muenchen" is how München is typed without ü.
        if (
            names
            and wanted != fold(city.name)
            and process.extractOne(wanted, names, scorer=fuzz.ratio, score_cutoff=NEAR)
        ):
            found[city.id] = Suggestion(
                city.id, label(city), f"'{name}' is another name of {city.name}"
            )
    # Names that differ in a number are other places ("Wien 10", "Lot 3"), however close.
    numbers = _NUMBER.findall(wanted)
    choices = {
        c.id: fold(c.name)
        for c in pool
        if c.id not in found and _NUMBER.findall(fold(c.name)) == numbers
    }
    close = process.extract(wanted, choices, scorer=fuzz.ratio, score_cutoff=NEAR, limit=limit)
    by_id = {c.id: c for c in pool}
    for _, _score, city_id in close:
        city = by_id[city_id]
        if fold(city.name) != wanted:
            found[city_id] = Suggestion(city_id, label(city), f"spelled like {city.name}")
    return list(found.values())[:limit]


def label(city: Named) -> str:
    return f"{city.name} ({city.country})"


def stored_country(text: str, countries: Iterable[str]) -> str:
    """How peerlearn writes the country ``text`` names: as the stored ``countries``
    spell it (the most of them), else its English name; a country it does not know
    stays as typed."""
    code = country_code(text)
    if code is None:
        return text.strip()
    spellings = Counter(c for c in countries if country_code(c) == code)
    return spellings.most_common(1)[0][0] if spellings else country_name(code)
