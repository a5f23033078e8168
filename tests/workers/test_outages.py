"""A service that goes away mid-job is not the bulletin's fault: the engine guards keep
working without Redis, and a job that loses Redis or the database is retried, never
failed for good (found by tests/hosts cutting a worker host's link)."""

from __future__ import annotations

import pytest
import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import OperationalError

from service.db import session_scope
from service.models import Rendition
from service.rendition_view import RenditionStatus
from service.settings import Settings
from tests.e2e.stack import free_port
from tests.workers.test_job_states import row, submit
from workers import pipeline, produce
from workers.admin import migrate
from workers.context import WorkerContext
from workers.engine_guards import RedisCircuitBreaker, RedisTokenBucket


def unreachable() -> redis.Redis:
    return redis.Redis(port=free_port(), socket_connect_timeout=0.2, socket_timeout=0.2)


def test_engine_guards_without_redis_try_the_engine_and_pace_locally() -> None:
    breaker = RedisCircuitBreaker(unreachable(), threshold=1)
    assert breaker.allow("gtts") is True
    breaker.record_failure("gtts", retry_after=30)  # unrecorded, not raised
    breaker.record_success("gtts")
    assert breaker.allow("gtts") is True
    assert RedisTokenBucket(unreachable(), rate=2.0).reserve("google") == pytest.approx(0.5)


@pytest.mark.parametrize("lost", [
    RedisConnectionError("Connection reset by peer"),
    OperationalError("SELECT 1", {}, Exception("server closed the connection")),
], ids=["redis", "database"])
def test_a_service_lost_mid_job_retries_instead_of_failing(
        settings: Settings, monkeypatch: pytest.MonkeyPatch, lost: Exception) -> None:
    migrate(settings)
    ctx = WorkerContext(settings)
    try:
        rid = submit(ctx, "Mất kết nối", "Câu một. Câu hai.")

        def cut(*_: object, **__: object) -> None:
            raise lost

        monkeypatch.setattr(produce, "produce_web", cut)
        with pytest.raises(pipeline.RetryLater):
            pipeline.run(ctx, rid)
        r = row(ctx, rid)
        assert r.status != RenditionStatus.FAILED and r.error is None, (r.status, r.error)
        monkeypatch.undo()
        # the retry (here: at once, as the task's requeue would leave it) makes it
        with session_scope(ctx.sessions) as s:
            again = s.get(Rendition, rid)
            assert again is not None
            again.status = RenditionStatus.QUEUED
        assert pipeline.run(ctx, rid) == "ready"
    finally:
        ctx.close()
