"""Post-order rules (RET-POST, RET-RATE, RET-SUP): silent on valid post-order flows, exactly one
finding at the right path for each minimal mutation (tests/rules/post_order_cases.py)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from case_checks import assert_only_finding
from post_order_cases import ALL_CASES, SCENARIOS, VALID, Case, Scenario, check
from retail_flow import STEPS

from ondc_harness.checks.catalog import load_all
from ondc_harness.checks.engine import run_rules
from ondc_harness.checks.findings import Finding
from ondc_harness.message import FlowHistory, Message

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
    assert_only_finding(findings, case.rule_id, case.path)


def test_every_post_order_rule_has_a_case() -> None:
    assert sorted({c.rule_id for c in ALL_CASES}) == MINE


def test_at_least_sixty_rules() -> None:
    assert len(MINE) >= 60


# --- edge cases ---------------------------------------------------------------------------------

def found(scenario: Scenario, step: str, *rule_ids: str) -> list[tuple[str, str]]:
    return [(f.rule_id, f.path) for f in check(scenario, step) if f.rule_id in rule_ids]


def scenario(name: str) -> Scenario:
    return SCENARIOS[name]()


def test_cancel_request_on_the_cancelled_delivery_is_enough_for_a_full_cancel() -> None:
    """retail-1.2 Examples on_cancel: the Cancel fulfillment carries only the quote trail."""
    s = scenario("cancel")
    cancel = s.flow["on_cancel"]["message"]["order"]["fulfillments"][1]
    cancel["tags"] = [t for t in cancel["tags"] if t["code"] != "cancel_request"]
    assert found(s, "on_cancel", "RET-POST-031") == []
    s.flow["on_cancel"]["message"]["order"]["fulfillments"][0]["tags"].pop(0)
    # order.cancellation (cancelled_by, reason.id) states it for a full cancel
    assert found(s, "on_cancel", "RET-POST-031") == []
    del s.flow["on_cancel"]["message"]["order"]["cancellation"]["reason"]
    assert found(s, "on_cancel", "RET-POST-031") == [
        ("RET-POST-031", "$.message.order.fulfillments[1].tags")]


@pytest.mark.parametrize(("reason", "flagged"), [("001", False), ("010", False), ("052", False),
                                                 ("053", False), ("005", True), ("013", True),
                                                 ("999", True), ("1", True)])
def test_buyer_reasons(reason: str, flagged: bool) -> None:
    s = scenario("cancel")
    s.flow["cancel"]["message"]["cancellation_reason_id"] = reason
    assert bool(found(s, "cancel", "RET-POST-002")) is flagged


@pytest.mark.parametrize(("reason", "flagged"), [("005", False), ("013", False),
                                                 ("016", False), ("002", False),
                                                 ("003", True), ("052", True)])
def test_seller_reasons(reason: str, flagged: bool) -> None:
    s = scenario("rto")
    s.flow["on_cancel_rto"]["message"]["order"]["cancellation"]["reason"]["id"] = reason
    assert bool(found(s, "on_cancel_rto", "RET-POST-012")) is flagged


def test_force_without_asking_first() -> None:
    s = scenario("force")
    steps = tuple(x for x in s.steps if x != "cancel_no_force")
    assert found(Scenario(steps, s.flow), "cancel_force", "RET-POST-006") == [
        ("RET-POST-006", "$.message.descriptor.tags[0].list[0].value")]


def test_a_collected_self_pickup_may_be_completed_at_once() -> None:
    s = scenario("rto")
    order = s.flow["on_status_picked"]["message"]["order"]
    order["fulfillments"][0]["type"] = "Self-Pickup"
    order["state"] = "Completed"
    assert found(s, "on_status_picked", "RET-POST-067") == []
    order["fulfillments"][0]["type"] = "Delivery"
    assert found(s, "on_status_picked", "RET-POST-067") == [
        ("RET-POST-067", "$.message.order.state")]


def test_buyer_delivery_times_are_the_buyer_apps() -> None:
    s = scenario("buyer_delivery")
    assert "start" not in s.flow["on_update_state"]["message"]["order"]["fulfillments"][0] or \
        "time" not in s.flow["on_update_state"]["message"]["order"]["fulfillments"][0]["start"]
    assert found(s, "on_update_state", "RET-POST-057") == []


def test_a_replacement_picked_up_needs_no_trail() -> None:
    s = scenario("return")
    r1 = s.flow["on_update_picked"]["message"]["order"]["fulfillments"][1]
    r1["tags"][0]["list"].append({"code": "replace", "value": "yes"})
    del r1["tags"][1:]
    assert found(s, "on_update_picked", "RET-POST-053", "RET-POST-054") == []


def test_the_sellers_echo_of_a_return_request_may_omit_the_id() -> None:
    """retail-1.2 Examples on_update_seller_approves_*: return_request without id."""
    s = scenario("return")
    request = s.flow["on_update_approved"]["message"]["order"]["fulfillments"][1]["tags"][0]
    request["list"] = [e for e in request["list"] if e["code"] != "id"]
    assert found(s, "on_update_approved", "RET-POST-041", "RET-POST-050") == []


def test_a_replacement_delivery_is_not_counted_against_the_order_state() -> None:
    s = scenario("return")
    order = s.flow["on_update_back"]["message"]["order"]
    extra = dict(order["fulfillments"][0], id="F1-RPL1",
                 state={"descriptor": {"code": "Order-picked-up"}, "updated_at": "x"})
    order["fulfillments"].append(extra)
    assert found(s, "on_update_back", "RET-POST-067") == []


def test_refunds_repeated_by_on_update_are_counted_once() -> None:
    s = scenario("return")
    refund = s.flow["update_refund"]["message"]["order"]["payment"]
    s.flow["on_update_back"]["message"]["order"]["payment"].setdefault(
        "@ondc/org/settlement_details", []).extend(refund["@ondc/org/settlement_details"])
    assert found(s, "update_refund", "RET-POST-021") == []


def test_a_cod_order_paid_at_delivery_is_silent() -> None:
    s = scenario("cod")
    assert found(s, "on_status_delivered", "RET-POST-062", "RET-POST-063",
                 "RET-POST-064") == []


def test_rto_location_ids_are_not_compared_when_absent() -> None:
    s = scenario("rto")
    del s.flow["on_cancel_rto"]["message"]["order"]["fulfillments"][1]["end"]["location"]["id"]
    assert found(s, "on_cancel_rto", "RET-POST-027", "RET-POST-028") == []


def test_ratings_as_a_list() -> None:
    s = scenario("rating_support")
    body = s.flow["rating"]["message"]
    s.flow["rating"]["message"] = {"ratings": [
        body, {"rating_category": "Order", "id": "O-2025-0001", "value": 4},
        {"rating_category": "Item", "id": "I1", "value": "6"}]}
    assert found(s, "rating", "RET-RATE-001", "RET-RATE-002", "RET-RATE-003",
                 "RET-RATE-004") == [("RET-RATE-003", "$.message.ratings[2].value")]


@pytest.mark.parametrize(("value", "flagged"), [("tel:+919886098860", False),
                                                ("tel:18001234567", False),
                                                ("mailto:care@seller.example.org", False),
                                                ("https://seller.example.org", False),
                                                ("tel:12", True),
                                                ("ftp://seller.example.org", True),
                                                ("https://localhost", True), (42, True)])
def test_support_uri(value: object, flagged: bool) -> None:
    s = scenario("rating_support")
    s.flow["on_support"]["message"]["uri"] = value
    assert bool(found(s, "on_support", "RET-SUP-007")) is flagged


@pytest.mark.parametrize(("phone", "flagged"), [("+91 98860 98860", False),
                                                ("09886098860", False),
                                                ("1800-123-4567", False),
                                                ("08041234567", False),
                                                ("5886098860", True), ("98860988600", True)])
def test_support_phone(phone: str, flagged: bool) -> None:
    s = scenario("rating_support")
    s.flow["on_support"]["message"]["phone"] = phone
    assert bool(found(s, "on_support", "RET-SUP-005")) is flagged


def test_support_fields_nested_under_support() -> None:
    s = scenario("rating_support")
    s.flow["support"]["message"] = {"support": {"ref_id": "O-OTHER", "type": "order"}}
    s.flow["on_support"]["message"] = {"support": {"phone": "9886098860", "url": "bad"}}
    assert found(s, "support", "RET-SUP-001", "RET-SUP-002", "RET-SUP-003") == [
        ("RET-SUP-002", "$.message.support.ref_id")]
    assert found(s, "on_support", "RET-SUP-004", "RET-SUP-005", "RET-SUP-007") == [
        ("RET-SUP-007", "$.message.support.url")]


def test_the_transaction_id_is_a_valid_support_reference() -> None:
    s = scenario("rating_support")
    s.flow["support"]["message"]["ref_id"] = s.flow["support"]["context"]["transaction_id"]
    assert found(s, "support", "RET-SUP-002") == []


@pytest.mark.parametrize("junk", [None, "x", 7, [], {"a": []}, [None], float("nan")])
def test_junk_never_crashes(junk: object) -> None:
    for name in VALID:
        s = scenario(name)
        for step in s.steps[len(STEPS):]:
            s.flow[step]["message"] = junk
            assert [f for f in check(s, step) if f.rule_id == "HARNESS-001"] == []


#: Unhashable and non-numeric junk: the values that crash set look-ups and arithmetic.
#: (Sweeps with None, text and booleans as well found nothing more; kept small for speed.)
JUNK: list[object] = [float("nan"), ["x"], {"x": 1}]
MY_RULES = [CATALOG[r] for r in MINE]


def _paths(value: object, prefix: tuple[str | int, ...] = ()
           ) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*prefix, key)
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield (*prefix, index)
            yield from _paths(child, (*prefix, index))


@pytest.mark.parametrize("name", VALID)
def test_junk_anywhere_in_a_post_order_step_never_crashes_our_rules(name: str) -> None:
    """Every value of every added step replaced by junk; the step and the next one read it."""
    base = SCENARIOS[name]()
    added = base.steps[len(STEPS):]
    failures: list[str] = []
    for step in added:
        readers = base.steps[base.steps.index(step):base.steps.index(step) + 2]
        for path in _paths(base.flow[step]):
            for junk in JUNK:
                flow = dict(base.flow)
                flow[step] = copy.deepcopy(base.flow[step])
                holder: Any = flow[step]
                for part in path[:-1]:
                    holder = holder[part]
                holder[path[-1]] = junk
                for target in readers:
                    index = base.steps.index(target)
                    history = FlowHistory([Message(flow[s]) for s in base.steps[:index]])
                    failures += [f"{step}{list(path)}={junk!r} → {target}: {f.message}"
                                 for f in run_rules(Message(flow[target]), history, MY_RULES)
                                 if f.rule_id == "HARNESS-001"]
    assert failures == []


def test_a_return_picked_in_its_slot_or_with_half_a_slot_is_silent() -> None:
    s = scenario("return")
    time = s.flow["on_update_picked"]["message"]["order"]["fulfillments"][1]["start"]["time"]
    time["range"] = {"start": "2025-05-23T08:01:05.000Z", "end": "2025-05-23T08:01:10.000Z"}
    assert found(s, "on_update_picked", "RET-POST-068") == []
    time["range"] = {"end": "2025-05-23T08:01:10.000Z"}
    assert found(s, "on_update_picked", "RET-POST-068") == []
    time["range"] = {"end": "2025-05-23T08:01:08.000Z"}
    assert found(s, "on_update_picked", "RET-POST-068") == [
        ("RET-POST-068", "$.message.order.fulfillments[1].start.time.timestamp")]
