"""Retail 1.2.5 callback payloads of the reference seller, as pure functions of its state.

Each builder follows the official checks for its API (RULES-REFERENCE.md), because the
reference seller is the harness's proof that a correct participant passes:

* on_select: the selected items with their fulfillment, state ``Serviceable`` and a TAT longer
  than any item's time_to_ship; a quote whose item lines are unit price × quantity, with tax,
  delivery and packing lines, a ttl, and a total that is exactly the sum of its lines;
* on_init: the same quote, the buyer's billing untouched, payment collected by the buyer app
  with the seller's settlement details, cancellation terms and the seller's bpp_terms;
* on_confirm: on_init's items, billing, quote and cancellation terms unchanged, the buyer's
  order id, created_at and payment, fulfillment ``Pending`` with the store as start;
* on_status / on_track: the confirmed order moved through its fulfilment stages.

The catalogue (``on_search``) is built in :mod:`catalog_payload`.
"""

from __future__ import annotations

import copy
import hashlib
from datetime import timedelta
from decimal import Decimal
from typing import Any

from ondc_harness.durations import parse_duration
from ondc_harness.reference.catalog_payload import on_search_message
from ondc_harness.reference.catalogue import Item, Marketplace, Provider
from ondc_harness.reference.clock import format_ts, parse_ts
from ondc_harness.reference.fragments import money, percent_of, price, tag_group
from ondc_harness.reference.orders import Cart, OrderLine, Stage

__all__ = [
    "callback_context", "cancellation_terms", "on_confirm_order", "on_init_order",
    "on_search_message", "on_select_order", "on_track_message", "order_items", "quote_for",
    "with_stage",
]

Json = dict[str, Any]
QUOTE_TTL = "P1D"
CANCELLATION_POLICY = (
    # (fulfillment state, reason codes the fee applies to, fee as % of the order value)
    ("Pending", "002", Decimal("0")),
    ("Packed", "001,003", Decimal("20")),
    ("Order-picked-up", "001,003", Decimal("100")),
    ("Out-for-delivery", "009", Decimal("0")),
    ("Out-for-delivery", "010,011,012,013,014,015", Decimal("100")),
)


def callback_context(request: Json, action: str, *, bpp_id: str, bpp_uri: str,
                     timestamp: str, message_id: str | None = None) -> Json:
    """The context of a callback: the request's transaction and message, this seller, later."""
    return {
        "domain": request.get("domain"),
        "country": request.get("country", "IND"),
        "city": request.get("city"),
        "action": action,
        "core_version": request.get("core_version"),
        "bap_id": request.get("bap_id"),
        "bap_uri": request.get("bap_uri"),
        "bpp_id": bpp_id,
        "bpp_uri": bpp_uri,
        "transaction_id": request.get("transaction_id"),
        "message_id": message_id if message_id is not None else request.get("message_id"),
        "timestamp": timestamp,
        "ttl": "PT30S",
    }


# -- cart, quote ------------------------------------------------------------------------------
def _type_tags(item: Item) -> list[Json]:
    tags = [tag_group("type", type=item.kind)]
    if item.parent_group is not None:
        tags.append(tag_group("parent", id=item.parent_group))
    return tags


def order_items(cart: Cart) -> list[Json]:
    """``order.items``: each cart line with the fulfillment that will carry it."""
    items = []
    for line in cart.lines:
        entry: Json = {"id": line.item.id, "fulfillment_id": cart.fulfillment.id,
                       "location_id": cart.store.id, "quantity": {"count": line.count}}
        if line.parent_item_id is not None:
            entry["parent_item_id"] = line.parent_item_id
        entry["tags"] = _type_tags(line.item)
        items.append(entry)
    return items


def _line_item(line: OrderLine, *, with_price: bool) -> Json:
    item: Json = {}
    if line.parent_item_id is not None:
        item["parent_item_id"] = line.parent_item_id
    if with_price:
        item["quantity"] = {"available": {"count": "99" if line.item.available else "0"},
                            "maximum": {"count": str(line.item.maximum)}}
        item["price"] = price(line.item.price)
    item["tags"] = _type_tags(line.item)
    return item


def quote_for(cart: Cart) -> Json:
    """Item lines (unit × count) and their tax, delivery and packing; total = Σ lines."""
    breakup: list[Json] = []
    for line in cart.lines:
        amount = line.item.price * line.count
        breakup.append({
            "@ondc/org/item_id": line.item.id,
            "@ondc/org/item_quantity": {"count": line.count},
            "title": line.item.name,
            "@ondc/org/title_type": "item",
            "price": price(amount),
            "item": _line_item(line, with_price=True),
        })
        breakup.append({
            "@ondc/org/item_id": line.item.id,
            "title": "Tax",
            "@ondc/org/title_type": "tax",
            "price": price(percent_of(amount, line.item.tax_percent)),
            "item": _line_item(line, with_price=False),
        })
    fulfillment = cart.fulfillment
    breakup.append({"@ondc/org/item_id": fulfillment.id, "title": "Delivery charges",
                    "@ondc/org/title_type": "delivery", "price": price(fulfillment.charge)})
    breakup.append({"@ondc/org/item_id": fulfillment.id, "title": "Packing charges",
                    "@ondc/org/title_type": "packing",
                    "price": price(cart.provider.packing_charge)})
    total = sum((Decimal(line["price"]["value"]) for line in breakup), Decimal(0))
    return {"price": price(total), "breakup": breakup, "ttl": QUOTE_TTL}


def _fulfillment_terms(cart: Cart) -> Json:
    option = cart.fulfillment
    return {
        "id": option.id,
        "type": option.type,
        "@ondc/org/provider_name": cart.provider.name,
        "tracking": option.tracking,
        "@ondc/org/category": option.category,
        "@ondc/org/TAT": option.tat,
    }


def _provider_ref(cart: Cart) -> Json:
    return {"id": cart.provider.id, "locations": [{"id": cart.store.id}]}


def on_select_order(cart: Cart, quote: Json) -> Json:
    fulfillment = _fulfillment_terms(cart)
    fulfillment["state"] = {"descriptor": {"code": "Serviceable"}}
    return {"order": {"provider": _provider_ref(cart), "items": order_items(cart),
                      "fulfillments": [fulfillment], "quote": copy.deepcopy(quote)}}


# -- init -------------------------------------------------------------------------------------
def cancellation_terms(order_total: Decimal) -> list[Json]:
    """The fee for cancelling in each fulfillment state, as a percentage and as an amount."""
    return [{
        "fulfillment_state": {"descriptor": {"code": state, "short_desc": reasons}},
        "cancellation_fee": {"percentage": money(percent),
                             "amount": price(percent_of(order_total, percent))},
    } for state, reasons, percent in CANCELLATION_POLICY]


def bpp_terms(market: Marketplace, provider: Provider) -> Json:
    return tag_group(
        "bpp_terms", max_liability="2", max_liability_cap="10000.00",
        mandatory_arbitration="false", court_jurisdiction=market.court_jurisdiction,
        delay_interest="7.50", tax_number=market.gstin, provider_tax_number=provider.pan,
        np_type=market.np_type)


def payment_terms(market: Marketplace, fee_type: str, fee_amount: str) -> Json:
    """Prepaid, collected by the buyer app, settled to the seller app's bank by NEFT."""
    return {
        "type": "ON-ORDER",
        "collected_by": "BAP",
        "@ondc/org/buyer_app_finder_fee_type": fee_type,
        "@ondc/org/buyer_app_finder_fee_amount": fee_amount,
        "@ondc/org/settlement_basis": "delivery",
        "@ondc/org/settlement_window": "P1D",
        "@ondc/org/withholding_amount": "0.00",
        "@ondc/org/settlement_details": [{
            "settlement_counterparty": "seller-app",
            "settlement_phase": "sale-amount",
            "settlement_type": "neft",
            "beneficiary_name": market.beneficiary_name,
            "settlement_bank_account_no": market.account_no,
            "settlement_ifsc_code": market.ifsc,
            "bank_name": market.bank_name,
            "branch_name": market.branch_name,
        }],
    }


def on_init_order(market: Marketplace, cart: Cart, quote: Json, *, billing: Json,
                  end: Json | None, fee_type: str, fee_amount: str) -> Json:
    """Draft order: the quote as on_select, billing and delivery end exactly as in init."""
    fulfillment = _fulfillment_terms(cart)
    if end is not None:
        fulfillment["end"] = copy.deepcopy(end)
    return {
        "provider": _provider_ref(cart),
        "items": order_items(cart),
        "billing": copy.deepcopy(billing),
        "fulfillments": [fulfillment],
        "quote": copy.deepcopy(quote),
        "payment": payment_terms(market, fee_type, fee_amount),
        "cancellation_terms": cancellation_terms(Decimal(quote["price"]["value"])),
        "tags": [bpp_terms(market, cart.provider)],
    }


# -- confirm ----------------------------------------------------------------------------------
def _plus(timestamp: str, duration: str) -> str:
    moment = parse_ts(timestamp)
    assert moment is not None, timestamp
    return format_ts(moment + timedelta(seconds=parse_duration(duration)))


def _confirmed_fulfillment(cart: Cart, base: Json, created_at: str, updated_at: str,
                           billing: Json) -> Json:
    store = cart.store
    ready_by = _plus(created_at, max((line.item.time_to_ship for line in cart.lines
                                      if line.item.kind == "item"),
                                     key=parse_duration, default="PT0M"))
    due_by = _plus(created_at, cart.fulfillment.tat)
    fulfillment = copy.deepcopy(base)
    fulfillment["state"] = {"descriptor": {"code": "Pending"}, "updated_at": updated_at}
    fulfillment["start"] = {
        "location": {
            "id": store.id,
            "descriptor": {"name": store.name},
            "gps": store.gps,
            "address": {"locality": store.locality, "street": store.street, "city": store.city,
                        "area_code": store.area_code, "state": store.state},
        },
        "time": {"range": {"start": created_at, "end": ready_by}},
        "contact": {"phone": store.phone, "email": store.email},
    }
    end = fulfillment.setdefault("end", {})
    end["time"] = {"range": {"start": created_at, "end": due_by}}
    if isinstance(billing.get("name"), str):
        end["person"] = {"name": billing["name"]}
    fulfillment["tags"] = [tag_group("routing", type="P2P")]
    return fulfillment


def on_confirm_order(cart: Cart, init_order: Json, confirm_order: Json, *,
                     timestamp: str) -> Json:
    """The accepted order: on_init's terms, the buyer's id, created_at and payment."""
    created_at = str(confirm_order.get("created_at") or timestamp)
    base = init_order["fulfillments"][0]
    bap_terms = [t for t in confirm_order.get("tags") or []
                 if isinstance(t, dict) and t.get("code") == "bap_terms"]
    accepted = copy.deepcopy(init_order["tags"][0])
    accepted["list"].append({"code": "accept_bap_terms", "value": "Y"})
    return {
        "id": confirm_order["id"],
        "state": "Accepted",
        "provider": copy.deepcopy(init_order["provider"]),
        "items": copy.deepcopy(init_order["items"]),
        "billing": copy.deepcopy(init_order["billing"]),
        "fulfillments": [_confirmed_fulfillment(cart, base, created_at, timestamp,
                                                init_order["billing"])],
        "quote": copy.deepcopy(init_order["quote"]),
        "payment": copy.deepcopy(confirm_order.get("payment") or init_order["payment"]),
        "cancellation_terms": copy.deepcopy(init_order["cancellation_terms"]),
        "tags": [accepted, *copy.deepcopy(bap_terms)],
        "created_at": created_at,
        "updated_at": timestamp,
    }


# -- after confirmation -----------------------------------------------------------------------
def _short_code(order_id: str, salt: str) -> str:
    """A stable 6-digit code (merchant order no, delivery OTP) derived from the order id."""
    digest = hashlib.sha256(f"{salt}:{order_id}".encode()).hexdigest()
    return f"{int(digest[:8], 16) % 1_000_000:06d}"


def with_stage(order: Json, stage: Stage, timestamp: str, *, documents_base: str) -> Json:
    """``order`` moved to ``stage`` at ``timestamp`` (a new dict; earlier facts are kept)."""
    order = copy.deepcopy(order)
    order["state"] = stage.order_state
    fulfillment = order["fulfillments"][0]
    fulfillment["state"] = {"descriptor": {"code": stage.code}, "updated_at": timestamp}
    start = fulfillment.setdefault("start", {})
    end = fulfillment.setdefault("end", {})
    order_id = str(order.get("id"))
    if stage.code == "Packed":
        start["instructions"] = {"code": "2", "name": "ONDC order",
                                 "short_desc": _short_code(order_id, "merchant-order-no"),
                                 "long_desc": "Quote the merchant order number at the counter"}
        order["documents"] = [{"url": f"{documents_base}/invoices/{order_id}.pdf",
                               "label": "Invoice"}]
    elif stage.code == "Order-picked-up":
        start.setdefault("time", {})["timestamp"] = timestamp
        fulfillment["agent"] = {"name": "Ravi Kumar", "phone": "9886045678"}
    elif stage.code == "Out-for-delivery":
        end["instructions"] = {"code": "1", "name": "Delivery OTP",
                               "short_desc": _short_code(order_id, "delivery-otp"),
                               "long_desc": "Share this code with the delivery agent"}
    elif stage.code == "Order-delivered":
        end.setdefault("time", {})["timestamp"] = timestamp
    order["updated_at"] = timestamp
    return order


def _midpoint(a: str, b: str) -> str:
    try:
        (lat1, lon1), (lat2, lon2) = ([float(x) for x in p.split(",")] for p in (a, b))
    except ValueError:
        return a
    return f"{(lat1 + lat2) / 2:.6f},{(lon1 + lon2) / 2:.6f}"


def on_track_message(order: Json, stage: Stage | None, timestamp: str, *,
                     tracking_base: str) -> Json:
    """Where the order is now: the store, on the way, or at the buyer once delivered."""
    fulfillment = order["fulfillments"][0]
    store_gps = str(fulfillment["start"]["location"]["gps"])
    end_location = fulfillment.get("end", {}).get("location", {})
    buyer_gps = str(end_location.get("gps", store_gps))
    code = stage.code if stage is not None else "Pending"
    gps = {"Pending": store_gps, "Packed": store_gps, "Order-delivered": buyer_gps}.get(
        code, _midpoint(store_gps, buyer_gps))
    order_id = str(order["id"])
    return {"tracking": {
        "id": fulfillment["id"],
        "url": f"{tracking_base}/tracking/{order_id}",
        "location": {"gps": gps, "time": {"timestamp": timestamp}, "updated_at": timestamp},
        "status": "inactive" if code == "Order-delivered" else "active",
        "tags": [tag_group("order", id=order_id),
                 tag_group("config", attr="tracking.location.gps", type="live_poll")],
    }}
