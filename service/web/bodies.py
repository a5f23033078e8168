"""Request bodies: UTF-8 text, JSON objects, or a portal paste as `text/plain`.

Every route that reads a body uses these, so every malformed body gets the same
Vietnamese error naming `body` (or `Content-Type`) with a 4xx status.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import request

from service.paste import parse_paste
from service.validation import ValidationError


def read_text_body() -> str:
    """The raw body as UTF-8; invalid bytes are a 400 naming the body."""
    raw = request.get_data(cache=True)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "body", f"Nội dung không phải UTF-8 hợp lệ (byte {exc.start}).",
            f"Body is not valid UTF-8 (byte {exc.start}).", status=400,
        ) from exc


def read_json_body() -> Any:
    text = read_text_body()
    if not text.strip():
        raise ValidationError("body", "Nội dung trống.", "Empty body.", status=400)
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise ValidationError("body", "JSON lồng nhau quá sâu.", "JSON nested too deeply.",
                              status=400) from exc
    except json.JSONDecodeError as exc:
        raise ValidationError(
            "body", f"JSON không hợp lệ ở dòng {exc.lineno}, cột {exc.colno}.",
            f"Invalid JSON at line {exc.lineno}, column {exc.colno}.", status=400,
        ) from exc
    except ValueError as exc:  # e.g. an integer longer than Python's digit limit
        raise ValidationError("body", "JSON chứa giá trị không đọc được (số quá dài?).",
                              f"Unreadable JSON value: {exc}", status=400) from exc


def read_json_object(optional: bool = False,
                     fields: frozenset[str] | None = None) -> dict[str, Any]:
    """A JSON object body (`{}` when `optional` and the body is empty), sent as
    `application/json` (else 415 naming `Content-Type`); with `fields`, a field not among
    them is a 422 naming it (a misspelt field is never silently ignored)."""
    if optional and not request.get_data(cache=True):
        return {}
    if request.mimetype != "application/json":
        raise ValidationError("Content-Type", "Hãy gửi JSON (Content-Type: application/json).",
                              "Send JSON (Content-Type: application/json).", status=415)
    data = read_json_body()
    if not isinstance(data, dict):
        raise ValidationError("body", "Phải là đối tượng JSON.", "Must be a JSON object.", 400)
    unknown = sorted(set(data) - fields) if fields is not None else []
    if unknown:
        name = unknown[0].encode("utf-8", "backslashreplace").decode("utf-8") or "body"
        raise ValidationError(name, "Trường không được hỗ trợ.", "Unknown field.")
    return data


def query_id(name: str, label_vi: str, clamp: bool = False) -> int | None:
    """A query parameter that names a row: ASCII digits within a 32-bit id, or absent (a
    number written otherwise, or too large for any row, is a 400 naming it; with `clamp`
    a position past every id, like a cursor, is the last id)."""
    raw = request.args.get(name)
    if not raw:
        return None
    if raw.isascii() and raw.isdigit() and clamp:
        return min(int(raw), 2**31 - 1)
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 2**31 - 1:
        raise ValidationError(name, f"{label_vi} phải là số nguyên dương (chữ số 0–9).",
                              f"{name} must be a positive integer id.", status=400)
    return int(raw)


#: broadcast rules a form or a text/plain query string carries as strings
BROADCAST_FORM = ("priority", "category", "hazard", "risk_level", "expires", "repeat_minutes",
                  "instruction", "issued_at")
_WHOLE_NUMBERS = ("risk_level", "repeat_minutes")


def broadcast_fields(values: Mapping[str, str]) -> dict[str, Any]:
    """The broadcast fields given as strings, typed as the JSON API takes them (a
    number that is not one is an error naming its field; blanks are left out)."""
    out: dict[str, Any] = {}
    for key in BROADCAST_FORM:
        raw = (values.get(key) or "").strip()
        if not raw:
            continue
        if key in _WHOLE_NUMBERS:
            if not (raw.isascii() and raw.isdigit()):
                raise ValidationError(key, "Phải là số nguyên.", "Must be a whole number.")
            out[key] = int(raw)
        else:
            out[key] = raw
    return out


def submitted_fields() -> tuple[dict[str, Any], dict[str, Any] | None]:
    """JSON fields, or fields parsed from a text/plain portal paste (and what was parsed)."""
    mimetype = request.mimetype
    if mimetype == "application/json":
        return read_json_body(), None
    if mimetype == "text/plain":
        parsed = parse_paste(read_text_body())
        data: dict[str, Any] = {
            "title": parsed.title or None, "lead": parsed.lead, "body": parsed.body or None,
            "author": parsed.author,
            "published_at": parsed.published_at.isoformat() if parsed.published_at else None,
        }
        for key in ("voice", "engine", "source"):
            if request.args.get(key):
                data[key] = request.args[key]
        data.update(broadcast_fields(request.args))
        if request.args.get("rate"):
            try:
                data["rate"] = float(request.args["rate"])
            except ValueError as exc:
                raise ValidationError("rate", "Tốc độ phải là số.", "Rate must be a number.") \
                    from exc
        parsed_view = {**data, "paragraphs": parsed.paragraphs, "dropped_lines": parsed.dropped}
        return data, parsed_view
    raise ValidationError(
        "Content-Type", "Chỉ nhận application/json hoặc text/plain; charset=utf-8.",
        "Use application/json or text/plain; charset=utf-8.", status=415,
    )
