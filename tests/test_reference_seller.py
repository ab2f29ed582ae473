"""The embedded reference seller (``reference/seller.py``) driven by hand, over real HTTP.

A small buyer app is played here: signed POSTs go to a running :class:`ReferenceSeller`, and
its callbacks land on a receiver (a Starlette app on a :class:`ServerThread`) that verifies
their signatures and queues them per transaction.  Waiting is ``queue.get(timeout=...)``,
never a sleep.  The forward flow is checked against the Retail rules the seller promises to
keep; each fault is checked for the one observable effect it exists to produce.
"""

from __future__ import annotations

import itertools
import json
import queue
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ondc_harness.reference import FAULTS, Fault, ReferenceSeller, ReferenceSellerConfig
from ondc_harness.reference.clock import format_ts, parse_ts, timestamp_after
from ondc_harness.reference.faults import MISSING_FULFILLMENT, parse_faults
from ondc_harness.wire.client import encode_payload
from ondc_harness.wire.serving import ServerThread
from ondc_harness.wire.signing import (
    KeyPair,
    SignatureError,
    blake2b_digest,
    parse_authorization,
    sign_body,
    verify_authorization,
)

BAP_ID = "buyer.test.ondc"
BAP_UKID = "buyer-key-1"
BUYER = KeyPair.generate()
STRANGER = KeyPair.generate()
WAIT_S = 5.0
TS_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"
Json = dict[str, Any]
_seller_numbers = itertools.count(1)


# -- the buyer app's inbound side -------------------------------------------------------------
@dataclass
class Callback:
    """One POST the seller made to the buyer app, and whether its signature held."""

    path: str
    raw: bytes
    headers: dict[str, str]
    payload: Json
    signature_problem: str | None

    @property
    def context(self) -> Json:
        return dict(self.payload["context"])

    @property
    def message(self) -> Json:
        return dict(self.payload["message"])

    @property
    def order(self) -> Json:
        return dict(self.payload["message"]["order"])


@dataclass
class Receiver:
    """Verifies each callback with its seller's public key and queues it per transaction."""

    public_keys: dict[str, str] = field(default_factory=dict)  # subscriber_id → key
    inboxes: dict[str, queue.Queue[Callback]] = field(default_factory=dict)
    base_url: str = ""

    def inbox(self, transaction_id: str) -> queue.Queue[Callback]:
        return self.inboxes.setdefault(transaction_id, queue.Queue())

    async def receive(self, request: Request) -> JSONResponse:
        raw = await request.body()
        payload = json.loads(raw)
        problem = None
        try:
            verify_authorization(request.headers.get("authorization"), raw,
                                 lambda sub, _key: self.public_keys.get(sub),
                                 expected_subscriber=payload["context"].get("bpp_id"),
                                 claimed_digest=request.headers.get("digest"))
        except SignatureError as exc:
            problem = str(exc)
        callback = Callback(request.url.path, raw, dict(request.headers), payload, problem)
        self.inbox(payload["context"]["transaction_id"]).put(callback)
        if problem is not None:
            return JSONResponse({"message": {"ack": {"status": "NACK"}},
                                 "error": {"type": "CONTEXT-ERROR", "code": "20001",
                                           "message": problem}}, status_code=401)
        return JSONResponse({"message": {"ack": {"status": "ACK"}}})


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    server = ServerThread(Starlette(routes=[Route("/{path:path}", receiver.receive,
                                                  methods=["POST"])]), name="test-bap")
    receiver.base_url = server.start()
    yield receiver
    server.stop()


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=WAIT_S) as client:
        yield client


def _buyer_keys(subscriber_id: str, unique_key_id: str) -> str | None:
    return BUYER.signing_public_key if (subscriber_id, unique_key_id) == (BAP_ID, BAP_UKID) \
        else None


SellerFactory = Callable[..., ReferenceSeller]


@pytest.fixture(scope="module")
def sellers(receiver: Receiver) -> Iterator[SellerFactory]:
    """Start reference sellers (each with its own identity and keys); stop them at the end."""
    started: list[ReferenceSeller] = []

    def start(*faults: str, late_delay_s: float = 30.0) -> ReferenceSeller:
        config = ReferenceSellerConfig(
            subscriber_id=f"ref-seller-{next(_seller_numbers)}.test", peer_keys=_buyer_keys,
            faults=parse_faults(faults), late_delay_s=late_delay_s)
        seller = ReferenceSeller(config)
        seller.start()
        receiver.public_keys[config.subscriber_id] = config.keys.signing_public_key
        started.append(seller)
        return seller

    yield start
    for seller in started:
        seller.stop()


@pytest.fixture(scope="module")
def seller(sellers: SellerFactory) -> ReferenceSeller:
    return sellers()


# -- the buyer app's outbound side ------------------------------------------------------------
class Buyer:
    """One transaction against one seller: signed requests, callbacks waited for."""

    def __init__(self, http: httpx.Client, receiver: Receiver, seller: ReferenceSeller,
                 domain: str = "ONDC:RET11") -> None:
        self.http, self.receiver, self.seller, self.domain = http, receiver, seller, domain
        self.transaction_id = str(uuid.uuid4())
        self.last_timestamp = ""
        self.sent: dict[str, Json] = {}

    def context(self, action: str) -> Json:
        timestamp = format_ts(timestamp_after(self.last_timestamp))
        self.last_timestamp = timestamp
        return {"domain": self.domain, "action": action, "country": "IND", "city": "std:080",
                "core_version": "1.2.5", "bap_id": BAP_ID, "bap_uri": self.receiver.base_url,
                "bpp_id": self.seller.config.subscriber_id, "bpp_uri": self.seller.base_url,
                "transaction_id": self.transaction_id, "message_id": str(uuid.uuid4()),
                "timestamp": timestamp, "ttl": "PT30S"}

    def post(self, action: str, message: Json, *, key: KeyPair = BUYER,
             context: Json | None = None) -> httpx.Response:
        payload = {"context": context or self.context(action), "message": message}
        self.sent[action] = payload
        body = encode_payload(payload)
        headers = {"Content-Type": "application/json",
                   "Authorization": sign_body(body, key.signing_private_key, BAP_ID, BAP_UKID),
                   "Digest": f"BLAKE-512={blake2b_digest(body)}"}
        return self.http.post(f"{self.seller.base_url}/{action}", content=body,
                              headers=headers)

    def callback(self, timeout: float = WAIT_S) -> Callback:
        callback = self.receiver.inbox(self.transaction_id).get(timeout=timeout)
        self.last_timestamp = max(self.last_timestamp, callback.context["timestamp"])
        return callback

    def no_callback(self, within: float) -> None:
        with pytest.raises(queue.Empty):
            self.receiver.inbox(self.transaction_id).get(timeout=within)

    def call(self, action: str, message: Json, context: Json | None = None) -> Callback:
        """``action`` must be ACKed and answered by a correct-looking ``on_{action}``."""
        answer = self.post(action, message, context=context)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"message": {"ack": {"status": "ACK"}}}
        callback = self.callback()
        assert callback.path == f"/on_{action}"
        assert_callback_context(callback, self.sent[action], self.seller)
        return callback


def assert_callback_context(callback: Callback, request: Json, seller: ReferenceSeller,
                            *, solicited: bool = True) -> None:
    ctx, req = callback.context, request["context"]
    assert callback.signature_problem is None
    assert ctx["action"] == f"on_{req['action']}" or not solicited
    assert ctx["transaction_id"] == req["transaction_id"]
    assert (ctx["message_id"] == req["message_id"]) is solicited
    assert ctx["message_id"] != ctx["transaction_id"]
    for key in ("domain", "country", "city", "core_version", "bap_id", "bap_uri"):
        assert ctx[key] == req[key], key
    assert (ctx["bpp_id"], ctx["bpp_uri"]) == (seller.config.subscriber_id, seller.base_url)
    assert ctx["ttl"] == "PT30S"
    assert parse_ts(ctx["timestamp"]) > parse_ts(req["timestamp"])  # type: ignore[operator]
    assert re.match(TS_PATTERN, ctx["timestamp"])


# -- request bodies (what the scenario templates render to) ----------------------------------
SEARCH: Json = {"intent": {
    "fulfillment": {"type": "Delivery", "end": {"location": {
        "gps": "12.934500,77.619000", "address": {"area_code": "560034"}}}},
    "payment": {"@ondc/org/buyer_app_finder_fee_type": "percent",
                "@ondc/org/buyer_app_finder_fee_amount": "3"}}}
ADDRESS: Json = {"name": "Flat 402", "locality": "Koramangala 6th Block", "city": "Bengaluru",
                 "state": "Karnataka", "country": "IND", "area_code": "560034"}
BUYER_GPS = "12.934500,77.619000"
END: Json = {"location": {"gps": BUYER_GPS, "address": ADDRESS},
             "contact": {"phone": "9886098860", "email": "asha.rao@example.com"}}


def cart_items(count: int = 2, fulfillment_id: str | None = None,
               item: str = "I1", option: str = "C1") -> list[Json]:
    lines = [{"id": item, "location_id": "L1", "parent_item_id": "CART1",
              "quantity": {"count": count}},
             {"id": option, "location_id": "L1", "parent_item_id": "CART1",
              "quantity": {"count": count}}]
    if fulfillment_id is not None:
        for line in lines:
            line["fulfillment_id"] = fulfillment_id
    return lines


def select_message(**cart: Any) -> Json:
    return {"order": {"provider": {"id": "P1", "locations": [{"id": "L1"}]},
                      "items": cart_items(**cart),
                      "fulfillments": [{"end": {"location": END["location"]}}]}}


def init_message(billing_timestamp: str) -> Json:
    return {"order": {
        "provider": {"id": "P1", "locations": [{"id": "L1"}]},
        "items": cart_items(fulfillment_id="F1"),
        "billing": {"name": "Asha Rao", "address": ADDRESS,
                    "email": "asha.rao@example.com", "phone": "9886098860",
                    "created_at": billing_timestamp, "updated_at": billing_timestamp},
        "fulfillments": [{"id": "F1", "type": "Delivery", "end": END}]}}


def confirm_message(on_init: Json, timestamp: str, order_id: str) -> Json:
    payment = dict(on_init["payment"], status="PAID", params={
        "amount": on_init["quote"]["price"]["value"], "currency": "INR",
        "transaction_id": "PAY-0001"})
    return {"order": {
        "id": order_id, "state": "Created", "provider": on_init["provider"],
        "items": on_init["items"], "billing": on_init["billing"],
        "fulfillments": on_init["fulfillments"], "quote": on_init["quote"],
        "payment": payment,
        "tags": [*on_init["tags"], {"code": "bap_terms", "list": [
            {"code": "accept_bpp_terms", "value": "Y"}]}],
        "created_at": timestamp, "updated_at": timestamp}}


def breakup_total(quote: Json) -> Decimal:
    return sum((Decimal(line["price"]["value"]) for line in quote["breakup"]), Decimal(0))


def through_init(buyer: Buyer) -> tuple[Callback, Callback, Callback]:
    on_search = buyer.call("search", SEARCH)
    on_select = buyer.call("select", select_message())
    context = buyer.context("init")
    on_init = buyer.call("init", init_message(context["timestamp"]), context)
    return on_search, on_select, on_init


def confirm(buyer: Buyer, on_init: Callback) -> Callback:
    context = buyer.context("confirm")
    message = confirm_message(on_init.order, context["timestamp"],
                              f"O-{buyer.transaction_id[:8]}")
    return buyer.call("confirm", message, context)


# -- the forward flow -------------------------------------------------------------------------
def test_catalogue_for_fnb_is_consistent(http: httpx.Client, receiver: Receiver,
                                         seller: ReferenceSeller) -> None:
    buyer = Buyer(http, receiver, seller)
    on_search = buyer.call("search", SEARCH)
    providers = on_search.message["catalog"]["bpp/providers"]
    assert [p["id"] for p in providers] == ["P1", "P2"]
    ids = [p["id"] for p in providers] + [x["id"] for p in providers
                                          for key in ("locations", "categories", "items",
                                                      "fulfillments")
                                          for x in p.get(key, [])]
    assert len(ids) == len(set(ids))
    for provider in providers:
        fulfillments = {f["id"] for f in provider["fulfillments"]}
        locations = {loc["id"] for loc in provider["locations"]}
        assert {f["type"] for f in provider["fulfillments"]} == {"Delivery", "Self-Pickup"}
        timing = [t for t in provider["tags"] if t["code"] == "timing"]
        assert "Order" in {e["value"] for t in timing for e in t["list"] if e["code"] == "type"}
        services = {e["value"] for t in provider["tags"] if t["code"] == "serviceability"
                    for e in t["list"] if e["code"] == "category"}
        assert services == {i["category_id"] for i in provider["items"]}
        for item in provider["items"]:
            assert Decimal(item["price"]["value"]) <= Decimal(item["price"]["maximum_value"])
            assert Decimal(item["price"]["value"]) > 0
            assert item["time"]["timestamp"] <= on_search.context["timestamp"] \
                if "time" in item else True
            if "fulfillment_id" in item:
                assert item["fulfillment_id"] in fulfillments
                assert item["location_id"] in locations
    pizzeria = providers[0]
    groups = {c["id"]: c for c in pizzeria["categories"]
              if c["tags"][0]["list"][0]["value"] == "custom_group"}
    assert set(groups) == {"CG1", "CG2"}
    defaults = [i["id"] for i in pizzeria["items"]
                if any(t["code"] == "parent" and {"code": "id", "value": "CG1"} in t["list"]
                       and {"code": "default", "value": "yes"} in t["list"]
                       for t in i["tags"])]
    assert defaults == ["C1"]  # exactly one default in the mandatory group


def test_catalogue_for_grocery_has_statutory_fields(http: httpx.Client, receiver: Receiver,
                                                     seller: ReferenceSeller) -> None:
    buyer = Buyer(http, receiver, seller, domain="ONDC:RET10")
    providers = buyer.call("search", SEARCH).message["catalog"]["bpp/providers"]
    assert [p["id"] for p in providers] == ["P3"]
    for item in providers[0]["items"]:
        assert re.match(r"^1:\d{13}$", item["descriptor"]["code"])
        assert item["@ondc/org/statutory_reqs_packaged_commodities"][
            "net_quantity_or_measure_of_commodity_in_pkg"]
        assert item["@ondc/org/statutory_reqs_prepackaged_food"]["brand_owner_FSSAI_license_no"]


def test_forward_flow_to_delivery(http: httpx.Client, receiver: Receiver,
                                  seller: ReferenceSeller) -> None:
    buyer = Buyer(http, receiver, seller)
    _, on_select, on_init = through_init(buyer)

    # on_select: a serviceable quote whose total is exactly the sum of its lines
    order = on_select.order
    fulfillment_ids = {f["id"] for f in order["fulfillments"]}
    assert [i["id"] for i in order["items"]] == ["I1", "C1"]
    assert all(i["fulfillment_id"] in fulfillment_ids for i in order["items"])
    assert order["fulfillments"][0]["state"]["descriptor"]["code"] == "Serviceable"
    assert order["fulfillments"][0]["@ondc/org/TAT"] == "PT45M"
    quote = order["quote"]
    assert quote["ttl"] and Decimal(quote["price"]["value"]) == breakup_total(quote)
    assert quote["price"]["value"] == "582.90"
    for line in quote["breakup"]:
        assert re.match(r"^\d+\.\d{2}$", line["price"]["value"])
        assert line["@ondc/org/item_id"] in {"I1", "C1"} | fulfillment_ids
        if line["@ondc/org/title_type"] == "item":
            unit = Decimal(line["item"]["price"]["value"])
            count = line["@ondc/org/item_quantity"]["count"]
            assert Decimal(line["price"]["value"]) == unit * count
    assert {line["@ondc/org/title_type"] for line in quote["breakup"]} == \
        {"item", "tax", "delivery", "packing"}

    # on_init: same quote, billing as sent, prepaid to the buyer app, cancellation terms
    draft = on_init.order
    assert draft["quote"] == quote
    assert draft["billing"] == buyer.sent["init"]["message"]["order"]["billing"]
    assert draft["fulfillments"][0]["end"] == END
    assert draft["payment"]["collected_by"] == "BAP"
    assert draft["payment"]["@ondc/org/settlement_details"][0]["settlement_counterparty"] == \
        "seller-app"
    terms = draft["cancellation_terms"]
    assert terms and all(
        Decimal(t["cancellation_fee"]["amount"]["value"])
        == (Decimal(t["cancellation_fee"]["percentage"]) * Decimal("582.90") / 100)
        .quantize(Decimal("0.01")) for t in terms)
    assert draft["tags"][0]["code"] == "bpp_terms"

    # on_confirm: on_init's terms unchanged, the buyer's id/created_at/payment
    on_confirm = confirm(buyer, on_init)
    placed, sent = on_confirm.order, buyer.sent["confirm"]
    for key in ("items", "billing", "quote", "cancellation_terms"):
        assert placed[key] == draft[key], key
    for key in ("id", "created_at", "payment"):
        assert placed[key] == sent["message"]["order"][key], key
    assert placed["updated_at"] == on_confirm.context["timestamp"]
    assert placed["state"] == "Accepted"
    assert placed["fulfillments"][0]["state"]["descriptor"]["code"] == "Pending"
    assert placed["fulfillments"][0]["end"]["location"] == END["location"]

    # the unsolicited updates, in order, each a fresh message later than the last
    updates = [buyer.callback() for _ in range(4)]
    assert [u.path for u in updates] == ["/on_status"] * 4
    assert [(u.order["fulfillments"][0]["state"]["descriptor"]["code"], u.order["state"])
            for u in updates] == [("Packed", "Accepted"), ("Order-picked-up", "In-progress"),
                                  ("Out-for-delivery", "In-progress"),
                                  ("Order-delivered", "Completed")]
    stamps = [on_confirm.context["timestamp"]] + [u.context["timestamp"] for u in updates]
    assert stamps == sorted(stamps) and len(set(stamps)) == 5
    message_ids = {u.context["message_id"] for u in updates}
    assert len(message_ids) == 4 and sent["context"]["message_id"] not in message_ids
    for update in updates:
        assert_callback_context(update, sent, seller, solicited=False)
        assert update.order["updated_at"] == update.context["timestamp"]
        assert {k: update.order[k] for k in ("id", "items", "quote", "billing", "payment")} == \
            {k: placed[k] for k in ("id", "items", "quote", "billing", "payment")}
    delivered = updates[-1].order["fulfillments"][0]
    assert delivered["start"]["time"]["timestamp"] <= delivered["end"]["time"]["timestamp"] \
        <= updates[-1].context["timestamp"]

    # status and track of the delivered order
    on_status = buyer.call("status", {"order_id": placed["id"]})
    assert on_status.order == updates[-1].order
    tracking = buyer.call("track", {"order_id": placed["id"]}).message["tracking"]
    assert tracking["id"] == placed["fulfillments"][0]["id"]
    assert tracking["url"].startswith(seller.base_url)
    assert tracking["location"]["gps"] == BUYER_GPS
    assert tracking["status"] == "inactive"


# -- refusals ---------------------------------------------------------------------------------
def test_request_with_a_bad_signature_gets_401_nack_30016(
        http: httpx.Client, receiver: Receiver, seller: ReferenceSeller) -> None:
    buyer = Buyer(http, receiver, seller)
    answer = buyer.post("search", SEARCH, key=STRANGER)
    assert answer.status_code == 401
    assert answer.json()["message"]["ack"]["status"] == "NACK"
    assert answer.json()["error"]["code"] == "30016"
    assert "bad signature" in answer.json()["error"]["message"]
    buyer.no_callback(within=0.3)


@pytest.mark.parametrize(("message", "code"), [
    ({"order": {"provider": {"id": "P9"}, "items": cart_items()}}, "30001"),
    ({"order": {"provider": {"id": "P1", "locations": [{"id": "L9"}]},
                "items": cart_items()}}, "30002"),
    ({"order": {"provider": {"id": "P1"}, "items": cart_items(item="I9")}}, "30004"),
    ({"order": {"provider": {"id": "P1"}, "items": cart_items(count=100)}}, "40002"),
    ({"order": {"provider": {"id": "P1"}, "items": cart_items(count=11)}}, "40009"),
    ({"order": {"provider": {"id": "P1"}, "items": cart_items()[:1]}}, "30000"),  # no size
    ({"order": {"provider": {"id": "P1"}, "items": []}}, "30000"),
], ids=["provider", "location", "item", "stock", "max-quantity", "mandatory-group", "empty"])
def test_select_the_seller_cannot_act_on_is_refused(
        http: httpx.Client, receiver: Receiver, seller: ReferenceSeller,
        message: Json, code: str) -> None:
    buyer = Buyer(http, receiver, seller)
    answer = buyer.post("select", message)
    assert answer.json()["message"]["ack"]["status"] == "NACK", answer.text
    assert answer.json()["error"]["code"] == code
    assert answer.json()["error"]["type"]


def test_body_that_is_not_json_is_refused_400(http: httpx.Client, seller: ReferenceSeller
                                               ) -> None:
    answer = http.post(f"{seller.base_url}/search", content=b"<xml/>",
                       headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "30000"


def test_status_of_an_unknown_order_is_refused_30018(
        http: httpx.Client, receiver: Receiver, seller: ReferenceSeller) -> None:
    answer = Buyer(http, receiver, seller).post("status", {"order_id": "O-unknown"})
    assert answer.json()["error"]["code"] == "30018"


# -- faults -----------------------------------------------------------------------------------
def test_fault_bad_signature_callback_fails_verification(
        http: httpx.Client, receiver: Receiver, sellers: SellerFactory) -> None:
    buyer = Buyer(http, receiver, sellers("bad_signature"))
    assert buyer.post("search", SEARCH).status_code == 200
    callback = buyer.callback()
    assert callback.signature_problem is not None and "bad signature" in \
        callback.signature_problem
    assert callback.headers["digest"] == f"BLAKE-512={blake2b_digest(callback.raw)}"
    assert parse_authorization(callback.headers["authorization"]).subscriber_id == \
        buyer.seller.config.subscriber_id


def test_fault_nack_refuses_valid_requests(http: httpx.Client, receiver: Receiver,
                                           sellers: SellerFactory) -> None:
    buyer = Buyer(http, receiver, sellers("nack@search"))
    answer = buyer.post("search", SEARCH)
    assert answer.status_code == 200
    assert answer.json()["message"]["ack"]["status"] == "NACK"
    assert answer.json()["error"]["code"] == "30000"
    buyer.no_callback(within=0.3)


def test_fault_http_500(http: httpx.Client, receiver: Receiver, sellers: SellerFactory) -> None:
    answer = Buyer(http, receiver, sellers("http_500")).post("search", SEARCH)
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("text/plain")


def test_fault_non_json(http: httpx.Client, receiver: Receiver, sellers: SellerFactory) -> None:
    answer = Buyer(http, receiver, sellers("non_json")).post("search", SEARCH)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    with pytest.raises(ValueError):
        answer.json()


def test_fault_no_callback(http: httpx.Client, receiver: Receiver,
                           sellers: SellerFactory) -> None:
    buyer = Buyer(http, receiver, sellers("no_callback"))
    assert buyer.post("search", SEARCH).json()["message"]["ack"]["status"] == "ACK"
    buyer.no_callback(within=0.8)


def test_fault_late_callback_arrives_only_after_the_delay(
        http: httpx.Client, receiver: Receiver, sellers: SellerFactory) -> None:
    buyer = Buyer(http, receiver, sellers("late_callback", late_delay_s=1.5))
    assert buyer.post("search", SEARCH).json()["message"]["ack"]["status"] == "ACK"
    buyer.no_callback(within=1.0)
    callback = buyer.callback(timeout=WAIT_S)
    elapsed = parse_ts(callback.context["timestamp"]) - parse_ts(  # type: ignore[operator]
        buyer.sent["search"]["context"]["timestamp"])
    assert elapsed.total_seconds() >= 1.5


def test_fault_wrong_message_id(http: httpx.Client, receiver: Receiver,
                                sellers: SellerFactory) -> None:
    buyer = Buyer(http, receiver, sellers("wrong_message_id"))
    buyer.post("search", SEARCH)
    callback = buyer.callback()
    assert callback.context["message_id"] != buyer.sent["search"]["context"]["message_id"]
    assert callback.context["transaction_id"] == buyer.transaction_id


def test_fault_quote_total_only_where_targeted(http: httpx.Client, receiver: Receiver,
                                               sellers: SellerFactory) -> None:
    buyer = Buyer(http, receiver, sellers("quote_total@on_init"))
    _, on_select, on_init = through_init(buyer)
    assert Decimal(on_select.order["quote"]["price"]["value"]) == \
        breakup_total(on_select.order["quote"])
    assert Decimal(on_init.order["quote"]["price"]["value"]) == \
        breakup_total(on_init.order["quote"]) + 10


def test_fault_fulfillment_id(http: httpx.Client, receiver: Receiver,
                              sellers: SellerFactory) -> None:
    buyer = Buyer(http, receiver, sellers("fulfillment_id"))
    provider = buyer.call("search", SEARCH).message["catalog"]["bpp/providers"][0]
    assert provider["items"][0]["fulfillment_id"] == MISSING_FULFILLMENT
    assert MISSING_FULFILLMENT not in {f["id"] for f in provider["fulfillments"]}
    order = buyer.call("select", select_message()).order
    assert order["items"][0]["fulfillment_id"] not in {f["id"] for f in order["fulfillments"]}


def test_fault_no_cancellation_terms(http: httpx.Client, receiver: Receiver,
                                     sellers: SellerFactory) -> None:
    buyer = Buyer(http, receiver, sellers("no_cancellation_terms"))
    *_, on_init = through_init(buyer)
    assert "cancellation_terms" not in on_init.order
    assert "cancellation_terms" not in confirm(buyer, on_init).order


# -- fault names ------------------------------------------------------------------------------
def test_fault_parsing() -> None:
    assert Fault.parse("quote_total@on_confirm") == Fault("quote_total", "on_confirm")
    assert Fault.parse(" nack@select ") == Fault("nack", "on_select")
    assert parse_faults(["http_500,late_callback@status"]) == {
        Fault("http_500"), Fault("late_callback", "on_status")}
    assert Fault("quote_total").applies_to("on_status")
    assert not Fault("quote_total").applies_to("on_search")
    assert not Fault("nack", "on_select").applies_to("init")
    assert str(Fault("nack", "on_select")) == "nack@on_select"
    with pytest.raises(ValueError, match=r"valid faults: .*bad_signature, .*fulfillment_id"):
        Fault.parse("teapot")
    with pytest.raises(ValueError, match="does not apply to 'on_search'"):
        Fault.parse("no_cancellation_terms@on_search")
    assert all(spec.summary and "aught by" in spec.doc for spec in FAULTS.values())
