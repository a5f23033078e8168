"""Flask app factory. `gunicorn 'service.web.app:create_app()'` runs it in production."""

from __future__ import annotations

import logging
import os
import secrets
import time
from datetime import timedelta
from typing import Any

from flask import Flask, jsonify, make_response, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from audio.vocabulary import VOICES
from service import logs, outbox
from service.db import make_engine, make_session_factory
from service.queue import Sender
from service.roles import ROLE_LABELS
from service.settings import Settings
from service.storage import LocalStorage
from service.validation import ValidationError
from service.web import auth, body_limit, request_context, security

MAX_ID = 2**31 - 1


class BoundedInt(IntegerConverter):
    """`<int:...>` limited to ids the database can hold, written in ASCII digits only
    (`\\d` would also take "１" or "١", which `int()` reads as 1: another spelling of a
    real row's id)."""

    regex = r"[0-9]+"

    def __init__(self, map: Map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def create_app(settings: Settings | None = None, *, sender: Sender | None = None) -> Flask:
    settings = settings or Settings.from_env()
    logs.configure(settings.log_format)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.config.update(
        SECRET_KEY=settings.secret_key or _local_secret(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
        SESSION_COOKIE_NAME="bantin_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.jinja_env.globals["VOICES"] = VOICES
    engine = make_engine(settings)
    sessions = make_session_factory(engine)
    sender = sender if sender is not None else Sender(settings)
    outbox.install(sessions, sender)
    app.extensions["bantin"] = {
        "settings": settings,
        "sender": sender,
        "engine": engine,
        "sessions": sessions,
        "storage": LocalStorage(settings.audio_dir),
    }
    body_limit.install(app)  # chunked bodies: whole and within the limit, or 400/413
    if settings.proxy_hops:  # behind nginx: the client's address, not the proxy's
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops,  # type: ignore
                                x_proto=settings.proxy_hops, x_host=settings.proxy_hops)
    request_context.install(app)
    auth.install(app)

    from service.web import (
        accounts,
        api,
        feeds,
        files,
        health,
        lexicon_api,
        newsroom,
        openapi,
        operator,
        pages,
        station,
    )

    # Ids are 32-bit in every database we run on: a larger number is a 404, not a 500.
    app.url_map.converters["int"] = BoundedInt

    health.install(app)
    for blueprint in (api.bp, lexicon_api.bp, pages.bp, files.bp, feeds.bp, accounts.bp,
                      newsroom.bp, station.bp, operator.bp, openapi.bp, health.bp):
        app.register_blueprint(blueprint)
    security.install(app, settings)

    @app.context_processor
    def _actor() -> dict[str, Any]:
        return {"actor": auth.current_actor(), "ROLE_LABELS": ROLE_LABELS,
                "STATION_NAME": settings.station_name}

    _register_errors(app)
    logging.getLogger(__name__).info("bantin web app ready (db=%s)", engine.url.drivername)
    return app


def _local_secret(settings: Settings) -> str:
    """The embedded setup's session key: random, made once, kept in var/ (mode 600), so
    every web process of one host and every restart agree. Production sets SECRET_KEY."""
    path = settings.var_dir / "secret-key"
    if not path.exists():
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another web process made it first
            time.sleep(0.1)
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


_MESSAGES = {
    400: ("Yêu cầu không hợp lệ.", "Bad request."),
    401: ("Cần mã truy cập hợp lệ (Authorization: Bearer …).", "A valid bearer token is required."),
    403: ("Không có quyền.", "Forbidden."),
    404: ("Không tìm thấy.", "Not found."),
    405: ("Phương thức không được hỗ trợ.", "Method not allowed."),
    413: ("Nội dung quá lớn.", "Request body too large."),
    415: ("Kiểu nội dung không được hỗ trợ.", "Unsupported content type."),
    416: ("Khoảng byte không hợp lệ.", "Range not satisfiable."),
    429: ("Quá nhiều yêu cầu; hãy đợi một lát rồi thử lại.", "Too many requests; retry later."),
    500: ("Lỗi máy chủ.", "Internal error."),
}


def _register_errors(app: Flask) -> None:
    from service.web.pages import error_page  # like the blueprints, imported when the app is made

    @app.errorhandler(ValidationError)
    def _validation(err: ValidationError) -> Any:
        return jsonify(err.as_json()), err.status

    @app.errorhandler(auth.RoleMissing)
    def _role(err: auth.RoleMissing) -> Any:
        if not _wants_json():
            return error_page(403, err.vi)
        return jsonify({"error": {"field": None, "message": err.vi, "message_en": err.en}}), 403

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError) -> Any:
        vi = "Phiên làm việc đã hết hạn hoặc thiếu mã chống giả mạo (CSRF); hãy tải lại trang."
        if not _wants_json():
            return error_page(400, vi, reload=True)
        return jsonify({"error": {"field": "csrf_token", "message": vi,
                                  "message_en": f"CSRF check failed: {err.description}"}}), 400

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> Any:
        if not _wants_json():
            if err.code in (301, 302, 303, 307, 308) or err.code is None:
                return err
            vi, _en = _MESSAGES.get(err.code, (err.name, err.name))
            resp = error_page(err.code, vi)
            if err.code == 405 and getattr(err, "valid_methods", None):
                resp.headers["Allow"] = ", ".join(err.valid_methods)  # type: ignore[attr-defined]
            return resp
        code = err.code or 500
        vi, en = _MESSAGES.get(code, (err.name, err.name))
        field = "body" if code == 413 else None
        if code == 413:
            limit = app.config["MAX_CONTENT_LENGTH"]
            vi, en = f"{vi} Tối đa {limit} byte.", f"{en} At most {limit} bytes."
        resp = jsonify({"error": {"field": field, "message": vi, "message_en": en}})
        resp.status_code = code
        if code == 401:
            resp.headers["WWW-Authenticate"] = 'Bearer realm="bantin"'
        return resp

    @app.errorhandler(OperationalError)
    def _database_down(err: OperationalError) -> Any:
        """The database is unreachable (restarting, failing over): a 503 to retry, not
        a 500; nothing was written."""
        app.logger.error("database unavailable on %s: %s", request.path, err.orig)
        vi = "Cơ sở dữ liệu tạm thời không truy cập được; hãy thử lại sau ít giây."
        if _wants_json():
            resp = jsonify({"error": {"field": None, "message": vi,
                                      "message_en": "The database is unavailable; retry."}})
            resp.status_code = 503
        else:
            resp = make_response(vi, 503)
        resp.headers["Retry-After"] = "5"
        return resp

    @app.errorhandler(Exception)
    def _bug(err: Exception) -> Any:
        app.logger.exception("unhandled error on %s", request.path)
        if _wants_json():
            return jsonify({"error": {"field": None, "message": "Lỗi máy chủ.",
                                      "message_en": "Internal error."}}), 500
        return error_page(500, "Lỗi máy chủ.")
