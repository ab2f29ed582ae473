#!/usr/bin/env python3
"""Generate the harness's JSON Schemas (draft 2020-12) from the official ONDC specs.

Why a generator instead of hand-written schemas: the official OpenAPI builds and attribute
tables *are* the spec.  Deriving the schemas mechanically keeps them faithful (what the spec
requires is required, nothing more) and lets a test prove that the committed files are exactly
what the pack produces (``--check``).

Sources (relative to ``--pack``, default ``../shared/ondc`` from the repo root):

* Retail 1.2.0: ``retail-1.2/openapi/build.yaml`` (paths, components, ``x-enum``).
* Retail 1.2.5: ``automation-1.2.5/RET10-1.2.5`` and ``RET11-1.2.5`` ``specs/openapi.yaml`` plus
  ``attributes/*.yaml`` (field-level ``required`` and ``enums``).  One schema serves every
  retail domain, so the two builds are merged leniently (see :func:`merge_lenient`).
* Logistics 1.2.5 (ONDC:LOG10 / LOG11): ``automation-1.2.5/logistics-1.2.5`` and ``LOG11-1.2.5``,
  merged the same way.
* Logistics 1.0.0 / 1.2.0 (``nic2004:60232``): the pack has no spec of its own for these, so they
  are *derived* from the logistics 1.2.5 OpenAPI structure only: types and the OpenAPI's own
  ``required`` lists, but no 1.2.5 attribute tables, no enums and no closed objects (those are
  1.2.5 statements that older payloads cannot be held to).
* Logistics 2.0.0 (B2B): ``logistics-b2b-2.0/build/build.yaml``.
* IGM 1.0.0 / 2.0.0 and RSF 2.0.0: ``*/build/build.yaml``.

Output: ``schemas/<family>/<version>/<action>.json`` and ``schemas/common/ack.json``; each file is
self-contained (every referenced component is inlined under ``$defs``) and written with sorted
keys so regeneration is byte-for-byte reproducible.

Conversion from OpenAPI 3.0: ``nullable`` becomes a ``"null"`` type, boolean
``exclusiveMinimum``/``exclusiveMaximum`` become numeric, ``$ref`` into ``components/schemas``
becomes ``$ref`` into ``$defs``, ``example``/``x-*``/``discriminator``/``xml``/``externalDocs``
are dropped, and ``allOf`` is flattened where a member closes its object (otherwise the other
members' properties could never validate).  Per-action strictness from the enum and attribute
tables is added as one ``allOf`` overlay at the root, so the shared components stay unchanged
and errors still point at the failing value.

Usage::

    python tools/gen_schemas.py                # write schemas/
    python tools/gen_schemas.py --check        # exit 1 if schemas/ differs from the pack
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PACK = REPO_ROOT.parent / "shared" / "ondc"
DEFAULT_OUT = REPO_ROOT / "schemas"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID_PREFIX = "urn:ondc-harness:schema"

Json = Any
Schema = dict[str, Any]

RETAIL_ACTIONS = [
    "search", "on_search", "search_inc", "on_search_inc", "select", "on_select", "init",
    "on_init", "confirm", "on_confirm", "status", "on_status", "track", "on_track", "cancel",
    "on_cancel", "update", "on_update", "rating", "on_rating", "support", "on_support",
]
LOGISTICS_ACTIONS = [
    "search", "on_search", "select", "on_select", "init", "on_init", "confirm", "on_confirm",
    "status", "on_status", "track", "on_track", "cancel", "on_cancel", "update", "on_update",
]
IGM_ACTIONS = ["issue", "on_issue", "issue_status", "on_issue_status"]
RSF_ACTIONS = ["settle", "on_settle", "recon", "on_recon", "report", "on_report"]

# Incremental catalogue refresh travels as a plain search / on_search on the wire; the
# ``*_inc`` schemas exist so callers that know a message is incremental can ask for them.
DERIVED_ACTIONS = {"search_inc": "search", "on_search_inc": "on_search"}

# ---------------------------------------------------------------------------------------------
# YAML loading
# ---------------------------------------------------------------------------------------------


_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster


class SpecLoader(_BaseLoader):  # type: ignore[misc]
    """YAML loader matching how the spec authors' JavaScript tooling reads these files.

    Oddity (all packs): unquoted timestamps (``timestamp: 2026-03-13T11:18:25.682Z``) would become
    ``datetime`` objects under PyYAML's YAML 1.1 rules, and ``yes``/``no``/``on``/``off`` would
    become booleans.  The specs are JSON payloads written as YAML, so timestamps stay strings and
    only ``true``/``false`` are booleans (YAML 1.2 core schema).
    """

    yaml_implicit_resolvers: dict[Any, Any]


SpecLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def load_yaml(path: Path) -> Json:
    """Load one spec or example file with :class:`SpecLoader`."""
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SpecLoader)


# ---------------------------------------------------------------------------------------------
# OpenAPI 3.0 → JSON Schema 2020-12
# ---------------------------------------------------------------------------------------------

_DROPPED_KEYWORDS = {"example", "examples", "discriminator", "xml", "externalDocs"}
_SUBSCHEMA_KEYWORDS = {"items", "additionalProperties", "not", "contains", "propertyNames"}
_SUBSCHEMA_LIST_KEYWORDS = {"allOf", "anyOf", "oneOf", "prefixItems"}
_SUBSCHEMA_MAP_KEYWORDS = {"properties", "patternProperties"}
_VALID_TYPES = {"object", "array", "string", "number", "integer", "boolean", "null"}


@dataclass
class Report:
    """What the generator noticed and worked around; printed with ``--verbose``."""

    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def rewrite_ref(ref: str, where: str) -> str:
    """``#/components/schemas/X/...`` → ``#/$defs/X/...``; anything else is a spec defect."""
    prefix = "#/components/schemas/"
    if ref.startswith(prefix):
        return "#/$defs/" + ref[len(prefix):]
    raise ValueError(f"{where}: unsupported $ref {ref!r}")


def convert(node: Json, where: str, report: Report) -> Json:
    """Convert one OpenAPI 3.0 schema object (recursively) to draft 2020-12."""
    if not isinstance(node, dict):
        return copy.deepcopy(node)
    out: Schema = {}
    for key, value in node.items():
        if not isinstance(key, str) or key.startswith("x-") or key in _DROPPED_KEYWORDS:
            continue
        if key == "$ref":
            out[key] = rewrite_ref(value, where)
        elif key in _SUBSCHEMA_MAP_KEYWORDS and isinstance(value, dict):
            out[key] = {
                str(name): convert(sub, f"{where}/{key}/{name}", report)
                for name, sub in value.items()
            }
        elif key in _SUBSCHEMA_KEYWORDS and isinstance(value, dict):
            out[key] = convert(value, f"{where}/{key}", report)
        elif key in _SUBSCHEMA_LIST_KEYWORDS and isinstance(value, list):
            out[key] = [convert(sub, f"{where}/{key}/{i}", report) for i, sub in enumerate(value)]
        elif key == "required":
            # Oddity (Swagger 2 habit): ``required: true`` on a property instead of a list on
            # its parent object.  It is not valid OpenAPI 3.0; the parent pass below lifts it.
            if isinstance(value, list):
                names = [str(v) for v in value]
                if names:
                    out[key] = list(dict.fromkeys(names))
            elif value is True:
                out["x-required-flag"] = True
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            continue  # handled below with its minimum / maximum
        elif key == "nullable":
            continue  # handled below
        elif key == "type" and isinstance(value, str) and value not in _VALID_TYPES:
            lowered = value.lower()
            if lowered in _VALID_TYPES:
                # Oddity: capitalised type names (``type: String``).
                report.note(f"{where}: type {value!r} read as {lowered!r}")
                out[key] = lowered
            else:
                report.note(f"{where}: unknown type {value!r} dropped")
        else:
            out[key] = copy.deepcopy(value)
    for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if node.get(flag) is True and bound in out:
            out[flag] = out.pop(bound)
    if node.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    props = out.get("properties")
    if isinstance(props, dict):
        lifted = [name for name, sub in props.items()
                  if isinstance(sub, dict) and sub.pop("x-required-flag", None)]
        if lifted:
            report.note(f"{where}: property-level `required: true` lifted for {lifted}")
            out["required"] = list(dict.fromkeys([*out.get("required", []), *lifted]))
    out.pop("x-required-flag", None)
    return out


def resolve_pointer(document: Schema, ref: str) -> Json:
    """Resolve a local JSON pointer (``#/$defs/X/properties/y``) inside ``document``."""
    if not ref.startswith("#/"):
        raise KeyError(ref)
    node: Json = document
    for raw in ref[2:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(ref)
    return node


def deref(document: Schema, node: Json, limit: int = 32) -> Json:
    """Follow a chain of ``$ref``-only nodes to the schema they name."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < limit:
        node = resolve_pointer(document, node["$ref"])
        seen += 1
    return node


def inline_deep_refs(document: Schema, report: Report) -> None:
    """Replace ``$ref`` to a *part* of a component (``#/$defs/Provider/properties/id``) by a copy.

    The specs use such pointers a lot.  They would break as soon as the target's structure is
    simplified (``allOf`` flattening), and a copy of a leaf is as readable, so they are inlined
    before anything else changes the document.  References to whole components stay references.
    """

    def visit(node: Json, depth: int) -> Json:
        if isinstance(node, list):
            return [visit(x, depth) for x in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and \
                "/" in ref[len("#/$defs/"):] and depth < 16:
            target = copy.deepcopy(resolve_pointer(document, ref))
            merged = {k: v for k, v in node.items() if k != "$ref"}
            if isinstance(target, dict):
                for key, value in target.items():
                    merged.setdefault(key, value)
            return visit(merged, depth + 1)
        return {k: visit(v, depth) for k, v in node.items()}

    inlined = visit({k: v for k, v in document.items()}, 0)
    document.clear()
    document.update(inlined)


def _closes(document: Schema, member: Json) -> bool:
    target = deref(document, member)
    return isinstance(target, dict) and target.get("additionalProperties") is False


def _merge_object_members(document: Schema, members: list[Json]) -> Schema | None:
    """Merge ``allOf`` members into one object schema, or ``None`` when that is not safe."""
    merged: Schema = {}
    properties: dict[str, Any] = {}
    required: list[str] = []
    closed = False
    for member in members:
        target = deref(document, member)
        if not isinstance(target, dict):
            return None
        for key, value in target.items():
            if key == "properties" and isinstance(value, dict):
                for name, sub in value.items():
                    if name in properties and properties[name] != sub:
                        properties[name] = {"allOf": [properties[name], copy.deepcopy(sub)]}
                    else:
                        properties[name] = copy.deepcopy(sub)
            elif key == "required" and isinstance(value, list):
                required.extend(value)
            elif key == "additionalProperties":
                if value is False:
                    closed = True
                elif value is not True:
                    return None
            elif key == "type":
                if merged.get("type", value) != value:
                    return None
                merged["type"] = value
            elif key in ("description", "title"):
                merged.setdefault(key, value)
            else:
                return None
    merged["type"] = merged.get("type", "object")
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = list(dict.fromkeys(required))
    if closed:
        merged["additionalProperties"] = False
    return merged


def flatten_all_of(document: Schema, report: Report) -> None:
    """Simplify ``allOf`` everywhere in ``document`` (its roots and ``$defs``).

    * ``allOf: [X]`` with sibling annotations becomes ``X`` plus the siblings (2020-12 allows
      keywords beside ``$ref``), which reads better and keeps error paths short.
    * Oddity (Retail 1.2.5, logistics 1.2.5, IGM): ``allOf: [Closed, {properties: {extra}}]``
      where ``Closed`` has ``additionalProperties: false``: taken literally no payload carrying
      ``extra`` could ever validate, which is clearly not the authors' intent.  Such members are
      merged into one object whose property set is the union, closed as the original was.
    """

    def visit(node: Json, where: str) -> Json:
        if isinstance(node, list):
            return [visit(x, f"{where}/{i}") for i, x in enumerate(node)]
        if not isinstance(node, dict):
            return node
        node = {k: visit(v, f"{where}/{k}") for k, v in node.items()}
        members = node.get("allOf")
        if not isinstance(members, list) or not members:
            return node
        siblings = {k: v for k, v in node.items() if k != "allOf"}
        if len(members) == 1 and isinstance(members[0], dict):
            only = members[0]
            clash = set(only) & set(siblings) - {"description", "title"}
            if not clash:
                combined = dict(only)
                for key, value in siblings.items():
                    combined.setdefault(key, value)
                return combined
        if any(_closes(document, m) for m in members) and not (
            set(siblings) - {"description", "title", "type"}
        ):
            merged = _merge_object_members(document, members)
            if merged is not None:
                report.note(f"{where}: allOf with a closed member flattened")
                for key in ("description", "title"):
                    if key in siblings:
                        merged[key] = siblings[key]
                return merged
            report.note(f"{where}: allOf with a closed member could not be flattened")
        return node

    for key in list(document):
        if key == "$defs":
            document["$defs"] = {
                name: visit(sub, f"#/$defs/{name}") for name, sub in document["$defs"].items()
            }
        elif key in ("properties", "allOf", "items"):
            document[key] = visit(document[key], f"#/{key}")


def iter_refs(node: Json) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from iter_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from iter_refs(value)


def reachable_defs(root: Json, defs: dict[str, Schema]) -> dict[str, Schema]:
    """The ``$defs`` entries ``root`` needs, transitively (so each file is self-contained)."""
    wanted: dict[str, Schema] = {}
    pending = list(iter_refs(root))
    while pending:
        ref = pending.pop()
        if not ref.startswith("#/$defs/"):
            continue
        name = ref[len("#/$defs/"):].split("/", 1)[0].replace("~1", "/").replace("~0", "~")
        if name in wanted or name not in defs:
            continue
        wanted[name] = defs[name]
        pending.extend(iter_refs(defs[name]))
    return dict(sorted(wanted.items()))


# ---------------------------------------------------------------------------------------------
# Lenient merge of sibling specs (RET10 + RET11, LOG10 + LOG11)
# ---------------------------------------------------------------------------------------------

_CONSTRAINTS = {
    "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
    "maxLength", "minItems", "maxItems", "format", "const", "multipleOf", "uniqueItems",
}


def merge_lenient(a: Json, b: Json) -> Json:
    """Merge two schemas for the same thing so that whatever either accepts, the result accepts.

    One schema file serves every domain of a family (``retail/1.2.5`` covers RET10 and RET11), and
    sibling builds disagree in small ways (RET10 closes ``Descriptor``, RET11 does not; RET11's
    item has ``tags``).  Holding RET11 payloads to RET10's stricter reading would be inventing
    strictness, so: properties are united, ``required`` is intersected, enums are united, an
    object is closed only when both close it, and constraints only one side states are dropped.
    """
    if a == b:
        return copy.deepcopy(a)
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return {"anyOf": [copy.deepcopy(a), copy.deepcopy(b)]}
    if ("$ref" in a or "$ref" in b) and a.get("$ref") != b.get("$ref"):
        return {"anyOf": [copy.deepcopy(a), copy.deepcopy(b)]}
    out: Schema = {}
    for key in list(a) + [k for k in b if k not in a]:
        in_a, in_b = key in a, key in b
        va, vb = a.get(key), b.get(key)
        if key == "properties" and isinstance(va, dict) and isinstance(vb, dict):
            out[key] = {
                name: merge_lenient(va[name], vb[name]) if name in va and name in vb
                else copy.deepcopy(va.get(name, vb.get(name)))
                for name in list(va) + [n for n in vb if n not in va]
            }
        elif key == "properties":
            out[key] = copy.deepcopy(va if in_a else vb)
        elif key == "required":
            if isinstance(va, list) and isinstance(vb, list):
                both = [name for name in va if name in vb]
                if both:
                    out[key] = both
        elif key == "additionalProperties":
            if in_a and in_b:
                if va is False and vb is False:
                    out[key] = False
                elif isinstance(va, dict) and isinstance(vb, dict):
                    out[key] = merge_lenient(va, vb)
        elif key == "enum":
            if isinstance(va, list) and isinstance(vb, list):
                out[key] = list(dict.fromkeys([*va, *vb]))
        elif key in _CONSTRAINTS:
            if in_a and in_b and va == vb:
                out[key] = copy.deepcopy(va)
        elif key in ("items", "not") and isinstance(va, dict) and isinstance(vb, dict):
            out[key] = merge_lenient(va, vb)
        elif key in _SUBSCHEMA_LIST_KEYWORDS:
            if va == vb:
                out[key] = copy.deepcopy(va)
            else:
                # Different compositions: accept either side as a whole.
                return {"anyOf": [copy.deepcopy(a), copy.deepcopy(b)]}
        elif key == "type":
            if in_a and in_b and va != vb:
                types = [*(va if isinstance(va, list) else [va]),
                         *(vb if isinstance(vb, list) else [vb])]
                out[key] = list(dict.fromkeys(types))
            elif in_a and in_b:
                out[key] = copy.deepcopy(va)
        else:
            out[key] = copy.deepcopy(va if in_a else vb)
    return out


# ---------------------------------------------------------------------------------------------
# Overlays: per-action strictness from the enum and attribute tables
# ---------------------------------------------------------------------------------------------


@dataclass
class OverlayNode:
    """Constraints at one path of the payload, before they are rendered as JSON Schema."""

    children: dict[str, OverlayNode] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    enum: list[Any] | None = None
    const: Any = None
    has_const: bool = False
    # Constraints at this node (and below) do not apply to instances matching ``unless``.
    unless: Schema | None = None
    # Extra statements at this node (conditional requirements), rendered into ``allOf``.
    extra: list[Schema] = field(default_factory=list)

    def child(self, name: str) -> OverlayNode:
        return self.children.setdefault(name, OverlayNode())

    def empty(self) -> bool:
        return not (self.children or self.required or self.enum is not None or self.has_const
                    or self.extra)

    def find(self, *parts: str) -> OverlayNode | None:
        node: OverlayNode | None = self
        for part in parts:
            node = node.children.get(part) if node is not None else None
        return node

    def make_conditional(self, key: str, condition: Schema, when: bool = True) -> bool:
        """Require ``key`` only when the instance matches ``condition`` (or, with
        ``when=False``, only when it does not)."""
        if key not in self.required:
            return False
        self.required.remove(key)
        branch = "then" if when else "else"
        self.extra.append({"if": condition, branch: {"required": [key]}})
        return True


class SchemaView:
    """Answers structural questions about the base schema ("is this an array?") through refs."""

    def __init__(self, document: Schema) -> None:
        self.document = document

    def expand(self, nodes: Iterable[Json]) -> list[Schema]:
        out: list[Schema] = []
        stack = list(nodes)
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            try:
                node = deref(self.document, node)
            except KeyError:
                continue
            if not isinstance(node, dict) or id(node) in seen:
                continue
            seen.add(id(node))
            out.append(node)
            for key in ("allOf", "anyOf", "oneOf"):
                members = node.get(key)
                if isinstance(members, list):
                    stack.extend(members)
        return out

    def is_array(self, nodes: list[Json]) -> bool:
        for node in self.expand(nodes):
            kind = node.get("type")
            if kind == "array" or (isinstance(kind, list) and "array" in kind) or "items" in node:
                return True
        return False

    def items(self, nodes: list[Json]) -> list[Json]:
        return [n["items"] for n in self.expand(nodes) if isinstance(n.get("items"), dict)]

    def prop(self, nodes: list[Json], name: str) -> list[Json]:
        found: list[Json] = []
        for node in self.expand(nodes):
            props = node.get("properties")
            if isinstance(props, dict) and name in props:
                found.append(props[name])
        return found

    def string_typed(self, nodes: list[Json]) -> bool:
        for node in self.expand(nodes):
            kind = node.get("type")
            if kind == "string" or (isinstance(kind, list) and "string" in kind):
                return True
        return False


def render_overlay(node: OverlayNode, base: list[Json], view: SchemaView, where: str,
                   report: Report) -> Schema:
    """Render ``node`` as JSON Schema, stepping into ``items`` where the base is an array."""
    if base and view.is_array(base):
        return {"items": render_overlay(node, view.items(base), view, where, report)}
    if node.unless is not None:
        plain = OverlayNode(children=node.children, required=node.required, enum=node.enum,
                            const=node.const, has_const=node.has_const, extra=node.extra)
        rendered = render_overlay(plain, base, view, where, report)
        return {"if": copy.deepcopy(node.unless), "else": rendered} if rendered else {}
    out: Schema = {}
    if node.required:
        out["required"] = list(node.required)
    if node.enum is not None:
        out["enum"] = list(node.enum)
    if node.has_const:
        out["const"] = node.const
    if node.extra:
        out["allOf"] = copy.deepcopy(node.extra)
    if node.children:
        props: Schema = {}
        for name in sorted(node.children):
            child = node.children[name]
            if child.empty():
                continue
            props[name] = render_overlay(child, view.prop(base, name), view, f"{where}.{name}",
                                         report)
        if props:
            out["properties"] = props
    return out


@dataclass
class Constraint:
    """One field-level statement from an enum or attribute table."""

    path: list[str]
    required: bool = False
    enum: list[Any] | None = None
    # The rule set checks this field with a pattern instead: the OpenAPI's enum is dropped.
    drop_enum: bool = False


def apply_constraints(
    root: Schema, constraints: Iterable[Constraint], view: SchemaView, label: str,
    report: Report,
) -> OverlayNode:
    """Turn table constraints into an overlay tree, keeping only paths the OpenAPI defines.

    A table path the OpenAPI schema does not know is a table defect (a typo such as
    ``sub_catagory``, or a field that moved); requiring it would reject every correct payload,
    so it is reported and skipped instead.
    """
    overlay = OverlayNode()
    for constraint in constraints:
        path = constraint.path
        nodes: list[Json] = [root]
        known = True
        for part in path:
            if view.is_array(nodes):
                nodes = view.items(nodes)
            nodes = view.prop(nodes, part)
            if not nodes:
                known = False
                break
        dotted = ".".join(path)
        if not known:
            report.note(f"{label}: table path {dotted} is not in the OpenAPI schema; skipped")
            continue
        if constraint.drop_enum:
            for base_node in view.expand(nodes):
                if "enum" in base_node:
                    report.note(f"{label}: OpenAPI enum at {dotted} dropped for the rule "
                                f"set's pattern: {base_node['enum']}")
                    del base_node["enum"]
        target = overlay
        for part in path[:-1]:
            target = target.child(part)
        if constraint.required and path[-1] not in target.required:
            target.required.append(path[-1])
        if constraint.enum is not None:
            values = constraint.enum
            # Two statements about one field (the OpenAPI's enum and a table's): a value either
            # allows is allowed, rather than only values both list (Retail 1.2.5's OpenAPI
            # ``Fulfillment.type`` reads Delivery/Pickup while the tables and every flow say
            # Self-Pickup; IGM 2.0.0's OpenAPI has NOW-VISIBLE, its table NOW_VISIBLE).
            for base_node in view.expand(nodes):
                base_values = base_node.get("enum")
                if isinstance(base_values, list) and base_values != values:
                    united = list(dict.fromkeys([*base_values, *values]))
                    report.note(f"{label}: enum at {dotted}: OpenAPI {base_values} united with "
                                f"the table's {values}")
                    base_node["enum"] = united
                    values = list(dict.fromkeys([*values, *base_values]))
            if view.string_typed(nodes):
                strings = [v for v in values if isinstance(v, str)]
                if len(strings) != len(values):
                    # Oddity (Retail 1.2.5 title_type table ends with a stray ``0``; 1.2.0
                    # instructions.code lists integers for a string field).
                    report.note(f"{label}: non-string enum values dropped at {dotted}: "
                                f"{[v for v in values if not isinstance(v, str)]}")
                values = strings
            if not values:
                continue
            leaf = target.child(path[-1])
            leaf.enum = values if leaf.enum is None else list(dict.fromkeys([*leaf.enum,
                                                                                *values]))
    return overlay


def overlay_schema(overlay: OverlayNode, root: Schema, view: SchemaView, report: Report,
                   label: str) -> Schema | None:
    rendered = render_overlay(overlay, [root], view, label, report)
    return rendered or None


# ---------------------------------------------------------------------------------------------
# Enum and attribute tables
# ---------------------------------------------------------------------------------------------


def _codes(entries: Iterable[Json]) -> list[Any]:
    out: list[Any] = []
    for entry in entries:
        value = entry.get("code") if isinstance(entry, dict) else entry
        if value is not None and value not in out:
            out.append(value)
    return out


def split_table_key(key: str) -> list[str]:
    """One table key → path segments.

    Keys are single segments (``@ondc/org/title_type`` and ``bpp/providers`` are key names).
    Oddity (Retail 1.2.5 attributes): a few keys use JSONPath brackets (``descriptor['name']``).
    """
    if "[" not in key:
        return [key]
    return [part for part in re.split(r"\[['\"]?|['\"]?\]|\.", key) if part]


def x_enum_constraints(table: Json, action: str) -> list[Constraint]:
    """``x-enum``: ``{action: {path...: [ {code: ...}, ... ]}}`` → enum constraints."""
    out: list[Constraint] = []

    def walk(node: Json, path: list[str]) -> None:
        if isinstance(node, list):
            if node and all(isinstance(e, dict) and "code" in e for e in node):
                out.append(Constraint(path=path, enum=_codes(node)))
            return
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, [*path, *split_table_key(str(key))])

    walk(table.get(action) if isinstance(table, dict) else None, [])
    return out


def automation_attribute_constraints(table: Json, action: str) -> list[Constraint]:
    """automation-1.2.5 ``attributes``: nested keys, each with ``_description``."""
    out: list[Constraint] = []
    sets = table.get("attribute_set") if isinstance(table, dict) else None
    node = sets.get(action) if isinstance(sets, dict) else None

    def walk(n: Json, path: list[str]) -> None:
        if not isinstance(n, dict):
            return
        desc = n.get("_description")
        if isinstance(desc, dict) and path:
            enums = desc.get("enums")
            out.append(Constraint(
                path=path,
                required=desc.get("required") is True,
                enum=_codes(enums) if isinstance(enums, list) and enums else None,
            ))
        for key, value in n.items():
            if key != "_description":
                walk(value, [*path, *split_table_key(str(key))])

    walk(node, [])
    return out


def x_attribute_constraints(attribute_set: Json, action_keys: Iterable[str]) -> list[Constraint]:
    """``x-attributes`` of the IGM / RSF / B2B builds: leaves carry ``required``.

    ``required`` is ``"mandatory"``/``"optional"`` (IGM, B2B) or a boolean (RSF).  Only the
    required flag is used; these tables carry no enum lists.
    """
    out: list[Constraint] = []

    def is_leaf(n: Json) -> bool:
        return isinstance(n, dict) and "required" in n and not isinstance(n["required"], dict)

    def walk(n: Json, path: list[str]) -> None:
        if not isinstance(n, dict):
            return
        if is_leaf(n) and path:
            flag = n["required"]
            required = flag is True or (isinstance(flag, str) and flag.lower() == "mandatory")
            out.append(Constraint(path=path, required=required))
            return
        for key, value in n.items():
            if key in ("parent", "_description"):
                continue
            walk(value, [*path, *split_table_key(str(key))])

    for key in action_keys:
        walk(attribute_set.get(key) if isinstance(attribute_set, dict) else None, [])
    return out


def intersect_tables(tables: list[list[Constraint]]) -> list[Constraint]:
    """Several tables describe one schema (RET10 + RET11, IGM RETAIL + CREDIT + ...).

    A field is required only when every table that mentions the action requires it; enums are
    united.  One schema serves all the domains, so it must not be stricter than any of them.
    """
    tables = [t for t in tables if t]
    if not tables:
        return []
    if len(tables) == 1:
        return tables[0]
    merged: dict[tuple[str, ...], Constraint] = {}
    counts: dict[tuple[str, ...], int] = {}
    for table in tables:
        for c in table:
            key = tuple(c.path)
            if key not in merged:
                merged[key] = Constraint(path=list(c.path), required=c.required, enum=c.enum)
                counts[key] = int(c.required)
            else:
                m = merged[key]
                counts[key] += int(c.required)
                if c.enum is not None:
                    m.enum = c.enum if m.enum is None else list(dict.fromkeys([*m.enum, *c.enum]))
    for key, c in merged.items():
        c.required = counts[key] == len(tables)
    return list(merged.values())


# ---------------------------------------------------------------------------------------------
# Spec-specific oddities
# ---------------------------------------------------------------------------------------------

# Every retail-family domain: the Retail 1.2.0 enum table plus PROTOCOL.md (RET1A–RET1D and the
# agri domains are retail-family too; AGR10 is named there, not in the tables).
RETAIL_DOMAINS = [
    "ONDC:RET10", "ONDC:RET11", "ONDC:RET12", "ONDC:RET13", "ONDC:RET14", "ONDC:RET15",
    "ONDC:RET16", "ONDC:RET17", "ONDC:RET18", "ONDC:RET19", "ONDC:RET1A", "ONDC:RET1B",
    "ONDC:RET1C", "ONDC:RET1D", "ONDC:AGR10", "ONDC:AGR11",
]


def patch_retail_domain(document: Schema, report: Report, label: str) -> None:
    """Oddity (both retail builds): the ``Domain`` component's enum is wrong.

    Retail 1.2.0 still lists the pre-ONDC code ``nic2004:52110`` only; Retail 1.2.5 lists RET10–
    RET19 but skips RET17.  Every official example uses ``ONDC:RETxx``.  The enum is replaced by
    the full retail-family list, and the tables' per-action domain lists (which also stop at
    RET19) are not applied, so no legitimate retail domain is rejected.
    """
    domain = document.get("$defs", {}).get("Domain")
    if isinstance(domain, dict) and domain.get("enum") != RETAIL_DOMAINS:
        report.note(f"{label}: Domain enum {domain.get('enum')} replaced by the retail list")
        domain["enum"] = list(RETAIL_DOMAINS)


def fix_retail_120_enum(constraints: list[Constraint], action: str) -> list[Constraint]:
    """Known defects of Retail 1.2.0 ``x-enum`` paths (each corrected or dropped, never guessed).

    * ``on_select...fulfillments.fulfillments.*`` repeats the ``fulfillments`` segment.
    * ``...payment.payment.*`` repeats ``payment``.
    * ``select.message.order.payment`` puts the payment *type* list on the payment object.
    * ``on_init``/``confirm ... order.fulfillment.type`` uses the singular; the order has
      ``fulfillments``.  ``search ... intent.fulfillments`` uses the plural; the intent has one
      ``fulfillment``.
    * ``on_select ... state.descriptor.code`` lists the post-order delivery states; an on_select
      fulfillment is ``Serviceable``/``Non-serviceable`` (``enums/fulfillments_state_select``), so
      that list is dropped rather than applied to the wrong message.
    * ``context.domain``: see :func:`patch_retail_domain`.
    """
    out: list[Constraint] = []
    for c in constraints:
        path = list(c.path)
        if path == ["context", "domain"]:
            continue
        for repeated in ("fulfillments", "payment"):
            while any(path[i] == path[i + 1] == repeated for i in range(len(path) - 1)):
                i = next(i for i in range(len(path) - 1) if path[i] == path[i + 1] == repeated)
                del path[i]
        if path == ["message", "order", "payment"]:
            path = ["message", "order", "payment", "type"]
        if path[:3] == ["message", "order", "fulfillment"]:
            path[2] = "fulfillments"
        if path[:3] == ["message", "intent", "fulfillments"]:
            path[2] = "fulfillment"
        if action == "on_select" and path[-3:] == ["state", "descriptor", "code"]:
            continue
        out.append(Constraint(path=path, required=c.required, enum=c.enum))
    return out


def fix_retail_125_attributes(constraints: list[Constraint], action: str) -> list[Constraint]:
    """Known defects of the Retail 1.2.5 attribute tables.

    * ``context.domain``: see :func:`patch_retail_domain`.
    * Numeric path segments (``on_update ... items.0.fulfillment_id``): the index is dropped, the
      constraint applies to every element like the table's other array paths.
    """
    out: list[Constraint] = []
    for c in constraints:
        if c.path == ["context", "domain"]:
            c = Constraint(path=c.path, required=c.required, enum=None)
        path = [p for p in c.path if not p.isdigit()]
        out.append(Constraint(path=path, required=c.required, enum=c.enum))
    return out


# ---------------------------------------------------------------------------------------------
# Building one family/version
# ---------------------------------------------------------------------------------------------


@dataclass
class Build:
    """One OpenAPI document, converted: its components and the request schema per action."""

    defs: dict[str, Schema]
    roots: dict[str, Schema]
    sources: list[str]


def convert_openapi(doc: Json, source: str, report: Report) -> Build:
    components = doc.get("components", {}).get("schemas", {})
    defs = {str(name): convert(schema, f"{source}#/components/schemas/{name}", report)
            for name, schema in components.items()}
    roots: dict[str, Schema] = {}
    for path, item in doc.get("paths", {}).items():
        action = str(path).strip("/")
        try:
            schema = item["post"]["requestBody"]["content"]["application/json"]["schema"]
        except (KeyError, TypeError):
            continue
        roots[action] = convert(schema, f"{source}#/paths/{path}", report)
    return Build(defs=defs, roots=roots, sources=[source])


def merge_builds(builds: list[Build]) -> Build:
    first = builds[0]
    defs = dict(first.defs)
    roots = dict(first.roots)
    for other in builds[1:]:
        for name, schema in other.defs.items():
            defs[name] = merge_lenient(defs[name], schema) if name in defs else schema
        for action, schema in other.roots.items():
            roots[action] = merge_lenient(roots[action], schema) if action in roots else schema
    return Build(defs=defs, roots=roots, sources=[s for b in builds for s in b.sources])


def relax(node: Json) -> Json:
    """Derived older logistics versions: drop closed objects and enums (1.2.5 statements)."""
    if isinstance(node, list):
        return [relax(x) for x in node]
    if not isinstance(node, dict):
        return node
    out: Schema = {}
    for key, value in node.items():
        if key == "additionalProperties" and value is False:
            continue
        if key == "enum":
            continue
        if key in _SUBSCHEMA_MAP_KEYWORDS and isinstance(value, dict):
            out[key] = {name: relax(sub) for name, sub in value.items()}
        else:
            out[key] = relax(value)
    return out


_YAML_CACHE: dict[Path, Json] = {}


def load_yaml_cached(path: Path) -> Json:
    if path not in _YAML_CACHE:
        _YAML_CACHE[path] = load_yaml(path)
    return _YAML_CACHE[path]


ConstraintSource = Callable[[Path, str], list[Constraint]]
DocumentPatch = Callable[[Schema, Report, str], None]


def _no_constraints(pack: Path, action: str) -> list[Constraint]:
    return []


def _no_patch(document: Schema, report: Report, label: str) -> None:
    return None


@dataclass
class Target:
    """One family/version to generate, and where its statements come from."""

    family: str
    version: str
    actions: list[str]
    build: Callable[[Path, Report], Build]
    constraints: ConstraintSource = _no_constraints
    patch: DocumentPatch = _no_patch
    note: str = ""
    # Actions the spec lacks, taken from another build (Retail 1.2.5 has no rating/support).
    fallback: Callable[[Path, Report], Build] | None = None
    fallback_note: str = ""
    # Actions whose table constraints do not apply (the tables describe a full catalogue).
    untabled: frozenset[str] = frozenset()
    # Derived targets: their statements are our inference, not the spec's, so one official
    # example of an older version (``evidence``) is enough to overrule one.
    min_files: int = 0
    evidence: tuple[str, ...] = ()
    overlay_hook: Callable[[OverlayNode, str], None] | None = None


def action_schema(target: Target, build: Build, fallback: Build | None, action: str,
                  pack: Path, report: Report) -> Schema | None:
    """The complete, self-contained schema of one action, or ``None`` if the spec lacks it."""
    wire_action = DERIVED_ACTIONS.get(action, action)
    source = build
    base_root = build.roots.get(wire_action)
    note = target.note
    if base_root is None and fallback is not None:
        source = fallback
        base_root = fallback.roots.get(wire_action)
        note = target.fallback_note
    if base_root is None:
        return None
    document: Schema = {**copy.deepcopy(base_root), "$defs": copy.deepcopy(source.defs)}
    label = f"{target.family}/{target.version}/{action}"
    allow_error_only_callback(document, wire_action, report, label)
    inline_deep_refs(document, report)
    target.patch(document, report, label)
    flatten_all_of(document, report)
    view = SchemaView(document)
    constraints = [] if (action in target.untabled or source is not build) \
        else target.constraints(pack, wire_action)
    overlay = apply_constraints(document, constraints, view, label, report)
    if target.overlay_hook is not None:
        target.overlay_hook(overlay, action)
    overlay.child("context").child("action").const = wire_action
    overlay.child("context").child("action").has_const = True
    rendered = overlay_schema(overlay, document, view, report, label)
    defs = document.pop("$defs")
    if rendered:
        document["allOf"] = [*document.get("allOf", []), rendered]
    used = reachable_defs(document, defs)
    title = f"ONDC {target.family} {target.version} {action}"
    if action != wire_action:
        title += f" (sent as {wire_action})"
    schema: Schema = {
        "$schema": DRAFT,
        "$id": f"{ID_PREFIX}:{target.family}:{target.version}:{action}",
        "title": title,
        "$comment": " ".join(part for part in (
            f"Generated by tools/gen_schemas.py from {', '.join(source.sources)}.", note,
            "Do not edit: regenerate.") if part),
        **document,
    }
    if used:
        schema["$defs"] = used
    for ref in iter_refs(schema):
        resolve_pointer(schema, ref)  # every $ref must resolve inside the file
    return schema


def allow_error_only_callback(document: Schema, action: str, report: Report,
                              label: str) -> None:
    """Oddity (IGM, RSF, logistics builds): a callback that only reports an error.

    Retail 1.2.0's callbacks require only ``context`` so that an ``on_*`` carrying an ``error``
    (IGM002 "order not found", 40002 out of stock) need not invent a ``message``; other builds
    require ``message`` on the same callbacks while declaring the same ``error`` property.  For a
    callback whose body declares ``error``, ``message`` is required only when ``error`` is absent.
    """
    required = document.get("required")
    if not (action.startswith("on_") and isinstance(required, list) and "message" in required
            and "error" in document.get("properties", {})):
        return
    document["required"] = [key for key in required if key != "message"]
    document["allOf"] = [*document.get("allOf", []),
                         {"if": {"required": ["error"]}, "else": {"required": ["message"]}}]
    report.note(f"{label}: message required unless the callback carries an error")


def _load_build(pack: Path, rel: str, report: Report) -> Build:
    return convert_openapi(load_yaml_cached(pack / rel), rel, report)


def single_build(rel: str) -> Callable[[Path, Report], Build]:
    def build(pack: Path, report: Report) -> Build:
        return _load_build(pack, rel, report)
    return build


_RETAIL_120 = "retail-1.2/openapi/build.yaml"
_RET_125 = ["automation-1.2.5/RET10-1.2.5", "automation-1.2.5/RET11-1.2.5"]
_LOG_125 = ["automation-1.2.5/logistics-1.2.5", "automation-1.2.5/LOG11-1.2.5"]
_IGM_100 = "igm-1.0.0/build/build.yaml"
_IGM_200 = "igm-2.0.0/build/build.yaml"
_RSF_200 = "rsf-2.0.0/build/build.yaml"
_B2B_200 = "logistics-b2b-2.0/build/build.yaml"


def automation_build(dirs: list[str]) -> Callable[[Path, Report], Build]:
    def build(pack: Path, report: Report) -> Build:
        return merge_builds([_load_build(pack, f"{d}/specs/openapi.yaml", report) for d in dirs])
    return build


def automation_tables(pack: Path, dirs: list[str], action: str) -> list[list[Constraint]]:
    tables: list[list[Constraint]] = []
    for d in dirs:
        for path in sorted((pack / d / "attributes").glob("*.yaml")):
            if path.name != "index.yaml":
                tables.append(automation_attribute_constraints(load_yaml_cached(path), action))
    return tables


_ENUM_RETURN = re.compile(r"^\s*(?:attr are present\s*&&\s*)?attr all in (\w+)\s*(?:&&.*)?$")
_JSONPATH_TOKEN = re.compile(r"\['([^']*)'\]|\[[^\]]*\]|\.?([^.\[]+)")


def jsonpath_segments(attr: str) -> list[str] | None:
    """``$.a.b[*]['@c/d']`` → ``[a, b, @c/d]``; ``None`` for filtered paths (``[?(...)]``)."""
    if not attr.startswith("$.") or "?(" in attr:
        return None
    parts: list[str] = []
    for quoted, plain in _JSONPATH_TOKEN.findall(attr[1:]):
        name = quoted or plain
        if name:
            parts.append(name)
    return parts or None


@dataclass
class RuleSet:
    """What the official rule set (``validations/index.yaml``) says about one action."""

    enums: list[Constraint] = field(default_factory=list)
    required: set[tuple[str, ...]] = field(default_factory=set)
    patterns: set[tuple[str, ...]] = field(default_factory=set)


_IF_PRESENT = "!(attr are present)"
# Group guard of the whole on_search catalogue block: skipped when context.city is "*" (a
# catalogue served as a download link).  Read as unconditional: an inline catalogue is the
# case the schema checks.
_BENIGN_GROUP_GUARDS = {"verification_attr equal to var_star"}
_RULE_CACHE: dict[tuple[Path, str, str, bool], RuleSet] = {}


def official_rules(pack: Path, folder: str, action: str, taxonomy: bool = True) -> RuleSet:
    """Enum and presence checks of the official rule set for one action.

    * ``attr all in <list>`` on a plain JSONPath is an enum statement by the official validator
      itself, more complete than the attribute tables (on_status fulfillment states include
      ``Agent-assigned``, ``At-pickup`` and ``Cancelled``, which the table omits).
    * ``attr are present`` with no condition on the rule or its groups is a requirement.  A rule
      guarded by ``_CONTINUE_: "!(attr are present)"`` only checks a field *if present*, i.e. the
      validator treats it as optional.

    A guard on the action (``(action equal to search)``) is decided for the action at hand.
    Rules under any other ``_CONTINUE_`` condition (category, flags, other fields) and rules on
    filtered paths (``tags[?(@.code=='x')]``) are conditional: not schema material, left to the
    rules engine.  Two kinds of lists are vocabularies rather than protocol enums and are not
    applied: tag codes (anything under ``tags``; participants add their own tag groups) and,
    when ``taxonomy`` is false, category ids (the RET10 rule set lists grocery categories, which
    would reject every other retail domain sharing the schema).
    """
    key = (pack, folder, action, taxonomy)
    if key in _RULE_CACHE:
        return _RULE_CACHE[key]
    found = RuleSet()

    def action_guard(node: dict[str, Any], guard: str) -> bool | None:
        """``(action equal to search)`` / ``(action all in optional_vars)``: decidable here.

        True when the rule is skipped for this action, False when it applies, None when the
        guard is about something else.
        """
        text = guard.strip().strip("()").strip()
        equal = re.fullmatch(r"action equal to (\S+)", text)
        if equal:
            return action == equal.group(1)
        member = re.fullmatch(r"action all in (\w+)", text)
        if member and isinstance(node.get(member.group(1)), list):
            return action in node[member.group(1)]
        return None

    def walk(node: Json, conditional: bool) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, conditional)
            return
        if not isinstance(node, dict):
            return
        guard = node.get("_CONTINUE_")
        if guard is not None:
            skipped = action_guard(node, str(guard))
            if skipped is True:
                return
            if skipped is False:
                guard = None
        returned = node.get("_RETURN_")
        if not isinstance(returned, str):
            benign = guard is None or str(guard).strip() in _BENIGN_GROUP_GUARDS
            walk(returned, conditional or not benign)
            return
        if conditional or (guard is not None and str(guard).strip() != _IF_PRESENT):
            return
        attr = node.get("attr")
        path = jsonpath_segments(attr) if isinstance(attr, str) else None
        if not path:
            return
        text = returned.strip()
        if guard is None and (text == "attr are present" or text.startswith("attr are present &&")):
            found.required.add(tuple(path))
        if "follow regex" in text:
            found.patterns.add(tuple(path))
        match = _ENUM_RETURN.match(text)
        values = node.get(match.group(1)) if match else None
        vocabulary = (
            "tags" in path
            or (not taxonomy and path[-1] in ("category_id", "category_ids"))
            or (not taxonomy and path[-2:] in (["category", "id"], ["categories", "id"])))
        if isinstance(values, list) and values and not vocabulary and path[0] != "context":
            found.enums.append(Constraint(path=path, enum=list(values)))

    rules = load_yaml_cached(pack / folder / "validations" / "index.yaml")
    tests = rules.get("_TESTS_") if isinstance(rules, dict) else None
    if isinstance(tests, dict):
        walk(tests.get(action), False)
    _RULE_CACHE[key] = found
    return found


def validation_enum_constraints(pack: Path, dirs: list[str], action: str,
                                taxonomy: bool = True) -> list[Constraint]:
    """The rule sets' enums for ``action`` (all folders: values are united downstream)."""
    return [c for d in dirs for c in official_rules(pack, d, action, taxonomy).enums]


def pattern_overrides(pack: Path, dirs: list[str], action: str) -> list[Constraint]:
    """Oddity (Retail 1.2.5): fields the OpenAPI closes with an enum, the rule set by pattern.

    ``items[].rating`` is ``enum: ['1'..'5']`` in the OpenAPI while the rule set accepts any
    rating from 1 to 5 with decimals (``4.0``, ``3.5``), as the official catalogue sends.  The
    enum is dropped there; the pattern itself is the rules engine's business.
    """
    paths = set().union(*(official_rules(pack, d, action).patterns for d in dirs))
    return [Constraint(path=list(p), drop_enum=True) for p in sorted(paths)]


def validator_required(pack: Path, dirs: list[str], action: str) -> set[tuple[str, ...]]:
    """Paths every folder's rule set requires unconditionally for ``action``."""
    sets = [official_rules(pack, d, action).required for d in dirs]
    return set.intersection(*sets) if sets else set()


def confirmed_requirements(constraints: list[Constraint],
                           required: set[tuple[str, ...]]) -> list[Constraint]:
    """Oddity (automation-1.2.5 attribute tables): ``required: true`` the validator ignores.

    The tables mark as required fields that the official rule set of the same folder only
    checks *if present* (``fulfillments.start.instructions.long_desc``) or only by pattern
    (``items.rating``).  Participants are certified by the rule set, so a table requirement is
    kept only where the rule set also checks the field's presence unconditionally.

    ``context`` is the exception: the rule set's own context checks are broken (its
    ``CONTEXT_REQUIRED_BPP_ID`` tests ``$.context.bap_id``), while the table's per-action context
    requirements match PROTOCOL.md (``bpp_id`` on everything after search, ``ttl`` on search), so
    the table alone decides there.
    """
    return [Constraint(path=c.path,
                       required=c.required and (c.path[0] == "context"
                                                or tuple(c.path) in required),
                       enum=c.enum) for c in constraints]


_ORDER_STATE = ["message", "order", "fulfillments", "state", "descriptor", "code"]
_ORDER_TYPE = ["message", "order", "fulfillments", "type"]
_VOCABULARY: dict[Path, dict[tuple[str, ...], list[Any]]] = {}


def retail_vocabulary(pack: Path) -> dict[tuple[str, ...], list[Any]]:
    """Oddity (both retail versions): fulfillment state codes and types of an order.

    Every source lists a per-action subset (the 1.2.5 on_status table omits ``Agent-assigned``
    and ``Cancelled``; 1.2.0 has no return states, yet its own on_update examples use
    ``Return_Initiated``), and none lists ``RTO``, the fulfillment type of the RTO flow
    (RULES-REFERENCE.md: "RTO fulfillment states and locations mirrored").  The codes form one
    vocabulary across the order's life, so each order fulfillment's state code and type are
    checked against the union of every retail list in the pack (the OpenAPI, the enum and
    attribute tables, the rule set; catalogue and intent fulfillment types included), plus
    ``RTO``.
    """
    if pack in _VOCABULARY:
        return _VOCABULARY[pack]
    doc = load_yaml_cached(pack / _RETAIL_120)
    base_types = doc["components"]["schemas"]["Fulfillment"]["properties"]["type"].get("enum", [])
    found: dict[tuple[str, ...], list[Any]] = {tuple(_ORDER_STATE): [],
                                               tuple(_ORDER_TYPE): [*base_types, "RTO"]}
    for action in RETAIL_ACTIONS:
        sources = [
            *fix_retail_120_enum(x_enum_constraints(doc.get("x-enum", {}), action), "status"),
            *intersect_tables(automation_tables(pack, _RET_125, action)),
            *validation_enum_constraints(pack, _RET_125, action, taxonomy=False),
        ]
        for c in sources:
            key = tuple(c.path)
            if c.path[-1:] == ["type"] and c.path[-2:-1] in (
                    ["fulfillments"], ["fulfillment"], ["bpp/fulfillments"]):
                key = tuple(_ORDER_TYPE)
            if key in found and c.enum:
                found[key] = list(dict.fromkeys([*found[key], *(v for v in c.enum
                                                                if isinstance(v, str))]))
    _VOCABULARY[pack] = found
    return found


def _with_vocabulary(pack: Path, constraints: list[Constraint]) -> list[Constraint]:
    vocabulary = retail_vocabulary(pack)
    kept = [c for c in constraints if tuple(c.path) not in vocabulary or c.required]
    kept = [Constraint(path=c.path, required=c.required,
                       enum=None if tuple(c.path) in vocabulary else c.enum) for c in kept]
    return kept + [Constraint(path=list(path), enum=list(values))
                   for path, values in vocabulary.items()]


def retail_120_constraints(pack: Path, action: str) -> list[Constraint]:
    doc = load_yaml_cached(pack / _RETAIL_120)
    return _with_vocabulary(
        pack, fix_retail_120_enum(x_enum_constraints(doc.get("x-enum", {}), action), action))


# An item whose ``type`` tag says ``customization`` (F&B add-ons: "extra cheese").
CUSTOMIZATION_ITEM: Schema = {
    "required": ["tags"],
    "properties": {"tags": {"contains": {
        "required": ["code", "list"],
        "properties": {
            "code": {"const": "type"},
            "list": {"contains": {
                "required": ["code", "value"],
                "properties": {"code": {"const": "type"}, "value": {"const": "customization"}},
            }},
        },
    }}},
}


def retail_125_overlay(overlay: OverlayNode, action: str) -> None:
    """Oddity (Retail 1.2.5 on_search table): item requirements written for products.

    The table requires ``@ondc/org/returnable``, ``time_to_ship``, ``descriptor.images`` ... on
    every catalogue item, but F&B customisations are items too (``type`` tag
    ``customization``) and carry none of that in the official F&B catalogue.  The table's item
    requirements therefore apply to items that are not customisations; the OpenAPI's own
    requirements still apply to all.
    """
    if action not in ("on_search", "on_search_inc"):
        return
    node = overlay
    for part in ("message", "catalog", "bpp/providers", "items"):
        if part not in node.children:
            return
        node = node.children[part]
    node.unless = CUSTOMIZATION_ITEM


def igm_100_overlay(overlay: OverlayNode, action: str) -> None:
    """Oddity (IGM 1.0.0 attribute tables): ``resolution.refund_amount`` is "Mandatory" with the
    description "Amount refunded ... *if applicable*", and the official on_issue_status example
    resolves with NO-ACTION and no amount.  It is required when ``action_triggered`` is REFUND.
    """
    node = overlay.find("message", "issue", "resolution")
    if node is not None:
        node.make_conditional("refund_amount", {
            "required": ["action_triggered"],
            "properties": {"action_triggered": {"const": "REFUND"}}})


def rsf_overlay(overlay: OverlayNode, action: str) -> None:
    """Oddity (RSF 2.0.0 attribute tables): on_settle requires ``settlement.id`` (the id of an
    inter-participant settlement), but a NIL settlement has none (the ``settle_nil`` table and
    the official NIL examples carry no id).  It is required unless ``type`` is NIL.
    """
    node = overlay.find("message", "settlement")
    if node is not None:
        node.make_conditional("id", {
            "required": ["type"], "properties": {"type": {"const": "NIL"}}}, when=False)


def retail_125_constraints(pack: Path, action: str) -> list[Constraint]:
    tables = confirmed_requirements(intersect_tables(automation_tables(pack, _RET_125, action)),
                                    validator_required(pack, _RET_125, action))
    return _with_vocabulary(pack, fix_retail_125_attributes(
        tables + validation_enum_constraints(pack, _RET_125, action, taxonomy=False), action)
    ) + pattern_overrides(pack, _RET_125, action)


def logistics_125_constraints(pack: Path, action: str) -> list[Constraint]:
    tables = confirmed_requirements(intersect_tables(automation_tables(pack, _LOG_125, action)),
                                    validator_required(pack, _LOG_125, action))
    return [Constraint(path=[p for p in c.path if not p.isdigit()], required=c.required,
                       enum=c.enum)
            for c in tables + validation_enum_constraints(pack, _LOG_125, action)
            ] + pattern_overrides(pack, _LOG_125, action)


def build_tables(rel: str, sets: Callable[[str], list[str]] | None = None,
                 enum_from: dict[str, list[str]] | None = None) -> ConstraintSource:
    """``x-enum`` plus ``x-attributes`` of one build.yaml (IGM, RSF, B2B logistics).

    Each attribute set (IGM 1.0.0: RETAIL / CREDIT / INSURANCE; B2B: domestic / international)
    is one table; they are intersected (see :func:`intersect_tables`).  ``sets`` maps an action
    to the attribute-set keys that describe it (RSF splits ``settle`` into ``settle_misc``,
    ``settle_np-np`` and ``settle_nil``).  ``enum_from`` lends an action the enum lists of
    others: IGM 2.0.0 lists enums for issue/on_issue only, while on_issue_status returns the
    same issue object (resolution code ``CANCEL`` is in the on_issue list, not the OpenAPI's).
    """

    def constraints(pack: Path, action: str) -> list[Constraint]:
        doc = load_yaml_cached(pack / rel)
        enums = [c for source in [action, *(enum_from or {}).get(action, [])]
                 for c in x_enum_constraints(doc.get("x-enum", {}), source)]
        tables: list[list[Constraint]] = []
        attributes = doc.get("x-attributes", {})
        for _name, group in sorted(attributes.items()) if isinstance(attributes, dict) else []:
            attribute_set = group.get("attribute_set") if isinstance(group, dict) else None
            if not isinstance(attribute_set, dict):
                continue
            keys = sets(action) if sets else [action]
            for key in keys:
                if key in attribute_set:
                    tables.append(x_attribute_constraints(attribute_set, [key]))
        return enums + intersect_tables(tables)

    return constraints


def _rsf_sets(action: str) -> list[str]:
    if action == "settle":
        return ["settle_misc", "settle_np-np", "settle_nil"]
    return [action]


def logistics_derived_build(pack: Path, report: Report) -> Build:
    build = automation_build(_LOG_125)(pack, report)
    return Build(defs=relax(build.defs), roots=relax(build.roots), sources=build.sources)


_DERIVED_NOTE = ("No spec for this version is published in the pack: derived from the "
                 "logistics 1.2.5 OpenAPI structure (types and the OpenAPI's own required "
                 "lists only; no 1.2.5 attribute tables, enums or closed objects).")


def targets() -> list[Target]:
    return [
        Target("retail", "1.2.0", RETAIL_ACTIONS, single_build(_RETAIL_120),
               retail_120_constraints, patch_retail_domain),
        Target("retail", "1.2.5", RETAIL_ACTIONS, automation_build(_RET_125),
               retail_125_constraints, patch_retail_domain,
               fallback=single_build(_RETAIL_120),
               fallback_note=("Retail 1.2.5 publishes no rating/support APIs: this is the "
                              "Retail 1.2.0 definition, which 1.2.5 did not change."),
               untabled=frozenset({"on_search_inc"}), overlay_hook=retail_125_overlay),
        Target("igm", "1.0.0", IGM_ACTIONS, single_build(_IGM_100), build_tables(_IGM_100),
               overlay_hook=igm_100_overlay),
        Target("igm", "2.0.0", IGM_ACTIONS, single_build(_IGM_200),
               build_tables(_IGM_200, enum_from={"on_issue_status": ["on_issue", "issue"]})),
        Target("rsf", "2.0.0", RSF_ACTIONS, single_build(_RSF_200),
               build_tables(_RSF_200, _rsf_sets), overlay_hook=rsf_overlay),
        Target("logistics", "1.2.5", LOGISTICS_ACTIONS, automation_build(_LOG_125),
               logistics_125_constraints),
        Target("logistics", "1.0.0", LOGISTICS_ACTIONS, logistics_derived_build,
               note=_DERIVED_NOTE, min_files=1, evidence=("1.0.0", "1.2.0")),
        Target("logistics", "1.2.0", LOGISTICS_ACTIONS, logistics_derived_build,
               note=_DERIVED_NOTE, min_files=1, evidence=("1.0.0", "1.2.0")),
        Target("logistics", "2.0.0", LOGISTICS_ACTIONS, single_build(_B2B_200),
               build_tables(_B2B_200)),
    ]


# ---------------------------------------------------------------------------------------------
# The official examples (also used by tests/test_schemas.py)
# ---------------------------------------------------------------------------------------------

_FOOTNOTE = re.compile(r"\s*\[\^\d+\]")
Key = tuple[str, str, str]


def strip_footnotes(value: Json) -> Json:
    """Remove ``[^n]`` footnote markers from keys and string values.

    Oddity (Retail 1.2 examples): they are rendered into the spec's web pages with footnotes, so
    some keys (``"fulfillments [^2]"``) and values (``"160.00 [^12]"``) carry a marker.  They are
    presentation, not payload; stripping them recovers the payload the authors meant.
    """
    if isinstance(value, dict):
        return {_FOOTNOTE.sub("", str(k)): strip_footnotes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_footnotes(v) for v in value]
    if isinstance(value, str):
        return _FOOTNOTE.sub("", value)
    return value


@dataclass(frozen=True)
class Example:
    """One official payload, where it came from, and the schema its location says it is for.

    The key comes from where the example lives (folder, flow step), not from its context, so an
    example whose context is wrong is caught instead of silently checked against another schema.
    """

    source: str
    payload: Json
    key: Key

    @property
    def file(self) -> str:
        return self.source.split("#", 1)[0]

    @property
    def skeleton(self) -> bool:
        """Oddity (automation-1.2.5 flows): many ``defaultPayload`` are ``message: {}``.

        The mock server fills them at run time; they say nothing about what a message holds,
        so they never count as evidence against the spec (the tests list them as rejected).
        """
        return isinstance(self.payload, dict) and self.payload.get("message") == {}


def _payload_of(document: Json) -> Json:
    """Example files wrap the payload as ``value:`` (OpenAPI example objects) or not at all."""
    if isinstance(document, dict) and "value" in document and "context" not in document:
        return document["value"]
    return document


def _is_payload(document: Json) -> bool:
    return isinstance(document, dict) and "context" in document


def _example_files(folder: Path, *patterns: str) -> list[Path]:
    found: set[Path] = set()
    for pattern in patterns:
        found.update(p for p in folder.rglob(pattern) if p.name != "index.yaml")
    return sorted(found)


def _action_from_name(name: str, actions: list[str]) -> str | None:
    """The longest action name that ``name`` starts with (``on_settle_refund`` → on_settle)."""
    name = re.sub(r"\(.*?\)", "", name).strip().lower()
    matches = [a for a in actions if name == a or name.startswith(a + "_")
               or name.startswith(a + " ")]
    return max(matches, key=len) if matches else None


def _igm_version(flow_name: str, payload: Json) -> str:
    """IGM payloads in the 1.2.5 flows carry the *order's* core_version; the flow name says
    which IGM they are (``..._v-2_0_0_``), and so does the shape of ``issue``."""
    if "v-2_0_0" in flow_name:
        return "2.0.0"
    if "v-1_0_0" in flow_name:
        return "1.0.0"
    issue = payload.get("message", {}).get("issue") if isinstance(payload, dict) else None
    return "2.0.0" if isinstance(issue, dict) and "actors" in issue else "1.0.0"


def _retail_120_examples(pack: Path) -> Iterator[Example]:
    root = pack / "retail-1.2" / "Examples" / "B2C"
    for path in _example_files(root, "*.yaml"):
        api = path.parent.name
        if api not in RETAIL_ACTIONS:
            continue
        payload = strip_footnotes(_payload_of(load_yaml_cached(path)))
        if not _is_payload(payload):
            continue
        action = api
        if api in ("search", "on_search") and "incremental" in path.name:
            action = f"{api}_inc"
        yield Example(path.relative_to(pack).as_posix(), payload, ("retail", "1.2.0", action))


def _flow_examples(pack: Path) -> Iterator[Example]:
    for flow in _example_files(pack / "automation-1.2.5", "flows/*/*.yaml"):
        document = load_yaml_cached(flow)
        meta = document.get("meta") or {}
        domain = str(meta.get("domain", ""))
        family = "logistics" if domain.startswith("ONDC:LOG") else "retail"
        version = str(meta.get("version", "1.2.5"))
        incremental = "incremental" in flow.name.lower()
        for index, step in enumerate(document.get("steps") or []):
            api = str(step.get("api"))
            mock = step.get("mock") or {}
            payloads: list[tuple[str, Json]] = []
            if mock.get("defaultPayload") is not None:
                payloads.append(("defaultPayload", mock["defaultPayload"]))
            for number, example in enumerate(step.get("examples") or []):
                if isinstance(example, dict) and example.get("payload") is not None:
                    payloads.append((f"examples[{number}]", example["payload"]))
            for label, payload in payloads:
                if api in IGM_ACTIONS:
                    key: Key = ("igm", _igm_version(flow.name, payload), api)
                else:
                    action = f"{api}_inc" if incremental and api in ("search", "on_search") \
                        else api
                    key = (family, version, action)
                source = f"{flow.relative_to(pack).as_posix()}#{index}:{api}:{label}"
                yield Example(source, payload, key)


def _folder_examples(pack: Path, folder: str, family: str, version: str,
                     actions: list[str]) -> Iterator[Example]:
    seen: set[str] = set()
    for path in _example_files(pack / folder, "*.yaml", "*.json"):
        document = (json.loads(path.read_text(encoding="utf-8")) if path.suffix == ".json"
                    else load_yaml_cached(path))
        payload = _payload_of(document)
        if not _is_payload(payload):
            continue
        # Oddity (B2B logistics): every example is published twice, as JSON and as YAML.
        fingerprint = json.dumps(payload, sort_keys=True, default=str)
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        action = (_action_from_name(path.parent.name, actions)
                  or _action_from_name(path.stem, actions))
        if action is None:
            continue
        yield Example(path.relative_to(pack).as_posix(), payload, (family, version, action))


def _seed_examples(pack: Path) -> Iterator[Example]:
    for path in _example_files(pack / "seed-examples", "*.json"):
        payload = json.loads(path.read_text(encoding="utf-8"))
        family, _, action = path.stem.partition("_")
        context = payload.get("context") if isinstance(payload, dict) else None
        version = str((context or {}).get("core_version") or (context or {}).get("version"))
        yield Example(path.relative_to(pack).as_posix(), payload, (family, version, action))


def official_examples(pack: Path) -> list[Example]:
    """Every example payload the pack publishes, each keyed to the schema it must satisfy.

    A payload published twice for the same schema (a flow step's ``defaultPayload`` repeated as
    its ``examples[0]``; B2B's JSON and YAML copies) is kept once, under its first source.
    """
    examples: list[Example] = []
    examples.extend(_retail_120_examples(pack))
    examples.extend(_flow_examples(pack))
    examples.extend(_folder_examples(pack, "igm-1.0.0/components/examples", "igm", "1.0.0",
                                     IGM_ACTIONS))
    examples.extend(_folder_examples(pack, "igm-2.0.0/components/examples", "igm", "2.0.0",
                                     IGM_ACTIONS))
    examples.extend(_folder_examples(pack, "rsf-2.0.0/components/examples", "rsf", "2.0.0",
                                     RSF_ACTIONS))
    examples.extend(_folder_examples(pack, "logistics-b2b-2.0/components/Examples",
                                     "logistics", "2.0.0", LOGISTICS_ACTIONS))
    examples.extend(_seed_examples(pack))
    unique: list[Example] = []
    seen: set[tuple[Key, str]] = set()
    for example in examples:
        fingerprint = (example.key, json.dumps(example.payload, sort_keys=True, default=str))
        if fingerprint not in seen:
            seen.add(fingerprint)
            unique.append(example)
    return unique


# ---------------------------------------------------------------------------------------------
# Spec self-consistency: the official examples against the spec's statements
# ---------------------------------------------------------------------------------------------

# A statement the official examples break in this many distinct example files is a spec defect
# (the examples are what the network runs); broken in fewer, it is the example that is wrong.
MIN_CONTRADICTING_FILES = 2

_JSON_TYPES = (
    (bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
    (list, "array"), (dict, "object"), (type(None), "null"),
)


def _json_type(value: Json) -> str:
    for kind, name in _JSON_TYPES:
        if isinstance(value, kind):
            return name
    return "string"


@dataclass
class _Contradiction:
    subschema: Schema
    keyword: str
    detail: Any
    where: str
    files: set[str] = field(default_factory=set)
    values: list[Any] = field(default_factory=list)


def _contradictions(schema: Schema, examples: list[Example]) -> list[_Contradiction]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema)
    found: dict[tuple[int, str, Any, str], _Contradiction] = {}

    def record(sub: Schema, keyword: str, detail: Any, where: str, file: str,
               value: Any = None) -> None:
        where = re.sub(r"(^|/)\d+(?=/|$)", r"\1*", where)
        item = found.setdefault((id(sub), keyword, detail, where),
                                _Contradiction(sub, keyword, detail, where))
        item.files.add(file)
        if value is not None and value not in item.values:
            item.values.append(value)

    for example in examples:
        for error in validator.iter_errors(example.payload):
            sub = error.schema
            if not isinstance(sub, dict):
                continue
            # JSON-pointer style: keys such as ``bpp/providers`` keep their slash escaped.
            where = "/".join(str(p).replace("~", "~0").replace("/", "~1")
                             for p in error.absolute_path) or "$"
            keyword = str(error.validator)
            if keyword == "const":
                continue  # context.action: ours, never relaxed
            if keyword == "required" and isinstance(error.instance, dict):
                for name in error.validator_value:
                    if name not in error.instance:
                        record(sub, keyword, name, where, example.file)
            elif keyword == "enum":
                value = error.instance
                if isinstance(value, str | int | float | bool) or value is None:
                    record(sub, keyword, json.dumps(value), where, example.file, value)
            elif keyword == "type":
                kind = _json_type(error.instance)
                record(sub, keyword, kind, where, example.file, kind)
            elif keyword == "additionalProperties" and isinstance(error.instance, dict):
                declared = sub.get("properties", {})
                for name in error.instance:
                    if name not in declared:
                        record(sub, keyword, name, where, example.file)
            else:
                record(sub, keyword, None, where, example.file)
    return list(found.values())


def is_typo(value: Any, allowed: list[Any]) -> bool:
    """A value that looks like a slip of an allowed one is an example defect, not a new value.

    Empty strings, values with surrounding blanks (``"tax "``) and near-spellings of an allowed
    value (``"ON-FULLFILMENT"`` for ``ON-FULFILLMENT``) are never added to an enum.  A value
    differing only in case is *not* a slip: ONDC changed case conventions between versions
    (``Percent`` in the 1.2.0 OpenAPI, ``percent`` in the 1.2.5 tables and every flow).
    """
    if not isinstance(value, str):
        return False
    if not value.strip() or value != value.strip():
        return True
    for other in allowed:
        if not isinstance(other, str) or other.lower() == value.lower():
            continue
        if min(len(value), len(other)) >= 6 and _distance(value.lower(), other.lower()) <= 2:
            return True
    return False


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (small strings only: enum values)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _relax_one(item: _Contradiction) -> str:
    sub, keyword = item.subschema, item.keyword
    if keyword == "required":
        sub["required"] = [n for n in sub.get("required", []) if n != item.detail]
        if not sub["required"]:
            del sub["required"]
        return f"{item.detail!r} no longer required"
    if keyword == "enum":
        original = list(sub["enum"])
        added = sorted((v for v in item.values if v not in original and not is_typo(v, original)),
                       key=str)
        if not added:
            return ""
        sub["enum"] = [*original, *added]
        return f"enum extended by {added}"
    if keyword == "type":
        current = sub.get("type")
        kinds = current if isinstance(current, list) else [current]
        added = sorted(v for v in item.values if v not in kinds)
        sub["type"] = [*kinds, *added]
        return f"type widened by {added}"
    if keyword == "additionalProperties":
        sub.setdefault("properties", {})[item.detail] = {}
        return f"property {item.detail!r} admitted"
    if keyword in sub:
        value = sub.pop(keyword)
        return f"{keyword} {value!r} dropped"
    return f"{keyword} left as is"


def _nodes_at(schema: Schema, where: str) -> list[Schema]:
    """The subschemas describing the instance at ``where`` (``a/*/b``; ``*`` = array item)."""
    view = SchemaView(schema)
    nodes: list[Json] = [schema]
    for raw in [] if where == "$" else where.split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        nodes = view.items(nodes) if raw == "*" else view.prop(nodes, part)
        if not nodes:
            return []
    return view.expand(nodes)


def _relax_at(schema: Schema, where: str, keyword: str, detail: Any) -> bool:
    """Apply one relaxation wherever ``schema`` states it at ``where``; True if anything changed."""
    changed = False
    for node in _nodes_at(schema, where):
        if keyword == "required" and detail in node.get("required", []):
            node["required"] = [n for n in node["required"] if n != detail]
            if not node["required"]:
                del node["required"]
            changed = True
        elif keyword == "enum" and isinstance(node.get("enum"), list):
            value = json.loads(detail)
            if value not in node["enum"] and not is_typo(value, node["enum"]):
                node["enum"] = [*node["enum"], value]
                changed = True
        elif keyword == "type" and "type" in node:
            kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
            if detail not in kinds:
                node["type"] = [*kinds, detail]
                changed = True
        elif keyword == "additionalProperties" and node.get("additionalProperties") is False:
            if detail not in node.setdefault("properties", {}):
                node["properties"][detail] = {}
                changed = True
        elif keyword not in ("required", "enum", "type", "additionalProperties") and \
                keyword in node:
            del node[keyword]
            changed = True
    return changed


def reconcile(schemas: dict[str, Schema], examples: dict[str, list[Example]], label: str,
              report: Report, min_files: int = MIN_CONTRADICTING_FILES) -> None:
    """Relax the statements of a version's schemas that the pack's own examples contradict.

    Oddity (every pack): the OpenAPI builds and tables disagree with the official examples that
    the same authors publish (Retail 1.2.5's ``Fulfillment.type`` enum lacks ``Self-Pickup``, the
    tables require ``payment.uri`` that no flow sends, Retail 1.2.0 types ``tags`` as an object
    while every example sends a list).  Enforcing such a statement would fail every participant
    who follows the official examples, which is inventing strictness the spec does not
    consistently have.  So a statement about a field (a required key, an enum value, a type)
    broken by examples in at least :data:`MIN_CONTRADICTING_FILES` distinct files, counted over
    all actions of the version (``RTO`` as a fulfillment type in on_cancel *and* on_update), is
    relaxed just enough (the key no longer required, the value or type admitted) in every
    action where the same field carries the same statement (``context`` excepted: it differs by
    action on purpose), and the change is reported.  A
    statement only one file breaks stays: that example is listed as defective in the tests.
    Enum values that look like slips of an allowed value are never admitted (:func:`is_typo`).
    """
    pending = {action: [e for e in examples.get(action, []) if not e.skeleton]
               for action in schemas}
    for _round in range(8):
        found = {action: _contradictions(schemas[action], pending[action])
                 for action in schemas if pending[action]}
        evidence: dict[tuple[str, str, Any], set[str]] = {}
        for action, items in found.items():
            # Relaxing only loosens: an example that passed stays passing; recheck the others.
            pending[action] = [e for e in pending[action]
                               if any(e.file in c.files for c in items)]
            for item in items:
                evidence.setdefault((item.where, item.keyword, item.detail), set()).update(
                    item.files)
        changed = False
        for (where, keyword, detail), files in sorted(evidence.items(), key=str):
            if len(files) < min_files:
                continue
            # The context differs by action on purpose (no bpp_id on search, PROTOCOL.md), so
            # a context statement is only relaxed where the examples contradict it.
            spread = [] if where == "context" or where.startswith("context/") else list(schemas)
            touched = [action for action in spread
                       if _relax_at(schemas[action], where, keyword, detail)]
            for action, items in found.items():
                for item in items:
                    if (item.where, item.keyword, item.detail) == (where, keyword, detail) \
                            and _relax_one(item) and action not in touched:
                        touched.append(action)
            if touched:
                changed = True
                report.note(f"{label}: at {where} {keyword} {detail}: relaxed in "
                            f"{', '.join(sorted(touched))} (contradicted by {len(files)} "
                            "example files)")
        if not changed:
            return


# ---------------------------------------------------------------------------------------------
# The synchronous answer
# ---------------------------------------------------------------------------------------------


def ack_schema(pack: Path, report: Report) -> Schema:
    """``common/ack.json``: the ACK/NACK answer, from the Retail 1.2.0 build's response schema.

    Retail 1.2.0 is used because its ``Error.type`` list is the complete one (1.2.5 dropped
    ``POLICY-ERROR``, which PROTOCOL.md still lists).  ``error.type`` and ``error.code`` are
    required when ``error`` is present; a NACK without ``error`` is valid here (the spec does not
    require it) and reported by the wire layer instead.  Objects stay open as in the spec.
    """
    doc = load_yaml_cached(pack / _RETAIL_120)
    defs = {name: convert(doc["components"]["schemas"][name], f"{_RETAIL_120}#{name}", report)
            for name in ("Ack", "Error", "TagGroup", "Tag", "Descriptor", "Image")
            if name in doc["components"]["schemas"]}
    response = doc["paths"]["/search"]["post"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    root = convert(response, f"{_RETAIL_120}#/paths/search/responses/200", report)
    schema: Schema = {
        "$schema": DRAFT,
        "$id": f"{ID_PREFIX}:common:ack",
        "title": "ONDC synchronous answer (ACK / NACK)",
        "$comment": (f"Generated by tools/gen_schemas.py from {_RETAIL_120} "
                     "(responses 200, Ack, Error). Do not edit: regenerate."),
        **root,
    }
    schema["$defs"] = reachable_defs(schema, defs)
    for ref in iter_refs(schema):
        resolve_pointer(schema, ref)
    return schema


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


def render(schema: Json) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate(pack: Path, report: Report) -> dict[str, str]:
    """Every output file, as ``{relative path: text}``."""
    by_key: dict[Key, list[Example]] = {}
    for example in official_examples(pack):
        by_key.setdefault(example.key, []).append(example)
    files: dict[str, str] = {"common/ack.json": render(ack_schema(pack, report))}
    for target in targets():
        build = target.build(pack, report)
        fallback = target.fallback(pack, report) if target.fallback else None
        schemas: dict[str, Schema] = {}
        for action in target.actions:
            schema = action_schema(target, build, fallback, action, pack, report)
            if schema is None:
                report.note(f"{target.family}/{target.version}: no {action} in the spec")
                continue
            schemas[action] = schema
        evidence = {action: [e for version in (target.evidence or (target.version,))
                             for e in by_key.get((target.family, version, action), [])]
                    for action in schemas}
        reconcile(schemas, evidence, f"{target.family}/{target.version}", report,
                  target.min_files or MIN_CONTRADICTING_FILES)
        for action, schema in schemas.items():
            files[f"{target.family}/{target.version}/{action}.json"] = render(schema)
    return dict(sorted(files.items()))


def check(files: dict[str, str], out: Path) -> list[str]:
    """Differences between generated ``files`` and what is under ``out``."""
    problems: list[str] = []
    on_disk = ({p.relative_to(out).as_posix() for p in out.rglob("*.json")}
               if out.is_dir() else set())
    for rel, text in files.items():
        path = out / rel
        if not path.is_file():
            problems.append(f"missing: {rel}")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"differs: {rel}")
    problems.extend(f"not generated (stale): {rel}" for rel in sorted(on_disk - set(files)))
    return problems


def write(files: dict[str, str], out: Path) -> None:
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    if out.is_dir():
        for stale in out.rglob("*.json"):
            if stale.relative_to(out).as_posix() not in files:
                stale.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pack", type=Path, default=DEFAULT_PACK,
                        help="the ONDC reference pack (default: ../shared/ondc)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder (default: schemas/)")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the output folder differs")
    parser.add_argument("--verbose", action="store_true", help="print the generator's notes")
    args = parser.parse_args(argv)
    if not args.pack.is_dir():
        print(f"gen_schemas: reference pack not found at {args.pack}", file=sys.stderr)
        return 2
    report = Report()
    files = generate(args.pack, report)
    if args.verbose:
        for note in report.notes:
            print(f"note: {note}")
    if args.check:
        problems = check(files, args.out)
        for problem in problems:
            print(f"gen_schemas --check: {problem}", file=sys.stderr)
        if problems:
            print("gen_schemas --check: run `python tools/gen_schemas.py` and commit schemas/",
                  file=sys.stderr)
            return 1
        print(f"gen_schemas --check: {len(files)} files up to date")
        return 0
    write(files, args.out)
    print(f"gen_schemas: wrote {len(files)} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
