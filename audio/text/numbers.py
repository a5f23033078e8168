"""The number core: integers, decimals and digit strings as a Vietnamese announcer says them.

Written by hand rather than with `num2words`, which gets zero hundreds inside larger
numbers and decimals wrong. Regional variants (linh/lẻ, nghìn/ngàn, tư/bốn) are a
`Style`, not a fork of the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

# A written quantity: "2.450", "1.000.000", "3,5", "0,08", "2019". "." groups
# thousands and "," marks decimals, the Vietnamese way round.
NUM = r"(?:\d{1,3}(?:\.\d{3})+(?!\d)|\d+)(?:,\d+)?"
NUM_RE = re.compile(NUM)

# Beyond 18 digits nobody reads a number as a quantity; read it digit by digit.
_MAX_CARDINAL_DIGITS = 18


@dataclass(frozen=True)
class Style:
    """The regional words that differ between Northern and Southern broadcast style."""

    name: str
    linh: str  # zero tens before a units digit: 207
    nghin: str  # thousand
    tu: str  # 4 after "mươi": 24


NORTH = Style("north", linh="linh", nghin="nghìn", tu="tư")
SOUTH = Style("south", linh="lẻ", nghin="ngàn", tu="bốn")


def get_style(name: str) -> Style:
    """Unknown style names fall back to the Northern default rather than failing a job."""
    return SOUTH if name.strip().lower() in {"south", "nam", "mien-nam", "s"} else NORTH


def read_digits(digits: str) -> str:
    """Digit by digit, as phone numbers, codes and leading zeros are read."""
    return " ".join(DIGITS[ord(c) - 48] for c in digits if "0" <= c <= "9")


def _tens_units(t: int, u: int, after_hundreds: bool, style: Style) -> str:
    if t == 0:
        if u == 0:
            return ""
        return f"{style.linh} {DIGITS[u]}" if after_hundreds else DIGITS[u]
    if t == 1:
        head = "mười"
        tail = "" if u == 0 else "lăm" if u == 5 else DIGITS[u]
    else:
        head = f"{DIGITS[t]} mươi"
        tail = {0: "", 1: "mốt", 4: style.tu, 5: "lăm"}.get(u, DIGITS[u])
    return f"{head} {tail}" if tail else head


def _group(n: int, full: bool, style: Style) -> str:
    """0..999; `full` when a higher group was spoken, so zero hundreds are said."""
    h, rest = divmod(n, 100)
    t, u = divmod(rest, 10)
    if h == 0 and not full:
        return _tens_units(t, u, False, style)
    head = f"{DIGITS[h]} trăm"
    tail = _tens_units(t, u, True, style)
    return f"{head} {tail}" if tail else head


def _below_billion(n: int, full: bool, style: Style) -> str:
    parts: list[str] = []
    for scale, word in ((1_000_000, "triệu"), (1_000, style.nghin)):
        q, n = divmod(n, scale)
        if q:
            parts.append(f"{_group(q, full, style)} {word}")
            full = True
    if n:
        parts.append(_group(n, full, style))
    return " ".join(parts)


def _read_int(n: int, full: bool, style: Style) -> str:
    if n >= 1_000_000_000:
        q, r = divmod(n, 1_000_000_000)
        head = f"{_read_int(q, full, style)} tỷ"
        return f"{head} {_below_billion(r, True, style)}" if r else head
    return _below_billion(n, full, style)


@cache
def read_int(n: int, style: Style = NORTH) -> str:
    """A cardinal: 3008 → "ba nghìn không trăm linh tám"; negatives are "âm"."""
    if n < 0:
        return f"âm {read_int(-n, style)}"
    if n == 0:
        return "không"
    return _read_int(n, False, style)


def read_integer_string(digits: str, style: Style = NORTH) -> str:
    """An integer as written: leading zeros dropped (a count), absurd lengths spelled."""
    digits = digits.replace(".", "")
    stripped = digits.lstrip("0")
    if len(stripped) > _MAX_CARDINAL_DIGITS:
        return read_digits(digits)
    return read_int(int(stripped) if stripped else 0, style)


def read_fraction_digits(frac: str, style: Style = NORTH) -> str:
    """The part after "phẩy": leading zeros are read, the rest as a number if short."""
    zeros = len(frac) - len(frac.lstrip("0"))
    rest = frac[zeros:]
    words = ["không"] * zeros
    if rest:
        words.append(read_int(int(rest), style) if len(rest) <= 3 else read_digits(rest))
    return " ".join(words)


def read_number(written: str, style: Style = NORTH) -> str:
    """A written quantity matching `NUM`: "2.450" → 2450, "4,25" → "bốn phẩy hai mươi lăm"."""
    whole, _, frac = written.partition(",")
    said = read_integer_string(whole, style)
    if frac:
        said = f"{said} phẩy {read_fraction_digits(frac, style)}"
    return said


def read_ordinal(n: int, style: Style = NORTH) -> str:
    """After "thứ": 1 → "nhất", 4 → "tư", others plain ("thứ sáu")."""
    return {1: "nhất", 4: "tư"}.get(n, read_int(n, style))


def read_denominator(n: int, style: Style = NORTH) -> str:
    """After "phần": 3/4 → "ba phần tư" in the North."""
    return "tư" if n == 4 and style.name == "north" else read_int(n, style)


_DIGIT = re.compile(r"\d")


def has_digit(text: str) -> bool:
    """The cheap test that lets number stages skip the (many) sentences without digits."""
    return _DIGIT.search(text) is not None
