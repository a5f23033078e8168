"""Audio file storage: content-addressed names, atomic writes.

Files are immutable once written (the name is the content's hash), so they can be
served with year-long cache headers and shared between worker hosts on one volume.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_NAME = re.compile(r"^[0-9a-f]{16,64}\.[a-z0-9]{2,5}$")


def content_name(data: bytes, ext: str) -> str:
    return f"{hashlib.sha256(data).hexdigest()[:32]}.{ext}"


def is_valid_name(name: str) -> bool:
    return bool(_NAME.match(name))


class LocalStorage:
    """A directory on a local or shared volume."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

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
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=f".{ext}")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return name

    def path(self, name: str) -> Path | None:
        if not is_valid_name(name):
            return None
        p = self.root / name[:2] / name
        return p if p.is_file() else None
