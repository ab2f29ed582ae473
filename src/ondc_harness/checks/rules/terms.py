"""The order's terms tags (``bpp_terms``, ``bap_terms``): the tax numbers each side declares.

The seller app declares its GSTIN (``tax_number``, "gst_number_of_sellerNP") and the provider's
PAN (``provider_tax_number``, "PAN_number_of_provider") in on_init's ``bpp_terms``; the buyer app
repeats them in confirm and adds its own GSTIN in ``bap_terms`` ("GST no for buyer NP for TDS
deduction at seller NP"); on_confirm carries both (retail-1.2/openapi/build.yaml on_init,
confirm and on_confirm examples; retail-1.2/notes/confirm [^28], notes/on_init [^24]–[^25];
every automation-1.2.5 order flow).  A terms change at confirmation is an error the other side
may NACK (notes/on_confirm [^19], error 22506).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, items_of, tag_value
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import RETAIL, latest, order_of
from ondc_harness.checks.rules.cross_step import change_violations, diff_paths, identical
from ondc_harness.checks.views import shared

_NOTES = "retail-1.2/notes"
_BUILD = "retail-1.2/openapi/build.yaml"

TAX_CODES: Final = {"bpp_terms": ("tax_number", "provider_tax_number"),
                    "bap_terms": ("tax_number",)}
"""The tax numbers of each terms group."""


def _tags_path(*parts: str | int) -> str:
    return json_path("message", "order", "tags", *parts)


#: A terms group as the rules read it: (index in order.tags, the group, its :func:`_entries`).
_Group = tuple[int, dict[str, Any], dict[str, tuple[int, Any]]]


@shared
def _groups(order: dict[str, Any]) -> dict[str, _Group]:
    """The first tag group of each terms code (:data:`TAX_CODES`) with its entries, read once
    per flow: on_init's terms are read again at confirm and on_confirm, by several rules."""
    out: dict[str, _Group] = {}
    for index, group in items_of(order, "tags"):
        code = group.get("code")
        if isinstance(code, str) and code in TAX_CODES and code not in out:
            out[code] = (index, group, _entries(group))
    return out


def _entries(group: dict[str, Any]) -> dict[str, tuple[int, Any]]:
    """code → (index in the group's list, value); the first entry of a code wins."""
    out: dict[str, tuple[int, Any]] = {}
    for index, entry in items_of(group, "list"):
        code = entry.get("code")
        if isinstance(code, str):
            out.setdefault(code.strip(), (index, entry.get("value", MISSING)))
    return out


def _tax_numbers(order: dict[str, Any], group_code: str) -> dict[str, Any] | None:
    """The group's tax numbers (only those present), or ``None`` without the group."""
    found = _groups(order).get(group_code)
    if found is None:
        return None
    entries = found[2]
    return {c: entries[c][1] for c in TAX_CODES[group_code] if c in entries}


def _kept(reference: dict[str, Any], current: dict[str, Any], group_code: str,
          source: str) -> Iterator[Violation]:
    """``current``'s terms group keeps the tax numbers ``reference`` declared, through the
    diff mechanism: a missing group is one removal at order.tags, a changed or missing number
    one change at its entry."""
    old = _tax_numbers(reference, group_code)
    if not old:
        return
    found = _groups(current).get(group_code)
    if found is None:
        yield from change_violations(diff_paths(old, MISSING, base=_tags_path()),
                                     group_code, source)
        return
    index, _, entries = found
    for code, value in old.items():
        if code in entries:
            new = entries[code][1]
            if identical(value, new):
                continue  # kept: nothing to report, no path to build
            base = _tags_path(index, "list", entries[code][0], "value")
        else:
            base, new = _tags_path(index, "list"), MISSING
        yield from change_violations(diff_paths(value, new, base=base),
                                     f"{group_code} {code}", source,
                                     changed="{what} differs from {source}'s")


@rule("RET-REQ-034", "confirm repeats the seller's tax numbers of on_init (bpp_terms tax_number "
      "and provider_tax_number)", Severity.MAJOR,
      spec=f"{_BUILD} confirm example (bpp_terms as on_init's); {_NOTES}/on_init [^24] (buyer "
      "NP accepts the bpp terms in /confirm)", actions=["confirm"], domains=RETAIL)
def confirm_keeps_seller_tax_numbers(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app accepts the terms it was offered; a dropped or changed GSTIN is a contract
    on other terms (and the wrong party for TCS/TDS)."""
    on_init = latest(ctx, "on_init")
    if on_init is not None:
        yield from _kept(order_of(on_init.payload), order_of(ctx.payload), "bpp_terms",
                         "on_init")


@rule("RET-XSTEP-012", "on_confirm keeps the tax numbers agreed: bpp_terms tax_number and "
      "provider_tax_number of on_init, bap_terms tax_number of confirm", Severity.MAJOR,
      spec=f"{_NOTES}/on_confirm [^19] (terms different from what was quoted earlier: NACK "
      f"22506); {_NOTES}/confirm [^28] (GST no for buyer NP); {_BUILD} on_confirm example",
      actions=["on_confirm"], domains=RETAIL)
def on_confirm_keeps_tax_numbers(ctx: CheckContext) -> Iterator[Violation]:
    """The invoice and the tax deductions use these numbers; on_confirm is the contract."""
    current = order_of(ctx.payload)
    for group_code, source in (("bpp_terms", "on_init"), ("bap_terms", "confirm")):
        before = latest(ctx, source)
        if before is not None:
            yield from _kept(order_of(before.payload), current, group_code, source)


def _np_type(ctx: CheckContext, order: dict[str, Any]) -> str | None:
    """bpp_terms np_type of the order, else of the catalogue (on_search bpp/descriptor)."""
    found = _groups(order).get("bpp_terms")
    value = found[2].get("np_type", (0, None))[1] if found else None
    if not isinstance(value, str):
        on_search = latest(ctx, "on_search")
        value = tag_value(get(on_search.payload, "message", "catalog", "bpp/descriptor",
                              "tags"), "bpp_terms", "np_type") if on_search else None
    return value.strip().upper() if isinstance(value, str) else None


@rule("RET-ORDER-003", "A marketplace seller app (np_type MSN) is not its provider: the PAN in "
      "its GSTIN (bpp_terms tax_number, characters 3–12) is not provider_tax_number",
      Severity.MAJOR,
      spec=f"{_BUILD} bpp_terms (tax_number gst_number_of_sellerNP, provider_tax_number "
      f"PAN_number_of_provider, np_type MSN); {_NOTES}/on_search/on_search_Grocery.yaml [^5] "
      "(an MSN regarded as ISN: tax non-compliance); GSTIN = state code + PAN + entity + Z + "
      "check", actions=["on_init", "on_confirm"], domains=RETAIL)
def marketplace_is_not_its_provider(ctx: CheckContext) -> Iterator[Violation]:
    """MSN means the seller app sells for other legal entities and collects TCS for them; the
    same PAN on both sides is an inventory seller (ISN) declared as a marketplace."""
    order = order_of(ctx.payload)
    found = _groups(order).get("bpp_terms")
    if found is None or _np_type(ctx, order) != "MSN":
        return
    index, _, entries = found
    gstin = entries.get("tax_number", (0, None))[1]
    position, pan = entries.get("provider_tax_number", (0, None))
    if not (isinstance(gstin, str) and isinstance(pan, str)) or len(gstin.strip()) != 15:
        return
    if gstin.strip().upper()[2:12] == pan.strip().upper():
        yield Violation(_tags_path(index, "list", position, "value"),
                        f"np_type MSN, but the provider's PAN {pan} is the one in the seller "
                        f"app's GSTIN {gstin}", expected="the PAN of another legal entity",
                        actual=pan)
