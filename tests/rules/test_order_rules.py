"""Fulfillment, cancellation terms, payment, order state, tracking and transitions: edge cases."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from retail_flow import Flow, build_flow, check, history_before, stamp

from ondc_harness.checks.engine import run_rules
from ondc_harness.checks.findings import Finding
from ondc_harness.message import Message


def found(findings: list[Finding], *rule_ids: str) -> list[tuple[str, str]]:
    return [(f.rule_id, f.path) for f in findings if f.rule_id in rule_ids]


def order(flow: Flow, step: str) -> Any:
    return flow[step]["message"]["order"]


# --- fulfillments -------------------------------------------------------------------------------

def test_fulfillment_id_lists_and_fulfillment_ids_are_followed(flow: Flow) -> None:
    items = order(flow, "on_select")["items"]
    items[0]["fulfillment_id"] = ["F1", "F7"]
    del items[1]["fulfillment_id"]
    items[1]["fulfillment_ids"] = ["F1"]
    assert found(check(flow, "on_select"), "RET-FULF-001") == [
        ("RET-FULF-001", "$.message.order.items[0].fulfillment_id[1]")]


@pytest.mark.parametrize(("code", "flagged"), [("Serviceable", False), ("Non-serviceable", False),
                                               ("Non-Serviceable", False), ("serviceable", True),
                                               (None, True), (["Serviceable"], True)])
def test_serviceability_codes(flow: Flow, code: Any, flagged: bool) -> None:
    order(flow, "on_select")["fulfillments"][0]["state"]["descriptor"]["code"] = code
    assert bool(found(check(flow, "on_select"), "RET-FULF-003")) is flagged


def test_missing_serviceability_state_is_reported(flow: Flow) -> None:
    del order(flow, "on_select")["fulfillments"][0]["state"]
    [finding] = [f for f in check(flow, "on_select") if f.rule_id == "RET-FULF-003"]
    assert finding.actual is None


@pytest.mark.parametrize("kind", ["Delivery", "Self-Pickup", "Buyer-Delivery", "Cancel",
                                  "Return", "RTO"])
def test_known_fulfillment_types(flow: Flow, kind: str) -> None:
    order(flow, "on_confirm")["fulfillments"][0]["type"] = kind
    assert found(check(flow, "on_confirm"), "RET-FULF-005") == []


# --- cancellation terms -------------------------------------------------------------------------

def test_terms_are_not_required_in_1_2_0(flow: Flow) -> None:
    """Most 1.2.0 certification logs have none; the 1.2.0 examples have them only sometimes."""
    flow["on_init"]["context"]["core_version"] = "1.2.0"
    del order(flow, "on_init")["cancellation_terms"]
    assert found(check(flow, "on_init"), "RET-CANCEL-001") == []


@pytest.mark.parametrize("terms", [[], None, "none", {}])
def test_empty_or_wrongly_typed_terms_count_as_missing(flow: Flow, terms: Any) -> None:
    order(flow, "on_init")["cancellation_terms"] = terms
    assert found(check(flow, "on_init"), "RET-CANCEL-001") == [
        ("RET-CANCEL-001", "$.message.order.cancellation_terms")]


@pytest.mark.parametrize(("fee", "path"), [
    ({"amount": {"currency": "INR", "value": "42.00"}}, None),
    ({"percentage": "0"}, None),
    ({"percentage": "100.00"}, None),
    ({}, "cancellation_fee"),
    (None, "cancellation_fee"),
    ({"percentage": "-1"}, "cancellation_fee.percentage"),
    ({"percentage": "NaN"}, "cancellation_fee.percentage"),
    ({"percentage": "10", "amount": {"value": "Infinity"}}, "cancellation_fee.amount.value"),
    ({"amount": "42"}, "cancellation_fee.amount.value"),
])
def test_cancellation_fee_shapes(flow: Flow, fee: Any, path: str | None) -> None:
    order(flow, "on_init")["cancellation_terms"][0]["cancellation_fee"] = fee
    expected = [] if path is None else [
        ("RET-CANCEL-003", f"$.message.order.cancellation_terms[0].{path}")]
    assert found(check(flow, "on_init"), "RET-CANCEL-003") == expected


def test_reason_required_is_optional(flow: Flow) -> None:
    for term in order(flow, "on_init")["cancellation_terms"]:
        term.pop("reason_required", None)
    assert found(check(flow, "on_init"), "RET-CANCEL-004") == []


def test_a_term_that_is_not_an_object_is_reported_as_stateless(flow: Flow) -> None:
    order(flow, "on_init")["cancellation_terms"].append("Pending: free")
    assert found(check(flow, "on_init"), "RET-CANCEL-002") == [
        ("RET-CANCEL-002", "$.message.order.cancellation_terms[3].fulfillment_state.descriptor"
                           ".code")]


# --- payment ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "flagged"), [("621.50", False), ("621.5", False),
                                                 ("621.51", False), ("621.52", True),
                                                 ("NaN", True), (None, True)])
def test_paid_amount_tolerance(flow: Flow, amount: Any, flagged: bool) -> None:
    order(flow, "on_confirm")["payment"]["params"]["amount"] = amount
    assert bool(found(check(flow, "on_confirm"), "RET-PAY-001")) is flagged


def test_finder_fee_compared_as_a_number(flow: Flow) -> None:
    order(flow, "on_init")["payment"]["@ondc/org/buyer_app_finder_fee_amount"] = "3.00"
    assert check(flow, "on_init") == []
    order(flow, "on_init")["payment"]["@ondc/org/buyer_app_finder_fee_type"] = "amount"
    assert found(check(flow, "on_init"), "RET-PAY-002") == [
        ("RET-PAY-002", "$.message.order.payment['@ondc/org/buyer_app_finder_fee_type']")]


def test_percent_finder_fee_above_100(flow: Flow) -> None:
    flow["search"]["message"]["intent"]["payment"]["@ondc/org/buyer_app_finder_fee_amount"] = "103"
    assert found(check(flow, "search"), "RET-PAY-003") == [
        ("RET-PAY-003", "$.message.intent.payment['@ondc/org/buyer_app_finder_fee_amount']")]


# --- order state --------------------------------------------------------------------------------

@pytest.mark.parametrize(("before", "after", "flagged"), [
    ("Accepted", "Accepted", False), ("Accepted", "In-progress", False),
    ("Created", "Completed", False), ("In-progress", "Cancelled", False),
    ("Completed", "In-progress", True), ("Cancelled", "Accepted", True),
    ("Completed", "Cancelled", True)])
def test_order_state_moves(flow: Flow, before: str, after: str, flagged: bool) -> None:
    order(flow, "on_confirm")["state"] = "Created"
    history = history_before(flow, "track")
    earlier = copy.deepcopy(flow["on_status"])
    order_obj = earlier["message"]["order"]
    order_obj["state"] = before
    order_obj["fulfillments"][0]["state"]["descriptor"]["code"] = "Packed"
    history.append(Message(earlier))
    later = copy.deepcopy(earlier)
    later["message"]["order"]["state"] = after
    later["context"].update(message_id="push-2", timestamp=stamp(60))
    findings = run_rules(Message(later), history)
    assert bool(found(findings, "RET-STATE-003")) is flagged


def test_confirm_timestamps_are_compared_as_instants(flow: Flow) -> None:
    order(flow, "confirm")["created_at"] = "2025-05-23T08:00:30.000+00:00"
    assert found(check(flow, "confirm"), "RET-ORDER-001") == []


def test_on_confirm_created_at_must_be_confirms(flow: Flow) -> None:
    order(flow, "on_confirm")["created_at"] = stamp(30.5)
    assert found(check(flow, "on_confirm"), "RET-ORDER-002") == [
        ("RET-ORDER-002", "$.message.order.created_at")]


# --- tracking -----------------------------------------------------------------------------------

def test_inactive_tracking_needs_no_position(flow: Flow) -> None:
    tracking = flow["on_track"]["message"]["tracking"]
    tracking["status"] = "inactive"
    del tracking["url"], tracking["location"]
    assert check(flow, "on_track") == []


@pytest.mark.parametrize("keep", ["url", "location"])
def test_either_url_or_gps_is_enough(flow: Flow, keep: str) -> None:
    tracking = flow["on_track"]["message"]["tracking"]
    del tracking["location" if keep == "url" else "url"]
    assert check(flow, "on_track") == []


def test_tracking_a_fulfillment_with_tracking_disabled(flow: Flow) -> None:
    order(flow, "on_status")["fulfillments"][0]["tracking"] = False
    assert found(check(flow, "on_track"), "RET-TRACK-003") == [
        ("RET-TRACK-003", "$.message.tracking.id")]


# --- fulfillment transitions --------------------------------------------------------------------

def test_a_cancel_fulfillment_is_born_cancelled(flow: Flow) -> None:
    fulfillments = order(flow, "on_status")["fulfillments"]
    fulfillments.append({"id": "C-1", "type": "Cancel",
                         "state": {"descriptor": {"code": "Pending"}}})
    assert found(check(flow, "on_status"), "RET-TRANS-001", "RET-TRANS-002") == [
        ("RET-TRANS-001", "$.message.order.fulfillments[1].state.descriptor.code")]
    fulfillments[1]["state"]["descriptor"]["code"] = "Cancelled"
    assert found(check(flow, "on_status"), "RET-TRANS-001", "RET-TRANS-002") == []


def test_an_rto_starts_initiated(flow: Flow) -> None:
    order(flow, "on_status")["fulfillments"].append(
        {"id": "F1-RTO", "type": "RTO", "state": {"descriptor": {"code": "RTO-Delivered"}}})
    assert found(check(flow, "on_status"), "RET-TRANS-002") == [
        ("RET-TRANS-002", "$.message.order.fulfillments[1].state.descriptor.code")]


def test_an_rto_first_seen_in_a_log_without_the_order_is_not_judged_new(flow: Flow) -> None:
    """A stray callback of another run (no on_confirm in its flow) may show an RTO in any
    state; with the order's confirmation in the flow it was created there."""
    message = copy.deepcopy(flow["on_status"])
    message["message"]["order"]["fulfillments"].append(
        {"id": "F1-RTO", "type": "RTO", "state": {"descriptor": {"code": "RTO-Delivered"}}})
    assert found(run_rules(Message(message), history_before(flow, "select")),
                 "RET-TRANS-002") == []


def test_ids_shared_by_two_fulfillments_and_unknown_earlier_states(flow: Flow) -> None:
    """A Cancel fulfillment reusing the id of a Return is its own life; a move from a state
    that is not one of its kind (Return_Accepted) is RET-TRANS-001's, where it was sent.  A
    fulfillment whose kind changed under its id (an RTO become a Cancel) is still a move."""
    history = history_before(flow, "on_status")
    earlier = copy.deepcopy(flow["on_status"])
    earlier["message"]["order"]["fulfillments"] += [
        {"id": "R-1", "type": "Return", "state": {"descriptor": {"code": "Return_Accepted"}}},
        {"id": "R-1", "type": "Cancel", "state": {"descriptor": {"code": "Cancelled"}}},
        {"id": "X-1", "type": "RTO", "state": {"descriptor": {"code": "RTO-Initiated"}}}]
    history.append(Message(earlier))
    fulfillments = order(flow, "on_status")["fulfillments"]
    fulfillments += [
        {"id": "R-1", "type": "Return", "state": {"descriptor": {"code": "Return_Picked"}}},
        {"id": "R-1", "type": "Cancel", "state": {"descriptor": {"code": "Cancelled"}}}]
    assert found(run_rules(Message(flow["on_status"]), history), "RET-TRANS-002") == []
    fulfillments.append({"id": "X-1", "type": "Cancel",
                         "state": {"descriptor": {"code": "Cancelled"}}})
    assert found(run_rules(Message(flow["on_status"]), history), "RET-TRANS-002") == [
        ("RET-TRANS-002", "$.message.order.fulfillments[3].state.descriptor.code")]


def test_p2h2p_routing_allows_hub_states(flow: Flow) -> None:
    fulfillment = order(flow, "on_status")["fulfillments"][0]
    fulfillment["tags"] = [{"code": "routing", "list": [{"code": "type", "value": "P2H2P"}]}]
    fulfillment["state"]["descriptor"]["code"] = "In-transit"
    # In-transit is past pickup: the transition rules must accept it for P2H2P routing (the
    # progress rules about pickup time and order state have their own tests).
    assert [f for f in check(flow, "on_status") if f.rule_id.startswith("RET-TRANS-")] == []


# --- TAT vs time_to_ship (RET-FULF-006) ----------------------------------------------------------

def _tat_flow(time_to_ship: str) -> Flow:
    flow = build_flow()
    flow["on_search"]["message"]["catalog"]["bpp/providers"][0]["items"][0][
        "@ondc/org/time_to_ship"] = time_to_ship
    return flow


def _tat_findings(flow: Flow) -> list[tuple[str, object]]:
    return [(f.path, f.expected) for f in check(flow, "on_select") if f.rule_id == "RET-FULF-006"]


TAT = "$.message.order.fulfillments[{}]['@ondc/org/TAT']"


def test_tat_must_exceed_time_to_ship() -> None:
    assert _tat_findings(_tat_flow("PT45M")) == []
    assert _tat_findings(_tat_flow("PT1H")) == [(TAT.format(0), "longer than PT1H")]
    assert _tat_findings(_tat_flow("P1D")) == [(TAT.format(0), "longer than P1D")]


def test_tat_rule_skips_what_it_cannot_compare() -> None:
    assert _tat_findings(_tat_flow("one day")) == []  # RET-CAT-055's
    flow = _tat_flow("P1D")
    flow["on_select"]["message"]["order"]["fulfillments"][0]["@ondc/org/TAT"] = "soon"
    assert _tat_findings(flow) == []  # RET-FULF-004's
    flow = _tat_flow("P1D")
    flow["on_select"]["message"]["order"]["fulfillments"][0]["state"]["descriptor"]["code"] = (
        "Non-serviceable")
    assert _tat_findings(flow) == []
    flow = _tat_flow("P1D")
    flow["on_search"]["message"]["catalog"]["bpp/providers"][0]["items"][0]["id"] = "I9"
    assert _tat_findings(flow) == []  # I1 not in on_search
    flow = _tat_flow("P1D")
    flow["on_select"]["message"]["order"]["provider"]["id"] = "P9"
    assert _tat_findings(flow) == []  # provider not in on_search (RET-XSTEP-007's)


def test_tat_of_pickup_equals_time_to_ship_and_options_carry_the_order() -> None:
    """A Self-Pickup TAT is the O2S time; an option no item names carries the whole order."""
    flow = _tat_flow("PT30M")
    fulfillments = flow["on_select"]["message"]["order"]["fulfillments"]
    fulfillments.append({**fulfillments[0], "id": "F2", "type": "Self-Pickup",
                         "@ondc/org/TAT": "PT30M"})
    fulfillments.append({**fulfillments[0], "id": "F3", "@ondc/org/TAT": "PT30M"})
    del fulfillments[0]["type"]  # read from the catalogue's F1 (Delivery)
    assert _tat_findings(flow) == [(TAT.format(2), "longer than PT30M")]
