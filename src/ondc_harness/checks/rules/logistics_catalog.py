"""Logistics catalogue rules (``LOG-CAT-…``): the LSP's ``on_search``.

Sources: automation-1.2.5/logistics-1.2.5 and LOG11-1.2.5 ``validations/index.yaml`` (on_search:
REQUIRED_*, VALID_ENUM_*, validate_static_terms), the attribute tables ("category level TAT for
S2D", "average time to pickup … required for 'Delivery' fulfillment", "price is tax inclusive",
"estimated date of delivery"), RULES-REFERENCE.md on_search (unique ids, price > 0, references
that exist), the pack's flows and seed-examples/logistics_on_search.json (1.0.0).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_dict, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import member, parse_timestamp
from ondc_harness.checks.rules.logistics_common import (
    ATTR11,
    CATEGORIES,
    DELIVERY,
    DSL10,
    FLOWS10,
    FULFILLMENT_TYPES,
    LOGISTICS,
    REF,
    V1,
    V12,
    V125,
    amount,
    ids_of,
    latest,
    tag_value,
)
from ondc_harness.durations import is_duration, parse_duration

REF_CAT: Final = f"{REF} on_search"
_BROAD_CATEGORIES: Final = frozenset({"Standard Delivery", "Express Delivery"})
IMMEDIATE: Final = "Immediate Delivery"
IMMEDIATE_MAX_SECONDS: Final = 3600
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _providers(ctx: CheckContext) -> Iterator[tuple[int, dict[str, Any]]]:
    return items_of(ctx.payload, "message", "catalog", "bpp/providers")


def _cpath(p_index: int, *parts: str | int) -> str:
    return json_path("message", "catalog", "bpp/providers", p_index, *parts)


def _duplicates(elements: list[tuple[int, dict[str, Any]]]) -> Iterator[tuple[int, str]]:
    seen: Counter[str] = Counter()
    for index, element in elements:
        value = element.get("id")
        if isinstance(value, str):
            seen[value] += 1
            if seen[value] == 2:
                yield index, value


@rule("LOG-CAT-001", "Catalogue provider ids are unique", Severity.MAJOR,
      spec=f"{REF_CAT} (unique provider ids)", actions=["on_search"], versions=V1,
      domains=LOGISTICS)
def provider_ids_unique(ctx: CheckContext) -> Iterator[Violation]:
    """init names the LSP by provider id; two providers with one id make that ambiguous."""
    for index, value in _duplicates(list(_providers(ctx))):
        yield Violation(_cpath(index, "id"), f"provider id {value!r} is used twice",
                        expected="a unique id", actual=value)


@rule("LOG-CAT-002", "Item ids are unique within a provider", Severity.MAJOR,
      spec=f"{REF_CAT} (unique item ids); {ATTR11} on_search items.id", actions=["on_search"],
      versions=V1, domains=LOGISTICS)
def item_ids_unique(ctx: CheckContext) -> Iterator[Violation]:
    """init and the quote name the service option by item id."""
    for p_index, provider in _providers(ctx):
        for index, value in _duplicates(list(items_of(provider, "items"))):
            yield Violation(_cpath(p_index, "items", index, "id"), f"item id {value!r} is "
                            "used twice", expected="a unique id", actual=value)


@rule("LOG-CAT-003", "Catalogue categories and item category_id are logistics categories",
      Severity.MAJOR, spec=f"{DSL10} on_search VALID_ENUM_MESSAGE_CATEGORY_ID, "
      "VALID_ENUM_MESSAGE_ID", actions=["on_search"], versions=V1, domains=LOGISTICS)
def catalogue_categories(ctx: CheckContext) -> Iterator[Violation]:
    """Buyer apps group and filter the offers by these categories."""
    for p_index, provider in _providers(ctx):
        for index, category in items_of(provider, "categories"):
            if not member(category.get("id"), CATEGORIES):
                yield Violation(_cpath(p_index, "categories", index, "id"),
                                "not a logistics category", expected=sorted(CATEGORIES),
                                actual=category.get("id"))
        for index, item in items_of(provider, "items"):
            if not member(item.get("category_id"), CATEGORIES):
                yield Violation(_cpath(p_index, "items", index, "category_id"),
                                "item category_id is missing or not a logistics category",
                                expected=sorted(CATEGORIES), actual=item.get("category_id"))


@rule("LOG-CAT-004", "Category ids are unique within a provider", Severity.MINOR,
      spec=f"{REF_CAT} (unique category ids)", actions=["on_search"], versions=V1,
      domains=LOGISTICS)
def category_ids_unique(ctx: CheckContext) -> Iterator[Violation]:
    """A category listed twice carries two TATs for one promise."""
    for p_index, provider in _providers(ctx):
        for index, value in _duplicates(list(items_of(provider, "categories"))):
            yield Violation(_cpath(p_index, "categories", index, "id"), f"category {value!r} "
                            "is listed twice", expected="a unique id", actual=value)


@rule("LOG-CAT-005", "An item's category_id is one of its provider's categories",
      Severity.MAJOR, spec=f"{ATTR11} on_search items.category_id, categories.id (category TAT "
      "applies to the category's items)", actions=["on_search"], versions=V1, domains=LOGISTICS)
def item_category_listed(ctx: CheckContext) -> Iterator[Violation]:
    """The item inherits its TAT from its category; an unlisted category has none."""
    for p_index, provider in _providers(ctx):
        listed = ids_of(provider.get("categories"))
        if not listed:
            continue
        for index, item in items_of(provider, "items"):
            value = item.get("category_id")
            if member(value, CATEGORIES) and value not in listed:
                yield Violation(_cpath(p_index, "items", index, "category_id"),
                                f"category {value!r} is not among the provider's categories",
                                expected=sorted(str(v) for v in listed), actual=value)


@rule("LOG-CAT-006", "An item's fulfillment_id is one of its provider's fulfillments",
      Severity.MAJOR, spec=f"{ATTR11} on_search items.fulfillment_id; {REF_CAT} (item "
      "fulfillment_id exists)", actions=["on_search"], versions=V12, domains=LOGISTICS)
def item_fulfillment_listed(ctx: CheckContext) -> Iterator[Violation]:
    """The fulfillment says whether the item prices the forward leg or the RTO."""
    for p_index, provider in _providers(ctx):
        listed = ids_of(provider.get("fulfillments"))
        if not listed:
            continue
        for index, item in items_of(provider, "items"):
            value = item.get("fulfillment_id", MISSING)
            if value is not MISSING and not member(value, listed):
                yield Violation(_cpath(p_index, "items", index, "fulfillment_id"),
                                f"fulfillment {value!r} is not among the provider's",
                                expected=sorted(str(v) for v in listed), actual=value)


def _durations(provider: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    for index, category in items_of(provider, "categories"):
        if "duration" in get_dict(category, "time"):
            yield ("categories", index, "time", "duration"), category["time"]["duration"]
    for index, item in items_of(provider, "items"):
        if "duration" in get_dict(item, "time"):
            yield ("items", index, "time", "duration"), item["time"]["duration"]
        for key in ("@ondc/org/time_to_ship", "@ondc/org/TAT"):
            if key in item:
                yield ("items", index, key), item[key]
    for index, fulfillment in items_of(provider, "fulfillments"):
        if "duration" in get_dict(fulfillment, "start", "time"):
            yield ("fulfillments", index, "start", "time", "duration"), get(
                fulfillment, "start", "time", "duration")


@rule("LOG-CAT-007", "TATs and pickup times in the catalogue are ISO 8601 durations",
      Severity.MAJOR, spec=f"{ATTR11} on_search categories.time.duration (\"category level TAT "
      "for S2D\"), items.time.duration, fulfillments.start.time.duration (\"ISO8601 Duration\")",
      actions=["on_search"], versions=V1, domains=LOGISTICS)
def catalogue_durations(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app shows (and later enforces) the delivery promise from these values."""
    for p_index, provider in _providers(ctx):
        for parts, value in _durations(provider):
            if not is_duration(value):
                yield Violation(_cpath(p_index, *parts), "not an ISO 8601 duration",
                                expected="e.g. PT60M, P1D", actual=value)


@rule("LOG-CAT-008", "Catalogue item price is a finite amount, > 0 for a delivery option (an "
      "RTO quote may be 0)", Severity.MAJOR,
      spec=f"{REF_CAT} (item price > 0); {ATTR11} on_search items.price.value (\"price is tax "
      f"inclusive\"); {FLOWS10}/ORDER_FLOW_BASE_LINE.yaml on_search (RTO quote item)",
      actions=["on_search"], versions=V1, domains=LOGISTICS)
def item_price_positive(ctx: CheckContext) -> Iterator[Violation]:
    """The price is what the LBNP compares LSPs on, and what on_init must itemise; only the
    return leg may be offered free."""
    for p_index, provider in _providers(ctx):
        rto = {f["id"] for _, f in items_of(provider, "fulfillments")
               if f.get("type") == "RTO" and isinstance(f.get("id"), str)}
        for index, item in items_of(provider, "items"):
            raw = get(item, "price", "value")
            number = amount(raw)
            is_rto = bool(item.get("parent_item_id")) or member(item.get("fulfillment_id"), rto)
            if number is None or number < 0 or (number == 0 and not is_rto):
                yield Violation(_cpath(p_index, "items", index, "price", "value"),
                                "item price is missing, not a number or not positive",
                                expected="e.g. \"59.00\"", actual=None if raw is MISSING else raw)


@rule("LOG-CAT-009", "An item's parent_item_id (the RTO quote's forward item) is an item of the "
      "provider", Severity.MAJOR, spec=f"{FLOWS10}/ORDER_FLOW_BASE_LINE.yaml on_search (RTO "
      f"quote I2 with parent_item_id I1); {ATTR11} on_search items.parent_item_id",
      actions=["on_search"], versions=V12, domains=LOGISTICS)
def parent_item_listed(ctx: CheckContext) -> Iterator[Violation]:
    """The RTO price belongs to one forward option; a dangling parent prices nothing."""
    for p_index, provider in _providers(ctx):
        ids = ids_of(provider.get("items"))
        for index, item in items_of(provider, "items"):
            parent = item.get("parent_item_id")
            if isinstance(parent, str) and parent and parent not in ids:
                yield Violation(_cpath(p_index, "items", index, "parent_item_id"),
                                f"parent item {parent!r} is not in the catalogue",
                                expected=sorted(str(i) for i in ids), actual=parent)


@rule("LOG-CAT-010", "A Delivery fulfillment in the catalogue states the average time to "
      "pickup (start.time.duration)", Severity.MINOR,
      spec=f"{ATTR11} on_search fulfillments.start.time.duration (\"required for 'Delivery' "
      "fulfillment\")", actions=["on_search"], versions=V12, domains=LOGISTICS)
def pickup_time_stated(ctx: CheckContext) -> Iterator[Violation]:
    """Time to pickup plus TAT is the delivery promise the seller shows its buyer."""
    for p_index, provider in _providers(ctx):
        for index, fulfillment in items_of(provider, "fulfillments"):
            if fulfillment.get("type") == DELIVERY and get(
                    fulfillment, "start", "time", "duration") is MISSING:
                yield Violation(_cpath(p_index, "fulfillments", index, "start", "time",
                                       "duration"), "Delivery fulfillment without average time "
                                "to pickup", expected="an ISO 8601 duration", actual=None)


def _edd_paths(provider: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    for key in ("categories", "items"):
        for index, element in items_of(provider, key):
            if "timestamp" in get_dict(element, "time"):
                yield (key, index, "time", "timestamp"), element["time"]["timestamp"]


@rule("LOG-CAT-011", "The estimated delivery date (time.timestamp) is a date not before the "
      "catalogue's own day", Severity.MINOR,
      spec=f"{ATTR11} on_search categories.time.timestamp (\"estimated date of delivery, for "
      "which this TAT is provided\")", actions=["on_search"], versions=V12, domains=LOGISTICS)
def estimated_delivery_date(ctx: CheckContext) -> Iterator[Violation]:
    """A delivery date in the past (or not a date) promises nothing."""
    now = parse_timestamp(ctx.message.timestamp)
    for p_index, provider in _providers(ctx):
        for parts, value in _edd_paths(provider):
            day = None
            if isinstance(value, str) and _DATE.match(value):
                day = value
            elif (stamp := parse_timestamp(value)) is not None:
                day = stamp.date().isoformat()
            if day is None:
                yield Violation(_cpath(p_index, *parts), "not a date", expected="YYYY-MM-DD",
                                actual=value)
            elif now is not None and day < now.date().isoformat():
                yield Violation(_cpath(p_index, *parts), "estimated delivery date is before the "
                                "catalogue was sent", expected=f"on or after "
                                f"{now.date().isoformat()}", actual=value)


def _tat(element: dict[str, Any]) -> Any:
    return get(element, "time", "duration")


@rule("LOG-CAT-012", "Immediate Delivery promises a TAT of at most 60 minutes", Severity.MAJOR,
      spec=f"{ATTR11} search category.id (\"Immediate Delivery\" is for S2D <= 60 min)",
      actions=["on_search"], versions=V1, domains=LOGISTICS)
def immediate_within_an_hour(ctx: CheckContext) -> Iterator[Violation]:
    """Immediate is the hyperlocal promise; a longer TAT under that name misleads the buyer."""
    for p_index, provider in _providers(ctx):
        for key in ("categories", "items"):
            field = "id" if key == "categories" else "category_id"
            for index, element in items_of(provider, key):
                value = _tat(element)
                if element.get(field) != IMMEDIATE or not is_duration(value):
                    continue
                if parse_duration(str(value)) > IMMEDIATE_MAX_SECONDS:
                    yield Violation(_cpath(p_index, key, index, "time", "duration"),
                                    "Immediate Delivery with a TAT over 60 minutes",
                                    expected="at most PT60M", actual=value)


@rule("LOG-CAT-013", "The catalogue publishes the LSP's static terms (bpp_terms static_terms or "
      "static_terms_new in bpp/descriptor tags)", Severity.MINOR,
      spec=f"{DSL10} on_search validate_static_terms", actions=["on_search"], versions=V125,
      domains=LOGISTICS)
def static_terms(ctx: CheckContext) -> Iterator[Violation]:
    """The LBNP accepts (or rejects, error 62501) these terms at confirm."""
    catalog = get(ctx.payload, "message", "catalog")
    if not isinstance(catalog, dict):
        return
    tags = get(catalog, "bpp/descriptor", "tags")
    values = [tag_value(tags, "bpp_terms", code) for code in ("static_terms", "static_terms_new")]
    if not any(isinstance(v, str) and v.strip() for v in values):
        yield Violation(json_path("message", "catalog", "bpp/descriptor", "tags"),
                        "no bpp_terms static_terms / static_terms_new",
                        expected="a terms URL in bpp_terms", actual=None)


@rule("LOG-CAT-014", "Fulfillment ids are unique within a provider", Severity.MAJOR,
      spec=f"{ATTR11} on_search fulfillments.id; {REF_CAT}", actions=["on_search"],
      versions=V12, domains=LOGISTICS)
def fulfillment_ids_unique(ctx: CheckContext) -> Iterator[Violation]:
    """Items point at fulfillments by id; a repeated id makes the pointer ambiguous."""
    for p_index, provider in _providers(ctx):
        for index, value in _duplicates(list(items_of(provider, "fulfillments"))):
            yield Violation(_cpath(p_index, "fulfillments", index, "id"), f"fulfillment id "
                            f"{value!r} is used twice", expected="a unique id", actual=value)


@rule("LOG-CAT-015", "Catalogue fulfillment types are Delivery, Return or RTO (or the pack "
      "flows' FIFO, FTL, Batch)", Severity.MAJOR,
      spec=f"{DSL10} on_search VALID_ENUM_MESSAGE_TYPE; {FLOWS10}/FIFO_FLOW.yaml (FIFO), "
      "QUICK_COMMERCE_FLOW.yaml (Batch); LOG11 ORDER_FLOW_B2B.yaml (FTL)",
      actions=["on_search"], versions=V12, domains=LOGISTICS)
def catalogue_fulfillment_types(ctx: CheckContext) -> Iterator[Violation]:
    """The type tells the forward leg from the return-to-origin leg."""
    for p_index, provider in _providers(ctx):
        for index, fulfillment in items_of(provider, "fulfillments"):
            if not member(fulfillment.get("type"), FULFILLMENT_TYPES):
                yield Violation(_cpath(p_index, "fulfillments", index, "type"),
                                "unknown fulfillment type", expected=sorted(FULFILLMENT_TYPES),
                                actual=fulfillment.get("type"))


@rule("LOG-CAT-016", "on_search offers the category the search asked for (Standard and Express "
      "ask for every option)", Severity.MINOR,
      spec=f"{ATTR11} search category.id (\"If id='Standard Delivery': all possible options "
      "should be returned\"; Express: all P2H2P options)", actions=["on_search"], versions=V1,
      domains=LOGISTICS)
def searched_category_offered(ctx: CheckContext) -> Iterator[Violation]:
    """An Immediate search answered only with Next Day options is not an answer to it."""
    search = latest(ctx, "search")
    if search is None:
        return
    wanted = get(search.body, "intent", "category", "id")
    if not member(wanted, CATEGORIES) or wanted in _BROAD_CATEGORIES:
        return
    offered: set[str] = set()
    providers = list(_providers(ctx))
    for _, provider in providers:
        offered |= ids_of(provider.get("categories"))
        offered |= ids_of(provider.get("items"), "category_id")
    if providers and wanted not in offered:
        yield Violation(json_path("message", "catalog", "bpp/providers"),
                        f"the search asked for {wanted}; no provider offers it",
                        expected=wanted, actual=sorted(str(o) for o in offered if o))
