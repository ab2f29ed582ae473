"""Safe payload reading for rules: never raises, refuses what is not a usable amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ondc_harness.checks.access import MISSING, decimal_of, get, items_of, tag_value


@pytest.mark.parametrize(("raw", "expected"), [
    ("123.45", Decimal("123.45")), (10, Decimal(10)), (0.1, Decimal("0.1")), (" 7 ", Decimal(7)),
    ("0", Decimal(0)), ("0E-30", Decimal("0E-30")),
])
def test_amounts(raw: object, expected: Decimal) -> None:
    assert decimal_of(raw) == expected


@pytest.mark.parametrize("raw", ["NaN", "nan", "Infinity", "-inf", "", "12,50", "abc", None,
                                 True, [], {}, "1e999999", "1e-999999", float("nan"),
                                 float("inf")])
def test_not_amounts(raw: object) -> None:
    assert decimal_of(raw) is None


def test_get_never_raises() -> None:
    doc = {"a": [{"b": 1}], "s": "x"}
    assert get(doc, "a", 0, "b") == 1
    assert get(doc, "a", 5, "b") is MISSING
    assert get(doc, "s", "b") is MISSING
    assert get(None, "a") is MISSING
    assert get(doc, "a", "0") is MISSING


def test_items_of_skips_non_objects_and_tag_value() -> None:
    tags = [{"code": "g", "list": [{"code": "k", "value": "v"}, "junk"]}, 3]
    assert list(items_of(tags)) == [(0, tags[0])]
    assert tag_value(tags, "g", "k") == "v"
    assert tag_value(tags, "g", "missing") is None
    assert tag_value("not a list", "g", "k") is None
