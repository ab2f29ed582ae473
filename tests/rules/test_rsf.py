"""RSF rules: silent on valid settle/report, recon, MISC, NIL and refusal flows; exactly one
finding per broken thing (cases in ``rsf_cases.py``), and the behaviours a single mutation
cannot show."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from case_checks import assert_only_finding
from mutations import at
from rsf_cases import ALL_CASES, STEPS, Case, build, check

from ondc_harness.checks.catalog import load_all

CATALOG = load_all()


def lines(findings: list[Any]) -> list[str]:
    return [f.one_line() for f in findings]


@pytest.mark.parametrize("name", sorted(STEPS))
def test_the_valid_flow_has_no_rsf_or_context_findings(name: str) -> None:
    flow = build(name)
    assert [line for step in STEPS[name] for line in lines(check(flow, step, name))] == []


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_minimal_mutation_yields_exactly_that_finding(case: Case) -> None:
    flow = build(case.flow)
    case.mutate(flow)
    findings = check(flow, case.step, case.flow)
    assert_only_finding(findings, case.rule_id, case.path)


def test_every_rsf_rule_has_a_case() -> None:
    rsf = {rule_id for rule_id, rule in CATALOG.items() if rule_id.startswith("RSF-") and rule.fn}
    assert rsf <= {case.rule_id for case in ALL_CASES}


def test_amounts_within_a_paisa_add_up() -> None:
    flow = build("recon")
    at(flow["on_recon_agreed"], "message", "orders", 0, "amount")["value"] = "582.905"
    assert not [f for f in check(flow, "on_recon_agreed", "recon")
                if f.rule_id == "RSF-RECON-001"]


def test_several_part_payments_sum_to_the_order() -> None:
    """The spec's example: 300.00 = 100.00 + 100.00 + 100.00, one of them SETTLED."""
    flow = build("recon")
    order = at(flow["recon"], "message", "orders", 0)
    first = order["settlements"][0]
    order["amount"]["value"] = "300.00"
    parts = [copy.deepcopy(first) for _ in range(3)]
    for index, part in enumerate(parts):
        part["id"], part["amount"]["value"] = f"S-{index}", "100.00"
    parts[1].update(status="SETTLED", settlement_ref_no="utr-1234")
    order["settlements"] = parts
    assert lines(check(flow, "recon", "recon")) == []


def test_a_settled_part_needs_no_due_date_when_accorded() -> None:
    flow = build("recon")
    settlement = at(flow["on_recon_agreed"], "message", "orders", 0, "settlements", 0)
    settlement.pop("due_date")
    settlement.update(status="SETTLED", settlement_ref_no="utr-1")
    assert not [f for f in check(flow, "on_recon_agreed", "recon")
                if f.rule_id == "RSF-RECON-003"]


def test_an_on_recon_without_its_recon_in_the_flow_checks_what_it_can() -> None:
    """Offline logs may hold only the callback: sums and due dates still apply."""
    flow = build("recon")
    only = {"on_recon_agreed": flow["on_recon_agreed"]}
    at(only["on_recon_agreed"], "message", "orders", 0, "settlements", 0).pop("due_date")
    STEPS["_only"] = ("on_recon_agreed",)
    try:
        rules = [f.rule_id for f in check(only, "on_recon_agreed", "_only")]
    finally:
        del STEPS["_only"]
    assert rules == ["RSF-RECON-003"]


def test_on_report_is_compared_with_the_settle_it_names_not_the_latest() -> None:
    flow = build("settle")
    at(flow["report"], "message")["ref_message_id"] = "m-unknown"
    at(flow["on_report"], "message", "settlement")["id"] = "SETTLEMENT-OTHER"
    assert not [f for f in check(flow, "on_report", "settle") if f.rule_id == "RSF-REPORT-001"]


JUNK: list[Any] = [math.nan, "Infinity", None, ["x"], {"x": 1}, True, "1e999999"]


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out: list[tuple[str | int, ...]] = []
    if isinstance(value, dict):
        for key, child in value.items():
            out += [(*prefix, key), *_paths(child, (*prefix, key))]
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out += [(*prefix, index), *_paths(child, (*prefix, index))]
    return out


@pytest.mark.parametrize(("name", "step"), [
    ("settle", "on_settle"), ("settle", "on_report"), ("recon", "on_recon"),
    ("recon", "on_recon_agreed"), ("refused", "on_settle")])
def test_junk_anywhere_never_makes_an_rsf_rule_raise(name: str, step: str) -> None:
    base = build(name)
    crashes: list[str] = []
    body = "error" if "error" in base[step] else "message"
    for path in _paths(base[step][body]):
        for junk in JUNK:
            flow = copy.deepcopy(base)
            at(flow[step][body], *path[:-1])[path[-1]] = junk
            crashes += [f"{path}={junk!r}: {f.message}" for f in check(flow, step, name)
                        if f.rule_id == "HARNESS-001"]
    assert crashes == []
