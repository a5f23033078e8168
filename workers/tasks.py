"""Thin Celery tasks: unpack ids, call the pipeline, classify the outcome."""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery

from service.queue import (
    ASSEMBLE,
    EXTRAS,
    LEXICON_CHANGED,
    LISTEN,
    RECONCILE,
    STATION_TICK,
    SYNTHESIZE,
    emergency_queue,
    extras_queue,
)
from workers.context import WorkerContext

log = logging.getLogger(__name__)
_context: WorkerContext | None = None


def context(app: Celery) -> WorkerContext:
    global _context
    if _context is None:
        _context = WorkerContext(app.conf.bantin_settings)
    return _context


def register(app: Celery) -> None:
    # Imported here, in the worker's parent process, so forked children inherit the
    # loaded modules (scipy, the normalizer tables) instead of paying for them on the
    # first bulletin. Nothing is imported at module import time.
    from workers import jobstate, pipeline

    settings = app.conf.bantin_settings

    # Every task is bounded: attempts (retries, or counted on the row) and time.
    @app.task(name=SYNTHESIZE, bind=True, acks_late=True, max_retries=5,
              soft_time_limit=settings.extras_time_limit,
              time_limit=settings.extras_time_limit + 30)
    def synthesize(self: Any, rendition_id: int) -> str:
        try:
            outcome = pipeline.run(context(app), int(rendition_id))
        except pipeline.RetryLater as exc:
            if self.request.retries >= self.max_retries:
                attempts = self.max_retries + 1
                jobstate.fail(context(app), int(rendition_id),
                              f"Không bộ đọc nào dùng được sau {attempts} lần thử: {exc}")
                return "failed"
            backoff = min(3600.0, max(exc.seconds, 30.0 * 2 ** self.request.retries))
            jobstate.requeue(context(app), int(rendition_id), str(exc), backoff)
            raise self.retry(countdown=backoff, exc=exc) from exc
        if outcome == "ready":
            profiles = list(settings.audio_profiles)
        elif outcome == "skipped":
            # A redelivery after the worker died between "ready" and sending the extras:
            # send those never attempted (extras are idempotent and count attempts).
            profiles = pipeline.lost_extras(context(app), int(rendition_id))
        else:
            profiles = []
        if profiles:
            # An emergency's broadcast files are what the station waits for: they skip
            # the extras backlog too, loudspeaker first.
            urgent = pipeline.is_emergency(context(app), int(rendition_id))
            queue = emergency_queue(settings) if urgent else extras_queue(settings)
            for profile in sorted(profiles, key=lambda p: (not urgent or p != "loudspeaker")):
                app.send_task(EXTRAS, args=[int(rendition_id), profile], queue=queue)
        return outcome

    @app.task(name=EXTRAS, acks_late=True, max_retries=0,
              soft_time_limit=settings.extras_time_limit,
              time_limit=settings.extras_time_limit + 30)
    def extras(rendition_id: int, profile: str) -> str:
        return pipeline.produce_extra(context(app), int(rendition_id), str(profile))

    @app.task(name=LEXICON_CHANGED, acks_late=True, max_retries=3, time_limit=600)
    def lexicon_changed(bulletin_ids: list[int]) -> int:
        """New renditions of the bulletins a pronunciation change is heard in."""
        return pipeline.rerender_bulletins(context(app), [int(i) for i in bulletin_ids])

    @app.task(name=LISTEN, acks_late=True, time_limit=120, max_retries=0)
    def listen(name: str, text: str, voice: str, rate: float, source: str) -> str:
        """A "Nghe thử" sample: one sentence, named by the web app that waits for it."""
        return pipeline.listen(context(app), str(name), str(text), str(voice), float(rate),
                               str(source))

    @app.task(name=ASSEMBLE, acks_late=True, max_retries=0,
              soft_time_limit=settings.extras_time_limit,
              time_limit=settings.extras_time_limit + 30)
    def assemble_edition(edition_id: int) -> str:
        """One programme edition: the stitched loudspeaker file of one broadcast time."""
        from workers import editions

        return editions.assemble(context(app), int(edition_id))

    @app.task(name=STATION_TICK, ignore_result=True, time_limit=120)
    def station_tick(now: str | None = None) -> list[int]:
        """The beat's clock for programmes (`now`, ISO UTC, only for tests and replays)."""
        from datetime import datetime

        from workers import editions

        when = datetime.fromisoformat(now).replace(tzinfo=None) if now else None
        return editions.tick(context(app), when)

    @app.task(name=RECONCILE, ignore_result=True, time_limit=120)
    def reconcile() -> int:
        from workers import reconcile as rec

        return rec.reconcile(context(app), app)
