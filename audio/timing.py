"""Per-sentence timings as WebVTT (for <track> and players) and JSON (for the page).

The reading page highlights the sentence being read by character offsets into the
text it shows, so JSON carries `char_start`/`char_end` (Unicode code points into the
ORIGINAL written text, as Python slices it; JavaScript strings count UTF-16 units, so
the page converts with `Array.from(text)` or equivalent). Cue text is the written
sentence, never the spoken form. Times are seconds with millisecond precision and are
for the final file: header, chime, pauses and the encoder's start delay included.
When a profile repeats the bulletin, cues cover the first repetition only; the other
repetitions are the same cues shifted by `EncodedFile.repetition_offsets_ms`.

Word timings (the page's second highlight) go into JSON as `w: [[start, char_start,
char_end], ...]` per cue (same clock, same offsets as the cue) and into WebVTT as cue
timestamps inside the cue text ("Tin <00:00:01.200>thời tiết"), which the format allows
for karaoke-style captions and which players that do not use them ignore.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from audio.assemble import Cue


def seconds(ms: int) -> float:
    return round(ms / 1000, 3)


def cue_dicts(cues: Iterable[Cue]) -> list[dict[str, Any]]:
    """The JSON shape: `[{start, end, char_start, char_end, text, kind, i?, w?}]`, where
    `i` is the sentence number the page highlights (absent for the spoken header) and
    `w` the times of its written words (absent when there are none)."""
    out: list[dict[str, Any]] = []
    for c in cues:
        cue: dict[str, Any] = {
            "start": seconds(c.start_ms),
            "end": seconds(c.end_ms),
            "char_start": c.char_start,
            "char_end": c.char_end,
            "text": c.text,
            "kind": c.kind,
        }
        if c.index is not None:
            cue["i"] = c.index
        if c.words:
            cue["w"] = [[seconds(c.start_ms + ms), start, end] for ms, start, end in c.words]
        out.append(cue)
    return out


def to_json(cues: Iterable[Cue]) -> str:
    """Compact JSON, UTF-8 text kept as is (Vietnamese stays readable in the file)."""
    return json.dumps(cue_dicts(cues), ensure_ascii=False, separators=(",", ":"))


def vtt_timestamp(ms: int) -> str:
    ms = max(0, ms)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _vtt_text(cue: Cue, end_ms: int) -> str:
    """Cue payload: one line, the three characters WebVTT reserves escaped, and a
    timestamp before each word heard after the cue starts (strictly inside the cue)."""
    pieces, at, last = [], 0, cue.start_ms
    if cue.char_start is not None:
        for ms, start, _ in cue.words:
            cut, when = start - cue.char_start, cue.start_ms + ms
            if last < when < end_ms and at < cut <= len(cue.text):
                pieces += [_escape(cue.text[at:cut]), f"<{vtt_timestamp(when)}>"]
                at, last = cut, when
    pieces.append(_escape(cue.text[at:]))
    return " ".join("".join(pieces).split())


def to_webvtt(cues: Sequence[Cue]) -> str:
    """A WebVTT file; cue ids are `s<n>` so the page can address cues by index."""
    lines = ["WEBVTT", ""]
    for i, cue in enumerate(cues):
        end = max(cue.end_ms, cue.start_ms + 1)  # WebVTT needs end > start
        lines += [f"s{i}", f"{vtt_timestamp(cue.start_ms)} --> {vtt_timestamp(end)}",
                  _vtt_text(cue, end), ""]
    return "\n".join(lines)
