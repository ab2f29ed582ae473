"""Hostile participant behaviours the reference seller can put on, for the robustness self-tests.

The payload faults in :mod:`faults` change *what* the seller says.  The behaviours here change
*how* it says it: what real participants' proxies, frameworks and bugs do on the wire — an
answer that never comes, trickles in or is cut by a TCP reset; a redirect, a 404, an empty or
truncated body; callbacks to the wrong path, unsigned or with an expired signature, with the
wrong Content-Type, 10,000 levels deep, not UTF-8, bigger than ``--max-body``, sent twice,
replayed byte for byte, or flooded a thousand at a time.  Each one is a named fault (see
``faults.py``) so a self-test can prove the harness reports it and moves on.

Two hooks into :class:`~ondc_harness.reference.seller.ReferenceSeller`:

* :class:`HostileFront` is ASGI middleware *outside* the seller's Starlette app.  When an answer
  fault is active for the request's action it answers the synchronous call itself.  It has to
  sit outermost: a TCP reset needs uvicorn's transport, which Starlette's own ``send`` wrappers
  hide, and a hanging or trickling answer must not be buffered by anything in between.
* :func:`shape_callback` and :func:`after_callback` are called by the seller for each callback
  it POSTs: the first decides the URL, bytes and headers that go out, the second sends the
  duplicates, replays and floods that follow.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import socket
import struct
import time
import urllib.parse
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from ondc_harness.message import request_action_for
from ondc_harness.reference.clock import format_ts, timestamp_after
from ondc_harness.reference.faults import Fault, active

log = logging.getLogger(__name__)

Json = dict[str, Any]
Scope = MutableMapping[str, Any]
AsgiMessage = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[AsgiMessage]]
Send = Callable[[AsgiMessage], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ACK_BYTES = b'{"message":{"ack":{"status":"ACK"}}}'
NACK_NO_ERROR_BYTES = b'{"message":{"ack":{"status":"NACK"}}}'
ANSWER_FAULTS = ("hang", "trickle", "reset", "http_307", "http_404", "empty_answer",
                 "truncated_answer", "nack_no_error")
"""Faults :class:`HostileFront` carries out instead of the seller's own answer."""


@dataclass(frozen=True)
class HostileSettings:
    """Sizes and paces of the hostile behaviours.

    ``oversize_bytes`` should exceed the harness's ``--max-body`` (the session sets it so);
    ``trickle_interval_s`` × the ACK's length (~100 bytes) is how long a trickling answer takes,
    25 s by default so it outlasts the default 10 s ``--request-timeout``.
    """

    oversize_bytes: int = 20 * 1024 * 1024 + 1024
    trickle_interval_s: float = 0.25
    trickle_padding: int = 64
    deep_nesting: int = 10_000
    flood_count: int = 1000
    flood_concurrency: int = 50


class Sign(Protocol):
    """Headers (Content-Type, Authorization, Digest) for a body, as the seller signs."""

    def __call__(self, body: bytes, /, *, created: int | None = None,
                 expires: int | None = None) -> dict[str, str]: ...


@dataclass(frozen=True)
class Outgoing:
    """One callback as it goes on the wire."""

    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Sent:
    """What became of one extra POST (duplicate, replay, flood): for the seller's log."""

    message_id: str
    status_code: int | None
    error: str | None = None


# -- the synchronous answer ---------------------------------------------------------------------
class HostileFront:
    """ASGI middleware answering the synchronous call itself when an answer fault is active.

    ``faults`` and ``settings`` are read per request, so a test may change the seller's faults
    between flows.
    """

    def __init__(self, app: AsgiApp, faults: Callable[[], Iterable[Fault]],
                 settings: Callable[[], HostileSettings]) -> None:
        self.app = app
        self._faults = faults
        self._settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        action = str(scope.get("path", "")).rstrip("/").rsplit("/", 1)[-1]
        faults = list(self._faults())
        chosen = next((name for name in ANSWER_FAULTS if active(faults, name, action)), None)
        if chosen is None:
            await self.app(scope, receive, send)
            return
        await _read_request(receive)
        settings = self._settings()
        if chosen == "hang":
            await _until_disconnect(receive)
        elif chosen == "trickle":
            await _trickle(receive, send, settings)
        elif chosen == "reset":
            await _reset(receive, send)
        elif chosen == "http_307":
            await _respond(send, 307, b"", "text/plain",
                           [(b"location", b"/moved" + str(scope.get("path", "/")).encode())])
        elif chosen == "http_404":
            await _respond(send, 404, b"Not Found", "text/plain")
        elif chosen == "empty_answer":
            await _respond(send, 200, b"", "application/json")
        elif chosen == "truncated_answer":
            await _respond(send, 200, ACK_BYTES[:20], "application/json")
        else:  # nack_no_error
            await _respond(send, 200, NACK_NO_ERROR_BYTES, "application/json")


async def _read_request(receive: Receive) -> None:
    """Consume the request body, as a real server would before answering."""
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


async def _until_disconnect(receive: Receive) -> None:
    """Return once the client has hung up (a server shutting down counts too)."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def _respond(send: Send, status: int, body: bytes, content_type: str,
                   extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [(b"content-type", content_type.encode()),
               (b"content-length", str(len(body)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _trickle(receive: Receive, send: Send, settings: HostileSettings) -> None:
    """A correct ACK, one byte per ``trickle_interval_s``, until done or the client hangs up."""
    body = ACK_BYTES + b" " * settings.trickle_padding
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    gone = asyncio.ensure_future(_until_disconnect(receive))
    try:
        for byte in body:
            if gone.done():
                return
            await send({"type": "http.response.body", "body": bytes([byte]), "more_body": True})
            # The drip itself; it ends early when the client hangs up.
            await asyncio.wait({gone}, timeout=settings.trickle_interval_s)  # sleep-ok
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        gone.cancel()


async def _reset(receive: Receive, send: Send) -> None:
    """Status line, headers and half the ACK, then a TCP reset (RST, not a clean close).

    uvicorn's ``send`` is a bound method of its request cycle, which holds the transport; with
    SO_LINGER set to zero, aborting the transport makes the kernel send RST.  Under another
    server the fallback raises, which closes the connection mid-body (still a broken answer).
    """
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(ACK_BYTES)).encode())]})
    await send({"type": "http.response.body", "body": ACK_BYTES[: len(ACK_BYTES) // 2],
                "more_body": True})
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if not isinstance(transport, asyncio.Transport):
        raise ConnectionResetError("reset fault: no transport to reset; closing instead")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    await _until_disconnect(receive)  # lets uvicorn see the connection is gone, quietly


# -- callbacks ------------------------------------------------------------------------------
def shape_callback(faults: Iterable[Fault], action: str, url: str, body: bytes, sign: Sign,
                   settings: HostileSettings) -> Outgoing:
    """The URL, bytes and headers of a callback once the active transport faults have acted.

    Body faults act before signing, so the signature is valid and the body is the only problem.
    """
    faults = list(faults)
    if active(faults, "oversized_callback", action):
        filler = max(settings.oversize_bytes - len(body) - 16, 0)
        body = _with_member(body, b'"padding":"' + b"x" * filler + b'"')
    if active(faults, "deep_json", action):
        depth = settings.deep_nesting
        body = _with_member(body, b'"deep":' + b"[" * depth + b"]" * depth)
    if active(faults, "invalid_utf8", action):
        body = _with_member(body, b'"note":"caf\xe9"')  # Latin-1 é: not UTF-8
    times: dict[str, int] = {}
    if active(faults, "expired_signature", action):
        now = int(time.time())
        times = {"created": now - 7200, "expires": now - 3600}
    headers = sign(body, **times)
    if active(faults, "unsigned", action):
        headers.pop("Authorization", None)
    if active(faults, "malformed_signature", action):
        headers["Authorization"] = 'Signature keyId="no-pipes-here",signature=%%%'
    if active(faults, "wrong_content_type", action):
        headers["Content-Type"] = "text/plain; charset=utf-8"
    if active(faults, "wrong_path", action):  # the request's path: /select for on_select
        url = f"{url.rsplit('/', 1)[0]}/{request_action_for(action)}"
    return Outgoing(url, body, headers)


def _with_member(body: bytes, member: bytes) -> bytes:
    """``body`` (a JSON object) with ``member`` inserted as its first member."""
    return b"{" + member + b"," + body[1:] if body.startswith(b"{") else body


async def after_callback(client: httpx.AsyncClient, faults: Iterable[Fault], action: str,
                         sent: Outgoing, payload: Json, sign: Sign,
                         settings: HostileSettings) -> list[Sent]:
    """The extra POSTs that follow a callback: a replay, a duplicate, a flood."""
    faults = list(faults)
    message_id = str(payload.get("context", {}).get("message_id"))
    extra: list[Sent] = []
    if active(faults, "replay", action):  # the same bytes and the same signature, again
        extra.append(await _post(client, sent.url, sent.body, sent.headers, message_id))
    if active(faults, "duplicate_callback", action):  # a retry: same message_id, new timestamp
        retry = copy.deepcopy(payload)
        retry["context"]["timestamp"] = format_ts(timestamp_after(
            str(payload["context"].get("timestamp", ""))))
        body = _encode(retry)
        extra.append(await _post(client, sent.url, body, sign(body), message_id))
    if active(faults, "flood", action):
        extra.extend(await _flood(client, sent.url, payload, sign, settings))
    return extra


async def _flood(client: httpx.AsyncClient, url: str, payload: Json, sign: Sign,
                 settings: HostileSettings) -> list[Sent]:
    """``flood_count`` copies of the callback, each with its own message_id, all at once.

    Every copy is built and signed first, then blasted over ``flood_concurrency`` raw
    keep-alive connections: an HTTP client library's pool bookkeeping would otherwise be the
    bottleneck, and the point is to load the harness, not ourselves.
    """
    batch: list[tuple[str, bytes, dict[str, str]]] = []
    for _ in range(settings.flood_count):
        message_id = str(uuid.uuid4())
        body = _encode({**payload, "context": {**payload["context"], "message_id": message_id}})
        batch.append((message_id, body, sign(body)))
    return await _raw_posts(url, batch, settings.flood_concurrency)


async def _raw_posts(url: str, batch: list[tuple[str, bytes, dict[str, str]]],
                     connections: int) -> list[Sent]:
    """POST each ``(message_id, body, headers)`` of ``batch`` over plain HTTP/1.1 keep-alive
    connections; one :class:`Sent` per request, in order."""
    target = urllib.parse.urlsplit(url)
    host, port, path = target.hostname or "127.0.0.1", target.port or 80, target.path or "/"
    todo = deque(enumerate(batch))
    results: dict[int, Sent] = {}

    async def worker() -> None:
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        while todo:
            index, (message_id, body, headers) = todo.popleft()
            try:
                if reader is None or writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
                writer.write(f"POST {path} HTTP/1.1\r\nHost: {target.netloc}\r\n"
                             f"Content-Length: {len(body)}\r\n{head}\r\n".encode("latin-1")
                             + body)
                await writer.drain()
                results[index] = Sent(message_id, await _read_answer(reader))
            except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
                results[index] = Sent(message_id, None, f"{type(exc).__name__}: {exc}")
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(max(connections, 1))))
    return [results[index] for index in range(len(batch))]


async def _read_answer(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 answer with a Content-Length body; its status code."""
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def _post(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str],
                message_id: str) -> Sent:
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        log.warning("reference seller: hostile POST %s failed: %s", url, exc)
        return Sent(message_id, None, f"{type(exc).__name__}: {exc}")
    return Sent(message_id, response.status_code)


def _encode(payload: Json) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
