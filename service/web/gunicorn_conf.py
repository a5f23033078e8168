"""gunicorn settings for production: `gunicorn -c python:service.web.gunicorn_conf
'service.web.app:create_app()'` (docker-compose and `make prod-check` run exactly this).

Threads per process cover requests that wait (the database, a preview's synthesis);
processes, one per core by default, cover the CPU. The reverse proxy in front buffers
slow clients, so a thread is never held by one. With `PROMETHEUS_MULTIPROC_DIR` set, every
process writes its HTTP metrics there and /metrics sums them: a process that exits is
marked dead, and the directory is emptied when the server starts (stale files from a
previous run would otherwise be counted).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS", str(os.cpu_count() or 2)))
threads = int(os.environ.get("WEB_THREADS", "4"))
# Behind the proxy only: X-Forwarded-* are believed from the addresses it comes from.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
timeout = 120
graceful_timeout = 30


def on_starting(server: Any) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
