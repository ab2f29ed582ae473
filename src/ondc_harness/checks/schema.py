"""JSON Schema validation of payloads against the schemas generated from the official specs.

``schemas/<family>/<version>/<action>.json`` is produced by ``tools/gen_schemas.py``; this module
only chooses the schema for a message and turns validation errors into findings.  Choosing is
where real data bites: wrong-case domains, ``"1.2"`` for ``"1.2.0"``, IGM issues carried under a
retail domain.  So the mapping is explicit, and a message without a matching schema yields no
finding here; callers ask :func:`schema_available` to say "skipped: no schema for X" instead of
silently passing it.

Validation never raises: a payload that is not an object, holds NaN/Infinity, or is nested deep
enough to exhaust the recursion limit becomes a finding like any other schema error.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ondc_harness.checks.findings import Finding, Severity, json_path
from ondc_harness.checks.runner_rules import SCHEMA, WIRE_ACK_SHAPE
from ondc_harness.message import Message
from ondc_harness.resources import schemas_dir

FAMILIES = ("retail", "igm", "rsf", "logistics")
IGM_ACTIONS = frozenset({"issue", "on_issue", "issue_status", "on_issue_status"})
RSF_ACTIONS = frozenset({"settle", "on_settle", "recon", "on_recon", "report", "on_report"})
LOGISTICS_DOMAINS = frozenset({"nic2004:60232", "ondc:log10", "ondc:log11"})
RETAIL_PREFIXES = ("ondc:ret", "ondc:agr")

_MAX_TEXT = 300  # longest quoted value in a finding message; payloads can be megabytes


def family_of(domain: str, action: str) -> str | None:
    """The schema family of a message: IGM and RSF by action, the rest by domain.

    IGM issues travel with ``ONDC:NTS10`` *or the order's domain* (PROTOCOL.md), so the action
    decides first; RSF likewise uses ``ONDC:NTS10``.  Domains are compared case-insensitively
    and trimmed because logs carry ``ondc:ret10`` and ``"ONDC:RET10 "``.
    """
    if action in IGM_ACTIONS:
        return "igm"
    if action in RSF_ACTIONS:
        return "rsf"
    key = domain.strip().lower() if isinstance(domain, str) else ""
    if key.startswith(RETAIL_PREFIXES):
        return "retail"
    if key in LOGISTICS_DOMAINS:
        return "logistics"
    return None


@lru_cache(maxsize=16)
def available_versions(family: str) -> tuple[str, ...]:
    """Versions with at least one schema for ``family`` (folder names under ``schemas/``)."""
    folder = schemas_dir() / family
    if family not in FAMILIES or not folder.is_dir():
        return ()
    return tuple(sorted(p.name for p in folder.iterdir() if p.is_dir()))


def _numeric(version: str) -> tuple[int, ...] | None:
    parts = re.findall(r"\d+", version)
    if not parts or len(parts) > 3:
        return None
    numbers = [int(p) for p in parts]
    return tuple(numbers + [0] * (3 - len(numbers)))


def normalise_version(family: str, version: str) -> str | None:
    """``version`` as one of the family's schema versions, or ``None``.

    Exact matches win.  Near misses (``"1.2"``, ``"v1.2.5"``, ``" 1.2.0"``, ``"1.2.05"``) are
    accepted only when exactly one known version has the same numbers; anything else is
    ambiguous and gets no schema rather than the wrong one.
    """
    known = available_versions(family)
    if not isinstance(version, str):
        return None
    if version in known:
        return version
    wanted = _numeric(version.strip())
    if wanted is None or not re.fullmatch(r"\s*[vV]?\d+(\.\d+){0,2}\s*", version):
        return None
    matches = [v for v in known if _numeric(v) == wanted]
    return matches[0] if len(matches) == 1 else None


def schema_path(family: str, version: str, action: str) -> Path | None:
    """The schema file for exactly this (family, version, action), if it exists."""
    if family not in FAMILIES or not re.fullmatch(r"[a-z_]+", action or ""):
        return None
    if not re.fullmatch(r"[0-9][0-9.]*", version or ""):
        return None
    path = schemas_dir() / family / version / f"{action}.json"
    return path if path.is_file() else None


def schema_available(family: str | None, version: str, action: str) -> bool:
    """Whether a schema exists, after the same version normalisation validation uses."""
    if family is None:
        return False
    resolved = normalise_version(family, version)
    return resolved is not None and schema_path(family, resolved, action) is not None


IGM_2_MARKERS = frozenset({"actors", "level", "refs", "actions", "source_id", "complainant_id"})
IGM_1_MARKERS = frozenset({"complainant_info", "order_details", "category", "sub_category",
                           "issue_actions", "resolution_provider"})


def igm_version(message: Message) -> str | None:
    """The IGM version of an issue message, which its context often does not tell.

    IGM messages carry the *order's* ``core_version`` (``1.2.0``, ``1.2.5``: the official 1.2.5
    flows and the IGM 2.0.0 retail examples do), so the shape of ``message.issue`` decides:
    2.0.0 has ``actors``/``level``/``refs``, 1.0.0 has ``complainant_info``/``order_details``.
    Without an issue object (``issue_status``) only an IGM version in the context counts.
    """
    issue = message.body.get("issue")
    if isinstance(issue, dict):
        keys = set(issue)
        if keys & IGM_2_MARKERS and not keys & IGM_1_MARKERS:
            return normalise_version("igm", "2.0.0")
        if keys & IGM_1_MARKERS and not keys & IGM_2_MARKERS:
            return normalise_version("igm", "1.0.0")
    return normalise_version("igm", message.version)


def schema_for_message(message: Message, action: str | None = None) -> tuple[str, str, str] | None:
    """``(family, version, action)`` of the schema that applies to ``message``, if any.

    ``action`` overrides ``context.action`` for callers that know better (a scenario step
    named ``on_search_inc`` receives an incremental catalogue sent as ``on_search``).
    """
    action = action or message.action
    family = family_of(message.domain, message.action or action)
    if family is None:
        return None
    version = igm_version(message) if family == "igm" else normalise_version(
        family, message.version)
    if version is None or schema_path(family, version, action) is None:
        return None
    return family, version, action


@lru_cache(maxsize=256)
def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a schema must be a JSON object")
    return data


@lru_cache(maxsize=256)  # ~150 schemas exist: every one stays compiled
def validator_for(family: str, version: str, action: str) -> Draft202012Validator | None:
    """The compiled validator of one schema; built once per process (schemas are large)."""
    path = schema_path(family, version, action)
    if path is None:
        return None
    return Draft202012Validator(_load(path))


@lru_cache(maxsize=1)
def ack_validator() -> Draft202012Validator:
    """Validator of the synchronous ACK/NACK answer (``schemas/common/ack.json``)."""
    return Draft202012Validator(_load(schemas_dir() / "common" / "ack.json"))


# ---------------------------------------------------------------------------------------------
# Errors → findings
# ---------------------------------------------------------------------------------------------


def _short(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _scalar(value: Any) -> Any:
    """What a finding shows as ``actual``: scalars as they are, containers by type only."""
    if isinstance(value, dict):
        return "<object>"
    if isinstance(value, list):
        return "<array>"
    return value


def _parts(error: ValidationError) -> list[str | int]:
    return [p if isinstance(p, int) else str(p) for p in error.absolute_path]


def _error_message(error: ValidationError) -> str:
    text = error.message
    if len(text) > _MAX_TEXT:
        text = text[: _MAX_TEXT - 1] + "…"
    return text


def _violations(error: ValidationError) -> Iterator[tuple[str, str, Any, Any]]:
    """``(path, message, expected, actual)`` for one jsonschema error."""
    parts = _parts(error)
    keyword = error.validator
    instance = error.instance
    if keyword == "required" and isinstance(instance, dict):
        for key in error.validator_value if isinstance(error.validator_value, list) else []:
            if isinstance(key, str) and key not in instance:
                parent = json_path(*parts)
                yield (json_path(*parts, key),
                       f"required key {key!r} is missing from {parent} "
                       f"(JSON Schema: {key!r} is a required property)",
                       key, None)
        return
    if keyword == "additionalProperties" and isinstance(instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        declared = schema.get("properties", {})
        patterns = list(schema.get("patternProperties", {}))
        extras = [k for k in instance
                  if k not in declared and not any(re.search(p, k) for p in patterns)]
        for key in extras:
            yield (json_path(*parts, key),
                   f"key {key!r} is not allowed here (JSON Schema: additional properties are "
                   f"not allowed, the spec closes this object)",
                   sorted(declared), key)
        if extras:
            return
    where = json_path(*parts)
    if keyword == "enum":
        yield where, f"{_short(instance)} is not one of the allowed values (JSON Schema: " \
            f"{_error_message(error)})", error.validator_value, _scalar(instance)
    elif keyword == "const":
        yield where, f"JSON Schema: {_error_message(error)}", error.validator_value, \
            _scalar(instance)
    elif keyword == "type":
        yield where, f"expected {error.validator_value}, got {type(instance).__name__} " \
            f"{_short(instance)} (JSON Schema: {_error_message(error)})", \
            error.validator_value, _scalar(instance)
    else:
        yield where, f"JSON Schema {keyword}: {_error_message(error)}", \
            error.validator_value if not isinstance(error.validator_value, dict | list) \
            else None, _scalar(instance)


def _non_finite(payload: Any) -> Iterator[tuple[str, float]]:
    """NaN / Infinity anywhere in the payload (not valid JSON, yet Python's parser accepts them).

    Iterative so a deeply nested payload cannot exhaust the stack here.
    """
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(payload, ())]
    while stack:
        value, parts = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            yield json_path(*parts), value
        elif isinstance(value, dict):
            stack.extend((v, (*parts, str(k))) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((v, (*parts, i)) for i, v in reversed(list(enumerate(value))))


def _finding(rule_id: str, action: str, path: str, text: str, expected: Any = None,
             actual: Any = None, file: str | None = None, **extra: Any) -> Finding:
    return Finding(rule_id=rule_id, severity=Severity.CRITICAL, action=action or "?",
                   path=path, message=text, expected=expected, actual=actual, file=file,
                   extra=dict(extra))


def validate(validator: Draft202012Validator, payload: Any, *, rule_id: str, action: str,
             file: str | None = None, schema_name: str = "") -> Iterator[Finding]:
    """Findings for ``payload`` against one compiled validator; never raises."""
    seen: set[tuple[str, str]] = set()
    for path, value in _non_finite(payload):
        seen.add((path, "nan"))
        yield _finding(rule_id, action, path,
                       f"{value!r} is not a JSON number (NaN/Infinity are not valid JSON)",
                       "a finite number or a string", repr(value), file, schema=schema_name)
    try:
        errors = sorted(validator.iter_errors(payload),
                        key=lambda e: (json_path(*_parts(e)), e.message))
    except RecursionError:
        yield _finding(rule_id, action, "$",
                       "payload is nested too deeply to validate (recursion limit reached)",
                       file=file, schema=schema_name)
        return
    for error in errors:
        for path, text, expected, actual in _violations(error):
            # The same field can break two statements saying the same thing (the OpenAPI's enum
            # and a table's enum): one finding per path and keyword is enough.
            key = (path, str(error.validator) if error.validator != "required" else text)
            if key in seen or (path, "nan") in seen:
                continue
            seen.add(key)
            yield _finding(rule_id, action, path, text, expected, actual, file,
                           schema=schema_name, keyword=str(error.validator))


def schema_findings(message: Message, action: str | None = None) -> Iterator[Finding]:
    """One ``SCHEMA-001`` finding per validation error of ``message`` against its schema.

    Yields nothing when no schema applies (see :func:`schema_available`); a payload that is not
    a JSON object is always a finding, since no ONDC message can be anything else.  ``action``
    picks another schema of the message's family and version (``on_search_inc``).
    """
    payload = message.payload
    if not isinstance(payload, dict):
        yield _finding(SCHEMA, message.action, "$",
                       f"payload is a JSON {type(payload).__name__}, not an object with "
                       "context and message", "object", _scalar(payload), message.file)
        return
    chosen = schema_for_message(message, action)
    if chosen is None:
        return
    family, version, action = chosen
    validator = validator_for(family, version, action)
    if validator is None:
        return
    yield from validate(validator, payload, rule_id=SCHEMA, action=action, file=message.file,
                        schema_name=f"{family}/{version}/{action}")


def ack_findings(body: Any, action: str = "?") -> Iterator[Finding]:
    """Findings for a synchronous answer against ``schemas/common/ack.json`` (``WIRE-ACK-001``).

    A NACK without an ``error`` object passes the schema (the spec does not require it); the
    wire layer reports that separately as ``WIRE-ACK-003``.
    """
    if not isinstance(body, dict):
        yield _finding(WIRE_ACK_SHAPE, action, "$",
                       f"answer is a JSON {type(body).__name__}, not an object",
                       "object", _scalar(body))
        return
    yield from validate(ack_validator(), body, rule_id=WIRE_ACK_SHAPE, action=action,
                        schema_name="common/ack")
