"""One minimal mutation per ``RET-LIFE`` rule (checks/rules/lifecycle.py), with the exact finding
it must produce, on the valid post-order scenarios of :mod:`post_order_cases` (and the forward
flow of :mod:`retail_flow` for the out-of-stock shortfall).

The live counterpart — the reference seller's faults caught through real flows — is
tests/test_retail_flows.py.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from mutations import setter
from post_order_cases import SCENARIOS, Mutation, Scenario
from retail_flow import Flow, Json, build_flow

from ondc_harness.checks.engine import run_rules
from ondc_harness.checks.findings import Finding
from ondc_harness.message import FlowHistory, Message

FORWARD = "forward"


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


def scenario(name: str) -> Scenario:
    if name == FORWARD:
        flow = build_flow()
        return Scenario(tuple(flow), flow)
    return SCENARIOS[name]()


def check(built: Scenario, step: str) -> list[Finding]:
    """The engine's findings for ``step`` with every earlier step as history."""
    index = built.steps.index(step)
    history = FlowHistory([Message(built.flow[s]) for s in built.steps[:index]])
    return run_rules(Message(built.flow[step]), history)


def _order(flow: Flow, step: str) -> Json:
    order: Json = flow[step]["message"]["order"]
    return order


def _trail_value(step: str, delta: str) -> Mutation:
    """Add ``delta`` to the first quote_trail value of ``step`` (the trail no longer adds up)."""
    def mutate(flow: Flow) -> None:
        for fulfillment in _order(flow, step)["fulfillments"]:
            for tag in fulfillment.get("tags", []):
                if tag["code"] == "quote_trail":
                    entry = next(e for e in tag["list"] if e["code"] == "value")
                    entry["value"] = f"{float(entry['value']) + float(delta):.2f}"
                    return
    return mutate


def _drop_moved_units(step: str, fulfillment_type: str) -> Mutation:
    """Forget the units moved to the fulfillment of ``fulfillment_type`` (they vanish)."""
    def mutate(flow: Flow) -> None:
        order = _order(flow, step)
        moved = {f["id"] for f in order["fulfillments"] if f["type"] == fulfillment_type}
        first = next(i for i in order["items"] if i["fulfillment_id"] in moved)
        order["items"].remove(first)
    return mutate


def _keep_units_on_delivery(flow: Flow) -> None:
    """A cancelled order whose units were copied, not moved: one left on the delivery."""
    order = _order(flow, "on_cancel")
    order["items"][0]["quantity"] = {"count": 1}
    cancelled = next(i for i in order["items"] if i["fulfillment_id"] == "C-1"
                     and i["id"] == order["items"][0]["id"])
    cancelled["quantity"] = {"count": int(cancelled["quantity"]["count"]) - 1}


def _swap_rto_ends(flow: Flow) -> None:
    rto = next(f for f in _order(flow, "on_cancel_rto")["fulfillments"] if f["type"] == "RTO")
    rto["start"]["location"]["gps"] = "12.000000,77.000000"


def _part_cancel_reason(flow: Flow) -> None:
    for fulfillment in _order(flow, "on_update_part")["fulfillments"]:
        for tag in fulfillment.get("tags", []):
            if tag["code"] == "cancel_request":
                next(e for e in tag["list"] if e["code"] == "reason_id")["value"] = "005"


def _return_quantity(flow: Flow) -> None:
    for fulfillment in _order(flow, "on_update_return")["fulfillments"]:
        for tag in fulfillment.get("tags", []):
            if tag["code"] == "return_request":
                entry = next(e for e in tag["list"] if e["code"] == "item_quantity")
                entry["value"] = str(int(entry["value"]) + 1)


def _silent_shortfall(flow: Flow) -> None:
    on_select = flow["on_select"]
    on_select.pop("error", None)
    item = on_select["message"]["order"]["items"][0]
    item["quantity"] = {"count": 1}
    select_item = flow["select"]["message"]["order"]["items"][0]
    select_item["quantity"] = {"count": 2}


def _old_address(flow: Flow) -> None:
    sent = flow["update_address"]["message"]["order"]["fulfillments"][0]["end"]["location"]
    answered = _order(flow, "on_update_address")["fulfillments"][0]
    answered["end"]["location"] = copy.deepcopy(sent)
    answered["end"]["location"]["gps"] = "12.900000,77.500000"


_F = "$.message.order.fulfillments"
ALL_CASES: list[Case] = [
    Case("RET-LIFE-001", "cancel", "on_cancel", "$.message.order.cancellation.reason.id",
         setter("on_cancel", "message", "order", "cancellation", "reason", "id",
                value="013"), "reason changed"),
    Case("RET-LIFE-002", "cancel", "on_cancel", "$.message.order.quote.price.value",
         _trail_value("on_cancel", "10"), "trail off by 10"),
    Case("RET-LIFE-002", "part", "on_update_part", "$.message.order.quote.price.value",
         _trail_value("on_update_part", "-5"), "part-cancel trail off by 5"),
    Case("RET-LIFE-003", "rto", "on_cancel_rto", "$.message.order.items",
         _drop_moved_units("on_cancel_rto", "RTO"), "RTO units vanish"),
    Case("RET-LIFE-003", "cancel", "on_cancel", "$.message.order.items[0].quantity.count",
         _keep_units_on_delivery, "a cancelled order keeps a unit to deliver"),
    Case("RET-LIFE-004", "rto", "on_cancel_rto", f"{_F}[1].start.location.gps",
         _swap_rto_ends, "RTO starts elsewhere"),
    Case("RET-LIFE-005", "part", "on_update_part", f"{_F}[1].tags", _part_cancel_reason,
         "part cancel with 005"),
    Case("RET-LIFE-006", "return", "on_update_return", f"{_F}[1].tags", _return_quantity,
         "return quantity changed"),
    Case("RET-LIFE-007", FORWARD, "on_select", "$.error.code", _silent_shortfall,
         "quantity cut without 40002"),
    Case("RET-LIFE-008", "address", "on_update_address", f"{_F}[0].end.location",
         _old_address, "address not applied"),
]
