"""Order and fulfillment states of Retail 1.2.x, and the legal moves between them: ONE table.

Both sides of the harness read this module, so they cannot drift apart:

* the reference seller (:mod:`ondc_harness.reference.journeys`) moves its orders only along
  these transitions (and refuses to build a script that does not), and
* the rules (:mod:`ondc_harness.checks.rules.transitions`, and the order-state rules of
  :mod:`ondc_harness.checks.rules.order_state`) report any message that moves a state otherwise.

Sources: retail-1.2/enums/order.yaml and fulfillments.yaml (state enums), the 1.2.5 validator
(automation-1.2.5/RET11-1.2.5/validations/index.yaml: on_status and on_cancel state enums, RTO
states), the 1.2.0 return examples (retail-1.2/Examples/B2C/on_update: Return_Initiated,
Return_Approved, Return_Picked, Return_Pick_Failed, Return_Failed, Return_Delivered, Liquidated,
Return_Rejected), RULES-REFERENCE.md ("order state Accepted → In-progress → Completed";
"fulfillment state ... transitions legal for the routing (P2P, P2H2P)").

The model, stated once:

* **Order**: Created → Accepted → In-progress → Completed, forward only (a step may be skipped:
  a self-pickup order can be Completed straight from Accepted); every state but Completed may
  end in Cancelled.  Returns and replacements happen on a Completed order and leave it Completed.
* **Forward fulfillments** (Delivery, Self-Pickup, Buyer-Delivery) follow a sequence per type
  and routing; a fulfillment moves forward along it (optional states such as Agent-assigned may
  be skipped, never revisited), may fail and retry where the network allows it (Pickup-failed,
  Delivery-failed), and may be Cancelled until it is delivered.
* **Post-order fulfillments** are created by the seller in a fixed first state: a Cancel
  fulfillment is born Cancelled and stays so; an RTO starts RTO-Initiated and ends Delivered or
  Disposed; a Return starts Return_Initiated and ends Liquidated, Return_Delivered,
  Return_Rejected or Return_Failed.

Staying in the same state is always legal (a repeated on_status); everything else not listed is
illegal.  The tables are read-only mappings of frozensets, built once at import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Final

# -- order ------------------------------------------------------------------------------------
ORDER_SEQUENCE: Final = ("Created", "Accepted", "In-progress", "Completed")
"""The forward life of an order."""

CANCELLED: Final = "Cancelled"
ORDER_STATES: Final = (*ORDER_SEQUENCE, CANCELLED)
"""Every order state (retail-1.2/enums/order.yaml)."""


def _forward(sequence: Iterable[str], *, cancellable_until: str | None = None,
             extra: Mapping[str, Iterable[str]] | None = None) -> Mapping[str, frozenset[str]]:
    """Each state of ``sequence`` → the later states, plus Cancelled before ``cancellable_until``
    (exclusive; ``None``: no cancellation), plus ``extra`` edges."""
    states = list(sequence)
    stop = states.index(cancellable_until) if cancellable_until in states else len(states)
    table: dict[str, set[str]] = {}
    for index, state in enumerate(states):
        table[state] = set(states[index + 1:])
        if cancellable_until is not None and index < stop:
            table[state].add(CANCELLED)
    for state, targets in (extra or {}).items():
        table.setdefault(state, set()).update(targets)
    if cancellable_until is not None:
        table.setdefault(CANCELLED, set())
    return MappingProxyType({state: frozenset(targets) for state, targets in table.items()})


ORDER_TRANSITIONS: Final = _forward(ORDER_SEQUENCE, cancellable_until="Completed")
"""Order state → the states it may move to (besides staying)."""

# -- fulfillments -----------------------------------------------------------------------------
DELIVERY_P2P: Final = ("Pending", "Packed", "Agent-assigned", "At-pickup", "Order-picked-up",
                       "Out-for-delivery", "At-delivery", "Order-delivered")
"""A seller's own or a hyperlocal courier's delivery (routing P2P)."""

DELIVERY_P2H2P: Final = ("Pending", "Packed", "Agent-assigned", "At-pickup", "Order-picked-up",
                         "In-transit", "At-destination-hub", "Out-for-delivery", "At-delivery",
                         "Order-delivered")
"""A courier through hubs (routing P2H2P): picked up, then in transit and at the hub."""

SELF_PICKUP: Final = ("Pending", "Packed", "Order-picked-up", "Order-delivered")
"""The buyer collects at the store: picked up by the buyer, then closed as delivered."""

BUYER_DELIVERY: Final = ("Pending", "Packed", "Agent-assigned", "Order-picked-up",
                         "Out-for-delivery", "Order-delivered")
"""The buyer app's own logistics collects; the buyer app reports the states by update."""

RTO: Final = ("RTO-Initiated", "RTO-Delivered", "RTO-Disposed")
RETURN: Final = ("Return_Initiated", "Return_Approved", "Return_Rejected", "Liquidated",
                 "Return_Pick_Failed", "Return_Picked", "Return_Delivered", "Return_Failed")

_PICKUP_RETRY = {"Pickup-failed": ("Agent-assigned", "At-pickup", "Order-picked-up", CANCELLED),
                 "Agent-assigned": ("Pickup-failed",), "At-pickup": ("Pickup-failed",)}
_DELIVERY_RETRY = {"Delivery-failed": ("Out-for-delivery", "At-delivery", CANCELLED),
                   "Out-for-delivery": ("Delivery-failed",), "At-delivery": ("Delivery-failed",)}

FULFILLMENT_TRANSITIONS: Final[Mapping[str, Mapping[str, frozenset[str]]]] = MappingProxyType({
    "Delivery": _forward(DELIVERY_P2P, cancellable_until="Order-delivered",
                         extra={**_PICKUP_RETRY, **_DELIVERY_RETRY}),
    "Delivery/P2H2P": _forward(DELIVERY_P2H2P, cancellable_until="Order-delivered",
                               extra={**_PICKUP_RETRY, **_DELIVERY_RETRY}),
    "Self-Pickup": _forward(SELF_PICKUP, cancellable_until="Order-picked-up"),
    "Buyer-Delivery": _forward(BUYER_DELIVERY, cancellable_until="Order-picked-up"),
    "Cancel": MappingProxyType({CANCELLED: frozenset()}),
    "RTO": MappingProxyType({
        "RTO-Initiated": frozenset({"RTO-Delivered", "RTO-Disposed"}),
        "RTO-Delivered": frozenset(),
        "RTO-Disposed": frozenset(),
    }),
    "Return": MappingProxyType({
        "Return_Initiated": frozenset({"Return_Approved", "Return_Rejected", "Liquidated"}),
        "Return_Approved": frozenset({"Liquidated", "Return_Picked", "Return_Pick_Failed",
                                      "Return_Failed"}),
        # A failed pickup is rescheduled (picked on a later attempt) or given up.
        "Return_Pick_Failed": frozenset({"Return_Picked", "Return_Failed"}),
        "Return_Picked": frozenset({"Return_Delivered", "Return_Failed"}),
        "Return_Rejected": frozenset(),
        "Liquidated": frozenset(),
        "Return_Delivered": frozenset(),
        "Return_Failed": frozenset(),
    }),
})
"""Fulfillment kind → state → the states it may move to (besides staying)."""

ENTRY_STATES: Final[Mapping[str, frozenset[str]]] = MappingProxyType({
    "Cancel": frozenset({CANCELLED}),
    "RTO": frozenset({"RTO-Initiated"}),
    "Return": frozenset({"Return_Initiated"}),
})
"""The state a post-order fulfillment is created in.  Forward kinds may be first seen in any of
their states (a log may start after confirmation)."""

PRE_ORDER_STATES: Final = frozenset({"Serviceable", "Non-serviceable", "Non-Serviceable"})
"""on_select/on_init serviceability codes: not part of the post-confirmation life."""

FULFILLMENT_TYPES: Final = ("Delivery", "Self-Pickup", "Buyer-Delivery", "Cancel", "RTO",
                            "Return")


def fulfillment_kind(fulfillment_type: object, routing: object = None) -> str | None:
    """The table key for a fulfillment: its type, and for a Delivery its routing.

    ``None`` when the type is not one the table knows (the fulfillment-type rule reports it).
    """
    if fulfillment_type == "Delivery" and routing == "P2H2P":
        return "Delivery/P2H2P"
    if isinstance(fulfillment_type, str) and fulfillment_type in FULFILLMENT_TRANSITIONS:
        return fulfillment_type
    return None


@cache  # the tables are fixed; rules ask for every fulfillment they see
def states_of(kind: str) -> frozenset[str]:
    """Every state a fulfillment of ``kind`` can be in."""
    table = FULFILLMENT_TRANSITIONS[kind]
    return frozenset(table) | frozenset().union(*table.values())


def order_move_is_legal(before: str, after: str) -> bool:
    """Whether an order may go from ``before`` to ``after`` (staying is legal)."""
    return before == after or after in ORDER_TRANSITIONS.get(before, frozenset())


def fulfillment_move_is_legal(kind: str, before: str, after: str) -> bool:
    """Whether a fulfillment of ``kind`` may go from ``before`` to ``after``."""
    if before == after:
        return True
    return after in FULFILLMENT_TRANSITIONS.get(kind, {}).get(before, frozenset())


def check_path(kind: str, path: Iterable[str], start: str | None = None) -> None:
    """Raise ``ValueError`` unless ``path`` is a legal walk for ``kind`` (from ``start``).

    The reference seller validates each of its scripts with this, so a script that the rules
    would flag cannot be written.
    """
    current = start
    entry = ENTRY_STATES.get(kind)
    for state in path:
        if current is None:
            if entry is not None and state not in entry:
                raise ValueError(f"a {kind} fulfillment cannot start in {state}; it starts in "
                                 f"{', '.join(sorted(entry))}")
            if state not in states_of(kind):
                raise ValueError(f"{state} is not a state of a {kind} fulfillment")
        elif not fulfillment_move_is_legal(kind, current, state):
            raise ValueError(f"a {kind} fulfillment cannot go from {current} to {state}")
        current = state
