"""Stage 1: make any incoming Unicode (or legacy 8-bit Vietnamese) into clean NFC text.

Every later stage matches on NFC code points, so this has to run first. Portals still
serve TCVN3 and VNI text that was decoded as Latin-1/cp1252; it is recognised by
characters real Vietnamese never uses (`audio.text.legacy`) and mapped back first,
because TCVN3 uses code points (U+00AD for "ư") that the cleanup would otherwise strip.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

from audio.text.legacy import convert_legacy

_SPACES = dict.fromkeys(
    [0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000, 0x0009, 0x000A,
     0x000B, 0x000C, 0x000D, 0x0085, 0x2028, 0x2029],
    " ",
)
_INVISIBLE = dict.fromkeys([0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E], None)
_LOOKALIKES = {0x00D0: "Đ", 0x00F0: "đ", 0x0189: "Đ", 0x2044: "/", 0x2215: "/"}


@cache
def _scan() -> tuple[dict[int, str], str]:
    """One pass over Unicode: decimal digits of every script → ASCII, and the numeric
    characters that are not decimal digits ("Ⅻ", "௰"), which only the audit can report."""
    digits: dict[int, str] = {}
    numeric: list[str] = []
    for cp in range(0x80, sys.maxunicode + 1):
        ch = chr(cp)
        if ch.isdecimal():
            digits[cp] = str(unicodedata.decimal(ch))
        elif ch.isnumeric():
            numeric.append(ch)
    return digits, "".join(numeric)


def _digit_table() -> dict[int, str]:
    return _scan()[0]


def numeric_non_digits() -> str:
    """Characters that count as word characters to `re` but are numbers, not letters."""
    return _scan()[1]


@cache
def _translation() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    table.update(_digit_table())
    table.update(_SPACES)
    table.update(_INVISIBLE)
    table.update(_LOOKALIKES)
    for cp in range(0x20):  # remaining C0 controls
        table.setdefault(cp, " ")
    for cp in range(0x7F, 0xA0):  # DEL and C1 controls
        table.setdefault(cp, " ")
    return table


# "Khoảng19h", "Đợt2": a Vietnamese word glued to a number by a typing slip (a code has
# no Vietnamese letter in it: "QL1A", "H5N1", "SpO2", "iPhone15" stay whole).
_GLUED_HINT = re.compile(r"[a-zà-ỹđ]\d")  # cheap: a lower-case letter before a digit
_GLUED = re.compile(r"(?<![\w])([^\W\d_]{2,})(?=\d)")


# "2,37triệu", "5độ": a number glued to the Vietnamese word after it (a unit symbol is
# ASCII, "5km", and stays glued for the unit stage).
_VI_MARKED = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_GLUED_AFTER_HINT = re.compile(rf"\d[a-z{_VI_MARKED}]")
_GLUED_AFTER = re.compile(
    rf"(?<=\d)(?=[a-z{_VI_MARKED}]*[{_VI_MARKED}])(?=[a-z{_VI_MARKED}]{{2,}}(?!\w))"
)


_O_CELSIUS = re.compile(r"(?<=\d)\s?oC(?![\w])")


def _unglue(m: re.Match[str]) -> str:
    word = m.group(1)
    vietnamese = not word.isascii() and not word.isupper()
    return f"{word} " if vietnamese else word


_SPACED_CODE_HINT = re.compile(r"[^\W\d_]\s+-\s?\d|[^\W\d_]\s?-\s+\d")


@cache
def _spaced_code() -> re.Pattern[str]:
    """"Covid -19", "COVID - 19": a name whose number the table joins ("Covid-19"), typed
    with a space by the hyphen; joined, or the number would be read as negative."""
    from audio.text.tables import abbreviation_index

    names = sorted({k.rsplit("-", 1)[0] for k in abbreviation_index()
                    if re.fullmatch(r"[^\W\d_]+-\d+", k)}, key=len, reverse=True)
    return re.compile(rf"(?<![\w-])({'|'.join(map(re.escape, names))})\s*-\s*(?=\d)")


def clean(text: str) -> str:
    """NFC (via NFKC: full-width digits, ², ligatures), spaces, invisible marks, legacy text."""
    text = convert_legacy(text).translate(_translation())
    if not unicodedata.is_normalized("NFKC", text):
        # NFKC can produce new digits (①→1) and fraction slashes (½→1⁄2): translate again.
        text = unicodedata.normalize("NFKC", text).translate(_translation())
    if _SPACED_CODE_HINT.search(text):
        text = _spaced_code().sub(r"\1-", text)
    if "oC" in text:  # "37-39oC", "42,2oC": a degree sign typed as a letter o
        text = _O_CELSIUS.sub("°C", text)
    if _GLUED_HINT.search(text):
        text = _GLUED.sub(_unglue, text)
    if _GLUED_AFTER_HINT.search(text):
        text = _GLUED_AFTER.sub(" ", text)
    return new_tone_placement(text)


# Old tone placement ("hoà", "khoẻ", "thuỷ") → the placement most text and the tables
# use ("hòa", "khỏe", "thủy"), only in open syllables and never after "q" ("quý").
_TONED = {
    "a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ",
    "A": "ÀÁẢÃẠ", "E": "ÈÉẺẼẸ", "Y": "ỲÝỶỸỴ",
}
_FIRST = {"o": "òóỏõọ", "u": "ùúủũụ", "O": "ÒÓỎÕỌ", "U": "ÙÚỦŨỤ"}
_PAIRS = {("o", "a"), ("o", "e"), ("u", "y")}
_OLD_TONE = re.compile(
    "(?<![qQ])([oOuU])([" + "".join(_TONED.values()) + "])(?![^\\W\\d_])"
)
_TONE_INDEX = {ch: (base, i) for base, chars in _TONED.items() for i, ch in enumerate(chars)}


def _move_tone(m: re.Match[str]) -> str:
    first, second = m.group(1), m.group(2)
    base, tone = _TONE_INDEX[second]
    if (first.lower(), base.lower()) not in _PAIRS:
        return m.group()
    return _FIRST[first][tone] + base


def new_tone_placement(text: str) -> str:
    """"hoà" → "hòa": one spelling per word, so lexicon and tables match either way."""
    return _OLD_TONE.sub(_move_tone, text)
