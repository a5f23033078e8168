"""One wording for a length of audio, wherever a page shows it: "4 phút 36 giây".

The reading page, the index list, the embed, the playlist and the operator's board all
say a duration the same way, and the same way the player's slider speaks it
(`aria-valuetext`), so a listener never has to translate "04:36" into "4 phút 36 giây".
Feeds keep the machine format their readers expect (`itunes:duration` in seconds).
"""

from __future__ import annotations

import math


def whole_seconds(seconds: float | None) -> int:
    """Rounded half up, as the player's script rounds (Math.round): 2.5 s is 3 s on the
    page and in the slider alike (Python's round() would say 2)."""
    return max(0, math.floor((seconds or 0) + 0.5))


def spoken_duration(seconds: float | None) -> str:
    """Seconds as Vietnamese words: "4 phút 36 giây", "1 giờ 2 phút", "0 giây".

    Rounded to the second; a part that is zero is left out (never "0 phút 5 giây"),
    except "0 giây" for nothing at all."""
    total = whole_seconds(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} giờ"] if hours else []
    if minutes:
        parts.append(f"{minutes} phút")
    if secs or not parts:
        parts.append(f"{secs} giây")
    return " ".join(parts)


def clock(seconds: float | None) -> str:
    """The total beside the position, "4:37" ("1:02:05" from an hour): the same rounded
    seconds as the words, so "4:36" never sits next to "4 phút 37 giây"."""
    total = whole_seconds(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
