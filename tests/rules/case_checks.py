"""The one assertion every family's failing cases make: the mutation yields exactly its finding.

Each family (test_rule_cases, test_igm, test_rsf, test_logistics, ...) builds its own valid flow
and mutates it; what "exactly that finding" means is the same for all of them, so it is said
once, here.
"""

from __future__ import annotations

from ondc_harness.checks.catalog import load_all
from ondc_harness.checks.findings import Finding
from ondc_harness.checks.runner_rules import RULE_CRASHED


def assert_only_finding(findings: list[Finding], rule_id: str, path: str,
                        action: str | None = None) -> Finding:
    """No rule crashed, ``rule_id`` reported once, at ``path`` (and on ``action`` when given),
    with its catalogue severity and a message; that finding."""
    assert [f for f in findings if f.rule_id == RULE_CRASHED] == []
    mine = [f for f in findings if f.rule_id == rule_id]
    assert [(f.rule_id, f.path) for f in mine] == [(rule_id, path)], [
        f.one_line() for f in findings]
    finding = mine[0]
    if action is not None:
        assert finding.action == action
    assert finding.message.strip()
    assert finding.severity == load_all()[rule_id].severity
    return finding
