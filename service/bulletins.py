"""Bulletin use cases without Flask: create, re-render, list, describe.

Every write commits first and sends the job after, so a worker never looks for a row
that is not there yet; if sending fails, the reconciler picks the row up later.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.db import session_scope
from service.models import Bulletin, Rendition
from service.queue import SYNTHESIZE, Sender
from service.settings import Settings
from service.validation import BulletinInput


def new_rendition(bulletin: Bulletin, settings: Settings, opts: dict[str, Any]) -> Rendition:
    r = Rendition(
        bulletin=bulletin,
        status="queued",
        engines=",".join(opts.get("engines") or settings.engines_for(bulletin.source)),
        voice=opts.get("voice") or settings.tts_voice,
        rate=opts.get("rate") or settings.tts_rate,
    )
    return r


def create_bulletin(
    factory: sessionmaker[Session], sender: Sender | None, settings: Settings, item: BulletinInput
) -> tuple[int, int]:
    """Store a bulletin and its first rendition, commit, then enqueue. Returns ids."""
    with session_scope(factory) as s:
        b = Bulletin(
            title=item.title, lead=item.lead, body=item.body, author=item.author,
            published_at=item.published_at, source_url=item.source_url, source=item.source,
            language=item.language,
        )
        s.add(b)
        r = new_rendition(b, settings, {"voice": item.voice, "rate": item.rate,
                                        "engines": item.engines})
        s.add(r)
        s.flush()
        b.current_rendition_id = r.id
        bid, rid = b.id, r.id
    enqueue(factory, sender, rid)
    return bid, rid


def rerender(
    factory: sessionmaker[Session], sender: Sender | None, settings: Settings, bulletin_id: int,
    opts: dict[str, Any],
) -> int | None:
    """Make a new rendition (e.g. another engine); the old audio stays until it is ready."""
    with session_scope(factory) as s:
        b = s.get(Bulletin, bulletin_id)
        if b is None:
            return None
        cur = s.get(Rendition, b.current_rendition_id) if b.current_rendition_id else None
        base = {"voice": cur.voice, "rate": cur.rate, "engines": tuple(cur.engines.split(","))} \
            if cur else {}
        base.update({k: v for k, v in opts.items() if v})
        r = new_rendition(b, settings, base)
        s.add(r)
        s.flush()
        b.current_rendition_id = r.id
        rid = r.id
    enqueue(factory, sender, rid)
    return rid


def enqueue(factory: sessionmaker[Session], sender: Sender | None, rendition_id: int) -> bool:
    if sender is None:
        return False
    sent_at = sender.send(SYNTHESIZE, rendition_id)
    if sent_at is None:
        return False
    with session_scope(factory) as s:
        r = s.get(Rendition, rendition_id)
        if r is not None and r.enqueued_at is None:
            r.enqueued_at = sent_at
    return True


def latest_ready(b: Bulletin) -> Rendition | None:
    """The newest ready rendition (what the page plays while a re-render runs)."""
    for r in reversed(b.renditions):
        if r.status == "ready":
            return r
    return None


def current(b: Bulletin) -> Rendition | None:
    return b.renditions[-1] if b.renditions else None


AUDIO_FORMATS = ("mp3", "ogg", "podcast", "loudspeaker", "telephony")


def audio_urls(r: Rendition | None, base: str = "", kinds: tuple[str, ...] = AUDIO_FORMATS
               ) -> dict[str, str]:
    if r is None or not r.files:
        return {}
    return {
        fmt: f"{base}/audio/{info['name']}"
        for fmt, info in r.files.items()
        if fmt in kinds and isinstance(info, dict) and "name" in info
    }


def describe(b: Bulletin, base: str = "") -> dict[str, Any]:
    r = current(b)
    ready = latest_ready(b)
    return {
        "id": b.id,
        "title": b.title,
        "lead": b.lead,
        "body": b.body,
        "paragraphs": b.paragraphs,
        "author": b.author,
        "published_at": b.published_at.isoformat() if b.published_at else None,
        "source_url": b.source_url,
        "source": b.source,
        "language": b.language,
        "created_at": b.created_at.isoformat() + "Z",
        "status": r.status if r else "queued",
        "progress": {"done": r.progress_done, "total": r.progress_total} if r else None,
        "error": r.error if r else None,
        "warnings": (r.warnings or []) if r else [],
        "rendition": {
            "id": ready.id,
            "engine": ready.engine,
            "engine_voice": ready.engine_voice,
            "voice": ready.voice,
            "rate": ready.rate,
            "normalizer_version": ready.normalizer_version,
            "duration_ms": ready.duration_ms,
            "finished_at": ready.finished_at.isoformat() + "Z" if ready.finished_at else None,
        } if ready else None,
        "requested": {"engines": r.engines, "voice": r.voice, "rate": r.rate} if r else None,
        "engine": ready.engine if ready else None,
        "voice": ready.engine_voice if ready else None,
        "duration": (ready.duration_ms or 0) / 1000 if ready else None,
        "audio": audio_urls(ready, base),
        "first_audio": audio_urls(r, base, ("first",)).get("first")
        if r is not None and r.status != "ready" else None,
        "links": {
            "self": f"{base}/api/v1/bulletins/{b.id}",
            "page": f"{base}/bulletins/{b.id}",
            "audio": audio_urls(ready, base).get("mp3"),
            "timings": f"{base}/bulletins/{b.id}/timings.json" if ready else None,
            "vtt": f"{base}/bulletins/{b.id}/captions.vtt" if ready else None,
        },
    }


def list_bulletins(
    s: Session, limit: int = 20, before: int | None = None
) -> tuple[list[Bulletin], int | None]:
    """Newest first, keyset-paginated by id (stable under inserts)."""
    q = select(Bulletin).order_by(Bulletin.id.desc()).limit(limit + 1)
    if before is not None:
        before = max(0, min(before, 2**31 - 1))  # ids are 32-bit; never a database error
        q = q.where(Bulletin.id < before)
    rows = list(s.scalars(q))
    nxt = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], nxt


def stale_renditions(s: Session, queued_before: datetime, running_before: datetime,
                     created_before: datetime) -> list[int]:
    """Renditions never sent (after a grace period for the web app's own send), sent
    long ago but never started (a lost message), or whose worker went silent."""
    never_sent = select(Rendition.id).where(
        Rendition.status == "queued",
        ((Rendition.enqueued_at.is_(None)) & (Rendition.created_at < created_before))
        | (Rendition.enqueued_at < queued_before),
    )
    silent = select(Rendition.id).where(
        Rendition.status == "synthesizing", Rendition.heartbeat_at < running_before
    )
    return [*s.scalars(never_sent), *s.scalars(silent)]
