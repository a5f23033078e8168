"""Stages 5–9: money, units and percent, ranges and scores, fractions.

A quantity is matched with its unit (and an optional range "3-5" and "/unit" rate) in
one pass, so "20.000đ/kg" becomes "hai mươi nghìn đồng một ki lô gam" without a later
stage having to guess what the "/" meant.
"""

from __future__ import annotations

import re
from functools import cache

from audio.text.data_files import alternation, mapping, rows, trailing_context
from audio.text.numbers import NUM, Style, has_digit, read_denominator, read_int, read_number

_B = r"(?<![\w.,/])"
_MINUS = r"(?:(?<![\w.,])([-−]))?"
_RANGE = rf"({NUM})(?:\s?[-–]\s?({NUM}))?"
_MAGNITUDE = r"(?:\s?(nghìn|ngàn|triệu|tỷ|tỉ))?"


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    units = mapping("units", "unit", "spoken")
    money = {r["symbol"]: r for r in rows("currencies")}
    suffix = alternation(s for s, r in money.items() if r["position"] in {"suffix", "both"})
    prefix = alternation(s for s, r in money.items() if r["position"] in {"prefix", "both"})
    rate = r"(?:/([^\W\d_]+\d?))?"
    return {
        "money_prefix": re.compile(rf"(?<![\w])({prefix})\s?{_RANGE}{_MAGNITUDE}(?![\w])"),
        "money_suffix": re.compile(
            rf"{_B}{_MINUS}{_RANGE}{_MAGNITUDE}\s?({suffix}){rate}(?![\w])"
        ),
        "unit": re.compile(
            rf"{_B}{_MINUS}{_RANGE}\s?({alternation(units)}){rate}(?![\w²³])"
        ),
        "rate_after_word": re.compile(
            rf"(?<![\w])(đồng|{alternation(s['spoken'] for s in money.values())})"
            rf"/([^\W\d_]+\d?)(?![\w])"
        ),
    }


def _amount(first: str, second: str | None, style: Style) -> str:
    said = read_number(first, style)
    return f"{said} đến {read_number(second, style)}" if second else said


def _rate(word: str | None) -> str:
    if not word:
        return ""
    units = mapping("units", "unit", "spoken")
    return f" một {units.get(word, word)}"


def money(text: str, style: Style) -> str:
    """'$250', '500.000đ', '1.200 USD', '2 triệu VNĐ/người' with the amount read first."""
    if not has_digit(text):
        return text
    pats = _patterns()
    spoken = mapping("currencies", "symbol", "spoken")

    def pre(m: re.Match[str]) -> str:
        sym, a, b, mag = m.groups()
        mag_s = f" {mag}" if mag else ""
        return f"{_amount(a, b, style)}{mag_s} {spoken[sym]}"

    def suf(m: re.Match[str]) -> str:
        minus, a, b, mag, sym, rate = m.groups()
        head = "âm " if minus else ""
        mag_s = f" {mag}" if mag else ""
        return f"{head}{_amount(a, b, style)}{mag_s} {spoken[sym]}{_rate(rate)}"

    text = pats["money_prefix"].sub(pre, text)
    text = pats["money_suffix"].sub(suf, text)
    return pats["rate_after_word"].sub(lambda m: f"{m.group(1)}{_rate(m.group(2))}", text)


def units(text: str, style: Style) -> str:
    """'5 km', '-5°C', '3,5%', '8%/năm', '120 m2': quantity, Vietnamese unit name, rate."""
    if not has_digit(text):
        return text
    names = mapping("units", "unit", "spoken")

    def repl(m: re.Match[str]) -> str:
        minus, a, b, unit, rate = m.groups()
        head = "âm " if minus else ""
        return f"{head}{_amount(a, b, style)} {names[unit]}{_rate(rate)}"

    return _patterns()["unit"].sub(repl, text)


_PAIR = re.compile(rf"{_B}({NUM})\s?[-–]\s?({NUM})(?![\w/]|[.,]\d)")
_SPACED_PAIR = re.compile(rf"{_B}({NUM})\s+[-–]\s+({NUM})(?![\w/]|[.,]\d)")


def ranges_scores(text: str, style: Style) -> str:
    """'từ 3-4 tuần' → "ba đến bốn"; after tỷ số/thắng/thua/hòa → two numbers, no "đến"."""
    if not has_digit(text):
        return text
    score_ctx = trailing_context("score")

    def repl(m: re.Match[str]) -> str:
        before = text[max(0, m.start() - 20) : m.start()]
        a, b = read_number(m.group(1), style), read_number(m.group(2), style)
        return f"{a} {b}" if score_ctx.search(before) else f"{a} đến {b}"

    text = _SPACED_PAIR.sub(repl, text)
    return _PAIR.sub(repl, text)


_FRACTION = re.compile(rf"{_B}(\d+)/(\d+)(?![\w/]|[.,]\d)")


def fractions(text: str, style: Style) -> str:
    """'3/4' → "ba phần tư" (what is left of a/b once dates have been taken)."""
    if "/" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        a, b = int(m.group(1)), int(m.group(2))
        if b == 0 or len(m.group(1)) > 15 or len(m.group(2)) > 15:
            return m.group()
        if (a, b) == (24, 7):
            return f"{read_int(a, style)} trên {read_int(b, style)}"
        return f"{read_int(a, style)} phần {read_denominator(b, style)}"

    return _FRACTION.sub(repl, text)
