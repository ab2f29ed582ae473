"""The embedded reference seller app: a real Retail 1.2.5 BPP on its own port.

It is what ``pytest suites/retail`` runs against when no participant is configured, and what the
fault self-tests break on purpose.  For each POST (/search, /select, /init, /confirm, /status,
/track) it reads the exact body bytes, verifies the buyer app's signature (context.bap_id),
refuses what it cannot act on with a NACK and the ONDC error code, answers ACK, and only then,
in a background task, POSTs the signed callback to ``{context.bap_uri}/on_{action}``.  After
on_confirm it pushes the fulfilment updates (Packed → Order-picked-up → Out-for-delivery →
Order-delivered) as unsolicited on_status, one after another.

This module is about HTTP and state; the catalogue is :mod:`catalogue`, the payloads are
:mod:`retail_payloads`, the request checks :mod:`validation`, the faults :mod:`faults`.  The
order desk (:mod:`desk`) serves confirm and everything after it (cancel, update, rating,
support, the legacy look-ups, incremental search), and select/init beyond a plain cart.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ondc_harness.reference import igm, rsf
from ondc_harness.reference import retail_payloads as payloads
from ondc_harness.reference.catalogue import MARKETPLACE
from ondc_harness.reference.clock import format_ts, timestamp_after
from ondc_harness.reference.desk import register as register_desk
from ondc_harness.reference.faults import Fault, active, with_payload_faults
from ondc_harness.reference.hostile import (
    HostileFront,
    HostileSettings,
    after_callback,
    shape_callback,
)
from ondc_harness.reference.orders import OrderBook, Transaction
from ondc_harness.reference.validation import (
    Refusal,
    billing_of,
    check_context,
    finder_fee,
    fulfillment_end,
    parse_request,
    read_cart,
    requested_order_id,
)
from ondc_harness.wire.serving import ServerThread
from ondc_harness.wire.signing import (
    KeyPair,
    KeyResolver,
    SignatureError,
    blake2b_digest,
    sign_body,
    verify_authorization,
)

log = logging.getLogger(__name__)

Json = dict[str, Any]
Job = Callable[[], Coroutine[Any, Any, None]]
ACK: Json = {"message": {"ack": {"status": "ACK"}}}
CALLBACK_TIMEOUT_S = 10.0
DEFAULT_LATE_DELAY_S = 36.0
"""PT30S ttl plus the harness's default 5 s grace, plus a second: late by any default wait."""


def _no_keys(subscriber_id: str, unique_key_id: str) -> str | None:
    return None


@dataclass
class ReferenceSellerConfig:
    """Who the reference seller is, whom it trusts, and how it should misbehave.

    ``peer_keys`` resolves the buyer app's ``(subscriber_id, unique_key_id)`` to its public key;
    with the default (no keys) every request is refused with 401 NACK 30016.
    """

    subscriber_id: str = "ref-seller.ondc-harness.local"
    unique_key_id: str = "ref-seller-key-1"
    keys: KeyPair = field(default_factory=KeyPair.generate)
    peer_keys: KeyResolver = _no_keys
    faults: frozenset[Fault] = frozenset()
    late_delay_s: float = DEFAULT_LATE_DELAY_S
    hostile: HostileSettings = field(default_factory=HostileSettings)
    host: str = "127.0.0.1"
    port: int = 0


@dataclass(frozen=True)
class Delivery:
    """A callback the seller POSTed, and what came back (for tests and debugging)."""

    action: str
    transaction_id: str
    message_id: str
    status_code: int | None
    error: str | None = None


class ReferenceSeller:
    """The reference seller app; ``start()`` returns its base URL (its ``bpp_uri``)."""

    def __init__(self, config: ReferenceSellerConfig | None = None) -> None:
        self.config = config or ReferenceSellerConfig()
        self.market = MARKETPLACE
        self.book = OrderBook()
        self.deliveries: deque[Delivery] = deque(maxlen=1000)
        self._rogue_keys = KeyPair.generate()  # the bad_signature fault signs with these
        self._tasks: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None
        self._server: ServerThread | None = None
        self._handlers: dict[str, Callable[[Json], Job]] = {
            "search": self._search, "select": self._select, "init": self._init,
            "status": self._status, "track": self._track,
        }
        self.desk = register_desk(self)  # confirm and after; select/init/search beyond plain
        self._self_checked = igm.register(self) | rsf.register(self)  # own context shapes
        # HostileFront answers instead of the app when an answer fault (hang, reset...) is on.
        self.app = HostileFront(
            Starlette(routes=[Route("/{action}", self._receive, methods=["POST"])],
                      lifespan=self._lifespan),
            lambda: self.config.faults, lambda: self.config.hostile)

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the reference seller is not started")
        return self._server.base_url

    def start(self) -> str:
        """Serve on ``host:port`` (port 0: any free port); return the base URL."""
        if self._server is None:
            self._server = ServerThread(self.app, self.config.host, self.config.port,
                                        name="reference-seller")
            self._server.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving; callbacks still pending (late ones included) are cancelled."""
        if self._server is not None:
            self._server.stop()

    def __enter__(self) -> ReferenceSeller:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self._client = httpx.AsyncClient(timeout=CALLBACK_TIMEOUT_S, follow_redirects=False)
        try:
            yield
        finally:
            pending = list(self._tasks)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            await self._client.aclose()

    # -- the synchronous answer --------------------------------------------------------------
    async def _receive(self, request: Request) -> Response:
        action = str(request.path_params["action"])
        handler = self._handlers.get(action)
        if handler is None:
            refusal = Refusal("30000", f"/{action} is not an API this seller serves",
                              error_type="CONTEXT-ERROR", status=404)
            return JSONResponse(refusal.body(), status_code=refusal.status)
        raw = await request.body()
        try:
            payload = parse_request(raw)
            self._verify(request, raw, payload["context"])
            if action not in self._self_checked:
                check_context(payload["context"], action, self.market,
                              self.config.subscriber_id)
            job = handler(payload)
        except Refusal as refusal:
            return JSONResponse(refusal.body(), status_code=refusal.status)
        canned = self._faulty_answer(action)
        if canned is not None:
            return canned
        if active(self.config.faults, "callback_before_ack", action):
            await self._run(job)  # the callback goes out, and is answered, before our ACK
            return JSONResponse(ACK)
        return JSONResponse(ACK, background=BackgroundTask(self._spawn, job))

    def _verify(self, request: Request, raw: bytes, context: Json) -> None:
        sender = context.get("bap_id")
        try:
            verify_authorization(
                request.headers.get("authorization"), raw, self.config.peer_keys,
                expected_subscriber=sender if isinstance(sender, str) else None,
                claimed_digest=request.headers.get("digest"))
        except SignatureError as exc:
            raise Refusal("30016", f"invalid signature: {exc}", error_type="CONTEXT-ERROR",
                          status=401) from None

    def _faulty_answer(self, action: str) -> Response | None:
        faults = self.config.faults
        if active(faults, "http_500", action):
            return PlainTextResponse("Internal Server Error", status_code=500)
        if active(faults, "non_json", action):
            return HTMLResponse("<html><head><title>Welcome</title></head>"
                                "<body><h1>It works!</h1></body></html>")
        if active(faults, "nack", action):
            return JSONResponse(Refusal("30000", "Invalid request").body())
        return None

    async def _spawn(self, job: Job) -> None:
        """Run ``job`` detached from the request, so the ACK is complete before it starts."""
        task = asyncio.get_running_loop().create_task(self._run(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _run(job: Job) -> None:
        try:
            await job()
        except Exception:  # a seller bug must not kill the server; the harness sees no callback
            log.exception("reference seller: callback job failed")

    # -- the APIs: validate now, answer later ------------------------------------------------
    def _search(self, payload: Json) -> Job:
        context, fee = payload["context"], finder_fee(payload["message"])

        async def job() -> None:
            txn = self.book.get(context["transaction_id"])
            if fee is not None:
                txn.finder_fee_type, txn.finder_fee_amount = fee
            await self._answer(context, "on_search",
                               lambda ts: payloads.on_search_message(self.market,
                                                                     context["domain"]))
        return job

    def _select(self, payload: Json) -> Job:
        context = payload["context"]
        cart = read_cart(self.market, context["domain"], payload["message"])

        async def job() -> None:
            txn = self.book.get(context["transaction_id"])
            txn.cart, txn.quote = cart, payloads.quote_for(cart)
            quote = txn.quote
            await self._answer(context, "on_select",
                               lambda ts: payloads.on_select_order(cart, quote))
        return job

    def _init(self, payload: Json) -> Job:
        context, message = payload["context"], payload["message"]
        cart = read_cart(self.market, context["domain"], message)
        billing, end = billing_of(message), fulfillment_end(message)
        if cart.fulfillment.type == "Delivery" and not isinstance((end or {}).get("location"),
                                                                  dict):
            raise Refusal("30000", "a Delivery needs fulfillments[0].end.location",
                          path="$.message.order.fulfillments[0].end.location")

        async def job() -> None:
            txn = self.book.get(context["transaction_id"])
            txn.cart, txn.quote = cart, payloads.quote_for(cart)
            txn.init_order = payloads.on_init_order(
                self.market, cart, txn.quote, billing=billing, end=end,
                fee_type=txn.finder_fee_type, fee_amount=txn.finder_fee_amount)
            init_order = txn.init_order
            await self._answer(context, "on_init", lambda ts: {"order": init_order})
        return job

    def _status(self, payload: Json) -> Job:
        context = payload["context"]
        txn = self._ordered(context, payload["message"])

        def build(timestamp: str) -> Json:
            return {"order": copy.deepcopy(txn.order)}

        async def job() -> None:
            await self._answer(context, "on_status", build)
        return job

    def _track(self, payload: Json) -> Job:
        context = payload["context"]
        txn = self._ordered(context, payload["message"])
        assert txn.cart is not None
        if not txn.cart.fulfillment.tracking:
            raise Refusal("40005", f"tracking is not enabled for {txn.cart.fulfillment.type}",
                          path="$.message.order_id")

        def build(timestamp: str) -> Json:
            assert txn.order is not None
            return payloads.on_track_message(txn.order, txn.stage, timestamp,
                                             tracking_base=self.base_url)

        async def job() -> None:
            await self._answer(context, "on_track", build)
        return job

    def _ordered(self, context: Json, message: Json) -> Transaction:
        """The transaction whose confirmed order ``message.order_id`` names (else NACK 30018)."""
        txn = self.book.find(context["transaction_id"])
        requested_order_id(message, txn.order_id if txn else None)
        assert txn is not None
        return txn

    # -- callbacks ---------------------------------------------------------------------------
    def _next_timestamp(self, txn: Transaction, not_before: str = "") -> str:
        """Later than the request and than anything already sent in this transaction."""
        timestamp = format_ts(timestamp_after(not_before, txn.last_timestamp))
        txn.last_timestamp = timestamp
        return timestamp

    async def _answer(self, request: Json, action: str, build: Callable[[str], Json]) -> None:
        """Build the callback ``action`` for ``request`` and POST it, faults permitting."""
        faults = self.config.faults
        if active(faults, "late_callback", action):
            await asyncio.sleep(self.config.late_delay_s)  # sleep-ok: the late_callback fault
        txn = self.book.get(request["transaction_id"])
        timestamp = self._next_timestamp(txn, request["timestamp"])
        message = build(timestamp)
        if active(faults, "no_callback", action):
            return
        message_id = str(uuid.uuid4()) if active(faults, "wrong_message_id", action) else None
        context = payloads.callback_context(
            request, action, bpp_id=self.config.subscriber_id, bpp_uri=self.base_url,
            timestamp=timestamp, message_id=message_id)
        await self._post(txn, {"context": context, "message": message})

    async def _post(self, txn: Transaction, payload: Json) -> None:
        """Sign the exact bytes and POST them to the buyer app's ``/on_*`` endpoint."""
        assert self._client is not None
        context = payload["context"]
        action = str(context["action"])
        payload = with_payload_faults(self.config.faults, action, payload)
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        keys = self._rogue_keys if active(self.config.faults, "bad_signature", action) \
            else self.config.keys

        def sign(data: bytes, *, created: int | None = None,
                 expires: int | None = None) -> dict[str, str]:
            return {
                "Content-Type": "application/json",
                "Authorization": sign_body(data, keys.signing_private_key,
                                           self.config.subscriber_id, self.config.unique_key_id,
                                           created=created, expires=expires),
                "Digest": f"BLAKE-512={blake2b_digest(data)}",
            }

        url = f"{str(context['bap_uri']).rstrip('/')}/{action}"
        out = shape_callback(self.config.faults, action, url, body, sign, self.config.hostile)
        status: int | None = None
        error: str | None = None
        try:
            response = await self._client.post(out.url, content=out.body, headers=out.headers)
            status = response.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.warning("reference seller: POST %s failed: %s", out.url, error)
        txn.sent.append(action)
        self.deliveries.append(Delivery(action, str(context["transaction_id"]),
                                        str(context["message_id"]), status, error))
        for extra in await after_callback(self._client, self.config.faults, action, out,
                                          payload, sign, self.config.hostile):
            self.deliveries.append(Delivery(action, str(context["transaction_id"]),
                                            extra.message_id, extra.status_code, extra.error))
