"""Hand inbound messages to the flow waiting for them (pytest-httpserver's blocking model).

The server thread *delivers*; the test thread *waits* on a condition variable with a deadline
derived from the request's ttl.  Nothing polls.  Every inbound message is kept — matched or not —
so late, duplicate and unknown callbacks become findings instead of disappearing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from ondc_harness.checks.findings import Finding
from ondc_harness.message import Message

UNSOLICITED_CAPABLE = frozenset({"on_status", "on_update", "on_cancel", "on_issue",
                                 "on_issue_status"})
"""Callbacks a participant may push without a request; they are matched strictly by message_id
when solicited, because an unsolicited push of the same action may arrive first."""

MULTI_CALLBACK = frozenset({"on_search"})
"""Callbacks a participant may legitimately send several of for one request (catalogue pages,
one per provider), so a repeated message_id is not a duplicate."""


@dataclass
class Inbound:
    """One message received by the inbound server, with what the server made of it."""

    message: Message
    path: str
    seq: int
    findings: list[Finding] = field(default_factory=list)
    answer_status: int = 200
    answer_code: str | None = None
    monotonic: float = field(default_factory=time.monotonic)

    @property
    def usable(self) -> bool:
        """A JSON object arrived (signature problems still leave it checkable)."""
        return isinstance(self.message.payload, dict)


class Delivery(Enum):
    """How the mailbox classified an inbound message; decides the answer."""

    ACCEPTED = "accepted"
    LATE = "late"
    DUPLICATE = "duplicate"
    UNKNOWN = "unknown"


@dataclass
class _Expired:
    action: str
    message_id: str | None
    deadline: float


@dataclass
class FlowInbox:
    """Everything received for one transaction_id, and what the flow is still waiting for."""

    transaction_id: str
    received: list[Inbound] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)
    sent_message_ids: dict[str, str] = field(default_factory=dict)  # message_id → action
    expired: list[_Expired] = field(default_factory=list)
    stray: list[Finding] = field(default_factory=list)
    waiting_actions: set[str] = field(default_factory=set)


Matcher = Callable[[Message], bool]


class Mailbox:
    """Thread-safe rendezvous between the inbound server and the flows."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._flows: dict[str, FlowInbox] = {}
        self.orphans: list[Inbound] = []
        self._seq = 0

    def next_seq(self) -> int:
        with self._cond:
            self._seq += 1
            return self._seq

    def open(self, transaction_id: str) -> FlowInbox:
        with self._cond:
            return self._flows.setdefault(transaction_id, FlowInbox(transaction_id))

    def note_sent(self, inbox: FlowInbox, message_id: str, action: str) -> None:
        """The harness is about to send a request (its callback may beat the ACK back)."""
        with self._cond:
            inbox.sent_message_ids[message_id] = action

    def flow_waiting_for(self, action: str) -> FlowInbox | None:
        """The single flow waiting for ``action``, for bodies we cannot parse."""
        with self._cond:
            waiting = [f for f in self._flows.values() if action in f.waiting_actions]
            return waiting[0] if len(waiting) == 1 else None

    def deliver(self, inbound: Inbound, inbox: FlowInbox | None = None) -> Delivery:
        """Store ``inbound`` with its flow and wake the waiters; say how it was classified."""
        with self._cond:
            if inbox is None:
                inbox = self._flows.get(inbound.message.transaction_id)
            if inbox is None:
                self.orphans.append(inbound)
                return Delivery.UNKNOWN
            verdict = self._classify(inbox, inbound)
            inbox.received.append(inbound)
            if verdict is not Delivery.ACCEPTED:
                inbox.consumed.add(inbound.seq)  # never hand a late/duplicate message to a step
            self._cond.notify_all()
            return verdict

    def _classify(self, inbox: FlowInbox, inbound: Inbound) -> Delivery:
        action, message_id = inbound.message.action, inbound.message.message_id
        if action not in MULTI_CALLBACK:
            for earlier in inbox.received:
                if (earlier.message.action == action and message_id
                        and earlier.message.message_id == message_id and earlier.usable):
                    return Delivery.DUPLICATE
        for gone in inbox.expired:
            # Only a solicited wait has a ttl; an unsolicited push has no deadline to miss.
            if gone.action == action and gone.message_id is not None \
                    and gone.message_id == message_id:
                return Delivery.LATE
        return Delivery.ACCEPTED

    def drain_stray(self, inbox: FlowInbox) -> list[Finding]:
        with self._cond:
            found, inbox.stray = inbox.stray, []
            return found

    def add_stray(self, inbox: FlowInbox, finding: Finding) -> None:
        with self._cond:
            inbox.stray.append(finding)

    def wait(
        self,
        inbox: FlowInbox,
        action: str,
        *,
        deadline: float,
        message_id: str | None = None,
        match: Matcher | None = None,
    ) -> Inbound | None:
        """Block until a matching message for ``inbox`` arrives or ``deadline`` (monotonic) passes.

        Solicited callbacks (``message_id`` given) match on message_id; for actions that cannot be
        pushed unsolicited, a callback of the right action with an id the harness never sent is
        taken at once (the context rules then report the wrong message_id) rather than waiting
        out the ttl.  Unsolicited expectations take the first unconsumed message of the action
        that answers none of the harness's requests and satisfies ``match``.
        """
        with self._cond:
            inbox.waiting_actions.add(action)
            try:
                while True:
                    found = self._find(inbox, action, message_id, match)
                    if found is not None:
                        inbox.consumed.add(found.seq)
                        return found
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        inbox.expired.append(_Expired(action, message_id, deadline))
                        return None
                    self._cond.wait(remaining)
            finally:
                inbox.waiting_actions.discard(action)

    def _find(self, inbox: FlowInbox, action: str, message_id: str | None,
              match: Matcher | None) -> Inbound | None:
        candidates = [
            r for r in inbox.received
            if r.seq not in inbox.consumed and r.message.action in (action, "")
        ]
        if message_id is not None:
            for r in candidates:
                if r.message.message_id == message_id:
                    return r
            if action in UNSOLICITED_CAPABLE:
                return None  # another id may be a legitimate unsolicited push, not our answer
            for r in candidates:
                if r.message.message_id not in inbox.sent_message_ids:
                    return r
            return None
        for r in candidates:
            if r.message.message_id in inbox.sent_message_ids:
                continue
            if match is None or match(r.message):
                return r
        return None

    def all_received(self) -> list[Inbound]:
        with self._cond:
            items = [r for f in self._flows.values() for r in f.received]
            return sorted(items + self.orphans, key=lambda r: r.seq)
