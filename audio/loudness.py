"""Loudness measurement and normalization with a true-peak ceiling.

Every profile promises a loudness (LUFS, ITU-R BS.1770 via `pyloudnorm`) and a true
peak of at most -1 dBTP. Speech engines give peaky audio (espeak: about -19 LUFS with
0 dBFS peaks), so reaching -16 LUFS means raising the level by ~3 dB while removing
~4 dB from the peaks: a plain gain would clip. We apply the gain, then a look-ahead
peak limiter driven by a 4x-oversampled peak envelope, and re-measure until both the
loudness and the peak hold.
"""

from __future__ import annotations

import functools
import math
from array import array
from dataclasses import dataclass

import numpy as np
import pyloudnorm
from numpy.typing import NDArray
from scipy import ndimage, signal

from audio.dsp import Samples, db_to_gain, peak_envelope, true_peak_db

#: limiter gain resolution in samples (0.7 ms at 44.1 kHz; gain ramps last 5+ ms)
LIMITER_BLOCK = 32
_BLOCK = LIMITER_BLOCK
#: pyloudnorm needs at least one 400 ms gating block
_MIN_SECONDS = 0.4
#: samples measured at a time
_CHUNK = 1 << 16


@functools.cache
def _meter(rate: int) -> pyloudnorm.Meter:
    return pyloudnorm.Meter(rate)


def block_energies(x: Samples, rate: int) -> np.ndarray:
    """K-weighted mean square of each 400 ms gating block (75 % overlap), BS.1770.

    Kept separate from the gating so a caller can cache the blocks of unchanged audio
    and gate the concatenation (see `audio.segmented`). Computed chunk by chunk
    (`Meter`), so a long signal costs no float64 copies of itself.
    """
    meter = Meter(rate)
    for lo in range(0, x.size, _CHUNK):
        meter.push(x[lo:lo + _CHUNK])
    return meter.energies()


def gated_lufs(z: np.ndarray) -> float:
    """Integrated loudness from block energies: absolute then relative gate."""
    if z.size == 0:
        return -math.inf
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10.0 * np.log10(z)
        above_abs = z[loud >= -70.0]
        if above_abs.size == 0:
            return -math.inf
        gamma_r = -0.691 + 10.0 * np.log10(above_abs.mean()) - 10.0
        gated = z[(loud > gamma_r) & (loud > -70.0)]
        if gated.size == 0:
            return -math.inf
        return float(-0.691 + 10.0 * np.log10(gated.mean()))


def integrated_lufs(x: Samples, rate: int) -> float:
    """Integrated loudness in LUFS (-inf for silence or audio shorter than 0.4 s).

    pyloudnorm's K-weighting filters, with its BS.1770 gating vectorized: pyloudnorm
    sums each 400 ms block in a Python loop (~16,000 numpy calls for five minutes of
    speech), which made loudness the slowest step of a render. Block edges are computed
    exactly as pyloudnorm does, so results agree with it to rounding (tested).
    """
    return gated_lufs(block_energies(x, rate))


def limit(x: Samples, rate: int, ceiling_db: float, lookahead_ms: float = 5.0,
          release_ms: float = 60.0, envelope: Samples | None = None) -> Samples:
    """Look-ahead peak limiter: the gain is never above what keeps the peaks under.

    The gain each sample needs (from the true-peak envelope) is taken per block of
    `_BLOCK` samples (the block's minimum), then a sliding minimum as wide as the
    look-ahead, then a moving average half that wide: each averaged value is a
    minimum over a window containing the block, so the ceiling holds while the gain
    ramps over `lookahead_ms` instead of jumping. A slower release comes from taking
    the min with an exponentially smoothed copy. The block gain is interpolated back to
    samples after a 3-block minimum, which keeps every interpolated value under the
    need of the samples it covers. Working per block makes this ~30x cheaper.
    `envelope` may be passed when known (scaling x scales its envelope).
    """
    ceiling = db_to_gain(ceiling_db)
    env = peak_envelope(x, floor=ceiling / 2) if envelope is None else envelope
    if x.size == 0 or float(env.max()) <= ceiling:
        return x
    blocks = -(-x.size // _BLOCK)
    need = np.ones(blocks * _BLOCK, np.float32)
    need[:x.size] = np.minimum(1.0, ceiling / np.maximum(env, 1e-9))
    gain = block_gain(need.reshape(blocks, _BLOCK).min(axis=1), rate / _BLOCK,
                      lookahead_ms, release_ms)
    # linear interpolation between block centres, done by hand (np.interp searches)
    pos = (np.arange(blocks * _BLOCK, dtype=np.float32) - (_BLOCK - 1) / 2) / _BLOCK
    lo = np.clip(np.floor(pos).astype(np.int64), 0, blocks - 1)
    hi = np.minimum(lo + 1, blocks - 1)
    frac = np.clip(pos - lo, 0.0, 1.0)
    per_sample = gain[lo] + (gain[hi] - gain[lo]) * frac
    return (x * per_sample[:x.size]).astype(np.float32)


def block_gain(need: NDArray[np.float32], block_rate: float, lookahead_ms: float = 5.0,
               release_ms: float = 60.0) -> NDArray[np.float32]:
    """The limiter's gain per block from the gain each block needs (last axis: time).

    Works on a stack of needs too (one row per candidate gain, see
    `audio.streaming.LimiterModel`), with exactly the operations `limit` uses.
    """
    width = max(1, round(block_rate * lookahead_ms / 1000))
    gain = ndimage.minimum_filter1d(need, size=2 * width + 1, mode="nearest", axis=-1)
    gain = ndimage.uniform_filter1d(gain, size=width, mode="nearest", axis=-1)
    a = math.exp(-1000.0 / (release_ms * block_rate))
    g64 = gain.astype(np.float64)
    released, _ = signal.lfilter([1 - a], [1, -a], g64, axis=-1, zi=g64[..., :1] * a)
    gain = ndimage.minimum_filter1d(np.minimum(gain, released.astype(np.float32)), size=3,
                                    mode="nearest", axis=-1)
    return np.asarray(gain, dtype=np.float32)


@dataclass(frozen=True)
class LoudnessReport:
    """What normalization did, recorded beside each rendition for audits."""

    input_lufs: float
    output_lufs: float
    output_true_peak_db: float
    gain_db: float
    iterations: int


def normalize(x: Samples, rate: int, target_lufs: float, true_peak_db_max: float = -1.0,
              margin_db: float = 0.3, tolerance_lu: float = 0.5,
              max_iterations: int = 4) -> tuple[Samples, LoudnessReport]:
    """Bring `x` to `target_lufs` with true peaks under `true_peak_db_max`.

    The limiter aims `margin_db` under the ceiling because 4x oversampling can
    underestimate true peaks slightly and 16-bit rounding adds a little. Limiting
    lowers loudness, so the gain is raised by the shortfall and the original is
    limited again (never the already-limited copy, which would compound distortion).
    """
    measured = integrated_lufs(x, rate)
    if not math.isfinite(measured):
        return x, LoudnessReport(measured, measured, true_peak_db(x), 0.0, 0)
    gain_db = target_lufs - measured
    ceiling = true_peak_db_max - margin_db
    out, out_lufs, iterations = x, measured, 0
    # exact oversampled peaks are needed only where the gain could push a peak near
    # the ceiling: allow 4 dB more gain than the first guess and 6 dB inter-sample rise;
    # the safety net below catches the rest
    env = peak_envelope(x, floor=db_to_gain(ceiling - gain_db - 10.0))
    prev: tuple[float, float] | None = None
    for iterations in range(1, max_iterations + 1):  # noqa: B007 - reported below
        g = db_to_gain(gain_db)
        out = limit((x * g).astype(np.float32), rate, ceiling, envelope=env * g)
        out_lufs = integrated_lufs(out, rate)
        shortfall = target_lufs - out_lufs
        if abs(shortfall) <= tolerance_lu:
            break
        # secant step: limiting eats more loudness the harder it works, so the
        # loudness-vs-gain slope is below 1 and a plain "add the shortfall" crawls
        slope = 1.0
        if prev is not None and abs(gain_db - prev[0]) > 1e-6:
            slope = min(1.0, max(0.2, (out_lufs - prev[1]) / (gain_db - prev[0])))
        prev = (gain_db, out_lufs)
        gain_db += shortfall / slope
    peak = true_peak_db(out)
    if peak > true_peak_db_max:  # safety net; the limiter should make this unreachable
        out = (out * db_to_gain(true_peak_db_max - margin_db - peak)).astype(np.float32)
        out_lufs, peak = integrated_lufs(out, rate), true_peak_db(out)
    return out, LoudnessReport(measured, out_lufs, peak, gain_db, iterations)


def compress(x: Samples, rate: int, threshold_db: float = -24.0, ratio: float = 2.5,
             rms_ms: float = 20.0, smoothing_ms: float = 120.0,
             makeup_db: float = 0.0) -> Samples:
    """Gentle downward compression so soft syllables carry over a loudspeaker's noise.

    RMS detector and a smoothed gain curve, both vectorized. It evens the level
    between loud and soft passages; peaks are left to the limiter.
    """
    return Compressor(rate, threshold_db, ratio, rms_ms, smoothing_ms, makeup_db).push(x)


class Compressor:
    """`compress` chunk by chunk (one call on the whole signal is `compress` itself): the
    detector's and the gain smoother's filter states are carried across chunks."""

    def __init__(self, rate: int, threshold_db: float = -24.0, ratio: float = 2.5,
                 rms_ms: float = 20.0, smoothing_ms: float = 120.0,
                 makeup_db: float = 0.0) -> None:
        self.threshold_db, self.slope, self.makeup_db = threshold_db, 1 - 1 / ratio, makeup_db
        self.a = (math.exp(-1000.0 / (rms_ms * rate)), math.exp(-1000.0 / (smoothing_ms * rate)))
        self.state: list[np.ndarray | None] = [None, None]

    def _smooth(self, i: int, x: np.ndarray) -> np.ndarray:
        a = self.a[i]
        zi = self.state[i]
        if zi is None:  # as `dsp.one_pole`: start from the first value, no ramp from 0
            zi = np.array([x[0] * a])
        y, self.state[i] = signal.lfilter([1 - a], [1, -a], x, zi=zi)
        return np.asarray(y)

    def push(self, x: Samples) -> Samples:
        if x.size == 0:
            return x
        power = self._smooth(0, x.astype(np.float64) ** 2)
        level_db = 10 * np.log10(np.maximum(power, 1e-12))
        over = np.maximum(level_db - self.threshold_db, 0.0)
        reduction_db = self._smooth(1, over * self.slope)
        gain = 10 ** ((self.makeup_db - reduction_db) / 20)
        return (x * gain).astype(np.float32)


class Meter:
    """`integrated_lufs` of a stream, from per-gating-block energies, never samples.

    The K-weighting filters run with their state carried across chunks, and the
    K-weighted energy is summed per 100 ms hop of the whole signal's BS.1770 grid (a
    400 ms gating block is four hops: 75 % overlap), so the result is `integrated_lufs`
    of the whole signal to rounding. Memory: one float per 100 ms.
    """

    def __init__(self, rate: int) -> None:
        meter = _meter(rate)
        self.rate = rate
        self.filters = [(float(st.passband_gain), st.b, st.a) for st in meter._filters.values()]
        self.state = [np.zeros(max(len(a), len(b)) - 1) for _, b, a in self.filters]
        self.t_g, self.step = float(meter.block_size), 1.0 - float(meter.overlap)
        self.samples = 0
        self.hops = array("d")  # K-weighted energy of each finished hop
        self.acc = 0.0  # ... and of the hop being filled
        self.end = self._edge(1)

    def _edge(self, hop: int) -> int:
        """First sample of `hop`, computed exactly as `block_energies` computes it."""
        return int(self.t_g * (hop * self.step) * self.rate)

    def weight(self, x: Samples) -> NDArray[np.float64]:
        """K-weighted chunk (the filters' state advances)."""
        y: NDArray[np.float64] = x.astype(np.float64)
        for i, (gain, b, a) in enumerate(self.filters):
            out, self.state[i] = signal.lfilter(b, a, y, zi=self.state[i])
            y = gain * out
        return y

    def push(self, x: Samples) -> NDArray[np.float64]:
        """Measure a chunk; returns its K-weighted squares (for `LimiterModel`)."""
        squares = self.weight(x) ** 2
        self.add_squares(squares)
        return squares

    def add_squares(self, squares: NDArray[np.float64]) -> None:
        n0, n1 = self.samples, self.samples + squares.size
        i = 0
        while True:
            stop = min(self.end, n1) - n0
            self.acc += float(squares[i:stop].sum())
            i = stop
            if self.end > n1:
                break
            self.hops.append(self.acc)
            self.acc = 0.0
            self.end = self._edge(len(self.hops) + 1)
        self.samples = n1

    def energies(self) -> np.ndarray:
        """Mean square of each gating block, as `block_energies` of the whole signal."""
        n = self.samples
        if n < _MIN_SECONDS * self.rate:
            return np.zeros(0)
        blocks = round((n / self.rate - self.t_g) / (self.t_g * self.step)) + 1
        hops = np.zeros(blocks + 4)
        done = np.frombuffer(self.hops, dtype=np.float64)[:blocks + 4]
        hops[:done.size] = done
        if done.size < hops.size:
            hops[done.size] = self.acc
        per = round(1 / self.step)
        return np.asarray(sum(hops[k:k + blocks] for k in range(per)) / (self.t_g * self.rate))

    def lufs(self) -> float:
        return gated_lufs(self.energies())
