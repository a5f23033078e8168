"""The worker's timings carry word times: written words of the bulletin, timed in the
stored MP3 (decoded and measured), in the timings file and in the captions."""

from __future__ import annotations

import json
import re

import numpy as np

from audio import dsp
from audio.media import decode
from service import bulletins as uc
from service.db import session_scope
from service.document import build_document
from service.models import Rendition
from service.validation import validate_bulletin
from workers import pipeline
from workers.context import WorkerContext

BODY = "Ngày 27/2, UBND tỉnh họp. Một, hai, ba, bốn, năm."




def level(x: np.ndarray, rate: int, lo: float, hi: float) -> float:
    part = x[max(0, int(lo * rate)): int(hi * rate)]
    return float(np.sqrt(np.mean(part.astype(np.float64) ** 2) + 1e-12))


def test_stored_timings_time_the_written_words(ctx: WorkerContext) -> None:
    item = validate_bulletin({"title": "Tin xã", "body": BODY}, 10_000)
    with session_scope(ctx.sessions) as s:
        rid = uc.create_bulletin(s, ctx.settings, item).current_rendition_id
    assert rid is not None and pipeline.run(ctx, rid) == "ready"
    with ctx.sessions() as s:
        r = s.get(Rendition, rid)
        assert r is not None and r.files and r.cues
        cues, files = list(r.cues), dict(r.files)
    text = build_document("Tin xã", "", [BODY], "").text

    by_text = {c["text"]: c for c in cues}
    date = by_text["Ngày 27/2, UBND tỉnh họp."]
    assert [text[s:e] for _, s, e in date["w"]] == ["Ngày", "27/2", "UBND", "tỉnh", "họp"]
    counted = by_text["Một, hai, ba, bốn, năm."]
    assert [text[s:e] for _, s, e in counted["w"]] == ["Một", "hai", "ba", "bốn", "năm"]

    path = ctx.storage.path(files["mp3"]["name"])
    assert path is not None
    audio = decode(path.read_bytes())
    x, rate = dsp.to_samples(audio), audio.frame_rate
    for t, _, _ in counted["w"][1:]:  # the comma's pause before the word, its sound after
        assert level(x, rate, t - 0.1, t - 0.02) * 4 < level(x, rate, t + 0.02, t + 0.12), t

    stored_timings = ctx.storage.path(files["timings"]["name"])
    stored_vtt = ctx.storage.path(files["vtt"]["name"])
    assert stored_timings is not None and stored_vtt is not None
    assert json.loads(stored_timings.read_bytes())["cues"] == cues
    vtt = stored_vtt.read_text(encoding="utf-8")
    assert re.search(r"Một, <\d\d:\d\d:\d\d\.\d{3}>hai, <\d\d:\d\d:\d\d\.\d{3}>ba", vtt), vtt
