"""Detect and convert legacy 8-bit Vietnamese text (TCVN3/ABC and VNI).

Old provincial portals still serve pages typed in TCVN3 or VNI fonts; by the time
they reach us the bytes have been decoded as Latin-1/cp1252, so "Hà Nội" arrives as
"Hµ Néi" (TCVN3) or "Haø Noäi" (VNI). Converting blindly would wreck French or German
text that uses the same Latin-1 letters, so conversion only happens when the text
carries *signatures*: character sequences that legacy Vietnamese produces constantly
and that neither Unicode Vietnamese nor Western European languages produce.

Signatures:
- Unicode Vietnamese is excluded outright: it almost always contains letters above
  U+00FF (ă, đ, ơ, ư, ạ…), which a Latin-1 decoding can never produce.
- TCVN3: a Latin letter followed by a TCVN3 tone/vowel symbol ("c¸c", "nh©n"), or
  "®"/"§" (đ/Đ) opening a word. Symbols like "®" after a word (Microsoft®) don't count.
- VNI: a vowel followed by a VNI mark byte ("aø", "eä"), minus pairs that occur in
  French, Spanish or Unicode Vietnamese (où, goût, Raphaël, naïf, aún, aéroport,
  hoà, toán), plus "ñ" opening a word (đ) and "öô" (ươ).
At least two hits of at least two different kinds are required, so one stray symbol
or a Catalan "l·l" never converts a document.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import islice

from audio.text.tables import LegacyName, legacy_map

_TCVN3_MARKS = "µ¶·¸¹¨©ª«¬»¼½¾¡¢£¤¥¦×÷Þþ"
_TCVN3_SIGNATURE = re.compile(
    rf"(?<=[A-Za-z])[{_TCVN3_MARKS}]|(?<![A-Za-z])[®§](?=[A-Za-z\u00a1-\u00ff])"
)

# Pairs that are real Western European spellings or Unicode Vietnamese ("hoà").
_VNI_NOT_SIGNATURE = frozenset(
    p
    for pair in ("où", "oû", "aë", "aï", "oï", "eï", "uï", "oà", "oá", "oã", "aú", "aé")
    for p in (pair, pair.upper(), pair.capitalize())
)

_BEYOND_LATIN1 = re.compile(r"[^\x00-\xff]")
_LATIN1_HIGH = re.compile(r"[\xa0-\xff]")
_ENOUGH_HITS = 200

_VNI_CANDIDATE = re.compile(
    "[aeouyAEOUYôöÔÖ][øùûõïâàáåãäêèéúüëØÙÛÕÏÂÀÁÅÃÄÊÈÉÚÜË]"
    r"|(?<![A-Za-z])[ñÑ](?=[A-Za-z])|öô|ÖÔ"
)


@cache
def _vni_signatures() -> frozenset[str]:
    pairs = {k for k in legacy_map("vni") if len(k) == 2} - _VNI_NOT_SIGNATURE
    return frozenset(pairs | {"ñ", "Ñ", "öô", "ÖÔ"})


@cache
def _tcvn3_table() -> dict[int, str]:
    return {ord(k): v for k, v in legacy_map("tcvn3").items()}


@cache
def _converter(name: LegacyName) -> re.Pattern[str]:
    keys = sorted(legacy_map(name), key=len, reverse=True)  # longest sequence wins
    return re.compile("|".join(re.escape(k) for k in keys))


def _has_letters_beyond_latin1(text: str) -> bool:
    return any(m.group().isalpha() for m in _BEYOND_LATIN1.finditer(text))


def _score(pattern: re.Pattern[str], text: str, valid: frozenset[str] | None = None) -> int:
    found = (m.group() for m in pattern.finditer(text))
    if valid is not None:
        found = (h for h in found if h in valid)
    hits = list(islice(found, _ENOUGH_HITS))  # a few hundred decide it; stop early
    return len(hits) if len(hits) >= 2 and len(set(hits)) >= 2 else 0


def detect_legacy(text: str) -> LegacyName | None:
    """Which legacy encoding `text` was typed in, or None for ordinary text."""
    if not _LATIN1_HIGH.search(text) or _has_letters_beyond_latin1(text):
        return None
    tcvn3 = _score(_TCVN3_SIGNATURE, text)
    vni = _score(_VNI_CANDIDATE, text, _vni_signatures())
    if not tcvn3 and not vni:
        return None
    return "tcvn3" if tcvn3 >= vni else "vni"


def decode_legacy(text: str, name: LegacyName) -> str:
    """Convert text known to be in `name` to Unicode NFC, without detection."""
    mapping = legacy_map(name)
    if name == "tcvn3":  # one character each: a translation table is much faster
        return text.translate(_tcvn3_table())
    return _converter(name).sub(lambda m: mapping[m.group()], text)


def convert_legacy(text: str) -> str:
    """Unicode text for `text`: converted if it is legacy-encoded, unchanged otherwise.

    Must run before soft hyphens are stripped: TCVN3 stores "ư" as U+00AD.
    """
    name = detect_legacy(text)
    return text if name is None else decode_legacy(text, name)
