"""Block-by-block mastering (`audio.streaming`): the same files as the whole-array path,
joins nobody can hear, and memory that does not grow with the programme."""

from __future__ import annotations

import functools
import io
import math
import tracemalloc
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from mutagen import id3

from audio import dsp, loudness, streaming
from audio.assemble import Part, SentenceClip
from audio.encode import encode_mp3, encode_opus, encode_wav
from audio.mastering import EncodedFile, encode_profile, encode_profile_in_memory, encode_streamed
from audio.media import AudioSegment, decode
from audio.profiles import PROFILES, Profile, get_profile
from audio.segmented import encode_segmented_mp3
from audio.tags import Chapter, id3_tag, tag_mp3
from tests.audio.test_profiles import META, bulletin_parts

# --- the stages equal their whole-array functions -----------------------------------


def noise(rate: int, seconds: float, seed: int = 1) -> dsp.Samples:
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(int(rate * seconds)) * 0.2).astype(np.float32)
    x[rate: 2 * rate] *= 0.01  # a quiet stretch: the gate and the compressor see it
    return x


def chunks(x: np.ndarray, seed: int = 2, largest: int = 20000) -> Iterator[np.ndarray]:
    """`x` in pieces of random sizes (1 sample up to `largest`)."""
    rng = np.random.default_rng(seed)
    pos = 0
    while pos < x.shape[-1]:
        n = int(rng.integers(1, largest))
        yield x[..., pos:pos + n]
        pos += n


@pytest.mark.parametrize(("src", "dst"), [(22050, 44100), (22050, 24000), (22050, 8000),
                                          (24000, 44100), (44100, 8000), (16000, 48000)])
def test_resampler_is_resample(src: int, dst: int) -> None:
    x = noise(src, 4.3)
    r = dsp.Resampler(src, dst, block=4096)
    y = np.concatenate([*(r.push(c) for c in chunks(x)), r.flush()])
    assert y.size == dsp.resample(x, src, dst).size
    assert np.max(np.abs(y - dsp.resample(x, src, dst))) < 1e-6


def test_filters_compressor_and_meters_are_the_whole_array_ones() -> None:
    rate = 44100
    x = noise(rate, 6.7)
    band, comp, meter, peak = (dsp.Bandpass(rate, 150.0, 7000.0), loudness.Compressor(rate),
                               loudness.Meter(rate), dsp.PeakMeter())
    banded, compressed = [], []
    for c in chunks(x):
        banded.append(band.push(c))
        compressed.append(comp.push(c))
        meter.push(c)
        peak.push(c)
    assert np.array_equal(np.concatenate(banded), dsp.bandpass(x, rate, 150.0, 7000.0))
    assert np.array_equal(np.concatenate(compressed), loudness.compress(x, rate))
    assert meter.lufs() == pytest.approx(loudness.integrated_lufs(x, rate), abs=1e-9)
    assert peak.db == pytest.approx(dsp.true_peak_db(x), abs=1e-6)


def test_windowed_limiter_holds_the_ceiling_like_the_whole_array_one() -> None:
    rate = 44100
    x = (noise(rate, 8.0) * 4).astype(np.float32)  # peaks far over the ceiling
    limiter = streaming.Limiter(rate, -3.0)
    y = np.concatenate([*(limiter.push(c) for c in chunks(x, largest=70000)),
                        limiter.flush()])
    whole = loudness.limit(x, rate, -3.0)
    assert y.size == x.size
    assert dsp.true_peak_db(y) <= -3.0 + 0.05
    # the windows see 300 ms back: the release has settled; only rounding differs
    assert np.max(np.abs(y - whole)) < 1e-3
    assert loudness.integrated_lufs(y, rate) == pytest.approx(
        loudness.integrated_lufs(whole, rate), abs=0.01)


def test_limiter_model_predicts_the_rendered_loudness() -> None:
    """What the measure pass predicts for a gain is what the render then measures."""
    rate = 24000
    x = (noise(rate, 12.0) * 2).astype(np.float32)
    model, meter = streaming.LimiterModel(rate, -2.8), loudness.Meter(rate)
    for c in dsp.rechunk(iter([x]), streaming.STEP):
        model.push(c, meter.push(c))
    predicted = model.finish()
    for g in (0.0, 4.5, 9.0):
        limiter = streaming.Limiter(rate, -2.8)
        scaled = (x * dsp.db_to_gain(g)).astype(np.float32)
        y = np.concatenate([*(limiter.push(c) for c in dsp.rechunk(iter([scaled]),
                                                                   streaming.STEP)),
                            limiter.flush()])
        k = streaming.MODEL_GAINS_DB.index(g)
        assert predicted[k] == pytest.approx(loudness.integrated_lufs(y, rate), abs=0.1)


# --- joins --------------------------------------------------------------------------


class _Signal:
    """A stand-in for `ProgrammeStream`: one long signal, handed over in pieces."""

    def __init__(self, x: dsp.Samples, rate: int) -> None:
        self.x, self.rate = x, rate

    def pieces(self) -> Iterator[dsp.Samples]:
        yield from chunks(self.x, seed=5, largest=30000)


@pytest.mark.parametrize("name", ["web", "podcast", "loudspeaker", "telephony"])
def test_a_sine_crosses_every_join_without_a_click(name: str) -> None:
    """Resampled, band-passed, compressed and limited block by block, a sine stays a sine:
    no step between two samples is larger than the sine's own steepest one, at any of
    the chunk, resampler and limiter joins. The limiter works hard (peaks pushed 6 dB
    over the ceiling) so its gain is moving across the windows too."""
    profile = PROFILES[name]
    src, freq = 22050, 440.0
    rate = profile.outputs[0].sample_rate
    t = np.arange(int(src * 9)) / src
    x = (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    stream = _Signal(x, src)
    processed = list(streaming.processed(stream, profile, rate))  # type: ignore[arg-type]
    assert sum(c.size for c in processed) == dsp.resample(x, src, rate).size
    limiter = streaming.Limiter(rate, -6.0)
    gain = dsp.db_to_gain(12.0)
    y = np.concatenate([*(limiter.push((c * gain).astype(np.float32)) for c in processed),
                        limiter.flush()])
    steady = y[rate: -rate]  # past the filters' start and the compressor's attack
    amplitude = float(np.abs(steady).max())
    assert 0.3 < amplitude <= dsp.db_to_gain(-6.0) * 1.02
    steepest = 2 * amplitude * math.sin(math.pi * freq / rate)
    assert float(np.abs(np.diff(steady)).max()) <= steepest * 1.05


# --- the files: the same as the whole-array path ------------------------------------


_files: dict[str, tuple[list[EncodedFile], list[EncodedFile]]] = {}


def both(name: str, **overrides: object) -> tuple[list[EncodedFile], list[EncodedFile]]:
    """(whole-array, streaming) files of one profile for the test bulletin."""
    key = name + repr(sorted(overrides.items()))
    if key not in _files:
        profile = get_profile(name, **overrides)
        parts = _parts(profile.synthesis_rate)
        _files[key] = (encode_profile_in_memory(parts, profile, META),
                       encode_profile(parts, profile, META))
    return _files[key]


@functools.cache
def _parts(rate: float) -> list[Part]:
    """One synthesis per rate for every profile's files: espeak-ng's first clips in a
    process can differ by a few milliseconds from later ones, and files compared with
    each other (once vs twice) must be made of the same clips."""
    return bulletin_parts(rate)


CASES = [(name, i) for name, p in PROFILES.items() for i in range(len(p.outputs))]


@pytest.mark.parametrize(("name", "index"), [*CASES, ("loudspeaker-twice", 0),
                                             ("loudspeaker-attention", 0)])
def test_streaming_files_match_the_whole_array_ones(name: str, index: int) -> None:
    overrides: dict[str, object] = {}
    if name == "loudspeaker-twice":
        name, overrides = "loudspeaker", {"repeat": 2, "repeat_gap_ms": 2000}
    elif name == "loudspeaker-attention":
        name, overrides = "loudspeaker", {"signal": "attention"}
    profile: Profile = get_profile(name, **overrides)
    whole, streamed = (files[index] for files in both(name, **overrides))
    assert streamed.duration_ms == whole.duration_ms
    assert streamed.cues == whole.cues
    assert streamed.repetition_offsets_ms == whole.repetition_offsets_ms
    assert (streamed.format, streamed.sample_rate, streamed.mime) == (
        whole.format, whole.sample_rate, whole.mime)
    a, b = decode(whole.data), decode(streamed.data)
    assert (b.frame_rate, b.channels) == (a.frame_rate, a.channels)
    assert abs(len(b) - len(a)) <= 1
    x, y = dsp.to_samples(a), dsp.to_samples(b)
    # the master is on target; the codec may take a little off (MP3's low-pass)
    assert streamed.loudness.output_lufs == pytest.approx(profile.target_lufs, abs=0.5)
    assert loudness.integrated_lufs(y, b.frame_rate) == pytest.approx(profile.target_lufs,
                                                                      abs=0.75)
    assert dsp.true_peak_db(y) <= profile.true_peak_db
    assert streamed.loudness.input_lufs == pytest.approx(whole.loudness.input_lufs, abs=1e-6)
    # the same sound: envelopes (10 ms RMS) agree once levels are matched
    n = b.frame_rate // 100
    size = min(x.size, y.size) // n * n
    ex = np.sqrt(np.mean(x[:size].reshape(-1, n) ** 2, axis=1))
    ey = np.sqrt(np.mean(y[:size].reshape(-1, n) ** 2, axis=1))
    assert float(np.corrcoef(ex, ey)[0, 1]) > 0.98


@pytest.mark.parametrize(("name", "master_rate"), [("podcast", 22050), ("loudspeaker", 22050),
                                                  ("telephony", 8000), ("web", 22050)])
def test_speech_is_mastered_at_its_own_rate_and_raised_after(name: str,
                                                             master_rate: int) -> None:
    """22.05 kHz speech for a 44.1 kHz file is filtered, metered and limited at 22.05 kHz
    (half the samples) and upsampled after the limiter; a lower output rate is mastered
    at that rate. The file is at the output's rate, as long as the programme, on target."""
    profile = get_profile(name)
    output = profile.outputs[0]
    stream = streaming.ProgrammeStream(bulletin_parts(profile.synthesis_rate), profile)
    assert stream.rate == 22050
    plan = streaming.measure(stream, profile, output.sample_rate)
    assert plan.mastered_at == master_rate
    layout = stream.known()
    expected = dsp.resample(np.zeros(layout.samples, np.float32), 22050,
                            output.sample_rate).size
    assert plan.samples == expected
    f = encode_streamed(stream, output, profile, plan)
    seg = decode(f.data)
    assert seg.frame_rate == output.sample_rate
    assert abs(len(seg) - round(layout.samples * 1000 / 22050)) <= 100  # codec frames
    assert f.loudness.output_lufs == pytest.approx(profile.target_lufs, abs=0.5)
    assert f.loudness.output_true_peak_db <= profile.true_peak_db


def test_streaming_podcast_has_the_same_tags_and_chapters() -> None:
    whole, streamed = (files[0] for files in both("podcast"))
    a, b = id3.ID3(io.BytesIO(whole.data)), id3.ID3(io.BytesIO(streamed.data))
    assert [str(f) for f in b.getall("TIT2")] == [str(f) for f in a.getall("TIT2")]

    def chapters(tags: id3.ID3) -> list[tuple[int, int, str]]:
        return sorted((c.start_time, c.end_time, str(c.sub_frames["TIT2"]))
                      for c in tags.getall("CHAP"))

    assert chapters(b) == chapters(a) and len(chapters(b)) == 4
    assert b.getall("CTOC")[0].child_element_ids == a.getall("CTOC")[0].child_element_ids
    assert b.getall("APIC")[0].data == META.cover


def test_incremental_encoders_write_the_whole_signal_encoders_bytes() -> None:
    x = noise(44100, 5.0)
    mp3, wav = io.BytesIO(), io.BytesIO()
    sinks = [streaming.Mp3Sink(mp3, 44100, 64), streaming.WavSink(wav, 44100, x.size)]
    for c in chunks(x):
        for sink in sinks:
            sink.write(c)
    for sink in sinks:
        sink.close()
    assert mp3.getvalue() == encode_mp3(x, 44100, 64)
    assert wav.getvalue() == encode_wav(x, 44100)


def test_opus_is_bit_exact_streamed_or_whole() -> None:
    """The same master makes the same Ogg/Opus bytes every time (no random stream
    serial, no version tag), streamed in chunks or encoded whole: content-addressed
    names dedupe Opus re-renders as they do MP3."""
    x = noise(24000, 3.0)
    opus = io.BytesIO()
    sink = streaming.OpusSink(opus, 24000, 24)
    for c in chunks(x):
        sink.write(c)
    sink.close()
    whole = encode_opus(x, 24000, 24)
    assert whole == encode_opus(x, 24000, 24)
    assert opus.getvalue() == whole and whole[:4] == b"OggS"


def test_a_tag_written_first_is_the_tag_mp3_writes() -> None:
    mp3 = encode_mp3(np.zeros(24000, np.float32), 24000, 48)
    marks = [Chapter("chp0", 0, 500, "Một"), Chapter("chp1", 500, 1000, "Hai")]
    assert id3_tag(META, marks) + mp3 == tag_mp3(mp3, META, marks)


def test_streaming_emergency_frame_and_repetition() -> None:
    """The attention signal at both ends; a repetition one bulletin and a gap later."""
    framed = both("loudspeaker", signal="attention")[1][0]
    twice = both("loudspeaker", repeat=2, repeat_gap_ms=2000)[1][0]
    once = both("loudspeaker")[1][0]
    assert twice.repetition_offsets_ms[1] >= twice.cues[-1].end_ms - twice.cues[0].start_ms
    assert abs(twice.duration_ms - once.duration_ms - twice.repetition_offsets_ms[1]) <= 2
    seg = decode(framed.data)
    x, rate = dsp.to_samples(seg), seg.frame_rate
    spectrum = np.abs(np.fft.rfft(x[: 2 * rate].astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(2 * rate, 1 / rate)
    assert abs(float(freqs[np.argmax(spectrum)]) - 960.0) < 5 or \
        abs(float(freqs[np.argmax(spectrum)]) - 720.0) < 5


# --- memory that does not grow with the programme ------------------------------------


BLOCK_S, SENTENCES, SOURCE_RATE = 30, 3, 22050


@functools.cache
def syllables() -> list[np.ndarray]:
    """A bank of speech-like syllables (120-280 ms): voiced, a pitch of 100-220 Hz with
    harmonics falling 6 dB an octave, a little noise, a smooth envelope."""
    rng = np.random.default_rng(0)
    bank = []
    for _ in range(48):
        length = int(SOURCE_RATE * rng.uniform(0.12, 0.28))
        t = np.arange(length) / SOURCE_RATE
        f0 = rng.uniform(100, 220)
        k = np.arange(1, int(4000 / f0))[:, None]
        voiced = (np.sin(2 * np.pi * f0 * k * t + rng.uniform(0, 6.3, k.shape)) / k).sum(0)
        bank.append((voiced + 0.1 * rng.standard_normal(length)) * np.hanning(length))
    peak = max(float(np.abs(b).max()) for b in bank)
    return [(b / peak).astype(np.float32) for b in bank]


def burst_clip(seed: int, seconds: float) -> AudioSegment:
    """Speech-like sound: syllables from the bank with short gaps, varying in level,
    peaks near full scale as espeak's."""
    rng = np.random.default_rng(seed)
    bank = syllables()
    x = np.zeros(int(SOURCE_RATE * seconds), np.float32)
    pos = 0
    while pos < x.size:
        syllable = bank[int(rng.integers(len(bank)))][:x.size - pos]
        x[pos:pos + syllable.size] = syllable * rng.uniform(0.3, 0.95)
        pos += syllable.size + int(SOURCE_RATE * rng.uniform(0.02, 0.12))
    x[x.size - 400:] = 0
    return dsp.to_segment(x, SOURCE_RATE)


class SyntheticBulletin(Sequence[Part]):
    """`minutes` of speech-like noise in blocks of BLOCK_S seconds, each block made when
    it is read (as the worker reads clips back from its sentence cache)."""

    def __init__(self, minutes: float) -> None:
        self.blocks = int(minutes * 60 / BLOCK_S)

    def __len__(self) -> int:
        return self.blocks

    def __getitem__(self, i: int) -> Part:  # type: ignore[override]
        if not 0 <= i < self.blocks:
            raise IndexError(i)
        clips = [SentenceClip(burst_clip(i * SENTENCES + k, BLOCK_S / SENTENCES), None, None,
                              f"câu {i}.{k}") for k in range(SENTENCES)]
        return Part("title" if i == 0 else "paragraph", clips)


def traced_peak(work: object) -> int:
    tracemalloc.start()
    try:
        work()  # type: ignore[operator]
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def encode_to_file(minutes: float, name: str, path: Path) -> None:
    """The streaming path of `encode_profile`, writing the file to disk (so its bytes,
    which do grow with the programme, are not what is measured)."""
    profile = get_profile(name)
    stream = streaming.ProgrammeStream(SyntheticBulletin(minutes), profile, SOURCE_RATE)
    output = profile.outputs[0]
    plan = streaming.measure(stream, profile, output.sample_rate)
    with open(path, "w+b") as out:  # read back to check the decoded peak
        f = encode_streamed(stream, output, profile, plan, out=out)
    assert f.duration_ms > minutes * 60_000


@pytest.mark.parametrize(("name", "minutes"), [("telephony", 10), ("podcast", 5)])
def test_memory_does_not_grow_with_the_programme(name: str, minutes: float,
                                                 tmp_path: Path) -> None:
    """Traced peak (numpy's buffers are traced) for a programme and for one twice as
    long: the same chunks, states and context, so within 20 % of each other, and small.
    The whole-array path holds the programme several times over (a 20-minute float32
    programme at 44.1 kHz is 200 MB a copy). Telephony runs every stage (resampling,
    band-pass, compressor, chime, limiter, WAV); the podcast adds the MP3 encoder and
    the decode that checks its peaks (5 and 10 minutes: 44.1 kHz costs more time)."""
    short = traced_peak(lambda: encode_to_file(minutes, name, tmp_path / "a"))
    long = traced_peak(lambda: encode_to_file(2 * minutes, name, tmp_path / "b"))
    assert long < short * 1.2, (short, long)
    assert long < 48 * 2**20


def test_segmented_memory_does_not_grow_with_the_programme() -> None:
    """The segmented web MP3: one segment (plus a bounded set kept from the measure
    pass) at a time; only the encoded file itself grows."""
    web = get_profile("web")
    sizes: dict[float, int] = {}

    def work(minutes: float) -> None:
        f = encode_segmented_mp3(SyntheticBulletin(minutes), web, web.outputs[0],
                                 rate=SOURCE_RATE)
        sizes[minutes] = len(f.data)

    short, long = traced_peak(lambda: work(10)), traced_peak(lambda: work(20))
    assert long - sizes[20] < (short - sizes[10]) * 1.2, (short, long, sizes)


def test_programme_stream_reads_each_part_once_per_pass() -> None:
    class Counting(SyntheticBulletin):
        def __init__(self, minutes: float) -> None:
            super().__init__(minutes)
            self.reads: list[int] = []

        def __getitem__(self, i: int) -> Part:  # type: ignore[override]
            part = super().__getitem__(i)
            self.reads.append(i)
            return part

    parts = Counting(2)
    stream = streaming.ProgrammeStream(parts, get_profile("loudspeaker", repeat=2),
                                       SOURCE_RATE)
    total = sum(x.size for x in stream.pieces())
    assert total == stream.known().samples
    assert parts.reads == [*range(len(parts)), *range(len(parts))]  # two repetitions
