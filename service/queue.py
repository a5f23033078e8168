"""Celery configuration shared by the web app (which only sends) and the workers.

The service sends tasks by name (`bantin.synthesize`) and never imports the worker
code. Sending fails fast when the broker is down: the rendition stays `queued` in the
database with no `enqueued_at`, and the reconciler sends it later. Nothing is lost.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from celery import Celery

from service.models import utcnow
from service.settings import Settings

log = logging.getLogger(__name__)

SYNTHESIZE = "bantin.synthesize"
RECONCILE = "bantin.reconcile"
EXTRAS = "bantin.extras"
LEXICON_CHANGED = "bantin.lexicon_changed"
LISTEN = "bantin.listen"


STATION_TICK = "bantin.station_tick"
ASSEMBLE = "bantin.assemble_edition"


def extras_queue(settings: Settings) -> str:
    """Extra outputs wait in their own queue, so a new bulletin is never stuck behind them."""
    return f"{settings.queue}-extras"


def emergency_queue(settings: Settings) -> str:
    """Emergencies (their web audio and their broadcast files) skip every backlog."""
    return f"{settings.queue}-emergency"


def worker_queues(settings: Settings) -> list[str]:
    """What a worker consumes, in the order it drains them (see `queue_order_strategy`)."""
    return [emergency_queue(settings), settings.queue, extras_queue(settings)]


def queue_for(settings: Settings, priority: str) -> str:
    """The queue of a bulletin's synthesis job."""
    return emergency_queue(settings) if priority == "emergency" else settings.queue


def celery_config(settings: Settings) -> dict[str, Any]:
    transport: dict[str, Any] = {
        # Redis redelivers an unacked task after this long (worker died mid-job).
        "visibility_timeout": settings.visibility_timeout,
        # Poll the queues in the order a worker lists them (-Q emergency,default,extras)
        # instead of round-robin: an emergency never waits behind a backlog.
        "queue_order_strategy": "priority",
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
    }
    return {
        "broker_url": settings.broker_url,
        "broker_transport_options": transport,
        "broker_connection_retry_on_startup": True,
        "broker_connection_timeout": 3,
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_backend": None,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_default_queue": settings.queue,
        "timezone": "UTC",
        "worker_hijack_root_logger": False,
        "broker_heartbeat": 0,
    }


class Sender:
    """Sends tasks by name; one broker connection pool per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app = Celery("bantin-client", set_as_current=False)
        config = celery_config(settings)
        # A request must not wait for the broker: with it down, one try and the row is
        # left to the reconciler (kombu otherwise retries the connection for seconds).
        config["broker_transport_options"] = {**config["broker_transport_options"],
                                              "max_retries": 0}
        self.app.conf.update(config)

    def send(self, task: str, *args: Any, queue: str | None = None) -> datetime | None:
        """Send a task; returns when it was sent, or None if the broker is unreachable."""
        try:
            self.app.send_task(task, args=list(args), retry=False, queue=queue)
        except Exception as exc:
            log.warning("broker unreachable, %s%r left for the reconciler: %s", task, args, exc)
            return None
        return utcnow()
