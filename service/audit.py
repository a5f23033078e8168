"""The append-only audit log: who did what to which bulletin, when, with which audio.

Rows are only ever inserted (nothing in the code updates or deletes them). Each entry
names the text version and, where audio is involved, the SHA-256 of every file, so an
operator can prove which recording a loudspeaker played.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.accounts import Actor
from service.models import AuditEntry, Rendition, utcnow
from service.rendition_view import file_records

VIETNAM = timezone(timedelta(hours=7))

ACTIONS: dict[str, str] = {
    "create": "tạo bản tin", "edit": "sửa bản tin", "publish": "xuất bản", "withdraw": "gỡ bản tin",
    "rerender": "tạo lại âm thanh", "lexicon": "sửa cách đọc", "user": "tài khoản",
    "token": "mã truy cập", "login": "đăng nhập", "cancel": "dừng phát cảnh báo",
    "programme": "chương trình phát thanh", "assemble": "ghép chương trình",
}


def audio_hashes(r: Rendition | None) -> dict[str, str]:
    """kind → SHA-256 of each stored audio file of a rendition."""
    return {k: rec.sha256 for k, rec in file_records(r).items() if rec.sha256}


def record(s: Session, actor: Actor, action: str, bulletin_id: int | None = None,
           version: int | None = None, **details: Any) -> AuditEntry:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(at=utcnow(), actor=actor.name, role=actor.role, action=action,
                       bulletin_id=bulletin_id, version=version,
                       details={"via": actor.via, **details})
    s.add(entry)
    return entry


def entries(s: Session, bulletin_id: int | None = None, limit: int = 500) -> list[AuditEntry]:
    q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if bulletin_id is not None:
        q = q.where(AuditEntry.bulletin_id == bulletin_id)
    return list(s.scalars(q))


def as_json(e: AuditEntry) -> dict[str, Any]:
    at = e.at.replace(tzinfo=UTC)
    return {"id": e.id, "at": at.isoformat().replace("+00:00", "Z"),
            "at_local": at.astimezone(VIETNAM).isoformat(), "actor": e.actor, "role": e.role,
            "action": e.action, "action_vi": ACTIONS.get(e.action, e.action),
            "bulletin_id": e.bulletin_id, "version": e.version, "details": e.details or {}}


def as_csv(rows: list[AuditEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at_utc", "at_vietnam", "actor", "role", "action", "bulletin_id",
                     "version", "audio_sha256", "details"])
    for e in rows:
        j = as_json(e)
        audio = (e.details or {}).get("audio") or {}
        writer.writerow([e.id, j["at"], j["at_local"], e.actor, e.role, e.action,
                         e.bulletin_id or "", e.version or "",
                         " ".join(f"{k}={v}" for k, v in sorted(audio.items())),
                         {k: v for k, v in (e.details or {}).items() if k != "audio"}])
    return out.getvalue()
