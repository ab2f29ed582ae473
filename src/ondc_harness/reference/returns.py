"""/update: returns and replacement, address and instruction changes, buyer-delivery states,
and the buyer app's settlement notices.

``update_target`` says what the buyer app changes (Retail 1.2 build.yaml):

* ``item`` — a return: each ``return_request`` tag (1.2.5 RETURN_FLOW: id, item_id,
  item_quantity, reason_id, images, ttl_approval, ttl_reverseqc; ``replace: yes`` asks for a
  replacement) on a delivered, returnable item.  on_update answers with a ``Return`` fulfillment
  (id = the request's id) in ``Return_Initiated``; the seller then pushes unsolicited on_update
  along the order's return journey (:data:`OUTCOMES`), each move checked against ``states.py``.
  The refund happens at ``Liquidated`` or ``Return_Picked`` (the refund trigger points of
  retail-1.2/docs/part_cancel_by_merchant.md): the returned units move to the Return
  fulfillment, the item line is re-priced and the Return fulfillment carries the quote trail.
  A replacement refunds nothing: once the return is back at the store a new Delivery
  fulfillment (``<F>-RPL<n>``) carries the same quantity to the buyer, reported by on_status.
* ``fulfillment`` — before pickup, a new delivery address (``end.location``), contact or
  ``end.instructions``; on_update echoes the changed fulfillment.  For a ``Buyer-Delivery``
  order the buyer app's logistics report their progress instead (``update_state`` tag with the
  state, ``update_agent_details``), which the seller records if the move is legal.
* ``payment`` — a settlement notice (``@ondc/org/settlement_details``, e.g. a refund paid after
  a cancel): an FYI, ACKed with no callback (retail-1.2 Examples, update_settlement_trail).

Refusals: 30018 unknown order, 30005 invalid return (unknown or non-returnable item, quantity
beyond what was delivered, reused id), 50002 update not possible in this state, 50008 the
fulfillment cannot move so, 30000 anything else malformed.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Final

from ondc_harness.reference import journeys
from ondc_harness.reference.cancellation import (
    catalogue_item,
    main_fulfillment,
    move_items,
    reprice,
    retotal,
    store_as_destination,
)
from ondc_harness.reference.desk import Life, ReturnCase
from ondc_harness.reference.faults import active
from ondc_harness.reference.fragments import tag_group
from ondc_harness.reference.orders import Transaction
from ondc_harness.reference.validation import Refusal
from ondc_harness.states import check_path, fulfillment_move_is_legal, order_move_is_legal

if TYPE_CHECKING:
    from ondc_harness.reference.desk import Desk, Handler, Job

Json = dict[str, Any]

OUTCOMES: Final[dict[str, tuple[str, ...]]] = {
    "return_liquidate": ("Liquidated",),
    "return_reverse_qc": ("Return_Approved", "Return_Picked", "Return_Delivered"),
    "return_reschedule": ("Return_Approved", "Return_Pick_Failed", "Return_Picked",
                          "Return_Delivered"),
    # 1.2.5 has no Return_Failed: a pickup that fails and is not rescheduled ends the return
    "return_fail": ("Return_Approved", "Return_Pick_Failed"),
    "return_reject": ("Return_Rejected",),
    "replace": ("Return_Approved", "Return_Picked", "Return_Delivered"),
}
"""The states a return passes after Return_Initiated, per journey (``replace``: a return that
asked for a replacement).  A delivered order with another journey reverse-QCs its returns."""

REFUND_AT: Final = frozenset({"Liquidated", "Return_Picked"})
SHORT_DESC: Final = {
    "Return_Pick_Failed": "Buyer not available at the pickup address",
    "Return_Failed": "Pickup failed on every attempt",
    "Return_Rejected": "Item not in a returnable condition (photos show use)",
}

for _outcome in OUTCOMES.values():
    check_path("Return", ["Return_Initiated", *_outcome])


def _order(message: Json) -> Json:
    order = message.get("order")
    if not isinstance(order, dict):
        raise Refusal("30000", "message.order is required", path="$.message.order")
    return order


def _tag_values(tag: Json) -> dict[str, str]:
    return {str(e.get("code")): str(e.get("value")) for e in tag.get("list") or []
            if isinstance(e, dict)}


def _tags(fulfillment: Json, code: str) -> list[Json]:
    return [t for t in fulfillment.get("tags") or [] if isinstance(t, dict) and
            t.get("code") == code]


def _delivered_count(order: Json, item_id: str) -> int:
    main = main_fulfillment(order)
    return sum(int(e["quantity"]["count"]) for e in order["items"]
               if e.get("id") == item_id and e.get("fulfillment_id") == main["id"])


# -- returns ------------------------------------------------------------------------------------
def _return_cases(desk: Desk, txn: Transaction, message: Json) -> list[ReturnCase]:
    """The return requests of an ``item`` update, validated (NACK 30005/50002 otherwise)."""
    life = desk.life(txn.transaction_id)
    assert txn.order is not None and txn.cart is not None
    if life.fulfillment_state != "Order-delivered":
        raise Refusal("50002", f"a return needs a delivered order; this one is "
                      f"{life.fulfillment_state}", path="$.message.order")
    cases: list[ReturnCase] = []
    for index, fulfillment in enumerate(_order(message).get("fulfillments") or []):
        if not isinstance(fulfillment, dict):
            continue
        for tag in _tags(fulfillment, "return_request"):
            values = _tag_values(tag)
            path = f"$.message.order.fulfillments[{index}].tags"
            item = txn.cart.provider.item(values.get("item_id"))
            rid = values.get("id", "")
            try:
                count = int(values.get("item_quantity", ""))
            except ValueError:
                count = 0
            if not rid or rid in life.returns or any(c.id == rid for c in cases):
                raise Refusal("30005", f"return request id {rid!r} is missing or used", path=path)
            if item is None or not item.returnable:
                raise Refusal("30005", f"item {values.get('item_id')!r} is not returnable",
                              path=path)
            if not 1 <= count <= _delivered_count(txn.order, item.id):
                raise Refusal("30005", f"cannot return {values.get('item_quantity')!r} of "
                              f"{item.id}", path=path)
            cases.append(ReturnCase(rid, item.id, count, values.get("reason_id", ""),
                                    copy.deepcopy(tag), replace=values.get("replace", "").lower()
                                    in ("yes", "true")))
    if not cases:
        raise Refusal("30005", "an item update needs a return_request tag",
                      path="$.message.order.fulfillments")
    return cases


def _return_fulfillment(case: ReturnCase, bap_id: str, timestamp: str) -> Json:
    request = copy.deepcopy(case.request)
    if not any(e.get("code") == "initiated_by" for e in request.get("list", [])):
        request.setdefault("list", []).append({"code": "initiated_by", "value": bap_id})
    return {"id": case.id, "type": "Return",
            "state": {"descriptor": {"code": case.state}, "updated_at": timestamp},
            "tags": [request]}


def _move_return(desk: Desk, txn: Transaction, life: Life, case: ReturnCase, state: str,
                 timestamp: str) -> None:
    """Move ``case`` to ``state`` in ``txn.order`` (refund, pickup, delivery back)."""
    order = txn.order
    assert order is not None
    if not fulfillment_move_is_legal("Return", case.state, state):
        raise RuntimeError(f"Return: {case.state} → {state} is illegal")
    case.state = state
    fulfillment = next(f for f in order["fulfillments"] if f["id"] == case.id)
    descriptor: Json = {"code": state}
    if state in SHORT_DESC:
        descriptor["short_desc"] = SHORT_DESC[state]
    fulfillment["state"] = {"descriptor": descriptor, "updated_at": timestamp}
    main = main_fulfillment(order)
    if state in REFUND_AT:
        left = move_items(order, case.item_id, None, case.count, main["id"], case.id)
        if not case.replace:
            unit, tax = catalogue_item(desk, txn, case.item_id)
            fulfillment["tags"] += reprice(order, case.item_id, None, left, unit, tax)
            retotal(order)
    if state == "Return_Picked":
        fulfillment["start"] = {"location": copy.deepcopy(main.get("end", {}).get("location",
                                                                                    {})),
                                "time": {"timestamp": timestamp}}
        fulfillment["end"] = {"location": store_as_destination(
            main.get("start", {}).get("location", {}))}
    if state == "Return_Delivered":
        fulfillment.setdefault("end", {})["time"] = {"timestamp": timestamp}
    order["updated_at"] = timestamp


def _replacement(desk: Desk, txn: Transaction, case: ReturnCase, timestamp: str) -> str:
    """Open the Delivery that brings the replacement; return its id."""
    order = txn.order
    assert order is not None
    main = main_fulfillment(order)
    rid = f"{main['id']}-RPL{len(desk.life(txn.transaction_id).returns)}"
    fulfillment = copy.deepcopy(main)
    fulfillment.update(id=rid, state={"descriptor": {"code": "Pending"}, "updated_at": timestamp})
    for key in ("agent", "tags"):
        fulfillment.pop(key, None)
    fulfillment["tags"] = [tag_group("replace_request", id=case.id, item_id=case.item_id,
                                     item_quantity=str(case.count))]
    for end in ("start", "end"):
        fulfillment.get(end, {}).pop("time", None)
        fulfillment.get(end, {}).pop("instructions", None)
    order["fulfillments"].append(fulfillment)
    source = next(e for e in order["items"] if e["id"] == case.item_id)
    line = copy.deepcopy(source)
    line.update(fulfillment_id=rid, quantity={"count": case.count})
    order["items"].append(line)
    order["updated_at"] = timestamp
    return rid


REPLACEMENT_STAGES: Final = ("Packed", "Order-picked-up", "Out-for-delivery", "Order-delivered")
check_path("Delivery", ["Pending", *REPLACEMENT_STAGES])


async def _play_return(desk: Desk, request: Json, txn: Transaction, case: ReturnCase) -> None:
    life = desk.life(txn.transaction_id)
    outcome = "replace" if case.replace else (
        life.journey if life.journey in OUTCOMES else "return_reverse_qc")
    for state in OUTCOMES[outcome]:
        def build(timestamp: str, state: str = state) -> Json:
            _move_return(desk, txn, life, case, state, timestamp)
            assert txn.order is not None
            return {"order": copy.deepcopy(txn.order)}
        await desk.push(request, "on_update", build)
    if not case.replace:
        return
    replacement: dict[str, str] = {}
    for code in REPLACEMENT_STAGES:
        def stage(timestamp: str, code: str = code) -> Json:
            order = txn.order
            assert order is not None
            if "id" not in replacement:  # opened with its first push
                replacement["id"] = _replacement(desk, txn, case, timestamp)
            fulfillment = next(f for f in order["fulfillments"] if f["id"] == replacement["id"])
            fulfillment["state"] = {"descriptor": {"code": code}, "updated_at": timestamp}
            if code == "Order-picked-up":
                fulfillment.setdefault("start", {})["time"] = {"timestamp": timestamp}
            if code == "Order-delivered":
                fulfillment.setdefault("end", {})["time"] = {"timestamp": timestamp}
            order["updated_at"] = timestamp
            return {"order": copy.deepcopy(order)}
        await desk.push(request, "on_status", stage)


def _returns(desk: Desk, context: Json, txn: Transaction, message: Json) -> Job:
    cases = _return_cases(desk, txn, message)
    life = desk.life(txn.transaction_id)
    bap_id = str(context["bap_id"])

    def initiated(timestamp: str) -> Json:
        order = txn.order
        assert order is not None
        for case in cases:
            life.returns[case.id] = case
            order["fulfillments"].append(_return_fulfillment(case, bap_id, timestamp))
        order["updated_at"] = timestamp
        return {"order": copy.deepcopy(order)}

    async def job() -> None:
        await desk.answer(context, "on_update", initiated)
        for case in cases:
            await _play_return(desk, context, txn, case)
    return job


# -- fulfillment updates --------------------------------------------------------------------------
def _address(desk: Desk, context: Json, txn: Transaction, message: Json) -> Job:
    """New delivery address, contact or instructions, before the order is picked up."""
    life = desk.life(txn.transaction_id)
    order = txn.order
    assert order is not None
    main = main_fulfillment(order)
    sent = next((f for f in _order(message).get("fulfillments") or []
                 if isinstance(f, dict) and f.get("id") == main["id"]), None)
    if sent is None or not isinstance(sent.get("end"), dict):
        raise Refusal("30000", f"update the end of fulfillment {main['id']}",
                      path="$.message.order.fulfillments")
    if life.fulfillment_state not in ("Pending", "Packed"):
        raise Refusal("50002", f"the order is {life.fulfillment_state}: too late to change "
                      "where it goes", path="$.message.order.fulfillments")
    end: Json = sent["end"]
    location = end.get("location")
    if location is not None and not (isinstance(location, dict) and location.get("gps")
                                     and isinstance(location.get("address"), dict)):
        raise Refusal("30000", "a new end.location needs gps and address",
                      path="$.message.order.fulfillments[0].end.location")
    moves = location is not None
    if active(desk.seller.config.faults, "update_address_ignored", "update"):
        end = {k: v for k, v in end.items() if k != "location"}

    def build(timestamp: str) -> Json:
        target = main.setdefault("end", {})
        for key in ("location", "contact", "person", "instructions"):
            if key in end:
                target[key] = copy.deepcopy(end[key])
        order["updated_at"] = timestamp
        return {"order": copy.deepcopy(order)}

    async def job() -> None:
        await desk.answer(context, "on_update", build)
        if moves and life.journey == "await_address_update" and life.holding:
            life.holding = False
            await journeys.advance(desk, context, txn)
    return job


def _buyer_delivery(desk: Desk, context: Json, txn: Transaction, message: Json) -> Job:
    """The buyer app's logistics report a state of a Buyer-Delivery fulfillment."""
    life = desk.life(txn.transaction_id)
    order = txn.order
    assert order is not None
    main = main_fulfillment(order)
    sent = next((f for f in _order(message).get("fulfillments") or []
                 if isinstance(f, dict) and f.get("id") == main["id"]), {})
    state_tag = next(iter(_tags(sent, "update_state")), None)
    values = _tag_values(state_tag) if state_tag else {}
    state = values.get("state", "")
    if not fulfillment_move_is_legal(life.kind, life.fulfillment_state, state):
        raise Refusal("50008", f"a Buyer-Delivery fulfillment cannot go from "
                      f"{life.fulfillment_state} to {state!r}",
                      path="$.message.order.fulfillments[0].tags")
    order_state = {"Order-delivered": "Completed", "Pending": order["state"],
                   "Packed": order["state"]}.get(state, "In-progress")
    if not order_move_is_legal(order["state"], order_state):
        raise Refusal("50008", f"the order cannot go from {order['state']} to {order_state}",
                      path="$.message.order.fulfillments[0].tags")
    agent = _tag_values(next(iter(_tags(sent, "update_agent_details")), {}))

    def build(timestamp: str) -> Json:
        main["state"] = {"descriptor": {"code": state}, "updated_at": timestamp}
        if agent.get("name"):
            main["agent"] = {"name": agent["name"], "phone": agent.get("phone", "")}
        if state == "Order-picked-up":
            main.setdefault("start", {})["time"] = {"timestamp": timestamp}
        if state == "Order-delivered":
            main.setdefault("end", {})["time"] = {"timestamp": timestamp}
        order["state"], life.fulfillment_state = order_state, state
        order["updated_at"] = timestamp
        return {"order": copy.deepcopy(order)}

    async def job() -> None:
        await desk.answer(context, "on_update", build)
    return job


def _settlement(message: Json) -> Job:
    payment = _order(message).get("payment")
    details = payment.get("@ondc/org/settlement_details") if isinstance(payment, dict) else None
    if not isinstance(details, list) or not details:
        raise Refusal("30000", "a payment update carries @ondc/org/settlement_details",
                      path="$.message.order.payment")

    async def job() -> None:
        return  # an FYI for the seller: no callback

    return job


def update(desk: Desk, payload: Json) -> Job:
    context, message = payload["context"], payload["message"]
    order = _order(message)
    txn = desk.ordered(context, order.get("id"), "$.message.order.id")
    target = message.get("update_target")
    if target == "payment":
        return _settlement(message)
    if target == "item":
        return _returns(desk, context, txn, message)
    if target == "fulfillment":
        if desk.life(txn.transaction_id).kind == "Buyer-Delivery":
            return _buyer_delivery(desk, context, txn, message)
        return _address(desk, context, txn, message)
    raise Refusal("30000", f"update_target {target!r} is not one of item, fulfillment, payment",
                  path="$.message.update_target")


def handlers(desk: Desk) -> dict[str, Handler]:
    return {"update": lambda payload: update(desk, payload)}
