"""Assembly: pauses where configured, no clicks at joins, mixed rates, the header."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from audio import dsp
from audio.assemble import Part, Pauses, SentenceClip, assemble, bulletin_header, header_part
from audio.engines.espeak import EspeakEngine
from audio.header import number_words


def tone(ms: int, rate: int = 22050, freq: float = 440.0, pad_ms: int = 0,
         channels: int = 1) -> dsp.Samples:
    t = np.arange(int(rate * ms / 1000)) / rate
    x = (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    pad = np.zeros(int(rate * pad_ms / 1000), np.float32)
    return np.concatenate([pad, x, pad])


def clip(x: dsp.Samples, rate: int = 22050, channels: int = 1) -> SentenceClip:
    seg = dsp.to_segment(x, rate)
    if channels == 2:
        seg = seg.set_channels(2)
    return SentenceClip(seg, 0, 1, "x")


PAUSES = Pauses(lead_in=100, after_title=900, after_sentence=300, after_paragraph=600, tail=200)


def test_pauses_and_cues_follow_the_structure() -> None:
    parts = [Part("title", [clip(tone(500))]),
             Part("paragraph", [clip(tone(400)), clip(tone(300))]),
             Part("paragraph", [clip(tone(200))])]
    out = assemble(parts, PAUSES)
    starts = [c.start_ms for c in out.cues]
    ends = [c.end_ms for c in out.cues]
    assert starts[0] == 100
    assert [b - a for a, b in zip(ends, starts[1:], strict=False)] == [900, 300, 600]
    assert [e - s for s, e in zip(starts, ends, strict=True)] == [500, 400, 300, 200]
    assert abs(out.duration_ms - (ends[-1] + 200)) <= 1
    assert [c.part_index for c in out.cues] == [0, 1, 1, 2]


def test_engine_padding_is_trimmed() -> None:
    out = assemble([Part("title", [clip(tone(500, pad_ms=400))])], PAUSES)
    cue = out.cues[0]
    assert abs((cue.end_ms - cue.start_ms) - (500 + 2 * PAUSES.trim_keep_ms)) <= 12
    untrimmed = assemble([Part("title", [clip(tone(500, pad_ms=400))])],
                         Pauses(trim_db=None))
    assert untrimmed.cues[0].end_ms - untrimmed.cues[0].start_ms == 1300


def test_joins_do_not_click() -> None:
    """Clips that start and stop at half scale (a cosine) would click: fades stop it."""
    t = np.arange(int(22050 * 0.3)) / 22050
    cosine = (0.5 * np.cos(2 * np.pi * 200 * t)).astype(np.float32)
    parts = [Part("paragraph", [clip(cosine), clip(cosine)])]
    out = assemble(parts, Pauses(trim_db=None))
    x = dsp.to_samples(out.audio)
    steps = np.abs(np.diff(x))
    assert float(steps.max()) < 0.5 * 2 * np.pi * 200 / 22050 * 1.05  # no step beyond the wave's
    for cue in out.cues:
        for edge in (cue.start_ms, cue.end_ms):
            i = edge * 22050 // 1000
            assert float(np.abs(x[i - 3: i + 3]).max()) < 0.01


def test_mixed_rates_and_channels_become_one_mono_rate() -> None:
    parts = [Part("title", [clip(tone(500, rate=24000), rate=24000, channels=2)]),
             Part("lead", [clip(tone(500, rate=16000), rate=16000)])]
    out = assemble(parts, PAUSES)
    assert out.audio.frame_rate == 24000 and out.audio.channels == 1
    assert [c.end_ms - c.start_ms for c in out.cues] == [500, 500]
    x = dsp.to_samples(out.audio)
    spectrum = np.abs(np.fft.rfft(x))
    assert abs(np.fft.rfftfreq(x.size, 1 / 24000)[spectrum.argmax()] - 440) < 2


def test_empty_clips_are_skipped() -> None:
    empty = SentenceClip(dsp.to_segment(np.zeros(0, np.float32), 22050), 5, 5, "")
    out = assemble([Part("title", [clip(tone(200)), empty]), Part("author", [empty])], PAUSES)
    assert len(out.cues) == 1
    assert abs(out.duration_ms - (100 + 200 + 200)) <= 1


def test_real_speech_with_header() -> None:
    header = bulletin_header("Đài Truyền thanh xã", dt.date(2024, 4, 25))
    engine = EspeakEngine()
    head_clip, body = engine.synthesize([header.spoken, "Tin thời tiết."], "north", 1.0).clips
    out = assemble([header_part(head_clip, header),
                    Part("title", [SentenceClip(body, 0, 14, "Tin thời tiết.")])])
    assert out.cues[0].kind == "header" and out.cues[0].char_start is None
    assert out.cues[0].text == "Bản tin Đài Truyền thanh xã, ngày 25/04/2024."
    assert out.cues[1].start_ms - out.cues[0].end_ms == Pauses().after_header
    x = dsp.to_samples(out.audio)
    _, end = dsp.active_bounds(x, out.audio.frame_rate)
    assert abs(out.cues[-1].end_ms - end * 1000 / out.audio.frame_rate) < 60


@pytest.mark.parametrize(("n", "words"), [
    (1, "một"), (4, "bốn"), (10, "mười"), (15, "mười lăm"), (21, "hai mươi mốt"),
    (24, "hai mươi tư"), (25, "hai mươi lăm"), (30, "ba mươi"), (105, "một trăm linh năm"),
    (2000, "hai nghìn"), (2005, "hai nghìn không trăm linh năm"),
    (2019, "hai nghìn không trăm mười chín"), (1954, "một nghìn chín trăm năm mươi tư"),
    (2024, "hai nghìn không trăm hai mươi tư"),
])
def test_number_words(n: int, words: str) -> None:
    assert number_words(n) == words


def test_header_text() -> None:
    h = bulletin_header("  Đài  Truyền thanh\nBắc Kạn ", dt.date(2020, 6, 1))
    assert h.written == "Bản tin Đài Truyền thanh Bắc Kạn, ngày 01/06/2020."
    assert h.spoken == ("Bản tin Đài Truyền thanh Bắc Kạn, ngày một tháng sáu năm "
                        "hai nghìn không trăm hai mươi.")
    south = bulletin_header("Sài Gòn", dt.date(2005, 4, 30), style="south")
    assert south.spoken.endswith("ngày ba mươi tháng tư năm hai ngàn không trăm lẻ năm.")
    assert bulletin_header("Xã A", None).spoken == "Bản tin Xã A."
