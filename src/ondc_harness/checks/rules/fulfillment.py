"""Fulfillment rules (``RET-FULF-…``): how the order reaches the buyer.

Sources: RULES-REFERENCE.md on_select ("each item's fulfillment id exists in fulfillments",
"fulfillment state codes pre-order (Serviceable / Non-serviceable)"), retail-1.2/notes/on_select
([^2]/[^3]: unique fulfillment ids mapped to items; [^6]: TAT; [^8]: state enum),
retail-1.2/enums/fulfillments*.yaml and the 1.2.5 validator (ORDER_FULFILLMENTS).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_str, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import (
    RETAIL,
    fulfillment_refs,
    member,
    order_of,
)
from ondc_harness.checks.rules.discovery import catalogue_of
from ondc_harness.checks.views import shared
from ondc_harness.durations import is_duration, parse_duration

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


@shared
def _fulfillments(payload: Any) -> tuple[tuple[int, dict[str, Any]], ...]:
    """``(index, fulfillment)`` of ``message.order.fulfillments`` (its objects), read once for
    the rules of this module."""
    return tuple(items_of(order_of(payload), "fulfillments"))


@rule("RET-FULF-001", "Every order item's fulfillment_id exists in order.fulfillments",
      Severity.MAJOR, spec=f"{_R} on_select (item fulfillment id exists in fulfillments); "
      f"{_NOTES} [^2]", actions=ORDER_WITH_FULFILLMENTS, domains=RETAIL)
def item_fulfillment_exists(ctx: CheckContext) -> Iterator[Violation]:
    """An item mapped to an unknown fulfillment has no delivery terms, TAT or charge."""
    items = order_of(ctx.payload).get("items")
    if not isinstance(items, list) or not items:
        return
    known = {f["id"] for _, f in _fulfillments(ctx.payload) if isinstance(f.get("id"), str)}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        ref = item.get("fulfillment_id")
        if isinstance(ref, str) and ref in known and "fulfillment_ids" not in item:
            continue  # the usual line: one known fulfillment (fulfillment_refs would say so)
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
    seen: set[str] = set()
    for index, fulfillment in _fulfillments(ctx.payload):
        fid = fulfillment.get("id")
        if not isinstance(fid, str):
            continue
        if fid in seen:
            yield Violation(_fulfillments_path(index, "id"),
                            f"fulfillment id {fid!r} is used more than once",
                            expected="a unique id", actual=fid)
        seen.add(fid)


@rule("RET-FULF-003", "on_select fulfillment state is Serviceable or Non-serviceable",
      Severity.MAJOR, spec=f"{_R} on_select (pre-order state codes); {_NOTES} [^8]; "
      f"{_DSL} FULFILLMENTS_STATE_CODE", actions=["on_select"], domains=RETAIL)
def serviceability_state(ctx: CheckContext) -> Iterator[Violation]:
    """The state code is the seller's serviceability verdict for the buyer's address."""
    for index, fulfillment in _fulfillments(ctx.payload):
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
    for index, fulfillment in _fulfillments(ctx.payload):
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
    for index, fulfillment in _fulfillments(ctx.payload):
        if "type" in fulfillment and not member(fulfillment["type"], FULFILLMENT_TYPES):
            yield Violation(_fulfillments_path(index, "type"), "unknown fulfillment type",
                            expected=sorted(FULFILLMENT_TYPES), actual=fulfillment["type"])


def _seconds(value: object) -> float | None:
    """A duration in seconds, ``None`` when it is not one (RET-FULF-004 and RET-CAT-055 report
    those)."""
    if not isinstance(value, str):
        return None
    try:
        return parse_duration(value)
    except ValueError:
        return None


@rule("RET-FULF-006", "A delivery's @ondc/org/TAT (order to delivery) is longer than the longest "
      "@ondc/org/time_to_ship (order to ship) in on_search of the items it delivers",
      Severity.MAJOR, spec=f"{_R} on_select (TAT > time_to_ship); "
      f"retail-1.2/notes/on_select/on_select_item_in_stock.yaml [^6]; "
      f"on_select_enable_self_pickup.yaml [^2]", actions=["on_select"], domains=RETAIL)
def tat_after_time_to_ship(ctx: CheckContext) -> Iterator[Violation]:
    """O2D TAT = max(time_to_ship of the items in the fulfillment) + the courier's S2D time
    (notes [^6]), so a delivery promised no later than the goods are ready to ship is not a
    promise anyone can keep (the official validator: "TAT (O2D) can't be equal to
    time_to_ship (O2S)").

    - Only ``Delivery`` fulfillments (the type of on_select, else of the catalogue fulfillment
      with that id): a Self-Pickup or Buyer-Delivery TAT *is* the O2S time (notes
      on_select_enable_self_pickup [^4], [^6]), equal to time_to_ship by design.  A
      Non-serviceable fulfillment promises nothing and is skipped.
    - Each delivery fulfillment is compared with the items it carries (items whose
      fulfillment_id names it: notes [^6] "items in the fulfillment"); an option no item names
      (on_select_multiple_pickup.yaml: items name the default F1, F2 is an alternative
      delivery for the same cart) carries the whole order ("max of time_to_ship for items in
      order", enable_self_pickup [^2]).
    - time_to_ship is read from the flow's on_search messages, a later one overriding an
      earlier one item by item (an incremental refresh replaces an item's record), i.e. the
      latest catalogue the buyer saw.  Items not in on_search (customisations usually have
      no time_to_ship), and TATs or time_to_ship that are not durations, are skipped: the
      format rules report those.
    """
    order = order_of(ctx.payload)
    catalogue = catalogue_of(ctx.earlier)
    pid = get(order, "provider", "id")
    if catalogue is None or not isinstance(pid, str) or pid not in catalogue:
        return
    view = catalogue[pid]
    carried: dict[str, list[str]] = {}
    all_items: list[str] = []
    for _, item in items_of(order, "items"):
        if not isinstance(item.get("id"), str):
            continue
        all_items.append(item["id"])
        for _, ref in fulfillment_refs(item):
            if isinstance(ref, str):
                carried.setdefault(ref, []).append(item["id"])
    for index, fulfillment in items_of(order, "fulfillments"):
        fid = fulfillment.get("id")
        kind = fulfillment.get("type", MISSING)
        if kind is MISSING and isinstance(fid, str):
            kind = view.fulfillments.get(fid, {}).get("type", MISSING)
        if kind != "Delivery" or get_str(fulfillment, "state", "descriptor", "code") in (
                "Non-serviceable", "Non-Serviceable"):
            continue
        tat = _seconds(fulfillment.get("@ondc/org/TAT"))
        if tat is None:
            continue
        ships = carried.get(fid, []) if isinstance(fid, str) else []
        slowest: tuple[float, str, str] | None = None
        for item_id in ships or all_items:
            text = view.items.get(item_id, {}).get("@ondc/org/time_to_ship")
            seconds = _seconds(text)
            if seconds is not None and isinstance(text, str) and (
                    slowest is None or seconds > slowest[0]):
                slowest = (seconds, text, item_id)
        if slowest is not None and tat <= slowest[0]:
            yield Violation(_fulfillments_path(index, "@ondc/org/TAT"),
                            f"fulfillment {fid!r} promises delivery no later than item "
                            f"{slowest[2]!r} is ready to ship (time_to_ship {slowest[1]} in "
                            "on_search)", expected=f"longer than {slowest[1]}",
                            actual=fulfillment["@ondc/org/TAT"])
