"""Today's broadcast files for IP speakers and players: an extended M3U playlist.

What may play *now*: published bulletins released today (the station's day) and every
emergency or repeating bulletin still in force, whatever day it came; never a cancelled,
superseded or expired one, never a draft (CAP Test and Exercise alerts stay drafts).
Emergencies first, highest risk first, then priority bulletins, then the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from service.models import Bulletin
from service.publication import Audience, State
from service.rendition_view import AudioFile, BulletinView, bulletin_view
from service.station import schedule
from service.station.programmes import broadcast_order, in_force
from service.station.vocabulary import EMERGENCY

LOUDSPEAKER = "loudspeaker"


@dataclass(frozen=True)
class Entry:
    view: BulletinView
    file: AudioFile

    @property
    def bulletin(self) -> Bulletin:
        return self.view.bulletin


def on_air(s: Session, tz: ZoneInfo, now: datetime, base: str, source: str | None = None,
           ) -> list[BulletinView]:
    """What may play today, in broadcast order, whether its loudspeaker file is ready or
    not (the operator's board shows both; the playlist only the ready ones)."""
    start, end = schedule.day_bounds(schedule.local_day(now, tz), tz)
    standing = ((Bulletin.priority == EMERGENCY) | Bulletin.repeat_minutes.is_not(None)) \
        & (Bulletin.expires_at > now)
    q = (select(Bulletin).options(selectinload(Bulletin.renditions),
                                  selectinload(Bulletin.versions))
         .where(Bulletin.state == State.PUBLISHED,
                or_((Bulletin.released_at >= start) & (Bulletin.released_at < end), standing)))
    if source:  # an emergency for no source in particular is for every station
        q = q.where(or_(Bulletin.source == source,
                        (Bulletin.priority == EMERGENCY) & (Bulletin.source == "")))
    rows = sorted((b for b in s.scalars(q) if in_force(b, now)), key=broadcast_order)
    return [bulletin_view(b, base, Audience.PUBLIC) for b in rows]


def loudspeaker_file(view: BulletinView) -> AudioFile | None:
    return view.playing.file(LOUDSPEAKER) if view.playing else None


def today(s: Session, tz: ZoneInfo, now: datetime, base: str, source: str | None = None,
          ) -> list[Entry]:
    """The day's published bulletins with a loudspeaker file, in broadcast order."""
    out: list[Entry] = []
    for view in on_air(s, tz, now, base, source):
        f = loudspeaker_file(view)
        if f is not None:
            out.append(Entry(view, f))
    return out


def _line(text: str) -> str:
    """Titles on one line: a newline in a title would start a bogus playlist entry."""
    return " ".join(text.split())


def m3u8(entries: Sequence[Entry], title: str) -> str:
    lines = ["#EXTM3U", f"#PLAYLIST:{_line(title)}"]
    for e in entries:
        b = e.bulletin
        seconds = round(e.file.duration) if e.file.duration else -1
        prefix = "[KHẨN CẤP] " if b.priority == EMERGENCY else ""
        lines.append(f"#EXTINF:{seconds},{prefix}{_line(e.view.text.title)}")
        lines.append(e.file.url)
    return "\n".join(lines) + "\n"
