"""Security headers on every response and rate limits (flask-limiter on Redis).

The pages load only our own scripts and styles (no inline script, no inline style), so
the Content-Security-Policy can forbid everything else. Only `/embed/*` may be framed.
Limits count per client address in the same Redis the workers use, so every web
process and host shares one count; over a limit is a 429 with `Retry-After`.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from service.settings import Settings

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "media-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}")

#: endpoint → (which rate-limit setting applies, to which methods; None = all)
LIMITED: dict[str, tuple[str, list[str] | None]] = {
    "api.create": ("writes", None), "api.show": ("writes", ["PATCH"]),
    "api.publish": ("writes", None), "api.withdraw": ("writes", None),
    "api.request_rendition": ("writes", None), "lexicon.upsert": ("writes", None),
    "lexicon.delete": ("writes", None), "editor.submit": ("writes", None),
    "editor.review_action": ("writes", None), "api.preview": ("preview", None),
    "api.listen": ("preview", None),
    "station.create_programme": ("writes", None), "station.show_programme": ("writes", ["PATCH"]),
    "station.assemble": ("writes", None), "station.alerts": ("writes", None),
    "station.cancel": ("writes", None), "operator.stop": ("writes", None),
    "operator.assemble": ("writes", None), "operator.create_programme": ("writes", None),
    "accounts.login": ("login", ["POST"]),
}


def _headers(resp: Response) -> Response:
    embed = request.path.startswith("/embed/")
    resp.headers["Content-Security-Policy"] = CSP.format(ancestors="*" if embed else "'none'")
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if not embed:
        resp.headers["X-Frame-Options"] = "DENY"
    return resp


def install(app: Flask, settings: Settings) -> None:
    app.config.update(
        RATELIMIT_STORAGE_URI=settings.limiter_storage,
        RATELIMIT_KEY_PREFIX=f"bantin-limits-{settings.queue}",
        RATELIMIT_HEADERS_ENABLED=True,
        # Bad credentials count against everything the client does: guessing tokens
        # stops after a few tries a minute.
        RATELIMIT_APPLICATION=settings.rate_limit_bad_auth,
        RATELIMIT_APPLICATION_DEDUCT_WHEN=lambda resp: resp.status_code == 401,
        RATELIMIT_SWALLOW_ERRORS=True,  # Redis down: serve, do not fail every request
    )
    # One limiter per app (its storage is the app's Redis); limits are attached to the
    # registered views by endpoint, so route modules stay free of limiter objects.
    limiter = Limiter(key_func=get_remote_address, app=app)
    for endpoint, (kind, methods) in LIMITED.items():
        view = app.view_functions.get(endpoint)
        if view is not None:
            rate = getattr(settings, f"rate_limit_{kind}")
            app.view_functions[endpoint] = limiter.limit(  # type: ignore[assignment]
                rate, methods=methods)(view)
    app.extensions["bantin"]["limiter"] = limiter
    app.after_request(_headers)
