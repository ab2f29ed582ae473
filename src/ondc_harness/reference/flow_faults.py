"""Faults made for the Retail certification flows beyond the forward order.

Each one breaks exactly what its flow exists to test, so the self-tests
(tests/test_retail_flows.py) can prove the harness notices.  They register in
:data:`ondc_harness.reference.faults.FAULTS` like every other fault (this module is imported at
the end of :mod:`faults`), and are written ``NAME`` or ``NAME@action`` the same way.

Payload faults change the outgoing callback (``_post`` applies them); behaviour faults have no
mutation here and are carried out by the order desk (:mod:`desk` and its modules) where the
docstring says.  Every docstring names the rule that catches it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ondc_harness.reference.faults import FAULTS, FaultSpec, _fault
from ondc_harness.reference.fragments import money

Json = dict[str, Any]
LEGACY_CALLBACKS = ("cancellation_reasons", "return_reasons", "rating_categories",
                    "feedback_categories", "feedback_form")


def _order(payload: Json) -> Json:
    message = payload.get("message")
    order = message.get("order") if isinstance(message, dict) else None
    return order if isinstance(order, dict) else {}


def _fulfillments(payload: Json, kind: str | None = None) -> list[Json]:
    return [f for f in _order(payload).get("fulfillments") or []
            if isinstance(f, dict) and (kind is None or f.get("type") == kind)]


def _code(fulfillment: Json) -> object:
    state = fulfillment.get("state")
    descriptor = state.get("descriptor") if isinstance(state, dict) else None
    return descriptor.get("code") if isinstance(descriptor, dict) else None


def _set_code(fulfillment: Json, code: str) -> None:
    fulfillment.setdefault("state", {}).setdefault("descriptor", {})["code"] = code


def _bump_first_trail(fulfillments: list[Json]) -> None:
    for fulfillment in fulfillments:
        for tag in fulfillment.get("tags") or []:
            if isinstance(tag, dict) and tag.get("code") == "quote_trail":
                for entry in tag.get("list") or []:
                    if isinstance(entry, dict) and entry.get("code") == "value":
                        entry["value"] = money(Decimal(str(entry["value"])) + Decimal("10"))
                        return


# -- discovery ---------------------------------------------------------------------------------
@_fault("price_above_mrp", ("on_search",))
def price_above_mrp(action: str, payload: Json) -> None:
    """The first priced item of the catalogue costs ₹10 more than its maximum (MRP).

    Simulates a price update that forgot the MRP — what a buyer app answers with a
    catalog_rejection 91001.  Caught by RET-CAT-004 (price at most maximum_value), in full and
    incremental on_search alike.
    """
    message = payload.get("message")
    catalog = message.get("catalog") if isinstance(message, dict) else None
    for provider in (catalog or {}).get("bpp/providers") or []:
        for item in provider.get("items") or []:
            price = item.get("price") if isinstance(item, dict) else None
            if isinstance(price, dict) and "maximum_value" in price:
                price["value"] = money(Decimal(str(price["maximum_value"])) + Decimal("10"))
                return


def _behaviour(name: str, actions: tuple[str, ...], doc: str) -> None:
    def carried_out_by_the_desk(action: str, payload: Json) -> None:
        """Nothing to change in the payload."""
    FAULTS[name] = FaultSpec(name, actions, carried_out_by_the_desk, doc)


_behaviour("inc_push_message_id", ("on_search",), """\
Incremental catalogue pushes reuse the search's message_id instead of their own.

Simulates a seller that answers pushes as if they were solicited (the incremental refresh doc
asks for a different message_id).  Carried out by reference/discovery.py.  Caught by
WIRE-CALLBACK-001 on the push step: an answer to a request is never taken as a push.
""")
_behaviour("catalog_rejection_nack", ("on_catalog_rejection",), """\
The seller refuses (NACK 30000) a well-formed catalog_rejection.

Simulates a seller app that has no endpoint for catalogue feedback.  Carried out by
reference/discovery.py.  Caught by WIRE-ACK-002.
""")


# -- orders ------------------------------------------------------------------------------------
@_fault("cod_paid_on_confirm", ("on_confirm",))
def cod_paid_on_confirm(action: str, payload: Json) -> None:
    """A cash-on-delivery order is reported PAID in on_confirm, before any cash changed hands.

    Simulates a seller that hard-codes the prepaid status.  Caught by the scenario's
    ``same_as: confirm [order.payment]`` (FLOW-SAME-001): on_confirm must keep confirm's payment.
    """
    payment = _order(payload).get("payment")
    if isinstance(payment, dict) and payment.get("type") == "ON-FULFILLMENT":
        payment["status"] = "PAID"


@_fault("pickup_state", ("on_status",))
def pickup_state(action: str, payload: Json) -> None:
    """A self-pickup order collected by the buyer is reported Out-for-delivery.

    Simulates a seller with one delivery timeline for every fulfillment type.  Caught by
    RET-TRANS-001 (Out-for-delivery is not a Self-Pickup state).
    """
    for fulfillment in _fulfillments(payload, "Self-Pickup"):
        if _code(fulfillment) == "Order-picked-up":
            _set_code(fulfillment, "Out-for-delivery")


@_fault("multi_option_quote", ("on_select",))
def multi_option_quote(action: str, payload: Json) -> None:
    """With several fulfillment options, the quote total counts only the first option's charges.

    Simulates a seller that prices every option in the breakup but totals the default one.
    Caught by RET-QUOTE-001 (quote price = Σ breakup).
    """
    order = _order(payload)
    offered = _fulfillments(payload)
    quote = order.get("quote")
    if len(offered) < 2 or not isinstance(quote, dict):
        return
    first = offered[0].get("id")
    total = sum((Decimal(str(line["price"]["value"])) for line in quote.get("breakup") or []
                 if not (line.get("@ondc/org/title_type") in ("delivery", "packing")
                         and line.get("@ondc/org/item_id") != first)), Decimal(0))
    quote["price"] = {"currency": "INR", "value": money(total)}


@_fault("buyer_delivery_state", ("on_update",))
def buyer_delivery_state(action: str, payload: Json) -> None:
    """A buyer-delivery order the buyer app reports picked up is echoed back as Pending.

    Simulates a seller that ignores the buyer app's update_state.  Caught by RET-TRANS-002
    (Packed cannot go back to Pending).
    """
    for fulfillment in _fulfillments(payload, "Buyer-Delivery"):
        _set_code(fulfillment, "Pending")


@_fault("out_of_stock_no_error", ("on_select",))
def out_of_stock_no_error(action: str, payload: Json) -> None:
    """on_select reduces a quantity the store cannot supply but says nothing (no error 40002).

    Simulates a seller that trims the cart silently.  Caught by RET-LIFE-007 (a shortfall is
    declared with error 40002 naming the item).
    """
    payload.pop("error", None)


_behaviour("cancel_non_cancellable", ("on_cancel",), """\
The seller accepts the cancel of an order holding an item marked @ondc/org/cancellable false.

Simulates a seller that ignores its own catalogue flag.  Carried out by
reference/cancellation.py.  Caught by WIRE-ACK-002 on the cancel step that expects a NACK.
""")


# -- cancellations -----------------------------------------------------------------------------


@_fault("cancel_reason_mismatch", ("on_cancel",))
def cancel_reason_mismatch(action: str, payload: Json) -> None:
    """on_cancel states another cancellation reason than the buyer's cancel.

    Simulates a seller that files every cancel under one code.  Caught by RET-LIFE-001 (the
    reason equals the cancel's) when answering a cancel.
    """
    cancellation = _order(payload).get("cancellation")
    reason = cancellation.get("reason") if isinstance(cancellation, dict) else None
    if isinstance(reason, dict):
        reason["id"] = "003" if reason.get("id") != "003" else "001"


@_fault("cancel_items_not_moved", ("on_cancel",))
def cancel_items_not_moved(action: str, payload: Json) -> None:
    """A cancelled order keeps its units on the delivery (none moved to the Cancel fulfillment).

    Simulates a seller that only flips the order state.  Caught by RET-LIFE-003 (a cancelled
    order has no units left to deliver).
    """
    order = _order(payload)
    cancels = {f.get("id") for f in _fulfillments(payload, "Cancel")}
    items = [i for i in order.get("items") or [] if isinstance(i, dict)]
    moved = [i for i in items if i.get("fulfillment_id") in cancels]
    for line in moved:
        for other in items:
            if other.get("id") == line.get("id") and other.get("fulfillment_id") not in cancels:
                other["quantity"] = dict(line.get("quantity") or {})
    order["items"] = [i for i in items if i not in moved]


@_fault("part_cancel_quote_trail", ("on_update",))
def part_cancel_quote_trail(action: str, payload: Json) -> None:
    """The part cancel's quote trail is ₹10 off what the quote changed by.

    Simulates a seller that computes the refund apart from the quote.  Caught by RET-LIFE-002
    (on_confirm total + quote trail = quote total).
    """
    _bump_first_trail(_fulfillments(payload, "Cancel"))


@_fault("part_cancel_reason", ("on_update",))
def part_cancel_reason(action: str, payload: Json) -> None:
    """A part cancel is filed under reason 005 (merchant rejected the order).

    Simulates a seller using its full-cancel code for one line.  Caught by RET-LIFE-005.
    """
    for fulfillment in _fulfillments(payload, "Cancel"):
        for tag in fulfillment.get("tags") or []:
            if isinstance(tag, dict) and tag.get("code") == "cancel_request":
                for entry in tag.get("list") or []:
                    if isinstance(entry, dict) and entry.get("code") == "reason_id":
                        entry["value"] = "005"


@_fault("rto_state", ("on_cancel",))
def rto_state(action: str, payload: Json) -> None:
    """The RTO fulfillment is born RTO-Delivered (the goods cannot be back already).

    Simulates a seller that reports the end of the RTO at its start.  Caught by RET-TRANS-002
    (an RTO starts RTO-Initiated).
    """
    for fulfillment in _fulfillments(payload, "RTO"):
        _set_code(fulfillment, "RTO-Delivered")


@_fault("rto_location", ("on_cancel",))
def rto_location(action: str, payload: Json) -> None:
    """The RTO fulfillment runs from the store to the buyer (start and end swapped).

    Simulates a seller that copies the forward fulfillment.  Caught by RET-LIFE-004.
    """
    for fulfillment in _fulfillments(payload, "RTO"):
        fulfillment["start"], fulfillment["end"] = (fulfillment.get("end", {}),
                                                    fulfillment.get("start", {}))


_behaviour("force_cancel_ignored", ("on_cancel",), """\
A force cancel (reason 052, force yes) is ACKed and never answered.

Simulates a seller that treats a forced cancel like a request it may let lapse.  Carried out
by reference/cancellation.py.  Caught by WIRE-CALLBACK-001 on the on_cancel step.
""")


# -- returns and updates -----------------------------------------------------------------------
@_fault("return_quote_trail", ("on_update",))
def return_quote_trail(action: str, payload: Json) -> None:
    """The return's refund (quote trail) is ₹10 off what the quote changed by.

    Simulates a seller that refunds a different amount than it re-prices.  Caught by
    RET-LIFE-002.
    """
    _bump_first_trail(_fulfillments(payload, "Return"))


@_fault("return_qc_state", ("on_update",))
def return_qc_state(action: str, payload: Json) -> None:
    """A return that was just approved is reported Return_Picked (approval skipped).

    Simulates a reverse-QC integration that reports the courier's state instead of the
    seller's.  Caught by RET-TRANS-002 (Return_Initiated cannot go to Return_Picked).
    """
    for fulfillment in _fulfillments(payload, "Return"):
        if _code(fulfillment) == "Return_Approved":
            _set_code(fulfillment, "Return_Picked")


@_fault("return_request_changed", ("on_update",))
def return_request_changed(action: str, payload: Json) -> None:
    """The Return fulfillment claims twice the quantity the buyer asked to return.

    Simulates a seller that re-keys the request.  Caught by RET-LIFE-006.
    """
    for fulfillment in _fulfillments(payload, "Return"):
        for tag in fulfillment.get("tags") or []:
            if isinstance(tag, dict) and tag.get("code") == "return_request":
                for entry in tag.get("list") or []:
                    if isinstance(entry, dict) and entry.get("code") == "item_quantity":
                        entry["value"] = str(int(str(entry.get("value"))) * 2)


@_fault("replacement_state", ("on_status",))
def replacement_state(action: str, payload: Json) -> None:
    """The replacement delivery is reported delivered as soon as it is packed.

    Simulates a seller that closes the replacement early.  Caught by RET-TRANS-002 on the next
    update (Order-delivered cannot go back to Order-picked-up).
    """
    for fulfillment in _fulfillments(payload, "Delivery"):
        tags = fulfillment.get("tags") or []
        if any(isinstance(t, dict) and t.get("code") == "replace_request" for t in tags) \
                and _code(fulfillment) == "Packed":
            _set_code(fulfillment, "Order-delivered")


_behaviour("update_address_ignored", ("on_update",), """\
An address update is ACKed and answered, but on_update keeps the old address.

Simulates a seller that accepts updates it cannot apply.  Carried out by
reference/returns.py.  Caught by RET-LIFE-008 (the update's end is applied).
""")

# -- post-fulfilment and legacy ----------------------------------------------------------------
_behaviour("rating_no_ack", ("on_rating",), """\
The seller refuses a valid rating (NACK 40001, feature not supported).

Simulates a seller app without the rating API.  Carried out by reference/post_fulfilment.py.
Caught by WIRE-ACK-002.
""")
_behaviour("support_unavailable", ("on_support",), """\
The seller refuses a support request about its own order (NACK 50004).

Simulates a seller app whose support desk does not know its orders.  Carried out by
reference/post_fulfilment.py.  Caught by WIRE-ACK-002.
""")
_behaviour("lookup_message_id", LEGACY_CALLBACKS, """\
A legacy look-up answer (cancellation_reasons … feedback_form) has a message_id of its own.

Simulates a seller that treats meta look-ups as pushes.  Carried out by reference/legacy.py.
Caught by CTX-MSGID-002 (a callback's message_id equals its request's).
""")
