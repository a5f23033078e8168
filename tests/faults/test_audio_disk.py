"""The audio volume full or read-only: the bulletin fails with a clear Vietnamese reason,
nothing half-written is served, and once the disk is writable again a re-render works.
A worker killed while writing a file leaves no temporary file behind once restarted."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from audio.media import decode
from tests.faults.conftest import RedisServer, fault_stack
from tests.faults.conftest import wait_until as _wait

pytestmark = pytest.mark.e2e


class AudioDisk:
    """AUDIO_DIR on a volume a test can fill up or make read-only.

    As root (CI) permissions mean nothing, so the directory is a small tmpfs of its own:
    filled with a filler file it answers ENOSPC, remounted read-only EROFS, as a real
    disk does. Where `mount` is not allowed: as another user, chmod 0o555 makes it
    read-only; as root the directory is set aside and a plain file put in its place
    (ENOTDIR on every write: the volume is not writable), and a full disk cannot be made.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        self.mounted = os.geteuid() == 0 and shutil.which("mount") is not None and \
            _sh("mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "bantin-faults", str(path))
        self.filler = path / "filler.bin"
        self.aside = path.with_name(path.name + ".aside")

    def fill(self) -> None:
        if not self.mounted:
            pytest.skip("a full disk needs a tmpfs of our own (mount is not permitted here)")
        with self.filler.open("wb", buffering=0) as fh:
            for size in (1 << 16, 1 << 12, 1):
                chunk = b"\0" * size
                try:
                    while True:
                        fh.write(chunk)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def read_only(self) -> None:
        if self.mounted:
            assert _sh("mount", "-o", "remount,ro", str(self.path))
        elif os.geteuid() != 0:
            self.path.chmod(0o555)
        else:
            self.path.rename(self.aside)
            self.path.write_bytes(b"")

    def writable(self) -> None:
        if self.mounted:
            assert _sh("mount", "-o", "remount,rw", str(self.path))
        elif os.geteuid() != 0:
            self.path.chmod(0o755)
        elif self.aside.exists():
            self.path.unlink()
            self.aside.rename(self.path)

    def close(self) -> None:
        if self.mounted:
            _sh("umount", str(self.path)) or _sh("umount", "-l", str(self.path))
        else:
            self.writable()


def _sh(*cmd: str) -> bool:
    return subprocess.run(cmd, capture_output=True, timeout=30, check=False).returncode == 0


@pytest.fixture
def audio_disk(tmp_path: Path) -> Iterator[AudioDisk]:
    disk = AudioDisk(tmp_path / "audio")
    try:
        yield disk
    finally:
        disk.close()


@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_audio_disk_full_or_read_only(tmp_path: Path, redis_server: RedisServer, pg_url: str,
                                      audio_disk: AudioDisk, fault: str) -> None:
    env = {"AUDIO_DIR": str(audio_disk.path)}
    with fault_stack(tmp_path, redis_server.url, pg_url, extra_env=env) as f:
        if fault == "full":
            audio_disk.fill()
        else:
            audio_disk.read_only()
        (bid,) = f.accepted([1])
        failed = f.wait_done([bid], timeout=60)[bid]
        assert failed["status"] == "failed", failed
        reason = failed["error"]
        assert "lưu âm thanh" in reason and "Tạo lại" in reason, reason
        assert ("đầy" if fault == "full" else "chỉ đọc") in reason, reason
        assert "Lỗi nội bộ" not in reason
        # Nothing of it is served: no audio, no opening part, no file links.
        assert failed["audio"] == {} and failed["files"] == []
        assert failed["first_audio"] is None and failed["links"]["audio"] is None
        assert not [r for r in f.renditions() if r["files"]], "files recorded for a failure"

        if fault == "full":
            audio_disk.free()
        else:
            audio_disk.writable()
        again = f.http.post(f"{f.url}/api/v1/bulletins/{bid}/render",
                            headers=f.stack.headers(), json={}, timeout=30)
        assert again.status_code == 202, again.text
        done = f.wait_done([bid], timeout=60)[bid]
        assert done["status"] == "ready" and done["error"] is None, done
        mp3 = f.http.get(f.url + done["links"]["audio"], timeout=30)
        assert mp3.status_code == 200
        assert abs(len(decode(mp3.content)) / 1000 - done["duration"]) < 0.5
        _wait(lambda: all((r["profiles"] or {}).get("web", {}).get("state") != "pending"
                          for r in f.renditions() if r["status"] == "ready"), 60, "Opus")
        f.stop_worker()
        f.check_audio_dir()


WRITER = """
import os, sys, time
from pathlib import Path
from service.storage import LocalStorage

def stuck(fd):  # the kernel is slow to write: the worker is killed meanwhile
    print("writing", flush=True)
    time.sleep(60)

os.fsync = stuck
LocalStorage(Path(sys.argv[1])).put(os.urandom(200_000), "mp3")
"""


def test_worker_killed_mid_write_leaves_no_temp_file(tmp_path: Path) -> None:
    root = tmp_path / "audio"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(root)],
                              stdout=subprocess.PIPE, start_new_session=True)
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == b"writing\n"
    finally:
        os.killpg(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
        if writer.stdout is not None:
            writer.stdout.close()
    left = [p for p in root.rglob("*") if p.is_file()]
    assert len(left) == 1, left  # the killed writer's half-written temporary file
    from service.storage import LocalStorage

    LocalStorage(root)  # what a restarted worker (or the web app) makes first
    assert [p for p in root.rglob("*") if p.is_file()] == []
