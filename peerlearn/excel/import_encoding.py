"""The text encoding of an imported CSV file: detected, or chosen by the coordinator, and
text that still looks mis-decoded.

Excel saves CSV in the code page of the computer's region: Windows-1250 in Poland,
Czechia or Croatia, Windows-1252 in Western Europe. The same bytes read with the wrong
one give real-looking letters (Łódź becomes £ódŸ), so charset-normalizer's guesses among
the European code pages are ranked again by how garbled each reading looks, and every
text cell is checked once more after reading.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from peerlearn.errors import InvalidInput
from peerlearn.inputs import CONTROL_CHARACTERS

# What the Imports page offers, by Python's own codec name (codecs.lookup(...).name).
ENCODINGS = {
    "utf-8": "UTF-8",
    "cp1250": "Windows-1250 (Central European)",
    "cp1252": "Windows-1252 (Western European)",
    "cp1257": "Windows-1257 (Baltic)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "iso8859-2": "ISO-8859-2 (Central European)",
    "iso8859-15": "ISO-8859-15 (Western European)",
    "mac-roman": "Mac Roman",
    "utf-16": "UTF-16",
}
# The single-byte code pages a guess is made among (UTF-8 and UTF-16 are told for sure).
_GUESSED = ["cp1250", "cp1252", "cp1257", "cp1251", "cp1253", "cp1254", "iso8859_2"]
# Latin-1 signs (¡ to ¿) that stand next to a letter only when letters were mis-read,
# e.g. £ in £ódŸ or ³ in Wroc³aw; the degree sign and the guillemets are real text.
# Spanish opens a sentence with ¡ or ¿, so those two count only after a letter.
_SIGN_IN_WORD = re.compile(r"(?<=[^\W\d_])[¡-¿]|[¢-¾](?=[^\W\d_])")
_REAL_SIGNS = set("°«»·ºª")
# Weaker marks, used only to rank the readings: Czech and Croatian letters read as
# Windows-1252 become grave vowels where Western words have none (Čakovec as Èakovec,
# Plzeň as Plzeò, Budějovice as Budìjovice).
_GRAVE_INSIDE = re.compile(r"\b[ÈÌÒÙ](?=[a-zà-ÿ])|[ìòù](?=[^\W\d_])")
# Excel's code page in Western Europe: the reading kept when two read equally well.
_USUAL = "cp1252"


def codec_name(encoding: str) -> str:
    """Python's name of ``encoding`` ('windows-1250' -> 'cp1250'); InvalidInput when
    there is no such encoding."""
    try:
        return codecs.lookup(encoding.strip()).name
    except (LookupError, AttributeError):
        raise InvalidInput(
            f"There is no text encoding called '{encoding}'; choose one of: "
            f"{', '.join(ENCODINGS.values())}.",
            field="encoding",
        ) from None


def encoding_label(codec: str) -> str:
    """'cp1250' -> 'Windows-1250 (Central European)'."""
    name = codec_name(codec)
    return ENCODINGS.get(name, name)


def decode(content: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of ``content`` and the codec it was read with: ``encoding`` when given
    (bytes it cannot read become U+FFFD, flagged later), else the detected one."""
    if encoding is not None:
        codec = codec_name(encoding)
        python = "utf-8-sig" if codec == "utf-8" else codec
        return content.decode(python, errors="replace"), codec
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16"), "utf-16"
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    readings = []
    for rank, match in enumerate(from_bytes(content, cp_isolation=_GUESSED)):
        text, codec = str(match), codec_name(match.encoding)
        marks = (garble_score(text), len(_GRAVE_INSIDE.findall(text)), codec != _USUAL, rank)
        readings.append((marks, text, codec))
    if not readings:
        return content.decode(_USUAL, errors="replace"), _USUAL
    _, text, codec = min(readings)
    return text, codec


def _mojibake(text: str) -> str | None:
    """What ``text`` says when its letters are UTF-8 once read as Windows-1252."""
    if text.isascii():
        return None
    try:
        repaired = text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return None
    return repaired if repaired != text else None


def _case_flips(text: str) -> int:
    """Capital accented letters right after a small letter ('dŸ'), a sign of misreading."""
    return sum(
        1
        for before, letter in zip(text, text[1:], strict=False)
        if not letter.isascii() and letter.isupper() and before.islower()
    )


def _signs_in_words(text: str) -> int:
    return sum(1 for m in _SIGN_IN_WORD.finditer(text) if m.group() not in _REAL_SIGNS)


def garble_score(text: str) -> int:
    """How many marks of mis-decoding ``text`` carries (0 for text read right)."""
    controls = len(CONTROL_CHARACTERS.findall(text))
    return text.count("\ufffd") + controls + _signs_in_words(text) + _case_flips(text)


def garbled(text: str) -> str | None:
    """Why ``text`` looks mis-decoded, or None when it looks right."""
    repaired = _mojibake(text)
    if repaired is not None:
        return (
            f"'{text}' looks garbled: read as UTF-8 it says '{repaired}'. The text was "
            "once opened with the wrong encoding; write it as it should read."
        )
    if "\ufffd" in text:
        why = "holds characters that could not be read"
    elif CONTROL_CHARACTERS.search(text):
        why = "holds a control character"
    elif _signs_in_words(text) or _case_flips(text):
        why = "has signs or capitals where letters should be"
    else:
        return None
    shown = unicodedata.normalize("NFC", CONTROL_CHARACTERS.sub("?", text))
    return (
        f"'{shown}' looks garbled ({why}): the file may be in another encoding. "
        "Choose the encoding it was saved in, or fix the text."
    )
