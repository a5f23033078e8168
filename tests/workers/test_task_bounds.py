"""Every task is bounded in time, and a job stopped by its time limit ends failed with a
reason an editor can act on (not an internal error, not a retry loop)."""

from __future__ import annotations

from typing import Any

from celery.exceptions import SoftTimeLimitExceeded

from service import bulletins as uc
from service.db import session_scope
from service.models import Rendition
from service.queue import (
    ASSEMBLE,
    EXTRAS,
    LEXICON_CHANGED,
    LISTEN,
    RECONCILE,
    STATION_TICK,
    SYNTHESIZE,
)
from service.settings import Settings
from service.validation import validate_bulletin
from workers import pipeline
from workers.celery_app import make_celery
from workers.context import WorkerContext


def test_every_task_has_a_time_limit(settings: Settings) -> None:
    app = make_celery(settings)
    for name in (SYNTHESIZE, EXTRAS, LEXICON_CHANGED, LISTEN, ASSEMBLE, STATION_TICK,
                 RECONCILE):
        task = app.tasks[name]
        assert task.time_limit, name
    assert app.tasks[SYNTHESIZE].soft_time_limit == settings.extras_time_limit
    assert app.tasks[SYNTHESIZE].max_retries == 5
    beat = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert beat == {RECONCILE, STATION_TICK}




def test_a_job_cut_off_by_its_time_limit_fails_with_a_reason(ctx: WorkerContext) -> None:
    item = validate_bulletin({"title": "Tin dài", "body": "Câu một. Câu hai. Câu ba."}, 10_000)
    with session_scope(ctx.sessions) as s:
        rid = uc.create_bulletin(s, ctx.settings, item).current_rendition_id
    assert rid is not None
    chain = ctx.chain(("espeak",))

    def too_slow(*_: Any, **__: Any) -> Any:
        raise SoftTimeLimitExceeded()

    chain.synthesize = too_slow  # type: ignore[method-assign]
    assert pipeline.run(ctx, rid) == "failed"
    with ctx.sessions() as s:
        r = s.get(Rendition, rid)
        assert r is not None and r.status == "failed"
        assert "quá thời gian cho phép" in (r.error or "")
