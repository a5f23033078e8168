"""Liveness, readiness, Prometheus metrics and JSON log lines, on the real app (SQLite,
or PostgreSQL when DATABASE_URL is set), the embedded Redis and a real worker function
with espeak-ng."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from service import logs, metrics_store
from service.db import make_engine, make_session_factory, session_scope
from service.settings import Settings

JSON = {"Content-Type": "application/json"}


def scrape(client: FlaskClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    resp = client.get("/metrics")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/plain; version=")
    out = {}
    for family in text_string_to_metric_families(resp.get_data(as_text=True)):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(metrics: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
          **labels: str) -> float | None:
    return metrics.get((name, tuple(sorted(labels.items()))))


def submit(client: FlaskClient, auth: dict[str, str], title: str = "Tin mới") -> int:
    resp = client.post("/api/v1/bulletins", headers={**auth, **JSON},
                       data=json.dumps({"title": title, "body": "Câu một. Câu hai nữa."}))
    assert resp.status_code == 202, resp.get_json()
    return int(resp.get_json()["id"])


def test_healthz_and_readyz_when_everything_answers(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"ok": True}
    resp = client.get("/readyz")
    body = resp.get_json()
    assert resp.status_code == 200, body
    assert body["ready"] is True and body["failed"] == []
    assert set(body["checks"]) == {"database", "broker", "storage"}
    assert all(c["ok"] for c in body["checks"].values())


def test_readyz_names_each_dependency_that_does_not_answer(settings: Settings,
                                                           tmp_path: Path) -> None:
    """A dead broker, an unreachable database, an audio volume that cannot be written:
    /readyz is 503 naming exactly those; /healthz still says the process is up."""
    from service.web.app import create_app

    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the audio volume should be")
    broken = replace(settings, database_url="postgresql://nobody@127.0.0.1:9/none",
                     redis_url="redis://127.0.0.1:9/0", audio_dir=blocked)
    app = create_app(broken)
    try:
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        resp = client.get("/readyz")
        body = resp.get_json()
        assert resp.status_code == 503, body
        assert body["failed"] == ["database", "broker", "storage"]
        assert "cơ sở dữ liệu" in body["message"] and "ổ lưu âm thanh" in body["message"]
        assert all(c["error"] for c in body["checks"].values())
        # the scrape still answers, saying which source it could not read
        metrics = scrape(client)
        assert value(metrics, "bantin_scrape_error", source="database") == 1
        assert value(metrics, "bantin_scrape_error", source="broker") == 1
    finally:
        app.extensions["bantin"]["engine"].dispose()


def test_readyz_fails_only_the_storage_check_for_an_unwritable_volume(
        settings: Settings, tmp_path: Path) -> None:
    from service.web.app import create_app
    from workers.admin import migrate

    migrate(settings)
    blocked = tmp_path / "file"
    blocked.write_text("x")
    app = create_app(replace(settings, audio_dir=blocked))
    try:
        body = app.test_client().get("/readyz").get_json()
        assert body["failed"] == ["storage"], body
    finally:
        app.extensions["bantin"]["engine"].dispose()


def test_metrics_count_requests_bulletins_and_queues(client: FlaskClient,
                                                     auth: dict[str, str],
                                                     settings: Settings) -> None:
    before = scrape(client)
    assert value(before, "bantin_bulletins", state="draft") == 0
    for n in range(3):
        submit(client, auth, f"Tin số {n}")
    assert client.get("/api/v1/bulletins/999999", headers=auth).status_code == 404
    metrics = scrape(client)
    route = "/api/v1/bulletins"
    assert value(metrics, "bantin_http_requests_total", route=route, method="POST",
                 status="202") == 3
    # the rule, not the path: one series for every id
    assert value(metrics, "bantin_http_requests_total", route="/api/v1/bulletins/<int:bulletin_id>",
                 method="GET", status="404") == 1
    assert value(metrics, "bantin_http_request_duration_seconds_count", route=route) == 3
    assert value(metrics, "bantin_bulletins", state="draft") == 3
    assert value(metrics, "bantin_renditions", status="queued") == 3
    # three synthesis tasks wait in the default queue (no worker runs here)
    assert value(metrics, "bantin_queue_depth", queue=settings.queue) == 3
    assert value(metrics, "bantin_queue_depth", queue=f"{settings.queue}-extras") == 0
    assert value(metrics, "bantin_scrape_error", source="broker") == 0


def test_a_real_render_shows_in_the_worker_metrics(app: Flask, client: FlaskClient,
                                                   auth: dict[str, str],
                                                   settings: Settings) -> None:
    """The worker's stage seconds, render count and sentence-cache lookups reach the
    web app's /metrics through the database (any host's worker would)."""
    from workers import pipeline
    from workers.context import WorkerContext

    first = submit(client, auth, "Giá lúa tăng")
    again = submit(client, auth, "Giá cà phê tăng")  # the same body sentences: cache hits
    worker = WorkerContext(settings)
    try:
        with session_scope(worker.sessions) as s:
            from service.models import Bulletin

            rids = [s.get(Bulletin, b).renditions[-1].id for b in (first, again)]  # type: ignore[union-attr]
        for rid in rids:
            assert pipeline.run(worker, rid) in ("ready",)
        assert pipeline.produce_extra(worker, rids[0], "podcast") == "ready"
    finally:
        worker.close()
    metrics = scrape(client)
    synth = value(metrics, "bantin_stage_seconds_total", stage="synthesize", profile="web",
                  engine="espeak", task="web")
    assert synth is not None and synth > 0
    assert (value(metrics, "bantin_stage_seconds_total", stage="master", profile="podcast",
                  engine="espeak", task="podcast") or 0) > 0
    assert value(metrics, "bantin_renders_total", engine="espeak", kind="mp3") == 2
    assert value(metrics, "bantin_renders_total", engine="espeak", kind="podcast") == 1
    hits = value(metrics, "bantin_sentence_cache_total", result="hit")
    misses = value(metrics, "bantin_sentence_cache_total", result="miss")
    # first: its title and two sentences missed; again: its title missed, the body hit
    assert (hits, misses) == (2, 4)
    assert value(metrics, "bantin_sentence_cache_hit_ratio") == pytest.approx(
        hits / (hits + misses))


def test_counters_add_and_peaks_keep_the_largest(settings: Settings) -> None:
    from workers.admin import migrate

    migrate(settings)
    engine = make_engine(settings)
    sessions = make_session_factory(engine)
    Sample = metrics_store.Sample
    try:
        for n, peak in ((1.5, 100.0), (2.0, 80.0), (0.5, 120.0)):
            with session_scope(sessions) as s:
                metrics_store.record(s, [
                    Sample("bantin_x_total", {"b": "2", "a": "1"}, n),
                    Sample("bantin_peak", {"host": "h"}, peak, metrics_store.PEAK),
                    Sample("bantin_level", {}, peak, metrics_store.GAUGE)])
        with sessions() as s:
            got = {x.name: x.value for x in metrics_store.read(s)}
        assert got == {"bantin_x_total": 4.0, "bantin_peak": 120.0, "bantin_level": 120.0}
    finally:
        engine.dispose()


@pytest.fixture
def log_to() -> Iterator[Callable[[str], io.StringIO]]:
    """`log_to(fmt)` sends the root logger's lines to a buffer in `fmt`; restored after."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)

    def configure(fmt: str) -> io.StringIO:
        out = io.StringIO()
        logs.configure(fmt, stream=out)
        return out

    yield configure
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_json_log_lines_carry_the_bound_ids(log_to: Callable[[str], io.StringIO]) -> None:
    out = log_to("json")
    with logs.bound(task_id="t-1", rendition_id=7):
        with logs.bound(bulletin_id=3):
            logs.state_change("rendition", 7, "ready", engine="espeak")
        logging.getLogger("x").warning("sau khi xong")
    logging.getLogger("x").info("ngoài")
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["message"] for line in lines] == ["rendition 7 → ready", "sau khi xong",
                                                   "ngoài"]
    first, second, third = lines
    assert {k: first[k] for k in ("event", "entity", "id", "state", "engine", "task_id",
                                  "rendition_id", "bulletin_id", "level", "logger")} == {
        "event": "state", "entity": "rendition", "id": 7, "state": "ready",
        "engine": "espeak", "task_id": "t-1", "rendition_id": 7, "bulletin_id": 3,
        "level": "INFO", "logger": "bantin.state"}
    assert "time" in first and "ids" not in first
    assert second["rendition_id"] == 7 and "bulletin_id" not in second
    assert "rendition_id" not in third and "task_id" not in third


def test_text_log_lines_end_with_the_bound_ids(log_to: Callable[[str], io.StringIO]) -> None:
    out = log_to("text")
    with logs.bound(rendition_id=9):
        logging.getLogger("y").info("xong")
    assert out.getvalue().rstrip().endswith("y: xong rendition_id=9")
    with pytest.raises(ValueError):
        logs.configure("xml")
