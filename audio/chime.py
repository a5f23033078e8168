"""The station chime, synthesized: three soft marimba-like notes.

A commune loudspeaker starts and ends every broadcast with a signature so people look
up and know the news begins (and that it is over). We make it in code rather than
shipping a recording: no licensing question, any sample rate, and tests can know its
exact notes. A marimba bar rings at its fundamental plus partials near 4x and 10x
that die away much faster, which gives a warm "tock" rather than a beep. The notes
(C5-E5-G5 rising to open, falling to close) sit at 500-2100 Hz, inside every band
limit we use, including the 300-3400 Hz telephone band.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from audio import dsp
from audio.media import AudioSegment

#: note frequencies in Hz: C5, E5, G5
OPENING = (523.25, 659.26, 783.99)
CLOSING = tuple(reversed(OPENING))
#: (frequency multiple, relative amplitude, decay time constant in seconds)
PARTIALS = ((1.0, 1.0, 0.35), (3.93, 0.35, 0.09), (9.2, 0.12, 0.03))


def _note(freq: float, rate: int, seconds: float) -> dsp.Samples:
    t = np.arange(int(rate * seconds), dtype=np.float64) / rate
    out = np.zeros_like(t)
    for mult, amp, tau in PARTIALS:
        f = freq * mult
        if f < rate / 2 * 0.9:  # skip partials the rate cannot carry (8 kHz telephony)
            out += amp * np.exp(-t / tau) * np.sin(2 * np.pi * f * t)
    attack = min(t.size, int(rate * 0.004))  # 4 ms mallet attack: no click
    out[:attack] *= np.linspace(0.0, 1.0, attack)
    return out.astype(np.float32)


def chime_samples(rate: int, notes: Sequence[float] = OPENING, spacing_s: float = 0.3,
                  ring_s: float = 1.4, peak_db: float = -6.0) -> dsp.Samples:
    """The chime as float samples; the last note rings for `ring_s` seconds."""
    step = int(rate * spacing_s)
    total = step * (len(notes) - 1) + int(rate * ring_s)
    out = np.zeros(total, dtype=np.float32)
    for i, freq in enumerate(notes):
        note = _note(freq, rate, ring_s)
        out[i * step: i * step + note.size] += note
    fade = int(rate * 0.05)  # let the tail end in silence, not a cut
    out[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    peak = float(np.abs(out).max())
    return (out * (dsp.db_to_gain(peak_db) / peak)).astype(np.float32)


def chime(rate: int = 44100, closing: bool = False) -> AudioSegment:
    """The opening (or closing) chime as a 16-bit mono segment."""
    return dsp.to_segment(chime_samples(rate, CLOSING if closing else OPENING), rate)
