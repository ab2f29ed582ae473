"""Catalogue rules (``RET-CAT-…``): what on_search offers, so select and the rest can refer to it.

Sources: RULES-REFERENCE.md, on_search ("unique provider/location/category/item ids; item price
> 0 and ≤ maximum_value; item fulfillment_id and location_id exist") and the 1.2.5 F&B full
catalogue (automation-1.2.5/RET11-1.2.5/flows/F&B/FULL_CATALOG.yaml: provider-level
``fulfillments`` and ``locations``; customisations are items priced 0.00 with no fulfillment or
location of their own, so "> 0" is relaxed to "≥ 0").

An incremental on_search may carry a provider without its fulfillments or locations; references
are then not checked (nothing to check them against).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ondc_harness.checks.access import items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import RETAIL, member, str_values

_R = "RULES-REFERENCE.md"
_FLOW = "automation-1.2.5/RET11-1.2.5/flows/F&B/FULL_CATALOG.yaml"
_CATEGORY_ID = re.compile(r"[A-Za-z0-9]{1,12}")
PROVIDERS = "bpp/providers"


def _providers(ctx: CheckContext) -> Iterator[tuple[int, dict[str, Any]]]:
    return items_of(ctx.payload, "message", "catalog", PROVIDERS)


def _path(p: int, *parts: str | int) -> str:
    return json_path("message", "catalog", PROVIDERS, p, *parts)


def _ids(provider: dict[str, Any], key: str) -> set[str]:
    return str_values(e.get("id") for _, e in items_of(provider, key))


@rule("RET-CAT-001", "Each catalogue item's fulfillment_id is one of its provider's fulfillments",
      Severity.MAJOR, spec=f"{_R} on_search (item fulfillment_id exists); {_FLOW}",
      actions=["on_search"], domains=RETAIL)
def item_fulfillment(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app shows delivery options per item from this reference."""
    catalog_level = str_values(f.get("id") for _, f in items_of(
        ctx.payload, "message", "catalog", "bpp/fulfillments"))
    for p, provider in _providers(ctx):
        known = _ids(provider, "fulfillments") | catalog_level
        if not known:
            continue
        for i, item in items_of(provider.get("items")):
            if "fulfillment_id" in item and not member(item["fulfillment_id"], known):
                yield Violation(_path(p, "items", i, "fulfillment_id"),
                                f"item {item.get('id')!r} refers to fulfillment "
                                f"{item['fulfillment_id']!r}, which the provider does not have",
                                expected=sorted(known), actual=item["fulfillment_id"])


@rule("RET-CAT-002", "Each catalogue item's location_id is one of its provider's locations",
      Severity.MAJOR, spec=f"{_R} on_search (item location_id exists); {_FLOW}",
      actions=["on_search"], domains=RETAIL)
def item_location(ctx: CheckContext) -> Iterator[Violation]:
    """The store location decides serviceability and the pickup address of the item."""
    for p, provider in _providers(ctx):
        known = _ids(provider, "locations")
        if not known:
            continue
        for i, item in items_of(provider.get("items")):
            if "location_id" in item and not member(item["location_id"], known):
                yield Violation(_path(p, "items", i, "location_id"),
                                f"item {item.get('id')!r} refers to location "
                                f"{item['location_id']!r}, which the provider does not have",
                                expected=sorted(known), actual=item["location_id"])


@rule("RET-CAT-003", "Provider ids are unique in the catalogue; location, category and item ids "
      "within their provider", Severity.MAJOR,
      spec=f"{_R} on_search (unique provider/location/category/item ids)",
      actions=["on_search"], domains=RETAIL)
def unique_ids(ctx: CheckContext) -> Iterator[Violation]:
    """select names things by id; a duplicated id makes the selection ambiguous."""
    providers: set[str] = set()
    for p, provider in _providers(ctx):
        pid = provider.get("id")
        if isinstance(pid, str):
            if pid in providers:
                yield Violation(_path(p, "id"), f"provider id {pid!r} is used more than once",
                                expected="a unique id", actual=pid)
            providers.add(pid)
        for key, noun in (("locations", "location"), ("categories", "category"),
                          ("items", "item")):
            seen: set[str] = set()
            for i, element in items_of(provider.get(key)):
                eid = element.get("id")
                if not isinstance(eid, str):
                    continue
                if eid in seen:
                    yield Violation(_path(p, key, i, "id"),
                                    f"{noun} id {eid!r} is used more than once in this provider",
                                    expected="a unique id", actual=eid)
                seen.add(eid)


@rule("RET-CAT-004", "Item price is a finite number ≥ 0 and at most price.maximum_value",
      Severity.CRITICAL, spec=f"{_R} on_search (item price > 0 and ≤ maximum_value); {_FLOW} "
      "(customisations at 0.00)", actions=["on_search"], domains=RETAIL)
def item_price(ctx: CheckContext) -> Iterator[Violation]:
    """The catalogue price is what select is quoted against; junk here is junk in every quote.

    Reads the prices parsed once per message by the shared catalogue view (imported here, not
    at the top: importing discovery first would register its rules before this module's)."""
    from ondc_harness.checks.rules.discovery import catalogue

    for it in catalogue(ctx.payload).items:
        price = it.price
        if "value" not in price:
            continue
        value = it.value
        if value is None or value < 0:
            yield Violation(_path(it.p, "items", it.i, "price", "value"),
                            f"price of item {it.item.get('id')!r} is not a non-negative number",
                            expected="a decimal string like \"265.00\"", actual=price["value"])
            continue
        ceiling = it.maximum
        if ceiling is not None and value > ceiling:
            yield Violation(_path(it.p, "items", it.i, "price", "value"),
                            f"price of item {it.item.get('id')!r} exceeds its maximum_value "
                            f"{price['maximum_value']}", expected=f"≤ {price['maximum_value']}",
                            actual=price["value"])


@rule("RET-CAT-085", "Provider category ids (custom menus, customisation and variant groups) are "
      "alphanumeric, up to 12 characters", Severity.MINOR,
      spec="retail-1.2/notes/on_search/on_search_F&B.yaml [^19], [^27] (unique id for custom "
      "category: alphanumeric & up to 12 characters); automation-1.2.5/RET10-1.2.5/validations/"
      "index.yaml on_search CATEGORIES_ID (^[a-zA-Z0-9]{1,12}$)",
      actions=["on_search"], domains=RETAIL)
def category_id_format(ctx: CheckContext) -> Iterator[Violation]:
    """Minor: the id is a reference, and items, offers and tags that name it still resolve (the
    reference rules check that); the format is a convention the spec states for buyer apps that
    store and display these ids.  Ids that are not strings are the schema's."""
    for p, provider in _providers(ctx):
        for c, category in items_of(provider.get("categories")):
            cid = category.get("id")
            if isinstance(cid, str) and not _CATEGORY_ID.fullmatch(cid):
                yield Violation(_path(p, "categories", c, "id"),
                                f"category id {cid!r} is not alphanumeric up to 12 characters",
                                expected="1–12 letters or digits", actual=cid)
