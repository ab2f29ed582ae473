"""Small JSON fragments every Retail payload repeats: amounts, prices and tag groups.

Amounts are computed as :class:`~decimal.Decimal` and written as strings with exactly two
decimals ("582.90"), because the official checks compare totals to the paisa and reject
floats, NaN and more than two decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

PAISA = Decimal("0.01")


def money(amount: Decimal) -> str:
    """``Decimal("19.9")`` → ``"19.90"`` (half-up to the paisa)."""
    return str(amount.quantize(PAISA, rounding=ROUND_HALF_UP))


def price(amount: Decimal) -> dict[str, str]:
    return {"currency": "INR", "value": money(amount)}


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    return (amount * percent / Decimal(100)).quantize(PAISA, rounding=ROUND_HALF_UP)


def tag(code: str, value: str) -> dict[str, str]:
    return {"code": code, "value": value}


def tag_group(code: str, **values: str) -> dict[str, Any]:
    """``{"code": code, "list": [{"code": k, "value": v}, ...]}`` in keyword order."""
    return {"code": code, "list": [tag(k, v) for k, v in values.items()]}
