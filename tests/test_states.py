"""The one table of order and fulfillment states (``ondc_harness.states``).

The reference seller and the transition rules must read the *same* table — if either kept a
copy, a change to one would let the seller pass a flow the rules should fail (or the reverse) —
and the table itself must be coherent: every move lands on a known state, post-order
fulfillments start where they must, the seller's scripts are legal walks.
"""

from __future__ import annotations

import pytest

from ondc_harness import states
from ondc_harness.checks.rules import order_state, transitions
from ondc_harness.reference import journeys, returns


def test_seller_and_rules_share_one_table() -> None:
    assert journeys.FULFILLMENT_TRANSITIONS is states.FULFILLMENT_TRANSITIONS
    assert transitions.FULFILLMENT_TRANSITIONS is states.FULFILLMENT_TRANSITIONS
    assert transitions.ENTRY_STATES is states.ENTRY_STATES
    assert journeys.ORDER_TRANSITIONS is states.ORDER_TRANSITIONS
    assert order_state.ORDER_TRANSITIONS is states.ORDER_TRANSITIONS
    assert order_state.ORDER_STATES is states.ORDER_STATES


def test_the_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        states.FULFILLMENT_TRANSITIONS["Delivery"] = {}  # type: ignore[index]
    with pytest.raises(TypeError):
        states.ORDER_TRANSITIONS["Created"] = frozenset()  # type: ignore[index]


@pytest.mark.parametrize("kind", sorted(states.FULFILLMENT_TRANSITIONS))
def test_every_move_lands_on_a_state_of_the_kind(kind: str) -> None:
    table = states.FULFILLMENT_TRANSITIONS[kind]
    for source, targets in table.items():
        assert targets <= set(table), f"{kind}: {source} → {targets - set(table)}"
        assert source not in targets  # staying is implicit, never listed


def test_order_moves_forward_and_cancels_until_completed() -> None:
    legal = states.order_move_is_legal
    assert legal("Created", "Accepted") and legal("Accepted", "Completed")
    assert legal("In-progress", "Cancelled") and legal("Accepted", "Accepted")
    assert not legal("Completed", "In-progress")
    assert not legal("Completed", "Cancelled")
    assert not legal("Cancelled", "Accepted")
    assert set(states.ORDER_TRANSITIONS) == set(states.ORDER_STATES)


@pytest.mark.parametrize(("kind", "before", "after", "legal"), [
    ("Delivery", "Pending", "Packed", True),
    ("Delivery", "Pending", "Order-picked-up", True),   # optional states may be skipped
    ("Delivery", "Order-delivered", "Packed", False),   # never back
    ("Delivery", "Out-for-delivery", "Cancelled", True),  # RTO cancels the delivery
    ("Delivery", "Order-delivered", "Cancelled", False),
    ("Delivery", "Order-picked-up", "In-transit", False),  # hubs only on P2H2P
    ("Delivery/P2H2P", "Order-picked-up", "In-transit", True),
    ("Delivery", "Out-for-delivery", "Delivery-failed", True),
    ("Delivery", "Delivery-failed", "Out-for-delivery", True),  # another attempt
    ("Self-Pickup", "Packed", "Out-for-delivery", False),
    ("Self-Pickup", "Order-picked-up", "Cancelled", False),  # the buyer has it
    ("Buyer-Delivery", "Packed", "Order-picked-up", True),
    ("RTO", "RTO-Initiated", "RTO-Delivered", True),
    ("RTO", "RTO-Delivered", "RTO-Initiated", False),
    ("Return", "Return_Initiated", "Liquidated", True),
    ("Return", "Return_Initiated", "Return_Picked", False),  # approval first
    ("Return", "Return_Pick_Failed", "Return_Picked", True),  # rescheduled
    ("Return", "Return_Rejected", "Return_Approved", False),
    ("Cancel", "Cancelled", "Cancelled", True),
])
def test_fulfillment_moves(kind: str, before: str, after: str, legal: bool) -> None:
    assert states.fulfillment_move_is_legal(kind, before, after) is legal


def test_kinds_by_type_and_routing() -> None:
    assert states.fulfillment_kind("Delivery") == "Delivery"
    assert states.fulfillment_kind("Delivery", "P2P") == "Delivery"
    assert states.fulfillment_kind("Delivery", "P2H2P") == "Delivery/P2H2P"
    assert states.fulfillment_kind("Return") == "Return"
    assert states.fulfillment_kind("delivery") is None
    assert states.fulfillment_kind(None) is None


def test_post_order_fulfillments_have_an_entry_state() -> None:
    assert states.ENTRY_STATES["RTO"] == {"RTO-Initiated"}
    assert states.ENTRY_STATES["Return"] == {"Return_Initiated"}
    assert states.ENTRY_STATES["Cancel"] == {"Cancelled"}
    with pytest.raises(ValueError, match="cannot start in RTO-Delivered"):
        states.check_path("RTO", ["RTO-Delivered"])
    with pytest.raises(ValueError, match="cannot go from Order-delivered to Packed"):
        states.check_path("Delivery", ["Packed", "Order-delivered", "Packed"], start="Pending")
    with pytest.raises(ValueError, match="not a state"):
        states.check_path("Self-Pickup", ["Out-for-delivery"])


def test_the_seller_scripts_are_legal_walks() -> None:
    for kind, script in journeys.SCRIPTS.items():
        states.check_path(kind, [stage.code for stage in script], start="Pending")
    for outcome in returns.OUTCOMES.values():
        states.check_path("Return", ["Return_Initiated", *outcome])
    states.check_path("Delivery", ["Pending", *returns.REPLACEMENT_STAGES])


def test_every_journey_is_documented_and_known_to_the_seller() -> None:
    assert set(journeys.JOURNEYS) >= {"deliver", "hold", "rto", "merchant_cancel"}
    assert set(returns.OUTCOMES) - {"replace"} <= set(journeys.JOURNEYS)
    assert all(text for text in journeys.JOURNEYS.values())
