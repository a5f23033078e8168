"""Liveness, readiness and metrics: what a load balancer, an orchestrator and Prometheus
ask of each web process.

- `/healthz`: the process answers (no dependency is touched: a database outage must not
  get every web process restarted).
- `/readyz`: the database, the broker and the audio volume answer now; 503 names the
  ones that do not, so an operator sees which without reading logs.
- `/metrics`: Prometheus text format. HTTP requests by route and status (and their
  seconds) from this process, or from every gunicorn worker of the host when
  `PROMETHEUS_MULTIPROC_DIR` is set (prometheus-client's multiprocess mode), plus the
  service's series read at scrape time (`service.metrics`).
"""

from __future__ import annotations

import os
import time
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, make_response, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import text

from service.metrics import ServiceCollector
from service.web.request_context import sender, sessions, storage

bp = Blueprint("health", __name__)

#: the process's own HTTP series (one registry per app, so test apps do not collide)
_HTTP = "bantin_http"


def install(app: Flask) -> None:
    """Count every request by its route (the rule, not the path: ids do not make new
    series) and status, and time it."""
    registry = None if os.environ.get("PROMETHEUS_MULTIPROC_DIR") else CollectorRegistry()
    requests = Counter(f"{_HTTP}_requests", "HTTP requests by route, method and status",
                       ["route", "method", "status"], registry=registry)
    seconds = Histogram(f"{_HTTP}_request_duration_seconds", "Seconds per HTTP request",
                        ["route"], registry=registry,
                        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
    app.extensions["bantin"]["http_registry"] = registry

    @app.before_request
    def _start() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(resp: Response) -> Response:
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        requests.labels(route, request.method, str(resp.status_code)).inc()
        started = g.get("metrics_started")
        if started is not None:
            seconds.labels(route).observe(time.perf_counter() - started)
        return resp


@bp.get("/healthz")
def healthz() -> Response:
    return make_response({"ok": True})


def _checks() -> dict[str, dict[str, Any]]:
    checks: dict[str, dict[str, Any]] = {}

    def run(name: str, probe: Any) -> None:
        started = time.perf_counter()
        try:
            probe()
            checks[name] = {"ok": True}
        except Exception as exc:
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        checks[name]["seconds"] = round(time.perf_counter() - started, 4)

    def database() -> None:
        with sessions()() as s:
            s.execute(text("SELECT 1"))

    def broker() -> None:
        with sender().app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)

    run("database", database)
    run("broker", broker)
    run("storage", storage().check)
    return checks


_NAMES = {"database": "cơ sở dữ liệu", "broker": "hàng đợi (Redis)", "storage": "ổ lưu âm thanh"}


@bp.get("/readyz")
def readyz() -> Response:
    checks = _checks()
    failed = [name for name, c in checks.items() if not c["ok"]]
    body: dict[str, Any] = {"ready": not failed, "checks": checks, "failed": failed}
    if failed:
        body["message"] = "Chưa sẵn sàng: không truy cập được " + ", ".join(
            _NAMES[n] for n in failed) + "."
    resp = jsonify(body)
    resp.status_code = 503 if failed else 200
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/metrics")
def metrics() -> Response:
    own: CollectorRegistry | None = current_app.extensions["bantin"]["http_registry"]
    registry = CollectorRegistry()
    if own is None:  # gunicorn workers write their series to PROMETHEUS_MULTIPROC_DIR
        multiprocess.MultiProcessCollector(registry)
    registry.register(ServiceCollector(sessions(), sender()))
    data = generate_latest(registry) + (generate_latest(own) if own is not None else b"")
    resp = make_response(data)
    resp.headers["Content-Type"] = CONTENT_TYPE_LATEST
    resp.headers["Cache-Control"] = "no-store"
    return resp
