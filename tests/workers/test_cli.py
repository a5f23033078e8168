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


def test_users_and_tokens_from_the_command_line(tmp_path: Path) -> None:
    from service.accounts import authenticate, check_token
    from service.db import make_engine, make_session_factory
    from service.settings import Settings

    made = run(["user", "create", "thu", "--role", "approver"], tmp_path, "mật khẩu đủ dài\n")
    assert made.returncode == 0, made.stderr
    again = run(["user", "create", "thu"], tmp_path, "mật khẩu đủ dài\n")
    assert again.returncode == 2 and "Đã có tài khoản" in again.stderr
    short = run(["user", "create", "ngan"], tmp_path, "ngắn\n")
    assert short.returncode == 2 and "ít nhất" in short.stderr
    owned = run(["token", "create", "--role", "admin", "--name", "loa", "--owner", "thu",
                 "--days", "30"], tmp_path).stdout.strip().splitlines()[-1]
    listed = run(["token", "list"], tmp_path)
    assert listed.returncode == 0
    (line,) = [row for row in listed.stdout.splitlines() if "\tloa\t" in row]
    token_id, role, state = line.split("\t")[:3]
    assert (role, state) == ("admin", "active") and line.split("\t")[4] == "thu"
    settings = Settings.from_env({"BANTIN_VAR_DIR": str(tmp_path / "var")})
    engine = make_engine(settings)
    try:
        with make_session_factory(engine)() as s:
            assert authenticate(s, "thu", "mật khẩu đủ dài") is not None
            actor = check_token(s, owned)
            assert actor is not None and (actor.name, actor.role) == ("thu", "approver")
        assert run(["token", "revoke", token_id], tmp_path).returncode == 0
        assert run(["user", "disable", "thu"], tmp_path).returncode == 0
        with make_session_factory(engine)() as s:
            assert check_token(s, owned) is None
            assert authenticate(s, "thu", "mật khẩu đủ dài") is None
    finally:
        engine.dispose()
