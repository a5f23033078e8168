"""Normalizer throughput and correctness against the open Vietnamese front ends.

    .venv/bin/python bench/normalize.py [--mb 1.0] [--repeat 3]

Workload: the sample bulletin repeated to ~1 MB, split into sentences once (the worker
calls `normalize` per sentence), timed for every contender in the same run. The
comparison packages are dev-only (`pip install vietnormalizer sea-g2p g2p-hamster`);
one that is missing is reported, not fatal. Correctness: the case table of
tests/audio/text/cases.tsv (Northern style), compared word for word after lower-casing
and dropping punctuation. Writes bench/out/normalize.json and bench/out/normalize.png.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audio.text import NORMALIZER_VERSION, normalize, split_sentences  # noqa: E402

SAMPLE = ROOT / "service" / "demo" / "bac-kan-chi-thi-42.txt"
CASES = ROOT / "tests" / "audio" / "text" / "cases.tsv"
OUT = ROOT / "bench" / "out"
# g2p-hamster does full G2P in pure Python (~3 k chars/s): time it on a slice.
SLOW_SLICE_CHARS = 40_000

Fn = Callable[[str], str]


def contenders() -> tuple[dict[str, Fn], dict[str, str]]:
    """Name → sentence normalizer, and the packages that could not be loaded."""
    found: dict[str, Fn] = {f"bantin {NORMALIZER_VERSION}": lambda s: normalize(s).text}
    missing: dict[str, str] = {}
    try:
        from vietnormalizer import VietnameseNormalizer

        vn = VietnameseNormalizer()
        found["vietnormalizer"] = vn.normalize
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

        def hamster(s: str) -> str:
            return " ".join(u["word"] for u in text_to_profile_v2_full(s)["units"])

        found["g2p-hamster"] = hamster
    except Exception as exc:
        missing["g2p-hamster"] = repr(exc)
    return found, missing


def workload(megabytes: float) -> list[str]:
    text = SAMPLE.read_text(encoding="utf-8")
    reps = int(megabytes * 1_000_000 // len(text)) + 1
    sentences = [s.text for line in text.splitlines() for s in split_sentences(line)]
    return sentences * reps


def safe(fn: Fn, s: str) -> str | None:
    try:
        return fn(s)
    except BaseException as exc:  # sea-g2p's Rust core panics (PanicException)
        if isinstance(exc, KeyboardInterrupt):
            raise
        return None


def throughput(fn: Fn, sentences: list[str], repeat: int) -> dict[str, float]:
    chars = sum(len(s) for s in sentences)
    best = float("inf")
    errors = 0
    for _ in range(repeat):
        start = time.perf_counter()
        errors = sum(1 for s in sentences if safe(fn, s) is None)
        best = min(best, time.perf_counter() - start)
    return {"chars": chars, "seconds": best, "chars_per_s": chars / best, "errors": errors}


_PUNCT = re.compile(r"[^\w\s]|_")
# Variants the conventions call equally right: tư/bốn, linh/lẻ, nghìn/ngàn, tỷ/tỉ.
_EQUIVALENT = [
    (re.compile(r"\b(mươi|phần|thứ|tháng) tư\b"), r"\1 bốn"),
    (re.compile(r"\blẻ\b"), "linh"),
    (re.compile(r"\bngàn\b"), "nghìn"),
    (re.compile(r"\btỉ\b"), "tỷ"),
    (re.compile(r"\bhoà\b"), "hòa"),
]


def words(text: str) -> str:
    said = " ".join(_PUNCT.sub(" ", text.lower()).split())
    for pattern, repl in _EQUIVALENT:
        said = pattern.sub(repl, said)
    return said


def correctness(fn: Fn) -> dict[str, object]:
    with CASES.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                if not r["style"] and "\\u" not in r["input"]]
    per_cat: dict[str, list[int]] = {}
    failures = []
    for r in rows:
        got = safe(fn, r["input"])
        ok = got is not None and words(got) == words(r["expected"])
        per_cat.setdefault(r["category"], [0, 0])[0] += ok
        per_cat[r["category"]][1] += 1
        if not ok and len(failures) < 12:
            failures.append({"input": r["input"], "expected": r["expected"], "got": got})
    passed = sum(p for p, _ in per_cat.values())
    return {
        "cases": len(rows),
        "passed": passed,
        "pass_rate": passed / len(rows),
        "by_category": {k: f"{p}/{n}" for k, (p, n) in sorted(per_cat.items())},
        "sample_failures": failures,
    }


def chart(results: dict[str, dict[str, object]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(results)
    speed = [float(results[n]["throughput"]["chars_per_s"]) / 1000 for n in names]  # type: ignore[index]
    acc = [100 * float(results[n]["correctness"]["pass_rate"]) for n in names]  # type: ignore[index]
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    a.barh(names, speed, color="#2b6cb0")
    a.set_xlabel("thousand characters / second (per sentence, one core)")
    a.set_title("Throughput")
    b.barh(names, acc, color="#2f855a")
    b.set_xlim(0, 100)
    b.set_xlabel("% of the case table read acceptably")
    b.set_title("Correctness")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sentences = workload(args.mb)
    found, missing = contenders()
    results: dict[str, dict[str, object]] = {}
    for name, fn in found.items():
        safe(fn, "Ngày 1/1/2020 có 5 người.")  # warm caches and lazy loading outside the clock
        slow = name == "g2p-hamster"
        subset = sentences if not slow else _slice(sentences, SLOW_SLICE_CHARS)
        results[name] = {
            "throughput": throughput(fn, subset, 1 if slow else args.repeat),
            "correctness": correctness(fn),
            "timed_on": "slice" if slow else "full",
        }
        tp = results[name]["throughput"]
        cr = results[name]["correctness"]
        print(f"{name:18} {tp['chars_per_s']:>12,.0f} chars/s  "  # type: ignore[index]
              f"correct {cr['passed']}/{cr['cases']} ({100 * cr['pass_rate']:.1f}%)"  # type: ignore[index]
              f"  errors {tp['errors']}")  # type: ignore[index]
    batch = _sea_batch(sentences)
    if batch is not None:
        print(f"{'sea-g2p batch':18} {batch:>12,.0f} chars/s  (Rayon, all cores; not comparable)")
    ours = next(iter(results))
    whole_text = SAMPLE.read_text(encoding="utf-8") * max(1, int(args.mb * 1_000_000 // 5000))
    start = time.perf_counter()
    normalize(whole_text)
    whole_rate = len(whole_text) / (time.perf_counter() - start)
    print(f"{ours:18} {whole_rate:>12,.0f} chars/s  (whole text in one call)")
    others = {n: r for n, r in results.items() if n != ours}
    summary: dict[str, object] = {}
    if others:
        fastest = max(others, key=lambda n: others[n]["throughput"]["chars_per_s"])  # type: ignore[index]
        best = max(others, key=lambda n: others[n]["correctness"]["pass_rate"])  # type: ignore[index]
        ratio = (
            results[ours]["throughput"]["chars_per_s"]  # type: ignore[index]
            / others[fastest]["throughput"]["chars_per_s"]  # type: ignore[index]
        )
        summary = {"fastest_other": fastest, "speed_ratio_vs_fastest": ratio,
                   "most_correct_other": best}
        print(f"ratio {ours} / {fastest} (fastest other) = {ratio:.2f}x; "
              f"most correct other: {best}")
    for name, why in missing.items():
        print(f"{name}: not installed ({why})")
    OUT.mkdir(parents=True, exist_ok=True)
    report = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "workload_chars": sum(len(s) for s in sentences),
        "sentences": len(sentences),
        "whole_text_chars_per_s": whole_rate,
        "sea_g2p_batch_all_cores_chars_per_s": batch,
        "results": results,
        "summary": summary,
        "missing": missing,
    }
    (OUT / "normalize.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    chart(results, OUT / "normalize.png")
    print(f"wrote {OUT / 'normalize.json'} and {OUT / 'normalize.png'}")


def _sea_batch(sentences: list[str]) -> float | None:
    try:
        from sea_g2p import Normalizer

        sea = Normalizer("vi")
        start = time.perf_counter()
        sea.normalize_batch(sentences)
        return sum(len(s) for s in sentences) / (time.perf_counter() - start)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        return None


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
