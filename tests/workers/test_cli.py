"""The `bantin` command as an operator runs it (real subprocesses)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from audio.media import decode
from tests.conftest import SAMPLE

BANTIN = [sys.executable, "-m", "workers.cli"]


def run(args: list[str], tmp: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BANTIN_VAR_DIR": str(tmp / "var"), "DATABASE_URL": "",
           "TTS_ENGINES": "espeak"}
    return subprocess.run([*BANTIN, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=300, check=False)


def test_normalize_keeps_lines(tmp_path: Path) -> None:
    proc = run(["normalize"], tmp_path, "Ngày 24/3/2020 có 07 nhóm.\n\nUBND tỉnh.\n")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split("\n")
    assert lines[:3] == ["ngày hai mươi tư tháng ba năm hai nghìn không trăm hai mươi có bảy nhóm.",
                         "", "ủy ban nhân dân tỉnh."]
    south = run(["normalize", "--style", "south"], tmp_path, "Năm 2005 có 1.000 người.\n")
    assert "ngàn" in south.stdout and "lẻ" in south.stdout


def test_speak_writes_a_decodable_mp3(tmp_path: Path) -> None:
    out = tmp_path / "out.mp3"
    proc = run(["speak", str(SAMPLE), "-o", str(out), "--voice", "south", "--rate", "1.2"],
               tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "câu" in proc.stderr  # the progress bar counts sentences
    audio = decode(out.read_bytes())
    assert len(audio) > 120_000 and audio.dBFS > -35
    bad = run(["speak", str(SAMPLE), "-o", str(out), "--engine", "siri"], tmp_path)
    assert bad.returncode == 2 and "siri" in bad.stderr


def test_token_create_prints_token_last(tmp_path: Path) -> None:
    proc = run(["token", "create", "--role", "editor"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    token = proc.stdout.strip().splitlines()[-1]
    assert token.startswith("bt_") and len(token) > 30
