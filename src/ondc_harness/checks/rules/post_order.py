"""Post-order rules (``RET-POST-…``): cancellation, RTO, part cancel, returns, updates, refunds
and the progress of a confirmed order.

Sources, by topic:

* **Cancellation codes** — retail-1.2/error_codes/Cancellation/Cancellation.yaml: every code
  with *who can use it* (buyer NP, seller NP, logistics provider, logistics buyer NP) and
  whether it applies to a part cancel.  The 1.2.5 validators
  (automation-1.2.5/RET1x-1.2.5/validations/index.yaml, ``CANCELLATION_REASON_ID``) accept a few
  codes the 1.2.0 table does not list (004, 023, 024, 051, 052, 053); those are accepted for
  either side (052 is the buyer's force cancel), the table decides for the others.  The
  validators' enums are lists of codes, not of who may send them: a buyer app cancelling with a
  logistics code such as 016 (rain / strike) is reported, as RULES-REFERENCE.md asks ("reason
  code valid for the buyer (force cancel 052)").
* **cancel / on_cancel** — retail-1.2/notes/cancel, notes/on_cancel and Examples/B2C/on_cancel
  (``order.cancellation``, ``cancel_request`` and ``precancel_state`` tags, a ``Cancel``
  fulfillment with ``quote_trail`` tags); the 1.2.5 flows BUYER_CANCEL, FORCE_CANCEL and
  RTO_PLUS_PART_CANCELLATION (automation-1.2.5/RET11-1.2.5/flows/F&B).
* **Part cancel by the merchant** — retail-1.2/docs/part_cancel_by_merchant.md and
  notes/on_update/on_update_merchant_cancels_*.yaml.
* **Returns** — notes/update/update_buyer_initiated_part_return_request.yaml and the on_update
  return notes and examples; the 1.2.5 validators (``TAGS_RETURN_REQUEST``).
* **Updates** — build.yaml ``/update`` (``update_target``), notes/update/update_for_fulfillments
  and the 1.2.5 BUYER_INSTRUCTIONS_AND_ADDRESS_UPDATE_FLOW.
* **Refunds** — Examples/B2C/update/update_settlement_trail_for_refund_initiation*.yaml.
* **Progress** — notes/on_status (timestamps required from pickup and at delivery, payment on
  delivery), RULES-REFERENCE.md on_status ("pickup ≤ delivery ≤ context time; state_updated_at
  monotonic; COD paid on delivery").

The order and fulfillment states and their legal moves are :mod:`ondc_harness.states`; the
transitions themselves are reported by ``RET-TRANS-…`` and the order-state rules, not here.

Checks that :mod:`ondc_harness.checks.rules.lifecycle` already makes are not repeated here:
the buyer's reason and bap_id echoed by on_cancel (RET-LIFE-001), the quote-trail total
(RET-LIFE-002), unit conservation and nothing left to deliver after a cancel (RET-LIFE-003),
RTO locations mirrored (RET-LIFE-004), part-cancel reason codes (RET-LIFE-005), the return
request echoed (RET-LIFE-006) and a fulfillment update applied (RET-LIFE-008).

The money invariant every rule of this module relies on (part_cancel_by_merchant.md: "the buyer
NP can calculate the amount of refund from the quote trail"): **on_confirm's quote total plus
the sum of every quote_trail value is the current quote total**, and the same holds line by line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from functools import cached_property
from typing import Any, Final, NamedTuple

from ondc_harness.checks.access import (
    MISSING,
    get,
    get_dict,
    items_of,
    tag_value,
)
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import (
    RETAIL,
    TOLERANCE,
    amount_text,
    answered_request,
    ctx_str,
    member,
    numeric,
    order_of,
    parse_timestamp,
    str_values,
    tag_entries,
)
from ondc_harness.checks.rules.lifecycle import confirmation
from ondc_harness.checks.views import shared
from ondc_harness.durations import is_duration, parse_duration
from ondc_harness.message import Message
from ondc_harness.states import (
    BUYER_DELIVERY,
    CANCELLED,
    DELIVERY_P2H2P,
    DELIVERY_P2P,
    RTO,
    SELF_PICKUP,
    fulfillment_kind,
    fulfillment_move_is_legal,
    states_of,
)

_R = "RULES-REFERENCE.md"
_CODES = "retail-1.2/error_codes/Cancellation/Cancellation.yaml"
_DSL = "automation-1.2.5/RET11-1.2.5/validations/index.yaml"
_DSL10 = "automation-1.2.5/RET10-1.2.5/validations/index.yaml"
_FLOWS = "automation-1.2.5/RET11-1.2.5/flows/F&B"
_NOTES = "retail-1.2/notes"
_EXAMPLES = "retail-1.2/Examples/B2C"
_PART = "retail-1.2/docs/part_cancel_by_merchant.md"
_BUILD = "retail-1.2/openapi/build.yaml"

# --- vocabularies ------------------------------------------------------------------------------

BUYER_CODES: Final = frozenset({"001", "003", "006", "009", "010"})
"""Codes the Cancellation table gives to the buyer NP ("Who can use code?: BNP")."""

SELLER_CODES: Final = frozenset({"002", "005", "011", "012", "013", "014", "015", "018", "019",
                                 "020", "022"})
"""Codes the seller NP may use (011–015 when it fulfils itself)."""

LOGISTICS_CODES: Final = frozenset({"008", "011", "012", "013", "014", "015", "016", "017",
                                    "020", "021"})
"""Codes of the logistics provider, which a seller app passes on (RTO reasons)."""

V125_CODES: Final = frozenset({"004", "023", "024", "051", "052", "053"})
"""Codes the 1.2.5 validators accept in /cancel that the 1.2.0 table does not assign."""

FORCE_CANCEL: Final = "052"
PART_CANCEL_CODES: Final = frozenset({"002", "012"})
"""The table's "Applicable for part cancel: Yes" codes."""

BUYER_MAY_USE: Final = BUYER_CODES | V125_CODES
SELLER_MAY_USE: Final = SELLER_CODES | LOGISTICS_CODES | (V125_CODES - {FORCE_CANCEL})

UPDATE_TARGETS: Final = frozenset({"item", "billing", "fulfillment", "payment"})
TITLE_TYPES: Final = frozenset({"item", "delivery", "packing", "tax", "misc", "discount", "offer",
                                "discount_f", "tax_f"})
"""Breakup title types (quote.py's union of 1.2.0 and 1.2.5) a quote_trail ``type`` names."""

SETTLEMENT_TYPES: Final = frozenset({"upi", "neft", "rtgs", "wallet", "netbanking", "paylater",
                                     "card"})
RETURN_REQUEST_REQUIRED: Final = ("id", "item_id", "item_quantity", "reason_id", "reason_desc",
                                  "images", "ttl_approval", "ttl_reverseqc")
RETURN_REQUEST_CODES: Final = frozenset({*RETURN_REQUEST_REQUIRED, "parent_item_id",
                                         "initiated_by", "replace"})
CONTENT_TYPES: Final = frozenset({"text/plain", "text/html"})

FORWARD_TYPES: Final = frozenset({"Delivery", "Self-Pickup", "Buyer-Delivery",
                                  "Delivery and Self-Pickup"})
POST_ORDER_TYPES: Final = frozenset({"Cancel", "RTO", "Return"})
SELLER_ORDER_ACTIONS: Final = ("on_confirm", "on_status", "on_update", "on_cancel")
AFTER_CONFIRM: Final = ("on_status", "on_update", "on_cancel")

_FORWARD_SEQUENCES: Final = (DELIVERY_P2P, DELIVERY_P2H2P, SELF_PICKUP, BUYER_DELIVERY)
PICKED_UP_OR_LATER: Final = frozenset(
    {s for seq in _FORWARD_SEQUENCES for s in seq[seq.index("Order-picked-up"):]}
    | {"Delivery-failed"})
"""Forward states from the pickup on (the goods have left the store)."""
BEFORE_PICKUP: Final = frozenset(
    {s for seq in _FORWARD_SEQUENCES for s in seq[:seq.index("Order-picked-up")]}
    | {"Pickup-failed"})
AGENT_STATES: Final = frozenset({"Agent-assigned"})
REFUND_AT: Final = frozenset({"Liquidated", "Return_Picked"})
"""Refund trigger points of a return (part_cancel_by_merchant.md)."""

_SCHEME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_HTTP_URL: Final = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$")
_THREE_DIGITS: Final = re.compile(r"^\d{3}$")
_SPACE: Final = re.compile(r"\s")
_PHONE: Final = re.compile(r"^(?:\+91[-\s]?|0)?[6-9]\d{9}$")


# --- reading helpers ----------------------------------------------------------------------------
#
# Sixty rules read the same order: its fulfillments with their states and tag groups, its
# quote_trail and return_request tags, its settlements, on_confirm's order and the seller's
# earlier reports.  :func:`report_of` reads each of these once per payload (on first use) for
# every rule that asks, and the helpers marked ``@shared`` (ondc_harness.checks.views) derive
# what the earlier messages say once per check; their answers are tuples and dicts the rules
# only read.

def _order_path(*parts: str | int) -> str:
    return json_path("message", "order", *parts)


def _f_path(index: int, *parts: str | int) -> str:
    return json_path("message", "order", "fulfillments", index, *parts)


class TagGroup(NamedTuple):
    """One ``{code, list}`` tag group of a fulfillment, its entries by code (first wins).

    The views of this module are named tuples: immutable, and several times cheaper to build
    than frozen dataclasses (they are built for every fulfillment of every order checked)."""

    fulfillment_index: int
    tag_index: int
    values: dict[str, tuple[int, Any]]

    def value(self, code: str) -> Any:
        found = self.values.get(code)
        return MISSING if found is None else found[1]

    def path(self, code: str | None = None) -> str:
        base = ("message", "order", "fulfillments", self.fulfillment_index, "tags",
                self.tag_index)
        if code is None or code not in self.values:
            return json_path(*base)
        return json_path(*base, "list", self.values[code][0], "value")


_NO_GROUPS: Final[tuple[TagGroup, ...]] = ()


class Fulfillment(NamedTuple):
    """An object of ``order.fulfillments`` with what the rules read of it: its id, type, state
    code (``None`` unless a string) and tag groups by code, in the order of the tags."""

    position: int
    data: dict[str, Any]
    id: Any
    type: Any
    state: str | None
    tags: dict[str, tuple[TagGroup, ...]]

    @property
    def forward(self) -> bool:
        """A delivery of the order (not a Cancel, RTO or Return)."""
        return isinstance(self.type, str) and self.type in FORWARD_TYPES

    def groups(self, code: str) -> tuple[TagGroup, ...]:
        """The tag groups ``code`` of this fulfillment."""
        return self.tags.get(code, _NO_GROUPS)

    def path(self, *parts: str | int) -> str:
        """The JSON path of ``parts`` inside this fulfillment of the message's order."""
        return _f_path(self.position, *parts)


def _tag_groups(fulfillment: dict[str, Any], index: int) -> dict[str, tuple[TagGroup, ...]]:
    """The fulfillment's tag groups by code (tags whose code is not a string name no group)."""
    tags = fulfillment.get("tags")
    if not isinstance(tags, list):
        return {}
    found: dict[str, list[TagGroup]] = {}
    for tag_index, tag in enumerate(tags):
        if not isinstance(tag, dict):
            continue
        code = tag.get("code")
        if not isinstance(code, str):
            continue
        found.setdefault(code, []).append(TagGroup(index, tag_index, tag_entries(tag)))
    return {code: tuple(groups) for code, groups in found.items()}


def _state_code(fulfillment: dict[str, Any]) -> str | None:
    """``state.descriptor.code`` when it is a string."""
    state = fulfillment.get("state")
    descriptor = state.get("descriptor") if isinstance(state, dict) else None
    code = descriptor.get("code") if isinstance(descriptor, dict) else None
    return code if isinstance(code, str) else None


class TrailEntry(NamedTuple):
    """A ``quote_trail`` tag group, with its fulfillment and its value as a number."""

    group: TagGroup
    fulfillment_id: Any
    fulfillment_type: Any
    amount: Decimal | None


Entries = tuple[tuple[int, dict[str, Any]], ...]
"""(index, object) of the objects of a list."""


def _breakup(order: dict[str, Any]) -> list[dict[str, Any]]:
    """The objects of ``order.quote.breakup`` (read directly: the Report's line views walk it
    for every order checked)."""
    quote = order.get("quote")
    breakup = quote.get("breakup") if isinstance(quote, dict) else None
    if not isinstance(breakup, list):
        return []
    return [line for line in breakup if isinstance(line, dict)]


class Report:
    """One payload's order as the rules of this module read it, each part read on first use.

    Shared by every rule checking a message (and, offline, by every later message of the flow
    that looks back at it): get it from :func:`report_of`, never change what it returns.
    """

    def __init__(self, order: dict[str, Any]) -> None:
        self.order = order

    @cached_property
    def fulfillments(self) -> tuple[Fulfillment, ...]:
        """``order.fulfillments`` (objects only)."""
        fulfillments = self.order.get("fulfillments")
        if not isinstance(fulfillments, list):
            return ()
        return tuple(Fulfillment(index, f, f.get("id"), f.get("type"), _state_code(f),
                                 _tag_groups(f, index))
                     for index, f in enumerate(fulfillments) if isinstance(f, dict))

    @cached_property
    def fulfillment_ids(self) -> frozenset[str]:
        """The fulfillments' ids that are strings."""
        return frozenset(f.id for f in self.fulfillments if isinstance(f.id, str))

    @cached_property
    def trail(self) -> tuple[TrailEntry, ...]:
        """Every quote_trail group of every fulfillment (they belong on Cancel, RTO and Return
        fulfillments, but a trail is money wherever it sits)."""
        return tuple(TrailEntry(group, f.id, f.type, numeric(group.value("value")))
                     for f in self.fulfillments for group in f.groups("quote_trail"))

    @cached_property
    def returns(self) -> tuple[TagGroup, ...]:
        """Every return_request tag group of the order's fulfillments."""
        return tuple(group for f in self.fulfillments for group in f.groups("return_request"))

    @cached_property
    def settlements(self) -> Entries:
        """(index, entry) of the objects of ``payment['@ondc/org/settlement_details']``."""
        payment = self.order.get("payment")
        details = payment.get("@ondc/org/settlement_details") if isinstance(payment, dict) \
            else None
        if not isinstance(details, list):
            return ()
        return tuple((i, s) for i, s in enumerate(details) if isinstance(s, dict))

    @cached_property
    def refunds(self) -> Entries:
        """The settlement entries of phase ``refund``."""
        return tuple((i, s) for i, s in self.settlements
                     if s.get("settlement_phase") == "refund")

    @cached_property
    def refund_amounts(self) -> tuple[tuple[tuple[str, str], Decimal], ...]:
        """((amount text, timestamp text), amount) of each refund with a readable amount: the
        key under which RET-POST-021 counts a refund once however often it is repeated."""
        out: list[tuple[tuple[str, str], Decimal]] = []
        for _, refund in self.refunds:
            amount = numeric(refund.get("settlement_amount"))
            if amount is not None:
                out.append(((amount_text(amount), str(refund.get("settlement_timestamp"))),
                            amount))
        return tuple(out)

    @cached_property
    def line_values(self) -> dict[tuple[str, str], Decimal] | None:
        """(title_type, item_id) → Σ breakup price; ``None`` when an amount is not a number."""
        out: dict[tuple[str, str], Decimal] = {}
        for line in _breakup(self.order):
            price = line.get("price")
            value = numeric(price.get("value", MISSING) if isinstance(price, dict) else MISSING)
            if value is None:
                return None
            key = (str(line.get("@ondc/org/title_type")), str(line.get("@ondc/org/item_id")))
            out[key] = out.get(key, Decimal(0)) + value
        return out

    @cached_property
    def breakup_ids(self) -> frozenset[str]:
        """The ``@ondc/org/item_id`` strings of the order's quote.breakup."""
        return frozenset(str_values(line.get("@ondc/org/item_id")
                                    for line in _breakup(self.order)))

    @property
    def forward_state(self) -> str | None:
        """The state of the order's first forward fulfillment."""
        return next((f.state for f in self.fulfillments if f.forward), None)


@shared
def report_of(payload: Any) -> Report:
    """The payload's ``message.order`` (``{}`` if none) as a :class:`Report`, one per payload."""
    return Report(order_of(payload))


@shared
def _confirmed(ctx: CheckContext) -> Report | None:
    """The order as on_confirm accepted it (``None`` without an on_confirm order)."""
    message = confirmation(ctx)
    report = report_of(message.payload) if message is not None else None
    return report if report is not None and report.order else None


@shared
def _previous_order(ctx: CheckContext) -> tuple[Message, Report] | None:
    """The seller's latest earlier report of the order (on_confirm, on_status, ...)."""
    for message in reversed(ctx.earlier):
        if message.action in SELLER_ORDER_ACTIONS:
            report = report_of(message.payload)
            if report.order:
                return message, report
    return None


def _seller_reports(ctx: CheckContext) -> Iterator[Report]:
    """The seller's earlier reports of the order, oldest first."""
    return (report_of(m.payload) for m in ctx.earlier if m.action in SELLER_ORDER_ACTIONS)


@shared
def _last_states(ctx: CheckContext) -> dict[str, str]:
    """Fulfillment id → the last non-Cancelled state the seller reported before this message."""
    states: dict[str, str] = {}
    for report in _seller_reports(ctx):
        for fulfillment in report.fulfillments:
            fid, code = fulfillment.id, fulfillment.state
            if isinstance(fid, str) and code is not None and code != CANCELLED:
                states[fid] = code
    return states


@shared
def _reported_ids(ctx: CheckContext) -> frozenset[str]:
    """Ids of the fulfillments the seller's earlier reports carried."""
    return frozenset().union(*(report.fulfillment_ids for report in _seller_reports(ctx)))


def _item_count(item: dict[str, Any]) -> int | None:
    count = numeric(get(item, "quantity", "count"))
    if count is None or count != count.to_integral_value():
        return None
    return int(count)


def _counts(order: dict[str, Any], fulfillment_ids: set[str] | None = None) -> Counter[str]:
    """Units per item id, over every item entry (or those on ``fulfillment_ids``)."""
    out: Counter[str] = Counter()
    for _, item in items_of(order, "items"):
        item_id, count = item.get("id"), _item_count(item)
        if not isinstance(item_id, str) or count is None:
            continue
        if fulfillment_ids is not None and item.get("fulfillment_id") not in fulfillment_ids:
            continue
        out[item_id] += count
    return out


def _is_subscriber_id(value: Any) -> bool:
    """A registry subscriber id (may carry a path); a scheme or whitespace makes it a URL or a
    name (CTX-ID-001's reading)."""
    return isinstance(value, str) and bool(value.strip()) and not _SCHEME.match(value) \
        and _SPACE.search(value) is None


def _filled(value: Any) -> bool:
    """A string with something in it."""
    return isinstance(value, str) and bool(value.strip())


def _before_or_same(a: Any, b: Any) -> bool | None:
    ta, tb = parse_timestamp(a), parse_timestamp(b)
    if ta is None or tb is None:
        return None
    return ta <= tb


def _gps(value: Any) -> tuple[Decimal, Decimal] | None:
    if not isinstance(value, str) or value.count(",") != 1:
        return None
    lat, lon = (numeric(part) for part in value.split(","))
    return (lat, lon) if lat is not None and lon is not None else None


def _same_place(a: Any, b: Any) -> bool | None:
    """Two ``lat,lng`` strings at the same point (within 1e-6 degrees); ``None`` if unreadable."""
    pa, pb = _gps(a), _gps(b)
    if pa is None or pb is None:
        return None
    return abs(pa[0] - pb[0]) <= Decimal("0.000001") and abs(pa[1] - pb[1]) <= Decimal(
        "0.000001")


def _cancel_message(ctx: CheckContext) -> dict[str, Any]:
    return get_dict(ctx.payload, "message")


def _params(message: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """cancel's ``descriptor.tags`` group ``params``: code → (path, value)."""
    out: dict[str, tuple[str, Any]] = {}
    for tag_index, tag in items_of(message, "descriptor", "tags"):
        if tag.get("code") != "params":
            continue
        for entry_index, entry in items_of(tag, "list"):
            code = entry.get("code")
            if isinstance(code, str) and code not in out:
                out[code] = (json_path("message", "descriptor", "tags", tag_index, "list",
                                       entry_index, "value"), entry.get("value"))
    return out


def _forced(message: dict[str, Any]) -> bool:
    value = _params(message).get("force", ("", None))[1]
    return isinstance(value, str) and value.strip().lower() == "yes"


def _is_solicited(ctx: CheckContext) -> bool:
    return answered_request(ctx) is not None


def _seller_initiated(ctx: CheckContext) -> bool:
    """An on_cancel nobody asked for, as far as the flow shows: the flow has its on_confirm and
    no cancel since.  (A flow whose log lacks the on_confirm, or that holds any cancel, is not
    judged: the buyer may well have asked.)"""
    for message in reversed(ctx.earlier):
        if message.action == "cancel":
            return False
        if message.action == "on_confirm":
            return True
    return False


def _initiator(group: TagGroup) -> Any:
    """cancel_request's initiator: ``initiated_by`` (1.2.5), ``cancelled_by`` (1.2.0 Examples
    on_cancel)."""
    value = group.value("initiated_by")
    return group.value("cancelled_by") if value is MISSING else value


def _new_cancels(ctx: CheckContext) -> list[Fulfillment]:
    """Cancel fulfillments of this message whose id no earlier seller message carried."""
    cancels = [f for f in report_of(ctx.payload).fulfillments if f.type == "Cancel"]
    if not cancels:
        return cancels
    seen = _reported_ids(ctx)
    return [f for f in cancels if not member(f.id, seen)]


# =============================================================================================
# cancel (the buyer app's request)
# =============================================================================================

@rule("RET-POST-001", "cancel carries a cancellation_reason_id", Severity.MAJOR,
      spec=f"{_DSL} cancel CANCELLATION_REASON_ID (attr are present); {_NOTES}/cancel [^1]",
      actions=["cancel"], domains=RETAIL)
def cancel_has_reason(ctx: CheckContext) -> Iterator[Violation]:
    """Without a reason the seller cannot attribute the cost or apply the cancellation terms."""
    message = _cancel_message(ctx)
    reason = message.get("cancellation_reason_id")
    if isinstance(get(ctx.payload, "message"), dict) and not (isinstance(reason, str)
                                                               and reason.strip()):
        yield Violation(json_path("message", "cancellation_reason_id"),
                        "cancel has no cancellation_reason_id",
                        expected="a reason code such as \"001\"",
                        actual=None if reason is None else reason)


@rule("RET-POST-002", "cancel's reason is one a buyer app may use (001, 003, 006, 009, 010; "
      "1.2.5 additions incl. 052 force cancel), not a seller or logistics code", Severity.MAJOR,
      spec=f"{_CODES} (Who can use code?: BNP); {_R} cancel (reason code valid for the buyer "
      "(force cancel 052)); 1.2.5 additions from " + f"{_DSL} and {_DSL10} cancel "
      "CANCELLATION_REASON_ID", actions=["cancel"], domains=RETAIL)
def cancel_reason_is_buyers(ctx: CheckContext) -> Iterator[Violation]:
    """A buyer app that cancels with "merchant rejected the order" (005) or "rain / strike"
    (016) charges the cost of its own cancellation to the seller or the courier."""
    reason = _cancel_message(ctx).get("cancellation_reason_id")
    if isinstance(reason, str) and reason.strip() and reason not in BUYER_MAY_USE:
        owner = ("a seller or logistics code" if reason in SELLER_MAY_USE | {"007"}
                 else "an internal code" if reason in {"996", "997", "998", "999"}
                 else "not a Retail cancellation code")
        yield Violation(json_path("message", "cancellation_reason_id"),
                        f"reason {reason!r} is {owner}, not one a buyer app may cancel with",
                        expected=sorted(BUYER_MAY_USE), actual=reason)


@rule("RET-POST-003", "cancel's params tag: force is yes or no and ttl_response an ISO 8601 "
      "duration", Severity.MINOR,
      spec=f"{_NOTES}/cancel/cancel.yaml [^5]–[^7]; {_DSL10} cancel PARAMS_FORCE, "
      "PARAMS_TTL_RESPONSE", actions=["cancel"], domains=RETAIL)
def cancel_params(ctx: CheckContext) -> Iterator[Violation]:
    """The seller decides whether it may still refuse from these two values."""
    params = _params(_cancel_message(ctx))
    if "force" in params:
        path, value = params["force"]
        if not (isinstance(value, str) and value in ("yes", "no")):
            yield Violation(path, "params.force is not yes or no", expected=["yes", "no"],
                            actual=value)
    if "ttl_response" in params:
        path, value = params["ttl_response"]
        if not is_duration(value):
            yield Violation(path, "params.ttl_response is not an ISO 8601 duration",
                            expected="a duration like PT1H", actual=value)


@rule("RET-POST-004", "A force cancel (reason 052) names the delayed fulfillment (descriptor "
      "name fulfillment, short_desc its id)", Severity.MAJOR,
      spec=f"{_NOTES}/cancel/cancel.yaml [^2], [^3]; {_FLOWS}/FORCE_CANCEL.yaml (cancel "
      "descriptor)", actions=["cancel"], domains=RETAIL)
def force_cancel_names_fulfillment(ctx: CheckContext) -> Iterator[Violation]:
    """Reason 052 cancels a delayed fulfillment; the seller must know which one."""
    message = _cancel_message(ctx)
    if message.get("cancellation_reason_id") != FORCE_CANCEL:
        return
    descriptor = get(message, "descriptor")
    name = get(descriptor, "name")
    short = get(descriptor, "short_desc")
    if not isinstance(descriptor, dict) or name != "fulfillment" or not (
            isinstance(short, str) and short.strip()):
        yield Violation(json_path("message", "descriptor"),
                        "a 052 cancel does not name the fulfillment it cancels",
                        expected={"name": "fulfillment", "short_desc": "<fulfillment id>"},
                        actual=None if descriptor is MISSING else descriptor)


@rule("RET-POST-005", "The fulfillment a cancel names (descriptor.short_desc) is a fulfillment "
      "of the order", Severity.MAJOR,
      spec=f"{_NOTES}/cancel/cancel.yaml [^3] (fulfillment id for cancellation of fulfillment)",
      actions=["cancel"], domains=RETAIL)
def cancel_names_known_fulfillment(ctx: CheckContext) -> Iterator[Violation]:
    """Cancelling an unknown fulfillment cancels nothing the seller can find."""
    message = _cancel_message(ctx)
    if get(message, "descriptor", "name") != "fulfillment":
        return
    named = get(message, "descriptor", "short_desc")
    previous = _previous_order(ctx)
    if previous is None or not isinstance(named, str):
        return
    known = previous[1].fulfillment_ids
    if known and named not in known:
        yield Violation(json_path("message", "descriptor", "short_desc"),
                        f"fulfillment {named!r} is not in the order (as of "
                        f"{previous[0].action})", expected=sorted(known), actual=named)


@rule("RET-POST-006", "A forced cancel (force yes) follows a 052 cancel without force whose "
      "ttl_response has run out", Severity.MAJOR,
      spec=f"{_NOTES}/cancel/cancel.yaml [^5]–[^7] (force cancellation flow; ttl_response: TAT "
      f"for a valid cancellation response); {_FLOWS}/FORCE_CANCEL.yaml (cancel_no, then "
      "cancel_force)", actions=["cancel"], domains=RETAIL)
def force_after_ttl(ctx: CheckContext) -> Iterator[Violation]:
    """Forcing first, or before the seller's time to answer is up, takes away the seller's right
    to refuse a cancellation it may refuse (e.g. an order already out for delivery)."""
    message = _cancel_message(ctx)
    if not _forced(message):
        return
    path = _params(message)["force"][0]
    asked = next((m for m in reversed(ctx.earlier) if m.action == "cancel"
                  and get(m.payload, "message", "cancellation_reason_id") == FORCE_CANCEL
                  and not _forced(get_dict(m.payload, "message"))), None)
    if asked is None:
        yield Violation(path, "force yes without an earlier 052 cancel giving the seller "
                        "ttl_response to answer", expected="a 052 cancel with force no first",
                        actual="yes")
        return
    ttl = _params(get_dict(asked.payload, "message")).get("ttl_response", ("", None))[1]
    start, now = parse_timestamp(asked.timestamp), parse_timestamp(ctx.message.timestamp)
    if not is_duration(ttl) or start is None or now is None:
        return
    seconds = parse_duration(str(ttl))
    elapsed = (now - start).total_seconds()
    if elapsed < seconds:
        yield Violation(path, f"forced {elapsed:.3f}s after the 052 cancel, before its "
                        f"ttl_response {ttl} ran out", expected=f">= {seconds:g}s after "
                        f"{asked.timestamp}", actual=ctx.message.timestamp)


@rule("RET-POST-007", "cancel is not sent for an order that is already Cancelled or Completed",
      Severity.MAJOR, spec=f"{_R} cancel; ondc_harness.states (ORDER_TRANSITIONS: nothing after "
      "Cancelled or Completed but returns); retail-1.2/error_codes (50001 cancellation not "
      "possible)", actions=["cancel"], domains=RETAIL)
def cancel_open_order(ctx: CheckContext) -> Iterator[Violation]:
    """A delivered order is returned (update), not cancelled; a cancelled one is gone."""
    previous = _previous_order(ctx)
    if previous is None:
        return
    state = previous[1].order.get("state")
    if state in (CANCELLED, "Completed"):
        yield Violation(json_path("message", "order_id"),
                        f"the order is already {state} (as of {previous[0].action})",
                        expected="an order in Created, Accepted or In-progress", actual=state)


# =============================================================================================
# on_cancel
# =============================================================================================

@rule("RET-POST-008", "on_cancel's order state is Cancelled (single-delivery orders)",
      Severity.CRITICAL, spec=f"{_NOTES}/on_cancel/on_cancel.yaml [^1]; {_DSL} on_cancel "
      f"ORDER_STATE (Cancelled); {_NOTES}/on_cancel/on_cancel_rto.yaml [^1] (a multi-fulfillment "
      "order's state depends on its other fulfillments)", actions=["on_cancel"], domains=RETAIL)
def on_cancel_state(ctx: CheckContext) -> Iterator[Violation]:
    """on_cancel confirms a cancellation; an order left Accepted is neither cancelled nor
    refused (a refusal is an error, not an on_cancel)."""
    report = report_of(ctx.payload)
    order = report.order
    if sum(1 for f in report.fulfillments if f.forward) > 1:
        return
    if order and order.get("state") != CANCELLED:
        yield Violation(_order_path("state"), "on_cancel's order is not Cancelled",
                        expected=CANCELLED, actual=order.get("state"))


@rule("RET-POST-009", "on_cancel carries order.cancellation with cancelled_by and reason.id "
      "(1.2.5; in 1.2.0 when it answers a cancel)", Severity.MAJOR,
      spec=f"{_NOTES}/on_cancel/on_cancel.yaml [^2]; {_DSL} on_cancel CANCELLED_BY, "
      f"CANCELLATION_REASON_ID; {_EXAMPLES}/on_cancel/on_cancel_rto.yaml (1.2.0 RTO: reasons "
      "on the fulfillment only)", actions=["on_cancel"], domains=RETAIL)
def on_cancel_has_cancellation(ctx: CheckContext) -> Iterator[Violation]:
    """Who cancelled and why decides who bears the cost and what is refunded."""
    order = order_of(ctx.payload)
    if not order or (ctx.message.version != "1.2.5" and not _is_solicited(ctx)):
        return
    cancellation = order.get("cancellation")
    if not isinstance(cancellation, dict):
        yield Violation(_order_path("cancellation"), "on_cancel has no order.cancellation",
                        expected="{cancelled_by, reason: {id}}", actual=cancellation)
        return
    by, reason = cancellation.get("cancelled_by"), get(cancellation, "reason", "id")
    if not (isinstance(by, str) and by.strip()):
        yield Violation(_order_path("cancellation", "cancelled_by"),
                        "order.cancellation has no cancelled_by", expected="a subscriber id",
                        actual=by)
    if not (isinstance(reason, str) and reason.strip()):
        yield Violation(_order_path("cancellation", "reason", "id"),
                        "order.cancellation has no reason id", expected="a reason code",
                        actual=None if reason is MISSING else reason)


@rule("RET-POST-010", "cancelled_by and cancel_request initiated_by are subscriber ids, not URLs "
      "or names", Severity.MAJOR,
      spec=f"{_NOTES}/on_update/on_update_merchant_cancels_customized.yaml [^5] (bpp id, can be "
      f"verified using registry lookup); {_NOTES}/update/update_for_fulfillments.yaml [^8]",
      actions=list(AFTER_CONFIRM), domains=RETAIL)
def canceller_is_subscriber(ctx: CheckContext) -> Iterator[Violation]:
    """The id is looked up in the registry; "seller" or a URL identifies no participant."""
    order = order_of(ctx.payload)
    by = get(order, "cancellation", "cancelled_by")
    if isinstance(by, str) and by.strip() and not _is_subscriber_id(by):
        yield Violation(_order_path("cancellation", "cancelled_by"),
                        "cancelled_by is not a subscriber id", expected="e.g. sellerNP.com",
                        actual=by)
    for fulfillment in report_of(ctx.payload).fulfillments:
        for group in fulfillment.groups("cancel_request"):
            value = _initiator(group)
            code = "initiated_by" if "initiated_by" in group.values else "cancelled_by"
            if isinstance(value, str) and value.strip() and not _is_subscriber_id(value):
                yield Violation(group.path(code),
                                "cancel_request initiated_by is not a subscriber id",
                                expected="e.g. buyerNP.com", actual=value)


@rule("RET-POST-011", "An unsolicited on_cancel (the seller's or the courier's cancellation) is "
      "not attributed to the buyer app (cancelled_by ≠ bap_id)", Severity.MAJOR,
      spec=f"{_NOTES}/on_cancel/on_cancel.yaml [^2]; {_FLOWS}/RTO_PLUS_PART_CANCELLATION.yaml "
      "(on_cancel_rto, cancelled by the seller); RET-LIFE-001 covers the buyer's own cancel",
      actions=["on_cancel"], domains=RETAIL)
def seller_cancel_not_buyers(ctx: CheckContext) -> Iterator[Violation]:
    """Blaming the buyer app for a cancellation it never asked for moves the cancellation
    charges to the buyer (retail-1.2/error_codes/Cancellation: cost attributed by canceller)."""
    by = get(order_of(ctx.payload), "cancellation", "cancelled_by")
    bap_id = ctx_str(ctx.message, "bap_id")
    if not _seller_initiated(ctx) or not bap_id or by != bap_id or bap_id == ctx_str(
            ctx.message, "bpp_id"):
        return
    yield Violation(_order_path("cancellation", "cancelled_by"),
                    "no cancel was sent, yet the cancellation is attributed to the buyer app",
                    expected=ctx_str(ctx.message, "bpp_id") or "the seller's id", actual=by)


@rule("RET-POST-012", "A seller-initiated cancellation (unsolicited on_cancel) uses a seller or "
      "logistics reason code, not a buyer's", Severity.MAJOR,
      spec=f"{_CODES} (Who can use code?: SNP, LSP)", actions=["on_cancel"], domains=RETAIL)
def seller_cancel_reason(ctx: CheckContext) -> Iterator[Violation]:
    """"Product available at lower than order price" (003) is the buyer's word to say."""
    if not _seller_initiated(ctx):
        return
    reason = get(order_of(ctx.payload), "cancellation", "reason", "id")
    if isinstance(reason, str) and reason.strip() and reason not in SELLER_MAY_USE:
        yield Violation(_order_path("cancellation", "reason", "id"),
                        f"the seller cancelled with {reason!r}, which is not a seller or "
                        "logistics code", expected=sorted(SELLER_MAY_USE), actual=reason)


@rule("RET-POST-013", "on_cancel's fulfillments are Cancelled or in an RTO state",
      Severity.MAJOR, spec=f"{_DSL} on_cancel FULFILLMENTS_STATE_DESCRIPTOR_CODE (Cancelled, "
      "RTO-Initiated, RTO-Disposed, RTO-Delivered)", actions=["on_cancel"], domains=RETAIL)
def on_cancel_fulfillment_states(ctx: CheckContext) -> Iterator[Violation]:
    """A cancelled order with a fulfillment still Out-for-delivery is still being delivered."""
    allowed = frozenset({CANCELLED, *RTO})
    report = report_of(ctx.payload)
    if report.order.get("state") != CANCELLED:
        return
    for fulfillment in report.fulfillments:
        code = fulfillment.state
        if fulfillment.type != "Return" and code is not None and code not in allowed:
            yield Violation(fulfillment.path("state", "descriptor", "code"),
                            f"fulfillment {fulfillment.id!r} is {code} in a cancelled "
                            "order", expected=sorted(allowed), actual=code)


# --- quote trail ------------------------------------------------------------------------------

_TRAIL_FIELDS: Final = ("type", "id", "currency", "value")


@rule("RET-POST-014", "Each quote_trail tag carries type, id, currency and value",
      Severity.MAJOR, spec=f"{_DSL} on_cancel TAGS_QUOTE_TRAIL (type, id, currency, value); "
      f"{_NOTES}/on_update/on_update_merchant_cancels_customized.yaml [^6]–[^10]",
      actions=list(AFTER_CONFIRM), domains=RETAIL)
def trail_complete(ctx: CheckContext) -> Iterator[Violation]:
    """A trail entry without its line or amount cannot be reconciled."""
    for entry in report_of(ctx.payload).trail:
        values = entry.group.values  # code → (index, value), read directly: a hot loop
        missing = [c for c in _TRAIL_FIELDS
                   if (found := values.get(c)) is None or not _filled(found[1])]
        if missing:
            yield Violation(entry.group.path(), f"quote_trail of fulfillment "
                            f"{entry.fulfillment_id!r} lacks {', '.join(missing)}",
                            expected=["type", "id", "currency", "value"], actual=sorted(
                                entry.group.values))


@rule("RET-POST-015", "quote_trail values are finite numbers in INR", Severity.MAJOR,
      spec=f"{_NOTES}/on_update/on_update_merchant_cancels_customized.yaml [^9], [^10]; "
      f"{_BUILD} Price", actions=list(AFTER_CONFIRM), domains=RETAIL)
def trail_amounts(ctx: CheckContext) -> Iterator[Violation]:
    """The refund is computed from these values."""
    for entry in report_of(ctx.payload).trail:
        value, currency = entry.group.value("value"), entry.group.value("currency")
        if value is not MISSING and entry.amount is None:
            yield Violation(entry.group.path("value"), "quote_trail value is not a number",
                            expected="a decimal string like \"-269.00\"", actual=value)
        if currency is not MISSING and currency != "INR":
            yield Violation(entry.group.path("currency"), "quote_trail currency is not INR",
                            expected="INR", actual=currency)


@rule("RET-POST-016", "quote_trail type is a breakup title_type", Severity.MAJOR,
      spec=f"{_NOTES}/on_update/on_update_merchant_cancels_customized.yaml [^6] (matches "
      "order.quote.breakup[].title_type)", actions=list(AFTER_CONFIRM), domains=RETAIL)
def trail_type(ctx: CheckContext) -> Iterator[Violation]:
    """The type names the breakup line the trail adjusts."""
    for entry in report_of(ctx.payload).trail:
        value = entry.group.value("type")
        if value is not MISSING and not member(value, TITLE_TYPES):
            yield Violation(entry.group.path("type"), "quote_trail type is not a title_type",
                            expected=sorted(TITLE_TYPES), actual=value)


@rule("RET-POST-017", "quote_trail id is an item, fulfillment, offer or breakup line id of the "
      "order", Severity.MAJOR,
      spec=f"{_NOTES}/on_update/on_update_merchant_cancels_customized.yaml [^8] (item id for "
      "item / tax, fulfillment id for delivery / packing / misc)", actions=list(AFTER_CONFIRM),
      domains=RETAIL)
def trail_refers(ctx: CheckContext) -> Iterator[Violation]:
    """A trail for an unknown line adjusts nothing the buyer bought."""
    report = report_of(ctx.payload)
    entries = report.trail
    if not entries:
        return
    confirmed = _confirmed(ctx)
    # Most trails name a breakup line or a fulfillment: the whole id set (items and offers
    # too) is built only for an id found in neither.
    lines, fulfillments = report.breakup_ids, report.fulfillment_ids
    confirmed_lines = confirmed.breakup_ids if confirmed is not None else frozenset()
    known: set[str] | None = None
    for entry in entries:
        value = entry.group.value("id")
        if not isinstance(value, str) or not value or value in lines or value in fulfillments \
                or value in confirmed_lines:
            continue
        if known is None:
            known = _known_ids(report, confirmed_lines)
        if known and value not in known:  # an order without any id is not judged
            yield Violation(entry.group.path("id"), f"quote_trail names {value!r}, which is "
                            "neither an item nor a fulfillment of the order",
                            expected=sorted(known), actual=value)


def _known_ids(report: Report, confirmed_lines: frozenset[str]) -> set[str]:
    """RET-POST-017's ids a quote_trail may name: the order's items, fulfillments and offers,
    and its (and on_confirm's) breakup lines."""
    order = report.order
    known = {i["id"] for _, i in items_of(order, "items") if isinstance(i.get("id"), str)}
    known |= report.fulfillment_ids
    known |= {o["id"] for _, o in items_of(order, "offers") if isinstance(o.get("id"), str)}
    known |= report.breakup_ids
    known |= confirmed_lines
    return known


@rule("RET-POST-018", "quote_trail entries of type item are negative or zero", Severity.MAJOR,
      spec=f"{_NOTES}/on_update/on_update_merchant_cancels_customized.yaml [^9], [^10] (value "
      "by which the quote is adjusted, always negative)", actions=list(AFTER_CONFIRM),
      domains=RETAIL)
def trail_items_refund(ctx: CheckContext) -> Iterator[Violation]:
    """Cancelling or returning an item never makes it dearer; a positive item trail charges the
    buyer for what was taken away."""
    for entry in report_of(ctx.payload).trail:
        if entry.group.value("type") == "item" and entry.amount is not None and entry.amount > 0:
            yield Violation(entry.group.path("value"), "quote_trail raises an item's price",
                            expected="<= 0", actual=entry.group.value("value"))


@rule("RET-POST-019", "Each breakup line a quote_trail names moved by exactly Σ its trail since "
      "on_confirm (tolerance 0.01)", Severity.MAJOR,
      spec=f"{_PART} (quote trail); {_NOTES}/on_update/on_update_merchant_cancels_customized.yaml"
      " [^6]–[^10]", actions=list(AFTER_CONFIRM), domains=RETAIL)
def trail_explains_lines(ctx: CheckContext) -> Iterator[Violation]:
    """A trail on a line that did not change (or changed by another amount) is a refund the
    quote does not show."""
    report = report_of(ctx.payload)
    entries = report.trail
    confirmed = _confirmed(ctx) if entries else None
    if confirmed is None:
        return
    before, now = confirmed.line_values, report.line_values
    if before is None or now is None:
        return
    moved: dict[tuple[str, str], Decimal] = {}
    first: dict[tuple[str, str], TrailEntry] = {}
    for entry in entries:
        kind, ref = entry.group.value("type"), entry.group.value("id")
        if not isinstance(kind, str) or not isinstance(ref, str) or entry.amount is None:
            continue
        key = (kind, ref)
        moved[key] = moved.get(key, Decimal(0)) + entry.amount
        first.setdefault(key, entry)
    for key, delta in moved.items():
        was, is_ = before.get(key, Decimal(0)), now.get(key, Decimal(0))
        if abs(was + delta - is_) > TOLERANCE:
            yield Violation(first[key].group.path("value"),
                            f"{key[0]} line {key[1]!r}: {amount_text(was)} at on_confirm + "
                            f"trail {amount_text(delta)} ≠ {amount_text(is_)} now (tolerance "
                            f"{TOLERANCE})", expected=amount_text(is_ - was),
                            actual=amount_text(delta))


@rule("RET-POST-020", "The quote total after a cancellation, return or RTO is not negative",
      Severity.CRITICAL, spec=f"{_NOTES}/on_cancel/on_cancel.yaml [^5] (updated order value "
      "including cancellation charges)", actions=list(AFTER_CONFIRM), domains=RETAIL)
def total_not_negative(ctx: CheckContext) -> Iterator[Violation]:
    """A negative order value refunds more than was ever paid."""
    total = numeric(get(order_of(ctx.payload), "quote", "price", "value"))
    if total is not None and total < 0:
        yield Violation(_order_path("quote", "price", "value"), "the quote total is negative",
                        expected=">= 0", actual=get(order_of(ctx.payload), "quote", "price",
                                                    "value"))


# --- refunds ----------------------------------------------------------------------------------

def _settlement_path(index: int, *parts: str) -> str:
    return _order_path("payment", "@ondc/org/settlement_details", index, *parts)


_REFUND_ACTIONS: Final = ("update", "on_update", "on_cancel", "on_status")


@rule("RET-POST-021", "Refunds (settlement_phase refund) add up to no more than the amount paid "
      "(tolerance 0.01)", Severity.CRITICAL,
      spec=f"{_R} on_cancel (refunds not exceeding paid); {_EXAMPLES}/update/"
      "update_settlement_trail_for_refund_initiation.yaml", actions=_REFUND_ACTIONS,
      domains=RETAIL)
def refunds_within_paid(ctx: CheckContext) -> Iterator[Violation]:
    """Counted once per (amount, timestamp), since on_update repeats earlier refunds."""
    refunds = report_of(ctx.payload).refunds
    confirmed = _confirmed(ctx) if refunds else None
    if confirmed is None:
        return
    paid = numeric(get(confirmed.order, "payment", "params", "amount"))
    if paid is None:
        paid = numeric(get(confirmed.order, "quote", "price", "value"))
    if paid is None:
        return
    seen: dict[tuple[str, str], Decimal] = {}
    for message in [*ctx.earlier, ctx.message]:
        if message.action in _REFUND_ACTIONS:
            seen.update(report_of(message.payload).refund_amounts)
    total = sum(seen.values(), Decimal(0))
    if total - paid > TOLERANCE:
        index = refunds[-1][0]
        yield Violation(_settlement_path(index, "settlement_amount"),
                        f"refunds total {amount_text(total)}, more than the "
                        f"{amount_text(paid)} paid (tolerance {TOLERANCE})",
                        expected=f"<= {amount_text(paid)}", actual=amount_text(total))


@rule("RET-POST-022", "A refund notice (update, payment) refunds what the named fulfillment's "
      "quote_trail takes off (tolerance 0.01)", Severity.MAJOR,
      spec=f"{_EXAMPLES}/update/update_settlement_trail_for_refund_initiation.yaml (C1, 170.00); "
      f"{_PART}", actions=["update"], domains=RETAIL)
def refund_matches_trail(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app computes the refund from the trail; another amount is a dispute."""
    if get(ctx.payload, "message", "update_target") != "payment":
        return
    order = order_of(ctx.payload)
    named = get(order, "fulfillments", 0, "id")
    previous = _previous_order(ctx)
    refunds = report_of(ctx.payload).refunds
    if previous is None or not isinstance(named, str) or not refunds:
        return
    target = next((f for f in previous[1].fulfillments if f.id == named), None)
    if target is None:
        return
    amounts = [numeric(g.value("value")) for g in target.groups("quote_trail")]
    if not amounts or any(a is None for a in amounts):
        return
    due = -sum((a for a in amounts if a is not None), Decimal(0))
    for i, refund in refunds:
        amount = numeric(refund.get("settlement_amount"))
        if amount is not None and abs(amount - due) > TOLERANCE:
            yield Violation(_settlement_path(i, "settlement_amount"),
                            f"refund {refund.get('settlement_amount')} for {named!r}, whose "
                            f"quote trail refunds {amount_text(due)} (tolerance {TOLERANCE})",
                            expected=amount_text(due), actual=refund.get("settlement_amount"))


@rule("RET-POST-023", "Refund settlement entries name the buyer as counterparty and carry "
      "settlement_type, settlement_amount and settlement_timestamp", Severity.MAJOR,
      spec=f"{_EXAMPLES}/update/update_settlement_trail_for_refund_initiation.yaml; {_DSL} "
      "update PAYMENT_ONDC_ORG_SETTLEMENT_DETAILS_*", actions=_REFUND_ACTIONS, domains=RETAIL)
def refund_entry_complete(ctx: CheckContext) -> Iterator[Violation]:
    """The settlement trail is what reconciliation (RSF) matches money movements against."""
    for index, refund in report_of(ctx.payload).refunds:
        if refund.get("settlement_counterparty") != "buyer":
            yield Violation(_settlement_path(index, "settlement_counterparty"),
                            "a refund is not paid to the buyer", expected="buyer",
                            actual=refund.get("settlement_counterparty"))
        for key in ("settlement_type", "settlement_amount", "settlement_timestamp"):
            if key not in refund:
                yield Violation(_settlement_path(index, key), f"refund entry has no {key}",
                                expected=key, actual=None)


@rule("RET-POST-024", "settlement_type of post-order settlement entries is upi, neft, rtgs, "
      "wallet, netbanking, paylater or card", Severity.MAJOR,
      spec=f"{_DSL} update PAYMENT_ONDC_ORG_SETTLEMENT_DETAILS_SETTLEMENT_TYPE",
      actions=_REFUND_ACTIONS, domains=RETAIL)
def settlement_type(ctx: CheckContext) -> Iterator[Violation]:
    """The rail the money moves on; an unknown one cannot be paid out."""
    for index, entry in report_of(ctx.payload).settlements:
        value = entry.get("settlement_type", MISSING)
        if value is not MISSING and not member(value, SETTLEMENT_TYPES):
            yield Violation(_settlement_path(index, "settlement_type"),
                            "unknown settlement_type", expected=sorted(SETTLEMENT_TYPES),
                            actual=value)


@rule("RET-POST-025", "A refund's settlement_amount is a positive number and its "
      "settlement_timestamp an RFC 3339 time not after the message", Severity.MAJOR,
      spec=f"{_EXAMPLES}/update/update_settlement_trail_for_refund_initiation.yaml; {_DSL} "
      "update PAYMENT_ONDC_ORG_SETTLEMENT_DETAILS_SETTLEMENT_TIMESTAMP",
      actions=_REFUND_ACTIONS, domains=RETAIL)
def refund_amount_and_time(ctx: CheckContext) -> Iterator[Violation]:
    """A refund dated in the future, or of no computable amount, has not happened."""
    for index, refund in report_of(ctx.payload).refunds:
        if "settlement_amount" in refund:
            amount = numeric(refund["settlement_amount"])
            if amount is None or amount <= 0:
                yield Violation(_settlement_path(index, "settlement_amount"),
                                "refund amount is not a positive number",
                                expected="a decimal string like \"170.00\"",
                                actual=refund["settlement_amount"])
        if "settlement_timestamp" in refund:
            stamp = refund["settlement_timestamp"]
            order = _before_or_same(stamp, ctx.message.timestamp)
            if parse_timestamp(stamp) is None or order is False:
                yield Violation(_settlement_path(index, "settlement_timestamp"),
                                "refund timestamp is not an RFC 3339 time at or before the "
                                "message", expected=f"<= {ctx.message.timestamp}", actual=stamp)


@rule("RET-POST-026", "A refund notice (update, payment) names a Cancel, Return or RTO "
      "fulfillment of the order", Severity.MAJOR,
      spec=f"{_EXAMPLES}/update/update_settlement_trail_for_refund_initiation.yaml "
      "(fulfillments: [{id: C1, type: Cancel}]); " + f"{_FLOWS}/FORCE_CANCEL.yaml "
      "update_settelment_cancel", actions=["update"], domains=RETAIL)
def refund_names_fulfillment(ctx: CheckContext) -> Iterator[Violation]:
    """A refund is for a cancellation or a return; naming the delivery explains nothing."""
    if get(ctx.payload, "message", "update_target") != "payment" or not report_of(
            ctx.payload).refunds:
        return
    previous = _previous_order(ctx)
    if previous is None:
        return
    refundable = {f.id: f.type for f in previous[1].fulfillments if isinstance(f.id, str)}
    named = get(order_of(ctx.payload), "fulfillments", 0, "id")
    if not member(named, {k for k, v in refundable.items() if member(v, POST_ORDER_TYPES)}):
        yield Violation(_order_path("fulfillments", 0, "id"),
                        f"the refund names {named!r}, not a Cancel, Return or RTO fulfillment",
                        expected=sorted(k for k, v in refundable.items()
                                        if member(v, POST_ORDER_TYPES)),
                        actual=None if named is MISSING else named)


# --- RTO --------------------------------------------------------------------------------------

def _rto_and_source(report: Report) -> Iterator[tuple[Fulfillment, Fulfillment]]:
    """(RTO fulfillment, the forward fulfillment it returns from): the last one whose
    cancel_request names it as rto_id, else the order's only forward fulfillment."""
    fulfillments = report.fulfillments
    rtos = [f for f in fulfillments if f.type == "RTO"]
    if not rtos:
        return
    forward = [f for f in fulfillments if f.forward]
    for fulfillment in rtos:
        source = None
        for candidate in fulfillments:
            for group in candidate.groups("cancel_request"):
                if group.value("rto_id") == fulfillment.id:
                    source = candidate
        if source is None and len(forward) == 1:
            source = forward[0]
        if source is not None:
            yield fulfillment, source


@rule("RET-POST-027", "cancel_request rto_id names an RTO fulfillment of the order",
      Severity.MAJOR, spec=f"{_DSL} on_cancel CANCEL_REQUEST_RTO_ID; {_FLOWS}/"
      "RTO_PLUS_PART_CANCELLATION.yaml (rto_id F1-RTO)", actions=list(AFTER_CONFIRM),
      domains=RETAIL)
def rto_id_refers(ctx: CheckContext) -> Iterator[Violation]:
    """The link from the cancelled delivery to its return trip."""
    fulfillments = report_of(ctx.payload).fulfillments
    rtos: set[str] | None = None
    for fulfillment in fulfillments:
        for group in fulfillment.groups("cancel_request"):
            value = group.value("rto_id")
            if not (isinstance(value, str) and value):
                continue
            if rtos is None:
                rtos = {f.id for f in fulfillments if f.type == "RTO" and isinstance(f.id, str)}
            if value not in rtos:
                yield Violation(group.path("rto_id"), f"rto_id {value!r} is not an RTO "
                                "fulfillment of the order", expected=sorted(rtos), actual=value)


@rule("RET-POST-028", "An RTO exists only once its forward fulfillment is Cancelled",
      Severity.MAJOR, spec=f"{_NOTES}/on_cancel/on_cancel_rto.yaml; {_FLOWS}/"
      "RTO_PLUS_PART_CANCELLATION.yaml (F1 Cancelled, F1-RTO RTO-Initiated)",
      actions=list(AFTER_CONFIRM), domains=RETAIL)
def rto_after_cancel(ctx: CheckContext) -> Iterator[Violation]:
    """Goods cannot be on their way back while the delivery is still on."""
    for rto, source in _rto_and_source(report_of(ctx.payload)):
        code = source.state
        if code is not None and code != CANCELLED:
            yield Violation(rto.path("state", "descriptor", "code"),
                            f"RTO while forward fulfillment {source.id!r} is {code}",
                            expected=f"{source.id} Cancelled", actual=code)


@rule("RET-POST-029", "precancel_state names the state the fulfillment was last reported in",
      Severity.MINOR, spec=f"{_NOTES}/on_cancel/on_cancel.yaml [^4] (state of fulfillment prior "
      "to cancellation)", actions=list(AFTER_CONFIRM), domains=RETAIL)
def precancel_state(ctx: CheckContext) -> Iterator[Violation]:
    """The pre-cancel state decides which cancellation term (fee) applies."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        fid = fulfillment.id
        for group in fulfillment.groups("precancel_state"):
            value = group.value("fulfillment_state")
            if not isinstance(fid, str) or not isinstance(value, str):
                continue
            last = _last_states(ctx)
            if fid in last and value != last[fid]:
                yield Violation(group.path("fulfillment_state"),
                                f"precancel state {value} but {fid!r} was last reported "
                                f"{last[fid]}", expected=last[fid], actual=value)


@rule("RET-POST-030", "precancel_state updated_at is an RFC 3339 time not after the message",
      Severity.MINOR, spec=f"{_DSL} on_cancel PRE_CANCEL_UPDATED_AT; {_NOTES}/on_cancel/"
      "on_cancel.yaml [^4]", actions=list(AFTER_CONFIRM), domains=RETAIL)
def precancel_time(ctx: CheckContext) -> Iterator[Violation]:
    """When the fulfillment reached its pre-cancel state; it cannot postdate the cancel."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        for group in fulfillment.groups("precancel_state"):
            value = group.value("updated_at")
            if value is MISSING:
                continue
            if parse_timestamp(value) is None or _before_or_same(
                    value, ctx.message.timestamp) is False:
                yield Violation(group.path("updated_at"), "precancel updated_at is not a time "
                                "at or before the message", expected=f"<= "
                                f"{ctx.message.timestamp}", actual=value)


# --- Cancel fulfillments (full and part) ---------------------------------------------------------

@rule("RET-POST-031", "Each cancellation records a cancel_request (reason_id, initiated_by): on "
      "the Cancel fulfillment of a part cancel, on the Cancel or the cancelled fulfillment of a "
      "full cancel (or in its order.cancellation)", Severity.MAJOR,
      spec=f"{_NOTES}/on_update/on_update_merchant_cancels_customized.yaml [^4], [^5]; "
      f"{_EXAMPLES}/on_cancel/on_cancel.yaml (cancel_request on F1; order.cancellation "
      "cancelled_by and reason, notes/on_cancel [^2]); {_FLOWS}/"
      "RTO_PLUS_PART_CANCELLATION.yaml (C1 cancel_request)", actions=list(AFTER_CONFIRM),
      domains=RETAIL)
def cancel_request_tag(ctx: CheckContext) -> Iterator[Violation]:
    """Why and by whom each cancellation was made; a part cancel has no other record of it.  A
    full cancel may state it in order.cancellation alone (the 1.2.0 object for a cancelled
    order: cancelled_by, reason.id; the 1.2.5 rule sets check the tag only where present)."""
    report = report_of(ctx.payload)
    order, fulfillments = report.order, report.fulfillments
    # a bare {id, type} names the cancellation (refund notices), not records it
    cancels = [f for f in fulfillments if f.type == "Cancel" and "state" in f.data]
    if not cancels:
        return
    fallback: list[TagGroup] = []
    stated = order.get("state") == CANCELLED and all(
        isinstance(v, str) and v.strip() for v in (get(order, "cancellation", "cancelled_by"),
                                                    get(order, "cancellation", "reason", "id")))
    if order.get("state") == CANCELLED:
        for fulfillment in fulfillments:
            if fulfillment.forward and fulfillment.state == CANCELLED:
                fallback += fulfillment.groups("cancel_request")
    for fulfillment in cancels:
        groups = fulfillment.groups("cancel_request") or fallback
        if not groups and stated:
            continue
        if not groups:
            yield Violation(fulfillment.path("tags"), f"Cancel fulfillment "
                            f"{fulfillment.id!r}: no cancel_request records the "
                            "cancellation", expected="cancel_request {reason_id, initiated_by}",
                            actual=None)
            continue
        for code in ("reason_id", "initiated_by"):
            value = groups[0].value(code) if code == "reason_id" else _initiator(groups[0])
            if not (isinstance(value, str) and value.strip()):
                yield Violation(groups[0].path(code), f"cancel_request has no {code}",
                                expected=code, actual=None if value is MISSING else value)


@rule("RET-POST-032", "A merchant part cancel happens while the forward fulfillment is Pending",
      Severity.MAJOR, spec=f"{_PART} (cancel of item(s) only if fulfillment state is Pending)",
      actions=["on_update"], domains=RETAIL)
def part_cancel_when_pending(ctx: CheckContext) -> Iterator[Violation]:
    """Once packed, the goods exist; cancelling a part then is a return or an RTO."""
    if not _new_cancels(ctx):
        return
    for fulfillment in report_of(ctx.payload).fulfillments:
        code = fulfillment.state
        if fulfillment.forward and code is not None and code not in ("Pending", CANCELLED):
            yield Violation(fulfillment.path("state", "descriptor", "code"),
                            f"part cancel while {fulfillment.id!r} is {code}",
                            expected="Pending", actual=code)


@rule("RET-POST-033", "Every priced item moved to a new Cancel fulfillment has a quote_trail "
      "entry of type item on it", Severity.MAJOR,
      spec=f"{_PART} (a separate fulfillment with reason code and quote trail); {_R} "
      "update/on_update (quote trail per cancelled item)", actions=list(AFTER_CONFIRM),
      domains=RETAIL)
def trail_per_cancelled_item(ctx: CheckContext) -> Iterator[Violation]:
    """Without it the buyer app cannot tell what each cancelled item refunds.  Items whose
    confirmed line was 0.00 (free customisations) need no trail."""
    cancels = _new_cancels(ctx)
    confirmed = _confirmed(ctx) if cancels else None
    if confirmed is None:
        return
    order = order_of(ctx.payload)
    priced = {str(line.get("@ondc/org/item_id"))
              for _, line in items_of(confirmed.order, "quote", "breakup")
              if line.get("@ondc/org/title_type") == "item"
              and (numeric(get(line, "price", "value")) or 0) != 0}
    for fulfillment in cancels:
        trailed = str_values(g.value("id") for g in fulfillment.groups("quote_trail")
                             if g.value("type") == "item")
        moved = sorted({str(i.get("id")) for _, i in items_of(order, "items")
                        if i.get("fulfillment_id") == fulfillment.id
                        and (_item_count(i) or 0) > 0})
        for item_id in moved:
            if item_id in priced and item_id not in trailed:
                yield Violation(fulfillment.path("tags"), f"item {item_id!r} was "
                                f"cancelled on {fulfillment.id!r} without a quote_trail entry",
                                expected=f"quote_trail {{type: item, id: {item_id}}}",
                                actual=sorted(str(t) for t in trailed))


# =============================================================================================
# update / on_update
# =============================================================================================

def _targets(ctx: CheckContext) -> list[str]:
    value = get(ctx.payload, "message", "update_target")
    return [t.strip() for t in value.split(",")] if isinstance(value, str) else []


@rule("RET-POST-034", "update_target is a comma-separated list of item, billing, fulfillment, "
      "payment", Severity.MAJOR,
      spec=f"{_BUILD} /update (update_target, required); {_DSL} update UPDATE_TARGET",
      actions=["update"], domains=RETAIL)
def update_target(ctx: CheckContext) -> Iterator[Violation]:
    """The seller dispatches the update on this value."""
    if not isinstance(get(ctx.payload, "message"), dict):
        return
    value = get(ctx.payload, "message", "update_target")
    targets = _targets(ctx)
    if not targets or any(t not in UPDATE_TARGETS for t in targets):
        yield Violation(json_path("message", "update_target"),
                        "update_target is missing or names an unknown object",
                        expected=sorted(UPDATE_TARGETS), actual=None if value is MISSING
                        else value)


@rule("RET-POST-035", "update carries what its update_target names (item: a return_request, "
      "payment: settlement details, fulfillment: fulfillments)", Severity.MAJOR,
      spec=f"{_BUILD} /update; {_EXAMPLES}/update (return request, settlement trail, "
      "fulfillment updates)", actions=["update"], domains=RETAIL)
def update_has_content(ctx: CheckContext) -> Iterator[Violation]:
    """An update that announces a return and carries none is a no-op the seller must refuse."""
    report = report_of(ctx.payload)
    order = report.order
    checks = {
        "item": (any(f.groups("return_request") or f.type == "Return"
                     for f in report.fulfillments), "fulfillments",
                 "a Return fulfillment with a return_request tag"),
        "payment": (bool(report.settlements), "payment",
                    "payment['@ondc/org/settlement_details']"),
        "fulfillment": (bool(report.fulfillments), "fulfillments", "order.fulfillments"),
    }
    for target in _targets(ctx):
        if target in checks and not checks[target][0]:
            yield Violation(_order_path(checks[target][1]),
                            f"update_target {target} but nothing to update", expected=
                            checks[target][2], actual=get(order, checks[target][1]) if
                            checks[target][1] in order else None)


@rule("RET-POST-036", "update names fulfillments of the order (a new Return excepted)",
      Severity.MAJOR, spec=f"{_NOTES}/update/update_for_fulfillments.yaml [^1] (fulfillment "
      "not found: NACK 50007)", actions=["update"], domains=RETAIL)
def update_known_fulfillments(ctx: CheckContext) -> Iterator[Violation]:
    """An update for a fulfillment the seller never created cannot be applied."""
    previous = _previous_order(ctx)
    if previous is None:
        return
    known = previous[1].fulfillment_ids
    for fulfillment in report_of(ctx.payload).fulfillments:
        fid = fulfillment.id
        if fulfillment.type == "Return" or fulfillment.groups("return_request"):
            continue
        if isinstance(fid, str) and fid not in known:
            yield Violation(fulfillment.path("id"),
                            f"fulfillment {fid!r} is not in the order", expected=sorted(known),
                            actual=fid)


def _address_change(fulfillment: dict[str, Any]) -> bool:
    end = get(fulfillment, "end")
    return isinstance(end, dict) and any(k in end for k in ("location", "contact",
                                                           "instructions", "person"))


@rule("RET-POST-037", "A delivery address or instruction update is sent before the order is "
      "picked up", Severity.MAJOR,
      spec=f"{_FLOWS}/BUYER_INSTRUCTIONS_AND_ADDRESS_UPDATE_FLOW.yaml (update_address while "
      f"Pending); {_R} update/on_update; {_NOTES}/update/update_for_fulfillments.yaml [^1] "
      "(terminal state: NACK 50008)", actions=["update"], domains=RETAIL)
def address_before_pickup(ctx: CheckContext) -> Iterator[Violation]:
    """Once the rider has the parcel, a new address is a new delivery, not an update."""
    if "fulfillment" not in _targets(ctx):
        return
    last = _last_states(ctx)
    for fulfillment in report_of(ctx.payload).fulfillments:
        fid = fulfillment.id
        if not _address_change(fulfillment.data) or not isinstance(fid, str) or fid not in last:
            continue
        if last[fid] not in BEFORE_PICKUP:
            yield Violation(fulfillment.path("end"), f"fulfillment {fid!r} is already "
                            f"{last[fid]}: too late to change where it goes",
                            expected=sorted(BEFORE_PICKUP), actual=last[fid])


@rule("RET-POST-038", "end.instructions additional_desc content_type is text/plain or "
      "text/html", Severity.MINOR,
      spec=f"{_DSL} update/on_update FULFILLMENTS_END_INSTRUCTIONS_ADDITIONAL_DESC_CONTENT_TYPE",
      actions=["update", "on_update"], domains=RETAIL)
def instructions_content_type(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app renders the instructions by this type."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        value = get(fulfillment.data, "end", "instructions", "additional_desc", "content_type")
        if value is not MISSING and not member(value, CONTENT_TYPES):
            yield Violation(fulfillment.path("end", "instructions", "additional_desc",
                                    "content_type"), "unknown instructions content type",
                            expected=sorted(CONTENT_TYPES), actual=value)


@rule("RET-POST-039", "A buyer app's update_state is a legal move for its fulfillment",
      Severity.MAJOR, spec=f"{_NOTES}/update/update_for_fulfillments.yaml [^2], [^3]; "
      "ondc_harness.states (FULFILLMENT_TRANSITIONS)", actions=["update"], domains=RETAIL)
def update_state_legal(ctx: CheckContext) -> Iterator[Violation]:
    """A buyer-delivered order reported Order-delivered before it was picked up is a lost
    parcel or a false report."""
    previous = _previous_order(ctx)
    if previous is None:
        return
    known = {f.id: f for f in previous[1].fulfillments if isinstance(f.id, str)}
    for fulfillment in report_of(ctx.payload).fulfillments:
        fid = fulfillment.id
        before = known.get(fid) if isinstance(fid, str) else None
        for group in fulfillment.groups("update_state"):
            state = group.value("state")
            if before is None or not isinstance(state, str):
                continue
            kind = fulfillment_kind(before.type,
                                    tag_value(before.data.get("tags"), "routing", "type"))
            current = before.state
            if kind is None or current is None:
                continue
            if state not in states_of(kind) or not fulfillment_move_is_legal(kind, current,
                                                                             state):
                yield Violation(group.path("state"), f"a {kind} fulfillment cannot go from "
                                f"{current} to {state}", expected=f"a legal move from "
                                f"{current}", actual=state)


@rule("RET-POST-040", "update_fulfillment_time names Order-picked-up or Order-delivered with "
      "RFC 3339 times", Severity.MINOR,
      spec=f"{_NOTES}/update/update_for_fulfillments.yaml [^9]–[^13]; {_DSL} update "
      "TAGS_UPDATE_FULFILLMENT_TIME", actions=["update", "on_update"], domains=RETAIL)
def fulfillment_time_tag(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app's own pickup and delivery times; settlement windows run from them."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        for group in fulfillment.groups("update_fulfillment_time"):
            state = group.value("state")
            if state is not MISSING and state not in ("Order-picked-up", "Order-delivered"):
                yield Violation(group.path("state"), "update_fulfillment_time state is "
                                "neither pickup nor delivery",
                                expected=["Order-picked-up", "Order-delivered"], actual=state)
            for code in ("timestamp", "start_time", "end_time"):
                value = group.value(code)
                if value is not MISSING and parse_timestamp(value) is None:
                    yield Violation(group.path(code), f"update_fulfillment_time {code} is not "
                                    "an RFC 3339 time", expected="2023-11-17T09:30:00.000Z",
                                    actual=value)


# --- returns ----------------------------------------------------------------------------------

_RETURN_ACTIONS: Final = ("update", "on_update", "on_status")


def _asks_return(payload: Any) -> bool:
    """An update whose update_target names ``item``: a return request (a payment update that
    repeats the return_request tags is a refund notice, not a new request)."""
    target = get(payload, "message", "update_target")
    return isinstance(target, str) and "item" in (t.strip() for t in target.split(","))


@rule("RET-POST-041", "A return_request carries id, item_id, item_quantity, reason_id, "
      "reason_desc, images, ttl_approval and ttl_reverseqc", Severity.MAJOR,
      spec=f"{_NOTES}/update/update_buyer_initiated_part_return_request.yaml [^1]–[^7]; "
      f"{_EXAMPLES}/update/update_buyer_initiated_part_return_request.yaml (the seller's "
      "on_update echoes may omit some: Examples on_update_seller_approves_* has no id)",
      actions=["update"], domains=RETAIL)
def return_request_complete(ctx: CheckContext) -> Iterator[Violation]:
    """The seller approves or rejects on these; without them the return cannot be judged."""
    for group in report_of(ctx.payload).returns:
        missing = [c for c in RETURN_REQUEST_REQUIRED if not (
            isinstance(group.value(c), str) and group.value(c).strip())]
        if missing:
            yield Violation(group.path(), f"return_request lacks {', '.join(missing)}",
                            expected=list(RETURN_REQUEST_REQUIRED),
                            actual=sorted(group.values))


@rule("RET-POST-042", "return_request codes are the defined ones (and replace is yes or no)",
      Severity.MINOR, spec=f"{_DSL10} on_update TAGS_RETURN_REQUEST_VALID_TAGS (id, item_id, "
      "parent_item_id, item_quantity, reason_id, reason_desc, images, ttl_approval, "
      "ttl_reverseqc, initiated_by, replace)", actions=_RETURN_ACTIONS, domains=RETAIL)
def return_request_codes(ctx: CheckContext) -> Iterator[Violation]:
    """A misspelt code (``itemid``) is a field the seller never reads."""
    for group in report_of(ctx.payload).returns:
        for code in group.values:
            if code not in RETURN_REQUEST_CODES:
                yield Violation(group.path(code), f"unknown return_request code {code!r}",
                                expected=sorted(RETURN_REQUEST_CODES), actual=code)
        replace = group.value("replace")
        if replace is not MISSING and replace not in ("yes", "no"):
            yield Violation(group.path("replace"), "replace is not yes or no",
                            expected=["yes", "no"], actual=replace)


@rule("RET-POST-043", "A return_request item_id is an item of the order", Severity.MAJOR,
      spec=f"{_NOTES}/update/update_buyer_initiated_part_return_request.yaml; retail-1.2/"
      "error_codes (30005 invalid return request)", actions=_RETURN_ACTIONS, domains=RETAIL)
def return_item_known(ctx: CheckContext) -> Iterator[Violation]:
    """A return of something never bought."""
    groups = report_of(ctx.payload).returns
    confirmed = _confirmed(ctx) if groups else None
    if confirmed is None:
        return
    items = {i["id"] for _, i in items_of(confirmed.order, "items")
             if isinstance(i.get("id"), str)}
    for group in groups:
        value = group.value("item_id")
        if isinstance(value, str) and items and value not in items:
            yield Violation(group.path("item_id"), f"item {value!r} is not in the order",
                            expected=sorted(items), actual=value)


@rule("RET-POST-044", "A return_request item_quantity is a positive integer no larger than the "
      "units confirmed", Severity.MAJOR,
      spec=f"{_NOTES}/update/update_buyer_initiated_part_return_request.yaml; retail-1.2/"
      "error_codes (30005 invalid return request)", actions=_RETURN_ACTIONS, domains=RETAIL)
def return_quantity(ctx: CheckContext) -> Iterator[Violation]:
    """Returning 3 of 2 refunds a unit that was never paid for."""
    groups = report_of(ctx.payload).returns
    if not groups:
        return
    confirmed = _confirmed(ctx)
    counts = _counts(confirmed.order) if confirmed is not None else Counter()
    for group in groups:
        raw = group.value("item_quantity")
        if raw is MISSING:
            continue
        count = numeric(raw)
        item_id = group.value("item_id")
        limit = counts.get(item_id) if isinstance(item_id, str) else None
        if count is None or count <= 0 or count != count.to_integral_value() or (
                limit is not None and count > limit):
            yield Violation(group.path("item_quantity"), f"cannot return {raw!r} of "
                            f"{item_id!r}", expected=f"1..{limit}" if limit else "a positive "
                            "integer", actual=raw)


@rule("RET-POST-045", "A return_request reason_id is a three-digit code", Severity.MINOR,
      spec=f"{_DSL} update RETURN_REQUEST_REASON_ID (^\\d{{3}}$); {_NOTES}/update/"
      "update_buyer_initiated_part_return_request.yaml [^4]", actions=_RETURN_ACTIONS,
      domains=RETAIL)
def return_reason_code(ctx: CheckContext) -> Iterator[Violation]:
    """Return reasons are coded so that cost attribution can be automated."""
    for group in report_of(ctx.payload).returns:
        value = group.value("reason_id")
        if value is not MISSING and not (isinstance(value, str) and _THREE_DIGITS.match(value)):
            yield Violation(group.path("reason_id"), "return reason is not a three-digit code",
                            expected="e.g. \"003\"", actual=value)


@rule("RET-POST-046", "return_request ttl_approval and ttl_reverseqc are ISO 8601 durations",
      Severity.MINOR, spec=f"{_NOTES}/update/update_buyer_initiated_part_return_request.yaml "
      f"[^6], [^7]; {_DSL} RETURN_REQUEST_TTL_APPROVAL, RETURN_REQUEST_TTL_REVERSEQC",
      actions=_RETURN_ACTIONS, domains=RETAIL)
def return_ttls(ctx: CheckContext) -> Iterator[Violation]:
    """The seller's deadlines to approve and to do reverse QC.  The validator's narrower
    patterns (PT…H, P…D) are not imposed: PT30M is a valid deadline."""
    for group in report_of(ctx.payload).returns:
        for code in ("ttl_approval", "ttl_reverseqc"):
            value = group.value(code)
            if value is not MISSING and not is_duration(value):
                yield Violation(group.path(code), f"{code} is not an ISO 8601 duration",
                                expected="e.g. PT24H / P3D", actual=value)


@rule("RET-POST-047", "return_request images is a comma-separated list of http(s) URLs",
      Severity.MINOR, spec=f"{_EXAMPLES}/update/update_buyer_initiated_part_return_request.yaml "
      "(images: url_for_image1,url_for_image2); " + f"{_FLOWS}/RETURN_FLOW.yaml",
      actions=_RETURN_ACTIONS, domains=RETAIL)
def return_images(ctx: CheckContext) -> Iterator[Violation]:
    """The seller judges the return on these pictures."""
    for group in report_of(ctx.payload).returns:
        value = group.value("images")
        if not isinstance(value, str) or not value.strip():
            continue
        bad = [u.strip() for u in value.split(",") if not _HTTP_URL.match(u.strip())]
        if bad:
            yield Violation(group.path("images"), f"not an http(s) URL: {', '.join(bad)}",
                            expected="https://…,https://…", actual=value)


@rule("RET-POST-048", "A return is requested only for a delivered order", Severity.MAJOR,
      spec=f"{_NOTES}/update/update_buyer_initiated_part_return_request.yaml; ondc_harness.states "
      "(returns happen on a Completed order); retail-1.2/error_codes (50002)",
      actions=["update"], domains=RETAIL)
def return_after_delivery(ctx: CheckContext) -> Iterator[Violation]:
    """Before delivery the buyer cancels; there is nothing to return."""
    if not _asks_return(ctx.payload) or not report_of(ctx.payload).returns:
        return
    previous = _previous_order(ctx)
    if previous is None:
        return
    state = previous[1].forward_state
    if state is not None and state != "Order-delivered":
        yield Violation(_order_path("fulfillments"), f"return requested while the order is "
                        f"{state} (as of {previous[0].action})", expected="Order-delivered",
                        actual=state)


@rule("RET-POST-049", "A new return request does not reuse the id of an earlier one",
      Severity.MAJOR, spec=f"{_NOTES}/update/update_buyer_initiated_part_return_request.yaml "
      "[^2] (unique id for each return request)", actions=["update"], domains=RETAIL)
def return_id_unique(ctx: CheckContext) -> Iterator[Violation]:
    """Two returns under one id merge into one in the seller's books."""
    if not _asks_return(ctx.payload):
        return
    used: set[str] = set()
    for message in ctx.earlier:
        if message.action == "update" and _asks_return(message.payload):
            used.update(g.value("id") for g in report_of(message.payload).returns
                        if isinstance(g.value("id"), str))
    for group in report_of(ctx.payload).returns:
        value = group.value("id")
        if isinstance(value, str) and value in used:
            yield Violation(group.path("id"), f"return id {value!r} was used by an earlier "
                            "return request", expected="a new id", actual=value)


@rule("RET-POST-050", "A Return fulfillment carries its return_request, and its id is the "
      "request's id", Severity.MAJOR,
      spec=f"{_NOTES}/update/update_buyer_initiated_part_return_request.yaml [^1], [^2]; "
      f"{_EXAMPLES}/on_update/on_update_seller_approves_request_and_wants_item_back.yaml (R1)",
      actions=["on_update", "on_status", "on_cancel"], domains=RETAIL)
def return_fulfillment_request(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app matches the seller's return updates to its requests by this id."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        if fulfillment.type != "Return":
            continue
        groups = fulfillment.groups("return_request")
        if not groups:
            yield Violation(fulfillment.path("tags"), f"Return fulfillment "
                            f"{fulfillment.id!r} has no return_request tag",
                            expected="return_request", actual=None)
            continue
        rid = groups[0].value("id")
        if isinstance(rid, str) and rid and fulfillment.id != rid:
            yield Violation(fulfillment.path("id"),
                            "Return fulfillment id is not its request's", expected=rid,
                            actual=fulfillment.id)


@rule("RET-POST-051", "Return_Rejected and Return_Failed say why (state.descriptor.short_desc)",
      Severity.MINOR, spec=f"{_EXAMPLES}/on_update/on_update_seller_NP_rejects_request.yaml "
      f"(short_desc: return rejection reason code); {_EXAMPLES}/on_update/"
      "on_update_return_picked_failed.yaml (pickup failure reason code)",
      actions=["on_update", "on_status"], domains=RETAIL)
def return_refusal_reason(ctx: CheckContext) -> Iterator[Violation]:
    """A rejected return without a reason is the start of a grievance (IGM)."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        code = fulfillment.state
        if fulfillment.type != "Return" or code not in ("Return_Rejected", "Return_Failed"):
            continue
        reason = get(fulfillment.data, "state", "descriptor", "short_desc")
        if not (isinstance(reason, str) and reason.strip()):
            yield Violation(fulfillment.path("state", "descriptor", "short_desc"),
                            f"{code} without a reason", expected="a reason code",
                            actual=None if reason is MISSING else reason)


@rule("RET-POST-052", "A return is picked up at the buyer's address (Return start gps = the "
      "delivery's end gps, within 1e-6°)", Severity.MINOR,
      spec=f"{_NOTES}/on_update/on_update_seller_approves_request_and_wants_item_back.yaml [^10] "
      "(reverse pickup start location, i.e. buyer address)", actions=["on_update", "on_status"],
      domains=RETAIL)
def return_pickup_at_buyer(ctx: CheckContext) -> Iterator[Violation]:
    """The courier is sent to this address."""
    fulfillments = report_of(ctx.payload).fulfillments
    returns = [f for f in fulfillments if f.type == "Return"]
    forward = next((f for f in fulfillments if f.forward), None) if returns else None
    if forward is None:
        return
    delivered_to = get(forward.data, "end", "location", "gps")
    for fulfillment in returns:
        there = get(fulfillment.data, "start", "location", "gps")
        if _same_place(there, delivered_to) is False:
            yield Violation(fulfillment.path("start", "location", "gps"),
                            "the return pickup is not at the address the order was "
                            "delivered to", expected=delivered_to, actual=there)


def _replaced(group: TagGroup) -> bool:
    return str(group.value("replace")).strip().lower() == "yes"


@rule("RET-POST-053", "At a refund trigger point (Liquidated, Return_Picked) a return that is "
      "not a replacement carries its quote_trail", Severity.MAJOR,
      spec=f"{_PART} (updated quote at the refund trigger point: Liquidated, Return_Picked, "
      "Cancelled)", actions=["on_update", "on_status"], domains=RETAIL)
def refund_at_trigger(ctx: CheckContext) -> Iterator[Violation]:
    """The refund is owed from this moment; without a trail the buyer app cannot pay it."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        if fulfillment.type != "Return" or fulfillment.state not in REFUND_AT:
            continue
        if any(_replaced(g) for g in fulfillment.groups("return_request")):
            continue
        if not fulfillment.groups("quote_trail"):
            yield Violation(fulfillment.path("tags"), f"{fulfillment.state} return "
                            f"{fulfillment.id!r} carries no quote_trail",
                            expected="quote_trail tags of the refund", actual=None)


@rule("RET-POST-054", "A replacement (return_request replace yes) refunds nothing: no negative "
      "quote_trail on its Return", Severity.MAJOR,
      spec=f"{_DSL10} on_update TAGS_RETURN_REQUEST_VALID_TAGS (replace); "
      "automation-1.2.5/RET10-1.2.5/flows/GROCERY/Replacement_Flow.yaml",
      actions=["on_update", "on_status"], domains=RETAIL)
def replacement_no_refund(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer gets the goods again; refunding them too pays twice."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        if fulfillment.type != "Return" or not any(
                _replaced(g) for g in fulfillment.groups("return_request")):
            continue
        for group in fulfillment.groups("quote_trail"):
            amount = numeric(group.value("value"))
            if amount is not None and amount < 0:
                yield Violation(group.path("value"), "a replacement carries a refund",
                                expected="no refund (replacement)",
                                actual=group.value("value"))


# =============================================================================================
# progress of the order (on_status and the other seller reports)
# =============================================================================================

PICKED: Final = PICKED_UP_OR_LATER | {CANCELLED, "Return_Picked", "Return_Delivered", *RTO}
"""States in which a fulfillment's start.time.timestamp is the time it *was* picked up (before
them it can only be a plan: a reverse pickup slot of an approved return)."""
DELIVERED: Final = frozenset({"Order-delivered", "Return_Delivered", "RTO-Delivered"})
"""States in which end.time.timestamp is the time it *was* delivered."""
assert DELIVERED <= PICKED


def _pickup_time(fulfillment: Fulfillment) -> Any:
    """The actual pickup time (``MISSING`` while the pickup has not happened)."""
    if fulfillment.state not in PICKED:
        return MISSING
    return get(fulfillment.data, "start", "time", "timestamp")


def _delivery_time(fulfillment: Fulfillment) -> Any:
    """The actual delivery time (``MISSING`` while not delivered)."""
    if fulfillment.state not in DELIVERED:
        return MISSING
    return get(fulfillment.data, "end", "time", "timestamp")


_PROGRESS: Final = ("on_status", "on_update", "on_cancel")


@rule("RET-POST-055", "A fulfillment's pickup time is not after its delivery time (once both "
      "happened)", Severity.MAJOR, spec=f"{_R} on_status (pickup ≤ delivery ≤ context time); "
      f"{_NOTES}/on_status [^7], [^12]", actions=_PROGRESS, domains=RETAIL)
def pickup_before_delivery(ctx: CheckContext) -> Iterator[Violation]:
    """A parcel delivered before it was picked up is a clock or a data defect."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        if fulfillment.state not in DELIVERED:
            continue  # not delivered: no delivery time to compare
        picked, delivered = _pickup_time(fulfillment), _delivery_time(fulfillment)
        if _before_or_same(picked, delivered) is False:
            yield Violation(fulfillment.path("end", "time", "timestamp"),
                            f"delivered at {delivered}, before the pickup at {picked}",
                            expected=f">= {picked}", actual=delivered)


@rule("RET-POST-056", "Pickup and delivery times that happened are not after the message's "
      "timestamp", Severity.MAJOR, spec=f"{_R} on_status (pickup ≤ delivery ≤ context time)",
      actions=_PROGRESS, domains=RETAIL)
def times_not_future(ctx: CheckContext) -> Iterator[Violation]:
    """A reported event that has not happened yet.  (A future start.time.timestamp of an
    approved return is its planned pickup, not a report.)"""
    stamp = ctx.message.timestamp
    for fulfillment in report_of(ctx.payload).fulfillments:
        if fulfillment.state not in PICKED:
            continue  # nothing happened yet (PICKED holds every DELIVERED state)
        for end, value in (("start", _pickup_time(fulfillment)),
                           ("end", _delivery_time(fulfillment))):
            if _before_or_same(value, stamp) is False:
                yield Violation(fulfillment.path(end, "time", "timestamp"),
                                f"{end}.time.timestamp is later than the message",
                                expected=f"<= {stamp}", actual=value)


def _seller_handled(fulfillment: Fulfillment) -> bool:
    """Forward fulfillments whose progress the seller reports (Buyer-Delivery is the buyer
    app's, reported by update_fulfillment_time)."""
    return fulfillment.forward and fulfillment.type != "Buyer-Delivery"


@rule("RET-POST-057", "From Order-picked-up on, a fulfillment carries its pickup time "
      "(start.time.timestamp)", Severity.MAJOR,
      spec=f"{_NOTES}/on_status/on_status_other_product_order_delivered.yaml [^7] (required if "
      "state is Order-picked-up, Out-for-delivery, Order-delivered)", actions=_PROGRESS,
      domains=RETAIL)
def pickup_time_present(ctx: CheckContext) -> Iterator[Violation]:
    """Delivery SLAs and settlement (settlement_basis shipment) run from the pickup."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        code = fulfillment.state
        if code in PICKED_UP_OR_LATER and _seller_handled(fulfillment) and \
                get(fulfillment.data, "start", "time", "timestamp") is MISSING:
            yield Violation(fulfillment.path("start", "time", "timestamp"),
                            f"{code} without the pickup time", expected="an RFC 3339 time",
                            actual=None)


@rule("RET-POST-058", "An Order-delivered fulfillment carries its delivery time "
      "(end.time.timestamp)", Severity.MAJOR,
      spec=f"{_NOTES}/on_status/on_status_other_product_order_delivered.yaml [^12] (required if "
      f"state is Order-delivered); {_R} on_status", actions=_PROGRESS, domains=RETAIL)
def delivery_time_present(ctx: CheckContext) -> Iterator[Violation]:
    """The delivery time starts the return window and the settlement (basis delivery)."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        if fulfillment.state == "Order-delivered" and _seller_handled(fulfillment) and \
                get(fulfillment.data, "end", "time", "timestamp") is MISSING:
            yield Violation(fulfillment.path("end", "time", "timestamp"),
                            "Order-delivered without the delivery time",
                            expected="an RFC 3339 time", actual=None)


def _last_state_times(ctx: CheckContext, ids: set[str]) -> dict[str, Any]:
    """Fulfillment id (of ``ids``) → the last state.updated_at the seller's earlier reports gave
    it as a readable time.  Read from the latest report back, until every id is found."""
    last: dict[str, Any] = {}
    wanted = set(ids)
    for message in reversed(ctx.earlier):
        if not wanted:
            break
        if message.action not in SELLER_ORDER_ACTIONS:
            continue
        for fulfillment in reversed(report_of(message.payload).fulfillments):
            fid = fulfillment.id
            if not member(fid, wanted):
                continue
            value = get(fulfillment.data, "state", "updated_at")
            if parse_timestamp(value) is not None:
                last[fid] = value
                wanted.discard(fid)
    return last


@rule("RET-POST-059", "A fulfillment's state.updated_at never goes back", Severity.MAJOR,
      spec=f"{_R} on_status (state_updated_at monotonic)",
      actions=list(SELLER_ORDER_ACTIONS[1:]), domains=RETAIL)
def state_time_monotonic(ctx: CheckContext) -> Iterator[Violation]:
    """An older state time means a stale report replayed over a newer one."""
    timed = [(f, get(f.data, "state", "updated_at")) for f in report_of(ctx.payload).fulfillments
             if isinstance(f.id, str)]
    # only a readable time now can be earlier than one reported before
    timed = [(f, value) for f, value in timed if parse_timestamp(value) is not None]
    if not timed:
        return
    last = _last_state_times(ctx, {f.id for f, _ in timed})
    for fulfillment, value in timed:
        fid = fulfillment.id
        if fid in last and _before_or_same(last[fid], value) is False:
            yield Violation(fulfillment.path("state", "updated_at"),
                            f"state.updated_at of {fid!r} is earlier than already reported",
                            expected=f">= {last[fid]}", actual=value)


@rule("RET-POST-060", "A fulfillment's state.updated_at is not after the message's timestamp",
      Severity.MINOR, spec=f"{_R} on_status (state_updated_at monotonic; ≤ context time)",
      actions=list(SELLER_ORDER_ACTIONS[1:]), domains=RETAIL)
def state_time_not_future(ctx: CheckContext) -> Iterator[Violation]:
    """A state reached in the future has not been reached."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        value = get(fulfillment.data, "state", "updated_at")
        if _before_or_same(value, ctx.message.timestamp) is False:
            yield Violation(fulfillment.path("state", "updated_at"),
                            "state.updated_at is later than the message",
                            expected=f"<= {ctx.message.timestamp}", actual=value)


@rule("RET-POST-061", "order.updated_at never goes back across the seller's reports and is not "
      "after the message", Severity.MINOR,
      spec=f"{_R} on_status (each later than the previous); {_DSL} on_status ORDER_UPDATED_AT",
      actions=list(AFTER_CONFIRM), domains=RETAIL)
def order_updated_monotonic(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app keeps the newest version of the order by this time."""
    value = order_of(ctx.payload).get("updated_at")
    now = parse_timestamp(value)
    if now is None:
        return
    stamp = parse_timestamp(ctx.message.timestamp)
    if stamp is not None and now > stamp:
        yield Violation(_order_path("updated_at"), "order.updated_at is later than the message",
                        expected=f"<= {ctx.message.timestamp}", actual=value)
        return
    previous = _previous_order(ctx)
    if previous is None:
        return
    before = previous[1].order.get("updated_at", MISSING)
    then = parse_timestamp(before)
    if then is not None and then > now:
        yield Violation(_order_path("updated_at"), f"order.updated_at is earlier than in the "
                        f"{previous[0].action} before it", expected=f">= {before}", actual=value)


def _delivered(report: Report) -> bool:
    return report.order.get("state") == "Completed" or any(
        f.forward and f.state == "Order-delivered" for f in report.fulfillments)


@rule("RET-POST-062", "A pay-on-delivery order (payment ON-FULFILLMENT) is PAID once delivered",
      Severity.CRITICAL, spec=f"{_R} on_status (COD paid on delivery); {_NOTES}/on_status/"
      "on_status_other_product_order_pickup.yaml [^23]", actions=list(AFTER_CONFIRM),
      domains=RETAIL)
def cod_paid_on_delivery(ctx: CheckContext) -> Iterator[Violation]:
    """The cash was collected at the door; NOT-PAID would have the buyer charged again."""
    report = report_of(ctx.payload)
    payment = get_dict(report.order, "payment")
    if payment.get("type") == "ON-FULFILLMENT" and _delivered(report) and \
            "status" in payment and payment["status"] != "PAID":
        yield Violation(_order_path("payment", "status"),
                        "the order is delivered but its cash-on-delivery payment is not PAID",
                        expected="PAID", actual=payment["status"])


@rule("RET-POST-063", "A Completed pay-on-delivery order carries the payment time "
      "(payment.time.timestamp)", Severity.MINOR,
      spec=f"{_NOTES}/on_status/on_status_other_product_order_pickup.yaml [^23] (required for "
      "payment on delivery orders when order state is Completed)", actions=list(AFTER_CONFIRM),
      domains=RETAIL)
def cod_payment_time(ctx: CheckContext) -> Iterator[Violation]:
    """When the cash was collected; the seller's settlement window starts there."""
    order = order_of(ctx.payload)
    payment = get_dict(order, "payment")
    if payment.get("type") == "ON-FULFILLMENT" and order.get("state") == "Completed" and \
            parse_timestamp(get(payment, "time", "timestamp")) is None:
        yield Violation(_order_path("payment", "time", "timestamp"),
                        "Completed cash-on-delivery order without the payment time",
                        expected="an RFC 3339 time",
                        actual=None if get(payment, "time", "timestamp") is MISSING
                        else get(payment, "time", "timestamp"))


@rule("RET-POST-064", "payment.status never goes back from PAID to NOT-PAID", Severity.MAJOR,
      spec=f"{_DSL} on_status PAYMENT_STATUS; {_R} confirm/on_confirm (payment as confirm's)",
      actions=list(AFTER_CONFIRM), domains=RETAIL)
def paid_stays_paid(ctx: CheckContext) -> Iterator[Violation]:
    """Money received is not un-received; refunds are settlement entries, not a status."""
    status = get(order_of(ctx.payload), "payment", "status")
    if status != "NOT-PAID":
        return
    for message in reversed(ctx.earlier):
        if message.action in ("confirm", *SELLER_ORDER_ACTIONS) and get(
                order_of(message.payload), "payment", "status") == "PAID":
            yield Violation(_order_path("payment", "status"), f"payment was PAID in "
                            f"{message.action}, now NOT-PAID", expected="PAID", actual=status)
            return


def _agent_phone_ok(value: Any) -> bool:
    return isinstance(value, str) and _PHONE.match(re.sub(r"[\s-]", "", value)) is not None


@rule("RET-POST-065", "An Agent-assigned delivery that gives its agent names them (agent.name "
      "and agent.phone)", Severity.MINOR,
      spec=f"{_R} on_status (Agent-assigned); {_DSL} on_status FULFILLMENTS_AGENT_NAME, "
      "FULFILLMENTS_AGENT_PHONE (checked where present); retail-1.2/notes/on_status/"
      "on_status_other_product_order_pickup.yaml [^20] (agent optional)", actions=_PROGRESS,
      domains=RETAIL)
def agent_named(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer calls the agent given; one without name or phone cannot be reached.  The agent
    itself is optional ("may be provided for last-mile delivery in intercity shipments")."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        if fulfillment.type != "Delivery" or fulfillment.state not in AGENT_STATES:
            continue
        agent = get(fulfillment.data, "agent")
        if agent is MISSING:
            continue
        if not (isinstance(get(agent, "name"), str) and get(agent, "name").strip()
                and isinstance(get(agent, "phone"), str)):
            yield Violation(fulfillment.path("agent"), "Agent-assigned without the "
                            "agent's name and phone", expected={"name": "…", "phone": "…"},
                            actual=None if agent is MISSING else agent)


@rule("RET-POST-066", "Agent phone numbers are Indian mobile numbers (10 digits, optional +91 "
      "or 0)", Severity.MINOR,
      spec=f"{_NOTES}/on_status (agent details); {_EXAMPLES}/on_status (agent.phone "
      "9886098860)", actions=_PROGRESS, domains=RETAIL)
def agent_phone(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer calls this number when the rider cannot find the address."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        phone = get(fulfillment.data, "agent", "phone")
        if phone is not MISSING and not _agent_phone_ok(phone):
            yield Violation(fulfillment.path("agent", "phone"), "agent phone is not a "
                            "10-digit Indian mobile number", expected="e.g. 9886098860",
                            actual=phone)


@rule("RET-POST-067", "Once every forward fulfillment is delivered the order is Completed; "
      "while one is on its way it is In-progress (a collected self-pickup may be Completed)",
      Severity.MAJOR,
      spec=f"{_NOTES}/on_status [^6] (fulfillment state mapping to order state); {_R} on_status "
      "(order state Accepted → In-progress → Completed)", actions=["on_status", "on_update"],
      domains=RETAIL)
def order_state_follows_fulfillment(ctx: CheckContext) -> Iterator[Violation]:
    """A delivered order still "Accepted" never closes (no return window, no settlement)."""
    report = report_of(ctx.payload)
    state = report.order.get("state")
    if state == CANCELLED or not isinstance(state, str):
        return
    confirmed = _confirmed(ctx)
    original = confirmed.fulfillment_ids if confirmed else None
    live: list[str] = []  # states of the seller's confirmed forward fulfillments, one loop
    for f in report.fulfillments:
        code = f.state
        if code is None or code == CANCELLED or not _seller_handled(f):
            continue
        if original is None or member(f.id, original):
            live.append(code)
    if not live:
        return
    if all(s == "Order-delivered" for s in live):
        expected = {"Completed"}
    elif any(s in PICKED_UP_OR_LATER for s in live):
        # A self-pickup collected by the buyer may close at once (states.py: Completed
        # straight from Accepted); a delivery on its way may not.
        expected = {"In-progress", "Completed"} if all(
            s in ("Order-picked-up", "Order-delivered") for s in live) and all(
            f.type == "Self-Pickup" for f in report.fulfillments
            if _seller_handled(f)) else {"In-progress"}
    else:
        return
    if state not in expected:
        yield Violation(_order_path("state"), f"forward fulfillment(s) {', '.join(live)} but "
                        f"the order is {state}", expected=sorted(expected), actual=state)


RETURN_PICKED: Final = frozenset({"Return_Picked", "Return_Delivered"})
"""Return states in which start.time.timestamp is when the return *was* picked up (a failed
pickup's timestamp is the failed attempt, outside a rescheduled slot: Examples/B2C/on_update
on_update_return_attempted_failed_rescheduled.yaml)."""


@rule("RET-POST-068", "A return is picked up within its reverse pickup slot (Return "
      "start.time.timestamp inside start.time.range)", Severity.MINOR,
      spec=f"{_NOTES}/on_update/on_update_seller_approves_request_and_wants_item_back.yaml [^11] "
      f"(time slot for reverse pickup); {_EXAMPLES}/on_update/on_update_return_picked.yaml "
      "(picked 10:15 in the slot 10:00–10:30)", actions=["on_update", "on_status"],
      domains=RETAIL)
def return_picked_in_slot(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer waits for the courier in the slot the seller gave; a pickup recorded outside
    it contradicts the slot (or the slot was never real).  Either end of the range may be
    missing; the range in the same message counts, so a rescheduled slot replaces the first."""
    for fulfillment in report_of(ctx.payload).fulfillments:
        if fulfillment.type != "Return" or fulfillment.state not in RETURN_PICKED:
            continue
        picked = get(fulfillment.data, "start", "time", "timestamp")
        opens = get(fulfillment.data, "start", "time", "range", "start")
        closes = get(fulfillment.data, "start", "time", "range", "end")
        if _before_or_same(opens, picked) is False or _before_or_same(picked, closes) is False:
            slot = " – ".join(v if isinstance(v, str) else "…" for v in (opens, closes))
            yield Violation(fulfillment.path("start", "time", "timestamp"),
                            f"return {fulfillment.id!r} was picked up at {picked}, "
                            f"outside its pickup slot {slot}", expected=slot, actual=picked)
