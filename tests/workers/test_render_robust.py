"""Odd input through the real worker render: nothing crashes, cues stay aligned."""

from __future__ import annotations

from pathlib import Path

from service.document import build_document
from service.settings import Settings
from workers import render
from workers.context import local_chain
from workers.pipeline import Job, spoken_forms

ODD = ["***", "./.", "😀😀 🇻🇳", "Hello world. This is English!", "— • —", "1/0 = ∞",
       "<script>alert(1)</script>", "Giá 1.000.000 đồng."]


def test_odd_paragraphs_render_with_aligned_cues(tmp_path: Path) -> None:
    settings = Settings.from_env({"BANTIN_VAR_DIR": str(tmp_path), "TTS_ENGINES": "espeak"})
    doc = build_document("Tiêu đề ???", "", ODD, "")
    job = Job(0, doc, doc.sentences(), ("espeak",), "north", 1.0, "t", "", None, "")
    spoken, warnings = spoken_forms(job)
    assert any("😀" in w for w in warnings)  # unspeakable symbols are reported, not hidden
    out = render.produce(local_chain(settings, ("espeak",)), job, spoken, lambda done: None)
    by_index = {s.index: s for s in job.sentences}
    silent = {s.index for s, text in zip(job.sentences, spoken, strict=True) if not text.strip()}
    cued = {c["i"] for c in out.cues}
    assert cued == set(by_index) - silent
    for cue in out.cues:
        sent = by_index[cue["i"]]
        assert (cue["char_start"], cue["char_end"], cue["text"]) == (sent.start, sent.end,
                                                                     sent.text)
        assert doc.text[sent.start:sent.end] == sent.text
    assert [c["start"] for c in out.cues] == sorted(c["start"] for c in out.cues)
