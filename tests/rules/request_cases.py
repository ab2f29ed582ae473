"""Failing cases for the request rules (RET-REQ-…): a buyer app's select, init, confirm, status
and track, checked against the rich catalogue flow of discovery_cases.py.

The valid flow selects two Farmhouse Pizzas (I1) with the default thin crust (C1, group CG1) as
one cart line (parent_item_id V1), inits and confirms them with delivery F1; each case breaks one
thing a buyer app controls.
"""

from __future__ import annotations

import copy

from discovery_cases import Case, Flow, Mutation, appender, tg
from mutations import setter
from retail_flow import STEPS, stamp

ORDER = ("message", "order")
OP = "$.message.order"
PROV = ("message", "catalog", "bpp/providers", 0)


def sel(*path: str | int, value: object) -> Mutation:
    return setter("select", *ORDER, *path, value=value)


def init(*path: str | int, value: object) -> Mutation:
    return setter("init", *ORDER, *path, value=value)


def confirm(*path: str | int, value: object) -> Mutation:
    return setter("confirm", *ORDER, *path, value=value)


def unchanged(flow: Flow) -> None:
    """No mutation: the case is made by the steps it leaves out."""


SECOND_CRUST = {"id": "C2", "parent_item_id": "V1", "location_id": "L1", "quantity": {"count": 2},
                "tags": [tg("type", type="customization"), tg("parent", id="CG1")]}

SELECT = [
    Case("RET-REQ-001", "select", f"{OP}.provider.locations[0].id",
         sel("provider", "locations", 0, "id", value="L9"), "unknown store"),
    Case("RET-REQ-002", "select", f"{OP}.items[0].location_id",
         sel("items", 0, "location_id", value="L2"), "item from another store"),
    Case("RET-REQ-003", "select", f"{OP}.items[0].id",
         setter("on_search", *PROV, "items", 0, "time", "label", value="disable"),
         "disabled item"),
    Case("RET-REQ-004", "select", f"{OP}.items[1].tags[1].list[0].value",
         sel("items", 1, "tags", 1, "list", 0, "value", value="CG2"), "crust as topping"),
    Case("RET-REQ-005", "select", f"{OP}.items[1].parent_item_id",
         sel("items", 1, "parent_item_id", value="V2"), "crust without pizza"),
    Case("RET-REQ-006", "select", f"{OP}.items[0]",
         appender("select", *ORDER, "items", value=SECOND_CRUST), "two crusts"),
    Case("RET-REQ-007", "select", f"{OP}.items[0].quantity.count",
         sel("items", 0, "quantity", "count", value=0), "zero pizzas"),
    Case("RET-REQ-008", "select", f"{OP}.items[0].quantity.count",
         sel("items", 0, "quantity", "count", value=11), "above the cap of 10"),
    Case("RET-REQ-009", "select", f"{OP}.fulfillments[0].end.location.gps",
         sel("fulfillments", 0, "end", "location", "gps", value="12.97,77.61"), "2 decimals"),
    Case("RET-REQ-010", "select", f"{OP}.items[2].id",
         appender("select", *ORDER, "items", value={
             "id": "I1", "parent_item_id": "V1", "location_id": "L1", "quantity": {"count": 1},
             "tags": [tg("type", type="item")]}), "pizza twice in one line"),
    Case("RET-REQ-011", "select", f"{OP}.offers[0].id",
         sel("offers", value=[{"id": "FLAT99"}]), "unknown offer"),
    Case("RET-REQ-012", "select", f"{OP}.items[1].quantity.count",
         sel("items", 1, "quantity", "count", value=1), "one crust for two pizzas"),
]

INIT = [
    Case("RET-REQ-013", "init", f"{OP}.items[0].quantity.count",
         init("items", 0, "quantity", "count", value=3), "three pizzas instead of two"),
    Case("RET-REQ-014", "init", f"{OP}.fulfillments[0].id",
         init("fulfillments", 0, "id", value="F2"), "unquoted fulfillment"),
    Case("RET-REQ-015", "init", f"{OP}.provider.locations[0].id",
         init("provider", "locations", 0, "id", value="L2"), "other store"),
    Case("RET-REQ-016", "init", f"{OP}.billing.phone",
         init("billing", "phone", value="98860"), "5-digit phone"),
    Case("RET-REQ-017", "init", f"{OP}.billing.email",
         init("billing", "email", value="buyer.example.org"), "no @"),
    Case("RET-REQ-018", "init", f"{OP}.billing.address.area_code",
         init("billing", "address", "area_code", value="5600381"), "7-digit PIN"),
    Case("RET-REQ-019", "init", f"{OP}.billing.updated_at",
         init("billing", "updated_at", value=stamp(19)), "updated before created"),
    Case("RET-REQ-020", "init", f"{OP}.fulfillments[0].end.location.gps",
         init("fulfillments", 0, "end", "location", "gps", value="12.975000,77.613458"),
         "moved delivery point"),
    Case("RET-REQ-021", "init", f"{OP}.fulfillments[0].end.contact.phone",
         init("fulfillments", 0, "end", "contact", "phone", value="12345"), "5-digit phone"),
    Case("RET-REQ-022", "init", f"{OP}.billing.tax_number",
         init("billing", "tax_number", value="GST123"), "not a GSTIN"),
]

CONFIRM = [
    Case("RET-REQ-023", "confirm", f"{OP}.state", confirm("state", value="Accepted"),
         "buyer accepts"),
    Case("RET-REQ-024", "confirm", f"{OP}.billing.email",
         confirm("billing", "email", value="other@example.org"), "other email"),
    Case("RET-REQ-025", "confirm", f"{OP}.quote.breakup[3].price.value",
         confirm("quote", "breakup", 3, "price", "value", value="45.00"), "delivery 45"),
    Case("RET-REQ-026", "confirm", f"{OP}.items[0].quantity.count",
         confirm("items", 0, "quantity", "count", value=3), "three pizzas instead of two"),
    Case("RET-REQ-027", "confirm",
         f"{OP}.payment['@ondc/org/settlement_details'][0].settlement_bank_account_no",
         confirm("payment", "@ondc/org/settlement_details", 0, "settlement_bank_account_no",
                 value="YYYYYYYYYY"), "another bank account"),
    Case("RET-REQ-028", "confirm", f"{OP}.payment.status",
         confirm("payment", "status", value="NOT-PAID"), "prepaid unpaid"),
    Case("RET-REQ-029", "confirm", f"{OP}.fulfillments[0].end.location.gps",
         confirm("fulfillments", 0, "end", "location", "gps", value="12.975000,77.613458"),
         "moved delivery point"),
    Case("RET-REQ-030", "confirm", f"{OP}.id", confirm("id", value="O_2025_0001"), "underscores"),
    Case("RET-REQ-031", "confirm", f"{OP}.payment.collected_by",
         confirm("payment", "collected_by", value="BPP"), "collector switched"),
]

def with_terms(step: str, group: int, entry: int, value: str) -> Mutation:
    """The tax terms of the 1.2.5 flows in on_init, confirm and on_confirm (an MSN seller app
    and its provider, the buyer app's GSTIN), then one value of ``step`` changed."""
    def mutate(flow: Flow) -> None:
        bpp = tg("bpp_terms", np_type="MSN", tax_number="29ABCDE1234F1Z5",
                 provider_tax_number="PQRST6789K")
        bap = tg("bap_terms", tax_number="29VWXYZ6789L1Z2")
        flow["on_init"]["message"]["order"]["tags"] = [bpp]
        for name in ("confirm", "on_confirm"):
            flow[name]["message"]["order"]["tags"] = copy.deepcopy([bpp, bap])
        flow[step]["message"]["order"]["tags"][group]["list"][entry]["value"] = value
    return mutate


TERMS = [
    Case("RET-REQ-034", "confirm", f"{OP}.tags[0].list[1].value",
         with_terms("confirm", 0, 1, "29ABCDE1234F2Z4"), "other seller GSTIN"),
    Case("RET-XSTEP-012", "on_confirm", f"{OP}.tags[1].list[0].value",
         with_terms("on_confirm", 1, 0, "29VWXYZ6789L2Z1"), "other buyer GSTIN"),
    Case("RET-ORDER-003", "on_init", f"{OP}.tags[0].list[2].value",
         with_terms("on_init", 0, 2, "ABCDE1234F"), "MSN selling as itself"),
]

LATER = [
    Case("RET-REQ-032", "status", "$.message.order_id", unchanged, "no on_confirm yet",
         tuple(s for s in STEPS if s != "on_confirm")),
    Case("RET-REQ-033", "track", "$.message.order_id",
         setter("on_status", *ORDER, "fulfillments", 0, "tracking", value=False),
         "tracking off"),
]

ALL_CASES: list[Case] = [*SELECT, *INIT, *CONFIRM, *TERMS, *LATER]
