"""Redis or PostgreSQL going away while bulletins are submitted and made: nothing
accepted is lost, and the web app answers (never a bare 500 for a broker outage)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.faults.conftest import Faults, Postgres, RedisServer, fault_stack, wait_until

pytestmark = pytest.mark.e2e


def _ready(f: Faults) -> int:
    return sum(r["status"] == "ready" for r in f.renditions())


def test_redis_stopped_during_submits(tmp_path: Path, redis_server: RedisServer,
                                      pg_url: str) -> None:
    """Redis is killed (no persistence: the queued messages are lost with it) right after
    a burst of submits, and editors keep submitting. Each submit is stored and answered
    202 (the reconciler sends it once Redis is back) or refused with 503, never 500;
    every accepted bulletin ends ready, each exactly once."""
    with fault_stack(tmp_path, redis_server.url, pg_url) as f:
        accepted = f.accepted(range(8))
        redis_server.stop()
        with ThreadPoolExecutor(4) as pool:  # four editors at once, one gunicorn worker
            during = list(pool.map(lambda n: f.submit(n, http=requests), range(8, 12)))
        for resp in during:
            assert resp.status_code in (202, 503), (resp.status_code, resp.text)
            if resp.status_code == 202:
                accepted.append(resp.json()["id"])
                assert resp.json()["status"] == "queued"
            else:
                assert resp.json()["error"]["message"], resp.text
        for bid in accepted:  # reading needs no broker
            assert f.status(bid)["status"] in ("queued", "synthesizing", "ready")
        time.sleep(1)
        redis_server.start()
        accepted += f.accepted(range(12, 15))
        done = f.wait_done(accepted, timeout=120)
        assert {b["status"] for b in done.values()} == {"ready"}, \
            {bid: (b["status"], b["error"]) for bid, b in done.items()}
        assert sorted(r["bulletin_id"] for r in f.renditions()) == sorted(accepted)


def test_redis_down_submit_answers_promptly(tmp_path: Path, redis_server: RedisServer,
                                            pg_url: str) -> None:
    with fault_stack(tmp_path, redis_server.url, pg_url) as f:
        redis_server.stop()
        started = time.monotonic()
        resp = f.submit(1)
        took = time.monotonic() - started
        assert resp.status_code == 202, resp.text
        assert took < 2.0, f"a submit took {took:.1f}s while Redis was down"


def _outage_answers(f: Faults, bid: int) -> list[tuple[str, int]]:
    """What the web app answers while the database is down; each call must get an
    answer within its timeout (no hang, no dropped connection)."""
    calls = (
        ("status", lambda: f.http.get(f"{f.url}/api/v1/bulletins/{bid}",
                                      headers=f.stack.headers(), timeout=30)),
        ("submit", lambda: f.submit(99)),
        ("list", lambda: f.http.get(f"{f.url}/api/v1/bulletins", headers=f.stack.headers(),
                                    timeout=30)),
        ("healthz", lambda: f.http.get(f"{f.url}/healthz", timeout=30)),
        ("readyz", lambda: f.http.get(f"{f.url}/readyz", timeout=30)),
    )
    return [(what, call().status_code) for what, call in calls]


def test_postgres_restarted_during_work(tmp_path: Path, redis_server: RedisServer,
                                        pg_url: str, postgres_server: Postgres) -> None:
    """PostgreSQL goes down while the worker is on the queue and comes back: the web app
    keeps answering, and afterwards every bulletin is made, once."""
    with fault_stack(tmp_path, redis_server.url, pg_url) as f:
        ids = f.accepted(range(16))
        # Down while work is under way: some made, most still queued or being made.
        wait_until(lambda: 3 <= _ready(f) <= len(ids) - 6, 60, "work under way", 0.005)
        postgres_server.stop("fast")
        try:
            answers = dict(_outage_answers(f, ids[0]))
            # Nothing pretends: a submit that could not be stored is not accepted; the
            # process is alive (no restart would help) but not ready, and says why.
            assert answers["submit"] >= 500 and answers["readyz"] == 503, answers
            assert answers["healthz"] == 200, answers
            ready = f.http.get(f"{f.url}/readyz", timeout=30).json()
            assert ready["failed"] == ["database"], ready
            time.sleep(3)  # the worker and the reconciler meet the outage too
        finally:
            postgres_server.start()
        done = f.wait_done(ids, timeout=120)
        assert {b["status"] for b in done.values()} == {"ready"}, \
            {bid: (b["status"], b["error"]) for bid, b in done.items()}
        assert sorted(r["bulletin_id"] for r in f.renditions()) == sorted(ids)
        assert f.http.get(f"{f.url}/readyz", timeout=30).status_code == 200
        (bid,) = f.accepted([100])
        assert f.wait_done([bid], timeout=60)[bid]["status"] == "ready"


def test_postgres_down_web_answers_503(tmp_path: Path, redis_server: RedisServer,
                                       pg_url: str, postgres_server: Postgres) -> None:
    with fault_stack(tmp_path, redis_server.url, pg_url) as f:
        resp = f.submit(1)
        assert resp.status_code == 202
        postgres_server.stop("fast")
        try:
            answers = _outage_answers(f, resp.json()["id"])
        finally:
            postgres_server.start()
        # every answer that needs the database is a 503 to retry; liveness still says
        # the process is up (restarting it would not bring the database back)
        assert dict(answers) == {"status": 503, "submit": 503, "list": 503, "healthz": 200,
                                 "readyz": 503}, answers
