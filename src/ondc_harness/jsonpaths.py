"""JSONPath reading for ``save:`` and ``match:`` (jsonpath-ng, compiled once per expression)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
from jsonpath_ng.ext.parser import parse

from ondc_harness.checks.access import MISSING


@lru_cache(maxsize=1024)
def compile_path(expression: str) -> Any:
    try:
        return parse(expression)
    except (JsonPathLexerError, JsonPathParserError, Exception) as exc:
        raise ValueError(f"invalid JSONPath {expression!r}: {exc}") from None


def first(document: Any, expression: str) -> Any:
    """The first value ``expression`` selects in ``document``, or :data:`MISSING`."""
    matches = compile_path(expression).find(document)
    return matches[0].value if matches else MISSING


def every(document: Any, expression: str) -> list[Any]:
    return [m.value for m in compile_path(expression).find(document)]
