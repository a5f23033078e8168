"""Encode mono samples to MP3, Ogg/Opus or WAV bytes, and write files safely.

MP3 goes through `lameenc` in-process: `bench/encode.py` measures it against ffmpeg's
libmp3lame on the same audio and lameenc wins on every profile (no process start, no
pipe copies), and it needs no ffmpeg at all. Opus has no in-process encoder among our
dependencies, so it is ffmpeg's libopus (a system ffmpeg when present, else the one
`imageio-ffmpeg` ships; see `audio.media.ffmpeg_exe`). WAV is the stdlib.

lameenc writes no LAME/Xing info frame, so decoders do not skip the encoder's start
delay (`MP3_ENCODER_DELAY` samples, 25-50 ms): callers shift cue times by
`start_delay_ms` to match what players actually play.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import wave
from typing import Literal

import lameenc
import numpy as np

from audio import dsp
from audio.errors import AudioError
from audio.media import ffmpeg_exe

Format = Literal["mp3", "opus", "wav"]

MIME = {"mp3": "audio/mpeg", "opus": "audio/ogg; codecs=opus", "wav": "audio/wav"}
EXTENSION = {"mp3": "mp3", "opus": "ogg", "wav": "wav"}
#: LAME's fixed start delay (encoder delay 576 + decoder delay 529), in samples
MP3_ENCODER_DELAY = 1105
#: rates LAME encodes natively (MPEG-1, -2 and 2.5 layer III)
MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
#: how far each codec's decoded true peak rose above its input's on speech at our
#: bitrates (measured by `bench/encode.py`); mastering leaves this much extra room
CODEC_HEADROOM_DB = {"mp3": 0.5, "opus": 1.5, "wav": 0.0}
#: rates libopus accepts without resampling
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)


class EncodeError(AudioError):
    """The encoder failed; a bug or a broken install, never worth a retry."""


def pcm16(x: dsp.Samples) -> bytes:
    return np.clip(np.round(x * 32768.0), -32768, 32767).astype("<i2").tobytes()


#: LAME's quality (`-q`) for every MP3: chosen by measurement on the sample's speech
#: (`bench/mp3_quality.py`, PESQ-WB of the decoded file against the master): at the
#: web's 48 kb/s (24 kHz) and the podcast's 64 kb/s (44.1 kHz), 7 scores as well as or
#: better than LAME's default 5 (3.93 vs 3.87, 4.40 vs 4.33 on this machine) in half the
#: CPU time; 2 costs 1.5x more than 5 and scores lower still. Speech gains nothing from
#: the noise shaping the slower settings spend their time on.
MP3_QUALITY = 7


def encode_mp3(x: dsp.Samples, rate: int, bitrate_kbps: int,
               quality: int = MP3_QUALITY) -> bytes:
    """Constant-bitrate mono MP3 (CBR: podcast apps and browsers seek it exactly)."""
    if rate not in MP3_RATES:
        raise EncodeError(f"MP3 cannot carry {rate} Hz; resample first")
    enc = lameenc.Encoder()
    enc.set_bit_rate(bitrate_kbps)
    enc.set_in_sample_rate(rate)
    enc.set_out_sample_rate(rate)
    enc.set_channels(1)
    enc.set_quality(quality)  # 0 slowest ... 9 fastest; see MP3_QUALITY
    return bytes(enc.encode(pcm16(x)) + enc.flush())


def encode_wav(x: dsp.Samples, rate: int) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm16(x))
    return buf.getvalue()


def _ffmpeg(x: dsp.Samples, rate: int, out_args: list[str], timeout: float) -> bytes:
    cmd = [ffmpeg_exe(), "-v", "error", "-f", "s16le", "-ar", str(rate), "-ac", "1",
           "-i", "pipe:0", *out_args, "pipe:1"]
    try:
        proc = subprocess.run(cmd, input=pcm16(x), capture_output=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise EncodeError(f"ffmpeg took longer than {timeout} s") from exc
    if proc.returncode != 0 or not proc.stdout:
        raise EncodeError(f"ffmpeg failed: {proc.stderr.decode(errors='replace')[:300]}")
    return proc.stdout


def opus_args(bitrate_kbps: int) -> list[str]:
    """ffmpeg's output options for Ogg/Opus tuned for speech ("voip" favours
    intelligibility at low bitrates). Bit-exact: no random Ogg serial number and no
    encoder version tag, so the same master always makes the same bytes (content-
    addressed names then dedupe re-renders, as they do for MP3)."""
    return ["-c:a", "libopus", "-b:a", f"{bitrate_kbps}k", "-application", "voip",
            "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "ogg"]


def encode_opus(x: dsp.Samples, rate: int, bitrate_kbps: int, timeout: float = 300.0) -> bytes:
    """Ogg/Opus of the whole signal (`opus_args`)."""
    if rate not in OPUS_RATES:
        x, rate = dsp.resample(x, rate, 48000), 48000
    return _ffmpeg(x, rate, opus_args(bitrate_kbps), timeout)


def encode_mp3_ffmpeg(x: dsp.Samples, rate: int, bitrate_kbps: int,
                      timeout: float = 300.0) -> bytes:
    """ffmpeg's libmp3lame; kept as the benchmark's reference and a fallback."""
    return _ffmpeg(x, rate, ["-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", "-f", "mp3"],
                   timeout)


def encode(x: dsp.Samples, rate: int, fmt: Format, bitrate_kbps: int | None = None) -> bytes:
    """Dispatch on format; bitrate is ignored for WAV."""
    if fmt == "mp3":
        return encode_mp3(x, rate, bitrate_kbps or 64)
    if fmt == "opus":
        return encode_opus(x, rate, bitrate_kbps or 32)
    if fmt == "wav":
        return encode_wav(x, rate)
    raise EncodeError(f"unknown format {fmt!r}")


def start_delay_ms(fmt: Format, rate: int) -> int:
    """How much later than the source a decoder plays the first sample."""
    return round(MP3_ENCODER_DELAY * 1000 / rate) if fmt == "mp3" else 0


def content_name(data: bytes, ext: str, length: int = 32) -> str:
    """Content-addressed file name: same bytes, same name; new bytes, new URL.

    `service.storage.LocalStorage` writes files under these names, atomically.

    A re-rendered episode therefore gets a new URL while its feed GUID stays put, and
    files can be cached forever. 32 hex digits = 128 bits, collision-free in practice.
    """
    return f"{hashlib.sha256(data).hexdigest()[:length]}.{ext.lstrip('.')}"
