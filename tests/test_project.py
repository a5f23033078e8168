"""Project-level checks: deployment file validates, architecture rules hold, lint clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES, ROOT

BIN = Path(sys.executable).parent


def test_docker_compose_file_validates() -> None:
    exe = shutil.which("docker-compose")
    if exe is None:
        if REQUIRE_SERVICES:
            pytest.fail("docker-compose (Debian package) is needed in CI to validate the file")
        pytest.skip("docker-compose not installed")
    proc = subprocess.run([exe, "config", "-q"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr


def test_import_rules() -> None:
    """audio is a library; service never imports workers; workers never import Flask."""
    proc = subprocess.run([str(BIN / "lint-imports")], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_clean() -> None:
    proc = subprocess.run(
        [str(BIN / "ruff"), "check", "audio", "service", "workers", "tests", "bench"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout


def test_mypy_clean() -> None:
    proc = subprocess.run([str(BIN / "mypy"), "audio", "service", "workers"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout
