"""Helpers shared by the rule modules (not a rule module itself: it registers nothing).

Everything here reads untrusted payloads and never raises: unexpected shapes read as "absent".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Final

from ondc_harness.checks.access import decimal_of, get, items_of
from ondc_harness.checks.catalog import CheckContext
from ondc_harness.checks.views import shared
from ondc_harness.message import Message, request_action_for

#: Retail B2C rules apply to every Retail category (ONDC:RET10…RET1D) and to agri (AGR10/11),
#: which ships the same Retail 1.2 API contract (PROTOCOL.md, "Retail domains").
RETAIL: Final = ("ONDC:RET", "ONDC:AGR")

#: Amounts are compared with this tolerance: ONDC amounts are rupees with two decimals, so a
#: difference below one paisa is rounding, not a different price.
TOLERANCE: Final = Decimal("0.01")

#: Requests of the Retail / logistics order journey and of discovery (Retail 1.2 build.yaml
#: paths); IGM and RSF have their own context conventions and are left out of cross-message
#: comparisons.
DISCOVERY_ACTIONS: Final = frozenset({"search", "on_search"})
ORDER_REQUESTS: Final = frozenset(
    {"select", "init", "confirm", "status", "track", "cancel", "update", "rating", "support"})
ORDER_ACTIONS: Final = ORDER_REQUESTS | {f"on_{a}" for a in ORDER_REQUESTS}
JOURNEY_ACTIONS: Final = DISCOVERY_ACTIONS | ORDER_ACTIONS

#: Callbacks a seller may push without a request (Retail 1.2: status updates, seller-side
#: cancellation and updates are unsolicited; ORDER_FLOW.yaml marks on_status ``unsolicited``).
UNSOLICITED_CALLBACKS: Final = frozenset({"on_status", "on_cancel", "on_update"})

_STRICT_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
_LENIENT_TS = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$")


def order_of(payload: Any) -> dict[str, Any]:
    """``message.order`` when it is an object, else ``{}`` (read directly, not through
    :func:`access.get`: rules call it on every message, several times each)."""
    message = payload.get("message") if isinstance(payload, dict) else None
    order = message.get("order") if isinstance(message, dict) else None
    return order if isinstance(order, dict) else {}


def earlier(ctx: CheckContext) -> list[Message]:
    """The messages of the flow before the one under check (:attr:`CheckContext.earlier`)."""
    return list(ctx.earlier)


def latest(ctx: CheckContext, *actions: str) -> Message | None:
    """The latest earlier message of the flow with one of ``actions``."""
    positions = _last_positions(ctx.earlier)
    found = max((positions[a] for a in actions if a in positions), default=None)
    return None if found is None else ctx.earlier[found]


@shared
def _last_positions(messages: tuple[Message, ...]) -> dict[str, int]:
    """Action → position of its last message in ``messages`` (once per check, not per rule)."""
    return {message.action: index for index, message in enumerate(messages)}


@shared
def answered_request(ctx: CheckContext) -> Message | None:
    """The request this callback answers, matched by action pair *and* message_id.

    Unlike ``FlowHistory.request_of`` this never falls back to "the latest request": an
    unsolicited ``on_status`` pushed after an unrelated ``status`` answers nothing.
    """
    message = ctx.message
    if not message.is_callback or not message.message_id:
        return None
    wanted = request_action_for(message.action)
    for candidate in reversed(ctx.earlier):
        if candidate.action == wanted and candidate.message_id == message.message_id:
            return candidate
    return None


def is_solicited_callback(message: Message, before: Sequence[Message]) -> bool:
    """A callback whose message_id matches a request of its pair sent before it."""
    if not message.is_callback or not message.message_id:
        return False
    wanted = request_action_for(message.action)
    return any(m.action == wanted and m.message_id == message.message_id for m in before)


def parse_timestamp(value: Any) -> datetime | None:
    """An RFC 3339 timestamp as an aware datetime, leniently (any fraction, any offset).

    Ordering rules use this so that a timestamp with the wrong *format* (reported once by the
    format rule) is still compared correctly rather than reported again.
    """
    if not isinstance(value, str):
        return None
    return _parse_timestamp_text(value)


@lru_cache(maxsize=16384)  # many rules compare a flow's timestamps; datetimes are immutable
def _parse_timestamp_text(value: str) -> datetime | None:
    match = _LENIENT_TS.match(value.strip())
    if match is None:
        return None
    text = value.strip().replace("t", "T").replace(" ", "T")
    if text[-1] in "zZ":
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def is_strict_timestamp(value: Any) -> bool:
    """RFC 3339, UTC, exactly three fractional digits and ``Z`` (PROTOCOL.md, context)."""
    return (isinstance(value, str) and _STRICT_TS.match(value) is not None
            and parse_timestamp(value) is not None)


def fulfillment_refs(item: dict[str, Any]) -> list[tuple[tuple[str | int, ...], Any]]:
    """The fulfillment references of an order item with their relative paths.

    Retail 1.2.0 has ``fulfillment_id`` (a string); 1.2.5 multi-option carts put a list there
    (seed-examples/retail_on_select.json) and the 1.2.5 validator also accepts
    ``fulfillment_ids`` (validations/index.yaml, on_select ITEMS_FULFILLMENT_ID).
    """
    refs: list[tuple[tuple[str | int, ...], Any]] = []
    for key in ("fulfillment_id", "fulfillment_ids"):
        value = get(item, key)
        if isinstance(value, list):
            refs.extend(((key, index), ref) for index, ref in enumerate(value))
        elif value is not None and key in item:
            refs.append(((key,), value))
    return refs


def fulfillment_ids(order: dict[str, Any]) -> list[str]:
    """Ids of ``order.fulfillments`` that are strings."""
    return [f["id"] for _, f in items_of(order, "fulfillments") if isinstance(f.get("id"), str)]


def item_ids(order: dict[str, Any]) -> list[str]:
    return [i["id"] for _, i in items_of(order, "items") if isinstance(i.get("id"), str)]


#: No order amount or count reaches 10^15; beyond it a "number" is junk (and Decimal arithmetic
#: on such exponents can overflow), so it reads as not-a-number.
_HUGE: Final = Decimal("1e15")


def amount_text(value: Decimal) -> str:
    """A Decimal as ONDC writes amounts (two decimals)."""
    try:
        return f"{value.quantize(Decimal('0.01'))}"
    except InvalidOperation:
        return str(value)


def numeric(value: Any) -> Decimal | None:
    """:func:`access.decimal_of`, also refusing magnitudes no amount has (see ``_HUGE``)."""
    if type(value) is str:  # nearly every ONDC amount and count: parsed once per text
        return _numeric_text(value)
    number = decimal_of(value)
    return number if number is not None and abs(number) < _HUGE else None


@lru_cache(maxsize=16384)
def _numeric_text(value: str) -> Decimal | None:
    number = decimal_of(value)
    return number if number is not None and abs(number) < _HUGE else None


_HUGE_INT: Final = int(_HUGE)


def whole_number(value: Any) -> int | None:
    """:func:`numeric` truncated to an int (a count); a JSON integer count, the usual case, is
    taken as it is, without a Decimal round trip."""
    if type(value) is int and -_HUGE_INT < value < _HUGE_INT:
        return value
    number = numeric(value)
    return None if number is None else int(number)


def member(value: Any, allowed: Collection[str]) -> bool:
    """``value in allowed`` for JSON values: a list or object (unhashable) is never a member."""
    return isinstance(value, str) and value in allowed


def str_values(values: Iterator[Any] | Collection[Any]) -> set[str]:
    """The string values among ``values`` (ids read from untrusted payloads)."""
    return {v for v in values if isinstance(v, str)}


def journey_messages(messages: Iterable[Message]) -> Iterator[Message]:
    """Messages of the Retail/logistics journey (discovery and order), skipping IGM/RSF."""
    return (m for m in messages if m.action in JOURNEY_ACTIONS)


def ctx_str(message: Message, key: str) -> str | None:
    """A context field when it is a string, else ``None`` (absent or wrong type)."""
    value = message.context.get(key)
    return value if isinstance(value, str) else None


def tag_entries(group: Any) -> dict[str, tuple[int, Any]]:
    """``code → (index, value)`` of a tag group's ``list`` (Retail 1.2 ``{code, list: [{code,
    value}]}``), the first entry of each code; entries that are not objects or have no string
    code are skipped."""
    out: dict[str, tuple[int, Any]] = {}
    values = group.get("list") if isinstance(group, dict) else None
    if isinstance(values, list):
        for index, entry in enumerate(values):
            if isinstance(entry, dict):
                code = entry.get("code")
                if isinstance(code, str) and code not in out:
                    out[code] = (index, entry.get("value"))
    return out
