"""Cancellation-terms rules (``RET-CANCEL-…``): what cancelling costs, stated before the order.

Where the terms live: Retail 1.2.5 puts ``order.cancellation_terms`` in on_init and on_confirm
(every F&B flow of automation-1.2.5/RET11-1.2.5/flows has them there, none in on_select); 1.2.0
has them only in some examples (Examples/B2C/on_init/on_init_make_to_order_product.yaml), and
most 1.2.0 certification logs omit them, so presence is required for 1.2.5 only while the shape
is checked wherever they appear.

Shape (retail-1.2/notes/on_init/on_init_make_to_order_product.yaml [^25]–[^27]; Retail 1.2
build.yaml ``CancellationTerm``): a fulfillment state code, and a fee given as a percentage
("0.00"–"100.00") or an amount (or both, the buyer then takes the minimum).  ``reason_required``
is a boolean in build.yaml but no 1.2.x example carries it, so it is checked only when present.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Final

from ondc_harness.checks.access import get, get_dict, get_str, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import RETAIL, numeric, order_of

_R = "RULES-REFERENCE.md"
_NOTES = "retail-1.2/notes/on_init/on_init_make_to_order_product.yaml"
_TERMS_ACTIONS: Final = ("on_init", "confirm", "on_confirm", "on_status", "on_cancel",
                         "on_update")


def _terms_path(*parts: str | int) -> str:
    return json_path("message", "order", "cancellation_terms", *parts)


def _terms(ctx: CheckContext) -> Iterator[tuple[int, dict[str, Any]]]:
    return items_of(order_of(ctx.payload), "cancellation_terms")


@rule("RET-CANCEL-001", "on_init and on_confirm carry cancellation_terms (1.2.5)", Severity.MAJOR,
      spec=f"{_R} on_init (cancellation_terms present); automation-1.2.5/RET11-1.2.5/flows/F&B "
      "(on_init, on_confirm)", actions=["on_init", "on_confirm"], versions=["1.2.5"],
      domains=RETAIL)
def terms_present(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer must know what cancelling costs before confirming; the buyer app shows these
    terms and later disputes (22501–22509) are settled against them."""
    if not isinstance(ctx.payload, dict) or not isinstance(get(ctx.payload, "message", "order"),
                                                           dict):
        return
    terms = get(order_of(ctx.payload), "cancellation_terms")
    if not isinstance(terms, list) or not terms:
        yield Violation(_terms_path(), f"{ctx.message.action} has no cancellation_terms",
                        expected="a list of terms, one per fulfillment state",
                        actual=None if not isinstance(terms, list) else terms)


@rule("RET-CANCEL-002", "Each cancellation term names a fulfillment state code", Severity.MAJOR,
      spec=f"{_NOTES} [^25]; Retail 1.2 build.yaml CancellationTerm.fulfillment_state",
      actions=_TERMS_ACTIONS, domains=RETAIL)
def term_state(ctx: CheckContext) -> Iterator[Violation]:
    """A fee without the state it applies to cannot be applied."""
    terms = get(order_of(ctx.payload), "cancellation_terms")
    if isinstance(terms, list):
        for index, term in enumerate(terms):
            code = get_str(term, "fulfillment_state", "descriptor", "code")
            if not isinstance(term, dict) or not code or not code.strip():
                yield Violation(_terms_path(index, "fulfillment_state", "descriptor", "code"),
                                "cancellation term has no fulfillment state code",
                                expected="a state such as Pending or Packed",
                                actual=get(term, "fulfillment_state", "descriptor", "code")
                                if isinstance(term, dict) else term)


@rule("RET-CANCEL-003", "Each cancellation fee is a percentage (0–100) or an amount, both finite "
      "numbers", Severity.CRITICAL, spec=f"{_NOTES} [^27]", actions=_TERMS_ACTIONS,
      domains=RETAIL)
def term_fee(ctx: CheckContext) -> Iterator[Violation]:
    """The fee is money the buyer may be charged; it must be computable."""
    for index, term in _terms(ctx):
        fee = get(term, "cancellation_fee")
        if not isinstance(fee, dict) or ("percentage" not in fee and "amount" not in fee):
            yield Violation(_terms_path(index, "cancellation_fee"),
                            "cancellation fee has neither percentage nor amount",
                            expected="{percentage: \"0.00\"} or {amount: {currency, value}}",
                            actual=fee if fee is not None else None)
            continue
        if "percentage" in fee:
            value = numeric(fee["percentage"])
            if value is None or not Decimal(0) <= value <= Decimal(100):
                yield Violation(_terms_path(index, "cancellation_fee", "percentage"),
                                "cancellation fee percentage is not a number between 0 and 100",
                                expected="\"0.00\"–\"100.00\"", actual=fee["percentage"])
        if "amount" in fee:
            raw = get_dict(fee, "amount").get("value")
            value = numeric(raw)
            if value is None or value < 0:
                yield Violation(_terms_path(index, "cancellation_fee", "amount", "value"),
                                "cancellation fee amount is not a non-negative number",
                                expected="a decimal string like \"42.00\"", actual=raw)


@rule("RET-CANCEL-004", "reason_required, where present, is a boolean", Severity.MINOR,
      spec="Retail 1.2 build.yaml CancellationTerm.reason_required (type boolean)",
      actions=_TERMS_ACTIONS, domains=RETAIL)
def term_reason_required(ctx: CheckContext) -> Iterator[Violation]:
    """"true" (a string) is truthy for some parsers and an error for others."""
    for index, term in _terms(ctx):
        if "reason_required" in term and not isinstance(term["reason_required"], bool):
            yield Violation(_terms_path(index, "reason_required"),
                            "reason_required is not a JSON boolean", expected="true or false",
                            actual=term["reason_required"])
