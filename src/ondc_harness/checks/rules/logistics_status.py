"""Logistics fulfillment rules after confirmation: states and their order (``LOG-STATUS-…``,
``LOG-TRANS-…``, ``LOG-STATE-…``), air waybills (``LOG-AWB-…``) and tracking
(``LOG-TRACK-…``).

The forward states are those the validators list per domain (valid_LOG10_fulfillment_states:
Pending → Searching-for-Agent → Agent-assigned → At-pickup → Order-picked-up → Out-for-delivery
→ At-delivery → Order-delivered; valid_LOG11_fulfillment_states adds Out-for-pickup,
Pickup-failed/-rescheduled, In-transit, At-destination-hub, Delivery-failed/-rescheduled), and
an RTO fulfillment goes RTO-Initiated → RTO-Delivered | RTO-Disposed.  Moves are checked by
stage (:data:`logistics_common.STAGE`): before pickup an agent may be re-assigned and a pickup
retried; a shipment never goes back to an earlier stage, and Order-delivered, Cancelled and the
RTO mark end it.

Sources: automation-1.2.5/logistics-1.2.5 and LOG11-1.2.5 ``validations/index.yaml`` (on_status:
valid_LOG10/LOG11_fulfillment_states, order_picked_up_timestamp, order_delivered_timestamp,
rto_initiated_timestamp, rto_delivery_timestamp; on_update/on_status tag tables), the attribute
tables (awb_no "mandatory only if domain is ONDC:LOG11. Can be 11-16 digits"; agent "may be
provided for hyperlocal"; tracking), errors/index.yaml (60012 tracking not enabled) and
RULES-REFERENCE.md (on_status, track/on_track).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_dict, get_list, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import earlier, member, order_of, parse_timestamp
from ondc_harness.checks.rules.logistics_common import (
    ATTR11,
    CANCELLED,
    DELIVERED,
    DSL10,
    DSL11,
    ENDED,
    ERRORS,
    LOGISTICS,
    ORDER_STATES,
    P2H2P_DOMAIN,
    PICKED_UP_STAGE,
    REF,
    RTO,
    RTO_ENDED,
    RTO_INITIATED,
    RTO_MARK,
    RTO_STATES,
    STAGE,
    TAGGED_ORDER_ACTIONS,
    V1,
    V12,
    V125,
    forward_states,
    fulfillments,
    gps,
    ids_of,
    latest,
    opath,
    previous_state,
    state_code,
)

AWB: Final = "@ondc/org/awb_no"
_AWB = re.compile(r"^\d{11,16}$")
_URL = re.compile(r"^https?://\S+$")
UNASSIGNED: Final = frozenset({"Pending", "Searching-for-Agent"})
TRACKING_STATUSES: Final = frozenset({"active", "inactive"})
AWB_ACTIONS: Final = ("confirm", "on_confirm", "update", "on_update", "on_status", "on_cancel")


def _code_path(index: int) -> str:
    return opath("fulfillments", index, "state", "descriptor", "code")


def _is_rto(fulfillment: dict[str, Any]) -> bool:
    return fulfillment.get("type") == RTO


def _picked_up(code: str | None) -> bool:
    """Order-picked-up or any later forward state (the RTO mark included: DSL on_cancel
    order_picked_up_timestamp)."""
    return code == RTO_MARK or (code in STAGE and STAGE[code] >= PICKED_UP_STAGE)


@rule("LOG-STATUS-001", "A fulfillment state is a state of its type and domain (P2P, P2H2P, "
      "RTO)", Severity.MAJOR,
      spec=f"{DSL10} on_status valid_LOG10_fulfillment_states; {DSL11} on_status valid_LOG11_"
      "fulfillment_states; on_confirm VALID_ENUM_MESSAGE_CODE_9", actions=TAGGED_ORDER_ACTIONS,
      versions=V1, domains=LOGISTICS)
def state_of_kind(ctx: CheckContext) -> Iterator[Violation]:
    """"Packed" (retail) or "In-transit" on a hyperlocal order is no state the LBNP can show."""
    allowed_forward = forward_states(ctx.message.domain)
    for index, fulfillment in fulfillments(ctx.payload):
        code = state_code(fulfillment)
        if code is None:
            continue
        allowed = RTO_STATES if _is_rto(fulfillment) else allowed_forward
        if code not in allowed:
            kind = "RTO" if _is_rto(fulfillment) else f"{ctx.message.domain} forward"
            yield Violation(_code_path(index), f"{code} is not a state of a {kind} fulfillment",
                            expected=sorted(allowed), actual=code)


def _forward_move_ok(before: str, after: str) -> bool | None:
    """Whether a forward fulfillment may go from ``before`` to ``after`` (None: unknown state)."""
    if before == after:
        return True
    if before == DELIVERED:
        return False
    if before in ENDED:
        return after in ENDED if after in STAGE or after in ENDED else None
    if after in ENDED:
        return True
    if before not in STAGE or after not in STAGE:
        return None
    return STAGE[after] >= STAGE[before]


def _rto_move_ok(before: str, after: str) -> bool | None:
    if before not in RTO_STATES or after not in RTO_STATES:
        return None
    return before == after or (before == RTO_INITIATED and after in RTO_ENDED)


@rule("LOG-TRANS-001", "A fulfillment only moves forward: never back to an earlier stage, "
      "nothing after Order-delivered, Cancelled or RTO-Delivered/Disposed", Severity.MAJOR,
      spec=f"{REF} on_status (transitions legal for the routing P2P, P2H2P); {DSL10} and {DSL11} "
      "on_status fulfillment states", actions=TAGGED_ORDER_ACTIONS, versions=V1,
      domains=LOGISTICS)
def forward_only(ctx: CheckContext) -> Iterator[Violation]:
    """A picked-up shipment reported "Pending" again, or a delivered one "In-transit", misleads
    the seller and its buyer about where the goods are."""
    for index, fulfillment in fulfillments(ctx.payload):
        code, fid = state_code(fulfillment), fulfillment.get("id")
        if code is None or not isinstance(fid, str):
            continue
        previous = previous_state(ctx, fid)
        if previous is None:
            continue
        before, action = previous
        ok = (_rto_move_ok if _is_rto(fulfillment) else _forward_move_ok)(before, code)
        if ok is False:
            yield Violation(_code_path(index), f"fulfillment {fid!r} cannot go from {before} "
                            f"(in an earlier {action}) to {code}",
                            expected=f"{before} or a later state", actual=code)


@rule("LOG-STATUS-002", "Once picked up, the forward fulfillment gives the pickup time "
      "(start.time.timestamp)", Severity.MAJOR,
      spec=f"{DSL10} on_status order_picked_up_timestamp; on_cancel order_picked_up_timestamp",
      actions=("on_status", "on_update", "on_cancel"), versions=V12, domains=LOGISTICS)
def pickup_time_given(ctx: CheckContext) -> Iterator[Violation]:
    """TAT runs from pickup; without the time nobody can tell whether it was met."""
    for index, fulfillment in fulfillments(ctx.payload):
        if _is_rto(fulfillment) or not _picked_up(state_code(fulfillment)):
            continue
        if get(fulfillment, "start", "time", "timestamp") is MISSING:
            yield Violation(opath("fulfillments", index, "start", "time", "timestamp"),
                            f"{state_code(fulfillment)} without the pickup time",
                            expected="start.time.timestamp", actual=None)


@rule("LOG-STATUS-003", "Once delivered, the fulfillment gives the delivery time "
      "(end.time.timestamp)", Severity.MAJOR,
      spec=f"{DSL10} on_status order_delivered_timestamp", actions=("on_status", "on_update"),
      versions=V12, domains=LOGISTICS)
def delivery_time_given(ctx: CheckContext) -> Iterator[Violation]:
    """Proof of on-time delivery (and the settlement clock) start at this time."""
    for index, fulfillment in fulfillments(ctx.payload):
        if state_code(fulfillment) == DELIVERED and get(
                fulfillment, "end", "time", "timestamp") is MISSING:
            yield Violation(opath("fulfillments", index, "end", "time", "timestamp"),
                            "Order-delivered without the delivery time",
                            expected="end.time.timestamp", actual=None)


@rule("LOG-STATUS-004", "Pickup time ≤ delivery time ≤ the message's timestamp",
      Severity.MAJOR, spec=f"{REF} on_status (pickup ≤ delivery ≤ context time)",
      actions=TAGGED_ORDER_ACTIONS, versions=V1, domains=LOGISTICS)
def event_times_ordered(ctx: CheckContext) -> Iterator[Violation]:
    """A delivery before its pickup, or an event in the future, is a wrong clock or a made-up
    event."""
    sent = parse_timestamp(ctx.message.timestamp)
    for index, fulfillment in fulfillments(ctx.payload):
        start = parse_timestamp(get(fulfillment, "start", "time", "timestamp"))
        end = parse_timestamp(get(fulfillment, "end", "time", "timestamp"))
        if start is not None and end is not None and end < start:
            yield Violation(opath("fulfillments", index, "end", "time", "timestamp"),
                            "delivered before it was picked up",
                            expected=f"not before {get(fulfillment, 'start', 'time', 'timestamp')}",
                            actual=get(fulfillment, "end", "time", "timestamp"))
        for end_name, stamp in (("start", start), ("end", end)):
            if stamp is not None and sent is not None and stamp > sent:
                yield Violation(opath("fulfillments", index, end_name, "time", "timestamp"),
                                "event time is after the message was sent",
                                expected=f"not after {ctx.message.timestamp}",
                                actual=get(fulfillment, end_name, "time", "timestamp"))


@rule("LOG-STATUS-005", "An RTO fulfillment gives its start time once initiated and its end "
      "time once delivered or disposed", Severity.MAJOR,
      spec=f"{DSL10} on_status rto_initiated_timestamp, rto_delivery_timestamp",
      actions=("on_status", "on_update", "on_cancel"), versions=V12, domains=LOGISTICS)
def rto_times_given(ctx: CheckContext) -> Iterator[Violation]:
    """The RTO charge and the seller's restocking are settled on these times."""
    for index, fulfillment in fulfillments(ctx.payload):
        code = state_code(fulfillment)
        if not _is_rto(fulfillment) or code not in RTO_STATES:
            continue
        if get(fulfillment, "start", "time", "timestamp") is MISSING:
            yield Violation(opath("fulfillments", index, "start", "time", "timestamp"),
                            f"{code} RTO without its start time", expected="start.time.timestamp",
                            actual=None)
        if code in RTO_ENDED and get(fulfillment, "end", "time", "timestamp") is MISSING:
            yield Violation(opath("fulfillments", index, "end", "time", "timestamp"),
                            f"{code} RTO without its end time", expected="end.time.timestamp",
                            actual=None)


_AGENT_SPEC: Final = (f"{ATTR11} on_confirm fulfillments.agent.name/phone (\"optional, may be "
                      "provided for hyperlocal, inter-city delivery for last mile shipment\"); "
                      "automation-1.2.5/logistics-1.2.5/flows/Logistics (P2P)/ORDER_FLOW_BASE_"
                      "LINE.yaml on_status (agent name and phone from Agent-assigned)")


def _agents(ctx: CheckContext) -> Iterator[tuple[int, dict[str, Any], str | None]]:
    for index, fulfillment in fulfillments(ctx.payload):
        agent = fulfillment.get("agent")
        if isinstance(agent, dict) and agent:
            yield index, agent, state_code(fulfillment)


@rule("LOG-STATUS-006", "An agent, where given, has both a name and a phone", Severity.MINOR,
      spec=_AGENT_SPEC, actions=TAGGED_ORDER_ACTIONS, versions=V12, domains=LOGISTICS)
def agent_reachable(ctx: CheckContext) -> Iterator[Violation]:
    """The seller hands the parcel to this person and calls this number; a name alone (or a
    support mailbox as a name) is no one to call."""
    for index, agent, code in _agents(ctx):
        if code in UNASSIGNED:
            continue  # LOG-STATUS-011's
        name, phone = agent.get("name"), agent.get("phone", agent.get("mobile"))
        if not (isinstance(name, str) and name.strip() and isinstance(phone, str)
                and phone.strip()):
            yield Violation(opath("fulfillments", index, "agent"), "agent without both a name "
                            "and a phone", expected="agent.name and agent.phone", actual=agent)


@rule("LOG-STATUS-011", "No agent is named before one is assigned (Pending, Searching-for-Agent)",
      Severity.MINOR, spec=_AGENT_SPEC, actions=TAGGED_ORDER_ACTIONS, versions=V12,
      domains=LOGISTICS)
def agent_not_before_assignment(ctx: CheckContext) -> Iterator[Violation]:
    """A placeholder agent before assignment sends the seller's calls to nobody."""
    for index, agent, code in _agents(ctx):
        if code in UNASSIGNED:
            yield Violation(opath("fulfillments", index, "agent"), f"an agent while {code}",
                            expected="no agent before Agent-assigned", actual=agent)


@rule("LOG-STATUS-007", "A delivered order is Completed", Severity.MAJOR,
      spec=f"{REF} on_status (order state Accepted → In-progress → Completed); {DSL10} "
      "on_status REQUIRED_MESSAGE_STATE", actions=("on_status", "on_update"), versions=V12,
      domains=LOGISTICS)
def delivered_is_completed(ctx: CheckContext) -> Iterator[Violation]:
    """The LBNP closes and settles the order on Completed."""
    order = order_of(ctx.payload)
    delivered = [f for _, f in fulfillments(ctx.payload)
                 if not _is_rto(f) and state_code(f) == DELIVERED]
    if delivered and "state" in order and order["state"] != "Completed":
        yield Violation(opath("state"), "the shipment is delivered but the order is not "
                        "Completed", expected="Completed", actual=order["state"])


def _order_rank(state: Any) -> int | None:
    return ORDER_STATES.index(state) if member(state, ORDER_STATES) else None


@rule("LOG-STATE-001", "The order state never goes back (Created → Accepted → In-progress → "
      "Completed; Cancelled and Completed end it)", Severity.MAJOR,
      spec=f"{REF} on_status (order state Accepted → In-progress → Completed); {DSL10} "
      "on_cancel order.state enum", actions=TAGGED_ORDER_ACTIONS, versions=V1,
      domains=LOGISTICS)
def order_forward_only(ctx: CheckContext) -> Iterator[Violation]:
    """An In-progress order reported Accepted again, or a cancelled one revived, misstates the
    contract."""
    state = order_of(ctx.payload).get("state")
    if not isinstance(state, str):
        return
    for message in reversed(earlier(ctx)):
        before = order_of(message.payload).get("state") if message.action in (
            TAGGED_ORDER_ACTIONS) else None
        if not isinstance(before, str):
            continue
        if before == state:
            return
        rank_before, rank_now = _order_rank(before), _order_rank(state)
        ended = before in (CANCELLED, "Completed")
        back = rank_before is not None and rank_now is not None and rank_now < rank_before
        if ended or back:
            yield Violation(opath("state"), f"order state went from {before} (in an earlier "
                            f"{message.action}) to {state}", expected=f"{before} or a later "
                            "state", actual=state)
        return


def _range(fulfillment: dict[str, Any], end: str) -> tuple[Any, Any]:
    return (parse_timestamp(get(fulfillment, end, "time", "range", "start")),
            parse_timestamp(get(fulfillment, end, "time", "range", "end")))


@rule("LOG-STATUS-008", "Pickup and delivery slots are well formed: each range starts before it "
      "ends, and pickup starts before delivery ends", Severity.MINOR,
      spec=f"{ATTR11} on_confirm fulfillments.start.time.range (\"in response to RTS, LSP "
      "provides a pickup time slot\"), end.time.range", actions=TAGGED_ORDER_ACTIONS,
      versions=V12, domains=LOGISTICS)
def slots_ordered(ctx: CheckContext) -> Iterator[Violation]:
    """A slot that ends before it starts cannot be kept by anybody."""
    for index, fulfillment in fulfillments(ctx.payload):
        for end in ("start", "end"):
            begin, finish = _range(fulfillment, end)
            if begin is not None and finish is not None and finish < begin:
                opened = get(fulfillment, end, "time", "range", "start")
                yield Violation(opath("fulfillments", index, end, "time", "range", "end"),
                                f"{end} slot ends before it starts",
                                expected=f"not before {opened}",
                                actual=get(fulfillment, end, "time", "range", "end"))
        pickup_start, _ = _range(fulfillment, "start")
        _, drop_end = _range(fulfillment, "end")
        if pickup_start is not None and drop_end is not None and drop_end < pickup_start:
            yield Violation(opath("fulfillments", index, "end", "time", "range", "end"),
                            "delivery slot ends before the pickup slot starts",
                            expected=f"after {get(fulfillment, 'start', 'time', 'range', 'start')}",
                            actual=get(fulfillment, "end", "time", "range", "end"))


def _proofs(fulfillment: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    for end in ("start", "end"):
        for index, image in enumerate(get_list(fulfillment, end, "instructions", "images")):
            yield (end, "instructions", "images", index), image
    for t_index, tag in items_of(fulfillment, "tags"):
        if tag.get("code") == "fulfillment_proof":
            for l_index, entry in items_of(tag, "list"):
                if entry.get("code") == "url":
                    yield ("tags", t_index, "list", l_index, "value"), entry.get("value")


@rule("LOG-STATUS-009", "Proof of pickup and delivery (instructions.images, fulfillment_proof "
      "url) are http(s) URLs", Severity.MINOR,
      spec=f"{DSL10} on_update/on_status validate_tag_2_fulfillment_proof; {ATTR11} on_confirm "
      "start.instructions.images (\"to be replaced by shipping_label\")",
      actions=TAGGED_ORDER_ACTIONS, versions=V12, domains=LOGISTICS)
def proofs_are_urls(ctx: CheckContext) -> Iterator[Violation]:
    """A proof nobody can open proves nothing in a dispute."""
    for index, fulfillment in fulfillments(ctx.payload):
        for parts, value in _proofs(fulfillment):
            if not (isinstance(value, str) and _URL.match(value)):
                yield Violation(opath("fulfillments", index, *parts), "proof is not a URL",
                                expected="https://…", actual=value)


@rule("LOG-STATUS-010", "Fulfillments after on_confirm are the order's own (only an RTO "
      "fulfillment may be added)", Severity.MAJOR,
      spec=f"{REF} on_status/on_cancel; automation-1.2.5/logistics-1.2.5/flows/Logistics (P2P)/"
      "RTO_FLOW.yaml (RTO fulfillment added in on_cancel)",
      actions=("on_status", "on_update", "on_cancel"), versions=V1, domains=LOGISTICS)
def known_fulfillments(ctx: CheckContext) -> Iterator[Violation]:
    """A status for a fulfillment the order never had describes someone else's shipment."""
    confirmed = latest(ctx, "on_confirm")
    if confirmed is None:
        return
    known = ids_of(get(order_of(confirmed.payload), "fulfillments"))
    if not known:
        return
    for index, fulfillment in fulfillments(ctx.payload):
        fid = fulfillment.get("id")
        if not member(fid, known) and not _is_rto(fulfillment):
            yield Violation(opath("fulfillments", index, "id"), f"fulfillment {fid!r} is not "
                            "in the confirmed order", expected=sorted(str(k) for k in known),
                            actual=fid)


# --- air waybill ---------------------------------------------------------------------------------

@rule("LOG-AWB-001", "An AWB number is 11 to 16 digits", Severity.MAJOR,
      spec=f"{ATTR11} confirm fulfillments.@ondc/org/awb_no (\"Can be 11-16 digits\")",
      actions=AWB_ACTIONS, versions=V12, domains=LOGISTICS)
def awb_format(ctx: CheckContext) -> Iterator[Violation]:
    """The carrier's systems (and the buyer's tracking) key on this number."""
    for index, fulfillment in fulfillments(ctx.payload):
        value = fulfillment.get(AWB, MISSING)
        if value is MISSING or value == "":
            continue
        if not (isinstance(value, str) and _AWB.match(value)):
            yield Violation(opath("fulfillments", index, AWB), "not an 11–16 digit AWB number",
                            expected="11 to 16 digits", actual=value)


def _awb_known(ctx: CheckContext, fid: Any) -> bool:
    for message in (ctx.message, *earlier(ctx)):
        if message.action not in AWB_ACTIONS:
            continue
        for _, fulfillment in fulfillments(message.payload):
            value = fulfillment.get(AWB)
            if fulfillment.get("id") == fid and isinstance(value, str) and value.strip():
                return True
    return False


@rule("LOG-AWB-002", "ONDC:LOG11 (P2H2P): the shipment has an AWB number by the time it is "
      "picked up", Severity.MAJOR,
      spec=f"{ATTR11} confirm/on_confirm fulfillments.@ondc/org/awb_no (\"mandatory only if "
      "domain is ONDC:LOG11\"; given by the LBNP in confirm/update or the LSP in on_confirm/"
      "on_update)", actions=("on_status", "on_update", "on_cancel"), versions=V125,
      domains=(P2H2P_DOMAIN,))
def awb_by_pickup(ctx: CheckContext) -> Iterator[Violation]:
    """Hub-routed parcels are sorted by AWB; one without it cannot leave the first hub."""
    for index, fulfillment in fulfillments(ctx.payload):
        if _is_rto(fulfillment) or not _picked_up(state_code(fulfillment)):
            continue
        if not _awb_known(ctx, fulfillment.get("id")):
            yield Violation(opath("fulfillments", index, AWB), f"{state_code(fulfillment)} "
                            "without an AWB number in this or any earlier message",
                            expected="an 11–16 digit AWB number", actual=None)


# --- tracking -----------------------------------------------------------------------------------

def _tpath(*parts: str | int) -> str:
    return json_path("message", "tracking", *parts)


@rule("LOG-TRACK-001", "Active tracking carries a url or a location gps", Severity.MAJOR,
      spec=f"{REF} track/on_track (tracking url or location when tracking is true)",
      actions=["on_track"], versions=V1, domains=LOGISTICS)
def active_has_position(ctx: CheckContext) -> Iterator[Violation]:
    """"active" promises a live position; without url or gps there is nothing to show."""
    tracking = get_dict(ctx.payload, "message", "tracking")
    if tracking.get("status") != "active":
        return
    url, point = tracking.get("url"), get(tracking, "location", "gps")
    if not (isinstance(url, str) and url.strip()) and not (isinstance(point, str)
                                                           and point.strip()):
        yield Violation(_tpath(), "tracking is active but has neither url nor location.gps",
                        expected="tracking.url or tracking.location.gps", actual=None)


@rule("LOG-TRACK-002", "Tracking status is active or inactive", Severity.MAJOR,
      spec=f"{DSL10} on_track REQUIRED tracking.status", actions=["on_track"], versions=V12,
      domains=LOGISTICS)
def tracking_status(ctx: CheckContext) -> Iterator[Violation]:
    """The LBNP switches its tracking view on this value."""
    tracking = get(ctx.payload, "message", "tracking")
    if not isinstance(tracking, dict):
        return
    status = tracking.get("status", MISSING)
    if not member(status, TRACKING_STATUSES):
        yield Violation(_tpath("status"), "unknown tracking status",
                        expected=sorted(TRACKING_STATUSES),
                        actual=None if status is MISSING else status)


@rule("LOG-TRACK-003", "on_track names a fulfillment of the order that has tracking enabled",
      Severity.MAJOR, spec=f"{ERRORS} 60012 (tracking not enabled for any fulfillment); {DSL10} "
      "on_track REQUIRED tracking.id", actions=["on_track"], versions=V12, domains=LOGISTICS)
def tracked_fulfillment(ctx: CheckContext) -> Iterator[Violation]:
    """Tracking an unknown or untracked fulfillment should have been error 60012."""
    fid = get(ctx.payload, "message", "tracking", "id")
    if not isinstance(fid, str):
        return
    reference = latest(ctx, *TAGGED_ORDER_ACTIONS)
    if reference is None:
        return
    known = {f["id"]: f for _, f in fulfillments(reference.payload) if isinstance(f.get("id"),
                                                                                   str)}
    if not known:
        return
    if fid not in known:
        yield Violation(_tpath("id"), f"fulfillment {fid!r} is not in the order",
                        expected=sorted(known), actual=fid)
    elif known[fid].get("tracking") is False:
        yield Violation(_tpath("id"), f"fulfillment {fid!r} has tracking disabled (as of "
                        f"{reference.action})", expected="a fulfillment with tracking: true",
                        actual=fid)


@rule("LOG-TRACK-004", "The tracked location is a valid \"lat,lng\" and not timed after the "
      "message", Severity.MINOR, spec=f"{DSL10} on_track tracking.location.gps, "
      "location.time.timestamp, location.updated_at", actions=["on_track"], versions=V12,
      domains=LOGISTICS)
def tracked_location(ctx: CheckContext) -> Iterator[Violation]:
    """A position in the sea, or from the future, is not where the rider is."""
    location = get(ctx.payload, "message", "tracking", "location")
    if not isinstance(location, dict):
        return
    if "gps" in location and gps(location["gps"]) is None:
        yield Violation(_tpath("location", "gps"), "not a valid \"lat,lng\" pair",
                        expected="e.g. \"12.9740,77.6134\"", actual=location["gps"])
    sent = parse_timestamp(ctx.message.timestamp)
    for parts in (("time", "timestamp"), ("updated_at",)):
        stamp = parse_timestamp(get(location, *parts))
        if stamp is not None and sent is not None and stamp > sent:
            yield Violation(_tpath("location", *parts), "location time is after the message",
                            expected=f"not after {ctx.message.timestamp}",
                            actual=get(location, *parts))

