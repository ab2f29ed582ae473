"""Named ways to make the reference seller misbehave, so the harness can prove it notices.

A fault is written ``NAME`` (every callback it makes sense for) or ``NAME@action``
(``quote_total@on_confirm``; the request name works too: ``nack@select``).  Each fault is a
function below whose docstring says what it simulates and which harness rule must catch it;
payload faults change the outgoing callback, the others are carried out by the seller itself
(:mod:`ondc_harness.reference.seller`) when :meth:`Fault.applies_to` says so.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ondc_harness.message import callback_action_for
from ondc_harness.reference.fragments import money

Json = dict[str, Any]
Mutation = Callable[[str, Json], None]

CALLBACKS = ("on_search", "on_select", "on_init", "on_confirm", "on_status", "on_track")
ORDER_CALLBACKS = ("on_select", "on_init", "on_confirm", "on_status")
MISSING_FULFILLMENT = "F-DOES-NOT-EXIST"


@dataclass(frozen=True)
class FaultSpec:
    """A fault's name, the callbacks it applies to, and its documentation."""

    name: str
    actions: tuple[str, ...]
    mutate: Mutation
    doc: str

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0]


FAULTS: dict[str, FaultSpec] = {}


def _fault(name: str, actions: tuple[str, ...]) -> Callable[[Mutation], Mutation]:
    def register(fn: Mutation) -> Mutation:
        FAULTS[name] = FaultSpec(name, actions, fn, fn.__doc__ or "")
        return fn
    return register


def _order(payload: Json) -> Json | None:
    message = payload.get("message")
    order = message.get("order") if isinstance(message, dict) else None
    return order if isinstance(order, dict) else None


# -- payload faults ---------------------------------------------------------------------------
@_fault("quote_total", ORDER_CALLBACKS)
def quote_total(action: str, payload: Json) -> None:
    """Quote total is ₹10 more than the sum of its breakup lines.

    Simulates a seller that adds a charge to the total without a breakup line (or rounds the
    total on its own).  Caught by the quote rule "quote price equals the sum of its breakup"
    (RET-QUOTE-001), and on later steps by the quote-unchanged comparisons.
    """
    order = _order(payload)
    quote = order.get("quote") if order else None
    price = quote.get("price") if isinstance(quote, dict) else None
    if isinstance(price, dict):
        try:
            price["value"] = money(Decimal(str(price.get("value"))) + Decimal("10"))
        except InvalidOperation:
            price["value"] = "10.00"


@_fault("fulfillment_id", ("on_search", *ORDER_CALLBACKS))
def fulfillment_id(action: str, payload: Json) -> None:
    """The first item points at a fulfillment id that does not exist.

    Simulates a catalogue or cart whose item → fulfillment mapping is stale.  Caught by the
    fulfillment rules: on_search "item fulfillment_id exists in the provider's fulfillments",
    on_select and later "each item's fulfillment id exists in order.fulfillments".
    """
    if action == "on_search":
        message = payload.get("message", {})
        for provider in message.get("catalog", {}).get("bpp/providers", []):
            for item in provider.get("items", []):
                if "fulfillment_id" in item:
                    item["fulfillment_id"] = MISSING_FULFILLMENT
                    return
        return
    order = _order(payload)
    items = order.get("items") if order else None
    if isinstance(items, list) and items and isinstance(items[0], dict):
        items[0]["fulfillment_id"] = MISSING_FULFILLMENT


@_fault("no_cancellation_terms", ("on_init", "on_confirm"))
def no_cancellation_terms(action: str, payload: Json) -> None:
    """on_init / on_confirm without ``cancellation_terms``.

    Simulates a seller that never states what cancelling costs.  Caught by the cancellation
    rules: "on_init carries cancellation_terms" and "on_confirm's cancellation_terms equal
    on_init's".
    """
    order = _order(payload)
    if order is not None:
        order.pop("cancellation_terms", None)


# -- behaviour faults (carried out by the seller) ---------------------------------------------
@_fault("bad_signature", CALLBACKS)
def bad_signature(action: str, payload: Json) -> None:
    """Callbacks are signed with a key other than the one the seller registered.

    Simulates a rotated or mis-configured signing key (the Digest header stays honest, so the
    harness can tell a wrong key from a changed body).  Caught by WIRE-SIG-001; the harness
    answers 401 NACK.
    """


@_fault("no_callback", CALLBACKS)
def no_callback(action: str, payload: Json) -> None:
    """The request is ACKed but its callback is never sent.

    Simulates a seller whose background worker dropped the job.  Caught by WIRE-CALLBACK-001
    (no callback within the request ttl + grace).  Unsolicited on_status pushes still happen.
    """


@_fault("late_callback", CALLBACKS)
def late_callback(action: str, payload: Json) -> None:
    """The callback is sent only after ``late_delay_s`` (set past the harness's wait).

    Simulates a slow seller.  Caught by WIRE-CALLBACK-001 while waiting, then WIRE-CALLBACK-002
    when it arrives (the harness answers NACK 20009).
    """


@_fault("wrong_message_id", CALLBACKS)
def wrong_message_id(action: str, payload: Json) -> None:
    """The callback carries a fresh message_id instead of its request's.

    Simulates a seller that generates ids per message.  Caught by the context rule "a
    callback's message_id equals its request's".
    """


@_fault("nack", CALLBACKS)
def nack(action: str, payload: Json) -> None:
    """Valid requests are answered ``NACK`` with error 30000 (and no callback follows).

    Simulates a seller whose request validation is too strict.  Caught by WIRE-ACK-002.
    """


@_fault("http_500", CALLBACKS)
def http_500(action: str, payload: Json) -> None:
    """Requests are answered HTTP 500 with a plain-text body.

    Simulates a crashing endpoint.  Caught by WIRE-HTTP-001 (and WIRE-ACK-001: not JSON).
    """


@_fault("non_json", CALLBACKS)
def non_json(action: str, payload: Json) -> None:
    """Requests are answered HTTP 200 with an HTML page.

    Simulates a proxy or web server answering in front of the app.  Caught by WIRE-ACK-001.
    """


# -- parsing ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fault:
    """One configured fault: a name from :data:`FAULTS` and, optionally, the callback it targets."""

    name: str
    action: str | None = None

    @classmethod
    def parse(cls, text: str) -> Fault:
        """``NAME`` or ``NAME@action``; ValueError naming the valid choices otherwise."""
        name, _, action = text.strip().partition("@")
        name = name.strip()
        spec = FAULTS.get(name)
        if spec is None:
            raise ValueError(f"unknown fault {name!r}; valid faults: {', '.join(sorted(FAULTS))}"
                             " (write NAME or NAME@action)")
        if not action.strip():
            return cls(name)
        target = callback_action_for(action.strip())
        if target not in spec.actions:
            raise ValueError(f"fault {name} does not apply to {action.strip()!r}; it applies "
                             f"to {', '.join(spec.actions)}")
        return cls(name, target)

    @property
    def spec(self) -> FaultSpec:
        return FAULTS[self.name]

    def applies_to(self, action: str) -> bool:
        """Whether this fault affects ``action`` (a request or its callback)."""
        target = callback_action_for(action)
        return target in self.spec.actions and self.action in (None, target)

    def __str__(self) -> str:
        return self.name if self.action is None else f"{self.name}@{self.action}"


def parse_faults(texts: Iterable[str]) -> frozenset[Fault]:
    """Faults from ``NAME[@action]`` strings (each may hold several, comma-separated)."""
    return frozenset(Fault.parse(part) for text in texts for part in text.split(",")
                     if part.strip())


def active(faults: Iterable[Fault], name: str, action: str) -> bool:
    return any(f.name == name and f.applies_to(action) for f in faults)


def with_payload_faults(faults: Iterable[Fault], action: str, payload: Json) -> Json:
    """A copy of the outgoing ``payload`` with every applicable fault applied."""
    chosen = sorted({f.name for f in faults if f.applies_to(action)})
    if not chosen:
        return payload
    changed = copy.deepcopy(payload)
    for name in chosen:
        FAULTS[name].mutate(action, changed)
    return changed
