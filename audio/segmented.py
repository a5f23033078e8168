"""The web MP3 as independently encoded segments, one per block, cached by content.

Why: with a fast engine, mastering and encoding the whole file costs far more than
synthesizing an edited sentence, so an editor's one-word fix would redo minutes of
work. MP3 frames of separately encoded streams concatenate into one valid CBR stream
(lameenc writes no Xing/Info frame), and every segment starts with LAME's 1105-sample
delay. Segments are cut in the pause between blocks, where that delay and the previous
segment's padding are silence, so the joins are inaudible. The loudness gain is measured
on the whole programme and rounded to `GAIN_STEP_DB`, so a small edit leaves the other
segments' bytes, and their cache entries, unchanged.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from audio import dsp, loudness
from audio.assemble import Cue, Part
from audio.encode import CODEC_HEADROOM_DB, MP3_ENCODER_DELAY, MP3_RATES, encode_mp3
from audio.mastering import EncodedFile, Programme, build_programme
from audio.profiles import Output, Profile
from audio.stages import Stages, maybe

#: gain resolution; finer would re-encode every segment after any edit
GAIN_STEP_DB = 0.5
#: bump when the segment bytes for the same input change
VERSION = "1"
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


def _boundaries(x: dsp.Samples, cues: Sequence[Cue], rate: int) -> list[int]:
    """Where segments start: `LEAD_MS` before the first sound of each block.

    Anchored on the block's first non-zero sample (pauses are exact zeros), not on the
    rounded cue times, so an unchanged block always gets the same samples, hence the
    same cache key, whatever changed before it.
    """
    cuts = [0]
    lead, slack = int(rate * LEAD_MS / 1000), int(rate * 0.003)
    for prev, nxt in itertools.pairwise(cues):
        if nxt.part_index == prev.part_index:
            continue
        approx = max(0, int(nxt.start_ms * rate / 1000) - slack)
        sound = np.flatnonzero(x[approx:approx + 20 * slack])
        cut = approx + (int(sound[0]) if sound.size else slack) - lead
        if cuts[-1] < cut < x.size:
            cuts.append(cut)
    return [*cuts, x.size]


def _energies(seg: dsp.Samples, rate: int, key: str, store: BlobStore | None) -> np.ndarray:
    cached = store.read(key, "lufs") if store is not None else None
    if cached is not None:
        return np.frombuffer(cached, dtype="<f8")
    z = loudness.block_energies(seg, rate).astype("<f8")
    if store is not None:
        store.write(key, "lufs", z.tobytes())
    return z


def _encoded(seg: dsp.Samples, rate: int, gain_db: float, ceiling: float, kbps: int,
             key: str, store: BlobStore | None, stats: SegmentStats) -> tuple[bytes, int]:
    """(MP3 bytes, decoded samples) of one segment, from the store when possible."""
    enc_key = hashlib.sha256(f"{key}:{gain_db}:{ceiling}:{kbps}".encode()).hexdigest()
    cached = store.read(enc_key, "mp3") if store is not None else None
    if cached is not None and len(cached) > 8:
        return cached[8:], int.from_bytes(cached[:8], "little")
    gain = dsp.db_to_gain(gain_db)
    data = encode_mp3(loudness.limit((seg * gain).astype(np.float32), rate, ceiling), rate, kbps)
    frames, per_frame = mp3_frames(data)
    stats.encoded += 1
    if store is not None:
        store.write(enc_key, "mp3", (frames * per_frame).to_bytes(8, "little") + data)
    return data, frames * per_frame


def encode_segmented_mp3(parts: Sequence[Part], profile: Profile, output: Output,
                         store: BlobStore | None = None, stats: SegmentStats | None = None,
                         stages: Stages | None = None) -> EncodedFile:
    """The profile's MP3 output, segmented; same contract as `audio.mastering.encode_profile`.

    The engine's own rate is kept when MP3 can carry it and it is not above the
    profile's (espeak's 22.05 kHz for a 24 kHz profile): resampling would cost more
    than it gives at 48 kb/s.
    """
    if output.format != "mp3" or output.bitrate_kbps is None:
        raise ValueError("segmented rendering makes MP3 only")
    if profile.band_hz or profile.compression or profile.chime or profile.repeat != 1:
        raise ValueError(f"profile {profile.name!r} needs whole-file processing")
    stats = stats if stats is not None else SegmentStats()
    with maybe(stages, f"master:{profile.name}"):
        levelled = _level(parts, profile, output, store)
    stats.gain_db = levelled.gain_db
    with maybe(stages, f"encode:{profile.name}"):
        return _encode(levelled, profile, output, store, stats)


@dataclass
class _Levelled:
    """The programme cut into segments, with the one gain that levels them all."""

    programme: Programme
    rate: int
    cuts: list[int]
    segments: list[dsp.Samples]
    keys: list[str]
    measured: float
    gain_db: float


def _level(parts: Sequence[Part], profile: Profile, output: Output,
           store: BlobStore | None) -> _Levelled:
    programme = build_programme(parts, profile)
    rate = programme.rate if programme.rate in MP3_RATES and programme.rate <= \
        output.sample_rate else output.sample_rate
    x = dsp.resample(programme.samples, programme.rate, rate) if rate != programme.rate \
        else programme.samples
    cuts = _boundaries(x, programme.cues, rate)
    segments = [x[lo:hi] for lo, hi in itertools.pairwise(cuts)]
    keys = [hashlib.sha256(f"{VERSION}:{rate}:".encode() + seg.tobytes()).hexdigest()
            for seg in segments]
    measured = loudness.gated_lufs(np.concatenate(
        [_energies(seg, rate, key, store) for seg, key in zip(segments, keys, strict=True)]))
    gain_db = 0.0
    if np.isfinite(measured):
        gain_db = round((profile.target_lufs + CODEC_LOSS_DB - measured) / GAIN_STEP_DB) \
            * GAIN_STEP_DB
    return _Levelled(programme, rate, cuts, segments, keys, measured, gain_db)


def _encode(lv: _Levelled, profile: Profile, output: Output, store: BlobStore | None,
            stats: SegmentStats) -> EncodedFile:
    assert output.bitrate_kbps is not None
    rate = lv.rate
    ceiling = profile.true_peak_db - 0.3 - CODEC_HEADROOM_DB["mp3"]
    chunks: list[bytes] = []
    starts: list[int] = []  # decoded sample where each segment's audio begins
    decoded = 0
    for seg, key in zip(lv.segments, lv.keys, strict=True):
        data, samples = _encoded(seg, rate, lv.gain_db, ceiling, output.bitrate_kbps, key,
                                 store, stats)
        starts.append(decoded + MP3_ENCODER_DELAY)
        decoded += samples
        chunks.append(data)
        stats.segments += 1
    cues = []
    for cue in lv.programme.cues:
        at = round(cue.start_ms * rate / 1000)
        k = max(i for i, lo in enumerate(lv.cuts[:-1]) if lo <= at)
        cues.append(cue.shifted(round((starts[k] - lv.cuts[k]) * 1000 / rate)))
    report = loudness.LoudnessReport(lv.measured, lv.measured + lv.gain_db, float("nan"),
                                     lv.gain_db, 0)
    return EncodedFile(
        profile=profile.name, format="mp3", data=b"".join(chunks), mime="audio/mpeg",
        extension="mp3", sample_rate=rate, bitrate_kbps=output.bitrate_kbps, cues=cues,
        duration_ms=round(decoded * 1000 / rate), loudness=report)
