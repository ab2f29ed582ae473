"""Logistics rules: silent on a valid LOG10 flow, exactly one finding per broken thing.

The flow is ``logistics_flow.py`` (three branches: forward, buyer cancel, RTO); the
one-mutation-per-rule cases are ``logistics_cases.py`` (also read by ``test_rule_cases.py``).
The tests below them pin what a single mutation cannot show: tolerances, version and domain
scope (1.0.0 shapes, nic2004, B2B 2.0 left alone), the surge exception, real-log shapes, the
seed examples' findings, and junk never making a rule raise.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from case_checks import assert_only_finding
from logistics_cases import ALL_CASES, Case
from logistics_flow import (
    ALL_STEPS,
    BRANCHES,
    DROP_GPS,
    Flow,
    at,
    branch_of,
    build_flow,
    check,
    history_before,
    line,
)

from ondc_harness.checks.catalog import load_all
from ondc_harness.checks.engine import run_rules
from ondc_harness.checks.findings import Finding
from ondc_harness.logs import check_path
from ondc_harness.message import FlowHistory, Message

CATALOG = load_all()


def lines(findings: list[Finding]) -> list[str]:
    return [f.one_line() for f in findings]


def ids(findings: list[Finding], prefix: str = "LOG-") -> list[tuple[str, str]]:
    return [(f.rule_id, f.path) for f in findings if f.rule_id.startswith(prefix)]


def order(flow: Flow, step: str) -> Any:
    return flow[step]["message"]["order"]


@pytest.mark.parametrize("branch", sorted(BRANCHES))
def test_the_valid_flow_has_no_findings_at_all(branch: str) -> None:
    flow = build_flow()
    assert [line for step in BRANCHES[branch]
            for line in lines(check(flow, step, branch))] == []


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_minimal_mutation_yields_exactly_that_finding(case: Case) -> None:
    flow = build_flow()
    case.mutate(flow)
    findings = check(flow, case.step, case.branch)
    assert_only_finding(findings, case.rule_id, case.path,
                        action=flow[case.step]["context"]["action"])


def test_every_logistics_rule_has_a_case_and_logistics_metadata() -> None:
    logistics = {rule_id for rule_id, rule in CATALOG.items()
                 if rule_id.startswith("LOG-") and rule.fn}
    assert len(logistics) >= 60
    assert logistics <= {case.rule_id for case in ALL_CASES}
    for rule_id in logistics:
        rule = CATALOG[rule_id]
        assert rule.actions and rule.versions, rule_id
        assert set(rule.domains) <= {"nic2004:60232", "ONDC:LOG10", "ONDC:LOG11"}, rule_id
        assert "2.0.0" not in rule.versions, rule_id
        assert rule.topic.startswith("logistics_"), rule_id


# --- amounts --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("total", "flagged"), [("59.00", False), ("59.01", False),
                                                 ("58.99", False), ("59.02", True),
                                                 (59, False), ("059.000", False),
                                                 ("58.98", True)])
def test_quote_total_tolerance_is_one_paisa(total: Any, flagged: bool) -> None:
    flow = build_flow()
    order(flow, "on_init")["quote"]["price"]["value"] = total
    assert bool([f for f in check(flow, "on_init") if f.rule_id == "LOG-QUOTE-001"]) is flagged


@pytest.mark.parametrize("junk", [math.nan, "NaN", "Infinity", "-inf", "12,50", "", None, True,
                                  ["59"], {"value": 59}, "1e999999"])
def test_junk_amounts_are_reported_once_never_raised(junk: Any) -> None:
    flow = build_flow()
    order(flow, "on_init")["quote"]["breakup"][0]["price"]["value"] = junk
    findings = check(flow, "on_init")
    assert [f.rule_id for f in findings if f.rule_id == "HARNESS-001"] == []
    assert [f.rule_id for f in findings if f.rule_id in ("LOG-QUOTE-001", "LOG-QUOTE-008")] == []
    assert ids(findings) == [("LOG-QUOTE-002", "$.message.order.quote.breakup[0].price.value")]


def test_surge_fee_may_be_added_at_on_confirm_and_nothing_else() -> None:
    """SURGE_FEE_FLOW: on_confirm adds surge (and its tax) to the confirmed 59.00."""
    flow = build_flow()
    quote = order(flow, "on_confirm")["quote"]
    quote["breakup"] += [line("I3", "surge", "9.00"), line("I3", "tax", "2.00")]
    quote["price"]["value"] = "70.00"
    flow["on_search"]["message"]["catalog"]["bpp/providers"][0]["items"].append(
        {"id": "I3", "parent_item_id": "", "category_id": "Immediate Delivery",
         "fulfillment_id": "F1", "price": {"currency": "INR", "value": "11.00"},
         "descriptor": {"name": "Surge Fee"}})
    assert ids(check(flow, "on_confirm")) == []
    quote["breakup"][0]["price"]["value"] = "40.00"
    quote["price"]["value"] = "60.00"
    assert ids(check(flow, "on_confirm")) == [
        ("LOG-XSTEP-008", "$.message.order.quote.breakup[0].price.value")]


def test_later_quotes_may_add_lines_but_not_change_them() -> None:
    flow = build_flow()
    quote = order(flow, "on_status")["quote"]
    quote["breakup"].append(line("I1", "surge", "5.00"))
    quote["price"]["value"] = "64.00"
    assert ids(check(flow, "on_status")) == []
    del quote["breakup"][1]
    quote["price"]["value"] = "55.00"
    assert [r for r, _ in ids(check(flow, "on_status"))] == ["LOG-XSTEP-013"]


def test_cancellation_fee_as_an_amount_and_within_terms() -> None:
    flow = build_flow()
    terms = order(flow, "on_confirm")["cancellation_terms"]
    terms[1]["cancellation_fee"] = {"amount": {"currency": "INR", "value": "29.50"}}
    assert ids(check(flow, "on_cancel", "cancel")) == []
    terms[1]["cancellation_fee"] = {"amount": {"currency": "INR", "value": "20.00"}}
    assert [r for r, _ in ids(check(flow, "on_cancel", "cancel"))] == ["LOG-CANCEL-007"]


# --- shapes and scope --------------------------------------------------------------------------

def test_gps_is_compared_as_numbers_not_text() -> None:
    flow = build_flow()
    lat, lng = DROP_GPS.split(",")
    for step in ("init", "on_init", "confirm", "on_confirm"):
        order(flow, step)["fulfillments"][0]["end"]["location"]["gps"] = f"{lat}0, {lng}"
    for step in ("init", "on_init", "confirm", "on_confirm"):
        assert ids(check(flow, step)) == [], step


@pytest.mark.parametrize(("ready", "pickup_code", "flagged"), [
    ("yes", True, False), ("yes", False, True), ("no", False, False), (True, False, True),
    ("Y", False, True), ("maybe", False, False)])
def test_ready_to_ship_reads_1_2_0_and_1_2_5_flags(ready: Any, pickup_code: bool,
                                                   flagged: bool) -> None:
    flow = build_flow()
    fulfillment = order(flow, "update")["fulfillments"][0]
    fulfillment["tags"][0]["list"][0]["value"] = ready
    if not pickup_code:
        del fulfillment["start"]["instructions"]
    found = [f for f in check(flow, "update") if f.rule_id == "LOG-CONFIRM-004"]
    assert bool(found) is flagged


def test_b2b_2_0_is_left_to_its_own_rules() -> None:
    """B2B logistics 2.0 shares the LOG10/LOG11 codes with another message shape."""
    flow = build_flow()
    for payload in flow.values():
        payload["context"].pop("core_version")
        payload["context"]["version"] = "2.0.0"
    order(flow, "on_init")["quote"]["price"]["value"] = "1.00"
    assert ids(check(flow, "on_init")) == []


def test_nic2004_1_2_0_flow_is_checked_and_its_routing_read_from_items() -> None:
    flow = build_flow()
    for payload in flow.values():
        payload["context"].update(domain="nic2004:60232", core_version="1.2.0")
    steps = BRANCHES["forward"]
    assert [line for step in steps for line in lines(check(flow, step))] == []
    # In-transit is a P2H2P state: fine on nic2004 (routing not in the domain), not on LOG10.
    order(flow, "on_status_picked")["fulfillments"][0]["state"]["descriptor"]["code"] = (
        "In-transit")
    assert [r for r, _ in ids(check(flow, "on_status_picked"))] == []
    for payload in flow.values():
        payload["context"].update(domain="ONDC:LOG10", core_version="1.2.5")
    assert [r for r, _ in ids(check(flow, "on_status_picked"))] == ["LOG-STATUS-001"]


def test_a_batch_books_riders_at_a_store_without_a_drop_or_a_package() -> None:
    """QUICK_COMMERCE_FLOW: fulfillment type Batch, no drop point, priced per rider."""
    flow = build_flow()
    intent = flow["search"]["message"]["intent"]
    intent["fulfillment"]["type"] = "Batch"
    del intent["fulfillment"]["end"], intent["@ondc/org/payload_details"]
    assert ids(check(flow, "search")) == []
    for step in ("init", "confirm"):
        fulfillment = order(flow, step)["fulfillments"][0]
        fulfillment["type"] = "Batch"
        del fulfillment["end"]
    del order(flow, "confirm")["@ondc/org/linked_order"]
    order(flow, "on_init")["fulfillments"][0]["type"] = "Batch"
    order(flow, "on_init")["quote"]["breakup"][0]["price"]["value"] = "109.00"
    order(flow, "on_init")["quote"]["price"]["value"] = "118.00"
    order(flow, "confirm")["quote"] = {k: v for k, v in copy.deepcopy(
        order(flow, "on_init")["quote"]).items() if k != "ttl"}
    for step in ("init", "on_init", "confirm"):
        assert ids(check(flow, step)) == [], step


def test_on_confirm_may_add_the_surge_item() -> None:
    flow = build_flow()
    order(flow, "on_confirm")["items"].append({"id": "I3", "fulfillment_id": "F1"})
    assert [r for r, _ in ids(check(flow, "on_confirm"))] == ["LOG-XSTEP-004"]
    order(flow, "on_confirm")["quote"]["breakup"].append(line("I3", "surge", "9.00"))
    order(flow, "on_confirm")["quote"]["price"]["value"] = "68.00"
    flow["on_search"]["message"]["catalog"]["bpp/providers"][0]["items"].append(
        {"id": "I3", "parent_item_id": "", "category_id": "Immediate Delivery",
         "fulfillment_id": "F1", "price": {"currency": "INR", "value": "9.00"}})
    assert ids(check(flow, "on_confirm")) == []


def test_rto_quote_may_be_free_in_the_catalogue() -> None:
    flow = build_flow()
    items = flow["on_search"]["message"]["catalog"]["bpp/providers"][0]["items"]
    items[1]["price"]["value"] = "0"
    assert ids(check(flow, "on_search")) == []
    items[1]["price"]["value"] = "-1"
    assert [r for r, _ in ids(check(flow, "on_search"))] == ["LOG-CAT-008"]


def test_agent_is_optional_but_reachable_when_given() -> None:
    flow = build_flow()
    del order(flow, "on_status")["fulfillments"][0]["agent"]
    assert ids(check(flow, "on_status")) == []
    order(flow, "on_status")["fulfillments"][0]["agent"] = {"name": "Ravi",
                                                            "mobile": "9876543210"}
    assert ids(check(flow, "on_status")) == []  # 1.2.0 logs write "mobile"


def test_a_buyer_cancel_after_pickup_may_turn_into_an_rto() -> None:
    """A solicited on_cancel that starts an RTO is not held to "order Cancelled"."""
    flow = build_flow()
    rto = copy.deepcopy(flow["on_cancel_rto"]["message"])
    rto["order"]["cancellation"]["cancelled_by"] = flow["cancel"]["context"]["bap_id"]
    rto["order"]["cancellation"]["reason"]["id"] = "151"
    rto["order"]["fulfillments"][1]["start"]["time"]["timestamp"] = flow["on_cancel"][
        "context"]["timestamp"]
    flow["on_cancel"]["message"] = rto
    history = history_before(flow, "on_status_picked", "forward")
    history.append(Message(flow["on_status_picked"]))
    history.append(Message(flow["cancel"]))
    findings = run_rules(Message(flow["on_cancel"]), history)
    assert ids(findings) == []


def test_unsolicited_on_cancel_is_the_lsps() -> None:
    flow = build_flow()
    order(flow, "on_cancel_rto")["cancellation"]["cancelled_by"] = flow["search"]["context"][
        "bap_id"]
    assert ids(check(flow, "on_cancel_rto", "rto")) == [
        ("LOG-CANCEL-005", "$.message.order.cancellation.cancelled_by")]


def test_rto_states_move_once_and_end() -> None:
    flow = build_flow()
    at(order(flow, "on_status_rto"), "fulfillments", 1)["state"]["descriptor"]["code"] = (
        "RTO-Initiated")
    assert ids(check(flow, "on_status_rto", "rto")) == []
    history = history_before(flow, "on_status_rto", "rto")
    history.append(Message(build_flow()["on_status_rto"]))
    findings = run_rules(Message(flow["on_status_rto"]), history)
    assert [r for r, _ in ids(findings)] == ["LOG-TRANS-001"]


# --- robustness ----------------------------------------------------------------------------------

JUNK: list[Any] = [math.nan, "abc", None, ["x"], {"x": 1}, "1e999999", "²", "9" * 5000]
"""The junk kinds of real logs (NaN, text in number fields, null, lists and objects in the wrong
place, absurd magnitudes); test_rules_never_raise.py sweeps the Retail flow with a few more."""
#: Also tried in the history of the next steps of the branch (cross-step rules read it there).
HISTORY_JUNK: list[Any] = [math.nan, None, ["x"]]


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out: list[tuple[str | int, ...]] = []
    if isinstance(value, dict):
        for key, child in value.items():
            out += [(*prefix, key), *_paths(child, (*prefix, key))]
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out += [(*prefix, index), *_paths(child, (*prefix, index))]
    return out


@pytest.mark.parametrize("step", ALL_STEPS)
def test_junk_anywhere_never_crashes_a_rule(step: str) -> None:
    base = build_flow()
    steps = BRANCHES[branch_of(step)]
    readers = steps[steps.index(step):steps.index(step) + 3]
    failures: list[str] = []
    for path in _paths(base[step]):
        for junk in JUNK:
            flow = dict(base)
            mutated = copy.deepcopy(base[step])
            holder = at(mutated, *path[:-1])
            holder[path[-1]] = junk
            flow[step] = mutated
            history_junk = any(junk is j for j in HISTORY_JUNK)
            for target in readers if history_junk else (step,):
                failures += [f"{step}{list(path)}={junk!r} → {target}: {f.message}"
                             for f in check(flow, target) if f.rule_id == "HARNESS-001"]
    assert failures == []


@pytest.mark.parametrize("junk", [None, [], "abc", 42, {"context": None},
                                  {"context": {"domain": "ONDC:LOG10", "core_version": "1.2.5",
                                               "action": "on_status"}, "message": []},
                                  {"context": {"domain": "ONDC:LOG10", "core_version": "1.2.5",
                                               "action": "on_cancel"},
                                   "message": {"order": {"fulfillments": "F1", "quote": [],
                                                         "tags": {}}}}])
def test_whole_payload_junk_as_the_message_and_in_the_history(junk: Any) -> None:
    flow = build_flow()
    for step in ("on_status", "on_cancel_rto", "on_track", "confirm"):
        history = history_before(flow, step)
        junk_history = FlowHistory([Message(junk), *history, Message(junk)])
        assert [f for f in run_rules(Message(flow[step]), junk_history)
                if f.rule_id == "HARNESS-001"] == []
    assert [f for f in run_rules(Message(junk), history_before(flow, "on_track"))
            if f.rule_id == "HARNESS-001"] == []


# --- the reference pack -------------------------------------------------------------------------

SEED_FINDINGS = [
    ("LOG-INIT-007", "init", "$.message.order.fulfillments[0].end.location.address.area_code"),
    ("LOG-INIT-007", "init", "$.message.order.fulfillments[0].end.location.gps"),
    ("LOG-PAY-002", "confirm", "$.message.order.payment['@ondc/org/settlement_window']"),
]
"""The 1.0.0 seed exchange's real defects: init drops at another point than it searched
(area 560008 → 560038, another GPS), and confirm's settlement window "PT2D" is not an ISO 8601
duration (P2D is)."""


def test_seed_examples_give_only_their_real_defects(pack: Path) -> None:
    reports, _ = check_path(pack / "seed-examples")
    found = sorted({(f.rule_id, f.action, f.path) for report in reports
                    for f in report.findings if f.rule_id.startswith("LOG-")})
    assert found == SEED_FINDINGS


def test_seed_payloads_read_directly(pack: Path) -> None:
    """The same without the log reader: the seed files in order, one history."""
    names = ["search", "on_search", "init", "on_init", "confirm", "on_confirm"]
    history = FlowHistory()
    found: list[tuple[str, str, str]] = []
    for name in names:
        message = Message(json.loads((pack / "seed-examples" / f"logistics_{name}.json")
                                     .read_text(encoding="utf-8")))
        found += [(f.rule_id, f.action, f.path) for f in run_rules(message, history)
                  if f.rule_id.startswith("LOG-")]
        history.append(message)
    assert sorted(found) == SEED_FINDINGS


def test_no_logistics_rule_crashes_on_the_real_logistics_logs(pack: Path) -> None:
    """Every real-log folder with logistics payloads, read by the offline checker."""
    folders = sorted({file.parent for file in (pack / "real-logs").rglob("*.json")
                      if b"nic2004:60232" in file.read_bytes()
                      or b"ONDC:LOG1" in file.read_bytes()})
    assert folders
    crashed: list[str] = []
    checked = 0
    for folder in folders:
        reports, _ = check_path(folder)
        checked += sum(report.messages for report in reports)
        crashed += [f"{folder}: {f.message}" for report in reports for f in report.findings
                    if f.rule_id == "HARNESS-001"]
    assert checked > 300 and crashed == []
