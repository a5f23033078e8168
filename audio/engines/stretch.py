"""Change speaking rate without changing pitch, for engines with no rate control.

Google's endpoint knows only "normal" and "slow", but listeners ask for 0.8 or 1.25.
ffmpeg's `atempo` filter (a WSOLA time-stretch) is already on every host through
`audio.media.ffmpeg_exe()` and costs a few milliseconds a sentence, so rates are
applied exactly instead of being rounded to the nearest native speed.
"""

from __future__ import annotations

import io
import subprocess
import wave

from audio.media import AudioSegment, ffmpeg_exe

#: one atempo stage accepts 0.5..2.0 on every ffmpeg version; chain stages beyond that
_STAGE_MIN, _STAGE_MAX = 0.5, 2.0


def atempo_chain(rate: float) -> str:
    """The ffmpeg filter string for `rate` (1.25 = 25% faster), split into stages."""
    if rate <= 0:
        raise ValueError("rate must be positive")
    stages: list[float] = []
    while rate > _STAGE_MAX:
        stages.append(_STAGE_MAX)
        rate /= _STAGE_MAX
    while rate < _STAGE_MIN:
        stages.append(_STAGE_MIN)
        rate /= _STAGE_MIN
    stages.append(rate)
    return ",".join(f"atempo={s:.6f}" for s in stages)


def to_wav_bytes(segment: AudioSegment) -> bytes:
    """A segment as a WAV file in memory (stdlib only, no ffmpeg round trip)."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(segment.channels)
        out.setsampwidth(segment.sample_width)
        out.setframerate(segment.frame_rate)
        out.writeframes(segment.raw_data)
    return buf.getvalue()


def time_stretch(segment: AudioSegment, rate: float, timeout: float = 60.0) -> AudioSegment:
    """`segment` spoken `rate` times as fast (pitch kept); 1.0 returns it unchanged."""
    if abs(rate - 1.0) < 1e-3 or len(segment) == 0:
        return segment
    proc = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-f", "wav", "-i", "pipe:0",
         "-filter:a", atempo_chain(rate), "-c:a", "pcm_s16le", "-f", "wav", "pipe:1"],
        input=to_wav_bytes(segment), capture_output=True, timeout=timeout, check=False,
    )
    if proc.returncode != 0 or not proc.stdout:
        raise RuntimeError(f"ffmpeg atempo failed: {proc.stderr.decode(errors='replace')[:300]}")
    stretched = AudioSegment.from_wav(io.BytesIO(proc.stdout))  # pydub copes with pipe sizes
    return stretched.set_sample_width(segment.sample_width)
