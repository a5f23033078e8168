"""Peak memory of a worker producing each profile: the sample and the largest bulletin.

    .venv/bin/python bench/memory.py [--quick] [--cases sample,largest]
                                     [--profiles web,web-extra,podcast,loudspeaker,telephony]
                                     [--kill-gb 16]

Each case runs in a process of its own (a fresh interpreter), so its peak resident
memory (`ru_maxrss`) is that case's alone. A case is one task of the worker's real path
with espeak-ng behind a sentence cache on disk: "web" is the synthesize task
(`produce_opening` for the first sentences, the early part of a long bulletin, then
`produce_web`: the segmented MP3), the others are `produce_profile` ("web-extra" is the
web profile's Opus). The files are written to disk as the storage would. Cases run in
the worker's order, so the sentence cache is warm as it would be (the loudspeaker
programme, read at 0.85x, is synthesized by its own task). Bulletins:

- sample: the demo bulletin `service/demo/bac-kan-chi-thi-42.txt` (4.6 minutes);
- largest: the demo's paragraphs repeated (each sentence numbered, so the sentence cache
  cannot merge them) as many times as `service.bounds` accepts with the default settings
  (90,000 spoken characters, 1,500 sentences, 90 estimated minutes); with --quick, a
  quarter of those copies.

Baseline, same run: a process that imports the worker's modules and synthesizes one
sentence. Prints peak MB and peak / baseline per case, the ffmpeg child's beside (Opus
encoding, the decode that checks peaks; sampled every 0.1 s, a process of its own), the
case's CPU seconds (its own process) and wall seconds, and the goal:
every case <= 300 MB. A case whose memory passes --kill-gb is stopped (the parent
watches it) and reported as over that. Writes bench/out/memory.json and .png.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench._common as bc  # noqa: E402

GOAL_MB = 300.0
PROFILES = ("web", "web-extra", "podcast", "loudspeaker", "telephony")
CASES = ("sample", "largest")
STATION = "Đài Truyền thanh Bắc Kạn"
_END = re.compile(r"([.!?])(?=\s|$)")


def numbered(paragraph: str, n: int) -> str:
    """The paragraph with "lần n" before each sentence's full stop: ordinary prose, and
    no sentence is the same as in another copy."""
    return _END.sub(lambda m: f" lần {n}{m.group(1)}", paragraph)


def copies_accepted() -> int:
    """How many numbered copies of the demo's paragraphs the default bounds accept."""
    from service import bounds
    from service.settings import Settings
    from service.validation import ValidationError

    settings = Settings.from_env({})
    n = 0
    while True:
        job = job_for("largest", n + 1)
        try:
            bounds.check(bounds.measure(job.spoken or (), job.rate), settings)
        except ValidationError:  # over a bound: the copies so far are the largest accepted
            return n
        n += 1


def paragraphs_for(case: str, copies: int) -> list[str] | None:
    if case == "sample":
        return None
    base = list(bc.sample().paragraphs)
    return [numbered(p, k) for k in range(1, copies + 1) for p in base]


def job_for(case: str, copies: int) -> Any:
    return bc.sample_job(("espeak",), paragraphs_for(case, copies)).spoken_all()


# --- the child: one case --------------------------------------------------------------


def _imports() -> None:
    """What a worker process has loaded before its first task."""
    import workers.pipeline
    import workers.produce
    import workers.tasks  # noqa: F401


def child(case: str, profile: str, var: Path, copies: int) -> dict[str, Any]:
    _imports()
    from audio.stages import Stages
    from service.settings import Settings
    from workers import produce
    from workers.context import local_chain

    settings = Settings.from_env({"BANTIN_VAR_DIR": str(var)})
    chain = local_chain(settings, ("espeak",))
    out = var / "files"
    out.mkdir(parents=True, exist_ok=True)
    if case == "baseline":
        chain.synthesize(["Xin chào các bạn."], bc.VOICE, bc.RATE)
        return {"files": {}}
    job = job_for(case, copies)  # normalizing the text is part of the worker's task
    stages = Stages()
    files: list[Any] = []
    if profile == "web":
        from audio.cache import SentenceCache

        store = SentenceCache(settings.cache_dir, settings.cache_max_bytes)
        first = produce.produce_opening(chain, job, job.spoken, produce.FIRST_SENTENCES, store)
        if len(job.sentences) > produce.EARLY_AFTER_SENTENCES:
            early = max(produce.FIRST_SENTENCES + 1,
                        int(len(job.sentences) * produce.EARLY_SHARE))
            produce.produce_opening(chain, job, job.spoken, early, store)
        del first
        files = produce.produce_web(chain, job, lambda _: None, store, stages).files
    else:
        name = "web" if profile == "web-extra" else profile
        files = produce.produce_profile(chain, job, name, STATION, stages)
    for f in files:
        (out / f"{case}-{profile}-{f.kind}.{f.extension}").write_bytes(f.data)
    return {"files": {f.kind: {"bytes": len(f.data), "duration_ms": f.duration_ms}
                      for f in files},
            "sentences": len(job.sentences), "spoken_chars": sum(map(len, job.spoken)),
            "stages": stages.rounded()}


def child_main(argv: list[str]) -> None:
    case, profile, var, copies = argv[0], argv[1], Path(argv[2]), int(argv[3])
    started, cpu0 = time.perf_counter(), time.process_time()
    result = child(case, profile, var, copies)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result.update(peak_mb=usage.ru_maxrss / 1024, cpu_s=time.process_time() - cpu0,
                  wall_s=time.perf_counter() - started)
    print("RESULT " + json.dumps(result, ensure_ascii=False))


# --- the parent -------------------------------------------------------------------------


def run_case(case: str, profile: str, var: Path, copies: int,
             kill_gb: float) -> dict[str, Any]:
    """One case in a fresh interpreter, its memory watched (stopped past `kill_gb`)."""
    import psutil

    cmd = [sys.executable, __file__, "--child", case, profile, str(var), str(copies)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT)
    watched, seen, helpers = psutil.Process(proc.pid), 0.0, 0.0
    killed = False
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):
            seen = max(seen, watched.memory_info().rss / 2**20)
            for kid in watched.children(recursive=True):  # ffmpeg, sampled every 0.1 s
                helpers = max(helpers, kid.memory_info().rss / 2**20)
        if seen > kill_gb * 1024:
            proc.kill()
            killed = True
        time.sleep(0.1)
    stdout, stderr = proc.communicate()
    if killed:
        return {"killed": True, "peak_mb": seen, "ffmpeg_peak_mb": helpers,
                "wall_s": time.perf_counter() - started}
    line = next((ln for ln in stdout.splitlines() if ln.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"{case}/{profile} failed ({proc.returncode}):\n{stderr[-3000:]}")
    return {**json.loads(line[len("RESULT "):]), "ffmpeg_peak_mb": helpers}


def audio_minutes(r: dict[str, Any]) -> float:
    return max((f["duration_ms"] for f in r.get("files", {}).values()), default=0) / 60000


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
        return
    ap = bc.arg_parser(__doc__)
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--profiles", default=",".join(PROFILES))
    ap.add_argument("--kill-gb", type=float, default=16.0,
                    help="stop a case whose resident memory passes this (GB)")
    args = ap.parse_args()
    started = time.perf_counter()
    cases = [c for c in args.cases.split(",") if c]
    profiles = [p for p in args.profiles.split(",") if p]
    results: dict[str, dict[str, Any]] = {}
    copies = copies_accepted() if "largest" in cases else 0
    if args.quick:
        copies = max(1, copies // 4)
    if copies:
        print(f"largest: {copies} numbered copies of the demo's paragraphs")
    with tempfile.TemporaryDirectory(prefix="bantin-memory-") as tmp:
        base = run_case("baseline", "-", Path(tmp) / "baseline", 0, args.kill_gb)
        baseline = float(base["peak_mb"])
        print(f"baseline (imports + one sentence): {baseline:.0f} MB")
        for case in cases:
            var = Path(tmp) / case  # one sentence cache per bulletin, as one worker's
            for profile in profiles:
                r = run_case(case, profile, var, copies, args.kill_gb)
                r["ratio"] = r["peak_mb"] / baseline
                results[f"{case}/{profile}"] = r
                audio = audio_minutes(r)
                over = " (stopped: over --kill-gb)" if r.get("killed") else ""
                print(f"{case}/{profile}: {r['peak_mb']:.0f} MB, {r['ratio']:.2f}x baseline"
                      f"{over}; {audio:.1f} min of audio; wall {r['wall_s']:.1f} s")
    rows = [[k, f"{r['peak_mb']:.0f}" + (" (stopped)" if r.get("killed") else ""),
             f"{r['ratio']:.2f}x", f"{r.get('ffmpeg_peak_mb', 0):.0f}",
             f"{r.get('cpu_s', float('nan')):.1f}", f"{r['wall_s']:.1f}",
             f"{audio_minutes(r):.1f}"] for k, r in results.items()]
    print()
    print(bc.table(rows, ["case", "peak MB", "/ baseline", "ffmpeg MB", "cpu s", "wall s",
                          "audio min"]))
    worst = max((r["peak_mb"] for r in results.values()), default=0.0)
    goal = bc.Goal("worst peak (MB)", worst, GOAL_MB, "MB")
    print(f"goal: every case <= {GOAL_MB:.0f} MB: worst {worst:.0f} MB -> "
          f"{'MET' if goal.met else 'NOT MET'}")
    report = {"quick": args.quick, "largest_copies": copies, "baseline_mb": baseline,
              "goal_mb": GOAL_MB,
              "goal": goal.as_dict(), "cases": results}
    panels = [{"title": "peak resident memory (MB), goal dashed", "xlabel": "MB",
               "labels": ["baseline", *results], "goal": GOAL_MB, "fmt": "{:.0f}",
               "values": [baseline, *(r["peak_mb"] for r in results.values())],
               "colors": ["#a0aec0", *("#2f855a" if r["peak_mb"] <= GOAL_MB else "#c53030"
                                       for r in results.values())]},
              {"title": "peak / baseline", "xlabel": "ratio", "labels": list(results),
               "values": [r["ratio"] for r in results.values()]}]
    bc.finish("memory", report, panels, "bantin worker: peak memory per task", started)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
