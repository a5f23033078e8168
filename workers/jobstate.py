"""A rendition's state in the database, as the worker moves it along.

Every transition is one short transaction, so the page sees progress at once and a
worker that dies leaves a row the reconciler can recognise: `synthesizing` with a
heartbeat that stopped. A heartbeat thread keeps the row fresh while long steps run
(mastering and encoding an hour of audio takes a while), so "silent" means "dead".
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from service import metrics_store
from service.db import lock_row, session_scope
from service.logs import state_change
from service.models import Rendition, utcnow
from service.rendition_view import ProfileStatus, RenditionStatus
from workers.context import WorkerContext

log = logging.getLogger(__name__)

#: a rendition that failed this many times (worker crash, bug) is not tried again
MAX_ATTEMPTS = 5


def set_values(ctx: WorkerContext, rendition_id: int, **values: Any) -> None:
    with session_scope(ctx.sessions) as s:
        s.execute(update(Rendition).where(Rendition.id == rendition_id).values(**values))


def progress(ctx: WorkerContext, rendition_id: int, done: int) -> None:
    set_values(ctx, rendition_id, progress_done=done, heartbeat_at=utcnow())


def fail(ctx: WorkerContext, rendition_id: int, message: str) -> None:
    """Give up on a rendition for good, with a message an editor can act on."""
    log.error("rendition %s failed: %s", rendition_id, message)
    state_change("rendition", rendition_id, str(RenditionStatus.FAILED), error=message)
    set_values(ctx, rendition_id, status=RenditionStatus.FAILED, error=message,
               finished_at=utcnow())


def requeue(ctx: WorkerContext, rendition_id: int, message: str, delay: float) -> None:
    """Hand the job back for a later retry; the reconciler leaves it alone until then."""
    set_values(ctx, rendition_id, status=RenditionStatus.QUEUED,
               error=f"Đang chờ thử lại: {message}",
               enqueued_at=utcnow() + timedelta(seconds=delay), progress_done=0)
    state_change("rendition", rendition_id, str(RenditionStatus.QUEUED), retry_in_s=delay,
                 reason=message)


def set_profile(ctx: WorkerContext, rendition_id: int, profile: str, status: ProfileStatus,
                error: str | None = None, *, files: dict[str, Any] | None = None,
                stages: dict[str, float] | None = None,
                metrics: list[metrics_store.Sample] | None = None) -> None:
    """Record one profile's outcome (and its files, stage seconds and worker metrics, in
    the same transaction) on a rendition; a failure is also a warning, so editors see it
    where they read the others."""
    with session_scope(ctx.sessions) as s:
        lock_row(s, Rendition, rendition_id)  # two profiles may finish at once
        r = s.get(Rendition, rendition_id, with_for_update=True)
        if r is None:
            return
        r.files = {**(r.files or {}), **(files or {})}
        entry: dict[str, Any] = {"state": str(status)}
        if status != ProfileStatus.PENDING:
            entry["finished_at"] = utcnow().isoformat()  # started_at, sent_at: done with
        attempts = ((r.profiles or {}).get(profile) or {}).get("attempts")
        if attempts:
            entry["attempts"] = attempts
        if error:
            entry["error"] = error
        r.profiles = {**(r.profiles or {}), profile: entry}
        r.stages = {**(r.stages or {}), **(stages or {})}
        if error:
            r.warnings = [*(r.warnings or []), error]
        samples = list(metrics or [])
        if status == ProfileStatus.FAILED:
            samples.append(metrics_store.Sample("bantin_profile_failures_total",
                                                {"profile": profile}, 1))
        metrics_store.record(s, samples)
    state_change("profile", rendition_id, str(status), profile=profile, error=error)


def profile_attempt(ctx: WorkerContext, rendition_id: int, profile: str) -> int:
    """Count one more attempt at a profile (committed before the work starts); returns
    the count including this one."""
    with session_scope(ctx.sessions) as s:
        lock_row(s, Rendition, rendition_id)
        r = s.get(Rendition, rendition_id, with_for_update=True)
        if r is None:
            return 0
        entry = dict((r.profiles or {}).get(profile) or {"state": str(ProfileStatus.PENDING)})
        entry["attempts"] = int(entry.get("attempts", 0)) + 1
        entry["started_at"] = utcnow().isoformat()  # the reconciler's clock for this try
        r.profiles = {**(r.profiles or {}), profile: entry}
        return int(entry["attempts"])


class Heartbeat:
    """Refreshes `heartbeat_at` every `interval` seconds while a job runs."""

    def __init__(self, ctx: WorkerContext, rendition_id: int, interval: float) -> None:
        self.ctx, self.rendition_id, self.interval = ctx, rendition_id, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                set_values(self.ctx, self.rendition_id, heartbeat_at=utcnow())
            except Exception:  # a missed beat is not worth killing the job for
                log.warning("heartbeat of rendition %s failed", self.rendition_id,
                            exc_info=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
