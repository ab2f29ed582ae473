"""Payment rules (``RET-PAY-…``): what the buyer pays and what the buyer app keeps.

Sources: RULES-REFERENCE.md (confirm: ``payment.params.amount`` = quote total; on_init: finder
fee unchanged) and the 1.2.5 attribute tables (automation-1.2.5/RET11-1.2.5/attributes/F_B.yaml
payment: type, collected_by, @ondc/org/buyer_app_finder_fee_type enums).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_dict
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import (
    RETAIL,
    TOLERANCE,
    amount_text,
    latest,
    member,
    numeric,
    order_of,
)
from ondc_harness.checks.rules.cross_step import diff_paths

_R = "RULES-REFERENCE.md"
_ATTR = "automation-1.2.5/RET11-1.2.5/attributes/F_B.yaml"
FEE_TYPE = "@ondc/org/buyer_app_finder_fee_type"
FEE_AMOUNT = "@ondc/org/buyer_app_finder_fee_amount"
PAYMENT_TYPES: Final = frozenset({"ON-ORDER", "ON-FULFILLMENT", "POST-FULFILLMENT"})
COLLECTORS: Final = frozenset({"BAP", "BPP"})
FEE_TYPES: Final = frozenset({"percent", "amount"})


_AMOUNT_PATH: Final = json_path("message", "order", "payment", "params", "amount")


def _payment_of(ctx_payload: Any, action: str) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Where the payment object is: ``message.intent.payment`` on search, else the order's."""
    if action == "search":
        parts = ("message", "intent", "payment")
        return parts, get_dict(ctx_payload, *parts)
    return ("message", "order", "payment"), _order_payment(ctx_payload)


def _order_payment(payload: Any) -> dict[str, Any]:
    """``message.order.payment`` when it is an object, else ``{}``."""
    payment = order_of(payload).get("payment")
    return payment if isinstance(payment, dict) else {}


@rule("RET-PAY-001", "payment.params.amount equals the quote total (tolerance 0.01)",
      Severity.CRITICAL, spec=f"{_R} confirm (payment.params.amount = quote total)",
      actions=["confirm", "on_confirm"], domains=RETAIL)
def paid_amount(ctx: CheckContext) -> Iterator[Violation]:
    """What was collected (prepaid) or will be (on delivery) must be what was quoted."""
    params = _order_payment(ctx.payload).get("params")
    if not isinstance(params, dict) or "amount" not in params:
        return
    order = order_of(ctx.payload)
    raw = params["amount"]
    paid = numeric(raw)
    if paid is None:
        yield Violation(_AMOUNT_PATH, "payment amount is not a number",
                        expected="a decimal string like \"394.20\"", actual=raw)
        return
    total = numeric(get(order, "quote", "price", "value"))
    if total is not None and abs(paid - total) > TOLERANCE:
        yield Violation(_AMOUNT_PATH, f"payment amount {raw} differs from the quote total "
                        f"{get(order, 'quote', 'price', 'value')} (tolerance {TOLERANCE})",
                        expected=amount_text(total), actual=raw)


@rule("RET-PAY-002", "The buyer app finder fee is the one offered in search", Severity.CRITICAL,
      spec=f"{_R} on_init (finder fee unchanged); confirm (settlement details as on_init)",
      actions=["on_init", "confirm", "on_confirm"], domains=RETAIL)
def finder_fee_unchanged(ctx: CheckContext) -> Iterator[Violation]:
    """The finder fee is the buyer app's commission, stated in search; the seller may not
    rewrite it later (compared as numbers: "3" and "3.00" are the same fee)."""
    search = latest(ctx, "search")
    if search is None:
        return
    _, offered = _payment_of(search.payload, "search")
    parts, current = _payment_of(ctx.payload, ctx.action)
    for key in (FEE_TYPE, FEE_AMOUNT):
        if key not in offered or key not in current:
            continue
        old, new = offered[key], current[key]
        if key == FEE_AMOUNT:
            a, b = numeric(old), numeric(new)
            if a is not None and b is not None and a == b:
                continue
        for change in diff_paths(old, new, base=json_path(*parts, key)):
            yield Violation(change.path, f"{key} differs from the one in search",
                            expected=change.old, actual=change.new)


@rule("RET-PAY-003", "The finder fee is percent (0–100) or amount, with a finite value",
      Severity.MAJOR, spec=f"{_ATTR} payment.{FEE_TYPE} (enum percent, amount); "
      "retail-1.2/Examples/B2C/search", actions=["search", "on_init", "confirm", "on_confirm"],
      domains=RETAIL)
def finder_fee_shape(ctx: CheckContext) -> Iterator[Violation]:
    """A fee that is not computable cannot be settled between the apps."""
    parts, payment = _payment_of(ctx.payload, ctx.action)
    kind: Any = payment.get(FEE_TYPE, MISSING)
    if kind is not MISSING and not member(kind, FEE_TYPES):
        yield Violation(json_path(*parts, FEE_TYPE), "unknown finder fee type",
                        expected=sorted(FEE_TYPES), actual=kind)
    if FEE_AMOUNT in payment:
        raw = payment[FEE_AMOUNT]
        value = numeric(raw)
        bad = value is None or value < 0 or (kind == "percent" and value > Decimal(100))
        if bad:
            yield Violation(json_path(*parts, FEE_AMOUNT),
                            "finder fee is not a non-negative number"
                            + (" up to 100" if kind == "percent" else ""),
                            expected="a decimal string like \"3.00\"", actual=raw)


@rule("RET-PAY-004", "payment.type and payment.collected_by are in their enums", Severity.MAJOR,
      spec=f"{_ATTR} payment.type (ON-ORDER, ON-FULFILLMENT, POST-FULFILLMENT), "
      "payment.collected_by (BAP, BPP)",
      actions=["on_init", "confirm", "on_confirm", "on_status"], domains=RETAIL)
def payment_enums(ctx: CheckContext) -> Iterator[Violation]:
    """Who collects and when decides settlement direction; a typo breaks reconciliation."""
    payment = _order_payment(ctx.payload)
    for key, allowed in (("type", PAYMENT_TYPES), ("collected_by", COLLECTORS)):
        if key in payment and not member(payment[key], allowed):
            yield Violation(json_path("message", "order", "payment", key),
                            f"payment.{key} is not one of {', '.join(sorted(allowed))}",
                            expected=sorted(allowed), actual=payment[key])
