"""Cross-step rules (``RET-XSTEP-…``): what one message must keep from an earlier one.

Every comparison goes through :func:`diff_paths` (deepdiff underneath, via
:mod:`ondc_harness.checks.diffing`), so a change is always reported the same way: one violation
per changed JSONPath of the message under check, with the earlier and the current value.

Sources: RULES-REFERENCE.md, "Per API": on_select (item ids ⊆ select's, provider as selected),
init/on_init (billing as in init, quote = on_select's), on_confirm (quote, items, billing,
cancellation_terms as on_init; order id as confirm's) and the later APIs (same order id).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_dict, get_str, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.diffing import Change
from ondc_harness.checks.diffing import diff_paths as _deep_diff
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import (
    RETAIL,
    fulfillment_ids,
    fulfillment_refs,
    latest,
    member,
    numeric,
    order_of,
    str_values,
)
from ondc_harness.checks.views import shared

__all__ = ["Change", "diff_keyed", "diff_paths"]

_R = "RULES-REFERENCE.md"

#: Keys whose values are amounts or counts: ``"394.2"`` and ``"394.20"`` (or ``1`` and ``"1"``)
#: are the same amount, so a change between them is formatting, not a different price.
AMOUNT_KEYS: Final = frozenset({"value", "offered_value", "maximum_value", "amount",
                                "percentage", "count"})
_LAST_KEY = re.compile(r"(?:\.([A-Za-z_][A-Za-z0-9_]*)|\['((?:[^'\\]|\\.)*)'\])$")


def _last_key(path: str) -> str | None:
    match = _LAST_KEY.search(path)
    if match is None:
        return None
    return match.group(1) or match.group(2)


def _same_amount(change: Change) -> bool:
    if change.kind != "changed" or _last_key(change.path) not in AMOUNT_KEYS:
        return False
    old, new = numeric(change.old), numeric(change.new)
    return old is not None and new is not None and old == new


def identical(old: Any, new: Any) -> bool:
    """Whether two JSON values are the same, types included (``1``, ``1.0`` and ``true`` differ).

    Then their canonical JSON texts are equal and deepdiff would find nothing, so callers skip
    it: most compared values are unchanged, and this walk is far cheaper than serialising both
    sides.  ``False`` only means "not known to be the same" (any other type, a ``-0.0``): the
    caller then diffs as usual.
    """
    if old is new:
        return True
    kind = type(old)
    if kind is not type(new):
        return False
    if kind in _PLAIN:
        return bool(old == new)
    if kind is dict:
        if len(old) != len(new):
            return False
        for key, value in old.items():
            other = new.get(key, _ABSENT)
            if not (value is other or (type(value) in _PLAIN and type(other) is type(value)
                                        and value == other) or identical(value, other)):
                return False
        return True
    if kind is list:
        return len(old) == len(new) and all(
            identical(a, b) for a, b in zip(old, new, strict=True))
    if kind is float:
        return repr(old) == repr(new)  # the JSON text: 0.0 and -0.0 differ there
    return False


#: Scalar types whose ``==`` is their JSON text's (a float's is not: ``0.0 == -0.0``).
_PLAIN: Final = frozenset({str, int, bool, type(None)})
_ABSENT: Final = object()  # a key missing from the other object (values may be MISSING)


def diff_paths(old: Any, new: Any, *, ignore: Iterable[str] = (), base: str = "$",
               amounts_as_numbers: bool = True) -> list[Change]:
    """Every difference between ``old`` and ``new`` as :class:`Change` (JSONPath, kind, values).

    ``ignore`` names keys skipped wherever they occur (``"tags"`` ignores every ``tags`` subtree);
    ``base`` is the JSONPath of ``new`` in its message, so paths point into the message under
    check.  With ``amounts_as_numbers``, a value under an amount key (:data:`AMOUNT_KEYS`) that
    changed only in notation is not a change.  ``MISSING`` on one side is an added/removed
    ``base``.  Values that are :func:`identical` are not diffed at all (nothing to report).
    """
    if identical(old, new):
        return []
    regexes = [rf"\['{re.escape(key)}'\]" for key in ignore]
    changes = _deep_diff(old, _reusing_unchanged(old, new), base=base,
                         exclude_regex_paths=regexes or None)
    if amounts_as_numbers:
        changes = [c for c in changes if not _same_amount(c)]
    return changes


def _reusing_unchanged(old: Any, new: Any) -> Any:
    """``new`` with every value that is unchanged since ``old`` replaced by ``old``'s object.

    deepdiff walks every node of both sides (over a millisecond for a linked order of a few
    hundred bytes) but skips a value whose two sides are the same object.  Only values equal
    to the other side, types included (:func:`identical`, and ``==`` so a NaN, which deepdiff
    reports unless it is the same object, keeps its own), are replaced: the keys, types and
    contents deepdiff compares are unchanged, so it reports the same changes, with the same
    values.  The objects are rebuilt where needed; neither side is modified.
    """
    if type(old) is dict and type(new) is dict:
        out: dict[str, Any] = {}
        for key, value in new.items():
            before = old.get(key, _ABSENT)
            if before is _ABSENT or before is value:
                out[key] = value
            elif identical(before, value) and before == value:
                out[key] = before
            else:
                out[key] = _reusing_unchanged(before, value)
        return out
    if type(old) is list and type(new) is list:
        items = list(new)
        for index, (before, value) in enumerate(zip(old, new, strict=False)):
            if before is value:
                continue
            if identical(before, value) and before == value:
                items[index] = before
            else:
                items[index] = _reusing_unchanged(before, value)
        return items
    return new


Key = Hashable


#: A list's objects by (key, occurrence) → (index, projection): see :func:`_projected`.
Projected = dict[tuple[Key, int], tuple[int, Any]]


def _projected(elements: Any, key: Callable[[dict[str, Any]], Key],
               project: Callable[[dict[str, Any]], Any]) -> Projected:
    """The objects of the list ``elements`` by (key, occurrence), so repeated keys pair up in
    order, each with its index and projection; anything else than a list has none."""
    out: Projected = {}
    if not isinstance(elements, list):
        return out
    seen: dict[Key, int] = {}
    for index, element in enumerate(elements):
        if isinstance(element, dict):
            k = key(element)
            occurrence = seen.get(k, 0)
            out[(k, occurrence)] = (index, project(element))
            seen[k] = occurrence + 1
    return out


def _diff_projected(old: Projected, new: Projected, base: str,
                    ignore: tuple[str, ...] = ()) -> list[Change]:
    """:func:`diff_keyed` of two lists already keyed and projected."""
    changes: list[Change] = []
    for k, (index, after) in new.items():
        found = old.get(k)
        if found is None:
            changes.append(Change(f"{base}[{index}]", "added", None, after))
        elif not identical(found[1], after):
            changes.extend(diff_paths(found[1], after, ignore=ignore, base=f"{base}[{index}]"))
    changes.extend(Change(base, "removed", before, None)
                   for k, (_, before) in old.items() if k not in new)
    return changes


def diff_keyed(old: Any, new: Any, *, key: Callable[[dict[str, Any]], Key], base: str,
               project: Callable[[dict[str, Any]], Any] = lambda e: e,
               ignore: Iterable[str] = ()) -> list[Change]:
    """:func:`diff_paths` for two lists whose order does not matter, pairing elements by ``key``.

    A reordered list is no change; an element only in ``old`` is ``removed`` at ``base`` (it has
    no place in the new list), one only in ``new`` is ``added`` at its index.  ``project`` picks
    the fields that must not change.
    """
    return _diff_projected(_projected(old, key, project), _projected(new, key, project), base,
                           tuple(ignore))


def change_violations(changes: list[Change], what: str, source: str,
                      changed: str = "{what} changed since {source}") -> Iterator[Violation]:
    """One violation per change against ``source`` (an earlier message's action); ``changed``
    words a changed value, so request rules can say "differs from" where it reads better."""
    for change in changes:
        if change.kind == "changed":
            text = changed.format(what=what, source=source)
        elif change.kind == "added":
            text = f"{what}: this element is not in {source}"
        else:
            text = f"{what}: an element of {source} is missing"
        yield Violation(change.path, text, expected=change.old, actual=change.new)


def _violations(changes: list[Change], what: str, earlier_action: str) -> Iterator[Violation]:
    return change_violations(changes, what, earlier_action)


def _order_path(*parts: str | int) -> str:
    return json_path("message", "order", *parts)


# --- items, quote, billing ---------------------------------------------------------------------

_ITEM_FIELDS: Final = ("id", "parent_item_id", "quantity", "fulfillment_id", "fulfillment_ids")


def _item_key(item: dict[str, Any]) -> Key:
    return (str(item.get("id")), str(item.get("parent_item_id")))


def _item_projection(item: dict[str, Any]) -> dict[str, Any]:
    """What an order line is: the item, its parent (F&B customisations), quantity, fulfillment.

    Tags are left out: the 1.2.5 examples add ``rto_action`` tags in on_init and drop them in
    on_confirm (automation-1.2.5/RET11-1.2.5/flows/F&B/ORDER_FLOW.yaml).
    """
    return {k: item[k] for k in _ITEM_FIELDS if k in item}


def breakup_key(line: dict[str, Any]) -> Key:
    return (str(line.get("@ondc/org/item_id")), str(line.get("@ondc/org/title_type")))


def _quote_changes(old: dict[str, Any], new: dict[str, Any], *,
                   not_chosen: frozenset[str] = frozenset()) -> list[Change]:
    """Total and lines (see :func:`line_projection`); the quote's own ``ttl`` is a validity,
    not a price.

    ``not_chosen`` are fulfillment options the buyer did not pick: their lines are dropped from
    the earlier quote and the total is not compared (it legitimately lost those lines).
    """
    changes: list[Change] = []
    old_lines: Any = get(old, "quote", "breakup")
    if not_chosen and isinstance(old_lines, list):
        old_lines = [line for line in old_lines if not (
            isinstance(line, dict) and line.get("@ondc/org/item_id") in not_chosen)]
    else:
        changes += diff_paths(get(old, "quote", "price"), get(new, "quote", "price"),
                              base=_order_path("quote", "price"))
    changes += breakup_changes(old_lines, get(new, "quote", "breakup"),
                               _order_path("quote", "breakup"))
    return changes


@shared
def _breakup_lines(breakup: Any) -> Projected:
    """A quote breakup keyed and projected for comparison (:func:`breakup_key`,
    :func:`line_projection`): a message's quote is compared with the one before and the one
    after it, and projected once per flow."""
    return _projected(breakup, breakup_key, line_projection)


def breakup_changes(old: Any, new: Any, base: str) -> list[Change]:
    """``diff_keyed(old, new, key=breakup_key, project=line_projection, base=base)``."""
    return _diff_projected(_breakup_lines(old), _breakup_lines(new), base)


def line_projection(line: dict[str, Any]) -> dict[str, Any]:
    """The money of a breakup line: what it is for, its type, quantity, price and unit price.

    Left out: ``title`` (buyer apps may reword it: on_select notes [^11]), the line item's tags
    (descriptive; some sellers add them only from on_init) and its stock counts.
    """
    out: dict[str, Any] = {k: line[k] for k in _LINE_KEYS if k in line}
    item = line.get("item")
    if isinstance(item, dict) and "price" in item:
        out["item"] = {"price": item["price"]}
    return out


_LINE_KEYS: Final = ("@ondc/org/item_id", "@ondc/org/title_type", "@ondc/org/item_quantity",
                     "price")


@rule("RET-XSTEP-001", "on_confirm keeps the items of on_init (id, parent, quantity, "
      "fulfillment)", Severity.CRITICAL, spec=f"{_R} on_confirm (as on_init); confirm",
      actions=["on_confirm"], domains=RETAIL)
def confirm_keeps_items(ctx: CheckContext) -> Iterator[Violation]:
    """The confirmed order must be the order that was priced in on_init."""
    before = latest(ctx, "on_init")
    if before is None:
        return
    old, new = order_of(before.payload), order_of(ctx.payload)
    if "items" not in old or "items" not in new:
        return
    changes = diff_keyed(old["items"], new["items"], key=_item_key, base=_order_path("items"),
                         project=_item_projection)
    yield from _violations(changes, "order item", "on_init")


@rule("RET-XSTEP-002", "on_confirm keeps the billing of on_init", Severity.MAJOR,
      spec=f"{_R} on_init (billing as in init); on_confirm", actions=["on_confirm"],
      domains=RETAIL)
def confirm_keeps_billing(ctx: CheckContext) -> Iterator[Violation]:
    """Billing names who is invoiced; the invoice must match what the buyer gave."""
    before = latest(ctx, "on_init")
    if before is None:
        return
    old, new = order_of(before.payload), order_of(ctx.payload)
    if "billing" not in old or "billing" not in new:
        return
    changes = diff_paths(old["billing"], new["billing"], base=_order_path("billing"))
    yield from _violations(changes, "billing", "on_init")


@rule("RET-XSTEP-003", "on_confirm keeps the quote of on_init (total and every line; "
      "amounts compared as numbers)", Severity.CRITICAL,
      spec=f"{_R} confirm (quote as on_init); on_confirm", actions=["on_confirm"],
      domains=RETAIL)
def confirm_keeps_quote(ctx: CheckContext) -> Iterator[Violation]:
    """A price changed at confirmation is a price the buyer never accepted."""
    before = latest(ctx, "on_init")
    if before is None:
        return
    old, new = order_of(before.payload), order_of(ctx.payload)
    if "quote" not in old or "quote" not in new:
        return
    yield from _violations(_quote_changes(old, new), "quote", "on_init")


def _item_quantities(order: dict[str, Any]) -> Counter[tuple[str, str]]:
    """(item id, parent item id) → total count ordered (a count that is not a number: 0)."""
    out: Counter[tuple[str, str]] = Counter()
    items = order.get("items")
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict):
            continue
        quantity = item.get("quantity")
        count = (numeric(quantity["count"])
                 if isinstance(quantity, dict) and "count" in quantity else None)
        out[(str(item.get("id")), str(item.get("parent_item_id")))] += int(count or 0)
    return out


def _offer_ids(order: dict[str, Any]) -> list[str]:
    return sorted(str(o.get("id")) for _, o in items_of(order, "offers"))


def _options_not_chosen(on_select: dict[str, Any], init: dict[str, Any]) -> frozenset[str]:
    """Fulfillment options on_select offered that init did not pick.

    With several options on_select may price all of them, or only the default one
    (retail-1.2/notes/on_select multiple options [^1]; automation-1.2.5 BUYER_DELIVERY prices
    all three); once init picks one, the other options' lines leave the quote.
    """
    offered = set(fulfillment_ids(on_select))
    if len(offered) < 2:
        return frozenset()
    chosen = set(fulfillment_ids(init))
    for _, item in items_of(init, "items"):
        chosen.update(ref for _, ref in fulfillment_refs(item) if isinstance(ref, str))
    if not chosen & offered:
        return frozenset()
    return frozenset(offered - chosen)


@rule("RET-XSTEP-004", "on_init keeps the quote of on_select when the items did not change "
      "(amounts compared as numbers)", Severity.CRITICAL,
      spec=f"{_R} on_init (quote = Σ breakup = on_select's)", actions=["on_init"],
      domains=RETAIL)
def init_keeps_quote(ctx: CheckContext) -> Iterator[Violation]:
    """The price agreed in on_select holds at init unless the buyer changed the cart.

    Skipped when on_select answered with an error (out of stock, 40002: its quote is not an
    offer), when init's items (id and quantity) differ from the last select's, or when init
    applies other offers than select (an offer code may first be applied in init:
    retail-1.2/notes/init [^1]).  When init
    picked one of several fulfillment options, the lines of the options not picked are not
    expected in on_init, and the total is not compared.
    """
    on_select, select, init = (latest(ctx, a) for a in ("on_select", "select", "init"))
    if on_select is None or get(on_select.payload, "error") is not MISSING:
        return
    old, new = order_of(on_select.payload), order_of(ctx.payload)
    if "quote" not in old or "quote" not in new:
        return
    not_chosen: frozenset[str] = frozenset()
    if select is not None and init is not None:
        if _item_quantities(order_of(select.payload)) != _item_quantities(order_of(init.payload)):
            return
        if _offer_ids(order_of(select.payload)) != _offer_ids(order_of(init.payload)):
            return
        not_chosen = _options_not_chosen(old, order_of(init.payload))
    yield from _violations(_quote_changes(old, new, not_chosen=not_chosen), "quote", "on_select")


@rule("RET-XSTEP-010", "on_init keeps the billing of init", Severity.MAJOR,
      spec=f"{_R} on_init (billing as in init)", actions=["on_init"], domains=RETAIL)
def on_init_keeps_billing(ctx: CheckContext) -> Iterator[Violation]:
    """The seller echoes the buyer's billing; a changed one invoices someone else."""
    before = latest(ctx, "init")
    if before is None:
        return
    old, new = order_of(before.payload), order_of(ctx.payload)
    if "billing" not in old or "billing" not in new:
        return
    yield from _violations(diff_paths(old["billing"], new["billing"], base=_order_path("billing")),
                           "billing", "init")


def _term_key(term: dict[str, Any]) -> Key:
    return str(get(term, "fulfillment_state", "descriptor", "code"))


def _term_projection(term: dict[str, Any]) -> dict[str, Any]:
    """The state a term applies to and its fee.  Reason codes (``short_desc``) are left out:
    the official ORDER_FLOW example itself lists different ones in on_init and on_confirm."""
    return {"fulfillment_state": get_str(term, "fulfillment_state", "descriptor", "code"),
            "cancellation_fee": get(term, "cancellation_fee"),
            **({"reason_required": term["reason_required"]} if "reason_required" in term else {})}


@rule("RET-XSTEP-009", "on_confirm keeps the cancellation_terms of on_init (state and fee)",
      Severity.MAJOR, spec=f"{_R} on_confirm (cancellation_terms equal on_init's)",
      actions=["on_confirm"], domains=RETAIL)
def confirm_keeps_cancellation_terms(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer accepted the fees of on_init; on_confirm cannot change what cancelling costs."""
    before = latest(ctx, "on_init")
    if before is None:
        return
    old, new = order_of(before.payload), order_of(ctx.payload)
    if "cancellation_terms" not in old or "cancellation_terms" not in new:
        return  # absence is RET-CANCEL-001's
    changes = diff_keyed(old["cancellation_terms"], new["cancellation_terms"], key=_term_key,
                         base=_order_path("cancellation_terms"), project=_term_projection)
    yield from _violations(changes, "cancellation term", "on_init")


# --- identities --------------------------------------------------------------------------------

#: Where each later API carries the order id (Retail 1.2 build.yaml).
_ORDER_ID_AT: Final = {"status": ("order_id",), "track": ("order_id",), "cancel": ("order_id",),
                       "update": ("order", "id"), "on_status": ("order", "id"),
                       "on_cancel": ("order", "id"), "on_update": ("order", "id")}


def _changed_id(reference: Any, current: Any, parts: tuple[str, ...], what: str,
                source: str) -> Iterator[Violation]:
    """The id at ``parts`` (of the message under check) changed since ``source``'s."""
    if not isinstance(reference, str) or current is MISSING or identical(reference, current):
        return
    for change in diff_paths(reference, current, base=json_path(*parts)):
        yield Violation(change.path, f"{what} differs from the one in {source}",
                        expected=change.old, actual=change.new)


@rule("RET-XSTEP-005", "Messages after on_confirm carry on_confirm's order id",
      Severity.BLOCKER, spec=f"{_R} on_status (same order id); cancel (order id as confirm's)",
      actions=sorted(_ORDER_ID_AT), domains=RETAIL)
def same_order_id(ctx: CheckContext) -> Iterator[Violation]:
    """A status, cancel or update for another order id acts on the wrong order."""
    confirmed = latest(ctx, "on_confirm")
    if confirmed is None:
        return
    parts = _ORDER_ID_AT[ctx.message.action]
    current = get(ctx.message.body, *parts)
    yield from _changed_id(order_of(confirmed.payload).get("id", MISSING), current,
                           ("message", *parts), "order id", "on_confirm")


@rule("RET-XSTEP-006", "on_confirm's order id is confirm's", Severity.BLOCKER,
      spec=f"{_R} on_confirm (order id and created_at as confirm's)", actions=["on_confirm"],
      domains=RETAIL)
def confirm_order_id(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app names the order in confirm; the seller must confirm that order."""
    confirm = latest(ctx, "confirm")
    if confirm is None:
        return
    yield from _changed_id(order_of(confirm.payload).get("id", MISSING),
                           order_of(ctx.payload).get("id", MISSING),
                           ("message", "order", "id"), "order id", "confirm")


def _provider_id(order: dict[str, Any]) -> Any:
    """``order.provider.id``, :data:`MISSING` when absent."""
    provider = order.get("provider")
    return provider.get("id", MISSING) if isinstance(provider, dict) else MISSING


_PROVIDER_ACTIONS: Final = ("on_select", "init", "on_init", "confirm", "on_confirm", "on_status",
                            "on_cancel", "update", "on_update")


@rule("RET-XSTEP-007", "The provider id stays the one selected", Severity.CRITICAL,
      spec=f"{_R} on_select/init (provider matches)", actions=_PROVIDER_ACTIONS, domains=RETAIL)
def same_provider(ctx: CheckContext) -> Iterator[Violation]:
    """An order is placed with one store (provider) of the seller app."""
    select = latest(ctx, "select")
    if select is None:
        return
    yield from _changed_id(_provider_id(order_of(select.payload)),
                           _provider_id(order_of(ctx.payload)),
                           ("message", "order", "provider", "id"), "provider id", "select")


@rule("RET-XSTEP-008", "on_select's item ids are among select's", Severity.CRITICAL,
      spec=f"{_R} on_select (item ids ⊆ select's)", actions=["on_select"], domains=RETAIL)
def selected_items_only(ctx: CheckContext) -> Iterator[Violation]:
    """The seller quotes what the buyer asked for, not other items."""
    select = next((m for m in reversed(ctx.earlier) if m.action == "select"
                   and m.message_id == ctx.message.message_id), None) or latest(ctx, "select")
    if select is None:
        return
    wanted = str_values(i.get("id") for _, i in items_of(order_of(select.payload), "items"))
    wanted_order = get_dict(select.payload, "message", "order")
    if "items" not in wanted_order:
        return
    for index, item in items_of(order_of(ctx.payload), "items"):
        if not member(item.get("id"), wanted):
            yield Violation(_order_path("items", index, "id"),
                            f"item {item.get('id')!r} was not selected",
                            expected=sorted(wanted), actual=item.get("id"))


def _catalogue(ctx: CheckContext) -> dict[str, set[str]] | None:
    """Provider id → item ids, merged over every earlier on_search; ``None`` without one.

    An on_search without ``message.catalog`` (an error answer, or a misspelt ``catalogue``
    that the schema reports) offers nothing to compare with and is not a catalogue."""
    found: dict[str, set[str]] | None = None
    for message in ctx.earlier:
        if message.action != "on_search" or get(message.payload, "message", "catalog") is MISSING:
            continue
        found = found if found is not None else {}
        for _, provider in items_of(message.payload, "message", "catalog", "bpp/providers"):
            pid = provider.get("id")
            if isinstance(pid, str):
                found.setdefault(pid, set()).update(
                    str_values(i.get("id") for _, i in items_of(provider, "items")))
    return found


@rule("RET-XSTEP-011", "select names a provider and items of the on_search catalogue",
      Severity.CRITICAL, spec=f"{_R} select (items, provider, location exist in on_search)",
      actions=["select"], domains=RETAIL)
def selected_from_catalogue(ctx: CheckContext) -> Iterator[Violation]:
    """A buyer can only order what the seller offered.

    Checked only when the flow holds an on_search (logs often fetch the catalogue in another
    transaction); catalogues split over several on_search (incremental pushes) are merged.
    """
    catalogue = _catalogue(ctx)
    if catalogue is None:
        return
    order = order_of(ctx.payload)
    pid = get(order, "provider", "id")
    if pid is MISSING:
        return
    if not member(pid, catalogue):
        yield Violation(_order_path("provider", "id"), f"provider {pid!r} is not in on_search",
                        expected=sorted(catalogue), actual=pid)
        return
    offered = catalogue[str(pid)]
    for index, item in items_of(order, "items"):
        if "id" in item and not member(item["id"], offered):
            yield Violation(_order_path("items", index, "id"),
                            f"item {item['id']!r} is not in provider {pid!r}'s catalogue",
                            expected=sorted(offered), actual=item["id"])


# --- the store ---------------------------------------------------------------------------------

#: Where the seller states a fulfillment's start (the store), in the order these messages come.
_STORE_SOURCES: Final = ("on_select", "on_init", "on_confirm", "on_status")


def _store(fulfillment: dict[str, Any]) -> dict[str, Any] | None:
    """What identifies the store a fulfillment starts from: location id, gps, address and the
    store's name (``start.location.descriptor.name``); ``None`` without a start location."""
    start = fulfillment.get("start")
    location = start.get("location") if isinstance(start, dict) else None
    if not isinstance(location, dict):
        return None
    out: dict[str, Any] = {k: location[k] for k in ("id", "gps", "address") if k in location}
    descriptor = location.get("descriptor")
    if isinstance(descriptor, dict) and "name" in descriptor:
        out["descriptor"] = {"name": descriptor["name"]}
    return out


def _same_gps(change: Change) -> bool:
    """A gps rewritten in another notation ("12.97,77.61" → "12.970, 77.610") is the same
    point (within 1e-6°)."""
    if _last_key(change.path) != "gps":
        return False
    try:
        old = [float(x) for x in str(change.old).split(",")]
        new = [float(x) for x in str(change.new).split(",")]
    except ValueError:
        return False
    return len(old) == len(new) == 2 and all(
        abs(a - b) < 1e-6 for a, b in zip(old, new, strict=True))


@shared
def _stores(order: dict[str, Any]) -> dict[str, tuple[int, dict[str, Any]]]:
    """Fulfillment id → (index, store) for the fulfillments that name a start location (once
    per flow: each message's stores are compared with those of the messages after it)."""
    out: dict[str, tuple[int, dict[str, Any]]] = {}
    fulfillments = order.get("fulfillments")
    if not isinstance(fulfillments, list):
        return out
    for index, fulfillment in enumerate(fulfillments):
        if not isinstance(fulfillment, dict):
            continue
        fid = fulfillment.get("id")
        if isinstance(fid, str) and fid not in out:
            store = _store(fulfillment)
            if store is not None:
                out[fid] = (index, store)
    return out


def _shared_fields(old: Any, new: Any) -> tuple[Any, Any]:
    """``old`` and ``new`` cut, at every level of nested objects, to the keys both give.

    A store field given on one side only is not a change (see RET-XSTEP-013); cutting before
    the diff also keeps deepdiff from reporting two objects that share few keys as one whole
    changed value."""
    if type(old) is not dict or type(new) is not dict:
        return old, new
    old_out: dict[str, Any] = {}
    new_out: dict[str, Any] = {}
    for key, value in old.items():
        if key in new:
            old_out[key], new_out[key] = _shared_fields(value, new[key])
    return old_out, new_out


@rule("RET-XSTEP-013", "A fulfillment keeps its store (start location id, gps, address, name) "
      "from on_select and on_init to on_confirm and on_status", Severity.MAJOR,
      spec=f"{_R} on_confirm (store location unchanged); on_status",
      actions=["on_confirm", "on_status"], domains=RETAIL)
def same_store_location(ctx: CheckContext) -> Iterator[Violation]:
    """The store the buyer ordered from is where the order is packed and picked up; a changed
    start location sends the courier (and the buyer's expectations) elsewhere.

    Each fulfillment is compared *with itself*, by id, in the latest earlier seller message
    (on_select, on_init, on_confirm, on_status) that gave its start location, so a change is
    reported once, where it happens.  It is never compared with other stores: the official
    validator compares with the first location of on_search, and flags orders shipped,
    unchanged, from the provider's second store (docs/official-agreement.md, sellerGpsErr).
    New fulfillments (Cancel, RTO, Return: their start is not the store) have ids of their
    own and no earlier start to compare with.  A start location first given late (on_select
    and on_init often leave it out) is not a change, nor is a field given or left out
    later (on_status often drops ``id`` or adds ``address.building``; the 2024 logs do both
    with the store otherwise identical): only a value present on both sides and different is
    a changed store, reported at its exact path.
    """
    current = _stores(order_of(ctx.payload))
    if not current:
        return
    for fid, (index, store) in current.items():
        for message in reversed(ctx.earlier):
            if message.action not in _STORE_SOURCES:
                continue
            before = _stores(order_of(message.payload)).get(fid)
            if before is None:
                continue
            if not identical(before[1], store):  # the usual store is unchanged: nothing to cut
                old_fields, new_fields = _shared_fields(before[1], store)
                changes = [c for c in diff_paths(
                    old_fields, new_fields,
                    base=_order_path("fulfillments", index, "start", "location"))
                    if c.kind == "changed" and not _same_gps(c)]
                yield from _violations(changes, f"store of fulfillment {fid!r}", message.action)
            break
