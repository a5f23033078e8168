"""Assemble a programme edition: one stitched loudspeaker file for one broadcast time.

    chime ─ station, programme, date ─ the headlines ─ opening words
          ─ for each bulletin (priority first): a lead-in, then the bulletin as read
          ─ closing words ─ chime

Each bulletin is read from its published rendition's stored spoken forms, at the
loudspeaker profile's slower rate, by the engine that made it (its sentences usually
come from the sentence cache, made when its own loudspeaker file was). The file carries
ID3 chapters (one per bulletin), and a cue sheet (JSON) is stored beside it; the
edition records both with their SHA-256, so a station can verify what it plays.

The station tick (`tick`) runs on the beat: it makes the edition of every programme
slot that is due, once (a unique row per programme and time), and re-sends editions
whose message the broker lost.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from audio.assemble import Part, PartKind, SentenceClip
from audio.attention import EMERGENCY_PHRASE, issued_words
from audio.header import date_words, number_words
from audio.mastering import encode_profile
from audio.media import AudioSegment
from audio.profiles import get_profile
from audio.tags import Chapter, Meta, tag_mp3
from audio.text import normalize
from audio.vocabulary import style_for
from service.db import session_scope
from service.models import Bulletin, Edition, Programme, Rendition, utcnow
from service.outbox import task_after_commit
from service.publication import Audience
from service.queue import ASSEMBLE
from service.rendition_view import FileRecord, bulletin_view
from service.station import downloads, schedule
from service.station.programmes import (
    EditionStatus,
    queue_edition,
    select_bulletins,
    stale_editions,
)
from workers.context import WorkerContext
from workers.job import Job, from_rendition
from workers.produce import BATCH, parts_for

log = logging.getLogger(__name__)
LOUDSPEAKER = "loudspeaker"
#: an edition whose assembly was cut off this many times is given up
MAX_EDITION_ATTEMPTS = 3
#: ordinals as announcers say them ("tin thứ nhất", "tin thứ tư")
_ORDINALS = {1: "nhất", 4: "tư"}


@dataclass(frozen=True)
class Line:
    """A sentence the station says itself: as shown in the cue sheet, and as spoken."""

    written: str
    spoken: str


@dataclass(frozen=True)
class Item:
    bulletin_id: int
    title: str
    job: Job
    engines: tuple[str, ...]
    lead_in: Line


def ordinal(n: int, style: str = "north") -> str:
    return f"thứ {_ORDINALS.get(n) or number_words(n, style)}"


def _said(text: str, style: str) -> Line:
    """A station sentence with its spoken form (names and words may hold abbreviations)."""
    return Line(text, normalize(text, style=style).text)


def _station(name: str) -> str:
    return name if name.lower().startswith("đài") else f"Đài {name}"


def _lead_in(n: int, job: Job, style: str) -> Line:
    if job.emergency is not None:
        issued = job.emergency.issued_local
        said = f"{EMERGENCY_PHRASE}. {issued_words(issued, style)}" if issued \
            else f"{EMERGENCY_PHRASE}."
        shown = f"{EMERGENCY_PHRASE}." + (
            f" Phát hành lúc {issued:%H:%M} ngày {issued:%d/%m/%Y}." if issued else "")
        return Line(shown, said)
    text = f"Tin {ordinal(n, style)}."
    return Line(text, text)


def _items(ctx: WorkerContext, s: Session, bulletins: Sequence[Bulletin]) -> list[Item]:
    out: list[Item] = []
    for b in bulletins:
        view = bulletin_view(b, audience=Audience.PUBLIC)
        r = s.get(Rendition, view.playing.id) if view.playing else None
        if r is None:
            log.warning("edition: bulletin %s has no audio yet, left out", b.id)
            continue
        job = from_rendition(s, r, ctx.settings.tts_engines, ctx.settings.tz).spoken_all()
        engines = (r.engine,) if r.engine else job.engines
        style = job.style
        out.append(Item(view.bulletin.id, view.text.title, job, engines,
                        _lead_in(len(out) + 1, job, style)))
    return out


def _intro(p: Programme, station: str, day: datetime, items: Sequence[Item],
           style: str) -> list[Line]:
    lines = [Line(f"{_station(station)}. {p.name}, ngày {day:%d/%m/%Y}.",
                  f"{normalize(_station(station), style=style).text}. "
                  f"{normalize(p.name, style=style).text}, {date_words(day.date(), style)}.")]
    if items:
        count = number_words(len(items), style)
        lines.append(Line(f"Chương trình gồm {len(items)} tin:",
                          f"Chương trình gồm {count} tin:"))
        for item in items:
            title_spoken = " ".join(t for sent, t in zip(item.job.sentences,
                                                          item.job.spoken or (), strict=False)
                                    if sent.kind == "title")
            lines.append(Line(f"{item.title}.", f"{title_spoken.rstrip('.')}."))
    else:
        lines.append(Line("Hôm nay chưa có tin mới.", "Hôm nay chưa có tin mới."))
    if p.opening:
        lines.append(_said(p.opening, style))
    return lines


def _closing(p: Programme, style: str) -> Line:
    return _said(p.closing or f"{p.name} đến đây là hết. Cảm ơn quý vị đã lắng nghe.",
                 style)


def _clip_part(kind: PartKind, clips: Sequence[AudioSegment], lines: Sequence[Line]) -> Part:
    return Part(kind, [SentenceClip(c, None, None, line.written)
                       for c, line in zip(clips, lines, strict=True)])


def assemble(ctx: WorkerContext, edition_id: int) -> str:
    """Make one edition's file; the outcome names the state it ended in."""
    now = utcnow()
    stale = now - timedelta(seconds=ctx.settings.extras_time_limit)
    with session_scope(ctx.sessions) as s:
        claimable = or_(Edition.status == EditionStatus.QUEUED,
                        (Edition.status == EditionStatus.ASSEMBLING)
                        & (Edition.started_at < stale))
        taken = s.execute(update(Edition).where(Edition.id == edition_id, claimable)
                          .values(status=EditionStatus.ASSEMBLING, started_at=now,
                                  attempts=Edition.attempts + 1)).rowcount  # type: ignore
        if not taken:
            return "skipped"
        e = s.get(Edition, edition_id)
        assert e is not None
        if e.attempts > MAX_EDITION_ATTEMPTS:
            e.status, e.finished_at = EditionStatus.FAILED, now
            e.error = (f"Đã thử ghép chương trình {MAX_EDITION_ATTEMPTS} lần nhưng tiến "
                       "trình đều dừng giữa chừng. Hãy báo quản trị viên.")
            return "failed"
        p = e.programme
        slot = e.scheduled_for
        bulletins = select_bulletins(s, p, slot, ctx.settings.tz,
                                     ctx.settings.programme_max_bulletins)
        items = _items(ctx, s, bulletins)
        name, station = p.name, ctx.settings.station_name
        e.bulletin_ids = [i.bulletin_id for i in items]
        programme = Programme(name=p.name, opening=p.opening, closing=p.closing)
    try:
        record, sheet, chapters, duration = _produce(ctx, edition_id, programme, station,
                                                     slot, items)
    except Exception as exc:
        log.exception("edition %s failed", edition_id)
        with session_scope(ctx.sessions) as s:
            s.execute(update(Edition).where(Edition.id == edition_id).values(
                status=EditionStatus.FAILED, finished_at=utcnow(),
                error=f"Không ghép được chương trình “{name}” ({type(exc).__name__}). "
                      "Hãy báo quản trị viên."))
        return "failed"
    with session_scope(ctx.sessions) as s:
        e = s.get(Edition, edition_id)
        if e is None:
            return "gone"
        e.files = {LOUDSPEAKER: record.to_json(), "cues": sheet.to_json()}
        e.chapters, e.duration_ms = chapters, duration
        e.status, e.finished_at, e.error = EditionStatus.READY, utcnow(), None
    downloads.remember(ctx.sessions, {record.name: LOUDSPEAKER, sheet.name: "cues"},
                       edition_id=edition_id)
    log.info("edition ready %s", json.dumps({"edition": edition_id, "bulletins":
                                             [i.bulletin_id for i in items],
                                             "duration_ms": duration}))
    return "ready"


def _produce(ctx: WorkerContext, edition_id: int, p: Programme, station: str,
             slot: datetime, items: Sequence[Item],
             ) -> tuple[FileRecord, FileRecord, list[dict[str, object]], int]:
    settings = ctx.settings
    profile = get_profile(LOUDSPEAKER)
    style = style_for(settings.tts_voice)
    day = slot.replace(tzinfo=UTC).astimezone(settings.tz)
    intro, closing = _intro(p, station, day, items, style), _closing(p, style)
    ours = [*intro, *(i.lead_in for i in items), closing]
    rate = settings.tts_rate * profile.synthesis_rate
    said = ctx.chain(settings.tts_engines).synthesize([line.spoken for line in ours],
                                                      settings.tts_voice, rate, batch=BATCH)
    clips = list(said.clips)
    parts = [_clip_part("header", clips[:len(intro)], intro)]
    lead_ins = clips[len(intro):len(intro) + len(items)]
    starts: list[tuple[int, str, int | None]] = [(0, "Mở đầu", None)]  # (part, title, id)
    for item, lead_clip in zip(items, lead_ins, strict=True):
        starts.append((len(parts), item.title, item.bulletin_id))
        parts.append(_clip_part("header", [lead_clip], [item.lead_in]))
        read = ctx.chain(item.engines).synthesize(
            list(item.job.spoken or ()), item.job.voice, item.job.rate * profile.synthesis_rate,
            batch=BATCH)
        parts.extend(parts_for(item.job, read.clips))
    starts.append((len(parts), "Kết thúc", None))
    parts.append(_clip_part("paragraph", clips[-1:], [closing]))
    encoded = encode_profile(parts, profile)[0]
    first_ms: dict[int, int] = {}
    for cue in encoded.cues:
        first_ms.setdefault(cue.part_index, cue.start_ms)
    bounds = [0 if n == 0 else first_ms[part] for n, (part, _t, _b) in enumerate(starts)]
    bounds.append(encoded.duration_ms)
    marks = [Chapter(f"chp{n}", bounds[n], bounds[n + 1], title)
             for n, (_part, title, _b) in enumerate(starts)]
    when = f"{day:%d/%m/%Y %H:%M}"
    data = tag_mp3(encoded.data, Meta(title=f"{p.name} {when}", artist=station,
                                      album=station, date=day.date()), marks)
    chapters: list[dict[str, object]] = [
        {"start": round(m.start_ms / 1000, 3), "end": round(m.end_ms / 1000, 3),
         "title": m.title, "bulletin_id": starts[n][2]} for n, m in enumerate(marks)]
    owner = _owners(starts, len(parts))
    cue_sheet = {
        "edition": edition_id, "programme": p.name, "scheduled_for": slot.isoformat() + "Z",
        "duration": round(encoded.duration_ms / 1000, 3), "chapters": chapters,
        "cues": [{"start": round(c.start_ms / 1000, 3), "end": round(c.end_ms / 1000, 3),
                  "text": c.text, "bulletin_id": owner[c.part_index]}
                 for c in encoded.cues],
    }
    name = ctx.storage.put(data, "mp3")
    record = FileRecord.made(LOUDSPEAKER, name, data, LOUDSPEAKER, encoded.duration_ms)
    sheet_bytes = json.dumps(cue_sheet, ensure_ascii=False, indent=1).encode("utf-8")
    sheet = FileRecord.made("cues", ctx.storage.put(sheet_bytes, "json"), sheet_bytes)
    return record, sheet, chapters, encoded.duration_ms


def _owners(starts: Sequence[tuple[int, str, int | None]], count: int) -> list[int | None]:
    """The bulletin each part belongs to (None for the station's own words)."""
    owner: list[int | None] = [None] * count
    for n, (part, _title, bulletin_id) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else count
        for k in range(part, end):
            owner[k] = bulletin_id
    return owner


def tick(ctx: WorkerContext, now: datetime | None = None) -> list[int]:
    """Queue the editions that are due at `now` (the beat's clock unless a test gives
    one), and re-send those whose message was lost. Returns the editions sent."""
    now = now or utcnow()
    grace = timedelta(minutes=ctx.settings.programme_grace_minutes)
    sent: list[int] = []
    with session_scope(ctx.sessions) as s:
        for p in s.scalars(select(Programme).where(Programme.active.is_(True))):
            for slot in schedule.due_slots(p.times, p.days, now, grace, ctx.settings.tz):
                before = s.scalar(select(Edition.id).where(Edition.programme_id == p.id,
                                                           Edition.scheduled_for == slot))
                if before is None:
                    sent.append(queue_edition(s, p, slot, by="lịch phát").id)
    with session_scope(ctx.sessions) as s:
        for e in stale_editions(s, now - timedelta(minutes=2)):
            if e.id not in sent:
                e.enqueued_at = utcnow()
                task_after_commit(s, ASSEMBLE, e.id)
                sent.append(e.id)
    return sent

