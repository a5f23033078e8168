"""Audio storage: content-addressed names, atomic writes, no partial files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from service.storage import LocalStorage, content_name


def test_same_bytes_same_name_and_no_temp_files(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    a = store.put(b"first", "mp3")
    assert a == content_name(b"first", "mp3") and store.put(b"first", "mp3") == a
    b = store.put(b"second", "mp3")
    assert a != b
    assert store.path(a).read_bytes() == b"first"  # type: ignore[union-attr]
    leftovers = [f for _, _, files in os.walk(tmp_path) for f in files if f.startswith(".tmp")]
    assert leftovers == []


def test_stored_files_are_readable_by_other_users_of_a_shared_volume(tmp_path: Path) -> None:
    """Workers and web hosts may run as different users over one volume: a file is
    world-readable (0644), never the 0600 of the temporary file it was written as."""
    store = LocalStorage(tmp_path)
    path = store.path(store.put(b"audio", "mp3"))
    assert path is not None and path.stat().st_mode & 0o777 == 0o644


def test_storage_check_finds_a_volume_that_cannot_be_written(tmp_path: Path) -> None:
    from service.storage import StorageError

    LocalStorage(tmp_path).check()  # writes and removes a probe
    assert not any((tmp_path / ".tmp").iterdir())
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    with pytest.raises(StorageError):
        LocalStorage(blocked).check()


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    with pytest.raises(TypeError):
        store.put("not bytes", "mp3")  # type: ignore[arg-type]
    assert [f for _, _, files in os.walk(tmp_path) for f in files] == []


def test_names_outside_the_store_are_refused(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    assert store.path("../x.mp3") is None
    assert store.path("0123456789abcdef0123456789abcdef.mp3") is None
