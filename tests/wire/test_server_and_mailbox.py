"""The inbound server (``wire/server.py``) and the mailbox (``wire/mailbox.py``) on a real port.

A participant's callbacks are real signed HTTP POSTs to an :class:`InboundServer` running in a
:class:`ServerThread`; the test thread waits on the mailbox with deadlines, as a flow does.
"""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from ondc_harness.checks.findings import Finding
from ondc_harness.jsonpaths import first
from ondc_harness.message import Message
from ondc_harness.report.transcript import Transcript
from ondc_harness.wire.client import encode_payload
from ondc_harness.wire.mailbox import FlowInbox, Inbound, Mailbox
from ondc_harness.wire.registry import Registry, Subscriber
from ondc_harness.wire.server import InboundServer, ServerSettings
from ondc_harness.wire.serving import ServerThread
from ondc_harness.wire.signing import KeyPair, blake2b_digest, sign_body

SELLER_ID = "seller.test.ondc"
SELLER_UKID = "seller-key-1"
SELLER = KeyPair.generate()
STRANGER = KeyPair.generate()
HARNESS_ID = "harness.test.ondc"
HARNESS = KeyPair.generate()
MAX_BODY = 32 * 1024  # above the 10,000-deep document, so the parser sees it


@dataclass
class Harness:
    base_url: str
    port: int
    mailbox: Mailbox
    registry: Registry
    transcript_path: Path
    inbound: queue.Queue[Inbound]
    http: httpx.Client

    def post(self, path: str, body: bytes, headers: dict[str, str] | None = None
             ) -> httpx.Response:
        return self.http.post(f"{self.base_url}{path}", content=body, headers=headers or {})

    def callback(self, payload: dict[str, Any], path: str | None = None,
                 **sign: Any) -> httpx.Response:
        """POST ``payload`` signed by the seller (``sign`` overrides the signing inputs)."""
        body = encode_payload(payload)
        return self.post(path or f"/{payload['context']['action']}", body,
                         signed_headers(body, **sign))

    def last_inbound(self) -> Inbound:
        return self.inbound.get(timeout=5)


def signed_headers(body: bytes, *, private_key: str = SELLER.signing_private_key,
                   subscriber_id: str = SELLER_ID, unique_key_id: str = SELLER_UKID,
                   created: int | None = None, expires: int | None = None,
                   signed_body: bytes | None = None) -> dict[str, str]:
    signed = body if signed_body is None else signed_body
    return {
        "Content-Type": "application/json",
        "Authorization": sign_body(signed, private_key, subscriber_id, unique_key_id,
                                   created=created, expires=expires),
        "Digest": f"BLAKE-512={blake2b_digest(signed)}",
    }


def callback_payload(action: str, transaction_id: str, message_id: str,
                     message: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "context": {
            "domain": "ONDC:RET11", "action": action, "core_version": "1.2.5",
            "country": "IND", "city": "std:080",
            "bap_id": HARNESS_ID, "bap_uri": "http://127.0.0.1/harness",
            "bpp_id": SELLER_ID, "bpp_uri": "http://127.0.0.1/seller",
            "transaction_id": transaction_id, "message_id": message_id,
            "timestamp": "2024-05-01T10:00:00.000Z", "ttl": "PT30S",
        },
        "message": message if message is not None else {"order": {"id": "O1"}},
    }


def on_status(transaction_id: str, message_id: str, state: str) -> dict[str, Any]:
    return callback_payload("on_status", transaction_id, message_id, {"order": {
        "id": "O1", "fulfillments": [{"id": "F1", "state": {"descriptor": {"code": state}}}]}})


def state_is(code: str) -> Any:
    path = "$.message.order.fulfillments[0].state.descriptor.code"
    return lambda message: first(message.payload, path) == code


def rules(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings]


def in_s(seconds: float) -> float:
    return time.monotonic() + seconds


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[InboundServer, ServerThread]]:
    """One real server for the module; each test gets a fresh mailbox, registry and transcript."""
    inbound = InboundServer(Mailbox(), Registry(), None, ServerSettings(max_body=MAX_BODY))
    with ServerThread(inbound.app, name="inbound-under-test") as thread:
        yield inbound, thread


@pytest.fixture
def harness(server: tuple[InboundServer, ServerThread], tmp_path: Path) -> Iterator[Harness]:
    inbound, thread = server
    registry = Registry()
    registry.add(Subscriber(SELLER_ID, SELLER_UKID, SELLER.signing_public_key, type="BPP",
                            subscriber_url="http://127.0.0.1/seller", domain="ONDC:RET11"))
    registry.add(Subscriber(HARNESS_ID, "harness-key-1", HARNESS.signing_public_key,
                            type="BAP", subscriber_url="http://127.0.0.1/harness",
                            domain="ONDC:RET11"))
    transcript_path = tmp_path / "transcript.jsonl"
    transcript = Transcript(transcript_path)
    seen: queue.Queue[Inbound] = queue.Queue()
    inbound.mailbox, inbound.registry, inbound.transcript = Mailbox(), registry, transcript
    inbound.on_inbound = seen.put
    with httpx.Client(timeout=10) as http:
        yield Harness(thread.base_url, thread.port, inbound.mailbox, registry, transcript_path,
                      seen, http)
    transcript.close()


@pytest.fixture
def txn(harness: Harness) -> tuple[str, FlowInbox]:
    transaction_id = str(uuid.uuid4())
    return transaction_id, harness.mailbox.open(transaction_id)


def assert_still_answering(harness: Harness) -> None:
    transaction_id = str(uuid.uuid4())
    inbox = harness.mailbox.open(transaction_id)
    harness.mailbox.note_sent(inbox, "probe", "select")
    response = harness.callback(callback_payload("on_select", transaction_id, "probe"))
    assert response.status_code == 200
    assert response.json() == {"message": {"ack": {"status": "ACK"}}}
    assert harness.last_inbound().findings == []
    assert harness.mailbox.wait(inbox, "on_select", deadline=in_s(5), message_id="probe")


# -- the happy path -------------------------------------------------------------------------


def test_signed_callback_is_acked_and_delivered(harness: Harness,
                                                txn: tuple[str, FlowInbox]) -> None:
    transaction_id, inbox = txn
    harness.mailbox.note_sent(inbox, "m-1", "select")
    payload = callback_payload("on_select", transaction_id, "m-1")
    response = harness.callback(payload)
    assert response.status_code == 200
    assert response.json() == {"message": {"ack": {"status": "ACK"}}}
    got = harness.mailbox.wait(inbox, "on_select", deadline=in_s(5), message_id="m-1")
    assert got is not None
    assert got.findings == []
    assert got.path == "/on_select"
    assert got.answer_status == 200 and got.answer_code is None
    assert got.message.payload == payload
    assert got.message.raw == encode_payload(payload)
    assert got.message.headers["authorization"].startswith(
        f'Signature keyId="{SELLER_ID}|{SELLER_UKID}|ed25519"')
    assert got.usable
    assert harness.mailbox.drain_stray(inbox) == []


def test_wait_wakes_when_the_callback_arrives(harness: Harness,
                                             txn: tuple[str, FlowInbox]) -> None:
    transaction_id, inbox = txn
    harness.mailbox.note_sent(inbox, "m-1", "select")
    results: queue.Queue[Inbound | None] = queue.Queue()
    waiter = threading.Thread(target=lambda: results.put(harness.mailbox.wait(
        inbox, "on_select", deadline=in_s(10), message_id="m-1")))
    started = time.monotonic()
    waiter.start()
    harness.callback(callback_payload("on_select", transaction_id, "m-1"))
    got = results.get(timeout=5)
    waiter.join(timeout=5)
    assert got is not None and got.message.message_id == "m-1"
    assert time.monotonic() - started < 3  # woken by the delivery, not by the 10 s deadline


def test_wait_returns_none_at_the_deadline(harness: Harness,
                                          txn: tuple[str, FlowInbox]) -> None:
    _, inbox = txn
    harness.mailbox.note_sent(inbox, "m-1", "select")
    started = time.monotonic()
    got = harness.mailbox.wait(inbox, "on_select", deadline=started + 0.3, message_id="m-1")
    elapsed = time.monotonic() - started
    assert got is None
    assert 0.29 <= elapsed < 1.0, elapsed


# -- signatures -------------------------------------------------------------------------------


def _unsigned(body: bytes) -> dict[str, str]:
    return {"Content-Type": "application/json"}


def _expired(body: bytes) -> dict[str, str]:
    now = int(time.time())
    return signed_headers(body, created=now - 7200, expires=now - 3600)


def _future(body: bytes) -> dict[str, str]:
    now = int(time.time())
    return signed_headers(body, created=now + 600, expires=now + 4200)


def _wrong_key(body: bytes) -> dict[str, str]:
    return signed_headers(body, private_key=STRANGER.signing_private_key)


def _unknown_key(body: bytes) -> dict[str, str]:
    return signed_headers(body, private_key=STRANGER.signing_private_key,
                          unique_key_id="rotated-key-9")


def _other_subscriber(body: bytes) -> dict[str, str]:
    return signed_headers(body, private_key=HARNESS.signing_private_key,
                          subscriber_id=HARNESS_ID, unique_key_id="harness-key-1")


def _changed_body(body: bytes) -> dict[str, str]:
    return signed_headers(body, signed_body=body.replace(b'"O1"', b'"O2"'))


@pytest.mark.parametrize(("make_headers", "reason"), [
    (_unsigned, "missing header: no Authorization header"),
    (_expired, "expired: expires="),
    (_future, "created in the future: created="),
    (_wrong_key, f"bad signature: signature does not verify with the key of {SELLER_ID}|"),
    (_unknown_key, f"unknown key: no key for {SELLER_ID}|rotated-key-9"),
    (_other_subscriber, f"subscriber mismatch: keyId names '{HARNESS_ID}'"),
    (_changed_body, "digest mismatch: the signature is valid for digest"),
], ids=["unsigned", "expired", "future", "wrong-key", "unknown-key", "other-subscriber",
        "changed-body"])
def test_bad_signature_is_nacked_but_delivered(
        harness: Harness, txn: tuple[str, FlowInbox], make_headers: Any, reason: str) -> None:
    transaction_id, inbox = txn
    harness.mailbox.note_sent(inbox, "m-1", "select")
    body = encode_payload(callback_payload("on_select", transaction_id, "m-1"))
    response = harness.post("/on_select", body, make_headers(body))
    assert response.status_code == 401
    answer = response.json()
    assert answer["message"] == {"ack": {"status": "NACK"}}
    assert answer["error"]["code"] == "20001"
    assert answer["error"]["type"] == "CONTEXT-ERROR"
    assert answer["error"]["message"].startswith(f"invalid signature: {reason}")
    got = harness.mailbox.wait(inbox, "on_select", deadline=in_s(5), message_id="m-1")
    assert got is not None, "a badly signed callback is still evidence and reaches the flow"
    assert rules(got.findings) == ["WIRE-SIG-001"]
    finding = got.findings[0]
    assert finding.action == "on_select"
    assert finding.path == "$ (Authorization header)"
    assert finding.message.startswith(reason)
    assert got.answer_status == 401 and got.answer_code == "20001"
    assert got.message.raw == body and got.usable


# -- size limit -------------------------------------------------------------------------------


def _raw_exchange(port: int, request: bytes) -> tuple[int, bytes]:
    """Send raw bytes; return the status code and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            assert chunk, f"connection closed before an answer: {data!r}"
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        fields = dict(line.split(": ", 1) for line in lines[1:])
        length = int({k.lower(): v for k, v in fields.items()}["content-length"])
        while len(rest) < length:
            chunk = conn.recv(65536)
            assert chunk, "connection closed mid-body"
            rest += chunk
        return int(lines[0].split()[1]), rest[:length]


def test_declared_oversized_body_is_refused_before_reading_it(harness: Harness) -> None:
    """Content-Length: 1 GB and no body at all: the answer comes without waiting for the body."""
    request = (b"POST /on_select HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               b"Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n")
    status, body = _raw_exchange(harness.port, request)
    assert status == 413
    assert json.loads(body) == {"message": {"ack": {"status": "NACK"}},
                                "error": {"type": "CONTEXT-ERROR", "code": "20006",
                                          "message": "payload too large"}}
    inbound = harness.last_inbound()
    assert rules(inbound.findings) == ["WIRE-BODY-002"]
    assert inbound.findings[0].message == (
        f"body to /on_select exceeds --max-body ({MAX_BODY} bytes)")
    assert inbound.message.payload is None and inbound.message.raw == b""
    assert inbound.answer_status == 413 and inbound.answer_code == "20006"
    assert inbound in harness.mailbox.orphans  # no flow claims an anonymous body
    assert_still_answering(harness)


def test_real_oversized_body_with_content_length(harness: Harness) -> None:
    body = encode_payload(callback_payload("on_select", "t", "m", {"pad": "x" * MAX_BODY}))
    response = harness.post("/on_select", body, signed_headers(body))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "20006"
    inbound = harness.last_inbound()
    assert rules(inbound.findings) == ["WIRE-BODY-002"]
    assert inbound.message.payload is None  # never parsed
    assert_still_answering(harness)


def test_chunked_oversized_body_without_content_length(harness: Harness) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(3):
            yield b" " * (MAX_BODY // 2)

    response = harness.http.post(f"{harness.base_url}/on_select", content=chunks(),
                                 headers={"Content-Type": "application/json"})
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json()["error"]["message"] == "payload too large"
    inbound = harness.last_inbound()
    assert rules(inbound.findings) == ["WIRE-BODY-002"]
    assert inbound.findings[0].message == (
        f"body to /on_select exceeds --max-body ({MAX_BODY} bytes)")
    assert_still_answering(harness)


def test_body_exactly_at_the_limit_is_read(harness: Harness) -> None:
    payload = callback_payload("on_select", "t-limit", "m", {"pad": ""})
    filler = MAX_BODY - len(encode_payload(payload))
    payload["message"]["pad"] = "y" * filler
    body = encode_payload(payload)
    assert len(body) == MAX_BODY
    response = harness.post("/on_select", body, signed_headers(body))
    assert response.status_code == 200  # answered (NACK 20006: unknown transaction), not 413
    assert harness.last_inbound().findings == []


# -- strict parsing ----------------------------------------------------------------------------

DEEP = b'{"context":{"action":"on_select"},"message":' + b"[" * 10_000 + b"]" * 10_000 + b"}"


@pytest.mark.parametrize(("body", "problem"), [
    (b'{"context":{"action":"on_select"},"message":{"name":"caf\xe9"}}',
     "body is not valid UTF-8 (byte 56)"),
    (b'{"context":{"action":"on_select"},"message":{"price":NaN}}',
     "body is not valid JSON: NaN is not valid JSON"),
    (b'{"context":{"action":"on_select"},"message":{"price":-Infinity}}',
     "body is not valid JSON: -Infinity is not valid JSON"),
    (DEEP, "JSON nested deeper than 200 levels"),
    (b'[{"context":{"action":"on_select"}}]',
     "body is JSON but not an object with a context object"),
    (b'"on_select"', "body is JSON but not an object with a context object"),
    (b'{"context":"on_select","message":{}}',
     "body is JSON but not an object with a context object"),
    (b'{"context":{"action":"on_select"},"message":{', "body is not valid JSON: Expecting"),
], ids=["utf8", "nan", "infinity", "deep", "array", "string", "context-string", "truncated"])
def test_unparseable_body_is_nacked_and_server_keeps_answering(
        harness: Harness, body: bytes, problem: str) -> None:
    response = harness.post("/on_select", body, signed_headers(body))
    assert response.status_code == 400
    answer = response.json()
    assert answer["message"] == {"ack": {"status": "NACK"}}
    assert answer["error"]["code"] == "20006"
    assert answer["error"]["type"] == "JSON-SCHEMA-ERROR"
    assert answer["error"]["message"].startswith(problem)
    inbound = harness.last_inbound()
    assert rules(inbound.findings) == ["WIRE-BODY-001"]
    assert inbound.findings[0].message.startswith(f"/on_select: {problem}")
    assert inbound.findings[0].action == "on_select"
    assert inbound.message.raw == body  # the evidence is the exact bytes
    assert inbound.answer_status == 400
    assert_still_answering(harness)


# -- routing and classification -------------------------------------------------------------


def test_callback_on_the_wrong_path(harness: Harness, txn: tuple[str, FlowInbox]) -> None:
    transaction_id, inbox = txn
    harness.mailbox.note_sent(inbox, "m-1", "select")
    response = harness.callback(callback_payload("on_select", transaction_id, "m-1"),
                                path="/on_init")
    assert response.status_code == 200
    got = harness.mailbox.wait(inbox, "on_select", deadline=in_s(5), message_id="m-1")
    assert got is not None and got.path == "/on_init"
    assert rules(got.findings) == ["WIRE-PATH-001"]
    finding = got.findings[0]
    assert finding.action == "on_select"
    assert finding.path == "$.context.action"
    assert finding.message == "on_select was POSTed to /on_init"
    assert finding.actual == "/on_init"


def test_callback_on_a_prefixed_path_is_not_wrong(harness: Harness,
                                                  txn: tuple[str, FlowInbox]) -> None:
    transaction_id, inbox = txn
    harness.mailbox.note_sent(inbox, "m-1", "select")
    harness.callback(callback_payload("on_select", transaction_id, "m-1"),
                     path="/ondc/bap/on_select")
    got = harness.mailbox.wait(inbox, "on_select", deadline=in_s(5), message_id="m-1")
    assert got is not None and got.findings == []


def test_unknown_transaction_is_nacked_and_kept_as_orphan(harness: Harness) -> None:
    stranger = str(uuid.uuid4())
    for message_id in ("m-1", "m-2"):  # the second must not find an inbox the first created
        response = harness.callback(callback_payload("on_select", stranger, message_id))
        assert response.status_code == 200
        assert response.json() == {"message": {"ack": {"status": "NACK"}},
                                   "error": {"type": "CONTEXT-ERROR", "code": "20006",
                                             "message": "unknown transaction_id"}}
        inbound = harness.last_inbound()
        assert inbound.answer_code == "20006"
        assert inbound.findings == []
    assert [(o.message.transaction_id, o.message.message_id) for o in harness.mailbox.orphans] \
        == [(stranger, "m-1"), (stranger, "m-2")]


def test_duplicate_callback_is_a_stray_finding(harness: Harness,
                                              txn: tuple[str, FlowInbox]) -> None:
    transaction_id, inbox = txn
    harness.mailbox.note_sent(inbox, "m-1", "select")
    payload = callback_payload("on_select", transaction_id, "m-1")
    first_answer = harness.callback(payload)
    second_answer = harness.callback(payload)
    assert first_answer.json() == second_answer.json() == {"message": {"ack": {"status": "ACK"}}}
    got = harness.mailbox.wait(inbox, "on_select", deadline=in_s(5), message_id="m-1")
    assert got is not None and got.seq == harness.last_inbound().seq
    strays = harness.mailbox.drain_stray(inbox)
    assert rules(strays) == ["WIRE-CALLBACK-003"]
    assert strays[0].path == "$.context.message_id"
    assert strays[0].message == ("on_select with message_id m-1 received again, the same body "
                                 "byte for byte as message #1 (a replay)")
    assert harness.mailbox.drain_stray(inbox) == []  # drained once
    # the duplicate is never handed to a step
    assert harness.mailbox.wait(inbox, "on_select", deadline=in_s(0.2), message_id="m-1") is None


def test_callback_after_the_wait_timed_out_is_late(harness: Harness,
                                                   txn: tuple[str, FlowInbox]) -> None:
    transaction_id, inbox = txn
    harness.mailbox.note_sent(inbox, "m-1", "select")
    assert harness.mailbox.wait(inbox, "on_select", deadline=in_s(0.2), message_id="m-1") is None
    response = harness.callback(callback_payload("on_select", transaction_id, "m-1"))
    assert response.status_code == 200
    assert response.json() == {"message": {"ack": {"status": "NACK"}},
                               "error": {"type": "CONTEXT-ERROR", "code": "20009",
                                         "message": "callback received after the request's ttl"}}
    assert harness.last_inbound().answer_code == "20009"
    strays = harness.mailbox.drain_stray(inbox)
    assert rules(strays) == ["WIRE-CALLBACK-002"]
    assert strays[0].path == "$.context.timestamp"
    assert strays[0].message.startswith("on_select (message_id m-1) arrived after the harness "
                                        "stopped waiting")
    assert "NACK 20009" in strays[0].message


# -- matching -------------------------------------------------------------------------------


def test_unsolicited_pushes_are_matched_by_predicate(harness: Harness,
                                                    txn: tuple[str, FlowInbox]) -> None:
    transaction_id, inbox = txn
    for message_id, state in (("push-1", "Packed"), ("push-2", "Order-picked-up")):
        response = harness.callback(on_status(transaction_id, message_id, state))
        assert response.json() == {"message": {"ack": {"status": "ACK"}}}
    mailbox = harness.mailbox
    picked = mailbox.wait(inbox, "on_status", deadline=in_s(5), match=state_is("Order-picked-up"))
    assert picked is not None and picked.message.message_id == "push-2"  # skipped push-1
    packed = mailbox.wait(inbox, "on_status", deadline=in_s(5), match=state_is("Packed"))
    assert packed is not None and packed.message.message_id == "push-1"
    again = mailbox.wait(inbox, "on_status", deadline=in_s(0.2), match=state_is("Packed"))
    assert again is None  # consumed
    assert mailbox.drain_stray(inbox) == []


def test_unsolicited_wait_takes_a_push_that_arrives_later(harness: Harness,
                                                         txn: tuple[str, FlowInbox]) -> None:
    transaction_id, inbox = txn
    results: queue.Queue[Inbound | None] = queue.Queue()
    waiter = threading.Thread(target=lambda: results.put(harness.mailbox.wait(
        inbox, "on_status", deadline=in_s(10), match=state_is("Order-delivered"))))
    waiter.start()
    harness.callback(on_status(transaction_id, "push-1", "Packed"))
    with pytest.raises(queue.Empty):
        results.get(timeout=0.3)  # Packed does not match
    harness.callback(on_status(transaction_id, "push-2", "Order-delivered"))
    got = results.get(timeout=5)
    waiter.join(timeout=5)
    assert got is not None and got.message.message_id == "push-2"


def test_solicited_on_status_waits_for_its_message_id(harness: Harness,
                                                     txn: tuple[str, FlowInbox]) -> None:
    transaction_id, inbox = txn
    harness.mailbox.note_sent(inbox, "status-1", "status")
    harness.callback(on_status(transaction_id, "push-1", "Packed"))  # unsolicited, first
    results: queue.Queue[Inbound | None] = queue.Queue()
    waiter = threading.Thread(target=lambda: results.put(harness.mailbox.wait(
        inbox, "on_status", deadline=in_s(10), message_id="status-1")))
    waiter.start()
    with pytest.raises(queue.Empty):
        results.get(timeout=0.3)  # the push is not the answer to status-1
    harness.callback(on_status(transaction_id, "status-1", "Packed"))
    got = results.get(timeout=5)
    waiter.join(timeout=5)
    assert got is not None and got.message.message_id == "status-1"
    push = harness.mailbox.wait(inbox, "on_status", deadline=in_s(5))
    assert push is not None and push.message.message_id == "push-1"  # still there for its step


def test_unsolicited_wait_ignores_answers_to_the_harness_requests(
        harness: Harness, txn: tuple[str, FlowInbox]) -> None:
    transaction_id, inbox = txn
    harness.mailbox.note_sent(inbox, "status-1", "status")
    harness.callback(on_status(transaction_id, "status-1", "Packed"))
    assert harness.mailbox.wait(inbox, "on_status", deadline=in_s(0.2),
                                match=state_is("Packed")) is None


def test_solicited_callback_with_unknown_message_id_is_returned_at_once(
        harness: Harness, txn: tuple[str, FlowInbox]) -> None:
    transaction_id, inbox = txn
    harness.mailbox.note_sent(inbox, "select-1", "select")
    results: queue.Queue[Inbound | None] = queue.Queue()
    started = time.monotonic()
    waiter = threading.Thread(target=lambda: results.put(harness.mailbox.wait(
        inbox, "on_select", deadline=in_s(10), message_id="select-1")))
    waiter.start()
    harness.callback(callback_payload("on_select", transaction_id, "made-up-id"))
    got = results.get(timeout=5)
    waiter.join(timeout=5)
    assert got is not None and got.message.message_id == "made-up-id"
    assert time.monotonic() - started < 3  # not after the 10 s deadline


def test_unparseable_callback_goes_to_the_only_flow_waiting_for_its_action(
        harness: Harness, txn: tuple[str, FlowInbox]) -> None:
    """No transaction_id to route by: the single flow waiting on that action gets the evidence."""
    transaction_id, inbox = txn
    harness.mailbox.open(str(uuid.uuid4()))  # another flow, not waiting
    harness.callback(on_status(transaction_id, "push-1", "Packed"))
    registered = threading.Event()

    def unreadable(message: Message) -> bool:
        registered.set()  # called under the mailbox lock, after the wait has registered
        return message.payload is None

    results: queue.Queue[Inbound | None] = queue.Queue()
    waiter = threading.Thread(target=lambda: results.put(harness.mailbox.wait(
        inbox, "on_status", deadline=in_s(10), match=unreadable)))
    waiter.start()
    assert registered.wait(5)
    response = harness.post("/on_status", b"\xff\xfe", {"Content-Type": "application/json"})
    assert response.status_code == 400
    got = results.get(timeout=5)
    waiter.join(timeout=5)
    assert got is not None and not got.usable
    assert got.message.raw == b"\xff\xfe"
    assert rules(got.findings) == ["WIRE-BODY-001"]
    assert got not in harness.mailbox.orphans


# -- evidence and registry -------------------------------------------------------------------


def test_transcript_line_per_inbound_message_flushed(harness: Harness,
                                                    txn: tuple[str, FlowInbox]) -> None:
    transaction_id, inbox = txn
    harness.mailbox.note_sent(inbox, "m-1", "select")
    payload = callback_payload("on_select", transaction_id, "m-1")
    harness.callback(payload)
    lines = harness.transcript_path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    event = json.loads(lines[0])
    assert event["kind"] == "inbound" and event["direction"] == "in"
    assert event["path"] == "/on_select"
    assert event["action"] == "on_select"
    assert event["transaction_id"] == transaction_id
    assert event["message_id"] == "m-1"
    assert event["delivery"] == "accepted"
    assert event["body"] == encode_payload(payload).decode()
    assert event["answer"] == {"status": 200, "body": {"message": {"ack": {"status": "ACK"}}}}
    assert event["headers"]["authorization"].startswith("Signature ")
    assert event["findings"] == []

    bad = b'{"context":{"action":"on_select"},"x":"\xff"}'
    harness.post("/on_select", bad, {"Content-Type": "application/json"})
    lines = harness.transcript_path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    event = json.loads(lines[1])
    assert "body" not in event
    assert event["body_base64"] == "eyJjb250ZXh0Ijp7ImFjdGlvbiI6Im9uX3NlbGVjdCJ9LCJ4Ijoi/yJ9"
    assert event["answer"]["status"] == 400
    assert [f["rule"] for f in event["findings"]] == ["WIRE-BODY-001"]
    assert event["delivery"] == "accepted"  # the flow that last sent select is its owner


def test_lookup_answers_registry_entries(harness: Harness) -> None:
    found = harness.http.post(f"{harness.base_url}/lookup",
                              json={"subscriber_id": SELLER_ID}).json()
    assert len(found) == 1
    entry = found[0]
    assert entry["subscriber_id"] == SELLER_ID
    assert entry["unique_key_id"] == entry["ukId"] == SELLER_UKID
    assert entry["signing_public_key"] == SELLER.signing_public_key
    assert entry["type"] == "BPP"
    assert entry["network_participant"][0]["subscriber_url"] == "http://127.0.0.1/seller"

    by_type = harness.http.post(f"{harness.base_url}/v2.0/lookup", json={"type": "bap"}).json()
    assert [e["subscriber_id"] for e in by_type] == [HARNESS_ID]
    by_key = harness.http.post(f"{harness.base_url}/v2.0/lookup",
                               json={"subscriber_id": SELLER_ID, "ukId": "nope"}).json()
    assert by_key == []
    everyone = harness.http.post(f"{harness.base_url}/lookup", json={}).json()
    assert sorted(e["subscriber_id"] for e in everyone) == [HARNESS_ID, SELLER_ID]
    for junk in (b"{not json", b"\xff", b"[" * 10_000 + b"]" * 10_000):
        broken = harness.http.post(f"{harness.base_url}/lookup", content=junk)
        assert broken.status_code == 400, junk[:20]
        assert broken.json() == {"error": "lookup body must be JSON"}


def test_registry_resolves_keys_from_a_remote_lookup(harness: Harness) -> None:
    remote = Registry(remote_url=harness.base_url + "/")
    assert remote.public_key(SELLER_ID, SELLER_UKID) == SELLER.signing_public_key
    assert remote.public_key(SELLER_ID, "other-key") is None
    assert remote.lookup({"subscriber_id": SELLER_ID})[0].signing_public_key \
        == SELLER.signing_public_key  # cached locally after the first resolution
