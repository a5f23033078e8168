"""HTML pages: index, reading page, embed player, editor.

Reader preferences (text size, line spacing, contrast) work without JavaScript: the
toolbar is a GET form; the server stores the choice in a cookie and renders with it.
JavaScript makes the same buttons instant and keeps using the same cookie.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import Blueprint, Response, jsonify, make_response, render_template, request
from markupsafe import escape
from sqlalchemy import text

from service import bulletins as uc
from service.document import build_document
from service.models import Bulletin, Rendition
from service.web.context import bulletin_or_404, sessions, settings

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


def _render(template: str, **ctx: Any) -> Response:
    prefs = _prefs()
    resp = make_response(render_template(template, prefs=prefs, **ctx))
    for key in ("size", "spacing", "theme"):
        resp.set_cookie(f"bantin_{key}", str(prefs[key]), max_age=COOKIE_AGE, samesite="Lax")
    return resp


#: Download links, in the order a reader is most likely to want them.
FORMAT_LABELS = (
    ("mp3", "MP3 (phổ biến nhất)"),
    ("ogg", "Ogg Opus (nhỏ gọn)"),
    ("podcast", "MP3 cho podcast"),
    ("loudspeaker", "MP3 cho loa truyền thanh"),
    ("telephony", "Âm thanh cho điện thoại"),
)


def spoken_duration(seconds: float | None) -> str:
    """A duration as Vietnamese words ("4 phút 41 giây"), like the player's slider reads it."""
    total = round(seconds or 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} giờ"] if hours else []
    if minutes:
        parts.append(f"{minutes} phút")
    if secs or not parts:
        parts.append(f"{secs} giây")
    return " ".join(parts)


def _downloads(b: Bulletin, ready: Rendition | None) -> list[dict[str, Any]]:
    urls = uc.audio_urls(ready)
    files = (ready.files or {}) if ready else {}
    out = []
    for kind, label in FORMAT_LABELS:
        if kind in urls:
            info = files.get(kind) or {}
            size = info.get("bytes") or info.get("size")
            out.append({"kind": kind, "label": label, "url": urls[kind],
                        "size": f"{size / 1_000_000:.1f} MB".replace(".", ",")
                        if isinstance(size, int | float) and size else None})
    if files.get("vtt"):
        out.append({"kind": "vtt", "label": "Phụ đề WebVTT",
                    "url": f"/bulletins/{b.id}/captions.vtt",
                    "size": None})
    return out


def _status_text(state: dict[str, Any], first: str | None) -> str:
    """The sentence the status line shows (and the script announces) for a bulletin's state."""
    status = state["status"]
    progress = state.get("progress") or {}
    if status == "failed" and not state.get("rendition"):
        return f"Không tạo được âm thanh: {state.get('error') or 'lỗi không rõ'}."
    if state.get("rendition") and status in ("ready", "failed"):
        return f"Âm thanh đã sẵn sàng, dài {spoken_duration(state['duration'])}."
    if status == "synthesizing":
        done = f": đã đọc {progress['done']} trên {progress['total']} câu" \
            if progress.get("total") else ""
        part = " Có thể nghe phần đầu ngay." if first else ""
        return f"Đang tạo âm thanh{done}.{part}"
    if state.get("rendition"):
        return f"Âm thanh đã sẵn sàng, dài {spoken_duration(state['duration'])}."
    return "Bản tin đang chờ tạo âm thanh."


def _state(b: Bulletin) -> dict[str, Any]:
    state = uc.describe(b)
    ready = uc.latest_ready(b)
    first = state["first_audio"]
    progress = state.get("progress") or {}
    return {
        "status": state["status"],
        "ready": ready is not None,
        "first": first,
        "progress": progress,
        "percent": int(100 * progress["done"] / progress["total"])
        if progress.get("total") else 0,
        "text": _status_text(state, first),
        "error": state.get("error"),
    }


UNTITLED = "Bản tin không có tiêu đề"


def has_visible_text(value: str | None) -> bool:
    """True if `value` has a letter, digit, punctuation mark or symbol, i.e. something a
    sighted reader sees. Spaces, zero-width and other format characters do not count."""
    return any(unicodedata.category(ch)[0] in "LNPS" for ch in value or "")


@bp.app_template_filter("shown_title")
def display_title(value: str | None) -> str:
    """The title as headings, <title> and labels show it; never empty."""
    return value.strip() if value and has_visible_text(value) else UNTITLED


def embed_snippet(embed_url: str, title: str) -> str:
    """The iframe code a portal copies. Attribute values are escaped here, once, as HTML;
    the template escapes the whole string again as <textarea> text, so what the reader
    copies is exactly this string."""
    return (f'<iframe src="{escape(embed_url)}" title="{escape("Nghe bản tin: " + title)}" '
            'width="100%" height="420" loading="lazy"></iframe>')


def _reading_context(b: Bulletin) -> dict[str, Any]:
    doc = build_document(b.title, b.lead, b.paragraphs, b.author)
    sentences = doc.sentences()
    ready = uc.latest_ready(b)
    cues = {c["i"]: c for c in (ready.cues or [])} if ready else {}
    blocks = []
    for block in doc.blocks:
        items = [
            {"i": s.index, "text": s.text, "start": cues.get(s.index, {}).get("start"),
             "end": cues.get(s.index, {}).get("end")}
            for s in sentences if s.block == block.index
        ]
        blocks.append({"kind": block.kind, "index": block.index, "sentences": items})
    state = uc.describe(b)
    duration = state["duration"] or 0
    shown_title = display_title(b.title)
    # The title block is shown as a seekable sentence only when it has something visible.
    # (An invisible title keeps its sentence number for the audio, but is not shown.)
    if not has_visible_text(b.title):
        for bl in blocks:
            if bl["kind"] == "title":
                bl["kind"] = "hidden-title"
    embed_url = f"{settings().public_url}/embed/{b.id}"
    return {
        "b": b,
        "heading": shown_title,
        "blocks": blocks,
        "state": state,
        "live": _state(b),
        "ready": ready,
        "audio": uc.audio_urls(ready),
        "downloads": _downloads(b, ready),
        "duration": duration,
        "duration_words": spoken_duration(duration),
        "embed_url": embed_url,
        "embed_code": embed_snippet(embed_url, shown_title),
    }


@bp.get("/")
def index() -> Response:
    with sessions()() as s:
        rows, nxt = uc.list_bulletins(s, 50, request.args.get("cursor", type=int))
        items = [uc.describe(b) for b in rows]
    return _render("index.html", items=items, next_cursor=nxt)


@bp.get("/bulletins/<int:bulletin_id>")
def reading(bulletin_id: int) -> Response:
    with sessions()() as s:
        b = bulletin_or_404(s, bulletin_id)
        ctx = _reading_context(b)
        return _render("reading.html", **ctx)


@bp.get("/embed/<int:bulletin_id>")
def embed(bulletin_id: int) -> Response:
    with sessions()() as s:
        b = bulletin_or_404(s, bulletin_id)
        ctx = _reading_context(b)
        resp = _render("embed.html", **ctx)
    resp.headers["Content-Security-Policy"] = "frame-ancestors *"
    return resp


@bp.get("/bulletins/<int:bulletin_id>/status.json")
def status(bulletin_id: int) -> Response:
    """What the reading page's status line needs while audio is being made (polled by JS)."""
    with sessions()() as s:
        b = bulletin_or_404(s, bulletin_id)
        resp = jsonify(_state(b))
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/editor")
def editor() -> Response:
    return _render("editor.html", limit=settings().max_text_chars)


@bp.get("/healthz")
def healthz() -> Response:
    with sessions()() as s:
        s.execute(text("SELECT 1"))
    return make_response({"ok": True})
