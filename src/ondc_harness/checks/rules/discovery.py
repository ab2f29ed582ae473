"""Discovery rules (``RET-CAT-…`` from 005): what a buyer app asks for in ``search`` and what a
seller app answers in ``on_search`` (full catalogue and incremental refresh).

RET-CAT-001…004 (item fulfillment/location references, unique ids, price ≤ maximum_value) live
in :mod:`ondc_harness.checks.rules.catalog`; this module adds the rest of RULES-REFERENCE.md's
search and on_search list, sourced from:

* RULES-REFERENCE.md, "Per API": search, on_search, search_inc/on_search_inc;
* the Retail 1.2 on_search notes (``retail-1.2/notes/on_search/*.yaml``: the footnotes of the
  official examples, e.g. "valid 14 digit FSSAI # required for F&B provider", "day_to >=
  day_from", "serviceability … only at one of these levels");
* the docs ``retail-1.2/docs/{full,incremental}_catalog_refresh.md``, ``customizations.md``,
  ``variants.md``, ``offers.md`` and the enums ``retail-1.2/enums/*.yaml``;
* the 1.2.5 validator DSL (``automation-1.2.5/RET1{0,1}-1.2.5/validations/index.yaml``).

Presence of fields the JSON Schema already requires is SCHEMA-001's; these rules check values,
formats, references and consistency, and stay silent on shapes they cannot read.  An
*incremental* on_search (the answer to, or a push after, a search with a ``catalog_inc`` tag;
or one with ``context.city`` ``*`` when its search is not in the flow) carries only what changed,
so rules about what a full catalogue must hold skip it.

The on_search rules read the catalogue through :func:`catalogue`, a view of its providers,
categories and items worked out once per message (:mod:`ondc_harness.checks.views`) rather than
re-walked by each rule.  The catalogue helpers at the end (:func:`catalogue_of`) are shared with
the request rules (:mod:`ondc_harness.checks.rules.requests`), which check select and init
against what on_search offered.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final, NamedTuple

from ondc_harness.checks.access import MISSING, get, get_dict, get_list, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import (
    RETAIL,
    answered_request,
    ctx_str,
    earlier,
    is_strict_timestamp,
    member,
    numeric,
    parse_timestamp,
    str_values,
    tag_entries,
)
from ondc_harness.checks.views import shared
from ondc_harness.durations import is_duration
from ondc_harness.message import FlowHistory, Message

_R = "RULES-REFERENCE.md"
_NOTES = "retail-1.2/notes/on_search"
_FB = f"{_NOTES}/on_search_F&B.yaml"
_GROCERY = f"{_NOTES}/on_search_Grocery.yaml"
_DSL = "automation-1.2.5/RET11-1.2.5/validations/index.yaml"
_DSL10 = "automation-1.2.5/RET10-1.2.5/validations/index.yaml"
_INC_DOC = "retail-1.2/docs/incremental_catalog_refresh.md"
_FULL_DOC = "retail-1.2/docs/full_catalog_refresh.md"

PROVIDERS: Final = "bpp/providers"
INTENT: Final = ("message", "intent")

# --- shared readers -----------------------------------------------------------------------------

_HHMM = re.compile(r"^([01]\d|2[0-3])[0-5]\d$")
_PIN = re.compile(r"^[1-9]\d{5}$")
_GPS = re.compile(r"^\s*([+-]?\d{1,3}(?:\.(\d+))?)\s*,\s*([+-]?\d{1,3}(?:\.(\d+))?)\s*$")
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\d{10,11}$")
#: http(s) and a host; spaces later in the URL are tolerated (browsers encode them).
_URL = re.compile(r"^https?://[^\s/]+")
#: A count or bound: ASCII digits (``\d`` would take "٣" and "²"), and fewer than 16 of them (no
#: count reaches 10^15, the magnitude numeric() calls junk; int() refuses over 4,300 digits).
_INT = re.compile(r"^[0-9]{1,15}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: Fulfillment types of the Retail 1.2 contract: enums/fulfillments.yaml (1.2.0, with
#: "Delivery and Self-Pickup") and the 1.2.5 validator (FULFILMENT_ENUM_TYPE: Buyer-Delivery).
FULFILLMENT_TYPES: Final = frozenset({"Delivery", "Self-Pickup", "Delivery and Self-Pickup",
                                      "Buyer-Delivery"})


@shared
def providers(payload: Any) -> tuple[tuple[int, dict[str, Any]], ...]:
    """``(index, provider)`` of ``message.catalog['bpp/providers']`` (the request rules read it
    for every earlier on_search of the flow, several times per check)."""
    return tuple(items_of(payload, "message", "catalog", PROVIDERS))


def ppath(p: int, *parts: str | int) -> str:
    """JSONPath under provider ``p`` of the catalogue."""
    return json_path("message", "catalog", PROVIDERS, p, *parts)


#: ``(index, group)`` of a tag group in its ``tags`` list.
Group = tuple[int, dict[str, Any]]

# The tag readers below are plain loops, not shared views: a walk of an element's few tag groups
# costs about what a shared lookup would.  The catalogue rules read item and category tags
# through :func:`catalogue`, which goes over them once per message.


def tag_groups(tags: Any, code: str) -> tuple[Group, ...]:
    """``(index, group)`` for each tag group with this ``code`` (Retail 1.2 ``[{code, list}]``)."""
    if not isinstance(tags, list):
        return ()
    found = []
    for index, group in enumerate(tags):
        if isinstance(group, dict) and group.get("code") == code:
            found.append((index, group))
    return tuple(found)


def entries(group: dict[str, Any]) -> dict[str, tuple[int, Any]]:
    """``code → (index, value)`` of a tag group's list (the first entry of each code)."""
    return tag_entries(group)


def _entry(group: dict[str, Any], code: str) -> tuple[int, Any] | None:
    """``entries(group).get(code)`` without building the whole mapping: ``(index, value)`` of
    the group's first ``code`` entry, or ``None``."""
    values = group.get("list")
    if isinstance(values, list):
        for index, entry in enumerate(values):
            if isinstance(entry, dict) and entry.get("code") == code:
                return index, entry.get("value")
    return None


def _first_value(groups: Iterable[Group] | None, code: str) -> Any:
    """The value of the first ``code`` entry among ``groups`` (in order), or :data:`MISSING`."""
    for _, group in groups or ():
        values = group.get("list")
        if isinstance(values, list):
            for entry in values:
                if isinstance(entry, dict) and entry.get("code") == code:
                    return entry.get("value")
    return MISSING


def tag_value(tags: Any, group: str, code: str) -> Any:
    """The first value of ``code`` in the first ``group`` tag group, or :data:`MISSING`."""
    return _first_value(tag_groups(tags, group), code)


def item_kind(item: dict[str, Any]) -> str | None:
    """``tags[type].type``: item, dynamic_item or customization (1.2.5; absent in plain 1.2.0)."""
    value = tag_value(item.get("tags"), "type", "type")
    return value if isinstance(value, str) else None


def category_kind(category: dict[str, Any]) -> str | None:
    """``tags[type].type`` of a provider category: custom_menu, custom_group, variant_group."""
    value = tag_value(category.get("tags"), "type", "type")
    return value if isinstance(value, str) else None


# --- the catalogue of the on_search under check, read once -----------------------------------
#
# The view lives as long as the check (offline: the whole flow) and a large catalogue has
# thousands of items, so it is kept lean: every object it keeps is one more for the garbage
# collector to walk.  Tag references keep indexes; paths are built only for a finding.

#: ``(tag index, entry index, value)`` of an entry of one of an item's tag groups.
TagRef = tuple[int, int, Any]

#: The item tag groups that rules walk group by group (gathered per provider, in item order).
_WALKED: Final = frozenset({"type", "timing", "config", "veg_nonveg", "origin"})


def _by_code(tags: Any) -> dict[str, list[Group]]:
    """An element's tag groups by code, each code's groups in order: ``tag_groups(tags, code)``
    for every code at once."""
    out: dict[str, list[Group]] = {}
    if isinstance(tags, list):
        for index, group in enumerate(tags):
            if isinstance(group, dict):
                code = group.get("code")
                if isinstance(code, str):
                    if code in out:
                        out[code].append((index, group))
                    else:
                        out[code] = [(index, group)]
    return out


def _ids_in(t: int, group: dict[str, Any]) -> tuple[TagRef, ...]:
    """The ``id`` entries of tag group ``t``."""
    refs: list[TagRef] = []
    values = group.get("list")
    if isinstance(values, list):
        for e, entry in enumerate(values):
            if isinstance(entry, dict) and entry.get("code") == "id":
                refs.append((t, e, entry.get("value")))
    return tuple(refs)


def _tag_path(p: int, i: int, t: int, e: int) -> str:
    """JSONPath of entry ``e`` of tag group ``t`` of item ``i`` of provider ``p``."""
    return ppath(p, "items", i, "tags", t, "list", e, "value")


_NO_PRICE: Final[dict[str, Any]] = {}


class CatalogueItem(NamedTuple):
    """One item of the catalogue with what the item rules read from its tags and price.

    Customisation references (retail-1.2/docs/customizations.md) are the ``id`` entries of
    the item's tag groups: ``custom_group`` (the groups configuring a base item), ``parent``
    (the group of a customisation), ``child`` (the groups nested under a customisation).
    Read-only.
    """

    p: int
    i: int
    item: dict[str, Any]
    kind: str | None
    """:func:`item_kind`."""
    custom_group: tuple[TagRef, ...]
    parents: tuple[TagRef, ...]
    child: tuple[TagRef, ...]
    default: TagRef | None
    """The first ``default`` entry of the ``parent`` groups (a customisation's default flag)."""
    overrides: bool
    """The item has ``config`` tag groups (item-level overrides of its groups' config)."""
    price: dict[str, Any]
    """``price`` when it is an object, else ``{}``."""
    value: Decimal | None
    """``price.value`` as a number (:func:`numeric`), ``None`` when absent or junk."""
    maximum: Decimal | None
    """``price.maximum_value`` likewise."""

    @property
    def parent(self) -> Any:
        """:func:`parent_group`: the first ``parent`` id, or :data:`MISSING`."""
        return self.parents[0][2] if self.parents else MISSING


class CatalogueCategory(NamedTuple):
    """One provider category with its tag groups by code and its type.  Read-only."""

    c: int
    category: dict[str, Any]
    tags: dict[str, list[Group]]
    kind: str | None
    """:func:`category_kind`."""


class CatalogueProvider(NamedTuple):
    """One provider of the catalogue, its categories and items.  Read-only."""

    p: int
    provider: dict[str, Any]
    categories: tuple[CatalogueCategory, ...]
    items: tuple[CatalogueItem, ...]
    groups: dict[str, dict[str, Any]]
    """:func:`custom_groups`."""
    walked: dict[str, list[tuple[CatalogueItem, int, dict[str, Any]]]]
    """``code → (item, tag index, group)`` of the items' tag groups with a code of
    :data:`_WALKED`, in item order."""


class Catalogue(NamedTuple):
    """The providers of an on_search and all their items (in catalogue order).  Read-only."""

    providers: tuple[CatalogueProvider, ...]
    items: tuple[CatalogueItem, ...]


def _item_of(p: int, i: int, item: dict[str, Any],
             walked: dict[str, list[tuple[CatalogueItem, int, dict[str, Any]]]]
             ) -> CatalogueItem:
    """One item's view (one pass over its tag groups); adds its walked groups to ``walked``."""
    kind: Any = None
    kind_found = overrides = False
    custom_group: tuple[TagRef, ...] = ()
    parents: tuple[TagRef, ...] = ()
    child: tuple[TagRef, ...] = ()
    default: TagRef | None = None
    walk: list[tuple[int, str, dict[str, Any]]] = []
    tags = item.get("tags")
    for t, group in enumerate(tags) if isinstance(tags, list) else ():
        if not isinstance(group, dict):
            continue
        code = group.get("code")
        if not isinstance(code, str):
            continue
        if code in _WALKED:
            walk.append((t, code, group))
            if code == "type" and not kind_found:  # tag_value: the first type entry
                found = _entry(group, "type")
                if found is not None:
                    kind, kind_found = found[1], True
            elif code == "config":
                overrides = True
        elif code == "parent":
            parents += _ids_in(t, group)
            if default is None:
                found = _entry(group, "default")
                if found is not None:
                    default = (t, found[0], found[1])
        elif code == "child":
            child += _ids_in(t, group)
        elif code == "custom_group":
            custom_group += _ids_in(t, group)
    price = item.get("price")
    if isinstance(price, dict):
        value = numeric(price["value"]) if "value" in price else None
        maximum = numeric(price["maximum_value"]) if "maximum_value" in price else None
    else:
        price, value, maximum = _NO_PRICE, None, None
    view = CatalogueItem(p, i, item, kind if isinstance(kind, str) else None, custom_group,
                         parents, child, default, overrides, price, value, maximum)
    for t, code, group in walk:
        if code in walked:
            walked[code].append((view, t, group))
        else:
            walked[code] = [(view, t, group)]
    return view


def _category_of(c: int, category: dict[str, Any]) -> CatalogueCategory:
    tags = _by_code(category.get("tags"))
    kind = _first_value(tags.get("type"), "type")
    return CatalogueCategory(c, category, tags, kind if isinstance(kind, str) else None)


@shared
def catalogue(payload: Any) -> Catalogue:
    """The on_search catalogue as the catalogue rules read it: every provider's categories and
    items with their types, customisation references, prices and the tag groups rules walk,
    worked out once per message instead of once per rule."""
    listed: list[CatalogueProvider] = []
    every: list[CatalogueItem] = []
    for p, provider in providers(payload):
        categories = tuple(_category_of(c, category)
                           for c, category in items_of(provider.get("categories")))
        walked: dict[str, list[tuple[CatalogueItem, int, dict[str, Any]]]] = {}
        items = tuple(_item_of(p, i, item, walked)
                      for i, item in items_of(provider.get("items")))
        groups = {view.category["id"]: view.category for view in categories
                  if view.kind == "custom_group" and isinstance(view.category.get("id"), str)}
        listed.append(CatalogueProvider(p, provider, categories, items, groups, walked))
        every.extend(items)
    return Catalogue(tuple(listed), tuple(every))


def gps_problem(value: Any, *, decimals: int = 0) -> str | None:
    """Why ``value`` is not a "lat,long" pair in range (with ≥ ``decimals`` decimals), or None."""
    if not isinstance(value, str):
        return "not a string"
    match = _GPS.match(value)
    if match is None:
        return "not \"latitude,longitude\" in decimal degrees"
    lat, lat_dec, lng, lng_dec = match.groups()
    if abs(Decimal(lat)) > 90 or abs(Decimal(lng)) > 180:
        return "latitude beyond ±90 or longitude beyond ±180"
    if decimals and (len(lat_dec or "") < decimals or len(lng_dec or "") < decimals):
        return f"fewer than {decimals} decimals"
    return None


def has_catalog_inc(search: Message) -> bool:
    """A search asking for an incremental refresh (intent tag group ``catalog_inc``)."""
    return any(True for _ in tag_groups(get(search.body, "intent", "tags"), "catalog_inc"))


@shared
def is_incremental(ctx: CheckContext) -> bool:
    """Whether the on_search under check is an incremental refresh (shared: a dozen rules ask).

    retail-1.2/docs/incremental_catalog_refresh.md: a solicited answer has the message_id of a
    ``catalog_inc`` search; pushes keep the transaction with a message_id of their own.  A second
    on_search for a search already answered is a push too (1.2.0 logs send the full catalogue and
    then the changes under one message_id), unless its providers are complete (a full catalogue
    paginated by provider: full_catalog_refresh.md).  Without
    the search in the flow, the 1.2.5 validator's own criterion is used: an incremental
    on_search is the one with ``context.city`` ``*`` (ON_SEARCH_INCREMENTAL_CATALOG).
    """
    return _incremental(ctx)


def _incremental(ctx: CheckContext) -> bool:
    """:func:`is_incremental`, not remembered (for contexts made up on the way)."""
    request = answered_request(ctx)
    if request is not None:
        answered_before = any(m.action == "on_search" and m.message_id == request.message_id
                              for m in earlier(ctx))
        return has_catalog_inc(request) or (answered_before and not _complete(ctx.message))
    searches = [m for m in earlier(ctx) if m.action == "search"]
    if any(has_catalog_inc(s) for s in searches):
        return True
    return not searches and ctx_str(ctx.message, "city") == "*"


def _complete(message: Message) -> bool:
    """Every provider of the on_search has a descriptor (full catalogue pages do; changes do
    not)."""
    found = list(providers(message.payload))
    return bool(found) and all(isinstance(p.get("descriptor"), dict) for _, p in found)


def _is_full(ctx: CheckContext) -> bool:
    return not is_incremental(ctx)


def _blank(value: Any) -> bool:
    return not isinstance(value, str) or not value.strip()


def _timing_problems(group: dict[str, Any]) -> Iterator[tuple[int, str, Any]]:
    """Bad day/time values of a timing-like tag group: ``(entry index, reason, value)``.

    Notes [^74]-[^79] (Grocery) / [^22]-[^25] (F&B): days "1" (Monday) to "7" (Sunday) with
    day_to ≥ day_from; times "0000" to "2359" with time_to ≥ time_from.
    """
    found = entries(group)
    days: dict[str, int] = {}
    for code in ("day_from", "day_to"):
        if code in found:
            index, value = found[code]
            if not (isinstance(value, str) and value in {"1", "2", "3", "4", "5", "6", "7"}):
                yield index, f"{code} is not a day of the week \"1\"…\"7\"", value
            else:
                days[code] = int(value)
    if len(days) == 2 and days["day_to"] < days["day_from"]:
        yield found["day_to"][0], "day_to is before day_from", found["day_to"][1]
    times: dict[str, str] = {}
    for code in ("time_from", "time_to"):
        if code in found:
            index, value = found[code]
            if not (isinstance(value, str) and _HHMM.match(value)):
                yield index, f"{code} is not a 24-hour time \"0000\"…\"2359\"", value
            else:
                times[code] = value
    if len(times) == 2 and times["time_to"] < times["time_from"]:
        yield found["time_to"][0], "time_to is before time_from", found["time_to"][1]


# --- search ---------------------------------------------------------------------------------------

@rule("RET-CAT-005", "search carries the buyer app finder fee (intent.payment)", Severity.MAJOR,
      spec=f"{_R} search (finder fee amount present); {_DSL} SEARCH_PAYMENT PAYMENT_REQUIRED",
      actions=["search"], domains=RETAIL)
def finder_fee_present(ctx: CheckContext) -> Iterator[Violation]:
    """The finder fee is the buyer app's commission, offered with every search; a seller cannot
    settle an order whose fee was never stated.  (A payment object missing one of its two keys
    is the schema's finding; this rule reports a search without any.)"""
    intent = get(ctx.payload, *INTENT)
    if isinstance(intent, dict) and not isinstance(intent.get("payment"), dict):
        yield Violation(json_path(*INTENT, "payment"), "search names no buyer app finder fee",
                        expected="intent.payment with @ondc/org/buyer_app_finder_fee_type and "
                        "_amount", actual=intent.get("payment"))


@rule("RET-CAT-006", "search end GPS is \"lat,long\" in range with at least 4 decimals",
      Severity.MAJOR, spec=f"{_R} search (end GPS with ≥ 4 decimals)", actions=["search"],
      domains=RETAIL)
def search_gps(ctx: CheckContext) -> Iterator[Violation]:
    """Sellers decide serviceability from this point; 3 decimals is ±110 m of doubt."""
    gps = get(ctx.payload, *INTENT, "fulfillment", "end", "location", "gps")
    if gps is MISSING:
        return
    problem = gps_problem(gps, decimals=4)
    if problem:
        yield Violation(json_path(*INTENT, "fulfillment", "end", "location", "gps"),
                        f"end gps is {problem}", expected="like \"12.9716,77.5946\"", actual=gps)


@rule("RET-CAT-007", "search intent names an item or a category, not both", Severity.MAJOR,
      spec=f"{_R} search (intent not both item and category)", actions=["search"],
      domains=RETAIL)
def item_or_category(ctx: CheckContext) -> Iterator[Violation]:
    """A search is by item name or by category; both makes the seller guess which one filters."""
    intent = get_dict(ctx.payload, *INTENT)
    if intent.get("item") is not None and intent.get("category") is not None:
        yield Violation(json_path(*INTENT), "intent names both an item and a category",
                        expected="item or category", actual=sorted(k for k in intent
                                                                  if k in ("item", "category")))


@rule("RET-CAT-008", "search end area_code is a 6-digit PIN code", Severity.MAJOR,
      spec=f"{_DSL} FULFILMENT_REQUIRED_END_LOCATION_AREA_CODE; India Post PIN format",
      actions=["search"], domains=RETAIL)
def search_area_code(ctx: CheckContext) -> Iterator[Violation]:
    """Intercity serviceability (type 11) is by PIN code; a malformed one matches nothing."""
    parts = (*INTENT, "fulfillment", "end", "location", "address", "area_code")
    value = get(ctx.payload, *parts)
    if value is not MISSING and not (isinstance(value, str) and _PIN.match(value)):
        yield Violation(json_path(*parts), "area_code is not a 6-digit PIN code",
                        expected="like \"560038\"", actual=value)


@rule("RET-CAT-009", "search fulfillment type is Delivery, Self-Pickup or Buyer-Delivery",
      Severity.MAJOR, spec=f"{_DSL} FULFILMENT_ENUM_TYPE; retail-1.2/enums/fulfillments.yaml",
      actions=["search"], domains=RETAIL)
def search_fulfillment_type(ctx: CheckContext) -> Iterator[Violation]:
    """The type filters which providers answer; an unknown one filters out everyone."""
    value = get(ctx.payload, *INTENT, "fulfillment", "type")
    if value is not MISSING and not member(value, FULFILLMENT_TYPES):
        yield Violation(json_path(*INTENT, "fulfillment", "type"),
                        "fulfillment type is not a Retail fulfillment type",
                        expected=sorted(FULFILLMENT_TYPES), actual=value)


@rule("RET-CAT-010", "An intent item is searched by descriptor name, a category by id",
      Severity.MINOR, spec=f"{_DSL} SEARCH_ITEM ITEM_REQUIRED_DESCRIPTOR_NAME, SEARCH_CATEGORY "
      "CATEGORY_REQUIRED_ID", actions=["search"], domains=RETAIL)
def search_terms(ctx: CheckContext) -> Iterator[Violation]:
    """An item or category without its search term asks for nothing in particular."""
    intent = get_dict(ctx.payload, *INTENT)
    if isinstance(intent.get("item"), dict) and _blank(get(intent, "item", "descriptor", "name")):
        yield Violation(json_path(*INTENT, "item", "descriptor", "name"),
                        "intent item has no descriptor name to search for",
                        expected="a non-empty name", actual=get(intent, "item", "descriptor",
                                                                "name") or None)
    if isinstance(intent.get("category"), dict) and _blank(get(intent, "category", "id")):
        yield Violation(json_path(*INTENT, "category", "id"), "intent category has no id",
                        expected="a category id", actual=get(intent, "category", "id") or None)


def _catalog_inc(ctx: CheckContext) -> tuple[tuple[int, dict[str, Any]], ...]:
    return tag_groups(get(ctx.payload, *INTENT, "tags"), "catalog_inc")


def _inc_path(t: int, e: int, *rest: str) -> str:
    return json_path(*INTENT, "tags", t, "list", e, *rest)


@rule("RET-CAT-011", "catalog_inc mode is start or stop", Severity.MAJOR,
      spec=f"{_DSL} TAGS_CATALOG_INC_MODE; {_INC_DOC}", actions=["search"], domains=RETAIL)
def catalog_inc_mode(ctx: CheckContext) -> Iterator[Violation]:
    """The seller starts or stops pushing on this value; anything else leaves it guessing."""
    for t, group in _catalog_inc(ctx):
        found = _entry(group, "mode")
        if found is not None and not member(found[1], {"start", "stop"}):
            yield Violation(_inc_path(t, found[0], "value"), "catalog_inc mode is not start/stop",
                            expected=["start", "stop"], actual=found[1])


@rule("RET-CAT-012", "catalog_inc start_time/end_time are RFC 3339 timestamps not after the "
      "search, start before end", Severity.MAJOR,
      spec=f"{_INC_DOC} (start_time < Context.timestamp, end_time > start_time); {_DSL} "
      "TAGS_CATALOG_INC_START_TIME/END_TIME", actions=["search"], domains=RETAIL)
def catalog_inc_times(ctx: CheckContext) -> Iterator[Violation]:
    """An incremental window in the future, or ending before it starts, has no changes in it."""
    now = parse_timestamp(ctx.message.timestamp)
    for t, group in _catalog_inc(ctx):
        found = entries(group)
        moments: dict[str, datetime] = {}
        for code in ("start_time", "end_time"):
            if code not in found:
                continue
            index, value = found[code]
            moment = parse_timestamp(value)
            if not is_strict_timestamp(value) or moment is None:
                yield Violation(_inc_path(t, index, "value"),
                                f"{code} is not like 2023-06-03T09:30:30.000Z",
                                expected="YYYY-MM-DDTHH:MM:SS.mmmZ", actual=value)
            elif now is not None and moment > now:
                yield Violation(_inc_path(t, index, "value"),
                                f"{code} is after the search's own timestamp",
                                expected=f"≤ {ctx.message.timestamp}", actual=value)
            else:
                moments[code] = moment
        if len(moments) == 2 and moments["end_time"] <= moments["start_time"]:
            yield Violation(_inc_path(t, found["end_time"][0], "value"),
                            "end_time is not after start_time",
                            expected=f"> {found['start_time'][1]}", actual=found["end_time"][1])


@rule("RET-CAT-013", "A one-time incremental pull (no mode) names both start_time and end_time",
      Severity.MAJOR, spec=f"{_INC_DOC} (1-time incremental refresh: start_time and end_time)",
      actions=["search"], domains=RETAIL)
def catalog_inc_window(ctx: CheckContext) -> Iterator[Violation]:
    """Without a mode the search asks for the changes of one window; half a window is none."""
    for t, group in _catalog_inc(ctx):
        found = entries(group)
        if "mode" in found:
            continue
        missing = [c for c in ("start_time", "end_time") if c not in found]
        if missing:
            yield Violation(json_path(*INTENT, "tags", t, "list"),
                            f"catalog_inc without mode lacks {', '.join(missing)}",
                            expected="start_time and end_time (or mode start/stop)",
                            actual=sorted(found))


_INTENT_TAGS: Final = frozenset({"catalog_inc", "bap_terms", "catalog_full", "bnp_features",
                                 "bap_features", "bap_promos", "bnp_demand_signal"})


@rule("RET-CAT-014", "search intent tag groups are the 1.2.5 ones", Severity.MINOR,
      spec=f"{_DSL} SEARCH_TAG_INTENT_GROUP", actions=["search"], versions=["1.2.5"],
      domains=RETAIL)
def intent_tag_groups(ctx: CheckContext) -> Iterator[Violation]:
    """An unknown group (``catalog_incremental``) is silently ignored by every seller."""
    for t, group in items_of(get(ctx.payload, *INTENT, "tags")):
        if "code" in group and not member(group["code"], _INTENT_TAGS):
            yield Violation(json_path(*INTENT, "tags", t, "code"),
                            "not a 1.2.5 search intent tag group",
                            expected=sorted(_INTENT_TAGS), actual=group["code"])


# --- on_search: the seller app and its terms -----------------------------------------------------

@rule("RET-CAT-015", "A full catalogue carries bpp/descriptor with a non-empty name",
      Severity.MAJOR, spec=f"{_DSL} CATALOG_BPP_DESCRIPTOR BPP_DESCRIPTOR_NAME; {_GROCERY} [^2]",
      actions=["on_search"], domains=RETAIL)
def seller_descriptor(ctx: CheckContext) -> Iterator[Violation]:
    """Buyer apps show which seller app a store is on; a nameless seller NP cannot be shown."""
    catalog = get(ctx.payload, "message", "catalog")
    if not isinstance(catalog, dict) or not _is_full(ctx):
        return
    name = get(catalog, "bpp/descriptor", "name")
    if _blank(name):
        where = ("bpp/descriptor", "name") if isinstance(catalog.get("bpp/descriptor"),
                                                         dict) else ("bpp/descriptor",)
        yield Violation(json_path("message", "catalog", *where),
                        "the catalogue does not name the seller app",
                        expected="bpp/descriptor.name", actual=None if name is MISSING else name)


_BPP_TERMS: Final = {"np_type": frozenset({"ISN", "MSN"}),
                     "accept_bap_terms": frozenset({"Y", "N"}),
                     "collect_payment": frozenset({"Y", "N"})}


@rule("RET-CAT-016", "bpp_terms np_type is ISN or MSN; accept_bap_terms and collect_payment Y or N",
      Severity.MINOR, spec=f"{_DSL} BPP_DESCRIPTOR_TAGS_BPP_TERMS", actions=["on_search"],
      domains=RETAIL)
def seller_terms(ctx: CheckContext) -> Iterator[Violation]:
    """np_type decides who invoices (ISN: the seller app; MSN: each provider)."""
    tags = get(ctx.payload, "message", "catalog", "bpp/descriptor", "tags")
    for t, group in tag_groups(tags, "bpp_terms"):
        for code, (e, value) in entries(group).items():
            allowed = _BPP_TERMS.get(code)
            if allowed is not None and not member(value, allowed):
                yield Violation(json_path("message", "catalog", "bpp/descriptor", "tags", t,
                                          "list", e, "value"), f"bpp_terms {code} not in enum",
                                expected=sorted(allowed), actual=value)


@rule("RET-CAT-017", "An ISN seller app's provider id is its bpp_id", Severity.MAJOR,
      spec=f"{_GROCERY} [^5] (provider id must be same as bpp_id for ISN seller apps)",
      actions=["on_search"], domains=RETAIL)
def isn_provider_id(ctx: CheckContext) -> Iterator[Violation]:
    """An inventory seller node is one legal entity: a different provider id makes it look like
    a marketplace and breaks tax compliance (notes [^5])."""
    np_type = tag_value(get(ctx.payload, "message", "catalog", "bpp/descriptor", "tags"),
                        "bpp_terms", "np_type")
    bpp_id = ctx_str(ctx.message, "bpp_id")
    if np_type != "ISN" or not bpp_id:
        return
    for p, provider in providers(ctx.payload):
        if "id" in provider and provider["id"] != bpp_id:
            yield Violation(ppath(p, "id"), "an ISN seller app names a provider other than itself",
                            expected=bpp_id, actual=provider["id"])


def _catalogue_fulfillments(payload: Any) -> Iterator[tuple[tuple[str | int, ...],
                                                            dict[str, Any]]]:
    """``(path parts, fulfillment)`` of bpp/fulfillments and of every provider's fulfillments."""
    for f, fulfillment in items_of(payload, "message", "catalog", "bpp/fulfillments"):
        yield ("message", "catalog", "bpp/fulfillments", f), fulfillment
    for p, provider in providers(payload):
        for f, fulfillment in items_of(provider, "fulfillments"):
            yield ("message", "catalog", PROVIDERS, p, "fulfillments", f), fulfillment


@rule("RET-CAT-018", "Catalogue fulfillment types are Retail fulfillment types", Severity.MAJOR,
      spec=f"{_DSL} FULFILLMENTS_TYPE, BPP_FULFILLMENTS_TYPE; retail-1.2/enums/fulfillments.yaml",
      actions=["on_search"], domains=RETAIL)
def catalogue_fulfillment_types(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app offers delivery or pickup from these; an unknown type offers neither."""
    for parts, fulfillment in _catalogue_fulfillments(ctx.payload):
        if "type" in fulfillment and not member(fulfillment["type"], FULFILLMENT_TYPES):
            yield Violation(json_path(*parts, "type"), "not a Retail fulfillment type",
                            expected=sorted(FULFILLMENT_TYPES), actual=fulfillment["type"])


@rule("RET-CAT-019", "Fulfillment ids are unique within their provider (and in bpp/fulfillments)",
      Severity.MAJOR, spec=f"{_R} on_search (unique ids; item fulfillment_id exists)",
      actions=["on_search"], domains=RETAIL)
def unique_fulfillment_ids(ctx: CheckContext) -> Iterator[Violation]:
    """An item's fulfillment_id must point at one option, not two."""
    lists: list[tuple[tuple[str | int, ...], list[tuple[int, dict[str, Any]]]]] = [
        (("message", "catalog", "bpp/fulfillments"),
         list(items_of(ctx.payload, "message", "catalog", "bpp/fulfillments")))]
    lists += [(("message", "catalog", PROVIDERS, p, "fulfillments"),
               list(items_of(provider, "fulfillments"))) for p, provider in providers(ctx.payload)]
    for base, elements in lists:
        seen: set[str] = set()
        for f, fulfillment in elements:
            fid = fulfillment.get("id")
            if isinstance(fid, str):
                if fid in seen:
                    yield Violation(json_path(*base, f, "id"), f"fulfillment id {fid!r} repeats",
                                    expected="a unique id", actual=fid)
                seen.add(fid)


@rule("RET-CAT-020", "Catalogue fulfillment contact phone is 10 or 11 digits and email valid",
      Severity.MINOR, spec=f"{_GROCERY} [^9]-[^11] (valid 10 digit (mobile no) or 11 digit no; "
      "email id of merchant)", actions=["on_search"], domains=RETAIL)
def fulfillment_contact(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app calls this number about an order; a malformed one reaches nobody."""
    for parts, fulfillment in _catalogue_fulfillments(ctx.payload):
        contact = get_dict(fulfillment, "contact")
        phone, email = contact.get("phone", MISSING), contact.get("email", MISSING)
        if phone is not MISSING and not (isinstance(phone, str) and _PHONE.match(phone)):
            yield Violation(json_path(*parts, "contact", "phone"), "phone is not 10 or 11 digits",
                            expected="like \"9886098860\"", actual=phone)
        if email is not MISSING and not (isinstance(email, str) and _EMAIL.match(email)):
            yield Violation(json_path(*parts, "contact", "email"), "not an email address",
                            expected="like \"care@store.example\"", actual=email)


# --- on_search: providers -------------------------------------------------------------------------

@rule("RET-CAT-021", "Provider, category and item descriptors have a non-empty name (a full "
      "catalogue's providers always have one)", Severity.MAJOR,
      spec=f"{_DSL} PROVIDERS_DESCRIPTOR_NAME, CATEGORIES_DESCRIPTOR_NAME, ITEMS_DESCRIPTOR_NAME",
      actions=["on_search"], domains=RETAIL)
def descriptor_names(ctx: CheckContext) -> Iterator[Violation]:
    """The name is what the buyer sees and searches; a blank one is an invisible product."""
    full = _is_full(ctx)
    for p, provider in providers(ctx.payload):
        name = get(provider, "descriptor", "name")
        if (full or "descriptor" in provider) and _blank(name):
            yield Violation(ppath(p, "descriptor", "name"), "provider has no name",
                            expected="a non-empty name", actual=None if name is MISSING else name)
        for key, noun in (("categories", "category"), ("items", "item")):
            for i, element in items_of(provider, key):
                descriptor = element.get("descriptor")
                if not isinstance(descriptor, dict):
                    continue
                name = descriptor.get("name", MISSING)
                if _blank(name):
                    yield Violation(ppath(p, key, i, "descriptor", "name"),
                                    f"{noun} {element.get('id')!r} has no name",
                                    expected="a non-empty name",
                                    actual=None if name is MISSING else name)


def _descriptors(payload: Any) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """Every descriptor of the catalogue whose symbol or images are not all http(s) URLs
    (:func:`_urls_ok`), with its path parts relative to ``message.catalog`` (built only for
    such a descriptor: nearly all are fine)."""
    descriptor = get(payload, "message", "catalog", "bpp/descriptor")
    if isinstance(descriptor, dict) and not _urls_ok(descriptor):
        yield ("bpp/descriptor",), descriptor
    for p, provider in providers(payload):
        descriptor = provider.get("descriptor")
        if isinstance(descriptor, dict) and not _urls_ok(descriptor):
            yield (PROVIDERS, p, "descriptor"), descriptor
        for key in ("categories", "items", "offers"):
            elements = provider.get(key)
            if not isinstance(elements, list):
                continue
            for i, element in enumerate(elements):
                if isinstance(element, dict):
                    descriptor = element.get("descriptor")
                    if isinstance(descriptor, dict) and not _urls_ok(descriptor):
                        yield (PROVIDERS, p, key, i, "descriptor"), descriptor


def _urls_ok(descriptor: dict[str, Any]) -> bool:
    """Whether a descriptor's symbol (when given) and images are all http(s) URLs."""
    symbol = descriptor.get("symbol", MISSING)
    if symbol is not MISSING and not (isinstance(symbol, str) and _URL.match(symbol)):
        return False
    images = descriptor.get("images")
    if isinstance(images, list):
        for image in images:
            if not (isinstance(image, str) and _URL.match(image)):
                return False
    return True


@rule("RET-CAT-022", "Descriptor symbol and images are http(s) URLs", Severity.MINOR,
      spec=f"{_GROCERY} [^3], [^25] (logo or image; no placeholder); {_DSL} *_DESCRIPTOR_IMAGES",
      actions=["on_search"], domains=RETAIL)
def descriptor_images(ctx: CheckContext) -> Iterator[Violation]:
    """Buyer apps fetch these to render the store; a file name or a blank is a broken image,
    and a URL padded with spaces is no URI (RFC 3986) for a strict client."""
    for parts, descriptor in _descriptors(ctx.payload):
        symbol = descriptor.get("symbol", MISSING)
        if symbol is not MISSING and not (isinstance(symbol, str) and _URL.match(symbol)):
            yield Violation(json_path("message", "catalog", *parts, "symbol"),
                            _not_url("symbol", symbol), expected="https://…", actual=symbol)
        images = descriptor.get("images")
        if isinstance(images, list):
            for i, image in enumerate(images):
                if not (isinstance(image, str) and _URL.match(image)):
                    yield Violation(json_path("message", "catalog", *parts, "images", i),
                                    _not_url("image", image), expected="https://…", actual=image)


def _not_url(what: str, value: object) -> str:
    if isinstance(value, str) and value != value.strip() and _URL.match(value.strip()):
        return f"{what} is an http(s) URL padded with whitespace"
    return f"{what} is not an http(s) URL"


@rule("RET-CAT-023", "An F&B provider's FSSAI licence number is 14 digits", Severity.MAJOR,
      spec=f"{_FB} [^11] (valid 14 digit FSSAI # required for F&B provider); {_DSL} "
      "PROVIDERS_FSSAI_LICENSE_NO", actions=["on_search"], domains=RETAIL)
def fssai_licence(ctx: CheckContext) -> Iterator[Violation]:
    """Food may only be sold under a valid FSSAI licence, which buyer apps must display.
    Checked in F&B (ONDC:RET11) only."""
    if ctx.message.domain != "ONDC:RET11":
        return
    for p, provider in providers(ctx.payload):
        key = "@ondc/org/fssai_license_no"
        if key in provider and not (isinstance(provider[key], str)
                                    and re.fullmatch(r"\d{14}", provider[key])):
            yield Violation(ppath(p, key), "FSSAI licence number is not 14 digits",
                            expected="14 digits", actual=provider[key])


@rule("RET-CAT-024", "Provider ttl is an ISO 8601 duration", Severity.MINOR,
      spec=f"{_GROCERY} [^12] (ISO8601 duration format for validity of provider catalog)",
      actions=["on_search"], domains=RETAIL)
def provider_ttl(ctx: CheckContext) -> Iterator[Violation]:
    """Buyer apps refresh the cached catalogue after this; "1 day" never expires."""
    for p, provider in providers(ctx.payload):
        if "ttl" in provider and not is_duration(provider["ttl"]):
            yield Violation(ppath(p, "ttl"), "ttl is not an ISO 8601 duration",
                            expected="like \"P1D\"", actual=provider["ttl"])


#: time.label enums: notes [^6] (provider enable/disable), [^14] (location enable/disable/close),
#: [^21] (item enable/disable); the 1.2.5 validator also accepts open/close for providers and
#: open for locations in an incremental refresh (ON_SEARCH_INCREMENTAL_CATALOG).
_LABELS: Final = {
    "provider": (frozenset({"enable", "disable"}), frozenset({"enable", "disable", "open",
                                                               "close"})),
    "location": (frozenset({"enable", "disable", "close"}), frozenset({"enable", "disable",
                                                                        "close", "open"})),
    "item": (frozenset({"enable", "disable"}), frozenset({"enable", "disable"})),
}


def _times(provider: dict[str, Any]) -> Iterator[tuple[str, tuple[str | int, ...],
                                                      dict[str, Any]]]:
    """``(kind, relative path, time)`` of the provider, its locations and its items that have a
    ``time`` object (kind: provider, location or item)."""
    if isinstance(provider.get("time"), dict):
        yield "provider", (), provider["time"]
    for key, kind in (("locations", "location"), ("items", "item")):
        for i, element in items_of(provider.get(key)):
            time = element.get("time")
            if isinstance(time, dict):
                yield kind, (key, i), time


@rule("RET-CAT-025", "time.label is enable/disable (locations also close; open/close in an "
      "incremental refresh)", Severity.MAJOR,
      spec=f"{_GROCERY} [^6], [^14], [^21]; {_DSL} PROVIDERS_TIME_LABEL, LOCATIONS_TIME_LABEL, "
      "ITEMS_TIME_LABEL", actions=["on_search"], domains=RETAIL)
def time_labels(ctx: CheckContext) -> Iterator[Violation]:
    """A label is how a store or item is switched off; an unknown one leaves it switched on."""
    incremental = is_incremental(ctx)
    for p, provider in providers(ctx.payload):
        for kind, rel, time in _times(provider):
            if "label" not in time:
                continue
            label = time["label"]
            allowed = _LABELS[kind][1 if incremental else 0]
            if not member(label, allowed):
                yield Violation(ppath(p, *rel, "time", "label"),
                                f"{kind} time.label not in enum", expected=sorted(allowed),
                                actual=label)


_SNAPSHOT_TOLERANCE: Final = timedelta(seconds=1)


@rule("RET-CAT-026", "Provider, location and item time.timestamp are not after the context "
      "timestamp (allowing 1 s for stamping)", Severity.MAJOR,
      spec=f"{_R} on_search (timestamps ≤ context timestamp); {_GROCERY} [^7], [^15]",
      actions=["on_search"], domains=RETAIL)
def snapshot_not_future(ctx: CheckContext) -> Iterator[Violation]:
    """The snapshot time is where buyer apps resume incremental refresh; a future one skips
    every change until then.  Items are reported once per provider (the first late one, with a
    count), since a catalogue usually stamps all its items alike.  A snapshot stamped a few
    milliseconds after the context (built, then sent) skips nothing and is accepted."""
    now = parse_timestamp(ctx.message.timestamp)
    if now is None:
        return
    now += _SNAPSHOT_TOLERANCE
    for p, provider in providers(ctx.payload):
        late_items: list[tuple[tuple[str | int, ...], Any]] = []
        for kind, rel, time in _times(provider):
            raw = time.get("timestamp")
            moment = parse_timestamp(raw)
            if moment is None or moment <= now:
                continue
            if kind == "item":
                late_items.append((rel, raw))
            else:
                yield Violation(ppath(p, *rel, "time", "timestamp"),
                                f"{kind} timestamp is after the on_search timestamp",
                                expected=f"≤ {ctx.message.timestamp}", actual=raw)
        if late_items:  # one finding per provider: a catalogue stamps its items alike
            rel, raw = late_items[0]
            more = f" (and {len(late_items) - 1} more items)" if len(late_items) > 1 else ""
            yield Violation(ppath(p, *rel, "time", "timestamp"),
                            f"item timestamp is after the on_search timestamp{more}",
                            expected=f"≤ {ctx.message.timestamp}", actual=raw)


@rule("RET-CAT-027", "Store days are a comma list of distinct days \"1\"…\"7\"", Severity.MAJOR,
      spec=f"{_R} on_search (store days 1..7); {_DSL} LOCATIONS_TIME_DAYS", actions=["on_search"],
      domains=RETAIL)
def store_days(ctx: CheckContext) -> Iterator[Violation]:
    """Days decide when a store takes orders; "Mon-Sun" or "0" opens it on no day at all."""
    for p, provider in providers(ctx.payload):
        for i, location in items_of(provider, "locations"):
            days = get(location, "time", "days")
            if days is MISSING:
                continue
            parts = days.split(",") if isinstance(days, str) else []
            valid = parts and all(d.strip() in {"1", "2", "3", "4", "5", "6", "7"} for d in parts)
            if not valid or len({d.strip() for d in parts}) != len(parts):
                yield Violation(ppath(p, "locations", i, "time", "days"),
                                "days is not a list of distinct days 1 (Monday) to 7 (Sunday)",
                                expected="like \"1,2,3,4,5,6,7\"", actual=days)


@rule("RET-CAT-028", "Store time.range is HHMM opening hours (a closed store: RFC 3339 start "
      "before end)", Severity.MAJOR, spec=f"{_R} on_search (valid timings); {_GROCERY} [^14]; "
      "retail-1.2/notes/on_search/incremental_catalog_refresh_store_closed_temporarily.yaml",
      actions=["on_search"], domains=RETAIL)
def store_range(ctx: CheckContext) -> Iterator[Violation]:
    """Opening hours are "0000"…"2359"; a temporary closure gives the closed window as
    timestamps, and a window that ends before it starts closes nothing."""
    for p, provider in providers(ctx.payload):
        for i, location in items_of(provider, "locations"):
            time = get_dict(location, "time")
            timerange = get_dict(time, "range")
            closed = time.get("label") == "close"
            moments: dict[str, datetime] = {}
            for key in ("start", "end"):
                if key not in timerange:
                    continue
                value, path = timerange[key], ppath(p, "locations", i, "time", "range", key)
                if closed:
                    moment = parse_timestamp(value)
                    if moment is None:
                        yield Violation(path, f"closure {key} is not an RFC 3339 timestamp",
                                        expected="like 2023-06-03T16:00:00.000Z", actual=value)
                    else:
                        moments[key] = moment
                elif not (isinstance(value, str) and _HHMM.match(value)):
                    yield Violation(path, f"opening {key} is not a 24-hour time",
                                    expected="\"0000\"…\"2359\"", actual=value)
            if len(moments) == 2 and moments["end"] <= moments["start"]:
                yield Violation(ppath(p, "locations", i, "time", "range", "end"),
                                "the store closure ends before it starts",
                                expected=f"> {timerange['start']}", actual=timerange["end"])


@rule("RET-CAT-029", "Store gps and circle gps are \"lat,long\" in range with at least 4 "
      "decimals", Severity.MAJOR, spec=f"{_DSL} LOCATIONS_GPS, LOCATIONS_CIRCLE_GPS; "
      f"{_R} on_search", actions=["on_search"], domains=RETAIL)
def store_gps(ctx: CheckContext) -> Iterator[Violation]:
    """Distance-based serviceability and pickup routing start at this point."""
    for p, provider in providers(ctx.payload):
        for i, location in items_of(provider, "locations"):
            for rel in (("gps",), ("circle", "gps")):
                value = get(location, *rel)
                problem = None if value is MISSING else gps_problem(value, decimals=4)
                if problem:
                    yield Violation(ppath(p, "locations", i, *rel), f"store gps is {problem}",
                                    expected="like \"12.935200,77.624500\"", actual=value)


@rule("RET-CAT-030", "Store circle radius is in km with a positive value", Severity.MINOR,
      spec=f"{_DSL} LOCATIONS_CIRCLE_RADIUS_UNIT (km), LOCATIONS_CIRCLE_RADIUS_VALUE",
      actions=["on_search"], domains=RETAIL)
def store_radius(ctx: CheckContext) -> Iterator[Violation]:
    """The delivery circle of a hyperlocal store; zero or miles serve nobody correctly."""
    for p, provider in providers(ctx.payload):
        for i, location in items_of(provider, "locations"):
            radius = get(location, "circle", "radius")
            if not isinstance(radius, dict):
                continue
            if "unit" in radius and radius["unit"] != "km":
                yield Violation(ppath(p, "locations", i, "circle", "radius", "unit"),
                                "radius unit is not km", expected="km", actual=radius["unit"])
            value = numeric(radius.get("value")) if "value" in radius else Decimal(1)
            if value is None or value <= 0:
                yield Violation(ppath(p, "locations", i, "circle", "radius", "value"),
                                "radius is not a positive number", expected="like \"3\"",
                                actual=radius.get("value"))


@rule("RET-CAT-031", "Store address area_code is a 6-digit PIN code", Severity.MINOR,
      spec=f"{_DSL} LOCATIONS_ADDRESS_AREA_CODE; India Post PIN format", actions=["on_search"],
      domains=RETAIL)
def store_area_code(ctx: CheckContext) -> Iterator[Violation]:
    """Intercity serviceability and logistics pickup are quoted by this PIN."""
    for p, provider in providers(ctx.payload):
        for i, location in items_of(provider, "locations"):
            value = get(location, "address", "area_code")
            if value is not MISSING and not (isinstance(value, str) and _PIN.match(value)):
                yield Violation(ppath(p, "locations", i, "address", "area_code"),
                                "area_code is not a 6-digit PIN code", expected="like \"560034\"",
                                actual=value)


@rule("RET-CAT-032", "Store holidays are YYYY-MM-DD dates", Severity.MINOR,
      spec=f"{_GROCERY} [^16] (list of future dated holidays); {_DSL} "
      "LOCATIONS_TIME_SCHEDULE_HOLIDAYS", actions=["on_search"], domains=RETAIL)
def store_holidays(ctx: CheckContext) -> Iterator[Violation]:
    """Buyer apps close the store on these dates; "Diwali" closes it on none."""
    for p, provider in providers(ctx.payload):
        for i, location in items_of(provider, "locations"):
            for h, day in enumerate(get_list(location, "time", "schedule", "holidays")):
                valid = isinstance(day, str) and _DATE.match(day)
                if valid:
                    try:
                        datetime.strptime(day, "%Y-%m-%d")
                    except ValueError:
                        valid = None
                if not valid:
                    yield Violation(ppath(p, "locations", i, "time", "schedule", "holidays", h),
                                    "holiday is not a calendar date", expected="YYYY-MM-DD",
                                    actual=day)


# --- on_search: serviceability and timing tags ----------------------------------------------------

#: type → unit (notes [^80]-[^83] F&B; validator TAGS_PROVIDERS_SERVICEABILITY_TYPE/UNIT).
_SERVICEABILITY: Final = {"10": "km", "11": "pincode", "12": "country", "13": "geojson"}
_SERVICEABILITY_KEYS: Final = ("location", "category", "type", "val", "unit")


def _serviceability(provider: dict[str, Any]) -> Iterator[tuple[int, dict[str, tuple[int, Any]]]]:
    for t, group in tag_groups(provider.get("tags"), "serviceability"):
        yield t, entries(group)


@rule("RET-CAT-033", "Serviceability tags carry location, category, type (10–13), val and unit "
      "(km, pincode, country, geojson)", Severity.MAJOR,
      spec=f"{_R} on_search (serviceability tags); {_DSL} TAGS_PROVIDERS_SERVICEABILITY",
      actions=["on_search"], domains=RETAIL)
def serviceability_fields(ctx: CheckContext) -> Iterator[Violation]:
    """Without all five a buyer app cannot tell whether the store delivers to the buyer."""
    for p, provider in providers(ctx.payload):
        for t, found in _serviceability(provider):
            missing = [k for k in _SERVICEABILITY_KEYS if k not in found]
            if missing:
                yield Violation(ppath(p, "tags", t, "list"),
                                f"serviceability lacks {', '.join(missing)}",
                                expected=list(_SERVICEABILITY_KEYS), actual=sorted(found))
            for key, allowed in (("type", set(_SERVICEABILITY)),
                                 ("unit", set(_SERVICEABILITY.values()))):
                if key in found and not (isinstance(found[key][1], str)
                                         and found[key][1].lower() in allowed):
                    yield Violation(ppath(p, "tags", t, "list", found[key][0], "value"),
                                    f"serviceability {key} not in enum", expected=sorted(allowed),
                                    actual=found[key][1])


@rule("RET-CAT-034", "A serviceability or timing tag's location is one of the provider's "
      "locations", Severity.MAJOR, spec=f"{_FB} [^73], [^80] (maps to unique location for "
      "provider)", actions=["on_search"], domains=RETAIL)
def tag_location_known(ctx: CheckContext) -> Iterator[Violation]:
    """Serviceability of a store that does not exist serves nobody; the real store gets none."""
    for p, provider in providers(ctx.payload):
        known = str_values(loc.get("id") for _, loc in items_of(provider, "locations"))
        if not known:
            continue  # an incremental refresh may send tags without the locations
        for code in ("serviceability", "timing"):
            for t, group in tag_groups(provider.get("tags"), code):
                found = _entry(group, "location")
                if found is not None and not member(found[1], known):
                    yield Violation(ppath(p, "tags", t, "list", found[0], "value"),
                                    f"{code} location is not a location of this provider",
                                    expected=sorted(known), actual=found[1])


def _val_problem(kind: str, val: Any) -> str | None:
    """Why a serviceability ``val`` does not fit its unit ``kind``, or None."""
    if not isinstance(val, str):
        return "not a string"
    if kind == "km":
        number = numeric(val)
        return None if number is not None and number > 0 else "not a positive distance"
    if kind == "pincode":
        parts = [x.strip() for x in val.split(",")]
        ok = all(re.fullmatch(r"[1-9]\d{5}(-[1-9]\d{5})?", x) for x in parts)
        return None if ok else "not 6-digit PIN codes or ranges (\"560001-560076,560083\")"
    if kind == "country":
        return None if val == "IND" else "not IND"
    try:
        shape = json.loads(val)
    except ValueError:
        return "not GeoJSON"
    ok = isinstance(shape, dict) and shape.get("type") in {"FeatureCollection", "Feature",
                                                           "Polygon", "MultiPolygon"}
    return None if ok else "not a GeoJSON polygon or feature collection"


@rule("RET-CAT-035", "Serviceability type, unit and val agree (10 km distance, 11 PIN codes, "
      "12 country IND, 13 GeoJSON)", Severity.MAJOR,
      spec=f"{_FB} [^79]-[^83]; {_GROCERY} [^80]-[^82]", actions=["on_search"], domains=RETAIL)
def serviceability_values(ctx: CheckContext) -> Iterator[Violation]:
    """A radius given as PIN codes, or PIN codes for a hyperlocal store, cannot be evaluated."""
    for p, provider in providers(ctx.payload):
        for t, found in _serviceability(provider):
            kind, unit = found.get("type", (0, None))[1], found.get("unit", (0, None))[1]
            expected_unit = _SERVICEABILITY.get(kind) if isinstance(kind, str) else None
            unit_text = unit.lower() if isinstance(unit, str) else None
            if expected_unit is None or unit_text not in set(_SERVICEABILITY.values()):
                continue  # enums are RET-CAT-033's
            if unit_text != expected_unit:
                yield Violation(ppath(p, "tags", t, "list", found["unit"][0], "value"),
                                f"serviceability type {kind} needs unit {expected_unit}",
                                expected=expected_unit, actual=unit)
            elif "val" in found:
                problem = _val_problem(expected_unit, found["val"][1])
                if problem:
                    yield Violation(ppath(p, "tags", t, "list", found["val"][0], "value"),
                                    f"serviceability val is {problem}",
                                    expected=f"a {expected_unit} value", actual=found["val"][1])


@rule("RET-CAT-036", "Serviceability is defined once per location and category", Severity.MINOR,
      spec=f"{_GROCERY} [^80] (every unique combination of provider+location+category can have "
      "serviceability defined only at one of these levels)", actions=["on_search"],
      domains=RETAIL)
def serviceability_unique(ctx: CheckContext) -> Iterator[Violation]:
    """Two definitions for one store and category contradict each other."""
    for p, provider in providers(ctx.payload):
        seen: set[tuple[str, str]] = set()
        for t, found in _serviceability(provider):
            location, category = found.get("location"), found.get("category")
            if location is None or category is None:
                continue
            key = (str(location[1]), str(category[1]))
            if key in seen:
                yield Violation(ppath(p, "tags", t), "serviceability repeats a location and "
                                "category already defined", expected="one definition",
                                actual=list(key))
            seen.add(key)


_TIMING_TYPES: Final = frozenset({"Order", "Delivery", "Self-Pickup", "All"})


@rule("RET-CAT-037", "Provider timing tags have a type Order, Delivery, Self-Pickup or All",
      Severity.MAJOR, spec=f"{_FB} [^72]; {_GROCERY} [^74]; {_DSL} TAGS_PROVIDERS_TIMING_TYPE",
      actions=["on_search"], domains=RETAIL)
def timing_type(ctx: CheckContext) -> Iterator[Violation]:
    """The type says which activity the hours are for; without it the hours mean nothing."""
    for p, provider in providers(ctx.payload):
        for t, group in tag_groups(provider.get("tags"), "timing"):
            found = _entry(group, "type")
            if found is None:
                yield Violation(ppath(p, "tags", t, "list"), "timing tag has no type",
                                expected=sorted(_TIMING_TYPES), actual=None)
            elif not member(found[1], _TIMING_TYPES):
                yield Violation(ppath(p, "tags", t, "list", found[0], "value"),
                                "timing type not in enum", expected=sorted(_TIMING_TYPES),
                                actual=found[1])


@rule("RET-CAT-038", "A provider with timing tags has one for Order (or All)", Severity.MAJOR,
      spec=f"{_R} on_search (timing tags include \"Order\"); {_FB} [^72]",
      actions=["on_search"], domains=RETAIL)
def timing_order(ctx: CheckContext) -> Iterator[Violation]:
    """Order timings are when the store accepts online orders; delivery hours alone do not say."""
    for p, provider in providers(ctx.payload):
        kinds = [entries(g).get("type", (0, None))[1]
                 for _, g in tag_groups(provider.get("tags"), "timing")]
        if kinds and not ({"Order", "All"} & {k for k in kinds if isinstance(k, str)}):
            yield Violation(ppath(p, "tags"), "timing tags give no Order (or All) timing",
                            expected="a timing tag of type Order or All", actual=kinds)


def _timing_groups(pv: CatalogueProvider) -> Iterator[tuple[tuple[str | int, ...],
                                                            dict[str, Any]]]:
    """Timing-like tag groups with a bad value (not :func:`_timing_ok`): provider
    timing/serviceability, category and item timing (paths built only for these)."""
    for code in ("timing", "serviceability"):
        for t, group in tag_groups(pv.provider.get("tags"), code):
            if not _timing_ok(group):
                yield ("tags", t), group
    for cv in pv.categories:
        for t, group in cv.tags.get("timing", ()):
            if not _timing_ok(group):
                yield ("categories", cv.c, "tags", t), group
    for it, t, group in pv.walked.get("timing", ()):
        if not _timing_ok(group):
            yield ("items", it.i, "tags", t), group


_TIMING_CODES: Final = frozenset({"day_from", "day_to", "time_from", "time_to"})
_DAYS: Final = frozenset({"1", "2", "3", "4", "5", "6", "7"})


def _timing_ok(group: dict[str, Any]) -> bool:
    """Whether :func:`_timing_problems` finds nothing in ``group`` (decided without building
    its entries: nearly every timing group is fine, and a catalogue has one per item)."""
    values = group.get("list")
    if not isinstance(values, list):
        return True
    found: dict[str, Any] = {}
    for entry in values:
        if isinstance(entry, dict):
            code = entry.get("code")
            if isinstance(code, str) and code in _TIMING_CODES and code not in found:
                found[code] = entry.get("value")
    if not found:
        return True
    day_from, day_to = found.get("day_from", MISSING), found.get("day_to", MISSING)
    for day in (day_from, day_to):
        if day is not MISSING and not (isinstance(day, str) and day in _DAYS):
            return False
    if day_from is not MISSING and day_to is not MISSING and day_to < day_from:
        return False  # single digits: text order is number order
    time_from, time_to = found.get("time_from", MISSING), found.get("time_to", MISSING)
    for time in (time_from, time_to):
        if time is not MISSING and not (isinstance(time, str) and _HHMM.match(time)):
            return False
    return time_from is MISSING or time_to is MISSING or time_to >= time_from


@rule("RET-CAT-039", "Timing days are \"1\"…\"7\" with day_to ≥ day_from, times HHMM with "
      "time_to ≥ time_from", Severity.MAJOR,
      spec=f"{_R} on_search (store days 1..7, valid timings); {_GROCERY} [^76]-[^79]; {_FB} "
      "[^22]-[^25], [^84]", actions=["on_search"], domains=RETAIL)
def timing_values(ctx: CheckContext) -> Iterator[Violation]:
    """Provider, menu, item and serviceability hours; an inverted window is never open."""
    for pv in catalogue(ctx.payload).providers:
        for rel, group in _timing_groups(pv):
            for index, reason, value in _timing_problems(group):
                yield Violation(ppath(pv.p, *rel, "list", index, "value"), reason,
                                expected="days 1–7, times 0000–2359, to ≥ from", actual=value)


@rule("RET-CAT-040", "Minimum order value is a non-negative amount with at most 2 decimals",
      Severity.MINOR, spec=f"{_GROCERY} [^67], [^68] (minimum order value, up to 2 decimals)",
      actions=["on_search"], domains=RETAIL)
def minimum_order_value(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app blocks checkout below it; a junk value blocks every cart or none."""
    for p, provider in providers(ctx.payload):
        for t, group in tag_groups(provider.get("tags"), "order_value"):
            found = _entry(group, "min_value")
            if found is None:
                continue
            value = numeric(found[1])
            if value is None or value < 0 or value != value.quantize(Decimal("0.01")):
                yield Violation(ppath(p, "tags", t, "list", found[0], "value"),
                                "min_value is not an amount ≥ 0 with at most 2 decimals",
                                expected="like \"300.00\"", actual=found[1])


_LINK_FIELDS: Final = (("type_value", "a URL"), ("type_validity", "an ISO 8601 duration"),
                       ("last_update", "an RFC 3339 timestamp"))


def _link_field_ok(code: str, value: Any) -> bool:
    if code == "type_value":
        return isinstance(value, str) and _URL.match(value) is not None
    if code == "type_validity":
        return is_duration(value)
    return parse_timestamp(value) is not None


@rule("RET-CAT-041", "catalog_link: type link or inline; a link gives its URL, validity and "
      "last_update, and no inline items", Severity.MAJOR,
      spec=f"{_GROCERY} [^69]-[^73]; {_DSL} TAGS_PROVIDERS_CATALOG_LINK", actions=["on_search"],
      domains=RETAIL)
def catalog_link(ctx: CheckContext) -> Iterator[Violation]:
    """A linked catalogue the buyer app cannot download (or gets twice) is a broken store."""
    for p, provider in providers(ctx.payload):
        for t, group in tag_groups(provider.get("tags"), "catalog_link"):
            found = entries(group)
            kind = found.get("type", (0, None))
            if "type" in found and not member(kind[1], {"link", "inline"}):
                yield Violation(ppath(p, "tags", t, "list", kind[0], "value"),
                                "catalog_link type is not link or inline",
                                expected=["link", "inline"], actual=kind[1])
            if kind[1] != "link":
                continue
            for code, what in _LINK_FIELDS:
                entry = found.get(code)
                if entry is None or not _link_field_ok(code, entry[1]):
                    where = ("list", entry[0], "value") if entry is not None else ("list",)
                    yield Violation(ppath(p, "tags", t, *where), f"catalog link {code} is not "
                                    f"{what}", expected=what,
                                    actual=None if entry is None else entry[1])
            if get_list(provider, "items"):
                yield Violation(ppath(p, "items"), "a linked catalogue also sends items inline",
                                expected="no items array", actual=len(provider["items"]))


# --- on_search: categories (custom menus, customisation groups, variant groups) -----------------

_CATEGORY_KINDS: Final = frozenset({"custom_menu", "custom_group", "variant_group"})


@rule("RET-CAT-042", "Provider category type is custom_menu, custom_group or variant_group",
      Severity.MAJOR, spec=f"{_FB} [^20], [^28]; {_DSL} TAGS_PROVIDER_CATEGORY_TYPE",
      actions=["on_search"], domains=RETAIL)
def category_type(ctx: CheckContext) -> Iterator[Violation]:
    """The type decides whether a category is a menu section, a customisation or a variant."""
    for pv in catalogue(ctx.payload).providers:
        for cv in pv.categories:
            for t, group in cv.tags.get("type", ()):
                found = _entry(group, "type")
                if found is not None and not member(found[1], _CATEGORY_KINDS):
                    yield Violation(ppath(pv.p, "categories", cv.c, "tags", t, "list", found[0],
                                          "value"), "category type not in enum",
                                    expected=sorted(_CATEGORY_KINDS), actual=found[1])


def _group_config(category: dict[str, Any]) -> dict[str, tuple[int, Any]]:
    for _, group in tag_groups(category.get("tags"), "config"):
        return entries(group)
    return {}


def _item_configs(item: dict[str, Any]) -> Iterator[tuple[int, dict[str, tuple[int, Any]]]]:
    """``(tag index, entries)`` of an item's ``config`` tags (per-item overrides of a group)."""
    for t, group in tag_groups(item.get("tags"), "config"):
        yield t, entries(group)


@rule("RET-CAT-043", "An item-level config override names a customisation group the item uses",
      Severity.MAJOR, spec=f"{_FB} [^52] (configuration of customization group for item, only if "
      "overridden at item level)", actions=["on_search"], domains=RETAIL)
def config_override_target(ctx: CheckContext) -> Iterator[Violation]:
    """An override for a group the item does not use changes nothing, and the real group keeps
    limits the seller meant to override."""
    for pv in catalogue(ctx.payload).providers:
        for it, t, group in pv.walked.get("config", ()):
            used = str_values(ref for _, _, ref in it.custom_group)
            target = _entry(group, "id")
            if target is None:
                yield Violation(ppath(it.p, "items", it.i, "tags", t, "list"),
                                "item config names no customisation group (id)",
                                expected=sorted(used), actual=None)
            elif not member(target[1], used):
                yield Violation(ppath(it.p, "items", it.i, "tags", t, "list", target[0], "value"),
                                "item config overrides a group the item does not use",
                                expected=sorted(used), actual=target[1])


def _int_of(value: Any) -> int | None:
    """A stringified (or JSON) non-negative integer, else None."""
    if isinstance(value, str):
        return _int_text(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    return None


@lru_cache(maxsize=4096)  # counts and bounds ("99", "0", "1") recur across items and messages
def _int_text(value: str) -> int | None:
    """:func:`_int_of` of a string (ints are immutable: one answer serves every caller)."""
    text = value.strip()
    return int(text) if _INT.match(text) else None


@rule("RET-CAT-044", "Customisation group config (and item-level overrides): min ≤ max "
      "(non-negative integers), input select or text, seq a positive integer", Severity.MAJOR,
      spec=f"{_R} on_search (F&B customisation min/max); {_FB} [^29], [^30]; {_DSL} "
      "TAGS_PROVIDER_CATEGORY_CONFIG", actions=["on_search"], domains=RETAIL)
def group_config(ctx: CheckContext) -> Iterator[Violation]:
    """min and max are how many options the buyer must and may pick; min > max is unorderable."""
    for pv in catalogue(ctx.payload).providers:
        configs: list[tuple[tuple[str | int, ...], dict[str, tuple[int, Any]]]] = []
        for cv in pv.categories:
            if cv.kind == "custom_group":
                configs += [(("categories", cv.c, "tags", t, "list"), entries(group))
                            for t, group in cv.tags.get("config", ())]
        configs += [(("items", it.i, "tags", t, "list"), entries(group))
                    for it, t, group in pv.walked.get("config", ())]
        for base, found in configs:
            for code, reason, expected in _config_problems(found):
                yield Violation(ppath(pv.p, *base, found[code][0], "value"), reason,
                                expected=expected, actual=found[code][1])


def _config_problems(found: dict[str, tuple[int, Any]]) -> Iterator[tuple[str, str, Any]]:
    """``(code, reason, expected)`` for bad entries of a config tag group."""
    bounds = {k: _int_of(found[k][1]) for k in ("min", "max") if k in found}
    for code, value in bounds.items():
        if value is None:
            yield code, f"config {code} is not a non-negative integer", "like \"1\""
    low, high = bounds.get("min"), bounds.get("max")
    if low is not None and high is not None and low > high:
        yield "max", "config max is below min", f"≥ {low}"
    if "input" in found and not member(found["input"][1], {"select", "text"}):
        yield "input", "config input is not select or text", ["select", "text"]
    if "seq" in found and not (_int_of(found["seq"][1]) or 0) > 0:
        yield "seq", "config seq is not a positive integer", "like \"1\""


@rule("RET-CAT-045", "A custom menu's display rank is a positive integer", Severity.MINOR,
      spec=f"{_FB} [^26]; {_DSL} TAGS_PROVIDER_CATEGORY_DISPLAY_RANK", actions=["on_search"],
      domains=RETAIL)
def menu_rank(ctx: CheckContext) -> Iterator[Violation]:
    """Buyer apps order menu sections by rank."""
    for pv in catalogue(ctx.payload).providers:
        for cv in pv.categories:
            for t, group in cv.tags.get("display", ()):
                found = _entry(group, "rank")
                if found is not None and not (_int_of(found[1]) or 0) > 0:
                    yield Violation(ppath(pv.p, "categories", cv.c, "tags", t, "list", found[0],
                                          "value"), "display rank is not a positive integer",
                                    expected="like \"1\"", actual=found[1])


_VARIANT_ATTR = re.compile(r"^item\.(quantity\.unitized\.measure|tags\.attribute\.[a-z_]+)$")


@rule("RET-CAT-046", "A variant group's attr names an item attribute (item.quantity.unitized."
      "measure or item.tags.attribute.<name>)", Severity.MINOR,
      spec=f"{_GROCERY} [^18]-[^20]; retail-1.2/docs/variants.md", actions=["on_search"],
      domains=RETAIL)
def variant_attr(ctx: CheckContext) -> Iterator[Violation]:
    """Buyer apps build the variant picker from these attribute paths."""
    for pv in catalogue(ctx.payload).providers:
        for cv in pv.categories:
            if cv.kind != "variant_group":
                continue
            for t, group in cv.tags.get("attr", ()):
                found = _entry(group, "name")
                if found is not None and not (isinstance(found[1], str)
                                              and _VARIANT_ATTR.match(found[1])):
                    yield Violation(ppath(pv.p, "categories", cv.c, "tags", t, "list", found[0],
                                          "value"), "variant attribute is not an item path",
                                    expected="item.quantity.unitized.measure or "
                                    "item.tags.attribute.<name>", actual=found[1])


# --- on_search: items ----------------------------------------------------------------------------

def _items(ctx: CheckContext) -> tuple[CatalogueItem, ...]:
    """Every catalogue item (:func:`catalogue`)."""
    return catalogue(ctx.payload).items


@rule("RET-CAT-047", "Item price currency is INR and maximum_value a finite number",
      Severity.MAJOR, spec=f"{_DSL} ITEMS_PRICE_CURRENCY (INR), ITEMS_PRICE_MAXIMUM_VALUE",
      actions=["on_search"], domains=RETAIL)
def item_price_shape(ctx: CheckContext) -> Iterator[Violation]:
    """maximum_value is the MRP shown struck through; junk there is a false discount."""
    for it in _items(ctx):
        price = it.price
        if "currency" in price and price["currency"] != "INR":
            yield Violation(ppath(it.p, "items", it.i, "price", "currency"), "currency is not INR",
                            expected="INR", actual=price["currency"])
        if "maximum_value" in price and it.maximum is None:
            yield Violation(ppath(it.p, "items", it.i, "price", "maximum_value"),
                            "maximum_value is not a number", expected="like \"265.00\"",
                            actual=price["maximum_value"])


@rule("RET-CAT-048", "An item without customisation groups is priced above 0", Severity.MAJOR,
      spec=f"{_R} on_search (item price > 0); {_FB} [^37] (0 only for a base item with "
      "customisations)", actions=["on_search"], domains=RETAIL)
def item_price_positive(ctx: CheckContext) -> Iterator[Violation]:
    """A plain item at 0.00 is given away; only a base item priced through its customisations
    (and customisations themselves) may be 0."""
    for it in _items(ctx):
        if it.value is None or it.value != 0 or it.kind == "customization" or it.custom_group:
            continue
        yield Violation(ppath(it.p, "items", it.i, "price", "value"),
                        f"item {it.item.get('id')!r} is priced 0 with no customisations",
                        expected="> 0", actual=it.price["value"])


#: Price tag groups: ``code → (lower key, upper key)``.
_PRICE_RANGES: Final = {"range": ("lower", "upper"),
                        "default_selection": ("value", "maximum_value")}


@rule("RET-CAT-049", "Item price range has lower ≤ upper, and default_selection value ≤ its "
      "maximum_value", Severity.MAJOR, spec=f"{_FB} [^38]-[^40]; {_DSL} ITEMS_PRICE_TAGS",
      actions=["on_search"], domains=RETAIL)
def price_tags(ctx: CheckContext) -> Iterator[Violation]:
    """The listing shows "from lower to upper"; an inverted or junk range misprices the item."""
    for it in _items(ctx):
        if "tags" not in it.price:
            continue
        p, i = it.p, it.i
        for t, group in items_of(it.price["tags"]):
            low_key, high_key = _PRICE_RANGES.get(str(group.get("code")), ("", ""))
            if not low_key:
                continue
            found = entries(group)
            values: dict[str, Decimal] = {}
            for key in (low_key, high_key):
                if key in found:
                    number = numeric(found[key][1])
                    if number is None or number < 0:
                        yield Violation(ppath(p, "items", i, "price", "tags", t, "list",
                                              found[key][0], "value"),
                                        f"{group['code']} {key} is not an amount",
                                        expected="like \"269.00\"", actual=found[key][1])
                    else:
                        values[key] = number
            if len(values) == 2 and values[low_key] > values[high_key]:
                yield Violation(ppath(p, "items", i, "price", "tags", t, "list",
                                      found[high_key][0], "value"),
                                f"{group['code']} {high_key} is below {low_key}",
                                expected=f"≥ {found[low_key][1]}", actual=found[high_key][1])


_CENT: Final = Decimal("0.01")


@rule("RET-CAT-050", "Catalogue item amounts have at most 2 decimal places", Severity.MINOR,
      spec=f"{_FB} [^39], [^40] (up to 2 decimal places)", actions=["on_search"], domains=RETAIL)
def two_decimals(ctx: CheckContext) -> Iterator[Violation]:
    """Rupees have paise; a third decimal cannot be charged and breaks quote arithmetic."""
    for it in _items(ctx):
        if it.value is None and it.maximum is None:
            continue
        for key, number in (("value", it.value), ("maximum_value", it.maximum)):
            if number is not None and number != number.quantize(_CENT):
                yield Violation(ppath(it.p, "items", it.i, "price", key),
                                "amount has more than 2 decimals", expected="like \"265.00\"",
                                actual=it.price[key])


def _count_of(quantity: dict[str, Any], key: str) -> Any:
    """``quantity[key].count`` (``get(item, "quantity", key, "count")`` for the quantity)."""
    found = quantity.get(key)
    return found.get("count", MISSING) if isinstance(found, dict) else MISSING


@rule("RET-CAT-051", "Item quantity counts are stringified integers: available ≥ 0, maximum "
      "(the cap per order) ≥ 1", Severity.MAJOR,
      spec=f"{_R} on_search (quantity maximum 99 or positive cap); {_GROCERY} [^27], [^28]",
      actions=["on_search"], domains=RETAIL)
def quantity_counts(ctx: CheckContext) -> Iterator[Violation]:
    """available 0/99 says out of/in stock; maximum caps the order; "many" says neither.  An
    out-of-stock item (available 0) may give maximum 0 too (a common, harmless convention)."""
    for it in _items(ctx):
        quantity = it.item.get("quantity")
        if not isinstance(quantity, dict):
            continue
        available = _count_of(quantity, "available")
        number = None if available is MISSING else _int_of(available)
        if available is not MISSING and number is None:
            yield _bad_count(it, "available", False, available)
        maximum = _count_of(quantity, "maximum")
        if maximum is MISSING:
            continue
        positive = number != 0  # an out-of-stock item may give maximum 0
        most = _int_of(maximum)
        if most is None or (positive and most == 0):
            yield _bad_count(it, "maximum", positive, maximum)


def _bad_count(it: CatalogueItem, key: str, positive: bool, value: Any) -> Violation:
    """RET-CAT-051's finding for ``quantity[key].count`` (built only for a bad count)."""
    return Violation(ppath(it.p, "items", it.i, "quantity", key, "count"),
                     f"{key} count is not a{' positive' if positive else ''} integer",
                     expected="like \"99\"", actual=value)


_UNITS: Final = frozenset({"unit", "dozen", "gram", "kilogram", "tonne", "litre", "millilitre"})


@rule("RET-CAT-052", "Item unitized measure has a unit from the enum and a positive value",
      Severity.MAJOR, spec=f"retail-1.2/enums/measure.yaml; {_DSL} "
      f"ITEMS_QUANTITY_UNITIZED_MEASURE_UNIT/VALUE; {_GROCERY} [^26]", actions=["on_search"],
      domains=RETAIL)
def unitized_measure(ctx: CheckContext) -> Iterator[Violation]:
    """"1 kilogram" is the pack size the buyer pays for; "kg" or "0" misstates it."""
    for it in _items(ctx):
        p, i, item = it.p, it.i, it.item
        quantity = item.get("quantity")
        unitized = quantity.get("unitized") if isinstance(quantity, dict) else None
        measure = unitized.get("measure") if isinstance(unitized, dict) else None
        if not isinstance(measure, dict):
            continue
        if "unit" in measure and not member(measure["unit"], _UNITS):
            yield Violation(ppath(p, "items", i, "quantity", "unitized", "measure", "unit"),
                            "unit not in enum", expected=sorted(_UNITS), actual=measure["unit"])
        if "value" in measure:
            number = numeric(measure["value"])
            if number is None or number <= 0:
                yield Violation(ppath(p, "items", i, "quantity", "unitized", "measure", "value"),
                                "measure value is not a positive number", expected="like \"1\"",
                                actual=measure["value"])


#: descriptor.code "type:code" (notes [^24]): 1 EAN, 2 ISBN, 3 GTIN, 4 HSN, 5 UPC/others,
#: 6 others.  EAN accepts the GTIN family lengths (EAN-8, UPC-A 12, EAN-13, GTIN-14).
_CODE_FORMATS: Final = {"1": re.compile(r"^(\d{8}|\d{12}|\d{13}|\d{14})$"),
                        "2": re.compile(r"^(\d{9}[\dX]|\d{13})$"),
                        "3": re.compile(r"^(\d{8}|\d{12}|\d{13}|\d{14})$"),
                        "4": re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{8})$"),
                        "5": re.compile(r"^\S+$"), "6": re.compile(r"^\S+$")}
_CODE_NAMES: Final = {"1": "EAN", "2": "ISBN", "3": "GTIN", "4": "HSN"}


@rule("RET-CAT-053", "Item descriptor.code is \"<type>:<code>\" with a valid EAN/ISBN/GTIN/HSN",
      Severity.MAJOR, spec=f"{_R} on_search (EAN/HSN/GTIN formats); {_GROCERY} [^24] (type 1 "
      "EAN, 2 ISBN, 3 GTIN, 4 HSN, 5 UPC, 6 others)", actions=["on_search"], domains=RETAIL)
def item_code(ctx: CheckContext) -> Iterator[Violation]:
    """Buyer apps match products across sellers by these codes."""
    for it in _items(ctx):
        p, i, item = it.p, it.i, it.item
        descriptor = item.get("descriptor")
        if not isinstance(descriptor, dict) or "code" not in descriptor:
            continue
        code = descriptor["code"]
        kind, _, value = code.partition(":") if isinstance(code, str) else ("", "", "")
        pattern = _CODE_FORMATS.get(kind)
        if pattern is None or not pattern.match(value):
            what = _CODE_NAMES.get(kind, "code")
            yield Violation(ppath(p, "items", i, "descriptor", "code"),
                            f"descriptor.code is not a valid {what} as \"type:code\"",
                            expected="like \"1:8901725180003\"", actual=code)


_FLAGS: Final = ("@ondc/org/returnable", "@ondc/org/cancellable",
                 "@ondc/org/seller_pickup_return", "@ondc/org/available_on_cod")


@rule("RET-CAT-054", "@ondc/org/returnable, cancellable, seller_pickup_return and "
      "available_on_cod are booleans", Severity.MAJOR,
      spec=f"{_GROCERY} [^30]-[^32]; Retail 1.2 build.yaml Item (boolean)", actions=["on_search"],
      domains=RETAIL)
def item_flags(ctx: CheckContext) -> Iterator[Violation]:
    """"false" as a string is true in most buyer apps: a non-returnable item becomes returnable."""
    for it in _items(ctx):
        p, i, item = it.p, it.i, it.item
        for key in _FLAGS:
            if key in item and not isinstance(item[key], bool):
                yield Violation(ppath(p, "items", i, key), f"{key} is not a JSON boolean",
                                expected="true or false", actual=item[key])


@rule("RET-CAT-055", "@ondc/org/time_to_ship and return_window are ISO 8601 durations",
      Severity.MAJOR, spec=f"{_GROCERY} (time_to_ship, return_window); {_DSL} items",
      actions=["on_search"], domains=RETAIL)
def item_durations(ctx: CheckContext) -> Iterator[Violation]:
    """time_to_ship bounds the delivery promise (TAT); return_window bounds returns."""
    for it in _items(ctx):
        p, i, item = it.p, it.i, it.item
        for key in ("@ondc/org/time_to_ship", "@ondc/org/return_window"):
            if key in item and not is_duration(item[key]):
                yield Violation(ppath(p, "items", i, key), f"{key} is not an ISO 8601 duration",
                                expected="like \"PT45M\"", actual=item[key])


def _consumer_care_ok(text: str) -> bool:
    """``text`` is "name,email,phone"."""
    parts = [x.strip() for x in text.split(",")]
    return bool(len(parts) == 3 and parts[0] and _EMAIL.match(parts[1]) and re.fullmatch(
        r"\+?\d{8,13}", parts[2].replace(" ", "").replace("-", "")))


@rule("RET-CAT-056", "Consumer care contact is \"name,email,phone\"", Severity.MINOR,
      spec=f"{_GROCERY} [^33] (valid contact details exactly in this format - name, email, "
      "contact no)", actions=["on_search"], domains=RETAIL)
def consumer_care(ctx: CheckContext) -> Iterator[Violation]:
    """Consumer care is a legal requirement; buyer apps split it on commas to display it."""
    key = "@ondc/org/contact_details_consumer_care"
    checked: dict[str, bool] = {}  # a catalogue repeats one contact on every item
    for it in _items(ctx):
        p, i, item = it.p, it.i, it.item
        if key not in item:
            continue
        value = item[key]
        if not isinstance(value, str):
            ok = False
        elif value in checked:
            ok = checked[value]
        else:
            ok = checked[value] = _consumer_care_ok(value)
        if not ok:
            yield Violation(ppath(p, "items", i, key), "consumer care is not name,email,phone",
                            expected="like \"Store,care@store.example,18004254444\"",
                            actual=item[key])


_ITEM_KINDS: Final = frozenset({"item", "dynamic_item", "customization"})


@rule("RET-CAT-057", "Item type tag is item, dynamic_item or customization", Severity.MAJOR,
      spec=f"{_FB} [^49], [^55]; {_DSL} ITEMS_TAGS_TYPE", actions=["on_search"], domains=RETAIL)
def item_type(ctx: CheckContext) -> Iterator[Violation]:
    """Customisations are listed as items; only the type tells the buyer app which is which."""
    for pv in catalogue(ctx.payload).providers:
        for it, t, group in pv.walked.get("type", ()):
            found = _entry(group, "type")
            if found is not None and not member(found[1], _ITEM_KINDS):
                yield Violation(_tag_path(pv.p, it.i, t, found[0]),
                                "item type not in enum", expected=sorted(_ITEM_KINDS),
                                actual=found[1])


_CATEGORY_CODE = re.compile(r"^RET\d[0-9A-D]-[0-9A-F]{4}$")


def _category_codes() -> frozenset[str]:
    """The codes of retail-1.2/enums/category.yaml (RET10-1000 … RET10-105F), as data."""
    return frozenset(f"RET10-{n:04X}" for n in range(0x1000, 0x1060))


CATEGORY_CODES: Final = _category_codes()


@rule("RET-CAT-058", "An item category_id in code form (RETxx-NNNN) is a code of the domain's "
      "category enum", Severity.MAJOR, spec="retail-1.2/enums/category.yaml (category_ids)",
      actions=["on_search"], domains=RETAIL)
def category_code(ctx: CheckContext) -> Iterator[Violation]:
    """A code from another domain, or not in the enum, files the item under no category.

    Category names ("Atta, Flours and Sooji", "F&B") are the 1.2 convention and are not checked;
    only values written as enum codes are.
    """
    domain = ctx.message.domain.removeprefix("ONDC:")
    for it in _items(ctx):
        p, i, item = it.p, it.i, it.item
        value = item.get("category_id")
        if not (isinstance(value, str) and _CATEGORY_CODE.match(value)):
            continue
        known = value in CATEGORY_CODES if value.startswith("RET10-") else False
        if not value.startswith(f"{domain}-") or (domain == "RET10" and not known):
            yield Violation(ppath(p, "items", i, "category_id"),
                            f"category code {value!r} is not a {domain} category",
                            expected=f"a {domain}-… code of enums/category.yaml", actual=value)


def _ids_of_kind(pv: CatalogueProvider, kind: str) -> set[str]:
    """The ids of the provider's categories of this type (custom_menu, variant_group …)."""
    return {cv.category["id"] for cv in pv.categories
            if cv.kind == kind and isinstance(cv.category.get("id"), str)}


@rule("RET-CAT-059", "Item category_ids are \"<custom menu id>:<sequence>\" naming a custom_menu",
      Severity.MINOR, spec=f"{_FB} [^42] (custom menu item id:display sequence)",
      actions=["on_search"], domains=RETAIL)
def menu_refs(ctx: CheckContext) -> Iterator[Violation]:
    """The menu placement of the item; a dangling id drops it from the menu."""
    for pv in catalogue(ctx.payload).providers:
        if not get_list(pv.provider, "categories"):
            continue  # incremental refresh: menus are not resent
        menus = _ids_of_kind(pv, "custom_menu")
        for it in pv.items:
            refs = it.item.get("category_ids")
            if not isinstance(refs, list):
                continue
            for k, ref in enumerate(refs):
                menu, sep, seq = ref.partition(":") if isinstance(ref, str) else ("", "", "")
                if not sep or menu not in menus or _int_of(seq) is None:
                    yield Violation(ppath(pv.p, "items", it.i, "category_ids", k),
                                    "not <custom menu id>:<sequence> of a custom_menu",
                                    expected=[f"{m}:<n>" for m in sorted(menus)], actual=ref)


@rule("RET-CAT-082", "An item (type item) of a provider with custom menus names its menu in "
      "category_ids", Severity.MINOR, spec=f"{_FB} [^42] (item assigned to custom menu: "
      f"\"custom menu item id:display sequence\"); {_DSL} ITEMS_CATEGORY_IDS (full catalogue)",
      actions=["on_search"], domains=RETAIL)
def menu_placement(ctx: CheckContext) -> Iterator[Violation]:
    """A dish outside every menu of a menu-driven store is left out of the menu the buyer app
    shows.  Customisations (type customization) and untyped 1.2.0 items are not checked;
    an incremental refresh resends items without their menus."""
    if not _is_full(ctx):
        return
    for pv in catalogue(ctx.payload).providers:
        menus = _ids_of_kind(pv, "custom_menu")
        if not menus:
            continue
        for it in pv.items:
            if it.kind == "item" and not get_list(it.item, "category_ids"):
                yield Violation(ppath(pv.p, "items", it.i), f"item {it.item.get('id')!r} is in "
                                "no custom menu (no category_ids)",
                                expected=[f"{m}:<n>" for m in sorted(menus)][:5],
                                actual=it.item.get("category_ids"))


@rule("RET-CAT-060", "An item's parent_item_id names a variant_group category of its provider",
      Severity.MINOR, spec=f"{_GROCERY} [^23] (matches id for variant_group definition); "
      "retail-1.2/docs/variants.md", actions=["on_search"], domains=RETAIL)
def variant_parent(ctx: CheckContext) -> Iterator[Violation]:
    """Variants are grouped for display by this id; a dangling one shows a lone SKU."""
    for pv in catalogue(ctx.payload).providers:
        if not get_list(pv.provider, "categories"):
            continue
        groups = _ids_of_kind(pv, "variant_group")
        for it in pv.items:
            parent = it.item.get("parent_item_id", MISSING)
            if parent in (MISSING, None, "") or it.kind == "customization":
                continue
            if not member(parent, groups):
                other = member(parent, str_values(cv.category.get("id") for cv in pv.categories))
                yield Violation(ppath(pv.p, "items", it.i, "parent_item_id"),
                                "parent_item_id names a category whose type tag is not "
                                "variant_group" if other else
                                "parent_item_id is not a variant_group of this provider",
                                expected=sorted(groups), actual=parent)


def _attribute_present(it: CatalogueItem, path: str) -> bool:
    if path == "item.quantity.unitized.measure":
        return isinstance(get(it.item, "quantity", "unitized", "measure"), dict)
    name = path.rsplit(".", 1)[-1]
    return tag_value(it.item.get("tags"), "attribute", name) is not MISSING


@rule("RET-CAT-061", "Items of a variant group carry every attribute the group varies by",
      Severity.MINOR, spec=f"{_GROCERY} [^18]-[^20]; retail-1.2/docs/variants.md",
      actions=["on_search"], domains=RETAIL)
def variant_attributes(ctx: CheckContext) -> Iterator[Violation]:
    """A variant without the varying attribute (size, colour) cannot be picked."""
    for pv in catalogue(ctx.payload).providers:
        attrs: dict[str, list[str]] = {}
        for cv in pv.categories:
            if cv.kind == "variant_group" and isinstance(cv.category.get("id"), str):
                names = [str(entries(g)["name"][1]) for _, g in cv.tags.get("attr", ())
                         if "name" in entries(g)]
                attrs[cv.category["id"]] = [n for n in names if _VARIANT_ATTR.match(n)]
        if not attrs:
            continue
        for it in pv.items:
            parent = it.item.get("parent_item_id")
            for path in attrs.get(parent, []) if isinstance(parent, str) else []:
                if not _attribute_present(it, path):
                    yield Violation(ppath(pv.p, "items", it.i), f"variant of {parent!r} lacks "
                                    f"{path}", expected=path, actual=None)


_VEG_CODES: Final = frozenset({"veg", "non_veg", "egg"})
_YES_NO: Final = frozenset({"yes", "no"})


@rule("RET-CAT-062", "veg_nonveg tag codes are veg, non_veg or egg with values yes or no",
      Severity.MAJOR, spec=f"{_FB} [^54], [^60]; {_DSL} TAGS_VEG_NONVEG", actions=["on_search"],
      domains=RETAIL)
def veg_nonveg(ctx: CheckContext) -> Iterator[Violation]:
    """The green/brown dot is a legal food marking; a wrong code shows no marking."""
    for pv in catalogue(ctx.payload).providers:
        for it, t, group in pv.walked.get("veg_nonveg", ()):
            values = group.get("list")
            if not isinstance(values, list):
                continue
            for e, entry in enumerate(values):
                if not isinstance(entry, dict):
                    continue
                code, value = entry.get("code"), entry.get("value")
                if (type(code) is str and code in _VEG_CODES
                        and type(value) is str and value in _YES_NO):
                    continue  # the usual entry: no further test
                if not member(code, _VEG_CODES):
                    yield Violation(f"{ppath(it.p, 'items', it.i, 'tags', t, 'list', e)}.code",
                                    "veg_nonveg code not in enum",
                                    expected=sorted(_VEG_CODES), actual=code)
                elif not member(value, _YES_NO):
                    yield Violation(f"{ppath(it.p, 'items', it.i, 'tags', t, 'list', e)}.value",
                                    "veg_nonveg value is not yes or no", expected=["yes", "no"],
                                    actual=value)


_ALPHA3 = re.compile(r"[A-Z]{3}")


@rule("RET-CAT-063", "Item origin country is an ISO 3166-1 alpha-3 code", Severity.MINOR,
      spec=f"{_GROCERY} [^36], [^37] (ISO 3166-1 alpha-3 code); {_DSL} ITEMS_TAGS_ORIGIN",
      actions=["on_search"], domains=RETAIL)
def origin_country(ctx: CheckContext) -> Iterator[Violation]:
    """Country of origin is a legal label for packaged goods; "India" is not the code."""
    for pv in catalogue(ctx.payload).providers:
        for it, t, group in pv.walked.get("origin", ()):
            found = _entry(group, "country")
            if found is not None and not (isinstance(found[1], str)
                                          and _ALPHA3.fullmatch(found[1])):
                yield Violation(_tag_path(pv.p, it.i, t, found[0]),
                                "origin country is not an alpha-3 code", expected="like \"IND\"",
                                actual=found[1])


# --- on_search: customisations -------------------------------------------------------------------

def _refs_of(*refs: tuple[TagRef, ...]) -> tuple[TagRef, ...]:
    """The references of several tag codes of an item in turn (``CatalogueItem.custom_group``,
    ``.parents``, ``.child``); no new tuple for an item without references."""
    found = [r for r in refs if r]
    if not found:
        return ()
    return found[0] if len(found) == 1 else tuple(ref for r in found for ref in r)


def custom_groups(provider: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``id → category`` of the provider's custom_group categories."""
    return {c["id"]: c for _, c in items_of(provider, "categories")
            if category_kind(c) == "custom_group" and isinstance(c.get("id"), str)}


def parent_group(item: dict[str, Any]) -> Any:
    """The customisation group a customisation belongs to (``tags[parent].id``)."""
    return tag_value(item.get("tags"), "parent", "id")


@rule("RET-CAT-064", "custom_group, parent and child tags name custom_group categories of the "
      "provider", Severity.MAJOR, spec=f"{_R} on_search (custom group refs exist); {_FB} [^50], "
      "[^51], [^56], [^59]; retail-1.2/docs/customizations.md", actions=["on_search"],
      domains=RETAIL)
def group_refs_exist(ctx: CheckContext) -> Iterator[Violation]:
    """A base item configured with an undefined group is disabled by buyer apps ([^51])."""
    if is_incremental(ctx):
        return  # categories are only sent in a full refresh
    for pv in catalogue(ctx.payload).providers:
        if not get_list(pv.provider, "categories"):
            continue  # a catalogue split across messages: the groups may come elsewhere
        known = pv.groups
        for it in pv.items:
            if not (it.custom_group or it.parents or it.child):
                continue
            for t, e, ref in _refs_of(it.custom_group, it.parents, it.child):
                if not member(ref, known):
                    yield Violation(_tag_path(pv.p, it.i, t, e),
                                    f"customisation group {ref!r} is not a custom_group category",
                                    expected=sorted(known), actual=ref)


@rule("RET-CAT-065", "Every customisation group an item uses has at least one customisation",
      Severity.MAJOR, spec=f"{_FB} [^51] (no customizations mapped to this group: the buyer NP "
      "may consider the base item invalid)", actions=["on_search"], domains=RETAIL)
def groups_have_options(ctx: CheckContext) -> Iterator[Violation]:
    """A group with no options cannot be chosen from; a mandatory one makes the item unorderable."""
    for pv in catalogue(ctx.payload).providers:
        known = pv.groups
        if not known:
            continue  # no reference can name a group
        members = Counter(str(it.parents[0][2]) for it in pv.items if it.parents)
        for it in pv.items:
            if not (it.custom_group or it.child):
                continue
            for t, e, ref in _refs_of(it.custom_group, it.child):
                if member(ref, known) and not members[str(ref)]:
                    yield Violation(_tag_path(pv.p, it.i, t, e),
                                    f"customisation group {ref!r} has no customisations",
                                    expected="at least one item with tags parent.id = "
                                    f"{ref}", actual=0)


@rule("RET-CAT-066", "Customisation default is yes or no, only in groups with min ≥ 1, and no "
      "group has more defaults than its max", Severity.MAJOR,
      spec=f"{_FB} [^58] (default only for customization groups where min is 1); {_R} on_search "
      "(F&B default selection)", actions=["on_search"], domains=RETAIL)
def customisation_defaults(ctx: CheckContext) -> Iterator[Violation]:
    """Defaults pre-fill a group; more defaults than max is an invalid pre-filled cart."""
    for pv in catalogue(ctx.payload).providers:
        known = pv.groups
        defaults: Counter[str] = Counter()
        last: dict[str, tuple[int, int, int]] = {}  # group → (item, tag, entry) of its last default
        configs: dict[str, dict[str, tuple[int, Any]]] = {}
        for it in pv.items:
            if it.default is None:
                continue
            t, e, flag = it.default
            if not member(flag, _YES_NO):
                yield Violation(_tag_path(pv.p, it.i, t, e), "default is not yes or no",
                                expected=["yes", "no"], actual=flag)
                continue
            group = it.parent
            if flag != "yes" or not member(group, known):
                continue
            if group not in configs:
                configs[group] = _group_config(known[group])
            minimum = _int_of(configs[group].get("min", (0, None))[1])
            if minimum == 0:
                yield Violation(_tag_path(pv.p, it.i, t, e),
                                f"default in optional group {group!r} (min 0)", expected="no",
                                actual=flag)
            defaults[group] += 1
            last[group] = (it.i, t, e)
        for group, count in defaults.items():
            maximum = _int_of(configs[group].get("max", (0, None))[1])
            if maximum is not None and count > maximum:
                yield Violation(_tag_path(pv.p, *last[group]),
                                f"group {group!r} has {count} defaults, max {maximum}",
                                expected=f"≤ {maximum} defaults", actual=count)


@rule("RET-CAT-067", "Each mandatory customisation group reached by default choices has a "
      "default customisation", Severity.MAJOR,
      spec=f"{_R} on_search (F&B default selection present); {_FB} [^37], [^50], [^58]",
      actions=["on_search"], domains=RETAIL)
def default_path(ctx: CheckContext) -> Iterator[Violation]:
    """Buyer apps price the listing from the default path ([^37]); a mandatory group without a
    default on that path leaves the listed item without a price or a valid configuration."""
    for pv in catalogue(ctx.payload).providers:
        known = pv.groups
        if not known:
            continue  # no mandatory group to follow
        options: dict[str, list[CatalogueItem]] = {}
        for it in pv.items:
            group = it.parent
            if isinstance(group, str):
                options.setdefault(group, []).append(it)
        defaults: dict[str, list[CatalogueItem]] = {}  # the default options of a group
        minimums: dict[str, int | None] = {}  # a group's min without item overrides
        for it in pv.items:
            if not it.custom_group:
                continue
            # (tag index, entry index) of the base item's reference, group reached through it
            pending = [((t, e), ref) for t, e, ref in it.custom_group if member(ref, known)]
            seen: set[str] = set()
            while pending:
                (t, e), group = pending.pop(0)
                if group in seen or group not in options:
                    continue
                seen.add(group)
                if it.overrides:  # the item overrides a group's config
                    minimum = group_bounds(known[group], it.item)[0]
                else:
                    if group not in minimums:
                        minimums[group] = group_bounds(known[group])[0]
                    minimum = minimums[group]
                if group not in defaults:
                    defaults[group] = [o for o in options[group]
                                       if o.default is not None and o.default[2] == "yes"]
                chosen = defaults[group]
                if minimum and not chosen:
                    yield Violation(_tag_path(pv.p, it.i, t, e),
                                    f"mandatory group {group!r} of item {it.item.get('id')!r} "
                                    "has no default customisation", expected="one option with "
                                    "default yes", actual=None)
                for option in chosen:
                    pending += [((t, e), ref) for _, _, ref in option.child
                                if member(ref, known)]


# --- on_search: statutory declarations -----------------------------------------------------------

PACKAGED = "@ondc/org/statutory_reqs_packaged_commodities"
PREPACKAGED_FOOD = "@ondc/org/statutory_reqs_prepackaged_food"
_PACKAGED_FIELDS: Final = ("manufacturer_or_packer_name", "manufacturer_or_packer_address",
                           "common_or_generic_name_of_commodity",
                           "month_year_of_manufacture_packing_import")


@rule("RET-CAT-068", "Packaged commodity declarations name the packer, its address, the generic "
      "name and the month/year of manufacture", Severity.MAJOR,
      spec=f"{_R} on_search (statutory attributes for packaged goods, RET10/RET18); Legal "
      f"Metrology (Packaged Commodities) Rules; {_GROCERY} statutory_reqs_packaged_commodities",
      actions=["on_search"], domains=RETAIL)
def packaged_commodities(ctx: CheckContext) -> Iterator[Violation]:
    """These are the mandatory label declarations; a partial declaration is a non-compliant
    listing the buyer app must not show."""
    for it in _items(ctx):
        p, i, item = it.p, it.i, it.item
        if PACKAGED not in item:
            continue
        declared = item[PACKAGED]
        if not isinstance(declared, dict):
            yield Violation(ppath(p, "items", i, PACKAGED), "declaration is not an object",
                            expected="an object", actual=declared)
            continue
        missing = [k for k in _PACKAGED_FIELDS if _blank(declared.get(k))]
        if missing:
            yield Violation(ppath(p, "items", i, PACKAGED),
                            f"declaration lacks (or leaves blank) {', '.join(missing)}",
                            expected=list(_PACKAGED_FIELDS), actual=sorted(declared))


def _has_back_image(item: dict[str, Any]) -> bool:
    """A ``tags`` image group of type back_image (retail-1.2 on_search examples)."""
    return any(tag.get("code") == "image" and any(
        entry.get("code") == "type" and entry.get("value") == "back_image"
        for _, entry in items_of(tag, "list")) for _, tag in items_of(item, "tags"))


@rule("RET-CAT-079", "A barcoded (EAN/GTIN) Health & Wellness item gives its label details: the "
      "packaged commodity declarations or a back image", Severity.MAJOR,
      spec=f"{_R} on_search (statutory attributes for packaged goods); {_NOTES}/"
      "on_search_Health_Wellness.yaml (back image with all details; either back image or text "
      f"details need to be provided); {_GROCERY} [^24] (type 1 EAN, 3 GTIN)",
      actions=["on_search"], domains=RETAIL)
def packaged_declared(ctx: CheckContext) -> Iterator[Violation]:
    """A product with a retail barcode is a pre-packaged commodity: its Health & Wellness
    listing must carry the label details, as text or as a back image.

    Grocery (RET10) is not checked: its statutory attributes are optional (1.2.0 notes: per
    category, "only as applicable"; 1.2.5 GROCERY attributes: required false, checked by the
    official validator only when present)."""
    if ctx.message.domain != "ONDC:RET18":
        return
    for it in _items(ctx):
        p, i, item = it.p, it.i, it.item
        code = get(item, "descriptor", "code")
        barcoded = isinstance(code, str) and code.split(":", 1)[0] in ("1", "3")
        if barcoded and PACKAGED not in item and not _has_back_image(item):
            yield Violation(ppath(p, "items", i), f"packaged item {item.get('id')!r} ({code}) "
                            "has neither statutory_reqs_packaged_commodities nor a back image",
                            expected=PACKAGED, actual=None)


#: Values that say a licence does not apply (no importer, no other packer): the field is
#: optional, so these read as its absence.
_NOT_APPLICABLE: Final = frozenset({"", "na", "n/a", "n.a.", "-", "nil", "none",
                                   "not applicable"})


@rule("RET-CAT-069", "Prepackaged food declarations give 14-digit FSSAI licence numbers (NA "
      "where a licence does not apply)", Severity.MAJOR,
      spec=f"{_R} on_search (statutory attributes, RET10/RET18); {_GROCERY} "
      "statutory_reqs_prepackaged_food (every field required: false); FSSAI licence numbers "
      "are 14 digits", actions=["on_search"], domains=RETAIL)
def prepackaged_food(ctx: CheckContext) -> Iterator[Violation]:
    """A licence number that is not 14 digits is not a licence.

    Nutrition and additives information are optional in the 1.2.5 attributes (``required:
    false``; the official validator checks them only when present), so their absence is not
    reported; nor is a licence field left ``NA`` (an importer licence for a product that is not
    imported)."""
    for it in _items(ctx):
        p, i, item = it.p, it.i, it.item
        declared = item.get(PREPACKAGED_FOOD, MISSING)
        if declared is MISSING:
            continue
        if not isinstance(declared, dict):
            yield Violation(ppath(p, "items", i, PREPACKAGED_FOOD), "declaration is not an object",
                            expected="an object", actual=declared)
            continue
        for key, value in declared.items():
            if isinstance(value, str) and value.strip().lower() in _NOT_APPLICABLE:
                continue
            if key.endswith("FSSAI_license_no") and not (isinstance(value, str)
                                                         and re.fullmatch(r"\d{14}", value)):
                yield Violation(ppath(p, "items", i, PREPACKAGED_FOOD, key),
                                f"{key} is not 14 digits", expected="14 digits", actual=value)


# --- on_search: offers ----------------------------------------------------------------------------

#: Offer codes: 1.2.5 validator (OFFERS_DESCRIPTOR_CODE); 1.2.0 enums/offers.yaml (Disc_Pct,
#: Disc_Amt, BuyXGetY, Freebie), which 1.2.0 logs write in any case ("disc_pct").
OFFER_CODES: Final[dict[str, frozenset[str]]] = {
    "1.2.5": frozenset({"discount", "buyXgetY", "freebie", "slab", "combo", "delivery"}),
    "1.2.0": frozenset({"discount", "buyxgety", "freebie", "slab", "combo", "delivery",
                        "disc_pct", "disc_amt"}),
}


def _offers(ctx: CheckContext) -> Iterator[tuple[int, int, dict[str, Any]]]:
    for p, provider in providers(ctx.payload):
        for o, offer in items_of(provider, "offers"):
            yield p, o, offer


@rule("RET-CAT-070", "Offers have an id unique within their provider", Severity.MAJOR,
      spec=f"{_R} on_search (offers well-formed); retail-1.2/docs/offers.md (offer id - unique "
      f"offer code from provider); {_DSL} OFFERS_ID", actions=["on_search"], domains=RETAIL)
def offer_ids(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer applies an offer by its id in select; an id-less or repeated one is unusable."""
    for p, provider in providers(ctx.payload):
        seen: set[str] = set()
        for o, offer in items_of(provider, "offers"):
            oid = offer.get("id")
            if _blank(oid):
                yield Violation(ppath(p, "offers", o, "id"), "offer has no id",
                                expected="a unique offer id", actual=oid)
            elif oid in seen:
                yield Violation(ppath(p, "offers", o, "id"), f"offer id {oid!r} repeats",
                                expected="a unique offer id", actual=oid)
            if isinstance(oid, str):
                seen.add(oid)


@rule("RET-CAT-071", "Offer descriptor code is an offer type of the core_version", Severity.MAJOR,
      spec=f"{_DSL} OFFERS_DESCRIPTOR_CODE (1.2.5); retail-1.2/enums/offers.yaml (1.2.0)",
      actions=["on_search"], domains=RETAIL)
def offer_code(ctx: CheckContext) -> Iterator[Violation]:
    """The code is the template the buyer app renders and applies the offer with."""
    version = ctx.message.version if ctx.message.version in OFFER_CODES else "1.2.5"
    allowed = OFFER_CODES[version]
    for p, o, offer in _offers(ctx):
        code = get(offer, "descriptor", "code")
        if code is MISSING:
            continue
        text = code.lower() if isinstance(code, str) and version == "1.2.0" else code
        if not member(text, allowed):
            yield Violation(ppath(p, "offers", o, "descriptor", "code"),
                            "offer code not in enum", expected=sorted(allowed), actual=code)


@rule("RET-CAT-072", "Offer location_ids, item_ids and category_ids refer to the provider's "
      "locations, items and categories", Severity.MAJOR,
      spec="retail-1.2/docs/full_catalog_refresh.md (applicability: locations, categories, "
      f"items); {_DSL} OFFERS_LOCATION_IDS, OFFERS_ITEM_IDS", actions=["on_search"],
      domains=RETAIL)
def offer_refs(ctx: CheckContext) -> Iterator[Violation]:
    """An offer for an unknown item applies to nothing, or to whatever the buyer app guesses."""
    for p, provider in providers(ctx.payload):
        if not get_list(provider, "offers"):
            continue  # no offer to check: skip gathering the provider's ids
        pools = {"location_ids": str_values(x.get("id") for _, x in items_of(provider,
                                                                           "locations")),
                 "item_ids": str_values(x.get("id") for _, x in items_of(provider, "items")),
                 "category_ids": str_values(x.get("id") for _, x in items_of(provider,
                                                                           "categories"))}
        pools["category_ids"] |= str_values(x.get("category_id") for _, x in items_of(
            provider, "items"))
        for o, offer in items_of(provider, "offers"):
            for key, known in pools.items():
                if not known:
                    continue
                for k, ref in enumerate(get_list(offer, key)):
                    if not member(ref, known):
                        yield Violation(ppath(p, "offers", o, key, k),
                                        f"{key[:-4]} {ref!r} is not in this provider",
                                        expected=sorted(known)[:20], actual=ref)


@rule("RET-CAT-073", "Offer validity range starts before it ends", Severity.MINOR,
      spec=f"retail-1.2/docs/full_catalog_refresh.md (time validity); {_DSL} "
      "OFFERS_TIME_RANGE_START/END", actions=["on_search"], domains=RETAIL)
def offer_validity(ctx: CheckContext) -> Iterator[Violation]:
    """An offer that ends before it starts is never valid."""
    for p, o, offer in _offers(ctx):
        timerange = get_dict(offer, "time", "range")
        for key in ("start", "end"):
            if key in timerange and parse_timestamp(timerange[key]) is None:
                yield Violation(ppath(p, "offers", o, "time", "range", key),
                                f"offer {key} is not an RFC 3339 timestamp",
                                expected="like 2025-01-01T00:00:00.000Z", actual=timerange[key])
        start, end = (parse_timestamp(timerange.get(k)) for k in ("start", "end"))
        if start is not None and end is not None and end <= start:
            yield Violation(ppath(p, "offers", o, "time", "range", "end"),
                            "offer ends before it starts", expected=f"> {timerange['start']}",
                            actual=timerange["end"])


def _benefit_problems(found: dict[str, tuple[int, Any]]) -> Iterator[tuple[str, str, Any]]:
    """``(code, reason, value)`` for bad benefit entries (offers.md template)."""
    kind = found.get("value_type", (0, None))[1]
    if "value_type" in found and not member(kind, {"percent", "amount"}):
        yield "value_type", "benefit value_type is not percent or amount", kind
    for code in ("value", "value_cap"):
        if code not in found:
            continue
        number = numeric(found[code][1])
        if number is None or number > 0:
            yield code, f"benefit {code} is not a discount (a number ≤ 0)", found[code][1]
        elif code == "value" and kind == "percent" and number < -100:
            yield code, "benefit percent is beyond 100", found[code][1]
    for code in ("item_count",):
        if code in found and not (_int_of(found[code][1]) or 0) > 0:
            yield code, "benefit item_count is not a positive integer", found[code][1]
    if "item_value" in found:
        number = numeric(found["item_value"][1])
        if number is None or number < 0:
            yield "item_value", "benefit item_value is not an amount ≥ 0", found["item_value"][1]


@rule("RET-CAT-074", "Offer benefit: value_type percent or amount, value and value_cap ≤ 0 "
      "(percent within 100), counts positive, item_value ≥ 0", Severity.MAJOR,
      spec=f"{_R} on_search (offers well-formed); retail-1.2/docs/offers.md (offer template); "
      f"{_DSL} TAGS_BENEFIT", actions=["on_search"], domains=RETAIL)
def offer_benefit(ctx: CheckContext) -> Iterator[Violation]:
    """The benefit is computed into the quote; a positive "discount" raises the price."""
    for p, o, offer in _offers(ctx):
        for t, group in tag_groups(offer.get("tags"), "benefit"):
            found = entries(group)
            for code, reason, value in _benefit_problems(found):
                yield Violation(ppath(p, "offers", o, "tags", t, "list", found[code][0], "value"),
                                reason, expected="offers.md template values", actual=value)


@rule("RET-CAT-075", "Offer qualifier: min_value an amount ≥ 0, item_count a positive integer",
      Severity.MAJOR, spec=f"retail-1.2/docs/offers.md (cart variables); {_DSL} TAGS_QUALIFIER",
      actions=["on_search"], domains=RETAIL)
def offer_qualifier(ctx: CheckContext) -> Iterator[Violation]:
    """The qualifier decides when the offer applies; junk applies it always or never."""
    for p, o, offer in _offers(ctx):
        for t, group in tag_groups(offer.get("tags"), "qualifier"):
            found = entries(group)
            if "min_value" in found:
                number = numeric(found["min_value"][1])
                if number is None or number < 0:
                    yield Violation(ppath(p, "offers", o, "tags", t, "list",
                                          found["min_value"][0], "value"),
                                    "qualifier min_value is not an amount ≥ 0",
                                    expected="like \"159.00\"", actual=found["min_value"][1])
            if "item_count" in found and not (_int_of(found["item_count"][1]) or 0) > 0:
                yield Violation(ppath(p, "offers", o, "tags", t, "list", found["item_count"][0],
                                      "value"), "qualifier item_count is not a positive integer",
                                expected="like \"2\"", actual=found["item_count"][1])


# --- incremental refresh -------------------------------------------------------------------------

@shared
def _full_catalogue(ctx: CheckContext) -> dict[str, set[str]] | None:
    """Provider id → location ids of the full on_search messages earlier in the flow (shared:
    RET-CAT-076 and 077 ask, and it reads every earlier on_search)."""
    found: dict[str, set[str]] | None = None
    before = earlier(ctx)
    for index, message in enumerate(before):
        if message.action != "on_search" or _incremental(
                CheckContext(message, FlowHistory(before[:index]))):
            continue
        found = found if found is not None else {}
        for _, provider in providers(message.payload):
            if isinstance(provider.get("id"), str):
                found.setdefault(provider["id"], set()).update(str_values(
                    loc.get("id") for _, loc in items_of(provider, "locations")))
    return found


@rule("RET-CAT-076", "An incremental refresh names only providers of the full catalogue",
      Severity.MAJOR, spec=f"{_R} search_inc/on_search_inc (provider known from on_search); "
      f"{_INC_DOC} (no new provider(s) / location(s) will be a part of incremental refresh)",
      actions=["on_search"], domains=RETAIL)
def inc_provider_known(ctx: CheckContext) -> Iterator[Violation]:
    """Buyer apps apply changes to cached providers; an unknown one has nothing to apply to."""
    if not is_incremental(ctx):
        return
    full = _full_catalogue(ctx)
    if not full:
        return
    for p, provider in providers(ctx.payload):
        if "id" in provider and not member(provider["id"], full):
            yield Violation(ppath(p, "id"), "provider is not in the full catalogue",
                            expected=sorted(full), actual=provider["id"])


@rule("RET-CAT-077", "An incremental refresh names only locations of the full catalogue",
      Severity.MAJOR, spec=f"{_R} search_inc/on_search_inc (locations known from on_search); "
      f"{_INC_DOC}", actions=["on_search"], domains=RETAIL)
def inc_location_known(ctx: CheckContext) -> Iterator[Violation]:
    """A store closure for a store the buyer app never saw closes nothing."""
    if not is_incremental(ctx):
        return
    full = _full_catalogue(ctx)
    if not full:
        return
    for p, provider in providers(ctx.payload):
        pid = provider.get("id")
        known = full.get(pid) if isinstance(pid, str) else None
        if not known:
            continue
        for i, location in items_of(provider, "locations"):
            if "id" in location and not member(location["id"], known):
                yield Violation(ppath(p, "locations", i, "id"),
                                "location is not in the full catalogue", expected=sorted(known),
                                actual=location["id"])


@rule("RET-CAT-078", "An incremental refresh carries no categories (menus, customisation and "
      "variant groups change only in a full refresh)", Severity.MINOR,
      spec=f"{_INC_DOC} (disabling & enabling of customization groups, custom menu, variants will "
      "be through the full catalog refresh)", actions=["on_search"], domains=RETAIL)
def inc_no_categories(ctx: CheckContext) -> Iterator[Violation]:
    """Buyer apps do not merge category changes from incremental pushes; they are lost."""
    if not is_incremental(ctx):
        return
    for p, provider in providers(ctx.payload):
        if get_list(provider, "categories"):
            yield Violation(ppath(p, "categories"), "an incremental refresh sends categories",
                            expected="no categories", actual=len(provider["categories"]))


@rule("RET-CAT-080", "A temporary store closure has not ended before it is announced",
      Severity.MINOR, spec=f"{_INC_DOC} (store temporarily closed for online orders); "
      "retail-1.2/notes/on_search/incremental_catalog_refresh_store_closed_temporarily.yaml",
      actions=["on_search"], domains=RETAIL)
def closure_in_future(ctx: CheckContext) -> Iterator[Violation]:
    """A closure window already over when the on_search is sent closes the store for nobody,
    and usually means a wrong date (a year off, a time zone written as Z)."""
    now = parse_timestamp(ctx.message.timestamp)
    if now is None:
        return
    for p, provider in providers(ctx.payload):
        for i, location in items_of(provider, "locations"):
            if get(location, "time", "label") != "close":
                continue
            raw = get(location, "time", "range", "end")
            end = parse_timestamp(raw)
            if end is not None and end <= now:
                yield Violation(ppath(p, "locations", i, "time", "range", "end"),
                                "the store closure is over before it is announced",
                                expected=f"> {ctx.message.timestamp}", actual=raw)


_ITEM_RECORD: Final = ("descriptor", "price", "quantity")


@rule("RET-CAT-081", "An item in an incremental refresh is its entire record (descriptor, price, "
      "quantity)", Severity.MAJOR, spec=f"{_INC_DOC} (item(s) changes - entire item record to be "
      "sent)", actions=["on_search"], domains=RETAIL)
def inc_item_record(ctx: CheckContext) -> Iterator[Violation]:
    """Buyer apps replace the cached item with what the refresh sends; a partial record wipes
    the name, price or stock it leaves out."""
    if not is_incremental(ctx):
        return
    for p, provider in providers(ctx.payload):
        for i, item in items_of(provider, "items"):
            missing = [k for k in _ITEM_RECORD if k not in item]
            if missing:
                yield Violation(ppath(p, "items", i), f"item {item.get('id')!r} is sent without "
                                f"{', '.join(missing)}", expected=list(_ITEM_RECORD),
                                actual=sorted(item))


_INC_EXAMPLES = ("retail-1.2/Examples/B2C/search/incremental_catalog_refresh_{one_time,regular}"
                 "_push.yaml and on_search/incremental_catalog_refresh_*.yaml (context.city '*')")


def _city_not_star(message: Message) -> Iterator[Violation]:
    city = message.context.get("city", MISSING)
    if city is not MISSING and city != "*":
        yield Violation(json_path("context", "city"), "an incremental catalogue refresh is "
                        "not city-specific", expected="*", actual=city)


@rule("RET-CAT-083", "A catalog_inc search (incremental refresh request) has context.city \"*\"",
      Severity.MINOR, spec=f"{_INC_DOC} (pushed to every buyer NP that asked, across cities); "
      f"{_INC_EXAMPLES}", actions=["search"], domains=RETAIL)
def inc_search_city(ctx: CheckContext) -> Iterator[Violation]:
    """Incremental refresh covers the seller's whole catalogue; a city in the request makes the
    gateway route it, and the seller answer it, as an ordinary city search."""
    if has_catalog_inc(ctx.message):
        yield from _city_not_star(ctx.message)


@rule("RET-CAT-084", "An on_search answering an incremental refresh request has context.city "
      "\"*\"", Severity.MINOR, spec=f"{_INC_DOC}; {_INC_EXAMPLES}; {_DSL} "
      "ON_SEARCH_INCREMENTAL_CATALOG (city '*' is what marks the incremental on_search)",
      actions=["on_search"], domains=RETAIL)
def inc_on_search_city(ctx: CheckContext) -> Iterator[Violation]:
    """The answer to (or a push after) a catalog_inc search: a buyer app that tells full
    catalogues from changes by city '*' (as the 1.2.5 validator does) would take a city-coded
    change set for a whole catalogue and drop every item it leaves out."""
    search = answered_request(ctx) or next(
        (m for m in reversed(earlier(ctx)) if m.action == "search"), None)
    if search is not None and has_catalog_inc(search):
        yield from _city_not_star(ctx.message)


# --- the catalogue as the request rules read it --------------------------------------------------

@dataclass
class ProviderView:
    """What earlier on_search messages said about one provider (later messages win)."""

    id: str
    enabled: bool = True
    locations: dict[str, dict[str, Any]] = field(default_factory=dict)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)
    fulfillments: dict[str, dict[str, Any]] = field(default_factory=dict)


def catalogue_of(messages: Iterable[Message]) -> dict[str, ProviderView] | None:
    """Providers of every on_search among ``messages``, merged in order; ``None`` without one.

    Incremental refreshes replace item records and flip time labels (retail-1.2/docs/
    incremental_catalog_refresh.md), so a later message overrides an earlier one field by field.
    """
    found: dict[str, ProviderView] | None = None
    for message in messages:
        if message.action != "on_search":
            continue
        found = found if found is not None else {}
        for _, provider in providers(message.payload):
            pid = provider.get("id")
            if not isinstance(pid, str):
                continue
            view = found.setdefault(pid, ProviderView(pid))
            label = get(provider, "time", "label")
            if isinstance(label, str):
                view.enabled = label not in ("disable", "close")
            for key, target in (("locations", view.locations), ("items", view.items),
                                ("offers", view.offers), ("fulfillments", view.fulfillments)):
                for _, element in items_of(provider, key):
                    if isinstance(element.get("id"), str):
                        target[element["id"]] = {**target.get(element["id"], {}), **element}
            view.groups.update(custom_groups(provider))
    return found


def enabled(element: dict[str, Any]) -> bool:
    """Not switched off by its ``time.label`` (disable; close for a store)."""
    return get(element, "time", "label") not in ("disable", "close")


def group_bounds(category: dict[str, Any],
                 item: dict[str, Any] | None = None) -> tuple[int | None, int | None]:
    """``(min, max)`` of a custom_group category's config, ``None`` where unreadable; an
    ``item``'s own config tag for the group overrides it (on_search_F&B notes [^52])."""
    config = _group_config(category)
    for _, override in _item_configs(item or {}):
        if override.get("id", (0, None))[1] == category.get("id"):
            config = {**config, **override}
    return (_int_of(config.get("min", (0, None))[1]), _int_of(config.get("max", (0, None))[1]))


def int_of(value: Any) -> int | None:
    """A stringified or JSON non-negative integer, else ``None``."""
    return _int_of(value)
