"""The harness's inbound server: every callback (or request, when a buyer app is under test)
arrives here on a real port.

For each POST it reads at most ``max_body`` bytes (refusing larger bodies with 413 before
parsing), parses strictly (UTF-8, no NaN literals, bounded nesting), verifies the signature,
answers ACK or NACK with the ONDC error code, records the exchange in the transcript, and hands
the message to the :class:`~ondc_harness.wire.mailbox.Mailbox`.  Problems become findings on the
message; nothing is dropped.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ondc_harness.checks import runner_rules as rr
from ondc_harness.checks.catalog import get_rule
from ondc_harness.checks.findings import Finding
from ondc_harness.message import Message
from ondc_harness.report.transcript import Transcript
from ondc_harness.wire.client import is_json_media_type
from ondc_harness.wire.mailbox import Delivery, FlowInbox, Inbound, Mailbox
from ondc_harness.wire.registry import Registry
from ondc_harness.wire.signing import SignatureError, verify_authorization

MAX_DEPTH = 200
"""JSON nesting we parse; ONDC payloads are < 20 deep, deeper is hostile."""


@dataclass
class ServerSettings:
    """Limits and identity of the inbound side."""

    max_body: int = 20 * 1024 * 1024
    clock_skew_s: float = 5.0
    nack_code_signature: str = "20001"  # buyer side by default (PROTOCOL.md, Signing)
    verify_signatures: bool = True
    before_ack_hold_s: float = 1.0
    """How long a callback whose request has no synchronous answer yet is held: a participant
    that waits for our answer before it ACKs cannot ACK meanwhile, which proves the order."""


def _finding(rule_id: str, action: str, path: str, message: str, actual: Any = None) -> Finding:
    return Finding(rule_id=rule_id, severity=get_rule(rule_id).severity, action=action or "?",
                   path=path, message=message, actual=actual)


def ack() -> dict[str, Any]:
    return {"message": {"ack": {"status": "ACK"}}}


def nack(code: str, message: str, error_type: str = "CONTEXT-ERROR") -> dict[str, Any]:
    return {"message": {"ack": {"status": "NACK"}},
            "error": {"type": error_type, "code": code, "message": message}}


_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
"""A JSON string (skipped whole) or a bracket: the only bytes nesting depends on."""


def _depth_ok(raw: bytes) -> bool:
    """Cheap pre-scan so a 10,000-deep document is refused before the recursive parser sees it.

    Counting brackets settles most messages at C speed; otherwise only strings and brackets
    are visited (a regex skips each string whole), not every byte in Python — the scan runs
    on the server's event loop, so its cost per byte of a 20 MB body matters.
    """
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return True
    depth = 0
    for token in _TOKENS.finditer(raw):
        char = token.group()
        if char in (b"{", b"["):
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif char in (b"}", b"]"):
            depth -= 1
    return True


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_body(raw: bytes) -> tuple[Any, str | None]:
    """``(payload, problem)``: the parsed JSON, or ``None`` and why it could not be parsed."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"body is not valid UTF-8 (byte {exc.start})"
    if not _depth_ok(raw):
        return None, f"JSON nested deeper than {MAX_DEPTH} levels"
    try:
        payload = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        return None, f"body is not valid JSON: {exc}"
    if not isinstance(payload, dict) or not isinstance(payload.get("context"), dict):
        return payload, "body is JSON but not an object with a context object"
    return payload, None


class InboundServer:
    """Starlette app + mailbox.  Run it with :class:`~ondc_harness.wire.serving.ServerThread`."""

    def __init__(
        self,
        mailbox: Mailbox,
        registry: Registry,
        transcript: Transcript | None = None,
        settings: ServerSettings | None = None,
        on_inbound: Callable[[Inbound], None] | None = None,
    ) -> None:
        self.mailbox = mailbox
        self.registry = registry
        self.transcript = transcript
        self.settings = settings or ServerSettings()
        self.on_inbound = on_inbound
        self.app = Starlette(routes=[
            Route("/lookup", self._lookup, methods=["POST"]),
            Route("/v2.0/lookup", self._lookup, methods=["POST"]),
            Route("/{path:path}", self._receive, methods=["POST"]),
        ])

    async def _lookup(self, request: Request) -> JSONResponse:
        try:
            query = json.loads(await request.body())
        except (ValueError, RecursionError):
            return JSONResponse({"error": "lookup body must be JSON"}, status_code=400)
        entries = self.registry.lookup(query if isinstance(query, dict) else {})
        return JSONResponse([e.to_lookup() for e in entries])

    async def _read_limited(self, request: Request) -> bytes | None:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.settings.max_body:
            return None
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.settings.max_body:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    async def _receive(self, request: Request) -> JSONResponse:
        path = "/" + request.path_params.get("path", "")
        path_action = path.rstrip("/").rsplit("/", 1)[-1]
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            raw = await self._read_limited(request)
        except ClientDisconnect:  # the sender hung up mid-body: keep the evidence, answer no one
            self._gone(path, path_action, headers)
            return JSONResponse(nack("20006", "incomplete body"), status_code=400)
        seq = self.mailbox.next_seq()
        if raw is None:
            inbound = Inbound(Message(None, "in", b"", headers), path, seq, [
                _finding(rr.BODY_TOO_LARGE, path_action, "$",
                         f"body to {path} exceeds --max-body ({self.settings.max_body} bytes)")])
            return self._answer(inbound, 413, nack("20006", "payload too large"), path_action)
        payload, problem = parse_body(raw)
        message = Message(payload, "in", raw, headers)
        inbound = Inbound(message, path, seq)
        if problem is not None:
            inbound.findings.append(_finding(rr.BODY_NOT_JSON, path_action, "$",
                                             f"{path}: {problem}"))
            return self._answer(inbound, 400, nack("20006", problem, "JSON-SCHEMA-ERROR"),
                                path_action)
        if message.action and message.action != path_action:
            inbound.findings.append(_finding(
                rr.CALLBACK_WRONG_PATH, message.action, "$.context.action",
                f"{message.action} was POSTed to {path}", actual=path))
        content_type = headers.get("content-type")
        if not is_json_media_type(content_type):
            inbound.findings.append(_finding(
                rr.WIRE_CONTENT_TYPE, message.action or path_action, "$ (Content-Type header)",
                f"{message.action or path} was sent with Content-Type {content_type!r}, "
                "not application/json", actual=content_type))
        await self._hold_until_acked(inbound)
        status, body = 200, ack()
        signature_problem = self._verify(message, raw, headers)
        if signature_problem is not None:
            inbound.findings.append(_finding(rr.SIGNATURE_INVALID, message.action,
                                             "$ (Authorization header)", signature_problem))
            status, body = 401, nack(self.settings.nack_code_signature,
                                     f"invalid signature: {signature_problem}")
        return self._answer(inbound, status, body, path_action)

    def _gone(self, path: str, path_action: str, headers: dict[str, str]) -> None:
        """Record a POST whose sender disconnected before its body was complete."""
        inbound = Inbound(Message(None, "in", b"", headers), path, self.mailbox.next_seq(), [
            _finding(rr.BODY_NOT_JSON, path_action, "$",
                     f"the sender of a POST to {path} hung up before its body was complete")])
        inbound.answer_status = 400
        verdict = self.mailbox.deliver(inbound)  # no transaction to route by: an orphan
        if self.transcript is not None:
            self.transcript.record_inbound(inbound, verdict.value, {"disconnected": True})
        if self.on_inbound is not None:
            self.on_inbound(inbound)

    async def _hold_until_acked(self, inbound: Inbound) -> None:
        """Hold a callback that beat its request's ACK until the ACK arrives (or the hold ends).

        A callback racing a correct ACK is answered once the ACK is in; a participant that
        waits for our answer before ACKing cannot ACK meanwhile, so the hold running out proves
        its callback came first (WIRE-CALLBACK-005) — no clock comparison, no jitter.
        """
        message = inbound.message
        if not message.is_callback:
            return
        pending = self.mailbox.answer_pending(message.transaction_id, message.message_id)
        if pending is None:
            return
        hold = self.settings.before_ack_hold_s
        if not await asyncio.to_thread(pending.wait, hold):
            inbound.findings.append(_finding(
                rr.CALLBACK_BEFORE_ACK, message.action, "$.context.message_id",
                f"{message.action} (message_id {message.message_id}) arrived before the "
                f"synchronous answer to its request, which did not come while the harness held "
                f"the callback unanswered for {hold:g}s: the participant called back first"))

    def _verify(self, message: Message, raw: bytes, headers: dict[str, str]) -> str | None:
        if not self.settings.verify_signatures:
            return None
        sender_key = "bpp_id" if message.is_callback else "bap_id"
        sender = message.context.get(sender_key)
        try:
            verify_authorization(
                headers.get("authorization"), raw, self.registry.public_key,
                clock_skew=self.settings.clock_skew_s,
                expected_subscriber=sender if isinstance(sender, str) else None,
                claimed_digest=headers.get("digest"),
            )
        except SignatureError as exc:
            return str(exc)
        return None

    def _answer(self, inbound: Inbound, status: int, body: dict[str, Any],
                path_action: str) -> JSONResponse:
        inbox: FlowInbox | None = None
        if not inbound.message.transaction_id:
            inbox = self.mailbox.flow_waiting_for(path_action)
        verdict = self.mailbox.deliver(inbound, inbox)
        if status == 200 and verdict is Delivery.LATE:
            status, body = 200, nack("20009", "callback received after the request's ttl")
        elif status == 200 and verdict is Delivery.UNKNOWN:
            body = nack("20006", "unknown transaction_id")
        inbound.answer_status = status
        error = body.get("error")
        inbound.answer_code = error.get("code") if isinstance(error, dict) else None
        self._after_delivery(inbound, verdict)
        if self.transcript is not None:
            self.transcript.record_inbound(inbound, verdict.value, body)
        if self.on_inbound is not None:
            self.on_inbound(inbound)
        return JSONResponse(body, status_code=status)

    def _after_delivery(self, inbound: Inbound, verdict: Delivery) -> None:
        message = inbound.message
        if verdict not in (Delivery.LATE, Delivery.DUPLICATE) or not message.transaction_id:
            return  # only these have an inbox already; open() would create one for strangers
        inbox = self.mailbox.open(message.transaction_id)
        if verdict is Delivery.LATE:
            self.mailbox.add_stray(inbox, _finding(
                rr.CALLBACK_LATE, message.action, "$.context.timestamp",
                f"{message.action} (message_id {message.message_id}) arrived after the harness "
                "stopped waiting (ttl + grace); answered NACK 20009"))
        elif verdict is Delivery.DUPLICATE:
            original = self.mailbox.replay_of(inbox, inbound)
            replay = (f", the same body byte for byte as message #{original.seq} (a replay)"
                      if original is not None else "")
            self.mailbox.add_stray(inbox, _finding(
                rr.CALLBACK_DUPLICATE, message.action, "$.context.message_id",
                f"{message.action} with message_id {message.message_id} received again"
                f"{replay}"))
