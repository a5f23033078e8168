"""`/api/v1/lexicon`: editors' respellings; a change re-renders affected bulletins."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, request
from sqlalchemy import select

from service import bulletins as uc
from service.db import session_scope
from service.lexicon import affected_bulletins
from service.models import LexiconEntry
from service.validation import ValidationError, clean_string, is_blank
from service.web.auth import require_token
from service.web.context import sender, sessions, settings

bp = Blueprint("lexicon", __name__, url_prefix="/lexicon")


def _entry_json(e: LexiconEntry) -> dict[str, Any]:
    return {"id": e.id, "written": e.written, "spoken": e.spoken, "source": e.source,
            "updated_at": e.updated_at.isoformat() + "Z"}


def _str_field(data: dict[str, Any], name: str, max_len: int, required: bool = True) -> str:
    value = data.get(name, "" if not required else None)
    if not isinstance(value, str):
        raise ValidationError(name, "Thiếu hoặc không phải chuỗi.", "Missing or not a string.")
    value = " ".join(clean_string(value, name).split())
    if required and is_blank(value):
        raise ValidationError(name, "Không được để trống.", "Must not be empty.")
    if len(value) > max_len:
        raise ValidationError(name, f"Tối đa {max_len} ký tự.", f"At most {max_len} characters.")
    return value


def _rerender_affected(written: str, source: str) -> list[int]:
    with sessions()() as s:
        ids = affected_bulletins(s, written, source)
    for bid in ids:
        uc.rerender(sessions(), sender(), settings(), bid, {})
    return ids


@bp.get("")
def list_entries() -> Response:
    with sessions()() as s:
        q = select(LexiconEntry).order_by(LexiconEntry.written)
        if request.args.get("source") is not None:
            q = q.where(LexiconEntry.source == clean_string(request.args["source"], "source"))
        return jsonify({"items": [_entry_json(e) for e in s.scalars(q)]})


@bp.post("")
@require_token
def upsert() -> Response:
    from service.web.api import read_json_body

    data = read_json_body()
    if not isinstance(data, dict):
        raise ValidationError("body", "Phải là đối tượng JSON.", "Must be a JSON object.", 400)
    written = _str_field(data, "written", 200)
    spoken = _str_field(data, "spoken", 400)
    source = _str_field(data, "source", 100, required=False)
    if any(ch.isdigit() for ch in spoken):
        raise ValidationError("spoken", "Cách đọc phải viết bằng chữ, không có chữ số.",
                              "The respelling must be words, without digits.")
    with session_scope(sessions()) as s:
        row = s.scalar(select(LexiconEntry).where(LexiconEntry.written == written,
                                                  LexiconEntry.source == source))
        created = row is None
        if row is None:
            row = LexiconEntry(written=written, spoken=spoken, source=source)
            s.add(row)
        else:
            row.spoken = spoken
        s.flush()
        body = _entry_json(row)
    body["rerendered"] = _rerender_affected(written, source)
    resp = jsonify(body)
    resp.status_code = 201 if created else 200
    return resp


@bp.delete("/<int:entry_id>")
@require_token
def delete(entry_id: int) -> Response:
    with session_scope(sessions()) as s:
        row = s.get(LexiconEntry, entry_id)
        if row is None:
            abort(404)
        written, source = row.written, row.source
        s.delete(row)
    return jsonify({"deleted": entry_id, "rerendered": _rerender_affected(written, source)})
