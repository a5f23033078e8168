"""Synthesis and output for one job: engine chain in, encoded files and cues out.

The web profile comes first (it is what listeners wait for); the other profiles
(podcast, loudspeaker, telephony) are made after the rendition is already playable.
A short first part (title and first sentence) is encoded before anything else so the
page can start playing within a fraction of a second, whatever the bulletin's length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from audio.assemble import Part, SentenceClip, bulletin_header, header_part
from audio.engines.chain import EngineChain
from audio.media import AudioSegment
from audio.profiles import Profile, get_profile
from audio.render import RenderedFile, render
from audio.segmented import BlobStore, render_web_mp3
from audio.tags import Meta
from audio.timing import cue_dicts

if TYPE_CHECKING:
    from workers.pipeline import Job

BATCH = 8
#: bump when assembly or encoding changes what the same input sounds like
OUTPUT_VERSION = "2"
#: sentences in the fast first part: the title and the first sentence after it
FIRST_SENTENCES = 2
#: a bulletin longer than this also gets an early part of `EARLY_SHARE` of its sentences,
#: so a listener who starts on the first part does not run out before the whole is ready
EARLY_AFTER_SENTENCES = 40
EARLY_SHARE = 0.25
WEB = "web"
#: file keys per (profile, format) in `Rendition.files`
FILE_KEYS = {("web", "mp3"): "mp3", ("web", "opus"): "ogg", ("podcast", "mp3"): "podcast",
             ("loudspeaker", "mp3"): "loudspeaker", ("telephony", "wav"): "telephony"}


@dataclass
class Output:
    files: dict[str, tuple[str, bytes]]
    cues: list[dict[str, Any]]
    vtt: str
    duration_ms: int
    engine: str
    engine_voice: str
    engine_calls: int = 0
    fallback: str = ""


def profile_keys(name: str) -> list[str]:
    """The `Rendition.files` keys an extra profile adds (web's extra is the Opus file)."""
    outputs = get_profile(name).outputs[1:] if name == WEB else get_profile(name).outputs
    return [FILE_KEYS.get((name, o.format), f"{name}-{o.format}") for o in outputs]


def parts_for(job: Job, clips: Sequence[AudioSegment], count: int | None = None) -> list[Part]:
    """Group sentence clips into the bulletin's blocks, with written-text offsets."""
    parts: list[Part] = []
    last_block = -1
    for sent, clip in list(zip(job.sentences, clips, strict=False))[:count]:
        if sent.block != last_block:
            parts.append(Part(sent.kind, []))  # type: ignore[arg-type]
            last_block = sent.block
        parts[-1].sentences.append(SentenceClip(clip, sent.start, sent.end, sent.text))
    return parts


def meta_for(job: Job, station: str) -> Meta:
    day = job.published_at.date() if isinstance(job.published_at, dt.datetime) else None
    return Meta(title=job.title, artist=job.author or job.source or station, album=station,
                date=day)


def _indexed_cues(f: RenderedFile, job: Job) -> list[dict[str, Any]]:
    """Cue dicts with the sentence index the page uses, found by written-text offsets
    (a sentence that says nothing, like "***", has no cue; the header has no index)."""
    index = {(s.start, s.end): s.index for s in job.sentences}
    out = []
    for cue in cue_dicts(f.cues):
        i = index.get((cue["char_start"], cue["char_end"]))
        if i is not None:
            cue["i"] = i
        out.append(cue)
    return out


def _store(files: list[RenderedFile], profile: str) -> dict[str, tuple[str, bytes]]:
    return {FILE_KEYS.get((profile, f.format), f"{profile}-{f.format}"): (f.extension, f.data)
            for f in files}


def opening_part(chain: EngineChain, job: Job, spoken: list[str], count: int,
                 store: BlobStore | None = None) -> tuple[str, bytes] | None:
    """The bulletin's first `count` sentences as an MP3, made before the rest: the fast
    first part, and for long bulletins a longer early part.

    `spoken` needs to hold only those sentences. A bulletin no longer than `count` gets
    no separate part (the whole is about as quick). Clips land in the sentence cache and
    blocks in `store`, so the full render that follows reuses the work.
    """
    if len(job.sentences) <= count:
        return None
    result = chain.synthesize(spoken[:count], job.voice, job.rate, batch=BATCH)
    if not any(len(clip) for clip in result.clips):
        return None
    web = get_profile(WEB)
    f = render_web_mp3(parts_for(job, result.clips), web, web.outputs[0], store)
    return f.extension, f.data


def produce(
    chain: EngineChain, job: Job, spoken: list[str], progress: Callable[[int], None],
    segments: BlobStore | None = None,
) -> Output:
    """The web rendition's MP3, its cues and WebVTT (Opus follows as an extra).

    The MP3 is made of per-block segments cached in `segments`: after a one-sentence
    edit only that block is mastered and encoded again (see `audio.segmented`).
    """
    result = chain.synthesize(spoken, job.voice, job.rate, progress=progress, batch=BATCH)
    web = get_profile(WEB)
    mp3 = render_web_mp3(parts_for(job, result.clips), web, web.outputs[0], segments)
    files = [mp3]
    return Output(_store(files, WEB), _indexed_cues(mp3, job), mp3.webvtt(), mp3.duration_ms,
                  result.engine, result.voice, result.calls, result.meta.get("fallback", ""))


def produce_profile(chain: EngineChain, job: Job, spoken: list[str], name: str,
                    station: str) -> tuple[dict[str, tuple[str, bytes]], list[dict[str, Any]]]:
    """Another profile (podcast, loudspeaker, telephony) with its spoken header, or the
    web profile's remaining formats (Opus) without one. Clips come from the cache."""
    profile: Profile = get_profile(name)
    if name == WEB:
        result = chain.synthesize(spoken, job.voice, job.rate, batch=BATCH)
        files = render(parts_for(job, result.clips),
                       profile.with_overrides(outputs=profile.outputs[1:]), verify=False)
        return _store(files, name), _indexed_cues(files[0], job)
    rate = job.rate * profile.synthesis_rate
    style = "south" if job.voice == "south" else "north"
    day = job.published_at.date() if isinstance(job.published_at, dt.datetime) else None
    header = bulletin_header(station, day, style)
    result = chain.synthesize([header.spoken, *spoken], job.voice, rate, batch=BATCH)
    parts = [header_part(result.clips[0], header), *parts_for(job, result.clips[1:])]
    files = render(parts, profile, meta_for(job, station))
    return _store(files, name), _indexed_cues(files[0], job)
