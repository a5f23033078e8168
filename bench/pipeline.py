"""What the render pipeline costs on top of the engine, and what an edit costs.

    .venv/bin/python bench/pipeline.py [--repeat 5] [--budget 150]

Workload: the sample bulletin (service/demo/bac-kan-chi-thi-42.txt) parsed as `bantin
speak` does, normalized once outside the clock, spoken by espeak-ng (North voice, rate
1.0). Each repeat measures, in alternating order so drift hits both sides alike:

- baseline: raw `EspeakEngine().synthesize(spoken)` for the same spoken sentences plus
  one lameenc MP3 encode of the concatenated clips at the pipeline's bitrate/quality;
- full render: `workers.render.produce` through `local_chain` with a cold sentence
  cache (a fresh temporary directory per repeat);
- warm re-render: the same bulletin again on that now warm cache (0 engine calls);
- incremental: one body sentence edited ("07 nhóm" → "<n> nhóm", a different n per
  repeat so it always misses), rendered on the warm cache (1 engine call).

Goals (issue 4): full render ≤ 1.25× the baseline; incremental ≤ 15% of the full
render. Ratios use wall-clock medians; CPU-time ratios (steadier on a shared machine)
are printed beside them. For each goal missed, one render of that kind is profiled
with cProfile and the top functions are printed and stored under "hotspots". Writes
bench/out/pipeline.json and bench/out/pipeline.png.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lameenc  # noqa: E402

from audio.engines.espeak import EspeakEngine  # noqa: E402
from bench._common import (  # noqa: E402
    SAMPLE,
    Goal,
    Stats,
    Timed,
    bar_chart,
    profile,
    table,
    timed,
    write_json,
)
from service.document import build_document  # noqa: E402
from service.paste import PasteResult, parse_paste  # noqa: E402
from service.settings import Settings  # noqa: E402
from workers import render  # noqa: E402
from workers.context import local_chain  # noqa: E402
from workers.pipeline import Job, spoken_forms  # noqa: E402

ENGINES = ("espeak",)
VOICE, RATE = "north", 1.0
EDIT_FROM = "07 nhóm"  # in the second body paragraph of the sample
OVERHEAD_GOAL, INCREMENTAL_GOAL = 1.25, 0.15
#: repeats always made, whatever the budget; profiling costs about this many renders
MIN_REPEATS, PROFILE_RESERVE = 3, 4.0


def sample() -> PasteResult:
    parsed = parse_paste(SAMPLE.read_text(encoding="utf-8"))
    if not parsed.title:
        raise SystemExit(f"{SAMPLE}: no bulletin found")
    return parsed


def make_job(parsed: PasteResult, paragraphs: list[str] | None = None) -> Job:
    """A Job as `bantin speak` builds it: no database, no rendition row."""
    doc = build_document(parsed.title, parsed.lead, paragraphs or parsed.paragraphs,
                         parsed.author)
    return Job(0, doc, doc.sentences(), ENGINES, VOICE, RATE, parsed.title, parsed.author,
               parsed.published_at, "")


@dataclass
class Variant:
    job: Job
    spoken: list[str]


def edited(parsed: PasteResult, base: Variant, n: int) -> tuple[Variant, int]:
    """The bulletin with one body sentence changed; returns it and the sentence index."""
    hits = [i for i, p in enumerate(parsed.paragraphs) if EDIT_FROM in p]
    if not hits:
        raise SystemExit(f"the sample no longer contains {EDIT_FROM!r}: update EDIT_FROM")
    paragraphs = list(parsed.paragraphs)
    paragraphs[hits[0]] = paragraphs[hits[0]].replace(EDIT_FROM, f"{n} nhóm", 1)
    job = make_job(parsed, paragraphs)
    spoken, _ = spoken_forms(job)
    changed = [i for i, (a, b) in enumerate(zip(base.spoken, spoken, strict=True)) if a != b]
    if len(job.sentences) != len(base.job.sentences) or len(changed) != 1:
        raise SystemExit(f"edit {n} changed sentences {changed}, expected exactly one")
    return Variant(job, spoken), changed[0]


def mp3_settings() -> tuple[int, int]:
    """(kbps, LAME quality) of the web MP3 the pipeline makes, so the baseline matches.

    Read from `audio.profiles` / `audio.encode` when they exist; the old single-file
    `workers/render.py` used 64 kb/s at quality 2. The measured bitrate of the produced
    file is checked against this after the run.
    """
    try:
        import inspect

        from audio.encode import encode_mp3 as pipeline_encode_mp3
        from audio.profiles import get_profile

        out = next(o for o in get_profile("web").outputs if o.format == "mp3")
        quality = inspect.signature(pipeline_encode_mp3).parameters["quality"].default
        return int(out.bitrate_kbps or 64), int(quality)
    except (ImportError, StopIteration, KeyError, AttributeError):
        return 64, 2


MP3_BITRATE_KBPS, LAME_QUALITY = mp3_settings()


def encode_mp3(pcm: bytes, rate: int) -> bytes:
    """One MP3 of the engine's own PCM: the encoding the pipeline cannot avoid."""
    enc = lameenc.Encoder()
    enc.set_bit_rate(MP3_BITRATE_KBPS)
    enc.set_in_sample_rate(rate)
    enc.set_channels(1)
    enc.set_quality(LAME_QUALITY)
    return bytes(enc.encode(pcm) + enc.flush())


def baseline(engine: EspeakEngine, spoken: list[str]) -> tuple[Timed[Any], Timed[Any]]:
    """Raw engine calls, then one encode of the concatenated clips; nothing else."""
    synth = timed(lambda: engine.synthesize(spoken, VOICE, RATE))
    clips = synth.result.clips
    pcm = b"".join(c.raw_data for c in clips)
    enc = timed(lambda: encode_mp3(pcm, clips[0].frame_rate))
    return synth, enc


def noop(done: int) -> None:
    pass


class Renderer:
    """`render.produce` on a sentence cache of its own (fresh temp dir = cold cache)."""

    def __init__(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="bantin-bench-")
        settings = Settings.from_env({"BANTIN_VAR_DIR": self.tmp.name,
                                      "TTS_ENGINES": ",".join(ENGINES)})
        self.chain = local_chain(settings, ENGINES)

    def __call__(self, v: Variant) -> render.Output:
        return render.produce(self.chain, v.job, v.spoken, noop)

    def close(self) -> None:
        self.tmp.cleanup()


def kbps(out: render.Output) -> float:
    mp3 = out.files.get("mp3")
    return len(mp3[1]) * 8 / out.duration_ms if mp3 and out.duration_ms else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="repeats per measurement (median)")
    ap.add_argument("--budget", type=float, default=150.0,
                    help="stop repeating (after 3) once this many seconds have passed")
    args = ap.parse_args()
    started = time.perf_counter()

    parsed = sample()
    base_job = make_job(parsed)
    norm = timed(lambda: spoken_forms(base_job))
    normalize_s, (spoken, _warnings) = norm.wall, norm.result
    base = Variant(base_job, spoken)
    engine = EspeakEngine()
    print(f"sample: {len(spoken)} sentences, {sum(map(len, spoken))} spoken characters "
          f"(normalized in {normalize_s:.2f} s, outside the clock)", flush=True)

    # Warm-up outside the clock (library init, lazy imports, filter design caches) on a
    # two-block bulletin, so it costs little; its MP3 tells the pipeline's bitrate.
    baseline(engine, spoken[:2])
    mini_job = make_job(PasteResult(title=parsed.title, lead=parsed.lead))
    warm = Renderer()
    first = warm(Variant(mini_job, spoken_forms(mini_job)[0]))
    warm.close()

    keys = ("baseline", "synth", "encode", "full", "warm", "edit")
    wall: dict[str, list[float]] = {k: [] for k in keys}
    cpu: dict[str, list[float]] = {k: [] for k in keys}
    calls: dict[str, list[int]] = {"full": [], "warm": [], "edit": []}

    def record(key: str, t: Timed[Any]) -> None:
        wall[key].append(t.wall)
        cpu[key].append(t.cpu)
        if key in calls:
            calls[key].append(t.result.engine_calls)

    edit_index = -1
    done = 0
    loop_started = time.perf_counter()
    for i in range(max(1, args.repeat)):
        if i >= MIN_REPEATS:
            per_repeat = (time.perf_counter() - loop_started) / i
            reserve = PROFILE_RESERVE * statistics.median(wall["full"])
            if time.perf_counter() - started + per_repeat + reserve > args.budget:
                print(f"time budget: stopping after {i} repeats", flush=True)
                break
        r = Renderer()
        try:
            for step in (["baseline", "full"] if i % 2 == 0 else ["full", "baseline"]):
                if step == "baseline":
                    synth, enc = baseline(engine, spoken)
                    record("synth", synth)
                    record("encode", enc)
                    record("baseline", Timed(synth.wall + enc.wall, synth.cpu + enc.cpu, None))
                else:
                    t = timed(lambda r=r: r(base))
                    record("full", t)
                    first = t.result
            record("warm", timed(lambda r=r: r(base)))
            variant, edit_index = edited(parsed, base, 8 + i)
            record("edit", timed(lambda r=r, v=variant: r(v)))
        finally:
            r.close()
        done += 1
        print(f"repeat {i + 1}: " + ", ".join(
            f"{k} {wall[k][-1]:.2f} s ({cpu[k][-1]:.2f} cpu)"
            for k in ("baseline", "full", "warm", "edit")), flush=True)

    stats = {k: Stats(tuple(v)) for k, v in wall.items()}
    cstats = {k: Stats(tuple(v)) for k, v in cpu.items()}
    overhead = Goal("full render / (raw engine + encode)",
                    stats["full"].median / stats["baseline"].median, OVERHEAD_GOAL)
    incremental = Goal("one-sentence edit / full render",
                       stats["edit"].median / stats["full"].median, INCREMENTAL_GOAL, "%")
    cpu_overhead = cstats["full"].median / cstats["baseline"].median
    cpu_incremental = cstats["edit"].median / cstats["full"].median
    warm_ratio = stats["warm"].median / stats["full"].median
    goals = [overhead, incremental]

    def secs(k: str) -> list[str]:
        return [f"{stats[k].median:.3f}", f"{cstats[k].median:.3f}"]

    rows: list[list[object]] = [
        ["raw espeak, all sentences", *secs("synth"), "", "", "", ""],
        [f"lameenc MP3 {MP3_BITRATE_KBPS} kbps q{LAME_QUALITY}", *secs("encode"),
         "", "", "", ""],
        ["baseline (engine + encode)", *secs("baseline"), "1.00x", "1.00x", "", ""],
        ["full render, cold cache", *secs("full"), overhead.fmt(overhead.value),
         overhead.fmt(cpu_overhead), f"<= {overhead.fmt(OVERHEAD_GOAL)}",
         "yes" if overhead.met else "NO"],
        ["re-render, warm, no change", *secs("warm"), f"{100 * warm_ratio:.1f}%",
         f"{100 * cstats['warm'].median / cstats['full'].median:.1f}%", "", ""],
        ["re-render, one sentence edited", *secs("edit"), incremental.fmt(incremental.value),
         incremental.fmt(cpu_incremental), f"<= {incremental.fmt(INCREMENTAL_GOAL)}",
         "yes" if incremental.met else "NO"],
    ]
    print()
    print(table(rows, [f"measure (median of {done})", "wall s", "cpu s", "ratio",
                       "cpu ratio", "goal", "met"]))
    print("ratios: full render vs baseline; re-renders as a share of the full render. "
          "Goals are judged on wall-clock medians.")
    print(f"engine calls: full {calls['full']}, warm {calls['warm']}, edit {calls['edit']} "
          f"(expected {len(set(spoken))}, 0, 1)")
    pipeline_kbps = kbps(first)
    if pipeline_kbps and abs(pipeline_kbps - MP3_BITRATE_KBPS) > 0.15 * MP3_BITRATE_KBPS:
        print(f"note: the pipeline's MP3 is ~{pipeline_kbps:.0f} kbps but the baseline "
              f"encodes at {MP3_BITRATE_KBPS}: update MP3_BITRATE_KBPS")
    if set(first.files) != {"mp3"}:
        print(f"note: the pipeline wrote {sorted(first.files)}; the baseline encodes one MP3")
    for k in ("baseline", "full", "edit"):
        if stats[k].spread > 0.3:
            print(f"note: {k} wall timings spread {100 * stats[k].spread:.0f}% "
                  "(busy machine? compare the cpu ratio)")

    hotspots: dict[str, list[dict[str, Any]]] = {}
    if not overhead.met:
        r = Renderer()
        try:
            hotspots["full"] = profile(lambda: r(base), top=12)
        finally:
            r.close()
    if not incremental.met:
        r = Renderer()
        try:
            r(base)
            variant, _ = edited(parsed, base, 99)
            hotspots["edit"] = profile(lambda: r(variant), top=12)
        finally:
            r.close()
    for key, rows_ in hotspots.items():
        what = {"full": "overhead goal missed; one cold full render",
                "edit": "incremental goal missed; one edited re-render"}[key]
        print(f"\n{what} under cProfile, by own time:")
        print(table([[h["function"][:72], h["calls"], f"{h['own_s']:.3f}",
                      f"{h['cumulative_s']:.3f}", f"{100 * h['own_share']:.0f}%"]
                     for h in rows_], ["function", "calls", "own s", "cum s", "share"]))

    report = {
        "workload": {"sample": str(SAMPLE.relative_to(ROOT)), "sentences": len(spoken),
                     "spoken_chars": sum(map(len, spoken)), "engine": "espeak",
                     "voice": VOICE, "rate": RATE, "audio_ms": first.duration_ms,
                     "normalize_s": normalize_s, "edited_sentence": edit_index,
                     "outputs": {k: len(v[1]) for k, v in first.files.items()},
                     "pipeline_mp3_kbps": pipeline_kbps,
                     "baseline_encoder": {"lameenc": MP3_BITRATE_KBPS, "quality": LAME_QUALITY}},
        "repeats": done,
        "timings": {k: s.as_dict() for k, s in stats.items()},
        "cpu_timings": {k: s.as_dict() for k, s in cstats.items()},
        "cpu_ratios": {"overhead": cpu_overhead, "incremental": cpu_incremental},
        "engine_calls": calls,
        "warm_rerender_ratio": warm_ratio,
        "goals": [g.as_dict() for g in goals],
        "all_goals_met": all(g.met for g in goals),
        "hotspots": hotspots,
        "elapsed_s": time.perf_counter() - started,
    }
    json_path = write_json("pipeline", report)
    met_color, miss_color = "#2f855a", "#c53030"
    png_path = bar_chart("pipeline", [
        {"title": "Seconds (median)", "xlabel": "seconds",
         "labels": ["raw engine", "encode", "baseline", "full (cold)", "warm re-render",
                    "1 sentence edited"],
         "values": [stats["synth"].median, stats["encode"].median, stats["baseline"].median,
                    stats["full"].median, stats["warm"].median, stats["edit"].median],
         "colors": ["#a0aec0", "#a0aec0", "#4a5568", "#2b6cb0", "#63b3ed", "#63b3ed"],
         "fmt": "{:.2f} s"},
        {"title": f"Overhead (goal ≤ {OVERHEAD_GOAL:g}×)", "xlabel": "× baseline",
         "labels": ["wall clock", "CPU time"], "values": [overhead.value, cpu_overhead],
         "goal": OVERHEAD_GOAL,
         "colors": [met_color if overhead.met else miss_color, "#a0aec0"],
         "fmt": "{:.2f}×"},
        {"title": f"Edit re-render (goal ≤ {100 * INCREMENTAL_GOAL:g}%)",
         "xlabel": "% of full render",
         "labels": ["1 edited, wall", "1 edited, CPU", "unchanged, wall"],
         "values": [100 * incremental.value, 100 * cpu_incremental, 100 * warm_ratio],
         "goal": 100 * INCREMENTAL_GOAL,
         "colors": [met_color if incremental.met else miss_color, "#a0aec0", "#a0aec0"],
         "fmt": "{:.1f}%"},
    ], title=f"bantin pipeline, espeak-ng, {len(spoken)} sentences, "
             f"{first.duration_ms / 1000:.0f} s of audio")
    print(f"\nwrote {json_path.relative_to(ROOT)} and {png_path.relative_to(ROOT)} "
          f"in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
