"""Produce a job's audio: engine chain in, encoded files with cues out.

The web profile comes first (it is what listeners wait for); the other profiles
(podcast, loudspeaker, telephony, and the web's Opus file) are produced afterwards from
the same spoken forms and the sentence cache. A short opening (title and first
sentence) is produced before anything else so the page can start playing within a
fraction of a second, whatever the bulletin's length.

Words used across layers: engines *synthesize* clips, `audio` *assembles*, *masters*
and *encodes* them, this module *produces* a job's files from all of that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from audio.assemble import Part, SentenceClip, bulletin_header, header_part
from audio.attention import emergency_header, reminder
from audio.engines.chain import EngineChain
from audio.mastering import EncodedFile, encode_profile
from audio.media import AudioSegment
from audio.profiles import get_profile
from audio.segmented import BlobStore, encode_segmented_mp3
from audio.stages import Stages, maybe
from audio.tags import Meta
from audio.text import normalize
from audio.timing import cue_dicts
from audio.vocabulary import WEB, audio_kind
from workers.job import Job

BATCH = 8
#: bump when assembly or encoding changes what the same input sounds like
OUTPUT_VERSION = "2"
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


def parts_for(job: Job, clips: Sequence[AudioSegment]) -> list[Part]:
    """Group sentence clips into the bulletin's blocks, each clip with its sentence's
    written offsets and index (the index is what the page highlights)."""
    parts: list[Part] = []
    last_block = -1
    for sent, clip in zip(job.sentences, clips, strict=False):
        if sent.block != last_block:
            parts.append(Part(sent.kind, []))  # type: ignore[arg-type]
            last_block = sent.block
        parts[-1].sentences.append(SentenceClip(clip, sent.start, sent.end, sent.text,
                                                sent.index))
    return parts


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
    result = chain.synthesize(list(spoken[:count]), job.voice, job.rate, batch=BATCH)
    if not any(len(clip) for clip in result.clips):
        return None
    web = get_profile(WEB)
    f = encode_segmented_mp3(parts_for(job, result.clips), web, web.outputs[0], store)
    return (ProducedFile("first", WEB, f.extension, f.data, f.duration_ms),
            cue_dicts(f.cues))


def produce_web(chain: EngineChain, job: Job, progress: Callable[[int], None],
                segments: BlobStore | None = None, stages: Stages | None = None) -> Produced:
    """The web profile's MP3, its cues and WebVTT (Opus follows as an extra).

    The MP3 is made of per-block segments cached in `segments`: after a one-sentence
    edit only that block is mastered and encoded again (see `audio.segmented`).
    """
    with maybe(stages, "synthesize"):
        result = chain.synthesize(list(_spoken(job)), job.voice, job.rate, progress=progress,
                                  batch=BATCH)
    web = get_profile(WEB)
    mp3 = encode_segmented_mp3(parts_for(job, result.clips), web, web.outputs[0], segments,
                               stages=stages)
    return Produced(_files([mp3]), cue_dicts(mp3.cues), mp3.webvtt(), mp3.duration_ms,
                    result.engine, result.voice, result.calls,
                    result.meta.get("fallback", ""))


def produce_profile(chain: EngineChain, job: Job, name: str, station: str,
                    stages: Stages | None = None) -> list[ProducedFile]:
    """Another profile (podcast, loudspeaker, telephony) with its spoken header, or the
    web profile's remaining formats (Opus) without one. Clips come from the cache."""
    spoken = list(_spoken(job))
    profile = get_profile(name)
    if name == WEB:
        with maybe(stages, f"synthesize:{name}"):
            result = chain.synthesize(spoken, job.voice, job.rate, batch=BATCH)
        rest = profile.with_overrides(outputs=profile.outputs[1:])
        return _files(encode_profile(parts_for(job, result.clips), rest, verify=False,
                                     stages=stages))
    rate = job.rate * profile.synthesis_rate
    header = bulletin_header(station, _day(job), job.style)
    closing: list[str] = []
    if job.emergency is not None and profile.chime:
        # A broadcast emergency: the attention signal, "Thông báo khẩn cấp" twice and the
        # issue time first (every replay says when it was issued), the instruction again
        # at the end.
        e = job.emergency
        profile = profile.with_overrides(signal="attention")
        header = emergency_header(station, e.issued_local, e.hazard_label, e.risk_level,
                                  job.style)
        if e.instruction.strip():
            closing = [normalize(reminder(e.instruction), style=job.style,
                                 lexicon=job.lexicon).text]
    with maybe(stages, f"synthesize:{name}"):
        result = chain.synthesize([header.spoken, *spoken, *closing], job.voice, rate,
                                  batch=BATCH)
    clips = result.clips[1:len(result.clips) - len(closing)]
    parts = [header_part(result.clips[0], header), *parts_for(job, clips)]
    if closing:
        parts.append(Part("paragraph", [SentenceClip(result.clips[-1], None, None,
                                                     reminder(job.emergency.instruction)
                                                     if job.emergency else "")]))
    return _files(encode_profile(parts, profile, meta_for(job, station), stages=stages))


def produce_sample(chain: EngineChain, spoken: str, voice: str, rate: float) -> bytes:
    """One spoken sentence as the web MP3 would carry it (listen before submitting)."""
    result = chain.synthesize([spoken], voice, rate, batch=1)
    web = get_profile(WEB)
    part = Part("paragraph", [SentenceClip(result.clips[0], None, None, spoken)])
    return encode_segmented_mp3([part], web, web.outputs[0]).data
