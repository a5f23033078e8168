"""The conventions as an input → expected table (`cases.tsv`), run through `normalize`.

Each row is one convention from docs/vietnamese-reading.md; `style` is empty for the
Northern default. `\\uXXXX` in a cell stands for that code point (NFD, NBSP, …).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from audio.text import normalize

CASES_FILE = Path(__file__).with_name("cases.tsv")
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def _unescape(cell: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), cell)


def load_cases() -> list[tuple[str, str, str, str]]:
    """(category, input, expected, style) rows of the case table."""
    with CASES_FILE.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            (r["category"], _unescape(r["input"]), r["expected"], r["style"] or "north")
            for r in rows
        ]


CASES = load_cases()


def test_table_is_large_and_covers_every_category() -> None:
    assert len(CASES) >= 250
    categories = {c for c, *_ in CASES}
    for needed in (
        "number", "decimal", "percent", "date", "time", "fraction", "range", "score",
        "money", "unit", "ordinal", "roman", "leading_zero", "phone", "document",
        "silent", "abbreviation", "code", "url", "email", "unicode", "legacy",
    ):
        assert needed in categories


@pytest.mark.parametrize(
    ("category", "written", "spoken", "style"),
    CASES,
    ids=[f"{c}:{w}:{s}" for c, w, _, s in CASES],
)
def test_case(category: str, written: str, spoken: str, style: str) -> None:
    result = normalize(written, style=style)
    assert result.text == spoken
    assert result.warnings == []
