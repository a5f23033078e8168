"""From synthesized parts to finished files for one profile: the pipeline's entry point.

    parts ──assemble──▶ bulletin ──chime/repeat──▶ programme
          ──per output rate: resample, band-limit, compress, loudness+limiter──▶ master
          ──encode (+ ID3 and chapters)──▶ EncodedFile(data, cues, ...)

`encode_profile` does all of it block by block (`audio.streaming`): the programme is
generated twice from the parts, once to measure and once to render and encode, and is
never whole in memory, so a worker's memory does not grow with the bulletin. The same
steps on whole arrays remain as public functions, the reference the streaming path is
tested against and what a benchmark can stop early in: `build_programme`, `master`,
`encode_output`, `encode_profile_in_memory`. Mastering happens at each output's own rate
because resampling moves peaks and loudness; outputs sharing a rate share one
measurement. Everything is deterministic: the same parts and profile give the same
bytes, so content-addressed names dedupe re-renders.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np

from audio import dsp, loudness, media, streaming
from audio.assemble import Cue, Part
from audio.encode import (
    CODEC_HEADROOM_DB,
    EXTENSION,
    MIME,
    Format,
    content_name,
    encode,
    start_delay_ms,
)
from audio.profiles import Output, Profile
from audio.stages import Stages, maybe
from audio.tags import Meta, chapters_from_cues, id3_tag, tag_mp3
from audio.timing import to_json, to_webvtt


@dataclass
class Programme:
    """The full broadcast before mastering: samples, their rate, first-repetition cues."""

    samples: dsp.Samples
    rate: int
    cues: list[Cue]
    repetition_offsets_ms: list[int]  # start of each repetition relative to the first


@dataclass
class EncodedFile:
    """One encoded file plus everything the pipeline stores beside it."""

    profile: str
    format: Format
    data: bytes
    mime: str
    extension: str
    sample_rate: int
    bitrate_kbps: int | None
    cues: list[Cue]
    duration_ms: int
    loudness: loudness.LoudnessReport
    repetition_offsets_ms: list[int] = field(default_factory=lambda: [0])

    @property
    def name(self) -> str:
        """Content-addressed file name (sha256 of the bytes)."""
        return content_name(self.data, self.extension)

    def webvtt(self) -> str:
        return to_webvtt(self.cues)

    def cues_json(self) -> str:
        return to_json(self.cues)


def build_programme(parts: Sequence[Part], profile: Profile,
                    rate: int | None = None) -> Programme:
    """Assemble, repeat and frame with the chime; cue times shift accordingly.

    With `profile.signal == "attention"` the frame is the emergency attention signal
    instead, the full signal at both ends: a listener who catches only the end still
    hears that this was an emergency, not the news. This is the streaming programme
    (`audio.streaming.ProgrammeStream`) joined into one array.
    """
    stream = streaming.ProgrammeStream(parts, profile, rate)
    pieces = list(stream.pieces())
    layout = stream.known()
    samples = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    return Programme(samples, layout.rate, layout.cues, layout.repetition_offsets_ms)


def master(programme: Programme, profile: Profile, rate: int,
           headroom_db: float = 0.0) -> tuple[dsp.Samples, loudness.LoudnessReport]:
    """Resample to `rate`, band-limit, compress, then hit the loudness and peak targets.

    `headroom_db` lowers the peak ceiling for codecs whose decoded peaks overshoot.
    All of it happens at `streaming.mastering_rate` (never above the programme's own
    rate); the master is then upsampled to `rate` if that is higher.
    """
    at = streaming.mastering_rate(programme.rate, rate)
    x = dsp.resample(programme.samples, programme.rate, at)
    if profile.band_hz is not None:
        x = dsp.bandpass(x, at, *profile.band_hz)
    if profile.compression is not None:
        x = loudness.compress(x, at, profile.compression.threshold_db,
                              profile.compression.ratio)
    x, report = loudness.normalize(x, at, profile.target_lufs,
                                   profile.true_peak_db - headroom_db)
    return dsp.resample(x, at, rate), report


def _encode_within_peak(x: dsp.Samples, output: Output, ceiling_db: float,
                        attempts: int = 3) -> bytes:
    """Encode, decode, and re-limit while the decoded true peak is over the ceiling.

    Lossy codecs move peaks (Opus by up to ~1.5 dB on speech), so the only honest
    check is the decoded file. The first attempt almost always passes thanks to
    `CODEC_HEADROOM_DB`; a retry limits the master a little lower and encodes again.
    """
    data = encode(x, output.sample_rate, output.format, output.bitrate_kbps)
    for _ in range(attempts - 1):
        decoded = media.decode(data)
        excess = dsp.true_peak_db(dsp.to_samples(decoded)) - ceiling_db
        if excess <= 0:
            break
        peak_now = dsp.true_peak_db(x)
        x = loudness.limit(x, output.sample_rate, peak_now - excess - 0.1)
        data = encode(x, output.sample_rate, output.format, output.bitrate_kbps)
    return data


def encode_output(x: dsp.Samples, output: Output, profile: Profile, programme: Programme,
                  report: loudness.LoudnessReport, meta: Meta | None = None,
                  verify: bool = True) -> EncodedFile:
    """Encode one mastered signal; cues move by the codec's start delay.

    With `verify`, lossy files are decoded and re-made if their true peak is over the
    profile's limit (costs one decode per file, ~5% of the render).
    """
    if verify and output.format != "wav":
        data = _encode_within_peak(x, output, profile.true_peak_db)
    else:
        data = encode(x, output.sample_rate, output.format, output.bitrate_kbps)
    delay = start_delay_ms(output.format, output.sample_rate)
    cues = [c.shifted(delay) for c in programme.cues]
    duration = round(x.size * 1000 / output.sample_rate) + delay
    if output.format == "mp3" and profile.id3 and meta is not None:
        data = tag_mp3(data, meta, chapters_from_cues(cues, duration))
    return EncodedFile(
        profile=profile.name, format=output.format, data=data, mime=MIME[output.format],
        extension=EXTENSION[output.format], sample_rate=output.sample_rate,
        bitrate_kbps=output.bitrate_kbps, cues=cues, duration_ms=duration,
        loudness=report,
        repetition_offsets_ms=list(programme.repetition_offsets_ms),
    )


def encode_profile_in_memory(parts: Sequence[Part], profile: Profile,
                             meta: Meta | None = None, rate: int | None = None,
                             verify: bool = True) -> list[EncodedFile]:
    """`encode_profile` on whole arrays: the reference its streaming path is tested
    against. Holds the programme and its masters in memory several times over."""
    programme = build_programme(parts, profile, rate)
    masters: dict[tuple[int, float], tuple[dsp.Samples, loudness.LoudnessReport]] = {}
    files = []
    for output in profile.outputs:
        key = (output.sample_rate, CODEC_HEADROOM_DB[output.format])
        if key not in masters:
            masters[key] = master(programme, profile, *key)
        x, report = masters[key]
        files.append(encode_output(x, output, profile, programme, report, meta, verify))
    return files


def encode_profile(parts: Sequence[Part], profile: Profile, meta: Meta | None = None,
                   rate: int | None = None, verify: bool = True,
                   stages: Stages | None = None) -> list[EncodedFile]:
    """Every output file of `profile` for the bulletin, in `profile.outputs` order.

    `parts` must already be synthesized at `profile.synthesis_rate`; include the
    header part (see `audio.assemble.header_part`) when the profile should speak it.
    `parts` may be lazy (clips fetched when a part is read; then pass `rate`, the
    clips' rate): each part is read once per pass and repetition, one at a time.
    Seconds go to `stages` as "master:<profile>" (assembly included) and
    "encode:<profile>" (encoders and the decode that verifies lossy peaks).
    """
    stream = streaming.ProgrammeStream(parts, profile, rate)
    plans: dict[tuple[int, float], streaming.Measured] = {}
    files = []
    for output in profile.outputs:
        key = (output.sample_rate, CODEC_HEADROOM_DB[output.format])
        if key not in plans:
            with maybe(stages, f"master:{profile.name}"):
                plans[key] = streaming.measure(stream, profile, *key)
        files.append(encode_streamed(stream, output, profile, plans[key], meta, verify,
                                     stages))
    return files


#: renders of one output at most: the first, then corrections of loudness or peak
RENDER_ATTEMPTS = 3


def encode_streamed(stream: streaming.ProgrammeStream, output: Output, profile: Profile,
                    plan: streaming.Measured, meta: Meta | None = None, verify: bool = True,
                    stages: Stages | None = None, out: BinaryIO | None = None) -> EncodedFile:
    """Render and encode one output from its measure pass, into `out` (a fresh buffer
    by default; `data` is then its bytes, else empty and the file is in `out`, which
    must be seekable, and readable when a lossy file is verified).

    The render is checked after the fact and redone (at most `RENDER_ATTEMPTS` in all)
    when the loudness missed the target by more than `streaming.TOLERANCE_LU`, when the
    master's true peak is over the ceiling, or, with `verify`, when the decoded lossy
    file's is over the profile's limit (Opus moves peaks by up to ~1.5 dB on speech):
    the limiter then aims lower, as the whole-array path re-limits.
    """
    layout = stream.known()
    rate = output.sample_rate
    delay = start_delay_ms(output.format, rate)
    cues = [c.shifted(delay) for c in layout.cues]
    duration = round(plan.samples * 1000 / rate) + delay
    tag = b""
    if output.format == "mp3" and profile.id3 and meta is not None:
        tag = id3_tag(meta, chapters_from_cues(cues, duration))
    buf = out if out is not None else io.BytesIO()
    peak_max = profile.true_peak_db - CODEC_HEADROOM_DB[output.format]
    gain, ceiling = plan.gain_db, plan.ceiling_db
    attempts = 0
    while True:
        attempts += 1
        buf.seek(0)
        buf.truncate()
        buf.write(tag)
        encoding: list[float] = []
        with maybe(stages, f"master:{profile.name}"):
            done = streaming.render(stream, profile, plan, gain, ceiling,
                                    [_sink(buf, output, plan.samples)], encoding)
        if stages is not None:  # the encoders ran inside the render: move their seconds
            stages.add(f"master:{profile.name}", -encoding[0])
            stages.add(f"encode:{profile.name}", encoding[0])
        if attempts >= RENDER_ATTEMPTS or not np.isfinite(done.lufs):
            break
        if abs(done.lufs - profile.target_lufs) > streaming.TOLERANCE_LU:
            gain += (profile.target_lufs - done.lufs) / plan.slope(gain)
            continue
        if done.true_peak_db > peak_max:
            ceiling = min(ceiling, done.true_peak_db) - (done.true_peak_db - peak_max) - 0.1
            continue
        if verify and output.format != "wav":
            with maybe(stages, f"encode:{profile.name}"):
                excess = streaming.decoded_peak_db(buf) - profile.true_peak_db
            if excess > 0:
                ceiling = min(ceiling, done.true_peak_db) - excess - 0.1
                continue
        break
    report = loudness.LoudnessReport(plan.input_lufs, done.lufs, done.true_peak_db, gain,
                                     attempts)
    data = buf.getvalue() if isinstance(buf, io.BytesIO) and out is None else b""
    return EncodedFile(
        profile=profile.name, format=output.format, data=data, mime=MIME[output.format],
        extension=EXTENSION[output.format], sample_rate=rate,
        bitrate_kbps=output.bitrate_kbps, cues=cues, duration_ms=duration, loudness=report,
        repetition_offsets_ms=list(layout.repetition_offsets_ms),
    )


def _sink(out: BinaryIO, output: Output, frames: int) -> streaming.Sink:
    if output.format == "mp3":
        return streaming.Mp3Sink(out, output.sample_rate, output.bitrate_kbps or 64)
    if output.format == "opus":
        return streaming.OpusSink(out, output.sample_rate, output.bitrate_kbps or 32)
    if output.format == "wav":
        return streaming.WavSink(out, output.sample_rate, frames)
    raise ValueError(f"unknown format {output.format!r}")
