"""The loudspeaker station over HTTP: programmes and their editions, today's playlist,
CAP alerts in, and stopping an emergency's repeats.

Everything a station plays is public and built for the public audience (published
bulletins only); defining programmes and assembling editions needs the `station`
permission, alerts need `alerts` (they publish at once), a cancel needs `publish`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, url_for
from sqlalchemy import select

from service import bulletins as uc
from service.models import Edition, Programme, utcnow
from service.rendition_view import FileRecord
from service.station import playlist, schedule
from service.station.alerts import import_alert
from service.station.cap import parse_cap
from service.station.day_plan import day_plan
from service.station.programmes import (
    assemble_now,
    latest_edition,
    save_programme,
    validate_programme,
)
from service.station.rules import calendar_day
from service.validation import ValidationError, is_slug
from service.web.auth import require_actor
from service.web.bodies import read_json_object
from service.web.request_context import bulletin_or_404, db, settings

bp = Blueprint("station", __name__)
CAP_TYPES = ("application/cap+xml", "application/xml", "text/xml")


def _utc(t: Any) -> str | None:
    return t.isoformat() + "Z" if t else None


def edition_json(e: Edition) -> dict[str, Any]:
    base = settings().public_url
    files = {k: FileRecord.from_json(k, v) for k, v in (e.files or {}).items()}
    audio = files.get("loudspeaker")
    sheet = files.get("cues")
    return {
        "id": e.id, "programme_id": e.programme_id, "scheduled_for": _utc(e.scheduled_for),
        "status": e.status, "error": e.error, "bulletin_ids": e.bulletin_ids or [],
        "audio": f"{base}/audio/{audio.name}" if audio else None,
        "download": f"{base}/audio/{audio.name}?download=1" if audio else None,
        "cue_sheet": f"{base}/audio/{sheet.name}" if sheet else None,
        "duration": round(e.duration_ms / 1000, 3) if e.duration_ms else None,
        "bytes": audio.size if audio else None,
        "sha256": audio.sha256 if audio else None,
        "chapters": e.chapters or [],
        "finished_at": _utc(e.finished_at),
    }


def programme_json(p: Programme) -> dict[str, Any]:
    latest = latest_edition(db(), p)
    upcoming = schedule.next_slot(p.times, p.days, utcnow(), settings().tz) if p.active \
        else None
    return {
        "id": p.id, "name": p.name, "sources": p.sources, "categories": p.categories,
        "opening": p.opening, "closing": p.closing, "times": p.times, "days": p.days,
        "active": p.active, "next": _utc(upcoming),
        "latest_edition": edition_json(latest) if latest else None,
        "links": {"self": url_for("station.show_programme", programme_id=p.id),
                  "page": url_for("operator.programme_page", programme_id=p.id),
                  "assemble": url_for("station.assemble", programme_id=p.id)},
    }


def _programme_or_404(programme_id: int) -> Programme:
    p = db().get(Programme, programme_id)
    if p is None:
        abort(404)
    return p


@bp.post("/api/v1/programmes")
def create_programme() -> Response:
    actor = require_actor("station")
    item = validate_programme(read_json_object())
    s = db()
    p = save_programme(s, actor, item)
    s.commit()
    resp = jsonify(programme_json(p))
    resp.status_code = 201
    resp.headers["Location"] = url_for("station.show_programme", programme_id=p.id)
    return resp


@bp.get("/api/v1/programmes")
def list_programmes() -> Response:
    rows = db().scalars(select(Programme).order_by(Programme.id))
    return jsonify({"items": [programme_json(p) for p in rows]})


@bp.route("/api/v1/programmes/<int:programme_id>", methods=["GET", "PATCH"])
def show_programme(programme_id: int) -> Response:
    p = _programme_or_404(programme_id)
    if request.method == "PATCH":
        actor = require_actor("station")
        item = validate_programme(read_json_object(), partial=p)
        s = db()
        save_programme(s, actor, item, p)
        s.commit()
    return jsonify(programme_json(p))


@bp.post("/api/v1/programmes/<int:programme_id>/assemble")
def assemble(programme_id: int) -> Response:
    """An edition now (its window: since the programme's previous broadcast time)."""
    actor = require_actor("station")
    s = db()
    p = _programme_or_404(programme_id)
    e = assemble_now(s, actor, p)
    s.commit()
    resp = jsonify(edition_json(e))
    resp.status_code = 202
    resp.headers["Location"] = url_for("station.show_edition", edition_id=e.id)
    return resp


@bp.get("/api/v1/editions/<int:edition_id>")
def show_edition(edition_id: int) -> Response:
    e = db().get(Edition, edition_id)
    if e is None:
        abort(404)
    return jsonify(edition_json(e))


@bp.get("/playlists/today.m3u8")
def today_playlist() -> Response:
    source = request.args.get("source") or None
    if source is not None and not is_slug(source):
        raise ValidationError("source", "Mã nguồn không hợp lệ.", "Invalid source.", 400)
    cfg = settings()
    entries = playlist.today(db(), cfg.tz, utcnow(), cfg.public_url, source)
    title = f"Bản tin hôm nay – {cfg.station_name}" + (f" – {source}" if source else "")
    resp = Response(playlist.m3u8(entries, title),
                    mimetype="application/vnd.apple.mpegurl")
    resp.headers["Content-Type"] = "application/vnd.apple.mpegurl; charset=utf-8"
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.post("/api/v1/alerts")
def alerts() -> Response:
    """A CAP 1.2 document (`application/cap+xml`) → 202 with the bulletin it made or
    acted on. `?source=` binds it to one station's source."""
    actor = require_actor("alerts")
    mime = (request.mimetype or "").lower()
    if mime not in CAP_TYPES:
        raise ValidationError("Content-Type", "Cảnh báo phải gửi dạng application/cap+xml.",
                              "Send the alert as application/cap+xml.", 415)
    source = request.args.get("source", "")
    if source and not is_slug(source):
        raise ValidationError("source", "Mã nguồn không hợp lệ.", "Invalid source.", 400)
    alert = parse_cap(request.get_data(cache=False))
    s = db()
    done = import_alert(s, settings(), actor, alert, source)
    s.commit()
    b = done.bulletin
    resp = jsonify({"id": b.id, "action": done.action, "affected": list(done.affected),
                    "state": b.state, "cap_status": b.cap_status,
                    "links": {"self": url_for("api.show", bulletin_id=b.id),
                              "page": url_for("pages.reading", bulletin_id=b.id)}})
    resp.status_code = 200 if done.action == "duplicate" else 202
    resp.headers["Location"] = url_for("api.show", bulletin_id=b.id)
    return resp


@bp.post("/api/v1/bulletins/<int:bulletin_id>/cancel")
def cancel(bulletin_id: int) -> Response:
    """Stop an emergency's repeats now; it leaves every playlist and programme."""
    actor = require_actor("publish")
    s = db()
    b = bulletin_or_404(bulletin_id)
    uc.cancel_repeats(s, actor, b)
    s.commit()
    return jsonify({"id": b.id, "stopped_at": _utc(b.stopped_at)})


@bp.get("/api/v1/station/schedule")
def day_schedule() -> Response:
    """`?date=2026-12-01` (the station's day; today by default): every programme
    broadcast and every emergency replay of the day, in order."""
    cfg = settings()
    day = calendar_day(request.args.get("date"), "date", schedule.local_day(utcnow(), cfg.tz))
    items = day_plan(db(), day, cfg.tz, cfg.public_url)
    return jsonify({"date": day.isoformat(), "timezone": cfg.station_timezone,
                    "items": [b.to_json(cfg.tz) for b in items]})
