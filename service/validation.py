"""Validate submitted bulletins; every error names the field and says why, in Vietnamese."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from audio.vocabulary import ENGINES, VOICES, parse_engines
from service.station import rules as broadcast_rules
from service.station.rules import BroadcastInput, is_slug

LANGUAGES = ("vi",)



class ValidationError(ValueError):
    """Bad input. `status` is the HTTP status it maps to."""

    def __init__(self, field: str, message: str, message_en: str, status: int = 422) -> None:
        super().__init__(f"{field}: {message_en}")
        self.field = field
        self.message = message
        self.message_en = message_en
        self.status = status

    def as_json(self) -> dict[str, Any]:
        return {
            "error": {
                # a field name echoed from the request may hold a lone surrogate
                "field": self.field.encode("utf-8", "backslashreplace").decode("utf-8"),
                "message": self.message,
                "message_en": self.message_en,
            }
        }


@dataclass
class BulletinInput:
    title: str
    body: str
    lead: str = ""
    author: str = ""
    published_at: datetime | None = None
    source_url: str | None = None
    source: str = ""
    language: str = "vi"
    voice: str | None = None
    rate: float | None = None
    engines: tuple[str, ...] | None = None
    #: priority, category and the rules of an emergency (see `service.station.rules`)
    broadcast: BroadcastInput = field(default_factory=BroadcastInput)

    @property
    def total_chars(self) -> int:
        return len(self.title) + len(self.lead) + len(self.body) + len(self.author)


FIELDS = {
    "title", "lead", "body", "author", "published_at", "source_url", "source", "language",
    "voice", "rate", "engine", *broadcast_rules.FIELDS,
}
STATION_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


#: line-like separators (Word pastes carry vertical tabs) become newlines
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
#: control characters that carry no text (NUL is refused instead, as a sign of binary)
_CONTROLS = re.compile(r"[\x01-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
#: characters that show nothing: a field made only of these is empty


def clean_string(value: str, name: str) -> str:
    """Text safe to store, show and put in XML: valid Unicode, no control characters."""
    if "\x00" in value:
        raise ValidationError(name, "Chứa ký tự NUL không hợp lệ.", "Contains a NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(name, "Chứa ký tự Unicode không hợp lệ (surrogate).",
                              "Contains invalid Unicode (a lone surrogate).") from exc
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", value))


#: letters and symbols that show nothing: Hangul fillers, the Braille blank
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_blank(value: str) -> bool:
    """True when nothing in `value` would show or be read: no letter, digit, punctuation
    mark or symbol (spaces, format and bidi controls, combining marks alone and filler
    characters do not count)."""
    return not any(unicodedata.category(ch)[0] in "LNPS" and ch not in _FILLERS
                   for ch in value)


def _text(data: dict[str, Any], name: str, *, required: bool, max_len: int) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise ValidationError(name, "Thiếu trường bắt buộc.", "This field is required.")
        return ""
    if not isinstance(value, str):
        raise ValidationError(name, "Phải là chuỗi văn bản.", "Must be a string.")
    value = clean_string(value, name).strip()
    if is_blank(value):
        if required:
            raise ValidationError(name, "Không được để trống.", "Must not be empty.")
        value = ""
    if len(value) > max_len:
        raise ValidationError(
            name,
            f"Quá dài: tối đa {max_len} ký tự.",
            f"Too long: at most {max_len} characters.",
            status=413 if name == "body" else 422,
        )
    return value


def parse_datetime(value: Any, name: str = "published_at") -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValidationError(name, "Phải là ngày giờ ISO 8601.", "Must be an ISO 8601 date.")
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValidationError(
            name,
            "Ngày giờ không hợp lệ (dạng 2020-06-26 hoặc 2020-06-26T08:00:00+07:00).",
            "Invalid date (use 2020-06-26 or 2020-06-26T08:00:00+07:00).",
        ) from exc
    # Stored as the wall-clock time the editor wrote (portals publish local time).
    return when.replace(tzinfo=None)


def validate_options(data: dict[str, Any],
                     allowed: frozenset[str] | None = None) -> dict[str, Any]:
    """Voice, rate and engine chain, shared by submit and re-render; `allowed` is the
    operator's set of engines (a request cannot reach an engine left out of every
    configured chain)."""
    out: dict[str, Any] = {}
    voice = data.get("voice")
    if voice is not None:
        if not isinstance(voice, str) or voice not in VOICES:
            raise ValidationError("voice", f"Giọng phải là một trong {', '.join(VOICES)}.",
                                  f"Voice must be one of {', '.join(VOICES)}.")
        out["voice"] = voice
    rate = data.get("rate")
    if rate is not None:
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.5 <= rate <= 2.0:
            raise ValidationError("rate", "Tốc độ phải là số từ 0.5 đến 2.0.",
                                  "Rate must be a number from 0.5 to 2.0.")
        out["rate"] = float(rate)
    engine = data.get("engine")
    if engine is not None:
        if not isinstance(engine, str):
            raise ValidationError("engine", "Phải là chuỗi.", "Must be a string.")
        try:
            chain = parse_engines(engine)
        except ValueError as exc:
            raise ValidationError(
                "engine", f"Bộ đọc phải thuộc {', '.join(ENGINES)}, mỗi bộ một lần.",
                f"Engine must be among {', '.join(ENGINES)}, each at most once ({exc}).",
            ) from exc
        if allowed is not None and not set(chain) <= allowed:
            raise ValidationError(
                "engine", f"Bộ đọc phải thuộc danh sách quản trị viên đã cấu hình: "
                          f"{', '.join(sorted(allowed))}.",
                f"Engines are limited to the configured ones: {', '.join(sorted(allowed))}.")
        out["engines"] = chain
    return out


def validate_bulletin(data: Any, max_text_chars: int, tz: ZoneInfo = STATION_TZ,
                      engines: frozenset[str] | None = None) -> BulletinInput:
    """A submission checked field by field; `tz` reads times written without an offset."""
    if not isinstance(data, dict):
        raise ValidationError("body", "Nội dung JSON phải là một đối tượng.",
                              "The JSON body must be an object.", status=400)
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        name = unknown[0].encode("utf-8", "backslashreplace").decode("utf-8") or "body"
        raise ValidationError(name, "Trường không được hỗ trợ.", "Unknown field.")
    language = data.get("language", "vi")
    if language not in LANGUAGES:
        raise ValidationError("language", "Chỉ hỗ trợ tiếng Việt (\"vi\").",
                              'Only Vietnamese ("vi") is supported.')
    item = BulletinInput(
        title=_text(data, "title", required=True, max_len=500),
        lead=_text(data, "lead", required=False, max_len=5000),
        body=_text(data, "body", required=True, max_len=max_text_chars),
        author=_text(data, "author", required=False, max_len=200),
        published_at=parse_datetime(data.get("published_at")),
        language=language,
    )
    url = data.get("source_url")
    if url is not None:
        if isinstance(url, str):
            url = clean_string(url, "source_url").strip()
        try:
            parts = urlparse(url) if isinstance(url, str) else None
        except ValueError:
            parts = None
        if parts is None or len(url) > 2000 or parts.scheme not in ("http", "https") \
                or not parts.netloc or any(ch.isspace() for ch in url):
            raise ValidationError("source_url", "Phải là địa chỉ http(s) hợp lệ.",
                                  "Must be a valid http(s) URL.")
        item.source_url = url
    source = data.get("source")
    if source is not None:
        if not is_slug(source):
            raise ValidationError("source", "Mã nguồn chỉ gồm chữ thường, số, '-', '_' hoặc '.'.",
                                  "Source must be a lowercase slug (a-z, 0-9, -, _, .).")
        item.source = source
    opts = validate_options(data, engines)
    item.voice, item.rate, item.engines = opts.get("voice"), opts.get("rate"), opts.get("engines")
    item.broadcast = broadcast_rules.validate_broadcast(data, tz)
    if item.total_chars > max_text_chars:
        raise ValidationError(
            "body",
            f"Bản tin quá dài: tối đa {max_text_chars} ký tự cho tất cả các trường.",
            f"Bulletin too long: at most {max_text_chars} characters in all fields.",
            status=413,
        )
    return item
