"""Shared fixtures for the harness's own tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flowkit import FlowRunner, runner_fixture

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[1]
PACK = REPO.parent / "shared" / "ondc"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def pack() -> Path:
    """The ONDC reference pack (``../shared/ondc``); tests that need it skip without it."""
    if not PACK.is_dir():
        pytest.skip("the ONDC reference pack ../shared/ondc is not present")
    return PACK


@pytest.fixture
def flow_runner(tmp_path: Path) -> Iterator[FlowRunner]:
    """Runs scenarios in-process against fresh reference sellers (see tests/flowkit.py)."""
    yield from runner_fixture(tmp_path)
