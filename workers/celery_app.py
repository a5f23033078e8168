"""Celery factory: the composition root of the worker process.

`make_celery(settings)` builds the app; nothing happens at import time. The worker's
shared objects (database engine, storage, engines) live in a `WorkerContext` made once
per process, lazily, so a forked pool child never inherits open connections.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

from service.queue import RECONCILE, STATION_TICK, celery_config
from service.settings import Settings

#: A pool process whose peak resident memory passed this (KiB) is replaced once its task
#: is done (Celery's `worker_max_memory_per_child`; billiard reads `ru_maxrss`, the peak,
#: after each task, so the task itself always finishes). Audio is produced block by block
#: (`audio.streaming`): measured by `bench/memory.py` with espeak, a task peaks at ~230 MB
#: even for the largest accepted bulletin, ~140 MB of it the loaded libraries; a Piper
#: voice adds ~155 MB of model, so ~390 MB. 512 MiB recycles no healthy process (Piper's
#: model would be loaded again) and stops slow growth (fragmentation, a leak) early.
MAX_MEMORY_PER_CHILD_KIB = 512 * 1024


def make_celery(settings: Settings) -> Celery:
    app = Celery("bantin")
    app.conf.update(celery_config(settings))
    app.conf.worker_max_memory_per_child = MAX_MEMORY_PER_CHILD_KIB
    app.conf.beat_schedule = {
        "reconcile": {"task": RECONCILE, "schedule": timedelta(seconds=settings.reconcile_seconds)},
        "station-tick": {"task": STATION_TICK,
                         "schedule": timedelta(seconds=settings.station_tick_seconds)},
    }
    app.conf.bantin_settings = settings
    from workers import tasks

    tasks.register(app)
    worker_process_init.connect(_warm_up, weak=False)
    task_prerun.connect(_task_started, weak=False, dispatch_uid="bantin-task-started")
    task_postrun.connect(_task_ended, weak=False, dispatch_uid="bantin-task-ended")
    return app


#: log-context tokens of the running tasks, by task id
_tokens: dict[str | None, Any] = {}
#: the largest peak memory this process has recorded (only a new peak is written)
_peak = 0


def _warm_up(**_: object) -> None:
    """Load espeak-ng in each pool process before the first bulletin arrives, so the
    first listener does not pay for it (no connections are opened here)."""
    from audio.engines.espeak import EspeakEngine

    EspeakEngine().synthesize(["a"], "north", 1.0)


def _task_started(task_id: str | None = None, task: object = None, **_: object) -> None:
    """Every line a task writes carries its id and name (`service.logs`)."""
    from service import logs

    _tokens[task_id] = logs.bind(task_id=task_id, task=getattr(task, "name", None))


def _task_ended(task_id: str | None = None, task: Any = None, **_: object) -> None:
    """Unbind the task's ids; record the process's peak memory for /metrics (a gauge per
    host: the largest a pool process of this host has reached)."""
    import resource
    import socket

    from service import logs, metrics_store
    from service.db import session_scope
    from workers.tasks import context

    token = _tokens.pop(task_id, None)
    if token is not None:
        logs.unbind(token)
    if task is None:
        return
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    global _peak
    if peak <= _peak:
        return
    _peak = peak
    try:
        with session_scope(context(task.app).sessions) as s:
            metrics_store.record(s, [metrics_store.Sample(
                "bantin_worker_max_rss_bytes", {"host": socket.gethostname()}, peak,
                metrics_store.PEAK)])
    except Exception:  # metrics are never worth failing a task for
        logging.getLogger(__name__).warning("could not record worker memory", exc_info=True)
