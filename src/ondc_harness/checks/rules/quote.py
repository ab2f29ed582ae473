"""Quote rules (``RET-QUOTE-…``): the price the buyer is asked to pay, and its breakup.

Sources: RULES-REFERENCE.md (on_select, on_init, on_cancel: "quote total = Σ breakup",
"breakup line = unit price × quantity", title_type enum, item_id references, delivery line,
quote.ttl), retail-1.2/notes/on_select (footnotes on how the quote adds up) and the 1.2.5
validator (automation-1.2.5/RET11-1.2.5/validations/index.yaml, ``ORDER_QUOTE``).

Amounts are read as ``Decimal`` through :func:`access.decimal_of`; a value that is not a finite
number is reported once, by RET-QUOTE-003, and the arithmetic rules skip what they cannot add.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Final, NamedTuple

from ondc_harness.checks.access import get, get_str, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import (
    RETAIL,
    TOLERANCE,
    amount_text,
    member,
    numeric,
    order_of,
    str_values,
)
from ondc_harness.checks.views import shared
from ondc_harness.durations import is_duration

_R = "RULES-REFERENCE.md"
_NOTES = "retail-1.2/notes/on_select/on_select.yaml"
_DSL = "automation-1.2.5/RET11-1.2.5/validations/index.yaml"

#: Messages that carry ``order.quote`` (Retail 1.2 build.yaml).
QUOTE_ACTIONS: Final = ("on_select", "on_init", "confirm", "on_confirm", "on_status",
                        "on_cancel", "on_update")

TITLE_TYPE = "@ondc/org/title_type"
ITEM_ID = "@ondc/org/item_id"
ITEM_QUANTITY = "@ondc/org/item_quantity"

#: Allowed ``@ondc/org/title_type`` per core_version.
#: 1.2.0: retail-1.2/enums/title_type.yaml (item … discount, discount_f, tax_f) plus ``offer``,
#: which the 1.2.0 offer examples use (Examples/B2C/on_select/on_select_*_applied.yaml) and the
#: on_select notes define ("offered_value for title_type offer").
#: 1.2.5: the validator's enum (item, delivery, packing, tax, misc, discount, offer) plus
#: discount_f and tax_f, which the 1.2.5 attribute tables (attributes/F_B.yaml) still list.
#: The two official 1.2.5 sources disagree; accepting their union avoids a false positive.
TITLE_TYPES: Final[dict[str, frozenset[str]]] = {
    "1.2.0": frozenset({"item", "delivery", "packing", "tax", "misc", "discount", "discount_f",
                        "tax_f", "offer"}),
    "1.2.5": frozenset({"item", "delivery", "packing", "tax", "misc", "discount", "offer",
                        "discount_f", "tax_f"}),
}
_ALL_TITLE_TYPES: Final = frozenset().union(*TITLE_TYPES.values())

#: Fulfillment types that carry a delivery charge (Self-Pickup and Buyer-Delivery do not).
_DELIVERY_TYPES: Final = frozenset({"Delivery"})
_PICKUP_CATEGORIES: Final = frozenset({"Takeaway", "Kerbside"})


def _quote_path(*parts: str | int) -> str:
    return json_path("message", "order", "quote", *parts)


def _ids(order: dict[str, Any], key: str) -> set[str]:
    """The string ids of the objects in the list ``order[key]``."""
    elements = order.get(key)
    if not isinstance(elements, list):
        return set()
    return {e["id"] for e in elements if isinstance(e, dict) and isinstance(e.get("id"), str)}


class _Line(NamedTuple):
    """A breakup line with what the quote rules read of it, amounts parsed once."""

    at: int
    """The line's index in the breakup."""
    line: dict[str, Any]
    title_type: Any
    price: dict[str, Any]
    """``price``, ``{}`` when it is not an object."""
    unit_price: dict[str, Any]
    """``item.price``, ``{}`` when it is not an object."""
    value: Decimal | None
    offered_value: Decimal | None
    unit_value: Decimal | None
    """``price.value``, ``price.offered_value``, ``item.price.value`` as numbers (``None``:
    absent or not a number)."""


class _Quote(NamedTuple):
    """``message.order.quote`` as the quote rules read it (see :func:`_quote_of`)."""

    order: dict[str, Any]
    quote: dict[str, Any]
    """``order.quote``, ``{}`` when it is not an object."""
    price: dict[str, Any]
    """``quote.price``, ``{}`` when it is not an object."""
    total: Decimal | None
    """``quote.price.value`` as a number."""
    lines: tuple[_Line, ...]
    """The breakup's objects."""


@shared
def _quote_of(payload: Any) -> _Quote:
    """The message's quote as the quote rules read it: every rule of this module walks the same
    breakup and parses the same amounts, so that is done once per message."""
    order = order_of(payload)
    quote = order.get("quote")
    quote = quote if isinstance(quote, dict) else {}
    price = quote.get("price")
    price = price if isinstance(price, dict) else {}
    lines: list[_Line] = []
    breakup = quote.get("breakup")
    for index, line in enumerate(breakup if isinstance(breakup, list) else ()):
        if not isinstance(line, dict):
            continue
        line_price = line.get("price")
        if not isinstance(line_price, dict):
            line_price = {}
        item = line.get("item")
        unit_price = item.get("price") if isinstance(item, dict) else None
        if not isinstance(unit_price, dict):
            unit_price = {}
        lines.append(_Line(
            index, line, line.get(TITLE_TYPE), line_price, unit_price,
            numeric(line_price["value"]) if "value" in line_price else None,
            numeric(line_price["offered_value"]) if "offered_value" in line_price else None,
            numeric(unit_price["value"]) if "value" in unit_price else None))
    return _Quote(order, quote, price, numeric(price["value"]) if "value" in price else None,
                  tuple(lines))


def _parsed(holder: dict[str, Any], key: str, number: Decimal | None) -> bool:
    """``holder[key]`` is absent or a number (``number`` is its parsed value)."""
    return number is not None or key not in holder


def _line_amount(line: _Line) -> tuple[str, Decimal | None]:
    """The key and amount a breakup line contributes to the total.

    Retail 1.2 on_select notes [^2]: the total is Σ ``price.value``, except that ``offer`` lines
    contribute ``price.offered_value`` (1.2.0 offers put the discount there and 0 in value);
    1.2.5 offer lines carry the discount in ``value`` and no offered_value.
    """
    if line.title_type == "offer" and "offered_value" in line.price:
        return "offered_value", line.offered_value
    return "value", line.value


@rule("RET-QUOTE-001", "Quote price equals the sum of its breakup (tolerance 0.01)",
      Severity.CRITICAL, spec=f"{_R} on_select/on_init/on_cancel (quote total = Σ breakup); "
      f"{_NOTES} [^2]", actions=QUOTE_ACTIONS, domains=RETAIL)
def quote_total(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer pays quote.price.value; an unexplained difference is money nobody agreed to."""
    quote = _quote_of(ctx.payload)
    total = quote.total
    if "breakup" not in quote.quote or total is None:
        return
    lines: list[Decimal] = []
    for line in quote.lines:
        _, value = _line_amount(line)
        if value is None:
            return  # RET-QUOTE-003 reports it; the sum is unknowable
        lines.append(value)
    expected = sum(lines, Decimal(0))
    if abs(total - expected) > TOLERANCE:
        raw_total = quote.price["value"]
        yield Violation(_quote_path("price", "value"),
                        f"quote.price.value {raw_total} is not the sum of the breakup "
                        f"{amount_text(expected)} (tolerance {TOLERANCE})",
                        expected=amount_text(expected), actual=raw_total)


@rule("RET-QUOTE-002",
      "An item line's price equals unit price × @ondc/org/item_quantity.count (tolerance 0.01)",
      Severity.CRITICAL, spec=f"{_R} on_select (breakup line = unit price × quantity); "
      f"{_NOTES} [^5]", actions=QUOTE_ACTIONS, domains=RETAIL)
def line_price(ctx: CheckContext) -> Iterator[Violation]:
    """A line that does not multiply out charges a quantity or unit price the buyer never saw."""
    for line in _quote_of(ctx.payload).lines:
        unit, value = line.unit_value, line.value
        if line.title_type != "item" or unit is None or value is None:
            continue
        quantity = line.line.get(ITEM_QUANTITY)
        count = numeric(quantity.get("count")) if isinstance(quantity, dict) else None
        if count is None:
            continue
        expected = unit * count
        if abs(value - expected) > TOLERANCE:
            raw = line.price["value"]
            yield Violation(_quote_path("breakup", line.at, "price", "value"),
                            f"line for {line.line.get(ITEM_ID)!r} is {raw}, but unit price "
                            f"{line.unit_price['value']} × count "
                            f"{get(line.line, ITEM_QUANTITY, 'count')} = {amount_text(expected)} "
                            f"(tolerance {TOLERANCE})",
                            expected=amount_text(expected), actual=raw)


@rule("RET-QUOTE-003", "Quote amounts are finite numbers (no NaN, Infinity or text)",
      Severity.CRITICAL, spec=f"{_R} (NaN amounts seen in real logs); Retail 1.2 build.yaml "
      "Price.value (decimal string)", actions=QUOTE_ACTIONS, domains=RETAIL)
def amounts_numeric(ctx: CheckContext) -> Iterator[Violation]:
    """An amount nobody can add up cannot be paid, settled or reconciled."""
    quote = _quote_of(ctx.payload)
    price = quote.price
    if "value" in price and quote.total is None:
        yield Violation(_quote_path("price", "value"), "quote total is not a number",
                        expected="a decimal string like \"394.20\"", actual=price["value"])
    for line in quote.lines:
        if _parsed(line.price, "value", line.value) and _parsed(
                line.price, "offered_value", line.offered_value) and _parsed(
                line.unit_price, "value", line.unit_value):
            continue  # the usual line: every amount it has is a number
        for where, key, holder, number in (
                (("price",), "value", line.price, line.value),
                (("price",), "offered_value", line.price, line.offered_value),
                (("item", "price"), "value", line.unit_price, line.unit_value)):
            if number is None and key in holder:
                yield Violation(_quote_path("breakup", line.at, *where, key),
                                f"breakup amount for {line.line.get(ITEM_ID)!r} is not a number",
                                expected="a decimal string", actual=holder[key])


@rule("RET-QUOTE-004", "Quote currency is INR throughout", Severity.CRITICAL,
      spec="Retail 1.2 build.yaml Price.currency; every quote example in retail-1.2/Examples",
      actions=QUOTE_ACTIONS, domains=RETAIL)
def currency_inr(ctx: CheckContext) -> Iterator[Violation]:
    """Lines in another currency (or a missing one) cannot be added to an INR total."""
    quote = _quote_of(ctx.payload)
    places: list[tuple[tuple[str | int, ...], dict[str, Any]]] = [(("price",), quote.price)]
    for line in quote.lines:
        if line.price.get("currency", "INR") != "INR":
            places.append((("breakup", line.at, "price"), line.price))
        if line.unit_price.get("currency", "INR") != "INR":
            places.append((("breakup", line.at, "item", "price"), line.unit_price))
    for parts, price in places:
        if "currency" in price and price["currency"] != "INR":
            yield Violation(_quote_path(*parts, "currency"), "currency is not INR",
                            expected="INR", actual=price["currency"])


@rule("RET-QUOTE-005", "Breakup title_type is in the enum of the core_version", Severity.MAJOR,
      spec=f"retail-1.2/enums/title_type.yaml (1.2.0); {_DSL} BREAKUP_ITEM_TITLE_TYPE (1.2.5)",
      actions=QUOTE_ACTIONS, domains=RETAIL)
def title_type_enum(ctx: CheckContext) -> Iterator[Violation]:
    """The title_type decides how a line is charged and settled; an unknown one is unusable."""
    lines = _quote_of(ctx.payload).lines
    if not lines:
        return
    allowed = TITLE_TYPES.get(ctx.message.version, _ALL_TITLE_TYPES)
    for line in lines:
        value = line.title_type
        if not member(value, allowed):
            yield Violation(_quote_path("breakup", line.at, TITLE_TYPE),
                            f"title_type {value!r} is not allowed in "
                            f"{ctx.message.version or 'Retail 1.2'}",
                            expected=sorted(allowed), actual=value)


@rule("RET-QUOTE-006",
      "Every breakup @ondc/org/item_id is an order item id or fulfillment id (item lines: an "
      "item id)", Severity.MAJOR,
      spec=f"{_R} on_select (breakup item_id is an item or fulfillment id); {_NOTES} [^9]; "
      "retail-1.2/notes/on_select (offers) [^3]", actions=QUOTE_ACTIONS, domains=RETAIL)
def breakup_refs(ctx: CheckContext) -> Iterator[Violation]:
    """A line must say what it charges for.

    Offer lines name the offer and order-level lines may name the transaction (notes on offers
    [^3]: "order" → transaction id), so those are accepted too.
    """
    quote = _quote_of(ctx.payload)
    if not quote.lines:
        return
    order = quote.order
    items = _ids(order, "items")
    allowed: set[str] | None = None  # built for the first line that is not an item's
    for line in quote.lines:
        kind = line.title_type
        if kind == "offer":
            continue
        ref = line.line.get(ITEM_ID)
        if kind == "item":
            if not member(ref, items):
                yield Violation(_quote_path("breakup", line.at, ITEM_ID),
                                f"item line refers to {ref!r}, which is not an order item",
                                expected=sorted(items), actual=ref)
            continue
        if allowed is None:
            allowed = (items | _ids(order, "fulfillments") | _ids(order, "offers")
                       | ({ctx.message.transaction_id} - {""}))
        if not member(ref, allowed):
            yield Violation(_quote_path("breakup", line.at, ITEM_ID),
                            f"breakup line refers to {ref!r}, which is neither an order "
                            "item nor a fulfillment", expected=sorted(allowed - {""}), actual=ref)


@rule("RET-QUOTE-007", "on_select's quote carries a ttl (ISO 8601 duration)", Severity.MAJOR,
      spec=f"{_R} on_select (quote.ttl present); {_NOTES} [^21] (validity of quote)",
      actions=["on_select"], domains=RETAIL)
def quote_ttl(ctx: CheckContext) -> Iterator[Violation]:
    """Without a validity the buyer cannot tell how long the price holds."""
    order = order_of(ctx.payload)
    quote = get(order, "quote")
    if not isinstance(quote, dict):
        return
    ttl = quote.get("ttl")
    if not is_duration(ttl):
        yield Violation(_quote_path("ttl"),
                        "quote.ttl is missing" if "ttl" not in quote
                        else "quote.ttl is not an ISO 8601 duration",
                        expected="a duration like P1D or PT1H", actual=ttl)


def _delivery_fulfillments(order: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """Fulfillments that are shipped to the buyer (type Delivery; 1.2.0 on_select examples omit
    the type, so an untyped fulfillment that is not a pickup category counts too)."""
    out = []
    for index, fulfillment in items_of(order, "fulfillments"):
        kind = fulfillment.get("type")
        if member(kind, _DELIVERY_TYPES) or (
                kind is None and not member(fulfillment.get("@ondc/org/category"),
                                            _PICKUP_CATEGORIES)):
            out.append((index, fulfillment))
    return out


def _state(fulfillment: dict[str, Any]) -> str | None:
    return get_str(fulfillment, "state", "descriptor", "code")


@rule("RET-QUOTE-008", "on_select has a delivery line when a delivery fulfillment is Serviceable",
      Severity.MAJOR, spec=f"{_R} on_select (delivery line present when serviceable); "
      f"{_NOTES} [^13]", actions=["on_select"], domains=RETAIL)
def delivery_line(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer must see the delivery charge (0.00 when free) before agreeing to the order.

    With several fulfillment options only the default option's costs are in the quote
    (retail-1.2/notes/on_select multiple options [^1]), so one line for any serviceable
    delivery fulfillment is enough.
    """
    quote = _quote_of(ctx.payload)
    if "breakup" not in quote.quote:
        return
    serviceable = str_values(f.get("id") for _, f in _delivery_fulfillments(quote.order)
                             if _state(f) == "Serviceable")
    if not serviceable:
        return
    charged = str_values(line.line.get(ITEM_ID) for line in quote.lines
                         if line.title_type == "delivery")
    if not serviceable & charged:
        ids = sorted(serviceable)
        yield Violation(_quote_path("breakup"),
                        f"no delivery line for serviceable fulfillment(s) {', '.join(ids)}",
                        expected=f"a breakup line with {TITLE_TYPE} delivery for one of {ids}",
                        actual=sorted(charged))


@rule("RET-QUOTE-009", "on_select has no delivery charge for a Non-serviceable fulfillment",
      Severity.MAJOR, spec=f"{_NOTES} [^13] (delivery charge only if Serviceable); "
      "retail-1.2/notes/on_select (location not serviceable) [^3]",
      actions=["on_select"], domains=RETAIL)
def no_delivery_when_unserviceable(ctx: CheckContext) -> Iterator[Violation]:
    """Charging delivery for an address the seller cannot serve misstates the quote."""
    quote = _quote_of(ctx.payload)
    unserviceable = str_values(f.get("id") for _, f in items_of(quote.order, "fulfillments")
                               if (_state(f) or "").lower() == "non-serviceable")
    for line in quote.lines:
        ref = line.line.get(ITEM_ID)
        if line.title_type == "delivery" and member(ref, unserviceable):
            value = line.value
            if value is not None and value != 0:
                yield Violation(_quote_path("breakup", line.at, "price", "value"),
                                f"delivery charged for non-serviceable fulfillment "
                                f"{ref!r}", expected="no delivery line (or 0.00)",
                                actual=line.price["value"])
