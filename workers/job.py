"""A job: everything one rendition needs, as a plain value, read from the database once.

The pipeline moves a job through its states (claimed → opening spoken → whole text
spoken → web audio → extra profiles) by making new values (`with_spoken`), never by
re-reading the bulletin or normalizing it again: the spoken forms are computed once,
stored on the rendition, and every extra profile starts from them (`from_rendition`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.text import LexiconEntry, detect_domain, normalize
from audio.vocabulary import Style, style_for
from service.document import Document, Sentence, build_document
from service.lexicon import respellings
from service.models import Bulletin, BulletinVersion, Rendition
from service.station.vocabulary import EMERGENCY, HAZARDS


@dataclass(frozen=True)
class Emergency:
    """What an emergency broadcast says around the bulletin: when it was issued (the
    station's wall clock), the hazard, the risk level, and the instruction to repeat."""

    issued_local: datetime | None
    hazard_label: str
    risk_level: int | None
    instruction: str

    def key(self) -> list[object]:
        issued = self.issued_local.isoformat() if self.issued_local else None
        return [issued, self.hazard_label, self.risk_level, self.instruction]


def emergency_of(b: Bulletin, tz: ZoneInfo) -> Emergency | None:
    if b.priority != EMERGENCY:
        return None
    issued = b.issued_at.replace(tzinfo=UTC).astimezone(tz) if b.issued_at else None
    return Emergency(issued, HAZARDS.get(b.hazard or "", ""), b.risk_level,
                     b.instruction or b.lead)


@dataclass(frozen=True)
class Job:
    rendition_id: int
    doc: Document
    sentences: tuple[Sentence, ...]
    engines: tuple[str, ...]
    voice: str
    rate: float
    title: str
    author: str
    published_at: datetime | None
    source: str
    lexicon: tuple[LexiconEntry, ...] = ()
    #: what the engines are asked to say, one per sentence (None until normalized)
    spoken: tuple[str, ...] | None = None
    #: the normalizer's audit warnings, "Câu N: …"
    warnings: tuple[str, ...] = ()
    #: set for an emergency: its broadcast files are framed as one
    emergency: Emergency | None = None
    #: the bulletin's domain ("health", "court" …: `detect_domain` over its category,
    #: source, title and lead); it picks the reading of ambiguous abbreviations
    domain: str | None = None

    @property
    def style(self) -> Style:
        return style_for(self.voice)

    def normalize(self, start: int = 0, stop: int | None = None) -> tuple[list[str], list[str]]:
        """Spoken forms and warnings of sentences `start:stop` (the opening goes first, so
        the first audio does not wait for the whole text)."""
        texts: list[str] = []
        warnings: list[str] = []
        for sent in self.sentences[start:stop]:
            result = normalize(sent.text, style=self.style, lexicon=self.lexicon,
                               domain=self.domain)
            texts.append(result.text)
            warnings.extend(f"Câu {sent.index + 1}: {w}" for w in result.warnings)
        return texts, warnings

    def with_spoken(self, spoken: Sequence[str], warnings: Sequence[str] = ()) -> Job:
        if len(spoken) != len(self.sentences):
            raise ValueError(f"{len(spoken)} spoken forms for {len(self.sentences)} sentences")
        return replace(self, spoken=tuple(spoken), warnings=tuple(warnings))

    def spoken_all(self) -> Job:
        """This job with every sentence normalized (a no-op when it already is)."""
        return self if self.spoken is not None else self.with_spoken(*self.normalize())

    @property
    def says_something(self) -> bool:
        return any(text.strip() for text in self.spoken or ())


def new_job(rendition_id: int, title: str, lead: str, paragraphs: list[str], author: str, *,
            engines: tuple[str, ...], voice: str, rate: float,
            published_at: datetime | None = None, source: str = "",
            lexicon: Sequence[LexiconEntry] = (), category: str = "") -> Job:
    """A job from a bulletin's fields (the worker, `bantin speak` and benches use this)."""
    doc = build_document(title, lead, paragraphs, author)
    return Job(rendition_id, doc, tuple(doc.sentences()), engines, voice, rate, title, author,
               published_at, source, tuple(lexicon),
               domain=detect_domain(title, lead, source=source, category=category))


def from_rendition(s: Session, r: Rendition, default_engines: tuple[str, ...],
                   tz: ZoneInfo | None = None) -> Job:
    """The job for a rendition row, with the spoken forms it stored if it has them."""
    b = s.get(Bulletin, r.bulletin_id)
    if b is None:
        raise LookupError(f"rendition {r.id}: bulletin {r.bulletin_id} is gone")
    # The text of the version this rendition speaks (an edit may have come since).
    text = s.scalar(select(BulletinVersion).where(BulletinVersion.bulletin_id == b.id,
                                                  BulletinVersion.number == r.version)) or b
    job = new_job(r.id, text.title, text.lead, text.paragraphs, text.author,
                  engines=tuple(e for e in r.engines.split(",") if e) or default_engines,
                  voice=r.voice, rate=r.rate, published_at=b.published_at, source=b.source,
                  lexicon=respellings(s, b.source, b.id), category=b.category or "")
    job = replace(job, emergency=emergency_of(b, tz or ZoneInfo("Asia/Ho_Chi_Minh")))
    if r.spoken is not None and len(r.spoken) == len(job.sentences):
        job = job.with_spoken(r.spoken)
    return job
