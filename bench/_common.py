"""Shared helpers for the benchmarks in `bench/`: timing, goals, tables, JSON and charts.

Every benchmark measures its own baseline in the same run and reports ratios, because
absolute seconds on a shared 2-core machine mean little from one day to the next. Use:

    from bench._common import OUT, Goal, Stats, Timed, timed, repeat, write_json, bar_chart

(`bench/` is a namespace package; run scripts as `.venv/bin/python bench/<name>.py`
after putting the repository root on `sys.path`, as each script does.)
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import platform
import statistics
import sysconfig
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SAMPLE = ROOT / "service" / "demo" / "bac-kan-chi-thi-42.txt"

T = TypeVar("T")


@dataclass(frozen=True)
class Timed(Generic[T]):
    """One measured call: wall-clock seconds, this process's CPU seconds, the result.

    CPU time (this process and the children it waited for, e.g. ffmpeg) is the
    steadier number on a shared machine: other jobs steal wall time, not our CPU time.
    Wall time is what users wait for.
    """

    wall: float
    cpu: float
    result: T


def timed(fn: Callable[[], T]) -> Timed[T]:
    """Time one call of `fn` (garbage collected first, so earlier garbage is not billed)."""
    gc.collect()
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    result = fn()
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    return Timed(wall, cpu, result)


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and its waited-for children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@dataclass(frozen=True)
class Stats:
    """Repeated timings of one thing; the median is what ratios use."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)

    @property
    def spread(self) -> float:
        """(max - min) / median: how noisy the machine was for this measurement."""
        return (self.max - self.min) / self.median if self.median else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"median_s": self.median, "min_s": self.min, "max_s": self.max,
                "spread": self.spread, "samples_s": list(self.samples)}


def repeat(fn: Callable[[], object], times: int, warmup: int = 1,
           setup: Callable[[], object] | None = None) -> tuple[Stats, Stats]:
    """Wall and CPU `Stats` of `times` calls of `fn` after `warmup` untimed calls.

    `setup` runs before each call, outside the clock.
    """
    for _ in range(warmup):
        if setup is not None:
            setup()
        fn()
    wall, cpu = [], []
    for _ in range(times):
        if setup is not None:
            setup()
        t = timed(fn)
        wall.append(t.wall)
        cpu.append(t.cpu)
    return Stats(tuple(wall)), Stats(tuple(cpu))


@dataclass(frozen=True)
class Goal:
    """A ratio and the goal it is held to (`value <= limit`)."""

    name: str
    value: float
    limit: float
    unit: str = "x"  # "x" prints as 1.23x, "%" as 12.3%

    @property
    def met(self) -> bool:
        return self.value <= self.limit

    def fmt(self, v: float) -> str:
        return f"{100 * v:.1f}%" if self.unit == "%" else f"{v:.2f}x"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "met": self.met}


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on (ratios travel better than seconds, but still)."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count()
    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or _cpu_model(),
    }
    with contextlib.suppress(OSError):
        info["loadavg_1m"] = os.getloadavg()[0]
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    """A plain aligned text table (first column left-aligned, the rest right-aligned)."""
    cells = [[str(h) for h in headers], *[[str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(r, widths, strict=True)))

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])


def write_json(name: str, report: dict[str, Any]) -> Path:
    """`bench/out/<name>.json`, with `machine` info added unless the report has it."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    report = {"benchmark": name, "machine": machine_info(), **report}
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n",
                    encoding="utf-8")
    return path


def bar_chart(name: str, panels: Sequence[dict[str, Any]], title: str = "") -> Path:
    """`bench/out/<name>.png`: one horizontal bar panel per dict in `panels`.

    Each panel: `labels`, `values`, optional `xlabel`, `title`, `colors` (one per bar),
    `goal` (draws a dashed line there) and `fmt` (format string for bar labels).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    OUT.mkdir(parents=True, exist_ok=True)
    height = max(2.6, 0.5 * max(len(p["labels"]) for p in panels) + 1.4)
    fig, axes = plt.subplots(1, len(panels), figsize=(5.6 * len(panels), height),
                             squeeze=False)
    for ax, panel in zip(axes[0], panels, strict=True):
        labels, values = list(panel["labels"]), [float(v) for v in panel["values"]]
        bars = ax.barh(labels, values, color=panel.get("colors") or "#2b6cb0")
        ax.invert_yaxis()  # first label on top, as in the printed table
        fmt = panel.get("fmt", "{:.2f}")
        for bar, v in zip(bars, values, strict=True):
            ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + fmt.format(v),
                    va="center", fontsize=8)
        if panel.get("goal") is not None:
            ax.axvline(float(panel["goal"]), color="#c53030", linestyle="--", linewidth=1)
        ax.set_xlim(0, max([*values, float(panel.get("goal") or 0)]) * 1.25 or 1)
        ax.set_xlabel(panel.get("xlabel", ""))
        ax.set_title(panel.get("title", ""), fontsize=10)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    path = OUT / f"{name}.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def profile(fn: Callable[[], object], top: int = 15) -> list[dict[str, Any]]:
    """Where `fn`'s time goes: the `top` functions by own time, with cumulative time.

    Uses cProfile (stdlib); the numbers include profiler overhead, so read them as
    shares, not as seconds.
    """
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    st = pstats.Stats(prof)
    total = st.total_tt  # type: ignore[attr-defined]
    rows = []
    entries = st.stats.items()  # type: ignore[attr-defined]
    for (file, lineno, func), (_cc, ncalls, tottime, cumtime, _callers) in sorted(
            entries, key=lambda kv: kv[1][2], reverse=True)[:top]:
        where = f"{_short(file)}:{lineno}" if lineno else file
        rows.append({"function": f"{func} ({where})", "calls": ncalls, "own_s": tottime,
                     "cumulative_s": cumtime, "own_share": tottime / total if total else 0.0})
    return rows


def _short(file: str) -> str:
    for marker in ("site-packages/", str(ROOT) + "/", sysconfig.get_paths()["stdlib"] + "/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file

