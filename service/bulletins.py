"""Bulletin use cases without Flask: create, request a new rendition, list.

They work inside the caller's session (one per request) and never commit: the caller
does, and the outbox sends the jobs after that commit (see `service.outbox`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service.models import Bulletin, Rendition
from service.outbox import send_after_commit
from service.rendition_view import RenditionStatus
from service.settings import Settings
from service.validation import BulletinInput


def new_rendition(bulletin: Bulletin, settings: Settings, opts: dict[str, Any]) -> Rendition:
    return Rendition(
        bulletin=bulletin,
        status=RenditionStatus.QUEUED,
        engines=",".join(opts.get("engines") or settings.engines_for(bulletin.source)),
        voice=opts.get("voice") or settings.tts_voice,
        rate=opts.get("rate") or settings.tts_rate,
    )


def create_bulletin(s: Session, settings: Settings, item: BulletinInput) -> Bulletin:
    """Store a bulletin and its first rendition; its job is sent when `s` commits."""
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
    send_after_commit(s, r)
    return b


def request_rendition(s: Session, settings: Settings, bulletin_id: int,
                      opts: dict[str, Any]) -> Rendition | None:
    """A new rendition (e.g. another engine) whose job is sent when `s` commits; the old
    audio keeps playing until the new one is ready."""
    b = s.get(Bulletin, bulletin_id)
    if b is None:
        return None
    cur = s.get(Rendition, b.current_rendition_id) if b.current_rendition_id else None
    base: dict[str, Any] = {"voice": cur.voice, "rate": cur.rate,
                            "engines": tuple(cur.engines.split(","))} if cur else {}
    base.update({k: v for k, v in opts.items() if v})
    r = new_rendition(b, settings, base)
    s.add(r)
    s.flush()
    b.current_rendition_id = r.id
    send_after_commit(s, r)
    return r


def list_bulletins(
    s: Session, limit: int = 20, before: int | None = None
) -> tuple[list[Bulletin], int | None]:
    """Newest first, keyset-paginated by id (stable under inserts)."""
    q = (select(Bulletin).options(selectinload(Bulletin.renditions))
         .order_by(Bulletin.id.desc()).limit(limit + 1))
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
        Rendition.status == RenditionStatus.QUEUED,
        ((Rendition.enqueued_at.is_(None)) & (Rendition.created_at < created_before))
        | (Rendition.enqueued_at < queued_before),
    )
    silent = select(Rendition.id).where(
        Rendition.status == RenditionStatus.SYNTHESIZING, Rendition.heartbeat_at < running_before
    )
    return [*s.scalars(never_sent), *s.scalars(silent)]
