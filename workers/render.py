"""Synthesis and assembly for one job: engines in, encoded files and cues out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import lameenc

from audio.engines.chain import EngineChain
from audio.media import AudioSegment

if TYPE_CHECKING:
    from workers.pipeline import Job

BATCH = 8
PAUSE_MS = {"title": 900, "lead": 700, "paragraph": 600, "author": 0, "sentence": 350}


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


def _vtt_time(ms: int) -> str:
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def produce(
    chain: EngineChain, job: Job, spoken: list[str], progress: Callable[[int], None]
) -> Output:
    result = chain.synthesize(spoken, job.voice, job.rate, progress=progress, batch=BATCH)
    clips, voice = result.clips, result.voice
    audio = AudioSegment.silent(300, frame_rate=22050)
    cues: list[dict[str, Any]] = []
    for n, (sent, clip) in enumerate(zip(job.sentences, clips, strict=True)):
        start = len(audio)
        audio += clip.set_frame_rate(22050).set_channels(1)
        cues.append({"i": sent.index, "start": start / 1000, "end": len(audio) / 1000,
                     "char_start": sent.start, "char_end": sent.end, "text": sent.text,
                     "kind": sent.kind, "block": sent.block})
        last_in_block = n + 1 == len(job.sentences) or job.sentences[n + 1].block != sent.block
        audio += AudioSegment.silent(PAUSE_MS[sent.kind] if last_in_block else PAUSE_MS["sentence"],
                                     frame_rate=22050)
    enc = lameenc.Encoder()
    enc.set_bit_rate(64)
    enc.set_in_sample_rate(audio.frame_rate)
    enc.set_channels(1)
    enc.set_quality(2)
    mp3 = bytes(enc.encode(audio.raw_data) + enc.flush())
    vtt = "WEBVTT\n\n" + "\n".join(
        f"{c['i'] + 1}\n{_vtt_time(round(c['start'] * 1000))} --> "
        f"{_vtt_time(round(c['end'] * 1000))}\n{c['text']}\n" for c in cues)
    return Output({"mp3": ("mp3", mp3)}, cues, vtt, len(audio), result.engine, voice,
                  result.calls, result.meta.get("fallback", ""))
