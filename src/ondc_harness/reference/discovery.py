"""Incremental catalogue refresh (pull and push) and the buyer app's catalogue rejection.

retail-1.2/docs/incremental_catalog_refresh.md and the 1.2.5 INCREMENTAL_CATALOG flow: a
``search`` whose ``intent.tags`` has a ``catalog_inc`` group asks for changes, not the catalogue:

* **pull** — ``start_time`` and ``end_time`` (both not after the request): one solicited
  on_search with what changed in that window;
* **push** — ``mode: start`` (``start_time`` optional, not after the request): a solicited
  on_search with the changes so far, then unsolicited on_search pushes (same transaction, fresh
  message_id) as changes happen; ``mode: stop`` ends them (ACK, no callback).

An incremental on_search names only providers and locations the full catalogue has, with what
changed: each store's status (``time.label`` enable with its ``timestamp``, the event time) and
the full record of each changed item (here: items with limited stock, whose availability
moves).  The reference seller's pushes are deterministic: right after the start, an item with
limited stock sells out (available 0), then is back in stock (99) — two pushes, each with the
item's entire record.

``catalog_rejection`` (seen in real certification logs, 1.2.0: ``{context, errors: [{type,
code, path, message}]}``; ``errors`` inside ``message`` is accepted too): the buyer app tells the
seller which parts of its catalogue it refused (e.g. 91001 "Item price > MRP").  The seller
ACKs (NACK 30000 without errors) and sends nothing back.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ondc_harness.reference.catalog_payload import item_json
from ondc_harness.reference.catalogue import Marketplace
from ondc_harness.reference.clock import parse_ts
from ondc_harness.reference.faults import active
from ondc_harness.reference.validation import Refusal

if TYPE_CHECKING:
    from ondc_harness.reference.desk import Desk, Handler, Job

Json = dict[str, Any]
PUSH_FAULT = "inc_push_message_id"


def catalog_inc(message: Json) -> dict[str, str] | None:
    """The ``catalog_inc`` tag values of a search, or ``None`` for a full-catalogue search."""
    intent = message.get("intent")
    for tag in (intent.get("tags") or []) if isinstance(intent, dict) else []:
        if isinstance(tag, dict) and tag.get("code") == "catalog_inc":
            return {str(e.get("code")): str(e.get("value")) for e in tag.get("list") or []
                    if isinstance(e, dict)}
    return None


def changes(market: Marketplace, domain: str, event_time: str) -> Json:
    """What changed for each provider of ``domain``, stamped ``event_time``."""
    providers = []
    for provider in market.providers_for(domain):
        entry: Json = {"id": provider.id, "ttl": "P1D", "locations": [
            {"id": provider.store.id, "time": {"label": "enable", "timestamp": event_time}}]}
        items = []
        for item in provider.items:
            if item.kind == "item" and item.available < 99:
                record = item_json(provider, item)
                record["time"] = {"label": "enable", "timestamp": event_time}
                items.append(record)
        if items:
            entry["items"] = items
        providers.append(entry)
    return {"catalog": {"bpp/providers": providers}}


def stock_event(market: Marketplace, domain: str, timestamp: str, *, in_stock: bool) -> Json:
    """An item of ``domain`` (one with limited stock if any) sold out, or back in stock, as of
    ``timestamp``: its entire record, as the incremental refresh doc asks for item changes."""
    providers = market.providers_for(domain)
    provider, item = next(((p, i) for p in providers for i in p.items
                           if i.kind == "item" and i.available < 99),
                          (providers[0], next(i for i in providers[0].items if i.kind == "item")))
    record = item_json(provider, item)
    record["quantity"]["available"] = {"count": "99" if in_stock else "0"}
    record["time"] = {"label": "enable", "timestamp": timestamp}
    return {"catalog": {"bpp/providers": [{"id": provider.id, "ttl": "P1D", "items": [record]}]}}


def _instant(values: dict[str, str], key: str, request_ts: str, path: str) -> str | None:
    text = values.get(key)
    if text is None:
        return None
    moment, now = parse_ts(text), parse_ts(request_ts)
    if moment is None or now is None or moment > now:
        raise Refusal("30000", f"catalog_inc {key} {text!r} must be a timestamp not after the "
                      "request's", path=path)
    return text


def search(desk: Desk, payload: Json) -> Job:
    context, message = payload["context"], payload["message"]
    values = catalog_inc(message)
    if values is None:
        return desk.seller._search(payload)
    path = "$.message.intent.tags"
    life = desk.life(str(context["transaction_id"]))
    market, domain = desk.seller.market, str(context["domain"])
    mode = values.get("mode")
    start = _instant(values, "start_time", context["timestamp"], path)
    end = _instant(values, "end_time", context["timestamp"], path)
    if mode == "stop":
        life.catalog_push = False

        async def stopped() -> None:
            return  # push ends; nothing to answer
        return stopped
    if mode not in (None, "start"):
        raise Refusal("30000", f"catalog_inc mode {mode!r} is not start or stop", path=path)
    if mode is None and (start is None or end is None or end <= start):
        raise Refusal("30000", "a one-time refresh needs start_time < end_time", path=path)
    push_fault = active(desk.seller.config.faults, PUSH_FAULT, "search")

    async def job() -> None:
        event = end or context["timestamp"]
        await desk.answer(context, "on_search", lambda ts: changes(market, domain, event))
        if mode != "start":
            return
        life.catalog_push = True
        for restocked in (False, True):
            if not life.catalog_push:
                return

            def event_at(timestamp: str, restocked: bool = restocked) -> Json:
                return {"message": stock_event(market, domain, timestamp, in_stock=restocked)}
            await desk.reply(context, "on_search", event_at, push=not push_fault)
    return job


def catalog_rejection(desk: Desk, payload: Json) -> Job:
    message = payload["message"]
    errors = payload.get("errors", message.get("errors"))
    if not isinstance(errors, list) or not errors or not all(
            isinstance(e, dict) and e.get("code") for e in errors):
        raise Refusal("30000", "catalog_rejection carries errors [{type, code, path, message}]",
                      path="$.errors")
    if active(desk.seller.config.faults, "catalog_rejection_nack", "catalog_rejection"):
        raise Refusal("30000", "catalog rejection not accepted", path="$.errors")
    life = desk.life(str(payload["context"]["transaction_id"]))
    life.rejections.extend(copy.deepcopy(errors))

    async def job() -> None:
        return  # an acknowledgement is the whole answer
    return job


def handlers(desk: Desk) -> dict[str, Handler]:
    return {"search": lambda payload: search(desk, payload),
            "catalog_rejection": lambda payload: catalog_rejection(desk, payload)}
