"""Build engines and chains from configuration ("gtts,piper,espeak").

The composition root (the Celery worker, the CLI) parses environment variables into
an `EngineConfig` and passes its guards in; this module only maps names to classes, so
`audio` stays free of environment, Redis and Celery.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests

from audio.cache import CachedEngine, SentenceCache
from audio.engines.base import Engine
from audio.engines.chain import EngineChain
from audio.engines.espeak import EspeakEngine
from audio.engines.gtts_engine import GttsEngine, RetryPolicy
from audio.engines.piper_engine import DEFAULT_VOICES, PiperEngine
from audio.ratelimit import CircuitBreaker, RateLimiter
from audio.vocabulary import ENGINE_ALIASES, ENGINES, parse_engines


@dataclass(frozen=True)
class EngineConfig:
    """Everything configurable about the engines (parsed from settings by the caller)."""

    piper_voices_dir: str | Path | None = None
    piper_voices: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_VOICES))
    gtts_tld: str = "com"
    gtts_slow: bool = False
    gtts_timeout: tuple[float, float] = (3.05, 10.0)
    gtts_retry: RetryPolicy = field(default_factory=RetryPolicy)
    espeak_pitch: int = 50


def make_engine(
    name: str, config: EngineConfig, *, limiter: RateLimiter | None = None,
    session_factory: Callable[[], requests.Session] = requests.Session,
    sleep: Callable[[float], None] = time.sleep,
) -> Engine:
    """One engine by name; nothing is loaded or contacted until it first speaks."""
    name = ENGINE_ALIASES.get(name, name)
    if name == "gtts":
        return GttsEngine(tld=config.gtts_tld, slow=config.gtts_slow,
                          timeout=config.gtts_timeout, retry=config.gtts_retry,
                          limiter=limiter, session_factory=session_factory, sleep=sleep)
    if name == "piper":
        return PiperEngine(config.piper_voices_dir, config.piper_voices)
    if name == "espeak":
        return EspeakEngine(pitch=config.espeak_pitch)
    raise ValueError(f"unknown engine {name!r}; known: {', '.join(ENGINES)}")


def build_chain(
    spec: str | Sequence[str], config: EngineConfig | None = None, *,
    cache: SentenceCache | None = None, breaker: CircuitBreaker | None = None,
    limiter: RateLimiter | None = None,
    session_factory: Callable[[], requests.Session] = requests.Session,
    sleep: Callable[[float], None] = time.sleep,
) -> EngineChain:
    """The chain for `spec`, each engine behind the sentence cache when one is given."""
    config = config or EngineConfig()
    engines: list[Engine] = []
    for name in parse_engines(spec):
        engine = make_engine(name, config, limiter=limiter, session_factory=session_factory,
                             sleep=sleep)
        engines.append(CachedEngine(engine, cache) if cache is not None else engine)
    return EngineChain(engines, breaker=breaker, sleep=sleep)
