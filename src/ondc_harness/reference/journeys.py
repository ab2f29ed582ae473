"""What the reference seller does after on_confirm: its *journey*, moved along ``states.py``.

A real seller app moves an order because a kitchen packs it, a rider picks it up, a merchant
runs out of stock.  The reference seller has no kitchen: the buyer app names the script in
``confirm`` with one tag group, ``{"code": "ondc_harness", "list": [{"code": "journey",
"value": NAME}]}`` (a real seller ignores it), and the seller plays it deterministically.
Without the tag the journey is ``deliver``.

Every fulfillment move goes through :data:`ondc_harness.states.FULFILLMENT_TRANSITIONS` — the
same table the transition rules check — and each script is validated against it at import, so
the seller cannot be scripted into a move the rules would report.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Final

from ondc_harness.reference import retail_payloads as payloads
from ondc_harness.reference.orders import DELIVERY_STAGES, PICKUP_STAGES, Stage, Transaction
from ondc_harness.reference.validation import Refusal
from ondc_harness.states import (
    FULFILLMENT_TRANSITIONS,
    ORDER_TRANSITIONS,
    check_path,
    fulfillment_move_is_legal,
    order_move_is_legal,
)

if TYPE_CHECKING:
    from ondc_harness.reference.desk import Desk, Life

Json = dict[str, Any]

__all__ = ["FULFILLMENT_TRANSITIONS", "JOURNEYS", "ORDER_TRANSITIONS", "SCRIPTS",
           "advance", "after_confirm", "journey_of"]

JOURNEYS: Final[dict[str, str]] = {
    "deliver": "push every stage up to delivery (the default)",
    "hold": "stay Pending: nothing is pushed (buyer cancel, support)",
    "hold_after_pickup": "push up to Order-picked-up, then wait (force cancel)",
    "await_address_update": "stay Pending until the buyer app updates the delivery address, "
                            "then deliver (address and instruction updates)",
    "merchant_cancel": "the merchant rejects the order: unsolicited on_cancel (reason 005)",
    "merchant_part_cancel": "the merchant cancels the last line (reason 002) by unsolicited "
                            "on_update, then delivers the rest",
    "rto": "push up to Out-for-delivery, then the buyer refuses it: unsolicited on_cancel "
           "with an RTO fulfillment (reason 013), then on_status RTO-Delivered",
    "return_liquidate": "deliver; a return is then liquidated (refund, item not collected)",
    "return_reverse_qc": "deliver; a return is then approved, picked up (refund) and delivered "
                         "back to the store",
    "return_reschedule": "deliver; a return pickup then fails once, is rescheduled, picked up "
                         "and delivered back",
    "return_fail": "deliver; a return pickup then fails and the return is given up",
    "return_reject": "deliver; a return is then rejected",
}
"""Journey name → what the seller does.  The return journeys decide how a later return goes."""

SCRIPTS: Final[dict[str, tuple[Stage, ...]]] = {
    "Delivery": DELIVERY_STAGES,
    "Self-Pickup": PICKUP_STAGES,
    # The buyer app's logistics take over once the order is packed: it reports the rest.
    "Buyer-Delivery": (Stage("Packed", "Accepted"),),
}
"""The stages the seller pushes after Pending, per kind of main fulfillment."""


def _validate_scripts() -> None:
    """Every script is a legal walk in the one table, for fulfillment and order alike."""
    for kind, stages in SCRIPTS.items():
        check_path(kind, [s.code for s in stages], start="Pending")
        state = "Accepted"
        for stage in stages:
            if not order_move_is_legal(state, stage.order_state):
                raise ValueError(f"{kind}: order cannot go from {state} to {stage.order_state}")
            state = stage.order_state


_validate_scripts()


def journey_of(confirm_order: Json) -> str:
    """The journey a confirm asks for (``deliver`` without the tag); NACK 30000 if unknown."""
    from ondc_harness.reference.desk import JOURNEY_TAG

    for tag in confirm_order.get("tags") or []:
        if not isinstance(tag, dict) or tag.get("code") != JOURNEY_TAG:
            continue
        for entry in tag.get("list") or []:
            if isinstance(entry, dict) and entry.get("code") == "journey":
                name = entry.get("value")
                if name not in JOURNEYS:
                    raise Refusal("30000", f"unknown {JOURNEY_TAG} journey {name!r}; the "
                                  f"reference seller plays {', '.join(JOURNEYS)}",
                                  path="$.message.order.tags")
                return str(name)
    return "deliver"


def stage_index(life: Life) -> int:
    """How many stages of the script the order has passed."""
    codes = [s.code for s in SCRIPTS.get(life.kind, ())]
    return codes.index(life.fulfillment_state) + 1 if life.fulfillment_state in codes else 0


async def advance(desk: Desk, request: Json, txn: Transaction, *,
                  until: str | None = None) -> None:
    """Push the next stages of the order's script as unsolicited on_status, one by one.

    Stops after ``until`` (a fulfillment state), at the end of the script, or as soon as the
    order is cancelled or put on hold by another exchange meanwhile.
    """
    life = desk.life(txn.transaction_id)
    script = SCRIPTS.get(life.kind, ())
    for stage in script[stage_index(life):]:
        if txn.order is None or life.cancelled or life.holding:
            return
        await push_stage(desk, request, txn, stage)
        if stage.code == until:
            return


async def push_stage(desk: Desk, request: Json, txn: Transaction, stage: Stage) -> None:
    """Move the main fulfillment to ``stage`` (legally) and tell the buyer app by on_status."""
    life = desk.life(txn.transaction_id)
    if not fulfillment_move_is_legal(life.kind, life.fulfillment_state, stage.code):
        raise RuntimeError(f"{life.kind}: {life.fulfillment_state} → {stage.code} is illegal")

    def build(timestamp: str) -> Json:
        assert txn.order is not None
        order = payloads.with_stage(txn.order, stage, timestamp,
                                    documents_base=desk.seller.base_url)
        if stage.code == "Order-delivered" and life.payment_type == "ON-FULFILLMENT":
            order["payment"]["status"] = "PAID"  # cash collected at the door, now
            order["payment"]["time"] = {"timestamp": timestamp}
        txn.order, txn.stage, life.fulfillment_state = order, stage, stage.code
        return {"order": copy.deepcopy(order)}

    await desk.push(request, "on_status", build)


async def after_confirm(desk: Desk, request: Json, txn: Transaction) -> None:
    """Play the journey chosen in confirm (runs right after on_confirm was sent)."""
    from ondc_harness.reference import cancellation

    life = desk.life(txn.transaction_id)
    journey = life.journey
    if journey in ("hold", "await_address_update"):
        life.holding = True
        return
    if journey == "hold_after_pickup":
        await advance(desk, request, txn, until="Order-picked-up")
        life.holding = True
        return
    if journey == "merchant_cancel":
        await cancellation.merchant_cancel(desk, request, txn)
        return
    if journey == "merchant_part_cancel":
        await cancellation.merchant_part_cancel(desk, request, txn)
        await advance(desk, request, txn)
        return
    if journey == "rto":
        await advance(desk, request, txn, until="Out-for-delivery")
        await cancellation.return_to_origin(desk, request, txn)
        return
    await advance(desk, request, txn)
