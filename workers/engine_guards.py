"""Fleet-wide engine guards on Redis: a token bucket and a circuit breaker.

They implement `audio.ratelimit.RateLimiter` and `CircuitBreaker`, so every worker on
every host shares one quota for Google's endpoint and one opinion about which engines
are down. Each check is one Lua script (atomic on the server, one round trip) using
Redis's own clock, so hosts with skewed clocks agree. Both answer at once and never
block: the engines sleep with their own (injectable) sleep.

Keys (all under `prefix`, all with a TTL so nothing lingers after a fleet is gone):
- `<prefix>:tb:<key>`                  hash {tokens, at_us} of one bucket
- `<prefix>:cb:<engine>:fails`          consecutive failures (expires after `window`)
- `<prefix>:cb:<engine>:open`           present while the breaker is open
- `<prefix>:cb:<engine>:tripped`        set once opened, until a success: half-open state
- `<prefix>:cb:<engine>:probe`          the one worker allowed to try while half-open
"""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
#: what a Redis that cannot be reached raises (a script error is a bug: not caught)
_REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)

# KEYS[1]=bucket ARGV: rate (tokens/s), burst -> wait in microseconds (0 = token taken)
_RESERVE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) * 1000000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 60000)
return wait
"""

# KEYS: open, tripped, probe  ARGV: probe_ms -> 1 allowed, 0 skip
_ALLOW = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then return 1 end
if redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[1]) then return 1 end
return 0
"""

# KEYS: fails, open, tripped, probe  ARGV: threshold, cooldown_ms, window_ms, retry_after_ms
_FAILURE = """
local fails = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('DEL', KEYS[4])
local retry_after = tonumber(ARGV[4])
if fails >= tonumber(ARGV[1]) or redis.call('EXISTS', KEYS[3]) == 1 then
  local ms = math.max(tonumber(ARGV[2]), retry_after)
  redis.call('SET', KEYS[2], '1', 'PX', ms)
  redis.call('SET', KEYS[3], '1', 'PX', ms * 10)
  redis.call('DEL', KEYS[1])
  return 1
end
if retry_after > 0 then redis.call('SET', KEYS[2], '1', 'PX', retry_after) end
return 0
"""


class RedisTokenBucket:
    """`rate` requests a second across the fleet, with bursts of up to `burst`."""

    def __init__(self, redis: Any, rate: float, burst: int = 1,
                 prefix: str = "bantin:guard") -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.redis, self.rate, self.burst, self.prefix = redis, rate, burst, prefix
        self._script = redis.register_script(_RESERVE)

    def reserve(self, key: str) -> float:
        try:
            wait_us = self._script(keys=[f"{self.prefix}:tb:{key}"],
                                   args=[self.rate, self.burst])
        except _REDIS_DOWN as exc:  # keep to this worker's share of the rate meanwhile
            log.warning("engine guard: Redis unreachable (%s); pacing locally", exc)
            return 1.0 / self.rate
        return int(wait_us) / 1_000_000


class RedisCircuitBreaker:
    """Open for `cooldown` s after `threshold` failures within `window` s of each other.

    When the cool-down ends the breaker is half-open: one worker (holding the probe key
    for at most `probe_timeout` s) tries the engine; success closes the breaker for all,
    failure reopens it at once without counting to `threshold` again.
    """

    def __init__(self, redis: Any, threshold: int = 3, cooldown: float = 300.0,
                 window: float = 600.0, probe_timeout: float = 120.0,
                 prefix: str = "bantin:guard") -> None:
        self.redis, self.threshold, self.prefix = redis, threshold, prefix
        self.cooldown, self.window, self.probe_timeout = cooldown, window, probe_timeout
        self._allow = redis.register_script(_ALLOW)
        self._failure = redis.register_script(_FAILURE)

    def _keys(self, name: str, *parts: str) -> list[str]:
        return [f"{self.prefix}:cb:{name}:{p}" for p in parts]

    # The breaker is advice shared through Redis: with Redis unreachable (a network cut,
    # a restart) an engine is tried and outcomes go unrecorded, rather than a job that
    # was going well failing on its bookkeeping.

    def allow(self, name: str) -> bool:
        keys = self._keys(name, "open", "tripped", "probe")
        try:
            return bool(self._allow(keys=keys, args=[_ms(self.probe_timeout)]))
        except _REDIS_DOWN as exc:
            log.warning("engine breaker: Redis unreachable (%s); trying %s", exc, name)
            return True

    def record_success(self, name: str) -> None:
        try:
            self.redis.delete(*self._keys(name, "fails", "open", "tripped", "probe"))
        except _REDIS_DOWN as exc:
            log.warning("engine breaker: Redis unreachable (%s); success unrecorded", exc)

    def record_failure(self, name: str, retry_after: float | None = None) -> None:
        try:
            self._failure(keys=self._keys(name, "fails", "open", "tripped", "probe"),
                          args=[self.threshold, _ms(self.cooldown), _ms(self.window),
                                _ms(retry_after or 0.0)])
        except _REDIS_DOWN as exc:
            log.warning("engine breaker: Redis unreachable (%s); failure unrecorded", exc)

    def is_open(self, name: str) -> bool:
        """For status pages: is the engine being skipped right now (no probe taken)."""
        return bool(self.redis.exists(*self._keys(name, "open")))


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))
