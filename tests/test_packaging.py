"""A built wheel carries every generated JSON Schema (setup.py copies ``schemas/`` into
``ondc_harness/data/schemas``), so ``pip install`` of the wheel checks payloads like a checkout.

Builds a real wheel with pip (build isolation fetches setuptools from the package index, as any
installation does).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_wheel_carries_every_schema(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy: setuptools builds in-tree and leaves build/ behind
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in ("src", "schemas"):
        shutil.copytree(REPO / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy2(REPO / name, source / name)
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w",
         str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    (wheel,) = tmp_path.glob("ondc_harness-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"ondc_harness/data/schemas/{p.relative_to(REPO / 'schemas').as_posix()}"
                for p in (REPO / "schemas").rglob("*.json")}
    assert expected and expected <= names, sorted(expected - names)[:5]
    assert "ondc_harness/data/scenario.schema.json" in names
    assert "ondc_harness/py.typed" in names
