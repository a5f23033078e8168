"""Stages 2–3: silent marks, then spans that must be read as a whole (URLs, e-mail,
phone numbers, document codes) before the number stages could split them apart.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from audio.text.data_files import alternation, mapping, trailing_context, words
from audio.text.numbers import Style, has_digit, read_digits, read_int, read_integer_string
from audio.text.tables import abbreviation_index, expand_abbreviation
from audio.text.words import spell

# "./." closes official documents and is never read; keep a full stop for the pause.
_END_MARK = re.compile(r"\s*\./\.")
_ETC = re.compile(r"(?<!\w)v\.v\.?(?:\.\.)?", re.IGNORECASE)
_ELLIPSIS = re.compile(r"\.{3,}|…")
_QUOTES_BRACKETS = re.compile(r"[\"“”„‟«»‹›「」『』‘’‚‛`´()\[\]{}⟨⟩]")
_BULLET = re.compile(r"(?:^|(?<=[:;]))\s*(?:[-+*•●▪■◦‣∙·–—]|\d{1,2}[.)](?=\s))\s+")
# "(024) 3825 1234", "(+84) 912…": the bracketed prefix stays glued to the phone number.
_AREA_CODE = re.compile(r"(\+84\s?)?\((\+84|\d{1,4})\)\s*(?=\d)")


def _area_code(m: re.Match[str]) -> str:
    country, area = m.groups()
    if country is None and not area.startswith(("0", "+")):
        return m.group()  # "(24) 3825" is not a phone prefix
    return f"{country or ''}{area} "
_MIDDLE_BULLETS = re.compile(r"[•●▪■◦‣∙※]")
_DASH = re.compile(r"\s+[—―]\s*|\s*[—―]\s+|[—―]")


# "Lễ khai mạc (5.12)", "Hội nghị (19-25.1)": a day and month alone in brackets after
# an event is its date, said "ngày …" once the brackets are gone.
_BRACKET_DOT_DATE = re.compile(
    r"\(\s*((?:\d{1,2}\s?[-–]\s?)?(\d{1,2})\.(\d{1,2})(?:\.\d{4})?)\s*\)"
)


def _bracket_date(m: re.Match[str]) -> str:
    day, month = int(m.group(2)), int(m.group(3))
    return f" ngày {m.group(1)} " if 1 <= day <= 31 and 1 <= month <= 12 else m.group()


# "Olympic Toán quốc tế (IMO)", "vắc xin Sởi-Rubella (MR)": an acronym no table knows,
# alone in brackets after the name it stands for, is not read (a known one is said once,
# see `abbrev._without_echo`).
_BRACKET_ACRONYM = re.compile(
    r"(?<=[^\W_])\s*\(\s*([A-ZĐ][A-ZĐ0-9&]{1,8}(?:-[A-ZĐ0-9&]{1,6})?)\s*\)"
)
_WORDS_BEFORE = re.compile(r"[^\W_]+")


def _after_a_name(m: re.Match[str]) -> bool:
    """Whether the bracket closes a name: a capitalised word after the sentence's first
    word, at most 12 words back ("Phòng Kỹ thuật hình sự (PC09)", "Nhóm các nước công
    nghiệp … (G7)", "Chương trình giáo dục phổ thông 2018 (CTGDPT)"), not a plain
    description ("Chỉ số đại diện cho rổ vốn hóa lớn (VN30)" is read)."""
    words = list(_WORDS_BEFORE.finditer(m.string, 0, m.start()))
    return any(
        w.group()[0].isupper() and not w.group().isupper() and w.start() > 0
        for w in words[1:][-12:]
    )


_INITIALS_SKIP = frozenset(("và", "-", "–"))  # "TD&MNPB": "&" stands for "và"


def _bare(letter: str) -> str:
    """A letter without its tone or vowel marks ("Ủ" → "u"; "Đ" stays "đ")."""
    return unicodedata.normalize("NFD", letter.lower())[0]


def _spells_initials(before: str, abbr: str) -> bool:
    """Whether the letters of `abbr` (3 or more) are the initials of the words just
    before it: "Uỷ ban thương vụ Quốc hội (UBTVQH)", a typo included; "an ninh - quốc
    phòng (AN-QP)"; "Trung du và miền núi phía Bắc (TD&MNPB)", "&" for "và"."""
    letters = [_bare(c) for c in abbr if c.isalpha()]
    if len(letters) < 3:
        return False
    words = _WORDS_BEFORE.findall(before.lower())
    heads = [w for w in words if w not in _INITIALS_SKIP][-len(letters):]
    return [_bare(w[0]) for w in heads] == letters


def _names_before(before: str, abbr: str, said: str) -> bool:
    """Whether a table abbreviation alone in brackets only repeats the name just written:
    its expansion is among the last words ("Trung tâm Kiểm soát bệnh tật thành phố
    (CDC)"), or its letters are their initials."""
    words = _WORDS_BEFORE.findall(before.lower())
    want = [w.strip(",.;:") for w in said.split()]
    recent = words[-(len(want) + 4):]
    if any(recent[i : i + len(want)] == want for i in range(len(recent) - len(want) + 1)):
        return True
    return _spells_initials(before, abbr)


def _recent(m: re.Match[str]) -> str:
    """The text just before a match, bounded so that a whole article stays linear."""
    return m.string[max(0, m.start() - 200) : m.start()]


def _bracket_acronym(m: re.Match[str]) -> str:
    """An acronym no table knows, alone in brackets after the name it stands for, only
    repeats that name and is silent: letters after a word ("(IMO)", "(SXH)" is known
    and said once by `abbrev._without_echo`); a code with a digit ("(G7)", "(PC09)"), or
    any code after a number ("2018 (CTGDPT)"), only when the bracket closes a name. A
    table abbreviation is left to the abbreviation stage ("Tập đoàn Điện lực Việt Nam
    (EVN)" → "e vê en"; "Tổ chức Y tế Thế giới (WHO)" is said once)."""
    token = m.group(1)
    if token in abbreviation_index():
        said = expand_abbreviation(m.string, m.start(1), m.end(1))
        if said and _names_before(_recent(m), token, said):
            return " "  # "Trung tâm Kiểm soát bệnh tật thành phố (CDC)"
        return m.group()
    plain = token.isalpha() and not m.string[m.start() - 1].isdigit()
    if plain or _after_a_name(m) or _spells_initials(_recent(m), token):
        return " "
    return m.group()


# A race time written with the seconds mark: "10”37", "(11”45)", "1'58”38" (athletics
# and swimming results). The mark is a quote a later step would drop, leaving two bare
# numbers: it is "giây", the hundredths after it are read by `dates._SECONDS_HUNDREDTHS`.
_SECONDS_MARK = re.compile(
    r"(?<![\w.,'’′])(?:(\d{1,2})['’′])?(\d{1,2})(?:[”\"″]|’’|'')(\d{2})(?![\w”\"″'’]|[.,]\d)"
)


def _seconds_mark(m: re.Match[str]) -> str:
    minutes, seconds, hundredths = m.groups()
    head = f"{minutes} phút " if minutes is not None else ""
    return f"{head}{seconds} giây {hundredths}"


# A goal's minute in a scorer list: "Xuân Son (68' pen)", "Tuấn Hải (90'+3)", "45+2'",
# "12' og": "phút sáu mươi tám, phạt đền", "phút chín mươi cộng ba" (the kinds of goal:
# data/goal_marks.tsv). Only after a bracket or a scorer's name, never a digit after the mark (a
# race time, "1'58”38"), never inside a quotation ("‘Top 10’", "'có 5'").
@cache
def _goal_minute_re() -> re.Pattern[str]:
    kinds = alternation(mapping("goal_marks", "written", "spoken"))
    return re.compile(
        r"(?:(?<=\()|(?<=[^\W\d_]\s)|(?<=[,;]\s))(\d{1,3})(?:\+(\d{1,2}))?['’′]"
        rf"(?:\s?\+\s?(\d{{1,2}}))?(?:\s?({kinds})(?!\w))?(?![\w'’′”\"″]|\d)"
    )


# What may stand before a goal's minute: a bracket, a scorer's name (capitalised), or the
# comma of a scorer's list whose first minute came already ("Văn Toàn 23', 56'").
_NAME_BEFORE = re.compile(r"(?:^|[^\w])[A-ZĐÂĂÊÔƠƯ][^\W\d_]*\s$")
_MINUTE_BEFORE = re.compile(r"\d['’′]\s?[,;]\s$")


def _goal_minute(m: re.Match[str]) -> str:
    minute, added, added_after, kind = m.groups()
    before = m.string[max(0, m.start() - 300) : m.start()]  # the quotation is this near
    mark = m.group()[len(minute) + (len(added) + 1 if added else 0)]
    # an open quotation: an odd count of straight quotes that do not close a minute
    quoted = (len(re.findall(r"(?<!\d)'", before)) % 2 == 1 if mark == "'"
              else mark == "’" and before.count("‘") > before.count("’"))
    after_name = (before.endswith("(") or _NAME_BEFORE.search(before[-30:])
                  or _MINUTE_BEFORE.search(before[-6:]))
    if int(minute) > 130 or quoted or not after_name:
        return m.group()  # "kéo dài 90'", "những năm 90'": not a scorer's minute
    extra = added or added_after
    said = f" phút {minute}{f' cộng {extra}' if extra else ''}"
    return f"{said}, {mapping('goal_marks', 'written', 'spoken')[kind]}" if kind else said


def silent_marks(text: str, style: Style) -> str:
    """Marks a reader sees but an announcer does not say: "./.", quotes, bullets, brackets."""
    text = _END_MARK.sub(".", text)
    if any(mark in text for mark in ("”", '"', "″", "’’", "''")):
        text = _SECONDS_MARK.sub(_seconds_mark, text)
    if any(mark in text for mark in ("'", "’", "′")):
        text = _goal_minute_re().sub(_goal_minute, text)
    if "(" in text:
        text = _BRACKET_ACRONYM.sub(_bracket_acronym, text)
    if "(" in text and "." in text:
        text = _BRACKET_DOT_DATE.sub(_bracket_date, text)
    text = _ETC.sub(" vân vân ", text)
    text = _ELLIPSIS.sub(", ", text)
    text = _BULLET.sub(" ", text)
    text = _AREA_CODE.sub(_area_code, text)
    text = _QUOTES_BRACKETS.sub(" ", text)
    text = _MIDDLE_BULLETS.sub(" ", text)
    return _DASH.sub(", ", text)


_URL = re.compile(
    r"(?:https?://|www\.)[^\s\"'<>“”]+"
    r"|(?<![\w@.])[a-z0-9][\w-]*(?:\.[\w-]+)*\.(?:vn|com|net|org|gov|edu|info|io)"
    r"(?:\.vn)?(?:/[^\s\"'<>“”]*)?(?![\w@])",
    re.IGNORECASE,
)
_TLD = re.compile(r"\.(?:vn|com|net|org|gov|edu|info|io)\b", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL_PIECE = re.compile(r"[^\W_]+|[./@:?=&#%~+]")
_URL_SYMBOLS = {".": "chấm", "/": "gạch chéo", "@": "a còng"}


def _read_address(addr: str) -> str:
    """A URL or e-mail piece by piece: words as written, digits one by one, "." "chấm"."""
    said: list[str] = []
    for piece in _URL_PIECE.findall(addr):
        if piece.isdigit():
            said.append(read_digits(piece))
        elif piece in _URL_SYMBOLS:
            said.append(_URL_SYMBOLS[piece])
        elif piece.lower() == "www":
            said.append("vê kép vê kép vê kép")
        elif piece[0].isalnum():
            said.append(_read_alnum_run(piece))
    return " ".join(said)


def _read_alnum_run(piece: str) -> str:
    parts = re.findall(r"\d+|[^\W\d_]+", piece)
    return " ".join(read_digits(p) if p.isdigit() else p.lower() for p in parts)


def _url(m: re.Match[str]) -> str:
    url = m.group()
    tail = ""
    while url and url[-1] in ".,;:!?":
        url, tail = url[:-1], url[-1] + tail
    url = re.sub(r"^https?://", "", url, flags=re.IGNORECASE).rstrip("/")
    return f" {_read_address(url)}{tail} "


# Vietnamese phone numbers: 0 + 9–10 digits, or +84 + 9–10 digits, in groups.
_PHONE = re.compile(
    r"(?<![\w.,/+])(\+84|\b0)[ .-]?(\d{2,4})(?:[ .-]?\d{2,4}){1,3}(?![\w/]|[.,]\d)"
)
_SERVICE_PREFIX = re.compile(
    r"(?<![\w.,])(?:1800|1900)[ .]?\d{3,4}(?:[ .]?\d{2,4})?(?![\w]|[.,]\d)"
)
_BARE_NUMBER = re.compile(r"(?<![\w.,/-])(?:\d[\d.]*\d|\d)(?![\w/]|[.,]\d)")


def _phone(m: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", m.group())
    if m.group(1) == "+84":
        ok = 9 <= len(digits) - 2 <= 10
        return f" cộng tám tư {read_digits(digits[2:])} " if ok else m.group()
    return f" {read_digits(digits)} " if 10 <= len(digits) <= 11 else m.group()


# Licence plates: "29B-123.45", "51F1-123.45", "30E-12345", "29LD 123.45", "26B – 004.00", and
# motorbikes written "29-B1 234.56" or with spaces, "62 B1 43207". The "." is
# not a sentence end and the groups are not quantities: read digit by digit.
_PLATE = re.compile(
    r"(?<![\w.,/-])(\d{2})(?:-|\s)?([A-ZĐ]{1,2})(\d?)(?:[-–\s]|\s?[-–]\s?)"
    r"(\d{3}\.\d{2}|\d{4,5})(?![\w]|[.,]\d)"
)


def _plate_head(province: str, letters: str, series: str) -> str:
    """A plate's province, series letters and series digit, each read one by one."""
    return " ".join(p for p in (read_digits(province), spell(letters), read_digits(series)) if p)


def _plate(m: re.Match[str]) -> str:
    province, letters, series, number = m.groups()
    loose = "." not in number and not series  # no "B1" and no "123.45": maybe a count
    if m.group()[2].isspace() and loose:
        return m.group()  # "lớp 12 A 1234": a spaced plate needs "B1" or "123.45"
    if loose and " " in m.group() and not {"-", "–"} & set(m.group()):
        return m.group()  # "29B 1234" alone is too loose to be a plate
    if m.group()[2] in "-–" and loose:
        return m.group()  # "12-A 1234": only "29-B1 234.56" is written with that dash
    return f" {_plate_head(province, letters, series)} {read_digits(number)} "


# Whatever follows a plate word is a plate, however short or foreign: "BKS 50H-05",
# "BKS: 60C1-13", "BKS Lào 2421" (the country named first): read one by one.
_NAMED_PLATE = re.compile(
    r"(?<![\w])(BKS|[Bb]iển (?:kiểm soát|số))(\s*:?\s*(?:[A-ZĐ][^\W\d_]+\s+)?)"
    r"(\d{2}[A-ZĐ]{1,2}\d?[-.]?\d{2,5}(?:\.\d{2})?|\d{4,6})(?![\w]|[.,]\d)"
)


def _named_plate(m: re.Match[str]) -> str:
    word, gap, plate = m.groups()
    said = " ".join(read_digits(c) if c.isdigit() else spell(c) for c in plate if c.isalnum())
    return f"{word}{gap}{said} "


# A plate with its last digits masked by the paper: "12Bxxxx", "61H1-481xx", "50E-511.xx",
# "36C.148.xx" (the masked "x" makes a dot after the series safe to read as a separator).
# Each "x" stands for a digit the text does not give, so it is said as the letter
# ("ích xì"), one by one like the digits around it; the number part has 4 or 5 places
# and at least one "x" (a lower-case "x" never follows a series letter in a word).
_MASKED_PLATE = re.compile(
    r"(?<![\w.,/-])(\d{2})-?([A-ZĐ]{1,2})(\d?)(?:\s?[-–]\s?|\s|\.)?"
    r"(\d{3}\.(?:\d|x)x|\d{0,4}x{1,5})(?![\w]|[.,]\d)"
)


def _masked_plate(m: re.Match[str]) -> str:
    province, letters, series, number = m.groups()
    if not 4 <= len(number.replace(".", "")) <= 5:
        return m.group()
    places = " ".join(read_digits(c) if c.isdigit() else spell("X") for c in number if c != ".")
    return f" {_plate_head(province, letters, series)} {places} "


@cache
def _unit_after() -> re.Pattern[str]:
    """A unit symbol right after a number: "đường dây 500 kV" is a power line, not a
    phone line, so its number is a quantity."""
    units = [u for u in mapping("units", "unit", "spoken") if len(u) > 1]
    return re.compile(rf"\s?(?:{alternation(units)})(?![\w])")


_NAME_AT_END = re.compile(r"(?<=\s)[A-Z][A-Za-z]{1,15}\s+$")


def _context_digits(text: str) -> str:
    """Numbers after "gọi", "đường dây nóng", "mã số" … are read digit by digit."""
    phone_ctx = trailing_context("phone")
    code_ctx = trailing_context("code")
    services = set(words("contexts", "word", "service"))

    def digits(m: re.Match[str], plain: str) -> str:
        return m.group() if _unit_after().match(text, m.end()) else read_digits(plain)

    def repl(m: re.Match[str]) -> str:
        before = text[max(0, m.start() - 30) : m.start()]
        num = m.group()
        plain = num.replace(".", "")
        if len(plain) >= 3 and phone_ctx.search(before):
            return digits(m, plain)
        if plain in services and before.rstrip().endswith("số"):
            return digits(m, plain)
        code = code_ctx.search(before)
        if code is None and len(plain) >= 3:
            # "số hiệu Booster 1097": a name between the code word and its number ("mã
            # Falcon 9": a short number after a name is the name's)
            code = code_ctx.search(_NAME_AT_END.sub("", before))
        if code and (plain.startswith("0") or code.group(1).lower() != "số"):
            if _ISSUED_AFTER.match(text, m.end()):
                return num  # "Nghị quyết số 01-NQ/TU": a document number, read as one
            return digits(m, plain)
        return num

    return _BARE_NUMBER.sub(repl, text)


_ISSUER = r"[A-ZĐ][A-Za-zĐđ]{0,9}\d{0,3}"
# Parts of the issuer's code: "QĐ-UBND", "STP-XD&KTVBQPPL", and the spaced dash some
# portals type, "5380/QĐ - UBND" (only before a part in capitals: "12/QĐ - Theo" ends).
_ISSUER_PART = rf"(?:[-/.&]{_ISSUER}|\s[-–]\s[A-ZĐ][A-ZĐ&]{{1,11}}\d{{0,3}}(?![\w]))"
# What follows a document's number: its issuer's code ("-NQ/TU", "/QĐ-UBND").
_ISSUED_AFTER = re.compile(rf"(?:/\d{{4}})?\s?[-/]\s?{_ISSUER}{_ISSUER_PART}*(?![\w/&])")
_DOC_CODE = re.compile(
    rf"(?<![\w/.,-])(\d{{1,6}})(?:/(\d{{4}}))?\s?[-/]\s?({_ISSUER}{_ISSUER_PART}*)(?![\w/&])"
)


@cache
def _doc_number_re() -> re.Pattern[str]:
    """A number/year after a document word or doc-type code: "Thông tư 15/2020",
    "NĐ 15/2020", "Quyết định số 88/2021" (no issuer suffix to claim it)."""
    types = mapping("doc_types", "code", "spoken")
    codes = alternation(c for c in types if len(c) > 1)
    names = alternation(types.values())
    return re.compile(
        rf"(?<![\w])((?:{codes})|(?i:{names}))((?:\s+(?i:số))?\s*:?\s+)"
        rf"(\d{{1,6}})/((?:19|20)\d{{2}})(?![\w/]|[.,]\d)"
    )


@cache
def _named_document() -> re.Pattern[str]:
    """A document word and "số" right before "N/CODE": "Kế hoạch số 104/CAP" has a
    one-part issuer code no table knows, silent like "số 209/TTr-SNN" (without the
    word, "số 12/A" may be an address and is left to the later stages)."""
    names = alternation(mapping("doc_types", "code", "spoken").values())
    return re.compile(rf"(?<![\w])(?i:{names})\s+(?i:số)\s*:?\s*$")


def _doc_number(m: re.Match[str], style: Style) -> str:
    word, gap, number, year = m.groups()
    said = f"{read_integer_string(number, style)} năm {read_int(int(year), style)}"
    return f"{word}{gap}{said}"


def protected_spans(text: str, style: Style) -> str:
    """URLs, e-mail, phones and document codes, read whole so their digits stay codes."""
    if "@" in text:
        text = _EMAIL.sub(lambda m: f" {_read_address(m.group())} ", text)
    if "www." in text or "://" in text or _TLD.search(text):
        text = _URL.sub(_url, text)
    if not has_digit(text):
        return text
    text = _SERVICE_PREFIX.sub(lambda m: f" {read_digits(m.group())} ", text)
    text = _PLATE.sub(_plate, text)
    if "x" in text:
        text = _MASKED_PLATE.sub(_masked_plate, text)
    text = _NAMED_PLATE.sub(_named_plate, text)
    text = _PHONE.sub(_phone, text)
    text = _context_digits(text)
    text = _doc_number_re().sub(lambda m: _doc_number(m, style), text)
    doc_types = mapping("doc_types", "code", "spoken")

    def doc(m: re.Match[str]) -> str:
        number, year, suffix = m.groups()
        parts = re.split(r"\s?[-/.&–]\s?", suffix)
        if (
            len(parts) == 1
            and not year
            and parts[0].rstrip("0123456789") not in doc_types
            and not _named_document().search(text, max(0, m.start() - 40), m.start())
        ):
            return m.group()
        said = read_integer_string(number, style)
        if year:
            said += f" năm {read_int(int(year), style)}"
        return f" {said} "

    return _DOC_CODE.sub(doc, text)
