"""Sentence segmentation (placeholder; the full segmenter replaces it)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")


@dataclass(frozen=True)
class Span:
    start: int  # code-point offset into the original text
    end: int
    text: str


def split_sentences(text: str) -> list[Span]:
    spans: list[Span] = []
    pos = 0
    for m in [*_END.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[pos:end]
        stripped = piece.strip()
        if stripped:
            start = pos + piece.index(stripped)
            spans.append(Span(start, start + len(stripped), stripped))
        if m:
            pos = m.end()
    return spans


def chunk(text: str, max_chars: int) -> list[str]:
    words, out, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > max_chars:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        out.append(cur)
    return out
