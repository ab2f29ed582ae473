"""The reference seller's (deliberately minimal) checks on incoming requests.

A seller app must refuse what it cannot act on with a NACK carrying the right ONDC error code,
so the harness's negative flows have something real to test against: 30000 invalid request,
30001 provider not found, 30002 provider location not found, 30004 item not found, 30018 order
not found, 40002 item quantity unavailable, 40009 maximum order quantity exceeded, 40005
tracking not enabled.  It is not a validator: the harness checks the buyer side elsewhere.
"""

from __future__ import annotations

import json
from typing import Any

from ondc_harness.reference.catalogue import FulfillmentOption, Item, Marketplace, Provider
from ondc_harness.reference.orders import Cart, OrderLine

Json = dict[str, Any]


class Refusal(Exception):
    """A request the seller NACKs: ONDC error code, type, message and HTTP status."""

    def __init__(self, code: str, message: str, *, error_type: str = "DOMAIN-ERROR",
                 status: int = 200, path: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.error_type = code, message, error_type
        self.status, self.path = status, path

    def body(self) -> Json:
        error: Json = {"type": self.error_type, "code": self.code, "message": self.message}
        if self.path is not None:
            error["path"] = self.path
        return {"message": {"ack": {"status": "NACK"}}, "error": error}


def _invalid(message: str, path: str | None = None, error_type: str = "DOMAIN-ERROR") -> Refusal:
    return Refusal("30000", message, error_type=error_type, path=path)


def parse_request(raw: bytes) -> Json:
    """The JSON object with a ``context`` object, or a 400 NACK 30000 saying why not."""
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Refusal("30000", f"body is not JSON: {exc}", error_type="JSON-SCHEMA-ERROR",
                      status=400) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("context"), dict):
        raise Refusal("30000", "body must be an object with a context object",
                      error_type="JSON-SCHEMA-ERROR", status=400, path="$.context")
    if not isinstance(payload.get("message"), dict):
        raise Refusal("30000", "body must carry a message object",
                      error_type="JSON-SCHEMA-ERROR", status=400, path="$.message")
    return payload


def check_context(context: Json, action: str, market: Marketplace, own_id: str) -> None:
    """The fields the seller needs to answer at all, for the action of the URL it was sent to."""
    for key in ("transaction_id", "message_id", "bap_id", "bap_uri", "timestamp", "domain"):
        if not isinstance(context.get(key), str) or not context[key]:
            raise _invalid(f"context.{key} is required", f"$.context.{key}", "CONTEXT-ERROR")
    if context.get("action") != action:
        raise _invalid(f"context.action is {context.get('action')!r} but the request was "
                       f"sent to /{action}", "$.context.action", "CONTEXT-ERROR")
    if context["domain"] not in market.domains:
        raise _invalid(f"domain {context['domain']} is not served (serves "
                       f"{', '.join(market.domains)})", "$.context.domain", "CONTEXT-ERROR")
    if action != "search" and context.get("bpp_id") != own_id:
        raise _invalid(f"context.bpp_id must be {own_id}", "$.context.bpp_id", "CONTEXT-ERROR")


def _order(message: Json) -> Json:
    order = message.get("order")
    if not isinstance(order, dict):
        raise _invalid("message.order is required", "$.message.order")
    return order


def read_cart(market: Marketplace, domain: str, message: Json) -> Cart:
    """The provider, store, lines and fulfillment a select/init/confirm asks for."""
    order = _order(message)
    provider_ref = order.get("provider")
    provider_id = provider_ref.get("id") if isinstance(provider_ref, dict) else None
    provider = market.provider(provider_id)
    if provider is None or provider.domain != domain:
        raise Refusal("30001", f"provider {provider_id!r} not found",
                      path="$.message.order.provider.id")
    locations = provider_ref.get("locations") if isinstance(provider_ref, dict) else None
    if isinstance(locations, list) and locations:
        location_id = locations[0].get("id") if isinstance(locations[0], dict) else None
        if location_id != provider.store.id:
            raise Refusal("30002", f"location {location_id!r} of provider {provider.id} not "
                          "found", path="$.message.order.provider.locations[0].id")
    lines = tuple(_line(provider, raw, index) for index, raw in enumerate(_items(order)))
    _check_customisations(provider, lines)
    return Cart(provider, provider.store, lines, _fulfillment(provider, order))


def _items(order: Json) -> list[Json]:
    items = order.get("items")
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise _invalid("message.order.items must be a non-empty list of items",
                       "$.message.order.items")
    return items


def _line(provider: Provider, raw: Json, index: int) -> OrderLine:
    path = f"$.message.order.items[{index}]"
    item = provider.item(raw.get("id"))
    if item is None:
        raise Refusal("30004", f"item {raw.get('id')!r} not found in provider {provider.id}",
                      path=f"{path}.id")
    quantity = raw.get("quantity")
    count = quantity.get("count") if isinstance(quantity, dict) else None
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise _invalid(f"item {item.id}: quantity.count must be a positive integer",
                       f"{path}.quantity.count")
    if count > item.available:
        raise Refusal("40002", f"item {item.id}: only {item.available} available",
                      path=f"{path}.quantity.count")
    if count > item.maximum:
        raise Refusal("40009", f"item {item.id}: at most {item.maximum} per order",
                      path=f"{path}.quantity.count")
    parent = raw.get("parent_item_id")
    return OrderLine(item, count, parent if isinstance(parent, str) and parent else None)


def _check_customisations(provider: Provider, lines: tuple[OrderLine, ...]) -> None:
    """Each item's custom groups (and those its chosen options open) within their min/max."""
    for line in lines:
        if line.item.kind != "item" or not line.item.custom_groups:
            continue
        chosen = [other.item for other in lines if other.item.kind == "customization"
                  and other.parent_item_id == line.parent_item_id]
        pending, seen = list(line.item.custom_groups), set()
        while pending:
            group_id = pending.pop(0)
            group = provider.custom_group(group_id)
            if group is None or group_id in seen:
                continue
            seen.add(group_id)
            picked = [c for c in chosen if c.parent_group == group_id]
            if not group.minimum <= len(picked) <= group.maximum:
                raise _invalid(f"item {line.item.id}: choose {group.minimum} to "
                               f"{group.maximum} of {group.name} ({group_id}), got "
                               f"{len(picked)}", "$.message.order.items")
            pending.extend(g for c in picked for g in c.child_groups)
    for line in lines:
        if line.item.kind == "customization" and not _has_base(line, lines):
            raise _invalid(f"customisation {line.item.id} has no item with parent_item_id "
                           f"{line.parent_item_id!r}", "$.message.order.items")


def _has_base(line: OrderLine, lines: tuple[OrderLine, ...]) -> bool:
    return any(o.item.kind == "item" and o.parent_item_id == line.parent_item_id
               and line.item.parent_group in _groups_of(o.item, lines) for o in lines)


def _groups_of(item: Item, lines: tuple[OrderLine, ...]) -> set[str]:
    groups = set(item.custom_groups)
    for other in lines:
        groups.update(other.item.child_groups)
    return groups


def _fulfillment(provider: Provider, order: Json) -> FulfillmentOption:
    fulfillments = order.get("fulfillments")
    first = fulfillments[0] if isinstance(fulfillments, list) and fulfillments \
        and isinstance(fulfillments[0], dict) else {}
    if "id" in first:
        option = provider.fulfillment(first["id"])
        if option is None:
            raise _invalid(f"fulfillment {first['id']!r} is not one of provider "
                           f"{provider.id}'s", "$.message.order.fulfillments[0].id")
        return option
    kind = first.get("type", "Delivery")
    option = provider.fulfillment_of_type(kind)
    if option is None:
        raise _invalid(f"provider {provider.id} offers no {kind!r} fulfillment",
                       "$.message.order.fulfillments[0].type")
    return option


def fulfillment_end(message: Json) -> Json | None:
    """The buyer's end of the first fulfillment (location and contact), as sent."""
    fulfillments = _order(message).get("fulfillments")
    if isinstance(fulfillments, list) and fulfillments and isinstance(fulfillments[0], dict):
        end = fulfillments[0].get("end")
        if isinstance(end, dict):
            return end
    return None


def billing_of(message: Json) -> Json:
    billing = _order(message).get("billing")
    if not isinstance(billing, dict) or not billing.get("name") or not billing.get("phone"):
        raise _invalid("message.order.billing with name and phone is required",
                       "$.message.order.billing")
    return billing


def confirmed_order_id(message: Json) -> str:
    order_id = _order(message).get("id")
    if not isinstance(order_id, str) or not order_id.strip():
        raise _invalid("message.order.id (the buyer's order id) is required",
                       "$.message.order.id")
    return order_id


def requested_order_id(message: Json, known: str | None) -> str:
    """``message.order_id`` of status/track, which must be this transaction's order."""
    order_id = message.get("order_id")
    if not isinstance(order_id, str) or not order_id:
        raise _invalid("message.order_id is required", "$.message.order_id")
    if known is None or order_id != known:
        raise Refusal("30018", f"order {order_id!r} not found in this transaction",
                      path="$.message.order_id")
    return order_id


def finder_fee(message: Json) -> tuple[str, str] | None:
    """The buyer app's finder fee from ``search`` (type, amount), when it sent one."""
    intent = message.get("intent")
    payment = intent.get("payment") if isinstance(intent, dict) else None
    if not isinstance(payment, dict):
        return None
    fee_type = payment.get("@ondc/org/buyer_app_finder_fee_type")
    amount = payment.get("@ondc/org/buyer_app_finder_fee_amount")
    if isinstance(fee_type, str) and isinstance(amount, str):
        return fee_type, amount
    return None
