"""The spoken opening "Bản tin …, ngày … tháng … năm …" built from a bulletin's fields.

Loudspeaker listeners hear the bulletin once, often mid-sentence as they walk by, so
the station says what it is and the date before the title. The date is verbalized
here with the normalizer's number core (not the whole normalizer) because the header is
ours: its wording must not depend on context rules. The numbers follow the announcer conventions in
docs/vietnamese-reading.md (North by default: "linh", "nghìn"; South: "lẻ", "ngàn").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from audio.text.numbers import get_style, read_int
from audio.vocabulary import style_for

#: month names as announcers say them (solar calendar: 1 is "một", 4 is "tư")
MONTHS = ("một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười",
          "mười một", "mười hai")


def number_words(n: int, style: str = "north") -> str:
    """A cardinal in words, from the normalizer's number core (one number reader)."""
    return read_int(n, get_style(style_for(style)))


def date_words(day: dt.date, style: str = "north") -> str:
    """'ngày hai mươi sáu tháng sáu năm hai nghìn không trăm hai mươi'."""
    return (f"ngày {number_words(day.day, style)} tháng {MONTHS[day.month - 1]} "
            f"năm {number_words(day.year, style)}")


@dataclass(frozen=True)
class Header:
    """The header both as shown (cue text) and as said (what the engine receives)."""

    written: str
    spoken: str


def bulletin_header(name: str, day: dt.date | None, style: str = "north") -> Header:
    """Header for bulletin `name` (a programme or source, e.g. "Đài Truyền thanh xã").

    `name` is passed through as written: callers run it through the normalizer when it
    may hold abbreviations. Without a date the header is just "Bản tin <name>."
    """
    name = " ".join(name.split())
    written = f"Bản tin {name}" if name else "Bản tin"
    spoken = written
    if day is not None:
        written += f", ngày {day.day:02d}/{day.month:02d}/{day.year}"
        spoken += f", {date_words(day, style)}"
    return Header(written=written + ".", spoken=spoken + ".")
