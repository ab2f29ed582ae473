"""ISO 8601 durations as ONDC uses them (``PT30S``, ``P1D``, ``PT1H30M``)."""

from __future__ import annotations

import re
from functools import lru_cache

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<mo>\d+(?:\.\d+)?)M)?(?:(?P<w>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<mi>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
_SECONDS = {"y": 365 * 86400, "mo": 30 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600,
            "mi": 60, "s": 1}


def parse_duration(text: str) -> float:
    """Seconds in an ISO 8601 duration; years and months are 365 and 30 days.

    Raises ``ValueError`` naming the text when it is not a duration.
    """
    seconds = _seconds(text) if isinstance(text, str) else None
    if seconds is None:
        raise ValueError(f"{text!r} is not an ISO 8601 duration (like PT30S)")
    return seconds


@lru_cache(maxsize=1024)  # every message's ttl is read by several rules; few distinct values
def _seconds(text: str) -> float | None:
    match = _DURATION.match(text.strip())
    if match is None:
        return None
    return float(sum(float(v) * _SECONDS[k] for k, v in match.groupdict().items() if v))


def is_duration(text: object) -> bool:
    return isinstance(text, str) and _seconds(text) is not None
