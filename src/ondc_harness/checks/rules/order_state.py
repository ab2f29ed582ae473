"""Order state and order timestamps (``RET-STATE-…``, ``RET-ORDER-…``).

Sources: RULES-REFERENCE.md (confirm: created_at = context timestamp = updated_at; on_confirm:
created_at as confirm's, updated_at = context timestamp, state Created or Accepted; on_status and
update: order state Accepted → In-progress → Completed, never regresses), retail-1.2/enums/
order.yaml (the state enum) and the 1.2.5 F&B flows (confirm and on_confirm in state Created,
then Accepted in on_status).  The states and legal moves are :mod:`ondc_harness.states`, the one
table the reference seller also follows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import RETAIL, order_of, parse_timestamp
from ondc_harness.states import ORDER_STATES, ORDER_TRANSITIONS, order_move_is_legal

_R = "RULES-REFERENCE.md"
_STATEFUL: Final = ("confirm", "on_confirm", "on_status", "on_cancel", "on_update")
_SELLER_REPORTS: Final = _STATEFUL[1:]


def _state(payload: Any) -> Any:
    """``message.order.state`` (``MISSING`` if absent)."""
    return order_of(payload).get("state", MISSING)


@rule("RET-STATE-001", "order.state is Created, Accepted, In-progress, Completed or Cancelled",
      Severity.MAJOR, spec="retail-1.2/enums/order.yaml state", actions=_STATEFUL,
      domains=RETAIL)
def state_enum(ctx: CheckContext) -> Iterator[Violation]:
    """Buyer apps drive their order screens from this value."""
    state = _state(ctx.payload)
    if state is not MISSING and state not in ORDER_STATES:
        yield Violation(json_path("message", "order", "state"), "unknown order state",
                        expected=list(ORDER_STATES), actual=state)


@rule("RET-STATE-002", "on_confirm's order state is Created or Accepted", Severity.MAJOR,
      spec=f"{_R} on_confirm (state Created or Accepted)", actions=["on_confirm"],
      domains=RETAIL)
def confirmed_state(ctx: CheckContext) -> Iterator[Violation]:
    """A just-confirmed order cannot already be in progress, completed or cancelled."""
    state = _state(ctx.payload)
    if state in ORDER_STATES and state not in ("Created", "Accepted"):
        yield Violation(json_path("message", "order", "state"),
                        f"on_confirm reports the order as {state}",
                        expected=["Created", "Accepted"], actual=state)


@rule("RET-STATE-003", "Order state only moves forward (Created → Accepted → In-progress → "
      "Completed; Cancelled before Completed; nothing after Cancelled)", Severity.MAJOR,
      spec=f"{_R} on_status (order state Accepted → In-progress → Completed); update/on_update "
      "(order state never regresses); ondc_harness.states (ORDER_TRANSITIONS)",
      actions=["on_confirm", "on_status", "on_cancel", "on_update"], domains=RETAIL)
def state_monotonic(ctx: CheckContext) -> Iterator[Violation]:
    """A state that goes back (Completed to In-progress) means a stale or replayed update; the
    seller's latest earlier report is the reference (confirm's Created is the buyer's)."""
    state = _state(ctx.payload)
    if state not in ORDER_STATES:
        return
    previous = next((m for m in reversed(ctx.earlier) if m.action in _SELLER_REPORTS
                     and _state(m.payload) in ORDER_STATES), None)
    if previous is None:
        return
    before = _state(previous.payload)
    if not order_move_is_legal(before, state):
        allowed = sorted({before} | ORDER_TRANSITIONS.get(before, frozenset()))
        yield Violation(json_path("message", "order", "state"),
                        f"order state cannot go from {before} (in an earlier {previous.action}) "
                        f"to {state}", expected=allowed, actual=state)


def _same_instant(a: Any, b: Any) -> bool:
    ta, tb = parse_timestamp(a), parse_timestamp(b)
    return ta is not None and ta == tb


@rule("RET-ORDER-001", "confirm's order created_at and updated_at equal its context timestamp",
      Severity.MINOR, spec=f"{_R} confirm (created_at = context timestamp = updated_at)",
      actions=["confirm"], domains=RETAIL)
def confirm_timestamps(ctx: CheckContext) -> Iterator[Violation]:
    """The order is created by this confirm; its creation time is the message's."""
    order = order_of(ctx.payload)
    stamp = ctx.message.timestamp
    if parse_timestamp(stamp) is None:
        return
    for key in ("created_at", "updated_at"):
        if key in order and not _same_instant(order[key], stamp):
            yield Violation(json_path("message", "order", key),
                            f"order.{key} is not the confirm's context timestamp",
                            expected=stamp, actual=order[key])


@rule("RET-ORDER-002", "on_confirm's created_at is confirm's and updated_at its own context "
      "timestamp", Severity.MINOR,
      spec=f"{_R} on_confirm (created_at as confirm's; updated_at = context timestamp)",
      actions=["on_confirm"], domains=RETAIL)
def on_confirm_timestamps(ctx: CheckContext) -> Iterator[Violation]:
    """created_at fixes when the order came to be (cancellation and SLA clocks start there)."""
    order = order_of(ctx.payload)
    confirm = next((m for m in reversed(ctx.earlier) if m.action == "confirm"), None)
    created = get(order_of(confirm.payload), "created_at") if confirm is not None else MISSING
    if "created_at" in order and created is not MISSING and not _same_instant(
            order["created_at"], created):
        yield Violation(json_path("message", "order", "created_at"),
                        "order.created_at differs from the one in confirm", expected=created,
                        actual=order["created_at"])
    stamp = ctx.message.timestamp
    if "updated_at" in order and parse_timestamp(stamp) is not None and not _same_instant(
            order["updated_at"], stamp):
        yield Violation(json_path("message", "order", "updated_at"),
                        "order.updated_at is not the on_confirm's context timestamp",
                        expected=stamp, actual=order["updated_at"])
