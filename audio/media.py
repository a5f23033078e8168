"""pydub, wired to an ffmpeg that pip installed, and small helpers to decode audio.

pydub looks for `ffmpeg` on PATH when it is imported and warns when there is none. We
do not need apt: a system ffmpeg wins when present, else the binary shipped by
`imageio-ffmpeg` is used. Import `AudioSegment` from here, never from pydub directly,
so the converter is always set. pydub would also need `ffprobe` (which imageio-ffmpeg
lacks) to read compressed files; `decode()` avoids that by asking ffmpeg for WAV.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import warnings
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from pydub import AudioSegment


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary to use: the system one if any, else imageio-ffmpeg's."""
    system = shutil.which("ffmpeg")
    if system:
        return system
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


AudioSegment.converter = ffmpeg_exe()  # pydub reads this class attribute when encoding


def decode(data: bytes | str | Path, timeout: float = 120.0) -> AudioSegment:
    """Decode any audio ffmpeg understands (MP3, Ogg/Opus, WAV) into an AudioSegment."""
    if isinstance(data, (str, Path)):
        args, stdin = ["-i", str(data)], None
    else:
        args, stdin = ["-i", "pipe:0"], data
    proc = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-nostdin", *args, "-f", "wav", "pipe:1"]
        if stdin is None
        else [ffmpeg_exe(), "-v", "error", *args, "-f", "wav", "pipe:1"],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0 or not proc.stdout:
        detail = proc.stderr.decode(errors="replace")[:300]
        raise ValueError(f"ffmpeg could not decode the audio: {detail}")
    return AudioSegment.from_wav(io.BytesIO(proc.stdout))


__all__ = ["AudioSegment", "decode", "ffmpeg_exe"]
