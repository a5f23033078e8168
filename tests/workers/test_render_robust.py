"""Odd input through the real worker render: nothing crashes, cues stay aligned."""

from __future__ import annotations

from pathlib import Path

from service.settings import Settings
from workers.context import local_chain
from workers.job import new_job
from workers.produce import produce_web

ODD = ["***", "./.", "😀😀 🇻🇳", "Hello world. This is English!", "— • —", "1/0 = ∞",
       "<script>alert(1)</script>", "Giá 1.000.000 đồng."]


def test_odd_paragraphs_render_with_aligned_cues(tmp_path: Path) -> None:
    settings = Settings.from_env({"BANTIN_VAR_DIR": str(tmp_path), "TTS_ENGINES": "espeak"})
    job = new_job(0, "Tiêu đề ???", "", ODD, "", engines=("espeak",), voice="north",
                  rate=1.0).spoken_all()
    doc, spoken = job.doc, job.spoken or ()
    assert any("😀" in w for w in job.warnings)  # unspeakable symbols are reported, not hidden
    out = produce_web(local_chain(settings, ("espeak",)), job, lambda done: None)
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
