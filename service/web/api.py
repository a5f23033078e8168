"""JSON API v1: bulletins, re-render, lexicon, preview."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, url_for

from service import bulletins as uc
from service.db import session_scope
from service.models import Bulletin
from service.paste import parse_paste
from service.validation import ValidationError, validate_bulletin, validate_options
from service.web import lexicon_api
from service.web.auth import require_token
from service.web.context import bulletin_or_404, sender, sessions, settings

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.register_blueprint(lexicon_api.bp)


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


@bp.post("/bulletins")
@require_token
def create() -> Response:
    data, parsed = submitted_fields()
    item = validate_bulletin(data, settings().max_text_chars)
    bid, _ = uc.create_bulletin(sessions(), sender(), settings(), item)
    with sessions()() as s:
        b = s.get(Bulletin, bid)
        assert b is not None
        body = uc.describe(b)
    body["links"]["page"] = url_for("pages.reading", bulletin_id=bid)
    if parsed is not None:
        body["parsed"] = parsed
    resp = jsonify(body)
    resp.status_code = 202
    resp.headers["Location"] = url_for("api.show", bulletin_id=bid)
    return resp


@bp.get("/bulletins")
def index() -> Response:
    try:
        limit = min(100, max(1, int(request.args.get("limit", 20))))
        before = int(request.args["cursor"]) if request.args.get("cursor") else None
    except ValueError as exc:
        raise ValidationError("cursor", "Tham số phân trang không hợp lệ.",
                              "Invalid limit or cursor.", status=400) from exc
    with sessions()() as s:
        rows, nxt = uc.list_bulletins(s, limit, before)
        items = [uc.describe(b) for b in rows]
    for item in items:
        item.pop("body", None)
        item.pop("paragraphs", None)
    return jsonify({"items": items, "next": str(nxt) if nxt is not None else None})


@bp.get("/bulletins/<int:bulletin_id>")
def show(bulletin_id: int) -> Response:
    with sessions()() as s:
        b = bulletin_or_404(s, bulletin_id)
        return jsonify(uc.describe(b))


@bp.post("/bulletins/<int:bulletin_id>/render")
@require_token
def render_again(bulletin_id: int) -> Response:
    """Re-render with another engine/voice/rate: `{"engine": "espeak", "voice": "south"}`."""
    data = read_json_body() if request.get_data() else {}
    if not isinstance(data, dict):
        raise ValidationError("body", "Phải là đối tượng JSON.", "Must be a JSON object.", 400)
    opts = validate_options(data)
    rid = uc.rerender(sessions(), sender(), settings(), bulletin_id, opts)
    if rid is None:
        abort(404)
    resp = jsonify({"id": bulletin_id, "rendition_id": rid, "status": "queued"})
    resp.status_code = 202
    resp.headers["Location"] = url_for("api.show", bulletin_id=bulletin_id)
    return resp


@bp.post("/preview")
def preview() -> Response:
    """What will be *said*: per sentence, the spoken form and audit warnings."""
    from service.preview import preview_fields

    data, parsed = submitted_fields()
    if not isinstance(data, dict):
        raise ValidationError("body", "Phải là đối tượng JSON.", "Must be a JSON object.", 400)
    item = validate_bulletin(data, settings().max_text_chars)
    with session_scope(sessions()) as s:
        result = preview_fields(s, item, style=request.args.get("style", "north"))
    if parsed is not None:
        result["parsed"] = parsed
    return jsonify(result)
