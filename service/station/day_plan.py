"""A station's day: every programme broadcast and every emergency replay, in order.

This is what an operator (or a scheduler on the station's player) follows: at 06:00
the morning programme, at 07:10, 09:10, … the storm warning again until it expires, is
cancelled or is superseded. Built from the same rules as the playlist and programmes
(published bulletins only; `service.station.schedule` does the arithmetic).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service.models import Bulletin, Edition, Programme
from service.publication import Audience, State
from service.rendition_view import bulletin_view
from service.station import schedule
from service.station.vocabulary import EMERGENCY, PRIORITIES

LOUDSPEAKER = "loudspeaker"


@dataclass(frozen=True)
class Broadcast:
    at: datetime  # UTC
    kind: str  # programme | repeat
    title: str
    programme_id: int | None = None
    bulletin_id: int | None = None
    edition_id: int | None = None
    audio: str | None = None
    priority: str | None = None
    risk_level: int | None = None

    def to_json(self, tz: ZoneInfo) -> dict[str, Any]:
        return {"at": self.at.isoformat() + "Z",
                "local": schedule.to_local(self.at, tz).strftime("%H:%M"),
                "kind": self.kind, "title": self.title, "programme_id": self.programme_id,
                "bulletin_id": self.bulletin_id, "edition_id": self.edition_id,
                "audio": self.audio, "priority": self.priority,
                "priority_label": PRIORITIES.get(self.priority or ""),
                "risk_level": self.risk_level}


def _programmes(s: Session, day: date, tz: ZoneInfo, base: str) -> list[Broadcast]:
    out: list[Broadcast] = []
    for p in s.scalars(select(Programme).where(Programme.active.is_(True))):
        for slot in schedule.slots_on(p.times, p.days, day, tz):
            e = s.scalar(select(Edition).where(Edition.programme_id == p.id,
                                               Edition.scheduled_for == slot))
            name = ((e.files or {}).get(LOUDSPEAKER) or {}).get("name") if e else None
            out.append(Broadcast(slot, "programme", p.name, programme_id=p.id,
                                 edition_id=e.id if e else None,
                                 audio=f"{base}/audio/{name}" if name else None))
    return out


def _repeats(s: Session, day: date, tz: ZoneInfo, base: str) -> list[Broadcast]:
    start, end = schedule.day_bounds(day, tz)
    q = (select(Bulletin).options(selectinload(Bulletin.renditions),
                                  selectinload(Bulletin.versions))
         .where(Bulletin.state == State.PUBLISHED, Bulletin.repeat_minutes.is_not(None),
                Bulletin.issued_at < end)
         .where((Bulletin.expires_at.is_(None)) | (Bulletin.expires_at > start)))
    out: list[Broadcast] = []
    for b in s.scalars(q):
        assert b.issued_at is not None and b.repeat_minutes is not None
        view = bulletin_view(b, base, Audience.PUBLIC)
        f = view.playing.file(LOUDSPEAKER) if view.playing else None
        for at in schedule.repeat_times(b.issued_at, b.repeat_minutes, expires=b.expires_at,
                                        stopped_at=b.stopped_at, start=start, end=end):
            out.append(Broadcast(at, "repeat", view.text.title, bulletin_id=b.id,
                                 audio=f.url if f else None, priority=b.priority,
                                 risk_level=b.risk_level))
    return out


def day_plan(s: Session, day: date, tz: ZoneInfo, base: str) -> list[Broadcast]:
    """The day's broadcasts by time; at the same instant an emergency goes first."""
    items = _programmes(s, day, tz, base) + _repeats(s, day, tz, base)
    return sorted(items, key=lambda b: (b.at, b.priority != EMERGENCY, b.kind != "repeat"))
