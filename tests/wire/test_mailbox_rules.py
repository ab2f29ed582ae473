"""Mailbox classification edge cases, exercised directly (no HTTP): what is late, what is a
duplicate, and what a solicited wait may take."""

from __future__ import annotations

import time

from ondc_harness.message import Message
from ondc_harness.wire.mailbox import Delivery, Inbound, Mailbox

TXN = "txn-1"


def _inbound(box: Mailbox, action: str, message_id: str, code: str = "") -> Inbound:
    payload = {"context": {"action": action, "transaction_id": TXN, "message_id": message_id},
               "message": {"order": {"state": code}}}
    return Inbound(Message(payload), f"/{action}", box.next_seq())


def test_repeated_on_search_for_one_search_is_not_a_duplicate() -> None:
    box = Mailbox()
    box.open(TXN)
    assert box.deliver(_inbound(box, "on_search", "m1")) is Delivery.ACCEPTED
    assert box.deliver(_inbound(box, "on_search", "m1")) is Delivery.ACCEPTED


def test_repeated_on_select_is_a_duplicate() -> None:
    box = Mailbox()
    box.open(TXN)
    assert box.deliver(_inbound(box, "on_select", "m1")) is Delivery.ACCEPTED
    assert box.deliver(_inbound(box, "on_select", "m1")) is Delivery.DUPLICATE


def test_push_after_an_unsolicited_wait_expired_is_not_late() -> None:
    box = Mailbox()
    inbox = box.open(TXN)
    assert box.wait(inbox, "on_status", deadline=time.monotonic()) is None
    assert box.deliver(_inbound(box, "on_status", "push-1")) is Delivery.ACCEPTED


def test_answer_after_a_solicited_wait_expired_is_late() -> None:
    box = Mailbox()
    inbox = box.open(TXN)
    box.note_sent(inbox, "req-1", "status")
    assert box.wait(inbox, "on_status", deadline=time.monotonic(), message_id="req-1") is None
    assert box.deliver(_inbound(box, "on_status", "req-1")) is Delivery.LATE


def test_solicited_on_status_never_takes_an_unsolicited_push() -> None:
    box = Mailbox()
    inbox = box.open(TXN)
    box.note_sent(inbox, "req-1", "status")
    box.deliver(_inbound(box, "on_status", "push-1", "Packed"))
    assert box.wait(inbox, "on_status", deadline=time.monotonic(), message_id="req-1") is None
    pushed = box.wait(inbox, "on_status", deadline=time.monotonic())
    assert pushed is not None and pushed.message.message_id == "push-1"
