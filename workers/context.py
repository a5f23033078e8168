"""Per-process worker resources, created on first use (never at import time)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from audio.cache import SentenceCache
from audio.engines.chain import EngineChain
from audio.engines.registry import EngineConfig, build_chain
from audio.ratelimit import LocalTokenBucket
from service import outbox
from service.db import make_engine, make_session_factory
from service.queue import Sender
from service.settings import Settings
from service.storage import LocalStorage

#: Requests per second to Google across the whole fleet, and the burst allowed.
GTTS_RATE, GTTS_BURST = 2.0, 4


def redis_client(url: str) -> Any:
    """A redis-py client for a Celery broker URL (also the `redis+socket://` form)."""
    import redis

    if url.startswith("redis+socket://"):
        return redis.Redis(unix_socket_path=url.removeprefix("redis+socket://"),
                           socket_timeout=5, socket_connect_timeout=3)
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=3)


def engine_config(settings: Settings) -> EngineConfig:
    return EngineConfig(piper_voices_dir=settings.piper_voices_dir, gtts_tld=settings.gtts_tld,
                        gtts_timeout=(3.05, settings.engine_timeout_seconds))


@dataclass
class WorkerContext:
    settings: Settings
    _chains: dict[tuple[str, ...], EngineChain] = field(default_factory=dict)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        """Sessions whose commits send the jobs they queued (see `service.outbox`)."""
        factory = make_session_factory(make_engine(self.settings))
        outbox.install(factory, Sender(self.settings))
        return factory

    @cached_property
    def storage(self) -> LocalStorage:
        return LocalStorage(self.settings.audio_dir)

    @cached_property
    def cache(self) -> SentenceCache:
        return SentenceCache(self.settings.cache_dir, self.settings.cache_max_bytes)

    def close(self) -> None:
        """Release the database pool (a worker process never needs this; tools and tests
        that make a context for one call do)."""
        if "sessions" in self.__dict__:
            bind = self.sessions.kw.get("bind")
            if bind is not None:
                bind.dispose()
            del self.__dict__["sessions"]

    def chain(self, engines: tuple[str, ...]) -> EngineChain:
        """The engine chain; guards are shared fleet-wide through Redis."""
        if engines not in self._chains:
            from workers.engine_guards import RedisCircuitBreaker, RedisTokenBucket

            r = redis_client(self.settings.broker_url)
            self._chains[engines] = build_chain(
                engines, engine_config(self.settings), cache=self.cache,
                breaker=RedisCircuitBreaker(r),
                limiter=RedisTokenBucket(r, rate=GTTS_RATE, burst=GTTS_BURST))
        return self._chains[engines]


def local_chain(settings: Settings, engines: tuple[str, ...]) -> EngineChain:
    """A chain for one process without Redis (`bantin speak`)."""
    return build_chain(engines, engine_config(settings),
                       cache=SentenceCache(settings.cache_dir, settings.cache_max_bytes),
                       limiter=LocalTokenBucket(GTTS_RATE, GTTS_BURST))
