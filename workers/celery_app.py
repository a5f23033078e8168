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


def make_celery(settings: Settings) -> Celery:
    app = Celery("bantin")
    app.conf.update(celery_config(settings))
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
