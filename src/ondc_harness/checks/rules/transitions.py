"""Fulfillment state transitions (``RET-TRANS-…``) after the order is confirmed.

RULES-REFERENCE.md, on_status: "fulfillment state as expected and transitions legal for the
routing (P2P, P2H2P)"; on_cancel: RTO states.  The legal states and moves per fulfillment type
and routing are :mod:`ondc_harness.states` (one table, which the reference seller's scripts are
validated against too), so the rules and the seller cannot disagree.

A fulfillment is followed by its id across on_confirm, on_status, on_cancel and on_update; its
routing comes from the ``routing`` tag (``type`` P2P/P2H2P, retail-1.2/Examples/B2C/on_status).
Pre-order codes (Serviceable/Non-serviceable) are not part of this life and are ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final, NamedTuple

from ondc_harness.checks.access import items_of, tag_value
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import RETAIL, order_of
from ondc_harness.checks.views import shared
from ondc_harness.states import (
    ENTRY_STATES,
    FULFILLMENT_TRANSITIONS,
    PRE_ORDER_STATES,
    fulfillment_kind,
    fulfillment_move_is_legal,
    states_of,
)

_R = "RULES-REFERENCE.md"
_POST_ORDER: Final = ("on_confirm", "on_status", "on_cancel", "on_update")


def _kind(fulfillment: dict[str, Any]) -> str | None:
    """The fulfillment's table kind; the routing tag is read only for a Delivery (the one type
    whose kind it decides)."""
    kind = fulfillment.get("type")
    if kind != "Delivery":
        return fulfillment_kind(kind)
    return fulfillment_kind(kind, tag_value(fulfillment.get("tags"), "routing", "type"))


def _code(fulfillment: dict[str, Any]) -> str | None:
    """``state.descriptor.code`` when a post-order state (read directly: every fulfillment of
    every post-order message)."""
    state = fulfillment.get("state")
    descriptor = state.get("descriptor") if isinstance(state, dict) else None
    code = descriptor.get("code") if isinstance(descriptor, dict) else None
    return None if not isinstance(code, str) or code in PRE_ORDER_STATES else code


def _path(index: int) -> str:
    return json_path("message", "order", "fulfillments", index, "state", "descriptor", "code")


class _Life(NamedTuple):
    """A fulfillment of an order, as these rules follow it: id, kind and post-order state."""

    position: int
    id: Any
    kind: str | None
    code: str | None


@shared
def _lives(payload: Any) -> tuple[_Life, ...]:
    """The fulfillments of the payload's order, read once per payload: the rules checking the
    message and every later message of the flow (looking back at it) share them."""
    return tuple(_Life(index, f.get("id"), _kind(f), _code(f))
                 for index, f in items_of(order_of(payload), "fulfillments"))


def _previous_state(ctx: CheckContext, fid: str,
                    kind: str) -> tuple[str, str, str | None] | None:
    """(state, action, kind) of fulfillment ``fid`` in the latest earlier post-order message.

    A fulfillment of the same kind under that id is preferred: sellers reuse one id for two
    fulfillments of a message (a Return and a Cancel, an RTO and its Delivery), which are two
    lives; a fulfillment whose kind changed under its id is still compared with what it was.
    """
    latest: tuple[str, str, str | None] | None = None
    for message in reversed(ctx.earlier):
        if message.action not in _POST_ORDER:
            continue
        for life in _lives(message.payload):
            if life.id != fid or life.code is None:
                continue
            if life.kind == kind:
                return life.code, message.action, kind
            latest = latest or (life.code, message.action, life.kind)
    return latest


def _order_life_seen(ctx: CheckContext) -> bool:
    """Whether the flow holds the order's confirmation, so a post-order fulfillment first seen
    here was created here; a log that starts later (a stray callback of another run) may show
    it in any state."""
    return ctx.message.action == "on_confirm" or any(
        m.action == "on_confirm" for m in ctx.earlier)


@rule("RET-TRANS-001", "A fulfillment state is a state of its type and routing", Severity.MAJOR,
      spec=f"{_R} on_status (fulfillment state as expected); retail-1.2/enums/fulfillments.yaml; "
      "ondc_harness.states", actions=_POST_ORDER, domains=RETAIL)
def state_of_kind(ctx: CheckContext) -> Iterator[Violation]:
    """"In-transit" on a self-pickup, or "Out-for-pickup" anywhere in Retail, is no state the
    buyer app can place on its timeline."""
    for index, _, kind, code in _lives(ctx.payload):
        if kind is None or code is None:
            continue
        if code not in states_of(kind):
            yield Violation(_path(index), f"{code} is not a state of a {kind} fulfillment",
                            expected=sorted(states_of(kind)), actual=code)


@rule("RET-TRANS-002", "A fulfillment moves only along the legal transitions of its type and "
      "routing (post-order fulfillments start in their entry state)", Severity.MAJOR,
      spec=f"{_R} on_status (transitions legal for the routing), on_cancel (RTO states); "
      "ondc_harness.states (FULFILLMENT_TRANSITIONS, ENTRY_STATES)", actions=_POST_ORDER,
      domains=RETAIL)
def legal_move(ctx: CheckContext) -> Iterator[Violation]:
    """A delivered order that is "Packed" again, or an RTO born "RTO-Delivered", misreports
    where the goods are."""
    for index, fid, kind, code in _lives(ctx.payload):
        if kind is None or code is None or not isinstance(fid, str) or code not in states_of(kind):
            continue
        previous = _previous_state(ctx, fid, kind)
        if previous is None:
            entry = ENTRY_STATES.get(kind)
            if entry is not None and code not in entry and _order_life_seen(ctx):
                yield Violation(_path(index), f"a new {kind} fulfillment starts in "
                                f"{', '.join(sorted(entry))}, not {code}",
                                expected=sorted(entry), actual=code)
            continue
        before, action, was = previous
        if was is None or before not in states_of(was):
            continue  # no state of its kind: RET-TRANS-001 reported it where it was sent
        if not fulfillment_move_is_legal(kind, before, code):
            allowed = sorted({before} | FULFILLMENT_TRANSITIONS[kind].get(before, frozenset()))
            yield Violation(_path(index), f"fulfillment {fid!r} cannot go from {before} (in an "
                            f"earlier {action}) to {code}", expected=allowed, actual=code)
