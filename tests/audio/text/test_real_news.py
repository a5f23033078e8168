"""Real news sentences (tests/data/normalize/real_news.tsv), copied from public Vietnamese
news pages with their source URL and annotated with what a newsreader says.

Batches, told apart by the `annotation` column (tests/data/normalize/README.md): the
first 184 rows were annotated by correcting the normalizer's output, so they can only show
a regression; the `independent` rows were annotated from the reading conventions before
the normalizer's output was looked at, but their failures were handed over and fixed; the
`heldout-1.4` rows were written the same way and measured once, with no tuning on them
before the measurement. Each batch has its own ratchet.

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
MIN_ACCURACY = {
    # 178/184 (0.967) at NORMALIZER_VERSION 1.3 (0.810 at 1.2); 184/184 at 1.4
    "corrected-output": 1.0,
    # measured on each batch when it was written: ri000-ri270 235/271 (0.867) at 1.3,
    # ri271-ri321 44/51 (0.863) and ri322-ri352 30/31 at 1.4; all 353/353 at 1.4 once
    # the failures of each batch had been handed over and fixed
    "independent": 1.0,
    # rh000-rh123, written from the conventions and measured once at 1.4: 104/124 as first
    # annotated, 114/124 (0.919) after eleven annotations were brought to the corpus's own
    # "sáng/chiều/đêm + date -> ngày" choice (tests/data/normalize/README.md); the ten
    # failures were not handed over before this measurement. 121/124 (0.976) at 1.5, once
    # they had been handed over and their classes fixed (no longer held out since then)
    "heldout-1.4": 0.975,
    # rk000-rk175, written from the conventions by someone who never saw the normalizer's
    # output for them, measured once at 1.5: 152/176 (0.864); 157/176 (0.892) after five
    # letter names were brought to letters.tsv ("D" is "dê", "N" is "en nờ"); 175/176
    # (0.994) at 1.6 once the failures had been handed over and their classes fixed (no
    # longer held out since then; rk122's "từ ngày 2 đến 13/7" contradicts rn122's "đến ngày")
    "heldout-1.5": 0.99,
    # rq000-rq210, from 46 sites, annotated without the normalizer, measured once at 1.6:
    # 191/211 (0.905); its failures were not handed over before that measurement.
    # 206/211 (0.976) at 1.7 once they had been handed over and their classes fixed (no
    # longer held out since then). Left: rq172, rq177, rq178 differ only in syllable
    # splitting ("na sa", "na phốt tét" as the table writes ASEAN, NATO; annotated
    # "nasa", "nafosted"); rq094's silent "(GDP)" contradicts rn183; rq113 as rk122
    "heldout-1.6": 0.975,
    # rv000-rv166, from 57 sites (regional papers too), annotated without the normalizer,
    # measured once at 1.7: 159/167 (0.952); its failures were not handed over
    "heldout-1.7": 0.95,
    # rx000-rx180, from 91 pages on 62 sites, annotated without the normalizer, measured
    # once at 1.9: 164/181 (0.906); 180/181 at 1.10 once its failures had been handed over
    # and their classes fixed (no longer held out since then). Left: rx056's "hôm 26/8"
    # without "ngày" contradicts ri160, ri348 and rq177 ("hôm ngày")
    "heldout-1.9": 0.99,
    # ry000-ry172, from 91 pages on 69 sites, annotated without the normalizer, measured
    # once at 1.11: 154/173 (0.890); 168/173 at 1.12 once its failures had been handed over
    # and their classes fixed (no longer held out since then). Left: ry143's "từ 26/7"
    # without "ngày" contradicts rx's "từ ngày"; ry152's "a tê em mờ" for ATM (the table
    # has the broadcast "a tê em"); ry045's "9.58" with no unit; ry054's "Starlink 12-10"
    # as a designation; ry087's "R'lấp"
    "heldout-1.10": 0.97,
    # rz000-rz173, from 92 pages on 66 sites, annotated without the normalizer, measured
    # once at 1.12: 161/174 (0.925); 169/174 at 1.13 once its failures had been handed over
    # and their classes fixed (no longer held out since then). Left: rz103's typo "HDND"
    # (spelled, as written); rz121's "lỗ/giàn" (a rate word no table has); rz127's "dịp lễ
    # 30/4" without "ngày"; rz160's "ngày mai 29.6" without a second "ngày" (a bracketed
    # date after "ngày mai" takes one, a16, and the brackets are gone by the date stage)
    "heldout-1.12": 0.97,
}


def load() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = load()


def test_corpus_shape() -> None:
    assert len(ROWS) >= 420
    assert {r["annotation"] for r in ROWS} == set(MIN_ACCURACY)
    assert sum(r["annotation"] == "independent" for r in ROWS) >= 236
    assert sum(r["annotation"] == "heldout-1.4" for r in ROWS) >= 124
    assert sum(r["annotation"] == "heldout-1.5" for r in ROWS) >= 176
    assert sum(r["annotation"] == "heldout-1.6" for r in ROWS) >= 211
    assert sum(r["annotation"] == "heldout-1.7" for r in ROWS) >= 167
    assert sum(r["annotation"] == "heldout-1.9" for r in ROWS) >= 181
    assert sum(r["annotation"] == "heldout-1.10" for r in ROWS) >= 173
    assert sum(r["annotation"] == "heldout-1.12" for r in ROWS) >= 174
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    assert len({r["input"] for r in ROWS}) == len(ROWS)
    for r in ROWS:
        assert r["source"].startswith("http"), r["id"]
        assert r["expected"] and not re.search(r"\d", r["expected"]), r["id"]
    assert len({r["domain"] for r in ROWS}) >= 12


@pytest.mark.parametrize("batch", sorted(MIN_ACCURACY))
def test_accuracy_ratchet(batch: str) -> None:
    rows = [r for r in ROWS if r["annotation"] == batch]
    failures = []
    for r in rows:
        got = normalize(r["input"]).text
        if heard(got) != heard(r["expected"]):
            failures.append(f"{r['id']}: {r['input']}\n   want {r['expected']}\n   got  {got}")
    accuracy = 1 - len(failures) / len(rows)
    assert accuracy >= MIN_ACCURACY[batch], (
        f"{batch}: accuracy {accuracy:.3f} < {MIN_ACCURACY[batch]}:\n" + "\n".join(failures)
    )


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_no_digit_left_no_word_dropped(row: dict[str, str]) -> None:
    result = normalize(row["input"])
    assert not re.search(r"\d", result.text)
    assert not any(w.startswith("từ bị bỏ sót") for w in result.warnings), result.warnings
