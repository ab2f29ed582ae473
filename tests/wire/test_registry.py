"""Key resolution (``wire/registry.py``): local entries, and a remote registry's /v2.0/lookup
served by a real loopback server."""

from __future__ import annotations

import queue
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ondc_harness.wire.registry import Registry, Subscriber
from ondc_harness.wire.serving import ServerThread
from ondc_harness.wire.signing import KeyPair

SELLER = KeyPair.generate()
OTHER = KeyPair.generate()
LOCAL = KeyPair.generate()


def entry(subscriber_id: str, uk: str, key: str, *, legacy: bool = False) -> dict[str, Any]:
    return {"subscriber_id": subscriber_id, ("ukId" if legacy else "unique_key_id"): uk,
            "signing_public_key": key, "type": "BPP"}


@pytest.fixture(scope="module")
def lookups() -> queue.Queue[dict[str, Any]]:
    return queue.Queue()


@pytest.fixture(autouse=True)
def _fresh(lookups: queue.Queue[dict[str, Any]]) -> None:
    while not lookups.empty():
        lookups.get_nowait()


@pytest.fixture(scope="module")
def remote(lookups: queue.Queue[dict[str, Any]]) -> Iterator[str]:
    """A remote registry.  /sloppy ignores the query and answers every entry it has, as a
    misconfigured or older registry may; /html is a registry behind a login page."""

    async def filtered(request: Request) -> Response:
        query = await request.json()
        lookups.put(query)
        entries = [entry("seller.example", "k1", SELLER.signing_public_key),
                   entry("legacy.example", "k9", SELLER.signing_public_key, legacy=True)]
        return JSONResponse([e for e in entries if e["subscriber_id"] == query["subscriber_id"]])

    async def sloppy(request: Request) -> Response:
        lookups.put(await request.json())
        return JSONResponse([entry("attacker.example", "k1", OTHER.signing_public_key),
                             entry("seller.example", "k1", SELLER.signing_public_key)])

    async def html(request: Request) -> Response:
        return HTMLResponse("<html>login</html>")

    app = Starlette(routes=[Route("/good/v2.0/lookup", filtered, methods=["POST"]),
                            Route("/sloppy/v2.0/lookup", sloppy, methods=["POST"]),
                            Route("/html/v2.0/lookup", html, methods=["POST"])])
    with ServerThread(app, name="remote-registry") as server:
        yield server.base_url


def test_local_entry_wins_without_asking_the_remote(
        remote: str, lookups: queue.Queue[dict[str, Any]]) -> None:
    registry = Registry(remote_url=f"{remote}/good")
    registry.add(Subscriber("seller.example", "k1", LOCAL.signing_public_key))
    assert registry.public_key("seller.example", "k1") == LOCAL.signing_public_key
    assert lookups.empty()


def test_remote_key_is_resolved_once_and_cached(
        remote: str, lookups: queue.Queue[dict[str, Any]]) -> None:
    registry = Registry(remote_url=f"{remote}/good/")
    assert registry.public_key("seller.example", "k1") == SELLER.signing_public_key
    assert lookups.get(timeout=5) == {"subscriber_id": "seller.example", "ukId": "k1"}
    assert registry.public_key("seller.example", "k1") == SELLER.signing_public_key
    assert lookups.empty()  # cached
    assert registry.public_key("legacy.example", "k9") == SELLER.signing_public_key  # ukId
    assert registry.public_key("seller.example", "k2") is None


def test_remote_key_of_another_subscriber_is_not_taken(remote: str) -> None:
    """A registry answering more than was asked must not lend one subscriber's key to another."""
    registry = Registry(remote_url=f"{remote}/sloppy")
    assert registry.public_key("seller.example", "k1") == SELLER.signing_public_key
    assert registry.public_key("victim.example", "k1") is None


def test_remote_that_is_not_a_registry(remote: str) -> None:
    assert Registry(remote_url=f"{remote}/html").public_key("seller.example", "k1") is None
    assert Registry(remote_url=f"{remote}/missing").public_key("seller.example", "k1") is None


def test_remote_that_is_down() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    registry = Registry(remote_url=f"http://127.0.0.1:{port}", timeout_s=2)
    assert registry.public_key("seller.example", "k1") is None


def test_lookup_filters() -> None:
    registry = Registry()
    registry.add(Subscriber("seller.example", "k1", SELLER.signing_public_key, type="BPP"))
    registry.add(Subscriber("seller.example", "k2", OTHER.signing_public_key, type="BPP"))
    registry.add(Subscriber("buyer.example", "k1", LOCAL.signing_public_key, type="BAP"))

    def ids(query: dict[str, Any]) -> list[tuple[str, str]]:
        return sorted((e.subscriber_id, e.unique_key_id) for e in registry.lookup(query))

    assert ids({}) == [("buyer.example", "k1"), ("seller.example", "k1"),
                       ("seller.example", "k2")]
    assert ids({"subscriber_id": "seller.example"}) == [("seller.example", "k1"),
                                                        ("seller.example", "k2")]
    assert ids({"subscriber_id": "seller.example", "ukId": "k2"}) == [("seller.example", "k2")]
    assert ids({"unique_key_id": "k1", "type": "bap"}) == [("buyer.example", "k1")]
    assert ids({"type": "BG"}) == []
    registry.add(Subscriber("seller.example", "k2", LOCAL.signing_public_key, type="BPP"))
    assert registry.public_key("seller.example", "k2") == LOCAL.signing_public_key  # replaced
