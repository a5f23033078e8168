"""Last stages: tidy what is left into speakable text, then check the promise.

The promise to the engines and to editors: the output is NFC, carries no digit and no
symbol (letters, spaces and the pauses . , ; : ! ? only), and keeps every ordinary word
of the input. Whatever could not be verbalized is *reported*, never dropped quietly:
an editor sees it in the preview and the lexicon can fix it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from audio.text.data_files import mapping
from audio.text.numbers import Style, read_digits
from audio.text.tables import DIGRAPH_INITIALS, abbreviation_index
from audio.text.unicode_clean import numeric_non_digits

PAUSES = ".,;:!?"


@cache
def _symbols_re() -> re.Pattern[str]:
    return re.compile(f"[{re.escape(''.join(mapping('symbols', 'symbol', 'spoken')))}]")

_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])[-–/_](?=[^\W\d_])")
_SPACED_DASH = re.compile(r"\s[-–]+\s")
# Marks that are silent by convention (stray hyphens, slashes, apostrophes, asterisks).
_SILENT = re.compile(r"[-–/_'*|\\^]+")
_PAUSE_RUN = re.compile(r"\s*([.,;:!?])(?:[\s.,;:!?]*)")
_SPACES = re.compile(r"\s+")


def tidy(text: str, style: Style) -> str:
    """Symbols said as words, joining marks silenced, pauses tidied, lower case."""
    symbols = mapping("symbols", "symbol", "spoken")
    text = _symbols_re().sub(lambda m: f" {symbols[m.group()]} ", text)
    text = _WORD_HYPHEN.sub(" ", text)
    text = _SPACED_DASH.sub(", ", text)
    text = _SILENT.sub(" ", text)
    text = _PAUSE_RUN.sub(_pause, text)
    text = _SPACES.sub(" ", text).strip()
    text = text.strip(",;: ").lstrip(PAUSES + " ")
    return unicodedata.normalize("NFC", text.lower())


def _pause(m: re.Match[str]) -> str:
    """Keep the strongest mark of a run (". ," → "."), followed by one space."""
    run = m.group()
    for mark in ".!?;:,":
        if mark in run:
            return f"{mark} "
    return " "


def _drop_unspeakable(text: str) -> tuple[str, list[str]]:
    """Replace symbols, and combining marks with no letter to sit on, by spaces."""
    out: list[str] = []
    bad: set[str] = set()
    on_letter = False
    for ch in text:
        if ch.isalpha():
            on_letter = True
        elif unicodedata.category(ch)[0] == "M" and on_letter:
            pass
        elif ch == " " or ch in PAUSES:
            on_letter = False
        else:
            bad.add(ch)
            ch, on_letter = " ", False
        out.append(ch)
    return "".join(out), sorted(bad)


_SUSPECTS = re.compile(r"[^\w .,;:!?]|[\d_²³¹¼½¾]")
_NON_LATIN = re.compile("[^\x00-\u024f\u1e00-\u1eff]")


@cache
def _numeric_re() -> re.Pattern[str]:
    """Numbers that `re` counts as word characters ("௰", "Ⅻ"); only checked when the text
    leaves the Latin script, because this long class is slow and Vietnamese never needs it."""
    return re.compile(f"[{_ranges(numeric_non_digits())}]")


def _suspects(text: str) -> set[str]:
    """Characters that may be unspeakable; `_drop_unspeakable` decides."""
    found = set(_SUSPECTS.findall(text))
    if _NON_LATIN.search(text):
        found.update(_numeric_re().findall(text))
    return found


def _ranges(chars: str) -> str:
    """A character-class body with runs collapsed to ranges (a long class is slow)."""
    cps = sorted(map(ord, chars))
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = re.escape(chr(cps[i])), re.escape(chr(cps[j]))
        parts.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "".join(parts)


def audit(source: str, spoken: str, exempt: Iterable[str] = ()) -> tuple[str, list[str]]:
    """Enforce and report: returns the cleaned spoken text and the warnings."""
    warnings: list[str] = []
    suspects = _suspects(spoken)
    if not suspects:
        return _finish(source, spoken, exempt, warnings)
    if any(ch.isdigit() for ch in suspects):
        warnings.append("còn chữ số chưa đọc được, đã đọc từng chữ số: hãy kiểm tra cách đọc")
        spoken = re.sub(r"\d+", lambda m: f" {read_digits(_ascii_digits(m.group()))} ", spoken)
    spoken, bad = _drop_unspeakable(spoken)
    if bad:
        warnings.append(f"đã bỏ ký hiệu không đọc được: {', '.join(map(_show, bad))}")
    spoken = _PAUSE_RUN.sub(_pause, spoken)
    # the same trimming as `tidy`, so that normalizing the output again changes nothing
    spoken = _SPACES.sub(" ", spoken).strip().strip(",;: ").lstrip(PAUSES + " ")
    spoken = unicodedata.normalize("NFC", spoken)
    return _finish(source, spoken, exempt, warnings)


def _finish(
    source: str, spoken: str, exempt: Iterable[str], warnings: list[str]
) -> tuple[str, list[str]]:
    lost = lost_words(source, spoken, exempt)
    if lost:
        warnings.append(f"từ bị bỏ sót khi đọc: {', '.join(lost)}")
    return spoken, warnings


def _show(ch: str) -> str:
    """A removed character as an editor can find it: itself, or its code if invisible."""
    visible = ch.isprintable() and not ch.isspace() and unicodedata.category(ch)[0] != "M"
    return f"'{ch}'" if visible else f"U+{ord(ch):04X}"


def _ascii_digits(digits: str) -> str:
    return "".join(str(unicodedata.decimal(c, 0)) for c in digits)


_TOKEN_STRIP = "\"'“”‘’()[]{}«»<>.,;:!?/…*-–—"
_WORDS = re.compile(r"[^\W\d_]+")
_STRIP_CLASS = re.escape(_TOKEN_STRIP)
_PLAIN = re.compile(rf"(?<!\S)[{_STRIP_CLASS}]*([^\W\d_]+)[{_STRIP_CLASS}]*(?!\S)")


@cache
def default_exempt() -> frozenset[str]:
    """Written forms the pipeline replaces on purpose (abbreviations, units, currencies)."""
    forms: set[str] = set(abbreviation_index())
    for table, column in (
        ("units", "unit"),
        ("currencies", "symbol"),
        ("weekdays", "written"),
        ("code_prefixes", "prefix"),
        ("doc_types", "code"),
        ("goal_marks", "written"),
    ):
        forms.update(mapping(table, column, column))
    return frozenset(f.lower().strip(_TOKEN_STRIP) for f in forms) | frozenset(
        f.lower() for f in forms
    )


@cache
def undecided_forms() -> frozenset[str]:
    """Table abbreviations with no default reading ("BTC", "CT"): when neither a context
    nor the document's domain decided, they were spelled, and that is a guess too."""
    return frozenset(
        abbr.lower()
        for abbr, entries in abbreviation_index().items()
        if all(e.context is not None or e.domain is not None for e in entries)
    )


@cache
def _spelling_exempt() -> frozenset[str]:
    return default_exempt() - undecided_forms()


def plain_words(text: str) -> list[str]:
    """Ordinary words: whitespace tokens made only of letters, not all-capital acronyms."""
    out = []
    for word in _PLAIN.findall(text):
        if (word.isupper() and (len(word) > 1 or word.isascii())) or word in DIGRAPH_INITIALS:
            continue
        out.append(word.lower())
    return out


def lost_words(source: str, spoken: str, exempt: Iterable[str] = ()) -> list[str]:
    """Ordinary input words that do not appear in the spoken text, in input order."""
    said = set(_WORDS.findall(spoken.lower()))
    skip = default_exempt() | {e.lower() for e in exempt}
    lost: list[str] = []
    for word in plain_words(source):
        if word not in said and word not in skip and word not in lost:
            lost.append(word)
    return lost


_CAPITAL_TOKEN = re.compile(r"(?<![\w.])[A-ZĐ]{2,}(?![\w])")
_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def spelled_capitals(source: str, spoken: str, exempt: Iterable[str] = ()) -> list[str]:
    """All-capital tokens that no table knows and that were read letter by letter.

    Spelling is the safe reading of an unknown acronym, but it is a guess an editor
    should confirm once (and add to the lexicon of the bulletin's source)."""
    from audio.text.abbrev import is_vietnamese_syllable  # avoid an import cycle
    from audio.text.words import spell

    skip = _spelling_exempt() | {e.lower() for e in exempt}
    said = f" {spoken.lower()} "
    found: list[str] = []
    for token in _CAPITAL_TOKEN.findall(source):
        if token.lower() in skip or token in found or _ROMAN.fullmatch(token):
            continue
        if is_vietnamese_syllable(token):
            continue
        if f" {spell(token).lower()} " in said:
            found.append(token)
    return found


_PUNCT = re.compile(r"[^\w\s]|_")
# Variants the conventions call equally right: tư/bốn, linh/lẻ, nghìn/ngàn, tỷ/tỉ, hòa/hoà.
_EQUIVALENT = [
    (re.compile(r"\b(mươi|phần|thứ|tháng|linh|lẻ) tư\b"), r"\1 bốn"),  # "linh tư": the north
    (re.compile(r"\blẻ\b"), "linh"),
    (re.compile(r"\bngàn\b"), "nghìn"),
    (re.compile(r"\btỉ\b"), "tỷ"),
    (re.compile(r"\bhoà\b"), "hòa"),
]


def heard(text: str) -> str:
    """What a listener hears, as the readings are compared (the case table, the real-news
    corpus, the benchmark against other normalizers): the words, lower-cased, without
    punctuation, with the regional variants the conventions call equally right folded."""
    said = " ".join(_PUNCT.sub(" ", text.lower()).split())
    for pattern, repl in _EQUIVALENT:
        said = pattern.sub(repl, said)
    return said


def misread_tokens(written: str, expected: str, got: str) -> tuple[int, list[tuple[str, str]]]:
    """Score one text read aloud, as the whole-article measure counts it (the test and the
    benchmark share it): the number of written words, and each place where `got` is heard
    differently from `expected` as (expected words, heard words). The `heard` word lists
    are aligned with difflib; every differing run counts as one wrongly read written token
    (an approximation: two neighbouring wrong tokens merge into one run, and a token wrong
    in two separate places, "0.05S" read without "phẩy" and with "s", counts twice)."""
    want, said = heard(expected).split(), heard(got).split()
    runs = difflib.SequenceMatcher(None, want, said, autojunk=False).get_opcodes()
    misread = [(" ".join(want[i1:i2]), " ".join(said[j1:j2]))
               for op, i1, i2, j1, j2 in runs if op != "equal"]
    return len(written.split()), misread

