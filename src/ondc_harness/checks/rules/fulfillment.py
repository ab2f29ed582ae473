"""Fulfillment rules (``RET-FULF-…``): how the order reaches the buyer.

Sources: RULES-REFERENCE.md on_select ("each item's fulfillment id exists in fulfillments",
"fulfillment state codes pre-order (Serviceable / Non-serviceable)"), retail-1.2/notes/on_select
([^2]/[^3]: unique fulfillment ids mapped to items; [^6]: TAT; [^8]: state enum),
retail-1.2/enums/fulfillments*.yaml and the 1.2.5 validator (ORDER_FULFILLMENTS).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Final

from ondc_harness.checks.access import MISSING, get, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import (
    RETAIL,
    fulfillment_ids,
    fulfillment_refs,
    member,
    order_of,
)
from ondc_harness.durations import is_duration

_R = "RULES-REFERENCE.md"
_NOTES = "retail-1.2/notes/on_select/on_select.yaml"
_DSL = "automation-1.2.5/RET11-1.2.5/validations/index.yaml"

#: Messages whose ``order`` maps items to fulfillments (select has no fulfillment ids yet).
ORDER_WITH_FULFILLMENTS: Final = ("on_select", "init", "on_init", "confirm", "on_confirm",
                                  "on_status", "on_cancel", "on_update")

#: Pre-order states.  1.2.5 notes and validator spell "Non-serviceable"; the 1.2.0 enum file
#: (enums/fulfillments_state_select.yaml) spells "Non-Serviceable"; both are accepted.
SERVICEABILITY: Final = frozenset({"Serviceable", "Non-serviceable", "Non-Serviceable"})

#: Fulfillment types: forward types from enums/fulfillments.yaml and the 1.2.5 attributes
#: (Buyer-Delivery), plus the types on_cancel/on_update add (Cancel, Return, RTO; see
#: Examples/B2C/on_cancel, on_update and the RTO flows).
FULFILLMENT_TYPES: Final = frozenset({"Delivery", "Self-Pickup", "Buyer-Delivery",
                                      "Delivery and Self-Pickup", "Cancel", "Return", "RTO"})


def _fulfillments_path(*parts: str | int) -> str:
    return json_path("message", "order", "fulfillments", *parts)


@rule("RET-FULF-001", "Every order item's fulfillment_id exists in order.fulfillments",
      Severity.MAJOR, spec=f"{_R} on_select (item fulfillment id exists in fulfillments); "
      f"{_NOTES} [^2]", actions=ORDER_WITH_FULFILLMENTS, domains=RETAIL)
def item_fulfillment_exists(ctx: CheckContext) -> Iterator[Violation]:
    """An item mapped to an unknown fulfillment has no delivery terms, TAT or charge."""
    order = order_of(ctx.payload)
    known = set(fulfillment_ids(order))
    for index, item in items_of(order, "items"):
        for parts, ref in fulfillment_refs(item):
            if not member(ref, known):
                yield Violation(json_path("message", "order", "items", index, *parts),
                                f"item {item.get('id')!r} refers to fulfillment {ref!r}, which "
                                "is not in order.fulfillments", expected=sorted(known),
                                actual=ref)


@rule("RET-FULF-002", "Fulfillment ids are unique within the order", Severity.MAJOR,
      spec=f"{_NOTES} [^2] (unique fulfillment id for provider and order)",
      actions=ORDER_WITH_FULFILLMENTS, domains=RETAIL)
def fulfillment_ids_unique(ctx: CheckContext) -> Iterator[Violation]:
    """Two fulfillments with one id make every item and breakup reference ambiguous."""
    seen: Counter[str] = Counter()
    for index, fulfillment in items_of(order_of(ctx.payload), "fulfillments"):
        fid = fulfillment.get("id")
        if not isinstance(fid, str):
            continue
        if seen[fid]:
            yield Violation(_fulfillments_path(index, "id"),
                            f"fulfillment id {fid!r} is used more than once",
                            expected="a unique id", actual=fid)
        seen[fid] += 1


@rule("RET-FULF-003", "on_select fulfillment state is Serviceable or Non-serviceable",
      Severity.MAJOR, spec=f"{_R} on_select (pre-order state codes); {_NOTES} [^8]; "
      f"{_DSL} FULFILLMENTS_STATE_CODE", actions=["on_select"], domains=RETAIL)
def serviceability_state(ctx: CheckContext) -> Iterator[Violation]:
    """The state code is the seller's serviceability verdict for the buyer's address."""
    for index, fulfillment in items_of(order_of(ctx.payload), "fulfillments"):
        code = get(fulfillment, "state", "descriptor", "code")
        if not member(code, SERVICEABILITY):
            yield Violation(_fulfillments_path(index, "state", "descriptor", "code"),
                            "on_select fulfillment state must say whether the address is "
                            "serviceable", expected=["Serviceable", "Non-serviceable"],
                            actual=None if code is MISSING else code)


@rule("RET-FULF-004", "@ondc/org/TAT is an ISO 8601 duration", Severity.MAJOR,
      spec=f"{_NOTES} [^6] (O2D TAT); {_DSL} FULFILLMENTS_TAT", actions=ORDER_WITH_FULFILLMENTS,
      domains=RETAIL)
def tat_duration(ctx: CheckContext) -> Iterator[Violation]:
    """The TAT is the delivery promise; "60 min" cannot be turned into a due time."""
    for index, fulfillment in items_of(order_of(ctx.payload), "fulfillments"):
        if "@ondc/org/TAT" in fulfillment and not is_duration(fulfillment["@ondc/org/TAT"]):
            yield Violation(_fulfillments_path(index, "@ondc/org/TAT"),
                            "TAT is not an ISO 8601 duration", expected="a duration like PT60M",
                            actual=fulfillment["@ondc/org/TAT"])


@rule("RET-FULF-005", "Fulfillment type is a Retail fulfillment type", Severity.MAJOR,
      spec="retail-1.2/enums/fulfillments.yaml type; automation-1.2.5/RET11-1.2.5/attributes/"
      "F_B.yaml fulfillments.type", actions=ORDER_WITH_FULFILLMENTS, domains=RETAIL)
def fulfillment_type(ctx: CheckContext) -> Iterator[Violation]:
    """Routing (delivery, pickup, RTO) and settlement depend on the type; "delivery" in lower
    case (seen in real logs) matches none of them."""
    for index, fulfillment in items_of(order_of(ctx.payload), "fulfillments"):
        if "type" in fulfillment and not member(fulfillment["type"], FULFILLMENT_TYPES):
            yield Violation(_fulfillments_path(index, "type"), "unknown fulfillment type",
                            expected=sorted(FULFILLMENT_TYPES), actual=fulfillment["type"])
