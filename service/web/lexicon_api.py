"""`/api/v1/lexicon`: editors' respellings. A change is recorded (who, when) and the
re-render of the bulletins it is heard in runs as a worker task, not in the request."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, request
from sqlalchemy import select

from service import audit
from service.accounts import Actor
from service.bounds import check_respelling
from service.lexicon import affected_bulletins
from service.models import Bulletin, LexiconEntry
from service.outbox import task_after_commit
from service.queue import LEXICON_CHANGED
from service.validation import ValidationError, clean_string, is_blank
from service.web.auth import may_edit, require_actor
from service.web.bodies import read_json_object
from service.web.request_context import db, settings

bp = Blueprint("lexicon", __name__, url_prefix="/api/v1/lexicon")


def _entry_json(e: LexiconEntry) -> dict[str, Any]:
    return {"id": e.id, "written": e.written, "spoken": e.spoken, "source": e.source,
            "bulletin": e.bulletin_id or None, "updated_by": e.updated_by,
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


def _rerender_affected(actor: Actor, written: str, source: str, change: str,
                       bulletin_id: int = 0) -> list[int]:
    """The bulletins the change is heard in (newest first, capped); their new renditions
    are made by the `lexicon_changed` task once this request commits."""
    ids = affected_bulletins(db(), written, source, limit=settings().lexicon_rerender_cap)
    if bulletin_id:
        ids = [i for i in ids if i == bulletin_id]
    audit.record(db(), actor, "lexicon", bulletin_id or None, change=change, written=written,
                 source=source, bulletins=ids)
    if ids:
        task_after_commit(db(), LEXICON_CHANGED, ids)
    return ids


def _permission(source: str) -> str:
    return "lexicon_source" if source else "lexicon_global"


@bp.get("")
def list_entries() -> Response:
    q = select(LexiconEntry).order_by(LexiconEntry.written)
    if request.args.get("source") is not None:
        q = q.where(LexiconEntry.source == clean_string(request.args["source"], "source"))
    return jsonify({"items": [_entry_json(e) for e in db().scalars(q)]})


@bp.post("")
def upsert() -> Response:
    require_actor("lexicon_source")
    data = read_json_object(fields=frozenset({"written", "spoken", "source", "bulletin"}))
    written = _str_field(data, "written", 200)
    spoken = _str_field(data, "spoken", 400)
    source = _str_field(data, "source", 100, required=False)
    bulletin_id = 0
    if data.get("bulletin") is not None:  # scope: this bulletin only
        raw = data["bulletin"]
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < 2**31:
            raise ValidationError("bulletin", "Số bản tin không hợp lệ.", "Invalid bulletin id.")
        b = db().get(Bulletin, raw)
        if b is None:
            raise ValidationError("bulletin", f"Không có bản tin số {raw}.",
                                  f"No bulletin {raw}.", 404)
        actor = require_actor("edit_own")
        may_edit(actor, b)
        source, bulletin_id = b.source, b.id
    else:
        actor = require_actor(_permission(source))
    if any(ch.isdigit() for ch in spoken):
        raise ValidationError("spoken", "Cách đọc phải viết bằng chữ, không có chữ số.",
                              "The respelling must be words, without digits.")
    check_respelling(written, spoken)
    s = db()
    row = s.scalar(select(LexiconEntry).where(LexiconEntry.written == written,
                                              LexiconEntry.source == source,
                                              LexiconEntry.bulletin_id == bulletin_id))
    created = row is None
    if row is None:
        row = LexiconEntry(written=written, spoken=spoken, source=source,
                           bulletin_id=bulletin_id, updated_by=actor.name)
        s.add(row)
    else:
        row.spoken, row.updated_by = spoken, actor.name
    s.flush()
    body = _entry_json(row)
    body["rerendered"] = _rerender_affected(actor, written, source,
                                            "create" if created else "update", bulletin_id)
    s.commit()
    resp = jsonify(body)
    resp.status_code = 201 if created else 200
    return resp


@bp.delete("/<int:entry_id>")
def delete(entry_id: int) -> Response:
    require_actor("lexicon_source")
    s = db()
    row = s.get(LexiconEntry, entry_id)
    if row is None:
        abort(404)
    if row.bulletin_id:
        actor = require_actor("edit_own")
        b = s.get(Bulletin, row.bulletin_id)
        if b is not None:
            may_edit(actor, b)
    else:
        actor = require_actor(_permission(row.source))
    written, source, bulletin_id = row.written, row.source, row.bulletin_id
    s.delete(row)
    s.flush()
    rerendered = _rerender_affected(actor, written, source, "delete", bulletin_id)
    s.commit()
    return jsonify({"deleted": entry_id, "rerendered": rerendered})
