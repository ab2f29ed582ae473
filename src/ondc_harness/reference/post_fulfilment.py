"""/rating and /support: what a buyer app asks a seller about an order it placed.

Retail 1.2 build.yaml shapes (the 1.2.5 flows have none; the official validator has no checks
for them, RULES-REFERENCE.md):

* ``rating``: ``message`` is a Rating — ``rating_category`` (Order, Provider, Item, Fulfillment,
  Agent; see the ``rating_categories`` look-up), ``id`` of the rated object in this order,
  ``value`` 1–5, optional ``feedback_form`` answers / ``feedback_id``.  A list under
  ``message.ratings`` is accepted too.  ``on_rating``: ``{rating_ack: true, feedback_ack}``
  (feedback_ack true when feedback came with the rating).  NACK 50003 unsupported category,
  30015 invalid value, 30000 an id that is not part of the order.
* ``support``: ``message.ref_id`` (the order id, or the transaction id) → ``on_support`` with the
  provider's consumer-care ``phone``, ``email`` and a ``uri`` (``tel:``).  NACK 50004 for a
  reference the seller does not know.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

from ondc_harness.reference.faults import active
from ondc_harness.reference.orders import Transaction
from ondc_harness.reference.validation import Refusal

if TYPE_CHECKING:
    from ondc_harness.reference.desk import Desk, Handler, Job

Json = dict[str, Any]
RATING_CATEGORIES: Final = ("Order", "Provider", "Item", "Fulfillment", "Agent")


def rating_value(value: object, path: str) -> Decimal:
    """A rating value 1–5 (number or numeric string); NACK 30015 otherwise."""
    try:
        number = Decimal(str(value)) if not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not 1 <= number <= 5:
        raise Refusal("30015", f"rating value {value!r} is not between 1 and 5", path=path)
    return number


def check_category(category: object, path: str) -> str:
    if category not in RATING_CATEGORIES:
        raise Refusal("50003", f"rating category {category!r} is not one of "
                      f"{', '.join(RATING_CATEGORIES)}", path=path)
    return str(category)


def _rated_ids(txn: Transaction) -> dict[str, set[str]]:
    order = txn.order or {}
    fulfillments = {str(f.get("id")) for f in order.get("fulfillments", [])}
    return {
        "Order": {str(order.get("id"))},
        "Provider": {str(order.get("provider", {}).get("id"))},
        "Item": {str(i.get("id")) for i in order.get("items", [])},
        "Fulfillment": fulfillments,
        "Agent": fulfillments,
    }


def rating(desk: Desk, payload: Json) -> Job:
    context, message = payload["context"], payload["message"]
    if active(desk.seller.config.faults, "rating_no_ack", "rating"):
        raise Refusal("40001", "rating is not supported", path="$.message")
    txn = desk.seller.book.find(str(context["transaction_id"]))
    if txn is None or txn.order is None:
        raise Refusal("30018", "no order in this transaction to rate", path="$.context")
    ratings = message.get("ratings") if isinstance(message.get("ratings"), list) else [message]
    rated = _rated_ids(txn)
    feedback = False
    for index, entry in enumerate(ratings):
        base = "$.message" if entry is message else f"$.message.ratings[{index}]"
        if not isinstance(entry, dict):
            raise Refusal("30000", "a rating is an object", path=base)
        category = check_category(entry.get("rating_category"), f"{base}.rating_category")
        rating_value(entry.get("value"), f"{base}.value")
        if str(entry.get("id")) not in rated[category]:
            raise Refusal("30000", f"{category} {entry.get('id')!r} is not part of this order",
                          path=f"{base}.id")
        feedback = feedback or bool(entry.get("feedback_form") or entry.get("feedback_id"))

    async def job() -> None:
        await desk.answer(context, "on_rating",
                          lambda ts: {"feedback_ack": feedback, "rating_ack": True})
    return job


def support(desk: Desk, payload: Json) -> Job:
    context, message = payload["context"], payload["message"]
    nested = message.get("support")
    ref_id = (nested if isinstance(nested, dict) else message).get("ref_id")
    if active(desk.seller.config.faults, "support_unavailable", "support"):
        raise Refusal("50004", "support is unavailable", path="$.message.ref_id")
    txn = desk.seller.book.find(str(context["transaction_id"]))
    known = {str(context["transaction_id"])} | ({txn.order_id} if txn and txn.order_id else set())
    if txn is None or txn.cart is None or ref_id not in known:
        raise Refusal("50004", f"no support for {ref_id!r}: not an order of this transaction",
                      path="$.message.ref_id")
    _, email, phone = [*txn.cart.provider.consumer_care.split(","), "", "", ""][:3]

    async def job() -> None:
        await desk.answer(context, "on_support",
                          lambda ts: {"phone": phone, "email": email, "uri": f"tel:{phone}"})
    return job


def handlers(desk: Desk) -> dict[str, Handler]:
    return {"rating": lambda payload: rating(desk, payload),
            "support": lambda payload: support(desk, payload)}
