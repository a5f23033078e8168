"""HTML pages: index, reading page, embed player, editor.

Reader preferences (text size, line spacing, contrast) work without JavaScript: the
toolbar is a GET form; the server stores the choice in a cookie and renders with it.
JavaScript makes the same buttons instant and keeps using the same cookie.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, make_response, render_template, request
from sqlalchemy import text

from service import bulletins as uc
from service.document import build_document
from service.models import Bulletin
from service.web.context import sessions, settings

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
    return {
        "size": size,
        "spacing": pick("spacing", SPACINGS, "normal"),
        "theme": pick("theme", THEMES, "default"),
        "sizes": SIZES,
    }


def _render(template: str, **ctx: Any) -> Response:
    prefs = _prefs()
    resp = make_response(render_template(template, prefs=prefs, **ctx))
    for key in ("size", "spacing", "theme"):
        resp.set_cookie(f"bantin_{key}", str(prefs[key]), max_age=COOKIE_AGE, samesite="Lax")
    return resp


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
    return {
        "b": b,
        "blocks": blocks,
        "state": uc.describe(b),
        "ready": ready,
        "audio": uc.audio_urls(ready),
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
        b = s.get(Bulletin, bulletin_id)
        if b is None:
            abort(404)
        ctx = _reading_context(b)
        return _render("reading.html", **ctx)


@bp.get("/embed/<int:bulletin_id>")
def embed(bulletin_id: int) -> Response:
    with sessions()() as s:
        b = s.get(Bulletin, bulletin_id)
        if b is None:
            abort(404)
        ctx = _reading_context(b)
        resp = _render("embed.html", **ctx)
    resp.headers["Content-Security-Policy"] = "frame-ancestors *"
    return resp


@bp.get("/editor")
def editor() -> Response:
    return _render("editor.html", limit=settings().max_text_chars)


@bp.get("/healthz")
def healthz() -> Response:
    with sessions()() as s:
        s.execute(text("SELECT 1"))
    return make_response({"ok": True})
