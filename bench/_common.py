"""Shared helpers for the benchmarks in `bench/`: timing, goals, tables, JSON, charts, and
the sample bulletin as the product reads it.

Every benchmark measures its baseline in the same run and prints ratios (seconds on a
shared 2-core machine mean little from one day to the next), takes `--quick` (small
settings: an end-to-end check, not numbers to quote) and writes bench/out/<name>.json
and .png. Run them as `.venv/bin/python bench/<name>.py` (each puts the root on sys.path).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SAMPLE = ROOT / "service" / "demo" / "bac-kan-chi-thi-42.txt"
VOICE, RATE = "north", 1.0

T = TypeVar("T")


def arg_parser(doc: str | None) -> argparse.ArgumentParser:
    """The bench's parser, with the `--quick` flag every bench has (and stdout line
    buffered, so progress shows when it goes to a file)."""
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    ap = argparse.ArgumentParser(description=doc,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="small settings: checks the bench end to end in little time")
    return ap


def sample() -> Any:
    """The sample bulletin, parsed as an editor's paste is."""
    from service.paste import parse_paste

    parsed = parse_paste(SAMPLE.read_text(encoding="utf-8"))
    if not parsed.title:
        raise SystemExit(f"{SAMPLE}: no bulletin found")
    return parsed


def sample_job(engines: tuple[str, ...], paragraphs: Sequence[str] | None = None,
               title: str | None = None) -> Any:
    """The sample (or its `paragraphs` instead of the body) as a `workers.job.Job`, not
    yet normalized."""
    from workers.job import new_job

    p = sample()
    body = list(p.paragraphs if paragraphs is None else paragraphs)
    return new_job(0, title or p.title, p.lead, body, p.author, engines=engines, voice=VOICE,
                   rate=RATE, published_at=p.published_at)


@dataclass(frozen=True)
class Timed(Generic[T]):
    """One measured call: wall-clock seconds, CPU seconds (this process and the children
    it waited for: steadier on a shared machine), the result. Users wait for wall time."""

    wall: float
    cpu: float
    result: T


def timed(fn: Callable[[], T]) -> Timed[T]:
    """Time one call of `fn` (garbage collected first, so earlier garbage is not billed)."""
    def cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    gc.collect()
    cpu0, wall0 = cpu(), time.perf_counter()
    result = fn()
    return Timed(time.perf_counter() - wall0, cpu() - cpu0, result)


@dataclass(frozen=True)
class Stats:
    """Repeated timings of one thing; the median is what ratios use."""

    samples: tuple[float, ...]

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        return cls(tuple(values) or (0.0,))

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def spread(self) -> float:
        """(max - min) / median: how noisy the machine was for this measurement."""
        m = self.median
        return (max(self.samples) - min(self.samples)) / m if m else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"median_s": self.median, "min_s": min(self.samples),
                "max_s": max(self.samples), "spread": self.spread,
                "samples_s": list(self.samples)}


def repeat(fn: Callable[[], object], times: int, warmup: int = 1) -> tuple[Stats, Stats]:
    """Wall and CPU `Stats` of `times` calls of `fn` after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    runs = [timed(fn) for _ in range(max(1, times))]
    return Stats.of([t.wall for t in runs]), Stats.of([t.cpu for t in runs])


def med(values: Sequence[float | None]) -> float | None:
    """The median of the values there are (None when there are none)."""
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


@dataclass(frozen=True)
class Goal:
    """A measured value and the goal it is held to (`value <= limit`)."""

    name: str
    value: float
    limit: float
    unit: str = "x"  # "x" prints 1.23x, "%" 12.3%, "s" 0.123 s, "" 0.123 (a score)

    @property
    def met(self) -> bool:
        return self.value <= self.limit

    def fmt(self, v: float) -> str:
        return {"%": f"{100 * v:.1f}%", "s": f"{v:.3f} s", "": f"{v:.3f}"}.get(
            self.unit, f"{v:.2f}x")

    def line(self) -> str:
        return (f"goal {self.name}: {self.fmt(self.value)} (limit {self.fmt(self.limit)})"
                f" -> {'MET' if self.met else 'NOT MET'}")

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "met": self.met}


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on (ratios travel better than seconds, but still)."""
    info: dict[str, Any] = {"cpu_count": os.cpu_count(), "processor": _cpu_model(),
                            "cpus_usable": len(os.sched_getaffinity(0)),
                            "python": platform.python_version(), "platform": platform.platform()}
    with contextlib.suppress(OSError):
        info["loadavg_1m"] = os.getloadavg()[0]
    return info


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    return next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model n")), "")


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    """A plain aligned text table (first column left-aligned, the rest right-aligned)."""
    cells = [[str(h) for h in headers], *[[str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(r, widths, strict=True)))

    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths),
                      *(line(r) for r in cells[1:])])


def grid(values: dict[str, dict[str, float | None]], corner: str, fmt: str = "{:.3f}") -> str:
    """A table of `values[row][column]` (a missing or None value prints as "-")."""
    cols = list(dict.fromkeys(c for row in values.values() for c in row))
    return table([[r, *("-" if row.get(c) is None else fmt.format(row[c]) for c in cols)]
                  for r, row in values.items()], [corner, *cols])


def write_json(name: str, report: dict[str, Any]) -> Path:
    """`bench/out/<name>.json`, with the machine info added."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    report = {"benchmark": name, "machine": machine_info(), **report}
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n",
                    encoding="utf-8")
    return path


def bar_chart(name: str, panels: Sequence[dict[str, Any]], title: str = "") -> Path:
    """`bench/out/<name>.png`: a horizontal bar panel per dict: `labels`, `values`, and
    optional `xlabel`, `title`, `colors`, `goal` (a dashed line), `fmt` (bar labels)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    OUT.mkdir(parents=True, exist_ok=True)
    height = max(2.6, 0.45 * max(len(p["labels"]) for p in panels) + 1.4)
    fig, axes = plt.subplots(1, len(panels), figsize=(5.6 * len(panels), height),
                             squeeze=False)
    for ax, panel in zip(axes[0], panels, strict=True):
        values = [float(v) for v in panel["values"]]
        bars = ax.barh(list(panel["labels"]), values, color=panel.get("colors") or "#2b6cb0")
        ax.invert_yaxis()  # first label on top, as in the printed table
        for bar, v in zip(bars, values, strict=True):
            ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2,
                    " " + panel.get("fmt", "{:.2f}").format(v), va="center", fontsize=8)
        if panel.get("goal") is not None:
            ax.axvline(float(panel["goal"]), color="#c53030", linestyle="--", linewidth=1)
        ax.set_xlim(0, max([*values, float(panel.get("goal") or 0)]) * 1.25 or 1)
        ax.set_xlabel(panel.get("xlabel", ""))
        ax.set_title(panel.get("title", ""), fontsize=10)
        ax.tick_params(axis="y", labelsize=8)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    path = OUT / f"{name}.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def finish(name: str, report: dict[str, Any], panels: Sequence[dict[str, Any]],
           title: str, started: float) -> None:
    """Write `bench/out/<name>.json` and `.png` and say so."""
    report["elapsed_s"] = time.perf_counter() - started
    js, png = write_json(name, report), bar_chart(name, panels, title)
    print(f"\nwrote {js.relative_to(ROOT)} and {png.relative_to(ROOT)} "
          f"in {report['elapsed_s']:.0f} s")
