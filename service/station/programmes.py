"""Programmes and their editions, without Flask: define a programme, choose the bulletins
of one broadcast, queue an edition for the worker to assemble.

A programme's *window* for a broadcast time is everything published since its previous
broadcast time (at most a week back), so each bulletin is read in the first programme
after it is published. Emergencies and repeating storm bulletins still in force are read
too, whenever they were published, and always first. Only published bulletins ever reach
a programme; cancelled, superseded and expired ones never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from service import audit
from service.accounts import Actor
from service.models import Bulletin, Edition, Programme, utcnow
from service.outbox import task_after_commit
from service.publication import State
from service.queue import ASSEMBLE
from service.station import schedule
from service.station.rules import is_slug
from service.station.vocabulary import EMERGENCY, PRIORITY_RANK

MAX_NAME = 200
MAX_WORDS = 2000
MAX_FILTERS = 50
#: the longest window a programme reads back (a weekly programme)
MAX_WINDOW = timedelta(days=7)
FIELDS = frozenset({"name", "sources", "categories", "opening", "closing", "times", "days",
                    "active"})


class EditionStatus:
    QUEUED, ASSEMBLING, READY, FAILED = "queued", "assembling", "ready", "failed"


@dataclass(frozen=True)
class ProgrammeInput:
    name: str
    sources: tuple[str, ...]
    categories: tuple[str, ...]
    opening: str
    closing: str
    times: tuple[str, ...]
    days: tuple[int, ...]
    active: bool = True


def _error(field: str, vi: str, en: str, status: int = 422) -> Exception:
    from service.validation import ValidationError

    return ValidationError(field, vi, en, status)


def _slugs(data: dict[str, Any], name: str) -> tuple[str, ...]:
    value = data.get(name) or []
    if not isinstance(value, list) or len(value) > MAX_FILTERS or not all(
            is_slug(v) for v in value):
        raise _error(name, f"Phải là danh sách mã (chữ thường, số, '-', '_', '.'), tối đa "
                           f"{MAX_FILTERS} mục.",
                     f"Must be a list of at most {MAX_FILTERS} lowercase slugs.")
    return tuple(dict.fromkeys(value))


def _words(data: dict[str, Any], name: str, required: bool = False, limit: int = MAX_WORDS
           ) -> str:
    from service.validation import clean_string, is_blank

    value = data.get(name)
    if value is None or (isinstance(value, str) and is_blank(value)):
        if required:
            raise _error(name, "Thiếu trường bắt buộc.", "This field is required.")
        return ""
    if not isinstance(value, str):
        raise _error(name, "Phải là chuỗi văn bản.", "Must be a string.")
    value = " ".join(clean_string(value, name).split())
    if len(value) > limit:
        raise _error(name, f"Quá dài: tối đa {limit} ký tự.", f"At most {limit} characters.")
    return value


def validate_programme(data: Any, partial: Programme | None = None) -> ProgrammeInput:
    """A programme definition (for a PATCH, `partial` supplies the fields not given)."""
    if not isinstance(data, dict):
        raise _error("body", "Nội dung JSON phải là một đối tượng.",
                     "The JSON body must be an object.", 400)
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise _error(unknown[0], "Trường không được hỗ trợ.", "Unknown field.")
    if partial is not None:
        data = {"name": partial.name, "sources": partial.sources,
                "categories": partial.categories, "opening": partial.opening,
                "closing": partial.closing, "times": partial.times, "days": partial.days,
                "active": partial.active, **data}
    try:
        times = schedule.parse_times(data.get("times"))
    except schedule.ScheduleError as exc:
        raise _error("times", "Giờ phát phải là danh sách giờ dạng \"06:00\" (1 đến 24 giờ, "
                              "không trùng nhau).", str(exc)) from exc
    try:
        days = schedule.parse_days(data.get("days", [1, 2, 3, 4, 5, 6, 7]))
    except schedule.ScheduleError as exc:
        raise _error("days", "Ngày phát phải là danh sách số từ 1 (thứ Hai) đến 7 (Chủ nhật), "
                             "không trùng nhau.", str(exc)) from exc
    active = data.get("active", True)
    if not isinstance(active, bool):
        raise _error("active", "Phải là true hoặc false.", "Must be a boolean.")
    return ProgrammeInput(_words(data, "name", True, MAX_NAME), _slugs(data, "sources"),
                          _slugs(data, "categories"), _words(data, "opening"),
                          _words(data, "closing"), times, days, active)


def save_programme(s: Session, actor: Actor, item: ProgrammeInput,
                   p: Programme | None = None, **details: Any) -> Programme:
    """Create (or, given `p`, change) a programme, recorded in the audit log."""
    p = p or Programme(created_by=actor.name)
    p.name, p.sources, p.categories = item.name, list(item.sources), list(item.categories)
    p.opening, p.closing = item.opening, item.closing
    p.times, p.days, p.active = list(item.times), list(item.days), item.active
    s.add(p)
    s.flush()
    audit.record(s, actor, "programme", programme=p.id, name=p.name, **details)
    return p


def window_start(p: Programme, slot: datetime, tz: ZoneInfo) -> datetime:
    """Where a broadcast's window opens: the programme's previous broadcast time."""
    previous = schedule.previous_slot(p.times, p.days, slot, tz)
    floor = slot - MAX_WINDOW
    return max(previous, floor) if previous is not None else slot - timedelta(days=1)


def broadcast_order(b: Bulletin) -> tuple[int, int, datetime]:
    """Emergencies first (highest risk first), then priority bulletins, then the rest; in
    each group the oldest first, as a newsreader reads the day's news."""
    return (PRIORITY_RANK.get(b.priority, 2), -(b.risk_level or 0),
            b.released_at or b.created_at)


def in_force(b: Bulletin, at: datetime) -> bool:
    """Issued (an alert may be issued for later), not cancelled, not superseded, not
    expired at `at`."""
    if b.issued_at is not None and b.issued_at > at:
        return False
    if b.stopped_at is not None and b.stopped_at <= at:
        return False
    return b.expires_at is None or at < b.expires_at


def select_bulletins(s: Session, p: Programme, slot: datetime, tz: ZoneInfo,
                     limit: int) -> list[Bulletin]:
    """The published bulletins of one broadcast, in broadcast order."""
    start = window_start(p, slot, tz)
    released = (Bulletin.released_at > start) & (Bulletin.released_at <= slot)
    standing = ((Bulletin.priority == EMERGENCY) | Bulletin.repeat_minutes.is_not(None)) \
        & (Bulletin.released_at <= slot) & (Bulletin.expires_at > slot)
    q = (select(Bulletin).options(selectinload(Bulletin.renditions),
                                  selectinload(Bulletin.versions))
         .where(Bulletin.state == State.PUBLISHED, or_(released, standing)))
    filters = []
    if p.sources:
        filters.append(Bulletin.source.in_(p.sources))
    if p.categories:
        filters.append(Bulletin.category.in_(p.categories))
    if filters:
        # an emergency for no source in particular is for every station
        q = q.where(or_(*filters, (Bulletin.priority == EMERGENCY) & (Bulletin.source == "")))
    rows = [b for b in s.scalars(q) if in_force(b, slot)]
    if len(rows) > limit:  # keep the most urgent, then the newest
        rows.sort(key=lambda b: (PRIORITY_RANK.get(b.priority, 2),
                                 -(b.released_at or b.created_at).timestamp()))
        rows = rows[:limit]
    return sorted(rows, key=broadcast_order)


def queue_edition(s: Session, p: Programme, slot: datetime, by: str = "") -> Edition:
    """The edition of `p` for `slot` (made once: a second tick finds it), its assembly
    sent when `s` commits."""
    existing = s.scalar(select(Edition).where(Edition.programme_id == p.id,
                                              Edition.scheduled_for == slot))
    if existing is not None:
        return existing
    e = Edition(programme=p, scheduled_for=slot, status=EditionStatus.QUEUED,
                requested_by=by, enqueued_at=utcnow())
    s.add(e)
    s.flush()
    task_after_commit(s, ASSEMBLE, e.id)
    return e


def assemble_now(s: Session, actor: Actor, p: Programme, **details: Any) -> Edition:
    """An operator's "assemble now": an edition for this moment, recorded in the audit
    log (its window: since the programme's previous broadcast time)."""
    e = queue_edition(s, p, utcnow(), by=actor.name)
    audit.record(s, actor, "assemble", programme=p.id, edition=e.id, **details)
    return e


def latest_edition(s: Session, p: Programme) -> Edition | None:
    return s.scalar(select(Edition).where(Edition.programme_id == p.id)
                    .order_by(Edition.scheduled_for.desc(), Edition.id.desc()).limit(1))


def latest_ready_edition(s: Session, p: Programme) -> Edition | None:
    """What the programme page plays (a newer edition may still be assembling)."""
    return s.scalar(select(Edition).where(Edition.programme_id == p.id,
                                          Edition.status == EditionStatus.READY)
                    .order_by(Edition.scheduled_for.desc(), Edition.id.desc()).limit(1))


def stale_editions(s: Session, before: datetime) -> list[Edition]:
    """Editions whose assembly message was lost (broker down when queued)."""
    return list(s.scalars(select(Edition).where(
        Edition.status == EditionStatus.QUEUED,
        or_(Edition.enqueued_at.is_(None), Edition.enqueued_at < before))))
