"""``{{name}}`` templates, the placeholder style of ONDC's own Postman collections.

Rendering is pure substitution — no expressions, no attribute access on Python objects, no code —
so a scenario cannot execute anything.  A value that is exactly ``"{{name}}"`` takes the
variable's value with its JSON type (a saved list or object stays structured); inside a longer
string the value is interpolated as text.  ``{{a.b.0}}`` reads into a saved object by keys and
list indexes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ondc_harness.checks.findings import json_path
from ondc_harness.errors import HarnessError

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_@/-]+)*)\s*\}\}")


class TemplateError(HarnessError):
    """An unknown variable or an unusable value.  Names the variable and where it is used."""

    def __init__(self, variable: str, where: str, problem: str, source: str = "") -> None:
        prefix = f"{source}: " if source else ""
        super().__init__(f"{prefix}{where}: {{{{{variable}}}}}: {problem}")
        self.variable, self.where, self.problem, self.source = variable, where, problem, source


def lookup(variables: Mapping[str, Any], name: str) -> Any:
    """Resolve ``name`` (``order_id`` or ``quote.price.value``); KeyError if absent."""
    head, *rest = name.split(".")
    value = variables[head]
    for part in rest:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise KeyError(name)
    return value


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render(template: Any, variables: Mapping[str, Any], source: str = "",
           _path: tuple[str | int, ...] = ()) -> Any:
    """A deep copy of ``template`` with every placeholder replaced."""
    if isinstance(template, dict):
        return {key: render(value, variables, source, (*_path, key))
                for key, value in template.items()}
    if isinstance(template, list):
        return [render(value, variables, source, (*_path, i)) for i, value in enumerate(template)]
    if not isinstance(template, str) or "{{" not in template:
        return template

    def resolve(name: str) -> Any:
        try:
            return lookup(variables, name)
        except KeyError:
            known = ", ".join(sorted(variables)) or "none"
            raise TemplateError(name, json_path(*_path), f"unknown variable (known: {known})",
                                source) from None

    whole = _PLACEHOLDER.fullmatch(template.strip())
    if whole is not None:
        return resolve(whole.group(1))
    return _PLACEHOLDER.sub(lambda m: _as_text(resolve(m.group(1))), template)


def placeholders(template: Any) -> set[str]:
    """Every variable name a template uses (for load-time checks and docs)."""
    if isinstance(template, dict):
        return set().union(*(placeholders(v) for v in template.values())) if template else set()
    if isinstance(template, list):
        return set().union(*(placeholders(v) for v in template)) if template else set()
    if isinstance(template, str):
        return {m.group(1) for m in _PLACEHOLDER.finditer(template)}
    return set()
