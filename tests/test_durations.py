"""ISO 8601 durations (``durations.py``) as ONDC writes them in ``context.ttl``."""

from __future__ import annotations

from typing import Any

import pytest

from ondc_harness.durations import is_duration, parse_duration


@pytest.mark.parametrize(("text", "seconds"), [
    ("PT30S", 30.0),
    ("PT0S", 0.0),
    ("PT1M", 60.0),
    ("PT1H30M", 5400.0),
    ("PT1H0M5S", 3605.0),
    ("PT0.5S", 0.5),
    ("PT1.5M", 90.0),
    ("P1D", 86400.0),
    ("P1DT2H", 93600.0),
    ("P1W", 604800.0),
    ("P1M", 30 * 86400.0),       # months, not minutes, before the T
    ("P1Y", 365 * 86400.0),
    ("P1Y2M3DT4H5M6S", 365 * 86400 + 60 * 86400 + 3 * 86400 + 4 * 3600 + 5 * 60 + 6.0),
    (" PT30S\n", 30.0),
])
def test_parse(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds
    assert is_duration(text)


@pytest.mark.parametrize("text", [
    "", "P", "PT", "P1DT", "30S", "T30S", "PT30", "P1H", "PT1D", "PT-5S", "P1.S",
    "pt30s", "PT30S junk", "PT30SPT30S", "PT1S1M", "30",
])
def test_invalid_text_names_itself(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration(text)
    assert str(caught.value) == f"{text!r} is not an ISO 8601 duration (like PT30S)"
    assert not is_duration(text)


@pytest.mark.parametrize("value", [None, 30, 30.0, ["PT30S"], {"ttl": "PT30S"}])
def test_non_strings_are_not_durations(value: Any) -> None:
    with pytest.raises(ValueError, match="is not an ISO 8601 duration"):
        parse_duration(value)
    assert not is_duration(value)
