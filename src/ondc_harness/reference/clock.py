"""Timestamps the way ONDC writes them: RFC 3339, UTC, exactly three fractional digits, ``Z``.

Every callback must be later than its request, and a seller's pushes must be strictly ordered,
even when two are produced within the same millisecond; :func:`timestamp_after` guarantees that
instead of trusting the wall clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

ONE_MS = timedelta(milliseconds=1)


def format_ts(moment: datetime) -> str:
    """``2024-05-01T10:20:30.123Z`` (milliseconds truncated, never rounded up)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_ts(text: str) -> datetime | None:
    """The instant ``text`` names, or ``None`` when it is not an RFC 3339 timestamp."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def timestamp_after(*not_before: str) -> datetime:
    """Now, or 1 ms after the latest of ``not_before`` if the clock has not passed it yet."""
    now = datetime.now(UTC)
    moment = now.replace(microsecond=now.microsecond // 1000 * 1000)
    for text in not_before:
        floor = parse_ts(text) if text else None
        if floor is not None and moment <= floor:
            moment = floor + ONE_MS
    return moment
