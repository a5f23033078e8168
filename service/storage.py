"""Audio file storage: content-addressed names, atomic writes.

Files are immutable once written (the name is the content's hash), so they can be
served with year-long cache headers and shared between worker hosts on one volume.

A file is written under a temporary name in `.tmp/` (same volume, so the final rename
is atomic) and renamed into place only when whole. A writer killed mid-write (out of
memory, SIGKILL) leaves its temporary file behind: each one names its host and process,
and the next `LocalStorage` made on that host deletes those of processes that are gone
(and anyone's older than a day), so killed workers do not fill the volume.

A write the volume refuses (full, read-only, no permission) raises `StorageError`, an
`OSError` whose `message` tells an editor, in Vietnamese, what happened and what to do.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import socket
import tempfile
import time
from pathlib import Path

_NAME = re.compile(r"^[0-9a-f]{16,64}\.[a-z0-9]{2,5}$")
#: the folder of files being written (dot-named: never a storage name's shard)
TEMP_DIR = ".tmp"
#: a temporary file older than this belongs to no live write, whoever made it
STALE_TEMP_SECONDS = 24 * 3600

_FULL = (errno.ENOSPC, errno.EDQUOT)
_REFUSED = (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EEXIST)


class StorageError(OSError):
    """The audio volume refused a write; `message` is for the editor (Vietnamese)."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror, cause.filename)
        if cause.errno in _FULL:
            self.message = ("Ổ đĩa lưu âm thanh đã đầy nên chưa lưu được tệp âm thanh (không "
                            "có tệp dở dang nào được phát). Hãy báo quản trị viên giải phóng "
                            "dung lượng, rồi bấm “Tạo lại âm thanh”.")
        elif cause.errno in _REFUSED:
            self.message = ("Thư mục lưu âm thanh đang chỉ đọc hoặc không ghi được nên chưa "
                            "lưu được tệp âm thanh (không có tệp dở dang nào được phát). Hãy "
                            "báo quản trị viên kiểm tra ổ đĩa, rồi bấm “Tạo lại âm thanh”.")
        else:
            self.message = (f"Không ghi được tệp âm thanh vào ổ lưu trữ (lỗi hệ thống: "
                            f"{cause.strerror or type(cause).__name__}). Hãy báo quản trị "
                            "viên kiểm tra ổ đĩa, rồi bấm “Tạo lại âm thanh”.")


def content_name(data: bytes, ext: str) -> str:
    return f"{hashlib.sha256(data).hexdigest()[:32]}.{ext}"


def is_valid_name(name: str) -> bool:
    return bool(_NAME.match(name))


def _temp_prefix() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class LocalStorage:
    """A directory on a local or shared volume."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.sweep()

    def sweep(self) -> int:
        """Delete the temporary files of dead writers; returns how many. Never fails."""
        removed = 0
        host = socket.gethostname()
        try:
            entries = list(os.scandir(self.root / TEMP_DIR))
        except OSError:
            return 0
        for entry in entries:
            mine = entry.name.startswith(f"{host}-")
            pid = entry.name[len(host) + 1:].split("-", 1)[0] if mine else ""
            try:
                old = time.time() - entry.stat().st_mtime > STALE_TEMP_SECONDS
                dead = pid.isdigit() and not _alive(int(pid))
                if old or dead:
                    os.unlink(entry.path)
                    removed += 1
            except OSError:  # gone meanwhile, or the volume is read-only
                continue
        return removed

    def put(self, data: bytes, ext: str) -> str:
        """Store `data` under its content name; a half-written file is never visible."""
        return self.put_as(content_name(data, ext), data)

    def put_as(self, name: str, data: bytes) -> str:
        """Store `data` under `name` (a hash of its input, for a file others wait for by
        name before it exists); atomic like `put`."""
        if not is_valid_name(name):
            raise ValueError(f"not a storage name: {name!r}")
        ext = name.rsplit(".", 1)[1]
        target = self.root / name[:2] / name
        if target.exists() and target.stat().st_size == len(data):
            return name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temp_dir = self.root / TEMP_DIR
            temp_dir.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=temp_dir, prefix=_temp_prefix(), suffix=f".{ext}")
        except OSError as exc:
            raise StorageError(exc) from exc
        try:
            # mkstemp makes it 0600: readable by the web hosts' user too on a shared
            # volume (audio is public once published; access is the app's to decide)
            os.fchmod(fd, 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException as exc:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise StorageError(exc) from exc
            raise
        return name

    def check(self) -> None:
        """Raise `StorageError` unless a file can be written here now (readiness: a full
        or read-only volume, or one not mounted, is found before a job fails on it)."""
        try:
            temp_dir = self.root / TEMP_DIR
            temp_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=temp_dir, prefix=_temp_prefix(), suffix=".probe")
            try:
                os.write(fd, b"ok")
                os.fsync(fd)
            finally:
                os.close(fd)
                Path(tmp).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(exc) from exc

    def path(self, name: str) -> Path | None:
        if not is_valid_name(name):
            return None
        p = self.root / name[:2] / name
        return p if p.is_file() else None
