"""The web MP3 as independently encoded segments, one per block, cached by content.

Why: with a fast engine, mastering and encoding the whole file costs far more than
synthesizing an edited sentence, so an editor's one-word fix would redo minutes of
work. MP3 frames of separately encoded streams concatenate into one valid CBR stream
(lameenc writes no Xing/Info frame), and every segment starts with LAME's 1105-sample
delay. Segments are cut in the pause between blocks, where that delay and the previous
segment's padding are silence, so the joins are inaudible. The loudness gain is measured
on the whole programme and rounded to `GAIN_STEP_DB`, so a small edit leaves the other
segments' bytes, and their cache entries, unchanged.

Memory: the programme is generated block by block (`audio.streaming.ProgrammeStream`)
and never joined. The first pass measures each segment (and keeps its samples while
they total under `KEEP_BYTES`: an ordinary bulletin is then generated once, as fast as
before); the second encodes the segments the store lacks, generating the programme
again if they were not kept. A block longer than `MAX_SEGMENT_S` is cut before a
sentence too (in the pause, so just as inaudibly), so no segment is ever long.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from audio import dsp, loudness
from audio.assemble import Part
from audio.encode import CODEC_HEADROOM_DB, MP3_ENCODER_DELAY, MP3_RATES
from audio.mastering import EncodedFile
from audio.profiles import Output, Profile
from audio.stages import Stages, maybe
from audio.streaming import CHUNK, Limiter, Mp3Sink, ProgrammeLayout, ProgrammeStream

#: gain resolution; finer would re-encode every segment after any edit
GAIN_STEP_DB = 0.5
#: bump when the segment bytes for the same input change
VERSION = "2"
#: MP3's low-pass takes ~0.5 LU off speech; aim that much higher so files land on target
CODEC_LOSS_DB = 0.5
_BITRATES = {3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
             2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def mp3_frames(data: bytes) -> tuple[int, int]:
    """(frames, samples per frame) of a CBR layer III stream, walking frame headers."""
    pos = frames = 0
    per_frame = 1152
    while pos + 4 <= len(data):
        header = int.from_bytes(data[pos:pos + 4], "big")
        if header >> 21 != 0x7FF:
            raise ValueError(f"no MP3 frame header at byte {pos}")
        version = (header >> 19) & 3
        rate = _RATES[version][(header >> 10) & 3]
        bitrate = _BITRATES[3 if version == 3 else 2][(header >> 12) & 15] * 1000
        per_frame = 1152 if version == 3 else 576
        pos += (144 if version == 3 else 72) * bitrate // rate + ((header >> 9) & 1)
        frames += 1
    return frames, per_frame


class BlobStore(Protocol):
    """Content-addressed bytes; `audio.cache.SentenceCache` is the one we use, so the
    segments share its directory, atomic writes and LRU size bound."""

    def read(self, key: str, ext: str) -> bytes | None: ...

    def write(self, key: str, ext: str, data: bytes) -> None: ...


@dataclass
class SegmentStats:
    segments: int = 0
    encoded: int = 0  # segments that were not in the store
    gain_db: float = 0.0


#: a segment starts this long before its block's first sound (inside the pause)
LEAD_MS = 100
#: a block longer than this is cut before its next sentence as well
MAX_SEGMENT_S = 60.0
#: first-pass segments are kept for the second while they total under this (6 minutes
#: at 22.05 kHz: most bulletins are generated once, a long one twice)
KEEP_BYTES = 32 * 1024 * 1024


def _segments(stream: ProgrammeStream, rate: int) -> Iterator[tuple[int, dsp.Samples]]:
    """(first sample, samples) of each segment of the programme at `rate`, in order.

    A segment starts `LEAD_MS` before the first sound of each block (and of a sentence
    once the segment is `MAX_SEGMENT_S` long). Anchored on the clip's first non-zero
    sample (pauses are exact zeros), not on rounded cue times, so an unchanged block
    always gets the same samples, hence the same cache key, whatever changed before it.
    """
    resampler = dsp.Resampler(stream.rate, rate)
    lead, longest = int(rate * LEAD_MS / 1000), int(rate * MAX_SEGMENT_S)
    cuts: list[int] = []  # decided, not yet reached
    start = last = 0  # the current segment's first sample; the last cut decided
    held: list[dsp.Samples] = []
    have = 0  # samples received at `rate`
    pos = 0  # samples generated at the programme's rate

    def joined() -> dsp.Samples:
        return np.concatenate(held) if len(held) != 1 else held[0]

    for x, mark in stream.marked():
        if mark is not None:
            kind, offset = mark
            cut = (pos + offset) * rate // stream.rate - lead
            if last < cut and (kind == "block" or cut - last >= longest):
                cuts.append(cut)
                last = cut
        pos += x.size
        y = resampler.push(x)
        if y.size:
            held.append(y)
            have += y.size
        while cuts and cuts[0] <= have:
            whole = joined()
            cut = cuts.pop(0)
            yield start, whole[:cut - start]
            held, start = [whole[cut - start:].copy()], cut  # not a view: let `whole` go
    y = resampler.flush()
    if y.size:
        held.append(y)
    yield start, joined()


def _energies(seg: dsp.Samples, rate: int, key: str, store: BlobStore | None) -> np.ndarray:
    cached = store.read(key, "lufs") if store is not None else None
    if cached is not None:
        return np.frombuffer(cached, dtype="<f8")
    meter = loudness.Meter(rate)  # chunk by chunk: a long segment costs no copies
    for lo in range(0, seg.size, CHUNK):
        meter.push(seg[lo:lo + CHUNK])
    z = meter.energies().astype("<f8")
    if store is not None:
        store.write(key, "lufs", z.tobytes())
    return z


def _enc_key(key: str, gain_db: float, ceiling: float, kbps: int) -> str:
    return hashlib.sha256(f"{key}:{gain_db}:{ceiling}:{kbps}".encode()).hexdigest()


def _cached(key: str, gain_db: float, ceiling: float, kbps: int,
            store: BlobStore | None) -> tuple[bytes, int] | None:
    """(MP3 bytes, decoded samples) of one segment from the store, or None."""
    cached = store.read(_enc_key(key, gain_db, ceiling, kbps), "mp3") \
        if store is not None else None
    if cached is not None and len(cached) > 8:
        return cached[8:], int.from_bytes(cached[:8], "little")
    return None


def _encoded(seg: dsp.Samples, rate: int, gain_db: float, ceiling: float, kbps: int,
             key: str, store: BlobStore | None, stats: SegmentStats) -> tuple[bytes, int]:
    """(MP3 bytes, decoded samples) of one segment, encoded (and stored)."""
    gain = dsp.db_to_gain(gain_db)
    out = io.BytesIO()
    mp3 = Mp3Sink(out, rate, kbps)
    limiter = Limiter(rate, ceiling)  # the streaming master's limiter, windowed
    for lo in range(0, seg.size, CHUNK):
        mp3.write(limiter.push((seg[lo:lo + CHUNK] * gain).astype(np.float32)))
    mp3.write(limiter.flush())
    mp3.close()
    data = out.getvalue()
    frames, per_frame = mp3_frames(data)
    stats.encoded += 1
    if store is not None:
        store.write(_enc_key(key, gain_db, ceiling, kbps), "mp3",
                    (frames * per_frame).to_bytes(8, "little") + data)
    return data, frames * per_frame


def encode_segmented_mp3(parts: Sequence[Part], profile: Profile, output: Output,
                         store: BlobStore | None = None, stats: SegmentStats | None = None,
                         stages: Stages | None = None, rate: int | None = None) -> EncodedFile:
    """The profile's MP3 output, segmented; same contract as `audio.mastering.encode_profile`
    (a lazy `parts` with its clips' `rate` too).

    The engine's own rate is kept when MP3 can carry it and it is not above the
    profile's (espeak's 22.05 kHz for a 24 kHz profile): resampling would cost more
    than it gives at 48 kb/s.
    """
    if output.format != "mp3" or output.bitrate_kbps is None:
        raise ValueError("segmented rendering makes MP3 only")
    if profile.band_hz or profile.compression or profile.chime or profile.repeat != 1:
        raise ValueError(f"profile {profile.name!r} needs whole-file processing")
    stats = stats if stats is not None else SegmentStats()
    stream = ProgrammeStream(parts, profile, rate)
    with maybe(stages, f"master:{profile.name}"):
        levelled = _level(stream, profile, output, store)
    stats.gain_db = levelled.gain_db
    with maybe(stages, f"encode:{profile.name}"):
        return _encode(stream, levelled, profile, output, store, stats)


@dataclass
class _Levelled:
    """The programme's segments as measured, with the one gain that levels them all."""

    layout: ProgrammeLayout
    rate: int
    cuts: list[int]
    keys: list[str]
    measured: float
    gain_db: float
    #: the segments' samples when they were small enough to keep, else empty
    kept: list[dsp.Samples] = field(default_factory=list)


def _level(stream: ProgrammeStream, profile: Profile, output: Output,
           store: BlobStore | None) -> _Levelled:
    rate = stream.rate if stream.rate in MP3_RATES and stream.rate <= \
        output.sample_rate else output.sample_rate
    cuts: list[int] = []
    keys: list[str] = []
    energies: list[np.ndarray] = []
    kept: list[dsp.Samples] = []
    held = end = 0
    for cut, seg in _segments(stream, rate):
        end = cut + seg.size
        digest = hashlib.sha256(f"{VERSION}:{rate}:".encode())
        digest.update(np.ascontiguousarray(seg).data)
        key = digest.hexdigest()
        cuts.append(cut)
        keys.append(key)
        energies.append(_energies(seg, rate, key, store))
        held += seg.nbytes
        if held <= KEEP_BYTES:
            kept.append(seg)
        else:
            kept.clear()
    cuts.append(end)
    measured = loudness.gated_lufs(np.concatenate(energies))
    gain_db = 0.0
    if np.isfinite(measured):
        gain_db = round((profile.target_lufs + CODEC_LOSS_DB - measured) / GAIN_STEP_DB) \
            * GAIN_STEP_DB
    return _Levelled(stream.known(), rate, cuts, keys, measured, gain_db,
                     kept if held <= KEEP_BYTES else [])


def _encode(stream: ProgrammeStream, lv: _Levelled, profile: Profile, output: Output,
            store: BlobStore | None, stats: SegmentStats) -> EncodedFile:
    assert output.bitrate_kbps is not None
    rate = lv.rate
    ceiling = profile.true_peak_db - 0.3 - CODEC_HEADROOM_DB["mp3"]
    chunks: list[tuple[bytes, int] | None] = [
        _cached(key, lv.gain_db, ceiling, output.bitrate_kbps, store) for key in lv.keys]
    missing = [k for k, c in enumerate(chunks) if c is None]
    if missing:
        segments = iter(lv.kept) if lv.kept else (seg for _, seg in _segments(stream, rate))
        for k, seg in enumerate(segments):
            if chunks[k] is None:
                chunks[k] = _encoded(seg, rate, lv.gain_db, ceiling, output.bitrate_kbps,
                                     lv.keys[k], store, stats)
    data = io.BytesIO()
    starts: list[int] = []  # decoded sample where each segment's audio begins
    decoded = 0
    for chunk in chunks:
        assert chunk is not None
        starts.append(decoded + MP3_ENCODER_DELAY)
        decoded += chunk[1]
        data.write(chunk[0])
        stats.segments += 1
    cues = []
    for cue in lv.layout.cues:
        at = round(cue.start_ms * rate / 1000)
        k = max(i for i, lo in enumerate(lv.cuts[:-1]) if lo <= at)
        cues.append(cue.shifted(round((starts[k] - lv.cuts[k]) * 1000 / rate)))
    report = loudness.LoudnessReport(lv.measured, lv.measured + lv.gain_db, float("nan"),
                                     lv.gain_db, 0)
    del chunks
    return EncodedFile(
        profile=profile.name, format="mp3", data=data.getvalue(), mime="audio/mpeg",
        extension="mp3", sample_rate=rate, bitrate_kbps=output.bitrate_kbps, cues=cues,
        duration_ms=round(decoded * 1000 / rate), loudness=report)
