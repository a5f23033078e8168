"""The allowlist contract type (contracts/allowlist.py) can fail, and passes when allowed.

Each test writes a throwaway package tree and an import-linter config into tmp_path and
runs the real `lint-imports` on it, with the repository root on PYTHONPATH so that
`contracts.allowlist` is importable.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _lint(tmp_path: Path, contract: str, sources: str = "pkg") -> subprocess.CompletedProcess[str]:
    config = tmp_path / "importlinter.ini"
    config.write_text(
        "[importlinter]\n"
        "root_packages =\n    pkg\n    pkg2\n"
        "include_external_packages = True\n"
        "contract_types =\n    allowlist: contracts.allowlist.AllowlistContract\n\n"
        "[importlinter:contract:pkg]\n"
        "name = pkg allowlist\n"
        "type = allowlist\n"
        f"source_modules =\n    {sources}\n" + contract,
        encoding="utf-8",
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(tmp_path), str(REPO_ROOT), *filter(None, [env.get("PYTHONPATH")])]
    )
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
    )


def test_import_outside_the_allowlist_fails_and_passes_once_allowed(tmp_path: Path) -> None:
    _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "import os\nimport pkg2\nimport extlib\nfrom pkg import b\n",
        "pkg/b.py": "",
        "pkg2/__init__.py": "",
    })
    # pkg2.notyet does not exist: allowing it must not crash the contract.
    broken = _lint(tmp_path, "allowed_modules =\n    extlib\n    pkg2.notyet\n")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "pkg allowlist BROKEN" in broken.stdout
    assert "pkg.a -> pkg2 (line 2)" in broken.stdout
    # The stdlib, allowed externals and the source's own subtree are not reported.
    assert "-> os" not in broken.stdout
    assert "-> extlib" not in broken.stdout
    assert "-> pkg.b" not in broken.stdout

    kept = _lint(tmp_path, "allowed_modules =\n    extlib\n    pkg2\n")
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "pkg allowlist KEPT" in kept.stdout


def test_exact_allowed_module_is_a_facade_not_a_subtree(tmp_path: Path) -> None:
    _write(tmp_path, {
        "pkg/__init__.py": "",
        # grimp records the submodule pkg2.face.run here (the facade rebinds `run`).
        "pkg/uses_facade.py": "from pkg2.face import (\n    run,\n)\n",
        "pkg/deep.py": "\n\nfrom pkg2.face.run import run\n",
        "pkg/unexported.py": "from pkg2.face import secret\n",
        "pkg2/__init__.py": "",
        "pkg2/face/__init__.py": 'from pkg2.face.run import run\n\n__all__ = ["run"]\n',
        "pkg2/face/run.py": "def run() -> None: ...\n",
        "pkg2/face/secret.py": "",
    })
    result = _lint(tmp_path, "allowed_exact_modules =\n    pkg2.face\n")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "pkg.deep -> pkg2.face.run (line 3)" in result.stdout
    assert "pkg.unexported -> pkg2.face.secret (line 1)" in result.stdout
    assert "pkg.uses_facade" not in result.stdout


def test_excluded_subtree_is_neither_checked_nor_importable(tmp_path: Path) -> None:
    _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/core.py": "from pkg.shell import view\n",
        "pkg/shell/__init__.py": "import extlib\n",
        "pkg/shell/view.py": "import extlib\n",
        "pkg2/__init__.py": "",
    })
    result = _lint(tmp_path, "excluded_modules =\n    pkg.shell\n")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "pkg.core -> pkg.shell.view (line 1)" in result.stdout
    assert "extlib" not in result.stdout


def test_a_misspelled_source_module_is_an_error_not_a_pass(tmp_path: Path) -> None:
    _write(tmp_path, {"pkg/__init__.py": "", "pkg2/__init__.py": ""})
    result = _lint(tmp_path, "allowed_modules =\n    pkg2\n", sources="pkg.typo")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Module 'pkg.typo' does not exist." in result.stdout + result.stderr
    # A misspelled exclusion would fail open, so it is an error too.
    result = _lint(tmp_path, "excluded_modules =\n    pkg.shel\n")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Excluded module 'pkg.shel' does not exist." in result.stdout + result.stderr
