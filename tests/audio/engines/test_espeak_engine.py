"""espeak-ng through ctypes: every Vietnamese voice speaks, and rate means rate."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from audio.engines.base import VOICES, Engine, engine_fingerprint
from audio.engines.espeak import VOICE_MAP, EspeakEngine
from audio.errors import PermanentEngineError
from audio.media import AudioSegment

from .fakegoogle import loud

SENTENCE = "Ủy ban nhân dân tỉnh vừa ban hành chỉ thị về phòng chống thiên tai."
SYLLABLES = len(SENTENCE.split())


@pytest.mark.parametrize("voice", VOICES)
def test_each_voice_speaks_for_a_plausible_time(voice: str) -> None:
    result = EspeakEngine().synthesize([SENTENCE], voice, 1.0)
    clip = result.clips[0]
    assert result.voice == VOICE_MAP[voice] and result.engine == "espeak"
    assert loud(clip)
    # Vietnamese news is read at 3–6 syllables a second
    assert SYLLABLES / 6 * 1000 < len(clip) < SYLLABLES / 2 * 1000


def test_voices_sound_different() -> None:
    lengths = [len(EspeakEngine().synthesize([SENTENCE], v, 1.0).clips[0]) for v in VOICES]
    assert len(set(lengths)) == 3  # each region has its own phoneme timings


def test_rate_changes_duration_monotonically() -> None:
    rates = [0.5, 0.75, 1.0, 1.25, 1.5, 2.0]
    durations = [len(EspeakEngine().synthesize([SENTENCE], "north", r).clips[0]) for r in rates]
    assert durations == sorted(durations, reverse=True)
    assert len(set(durations)) == len(rates)
    assert durations[0] / durations[-1] > 2.5  # 4x nominal; pauses do not scale fully


def median_f0(clip: AudioSegment) -> float:
    """Median fundamental frequency of the loud 40 ms frames, by autocorrelation."""
    samples = np.array(clip.get_array_of_samples(), dtype=float)
    rate, n = clip.frame_rate, int(0.04 * clip.frame_rate)
    lo, hi = rate // 400, rate // 60
    found = []
    for i in range(0, len(samples) - n, n):
        frame = samples[i:i + n] - samples[i:i + n].mean()
        if np.abs(frame).max() < 3000:
            continue
        corr = np.correlate(frame, frame, "full")[n - 1:]
        found.append(rate / (lo + int(np.argmax(corr[lo:hi]))))
    return float(np.median(found))


def test_pitch_raises_the_voice_and_changes_the_fingerprint() -> None:
    f0 = [median_f0(EspeakEngine(pitch=p).synthesize([SENTENCE], "north", 1.0).clips[0])
          for p in (10, 50, 90)]
    assert 60 < f0[0] < f0[1] < f0[2] < 400
    assert engine_fingerprint(EspeakEngine(pitch=20), "north") != engine_fingerprint(
        EspeakEngine(pitch=80), "north")


def test_one_clip_per_sentence_empty_ones_silent() -> None:
    result = EspeakEngine().synthesize(["Một.", "  ", "Hai ba."], "south", 1.0)
    assert isinstance(EspeakEngine(), Engine)
    assert len(result.clips) == 3 and len(result.clips[1]) == 0
    assert result.calls == 3 and all(c.frame_rate == 22050 for c in result.clips)


def test_unknown_voice_is_permanent() -> None:
    with pytest.raises(PermanentEngineError):
        EspeakEngine().synthesize([SENTENCE], "hue", 1.0)


def test_threads_share_the_library_safely() -> None:
    # espeak adds a little random flutter, so compare lengths, not bytes: samples of two
    # syntheses mixed in one buffer would double a clip or cut it short.
    expected = len(EspeakEngine().synthesize([SENTENCE], "central", 1.0).clips[0])
    results: list[int] = []

    def speak() -> None:
        for _ in range(5):
            results.append(len(EspeakEngine().synthesize([SENTENCE], "central", 1.0).clips[0]))

    threads = [threading.Thread(target=speak) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 20
    assert all(abs(r - expected) < 0.03 * expected for r in results)
