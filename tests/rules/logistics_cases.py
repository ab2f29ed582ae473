"""One minimal mutation of the valid logistics flow per rule, and the exact finding it must give.

Each :class:`Case` breaks one thing in :func:`logistics_flow.build_flow` and names the step it
checks (with the earlier steps of its branch as history) and the single JSONPath at which the
rule must report it.  ``test_logistics.py`` runs them; ``test_rule_cases.py`` reads
``ALL_CASES`` to check that every rule of the catalogue has a failing case somewhere.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from logistics_flow import BPP_ID, PICKUP_GPS, Flow, at, line, stamp

Mutation = Callable[[Flow], None]


@dataclass(frozen=True)
class Case:
    rule_id: str
    step: str
    path: str
    mutate: Mutation
    why: str
    branch: str | None = None

    @property
    def id(self) -> str:
        return f"{self.rule_id}:{self.why}"


def setter(step: str, *path: str | int, value: Any) -> Mutation:
    def mutate(flow: Flow) -> None:
        at(flow[step], *path[:-1])[path[-1]] = value
    return mutate


def deleter(step: str, *path: str | int) -> Mutation:
    def mutate(flow: Flow) -> None:
        del at(flow[step], *path[:-1])[path[-1]]
    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(flow: Flow) -> None:
        for mutation in mutations:
            mutation(flow)
    return mutate


def appender(step: str, *path: str | int, value: Any) -> Mutation:
    def mutate(flow: Flow) -> None:
        at(flow[step], *path).append(copy.deepcopy(value))
    return mutate


def every_context(key: str, value: Any) -> Mutation:
    def mutate(flow: Flow) -> None:
        for payload in flow.values():
            payload["context"][key] = value
    return mutate


INTENT = ("message", "intent")
IP = "$.message.intent"
PD = "@ondc/org/payload_details"
PDP = f"{IP}['{PD}']"
C = ("message", "catalog", "bpp/providers", 0)
CP = "$.message.catalog['bpp/providers'][0]"
ORD = ("message", "order")
OP = "$.message.order"
F0 = (*ORD, "fulfillments", 0)
F0P = f"{OP}.fulfillments[0]"
F1 = (*ORD, "fulfillments", 1)
F1P = f"{OP}.fulfillments[1]"
Q = (*ORD, "quote")
QP = f"{OP}.quote"
LO = (*ORD, "@ondc/org/linked_order")
LOP = f"{OP}['@ondc/org/linked_order']"
PAY = (*ORD, "payment")
PAYP = f"{OP}.payment"
T = ("message", "tracking")
TP = "$.message.tracking"
TT = "@ondc/org/title_type"


def _duplicate_provider(flow: Flow) -> None:
    providers = at(flow["on_search"], "message", "catalog", "bpp/providers")
    providers.append(copy.deepcopy(providers[0]))


def _offer_only(category: str) -> Mutation:
    def mutate(flow: Flow) -> None:
        provider = at(flow["on_search"], *C)
        provider["categories"][0]["id"] = category
        for item in provider["items"]:
            item["category_id"] = category
    return mutate


def _cod_without_settlement(flow: Flow) -> None:
    linked = at(flow["confirm"], *F0, "tags", 0, "list")
    linked += [{"code": "cod_order", "value": True},
               {"code": "collection_amount", "value": "300.00"}]


def _no_rto_lines(flow: Flow) -> None:
    quote = at(flow["on_cancel_rto"], *Q)
    quote["breakup"] = quote["breakup"][:2]
    quote["price"]["value"] = "59.00"


def _drop_rto_event(flow: Flow) -> None:
    tags = at(flow["on_cancel_rto"], *F0, "tags")
    tags[:] = [t for t in tags if t["code"] != "rto_event"]


SEARCH = [
    Case("LOG-SEARCH-001", "search", f"{IP}.category.id",
         setter("search", *INTENT, "category", "id", value="Hyperlocal"), "unknown category"),
    Case("LOG-SEARCH-002", "search", f"{IP}.fulfillment.start.location.gps",
         setter("search", *INTENT, "fulfillment", "start", "location", "gps", value="12.97;77.59"),
         "pickup gps not lat,lng"),
    Case("LOG-SEARCH-003", "search", f"{IP}.fulfillment.end.location.gps",
         setter("search", *INTENT, "fulfillment", "end", "location", "gps", value="12.974,77.613"),
         "3 decimals"),
    Case("LOG-SEARCH-004", "search", f"{IP}.fulfillment.start.location.address.area_code",
         setter("search", *INTENT, "fulfillment", "start", "location", "address", "area_code",
                value="5600"), "4-digit pin"),
    Case("LOG-SEARCH-005", "search", f"{IP}.payment.type",
         setter("search", *INTENT, "payment", "type", value="PREPAID"), "unknown payment type"),
    Case("LOG-SEARCH-006", "search", f"{IP}.fulfillment.type",
         setter("search", *INTENT, "fulfillment", "type", value="Prepaid"), "1.0.0 type in 1.2.5"),
    Case("LOG-SEARCH-007", "search", f"{PDP}.weight",
         setter("search", *INTENT, PD, "weight", "unit", value="pound"), "weight in pounds"),
    Case("LOG-SEARCH-008", "search", f"{PDP}.dimensions.height",
         setter("search", *INTENT, PD, "dimensions", "height", "value", value=0), "zero height"),
    Case("LOG-SEARCH-009", "search", f"{PDP}.value.value",
         setter("search", *INTENT, PD, "value", "value", value="NaN"), "NaN declared value"),
    Case("LOG-SEARCH-010", "search", f"{IP}.provider.time.range.end",
         setter("search", *INTENT, "provider", "time", "range", "end", value="1000"),
         "closes before it opens"),
    Case("LOG-SEARCH-011", "search", f"{IP}.fulfillment.tags[1].list[1].value",
         setter("search", *INTENT, "fulfillment", "tags", 1, "list", 1, "value", value="350.00"),
         "tag value differs from payload details"),
    Case("LOG-SEARCH-012", "search", f"{IP}.category.id",
         setter("search", *INTENT, "category", "id", value="Express Delivery"), "air on LOG10"),
    Case("LOG-SEARCH-012", "on_search", f"{CP}.categories[0].id",
         setter("on_search", *C, "categories", 0, "id", value="Express Delivery"),
         "catalogue offers air on LOG10"),
    Case("LOG-SEARCH-013", "search", f"{IP}.payment['@ondc/org/collection_amount']",
         setter("search", *INTENT, "payment", "type", value="ON-FULFILLMENT"),
         "COD without an amount"),
]

CATALOGUE = [
    Case("LOG-CAT-001", "on_search", "$.message.catalog['bpp/providers'][1].id",
         _duplicate_provider, "provider twice"),
    Case("LOG-CAT-002", "on_search", f"{CP}.items[1].id",
         setter("on_search", *C, "items", 1, "id", value="I1"), "item id twice"),
    Case("LOG-CAT-003", "on_search", f"{CP}.categories[0].id",
         setter("on_search", *C, "categories", 0, "id", value="Hyperlocal"),
         "unknown category"),
    Case("LOG-CAT-004", "on_search", f"{CP}.categories[1].id",
         appender("on_search", *C, "categories", value={
             "id": "Immediate Delivery", "time": {"label": "TAT", "duration": "PT60M",
                                                  "timestamp": "2025-05-23"}}),
         "category twice"),
    Case("LOG-CAT-005", "on_search", f"{CP}.items[0].category_id",
         setter("on_search", *C, "items", 0, "category_id", value="Same Day Delivery"),
         "item in an unlisted category"),
    Case("LOG-CAT-006", "on_search", f"{CP}.items[0].fulfillment_id",
         setter("on_search", *C, "items", 0, "fulfillment_id", value="F9"),
         "item for an unlisted fulfillment"),
    Case("LOG-CAT-007", "on_search", f"{CP}.categories[0].time.duration",
         setter("on_search", *C, "categories", 0, "time", "duration", value="60 minutes"),
         "TAT not a duration"),
    Case("LOG-CAT-008", "on_search", f"{CP}.items[0].price.value",
         setter("on_search", *C, "items", 0, "price", "value", value="0"),
         "free forward delivery"),
    Case("LOG-CAT-009", "on_search", f"{CP}.items[1].parent_item_id",
         setter("on_search", *C, "items", 1, "parent_item_id", value="I9"),
         "RTO quote for an unknown item"),
    Case("LOG-CAT-010", "on_search", f"{CP}.fulfillments[0].start.time.duration",
         deleter("on_search", *C, "fulfillments", 0, "start"), "no time to pickup"),
    Case("LOG-CAT-011", "on_search", f"{CP}.items[0].time.timestamp",
         setter("on_search", *C, "items", 0, "time", "timestamp", value="2025-05-22"),
         "delivery date yesterday"),
    Case("LOG-CAT-012", "on_search", f"{CP}.items[0].time.duration",
         setter("on_search", *C, "items", 0, "time", "duration", value="PT90M"),
         "immediate in 90 minutes"),
    Case("LOG-CAT-013", "on_search", "$.message.catalog['bpp/descriptor'].tags",
         setter("on_search", "message", "catalog", "bpp/descriptor", "tags", 0, "list", 1,
                "value", value=""), "no static terms"),
    Case("LOG-CAT-014", "on_search", f"{CP}.fulfillments[1].id",
         setter("on_search", *C, "fulfillments", 1, "id", value="F1"), "fulfillment id twice"),
    Case("LOG-CAT-015", "on_search", f"{CP}.fulfillments[1].type",
         setter("on_search", *C, "fulfillments", 1, "type", value="Return-to-origin"),
         "unknown fulfillment type"),
    Case("LOG-CAT-016", "on_search", "$.message.catalog['bpp/providers']",
         _offer_only("Same Day Delivery"), "asked Immediate, offered Same Day"),
]

INIT = [
    Case("LOG-INIT-001", "init", f"{OP}.provider.id",
         setter("init", *ORD, "provider", "id", value="P9"), "unknown provider"),
    Case("LOG-INIT-002", "init", f"{OP}.items[0].id",
         setter("init", *ORD, "items", 0, "id", value="I9"), "unknown item"),
    Case("LOG-INIT-003", "init", f"{OP}.items[0].category_id",
         setter("init", *ORD, "items", 0, "category_id", value="Same Day Delivery"),
         "relabelled category"),
    Case("LOG-INIT-004", "init", f"{F0P}.end.contact.phone",
         deleter("init", *F0, "end", "contact"), "drop without contact"),
    Case("LOG-INIT-005", "init", f"{OP}.billing.tax_number",
         deleter("init", *ORD, "billing", "tax_number"), "no GST number"),
    Case("LOG-INIT-006", "init", f"{OP}.billing.tax_number",
         setter("init", *ORD, "billing", "tax_number", value="AS34234HKJ342KH"), "not a GSTIN"),
    Case("LOG-INIT-007", "init", f"{F0P}.end.location.gps",
         setter("init", *F0, "end", "location", "gps", value="12.9800,77.6200"),
         "drop moved since search"),
    Case("LOG-ORDER-001", "on_init", f"{OP}.items[0].fulfillment_id",
         setter("on_init", *ORD, "items", 0, "fulfillment_id", value="F9"),
         "item for no fulfillment of the order"),
    Case("LOG-ORDER-002", "on_confirm", f"{F0P}.start.location.gps",
         setter("on_confirm", *F0, "start", "location", "gps", value="abc"), "gps junk"),
]

CONFIRM = [
    Case("LOG-CONFIRM-001", "confirm", f"{OP}.id", deleter("confirm", *ORD, "id"), "no order id"),
    Case("LOG-CONFIRM-002", "confirm", f"{OP}.state",
         setter("confirm", *ORD, "state", value="Accepted"), "LBNP accepts its own order"),
    Case("LOG-CONFIRM-003", "confirm", f"{OP}.updated_at",
         setter("confirm", *ORD, "updated_at", value=stamp(19)), "updated before created"),
    Case("LOG-CONFIRM-004", "update", f"{F0P}.start.instructions.short_desc",
         deleter("update", *F0, "start", "instructions", "short_desc"), "RTS without code"),
    Case("LOG-CONFIRM-005", "confirm", f"{F0P}.start.instructions.code",
         setter("confirm", *F0, "start", "instructions", value={"code": "7",
                                                                "short_desc": "123456"}),
         "unknown pickup code type"),
    Case("LOG-CONFIRM-006", "update", f"{F0P}.start.instructions.short_desc",
         setter("update", *F0, "start", "instructions", "short_desc", value="1234567"),
         "seven-character code"),
    Case("LOG-CONFIRM-007", "confirm", f"{OP}.tags[0].list[0].value",
         setter("confirm", *ORD, "tags", 0, "list", 0, "value", value=False), "terms rejected"),
    Case("LOG-CONFIRM-008", "confirm", f"{OP}.items[0].time.duration",
         setter("confirm", *ORD, "items", 0, "time", "duration", value="PT30M"),
         "TAT shorter than quoted"),
    Case("LOG-LINKED-001", "confirm", f"{LOP}.items[0].quantity.count",
         setter("confirm", *LO, "items", 0, "quantity", "count", value=0), "zero count"),
    Case("LOG-LINKED-002", "confirm", f"{LOP}.order.weight",
         setter("confirm", *LO, "order", "weight", "value", value=2), "lighter than items"),
    Case("LOG-LINKED-003", "confirm", f"{LOP}.items",
         setter("confirm", *LO, "items", 1, "price", "value", value="200.00"),
         "items worth more than declared"),
    Case("LOG-LINKED-004", "confirm", f"{LOP}.order.dimensions.height.value",
         setter("confirm", *LO, "order", "dimensions", "height", "value", value=12),
         "taller than searched"),
    Case("LOG-ONCONF-001", "on_confirm", f"{OP}.state",
         setter("on_confirm", *ORD, "state", value="In-progress"), "in progress at once"),
    Case("LOG-ONCONF-002", "on_confirm", f"{F0P}.state.descriptor.code",
         setter("on_confirm", *F0, "state", "descriptor", "code", value="Order-picked-up"),
         "picked up at confirmation"),
    Case("LOG-ONCONF-003", "on_confirm", f"{F0P}.tracking",
         deleter("on_confirm", *F0, "tracking"), "no tracking flag"),
]

QUOTE = [
    Case("LOG-QUOTE-001", "on_init", f"{QP}.price.value",
         setter("on_init", *Q, "price", "value", value="60.00"), "total off by a rupee"),
    Case("LOG-QUOTE-002", "on_init", f"{QP}.breakup[1].price.value",
         setter("on_init", *Q, "breakup", 1, "price", "value", value="NaN"), "NaN tax"),
    Case("LOG-QUOTE-003", "on_init", f"{QP}.breakup[1]['{TT}']",
         setter("on_init", *Q, "breakup", 1, TT, value="Tax"), "capitalised title type"),
    Case("LOG-QUOTE-004", "on_init", f"{QP}.breakup[1]['@ondc/org/item_id']",
         setter("on_init", *Q, "breakup", 1, "@ondc/org/item_id", value="X1"),
         "line for an unknown item"),
    Case("LOG-QUOTE-005", "on_init", f"{QP}.breakup",
         setter("on_init", *Q, "breakup", 0, TT, value="surge"), "no delivery line"),
    Case("LOG-QUOTE-006", "on_init", f"{QP}.ttl", deleter("on_init", *Q, "ttl"), "no quote ttl"),
    Case("LOG-QUOTE-007", "on_init", f"{QP}.breakup[1].price.value",
         both(setter("on_init", *Q, "breakup", 1, "price", "value", value="-9.00"),
              setter("on_init", *Q, "price", "value", value="41.00")), "negative tax"),
    Case("LOG-QUOTE-008", "on_init", f"{QP}.breakup[0].price.value",
         setter("on_search", *C, "items", 0, "price", "value", value="65.00"),
         "catalogue said 65, on_init says 59"),
    Case("LOG-QUOTE-009", "on_status", f"{QP}.breakup[2]['{TT}']",
         appender("on_status", *Q, "breakup", value=line("I2", "rto", "80.00")),
         "rto charge without RTO"),
    Case("LOG-QUOTE-010", "on_confirm", f"{QP}.breakup[2]['{TT}']",
         both(appender("on_confirm", *Q, "breakup", value=line("I1", "cod", "9.00")),
              setter("on_confirm", *Q, "price", "value", value="68.00")),
         "cod fee on a prepaid order"),
    Case("LOG-QUOTE-011", "on_status", f"{QP}.breakup[2]['{TT}']",
         appender("on_status", *Q, "breakup", value=line("I1", "diff", "10.00")),
         "unproven weight differential"),
    Case("LOG-QUOTE-012", "on_init", f"{QP}.price.currency",
         setter("on_init", *Q, "price", "currency", value="USD"), "dollars"),
]

PAYMENT = [
    Case("LOG-PAY-001", "init", f"{PAYP}.type", setter("init", *PAY, "type", value="PREPAID"),
         "unknown payment type"),
    Case("LOG-PAY-002", "confirm", f"{PAYP}['@ondc/org/settlement_window']",
         setter("confirm", *PAY, "@ondc/org/settlement_window", value="PT2D"),
         "PT2D as in the 1.0.0 seed"),
    Case("LOG-PAY-003", "init", f"{PAYP}['@ondc/org/settlement_basis']",
         deleter("init", *PAY, "@ondc/org/settlement_basis"), "invoice without basis"),
    Case("LOG-PAY-004", "on_init",
         f"{PAYP}['@ondc/org/settlement_details'][0].settlement_counterparty",
         setter("on_init", *PAY, "@ondc/org/settlement_details", 0, "settlement_counterparty",
                value="seller-app"), "retail counterparty"),
    Case("LOG-PAY-005", "on_init", f"{PAYP}['@ondc/org/settlement_details'][0].upi_address",
         deleter("on_init", *PAY, "@ondc/org/settlement_details", 0, "upi_address"),
         "upi without address"),
    Case("LOG-PAY-006", "init", f"{PAYP}['@ondc/org/collection_amount']",
         setter("init", *PAY, "type", value="ON-FULFILLMENT"), "COD without amount"),
    Case("LOG-PAY-007", "on_status_delivered", f"{PAYP}.status",
         both(setter("on_status_delivered", *PAY, "type", value="ON-FULFILLMENT"),
              setter("on_status_delivered", *PAY, "status", value="NOT-PAID")),
         "COD delivered, cash not collected"),
    Case("LOG-PAY-008", "confirm", f"{F0P}.tags", _cod_without_settlement,
         "COD without cod_settlement_detail"),
]

XSTEP = [
    Case("LOG-XSTEP-001", "status", "$.message.order_id",
         setter("status", "message", "order_id", value="O-OTHER"), "status for another order"),
    Case("LOG-XSTEP-002", "on_confirm", f"{OP}.id",
         setter("on_confirm", *ORD, "id", value="O-OTHER"), "LSP renames the order"),
    Case("LOG-XSTEP-003", "on_confirm", f"{OP}.provider.id",
         setter("on_confirm", *ORD, "provider", "id", value="P2"), "another provider"),
    Case("LOG-XSTEP-004", "on_init", f"{OP}.items[1]",
         appender("on_init", *ORD, "items", value={"id": "I2"}), "item added in on_init"),
    Case("LOG-XSTEP-005", "on_confirm", f"{F0P}.end.location.address.area_code",
         setter("on_confirm", *F0, "end", "location", "address", "area_code", value="560099"),
         "drop moved at confirmation"),
    Case("LOG-XSTEP-006", "on_init", f"{OP}.billing.phone",
         setter("on_init", *ORD, "billing", "phone", value="9000000000"), "billing changed"),
    Case("LOG-XSTEP-007", "confirm", f"{QP}.breakup[0].price.value",
         setter("confirm", *Q, "breakup", 0, "price", "value", value="45.00"),
         "LBNP lowers the price"),
    Case("LOG-XSTEP-008", "on_confirm", f"{QP}.breakup[0].price.value",
         setter("on_confirm", *Q, "breakup", 0, "price", "value", value="45.00"),
         "LSP changes the price"),
    Case("LOG-XSTEP-009", "on_confirm", f"{OP}.created_at",
         setter("on_confirm", *ORD, "created_at", value=stamp(21)), "created twice"),
    Case("LOG-XSTEP-010", "on_confirm",
         f"{OP}.cancellation_terms[1].cancellation_fee.percentage",
         setter("on_confirm", *ORD, "cancellation_terms", 1, "cancellation_fee", "percentage",
                value="60.00"), "fee raised at acceptance"),
    Case("LOG-XSTEP-011", "confirm", f"{PAYP}.type",
         setter("confirm", *PAY, "type", value="ON-ORDER"), "prepaid at confirm"),
    Case("LOG-XSTEP-012", "on_confirm", f"{LOP}.order.id",
         setter("on_confirm", *LO, "order", "id", value="RO2"), "linked order rewritten"),
    Case("LOG-XSTEP-013", "on_status", f"{QP}.breakup[0].price.value",
         both(setter("on_status", *Q, "breakup", 0, "price", "value", value="45.00"),
              setter("on_status", *Q, "price", "value", value="54.00")),
         "delivery charge changed after acceptance"),
    Case("LOG-XSTEP-014", "on_status_delivered", f"{F0P}.start.time.timestamp",
         setter("on_status_delivered", *F0, "start", "time", "timestamp", value=stamp(48)),
         "pickup time moved"),
    Case("LOG-XSTEP-015", "on_update", f"{F0P}.start.instructions.short_desc",
         setter("on_update", *F0, "start", "instructions", "short_desc", value="654321"),
         "pickup code replaced"),
]

STATUS = [
    Case("LOG-STATUS-001", "on_status", f"{F0P}.state.descriptor.code",
         setter("on_status", *F0, "state", "descriptor", "code", value="Packed"),
         "retail state"),
    Case("LOG-TRANS-001", "on_status_picked", f"{F0P}.state.descriptor.code",
         setter("on_status_picked", *F0, "state", "descriptor", "code", value="Pending"),
         "back to Pending after Agent-assigned"),
    Case("LOG-STATUS-002", "on_status_picked", f"{F0P}.start.time.timestamp",
         deleter("on_status_picked", *F0, "start", "time", "timestamp"), "no pickup time"),
    Case("LOG-STATUS-003", "on_status_delivered", f"{F0P}.end.time.timestamp",
         deleter("on_status_delivered", *F0, "end", "time", "timestamp"), "no delivery time"),
    Case("LOG-STATUS-004", "on_status_delivered", f"{F0P}.end.time.timestamp",
         setter("on_status_delivered", *F0, "end", "time", "timestamp", value=stamp(48)),
         "delivered before pickup"),
    Case("LOG-STATUS-005", "on_status_rto", f"{F1P}.end.time.timestamp",
         deleter("on_status_rto", *F1, "end", "time"), "RTO delivered without time"),
    Case("LOG-STATUS-006", "on_status", f"{F0P}.agent",
         deleter("on_status", *F0, "agent", "phone"), "agent without phone"),
    Case("LOG-STATUS-007", "on_status_delivered", f"{OP}.state",
         setter("on_status_delivered", *ORD, "state", value="In-progress"),
         "delivered, order not completed"),
    Case("LOG-STATUS-008", "on_update", f"{F0P}.start.time.range.end",
         setter("on_update", *F0, "start", "time", "range", "end", value=stamp(30)),
         "pickup slot ends before it starts"),
    Case("LOG-STATUS-009", "on_status_delivered", f"{F0P}.end.instructions.images[0]",
         setter("on_status_delivered", *F0, "end", "instructions", value={
             "images": ["proof.jpg"]}), "proof not a URL"),
    Case("LOG-STATUS-010", "on_status", f"{F0P}.id",
         setter("on_status", *F0, "id", value="F7"), "unknown fulfillment"),
    Case("LOG-STATUS-011", "on_update", f"{F0P}.agent",
         setter("on_update", *F0, "agent", value={"name": "Ravi", "phone": "9876543210"}),
         "agent while searching for one"),
    Case("LOG-STATE-001", "on_status", f"{OP}.state",
         setter("on_status", *ORD, "state", value="Accepted"), "order state goes back"),
    Case("LOG-AWB-001", "on_confirm", f"{F0P}['@ondc/org/awb_no']",
         setter("on_confirm", *F0, "@ondc/org/awb_no", value="AWB-1"), "AWB not digits"),
    Case("LOG-AWB-002", "on_status_picked", f"{F0P}['@ondc/org/awb_no']",
         every_context("domain", "ONDC:LOG11"), "P2H2P picked up without AWB"),
    Case("LOG-TRACK-001", "on_track", TP, deleter("on_track", *T, "location"),
         "active without a position"),
    Case("LOG-TRACK-002", "on_track", f"{TP}.status",
         setter("on_track", *T, "status", value="live"), "unknown status"),
    Case("LOG-TRACK-003", "on_track", f"{TP}.id", setter("on_track", *T, "id", value="F9"),
         "unknown fulfillment"),
    Case("LOG-TRACK-004", "on_track", f"{TP}.location.gps",
         setter("on_track", *T, "location", "gps", value="999,999"), "position off the map"),
]

CANCEL = [
    Case("LOG-CANCEL-001", "cancel", "$.message.cancellation_reason_id",
         setter("cancel", "message", "cancellation_reason_id", value="1"), "one digit"),
    Case("LOG-CANCEL-002", "cancel", "$.message.cancellation_reason_id",
         setter("cancel", "message", "cancellation_reason_id", value="013"),
         "RTO reason claimed by the LBNP"),
    Case("LOG-CANCEL-003", "on_cancel", f"{OP}.cancellation.cancelled_by",
         deleter("on_cancel", *ORD, "cancellation", "cancelled_by"), "who cancelled?"),
    Case("LOG-CANCEL-004", "on_cancel", f"{OP}.cancellation.reason.id",
         setter("on_cancel", *ORD, "cancellation", "reason", "id", value="152"),
         "reason changed"),
    Case("LOG-CANCEL-005", "on_cancel", f"{OP}.cancellation.cancelled_by",
         setter("on_cancel", *ORD, "cancellation", "cancelled_by", value=BPP_ID),
         "LSP blamed for the LBNP's cancel"),
    Case("LOG-CANCEL-006", "on_cancel", f"{OP}.state",
         setter("on_cancel", *ORD, "state", value="In-progress"), "order not cancelled"),
    Case("LOG-CANCEL-007", "on_cancel", f"{QP}.price.value",
         both(setter("on_cancel", *Q, "price", "value", value="59.00"),
              setter("on_cancel", *Q, "breakup", 0, "price", "value", value="50.00"),
              setter("on_cancel", *Q, "breakup", 1, "price", "value", value="9.00")),
         "full charge where the terms say 50 %"),
    Case("LOG-CANCEL-008", "on_init", f"{OP}.cancellation_terms[1].cancellation_fee",
         setter("on_init", *ORD, "cancellation_terms", 1, "cancellation_fee", "percentage",
                value="150.00"), "150 % fee"),
    Case("LOG-CANCEL-009", "on_cancel", f"{F0P}.tags[4].list[0].value",
         setter("on_cancel", *F0, "tags", 4, "list", 0, "value", value="Pending"),
         "precancel state rewritten"),
    Case("LOG-RTO-001", "on_cancel_rto", f"{F1P}.state.descriptor.code",
         setter("on_cancel_rto", *F1, "state", "descriptor", "code", value="RTO-Delivered"),
         "RTO born delivered"),
    Case("LOG-RTO-002", "on_cancel_rto", f"{F1P}.start.location.gps",
         setter("on_cancel_rto", *F1, "start", "location", "gps", value=PICKUP_GPS),
         "RTO starts at the pickup"),
    Case("LOG-RTO-003", "on_cancel_rto", f"{F0P}.state.descriptor.code",
         setter("on_cancel_rto", *F0, "state", "descriptor", "code", value="Order-picked-up"),
         "forward still moving beside RTO"),
    Case("LOG-RTO-004", "on_cancel_rto", f"{F0P}.tags", _drop_rto_event,
         "marked RTO without rto_event"),
    Case("LOG-RTO-005", "on_cancel_rto", f"{QP}.breakup", _no_rto_lines, "RTO not charged"),
    Case("LOG-RTO-006", "on_cancel_rto", f"{F1P}.type",
         setter("on_status_picked", *F0, "state", "descriptor", "code", value="Agent-assigned"),
         "RTO before pickup"),
    Case("LOG-UPDATE-001", "update", "$.message.update_target",
         setter("update", "message", "update_target", value="order"), "unknown target"),
    Case("LOG-UPDATE-002", "update", f"{F0P}.id", setter("update", *F0, "id", value="F9"),
         "update for an unknown fulfillment"),
    Case("LOG-UPDATE-003", "on_update", f"{F0P}.end.time.range",
         deleter("on_update", *F0, "end", "time", "range"), "no delivery slot after RTS"),
]

ALL_CASES: list[Case] = [*SEARCH, *CATALOGUE, *INIT, *CONFIRM, *QUOTE, *PAYMENT, *XSTEP,
                         *STATUS, *CANCEL]
