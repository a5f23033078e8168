"""Stage 4: dates, day ranges, months of a year, quarters and clock times.

Dates run before fractions and ranges because "24/3/2020" and "12-14/8" would
otherwise be read as a fraction or a range. A bare "d/m" is a date when a date word
("ngày", "sáng", "từ", a weekday …) precedes it or when it would be an improper
fraction ("15/7"); otherwise it is a fraction ("3/4 số hộ").
"""

from __future__ import annotations

import re
from functools import cache

from audio.text.data_files import alternation, leading_context, mapping, trailing_context
from audio.text.numbers import Style, has_digit, read_fraction_digits, read_int

_B = r"(?<![\w.,/-])"  # not inside a longer number or code
_E = r"(?![\w/]|[.,-]\d)"

_FULL_DATE = re.compile(rf"{_B}(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}}){_E}")
_DAY_RANGE = re.compile(rf"{_B}(\d{{1,2}})\s*[-–]\s*(\d{{1,2}})/(\d{{1,2}})(?:/(\d{{4}}))?{_E}")
_DATE_SPAN = re.compile(
    rf"{_B}(\d{{1,2}})/(\d{{1,2}})(?:/(\d{{4}}))?\s?[-–]\s?"
    rf"(\d{{1,2}})/(\d{{1,2}})(?:/(\d{{4}}))?{_E}"
)
_MONTH_YEAR = re.compile(rf"{_B}(\d{{1,2}})([/.-])(\d{{4}}){_E}")
_DAY_MONTH = re.compile(rf"{_B}(\d{{1,2}})/(\d{{1,2}}){_E}")
# "Ngày 20-11", "sáng 2-9": d-m after a date word (a range everywhere else).
_DAY_MONTH_DASH = re.compile(rf"{_B}(\d{{1,2}})\s?[-–]\s?(\d{{1,2}})(?![\w/]|[.,-]\d)")
_DATE_LIST_TAIL = re.compile(r"(?<![\w.,/-])\d{1,2}\s?[-–]\s?\d{1,2}\s*(?:,|và)\s*$")
_PER_DAY = re.compile(r"(?:^|\W)(?:mỗi|mọi|một|hai|ba|vài|hằng|hàng|trong)\s*$", re.IGNORECASE)
_COUNTED = re.compile(
    r"\s*(?:lần|giờ|tiếng|phút|ca|người|bữa|chuyến|liều|viên|cốc|ly|ngày|tuần|tháng|năm)(?!\w)",
    re.IGNORECASE,
)
# "Ngày 19-2 (giờ địa phương)", "sáng 5-3 (giờ Việt Nam)": the time zone of the date,
# not "giờ" counted after a range.
_TIME_ZONE_UPPER = re.compile(r"\s*giờ\s+(?:(?i:địa\s+phương|quốc\s+tế|miền)|[A-ZĐ])")
_CLOCK = re.compile(
    rf"{_B}(\d{{1,2}})(?:[hg:](\d{{2}})(?::(\d{{2}}))?|h(?:\s?(\d{{2}})\s?(?:p|ph|phút)\b)?"
    r"|h(\d))'?"
    r"(?![\w/]|[.,:]\d)"
)
# A race time with hundredths: "15:01,63", "2:05:30,5", "1:58.38" (never a clock time:
# a clock has no fraction, and the English dot is as common as the comma here).
_RACE_TIME = re.compile(
    rf"{_B}(?:(\d{{1,2}}):)?(\d{{1,2}}):(\d{{2}})[,.](\d{{1,3}})(?![\w/]|[.,:]\d)"
)
# "10.49 giây", "36.2 độ C", "95.99%", "1.5 triệu": a fraction written the English way;
# "." can be neither thousands (three digits would follow) nor a date (a unit follows).
# "14.900 độ Vĩ Bắc" is a coordinate, "độ lớn 4.5" a magnitude: decimals too.
_ENGLISH_DECIMAL_HINT = re.compile(r"\d\.\d{1,2}(?!\d)|\d\.\d{3}\s?(?:°|độ)")


@cache
def _english_decimal() -> re.Pattern[str]:
    units = [u for u in mapping("units", "unit", "spoken") if len(u) > 1 or not u.isalpha()]
    money = [c for c in mapping("currencies", "symbol", "spoken") if c.isupper()]
    after = alternation([*units, *money, "giây", "s", "độ", "richter", "nghìn", "ngàn",
                         "triệu", "tỷ", "tỉ"])
    return re.compile(
        rf"{_B}(\d{{1,3}})\.(\d{{1,2}})(?=\s?(?:{after})(?!\w))"
        rf"|{_B}(\d{{1,3}})\.(\d{{3}})(?=\s?(?:°|độ)\s?(?i:vĩ|kinh|[NSEW](?!\w)))"
        r"|(?<=(?i:độ lớn) )(\d{1,2})\.(\d{1,2})(?!\w|[.,]\d|\s?[-–/]\s?\d)"
    )


def _decimal(m: re.Match[str]) -> str:
    whole, frac = next((a, b) for a, b in zip(m.groups()[::2], m.groups()[1::2], strict=True)
                       if a is not None)
    return f"{whole},{frac}"
# "7g", "lúc 7g", "7g sáng", "từ 7g đến 9g": an hour written with "g" (giờ), as the
# southern press does; "100g", "5 g muối" stay grams.
_HOUR_G = re.compile(r"(?<![\w.,/])(\d{1,2})g(?![\w²³]|[.,]\d)")
_HOUR_G_HINT = re.compile(r"\dg(?!\w)")
_HOUR_G_BEFORE = re.compile(
    r"(?:(?:^|\W)(?:lúc|vào|từ|đến|tới|trước|sau)|\d[hg:]\d{0,2}\s?[-–])\s*$", re.IGNORECASE
)
_HOUR_G_AFTER = re.compile(
    r"\s*(?:[-–]\s*\d{1,2}[hg:]|(?:đến|tới)\s+\d{1,2}[hg:]"
    r"|(?:sáng|trưa|chiều|tối|đêm|khuya|hôm|ngày|cùng ngày)(?!\w))",
    re.IGNORECASE,
)
_CLOCK_ATOM = r"\d{1,2}(?:[hg]\d{2}|h|:\d{2})"
_CLOCK_RANGE = re.compile(
    rf"{_B}({_CLOCK_ATOM}|\d{{1,2}})\s?[-–]\s?({_CLOCK_ATOM})(?![\w/]|[.,:]\d)"
)
# "ngày 5.12", "sáng qua 19.1", "(30.8)": the press (Thanh Niên, Người Lao Động) writes
# d.m with a dot; a date only after a date word or alone in parentheses, never a decimal
# (Vietnamese decimals take a comma) and never "5.000" (three digits are thousands).
_DOT_DATE = re.compile(rf"{_B}(?:(\d{{1,2}})\s?[-–]\s?)?(\d{{1,2}})\.(\d{{1,2}})(?![\w/]|[.,]\d)")
_IN_PARENS = re.compile(r"\(\s*$")
# "tháng 9/2020 - 2/2021": from one month of a year to another, "đến" (the spaced dash
# would otherwise be a pause).
_MONTH_YEAR_SPAN = re.compile(r"(?<![\w/.,])(\d{1,2}/\d{4})\s*[-–]\s*(?=\d{1,2}/\d{4}(?![\w/]))")
# "tháng 3-5/2024": two months of one year.
_MONTH_RANGE_YEAR = re.compile(
    rf"(?<![\w])([Tt]háng)\s+(\d{{1,2}})\s?[-–]\s?(\d{{1,2}})/(\d{{4}}){_E}"
)
# "7 giờ 00", "17 giờ 00": the zero minutes are not said ("17 giờ 00 phút" keeps its
# "không phút": the audit never lets a written word go unsaid).
_ZERO_MINUTES = re.compile(
    r"(?<![\w.,])(\d{1,2})\s+giờ\s+00(?![\w]|[.,:]\d|\s+phút)", re.IGNORECASE
)
_SCALE = re.compile(r"(?:^|\W)(?:tỷ|tỉ)\s+lệ\s*$", re.IGNORECASE)
# "ngày 22 và 23/11", "các ngày 5, 6 và 7/8": "ngày" is said once for the whole list.
# "Ngày và đêm 28/10": the day already said before its night.
_DAY_WORD = re.compile(
    r"(?:^|\W)(ngày|mùng|mồng)(?:\s+\d{1,2}\s*(?:,|và)\s*)*\s*$"
    r"|(?:^|\W)ngày\s*(?:,|và)\s*(?:đêm|tối|sáng|chiều|trưa)\s*$", re.IGNORECASE
)
# "từ ngày 2 đến 13/7", "(từ 13 đến 16/12)": the range's first day carries "ngày", the d/m
# that ends it takes none ("từ ngày hai đến mười ba tháng bảy"; six independent rows).
_RANGE_END = re.compile(r"(?<![\w.,/])\d{1,2}\s+(?:đến|tới)\s*$", re.IGNORECASE)
_RANGE_START = re.compile(r"(?<![\w.,/])\d{1,2}\s*[-–]\s*$")
# "lớp 6/3": a class and its section, "lớp sáu ba"; "thắng 21/11": points, not a date (a
# proper fraction of small numbers after a score word stays one: "thắng 3/4 số trận").
_CLASS_BEFORE = re.compile(r"(?:^|\W)lớp\s*$", re.IGNORECASE)
_SCORE_BEFORE = re.compile(  # "Chiến thắng 30/4" is the day of the victory
    r"(?:^|\W)(?<!chiến )(?:thắng|thua|hòa|dẫn)\s*$", re.IGNORECASE)
# "2 ngày 21 và 22-9", "các ngày 5, 6 và 7-8": the days listed before a dash date.
_DAY_LIST_TAIL = re.compile(r"(?<![\w.,/-])\d{1,2}\s*(?:,|và)\s*$")
# "trong đó 8 và 9/7 là …": a list of days before a date with no "ngày" before it; the
# list is said "ngày tám và chín tháng bảy", "ngày" once, before the first day.
_BARE_DAY_LIST = re.compile(
    r"(?<![\w.,/-])(?=\d{1,2}(?:\s*,\s*\d{1,2})*\s*(?:,|và)\s*(\d{1,2})/(\d{1,2})"
    r"(?![\w/]|[.,]\d))"
)
#: A rank out of a total, "xếp thứ 6/112", "đứng thứ 3/63 tỉnh", "hạng 2/10": never a
#: date nor a fraction, always "trên" ("thứ 6/12" alone may be a weekday and a date).
RANK_BEFORE = re.compile(
    r"(?:^|\W)(?:(?:xếp|đứng|về|vị\s+trí|xếp\s+hạng)\s+thứ|hạng|bậc)\s*$", re.IGNORECASE
)
# "SEA Games 32-2023", "ASIAD 19-2023": an edition number and its year.
_EDITION_YEAR = re.compile(
    r"(?<![\w])((?i:games|a si át|asiad|olympic|paralympic|world cup|euro)\s+)"
    r"(\d{1,2})\s?[-–/]\s?((?:19|20)\d{2})(?![\w/]|[.,]\d)"
)
_MONTH_WORD = re.compile(r"(?:^|\W)(tháng|quý|tuần)\s*$", re.IGNORECASE)
# "ngày 28/ 7": a stray space after the slash of a date.
_SLASH_SPACE = re.compile(r"(?<![\w.,/])(\d{1,2}) ?/ (\d{1,2})(?![\w/]|[.,]\d)")
# "từ 11 giờ 00 – 14 giờ 30": two clock times in words, "đến" between them.
_HOUR_WORDS_RANGE = re.compile(
    r"(?<![\w.,])(\d{1,2}\s+giờ(?:\s+\d{1,2}(?:\s+phút)?)?)\s*[-–]\s*(?=\d{1,2}\s+giờ(?!\w))"
)


@cache
def _measured() -> re.Pattern[str]:
    """A unit right after a d-m pair: "đêm nay 5-7 độ", "sáng mai 2-3%" are a range of
    temperatures or rates after a part of the day, not a date."""
    units = mapping("units", "unit", "spoken")
    return re.compile(rf"\s?(?:{alternation([*units, 'độ'])})(?![\w²³])")


@cache
def _weekday_abbr() -> re.Pattern[str]:
    alt = alternation(mapping("weekdays", "written", "spoken"))
    return re.compile(rf"(?<![\w])({alt})(?=,?\s*(?:ngày\s+)?\d{{1,2}}/\d{{1,2}})")


def _valid(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _month(m: int, style: Style) -> str:
    """Months are cardinals except April, always "tháng tư"."""
    return "tư" if m == 4 else read_int(m, style)


def _day_prefix(before: str) -> str:
    return "" if _DAY_WORD.search(before) else "ngày "


def dates_times(text: str, style: Style) -> str:
    """Full dates, day ranges, m/yyyy, d/m in date context, then clock times."""
    if not has_digit(text):
        return text
    weekdays = mapping("weekdays", "written", "spoken")
    text = _weekday_abbr().sub(lambda m: weekdays[m.group(1)], text)

    def full(m: re.Match[str]) -> str:
        d, _, mo, y = m.groups()
        starts_range = _RANGE_START.search(text, max(0, m.start() - 12), m.start())
        if not _valid(int(d), int(mo)) or starts_range:
            return m.group()  # "07- 08/12/2017": the end of a day range, read below
        head = _day_prefix(text[: m.start()][-12:])
        return (
            f"{head}{read_int(int(d), style)} tháng {_month(int(mo), style)}"
            f" năm {read_int(int(y), style)}"
        )

    date_ctx = trailing_context("date")

    def span(m: re.Match[str]) -> str:
        """"30/4-1/5", "10/10/1954-10/10/2024": two dates, "đến" between them."""
        d1, m1, y1, d2, m2, y2 = m.groups()
        days = [(int(d1), int(m1)), (int(d2), int(m2))]
        if not all(_valid(d, mo) for d, mo in days):
            return m.group()
        before = text[max(0, m.start() - 24) : m.start()]
        if not (y1 or y2 or date_ctx.search(before) or any(d > mo for d, mo in days)):
            return m.group()
        said = []
        for (d, mo), y in zip(days, (y1, y2), strict=True):
            one = f"{read_int(d, style)} tháng {_month(mo, style)}"
            said.append(f"{one} năm {read_int(int(y), style)}" if y else one)
        return f"{_day_prefix(before[-12:])}{said[0]} đến ngày {said[1]}"

    if "/" in text:
        text = _DATE_SPAN.sub(span, text)
    text = _FULL_DATE.sub(full, text)

    def day_range(m: re.Match[str]) -> str:
        d1, d2, mo, y = m.groups()
        if not (_valid(int(d1), int(mo)) and _valid(int(d2), int(mo))):
            return m.group()
        said = (
            f"{read_int(int(d1), style)} đến {read_int(int(d2), style)}"
            f" tháng {_month(int(mo), style)}"
        )
        if y:
            said += f" năm {read_int(int(y), style)}"
        before = text[: m.start()][-12:]
        return said if re.search(r"(?:^|\W)từ\s*$", before, re.IGNORECASE) else (
            _day_prefix(before) + said
        )

    text = _DAY_RANGE.sub(day_range, text)

    def month_year(m: re.Match[str]) -> str:
        mo, y = int(m.group(1)), int(m.group(3))
        before = text[: m.start()][-12:]
        if _SCALE.search(before):
            return m.group()  # "tỷ lệ 1/2000" is a map scale, read by the fraction stage
        word = _MONTH_WORD.search(before)
        kind = word.group(1).lower() if word is not None else "tháng"
        if m.group(2) == "." and word is None:
            return m.group()  # "4.2018" is a month and year only after "tháng"
        top = {"quý": 4, "tuần": 53}.get(kind, 12)
        if not (1 <= mo <= top) or not 1000 <= y <= 2999:
            return m.group()
        number = _month(mo, style) if kind == "tháng" else read_int(mo, style)
        head = "" if word else "tháng "
        return f"{head}{number} năm {read_int(y, style)}"

    def month_range(m: re.Match[str]) -> str:
        word, a, b, y = m.groups()
        if not (1 <= int(a) <= 12 and 1 <= int(b) <= 12):
            return m.group()
        return (
            f"{word} {_month(int(a), style)} đến tháng {_month(int(b), style)}"
            f" năm {read_int(int(y), style)}"
        )

    if "-" in text or "–" in text or "/" in text:
        text = _EDITION_YEAR.sub(
            lambda m: f"{m[1]}{m[2]} năm {read_int(int(m[3]), style)}", text
        )
    text = _MONTH_RANGE_YEAR.sub(month_range, text)
    if "-" in text or "–" in text:
        text = _MONTH_YEAR_SPAN.sub(r"\1 đến ", text)
    text = _MONTH_YEAR.sub(month_year, text)
    counted = leading_context("count")
    address_ctx = trailing_context("address")

    def bare_day_list(m: re.Match[str]) -> str:
        d, mo = int(m.group(1)), int(m.group(2))
        before = text[max(0, m.start() - 24) : m.start()]
        if (
            not _valid(d, mo)
            or _DAY_WORD.search(before)
            or RANK_BEFORE.search(before)
            or not (d > mo or date_ctx.search(before))
        ):
            return ""
        return "ngày "

    def day_month(m: re.Match[str]) -> str:
        d, mo = int(m.group(1)), int(m.group(2))
        before = text[max(0, m.start() - 24) : m.start()]
        if RANK_BEFORE.search(before):
            return m.group()  # "xếp thứ 3/12": a rank, read "trên" by the fraction stage
        if _CLASS_BEFORE.search(before) or (
            _SCORE_BEFORE.search(before) and (d > mo or min(d, mo) >= 10)
        ):
            return f"{read_int(d, style)} {read_int(mo, style)}"
        # An improper fraction ("15/7") is far less likely in news than a date.
        improper = d > mo and (d, mo) != (24, 7)  # "24/7" is round the clock
        in_context = date_ctx.search(before) is not None
        if address_ctx.search(before):
            return m.group()  # "số nhà 25/3": a house number, read by the fraction stage
        if not _valid(d, mo) or not (improper or in_context):
            return m.group()
        if not in_context and counted.match(text, m.end()):
            return m.group()  # "10/9 huyện" counts districts; a fraction stage reads it
        head = "" if _RANGE_END.search(before) else _day_prefix(before)
        return f"{head}{read_int(d, style)} tháng {_month(mo, style)}"

    if "/ " in text:
        text = _SLASH_SPACE.sub(
            lambda m: f"{m[1]}/{m[2]}"
            if date_ctx.search(text[max(0, m.start() - 24) : m.start()]) else m.group(),
            text,
        )
    if "/" in text and ("và" in text or "," in text):
        text = _BARE_DAY_LIST.sub(bare_day_list, text)
    text = _DAY_MONTH.sub(day_month, text)

    def dot_date(m: re.Match[str]) -> str:
        d1, d, mo = m.group(1), int(m.group(2)), int(m.group(3))
        before = text[max(0, m.start() - 24) : m.start()]
        in_parens = _IN_PARENS.search(before) is not None and text[m.end() : m.end() + 1] == ")"
        if not _valid(d, mo) or not (in_parens or date_ctx.search(before)):
            return m.group()
        if d1 is not None and not _valid(int(d1), mo):
            return m.group()
        said = f"{read_int(d, style)} tháng {_month(mo, style)}"
        if d1 is not None:
            return f"{read_int(int(d1), style)} đến {said}"
        return f"{_day_prefix(before)}{said}"

    if "." in text:
        if _ENGLISH_DECIMAL_HINT.search(text):
            text = _english_decimal().sub(_decimal, text)
        text = _DOT_DATE.sub(dot_date, text)
    dash_ctx = trailing_context("date_dash")

    def dash_day_month(m: re.Match[str]) -> str:
        d, mo = int(m.group(1)), int(m.group(2))
        before = text[max(0, m.start() - 60) : m.start()]
        while (listed := _DATE_LIST_TAIL.search(before)) is not None:  # "30-4 và 1-5"
            before = before[: listed.start()]
        days = before
        while (day := _DAY_LIST_TAIL.search(days)) is not None:  # "ngày 21 và 22-9"
            days = days[: day.start()]
        ctx = dash_ctx.search(before) or (
            dash_ctx.search(days) if days != before and _DAY_WORD.search(before) else None
        )
        if (
            not _valid(d, mo)
            or ctx is None
            # "mỗi ngày 2-3 lần"; a falling pair ("trong ngày 5-1") is never a count
            or (d <= mo and _PER_DAY.search(before[: ctx.start(1)]))
            or (_COUNTED.match(text, m.end()) and not _TIME_ZONE_UPPER.match(text, m.end()))
            or _measured().match(text, m.end())
        ):
            return m.group()
        return f"{_day_prefix(before)}{read_int(d, style)} tháng {_month(mo, style)}"

    text = _DAY_MONTH_DASH.sub(dash_day_month, text)
    if "giây" in text:
        text = _SECONDS_HUNDREDTHS.sub(lambda m: _seconds_hundredths(m, style), text)
    if ":" in text:
        text = _RACE_TIME.sub(lambda m: _race_time(m, style), text)
    if _HOUR_G_HINT.search(text):
        text = _HOUR_G.sub(lambda m: _hour_g(text, m), text)
    if "giờ" in text and ("–" in text or "-" in text):
        text = _HOUR_WORDS_RANGE.sub(r"\1 đến ", text)
    text = _ZERO_MINUTES.sub(r"\1 giờ", text)
    text = _CLOCK_RANGE.sub(lambda m: _clock_range(m, style), text)
    return _CLOCK.sub(lambda m: _clock(m, style), text)


# "20 giây 07", "10 giây 37", "2 phút 27 giây 37": the number after "giây" is the
# hundredths, so its zero is said ("hai mươi giây không bảy"); "giây 07 phút" is not one.
_SECONDS_HUNDREDTHS = re.compile(
    r"(?<![\w.,])(\d{1,2})\s+giây\s+(\d{2})(?![\w]|[.,:]\d|\s*(?:phút|giây|giờ)(?!\w))"
)


def _seconds_hundredths(m: re.Match[str], style: Style) -> str:
    return f"{read_int(int(m[1]), style)} giây {read_fraction_digits(m[2], style)}"


def _hour_g(text: str, m: re.Match[str]) -> str:
    """"7g" is seven o'clock after "lúc"/"từ"/"đến" or before a part of the day or
    another time; anywhere else a number glued to "g" is grams."""
    if int(m.group(1)) > 24:
        return m.group()
    if _HOUR_G_BEFORE.search(text[max(0, m.start() - 12) : m.start()]) or _HOUR_G_AFTER.match(
        text, m.end()
    ):
        return f"{m.group(1)}h"
    return m.group()


def _race_time(m: re.Match[str], style: Style) -> str:
    """"15:01,63" → "mười lăm phút một phẩy sáu mươi ba giây"."""
    h, mi, sec, frac = m.groups()
    if (int(mi) > 59 and h is not None) or int(sec) > 59:
        return m.group()
    said = f"{read_int(int(h), style)} giờ " if h is not None else ""
    said += f"{read_int(int(mi), style)} phút {read_int(int(sec), style)}"
    return f"{said} phẩy {read_fraction_digits(frac, style)} giây"


def _clock_range(m: re.Match[str], style: Style) -> str:
    """"5h-22h", "7h30-11h", "8:00 - 17:00", "8-17h": both ends read as times."""
    first, second = m.group(1), m.group(2)
    end = _CLOCK.fullmatch(second)
    start = _CLOCK.fullmatch(first if not first.isdigit() else f"{first}h")
    if start is None or end is None:
        return m.group()
    said_start, said_end = _clock(start, style), _clock(end, style)
    if said_start == start.group() or said_end == second:
        return m.group()  # not a valid time ("25h", "8:75")
    if first.isdigit() and said_start.endswith(" giờ"):
        said_start = said_start[: -len(" giờ")]  # "8-17h": "tám đến mười bảy giờ"
    return f"{said_start} đến {said_end}"


def _clock(m: re.Match[str], style: Style) -> str:
    h_s, mi_s, s_s, mi2_s, mi1_s = m.groups()  # mi1_s: one minute digit, "14h8"
    written = m.group()
    h = int(h_s)
    minutes = mi_s or mi2_s or mi1_s
    if ":" in written and (mi_s is None or h > 24):
        return written
    if minutes is None:
        # "9h", or "24h" as a duration
        return f"{read_int(h, style)} giờ"
    mi = int(minutes)
    if h > 24 or mi > 59 or (s_s is not None and int(s_s) > 59):
        return written
    said = f"{read_int(h, style)} giờ"
    if s_s is not None:
        return f"{said} {read_int(mi, style)} phút {read_int(int(s_s), style)} giây"
    if mi:
        said += f" {read_int(mi, style)}"
        if mi2_s is not None:
            said += " phút"
    return said
