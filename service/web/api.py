"""JSON API v1: bulletins, new renditions, preview. (The lexicon is `lexicon_api`.)"""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request, url_for

from service import bulletins as uc
from service.preview import preview_fields
from service.rendition_view import bulletin_view
from service.validation import ValidationError, validate_bulletin, validate_options
from service.web.auth import require_token
from service.web.bodies import read_json_object, submitted_fields
from service.web.request_context import bulletin_or_404, db, settings

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.post("/bulletins")
@require_token
def create() -> Response:
    data, parsed = submitted_fields()
    item = validate_bulletin(data, settings().max_text_chars)
    s = db()
    b = uc.create_bulletin(s, settings(), item)
    s.commit()
    body = bulletin_view(b).to_api()
    body["links"]["page"] = url_for("pages.reading", bulletin_id=b.id)
    if parsed is not None:
        body["parsed"] = parsed
    resp = jsonify(body)
    resp.status_code = 202
    resp.headers["Location"] = url_for("api.show", bulletin_id=b.id)
    return resp


@bp.get("/bulletins")
def index() -> Response:
    try:
        limit = min(100, max(1, int(request.args.get("limit", 20))))
    except ValueError as exc:
        raise ValidationError("limit", "Số bản tin mỗi trang phải là số nguyên.",
                              "limit must be an integer.", status=400) from exc
    try:
        before = int(request.args["cursor"]) if request.args.get("cursor") else None
    except ValueError as exc:
        raise ValidationError("cursor", "Tham số phân trang không hợp lệ.",
                              "Invalid cursor.", status=400) from exc
    rows, nxt = uc.list_bulletins(db(), limit, before)
    items = [bulletin_view(b).to_api(full=False) for b in rows]
    return jsonify({"items": items, "next": str(nxt) if nxt is not None else None})


@bp.get("/bulletins/<int:bulletin_id>")
def show(bulletin_id: int) -> Response:
    return jsonify(bulletin_view(bulletin_or_404(bulletin_id)).to_api())


@bp.post("/bulletins/<int:bulletin_id>/render")
@require_token
def request_rendition(bulletin_id: int) -> Response:
    """A new rendition with another engine/voice/rate: `{"engine": "espeak", "voice": "south"}`."""
    opts = validate_options(read_json_object(optional=True))
    s = db()
    r = uc.request_rendition(s, settings(), bulletin_id, opts)
    if r is None:
        abort(404)
    s.commit()
    resp = jsonify({"id": bulletin_id, "rendition_id": r.id, "status": "queued"})
    resp.status_code = 202
    resp.headers["Location"] = url_for("api.show", bulletin_id=bulletin_id)
    return resp


@bp.post("/preview")
def preview() -> Response:
    """What will be *said*: per sentence, the spoken form and audit warnings."""
    data, parsed = submitted_fields()
    if not isinstance(data, dict):
        raise ValidationError("body", "Phải là đối tượng JSON.", "Must be a JSON object.", 400)
    item = validate_bulletin(data, settings().max_text_chars)
    result = preview_fields(db(), item, settings().tts_voice, style=request.args.get("style"))
    if parsed is not None:
        result["parsed"] = parsed
    return jsonify(result)
