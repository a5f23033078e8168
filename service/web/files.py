"""Audio and timing files: Range requests (206/416), HEAD, year-long caching.

Audio names are content hashes, so a file never changes and may be cached forever; a
re-render produces new names. Timings are also served at stable per-bulletin URLs.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, send_file
from werkzeug.wrappers import Response

from service.rendition_view import bulletin_view
from service.station import downloads
from service.web.auth import audience, visible_or_404
from service.web.request_context import db, settings, storage

bp = Blueprint("files", __name__)

MIME = {
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "opus": "audio/ogg",
    "wav": "audio/wav",
    "vtt": "text/vtt; charset=utf-8",
    "json": "application/json",
}
YEAR = 365 * 24 * 3600


@bp.get("/audio/<name>")
def audio(name: str) -> Response:
    path = storage().path(name)
    if path is None:
        abort(404)
    ext = name.rsplit(".", 1)[-1]
    resp = send_file(path, mimetype=MIME.get(ext, "application/octet-stream"), conditional=True,
                     etag=name.split(".")[0], max_age=YEAR)
    resp.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    resp.headers["Accept-Ranges"] = "bytes"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    if _wants_download():
        known = downloads.describe(db(), name, settings().tz)
        day, title = known if known else (None, f"bantin-{name.split('.')[0][:12]}")
        resp.headers["Content-Disposition"] = downloads.content_disposition(day, title, ext)
        # the same URL without ?download is the inline file: caches keep them apart
        resp.headers["Cache-Control"] = "private, max-age=3600"
    return resp


def _wants_download() -> bool:
    return request.args.get("download") in ("1", "true")


def _current_file(bulletin_id: int, kind: str) -> str:
    """The path of the playing rendition's file of `kind` (404 if none); a download
    keeps asking for one."""
    ready = bulletin_view(visible_or_404(bulletin_id), audience=audience()).playing
    record = ready.stored.get(kind) if ready else None
    if record is None:
        abort(404)
    return record.name + ("?download=1" if _wants_download() else "")


@bp.get("/bulletins/<int:bulletin_id>/timings.json")
def timings(bulletin_id: int) -> Response:
    return redirect(f"/audio/{_current_file(bulletin_id, 'timings')}", code=302)


@bp.get("/bulletins/<int:bulletin_id>/captions.vtt")
def captions(bulletin_id: int) -> Response:
    return redirect(f"/audio/{_current_file(bulletin_id, 'vtt')}", code=302)


@bp.get("/bulletins/<int:bulletin_id>/audio.<fmt>")
def latest_audio(bulletin_id: int, fmt: str) -> Response:
    """A stable link to the newest audio of a bulletin (for sharing)."""
    return redirect(f"/audio/{_current_file(bulletin_id, fmt)}", code=302)
