"""Workers on other hosts: the web app, PostgreSQL and Redis on host A, the only Celery
worker on host B (network namespaces joined by a veth pair, see `conftest.py`), the
audio on a directory both share. Bulletins submitted to A are made on B and served by
A; the A–B link cut while B is in the middle of a long bulletin loses nothing and
makes nothing twice."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
import sqlalchemy as sa

from audio.media import decode
from tests.faults.conftest import Faults, wait_until
from tests.hosts.conftest import TwoHosts
from workers.produce import EARLY_AFTER_SENTENCES

pytestmark = pytest.mark.e2e

#: Seconds the link stays down: longer than HEARTBEAT_TIMEOUT_SECONDS (3) and
#: BROKER_VISIBILITY_TIMEOUT (5) of FAST_ENV, so B's job looks dead from A meanwhile, and
#: longer than the 5 s the worker's Redis client waits for a reply (`socket_timeout`).
#: What B's job does meanwhile: its next call to Redis (the engine breaker's
#: `record_success` after each batch) times out during the cut, `pipeline._produce`
#: takes the TimeoutError for a bug and tries to mark the rendition failed for good,
#: which PostgreSQL (as unreachable) never hears; the row stays `synthesizing`, its
#: heartbeat is silent and the reconciler has it made again once the link is back.
#: A known weakness, not tested here: if that timeout fires after the link is back
#: (a cut of ~4.5–5 s, or a job with no Redis call in its first second of the cut),
#: the write succeeds and the bulletin stays failed.
CUT_SECONDS = 6
#: extra sentences of the bulletin the cut lands in: as many as stay below the length
#: that also gets an early part (whose file replaces, and orphans, the opening's)
LONG = EARLY_AFTER_SENTENCES - 8


def made_on_b(hosts: TwoHosts) -> set[int]:
    """Renditions the worker on B logged as made ("rendition ready {json}")."""
    return {json.loads(m)["rendition"] for m in
            re.findall(r"rendition ready (\{.*\})", hosts.stack.worker_logs())}


def assert_only_b_works(hosts: TwoHosts) -> None:
    """No Celery process in A; B's worker (and beat) are the only background processes."""
    a, b = hosts.net.pids(hosts.net.a), hosts.net.pids(hosts.net.b)
    assert not [c for c in a.values() if "workers.cli" in c or "celery" in c], a
    assert any("workers.cli worker" in c for c in b.values()), (b, hosts.logs())
    assert hosts.stack.worker.pid in b


def assert_served(f: Faults, body: dict[str, Any]) -> float:
    """The web app on A serves the bulletin's MP3 (written on B); returns its seconds."""
    mp3 = f.http.get(f.url + body["links"]["audio"], timeout=30)
    assert mp3.status_code == 200, mp3.text[:500]
    seconds = len(decode(mp3.content)) / 1000
    assert seconds > 2, f"{seconds}s of audio"
    assert abs(seconds - body["duration"]) < 0.5, (seconds, body["duration"])
    return seconds


def web_extra(r: dict[str, Any]) -> Any:
    return ((r["profiles"] or {}).get("web") or {}).get("state")


def assert_once_each(hosts: TwoHosts, ids: list[int]) -> list[dict[str, Any]]:
    """Every bulletin has exactly one rendition, it is ready and it is the current one;
    the shared audio directory holds only whole files, each used by a rendition."""
    f = hosts.f
    wait_until(lambda: all(web_extra(r) in ("ready", "failed") for r in f.renditions()
                           if r["status"] == "ready"),
               60, f"every web Opus extra\n{hosts.logs()}")
    rows = [r for r in f.renditions() if r["bulletin_id"] in ids]
    per_bulletin = {bid: [r for r in rows if r["bulletin_id"] == bid] for bid in ids}
    assert all(len(v) == 1 for v in per_bulletin.values()), \
        f"duplicate or missing rendition rows: {per_bulletin}"
    assert all(r["status"] == "ready" and web_extra(r) == "ready" for r in rows), rows
    with f.db.connect() as conn:
        current: dict[int, int | None] = dict(conn.execute(sa.text(
            "SELECT id, current_rendition_id FROM bulletins WHERE id IN :ids")
            .bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids}).all())
    assert current == {bid: v[0]["id"] for bid, v in per_bulletin.items()}, current
    f.check_audio_dir()
    return rows


def assert_ready_once_on_b(hosts: TwoHosts, ids: list[int]
                           ) -> tuple[dict[int, dict[str, Any]], list[dict[str, Any]]]:
    """Every bulletin of `ids` ends ready, made once (`assert_once_each`), by B's worker;
    the bulletins' API bodies and their rendition rows."""
    done = hosts.f.wait_done(ids, timeout=60)
    assert {b["status"] for b in done.values()} == {"ready"}, \
        ({bid: (b["status"], b["error"]) for bid, b in done.items()}, hosts.logs())
    rows = assert_once_each(hosts, ids)
    assert {r["id"] for r in rows} <= made_on_b(hosts), hosts.logs()
    return done, rows


def submit_long(hosts: TwoHosts, n: int) -> Any:
    """Like `Faults.submit(n, more=LONG)`, but every sentence says `n` too: no sentence is
    in B's sentence cache already, so each batch really goes to the engine (and through
    the engine breaker in Redis)."""
    f = hosts.f
    more = "".join(f" Đoạn đường thứ {k} của thôn {n} dài {k + n} cây số, rộng {k + 4} mét."
                   for k in range(1, LONG + 1))
    return f.http.post(f"{f.url}/api/v1/bulletins", headers=hosts.stack.headers(), timeout=30,
                       json={"title": f"Bản tin dài số {n}",
                             "body": f"Sáng nay, xã Đồng Tâm họp dân lần thứ {n}.{more}"})


def test_bulletins_made_on_host_b_served_from_host_a(two_hosts: TwoHosts) -> None:
    """Bulletins posted to A's web app are made by B's worker (its log says so; no
    worker runs in A), each once, and A serves their MP3 from the shared directory."""
    f = two_hosts.f
    assert_only_b_works(two_hosts)
    done, _rows = assert_ready_once_on_b(two_hosts, f.accepted(range(4)))
    for body in done.values():
        assert_served(f, body)
    assert_only_b_works(two_hosts)


def test_link_cut_mid_job_loses_nothing(two_hosts: TwoHosts) -> None:
    """B's end of the link goes down for CUT_SECONDS while B synthesizes a long bulletin,
    and editors keep submitting to A meanwhile. Every accepted bulletin ends ready, made
    on B, exactly once; the long one's audio is whole."""
    f, net, base = two_hosts.f, two_hosts.net, 100  # texts unlike the other test's
    resp = submit_long(two_hosts, base)
    assert resp.status_code == 202, resp.text
    long_id = resp.json()["id"]
    with f.db.connect() as conn:
        long_rid = int(conn.execute(sa.text(
            "SELECT id FROM renditions WHERE bulletin_id = :b"), {"b": long_id}).scalar_one())
    ids = [long_id]

    def mid_job() -> bool:
        with f.db.connect() as conn:
            row = conn.execute(sa.text(
                "SELECT status, progress_done FROM renditions WHERE id = :i"),
                {"i": long_rid}).one()
        assert row[0] in ("queued", "synthesizing"), f"done before the cut: {row}"
        return row[0] == "synthesizing" and row[1] > 0

    wait_until(mid_job, 30, f"B to start on the long bulletin\n{two_hosts.logs()}", 0.02)
    cut_at = time.monotonic()
    net.set_b_link(False)
    print(f"link down at {time.strftime('%H:%M:%S')}")  # shown with a failure's logs
    try:
        ids += f.accepted(range(base + 1, base + 4))  # A accepts while B is unreachable
        assert f.rendition_status(long_rid) == "synthesizing"
        time.sleep(max(0.0, CUT_SECONDS - (time.monotonic() - cut_at)))
        assert f.rendition_status(long_rid) == "synthesizing", "B finished while cut off"
    finally:
        net.set_b_link(True)
        print(f"link up at {time.strftime('%H:%M:%S')}")
    ids += f.accepted(range(base + 4, base + 6))
    done, rows = assert_ready_once_on_b(two_hosts, ids)
    seconds = assert_served(f, done[long_id])
    assert seconds > LONG, f"the long bulletin lasts only {seconds}s"
    long_row = next(r for r in rows if r["id"] == long_rid)
    assert long_row["attempts"] <= 2, long_row["attempts"]
    assert_only_b_works(two_hosts)
