"""JSON Schema validation of payloads against the schemas generated from the official specs.

``schemas/<family>/<version>/<action>.json`` is produced by ``tools/gen_schemas.py``; this module
only chooses the schema for a message and turns validation errors into findings.  Choosing is
where real data bites: wrong-case domains, ``"1.2"`` for ``"1.2.0"``, IGM issues carried under a
retail domain.  So the mapping is explicit, and a message without a matching schema yields no
finding here; callers ask :func:`schema_available` to say "skipped: no schema for X" instead of
silently passing it.

Validation never raises: a payload that is not an object, holds NaN/Infinity, or is nested deep
enough to exhaust the recursion limit becomes a finding like any other schema error.

Speed: python-jsonschema resolving ``$ref`` through ``referencing`` on every descent made the
schema ~60 % of offline checking (large ``on_search`` catalogues).  So each schema is compiled
twice (:class:`CompiledSchema`): ``jsonschema-rs`` answers "valid?" and *where* it is not, and
python-jsonschema words each error by re-running only the failing keyword at that spot.  The
findings are python-jsonschema's, as before; whenever the two libraries could disagree (NaN,
absurd nesting, a value Rust cannot take) or do disagree, the whole payload goes through
python-jsonschema alone.
"""

from __future__ import annotations

import json
import marshal
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema_rs
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
    if family not in FAMILIES or not isinstance(action, str) or not isinstance(version, str):
        return None
    return _schema_file(schemas_dir(), family, version, action)


@lru_cache(maxsize=1024)  # asked once per message: the file system is asked once per schema
def _schema_file(root: Path, family: str, version: str, action: str) -> Path | None:
    if not re.fullmatch(r"[a-z_]+", action) or not re.fullmatch(r"[0-9][0-9.]*", version):
        return None
    path = root / family / version / f"{action}.json"
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


class _PythonPattern:
    """``pattern`` with Python's ``re.search``, exactly as python-jsonschema applies it.

    jsonschema-rs speaks ECMA regex, which differs where the specs' patterns live: ``$`` before
    a final newline, ``\\d`` on non-ASCII digits.  A fast verdict that disagreed would drop or
    invent findings, so the fast validator calls back into Python for this one keyword.
    """

    def __init__(self, parent_schema: dict[str, Any], value: Any,
                 schema_path: list[str | int]) -> None:
        self.regex = re.compile(value) if isinstance(value, str) else None

    def validate(self, instance: Any) -> None:
        if self.regex is not None and isinstance(instance, str) \
                and not self.regex.search(instance):
            raise ValueError("does not match the pattern")


@dataclass(frozen=True)
class CompiledSchema:
    """One schema compiled for both validators (see the module docstring).

    ``python`` words the findings; ``fast`` (jsonschema-rs) decides validity and locates the
    errors; ``None`` when the schema cannot be compiled there, and then python-jsonschema does
    everything as it always did.
    """

    python: Draft202012Validator
    fast: jsonschema_rs.Validator | None

    @classmethod
    def of(cls, schema: dict[str, Any]) -> CompiledSchema:
        try:
            fast: jsonschema_rs.Validator | None = jsonschema_rs.Draft202012Validator(
                schema, validate_formats=False, keywords={"pattern": _PythonPattern})
        except Exception:  # a schema Rust rejects still validates, slowly
            fast = None
        return cls(Draft202012Validator(schema), fast)

    @property
    def schema(self) -> Any:
        return self.python.schema


@lru_cache(maxsize=256)  # ~150 schemas exist: every one stays compiled
def validator_for(family: str, version: str, action: str) -> CompiledSchema | None:
    """The compiled validator of one schema; built once per process (schemas are large)."""
    path = schema_path(family, version, action)
    if path is None:
        return None
    return CompiledSchema.of(_load(path))


@lru_cache(maxsize=1)
def ack_validator() -> CompiledSchema:
    """Validator of the synchronous ACK/NACK answer (``schemas/common/ack.json``)."""
    return CompiledSchema.of(_load(schemas_dir() / "common" / "ack.json"))


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


# A non-finite double marshals (little-endian) with its top two bytes in [f0-ff][7f|ff]; UTF-8
# text never holds that pair.  Other binary fields (ints, lengths) may, rarely: then the exact scan.
_MAYBE_NON_FINITE = re.compile(rb"[\xf0-\xff][\x7f\xff]")


def _fast_safe(payload: Any) -> bool:
    """Whether jsonschema-rs may judge ``payload``: plain values, no NaN/Infinity, not too deep.

    jsonschema-rs silently turns NaN into ``null`` and recurses on the native stack, so such
    payloads go to python-jsonschema.  ``marshal`` is the cheap whole-payload look (C speed,
    ~5× a Python walk): it refuses anything but plain values and anything nested deeper than
    ~2000 levels, and its output shows every float's bytes.
    """
    try:
        blob = marshal.dumps(payload)
    except ValueError:  # too deep, or not plain JSON values
        return False
    return _MAYBE_NON_FINITE.search(blob) is None or not any(True for _ in _non_finite(payload))


def _at(document: Any, parts: Sequence[str | int]) -> Any:
    """The value at ``parts`` inside ``document``; ``KeyError`` when it is not there."""
    for part in parts:
        in_object = isinstance(document, dict) and isinstance(part, str) and part in document
        in_array = isinstance(document, list) and isinstance(part, int) \
            and 0 <= part < len(document)
        if not (in_object or in_array):
            raise KeyError(part)
        document = document[part]
    return document


def _reworded(python: Draft202012Validator, payload: Any, instance_path: Sequence[str | int],
              keyword_path: Sequence[str | int]) -> list[ValidationError]:
    """python-jsonschema's errors for one keyword at one place, as its ``iter_errors`` makes them.

    ``keyword_path`` is where jsonschema-rs found the failing keyword (``$ref`` already resolved,
    a JSON pointer into the schema document).  Only that keyword runs, on the instance at
    ``instance_path``: no walk of the rest of the payload.
    """
    if not keyword_path:
        return []
    *parent_path, keyword = keyword_path
    parent = _at(python.schema, parent_path)
    check = python.VALIDATORS.get(keyword) if isinstance(keyword, str) else None
    if not isinstance(parent, dict) or keyword not in parent or check is None:
        return []
    value = parent[keyword]
    instance = _at(payload, instance_path)
    here = python.evolve(schema=parent)
    errors = []
    for error in check(here, value, instance, parent) or ():
        # What Validator.iter_errors does with each keyword's error (jsonschema 4.x).
        error._set(validator=keyword, validator_value=value, instance=instance,
                   schema=parent, type_checker=python.TYPE_CHECKER)
        if keyword not in {"if", "$ref"}:
            error.schema_path.appendleft(keyword)
        error.path.extendleft(reversed(instance_path))
        errors.append(error)
    return errors


def _fast_errors(compiled: CompiledSchema, payload: Any) -> list[ValidationError] | None:
    """The python-jsonschema errors of ``payload``, found by jsonschema-rs; ``None`` = unsure.

    Unsure means: the fast validator cannot take this payload, or it reports an error
    python-jsonschema does not confirm at that spot.  The caller then validates in Python.
    Call only for a payload :func:`_fast_safe` cleared.
    """
    fast = compiled.fast
    if fast is None:
        return None
    try:
        if fast.is_valid(payload):
            return []
        located = dict.fromkeys((tuple(e.instance_path), tuple(e.schema_path))
                                for e in fast.iter_errors(payload))
        errors: list[ValidationError] = []
        for instance_path, keyword_path in located:
            confirmed = _reworded(compiled.python, payload, instance_path, keyword_path)
            if not confirmed:
                return None
            errors.extend(confirmed)
    except Exception:  # a value Rust cannot convert, a private jsonschema API gone: go slow
        return None
    return errors


def _all_errors(validator: CompiledSchema | Draft202012Validator, payload: Any,
                fast: bool) -> list[ValidationError]:
    """Every validation error of ``payload``; may raise ``RecursionError``."""
    if isinstance(validator, CompiledSchema):
        errors = _fast_errors(validator, payload) if fast else None
        if errors is not None:
            return errors
        validator = validator.python
    return list(validator.iter_errors(payload))


def validate(validator: CompiledSchema | Draft202012Validator, payload: Any, *, rule_id: str,
             action: str, file: str | None = None, schema_name: str = "",
             plain_json: bool = False) -> Iterator[Finding]:
    """Findings for ``payload`` against one compiled validator; never raises.

    ``plain_json``: the caller parsed ``payload`` from JSON text itself and saw only finite
    numbers (:attr:`Message.plain_json`), which is what :func:`_fast_safe` would scan for.
    """
    seen: set[tuple[str, str]] = set()
    fast = isinstance(validator, CompiledSchema) and validator.fast is not None \
        and (plain_json or _fast_safe(payload))
    for path, value in () if fast else _non_finite(payload):
        seen.add((path, "nan"))
        yield _finding(rule_id, action, path,
                       f"{value!r} is not a JSON number (NaN/Infinity are not valid JSON)",
                       "a finite number or a string", repr(value), file, schema=schema_name)
    try:
        errors = sorted(_all_errors(validator, payload, fast),
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
                        schema_name=f"{family}/{version}/{action}",
                        plain_json=message.plain_json)


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
