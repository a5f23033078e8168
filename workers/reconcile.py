"""Re-send renditions the broker never got (it was down) or whose worker went silent,
and extra profiles whose task was lost or whose worker died mid-way.

An extra profile (`bantin.extras`) pending on a ready rendition is sent again when
- it never started `STALE_JOB_SECONDS` after the web audio was ready (or after the last
  re-send): its message was lost between "ready" and the broker;
- it started longer ago than its time limit and a minute more: the worker died (killed
  for memory, the host went away) and Redis would only redeliver after the visibility
  timeout (an hour by default).
The task counts its attempts (`jobstate.profile_attempt`), so a profile that kills
every worker it meets still ends failed after `MAX_EXTRA_ATTEMPTS`, re-sent or not.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from celery import Celery
from sqlalchemy import select

from service.bulletins import stale_renditions
from service.db import lock_row, session_scope
from service.models import Rendition, parse_utc, utcnow
from service.queue import EXTRAS, SYNTHESIZE, emergency_queue, extras_queue, queue_for
from service.rendition_view import ProfileStatus, RenditionStatus
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
    extras = lost_extras(ctx, now)
    for rid, profile, queue in extras:
        app.send_task(EXTRAS, args=[rid, profile], queue=queue)
        log.info("reconciler re-sent profile %s of rendition %s", profile, rid)
    return len(ids) + len(extras)


#: ready renditions older than this are not looked at again (their extras long given up)
LOOK_BACK = timedelta(days=2)


def lost_extras(ctx: WorkerContext, now: datetime) -> list[tuple[int, str, str]]:
    """(rendition, profile, queue) of the extra profiles to send again, each marked
    `sent_at` now so the next tick waits a full period before sending it again."""
    never_started = timedelta(seconds=ctx.settings.stale_job_seconds)
    running_too_long = timedelta(seconds=ctx.settings.extras_time_limit + 60)

    def lost(entry: dict[str, Any], finished_at: datetime | None) -> bool:
        if entry.get("state") != ProfileStatus.PENDING:
            return False
        started, sent = parse_utc(entry.get("started_at")), parse_utc(entry.get("sent_at"))
        if started is not None and (sent is None or started >= sent):
            return started < now - running_too_long  # its worker died mid-way
        return (sent or finished_at or now) < now - never_started  # its message was lost

    with ctx.sessions() as s:  # read only: most ready renditions have nothing pending
        candidates = [rid for rid, profiles, finished in s.execute(
            select(Rendition.id, Rendition.profiles, Rendition.finished_at).where(
                Rendition.status == RenditionStatus.READY,
                Rendition.finished_at > now - LOOK_BACK,
                Rendition.finished_at < now - never_started))
            if any(lost(dict(e or {}), finished) for e in (profiles or {}).values())]
    out: list[tuple[int, str, str]] = []
    for rid in candidates:
        with session_scope(ctx.sessions) as s:
            lock_row(s, Rendition, rid)  # a worker may be recording a profile right now
            r = s.get(Rendition, rid)
            if r is None:
                continue
            profiles = dict(r.profiles or {})
            urgent = r.bulletin.priority == "emergency"
            queue = emergency_queue(ctx.settings) if urgent else extras_queue(ctx.settings)
            for name, raw in list(profiles.items()):
                if lost(dict(raw or {}), r.finished_at):
                    profiles[name] = {**dict(raw or {}), "sent_at": now.isoformat()}
                    out.append((r.id, name, queue))
            r.profiles = profiles
    return out
