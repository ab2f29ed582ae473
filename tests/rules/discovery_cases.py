"""Failing cases for the discovery rules (RET-CAT-005 …), on a rich catalogue of our own.

:func:`rich_flow` is :func:`retail_flow.build_flow` with its on_search replaced by a complete
Retail 1.2.5 F&B catalogue, hand-made after automation-1.2.5/RET11-1.2.5/flows/F&B/
FULL_CATALOG.yaml and the on_search notes: a store with timings, serviceability and a minimum
order value; a menu, two customisation groups (crust: choose 1, default thin crust; toppings:
up to 2, nested under each crust) and a variant group of packaged colas with their statutory
declarations; two offers.  Its select, init and confirm (from build_flow) order what this
catalogue offers, so the request rules (request_cases.py) are checked against it too.

The flow also has an incremental refresh after the full catalogue (``search_inc`` with a
``catalog_inc`` window, and its ``on_search_inc`` closing the store for an hour and repricing a
cola), for the incremental rules.  Each :class:`Case` breaks one thing in one step and names
the single JSONPath at which the rule must report it; ``test_discovery.py`` runs them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mutations import at, both, deleter, setter
from retail_flow import BAP_ID, BAP_URI, BPP_ID, BPP_URI, STEPS, TXN, Flow, Json, build_flow
from retail_flow import stamp as _stamp

from ondc_harness.checks.engine import run_rules
from ondc_harness.checks.findings import Finding
from ondc_harness.message import FlowHistory, Message

Mutation = Callable[[Flow], None]
Steps = tuple[str, ...]

#: The discovery steps with an incremental refresh after the full catalogue.
INC_STEPS: Steps = ("search", "on_search", "search_inc", "on_search_inc")
T0 = "2025-05-23T07:00:00.000Z"
IMG = "https://seller.example.org/images"


@dataclass(frozen=True)
class Case:
    rule_id: str
    step: str
    path: str
    mutate: Mutation
    why: str
    steps: Steps = STEPS

    @property
    def id(self) -> str:
        return f"{self.rule_id}:{self.why}"


def check(flow: Flow, step: str, steps: Steps = STEPS) -> list[Finding]:
    """The engine's findings for ``step`` with the steps before it (in ``steps``) as history."""
    history = FlowHistory([Message(flow[s]) for s in steps[:steps.index(step)]])
    return run_rules(Message(flow[step]), history)


def stamp(seconds: float) -> str:
    return _stamp(seconds)


# --- the rich catalogue -------------------------------------------------------------------------

def tg(code: str, **values: Any) -> Json:
    """A Retail 1.2 tag group ``{code, list: [{code, value}]}`` in keyword order."""
    return {"code": code, "list": [{"code": k, "value": v} for k, v in values.items()]}


def descriptor(name: str, image: str) -> Json:
    return {"name": name, "symbol": f"{IMG}/{image}.png", "short_desc": name,
            "long_desc": name, "images": [f"{IMG}/{image}.png"]}


def price(value: str, maximum: str, *tags: Json) -> Json:
    out: Json = {"currency": "INR", "value": value, "maximum_value": maximum}
    if tags:
        out["tags"] = list(tags)
    return out


def quantity(unit: str, value: str, maximum: str = "10") -> Json:
    return {"unitized": {"measure": {"unit": unit, "value": value}},
            "available": {"count": "99"}, "maximum": {"count": maximum}}


def flags() -> Json:
    return {"@ondc/org/returnable": False, "@ondc/org/cancellable": True,
            "@ondc/org/return_window": "PT1H", "@ondc/org/seller_pickup_return": False,
            "@ondc/org/time_to_ship": "PT45M", "@ondc/org/available_on_cod": False,
            "@ondc/org/contact_details_consumer_care": "Store 1,care@store1.example,18004254444"}


def customisation(item_id: str, name: str, amount: str, group: str, default: str,
                  *children: str) -> Json:
    tags = [tg("type", type="customization"), tg("parent", id=group, default=default)]
    if children:
        tags.append({"code": "child", "list": [{"code": "id", "value": c} for c in children]})
    tags.append(tg("veg_nonveg", veg="yes"))
    return {"id": item_id, "descriptor": {"name": name}, "quantity": quantity("unit", "1"),
            "price": price(amount, amount), "category_id": "F&B", "related": True, "tags": tags}


def cola(item_id: str, size: str, unit: str, value: str, amount: str, mrp: str,
         ean: str) -> Json:
    return {
        "id": item_id, "parent_item_id": "VG1", "time": {"label": "enable", "timestamp": T0},
        "descriptor": {**descriptor(f"Cola {size}", item_id), "code": f"1:{ean}"},
        "quantity": quantity(unit, value), "price": price(amount, mrp), "category_id": "F&B",
        "category_ids": ["M1:2"], "fulfillment_id": "F1", "location_id": "L1", **flags(),
        "@ondc/org/statutory_reqs_packaged_commodities": {
            "manufacturer_or_packer_name": "Cola Bottlers Ltd",
            "manufacturer_or_packer_address": "Plot 7, KIADB Industrial Area, Bengaluru 562114",
            "common_or_generic_name_of_commodity": "Carbonated soft drink",
            "net_quantity_or_measure_of_commodity_in_pkg": size,
            "month_year_of_manufacture_packing_import": "04/2025"},
        "@ondc/org/statutory_reqs_prepackaged_food": {
            "nutritional_info": "Energy(kcal)-(per 100ml) 44", "additives_info": "INS 150d",
            "brand_owner_FSSAI_license_no": "10012345000123"},
        "tags": [tg("type", type="item"), tg("origin", country="IND"),
                 tg("veg_nonveg", veg="yes")],
    }


def rich_provider() -> Json:
    hours = {"day_from": "1", "day_to": "7", "time_from": "1000", "time_to": "2200"}
    return {
        "id": "P1", "time": {"label": "enable", "timestamp": T0},
        "descriptor": descriptor("Store 1", "store1"),
        "@ondc/org/fssai_license_no": "12345678901234", "ttl": "P1D", "rating": "4",
        "locations": [{
            "id": "L1",
            "time": {"label": "enable", "timestamp": T0, "days": "1,2,3,4,5,6,7",
                     "range": {"start": "1000", "end": "2200"},
                     "schedule": {"holidays": ["2025-08-15"]}},
            "gps": "12.971600,77.594600",
            "address": {"locality": "Indiranagar", "street": "100 Feet Road",
                        "city": "Bengaluru", "area_code": "560038", "state": "Karnataka"},
            "circle": {"gps": "12.971600,77.594600", "radius": {"unit": "km", "value": "3"}},
        }],
        "fulfillments": [
            {"id": "F1", "type": "Delivery",
             "contact": {"phone": "9886098860", "email": "care@store1.example"}},
            {"id": "F2", "type": "Self-Pickup",
             "contact": {"phone": "9886098860", "email": "care@store1.example"}},
        ],
        "categories": [
            {"id": "M1", "parent_category_id": "", "descriptor": descriptor("Pizzas", "m1"),
             "tags": [tg("type", type="custom_menu"), tg("timing", **hours),
                      tg("display", rank="1")]},
            {"id": "CG1", "descriptor": {"name": "Crust (choose 1)"},
             "tags": [tg("type", type="custom_group"),
                      tg("config", min="1", max="1", input="select", seq="1")]},
            {"id": "CG2", "descriptor": {"name": "Toppings (up to 2)"},
             "tags": [tg("type", type="custom_group"),
                      tg("config", min="0", max="2", input="select", seq="2")]},
            {"id": "VG1", "descriptor": {"name": "Cola"},
             "tags": [tg("type", type="variant_group"),
                      tg("attr", name="item.quantity.unitized.measure", seq="1")]},
        ],
        "items": [
            {"id": "I1", "time": {"label": "enable", "timestamp": T0},
             "descriptor": descriptor("Farmhouse Pizza", "i1"), "quantity": quantity("unit", "1"),
             "price": price("265.00", "265.00", tg("range", lower="265.00", upper="355.00"),
                            tg("default_selection", value="265.00", maximum_value="265.00")),
             "category_id": "F&B", "category_ids": ["M1:1"], "fulfillment_id": "F1",
             "location_id": "L1", **flags(),
             "tags": [tg("type", type="item"), tg("custom_group", id="CG1"),
                      tg("timing", **hours), tg("veg_nonveg", veg="yes"),
                      tg("config", id="CG1", min="1", max="1", seq="1")]},
            customisation("C1", "Thin Crust", "0.00", "CG1", "yes", "CG2"),
            customisation("C2", "Cheese Burst", "90.00", "CG1", "no", "CG2"),
            customisation("C3", "Olives", "45.00", "CG2", "no"),
            cola("I2", "500 ml", "millilitre", "500", "40.00", "45.00", "8901234567890"),
            cola("I3", "1 litre", "litre", "1", "70.00", "75.00", "8901234567883"),
        ],
        "offers": [
            {"id": "FLAT50", "descriptor": {"code": "discount", "images": [f"{IMG}/flat50.png"]},
             "location_ids": ["L1"], "item_ids": ["I1"],
             "time": {"label": "valid", "range": {"start": T0, "end": "2025-12-31T23:59:59.000Z"}},
             "tags": [tg("qualifier", min_value="300.00"),
                      tg("benefit", value_type="amount", value="-50.00"),
                      tg("meta", additive="no", auto="no")]},
            {"id": "BUY2GET1", "descriptor": {"code": "buyXgetY"}, "location_ids": ["L1"],
             "item_ids": ["I2"],
             "time": {"label": "valid", "range": {"start": T0, "end": "2025-12-31T23:59:59.000Z"}},
             "tags": [tg("qualifier", item_count="2"),
                      tg("benefit", item_count="1", item_id="I2", item_value="0.00")]},
        ],
        "tags": [
            tg("timing", type="Order", location="L1", **hours),
            tg("timing", type="Delivery", location="L1", **hours),
            tg("serviceability", location="L1", category="F&B", type="10", val="3", unit="km"),
            tg("order_value", min_value="100.00"),
        ],
    }


def rich_catalogue() -> Json:
    return {"catalog": {
        "bpp/descriptor": {**descriptor("Seller NP", "np"),
                           "tags": [tg("bpp_terms", np_type="MSN", accept_bap_terms="Y",
                                       collect_payment="N")]},
        "bpp/fulfillments": [{"id": "F1", "type": "Delivery"}],
        "bpp/providers": [rich_provider()],
    }}


def _ctx(action: str, message_id: str, seconds: float, city: str = "std:080") -> Json:
    return {"domain": "ONDC:RET11", "action": action, "country": "IND", "city": city,
            "core_version": "1.2.5", "bap_id": BAP_ID, "bap_uri": BAP_URI,
            **({} if action == "search" else {"bpp_id": BPP_ID, "bpp_uri": BPP_URI}),
            "transaction_id": TXN, "message_id": message_id, "timestamp": stamp(seconds),
            "ttl": "PT30S"}


INC_MESSAGE_ID = "e1f0c1e2-4f5a-8b9c-0d1e2f3a4b5c"


def rich_flow() -> Flow:
    """build_flow() with the rich catalogue, plus an incremental refresh (see INC_STEPS)."""
    flow = build_flow()
    flow["on_search"]["message"] = rich_catalogue()
    flow["search_inc"] = {"context": _ctx("search", INC_MESSAGE_ID, 5, "*"),
                          "message": {"intent": {
        "payment": copy.deepcopy(flow["search"]["message"]["intent"]["payment"]),
        "tags": [tg("catalog_inc", start_time=T0, end_time=stamp(4))]}}}
    changed = cola("I2", "500 ml", "millilitre", "500", "38.00", "45.00", "8901234567890")
    changed["time"] = {"label": "enable", "timestamp": stamp(4)}
    flow["on_search_inc"] = {"context": _ctx("on_search", INC_MESSAGE_ID, 5.5, "*"),
                             "message": {
        "catalog": {"bpp/providers": [{"id": "P1", "locations": [{"id": "L1", "time": {
            "label": "close", "timestamp": stamp(4),
            "range": {"start": stamp(4), "end": "2025-05-23T09:00:00.000Z"}}}],
            "items": [changed]}]}}}
    return flow


# --- mutation helpers ----------------------------------------------------------------------------

def appender(step: str, *path: str | int, value: Any) -> Mutation:
    def mutate(flow: Flow) -> None:
        at(flow[step], *path).append(copy.deepcopy(value))
    return mutate


INTENT = ("message", "intent")
IP = "$.message.intent"
PROV = ("message", "catalog", "bpp/providers", 0)
P = "$.message.catalog['bpp/providers'][0]"
CAT = ("message", "catalog")


def on_search(*path: str | int, value: Any) -> Mutation:
    return setter("on_search", *PROV, *path, value=value)


def search_tags(*groups: Json) -> Mutation:
    return setter("search", *INTENT, "tags", value=list(groups))


def _duplicate_serviceability(flow: Flow) -> None:
    tags = at(flow["on_search"], *PROV, "tags")
    tags.append(copy.deepcopy(tags[2]))


def _empty_group_for_c2(flow: Flow) -> None:
    provider = at(flow["on_search"], *PROV)
    provider["categories"].append({"id": "CG3", "descriptor": {"name": "Dips"}, "tags": [
        tg("type", type="custom_group"), tg("config", min="0", max="1", input="select",
                                               seq="3")]})
    provider["items"][2]["tags"][2]["list"][0]["value"] = "CG3"


SEARCH = [
    Case("RET-CAT-005", "search", f"{IP}.payment", deleter("search", *INTENT, "payment"),
         "no finder fee"),
    Case("RET-CAT-006", "search", f"{IP}.fulfillment.end.location.gps",
         setter("search", *INTENT, "fulfillment", "end", "location", "gps",
                value="12.974,77.613458"), "3 decimals"),
    Case("RET-CAT-007", "search", IP,
         both(setter("search", *INTENT, "item", value={"descriptor": {"name": "pizza"}}),
              setter("search", *INTENT, "category", value={"id": "F&B"})), "item and category"),
    Case("RET-CAT-008", "search", f"{IP}.fulfillment.end.location.address.area_code",
         setter("search", *INTENT, "fulfillment", "end", "location", "address", "area_code",
                value="56003"), "5-digit PIN"),
    Case("RET-CAT-009", "search", f"{IP}.fulfillment.type",
         setter("search", *INTENT, "fulfillment", "type", value="Home Delivery"), "unknown type"),
    Case("RET-CAT-010", "search", f"{IP}.item.descriptor.name",
         setter("search", *INTENT, "item", value={"descriptor": {"name": ""}}), "blank name"),
    Case("RET-CAT-011", "search", f"{IP}.tags[0].list[0].value",
         search_tags(tg("catalog_inc", mode="begin")), "mode begin"),
    Case("RET-CAT-012", "search", f"{IP}.tags[0].list[1].value",
         search_tags(tg("catalog_inc", start_time=T0, end_time="2025-05-23T06:00:00.000Z")),
         "window ends before it starts"),
    Case("RET-CAT-013", "search", f"{IP}.tags[0].list",
         search_tags(tg("catalog_inc", start_time=T0)), "half a window"),
    Case("RET-CAT-014", "search", f"{IP}.tags[0].code",
         search_tags(tg("catalog_incremental", mode="start")), "unknown tag group"),
]

CATALOGUE_LEVEL = [
    Case("RET-CAT-015", "on_search", "$.message.catalog['bpp/descriptor'].name",
         deleter("on_search", *CAT, "bpp/descriptor", "name"), "nameless seller app"),
    Case("RET-CAT-016", "on_search", "$.message.catalog['bpp/descriptor'].tags[0].list[0].value",
         setter("on_search", *CAT, "bpp/descriptor", "tags", 0, "list", 0, "value", value="SSN"),
         "np_type SSN"),
    Case("RET-CAT-017", "on_search", f"{P}.id",
         setter("on_search", *CAT, "bpp/descriptor", "tags", 0, "list", 0, "value", value="ISN"),
         "ISN with provider P1"),
    Case("RET-CAT-018", "on_search", f"{P}.fulfillments[1].type",
         on_search("fulfillments", 1, "type", value="Pickup"), "Pickup"),
    Case("RET-CAT-019", "on_search", f"{P}.fulfillments[1].id",
         on_search("fulfillments", 1, "id", value="F1"), "F1 twice"),
    Case("RET-CAT-020", "on_search", f"{P}.fulfillments[0].contact.phone",
         on_search("fulfillments", 0, "contact", "phone", value="98860"), "5-digit phone"),
]

PROVIDER = [
    Case("RET-CAT-021", "on_search", f"{P}.items[2].descriptor.name",
         on_search("items", 2, "descriptor", "name", value=" "), "blank customisation name"),
    Case("RET-CAT-022", "on_search", f"{P}.items[0].descriptor.images[0]",
         on_search("items", 0, "descriptor", "images", 0, value="i1.png"), "file name"),
    Case("RET-CAT-023", "on_search", f"{P}['@ondc/org/fssai_license_no']",
         on_search("@ondc/org/fssai_license_no", value="1234"), "4 digits"),
    Case("RET-CAT-024", "on_search", f"{P}.ttl", on_search("ttl", value="1 day"), "words"),
    Case("RET-CAT-025", "on_search", f"{P}.items[0].time.label",
         on_search("items", 0, "time", "label", value="active"), "active"),
    Case("RET-CAT-026", "on_search", f"{P}.locations[0].time.timestamp",
         on_search("locations", 0, "time", "timestamp", value="2025-05-23T09:00:00.000Z"),
         "an hour ahead"),
    Case("RET-CAT-027", "on_search", f"{P}.locations[0].time.days",
         on_search("locations", 0, "time", "days", value="1,2,8"), "day 8"),
    Case("RET-CAT-028", "on_search", f"{P}.locations[0].time.range.end",
         on_search("locations", 0, "time", "range", "end", value="2500"), "25 o'clock"),
    Case("RET-CAT-029", "on_search", f"{P}.locations[0].gps",
         on_search("locations", 0, "gps", value="12.97,77.59"), "2 decimals"),
    Case("RET-CAT-030", "on_search", f"{P}.locations[0].circle.radius.value",
         on_search("locations", 0, "circle", "radius", "value", value="0"), "radius 0"),
    Case("RET-CAT-031", "on_search", f"{P}.locations[0].address.area_code",
         on_search("locations", 0, "address", "area_code", value="5600381"), "7 digits"),
    Case("RET-CAT-032", "on_search", f"{P}.locations[0].time.schedule.holidays[0]",
         on_search("locations", 0, "time", "schedule", "holidays", 0, value="15-08-2025"),
         "DD-MM-YYYY"),
]

TAGS = [
    Case("RET-CAT-033", "on_search", f"{P}.tags[2].list",
         deleter("on_search", *PROV, "tags", 2, "list", 4), "no unit"),
    Case("RET-CAT-034", "on_search", f"{P}.tags[2].list[0].value",
         on_search("tags", 2, "list", 0, "value", value="L9"), "unknown store"),
    Case("RET-CAT-035", "on_search", f"{P}.tags[2].list[3].value",
         on_search("tags", 2, "list", 3, "value", value="three"), "radius in words"),
    Case("RET-CAT-036", "on_search", f"{P}.tags[4]", _duplicate_serviceability, "defined twice"),
    Case("RET-CAT-037", "on_search", f"{P}.tags[1].list[0].value",
         on_search("tags", 1, "list", 0, "value", value="Dispatch"), "Dispatch"),
    Case("RET-CAT-038", "on_search", f"{P}.tags",
         on_search("tags", 0, "list", 0, "value", value="Delivery"), "no Order timing"),
    Case("RET-CAT-039", "on_search", f"{P}.tags[0].list[5].value",
         on_search("tags", 0, "list", 5, "value", value="0900"), "closes before it opens"),
    Case("RET-CAT-040", "on_search", f"{P}.tags[3].list[0].value",
         on_search("tags", 3, "list", 0, "value", value="100.005"), "3 decimals"),
    Case("RET-CAT-041", "on_search", f"{P}.items",
         appender("on_search", *PROV, "tags", value=tg(
             "catalog_link", type="link", type_value="https://seller.example.org/p1.zip",
             type_validity="PT24H", last_update=T0)), "linked and inline"),
]

CATEGORIES = [
    Case("RET-CAT-042", "on_search", f"{P}.categories[3].tags[0].list[0].value",
         on_search("categories", 3, "tags", 0, "list", 0, "value", value="variant"), "variant"),
    Case("RET-CAT-043", "on_search", f"{P}.items[0].tags[4].list[0].value",
         on_search("items", 0, "tags", 4, "list", 0, "value", value="CG9"), "override of CG9"),
    Case("RET-CAT-044", "on_search", f"{P}.categories[1].tags[1].list[1].value",
         on_search("categories", 1, "tags", 1, "list", 1, "value", value="0"), "max below min"),
    Case("RET-CAT-045", "on_search", f"{P}.categories[0].tags[2].list[0].value",
         on_search("categories", 0, "tags", 2, "list", 0, "value", value="first"), "rank first"),
    Case("RET-CAT-046", "on_search", f"{P}.categories[3].tags[1].list[0].value",
         on_search("categories", 3, "tags", 1, "list", 0, "value", value="size"), "bare size"),
    Case("RET-CAT-085", "on_search", f"{P}.categories[0].id",
         on_search("categories", 0, "id", value="menu-1"), "hyphen in the id"),
]

ITEMS = [
    Case("RET-CAT-047", "on_search", f"{P}.items[0].price.currency",
         on_search("items", 0, "price", "currency", value="USD"), "USD"),
    Case("RET-CAT-048", "on_search", f"{P}.items[4].price.value",
         on_search("items", 4, "price", "value", value="0.00"), "free cola"),
    Case("RET-CAT-049", "on_search", f"{P}.items[0].price.tags[0].list[1].value",
         on_search("items", 0, "price", "tags", 0, "list", 0, "value", value="400.00"),
         "lower above upper"),
    Case("RET-CAT-050", "on_search", f"{P}.items[4].price.value",
         on_search("items", 4, "price", "value", value="40.005"), "3 decimals"),
    Case("RET-CAT-051", "on_search", f"{P}.items[0].quantity.maximum.count",
         on_search("items", 0, "quantity", "maximum", "count", value="0"), "cap 0 in stock"),
    Case("RET-CAT-052", "on_search", f"{P}.items[4].quantity.unitized.measure.unit",
         on_search("items", 4, "quantity", "unitized", "measure", "unit", value="ml"), "ml"),
    Case("RET-CAT-053", "on_search", f"{P}.items[4].descriptor.code",
         on_search("items", 4, "descriptor", "code", value="1:890123456789A"), "EAN with A"),
    Case("RET-CAT-054", "on_search", f"{P}.items[0]['@ondc/org/returnable']",
         on_search("items", 0, "@ondc/org/returnable", value="false"), "string false"),
    Case("RET-CAT-055", "on_search", f"{P}.items[0]['@ondc/org/time_to_ship']",
         on_search("items", 0, "@ondc/org/time_to_ship", value="45 minutes"), "words"),
    Case("RET-CAT-056", "on_search", f"{P}.items[0]['@ondc/org/contact_details_consumer_care']",
         on_search("items", 0, "@ondc/org/contact_details_consumer_care",
                   value="care@store1.example,18004254444"), "no name"),
    Case("RET-CAT-057", "on_search", f"{P}.items[4].tags[0].list[0].value",
         on_search("items", 4, "tags", 0, "list", 0, "value", value="sku"), "sku"),
    Case("RET-CAT-058", "on_search", f"{P}.items[4].category_id",
         on_search("items", 4, "category_id", value="RET10-1017"), "grocery code in F&B"),
    Case("RET-CAT-059", "on_search", f"{P}.items[4].category_ids[0]",
         on_search("items", 4, "category_ids", 0, value="CG1:2"), "a group as menu"),
    Case("RET-CAT-082", "on_search", f"{P}.items[0]",
         deleter("on_search", *PROV, "items", 0, "category_ids"), "pizza in no menu"),
    Case("RET-CAT-060", "on_search", f"{P}.items[4].parent_item_id",
         on_search("items", 4, "parent_item_id", value="VG9"), "unknown variant group"),
    Case("RET-CAT-061", "on_search", f"{P}.items[5]",
         deleter("on_search", *PROV, "items", 5, "quantity", "unitized"), "no size"),
    Case("RET-CAT-062", "on_search", f"{P}.items[0].tags[3].list[0].code",
         on_search("items", 0, "tags", 3, "list", 0, "code", value="vegetarian"), "vegetarian"),
    Case("RET-CAT-063", "on_search", f"{P}.items[4].tags[1].list[0].value",
         on_search("items", 4, "tags", 1, "list", 0, "value", value="IN"), "alpha-2"),
]

CUSTOMISATIONS = [
    Case("RET-CAT-064", "on_search", f"{P}.items[3].tags[1].list[0].value",
         on_search("items", 3, "tags", 1, "list", 0, "value", value="CG7"), "unknown group"),
    Case("RET-CAT-065", "on_search", f"{P}.items[2].tags[2].list[0].value",
         _empty_group_for_c2, "nested group without options"),
    Case("RET-CAT-066", "on_search", f"{P}.items[2].tags[1].list[1].value",
         on_search("items", 2, "tags", 1, "list", 1, "value", value="yes"), "two defaults"),
    Case("RET-CAT-067", "on_search", f"{P}.items[0].tags[1].list[0].value",
         on_search("items", 1, "tags", 1, "list", 1, "value", value="no"), "no default crust"),
]

def _health_item_without_declarations(flow: Flow) -> None:
    flow["on_search"]["context"]["domain"] = "ONDC:RET18"
    del at(flow["on_search"], *PROV, "items", 5)["@ondc/org/statutory_reqs_packaged_commodities"]


STATUTORY = [
    Case("RET-CAT-079", "on_search", f"{P}.items[5]", _health_item_without_declarations,
         "barcoded health item undeclared"),
    Case("RET-CAT-068", "on_search",
         f"{P}.items[4]['@ondc/org/statutory_reqs_packaged_commodities']",
         on_search("items", 4, "@ondc/org/statutory_reqs_packaged_commodities",
                   "manufacturer_or_packer_address", value=""), "blank packer address"),
    Case("RET-CAT-069", "on_search",
         f"{P}.items[4]['@ondc/org/statutory_reqs_prepackaged_food'].brand_owner_FSSAI_license_no",
         on_search("items", 4, "@ondc/org/statutory_reqs_prepackaged_food",
                   "brand_owner_FSSAI_license_no", value="See pack"), "licence in words"),
]

OFFERS = [
    Case("RET-CAT-070", "on_search", f"{P}.offers[1].id",
         on_search("offers", 1, "id", value="FLAT50"), "id twice"),
    Case("RET-CAT-071", "on_search", f"{P}.offers[0].descriptor.code",
         on_search("offers", 0, "descriptor", "code", value="Discount50"), "unknown code"),
    Case("RET-CAT-072", "on_search", f"{P}.offers[0].item_ids[0]",
         on_search("offers", 0, "item_ids", 0, value="I9"), "unknown item"),
    Case("RET-CAT-073", "on_search", f"{P}.offers[0].time.range.end",
         on_search("offers", 0, "time", "range", "end", value="2025-01-01T00:00:00.000Z"),
         "ends before it starts"),
    Case("RET-CAT-074", "on_search", f"{P}.offers[0].tags[1].list[1].value",
         on_search("offers", 0, "tags", 1, "list", 1, "value", value="50.00"),
         "positive discount"),
    Case("RET-CAT-075", "on_search", f"{P}.offers[0].tags[0].list[0].value",
         on_search("offers", 0, "tags", 0, "list", 0, "value", value="-1"), "negative minimum"),
]

INC = ("message", "catalog", "bpp/providers", 0)

INCREMENTAL = [
    Case("RET-CAT-076", "on_search_inc", P + ".id",
         setter("on_search_inc", *INC, "id", value="P9"), "unknown provider", INC_STEPS),
    Case("RET-CAT-077", "on_search_inc", P + ".locations[0].id",
         setter("on_search_inc", *INC, "locations", 0, "id", value="L9"), "unknown store",
         INC_STEPS),
    Case("RET-CAT-080", "on_search_inc", P + ".locations[0].time.range.end",
         setter("on_search_inc", *INC, "locations", 0, "time", "range", "end", value=stamp(5)),
         "closed until before now", INC_STEPS),
    Case("RET-CAT-081", "on_search_inc", P + ".items[0]",
         deleter("on_search_inc", *INC, "items", 0, "quantity"), "partial item record",
         INC_STEPS),
    Case("RET-CAT-078", "on_search_inc", P + ".categories",
         setter("on_search_inc", *INC, "categories", value=[{"id": "CG1"}]), "groups resent",
         INC_STEPS),
    Case("RET-CAT-083", "search_inc", "$.context.city",
         setter("search_inc", "context", "city", value="std:080"), "city-coded catalog_inc",
         INC_STEPS),
    Case("RET-CAT-084", "on_search_inc", "$.context.city",
         setter("on_search_inc", "context", "city", value="std:080"), "city-coded change set",
         INC_STEPS),
]

ALL_CASES: list[Case] = [*SEARCH, *CATALOGUE_LEVEL, *PROVIDER, *TAGS, *CATEGORIES, *ITEMS,
                         *CUSTOMISATIONS, *STATUTORY, *OFFERS, *INCREMENTAL]
