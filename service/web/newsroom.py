"""The newsroom's pages: the editor (sign-in required, works without JavaScript), the
review queue where approvers publish and withdraw, and the audit log.

Every form posts with a CSRF token and answers with a redirect (no secret or bulletin
text ever goes into a URL); the same use cases and audit records as the JSON API.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from service import audit
from service import bulletins as uc
from service.models import Bulletin
from service.paste import parse_paste
from service.publication import STATE_LABELS, Audience, State
from service.rendition_view import bulletin_view
from service.roles import allows
from service.station.vocabulary import HAZARDS, PRIORITIES, RISK_COLOURS
from service.validation import ValidationError, validate_bulletin
from service.web.auth import current_actor, require_actor
from service.web.bodies import BROADCAST_FORM, broadcast_fields, query_id
from service.web.pages import render_page
from service.web.request_context import bulletin_or_404, db, settings

bp = Blueprint("editor", __name__)
FIELD_LABELS = {"title": "Tiêu đề", "body": "Nội dung", "lead": "Sapo", "author": "Tác giả",
                "voice": "Giọng đọc", "published_at": "Ngày đăng", "source": "Nguồn",
                "priority": "Mức ưu tiên", "category": "Chuyên mục",
                "hazard": "Loại thiên tai, sự cố", "risk_level": "Cấp độ rủi ro",
                "expires": "Hết hiệu lực", "repeat_minutes": "Phát lại",
                "instruction": "Hướng dẫn", "issued_at": "Phát hành lúc"}
#: form controls of their own (every other field lives in the pasted text)
FORM_FIELDS = ("voice", "source", *BROADCAST_FORM)


def _sign_in_first() -> Response | None:
    if current_actor() is None:
        target = url_for("accounts.login", next=request.path)
        return redirect(target, code=303)  # type: ignore[return-value]
    return None


def _rows(q: Any) -> list[Any]:
    rows = db().scalars(q.options(selectinload(Bulletin.renditions),
                                  selectinload(Bulletin.versions)).limit(50))
    return [bulletin_view(b, audience=Audience.STAFF) for b in rows]


def _editor_page(status: int = 200, errors: list[dict[str, str]] | None = None,
                 paste: str = "", voice: str | None = None,
                 source: str | None = None, form: dict[str, str] | None = None) -> Response:
    actor = require_actor("submit")
    mine = _rows(select(Bulletin).where(Bulletin.created_by == actor.name)
                 .order_by(Bulletin.id.desc()))
    return render_page("editor.html", status, limit=settings().max_text_chars,
                       default_voice=voice or settings().tts_voice, mine=mine,
                       errors=errors or [], paste=paste, source=source,
                       STATE_LABELS=STATE_LABELS, form=form or {}, FORM_FIELDS=FORM_FIELDS,
                       PRIORITIES=PRIORITIES, HAZARDS=HAZARDS, RISK_COLOURS=RISK_COLOURS)


@bp.get("/editor")
def editor() -> Response:
    return _sign_in_first() or _editor_page()


@bp.post("/editor")
def submit() -> Response:
    """The form without JavaScript: parse the paste, store a draft, show its page."""
    actor = require_actor("submit")
    paste, voice = request.form.get("paste", ""), request.form.get("voice") or None
    source = request.form.get("source", "").strip() or None
    parsed = parse_paste(paste)
    data = {"title": parsed.title or None, "lead": parsed.lead, "body": parsed.body or None,
            "author": parsed.author, "voice": voice, "source": source,
            "published_at": parsed.published_at.isoformat() if parsed.published_at else None}
    form = {k: request.form.get(k, "").strip() for k in BROADCAST_FORM}
    try:
        data.update(broadcast_fields(form))
        item = validate_bulletin(data, settings().max_text_chars, settings().tz,
                             settings().engines_allowed)
    except ValidationError as err:
        label = FIELD_LABELS.get(err.field, err.field)
        errors = [{"field": err.field, "message": f"{label}: {err.message}"}]
        return _editor_page(err.status, errors, paste, voice, source, form)
    s = db()
    b = uc.create_bulletin(s, settings(), item, by=actor.name)
    audit.record(s, actor, "create", b.id, b.version, source=b.source, via_form=True)
    s.commit()
    return redirect(url_for("pages.reading", bulletin_id=b.id), code=303)  # type: ignore[return-value]


@bp.get("/review")
def review() -> Response:
    if (first := _sign_in_first()) is not None:
        return first
    require_actor("publish")
    waiting = _rows(select(Bulletin).where(Bulletin.state != State.PUBLISHED)
                    .order_by(Bulletin.id.desc()))
    published = _rows(select(Bulletin).where(Bulletin.state == State.PUBLISHED)
                      .order_by(Bulletin.id.desc()))
    return render_page("review.html", waiting=waiting, published=published,
                       STATE_LABELS=STATE_LABELS)


@bp.post("/review/<int:bulletin_id>/<any(publish, withdraw):action>")
def review_action(bulletin_id: int, action: str) -> Response:
    actor = require_actor("publish")
    s = db()
    b = bulletin_or_404(bulletin_id)
    uc.change_publication(s, actor, b, action, via_form=True)
    s.commit()
    return redirect(url_for("editor.review"), code=303)  # type: ignore[return-value]


@bp.get("/audit")
def audit_page() -> Response:
    if (first := _sign_in_first()) is not None:
        return first
    actor = require_actor("audit")
    bulletin = query_id("bulletin", "Số bản tin")
    rows = [audit.as_json(e) for e in audit.entries(db(), bulletin, limit=200)]
    return render_page("audit.html", rows=rows, bulletin=bulletin,
                       can_export=allows(actor.role, "audit"))
