"""The sentence cache seen through a whole render (issue 4, "Cache").

Real espeak-ng behind a real `SentenceCache` on disk, driven through `render.produce`
as the worker and `bantin speak` drive it: the second render of the sample bulletin
makes no engine call and gives the same files; editing one body sentence makes exactly
one call, and the audio changes length only by what that sentence changed.

Engine calls are counted twice: by `Output.engine_calls` (what the rendition records)
and by a wrapper around the real engine (what actually reached espeak).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from audio.cache import CachedEngine, SentenceCache
from audio.engines.base import Synthesis
from audio.engines.chain import EngineChain
from audio.engines.espeak import EspeakEngine
from audio.media import decode
from service.paste import PasteResult, parse_paste
from workers.job import Job, new_job
from workers.produce import Produced, produce_web

SAMPLE = Path(__file__).resolve().parents[2] / "service" / "demo" / "bac-kan-chi-thi-42.txt"
EDIT_FROM, EDIT_TO = "đề ra 07 nhóm", "đề ra 107 nhóm"  # "bảy" → "một trăm linh bảy"


class CountingEspeak:
    """The real espeak engine; records every sentence that reaches it."""

    def __init__(self) -> None:
        self.engine = EspeakEngine()
        self.name, self.capabilities = self.engine.name, self.engine.capabilities
        self.sent: list[str] = []

    def resolve_voice(self, voice: str) -> str:
        return self.engine.resolve_voice(voice)

    def fingerprint(self, voice: str) -> str:
        return self.engine.fingerprint(voice)

    def synthesize(self, sentences: Sequence[str], voice: str, rate: float) -> Synthesis:
        self.sent.extend(sentences)
        return self.engine.synthesize(sentences, voice, rate)


def make_job(parsed: PasteResult, paragraphs: list[str]) -> tuple[Job, list[str]]:
    job = new_job(0, parsed.title, parsed.lead, paragraphs, parsed.author,
                  engines=("espeak",), voice="north", rate=1.0,
                  published_at=parsed.published_at).spoken_all()
    return job, list(job.spoken or ())


@dataclass
class Renders:
    first: Produced
    again: Produced
    edited: Produced
    calls: list[int]  # sentences that reached espeak in each of the three renders
    edited_sentence: int
    sentences: int
    distinct_spoken: int
    cache: SentenceCache


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> Renders:
    """Cold render, unchanged re-render, then a one-sentence edit, on one cache."""
    parsed = parse_paste(SAMPLE.read_text(encoding="utf-8"))
    job, spoken = make_job(parsed, parsed.paragraphs)
    where = [i for i, p in enumerate(parsed.paragraphs) if EDIT_FROM in p]
    assert len(where) == 1, f"the sample should contain {EDIT_FROM!r} once"
    paragraphs = list(parsed.paragraphs)
    paragraphs[where[0]] = paragraphs[where[0]].replace(EDIT_FROM, EDIT_TO)
    edited_job, edited_spoken = make_job(parsed, paragraphs)
    changed = [i for i, (a, b) in enumerate(zip(spoken, edited_spoken, strict=True)) if a != b]
    assert len(changed) == 1 and edited_job.sentences[changed[0]].kind == "paragraph"

    counting = CountingEspeak()
    cache = SentenceCache(tmp_path_factory.mktemp("sentence-cache"))
    chain = EngineChain([CachedEngine(counting, cache)])
    segments = cache  # the worker keeps encoded segments in the sentence cache too
    calls: list[int] = []

    def produce(j: Job, s: list[str]) -> Produced:
        before = len(counting.sent)
        out = produce_web(chain, j, lambda done: None, segments)
        calls.append(len(counting.sent) - before)
        return out

    first = produce(job, spoken)
    again = produce(job, spoken)
    edited = produce(edited_job, edited_spoken)
    return Renders(first, again, edited, calls, changed[0], len(spoken), len(set(spoken)),
                   cache)


def test_cold_render_calls_the_engine_once_per_distinct_sentence(renders: Renders) -> None:
    assert renders.calls[0] == renders.distinct_spoken
    assert renders.first.engine_calls == renders.distinct_spoken
    assert renders.first.engine == "espeak"
    assert len(renders.first.cues) == renders.sentences
    assert renders.cache.size() > 0


def test_second_render_of_the_sample_makes_zero_engine_calls(renders: Renders) -> None:
    assert renders.calls[1] == 0
    assert renders.again.engine_calls == 0
    assert renders.again.engine == renders.first.engine
    assert renders.again.engine_voice == renders.first.engine_voice


def test_second_render_gives_the_same_audio(renders: Renders) -> None:
    """Same input, same cached clips → same timings and the same bytes (content names)."""
    assert renders.again.duration_ms == renders.first.duration_ms
    assert renders.again.cues == renders.first.cues
    assert renders.again.vtt == renders.first.vtt
    assert [f.kind for f in renders.again.files] == [f.kind for f in renders.first.files]
    for before, after in zip(renders.first.files, renders.again.files, strict=True):
        assert after == before, f"{before.kind} differs on a cached re-render"


def test_editing_one_sentence_makes_exactly_one_engine_call(renders: Renders) -> None:
    assert renders.calls[2] == 1
    assert renders.edited.engine_calls == 1


def _ms(cue: dict[str, object], key: str) -> int:
    return round(float(cue[key]) * 1000)  # type: ignore[arg-type]


def test_edit_changes_the_duration_only_by_the_edited_sentence(renders: Renders) -> None:
    old, new, k = renders.first.cues, renders.edited.cues, renders.edited_sentence
    assert len(new) == len(old)
    length = [(_ms(a, "end") - _ms(a, "start"), _ms(b, "end") - _ms(b, "start"))
              for a, b in zip(old, new, strict=True)]
    delta = length[k][1] - length[k][0]
    assert delta > 300, "one hundred and seven takes longer to say than seven"
    for i, (before, after) in enumerate(length):
        if i != k:
            assert abs(after - before) <= 1, f"sentence {i} changed length but was not edited"
    for i in range(k):  # everything before the edit stays exactly where it was
        assert (_ms(new[i], "start"), _ms(new[i], "end")) == (_ms(old[i], "start"),
                                                              _ms(old[i], "end"))
    # Everything after it moves by the edit's change. The web MP3 is made of per-block
    # segments (audio.segmented), so the edited block's length is whole MP3 frames: the
    # later cues move by the change rounded to a frame (576 samples at 22.05 kHz, 26 ms).
    frame_ms = 27
    for i in range(k + 1, len(old)):
        assert abs((_ms(new[i], "start") - _ms(old[i], "start")) - delta) <= frame_ms
    assert abs((renders.edited.duration_ms - renders.first.duration_ms) - delta) <= frame_ms


def test_edited_audio_decodes_to_the_old_length_plus_the_edit(renders: Renders) -> None:
    """Measured on the encoded files themselves, not on the cue table."""
    assert renders.first.files[0].kind == "mp3"
    old = decode(renders.first.files[0].data)
    new = decode(renders.edited.files[0].data)
    k = renders.edited_sentence
    cue_old, cue_new = renders.first.cues[k], renders.edited.cues[k]
    delta = (_ms(cue_new, "end") - _ms(cue_new, "start")) - (_ms(cue_old, "end")
                                                             - _ms(cue_old, "start"))
    assert abs(len(old) - renders.first.duration_ms) <= 120  # encoder padding, one frame or two
    assert abs((len(new) - len(old)) - delta) <= 60  # one MP3 frame at 22.05 kHz is 52 ms
