"""Encoders produce what they claim; files are written atomically and named by content."""

from __future__ import annotations

import io

import mutagen.mp3
import mutagen.oggopus
import numpy as np
import pytest

from audio import dsp, encode
from audio.media import decode

RATE = 24000


@pytest.fixture(scope="module")
def burst() -> dsp.Samples:
    """1 s silence, 0.5 s of a 600 Hz tone, 1 s silence: easy to locate after decoding."""
    t = np.arange(RATE // 2) / RATE
    tone = (0.4 * np.sin(2 * np.pi * 600 * t)).astype(np.float32)
    silence = np.zeros(RATE, np.float32)
    return np.concatenate([silence, tone, silence])


def onset_ms(x: dsp.Samples, rate: int) -> float:
    start, _ = dsp.active_bounds(x, rate, threshold_db=-30.0, window_ms=1.0)
    return start * 1000 / rate


def test_mp3_is_cbr_mono_and_delay_is_known(burst: dsp.Samples) -> None:
    data = encode.encode(burst, RATE, "mp3", 48)
    info = mutagen.mp3.MP3(io.BytesIO(data)).info
    assert (info.bitrate, info.sample_rate, info.channels) == (48000, RATE, 1)
    seg = decode(data)
    delay = onset_ms(dsp.to_samples(seg), RATE) - onset_ms(burst, RATE)
    assert abs(delay - encode.start_delay_ms("mp3", RATE)) <= 3


def test_mp3_rejects_rates_it_cannot_carry(burst: dsp.Samples) -> None:
    with pytest.raises(encode.EncodeError):
        encode.encode_mp3(burst, 23000, 48)


def test_opus_is_mono_ogg_without_start_delay(burst: dsp.Samples) -> None:
    data = encode.encode(burst, RATE, "opus", 24)
    assert data[:4] == b"OggS"
    assert mutagen.oggopus.OggOpus(io.BytesIO(data)).info.channels == 1
    seg = decode(data)
    assert seg.frame_rate == 48000 and seg.channels == 1
    assert abs(onset_ms(dsp.to_samples(seg), 48000) - onset_ms(burst, RATE)) <= 3
    assert abs(len(seg) - 2500) <= 25


def test_wav_is_exact(burst: dsp.Samples) -> None:
    seg = decode(encode.encode(burst, RATE, "wav"))
    assert seg.frame_rate == RATE
    assert np.array_equal(np.array(seg.get_array_of_samples()),
                          np.frombuffer(encode.pcm16(burst), "<i2"))


def test_ffmpeg_mp3_matches_lameenc_format(burst: dsp.Samples) -> None:
    data = encode.encode_mp3_ffmpeg(burst, RATE, 48)
    info = mutagen.mp3.MP3(io.BytesIO(data)).info
    assert (info.bitrate, info.sample_rate) == (48000, RATE)


def test_content_names_are_stable() -> None:
    assert encode.content_name(b"abc", "mp3") == encode.content_name(b"abc", ".mp3")
    assert encode.content_name(b"abc", "mp3") != encode.content_name(b"abd", "mp3")
    name = encode.content_name(b"abc", "ogg")
    assert len(name) == 32 + 4 and name.endswith(".ogg")
