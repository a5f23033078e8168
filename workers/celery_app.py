"""Celery factory: the composition root of the worker process.

`make_celery(settings)` builds the app; nothing happens at import time. The worker's
shared objects (database engine, storage, engines) live in a `WorkerContext` made once
per process, lazily, so a forked pool child never inherits open connections.
"""

from __future__ import annotations

from datetime import timedelta

from celery import Celery
from celery.signals import worker_process_init

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
    return app


def _warm_up(**_: object) -> None:
    """Load espeak-ng in each pool process before the first bulletin arrives, so the
    first listener does not pay for it (no connections are opened here)."""
    from audio.engines.espeak import EspeakEngine

    EspeakEngine().synthesize(["a"], "north", 1.0)
