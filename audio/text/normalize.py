"""Written Vietnamese → spoken Vietnamese (placeholder pass; the full normalizer replaces it)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

NORMALIZER_VERSION = "0.1"


@dataclass(frozen=True)
class LexiconEntry:
    """An editor's respelling: `written` is said as `spoken`."""

    written: str
    spoken: str


@dataclass
class Normalized:
    text: str
    warnings: list[str] = field(default_factory=list)


def normalize(
    text: str, style: str = "north", lexicon: Sequence[LexiconEntry] = ()
) -> Normalized:
    out = unicodedata.normalize("NFC", text).replace("./.", "")
    for entry in lexicon:
        out = out.replace(entry.written, entry.spoken)
    return Normalized(" ".join(out.split()))
