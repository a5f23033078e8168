"""Real news sentences (tests/data/normalize/real_news.tsv), copied from public Vietnamese
news pages with their source URL and annotated with what a newsreader says.

Accuracy is a ratchet: it may only go up (raise `MIN_ACCURACY` when it does). Every
sentence, right or wrong, must keep the normalizer's promises: no digit left and no
ordinary word dropped. Comparison is word for word after lower-casing and dropping
punctuation, with the regional variants the conventions call equally right.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from audio.text import normalize
from audio.text.audit import heard

CORPUS = Path(__file__).resolve().parents[2] / "data" / "normalize" / "real_news.tsv"
MIN_ACCURACY = 0.96  # measured 178/184 (0.967) with NORMALIZER_VERSION 1.3; 0.810 at 1.2

def load() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = load()


def test_corpus_shape() -> None:
    assert len(ROWS) >= 180
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    assert len({r["input"] for r in ROWS}) == len(ROWS)
    for r in ROWS:
        assert r["source"].startswith("http"), r["id"]
        assert r["expected"] and not re.search(r"\d", r["expected"]), r["id"]
    assert len({r["domain"] for r in ROWS}) >= 8


def test_accuracy_ratchet() -> None:
    failures = []
    for r in ROWS:
        got = normalize(r["input"]).text
        if heard(got) != heard(r["expected"]):
            failures.append(f"{r['id']}: {r['input']}\n   want {r['expected']}\n   got  {got}")
    accuracy = 1 - len(failures) / len(ROWS)
    assert accuracy >= MIN_ACCURACY, (
        f"accuracy {accuracy:.3f} < {MIN_ACCURACY}:\n" + "\n".join(failures)
    )


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_no_digit_left_no_word_dropped(row: dict[str, str]) -> None:
    result = normalize(row["input"])
    assert not re.search(r"\d", result.text)
    assert not any(w.startswith("từ bị bỏ sót") for w in result.warnings), result.warnings
