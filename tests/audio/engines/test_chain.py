"""The engine chain: fall back for the whole rendition, record who spoke, skip engines
that are down fleet-wide, and explain total failure to an editor."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
import requests

from audio.cache import CachedEngine, SentenceCache
from audio.engines.base import Capabilities, Engine, Synthesis
from audio.engines.chain import AllEnginesBusy, AllEnginesFailed, EngineChain
from audio.engines.espeak import EspeakEngine
from audio.engines.gtts_engine import GttsEngine, RetryPolicy
from audio.engines.piper_engine import PiperEngine
from audio.errors import PermanentEngineError, TransientEngineError
from audio.ratelimit import LocalCircuitBreaker

from .fakegoogle import FakeGoogle, Sleeps, loud, ok, raises, status

BULLETIN = ["Bắc Kạn tăng cường phòng chống thiên tai.", "Các địa phương chủ động ứng phó.",
            "Người dân được hướng dẫn sơ tán khi cần."]


def gtts(google: FakeGoogle, sleeps: Sleeps) -> GttsEngine:
    return GttsEngine(session_factory=google.session, sleep=sleeps,
                      retry=RetryPolicy(attempts=2, backoff=0.1))


class Flaky:
    """A tiny engine double that fails a given number of times, then speaks via espeak."""

    name = "flaky"
    capabilities = Capabilities(max_chars=None, online=False, voices=("north",))

    def __init__(self, failures: list[Exception]) -> None:
        self.failures, self.calls = failures, 0

    def synthesize(self, sentences: Sequence[str], voice: str, rate: float) -> Synthesis:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        result = EspeakEngine().synthesize(sentences, voice, rate)
        return Synthesis(result.clips, self.name, "flaky-vi", calls=len(sentences))


def test_gtts_down_falls_back_to_espeak_and_says_so(sleeps: Sleeps) -> None:
    google = FakeGoogle(status(503))
    chain = EngineChain([gtts(google, sleeps), EspeakEngine()], sleep=sleeps)
    assert isinstance(chain, Engine)
    result = chain.synthesize(BULLETIN, "north", 1.0)
    assert result.engine == "espeak" and result.voice == "vi"
    assert all(loud(c) for c in result.clips)
    assert "gtts (transient)" in result.meta["fallback"] and "503" in result.meta["fallback"]
    assert result.meta["chain"] == "gtts,espeak"
    assert len(google.sent) == 2  # gTTS retried itself; the chain did not retry it again


def test_a_rendition_never_mixes_engines(sleeps: Sleeps) -> None:
    google = FakeGoogle(ok, ok, raises(requests.ConnectionError("network down")))
    result = EngineChain([gtts(google, sleeps), EspeakEngine()], sleep=sleeps).synthesize(
        BULLETIN, "north", 1.0)
    assert result.engine == "espeak"  # the whole bulletin, not just the third sentence
    assert {c.frame_rate for c in result.clips} == {22050}  # espeak's, not Google's 24 kHz


def test_open_breaker_skips_gtts_without_calling_it(sleeps: Sleeps) -> None:
    google = FakeGoogle(raises(requests.ConnectionError("Failed to resolve host")))
    breaker = LocalCircuitBreaker(threshold=2, cooldown=300)
    chain = EngineChain([gtts(google, sleeps), EspeakEngine()], breaker=breaker, sleep=sleeps)
    for _ in range(2):
        assert chain.synthesize(BULLETIN[:1], "north", 1.0).engine == "espeak"
    calls_so_far = len(google.sent)
    result = chain.synthesize(BULLETIN, "north", 1.0)
    assert len(google.sent) == calls_so_far  # not even one request
    assert result.engine == "espeak" and "circuit breaker open" in result.meta["fallback"]


def test_success_closes_the_breaker(sleeps: Sleeps) -> None:
    breaker = LocalCircuitBreaker(threshold=2)
    breaker.record_failure("flaky")
    EngineChain([Flaky([])], breaker=breaker).synthesize(BULLETIN[:1], "north", 1.0)
    breaker.record_failure("flaky")
    assert breaker.allow("flaky")  # the count started again after the success


def test_transient_failures_retry_with_capped_backoff(sleeps: Sleeps) -> None:
    flaky = Flaky([TransientEngineError("busy", retry_after=60), TransientEngineError("busy")])
    chain = EngineChain([flaky], attempts=3, backoff=1.0, max_backoff=4.0, sleep=sleeps,
                        jitter=lambda: 1.0)
    assert chain.synthesize(BULLETIN[:1], "north", 1.0).engine == "flaky"
    assert sleeps == [4.0, 2.0] and flaky.calls == 3


def test_permanent_failure_moves_on_at_once(sleeps: Sleeps) -> None:
    flaky = Flaky([PermanentEngineError("voice file corrupt")])
    result = EngineChain([flaky, EspeakEngine()], sleep=sleeps).synthesize(
        BULLETIN, "north", 1.0)
    assert result.engine == "espeak" and flaky.calls == 1 and sleeps == []
    assert "flaky (permanent): voice file corrupt" in result.meta["fallback"]


def test_engines_without_the_voice_are_skipped(sleeps: Sleeps) -> None:
    google = FakeGoogle(ok)
    result = EngineChain([gtts(google, sleeps), EspeakEngine()]).synthesize(
        BULLETIN[:1], "south", 1.0)
    assert result.voice == "vi-vn-x-south" and google.sent == []


def test_all_down_is_transient_and_actionable(sleeps: Sleeps) -> None:
    google = FakeGoogle(status(429, "900"))
    breaker = LocalCircuitBreaker(threshold=5)
    chain = EngineChain([gtts(google, sleeps), Flaky([TransientEngineError("x")] * 9)],
                        breaker=breaker, attempts=1, sleep=sleeps)
    with pytest.raises(AllEnginesBusy) as err:
        chain.synthesize(BULLETIN, "north", 1.0)
    assert isinstance(err.value, TransientEngineError) and err.value.retry_after == 900
    assert "gtts (transient)" in str(err.value) and "retry later" in str(err.value)
    assert not breaker.allow("gtts")  # Google said 900 s: the whole fleet stays away


def test_misconfiguration_is_permanent_and_says_what_to_do(tmp_path: Path,
                                                            sleeps: Sleeps) -> None:
    chain = EngineChain([PiperEngine(tmp_path)], sleep=sleeps)
    with pytest.raises(AllEnginesFailed) as err:
        chain.synthesize(BULLETIN, "north", 1.0)
    message = str(err.value)
    assert isinstance(err.value, PermanentEngineError)
    assert "piper (permanent)" in message and "PIPER_VOICES_DIR" in message
    assert "add espeak" in message


def test_open_breaker_still_serves_a_fully_cached_rendition(tmp_path: Path,
                                                            sleeps: Sleeps) -> None:
    google = FakeGoogle(ok)
    cached = CachedEngine(gtts(google, sleeps), SentenceCache(tmp_path))
    breaker = LocalCircuitBreaker(threshold=1)
    chain = EngineChain([cached, EspeakEngine()], breaker=breaker)
    assert chain.synthesize(BULLETIN, "north", 1.0).engine == "gtts"
    breaker.record_failure("gtts")  # Google goes down after the first render
    sent = len(google.sent)
    again = chain.synthesize(BULLETIN, "north", 1.0)
    assert again.engine == "gtts" and again.calls == 0 and len(google.sent) == sent
    assert chain.synthesize([*BULLETIN, "Tin mới."], "north", 1.0).engine == "espeak"


def test_failed_gtts_leaves_no_files(tmp_path: Path, sleeps: Sleeps) -> None:
    google = FakeGoogle(status(500))
    cache = SentenceCache(tmp_path)
    chain = EngineChain([CachedEngine(gtts(google, sleeps), cache),
                         CachedEngine(EspeakEngine(), cache)], sleep=sleeps)
    assert chain.synthesize(BULLETIN, "north", 1.0).engine == "espeak"
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == len(BULLETIN) and all(p.stat().st_size > 1000 for p in files)


def test_batches_report_progress_and_still_come_from_one_engine(sleeps: Sleeps) -> None:
    google = FakeGoogle(ok, ok, status(500))  # fails in the second batch
    done: list[int] = []
    result = EngineChain([gtts(google, sleeps), EspeakEngine()], sleep=sleeps).synthesize(
        BULLETIN, "north", 1.0, progress=done.append, batch=2)
    assert result.engine == "espeak" and len(result.clips) == 3
    assert done == [0, 2, 0, 2, 3]  # gTTS got two sentences in, then espeak from the start
    assert result.calls == 3


def test_empty_rendition_names_its_engine() -> None:
    result = EngineChain([EspeakEngine()]).synthesize([], "north", 1.0)
    assert result.engine == "espeak" and result.clips == []
