"""The fast schema path (jsonschema-rs locates, python-jsonschema words) changes no finding.

``checks/schema.py`` validates with jsonschema-rs and re-runs only the failing keywords in
python-jsonschema.  These tests pin that the findings are exactly those of python-jsonschema
alone, over every kind of keyword the generated schemas use, and that the cases the Rust
validator must not judge (NaN, absurd nesting, ECMA-vs-Python regex) still come out right.
Speed itself is measured by ``benchmarks/bench_offline.py``, not here.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ondc_harness.checks import schema as schema_module
from ondc_harness.checks.runner_rules import SCHEMA
from ondc_harness.checks.schema import CompiledSchema, validate, validator_for
from test_schemas import _paths

# Every keyword the generated schemas use, behind $ref, allOf, anyOf and if/then/else.
SCHEMA_DOC: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.com/test.json",
    "type": "object",
    "required": ["context", "message"],
    "properties": {
        "context": {"$ref": "#/$defs/Context"},
        "message": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "items": {"type": "array", "maxItems": 3,
                          "items": {"$ref": "#/$defs/Item"},
                          "contains": {"properties": {"id": {"const": "I1"}}}},
                "gps": {"type": "string",
                        "pattern": r"^[-+]?\d+(\.\d+)?,\s*[-+]?\d+(\.\d+)?$"},
                "count": {"type": "integer", "minimum": 0, "maximum": 99},
                "when": {"type": "string", "format": "date-time"},
                "either": {"anyOf": [{"type": "string", "minLength": 2}, {"type": "number"}]},
            },
        },
    },
    "$defs": {
        "Context": {
            "type": "object",
            "required": ["action", "domain"],
            "properties": {
                "action": {"const": "on_select"},
                "domain": {"type": "string", "enum": ["ONDC:RET10", "ONDC:RET11"]},
            },
            "if": {"properties": {"domain": {"const": "ONDC:RET10"}}},
            "then": {"required": ["city"]},
            "else": {"properties": {"city": {"type": "string"}}},
        },
        "Item": {
            "allOf": [
                {"$ref": "#/$defs/Id"},
                {"type": "object", "properties": {"price": {"$ref": "#/$defs/Price"}}},
            ],
        },
        "Id": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
        "Price": {"type": "object", "required": ["value"], "additionalProperties": False,
                  "properties": {"value": {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"},
                                 "currency": {"enum": ["INR"]}}},
    },
}

VALID: dict[str, Any] = {
    "context": {"action": "on_select", "domain": "ONDC:RET11", "city": "std:080"},
    "message": {
        "items": [{"id": "I1", "price": {"value": "10.50", "currency": "INR"}}],
        "gps": "12.97,77.59",
        "count": 3,
        "when": "2024-01-01T00:00:00Z",
        "either": "ok",
    },
}

JUNK: list[Any] = [None, True, 0, -1, 1.0, 2.5, 10**30, "", "x", "12.9,77.6\n", "١٢,٣٤",
                   [], [None], {}, {"a": 1}]


def _mutants(base: dict[str, Any]) -> Iterator[Any]:
    """``base`` with each value replaced by each junk value, and with each key removed."""
    for path in _paths(base):
        for value in [*JUNK, "drop"]:
            payload = copy.deepcopy(base)
            holder: Any = payload
            for part in path[:-1]:
                holder = holder[part]
            if value == "drop":
                if not isinstance(holder, dict):
                    continue
                del holder[path[-1]]
            else:
                holder[path[-1]] = value
            yield payload


def _texts(validator: CompiledSchema | Draft202012Validator, payload: Any) -> list[tuple[Any, ...]]:
    return [(f.path, f.message, f.expected, f.actual, f.extra.get("keyword"))
            for f in validate(validator, payload, rule_id=SCHEMA, action="on_select")]


@pytest.fixture(scope="module")
def compiled() -> CompiledSchema:
    made = CompiledSchema.of(SCHEMA_DOC)
    assert made.fast is not None
    return made


def test_the_valid_instance_is_valid(compiled: CompiledSchema) -> None:
    assert _texts(compiled, VALID) == []


def test_every_mutant_gets_python_jsonschemas_findings(compiled: CompiledSchema) -> None:
    reference = Draft202012Validator(SCHEMA_DOC)
    checked = 0
    for payload in _mutants(VALID):
        # The comparison is of the fast path itself, not of its fallback to python-jsonschema.
        assert schema_module._fast_errors(compiled, payload) is not None, payload
        assert _texts(compiled, payload) == _texts(reference, payload), payload
        checked += 1
    assert checked > 200


def test_the_fast_path_is_taken_for_ordinary_errors(compiled: CompiledSchema) -> None:
    payload = copy.deepcopy(VALID)
    payload["message"]["items"][0]["price"]["currency"] = "USD"
    payload["message"]["extra"] = 1
    errors = schema_module._fast_errors(compiled, payload)
    assert errors is not None and {e.validator for e in errors} == {"enum", "additionalProperties"}


@pytest.mark.parametrize(("gps", "valid"), [
    ("12.9,77.6\n", True),   # Python's $ matches before a final newline; ECMA's does not
    ("١٢,٣٤", True),        # Python's \d is Unicode; ECMA's is ASCII
    ("12.9;77.6", False),
])
def test_patterns_follow_python_re(compiled: CompiledSchema, gps: str, valid: bool) -> None:
    payload = copy.deepcopy(VALID)
    payload["message"]["gps"] = gps
    reference = Draft202012Validator(SCHEMA_DOC)
    assert _texts(compiled, payload) == _texts(reference, payload)
    assert (_texts(compiled, payload) == []) is valid


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_found_anywhere(compiled: CompiledSchema, bad: float) -> None:
    payload = copy.deepcopy(VALID)
    payload["message"]["items"][0]["note"] = bad  # a place no keyword looks at
    paths = [text[0] for text in _texts(compiled, payload)]
    assert paths == ["$.message.items[0].note"]


def test_numbers_that_look_non_finite_in_bytes_are_not(compiled: CompiledSchema) -> None:
    payload = copy.deepcopy(VALID)
    payload["message"]["count"] = -1  # marshals as ff ff ff ff: the exact scan clears it
    assert schema_module._fast_safe(payload)
    assert [t[0] for t in _texts(compiled, payload)] == ["$.message.count"]


def test_absurd_nesting_is_left_to_python(compiled: CompiledSchema) -> None:
    deep: Any = {}
    for _ in range(5000):
        deep = {"x": [deep]}
    payload = copy.deepcopy(VALID)
    payload["message"]["either"] = deep
    assert not schema_module._fast_safe(payload)
    texts = _texts(compiled, payload)
    assert len(texts) == 1 and "nested too deeply" in texts[0][1]


def test_real_schemas_compile_for_the_fast_path() -> None:
    compiled = validator_for("retail", "1.2.5", "on_search")
    assert compiled is not None and compiled.fast is not None
    assert validator_for("retail", "1.2.5", "on_search") is compiled
