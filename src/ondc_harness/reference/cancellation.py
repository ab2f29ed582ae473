"""Cancellations: /cancel by the buyer, and the merchant's full cancel, part cancel and RTO.

The shapes follow the 1.2.5 flows (BUYER_CANCEL, FORCE_CANCEL, RTO_PLUS_PART_CANCELLATION),
retail-1.2/docs/part_cancel_by_merchant.md and the 1.2.0 examples (on_cancel_rto,
on_update_part_cancel):

* the delivery fulfillment keeps its id; on a full cancel its state becomes ``Cancelled`` with
  a ``cancel_request`` tag (reason, who) and a ``precancel_state`` tag (state and time before);
* the cancelled quantities move to a new fulfillment — type ``Cancel`` (``<F>-C<n>``), or
  ``RTO`` (``<F>-RTO``) when the goods travel back — as a second ``items`` entry per line, the
  delivery fulfillment's entry keeping what is left (possibly 0);
* the quote is re-priced (cancelled lines at count 0 and value 0.00; on a full refund the
  delivery and packing lines too; an RTO adds its return-trip delivery line) and the new
  fulfillment carries a ``quote_trail`` tag per changed line, so that
  **on_confirm total + Σ quote_trail = the new quote total**, which is how a buyer app
  computes the refund.

Refusals (NACK): 30018 unknown order, 30012 a reason a buyer may not use, 50001 cancellation not
possible (already cancelled, delivered, or an item that is not ``@ondc/org/cancellable``).
Force cancel (reason 052, descriptor tag ``params.force``): without ``force: yes`` the seller
ACKs and lets ``ttl_response`` run out (no on_cancel), as FORCE_CANCEL's first cancel shows;
with it, the order is cancelled whatever its state before delivery.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from ondc_harness.reference.faults import active
from ondc_harness.reference.fragments import money, percent_of, price, tag_group
from ondc_harness.reference.orders import Transaction
from ondc_harness.reference.validation import Refusal
from ondc_harness.states import (
    CANCELLED,
    check_path,
    fulfillment_move_is_legal,
    order_move_is_legal,
)

if TYPE_CHECKING:
    from ondc_harness.reference.desk import Desk, Handler, Job

Json = dict[str, Any]
TITLE: Final = "@ondc/org/title_type"
ITEM_ID: Final = "@ondc/org/item_id"
QUANTITY: Final = "@ondc/org/item_quantity"

BUYER_REASONS: Final = frozenset({
    # retail-1.2/error_codes/Cancellation: codes a buyer NP may use
    "001", "003", "006", "009", "010",
    # the 1.2.5 validator's cancel enum (automation-1.2.5/RET11-1.2.5/validations)
    "002", "011", "013", "014", "016", "018", "021", "022", "023", "024", "051", "052", "053",
})
FORCE_REASON: Final = "052"
MERCHANT_REJECTED: Final = "005"
"""Merchant rejected the order (SNP, not for part cancel)."""
ITEM_UNAVAILABLE: Final = "002"
"""One or more items not available (SNP, allowed for part cancel)."""
BUYER_REFUSED: Final = "013"
"""Buyer refused to accept delivery (triggers RTO)."""

REASON_TEXT: Final = {
    "001": "Price of one or more items have changed due to which buyer was asked to make "
           "additional payment",
    "003": "Product available at lower than order price",
    "006": "Order / fulfillment not received as per buyer app TAT SLA",
    "009": "Wrong product delivered",
    "010": "Buyer wants to modify address / other order details",
    "052": "Order delayed (force cancel after the promised time)",
}
"""Texts for the buyer reasons the legacy look-up lists (retail-1.2/error_codes)."""

check_path("RTO", ["RTO-Initiated", "RTO-Delivered"])  # the walk return_to_origin makes


# -- quote and items ----------------------------------------------------------------------------
def trail_entry(title_type: str, item_id: str, delta: Decimal,
                parent_item_id: str | None = None) -> Json:
    """One ``quote_trail`` tag group: the change a line underwent (negative: refunded)."""
    values: dict[str, str] = {"type": title_type}
    if parent_item_id is not None:
        values["parent_item_id"] = parent_item_id
    values.update(id=item_id, currency="INR", value=money(delta))
    return tag_group("quote_trail", **values)


def _line(order: Json, title_type: str, item_id: str,
          parent_item_id: str | None = None) -> Json | None:
    line: Json
    for line in order["quote"]["breakup"]:
        if line.get(TITLE) == title_type and line.get(ITEM_ID) == item_id and \
                (parent_item_id is None or
                 (line.get("item") or {}).get("parent_item_id") in (None, parent_item_id)):
            return line
    return None


def retotal(order: Json) -> None:
    """quote.price = Σ breakup, exactly (Decimal)."""
    total = sum((Decimal(line["price"]["value"]) for line in order["quote"]["breakup"]),
                Decimal(0))
    order["quote"]["price"] = price(total)


def reprice(order: Json, item_id: str, parent_item_id: str | None, count: int,
            unit: Decimal, tax_percent: Decimal) -> list[Json]:
    """Set an item's quote lines to ``count`` units; the trail of what changed."""
    trail: list[Json] = []
    item_line = _line(order, "item", item_id, parent_item_id)
    if item_line is not None:
        old = Decimal(item_line["price"]["value"])
        new = unit * count
        item_line["price"] = price(new)
        item_line[QUANTITY] = {"count": count}
        if new != old:
            trail.append(trail_entry("item", item_id, new - old, parent_item_id))
        tax_line = _line(order, "tax", item_id, parent_item_id)
        if tax_line is not None:
            old_tax = Decimal(tax_line["price"]["value"])
            new_tax = percent_of(new, tax_percent)
            tax_line["price"] = price(new_tax)
            if new_tax != old_tax:
                trail.append(trail_entry("tax", item_id, new_tax - old_tax, parent_item_id))
    return trail


def zero_charges(order: Json, fulfillment_id: str) -> list[Json]:
    """Refund the delivery and packing charges of a fulfillment (lines kept at 0.00)."""
    trail: list[Json] = []
    for line in order["quote"]["breakup"]:
        if line.get(ITEM_ID) == fulfillment_id and line.get(TITLE) in ("delivery", "packing"):
            old = Decimal(line["price"]["value"])
            if old:
                line["price"] = price(Decimal(0))
                trail.append(trail_entry(line[TITLE], fulfillment_id, -old))
    return trail


def move_items(order: Json, item_id: str, parent_item_id: str | None, count: int,
               source: str, target: str) -> int:
    """Move ``count`` units of an order line from fulfillment ``source`` to ``target``;
    return the units left on ``source``."""
    left = 0
    for entry in order["items"]:
        if entry.get("id") == item_id and entry.get("fulfillment_id") == source and \
                entry.get("parent_item_id") == parent_item_id:
            left = max(int(entry["quantity"]["count"]) - count, 0)
            moved = copy.deepcopy(entry)
            entry["quantity"] = {"count": left}
            for other in order["items"]:
                if other.get("id") == item_id and other.get("fulfillment_id") == target and \
                        other.get("parent_item_id") == parent_item_id:
                    other["quantity"] = {"count": int(other["quantity"]["count"]) + count}
                    return left
            moved["fulfillment_id"] = target
            moved["quantity"] = {"count": count}
            order["items"].append(moved)
            return left
    return left


def catalogue_item(desk: Desk, txn: Transaction, item_id: str) -> tuple[Decimal, Decimal]:
    """Unit price and tax percentage of an item of this order's provider."""
    assert txn.cart is not None
    item = txn.cart.provider.item(item_id)
    if item is None:
        return Decimal(0), Decimal(0)
    return item.price, item.tax_percent


def store_as_destination(location: Json) -> Json:
    """The store's location as the end of a trip back (RTO, return): its address completed with
    the name, building and country every fulfillment end carries."""
    store = copy.deepcopy(location)
    name = str(store.get("descriptor", {}).get("name", ""))
    address = store.setdefault("address", {})
    address.update(name=name, building=str(address.get("street", name)), country="IND")
    return store


def main_fulfillment(order: Json) -> Json:
    """The forward fulfillment the order was confirmed with (always the first)."""
    first: Json = order["fulfillments"][0]
    return first


def _lines_on(order: Json, fulfillment_id: str) -> list[tuple[str, str | None, int]]:
    return [(str(e["id"]), e.get("parent_item_id"), int(e["quantity"]["count"]))
            for e in order["items"]
            if e.get("fulfillment_id") == fulfillment_id and int(e["quantity"]["count"]) > 0]


def _fee(order: Json, precancel: str, reason: str, base: Decimal) -> Decimal:
    """The cancellation fee on_init's terms set for this state and reason (0 if none)."""
    for term in order.get("cancellation_terms") or []:
        descriptor = term.get("fulfillment_state", {}).get("descriptor", {})
        reasons = str(descriptor.get("short_desc", "")).split(",")
        if descriptor.get("code") == precancel and reason in reasons:
            return percent_of(base, Decimal(str(term["cancellation_fee"]["percentage"])))
    return Decimal(0)


# -- the cancel operations ----------------------------------------------------------------------
def cancel_order(desk: Desk, txn: Transaction, *, reason: str, by: str, timestamp: str,
                 rto: bool = False) -> None:
    """Cancel the whole order at ``timestamp`` (mutates ``txn.order``)."""
    life = desk.life(txn.transaction_id)
    order = txn.order
    assert order is not None
    main = main_fulfillment(order)
    precancel = main["state"]["descriptor"]["code"]
    if not fulfillment_move_is_legal(life.kind, precancel, CANCELLED) or \
            not order_move_is_legal(order["state"], CANCELLED):
        raise RuntimeError(f"cannot cancel a {life.kind} fulfillment in {precancel}")
    life.cancel_requests += 1
    target = f"{main['id']}-RTO" if rto else f"{main['id']}-C{life.cancel_requests}"
    trail: list[Json] = []
    for item_id, parent, count in _lines_on(order, main["id"]):
        move_items(order, item_id, parent, count, main["id"], target)
        unit, tax = catalogue_item(desk, txn, item_id)
        trail += reprice(order, item_id, parent, 0, unit, tax)
    request = [tag_group("cancel_request", reason_id=reason, initiated_by=by)]
    if rto:
        request = [tag_group("cancel_request", retry_count="1", rto_id=target,
                             reason_id=reason, initiated_by=by)]
        assert txn.cart is not None
        charge = txn.cart.fulfillment.charge
        order["quote"]["breakup"].append({ITEM_ID: target, "title": "RTO charges",
                                          TITLE: "delivery", "price": price(charge)})
        trail.append(trail_entry("delivery", target, charge))
    else:
        trail += zero_charges(order, main["id"])
        fee = _fee(order, precancel, reason, life.confirmed_total or Decimal(0))
        if fee:
            order["quote"]["breakup"].append({ITEM_ID: target, "title": "Cancellation fee",
                                              TITLE: "misc", "price": price(fee)})
            trail.append(trail_entry("misc", target, fee))
    main["tags"] = [t for t in main.get("tags", []) if t.get("code") == "routing"] + request + [
        tag_group("precancel_state", fulfillment_state=precancel,
                  updated_at=str(main["state"].get("updated_at") or order["updated_at"]))]
    main["state"] = {"descriptor": {"code": CANCELLED}, "updated_at": timestamp}
    if rto:
        end = main.get("end", {})
        start = main.get("start", {})
        store = store_as_destination(start.get("location", {}))
        order["fulfillments"].append({
            "id": target, "type": "RTO",
            "state": {"descriptor": {"code": "RTO-Initiated"}, "updated_at": timestamp},
            "start": {"location": copy.deepcopy(end.get("location", {})),
                      "time": {"timestamp": timestamp}},
            "end": {"location": store, "contact": copy.deepcopy(start.get("contact", {}))},
            "tags": trail,
        })
    else:
        order["fulfillments"].append({
            "id": target, "type": "Cancel",
            "state": {"descriptor": {"code": CANCELLED}, "updated_at": timestamp},
            "tags": [*request, *trail],
        })
    retotal(order)
    order["state"] = CANCELLED
    # reason.state (required by the 1.2.5 openapi Order.cancellation): where the order stood
    order["cancellation"] = {"cancelled_by": by, "reason": {"id": reason, "state": precancel}}
    order["updated_at"] = timestamp
    life.cancelled, life.holding, life.fulfillment_state = True, False, CANCELLED


def part_cancel(desk: Desk, txn: Transaction, *, reason: str, by: str, timestamp: str) -> None:
    """Cancel the last line of the order (with its customisations): the rest goes on."""
    life = desk.life(txn.transaction_id)
    order = txn.order
    assert order is not None
    main = main_fulfillment(order)
    lines = _lines_on(order, main["id"])
    if len(lines) < 2:
        raise RuntimeError("a part cancel needs an order of at least two lines")
    victim = lines[-1]
    life.cancel_requests += 1
    target = f"{main['id']}-C{life.cancel_requests}"
    trail: list[Json] = []
    for item_id, parent, count in lines:
        if (parent is not None and parent == victim[1]) or item_id == victim[0]:
            move_items(order, item_id, parent, count, main["id"], target)
            unit, tax = catalogue_item(desk, txn, item_id)
            trail += reprice(order, item_id, parent, 0, unit, tax)
    order["fulfillments"].append({
        "id": target, "type": "Cancel",
        "state": {"descriptor": {"code": CANCELLED}, "updated_at": timestamp},
        "tags": [tag_group("cancel_request", reason_id=reason, initiated_by=by), *trail],
    })
    retotal(order)
    order["updated_at"] = timestamp


# -- the journeys' cancellations (unsolicited) ----------------------------------------------------
async def merchant_cancel(desk: Desk, request: Json, txn: Transaction) -> None:
    """The merchant rejects the confirmed order: unsolicited on_cancel, reason 005."""
    seller_id = desk.seller.config.subscriber_id

    def build(timestamp: str) -> Json:
        cancel_order(desk, txn, reason=MERCHANT_REJECTED, by=seller_id, timestamp=timestamp)
        assert txn.order is not None
        return {"order": copy.deepcopy(txn.order)}

    await desk.push(request, "on_cancel", build)


async def merchant_part_cancel(desk: Desk, request: Json, txn: Transaction) -> None:
    """The merchant cannot supply the last line: unsolicited on_update, reason 002."""
    seller_id = desk.seller.config.subscriber_id

    def build(timestamp: str) -> Json:
        part_cancel(desk, txn, reason=ITEM_UNAVAILABLE, by=seller_id, timestamp=timestamp)
        assert txn.order is not None
        return {"order": copy.deepcopy(txn.order)}

    await desk.push(request, "on_update", build)


async def return_to_origin(desk: Desk, request: Json, txn: Transaction) -> None:
    """The buyer refuses the delivery: on_cancel with an RTO, then on_status RTO-Delivered."""
    seller_id = desk.seller.config.subscriber_id

    def initiated(timestamp: str) -> Json:
        cancel_order(desk, txn, reason=BUYER_REFUSED, by=seller_id, timestamp=timestamp,
                     rto=True)
        assert txn.order is not None
        return {"order": copy.deepcopy(txn.order)}

    def delivered(timestamp: str) -> Json:
        assert txn.order is not None
        rto = txn.order["fulfillments"][-1]
        rto["state"] = {"descriptor": {"code": "RTO-Delivered"}, "updated_at": timestamp}
        rto.setdefault("end", {})["time"] = {"timestamp": timestamp}
        txn.order["updated_at"] = timestamp
        return {"order": copy.deepcopy(txn.order)}

    await desk.push(request, "on_cancel", initiated)
    await desk.push(request, "on_status", delivered)


# -- /cancel ------------------------------------------------------------------------------------
def _forced(message: Json) -> bool:
    descriptor = message.get("descriptor")
    for tag in (descriptor.get("tags") or []) if isinstance(descriptor, dict) else []:
        if not isinstance(tag, dict) or tag.get("code") != "params":
            continue
        for entry in tag.get("list") or []:
            if isinstance(entry, dict) and entry.get("code") == "force":
                return str(entry.get("value")).lower() in ("yes", "true")
    return False


def cancel(desk: Desk, payload: Json) -> Job:
    """The buyer cancels the whole order."""
    context, message = payload["context"], payload["message"]
    txn = desk.ordered(context, message.get("order_id"), "$.message.order_id")
    life = desk.life(txn.transaction_id)
    reason = message.get("cancellation_reason_id")
    if reason not in BUYER_REASONS:
        raise Refusal("30012", f"cancellation reason {reason!r} is not one a buyer may use",
                      path="$.message.cancellation_reason_id")
    assert txn.order is not None and txn.cart is not None
    if life.cancelled or txn.order.get("state") == CANCELLED:
        raise Refusal("50001", "the order is already cancelled", path="$.message.order_id")
    if not fulfillment_move_is_legal(life.kind, life.fulfillment_state, CANCELLED):
        raise Refusal("50001", f"a {life.kind} order in state {life.fulfillment_state} can no "
                      "longer be cancelled", path="$.message.order_id")
    fixed = sorted({line.item.id for line in txn.cart.lines if not line.item.cancellable})
    faults = desk.seller.config.faults
    if fixed and not active(faults, "cancel_non_cancellable", "cancel"):
        raise Refusal("50001", f"item {', '.join(fixed)} is not cancellable "
                      "(@ondc/org/cancellable false)", path="$.message.order_id")
    forced = reason != FORCE_REASON or (_forced(message) and
                                        not active(faults, "force_cancel_ignored", "cancel"))
    bap_id = str(context["bap_id"])

    def build(timestamp: str) -> Json:
        cancel_order(desk, txn, reason=str(reason), by=bap_id, timestamp=timestamp)
        assert txn.order is not None
        return {"order": copy.deepcopy(txn.order)}

    async def job() -> None:
        if not forced:
            return  # the seller lets ttl_response run out: the buyer app decides to force
        await desk.answer(context, "on_cancel", build)
    return job


def handlers(desk: Desk) -> dict[str, Handler]:
    return {"cancel": lambda payload: cancel(desk, payload)}
