"""IGM and RSF flows against the embedded reference seller: every scenario passes, and each
IGM/RSF reference fault is caught by the rule it names.

Flows run in-process (real servers, real signatures, real checks) without pytest's collection
layer, with a short --callback-timeout so a missing callback costs a second, not ttl + grace.
The pytest integration (``pytest suites/retail -m igm``) is exercised at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from flowkit import CALLBACK_WAIT_S, REPO, SCENARIOS, FlowRunner, result, serious
from ondc_harness.flow import FlowRun, Outcome
from ondc_harness.reference.faults import FAULTS
from ondc_harness.scenario import load_scenario

IGM_RSF = sorted([*SCENARIOS.glob("igm/*.yaml"), *SCENARIOS.glob("rsf/*.yaml")])

Runner = Callable[..., FlowRun]


@pytest.fixture
def run_flow(flow_runner: FlowRunner) -> Runner:
    def run(scenario_path: Path, *faults: str, timeout: float = CALLBACK_WAIT_S) -> FlowRun:
        return flow_runner.run(scenario_path, *faults, timeout=timeout)[1]

    return run


@pytest.mark.parametrize("path", IGM_RSF, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_igm_and_rsf_flow_passes_against_the_reference_seller(run_flow: Runner,
                                                                    path: Path) -> None:
    flow = run_flow(path)
    assert len(flow.results) == len(flow.scenario.steps), [
        (r.step.name, r.note) for r in flow.results if r.outcome is Outcome.BROKEN]
    assert serious(flow) == []
    assert all(r.outcome is Outcome.PASSED for r in flow.results)


def test_there_are_igm_and_rsf_flows_for_every_case_of_the_brief() -> None:
    ids = {load_scenario(p).id for p in IGM_RSF}
    for version in ("v1", "v2"):
        for case in ("refund", "replacement", "cancel", "no_action", "escalation"):
            assert f"igm.{version}.{case}" in ids
    assert {"rsf.settle_np_np", "rsf.settle_misc", "rsf.settle_nil", "rsf.settle_error",
            "rsf.recon_accord_true", "rsf.recon_accord_false", "rsf.recon_error",
            "rsf.report"} <= ids


# (scenario, fault, step that must report it, rule)
FAULT_CASES = [
    ("igm/v1_refund", "igm_status_regress@on_issue_status", "on_issue_status", "IGM-STATUS-002"),
    ("igm/v1_replacement", "igm_wrong_issue_id@on_issue", "on_issue", "IGM-ID-001"),
    ("igm/v1_cancel", "igm_refund_amount", "on_issue_status", "IGM-RES-002"),
    ("igm/v1_no_action", "igm_updated_before_created@on_issue", "on_issue", "IGM-TIME-001"),
    ("igm/v1_escalation", "igm_no_gro@on_issue", "on_issue_grievance", "IGM-ESC-001"),
    ("igm/v2_refund", "igm_status_regress@on_issue_status", "on_issue_status",
     "IGM-STATUS-002"),
    ("igm/v2_replacement", "igm_wrong_issue_id@on_issue", "on_issue", "IGM-ID-001"),
    ("igm/v2_cancel", "igm_refund_amount", "on_issue_proposal", "IGM-RES-002"),
    ("igm/v2_no_action", "igm_updated_before_created@on_issue", "on_issue_proposal",
     "IGM-TIME-001"),
    ("igm/v2_escalation", "igm_no_gro@on_issue", "on_issue_grievance", "IGM-ESC-001"),
    ("rsf/settle_np_np", "rsf_settle_id", "on_settle", "RSF-SETTLE-001"),
    ("rsf/settle_misc", "rsf_settle_id", "on_settle", "RSF-SETTLE-001"),
    ("rsf/settle_nil", "rsf_settle_id", "on_settle", "RSF-SETTLE-001"),
    ("rsf/settle_error", "rsf_error_code@on_settle", "on_settle_refused", "RSF-ERR-001"),
    ("rsf/recon_accord_true", "rsf_no_due_date", "on_recon", "RSF-RECON-003"),
    ("rsf/recon_accord_false", "rsf_diff_value", "on_recon", "RSF-RECON-002"),
    ("rsf/recon_accord_false", "rsf_recon_sum", "on_recon_agreed", "RSF-RECON-001"),
    ("rsf/recon_error", "rsf_error_code@on_recon", "on_recon", "RSF-ERR-001"),
    ("rsf/report", "rsf_settle_id@on_report", "on_report", "RSF-REPORT-001"),
]


@pytest.mark.parametrize(("scenario", "fault", "step", "rule"), FAULT_CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in FAULT_CASES])
def test_reference_fault_is_caught_by_its_rule(run_flow: Runner, scenario: str, fault: str,
                                               step: str, rule: str) -> None:
    flow = run_flow(SCENARIOS / f"{scenario}.yaml", fault)
    faulty = result(flow, step)
    assert rule in {f.rule_id for f in faulty.findings}, [f.one_line() for f in faulty.findings]
    assert faulty.outcome is Outcome.FAILED
    name = fault.partition("@")[0]
    assert rule in FAULTS[name].doc, f"{name}'s docstring should name {rule}"


def test_every_igm_and_rsf_fault_has_a_flow_that_catches_it() -> None:
    tested = {fault.partition("@")[0] for _, fault, _, _ in FAULT_CASES}
    assert {n for n in FAULTS if n.startswith(("igm_", "rsf_"))} <= tested


def test_an_unknown_order_gets_an_igm_error_not_an_issue(run_flow: Runner,
                                                        tmp_path: Path) -> None:
    """The reference refuses a complaint about an order it never had (IGM002 in on_issue)."""
    scenario = tmp_path / "scenarios" / "igm" / "unknown_order.yaml"
    scenario.parent.mkdir(parents=True)
    (tmp_path / "scenarios" / "igm" / "payloads").symlink_to(SCENARIOS / "igm" / "payloads")
    scenario.write_text("""
id: igm.unknown_order
title: a complaint about an order this transaction never placed
domain: ONDC:RET11
version: "1.2.5"
under_test: seller
vars: {order_id: O-NEVER, order_state: Completed, item_id: I1, fulfillment_id: F1,
       fulfillment_state: Order-delivered, provider_id: P1, complained_count: 1,
       category: ITEM, sub_category: ITM01, complaint: x, complaint_details: y,
       buyer_phone: "9886098860", buyer_email: a@example.com}
steps:
  - send: issue
    payload: igm/payloads/v1/issue_open.yaml
  - expect: on_issue
    save: {error_code: "$.error.code"}
""", encoding="utf-8")
    flow = run_flow(scenario)
    assert flow.variables["error_code"] == "IGM002"
    assert result(flow, "on_issue").outcome is Outcome.PASSED


def test_rsf_requests_carry_the_rsf_context_shape(run_flow: Runner) -> None:
    """A template's ``core_version: null`` removes the key the runner writes (flow.py)."""
    flow = run_flow(SCENARIOS / "rsf" / "settle_nil.yaml")
    sent = result(flow, "settle").request
    assert sent is not None
    context = sent.context
    assert context["version"] == "2.0.0" and context["domain"] == "ONDC:NTS10"
    assert "core_version" not in context and "city" not in context
    assert context["location"] == {"country": {"code": "IND"}, "city": {"code": "*"}}
    answer = result(flow, "on_settle").inbound
    assert answer is not None and "core_version" not in answer.message.context


def test_igm_2_0_requests_carry_version_not_core_version(run_flow: Runner) -> None:
    flow = run_flow(SCENARIOS / "igm" / "v2_no_action.yaml")
    sent = result(flow, "issue").request
    assert sent is not None
    assert sent.context["version"] == "2.0.0" and "core_version" not in sent.context
    assert result(flow, "issue_accept").request is not None


def test_suites_select_igm_and_rsf_by_marker(pytester: pytest.Pytester) -> None:
    """``pytest suites/retail -m igm`` collects the IGM flows and nothing else (same for rsf)."""
    suite = REPO / "suites" / "retail"
    for name in ("igm", "rsf"):
        out = pytester.runpytest_subprocess(str(suite), "-m", name, "--collect-only", "-q",
                                            "-p", "no:cacheprovider")
        ids = [line for line in out.outlines if "::" in line]
        assert ids and all(f"suites/retail/{name}.yaml::{name}." in line for line in ids), ids
        assert any(line.endswith("::issue") or line.endswith("::settle") for line in ids)


def test_an_rsf_flow_passes_through_pytest(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess(
        str(REPO / "suites" / "retail"), "-m", "rsf", "-k", "settle_nil", "-p",
        "no:cacheprovider", "--report-dir", str(pytester.path / "reports"))
    assert result.parseoutcomes()["passed"] == 2
    assert result.ret == 0
