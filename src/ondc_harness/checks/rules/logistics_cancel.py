"""Logistics cancellation, return to origin and update rules (``LOG-CANCEL-…``,
``LOG-RTO-…``, ``LOG-UPDATE-…``).

A cancellation is either asked for by the LBNP (``cancel`` → solicited ``on_cancel``) or
decided by the LSP (unsolicited ``on_cancel``), and once the shipment was picked up it turns into
a return to origin: the forward fulfillment ends (Cancelled in 1.2.0, marked ``RTO`` with an
``rto_event`` tag in 1.2.5) and a new ``RTO`` fulfillment starts RTO-Initiated, running from the
original drop back to the original pickup, charged as an ``rto`` line.

Sources: automation-1.2.5/logistics-1.2.5 and LOG11-1.2.5 ``validations/index.yaml`` (cancel:
validate_cancellation_codes_log10 / _log11; on_cancel: REQUIRED cancellation.cancelled_by,
reason.id, rto_event_tag_validation; update: update_target, instructions_validations), the
flows (RTO_FLOW, BUYER_SIDE_ORDER_CANCELLATION, SELLER_SIDE_ORDER_CANCELLATION,
CANCELLATION_TERMS_FLOW: precancel_state, rto_event), RULES-REFERENCE.md (cancel, on_cancel: RTO
fulfillment states and locations mirrored) and the 1.2.0 certification logs (RTO fulfillment with
start = the drop and end = the pickup).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_dict, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import (
    TOLERANCE,
    amount_text,
    answered_request,
    member,
    order_of,
)
from ondc_harness.checks.rules.cross_step import diff_paths
from ondc_harness.checks.rules.logistics_common import (
    ATTR11,
    CANCELLED,
    DSL10,
    DSL11,
    ENDED,
    FLOWS10,
    LOGISTICS,
    P2H2P_DOMAIN,
    P2P_DOMAIN,
    PICKED_UP_STAGE,
    REF,
    RTO,
    RTO_INITIATED,
    RTO_MARK,
    STAGE,
    V1,
    V12,
    V125,
    amount,
    forward_states,
    fulfillments,
    ids_of,
    latest,
    opath,
    place,
    previous_state,
    solicited,
    state_code,
    tag_groups,
    tag_value,
    yes,
)

_REASON = re.compile(r"^\d{3}$")
#: Reason codes the LBNP may send (validations/index.yaml cancel validate_cancellation_codes_log10
#: and LOG11-1.2.5 validate_cancellation_codes_log11).
LBNP_REASONS: Final = {
    P2P_DOMAIN: frozenset({"004", "005", "007", "150", "151", "152", "153", "154", "155", "156",
                           "175", "996", "994"}),
    P2H2P_DOMAIN: frozenset({"004", "005", "007", "250", "251", "252", "275", "996", "994"}),
}
UPDATE_TARGETS: Final = frozenset({"fulfillment", "item"})
RTO_ACTIONS: Final = ("on_cancel", "on_status", "on_update")


def _forward(payload: Any) -> list[tuple[int, dict[str, Any]]]:
    return [(i, f) for i, f in fulfillments(payload) if f.get("type") != RTO]


def _rtos(payload: Any) -> list[tuple[int, dict[str, Any]]]:
    return [(i, f) for i, f in fulfillments(payload) if f.get("type") == RTO]


# --- cancel / on_cancel -------------------------------------------------------------------------

@rule("LOG-CANCEL-001", "cancel gives a three-digit cancellation_reason_id", Severity.MAJOR,
      spec=f"{DSL10} cancel REQUIRED cancellation_reason_id; seed-examples/logistics_cancel.json "
      "(\"001\")", actions=["cancel"], versions=V1, domains=LOGISTICS)
def reason_code_format(ctx: CheckContext) -> Iterator[Violation]:
    """Reason codes drive who pays for the cancellation; free text cannot."""
    if not isinstance(get(ctx.payload, "message"), dict):
        return
    value = get(ctx.payload, "message", "cancellation_reason_id")
    if not (isinstance(value, str) and _REASON.match(value)):
        yield Violation(json_path("message", "cancellation_reason_id"), "not a three-digit "
                        "reason code", expected="e.g. \"007\"",
                        actual=None if value is MISSING else value)


@rule("LOG-CANCEL-002", "cancel uses a reason code the LBNP may use on its domain (LOG10 or "
      "LOG11 list)", Severity.MAJOR,
      spec=f"{DSL10} cancel validate_cancellation_codes_log10; {DSL11} cancel "
      "validate_cancellation_codes_log11", actions=["cancel"], versions=V125,
      domains=(P2P_DOMAIN, P2H2P_DOMAIN))
def lbnp_reason_code(ctx: CheckContext) -> Iterator[Violation]:
    """LSP-side reasons (an RTO reason, a rider issue) are not the buyer's to claim; the LSP
    answers 60009 (invalid cancellation reason)."""
    allowed = LBNP_REASONS.get(ctx.message.domain)
    value = get(ctx.payload, "message", "cancellation_reason_id")
    if allowed and isinstance(value, str) and _REASON.match(value) and value not in allowed:
        yield Violation(json_path("message", "cancellation_reason_id"),
                        f"{value} is not an LBNP reason on {ctx.message.domain}",
                        expected=sorted(allowed), actual=value)


@rule("LOG-CANCEL-003", "on_cancel says who cancelled and why (cancellation.cancelled_by, "
      "reason.id)", Severity.MAJOR,
      spec=f"{DSL10} on_cancel REQUIRED cancellation.cancelled_by, cancellation.reason.id",
      actions=["on_cancel"], versions=V12, domains=LOGISTICS)
def cancellation_stated(ctx: CheckContext) -> Iterator[Violation]:
    """Who cancelled decides who pays; the reason decides whether it is an RTO."""
    if not isinstance(get(ctx.payload, "message", "order"), dict):
        return
    cancellation = get_dict(order_of(ctx.payload), "cancellation")
    for parts in (("cancelled_by",), ("reason", "id")):
        value = get(cancellation, *parts)
        if not (isinstance(value, str) and value.strip()):
            yield Violation(opath("cancellation", *parts), f"cancellation.{'.'.join(parts)} "
                            "is missing", expected="present",
                            actual=None if value is MISSING else value)


@rule("LOG-CANCEL-004", "A requested cancellation is confirmed with the reason that was asked "
      "for", Severity.MAJOR, spec=f"{REF} on_cancel (reason equals cancel's)",
      actions=["on_cancel"], versions=V12, domains=LOGISTICS)
def reason_as_requested(ctx: CheckContext) -> Iterator[Violation]:
    """Another reason shifts the cost of the cancellation to the other side."""
    cancel = answered_request(ctx)
    if cancel is None:
        return
    asked = get(cancel.body, "cancellation_reason_id")
    given = get(order_of(ctx.payload), "cancellation", "reason", "id")
    if not isinstance(asked, str) or given is MISSING:
        return
    for change in diff_paths(asked, given, base=opath("cancellation", "reason", "id")):
        yield Violation(change.path, "reason differs from the cancel request",
                        expected=change.old, actual=change.new)


@rule("LOG-CANCEL-005", "cancelled_by names the side that cancelled: the LBNP (bap_id) for a "
      "requested cancellation, the LSP (bpp_id) for its own", Severity.MAJOR,
      spec=f"{DSL10} on_cancel REQUIRED cancellation.cancelled_by; {FLOWS10}/RTO_FLOW.yaml, "
      "BUYER_SIDE_ORDER_CANCELLATION.yaml", actions=["on_cancel"], versions=V12,
      domains=LOGISTICS)
def cancelled_by_the_canceller(ctx: CheckContext) -> Iterator[Violation]:
    """Blaming the other side for a cancellation moves its charges onto them."""
    value = get(order_of(ctx.payload), "cancellation", "cancelled_by")
    if not isinstance(value, str) or not value.strip():
        return
    key = "bap_id" if solicited(ctx) else "bpp_id"
    expected = ctx.message.context.get(key)
    if isinstance(expected, str) and expected and value != expected:
        side = "the LBNP that asked" if key == "bap_id" else "the LSP that decided"
        yield Violation(opath("cancellation", "cancelled_by"), f"cancelled_by is not {side}",
                        expected=expected, actual=value)


@rule("LOG-CANCEL-006", "A requested cancellation cancels the order and its shipment (order and "
      "forward fulfillment Cancelled), unless it turns into an RTO", Severity.MAJOR,
      spec=f"{FLOWS10}/BUYER_SIDE_ORDER_CANCELLATION.yaml on_cancel (order Cancelled, Delivery "
      f"Cancelled); {REF} on_cancel", actions=["on_cancel"], versions=V1, domains=LOGISTICS)
def requested_cancellation_done(ctx: CheckContext) -> Iterator[Violation]:
    """An ACKed cancellation that leaves the shipment moving is not a cancellation."""
    if not solicited(ctx) or _rtos(ctx.payload):
        return
    order = order_of(ctx.payload)
    if "state" in order and order["state"] != CANCELLED:
        yield Violation(opath("state"), "the order is not Cancelled", expected=CANCELLED,
                        actual=order["state"])
    for index, fulfillment in _forward(ctx.payload):
        code = state_code(fulfillment)
        if code is not None and code not in ENDED:
            yield Violation(opath("fulfillments", index, "state", "descriptor", "code"),
                            "the shipment is not Cancelled", expected=CANCELLED, actual=code)


def _fee_for(term: dict[str, Any], total: Decimal | None) -> Decimal | None:
    fee = get(term, "cancellation_fee")
    value = amount(get(fee, "amount", "value"))
    if value is not None:
        return value
    percent = amount(get(fee, "percentage"))
    if percent is not None and total is not None:
        return total * percent / 100
    return None


def _precancel(ctx: CheckContext, fulfillment: dict[str, Any]) -> str | None:
    tagged = tag_value(fulfillment.get("tags"), "precancel_state", "fulfillment_state")
    if isinstance(tagged, str):
        return tagged
    fid = fulfillment.get("id")
    previous = previous_state(ctx, fid) if isinstance(fid, str) else None
    return previous[0] if previous else None


@rule("LOG-CANCEL-007", "A requested cancellation charges no more than the cancellation terms "
      "set for the state it was in (tolerance 0.01)", Severity.CRITICAL,
      spec=f"{FLOWS10}/CANCELLATION_TERMS_FLOW.yaml (fee per fulfillment state); {REF} "
      "on_cancel (quote = Σ breakup)", actions=["on_cancel"], versions=V12, domains=LOGISTICS)
def charge_within_terms(ctx: CheckContext) -> Iterator[Violation]:
    """The LBNP accepted these fees at confirmation; more is an unagreed charge."""
    if not solicited(ctx) or _rtos(ctx.payload):
        return
    confirmed = latest(ctx, "on_confirm")
    terms_from = confirmed if confirmed is not None and "cancellation_terms" in order_of(
        confirmed.payload) else latest(ctx, "on_init")
    if confirmed is None or terms_from is None:
        return
    charged = amount(get(order_of(ctx.payload), "quote", "price", "value"))
    total = amount(get(order_of(confirmed.payload), "quote", "price", "value"))
    forward = _forward(ctx.payload)
    if charged is None or not forward:
        return
    state = _precancel(ctx, forward[0][1])
    term = next((t for _, t in items_of(order_of(terms_from.payload), "cancellation_terms")
                 if get(t, "fulfillment_state", "descriptor", "code") == state), None)
    fee = _fee_for(term, total) if term is not None else None
    if fee is not None and charged - fee > TOLERANCE:
        yield Violation(opath("quote", "price", "value"), f"cancelled in {state}, where the "
                        f"terms allow {amount_text(fee)}, but charged {amount_text(charged)} "
                        f"(tolerance {TOLERANCE})", expected=f"at most {amount_text(fee)}",
                        actual=get(order_of(ctx.payload), "quote", "price", "value"))


@rule("LOG-CANCEL-008", "Cancellation terms name a fulfillment state of the domain and a fee "
      "(amount ≥ 0 or percentage 0–100)", Severity.MAJOR,
      spec=f"{FLOWS10}/CANCELLATION_TERMS_FLOW.yaml on_init cancellation_terms; {ATTR11} "
      "on_init cancellation_terms", actions=["on_init", "on_confirm"], versions=V12,
      domains=LOGISTICS)
def terms_well_formed(ctx: CheckContext) -> Iterator[Violation]:
    """A term for no real state, or a fee nobody can compute, cannot be applied."""
    states = forward_states(ctx.message.domain)
    for index, term in items_of(order_of(ctx.payload), "cancellation_terms"):
        code = get(term, "fulfillment_state", "descriptor", "code")
        if not member(code, states):
            yield Violation(opath("cancellation_terms", index, "fulfillment_state", "descriptor",
                                  "code"), "not a fulfillment state", expected=sorted(states),
                            actual=None if code is MISSING else code)
        fee = get(term, "cancellation_fee")
        value, percent = amount(get(fee, "amount", "value")), amount(get(fee, "percentage"))
        ok = (value is not None and value >= 0) or (percent is not None and 0 <= percent <= 100)
        if not ok:
            yield Violation(opath("cancellation_terms", index, "cancellation_fee"),
                            "no usable fee (amount ≥ 0 or percentage 0–100)",
                            expected="{\"percentage\": \"10.00\"} or {\"amount\": {...}}",
                            actual=None if fee is MISSING else fee)


@rule("LOG-CANCEL-009", "on_cancel's precancel_state is the state the fulfillment was last "
      "reported in", Severity.MINOR,
      spec=f"{FLOWS10}/BUYER_SIDE_ORDER_CANCELLATION.yaml, SELLER_SIDE_ORDER_CANCELLATION.yaml "
      "on_cancel (precancel_state tag)", actions=["on_cancel"], versions=V125, domains=LOGISTICS)
def precancel_state_true(ctx: CheckContext) -> Iterator[Violation]:
    """The fee is looked up by this state; a wrong one applies the wrong fee."""
    for index, fulfillment in _forward(ctx.payload):
        fid = fulfillment.get("id")
        previous = previous_state(ctx, fid) if isinstance(fid, str) else None
        if previous is None:
            continue
        for t_index, tag in items_of(fulfillment, "tags"):
            if tag.get("code") != "precancel_state":
                continue
            for l_index, entry in items_of(tag, "list"):
                if entry.get("code") == "fulfillment_state" and entry.get("value") != previous[0]:
                    yield Violation(opath("fulfillments", index, "tags", t_index, "list",
                                          l_index, "value"),
                                    f"the fulfillment was last {previous[0]} (in "
                                    f"{previous[1]})", expected=previous[0],
                                    actual=entry.get("value"))


# --- return to origin ---------------------------------------------------------------------------

def _is_new(ctx: CheckContext, fid: Any) -> bool:
    return not isinstance(fid, str) or previous_state(ctx, fid) is None


@rule("LOG-RTO-001", "A new RTO fulfillment starts RTO-Initiated", Severity.MAJOR,
      spec=f"{DSL10} on_cancel rto_initiated_timestamp (RTO-Initiated); {FLOWS10}/RTO_FLOW.yaml "
      f"on_cancel; {REF} on_cancel (RTO fulfillment states)", actions=RTO_ACTIONS, versions=V1,
      domains=LOGISTICS)
def rto_starts_initiated(ctx: CheckContext) -> Iterator[Violation]:
    """An RTO first reported as delivered skipped the step the seller waits for."""
    for index, fulfillment in _rtos(ctx.payload):
        code = state_code(fulfillment)
        if code is not None and code != RTO_INITIATED and _is_new(ctx, fulfillment.get("id")):
            yield Violation(opath("fulfillments", index, "state", "descriptor", "code"),
                            f"a new RTO fulfillment starts {RTO_INITIATED}, not {code}",
                            expected=RTO_INITIATED, actual=code)


def _forward_endpoints(ctx: CheckContext, rto_id: Any) -> dict[str, Any] | None:
    """The forward fulfillment this RTO returns (by rto_event rto_id, else the only forward one),
    from this message or the confirmed order, with both endpoints."""
    for message in (ctx.message, latest(ctx, "on_confirm")):
        if message is None:
            continue
        forward = [f for _, f in _forward(message.payload)]
        named = [f for f in forward if tag_value(f.get("tags"), "rto_event", "rto_id") == rto_id]
        chosen = named or (forward if len(forward) == 1 else [])
        for fulfillment in chosen:
            if "location" in get_dict(fulfillment, "start") and "location" in get_dict(
                    fulfillment, "end"):
                return fulfillment
    return None


@rule("LOG-RTO-002", "The RTO runs back: its start is the original drop and its end the "
      "original pickup (GPS, area_code, where given)", Severity.MAJOR,
      spec=f"{REF} on_cancel (RTO fulfillment … locations mirrored); real-logs (RTO start = drop, "
      "end = pickup)", actions=RTO_ACTIONS, versions=V1, domains=LOGISTICS)
def rto_runs_back(ctx: CheckContext) -> Iterator[Violation]:
    """Returning to anywhere but the seller's pickup point loses the goods."""
    where = {"gps": ("location", "gps"), "area_code": ("location", "address", "area_code")}
    for index, fulfillment in _rtos(ctx.payload):
        forward = _forward_endpoints(ctx, fulfillment.get("id"))
        if forward is None:
            continue
        for end, mirror in (("start", "end"), ("end", "start")):
            mine, expected = place(fulfillment.get(end)), place(forward.get(mirror))
            for key, parts in where.items():
                if key not in mine or key not in expected:
                    continue
                for change in diff_paths(expected[key], mine[key],
                                         base=opath("fulfillments", index, end, *parts)):
                    yield Violation(change.path, f"RTO {end} is not the forward {mirror}",
                                    expected=change.old, actual=change.new)


@rule("LOG-RTO-003", "Once an RTO exists the forward fulfillment has ended (Cancelled, or "
      "marked RTO)", Severity.MAJOR,
      spec=f"{FLOWS10}/RTO_FLOW.yaml on_cancel (Delivery marked RTO); {DSL10} on_cancel "
      "VALID_ENUM_MESSAGE_CODE_9; real-logs 1.2.0 (Delivery Cancelled)", actions=RTO_ACTIONS,
      versions=V1, domains=LOGISTICS)
def forward_ended_by_rto(ctx: CheckContext) -> Iterator[Violation]:
    """A shipment cannot be on its way to the buyer and back to the seller at once."""
    if not _rtos(ctx.payload):
        return
    for index, fulfillment in _forward(ctx.payload):
        code = state_code(fulfillment)
        if code is not None and code not in ENDED:
            yield Violation(opath("fulfillments", index, "state", "descriptor", "code"),
                            f"forward fulfillment still {code} beside an RTO",
                            expected=sorted(ENDED), actual=code)


@rule("LOG-RTO-004", "A forward fulfillment marked RTO carries an rto_event tag, whose rto_id "
      "is an RTO fulfillment of the order", Severity.MAJOR,
      spec=f"{DSL10} on_cancel rto_event_tag_validation; {FLOWS10}/RTO_FLOW.yaml on_cancel "
      "(rto_event rto_id)", actions=RTO_ACTIONS, versions=V12, domains=LOGISTICS)
def rto_event_tag(ctx: CheckContext) -> Iterator[Violation]:
    """The LBNP links the two legs (and the RTO charge) through this tag."""
    rto_ids = {f["id"] for _, f in _rtos(ctx.payload) if isinstance(f.get("id"), str)}
    for index, fulfillment in _forward(ctx.payload):
        tags = fulfillment.get("tags")
        has_event = any(True for _ in tag_groups(tags, "rto_event"))
        if state_code(fulfillment) == RTO_MARK and not has_event:
            yield Violation(opath("fulfillments", index, "tags"), "marked RTO without an "
                            "rto_event tag", expected="rto_event (retry_count, rto_id, …)",
                            actual=None)
            continue
        rto_id = tag_value(tags, "rto_event", "rto_id")
        if has_event and rto_ids and rto_id is not MISSING and not member(rto_id, rto_ids):
            yield Violation(opath("fulfillments", index, "tags"), f"rto_event names "
                            f"{rto_id!r}, not an RTO fulfillment of the order",
                            expected=sorted(str(r) for r in rto_ids), actual=rto_id)


@rule("LOG-RTO-005", "An order with an RTO fulfillment is charged for it (an rto quote line)",
      Severity.MAJOR, spec=f"{FLOWS10}/RTO_FLOW.yaml on_cancel (rto and its tax); {ATTR11} "
      "on_init title_type \"rto\"", actions=RTO_ACTIONS, versions=V12, domains=LOGISTICS)
def rto_charged(ctx: CheckContext) -> Iterator[Violation]:
    """The RTO price was quoted in the catalogue; the quote must now carry it."""
    breakup = get(order_of(ctx.payload), "quote", "breakup")
    if not _rtos(ctx.payload) or not isinstance(breakup, list):
        return
    if not any(isinstance(line, dict) and line.get("@ondc/org/title_type") == "rto"
               for line in breakup):
        yield Violation(opath("quote", "breakup"), "RTO without an rto charge",
                        expected="a breakup line with title_type rto", actual=None)


@rule("LOG-RTO-006", "Return to origin only for a shipment that was picked up", Severity.MAJOR,
      spec=f"{FLOWS10}/RTO_FLOW.yaml (RTO after At-delivery); {REF} on_cancel (RTO); before "
      "pickup a cancellation is a plain cancellation", actions=RTO_ACTIONS, versions=V1,
      domains=LOGISTICS)
def rto_after_pickup(ctx: CheckContext) -> Iterator[Violation]:
    """Nothing can return to the origin before it left it."""
    new_rtos = [(i, f) for i, f in _rtos(ctx.payload) if _is_new(ctx, f.get("id"))]
    if not new_rtos:
        return
    for _, fulfillment in _forward(ctx.payload):
        fid = fulfillment.get("id")
        previous = previous_state(ctx, fid) if isinstance(fid, str) else None
        if previous is None:
            continue
        before = previous[0]
        if before in STAGE and STAGE[before] < PICKED_UP_STAGE:
            index = new_rtos[0][0]
            yield Violation(opath("fulfillments", index, "type"), f"RTO for a shipment last "
                            f"{before} (in {previous[1]}), never picked up",
                            expected="a picked-up shipment", actual=RTO)


# --- update / on_update -------------------------------------------------------------------------

@rule("LOG-UPDATE-001", "update says what it updates (update_target fulfillment or item)",
      Severity.MAJOR, spec=f"{DSL10} update REQUIRED update_target; {FLOWS10}/"
      "ORDER_FLOW_BASE_LINE.yaml update (fulfillment)", actions=["update"], versions=V12,
      domains=LOGISTICS)
def update_target(ctx: CheckContext) -> Iterator[Violation]:
    """The LSP applies the update to what the target names."""
    if not isinstance(get(ctx.payload, "message"), dict):
        return
    value = get(ctx.payload, "message", "update_target")
    if not member(value, UPDATE_TARGETS):
        yield Violation(json_path("message", "update_target"), "update_target missing or "
                        "unknown", expected=sorted(UPDATE_TARGETS),
                        actual=None if value is MISSING else value)


@rule("LOG-UPDATE-002", "update names fulfillments of the confirmed order", Severity.MAJOR,
      spec=f"{ATTR11} update fulfillments.id (\"mandatory in case of single fulfillment\")",
      actions=["update"], versions=V12, domains=LOGISTICS)
def update_known_fulfillment(ctx: CheckContext) -> Iterator[Violation]:
    """Instructions for a fulfillment the LSP does not have go nowhere."""
    confirmed = latest(ctx, "on_confirm")
    if confirmed is None:
        return
    known = ids_of(get(order_of(confirmed.payload), "fulfillments"))
    if not known:
        return
    for index, fulfillment in fulfillments(ctx.payload):
        if not member(fulfillment.get("id"), known):
            yield Violation(opath("fulfillments", index, "id"), f"fulfillment "
                            f"{fulfillment.get('id')!r} is not in the order",
                            expected=sorted(str(k) for k in known), actual=fulfillment.get("id"))


@rule("LOG-UPDATE-003", "Answering ready-to-ship, on_update gives the pickup and delivery slots "
      "(start and end time ranges)", Severity.MAJOR,
      spec=f"{ATTR11} on_confirm start.time.range.start (\"in response to RTS, LSP provides a "
      f"pickup time slot\"); {FLOWS10}/ORDER_FLOW_BASE_LINE.yaml on_update", actions=["on_update"],
      versions=V12, domains=LOGISTICS)
def slots_after_ready_to_ship(ctx: CheckContext) -> Iterator[Violation]:
    """The seller packs for, and the buyer waits in, these slots."""
    update = answered_request(ctx)
    if update is None:
        return
    ready = {f["id"] for _, f in fulfillments(update.payload) if isinstance(f.get("id"), str)
             and yes(tag_value(f.get("tags"), "state", "ready_to_ship")) is True}
    for index, fulfillment in fulfillments(ctx.payload):
        if not member(fulfillment.get("id"), ready) or fulfillment.get("type") == RTO:
            continue
        for end in ("start", "end"):
            slot = get(fulfillment, end, "time", "range")
            if not (isinstance(get(slot, "start"), str) and isinstance(get(slot, "end"), str)):
                yield Violation(opath("fulfillments", index, end, "time", "range"),
                                f"no {'pickup' if end == 'start' else 'delivery'} slot after "
                                "ready to ship", expected="{\"start\": …, \"end\": …}",
                                actual=None if slot is MISSING else slot)
