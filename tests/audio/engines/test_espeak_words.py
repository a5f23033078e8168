"""espeak-ng's word events, read through ctypes: one start per word, where the sound is."""

from __future__ import annotations

import numpy as np

from audio import dsp
from audio.engines.espeak import EspeakEngine
from audio.words import word_spans

COUNTED = "Một, hai, ba, bốn, năm."


def level(x: np.ndarray, rate: int, lo_ms: int, hi_ms: int) -> float:
    part = x[max(0, rate * lo_ms // 1000): rate * hi_ms // 1000]
    return float(np.sqrt(np.mean(part.astype(np.float64) ** 2))) if part.size else 0.0


def test_each_word_gets_a_start_from_the_engine() -> None:
    text = "Ủy ban nhân dân tỉnh, ngày hai mươi bảy tháng hai – năm nghìn."
    made = EspeakEngine().synthesize([text, "", "  Xin chào  "], "north", 1.0)
    starts = made.words[0]
    assert starts is not None and len(starts) == len(word_spans(text)) == 13
    assert starts == sorted(set(starts)) and starts[0] < 50
    assert starts[-1] < len(made.clips[0]) - 100  # the last word has sound after it
    assert made.words[1] is None  # nothing said, nothing reported
    assert made.words[2] is not None and len(made.words[2]) == 2  # padding is not a word


def test_a_word_after_a_comma_starts_where_its_sound_does() -> None:
    made = EspeakEngine().synthesize([COUNTED], "north", 1.0)
    x, rate = dsp.to_samples(made.clips[0]), made.clips[0].frame_rate
    starts = made.words[0]
    assert starts is not None and len(starts) == 5
    for t in starts[1:]:  # the comma's pause just before, the word's sound just after
        assert level(x, rate, t - 100, t - 20) * 4 < level(x, rate, t + 20, t + 120), t


def test_word_times_follow_the_rate() -> None:
    slow, fast = (EspeakEngine().synthesize([COUNTED], "north", r) for r in (1.0, 2.0))
    s, f = slow.words[0], fast.words[0]
    assert s is not None and f is not None and f[-1] < s[-1] * 0.6
    # the last word starts as far into its clip at either rate (times are the clip's own)
    assert abs(f[-1] / len(fast.clips[0]) - s[-1] / len(slow.clips[0])) < 0.1
