"""Post-order rules (RET-POST, RET-RATE, RET-SUP): silent on valid post-order flows, exactly one
finding at the right path for each minimal mutation (tests/rules/post_order_cases.py)."""

from __future__ import annotations

from functools import cache

import pytest
from post_order_cases import ALL_CASES, SCENARIOS, VALID, Case, Scenario, check
from retail_flow import STEPS

from ondc_harness.checks.catalog import load_all
from ondc_harness.checks.findings import Finding

CATALOG = load_all()
FAMILIES = ("RET-POST-", "RET-RATE-", "RET-SUP-")
MINE = sorted(r for r in CATALOG if r.startswith(FAMILIES))


@cache
def scenario_findings(name: str) -> tuple[tuple[str, Finding], ...]:
    scenario = SCENARIOS[name]()
    return tuple((step, f) for step in scenario.steps for f in check(scenario, step))


@pytest.mark.parametrize("name", VALID)
def test_valid_scenario_has_no_post_order_finding(name: str) -> None:
    assert [f"{step}: {f.one_line()}" for step, f in scenario_findings(name)
            if f.rule_id.startswith(FAMILIES) or f.rule_id == "HARNESS-001"] == []


@pytest.mark.parametrize("name", VALID)
def test_valid_scenario_steps_have_no_finding_at_all(name: str) -> None:
    """The added steps are valid for every rule of the catalogue, not only ours."""
    assert [f"{step}: {f.one_line()}" for step, f in scenario_findings(name)
            if step not in STEPS] == []


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_minimal_mutation_yields_exactly_that_finding(case: Case) -> None:
    scenario: Scenario = SCENARIOS[case.scenario]()
    case.mutate(scenario.flow)
    findings = check(scenario, case.step)
    assert [f for f in findings if f.rule_id == "HARNESS-001"] == []
    mine = [(f.rule_id, f.path) for f in findings if f.rule_id == case.rule_id]
    assert mine == [(case.rule_id, case.path)], [f.one_line() for f in findings]
    finding = next(f for f in findings if f.rule_id == case.rule_id)
    assert finding.severity == CATALOG[case.rule_id].severity
    assert finding.message.strip()


def test_every_post_order_rule_has_a_case() -> None:
    assert sorted({c.rule_id for c in ALL_CASES}) == MINE


def test_at_least_sixty_rules() -> None:
    assert len(MINE) >= 60
