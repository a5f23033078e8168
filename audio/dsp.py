"""Sample-level helpers shared by assembly, loudness and the broadcast profiles.

pydub is good at slicing and joining, but its resampler (`audioop.ratecv`) aliases and
it has no filters, so everything that changes samples goes through numpy/scipy here.
Audio is float32 in [-1, 1], mono (shape `(n,)`): every bantin output is mono, and
float32 keeps a 5-minute 44.1 kHz bulletin near 50 MB per working copy.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Iterator

import numpy as np
from numpy.typing import NDArray
from scipy import signal

from audio.media import AudioSegment

Samples = NDArray[np.float32]

_INT16_SCALE = 32768.0


def to_samples(seg: AudioSegment) -> Samples:
    """Mono float32 samples of a segment (channels averaged, any sample width)."""
    raw = np.array(seg.get_array_of_samples(), dtype=np.float32)
    scale = float(1 << (8 * seg.sample_width - 1))
    if seg.channels > 1:
        raw = raw.reshape(-1, seg.channels).mean(axis=1)
    return (raw / scale).astype(np.float32, copy=False)


def to_segment(x: Samples, rate: int) -> AudioSegment:
    """16-bit mono segment; values beyond full scale are clipped, not wrapped."""
    pcm = np.clip(np.round(x * _INT16_SCALE), -32768, 32767).astype("<i2")
    return AudioSegment(data=pcm.tobytes(), sample_width=2, frame_rate=rate, channels=1)


def resample(x: Samples, src: int, dst: int) -> Samples:
    """Band-limited polyphase resampling (no aliasing, unlike pydub's set_frame_rate)."""
    if src == dst or x.size == 0:
        return x
    g = math.gcd(src, dst)
    return signal.resample_poly(x, dst // g, src // g).astype(np.float32, copy=False)


def bandpass(x: Samples, rate: int, low_hz: float | None, high_hz: float | None,
             hp_order: int = 6, lp_order: int = 10) -> Samples:
    """Elliptic band limiting (0.5 dB ripple, 50/60 dB stop band).

    Horn loudspeakers and phone lines reproduce only their band; elliptic edges give
    the steepest transition per filter order, so almost nothing is spent just outside
    the band (Butterworth of the same order leaves ~8 dB more above 7 kHz). The phase
    distortion near the edges is inaudible on speech.
    """
    out: NDArray[np.floating] = x
    for sos in _sos(rate, low_hz, high_hz, hp_order, lp_order):
        out = signal.sosfilt(sos, out)
    return np.asarray(out, dtype=np.float32)


# 4x oversampling interpolator for true-peak estimation (ITU-R BS.1770-4 Annex 2 asks
# for 4x at 48 kHz with a 48-tap filter; a Kaiser-windowed sinc of that size matches it).
_OS = 4
_TAPS = 48
_INTERP = (signal.firwin(_TAPS, 1.0 / _OS, window=("kaiser", 8.0)) * _OS).astype(np.float32)
_PHASES = [_INTERP[p::_OS] for p in range(_OS)]
_DELAY = (_TAPS // _OS - 1) // 2  # group delay of a phase filter, in input samples


def peak_envelope(x: Samples, floor: float | None = None) -> Samples:
    """Per-sample true-peak magnitude: max |.| over the 4 oversampled phases.

    Inter-sample peaks rise at most a few dB over the samples around them, so the
    oversampled phases are only computed where the local sample peak is above `floor`
    (default: 12 dB under the loudest sample); elsewhere |x| stands in. Speech spends
    most of its time far below its peaks, so this does a small fraction of the work of
    oversampling everything, with identical results where peaks matter.
    """
    x = np.asarray(x, dtype=np.float32)
    env = np.abs(x)
    if x.size == 0:
        return env
    if floor is None:
        floor = 0.25 * float(env.max())
    span = _TAPS // _OS
    # candidate samples: blocks of `span` whose own or neighbours' peak tops the floor
    blocks = -(-x.size // span)
    block_max = np.zeros(blocks * span, np.float32)
    block_max[:x.size] = env
    hot = block_max.reshape(blocks, span).max(axis=1) > floor
    hot[1:] |= hot[:-1].copy()
    hot[:-1] |= hot[1:].copy()
    idx = np.nonzero(np.repeat(hot, span)[:x.size])[0]
    if idx.size > x.size // 3:  # dense: one polyphase interpolation of everything
        # upfirdn's output sample 4n + p is phase p's convolution at n
        y = signal.upfirdn(_INTERP, x, up=_OS)[_OS * _DELAY:_OS * (_DELAY + x.size)]
        np.maximum(env, np.abs(y.reshape(-1, _OS)).max(axis=1), out=env)
        return env
    padded = np.concatenate([np.zeros(span - 1, np.float32), x, np.zeros(span, np.float32)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, span)
    for start in range(0, idx.size, 1 << 18):  # bounded memory for the gathered windows
        part = idx[start:start + (1 << 18)]
        w = windows[part + _DELAY]
        for taps in _PHASES:
            y = np.abs(w @ taps[::-1])
            np.maximum(env[part], y, out=y)
            env[part] = y
    return env


def true_peak_db(x: Samples) -> float:
    """True peak in dBTP (dB relative to full scale, inter-sample peaks included)."""
    if x.size == 0:
        return -math.inf
    peak = float(peak_envelope(x, floor=0.5 * float(np.abs(x).max())).max())
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def db_to_gain(db: float) -> float:
    return float(10 ** (db / 20))


def one_pole(x: NDArray[np.floating], rate: float, tau_ms: float) -> NDArray[np.floating]:
    """Exponential smoothing with time constant `tau_ms` (vectorized via lfilter)."""
    a = math.exp(-1000.0 / (tau_ms * rate))
    zi = np.array([x[0] * a]) if x.size else None
    out, _ = signal.lfilter([1 - a], [1, -a], x, zi=zi)
    return np.asarray(out)


def active_bounds(x: Samples, rate: int, threshold_db: float = -45.0,
                  window_ms: float = 10.0) -> tuple[int, int]:
    """First and last sample (exclusive) whose short-term level tops `threshold_db`.

    Used to trim engine padding so cue times hug the speech, and by tests to find
    where speech ends.
    """
    n = max(1, int(rate * window_ms / 1000))
    if x.size < n:
        return 0, 0
    frames = x[: x.size - x.size % n].reshape(-1, n)
    level = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-20)
    loud = np.nonzero(20 * np.log10(level) > threshold_db)[0]
    if loud.size == 0:
        return 0, 0
    return int(loud[0] * n), int(min(x.size, (loud[-1] + 1) * n))


# --- the same operations on a stream of chunks --------------------------------------
#
# Each class below takes consecutive chunks of one signal through `push` and hands back
# what is final so far; `flush` ends the signal. Joined, the outputs equal the function
# above applied to the whole signal (to float rounding), while only a chunk and a little
# context are ever held: the streaming master (`audio.streaming`) is built from these.


def rechunk(pieces: Iterable[Samples], size: int) -> Iterator[Samples]:
    """The concatenation of `pieces` cut into chunks of exactly `size` (the last shorter)."""
    held: list[Samples] = []
    count = 0
    for piece in pieces:
        if piece.size == 0:
            continue
        held.append(piece)
        count += piece.size
        if count < size:
            continue
        joined = np.concatenate(held) if len(held) > 1 else held[0]
        cut = count - count % size
        for lo in range(0, cut, size):
            yield joined[lo:lo + size]
        rest = joined[cut:]
        held, count = ([rest] if rest.size else []), rest.size
    if count:
        yield np.concatenate(held) if len(held) > 1 else held[0]


@functools.cache
def _resampling_filter(up: int, down: int) -> NDArray[np.float32]:
    """The FIR filter `scipy.signal.resample_poly` designs for up/down (float32 input)."""
    max_rate = max(up, down)
    taps = signal.firwin(2 * 10 * max_rate + 1, 1.0 / max_rate, window=("kaiser", 5.0))
    return np.asarray(taps, dtype=np.float32)


class Resampler:
    """`resample` chunk by chunk: the same polyphase filter, run on windows that overlap
    by the filter's reach, each output sample computed once with all its input around it.

    Windows start on multiples of `down` input samples, where output samples fall exactly
    on input ones, so the joined output equals `resample` of the whole signal.
    """

    def __init__(self, src: int, dst: int, block: int = 1 << 16) -> None:
        g = math.gcd(src, dst)
        self.up, self.down = dst // g, src // g
        reach = -(-10 * max(self.up, self.down) // self.up) + 2  # filter half-length, input
        self.pad = -(-reach // self.down) * self.down
        self.step = max(1, block // self.down) * self.down
        self.filter = _resampling_filter(self.up, self.down) if self.up != self.down \
            else np.ones(1, np.float32)
        self.buf = np.zeros(self.pad, np.float32)  # what resample_poly zero-pads with
        self.inputs = 0  # input samples pushed
        self.outputs = 0  # output samples handed back

    @property
    def identity(self) -> bool:
        return self.up == self.down

    @staticmethod
    def output_length(n: int, src: int, dst: int) -> int:
        """How many samples `n` input samples become (as `resample_poly` makes them)."""
        g = math.gcd(src, dst)
        return -(-n * (dst // g) // (src // g))

    def _run(self, x: Samples) -> Samples:
        return np.asarray(signal.resample_poly(x, self.up, self.down, window=self.filter),
                          dtype=np.float32)

    def push(self, x: Samples) -> Samples:
        if self.identity:
            return x
        self.inputs += x.size
        self.buf = np.concatenate([self.buf, np.asarray(x, np.float32)])
        out = []
        while self.buf.size >= 2 * self.pad + self.step:
            y = self._run(self.buf[:2 * self.pad + self.step])
            lo = self.pad * self.up // self.down
            out.append(y[lo:lo + self.step * self.up // self.down])
            self.buf = self.buf[self.step:]
        return self._emit(out)

    def flush(self) -> Samples:
        if self.identity:
            return np.zeros(0, np.float32)
        total = -(-self.inputs * self.up // self.down)  # `output_length` of the input
        y = self._run(np.concatenate([self.buf, np.zeros(self.pad, np.float32)]))
        lo = self.pad * self.up // self.down
        out = self._emit([y[lo:lo + total - self.outputs]])
        self.buf = np.zeros(self.pad, np.float32)
        return out

    def _emit(self, out: list[Samples]) -> Samples:
        y = np.concatenate(out) if out else np.zeros(0, np.float32)
        self.outputs += y.size
        return y


def _sos(rate: int, low_hz: float | None, high_hz: float | None, hp_order: int = 6,
         lp_order: int = 10) -> list[NDArray[np.float64]]:
    stages = []
    if low_hz:
        stages.append(signal.ellip(hp_order, 0.5, 50, low_hz, "highpass", fs=rate,
                                   output="sos"))
    if high_hz and high_hz < rate / 2 * 0.98:
        stages.append(signal.ellip(lp_order, 0.5, 60, high_hz, "lowpass", fs=rate,
                                   output="sos"))
    return stages


class Bandpass:
    """`bandpass` chunk by chunk: the filters' state is carried across chunks."""

    def __init__(self, rate: int, low_hz: float | None, high_hz: float | None) -> None:
        self.stages = _sos(rate, low_hz, high_hz)
        self.state = [np.zeros((sos.shape[0], 2)) for sos in self.stages]

    def push(self, x: Samples) -> Samples:
        out: NDArray[np.floating] = x
        for i, sos in enumerate(self.stages):
            out, self.state[i] = signal.sosfilt(sos, out, zi=self.state[i])
        return np.asarray(out, dtype=np.float32)


class PeakMeter:
    """`true_peak_db` of a stream. The oversampling filter reaches `span` samples each
    way, so a chunk is measured with the samples before it, and its last `span` samples
    only once the next chunk (or the end of the signal) is known: measuring at a chunk's
    edge as if the signal stopped there would see the overshoot of a cut that is not in
    the signal."""

    def __init__(self) -> None:
        self.peak = 0.0
        self.tail = np.zeros(0, np.float32)  # the last 2 * span samples

    def _measure(self, y: Samples, lo: int, hi: int) -> None:
        if hi <= lo:
            return
        local = float(np.abs(y).max())
        if local > 0.5 * self.peak:  # a peak that cannot matter needs no oversampling
            env = peak_envelope(y, floor=max(0.5 * local, 0.5 * self.peak))
            self.peak = max(self.peak, float(env[lo:hi].max()))

    def push(self, x: Samples) -> None:
        if x.size == 0:
            return
        span = _TAPS // _OS
        y = np.concatenate([self.tail, x])
        self._measure(y, min(self.tail.size, span), y.size - span)
        self.tail = y[-2 * span:]

    @property
    def db(self) -> float:
        """The true peak so far, the end of the signal included."""
        peak = self.peak
        if self.tail.size:
            span = _TAPS // _OS
            env = peak_envelope(self.tail, floor=0.0)
            peak = max(peak, float(env[max(0, self.tail.size - span):].max()))
        return 20 * math.log10(peak) if peak > 0 else -math.inf
