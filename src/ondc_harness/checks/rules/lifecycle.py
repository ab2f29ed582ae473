"""Post-order bookkeeping (``RET-LIFE-…``): cancellations, RTO and returns keep the books straight.

After on_confirm an order can lose units (buyer or merchant cancel, part cancel, RTO, return)
and money (refunds).  A buyer app settles from what these messages say, so they must add up:

* the cancellation names the buyer's reason and the buyer app as canceller when the buyer asked;
* units are *moved* to a Cancel, RTO or Return fulfillment, never dropped, and a cancelled order
  has nothing left to deliver;
* the ``quote_trail`` tags record every change: on_confirm's total plus the trail is the new
  total — the refund a buyer app computes;
* an RTO travels the delivery backwards; a part cancel uses a reason allowed for part cancels;
  a Return fulfillment repeats the buyer's request; an update to where the order goes is
  applied.

Sources: RULES-REFERENCE.md (out of stock: "error object with code 40002 and the affected item
ids; quantities reduced"; on_cancel: "reason equals cancel's; cancelled_by; item counts
moved to cancel fulfillment; quote_trail sums back to the on_confirm total; RTO fulfillment
states and locations mirrored"; update/on_update: "part cancel by seller (reason codes),
returns (condition, images, quantities), quote trail sums"), retail-1.2/docs/
part_cancel_by_merchant.md ("the buyer NP can calculate the amount of refund from the quote
trail"), retail-1.2/error_codes/Cancellation ("Applicable for part cancel"), the 1.2.0 examples
on_cancel_rto and on_update_* and the 1.2.5 OUT_OF_STOCK, RETURN_FLOW, RTO_PLUS_PART_CANCELLATION
and BUYER_INSTRUCTIONS_AND_ADDRESS_UPDATE_FLOW flows.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_dict, get_str, items_of, tag_value
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import (
    RETAIL,
    TOLERANCE,
    amount_text,
    answered_request,
    member,
    numeric,
    order_of,
    whole_number,
)
from ondc_harness.checks.views import shared
from ondc_harness.message import Message

_R = "RULES-REFERENCE.md"
_AFTER_CONFIRM: Final = ("on_cancel", "on_update", "on_status")
_MOVED_TO: Final = frozenset({"Cancel", "RTO", "Return"})
PART_CANCEL_REASONS: Final = frozenset({"002", "012"})
"""Codes retail-1.2/error_codes/Cancellation marks "Applicable for part cancel: Yes"."""


@shared
def confirmation(ctx: CheckContext) -> Message | None:
    """The latest earlier on_confirm (shared by the rules checking one message, here and in
    :mod:`~ondc_harness.checks.rules.post_order`)."""
    return next((m for m in reversed(ctx.earlier) if m.action == "on_confirm"), None)


def _trail_values(order: dict[str, Any]) -> list[Decimal | None]:
    """The amount of every ``value`` entry of every ``quote_trail`` tag of the order's
    fulfillments (``None`` where it is not a number)."""
    out: list[Decimal | None] = []
    fulfillments = order.get("fulfillments")
    if not isinstance(fulfillments, list):
        return out
    # plain loops: a Cancel fulfillment carries a dozen trail groups of four entries
    for fulfillment in fulfillments:
        tags = fulfillment.get("tags") if isinstance(fulfillment, dict) else None
        if not isinstance(tags, list):
            continue
        for tag in tags:
            if not isinstance(tag, dict) or tag.get("code") != "quote_trail":
                continue
            entries = tag.get("list")
            if isinstance(entries, list):
                for entry in entries:
                    if isinstance(entry, dict) and entry.get("code") == "value":
                        out.append(numeric(entry.get("value")))
    return out


@shared
def _quote_total(payload: Any) -> Decimal | None:
    """``message.order.quote.price.value`` as a number: on_confirm's is read by every later
    report of the flow."""
    return numeric(get(order_of(payload), "quote", "price", "value"))


def _line_key(item: dict[str, Any]) -> tuple[str, str]:
    """(item id, parent_item_id) of an order line; a missing and an empty parent are alike."""
    parent = item.get("parent_item_id")
    return str(item.get("id")), "" if parent in (None, "") else str(parent)


Units = dict[tuple[str, str], int]
"""Units per order line (:func:`_line_key`); plain dicts, cheaper to make than Counters."""


def _add_units(units: Units, item: dict[str, Any]) -> None:
    """Count the item's units (a missing or unreadable count adds the line with 0)."""
    key = _line_key(item)
    quantity = item.get("quantity")
    count = quantity.get("count") if isinstance(quantity, dict) else None
    units[key] = units.get(key, 0) + (whole_number(count) or 0)


def _count_of(item: dict[str, Any]) -> Decimal | None:
    """``quantity.count`` of an order line as a number (read directly: a hot loop)."""
    quantity = item.get("quantity")
    return numeric(quantity.get("count")) if isinstance(quantity, dict) else None


@shared
def _confirmed_units(order: dict[str, Any]) -> tuple[frozenset[str], Units]:
    """on_confirm's fulfillment ids and the units of its lines on them.  Shared: every later
    report of the flow is compared with them (callers copy the units before changing them)."""
    forward = frozenset(str(f.get("id")) for _, f in items_of(order, "fulfillments"))
    units: Units = {}
    for _, item in items_of(order, "items"):
        if member(item.get("fulfillment_id"), forward):
            _add_units(units, item)
    return forward, units


def _by_item_where_unparented(*counters: Units) -> None:
    """Fold the lines of an item into ``(id, "")`` when some of its lines name no parent.

    Sellers often move cancelled units of a customised (F&B) item without repeating its
    parent_item_id; the units are still accounted for, so they are compared per item id.
    """
    keys = {key for counter in counters for key in counter}
    bare = {item for item, parent in keys if not parent}
    mixed = {item for item, parent in keys if parent and item in bare}
    if not mixed:
        return
    for counter in counters:
        for key in [k for k in counter if k[0] in mixed and k[1]]:
            bare_key = (key[0], "")
            counter[bare_key] = counter.get(bare_key, 0) + counter.pop(key)


def _post_order_ids(order: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Ids of the order's Return fulfillments and of all its Cancel, RTO and Return ones."""
    returns: set[str] = set()
    moved: set[str] = set()
    fulfillments = order.get("fulfillments")
    if not isinstance(fulfillments, list):
        return returns, moved
    for fulfillment in fulfillments:
        if not isinstance(fulfillment, dict):
            continue
        kind = fulfillment.get("type")
        if member(kind, _MOVED_TO):
            fid = str(fulfillment.get("id"))
            moved.add(fid)
            if kind == "Return":
                returns.add(fid)
    return returns, moved


@rule("RET-LIFE-001", "on_cancel for a buyer's cancel carries its reason and names the buyer "
      "app as cancelled_by", Severity.CRITICAL,
      spec=f"{_R} on_cancel (reason equals cancel's; cancelled_by)", actions=["on_cancel"],
      domains=RETAIL)
def cancel_reason_echoed(ctx: CheckContext) -> Iterator[Violation]:
    """The reason decides who bears the cost (retail-1.2/error_codes/Cancellation); a changed
    reason shifts it without the buyer's consent."""
    request = answered_request(ctx)
    if request is None or request.action != "cancel":
        return
    order = order_of(ctx.payload)
    wanted = get_str(request.payload, "message", "cancellation_reason_id")
    got = get(order, "cancellation", "reason", "id")
    if wanted is not None and got != wanted:
        yield Violation(json_path("message", "order", "cancellation", "reason", "id"),
                        "the cancellation reason is not the one the buyer app sent",
                        expected=wanted, actual=got)
    buyer = request.context.get("bap_id")
    by = get(order, "cancellation", "cancelled_by")
    if isinstance(buyer, str) and by != buyer:
        yield Violation(json_path("message", "order", "cancellation", "cancelled_by"),
                        "the buyer app cancelled this order", expected=buyer, actual=by)


@rule("RET-LIFE-002", "The quote trail reconciles: on_confirm total + Σ quote_trail = quote total "
      "(tolerance 0.01)", Severity.CRITICAL,
      spec=f"{_R} on_cancel (quote_trail sums back to the on_confirm total); update/on_update "
      "(quote trail sums); retail-1.2/docs/part_cancel_by_merchant.md",
      actions=_AFTER_CONFIRM, domains=RETAIL)
def quote_trail_reconciles(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app refunds exactly the trail; a quote that moved without it (or a trail that
    does not add up) is money paid or withheld with no record."""
    confirmed = confirmation(ctx)
    if confirmed is None:
        return
    order = order_of(ctx.payload)
    base = _quote_total(confirmed.payload)
    total = numeric(get(order, "quote", "price", "value"))
    if base is None or total is None:
        return  # an unreadable amount is RET-QUOTE-003's finding (the trail need not be read)
    trail = _trail_values(order)
    if any(value is None for value in trail):
        return  # an unreadable amount is RET-QUOTE-003's finding
    expected = base + sum((value for value in trail if value is not None), Decimal(0))
    if abs(expected - total) > TOLERANCE:
        yield Violation(json_path("message", "order", "quote", "price", "value"),
                        f"on_confirm's total {amount_text(base)} plus the quote trail "
                        f"({len(trail)} entries) is {amount_text(expected)}, not the quote total",
                        expected=amount_text(expected), actual=get(order, "quote", "price",
                                                                   "value"))


@rule("RET-LIFE-003", "Cancelled, RTO and returned units move to their fulfillment: per item the "
      "units equal on_confirm's, and a cancelled order has none left to deliver",
      Severity.MAJOR, spec=f"{_R} on_cancel (item counts moved to cancel fulfillment); "
      "update/on_update (returns: quantities)", actions=_AFTER_CONFIRM, domains=RETAIL)
def units_conserved(ctx: CheckContext) -> Iterator[Violation]:
    """Units that vanish (or appear) make the refund, the invoice and the RTO disagree.

    Returned units are accepted in either recorded shape: moved from the delivery to the
    Return fulfillment (the 1.2.0 examples on_update_return_*), or left on the delivered
    fulfillment, which records what was delivered (the 1.2.5 RETURN_FLOW examples list no
    return lines; the Pramaan mock seller adds them beside the delivered count).
    """
    confirmed = confirmation(ctx)
    if confirmed is None:
        return
    before = order_of(confirmed.payload)
    order = order_of(ctx.payload)
    if "items" not in order:
        return  # a partial order (a settlement notice sent as on_update) states no units
    forward, confirmed_units = _confirmed_units(before)
    returns, moved = _post_order_ids(order)
    returns -= forward
    moved -= returns
    was = dict(confirmed_units)
    kept: Units = {}
    returned: Units = {}
    keep = forward | moved
    for _, item in items_of(order, "items"):
        fid = item.get("fulfillment_id")
        if member(fid, keep):
            _add_units(kept, item)
        elif member(fid, returns):  # disjoint from forward and moved
            _add_units(returned, item)
    if returned or kept != was:  # else every line is as confirmed: nothing to compare
        yield from _unit_changes(was, kept, returned)
    if order.get("state") != "Cancelled":
        return
    for index, item in items_of(order, "items"):
        count = _count_of(item)
        if member(item.get("fulfillment_id"), forward) and count:
            yield Violation(json_path("message", "order", "items", index, "quantity", "count"),
                            f"the order is Cancelled but {count} unit(s) of {item.get('id')} "
                            f"remain on fulfillment {item.get('fulfillment_id')}",
                            expected=0, actual=get(item, "quantity", "count"))


def _unit_changes(was: Units, kept: Units, returned: Units) -> Iterator[Violation]:
    """RET-LIFE-003's count: per line, on_confirm's units are those kept now (on the
    confirmed fulfillments or moved to a Cancel, RTO or Return one), with or without the
    units returned."""
    _by_item_where_unparented(was, kept, returned)
    for key in sorted({*was, *kept, *returned}):
        had, still = was.get(key, 0), kept.get(key, 0)
        now = still + returned.get(key, 0)
        if had not in (now, still) and (had or now):
            yield Violation(json_path("message", "order", "items"),
                            f"item {key[0]} has {now} unit(s) across the order's "
                            f"fulfillments, on_confirm had {had}",
                            expected=had, actual=now)


@rule("RET-LIFE-004", "An RTO fulfillment mirrors the delivery: it starts where the delivery "
      "ends and ends where it started", Severity.MAJOR,
      spec=f"{_R} on_cancel (RTO fulfillment ... locations mirrored); retail-1.2/Examples/B2C/"
      "on_cancel/on_cancel_rto.yaml", actions=["on_cancel", "on_status"], domains=RETAIL)
def rto_mirrors_delivery(ctx: CheckContext) -> Iterator[Violation]:
    """The goods return from the buyer's door to the store; other ends mean another trip.
    An RTO that states no location (the 1.2.0 example gives only its start time) is not
    compared."""
    order = order_of(ctx.payload)
    fulfillments = dict(items_of(order, "fulfillments"))
    for index, rto in fulfillments.items():
        if rto.get("type") != "RTO":
            continue
        delivery = next((f for f in fulfillments.values() if f.get("type") == "Delivery" and
                         tag_value(f.get("tags"), "cancel_request", "rto_id") == rto.get("id")),
                        None) or next((f for f in fulfillments.values()
                                       if f.get("type") == "Delivery"), None)
        if delivery is None:
            continue
        for rto_end, delivery_end in (("start", "end"), ("end", "start")):
            want = get(delivery, delivery_end, "location", "gps")
            got = get(rto, rto_end, "location", "gps")
            if isinstance(want, str) and got is not MISSING and got != want:
                yield Violation(json_path("message", "order", "fulfillments", index, rto_end,
                                          "location", "gps"),
                                f"the RTO's {rto_end} is not the delivery's {delivery_end}",
                                expected=want, actual=got)


@rule("RET-LIFE-005", "A part cancel (a Cancel fulfillment on an order still going) uses a reason "
      "allowed for part cancels (002, 012)", Severity.MAJOR,
      spec=f"{_R} update/on_update (part cancel by seller: reason codes); retail-1.2/"
      "error_codes/Cancellation (Applicable for part cancel)", actions=["on_update",
                                                                        "on_status"],
      domains=RETAIL)
def part_cancel_reason(ctx: CheckContext) -> Iterator[Violation]:
    """Other reasons (merchant rejected the order, buyer not found) cancel whole orders; on a
    single line they misstate who pays."""
    order = order_of(ctx.payload)
    if order.get("state") == "Cancelled":
        return
    for index, fulfillment in items_of(order, "fulfillments"):
        if fulfillment.get("type") != "Cancel":
            continue
        reason = tag_value(fulfillment.get("tags"), "cancel_request", "reason_id")
        if reason is not None and reason not in PART_CANCEL_REASONS:
            yield Violation(json_path("message", "order", "fulfillments", index, "tags"),
                            f"reason {reason} is not allowed for a part cancel",
                            expected=sorted(PART_CANCEL_REASONS), actual=reason)


def _return_requests(payload: Any) -> dict[str, dict[str, str]]:
    """return_request tags by id: code → value."""
    out: dict[str, dict[str, str]] = {}
    for _, fulfillment in items_of(order_of(payload), "fulfillments"):
        for _, tag in items_of(fulfillment, "tags"):
            if tag.get("code") != "return_request":
                continue
            values = {str(e.get("code")): str(e.get("value")) for _, e in items_of(tag, "list")}
            if "id" in values:
                out[values["id"]] = values
            elif fulfillment.get("id") is not None:
                out[str(fulfillment["id"])] = values
    return out


@shared
def _update_requests(payload: Any) -> dict[str, dict[str, str]]:
    """:func:`_return_requests` of an update, read once: every later report looks back at it."""
    return _return_requests(payload)


@rule("RET-LIFE-006", "A Return fulfillment repeats the buyer's return request (item, quantity, "
      "reason)", Severity.MAJOR,
      spec=f"{_R} update/on_update (returns: condition, images, quantities); automation-1.2.5 "
      "RETURN_FLOW (on_update return_request)", actions=["on_update", "on_status"],
      domains=RETAIL)
def return_request_echoed(ctx: CheckContext) -> Iterator[Violation]:
    """The seller approves, rejects or refunds what the buyer asked to return, nothing else."""
    returns = [(index, fulfillment) for index, fulfillment in items_of(
        order_of(ctx.payload), "fulfillments") if fulfillment.get("type") == "Return"]
    if not returns:
        return
    asked: dict[str, dict[str, str]] = {}
    for message in ctx.earlier:
        if message.action == "update":
            asked.update(_update_requests(message.payload))
    if not asked:
        return
    for index, fulfillment in returns:
        request = asked.get(str(fulfillment.get("id")))
        echoed = _return_requests({"message": {"order": {"fulfillments": [fulfillment]}}})
        told = next(iter(echoed.values()), None)
        if request is None or told is None:
            continue
        for key in ("item_id", "item_quantity", "reason_id"):
            if key in request and told.get(key) != request[key]:
                yield Violation(json_path("message", "order", "fulfillments", index, "tags"),
                                f"return_request {key} differs from the buyer's update",
                                expected=request[key], actual=told.get(key))


def _requested(message: Message) -> dict[str, int]:
    """Units per item id, over the items that state a quantity (on_select may omit it), read
    with plain loops."""
    wanted: dict[str, int] = {}
    items = order_of(message.payload).get("items")
    if not isinstance(items, list):
        return wanted
    for item in items:
        if not isinstance(item, dict):
            continue
        quantity = item.get("quantity")
        count = whole_number(quantity.get("count")) if isinstance(quantity, dict) else None
        if count is None:
            continue
        key = str(item.get("id"))
        wanted[key] = wanted.get(key, 0) + count
    return wanted


@rule("RET-LIFE-007", "on_select that supplies less than select asked says so: error 40002 "
      "naming each short item", Severity.MAJOR,
      spec=f"{_R} out of stock (error object with code 40002 and the affected item ids; "
      "quantities reduced); automation-1.2.5 OUT_OF_STOCK", actions=["on_select"],
      domains=RETAIL)
def shortfall_declared(ctx: CheckContext) -> Iterator[Violation]:
    """A silently trimmed cart is a different order than the buyer chose."""
    select = answered_request(ctx)
    if select is None:
        return
    wanted = _requested(select)
    got = _requested(ctx.message)
    short = sorted(i for i, count in wanted.items() if i in got and got[i] < count)
    if not short:
        return
    error = get_dict(ctx.payload, "error")
    text = str(error.get("message", ""))
    if error.get("code") != "40002":
        yield Violation(json_path("error", "code"), f"item(s) {', '.join(short)} supplied below "
                        "the quantity selected, without error 40002", expected="40002",
                        actual=error.get("code"))
        return
    for item_id in short:
        if item_id not in text:
            yield Violation(json_path("error", "message"), f"error 40002 does not name {item_id}",
                            expected=item_id, actual=text)


@rule("RET-LIFE-008", "on_update answering a fulfillment update applies it (the end's location, "
      "contact, person and instructions as sent)", Severity.MAJOR,
      spec=f"{_R} update/on_update; automation-1.2.5 BUYER_INSTRUCTIONS_AND_ADDRESS_UPDATE_FLOW "
      "(on_update_address, on_update_buyer_inst)", actions=["on_update"], domains=RETAIL)
def fulfillment_update_applied(ctx: CheckContext) -> Iterator[Violation]:
    """An update the seller ACKs but does not apply sends the order to the old address."""
    update = answered_request(ctx)
    if update is None or get(update.payload, "message", "update_target") != "fulfillment":
        return
    answered = dict(items_of(order_of(ctx.payload), "fulfillments"))
    for _, sent in items_of(order_of(update.payload), "fulfillments"):
        target = next(((i, f) for i, f in answered.items() if f.get("id") == sent.get("id")),
                      None)
        if target is None:
            continue
        index, fulfillment = target
        for key in ("location", "contact", "person", "instructions"):
            want = get(sent, "end", key)
            if isinstance(want, dict) and get(fulfillment, "end", key) != want:
                yield Violation(json_path("message", "order", "fulfillments", index, "end", key),
                                f"the end {key} the buyer app sent is not applied",
                                expected=want, actual=get(fulfillment, "end", key))
