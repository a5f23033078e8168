"""The emergency framing: an attention signal and the words around an urgent bulletin.

Emergency bulletins on commune loudspeakers (storms, floods, fires, epidemics; the risk
levels of QĐ 18/2021/QĐ-TTg) must not sound like the daily news. They open with an
attention signal, then "Thông báo khẩn cấp" said twice, who speaks, when the bulletin
was issued and the hazard with its risk level; the instruction is said again at the end.

The signal is a two-tone "hi-lo": HIGH_HZ and LOW_HZ alternating every TONE_S seconds
for about three seconds. The design basis is the civil-defence wail and hi-lo signals
and the US Emergency Alert System's two-tone attention signal (853 + 960 Hz): an
alternating pair of steady tones is recognized at once as an alarm, while the station
chime (`audio.chime`) is three decaying marimba notes that people hear every day. Its
notes (523, 659 and 784 Hz) are deliberately far from this signal's frequencies, so the
two cannot be confused by ear or by a spectrum. 960 Hz is EAS's upper tone; 720 Hz puts
the pair a perfect fourth apart, the interval of the European two-tone horns. Each tone
carries its 2nd and 3rd harmonics (up to 2880 Hz) so a horn speaker projects it, and
everything sits inside the 300-3400 Hz telephone band, so phone lines carry it too.
Every tone starts and stops on a raised-cosine edge (EDGE_S) so nothing clicks, and the
last tone fades out. The signal is synthesized, so it is exact and the same every time.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from audio import dsp
from audio.header import Header, date_words, number_words
from audio.media import AudioSegment

#: the two alternating tones, in Hz (high first)
HIGH_HZ = 960.0
LOW_HZ = 720.0
#: (frequency multiple, relative amplitude) of each tone's partials
HARMONICS = ((1.0, 1.0), (2.0, 0.3), (3.0, 0.2))
#: seconds per tone, and tones in the signal (high, low, high, ...): 3 s in all
TONE_S = 0.3
TONES = 10
#: raised-cosine rise/fall of every tone, and the longer fade of the last one
EDGE_S = 0.008
FINAL_FADE_S = 0.12

#: said twice at the start of every emergency bulletin
EMERGENCY_PHRASE = "Thông báo khẩn cấp"
#: the risk levels of QĐ 18/2021/QĐ-TTg (level 5: disaster emergency)
RISK_LEVELS = range(1, 6)


def _raised_cosine(n: int) -> dsp.Samples:
    return (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n))).astype(np.float32)


def _tone(freq: float, rate: int, n: int) -> dsp.Samples:
    t = np.arange(n, dtype=np.float64) / rate
    out = np.zeros(n, dtype=np.float64)
    for mult, amp in HARMONICS:
        if freq * mult < rate / 2 * 0.9:  # skip what the rate cannot carry
            out += amp * np.sin(2 * np.pi * freq * mult * t)
    edge = min(max(2, int(rate * EDGE_S)), n // 2)
    ramp = _raised_cosine(edge)
    out[:edge] *= ramp
    out[-edge:] *= ramp[::-1]
    return out.astype(np.float32)


def attention_samples(rate: int, peak_db: float = -6.0) -> dsp.Samples:
    """The attention signal as float samples with its sample peak at `peak_db` dBFS.

    TONES tones of TONE_S seconds, alternating HIGH_HZ and LOW_HZ, each with
    raised-cosine edges; the last one fades out over FINAL_FADE_S.
    """
    n = round(rate * TONE_S)
    tones = {freq: _tone(freq, rate, n) for freq in (HIGH_HZ, LOW_HZ)}
    out = np.concatenate([tones[HIGH_HZ if i % 2 == 0 else LOW_HZ] for i in range(TONES)])
    fade = min(int(rate * FINAL_FADE_S), n)
    out[-fade:] *= _raised_cosine(fade)[::-1]
    peak = float(np.abs(out).max())
    return (out * (dsp.db_to_gain(peak_db) / peak)).astype(np.float32)


def attention(rate: int = 44100) -> AudioSegment:
    """The attention signal as a 16-bit mono segment."""
    return dsp.to_segment(attention_samples(rate), rate)


def time_words(hour: int, minute: int, style: str = "north") -> str:
    """'mười bốn giờ ba mươi phút'; on the hour just 'sáu giờ' (24-hour clock)."""
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(f"not a time of day: {hour}:{minute:02d}")
    words = f"{number_words(hour, style)} giờ"
    return f"{words} {number_words(minute, style)} phút" if minute else words


def issued_words(when: dt.datetime, style: str = "north") -> str:
    """'Bản tin phát hành lúc mười bốn giờ ba mươi phút, ngày một tháng mười hai năm …'.

    `when` is LOCAL wall-clock time, naive or aware: only its fields are read (convert
    an aware datetime to the listeners' zone first). Seconds are not said.
    """
    return (f"Bản tin phát hành lúc {time_words(when.hour, when.minute, style)}, "
            f"{date_words(when.date(), style)}.")


def _station_name(station: str) -> str:
    """'Đài <station>' unless the caller's name already starts with 'Đài'."""
    station = " ".join(station.split())
    return station if station.lower().startswith("đài ") else f"Đài {station}"


def emergency_header(station: str, issued_local: dt.datetime | None, hazard_label: str,
                     risk_level: int | None, style: str = "north") -> Header:
    """The opening of an emergency bulletin, written (cue text) and spoken.

    "Thông báo khẩn cấp. Thông báo khẩn cấp. Đài <station> xin thông báo. Bản tin phát
    hành lúc <time>, <date>. Cảnh báo <hazard_label>, rủi ro thiên tai cấp độ <n>."
    Empty or None parts are left out. The written form shows digits ("cấp độ 3",
    "01/12/2026 14:30"). `station` and `hazard_label` are used as written: callers
    normalize them when they may hold abbreviations. A station name already starting
    with "Đài" is not given a second one. `issued_local` is local wall-clock time (see
    `issued_words`). `risk_level` must be one of the QĐ 18/2021 levels 1-5.
    """
    if risk_level is not None and risk_level not in RISK_LEVELS:
        raise ValueError(f"risk level must be 1-5 (QĐ 18/2021/QĐ-TTg), not {risk_level}")
    opening = f"{EMERGENCY_PHRASE}. {EMERGENCY_PHRASE}."
    written, spoken = [opening], [opening]
    if station.strip():
        sentence = f"{_station_name(station)} xin thông báo."
        written.append(sentence)
        spoken.append(sentence)
    if issued_local is not None:
        w = issued_local
        written.append(f"Bản tin phát hành lúc {w.day:02d}/{w.month:02d}/{w.year} "
                       f"{w.hour:02d}:{w.minute:02d}.")
        spoken.append(issued_words(issued_local, style))
    hazard = " ".join(hazard_label.split())
    warn_w, warn_s = [], []
    if hazard:
        warn_w.append(f"Cảnh báo {hazard}")
        warn_s.append(f"Cảnh báo {hazard}")
    if risk_level is not None:
        level = "rủi ro thiên tai cấp độ"
        warn_w.append(f"{level} {risk_level}")
        warn_s.append(f"{level} {number_words(risk_level, style)}")
    if warn_s:
        written.append(_sentence(", ".join(warn_w)))
        spoken.append(_sentence(", ".join(warn_s)))
    return Header(written=" ".join(written), spoken=" ".join(spoken))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def reminder(instruction: str) -> str:
    """'Xin nhắc lại: <instruction>', said after the content.

    The instruction is used as written (whitespace tidied): the caller normalizes the
    result before synthesis. An empty instruction is an error, not a bare "Xin nhắc lại".
    """
    text = " ".join(instruction.split())
    if not text:
        raise ValueError("an emergency reminder needs an instruction")
    return f"Xin nhắc lại: {text}"
