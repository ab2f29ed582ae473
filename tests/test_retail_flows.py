"""Every Retail certification flow passes against the reference seller, and each one's own fault
is caught by the rule that exists for it.

The flows run in-process (real servers, real signatures, real checks; the pattern of
test_flow_faults.py) with a short ``--callback-timeout``, so a missing callback costs half a
second, not the ttl.  Clean runs share one session; each fault gets a fresh reference seller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from flowkit import CALLBACK_WAIT_S, FlowRunner, result, rules, run_whole
from flowkit import SCENARIOS as ALL_SCENARIOS
from ondc_harness.checks.findings import Severity
from ondc_harness.config import HarnessSettings
from ondc_harness.flow import FlowRun, Outcome
from ondc_harness.scenario import Scenario, load_scenario
from ondc_harness.session import HarnessSession

RETAIL = ALL_SCENARIOS / "retail"
SCENARIOS = sorted(RETAIL.glob("*.yaml"))
MISSING_CALLBACK_WAIT_S = 0.5
"""How long a fault test waits for a callback the fault suppresses."""

Runner = Callable[..., FlowRun]


def run_flow(session: HarnessSession, scenario: Scenario) -> FlowRun:
    return run_whole(session, scenario.path)


@pytest.fixture(scope="module")
def clean_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HarnessSession]:
    """One session for all the clean runs: flows are independent transactions."""
    settings = HarnessSettings(report_root=tmp_path_factory.mktemp("clean"),
                               callback_timeout_s=5.0)
    session = HarnessSession(settings, None).start()
    yield session
    session.close()


@pytest.fixture
def run_with_fault(flow_runner: FlowRunner) -> Runner:
    def run(scenario_file: str, *faults: str, timeout: float = CALLBACK_WAIT_S) -> FlowRun:
        return flow_runner.run(RETAIL / scenario_file, *faults, timeout=timeout)[1]

    return run


# -- every flow passes -------------------------------------------------------------------------
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_flow_passes_against_the_reference_seller(clean_session: HarnessSession,
                                                  path: Path) -> None:
    scenario = load_scenario(path)
    flow = run_flow(clean_session, scenario)
    serious = [f"{r.step.name}: {f.one_line()}" for r in flow.results for f in r.findings
               if f.severity >= Severity.MAJOR]
    assert not serious, "\n".join(serious[:20])
    assert [r.outcome for r in flow.results] == [Outcome.PASSED] * len(scenario.steps)


def test_the_retail_suite_has_every_certification_area() -> None:
    areas = {marker for path in SCENARIOS for marker in load_scenario(path).markers}
    assert {"discovery", "order", "cancel", "returns", "post_fulfilment", "legacy"} <= areas
    ids = [load_scenario(path).id for path in SCENARIOS]
    assert len(ids) == len(set(ids)) >= 31
    assert all(i.startswith("retail.") for i in ids)


# -- each flow's fault is caught by its rule ---------------------------------------------------
CASES = [
    # (scenario, fault, step that must report it, rule)
    ("discovery_full.yaml", "price_above_mrp", "on_search", "RET-CAT-004"),
    ("discovery_incremental_pull.yaml", "price_above_mrp", "on_search_inc", "RET-CAT-004"),
    ("discovery_incremental_push.yaml", "inc_push_message_id", "on_search_push_sold_out",
     "WIRE-CALLBACK-001"),
    ("discovery_catalog_rejection.yaml", "catalog_rejection_nack", "catalog_rejection",
     "WIRE-ACK-002"),
    ("order_cod.yaml", "cod_paid_on_confirm", "on_confirm", "FLOW-SAME-001"),
    ("order_self_pickup.yaml", "pickup_state", "on_status_picked_up", "RET-TRANS-001"),
    ("order_slotted.yaml", "multi_option_quote", "on_select", "RET-QUOTE-001"),
    ("order_multi_fulfillment.yaml", "multi_option_quote", "on_select", "RET-QUOTE-001"),
    ("order_buyer_delivery.yaml", "buyer_delivery_state", "on_update_picked_up",
     "RET-TRANS-002"),
    ("order_out_of_stock.yaml", "out_of_stock_no_error", "on_select_out_of_stock",
     "RET-LIFE-007"),
    ("order_not_cancellable.yaml", "cancel_non_cancellable", "cancel", "WIRE-ACK-002"),
    ("cancel_buyer.yaml", "cancel_reason_mismatch", "on_cancel", "RET-LIFE-001"),
    ("cancel_merchant_full.yaml", "cancel_items_not_moved", "on_cancel", "RET-LIFE-003"),
    ("cancel_merchant_part.yaml", "part_cancel_quote_trail", "on_update_part_cancel",
     "RET-LIFE-002"),
    ("cancel_merchant_part.yaml", "part_cancel_reason", "on_update_part_cancel",
     "RET-LIFE-005"),
    ("cancel_rto.yaml", "rto_state", "on_cancel_rto", "RET-TRANS-002"),
    ("cancel_rto.yaml", "rto_location", "on_cancel_rto", "RET-LIFE-004"),
    ("cancel_force.yaml", "force_cancel_ignored", "on_cancel", "WIRE-CALLBACK-001"),
    ("return_liquidation.yaml", "return_quote_trail", "on_update_liquidated", "RET-LIFE-002"),
    ("return_reverse_qc.yaml", "return_qc_state", "on_update_approved", "RET-TRANS-002"),
    ("return_reverse_qc_rescheduled.yaml", "return_qc_state", "on_update_approved",
     "RET-TRANS-002"),
    ("return_reverse_qc_failed.yaml", "return_qc_state", "on_update_approved",
     "RET-TRANS-002"),
    ("return_rejected.yaml", "return_request_changed", "on_update_rejected", "RET-LIFE-006"),
    ("return_replacement.yaml", "replacement_state", "on_status_replacement_picked_up",
     "RET-TRANS-002"),
    ("update_address.yaml", "update_address_ignored", "on_update_address", "RET-LIFE-008"),
    ("post_fulfilment_rating.yaml", "rating_no_ack", "rating", "WIRE-ACK-002"),
    ("post_fulfilment_support.yaml", "support_unavailable", "support", "WIRE-ACK-002"),
    ("legacy_cancellation_reasons.yaml", "lookup_message_id", "cancellation_reasons",
     "CTX-MSGID-002"),
    ("legacy_return_reasons.yaml", "lookup_message_id", "return_reasons", "CTX-MSGID-002"),
    ("legacy_rating_categories.yaml", "lookup_message_id", "rating_categories",
     "CTX-MSGID-002"),
    ("legacy_feedback_categories.yaml", "lookup_message_id", "feedback_categories",
     "CTX-MSGID-002"),
    ("legacy_feedback_form.yaml", "lookup_message_id", "feedback_form", "CTX-MSGID-002"),
]


@pytest.mark.parametrize(("scenario", "fault", "step", "rule"), CASES,
                         ids=[f"{c[0][:-5]}-{c[1]}" for c in CASES])
def test_flow_fault_is_caught_by_its_rule(run_with_fault: Runner, scenario: str, fault: str,
                                          step: str, rule: str) -> None:
    wait = MISSING_CALLBACK_WAIT_S if rule == "WIRE-CALLBACK-001" else 2.0
    flow = run_with_fault(scenario, fault, timeout=wait)
    caught = result(flow, step)
    assert rule in rules(caught), [f.one_line() for f in caught.findings]
    assert caught.outcome is not Outcome.PASSED


def test_every_flow_has_a_negative_case() -> None:
    covered = {case[0] for case in CASES} | {"forward.yaml"}  # forward: test_flow_faults.py
    assert covered == {path.name for path in SCENARIOS}


def test_every_flow_fault_is_exercised() -> None:
    from ondc_harness.reference import flow_faults
    from ondc_harness.reference.faults import FAULTS

    mine = {name for name, spec in FAULTS.items()
            if spec.mutate.__module__ == flow_faults.__name__}
    assert mine == {case[1] for case in CASES}
