"""One page of every benchmark's figures: bench/report.md from bench/out/*.json.

    .venv/bin/python bench/report.py [--out bench/out] [--md bench/report.md]

Reads the JSON each bench writes (`bench/_common.finish`): pipeline.py, first_audio.py,
burst.py, encode.py, normalize.py, memory.py, scaling.py, load.py, and any other
bench/out/*.json with a `goal` or `goals` entry. Writes one table with a row per measured
figure: name, value, baseline (measured in the same run), ratio (value / baseline), goal,
met?, the bench it comes from, and whether that run was `--quick` (an end-to-end check,
not numbers to quote); a figure whose JSON is missing says "not run". Below it, when and
on what each JSON was measured and the PNG charts (relative links to out/*.png). Nothing
is measured here: no number is made up, a figure a JSON does not hold is left out.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import OUT, arg_parser  # noqa: E402

NOT_RUN = "not run"


@dataclass(frozen=True)
class Row:
    name: str
    value: float | None = None
    baseline: float | None = None
    unit: str = ""  # of value and baseline: "s", "ms", "MB", "/min", "/s", "chars/s", "%"
    baseline_name: str = ""
    ratio: float | None = None  # value / baseline unless the bench gives its own
    ratio_unit: str = "x"  # "x" or "%"
    limit: float | None = None
    limit_unit: str = ""  # the unit the goal is stated in ("x", "%", "s", "MB")
    op: str = "<="
    met: bool | None = None
    bench: str = ""
    quick: bool | None = None
    missing: bool = False
    note: str = ""

    @property
    def the_ratio(self) -> float | None:
        if self.ratio is not None:
            return self.ratio
        if self.value is not None and self.baseline:
            return self.value / self.baseline
        return None


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "—"
    if unit == "x":
        return f"{v:.2f}x"
    if unit == "%":
        return f"{100 * v:.1f}%"
    if unit == "s":
        return f"{v:.3f} s" if v < 10 else f"{v:.1f} s"
    if unit == "ms":
        return f"{v:.1f} ms"
    if unit == "MB":
        return f"{v:.0f} MB"
    if unit == "chars/s":
        return f"{v:,.0f} chars/s"
    return f"{v:.2f} {unit}".rstrip()


def goal_text(r: Row) -> str:
    if r.limit is None:
        return "—"
    return f"{'≥' if r.op == '>=' else '≤'} {fmt(r.limit, r.limit_unit or 'x')}"


def met_text(r: Row) -> str:
    if r.missing:
        return NOT_RUN
    if r.met is None:
        return "—"
    return "met" if r.met else "**not met**"


def goal_row(g: dict[str, Any], **kw: Any) -> Row:
    """A row from a bench's goal dict (`Goal.as_dict()`, or scaling's with "op")."""
    fields: dict[str, Any] = {"name": str(g["name"]), "limit": float(g["limit"]),
                              "limit_unit": str(g.get("unit", "x")),
                              "op": str(g.get("op", "<=")), "met": bool(g.get("met"))}
    return Row(**(fields | kw))


def median(d: dict[str, Any] | None) -> float | None:
    """`Stats.as_dict()`'s median, when there is one."""
    return float(d["median_s"]) if d and d.get("median_s") is not None else None


# ---- one reader per bench: its JSON -> rows; `None` -> the rows' names, "not run" -----

Reader = Callable[[dict[str, Any] | None], list[Row]]


def pipeline(js: dict[str, Any] | None) -> list[Row]:
    if js is None:
        return [Row("pipeline cost: espeak-ng web render / (raw espeak-ng + MP3 encode)"),
                Row("one-sentence edit / full web render (espeak-ng)")]
    rows = []
    for name, e in js.get("engines", {}).items():
        t, goals = e.get("timings", {}), e.get("goals", [])
        label = e.get("label", name)
        if goals:
            rows.append(goal_row(goals[0], name=f"pipeline cost: {label} web render / (raw "
                                 f"{label} + MP3 encode)", value=median(t.get("full")),
                                 baseline=median(t.get("baseline")), unit="s",
                                 ratio=float(goals[0]["value"]), baseline_name="raw + lameenc"))
        if len(goals) > 1:
            rows.append(goal_row(goals[1], name=f"one-sentence edit / full web render "
                                 f"({label})", value=median(t.get("edit")),
                                 baseline=median(t.get("full")), unit="s",
                                 ratio=float(goals[1]["value"]), ratio_unit="%",
                                 baseline_name="full render"))
    return rows


def first_audio(js: dict[str, Any] | None) -> list[Row]:
    if js is None:
        return [Row("first audio after submit, sample"), Row("first audio after submit, long"),
                Row("first audio long / sample"), Row("full web audio after submit, sample")]
    rows = []
    timings = js.get("timings", {})
    goals = {g["name"]: g for g in js.get("goals", [])}
    for lab, t in timings.items():
        g = goals.get(f"first audio {lab}")
        first, full = median(t.get("first_s")), median(t.get("full_s"))
        what = "sample" if lab == "1x" else f"sample × {lab[:-1]}"
        if g is not None:
            rows.append(goal_row(g, name=f"first audio after submit, {what}", value=first,
                                 baseline=full, unit="s", baseline_name="whole web audio"))
    for name, g in goals.items():
        if name.startswith("first(") and "/" in name:
            rows.append(goal_row(g, name=f"first audio {name}", value=None,
                                 ratio=float(g["value"])))
    for lab, t in timings.items():
        full = median(t.get("full_s"))
        if full is not None:
            what = "sample" if lab == "1x" else f"sample × {lab[:-1]}"
            rows.append(Row(f"full web audio after submit, {what}", full, unit="s"))
    return rows


def burst(js: dict[str, Any] | None) -> list[Row]:
    if js is None:
        return [Row("burst: last bulletin's web audio after submit"),
                Row("all profiles after submit, one bulletin alone"),
                Row("burst: last bulletin's every profile after submit")]
    rows = []
    n, last = js.get("count"), (js.get("rows") or [{}])[-1]
    if "goal" in js:
        rows.append(goal_row(js["goal"], name=f"burst of {n}: last bulletin's web audio after "
                             "submit", value=float(js["goal"]["value"]),
                             baseline=js.get("alone_web_s"), unit="s",
                             baseline_name="one alone"))
    if js.get("alone_all_s") is not None:
        rows.append(Row("all profiles after submit, one bulletin alone "
                        f"({js.get('profiles', '')})", float(js["alone_all_s"]),
                        js.get("alone_web_s"), "s", "its web audio"))
    if last.get("all_s") is not None:
        rows.append(Row(f"burst of {n}: last bulletin's every profile after submit",
                        float(last["all_s"]), js.get("alone_all_s"), "s", "one alone"))
    return rows


def encode(js: dict[str, Any] | None) -> list[Row]:
    if js is None:
        return [Row("encode: master+encode per audio minute / raw encoders")]
    return [Row(f"encode {name}: master+encode s per audio minute",
                float(r["product_s_per_min"]["master"] + r["product_s_per_min"]["encode"]),
                float(r["baseline_s_per_min"]), "s", "raw encoders",
                ratio=float(r["ratio"]))
            for name, r in js.get("results", {}).items()]


def _independent_rate(result: dict[str, Any]) -> float:
    """Sentences read right in every batch not annotated from the normalizer's output."""
    batches = [b for name, b in result["real_news"]["by_batch"].items()
               if name != "corrected-output"]
    total = sum(int(b["sentences"]) for b in batches)
    return sum(int(b["passed"]) for b in batches) / total if total else 0.0


def normalize(js: dict[str, Any] | None) -> list[Row]:
    if js is None:
        return [Row("normalizer throughput vs open packages"),
                Row("normalizer correctness vs open packages")]
    results = js.get("results", {})
    if not results:
        return []
    ours = next(iter(results))
    mine = results[ours]
    speed = float(mine["throughput"]["chars_per_s"])
    right = float(mine["correctness"]["pass_rate"])
    others = [n for n in results if n != ours]
    rivals = [n for n in others if not n.startswith("floor")]
    # issue 14: at least as fast as the fastest open package, measured in the same run
    rows = []
    for n in others:
        theirs = float(results[n]["throughput"]["chars_per_s"])
        name = f"normalizer throughput: {ours} vs {n}"
        rows.append(Row(name, speed, theirs, "chars/s", limit=1.0, op=">=",
                        met=speed >= theirs) if n in rivals
                    else Row(name, speed, theirs, "chars/s"))
    rows += [Row(f"normalizer correctness (case table): {ours} vs {n}", right,
                 float(results[n]["correctness"]["pass_rate"]), "%") for n in rivals]
    if "real_news" in mine:
        rows += [Row(f"real news, independently annotated: {ours} vs {n}",
                     _independent_rate(mine), _independent_rate(results[n]), "%")
                 for n in rivals]
    if "articles" in mine:
        rows += [Row(f"whole articles, misread per 1,000 words: {ours} vs {n}",
                     float(mine["articles"]["misread_per_1000_words"]),
                     float(results[n]["articles"]["misread_per_1000_words"]), "/1000 words")
                 for n in rivals]
    rows += [Row(f"normalizer vs {n}", missing=True, note="not installed")
             for n in js.get("missing", {})]
    return rows


def memory(js: dict[str, Any] | None) -> list[Row]:
    if js is None:
        return [Row("worker peak memory, worst task")]
    cases = js.get("cases", {})
    worst = max(cases, key=lambda k: cases[k]["peak_mb"], default=None)
    if worst is None or "goal" not in js:
        return []
    return [goal_row(js["goal"], name=f"worker peak memory, worst task ({worst})",
                     value=float(cases[worst]["peak_mb"]), baseline=js.get("baseline_mb"),
                     unit="MB", baseline_name="imports + one sentence")]


def scaling(js: dict[str, Any] | None) -> list[Row]:
    if js is None:
        return [Row("bulletins fully done per minute, 2 worker processes vs 1"),
                Row("bulletins with web audio per minute, 2 worker processes vs 1")]
    pm = js.get("per_min", {})
    one, two = pm.get("1", {}), pm.get("2", {})
    wl = js.get("workload", {})
    what = f"{wl.get('count')} bulletins × {wl.get('paragraphs')} paragraphs"
    lost = sorted({p for r in js.get("runs", []) for ps in (r.get("lost_updates") or {}).values()
                   for p in ps})
    notes = [f"noisy: other processes kept {js['other_cores_busy_max']:.2f} cores busy"
             if js.get("noisy") else "",
             f"lost profile updates: {', '.join(lost)}" if lost else ""]
    note = "; ".join(n for n in notes if n)
    rows = [goal_row(js["goal"], name=f"bulletins fully done per minute, 2 worker processes "
                     f"vs 1 ({what})", value=two.get("all_per_min"),
                     baseline=one.get("all_per_min"), unit="/min", ratio=js.get("ratio_all"),
                     baseline_name="1 process", note=note)] if "goal" in js else []
    rows.append(Row(f"bulletins with web audio per minute, 2 worker processes vs 1 ({what})",
                    two.get("web_per_min"), one.get("web_per_min"), "/min", "1 process",
                    ratio=js.get("ratio_web"), note=note))
    return rows


def load(js: dict[str, Any] | None) -> list[Row]:
    if js is None:
        return [Row("submit latency p50, 50 clients"), Row("submit latency p99, 50 clients"),
                Row("audio Range GETs per second, 50 clients")]
    ph, c = js.get("phases", {}), js.get("clients")
    sub, hz, rg = ph.get("submit", {}), ph.get("healthz", {}), ph.get("range", {})
    rows = [Row(f"submit latency {q}, {c} clients (POST /api/v1/bulletins)",
                1000 * float(sub[f"{q}_s"]), 1000 * float(hz[f"{q}_s"]), "ms",
                f"GET /healthz {q}") for q in ("p50", "p99") if sub and hz]
    if rg and hz:
        rows.append(Row(f"audio Range GETs per second, {c} clients ({js.get('range_bytes')} "
                        "bytes each)", float(rg["per_s"]), float(hz["per_s"]), "/s",
                        "GET /healthz per s"))
    return rows


def generic(js: dict[str, Any] | None) -> list[Row]:
    """Any other bench: its goals, as written."""
    if js is None:
        return []
    goals = js.get("goals") or ([js["goal"]] if isinstance(js.get("goal"), dict) else [])
    return [goal_row(g, name=str(g.get("name")), ratio=float(g["value"])
                     if g.get("unit", "x") in ("x", "%") else None,
                     value=None if g.get("unit", "x") in ("x", "%") else float(g["value"]),
                     unit=str(g.get("unit", ""))) for g in goals if isinstance(g, dict)]


#: in the report's order
READERS: dict[str, Reader] = {"pipeline": pipeline, "first_audio": first_audio,
                              "burst": burst, "encode": encode, "normalize": normalize,
                              "scaling": scaling, "memory": memory, "load": load}


def load_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def collect(out: Path) -> tuple[list[Row], dict[str, dict[str, Any]]]:
    found = {p.stem: js for p in sorted(out.glob("*.json")) if (js := load_json(p)) is not None}
    names = [*READERS, *(n for n in found if n not in READERS)]
    rows: list[Row] = []
    for name in names:
        js = found.get(name)
        reader = READERS.get(name, generic)
        try:
            made = reader(js)
        except (KeyError, TypeError, ValueError, IndexError) as exc:  # an older layout
            made = [Row(f"{name}: unreadable JSON ({type(exc).__name__}: {exc})", missing=True)]
        quick = js.get("quick") if js is not None else None  # None: not recorded
        for r in made:
            rows.append(replace(r, bench=name, quick=quick, missing=r.missing or js is None))
    return rows, found


def markdown(rows: list[Row], found: dict[str, dict[str, Any]], out: Path, md: Path) -> str:
    lines = ["# bantin benchmarks", "",
             f"Generated by `bench/report.py` on {time.strftime('%Y-%m-%d %H:%M:%S %z')} "
             f"from `{_relative(out, ROOT)}/*.json`. Each baseline is measured in the same "
             "run as its value; ratio = value / baseline unless the bench defines it. "
             "Rows from a `--quick` run are an end-to-end check, not numbers to quote.", "",
             "| figure | value | baseline | ratio | goal | met? | bench |",
             "|---|---:|---:|---:|---|---|---|"]
    for r in rows:
        r = replace(r, name=r.name.replace("|", "\\|"))
        if r.missing:
            lines.append(f"| {r.name} | {NOT_RUN} | | | {goal_text(r)} | {NOT_RUN} | "
                         f"{r.bench}.py{f' ({r.note})' if r.note else ''} |")
            continue
        base = fmt(r.baseline, r.unit) + (f" ({r.baseline_name})" if r.baseline is not None
                                          and r.baseline_name else "")
        bench = f"{r.bench}.py" + (" (quick)" if r.quick else "") \
            + (f" ({r.note})" if r.note else "")
        lines.append(f"| {r.name} | {fmt(r.value, r.unit)} | {base} | "
                     f"{fmt(r.the_ratio, r.ratio_unit)} | {goal_text(r)} | {met_text(r)} | "
                     f"{bench} |")
    lines += ["", "## Runs", "", "| bench | measured | quick | elapsed | CPUs | load (1 min) |",
              "|---|---|---|---:|---:|---:|"]
    for name, js in found.items():
        m = js.get("machine", {})
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime((out / f"{name}.json")
                                                              .stat().st_mtime))
        elapsed, load1 = js.get("elapsed_s"), m.get("loadavg_1m")
        q = js.get("quick")
        quick = "not recorded" if q is None else "yes" if q else "no"
        lines.append(f"| {name}.py | {when} | {quick} | "
                     f"{'' if elapsed is None else f'{elapsed:.0f} s'} | "
                     f"{m.get('cpus_usable', m.get('cpu_count', ''))} | "
                     f"{'' if load1 is None else f'{load1:.2f}'} |")
    charts = sorted(out.glob("*.png"))
    if charts:
        lines += ["", "## Charts", ""]
        order = list(READERS)
        for png in sorted(charts, key=lambda p: (order.index(p.stem) if p.stem in order
                                                 else len(order), p.stem)):
            link = _relative(png, md.parent)
            lines += [f"### {png.stem}", "", f"![{png.stem}]({link})", ""]
    return "\n".join(lines).rstrip() + "\n"


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()


def main() -> None:
    ap = arg_parser(__doc__)
    ap.add_argument("--out", type=Path, default=OUT, help="where the benches wrote JSON")
    ap.add_argument("--md", type=Path, default=ROOT / "bench" / "report.md")
    args = ap.parse_args()  # --quick is accepted and changes nothing: nothing is measured
    rows, found = collect(args.out)
    text = markdown(rows, found, args.out, args.md)
    args.md.write_text(text, encoding="utf-8")
    width = max((len(r.name) for r in rows), default=10)
    for r in rows:
        value = NOT_RUN if r.missing else fmt(r.value, r.unit)
        ratio = "" if r.missing else fmt(r.the_ratio, r.ratio_unit)
        print(f"{r.name:{width}}  {value:>18}  {ratio:>8}  {goal_text(r):>10}  {met_text(r)}"
              + (" (quick)" if r.quick else "") + (f" ({r.note})" if r.note else ""))
    print(f"\nwrote {_relative(args.md, Path.cwd())} ({len(rows)} rows, {len(found)} JSON files)")


if __name__ == "__main__":
    main()
