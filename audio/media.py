"""pydub without its ffmpeg lookup warning, and an ffmpeg that pip installed.

pydub looks for `ffmpeg` on PATH when it is imported and warns when there is none;
import `AudioSegment` from here, never from pydub directly. We never let pydub run
ffmpeg (it would also need `ffprobe`, which imageio-ffmpeg lacks): MP3 is encoded with
lameenc, and `decode()` asks ffmpeg for WAV itself. `ffmpeg_exe()` is a system ffmpeg
when present, else the binary shipped by `imageio-ffmpeg` — found on first use, not at
import.
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


def decode(data: bytes | str | Path, timeout: float = 120.0) -> AudioSegment:
    """Decode any audio ffmpeg understands (MP3, Ogg/Opus, WAV) into an AudioSegment."""
    stdin: bytes | None
    if isinstance(data, (str, Path)):
        source, stdin = ["-nostdin", "-i", str(data)], None
    else:
        source, stdin = ["-i", "pipe:0"], data
    proc = subprocess.run(
        [ffmpeg_exe(), "-v", "error", *source, "-f", "wav", "pipe:1"],
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
