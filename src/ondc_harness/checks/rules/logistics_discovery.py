"""Logistics search rules (``LOG-SEARCH-…``): what the LBNP asks the LSPs for.

Sources: automation-1.2.5/logistics-1.2.5 and LOG11-1.2.5 ``validations/index.yaml`` (search:
REQUIRED_*, VALID_ENUM_*, the linked_order tag tables), the attribute tables
(``attributes/Logistics__P2P_.yaml``, ``Logistics__P2H2P_.yaml``: category meanings, "minimum 4
digit decimal precision" for pickup GPS, store timings "end time must be greater than start
time"), the pack's flows and seed-examples/logistics_search.json (1.0.0).  The catalogue that
answers a search is :mod:`.logistics_catalog`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_dict, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import amount_text, member
from ondc_harness.checks.rules.logistics_common import (
    ATTR11,
    BATCH,
    CATEGORIES,
    COD_PAYMENT,
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
    tag_value,
    yes,
)

PD: Final = "@ondc/org/payload_details"
COLLECTION: Final = "@ondc/org/collection_amount"
_PIN = re.compile(r"^[1-9]\d{5}$")
_HHMM = re.compile(r"^([01]\d|2[0-3])([0-5]\d)$")
#: Categories that belong to one routing only (attributes category.id: "Express Delivery" — by
#: air, for P2H2P; "Immediate Delivery" is for S2D <= 60 min, i.e. hyperlocal).  The pack's
#: LOG10 flows never use Express, its LOG11 flows never Immediate or Instant.
_NOT_IN_DOMAIN: Final = {P2P_DOMAIN: frozenset({"Express Delivery"}),
                         P2H2P_DOMAIN: frozenset({"Immediate Delivery", "Instant Delivery"})}


def _intent(ctx: CheckContext) -> dict[str, Any]:
    return get_dict(ctx.payload, "message", "intent")


def _ipath(*parts: str | int) -> str:
    return json_path("message", "intent", *parts)


def _cpath(p_index: int, *parts: str | int) -> str:
    return json_path("message", "catalog", "bpp/providers", p_index, *parts)


def _has_intent(ctx: CheckContext) -> bool:
    return isinstance(get(ctx.payload, "message", "intent"), dict)


def _ends(ctx: CheckContext) -> tuple[str, ...]:
    """The points a search must give: pickup and drop, or pickup only for a Batch."""
    if get(_intent(ctx), "fulfillment", "type") == BATCH:
        return ("start",)
    return ("start", "end")


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
    """Serviceability and price are computed from the two points; a bad one prices nothing.
    A Batch search (riders booked at a store, QUICK_COMMERCE_FLOW) has no drop point."""
    if not _has_intent(ctx):
        return
    for end in _ends(ctx):
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
    for end in _ends(ctx):
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


@rule("LOG-SEARCH-006", "search fulfillment type is Delivery, Return or RTO (or the pack flows' "
      "FIFO, FTL, Batch)", Severity.MAJOR,
      spec=f"{DSL10} search VALID_ENUM_MESSAGE_TYPE; {ATTR11} search fulfillment.type; "
      f"{FLOWS10}/QUICK_COMMERCE_FLOW.yaml (Batch)",
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
    (error 60011).  A Batch search books riders, not a package (QUICK_COMMERCE_FLOW)."""
    if not _has_intent(ctx) or get(_intent(ctx), "fulfillment", "type") == BATCH:
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


#: A day of the week, 1 (Monday) to 7, as the search's ``days`` list writes it ("01" too).
_WEEKDAY = re.compile(r"0*[1-7]")


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
        if not parts or not all(_WEEKDAY.fullmatch(p.strip()) for p in parts):
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
