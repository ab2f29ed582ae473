"""A small, valid Retail 1.2.5 F&B forward flow, hand-made after the pack's examples.

Shapes follow automation-1.2.5/RET11-1.2.5/flows/F&B/ORDER_FLOW.yaml and
seed-examples/retail_on_select.json, cut down to one item with one customisation, one delivery
fulfillment and the lines a real quote has (item, tax, customisation, delivery, packing):
530.00 + 26.50 + 0.00 + 40.00 + 25.00 = 621.50.

:func:`build_flow` returns fresh dicts every call, so a test may mutate them freely;
:func:`check` runs the engine on one step with every earlier step as history, exactly as the
runner does.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ondc_harness.checks.engine import run_rules
from ondc_harness.checks.findings import Finding
from ondc_harness.message import FlowHistory, Message

Json = dict[str, Any]
Flow = dict[str, Json]

STEPS = ("search", "on_search", "select", "on_select", "init", "on_init", "confirm",
         "on_confirm", "status", "on_status", "track", "on_track")

TXN = "6f3c7a52-0d3b-4b8e-9f6a-2c1d5e7b9a10"
BAP_ID, BAP_URI = "buyer.example.org", "https://buyer.example.org/ondc"
BPP_ID, BPP_URI = "seller.example.org", "https://seller.example.org/ondc"
ORDER_ID = "O-2025-0001"
MESSAGE_IDS = {"search": "5d0a", "select": "7b1c", "init": "9e2d", "confirm": "b43e",
               "status": "c65f", "track": "d870"}
#: Seconds after 08:00:00.000 at which each step is stamped (callbacks 0.5 s after requests).
OFFSETS = {"search": 0, "select": 10, "init": 20, "confirm": 30, "status": 40, "track": 50}


def stamp(seconds: float) -> str:
    whole, millis = int(seconds), round((seconds - int(seconds)) * 1000)
    minutes, secs = divmod(whole, 60)
    return f"2025-05-23T08:{minutes:02d}:{secs:02d}.{millis:03d}Z"


def context(action: str) -> Json:
    request = action.removeprefix("on_")
    offset = OFFSETS[request] + (0.5 if action.startswith("on_") else 0)
    ctx: Json = {
        "domain": "ONDC:RET11", "action": action, "country": "IND", "city": "std:080",
        "core_version": "1.2.5", "bap_id": BAP_ID, "bap_uri": BAP_URI,
        "bpp_id": BPP_ID, "bpp_uri": BPP_URI, "transaction_id": TXN,
        "message_id": f"{MESSAGE_IDS[request]}c1e2-4f5a-8b9c-0d1e2f3a4b5c",
        "timestamp": stamp(offset), "ttl": "PT30S",
    }
    if action == "search":
        del ctx["bpp_id"], ctx["bpp_uri"]
    return ctx


def money(value: str) -> Json:
    return {"currency": "INR", "value": value}


def type_tag(kind: str) -> list[Json]:
    return [{"code": "type", "list": [{"code": "type", "value": kind}]}]


def items(*, fulfillment: bool = True, with_location: bool = True) -> list[Json]:
    out: list[Json] = [
        {"id": "I1", "parent_item_id": "V1", "quantity": {"count": 2}, "tags": type_tag("item")},
        {"id": "C1", "parent_item_id": "V1", "quantity": {"count": 2},
         "tags": [*type_tag("customization"), {"code": "parent", "list": [
             {"code": "id", "value": "CG1"}]}]},
    ]
    for item in out:
        if with_location:
            item["location_id"] = "L1"
        if fulfillment:
            item["fulfillment_id"] = "F1"
    return out


def quote() -> Json:
    def line(item_id: str, title: str, title_type: str, value: str, **extra: Any) -> Json:
        return {"@ondc/org/item_id": item_id, "title": title, "@ondc/org/title_type": title_type,
                "price": money(value), **extra}

    stock = {"available": {"count": "99"}, "maximum": {"count": "99"}}
    return {
        "price": money("621.50"),
        "breakup": [
            line("I1", "Farmhouse Pizza", "item", "530.00",
                 **{"@ondc/org/item_quantity": {"count": 2},
                    "item": {"parent_item_id": "V1", "price": money("265.00"),
                             "quantity": stock, "tags": type_tag("item")}}),
            line("I1", "Tax", "tax", "26.50", item={"tags": type_tag("item")}),
            line("C1", "Thin Crust", "item", "0.00",
                 **{"@ondc/org/item_quantity": {"count": 2},
                    "item": {"parent_item_id": "V1", "price": money("0.00"),
                             "quantity": stock, "tags": type_tag("customization")}}),
            line("F1", "Delivery charges", "delivery", "40.00"),
            line("F1", "Packing charges", "packing", "25.00"),
        ],
        "ttl": "P1D",
    }


def address() -> Json:
    return {"name": "12", "building": "Maple Residency", "locality": "Indiranagar",
            "city": "Bengaluru", "state": "Karnataka", "country": "IND", "area_code": "560038"}


def billing() -> Json:
    return {"name": "ONDC buyer", "address": address(), "email": "buyer@example.org",
            "phone": "9886098860", "created_at": stamp(20), "updated_at": stamp(20)}


def end() -> Json:
    return {"location": {"gps": "12.974002,77.613458", "address": address()},
            "contact": {"phone": "9886098860"}}


def fulfillment(state: str | None, **extra: Any) -> Json:
    out: Json = {"id": "F1", "type": "Delivery", "@ondc/org/provider_name": "Store 1",
                 "tracking": True, "@ondc/org/category": "Immediate Delivery",
                 "@ondc/org/TAT": "PT60M", **extra}
    if state is not None:
        out["state"] = {"descriptor": {"code": state}}
    return out


def cancellation_terms() -> list[Json]:
    def term(state: str, reasons: str, percentage: str) -> Json:
        return {"fulfillment_state": {"descriptor": {"code": state, "short_desc": reasons}},
                "reason_required": True, "cancellation_fee": {"percentage": percentage}}

    return [term("Pending", "002", "0.00"), term("Packed", "001,003", "10.00"),
            {"fulfillment_state": {"descriptor": {"code": "Order-picked-up",
                                                  "short_desc": "001,003"}},
             "cancellation_fee": {"percentage": "100.00", "amount": money("621.50")}}]


def payment(*, paid: bool) -> Json:
    out: Json = {
        "@ondc/org/buyer_app_finder_fee_type": "percent",
        "@ondc/org/buyer_app_finder_fee_amount": "3",
        "@ondc/org/settlement_basis": "delivery", "@ondc/org/settlement_window": "P1D",
        "@ondc/org/withholding_amount": "0.00",
        "@ondc/org/settlement_details": [{
            "settlement_counterparty": "seller-app", "settlement_phase": "sale-amount",
            "settlement_type": "neft", "beneficiary_name": "Store 1",
            "settlement_bank_account_no": "XXXXXXXXXX", "settlement_ifsc_code": "XXXXXXXXX",
            "bank_name": "xxxx", "branch_name": "xxxx"}],
        "type": "ON-ORDER", "collected_by": "BAP",
    }
    if paid:
        out["params"] = {"amount": "621.50", "currency": "INR", "transaction_id": "3937"}
        out["status"] = "PAID"
    else:
        out["status"] = "NOT-PAID"
    return out


def provider() -> Json:
    return {"id": "P1", "locations": [{"id": "L1"}]}


def _message(action: str, body: Json) -> Json:
    return {"context": context(action), "message": body}


def build_flow() -> Flow:
    """Every step of the flow, freshly built."""
    order_on_confirm: Json = {
        "id": ORDER_ID, "state": "Created", "provider": provider(), "items": items(),
        "billing": billing(), "fulfillments": [fulfillment("Pending", end=end())],
        "quote": quote(), "payment": payment(paid=True),
        "cancellation_terms": cancellation_terms(),
        "created_at": stamp(30), "updated_at": stamp(30.5)}
    order_on_status = copy.deepcopy(order_on_confirm)
    order_on_status["state"] = "Accepted"
    order_on_status["fulfillments"][0]["state"] = {"descriptor": {"code": "Packed"}}
    order_on_status["updated_at"] = stamp(40.5)
    confirm_order = copy.deepcopy(order_on_confirm)
    del confirm_order["cancellation_terms"]
    confirm_order["fulfillments"] = [fulfillment(None, end=end())]
    confirm_order["updated_at"] = stamp(30)

    return {
        "search": _message("search", {"intent": {
            "fulfillment": {"type": "Delivery", "end": {"location": {
                "gps": "12.974002,77.613458", "address": {"area_code": "560038"}}}},
            "payment": {"@ondc/org/buyer_app_finder_fee_type": "percent",
                        "@ondc/org/buyer_app_finder_fee_amount": "3"}}}),
        "on_search": _message("on_search", {"catalog": {
            "bpp/descriptor": {"name": "Seller NP"},
            "bpp/providers": [{
                "id": "P1", "descriptor": {"name": "Store 1"},
                "locations": [{"id": "L1", "gps": "12.9716,77.5946"}],
                "fulfillments": [{"id": "F1", "type": "Delivery"},
                                 {"id": "F2", "type": "Self-Pickup"}],
                "categories": [{"id": "CG1", "descriptor": {"name": "Crust"}}],
                "items": [
                    {"id": "I1", "fulfillment_id": "F1", "location_id": "L1",
                     "price": {**money("265.00"), "maximum_value": "265.00"},
                     "tags": type_tag("item")},
                    {"id": "C1", "price": {**money("0.00"), "maximum_value": "0.00"},
                     "tags": type_tag("customization")}]}]}}),
        "select": _message("select", {"order": {
            "provider": provider(), "items": items(fulfillment=False),
            "fulfillments": [{"end": {"location": {"gps": "12.974002,77.613458",
                                                   "address": {"area_code": "560038"}}}}]}}),
        "on_select": _message("on_select", {"order": {
            "provider": provider(), "items": items(),
            "fulfillments": [fulfillment("Serviceable")], "quote": quote()}}),
        "init": _message("init", {"order": {
            "provider": provider(), "items": items(), "billing": billing(),
            "fulfillments": [{"id": "F1", "type": "Delivery", "end": end()}]}}),
        "on_init": _message("on_init", {"order": {
            "provider": provider(), "items": items(), "billing": billing(),
            "fulfillments": [fulfillment(None, end=end())], "quote": quote(),
            "payment": payment(paid=False), "cancellation_terms": cancellation_terms()}}),
        "confirm": _message("confirm", {"order": confirm_order}),
        "on_confirm": _message("on_confirm", {"order": order_on_confirm}),
        "status": _message("status", {"order_id": ORDER_ID}),
        "on_status": _message("on_status", {"order": order_on_status}),
        "track": _message("track", {"order_id": ORDER_ID}),
        "on_track": _message("on_track", {"tracking": {
            "id": "F1", "status": "active", "url": "https://seller.example.org/track/F1",
            "location": {"gps": "12.974102,77.613558",
                         "time": {"timestamp": stamp(50.5)}, "updated_at": stamp(50.5)}}}),
    }


def history_before(flow: Flow, step: str) -> FlowHistory:
    return FlowHistory([Message(flow[s]) for s in STEPS[:STEPS.index(step)]])


def check(flow: Flow, step: str) -> list[Finding]:
    """The engine's findings for ``step`` with every earlier step as history."""
    return run_rules(Message(flow[step]), history_before(flow, step))


Mutation = Callable[[Flow], None]


