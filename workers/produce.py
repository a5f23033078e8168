"""Produce a job's audio: engine chain in, encoded files with cues out.

The web profile comes first (it is what listeners wait for); the other profiles
(podcast, loudspeaker, telephony, and the web's Opus file) are produced afterwards from
the same spoken forms and the sentence cache. A short opening (title and first
sentence) is produced before anything else so the page can start playing within a
fraction of a second, whatever the bulletin's length.

Words used across layers: engines *synthesize* clips, `audio` *assembles*, *masters*
and *encodes* them, this module *produces* a job's files from all of that.

Memory: a 90-minute bulletin's clips alone are ~240 MB, so they are never all held.
The whole bulletin is synthesized first, through the chain as always (one engine for
the whole rendition, with its fallbacks and progress), but only the clips' rate is kept:
the clips are in the sentence cache. `audio` then reads the blocks one at a time, and
each read fetches its sentences, a batch at a time, from the engine that made them
(cache hits, no engine call). An engine without a cache keeps its clips, as before.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, overload

from audio.assemble import Part, SentenceClip
from audio.attention import emergency_header, reminder
from audio.cache import CachedEngine
from audio.engines.base import Engine, Synthesis
from audio.engines.chain import EngineChain
from audio.header import bulletin_header
from audio.mastering import EncodedFile, encode_profile
from audio.media import AudioSegment
from audio.profiles import get_profile
from audio.segmented import BlobStore, encode_segmented_mp3
from audio.stages import Stages, maybe
from audio.tags import Meta
from audio.text import normalize
from audio.timing import cue_dicts
from audio.vocabulary import WEB, audio_kind
from audio.words import written_words
from workers.job import Job

BATCH = 8
#: bump when assembly or encoding changes what the same input sounds like (or the
#: timings made with it: "5" added word timings)
OUTPUT_VERSION = "5"
#: sentences in the fast first part: the title and the first sentence after it
FIRST_SENTENCES = 2
#: a bulletin longer than this also gets an early part of `EARLY_SHARE` of its sentences,
#: so a listener who starts on the first part does not run out before the whole is ready
EARLY_AFTER_SENTENCES = 40
EARLY_SHARE = 0.25


@dataclass(frozen=True)
class ProducedFile:
    """One encoded file and what the read model records about it."""

    kind: str  # public name: mp3, ogg, podcast, loudspeaker, telephony, first
    profile: str
    extension: str
    data: bytes
    duration_ms: int


@dataclass
class Produced:
    """A profile's files, their sentence cues (sentence index kept) and who spoke."""

    files: list[ProducedFile]
    cues: list[dict[str, Any]]
    vtt: str
    duration_ms: int
    engine: str
    engine_voice: str
    engine_calls: int = 0
    fallback: str = ""
    #: engines that failed before the one that spoke
    failed_engines: tuple[str, ...] = ()


def parts_for(job: Job, clips: Sequence[AudioSegment]) -> list[Part]:
    """Group sentence clips into the bulletin's blocks, each clip with its sentence's
    written offsets and index (the index is what the page highlights)."""
    return [Part(kind, [_clip(clips, where) for where in block])
            for kind, block in _blocks(job, count=len(clips))]


def _clip(clips: Sequence[AudioSegment], where: _Where) -> SentenceClip:
    """The sentence's clip with its place in the text, and when its written words are
    heard (known when `clips` is a synthesis's `Clips`: it has the spoken forms)."""
    n, start, end, text, index = where
    clip = clips[n]
    words = written_words(text, start, clips.sentences[n], clips.word_starts(n)) \
        if isinstance(clips, Clips) and start is not None else []
    return SentenceClip(clip, start, end, text, index, words)


def _blocks(job: Job, first: int = 0,
            count: int | None = None) -> list[tuple[Any, list[_Where]]]:
    """(kind, [(clip number, start, end, text, index), ...]) per block of the job's first
    `count` sentences (all by default), the clip numbers counted from `first`."""
    blocks: list[tuple[Any, list[_Where]]] = []
    last_block = -1
    for n, sent in enumerate(job.sentences[:count]):
        if sent.block != last_block:
            blocks.append((sent.kind, []))
            last_block = sent.block
        blocks[-1][1].append((first + n, sent.start, sent.end, sent.text, sent.index))
    return blocks


#: where a clip goes: (clip number, char_start, char_end, text, sentence index)
_Where = tuple[int, int | None, int | None, str, int | None]


class _Passing:
    """An engine of the chain as the first, whole-bulletin synthesis sees it: calls go
    through (a cached engine's clips land in the sentence cache) and only the clips'
    rate is kept; an engine without a cache keeps its clips (nothing else has them)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.name, self.capabilities = engine.name, engine.capabilities
        self.cached = isinstance(engine, CachedEngine)
        self.rate = 0  # highest rate of a non-empty clip
        self.used = False

    def __getattr__(self, name: str) -> Any:  # resolve_voice, fingerprint, covers
        return getattr(self.engine, name)

    def synthesize(self, sentences: Sequence[str], voice: str, rate: float) -> Synthesis:
        made = self.engine.synthesize(sentences, voice, rate)
        self.used = True
        self.rate = max([self.rate, *(c.frame_rate for c in made.clips if len(c))])
        if self.cached:
            made.clips = [_NOTHING] * len(made.clips)
        return made


_NOTHING = AudioSegment.empty()


class Clips(Sequence[AudioSegment]):
    """A synthesis's clips, read back a batch at a time from the engine that made them
    (the sentence cache: no engine call), or held when that engine has no cache."""

    def __init__(self, engine: _Passing | None, result: Synthesis, sentences: Sequence[str],
                 voice: str, rate: float) -> None:
        self.engine, self.result = engine, result
        self.sentences, self.voice, self.speed = list(sentences), voice, rate
        self.held = result.clips if engine is None or not engine.cached else None
        self.batch: tuple[int, Synthesis | None] = (-1, None)

    @property
    def rate(self) -> int:
        """The clips' highest rate (what assembly uses), 22.05 kHz when all are empty."""
        if self.held is not None:
            return max((c.frame_rate for c in self.held if len(c)), default=22050)
        assert self.engine is not None
        return self.engine.rate or 22050

    @property
    def audible(self) -> bool:
        """Whether any clip has sound."""
        if self.held is not None:
            return any(len(c) for c in self.held)
        assert self.engine is not None
        return self.engine.rate > 0

    def __len__(self) -> int:
        return len(self.sentences)

    @overload
    def __getitem__(self, i: int) -> AudioSegment: ...

    @overload
    def __getitem__(self, i: slice) -> list[AudioSegment]: ...

    def __getitem__(self, i: int | slice) -> AudioSegment | list[AudioSegment]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if self.held is not None:
            return self.held[i]
        made, at = self._batch(i)
        return made.clips[at]

    def word_starts(self, i: int) -> list[int]:
        """Sentence `i`'s spoken word starts (ms into its clip): from the cache beside the
        clip, or the held synthesis (the engine's, else estimated)."""
        if self.held is not None:
            return self.result.word_starts(i, self.sentences[i])
        made, at = self._batch(i)
        return made.word_starts(at, self.sentences[i])

    def _batch(self, i: int) -> tuple[Synthesis, int]:
        """The cached batch holding sentence `i`, read when not the current one."""
        start = i - i % BATCH
        if self.batch[0] != start or self.batch[1] is None:
            assert self.engine is not None
            self.batch = (-1, None)  # let the last batch go before reading the next
            made = self.engine.engine.synthesize(self.sentences[start:start + BATCH],
                                                 self.voice, self.speed)
            self.batch = (start, made)
        held = self.batch[1]
        assert held is not None
        return held, i - start


class _Sentences(Sequence[SentenceClip]):
    """A block's sentences, each clip read from `Clips` when the sentence is."""

    def __init__(self, clips: Clips, where: list[_Where]) -> None:
        self.clips, self.where = clips, where

    def __len__(self) -> int:
        return len(self.where)

    @overload
    def __getitem__(self, i: int) -> SentenceClip: ...

    @overload
    def __getitem__(self, i: slice) -> list[SentenceClip]: ...

    def __getitem__(self, i: int | slice) -> SentenceClip | list[SentenceClip]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return _clip(self.clips, self.where[i])


def synthesize(chain: EngineChain, sentences: Sequence[str], voice: str, rate: float,
               progress: Callable[[int], None] | None = None) -> Clips:
    """Every sentence through the chain (fallbacks, retries, progress as always), the
    clips left in the sentence cache and read back when assembly needs them."""
    passing = [_Passing(e) for e in chain.engines]
    through = copy.copy(chain)  # the same chain (breaker, retries) over passing engines
    through.engines = passing  # type: ignore[assignment]
    result = through.synthesize(list(sentences), voice, rate, progress=progress, batch=BATCH)
    # the engine that made the clips (none of ours if the chain's `synthesize` is not its
    # own, as when a test records the calls: the clips it returned are then kept)
    made = next((e for e in passing if e.used and e.name == result.engine), None)
    return Clips(made, result, sentences, voice, rate)


def lazy_parts(job: Job, clips: Clips, first: int = 0, count: int | None = None) -> list[Part]:
    """`parts_for` whose clips are read when assembly reaches them (`first`: the number
    of the job's first sentence among `clips`; `count`: that many sentences)."""
    return [Part(kind, _Sentences(clips, where))
            for kind, where in _blocks(job, first, count)]


def meta_for(job: Job, station: str) -> Meta:
    return Meta(title=job.title, artist=job.author or job.source or station, album=station,
                date=_day(job))


def _day(job: Job) -> dt.date | None:
    return job.published_at.date() if isinstance(job.published_at, dt.datetime) else None


def _files(encoded: Sequence[EncodedFile]) -> list[ProducedFile]:
    return [ProducedFile(audio_kind(f.profile, f.format), f.profile, f.extension, f.data,
                         f.duration_ms) for f in encoded]


def _spoken(job: Job) -> tuple[str, ...]:
    if job.spoken is None:
        raise ValueError(f"rendition {job.rendition_id}: produce needs the spoken forms")
    return job.spoken


Cues = list[dict[str, Any]]


def produce_opening(chain: EngineChain, job: Job, spoken: Sequence[str], count: int,
                    store: BlobStore | None = None) -> tuple[ProducedFile, Cues] | None:
    """The bulletin's first `count` sentences as an MP3 with their cues: the fast first
    part, and for long bulletins a longer early part.

    `spoken` needs to hold only those sentences. A bulletin no longer than `count` gets
    no separate part (the whole is about as quick). Clips land in the sentence cache and
    blocks in `store`, so the full production that follows reuses the work.
    """
    if len(job.sentences) <= count or not any(t.strip() for t in spoken[:count]):
        return None
    clips = synthesize(chain, spoken[:count], job.voice, job.rate)
    if not clips.audible:
        return None
    web = get_profile(WEB)
    f = encode_segmented_mp3(lazy_parts(job, clips, count=len(clips)), web, web.outputs[0],
                             store, rate=clips.rate)
    return (ProducedFile("first", WEB, f.extension, f.data, f.duration_ms),
            cue_dicts(f.cues))


def produce_web(chain: EngineChain, job: Job, progress: Callable[[int], None],
                segments: BlobStore | None = None, stages: Stages | None = None) -> Produced:
    """The web profile's MP3, its cues and WebVTT (Opus follows as an extra).

    The MP3 is made of per-block segments cached in `segments`: after a one-sentence
    edit only that block is mastered and encoded again (see `audio.segmented`).
    """
    with maybe(stages, "synthesize"):
        clips = synthesize(chain, _spoken(job), job.voice, job.rate, progress)
    web = get_profile(WEB)
    mp3 = encode_segmented_mp3(lazy_parts(job, clips), web, web.outputs[0], segments,
                               stages=stages, rate=clips.rate)
    result = clips.result
    failed = result.meta.get("failed_engines", "")
    return Produced(_files([mp3]), cue_dicts(mp3.cues), mp3.webvtt(), mp3.duration_ms,
                    result.engine, result.voice, result.calls,
                    result.meta.get("fallback", ""),
                    failed_engines=tuple(n for n in failed.split(",") if n))


def produce_profile(chain: EngineChain, job: Job, name: str, station: str,
                    stages: Stages | None = None) -> list[ProducedFile]:
    """Another profile (podcast, loudspeaker, telephony) with its spoken header, or the
    web profile's remaining formats (Opus) without one. Clips come from the cache, a
    block at a time (see the module's docstring)."""
    spoken = list(_spoken(job))
    profile = get_profile(name)
    if name == WEB:
        with maybe(stages, f"synthesize:{name}"):
            clips = synthesize(chain, spoken, job.voice, job.rate)
        rest = profile.with_overrides(outputs=profile.outputs[1:])
        return _files(encode_profile(lazy_parts(job, clips), rest, rate=clips.rate,
                                     verify=False, stages=stages))
    rate = job.rate * profile.synthesis_rate
    header = bulletin_header(station, _day(job), job.style)
    ending: tuple[str, str] | None = None  # (written, spoken): the instruction again
    if job.emergency is not None and profile.chime:
        # A broadcast emergency: the attention signal, "Thông báo khẩn cấp" twice and the
        # issue time first (every replay says when it was issued), the instruction again
        # at the end.
        e = job.emergency
        profile = profile.with_overrides(signal="attention")
        header = emergency_header(station, e.issued_local, e.hazard_label, e.risk_level,
                                  job.style)
        if e.instruction.strip():
            written = reminder(e.instruction)
            ending = (written, normalize(written, style=job.style, lexicon=job.lexicon).text)
    closing = [ending[1]] if ending else []
    with maybe(stages, f"synthesize:{name}"):
        clips = synthesize(chain, [header.spoken, *spoken, *closing], job.voice, rate)
    parts = [Part("header", _Sentences(clips, [(0, None, None, header.written, None)])),
             *lazy_parts(job, clips, first=1)]
    if ending:
        parts.append(Part("paragraph", _Sentences(clips, [(len(clips) - 1, None, None,
                                                           ending[0], None)])))
    return _files(encode_profile(parts, profile, meta_for(job, station), rate=clips.rate,
                                 stages=stages))


def produce_sample(chain: EngineChain, spoken: str, voice: str, rate: float) -> bytes:
    """One spoken sentence as the web MP3 would carry it (listen before submitting)."""
    result = chain.synthesize([spoken], voice, rate, batch=1)
    web = get_profile(WEB)
    part = Part("paragraph", [SentenceClip(result.clips[0], None, None, spoken)])
    return encode_segmented_mp3([part], web, web.outputs[0]).data


def cached(chain: EngineChain, spoken: Sequence[str], job: Job) -> int:
    """How many of `spoken` the chain's first cached engine already has (the sentence
    cache's hits for this job, counted before synthesis asks)."""
    for engine in chain.engines:
        if isinstance(engine, CachedEngine):
            return engine.cached(spoken, job.voice, job.rate)
    return 0

