"""HTML pages: index, reading page, embed player, editor.

Reader preferences (text size, line spacing, contrast) work without JavaScript: the
toolbar is a GET form; the server stores the choice in a cookie and renders with it.
JavaScript makes the same buttons instant and keeps using the same cookie.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, jsonify, make_response, render_template, request

from audio.vocabulary import AUDIO_KIND_LABELS, AUDIO_KINDS
from service import bulletins as uc
from service.document import build_document
from service.durations import clock, spoken_duration
from service.models import Bulletin, utcnow
from service.publication import STATE_LABELS, Audience
from service.reading_order import next_published, published_on
from service.rendition_view import BulletinView, ProfileStatus, RenditionStatus, bulletin_view
from service.station import schedule
from service.station.downloads import download_link
from service.station.rules import calendar_day
from service.station.vocabulary import RISK_COLOURS
from service.validation import ValidationError
from service.web.auth import audience, visible_or_404
from service.web.embed_code import FRAME_ID, MODES, frame_id, snippets
from service.web.request_context import db, settings

bp = Blueprint("pages", __name__)

SIZES = (100, 125, 150, 175, 200, 250)
SPACINGS = ("normal", "wide")
THEMES = ("default", "contrast")
COOKIE_AGE = 365 * 24 * 3600


def _prefs() -> dict[str, Any]:
    """Current reader preferences from the query (a button press) or the cookie."""

    def pick(name: str, allowed: tuple[Any, ...], default: Any, cast: Any = str) -> Any:
        for raw in (request.args.get(name), request.cookies.get(f"bantin_{name}")):
            if raw is None:
                continue
            try:
                value = cast(raw)
            except ValueError:
                continue
            if value in allowed:
                return value
        return default

    size = pick("size", SIZES, 100, int)
    step = request.args.get("step")
    if step in ("up", "down"):
        i = SIZES.index(size) + (1 if step == "up" else -1)
        size = SIZES[max(0, min(len(SIZES) - 1, i))]
    elif step == "reset":
        size = 100
    spacing = pick("spacing", SPACINGS, "normal")
    theme = pick("theme", THEMES, "default")
    # The same words the script announces, shown (and in a status region) after a no-JS reload.
    changed = []
    if request.args.get("spacing") in SPACINGS:
        changed.append("Đã giãn dòng rộng." if spacing == "wide" else "Đã giãn dòng bình thường.")
    if request.args.get("theme") in THEMES:
        changed.append("Đã bật tương phản cao." if theme == "contrast" else "Đã dùng màu mặc định.")
    return {
        "size": size,
        "spacing": spacing,
        "theme": theme,
        "sizes": SIZES,
        "min": size == SIZES[0],
        "max": size == SIZES[-1],
        "message": " ".join(changed),
    }


def render_page(template: str, status: int = 200, remember: bool = True,
                **ctx: Any) -> Response:
    """A page with the reader's preferences applied (and remembered in cookies, unless
    `remember` is off: an embed's query says how one portal shows it, not what the
    reader chose for bantin)."""
    prefs = _prefs()
    resp = make_response(render_template(template, prefs=prefs, **ctx), status)
    for key in ("size", "spacing", "theme") if remember else ():
        resp.set_cookie(f"bantin_{key}", str(prefs[key]), max_age=COOKIE_AGE, samesite="Lax")
    return resp


#: Download links, in the order a reader is most likely to want them.
FORMAT_LABELS = tuple(AUDIO_KIND_LABELS.items())


def _size(n: int | None) -> str | None:
    return f"{n / 1_000_000:.1f} MB".replace(".", ",") if n else None


def downloads(view: BulletinView) -> list[dict[str, Any]]:
    """Download links of the playing audio, with labels and sizes, in `FORMAT_LABELS` order."""
    ready = view.playing
    if ready is None:
        return []
    out = []
    states = {p.name: p for p in ready.profiles}
    for kind, label in FORMAT_LABELS:
        f = ready.file(kind)
        if f is not None:
            out.append({"kind": kind, "label": label, "url": download_link(f.url),
                        "size": _size(f.size)})
            continue
        # A file still being made, or given up: said so, never silently missing.
        state = states.get(AUDIO_KINDS.get(kind, ("", ""))[0])
        if state is not None and state.state != ProfileStatus.READY:
            note = ("đang tạo" if state.state == ProfileStatus.PENDING
                    else f"không tạo được: {state.error or 'lỗi không rõ'}")
            out.append({"kind": kind, "label": label, "url": None, "size": None,
                        "state": str(state.state), "note": note})
    if ready.has_captions:
        out.append({"kind": "vtt", "label": "Phụ đề WebVTT",
                    "url": download_link(f"/bulletins/{view.id}/captions.vtt"), "size": None})
    return out


def status_text(view: BulletinView) -> str:
    """The sentence the status line shows (and the script announces) for a bulletin's state."""
    status, (done, total) = view.status, view.progress
    ready = f"Âm thanh đã sẵn sàng, dài {spoken_duration(view.duration)}."
    if status == RenditionStatus.FAILED and view.playing is None:
        error = view.current.error if view.current else None
        return f"Không tạo được âm thanh: {error or 'lỗi không rõ'}."
    if status == RenditionStatus.SYNTHESIZING:  # also while older audio keeps playing
        progress = f": đã đọc {done} trên {total} câu" if total else ""
        part = " Có thể nghe phần đầu ngay." if view.opening else ""
        return f"Đang tạo âm thanh{progress}.{part}"
    return ready if view.playing is not None else "Bản tin đang chờ tạo âm thanh."


def live_status(view: BulletinView) -> dict[str, Any]:
    """The polled status: the read model's JSON plus the page's words and links."""
    return {**view.to_status(), "text": status_text(view), "downloads": downloads(view),
            "duration_words": spoken_duration(view.duration)}


UNTITLED = "Bản tin không có tiêu đề"


def has_visible_text(value: str | None) -> bool:
    """True if `value` has a letter, digit, punctuation mark or symbol, i.e. something a
    sighted reader sees. Spaces, zero-width and other format characters do not count."""
    return any(unicodedata.category(ch)[0] in "LNPS" for ch in value or "")


@bp.app_template_filter("duration_words")
def duration_words(seconds: float | None) -> str:
    """The one wording of a duration on every page ("4 phút 36 giây"): `spoken_duration`."""
    return spoken_duration(seconds)


@bp.app_template_filter("clock")
def clock_total(seconds: float | None) -> str:
    """A bulletin's length beside the player's position ("4:37"): `durations.clock`."""
    return clock(seconds)


@bp.app_template_filter("shown_title")
def display_title(value: str | None) -> str:
    """The title as headings, <title> and labels show it; never empty."""
    return value.strip() if value and has_visible_text(value) else UNTITLED


def _local(at: datetime | None) -> str | None:
    """A stored UTC time as the station's clock reads it: "14:30 ngày 01/12/2026"."""
    if at is None:
        return None
    local = at.replace(tzinfo=UTC).astimezone(settings().tz)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def _reading_context(b: Bulletin) -> dict[str, Any]:
    view = bulletin_view(b, audience=audience())
    t = view.text
    doc = build_document(t.title, t.lead, t.paragraphs, t.author)
    sentences = doc.sentences()
    cues = {c["i"]: c for c in view.cues if "i" in c}
    blocks = []
    for block in doc.blocks:
        items = [
            {"i": s.index, "text": s.text, "start": cues.get(s.index, {}).get("start"),
             "end": cues.get(s.index, {}).get("end")}
            for s in sentences if s.block == block.index
        ]
        # A title with nothing visible keeps its sentence number for the audio, but is
        # not shown as a seekable sentence.
        kind = "hidden-title" if block.kind == "title" and not has_visible_text(t.title) \
            else block.kind
        blocks.append({"kind": kind, "index": block.index, "sentences": items})
    duration = view.duration or 0
    shown_title = display_title(t.title)
    playing = view.playing
    text_chars = sum(len(s.text) for s in sentences)
    return {
        "b": b,
        "view": view,
        "RISK_COLOURS": RISK_COLOURS,
        "issued_local": _local(b.issued_at),
        "expires_local": _local(b.expires_at),
        "state_label": STATE_LABELS[b.state] if view.audience == Audience.STAFF else None,
        "heading": shown_title,
        "blocks": blocks,
        "live": live_status(view),
        "ready": playing is not None,
        "audio": {f.kind: f.url for f in playing.audio} if playing else {},
        "captions": playing is not None and playing.has_captions,
        "downloads": downloads(view),
        "duration": duration,
        "duration_words": spoken_duration(duration),
        "embeds": snippets(settings().public_url, b.id, shown_title, _prefs(), text_chars,
                           SIZES),
    }


def _playlist_item(view: BulletinView) -> dict[str, Any]:
    """A bulletin as "Nghe tiếp" and today's playlist show it."""
    b = view.bulletin
    return {"id": b.id, "title": display_title(view.text.title),
            "url": f"/bulletins/{b.id}", "audio": view.playing.url("mp3") if view.playing else None,
            "duration": view.duration, "duration_words": spoken_duration(view.duration)}


def error_page(code: int, message: str, reload: bool = False) -> Any:
    """A Vietnamese page for errors a reader or a form post meets (not a bare string)."""
    try:
        return render_page("error.html", code, code=code, message=message, reload=reload)
    except Exception:  # the page itself failed (e.g. the database is down): plain text
        return message, code


@bp.get("/")
def index() -> Response:
    who = audience()
    rows, nxt = uc.list_bulletins(db(), 50, request.args.get("cursor", type=int),
                                  published_only=who == Audience.PUBLIC)
    items = [bulletin_view(b, audience=who) for b in rows]
    return render_page("index.html", items=items, next_cursor=nxt, STATE_LABELS=STATE_LABELS)


@bp.get("/bulletins/<int:bulletin_id>")
def reading(bulletin_id: int) -> Response:
    after = next_published(db(), bulletin_id)
    return render_page("reading.html", **_reading_context(visible_or_404(bulletin_id)),
                       next_item=_playlist_item(after) if after else None)


@bp.get("/embed/<int:bulletin_id>")
def embed(bulletin_id: int) -> Response:
    """`?mode=compact` (one row) or `full` (the text too); `size`, `theme`, `spacing` as
    the portal's snippet says; `frame` is the id the embed's height messages carry."""
    mode = request.args.get("mode", "full")
    mode = mode if mode in MODES else "full"
    frame = request.args.get("frame", "")
    ctx = _reading_context(visible_or_404(bulletin_id))
    resp = render_page("embed.html", remember=False, **ctx, mode=mode,
                       frame=frame if FRAME_ID.fullmatch(frame) else frame_id(bulletin_id, mode))
    resp.headers["Content-Security-Policy"] = "frame-ancestors *"
    return resp


@bp.get("/hom-nay")
def today() -> Any:
    """The day's published bulletins, newest first (`?ngay=2026-12-01` for another day
    than today): one player that goes through them one after another when the reader
    asks (static/playlist.js)."""
    cfg = settings()
    today = schedule.local_day(utcnow(), cfg.tz)  # once: heading and list share the day
    try:
        day = calendar_day(request.args.get("ngay"), "ngay", today)
    except ValidationError as err:
        return error_page(400, err.message)
    items = [_playlist_item(v) for v in published_on(db(), cfg.tz, day)]
    total = sum(i["duration"] or 0 for i in items)
    return render_page("today.html", items=items, day=f"{day:%d/%m/%Y}", is_today=day == today,
                       before=(day - timedelta(days=1)).isoformat(),
                       after=(day + timedelta(days=1)).isoformat() if day < today else None,
                       total_words=spoken_duration(total))


@bp.get("/bulletins/<int:bulletin_id>/status.json")
def status(bulletin_id: int) -> Response:
    """Everything the reading page needs while audio is made (polled by its script): the
    status line, the playable part or whole with its cues, and the downloads."""
    resp = jsonify(live_status(bulletin_view(visible_or_404(bulletin_id),
                                             audience=audience())))
    resp.headers["Cache-Control"] = "no-store"
    return resp
