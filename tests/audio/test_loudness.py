"""Loudness and true peak, checked against signals whose answers are known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from audio import dsp, loudness
from audio.engines.espeak import EspeakEngine

RATE = 48000


def sine(freq: float, amp: float, seconds: float = 3.0, phase: float = 0.0) -> dsp.Samples:
    t = np.arange(int(RATE * seconds)) / RATE
    return (amp * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)


def test_sine_loudness_matches_bs1770() -> None:
    # BS.1770: a 997 Hz sine at 0 dBFS in one channel reads -3.01 LKFS
    assert loudness.integrated_lufs(sine(997, 0.1), RATE) == pytest.approx(-23.01, abs=0.1)
    assert loudness.integrated_lufs(sine(997, 0.1, seconds=0.2), RATE) == -math.inf


def test_true_peak_sees_between_samples() -> None:
    x = sine(RATE / 4, 0.5, phase=math.pi / 4)  # samples land at ±0.354, peak is 0.5
    assert 20 * math.log10(float(np.abs(x).max())) == pytest.approx(-9.03, abs=0.05)
    assert dsp.true_peak_db(x) == pytest.approx(-6.02, abs=0.3)


def test_limiter_holds_the_ceiling() -> None:
    rng = np.random.default_rng(7)
    x = (rng.standard_normal(RATE * 2) * 0.5).astype(np.float32)
    y = loudness.limit(x, RATE, -3.0)
    assert dsp.true_peak_db(y) <= -3.0 + 0.05
    quiet = (x * 0.05).astype(np.float32)
    assert loudness.limit(quiet, RATE, -3.0) is quiet  # nothing to do, nothing touched


@pytest.fixture(scope="module")
def speech() -> tuple[dsp.Samples, int]:
    clips = EspeakEngine().synthesize(
        ["Ban Thường vụ Tỉnh ủy đã ban hành kế hoạch.", "Nhân dân chủ động phòng tránh."],
        "north", 1.0).clips
    seg = clips[0] + clips[1]
    return dsp.to_samples(seg), seg.frame_rate


@pytest.mark.parametrize("target", [-23.0, -16.0, -14.0])
def test_normalize_reaches_target_without_overs(speech: tuple[dsp.Samples, int],
                                                target: float) -> None:
    x, rate = speech
    assert dsp.true_peak_db(x) > -1.0  # espeak peaks near full scale: gain alone would clip
    y, report = loudness.normalize(x, rate, target)
    assert loudness.integrated_lufs(y, rate) == pytest.approx(target, abs=0.35)
    assert dsp.true_peak_db(y) <= -1.0
    assert report.output_true_peak_db <= -1.0 and report.iterations <= 4


def test_compression_evens_levels() -> None:
    x = np.concatenate([sine(500, 0.5, 1.0), sine(500, 0.05, 1.0)])
    y = loudness.compress(x, RATE, threshold_db=-30.0, ratio=3.0)

    def spread(z: dsp.Samples) -> float:
        a, b = z[RATE // 2: RATE], z[RATE + RATE // 2:]
        return float(20 * np.log10(np.sqrt(np.mean(a ** 2)) / np.sqrt(np.mean(b ** 2))))

    assert spread(x) == pytest.approx(20.0, abs=0.1)
    assert spread(y) < 14.0


def test_vectorized_gating_matches_pyloudnorm() -> None:
    """Our integrated loudness is pyloudnorm's, computed without its per-block loop."""
    import numpy as np
    import pyloudnorm

    from audio.loudness import integrated_lufs

    rng = np.random.default_rng(7)
    for rate in (8000, 24000, 44100):
        x = (rng.standard_normal(rate * 5) * 0.1).astype(np.float32)
        x[rate : 2 * rate] *= 0.001  # a quiet stretch the relative gate must drop
        x[3 * rate : 3 * rate + rate // 3] = 0
        ref = pyloudnorm.Meter(rate).integrated_loudness(x.astype(np.float64))
        assert abs(integrated_lufs(x, rate) - ref) < 1e-6
