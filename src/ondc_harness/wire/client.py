"""Signed outbound POSTs and the synchronous ACK/NACK answer.

Whatever the participant answers — a refused connection, a reset, a trickle, HTML, a 500, a
NACK — :func:`post_signed` returns a :class:`SyncAnswer` carrying findings that quote the body,
never an exception.  The body is serialised once and the signature is computed over exactly the
bytes that go on the wire.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ondc_harness.checks import runner_rules as rr
from ondc_harness.checks.findings import Finding, Severity
from ondc_harness.wire.signing import KeyPair, blake2b_digest, sign_body

QUOTE_LIMIT = 2000
"""How much of an unexpected body a finding quotes."""


@dataclass(frozen=True)
class Signer:
    """Who the harness signs as: subscriber id, unique key id and key pair."""

    subscriber_id: str
    unique_key_id: str
    keys: KeyPair

    def headers_for(self, body: bytes) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "Authorization": sign_body(
                body, self.keys.signing_private_key, self.subscriber_id, self.unique_key_id
            ),
            "Digest": f"BLAKE-512={blake2b_digest(body)}",
        }


@dataclass
class SyncAnswer:
    """What came back synchronously from a POST, and what is wrong with it."""

    url: str
    status_code: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    elapsed_s: float = 0.0
    json: Any = None
    ack_status: str | None = None
    error: dict[str, Any] | None = None
    transport_error: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def acked(self) -> bool:
        return self.ack_status == "ACK"

    def body_text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def encode_payload(payload: Any) -> bytes:
    """The exact bytes the harness sends: compact JSON, UTF-8, non-ASCII kept as is."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def is_json_media_type(value: str | None) -> bool:
    """``application/json`` or a ``+json`` type, any case, any parameters (charset...)."""
    media = (value or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def quote(body: bytes) -> str:
    text = body[:QUOTE_LIMIT].decode("utf-8", errors="replace")
    return text + ("…" if len(body) > QUOTE_LIMIT else "")


def _finding(rule_id: str, action: str, path: str, message: str, actual: Any = None) -> Finding:
    from ondc_harness.checks.catalog import get_rule

    return Finding(rule_id=rule_id, severity=get_rule(rule_id).severity, action=action,
                   path=path, message=message, actual=actual)


def post_signed(
    client: httpx.Client,
    url: str,
    body: bytes,
    signer: Signer,
    *,
    action: str,
    timeout_s: float,
    max_body: int,
    on_answer: Callable[[], None] | None = None,
) -> SyncAnswer:
    """POST ``body`` signed by ``signer``; read at most ``max_body`` bytes within ``timeout_s``.

    ``timeout_s`` bounds the whole exchange, including an answer (status line, headers or body)
    that trickles in byte by byte: httpx's own timeouts are per read, so the exchange runs in a
    worker thread and is abandoned at the deadline.  ``on_answer`` is called from that thread
    as soon as the answer's status line and headers are in (or the exchange ends without), so
    the inbound server can tell a callback that beat its ACK.
    """
    answer = SyncAnswer(url=url)
    started = time.monotonic()
    exchange = _Exchange(deadline=started + timeout_s)
    worker = threading.Thread(
        target=_run_exchange, name="ondc-post",
        args=(exchange, client, url, body, signer.headers_for(body), timeout_s, max_body,
              on_answer),
        daemon=True)
    worker.start()
    exchange.done.wait(timeout_s)
    with exchange.lock:
        if exchange.raised is not None:
            raise exchange.raised
        if not exchange.finished:  # still reading: abandon it, keep what arrived
            exchange.abandoned = True
            exchange.transport_error = (
                f"{_INCOMPLETE} {timeout_s:.1f}s" if exchange.status_code is not None
                else f"{_NO_ANSWER} {timeout_s:.1f}s (no complete response head)")
        answer.status_code = exchange.status_code
        answer.headers = dict(exchange.headers)
        answer.body = b"".join(exchange.chunks)
        answer.transport_error = exchange.transport_error
    answer.elapsed_s = time.monotonic() - started
    answer.findings = list(judge_answer(answer, action))
    return answer


@dataclass
class _Exchange:
    """What the worker thread has read so far; shared under ``lock``."""

    deadline: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: threading.Event = field(default_factory=threading.Event)
    abandoned: bool = False
    finished: bool = False
    status_code: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0
    transport_error: str | None = None
    raised: BaseException | None = None


def _run_exchange(exchange: _Exchange, client: httpx.Client, url: str, body: bytes,
                  headers: dict[str, str], timeout_s: float, max_body: int,
                  on_answer: Callable[[], None] | None) -> None:
    try:
        with client.stream("POST", url, content=body, headers=headers,
                           timeout=httpx.Timeout(timeout_s)) as response:
            if on_answer is not None:
                on_answer()
            with exchange.lock:
                if exchange.abandoned:
                    return
                exchange.status_code = response.status_code
                exchange.headers = dict(response.headers)
            for chunk in response.iter_bytes():  # decoded: httpx asks for gzip
                with exchange.lock:
                    if exchange.abandoned:
                        return
                    exchange.chunks.append(chunk)
                    exchange.size += len(chunk)
                    if exchange.size > max_body:
                        exchange.transport_error = f"{_TOO_LARGE} {max_body} bytes"
                        return
                    if time.monotonic() > exchange.deadline:
                        exchange.transport_error = f"{_INCOMPLETE} {timeout_s:.1f}s"
                        return
    except httpx.TimeoutException as exc:
        with exchange.lock:
            exchange.transport_error = f"{_NO_ANSWER} {timeout_s:.1f}s ({type(exc).__name__})"
    except httpx.HTTPError as exc:
        with exchange.lock:
            exchange.transport_error = f"{type(exc).__name__}: {exc}"
    except BaseException as exc:  # a harness defect: re-raised in the caller's thread
        with exchange.lock:
            exchange.raised = exc
    finally:
        if on_answer is not None:
            on_answer()
        with exchange.lock:
            exchange.finished = True
        exchange.done.set()


def judge_answer(answer: SyncAnswer, action: str) -> list[Finding]:
    """Findings about a synchronous answer; fills ``json``, ``ack_status`` and ``error``."""
    if answer.transport_error is not None:
        rule = _transport_rule(answer.transport_error)
        return [_finding(rule, action, "$", f"POST {answer.url}: {answer.transport_error}",
                         actual=quote(answer.body) if answer.body else None)]
    findings: list[Finding] = []
    if answer.status_code != 200:
        location = answer.headers.get("location")
        moved = f" (Location: {location}; redirects are not followed)" if location else ""
        findings.append(_finding(
            rr.WIRE_HTTP_STATUS, action, "$",
            f"POST {answer.url} answered HTTP {answer.status_code}{moved}; "
            f"body: {quote(answer.body)!r}", actual=answer.status_code))
    try:
        answer.json = json.loads(answer.body)
    except (ValueError, RecursionError):  # deep nesting makes the C decoder recurse
        content_type = answer.headers.get("content-type", "?")
        findings.append(_finding(
            rr.WIRE_ACK_SHAPE, action, "$",
            f"synchronous answer is not JSON (Content-Type {content_type}): "
            f"{quote(answer.body)!r}", actual=quote(answer.body)))
        return findings
    status = _ack_status(answer.json)
    if status not in ("ACK", "NACK"):
        findings.append(_finding(
            rr.WIRE_ACK_SHAPE, action, "$.message.ack.status",
            f"synchronous answer has no ACK/NACK status: {quote(answer.body)!r}", actual=status))
        return findings
    answer.ack_status = status
    media_type = answer.headers.get("content-type")
    if not is_json_media_type(media_type):
        findings.append(_finding(
            rr.WIRE_CONTENT_TYPE, action, "$ (Content-Type header)",
            f"synchronous answer is JSON but sent with Content-Type {media_type!r}",
            actual=media_type))
    error = answer.json.get("error") if isinstance(answer.json, dict) else None
    answer.error = error if isinstance(error, dict) else None
    if status == "NACK":
        findings.append(_finding(
            rr.WIRE_NACK, action, "$.message.ack.status",
            f"participant refused the request (NACK); error: {json.dumps(error)}",
            actual=error))
        if not (answer.error and answer.error.get("type") and answer.error.get("code")):
            findings.append(_finding(
                rr.WIRE_NACK_ERROR, action, "$.error",
                "NACK without an error object carrying type and code", actual=error))
    return findings


_TOO_LARGE = "answer larger than"
_INCOMPLETE = "answer not complete within"
_NO_ANSWER = "no answer within"


def _transport_rule(transport_error: str) -> str:
    """An oversized answer breaks the size limit; a slow one the timeout; else unreachable."""
    if transport_error.startswith(_TOO_LARGE):
        return rr.BODY_TOO_LARGE
    if transport_error.startswith((_INCOMPLETE, _NO_ANSWER)):
        return rr.WIRE_SYNC_TIMEOUT
    return rr.WIRE_UNREACHABLE


def _ack_status(document: Any) -> Any:
    if not isinstance(document, dict):
        return None
    message = document.get("message")
    ack = message.get("ack") if isinstance(message, dict) else None
    return ack.get("status") if isinstance(ack, dict) else None


def severity_of(findings: list[Finding]) -> Severity | None:
    return max((f.severity for f in findings), default=None)
