"""From synthesized parts to finished files for one profile: the pipeline's entry point.

    parts ──assemble──▶ bulletin ──chime/repeat──▶ programme
          ──per output rate: resample, band-limit, compress, loudness+limiter──▶ master
          ──encode (+ ID3 and chapters)──▶ EncodedFile(data, cues, ...)

Each step is also a public function so the pipeline (or a benchmark) can stop early
or reuse one: `build_programme`, `master`, `encode_output`. Mastering happens at each
output's own rate because resampling moves peaks and loudness; outputs sharing a rate
share one master. Everything is deterministic: the same parts and profile give the
same bytes, so content-addressed names dedupe re-renders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from audio import dsp, loudness, media
from audio.assemble import Cue, Part, assemble_samples
from audio.attention import attention_samples
from audio.chime import CLOSING, OPENING, chime_samples
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
from audio.tags import Meta, chapters_from_cues, tag_mp3
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


def _silence(rate: int, ms: int) -> dsp.Samples:
    return np.zeros(int(rate * ms / 1000), dtype=np.float32)


def build_programme(parts: Sequence[Part], profile: Profile,
                    rate: int | None = None) -> Programme:
    """Assemble, repeat and frame with the chime; cue times shift accordingly.

    With `profile.signal == "attention"` the frame is the emergency attention signal
    instead, the full signal at both ends: a listener who catches only the end still
    hears that this was an emergency, not the news.
    """
    bulletin, rate, cues = assemble_samples(parts, profile.pauses, rate)
    pieces = [bulletin]
    offsets = [0]
    gap = _silence(rate, profile.repeat_gap_ms)
    for _ in range(profile.repeat - 1):
        offsets.append(round(sum(p.size for p in [*pieces, gap]) * 1000 / rate))
        pieces += [gap, bulletin]
    shift = 0
    if profile.chime:
        if profile.signal == "attention":
            first = last = attention_samples(rate)
        elif profile.signal == "chime":
            first, last = chime_samples(rate, OPENING), chime_samples(rate, CLOSING)
        else:  # a typo must not frame an emergency with the daily chime
            raise ValueError(f"unknown signal {profile.signal!r}; use 'chime' or 'attention'")
        opening = [first, _silence(rate, profile.chime_gap_ms)]
        closing = [_silence(rate, profile.chime_gap_ms), last]
        shift = round(sum(p.size for p in opening) * 1000 / rate)
        pieces = opening + pieces + closing
    cues = [c.shifted(shift) for c in cues]
    return Programme(np.concatenate(pieces), rate, cues, offsets)


def master(programme: Programme, profile: Profile, rate: int,
           headroom_db: float = 0.0) -> tuple[dsp.Samples, loudness.LoudnessReport]:
    """Resample to `rate`, band-limit, compress, then hit the loudness and peak targets.

    `headroom_db` lowers the peak ceiling for codecs whose decoded peaks overshoot.
    """
    x = dsp.resample(programme.samples, programme.rate, rate)
    if profile.band_hz is not None:
        x = dsp.bandpass(x, rate, *profile.band_hz)
    if profile.compression is not None:
        x = loudness.compress(x, rate, profile.compression.threshold_db,
                              profile.compression.ratio)
    return loudness.normalize(x, rate, profile.target_lufs,
                              profile.true_peak_db - headroom_db)


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


def encode_profile(parts: Sequence[Part], profile: Profile, meta: Meta | None = None,
                   rate: int | None = None, verify: bool = True,
                   stages: Stages | None = None) -> list[EncodedFile]:
    """Every output file of `profile` for the bulletin, in `profile.outputs` order.

    `parts` must already be synthesized at `profile.synthesis_rate`; include the
    header part (see `audio.assemble.header_part`) when the profile should speak it.
    Seconds go to `stages` as "master:<profile>" (assembly included) and
    "encode:<profile>".
    """
    with maybe(stages, f"master:{profile.name}"):
        programme = build_programme(parts, profile, rate)
    masters: dict[tuple[int, float], tuple[dsp.Samples, loudness.LoudnessReport]] = {}
    files = []
    for output in profile.outputs:
        key = (output.sample_rate, CODEC_HEADROOM_DB[output.format])
        if key not in masters:
            with maybe(stages, f"master:{profile.name}"):
                masters[key] = master(programme, profile, *key)
        x, report = masters[key]
        with maybe(stages, f"encode:{profile.name}"):
            files.append(encode_output(x, output, profile, programme, report, meta, verify))
    return files
