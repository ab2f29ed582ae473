"""Logistics order rules: init and confirm by the LBNP, on_init and on_confirm by the LSP.

Topics: ``LOG-INIT-…`` (what init asks for, against the catalogue and the search),
``LOG-ORDER-…`` (order-wide references), ``LOG-CONFIRM-…`` and ``LOG-ONCONF-…`` (the order as
placed and accepted), ``LOG-LINKED-…`` (``@ondc/org/linked_order``, the retail order being
shipped).

Sources: automation-1.2.5/logistics-1.2.5 and LOG11-1.2.5 ``validations/index.yaml`` (init,
confirm, on_init, on_confirm: REQUIRED_*, VALID_ENUM_*, *_fulfillment_id_validations,
instructions_validations, accept_bpp_terms), the attribute tables (billing "GST no for
logistics buyer NP"; confirm order.state; instructions "max 6 alphanumeric"; items.time.duration
"LSP can NACK /confirm with error code 60008"; linked_order weight "LSP can NACK /confirm with
error code 60011"; on_confirm state enum "Created", "Accepted", "Cancelled"), errors/index.yaml
and seed-examples/logistics_init.json … logistics_on_confirm.json (1.0.0).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_dict, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation
from ondc_harness.checks.rules._common import (
    TOLERANCE,
    amount_text,
    member,
    order_of,
    parse_timestamp,
)
from ondc_harness.checks.rules.cross_step import diff_paths
from ondc_harness.checks.rules.logistics_common import (
    ATTR11,
    BATCH,
    CANCELLED,
    DSL10,
    ERRORS,
    FLOWS10,
    LOGISTICS,
    REF,
    SEED,
    STAGE,
    V1,
    V12,
    V125,
    amount,
    catalogue_items,
    catalogue_providers,
    fulfillments,
    gps,
    grams,
    ids_of,
    latest,
    opath,
    place,
    state_code,
    tag_value,
    yes,
)

PD: Final = "@ondc/org/payload_details"
LINKED: Final = "@ondc/org/linked_order"
_GSTIN = re.compile(r"^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
_CODE = re.compile(r"^[A-Za-z0-9]{1,6}$")
START_CODES: Final = frozenset({"2", "3", "4", "5"})
END_CODES: Final = frozenset({"1", "2", "3", "5"})
ON_CONFIRM_STATES: Final = frozenset({"Created", "Accepted", "Cancelled"})
PRE_PICKUP_OK: Final = frozenset({"Pending", "Searching-for-Agent", "Agent-assigned"})
INSTRUCTION_ACTIONS: Final = ("confirm", "update", "on_confirm", "on_update", "on_status",
                              "on_cancel")


# --- init ---------------------------------------------------------------------------------------

@rule("LOG-INIT-001", "init names a provider of the catalogue", Severity.CRITICAL,
      spec=f"{REF} init (provider … match); {ATTR11} init provider.id", actions=["init"],
      versions=V1, domains=LOGISTICS)
def init_provider_known(ctx: CheckContext) -> Iterator[Violation]:
    """An order with a provider the LSP never offered cannot be priced or accepted."""
    providers = catalogue_providers(ctx)
    value = get(order_of(ctx.payload), "provider", "id")
    if providers and isinstance(value, str) and value not in providers:
        yield Violation(opath("provider", "id"), f"provider {value!r} is not in on_search",
                        expected=sorted(providers), actual=value)


@rule("LOG-INIT-002", "init's items are items of that provider in the catalogue",
      Severity.CRITICAL, spec=f"{REF} init (items … match); {ATTR11} init items.id",
      actions=["init"], versions=V1, domains=LOGISTICS)
def init_items_known(ctx: CheckContext) -> Iterator[Violation]:
    """The item is the service option (and price) the LBNP chose."""
    providers = catalogue_providers(ctx)
    if not providers:
        return
    provider = providers.get(str(get(order_of(ctx.payload), "provider", "id")))
    pool = [provider] if provider is not None else list(providers.values())
    known = {i for p in pool for i in ids_of(p.get("items"))}
    for index, item in items_of(order_of(ctx.payload), "items"):
        if isinstance(item.get("id"), str) and item["id"] not in known:
            yield Violation(opath("items", index, "id"), f"item {item['id']!r} is not offered "
                            "by the provider", expected=sorted(str(k) for k in known),
                            actual=item["id"])


@rule("LOG-INIT-003", "An ordered item's category_id is its category in the catalogue",
      Severity.MAJOR, spec=f"{ATTR11} init items.category_id; {DSL10} confirm "
      "REQUIRED_MESSAGE_CATEGORY_ID", actions=["init", "confirm"], versions=V1,
      domains=LOGISTICS)
def item_category_as_catalogued(ctx: CheckContext) -> Iterator[Violation]:
    """The category carries the TAT; a relabelled item claims another promise."""
    items = catalogue_items(ctx)
    for index, item in items_of(order_of(ctx.payload), "items"):
        listed = items.get(str(item.get("id")))
        if listed is None or "category_id" not in item or "category_id" not in listed:
            continue
        for change in diff_paths(listed["category_id"], item["category_id"],
                                 base=opath("items", index, "category_id")):
            yield Violation(change.path, "category differs from the catalogue item's",
                            expected=change.old, actual=change.new)


def _endpoint_gaps(endpoint: Any) -> list[tuple[tuple[str, ...], str]]:
    gaps: list[tuple[tuple[str, ...], str]] = []
    if gps(get(endpoint, "location", "gps")) is None:
        gaps.append((("location", "gps"), "GPS is missing or invalid"))
    area = get(endpoint, "location", "address", "area_code")
    if not (isinstance(area, str) and area.strip()):
        gaps.append((("location", "address", "area_code"), "area_code is missing"))
    phone = get(endpoint, "contact", "phone")
    if not (isinstance(phone, str) and phone.strip()):
        gaps.append((("contact", "phone"), "contact phone is missing"))
    return gaps


@rule("LOG-INIT-004", "Pickup (start) and drop (end) each give location GPS, address area_code "
      "and a contact phone", Severity.MAJOR,
      spec=f"{ATTR11} init fulfillments.start/end.location, contact; {SEED} init",
      actions=["init", "confirm"], versions=V1, domains=LOGISTICS)
def endpoints_complete(ctx: CheckContext) -> Iterator[Violation]:
    """The rider navigates to the GPS and calls the phone; without them there is no pickup.
    A Batch (riders booked at a store) has no drop point."""
    batch = any(f.get("type") == BATCH for _, f in fulfillments(ctx.payload))
    for index, fulfillment in fulfillments(ctx.payload):
        for end in ("start",) if batch else ("start", "end"):
            for parts, text in _endpoint_gaps(get(fulfillment, end)):
                yield Violation(opath("fulfillments", index, end, *parts), f"{end}: {text}",
                                expected="present", actual=get(fulfillment, end, *parts)
                                if get(fulfillment, end, *parts) is not MISSING else None)


_BILLING_FIELDS: Final = (("name",), ("phone",), ("tax_number",), ("address", "name"),
                          ("address", "locality"), ("address", "city"), ("address", "state"),
                          ("address", "area_code"))


@rule("LOG-INIT-005", "Billing gives name, phone, GST number and address (name, locality, city, "
      "state, area_code)", Severity.MAJOR,
      spec=f"{ATTR11} init billing.name (\"name on the invoice\"), billing.tax_number (\"GST no "
      f"for logistics buyer NP\"); {DSL10} on_cancel REQUIRED billing.*", actions=["init"],
      versions=V12, domains=LOGISTICS)
def billing_complete(ctx: CheckContext) -> Iterator[Violation]:
    """The LSP invoices the LBNP from these fields; a tax invoice needs all of them."""
    billing = get(order_of(ctx.payload), "billing")
    if not isinstance(billing, dict):
        if isinstance(get(ctx.payload, "message", "order"), dict):
            yield Violation(opath("billing"), "init has no billing", expected="billing details",
                            actual=None if billing is MISSING else billing)
        return
    for parts in _BILLING_FIELDS:
        value = get(billing, *parts)
        if not (isinstance(value, str) and value.strip()):
            yield Violation(opath("billing", *parts), f"billing.{'.'.join(parts)} is missing",
                            expected="a non-empty string",
                            actual=None if value is MISSING else value)


@rule("LOG-INIT-006", "billing.tax_number is a GSTIN (15 characters: state code, PAN, entity, "
      "Z, checksum)", Severity.MINOR,
      spec=f"{ATTR11} init billing.tax_number (\"GST no for logistics buyer NP\"); {SEED} init",
      actions=["init"], versions=V1, domains=LOGISTICS)
def billing_gstin(ctx: CheckContext) -> Iterator[Violation]:
    """A malformed GSTIN makes the LSP's tax invoice unclaimable for input credit."""
    value = get(order_of(ctx.payload), "billing", "tax_number")
    if isinstance(value, str) and value.strip() and not _GSTIN.match(value.strip()):
        yield Violation(opath("billing", "tax_number"), "not a GSTIN",
                        expected="e.g. 29ABDCS3411L1Z7", actual=value)


@rule("LOG-INIT-007", "init's pickup and drop are the searched ones (GPS and area_code)",
      Severity.MAJOR, spec=f"{REF} init (GPS and area_code as in select); {ATTR11} search "
      "fulfillment.start/end.location", actions=["init"], versions=V1, domains=LOGISTICS)
def init_places_as_searched(ctx: CheckContext) -> Iterator[Violation]:
    """The catalogue priced the searched points; an order elsewhere was never quoted."""
    search = latest(ctx, "search")
    if search is None:
        return
    where = {"gps": ("location", "gps"), "area_code": ("location", "address", "area_code")}
    for index, fulfillment in fulfillments(ctx.payload):
        for end in ("start", "end"):
            searched = place(get(search.body, "intent", "fulfillment", end))
            ordered = place(get(fulfillment, end))
            for key, parts in where.items():
                if key not in searched or key not in ordered:
                    continue
                for change in diff_paths(searched[key], ordered[key],
                                         base=opath("fulfillments", index, end, *parts)):
                    yield Violation(change.path, f"{end} point differs from the search",
                                    expected=change.old, actual=change.new)
        return


# --- order-wide references -----------------------------------------------------------------------

@rule("LOG-ORDER-001", "Every item's fulfillment_id is a fulfillment of the order",
      Severity.MAJOR, spec=f"{DSL10} init/on_init/confirm/on_confirm "
      "validate_fulfillment_id_in_fulfillments", actions=["init", "on_init", "confirm",
                                                         "on_confirm"],
      versions=V12, domains=LOGISTICS)
def item_fulfillment_in_order(ctx: CheckContext) -> Iterator[Violation]:
    """An item bound to no fulfillment of the order cannot be picked up or priced."""
    order = order_of(ctx.payload)
    known = ids_of(order.get("fulfillments"))
    if not known:
        return
    for index, item in items_of(order, "items"):
        value = item.get("fulfillment_id", MISSING)
        if value is not MISSING and not member(value, known):
            yield Violation(opath("items", index, "fulfillment_id"), f"fulfillment {value!r} "
                            "is not in the order", expected=sorted(str(k) for k in known),
                            actual=value)


@rule("LOG-ORDER-002", "Order fulfillment GPS (pickup and drop) are valid \"lat,lng\" "
      "coordinates", Severity.MAJOR, spec=f"{ATTR11} on_init/on_confirm fulfillments.start/"
      "end.location.gps", actions=["on_init", "on_confirm", "update", "on_update", "on_status",
                                   "on_cancel"],
      versions=V1, domains=LOGISTICS)
def order_gps_valid(ctx: CheckContext) -> Iterator[Violation]:
    """A corrupted point sends the rider (or the returning shipment) to the wrong place."""
    for index, fulfillment in fulfillments(ctx.payload):
        for end in ("start", "end"):
            value = get(fulfillment, end, "location", "gps")
            if value is not MISSING and gps(value) is None:
                yield Violation(opath("fulfillments", index, end, "location", "gps"),
                                "not a valid \"lat,lng\" pair", expected="e.g. "
                                "\"12.9716,77.5946\"", actual=value)


# --- confirm ------------------------------------------------------------------------------------

@rule("LOG-CONFIRM-001", "confirm carries the order id", Severity.CRITICAL,
      spec=f"{DSL10} confirm REQUIRED_MESSAGE_ID; {ATTR11} confirm order.id", actions=["confirm"],
      versions=V1, domains=LOGISTICS)
def confirm_order_id(ctx: CheckContext) -> Iterator[Violation]:
    """Every later status, cancel and update names the order by this id."""
    if not isinstance(get(ctx.payload, "message", "order"), dict):
        return
    value = get(order_of(ctx.payload), "id")
    if not (isinstance(value, str) and value.strip()):
        yield Violation(opath("id"), "confirm has no order id", expected="a non-empty id",
                        actual=None if value is MISSING else value)


@rule("LOG-CONFIRM-002", "confirm's order state is Created", Severity.MAJOR,
      spec=f"{DSL10} confirm REQUIRED_MESSAGE_STATE; {FLOWS10}/ORDER_FLOW_BASE_LINE.yaml confirm; "
      f"{SEED} confirm", actions=["confirm"], versions=V1, domains=LOGISTICS)
def confirm_state_created(ctx: CheckContext) -> Iterator[Violation]:
    """The LSP, not the LBNP, moves the order to Accepted."""
    order = get(ctx.payload, "message", "order")
    if isinstance(order, dict) and order.get("state") != "Created":
        yield Violation(opath("state"), "confirm's order state is not Created",
                        expected="Created", actual=order.get("state"))


@rule("LOG-CONFIRM-003", "confirm's created_at is not after its context timestamp, and "
      "updated_at is not before created_at", Severity.MINOR,
      spec=f"{DSL10} confirm REQUIRED_MESSAGE_CREATED_AT_90, REQUIRED_MESSAGE_UPDATED_AT_91; "
      f"{REF} confirm (created_at = context timestamp = updated_at)", actions=["confirm"],
      versions=V12, domains=LOGISTICS)
def confirm_times(ctx: CheckContext) -> Iterator[Violation]:
    """An order created in the future (or updated before it existed) breaks SLA accounting."""
    order = order_of(ctx.payload)
    created, updated = parse_timestamp(order.get("created_at")), parse_timestamp(
        order.get("updated_at"))
    sent = parse_timestamp(ctx.message.timestamp)
    if created is not None and sent is not None and created > sent:
        yield Violation(opath("created_at"), "created_at is after the message was sent",
                        expected=f"not after {ctx.message.timestamp}",
                        actual=order.get("created_at"))
    if created is not None and updated is not None and updated < created:
        yield Violation(opath("updated_at"), "updated_at is before created_at",
                        expected=f"not before {order.get('created_at')}",
                        actual=order.get("updated_at"))


@rule("LOG-CONFIRM-004", "Ready to ship: start.instructions carries the pickup code (code and "
      "short_desc)", Severity.MAJOR,
      spec=f"{DSL10} confirm/update instructions_validations (start_instructions_short_desc_"
      f"present); {ATTR11} confirm start.instructions.code", actions=["confirm", "update"],
      versions=V12, domains=LOGISTICS)
def ready_to_ship_has_pickup_code(ctx: CheckContext) -> Iterator[Violation]:
    """The rider proves the pickup with this code; without it the store will not hand over."""
    for index, fulfillment in fulfillments(ctx.payload):
        if yes(tag_value(fulfillment.get("tags"), "state", "ready_to_ship")) is not True:
            continue
        for key in ("code", "short_desc"):
            value = get(fulfillment, "start", "instructions", key)
            if not (isinstance(value, str) and value.strip()):
                yield Violation(opath("fulfillments", index, "start", "instructions", key),
                                f"ready to ship without start.instructions.{key}",
                                expected="the pickup confirmation code",
                                actual=None if value is MISSING else value)


@rule("LOG-CONFIRM-005", "Pickup instruction codes are 2–5 and delivery codes 1, 2, 3 or 5",
      Severity.MINOR, spec=f"{DSL10} confirm VALID_ENUM_MESSAGE_CODE, VALID_ENUM_MESSAGE_CODE_8; "
      f"{ATTR11} confirm start/end.instructions.code (PCC/DCC types)",
      actions=INSTRUCTION_ACTIONS, versions=V125, domains=LOGISTICS)
def instruction_codes(ctx: CheckContext) -> Iterator[Violation]:
    """The code says what short_desc holds (OTP, order number, no code); unknown codes cannot
    be verified at the door."""
    for index, fulfillment in fulfillments(ctx.payload):
        for end, allowed in (("start", START_CODES), ("end", END_CODES)):
            value = get(fulfillment, end, "instructions", "code")
            if value is not MISSING and not member(value, allowed):
                yield Violation(opath("fulfillments", index, end, "instructions", "code"),
                                f"unknown {end} instruction code", expected=sorted(allowed),
                                actual=value)


@rule("LOG-CONFIRM-006", "Pickup and delivery codes (instructions.short_desc) are at most 6 "
      "alphanumeric characters", Severity.MINOR,
      spec=f"{ATTR11} confirm start.instructions.short_desc (\"max 6 alphanumeric\"), "
      "end.instructions.short_desc", actions=INSTRUCTION_ACTIONS, versions=V12,
      domains=LOGISTICS)
def instruction_code_values(ctx: CheckContext) -> Iterator[Violation]:
    """Riders type these codes into an app that takes six characters."""
    for index, fulfillment in fulfillments(ctx.payload):
        for end in ("start", "end"):
            code = get(fulfillment, end, "instructions", "code")
            value = get(fulfillment, end, "instructions", "short_desc")
            if code is MISSING or not isinstance(value, str) or not value:
                continue
            if not _CODE.match(value):
                yield Violation(opath("fulfillments", index, end, "instructions", "short_desc"),
                                f"{end} code is not 1–6 alphanumeric characters",
                                expected="e.g. 070147", actual=value)


@rule("LOG-CONFIRM-007", "confirm accepts the LSP's terms (bap_terms accept_bpp_terms yes; "
      "required in 1.2.5)", Severity.MAJOR,
      spec=f"{DSL10} confirm accept_bpp_terms; {ERRORS} 62501 (terms unacceptable)",
      actions=["confirm"], versions=V12, domains=LOGISTICS)
def confirm_accepts_terms(ctx: CheckContext) -> Iterator[Violation]:
    """Confirming while rejecting the terms leaves the contract undefined; reject with 62501."""
    order = get(ctx.payload, "message", "order")
    if not isinstance(order, dict):
        return
    tags = order.get("tags")
    value = tag_value(tags, "bap_terms", "accept_bpp_terms")
    path = opath("tags")
    for t_index, tag in items_of(tags):
        if tag.get("code") == "bap_terms":
            for l_index, entry in items_of(tag, "list"):
                if entry.get("code") == "accept_bpp_terms":
                    path = opath("tags", t_index, "list", l_index, "value")
    if value is MISSING:
        if ctx.message.version == "1.2.5":
            yield Violation(path, "confirm does not say whether it accepts the LSP terms",
                            expected="bap_terms.accept_bpp_terms = true", actual=None)
    elif yes(value) is not True:
        yield Violation(path, "confirm does not accept the LSP terms",
                        expected="true (or reject with error 62501)", actual=value)


def _catalogue_tat(ctx: CheckContext, item_id: str) -> Any:
    providers = catalogue_providers(ctx) or {}
    for provider in providers.values():
        for _, item in items_of(provider, "items"):
            if item.get("id") != item_id:
                continue
            if get(item, "time", "duration") is not MISSING:
                return get(item, "time", "duration")
            for _, category in items_of(provider, "categories"):
                if category.get("id") == item.get("category_id"):
                    return get(category, "time", "duration")
    return MISSING


@rule("LOG-CONFIRM-008", "confirm's items carry the TAT the catalogue quoted", Severity.MAJOR,
      spec=f"{ATTR11} confirm items.time.duration (\"if S2D TAT … is different from what was "
      f"quoted earlier in /on_search, LSP can NACK /confirm with error code 60008\")",
      actions=["confirm"], versions=V12, domains=LOGISTICS)
def confirm_tat_as_quoted(ctx: CheckContext) -> Iterator[Violation]:
    """A confirm that rewrites the TAT asks for a promise the LSP never made."""
    for index, item in items_of(order_of(ctx.payload), "items"):
        mine = get(item, "time", "duration")
        quoted = _catalogue_tat(ctx, str(item.get("id")))
        if mine is MISSING or quoted is MISSING:
            continue
        for change in diff_paths(quoted, mine, base=opath("items", index, "time", "duration")):
            yield Violation(change.path, "TAT differs from the catalogue",
                            expected=change.old, actual=change.new)


# --- @ondc/org/linked_order ---------------------------------------------------------------------

@rule("LOG-LINKED-001", "confirm's linked order lists its items (name, count > 0, price), the "
      "retail order id and its weight", Severity.MAJOR,
      spec=f"{DSL10} confirm REQUIRED_MESSAGE_* @ondc/org/linked_order; {SEED} confirm",
      actions=["confirm"], versions=V1, domains=LOGISTICS)
def linked_order_complete(ctx: CheckContext) -> Iterator[Violation]:
    """The shipment's contents are what the LSP is liable for and what customs of the road
    (e-way bills) ask about."""
    if not isinstance(get(ctx.payload, "message", "order"), dict):
        return
    if any(f.get("type") == BATCH for _, f in fulfillments(ctx.payload)):
        return  # riders booked at a store (QUICK_COMMERCE_FLOW): no single retail order
    linked = get(order_of(ctx.payload), LINKED)
    if not isinstance(linked, dict):
        yield Violation(opath(LINKED), "confirm has no linked order", expected="the retail "
                        "order being shipped", actual=None if linked is MISSING else linked)
        return
    items = list(items_of(linked, "items"))
    if not items:
        yield Violation(opath(LINKED, "items"), "linked order has no items",
                        expected="at least one item", actual=linked.get("items"))
    for index, item in items:
        name = get(item, "descriptor", "name")
        if not (isinstance(name, str) and name.strip()):
            yield Violation(opath(LINKED, "items", index, "descriptor", "name"),
                            "item without a name", expected="a name", actual=None
                            if name is MISSING else name)
        count = amount(get(item, "quantity", "count"))
        if count is None or count <= 0:
            yield Violation(opath(LINKED, "items", index, "quantity", "count"),
                            "item count is missing or not positive", expected="a count > 0",
                            actual=get(item, "quantity", "count") if get(
                                item, "quantity", "count") is not MISSING else None)
        price = amount(get(item, "price", "value"))
        if price is None or price < 0:
            yield Violation(opath(LINKED, "items", index, "price", "value"),
                            "item price is missing or not an amount", expected="e.g. \"70.00\"",
                            actual=get(item, "price", "value") if get(
                                item, "price", "value") is not MISSING else None)
    order_id = get(linked, "order", "id")
    if not (isinstance(order_id, str) and order_id.strip()):
        yield Violation(opath(LINKED, "order", "id"), "linked order has no id",
                        expected="the retail order id", actual=None if order_id is MISSING
                        else order_id)
    weight = grams(get(linked, "order", "weight"))
    if weight is None or weight <= 0:
        yield Violation(opath(LINKED, "order", "weight"), "linked order weight is missing, not "
                        "positive or not in kilogram/gram", expected="{\"unit\": \"kilogram\", "
                        "\"value\": 1}", actual=get(linked, "order", "weight") if get(
                            linked, "order", "weight") is not MISSING else None)


@rule("LOG-LINKED-002", "The linked order weighs at least its items (Σ count × measure, in "
      "grams)", Severity.MAJOR,
      spec=f"{FLOWS10}/ORDER_FLOW_BASE_LINE.yaml confirm (2 × 1 kg + 1 × 1 kg = 3 kg); {SEED} "
      "confirm", actions=["confirm"], versions=V1, domains=LOGISTICS)
def linked_weight_covers_items(ctx: CheckContext) -> Iterator[Violation]:
    """Under-declared weight is the usual source of weight-differential disputes (62504)."""
    linked = get_dict(order_of(ctx.payload), LINKED)
    total = grams(get(linked, "order", "weight"))
    if total is None:
        return
    contents = Decimal(0)
    for _, item in items_of(linked, "items"):
        count = amount(get(item, "quantity", "count"))
        each = grams(get(item, "quantity", "measure"))
        if count is not None and each is not None:
            contents += count * each
    if total < contents:
        yield Violation(opath(LINKED, "order", "weight"), f"order weight is {total.normalize()} "
                        f"g, its items weigh {contents.normalize()} g",
                        expected=f"at least {contents.normalize()} g",
                        actual=get(linked, "order", "weight"))


@rule("LOG-LINKED-003", "The linked order's items are worth no more than the declared value of "
      "the search (Σ price × count, tolerance 0.01)", Severity.MAJOR,
      spec=f"{FLOWS10}/ORDER_FLOW_BASE_LINE.yaml (items 2 × 70 + 160 = declared 300); {SEED} "
      "(860 = 860)", actions=["confirm"], versions=V1, domains=LOGISTICS)
def linked_value_within_declared(ctx: CheckContext) -> Iterator[Violation]:
    """Goods worth more than declared are shipped under-insured, at the LSP's expense."""
    search = latest(ctx, "search")
    if search is None:
        return
    declared = amount(get(search.body, "intent", PD, "value", "value"))
    if declared is None:
        return
    total = Decimal(0)
    for _, item in items_of(get_dict(order_of(ctx.payload), LINKED), "items"):
        count, price = amount(get(item, "quantity", "count")), amount(get(item, "price", "value"))
        if count is None or price is None:
            return
        total += count * price
    if total - declared > TOLERANCE:
        yield Violation(opath(LINKED, "items"), f"items total {amount_text(total)} exceeds the "
                        f"declared value {amount_text(declared)} (tolerance {TOLERANCE})",
                        expected=f"at most {amount_text(declared)}", actual=amount_text(total))


def _package(weight: Any, dimensions: Any) -> dict[str, Any]:
    """Weight in grams and each dimension's number, for a comparison that ignores notation."""
    out: dict[str, Any] = {}
    grams_value = grams(weight)
    if grams_value is not None:
        out["weight"] = f"{grams_value.normalize()} g"
    for side in ("length", "breadth", "height"):
        number = amount(get(dimensions, side, "value"))
        if number is not None:
            out[side] = str(number.normalize())
    return out


@rule("LOG-LINKED-004", "confirm ships the package that was searched: same weight and "
      "dimensions", Severity.MAJOR,
      spec=f"{ATTR11} on_confirm linked_order.order.weight.value (\"if weight and / or "
      "dimensions provided are different from what was initially provided (in /search), LSP can "
      f"NACK /confirm with error code 60011\"); {ERRORS} 60011, 62507", actions=["confirm"],
      versions=V1, domains=LOGISTICS)
def linked_package_as_searched(ctx: CheckContext) -> Iterator[Violation]:
    """The price was computed for the searched package."""
    search = latest(ctx, "search")
    if search is None:
        return
    details = get_dict(search.body, "intent", PD)
    linked_order_part = get_dict(order_of(ctx.payload), LINKED, "order")
    if not details or not linked_order_part:
        return
    searched = _package(details.get("weight"), details.get("dimensions"))
    shipped = _package(linked_order_part.get("weight"), linked_order_part.get("dimensions"))
    for key in searched:
        if key not in shipped:
            continue
        parts = ("weight",) if key == "weight" else ("dimensions", key, "value")
        for change in diff_paths(searched[key], shipped[key],
                                 base=opath(LINKED, "order", *parts)):
            yield Violation(change.path, f"package {key} differs from the search",
                            expected=change.old, actual=change.new)


# --- on_confirm ---------------------------------------------------------------------------------

@rule("LOG-ONCONF-001", "on_confirm's order state is Created, Accepted or Cancelled",
      Severity.MAJOR, spec=f"{ATTR11} on_confirm order.state (enum \"Created\", \"Accepted\", "
      f"\"Cancelled\"); {SEED} on_confirm", actions=["on_confirm"], versions=V1,
      domains=LOGISTICS)
def on_confirm_state(ctx: CheckContext) -> Iterator[Violation]:
    """Anything else claims progress (In-progress, Completed) before any pickup."""
    order = get(ctx.payload, "message", "order")
    if isinstance(order, dict) and not member(order.get("state"), ON_CONFIRM_STATES):
        yield Violation(opath("state"), "not an on_confirm order state",
                        expected=sorted(ON_CONFIRM_STATES), actual=order.get("state"))


@rule("LOG-ONCONF-002", "on_confirm's forward fulfillment has not been picked up yet (Pending, "
      "Searching-for-Agent or Agent-assigned)", Severity.MAJOR,
      spec=f"{FLOWS10}/ORDER_FLOW_BASE_LINE.yaml on_confirm (Pending), IMMEDIATE_DELIVERY_FLOW."
      f"yaml on_confirm (Agent-assigned); {SEED} on_confirm", actions=["on_confirm"],
      versions=V1, domains=LOGISTICS)
def on_confirm_not_picked(ctx: CheckContext) -> Iterator[Violation]:
    """Nothing moves before the order exists; later states belong in on_status."""
    order_cancelled = order_of(ctx.payload).get("state") == CANCELLED
    for index, fulfillment in fulfillments(ctx.payload):
        code = state_code(fulfillment)
        if code is None or (code not in STAGE and code != CANCELLED):
            continue
        if code in PRE_PICKUP_OK or (code == CANCELLED and order_cancelled):
            continue
        yield Violation(opath("fulfillments", index, "state", "descriptor", "code"),
                        f"{code} in on_confirm", expected=sorted(PRE_PICKUP_OK), actual=code)


@rule("LOG-ONCONF-003", "on_confirm says whether live tracking is enabled (fulfillment tracking "
      "is a boolean)", Severity.MINOR,
      spec=f"{ATTR11} on_confirm fulfillments.tracking (required: \"should be true if live "
      "tracking is enabled\")", actions=["on_confirm"], versions=V125, domains=LOGISTICS)
def on_confirm_tracking_flag(ctx: CheckContext) -> Iterator[Violation]:
    """The LBNP offers tracking to its buyer only when the LSP says it has it."""
    for index, fulfillment in fulfillments(ctx.payload):
        if fulfillment.get("type") in ("Delivery", None) and not isinstance(
                fulfillment.get("tracking"), bool):
            yield Violation(opath("fulfillments", index, "tracking"), "tracking is not a boolean",
                            expected="true or false", actual=fulfillment.get("tracking"))

