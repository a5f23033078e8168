"""The emergency framing: the attention signal measured, the profile switch, the words."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest
from scipy import signal

from audio import dsp
from audio.assemble import Part, SentenceClip
from audio.attention import (
    EDGE_S,
    EMERGENCY_PHRASE,
    HARMONICS,
    HIGH_HZ,
    LOW_HZ,
    TONE_S,
    TONES,
    attention,
    attention_samples,
    emergency_header,
    issued_words,
    reminder,
    time_words,
)
from audio.chime import CLOSING, OPENING, chime_samples
from audio.mastering import build_programme, master
from audio.profiles import PROFILES, get_profile

CHIME_NOTES = (523.25, 659.26, 783.99)


def spectrum(x: dsp.Samples, rate: int) -> tuple[np.ndarray, np.ndarray]:
    power = np.abs(np.fft.rfft(x.astype(np.float64))) ** 2
    return np.fft.rfftfreq(x.size, 1 / rate), power


def share_near(x: dsp.Samples, rate: int, freqs_hz: tuple[float, ...], width: float) -> float:
    """Fraction of the energy within ±width Hz of any of `freqs_hz`."""
    freqs, power = spectrum(x, rate)
    near = np.zeros_like(freqs, dtype=bool)
    for f in freqs_hz:
        near |= np.abs(freqs - f) < width
    return float(power[near].sum() / power.sum())


def two_peaks(x: dsp.Samples, rate: int) -> list[float]:
    """The two strongest spectral peaks at least 50 Hz apart, ascending."""
    freqs, power = spectrum(x, rate)
    first = freqs[np.argmax(power)]
    power = np.where(np.abs(freqs - first) < 50, 0.0, power)
    return sorted([float(first), float(freqs[np.argmax(power)])])


# --- the signal ---------------------------------------------------------------------


@pytest.mark.parametrize("rate", [44100, 24000, 8000])
def test_dominant_frequencies_are_the_constants_inside_the_phone_band(rate: int) -> None:
    x = attention_samples(rate)
    low, high = two_peaks(x, rate)
    assert abs(low - LOW_HZ) < 2 and abs(high - HIGH_HZ) < 2
    top = max(m for m, _ in HARMONICS) * HIGH_HZ
    assert 300 < LOW_HZ < HIGH_HZ and top < 3400
    assert share_near(x, rate, (1850.0,), 1550) > 0.999  # 300-3400 Hz holds it all
    # at 8 kHz (telephony) the fundamentals still carry most of the energy
    assert share_near(x, rate, (LOW_HZ, HIGH_HZ), 10) > 0.7


def test_it_is_not_the_chime() -> None:
    rate = 44100
    tone, chime = attention_samples(rate), chime_samples(rate)
    assert share_near(chime, rate, CHIME_NOTES, 15) > 0.6  # the measure finds the chime
    assert share_near(tone, rate, CHIME_NOTES, 15) < 0.002  # and no chime in the tone
    for f in (LOW_HZ, HIGH_HZ):
        assert min(abs(f - note) for note in CHIME_NOTES) > 50
    n = min(tone.size, chime.size)
    assert abs(np.corrcoef(tone[:n], chime[:n])[0, 1]) < 0.05


def tone_sequence(x: dsp.Samples, rate: int) -> list[str]:
    """'H' or 'L' for each 50 ms frame, by which fundamental is stronger."""
    size = rate // 20
    freqs, _, z = signal.stft(x, rate, nperseg=size, noverlap=0, boundary=None,
                              padded=False)
    hi = np.abs(z[np.argmin(np.abs(freqs - HIGH_HZ))])
    lo = np.abs(z[np.argmin(np.abs(freqs - LOW_HZ))])
    return ["H" if h > lo_ else "L" for h, lo_ in zip(hi, lo, strict=True)]


@pytest.mark.parametrize("rate", [44100, 8000])
def test_the_tones_alternate(rate: int) -> None:
    seq = tone_sequence(attention_samples(rate), rate)
    frames = round(TONE_S * 20)  # 50 ms frames per tone
    expected = [("H" if i % 2 == 0 else "L") for i in range(TONES) for _ in range(frames)]
    assert seq == expected
    switches = sum(a != b for a, b in itertools.pairwise(seq))
    assert switches == TONES - 1
    # the chime has no such alternation
    chime_seq = tone_sequence(chime_samples(rate), rate)
    assert sum(a != b for a, b in itertools.pairwise(chime_seq)) <= 1


@pytest.mark.parametrize("rate", [44100, 8000])
def test_no_clicks(rate: int) -> None:
    x = attention_samples(rate).astype(np.float64)
    assert abs(x[0]) < 1e-3 and abs(x[-1]) < 1e-3
    edge = int(rate * EDGE_S)
    n = round(rate * TONE_S)
    steady = np.abs(np.diff(x[n // 4: n // 2])).max()  # inside the first tone
    quarter = max(2, edge // 4)
    for b in range(0, x.size + 1, n):  # start, every junction, end
        around = x[max(0, b - quarter): b + quarter]
        assert np.abs(around).max() < 0.2 * np.abs(x).max()  # the edges meet near zero
        assert np.abs(np.diff(around)).max() < 0.3 * steady
    assert np.abs(np.diff(x)).max() <= steady * 1.01  # nowhere steeper than a full tone
    if rate == 44100:  # a click is broadband: nothing above the 3rd harmonic
        freqs, power = spectrum(x.astype(np.float32), rate)
        assert power[freqs > 4000].sum() / power.sum() < 1e-6


@pytest.mark.parametrize("peak_db", [-6.0, -12.0, -1.0])
def test_peak_and_length(peak_db: float) -> None:
    x = attention_samples(44100, peak_db)
    assert 20 * np.log10(np.abs(x).max()) == pytest.approx(peak_db, abs=0.01)
    assert 2.5 <= x.size / 44100 <= 3.5
    assert x.dtype == np.float32


def test_deterministic() -> None:
    assert attention_samples(44100).tobytes() == attention_samples(44100).tobytes()
    a, b = attention(), attention()
    assert a.raw_data == b.raw_data
    assert (a.frame_rate, a.channels, a.sample_width) == (44100, 1, 2)
    assert abs(len(a) - TONES * TONE_S * 1000) <= 1


# --- the profile switch -------------------------------------------------------------


def fake_parts(rate: int = 22050) -> list[Part]:
    t = np.arange(int(rate * 1.5)) / rate
    speech = (0.3 * np.sin(2 * np.pi * 180 * t)).astype(np.float32)  # a low "voice"
    clip = dsp.to_segment(speech, rate)
    return [Part("title", [SentenceClip(clip, 0, 5, "Tiêu đề")])]


def best_corr(x: dsp.Samples, ref: dsp.Samples, max_lag: int = 50) -> float:
    """Highest normalized correlation of `x`'s start with `ref`, over small lags."""
    best = 0.0
    for lag in range(max_lag + 1):
        a = x[lag: lag + ref.size]
        if a.size < ref.size:
            break
        best = max(best, float(np.corrcoef(a, ref)[0, 1]))
    return best


def test_attention_profile_frames_with_the_attention_signal() -> None:
    profile = get_profile("loudspeaker", signal="attention")
    prog = build_programme(fake_parts(), profile)
    rate = prog.rate
    tone = attention_samples(rate)
    chime = chime_samples(rate, OPENING)
    assert best_corr(prog.samples, tone) > 0.99
    assert best_corr(prog.samples, chime) < 0.2
    assert best_corr(prog.samples[::-1], tone[::-1]) > 0.99  # it closes with it too
    assert share_near(prog.samples[: tone.size], rate, CHIME_NOTES, 15) < 0.002
    # cues moved by the signal and the gap
    assert prog.cues[0].start_ms >= 1000 * tone.size // rate + profile.chime_gap_ms


def test_default_loudspeaker_still_opens_with_the_chime() -> None:
    profile = PROFILES["loudspeaker"]
    assert profile.signal == "chime"
    prog = build_programme(fake_parts(), profile)
    chime = chime_samples(prog.rate, OPENING)
    assert best_corr(prog.samples, chime) > 0.99
    assert best_corr(prog.samples, attention_samples(prog.rate)) < 0.2
    closing = chime_samples(prog.rate, CLOSING)
    assert best_corr(prog.samples[::-1], closing[::-1]) > 0.99


def test_no_chime_no_signal() -> None:
    profile = get_profile("web", signal="attention")  # chime is off: nothing framed
    prog = build_programme(fake_parts(), profile)
    assert share_near(prog.samples, prog.rate, (LOW_HZ, HIGH_HZ), 10) < 0.01


def test_unknown_signal_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown signal"):
        build_programme(fake_parts(), get_profile("loudspeaker", signal="siren"))


def test_telephony_master_keeps_the_alternating_tones() -> None:
    profile = get_profile("telephony", signal="attention")
    prog = build_programme(fake_parts(), profile)
    x, _ = master(prog, profile, 8000)
    head = x[: round(8000 * TONE_S * TONES)]
    assert share_near(head, 8000, (LOW_HZ, HIGH_HZ), 10) > 0.6
    seq = tone_sequence(head, 8000)
    assert sum(a != b for a, b in itertools.pairwise(seq)) == TONES - 1


# --- the words ----------------------------------------------------------------------


@pytest.mark.parametrize(("hour", "minute", "style", "words"), [
    (0, 0, "north", "không giờ"),
    (6, 0, "north", "sáu giờ"),
    (7, 5, "north", "bảy giờ năm phút"),
    (14, 30, "north", "mười bốn giờ ba mươi phút"),
    (23, 59, "north", "hai mươi ba giờ năm mươi chín phút"),
    (21, 15, "north", "hai mươi mốt giờ mười lăm phút"),
    (10, 24, "north", "mười giờ hai mươi tư phút"),
    (10, 24, "south", "mười giờ hai mươi bốn phút"),
    (7, 5, "south", "bảy giờ năm phút"),
    (0, 0, "south", "không giờ"),
])
def test_time_words(hour: int, minute: int, style: str, words: str) -> None:
    assert time_words(hour, minute, style) == words


@pytest.mark.parametrize(("hour", "minute"), [(24, 0), (-1, 0), (12, 60), (12, -5)])
def test_time_words_rejects_impossible_times(hour: int, minute: int) -> None:
    with pytest.raises(ValueError):
        time_words(hour, minute)


@pytest.mark.parametrize(("when", "style", "words"), [
    (dt.datetime(2026, 12, 1, 14, 30), "north",
     "Bản tin phát hành lúc mười bốn giờ ba mươi phút, "
     "ngày một tháng mười hai năm hai nghìn không trăm hai mươi sáu."),
    (dt.datetime(2026, 4, 5, 6, 0, 59), "north",
     "Bản tin phát hành lúc sáu giờ, ngày năm tháng tư năm hai nghìn không trăm hai mươi sáu."),
    (dt.datetime(2005, 10, 24, 23, 59), "south",
     "Bản tin phát hành lúc hai mươi ba giờ năm mươi chín phút, "
     "ngày hai mươi bốn tháng mười năm hai ngàn không trăm lẻ năm."),
    # an aware datetime: its wall-clock fields are read, the zone is not converted
    (dt.datetime(2026, 12, 1, 7, 5, tzinfo=dt.timezone(dt.timedelta(hours=7))), "north",
     "Bản tin phát hành lúc bảy giờ năm phút, "
     "ngày một tháng mười hai năm hai nghìn không trăm hai mươi sáu."),
])
def test_issued_words(when: dt.datetime, style: str, words: str) -> None:
    assert issued_words(when, style) == words


WHEN = dt.datetime(2026, 12, 1, 14, 30)


def test_emergency_header_full() -> None:
    h = emergency_header("Truyền thanh xã Tân Lập", WHEN, "bão số ba", 3)
    assert h.spoken == (
        "Thông báo khẩn cấp. Thông báo khẩn cấp. "
        "Đài Truyền thanh xã Tân Lập xin thông báo. "
        f"{issued_words(WHEN)} "
        "Cảnh báo bão số ba, rủi ro thiên tai cấp độ ba."
    )
    assert h.written == (
        "Thông báo khẩn cấp. Thông báo khẩn cấp. "
        "Đài Truyền thanh xã Tân Lập xin thông báo. "
        "Bản tin phát hành lúc 01/12/2026 14:30. "
        "Cảnh báo bão số ba, rủi ro thiên tai cấp độ 3."
    )


@pytest.mark.parametrize(("station", "when", "hazard", "level"), [
    ("Truyền thanh xã Tân Lập", WHEN, "lũ quét", 4),
    ("", None, "", None),
    ("", WHEN, "", 2),
    ("Truyền thanh xã", None, "cháy rừng", None),
    ("  ", None, "  dịch bệnh  ", 1),
])
def test_emergency_header_parts(station: str, when: dt.datetime | None, hazard: str,
                                level: int | None) -> None:
    h = emergency_header(station, when, hazard, level, "south")
    assert h.spoken.count(EMERGENCY_PHRASE) == 2
    assert h.spoken.startswith(f"{EMERGENCY_PHRASE}. {EMERGENCY_PHRASE}.")
    assert h.written.startswith(f"{EMERGENCY_PHRASE}. {EMERGENCY_PHRASE}.")
    assert ("xin thông báo." in h.spoken) == bool(station.strip())
    assert ("Đài  " not in h.spoken) and ("  " not in h.spoken)
    assert ("phát hành lúc" in h.spoken) == (when is not None)
    if when is not None:
        assert issued_words(when, "south") in h.spoken
        assert "01/12/2026 14:30" in h.written
    assert ("Cảnh báo" in h.spoken) == bool(hazard.strip())
    if hazard.strip():
        assert f"Cảnh báo {hazard.strip()}" in h.spoken
    words = {1: "một", 2: "hai", 3: "ba", 4: "bốn"}
    if level is None:
        assert "cấp độ" not in h.spoken
    else:
        assert f"cấp độ {words[level]}." in h.spoken
        assert f"cấp độ {level}." in h.written
    assert h.spoken.endswith(".") and h.written.endswith(".")


def test_emergency_header_details() -> None:
    # no hazard: the level sentence starts with a capital
    assert emergency_header("", None, "", 5).spoken.endswith(
        "Thông báo khẩn cấp. Rủi ro thiên tai cấp độ năm.")
    # a station given with its "Đài" gets no second one
    h = emergency_header("Đài Truyền thanh xã Tân Lập", None, "", None)
    assert "Đài Truyền thanh xã Tân Lập xin thông báo." in h.spoken
    assert "Đài Đài" not in h.spoken
    for bad in (0, 6):
        with pytest.raises(ValueError, match="risk level"):
            emergency_header("", None, "bão", bad)


def test_reminder() -> None:
    assert reminder("Người dân  không ra khơi.") == "Xin nhắc lại: Người dân không ra khơi."
    with pytest.raises(ValueError):
        reminder("   ")
