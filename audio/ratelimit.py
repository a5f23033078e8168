"""Guards shared by a fleet of workers: a rate limiter and a circuit breaker.

The audio library only states what it needs (two small Protocols) and ships in-process
implementations for one process (the CLI, tests). The fleet-wide implementations live
in `workers.engine_guards` on Redis, because `audio` may not import redis. Both guards
are non-blocking on purpose: they answer at once and the caller sleeps with its own
injectable `sleep`, so tests run without waiting and a worker never hangs in Redis.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable


@runtime_checkable
class RateLimiter(Protocol):
    """A token bucket per key (e.g. "gtts:translate.google.com")."""

    def reserve(self, key: str) -> float:
        """Take one token and return 0.0, or take none and return seconds to wait."""
        ...


@runtime_checkable
class CircuitBreaker(Protocol):
    """Remembers which engines keep failing so every worker skips them for a while."""

    def allow(self, name: str) -> bool:
        """False while the breaker for `name` is open (skip the engine at once)."""
        ...

    def record_success(self, name: str) -> None:
        """The engine worked: close the breaker and forget earlier failures."""
        ...

    def record_failure(self, name: str, retry_after: float | None = None) -> None:
        """The engine failed after its retries; `retry_after` opens it for that long."""
        ...


class NoLimit:
    """A limiter that never limits (one-off CLI runs, engines without quotas)."""

    def reserve(self, key: str) -> float:
        return 0.0


class LocalTokenBucket:
    """An in-process token bucket: `rate` tokens a second, at most `burst` saved up."""

    def __init__(
        self, rate: float, burst: int = 1, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate, self.burst, self._clock = rate, burst, clock
        self._state: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()

    def reserve(self, key: str) -> float:
        with self._lock:
            now = self._clock()
            tokens, at = self._state.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._state[key] = (tokens - 1.0, now)
                return 0.0
            self._state[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


class LocalCircuitBreaker:
    """An in-process breaker with the same rules as the Redis one.

    After `threshold` consecutive failures the breaker opens for `cooldown` seconds.
    Then it is half-open: one caller may try; a success closes it, a failure reopens it.
    A failure that carries the server's `retry_after` keeps everyone away that long even
    below the threshold: hammering a host that said "come back later" gets it blocked.
    """

    def __init__(
        self, threshold: int = 3, cooldown: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold, self.cooldown, self._clock = threshold, cooldown, clock
        self._failures: dict[str, int] = {}
        self._open_until: dict[str, float] = {}
        self._tripped: set[str] = set()
        self._probing: dict[str, float] = {}  # name -> when its probe started
        self._lock = threading.Lock()

    def allow(self, name: str) -> bool:
        with self._lock:
            now = self._clock()
            if now < self._open_until.get(name, float("-inf")):
                return False
            if name in self._tripped:  # half-open: one caller probes; a lost probe expires
                if now - self._probing.get(name, float("-inf")) < self.cooldown:
                    return False
                self._probing[name] = now
            return True

    def record_success(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)
            self._tripped.discard(name)
            self._probing.pop(name, None)
            self._open_until.pop(name, None)

    def record_failure(self, name: str, retry_after: float | None = None) -> None:
        with self._lock:
            now = self._clock()
            count = self._failures.get(name, 0) + 1
            self._probing.pop(name, None)
            if count >= self.threshold or name in self._tripped:
                self._failures.pop(name, None)
                self._tripped.add(name)
                self._open_until[name] = now + max(self.cooldown, retry_after or 0.0)
                return
            self._failures[name] = count
            if retry_after:  # the server said when to come back: believe it
                self._open_until[name] = now + retry_after

__all__ = ["CircuitBreaker", "LocalCircuitBreaker", "LocalTokenBucket", "NoLimit", "RateLimiter"]
