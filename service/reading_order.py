"""What a reader listens to next: the bulletin after this one, and today's list.

Both follow the index page's order (newest first), so "Nghe tiếp" at the end of a
bulletin goes where the reader's eye would go in the list, and today's playlist plays
the day's bulletins in the order the list shows them. Readers only ever get published
bulletins, whoever asks (a draft never appears in a reader's "next").
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service.models import Bulletin
from service.publication import Audience, State
from service.rendition_view import BulletinView, bulletin_view
from service.station import schedule

#: a day's list is short; a runaway import still must not make a page of thousands
TODAY_LIMIT = 100


def next_published(s: Session, bulletin_id: int) -> BulletinView | None:
    """The published bulletin listed right after `bulletin_id` (the next older one) that
    can be played, or None at the end of the list."""
    q = (select(Bulletin).options(selectinload(Bulletin.renditions),
                                  selectinload(Bulletin.versions))
         .where(Bulletin.state == State.PUBLISHED, Bulletin.id < bulletin_id)
         .order_by(Bulletin.id.desc()).limit(20))
    for b in s.scalars(q):
        view = bulletin_view(b, audience=Audience.PUBLIC)
        if view.playing is not None:
            return view
    return None


def published_on(s: Session, tz: ZoneInfo, day: date) -> list[BulletinView]:
    """Bulletins published (released) during the station's calendar `day`, newest
    first, with their audio ready."""
    start, end = schedule.day_bounds(day, tz)
    q = (select(Bulletin).options(selectinload(Bulletin.renditions),
                                  selectinload(Bulletin.versions))
         .where(Bulletin.state == State.PUBLISHED, Bulletin.released_at >= start,
                Bulletin.released_at < end)
         .order_by(Bulletin.id.desc()).limit(TODAY_LIMIT))
    views = (bulletin_view(b, audience=Audience.PUBLIC) for b in s.scalars(q))
    return [v for v in views if v.playing is not None and v.playing.url("mp3")]
