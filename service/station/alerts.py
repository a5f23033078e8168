"""CAP alerts in: a checked `CapAlert` becomes an emergency bulletin, or acts on one.

- **Alert**: a new emergency bulletin from the Vietnamese <info> block (headline, area,
  description, instruction, sender, sent, expires), published at once: a warning does
  not wait for a newsroom. The same alert delivered twice is the same bulletin.
- **Update**: a new emergency bulletin; the bulletins of the alerts it references stop
  repeating and leave every playlist (superseded).
- **Cancel**: the referenced bulletins stop at once.
- **Test / Exercise / System / Draft** status: the bulletin is made (so a drill tests
  the whole chain) but kept as a draft: it never reaches a public page or playlist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import audit
from service import bulletins as uc
from service.accounts import Actor
from service.models import Bulletin, utcnow
from service.settings import Settings
from service.station.cap import CapAlert, CapInfo
from service.station.vocabulary import EMERGENCY
from service.validation import ValidationError, validate_bulletin


@dataclass(frozen=True)
class Imported:
    bulletin: Bulletin
    action: str  # created | updated | cancelled | duplicate
    affected: tuple[int, ...] = ()


def _iso(t: datetime | None) -> str | None:
    return t.replace(tzinfo=UTC).isoformat() if t else None


def _submission(alert: CapAlert, info: CapInfo, source: str) -> dict[str, Any]:
    paragraphs = [p for p in info.description.split("\n") if p.strip()]
    if info.instruction:
        paragraphs.append(f"Hướng dẫn: {info.instruction}")
    lead = f"Khu vực: {', '.join(info.areas)}." if info.areas else ""
    data: dict[str, Any] = {
        "title": info.headline or info.event, "lead": lead, "body": "\n".join(paragraphs),
        "author": info.sender_name or alert.sender, "priority": EMERGENCY,
        "issued_at": _iso(alert.sent), "expires": _iso(info.expires), "hazard": info.hazard,
        "risk_level": info.risk_level, "instruction": info.instruction,
    }
    if source:
        data["source"] = source
    return data


def _referenced(s: Session, alert: CapAlert) -> list[Bulletin]:
    found: list[Bulletin] = []
    for ref in alert.references:
        found.extend(s.scalars(select(Bulletin).where(
            Bulletin.cap_sender == ref.sender, Bulletin.cap_identifier == ref.identifier)))
    return found


def import_alert(s: Session, settings: Settings, actor: Actor, alert: CapAlert,
                 source: str = "") -> Imported:
    """Act on one alert inside `s` (the caller commits; jobs leave after the commit)."""
    if alert.msg_type == "Cancel":
        targets = _referenced(s, alert)
        if not targets:
            raise ValidationError("alert/references", "Không tìm thấy cảnh báo được hủy.",
                                  "No alert matches the references of this Cancel.")
        for b in targets:
            uc.cancel_repeats(s, actor, b, cap=alert.identifier)
        return Imported(targets[0], "cancelled", tuple(b.id for b in targets))
    same = s.scalar(select(Bulletin).where(Bulletin.cap_sender == alert.sender,
                                           Bulletin.cap_identifier == alert.identifier))
    if same is not None:
        return Imported(same, "duplicate")
    info = alert.info
    assert info is not None  # the parser requires it for Alert and Update
    if info.expires is not None and info.expires <= utcnow():
        raise ValidationError("alert/info/expires", "Cảnh báo đã hết hiệu lực.",
                              "The alert has already expired.")
    item = validate_bulletin(_submission(alert, info, source), settings.max_text_chars,
                             settings.tz)
    b = uc.create_bulletin(s, settings, item, by=actor.name)
    b.cap_sender, b.cap_identifier, b.cap_status = alert.sender, alert.identifier, alert.status
    s.flush()
    audit.record(s, actor, "create", b.id, b.version, cap=alert.identifier,
                 cap_status=alert.status, msg_type=alert.msg_type)
    affected: list[int] = []
    if alert.msg_type == "Update":
        for old in _referenced(s, alert):
            uc.stop_repeats(old, superseded_by=b.id)
            affected.append(old.id)
    if not alert.is_exercise:
        uc.change_publication(s, actor, b, "publish", cap=alert.identifier)
    return Imported(b, "updated" if alert.msg_type == "Update" else "created",
                    tuple(affected))
