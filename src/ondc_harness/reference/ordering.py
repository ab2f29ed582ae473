"""select, init and confirm beyond a plain prepaid delivery: options, slots, stock, COD, journey.

What the buyer app sends decides what the seller does (docs/reference-seller.md):

* **Several fulfillment options**: a provider with a slotted delivery or a buyer-delivery
  option (the grocery, ``P3``) quotes *every* option in on_select — one fulfillment per delivery
  slot (``F5-S1``, ``F5-S2``, each with its ``end.time.range``), self-pickup and buyer-delivery —
  each item naming all of them, with delivery and packing lines per option (as in
  seed-examples/retail_on_select.json).  init picks one by id; on_init and on_confirm carry only
  that one, and a chosen slot keeps its window through on_confirm.  The F&B providers quote the
  one option the buyer asked for (type in select, Delivery by default).
* **Out of stock**: asking for more than is available (but within the per-order cap) is not
  refused: on_select carries error 40002 naming the items, with their quantity reduced to what
  is available (the 1.2.5 OUT_OF_STOCK flow).  Beyond the cap it is still NACK 40009.
* **Cash on delivery**: ``payment.type`` ``ON-FULFILLMENT`` in init makes on_init collected by
  the seller app (``BPP``, ``NOT-PAID``); every item must be ``available_on_cod`` (else NACK
  40004); the payment becomes ``PAID`` when the order is delivered.
* **Journey**: confirm's ``ondc_harness`` tag picks what happens after on_confirm
  (:mod:`journeys`).

Plain requests (one option, in stock, prepaid) are handed to the seller's own select/init.
"""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ondc_harness.durations import parse_duration
from ondc_harness.reference import journeys
from ondc_harness.reference import retail_payloads as payloads
from ondc_harness.reference.catalogue import FulfillmentOption, Provider
from ondc_harness.reference.clock import format_ts, parse_ts
from ondc_harness.reference.fragments import price
from ondc_harness.reference.orders import Cart
from ondc_harness.reference.validation import (
    Refusal,
    billing_of,
    confirmed_order_id,
    fulfillment_end,
    read_cart,
)
from ondc_harness.states import fulfillment_kind

if TYPE_CHECKING:
    from ondc_harness.reference.desk import Desk, Handler, Job

Json = dict[str, Any]
STOCK_ERROR = "40002"


def offers_every_option(provider: Provider) -> bool:
    """A provider with slots or buyer-delivery lets the buyer choose among all its options."""
    return any(f.slots or f.type == "Buyer-Delivery" for f in provider.fulfillments)


def _order(message: Json) -> Json:
    order = message.get("order")
    return order if isinstance(order, dict) else {}


def _provider(desk: Desk, message: Json) -> Provider | None:
    ref = _order(message).get("provider")
    return desk.seller.market.provider(ref.get("id") if isinstance(ref, dict) else None)


def _clamped(provider: Provider, message: Json) -> tuple[Json, dict[str, int]]:
    """``message`` with over-stock lines reduced to what is available, and those items."""
    clamped = copy.deepcopy(message)
    shortfall: dict[str, int] = {}
    for line in _order(clamped).get("items") or []:
        if not isinstance(line, dict):
            continue
        item = provider.item(line.get("id"))
        quantity = line.get("quantity")
        count = quantity.get("count") if isinstance(quantity, dict) else None
        if item is None or not isinstance(count, int) or isinstance(count, bool):
            continue
        if item.available < count <= item.maximum and item.available >= 1:
            assert isinstance(quantity, dict)
            quantity["count"] = shortfall[item.id] = item.available
    return clamped, shortfall


def _with_option_ids(desk: Desk, context: Json, message: Json) -> Json:
    """A copy whose fulfillment ids name catalogue options (``F5-S2`` → ``F5``)."""
    offered = desk.life(str(context["transaction_id"])).offered
    if not offered:
        return message
    mapped = copy.deepcopy(message)
    order = _order(mapped)
    for key, field_name in (("fulfillments", "id"), ("items", "fulfillment_id")):
        for entry in order.get(key) or []:
            value = entry.get(field_name) if isinstance(entry, dict) else None
            if isinstance(value, str) and value in offered:
                entry[field_name] = offered[value][0].id
    return mapped


def _chosen_id(message: Json) -> str | None:
    fulfillments = _order(message).get("fulfillments")
    first = fulfillments[0] if isinstance(fulfillments, list) and fulfillments else None
    value = first.get("id") if isinstance(first, dict) else None
    return value if isinstance(value, str) else None


# -- select -----------------------------------------------------------------------------------
def _slots(option: FulfillmentOption, timestamp: str) -> list[tuple[str, Json | None]]:
    """``(fulfillment id, end.time.range)`` for each slot of ``option`` (one if unslotted)."""
    if not option.slots:
        return [(option.id, None)]
    start = parse_ts(timestamp)
    assert start is not None
    start = start.replace(second=0, microsecond=0) + timedelta(minutes=1)
    length = timedelta(seconds=parse_duration(option.slot_length))
    return [(f"{option.id}-S{n + 1}",
             {"start": format_ts(start + n * length), "end": format_ts(start + (n + 1) * length)})
            for n in range(option.slots)]


Offered = dict[str, tuple[FulfillmentOption, Json | None]]


def _multi_select(cart: Cart, timestamp: str) -> tuple[Json, Offered]:
    """on_select quoting every option: one fulfillment per option (per slot), items naming all."""
    offered: dict[str, tuple[FulfillmentOption, Json | None]] = {}
    fulfillments: list[Json] = []
    for option in cart.provider.fulfillments:
        for fid, window in _slots(option, timestamp):
            offered[fid] = (option, window)
            entry: Json = {
                "id": fid, "type": option.type,
                "@ondc/org/provider_name": cart.provider.name, "tracking": option.tracking,
                "@ondc/org/category": option.category, "@ondc/org/TAT": option.tat,
                "state": {"descriptor": {"code": "Serviceable"}},
            }
            if window is not None:
                entry["end"] = {"time": {"range": window}}
            fulfillments.append(entry)
    base = payloads.quote_for(cart)
    breakup = [line for line in base["breakup"]
               if line["@ondc/org/title_type"] in ("item", "tax")]
    for fid, (option, _) in offered.items():
        breakup.append({"@ondc/org/item_id": fid, "title": "Delivery charges",
                        "@ondc/org/title_type": "delivery", "price": price(option.charge)})
        breakup.append({"@ondc/org/item_id": fid, "title": "Packing charges",
                        "@ondc/org/title_type": "packing",
                        "price": price(cart.provider.packing_charge)})
    total = sum((Decimal(line["price"]["value"]) for line in breakup), Decimal(0))
    items = payloads.order_items(cart)
    for item in items:  # 1.2.5 MULTI_OPTION_FULFILLMENT_FLOW: every option, by id
        del item["fulfillment_id"]
        item["fulfillment_ids"] = list(offered)
    quote = {"price": price(total), "breakup": breakup, "ttl": base["ttl"]}
    return {"order": {"provider": {"id": cart.provider.id,
                                   "locations": [{"id": cart.store.id}]},
                      "items": items, "fulfillments": fulfillments, "quote": quote}}, offered


def select(desk: Desk, payload: Json) -> Job:
    context, message = payload["context"], payload["message"]
    provider = _provider(desk, message)
    clamped, shortfall = _clamped(provider, message) if provider else (message, {})
    multi = provider is not None and offers_every_option(provider)
    if not multi and not shortfall:
        return desk.seller._select(payload)
    cart = read_cart(desk.seller.market, context["domain"], clamped)

    def build(timestamp: str) -> Json:
        txn = desk.transaction(context)
        life = desk.life(txn.transaction_id)
        txn.cart, txn.quote = cart, payloads.quote_for(cart)
        life.shortfall = dict(shortfall)
        if multi:
            body, life.offered = _multi_select(cart, timestamp)
        else:
            body = payloads.on_select_order(cart, txn.quote)
            life.offered = {}
        out: Json = {"message": body}
        if shortfall:
            out["error"] = {"type": "DOMAIN-ERROR", "code": STOCK_ERROR, "message": json.dumps(
                [{"item_id": item_id, "error": STOCK_ERROR} for item_id in shortfall])}
        return out

    async def job() -> None:
        await desk.reply(context, "on_select", build)
    return job


# -- init -------------------------------------------------------------------------------------
def _cod_payment(market_fee: tuple[str, str]) -> Json:
    """Collected by the seller app at the door; it settles the buyer app's finder fee."""
    fee_type, fee_amount = market_fee
    return {
        "type": "ON-FULFILLMENT",
        "collected_by": "BPP",
        "status": "NOT-PAID",
        "@ondc/org/buyer_app_finder_fee_type": fee_type,
        "@ondc/org/buyer_app_finder_fee_amount": fee_amount,
        "@ondc/org/settlement_basis": "delivery",
        "@ondc/org/settlement_window": "P1D",
        "@ondc/org/withholding_amount": "0.00",
    }


def _payment_type(message: Json) -> str:
    payment = _order(message).get("payment")
    kind = payment.get("type") if isinstance(payment, dict) else None
    return kind if isinstance(kind, str) else "ON-ORDER"


def init(desk: Desk, payload: Json) -> Job:
    context, message = payload["context"], payload["message"]
    life = desk.life(str(context["transaction_id"]))
    chosen = _chosen_id(message)
    cod = _payment_type(message) == "ON-FULFILLMENT"
    if not cod and chosen not in life.offered:
        return desk.seller._init(payload)
    cart = read_cart(desk.seller.market, context["domain"],
                     _with_option_ids(desk, context, message))
    billing, end = billing_of(message), fulfillment_end(message)
    if cart.fulfillment.type == "Delivery" and not isinstance((end or {}).get("location"), dict):
        raise Refusal("30000", "a Delivery needs fulfillments[0].end.location",
                      path="$.message.order.fulfillments[0].end.location")
    if cod:
        refused = [line.item.id for line in cart.lines
                   if line.item.kind == "item" and not line.item.cod]
        if refused:
            raise Refusal("40004", f"cash on delivery is not available for {', '.join(refused)}",
                          path="$.message.order.payment.type")
    window = life.offered.get(chosen or "", (None, None))[1]

    async def job() -> None:
        txn = desk.transaction(context)
        txn.cart, txn.quote = cart, payloads.quote_for(cart)
        draft = payloads.on_init_order(
            desk.seller.market, cart, txn.quote, billing=billing, end=end,
            fee_type=txn.finder_fee_type, fee_amount=txn.finder_fee_amount)
        fulfillment = draft["fulfillments"][0]
        if chosen is not None and chosen in life.offered:
            fulfillment["id"] = chosen
            for item in draft["items"]:
                item["fulfillment_id"] = chosen
            for line in draft["quote"]["breakup"]:
                if line["@ondc/org/item_id"] == cart.fulfillment.id:
                    line["@ondc/org/item_id"] = chosen
            txn.quote = copy.deepcopy(draft["quote"])
        if window is not None:
            fulfillment.setdefault("end", {})["time"] = {"range": copy.deepcopy(window)}
        life.slot = copy.deepcopy(window)
        life.payment_type = "ON-FULFILLMENT" if cod else "ON-ORDER"
        if cod:
            draft["payment"] = _cod_payment((txn.finder_fee_type, txn.finder_fee_amount))
        txn.init_order = draft
        await desk.answer(context, "on_init", lambda ts: {"order": copy.deepcopy(draft)})
    return job


# -- confirm ----------------------------------------------------------------------------------
def confirm(desk: Desk, payload: Json) -> Job:
    """Accept the order on on_init's terms, then play the journey the buyer app named."""
    context, message = payload["context"], payload["message"]
    txn = desk.seller.book.find(context["transaction_id"])
    if txn is None or txn.init_order is None or txn.cart is None:
        raise Refusal("30000", "no on_init was sent in this transaction: init first",
                      path="$.context.transaction_id")
    if txn.order is not None:
        raise Refusal("30000", f"this transaction already has order {txn.order_id}",
                      path="$.message.order.id")
    confirmed_order_id(message)
    read_cart(desk.seller.market, context["domain"], _with_option_ids(desk, context, message))
    journey = journeys.journey_of(_order(message))
    cart, init_order, confirm_order = txn.cart, txn.init_order, message["order"]
    life = desk.life(txn.transaction_id)

    def build(timestamp: str) -> Json:
        assert txn is not None
        order = payloads.on_confirm_order(cart, init_order, confirm_order, timestamp=timestamp)
        if life.slot is not None:
            order["fulfillments"][0].setdefault("end", {})["time"] = {
                "range": copy.deepcopy(life.slot)}
        txn.order, txn.stage = order, None
        life.journey, life.fulfillment_state = journey, "Pending"
        life.kind = fulfillment_kind(cart.fulfillment.type) or "Delivery"
        life.confirmed_total = Decimal(order["quote"]["price"]["value"])
        return {"order": copy.deepcopy(order)}

    async def job() -> None:
        assert txn is not None
        await desk.answer(context, "on_confirm", build)
        await journeys.after_confirm(desk, context, txn)
    return job


def handlers(desk: Desk) -> dict[str, Handler]:
    return {
        "select": lambda payload: select(desk, payload),
        "init": lambda payload: init(desk, payload),
        "confirm": lambda payload: confirm(desk, payload),
    }
