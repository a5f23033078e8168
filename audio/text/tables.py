"""Data tables of the Vietnamese text front end, kept as TSV files beside this module.

The tables are data, not code, so editors and reviewers can read and extend them and
every row says where it comes from (`source` column). This module only loads them,
checks their shape once, and answers the questions the normalizer and the segmenter
ask: "how is this abbreviation said here?" and "which legacy bytes mean which letter?".

Abbreviation rows of the same `abbr` are chosen in three tiers (the per-source lexicon
of the editors has already had the last word before this table is asked):

1. a row whose `context` regex matches the window around the token (file order);
2. a row whose `domain` is the document's domain (`audio.text.domains.detect`), so a
   health bulletin's "BN" is "bệnh nhân" even without a nearby "ca mắc";
3. the row with neither context nor domain: the default (written last, e.g. `TU` →
   "thành ủy" only near "thành phố", otherwise "tỉnh ủy").

An abbreviation with no default is left alone (spelled by the normalizer and reported
as a guess) when no context and no domain decides it. The `domain` column takes only
the names of `data/domains.tsv`; rows that read the same in every domain leave it empty.

Reading policy for foreign acronyms (one rule, applied everywhere): an organization or
indicator with an established Vietnamese name is said by that name (WHO → "tổ chức y
tế thế giới", GDP → "tổng sản phẩm quốc nội"); a name that broadcasters say as a word
or as letters is respelled the way they say it (ASEAN → "a xê an", VTV → "vê tê vê").
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Literal

LegacyName = Literal["tcvn3", "vni"]

#: How far (in code points, each side) a context regex may look around the token.
CONTEXT_WINDOW = 40

_ABBR_HEADER = ["abbr", "expansion", "context", "domain", "source"]
_DOMAIN_HEADER = ["domain", "label", "covers", "source"]
_LEGACY_HEADER = ["legacy", "unicode", "legacy_codepoints", "source"]


class TableError(ValueError):
    """A data file is malformed: a bug in the shipped data, never a user error."""


@dataclass(frozen=True)
class Abbreviation:
    abbr: str
    expansion: str
    context: str | None  # regex searched in the window around the token; None = always
    source: str
    #: the document domain in which this reading is chosen when no context decided
    domain: str | None = None

    def applies(self, text: str, start: int, end: int) -> bool:
        """Whether this reading fits the token at text[start:end].

        The window includes the token itself, so a context such as `CT\\s*/` can look
        at what follows the token as well as at nearby words. A match that contains a
        *different* occurrence of the same abbreviation does not count: in "42-CT/TW
        ... CT UBND" the second token's "CT\\s+UBND" must not decide the first one.
        """
        if self.context is None:
            return True
        wstart = max(0, start - CONTEXT_WINDOW)
        window = text[wstart : end + CONTEXT_WINDOW]
        own = start - wstart
        for m in _compiled(self.context).finditer(window):
            pos = window.find(self.abbr, m.start(), m.end())
            while pos != -1 and pos == own:
                pos = window.find(self.abbr, pos + 1, m.end())
            if pos == -1:
                return True
        return False


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _read_tsv(filename: str, header: list[str]) -> list[dict[str, str]]:
    """Read a UTF-8 TSV from the data directory; rows are NFC and match the header."""
    text = resources.files("audio.text").joinpath("data", filename).read_text("utf-8")
    if not unicodedata.is_normalized("NFC", text):
        raise TableError(f"{filename}: not NFC")
    reader = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    found = next(reader, None)
    if found != header:
        raise TableError(f"{filename}: header {found!r}, expected {header!r}")
    rows = []
    for lineno, fields in enumerate(reader, start=2):
        if not fields:
            continue
        if len(fields) != len(header):
            raise TableError(f"{filename}:{lineno}: {len(fields)} fields, expected {len(header)}")
        rows.append(dict(zip(header, fields, strict=True)))
    return rows


@cache
def domain_labels() -> dict[str, str]:
    """Document domain → its Vietnamese name, the one editors see ("health" → "y tế")."""
    return {row["domain"]: row["label"] for row in _read_tsv("domains.tsv", _DOMAIN_HEADER)}


def domain_names() -> frozenset[str]:
    """The fixed vocabulary of document domains (`data/domains.tsv`)."""
    return frozenset(domain_labels())


@cache
def abbreviations() -> list[Abbreviation]:
    """All abbreviation readings, in file order (the order decides ambiguous ones)."""
    out = []
    known = domain_names()
    for lineno, row in enumerate(_read_tsv("abbreviations.tsv", _ABBR_HEADER), start=2):
        context = row["context"] or None
        if context is not None:
            _compiled(context)  # fail at load time, not in the middle of a bulletin
        domain = row["domain"] or None
        if domain is not None and domain not in known:
            raise TableError(f"abbreviations.tsv:{lineno}: unknown domain {domain!r}")
        out.append(Abbreviation(row["abbr"], row["expansion"], context, row["source"], domain))
    return out


@cache
def abbreviation_index() -> dict[str, tuple[Abbreviation, ...]]:
    """Readings grouped by the exact (case-sensitive) written form, in file order.

    The press writes the "&" of a ministry's name as "-" just as often ("NN&PTNT",
    "NN-PTNT", "TT&TT", "TT-TT"): each "&" form also answers for its "-" form, unless
    the table has a row of its own for that."""
    index: dict[str, list[Abbreviation]] = {}
    for entry in abbreviations():
        index.setdefault(entry.abbr, []).append(entry)
    own = set(index)
    for entry in abbreviations():
        variant = entry.abbr.replace("&", "-")
        if variant != entry.abbr and variant not in own:
            index.setdefault(variant, []).append(replace(entry, abbr=variant))
    return {abbr: tuple(entries) for abbr, entries in index.items()}


def expand_abbreviation(
    text: str, start: int, end: int, domain: str | None = None
) -> str | None:
    """The spoken expansion of the token text[start:end], or None when undecided.

    Context first, then the document's `domain`, then the default (see the module
    docstring). None means: not in the table, or ambiguous and neither a context nor
    the domain decided; the caller then spells the token rather than guess a meaning.
    """
    entries = abbreviation_index().get(text[start:end], ())
    for entry in entries:
        if entry.context is not None and entry.applies(text, start, end):
            return entry.expansion
    if domain is not None:
        for entry in entries:
            if entry.domain == domain:
                return entry.expansion
    for entry in entries:
        if entry.context is None and entry.domain is None:
            return entry.expansion
    return None


#: A name's initial written with its two-letter consonant ("bệnh nhân Ph.", "Văn Th."):
#: spelled like any initial, and never a Vietnamese word on its own.
DIGRAPH_INITIALS = ("Ph", "Th", "Tr", "Ng", "Nh", "Kh", "Ch", "Gh", "Gi")


@cache
def dotted_abbreviations() -> frozenset[str]:
    """Written forms that contain a full stop ("TP.", "GS.TS", "v.v."): not sentence ends."""
    return frozenset(e.abbr for e in abbreviations() if "." in e.abbr)


@cache
def legacy_map(name: LegacyName) -> dict[str, str]:
    """Legacy sequence (as decoded from Latin-1/cp1252) → Unicode NFC letter.

    TCVN3 keys are single characters; VNI keys are a base letter plus a mark
    character, or a single character for the letters VNI stores in one byte.
    """
    if name not in ("tcvn3", "vni"):
        raise ValueError(f"unknown legacy encoding {name!r}")
    mapping: dict[str, str] = {}
    for row in _read_tsv(f"legacy_{name}.tsv", _LEGACY_HEADER):
        legacy, uni = row["legacy"], row["unicode"]
        if legacy in mapping:
            raise TableError(f"legacy_{name}.tsv: duplicate {legacy!r}")
        mapping[legacy] = uni
    return mapping
