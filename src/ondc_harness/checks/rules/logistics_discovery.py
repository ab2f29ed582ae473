"""Logistics discovery rules: the LBNP's ``search`` (``LOG-SEARCH-…``) and the LSP's catalogue
``on_search`` (``LOG-CAT-…``).

Sources: automation-1.2.5/logistics-1.2.5 and LOG11-1.2.5 ``validations/index.yaml`` (search and
on_search: REQUIRED_*, VALID_ENUM_*, validate_static_terms), the attribute tables
(``attributes/Logistics__P2P_.yaml``, ``Logistics__P2H2P_.yaml``: category meanings, "minimum 4
digit decimal precision" for pickup GPS, store timings "end time must be greater than start
time", "category level TAT for S2D", "average time to pickup … required for 'Delivery'
fulfillment", "price is tax inclusive"), the pack's flows and seed-examples/logistics_search.json
and logistics_on_search.json (1.0.0).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_dict, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import amount_text, member, parse_timestamp
from ondc_harness.checks.rules.logistics_common import (
    ATTR11,
    CATEGORIES,
    COD_PAYMENT,
    DELIVERY,
    DSL10,
    FLOWS10,
    FLOWS11,
    FULFILLMENT_TYPES,
    LOGISTICS,
    P2H2P_DOMAIN,
    P2P_DOMAIN,
    PAYMENT_TYPES,
    REF,
    SEED,
    V1,
    V12,
    V125,
    amount,
    gps,
    gps_decimals,
    grams,
    ids_of,
    latest,
    tag_value,
    yes,
)
from ondc_harness.durations import is_duration, parse_duration

PD: Final = "@ondc/org/payload_details"
COLLECTION: Final = "@ondc/org/collection_amount"
_PIN = re.compile(r"^[1-9]\d{5}$")
_HHMM = re.compile(r"^([01]\d|2[0-3])([0-5]\d)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
REF_CAT: Final = f"{REF} on_search"
_BROAD_CATEGORIES: Final = frozenset({"Standard Delivery", "Express Delivery"})
#: Categories that belong to one routing only (attributes category.id: "Express Delivery" — by
#: air, for P2H2P; "Immediate Delivery" is for S2D <= 60 min, i.e. hyperlocal).  The pack's
#: LOG10 flows never use Express, its LOG11 flows never Immediate or Instant.
_NOT_IN_DOMAIN: Final = {P2P_DOMAIN: frozenset({"Express Delivery"}),
                         P2H2P_DOMAIN: frozenset({"Immediate Delivery", "Instant Delivery"})}
IMMEDIATE: Final = "Immediate Delivery"
IMMEDIATE_MAX_SECONDS: Final = 3600


def _intent(ctx: CheckContext) -> dict[str, Any]:
    return get_dict(ctx.payload, "message", "intent")


def _ipath(*parts: str | int) -> str:
    return json_path("message", "intent", *parts)


def _has_intent(ctx: CheckContext) -> bool:
    return isinstance(get(ctx.payload, "message", "intent"), dict)


# --- search -------------------------------------------------------------------------------------

@rule("LOG-SEARCH-001", "search asks for a logistics category (Express, Standard, Immediate, "
      "Next Day, Same Day or Instant Delivery)", Severity.MAJOR,
      spec=f"{DSL10} search REQUIRED_MESSAGE_ID (category.id enumList); {SEED} search",
      actions=["search"], versions=V1, domains=LOGISTICS)
def search_category(ctx: CheckContext) -> Iterator[Violation]:
    """The category sets the delivery promise (TAT) every LSP quotes against."""
    if not _has_intent(ctx):
        return
    value = get(_intent(ctx), "category", "id")
    if not member(value, CATEGORIES):
        yield Violation(_ipath("category", "id"), "intent.category.id is not a logistics category",
                        expected=sorted(CATEGORIES), actual=None if value is MISSING else value)


@rule("LOG-SEARCH-002", "search gives pickup and drop GPS as valid \"lat,lng\" coordinates",
      Severity.MAJOR, spec=f"{DSL10} search REQUIRED_MESSAGE_GPS, REQUIRED_MESSAGE_GPS_21; "
      f"{ATTR11} search fulfillment.start/end.location.gps", actions=["search"], versions=V1,
      domains=LOGISTICS)
def search_gps(ctx: CheckContext) -> Iterator[Violation]:
    """Serviceability and price are computed from the two points; a bad one prices nothing."""
    if not _has_intent(ctx):
        return
    for end in ("start", "end"):
        value = get(_intent(ctx), "fulfillment", end, "location", "gps")
        if gps(value) is None:
            yield Violation(_ipath("fulfillment", end, "location", "gps"),
                            f"{end} GPS is missing or not a valid \"lat,lng\" pair",
                            expected="e.g. \"12.9716,77.5946\"",
                            actual=None if value is MISSING else value)


@rule("LOG-SEARCH-003", "search GPS has at least 4 decimal places", Severity.MINOR,
      spec=f"{ATTR11} search fulfillment.start.location.gps (\"minimum 4 digit decimal "
      f"precision\"); {REF} search (end GPS with ≥ 4 decimals)",
      actions=["search"], versions=V1, domains=LOGISTICS)
def search_gps_precision(ctx: CheckContext) -> Iterator[Violation]:
    """Three decimals are ~100 m: too coarse to find a shop or a door."""
    for end in ("start", "end"):
        value = get(_intent(ctx), "fulfillment", end, "location", "gps")
        if isinstance(value, str) and gps(value) is not None and gps_decimals(value) < 4:
            yield Violation(_ipath("fulfillment", end, "location", "gps"),
                            f"{end} GPS has fewer than 4 decimal places",
                            expected="at least 4 decimals per coordinate", actual=value)


def _pin_ok(value: Any) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return isinstance(value, str) and _PIN.match(value) is not None


@rule("LOG-SEARCH-004", "search gives pickup and drop area codes as 6-digit PIN codes",
      Severity.MAJOR, spec=f"{DSL10} search REQUIRED_MESSAGE_AREA_CODE, "
      "REQUIRED_MESSAGE_AREA_CODE_22; PROTOCOL.md (country IND)", actions=["search"],
      versions=V1, domains=LOGISTICS)
def search_area_codes(ctx: CheckContext) -> Iterator[Violation]:
    """LSPs publish serviceability by PIN code; anything else cannot be matched."""
    if not _has_intent(ctx):
        return
    for end in ("start", "end"):
        value = get(_intent(ctx), "fulfillment", end, "location", "address", "area_code")
        if not _pin_ok(value):
            yield Violation(_ipath("fulfillment", end, "location", "address", "area_code"),
                            f"{end} area_code is missing or not a 6-digit PIN code",
                            expected="e.g. \"560038\"", actual=None if value is MISSING else value)


@rule("LOG-SEARCH-005", "search states the payment type (ON-ORDER, ON-FULFILLMENT or "
      "POST-FULFILLMENT)", Severity.MAJOR,
      spec=f"{DSL10} search REQUIRED_MESSAGE_TYPE_23; {ATTR11} search payment.type",
      actions=["search"], versions=V12, domains=LOGISTICS)
def search_payment_type(ctx: CheckContext) -> Iterator[Violation]:
    """Prepaid, cash on delivery and invoiced orders are priced and settled differently."""
    if not _has_intent(ctx):
        return
    value = get(_intent(ctx), "payment", "type")
    if not member(value, PAYMENT_TYPES):
        yield Violation(_ipath("payment", "type"), "intent.payment.type is missing or unknown",
                        expected=sorted(PAYMENT_TYPES), actual=None if value is MISSING else value)


@rule("LOG-SEARCH-006", "search fulfillment type is Delivery, Return or RTO", Severity.MAJOR,
      spec=f"{DSL10} search VALID_ENUM_MESSAGE_TYPE; {ATTR11} search fulfillment.type",
      actions=["search"], versions=V12, domains=LOGISTICS)
def search_fulfillment_type(ctx: CheckContext) -> Iterator[Violation]:
    """1.0.0 put the payment mode here ("Prepaid"); 1.2 names the kind of shipment."""
    if not _has_intent(ctx):
        return
    value = get(_intent(ctx), "fulfillment", "type")
    if not member(value, FULFILLMENT_TYPES):
        yield Violation(_ipath("fulfillment", "type"), "intent.fulfillment.type is missing or "
                        "unknown", expected=sorted(FULFILLMENT_TYPES),
                        actual=None if value is MISSING else value)


@rule("LOG-SEARCH-007", "search states the package weight: a value > 0 in kilogram or gram",
      Severity.MAJOR, spec=f"{DSL10} search REQUIRED_MESSAGE_UNIT, REQUIRED_MESSAGE_VALUE; "
      f"{ATTR11} on_confirm linked_order.order.weight.unit (\"kilogram\", \"gram\"); {SEED}",
      actions=["search"], versions=V1, domains=LOGISTICS)
def search_weight(ctx: CheckContext) -> Iterator[Violation]:
    """Weight decides the vehicle and the slab price; the LSP NACKs a different one at confirm
    (error 60011)."""
    if not _has_intent(ctx):
        return
    weight = get(_intent(ctx), PD, "weight")
    value = get(weight, "value")
    number = amount(value)
    if grams(weight) is None or number is None or number <= 0:
        yield Violation(_ipath(PD, "weight"), "package weight is missing, not positive or not "
                        "in kilogram/gram", expected="{\"unit\": \"kilogram\", \"value\": 1.5}",
                        actual=None if weight is MISSING else weight)


@rule("LOG-SEARCH-008", "search states the package dimensions: length, breadth and height > 0 "
      "with a unit", Severity.MAJOR,
      spec=f"{DSL10} search REQUIRED_MESSAGE_UNIT_26 … REQUIRED_MESSAGE_VALUE_31; {SEED}",
      actions=["search"], versions=V1, domains=LOGISTICS)
def search_dimensions(ctx: CheckContext) -> Iterator[Violation]:
    """Volumetric weight (and whether a bike can carry it) comes from the dimensions."""
    details = get(_intent(ctx), PD)
    if not isinstance(details, dict):
        return  # LOG-SEARCH-007 reports missing payload details once
    for side in ("length", "breadth", "height"):
        dim = get(details, "dimensions", side)
        number = amount(get(dim, "value"))
        unit = get(dim, "unit")
        if number is None or number <= 0 or not (isinstance(unit, str) and unit.strip()):
            yield Violation(_ipath(PD, "dimensions", side),
                            f"{side} is missing, not positive or has no unit",
                            expected="{\"unit\": \"centimeter\", \"value\": 10}",
                            actual=None if dim is MISSING else dim)


@rule("LOG-SEARCH-009", "search declares the package value: a finite amount > 0",
      Severity.MAJOR, spec=f"{DSL10} search REQUIRED_MESSAGE_CURRENCY, REQUIRED_MESSAGE_VALUE_34; "
      f"{SEED} (payload_details.value)", actions=["search"], versions=V1, domains=LOGISTICS)
def search_declared_value(ctx: CheckContext) -> Iterator[Violation]:
    """The declared value caps the LSP's liability and prices insurance."""
    details = get(_intent(ctx), PD)
    if not isinstance(details, dict):
        return
    raw = get(details, "value", "value")
    number = amount(raw)
    if number is None or number <= 0:
        yield Violation(_ipath(PD, "value", "value"), "declared value is missing, not a number "
                        "or not positive", expected="e.g. \"300.00\"",
                        actual=None if raw is MISSING else raw)


def _hhmm(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    match = _HHMM.match(value)
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


@rule("LOG-SEARCH-010", "search store timings: days within 1..7, HHMM range with end after "
      "start", Severity.MINOR,
      spec=f"{ATTR11} search provider.time.days (\"1 - Monday till 7 - Sunday\"), range.end "
      "(\"end time must be greater than start time\"); " f"{DSL10} search REQUIRED_MESSAGE_DAYS",
      actions=["search"], versions=V12, domains=LOGISTICS)
def search_store_timings(ctx: CheckContext) -> Iterator[Violation]:
    """The LSP schedules pickups inside these hours; a nonsense window loses pickups."""
    time = get(_intent(ctx), "provider", "time")
    if not isinstance(time, dict):
        return
    days = time.get("days", MISSING)
    if days is not MISSING:
        parts = days.split(",") if isinstance(days, str) else []
        if not parts or any(not p.strip().isdigit() or not 1 <= int(p) <= 7 for p in parts):
            yield Violation(_ipath("provider", "time", "days"), "days is not a list of weekdays "
                            "1..7", expected="e.g. \"1,2,3,4,5,6,7\"", actual=days)
    start, end = get(time, "range", "start"), get(time, "range", "end")
    if start is MISSING and end is MISSING:
        return
    begin, finish = _hhmm(start), _hhmm(end)
    for key, raw, minutes in (("start", start, begin), ("end", end, finish)):
        if minutes is None:
            yield Violation(_ipath("provider", "time", "range", key), f"range.{key} is not HHMM",
                            expected="e.g. \"1100\"", actual=None if raw is MISSING else raw)
    if begin is not None and finish is not None and finish <= begin:
        yield Violation(_ipath("provider", "time", "range", "end"), "store closes before it "
                        "opens", expected=f"later than {start}", actual=end)


def _linked_order_expectations(details: dict[str, Any]) -> dict[str, Any]:
    """What the ``linked_order`` tag codes must agree with, read from payload_details."""
    out: dict[str, Any] = {}
    value = amount(get(details, "value", "value"))
    if value is not None:
        out["declared_value"] = value
    for side in ("length", "breadth", "height"):
        number = amount(get(details, "dimensions", side, "value"))
        if number is not None:
            out[side] = number
    return out


@rule("LOG-SEARCH-011", "search's linked_order tag agrees with @ondc/org/payload_details "
      "(declared value, weight, dimensions)", Severity.MAJOR,
      spec=f"{FLOWS10}/ORDER_FLOW_BASE_LINE.yaml search (linked_order tag beside the deprecated "
      f"payload_details); {DSL10} search validate_tag_0_linked_order", actions=["search"],
      versions=V125, domains=LOGISTICS)
def search_linked_order_tag(ctx: CheckContext) -> Iterator[Violation]:
    """Two statements of one package that disagree leave the LSP to guess which one to price."""
    intent = _intent(ctx)
    details = get(intent, PD)
    if not isinstance(details, dict):
        return
    expected = _linked_order_expectations(details)
    weight = grams(get(details, "weight"))
    for t_index, tag in items_of(intent, "fulfillment", "tags"):
        if tag.get("code") != "linked_order":
            continue
        codes = {e["code"]: e.get("value") for _, e in items_of(tag, "list")
                 if isinstance(e.get("code"), str)}
        for l_index, entry in items_of(tag, "list"):
            code, raw = entry.get("code"), entry.get("value")
            path = _ipath("fulfillment", "tags", t_index, "list", l_index, "value")
            if code == "weight_value" and weight is not None:
                stated = grams({"unit": codes.get("weight_unit"), "value": raw})
                if stated is not None and stated != weight:
                    yield Violation(path, "linked_order weight differs from payload_details",
                                    expected=get(details, "weight"), actual=raw)
            elif isinstance(code, str) and member(code, expected):
                stated_number = amount(raw)
                if stated_number is not None and stated_number != expected[code]:
                    yield Violation(path, f"linked_order {code} differs from payload_details",
                                    expected=amount_text(expected[code]), actual=raw)
        return


@rule("LOG-SEARCH-012", "The category suits the domain: no Express Delivery (air, P2H2P) on "
      "ONDC:LOG10, no Immediate/Instant Delivery (hyperlocal) on ONDC:LOG11", Severity.MINOR,
      spec=f"{ATTR11} search category.id (Express — by air, for P2H2P; Immediate — S2D ≤ 60 "
      f"min); {FLOWS10} and {FLOWS11} (no flow uses the other domain's categories)",
      actions=["search", "on_search"], versions=V1, domains=(P2P_DOMAIN, P2H2P_DOMAIN))
def category_fits_domain(ctx: CheckContext) -> Iterator[Violation]:
    """Asking a hyperlocal network for air freight (or the reverse) finds no LSP."""
    wrong = _NOT_IN_DOMAIN.get(ctx.message.domain, frozenset())
    if ctx.message.action == "search":
        value = get(_intent(ctx), "category", "id")
        if member(value, wrong):
            yield Violation(_ipath("category", "id"), f"{value} is not offered on "
                            f"{ctx.message.domain}", expected=sorted(CATEGORIES - wrong),
                            actual=value)
        return
    for p_index, provider in items_of(ctx.payload, "message", "catalog", "bpp/providers"):
        for c_index, category in items_of(provider, "categories"):
            if member(category.get("id"), wrong):
                yield Violation(_cpath(p_index, "categories", c_index, "id"),
                                f"{category.get('id')} is not offered on {ctx.message.domain}",
                                expected=sorted(CATEGORIES - wrong), actual=category.get("id"))


@rule("LOG-SEARCH-013", "A cash-on-delivery search states the amount to collect (a finite "
      "amount > 0)", Severity.MAJOR,
      spec=f"{ATTR11} search payment.@ondc/org/collection_amount; {FLOWS10}/"
      "CASH_ON_DELIVERY_FLOW.yaml search (linked_order cod_order, collection_amount)",
      actions=["search"], versions=V12, domains=LOGISTICS)
def search_cod_amount(ctx: CheckContext) -> Iterator[Violation]:
    """The LSP's rider must know how much cash to collect before accepting the job."""
    intent = _intent(ctx)
    tags = get(intent, "fulfillment", "tags")
    cod = get(intent, "payment", "type") == COD_PAYMENT or yes(
        tag_value(tags, "linked_order", "cod_order")) is True
    if not cod:
        return
    candidates: list[tuple[str, Any]] = []
    if COLLECTION in get_dict(intent, "payment"):
        candidates.append((_ipath("payment", COLLECTION), get(intent, "payment", COLLECTION)))
    for t_index, tag in items_of(intent, "fulfillment", "tags"):
        if tag.get("code") == "linked_order":
            for l_index, entry in items_of(tag, "list"):
                if entry.get("code") == "collection_amount":
                    candidates.append((_ipath("fulfillment", "tags", t_index, "list", l_index,
                                              "value"), entry.get("value")))
    if not candidates:
        yield Violation(_ipath("payment", COLLECTION), "cash on delivery without an amount to "
                        "collect", expected="e.g. \"300.00\"", actual=None)
    for path, raw in candidates:
        number = amount(raw)
        if number is None or number <= 0:
            yield Violation(path, "amount to collect is not a positive amount",
                            expected="e.g. \"300.00\"", actual=raw)


# --- on_search ----------------------------------------------------------------------------------

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


@rule("LOG-CAT-015", "Catalogue fulfillment types are Delivery, Return or RTO", Severity.MAJOR,
      spec=f"{DSL10} on_search VALID_ENUM_MESSAGE_TYPE; {FLOWS10}/FIFO_FLOW.yaml (FIFO)",
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

