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
from ondc_harness.message import Message, callback_action_for

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
    answer_pending: dict[str, threading.Event] = field(default_factory=dict)
    """message_id → set once the synchronous answer to that request has (started to) arrive."""
    by_message_id: dict[str, list[Inbound]] = field(default_factory=dict)
    """``received`` indexed by message_id: duplicate and replay checks stay O(1) per message
    under a flood instead of scanning everything received so far."""


Matcher = Callable[[Message], bool]


class Mailbox:
    """Thread-safe rendezvous between the inbound server and the flows."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._flows: dict[str, FlowInbox] = {}
        self.orphans: list[Inbound] = []
        self._seq = 0
        self._last_sender: dict[str, FlowInbox] = {}  # callback action → flow that last asked

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
            self._last_sender[callback_action_for(action)] = inbox

    def expect_answer(self, inbox: FlowInbox, message_id: str) -> threading.Event:
        """The request ``message_id`` is going out: its callback must wait for its ACK.

        The caller sets the returned event as soon as the synchronous answer starts to arrive
        (or the exchange ends); the inbound server holds a callback of a request whose event
        is not set yet, to tell a participant that calls back before it ACKs.
        """
        with self._cond:
            return inbox.answer_pending.setdefault(message_id, threading.Event())

    def answer_pending(self, transaction_id: str, message_id: str) -> threading.Event | None:
        """The event of a request still waiting for its synchronous answer, if any."""
        with self._cond:
            inbox = self._flows.get(transaction_id)
            event = inbox.answer_pending.get(message_id) if inbox is not None else None
            return event if event is not None and not event.is_set() else None

    def flow_waiting_for(self, action: str) -> FlowInbox | None:
        """The flow an unparseable ``action`` body belongs to, as far as can be told.

        The single flow waiting for ``action``; when none is waiting yet (the body arrived
        between the ACK and the wait), the flow that last sent the request of ``action``.
        """
        with self._cond:
            waiting = [f for f in self._flows.values() if action in f.waiting_actions]
            if not waiting:
                return self._last_sender.get(action)
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
            inbox.by_message_id.setdefault(inbound.message.message_id, []).append(inbound)
            if verdict is not Delivery.ACCEPTED:
                inbox.consumed.add(inbound.seq)  # never hand a late/duplicate message to a step
            self._cond.notify_all()
            return verdict

    def _classify(self, inbox: FlowInbox, inbound: Inbound) -> Delivery:
        action, message_id = inbound.message.action, inbound.message.message_id
        if self._replay_of(inbox, inbound) is not None:
            return Delivery.DUPLICATE  # byte for byte again: a replay, even of an on_search
        if action not in MULTI_CALLBACK:
            for earlier in inbox.by_message_id.get(message_id, ()):
                if (earlier.message.action == action and message_id
                        and earlier.message.message_id == message_id and earlier.usable):
                    return Delivery.DUPLICATE
        for gone in inbox.expired:
            # Only a solicited wait has a ttl; an unsolicited push has no deadline to miss.
            if gone.action == action and gone.message_id is not None \
                    and gone.message_id == message_id:
                return Delivery.LATE
        return Delivery.ACCEPTED

    @staticmethod
    def _replay_of(inbox: FlowInbox, inbound: Inbound) -> Inbound | None:
        """An earlier message of ``inbox`` with the same message_id and the very same bytes."""
        message = inbound.message
        if not message.raw or not message.message_id:
            return None
        for earlier in inbox.by_message_id.get(message.message_id, ()):
            if earlier is not inbound and earlier.usable \
                    and earlier.message.message_id == message.message_id \
                    and earlier.message.raw == message.raw:
                return earlier
        return None

    def replay_of(self, inbox: FlowInbox, inbound: Inbound) -> Inbound | None:
        """The message ``inbound`` repeats byte for byte, if it is a replay."""
        with self._cond:
            return self._replay_of(inbox, inbound)

    def adopt_orphans(self, inbox: FlowInbox, action: str, message_id: str) -> list[Inbound]:
        """Orphans (unknown transaction) answering this flow's ``message_id``: the flow takes
        them as evidence (consumed, so no step treats them as its answer)."""
        with self._cond:
            mine = [o for o in self.orphans
                    if o.message.action == action and o.message.message_id == message_id]
            for orphan in mine:
                self.orphans.remove(orphan)
                inbox.received.append(orphan)
                inbox.by_message_id.setdefault(message_id, []).append(orphan)
                inbox.consumed.add(orphan.seq)
            return mine

    def unclaimed(self, inbox: FlowInbox) -> list[Inbound]:
        """Messages no step took and none will: unreadable ones, and callbacks that answer no
        request of the harness and are not pushes a participant may send unsolicited."""
        with self._cond:
            return [r for r in inbox.received if r.seq not in inbox.consumed and (
                not r.usable or (r.message.is_callback
                                 and r.message.action not in UNSOLICITED_CAPABLE
                                 and r.message.message_id not in inbox.sent_message_ids))]

    def pending_stray(self, inbox: FlowInbox) -> list[Finding]:
        """Stray findings no step has drained yet (they arrived after the flow's last step)."""
        with self._cond:
            return list(inbox.stray)

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
        late_after: bool = True,
    ) -> Inbound | None:
        """Block until a matching message for ``inbox`` arrives or ``deadline`` (monotonic) passes.

        Solicited callbacks (``message_id`` given) match on message_id; for actions that cannot be
        pushed unsolicited, a callback of the right action with an id the harness never sent is
        taken at once (the context rules then report the wrong message_id) rather than waiting
        out the ttl.  Unsolicited expectations take the first unconsumed message of the action
        that answers none of the harness's requests and satisfies ``match``.  ``late_after=False``
        (a wait the harness cut short itself, e.g. --max-duration) does not make a callback
        arriving afterwards late.
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
                        if late_after:
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
