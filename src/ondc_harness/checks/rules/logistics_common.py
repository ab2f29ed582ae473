"""Helpers shared by the logistics rule modules (``logistics_*.py``); registers no rule.

Logistics (a seller app or buyer app — the *LBNP* — ordering delivery from a logistics service
provider, the *LSP*) travels as ``nic2004:60232`` (core_version 1.0.0–1.2.0) and, from 1.2.5, as
``ONDC:LOG10`` (hyperlocal, point to point: P2P) and ``ONDC:LOG11`` (inter-city, point to hub to
point: P2H2P).  B2B logistics 2.0 reuses the LOG10/LOG11 domain codes with ``context.version``
2.0.x and another message shape, so every logistics rule is scoped to the 1.x versions.

Sources (paths relative to the reference pack): ``automation-1.2.5/logistics-1.2.5`` and
``automation-1.2.5/LOG11-1.2.5`` (``validations/index.yaml``: the official rule DSL;
``attributes/*.yaml``: field tables; ``flows/``: concrete payloads; ``errors/index.yaml``),
``seed-examples/logistics_*.json`` (a 1.0.0 exchange) and the certification logs.

Everything here reads untrusted payloads and never raises: unexpected shapes read as absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_dict, get_list, items_of
from ondc_harness.checks.catalog import CheckContext
from ondc_harness.checks.findings import json_path
from ondc_harness.checks.rules._common import (
    earlier,
    is_solicited_callback,
    numeric,
    order_of,
    parse_timestamp,
)
from ondc_harness.checks.rules._common import latest as latest
from ondc_harness.message import Message

# -- scope -------------------------------------------------------------------------------------
LOGISTICS: Final = ("nic2004:60232", "ONDC:LOG10", "ONDC:LOG11")
"""Logistics domain codes (validations/index.yaml REQUIRED_CONTEXT_DOMAIN enumList)."""
P2P_DOMAIN: Final = "ONDC:LOG10"
P2H2P_DOMAIN: Final = "ONDC:LOG11"

V1: Final = ("1.0.0", "1.1.0", "1.2.0", "1.2.5")
"""Every 1.x logistics core_version (PROTOCOL.md: logistics used 1.0.0, 1.1.0, 1.2.0; the pack
adds 1.2.5).  B2B 2.0 shares the domain codes but not the shape, so rules name these."""
V11: Final = ("1.1.0", "1.2.0", "1.2.5")
V12: Final = ("1.2.0", "1.2.5")
V125: Final = ("1.2.5",)

# -- spec references ---------------------------------------------------------------------------
DSL10: Final = "automation-1.2.5/logistics-1.2.5/validations/index.yaml"
DSL11: Final = "automation-1.2.5/LOG11-1.2.5/validations/index.yaml"
ATTR10: Final = "automation-1.2.5/logistics-1.2.5/attributes/Logistics__P2P_.yaml"
ATTR11: Final = "automation-1.2.5/LOG11-1.2.5/attributes/Logistics__P2H2P_.yaml"
FLOWS10: Final = "automation-1.2.5/logistics-1.2.5/flows/Logistics (P2P)"
FLOWS11: Final = "automation-1.2.5/LOG11-1.2.5/flows/Logistics (P2H2P)"
ERRORS: Final = "automation-1.2.5/logistics-1.2.5/errors/index.yaml"
SEED: Final = "seed-examples/logistics_*.json"
REF: Final = "RULES-REFERENCE.md"

# -- enums -------------------------------------------------------------------------------------
CATEGORIES: Final = frozenset({"Express Delivery", "Standard Delivery", "Immediate Delivery",
                               "Next Day Delivery", "Same Day Delivery", "Instant Delivery"})
"""Logistics categories (validations/index.yaml REQUIRED_MESSAGE_ID enumList on search)."""
PAYMENT_TYPES: Final = frozenset({"ON-ORDER", "ON-FULFILLMENT", "POST-FULFILLMENT"})
COD_PAYMENT: Final = "ON-FULFILLMENT"
POST_FULFILLMENT: Final = "POST-FULFILLMENT"

DELIVERY: Final = "Delivery"
RTO: Final = "RTO"
BATCH: Final = "Batch"
FULFILLMENT_TYPES: Final = frozenset({"Delivery", "Return", "RTO", "FIFO", "FTL", BATCH})
"""Delivery, Return and RTO are the validator's enum (VALID_ENUM_MESSAGE_TYPE); FIFO, FTL and
Batch are the fulfillment types of the pack's own FIFO_FLOW, ORDER_FLOW_B2B and
QUICK_COMMERCE_FLOW examples (Batch books riders at a store: no drop point, priced per rider)."""

CANCELLED: Final = "Cancelled"
RTO_MARK: Final = "RTO"
"""1.2.5 marks the forward fulfillment ``RTO`` when it turns back (RTO_FLOW on_cancel;
on_cancel VALID_ENUM_MESSAGE_CODE_9)."""
RTO_INITIATED: Final = "RTO-Initiated"
RTO_STATES: Final = frozenset({"RTO-Initiated", "RTO-Delivered", "RTO-Disposed"})
RTO_ENDED: Final = frozenset({"RTO-Delivered", "RTO-Disposed"})

P2P_STATES: Final = frozenset({
    "Pending", "Searching-for-Agent", "Agent-assigned", "At-pickup", "Order-picked-up",
    "Out-for-delivery", "At-delivery", "Order-delivered", "Cancelled", RTO_MARK})
"""ONDC:LOG10 forward states (validations/index.yaml valid_LOG10_fulfillment_states) plus the
``RTO`` mark."""
P2H2P_STATES: Final = frozenset({
    "Pending", "Searching-for-Agent", "Agent-assigned", "Out-for-pickup", "Pickup-failed",
    "Pickup-rescheduled", "Order-picked-up", "In-transit", "At-destination-hub",
    "Out-for-delivery", "Delivery-failed", "Delivery-rescheduled", "Order-delivered",
    "Cancelled", RTO_MARK})
"""ONDC:LOG11 forward states (LOG11 validations valid_LOG11_fulfillment_states) plus ``RTO``."""
ANY_FORWARD_STATES: Final = P2P_STATES | P2H2P_STATES
"""nic2004:60232 does not say its routing in the domain: the shared enum (on_confirm
VALID_ENUM_MESSAGE_CODE_9, without the RTO-* states) applies."""

#: Forward states by stage: a fulfillment never goes back to an earlier stage.  Within the
#: pre-pickup stage an agent may be re-assigned and a pickup retried; within the last mile a
#: delivery may fail and be re-attempted; in transit a shipment may pass several hubs.
STAGE: Final = {
    "Pending": 0,
    "Searching-for-Agent": 1, "Agent-assigned": 1, "Out-for-pickup": 1, "At-pickup": 1,
    "Pickup-failed": 1, "Pickup-rescheduled": 1,
    "Order-picked-up": 2,
    "In-transit": 3, "At-destination-hub": 3,
    "Out-for-delivery": 4, "At-delivery": 4, "Delivery-failed": 4, "Delivery-rescheduled": 4,
    "Order-delivered": 5,
}
PICKED_UP_STAGE: Final = 2
DELIVERED: Final = "Order-delivered"
ENDED: Final = frozenset({CANCELLED, RTO_MARK})
"""Forward fulfillment states that end its journey (besides delivery)."""

ORDER_STATES: Final = ("Created", "Accepted", "In-progress", "Completed")
"""The forward order states; Cancelled ends an order from any of them (on_cancel enum)."""

TAGGED_ORDER_ACTIONS: Final = ("on_confirm", "on_status", "on_update", "on_cancel")
"""Callbacks that report the fulfillments' states after confirmation."""

_GPS = re.compile(r"^\s*(-?\d{1,3}(?:\.(\d+))?)\s*,\s*(-?\d{1,3}(?:\.(\d+))?)\s*$")
_WEIGHT_GRAMS: Final = {"kilogram": Decimal(1000), "kilograms": Decimal(1000), "kg": Decimal(1000),
                        "gram": Decimal(1), "grams": Decimal(1), "g": Decimal(1)}


# -- paths and reading -------------------------------------------------------------------------
def opath(*parts: str | int) -> str:
    """JSONPath under ``message.order``."""
    return json_path("message", "order", *parts)


def fulfillments(payload: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    return items_of(order_of(payload), "fulfillments")


def state_code(fulfillment: dict[str, Any]) -> str | None:
    code = get(fulfillment, "state", "descriptor", "code")
    return code if isinstance(code, str) else None


def tag_groups(tags: Any, group: str) -> Iterator[dict[str, Any]]:
    """Every ``{code: group, list: [...]}`` of a 1.2 tag list."""
    for _, tag in items_of(tags):
        if tag.get("code") == group:
            yield tag


def tag_value(tags: Any, group: str, code: str) -> Any:
    """The value of ``code`` in the first ``group`` (any JSON type), :data:`MISSING` if absent.

    1.2.x tags are ``[{code, list: [{code, value}]}]``; 1.0.0 sent a flat object
    (``{"@ondc/org/order_ready_to_ship": "no"}``, seed-examples/logistics_confirm.json), which
    has no groups and reads as absent here.
    """
    for tag in tag_groups(tags, group):
        for _, entry in items_of(tag, "list"):
            if entry.get("code") == code:
                return entry.get("value", MISSING)
    return MISSING


def yes(value: Any) -> bool | None:
    """A logistics yes/no flag: ``true``/``"yes"``/``"Y"``/``"true"`` → True, the negatives →
    False, anything else → None (1.2.0 writes "yes"/"no", 1.2.5 booleans)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("yes", "y", "true"):
            return True
        if text in ("no", "n", "false"):
            return False
    return None


def gps(value: Any) -> tuple[Decimal, Decimal] | None:
    """``"12.9716,77.5946"`` (spaces tolerated) as (lat, lng) when within range, else None."""
    if not isinstance(value, str):
        return None
    match = _GPS.match(value)
    if match is None:
        return None
    lat, lng = Decimal(match.group(1)), Decimal(match.group(3))
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return lat, lng


def gps_decimals(value: str) -> int:
    """The smaller number of decimal places of the two coordinates (0 for unparsable text)."""
    match = _GPS.match(value)
    if match is None:
        return 0
    return min(len(match.group(2) or ""), len(match.group(4) or ""))


def same_place(a: Any, b: Any) -> bool:
    """Two GPS strings name the same point (numbers compared, spacing and zeros ignored)."""
    pa, pb = gps(a), gps(b)
    return pa is not None and pa == pb


def grams(weight: Any) -> Decimal | None:
    """``{unit, value}`` in grams (kilogram/gram, case-insensitive), else None."""
    if not isinstance(weight, dict):
        return None
    unit, value = weight.get("unit"), numeric(weight.get("value"))
    if not isinstance(unit, str) or value is None:
        return None
    factor = _WEIGHT_GRAMS.get(unit.strip().lower())
    return None if factor is None else value * factor


def place(endpoint: Any) -> dict[str, Any]:
    """What identifies a pickup or drop point: gps (as numbers) and area code.

    GPS is normalised (``"30.74, 76.64"`` and ``"30.74,76.64"`` are one point) so that a
    comparison reports a moved point, not a reformatted one.
    """
    out: dict[str, Any] = {}
    raw = get(endpoint, "location", "gps")
    if raw is not MISSING:
        point = gps(raw)
        out["gps"] = f"{point[0].normalize()},{point[1].normalize()}" if point else raw
    area = get(endpoint, "location", "address", "area_code")
    if area is not MISSING:
        out["area_code"] = area
    return out


# -- history -----------------------------------------------------------------------------------
def ids_of(elements: Any, key: str = "id") -> set[str]:
    """The string values of ``key`` over a list of objects (non-strings never match)."""
    return {e[key] for _, e in items_of(elements) if isinstance(e.get(key), str)}


def by_id(elements: Any) -> dict[str, dict[str, Any]]:
    """The objects of a list by their string ``id`` (the first of each id)."""
    out: dict[str, dict[str, Any]] = {}
    for _, element in items_of(elements):
        if isinstance(element.get("id"), str):
            out.setdefault(element["id"], element)
    return out


def catalogue_providers(ctx: CheckContext) -> dict[str, dict[str, Any]] | None:
    """Providers of the latest on_search (by id), or None without an on_search."""
    on_search = latest(ctx, "on_search")
    if on_search is None:
        return None
    return {p["id"]: p for _, p in items_of(on_search.body, "catalog", "bpp/providers")
            if isinstance(p.get("id"), str)}


def catalogue_items(ctx: CheckContext) -> dict[str, dict[str, Any]]:
    """Items of every provider of the latest on_search, by id."""
    out: dict[str, dict[str, Any]] = {}
    for provider in (catalogue_providers(ctx) or {}).values():
        for _, item in items_of(provider, "items"):
            if isinstance(item.get("id"), str):
                out.setdefault(item["id"], item)
    return out


def solicited(ctx: CheckContext) -> bool:
    """The message under check answers a request of this flow (by message_id)."""
    return is_solicited_callback(ctx.message, earlier(ctx))


def fulfillment_history(ctx: CheckContext, fid: str) -> list[tuple[str, str, Message]]:
    """(state, type, message) of fulfillment ``fid`` in every earlier post-confirm callback."""
    out: list[tuple[str, str, Message]] = []
    for message in earlier(ctx):
        if message.action not in TAGGED_ORDER_ACTIONS:
            continue
        for _, fulfillment in fulfillments(message.payload):
            code = state_code(fulfillment)
            if fulfillment.get("id") == fid and code is not None:
                kind = fulfillment.get("type")
                out.append((code, kind if isinstance(kind, str) else "", message))
    return out


def previous_state(ctx: CheckContext, fid: str) -> tuple[str, str] | None:
    """(state, action) of fulfillment ``fid`` in the latest earlier post-confirm callback."""
    history = fulfillment_history(ctx, fid)
    if not history:
        return None
    code, _, message = history[-1]
    return code, message.action


def forward_states(domain: str) -> frozenset[str]:
    """The forward-fulfillment states of a domain (P2P, P2H2P, or either for nic2004)."""
    if domain == P2P_DOMAIN:
        return P2P_STATES
    if domain == P2H2P_DOMAIN:
        return P2H2P_STATES
    return ANY_FORWARD_STATES


def routing(ctx: CheckContext) -> str | None:
    """P2P or P2H2P: by domain (1.2.5), else by the items' ``descriptor.code`` (1.2.0 on_search,
    init and confirm carry it: attributes items.descriptor.code), else None."""
    if ctx.message.domain == P2P_DOMAIN:
        return "P2P"
    if ctx.message.domain == P2H2P_DOMAIN:
        return "P2H2P"
    for message in (ctx.message, *reversed(earlier(ctx))):
        for _, item in items_of(order_of(message.payload), "items"):
            code = get(item, "descriptor", "code")
            if code in ("P2P", "P2H2P"):
                return str(code)
    return None


def payment_type(ctx: CheckContext) -> str | None:
    """The order's payment type: this message's, else the latest earlier order message's."""
    for message in (ctx.message, *reversed(earlier(ctx))):
        value = get(order_of(message.payload), "payment", "type")
        if isinstance(value, str):
            return value
    return None


def is_cod(ctx: CheckContext) -> bool:
    """Cash on delivery: payment type ON-FULFILLMENT (1.2.0) or a ``linked_order`` tag with
    ``cod_order`` yes (1.2.5 CASH_ON_DELIVERY_FLOW), in this message or an earlier one."""
    if payment_type(ctx) == COD_PAYMENT:
        return True
    for message in (ctx.message, *earlier(ctx)):
        body = message.body
        for tags in (get(body, "intent", "fulfillment", "tags"),
                     *(f.get("tags") for _, f in fulfillments(message.payload))):
            if yes(tag_value(tags, "linked_order", "cod_order")):
                return True
    return False


def timestamp_at(obj: Any, *parts: str | int) -> datetime | None:
    return parse_timestamp(get(obj, *parts))


def amount(value: Any) -> Decimal | None:
    """:func:`_common.numeric` under a shorter name (finite, sane magnitude, else None)."""
    return numeric(value)


def order_tags(payload: Any) -> list[Any]:
    return get_list(order_of(payload), "tags")


def linked_order(payload: Any) -> dict[str, Any]:
    return get_dict(order_of(payload), "@ondc/org/linked_order")
