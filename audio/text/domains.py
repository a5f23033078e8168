"""The domain of a whole bulletin (health, court, sport …), computed once per bulletin.

A sentence alone often cannot say what an abbreviation means: "BN" is "bệnh nhân" in a
health bulletin, "TS" is "thí sinh" in an admissions story. The abbreviation table tags
such readings with a domain (`data/abbreviations.tsv`, vocabulary in `data/domains.tsv`)
and `normalize(..., domain=...)` uses the tag when the words around the token did not
decide. The evidence for the domain, strongest first:

1. the bulletin's `category` slug ("suc-khoe", "phap-luat", "the-thao" …), then its
   `source` slug ("so-y-te-bac-kan"), through `data/domain_slugs.tsv`: a row matches
   when its slug is a whole run of the slug's `-`/`_`/`.` segments ("the-thao" in
   "tin-the-thao", never "y-te" inside "quy-te");
2. otherwise weighted keywords in the title and lead (`data/domain_keywords.tsv`; the
   title counts double). The best domain must reach `THRESHOLD` and at least twice the
   runner-up's score: weak or mixed evidence gives None, and the sentence's own context
   and the context-free defaults decide, exactly as without a domain.

Only the title and lead are read, so the domain is known before the body is spoken and
does not drift with a long article's digressions.
"""

from __future__ import annotations

import re
from functools import cache

from audio.text.data_files import rows
from audio.text.tables import TableError, domain_labels, domain_names

#: Keyword score a domain needs (one strong keyword in the title, or two in the lead).
THRESHOLD = 3.0
#: How many times the runner-up's score the winner needs.
MARGIN = 2.0
#: The title says what the bulletin is about more surely than the lead.
TITLE_WEIGHT = 2.0

_SEGMENTS = re.compile(r"[-_.]+")


def _segments(slug: str) -> tuple[str, ...]:
    return tuple(p for p in _SEGMENTS.split(slug.strip().lower()) if p)


@cache
def _slug_rows() -> tuple[tuple[str, tuple[str, ...], str], ...]:
    known = domain_names()
    out = []
    for row in rows("domain_slugs"):
        if row["domain"] not in known or row["kind"] not in ("category", "source"):
            raise TableError(f"domain_slugs.tsv: bad row {row!r}")
        out.append((row["kind"], _segments(row["slug"]), row["domain"]))
    # longer slugs first: "phong-chong-thien-tai" before a shorter one it contains
    return tuple(sorted(out, key=lambda r: -len(r[1])))


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def from_slug(slug: str, kind: str) -> str | None:
    """The domain a category or source slug names, None when the table has no row."""
    parts = _segments(slug)
    if not parts:
        return None
    for row_kind, row_parts, domain in _slug_rows():
        if row_kind == kind and _contains(parts, row_parts):
            return domain
    return None


@cache
def _keywords() -> tuple[re.Pattern[str], dict[str, tuple[str, float]]]:
    """One pattern over every keyword; lower-case keywords match in any case, keywords
    with capitals ("HĐXX", "Bộ Y tế") only as written."""
    known = domain_names()
    weights: dict[str, tuple[str, float]] = {}
    for row in rows("domain_keywords"):
        if row["domain"] not in known:
            raise TableError(f"domain_keywords.tsv: unknown domain {row['domain']!r}")
        word = row["keyword"]
        key = word if word != word.lower() else word.lower()
        weights[key] = (row["domain"], float(row["weight"]))
    alts = []
    for key in sorted(weights, key=lambda k: (-len(k), k)):
        alt = re.escape(key)
        alts.append(alt if key != key.lower() else f"(?i:{alt})")
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(alts)})(?!\w)")
    return pattern, weights


def scores(title: str, lead: str) -> dict[str, float]:
    """Keyword evidence per domain (for `detect`, and for an editor asking why)."""
    pattern, weights = _keywords()
    total: dict[str, float] = {}
    for text, factor in ((title, TITLE_WEIGHT), (lead, 1.0)):
        for m in pattern.finditer(text or ""):
            found = weights.get(m.group()) or weights.get(m.group().lower())
            if found is not None:
                domain, weight = found
                total[domain] = total.get(domain, 0.0) + weight * factor
    return total


def detect(title: str, lead: str, source: str = "", category: str = "") -> str | None:
    """The bulletin's domain (a name of `data/domains.tsv`), or None when unsure."""
    for slug, kind in ((category, "category"), (source, "source")):
        domain = from_slug(slug, kind)
        if domain is not None:
            return domain
    ranked = sorted(scores(title, lead).items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < THRESHOLD:
        return None
    if len(ranked) > 1 and ranked[0][1] < MARGIN * ranked[1][1]:
        return None
    return ranked[0][0]


def label(domain: str) -> str:
    """The domain's Vietnamese name, as editors see it ("health" → "y tế"); "" if unknown."""
    return domain_labels().get(domain, "")
