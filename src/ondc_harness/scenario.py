"""Load and validate scenario YAML: one file, one flow.

A scenario is validated against its own JSON Schema (``data/scenario.schema.json``) when it is
loaded, and every mistake is reported as ``file:line: key: problem`` — the line found by walking
the YAML node tree along the error's path — never as a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from jsonschema import Draft202012Validator

from ondc_harness.durations import parse_duration
from ondc_harness.errors import HarnessError
from ondc_harness.jsonpaths import compile_path
from ondc_harness.message import callback_action_for, request_action_for

StepKind = Literal["send", "expect"]


class ScenarioError(HarnessError):
    """A scenario or payload template is wrong.  The message names file, line and key."""

    def __init__(self, file: Path | str, line: int | None, key: str, problem: str) -> None:
        where = f"{file}:{line}" if line else str(file)
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")
        self.file, self.line, self.key, self.problem = str(file), line, key, problem


@dataclass(frozen=True)
class Step:
    """One step of a flow: the harness sends ``action``, or expects the participant to."""

    kind: StepKind
    action: str
    name: str
    line: int
    payload: str | None = None
    vars: dict[str, Any] = field(default_factory=dict)
    save: dict[str, str] = field(default_factory=dict)
    checks: tuple[Any, ...] = ("schema", "rules")
    unsolicited: bool = False
    match: dict[str, Any] = field(default_factory=dict)
    within_s: float | None = None
    expect_nack: bool = False
    answers: str | None = None
    title: str = ""

    @property
    def request_action(self) -> str:
        return request_action_for(self.action)


@dataclass(frozen=True)
class Scenario:
    """A whole flow as written in YAML."""

    id: str
    title: str
    domain: str
    version: str
    under_test: str
    steps: tuple[Step, ...]
    path: Path
    root: Path
    markers: tuple[str, ...] = ()
    vars: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    def step_index(self, name: str) -> int:
        for index, step in enumerate(self.steps):
            if step.name == name:
                return index
        raise KeyError(name)


@cache
def _scenario_validator() -> Draft202012Validator:
    path = Path(__file__).parent / "data" / "scenario.schema.json"
    return Draft202012Validator(json.loads(path.read_text(encoding="utf-8")))


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse ``path`` safely; return the data and its node tree (for line numbers)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(path, None, "", f"cannot read: {exc}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(path, line, "", f"invalid YAML: {exc}") from None
    return data, node


def line_of(node: yaml.Node | None, path: list[Any]) -> int | None:
    """1-based line of the value at ``path`` (keys and indexes) in a composed YAML tree."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    node, line = value_node, key_node.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _key_name(path: list[Any]) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def find_scenarios_root(start: Path) -> Path:
    """The ``scenarios/`` folder that payload paths are relative to."""
    for parent in [start, *start.parents]:
        if parent.name == "scenarios":
            return parent
        if (parent / "scenarios").is_dir():
            return parent / "scenarios"
    return Path(__file__).resolve().parents[2] / "scenarios"


def load_scenario(path: Path, root: Path | None = None) -> Scenario:
    """Load, validate and build a :class:`Scenario`; raise :class:`ScenarioError` on mistakes."""
    path = Path(path)
    data, node = read_yaml(path)
    errors = sorted(_scenario_validator().iter_errors(data), key=lambda e: list(e.path))
    if errors:
        error = min(errors, key=lambda e: len(list(e.path)))
        where = list(error.absolute_path) + _unknown_keys(error)[:1]
        raise ScenarioError(path, line_of(node, where), _key_name(where), _explain(error))
    root = root or find_scenarios_root(path.parent)
    steps = tuple(_build_step(raw, i, node, path, root) for i, raw in enumerate(data["steps"]))
    _check_names(steps, path)
    _check_answers(steps, path)
    return Scenario(
        id=data["id"], title=data["title"], domain=data["domain"], version=data["version"],
        under_test=data["under_test"], steps=steps, path=path, root=root,
        markers=tuple(data.get("markers", ())), vars=dict(data.get("vars", {})),
        description=data.get("description", ""),
    )


def _unknown_keys(error: Any) -> list[str]:
    """The offending keys of an ``additionalProperties`` error (it is reported on the parent)."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    known = error.schema.get("properties", {})
    return [key for key in error.instance if key not in known]


def _explain(error: Any) -> str:
    if error.validator == "additionalProperties":
        return f"unknown key ({error.message})"
    if error.validator == "oneOf" and isinstance(error.instance, dict):
        if "send" in error.instance and "expect" in error.instance:
            return "a step has `send:` or `expect:`, not both"
        if "send" not in error.instance and "expect" not in error.instance:
            return "a step needs exactly one of `send:` or `expect:`"
    return str(error.message)


def _build_step(raw: dict[str, Any], index: int, node: yaml.Node | None, path: Path,
                root: Path) -> Step:
    kind: StepKind = "send" if "send" in raw else "expect"
    action = raw[kind]
    line = line_of(node, ["steps", index]) or 0
    if "send" in raw and "expect" in raw:
        raise ScenarioError(path, line, f"steps.{index}", "a step has `send:` or `expect:`, "
                            "not both")
    payload = raw.get("payload")
    if kind == "send" and payload is None:
        raise ScenarioError(path, line, f"steps.{index}.payload", "a `send` step needs a payload")
    if payload is not None and not (root / payload).is_file():
        raise ScenarioError(path, line_of(node, ["steps", index, "payload"]),
                            f"steps.{index}.payload", f"no such template {root / payload}")
    within = raw.get("within")
    try:
        within_s = parse_duration(within) if within else None
    except ValueError as exc:
        raise ScenarioError(path, line_of(node, ["steps", index, "within"]),
                            f"steps.{index}.within", str(exc)) from None
    for field_name, expressions in (("save", list(raw.get("save", {}).items())),
                                    ("match", [(k, k) for k in raw.get("match", {})])):
        for name, expression in expressions:
            try:
                compile_path(expression)
            except ValueError as exc:
                raise ScenarioError(path, line_of(node, ["steps", index, field_name, name]),
                                    f"steps.{index}.{field_name}.{name}", str(exc)) from None
    checks = raw.get("checks", ["schema", "rules"])
    return Step(
        kind=kind, action=action, name=raw.get("name", action), line=line, payload=payload,
        vars=dict(raw.get("vars", {})), save=dict(raw.get("save", {})),
        checks=() if checks == "none" else tuple(checks),
        unsolicited=bool(raw.get("unsolicited", False)), match=dict(raw.get("match", {})),
        within_s=within_s, expect_nack=bool(raw.get("expect_nack", False)),
        answers=raw.get("answers"), title=raw.get("title", ""),
    )


def _check_names(steps: tuple[Step, ...], path: Path) -> None:
    seen: dict[str, Step] = {}
    for step in steps:
        if step.name in seen:
            raise ScenarioError(path, step.line, "name", f"step name {step.name!r} is used twice "
                                f"(line {seen[step.name].line}); give one a distinct `name:`")
        seen[step.name] = step


def _check_answers(steps: tuple[Step, ...], path: Path) -> None:
    """A solicited ``expect`` must follow a ``send`` of its request action."""
    sent: set[str] = set()
    for step in steps:
        if step.kind == "send":
            sent.add(step.action)
            continue
        if step.unsolicited:
            continue
        wanted = step.answers or step.request_action
        if wanted not in sent and (step.answers or callback_action_for(wanted) == step.action):
            raise ScenarioError(path, step.line, "answers" if step.answers else "expect",
                                f"{step.action} answers {wanted}, but no earlier step sends "
                                "it; mark it `unsolicited: true`")
