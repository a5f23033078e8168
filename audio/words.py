"""Word timings: when each word of a sentence is heard, and which written word that is.

Engines speak the normalized sentence ("27/2" is said "hai mươi bảy tháng hai"), but the
reading page highlights the written one. So timings come in two steps:

1. per *spoken* word (a run of letters or digits of the text given to the engine), the
   millisecond in the clip where it starts: from the engine when it reports it
   (espeak-ng's word events, Piper's phoneme alignments), else estimated here from
   syllable counts over the clip's voiced span (Vietnamese is syllabic: one syllable a
   written word, and syllables last about the same);
2. the written sentence's words aligned with the spoken ones (difflib over lower-cased
   word lists): an equal run maps word by word, a rewritten run ("27/2", "UBND") maps as
   one block that starts with its first spoken word.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence

from audio import dsp
from audio.media import AudioSegment

#: (ms from the start of the sentence's clip, char_start, char_end) of one written word
#: or rewritten block; offsets as the sentence cues have them (into the original text)
WordTime = tuple[int, int, int]

_WORD = re.compile(r"[^\W_]+")
_VOWELS = frozenset("aeiouy")
#: silence a listener hears at punctuation between two words, in syllables
_PAUSE_AFTER = {",": 1.0, ";": 1.5, ":": 1.5, "–": 1.0, "—": 1.0, ".": 2.0, "!": 2.0,
                "?": 2.0, "…": 2.0}
#: engine padding quieter than this is not speech (assembly trims at the same level)
_TRIM_DB = -45.0


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word: a run of letters or digits, punctuation excluded."""
    return [m.span() for m in _WORD.finditer(text)]


def syllables(word: str) -> int:
    """Vowel groups, at least one: 1 for a Vietnamese syllable, about right for a
    foreign word the lexicon respelled; a digit (should one survive) counts as one."""
    base = "".join(c for c in unicodedata.normalize("NFD", word.lower())
                   if not unicodedata.combining(c))
    groups = len(re.findall(r"[aeiouy]+", base))
    return max(1, groups + sum(c.isdigit() for c in base))


def _pause(between: str) -> float:
    return max((_PAUSE_AFTER.get(c, 0.0) for c in between), default=0.0)


def estimate_word_starts(text: str, clip: AudioSegment) -> list[int]:
    """Start (ms into `clip`) of each word of `text`, estimated: the clip's voiced span
    shared out by syllables, with a pause's worth of time at punctuation."""
    spans = word_spans(text)
    if not spans:
        return []
    x = dsp.to_samples(clip)
    rate = clip.frame_rate
    lo, hi = dsp.active_bounds(x, rate, _TRIM_DB) if x.size else (0, 0)
    if hi <= lo:
        lo, hi = 0, x.size
    weights: list[float] = []  # time before each word starts, then the last word's
    previous_end = None
    for start, end in spans:
        if previous_end is not None:
            weights[-1] += _pause(text[previous_end:start])
        weights.append(float(syllables(text[start:end])))
        previous_end = end
    total = sum(weights)
    per = (hi - lo) / total if total else 0.0
    starts: list[int] = []
    done = 0.0
    for w in weights:
        starts.append(round((lo + done * per) * 1000 / rate))
        done += w
    return starts


def starts_from_positions(text: str, events: Sequence[tuple[int, int]],
                          duration_ms: int) -> list[int] | None:
    """Per word of `text`, the start of the first engine event (0-based char position,
    ms) inside it or after the previous word; words without one are interpolated.
    None when the engine reported nothing usable."""
    spans = word_spans(text)
    if not spans or not events:
        return None
    found: list[int | None] = [None] * len(spans)
    k = 0
    for pos, ms in sorted(events):
        while k + 1 < len(spans) and pos >= spans[k + 1][0]:
            k += 1
        if pos < spans[k][1] and found[k] is None:
            found[k] = ms
    if all(t is None for t in found):
        return None
    return fill_gaps(found, duration_ms)


def starts_by_order(text: str, times: Sequence[int]) -> list[int] | None:
    """`times` as the words' starts when the engine found exactly as many words."""
    return list(times) if len(times) == len(word_spans(text)) and times else None


def fill_gaps(found: Sequence[int | None], duration_ms: int) -> list[int]:
    """Missing starts placed evenly between their known neighbours; never decreasing."""
    known = [(i, t) for i, t in enumerate(found) if t is not None]
    out: list[int] = []
    for i, t in enumerate(found):
        if t is None:
            before = max(((j, v) for j, v in known if j < i), default=(-1, 0))
            after = min(((j, v) for j, v in known if j > i), default=(len(found), duration_ms))
            share = (i - before[0]) / (after[0] - before[0])
            t = round(before[1] + share * (after[1] - before[1]))
        out.append(max(t, out[-1]) if out else t)
    return out


_TOKEN = re.compile(r"[^\W_]+|[^\w\s]")


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """Words and punctuation marks (one token each) with their offsets, keyed for
    comparison: punctuation the normalizer keeps (commas, brackets) anchors the
    alignment, so two rewritten runs on either side of a comma stay apart."""
    return [(m.start(), m.end(), unicodedata.normalize("NFC", m.group()).lower())
            for m in _TOKEN.finditer(text)]


def _is_word(token: tuple[int, int, str]) -> bool:
    return _WORD.fullmatch(token[2]) is not None


def written_words(written: str, offset: int, spoken: str,
                  starts: Sequence[int]) -> list[WordTime]:
    """When each written word of a sentence is heard: `written` is the sentence as shown
    (it starts at `offset` in the original text), `spoken` what the engine said, and
    `starts` the start of each of its words (`word_spans(spoken)` order, ms into the
    clip). A rewritten run ("27/2", "UBND") is one block timed by its first spoken word;
    a written word the engine did not say gets no time of its own."""
    a, b = _tokens(written), _tokens(spoken)
    words_b = [k for k, t in enumerate(b) if _is_word(t)]
    if len(starts) != len(words_b):
        return []
    start_of = dict(zip(words_b, starts, strict=True))  # spoken token → its word's start
    out: list[WordTime] = []

    def add(ms: int, first: int, last: int) -> None:
        ms = max(ms, out[-1][0]) if out else ms
        out.append((ms, offset + a[first][0], offset + a[last][1]))

    matcher = difflib.SequenceMatcher(None, [t[2] for t in a], [t[2] for t in b],
                                      autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        said = [j for j in range(j1, j2) if j in start_of]
        shown = [i for i in range(i1, i2) if _is_word(a[i])]
        if op == "equal" or (op == "replace" and len(shown) == i2 - i1 == len(said) == j2 - j1):
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                if j in start_of:
                    add(start_of[j], i, i)
        elif op == "replace" and said and shown:
            add(start_of[said[0]], shown[0], _block_end(a, shown[-1], i2))
    return out


def _block_end(a: Sequence[tuple[int, int, str]], last_word: int, stop: int) -> int:
    """A rewritten block ends at its last word, or at a sign read with it ("5,5%")."""
    end = last_word
    while end + 1 < stop and a[end + 1][0] == a[end][1]:
        end += 1
    return end
