"""Start the real service as processes: gunicorn web app + a Celery worker process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from service.settings import Settings
from workers.admin import migrate, new_token

BIN = Path(sys.executable).parent


def healthy(url: str) -> bool:
    """Whether the web app at `url` answers `/healthz` (not yet, while it boots)."""
    try:
        return requests.get(f"{url}/healthz", timeout=2).ok
    except (requests.ConnectionError, requests.Timeout):
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    url: str
    token: str
    settings: Settings
    env: dict[str, str]
    worker: subprocess.Popen[bytes]
    web: subprocess.Popen[bytes]
    log_dir: Path
    approver: str = ""

    def headers(self, **extra: str) -> dict[str, str]:
        """The editor's credentials (editors see their drafts)."""
        return {"Authorization": f"Bearer {self.token}", **extra}

    def publish(self, bulletin_id: int) -> None:
        """What an approver does before readers, feeds and loudspeakers get a bulletin."""
        resp = requests.post(f"{self.url}/api/v1/bulletins/{bulletin_id}/publish",
                             headers={"Authorization": f"Bearer {self.approver}"}, timeout=30)
        assert resp.status_code == 200, resp.text

    def wait_for(self, bulletin_id: int, states: tuple[str, ...] = ("ready", "failed"),
                 timeout: float = 180) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            body: dict[str, Any] = requests.get(
                f"{self.url}/api/v1/bulletins/{bulletin_id}", headers=self.headers(),
                timeout=30).json()
            if body["status"] in states:
                return body
            time.sleep(0.3)
        raise AssertionError(f"bulletin {bulletin_id} not {states} in {timeout}s: {body}\n"
                             + self.logs())

    def logs(self) -> str:
        return "".join(f"--- {p.name}\n{p.read_text(errors='replace')[-4000:]}\n"
                       for p in sorted(self.log_dir.glob("*.log")))

    def start_worker(self, *extra: str) -> subprocess.Popen[bytes]:
        with (self.log_dir / f"worker-{uuid.uuid4().hex[:4]}.log").open("wb") as out:
            self.worker = subprocess.Popen(
                [sys.executable, "-m", "workers.cli", "worker", "--concurrency", "1", *extra],
                env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        return self.worker


def stop_process(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM,
                 timeout: float = 20) -> None:
    """Stop a process started in its own session (its whole group), SIGKILL after
    `timeout` seconds."""
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def run_stack(tmp: Path, broker_url: str, database_url: str = "",
              engines: str = "espeak", extra_env: dict[str, str] | None = None,
              worker: bool = True) -> Iterator[Stack]:
    port = free_port()
    env = {
        **os.environ,
        "BANTIN_VAR_DIR": str(tmp / "var"),
        "REDIS_URL": broker_url,
        "DATABASE_URL": database_url,
        "TTS_ENGINES": engines,
        "BANTIN_QUEUE": f"e2e-{uuid.uuid4().hex[:8]}",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "RECONCILE_SECONDS": "1",
        "AUDIO_PROFILES": "web",
        **(extra_env or {}),
    }
    settings = Settings.from_env(env)
    migrate(settings)
    token = new_token(settings, "editor", "e2e")
    log_dir = tmp / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / "web.log").open("wb") as out:
        web = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--threads", "4", "service.web.app:create_app()"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    stack = Stack(f"http://127.0.0.1:{port}", token, settings, env, web, web, log_dir,
                  new_token(settings, "approver", "e2e-approver"))
    if worker:
        stack.start_worker()
    try:
        deadline = time.monotonic() + 30
        while not healthy(stack.url):
            if time.monotonic() > deadline or web.poll() is not None:
                raise RuntimeError("web app did not start\n" + stack.logs())
            time.sleep(0.2)
        yield stack
    finally:
        stop_process(stack.worker)
        stop_process(web)
