"""Parse a bulletin pasted from a provincial portal into its fields.

The paste shape (see the sample bulletin): portal boilerplate lines, a date line, the
"Tăng cỡ chữ Giảm cỡ chữ" toolbar, the title, the lead (sapo), body paragraphs, and the
author's name as the last short line. Boilerplate patterns are data, below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

#: Lines dropped wherever they appear: portal widget names and toolbar text.
BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^PublishingPortal\b",
        r"^Block_\w+$",
        r"^(Tăng cỡ chữ|Giảm cỡ chữ|Cỡ chữ|Mặc định)(\s+(Tăng cỡ chữ|Giảm cỡ chữ|Mặc định))*$",
        r"^(In bài viết|In trang|Gửi email|Gửi bài viết|Chia sẻ|Bản in|Lưu tin|Quay lại)"
        r"(\s*[|/]\s*\S.*)?$",
        r"^(Trang chủ|Tin tức)(\s*[>»/]\s*\S.*)?$",
    )
]

#: A date line: optional weekday, d/m/yyyy (or - .), optional time.
_DATE = re.compile(
    r"^(?:(?:Thứ\s+\S+|Chủ\s+nhật)\s*,\s*)?(?:ngày\s+)?"
    r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
    r"(?:\s*[,|-]?\s*(?P<H>\d{1,2})[:h](?P<M>\d{2})(?:\s*(?:\(?GMT[+]?\d*\)?))?)?\s*$",
    re.IGNORECASE,
)
_AUTHOR_MAX_CHARS = 60
_AUTHOR_MAX_WORDS = 8


@dataclass
class PasteResult:
    title: str = ""
    lead: str = ""
    paragraphs: list[str] = field(default_factory=list)
    author: str = ""
    published_at: datetime | None = None
    dropped: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def _is_boilerplate(line: str) -> bool:
    return any(p.search(line) for p in BOILERPLATE)


def parse_date_line(line: str) -> datetime | None:
    m = _DATE.match(line.strip())
    if not m:
        return None
    try:
        return datetime(
            int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"] or 0), int(m["M"] or 0)
        )
    except ValueError:
        return None


def _looks_like_author(line: str) -> bool:
    words = line.split()
    return (
        0 < len(line) <= _AUTHOR_MAX_CHARS
        and len(words) <= _AUTHOR_MAX_WORDS
        and not line.rstrip().endswith((".", ":", ";", "?", "!"))
        and not any(ch.isdigit() for ch in line)
    )


def parse_paste(text: str) -> PasteResult:
    """Split pasted portal text into fields; the caller validates what is missing."""
    result = PasteResult()
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line:
            continue
        if _is_boilerplate(line):
            result.dropped.append(line)
            continue
        if result.published_at is None and not lines:
            when = parse_date_line(line)
            if when is not None:
                result.published_at = when
                continue
        lines.append(line)
    if not lines:
        return result
    result.title = lines.pop(0)
    if len(lines) >= 3 and _looks_like_author(lines[-1]):
        result.author = lines.pop()
    if len(lines) >= 2:
        result.lead = lines.pop(0)
    result.paragraphs = lines
    return result
