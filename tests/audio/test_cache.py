"""The sentence cache: re-renders cost nothing, one edit costs one call, the size stays
bounded, and concurrent worker processes never corrupt an entry."""

from __future__ import annotations

import multiprocessing
import os
import time
import unicodedata
import wave
from collections.abc import Sequence
from pathlib import Path

from audio.cache import CachedEngine, SentenceCache
from audio.engines.base import Capabilities, Synthesis
from audio.engines.espeak import EspeakEngine
from audio.media import AudioSegment

SENTENCES = ["Bắc Kạn tăng cường phòng chống thiên tai.", "Các địa phương chủ động ứng phó.",
             "Người dân được hướng dẫn sơ tán.", "Lực lượng cứu hộ trực hai mươi bốn giờ."]


class Counting:
    """Real espeak underneath; counts the sentences that reach it."""

    name = "espeak"
    capabilities = EspeakEngine.capabilities

    def __init__(self) -> None:
        self.engine, self.sent = EspeakEngine(), []  # type: ignore[var-annotated]

    def resolve_voice(self, voice: str) -> str:
        return self.engine.resolve_voice(voice)

    def synthesize(self, sentences: Sequence[str], voice: str, rate: float) -> Synthesis:
        self.sent.extend(sentences)
        return self.engine.synthesize(sentences, voice, rate)


def test_second_render_makes_zero_calls_and_one_edit_makes_one(tmp_path: Path) -> None:
    counting = Counting()
    engine = CachedEngine(counting, SentenceCache(tmp_path))
    first = engine.synthesize(SENTENCES, "north", 1.0)
    assert first.calls == 4 and first.engine == "espeak" and first.voice == "vi"

    again = engine.synthesize(SENTENCES, "north", 1.0)
    assert again.calls == 0 and again.meta["cache_hits"] == "4"
    assert [c.raw_data for c in again.clips] == [c.raw_data for c in first.clips]

    edited = [*SENTENCES[:2], "Người dân được hướng dẫn sơ tán sớm.", SENTENCES[3]]
    third = engine.synthesize(edited, "north", 1.0)
    assert third.calls == 1 and counting.sent[-1] == edited[2]
    assert third.clips[0].raw_data == first.clips[0].raw_data
    assert len(counting.sent) == 5


def test_whitespace_and_unicode_form_do_not_miss_but_voice_and_rate_do(tmp_path: Path) -> None:
    counting = Counting()
    engine = CachedEngine(counting, SentenceCache(tmp_path))
    engine.synthesize(SENTENCES[:1], "north", 1.0)
    nfd = "  " + unicodedata.normalize("NFD", SENTENCES[0]).replace(" ", "   ") + "\n"
    assert engine.synthesize([nfd], "north", 1.0).calls == 0
    assert engine.synthesize(SENTENCES[:1], "south", 1.0).calls == 1
    assert engine.synthesize(SENTENCES[:1], "north", 0.9).calls == 1
    assert engine.synthesize(SENTENCES[:1], "vi", 1.0).calls == 0  # same espeak voice


def test_duplicates_in_one_bulletin_are_synthesized_once(tmp_path: Path) -> None:
    counting = Counting()
    result = CachedEngine(counting, SentenceCache(tmp_path)).synthesize(
        [SENTENCES[0], SENTENCES[1], SENTENCES[0]], "north", 1.0)
    assert result.calls == 2 and len(result.clips) == 3


def clip(seed: int, ms: int = 200) -> AudioSegment:
    """A distinctive clip whose samples are a function of `seed`."""
    frames = ms * 16
    data = bytes((seed * 7 + i) % 251 for i in range(frames * 2))
    return AudioSegment(data=data, sample_width=2, frame_rate=16000, channels=1)


def test_eviction_keeps_the_bound_and_drops_least_recently_used(tmp_path: Path) -> None:
    cache = SentenceCache(tmp_path, max_bytes=40_000)
    keys = [cache.key("fp", "vi", 1.0, f"câu {i}") for i in range(12)]
    past = time.time() - 1000
    for i, key in enumerate(keys):
        cache.put(key, clip(i))  # 6.4 kB each: about six fit
        os.utime(cache.path(key), (past + i, past + i))  # written in order, long ago
        if i == 3:
            assert cache.get(keys[0]) is not None  # a hit: keys[0] becomes the most recent
        assert cache.size() <= 40_000
    assert cache.get(keys[0]) is not None  # used recently, kept
    assert cache.get(keys[1]) is None  # least recently used, evicted
    assert cache.get(keys[-1]) is not None


def test_damaged_entries_are_misses_and_leftover_temp_files_are_swept(tmp_path: Path) -> None:
    cache = SentenceCache(tmp_path)
    key = cache.key("fp", "vi", 1.0, "hỏng")
    cache.put(key, clip(1))
    cache.path(key).write_bytes(b"RIFF\x00garbage")
    assert cache.get(key) is None and not cache.path(key).exists()
    stale = cache.path(key).parent / ".tmp-deadbeef"
    stale.write_bytes(b"half")
    os.utime(stale, (0, 0))
    cache.evict()
    assert not stale.exists()


def test_eviction_tolerates_files_vanishing(tmp_path: Path) -> None:
    a, b = SentenceCache(tmp_path, max_bytes=10_000), SentenceCache(tmp_path, max_bytes=10_000)
    for i in range(10):
        a.put(a.key("fp", "vi", 1.0, str(i)), clip(i))
    entries = list(a._entries())
    for path, _, _ in entries[::2]:
        path.unlink()  # another process evicted these after we listed them
    assert b.evict() <= 10_000 and a.evict() <= 10_000


def _worker(root: str, worker: int) -> None:
    cache = SentenceCache(root, max_bytes=120_000)
    for round_ in range(3):
        for i in range(24):
            key = cache.key("fp", "vi", 1.0, f"sentence {i}")
            got = cache.get(key)
            if got is not None:
                assert got.raw_data == clip(i).raw_data, f"corrupt entry for {i}"
            if (i + worker + round_) % 2 == 0:
                cache.put(key, clip(i))


def test_concurrent_processes_never_corrupt_entries(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_worker, args=(str(tmp_path), w)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    cache = SentenceCache(tmp_path, max_bytes=120_000)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files and not [p for p in files if p.name.startswith(".tmp-")]
    by_name = {cache.key("fp", "vi", 1.0, f"sentence {i}"): i for i in range(24)}
    for path in files:
        with wave.open(str(path)) as wav:
            assert wav.readframes(wav.getnframes()) == clip(by_name[path.stem]).raw_data
    assert cache.size() <= 120_000 + 4 * 6_500  # each process may overshoot by one entry


def test_cached_engine_passes_capabilities_through(tmp_path: Path) -> None:
    engine = CachedEngine(EspeakEngine(), SentenceCache(tmp_path))
    assert engine.name == "espeak" and isinstance(engine.capabilities, Capabilities)
    assert not engine.covers(["Chưa có."], "north", 1.0)
    engine.synthesize(["Chưa có."], "north", 1.0)
    assert engine.covers(["Chưa có."], "north", 1.0)
