"""Fuzzing the two places untrusted JSON enters: the inbound server and the check engine.

* The inbound server (a real :class:`InboundServer` on a real port) gets structure-aware
  mutations of a valid signed callback — keys dropped, replaced, retyped; NaN, Infinity and
  5,000-digit numbers; nesting up to 10,000 deep; odd unicode; odd paths and Content-Types —
  and raw bytes.  It must always answer (ACK, NACK, 4xx; never 500, never a hang) and stay up.
* The check engine (``checks.engine.check_message``) gets the same kind of mutations of the
  messages of a real forward flow, with the real history before them, and offline loading
  (``ondc_harness.logs``) gets folders of mutated, truncated and random files.  No exception
  may escape and no rule may crash (``HARNESS-001``); a crash names the rule.

CI runs 200 examples against the server, 150 through the engine and 100 offline folders
(``max_examples`` below; a few seconds in all).  The long run (about half an hour):

    ONDC_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz.py

(``ONDC_FUZZ_EXAMPLES`` sets ``max_examples`` of every property here.)
"""

from __future__ import annotations

import copy
import json
import logging
import math
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ondc_harness import logs
from ondc_harness.checks.engine import check_message
from ondc_harness.config import HarnessSettings
from ondc_harness.message import FlowHistory, Message
from ondc_harness.scenario import load_scenario
from ondc_harness.session import HarnessSession
from ondc_harness.wire.client import encode_payload
from ondc_harness.wire.mailbox import Mailbox
from ondc_harness.wire.registry import Registry, Subscriber
from ondc_harness.wire.server import InboundServer, ServerSettings
from ondc_harness.wire.serving import ServerThread
from ondc_harness.wire.signing import KeyPair, blake2b_digest, sign_body

REPO = Path(__file__).resolve().parents[1]
LONG_RUN = os.environ.get("ONDC_FUZZ_EXAMPLES")


def fuzz(max_examples: int) -> settings:
    """``max_examples`` in CI, ``$ONDC_FUZZ_EXAMPLES`` for the long run; no deadline (real
    HTTP), no example database (nothing written into the checkout)."""
    return settings(max_examples=int(LONG_RUN) if LONG_RUN else max_examples, deadline=None,
                    database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SELLER_ID, SELLER_UKID = "seller.fuzz.test", "k1"
SELLER = KeyPair.generate()
HUGE = "\x00HUGE-NUMBER\x00"
"""Stands for a 5,000-digit number: Python cannot even print one (int max str digits), so the
server fuzz splices it into the bytes after serialising."""
DEEP = re.compile(r'"\\u0000DEEP(\d+)\\u0000"')
"""Nesting beyond what ``json.dumps`` can recurse through is spliced in as bytes too."""
PYTHON_DEPTH = 400

# -- structure-aware mutations --------------------------------------------------------------

ODD_STRINGS = ["", " ", "NaN", "Infinity", "-1", "1e400", "null", "true", "{}", "[]",
               "ONDC:RET11", "on_select", "std:080", "\u0000", "\u202e", "💥", "ａｂｃ",
               "2024-02-30T25:61:61.000Z", "PT-5S", "P1D", "$.message", "{{transaction_id}}",
               "<script>", "9" * 400, "x" * 5000]
NUMBERS = [math.nan, math.inf, -math.inf, -0.0, 1e308, 5e-324, 10**30, -(10**30), 0, -1,
           2**63, 0.1 + 0.2]
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-(10**30), 10**30),
                   st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
                   st.sampled_from(ODD_STRINGS), st.sampled_from(NUMBERS))
JSON_VALUES = st.recursive(
    LEAVES, lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=10)
OPS = ("drop", "replace", "retype", "nest", "number", "text")


def positions(value: Any) -> Iterator[tuple[Any, ...]]:
    """The path of every value in a document, the root first (iterative: documents nest)."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    while stack:
        path, current = stack.pop()
        yield path
        if isinstance(current, dict):
            stack.extend(((*path, key), child) for key, child in reversed(current.items()))
        elif isinstance(current, list):
            stack.extend(((*path, i), child) for i, child in reversed(list(enumerate(current))))


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        doc = doc[part]
    return doc


def retyped(value: Any) -> list[Any]:
    """The same value as other JSON types: what a participant's serialiser gets wrong."""
    out: list[Any] = [None, str(value)[:50], [value], {"value": value}]
    if isinstance(value, str):
        out += [len(value), value.encode("utf-8", "replace")[:20].hex(), value == ""]
    if isinstance(value, dict):
        out += [list(value.values()), list(value)]
    if isinstance(value, list):
        out += [dict(enumerate(value)), value[0] if value else {}]
    if isinstance(value, bool | int | float):
        out += [str(value), [value], not value]
    return out


@st.composite
def mutated(draw: st.DrawFn, payload: Any, max_depth: int, huge: bool = False) -> Any:
    """``payload`` after one to four mutations, each at a position drawn from the document.

    ``huge``: the document is for :func:`_bytes_of`, which splices in 5,000-digit numbers and
    nesting deeper than Python's JSON encoder goes.
    """
    doc = copy.deepcopy(payload)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(list(positions(doc))))
        op = draw(st.sampled_from(OPS))
        current = _parent(doc, path)[path[-1]] if path else doc
        if op == "drop":
            new: Any = None
            if path:
                del _parent(doc, path)[path[-1]]
                continue
        elif op == "replace":
            new = draw(JSON_VALUES)
        elif op == "retype":
            new = draw(st.sampled_from(retyped(current)))
        elif op == "nest":
            depth = draw(st.integers(1, max_depth))
            new = current
            if huge and depth > PYTHON_DEPTH:
                new = f"\x00DEEP{depth}\x00"
            else:  # one draw for the shape, not one per level: keeps examples cheap
                shape = draw(st.sampled_from(["[]", "{}", "alternating"]))
                for level in range(depth):
                    as_list = shape == "[]" or (shape == "alternating" and level % 2 == 0)
                    new = [new] if as_list else {"n": new}
        elif op == "number":
            new = draw(st.sampled_from([*NUMBERS, HUGE] if huge else NUMBERS))
        else:
            new = draw(st.text(min_size=1, max_size=20) | st.sampled_from(ODD_STRINGS))
        if path:
            _parent(doc, path)[path[-1]] = new
        else:
            doc = new
    return doc


# -- the inbound server ---------------------------------------------------------------------

def _callback(transaction_id: str) -> dict[str, Any]:
    return {
        "context": {"domain": "ONDC:RET11", "action": "on_select", "core_version": "1.2.5",
                    "country": "IND", "city": "std:080", "bap_id": "harness.fuzz.test",
                    "bap_uri": "http://127.0.0.1/h", "bpp_id": SELLER_ID,
                    "bpp_uri": "http://127.0.0.1/s", "transaction_id": transaction_id,
                    "message_id": str(uuid.uuid4()), "timestamp": "2024-05-01T10:00:00.000Z",
                    "ttl": "PT30S"},
        "message": {"order": {"provider": {"id": "P1", "locations": [{"id": "L1"}]},
                              "items": [{"id": "I1", "fulfillment_id": "F1",
                                         "quantity": {"count": 2}}],
                              "quote": {"price": {"currency": "INR", "value": "582.90"},
                                        "breakup": [{"title": "Pizza", "price": {
                                            "currency": "INR", "value": "398.00"}}]}}},
    }


def _bytes_of(payload: Any) -> bytes:
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    text = text.replace(json.dumps(HUGE), "1" + "0" * 5000)
    text = DEEP.sub(lambda m: "[" * int(m.group(1)) + "]" * int(m.group(1)), text)
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate: invalid UTF-8 on purpose


@pytest.fixture(scope="module")
def inbound(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Mailbox, str]]:
    """A real inbound server with a transcript, the seller's key registered, one open flow."""
    from ondc_harness.report.transcript import Transcript

    registry = Registry()
    registry.add(Subscriber(SELLER_ID, SELLER_UKID, SELLER.signing_public_key))
    mailbox = Mailbox()
    transaction_id = str(uuid.uuid4())
    mailbox.note_sent(mailbox.open(transaction_id), "m-0", "select")
    transcript = Transcript(tmp_path_factory.mktemp("fuzz") / "transcript.jsonl")
    server = InboundServer(mailbox, registry, transcript, ServerSettings(max_body=256 * 1024))
    with ServerThread(server.app, name="fuzzed-inbound") as thread:
        yield thread.base_url, mailbox, transaction_id
    transcript.close()


ANSWERS = {200, 400, 401, 413}


def _check_answer(response: httpx.Response) -> None:
    assert response.status_code in ANSWERS, (response.status_code, response.text[:300])
    answer = response.json()
    assert answer["message"]["ack"]["status"] in ("ACK", "NACK")
    if response.status_code != 200:
        assert answer["message"]["ack"]["status"] == "NACK"


def test_inbound_server_answers_whatever_it_is_sent(
        inbound: tuple[str, Mailbox, str], caplog: pytest.LogCaptureFixture) -> None:
    base_url, mailbox, transaction_id = inbound
    known = _callback(transaction_id)
    stranger = _callback(str(uuid.uuid4()))
    paths = st.sampled_from(["/on_select", "/on_search", "/select", "/", "/on_select/",
                             "/a/b/on_status", "/%2e%2e/on_init", "/on_select?x=1"])
    content_types = st.sampled_from(["application/json", "application/json; charset=utf-8",
                                     "text/plain", "", "application/x-www-form-urlencoded"])
    bodies = st.one_of(
        st.sampled_from([known, stranger]).flatmap(
            lambda base: mutated(base, max_depth=10_000, huge=True)).map(_bytes_of),
        st.binary(max_size=3000))

    with httpx.Client(timeout=httpx.Timeout(10.0)) as http, caplog.at_level(logging.ERROR):
        @fuzz(max_examples=200)
        @given(body=bodies, path=paths, content_type=content_types, signed=st.booleans())
        def answers(body: bytes, path: str, content_type: str, signed: bool) -> None:
            headers = {"Content-Type": content_type} if content_type else {}
            if signed:
                headers["Authorization"] = sign_body(body, SELLER.signing_private_key,
                                                     SELLER_ID, SELLER_UKID)
                headers["Digest"] = f"BLAKE-512={blake2b_digest(body)}"
            _check_answer(http.post(base_url + path, content=body, headers=headers))

        answers()
        still = http.post(base_url + "/on_select", content=encode_payload(known), headers={
            "Content-Type": "application/json",
            "Authorization": sign_body(encode_payload(known), SELLER.signing_private_key,
                                       SELLER_ID, SELLER_UKID)})
        assert still.status_code == 200, "the server is still up and still ACKs"
    assert not [r for r in caplog.records if "Exception in ASGI" in r.getMessage()]
    assert mailbox.all_received(), "what was sent is kept"


# -- the check engine -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def forward_history(tmp_path_factory: pytest.TempPathFactory) -> list[Message]:
    """The messages of one real forward flow against the reference seller, in order."""
    settings_ = HarnessSettings(report_root=tmp_path_factory.mktemp("reports"),
                                callback_timeout_s=5.0)
    session = HarnessSession(settings_, None).start()
    try:
        scenario = load_scenario(REPO / "scenarios" / "retail" / "forward.yaml")
        flow = session.flow_for(scenario, "fuzz")
        flow.run_through(len(scenario.steps) - 1)
        assert flow.broken_step(len(scenario.steps)) is None
        return list(flow.history.messages)
    finally:
        session.close()


def _crashes(findings: list[Any]) -> list[str]:
    return [f.message for f in findings if f.rule_id == "HARNESS-001"]


def test_check_engine_survives_mutated_messages(forward_history: list[Message]) -> None:
    indexes = st.integers(0, len(forward_history) - 1)

    @fuzz(max_examples=150)
    @given(data=st.data(), index=indexes, also_earlier=st.booleans())
    def checks(data: st.DataObject, index: int, also_earlier: bool) -> None:
        original = forward_history[index]
        payload = data.draw(mutated(original.payload, max_depth=200), label="payload")
        history = [copy.copy(m) for m in forward_history[:index]]
        if also_earlier and history:  # cross-step rules read earlier messages too
            which = data.draw(st.integers(0, len(history) - 1), label="earlier")
            history[which].payload = data.draw(mutated(history[which].payload, max_depth=50),
                                               label="earlier payload")
        message = Message(payload, original.direction, None, dict(original.headers))
        findings = check_message(message, FlowHistory(history))
        assert not _crashes(findings), _crashes(findings)

    checks()


def test_offline_loading_survives_mutated_and_broken_files(
        forward_history: list[Message]) -> None:
    payloads = st.sampled_from(forward_history).flatmap(
        lambda m: mutated(m.payload, max_depth=300))
    contents = st.one_of(
        payloads.map(lambda p: json.dumps(p, ensure_ascii=False).encode("utf-8", "replace")),
        st.lists(payloads, max_size=3).map(lambda ps: json.dumps(ps).encode()),
        payloads.map(lambda p: json.dumps({"request": p, "response": {}}).encode()),
        payloads.map(lambda p: "\n".join(json.dumps(x) for x in (p, p)).encode()),
        st.sampled_from(forward_history).map(
            lambda m: encode_payload(m.payload)).flatmap(
            lambda raw: st.integers(0, len(raw)).map(lambda cut: raw[:cut])),  # truncated
        st.binary(max_size=500),
        st.just(b"[" * 5000 + b"]" * 5000))
    names = st.sampled_from(["on_select.json", "1_init.json", "log.jsonl", "flow.ndjson",
                             "notes.txt", "x.json"])

    with tempfile.TemporaryDirectory() as scratch:
        @fuzz(max_examples=100)
        @given(files=st.lists(st.tuples(names, contents), min_size=1, max_size=4))
        def loads(files: list[tuple[str, bytes]]) -> None:
            folder = Path(tempfile.mkdtemp(dir=scratch))
            for index, (name, content) in enumerate(files):
                (folder / f"{index}_{name}").write_bytes(content)
            reports, _ = logs.check_path(folder)
            for report in reports:
                assert not _crashes(report.findings), _crashes(report.findings)

        loads()
