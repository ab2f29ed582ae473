"""Request rules (``RET-REQ-…``): what a buyer app sends in select, init, confirm, status and
track, checked against what the seller offered and answered before.

Sources: RULES-REFERENCE.md, "Per API" (select: "items, provider, location exist in on_search and
are enabled; customisations from on_search"; init: "provider, location, items, fulfillment ids
match on_select; billing address sane; GPS and area_code as in select"; confirm: "order state
default; quote as on_init; settlement details as on_init"), the Retail 1.2 notes
(``retail-1.2/notes/{select,init,confirm}``), the customisation doc
(``retail-1.2/docs/customizations.md``) and the 1.2.5 validator DSL
(``automation-1.2.5/RET11-1.2.5/validations/index.yaml``: SELECT_ORDER, INIT_ORDER,
CONFIRM_ORDER, STATUS_ORDER).

Already covered elsewhere, so not repeated here: select's provider and item ids in the catalogue
(RET-XSTEP-011), the provider kept from select onward (RET-XSTEP-007), payment amount = quote
total (RET-PAY-001), finder fee as in search (RET-PAY-002), confirm's created_at/updated_at
(RET-ORDER-001), item fulfillment ids inside the order (RET-FULF-001), and every cancel rule
(RET-POST-…: reason codes, force cancel 052, params, cancelling a closed order).

Rules that compare with an earlier message read ``ctx.history`` and stay silent when that message
is not in the flow (an offline log often holds the order without its catalogue).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_dict, get_list, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import (
    RETAIL,
    fulfillment_ids,
    member,
    order_of,
    parse_timestamp,
    str_values,
)
from ondc_harness.checks.rules._common import (
    latest as _latest,
)
from ondc_harness.checks.rules.cross_step import (
    Change,
    breakup_changes,
    change_violations,
    diff_keyed,
    diff_paths,
)
from ondc_harness.checks.rules.discovery import (
    ProviderView,
    catalogue_of,
    enabled,
    gps_problem,
    group_bounds,
    int_of,
    item_kind,
    parent_group,
    tag_groups,
)
from ondc_harness.checks.views import shared
from ondc_harness.message import Message

_R = "RULES-REFERENCE.md"
_DSL = "automation-1.2.5/RET11-1.2.5/validations/index.yaml"
_NOTES = "retail-1.2/notes"
_CUSTOM = "retail-1.2/docs/customizations.md"

_PIN = re.compile(r"^[1-9]\d{5}$")
_MOBILE = re.compile(r"^(\d{10}|0\d{10})$")
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}$")
#: GSTIN: 2-digit state, 10-character PAN, entity number, Z, checksum character.
_GSTIN = re.compile(r"^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
#: The 1.2.5 validator's order id pattern (CONFIRM_ORDER ORDER_ID, STATUS_ORDER ORDER_ID).
_ORDER_ID = re.compile(r"^[a-zA-Z0-9-]{1,32}$|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                       r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _path(*parts: str | int) -> str:
    return json_path("message", "order", *parts)


@shared
def _catalogue_of(messages: tuple[Message, ...]) -> dict[str, ProviderView] | None:
    return catalogue_of(messages)


def catalogue_before(ctx: CheckContext) -> dict[str, ProviderView] | None:
    """:func:`discovery.catalogue_of` the earlier messages, merged once per check (the select
    rules all read it)."""
    return _catalogue_of(ctx.earlier)



def _selected_provider(ctx: CheckContext) -> tuple[dict[str, Any], ProviderView | None]:
    """The order and the catalogue view of its provider (``None`` when either is unknown)."""
    order = order_of(ctx.payload)
    catalogue = catalogue_before(ctx)
    pid = get(order, "provider", "id")
    if catalogue is None or not isinstance(pid, str):
        return order, None
    return order, catalogue.get(pid)


def _changes(changes: list[Change], what: str, source: str) -> Iterator[Violation]:
    return change_violations(changes, what, source, changed="{what} differs from {source}'s")


# --- select ---------------------------------------------------------------------------------------

@rule("RET-REQ-001", "select's provider location is a location of that provider in on_search",
      Severity.CRITICAL, spec=f"{_R} select (location exists in on_search); {_DSL} SELECT_ORDER "
      "ORDER_PROVIDER_LOCATIONS_ID", actions=["select"], domains=RETAIL)
def selected_location(ctx: CheckContext) -> Iterator[Violation]:
    """The store named in select is the one that prepares and ships the order."""
    _, view = _selected_provider(ctx)
    if view is None or not view.locations:
        return
    for index, location in items_of(order_of(ctx.payload), "provider", "locations"):
        if "id" in location and not member(location["id"], view.locations):
            yield Violation(_path("provider", "locations", index, "id"),
                            f"location {location['id']!r} is not a store of provider {view.id!r}",
                            expected=sorted(view.locations), actual=location["id"])


@rule("RET-REQ-002", "A selected item's location_id is the item's store in on_search",
      Severity.MAJOR, spec=f"{_R} select (items, location exist in on_search); {_DSL} "
      "SELECT_ORDER ITEMS_LOCATION_ID", actions=["select"], domains=RETAIL)
def item_location(ctx: CheckContext) -> Iterator[Violation]:
    """An item is stocked at one store; ordering it from another asks that store for nothing."""
    order, view = _selected_provider(ctx)
    if view is None:
        return
    for index, item in items_of(order, "items"):
        offered = _offered(view, item)
        if offered is None or "location_id" not in item:
            continue
        expected = offered.get("location_id")
        allowed = {expected} if isinstance(expected, str) else set(view.locations)
        if allowed and not member(item["location_id"], allowed):
            yield Violation(_path("items", index, "location_id"),
                            f"item {item['id']!r} is not offered at this location",
                            expected=sorted(allowed), actual=item["location_id"])


@rule("RET-REQ-003", "select names an enabled provider, store and items (not disabled or closed "
      "by on_search)", Severity.MAJOR, spec=f"{_R} select (… exist in on_search and are "
      "enabled); retail-1.2/notes/on_search (time.label enable/disable/close)",
      actions=["select"], domains=RETAIL)
def selected_enabled(ctx: CheckContext) -> Iterator[Violation]:
    """A disabled item or a closed store cannot take an order (the latest refresh counts)."""
    order, view = _selected_provider(ctx)
    if view is None:
        return
    if not view.enabled:
        yield Violation(_path("provider", "id"), f"provider {view.id!r} is disabled",
                        expected="an enabled provider", actual=view.id)
    for index, location in items_of(order, "provider", "locations"):
        lid = location.get("id")
        known = view.locations.get(lid) if isinstance(lid, str) else None
        if known is not None and not enabled(known):
            yield Violation(_path("provider", "locations", index, "id"),
                            f"store {location['id']!r} is {get(known, 'time', 'label')}",
                            expected="an enabled store", actual=location["id"])
    for index, item in items_of(order, "items"):
        known = _offered(view, item)
        if known is not None and not enabled(known):
            yield Violation(_path("items", index, "id"), f"item {item['id']!r} is disabled",
                            expected="an enabled item", actual=item["id"])


def _parent_tag(item: dict[str, Any]) -> tuple[int, int, Any] | None:
    """``(tag index, entry index, value)`` of a cart line's ``tags[parent].id``."""
    for t, group in tag_groups(item.get("tags"), "parent"):
        for e, entry in items_of(group, "list"):
            if entry.get("code") == "id":
                return t, e, entry.get("value")
    return None


def _offered(view: ProviderView, line: dict[str, Any]) -> dict[str, Any] | None:
    """The catalogue record of a cart line's item, or ``None``."""
    item_id = line.get("id")
    return view.items.get(item_id) if isinstance(item_id, str) else None


def _is_customisation(line: dict[str, Any], view: ProviderView) -> bool:
    offered = _offered(view, line)
    if offered is not None:
        return item_kind(offered) == "customization"
    return item_kind(line) == "customization"


@rule("RET-REQ-004", "A selected customisation is a customisation of on_search, in its "
      "catalogue group", Severity.MAJOR, spec=f"{_R} select (customisations from on_search); "
      f"{_CUSTOM}; {_DSL} SELECT_ORDER ITEMS_TAGS_PARENT_ID", actions=["select"], domains=RETAIL)
def customisation_group(ctx: CheckContext) -> Iterator[Violation]:
    """The group decides the price and the min/max of the choice; a wrong one misprices it."""
    order, view = _selected_provider(ctx)
    if view is None:
        return
    for index, line in items_of(order, "items"):
        offered = _offered(view, line)
        tagged = _parent_tag(line)
        if offered is None or tagged is None:
            continue
        group = parent_group(offered)
        t, e, value = tagged
        if item_kind(offered) == "item":
            yield Violation(_path("items", index, "tags", t, "list", e, "value"),
                            f"{line['id']!r} is an item, not a customisation, in on_search",
                            expected="a customisation id", actual=line["id"])
        elif group is not MISSING and value != group:
            yield Violation(_path("items", index, "tags", t, "list", e, "value"),
                            f"customisation {line['id']!r} belongs to group {group!r}",
                            expected=group, actual=value)


def _lines(order: dict[str, Any]) -> dict[Any, list[tuple[int, dict[str, Any]]]]:
    """Cart lines grouped by ``parent_item_id`` (F&B: a base item and its customisations)."""
    out: dict[Any, list[tuple[int, dict[str, Any]]]] = {}
    for index, item in items_of(order, "items"):
        key = item.get("parent_item_id")
        if isinstance(key, str):
            out.setdefault(key, []).append((index, item))
    return out


def _reachable_groups(line: list[tuple[int, dict[str, Any]]], view: ProviderView) -> set[str]:
    """Groups a cart line may draw customisations from: its base item's custom_group ids and
    the child groups of the customisations chosen in it."""
    groups: set[str] = set()
    for _, item in line:
        offered = _offered(view, item)
        if offered is None:
            continue
        for code in ("custom_group", "child"):
            for _, group in tag_groups(offered.get("tags"), code):
                groups |= str_values(e.get("value") for _, e in items_of(group, "list")
                                     if e.get("code") == "id")
    return groups


@rule("RET-REQ-005", "A customisation is selected in the cart line of a base item that offers "
      "its group", Severity.MAJOR, spec=f"{_CUSTOM}; {_R} select (customisations from "
      "on_search); retail-1.2/notes/on_search/on_search_F&B.yaml [^50], [^59]",
      actions=["select"], domains=RETAIL)
def customisation_with_item(ctx: CheckContext) -> Iterator[Violation]:
    """A topping with no pizza (or from another pizza's menu) cannot be prepared."""
    order, view = _selected_provider(ctx)
    if view is None or not view.groups:
        return
    for line in _lines(order).values():
        bases = [item for _, item in line if not _is_customisation(item, view)]
        reachable = _reachable_groups(line, view)
        for index, item in line:
            offered = _offered(view, item)
            if offered is None or item_kind(offered) != "customization":
                continue
            group = parent_group(offered)
            if not isinstance(group, str):
                continue  # the catalogue does not say which group it belongs to
            if not bases or group not in reachable:
                yield Violation(_path("items", index, "parent_item_id"),
                                f"customisation {item['id']!r} (group {group!r}) has no base "
                                "item offering its group in this cart line",
                                expected=sorted(reachable), actual=item.get("parent_item_id"))


@rule("RET-REQ-006", "Each cart line picks between min and max customisations of every group "
      "its base item uses", Severity.MAJOR, spec=f"{_R} on_search (F&B customisation min/max); "
      f"{_CUSTOM}; retail-1.2/notes/on_search/on_search_F&B.yaml [^29], [^51]",
      actions=["select"], domains=RETAIL)
def customisation_counts(ctx: CheckContext) -> Iterator[Violation]:
    """A pizza without its mandatory crust, or with three crusts, is not a valid order."""
    order, view = _selected_provider(ctx)
    if view is None or not view.groups:
        return
    for line in _lines(order).values():
        chosen: Counter[str] = Counter()
        for _, item in line:
            offered = _offered(view, item)
            if offered is not None and item_kind(offered) == "customization":
                group = parent_group(offered)
                if isinstance(group, str):
                    chosen[group] += 1
        reachable = _reachable_groups(line, view)
        for index, item in line:
            offered = _offered(view, item)
            if offered is None or item_kind(offered) == "customization":
                continue
            for group_id in _groups_in_play(offered, reachable, view):
                low, high = group_bounds(view.groups[group_id], offered)
                count = chosen[group_id]
                if (low is not None and count < low) or (high is not None and count > high):
                    yield Violation(_path("items", index),
                                    f"{count} customisation(s) of group {group_id!r} chosen "
                                    f"for {item['id']!r}", expected=f"{low}…{high}", actual=count)


def _groups_in_play(base: dict[str, Any], reachable: set[str],
                    view: ProviderView) -> list[str]:
    """The base item's own groups, and the nested groups the line's choices opened."""
    own = str_values(e.get("value") for _, g in tag_groups(base.get("tags"), "custom_group")
                     for _, e in items_of(g, "list") if e.get("code") == "id")
    return sorted(g for g in (own | reachable) if g in view.groups)


@rule("RET-REQ-007", "Selected quantity count is a positive integer", Severity.MAJOR,
      spec=f"{_R} select; {_DSL} SELECT_ORDER ITEMS_QUANTITY_COUNT", actions=["select", "init",
                                                                              "confirm"],
      domains=RETAIL)
def positive_count(ctx: CheckContext) -> Iterator[Violation]:
    """Zero, negative or fractional counts cannot be packed or priced."""
    for index, item in items_of(order_of(ctx.payload), "items"):
        count = get(item, "quantity", "count")
        if count is MISSING:
            continue
        number = count if isinstance(count, int) and not isinstance(count, bool) else None
        if number is None and isinstance(count, str):
            number = int_of(count)
        if number is None or number <= 0:
            yield Violation(_path("items", index, "quantity", "count"),
                            "quantity count is not a positive integer", expected="≥ 1",
                            actual=count)


@rule("RET-REQ-008", "Selected quantity does not exceed the item's maximum count in on_search",
      Severity.MAJOR, spec=f"{_R} select (quantity ≤ maximum); retail-1.2/notes/on_search "
      "[^28] (maximum: cap per order); error 40009 (maximum order qty exceeded)",
      actions=["select"], domains=RETAIL)
def within_cap(ctx: CheckContext) -> Iterator[Violation]:
    """The cap per order is the seller's limit; the buyer app must not let the cart exceed it.
    (Selecting more than *available* is the out-of-stock flow's legitimate trigger, so only
    the cap is checked.)"""
    order, view = _selected_provider(ctx)
    if view is None:
        return
    for index, item in items_of(order, "items"):
        offered = _offered(view, item)
        cap = int_of(get(offered, "quantity", "maximum", "count")) if offered else None
        count = get(item, "quantity", "count")
        number = int_of(count) if not isinstance(count, bool) else None
        if cap and number is not None and number > cap:
            yield Violation(_path("items", index, "quantity", "count"),
                            f"{number} of {item['id']!r} exceeds its cap of {cap} per order",
                            expected=f"≤ {cap}", actual=count)


@rule("RET-REQ-009", "select's delivery end has a valid gps (≥ 4 decimals) and a 6-digit PIN",
      Severity.MAJOR, spec=f"{_DSL} SELECT_ORDER FULFILLMENT_END_LOCATION_GPS, _AREA_CODE; "
      f"{_R} search (end GPS with ≥ 4 decimals)", actions=["select"], domains=RETAIL)
def select_end(ctx: CheckContext) -> Iterator[Violation]:
    """on_select's serviceability and delivery charge are quoted for this point."""
    for index, fulfillment in items_of(order_of(ctx.payload), "fulfillments"):
        gps = get(fulfillment, "end", "location", "gps")
        problem = None if gps is MISSING else gps_problem(gps, decimals=4)
        if problem:
            yield Violation(_path("fulfillments", index, "end", "location", "gps"),
                            f"end gps is {problem}", expected="like \"12.974002,77.613458\"",
                            actual=gps)
        code = get(fulfillment, "end", "location", "address", "area_code")
        if code is not MISSING and not (isinstance(code, str) and _PIN.match(code)):
            yield Violation(_path("fulfillments", index, "end", "location", "address",
                                  "area_code"), "area_code is not a 6-digit PIN code",
                            expected="like \"560038\"", actual=code)


@rule("RET-REQ-010", "Each cart line (item id, parent_item_id) appears once", Severity.MAJOR,
      spec=f"{_NOTES}/select (parent_item_id groups an item with its customisations); "
      f"{_R} select", actions=["select", "init", "confirm"], domains=RETAIL)
def unique_lines(ctx: CheckContext) -> Iterator[Violation]:
    """A repeated line is ambiguous: the seller may quote it once or twice."""
    seen: set[tuple[str, str]] = set()
    for index, item in items_of(order_of(ctx.payload), "items"):
        if not isinstance(item.get("id"), str):
            continue
        key = (item["id"], str(item.get("parent_item_id")))
        if key in seen:
            yield Violation(_path("items", index, "id"),
                            f"item {item['id']!r} repeats in the same cart line",
                            expected="one entry per item and parent_item_id", actual=item["id"])
        seen.add(key)


@rule("RET-REQ-011", "Offers applied in select are offers of the provider in on_search",
      Severity.MAJOR, spec=f"{_DSL} SELECT_ORDER ORDER_OFFERS; retail-1.2/docs/offers.md; "
      "retail-1.2/docs/full_catalog_refresh.md (provider will validate the offer code(s))",
      actions=["select", "init"], domains=RETAIL)
def offer_from_catalogue(ctx: CheckContext) -> Iterator[Violation]:
    """An unknown offer code is refused by the seller, and the buyer sees a broken promise."""
    order, view = _selected_provider(ctx)
    if view is None:
        return
    for index, offer in items_of(order, "offers"):
        if "id" in offer and not member(offer["id"], view.offers):
            yield Violation(_path("offers", index, "id"),
                            f"offer {offer['id']!r} is not offered by provider {view.id!r}",
                            expected=sorted(view.offers), actual=offer["id"])


@rule("RET-REQ-012", "A customisation's quantity equals its base item's in the cart line",
      Severity.MAJOR, spec=f"{_CUSTOM}; retail-1.2/Examples/B2C/select (customised items: each "
      "customisation carries the base item's count)", actions=["select", "init", "confirm"],
      domains=RETAIL)
def customisation_quantity(ctx: CheckContext) -> Iterator[Violation]:
    """Two pizzas with one crust between them cannot be made."""
    order = order_of(ctx.payload)
    for line in _lines(order).values():
        if len(line) < 2:
            continue  # a base item alone, or a customisation without one: nothing to compare
        bases = [(i, it) for i, it in line if item_kind(it) == "item"]
        if len(bases) != 1:
            continue
        base_count = get(bases[0][1], "quantity", "count")
        for index, item in line:
            if item_kind(item) != "customization":
                continue
            count = get(item, "quantity", "count")
            if count is not MISSING and base_count is not MISSING and \
                    int_of(count) != int_of(base_count):
                yield Violation(_path("items", index, "quantity", "count"),
                                f"customisation {item.get('id')!r} count differs from its "
                                "base item's", expected=base_count, actual=count)


# --- init ----------------------------------------------------------------------------------------

def _same_line(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Same item id, and the same parent_item_id where both carry one (1.2.0 callbacks often
    drop the buyer's cart line ids)."""
    if old.get("id") != new.get("id"):
        return False
    before, after = old.get("parent_item_id"), new.get("parent_item_id")
    return before is None or after is None or before == after


_ITEM_FIELDS: Final = {"quantity": ("quantity", "count"), "fulfillment": ("fulfillment_id",)}


def _item_drift(old_order: dict[str, Any], new_order: dict[str, Any], source: str,
                fields: tuple[str, ...]) -> Iterator[Violation]:
    """Items added, dropped or changed (in ``fields``, where both sides carry them)."""
    old_items = [item for _, item in items_of(old_order, "items")]
    matched: set[int] = set()
    for index, item in items_of(new_order, "items"):
        pair = next((k for k, old in enumerate(old_items) if k not in matched
                     and _same_line(old, item)), None)
        if pair is None:
            line = f" (cart line {item['parent_item_id']!r})" if "parent_item_id" in item else ""
            yield Violation(_path("items", index, "id"),
                            f"item {item.get('id')!r}{line} has no counterpart in {source}",
                            expected=sorted(str(o.get("id")) for o in old_items),
                            actual=item.get("id"))
            continue
        matched.add(pair)
        for name in fields:
            parts = _ITEM_FIELDS[name]
            before, after = get(old_items[pair], *parts), get(item, *parts)
            if before is MISSING or after is MISSING:
                continue
            if name == "quantity" and (count := int_of(before)) is not None and \
                    count == int_of(after):
                continue
            if before != after:
                yield Violation(_path("items", index, *parts),
                                f"item {item.get('id')!r} {name} differs from {source}'s",
                                expected=before, actual=after)
    for k, old in enumerate(old_items):
        if k not in matched:
            yield Violation(_path("items"), f"item {old.get('id')!r} of {source} is missing",
                            expected=old.get("id"), actual=None)


@rule("RET-REQ-013", "init orders the items of on_select (same ids; quantities where on_select "
      "states them)",
      Severity.CRITICAL, spec=f"{_R} init (items match on_select)", actions=["init"],
      domains=RETAIL)
def init_items(ctx: CheckContext) -> Iterator[Violation]:
    """init orders what was quoted; another cart would be priced by a quote nobody gave.

    An on_select that answers another select than the latest (its message_id is not the
    select's: a recorded flow missing the answer to the last select) is not the quote of
    this cart, so it is not compared."""
    on_select = _latest(ctx, "on_select")
    if on_select is None or get(on_select.payload, "error") is not MISSING:
        return
    old, new = order_of(on_select.payload), order_of(ctx.payload)
    if "items" not in old or "items" not in new:
        return
    select = _latest(ctx, "select")
    if select is not None and select.message_id and on_select.message_id \
            and select.message_id != on_select.message_id:
        return
    if select is not None:  # items on_select added unasked are on_select's defect (XSTEP-008)
        asked = str_values(i.get("id") for _, i in items_of(order_of(select.payload), "items"))
        old = {**old, "items": [i for _, i in items_of(old, "items") if member(i.get("id"),
                                                                                asked)]}
    yield from _item_drift(old, new, "on_select", ("quantity",))


@rule("RET-REQ-014", "init picks fulfillments on_select offered", Severity.CRITICAL,
      spec=f"{_R} init (fulfillment ids match on_select)", actions=["init"], domains=RETAIL)
def init_fulfillments(ctx: CheckContext) -> Iterator[Violation]:
    """A fulfillment nobody quoted has no TAT, no charge and no serviceability."""
    on_select = _latest(ctx, "on_select")
    if on_select is None:
        return
    offered = set(fulfillment_ids(order_of(on_select.payload)))
    if not offered:
        return
    order = order_of(ctx.payload)
    for index, fulfillment in items_of(order, "fulfillments"):
        if "id" in fulfillment and not member(fulfillment["id"], offered):
            yield Violation(_path("fulfillments", index, "id"),
                            f"fulfillment {fulfillment['id']!r} was not offered in on_select",
                            expected=sorted(offered), actual=fulfillment["id"])
    for index, item in items_of(order, "items"):
        ref = item.get("fulfillment_id", MISSING)
        if isinstance(ref, str) and not member(ref, offered):
            yield Violation(_path("items", index, "fulfillment_id"),
                            f"fulfillment {ref!r} was not offered in on_select",
                            expected=sorted(offered), actual=ref)


@rule("RET-REQ-015", "init and confirm name only stores (provider locations) named in select",
      Severity.MAJOR, spec=f"{_R} init (provider, location match on_select)",
      actions=["init", "confirm"], domains=RETAIL)
def same_store(ctx: CheckContext) -> Iterator[Violation]:
    """The store chosen in select prepared the quote; another store has other stock.  (Naming
    fewer of select's stores is narrowing the choice, not changing it.)"""
    select = _latest(ctx, "select")
    if select is None:
        return
    old = get(order_of(select.payload), "provider", "locations")
    new = get(order_of(ctx.payload), "provider", "locations")
    if old is MISSING or new is MISSING:
        return
    chosen = str_values(loc.get("id") for _, loc in items_of(old))
    for index, location in items_of(new):
        if "id" in location and not member(location["id"], chosen):
            yield Violation(_path("provider", "locations", index, "id"),
                            f"store {location['id']!r} was not named in select",
                            expected=sorted(chosen), actual=location["id"])


_BILL = ("message", "order", "billing")


@rule("RET-REQ-016", "Billing names the buyer and gives a 10-digit phone", Severity.MAJOR,
      spec=f"{_R} init (billing address sane); {_DSL} INIT_ORDER BILLING_NAME, BILLING_PHONE",
      actions=["init", "confirm"], domains=RETAIL)
def billing_contact(ctx: CheckContext) -> Iterator[Violation]:
    """The invoice is made out to this name and the seller reaches the buyer at this number."""
    billing = get(ctx.payload, *_BILL)
    if not isinstance(billing, dict):
        return
    if "name" in billing and (not isinstance(billing["name"], str) or not billing["name"].strip()):
        yield Violation(json_path(*_BILL, "name"), "billing name is blank",
                        expected="the buyer's name", actual=billing["name"])
    phone = billing.get("phone", MISSING)
    if phone is not MISSING and not (isinstance(phone, str) and _MOBILE.match(phone)):
        yield Violation(json_path(*_BILL, "phone"), "billing phone is not a 10-digit number",
                        expected="like \"9886098860\"", actual=phone)


@rule("RET-REQ-017", "Billing email, where given, is an email address", Severity.MINOR,
      spec=f"{_DSL} INIT_ORDER BILLING_EMAIL", actions=["init", "confirm"], domains=RETAIL)
def billing_email(ctx: CheckContext) -> Iterator[Violation]:
    """The invoice is emailed here."""
    email = get(ctx.payload, *_BILL, "email")
    if email is not MISSING and not (isinstance(email, str) and _EMAIL.match(email)):
        yield Violation(json_path(*_BILL, "email"), "billing email is not an email address",
                        expected="like \"buyer@example.org\"", actual=email)


_ADDRESS_FIELDS: Final = ("name", "building", "locality", "city", "state", "country",
                          "area_code")


@rule("RET-REQ-018", "Billing address fields are filled in and area_code is a 6-digit PIN",
      Severity.MAJOR, spec=f"{_R} init (billing address sane); {_DSL} INIT_ORDER "
      "BILLING_ADDRESS_*", actions=["init", "confirm"], domains=RETAIL)
def billing_address(ctx: CheckContext) -> Iterator[Violation]:
    """A GST invoice needs a complete address with the state and PIN of the buyer.  (The
    country is a "Country name" in build.yaml's Address: "India" and "IND" are both fine.)"""
    address = get(ctx.payload, *_BILL, "address")
    if not isinstance(address, dict):
        return
    for key in _ADDRESS_FIELDS:
        if key in address and (not isinstance(address[key], str) or not address[key].strip()):
            yield Violation(json_path(*_BILL, "address", key), f"billing address {key} is blank",
                            expected="a value", actual=address[key])
    code = address.get("area_code")
    if isinstance(code, str) and code.strip() and not _PIN.match(code):
        yield Violation(json_path(*_BILL, "address", "area_code"),
                        "billing area_code is not a 6-digit PIN code", expected="like \"560038\"",
                        actual=code)


@rule("RET-REQ-019", "Billing created_at ≤ updated_at, neither after the message", Severity.MINOR,
      spec=f"{_DSL} INIT_ORDER BILLING_CREATED_AT, BILLING_UPDATED_AT; PROTOCOL.md (timestamps)",
      actions=["init", "confirm"], domains=RETAIL)
def billing_times(ctx: CheckContext) -> Iterator[Violation]:
    """A billing record updated before it was created, or in the future, is not a record."""
    billing = get_dict(ctx.payload, *_BILL)
    created, updated = (parse_timestamp(billing.get(k)) for k in ("created_at", "updated_at"))
    now = parse_timestamp(ctx.message.timestamp)
    for key, moment in (("created_at", created), ("updated_at", updated)):
        if moment is not None and now is not None and moment > now:
            yield Violation(json_path(*_BILL, key), f"billing {key} is after the message",
                            expected=f"≤ {ctx.message.timestamp}", actual=billing[key])
    if created is not None and updated is not None and updated < created:
        yield Violation(json_path(*_BILL, "updated_at"), "billing updated before it was created",
                        expected=f"≥ {billing['created_at']}", actual=billing["updated_at"])


@rule("RET-REQ-020", "init's delivery (type Delivery) gps and area_code are select's",
      Severity.MAJOR,
      spec=f"{_R} init (GPS and area_code as in select)", actions=["init"], domains=RETAIL)
def init_end_as_select(ctx: CheckContext) -> Iterator[Violation]:
    """Serviceability and the delivery charge were quoted for select's point; a new address
    needs a new quote."""
    select = _latest(ctx, "select")
    if select is None:
        return
    ends = [get(f, "end", "location") for _, f in items_of(order_of(select.payload),
                                                            "fulfillments")]
    ends = [e for e in ends if isinstance(e, dict)]
    if len(ends) != 1:
        return
    quoted = ends[0]
    for index, fulfillment in items_of(order_of(ctx.payload), "fulfillments"):
        if fulfillment.get("type", "Delivery") != "Delivery":
            continue  # a pickup's end is the store's or the buyer's own courier's
        location = get(fulfillment, "end", "location")
        if not isinstance(location, dict):
            continue
        for rel in (("gps",), ("address", "area_code")):
            old, new = get(quoted, *rel), get(location, *rel)
            if old is MISSING or new is MISSING or _same_point(rel, old, new):
                continue
            yield Violation(_path("fulfillments", index, "end", "location", *rel),
                            f"end {'.'.join(rel)} differs from select's", expected=old,
                            actual=new)


def _same_point(rel: tuple[str, ...], old: Any, new: Any) -> bool:
    """GPS compared as numbers ("12.97,77.61" = "12.970, 77.610"); other values exactly."""
    if rel != ("gps",) or not (isinstance(old, str) and isinstance(new, str)):
        return bool(old == new)
    try:
        a = [float(x) for x in old.split(",")]
        b = [float(x) for x in new.split(",")]
    except ValueError:
        return old == new
    return len(a) == len(b) == 2 and all(abs(x - y) < 1e-6 for x, y in zip(a, b, strict=True))


@rule("RET-REQ-021", "The delivery contact phone is a 10-digit number", Severity.MAJOR,
      spec=f"{_DSL} INIT_ORDER FULFILLMENTS_END_CONTACT_PHONE", actions=["init", "confirm"],
      domains=RETAIL)
def end_contact(ctx: CheckContext) -> Iterator[Violation]:
    """The delivery agent calls this number at the door."""
    for index, fulfillment in items_of(order_of(ctx.payload), "fulfillments"):
        contact = get_dict(fulfillment, "end", "contact")
        phone, email = contact.get("phone", MISSING), contact.get("email", MISSING)
        if phone is not MISSING and not (isinstance(phone, str) and _MOBILE.match(phone)):
            yield Violation(_path("fulfillments", index, "end", "contact", "phone"),
                            "delivery phone is not a 10-digit number",
                            expected="like \"9886098860\"", actual=phone)
        if email is not MISSING and not (isinstance(email, str) and _EMAIL.match(email)):
            yield Violation(_path("fulfillments", index, "end", "contact", "email"),
                            "delivery email is not an email address",
                            expected="like \"buyer@example.org\"", actual=email)


@rule("RET-REQ-022", "Billing tax_number, where given, is a GSTIN", Severity.MINOR,
      spec=f"{_DSL} INIT_ORDER BILLING_TAX_NUMBER; GST (15-character GSTIN)",
      actions=["init", "confirm"], domains=RETAIL)
def billing_gstin(ctx: CheckContext) -> Iterator[Violation]:
    """A business buyer claims input tax credit with this number; a malformed one loses it."""
    value = get(ctx.payload, *_BILL, "tax_number")
    if value is not MISSING and not (isinstance(value, str) and _GSTIN.match(value)):
        yield Violation(json_path(*_BILL, "tax_number"), "tax_number is not a GSTIN",
                        expected="like \"29AAECR4321H1ZF\"", actual=value)


# --- confirm ------------------------------------------------------------------------------------

@rule("RET-REQ-023", "confirm's order state is Created", Severity.MAJOR,
      spec=f"{_R} confirm (order state default); {_NOTES}/confirm", actions=["confirm"],
      domains=RETAIL)
def confirm_state(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app creates the order; only the seller may accept or cancel it."""
    state = get(order_of(ctx.payload), "state")
    if state is not MISSING and state != "Created":
        yield Violation(_path("state"), "confirm's order state is not Created",
                        expected="Created", actual=state)


@rule("RET-REQ-024", "confirm keeps the billing of init", Severity.MAJOR,
      spec=f"{_R} confirm (billing as init)", actions=["confirm"], domains=RETAIL)
def confirm_billing(ctx: CheckContext) -> Iterator[Violation]:
    """The seller invoices the billing it saw in init; a different one in confirm is unpriced."""
    init = _latest(ctx, "init")
    if init is None:
        return
    old, new = get(order_of(init.payload), "billing"), get(order_of(ctx.payload), "billing")
    if old is MISSING or new is MISSING:
        return
    yield from _changes(diff_paths(old, new, base=_path("billing")), "billing", "init")


@rule("RET-REQ-025", "confirm keeps the quote of on_init (total and every line; amounts "
      "compared as numbers)", Severity.CRITICAL, spec=f"{_R} confirm (quote as on_init)",
      actions=["confirm"], domains=RETAIL)
def confirm_quote(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer pays the quote of on_init; confirming another amount is not an agreement."""
    on_init = _latest(ctx, "on_init")
    if on_init is None:
        return
    old, new = order_of(on_init.payload), order_of(ctx.payload)
    if "quote" not in old or "quote" not in new:
        return
    changes = diff_paths(get(old, "quote", "price"), get(new, "quote", "price"),
                         base=_path("quote", "price"))
    changes += breakup_changes(get(old, "quote", "breakup"), get(new, "quote", "breakup"),
                               _path("quote", "breakup"))
    yield from _changes(changes, "quote", "on_init")


@rule("RET-REQ-026", "confirm keeps the items of on_init (id, parent, quantity, fulfillment)",
      Severity.CRITICAL, spec=f"{_R} confirm (as on_init); {_NOTES}/confirm",
      actions=["confirm"], domains=RETAIL)
def confirm_items(ctx: CheckContext) -> Iterator[Violation]:
    """Confirming other items than those priced in on_init orders goods at no agreed price."""
    on_init = _latest(ctx, "on_init")
    if on_init is None:
        return
    old, new = order_of(on_init.payload), order_of(ctx.payload)
    if "items" not in old or "items" not in new:
        return
    yield from _item_drift(old, new, "on_init", ("quantity", "fulfillment"))


_SETTLEMENT_KEYS: Final = ("@ondc/org/settlement_basis", "@ondc/org/settlement_window",
                           "@ondc/org/withholding_amount", "@ondc/org/settlement_details")
_COLLECTOR_TERMS: Final = frozenset(_SETTLEMENT_KEYS[:3])
_SETTLEMENT_PROGRESS: Final = ("settlement_status", "settlement_reference",
                               "settlement_timestamp")
"""Where a settlement stands (retail-1.2 build.yaml: filled in once paid), not its terms."""


@rule("RET-REQ-027", "confirm keeps the settlement terms of on_init (basis, window, withholding, "
      "settlement details)", Severity.CRITICAL,
      spec=f"{_R} confirm (settlement details as on_init)", actions=["confirm"], domains=RETAIL)
def confirm_settlement(ctx: CheckContext) -> Iterator[Violation]:
    """The seller's bank account and settlement window come from on_init; a buyer app that
    rewrites them pays the seller's money elsewhere or later.

    Basis, window and withholding are the collector's terms: a buyer app that collects gives
    its own in confirm (retail-1.2/notes/confirm/confirm_make_to_order.yaml [^16]; the 1.2
    examples on_init_make_to_order_product, BPP, and confirm_make_to_order, BAP), so what
    on_init proposed binds it only where its init had stated the term itself.  The seller's
    settlement details are always kept (not their settlement_status/reference/timestamp,
    which record payment, not terms).
    """
    on_init = _latest(ctx, "on_init")
    if on_init is None:
        return
    old = get_dict(order_of(on_init.payload), "payment")
    new = get_dict(order_of(ctx.payload), "payment")
    init = _latest(ctx, "init")
    stated = get_dict(order_of(init.payload), "payment") if init is not None else {}
    for key in _SETTLEMENT_KEYS:
        if key not in old or key not in new:
            continue
        if key in _COLLECTOR_TERMS and new.get("collected_by") == "BAP" and key not in stated:
            continue
        changes = diff_paths(old[key], new[key], base=_path("payment", key),
                             ignore=_SETTLEMENT_PROGRESS)
        yield from _changes(changes, key, "on_init")


@rule("RET-REQ-028", "confirm's payment status fits its type: prepaid (ON-ORDER) is PAID with a "
      "transaction id, cash on delivery (ON-FULFILLMENT) NOT-PAID", Severity.MAJOR,
      spec=f"{_NOTES}/confirm; {_DSL} CONFIRM_ORDER PAYMENT_STATUS, PAYMENT_TRANSACTION_ID; "
      "retail-1.2/enums/payment.yaml", actions=["confirm"], domains=RETAIL)
def payment_status(ctx: CheckContext) -> Iterator[Violation]:
    """A prepaid order confirmed unpaid ships goods nobody paid for; a COD order marked paid
    is never collected."""
    payment = get_dict(order_of(ctx.payload), "payment")
    kind, status = payment.get("type"), payment.get("status", MISSING)
    if kind == "ON-ORDER":
        if status is not MISSING and status != "PAID":
            yield Violation(_path("payment", "status"), "a prepaid order is confirmed unpaid",
                            expected="PAID", actual=status)
        elif status == "PAID" and not get(payment, "params", "transaction_id"):
            yield Violation(_path("payment", "params", "transaction_id"),
                            "a paid order names no payment transaction",
                            expected="the payment gateway's transaction id",
                            actual=get(payment, "params", "transaction_id") or None)
    elif kind == "ON-FULFILLMENT" and status == "PAID":
        yield Violation(_path("payment", "status"), "cash on delivery is confirmed as paid",
                        expected="NOT-PAID", actual=status)


@rule("RET-REQ-029", "confirm keeps init's fulfillments (id, type, delivery end)", Severity.MAJOR,
      spec=f"{_R} confirm (as on_init; end location unchanged)", actions=["confirm"],
      domains=RETAIL)
def confirm_fulfillments(ctx: CheckContext) -> Iterator[Violation]:
    """The delivery address and option priced in on_init are the ones confirmed."""
    init = _latest(ctx, "init")
    if init is None:
        return
    old, new = order_of(init.payload), order_of(ctx.payload)
    if "fulfillments" not in old or "fulfillments" not in new:
        return

    def project(f: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {k: f[k] for k in ("id", "type") if k in f}
        location = {k: v for k, v in get_dict(f, "end", "location").items()
                    if k in ("gps", "address")}
        if location:
            out["end"] = {"location": location}
        return out
    changes = diff_keyed(old["fulfillments"], new["fulfillments"],
                         key=lambda f: str(f.get("id")), base=_path("fulfillments"),
                         project=project)
    yield from _changes(changes, "fulfillment", "init")


@rule("RET-REQ-030", "confirm's order id is alphanumeric (with -) up to 32 characters, or a "
      "UUID", Severity.MAJOR, spec=f"{_DSL} CONFIRM_ORDER ORDER_ID (pattern)",
      actions=["confirm"], domains=RETAIL)
def order_id_format(ctx: CheckContext) -> Iterator[Violation]:
    """Every later message, and the seller's and logistics' systems, key the order by this id."""
    order_id = get(order_of(ctx.payload), "id")
    if order_id is not MISSING and not (isinstance(order_id, str) and _ORDER_ID.match(order_id)):
        yield Violation(_path("id"), "order id is not alphanumeric up to 32 characters or a UUID",
                        expected="^[a-zA-Z0-9-]{1,32}$ or a UUID", actual=order_id)


@rule("RET-REQ-031", "confirm keeps on_init's payment type and collector", Severity.CRITICAL,
      spec=f"{_R} confirm (settlement details as on_init); {_NOTES}/on_init",
      actions=["confirm"], domains=RETAIL)
def confirm_payment_terms(ctx: CheckContext) -> Iterator[Violation]:
    """Who collects the money, and when, decides which side settles to which."""
    on_init = _latest(ctx, "on_init")
    if on_init is None:
        return
    old = get_dict(order_of(on_init.payload), "payment")
    new = get_dict(order_of(ctx.payload), "payment")
    for key in ("type", "collected_by"):
        if key in old and key in new and old[key] != new[key]:
            yield Violation(_path("payment", key), f"payment {key} differs from on_init's",
                            expected=old[key], actual=new[key])


# --- status and track ----------------------------------------------------------------------------

_ORDER_ACTIONS: Final = frozenset({"select", "on_select", "init", "on_init", "confirm"})


@rule("RET-REQ-032", "status and track ask about a confirmed order (on_confirm came first)",
      Severity.MAJOR, spec=f"{_R} status (same order id); Retail 1.2 ORDER_FLOW (status after "
      "on_confirm)", actions=["status", "track"], domains=RETAIL)
def after_confirmation(ctx: CheckContext) -> Iterator[Violation]:
    """Before on_confirm there is no order to report on; the seller can only answer an error.

    Checked only when the flow shows the order being placed (select … confirm) without an
    on_confirm: an offline log that starts later has nothing to say either way.
    """
    before = ctx.earlier
    if any(m.action == "on_confirm" for m in before):
        return
    if any(m.action in _ORDER_ACTIONS for m in before):
        yield Violation(json_path("message", "order_id"),
                        f"{ctx.message.action} before the order was confirmed",
                        expected="an on_confirm earlier in the flow",
                        actual=get(ctx.payload, "message", "order_id") or None)


@rule("RET-REQ-033", "track asks about an order with a tracking-enabled fulfillment",
      Severity.MINOR, spec=f"{_R} track/on_track (tracking url or location when tracking is "
      "true); retail-1.2/notes/on_select (fulfillment.tracking)", actions=["track"],
      domains=RETAIL)
def trackable(ctx: CheckContext) -> Iterator[Violation]:
    """A seller with tracking false has nothing to share: the track call can only fail."""
    latest = next((m for m in reversed(ctx.earlier)
                   if m.action in ("on_confirm", "on_status", "on_update")
                   and get_list(order_of(m.payload), "fulfillments")), None)
    if latest is None:
        return
    flags = [f.get("tracking") for _, f in items_of(order_of(latest.payload), "fulfillments")
             if f.get("type") in ("Delivery", None)]
    if flags and all(flag is False for flag in flags):
        yield Violation(json_path("message", "order_id"),
                        f"no delivery of the order has tracking enabled ({latest.action})",
                        expected="a fulfillment with tracking true",
                        actual=get(ctx.payload, "message", "order_id") or None)

