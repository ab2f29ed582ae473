"""The code stays ruff- and mypy-clean: part of the one test command, so CI enforces it.

Skipped (with the reason) when the linters are not installed, i.e. without the test extras.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _tool(name: str) -> list[str]:
    if shutil.which(name) is None and not (Path(sys.executable).parent / name).exists():
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    local = Path(sys.executable).parent / name
    return [str(local) if local.exists() else name]


def test_ruff_is_clean() -> None:
    run = subprocess.run([*_tool("ruff"), "check", "."], cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_strict_is_clean() -> None:
    run = subprocess.run([*_tool("mypy")], cwd=REPO, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
