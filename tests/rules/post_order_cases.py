"""Valid post-order flows built on :func:`retail_flow.build_flow`, and one minimal mutation per
``RET-POST``, ``RET-RATE`` and ``RET-SUP`` rule with the exact finding it must produce.

Each scenario appends steps to the forward flow (search … on_track), stamped after it:

* ``cancel``: the buyer cancels the Packed order (reason 001); on_cancel moves every unit to a
  Cancel fulfillment with its quote trail; the buyer app then notifies the refund (update).
* ``force``: the order is picked up; the buyer cancels with 052 (force no, ttl_response PT10S),
  waits 15 s, forces; on_cancel.
* ``rto``: the order is picked up; the buyer refuses it: unsolicited on_cancel with an RTO
  fulfillment (reason 013), then on_status RTO-Delivered.
* ``part``: a two-line order; the merchant cancels the second line (reason 002) by unsolicited
  on_update while Pending; the buyer app notifies the refund.
* ``return``: the order is delivered; the buyer returns one pizza; the seller approves, picks
  it up (refund, quote trail) and delivers it back; the buyer app notifies the refund.
* ``address``: a new delivery address and instructions while Packed; on_update applies them.
* ``buyer_delivery``: a Buyer-Delivery order; the buyer app reports the pickup (update_state).
* ``rating_support``: the delivered order is rated and support is asked for.

Shapes follow retail-1.2/Examples/B2C (on_cancel, on_update, update) and the 1.2.5 flows
(BUYER_CANCEL, FORCE_CANCEL, RTO_PLUS_PART_CANCELLATION, RETURN_FLOW,
BUYER_INSTRUCTIONS_AND_ADDRESS_UPDATE_FLOW); amounts add up exactly.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mutations import at, both, deleter, setter
from retail_flow import (
    BAP_ID,
    BPP_ID,
    ORDER_ID,
    STEPS,
    Flow,
    Json,
    build_flow,
    context,
    money,
    stamp,
    type_tag,
)

from ondc_harness.checks.engine import run_rules
from ondc_harness.checks.findings import Finding
from ondc_harness.message import FlowHistory, Message

Mutation = Callable[[Flow], None]


@dataclass(frozen=True)
class Scenario:
    """A flow: the order of its steps and their payloads."""

    steps: tuple[str, ...]
    flow: Flow


def tag(code: str, **values: str) -> Json:
    return {"code": code, "list": [{"code": k, "value": v} for k, v in values.items()]}


def trail(kind: str, item_id: str, value: str) -> Json:
    return tag("quote_trail", type=kind, id=item_id, currency="INR", value=value)


_IDS: dict[str, str] = {}


def mid(name: str) -> str:
    """A stable message id per request (or unsolicited callback) name."""
    if name not in _IDS:
        _IDS[name] = f"{len(_IDS) + 0xa100:04x}e2f0-4f5a-8b9c-0d1e2f3a4b5c"
    return _IDS[name]


def ctx(action: str, seconds: float, message_id: str) -> Json:
    out = context("status")
    out.update(action=action, timestamp=stamp(seconds), message_id=message_id)
    return out


def message(action: str, seconds: float, message_id: str, body: Json) -> Json:
    return {"context": ctx(action, seconds, message_id), "message": body}


def order_copy(flow: Flow, step: str) -> Json:
    order: Json = copy.deepcopy(flow[step]["message"]["order"])
    return order


def line(order: Json, title_type: str, item_id: str) -> Json:
    found: Json = next(b for b in order["quote"]["breakup"]
                       if b["@ondc/org/title_type"] == title_type
                       and b["@ondc/org/item_id"] == item_id)
    return found


def moved(item: Json, fulfillment_id: str, count: int) -> Json:
    out = copy.deepcopy(item)
    out.update(fulfillment_id=fulfillment_id, quantity={"count": count})
    return out


STORE = {"id": "L1", "descriptor": {"name": "Store 1"}, "gps": "12.9716,77.5946",
         "address": {"locality": "MG Road", "city": "Bengaluru", "area_code": "560001",
                     "state": "Karnataka"}}


# --- the delivered / picked-up stages used by several scenarios ---------------------------------

def picked_up(flow: Flow, seconds: float) -> Json:
    """on_status Order-picked-up (unsolicited), with the store as start and the agent."""
    order = order_copy(flow, "on_status")
    order["state"] = "In-progress"
    f1 = order["fulfillments"][0]
    f1["state"] = {"descriptor": {"code": "Order-picked-up"}, "updated_at": stamp(seconds)}
    f1["start"] = {"location": copy.deepcopy(STORE), "time": {"timestamp": stamp(seconds - 1)},
                   "contact": {"phone": "9886012345"}}
    f1["agent"] = {"name": "Ravi Kumar", "phone": "9886045678"}
    order["updated_at"] = stamp(seconds)
    return message("on_status", seconds, mid(f"on_status_picked@{seconds}"), {"order": order})


def delivered(flow: Flow, seconds: float) -> Json:
    """on_status Order-delivered (unsolicited): order Completed, pickup and delivery times."""
    body = picked_up(flow, seconds)
    order = body["message"]["order"]
    order["state"] = "Completed"
    f1 = order["fulfillments"][0]
    f1["state"] = {"descriptor": {"code": "Order-delivered"}, "updated_at": stamp(seconds)}
    f1["start"]["time"] = {"timestamp": stamp(seconds - 5)}
    f1["end"]["time"] = {"timestamp": stamp(seconds - 1)}
    body["context"]["message_id"] = mid(f"on_status_delivered@{seconds}")
    return body


# --- cancel ---------------------------------------------------------------------------------------

def _cancel_all(order: Json, *, target: str, reason: str, by: str, precancel: str,
                precancel_at: str, seconds: float, rto: bool = False) -> None:
    """Cancel every unit of ``order`` onto ``target`` (Cancel, or RTO with ``rto``)."""
    f1 = order["fulfillments"][0]
    request = {"reason_id": reason, "initiated_by": by}
    if rto:
        request["rto_id"] = target
    f1["state"] = {"descriptor": {"code": "Cancelled"}, "updated_at": stamp(seconds)}
    f1["tags"] = [tag("cancel_request", **request),
                  tag("precancel_state", fulfillment_state=precancel, updated_at=precancel_at)]
    order["items"] = [moved(i, "F1", 0) for i in order["items"]] + [
        moved(i, target, i["quantity"]["count"]) for i in order["items"]]
    item, tax = line(order, "item", "I1"), line(order, "tax", "I1")
    trails = [trail("item", "I1", "-530.00"), trail("tax", "I1", "-26.50")]
    item.update(price=money("0.00"), **{"@ondc/org/item_quantity": {"count": 0}})
    tax["price"] = money("0.00")
    customisation = line(order, "item", "C1")
    customisation["@ondc/org/item_quantity"] = {"count": 0}
    total = "65.00"
    if not rto:
        for kind, value in (("delivery", "-40.00"), ("packing", "-25.00")):
            line(order, kind, "F1")["price"] = money("0.00")
            trails.append(trail(kind, "F1", value))
        total = "0.00"
    order["quote"]["price"] = money(total)
    if rto:
        order["fulfillments"].append({
            "id": target, "type": "RTO",
            "state": {"descriptor": {"code": "RTO-Initiated"}, "updated_at": stamp(seconds)},
            "start": {"location": copy.deepcopy(f1["end"]["location"]),
                      "time": {"timestamp": stamp(seconds)}},
            "end": {"location": copy.deepcopy(f1["start"]["location"])},
            "tags": trails})
    else:
        order["fulfillments"].append({
            "id": target, "type": "Cancel",
            "state": {"descriptor": {"code": "Cancelled"}, "updated_at": stamp(seconds)},
            "tags": [tag("cancel_request", reason_id=reason, initiated_by=by), *trails]})
    order["state"] = "Cancelled"
    order["cancellation"] = {"cancelled_by": by, "reason": {"id": reason}}
    order["updated_at"] = stamp(seconds)


def refund_notice(seconds: float, fulfillment_id: str, kind: str, amount: str) -> Json:
    return message("update", seconds, mid(f"update_refund@{seconds}"), {
        "update_target": "payment",
        "order": {"id": ORDER_ID, "fulfillments": [{"id": fulfillment_id, "type": kind}],
                  "payment": {"@ondc/org/settlement_details": [{
                      "settlement_counterparty": "buyer", "settlement_phase": "refund",
                      "settlement_type": "upi", "settlement_amount": amount,
                      "settlement_timestamp": stamp(seconds)}]}}})


def cancel_scenario() -> Scenario:
    flow = build_flow()
    flow["cancel"] = message("cancel", 60, mid("cancel"), {
        "order_id": ORDER_ID, "cancellation_reason_id": "001"})
    order = order_copy(flow, "on_status")
    _cancel_all(order, target="C-1", reason="001", by=BAP_ID, precancel="Packed",
                precancel_at=stamp(40.5), seconds=60.5)
    flow["on_cancel"] = message("on_cancel", 60.5, mid("cancel"), {"order": order})
    flow["update_refund"] = refund_notice(70, "C-1", "Cancel", "621.50")
    return Scenario((*STEPS, "cancel", "on_cancel", "update_refund"), flow)


def _force_cancel(force: str, seconds: float) -> Json:
    return message("cancel", seconds, mid(f"cancel_{force}"), {
        "order_id": ORDER_ID, "cancellation_reason_id": "052",
        "descriptor": {"name": "fulfillment", "short_desc": "F1", "tags": [
            tag("params", force=force, ttl_response="PT10S")]}})


def force_scenario() -> Scenario:
    flow = build_flow()
    flow["on_status_picked"] = picked_up(flow, 55)
    flow["cancel_no_force"] = _force_cancel("no", 60)
    flow["cancel_force"] = _force_cancel("yes", 75)
    order = order_copy(flow, "on_status_picked")
    _cancel_all(order, target="C-1", reason="052", by=BAP_ID, precancel="Order-picked-up",
                precancel_at=stamp(55), seconds=75.5)
    flow["on_cancel"] = message("on_cancel", 75.5, mid("cancel_yes"), {"order": order})
    return Scenario((*STEPS, "on_status_picked", "cancel_no_force", "cancel_force", "on_cancel"),
                    flow)


def rto_scenario() -> Scenario:
    flow = build_flow()
    flow["on_status_picked"] = picked_up(flow, 55)
    order = order_copy(flow, "on_status_picked")
    _cancel_all(order, target="F1-RTO", reason="013", by=BPP_ID, precancel="Order-picked-up",
                precancel_at=stamp(55), seconds=65, rto=True)
    flow["on_cancel_rto"] = message("on_cancel", 65, mid("on_cancel_rto"), {"order": order})
    done = copy.deepcopy(order)
    rto = done["fulfillments"][1]
    rto["state"] = {"descriptor": {"code": "RTO-Delivered"}, "updated_at": stamp(75)}
    rto["end"]["time"] = {"timestamp": stamp(75)}
    done["updated_at"] = stamp(75)
    flow["on_status_rto"] = message("on_status", 75, mid("on_status_rto"), {"order": done})
    return Scenario((*STEPS, "on_status_picked", "on_cancel_rto", "on_status_rto"), flow)


# --- part cancel by the merchant ------------------------------------------------------------------

I2_LINES = [
    {"@ondc/org/item_id": "I2", "title": "Garlic Bread", "@ondc/org/title_type": "item",
     "price": money("100.00"), "@ondc/org/item_quantity": {"count": 1},
     "item": {"price": money("100.00"), "tags": type_tag("item")}},
    {"@ondc/org/item_id": "I2", "title": "Tax", "@ondc/org/title_type": "tax",
     "price": money("5.00"), "item": {"tags": type_tag("item")}},
]


def two_line_flow() -> Flow:
    """The forward flow with a second line: one Garlic Bread (100.00 + 5.00 tax)."""
    flow = build_flow()
    flow["on_search"]["message"]["catalog"]["bpp/providers"][0]["items"].append(
        {"id": "I2", "price": money("100.00")})
    for step in ("select", "on_select", "init", "on_init", "confirm", "on_confirm", "on_status"):
        order = flow[step]["message"]["order"]
        extra: Json = {"id": "I2", "quantity": {"count": 1}, "tags": type_tag("item"),
                       "location_id": "L1"}
        if step != "select":
            extra["fulfillment_id"] = "F1"
        order["items"].append(extra)
        if "quote" in order:
            order["quote"]["breakup"][2:2] = copy.deepcopy(I2_LINES)
            order["quote"]["price"] = money("726.50")
        if "amount" in order.get("payment", {}).get("params", {}):
            order["payment"]["params"]["amount"] = "726.50"
    return flow


def part_scenario() -> Scenario:
    flow = two_line_flow()
    order = order_copy(flow, "on_confirm")
    i2 = next(i for i in order["items"] if i["id"] == "I2")
    order["items"].append(moved(i2, "C-1", 1))
    i2["quantity"] = {"count": 0}
    line(order, "item", "I2").update(price=money("0.00"),
                                     **{"@ondc/org/item_quantity": {"count": 0}})
    line(order, "tax", "I2")["price"] = money("0.00")
    order["quote"]["price"] = money("621.50")
    order["fulfillments"].append({
        "id": "C-1", "type": "Cancel",
        "state": {"descriptor": {"code": "Cancelled"}, "updated_at": stamp(33)},
        "tags": [tag("cancel_request", reason_id="002", initiated_by=BPP_ID),
                 trail("item", "I2", "-100.00"), trail("tax", "I2", "-5.00")]})
    order["updated_at"] = stamp(33)
    flow["on_update_part"] = message("on_update", 33, mid("on_update_part"), {"order": order})
    flow["update_refund"] = refund_notice(36, "C-1", "Cancel", "105.00")
    steps = (*STEPS[:STEPS.index("on_confirm") + 1], "on_update_part", "update_refund")
    return Scenario(steps, flow)


# --- return ---------------------------------------------------------------------------------------

def return_request(**override: str) -> Json:
    values = {"id": "R1", "item_id": "I1", "parent_item_id": "V1", "item_quantity": "1",
              "reason_id": "003", "reason_desc": "Pizza arrived cold",
              "images": "https://buyer.example.org/img/r1-1.jpg,"
                        "https://buyer.example.org/img/r1-2.jpg",
              "ttl_approval": "PT24H", "ttl_reverseqc": "P3D", **override}
    return tag("return_request", **values)


def _return_state(order: Json, state: str, seconds: float) -> Json:
    r1 = order["fulfillments"][1]
    r1["state"] = {"descriptor": {"code": state}, "updated_at": stamp(seconds)}
    order["updated_at"] = stamp(seconds)
    return r1


def return_scenario() -> Scenario:
    flow = build_flow()
    flow["on_status_delivered"] = delivered(flow, 55)
    flow["update_return"] = message("update", 60, mid("update_return"), {
        "update_target": "item",
        "order": {"id": ORDER_ID, "fulfillments": [{"type": "Return",
                                                    "tags": [return_request()]}]}})
    order = order_copy(flow, "on_status_delivered")
    order["fulfillments"].append({
        "id": "R1", "type": "Return",
        "state": {"descriptor": {"code": "Return_Initiated"}, "updated_at": stamp(60.5)},
        "tags": [return_request(initiated_by=BAP_ID)]})
    order["updated_at"] = stamp(60.5)
    flow["on_update_return"] = message("on_update", 60.5, mid("update_return"),
                                       {"order": copy.deepcopy(order)})
    _return_state(order, "Return_Approved", 65)
    flow["on_update_approved"] = message("on_update", 65, mid("on_update_approved"),
                                         {"order": copy.deepcopy(order)})
    r1 = _return_state(order, "Return_Picked", 70)
    f1 = order["fulfillments"][0]
    r1["start"] = {"location": copy.deepcopy(f1["end"]["location"]),
                   "time": {"timestamp": stamp(69)}}
    r1["end"] = {"location": copy.deepcopy(f1["start"]["location"])}
    r1["tags"] += [trail("item", "I1", "-265.00"), trail("tax", "I1", "-13.25")]
    i1 = order["items"][0]
    i1["quantity"] = {"count": 1}
    order["items"].append(moved(i1, "R1", 1))
    line(order, "item", "I1").update(price=money("265.00"),
                                     **{"@ondc/org/item_quantity": {"count": 1}})
    line(order, "tax", "I1")["price"] = money("13.25")
    order["quote"]["price"] = money("343.25")
    flow["on_update_picked"] = message("on_update", 70, mid("on_update_picked"),
                                       {"order": copy.deepcopy(order)})
    r1 = _return_state(order, "Return_Delivered", 75)
    r1["end"]["time"] = {"timestamp": stamp(74)}
    flow["on_update_back"] = message("on_update", 75, mid("on_update_back"),
                                     {"order": copy.deepcopy(order)})
    flow["update_refund"] = refund_notice(80, "R1", "Return", "278.25")
    return Scenario((*STEPS, "on_status_delivered", "update_return", "on_update_return",
                     "on_update_approved", "on_update_picked", "on_update_back",
                     "update_refund"), flow)


# --- updates --------------------------------------------------------------------------------------

NEW_END = {"location": {"gps": "12.975100,77.614200", "address": {
    "name": "12", "building": "Lake View", "locality": "Domlur", "city": "Bengaluru",
    "state": "Karnataka", "country": "IND", "area_code": "560071"}},
    "instructions": {"short_desc": "Ring the bell twice",
                     "additional_desc": {"content_type": "text/plain"}}}


def address_scenario() -> Scenario:
    flow = build_flow()
    flow["update_address"] = message("update", 60, mid("update_address"), {
        "update_target": "fulfillment",
        "order": {"id": ORDER_ID, "fulfillments": [{"id": "F1", "end": copy.deepcopy(NEW_END)}]}})
    order = order_copy(flow, "on_status")
    order["fulfillments"][0]["end"].update(copy.deepcopy(NEW_END))
    order["updated_at"] = stamp(60.5)
    flow["on_update_address"] = message("on_update", 60.5, mid("update_address"),
                                        {"order": order})
    return Scenario((*STEPS, "update_address", "on_update_address"), flow)


def buyer_delivery_scenario() -> Scenario:
    flow = build_flow()
    for step in ("on_confirm", "on_status"):
        flow[step]["message"]["order"]["fulfillments"][0]["type"] = "Buyer-Delivery"
    flow["update_state"] = message("update", 60, mid("update_state"), {
        "update_target": "fulfillment",
        "order": {"id": ORDER_ID, "fulfillments": [{"id": "F1", "tags": [
            tag("update_state", state="Order-picked-up"),
            tag("update_fulfillment_time", state="Order-picked-up", timestamp=stamp(59))]}]}})
    order = order_copy(flow, "on_status")
    order["state"] = "In-progress"
    order["fulfillments"][0]["state"] = {"descriptor": {"code": "Order-picked-up"},
                                         "updated_at": stamp(60.5)}
    order["updated_at"] = stamp(60.5)
    flow["on_update_state"] = message("on_update", 60.5, mid("update_state"), {"order": order})
    return Scenario((*STEPS, "update_state", "on_update_state"), flow)


# --- rating and support ---------------------------------------------------------------------------

def rating_support_scenario() -> Scenario:
    flow = build_flow()
    flow["on_status_delivered"] = delivered(flow, 55)
    flow["rating"] = message("rating", 60, mid("rating"), {
        "rating_category": "Fulfillment", "id": "F1", "value": "5",
        "feedback_form": [
            {"id": "Q1", "question": "Did it arrive hot?"},
            {"id": "A1", "parent_id": "Q1", "answer": "Yes", "answer_type": "radio"}]})
    flow["on_rating"] = message("on_rating", 60.5, mid("rating"),
                                {"rating_ack": True, "feedback_ack": True})
    flow["support"] = message("support", 70, mid("support"), {"ref_id": ORDER_ID})
    flow["on_support"] = message("on_support", 70.5, mid("support"), {
        "phone": "9886098860", "email": "care@seller.example.org",
        "uri": "https://seller.example.org/support"})
    return Scenario((*STEPS, "on_status_delivered", "rating", "on_rating", "support",
                     "on_support"), flow)


SCENARIOS: dict[str, Callable[[], Scenario]] = {
    "cancel": cancel_scenario, "force": force_scenario, "rto": rto_scenario,
    "part": part_scenario, "return": return_scenario, "address": address_scenario,
    "buyer_delivery": buyer_delivery_scenario, "rating_support": rating_support_scenario,
}


def check(scenario: Scenario, step: str) -> list[Finding]:
    """The engine's findings for ``step`` with every earlier step of the scenario as history."""
    index = scenario.steps.index(step)
    history = FlowHistory([Message(scenario.flow[s]) for s in scenario.steps[:index]])
    return run_rules(Message(scenario.flow[step]), history)


# --- failing cases -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    rule_id: str
    scenario: str
    step: str
    path: str
    mutate: Mutation
    why: str

    @property
    def id(self) -> str:
        return f"{self.rule_id}:{self.why}"


def tag_value(step: str, fulfillment: int, tag_index: int, entry: int, value: Any,
              ) -> Mutation:
    return setter(step, "message", "order", "fulfillments", fulfillment, "tags", tag_index,
                  "list", entry, "value", value=value)


ORDER = ("message", "order")
F = "$.message.order.fulfillments"
SD = "$.message.order.payment['@ondc/org/settlement_details']"


def _add_tag(step: str, fulfillment: int, group: Json) -> Mutation:
    def mutate(flow: Flow) -> None:
        flow[step]["message"]["order"]["fulfillments"][fulfillment].setdefault(
            "tags", []).append(group)
    return mutate


def _drop_cancel_requests(flow: Flow) -> None:
    for fulfillment in flow["on_update_part"]["message"]["order"]["fulfillments"]:
        fulfillment["tags"] = [t for t in fulfillment.get("tags", [])
                               if t["code"] != "cancel_request"]


def _packed_part_cancel(flow: Flow) -> None:
    at(flow["on_update_part"], *ORDER, "fulfillments", 0)["state"] = {
        "descriptor": {"code": "Packed"}}


def _untrailed_part_cancel(flow: Flow) -> None:
    tags = at(flow["on_update_part"], *ORDER, "fulfillments", 1, "tags")
    del tags[1:]
    at(flow["on_update_part"], *ORDER, "quote", "price")["value"] = "726.50"


def _refund_twice(flow: Flow) -> None:
    details = at(flow["update_refund"], *ORDER, "payment", "@ondc/org/settlement_details")
    details[0]["settlement_amount"] = "400.00"
    details.append({**details[0], "settlement_amount": "300.00",
                    "settlement_timestamp": stamp(69)})


def _untrailed_return(flow: Flow) -> None:
    del at(flow["on_update_picked"], *ORDER, "fulfillments", 1, "tags")[1:]


def _replacement(flow: Flow) -> None:
    r1 = at(flow["on_update_picked"], *ORDER, "fulfillments", 1)
    r1["tags"][0]["list"].append({"code": "replace", "value": "yes"})
    del r1["tags"][2]


def nothing(flow: Flow) -> None:
    """The scenario itself carries the defect (a step the valid flows do not have)."""


def _reject_without_reason(flow: Flow) -> None:
    del flow["on_update_approved"]["message"]["order"]["fulfillments"][1]["state"][
        "descriptor"]["short_desc"]


def _ratings_twice(flow: Flow) -> None:
    body = flow["rating"]["message"]
    flow["rating"]["message"] = {"ratings": [copy.deepcopy(body), copy.deepcopy(body)]}


CANCEL = [
    Case("RET-POST-001", "cancel", "cancel", "$.message.cancellation_reason_id",
         deleter("cancel", "message", "cancellation_reason_id"), "no reason"),
    Case("RET-POST-002", "cancel", "cancel", "$.message.cancellation_reason_id",
         setter("cancel", "message", "cancellation_reason_id", value="016"),
         "logistics code 016"),
    Case("RET-POST-003", "force", "cancel_no_force",
         "$.message.descriptor.tags[0].list[0].value",
         setter("cancel_no_force", "message", "descriptor", "tags", 0, "list", 0, "value",
                value="false"), "force false"),
    Case("RET-POST-004", "force", "cancel_no_force", "$.message.descriptor",
         deleter("cancel_no_force", "message", "descriptor", "short_desc"),
         "052 without the fulfillment"),
    Case("RET-POST-005", "force", "cancel_no_force", "$.message.descriptor.short_desc",
         setter("cancel_no_force", "message", "descriptor", "short_desc", value="F9"),
         "unknown fulfillment"),
    Case("RET-POST-006", "force", "cancel_force", "$.message.descriptor.tags[0].list[0].value",
         setter("cancel_force", "context", "timestamp", value=stamp(65)),
         "forced 5 s into a 10 s ttl_response"),
    Case("RET-POST-007", "cancel_after_rto", "cancel_again", "$.message.order_id", nothing,
         "cancel of a cancelled order"),
]

ON_CANCEL = [
    Case("RET-POST-008", "cancel", "on_cancel", "$.message.order.state",
         setter("on_cancel", *ORDER, "state", value="Accepted"), "still Accepted"),
    Case("RET-POST-009", "cancel", "on_cancel", "$.message.order.cancellation",
         deleter("on_cancel", *ORDER, "cancellation"), "no cancellation"),
    Case("RET-POST-010", "rto", "on_cancel_rto", "$.message.order.cancellation.cancelled_by",
         setter("on_cancel_rto", *ORDER, "cancellation", "cancelled_by",
                value="https://seller.example.org/ondc"), "a URL"),
    Case("RET-POST-011", "rto", "on_cancel_rto", "$.message.order.cancellation.cancelled_by",
         setter("on_cancel_rto", *ORDER, "cancellation", "cancelled_by", value=BAP_ID),
         "seller's RTO blamed on the buyer app"),
    Case("RET-POST-012", "rto", "on_cancel_rto", "$.message.order.cancellation.reason.id",
         setter("on_cancel_rto", *ORDER, "cancellation", "reason", "id", value="003"),
         "buyer's code 003"),
    Case("RET-POST-013", "rto", "on_cancel_rto", f"{F}[1].state.descriptor.code",
         setter("on_cancel_rto", *ORDER, "fulfillments", 1, "state", "descriptor", "code",
                value="Out-for-delivery"), "RTO fulfillment still delivering"),
    Case("RET-POST-014", "cancel", "on_cancel", f"{F}[1].tags[1]",
         deleter("on_cancel", *ORDER, "fulfillments", 1, "tags", 1, "list", 2), "no currency"),
    Case("RET-POST-015", "cancel", "on_cancel", f"{F}[1].tags[1].list[3].value",
         tag_value("on_cancel", 1, 1, 3, "minus 530"), "words"),
    Case("RET-POST-016", "cancel", "on_cancel", f"{F}[1].tags[3].list[0].value",
         tag_value("on_cancel", 1, 3, 0, "shipping"), "shipping"),
    Case("RET-POST-017", "cancel", "on_cancel", f"{F}[1].tags[1].list[1].value",
         tag_value("on_cancel", 1, 1, 1, "I9"), "unknown item"),
    Case("RET-POST-018", "part", "on_update_part", f"{F}[1].tags[1].list[3].value",
         both(tag_value("on_update_part", 1, 1, 3, "100.00"),
              tag_value("on_update_part", 1, 2, 3, "-205.00")), "item trail positive"),
    Case("RET-POST-019", "part", "on_update_part", f"{F}[1].tags[2].list[3].value",
         tag_value("on_update_part", 1, 2, 1, "I1"),
         "I2's tax refund booked on I1's tax line"),
    Case("RET-POST-020", "cancel", "on_cancel", "$.message.order.quote.price.value",
         both(setter("on_cancel", *ORDER, "quote", "price", "value", value="-10.00"),
              setter("on_cancel", *ORDER, "quote", "breakup", 4, "price", "value",
                     value="-10.00")), "negative total"),
]

REFUNDS = [
    Case("RET-POST-021", "return", "update_refund", f"{SD}[1].settlement_amount",
         _refund_twice, "400 + 300 refunded of 621.50"),
    Case("RET-POST-022", "part", "update_refund", f"{SD}[0].settlement_amount",
         setter("update_refund", *ORDER, "payment", "@ondc/org/settlement_details", 0,
                "settlement_amount", value="110.00"), "refund 110 for a 105 trail"),
    Case("RET-POST-023", "cancel", "update_refund", f"{SD}[0].settlement_counterparty",
         setter("update_refund", *ORDER, "payment", "@ondc/org/settlement_details", 0,
                "settlement_counterparty", value="seller-app"), "refund to the seller"),
    Case("RET-POST-024", "cancel", "update_refund", f"{SD}[0].settlement_type",
         setter("update_refund", *ORDER, "payment", "@ondc/org/settlement_details", 0,
                "settlement_type", value="cash"), "cash"),
    Case("RET-POST-025", "cancel", "update_refund", f"{SD}[0].settlement_timestamp",
         setter("update_refund", *ORDER, "payment", "@ondc/org/settlement_details", 0,
                "settlement_timestamp", value=stamp(90)), "refund dated later"),
    Case("RET-POST-026", "cancel", "update_refund", "$.message.order.fulfillments[0].id",
         setter("update_refund", *ORDER, "fulfillments", 0, "id", value="F1"),
         "refund for the delivery"),
]

RTO_CASES = [
    Case("RET-POST-027", "rto", "on_cancel_rto", f"{F}[0].tags[0].list[2].value",
         tag_value("on_cancel_rto", 0, 0, 2, "F1-R"), "rto_id mistyped"),
    Case("RET-POST-028", "rto", "on_cancel_rto", f"{F}[1].state.descriptor.code",
         setter("on_cancel_rto", *ORDER, "fulfillments", 0, "state", "descriptor", "code",
                value="Out-for-delivery"), "RTO while still out for delivery"),
    Case("RET-POST-029", "rto", "on_cancel_rto", f"{F}[0].tags[1].list[0].value",
         tag_value("on_cancel_rto", 0, 1, 0, "Packed"), "precancel Packed, was picked up"),
    Case("RET-POST-030", "rto", "on_cancel_rto", f"{F}[0].tags[1].list[1].value",
         tag_value("on_cancel_rto", 0, 1, 1, stamp(66)), "precancel after the message"),
]

CANCEL_FULFILLMENTS = [
    Case("RET-POST-031", "part", "on_update_part", f"{F}[1].tags",
         _drop_cancel_requests, "part cancel without cancel_request"),
    Case("RET-POST-032", "part", "on_update_part", f"{F}[0].state.descriptor.code",
         _packed_part_cancel, "part cancel once Packed"),
    Case("RET-POST-033", "part", "on_update_part", f"{F}[1].tags", _untrailed_part_cancel,
         "cancelled item without trail"),
]

UPDATES = [
    Case("RET-POST-034", "address", "update_address", "$.message.update_target",
         setter("update_address", "message", "update_target", value="address"), "address"),
    Case("RET-POST-035", "cancel", "update_refund", "$.message.order.payment",
         deleter("update_refund", *ORDER, "payment"), "payment target, no payment"),
    Case("RET-POST-036", "address", "update_address", f"{F}[0].id",
         setter("update_address", *ORDER, "fulfillments", 0, "id", value="F7"),
         "unknown fulfillment"),
    Case("RET-POST-037", "address", "update_address", f"{F}[0].end",
         setter("on_status", *ORDER, "fulfillments", 0, "state", "descriptor", "code",
                value="Order-picked-up"), "address change after pickup"),
    Case("RET-POST-038", "address", "update_address",
         f"{F}[0].end.instructions.additional_desc.content_type",
         setter("update_address", *ORDER, "fulfillments", 0, "end", "instructions",
                "additional_desc", "content_type", value="text/markdown"), "markdown"),
    Case("RET-POST-039", "buyer_delivery", "update_state", f"{F}[0].tags[0].list[0].value",
         setter("update_state", *ORDER, "fulfillments", 0, "tags", 0, "list", 0, "value",
                value="Pending"), "back to Pending"),
    Case("RET-POST-040", "buyer_delivery", "update_state", f"{F}[0].tags[1].list[1].value",
         setter("update_state", *ORDER, "fulfillments", 0, "tags", 1, "list", 1, "value",
                value="17/11/2023 09:30"), "not RFC 3339"),
]

RETURNS = [
    Case("RET-POST-041", "return", "update_return", f"{F}[0].tags[0]",
         deleter("update_return", *ORDER, "fulfillments", 0, "tags", 0, "list", 7),
         "no ttl_approval"),
    Case("RET-POST-042", "return", "update_return", f"{F}[0].tags[0].list[2].value",
         setter("update_return", *ORDER, "fulfillments", 0, "tags", 0, "list", 2, "code",
                value="parent_id"), "parent_id"),
    Case("RET-POST-043", "return", "update_return", f"{F}[0].tags[0].list[1].value",
         setter("update_return", *ORDER, "fulfillments", 0, "tags", 0, "list", 1, "value",
                value="I9"), "unknown item"),
    Case("RET-POST-044", "return", "update_return", f"{F}[0].tags[0].list[3].value",
         setter("update_return", *ORDER, "fulfillments", 0, "tags", 0, "list", 3, "value",
                value="3"), "3 of 2"),
    Case("RET-POST-045", "return", "update_return", f"{F}[0].tags[0].list[4].value",
         setter("update_return", *ORDER, "fulfillments", 0, "tags", 0, "list", 4, "value",
                value="cold"), "reason in words"),
    Case("RET-POST-046", "return", "update_return", f"{F}[0].tags[0].list[8].value",
         setter("update_return", *ORDER, "fulfillments", 0, "tags", 0, "list", 8, "value",
                value="3 days"), "3 days"),
    Case("RET-POST-047", "return", "update_return", f"{F}[0].tags[0].list[6].value",
         setter("update_return", *ORDER, "fulfillments", 0, "tags", 0, "list", 6, "value",
                value="photo1.jpg"), "file name"),
    Case("RET-POST-048", "return", "update_return", "$.message.order.fulfillments",
         both(setter("on_status_delivered", *ORDER, "fulfillments", 0, "state", "descriptor",
                     "code", value="Out-for-delivery"),
              setter("on_status_delivered", *ORDER, "state", value="In-progress")),
         "return before delivery"),
    Case("RET-POST-049", "return_twice", "update_return_2", f"{F}[0].tags[0].list[0].value",
         nothing, "R1 again"),
    Case("RET-POST-050", "return", "on_update_approved", f"{F}[1].id",
         setter("on_update_approved", *ORDER, "fulfillments", 1, "id", value="RET-1"),
         "fulfillment id is not the request id"),
    Case("RET-POST-051", "return_rejected", "on_update_approved",
         f"{F}[1].state.descriptor.short_desc", _reject_without_reason,
         "rejected without reason"),
    Case("RET-POST-052", "return", "on_update_picked", f"{F}[1].start.location.gps",
         setter("on_update_picked", *ORDER, "fulfillments", 1, "start", "location", "gps",
                value="12.9716,77.5946"), "picked up at the store"),
    Case("RET-POST-053", "return", "on_update_picked", f"{F}[1].tags", _untrailed_return,
         "Return_Picked without trail"),
    Case("RET-POST-054", "return", "on_update_picked", f"{F}[1].tags[1].list[3].value",
         _replacement, "replacement with a refund"),
]

PROGRESS = [
    Case("RET-POST-055", "return", "on_status_delivered", f"{F}[0].end.time.timestamp",
         setter("on_status_delivered", *ORDER, "fulfillments", 0, "end", "time", "timestamp",
                value=stamp(49)), "delivered before pickup"),
    Case("RET-POST-056", "return", "on_status_delivered", f"{F}[0].end.time.timestamp",
         setter("on_status_delivered", *ORDER, "fulfillments", 0, "end", "time", "timestamp",
                value=stamp(56)), "delivered in the future"),
    Case("RET-POST-057", "rto", "on_status_picked", f"{F}[0].start.time.timestamp",
         deleter("on_status_picked", *ORDER, "fulfillments", 0, "start", "time"),
         "picked up, no pickup time"),
    Case("RET-POST-058", "return", "on_status_delivered", f"{F}[0].end.time.timestamp",
         deleter("on_status_delivered", *ORDER, "fulfillments", 0, "end", "time"),
         "delivered, no delivery time"),
    Case("RET-POST-068", "return", "on_update_picked", f"{F}[1].start.time.timestamp",
         setter("on_update_picked", *ORDER, "fulfillments", 1, "start", "time", "range",
                value={"start": stamp(72), "end": stamp(90)}), "picked before its slot"),
    Case("RET-POST-059", "return", "on_update_approved", f"{F}[1].state.updated_at",
         setter("on_update_approved", *ORDER, "fulfillments", 1, "state", "updated_at",
                value=stamp(60)), "state time goes back"),
    Case("RET-POST-060", "return", "on_update_approved", f"{F}[1].state.updated_at",
         setter("on_update_approved", *ORDER, "fulfillments", 1, "state", "updated_at",
                value=stamp(66)), "state time in the future"),
    Case("RET-POST-061", "return", "on_update_approved", "$.message.order.updated_at",
         setter("on_update_approved", *ORDER, "updated_at", value=stamp(58)),
         "updated_at goes back"),
    Case("RET-POST-062", "cod", "on_status_delivered", "$.message.order.payment.status",
         setter("on_status_delivered", *ORDER, "payment", "status", value="NOT-PAID"),
         "cash collected, NOT-PAID"),
    Case("RET-POST-063", "cod", "on_status_delivered",
         "$.message.order.payment.time.timestamp",
         deleter("on_status_delivered", *ORDER, "payment", "time"), "no payment time"),
    Case("RET-POST-064", "return", "on_status_delivered", "$.message.order.payment.status",
         setter("on_status_delivered", *ORDER, "payment", "status", value="NOT-PAID"),
         "prepaid order NOT-PAID"),
    Case("RET-POST-065", "agent", "on_status_agent", f"{F}[0].agent",
         deleter("on_status_agent", *ORDER, "fulfillments", 0, "agent", "name"),
         "agent unnamed"),
    Case("RET-POST-066", "rto", "on_status_picked", f"{F}[0].agent.phone",
         setter("on_status_picked", *ORDER, "fulfillments", 0, "agent", "phone", value="12345"),
         "5 digits"),
    Case("RET-POST-067", "return", "on_status_delivered", "$.message.order.state",
         setter("on_status_delivered", *ORDER, "state", value="In-progress"),
         "delivered, order In-progress"),
]

RATING = [
    Case("RET-RATE-001", "rating_support", "rating", "$.message.id",
         deleter("rating", "message", "id"), "nothing rated"),
    Case("RET-RATE-002", "rating_support", "rating", "$.message.rating_category",
         setter("rating", "message", "rating_category", value="Delivery"), "Delivery"),
    Case("RET-RATE-003", "rating_support", "rating", "$.message.value",
         setter("rating", "message", "value", value="4.5"), "4.5"),
    Case("RET-RATE-004", "rating_support", "rating", "$.message.id",
         setter("rating", "message", "id", value="F9"), "unknown fulfillment"),
    Case("RET-RATE-005", "rating_support", "rating", "$.message.ratings[1]", _ratings_twice,
         "F1 rated twice"),
    Case("RET-RATE-006", "rating_support", "rating",
         "$.message.feedback_form[1].answer_type",
         setter("rating", "message", "feedback_form", 1, "answer_type", value="dropdown"),
         "dropdown"),
    Case("RET-RATE-007", "rating_support", "rating", "$.message.feedback_form[1].parent_id",
         setter("rating", "message", "feedback_form", 1, "parent_id", value="Q2"),
         "dangling parent"),
    Case("RET-RATE-008", "rating_support", "rating", "$.message.feedback_form[0]",
         setter("rating", "message", "feedback_form", 0, "answer", value="Yes"),
         "question and answer"),
    Case("RET-RATE-009", "rating_support", "on_rating", "$.message.rating_ack",
         setter("on_rating", "message", "rating_ack", value="yes"), "yes"),
    Case("RET-RATE-010", "rating_support", "on_rating", "$.message.feedback_ack",
         setter("on_rating", "message", "feedback_ack", value=1), "1"),
    Case("RET-RATE-011", "rating_support", "on_rating", "$.message.feedback_ack",
         deleter("rating", "message", "feedback_form"), "feedback acknowledged, none sent"),
]

SUPPORT = [
    Case("RET-SUP-001", "rating_support", "support", "$.message.ref_id",
         deleter("support", "message", "ref_id"), "no ref_id"),
    Case("RET-SUP-002", "rating_support", "support", "$.message.ref_id",
         setter("support", "message", "ref_id", value="O-OTHER"), "another order"),
    Case("RET-SUP-003", "rating_support", "support", "$.message.type",
         setter("support", "message", "type", value="delivery"), "delivery"),
    Case("RET-SUP-004", "rating_support", "on_support", "$.message",
         lambda flow: flow["on_support"]["message"].clear(), "no channel"),
    Case("RET-SUP-005", "rating_support", "on_support", "$.message.phone",
         setter("on_support", "message", "phone", value="98860"), "5 digits"),
    Case("RET-SUP-006", "rating_support", "on_support", "$.message.email",
         setter("on_support", "message", "email", value="care at seller"), "words"),
    Case("RET-SUP-007", "rating_support", "on_support", "$.message.uri",
         setter("on_support", "message", "uri", value="seller.example.org/support"),
         "no scheme"),
]

ALL_CASES: list[Case] = [*CANCEL, *ON_CANCEL, *REFUNDS, *RTO_CASES, *CANCEL_FULFILLMENTS,
                         *UPDATES, *RETURNS, *PROGRESS, *RATING, *SUPPORT]


# --- scenarios only some cases need ---------------------------------------------------------

def cancel_after_rto_scenario() -> Scenario:
    scenario = rto_scenario()
    scenario.flow["cancel_again"] = message("cancel", 80, mid("cancel_again"), {
        "order_id": ORDER_ID, "cancellation_reason_id": "001"})
    return Scenario((*scenario.steps, "cancel_again"), scenario.flow)


def return_twice_scenario() -> Scenario:
    """A second return (of the customisation C1) under the first one's id R1."""
    scenario = return_scenario()
    flow = scenario.flow
    flow["update_return_2"] = copy.deepcopy(flow["update_return"])
    flow["update_return_2"]["context"].update(timestamp=stamp(85), message_id=mid("again"))
    flow["update_return_2"]["message"]["order"]["fulfillments"][0]["tags"][0]["list"][1][
        "value"] = "C1"
    return Scenario((*scenario.steps, "update_return_2"), flow)


def return_rejected_scenario() -> Scenario:
    """The seller rejects the return (with a reason): on_update_approved becomes rejected."""
    scenario = return_scenario()
    steps = scenario.steps[:scenario.steps.index("on_update_approved") + 1]
    r1 = scenario.flow["on_update_approved"]["message"]["order"]["fulfillments"][1]
    r1["state"]["descriptor"] = {"code": "Return_Rejected",
                                 "short_desc": "Item used: not in a returnable condition"}
    return Scenario(steps, scenario.flow)


def cod_scenario() -> Scenario:
    """Cash on delivery: NOT-PAID until the delivery, PAID (with its time) at it."""
    scenario = return_scenario()
    flow = scenario.flow
    for step in ("on_init", "confirm", "on_confirm", "on_status", "on_status_delivered"):
        payment = flow[step]["message"]["order"]["payment"]
        payment.update(type="ON-FULFILLMENT", collected_by="BPP", status="NOT-PAID")
        payment.pop("params", None)
    delivered_payment = flow["on_status_delivered"]["message"]["order"]["payment"]
    delivered_payment.update(status="PAID", time={"timestamp": stamp(54)})
    steps = scenario.steps[:scenario.steps.index("on_status_delivered") + 1]
    return Scenario(steps, flow)


def agent_scenario() -> Scenario:
    """A delivery reported Agent-assigned, with its agent."""
    flow = build_flow()
    body = picked_up(flow, 45)
    f1 = body["message"]["order"]["fulfillments"][0]
    f1["state"]["descriptor"]["code"] = "Agent-assigned"
    del f1["start"]["time"]
    body["message"]["order"]["state"] = "Accepted"
    body["context"]["message_id"] = mid("on_status_agent")
    flow["on_status_agent"] = body
    steps = (*STEPS[:STEPS.index("on_status") + 1], "on_status_agent")
    return Scenario(steps, flow)


SCENARIOS.update({"return_rejected": return_rejected_scenario, "cod": cod_scenario,
                  "agent": agent_scenario})
VALID: tuple[str, ...] = tuple(sorted(SCENARIOS))
"""Scenarios every rule must be silent on."""

SCENARIOS.update({"cancel_after_rto": cancel_after_rto_scenario,
                  "return_twice": return_twice_scenario})
"""... and two that carry a defect by construction (a step the valid flows do not have)."""

