"""Each profile's files, decoded and measured: loudness, peaks, format, timings, extras."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import mutagen.mp3
import mutagen.oggopus
import numpy as np
import pytest
from mutagen import id3
from scipy import signal

from audio import dsp, loudness
from audio.assemble import Part, SentenceClip, bulletin_header, header_part
from audio.chime import OPENING
from audio.engines.espeak import EspeakEngine
from audio.mastering import EncodedFile, build_programme, encode_profile
from audio.media import decode
from audio.profiles import PROFILES, get_profile
from audio.tags import LEAD_TITLE, Meta

TITLE = "Bắc Kạn triển khai Chỉ thị số 42 của Ban Bí thư"
LEAD = "Ban Thường vụ Tỉnh ủy đã ban hành kế hoạch phòng ngừa thiên tai."
PARAS = [
    "Ngày hai mươi bốn tháng ba, Ban Bí thư ban hành chỉ thị. Chỉ thị nhằm giảm nhẹ thiệt hại.",
    "Các cấp ủy cần xác định đây là nhiệm vụ quan trọng. Nhân dân được hướng dẫn kỹ năng ứng phó.",
]
AUTHOR = "Hương Dịu"
TEXT = "\n\n".join([TITLE, LEAD, *PARAS, AUTHOR])
META = Meta(title=TITLE, artist=AUTHOR, album="Báo Bắc Kạn", date=dt.date(2020, 6, 26),
            cover=b"\xff\xd8\xff\xe0fake-jpeg", comment="Bản tin thử")


def split(block: str) -> list[str]:
    return [s if s.endswith(".") else s + "." for s in block.rstrip(".").split(". ")]


def bulletin_parts(rate: float = 1.0, header: bool = True) -> list[Part]:
    """The test bulletin synthesized with espeak, offsets into TEXT."""
    engine = EspeakEngine()
    parts: list[Part] = []
    if header:
        h = bulletin_header("Đài Truyền thanh Bắc Kạn", dt.date(2020, 6, 26))
        parts.append(header_part(engine.synthesize([h.spoken], "north", rate).clips[0], h))
    pos = 0
    blocks = [("title", TITLE), ("lead", LEAD), *(("paragraph", p) for p in PARAS),
              ("author", AUTHOR)]
    for kind, block in blocks:
        sentences = split(block) if kind == "paragraph" else [block]
        clips = engine.synthesize(sentences, "north", rate).clips
        items = []
        for sentence, clip in zip(sentences, clips, strict=True):
            start = TEXT.index(sentence, pos)
            pos = start + len(sentence)
            items.append(SentenceClip(clip, start, pos, sentence))
        parts.append(Part(kind, items))  # type: ignore[arg-type]
    return parts


_cache: dict[str, list[EncodedFile]] = {}


def rendered(name: str, **overrides: object) -> list[EncodedFile]:
    key = name + repr(sorted(overrides.items()))
    if key not in _cache:
        profile = get_profile(name, **overrides)
        _cache[key] = encode_profile(bulletin_parts(profile.synthesis_rate), profile, META)
    return _cache[key]


def speech_end_ms(f: EncodedFile, x: dsp.Samples, rate: int) -> int:
    """Where speech stops, ignoring a closing chime after the bulletin."""
    profile = PROFILES[f.profile]
    limit = x.size
    if profile.chime:
        cut = f.cues[-1].end_ms + profile.pauses.tail + profile.chime_gap_ms // 2
        limit = int(cut * rate / 1000)
    _, end = dsp.active_bounds(x[:limit], rate)
    return round(end * 1000 / rate)


CASES = [(name, i) for name, p in PROFILES.items() for i in range(len(p.outputs))]


@pytest.mark.parametrize(("name", "index"), CASES)
def test_output_is_measured_as_promised(name: str, index: int) -> None:
    profile = PROFILES[name]
    spec = profile.outputs[index]
    f = rendered(name)[index]
    seg = decode(f.data)
    x = dsp.to_samples(seg)
    assert seg.channels == 1
    assert seg.frame_rate == (48000 if spec.format == "opus" else spec.sample_rate)
    assert abs(loudness.integrated_lufs(x, seg.frame_rate) - profile.target_lufs) <= 1.0
    assert dsp.true_peak_db(x) <= profile.true_peak_db
    if spec.format == "mp3":
        info = mutagen.mp3.MP3(io.BytesIO(f.data)).info
        assert info.bitrate == spec.bitrate_kbps * 1000
        assert info.sample_rate == spec.sample_rate
        assert info.channels == 1
    if spec.format == "opus":
        assert mutagen.oggopus.OggOpus(io.BytesIO(f.data)).info.channels == 1
        per_second = len(f.data) * 8 / (len(seg) / 1000)
        assert per_second < spec.bitrate_kbps * 1000 * 1.25
    assert abs(f.cues[-1].end_ms - speech_end_ms(f, x, seg.frame_rate)) <= 100
    assert abs(len(seg) - f.duration_ms) <= 80


def test_overrides_are_checked() -> None:
    p = get_profile("loudspeaker", target_lufs=-14.0, repeat=3)
    assert (p.target_lufs, p.repeat, p.name) == (-14.0, 3, "loudspeaker")
    assert PROFILES["loudspeaker"].repeat == 1
    with pytest.raises(ValueError, match="no setting"):
        get_profile("web", loudness=-3)
    with pytest.raises(ValueError, match="unknown profile"):
        get_profile("radio")


def band_share_db(x: dsp.Samples, rate: int, lo: float, hi: float) -> float:
    spectrum = np.abs(np.fft.rfft(x.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / rate)
    speech = spectrum[(freqs >= 300) & (freqs <= 3000)].sum()
    return float(10 * np.log10(spectrum[(freqs >= lo) & (freqs < hi)].sum() / speech))


def test_loudspeaker_is_band_limited() -> None:
    profile = PROFILES["loudspeaker"]
    f = rendered("loudspeaker")[0]
    out = dsp.to_samples(decode(f.data))
    source = build_programme(bulletin_parts(profile.synthesis_rate), profile)
    src = dsp.resample(source.samples, source.rate, 44100)
    # relative to the 300-3000 Hz speech band, so loudness changes do not count;
    # measured: ~22 dB less below 150 Hz, ~14 dB less above 7 kHz (MP3 noise included)
    assert band_share_db(out, 44100, 0, 150) < band_share_db(src, 44100, 0, 150) - 15
    assert band_share_db(out, 44100, 7000, 22050) < band_share_db(src, 44100, 7000, 22050) - 12


def chime_share(x: dsp.Samples, rate: int) -> float:
    """Fraction of the energy within ±15 Hz of the chime's notes."""
    spectrum = np.abs(np.fft.rfft(x.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / rate)
    near = np.zeros_like(freqs, dtype=bool)
    for note in OPENING:
        near |= np.abs(freqs - note) < 15
    return float(spectrum[near].sum() / spectrum.sum())


@pytest.mark.parametrize("name", ["loudspeaker", "telephony"])
def test_chime_opens_and_closes(name: str) -> None:
    f = rendered(name)[0]
    seg = decode(f.data)
    x, rate = dsp.to_samples(seg), seg.frame_rate
    n = int(1.5 * rate)
    assert chime_share(x[:n], rate) > 0.6
    assert chime_share(x[-n:], rate) > 0.6
    first = f.cues[0].start_ms * rate // 1000
    assert chime_share(x[first:first + n], rate) < 0.2  # speech is not the chime
    whole = int(2.1 * rate)  # the chime lasts 2 s
    opening, closing = note_peaks(x[:whole], rate), note_peaks(x[-whole:], rate)
    assert opening == sorted(set(opening))  # C5, E5, G5 rising
    assert closing == sorted(set(closing), reverse=True)  # and falling at the end


def note_peaks(x: dsp.Samples, rate: int) -> list[float]:
    """When each chime note (C5, E5, G5) is loudest, in seconds."""
    size = rate // 20  # 50 ms frames, 12.5 ms hop
    freqs, times, z = signal.stft(x, rate, nperseg=size, noverlap=size * 3 // 4)
    return [float(times[np.argmax(np.abs(z[np.argmin(np.abs(freqs - note))]))])
            for note in OPENING]


def envelope_corr(a: dsp.Samples, b: dsp.Samples, rate: int) -> float:
    """Correlation of 10 ms RMS envelopes: robust to sub-millisecond misalignment."""
    n = rate // 100
    size = min(a.size, b.size) // n * n
    ea = np.sqrt(np.mean(a[:size].reshape(-1, n) ** 2, axis=1))
    eb = np.sqrt(np.mean(b[:size].reshape(-1, n) ** 2, axis=1))
    return float(np.corrcoef(ea, eb)[0, 1])


def test_repetitions_are_present() -> None:
    once = rendered("loudspeaker")[0]
    twice = rendered("loudspeaker", repeat=2, repeat_gap_ms=2000)[0]
    seg = decode(twice.data)
    x, rate = dsp.to_samples(seg), seg.frame_rate
    offset = twice.repetition_offsets_ms[1]
    first_cue, last_cue = twice.cues[0], twice.cues[-1]
    span = last_cue.end_ms - first_cue.start_ms
    assert offset >= span + 2000  # a repetition starts after the bulletin and the gap
    a = x[first_cue.start_ms * rate // 1000:][: span * rate // 1000]
    b = x[(first_cue.start_ms + offset) * rate // 1000:][: span * rate // 1000]
    assert envelope_corr(a, b, rate) > 0.95
    assert envelope_corr(a[rate:], b[:-rate], rate) < 0.6  # and not by accident
    gain = len(seg) - len(decode(once.data))
    assert abs(gain - offset) <= 60  # the file grew by exactly one repetition
    assert [c.text for c in twice.cues] == [c.text for c in once.cues]


def test_podcast_tags_and_chapters_read_back() -> None:
    f = rendered("podcast")[0]
    tags = id3.ID3(io.BytesIO(f.data))
    assert tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == TITLE
    assert str(tags["TPE1"]) == AUTHOR
    assert str(tags["TALB"]) == "Báo Bắc Kạn"
    assert str(tags["TLAN"]) == "vie"
    assert str(tags["TDRC"]) == "2020-06-26"  # mutagen reads TYER+TDAT back as TDRC
    raw = id3.ID3(io.BytesIO(f.data), translate=False)
    assert str(raw["TYER"]) == "2020" and str(raw["TDAT"]) == "2606"
    assert tags.getall("APIC")[0].data == META.cover
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    titles = [str(c.sub_frames["TIT2"]) for c in chapters]
    assert titles[0] == TITLE and titles[1] == LEAD_TITLE
    assert titles[2].startswith("Đoạn 1: Ngày hai mươi bốn") and titles[3].startswith("Đoạn 2:")
    assert len(chapters) == 4
    assert chapters[0].start_time == 0 and chapters[-1].end_time == f.duration_ms
    for a, b in itertools.pairwise(chapters):
        assert a.end_time == b.start_time
    lead_cue = next(c for c in f.cues if c.kind == "lead")
    assert chapters[1].start_time == lead_cue.start_ms
    toc = tags.getall("CTOC")[0]
    assert toc.child_element_ids == [c.element_id for c in chapters]
    assert len(decode(f.data)) > 10_000  # the tag did not break the audio
