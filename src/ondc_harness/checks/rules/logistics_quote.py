"""Logistics money rules: the LSP's quote (``LOG-QUOTE-…``) and the payment terms
(``LOG-PAY-…``: payment type, settlement, cash on delivery).

Sources: the attribute tables (automation-1.2.5/LOG11-1.2.5/attributes: on_init
"quote.price.value = Σ(quote.breakup.price.value)", title_type enum "delivery", "tax", "rto",
"diff" (weight differential), "tax_diff", "discount", cod; quote.ttl "ttl for quote"; payment.type
"ON-FULFILLMENT (CoD), POST-FULFILLMENT, ON-ORDER"; settlement_basis and settlement_window
"mandatory for POST-FULFILLMENT"), validations/index.yaml (VALID_ENUM_MESSAGE_BREAKUPONDCORG
TITLE_TYPE, VALID_ENUM_MESSAGE_SETTLEMENT_COUNTERPARTY, linked_order_diff tags), the pack's
flows (SURGE_FEE_FLOW "surge", ORDER_FLOW_B2B "insurance", CASH_ON_DELIVERY_FLOW "cod" and
cod_settlement_detail) and the 1.2.0 certification logs (ON-FULFILLMENT collected by the LSP).

Amounts are ``Decimal`` (``_common.numeric`` over ``access.decimal_of``); a value that is not a
finite number is reported once, by LOG-QUOTE-002, and the arithmetic rules skip what they
cannot add.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_dict, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation
from ondc_harness.checks.rules._common import TOLERANCE, amount_text, member, order_of
from ondc_harness.checks.rules.logistics_common import (
    ATTR11,
    COD_PAYMENT,
    DELIVERED,
    DELIVERY,
    DSL10,
    FLOWS10,
    FLOWS11,
    LOGISTICS,
    PAYMENT_TYPES,
    POST_FULFILLMENT,
    REF,
    RTO,
    V1,
    V11,
    V12,
    V125,
    amount,
    catalogue_items,
    fulfillments,
    is_cod,
    latest,
    opath,
    state_code,
    tag_groups,
    tag_value,
    yes,
)
from ondc_harness.durations import is_duration

TITLE_TYPE: Final = "@ondc/org/title_type"
ITEM_ID: Final = "@ondc/org/item_id"
COLLECTION: Final = "@ondc/org/collection_amount"
SETTLEMENT: Final = "@ondc/org/settlement_details"
QUOTE_ACTIONS: Final = ("on_init", "confirm", "on_confirm", "on_status", "on_update",
                        "on_cancel")
POST_CONFIRM: Final = ("on_status", "on_update", "on_cancel")
PAYMENT_ACTIONS: Final = ("init", "on_init", "confirm", "on_confirm")
TITLE_TYPES: Final = frozenset({"delivery", "rto", "tax", "diff", "tax_diff", "discount", "cod",
                                "surge", "insurance"})
"""The validator's enum plus ``surge`` (SURGE_FEE_FLOW on_confirm) and ``insurance``
(ORDER_FLOW_B2B), which the pack's own flows use."""
CHARGES: Final = frozenset({"delivery", "rto", "tax", "cod", "surge", "insurance"})
COUNTERPARTIES: Final = frozenset({"lbnp", "lsp"})


def _qpath(*parts: str | int) -> str:
    return opath("quote", *parts)


def _breakup(payload: Any) -> list[tuple[int, dict[str, Any]]]:
    return list(items_of(order_of(payload), "quote", "breakup"))


def _lines_of(payload: Any, *types: str) -> list[tuple[int, dict[str, Any]]]:
    return [(i, line) for i, line in _breakup(payload) if line.get(TITLE_TYPE) in types]


# --- quote --------------------------------------------------------------------------------------

@rule("LOG-QUOTE-001", "Quote price equals the sum of its breakup (tolerance 0.01)",
      Severity.CRITICAL, spec=f"{ATTR11} on_init quote.price.value (\"= Σ(quote.breakup.price."
      f"value)\"); {REF} on_init", actions=QUOTE_ACTIONS, versions=V1, domains=LOGISTICS)
def quote_total(ctx: CheckContext) -> Iterator[Violation]:
    """The LBNP is invoiced the total; a total that is not its lines is an unexplained charge."""
    order = order_of(ctx.payload)
    if "breakup" not in get_dict(order, "quote"):
        return
    raw = get(order, "quote", "price", "value")
    total = amount(raw)
    if total is None:
        return
    lines: list[Decimal] = []
    for _, line in _breakup(ctx.payload):
        value = amount(get(line, "price", "value"))
        if value is None:
            return
        lines.append(value)
    expected = sum(lines, Decimal(0))
    if abs(total - expected) > TOLERANCE:
        yield Violation(_qpath("price", "value"), f"quote.price.value {raw} is not the sum of "
                        f"the breakup {amount_text(expected)} (tolerance {TOLERANCE})",
                        expected=amount_text(expected), actual=raw)


@rule("LOG-QUOTE-002", "Quote amounts are finite numbers (no NaN, Infinity or text)",
      Severity.CRITICAL, spec=f"{REF} (NaN amounts seen in real logs); {DSL10} on_init "
      "REQUIRED quote.price.value, breakup price.value", actions=QUOTE_ACTIONS, versions=V1,
      domains=LOGISTICS)
def quote_amounts_numeric(ctx: CheckContext) -> Iterator[Violation]:
    """An amount nobody can add cannot be invoiced or settled."""
    quote = get_dict(order_of(ctx.payload), "quote")
    if "value" in get_dict(quote, "price") and amount(quote["price"]["value"]) is None:
        yield Violation(_qpath("price", "value"), "quote total is not a number",
                        expected="a decimal string like \"59.00\"", actual=quote["price"]["value"])
    for index, line in _breakup(ctx.payload):
        price = get_dict(line, "price")
        if "value" in price and amount(price["value"]) is None:
            yield Violation(_qpath("breakup", index, "price", "value"), "breakup amount is not "
                            "a number", expected="a decimal string like \"50.00\"",
                            actual=price["value"])


@rule("LOG-QUOTE-003", "Breakup title_type is a logistics charge (delivery, rto, tax, diff, "
      "tax_diff, discount, cod, surge, insurance)", Severity.MAJOR,
      spec=f"{DSL10} on_init VALID_ENUM_MESSAGE_BREAKUPONDCORGTITLE_TYPE; {FLOWS10}/"
      f"SURGE_FEE_FLOW.yaml (surge); {FLOWS11}/ORDER_FLOW_B2B.yaml (insurance)",
      actions=QUOTE_ACTIONS, versions=V11, domains=LOGISTICS)
def title_types(ctx: CheckContext) -> Iterator[Violation]:
    """Settlement and GST treat each charge type differently; an unknown one cannot be booked."""
    for index, line in _breakup(ctx.payload):
        value = line.get(TITLE_TYPE, MISSING)
        if not member(value, TITLE_TYPES):
            yield Violation(_qpath("breakup", index, TITLE_TYPE), "unknown title_type",
                            expected=sorted(TITLE_TYPES),
                            actual=None if value is MISSING else value)


def _known_item_ids(ctx: CheckContext) -> set[str]:
    ids = set(catalogue_items(ctx))
    for message in (ctx.message, *(m for m in [latest(ctx, a) for a in (
            "init", "on_init", "confirm", "on_confirm")] if m is not None)):
        order = order_of(message.payload)
        ids.update(i["id"] for _, i in items_of(order, "items") if isinstance(i.get("id"), str))
        ids.update(f["id"] for _, f in items_of(order, "fulfillments")
                   if isinstance(f.get("id"), str))
    return ids


@rule("LOG-QUOTE-004", "Every breakup line names an item of the order or the catalogue "
      "(@ondc/org/item_id)", Severity.MAJOR,
      spec=f"{DSL10} on_init REQUIRED_MESSAGE_BREAKUPONDCORGITEM_ID; {FLOWS10}/"
      "SURGE_FEE_FLOW.yaml (surge line for catalogue item I3)", actions=QUOTE_ACTIONS,
      versions=V12, domains=LOGISTICS)
def breakup_items_known(ctx: CheckContext) -> Iterator[Violation]:
    """A charge for nothing the LBNP ordered or was offered cannot be disputed or settled."""
    known = _known_item_ids(ctx)
    if not known:
        return
    for index, line in _breakup(ctx.payload):
        value = line.get(ITEM_ID, MISSING)
        if not member(value, known):
            yield Violation(_qpath("breakup", index, ITEM_ID), "breakup line for an unknown "
                            "item", expected=sorted(known),
                            actual=None if value is MISSING else value)


@rule("LOG-QUOTE-005", "on_init's quote charges for delivery (a delivery line)", Severity.MAJOR,
      spec=f"{ATTR11} on_init quote.breakup title_type; {FLOWS10}/ORDER_FLOW_BASE_LINE.yaml "
      "on_init", actions=["on_init"], versions=V11, domains=LOGISTICS)
def delivery_line(ctx: CheckContext) -> Iterator[Violation]:
    """Every logistics order is a delivery; a quote without its charge is incomplete."""
    breakup = get(order_of(ctx.payload), "quote", "breakup")
    if isinstance(breakup, list) and not _lines_of(ctx.payload, "delivery"):
        yield Violation(_qpath("breakup"), "no delivery line in the quote",
                        expected="a line with title_type delivery", actual=None)


@rule("LOG-QUOTE-006", "on_init's quote has a ttl (1.2.5) that is an ISO 8601 duration",
      Severity.MINOR, spec=f"{ATTR11} on_init quote.ttl (required: \"ttl for quote\")",
      actions=["on_init"], versions=V12, domains=LOGISTICS)
def quote_ttl(ctx: CheckContext) -> Iterator[Violation]:
    """The LBNP must confirm within the quote's validity; without one it cannot know it."""
    quote = get(order_of(ctx.payload), "quote")
    if not isinstance(quote, dict):
        return
    if "ttl" in quote:
        if not is_duration(quote["ttl"]):
            yield Violation(_qpath("ttl"), "quote.ttl is not an ISO 8601 duration",
                            expected="e.g. PT15M", actual=quote["ttl"])
    elif ctx.message.version == "1.2.5":
        yield Violation(_qpath("ttl"), "on_init's quote has no ttl", expected="e.g. PT15M",
                        actual=None)


@rule("LOG-QUOTE-007", "Charges are not negative and discounts not positive", Severity.MAJOR,
      spec=f"{ATTR11} on_init title_type (\"discount\" (discount on delivery charge))",
      actions=QUOTE_ACTIONS, versions=V1, domains=LOGISTICS)
def charge_signs(ctx: CheckContext) -> Iterator[Violation]:
    """A negative delivery charge is a hidden discount; a positive discount a hidden charge."""
    for index, line in _breakup(ctx.payload):
        kind, value = line.get(TITLE_TYPE), amount(get(line, "price", "value"))
        if value is None:
            continue
        if member(kind, CHARGES) and value < 0:
            yield Violation(_qpath("breakup", index, "price", "value"), f"negative {kind} "
                            "charge", expected="≥ 0", actual=get(line, "price", "value"))
        elif kind == "discount" and value > 0:
            yield Violation(_qpath("breakup", index, "price", "value"), "positive discount",
                            expected="≤ 0", actual=get(line, "price", "value"))


@rule("LOG-QUOTE-008", "on_init prices each ordered item at its catalogue price (Σ its lines = "
      "the tax-inclusive on_search price, tolerance 0.01)", Severity.MAJOR,
      spec=f"{ATTR11} on_search items.price.value (\"price is tax inclusive here, itemized in "
      f"/on_init\"); {REF} on_init (quote as offered)", actions=["on_init"], versions=V12,
      domains=LOGISTICS)
def on_init_as_catalogued(ctx: CheckContext) -> Iterator[Violation]:
    """The LBNP chose this LSP on the catalogue price; on_init may itemise it, not raise it."""
    catalogue = catalogue_items(ctx)
    if not catalogue:
        return
    kinds = {f["id"]: f.get("type") for _, f in fulfillments(ctx.payload)
             if isinstance(f.get("id"), str)}
    for _, item in items_of(order_of(ctx.payload), "items"):
        item_id = item.get("id")
        fid = item.get("fulfillment_id")
        if isinstance(fid, str) and kinds.get(fid, DELIVERY) not in (DELIVERY, None):
            continue  # per-rider (Batch), FIFO and FTL rates are not the unit catalogue price
        listed = catalogue.get(str(item_id))
        price = amount(get(listed, "price", "value")) if listed else None
        lines = [(i, amount(get(line, "price", "value"))) for i, line in _breakup(ctx.payload)
                 if line.get(ITEM_ID) == item_id]
        if price is None or not lines or any(v is None for _, v in lines):
            continue
        total = sum((v for _, v in lines if v is not None), Decimal(0))
        if abs(total - price) > TOLERANCE:
            yield Violation(_qpath("breakup", lines[0][0], "price", "value"),
                            f"lines for {item_id!r} add up to {amount_text(total)}, the "
                            f"catalogue price is {amount_text(price)} (tolerance {TOLERANCE})",
                            expected=amount_text(price), actual=amount_text(total))


@rule("LOG-QUOTE-009", "An rto charge appears only once the order has an RTO fulfillment",
      Severity.MAJOR, spec=f"{FLOWS10}/RTO_FLOW.yaml on_cancel (rto lines with the RTO "
      "fulfillment)", actions=POST_CONFIRM, versions=V12, domains=LOGISTICS)
def rto_charge_needs_rto(ctx: CheckContext) -> Iterator[Violation]:
    """Return-to-origin is charged when the shipment actually turns back."""
    if any(f.get("type") == RTO for _, f in fulfillments(ctx.payload)):
        return
    for index, _ in _lines_of(ctx.payload, "rto"):
        yield Violation(_qpath("breakup", index, TITLE_TYPE), "rto charge without an RTO "
                        "fulfillment", expected="an RTO fulfillment in the order", actual="rto")


@rule("LOG-QUOTE-010", "A cod charge appears only on a cash-on-delivery order", Severity.MAJOR,
      spec=f"{FLOWS10}/CASH_ON_DELIVERY_FLOW.yaml (cod line with linked_order cod_order); "
      f"{ATTR11} payment.type (ON-FULFILLMENT - CoD)", actions=QUOTE_ACTIONS, versions=V12,
      domains=LOGISTICS)
def cod_charge_needs_cod(ctx: CheckContext) -> Iterator[Violation]:
    """A prepaid order has no cash to collect, so no fee for collecting it."""
    cod_lines = _lines_of(ctx.payload, "cod")
    if cod_lines and not is_cod(ctx):
        for index, _ in cod_lines:
            yield Violation(_qpath("breakup", index, TITLE_TYPE), "cod charge on an order that "
                            "is not cash on delivery", expected="a COD order", actual="cod")


def _has_diff_tag(payload: Any) -> bool:
    return any(any(True for _ in tag_groups(f.get("tags"), "linked_order_diff"))
               for _, f in fulfillments(payload))


@rule("LOG-QUOTE-011", "Weight-differential charges are backed by the re-measured package "
      "(linked_order_diff tag); tax_diff only with diff", Severity.MAJOR,
      spec=f"{DSL10} on_update validate_tag_2_linked_order_diff, validate_tag_2_linked_order_"
      f"diff_proof; {ATTR11} on_init title_type (\"diff\" (weight differential charge), "
      "\"tax_diff\")", actions=POST_CONFIRM, versions=V125, domains=LOGISTICS)
def diff_charges_backed(ctx: CheckContext) -> Iterator[Violation]:
    """The LBNP may reject an unproven differential (62504)."""
    diffs = _lines_of(ctx.payload, "diff")
    if diffs and not _has_diff_tag(ctx.payload):
        yield Violation(_qpath("breakup", diffs[0][0], TITLE_TYPE), "diff charge without a "
                        "linked_order_diff tag", expected="a fulfillment tag linked_order_diff",
                        actual="diff")
    if not diffs:
        for index, _ in _lines_of(ctx.payload, "tax_diff"):
            yield Violation(_qpath("breakup", index, TITLE_TYPE), "tax_diff without a diff "
                            "charge", expected="a diff line", actual="tax_diff")


@rule("LOG-QUOTE-012", "Quote amounts are in INR", Severity.MINOR,
      spec=f"{DSL10} on_init REQUIRED_MESSAGE_CURRENCY; PROTOCOL.md (country IND)",
      actions=QUOTE_ACTIONS, versions=V1, domains=LOGISTICS)
def quote_currency(ctx: CheckContext) -> Iterator[Violation]:
    """Settlement on the network is in rupees."""
    quote = get_dict(order_of(ctx.payload), "quote")
    currency = get(quote, "price", "currency")
    if currency is not MISSING and currency != "INR":
        yield Violation(_qpath("price", "currency"), "not INR", expected="INR", actual=currency)
    for index, line in _breakup(ctx.payload):
        currency = get(line, "price", "currency")
        if currency is not MISSING and currency != "INR":
            yield Violation(_qpath("breakup", index, "price", "currency"), "not INR",
                            expected="INR", actual=currency)


# --- payment ------------------------------------------------------------------------------------

def _payment(ctx: CheckContext) -> dict[str, Any]:
    return get_dict(order_of(ctx.payload), "payment")


@rule("LOG-PAY-001", "The order states its payment type (ON-ORDER, ON-FULFILLMENT or "
      "POST-FULFILLMENT)", Severity.MAJOR,
      spec=f"{ATTR11} on_init payment.type; {DSL10} confirm VALID_ENUM_MESSAGE_TYPE_10",
      actions=PAYMENT_ACTIONS, versions=V12, domains=LOGISTICS)
def payment_type_known(ctx: CheckContext) -> Iterator[Violation]:
    """Prepaid, cash on delivery and invoiced orders settle differently."""
    if not isinstance(get(ctx.payload, "message", "order"), dict):
        return
    value = get(order_of(ctx.payload), "payment", "type")
    if not member(value, PAYMENT_TYPES):
        yield Violation(opath("payment", "type"), "payment type missing or unknown",
                        expected=sorted(PAYMENT_TYPES), actual=None if value is MISSING else value)


@rule("LOG-PAY-002", "settlement_window is an ISO 8601 duration", Severity.MINOR,
      spec=f"{ATTR11} init payment.@ondc/org/settlement_window (\"in ISO8601 Duration "
      "format\"); seed-examples/logistics_confirm.json", actions=(*PAYMENT_ACTIONS, *POST_CONFIRM),
      versions=V1, domains=LOGISTICS)
def settlement_window_format(ctx: CheckContext) -> Iterator[Violation]:
    """The LSP's invoice falls due at the end of the window; "PT2D" has no end."""
    payment = _payment(ctx)
    key = "@ondc/org/settlement_window"
    if key in payment and not is_duration(payment[key]):
        yield Violation(opath("payment", key), "not an ISO 8601 duration",
                        expected="e.g. P15D", actual=payment[key])


@rule("LOG-PAY-003", "POST-FULFILLMENT payment states settlement_basis and settlement_window",
      Severity.MAJOR, spec=f"{ATTR11} confirm payment.@ondc/org/settlement_basis, "
      "settlement_window (\"mandatory for POST-FULFILLMENT\"; 1.2.0 logs omit them)",
      actions=PAYMENT_ACTIONS, versions=V125, domains=LOGISTICS)
def post_fulfillment_terms(ctx: CheckContext) -> Iterator[Violation]:
    """Invoiced orders need to say from when and for how long the invoice runs."""
    payment = _payment(ctx)
    if payment.get("type") != POST_FULFILLMENT:
        return
    for key in ("@ondc/org/settlement_basis", "@ondc/org/settlement_window"):
        value = payment.get(key)
        if not (isinstance(value, str) and value.strip()):
            yield Violation(opath("payment", key), f"POST-FULFILLMENT without {key}",
                            expected="present (e.g. invoicing, P15D)", actual=value)


@rule("LOG-PAY-004", "settlement_counterparty is lbnp or lsp", Severity.MINOR,
      spec=f"{DSL10} on_init VALID_ENUM_MESSAGE_SETTLEMENT_COUNTERPARTY",
      actions=(*PAYMENT_ACTIONS, *POST_CONFIRM), versions=V125, domains=LOGISTICS)
def settlement_counterparty(ctx: CheckContext) -> Iterator[Violation]:
    """Logistics settles between the LBNP and the LSP (retail's seller-app/buyer-app do not
    exist here)."""
    for index, detail in items_of(_payment(ctx), SETTLEMENT):
        value = detail.get("settlement_counterparty", MISSING)
        if value is not MISSING and not member(value, COUNTERPARTIES):
            yield Violation(opath("payment", SETTLEMENT, index, "settlement_counterparty"),
                            "unknown settlement counterparty", expected=sorted(COUNTERPARTIES),
                            actual=value)


_NEEDS: Final = {"upi": ("upi_address",),
                 "neft": ("settlement_bank_account_no", "settlement_ifsc_code"),
                 "rtgs": ("settlement_bank_account_no", "settlement_ifsc_code")}


@rule("LOG-PAY-005", "Settlement details are complete for their type (upi: upi_address; "
      "neft/rtgs: account number and IFSC)", Severity.MAJOR,
      spec=f"{ATTR11} on_init payment.@ondc/org/settlement_details; {FLOWS10}/"
      "ORDER_FLOW_BASE_LINE.yaml on_init", actions=["on_init", "confirm", "on_confirm"],
      versions=V12, domains=LOGISTICS)
def settlement_details_complete(ctx: CheckContext) -> Iterator[Violation]:
    """Money cannot be sent to a UPI id or account that is not given."""
    for index, detail in items_of(_payment(ctx), SETTLEMENT):
        for key in _NEEDS.get(str(detail.get("settlement_type")), ()):
            value = detail.get(key)
            if not (isinstance(value, str) and value.strip()):
                yield Violation(opath("payment", SETTLEMENT, index, key),
                                f"{detail.get('settlement_type')} settlement without {key}",
                                expected="present", actual=value)


@rule("LOG-PAY-006", "A cash-on-delivery (ON-FULFILLMENT) order states the amount to collect",
      Severity.MAJOR, spec=f"{ATTR11} init payment.@ondc/org/collection_amount (\"only for "
      "ON-FULFILLMENT (CoD)\")", actions=["init", "confirm"], versions=V12, domains=LOGISTICS)
def cod_collection_amount(ctx: CheckContext) -> Iterator[Violation]:
    """The rider hands over the goods against exactly this cash."""
    payment = _payment(ctx)
    if payment.get("type") != COD_PAYMENT:
        return
    raw = payment.get(COLLECTION, MISSING)
    number = amount(raw)
    if number is None or number <= 0:
        yield Violation(opath("payment", COLLECTION), "cash on delivery without a positive "
                        "amount to collect", expected="e.g. \"300.00\"",
                        actual=None if raw is MISSING else raw)


@rule("LOG-PAY-007", "A delivered cash-on-delivery (ON-FULFILLMENT) order reports the cash as "
      "collected (payment status PAID)", Severity.MAJOR,
      spec=f"{REF} on_status (COD paid on delivery); real-logs Ref-logistics-app flow2 "
      "on_status_order_delivered", actions=["on_status"], versions=V12, domains=LOGISTICS)
def cod_collected(ctx: CheckContext) -> Iterator[Violation]:
    """Delivered without collecting is money the seller never gets."""
    payment = _payment(ctx)
    if payment.get("type") != COD_PAYMENT:
        return
    delivered = any(f.get("type") in (DELIVERY, None) and state_code(f) == DELIVERED
                    for _, f in fulfillments(ctx.payload))
    if delivered and payment.get("status") != "PAID":
        yield Violation(opath("payment", "status"), "delivered but the cash is not collected",
                        expected="PAID", actual=payment.get("status"))


@rule("LOG-PAY-008", "A cash-on-delivery confirm (linked_order cod_order) gives the amount to "
      "collect and the cod_settlement_detail to remit it", Severity.MAJOR,
      spec=f"{FLOWS10}/CASH_ON_DELIVERY_FLOW.yaml confirm; {DSL10} confirm "
      "validate_tag_3_cod_settlement_detail", actions=["confirm"], versions=V125,
      domains=LOGISTICS)
def cod_confirm_tags(ctx: CheckContext) -> Iterator[Violation]:
    """The LSP collects the cash and must know how much and where to remit it."""
    for index, fulfillment in fulfillments(ctx.payload):
        tags = fulfillment.get("tags")
        if yes(tag_value(tags, "linked_order", "cod_order")) is not True:
            continue
        collect = amount(tag_value(tags, "linked_order", "collection_amount"))
        if collect is None or collect <= 0:
            yield Violation(opath("fulfillments", index, "tags"), "COD order without a positive "
                            "linked_order collection_amount", expected="e.g. \"300.00\"",
                            actual=None)
        if not any(True for _ in tag_groups(tags, "cod_settlement_detail")):
            yield Violation(opath("fulfillments", index, "tags"), "COD order without a "
                            "cod_settlement_detail tag", expected="cod_settlement_detail",
                            actual=None)
