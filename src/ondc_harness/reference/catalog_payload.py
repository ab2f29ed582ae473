"""The catalogue as a Retail 1.2.5 ``on_search`` catalog.

Written to pass the official checks for on_search (RULES-REFERENCE.md): unique ids, price ≤
maximum_value, maximum quantity caps, EAN codes as ``1:<13 digits>``, every item's
fulfillment_id and location_id present in its provider, timestamps in the past, store days and
HHMM timings, one serviceability tag per category, timing tags of type Order/Delivery/
Self-Pickup, F&B custom groups with min/max/seq and exactly one default option in each
mandatory group, and the statutory declarations packaged food carries.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ondc_harness.reference.catalogue import (
    CATALOGUE_UPDATED_AT,
    IMAGE_BASE,
    CustomGroup,
    Item,
    Marketplace,
    Menu,
    Provider,
)
from ondc_harness.reference.fragments import money, tag, tag_group

Json = dict[str, Any]


def on_search_message(market: Marketplace, domain: str) -> Json:
    """``message`` of on_search: every provider of ``domain``."""
    return {"catalog": {
        "bpp/descriptor": {
            "name": market.name,
            "symbol": market.symbol,
            "short_desc": market.name,
            "long_desc": market.description,
            "images": [market.symbol],
            "tags": [tag_group("bpp_terms", np_type=market.np_type, accept_bap_terms="Y",
                               collect_payment="N")],
        },
        "bpp/providers": [provider_json(p) for p in market.providers_for(domain)],
    }}


def provider_json(provider: Provider) -> Json:
    """One provider: its store and timings, fulfillments, menus and custom groups, items."""
    store = provider.store
    body: Json = {
        "id": provider.id,
        "time": {"label": "enable", "timestamp": CATALOGUE_UPDATED_AT},
        "fulfillments": [
            {"id": f.id, "type": f.type, "contact": {"phone": store.phone, "email": store.email}}
            for f in provider.fulfillments
        ],
        "descriptor": {
            "name": provider.name,
            "symbol": _images(provider.id),
            "short_desc": provider.name,
            "long_desc": provider.description,
            "images": [_images(provider.id)],
        },
        "@ondc/org/fssai_license_no": provider.fssai_license_no,
        "ttl": "P1D",
        "locations": [{
            "id": store.id,
            "time": {"label": "enable", "timestamp": CATALOGUE_UPDATED_AT, "days": store.days,
                     "range": {"start": store.opens, "end": store.closes}},
            "gps": store.gps,
            "address": {"locality": store.locality, "street": store.street, "city": store.city,
                        "area_code": store.area_code, "state": store.state},
            "circle": {"gps": store.gps, "radius": {"unit": "km", "value": store.radius_km}},
        }],
        "items": [item_json(provider, item) for item in provider.items],
        "tags": _provider_tags(provider),
    }
    categories = [_menu_json(m) for m in provider.menus] + \
        [_custom_group_json(g) for g in provider.custom_groups]
    if categories:
        body["categories"] = categories
    return body


def _images(name: str) -> str:
    return f"{IMAGE_BASE}/{name}.png"


def _provider_tags(provider: Provider) -> list[Json]:
    store = provider.store
    timing = [
        tag_group("timing", type=kind, location=store.id, day_from="1", day_to="7",
                  time_from=store.opens, time_to=store.closes)
        for kind in ("Order", "Delivery", "Self-Pickup")
    ]
    serviceability = [
        tag_group("serviceability", location=store.id, category=category, type="10",
                  val=store.radius_km, unit="km")
        for category in provider.category_ids
    ]
    return timing + serviceability


def _menu_json(menu: Menu) -> Json:
    return {
        "id": menu.id,
        "parent_category_id": "",
        "descriptor": {"name": menu.name, "short_desc": menu.name, "long_desc": menu.description,
                       "images": [_images(menu.id)]},
        "tags": [
            tag_group("type", type="custom_menu"),
            tag_group("timing", day_from="1", day_to="7", time_from="0000", time_to="2359"),
            tag_group("display", rank=str(menu.rank)),
        ],
    }


def _custom_group_json(group: CustomGroup) -> Json:
    return {
        "id": group.id,
        "descriptor": {"name": group.name},
        "tags": [
            tag_group("type", type="custom_group"),
            tag_group("config", min=str(group.minimum), max=str(group.maximum), input="select",
                      seq=str(group.seq)),
        ],
    }


def item_json(provider: Provider, item: Item) -> Json:
    """One catalogue entry; customisations carry no fulfillment or location of their own."""
    body: Json = {"id": item.id}
    if item.kind == "item":
        body["time"] = {"label": "enable", "timestamp": CATALOGUE_UPDATED_AT}
    descriptor: Json = {"name": item.name, "symbol": item.image, "short_desc": item.name,
                        "long_desc": item.description, "images": [item.image]}
    if item.ean:
        descriptor["code"] = f"1:{item.ean}"
    body["descriptor"] = descriptor
    body["quantity"] = {
        "unitized": {"measure": {"unit": item.unit, "value": item.unit_value}},
        # 1.2.5 masks stock: 99 when in stock, 0 when not (a buyer learns a shortfall at select)
        "available": {"count": "99" if item.available else "0"},
        "maximum": {"count": str(item.maximum)},
    }
    body["price"] = _price_json(provider, item)
    body["category_id"] = item.category_id
    if item.kind == "item":
        if item.menu_ids:
            body["category_ids"] = [f"{m}:{i + 1}" for i, m in enumerate(item.menu_ids)]
        body["fulfillment_id"] = provider.fulfillments[0].id
        body["location_id"] = provider.store.id
        body.update(_item_flags(provider, item))
    body["related"] = item.kind == "customization"
    if item.kind == "item":
        body["recommended"] = True
    body["tags"] = _item_tags(item)
    return body


def _price_json(provider: Provider, item: Item) -> Json:
    price: Json = {"currency": "INR", "value": money(item.price),
                   "maximum_value": money(item.mrp)}
    if item.custom_groups:
        lower, upper, default = _price_range(provider, item)
        price["tags"] = [
            tag_group("range", lower=money(lower), upper=money(upper)),
            tag_group("default_selection", value=money(default), maximum_value=money(default)),
        ]
    return price


def _price_range(provider: Provider, item: Item) -> tuple[Decimal, Decimal, Decimal]:
    """Cheapest valid choice, dearest valid choice, and the default choice, over all groups."""
    lower = upper = default = item.price
    pending = list(item.custom_groups)
    seen: set[str] = set()
    while pending:
        group_id = pending.pop(0)
        group = provider.custom_group(group_id)
        if group is None or group_id in seen:
            continue
        seen.add(group_id)
        options = [i for i in provider.items if i.parent_group == group_id]
        prices = sorted(o.price for o in options)
        lower += sum(prices[:group.minimum], Decimal(0))
        upper += sum(prices[-group.maximum:], Decimal(0)) if group.maximum else Decimal(0)
        for option in options:
            if option.default:
                default += option.price
            pending.extend(option.child_groups)
    return lower, upper, default


def _item_flags(provider: Provider, item: Item) -> Json:
    flags: Json = {
        "@ondc/org/returnable": item.returnable,
        "@ondc/org/cancellable": item.cancellable,
        "@ondc/org/return_window": item.return_window,
        "@ondc/org/seller_pickup_return": item.seller_pickup_return,
        "@ondc/org/time_to_ship": item.time_to_ship,
        "@ondc/org/available_on_cod": item.cod,
        "@ondc/org/contact_details_consumer_care": provider.consumer_care,
    }
    if item.packaged_commodities:
        flags["@ondc/org/statutory_reqs_packaged_commodities"] = dict(item.packaged_commodities)
    if item.prepackaged_food:
        flags["@ondc/org/statutory_reqs_prepackaged_food"] = dict(item.prepackaged_food)
    return flags


def _item_tags(item: Item) -> list[Json]:
    tags = [tag_group("type", type=item.kind)]
    if item.custom_groups:
        tags.append({"code": "custom_group", "list": [tag("id", g) for g in item.custom_groups]})
    if item.parent_group is not None:
        tags.append(tag_group("parent", id=item.parent_group,
                              default="yes" if item.default else "no"))
    if item.child_groups:
        tags.append({"code": "child", "list": [tag("id", g) for g in item.child_groups]})
    if item.ean:
        tags.append(tag_group("origin", country="IND"))
    tags.append(tag_group("veg_nonveg", **({"veg": "yes"} if item.veg else {"non_veg": "yes"})))
    return tags
