"""The plain summary of a run, for people without Allure: flows, steps, findings per rule."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ondc_harness.session import StepRecord


def summarise(records: list[StepRecord]) -> dict[str, Any]:
    outcomes = Counter(r.outcome for r in records)
    per_rule: Counter[str] = Counter()
    severity: dict[str, str] = {}
    per_flow: dict[str, Counter[str]] = {}
    for record in records:
        per_flow.setdefault(record.flow, Counter())[record.outcome] += 1
        for finding in record.findings:
            per_rule[finding["rule"]] += 1
            severity[finding["rule"]] = finding["severity"]
    return {
        "flows": len(per_flow),
        "steps": len(records),
        "outcomes": dict(outcomes),
        "per_flow": {flow: dict(counts) for flow, counts in per_flow.items()},
        "findings_per_rule": [
            {"rule": rule, "severity": severity[rule], "count": count}
            for rule, count in sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def render_summary(data: dict[str, Any]) -> list[str]:
    """Terminal lines for :func:`summarise`'s output."""
    outcomes = data["outcomes"]
    lines = [
        f"flows: {data['flows']}  steps: {data['steps']}  "
        + "  ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())),
    ]
    for flow, counts in data["per_flow"].items():
        lines.append(f"  {flow}: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    if data["findings_per_rule"]:
        lines.append("findings per rule:")
        for row in data["findings_per_rule"]:
            lines.append(f"  {row['rule']:<22} {row['severity']:<9} {row['count']}")
    else:
        lines.append("no findings")
    return lines
