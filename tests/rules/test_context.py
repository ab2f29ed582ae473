"""Context rules beyond the single failing case: unsolicited callbacks, discovery, clocks, ids."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from retail_flow import STEPS, Flow, build_flow, check, history_before, stamp

from ondc_harness.checks.engine import run_rules
from ondc_harness.checks.findings import Finding
from ondc_harness.message import FlowHistory, Message


def rule_ids(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings]


def unsolicited_on_status(flow: Flow, seconds: float, message_id: str) -> Message:
    payload = copy.deepcopy(flow["on_status"])
    payload["context"].update(timestamp=stamp(seconds), message_id=message_id)
    return Message(payload)


def test_unsolicited_on_status_after_a_status_is_not_a_wrong_callback(flow: Flow) -> None:
    """ORDER_FLOW.yaml pushes on_status with their own message ids (unsolicited: true)."""
    history = history_before(flow, "track")
    push = unsolicited_on_status(flow, 45, "e0e0e0e0-push")
    assert run_rules(push, history) == []
    history.append(push)
    # the status request after the push is compared with the last *solicited* callback
    assert check(flow, "track") == []


def test_a_request_racing_an_unsolicited_push_is_not_out_of_order(flow: Flow) -> None:
    history = history_before(flow, "status")
    history.append(unsolicited_on_status(flow, 40.2, "e0e0e0e0-push"))  # stamped after status
    assert run_rules(Message(flow["status"]), history) == []


def test_incremental_catalogue_pushes_have_their_own_message_ids(flow: Flow) -> None:
    flow["search"]["message"]["intent"]["tags"] = [
        {"code": "catalog_inc", "list": [{"code": "mode", "value": "start"}]}]
    flow["on_search"]["context"]["message_id"] = "f1f1f1f1-push"
    assert "CTX-MSGID-002" not in rule_ids(check(flow, "on_search"))
    del flow["search"]["message"]["intent"]["tags"]
    assert "CTX-MSGID-002" in rule_ids(check(flow, "on_search"))


def test_search_may_use_another_transaction_than_the_order(flow: Flow) -> None:
    for step in ("search", "on_search"):
        flow[step]["context"]["transaction_id"] = "discovery-transaction"
    assert [f for step in STEPS for f in check(flow, step)] == []


def test_discovery_by_another_buyer_app_in_another_transaction(flow: Flow) -> None:
    """Certification: the Pramaan mock buyer searches, the buyer app under test orders."""
    for step in ("search", "on_search"):
        flow[step]["context"].update(transaction_id="discovery-transaction",
                                     bap_id="pramaan.ondc.org/beta/preprod/mock/buyer",
                                     bap_uri="https://pramaan.ondc.org/beta/preprod/mock/buyer")
    assert [f.one_line() for step in STEPS for f in check(flow, step)] == []
    flow["on_search"]["context"]["bap_uri"] = "https://pramaan.ondc.org/other"
    assert rule_ids(check(flow, "on_search")) == ["CTX-ID-003"]


def test_a_callback_in_the_same_millisecond_as_its_request_is_accepted(flow: Flow) -> None:
    flow["on_init"]["context"]["timestamp"] = flow["init"]["context"]["timestamp"]
    assert check(flow, "on_init") == []


@pytest.mark.parametrize(("seconds", "late"), [(30.0, False), (30.001, True)])
def test_callback_ttl_boundary(flow: Flow, seconds: float, late: bool) -> None:
    flow["on_select"]["context"]["timestamp"] = stamp(10 + seconds)
    assert ("CTX-TTL-004" in rule_ids(check(flow, "on_select"))) is late


@pytest.mark.parametrize("value", ["pramaan.ondc.org/beta/preprod/mock/seller",
                                   "seller-app.example.co.in", "ONDC_SELLER_1"])
def test_subscriber_ids_may_have_paths(flow: Flow, value: str) -> None:
    for step in STEPS[1:]:
        flow[step]["context"]["bpp_id"] = value
    assert [f for step in STEPS for f in check(flow, step)] == []


@pytest.mark.parametrize("value", ["http://seller.example.org", "https://x.org/ondc",
                                   "seller example.org"])
def test_subscriber_ids_that_are_urls_or_have_spaces(flow: Flow, value: str) -> None:
    flow["search"]["context"]["bap_id"] = value
    assert rule_ids(check(flow, "search")) == ["CTX-ID-001"]


@pytest.mark.parametrize(("city", "step", "flagged"), [
    ("*", "search", False), ("*", "on_search", False), ("*", "select", True),
    ("std:0124", "search", False), ("std:", "search", True), ("080", "search", True)])
def test_city_format(flow: Flow, city: str, step: str, flagged: bool) -> None:
    flow[step]["context"]["city"] = city
    assert ("CTX-CITY-002" in rule_ids(check(flow, step))) is flagged


def test_city_reference_is_the_latest_search(flow: Flow) -> None:
    for step in STEPS:
        flow[step]["context"]["city"] = "std:011"
    flow["search"]["context"]["city"] = "*"  # a city-agnostic search is not a reference
    assert [f for step in STEPS for f in check(flow, step)] == []
    flow["on_status"]["context"]["city"] = "std:080"
    assert [(f.rule_id, f.expected, f.actual) for f in check(flow, "on_status")] == [
        ("CTX-CITY-001", "std:011", "std:080")]


def test_city_of_a_discovery_in_another_transaction_is_not_the_reference(flow: Flow) -> None:
    """A catalogue fetched in another transaction (another city) does not fix the order's."""
    for step in ("search", "on_search"):
        flow[step]["context"].update(transaction_id="discovery-transaction", city="std:011")
    assert [f.one_line() for step in STEPS for f in check(flow, step)] == []
    flow["on_status"]["context"]["city"] = "std:022"  # a change within the order is still one
    assert rule_ids(check(flow, "on_status")) == ["CTX-CITY-001"]


def test_beckn_1_x_location_context_is_read_for_city_and_country() -> None:
    """RSF 2.0 / B2B carry location.city.code and location.country.code."""
    payload: dict[str, Any] = {
        "context": {"domain": "ONDC:NTS10", "action": "settle", "version": "2.0.0",
                    "location": {"city": {"code": "*"}, "country": {"code": "INDIA"}},
                    "bap_id": "collector.example.org", "bap_uri": "https://collector.example.org",
                    "bpp_id": "sa.example.org", "bpp_uri": "https://sa.example.org",
                    "transaction_id": "t-1", "message_id": "m-1",
                    "timestamp": "2024-05-09T06:36:51.897Z", "ttl": "P1D"},
        "message": {}}
    findings = run_rules(Message(payload), FlowHistory())
    assert [(f.rule_id, f.path) for f in findings if f.rule_id.startswith("CTX-")] == [
        ("CTX-COUNTRY-001", "$.context.location.country.code")]


def test_required_fields_are_each_reported(flow: Flow) -> None:
    context = flow["select"]["context"]
    for key in ("core_version", "city", "message_id"):
        del context[key]
    findings = [f for f in check(flow, "select") if f.rule_id == "CTX-REQ-001"]
    assert sorted(f.path for f in findings) == [
        "$.context.city", "$.context.core_version", "$.context.message_id"]


def test_a_payload_without_a_context_object_is_left_to_the_envelope_checks() -> None:
    payloads: list[Any] = [{"message": {}}, {"context": "x", "message": {}}, [], None]
    for payload in payloads:
        assert run_rules(Message(payload), FlowHistory()) == []


@pytest.mark.parametrize("action", ["on_select", "on_init", "on_confirm", "on_track"])
def test_a_solicited_callback_with_a_foreign_message_id_is_reported(action: str) -> None:
    flow = build_flow()
    flow[action]["context"]["message_id"] = "foreign"
    findings = check(flow, action)
    [finding] = [f for f in findings if f.rule_id == "CTX-MSGID-002"]
    assert finding.expected == flow[action.removeprefix("on_")]["context"]["message_id"]
    assert finding.actual == "foreign"


def test_igm_callbacks_may_arrive_unsolicited_and_late() -> None:
    """An IGM respondent pushes on_issue updates over hours; the request ttl does not apply."""
    def igm(action: str, message_id: str, timestamp: str) -> Message:
        return Message({"context": {
            "domain": "ONDC:RET10", "action": action, "core_version": "1.0.0", "country": "IND",
            "city": "std:080", "bap_id": "b.example.org", "bap_uri": "https://b.example.org",
            "bpp_id": "s.example.org", "bpp_uri": "https://s.example.org",
            "transaction_id": "t-1", "message_id": message_id, "timestamp": timestamp,
            "ttl": "PT30S"}, "message": {"issue": {"id": "ISS-1"}}})
    issue = igm("issue", "m-1", "2025-04-25T06:10:11.942Z")
    history = FlowHistory([issue])
    assert run_rules(igm("on_issue", "m-1", "2025-04-25T06:25:17.089Z"), history) == []
    assert run_rules(igm("on_issue", "m-9", "2025-04-25T06:26:17.089Z"), history) == []
