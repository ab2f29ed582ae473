"""Run every applicable check on one message: JSON Schema first, then the business rules.

The same function serves live runs and offline logs.  It never raises on bad data: a rule that
crashes is reported as a ``HARNESS-001`` finding naming the rule, so one harness bug cannot hide
the other findings of a message.
"""

from __future__ import annotations

from collections.abc import Iterable

from ondc_harness.checks import runner_rules, views
from ondc_harness.checks.catalog import CheckContext, Rule, load_all
from ondc_harness.checks.findings import Finding, Severity, Violation
from ondc_harness.checks.schema import schema_findings
from ondc_harness.message import FlowHistory, Message


def finding_from(rule: Rule, violation: Violation, message: Message) -> Finding:
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        action=message.action or "?",
        path=violation.path,
        message=violation.message,
        expected=violation.expected,
        actual=violation.actual,
        file=message.file,
    )


_APPLICABLE: dict[tuple[int, str, str, str], list[Rule]] = {}


def applicable_rules(message: Message) -> list[Rule]:
    """The rules with a function that apply to ``message``'s action, domain and version.

    Hundreds of rules × every message of a log tree: the answer is remembered per (action,
    domain, version).  The catalogue only grows (an id cannot be registered twice with another
    rule), so its size says whether a remembered answer is still current.
    """
    catalog = load_all()
    key = (len(catalog), message.action, message.domain, message.version)
    found = _APPLICABLE.get(key)
    if found is None:
        if len(_APPLICABLE) > 4096:  # bounded: junk domains and versions are unbounded
            _APPLICABLE.clear()
        found = _APPLICABLE[key] = [
            r for r in catalog.values() if r.fn is not None and r.applies_to(*key[1:])]
    return list(found)


def run_rules(
    message: Message, history: FlowHistory, rules: Iterable[Rule] | None = None
) -> list[Finding]:
    """Business rules only (no schema).  ``rules`` defaults to every applicable rule."""
    ctx = CheckContext(message=message, history=history)
    findings: list[Finding] = []
    with views.checking():
        # Hundreds of rules per message, hundreds of thousands per log tree: one loop, no call
        # per rule beyond the rule itself.
        for rule in applicable_rules(message) if rules is None else rules:
            fn = rule.fn
            if fn is None:
                continue
            try:
                for violation in fn(ctx):
                    findings.append(finding_from(rule, violation, message))
            except Exception as exc:  # a harness defect must not hide the other findings
                findings.append(_crashed(rule, exc, message))
    return findings


def _crashed(rule: Rule, exc: Exception, message: Message) -> Finding:
    """The ``HARNESS-001`` finding that stands for a rule that raised."""
    return Finding(
        rule_id=runner_rules.RULE_CRASHED,
        severity=Severity.MAJOR,
        action=message.action or "?",
        path="$",
        message=f"rule {rule.id} crashed: {type(exc).__name__}: {exc}",
        file=message.file,
    )


def check_message(
    message: Message,
    history: FlowHistory | None = None,
    *,
    schema: bool = True,
    rules: bool = True,
) -> list[Finding]:
    """All findings for ``message`` given the earlier messages of its flow."""
    history = history if history is not None else FlowHistory()
    findings: list[Finding] = []
    if schema:
        findings.extend(schema_findings(message))
    if rules:
        findings.extend(run_rules(message, history))
    return findings


def worst(findings: Iterable[Finding]) -> Severity | None:
    severities = [f.severity for f in findings]
    return max(severities) if severities else None
