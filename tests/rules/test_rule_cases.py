"""Every rule: silent on the valid flow, and exactly one finding at the right path when broken.

The catalogue-wide tests make a rule without a failing case (or one that fires on the valid
flow) break CI: add a :class:`failing_cases.Case` for every new rule.
"""

from __future__ import annotations

import importlib
from functools import cache

import pytest
from case_checks import assert_only_finding
from failing_cases import ALL_CASES, Case
from retail_flow import STEPS, build_flow, check

from ondc_harness.checks.catalog import Rule, load_all
from ondc_harness.checks.findings import Finding

CATALOG = load_all()
RULES_WITH_FN = [CATALOG[rule_id] for rule_id in sorted(CATALOG) if CATALOG[rule_id].fn]


@cache
def valid_flow_findings() -> tuple[Finding, ...]:
    flow = build_flow()
    return tuple(finding for step in STEPS for finding in check(flow, step))


def test_the_valid_flow_has_no_findings_at_all() -> None:
    assert [f.one_line() for f in valid_flow_findings()] == []


@pytest.mark.parametrize("rule", RULES_WITH_FN, ids=lambda r: str(r.id))
def test_valid_flow_yields_no_finding_of(rule: Rule) -> None:
    assert [f.one_line() for f in valid_flow_findings() if f.rule_id == rule.id] == []


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_minimal_mutation_yields_exactly_that_finding(case: Case) -> None:
    flow = build_flow()
    case.mutate(flow)
    findings = check(flow, case.step)
    assert_only_finding(findings, case.rule_id, case.path,
                        action=flow[case.step]["context"]["action"])


FAMILY_CASE_MODULES = ("failing_cases", "igm_cases", "rsf_cases", "logistics_cases",
                       "discovery_cases", "request_cases", "post_order_cases",
                       "lifecycle_cases")
"""Modules (in tests/rules/) holding failing cases.  Each defines ``ALL_CASES``, a list of
objects with a ``rule_id``, and runs them itself against a valid flow of its own family; this
file only checks that together they cover every rule of the catalogue."""


@cache
def covered_rule_ids() -> frozenset[str]:
    ids: set[str] = set()
    for name in FAMILY_CASE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        ids.update(case.rule_id for case in module.ALL_CASES)
    return frozenset(ids)


@pytest.mark.parametrize("rule", RULES_WITH_FN, ids=lambda r: str(r.id))
def test_every_rule_has_a_failing_case(rule: Rule) -> None:
    assert rule.id in covered_rule_ids(), (
        f"{rule.id} has no failing case in tests/rules/ (one of {FAMILY_CASE_MODULES})")


def test_failing_cases_name_registered_rules_only() -> None:
    assert covered_rule_ids() <= set(CATALOG)


@pytest.mark.parametrize("rule", RULES_WITH_FN, ids=lambda r: str(r.id))
def test_rule_metadata(rule: Rule) -> None:
    """Stable id, a title, a severity, a spec reference into the pack, a scope."""
    assert rule.title.strip() and rule.spec.strip()
    if rule.id.startswith("RET-"):
        assert rule.domains == ("ONDC:RET", "ONDC:AGR"), rule.id
        assert rule.actions, f"{rule.id} should name the actions it applies to"
    if "tolerance" in rule.title.lower():
        assert "0.01" in rule.title
