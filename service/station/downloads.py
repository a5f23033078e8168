"""Download names: a station saves a file as "2026-12-01 Bão số 9 đổ bộ.mp3", not as a hash.

Audio is stored under content hashes (immutable, cacheable); `stored_names` remembers
which bulletin or programme edition a stored file belongs to, so `?download=1` on any
audio URL can answer with `Content-Disposition: attachment` and a file name made of the
date and the title: UTF-8 in `filename*` (RFC 6266 / RFC 5987) with an ASCII fallback
for old clients.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from service.models import Bulletin, Edition, StoredName
from service.publication import State

MAX_TITLE = 80


def download_link(url: str) -> str:
    """The audio URL that answers as a download named by date and title, not by hash."""
    return f"{url}?download=1"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|%]+')
_NOT_ASCII_WORD = re.compile(r"[^A-Za-z0-9]+")


def file_title(day: date | None, title: str) -> str:
    """'2026-12-01 Bão số 9 đổ bộ' (no characters a file system or header refuses)."""
    title = " ".join(_UNSAFE.sub(" ", title).split())[:MAX_TITLE].strip() or "ban-tin"
    return f"{day.isoformat()} {title}" if day else title


def ascii_fallback(name: str) -> str:
    """'2026-12-01-Bao-so-9-do-bo': diacritics dropped, đ/Đ as d/D."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return _NOT_ASCII_WORD.sub("-", plain).strip("-") or "bantin"


def content_disposition(day: date | None, title: str, ext: str) -> str:
    name = file_title(day, title)
    return (f'attachment; filename="{ascii_fallback(name)}.{ext}"; '
            f"filename*=UTF-8''{quote(f'{name}.{ext}', safe='')}")


def local_day(at: datetime | None, tz: ZoneInfo) -> date | None:
    return at.replace(tzinfo=UTC).astimezone(tz).date() if at else None


def remember(sessions: sessionmaker[Session], names: dict[str, str],
             bulletin_id: int | None = None, edition_id: int | None = None) -> None:
    """Record whose files these are (`{name: kind}`). Best effort, its own transaction:
    the same content stored twice keeps its first owner, and a failure here never
    undoes the audio it describes."""
    for name, kind in names.items():
        with sessions() as s:
            if s.get(StoredName, name) is not None:
                continue
            s.add(StoredName(name=name, kind=kind, bulletin_id=bulletin_id,
                             edition_id=edition_id))
            try:
                s.commit()
            except IntegrityError:  # another worker recorded it first
                s.rollback()


def describe(s: Session, name: str, tz: ZoneInfo) -> tuple[date | None, str] | None:
    """(date, title) for a stored file: a published bulletin's published title and the
    day it was published, or a programme edition's name and broadcast day. Files of
    unpublished bulletins get no title (their name would tell what is not yet public)."""
    row = s.get(StoredName, name)
    if row is None:
        return None
    if row.edition_id is not None:
        e = s.get(Edition, row.edition_id)
        return (local_day(e.scheduled_for, tz), e.programme.name) if e else None
    b = s.get(Bulletin, row.bulletin_id) if row.bulletin_id is not None else None
    if b is None or b.state != State.PUBLISHED:
        return None
    title = next((v.title for v in b.versions if v.number == b.published_version), b.title)
    return local_day(b.released_at or b.created_at, tz), title
