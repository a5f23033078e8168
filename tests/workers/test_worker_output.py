"""What the worker makes, measured: the lexicon reaches the engine, and the web audio is
at its profile's loudness (decoded, not just "not silent")."""

from __future__ import annotations

from typing import Any

import numpy as np

from audio import dsp, loudness
from audio.media import decode
from audio.profiles import get_profile
from service import bulletins as uc
from service.db import session_scope
from service.models import LexiconEntry, Rendition
from service.validation import validate_bulletin
from workers import pipeline
from workers.context import WorkerContext


def submit(ctx: WorkerContext, body: str, source: str = "") -> int:
    fields = {"title": "Tin xã", "body": body, **({"source": source} if source else {})}
    item = validate_bulletin(fields, 10_000)
    with session_scope(ctx.sessions) as s:
        rid = uc.create_bulletin(s, ctx.settings, item).current_rendition_id
    assert rid is not None
    return rid


def test_the_worker_applies_the_sources_lexicon(ctx: WorkerContext) -> None:
    with session_scope(ctx.sessions) as s:
        s.add(LexiconEntry(written="QXA", spoken="quỹ xã an", source="xa-a"))
    said: list[str] = []
    chain = ctx.chain(("espeak",))
    real = chain.synthesize

    def record(sentences: list[str], *args: Any, **kwargs: Any) -> Any:
        said.extend(sentences)
        return real(sentences, *args, **kwargs)

    chain.synthesize = record  # type: ignore[method-assign]
    ours, other = (submit(ctx, "QXA Tân Phú họp tổng kết.", source) for source in ("xa-a", "xa-b"))
    assert pipeline.run(ctx, ours) == "ready"
    assert any("quỹ xã an tân phú" in t.lower() for t in said), said
    said.clear()
    assert pipeline.run(ctx, other) == "ready"
    assert said and not any("quỹ xã an" in t.lower() for t in said), said  # not that source


def test_web_audio_is_at_the_profiles_loudness(ctx: WorkerContext, sample_text: str) -> None:
    from service.paste import parse_paste

    paste = parse_paste(sample_text)
    rid = submit(ctx, "\n".join(paste.paragraphs[:4]))
    assert pipeline.run(ctx, rid) == "ready"
    with ctx.sessions() as s:
        r = s.get(Rendition, rid)
        assert r is not None and r.files
        path = ctx.storage.path(r.files["mp3"]["name"])
    assert path is not None
    audio = decode(path.read_bytes())
    x = dsp.to_samples(audio)
    web = get_profile("web")
    measured = loudness.integrated_lufs(x, audio.frame_rate)
    assert abs(measured - web.target_lufs) <= 1.0, measured
    assert dsp.true_peak_db(x) <= web.true_peak_db + 0.5
    assert float(np.abs(x).max()) > 0.1
