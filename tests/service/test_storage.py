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


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    with pytest.raises(TypeError):
        store.put("not bytes", "mp3")  # type: ignore[arg-type]
    assert [f for _, _, files in os.walk(tmp_path) for f in files] == []


def test_names_outside_the_store_are_refused(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    assert store.path("../x.mp3") is None
    assert store.path("0123456789abcdef0123456789abcdef.mp3") is None
