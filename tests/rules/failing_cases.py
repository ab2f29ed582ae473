"""One minimal mutation of the valid flow per rule, and the exact finding it must produce.

Each :class:`Case` breaks one thing in one step of :func:`retail_flow.build_flow` and names the
single JSONPath at which the rule must report it.  ``test_rule_cases.py`` runs them, and checks
that every rule of the catalogue has at least one case here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mutations import at, both, deleter, setter
from retail_flow import Flow, stamp

Mutation = Callable[[Flow], None]


@dataclass(frozen=True)
class Case:
    rule_id: str
    step: str
    path: str
    mutate: Mutation
    why: str

    @property
    def id(self) -> str:
        return f"{self.rule_id}:{self.why}"


def ctx(step: str, key: str, value: Any) -> Mutation:
    return setter(step, "context", key, value=value)


ORDER = ("message", "order")
QUOTE = (*ORDER, "quote")
Q = "$.message.order.quote"
TERMS = (*ORDER, "cancellation_terms")


def _duplicate_fulfillment(flow: Flow) -> None:
    fulfillments = at(flow["on_confirm"], *ORDER, "fulfillments")
    fulfillments.append(dict(fulfillments[0]))


def _drop_delivery_line(flow: Flow) -> None:
    quote = at(flow["on_select"], *QUOTE)
    del quote["breakup"][3]
    quote["price"]["value"] = "581.50"


def _untracked(flow: Flow) -> None:
    tracking = at(flow["on_track"], "message", "tracking")
    del tracking["url"], tracking["location"]


CONTEXT = [
    Case("CTX-REQ-001", "on_select", "$.context.bap_uri", deleter("on_select", "context",
                                                                  "bap_uri"), "no bap_uri"),
    Case("CTX-TXN-001", "on_init", "$.context.transaction_id",
         ctx("on_init", "transaction_id", "another-transaction"), "txn changes in on_init"),
    Case("CTX-TXN-002", "on_search", "$.context.transaction_id",
         ctx("on_search", "transaction_id", "another-transaction"), "on_search txn"),
    Case("CTX-MSGID-001", "select", "$.context.message_id",
         ctx("select", "message_id", "6f3c7a52-0d3b-4b8e-9f6a-2c1d5e7b9a10"), "msg id = txn"),
    Case("CTX-MSGID-002", "on_init", "$.context.message_id",
         ctx("on_init", "message_id", "not-the-init-message-id"), "on_init answers nothing"),
    Case("CTX-MSGID-003", "status", "$.context.message_id",
         ctx("status", "message_id", "9e2dc1e2-4f5a-8b9c-0d1e2f3a4b5c"), "status reuses init's"),
    Case("CTX-ACTION-001", "on_track", "$.context.action", ctx("on_track", "action", "ontrack"),
         "typo"),
    Case("CTX-ACTION-002", "on_track", "$.context.action", ctx("on_track", "action", "on_status"),
         "tracking labelled on_status"),
    Case("CTX-TIME-001", "confirm", "$.context.timestamp",
         ctx("confirm", "timestamp", "2025-05-23T08:00:30Z"), "no milliseconds"),
    Case("CTX-TIME-002", "on_init", "$.context.timestamp", ctx("on_init", "timestamp", stamp(19)),
         "on_init before init"),
    Case("CTX-TIME-003", "init", "$.context.timestamp", ctx("init", "timestamp", stamp(10.2)),
         "init before on_select"),
    Case("CTX-TTL-001", "on_select", "$.context.ttl", ctx("on_select", "ttl", "30 seconds"),
         "not a duration"),
    Case("CTX-TTL-002", "select", "$.context.ttl", ctx("select", "ttl", "PT60S"), "PT60S"),
    Case("CTX-TTL-002", "on_search", "$.context.ttl", ctx("on_search", "ttl", "PT30M"),
         "on_search PT30M"),
    Case("CTX-TTL-003", "search", "$.context.ttl", deleter("search", "context", "ttl"),
         "search without ttl"),
    Case("CTX-TTL-004", "on_select", "$.context.timestamp", ctx("on_select", "timestamp",
                                                                stamp(45)), "35 s after select"),
    Case("CTX-ID-001", "on_select", "$.context.bpp_id",
         ctx("on_select", "bpp_id", "https://seller.example.org"), "bpp_id is a URL"),
    Case("CTX-ID-002", "init", "$.context.bap_uri", ctx("init", "bap_uri", "buyer.example.org"),
         "bap_uri without scheme"),
    Case("CTX-ID-003", "on_confirm", "$.context.bap_id",
         ctx("on_confirm", "bap_id", "other-buyer.example.org"), "buyer changes"),
    Case("CTX-ID-004", "on_status", "$.context.bpp_uri",
         ctx("on_status", "bpp_uri", "https://other-seller.example.org/ondc"), "seller changes"),
    Case("CTX-ID-005", "on_search", "$.context.bpp_uri", deleter("on_search", "context",
                                                                 "bpp_uri"), "no bpp_uri"),
    Case("CTX-DOMAIN-001", "init", "$.context.domain", ctx("init", "domain", "ONDC:RET10"),
         "domain changes"),
    Case("CTX-CITY-001", "confirm", "$.context.city", ctx("confirm", "city", "std:011"),
         "city changes"),
    Case("CTX-CITY-002", "search", "$.context.city", ctx("search", "city", "Bengaluru"),
         "city name"),
    Case("CTX-COUNTRY-001", "track", "$.context.country", ctx("track", "country", "India"),
         "country name"),
    Case("CTX-VERSION-001", "on_status", "$.context.core_version",
         ctx("on_status", "core_version", "1.2.0"), "version changes"),
    Case("CTX-VERSION-002", "search", "$.context.core_version",
         ctx("search", "core_version", "1.2"), "version typo"),
]

QUOTES = [
    Case("RET-QUOTE-001", "on_select", f"{Q}.price.value",
         setter("on_select", *QUOTE, "price", "value", value="631.50"), "total 10 more"),
    Case("RET-QUOTE-002", "on_select", f"{Q}.breakup[0].price.value",
         setter("on_select", *QUOTE, "breakup", 0, "@ondc/org/item_quantity", "count", value=3),
         "count 3 priced as 2"),
    Case("RET-QUOTE-003", "on_select", f"{Q}.breakup[1].price.value",
         setter("on_select", *QUOTE, "breakup", 1, "price", "value", value="NaN"), "NaN tax"),
    Case("RET-QUOTE-004", "on_select", f"{Q}.breakup[3].price.currency",
         setter("on_select", *QUOTE, "breakup", 3, "price", "currency", value="USD"), "USD"),
    Case("RET-QUOTE-005", "on_select", f"{Q}.breakup[4]['@ondc/org/title_type']",
         setter("on_select", *QUOTE, "breakup", 4, "@ondc/org/title_type", value="packaging"),
         "packaging"),
    Case("RET-QUOTE-006", "on_select", f"{Q}.breakup[4]['@ondc/org/item_id']",
         setter("on_select", *QUOTE, "breakup", 4, "@ondc/org/item_id", value="F9"),
         "unknown fulfillment"),
    Case("RET-QUOTE-007", "on_select", f"{Q}.ttl", deleter("on_select", *QUOTE, "ttl"),
         "no quote ttl"),
    Case("RET-QUOTE-008", "on_select", f"{Q}.breakup", _drop_delivery_line, "no delivery line"),
    Case("RET-QUOTE-009", "on_select", f"{Q}.breakup[3].price.value",
         setter("on_select", *ORDER, "fulfillments", 0, "state", "descriptor", "code",
                value="Non-serviceable"), "delivery charged, not serviceable"),
]

FULFILLMENTS = [
    Case("RET-FULF-001", "on_init", "$.message.order.items[1].fulfillment_id",
         setter("on_init", *ORDER, "items", 1, "fulfillment_id", value="F2"), "unknown F2"),
    Case("RET-FULF-002", "on_confirm", "$.message.order.fulfillments[1].id",
         _duplicate_fulfillment, "F1 twice"),
    Case("RET-FULF-003", "on_select", "$.message.order.fulfillments[0].state.descriptor.code",
         setter("on_select", *ORDER, "fulfillments", 0, "state", "descriptor", "code",
                value="Pending"), "Pending before the order"),
    Case("RET-FULF-004", "on_select", "$.message.order.fulfillments[0]['@ondc/org/TAT']",
         setter("on_select", *ORDER, "fulfillments", 0, "@ondc/org/TAT", value="60 minutes"),
         "TAT in words"),
    Case("RET-FULF-005", "on_confirm", "$.message.order.fulfillments[0].type",
         setter("on_confirm", *ORDER, "fulfillments", 0, "type", value="delivery"),
         "lower-case type"),
    Case("RET-FULF-006", "on_select", "$.message.order.fulfillments[0]['@ondc/org/TAT']",
         setter("on_search", "message", "catalog", "bpp/providers", 0, "items", 0,
                "@ondc/org/time_to_ship", value="PT60M"),
         "ships when it should be delivered"),
]

CANCELLATION = [
    Case("RET-CANCEL-001", "on_init", "$.message.order.cancellation_terms",
         deleter("on_init", *TERMS), "no terms"),
    Case("RET-CANCEL-002", "on_confirm",
         "$.message.order.cancellation_terms[1].fulfillment_state.descriptor.code",
         deleter("on_confirm", *TERMS, 1, "fulfillment_state", "descriptor", "code"),
         "no state code"),
    Case("RET-CANCEL-003", "on_init",
         "$.message.order.cancellation_terms[1].cancellation_fee.percentage",
         setter("on_init", *TERMS, 1, "cancellation_fee", "percentage", value="110"),
         "110 percent"),
    Case("RET-CANCEL-004", "on_init", "$.message.order.cancellation_terms[0].reason_required",
         setter("on_init", *TERMS, 0, "reason_required", value="true"), "string true"),
]

CROSS_STEP = [
    Case("RET-XSTEP-001", "on_confirm", "$.message.order.items[0].quantity.count",
         setter("on_confirm", *ORDER, "items", 0, "quantity", "count", value=3), "count 3"),
    Case("RET-XSTEP-002", "on_confirm", "$.message.order.billing.phone",
         setter("on_confirm", *ORDER, "billing", "phone", value="9000000000"), "other phone"),
    Case("RET-XSTEP-003", "on_confirm", f"{Q}.breakup[0]['@ondc/org/item_quantity'].count",
         setter("on_confirm", *QUOTE, "breakup", 0, "@ondc/org/item_quantity", "count",
                value=3), "line quantity"),
    Case("RET-XSTEP-004", "on_init", f"{Q}.breakup[2]['@ondc/org/item_quantity'].count",
         setter("on_init", *QUOTE, "breakup", 2, "@ondc/org/item_quantity", "count", value=3),
         "line quantity"),
    Case("RET-XSTEP-005", "status", "$.message.order_id",
         setter("status", "message", "order_id", value="O-OTHER"), "other order"),
    Case("RET-XSTEP-006", "on_confirm", "$.message.order.id",
         setter("on_confirm", *ORDER, "id", value="O-OTHER"), "other order"),
    Case("RET-XSTEP-007", "on_init", "$.message.order.provider.id",
         setter("on_init", *ORDER, "provider", "id", value="P2"), "other store"),
    Case("RET-XSTEP-008", "on_select", "$.message.order.items[1].id",
         setter("on_select", *ORDER, "items", 1, "id", value="C9"), "unselected item"),
    Case("RET-XSTEP-009", "on_confirm",
         "$.message.order.cancellation_terms[1].cancellation_fee.percentage",
         setter("on_confirm", *TERMS, 1, "cancellation_fee", "percentage", value="20.00"),
         "fee raised"),
    Case("RET-XSTEP-010", "on_init", "$.message.order.billing.name",
         setter("on_init", *ORDER, "billing", "name", value="Someone Else"), "other name"),
    Case("RET-XSTEP-013", "on_confirm", "$.message.order.fulfillments[0].start.location.gps",
         both(*(setter(step, *ORDER, "fulfillments", 0, "start", value={"location": {
             "id": "L1", "gps": gps, "descriptor": {"name": "Store 1"}}})
             for step, gps in (("on_init", "12.9716,77.5946"),
                               ("on_confirm", "12.9352,77.6245")))),
         "ships from another place"),
]

PAYMENT = [
    Case("RET-PAY-001", "confirm", "$.message.order.payment.params.amount",
         setter("confirm", *ORDER, "payment", "params", "amount", value="600.00"), "underpaid"),
    Case("RET-PAY-002", "on_init",
         "$.message.order.payment['@ondc/org/buyer_app_finder_fee_amount']",
         setter("on_init", *ORDER, "payment", "@ondc/org/buyer_app_finder_fee_amount",
                value="5"), "fee 5 instead of 3"),
    Case("RET-PAY-003", "search", "$.message.intent.payment['@ondc/org/buyer_app_finder_fee_type']",
         setter("search", "message", "intent", "payment", "@ondc/org/buyer_app_finder_fee_type",
                value="Percent"), "capitalised type"),
    Case("RET-PAY-004", "on_confirm", "$.message.order.payment.collected_by",
         setter("on_confirm", *ORDER, "payment", "collected_by", value="SELLER"), "SELLER"),
]

STATES = [
    Case("RET-STATE-001", "on_status", "$.message.order.state",
         setter("on_status", *ORDER, "state", value="Shipped"), "not a state"),
    Case("RET-STATE-002", "on_confirm", "$.message.order.state",
         setter("on_confirm", *ORDER, "state", value="In-progress"), "already in progress"),
    Case("RET-STATE-003", "on_status", "$.message.order.state",
         both(setter("on_confirm", *ORDER, "state", value="Accepted"),
              setter("on_status", *ORDER, "state", value="Created")), "Accepted → Created"),
    Case("RET-ORDER-001", "confirm", "$.message.order.created_at",
         setter("confirm", *ORDER, "created_at", value=stamp(29)), "created a second early"),
    Case("RET-ORDER-002", "on_confirm", "$.message.order.updated_at",
         setter("on_confirm", *ORDER, "updated_at", value=stamp(31)), "updated_at not own"),
]

TRACKING = [
    Case("RET-TRACK-001", "on_track", "$.message.tracking", _untracked, "nothing to show"),
    Case("RET-TRACK-002", "on_track", "$.message.tracking.status",
         setter("on_track", "message", "tracking", "status", value="live"), "live"),
    Case("RET-TRACK-003", "on_track", "$.message.tracking.id",
         setter("on_track", "message", "tracking", "id", value="F2"), "unknown fulfillment"),
]

TRANSITIONS = [
    Case("RET-TRANS-001", "on_status", "$.message.order.fulfillments[0].state.descriptor.code",
         setter("on_status", *ORDER, "fulfillments", 0, "state", "descriptor", "code",
                value="In-transit"), "hub state on a P2P delivery"),
    Case("RET-TRANS-002", "on_status", "$.message.order.fulfillments[0].state.descriptor.code",
         both(setter("on_confirm", *ORDER, "fulfillments", 0, "state", "descriptor", "code",
                     value="Order-picked-up"),
              setter("on_status", *ORDER, "fulfillments", 0, "state", "descriptor", "code",
                     value="Packed")), "picked up, then packed again"),
]

PROVIDER = ("message", "catalog", "bpp/providers", 0)
P = "$.message.catalog['bpp/providers'][0]"


def _second_item_i1(flow: Flow) -> None:
    at(flow["on_search"], *PROVIDER, "items")[1]["id"] = "I1"


CATALOGUE = [
    Case("RET-CAT-001", "on_search", f"{P}.items[0].fulfillment_id",
         setter("on_search", *PROVIDER, "items", 0, "fulfillment_id", value="F9"), "unknown F9"),
    Case("RET-CAT-002", "on_search", f"{P}.items[0].location_id",
         setter("on_search", *PROVIDER, "items", 0, "location_id", value="L9"), "unknown L9"),
    Case("RET-CAT-003", "on_search", f"{P}.items[1].id", _second_item_i1, "I1 twice"),
    Case("RET-CAT-004", "on_search", f"{P}.items[0].price.value",
         setter("on_search", *PROVIDER, "items", 0, "price", "value", value="299.00"),
         "above maximum_value"),
    Case("RET-XSTEP-011", "select", "$.message.order.items[1].id",
         setter("select", *ORDER, "items", 1, "id", value="C7"), "not in the catalogue"),
]

ALL_CASES: list[Case] = [*CONTEXT, *QUOTES, *FULFILLMENTS, *CANCELLATION, *CROSS_STEP,
                         *PAYMENT, *STATES, *TRACKING, *TRANSITIONS, *CATALOGUE]
