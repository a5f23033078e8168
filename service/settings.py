"""Typed settings, parsed once from environment variables.

Nothing else reads the environment: the app factory, the Celery factory and the CLI
each call `Settings.from_env()` once and pass the object down.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from audio.vocabulary import PROFILES, VOICES, parse_engines, parse_profiles


class SettingsError(ValueError):
    """An environment variable has a value we cannot use."""


N = TypeVar("N", int, float)


def _number(env: Mapping[str, str], name: str, default: N) -> N:
    """The variable parsed as the default's type (int or float); unset or empty → default."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return type(default)(raw)
    except ValueError as exc:
        kind = "an integer" if isinstance(default, int) else "a number"
        raise SettingsError(f"{name} must be {kind}, got {raw!r}") from exc


def _chain(raw: str, name: str) -> tuple[str, ...]:
    try:
        return parse_engines(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}: {exc}") from exc


def _voice(raw: str) -> str:
    if raw not in VOICES:
        raise SettingsError(f"TTS_VOICE: {raw!r}; use one of {', '.join(VOICES)}")
    return raw


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Defaults are the embedded `make run` setup."""

    var_dir: Path = Path("var")
    database_url: str = ""  # empty → SQLite under var_dir
    redis_url: str = ""  # empty → embedded Redis socket under var_dir
    audio_dir: Path = Path("var/audio")
    cache_dir: Path = Path("var/cache")
    cache_max_bytes: int = 512 * 1024 * 1024
    tts_engines: tuple[str, ...] = ("gtts", "espeak")
    #: per-source chains, e.g. a province whose loudspeakers use a local Piper voice
    source_engines: dict[str, tuple[str, ...]] = field(default_factory=dict)
    tts_voice: str = "north"
    tts_rate: float = 1.0
    gtts_tld: str = "com.vn"
    piper_voices_dir: Path | None = None
    max_text_chars: int = 60_000  # whole bulletin, all fields together
    max_body_bytes: int = 512 * 1024
    #: bounds on what a bulletin says (see `service.bounds`): spoken characters, sentences
    #: and estimated minutes of audio at the slowest profile's rate
    max_spoken_chars: int = 90_000
    max_sentences: int = 1500
    max_audio_minutes: float = 90.0
    public_url: str = "http://127.0.0.1:8000"
    station_name: str = "bantin"
    web_bind: str = "127.0.0.1:8000"
    #: reverse proxies in front of the web app (nginx in docker-compose: 1); their
    #: X-Forwarded-For/-Proto/-Host are trusted, so rate limits see the real client
    proxy_hops: int = 0
    #: "text" for a terminal, "json" (one object per line, ids bound) for a log shipper
    log_format: str = "text"
    queue: str = "bantin"
    audio_profiles: tuple[str, ...] = PROFILES
    reconcile_seconds: float = 30.0
    stale_job_seconds: float = 600.0
    heartbeat_seconds: float = 10.0
    heartbeat_timeout_seconds: float = 60.0
    engine_timeout_seconds: float = 15.0
    visibility_timeout: float = 3600.0
    #: signs session cookies; empty → a random key kept in var_dir (one host only)
    secret_key: str = ""
    #: rate-limit storage; empty → the broker's Redis
    ratelimit_storage: str = ""
    #: seconds one extra profile may take before the task is stopped (and marked failed)
    extras_time_limit: float = 1800.0
    #: most bulletins one lexicon change re-renders (newest first)
    lexicon_rerender_cap: int = 500
    #: the station's wall clock: programme times, "today" and spoken issue times
    station_timezone: str = "Asia/Ho_Chi_Minh"
    #: seconds between the beat's station ticks (programmes due, emergency repeats)
    station_tick_seconds: float = 30.0
    #: a programme slot missed by less than this (worker or beat down) is still made
    programme_grace_minutes: float = 10.0
    #: most bulletins in one programme edition (priority ones first, then the newest)
    programme_max_bulletins: int = 15
    rate_limit_login: str = "10 per minute"
    rate_limit_writes: str = "120 per minute"
    rate_limit_preview: str = "60 per minute"
    rate_limit_bad_auth: str = "20 per minute"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.var_dir / 'bantin.db').resolve()}"

    @property
    def embedded_redis_socket(self) -> Path:
        return (self.var_dir / "redis" / "redis.sock").resolve()

    @property
    def broker_url(self) -> str:
        return self.redis_url or f"redis+socket://{self.embedded_redis_socket}"

    @property
    def limiter_storage(self) -> str:
        """flask-limiter's storage URI: the same Redis as the broker by default."""
        if self.ratelimit_storage:
            return self.ratelimit_storage
        url = self.broker_url
        if url.startswith("redis+socket://"):
            return "redis+unix://" + url.removeprefix("redis+socket://")
        return url

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.station_timezone)

    @property
    def engines_allowed(self) -> frozenset[str]:
        """Every engine of a configured chain: what a request may ask for."""
        return frozenset(self.tts_engines).union(*self.source_engines.values())

    def engines_for(self, source: str) -> tuple[str, ...]:
        return self.source_engines.get(source, self.tts_engines)

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        var_dir = Path(env.get("BANTIN_VAR_DIR", "var")).resolve()
        engines = _chain(env.get("TTS_ENGINES", "gtts,espeak"), "TTS_ENGINES")
        by_source: dict[str, tuple[str, ...]] = {}
        for item in env.get("TTS_ENGINES_BY_SOURCE", "").split(";"):
            if item.strip():
                source, sep, chain = item.partition("=")
                if not sep or not source.strip():
                    raise SettingsError(
                        f"TTS_ENGINES_BY_SOURCE: {item!r} is not source=engine,engine")
                by_source[source.strip()] = _chain(chain, "TTS_ENGINES_BY_SOURCE")
        try:
            profiles = parse_profiles(env.get("AUDIO_PROFILES", ",".join(PROFILES)))
        except ValueError as exc:
            raise SettingsError(f"AUDIO_PROFILES: {exc}") from exc
        piper_dir = env.get("PIPER_VOICES_DIR")
        zone = env.get("STATION_TIMEZONE", "Asia/Ho_Chi_Minh")
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingsError(f"STATION_TIMEZONE: unknown time zone {zone!r}") from exc
        return cls(
            var_dir=var_dir,
            database_url=env.get("DATABASE_URL", ""),
            redis_url=env.get("REDIS_URL", ""),
            audio_dir=Path(env.get("AUDIO_DIR", str(var_dir / "audio"))).resolve(),
            cache_dir=Path(env.get("CACHE_DIR", str(var_dir / "cache"))).resolve(),
            cache_max_bytes=_number(env, "CACHE_MAX_BYTES", 512 * 1024 * 1024),
            tts_engines=engines,
            source_engines=by_source,
            tts_voice=_voice(env.get("TTS_VOICE", "north")),
            tts_rate=_number(env, "TTS_RATE", 1.0),
            gtts_tld=env.get("GTTS_TLD", "com.vn"),
            piper_voices_dir=Path(piper_dir) if piper_dir else None,
            max_text_chars=_number(env, "MAX_TEXT_CHARS", 60_000),
            max_body_bytes=_number(env, "MAX_BODY_BYTES", 512 * 1024),
            max_spoken_chars=_number(env, "MAX_SPOKEN_CHARS", 90_000),
            max_sentences=_number(env, "MAX_SENTENCES", 1500),
            max_audio_minutes=_number(env, "MAX_AUDIO_MINUTES", 90.0),
            public_url=env.get("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            station_name=env.get("STATION_NAME", "bantin"),
            web_bind=env.get("WEB_BIND", "127.0.0.1:8000"),
            proxy_hops=_number(env, "PROXY_HOPS", 0),
            log_format=_log_format(env.get("LOG_FORMAT", "text")),
            queue=env.get("BANTIN_QUEUE", "bantin"),
            audio_profiles=profiles,
            reconcile_seconds=_number(env, "RECONCILE_SECONDS", 30.0),
            stale_job_seconds=_number(env, "STALE_JOB_SECONDS", 600.0),
            heartbeat_seconds=_number(env, "HEARTBEAT_SECONDS", 10.0),
            heartbeat_timeout_seconds=_number(env, "HEARTBEAT_TIMEOUT_SECONDS", 60.0),
            engine_timeout_seconds=_number(env, "ENGINE_TIMEOUT_SECONDS", 15.0),
            visibility_timeout=_number(env, "BROKER_VISIBILITY_TIMEOUT", 3600.0),
            secret_key=env.get("SECRET_KEY", ""),
            ratelimit_storage=env.get("RATELIMIT_STORAGE_URI", ""),
            lexicon_rerender_cap=_number(env, "LEXICON_RERENDER_CAP", 500),
            extras_time_limit=_number(env, "EXTRAS_TIME_LIMIT_SECONDS", 1800.0),
            station_timezone=zone,
            station_tick_seconds=_number(env, "STATION_TICK_SECONDS", 30.0),
            programme_grace_minutes=_number(env, "PROGRAMME_GRACE_MINUTES", 10.0),
            programme_max_bulletins=_number(env, "PROGRAMME_MAX_BULLETINS", 15),
            rate_limit_login=env.get("RATE_LIMIT_LOGIN", "10 per minute"),
            rate_limit_writes=env.get("RATE_LIMIT_WRITES", "120 per minute"),
            rate_limit_preview=env.get("RATE_LIMIT_PREVIEW", "60 per minute"),
            rate_limit_bad_auth=env.get("RATE_LIMIT_BAD_AUTH", "20 per minute"),
        )


def _log_format(raw: str) -> str:
    from service.logs import FORMATS

    value = raw.strip().lower() or "text"
    if value not in FORMATS:
        raise SettingsError(f"LOG_FORMAT: {raw!r}; use one of {', '.join(FORMATS)}")
    return value

