"""Join per-sentence clips into one bulletin with pauses, and know where each sentence is.

Engines return one clip per sentence and lose their own pauses between sentences, so
assembly puts the pauses back, longer where the text's structure is (after the title,
the lead, each paragraph). Each clip is trimmed of engine padding (gTTS and espeak both
pad) so pauses are what we configure and cue times hug the speech, then faded in and
out over a few milliseconds so joins never click. Clips of different sample rates or
channel counts (a cached gTTS sentence beside a fresh espeak one) are converted to one
mono rate with a band-limited resampler.

Cue offsets are code points into the ORIGINAL written text as supplied by the caller;
cue text is the written sentence, never the spoken form the engine read. A sentence's
word timings (`audio.words`) ride on its cue relative to the cue's start, so every later
shift of the cue (chime, repetitions, encoder delay, segments) moves them too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from audio import dsp
from audio.header import Header, bulletin_header
from audio.media import AudioSegment
from audio.words import WordTime

PartKind = Literal["header", "title", "lead", "paragraph", "author"]


@dataclass
class SentenceClip:
    """One synthesized sentence and where it sits in the written text.

    `char_start`/`char_end` are None for speech that is not in the text (the header).
    `index` is the sentence's number in the caller's document (what the reading page
    highlights); it travels into the cue unchanged, so nothing has to be re-derived.
    `words` are its written words' times, ms into `clip` (`audio.words.written_words`).
    """

    clip: AudioSegment
    char_start: int | None
    char_end: int | None
    text: str
    index: int | None = None
    words: Sequence[WordTime] = ()


@dataclass
class Part:
    """A structural block of the bulletin, in reading order.

    `sentences` may be any sequence: a lazy one (clips fetched when read, see
    `workers.produce`) keeps a long block out of memory; assembly reads it in order.
    """

    kind: PartKind
    sentences: Sequence[SentenceClip]


@dataclass(frozen=True)
class Cue:
    """Where one sentence is heard in the final file (milliseconds)."""

    start_ms: int
    end_ms: int
    char_start: int | None
    char_end: int | None
    text: str
    kind: PartKind
    part_index: int
    #: the sentence's number in the document (`SentenceClip.index`); None for the header
    index: int | None = None
    #: (ms from `start_ms`, char_start, char_end) of each written word, in order
    words: tuple[WordTime, ...] = ()

    def shifted(self, offset_ms: int) -> Cue:
        return replace(self, start_ms=self.start_ms + offset_ms, end_ms=self.end_ms + offset_ms)


@dataclass(frozen=True)
class Pauses:
    """Silence (ms) placed after each kind of block; `after_sentence` within a block.

    Defaults follow a calm radio read: a clear break after the title, a shorter one
    between paragraphs. `lead_in`/`tail` pad the file so players do not clip speech.
    """

    lead_in: int = 200
    after_header: int = 900
    after_title: int = 900
    after_lead: int = 750
    after_paragraph: int = 600
    after_author: int = 300
    after_sentence: int = 300
    tail: int = 400
    fade_ms: float = 8.0
    #: engine padding quieter than this is trimmed; None keeps clips untouched
    trim_db: float | None = -45.0
    #: silence kept around speech when trimming, so soft onsets are not cut
    trim_keep_ms: int = 25

    def after(self, kind: PartKind) -> int:
        return int(getattr(self, f"after_{kind}"))


@dataclass
class Assembled:
    """The joined bulletin and its cues; times are relative to the start of `audio`."""

    audio: AudioSegment
    cues: list[Cue]

    @property
    def duration_ms(self) -> int:
        return len(self.audio)


def _prepare(seg: AudioSegment, rate: int, pauses: Pauses) -> tuple[dsp.Samples, int]:
    """The clip ready to join, and how many samples (at `rate`) trimming cut off its start."""
    x = dsp.resample(dsp.to_samples(seg), seg.frame_rate, rate)
    cut = 0
    if pauses.trim_db is not None and x.size:
        start, end = dsp.active_bounds(x, rate, pauses.trim_db)
        keep = int(rate * pauses.trim_keep_ms / 1000)
        cut = max(0, start - keep)
        x = x[cut: min(x.size, end + keep)]
    fade = min(int(rate * pauses.fade_ms / 1000), x.size // 2)
    if fade > 1:
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, fade))).astype(np.float32)
        x = x.copy()
        x[:fade] *= ramp
        x[-fade:] *= ramp[::-1]
    return x, cut


def _cue_words(words: Sequence[WordTime], cut_ms: int, length_ms: int) -> tuple[WordTime, ...]:
    """Clip-relative word times as cue-relative ones: less what trimming cut, inside the
    clip, never decreasing."""
    out: list[WordTime] = []
    for ms, start, end in words:
        at = min(max(0, ms - cut_ms), max(0, length_ms - 1))
        out.append((max(at, out[-1][0]) if out else at, start, end))
    return tuple(out)


def pick_rate(parts: Sequence[Part]) -> int:
    """The highest clip rate: never throw away bandwidth an engine delivered."""
    rates = [s.clip.frame_rate for p in parts for s in p.sentences if len(s.clip)]
    return max(rates, default=22050)


@dataclass
class Layout:
    """Where things are in an assembled bulletin, filled in while it is generated.

    `cues` are in milliseconds from the start, `samples` the length once generated.
    """

    rate: int
    cues: list[Cue] = field(default_factory=list)
    samples: int = 0


#: beside a clip after the bulletin's first: ("block" when it opens a block, else
#: "sentence", offset of its first sound: its first non-zero sample, pauses being
#: exact zeros); None beside pauses and the first clip
Mark = tuple[str, int] | None


def bulletin_pieces(parts: Sequence[Part], pauses: Pauses, rate: int,
                    layout: Layout | None = None) -> Iterator[tuple[dsp.Samples, Mark]]:
    """The bulletin as consecutive pieces (pauses and prepared clips), part by part.

    Each part is read once, in order, and each clip is let go as soon as it is yielded,
    so a lazy `parts` keeps one clip in memory, whatever the bulletin's length. Cues go
    into `layout` as the clips are generated. A pause between blocks is emitted before
    the next spoken block, so parts with nothing to say leave no trace.
    """
    layout = layout if layout is not None else Layout(rate)
    pos = 0

    def silence(ms: int) -> dsp.Samples:
        nonlocal pos
        n = int(rate * ms / 1000)
        pos += n
        return np.zeros(n, dtype=np.float32)

    def first_sound(x: dsp.Samples) -> int:
        nz = np.flatnonzero(x)
        return int(nz[0]) if nz.size else 0

    yield silence(pauses.lead_in), None
    previous: PartKind | None = None
    for index, part in enumerate(parts):
        said = 0
        for sentence in part.sentences:
            if not len(sentence.clip):
                continue
            if said == 0 and previous is not None:
                yield silence(pauses.after(previous)), None
            elif said:
                yield silence(pauses.after_sentence), None
            x, cut = _prepare(sentence.clip, rate, pauses)
            start = pos
            pos += x.size
            start_ms, end_ms = round(start * 1000 / rate), round(pos * 1000 / rate)
            words = _cue_words(sentence.words, round(cut * 1000 / rate), end_ms - start_ms)
            layout.cues.append(Cue(start_ms, end_ms, sentence.char_start, sentence.char_end,
                                   sentence.text, part.kind, index, sentence.index, words))
            mark: Mark = None
            if said or previous is not None:
                mark = ("sentence" if said else "block", first_sound(x))
            said += 1
            yield x, mark
        if said:
            previous = part.kind
    yield silence(pauses.tail), None
    layout.samples = pos


def assemble_samples(parts: Sequence[Part], pauses: Pauses = Pauses(),
                     rate: int | None = None) -> tuple[dsp.Samples, int, list[Cue]]:
    """Float samples, their rate and the cues: the form `render` processes further."""
    rate = rate or pick_rate(parts)
    layout = Layout(rate)
    chunks = [x for x, _ in bulletin_pieces(parts, pauses, rate, layout)]
    audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    return audio, rate, layout.cues


def assemble(parts: Sequence[Part], pauses: Pauses = Pauses(),
             rate: int | None = None) -> Assembled:
    """Join the bulletin's parts into one mono clip with pauses and per-sentence cues."""
    samples, rate, cues = assemble_samples(parts, pauses, rate)
    return Assembled(dsp.to_segment(samples, rate), cues)


def header_part(clip: AudioSegment, header: Header) -> Part:
    """Wrap the synthesized header (`header.spoken`) as the bulletin's first part."""
    return Part("header", [SentenceClip(clip, None, None, header.written)])


__all__ = [
    "Assembled",
    "Cue",
    "Header",
    "Layout",
    "Part",
    "PartKind",
    "Pauses",
    "SentenceClip",
    "assemble",
    "assemble_samples",
    "bulletin_header",
    "bulletin_pieces",
    "header_part",
    "pick_rate",
]
