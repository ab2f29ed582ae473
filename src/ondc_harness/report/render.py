"""Failure text for the terminal, Tavern style: the YAML step, the findings, the variables in
scope and where the evidence is — never a Python traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ondc_harness.checks.findings import Finding, Severity
from ondc_harness.flow import StepResult
from ondc_harness.scenario import Scenario, Step

MAX_VALUE = 160
HIDDEN_VARIABLES = frozenset({"timestamp_plus_1h", "timestamp_plus_2h", "timestamp_plus_1d",
                              "timestamp_minus_1h"})


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           default=str)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "…"


def source_excerpt(scenario: Scenario, step: Step, context: int = 2) -> list[str]:
    """The step's lines from the scenario file, numbered, with the step's first line marked."""
    try:
        lines = scenario.path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    start = max(step.line - 1, 0)
    end = start + 1
    while end < len(lines) and lines[end].startswith((" ", "\t")) \
            and not lines[end].lstrip().startswith("- "):
        end += 1
    end = min(end + context - 1, len(lines))
    out = []
    for number in range(start, end):
        marker = ">" if number == start else " "
        out.append(f"  {marker}{number + 1:4d} | {lines[number]}")
    return out


def finding_lines(finding: Finding, threshold: Severity) -> list[str]:
    flag = "FAIL" if finding.severity >= threshold else "note"
    lines = [f"  [{flag}] {finding.rule_id} ({finding.severity}) at {finding.path}",
             f"         {finding.message}"]
    if finding.expected is not None or finding.actual is not None:
        lines.append(f"         expected: {_short(finding.expected)}   "
                     f"actual: {_short(finding.actual)}")
    return lines


def render_step_failure(scenario: Scenario, result: StepResult, threshold: Severity,
                        transcript: Path) -> str:
    step = result.step
    lines = [f"{scenario.id}::{step.name} — {step.kind} {step.action} "
             f"({scenario.path}:{step.line})", *source_excerpt(scenario, step), ""]
    if result.note:
        lines += [f"  {result.note}", ""]
    failing = sorted(result.findings, key=lambda f: (-f.severity, f.rule_id, f.path))
    lines.append(f"{len(failing)} finding(s); the step fails at {threshold} and above:")
    for finding in failing:
        lines += finding_lines(finding, threshold)
    scope = {k: v for k, v in result.variables.items() if k not in HIDDEN_VARIABLES}
    lines += ["", "variables in scope:"]
    lines += [f"  {name} = {_short(value)}" for name, value in sorted(scope.items())]
    message = result.inbound.message if result.inbound else result.request
    ids = f" (message_id {message.message_id})" if message is not None else ""
    lines += ["", f"evidence: {transcript}{ids}"]
    return "\n".join(lines)


def render_prerequisite(scenario: Scenario, step: Step, broken: StepResult) -> str:
    lines = [
        f"{scenario.id}::{step.name} could not run: earlier step {broken.step.name!r} "
        f"({scenario.path}:{broken.step.line}) broke.",
        f"  {broken.note}" if broken.note else "",
    ]
    for finding in sorted(broken.findings, key=lambda f: -f.severity)[:1]:
        lines.append(f"  {finding.rule_id}: {finding.message}")
    return "\n".join(line for line in lines if line)
