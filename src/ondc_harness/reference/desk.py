"""The reference seller's order desk: what happens to an order after select, in one place.

:mod:`seller` is HTTP, signatures and the forward catalogue; the certification flows beyond a
plain prepaid delivery (cash on delivery, slots, several fulfillment options, out of stock,
cancellations, RTO, returns, replacement, updates, rating, support, the legacy look-ups,
incremental catalogues) are served by the modules this desk wires in:

==========================  ================================================================
:mod:`ordering`             select / init / confirm (options, slots, stock, COD, journey tag)
:mod:`journeys`             what the seller does after on_confirm (pushes along ``states.py``)
:mod:`cancellation`         /cancel, merchant full and part cancel, RTO, the quote trail
:mod:`returns`              /update: returns, replacement, address and instructions, buyer
                            delivery states, settlement notices
:mod:`post_fulfilment`      /rating, /support
:mod:`legacy`               /get_cancellation_reasons … /get_feedback_form
:mod:`discovery`            incremental /search (pull and push), /catalog_rejection
==========================  ================================================================

Every behaviour is chosen by what the buyer app sends (see docs/reference-seller.md, "How a
flow picks its behaviour"), so the seller stays deterministic.  The desk keeps a :class:`Life`
per transaction next to the seller's :class:`~ondc_harness.reference.orders.Transaction`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ondc_harness.reference import retail_payloads as payloads
from ondc_harness.reference.catalogue import FulfillmentOption
from ondc_harness.reference.faults import active
from ondc_harness.reference.orders import MAX_TRANSACTIONS, Transaction
from ondc_harness.reference.validation import Refusal

if TYPE_CHECKING:
    from ondc_harness.reference.seller import ReferenceSeller

Json = dict[str, Any]
Job = Callable[[], Coroutine[Any, Any, None]]
Handler = Callable[[Json], Job]

JOURNEY_TAG = "ondc_harness"
"""Tag group of ``confirm.message.order.tags`` whose ``journey`` entry picks the seller's script
after confirmation (docs/reference-seller.md).  A real seller ignores an unknown tag group."""


@dataclass
class ReturnCase:
    """One return request: what the buyer sent back and how far it has got."""

    id: str
    item_id: str
    count: int
    reason_id: str
    request: Json
    replace: bool = False
    state: str = "Return_Initiated"


@dataclass
class Life:
    """What the desk knows about a transaction beyond the seller's forward state."""

    journey: str = "deliver"
    payment_type: str = "ON-ORDER"
    slot: Json | None = None
    """The delivery window the buyer chose (``end.time.range``), for slotted delivery."""
    kind: str = "Delivery"
    """``states.py`` key of the order's main fulfillment."""
    fulfillment_state: str = "Pending"
    confirmed_total: Decimal | None = None
    holding: bool = False
    cancelled: bool = False
    cancel_requests: int = 0
    returns: dict[str, ReturnCase] = field(default_factory=dict)
    offered: dict[str, tuple[FulfillmentOption, Json | None]] = field(default_factory=dict)
    """on_select's fulfillment ids → catalogue option and slot window."""
    shortfall: dict[str, int] = field(default_factory=dict)
    """Items on_select could not fully supply: id → the quantity it could."""
    catalog_push: bool = False
    """Incremental catalogue pushes are on (search ``catalog_inc`` mode start … stop)."""
    rejections: list[Json] = field(default_factory=list)
    """What the buyer app refused in the catalogue (catalog_rejection errors)."""


class Desk:
    """Per-transaction post-order state and the seller's reply channel for the desk modules."""

    def __init__(self, seller: ReferenceSeller) -> None:
        self.seller = seller
        self._lives: OrderedDict[str, Life] = OrderedDict()

    # -- state ---------------------------------------------------------------------------------
    def life(self, transaction_id: str) -> Life:
        """The transaction's life, created on first use (oldest forgotten beyond a bound)."""
        life = self._lives.get(transaction_id)
        if life is None:
            life = self._lives[transaction_id] = Life()
            while len(self._lives) > MAX_TRANSACTIONS:
                self._lives.popitem(last=False)
        return life

    def transaction(self, context: Json) -> Transaction:
        return self.seller.book.get(str(context["transaction_id"]))

    def ordered(self, context: Json, order_id: object, path: str) -> Transaction:
        """This transaction's confirmed order named ``order_id`` (NACK 30018 otherwise)."""
        txn = self.seller.book.find(str(context["transaction_id"]))
        if not isinstance(order_id, str) or not order_id:
            raise Refusal("30000", "the order id is required", path=path)
        if txn is None or txn.order is None or txn.order_id != order_id:
            raise Refusal("30018", f"order {order_id!r} not found in this transaction",
                          path=path)
        return txn

    # -- callbacks -----------------------------------------------------------------------------
    async def reply(self, request: Json, action: str, build: Callable[[str], Json], *,
                    push: bool = False) -> None:
        """POST ``{context, **build(timestamp)}`` as ``action``, the seller's faults permitting.

        ``build`` returns the body without its context (``{"message": ...}``, or the top-level
        lists of the legacy look-ups).  ``push``: unsolicited, with a message_id of its own.
        The timestamp is later than the request and than anything already sent.
        """
        seller = self.seller
        faults = seller.config.faults
        if not push and active(faults, "late_callback", action):
            await asyncio.sleep(seller.config.late_delay_s)  # sleep-ok: the late_callback fault
        txn = self.transaction(request)
        timestamp = seller._next_timestamp(txn, str(request.get("timestamp") or ""))
        body = build(timestamp)
        if not push and active(faults, "no_callback", action):
            return
        fresh = push or active(faults, "wrong_message_id", action)
        context = payloads.callback_context(
            request, action, bpp_id=seller.config.subscriber_id, bpp_uri=seller.base_url,
            timestamp=timestamp, message_id=str(uuid.uuid4()) if fresh else None)
        await seller._post(txn, {"context": context, **body})

    async def answer(self, request: Json, action: str, build: Callable[[str], Json]) -> None:
        """A solicited callback whose body is ``{"message": build(timestamp)}``."""
        await self.reply(request, action, lambda ts: {"message": build(ts)})

    async def push(self, request: Json, action: str, build: Callable[[str], Json]) -> None:
        """An unsolicited callback (fresh message_id) whose body is ``{"message": ...}``."""
        await self.reply(request, action, lambda ts: {"message": build(ts)}, push=True)

    def handlers(self) -> dict[str, Handler]:
        """Every API the desk serves, by path."""
        from ondc_harness.reference import (
            cancellation,
            discovery,
            legacy,
            ordering,
            post_fulfilment,
            returns,
        )

        out: dict[str, Handler] = {}
        for module in (ordering, cancellation, returns, post_fulfilment, legacy, discovery):
            out.update(module.handlers(self))
        return out


def register(seller: ReferenceSeller) -> Desk:
    """Wire the desk's handlers into ``seller`` (replacing select, init, confirm and search,
    whose plain cases it hands back to the seller's own code)."""
    desk = Desk(seller)
    seller._handlers.update(desk.handlers())
    return desk
