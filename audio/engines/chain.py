"""An ordered engine chain: never leave a listener with silence if any engine can speak.

A rendition is made by one engine from start to end — the chain falls back for the
whole rendition, never sentence by sentence, so a bulletin does not change voice in
the middle. Per engine: a transient failure is retried with capped exponential backoff
(unless the engine retries itself, like gTTS), then the chain moves on; a permanent
failure moves on at once. A shared circuit breaker lets every worker skip an engine
that keeps failing without paying its timeouts again. If all engines fail, the error
names each engine and what an editor or operator can do about it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NoReturn

from audio.engines.base import VOICES, Capabilities, Engine, Synthesis
from audio.errors import AudioError, PermanentEngineError, TransientEngineError
from audio.ratelimit import CircuitBreaker


@dataclass(frozen=True)
class Failure:
    """Why one engine did not make the rendition."""

    engine: str
    kind: str  # "transient" | "permanent" | "open" (breaker) | "unsuitable" (voice, rate)
    message: str
    retry_after: float | None = None

    def __str__(self) -> str:
        return f"{self.engine} ({self.kind}): {self.message}"


class ChainError(AudioError):
    """Every engine in the chain failed; `failures` says why, engine by engine."""

    def __init__(self, failures: Sequence[Failure], advice: str,
                 retry_after: float | None = None) -> None:
        self.failures = list(failures)
        reasons = "; ".join(str(f) for f in self.failures) or "the engine chain is empty"
        super().__init__(f"No speech engine could read this text. {reasons}. {advice}")
        self.retry_after = retry_after


class AllEnginesBusy(ChainError, TransientEngineError):
    """Every engine failed for reasons that may pass: retry the job later."""


class AllEnginesFailed(ChainError, PermanentEngineError):
    """Some engine failed for good (missing voice, bad input): retrying will not help."""


class EngineChain:
    """Try engines in order; the first that speaks every sentence makes the rendition."""

    name = "chain"

    def __init__(
        self, engines: Sequence[Engine], *, breaker: CircuitBreaker | None = None,
        attempts: int = 2, backoff: float = 0.5, max_backoff: float = 5.0,
        sleep: Callable[[float], None] = time.sleep, jitter: Callable[[], float] = random.random,
    ) -> None:
        self.engines = list(engines)
        self.breaker = breaker
        self.attempts, self.backoff, self.max_backoff = max(1, attempts), backoff, max_backoff
        self.sleep, self.jitter = sleep, jitter
        caps = [e.capabilities for e in self.engines]
        limits = [c.max_chars for c in caps]
        self.capabilities = Capabilities(
            max_chars=None if None in limits or not limits else max(x for x in limits if x),
            online=bool(caps) and all(c.online for c in caps),
            voices=tuple(v for v in VOICES if any(v in c.voices for c in caps)),
            min_rate=min((c.min_rate for c in caps), default=1.0),
            max_rate=max((c.max_rate for c in caps), default=1.0), retries=True)

    @property
    def spec(self) -> str:
        return ",".join(e.name for e in self.engines)

    def synthesize(self, sentences: Sequence[str], voice: str, rate: float, *,
                   progress: Callable[[int], None] | None = None, batch: int = 0,
                   ) -> Synthesis:
        """One engine's clips for all `sentences`, falling back engine by engine.

        With `batch` > 0 the engine is called `batch` sentences at a time and `progress`
        gets the number of clips made so far — so a long bulletin can report progress
        and still come from one engine: if an engine fails half way, the next engine
        starts again from the first sentence (and progress goes back to 0).
        """
        failures: list[Failure] = []
        for engine in self.engines:
            skip = self._skip(engine, sentences, voice, rate)
            if skip:
                failures.append(skip)
                continue
            result = self._run(engine, sentences, voice, rate, failures,
                               progress or (lambda done: None), batch or len(sentences) or 1)
            if result is not None:
                result.meta["chain"] = self.spec
                if failures:
                    result.meta["fallback"] = "; ".join(str(f) for f in failures)
                    result.meta["failed_engines"] = ",".join(
                        f.engine for f in failures if f.kind != "unsuitable")
                return result
        self._raise(failures, voice)

    def _skip(self, engine: Engine, sentences: Sequence[str], voice: str,
              rate: float) -> Failure | None:
        """Why not to even try `engine` (checked without calling it), or None."""
        caps = engine.capabilities
        if voice in VOICES and voice not in caps.voices:
            return Failure(engine.name, "unsuitable", f"has no {voice!r} voice")
        if not caps.min_rate <= rate <= caps.max_rate:
            return Failure(engine.name, "unsuitable", f"cannot speak at rate {rate:g} "
                           f"(only {caps.min_rate:g}–{caps.max_rate:g})")
        if self.breaker is not None and not self.breaker.allow(engine.name):
            covers = getattr(engine, "covers", None)  # a cached engine needs no calls
            if covers is None or not covers(sentences, voice, rate):
                return Failure(engine.name, "open", "skipped for a while after repeated "
                               "failures (circuit breaker open on all workers)")
        return None

    def _run(self, engine: Engine, sentences: Sequence[str], voice: str, rate: float,
             failures: list[Failure], progress: Callable[[int], None],
             batch: int) -> Synthesis | None:
        """All sentences from `engine` in batches, or None (with the failure recorded)."""
        made: Synthesis | None = None
        progress(0)
        for start in range(0, len(sentences), batch):
            part = self._call(engine, sentences[start:start + batch], voice, rate, failures)
            if part is None:
                return None
            if made is None:
                made = part
            else:
                made.extend(part)
            progress(len(made.clips))
        if made is None:  # no sentences at all: still say which engine would have spoken
            made = engine.synthesize([], voice, rate)
        return made

    def _call(self, engine: Engine, sentences: Sequence[str], voice: str, rate: float,
              failures: list[Failure]) -> Synthesis | None:
        """One engine call with the chain's retries (none if the engine retries itself)."""
        tries = 1 if engine.capabilities.retries else self.attempts
        for attempt in range(tries):
            try:
                result = engine.synthesize(sentences, voice, rate)
            except PermanentEngineError as exc:
                failures.append(Failure(engine.name, "permanent", str(exc)))
                return None  # not an outage: the breaker is for engines that are down
            except TransientEngineError as exc:
                if attempt + 1 < tries:
                    delay = exc.retry_after or self.backoff * 2**attempt * (0.5 + self.jitter() / 2)
                    self.sleep(min(self.max_backoff, delay))
                    continue
                failures.append(Failure(engine.name, "transient", str(exc), exc.retry_after))
                if self.breaker is not None:
                    self.breaker.record_failure(engine.name, exc.retry_after)
                return None
            if len(result.clips) != len(sentences):  # a bug in the engine, not an outage
                raise RuntimeError(f"{engine.name} returned {len(result.clips)} clips for "
                                   f"{len(sentences)} sentences")
            if self.breaker is not None and result.calls:
                self.breaker.record_success(engine.name)
            return result
        return None  # pragma: no cover - the loop always returns

    def _raise(self, failures: list[Failure], voice: str) -> NoReturn:
        kinds = {f.kind for f in failures}
        hints = []
        if kinds & {"transient", "open"}:
            hints.append("online engines look unreachable or rate-limited (retry later)")
        if "permanent" in kinds:
            hints.append("an engine is misconfigured or lacks a voice (see its message)")
        if "unsuitable" in kinds:
            hints.append(f"pick another voice or rate than {voice!r}, or add an engine "
                         "that has it")
        hints.append("add espeak (always available offline) to the engine chain, or "
                     "re-render with another engine")
        advice = "What to do: " + "; ".join(hints) + "."
        if failures and kinds <= {"transient", "open"}:
            waits = [f.retry_after for f in failures if f.retry_after]
            raise AllEnginesBusy(failures, advice, max(waits, default=None))
        raise AllEnginesFailed(failures, advice)
