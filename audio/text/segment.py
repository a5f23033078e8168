"""Sentence segmentation and length-limited chunking for Vietnamese news text.

Sentences are the unit of synthesis, caching and highlighting, so a wrong split is
audible (a pause inside "TP. Hồ Chí Minh") and visible (half a sentence lit up).
Rules, in the order they are checked:

- A newline always ends a sentence: portal text puts titles, dates and bylines on
  their own lines without punctuation.
- Only ".", "!", "?", "…" (or runs of them, or the end mark "./.") followed by
  whitespace or the end of the line can end a sentence; closing quotes after the
  mark belong to the sentence. Dates (24.3.2020), thousands (1.000.000), decimals
  (3,5) and "TP.HCM" have no space after the dot and are never candidates.
- The next sentence must not start with a lower-case letter: "v.v. đều tăng" and
  "Ông nói... rồi đi" stay whole.
- A word ending in "." that is an abbreviation from the data table ("TP.", "GS.",
  "Q.", "GS.TS."), or an initial ("Nguyễn V. A"), is not an end. "v.v." is an end
  only before a capital letter.
- A list number or letter opening a sentence ("1.", "II.", "a.") is not a sentence,
  nor is a lower-case item letter after ";" or ":" ("a. …; b. …").
";" never ends a sentence: Vietnamese bulletins chain whole lists with it.

Offsets are code points into the original text, so the reading page can highlight
exactly what was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from audio.text.tables import dotted_abbreviations

_LINE = re.compile(r"[^\n]+")
_CANDIDATE = re.compile(r"(?:\./\.|[.!?…]+)[”\"’'»)\]]*(?=\s|$)")
_OPENERS = "([{“\"‘'«"
_LIST_MARK = re.compile(r"(?:\d{1,3}|[IVXLC]{1,6}|[a-zđ])\Z")
_END_BEFORE_CAPITAL = frozenset({"v.v.", "etc."})

# Clause boundaries for chunk(), strongest first.
_CONJUNCTIONS = frozenset({"và", "nhưng", "để", "nhằm", "hoặc", "song", "mà", "nên", "vì", "còn"})


@dataclass(frozen=True)
class Span:
    start: int  # code-point offset into the original text
    end: int
    text: str


def _is_abbreviation(word: str) -> bool:
    """Whether `word` (which ends in ".") is an abbreviation rather than a sentence end."""
    word = word.lstrip(_OPENERS)
    dotted = dotted_abbreviations()
    if word in dotted or word[:-1] in dotted:
        return True
    parts = word[:-1].split(".")
    return all((len(p) == 1 and p.isupper()) or p + "." in dotted for p in parts)


def _next_start(text: str, pos: int, stop: int) -> str:
    """First significant character after `pos` on the line ("" at the line's end)."""
    while pos < stop and (text[pos].isspace() or text[pos] in _OPENERS):
        pos += 1
    return text[pos] if pos < stop else ""


def _is_end(text: str, m: re.Match[str], sent_start: int, stop: int) -> bool:
    nxt = _next_start(text, m.end(), stop)
    if nxt.islower():
        return False
    if m.group() != ".":
        return True
    i = m.start()
    while i > sent_start and not text[i - 1].isspace():
        i -= 1
    word = text[i : m.end()]
    mark = word[:-1].lstrip(_OPENERS)
    before = text[sent_start:i].rstrip()
    if _LIST_MARK.match(mark) and (not before or (before[-1] in ";:" and mark.islower())):
        return False
    if word.lstrip(_OPENERS) in _END_BEFORE_CAPITAL:
        return nxt == "" or nxt.isupper() or not nxt.isalpha()
    return not _is_abbreviation(word)


def _emit(text: str, start: int, end: int, out: list[Span]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        s = start + (len(piece) - len(piece.lstrip()))
        out.append(Span(s, s + len(stripped), stripped))


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of `text`, whitespace excluded, offsets into `text` itself."""
    spans: list[Span] = []
    for line in _LINE.finditer(text):
        sent_start, stop = line.start(), line.end()
        for m in _CANDIDATE.finditer(text, sent_start, stop):
            if _is_end(text, m, sent_start, stop):
                _emit(text, sent_start, m.end(), spans)
                sent_start = m.end()
        _emit(text, sent_start, stop, spans)
    return spans


def _priority(before: str, after: str) -> int:
    """How good a pause falls between two words (0: only a word boundary)."""
    last = before.rstrip("”\"’')]»")[-1:]
    if last in ".!?…":
        return 5
    if last == ";":
        return 4
    if last == ":":
        return 3
    if last in ",–—":
        return 2
    return 1 if after.lower() in _CONJUNCTIONS else 0


def chunk(text: str, max_chars: int) -> list[str]:
    """Split `text` into pieces of at most `max_chars` characters for length-limited
    engines (gTTS reads ≤100 characters per request), cutting at the strongest clause
    boundary that still leaves a reasonably long piece, never inside a word.

    A single word longer than `max_chars` becomes a piece of its own.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    words = text.split()
    out: list[str] = []
    i = 0
    min_len = max_chars // 3
    while i < len(words):
        # furthest j such that words[i:j] fits
        j, length = i + 1, len(words[i])
        while j < len(words) and length + 1 + len(words[j]) <= max_chars:
            length += 1 + len(words[j])
            j += 1
        if j == len(words) or j == i + 1:
            out.append(" ".join(words[i:j]))
            i = j
            continue
        best_k, best_p, size = j, -1, len(words[i])
        for k in range(i + 1, j + 1):
            p = _priority(words[k - 1], words[k])
            if p > 0 and size < min_len:
                p = 0
            if p >= best_p:
                best_k, best_p = k, p
            if k < j:
                size += 1 + len(words[k])
        out.append(" ".join(words[i:best_k]))
        i = best_k
    return out
