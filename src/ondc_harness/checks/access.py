"""Safe reading of untrusted payloads for rule authors.

Rules must never raise on bad data, so they read through these helpers: :func:`get` returns
:data:`MISSING` instead of raising, :func:`decimal_of` turns ONDC's string amounts into
``Decimal`` and refuses NaN, Infinity and junk, :func:`items_of` yields ``(index, obj)`` pairs
only for list entries that are objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Final


class _Missing:
    """Sentinel for an absent key (distinct from JSON ``null``)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()


def get(obj: Any, *path: str | int) -> Any:
    """Follow ``path`` (keys and list indexes) through ``obj``; :data:`MISSING` on any miss."""
    current = obj
    for part in path:
        if isinstance(part, int):
            if isinstance(current, list) and -len(current) <= part < len(current):
                current = current[part]
            else:
                return MISSING
        elif isinstance(current, dict) and part in current:
            current = current[part]
        else:
            return MISSING
    return current


def get_str(obj: Any, *path: str | int) -> str | None:
    value = get(obj, *path)
    return value if isinstance(value, str) else None


def get_dict(obj: Any, *path: str | int) -> dict[str, Any]:
    value = get(obj, *path) if path else obj
    return value if isinstance(value, dict) else {}


def get_list(obj: Any, *path: str | int) -> list[Any]:
    value = get(obj, *path) if path else obj
    return value if isinstance(value, list) else []


def items_of(obj: Any, *path: str | int) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(index, element)`` for each element of the list at ``path`` that is an object."""
    # Called millions of times over a log tree's catalogues: no helper calls on the way.
    value = get(obj, *path) if path else obj
    if isinstance(value, list):
        for index, element in enumerate(value):
            if isinstance(element, dict):
                yield index, element


MAX_MAGNITUDE = 18
"""Largest decimal exponent (either sign) accepted as an amount: 10^18 rupees, 10^-18 paise."""


def decimal_of(value: Any) -> Decimal | None:
    """Parse an ONDC amount (``"123.45"``, or a JSON number) as a finite Decimal.

    Returns ``None`` for anything that is not a usable finite number: ``"NaN"``,
    ``"Infinity"``, ``""``, ``"12,50"``, ``"1e999999"``, booleans, objects.  Floats go
    through ``repr`` so ``0.1`` stays ``0.1``.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return _decimal_text(value)
    if isinstance(value, float):
        return _decimal_text(repr(value))
    return None


@lru_cache(maxsize=16384)  # the same amounts recur across rules, messages and flows
def _decimal_text(value: str) -> Decimal | None:
    """:func:`decimal_of` of a string (Decimals are immutable: one answer serves every caller)."""
    text = value.strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    too_big = not number.is_zero() and abs(number.adjusted()) > MAX_MAGNITUDE
    if not number.is_finite() or too_big:
        return None  # "1e999999" is finite but overflows arithmetic: no amount is that size
    return number


def tag_value(tags: Any, group: str, code: str) -> str | None:
    """The value of ``code`` inside the tag group ``group`` (ONDC 1.2 ``tags: [{code, list}]``)."""
    for _, tag in items_of(tags):
        if tag.get("code") != group:
            continue
        for _, entry in items_of(tag, "list"):
            if entry.get("code") == code and isinstance(entry.get("value"), str):
                return str(entry["value"])
    return None
