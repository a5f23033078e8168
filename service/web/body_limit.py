"""Chunked request bodies: whole and within MAX_BODY_BYTES, or refused before any view.

A body sent with `Transfer-Encoding: chunked` has no Content-Length, so werkzeug can
only read it up to `MAX_CONTENT_LENGTH` and stops there without an error (the view gets
a silently cut body), and a server that decodes the chunks while the app reads (gunicorn,
werkzeug's development server) raises its own exception on bad framing (a 500). Waitress
and nginx decode and buffer the body before the app; without them this middleware does:
it reads the chunked body up to the limit + 1 byte, then hands the app a buffered
`wsgi.input` with `CONTENT_LENGTH` set. Over the limit is a 413, broken framing a 400,
both raised as the app's usual errors by a hook that runs before every other one (so the
view never runs and the answer is the same Vietnamese JSON or page as any other 413).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge

from service.validation import ValidationError

log = logging.getLogger(__name__)

#: where the middleware leaves its verdict for the hook: "too_large" or "malformed"
REFUSED = "bantin.body_refused"
_STEP = 64 * 1024


def is_chunked(environ: dict[str, Any]) -> bool:
    codings = environ.get("HTTP_TRANSFER_ENCODING", "")
    return "chunked" in codings.lower()


def read_limited(stream: Any, limit: int) -> tuple[bytes | None, str | None]:
    """At most `limit` bytes of a stream the server decodes: (body, None), or
    (None, "too_large") past the limit, or (None, "malformed") when reading fails."""
    parts: list[bytes] = []
    size = 0
    try:
        while size <= limit:
            piece = stream.read(min(_STEP, limit + 1 - size))
            if not piece:
                break
            parts.append(piece)
            size += len(piece)
    # The server's own decoding error (gunicorn's InvalidChunkSize, NoMoreData...,
    # werkzeug's OSError): which classes depends on the server, all mean bad framing
    # or a client gone mid-body. The app has not run yet; nothing else can fail here.
    except Exception as exc:
        log.info("chunked request body unreadable: %s: %s", type(exc).__name__, exc)
        return None, "malformed"
    if size > limit:
        return None, "too_large"
    return b"".join(parts), None


class ChunkedBodyLimit:
    """WSGI middleware: buffers chunked bodies (see the module docstring)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if is_chunked(environ):
            body, refused = read_limited(environ["wsgi.input"], self.limit)
            # From here on the request looks like one with a Content-Length (werkzeug
            # ignores CONTENT_LENGTH while Transfer-Encoding says chunked).
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ["wsgi.input"] = io.BytesIO(body or b"")
            environ["CONTENT_LENGTH"] = str(len(body or b""))
            if refused:
                environ[REFUSED] = refused
        return self.app(environ, start_response)


def _refuse() -> None:
    refused = request.environ.get(REFUSED)
    if refused == "too_large":
        raise RequestEntityTooLarge()
    if refused == "malformed":
        raise ValidationError(
            "body", "Nội dung gửi theo khối (chunked) bị hỏng hoặc không trọn vẹn.",
            "Malformed or truncated chunked request body.", status=400)


def install(app: Flask) -> None:
    """Wrap the app's WSGI callable; the limit is `MAX_CONTENT_LENGTH`, set before."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, limit)  # type: ignore[method-assign]
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse)
