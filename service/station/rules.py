"""A bulletin's broadcast rules: priority, category, and for emergencies and storm
bulletins the issue time, expiry, hazard, risk level, instruction and repeat rule.

Submitted with the bulletin (same JSON object, same form); validated here so the API,
the editor form and the CAP importer share one set of rules and one set of messages.
Times are instants: with an offset they mean what they say; without one they are the
station's wall clock (`STATION_TIMEZONE`). They are stored in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from service.station.vocabulary import (
    DEFAULT_EXPIRES_HOURS,
    DEFAULT_REPEAT_MINUTES,
    EMERGENCY,
    HAZARDS,
    NORMAL,
    PRIORITIES,
    REPEATING_HAZARDS,
    RISK_LEVELS,
)

FIELDS = frozenset({"priority", "category", "issued_at", "expires", "hazard", "risk_level",
                    "instruction", "repeat_minutes"})
MAX_INSTRUCTION = 5000
#: a day: a rule repeating less often than daily is a programme's job
MAX_REPEAT_MINUTES = 1440
#: an alert's times are this century's: anything else is a typo (and year 1 or 9999 would
#: overflow when moved to UTC or given a default expiry)
MIN_YEAR, MAX_YEAR = 1970, 2100
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")


def is_slug(value: object) -> bool:
    """A source or category code: lowercase ASCII letters, digits, '-', '_', '.'."""
    return isinstance(value, str) and bool(_SLUG.fullmatch(value))


@dataclass(frozen=True)
class BroadcastInput:
    priority: str = NORMAL
    category: str = ""
    issued_at: datetime | None = None  # UTC, naive
    expires_at: datetime | None = None
    hazard: str | None = None
    risk_level: int | None = None
    instruction: str = ""
    repeat_minutes: int | None = None

    @property
    def is_emergency(self) -> bool:
        return self.priority == EMERGENCY


def _error(field: str, vi: str, en: str, status: int = 422) -> Exception:
    from service.validation import ValidationError

    return ValidationError(field, vi, en, status)


def instant(value: Any, field: str, tz: ZoneInfo) -> datetime | None:
    """An ISO 8601 instant as UTC (naive); a time without offset is the station's clock."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _error(field, "Phải là ngày giờ ISO 8601.", "Must be an ISO 8601 date-time.")
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise _error(field, "Ngày giờ không hợp lệ (dạng 2026-12-01T14:30 hoặc "
                            "2026-12-01T14:30:00+07:00).",
                     "Invalid date-time (use 2026-12-01T14:30 or "
                     "2026-12-01T14:30:00+07:00).") from exc
    if not MIN_YEAR <= when.year <= MAX_YEAR:
        raise _error(field, f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}.",
                     f"The year must be from {MIN_YEAR} to {MAX_YEAR}.")
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    return when.astimezone(UTC).replace(tzinfo=None)


def calendar_day(raw: str | None, field: str, today: date) -> date:
    """A station day written ``2026-12-01`` (a query parameter); `today` when absent."""
    if not raw:
        return today
    try:
        if not raw.isascii():
            raise ValueError(raw)
        day = date.fromisoformat(raw)
    except ValueError as exc:
        raise _error(field, "Ngày phải có dạng 2026-12-01.",
                     "The date must look like 2026-12-01.", 400) from exc
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise _error(field, f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}.",
                     f"The year must be from {MIN_YEAR} to {MAX_YEAR}.", 400)
    return day


def validate_broadcast(data: dict[str, Any], tz: ZoneInfo) -> BroadcastInput:
    """The broadcast fields of a submission; every error names its field."""
    from service.validation import clean_string

    priority = data.get("priority") or NORMAL
    if not isinstance(priority, str) or priority not in PRIORITIES:
        raise _error("priority", "Mức ưu tiên phải là normal (thông thường), priority (ưu tiên) "
                                 "hoặc emergency (khẩn cấp).",
                     "priority must be normal, priority or emergency.")
    category = data.get("category") or ""
    if category and not is_slug(category):
        raise _error("category", "Mã chuyên mục chỉ gồm chữ thường, số, '-', '_' hoặc '.'.",
                     "category must be a lowercase slug (a-z, 0-9, -, _, .).")
    hazard = data.get("hazard") or None
    if hazard is not None and (not isinstance(hazard, str) or hazard not in HAZARDS):
        raise _error("hazard", f"Loại thiên tai phải là một trong {', '.join(HAZARDS)}.",
                     f"hazard must be one of {', '.join(HAZARDS)}.")
    risk = data.get("risk_level")
    if risk is not None and (isinstance(risk, bool) or risk not in RISK_LEVELS):
        raise _error("risk_level", "Cấp độ rủi ro phải là số nguyên từ 1 đến 5.",
                     "risk_level must be an integer from 1 to 5.")
    repeat = data.get("repeat_minutes")
    if repeat is not None and (isinstance(repeat, bool) or not isinstance(repeat, int)
                               or not 0 <= repeat <= MAX_REPEAT_MINUTES):
        raise _error("repeat_minutes", f"Chu kỳ phát lại phải là số phút từ 0 (không phát lại) "
                                       f"đến {MAX_REPEAT_MINUTES}.",
                     f"repeat_minutes must be an integer from 0 to {MAX_REPEAT_MINUTES}.")
    instruction = data.get("instruction") or ""
    if not isinstance(instruction, str):
        raise _error("instruction", "Phải là chuỗi văn bản.", "Must be a string.")
    instruction = clean_string(instruction, "instruction").strip()
    if len(instruction) > MAX_INSTRUCTION:
        raise _error("instruction", f"Quá dài: tối đa {MAX_INSTRUCTION} ký tự.",
                     f"Too long: at most {MAX_INSTRUCTION} characters.")
    issued = instant(data.get("issued_at"), "issued_at", tz)
    expires = instant(data.get("expires"), "expires", tz)
    if priority == EMERGENCY:
        if hazard is None:
            raise _error("hazard", "Bản tin khẩn cấp cần loại thiên tai hoặc sự cố (hazard).",
                         "An emergency needs a hazard type.")
        if risk is None:
            raise _error("risk_level", "Bản tin khẩn cấp cần cấp độ rủi ro từ 1 đến 5.",
                         "An emergency needs a risk level from 1 to 5.")
    if expires is not None and issued is not None and expires <= issued:
        raise _error("expires", "Thời điểm hết hiệu lực phải sau thời điểm phát hành.",
                     "expires must be after issued_at.")
    return BroadcastInput(priority, category, issued, expires, hazard, risk, instruction,
                          repeat)


def repeats(rules: BroadcastInput) -> bool:
    """Emergencies and storm or flood bulletins repeat on a rule."""
    return rules.is_emergency or rules.hazard in REPEATING_HAZARDS


def with_defaults(rules: BroadcastInput, now: datetime) -> BroadcastInput:
    """Fill what a repeating bulletin needs: issued now, expiring in a day, every 2 h."""
    if not repeats(rules):
        return rules
    issued = rules.issued_at or now
    expires = rules.expires_at or issued + timedelta(hours=DEFAULT_EXPIRES_HOURS)
    if expires <= issued:
        raise _error("expires", "Thời điểm hết hiệu lực phải sau thời điểm phát hành.",
                     "expires must be after issued_at.")
    every = DEFAULT_REPEAT_MINUTES if rules.repeat_minutes is None else rules.repeat_minutes
    return BroadcastInput(rules.priority, rules.category, issued, expires, rules.hazard,
                          rules.risk_level, rules.instruction, every)


def as_fields(b: Any) -> dict[str, Any]:
    """A bulletin's rules as submission fields (PATCH merges over these)."""
    def iso(t: datetime | None) -> str | None:
        return t.replace(tzinfo=UTC).isoformat() if t else None

    return {"priority": b.priority, "category": b.category or None,
            "issued_at": iso(b.issued_at), "expires": iso(b.expires_at), "hazard": b.hazard,
            "risk_level": b.risk_level, "instruction": b.instruction or None,
            "repeat_minutes": b.repeat_minutes}


def apply(b: Any, rules: BroadcastInput, now: datetime) -> None:
    """Write the rules (with defaults) onto a bulletin row."""
    rules = with_defaults(rules, now)
    b.priority, b.category = rules.priority, rules.category
    b.issued_at, b.expires_at = rules.issued_at, rules.expires_at
    b.hazard, b.risk_level = rules.hazard, rules.risk_level
    b.instruction, b.repeat_minutes = rules.instruction, rules.repeat_minutes


def _utc(t: datetime | None) -> str | None:
    return t.isoformat() + "Z" if t else None


def as_api(b: Any) -> dict[str, Any]:
    """The broadcast block of a bulletin in the API (times in UTC, "Z")."""
    out: dict[str, Any] = {"priority": b.priority, "priority_label": PRIORITIES[b.priority],
                           "category": b.category or None}
    if b.hazard or b.priority == EMERGENCY or b.repeat_minutes is not None:
        out.update({
            "issued_at": _utc(b.issued_at), "expires": _utc(b.expires_at),
            "hazard": b.hazard, "hazard_label": HAZARDS.get(b.hazard or "", None),
            "risk_level": b.risk_level, "instruction": b.instruction or None,
            "repeat_minutes": b.repeat_minutes, "stopped_at": _utc(b.stopped_at),
            "superseded_by": b.superseded_by,
        })
    if b.cap_identifier:
        out["cap"] = {"sender": b.cap_sender, "identifier": b.cap_identifier,
                      "status": b.cap_status}
    return out
