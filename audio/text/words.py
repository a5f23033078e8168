"""Stages 10–13 and 15: Roman numerals in context, ordinals, alphanumeric codes and the
remaining cardinals — everything that turns a digit or numeral into words last.
"""

from __future__ import annotations

import re
from functools import cache

from audio.text.data_files import alternation, mapping, words
from audio.text.numbers import (
    NUM,
    Style,
    has_digit,
    read_digits,
    read_fraction_digits,
    read_int,
    read_number,
    read_ordinal,
)

_ROMAN_VALUE = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_LETTER_NOT_NUMERAL = frozenset("LCDM")
_ROMAN_OK = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def roman_value(numeral: str) -> int | None:
    """The value of a well-formed Roman numeral, None for anything else."""
    if not numeral or not _ROMAN_OK.fullmatch(numeral):
        return None
    total = 0
    for a, b in zip(numeral, [*numeral[1:], ""], strict=True):
        v = _ROMAN_VALUE[a]
        total += -v if b and _ROMAN_VALUE[b] > v else v
    return total


@cache
def _roman_re() -> re.Pattern[str]:
    ctx = alternation(words("roman_context", "word"))
    # The year of a quarter or term is written after "/", "-" or ".": "quý II/2023",
    # "quý I-2024", "quý III.2022", also after a list: "quý I-II/2024".
    year = r"(?:\s?/\s?|[-–.](?=(?:19|20)\d\d))(\d{4})(?![\w]|[.,]\d)"
    return re.compile(
        rf"(?<![\w])((?i:{ctx}))\s+([IVXLCDM]+)(?:{year})?(?![\w])"
        r"((?:\s*(?:,|và|-|–|đến)\s*[IVXLCDM]+(?![\w]))*)"
        rf"(?:{year})?"
    )


_TAIL_NUMERAL = re.compile(r"[IVXLCDM]+")

# A regnal number after a title and a name: "Vua Charles III" → "đệ tam", "Giáo hoàng
# John Paul II" → "đệ nhị", "Louis XIV" after "vua" → "thập tứ" (the Sino-Vietnamese
# ordinal broadcasters use for monarchs and popes).
_REGNAL = re.compile(
    r"(?<![\w])((?i:nhà vua|vua|nữ hoàng|hoàng đế|giáo hoàng|quốc vương|hoàng tử|thái tử"
    r"|công chúa)(?:\s+[A-ZÀ-ỸĐ][^\W\d_]*){1,3})\s+([IVX]+)(?![\w])"
)
_SINO = ("", "nhất", "nhị", "tam", "tứ", "ngũ", "lục", "thất", "bát", "cửu", "thập")
# Any other well-formed numeral of two or more of I, V, X after a word written in lower
# case or a name ("Thế chiến II", "cấp độ III", "Nghi Sơn II"): a cardinal. Never after
# an all-capital word (a headline "XI MĂNG"), never a lone letter ("vitamin C").
_LOOSE_ROMAN = re.compile(r"(?<=[^\W\d_]\s)([IVX]{2,})(?![\w]|[.,]\d|\s?-\s?\d)")
_PREV_WORD = re.compile(r"([^\W\d_]+)\s$")
_ROMAN_HINT = re.compile(r"[IVX]+\b")  # cheap: a numeral could end here


def _sino(value: int) -> str:
    if value <= 10:
        return f"đệ {_SINO[value]}"
    tens, units = divmod(value, 10)
    head = "thập" if tens == 1 else f"{_SINO[tens]} thập"
    return f"{head} {_SINO[units]}".strip()


def _regnal(m: re.Match[str]) -> str:
    value = roman_value(m.group(2))
    if value is None or value > 39:
        return m.group()
    return f"{m.group(1)} {_sino(value)}"


def _loose_roman(text: str, m: re.Match[str], style: Style) -> str:
    prev = _PREV_WORD.search(text, max(0, m.start() - 30), m.start())
    value = roman_value(m.group(1))
    if prev is None or prev.group(1).isupper() or value is None:
        return m.group()
    return read_int(value, style)


def roman_numerals(text: str, style: Style) -> str:
    """"khóa XIV" → "khóa mười bốn", "thứ IV" → "thứ tư"; a lone L, C, D, M stays a letter."""
    def repl(m: re.Match[str]) -> str:
        ctx, numeral, year, tail, tail_year = m.groups()
        ordinal = ctx.lower().endswith("thứ")

        def say(numeral: str) -> str | None:
            value = roman_value(numeral)
            # A lone L, C, D or M is a letter ("hạng C" driving licence, "phụ lục D"):
            # nobody writes 50, 100, 500 or 1000 that way. I, V and X in context are numbers.
            if value is None or numeral in _LETTER_NOT_NUMERAL:
                return None
            return read_ordinal(value, style) if ordinal else read_int(value, style)

        said = say(numeral)
        if said is None:
            return m.group()
        if year:
            said += f" năm {read_int(int(year), style)}"
        # a list under the same context word: "khóa XII, XIII", "khóa XIV và XV"
        tail = re.sub(r"\s*[-–]\s*", " đến ", tail or "")  # "thế kỷ XIX-XX"
        tail = _TAIL_NUMERAL.sub(lambda t: say(t.group()) or t.group(), tail)
        if tail_year:
            tail += f" năm {read_int(int(tail_year), style)}"
        return f"{ctx} {said}{tail}"

    text = _roman_re().sub(repl, text)
    if _ROMAN_HINT.search(text) is None:
        return text
    low = text.lower()
    if any(w in low for w in ("vua", "hoàng", "vương", "thái tử", "công chúa")):
        text = _REGNAL.sub(_regnal, text)
    return _LOOSE_ROMAN.sub(lambda m: _loose_roman(text, m, style), text)


_ORDINAL = re.compile(r"(?<![\w])([Tt][Hh][Ứứ])\s+(\d{1,3})(?![\w]|[.,]\d)")


def ordinals(text: str, style: Style) -> str:
    """"thứ 1" → "thứ nhất", "Thứ 5" → "thứ năm" (weekdays read the same way)."""
    if not has_digit(text):
        return text
    return _ORDINAL.sub(lambda m: f"{m.group(1)} {read_ordinal(int(m.group(2)), style)}", text)


_ALNUM = re.compile(
    r"(?<![\w.,-])(?:[^\W\d_]+-?\d[^\W_]*|\d+[^\W\d_][^\W_]*)(?:-[^\W_]+)*(?![\w])"
)
_RUNS = re.compile(r"\d+|[^\W\d_]+")


@cache
def _letter_names() -> dict[str, str]:
    return mapping("letters", "letter", "spoken")


def spell(letters: str) -> str:
    """An all-capital run letter by letter with Vietnamese letter names ("CT" → "xê tê")."""
    names = _letter_names()
    return " ".join(names.get(c, c.lower()) for c in letters)


def _read_code_run(run: str, style: Style) -> str:
    if run.isdigit():
        if run.startswith("0") or len(run) > 4:
            return read_digits(run)
        return read_int(int(run), style)
    if run.isupper():
        return spell(run)
    return run.lower()


# A variant or version code: "BA.2.86", "XBB.1.5": letters, then numbers joined by "chấm".
_DOTTED_CODE = re.compile(r"(?<![\w.])([A-Z]{2,4})((?:\.\d{1,3})+)(?![\w]|\.\d)")


def _dotted_code(m: re.Match[str], style: Style) -> str:
    numbers = (_read_code_run(n, style) for n in m.group(2).split(".") if n)
    return f"{spell(m.group(1))} chấm {' chấm '.join(numbers)}"


# A grade with a decimal glued to its letter: diesel "0.05S", mazut "3.5S", "1.5L".
_DECIMAL_GRADE = re.compile(r"(?<![\w.,])(\d{1,2})[.,](\d{1,3})([A-Z])(?![\w])")
_DECIMAL_GRADE_HINT = re.compile(r"\d[.,]\d{1,3}[A-Z]")  # cheap: starts with a digit


def _decimal_grade(m: re.Match[str], style: Style) -> str:
    whole, frac, letter = m.groups()
    return f"{read_int(int(whole), style)} phẩy {read_fraction_digits(frac, style)} {spell(letter)}"


def alnum_codes(text: str, style: Style) -> str:
    """"QL1A" → "quốc lộ một a", "U19" → "u mười chín", "5G" → "năm gờ"."""
    if not has_digit(text):
        return text
    if _DECIMAL_GRADE_HINT.search(text):
        text = _DECIMAL_GRADE.sub(lambda m: _decimal_grade(m, style), text)
    if "." in text:
        text = _DOTTED_CODE.sub(lambda m: _dotted_code(m, style), text)
    prefixes = mapping("code_prefixes", "prefix", "spoken")

    def repl(m: re.Match[str]) -> str:
        runs = _RUNS.findall(m.group())
        said: list[str] = []
        for i, run in enumerate(runs):
            value = roman_value(run) if i and len(run) > 1 else None
            if run in prefixes and (i == 0 or len(run) > 2):
                said.append(prefixes[run])  # "QL1A", and a grade inside a code: "E5RON92"
            elif value is not None and m.group()[m.group().rfind(run) - 1] == "-":
                said.append(read_int(value, style))  # "RON95-III": a grade, not letters
            else:
                said.append(_read_code_run(run, style))
        return " ".join(said)

    return _ALNUM.sub(repl, text)


_CARDINAL = re.compile(rf"(?<![\w.,])([-−](?=\d))?({NUM})(?![\d_]|[.,]\d)")
_DOTTED = re.compile(r"(?<![\w.,])\d+(?:\.\d+)+(?![\w]|[.,]\d)")
_ANY_DIGITS = re.compile(r"\d+")


def cardinals(text: str, style: Style) -> str:
    """Every number still written as digits: counts, years, decimals, "4.0"."""
    if not has_digit(text):
        return text

    def card(m: re.Match[str]) -> str:
        minus, num = m.groups()
        if minus and m.start() > 0 and text[m.start() - 1] not in " \t(":
            return f"{minus}{read_number(num, style)}"
        head = "âm " if minus else ""
        return f"{head}{read_number(num, style)}"

    text = _CARDINAL.sub(card, text)
    text = _DOTTED.sub(
        lambda m: " chấm ".join(read_number(p, style) for p in m.group().split(".")), text
    )
    # Whatever digits remain sit inside odd punctuation ("1,2,3", "5.5.5,5"): read them
    # as numbers so nothing is lost; leading zeros digit by digit.
    return _ANY_DIGITS.sub(lambda m: f" {_leftover(m.group(), style)} ", text)


def _leftover(digits: str, style: Style) -> str:
    if digits.startswith("0") or len(digits) > 18:
        return read_digits(digits)
    return read_int(int(digits), style)

