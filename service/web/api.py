"""JSON API v1: bulletins (submit, edit, publish, withdraw, new renditions), preview and
the audit log. (The lexicon is `lexicon_api`.) Every write checks a permission and is
recorded in the audit log in the same transaction."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from service import audit
from service import bulletins as uc
from service.lexicon import respellings
from service.listen import MAX_CHARS, lexicon_stamp, sample_name
from service.models import Bulletin
from service.preview import preview_fields
from service.publication import Audience
from service.queue import LISTEN
from service.rendition_view import bulletin_view
from service.station import rules as broadcast_rules
from service.validation import (
    ValidationError,
    clean_string,
    is_blank,
    validate_bulletin,
    validate_options,
)
from service.web.auth import audience, may_edit, require, require_actor, visible_or_404
from service.web.bodies import query_id, read_json_object, submitted_fields
from service.web.request_context import bulletin_or_404, db, sender, settings, storage

bp = Blueprint("api", __name__, url_prefix="/api/v1")
OPTION_FIELDS = frozenset({"voice", "rate", "engine"})


def _duplicate_warnings(ids: list[int]) -> list[dict[str, object]]:
    return [{"duplicate_of": i, "message": f"Nội dung trùng với bản tin số {i}.",
             "message_en": f"Same text as bulletin {i}."} for i in ids]


def _accepted(b: Bulletin, status: int = 202,
              extra: dict[str, object] | None = None) -> Response:
    body = {**bulletin_view(b, audience=audience()).to_api(), **(extra or {})}
    body["links"]["page"] = url_for("pages.reading", bulletin_id=b.id)
    resp = jsonify(body)
    resp.status_code = status
    resp.headers["Location"] = url_for("api.show", bulletin_id=b.id)
    return resp


@bp.post("/bulletins")
def create() -> Response:
    actor = require_actor("submit")
    data, parsed = submitted_fields()
    item = validate_bulletin(data, settings().max_text_chars, settings().tz,
                             settings().engines_allowed)
    s = db()
    same = uc.duplicates_of(s, item)
    b = uc.create_bulletin(s, settings(), item, by=actor.name)
    audit.record(s, actor, "create", b.id, b.version, source=b.source)
    s.commit()
    extra: dict[str, object] = {"duplicates": _duplicate_warnings(same)}
    if parsed is not None:
        extra["parsed"] = parsed
    return _accepted(b, extra=extra)


@bp.route("/bulletins/<int:bulletin_id>", methods=["GET", "PATCH"])
def show(bulletin_id: int) -> Response:
    """GET: the bulletin as this request may see it. PATCH: a new version (one rule for
    both, so an id out of range is a 404 for either method)."""
    if request.method == "PATCH":
        return edit(bulletin_id)
    return jsonify(bulletin_view(visible_or_404(bulletin_id), audience=audience()).to_api())


def edit(bulletin_id: int) -> Response:
    """A new version from the fields given (the others keep their value)."""
    actor = require_actor("edit_own")
    s = db()
    b = bulletin_or_404(bulletin_id)
    may_edit(actor, b)
    data = read_json_object()
    current = {"title": b.title, "lead": b.lead, "body": b.body, "author": b.author,
               "published_at": b.published_at.isoformat() if b.published_at else None,
               "source_url": b.source_url, "source": b.source or None,
               **broadcast_rules.as_fields(b)}
    unknown = set(data) - set(current) - {"voice", "rate", "engine"}
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationError(name, "Trường này không sửa được.", "This field cannot be edited.")
    if "source" in data and (data["source"] or "") != b.source:
        raise ValidationError("source", "Không đổi được nguồn của bản tin đã gửi.",
                              "The source of a submitted bulletin cannot change.")
    merged = {k: v for k, v in {**current, **data}.items() if v is not None}
    item = validate_bulletin(merged, settings().max_text_chars, settings().tz,
                             settings().engines_allowed)
    same = uc.duplicates_of(s, item, exclude=b.id)
    r = uc.edit_bulletin(s, settings(), b, item, by=actor.name)
    audit.record(s, actor, "edit", b.id, b.version, rendition=r.id)
    s.commit()
    return _accepted(b, extra={"duplicates": _duplicate_warnings(same)})


def _set_state(bulletin_id: int, action: str) -> Response:
    actor = require_actor("publish")
    s = db()
    b = bulletin_or_404(bulletin_id)
    uc.change_publication(s, actor, b, action)
    s.commit()
    return _accepted(b, status=200)


@bp.post("/bulletins/<int:bulletin_id>/publish")
def publish(bulletin_id: int) -> Response:
    return _set_state(bulletin_id, "publish")


@bp.post("/bulletins/<int:bulletin_id>/withdraw")
def withdraw(bulletin_id: int) -> Response:
    return _set_state(bulletin_id, "withdraw")


@bp.get("/bulletins")
def index() -> Response:
    limit = min(100, max(1, query_id("limit", "Số bản tin mỗi trang") or 20))
    before = query_id("cursor", "Tham số phân trang", clamp=True)
    who = audience()
    rows, nxt = uc.list_bulletins(db(), limit, before, published_only=who == Audience.PUBLIC)
    items = [bulletin_view(b, audience=who).to_api(full=False) for b in rows]
    return jsonify({"items": items, "next": str(nxt) if nxt is not None else None})


@bp.post("/bulletins/<int:bulletin_id>/render")
def request_rendition(bulletin_id: int) -> Response:
    """A new rendition with another engine/voice/rate: `{"engine": "espeak", "voice": "south"}`."""
    actor = require_actor("edit_own")
    opts = validate_options(read_json_object(optional=True, fields=OPTION_FIELDS),
                            settings().engines_allowed)
    s = db()
    b = bulletin_or_404(bulletin_id)
    may_edit(actor, b)
    r = uc.request_rendition(s, settings(), b, opts)
    audit.record(s, actor, "rerender", b.id, b.version, rendition=r.id,
                 options={k: list(v) if isinstance(v, tuple) else v for k, v in opts.items()})
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
    item = validate_bulletin(data, settings().max_text_chars, settings().tz,
                             settings().engines_allowed)
    result = preview_fields(db(), item, settings(), style=request.args.get("style"))
    if parsed is not None:
        result["parsed"] = parsed
    return jsonify(result)


@bp.post("/listen")
def listen() -> Response:
    """Speak one sentence as the worker would ("Nghe thử"): `{"text", "voice"?, "rate"?,
    "source"?}` → `{"url", "ready"}`; poll `url` (404 until it exists)."""
    require_actor("submit")
    data = read_json_object(fields=frozenset({"text", "voice", "rate", "source"}))
    text = data.get("text")
    if not isinstance(text, str) or is_blank(text):
        raise ValidationError("text", "Hãy nhập câu cần nghe thử.", "text is required.")
    text = " ".join(clean_string(text, "text").split())
    if len(text) > MAX_CHARS:
        raise ValidationError("text", f"Nghe thử tối đa {MAX_CHARS} ký tự (câu này dài "
                                      f"{len(text)} ký tự).", f"At most {MAX_CHARS} characters.")
    opts = validate_options({k: data[k] for k in ("voice", "rate") if k in data})
    source = data.get("source") or ""
    if not isinstance(source, str) or len(source) > 100:
        raise ValidationError("source", "Nguồn không hợp lệ.", "Invalid source.")
    voice = opts.get("voice") or settings().tts_voice
    rate = opts.get("rate") or settings().tts_rate
    entries = [(e.written, e.spoken) for e in respellings(db(), source)]
    name = sample_name(text, voice, rate, source, lexicon_stamp(entries))
    url = url_for("files.audio", name=name)
    if storage().path(name) is not None:
        return jsonify({"url": url, "ready": True})
    if sender().send(LISTEN, name, text, voice, rate, source) is None:
        raise ValidationError("text", "Máy tạo âm thanh đang bận hoặc mất kết nối; hãy thử "
                                      "lại sau ít phút.", "The workers are unreachable.", 503)
    resp = jsonify({"url": url, "ready": False})
    resp.status_code = 202
    return resp


@bp.get("/audit")
@require("audit")
def audit_log() -> Response:
    rows = audit.entries(db(), query_id("bulletin", "Số bản tin"))
    if request.args.get("format") == "csv":
        return Response(audit.as_csv(rows), mimetype="text/csv; charset=utf-8", headers={
            "Content-Disposition": 'attachment; filename="bantin-nhat-ky.csv"'})
    return jsonify({"items": [audit.as_json(e) for e in rows]})
