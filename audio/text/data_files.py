"""Loads the normalizer's own data tables (units, currencies, context words, …).

The tables are data, not code, so that a linguist can review and extend them with a
source for every row; each file is a UTF-8 TSV with a header and a `source` column.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

_PACKAGE = "audio.text.data"


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """All rows of `data/<name>.tsv`, NFC, with the header as keys."""
    text = resources.files(_PACKAGE).joinpath(f"{name}.tsv").read_text(encoding="utf-8")
    reader = csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    out = []
    for row in reader:
        clean = {k: unicodedata.normalize("NFC", (v or "").strip()) for k, v in row.items()}
        if any(clean.values()):
            out.append(clean)
    return tuple(out)


@cache
def mapping(name: str, key: str, value: str) -> dict[str, str]:
    """`key` column → `value` column of a table."""
    return {r[key]: r[value] for r in rows(name)}


@cache
def words(name: str, column: str, kind: str | None = None) -> tuple[str, ...]:
    """One column, optionally only the rows whose `kind` matches, longest first."""
    picked = (r[column] for r in rows(name) if kind is None or r.get("kind") == kind)
    return tuple(sorted(set(picked), key=lambda w: (-len(w), w)))


def alternation(items: Iterable[str]) -> str:
    """A regex alternation that tries longer items first (so "km/h" beats "km")."""
    return "|".join(re.escape(i) for i in sorted(set(items), key=lambda w: (-len(w), w)))


@cache
def trailing_context(kind: str) -> re.Pattern[str]:
    """Matches when a text *ends* with one of the context words of `kind`."""
    alt = alternation(words("contexts", "word", kind))
    return re.compile(rf"(?:^|[^\w])({alt})[\s,:]*$", re.IGNORECASE)


@cache
def nearby_context(kind: str, gap: int = 4) -> re.Pattern[str]:
    """Matches when a text ends with a context word of `kind` and then at most `gap`
    words without digits or sentence marks ("thắng Thái Lan " for a score). Group 1 is
    the context word, group 2 what follows it."""
    alt = alternation(words("contexts", "word", kind))
    # Gap words may carry digits after a letter ("hòa U23 Thái Lan 1-1").
    return re.compile(
        rf"(?:^|[^\w])((?i:{alt}))((?:[\s,:]+[^\W\d_][^\W_]*){{0,{gap}}})[\s,:]*$"
    )


@cache
def leading_context(kind: str) -> re.Pattern[str]:
    """Matches (with `.match(text, pos)`) when a context word of `kind` comes next."""
    alt = alternation(words("contexts", "word", kind))
    return re.compile(rf"\s*({alt})(?!\w)", re.IGNORECASE)
