"""Logistics cross-step rules (``LOG-XSTEP-…``): what a message must keep from an earlier one.

Every comparison goes through ``cross_step.diff_paths`` / ``diff_keyed`` (deepdiff underneath,
via :mod:`ondc_harness.checks.diffing`), so a change is reported as the JSONPath of the message
under check with the earlier and the current value; amounts are compared as numbers.

Sources: RULES-REFERENCE.md (same order id after confirm, provider and items as selected, quote
as on_init, cancellation terms as on_init), the 1.2.5 attribute tables (billing "should be same as
in /init"; on_confirm created_at "should match the corresponding timestamp in /confirm"), the
pack's SURGE_FEE_FLOW (on_confirm adds a surge line to the confirmed quote) and WEIGHT_
DIFFERENTIAL_FLOW (later quotes add diff lines).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_dict, get_str, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.diffing import Change
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import answered_request, member, order_of
from ondc_harness.checks.rules.cross_step import diff_keyed, diff_paths, identical
from ondc_harness.checks.rules.logistics_common import (
    ATTR11,
    ERRORS,
    FLOWS10,
    FLOWS11,
    LOGISTICS,
    REF,
    TAGGED_ORDER_ACTIONS,
    V1,
    V12,
    by_id,
    fulfillments,
    latest,
    opath,
    place,
)
from ondc_harness.checks.views import shared
from ondc_harness.message import Message

TITLE_TYPE: Final = "@ondc/org/title_type"
ITEM_ID: Final = "@ondc/org/item_id"
LINKED: Final = "@ondc/org/linked_order"
_ORDER_ID_AT: Final = {"status": ("order_id",), "track": ("order_id",), "cancel": ("order_id",),
                       "update": ("order", "id"), "on_status": ("order", "id"),
                       "on_cancel": ("order", "id"), "on_update": ("order", "id")}
#: Each pre-order step is compared with the step before it (init → on_init → confirm →
#: on_confirm), so a defect is reported once, where it was introduced.
_PREVIOUS: Final = {"on_init": "init", "confirm": "on_init", "on_confirm": "confirm"}


def _violations(changes: list[Change], what: str, source: str) -> Iterator[Violation]:
    for change in changes:
        if change.kind == "changed":
            text = f"{what} changed since {source}"
        elif change.kind == "added":
            text = f"{what}: this element is not in {source}"
        else:
            text = f"{what}: an element of {source} is missing"
        yield Violation(change.path, text, expected=change.old, actual=change.new)


def _pair(ctx: CheckContext, key: str) -> tuple[Any, Any, Message] | None:
    """(earlier order's ``key``, this order's ``key``, earlier message) when both have it."""
    previous = latest(ctx, _PREVIOUS.get(ctx.message.action, ""))
    if previous is None:
        return None
    old, new = order_of(previous.payload), order_of(ctx.payload)
    if key not in old or key not in new:
        return None
    return old[key], new[key], previous


@rule("LOG-XSTEP-001", "Messages after on_confirm carry on_confirm's order id", Severity.BLOCKER,
      spec=f"{REF} on_status (same order id), cancel (order id as confirm's)",
      actions=sorted(_ORDER_ID_AT), versions=V1, domains=LOGISTICS)
def same_order_id(ctx: CheckContext) -> Iterator[Violation]:
    """A status, cancel or update for another id acts on another shipment."""
    confirmed = latest(ctx, "on_confirm")
    if confirmed is None:
        return
    reference = get(order_of(confirmed.payload), "id")
    parts = _ORDER_ID_AT[ctx.message.action]
    current = get(ctx.message.body, *parts)
    if not isinstance(reference, str) or current is MISSING:
        return
    for change in diff_paths(reference, current, base=json_path("message", *parts)):
        yield Violation(change.path, "order id differs from on_confirm's", expected=change.old,
                        actual=change.new)


@rule("LOG-XSTEP-002", "on_confirm's order id is confirm's", Severity.BLOCKER,
      spec=f"{REF} on_confirm (order id as confirm's)", actions=["on_confirm"], versions=V1,
      domains=LOGISTICS)
def confirm_order_id_kept(ctx: CheckContext) -> Iterator[Violation]:
    """The LBNP names the order; the LSP must accept that order, not another id."""
    pair = _pair(ctx, "id")
    if pair is None or not isinstance(pair[0], str):
        return
    yield from _violations(diff_paths(pair[0], pair[1], base=opath("id")), "order id",
                           "confirm")


@rule("LOG-XSTEP-003", "The provider stays the one init chose", Severity.CRITICAL,
      spec=f"{REF} init/on_init (provider matches)", actions=["on_init", "confirm", "on_confirm",
                                                             "on_status", "on_update",
                                                             "on_cancel"],
      versions=V1, domains=LOGISTICS)
def same_provider(ctx: CheckContext) -> Iterator[Violation]:
    """An order is placed with one LSP provider for its whole life."""
    init = latest(ctx, "init")
    if init is None:
        return
    reference = get(order_of(init.payload), "provider", "id")
    current = get(order_of(ctx.payload), "provider", "id")
    if not isinstance(reference, str) or current is MISSING:
        return
    yield from _violations(diff_paths(reference, current, base=opath("provider", "id")),
                           "provider id", "init")


def _item_key(item: dict[str, Any]) -> str:
    return str(item.get("id"))


@rule("LOG-XSTEP-004", "on_init, confirm and on_confirm keep the ordered items (by id; "
      "on_confirm may add a surge item)", Severity.CRITICAL,
      spec=f"{REF} on_init/confirm/on_confirm (items as ordered); {FLOWS10}/SURGE_FEE_FLOW.yaml "
      "on_confirm (surge item I3 added)",
      actions=sorted(_PREVIOUS), versions=V1, domains=LOGISTICS)
def same_items(ctx: CheckContext) -> Iterator[Violation]:
    """A service option dropped or added between steps was never priced or never ordered."""
    pair = _pair(ctx, "items")
    if pair is None:
        return
    changes = diff_keyed(pair[0], pair[1], key=_item_key, base=opath("items"),
                         project=lambda item: {"id": item.get("id")})
    if ctx.message.action == "on_confirm":
        surge = _surge_items(order_of(ctx.payload))
        changes = [c for c in changes if not (c.kind == "added" and isinstance(c.new, dict)
                                              and member(c.new.get("id"), surge))]
    yield from _violations(changes, "order item", pair[2].action)


def _surge_items(order: dict[str, Any]) -> frozenset[str]:
    """Items the quote charges a surge fee for (SURGE_FEE_FLOW: on_confirm adds item I3)."""
    return frozenset(str(line.get(ITEM_ID)) for _, line in items_of(order, "quote", "breakup")
                     if line.get(TITLE_TYPE) == "surge")


@rule("LOG-XSTEP-005", "on_init, confirm and on_confirm keep init's pickup and drop points "
      "(GPS, area_code)", Severity.CRITICAL,
      spec=f"{REF} init (GPS and area_code as in select); {ATTR11} confirm fulfillments.start/"
      "end.location", actions=sorted(_PREVIOUS), versions=V1, domains=LOGISTICS)
def same_places(ctx: CheckContext) -> Iterator[Violation]:
    """The price was for these two points; a moved point is another shipment."""
    init = latest(ctx, "init")
    if init is None:
        return
    before = by_id(get(order_of(init.payload), "fulfillments"))
    where = {"gps": ("location", "gps"), "area_code": ("location", "address", "area_code")}
    for index, fulfillment in fulfillments(ctx.payload):
        fid = fulfillment.get("id")
        old = before.get(fid) if isinstance(fid, str) else None
        if old is None:
            continue
        for end in ("start", "end"):
            was, now = place(old.get(end)), place(fulfillment.get(end))
            for key, parts in where.items():
                if key in was and key in now and not identical(was[key], now[key]):
                    yield from _violations(
                        diff_paths(was[key], now[key],
                                   base=opath("fulfillments", index, end, *parts)),
                        f"{end} point", "init")


@rule("LOG-XSTEP-006", "on_init, confirm and on_confirm keep init's billing", Severity.MAJOR,
      spec=f"{ATTR11} on_cancel billing.* (\"billing should be same as in /init\")",
      actions=sorted(_PREVIOUS), versions=V12, domains=LOGISTICS)
def same_billing(ctx: CheckContext) -> Iterator[Violation]:
    """The LSP's invoice goes to the billing the LBNP gave."""
    init = latest(ctx, "init")
    if init is None:
        return
    old, new = order_of(init.payload), order_of(ctx.payload)
    if "billing" not in old or "billing" not in new:
        return
    yield from _violations(diff_paths(old["billing"], new["billing"], base=opath("billing")),
                           "billing", "init")


def _line_key(line: dict[str, Any]) -> tuple[str, str]:
    return str(line.get(ITEM_ID)), str(line.get(TITLE_TYPE))


def _line(line: dict[str, Any]) -> dict[str, Any]:
    return {k: line[k] for k in (ITEM_ID, TITLE_TYPE, "price") if k in line}


def _quote_changes(old: dict[str, Any], new: dict[str, Any], *, compare_total: bool = True,
                   dropped: frozenset[str] = frozenset()) -> list[Change]:
    changes: list[Change] = []
    if compare_total:
        changes += diff_paths(get(old, "quote", "price"), get(new, "quote", "price"),
                              base=opath("quote", "price"))
    new_lines: Any = get(new, "quote", "breakup")
    if dropped and isinstance(new_lines, list):
        new_lines = [None if isinstance(line, dict) and line.get(ITEM_ID) in dropped else line
                     for line in new_lines]
    changes += diff_keyed(get(old, "quote", "breakup"), new_lines, key=_line_key,
                          base=opath("quote", "breakup"), project=_line)
    return changes


@rule("LOG-XSTEP-007", "confirm keeps on_init's quote (total and every line, amounts as "
      "numbers)", Severity.CRITICAL,
      spec=f"{REF} confirm (quote as on_init); {ERRORS} 62508 (quote difference)",
      actions=["confirm"], versions=V1, domains=LOGISTICS)
def confirm_keeps_quote(ctx: CheckContext) -> Iterator[Violation]:
    """The LBNP confirms the price it was quoted, nothing else."""
    pair = _pair(ctx, "quote")
    if pair is None:
        return
    yield from _violations(_quote_changes({"quote": pair[0]}, {"quote": pair[1]}), "quote",
                           "on_init")


@rule("LOG-XSTEP-008", "on_confirm keeps confirm's quote; only a surge fee (and its tax) may be "
      "added", Severity.CRITICAL,
      spec=f"{FLOWS10}/SURGE_FEE_FLOW.yaml on_confirm (surge line for I3 added); {REF} "
      "on_confirm (quote as on_init)", actions=["on_confirm"], versions=V1, domains=LOGISTICS)
def on_confirm_keeps_quote(ctx: CheckContext) -> Iterator[Violation]:
    """Anything but a declared surge is a price change after the LBNP committed."""
    pair = _pair(ctx, "quote")
    if pair is None:
        return
    surge = _surge_items({"quote": pair[1]})
    changes = _quote_changes({"quote": pair[0]}, {"quote": pair[1]}, compare_total=not surge,
                             dropped=surge)
    yield from _violations(changes, "quote", "confirm")


@rule("LOG-XSTEP-009", "on_confirm's created_at is confirm's", Severity.MAJOR,
      spec=f"{ATTR11} on_confirm created_at (\"should match the corresponding timestamp in "
      "/confirm\")", actions=["on_confirm"], versions=V12, domains=LOGISTICS)
def created_at_kept(ctx: CheckContext) -> Iterator[Violation]:
    """SLAs run from the order's creation; two creation times make two SLAs."""
    pair = _pair(ctx, "created_at")
    if pair is None:
        return
    yield from _violations(diff_paths(pair[0], pair[1], base=opath("created_at")), "created_at",
                           "confirm")


def _term_key(term: dict[str, Any]) -> str:
    return str(get(term, "fulfillment_state", "descriptor", "code"))


def _term(term: dict[str, Any]) -> dict[str, Any]:
    return {"state": get_str(term, "fulfillment_state", "descriptor", "code"),
            "cancellation_fee": get(term, "cancellation_fee") if "cancellation_fee" in term
            else None}


@rule("LOG-XSTEP-010", "on_confirm keeps on_init's cancellation terms (state and fee)",
      Severity.MAJOR, spec=f"{REF} on_confirm (cancellation_terms equal on_init's); {FLOWS10}/"
      "CANCELLATION_TERMS_FLOW.yaml", actions=["on_confirm"], versions=V12, domains=LOGISTICS)
def terms_kept(ctx: CheckContext) -> Iterator[Violation]:
    """The LBNP accepted these fees; the LSP cannot raise them at acceptance."""
    on_init = latest(ctx, "on_init")
    if on_init is None:
        return
    old, new = order_of(on_init.payload), order_of(ctx.payload)
    if "cancellation_terms" not in old or "cancellation_terms" not in new:
        return
    changes = diff_keyed(old["cancellation_terms"], new["cancellation_terms"], key=_term_key,
                         base=opath("cancellation_terms"), project=_term)
    yield from _violations(changes, "cancellation term", "on_init")


@rule("LOG-XSTEP-011", "on_init, confirm and on_confirm keep init's payment type",
      Severity.CRITICAL, spec=f"{ATTR11} init/on_init/confirm payment.type",
      actions=sorted(_PREVIOUS), versions=V1, domains=LOGISTICS)
def payment_type_kept(ctx: CheckContext) -> Iterator[Violation]:
    """Switching prepaid to cash on delivery (or back) changes who collects what."""
    init = latest(ctx, "init")
    if init is None:
        return
    old = get(order_of(init.payload), "payment", "type")
    new = get(order_of(ctx.payload), "payment", "type")
    if not isinstance(old, str) or new is MISSING:
        return
    yield from _violations(diff_paths(old, new, base=opath("payment", "type")), "payment type",
                           "init")


@rule("LOG-XSTEP-012", "on_confirm keeps confirm's linked order (items, weight, dimensions, "
      "ids)", Severity.MAJOR, spec=f"{ATTR11} on_confirm @ondc/org/linked_order (as in "
      "/confirm); seed-examples/logistics_confirm.json", actions=["on_confirm"], versions=V1,
      domains=LOGISTICS)
def linked_order_kept(ctx: CheckContext) -> Iterator[Violation]:
    """The LSP accepts the shipment that was described, not one it rewrote."""
    pair = _pair(ctx, LINKED)
    if pair is None:
        return
    yield from _violations(diff_paths(pair[0], pair[1], base=opath(LINKED)), "linked order",
                           "confirm")


@rule("LOG-XSTEP-013", "on_status and on_update keep the quote lines last agreed (on_confirm, "
      "or a later on_update/on_cancel): lines may be added, not changed or dropped",
      Severity.CRITICAL,
      spec=f"{FLOWS11}/WEIGHT_DIFFERENTIAL_FLOW.yaml (diff lines added on on_update); {FLOWS10}"
      "/RTO_FLOW.yaml (rto lines added)", actions=["on_status", "on_update"], versions=V12,
      domains=LOGISTICS)
def agreed_lines_kept(ctx: CheckContext) -> Iterator[Violation]:
    """New charges come as new lines, with their own justification; the agreed ones hold."""
    agreed = latest(ctx, "on_confirm", "on_update", "on_cancel")
    if agreed is None:
        return
    old, new = order_of(agreed.payload), order_of(ctx.payload)
    if "breakup" not in get_dict(old, "quote") or "breakup" not in get_dict(new, "quote"):
        return
    changes = [c for c in diff_keyed(old["quote"]["breakup"], new["quote"]["breakup"],
                                     key=_line_key, base=opath("quote", "breakup"),
                                     project=_line) if c.kind != "added"]
    yield from _violations(changes, "quote line", agreed.action)


@shared
def _event_times(payload: Any) -> tuple[tuple[tuple[str, str], str], ...]:
    """((fulfillment id, start|end), timestamp) for each text timestamp the payload reports, in
    order: read once per flow, every later on_status looks back at it."""
    out: list[tuple[tuple[str, str], str]] = []
    for _, fulfillment in fulfillments(payload):
        for end in ("start", "end"):
            value = get(fulfillment, end, "time", "timestamp")
            if isinstance(value, str):
                out.append(((str(fulfillment.get("id")), end), value))
    return tuple(out)


def _first_times(ctx: CheckContext) -> dict[tuple[str, str], tuple[Any, str]]:
    """(fulfillment id, start|end) → (first reported timestamp, action)."""
    out: dict[tuple[str, str], tuple[Any, str]] = {}
    for message in ctx.earlier:
        if message.action not in TAGGED_ORDER_ACTIONS:
            continue
        for key, value in _event_times(message.payload):
            if key not in out:
                out[key] = (value, message.action)
    return out


@rule("LOG-XSTEP-014", "Pickup and delivery timestamps, once reported, never change",
      Severity.MAJOR, spec=f"{ATTR11} on_status fulfillments.start/end.time.timestamp (pickup "
      "and delivery time); RULES-REFERENCE.md on_status (pickup ≤ delivery ≤ context time)",
      actions=["on_status", "on_update", "on_cancel"], versions=V12, domains=LOGISTICS)
def event_times_kept(ctx: CheckContext) -> Iterator[Violation]:
    """A pickup that happened at two different times breaks TAT and SLA computation."""
    first = _first_times(ctx)
    for index, fulfillment in fulfillments(ctx.payload):
        for end in ("start", "end"):
            value = get(fulfillment, end, "time", "timestamp")
            seen = first.get((str(fulfillment.get("id")), end))
            if seen is None or value is MISSING or identical(seen[0], value):
                continue  # identical: nothing changed, no path to build
            yield from _violations(
                diff_paths(seen[0], value,
                           base=opath("fulfillments", index, end, "time", "timestamp")),
                f"{'pickup' if end == 'start' else 'delivery'} time", seen[1])


def _instructions(fulfillment: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for end in ("start", "end"):
        given = get_dict(fulfillment, end, "instructions")
        picked = {k: given[k] for k in ("code", "short_desc") if k in given}
        if picked:
            out[end] = {"instructions": picked}
    return out


@rule("LOG-XSTEP-015", "on_update carries the pickup/delivery instructions its update sent",
      Severity.MAJOR, spec=f"{FLOWS10}/ORDER_FLOW_BASE_LINE.yaml update/on_update (start."
      "instructions); SELLER_BUYER_INSTRUCTIONS.yaml", actions=["on_update"], versions=V12,
      domains=LOGISTICS)
def instructions_applied(ctx: CheckContext) -> Iterator[Violation]:
    """An acknowledged but dropped pickup code leaves the rider without it."""
    update = answered_request(ctx)
    if update is None:
        return
    sent = {fid: _instructions(f) for fid, f in by_id(
        get(order_of(update.payload), "fulfillments")).items()}
    for index, fulfillment in fulfillments(ctx.payload):
        fid = fulfillment.get("id")
        wanted = sent.get(fid) if isinstance(fid, str) else None
        if not wanted:
            continue
        have = _instructions(fulfillment)
        for end, value in wanted.items():
            yield from _violations(
                diff_paths(value["instructions"], get(have, end, "instructions"),
                           base=opath("fulfillments", index, end, "instructions")),
                f"{end} instructions", "update")
