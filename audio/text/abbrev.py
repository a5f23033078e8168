"""The editor's lexicon (first stage), abbreviations and spelled capitals.

Abbreviations come from the curated table in `audio.text.tables`; an ambiguous one is
expanded only when its context matches. An all-capital token that is neither in the
table nor a plausible Vietnamese syllable ("CT", "WTO") is spelled with Vietnamese
letter names, because guessing a meaning would be a silent error and reading it as a
word would be gibberish. All-capital Vietnamese words in headlines ("BẮC KẠN") are
words, not acronyms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache

from audio.text.data_files import mapping
from audio.text.numbers import Style
from audio.text.tables import DIGRAPH_INITIALS, abbreviation_index, expand_abbreviation
from audio.text.words import spell

_TONES = dict.fromkeys([0x0300, 0x0301, 0x0303, 0x0309, 0x0323], None)
# The vowel groups a Vietnamese syllable can have ("IOI" has none of them: letters).
_NUCLEI = (
    "iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyê", "uyu",
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi",
    "ôi", "ơi", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê", "oo",
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
)  # longest first, so the alternation tries "uyê" before "u"
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    rf"(?:{'|'.join(_NUCLEI)})(?:ch|ng|nh|[cmnptk])?"  # k: "ĐẮK LẮK", highland names
)


_STOP_FINAL = re.compile(r"(?:ch|[cptk])$")
_CHECKED_TONES = frozenset((0x0301, 0x0323))  # sắc, nặng


@cache
def is_vietnamese_syllable(word: str) -> bool:
    """Whether an all-capital token reads as a Vietnamese word ("BẮC", "HOA"), not letters.

    A syllable closed by p, t, c or ch takes only the sắc or nặng tone ("BẮC", "HỌC"), so
    "VIC" or "HPT" without one is a ticker or an acronym, spelled."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    bare = unicodedata.normalize("NFC", decomposed.translate(_TONES))
    if _SYLLABLE.fullmatch(bare) is None:
        return False
    return _STOP_FINAL.search(bare) is None or any(ord(c) in _CHECKED_TONES for c in decomposed)


def _boundary_alternation(keys: Sequence[str]) -> str:
    parts = []
    for key in sorted(keys, key=lambda k: (-len(k), k)):
        # not glued to a following number either ("COVID-19" is a code, not a word)
        tail = r"(?![\w]|-\d)" if key[-1].isalnum() else ""
        parts.append(re.escape(key) + tail)
    return "|".join(parts)


@cache
def _abbreviation_re() -> re.Pattern[str]:
    keys = list(abbreviation_index())
    # Looking at the first letter before trying 400 alternatives keeps this stage fast.
    first = re.escape("".join(sorted({k[0] for k in keys})))
    return re.compile(rf"(?=[{first}])(?<![\w])(?:{_boundary_alternation(keys)})")


# A whole word that starts with a capital (Latin, Vietnamese, Greek, Cyrillic): only
# those can be acronyms, and matching only them keeps this stage cheap.
_UPPER = "".join(
    c for c in map(chr, [*range(0x41, 0x5B), *range(0xC0, 0x530), *range(0x1E00, 0x1F00)])
    if c.isupper()
)
_CAPS = re.compile(rf"(?<![\w])[{re.escape(_UPPER)}][^\W\d_]*(?![\w])")


def _spell_or_word(token: str) -> str:
    if not token.isupper():
        return token
    if len(token) == 1 or not is_vietnamese_syllable(token):
        return f" {spell(token)} "
    return token


_LETTER_DOT_NAME = re.compile(
    rf"(?<![\w.])([{re.escape(_UPPER)}])\.(?=[{re.escape(_UPPER)}][^\W\d_]*[^\W\d_](?![\w.]))"
)


_LETTER_DOT_DIGIT = re.compile(rf"(?<![\w.])([{re.escape(_UPPER)}])\.(?=\d)")
_INITIAL_DOT = re.compile(
    rf"(?<=[^\W\d_]\s)([{re.escape(_UPPER)}])\.(?=\s+(\w))"
)


# "bệnh nhân Ph.", "Mai Đình Ph. (28 tuổi)": a name's initial written with its two-letter
# consonant, spelled like any initial ("pê hát"); none of these pairs is a word.
_DIGRAPH_INITIAL = re.compile(
    rf"(?<=[^\W\d_]\s)({'|'.join(DIGRAPH_INITIALS)})\.(?=\s|[,;:)]|$)"
)


def _initial(m: re.Match[str]) -> str:
    return m.group(1) if m.group(2).islower() or m.group(2).isdigit() else m.group()


_WORD_BEFORE = re.compile(r"([^\W\d_]+)[\s(]*$")


# "xã Trường Yên (H.Hoa Lư, …)": after a place's name, the letter is the next unit's.
_PLACE_BEFORE = re.compile(
    r"(?:^|\W)(?:xã|phường|thị trấn|thôn|ấp|bản|quận|huyện|tỉnh|thành phố)"
    r"(?:\s+[A-ZĐÂĂÊÔƠƯ][^\W\d_]*){1,3}[\s(,]*$"
)


def _letter_dot_name(m: re.Match[str]) -> str:
    """"H.Quế Phong" is "huyện Quế Phong" (`data/place_letters.tsv`) unless a name comes
    before it ("Nguyễn H.Phong" is an initial); other letters are prefixes said alone."""
    name = m.string[m.end() : m.end() + 40].split(None, 1)[0]
    if name.isupper():
        return m.group()
    place = mapping("place_letters", "letter", "spoken").get(m.group(1))
    if place is not None:
        before = _WORD_BEFORE.search(m.string, max(0, m.start() - 30), m.start())
        if (before is None or not before.group(1)[0].isupper() or before.group(1).isupper()
                or _PLACE_BEFORE.search(m.string, max(0, m.start() - 40), m.start())):
            return f"{place} "
    return f"{m.group(1)} "


_WORD = re.compile(r"[^\W_]+")
# A break right before the abbreviation: what precedes it is another phrase.
_BREAK_BEFORE = re.compile(r"[,;:.!?]\W*$")


def _without_echo(before: str, said: str) -> str:
    """The expansion minus the words the text has just said: "chỉ số CPI" is "chỉ số
    giá tiêu dùng", "Quỹ Tiền tệ Quốc tế (IMF)" and "Bộ Lao động - Thương binh và Xã
    hội (LĐ-TB&XH)" are said once; never across a break ("Long Thành, TP Biên Hòa")."""
    if _BREAK_BEFORE.search(before):
        return said
    said_words = said.split()
    bare = [w.strip(",.;:") for w in said_words]  # "lao động, thương binh và xã hội"
    last = _WORD.findall(before.lower())[-len(said_words) :]
    for k in range(min(len(last), len(said_words)), 0, -1):
        if last[-k:] == bare[:k]:
            return " ".join(said_words[k:])
    return said


# A market index: "VN-Index", "HNX-Index", "VN30-Index", "VNINDEX". The capitals are
# the exchange's code, spelled like "VN30" ("vê en nờ ba mươi"), never expanded ("VN"
# is "việt nam" anywhere else); "Index" is said as the English word. A glued mixed-case
# "VNIndex" is left alone: the audit checks it as an ordinary word that must be said.
_INDEX_NAME = re.compile(r"(?<![\w-])([A-Z]{2,5})(\d{0,3})(?:-(?i:index)|INDEX)(?![\w])")
_INDEX_HINT = re.compile(r"(?i:index)")


def _index_name(m: re.Match[str]) -> str:
    letters, digits = m.groups()
    return f" {spell(letters)}{' ' + digits if digits else ''} index "


def abbreviations(text: str, style: Style, domain: str | None = None) -> str:
    """Table abbreviations, ambiguous ones only in context or in the document's domain.

    Runs before the number stages because contexts look at digits ("ĐT 258" is a
    road, "ĐT: 0209…" a phone); an abbreviation glued to digits ("QL1A") is left to
    the code stage by the word boundary.
    """
    def repl(m: re.Match[str]) -> str:
        said = expand_abbreviation(text, m.start(), m.end(), domain)
        if said is None:
            return m.group()
        return f" {_without_echo(text[max(0, m.start() - 80) : m.start()], said)} "

    if _INDEX_HINT.search(text):
        text = _INDEX_NAME.sub(_index_name, text)
    text = _abbreviation_re().sub(repl, text)
    if "." not in text:
        return text
    # "V.League", "A.Sài Gòn": a lone capital glued to a name by "." is a prefix, not a
    # sentence end (the table had its chance at "P.Bến Nghé", "Q.1" first).
    text = _LETTER_DOT_NAME.sub(_letter_dot_name, text)
    # "U.21" is the code "U21"; "anh T. điều khiển", "Lê Văn T. (32 tuổi)": an initial,
    # not a sentence end, when the sentence goes on in lower case or with a number.
    text = _LETTER_DOT_DIGIT.sub(r"\1", text)
    text = _DIGRAPH_INITIAL.sub(lambda m: m.group(1).upper(), text)
    return _INITIAL_DOT.sub(_initial, text)


# A storm or typhoon name is written in capitals by the forecast centre ("bão YAGI",
# "siêu bão NORU") and said as a word, never spelled.
_NAME_AFTER = re.compile(
    r"(?:^|[^\w])(?i:bão|siêu bão|cơn bão|bão số \w+|áp thấp nhiệt đới)\s*[(\s]*$"
)


def spell_capitals(text: str, style: Style) -> str:
    """Unknown all-capital tokens letter by letter, after Roman numerals had their turn."""
    def repl(m: re.Match[str]) -> str:
        token = m.group()
        if (
            token.isupper()
            and len(token) >= 3
            and token.isascii()
            and _NAME_AFTER.search(text[max(0, m.start() - 30) : m.start()])
        ):
            return token.lower()
        return _spell_or_word(token)

    return _CAPS.sub(repl, text)


# "(PLVN) - Theo …", "(TN&MT) - …": the paper's byline at the start of a lead is silent.
_BYLINE = re.compile(r"^\s*\(\s*[A-ZĐ][A-ZĐ&.\-]{1,11}\s*\)\s*[-–—]\s*")


def byline(text: str) -> str:
    """Drop a leading "(ABC) - " source mark; newsreaders never say it."""
    return _BYLINE.sub("", text) if text[:1] in "( " else text


@lru_cache(maxsize=64)
def _lexicon_re(entries: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    spoken = {w.lower(): s for w, s in entries if w.strip()}
    alt = _boundary_alternation(list(spoken)) or "(?!)"
    return re.compile(rf"(?<![\w])(?:{alt})", re.IGNORECASE), spoken


def apply_lexicon(text: str, entries: tuple[tuple[str, str], ...]) -> str:
    """Editors' respellings, whole word, case-insensitive, the longest written form first."""
    if not entries:
        return text
    pattern, spoken = _lexicon_re(entries)
    return pattern.sub(lambda m: f" {spoken.get(m.group().lower(), m.group())} ", text)
