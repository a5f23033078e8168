"""Bulletin use cases without Flask: create, edit, publish, withdraw, request a new
rendition, list.

They work inside the caller's session (one per request) and never commit: the caller
does, and the outbox sends the jobs after that commit (see `service.outbox`).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service import audit, bounds
from service.accounts import Actor
from service.logs import state_change
from service.models import Bulletin, BulletinVersion, Rendition, utcnow
from service.outbox import send_after_commit
from service.publication import Audience, State
from service.rendition_view import RenditionStatus, bulletin_view
from service.settings import Settings
from service.station import rules
from service.validation import BulletinInput


def new_rendition(bulletin: Bulletin, settings: Settings, opts: dict[str, Any]) -> Rendition:
    return Rendition(
        bulletin=bulletin,
        version=bulletin.version,
        status=RenditionStatus.QUEUED,
        engines=",".join(opts.get("engines") or settings.engines_for(bulletin.source)),
        voice=opts.get("voice") or settings.tts_voice,
        rate=opts.get("rate") or settings.tts_rate,
    )


def text_sha256(title: str, lead: str, body: str, author: str) -> str:
    """Of the written text as the page shows it (blocks joined by blank lines)."""
    return hashlib.sha256("\n\n".join([title, lead, body, author]).encode()).hexdigest()


def _new_version(b: Bulletin, item: BulletinInput, number: int, by: str) -> BulletinVersion:
    return BulletinVersion(bulletin=b, number=number, title=item.title, lead=item.lead,
                           body=item.body, author=item.author, created_by=by,
                           text_sha256=text_sha256(item.title, item.lead, item.body,
                                                   item.author))


def create_bulletin(s: Session, settings: Settings, item: BulletinInput,
                    by: str = "") -> Bulletin:
    """Store a draft bulletin (version 1) and its first rendition; its job is sent when
    `s` commits. Nobody outside the newsroom sees it until it is published. Refused
    (`ValidationError`) when what it says is over the bounds (`service.bounds`)."""
    bounds.check_submission(s, item, settings)
    b = Bulletin(
        title=item.title, lead=item.lead, body=item.body, author=item.author,
        published_at=item.published_at, source_url=item.source_url, source=item.source,
        language=item.language, state=State.DRAFT, version=1, created_by=by,
    )
    rules.apply(b, item.broadcast, utcnow())
    s.add(b)
    s.add(_new_version(b, item, 1, by))
    _queue_rendition(s, settings, b, _item_options(item))
    return b


def edit_bulletin(s: Session, settings: Settings, b: Bulletin, item: BulletinInput,
                  by: str = "") -> Rendition:
    """A new text version with its own rendition. Unchanged sentences come from the
    sentence cache, so only the edited ones reach an engine; readers of a published
    bulletin keep hearing the published version until the new one is published."""
    bounds.check_submission(s, item, settings, b.id)
    number = b.version + 1
    s.add(_new_version(b, item, number, by))
    b.title, b.lead, b.body, b.author = item.title, item.lead, item.body, item.author
    b.published_at, b.source_url = item.published_at, item.source_url
    b.version = number
    rules.apply(b, item.broadcast, utcnow())
    return _queue_rendition(s, settings, b, _item_options(item))


def duplicates_of(s: Session, item: BulletinInput, exclude: int | None = None) -> list[int]:
    """Bulletins whose current text equals this one (an editor is warned, not refused)."""
    sha = text_sha256(item.title, item.lead, item.body, item.author)
    q = (select(BulletinVersion.bulletin_id).join(Bulletin)
         .where(BulletinVersion.text_sha256 == sha,
                BulletinVersion.number == Bulletin.version).limit(5))
    return [bid for bid in s.scalars(q) if bid != exclude]


def publish(b: Bulletin) -> None:
    """Readers, feeds and loudspeakers get the newest version from now on."""
    b.state, b.published_version = State.PUBLISHED, b.version
    b.released_at = utcnow()
    state_change("bulletin", b.id, str(State.PUBLISHED), version=b.version)


def withdraw(b: Bulletin) -> None:
    """Gone from every public page, feed and programme (staff still see it)."""
    b.state = State.WITHDRAWN
    state_change("bulletin", b.id, str(State.WITHDRAWN))


def stop_repeats(b: Bulletin, superseded_by: int | None = None) -> None:
    """A cancel, or an update that replaces this bulletin: no more repeats, from now on
    out of every playlist and programme (the page stays, marked)."""
    if b.stopped_at is None:
        b.stopped_at = utcnow()
        state_change("bulletin", b.id, "stopped", superseded_by=superseded_by)
    if superseded_by is not None:
        b.superseded_by = superseded_by


def cancel_repeats(s: Session, actor: Actor, b: Bulletin, **details: Any) -> None:
    """An approver's (or a CAP Cancel's) stop, recorded in the audit log."""
    stop_repeats(b)
    audit.record(s, actor, "cancel", b.id, b.version, **details)


def change_publication(s: Session, actor: Actor, b: Bulletin, action: str,
                       **details: Any) -> None:
    """Publish or withdraw, recorded in the audit log with the version readers get (or
    got) and the SHA-256 of each of its audio files."""
    if action == "publish":
        publish(b)
    view = bulletin_view(b, audience=Audience.PUBLIC)
    if action == "withdraw":
        withdraw(b)
    audio = {f.kind: f.sha256 for f in view.playing.audio if f.sha256} if view.playing else {}
    audit.record(s, actor, action, b.id, view.version, audio=audio,
                 rendition=view.playing.id if view.playing else None, **details)


def request_rendition(s: Session, settings: Settings, b: Bulletin,
                      opts: dict[str, Any]) -> Rendition:
    """A new rendition of the newest version (e.g. another engine) whose job is sent when
    `s` commits; the old audio keeps playing until the new one is ready."""
    return _queue_rendition(s, settings, b, opts)


def _item_options(item: BulletinInput) -> dict[str, Any]:
    return {"voice": item.voice, "rate": item.rate, "engines": item.engines}


def _queue_rendition(s: Session, settings: Settings, b: Bulletin,
                     opts: dict[str, Any]) -> Rendition:
    """A new rendition of `b`'s newest version, made current, its job sent when `s`
    commits. Voice, rate and engines default to the current rendition's (then settings);
    the options given win."""
    cur = s.get(Rendition, b.current_rendition_id) if b.current_rendition_id else None
    chosen: dict[str, Any] = {"voice": cur.voice, "rate": cur.rate,
                              "engines": tuple(cur.engines.split(","))} if cur else {}
    chosen.update({k: v for k, v in opts.items() if v})
    r = new_rendition(b, settings, chosen)
    s.add(r)
    s.flush()
    b.current_rendition_id = r.id
    send_after_commit(s, r)
    return r


def list_bulletins(
    s: Session, limit: int = 20, before: int | None = None, published_only: bool = True,
) -> tuple[list[Bulletin], int | None]:
    """Newest first, keyset-paginated by id (stable under inserts)."""
    q = (select(Bulletin).options(selectinload(Bulletin.renditions),
                                  selectinload(Bulletin.versions))
         .order_by(Bulletin.id.desc()).limit(limit + 1))
    if published_only:
        q = q.where(Bulletin.state == State.PUBLISHED)
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
