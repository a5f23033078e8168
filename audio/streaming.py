"""Mastering and encoding block by block: memory that does not grow with the bulletin.

The whole-array path (`audio.mastering.build_programme` → `master` → `encode_output`)
holds the programme several times over: a 90-minute bulletin at 44.1 kHz is ~1 GB per
float copy. Here the programme is never whole. It is generated piece by piece from the
parts (`ProgrammeStream`: pauses, prepared clips, chime, repetitions), cut into chunks,
and every stage keeps only its state between chunks:

    pieces ──rechunk──▶ resample (`dsp.Resampler`) ──▶ band-pass (`dsp.Bandpass`, filter
    state carried) ──▶ compress (`loudness.Compressor`) ──▶ ...

and that chain runs twice:

1. **measure** (`measure`): the loudness of the compressed programme (`loudness.Meter`:
   per-gating-block energies, not samples) and, for a grid of gains, the loudness the
   limiter would leave (`LimiterModel`); the one gain that lands on the target is read
   off that curve. Limiting eats loudness (espeak's peaks are near full scale), which
   the whole-array `loudness.normalize` found by re-limiting the whole file up to four
   times; the model answers in the same pass that measures.
2. **render** (`render`): that gain, the look-ahead limiter (`Limiter`, windows with
   enough context on both sides that each output sample sees all it depends on), a
   meter and a true-peak meter on the result, and an incremental encoder writing to a
   binary stream (`Mp3Sink`, `WavSink`, `OpusSink`). Cues, chapters and durations are
   known from the first pass, so ID3 tags go first without keeping samples.

What is held: a chunk (a few seconds) per stage, filter states, the limiter's context,
one float per 100 ms per meter, and the encoded bytes themselves.
"""

from __future__ import annotations

import contextlib
import math
import subprocess
import threading
import time
import wave
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

import lameenc
import numpy as np
from numpy.typing import NDArray

from audio import dsp, loudness
from audio.assemble import Cue, Layout, Mark, Part, Pauses, bulletin_pieces, pick_rate
from audio.attention import attention_samples
from audio.chime import CLOSING, OPENING, chime_samples
from audio.encode import MP3_QUALITY, OPUS_RATES, EncodeError, opus_args, pcm16
from audio.media import ffmpeg_exe
from audio.profiles import Profile

#: input samples per chunk at the programme's rate (3 s at 22.05 kHz)
CHUNK = 1 << 16
#: limiter window step, in samples of the output rate (a multiple of the limiter block)
STEP = 1 << 16
#: gains (dB) at which the measure pass predicts the limited loudness
MODEL_GAINS_DB = tuple(float(g) for g in np.arange(-12.0, 24.01, 1.5))
#: integrated loudness may miss the target by this much before a render is redone
TOLERANCE_LU = 0.5
#: the limiter aims this far under the ceiling (as `loudness.normalize`)
MARGIN_DB = 0.3


# --- the programme, piece by piece --------------------------------------------------


@dataclass
class ProgrammeLayout:
    """What the programme is, known once it has been generated once."""

    rate: int
    cues: list[Cue]  # of the first repetition, on the programme's clock
    repetition_offsets_ms: list[int]
    samples: int


class ProgrammeStream:
    """The programme (chime or attention signal, bulletin, repetitions) as pieces.

    Iterating generates it anew from `parts` each time (a lazy `parts` is read again:
    clips come back from the sentence cache), so any number of passes cost memory for a
    piece at a time. `layout` is filled by the first complete pass.
    """

    def __init__(self, parts: Sequence[Part], profile: Profile, rate: int | None = None) -> None:
        self.parts, self.profile = parts, profile
        self.rate = rate or pick_rate(parts)
        self.frame = _frame(profile, self.rate)
        self.layout: ProgrammeLayout | None = None

    @property
    def pauses(self) -> Pauses:
        return self.profile.pauses

    def _silence(self, ms: int) -> dsp.Samples:
        return np.zeros(int(self.rate * ms / 1000), dtype=np.float32)

    def marked(self) -> Iterator[tuple[dsp.Samples, Mark]]:
        """Pieces with the marks `audio.assemble.bulletin_pieces` gives clips."""
        p = self.profile
        opening: list[dsp.Samples] = []
        closing: list[dsp.Samples] = []
        if self.frame is not None:
            first, last = self.frame
            opening = [first, self._silence(p.chime_gap_ms)]
            closing = [self._silence(p.chime_gap_ms), last]
        for x in opening:
            yield x, None
        layout = Layout(self.rate)
        gap = self._silence(p.repeat_gap_ms)
        for r in range(p.repeat):
            if r:
                yield gap, None
            yield from bulletin_pieces(self.parts, p.pauses, self.rate,
                                       layout if r == 0 else Layout(self.rate))
        shift = round(sum(x.size for x in opening) * 1000 / self.rate)
        period = layout.samples + gap.size
        for x in closing:
            yield x, None
        self.layout = ProgrammeLayout(
            self.rate, [c.shifted(shift) for c in layout.cues],
            [round(k * period * 1000 / self.rate) for k in range(p.repeat)],
            sum(x.size for x in opening + closing) + p.repeat * layout.samples
            + (p.repeat - 1) * gap.size)

    def pieces(self) -> Iterator[dsp.Samples]:
        for x, _ in self.marked():
            yield x

    def known(self) -> ProgrammeLayout:
        """The layout, generating the programme once (without keeping it) if need be."""
        if self.layout is None:
            for _ in self.marked():
                pass
        assert self.layout is not None
        return self.layout


def _frame(profile: Profile, rate: int) -> tuple[dsp.Samples, dsp.Samples] | None:
    """(opening, closing) signal, or None without a chime.

    With `profile.signal == "attention"` the frame is the emergency attention signal
    instead, the full signal at both ends: a listener who catches only the end still
    hears that this was an emergency, not the news.
    """
    if not profile.chime:
        return None
    if profile.signal == "attention":
        tone = attention_samples(rate)
        return tone, tone
    if profile.signal == "chime":
        return chime_samples(rate, OPENING), chime_samples(rate, CLOSING)
    # a typo must not frame an emergency with the daily chime
    raise ValueError(f"unknown signal {profile.signal!r}; use 'chime' or 'attention'")


def processed(stream: ProgrammeStream, profile: Profile, rate: int) -> Iterator[dsp.Samples]:
    """The programme resampled to `rate`, band-limited and compressed, in chunks of
    `STEP` (the last shorter): everything `master` does before the loudness gain."""
    resampler = dsp.Resampler(stream.rate, rate, CHUNK)
    stages: list[Callable[[dsp.Samples], dsp.Samples]] = []
    if profile.band_hz is not None:
        stages.append(dsp.Bandpass(rate, *profile.band_hz).push)
    if profile.compression is not None:
        c = profile.compression
        stages.append(loudness.Compressor(rate, c.threshold_db, c.ratio).push)

    def resampled() -> Iterator[dsp.Samples]:
        for chunk in dsp.rechunk(stream.pieces(), CHUNK):
            yield resampler.push(chunk)
        yield resampler.flush()

    def staged() -> Iterator[dsp.Samples]:
        for y in resampled():
            if y.size:
                for stage in stages:
                    y = stage(y)
                yield y

    yield from dsp.rechunk(staged(), STEP)


# --- the limiter, windowed ----------------------------------------------------------


class Windowed:
    """A function of a whole signal (last axis: time) applied to a stream of chunks.

    Output is final once `future` samples after it have arrived; each window reaches
    `past` samples back, so effects with a memory (the limiter's release) settle before
    the part that is kept. Windows start on multiples of `step`, minus `past`.
    """

    def __init__(self, fn: Callable[[np.ndarray], np.ndarray], past: int, future: int,
                 step: int) -> None:
        self.fn, self.past, self.future, self.step = fn, past, future, step
        self.buf: np.ndarray | None = None
        self.start = 0  # signal index of buf[..., 0]
        self.done = 0  # signal index of the first output not yet handed back

    def _window(self, end: int) -> np.ndarray:
        assert self.buf is not None
        lo = max(0, self.done - self.past)
        y = self.fn(self.buf[..., lo - self.start:end - self.start])
        return y[..., self.done - lo:]

    def push(self, x: np.ndarray) -> np.ndarray:
        self.buf = x if self.buf is None else np.concatenate([self.buf, x], axis=-1)
        out = []
        while self.start + self.buf.shape[-1] - self.done >= self.step + self.future:
            y = self._window(self.done + self.step + self.future)
            out.append(y[..., :self.step])
            self.done += self.step
            keep = max(0, self.done - self.past)
            self.buf = self.buf[..., keep - self.start:]
            self.start = keep
        if not out:
            return self.buf[..., :0]
        return np.concatenate(out, axis=-1) if len(out) > 1 else out[0]

    def flush(self) -> np.ndarray:
        if self.buf is None:
            return np.zeros(0, np.float32)
        end = self.start + self.buf.shape[-1]
        if end <= self.done:
            return self.buf[..., :0]
        y = self._window(end)
        self.done = end
        return y


def _geometry(rate: int) -> tuple[int, int]:
    """(past, future) context of a limiter window, in samples (multiples of the block).

    Past: 300 ms, five release time constants. Future: what one output sample's gain
    depends on (the look-ahead minimum, the smoothing, the interpolation) with room.
    """
    block = loudness.LIMITER_BLOCK
    past = -(-int(0.3 * rate) // block) * block
    future = -(-int(0.015 * rate + 4 * block) // block) * block
    return past, future


class Limiter:
    """`loudness.limit` on a stream: the joined output holds the same ceiling."""

    def __init__(self, rate: int, ceiling_db: float) -> None:
        past, future = _geometry(rate)
        self.windowed = Windowed(lambda w: loudness.limit(w, rate, ceiling_db), past, future,
                                 STEP)

    def push(self, x: dsp.Samples) -> dsp.Samples:
        return np.asarray(self.windowed.push(x), dtype=np.float32)

    def flush(self) -> dsp.Samples:
        return np.asarray(self.windowed.flush(), dtype=np.float32)


#: how far the true-peak interpolator reaches each way, in samples (with room)
_REACH = 24


class LimiterModel:
    """The integrated loudness `Limiter` would leave after each gain of a grid, from one
    pass over the unlimited signal.

    The limiter's gain is a function of the peak envelope per 32-sample block, so for
    each candidate gain the model runs the limiter's own block computation
    (`loudness.block_gain`, same windows as `Limiter`) on the block peaks, all
    candidates at once, and weights each block's K-weighted energy by its squared gain.
    Gating-block loudnesses go into a fine histogram per candidate (0.02 LU bins), so
    memory stays constant however long the programme is.
    """

    BIN_LU = 0.02
    FLOOR_LU = -70.0
    BINS = 4000  # -70 ... +10 LUFS

    def __init__(self, rate: int, ceiling_db: float,
                 gains_db: Sequence[float] = MODEL_GAINS_DB) -> None:
        self.rate = rate
        self.gains_db = np.asarray(gains_db, dtype=np.float64)
        self.gains = (10 ** (self.gains_db / 20)).astype(np.float32)
        self.ceiling = dsp.db_to_gain(ceiling_db)
        block = loudness.LIMITER_BLOCK
        past, future = _geometry(rate)
        self.windowed = Windowed(lambda w: loudness.block_gain(w, rate / block),
                                 past // block, future // block, STEP // block)
        meter = loudness.Meter(rate)
        self.t_g, self.hop_step = meter.t_g, meter.step
        self.tail = np.zeros(0, np.float32)  # samples before the chunk, for the envelope
        self.waiting: tuple[dsp.Samples, NDArray[np.float64]] | None = None
        self.pending: list[tuple[np.ndarray, np.ndarray]] = []  # (energy, hop) per block
        self.blocks = 0  # blocks pushed
        self.samples = 0
        n = self.gains.size
        self.carry = np.zeros(n)  # energy of the hop being filled
        self.carry_hop = 0
        self.recent = np.zeros((n, 0))  # the last three finished hops
        self.finished_hops = 0
        self.emitted = 0  # gating blocks put in the histogram
        self.energy = np.zeros((n, self.BINS))
        self.count = np.zeros((n, self.BINS))

    @property
    def floor(self) -> float:
        """Envelope level below which no candidate can need limiting."""
        return self.ceiling / float(self.gains.max()) / 2

    def push(self, x: dsp.Samples, squares: NDArray[np.float64]) -> None:
        """A chunk of the unlimited signal and its K-weighted squares (`Meter.push`).

        A chunk is modelled once the next has come (or `finish`): its envelope needs the
        samples on both sides of its edges, as `Limiter` sees them.
        """
        if x.size == 0:
            return
        if self.waiting is not None:
            self._model(*self.waiting, after=x[:_REACH])
        self.waiting = (x, squares)

    def _model(self, x: dsp.Samples, squares: NDArray[np.float64],
               after: dsp.Samples) -> None:
        block = loudness.LIMITER_BLOCK
        y = np.concatenate([self.tail, x, after])
        env = dsp.peak_envelope(y, floor=self.floor)[self.tail.size:self.tail.size + x.size]
        self.tail = x[-_REACH:]
        m = -(-x.size // block)
        peaks = np.zeros(m * block, np.float32)
        peaks[:x.size] = env
        weights = np.zeros(m * block)
        weights[:x.size] = squares
        first = self.samples
        self.samples += x.size
        starts = first + block * np.arange(m)
        hops = np.floor(starts / (self.t_g * self.hop_step * self.rate)).astype(np.int64)
        hops -= self._edges(hops) > starts  # float edges: step back where rounding says so
        hops += self._edges(hops + 1) <= starts
        self.pending.append((weights.reshape(m, block).sum(axis=1), hops))
        block_peak = peaks.reshape(m, block).max(axis=1)
        need = np.minimum(1.0, self.ceiling / np.maximum(
            self.gains[:, None] * block_peak[None, :], 1e-9)).astype(np.float32)
        self._gains(self.windowed.push(need))

    def _edges(self, hops: np.ndarray) -> np.ndarray:
        return (self.t_g * (hops * self.hop_step) * self.rate).astype(np.int64)

    def _gains(self, g: np.ndarray) -> None:
        """Block gains (candidates × blocks) for the oldest pending blocks."""
        m = g.shape[-1]
        if m == 0:
            return
        weights = np.concatenate([w for w, _ in self.pending])
        hops = np.concatenate([h for _, h in self.pending])
        self.pending = [(weights[m:], hops[m:])] if weights.size > m else []
        e = (g.astype(np.float64) ** 2) * weights[None, :m] * (self.gains[:, None] ** 2)
        h = hops[:m]
        change = np.flatnonzero(np.diff(h)) + 1
        runs = np.add.reduceat(e, np.concatenate([[0], change]), axis=1)
        run_hops = h[np.concatenate([[0], change])]
        if run_hops[0] == self.carry_hop:
            runs[:, 0] += self.carry
        else:  # the carried hop ended exactly at the chunk edge
            runs = np.concatenate([self.carry[:, None], runs], axis=1)
            run_hops = np.concatenate([[self.carry_hop], run_hops])
        self._finish(runs[:, :-1], run_hops[:-1])
        self.carry, self.carry_hop = runs[:, -1].copy(), int(run_hops[-1])

    def _finish(self, hops: np.ndarray, index: np.ndarray) -> None:
        """Finished hops (in order, possibly with empty hops skipped) → gating blocks."""
        if hops.shape[1] == 0:
            return
        full = np.zeros((hops.shape[0], int(index[-1]) + 1 - self.finished_hops))
        full[:, index - self.finished_hops] = hops
        self.finished_hops = int(index[-1]) + 1
        joined = np.concatenate([self.recent, full], axis=1)
        per = round(1 / self.hop_step)
        if joined.shape[1] >= per:
            width = joined.shape[1] - per + 1
            z = joined[:, :width].copy()
            for k in range(1, per):
                z += joined[:, k:k + width]
            self._histogram(z / (self.t_g * self.rate))
        self.recent = joined[:, -(per - 1):]

    def _histogram(self, z: np.ndarray) -> None:
        self.emitted += z.shape[1]
        with np.errstate(divide="ignore"):
            lufs = -0.691 + 10 * np.log10(z)
        bins = np.floor((lufs - self.FLOOR_LU) / self.BIN_LU)
        keep = bins >= 0
        bins = np.minimum(bins, self.BINS - 1)
        rows = np.broadcast_to(np.arange(z.shape[0])[:, None], z.shape)
        flat = (rows[keep] * self.BINS + bins[keep].astype(np.int64))
        size = self.energy.size
        self.energy += np.bincount(flat, z[keep], size).reshape(self.energy.shape)
        self.count += np.bincount(flat, minlength=size).reshape(self.count.shape)

    def finish(self) -> np.ndarray:
        """The predicted integrated loudness after each candidate gain."""
        if self.waiting is not None:
            self._model(*self.waiting, after=np.zeros(0, np.float32))
            self.waiting = None
        self._gains(self.windowed.flush())
        n = self.samples
        per = round(1 / self.hop_step)
        if n >= 0.4 * self.rate:
            blocks = round((n / self.rate - self.t_g) / (self.t_g * self.hop_step)) + 1
            index = np.arange(self.carry_hop, blocks + per - 1)
            if index.size:
                rest = np.zeros((self.gains.size, index.size))
                rest[:, 0] = self.carry
                self._finish(rest, index)
            # the grid's last blocks may stop short of the four hops: none is missing
        return np.array([self._gated(i) for i in range(self.gains.size)])

    def _gated(self, i: int) -> float:
        count, energy = self.count[i], self.energy[i]
        if count.sum() == 0:
            return -math.inf
        gamma = -0.691 + 10 * math.log10(energy.sum() / count.sum()) - 10.0
        centres = self.FLOOR_LU + (np.arange(self.BINS) + 0.5) * self.BIN_LU
        above = centres > gamma
        if count[above].sum() == 0:
            return -math.inf
        return float(-0.691 + 10 * math.log10(energy[above].sum() / count[above].sum()))


def gain_for(target: float, gains_db: np.ndarray, lufs: np.ndarray, measured: float) -> float:
    """The gain at which the predicted loudness meets `target` (linear between grid
    points; beyond the grid, the slope of its end, never below 0.2 LU/dB)."""
    ok = np.isfinite(lufs)
    g, lv = gains_db[ok], np.maximum.accumulate(lufs[ok]) if ok.any() else lufs[ok]
    if g.size < 2:
        return target - measured
    if target <= lv[0]:  # quieter than the lowest gain: little or no limiting there
        return float(g[0] + (target - lv[0]))
    if target >= lv[-1]:
        slope = min(1.0, max(0.2, (lv[-1] - lv[-2]) / (g[-1] - g[-2])))
        return float(g[-1] + (target - lv[-1]) / slope)
    k = int(np.searchsorted(lv, target))
    lo, hi = k - 1, k
    if lv[hi] == lv[lo]:
        return float(g[lo])
    return float(g[lo] + (target - lv[lo]) * (g[hi] - g[lo]) / (lv[hi] - lv[lo]))


def mastering_rate(programme_rate: int, output_rate: int) -> int:
    """The rate a programme is mastered at for an output: the output's, or the
    programme's when the output's is higher.

    An engine's 22.05 kHz speech has nothing above 11 kHz, so mastering it at 44.1 kHz
    (podcast, loudspeaker) would filter, compress, meter and limit twice the samples
    for the same sound. It is mastered at its own rate and upsampled after the limiter:
    the limiter holds the true peak (the 4x-oversampled estimate), which is what an
    upsampled signal's samples reach, and the render meters what the encoder gets.
    """
    return min(programme_rate, output_rate)


@dataclass
class Measured:
    """What the measure pass found for one output rate."""

    rate: int  # the output's
    input_lufs: float
    gain_db: float
    ceiling_db: float  # the limiter's, margin included
    samples: int  # at `rate`
    model_gains_db: np.ndarray = field(repr=False)
    model_lufs: np.ndarray = field(repr=False)
    master_rate: int = 0  # the rate of the processing and the limiter (0: `rate`)

    @property
    def mastered_at(self) -> int:
        return self.master_rate or self.rate

    def slope(self, gain_db: float) -> float:
        """d(loudness)/d(gain) of the model near `gain_db` (0.2 ... 1)."""
        g, lv = self.model_gains_db, self.model_lufs
        ok = np.isfinite(lv)
        if ok.sum() < 2:
            return 1.0
        k = int(np.clip(np.searchsorted(g[ok], gain_db), 1, ok.sum() - 1))
        d = (lv[ok][k] - lv[ok][k - 1]) / (g[ok][k] - g[ok][k - 1])
        return float(min(1.0, max(0.2, d)))


def measure(stream: ProgrammeStream, profile: Profile, rate: int,
            headroom_db: float = 0.0) -> Measured:
    """Pass 1: loudness of the processed programme and the gain for the target, at
    `mastering_rate` for an output at `rate`."""
    ceiling = profile.true_peak_db - headroom_db - MARGIN_DB
    at = mastering_rate(stream.rate, rate)
    meter = loudness.Meter(at)
    model = LimiterModel(at, ceiling)
    for x in processed(stream, profile, at):
        model.push(x, meter.push(x))
    measured = meter.lufs()
    lufs = model.finish()
    gain = 0.0
    if math.isfinite(measured):
        gain = gain_for(profile.target_lufs, model.gains_db, lufs, measured)
    samples = dsp.Resampler.output_length(meter.samples, at, rate)
    return Measured(rate, measured, gain, ceiling, samples, model.gains_db, lufs, at)


# --- encoders that take samples as they come ----------------------------------------


class Sink(Protocol):
    def write(self, x: dsp.Samples) -> None: ...

    def close(self) -> None: ...

    def abort(self) -> None:
        """Give up (the render failed): release what the encoder holds."""


class Mp3Sink:
    """Constant-bitrate mono MP3 through lameenc, encoded as samples arrive (the bytes
    equal `audio.encode.encode_mp3` of the whole signal)."""

    def __init__(self, out: BinaryIO, rate: int, kbps: int, quality: int = MP3_QUALITY) -> None:
        self.out = out
        self.enc = lameenc.Encoder()
        self.enc.set_bit_rate(kbps)
        self.enc.set_in_sample_rate(rate)
        self.enc.set_out_sample_rate(rate)
        self.enc.set_channels(1)
        self.enc.set_quality(quality)

    def write(self, x: dsp.Samples) -> None:
        if x.size:
            self.out.write(self.enc.encode(pcm16(x)))

    def close(self) -> None:
        self.out.write(self.enc.flush())

    def abort(self) -> None:
        pass


class WavSink:
    """16-bit mono WAV, header first (the length is known from the measure pass)."""

    def __init__(self, out: BinaryIO, rate: int, frames: int) -> None:
        self.wav = wave.open(out, "wb")  # noqa: SIM115 - closed in close()
        self.wav.setnchannels(1)
        self.wav.setsampwidth(2)
        self.wav.setframerate(rate)
        self.wav.setnframes(frames)

    def write(self, x: dsp.Samples) -> None:
        if x.size:
            self.wav.writeframesraw(pcm16(x))

    def close(self) -> None:
        self.wav.close()

    def abort(self) -> None:
        pass


class _Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


class _Ffmpeg:
    """An ffmpeg process fed through stdin while its stdout is collected in a thread."""

    def __init__(self, args: list[str], out: _Writable | None, timeout: float) -> None:
        self.deadline = time.monotonic() + timeout
        self.proc = subprocess.Popen([ffmpeg_exe(), "-v", "error", *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.errors = b""
        self.readers = [threading.Thread(target=self._errors, daemon=True)]
        if out is not None:
            self.readers.append(threading.Thread(target=self._copy, args=(out,), daemon=True))
        for t in self.readers:
            t.start()

    def _copy(self, out: _Writable) -> None:
        assert self.proc.stdout is not None
        while chunk := self.proc.stdout.read(1 << 16):
            out.write(chunk)

    def _errors(self) -> None:
        assert self.proc.stderr is not None
        self.errors = self.proc.stderr.read()

    def feed(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        if time.monotonic() > self.deadline:
            self._end(kill=True)
            raise EncodeError("ffmpeg took too long")
        try:
            self.proc.stdin.write(data)
        except BrokenPipeError as exc:
            self._end()
            raise EncodeError(f"ffmpeg stopped: {self.errors.decode(errors='replace')[:300]}") \
                from exc

    def kill(self) -> None:
        with contextlib.suppress(EncodeError):
            self._end(kill=True)

    def wait(self) -> None:
        """Close stdin, wait for the process and its readers; raise if it failed."""
        self._end()
        if self.proc.returncode != 0:
            raise EncodeError(f"ffmpeg failed: {self.errors.decode(errors='replace')[:300]}")

    def _end(self, kill: bool = False) -> None:
        assert self.proc.stdin is not None
        if kill:
            self.proc.kill()
        with contextlib.suppress(BrokenPipeError):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=max(1.0, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired as exc:
            self.proc.kill()
            self.proc.wait()
            raise EncodeError("ffmpeg took too long") from exc
        finally:
            for t in self.readers:
                t.join()
            for pipe in (self.proc.stdout, self.proc.stderr):
                if pipe is not None:
                    pipe.close()


class OpusSink:
    """Ogg/Opus through ffmpeg's libopus, PCM streamed into its stdin (as
    `audio.encode.encode_opus`; rates Opus does not take are resampled to 48 kHz)."""

    def __init__(self, out: BinaryIO, rate: int, kbps: int, timeout: float = 600.0) -> None:
        self.resampler = dsp.Resampler(rate, rate if rate in OPUS_RATES else 48000)
        rate = rate if rate in OPUS_RATES else 48000
        self.ff = _Ffmpeg(["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
                           *opus_args(kbps), "pipe:1"], out, timeout)

    def write(self, x: dsp.Samples) -> None:
        y = self.resampler.push(x)
        if y.size:
            self.ff.feed(pcm16(y))

    def close(self) -> None:
        y = self.resampler.flush()
        if y.size:
            self.ff.feed(pcm16(y))
        self.ff.wait()

    def abort(self) -> None:
        self.ff.kill()


def decoded_peak_db(source: BinaryIO, timeout: float = 600.0) -> float:
    """True peak of an encoded file after decoding, read from `source` (from its start)
    and decoded by ffmpeg as a stream: the file is never decoded whole in memory."""
    peak = dsp.PeakMeter()
    pcm = _PeakWriter(peak)
    ff = _Ffmpeg(["-i", "pipe:0", "-f", "s16le", "-ac", "1", "pipe:1"], pcm, timeout)
    try:
        source.seek(0)
        while chunk := source.read(1 << 16):
            ff.feed(chunk)
    except BaseException:
        ff.kill()
        raise
    ff.wait()
    return peak.db


class _PeakWriter:
    """A binary stream of s16le PCM fed to a `PeakMeter` (odd bytes carried over)."""

    def __init__(self, peak: dsp.PeakMeter) -> None:
        self.peak, self.rest = peak, b""

    def write(self, data: bytes, /) -> int:
        raw = self.rest + bytes(data)
        even = len(raw) - len(raw) % 2
        self.rest = raw[even:]
        if even:
            self.peak.push(np.frombuffer(raw[:even], "<i2").astype(np.float32) / 32768.0)
        return len(data)


@dataclass
class Rendered:
    """What a render pass measured on what it encoded."""

    lufs: float
    true_peak_db: float
    samples: int


def render(stream: ProgrammeStream, profile: Profile, plan: Measured, gain_db: float,
           ceiling_db: float, sinks: Sequence[Sink],
           encode_seconds: list[float] | None = None) -> Rendered:
    """Pass 2: gain, limiter (at the mastering rate), the rise to the output's rate,
    meters on what the sinks get, and every sink fed chunk by chunk."""
    rate, at = plan.rate, plan.mastered_at
    gain = dsp.db_to_gain(gain_db)
    limiter = Limiter(at, ceiling_db)
    rise = dsp.Resampler(at, rate)
    meter, peak = loudness.Meter(rate), dsp.PeakMeter()
    spent = 0.0

    def out(y: dsp.Samples, last: bool = False) -> None:
        nonlocal spent
        y = rise.push(y)
        if last:
            y = np.concatenate([y, rise.flush()])
        if y.size == 0:
            return
        meter.push(y)
        peak.push(y)
        t = time.perf_counter()
        for sink in sinks:
            sink.write(y)
        spent += time.perf_counter() - t

    try:
        for x in processed(stream, profile, at):
            out(limiter.push((x * gain).astype(np.float32)))
        out(limiter.flush(), last=True)
        t = time.perf_counter()
        for sink in sinks:
            sink.close()
        spent += time.perf_counter() - t
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    if encode_seconds is not None:
        encode_seconds.append(spent)
    return Rendered(meter.lufs(), peak.db, meter.samples)


__all__ = [
    "CHUNK",
    "STEP",
    "Limiter",
    "LimiterModel",
    "Measured",
    "Mp3Sink",
    "OpusSink",
    "ProgrammeLayout",
    "ProgrammeStream",
    "Rendered",
    "Sink",
    "WavSink",
    "Windowed",
    "decoded_peak_db",
    "gain_for",
    "mastering_rate",
    "measure",
    "processed",
    "render",
]
