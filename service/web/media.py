"""Audio and timing files: Range requests (206/416), HEAD, year-long caching.

Audio names are content hashes, so a file never changes and may be cached forever; a
re-render produces new names. Timings are also served at stable per-bulletin URLs.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, send_file
from werkzeug.wrappers import Response

from service import bulletins as uc
from service.web.context import bulletin_or_404, sessions, storage

bp = Blueprint("media", __name__)

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
    return resp


def _current_file(bulletin_id: int, kind: str) -> str:
    with sessions()() as s:
        b = bulletin_or_404(s, bulletin_id)
        r = uc.latest_ready(b)
        info = (r.files or {}).get(kind) if r else None
        if not info:
            abort(404)
        return str(info["name"])


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
