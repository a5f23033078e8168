"""What will be said, sentence by sentence, before anything is synthesized."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from audio.text import NORMALIZER_VERSION, detect_domain, domain_label, normalize
from audio.vocabulary import STYLES, style_for
from service import bounds
from service.document import build_document
from service.lexicon import respellings
from service.settings import Settings
from service.validation import BulletinInput

#: a preview answers with at most this many sentences (the rest are counted, not shown),
#: so one request cannot make the web process build megabytes of JSON
MAX_SENTENCES = 400


def preview_fields(s: Session, item: BulletinInput, settings: Settings,
                   style: str | None = None) -> dict[str, Any]:
    """The spoken form of every sentence, read in the style the worker will use: the
    bulletin's voice decides it (`style_for`) unless the editor asks for another one.
    Over the bounds of `service.bounds` it is the same 422 a submit would get."""
    style = style if style in STYLES else style_for(item.voice or settings.tts_voice)
    lexicon = respellings(s, item.source)
    # the same domain the worker's job computes (workers/job.py), so ambiguous
    # abbreviations read here as they will be said
    domain = detect_domain(item.title, item.lead, source=item.source,
                           category=item.broadcast.category)
    paragraphs = [p.strip() for p in item.body.split("\n") if p.strip()]
    doc = build_document(item.title, item.lead, paragraphs, item.author)
    sentences: list[dict[str, Any]] = []
    every = doc.sentences()
    bounds.check_digit_runs(item)
    results = [normalize(sent.text, style=style, lexicon=lexicon, domain=domain)
               for sent in every]
    bounds.check(bounds.measure([r.text for r in results], item.rate or settings.tts_rate),
                 settings)
    for sent, result in zip(every[:MAX_SENTENCES], results, strict=False):
        sentences.append({
            "index": sent.index, "kind": sent.kind, "block": sent.block,
            "start": sent.start, "end": sent.end,
            "text": sent.text, "spoken": result.text, "warnings": result.warnings,
            # abbreviations no table knows, spelled out: the editor confirms or adds a
            # reading to the source's lexicon (the preview offers it per token)
            "guessed": result.guessed, "notices": result.notices,
        })
    return {
        "normalizer_version": NORMALIZER_VERSION,
        "style": style,
        "domain": domain,
        "domain_label": domain_label(domain) if domain else None,
        "sentences": sentences,
        "warnings": sum(len(x["warnings"]) for x in sentences),
        "guessed": sum(len(x["guessed"]) for x in sentences),
        "total_sentences": len(every),
        "truncated": len(every) > MAX_SENTENCES,
    }
