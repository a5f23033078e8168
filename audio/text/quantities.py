"""Stages 5–9: money, units and percent, ranges and scores, fractions.

A quantity is matched with its unit (and an optional range "3-5" and "/unit" rate) in
one pass, so "20.000đ/kg" becomes "hai mươi nghìn đồng một ki lô gam" without a later
stage having to guess what the "/" meant.
"""

from __future__ import annotations

import re
from functools import cache

from audio.text.data_files import (
    alternation,
    leading_context,
    mapping,
    nearby_context,
    rows,
    trailing_context,
    words,
)
from audio.text.dates import RANK_BEFORE
from audio.text.numbers import (
    NUM,
    Style,
    has_digit,
    read_denominator,
    read_digits,
    read_fraction_digits,
    read_int,
    read_number,
    read_ordinal,
)

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
    rate = r"((?:/[^\W\d_]+\d?)*)"  # "/người/tháng": each "/unit" is "một <unit>"
    return {
        "money_prefix": re.compile(rf"(?<![\w])({prefix})\s?{_RANGE}{_MAGNITUDE}(?![\w])"),
        "money_suffix": re.compile(
            rf"{_B}{_MINUS}{_RANGE}{_MAGNITUDE}\s?({suffix}){rate}(?![\w])"
        ),
        "unit": re.compile(
            rf"{_B}{_MINUS}{_RANGE}(?:\s?(nghìn|ngàn|triệu|tỷ|tỉ)(?!\w))?"
            rf"\s?({alternation(units)}){rate}(?![\w²³])"
        ),
        "rate_after_word": re.compile(
            rf"(?<![\w])(đồng|{alternation(s['spoken'] for s in money.values())})"
            rf"((?:/[^\W\d_]+\d?)+)(?![\w])"
        ),
    }


@cache
def _pair_re() -> re.Pattern[str]:
    codes = alternation(s for s in mapping("currencies", "symbol", "spoken") if s.isupper())
    return re.compile(rf"(?<![\w/])({codes})\s?/\s?({codes})(?![\w/])")


def _amount(first: str, second: str | None, style: Style) -> str:
    said = read_number(first, style)
    return f"{said} đến {read_number(second, style)}" if second else said


def _rate(rates: str | None) -> str:
    """"/người/tháng" → " một người một tháng"; "/USD" → " một đô la Mỹ"."""
    if not rates:
        return ""
    units = mapping("units", "unit", "spoken")
    money = mapping("currencies", "symbol", "spoken")
    return "".join(f" một {units.get(w) or money.get(w, w)}" for w in rates.split("/") if w)


# Dollar amounts are often written the English way: "$12,000", "$1,250.50", "2,500 USD".
# Only a comma followed by groups of exactly three digits (or "." with one or two
# decimals after "$") is read so; "1,5 triệu USD" stays Vietnamese.
_ENGLISH_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?(?![\d,.]\d)"
_ENGLISH_PREFIX = re.compile(
    rf"(?<![\w])(\$)\s?({_ENGLISH_NUM}|\d+\.\d{{1,2}}(?![\d.,]))(?!\s?(?:nghìn|ngàn|triệu|tỷ|tỉ)\b)"
)
_ENGLISH_SUFFIX = re.compile(
    rf"(?<![\w.,])({_ENGLISH_NUM})\s?(USD|\$)(?![\w])"
)


def _english(written: str, style: Style) -> str:
    whole, _, cents = written.partition(".")
    said = read_int(int(whole.replace(",", "")), style)
    return f"{said} phẩy {read_fraction_digits(cents, style)}" if cents else said


@cache
def _codes() -> tuple[str, ...]:
    """The codes `data/currencies.tsv` reads by name with no amount (`alone` is "yes":
    "USD", "EUR", "KRW"; not "CAD", also the design software)."""
    return tuple(r["symbol"] for r in rows("currencies") if r["alone"] == "yes")


@cache
def _code_alone_re() -> re.Pattern[str]:
    """A currency code with no amount ("đồng EUR", "tỷ giá USD tăng"): news reads
    it by its name, never letter by letter."""
    return re.compile(rf"(?<![\w/.-])({alternation(_codes())})(?![\w/.-])")


def _codes_alone(text: str) -> str:
    if not any(code in text for code in _codes()):  # most sentences name no currency
        return text
    return _code_alone_re().sub(lambda m: _code_alone(text, m), text)


def _code_alone(text: str, m: re.Match[str]) -> str:
    said = mapping("currencies", "symbol", "spoken")[m.group(1)]
    if text[: m.start()].rstrip().lower().endswith(said.lower()):
        return ""  # "đồng VND" is said "đồng" once
    return said


def money(text: str, style: Style) -> str:
    """'$250', '500.000đ', '1.200 USD', '2 triệu VNĐ/người' with the amount read first;
    a currency pair "USD/VND" is "đô la Mỹ trên đồng"; a code alone by its name."""
    spoken = mapping("currencies", "symbol", "spoken")
    if "/" in text:
        text = _pair_re().sub(lambda m: f"{spoken[m.group(1)]} trên {spoken[m.group(2)]}", text)
    if not has_digit(text):
        return _codes_alone(text)
    pats = _patterns()

    def pre(m: re.Match[str]) -> str:
        sym, a, b, mag = m.groups()
        mag_s = f" {mag}" if mag else ""
        return f"{_amount(a, b, style)}{mag_s} {spoken[sym]}"

    def suf(m: re.Match[str]) -> str:
        minus, a, b, mag, sym, rate = m.groups()
        head = "âm " if minus else ""
        mag_s = f" {mag}" if mag else ""
        return f"{head}{_amount(a, b, style)}{mag_s} {spoken[sym]}{_rate(rate)}"

    text = _ENGLISH_PREFIX.sub(lambda m: f"{_english(m[2], style)} {spoken[m[1]]}", text)
    text = _ENGLISH_SUFFIX.sub(lambda m: f"{_english(m[1], style)} {spoken[m[2]]}", text)
    text = pats["money_prefix"].sub(pre, text)
    text = pats["money_suffix"].sub(suf, text)
    text = pats["rate_after_word"].sub(lambda m: f"{m.group(1)}{_rate(m.group(2))}", text)
    return _codes_alone(text)


# A height "1m75", "1m8", "2m05": metres, then the centimetres as a number ("1m2" and
# "1m3" stay square and cubic metres).
_HEIGHT = re.compile(r"(?<![\w.,/-])([0-2])m(\d\d|[014-9])(?![\w²³]|[.,]\d)")


def _height(m: re.Match[str], style: Style) -> str:
    metres, rest = m.groups()
    said = read_digits(rest) if rest.startswith("0") else read_int(int(rest), style)
    return f"{read_int(int(metres), style)} mét {said}"


_TIME_WORDS = frozenset(("ngày", "tuần", "tháng", "quý", "năm", "giờ", "phút", "giây"))
@cache
def _word_rate_re() -> re.Pattern[str]:
    """"2 lần/ngày", "9,97 điểm/môn": a word counted per a unit or per one of the rate
    words of `data/contexts.tsv` (kind `rate`), never per a word that pairs as "or"
    ("tỉnh/thành", "xã/phường" stay as written)."""
    units = [u for u in mapping("units", "unit", "spoken") if u[0].isalpha()]
    per = [*units, *_TIME_WORDS, *words("contexts", "word", "rate")]
    return re.compile(rf"(?<![\w/])([^\W\d_]+)/({alternation(per)})(?![\w/])")


def _word_rate(m: re.Match[str]) -> str:
    word, per = m.groups()
    if not word.islower() or (word in _TIME_WORDS and per in _TIME_WORDS):
        return m.group()  # "Đ/c", "ngày/tháng/năm sinh"
    return f"{word} một {mapping('units', 'unit', 'spoken').get(per, per)}"


# Rain per hours: "100-200mm/24h", "(>120mm/3h)", "50 mm/6 giờ": "… mi li mét trong
# hai mươi tư giờ", as the weather bulletins say it (a rate "/h" has no number: km/h).
_PER_HOURS = re.compile(r"(?<=[^\W\d_])/\s?(\d{1,2})\s?(?:h|giờ|tiếng)(?![\w])")
_MILESTONE = re.compile(r"(?<![\w.,/])[Kk]m\s?(?=\d)")
_OVER_UNIT = re.compile(r"(?<![\w.,/])(\d{2,3})/(\d{2,3})\s?(mmHg)(?![\w])")


@cache
def _bare_unit_re() -> re.Pattern[str]:
    """Units read by name with no number before them: "mỗi kWh", "tính theo kWh." (the
    symbols of `data/bare_units.tsv`: none is also a Vietnamese word or a common name)."""
    names = mapping("units", "unit", "spoken")
    bare = [r["unit"] for r in rows("bare_units")]
    missing = [u for u in bare if u not in names]
    if missing:
        raise ValueError(f"bare_units.tsv: not in units.tsv: {missing}")
    first = re.escape("".join(sorted({u[0] for u in bare})))
    return re.compile(
        rf"(?=[{first}])(?<![\w./@-])({alternation(bare)})(?![\w²³/@-]|\s?\d|\.\w)"
    )


def _bare_units(text: str) -> str:
    names = mapping("units", "unit", "spoken")
    return _bare_unit_re().sub(lambda m: f" {names[m.group(1)]} ", text)


@cache
def _times_re() -> re.Pattern[str]:
    """"4x100m", "4 x 400 m", "3×3 m": a count times a measured quantity (a relay, a
    size), said "nhân"; the measured side is read by the unit pattern afterwards."""
    units = alternation(mapping("units", "unit", "spoken"))
    return re.compile(rf"{_B}(\d{{1,3}})\s?[xX×]\s?(?={NUM}\s?(?:{units})(?![\w²³]))")


_TIMES_HINT = re.compile(r"\d\s?[xX×]\s?\d")  # "x" alone is in most sentences ("xã")


_PERCENT_RANGE = re.compile(r"(?<=\d)\s?%\s*[-–]\s*(?=\d[\d.,]*\s?%)")
# A storm's position written without the degree signs: "17,5N-116,9E" is "17,5°N,
# 116,9°E" (a latitude then a longitude, read by the °N/°E units).
_BARE_COORDINATES_HINT = re.compile(r"\d[NS]\s?[-–,;/]")
_BARE_COORDINATES = re.compile(
    r"(?<![\w.,])(\d{1,2}(?:[,.]\d{1,2})?)\s?([NS])\s?[-–,;/]\s?"
    r"(\d{1,3}(?:[,.]\d{1,2})?)\s?([EW])(?![\w])"
)


@cache
def _number_symbol_re() -> re.Pattern[str]:
    """">120mm", "<5 tuổi": a comparison sign before a quantity, as prose says it
    (data/number_symbols.tsv); between two terms ("x > 5") it stays "lớn hơn"."""
    signs = re.escape("".join(mapping("number_symbols", "symbol", "spoken")))
    return re.compile(rf"(?<![^\s(])([{signs}])\s?(?=\d)")


def units(text: str, style: Style) -> str:
    """'5 km', '-5°C', '3,5%', '8%/năm', '120 m2': quantity, Vietnamese unit name, rate;
    then a unit left without a number ("mỗi kWh", "… đồng một kWh.")."""
    if not has_digit(text):
        text = _word_rate_re().sub(_word_rate, text) if "/" in text else text
        return _bare_units(text)
    names = mapping("units", "unit", "spoken")
    if "%" in text:  # "từ 5% - 8%": a range of two percentages, each said whole
        text = _PERCENT_RANGE.sub("% đến ", text)
    if _BARE_COORDINATES_HINT.search(text):
        text = _BARE_COORDINATES.sub(
            lambda m: f"{m[1].replace('.', ',')}°{m[2]}, {m[3].replace('.', ',')}°{m[4]}", text)
    if ">" in text or "<" in text:
        signs = mapping("number_symbols", "symbol", "spoken")
        text = _number_symbol_re().sub(lambda m: f"{signs[m[1]]} ", text)
    if _TIMES_HINT.search(text):
        text = _times_re().sub(lambda m: f"{read_int(int(m[1]), style)} nhân ", text)
    text = _HEIGHT.sub(lambda m: _height(m, style), text)

    if "/" in text:  # blood pressure "120/80 mmHg": two readings, "trên"
        text = _PER_HOURS.sub(lambda m: f" trong {read_int(int(m[1]), style)} giờ", text)
        text = _OVER_UNIT.sub(
            lambda m: f"{read_int(int(m[1]), style)} trên {read_int(int(m[2]), style)}"
            f" {names[m[3]]}",
            text,
        )

    def repl(m: re.Match[str]) -> str:
        minus, a, b, mag, unit, rate = m.groups()
        head = "âm " if minus else ""
        mag_s = f" {mag}" if mag else ""
        return f"{head}{_amount(a, b, style)}{mag_s} {names[unit]}{_rate(rate)}"

    text = _patterns()["unit"].sub(repl, text)
    if "/" in text:  # "2 lần/ngày", "250 người/km2": a rate after a counted word
        text = _word_rate_re().sub(_word_rate, text)
    # A milestone "km 15+300", "Km35": what is left of "km" before a number.
    if "m" in text:
        text = _MILESTONE.sub("ki lô mét ", text)
    return _bare_units(text)


_SCORE_NUMBER = re.compile(r"\d{1,3}")
_COUNT_AFTER = re.compile(
    r"\s*(?:năm|tháng|tuần|ngày|giờ|phút|giây|lần|người|tiếng|tuổi|độ|đêm)(?!\w)",
    re.IGNORECASE,
)
_RANGE_WORD = re.compile(r"(?:^|\W)(?:từ|khoảng|chừng|độ|tầm)\s*$", re.IGNORECASE)


# A pair right after another pair and a comma, "và" or "(": "6-2, 2-6, 4-6 và 6-3",
# "thắng 2-0 (6-4, 6-4)". The whole list is scores when its first pair is one.
_LISTED_AFTER = re.compile(
    r"(?<![\w.,/])\d{1,2}\s?[-–]\s?\d{1,2}\s*\)?\s*(?:,|và|\()\s*$", re.IGNORECASE
)


def _is_score(text: str, m: re.Match[str]) -> bool:
    """A score, or a set score listed after one ("6-2, 2-6 và 6-3")."""
    start = m.start()
    while (prev := _LISTED_AFTER.search(text[max(0, start - 40) : start])) is not None:
        start = max(0, start - 40) + prev.start()
    if start != m.start():
        first = _PAIR.match(text, start) or _SPACED_PAIR.match(text, start)
        if first is not None and _SCORE_NUMBER.fullmatch(m.group(1)) and _SCORE_NUMBER.fullmatch(
            m.group(2)
        ):
            return _is_first_score(text, first, gap_ok=True)
    return _is_first_score(text, m)


@cache
def _score_word_anywhere() -> re.Pattern[str]:
    alt = alternation([*words("contexts", "word", "score"), *words("contexts", "word", "set")])
    return re.compile(rf"(?:^|[^\w])((?i:{alt}))(?!\w)")


def _score_word_before(before: str) -> bool:
    """A score or set word somewhere earlier in the sentence, written in lower case (not
    the name "Thắng") unless it opens the sentence ("Tỷ số các set …")."""
    for found in _score_word_anywhere().finditer(before):
        word = found.group(1)
        if word.islower() or not before[: found.start(1)].strip():
            return True
    return False


def _score_word_after(after: str) -> bool:
    """A lower-case score or set word later in the clause ("dẫn 5-0 trong set đầu")."""
    clause = re.split(r"[.;!?]", after, maxsplit=1)[0]
    return any(f.group(1).islower() for f in _score_word_anywhere().finditer(clause))


def _lead_score(text: str, m: re.Match[str], before: str) -> bool:
    """"vươn lên dẫn 2-1", "tạm dẫn 1-0": a falling or level pair right after a `lead`
    word ("dẫn") is the score the side leads by. "Dẫn" is also "guide, bring", so only
    with nothing between it and the pair, never in a `not_lead` compound ("hướng dẫn"),
    never a rising pair ("dẫn 2-3 đoàn") or a counted one ("dẫn 5-3 người")."""
    first, second = m.group(1), m.group(2)
    return (
        _SCORE_NUMBER.fullmatch(first) is not None
        and _SCORE_NUMBER.fullmatch(second) is not None
        and int(first) >= int(second)
        and trailing_context("lead").search(before) is not None
        and trailing_context("not_lead").search(before) is None
        and not before.rstrip(" ").endswith((",", ":"))
        and _COUNT_AFTER.match(text, m.end()) is None
    )


def _is_first_score(text: str, m: re.Match[str], gap_ok: bool = False) -> bool:
    """A score context word right before the pair, or a few words before it
    ("thắng Malaysia 2-1", "tỷ số là 2 - 1"). With words in between, the context word
    must be lower case (not the name "Thắng", not "Khánh Hòa") and the numbers small.
    Every context word in reach is tried ("Chung cuộc, Hà Nội thắng 3-1"). A falling
    pair ("6 – 3", "13-0") is never a range, so any score or set word earlier in the
    sentence makes it a score ("cả 2 set … đều là 6 – 3")."""
    before = text[max(0, m.start() - 60) : m.start()]
    if _RANGE_WORD.search(before):
        return False
    first, second = m.group(1), m.group(2)
    if _lead_score(text, m, before):
        return True
    if (
        _SCORE_NUMBER.fullmatch(first)
        and _SCORE_NUMBER.fullmatch(second)
        and int(first) > int(second)
        and _COUNT_AFTER.match(text, m.end()) is None
        and (
            _score_word_before(text[max(0, m.start() - 160) : m.start()])
            or _score_word_after(text[m.end() : m.end() + 80])
        )
    ):
        return True
    pattern = nearby_context("score", 6 if gap_ok else 4)
    found = pattern.search(before)
    while found is not None:
        if not found.group(2).strip(" ,:"):
            return True
        small = all(_SCORE_NUMBER.fullmatch(g) for g in m.groups())
        counted = _COUNT_AFTER.match(text, m.end()) is not None  # "thắng lợi trong 3-4 năm"
        if small and not counted and found.group(1).islower():
            return True
        found = pattern.search(before, found.start(1) + 1)
    return False


_PAIR = re.compile(rf"{_B}({NUM})\s?[-–]\s?({NUM})(?![\w/]|[.,]\d)")
# "4-3-3", "4-2-3-1": a formation or a code, never a range (dates took "15-3-2024").
_CHAIN = re.compile(r"(?<![\w.,/-])\d{1,2}(?:-\d{1,2}){2,}(?![\w/-]|[.,]\d)")
_SPACED_PAIR = re.compile(rf"{_B}({NUM})\s+[-–]\s+({NUM})(?![\w/]|[.,]\d)")
# "lần lượt là 3,5 - 3,2 - 3,1 - 2,7": three or more numbers joined by spaced dashes are
# a list (said with pauses), never a range.
_SPACED_CHAIN = re.compile(rf"{_B}{NUM}(?:\s+[-–]\s+{NUM}){{2,}}(?![\w/]|[.,]\d|\s+[-–]\s*\d)")
_CHAIN_SPLIT = re.compile(r"\s+[-–]\s+")
_SPACED_CHAIN_HINT = re.compile(r"\d\s+[-–]\s+\d[\d.,]*\s+[-–]\s+\d")


def ranges_scores(text: str, style: Style) -> str:
    """'từ 3-4 tuần' → "ba đến bốn"; after tỷ số/thắng/thua/hòa → two numbers, no "đến"."""
    if not has_digit(text):
        return text
    def repl(m: re.Match[str]) -> str:
        a, b = read_number(m.group(1), style), read_number(m.group(2), style)
        return f"{a} {b}" if _is_score(text, m) else f"{a} đến {b}"

    text = _CHAIN.sub(lambda m: " ".join(read_number(n, style) for n in m[0].split("-")), text)
    if _SPACED_CHAIN_HINT.search(text):
        text = _SPACED_CHAIN.sub(
            lambda m: ", ".join(read_number(n, style) for n in _CHAIN_SPLIT.split(m[0])), text
        )
    text = _SPACED_PAIR.sub(repl, text)
    return _PAIR.sub(repl, text)


def _tennis_set(a: int, b: int) -> bool:
    """A finished tennis set: 6 against at most 4, or 7 against 5 or 6."""
    high, low = max(a, b), min(a, b)
    return (high == 6 and low <= 4) or (high == 7 and low in (5, 6))


def _rally_set(a: int, b: int) -> bool:
    """A finished rally-point game (table tennis 11, badminton 21 capped at 30,
    volleyball 25 or 15): the winner has at least 11 and leads by two, or 30-29."""
    high, low = max(a, b), min(a, b)
    return 11 <= high <= 40 and (high - low >= 2 or (high, low) == (30, 29))


# "6/4, 6/4", "6-4, 3-6 và 7-6": a list of set scores (dates took none of them yet:
# this stage runs first, since "6/4" would otherwise be the sixth of April).
_SET_PAIR = r"\d{1,2}\s?[-–/]\s?\d{1,2}"
_SET_LIST = re.compile(
    rf"(?<![\w.,/-]){_SET_PAIR}(?:\s*(?:,|;|và)\s*{_SET_PAIR})+(?![\w/]|[.,]\d|\s?[-–/]\d)"
)
_ONE_PAIR = re.compile(r"(\d{1,2})\s?[-–/]\s?(\d{1,2})")
# "set 1 (7-5)", "ở set thứ hai 3-6", "ván 2: 21-19": the pair scores that set.
_SET_NAMED = re.compile(
    r"(?<![\w])((?i:set|ván)\s+(?:\d{1,2}|thứ\s+\w+|đầu(?:\s+tiên)?|cuối(?:\s+cùng)?"
    r"|quyết\s+định|mở\s+màn)\s*:?\s*)(\d{1,2})\s?[-–/]\s?(\d{1,2})(?![\w/]|[.,]\d)"
)
_PAIR_BEFORE = re.compile(r"\d{1,2}\s?[-–]\s?\d{1,2}\s*$")
_PAIR_HINT = re.compile(r"\d\s?[-–/]\s?\d")  # cheap: most sentences have no pair at all
_LIST_HINT = re.compile(r"\d\s?[-–/]\s?\d{1,2}\s*(?:,|;|và)\s*\d{1,2}\s?[-–/]\s?\d")


def set_scores(text: str, style: Style) -> str:
    """Tennis and badminton set scores, said as two numbers ("sáu bốn"), never a range,
    a date or a fraction: a list of finished sets after a score or set word or right
    after the match score ("thắng 2-0 (6/4, 6/4)"), or a pair after "set N"."""
    if _PAIR_HINT.search(text) is None:
        return text
    date_ctx = trailing_context("date")

    def pair(p: re.Match[str]) -> str:
        return f"{read_int(int(p.group(1)), style)} {read_int(int(p.group(2)), style)}"

    def listed(m: re.Match[str]) -> str:
        pairs = [(int(a), int(b)) for a, b in _ONE_PAIR.findall(m.group())]
        before = text[max(0, m.start() - 160) : m.start()]
        finished = all(_tennis_set(a, b) for a, b in pairs) or all(
            _rally_set(a, b) for a, b in pairs
        )
        if not finished or date_ctx.search(before[-24:]):
            return m.group()
        if not (_PAIR_BEFORE.search(before) or _score_word_before(before)):
            return m.group()
        return _ONE_PAIR.sub(pair, m.group())

    if _LIST_HINT.search(text):
        text = _SET_LIST.sub(listed, text)
    if not any(w in text for w in ("set", "Set", "SET", "ván", "Ván", "hiệp", "Hiệp")):
        return text
    text = _SET_NAMED.sub(
        lambda m: f"{m.group(1)}{read_int(int(m[2]), style)} {read_int(int(m[3]), style)}", text
    )
    return _slash_scores(text, style) if "/" in text else text


# A game or set sentence ("ở ván 2", "set đấu thứ hai", "hiệp 1"): its points are
# written "20/20", "23/21", "(8/4)" as often as "21-19".
_GAME_WORD = re.compile(
    r"(?:^|[^\w])(?:set|ván(?!\s+(?:gỗ|ép|khuôn|sàn|lướt|trượt))"
    r"|hiệp(?!\s+(?:hội|định|ước|sĩ|thương|lực|đồng|y)))(?!\w)",
    re.IGNORECASE,
)
_SLASH_PAIR = re.compile(r"(?<![\w.,/-])(\d{1,2})/(\d{1,2})(?![\w/]|[.,]\d)")
_NOT_DATE_WORDS = frozenset(("và", "từ", "đến", "tới", "sau", "trước", "hết"))


def _slash_scores(text: str, style: Style) -> str:
    """Points "a/b" in a game or set sentence, said as two numbers like "2-0" ("cân bằng
    20/20", "thắng 23/21 ở ván 2", "cách biệt 4 điểm (8/4)"): only with a score or set
    word in the sentence, never right after a date word ("ngày 30/9"), never counted
    ("3/4 số hộ") and never a rank ("xếp thứ 3/12")."""
    game = [g for g in _GAME_WORD.finditer(text) if g.group().strip(" ,").islower()
            or not text[: g.start()].strip()]
    if not game:
        return text
    date_ctx = trailing_context("date")
    counted = leading_context("count")

    def repl(m: re.Match[str]) -> str:
        before = text[max(0, m.start() - 160) : m.start()]
        near = date_ctx.search(before[-24:])
        if near is not None and near.group(1).lower() not in _NOT_DATE_WORDS:
            return m.group()
        if counted.match(text, m.end()) or RANK_BEFORE.search(before[-20:]):
            return m.group()
        if not (_score_word_before(before) or _score_word_after(text[m.end() : m.end() + 80])):
            return m.group()
        return f"{read_int(int(m[1]), style)} {read_int(int(m[2]), style)}"

    return _SLASH_PAIR.sub(repl, text)


# What is left of "a:b" after clock times: a map scale or ratio ("1:1000", "1:500.000"),
# or a score after a score word ("thắng 2:1").
_RATIO = re.compile(rf"{_B}(\d+):({NUM})(?![\w/:]|[.,]\d)")


def _ratio(text: str, m: re.Match[str], style: Style) -> str:
    a, b = read_number(m.group(1), style), read_number(m.group(2), style)
    return f"{a} {b}" if _is_score(text, m) else f"{a} trên {b}"


_SCALE_WORD = re.compile(r"(?:^|\W)(?:tỷ|tỉ)\s+lệ(?:\s+bản\s+đồ)?\s*$", re.IGNORECASE)
_FRACTION_RANGE = re.compile(rf"{_B}(\d+/\d+)\s?[-–]\s?(?=\d+/\d+(?![\w/]|[.,]\d))")
_FRACTION = re.compile(rf"{_B}({NUM})/({NUM})(?![\w/]|[.,]\d)")


# A part of a counted whole with an odd denominator: "8/11 nhóm hàng", "5/12 tháng",
# "13/15 chỉ tiêu". A fraction in news has a small or round denominator ("3/4 số hộ",
# "1/10 dân số"); over 10 and not 100, 1000 …, and followed by a noun, it is "x out of y".
_NOUN_AFTER = re.compile(r"\s+(?!(?:số|dân|diện|tổng|lượng|phần)(?!\w))[^\W\d_A-ZĐ]")
# A count over a count: "1.900 đại biểu/75 điểm cầu" — the word before "/" is counted
# by a number just before it and a noun follows the number after it, so "/" is "trên"
# (a rate "/người" has no number after it and is "một …", see `units`).
# Two tallies of the same thing ("259 mã tăng/68 mã giảm") are a list, not a ratio.
_COUNT_OVER_COUNT = re.compile(
    r"(?<![\w.,/])(\d[\d.,]*\s+([^\W\d_]+)(?:\s+[^\W\d_]+){0,2})/(\d{1,3}(?:\.\d{3})*)"
    r"(?=\s+([^\W\d_]+))"
)


def _count_over_count(m: re.Match[str]) -> str:
    counted, first_noun, number, second_noun = m.groups()
    if first_noun.lower() == second_noun.lower():
        return m.group()
    return f"{counted} trên {number}"


def _odd_whole(a: int, b: int) -> bool:
    return b > 10 and str(b).rstrip("0") != "1" and a < b


def fractions(text: str, style: Style) -> str:
    """'3/4' → "ba phần tư" (what is left of a/b once dates have been taken); x out of
    y ("46/132 quốc gia", "28,75/30 điểm") and house numbers ("số 25/3") are "trên"."""
    if ":" in text and has_digit(text):
        text = _RATIO.sub(lambda m: _ratio(text, m, style), text)
    if "/" not in text:
        return text
    text = _FRACTION_RANGE.sub(r"\1 đến ", text)  # "1/2-2/3 số hộ"
    text = _COUNT_OVER_COUNT.sub(_count_over_count, text)
    counted = leading_context("count")
    address = trailing_context("address")

    def repl(m: re.Match[str]) -> str:
        a_s, b_s = m.group(1), m.group(2)
        if len(a_s) > 15 or len(b_s) > 15:
            return m.group()
        if not (a_s + b_s).isdigit():  # "28,75/30": a score out of a maximum
            return f"{read_number(a_s, style)} trên {read_number(b_s, style)}"
        a, b = int(a_s), int(b_s)
        if b == 0:
            return m.group()
        # "24/7", "63/63 tỉnh", "10/12 huyện", "46/132": x out of y, said "trên";
        # news writes true fractions with a one-digit numerator ("2/3", "1/10").
        rank = RANK_BEFORE.search(text[max(0, m.start() - 20) : m.start()])
        if rank is not None and rank.group().rstrip().lower().endswith("thứ"):
            return f"{read_ordinal(a, style)} trên {read_int(b, style)}"  # "thứ nhất trên 63"
        if (
            rank is not None
            or (a, b) == (24, 7)
            or _SCALE_WORD.search(text[max(0, m.start() - 20) : m.start()])
            or a == b
            or a >= 10
            or counted.match(text, m.end())
            or (_odd_whole(a, b) and _NOUN_AFTER.match(text, m.end()))
            or address.search(text[max(0, m.start() - 20) : m.start()])
        ):
            return f"{read_int(a, style)} trên {read_int(b, style)}"
        return f"{read_int(a, style)} phần {read_denominator(b, style)}"

    return _FRACTION.sub(repl, text)
