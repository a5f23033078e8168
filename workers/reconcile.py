"""Re-send renditions the broker never got (it was down) or whose worker went silent."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import Celery

from service.bulletins import stale_renditions
from service.db import session_scope
from service.models import Rendition, utcnow
from service.queue import SYNTHESIZE, queue_for
from workers.context import WorkerContext

log = logging.getLogger(__name__)


def reconcile(ctx: WorkerContext, app: Celery) -> int:
    now = utcnow()
    resend = timedelta(seconds=ctx.settings.stale_job_seconds)
    silent = timedelta(seconds=ctx.settings.heartbeat_timeout_seconds)
    with session_scope(ctx.sessions) as s:
        ids = stale_renditions(s, now - resend, now - silent, now - timedelta(seconds=15))
        queues: dict[int, str] = {}
        for rid in ids:
            r = s.get(Rendition, rid)
            if r is not None:
                r.enqueued_at = now
                queues[rid] = queue_for(ctx.settings, r.bulletin.priority)
    for rid in ids:
        app.send_task(SYNTHESIZE, args=[rid], queue=queues.get(rid))
        log.info("reconciler re-sent rendition %s", rid)
    return len(ids)
