"""The editors' pronunciation lexicon: lookup, and which bulletins a change affects."""

from __future__ import annotations

import re

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from audio.text import LexiconEntry as Respelling
from service.models import Bulletin, LexiconEntry


def respellings(s: Session, source: str = "", bulletin_id: int = 0) -> list[Respelling]:
    """Global entries, the source's own and the bulletin's own; the narrower scope wins
    (bulletin over source over global), so the per-source lexicon keeps the last word
    over the province-wide one and an editor's fix for one bulletin over both."""
    rows = s.scalars(
        select(LexiconEntry).where(
            or_(LexiconEntry.source == "", LexiconEntry.source == source),
            LexiconEntry.bulletin_id.in_({0, bulletin_id})))

    def rank(row: LexiconEntry) -> int:
        return 2 if row.bulletin_id else 1 if row.source else 0

    chosen: dict[str, LexiconEntry] = {}
    for row in rows:
        key = row.written.casefold()
        if key not in chosen or rank(row) > rank(chosen[key]):
            chosen[key] = row
    return [Respelling(r.written, r.spoken) for r in chosen.values()]


def affected_bulletins(s: Session, written: str, source: str, limit: int = 5000) -> list[int]:
    """Ids of bulletins whose text contains `written` as a whole word (newest first).

    The SQL substring match only narrows the search; the whole-word check runs on every
    candidate before the limit applies, so an old bulletin is never missed because
    newer ones merely contain the letters.
    """
    pattern = re.compile(rf"(?<!\w){re.escape(written)}(?!\w)", re.IGNORECASE)
    needle = f"%{written}%"
    q = select(Bulletin).where(
        or_(Bulletin.title.ilike(needle), Bulletin.lead.ilike(needle), Bulletin.body.ilike(needle))
    )
    if source:
        q = q.where(Bulletin.source == source)
    q = q.order_by(Bulletin.id.desc()).execution_options(yield_per=200)
    found: list[int] = []
    for b in s.scalars(q):
        if pattern.search(f"{b.title}\n{b.lead}\n{b.body}"):
            found.append(b.id)
            if len(found) >= limit:
                break
    return found
