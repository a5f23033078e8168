"""Normalizer throughput and correctness against the open Vietnamese front ends.

    .venv/bin/python bench/normalize.py [--mb 1.0] [--repeat 3] [--quick]

Workload: the sample bulletin repeated to ~1 MB, split into sentences once (the worker
normalizes sentence by sentence), timed for every contender in the same run. Baselines,
same run: a floor that only touches each character (NFC, lower-case, re-spaced: what any
normalizer pays at least) and the comparison packages, dev-only (`pip install
vietnormalizer sea-g2p g2p-hamster`; a missing one is reported, not fatal). Correctness:
the case table tests/audio/text/cases.tsv (data, Northern style), word for word after
lower-casing and dropping punctuation; the real-news sentences
tests/data/normalize/real_news.tsv (per annotation batch: the independent one is the
measure); and whole real articles tests/data/normalize/articles/articles.tsv, scored as
wrongly read tokens per 1,000 written words (`audio.text.audit.misread_tokens`, the count
tests/audio/text/test_real_articles.py ratchets). Writes bench/out/normalize.json and .png.
"""

from __future__ import annotations

import csv
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench._common as bc  # noqa: E402
from audio.text import NORMALIZER_VERSION, normalize, split_sentences  # noqa: E402
from audio.text.audit import heard, misread_tokens  # noqa: E402

CASES = ROOT / "tests" / "audio" / "text" / "cases.tsv"
# Real news sentences with sources and a newsreader's reading (issue 14).
REAL_NEWS = ROOT / "tests" / "data" / "normalize" / "real_news.tsv"
# Whole real articles, paragraph by paragraph, with a newsreader's reading (issue 14).
ARTICLES = ROOT / "tests" / "data" / "normalize" / "articles" / "articles.tsv"
FLOOR = "floor (NFC + lower + re-space)"
# g2p-hamster does full G2P in pure Python (~3 k chars/s): time it on a slice.
SLOW_SLICE_CHARS = 40_000

Fn = Callable[[str], str]


def floor(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).lower().split())


def contenders() -> tuple[dict[str, Fn], dict[str, str]]:
    """Name → sentence normalizer, and the packages that could not be loaded."""
    found: dict[str, Fn] = {f"bantin {NORMALIZER_VERSION}": lambda s: normalize(s).text,
                            FLOOR: floor}
    missing: dict[str, str] = {}
    try:
        from vietnormalizer import VietnameseNormalizer

        found["vietnormalizer"] = VietnameseNormalizer().normalize
    except Exception as exc:  # dev-only comparison: report, keep going
        missing["vietnormalizer"] = repr(exc)
    try:
        from sea_g2p import Normalizer

        sea = Normalizer("vi")
        found["sea-g2p"] = lambda s: str(sea.normalize(s))
    except Exception as exc:
        missing["sea-g2p"] = repr(exc)
    try:
        from g2p_hamster import text_to_profile_v2_full

        found["g2p-hamster"] = lambda s: " ".join(
            u["word"] for u in text_to_profile_v2_full(s)["units"])
    except Exception as exc:
        missing["g2p-hamster"] = repr(exc)
    return found, missing


def workload(megabytes: float) -> list[str]:
    text = bc.SAMPLE.read_text(encoding="utf-8")
    sentences = [s.text for line in text.splitlines() for s in split_sentences(line)]
    return sentences * (int(megabytes * 1_000_000 // len(text)) + 1)


def safe(fn: Fn, s: str) -> str | None:
    try:
        return fn(s)
    except BaseException as exc:  # sea-g2p's Rust core panics (PanicException)
        if isinstance(exc, KeyboardInterrupt):
            raise
        return None


def throughput(fn: Fn, sentences: list[str], repeat: int) -> dict[str, Any]:
    chars = sum(len(s) for s in sentences)
    runs = [bc.timed(lambda: [safe(fn, s) for s in sentences]) for _ in range(max(1, repeat))]
    wall = bc.Stats.of([t.wall for t in runs])
    return {"chars": chars, "seconds": wall.as_dict(), "chars_per_s": chars / wall.median,
            "errors": sum(out is None for out in runs[-1].result)}


def correctness(fn: Fn) -> dict[str, Any]:
    with CASES.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                if not r["style"] and "\\u" not in r["input"]]
    per_cat: dict[str, list[int]] = {}
    failures: list[dict[str, Any]] = []
    for r in rows:
        got = safe(fn, r["input"])
        ok = got is not None and heard(got) == heard(r["expected"])
        per_cat.setdefault(r["category"], [0, 0])[0] += ok
        per_cat[r["category"]][1] += 1
        if not ok and len(failures) < 12:
            failures.append({"input": r["input"], "expected": r["expected"], "got": got})
    passed = sum(p for p, _ in per_cat.values())
    return {"cases": len(rows), "passed": passed, "pass_rate": passed / len(rows),
            "by_category": {k: f"{p}/{n}" for k, (p, n) in sorted(per_cat.items())},
            "sample_failures": failures}


def real_news(fn: Fn) -> dict[str, Any]:
    """The real-news corpus: sentences read right (overall and per annotation batch), and
    digits left in the output."""
    with REAL_NEWS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    passed = digits_left = 0
    batches: dict[str, list[int]] = {}
    for r in rows:
        got = safe(fn, r["input"])
        ok = got is not None and heard(got) == heard(r["expected"])
        passed += ok
        digits_left += got is None or bool(re.search(r"\d", got))
        batch = batches.setdefault(r["annotation"], [0, 0])
        batch[0] += ok
        batch[1] += 1
    return {"sentences": len(rows), "passed": passed, "pass_rate": passed / len(rows),
            "digits_left": digits_left,
            "by_batch": {b: {"passed": p, "sentences": n, "pass_rate": p / n}
                         for b, (p, n) in sorted(batches.items())}}


def articles(fn: Fn) -> dict[str, Any]:
    """Whole real articles: wrongly read tokens per 1,000 written words, and paragraphs with
    a digit left (a contender that fails on a paragraph has every word of it misread)."""
    with ARTICLES.open(encoding="utf-8", newline="") as f:
        paragraphs = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    words = misread = digits_left = 0
    sample: list[dict[str, str]] = []
    for p in paragraphs:
        got = safe(fn, p["written"])
        n, wrong = misread_tokens(p["written"], p["read"], got or "")
        words += n
        misread += n if got is None else len(wrong)
        digits_left += got is None or bool(re.search(r"\d", got))
        sample += [{"article": p["article"], "want": w, "got": g} for w, g in wrong][
            : max(0, 12 - len(sample))]
    return {"articles": len({p["article"] for p in paragraphs}), "paragraphs": len(paragraphs),
            "words": words, "misread": misread, "misread_per_1000_words": 1000 * misread / words,
            "paragraphs_with_digits_left": digits_left, "sample_misread": sample}


def extras(sentences: list[str], mb: float) -> dict[str, float | None]:
    """Beside the per-sentence numbers: bantin on the whole text in one call, and
    sea-g2p's batch API (Rayon, all cores: not comparable with one core)."""
    text = bc.SAMPLE.read_text(encoding="utf-8") * max(1, int(mb * 1_000_000 // 5000))
    whole = bc.timed(lambda: normalize(text))
    out: dict[str, float | None] = {"bantin whole text, one call": len(text) / whole.wall,
                                    "sea-g2p batch, all cores": None}
    try:
        from sea_g2p import Normalizer

        sea = Normalizer("vi")
        batch = bc.timed(lambda: sea.normalize_batch(sentences))
        out["sea-g2p batch, all cores"] = sum(map(len, sentences)) / batch.wall
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
    return out


def measure(sentences: list[str], repeat: int) -> tuple[dict[str, dict[str, Any]], dict]:
    found, missing = contenders()
    results: dict[str, dict[str, Any]] = {}
    for name, fn in found.items():
        safe(fn, "Ngày 1/1/2020 có 5 người.")  # warm caches and lazy loading outside the clock
        slow = name == "g2p-hamster"
        subset = _slice(sentences, SLOW_SLICE_CHARS) if slow else sentences
        results[name] = {"throughput": throughput(fn, subset, 1 if slow else repeat),
                         "correctness": correctness(fn), "real_news": real_news(fn),
                         "articles": articles(fn), "timed_on": "slice" if slow else "all"}
        tp, cr = results[name]["throughput"], results[name]["correctness"]
        rn, ar = results[name]["real_news"], results[name]["articles"]
        ind = _independent(rn)
        print(f"{name:32} {tp['chars_per_s']:>12,.0f} chars/s  correct {cr['passed']}/"
              f"{cr['cases']} ({100 * cr['pass_rate']:.1f}%)  real news {rn['passed']}/"
              f"{rn['sentences']} (independent {ind['passed']}/{ind['sentences']})  "
              f"articles {ar['misread_per_1000_words']:.1f} misread/1000 words  "
              f"errors {tp['errors']}")
    return results, missing


def main() -> None:
    ap = bc.arg_parser(__doc__)
    ap.add_argument("--mb", type=float, default=1.0, help="megabytes of text to normalize")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    mb, repeat = (0.05, 1) if args.quick else (args.mb, args.repeat)
    started = time.perf_counter()
    sentences = workload(mb)
    results, missing = measure(sentences, repeat)
    ours = next(iter(results))
    speed = {n: r["throughput"]["chars_per_s"] for n, r in results.items()}
    accuracy = {n: r["correctness"]["pass_rate"] for n, r in results.items()}
    independent = {n: _independent(r["real_news"])["pass_rate"] for n, r in results.items()}
    misread = {n: r["articles"]["misread_per_1000_words"] for n, r in results.items()}
    ratios = {f"{ours} / {n}": speed[n] / speed[ours] for n in speed if n != ours}
    side = extras(sentences, mb)
    for name, rate in side.items():
        print(f"{name:32} {rate:>12,.0f} chars/s" if rate else f"{name:32} not available")
    print("\ntime ratios, same run and sentences (below 1: bantin is faster): " + ", ".join(
        f"{k} = {v:.2f}x" for k, v in ratios.items()))
    for name, why in missing.items():
        print(f"{name}: not installed ({why})")
    report = {"quick": args.quick, "workload_chars": sum(map(len, sentences)),
              "sentences": len(sentences), "results": results, "time_ratios": ratios,
              "side_numbers_chars_per_s": side, "missing": missing}
    bc.finish("normalize", report, [
        {"title": "Throughput (one sentence per call, one core)", "labels": list(speed),
         "values": [v / 1000 for v in speed.values()], "xlabel": "thousand characters / s",
         "fmt": "{:,.0f}"},
        {"title": "Correctness on the case table", "labels": list(accuracy),
         "values": [100 * v for v in accuracy.values()], "xlabel": "% read acceptably",
         "colors": "#2f855a", "fmt": "{:.1f}%"},
        {"title": "Real news sentences annotated independently (incl. held-out)",
         "labels": list(independent),
         "values": [100 * v for v in independent.values()], "xlabel": "% read right",
         "colors": "#2b6cb0", "fmt": "{:.1f}%"},
        {"title": "Whole real articles (lower is better)", "labels": list(misread),
         "values": list(misread.values()), "xlabel": "wrongly read tokens per 1,000 words",
         "colors": "#c05621", "fmt": "{:.1f}"}], "bantin normalizer", started)


def _independent(real: dict[str, Any]) -> dict[str, Any]:
    """Every batch annotated without the normalizer's output (the independent one and the
    held-out ones), pooled: the corrected-output batch alone is not evidence."""
    batches = [b for name, b in real["by_batch"].items() if name != "corrected-output"]
    passed, total = sum(b["passed"] for b in batches), sum(b["sentences"] for b in batches)
    return {"passed": passed, "sentences": total, "pass_rate": passed / total if total else 0.0}


def _slice(sentences: list[str], chars: int) -> list[str]:
    out, total = [], 0
    for s in sentences:
        if total >= chars:
            break
        out.append(s)
        total += len(s)
    return out


if __name__ == "__main__":
    main()
