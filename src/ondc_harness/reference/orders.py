"""What the reference seller remembers about each transaction, and how a delivery progresses.

A real seller keeps the cart it quoted, the order it confirmed and where the fulfilment is, so
later answers can repeat earlier ones exactly (on_confirm repeats on_init's quote, billing and
cancellation terms; on_status repeats on_confirm's order).  The book is only touched from the
seller's event loop, so it needs no lock; it forgets the oldest transactions beyond a bound so
a long-running harness cannot grow without limit.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ondc_harness.reference.catalogue import FulfillmentOption, Item, Provider, Store

MAX_TRANSACTIONS = 10_000


@dataclass(frozen=True)
class OrderLine:
    """One cart line: an item or a customisation of one, with its quantity."""

    item: Item
    count: int
    parent_item_id: str | None = None


@dataclass(frozen=True)
class Cart:
    """A validated selection from one provider, and how it will be fulfilled."""

    provider: Provider
    store: Store
    lines: tuple[OrderLine, ...]
    fulfillment: FulfillmentOption


@dataclass(frozen=True)
class Stage:
    """A fulfilment state the seller pushes after confirmation, and the order state it implies."""

    code: str
    order_state: str


DELIVERY_STAGES = (
    Stage("Packed", "Accepted"),
    Stage("Order-picked-up", "In-progress"),
    Stage("Out-for-delivery", "In-progress"),
    Stage("Order-delivered", "Completed"),
)
PICKUP_STAGES = (
    Stage("Packed", "Accepted"),
    Stage("Order-picked-up", "In-progress"),
    Stage("Order-delivered", "Completed"),
)


def stages_for(fulfillment: FulfillmentOption) -> tuple[Stage, ...]:
    """A self-pickup order is never out for delivery."""
    return DELIVERY_STAGES if fulfillment.type == "Delivery" else PICKUP_STAGES


@dataclass
class Transaction:
    """Everything the seller said and was told within one transaction_id."""

    transaction_id: str
    finder_fee_type: str = "percent"
    finder_fee_amount: str = "3"
    cart: Cart | None = None
    quote: dict[str, Any] | None = None
    init_order: dict[str, Any] | None = None
    order: dict[str, Any] | None = None
    stage: Stage | None = None
    last_timestamp: str = ""
    sent: list[str] = field(default_factory=list)

    @property
    def order_id(self) -> str | None:
        if self.order is None:
            return None
        value = self.order.get("id")
        return value if isinstance(value, str) else None

    @property
    def delivered(self) -> bool:
        return self.stage is not None and self.stage.order_state == "Completed"


class OrderBook:
    """Transactions by id, oldest forgotten first."""

    def __init__(self, limit: int = MAX_TRANSACTIONS) -> None:
        self._limit = limit
        self._transactions: OrderedDict[str, Transaction] = OrderedDict()

    def get(self, transaction_id: str) -> Transaction:
        """The transaction, created on first use."""
        txn = self._transactions.get(transaction_id)
        if txn is None:
            txn = self._transactions[transaction_id] = Transaction(transaction_id)
            while len(self._transactions) > self._limit:
                self._transactions.popitem(last=False)
        return txn

    def find(self, transaction_id: str) -> Transaction | None:
        return self._transactions.get(transaction_id)

    def __len__(self) -> int:
        return len(self._transactions)
