"""Hostile participants, at the flow level: each behaviour is reported with the right finding on
the right step, the flow breaks cleanly or carries on, and the run moves on to the next flow.

Every case drives the real thing in-process — the harness's inbound server, signed HTTP both
ways, the reference seller misbehaving through a named fault (``reference/faults.py``, carried
out by ``reference/hostile.py``) — without pytest's collection layer, as test_flow_faults.py
does.  "Moves on" is proven by clearing the faults and running another flow in the same
session: the inbound server, the HTTP client and the mailbox survived.

The server- and client-level unit tests of the same defences are in tests/wire/.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ondc_harness.checks.findings import Severity
from ondc_harness.config import HarnessSettings, ParticipantConfig
from ondc_harness.flow import FlowRun, Outcome, StepResult
from ondc_harness.scenario import load_scenario
from ondc_harness.session import HarnessSession
from ondc_harness.wire.client import SyncAnswer, judge_answer
from ondc_harness.wire.mailbox import Inbound

REPO = Path(__file__).resolve().parents[1]
FORWARD = load_scenario(REPO / "scenarios" / "retail" / "forward.yaml")
STEP = {step.name: index for index, step in enumerate(FORWARD.steps)}
WAIT_S = 1.0  # --request-timeout of these runs
"""Short waits keep a case around a second; the behaviours do not depend on the length."""
CALLBACK_WAIT_S = 5.0
"""--callback-timeout: a callback that comes ends the wait at once, so only the cases where none
comes pay it; shorter makes a loaded machine (the seller signing its catalogue slowly) look
like a participant that never called back."""

Start = Callable[..., HarnessSession]


@pytest.fixture(scope="module")
def closing() -> Iterator[list[threading.Thread]]:
    """Sessions close in the background (stopping two servers takes ~0.3 s each); the module
    waits for all of them at its end."""
    threads: list[threading.Thread] = []
    yield threads
    for thread in threads:
        thread.join(timeout=30)


@pytest.fixture
def start(tmp_path: Path, closing: list[threading.Thread]) -> Iterator[Start]:
    """Start a session against the reference seller with ``faults`` (closed at teardown)."""
    sessions: list[HarnessSession] = []

    def start_session(*faults: str, participant: ParticipantConfig | None = None,
                      **overrides: Any) -> HarnessSession:
        options: dict[str, Any] = {"report_root": tmp_path,
                                   "callback_timeout_s": CALLBACK_WAIT_S,
                                   "request_timeout_s": WAIT_S, **overrides}
        session = HarnessSession(HarnessSettings(faults=faults, **options), participant)
        sessions.append(session.start())
        return session

    yield start_session
    for session in sessions:
        closer = threading.Thread(target=session.close, name="close-session")
        closer.start()
        closing.append(closer)


def run(session: HarnessSession, key: str = "forward", through: str | None = None) -> FlowRun:
    flow = session.flow_for(FORWARD, key)
    flow.run_through(STEP[through] if through else len(FORWARD.steps) - 1)
    return flow


def result(flow: FlowRun, name: str) -> StepResult:
    for candidate in flow.results:
        if candidate.step.name == name:
            return candidate
    raise AssertionError(f"step {name} did not run; ran {[r.step.name for r in flow.results]}")


def wire_rules(step: StepResult) -> set[str]:
    """The rules of the wire layer and the runner (not the schema and business rules, which
    other tests own and which say nothing about robustness)."""
    return {f.rule_id for f in step.findings if f.rule_id.startswith(("WIRE-", "HARNESS-"))}


def messages(step: StepResult, rule: str) -> list[str]:
    return [f.message for f in step.findings if f.rule_id == rule]


def broke_at(flow: FlowRun, name: str) -> StepResult:
    """``name`` broke, and nothing after it ran (the flow stopped cleanly there)."""
    broken = result(flow, name)
    assert broken.outcome is Outcome.BROKEN, broken
    assert flow.results[-1] is broken, [r.step.name for r in flow.results]
    flow.run_through(len(FORWARD.steps) - 1)  # asking for more runs nothing
    assert flow.results[-1] is broken
    return broken


def ran_to_the_end(flow: FlowRun) -> None:
    assert len(flow.results) == len(FORWARD.steps)
    assert flow.broken_step(len(FORWARD.steps)) is None


def moves_on(session: HarnessSession) -> None:
    """The same session runs another flow cleanly once the participant behaves."""
    assert session.reference is not None
    session.reference.config.faults = frozenset()
    flow = run(session, key="next flow", through="on_select")
    for step in flow.results:
        assert step.outcome is not Outcome.BROKEN, step
        assert not wire_rules(step), step.findings


def transcript(session: HarnessSession) -> list[dict[str, Any]]:
    lines = session.transcript.path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


# -- the synchronous answer -------------------------------------------------------------------

@pytest.mark.parametrize(("fault", "expected", "quoted"), [
    ("hang", {"WIRE-CONN-002"}, "no answer within 1.0s"),
    ("trickle", {"WIRE-CONN-002"}, "answer not complete within 1.0s"),
    ("reset", {"WIRE-CONN-001"}, "POST http"),
    ("http_307", {"WIRE-HTTP-001", "WIRE-ACK-001"}, "HTTP 307 (Location: /moved/select"),
    ("http_404", {"WIRE-HTTP-001", "WIRE-ACK-001"}, "HTTP 404"),
    ("http_500", {"WIRE-HTTP-001", "WIRE-ACK-001"}, "HTTP 500"),
    ("non_json", {"WIRE-ACK-001"}, "<html>"),
    ("empty_answer", {"WIRE-ACK-001"}, "not JSON"),
    ("truncated_answer", {"WIRE-ACK-001"}, '{"message":{"ack":{"'),
    ("nack", {"WIRE-ACK-002"}, '"code": "30000"'),
    ("nack_no_error", {"WIRE-ACK-002", "WIRE-ACK-003"}, "error: null"),
], ids=["hang", "trickle", "reset", "http_307", "http_404", "http_500", "non_json",
        "empty_answer", "truncated_answer", "nack", "nack_no_error"])
def test_a_broken_synchronous_answer_breaks_the_flow_at_its_request(
        start: Start, fault: str, expected: set[str], quoted: str) -> None:
    session = start(f"{fault}@select")
    began = time.monotonic()
    flow = run(session)
    elapsed = time.monotonic() - began
    select = broke_at(flow, "select")
    assert wire_rules(select) == expected
    assert any(quoted in f.message for f in select.findings), select.findings
    assert "not acknowledged" in select.note
    assert elapsed < WAIT_S + 3.0, "bounded by --request-timeout, not by the participant"
    moves_on(session)


def test_reset_mid_answer_reads_as_a_reset_connection(start: Start) -> None:
    flow = run(start("reset@select"))
    finding = result(flow, "select").findings[0]
    assert "reset" in finding.message.lower() or "closed" in finding.message.lower(), finding


def test_an_ack_sent_as_another_content_type_is_noted_but_accepted() -> None:
    answer = SyncAnswer(url="http://seller/select", status_code=200,
                        headers={"content-type": "text/html"},
                        body=b'{"message":{"ack":{"status":"ACK"}}}')
    findings = judge_answer(answer, "select")
    assert [f.rule_id for f in findings] == ["WIRE-HTTP-002"]
    assert answer.acked, "still an ACK: the flow goes on"
    assert findings[0].severity < Severity.MAJOR


def test_participant_down_is_unreachable_and_the_run_goes_on(start: Start) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = ParticipantConfig(role="seller", subscriber_id="down.example.test",
                             unique_key_id="k1", base_url=f"http://127.0.0.1:{port}",
                             signing_public_key="awGPjRK6i/Vg/lWr+0xObclVxlwZXvTjWYtlu6NeOHk=")
    session = start(participant=down)
    began = time.monotonic()
    flows = [run(session, key=f"flow {n}") for n in (1, 2)]
    assert time.monotonic() - began < 3.0
    for flow in flows:  # each flow breaks at its first request; the second still runs
        search = broke_at(flow, "search")
        assert wire_rules(search) == {"WIRE-CONN-001"}
        assert "ConnectError" in search.findings[0].message
    summary = session.summary_records()
    assert [r.outcome for r in summary] == ["broken", "broken"]


# -- callbacks that break the step ----------------------------------------------------------

@pytest.mark.parametrize(("fault", "expected", "quoted"), [
    ("oversized_callback", {"WIRE-BODY-002"}, "exceeds --max-body (262144 bytes)"),
    ("deep_json", {"WIRE-BODY-001"}, "nested deeper than 200 levels"),
    ("invalid_utf8", {"WIRE-BODY-001"}, "not valid UTF-8"),
], ids=["oversized_callback", "deep_json", "invalid_utf8"])
def test_an_unreadable_callback_breaks_its_step_with_the_reason(
        start: Start, fault: str, expected: set[str], quoted: str) -> None:
    session = start(f"{fault}@on_select", max_body=256 * 1024)
    flow = run(session)
    on_select = broke_at(flow, "on_select")
    assert wire_rules(on_select) == expected
    assert any(quoted in f.message for f in on_select.findings), on_select.findings
    assert on_select.note == "on_select arrived but cannot be read"
    assert on_select.inbound is not None
    status = on_select.inbound.answer_status
    assert status == (413 if fault == "oversized_callback" else 400)
    moves_on(session)


def test_oversized_callback_is_refused_before_it_is_read(start: Start) -> None:
    """At the real default: a callback of 20 MB + 1 kB against --max-body 20 MB."""
    assert HarnessSettings().max_body == 20 * 1024 * 1024
    session = start("oversized_callback@on_select")
    on_select = broke_at(run(session), "on_select")
    assert wire_rules(on_select) == {"WIRE-BODY-002"}
    assert messages(on_select, "WIRE-BODY-002") == [
        f"body to /on_select exceeds --max-body ({20 * 1024 * 1024} bytes)"]
    assert on_select.inbound is not None
    assert on_select.inbound.answer_status == 413
    assert on_select.inbound.message.raw == b""  # never read, never parsed


def test_callback_under_a_strangers_transaction_is_named_on_the_waiting_step(
        start: Start) -> None:
    session = start("unknown_transaction@on_select", callback_timeout_s=WAIT_S)
    flow = run(session)
    on_select = broke_at(flow, "on_select")
    assert wire_rules(on_select) == {"WIRE-CALLBACK-001", "WIRE-CALLBACK-004"}
    stranger = messages(on_select, "WIRE-CALLBACK-004")[0]
    assert "transaction_id 'stranger-" in stranger and "answered NACK 20006" in stranger
    orphans = [r for r in session.summary_records() if r.flow == "(no flow)"]
    assert orphans == [], "claimed by the step, so not counted twice"
    moves_on(session)


# -- callbacks whose finding is attached while the flow carries on --------------------------

@pytest.mark.parametrize(("fault", "reason"), [
    ("bad_signature", "bad signature"),
    ("unsigned", "missing header"),
    ("malformed_signature", "malformed header"),
    ("expired_signature", "expired"),
], ids=["bad_signature", "unsigned", "malformed_signature", "expired_signature"])
def test_a_badly_signed_callback_fails_its_step_and_the_flow_goes_on(
        start: Start, fault: str, reason: str) -> None:
    flow = run(start(f"{fault}@on_select"))
    ran_to_the_end(flow)
    on_select = result(flow, "on_select")
    assert wire_rules(on_select) == {"WIRE-SIG-001"}
    assert messages(on_select, "WIRE-SIG-001")[0].startswith(reason)
    assert on_select.outcome is Outcome.FAILED
    assert on_select.inbound is not None and on_select.inbound.answer_status == 401


@pytest.mark.parametrize(("fault", "rule", "quoted"), [
    ("wrong_path", "WIRE-PATH-001", "on_select was POSTed to /select"),
    ("wrong_content_type", "WIRE-HTTP-002", "Content-Type 'text/plain; charset=utf-8'"),
    ("callback_before_ack", "WIRE-CALLBACK-005", "arrived before the synchronous answer"),
], ids=["wrong_path", "wrong_content_type", "callback_before_ack"])
def test_a_misdelivered_callback_is_still_checked_and_the_flow_goes_on(
        start: Start, fault: str, rule: str, quoted: str) -> None:
    flow = run(start(f"{fault}@on_select"))
    ran_to_the_end(flow)
    on_select = result(flow, "on_select")
    assert wire_rules(on_select) == {rule}
    assert quoted in messages(on_select, rule)[0]
    assert on_select.inbound is not None and on_select.inbound.message.action == "on_select"
    for other in flow.results:
        if other is not on_select:
            assert rule not in wire_rules(other), other


def test_callback_before_ack_is_caught_whatever_the_gap(start: Start) -> None:
    """The seller calls back inline, ACKing a few milliseconds after our answer: no clock
    tolerance can see that; holding the callback for the ACK can."""
    flow = run(start("callback_before_ack@on_search"), through="on_search")
    assert wire_rules(result(flow, "on_search")) == {"WIRE-CALLBACK-005"}
    assert result(flow, "search").outcome is Outcome.PASSED  # the ACK came after all


@pytest.mark.parametrize(("fault", "at", "replay"), [
    ("duplicate_callback", "on_select", False),
    ("replay", "on_select", True),
    ("replay", "on_search", True),  # several on_search per search are legal; a replay is not
], ids=["duplicate_callback", "replay-on_select", "replay-on_search"])
def test_a_repeated_callback_is_reported_once_and_never_taken_twice(
        start: Start, fault: str, at: str, replay: bool) -> None:
    both = threading.Event()
    arrivals: list[Inbound] = []

    def count(inbound: Inbound) -> None:
        if inbound.message.action == at:
            arrivals.append(inbound)
            if len(arrivals) == 2:
                both.set()

    session = start(f"{fault}@{at}")
    session.inbound.on_inbound = count
    flow = run(session)
    ran_to_the_end(flow)
    assert both.wait(10), f"the second {at} never arrived"
    # The finding lands on the step of that callback, a later one running when the repeat
    # arrives, or after the last step; never on an earlier step.
    where = [(step.step.name, m) for step in flow.results
             for m in messages(step, "WIRE-CALLBACK-003")]
    where += [("(after the last step)", f["message"]) for r in session.summary_records()
              if r.step == "(after the last step)" for f in r.findings
              if f["rule"] == "WIRE-CALLBACK-003"]
    assert len(where) == 1, where
    step, found = where[0]
    assert step == "(after the last step)" or STEP[step] >= STEP[at]
    assert found.startswith(f"{at} with message_id {arrivals[0].message.message_id} ")
    assert ("(a replay)" in found) is replay
    taken = [r.inbound for r in flow.results if r.inbound is not None]
    assert arrivals[1] not in taken, "the repeat is never handed to a step"


def test_late_callback_after_the_last_step_still_reaches_the_summary(start: Start) -> None:
    arrived = threading.Event()

    def spot(inbound: Inbound) -> None:
        if inbound.message.action == "on_track":
            arrived.set()

    session = start("late_callback@on_track", callback_timeout_s=0.5)
    session.inbound.on_inbound = spot
    flow = run(session)
    assert wire_rules(broke_at(flow, "on_track")) == {"WIRE-CALLBACK-001"}
    assert arrived.wait(15), "the late on_track never arrived"
    leftovers = [r for r in session.summary_records() if r.step == "(after the last step)"]
    assert [f["rule"] for r in leftovers for f in r.findings] == ["WIRE-CALLBACK-002"]


def test_a_sender_hanging_up_mid_body_is_recorded_and_the_server_goes_on(start: Start) -> None:
    recorded = threading.Event()

    def spot(inbound: Inbound) -> None:
        if inbound.path == "/on_select" and inbound.findings:
            recorded.set()

    session = start()
    session.inbound.on_inbound = spot
    port = int(session.callback_base_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"POST /on_select HTTP/1.1\r\nHost: h\r\nContent-Type: application/json"
                     b"\r\nContent-Length: 1000\r\n\r\n" + b'{"context":{"action":"on')
    assert recorded.wait(10), "the cut-off POST left no trace"
    (line,) = [e for e in transcript(session) if e["kind"] == "inbound"]
    assert [f["rule"] for f in line["findings"]] == ["WIRE-BODY-001"]
    assert "hung up before its body was complete" in line["findings"][0]["message"]
    moves_on(session)


# -- load -----------------------------------------------------------------------------------

def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc for RSS")
def test_a_flood_of_1000_callbacks_is_answered_and_recorded_in_full(start: Start) -> None:
    flood = 1000
    everything = threading.Event()
    seen: list[Inbound] = []
    lock = threading.Lock()

    def count(inbound: Inbound) -> None:
        with lock:
            if inbound.message.action == "on_select":
                seen.append(inbound)
                if len(seen) == flood + 1:
                    everything.set()

    rss_before = _rss_mb()
    session = start("flood@on_select")
    session.inbound.on_inbound = count
    flow = run(session)
    assert everything.wait(60), f"only {len(seen)} of {flood + 1} on_select arrived"
    ran_to_the_end(flow)
    assert all(not wire_rules(step) for step in flow.results), "the flood disturbed no step"

    lines = [e for e in transcript(session)
             if e["kind"] == "inbound" and e["action"] == "on_select"]
    assert len(lines) == flood + 1
    assert len({e["message_id"] for e in lines}) == flood + 1
    assert {e["answer"]["status"] for e in lines} == {200}, "every one answered, none refused"
    assert session.reference is not None
    assert not [d for d in session.reference.deliveries if d.error], "no POST went unanswered"
    first, last = min(i.monotonic for i in seen), max(i.monotonic for i in seen)
    assert last - first < 20, f"1,000 callbacks took {last - first:.1f}s to take in"

    leftovers = [f for r in session.summary_records() if r.step == "(after the last step)"
                 for f in r.findings]
    assert [f["rule"] for f in leftovers] == ["WIRE-CALLBACK-004"]
    assert leftovers[0]["message"].startswith(f"{flood} on_select answer no request")
    # ~25 kB kept per message (bytes + parsed payload for the checks); 1,000 stay far below this
    assert _rss_mb() - rss_before < 200
