"""The signed outbound POST (``wire/client.py``) against real participant servers on loopback.

Every answer a participant can give — ACK, NACK, a 500, HTML, malformed JSON, silence, a trickle,
an oversized body, a refused connection — must come back as a :class:`SyncAnswer` with the
precise finding, never as an exception.  The test server verifies the harness's signature over
the exact bytes it received.
"""

from __future__ import annotations

import asyncio
import json
import queue
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route

from ondc_harness.checks.findings import Finding
from ondc_harness.wire.client import QUOTE_LIMIT, Signer, SyncAnswer, encode_payload, post_signed
from ondc_harness.wire.serving import ServerThread
from ondc_harness.wire.signing import (
    KeyPair,
    SignatureError,
    SignatureHeader,
    blake2b_digest,
    verify_authorization,
)

HARNESS = Signer("harness.test.ondc", "harness-key-1", KeyPair.generate())
STRANGER = KeyPair.generate()
ACK = {"message": {"ack": {"status": "ACK"}}}
NACK_ERROR = {"type": "DOMAIN-ERROR", "code": "40002", "message": "quantity unavailable: 7"}
PAYLOAD = {
    "context": {"action": "select", "domain": "ONDC:RET11", "bap_id": "harness.test.ondc",
                "transaction_id": "t-1", "message_id": "m-1"},
    # Non-ASCII on purpose: re-serialising with ensure_ascii before hashing breaks the digest.
    "message": {"order": {"items": [{"id": "I1", "descriptor": {"name": "मसाला डोसा ₹"}}]}},
}
BODY = encode_payload(PAYLOAD)
HTTP_500_TEXT = "Internal Server Error: database connection pool exhausted"
HTML_PAGE = "<html><body><h1>Welcome to nginx!</h1></body></html>"
TRICKLE_BODY = json.dumps(ACK).encode() + b" " * 60  # ~100 bytes, 5 s when sent 1 byte/50 ms


@dataclass
class Received:
    path: str
    body: bytes
    headers: dict[str, str]
    verified: SignatureHeader | None
    problem: str | None


def _verify(request: Request, body: bytes, public_key: str) -> tuple[SignatureHeader | None,
                                                                        str | None]:
    try:
        parsed = verify_authorization(
            request.headers.get("authorization"), body, public_key,
            expected_subscriber=HARNESS.subscriber_id,
            claimed_digest=request.headers.get("digest"))
    except SignatureError as exc:
        return None, str(exc)
    digest = request.headers.get("digest")
    if digest != f"BLAKE-512={blake2b_digest(body)}":
        return None, f"Digest header {digest!r} does not match the bytes received"
    return parsed, None


def build_app(seen: queue.Queue[Received]) -> Starlette:
    async def verifying(request: Request, public_key: str) -> Response:
        body = await request.body()
        parsed, problem = _verify(request, body, public_key)
        seen.put(Received(request.url.path, body, dict(request.headers), parsed, problem))
        if problem is not None:
            return JSONResponse({"message": {"ack": {"status": "NACK"}},
                                 "error": {"type": "POLICY-ERROR", "code": "30016",
                                           "message": problem}}, status_code=401)
        return JSONResponse(ACK)

    async def ack(request: Request) -> Response:
        return await verifying(request, HARNESS.keys.signing_public_key)

    async def wrong_key(request: Request) -> Response:
        return await verifying(request, STRANGER.signing_public_key)

    async def nack(request: Request) -> Response:
        await request.body()
        return JSONResponse({"message": {"ack": {"status": "NACK"}}, "error": NACK_ERROR})

    async def nack_bare(request: Request) -> Response:
        await request.body()
        return JSONResponse({"message": {"ack": {"status": "NACK"}}})

    async def nack_no_type(request: Request) -> Response:
        await request.body()
        return JSONResponse({"message": {"ack": {"status": "NACK"}}, "error": {"code": "30000"}})

    async def http_500(request: Request) -> Response:
        await request.body()
        return PlainTextResponse(HTTP_500_TEXT, status_code=500)

    async def html(request: Request) -> Response:
        await request.body()
        return HTMLResponse(HTML_PAGE)

    async def malformed(request: Request) -> Response:
        await request.body()
        return JSONResponse({"message": {"ack": {"status": "OK"}}})

    async def hang(request: Request) -> Response:
        await request.body()
        never = asyncio.Event()  # never set: this participant never answers

        async def client_gone() -> None:
            while (await request.receive())["type"] != "http.disconnect":
                pass

        waiters = {asyncio.ensure_future(never.wait()), asyncio.ensure_future(client_gone())}
        _, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:  # the client hung up; end the handler so shutdown is quick
            task.cancel()
        return Response(status_code=204)

    async def trickle(request: Request) -> Response:
        await request.body()

        async def one_byte_at_a_time() -> AsyncIterator[bytes]:
            for byte in TRICKLE_BODY:
                yield bytes([byte])
                await asyncio.sleep(0.05)  # sleep-ok

        return StreamingResponse(one_byte_at_a_time(), media_type="application/json")

    async def huge(request: Request) -> Response:
        await request.body()
        padding = "x" * 100_000
        return JSONResponse({"message": {"ack": {"status": "ACK"}}, "padding": padding})

    async def deep(request: Request) -> Response:
        await request.body()
        return Response(b"[" * 100_000 + b"]" * 100_000, media_type="application/json")

    async def gz_ack(request: Request) -> Response:
        await request.body()
        return JSONResponse({**ACK, "padding": "p" * 2000})

    gzipped = GZipMiddleware(Starlette(routes=[Route("/select", gz_ack, methods=["POST"])]),
                             minimum_size=10)
    return Starlette(routes=[
        Route("/ack/select", ack, methods=["POST"]),
        Route("/wrong-key/select", wrong_key, methods=["POST"]),
        Route("/nack/select", nack, methods=["POST"]),
        Route("/nack-bare/select", nack_bare, methods=["POST"]),
        Route("/nack-no-type/select", nack_no_type, methods=["POST"]),
        Route("/500/select", http_500, methods=["POST"]),
        Route("/html/select", html, methods=["POST"]),
        Route("/malformed/select", malformed, methods=["POST"]),
        Route("/hang/select", hang, methods=["POST"]),
        Route("/trickle/select", trickle, methods=["POST"]),
        Route("/huge/select", huge, methods=["POST"]),
        Route("/deep/select", deep, methods=["POST"]),
        Mount("/gzip", app=gzipped),
    ])


@pytest.fixture(scope="module")
def seen() -> queue.Queue[Received]:
    return queue.Queue()


@pytest.fixture(autouse=True)
def _fresh_queue(seen: queue.Queue[Received]) -> None:
    """Each test sees only the requests it made."""
    while not seen.empty():
        seen.get_nowait()


@pytest.fixture(scope="module")
def base_url(seen: queue.Queue[Received]) -> Iterator[str]:
    with ServerThread(build_app(seen), name="test-participant") as server:
        yield server.base_url


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client() as client:  # like the session's: default headers, gzip accepted
        yield client


def post(http: httpx.Client, url: str, *, timeout_s: float = 5.0,
         max_body: int = 1024 * 1024) -> SyncAnswer:
    return post_signed(http, url, BODY, HARNESS, action="select", timeout_s=timeout_s,
                       max_body=max_body)


def rules(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings]


def test_ack_gives_no_findings(http: httpx.Client, base_url: str) -> None:
    answer = post(http, f"{base_url}/ack/select")
    assert answer.findings == []
    assert answer.status_code == 200
    assert answer.acked and answer.ack_status == "ACK"
    assert answer.json == ACK
    assert answer.error is None and answer.transport_error is None


def test_request_is_signed_over_the_exact_bytes_sent(
        http: httpx.Client, base_url: str, seen: queue.Queue[Received]) -> None:
    answer = post(http, f"{base_url}/ack/select")
    assert answer.findings == [], answer.findings
    received = seen.get(timeout=5)
    assert received.path == "/ack/select"
    assert received.problem is None
    assert received.body == BODY  # the bytes encode_payload produced, unchanged on the wire
    assert "मसाला".encode() in received.body  # sent as UTF-8, not \u-escaped
    assert received.headers["content-type"] == "application/json"
    assert received.headers["digest"] == f"BLAKE-512={blake2b_digest(BODY)}"
    assert received.verified is not None
    assert received.verified.subscriber_id == "harness.test.ondc"
    assert received.verified.unique_key_id == "harness-key-1"
    assert received.verified.algorithm == "ed25519"
    assert received.verified.headers == "(created) (expires) digest"
    assert 0 < received.verified.expires - received.verified.created <= 3600
    assert abs(received.verified.created - time.time()) < 60


def test_signature_checked_with_another_key_is_refused(
        http: httpx.Client, base_url: str, seen: queue.Queue[Received]) -> None:
    """The test server's check is real: the same request fails against a different key."""
    answer = post(http, f"{base_url}/wrong-key/select")
    received = seen.get(timeout=5)
    assert received.problem is not None and received.problem.startswith("bad signature")
    assert rules(answer.findings) == ["WIRE-HTTP-001", "WIRE-ACK-002"]
    assert answer.error is not None and answer.error["code"] == "30016"


def test_nack_with_error_quotes_the_error(http: httpx.Client, base_url: str) -> None:
    answer = post(http, f"{base_url}/nack/select")
    assert rules(answer.findings) == ["WIRE-ACK-002"]
    finding = answer.findings[0]
    assert finding.action == "select"
    assert finding.path == "$.message.ack.status"
    assert json.dumps(NACK_ERROR) in finding.message
    assert "quantity unavailable: 7" in finding.message
    assert finding.actual == NACK_ERROR
    assert answer.ack_status == "NACK" and not answer.acked
    assert answer.error == NACK_ERROR


def test_nack_without_error_also_lacks_the_error_object(http: httpx.Client,
                                                        base_url: str) -> None:
    answer = post(http, f"{base_url}/nack-bare/select")
    assert rules(answer.findings) == ["WIRE-ACK-002", "WIRE-ACK-003"]
    assert answer.findings[1].path == "$.error"
    assert answer.findings[1].message == "NACK without an error object carrying type and code"
    assert answer.error is None


def test_nack_with_error_lacking_type(http: httpx.Client, base_url: str) -> None:
    answer = post(http, f"{base_url}/nack-no-type/select")
    assert rules(answer.findings) == ["WIRE-ACK-002", "WIRE-ACK-003"]
    assert answer.findings[1].actual == {"code": "30000"}


def test_http_500_text_body_is_quoted(http: httpx.Client, base_url: str) -> None:
    answer = post(http, f"{base_url}/500/select")
    assert rules(answer.findings) == ["WIRE-HTTP-001", "WIRE-ACK-001"]
    status = answer.findings[0]
    assert status.actual == 500
    assert "answered HTTP 500" in status.message
    assert HTTP_500_TEXT in status.message
    assert f"{base_url}/500/select" in status.message
    assert HTTP_500_TEXT in answer.findings[1].message
    assert answer.ack_status is None


def test_html_200_is_not_an_ack(http: httpx.Client, base_url: str) -> None:
    answer = post(http, f"{base_url}/html/select")
    assert rules(answer.findings) == ["WIRE-ACK-001"]
    finding = answer.findings[0]
    assert finding.path == "$"
    assert "not JSON" in finding.message
    assert "text/html" in finding.message
    assert "Welcome to nginx!" in finding.message
    assert finding.actual == HTML_PAGE


def test_malformed_ack_json(http: httpx.Client, base_url: str) -> None:
    answer = post(http, f"{base_url}/malformed/select")
    assert rules(answer.findings) == ["WIRE-ACK-001"]
    finding = answer.findings[0]
    assert finding.path == "$.message.ack.status"
    assert finding.actual == "OK"
    assert '{"message":{"ack":{"status":"OK"}}}' in finding.message
    assert answer.ack_status is None and not answer.acked


def test_connection_refused(http: httpx.Client) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/select"
    answer = post(http, url)
    assert rules(answer.findings) == ["WIRE-CONN-001"]
    finding = answer.findings[0]
    assert finding.message.startswith(f"POST {url}: ConnectError")
    assert answer.status_code is None
    assert answer.transport_error is not None


def test_server_that_never_answers_times_out(http: httpx.Client, base_url: str) -> None:
    started = time.monotonic()
    answer = post(http, f"{base_url}/hang/select", timeout_s=0.5)
    elapsed = time.monotonic() - started
    assert rules(answer.findings) == ["WIRE-CONN-002"]
    assert "no answer within 0.5s" in answer.findings[0].message
    assert 0.45 <= elapsed < 1.2, elapsed


def test_trickling_answer_is_bounded_by_timeout(http: httpx.Client, base_url: str) -> None:
    started = time.monotonic()
    answer = post(http, f"{base_url}/trickle/select", timeout_s=0.5)
    elapsed = time.monotonic() - started
    assert rules(answer.findings) == ["WIRE-CONN-002"]
    assert "answer not complete within 0.5s" in answer.findings[0].message
    assert answer.status_code == 200
    assert 0 < len(answer.body) < len(TRICKLE_BODY)
    assert TRICKLE_BODY.startswith(answer.body)
    assert answer.findings[0].actual == answer.body.decode()
    assert elapsed < 0.9, elapsed  # each byte is 50 ms apart: whole body would take ~5 s


@pytest.fixture
def header_trickler() -> Iterator[str]:
    """A raw TCP participant that sends its status line and headers one byte per 50 ms.

    (An ASGI app cannot do this: the server writes the head in one go.)  Pacing waits on an
    event that is set at teardown, so the thread ends promptly.
    """
    stop = threading.Event()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(10)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: " + b"a" * 100

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            for byte in head:
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
                if stop.wait(0.05):
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/select"
    stop.set()
    listener.close()
    thread.join(timeout=5)


def test_trickling_status_line_is_bounded_by_timeout(http: httpx.Client,
                                                     header_trickler: str) -> None:
    """httpx's timeouts are per read: the head alone would take ~7 s at one byte per 50 ms."""
    started = time.monotonic()
    answer = post(http, header_trickler, timeout_s=0.5)
    elapsed = time.monotonic() - started
    assert rules(answer.findings) == ["WIRE-CONN-002"]
    assert answer.findings[0].message.startswith(f"POST {header_trickler}: no answer within 0.5s")
    assert answer.status_code is None
    assert elapsed < 0.9, elapsed


def test_answer_larger_than_max_body(http: httpx.Client, base_url: str) -> None:
    answer = post(http, f"{base_url}/huge/select", max_body=4096)
    assert rules(answer.findings) == ["WIRE-BODY-002"]
    finding = answer.findings[0]
    assert "answer larger than 4096 bytes" in finding.message
    assert answer.status_code == 200
    assert len(answer.body) < 100_000  # reading stopped early
    assert finding.actual is not None and len(finding.actual) <= QUOTE_LIMIT + 1


def test_deeply_nested_answer_is_a_finding_not_a_crash(http: httpx.Client,
                                                       base_url: str) -> None:
    answer = post(http, f"{base_url}/deep/select")
    assert rules(answer.findings) == ["WIRE-ACK-001"]
    assert "not JSON" in answer.findings[0].message
    assert answer.ack_status is None


def test_gzip_encoded_ack_is_read_decoded(http: httpx.Client, base_url: str) -> None:
    """The client advertises gzip (httpx's default), so a participant may compress its ACK."""
    answer = post(http, f"{base_url}/gzip/select")
    assert answer.headers.get("content-encoding") == "gzip"
    assert answer.findings == [], [f.message for f in answer.findings]
    assert answer.acked
    assert json.loads(answer.body)["padding"] == "p" * 2000


def test_judge_answer_quotes_at_most_the_limit(http: httpx.Client, base_url: str) -> None:
    from ondc_harness.wire.client import judge_answer

    answer = SyncAnswer(url="http://x/select", status_code=502, body=b"E" * (QUOTE_LIMIT + 50),
                        headers={"content-type": "text/plain"})
    findings = judge_answer(answer, "select")
    assert rules(findings) == ["WIRE-HTTP-001", "WIRE-ACK-001"]
    quoted: Any = findings[1].actual
    assert quoted == "E" * QUOTE_LIMIT + "…"
