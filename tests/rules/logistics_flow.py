"""A small, valid logistics flow (ONDC:LOG10, P2P, core_version 1.2.5), hand-made after the pack.

Shapes follow automation-1.2.5/logistics-1.2.5/flows/Logistics (P2P)/ORDER_FLOW_BASE_LINE.yaml,
RTO_FLOW.yaml and BUYER_SIDE_ORDER_CANCELLATION.yaml, and seed-examples/logistics_*.json, cut
down to one Immediate Delivery option (I1, 50.00 + 9.00 tax = 59.00, the catalogue price) with
its RTO quote (I2), one Delivery fulfillment F1 and, in the RTO branch, the RTO fulfillment F2.

Three branches share the first steps (:data:`BRANCHES`):

* ``forward``: search … confirm, ready-to-ship update, status (Agent-assigned), picked up,
  track, delivered;
* ``cancel``: … Agent-assigned, then the LBNP cancels (reason 151, fee 50 % per the terms);
* ``rto``: … picked up, then the LSP turns the shipment back (RTO-Initiated) and delivers it
  back to the seller (RTO-Delivered).

:func:`build_flow` returns fresh dicts every call (every step of every branch, keyed by step
name); :func:`check` runs the engine on one step with the earlier steps of its branch as
history, exactly as the runner does.
"""

from __future__ import annotations

import copy
from typing import Any

from ondc_harness.checks.engine import run_rules
from ondc_harness.checks.findings import Finding
from ondc_harness.message import FlowHistory, Message

Json = dict[str, Any]
Flow = dict[str, Json]

COMMON = ("search", "on_search", "init", "on_init", "confirm", "on_confirm", "update",
          "on_update", "status", "on_status")
BRANCHES: dict[str, tuple[str, ...]] = {
    "forward": (*COMMON, "on_status_picked", "track", "on_track", "on_status_delivered"),
    "cancel": (*COMMON, "cancel", "on_cancel"),
    "rto": (*COMMON, "on_status_picked", "on_cancel_rto", "on_status_rto"),
}
ALL_STEPS = tuple(dict.fromkeys(step for steps in BRANCHES.values() for step in steps))

TXN = "3c1f7a52-0d3b-4b8e-9f6a-2c1d5e7b9a10"
BAP_ID, BAP_URI = "lbnp.example.org", "https://lbnp.example.org/ondc"
BPP_ID, BPP_URI = "lsp.example.org", "https://lsp.example.org/ondc"
ORDER_ID = "O-LOG-0001"
PICKUP_GPS, DROP_GPS = "12.9716,77.5946", "12.9740,77.6134"
PICKUP_PIN, DROP_PIN = "560001", "560038"

#: (action, seconds after 08:00:00.000, message id) of every step.
STEP_CONTEXT: dict[str, tuple[str, float, str]] = {
    "search": ("search", 0, "a1"), "on_search": ("on_search", 0.5, "a1"),
    "init": ("init", 10, "b2"), "on_init": ("on_init", 10.5, "b2"),
    "confirm": ("confirm", 20, "c3"), "on_confirm": ("on_confirm", 20.5, "c3"),
    "update": ("update", 30, "d4"), "on_update": ("on_update", 30.5, "d4"),
    "status": ("status", 40, "e5"), "on_status": ("on_status", 40.5, "e5"),
    "on_status_picked": ("on_status", 50, "f6"),
    "track": ("track", 60, "a7"), "on_track": ("on_track", 60.5, "a7"),
    "on_status_delivered": ("on_status", 70, "b8"),
    "cancel": ("cancel", 50, "c9"), "on_cancel": ("on_cancel", 50.5, "c9"),
    "on_cancel_rto": ("on_cancel", 55, "d0"), "on_status_rto": ("on_status", 65, "e1"),
}


def stamp(seconds: float) -> str:
    whole, millis = int(seconds), round((seconds - int(seconds)) * 1000)
    minutes, secs = divmod(whole, 60)
    return f"2025-05-23T08:{minutes:02d}:{secs:02d}.{millis:03d}Z"


def context(step: str) -> Json:
    action, offset, mid = STEP_CONTEXT[step]
    ctx: Json = {
        "domain": "ONDC:LOG10", "action": action, "country": "IND", "city": "std:080",
        "core_version": "1.2.5", "bap_id": BAP_ID, "bap_uri": BAP_URI,
        "bpp_id": BPP_ID, "bpp_uri": BPP_URI, "transaction_id": TXN,
        "message_id": f"{mid}4e9c2a-7b1d-4c3e-9f5a-0b1c2d3e4f5a", "timestamp": stamp(offset),
        "ttl": "PT30S",
    }
    if action == "search":
        del ctx["bpp_id"], ctx["bpp_uri"]
    return ctx


def money(value: str) -> Json:
    return {"currency": "INR", "value": value}


def tag(code: str, **values: Any) -> Json:
    return {"code": code, "list": [{"code": k, "value": v} for k, v in values.items()]}


def address(name: str, area_code: str) -> Json:
    return {"name": name, "building": "Maple Residency", "locality": "Indiranagar",
            "city": "Bengaluru", "state": "Karnataka", "country": "IND", "area_code": area_code}


def endpoint(gps: str, area_code: str, who: str, phone: str) -> Json:
    return {"location": {"gps": gps, "address": address(who, area_code)},
            "contact": {"phone": phone, "email": f"{who.lower()}@example.org"}}


def pickup() -> Json:
    return endpoint(PICKUP_GPS, PICKUP_PIN, "Store", "9886098860")


def drop() -> Json:
    return endpoint(DROP_GPS, DROP_PIN, "Buyer", "9123426789")


def line(item_id: str, title_type: str, value: str) -> Json:
    return {"@ondc/org/item_id": item_id, "@ondc/org/title_type": title_type,
            "price": money(value)}


def quote(*, ttl: bool = False) -> Json:
    out: Json = {"price": money("59.00"),
                 "breakup": [line("I1", "delivery", "50.00"), line("I1", "tax", "9.00")]}
    if ttl:
        out["ttl"] = "PT15M"
    return out


def billing() -> Json:
    return {"name": "ONDC Logistics Buyer NP", "address": address("LBNP office", "560076"),
            "tax_number": "29ABDCS3411L1Z7", "phone": "9886098860",
            "email": "billing@lbnp.example.org", "created_at": stamp(10),
            "updated_at": stamp(10)}


def payment(*, details: bool = True) -> Json:
    out: Json = {"type": "POST-FULFILLMENT", "collected_by": "BAP",
                 "@ondc/org/settlement_basis": "invoicing",
                 "@ondc/org/settlement_window": "P15D"}
    if details:
        out["@ondc/org/settlement_details"] = [{
            "settlement_counterparty": "lsp", "settlement_type": "upi",
            "beneficiary_name": "LSP Courier", "upi_address": "lsp@upi"}]
    return out


def cancellation_terms() -> list[Json]:
    def term(state: str, reasons: str, percentage: str) -> Json:
        return {"fulfillment_state": {"descriptor": {"code": state, "short_desc": reasons}},
                "cancellation_fee": {"percentage": percentage}}

    return [term("Pending", "151", "0.00"), term("Agent-assigned", "151,152", "50.00"),
            term("Order-picked-up", "151,152", "100.00")]


def linked_order() -> Json:
    def item(name: str, count: int, price: str) -> Json:
        return {"category_id": "F&B", "descriptor": {"name": name},
                "quantity": {"count": count, "measure": {"unit": "kilogram", "value": 1}},
                "price": money(price)}

    dims = {side: {"unit": "centimeter", "value": 10} for side in ("length", "breadth",
                                                                    "height")}
    return {"items": [item("Item1", 2, "70.00"), item("Item2", 1, "160.00")],
            "provider": {"descriptor": {"name": "Seller1"},
                         "address": address("Store", PICKUP_PIN)},
            "order": {"id": "RO1", "weight": {"unit": "kilogram", "value": 3},
                      "dimensions": dims}}


def fulfillment_tags(*, ready: bool) -> list[Json]:
    return [tag("linked_order", id="RO1", currency="INR", declared_value="300.00",
                weight_unit="kilogram", weight_value="3.0", dim_unit="centimeter",
                length="10.0", breadth="10.0", height="10.0"),
            tag("state", ready_to_ship=ready),
            tag("rto_action", return_to_origin=True),
            tag("linked_provider", id="P1", name="Seller1")]


def forward(state: str | None, **extra: Any) -> Json:
    """Fulfillment F1 as the order carries it from confirm on."""
    start, end = pickup(), drop()
    start["person"], end["person"] = {"name": "Store"}, {"name": "Buyer"}
    start["time"] = {"duration": "PT15M"}
    out: Json = {"id": "F1", "type": "Delivery", "start": start, "end": end,
                 "tags": fulfillment_tags(ready=False), **extra}
    if state is not None:
        out["state"] = {"descriptor": {"code": state}}
        out["tracking"] = True
    return out


def items(*, time: bool = True) -> list[Json]:
    item: Json = {"id": "I1", "category_id": "Immediate Delivery", "fulfillment_id": "F1"}
    if time:
        item["time"] = {"label": "TAT", "duration": "PT45M", "timestamp": "2025-05-23"}
    return [item]


def tags(*, accepted: bool) -> list[Json]:
    out = [tag("bpp_terms", static_terms="https://lsp.example.org/terms.pdf")]
    if accepted:
        out.insert(0, tag("bap_terms", accept_bpp_terms=True))
    return out


def _message(step: str, body: Json) -> Json:
    return {"context": context(step), "message": body}


def _order_after(order: Json, step: str, state: str, fulfillment_state: str,
                 **fulfillment: Any) -> Json:
    out = copy.deepcopy(order)
    out["state"] = state
    out["updated_at"] = stamp(STEP_CONTEXT[step][1])
    f1 = out["fulfillments"][0]
    f1["state"] = {"descriptor": {"code": fulfillment_state}}
    for key, value in fulfillment.items():
        if isinstance(value, dict) and isinstance(f1.get(key), dict):
            f1[key] = {**f1[key], **value}
        else:
            f1[key] = value
    return out


def build_flow() -> Flow:
    """Every step of every branch, freshly built."""
    init_order: Json = {
        "provider": {"id": "P1"}, "items": items(time=False),
        "fulfillments": [{"id": "F1", "type": "Delivery", "start": pickup(), "end": drop(),
                          "tags": [tag("linked_provider", id="P1", name="Seller1")]}],
        "billing": billing(), "payment": payment(details=False), "tags": tags(accepted=True)[:1]}
    on_init_order = copy.deepcopy(init_order)
    on_init_order.update(quote=quote(ttl=True), payment=payment(), tags=tags(accepted=False),
                         cancellation_terms=cancellation_terms())
    confirm_order: Json = {
        "id": ORDER_ID, "state": "Created", "provider": {"id": "P1"}, "items": items(),
        "fulfillments": [forward(None)], "quote": quote(), "billing": billing(),
        "payment": payment(), "@ondc/org/linked_order": linked_order(),
        "tags": tags(accepted=True), "created_at": stamp(20), "updated_at": stamp(20)}
    on_confirm_order = copy.deepcopy(confirm_order)
    on_confirm_order.update(state="Accepted", cancellation_terms=cancellation_terms(),
                            updated_at=stamp(20.5))
    on_confirm_order["fulfillments"] = [forward("Pending")]

    pickup_code = {"instructions": {"code": "2", "short_desc": "123456"}}
    slots = {"start": {**pickup_code, "time": {"duration": "PT15M", "range": {
        "start": stamp(35), "end": stamp(935)}}},
             "end": {"time": {"range": {"start": stamp(1200), "end": stamp(2700)}}}}
    on_update_order = _order_after(on_confirm_order, "on_update", "In-progress",
                                   "Searching-for-Agent", **slots)
    on_update_order["fulfillments"][0]["tags"] = fulfillment_tags(ready=True)
    agent = {"agent": {"name": "Ravi", "phone": "9876543210"},
             "vehicle": {"registration": "KA01AB1234"}}
    on_status_order = _order_after(on_update_order, "on_status", "In-progress",
                                   "Agent-assigned", **agent)
    picked = _order_after(on_status_order, "on_status_picked", "In-progress",
                          "Order-picked-up", start={"time": {
                              **on_status_order["fulfillments"][0]["start"]["time"],
                              "timestamp": stamp(49)}})
    delivered = _order_after(picked, "on_status_delivered", "Completed", "Order-delivered",
                             end={"time": {**picked["fulfillments"][0]["end"]["time"],
                                           "timestamp": stamp(69)}})

    cancelled = _order_after(on_status_order, "on_cancel", "Cancelled", "Cancelled")
    cancelled["cancellation"] = {"cancelled_by": BAP_ID, "reason": {"id": "151"}}
    cancelled["fulfillments"][0]["tags"].append(tag(
        "precancel_state", fulfillment_state="Agent-assigned", updated_at=stamp(40.5)))
    cancelled["quote"] = {"price": money("29.50"), "breakup": [
        line("I1", "delivery", "25.00"), line("I1", "tax", "4.50")]}

    rto = _order_after(picked, "on_cancel_rto", "In-progress", "RTO")
    rto["cancellation"] = {"cancelled_by": BPP_ID, "reason": {"id": "127"}}
    rto["fulfillments"][0]["tags"] += [
        tag("precancel_state", fulfillment_state="Order-picked-up", updated_at=stamp(50)),
        tag("rto_event", retry_count="1", rto_id="F2", cancellation_reason_id="127",
            cancelled_by=BPP_ID)]
    back_start, back_end = drop(), pickup()
    back_start["time"] = {"timestamp": stamp(55)}
    rto["fulfillments"].append({"id": "F2", "type": "RTO", "start": back_start,
                                "end": back_end,
                                "state": {"descriptor": {"code": "RTO-Initiated"}}})
    rto["items"].append({"id": "I2", "category_id": "Immediate Delivery",
                         "fulfillment_id": "F2"})
    rto["quote"] = {"price": money("147.50"), "breakup": [
        *quote()["breakup"], line("I2", "rto", "80.00"), line("I2", "tax", "8.50")]}
    returned = copy.deepcopy(rto)
    returned.update(state="Cancelled", updated_at=stamp(65))
    f2 = returned["fulfillments"][1]
    f2["state"] = {"descriptor": {"code": "RTO-Delivered"}}
    f2["end"] = {**f2["end"], "time": {"timestamp": stamp(64)}}

    search_intent: Json = {
        "category": {"id": "Immediate Delivery"},
        "provider": {"time": {"days": "1,2,3,4,5,6,7", "schedule": {"holidays": []},
                              "duration": "PT30M", "range": {"start": "1100", "end": "2100"}}},
        "fulfillment": {
            "type": "Delivery",
            "start": {"location": {"gps": PICKUP_GPS, "address": {"area_code": PICKUP_PIN}}},
            "end": {"location": {"gps": DROP_GPS, "address": {"area_code": DROP_PIN}}},
            "tags": [tag("linked_provider", id="P1", name="Seller1"),
                     tag("linked_order", currency="INR", declared_value="300.00",
                         category="F&B", weight_unit="kilogram", weight_value="3.0",
                         dim_unit="centimeter", length="10.0", breadth="10.0",
                         height="10.0")]},
        "payment": {"type": "POST-FULFILLMENT"},
        "@ondc/org/payload_details": {
            "weight": {"unit": "kilogram", "value": 3},
            "dimensions": {side: {"unit": "centimeter", "value": 10}
                           for side in ("length", "breadth", "height")},
            "category": "F&B", "value": money("300.00"), "dangerous_goods": False}}
    tat = {"label": "TAT", "duration": "PT45M", "timestamp": "2025-05-23"}
    catalog: Json = {
        "bpp/descriptor": {"name": "LSP Aggregator", "tags": [tag(
            "bpp_terms", static_terms="", static_terms_new="https://lsp.example.org/tc.pdf",
            effective_date="2025-05-01T00:00:00.000Z")]},
        "bpp/providers": [{
            "id": "P1", "descriptor": {"name": "LSP Courier", "short_desc": "LSP Courier",
                                       "long_desc": "LSP Courier"},
            "categories": [{"id": "Immediate Delivery", "time": {
                "label": "TAT", "duration": "PT60M", "timestamp": "2025-05-23"}}],
            "fulfillments": [{"id": "F1", "type": "Delivery",
                              "start": {"time": {"duration": "PT15M"}}},
                             {"id": "F2", "type": "RTO"}],
            "items": [
                {"id": "I1", "parent_item_id": "", "category_id": "Immediate Delivery",
                 "fulfillment_id": "F1", "price": money("59.00"), "time": tat,
                 "descriptor": {"name": "Immediate", "short_desc": "In 45 min",
                                "long_desc": "In 45 min"}},
                {"id": "I2", "parent_item_id": "I1", "category_id": "Immediate Delivery",
                 "fulfillment_id": "F2", "price": money("88.50"), "time": dict(tat),
                 "descriptor": {"name": "RTO quote", "short_desc": "RTO quote",
                                "long_desc": "RTO quote"}}]}]}

    return {
        "search": _message("search", {"intent": search_intent}),
        "on_search": _message("on_search", {"catalog": catalog}),
        "init": _message("init", {"order": init_order}),
        "on_init": _message("on_init", {"order": on_init_order}),
        "confirm": _message("confirm", {"order": confirm_order}),
        "on_confirm": _message("on_confirm", {"order": on_confirm_order}),
        "update": _message("update", {"update_target": "fulfillment", "order": {
            "id": ORDER_ID, "updated_at": stamp(30), "fulfillments": [{
                "id": "F1", "type": "Delivery", "start": copy.deepcopy(pickup_code),
                "tags": [tag("state", ready_to_ship=True)]}]}}),
        "on_update": _message("on_update", {"order": on_update_order}),
        "status": _message("status", {"order_id": ORDER_ID}),
        "on_status": _message("on_status", {"order": on_status_order}),
        "on_status_picked": _message("on_status_picked", {"order": picked}),
        "track": _message("track", {"order_id": ORDER_ID}),
        "on_track": _message("on_track", {"tracking": {
            "id": "F1", "status": "active", "location": {
                "gps": "12.9730,77.6001", "time": {"timestamp": stamp(60)},
                "updated_at": stamp(60)}}}),
        "on_status_delivered": _message("on_status_delivered", {"order": delivered}),
        "cancel": _message("cancel", {"order_id": ORDER_ID, "cancellation_reason_id": "151"}),
        "on_cancel": _message("on_cancel", {"order": cancelled}),
        "on_cancel_rto": _message("on_cancel_rto", {"order": rto}),
        "on_status_rto": _message("on_status_rto", {"order": returned}),
    }


def branch_of(step: str) -> str:
    """The first branch that has ``step`` (``forward`` for the shared steps)."""
    return next(name for name, steps in BRANCHES.items() if step in steps)


def history_before(flow: Flow, step: str, branch: str | None = None) -> FlowHistory:
    steps = BRANCHES[branch or branch_of(step)]
    return FlowHistory([Message(flow[s]) for s in steps[:steps.index(step)]])


def check(flow: Flow, step: str, branch: str | None = None) -> list[Finding]:
    """The engine's findings for ``step`` with the earlier steps of its branch as history."""
    return run_rules(Message(flow[step]), history_before(flow, step, branch))


def at(payload: Any, *path: str | int) -> Any:
    """Navigate a payload for a mutation (raises on a wrong path: a broken test, not data)."""
    for part in path:
        payload = payload[part]
    return payload
