"""`GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the JSON API and the public
files (playlist, podcast feed, status poll, audio, health check).

The document is plain data built from small dicts, with its limits and enumerations
taken from the constants the validators themselves use (voices, engines, hazards, the
slug pattern, field lengths, the body limit of these settings), so a changed rule
changes the document too. `tests/service/test_openapi.py` checks that every route under
`/api/v1/` is described with its methods, validates the document as OpenAPI 3.1 and runs
schemathesis against the app with it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from audio.vocabulary import AUDIO_KINDS, ENGINE_ALIASES, ENGINES, PROFILES, STYLES, VOICES
from service.listen import MAX_CHARS as LISTEN_MAX_CHARS
from service.publication import State
from service.rendition_view import ProfileStatus, RenditionStatus
from service.settings import Settings
from service.station.cap import MAX_CAP_BYTES
from service.station.programmes import MAX_FILTERS, MAX_NAME, MAX_WORDS, EditionStatus
from service.station.rules import _SLUG, MAX_INSTRUCTION, MAX_REPEAT_MINUTES
from service.station.schedule import MAX_TIMES
from service.station.vocabulary import HAZARDS, PRIORITIES, RISK_LEVELS
from service.validation import LANGUAGES
from service.web.request_context import settings

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

Schema = dict[str, Any]
MAX_ID = 2**31 - 1
SLUG = _SLUG.pattern
#: "HH:MM" on a 24-hour clock (service.station.schedule also reads "6:00")
CLOCK = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"
CAP_TYPES = ("application/cap+xml", "application/xml", "text/xml")
CAP_EXAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>VN-DNG-DT-2026-0001</identifier>
  <sender>pctt@danang.gov.vn</sender>
  <sent>2026-10-15T08:00:00+07:00</sent>
  <status>Test</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>vi-VN</language>
    <category>Geo</category>
    <event>Diễn tập ứng phó sóng thần</event>
    <urgency>Immediate</urgency>
    <severity>Extreme</severity>
    <certainty>Possible</certainty>
    <headline>Diễn tập: cảnh báo sóng thần tại quận Sơn Trà</headline>
    <description>Đây là bản tin diễn tập.</description>
    <area><areaDesc>Quận Sơn Trà</areaDesc></area>
  </info>
</alert>
"""
PASTE_EXAMPLE = """Mưa lớn ở Bắc Kạn

Đêm qua, mưa lớn kéo dài nhiều giờ ở các huyện phía bắc tỉnh.

Nhiều tuyến đường bị ngập, người dân được khuyến cáo hạn chế đi lại.
"""


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """`schema` or null (JSON Schema 2020-12: a type list, or `anyOf` for a `$ref`)."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    kind = schema["type"]
    return {**schema, "type": [*(kind if isinstance(kind, list) else [kind]), "null"]}


def obj(properties: dict[str, Schema], required: tuple[str, ...] | None = None,
        closed: bool = True, **extra: Any) -> Schema:
    """An object; `required=None` means every property is always present."""
    out: Schema = {"type": "object", "properties": properties,
                   "required": list(properties) if required is None else list(required)}
    if closed:
        out["additionalProperties"] = False
    return {**out, **extra}


def array(items: Schema, **extra: Any) -> Schema:
    return {"type": "array", "items": items, **extra}


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOLEAN: Schema = {"type": "boolean"}
ANY_OBJECT: Schema = {"type": "object"}
INSTANT: Schema = {"type": "string", "description": "ISO 8601, UTC (\"Z\")."}
IDS: Schema = array(INTEGER)
#: what `datetime.fromisoformat` reads: a date-time with an offset, a date, or a local
#: date-time without one ("" and null: none)
ISO_TIME: Schema = {"anyOf": [
    {"type": "string", "format": "date-time"}, {"type": "string", "format": "date"},
    {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"
                                  r"(:[0-9]{2}(\.[0-9]{1,6})?)?$"},
    {"const": ""}, {"type": "null"}]}


# --- request bodies -------------------------------------------------------------------


def _engine_field(cfg: Settings) -> Schema:
    allowed = ", ".join(sorted(cfg.engines_allowed))
    return {"type": ["string", "null"],
            "description": f"Chuỗi bộ đọc, thử lần lượt, mỗi bộ một lần ({', '.join(ENGINES)}; "
                           f"cũng nhận {', '.join(ENGINE_ALIASES)}); chỉ những bộ quản trị viên "
                           f"đã cấu hình: {allowed}. / An engine chain such as "
                           f"\"gtts,espeak\", limited to the configured engines ({allowed}).",
            "examples": [sorted(cfg.engines_allowed)[0]]}


def _options(cfg: Settings | None) -> dict[str, Schema]:
    out: dict[str, Schema] = {
        "voice": {"type": ["string", "null"], "enum": [*VOICES, None],
                  "description": "Giọng đọc / voice: " + ", ".join(
                      f"{k} ({v})" for k, v in VOICES.items())},
        "rate": {"type": ["number", "null"], "minimum": 0.5, "maximum": 2.0,
                 "description": "Tốc độ đọc / speaking rate (1.0 = bình thường)."},
    }
    if cfg is not None:
        out["engine"] = _engine_field(cfg)
    return out


def _broadcast_fields() -> dict[str, Schema]:
    """The broadcast rules a submission carries (`service.station.rules`)."""
    about = ("ISO 8601; không có múi giờ là giờ của đài (STATION_TIMEZONE). / Without an "
             "offset, the station's wall clock.")
    when: Schema = {**ISO_TIME, "description": about}
    return {
        "priority": {"type": ["string", "null"], "enum": [*PRIORITIES, "", None],
                     "description": "Mức ưu tiên / priority: " + ", ".join(
                         f"{k} ({v})" for k, v in PRIORITIES.items())
                     + ". Khẩn cấp cần hazard và risk_level. / An emergency needs a hazard "
                       "and a risk_level."},
        "category": {"type": ["string", "null"], "pattern": f"^$|{SLUG}",
                     "description": "Mã chuyên mục / category slug."},
        "issued_at": when,
        "expires": {**when, "description": f"{about} Phải sau issued_at. / Must be after "
                                           "issued_at."},
        "hazard": {"type": ["string", "null"], "enum": [*HAZARDS, "", None],
                   "description": "Loại thiên tai / hazard (QĐ 18/2021): " + ", ".join(
                       f"{k} ({v})" for k, v in HAZARDS.items())},
        "risk_level": {"type": ["integer", "null"], "enum": [*RISK_LEVELS, None],
                       "description": "Cấp độ rủi ro 1–5 / risk level 1 to 5."},
        "instruction": {"type": ["string", "null"], "maxLength": MAX_INSTRUCTION,
                        "description": "Hướng dẫn người dân / what people should do."},
        "repeat_minutes": {"type": ["integer", "null"], "minimum": 0,
                           "maximum": MAX_REPEAT_MINUTES,
                           "description": "Phát lại mỗi N phút (0: không phát lại). / Repeat "
                                          "every N minutes (0: never)."},
    }


def _bulletin_fields(cfg: Settings) -> dict[str, Schema]:
    return {
        "title": {"type": "string", "minLength": 1, "maxLength": 500,
                  "description": "Tiêu đề (bắt buộc) / title (required)."},
        "lead": {"type": ["string", "null"], "maxLength": 5000,
                 "description": "Sapo / lead paragraph."},
        "body": {"type": "string", "minLength": 1, "maxLength": cfg.max_text_chars,
                 "description": "Nội dung, mỗi dòng một đoạn (bắt buộc). / The text, one "
                                f"paragraph a line (required). Tất cả các trường cộng lại tối "
                                f"đa {cfg.max_text_chars} ký tự (413). / All fields together "
                                f"at most {cfg.max_text_chars} characters (413)."},
        "author": {"type": ["string", "null"], "maxLength": 200, "description": "Tác giả."},
        "published_at": {**ISO_TIME,
                         "description": "Ngày giờ đăng gốc, ISO 8601 (2020-06-26 hoặc "
                                        "2020-06-26T08:00:00+07:00). / Original publication "
                                        "time."},
        "source_url": {"type": ["string", "null"], "maxLength": 2000,
                       "pattern": "^https?://[^\\s/]+",
                       "description": "Địa chỉ bài gốc (http/https). / Original article URL."},
        "source": {"type": ["string", "null"], "pattern": SLUG,
                   "description": "Mã nguồn (tòa soạn, đài) / source slug."},
        "language": {"type": "string", "enum": list(LANGUAGES),
                     "description": "Chỉ tiếng Việt / Vietnamese only."},
        **_options(cfg),
        **_broadcast_fields(),
    }


def bulletin_input(cfg: Settings) -> Schema:
    return obj(_bulletin_fields(cfg), required=("title", "body"),
               description="Bản tin gửi dạng JSON; trường lạ bị từ chối (422). / A bulletin "
                           "as JSON; unknown fields are refused (422).",
               examples=[{"title": "Mưa lớn ở Bắc Kạn",
                          "body": "Đêm qua, mưa lớn kéo dài nhiều giờ ở các huyện phía bắc.",
                          "source": "backan", "voice": "north"}])


def bulletin_patch(cfg: Settings) -> Schema:
    fields = _bulletin_fields(cfg)
    del fields["language"]  # not editable: a PATCH naming it is a 422
    fields["title"] = {**fields["title"], "type": ["string", "null"]}
    fields["body"] = {**fields["body"], "type": ["string", "null"]}
    fields["source"] = {**fields["source"], "description": "Không đổi được (422 nếu khác). / "
                                                            "Cannot change (422 if different)."}
    return obj(fields, required=(),
               description="Các trường cần đổi; trường khác giữ nguyên. null xóa một trường "
                           "không bắt buộc. / The fields to change; the others keep their "
                           "value, null clears an optional one.",
               examples=[{"lead": "Cập nhật lúc 9 giờ."}])


def programme_input(partial: bool) -> Schema:
    slugs = {"type": ["array", "null"], "items": {"type": "string", "pattern": SLUG},
             "maxItems": MAX_FILTERS}
    words = {"type": ["string", "null"], "maxLength": MAX_WORDS}
    fields: dict[str, Schema] = {
        "name": {"type": "string" if not partial else ["string", "null"],
                 "minLength": 1, "maxLength": MAX_NAME,
                 "description": "Tên chương trình / programme name."},
        "sources": {**slugs, "description": "Chỉ các nguồn này (trống: mọi nguồn). / Only "
                                            "these sources (empty: all)."},
        "categories": {**slugs, "description": "Chỉ các chuyên mục này / only these "
                                               "categories."},
        "opening": {**words, "description": "Lời mở đầu / spoken opening."},
        "closing": {**words, "description": "Lời kết / spoken closing."},
        "times": {"type": "array", "items": {"type": "string", "pattern": CLOCK},
                  "minItems": 1, "maxItems": MAX_TIMES, "uniqueItems": True,
                  "description": "Giờ phát theo giờ đài, \"06:00\" / broadcast times, local."},
        "days": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 7},
                 "minItems": 1, "maxItems": 7, "uniqueItems": True,
                 "description": "Thứ trong tuần, 1 = thứ Hai … 7 = Chủ nhật (mặc định cả "
                                "tuần). / ISO weekdays (default: every day)."},
        "active": BOOLEAN,
    }
    return obj(fields, required=() if partial else ("name", "times"),
               examples=[{"name": "Bản tin sáng", "times": ["06:00"], "days": [1, 2, 3, 4, 5],
                          "opening": "Đây là Đài truyền thanh xã.", "sources": ["backan"]}])


LEXICON_INPUT = obj({
    "written": {"type": "string", "minLength": 1, "maxLength": 200,
                "description": "Từ như viết / the written form."},
    "spoken": {"type": "string", "minLength": 1, "maxLength": 400,
               "description": "Cách đọc, bằng chữ, không chữ số. / The respelling, in words, "
                              "without digits."},
    "source": {"type": "string", "maxLength": 100,
               "description": "Nguồn; trống = dùng chung (chỉ quản trị viên). / Source; empty "
                              "means every source (admins only)."},
    "bulletin": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_ID,
                 "description": "Chỉ cho bản tin này / for this bulletin only."},
}, required=("written", "spoken"), examples=[{"written": "UBND", "spoken": "ủy ban nhân dân",
                                              "source": "backan"}])

LEXICON_ENTRY: dict[str, Schema] = {
    "id": INTEGER, "written": STRING, "spoken": STRING, "source": STRING,
    "bulletin": nullable(INTEGER), "updated_by": STRING, "updated_at": INSTANT,
}

LISTEN_INPUT = obj({
    "text": {"type": "string", "minLength": 1, "maxLength": LISTEN_MAX_CHARS,
             "description": "Một câu cần nghe thử / the sentence to hear."},
    **_options(None),
    "source": {"type": ["string", "null"], "maxLength": 100,
               "description": "Nguồn, để áp dụng cách đọc riêng / source, for its lexicon."},
}, required=("text",), examples=[{"text": "Xin chào bà con.", "voice": "south"}])


# --- responses ------------------------------------------------------------------------


def components_schemas(cfg: Settings) -> dict[str, Schema]:
    return {
        "Error": obj({"error": obj({
            "field": {"type": ["string", "null"],
                      "description": "Trường sai (hoặc body, Content-Type) / the field at "
                                     "fault."},
            "message": {"type": "string", "description": "Tiếng Việt."},
            "message_en": {"type": "string", "description": "English."},
        })}, description="Lỗi, bằng tiếng Việt và tiếng Anh. / An error, in Vietnamese and "
                         "English."),
        "BulletinInput": bulletin_input(cfg),
        "BulletinPatch": bulletin_patch(cfg),
        "RenderOptions": obj(_options(cfg), required=(),
                             examples=[{"voice": "south", "rate": 1.1}]),
        "ProgrammeInput": programme_input(partial=False),
        "ProgrammePatch": programme_input(partial=True),
        "LexiconInput": LEXICON_INPUT,
        "ListenInput": LISTEN_INPUT,
        "Broadcast": obj({
            "priority": {"type": "string", "enum": list(PRIORITIES)},
            "priority_label": STRING,
            "category": nullable(STRING),
            "issued_at": nullable(INSTANT), "expires": nullable(INSTANT),
            "hazard": {"type": ["string", "null"], "enum": [*HAZARDS, None]},
            "hazard_label": nullable(STRING),
            "risk_level": {"type": ["integer", "null"], "enum": [*RISK_LEVELS, None]},
            "instruction": nullable(STRING),
            "repeat_minutes": nullable(INTEGER),
            "stopped_at": nullable(INSTANT),
            "superseded_by": nullable(INTEGER),
            "cap": obj({"sender": STRING, "identifier": STRING, "status": STRING}),
        }, required=("priority", "priority_label", "category"),
            description="Quy tắc phát (service.station.rules.as_api); các trường phát lại có "
                        "khi bản tin khẩn cấp, có thiên tai hoặc quy tắc phát lại. / Broadcast "
                        "rules; the repeat fields are there for emergencies, hazards and "
                        "repeating bulletins."),
        "AudioFile": obj({
            "kind": {"type": "string", "enum": list(AUDIO_KINDS)},
            "profile": {"type": ["string", "null"], "enum": [*PROFILES, None]},
            "url": STRING, "bytes": INTEGER, "sha256": nullable(STRING),
            "duration": nullable(NUMBER),
        }),
        "Links": obj({"self": STRING, "page": STRING, "audio": nullable(STRING),
                      "timings": nullable(STRING), "vtt": nullable(STRING)}),
        "Progress": obj({"done": INTEGER, "total": INTEGER}),
        "Bulletin": bulletin_schema(full=True),
        "BulletinSummary": bulletin_schema(full=False),
        "Duplicate": obj({"duplicate_of": INTEGER, "message": STRING, "message_en": STRING}),
        "Parsed": obj({
            "title": nullable(STRING), "lead": STRING, "body": nullable(STRING),
            "author": STRING, "published_at": nullable(STRING),
            "voice": STRING, "engine": STRING, "source": STRING, "rate": NUMBER,
            **{k: STRING for k in ("priority", "category", "hazard", "expires", "instruction",
                                   "issued_at")},
            "risk_level": INTEGER, "repeat_minutes": INTEGER,
            "paragraphs": array(STRING), "dropped_lines": array(STRING),
        }, required=("title", "lead", "body", "author", "published_at", "paragraphs",
                     "dropped_lines"),
            description="Những gì đọc được từ bản dán text/plain. / What was read from a "
                        "text/plain paste."),
        "Accepted": bulletin_schema(full=True, extra={
            "duplicates": array(ref("Duplicate")), "parsed": ref("Parsed")},
            description="Bản tin và các bản trùng nội dung (parsed: với text/plain). / The "
                        "bulletin and same-text bulletins (parsed: for text/plain)."),
        "BulletinList": obj({"items": array(ref("BulletinSummary")),
                             "next": {"type": ["string", "null"],
                                      "description": "cursor của trang sau / next page's "
                                                     "cursor."}}),
        "RenditionQueued": obj({"id": INTEGER, "rendition_id": INTEGER,
                                "status": {"const": "queued"}}),
        "Preview": obj({
            "normalizer_version": STRING,
            "style": {"type": "string", "enum": list(STYLES)},
            "sentences": array(obj({
                "index": INTEGER, "kind": {"type": "string",
                                           "enum": ["title", "lead", "paragraph", "author"]},
                "block": INTEGER, "start": INTEGER, "end": INTEGER, "text": STRING,
                "spoken": STRING, "warnings": array(STRING),
                "guessed": array(STRING, description="Chữ viết tắt chưa biết, đã đánh vần "
                                                     "/ unknown abbreviations, spelled"),
                "notices": array(STRING),
            })),
            "warnings": INTEGER, "guessed": INTEGER, "total_sentences": INTEGER,
            "truncated": BOOLEAN,
            "domain": nullable({"type": "string", "description": "Lĩnh vực của bản tin (y tế, "
                                "tòa án …) quyết định chữ viết tắt mơ hồ / the bulletin's "
                                "domain, which decides ambiguous abbreviations."}),
            "domain_label": nullable({"type": "string", "description": "Tên lĩnh vực cho biên "
                                      "tập viên (\"y tế\") / the domain's Vietnamese name."}),
            "parsed": ref("Parsed"),
        }, required=("normalizer_version", "style", "sentences", "warnings", "guessed",
                     "total_sentences", "truncated"),
            description="Câu nào sẽ được đọc thế nào (tối đa 400 câu). / What will be said, "
                        "sentence by sentence (at most 400)."),
        "Listen": obj({"url": STRING, "ready": BOOLEAN}),
        "AuditEntry": obj({
            "id": INTEGER, "at": INSTANT, "at_local": STRING, "actor": STRING, "role": STRING,
            "action": STRING, "action_vi": STRING, "bulletin_id": nullable(INTEGER),
            "version": nullable(INTEGER), "details": ANY_OBJECT,
        }),
        "AuditLog": obj({"items": array(ref("AuditEntry"))}),
        "LexiconEntry": obj(LEXICON_ENTRY),
        "LexiconSaved": obj({**LEXICON_ENTRY, "rerendered": IDS},
                            description="Mục đã lưu và các bản tin sẽ đọc lại. / The entry "
                                        "and the bulletins being re-rendered."),
        "LexiconList": obj({"items": array(ref("LexiconEntry"))}),
        "LexiconDeleted": obj({"deleted": INTEGER, "rerendered": IDS}),
        "Edition": obj({
            "id": INTEGER, "programme_id": INTEGER, "scheduled_for": INSTANT,
            "status": {"type": "string", "enum": [
                EditionStatus.QUEUED, EditionStatus.ASSEMBLING, EditionStatus.READY,
                EditionStatus.FAILED]},
            "error": nullable(STRING), "bulletin_ids": IDS, "audio": nullable(STRING),
            "download": nullable(STRING), "cue_sheet": nullable(STRING),
            "duration": nullable(NUMBER), "bytes": nullable(INTEGER),
            "sha256": nullable(STRING), "chapters": array(ANY_OBJECT),
            "finished_at": nullable(INSTANT),
        }),
        "Programme": obj({
            "id": INTEGER, "name": STRING, "sources": array(STRING),
            "categories": array(STRING), "opening": STRING, "closing": STRING,
            "times": array(STRING), "days": array(INTEGER), "active": BOOLEAN,
            "next": nullable(INSTANT), "latest_edition": nullable(ref("Edition")),
            "links": obj({"self": STRING, "page": STRING, "assemble": STRING}),
        }),
        "ProgrammeList": obj({"items": array(ref("Programme"))}),
        "DaySchedule": obj({
            "date": {"type": "string", "format": "date"}, "timezone": STRING,
            "items": array(obj({
                "at": INSTANT, "local": STRING,
                "kind": {"type": "string", "enum": ["programme", "repeat"]},
                "title": STRING, "programme_id": nullable(INTEGER),
                "bulletin_id": nullable(INTEGER), "edition_id": nullable(INTEGER),
                "audio": nullable(STRING), "priority": nullable(STRING),
                "priority_label": nullable(STRING), "risk_level": nullable(INTEGER),
            })),
        }),
        "AlertResult": obj({
            "id": INTEGER,
            "action": {"type": "string",
                       "enum": ["created", "updated", "cancelled", "duplicate"]},
            "affected": IDS, "state": {"type": "string", "enum": list(State)},
            "cap_status": nullable(STRING),
            "links": obj({"self": STRING, "page": STRING}),
        }),
        "Cancelled": obj({"id": INTEGER, "stopped_at": nullable(INSTANT)}),
        "Status": obj({
            "status": {"type": "string", "enum": list(RenditionStatus)},
            "ready": BOOLEAN, "progress": ref("Progress"),
            "percent": {"type": "integer", "minimum": 0, "maximum": 100},
            "error": nullable(STRING), "first": nullable(STRING),
            "audio": {"type": "object", "additionalProperties": STRING},
            "duration": nullable(NUMBER), "captions": nullable(STRING),
            "cues": array(obj({"i": INTEGER, "start": NUMBER, "end": NUMBER})),
            "profiles": {"type": "object", "additionalProperties": {
                "type": "string", "enum": list(ProfileStatus)}},
            "text": STRING,
            "downloads": array(obj({
                "kind": STRING, "label": STRING, "url": nullable(STRING),
                "size": nullable(STRING),
                "state": {"type": "string", "enum": list(ProfileStatus),
                          "description": "Tệp chưa có: đang tạo hay không tạo được. / A file "
                                         "not there: pending or failed."},
                "note": STRING,
            }, required=("kind", "label", "url", "size"))),
            "duration_words": STRING,
        }, description="Trạng thái âm thanh mà trang đọc hỏi định kỳ. / The status the "
                       "reading page polls."),
        "Health": obj({"ok": {"const": True}}),
        "Ready": obj({
            "ready": BOOLEAN, "failed": array({"type": "string",
                                               "enum": ["database", "broker", "storage"]}),
            "checks": {"type": "object", "additionalProperties": obj(
                {"ok": BOOLEAN, "error": STRING, "seconds": NUMBER}, required=("ok",))},
            "message": STRING}, required=("ready", "failed", "checks")),
    }


def bulletin_schema(full: bool, extra: dict[str, Schema] | None = None,
                    **annotations: Any) -> Schema:
    """`BulletinView.to_api` (`full=False`: list items, without body and paragraphs);
    `extra`: what an answer adds (the first of them required)."""
    props: dict[str, Schema] = {
        "id": INTEGER, "title": STRING, "lead": STRING, "author": STRING,
        "state": {"type": "string", "enum": list(State)},
        "version": INTEGER, "published_version": nullable(INTEGER),
        "published_at": nullable(STRING), "source_url": nullable(STRING), "source": STRING,
        "language": STRING, "created_at": INSTANT,
        "released_at": {**nullable(INSTANT), "description": "Lúc bản tin được xuất bản cho "
                        "người nghe (UTC). / When readers first got it."},
        "status": {"type": "string", "enum": list(RenditionStatus)},
        "progress": nullable(ref("Progress")), "error": nullable(STRING),
        "warnings": array(STRING),
        "rendition": nullable(obj({
            "id": INTEGER, "engine": nullable(STRING), "engine_voice": nullable(STRING),
            "voice": STRING, "rate": NUMBER, "normalizer_version": nullable(STRING),
            "duration_ms": nullable(INTEGER), "finished_at": nullable(INSTANT),
            "profiles": {"type": "object", "additionalProperties": obj({
                "state": {"type": "string", "enum": list(ProfileStatus)},
                "error": nullable(STRING), "finished_at": nullable(INSTANT)})},
        })),
        "requested": nullable(obj({"engines": STRING, "voice": STRING, "rate": NUMBER})),
        "engine": nullable(STRING), "voice": nullable(STRING), "duration": nullable(NUMBER),
        "audio": {"type": "object", "additionalProperties": STRING,
                  "description": "kind → URL"},
        "files": array(ref("AudioFile")), "first_audio": nullable(STRING),
        "links": ref("Links"), "broadcast": ref("Broadcast"),
        "latest_version": {**INTEGER, "description": "Chỉ nhân viên / staff only."},
        "created_by": {**STRING, "description": "Chỉ nhân viên / staff only."},
    }
    optional = ["latest_version", "created_by"]
    if full:
        props["body"], props["paragraphs"] = STRING, array(STRING)
    if extra:
        props.update(extra)
        optional += list(extra)[1:]
    return obj(props, required=tuple(k for k in props if k not in optional), **annotations)


# --- operations -----------------------------------------------------------------------

JSON = "application/json"
HTML = "text/html"
Security = list[dict[str, list[str]]]
#: writes: a bearer token, or a session with its CSRF token
WRITE_SECURITY: Security = [{"bearerAuth": []}, {"sessionCookie": [], "csrfToken": []}]
READ_SECURITY: Security = [{"bearerAuth": []}, {"sessionCookie": []}]
#: anyone; staff (token or session) also see drafts
OPTIONAL_SECURITY: Security = [{}, {"bearerAuth": []}, {"sessionCookie": []}]

ERRORS = {
    400: "Yêu cầu sai: JSON hỏng, không phải đối tượng, không phải UTF-8, tham số sai hoặc "
         "thiếu mã CSRF khi dùng phiên đăng nhập. / Malformed request: bad JSON, not an "
         "object, not UTF-8, a bad parameter, or a missing CSRF token with a session.",
    401: "Thiếu mã truy cập hoặc mã sai (WWW-Authenticate: Bearer). / No or a bad bearer "
         "token.",
    403: "Vai trò không có quyền này (thông báo nói quyền nào). / The role lacks the "
         "permission (the message names it).",
    404: "Không tìm thấy (hoặc bản nháp, với người đọc). / Not found (or a draft, for "
         "readers).",
    413: "Nội dung quá lớn (giới hạn MAX_BODY_BYTES, hoặc bản tin quá dài). / Body or "
         "bulletin too large.",
    415: "Sai Content-Type. / Unsupported Content-Type.",
    422: "Trường không hợp lệ; error.field nói trường nào. / A field is invalid; error.field "
         "names it.",
    429: "Quá nhiều yêu cầu; xem Retry-After. / Too many requests; see Retry-After.",
    503: "Máy tạo âm thanh không liên lạc được. / The workers are unreachable.",
}


def error(code: int, html: bool = False, text: str | None = None) -> Schema:
    """An error answer; outside /api/ a browser gets a page, a JSON client the JSON."""
    content: Schema = {JSON: {"schema": ref("Error")}}
    if html:
        content[HTML] = {"schema": STRING}
    out: Schema = {"description": text or ERRORS[code], "content": content}
    if code == 401:
        out["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    if code == 429:
        out["headers"] = {"Retry-After": {"schema": {"type": "string"}}}
    return out


def ok(schema_name: str, text: str, headers: dict[str, Schema] | None = None) -> Schema:
    out: Schema = {"description": text, "content": {JSON: {"schema": ref(schema_name)}}}
    if headers:
        out["headers"] = headers
    return out


def errors(*codes: int, page: bool = False) -> dict[str, Schema]:
    """The error answers of an operation, and the 429 any request may get. Outside /api/
    (`page`) the app's own HTTP errors are a page for browsers; a ValidationError (400,
    422) is always JSON."""
    return {str(c): error(c, html=page and c not in (400, 422)) for c in (*codes, 429)}


def json_body(schema_name: str, required: bool = True) -> Schema:
    return {"required": required, "content": {JSON: {"schema": ref(schema_name)}}}


def path_id(name: str, what: str) -> Schema:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID, "examples": [1]},
            "description": f"Số {what} / {what} id (32 bit; lớn hơn là 404)."}


def query(name: str, schema: Schema, description: str) -> Schema:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


LOCATION = {"Location": {"schema": {"type": "string"},
                         "description": "Địa chỉ của tài nguyên / the resource's URL."}}
BULLETIN_ID = path_id("bulletin_id", "bản tin")
PROGRAMME_ID = path_id("programme_id", "chương trình")
PASTE_PARAMS = [
    query(k, s, f"Chỉ với text/plain / text/plain only: {k}.")
    for k, s in (("voice", {"type": "string", "enum": list(VOICES)}), ("engine", STRING),
                 ("rate", {"type": "number", "minimum": 0.5, "maximum": 2.0}),
                 ("source", {"type": "string", "pattern": SLUG}),
                 ("priority", {"type": "string", "enum": list(PRIORITIES)}),
                 ("category", {"type": "string", "pattern": SLUG}),
                 ("hazard", {"type": "string", "enum": list(HAZARDS)}),
                 ("risk_level", {"type": "integer", "enum": list(RISK_LEVELS)}),
                 ("expires", STRING), ("issued_at", STRING),
                 ("repeat_minutes", {"type": "integer", "minimum": 0,
                                     "maximum": MAX_REPEAT_MINUTES}),
                 ("instruction", {"type": "string", "maxLength": MAX_INSTRUCTION}))
]


def submission_body() -> Schema:
    return {"required": True, "content": {
        JSON: {"schema": ref("BulletinInput")},
        "text/plain": {"schema": {"type": "string", "minLength": 1, "examples": [PASTE_EXAMPLE],
                                  "description": "Bài dán từ trang báo (UTF-8): dòng đầu là "
                                                 "tiêu đề, rồi sapo và các đoạn; các tùy chọn "
                                                 "là tham số truy vấn. / A portal paste: title "
                                                 "first, then lead and paragraphs; options in "
                                                 "the query string."}},
    }}


def paths(cfg: Settings) -> dict[str, Schema]:
    limit = cfg.max_body_bytes
    return {
        "/api/v1/openapi.json": {"get": {
            "tags": ["meta"], "operationId": "openapi", "security": [],
            "summary": "Tài liệu OpenAPI này / this OpenAPI document",
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {JSON: {
                "schema": obj({"openapi": STRING, "info": ANY_OBJECT, "paths": ANY_OBJECT},
                              required=("openapi", "info", "paths"), closed=False)}}},
                **errors()},
        }},
        "/api/v1/bulletins": {
            "post": {
                "tags": ["bulletins"], "operationId": "createBulletin",
                "security": WRITE_SECURITY,
                "summary": "Gửi bản tin (bản nháp) / submit a bulletin (a draft)",
                "description": "JSON, hoặc bài dán text/plain; âm thanh được tạo sau (202). "
                               f"Tối đa {limit} byte. Quyền `submit`. / JSON or a text/plain "
                               "paste; the audio is made afterwards (202). Permission "
                               "`submit`.",
                "parameters": PASTE_PARAMS, "requestBody": submission_body(),
                "responses": {"202": ok("Accepted", "Đã nhận / accepted", LOCATION),
                              **errors(400, 401, 403, 413, 415, 422)},
            },
            "get": {
                "tags": ["bulletins"], "operationId": "listBulletins",
                "security": OPTIONAL_SECURITY,
                "summary": "Danh sách bản tin, mới nhất trước / bulletins, newest first",
                "description": "Người đọc chỉ thấy bản đã xuất bản; nhân viên thấy mọi bản. / "
                               "Readers see published bulletins only, staff every one.",
                "parameters": [
                    query("limit", {"type": "integer"},
                          "Số bản tin mỗi trang, 1–100 (mặc định 20; ngoài khoảng được đưa "
                          "về khoảng). / Page size, clamped to 1..100."),
                    query("cursor", {"type": "string", "pattern": "^[0-9]*$"},
                          "Giá trị `next` của trang trước / the previous page's `next`."),
                ],
                "responses": {"200": ok("BulletinList", "Một trang / one page"),
                              **errors(400, 401)},
            },
        },
        "/api/v1/bulletins/{bulletin_id}": {
            "parameters": [BULLETIN_ID],
            "get": {
                "tags": ["bulletins"], "operationId": "showBulletin",
                "security": OPTIONAL_SECURITY,
                "summary": "Một bản tin / one bulletin",
                "responses": {"200": ok("Bulletin", "Bản tin / the bulletin"),
                              **errors(401, 404)},
            },
            "patch": {
                "tags": ["bulletins"], "operationId": "editBulletin",
                "security": WRITE_SECURITY,
                "summary": "Sửa: một phiên bản mới / edit: a new version",
                "description": "Biên tập viên sửa bản của mình; người duyệt sửa mọi bản. / "
                               "Editors edit their own bulletins, approvers any.",
                "requestBody": json_body("BulletinPatch"),
                "responses": {"202": ok("Accepted", "Phiên bản mới / the new version",
                                        LOCATION),
                              **errors(400, 401, 403, 404, 413, 415, 422)},
            },
        },
        **{f"/api/v1/bulletins/{{bulletin_id}}/{action}": {
            "parameters": [BULLETIN_ID],
            "post": {
                "tags": ["bulletins"], "operationId": f"{action}Bulletin",
                "security": WRITE_SECURITY, "summary": summary,
                "description": "Quyền `publish` (người duyệt). / Permission `publish`.",
                "responses": {"200": ok("Bulletin", "Bản tin / the bulletin", LOCATION),
                              **errors(400, 401, 403, 404)},
            },
        } for action, summary in (
            ("publish", "Xuất bản phiên bản mới nhất / publish the newest version"),
            ("withdraw", "Gỡ khỏi trang, nguồn cấp và đài / withdraw from readers"))},
        "/api/v1/bulletins/{bulletin_id}/render": {
            "parameters": [BULLETIN_ID],
            "post": {
                "tags": ["bulletins"], "operationId": "renderBulletin",
                "security": WRITE_SECURITY,
                "summary": "Tạo lại âm thanh (bộ đọc, giọng, tốc độ khác) / a new rendition",
                "description": "Thân có thể trống. / The body may be empty.",
                "requestBody": json_body("RenderOptions", required=False),
                "responses": {"202": ok("RenditionQueued", "Đã xếp hàng / queued", LOCATION),
                              **errors(400, 401, 403, 404, 413, 415, 422)},
            },
        },
        "/api/v1/bulletins/{bulletin_id}/cancel": {
            "parameters": [BULLETIN_ID],
            "post": {
                "tags": ["station"], "operationId": "cancelRepeats",
                "security": WRITE_SECURITY,
                "summary": "Dừng phát lại bản tin khẩn cấp / stop an emergency's repeats",
                "description": "Quyền `publish`. / Permission `publish`.",
                "responses": {"200": ok("Cancelled", "Đã dừng / stopped"),
                              **errors(400, 401, 403, 404)},
            },
        },
        "/api/v1/preview": {"post": {
            "tags": ["bulletins"], "operationId": "preview", "security": OPTIONAL_SECURITY,
            "summary": "Xem trước cách đọc, không tạo âm thanh / what will be said",
            "parameters": [*PASTE_PARAMS, query(
                "style", {"type": "string", "enum": list(STYLES)},
                "Cách đọc số (mặc định theo giọng; giá trị khác bị bỏ qua). / Reading "
                "convention (default: the voice's; other values are ignored).")],
            "requestBody": submission_body(),
            "responses": {"200": ok("Preview", "Từng câu / sentence by sentence"),
                          **errors(400, 413, 415, 422)},
        }},
        "/api/v1/listen": {"post": {
            "tags": ["bulletins"], "operationId": "listen", "security": WRITE_SECURITY,
            "summary": "Nghe thử một câu / hear one sentence",
            "description": "Trả về địa chỉ tệp; hỏi lại địa chỉ đó (404 cho đến khi có). / "
                           "Answers the file's URL; poll it (404 until it exists).",
            "requestBody": json_body("ListenInput"),
            "responses": {"200": ok("Listen", "Đã có sẵn / ready"),
                          "202": ok("Listen", "Đang tạo / being made"),
                          **errors(400, 401, 403, 413, 415, 422, 503)},
        }},
        "/api/v1/audit": {"get": {
            "tags": ["bulletins"], "operationId": "auditLog", "security": READ_SECURITY,
            "summary": "Nhật ký (500 mục mới nhất) / the audit log (newest 500)",
            "description": "Quyền `audit` (người duyệt). / Permission `audit`.",
            "parameters": [
                query("bulletin", {"type": "integer"}, "Chỉ bản tin này / one bulletin only."),
                query("format", {"type": "string", "enum": ["json", "csv"]},
                      "csv: tệp CSV tải về / a CSV download."),
            ],
            "responses": {"200": {"description": "Nhật ký / the log", "content": {
                JSON: {"schema": ref("AuditLog")},
                "text/csv": {"schema": STRING}}}, **errors(400, 401, 403)},
        }},
        "/api/v1/lexicon": {
            "get": {
                "tags": ["lexicon"], "operationId": "listLexicon", "security": [],
                "summary": "Cách đọc đã sửa / the respellings",
                "parameters": [query("source", STRING, "Chỉ nguồn này (\"\": dùng chung). / "
                                                       "One source only.")],
                "responses": {"200": ok("LexiconList", "Các mục / the entries"),
                              **errors(422)},
            },
            "post": {
                "tags": ["lexicon"], "operationId": "saveLexicon", "security": WRITE_SECURITY,
                "summary": "Thêm hoặc sửa cách đọc / add or change a respelling",
                "description": "Có nguồn: quyền `lexicon_source`; dùng chung: quản trị viên; "
                               "một bản tin: người sửa được bản tin đó. Các bản tin có từ này "
                               "được đọc lại. / Per source: `lexicon_source`; global: admins; "
                               "per bulletin: who may edit it. Affected bulletins are "
                               "re-rendered.",
                "requestBody": json_body("LexiconInput"),
                "responses": {"201": ok("LexiconSaved", "Đã thêm / created"),
                              "200": ok("LexiconSaved", "Đã sửa / updated"),
                              **errors(400, 401, 403, 404, 413, 415, 422)},
            },
        },
        "/api/v1/lexicon/{entry_id}": {
            "parameters": [path_id("entry_id", "mục")],
            "delete": {
                "tags": ["lexicon"], "operationId": "deleteLexicon",
                "security": WRITE_SECURITY, "summary": "Xóa cách đọc / delete a respelling",
                "responses": {"200": ok("LexiconDeleted", "Đã xóa / deleted"),
                              **errors(400, 401, 403, 404)},
            },
        },
        "/api/v1/programmes": {
            "post": {
                "tags": ["station"], "operationId": "createProgramme",
                "security": WRITE_SECURITY,
                "summary": "Tạo chương trình phát thanh / define a programme",
                "description": "Quyền `station` (người vận hành, người duyệt). / Permission "
                               "`station`.",
                "requestBody": json_body("ProgrammeInput"),
                "responses": {"201": ok("Programme", "Đã tạo / created", LOCATION),
                              **errors(400, 401, 403, 413, 415, 422)},
            },
            "get": {
                "tags": ["station"], "operationId": "listProgrammes", "security": [],
                "summary": "Các chương trình / the programmes",
                "responses": {"200": ok("ProgrammeList", "Các chương trình / programmes"),
                              **errors()},
            },
        },
        "/api/v1/programmes/{programme_id}": {
            "parameters": [PROGRAMME_ID],
            "get": {
                "tags": ["station"], "operationId": "showProgramme", "security": [],
                "summary": "Một chương trình / one programme",
                "responses": {"200": ok("Programme", "Chương trình / the programme"),
                              **errors(404)},
            },
            "patch": {
                "tags": ["station"], "operationId": "editProgramme",
                "security": WRITE_SECURITY, "summary": "Sửa chương trình / edit a programme",
                "requestBody": json_body("ProgrammePatch"),
                "responses": {"200": ok("Programme", "Đã sửa / updated"),
                              **errors(400, 401, 403, 404, 413, 415, 422)},
            },
        },
        "/api/v1/programmes/{programme_id}/assemble": {
            "parameters": [PROGRAMME_ID],
            "post": {
                "tags": ["station"], "operationId": "assembleEdition",
                "security": WRITE_SECURITY,
                "summary": "Ghép số phát ngay / assemble an edition now",
                "responses": {"202": ok("Edition", "Đang ghép / queued", LOCATION),
                              **errors(400, 401, 403, 404)},
            },
        },
        "/api/v1/editions/{edition_id}": {
            "parameters": [path_id("edition_id", "số phát")],
            "get": {
                "tags": ["station"], "operationId": "showEdition", "security": [],
                "summary": "Một số phát / one edition",
                "responses": {"200": ok("Edition", "Số phát / the edition"), **errors(404)},
            },
        },
        "/api/v1/station/schedule": {"get": {
            "tags": ["station"], "operationId": "daySchedule", "security": [],
            "summary": "Lịch phát trong ngày / the day's broadcasts",
            "parameters": [query("date", {"type": "string", "format": "date"},
                                 "Ngày theo giờ đài, 2026-12-01 (mặc định hôm nay). / The "
                                 "station's day (default today).")],
            "responses": {"200": ok("DaySchedule", "Theo thứ tự giờ / in order"),
                          **errors(400)},
        }},
        "/api/v1/alerts": {"post": {
            "tags": ["station"], "operationId": "receiveAlert", "security": WRITE_SECURITY,
            "summary": "Nhận cảnh báo CAP 1.2 / a CAP 1.2 alert in",
            "description": "Alert tạo bản tin khẩn cấp và xuất bản ngay (trừ Test, Exercise, "
                           "Draft); Update thay bản cũ; Cancel dừng phát. Quyền `alerts`. "
                           f"Tối đa {MAX_CAP_BYTES} byte. / Alert makes and publishes an "
                           "emergency bulletin (not for Test, Exercise, Draft); Update "
                           "supersedes; Cancel stops. Permission `alerts`.",
            "parameters": [query("source", {"type": "string", "pattern": SLUG},
                                 "Gắn với nguồn (đài) này / bind to this source.")],
            "requestBody": {"required": True, "content": {
                t: {"schema": {"type": "string", "examples": [CAP_EXAMPLE]}}
                for t in CAP_TYPES}},
            "responses": {"202": ok("AlertResult", "Đã xử lý / acted on", LOCATION),
                          "200": ok("AlertResult", "Đã nhận trước đó / a duplicate",
                                    LOCATION),
                          **errors(400, 401, 403, 413, 415, 422)},
        }},
        "/playlists/today.m3u8": {"get": {
            "tags": ["public"], "operationId": "todayPlaylist", "security": [],
            "summary": "Danh sách phát hôm nay (HLS/M3U8) / today's playlist",
            "parameters": [query("source", {"type": "string", "pattern": SLUG},
                                 "Chỉ nguồn này / one source only.")],
            "responses": {"200": {"description": "M3U8", "content": {
                "application/vnd.apple.mpegurl": {"schema": STRING}}},
                **errors(400, page=True)},
        }},
        "/feeds/podcast.xml": {"get": {
            "tags": ["public"], "operationId": "podcastFeed", "security": [],
            "summary": "Nguồn cấp podcast (RSS 2.0 + iTunes) / podcast feed",
            "responses": {"200": {"description": "RSS", "content": {
                "application/rss+xml": {"schema": STRING}}}, **errors(page=True)},
        }},
        "/bulletins/{bulletin_id}/status.json": {
            "parameters": [BULLETIN_ID],
            "get": {
                "tags": ["public"], "operationId": "bulletinStatus",
                "security": OPTIONAL_SECURITY,
                "summary": "Trạng thái âm thanh (trang đọc hỏi định kỳ) / audio status",
                "responses": {"200": ok("Status", "Trạng thái / status"),
                              **errors(401, 404, page=True)},
            },
        },
        **{f"/bulletins/{{bulletin_id}}/{name}": {
            "parameters": [BULLETIN_ID, *extra],
            "get": {
                "tags": ["public"], "operationId": op, "security": OPTIONAL_SECURITY,
                "summary": summary,
                "parameters": [query("download", {"type": "string", "enum": ["1", "true"]},
                                     "Tải về (Content-Disposition) / as a download.")],
                "responses": {"302": {"description": "Tới tệp /audio/… / to the file",
                                      "headers": LOCATION},
                              **errors(401, 404, page=True)},
            },
        } for name, op, summary, extra in (
            ("timings.json", "bulletinTimings", "Thời điểm từng câu và từng từ (w) / sentence and "
             "word timings", []),
            ("captions.vtt", "bulletinCaptions", "Phụ đề WebVTT / captions", []),
            ("audio.{fmt}", "bulletinAudio", "Âm thanh mới nhất / the newest audio",
             [{"name": "fmt", "in": "path", "required": True,
               "schema": {"type": "string", "enum": list(AUDIO_KINDS)}}]))},
        "/audio/{name}": {
            "parameters": [{"name": "name", "in": "path", "required": True,
                            "schema": {"type": "string",
                                       "pattern": "^[0-9a-f]{16,64}\\.[a-z0-9]{2,5}$"},
                            "description": "Tên theo nội dung (không bao giờ đổi) / "
                                           "content-addressed name."}],
            "get": {
                "tags": ["public"], "operationId": "audioFile", "security": [],
                "summary": "Tệp âm thanh, phụ đề, thời điểm / a stored file",
                "description": "Range (206/416), If-None-Match (304), lưu đệm một năm. / "
                               "Ranges, conditional requests, cached for a year.",
                "parameters": [
                    query("download", {"type": "string", "enum": ["1", "true"]},
                          "Tải về với tên dễ đọc / a download with a readable name."),
                    {"name": "Range", "in": "header", "required": False,
                     "schema": {"type": "string", "pattern": "^bytes=[0-9]*-[0-9]*$"}},
                ],
                "responses": {
                    "200": {"description": "Tệp / the file", "content": {
                        t: {"schema": {"type": "string", "format": "binary"}}
                        for t in ("audio/mpeg", "audio/ogg", "audio/wav", "text/vtt",
                                  "application/octet-stream")} | {JSON: {"schema": {}}}},
                    "206": {"description": "Một khoảng byte / a byte range"},
                    "304": {"description": "Không đổi / not modified"},
                    "416": error(416, html=True, text="Khoảng byte không hợp lệ. / Range "
                                                      "not satisfiable."),
                    **errors(404, page=True),
                },
            },
        },
        "/healthz": {"get": {
            "tags": ["meta"], "operationId": "health", "security": [],
            "summary": "Tiến trình còn sống / liveness",
            "description": "Không hỏi cơ sở dữ liệu hay hàng đợi: chỉ cho biết tiến trình "
                           "web trả lời. / Touches no dependency: the web process answers.",
            "responses": {"200": ok("Health", "Hoạt động / up"), **errors(page=True)},
        }},
        "/readyz": {"get": {
            "tags": ["meta"], "operationId": "ready", "security": [],
            "summary": "Sẵn sàng phục vụ / readiness",
            "description": "Cơ sở dữ liệu, hàng đợi (Redis) và ổ lưu âm thanh trả lời ngay "
                           "lúc này; 503 nêu tên những phần không trả lời. / The database, "
                           "the broker and the audio volume answer now; a 503 names those "
                           "that do not.",
            "responses": {"200": ok("Ready", "Sẵn sàng / ready"),
                          "503": ok("Ready", "Chưa sẵn sàng / not ready"),
                          **errors(page=True)},
        }},
        "/metrics": {"get": {
            "tags": ["meta"], "operationId": "metrics", "security": [],
            "summary": "Số liệu Prometheus / Prometheus metrics",
            "description": "Định dạng văn bản của Prometheus. / Prometheus text format.",
            "responses": {"200": {"description": "Prometheus text format", "content": {
                "text/plain": {"schema": STRING}}}, **errors(page=True)},
        }},
    }


def build_document(cfg: Settings) -> dict[str, Any]:
    """The OpenAPI 3.1 document for an app running with `cfg`."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Bản tin — API đọc tin thành tiếng / bantin text-to-speech news API",
            "version": "1",
            "summary": "Bản tin thời sự tiếng Việt đọc thành tiếng cho web, podcast và đài "
                       "truyền thanh. / Vietnamese news bulletins turned into speech.",
            "description": (
                "Gửi bản tin (JSON hoặc bài dán text/plain), xem trước cách đọc, sửa cách "
                "đọc từ, xuất bản, và vận hành đài truyền thanh (chương trình, số phát, lịch "
                "phát, cảnh báo CAP). Máy gọi dùng mã truy cập `Authorization: Bearer …`; "
                "trang web dùng phiên đăng nhập (cookie `bantin_session`) và mã CSRF "
                "(`X-CSRFToken`) cho mọi thao tác ghi. Lỗi luôn có dạng "
                "`{\"error\": {\"field\", \"message\", \"message_en\"}}`.\n\n"
                "Submit bulletins (JSON or a text/plain paste), preview what will be said, "
                "fix pronunciations, publish, and run the loudspeaker station (programmes, "
                "editions, the day schedule, CAP alerts). Machine clients send a bearer "
                "token; the web pages use a session cookie plus a CSRF token on every "
                "write. Errors always look like `{\"error\": {\"field\", \"message\", "
                "\"message_en\"}}` (Vietnamese, then English)."),
        },
        "servers": [{"url": "/", "description": "Máy chủ này / this server"}],
        "tags": [
            {"name": "bulletins", "description": "Bản tin / bulletins"},
            {"name": "lexicon", "description": "Cách đọc / pronunciation lexicon"},
            {"name": "station", "description": "Đài truyền thanh / loudspeaker station"},
            {"name": "public", "description": "Tệp công khai / public files"},
            {"name": "meta", "description": "Tài liệu, kiểm tra / document, health"},
        ],
        "paths": paths(cfg),
        "components": {
            "schemas": components_schemas(cfg),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "Mã truy cập do quản trị viên cấp (`bantin "
                                              "token`). / A token an admin issues."},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "bantin_session",
                                  "description": "Phiên đăng nhập trang web (/login). / The "
                                                 "web pages' session."},
                "csrfToken": {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
                              "description": "Bắt buộc cho thao tác ghi bằng phiên đăng nhập "
                                             "(400 nếu thiếu). / Required on writes made with "
                                             "a session (400 without)."},
            },
        },
    }


@bp.get("/openapi.json")
def document() -> Response:
    resp = jsonify(build_document(settings()))
    resp.headers["Cache-Control"] = "no-cache"
    return resp
