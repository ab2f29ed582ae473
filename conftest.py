"""Repo-root pytest configuration for in-repo runs.

When the package is installed (``pip install -e .``) its ``pytest11`` entry point loads the
plugin and this file does nothing else.  In a bare checkout (no install) it puts ``src/`` on the
path and registers the plugin itself, so ``pytest suites/retail`` still works.
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from pathlib import Path

_SRC = Path(__file__).parent / "src"


def _installed() -> bool:
    return any(ep.name == "ondc_harness" for ep in entry_points(group="pytest11"))


if not _installed():
    sys.path.insert(0, str(_SRC))
    pytest_plugins = ["ondc_harness.plugin"]
