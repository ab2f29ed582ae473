"""RET-LIFE rules: silent on the valid post-order scenarios, one exact finding per mutation."""

from __future__ import annotations

import pytest
from lifecycle_cases import ALL_CASES, FORWARD, Case, check, scenario
from post_order_cases import SCENARIOS

from ondc_harness.checks.catalog import load_all

LIFE = sorted(rule_id for rule_id in load_all() if rule_id.startswith("RET-LIFE-"))


@pytest.mark.parametrize("name", [FORWARD, *SCENARIOS])
def test_valid_scenarios_have_no_lifecycle_finding(name: str) -> None:
    built = scenario(name)
    found = [f.one_line() for step in built.steps for f in check(built, step)
             if f.rule_id.startswith("RET-LIFE-")]
    assert found == []


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_mutation_yields_exactly_that_finding(case: Case) -> None:
    built = scenario(case.scenario)
    case.mutate(built.flow)
    findings = check(built, case.step)
    assert [f for f in findings if f.rule_id == "HARNESS-001"] == []
    mine = [(f.rule_id, f.path) for f in findings if f.rule_id == case.rule_id]
    assert mine == [(case.rule_id, case.path)], [f.one_line() for f in findings]


def test_every_lifecycle_rule_has_a_case() -> None:
    assert sorted({case.rule_id for case in ALL_CASES}) == LIFE
