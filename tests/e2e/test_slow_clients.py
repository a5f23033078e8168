"""Bounded work: stalled clients cannot take the web threads; chunked bodies are whole.

The embedded server (what `make run` starts) is started from the supervisor's own
command line; the chunked-body checks also run against gunicorn started the way
tests/e2e/stack.py starts it (no proxy in front), where the app's middleware decodes.
Raw sockets on loopback only; every socket has a timeout, so every test ends by itself.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from service.settings import Settings
from tests.e2e.stack import BIN, free_port, stop_process
from workers import supervisor
from workers.admin import migrate, new_token

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(90)]

LIMIT = 512 * 1024  # MAX_BODY_BYTES, the default


@dataclass
class Server:
    kind: str
    port: int
    token: str
    proc: subprocess.Popen[bytes]
    log: Path

    def logs(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _settings_env(tmp: Path, broker: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "BANTIN_VAR_DIR": str(tmp / "var"),
        "REDIS_URL": broker,
        "DATABASE_URL": "",
        "TTS_ENGINES": "espeak",
        "BANTIN_QUEUE": f"slow-{port}",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "WEB_BIND": f"127.0.0.1:{port}",
        "MAX_BODY_BYTES": str(LIMIT),
        "MAX_TEXT_CHARS": str(2 * LIMIT),  # the body limit is what a big body meets first
    }


@contextmanager
def serve(kind: str, tmp: Path, broker: str) -> Iterator[Server]:
    """The web app alone (no worker: nothing here needs audio) on a migrated SQLite."""
    port = free_port()
    env = _settings_env(tmp, broker, port)
    settings = Settings.from_env(env)
    migrate(settings)
    token = new_token(settings, "editor", "slow-clients")
    if kind == "waitress":
        args = supervisor.web_command(settings)  # exactly what `bantin run` starts
    else:
        args = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
                "--threads", "4", "service.web.app:create_app()"]
    log = tmp / f"{kind}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = Server(kind, port, token, proc, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if http(port, b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                        timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{kind} did not start\n{server.logs()}")
            time.sleep(0.2)
        yield server
    finally:
        stop_process(proc, timeout=15)


def http(port: int, raw: bytes, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """Send one raw request (with `Connection: close`) and read the whole answer.

    The request is sent from a thread while the answer is read, so a server that
    answers before reading everything (a 413) is heard even if it then closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        def send() -> None:
            # the server may answer and close first: then read what it said
            with suppress(OSError):
                sock.sendall(raw)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        data = b""
        try:
            while True:
                piece = sock.recv(65536)
                if not piece:
                    break
                data += piece
                head, sep, body = data.partition(b"\r\n\r\n")
                if sep:
                    length = _headers(head).get("content-length")
                    if length is not None and len(body) >= int(length):
                        break
        except ConnectionResetError:
            if b"\r\n\r\n" not in data:
                raise
        sender.join(timeout)
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, _headers(head), body


def _headers(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    return {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def chunked_post(path: str, chunks: list[bytes], token: str = "", tail: bytes = b"0\r\n\r\n",
                 content_type: str = "application/json") -> bytes:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    head = (f"POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: {content_type}\r\n{auth}"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()
    return head + b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + tail


def bulletins(server: Server) -> list[dict[str, Any]]:
    status, _, body = http(server.port, (
        "GET /api/v1/bulletins?limit=100 HTTP/1.1\r\nHost: t\r\n"
        f"Authorization: Bearer {server.token}\r\nConnection: close\r\n\r\n").encode())
    assert status == 200, body
    items: list[dict[str, Any]] = json.loads(body)["items"]
    return items


# --- the supervisor's choice -------------------------------------------------------------


def test_make_run_serves_with_waitress_not_gunicorn(tmp_path: Path, monkeypatch: Any) -> None:
    """`make run` → `bantin run` → supervisor.run: the web child is waitress, with the body
    limit from the settings; gunicorn (no buffering) is never started there."""
    settings = Settings.from_env({"BANTIN_VAR_DIR": str(tmp_path / "var"),
                                  "REDIS_URL": "redis://127.0.0.1:1/0",
                                  "MAX_BODY_BYTES": "1000"})
    cmd = supervisor.web_command(settings)
    assert cmd[1:3] == ["-m", "waitress"]
    assert not any("gunicorn" in part for part in cmd)
    assert "--listen=127.0.0.1:8000" in cmd and cmd[-2:] == ["--call",
                                                             "service.web.app:create_app"]
    body_limit = [p for p in cmd if p.startswith("--max-request-body-size=")]
    assert body_limit == [f"--max-request-body-size={1000 + supervisor.WEB_BODY_MARGIN}"]

    spawned: list[list[str]] = []

    class Exited:
        pid, returncode = 0, 0

        def __init__(self, args: list[str]) -> None:
            spawned.append(args)

        def poll(self) -> int:
            return 0

        def wait(self, timeout: float | None = None) -> int:
            return 0

    from workers import admin

    monkeypatch.setattr(supervisor, "_spawn", lambda args, env: Exited(args))
    monkeypatch.setattr(admin, "migrate", lambda s: None)
    monkeypatch.setattr(admin, "local_editor_token", lambda s: "token")
    monkeypatch.setattr(admin, "local_admin", lambda s: None)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        supervisor.run(settings, with_demo=False)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    web = [args for args in spawned if "workers.cli" not in args]
    assert web == [supervisor.web_command(settings, sys.executable)]


# --- (a) stalled clients -----------------------------------------------------------------


def _stall(port: int, i: int) -> socket.socket:
    """A connection that sent part of a request and then nothing more."""
    partial = [
        b"GET /healthz HT",  # half a request line
        b"POST /api/v1/bulletins HTTP/1.1\r\nHost: t\r\nContent-Ty",  # half the headers
        # headers done, a Content-Length body of which only a little came
        b"POST /api/v1/bulletins HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Content-Length: 4000\r\n\r\n{\"title\": \"x",
        # a chunked body whose chunk never ends
        b"POST /api/v1/bulletins HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n400\r\n{\"title\"",
    ][i % 4]
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(partial)
    return sock


def _healthz_seconds(port: int) -> float:
    started = time.monotonic()
    status, _, body = http(port, b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                           timeout=2)
    assert status == 200 and json.loads(body) == {"ok": True}
    return time.monotonic() - started


def test_fifty_stalled_connections_leave_healthz_answering(tmp_path: Path, broker: str) -> None:
    with serve("waitress", tmp_path, broker) as server, ExitStack() as stalled:
        socks = [stalled.enter_context(_stall(server.port, i)) for i in range(50)]
        time.sleep(0.5)  # let the server see them all
        took = [_healthz_seconds(server.port) for _ in range(10)]
        assert max(took) < 2, took
        # the stalled connections are still open: nothing answered or closed them
        for sock in socks:
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)
        # and a real write still goes through meanwhile
        status, _, body = http(server.port, chunked_post(
            "/api/v1/bulletins",
            ['{"title": "Trong khi chờ", "body": "Hôm nay trời nắng."}'.encode()], server.token))
        assert status == 202, body


# --- (b) chunked bodies, with and without waitress ---------------------------------------


@pytest.fixture(params=["waitress", "gunicorn"])
def server(request: pytest.FixtureRequest, tmp_path: Path, broker: str) -> Iterator[Server]:
    with serve(request.param, tmp_path, broker) as s:
        yield s


def test_malformed_chunked_body_is_a_400(server: Server) -> None:
    bad = [
        # not hex
        chunked_post("/api/v1/bulletins", [], server.token, tail=b"zz\r\n{}\r\n0\r\n\r\n"),
        # a chunk longer than its size line says (no CRLF where it should end)
        chunked_post("/api/v1/bulletins", [], server.token,
                     tail=b"2\r\n{\"title\": 1}\r\n0\r\n\r\n"),
    ]
    for raw in bad:
        status, _, body = http(server.port, raw)
        assert status == 400, (server.kind, status, body, server.logs())
    assert bulletins(server) == []
    assert "Traceback" not in server.logs()


def test_truncated_chunked_body_is_a_400(server: Server) -> None:
    """The client closes its side mid-chunk: an error, never a 500 nor a cut body."""
    raw = chunked_post("/api/v1/bulletins", [], server.token, tail=b"40\r\n{\"title\": ")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        data = b""
        while piece := sock.recv(65536):
            data += piece
    if server.kind == "waitress":  # an unfinished request never reaches the app
        assert data == b"", data
    else:
        head, _, body = data.partition(b"\r\n\r\n")
        assert head.split(b" ", 2)[1] == b"400", (server.kind, data)
        assert json.loads(body)["error"]["field"] == "body"
    assert bulletins(server) == []


def json_of_size(size: int) -> bytes:
    """A JSON bulletin of exactly `size` bytes (a long body of plain words)."""
    head, tail = '{"title": "Cỡ", "body": "'.encode(), b'"}'
    words = b"mot hai ba " * (size // 11 + 1)
    payload = head + words[:size - len(head) - len(tail) - 1] + b"." + tail
    assert len(payload) == size
    return payload


def chunks_of(payload: bytes, step: int = 8192) -> list[bytes]:
    return [payload[i:i + step] for i in range(0, len(payload), step)]


@pytest.mark.parametrize("extra", [1, 300 * 1024])
def test_chunked_body_over_the_limit_is_a_413(server: Server, extra: int) -> None:
    raw = chunked_post("/api/v1/bulletins", chunks_of(json_of_size(LIMIT + extra)), server.token)
    status, _, body = http(server.port, raw)
    assert status == 413, (server.kind, status, body[:300])
    if extra == 1 or server.kind == "gunicorn":  # the app's answer (waitress refuses
        error = json.loads(body)["error"]       # a much larger body itself, in plain text)
        assert error["field"] == "body" and "Nội dung quá lớn" in error["message"], error
    assert bulletins(server) == []


def test_chunked_body_of_exactly_the_limit_is_read_whole(server: Server) -> None:
    raw = chunked_post("/api/v1/bulletins", chunks_of(json_of_size(LIMIT), 4096), server.token)
    status, _, body = http(server.port, raw)
    # Read whole and parsed as JSON (it ends in `."}`, so a cut body would be a 400
    # "invalid JSON"; a refused one a 413): then too long to speak for one bulletin.
    assert status == 422, (server.kind, status, body[:300])
    error = json.loads(body)["error"]
    assert error["field"] == "body" and "quá dài khi đọc" in error["message"], error


def test_chunked_json_submit_works(server: Server) -> None:
    payload = json.dumps({"title": "Thời tiết", "body": "Hôm nay trời nắng. Chiều có mưa."},
                         ensure_ascii=False).encode()
    pieces = [payload[:7], payload[7:20], payload[20:]]
    status, _, body = http(server.port, chunked_post("/api/v1/bulletins", pieces))
    assert status == 401, body  # no token
    status, _, body = http(server.port, chunked_post("/api/v1/bulletins", pieces, server.token))
    assert status == 202, (server.kind, body)
    assert json.loads(body)["title"] == "Thời tiết"
    assert [b["title"] for b in bulletins(server)] == ["Thời tiết"]
