"""The scenario-level ``same_as`` check: selected parts of a message equal an earlier message's.

``checks: [{same_as: select, paths: [order.items]}]`` compares ``message.order.items`` of this
message with the latest ``select`` of the flow and reports each changed JSON path.
"""

from __future__ import annotations

from collections.abc import Iterator

from ondc_harness.checks import runner_rules as rr
from ondc_harness.checks.access import MISSING, get
from ondc_harness.checks.catalog import get_rule
from ondc_harness.checks.diffing import diff_paths
from ondc_harness.checks.findings import Finding
from ondc_harness.message import Message


def same_as_findings(message: Message, earlier: Message, paths: list[str]) -> Iterator[Finding]:
    severity = get_rule(rr.SAME_AS).severity
    for dotted in paths:
        keys = dotted.split(".")
        old = get(earlier.body, *keys)
        new = get(message.body, *keys)
        base = "$.message." + dotted
        if old is MISSING and new is MISSING:
            continue
        for change in diff_paths(old, new, base=base):
            yield Finding(
                rule_id=rr.SAME_AS, severity=severity, action=message.action,
                path=change.path,
                message=f"{change.kind} relative to {earlier.action}: {dotted} must not change",
                expected=change.old, actual=change.new)
