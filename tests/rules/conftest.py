"""Fixtures for the business-rule tests: a fresh, valid Retail 1.2.5 F&B forward flow."""

from __future__ import annotations

import pytest
from retail_flow import Flow, build_flow


@pytest.fixture
def flow() -> Flow:
    """search … on_track as payload dicts keyed by step name; free to mutate."""
    return build_flow()
