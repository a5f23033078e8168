"""`make prod-check`: the production processes of docker-compose.yml, started natively
against this machine's PostgreSQL and Redis, and the whole flow through them.

Processes, as docker-compose runs them: nginx with `deploy/nginx.conf` (its upstream and
port pointed at this run's), gunicorn with `service.web.gunicorn_conf` (2 processes,
multiprocess metrics), one `bantin worker` (prefork, concurrency = cores, the emergency,
default and extras queues), exactly one `bantin beat`, audio on one directory shared by
all, `LOG_FORMAT=json`. The database is a fresh schema of DATABASE_URL, the queues have
this run's own names, so the machine's other users are not disturbed.

Flow, through nginx only: readiness; an editor submits, the worker makes the web audio
and every extra profile, an approver publishes; the reading page, a Range GET of the MP3,
the podcast feed with its enclosure, the playlist; the beat's reconciler tick seen in
the worker's JSON log; /metrics showing the requests, the render, the queues and the
worker's memory.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from audio.media import decode
from service.settings import Settings
from tests.conftest import need_env, pg_schema_url
from tests.e2e.stack import free_port, healthy, stop_process
from workers.admin import new_token

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PROFILES = ("web", "podcast", "loudspeaker", "telephony")


@dataclass
class Prod:
    url: str
    editor: dict[str, str]
    approver: dict[str, str]
    logs: Path
    settings: Settings

    def log_text(self) -> str:
        return "".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}\n"
                       for p in sorted(self.logs.glob("*.log")))


def _nginx_conf(upstream_port: int, port: int, folder: Path) -> Path:
    """deploy/nginx.conf with this run's upstream, port and writable paths; nothing
    else changed (the buffering, timeouts and limits under test are the real ones)."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    conf, n = re.subn(r"server web:8000;", f"server 127.0.0.1:{upstream_port};", conf)
    assert n == 1, "deploy/nginx.conf: the upstream line changed; update this test"
    conf, n = re.subn(r"listen 8000;", f"listen 127.0.0.1:{port};", conf)
    assert n == 1
    conf = conf.replace("pid /tmp/nginx.pid;", f"pid {folder}/nginx.pid;")
    temp = "".join(f"    {kind}_temp_path {folder}/{kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = conf.replace("http {\n", "http {\n" + temp, 1)
    path = folder / "nginx.conf"
    path.write_text(conf)
    return path


def _wait_healthy(url: str, what: str, prod_logs: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not answer at {url}\n" + "".join(
                p.read_text(errors="replace")[-2000:] for p in prod_logs.glob("*.log")))
        time.sleep(0.2)


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prod]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx (Debian package nginx-light) is needed: .ci/run installs it")
    base_db, redis_url = need_env("DATABASE_URL"), need_env("REDIS_URL")
    import sqlalchemy as sa

    schema = f"prod_{uuid.uuid4().hex[:10]}"
    admin_engine = sa.create_engine(base_db.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin_engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    tmp = tmp_path_factory.mktemp("prod")
    logs = tmp / "logs"
    logs.mkdir()
    web_port, port = free_port(), free_port()
    env = {**os.environ,
           "DATABASE_URL": pg_schema_url(base_db, schema), "REDIS_URL": redis_url,
           "BANTIN_VAR_DIR": str(tmp / "var"), "AUDIO_DIR": str(tmp / "shared-audio"),
           "BANTIN_QUEUE": f"prod-{uuid.uuid4().hex[:8]}", "TTS_ENGINES": "espeak",
           "AUDIO_PROFILES": ",".join(PROFILES), "PUBLIC_URL": f"http://127.0.0.1:{port}",
           "PROXY_HOPS": "1", "SECRET_KEY": uuid.uuid4().hex * 2, "LOG_FORMAT": "json",
           "WEB_BIND": f"127.0.0.1:{web_port}", "WEB_WORKERS": "2",
           "FORWARDED_ALLOW_IPS": "127.0.0.1", "RECONCILE_SECONDS": "2",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics")}
    settings = Settings.from_env(env)
    procs: list[subprocess.Popen[bytes]] = []

    def spawn(name: str, *cmd: str) -> None:
        with (logs / f"{name}.log").open("wb") as out:
            procs.append(subprocess.Popen(list(cmd), env=env, stdout=out,
                                          stderr=subprocess.STDOUT, cwd=tmp,
                                          start_new_session=True))

    try:
        subprocess.run([str(BIN / "bantin"), "db", "upgrade"], env=env, check=True,
                       capture_output=True, timeout=120)
        editor = new_token(settings, "editor", "prod-check")
        approver = new_token(settings, "approver", "prod-check")
        spawn("web", str(BIN / "gunicorn"), "-c", "python:service.web.gunicorn_conf",
              "service.web.app:create_app()")
        spawn("worker", str(BIN / "bantin"), "worker", "--concurrency",
              str(os.cpu_count() or 2))
        spawn("beat", str(BIN / "bantin"), "beat")
        conf = _nginx_conf(web_port, port, tmp)
        spawn("nginx", nginx, "-c", str(conf), "-g", "daemon off;")
        _wait_healthy(f"http://127.0.0.1:{web_port}", "gunicorn", logs)
        _wait_healthy(f"http://127.0.0.1:{port}", "nginx", logs)
        yield Prod(f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {editor}"},
                   {"Authorization": f"Bearer {approver}"}, logs, settings)
    finally:
        for proc in reversed(procs):
            stop_process(proc)
        with admin_engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin_engine.dispose()
        from workers.context import redis_client

        client = redis_client(redis_url)
        for key in client.scan_iter(f"{env['BANTIN_QUEUE']}*"):
            client.delete(key)
        client.close()


def _bulletin(p: Prod, bid: int) -> dict[str, Any]:
    resp = requests.get(f"{p.url}/api/v1/bulletins/{bid}", headers=p.editor, timeout=30)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def _all_profiles(p: Prod, bid: int, timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = _bulletin(p, bid)
        profiles = (body.get("rendition") or {}).get("profiles") or {}
        if set(profiles) == set(PROFILES) and all(v["state"] != "pending"
                                                  for v in profiles.values()):
            return body
        time.sleep(0.5)
    raise AssertionError(f"not every profile done: {body}\n{p.log_text()}")


def _metrics(p: Prod) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    resp = requests.get(f"{p.url}/metrics", timeout=30)
    assert resp.status_code == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for f in text_string_to_metric_families(resp.text) for s in f.samples}


def test_the_production_stack_end_to_end(prod: Prod) -> None:
    p = prod
    ready = requests.get(f"{p.url}/readyz", timeout=30)
    assert ready.status_code == 200 and ready.json()["ready"] is True, ready.text
    resp = requests.post(f"{p.url}/api/v1/bulletins", headers=p.editor, timeout=30, json={
        "title": "Thông báo lịch tiêm chủng tháng 12",
        "lead": "Trạm y tế xã tổ chức tiêm chủng mở rộng cho trẻ em.",
        "body": "Thời gian từ 7 giờ 30 ngày 5/12/2026.\n\nPhụ huynh mang theo sổ tiêm chủng.",
        "source": "xa-a"})
    assert resp.status_code == 202, resp.text
    bid = int(resp.json()["id"])
    body = _all_profiles(p, bid)
    assert body["status"] == "ready", body
    assert {k: v["state"] for k, v in body["rendition"]["profiles"].items()} == \
        {k: "ready" for k in PROFILES}, body["rendition"]["profiles"]
    # not public before it is published
    assert requests.get(f"{p.url}/feeds/podcast.xml", timeout=30).text.count(
        "Thông báo lịch tiêm chủng") == 0
    published = requests.post(f"{p.url}/api/v1/bulletins/{bid}/publish", headers=p.approver,
                              timeout=30)
    assert published.status_code == 200, published.text
    body = _bulletin(p, bid)
    mp3 = f"{p.url}{body['audio']['mp3']}"
    part = requests.get(mp3, headers={"Range": "bytes=0-999"}, timeout=30)
    assert part.status_code == 206 and len(part.content) == 1000
    assert part.headers["Content-Range"].startswith("bytes 0-999/")
    whole = requests.get(mp3, timeout=60)
    assert whole.status_code == 200 and whole.content[:1000] == part.content
    assert len(decode(whole.content)) > 3000  # seconds of real speech, in ms
    page = requests.get(f"{p.url}/bulletins/{bid}", timeout=30)
    assert page.status_code == 200 and 'lang="vi"' in page.text
    feed = requests.get(f"{p.url}/feeds/podcast.xml", timeout=30)
    assert feed.status_code == 200 and "Thông báo lịch tiêm chủng tháng 12" in feed.text
    enclosure = re.search(r'<enclosure url="([^"]+)"', feed.text)
    assert enclosure is not None
    got = requests.get(enclosure.group(1), timeout=60)
    assert got.status_code == 200 and len(decode(got.content)) > 3000
    playlist = requests.get(f"{p.url}/playlists/today.m3u8", timeout=30)
    assert playlist.status_code == 200 and "#EXTM3U" in playlist.text
    assert feed.headers.get("Server") == "nginx"  # through the edge (no version shown)

    metrics = _metrics(p)
    made = {dict(labels)["kind"]: v for (name, labels), v in metrics.items()
            if name == "bantin_renders_total"}
    assert made == {"mp3": 1, "ogg": 1, "podcast": 1, "loudspeaker": 1, "telephony": 1}, made
    assert metrics.get(("bantin_bulletins", (("state", "published"),))) == 1
    posts = sum(v for (name, labels), v in metrics.items()
                if name == "bantin_http_requests_total"
                and dict(labels).get("route") == "/api/v1/bulletins"
                and dict(labels).get("method") == "POST")
    assert posts == 1  # counted once across both gunicorn processes
    queues = {dict(labels)["queue"] for (name, labels) in metrics
              if name == "bantin_queue_depth"}
    assert len(queues) == 3
    assert any(name == "bantin_worker_max_rss_bytes" and v > 50e6
               for (name, _labels), v in metrics.items())

    # the worker's lines are JSON with the ids bound; the beat ran the reconciler
    lines = [json.loads(line) for line in (p.logs / "worker.log").read_text().splitlines()
             if line.startswith("{")]
    states = [(x.get("entity"), x.get("state")) for x in lines if x.get("event") == "state"]
    assert ("rendition", "ready") in states and ("profile", "ready") in states, states
    ready_line = next(x for x in lines if x.get("event") == "state"
                      and x.get("entity") == "rendition" and x.get("state") == "ready")
    assert ready_line["bulletin_id"] == bid and ready_line["task_id"]
    deadline = time.monotonic() + 30
    while "bantin.reconcile" not in (p.logs / "worker.log").read_text():
        assert time.monotonic() < deadline, p.log_text()
        time.sleep(0.5)
