"""Each reference-seller fault is caught by the expected rule, through a real flow run.

The flow runs in-process (real servers, real signatures, real checks) without pytest's
collection layer, so each case costs about a second; the pytest integration itself is tested
in test_plugin.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from flowkit import CALLBACK_WAIT_S, REPO, FlowRunner, result, rules
from ondc_harness.flow import FlowRun, Outcome
from ondc_harness.session import HarnessSession
from ondc_harness.wire.mailbox import Inbound

FORWARD = REPO / "scenarios" / "retail" / "forward.yaml"

Runner = Callable[..., tuple[HarnessSession, FlowRun]]


@pytest.fixture
def run_forward(flow_runner: FlowRunner) -> Runner:
    def run(*faults: str, timeout: float = CALLBACK_WAIT_S,
            on_inbound: Callable[[Inbound], None] | None = None,
            ) -> tuple[HarnessSession, FlowRun]:
        return flow_runner.run(FORWARD, *faults, timeout=timeout, on_inbound=on_inbound)

    return run


def test_without_faults_every_step_passes(run_forward: Runner) -> None:
    _, flow = run_forward()
    assert [r.outcome for r in flow.results] == [Outcome.PASSED] * len(flow.scenario.steps)


def test_bad_signature_is_reported_on_every_callback(run_forward: Runner) -> None:
    _, flow = run_forward("bad_signature")
    callbacks = [r for r in flow.results if r.step.kind == "expect"]
    assert callbacks and all("WIRE-SIG-001" in rules(r) for r in callbacks)
    assert all(r.outcome is Outcome.FAILED for r in callbacks)


@pytest.mark.parametrize(("fault", "rule"), [
    ("nack", "WIRE-ACK-002"),
    ("http_500", "WIRE-HTTP-001"),
    ("non_json", "WIRE-ACK-001"),
])
def test_refused_requests_break_the_flow_at_the_request(run_forward: Runner, fault: str,
                                                        rule: str) -> None:
    _, flow = run_forward(fault)
    search = result(flow, "search")
    assert search.outcome is Outcome.BROKEN
    assert rule in rules(search)
    assert len(flow.results) == 1, "nothing runs after a broken step"
    assert flow.broken_step(len(flow.scenario.steps)) is search


def test_http_500_quotes_the_body(run_forward: Runner) -> None:
    _, flow = run_forward("http_500")
    finding = next(f for f in result(flow, "search").findings if f.rule_id == "WIRE-HTTP-001")
    assert "HTTP 500" in finding.message and "body:" in finding.message


def test_missing_callback_is_reported_within_the_configured_wait(run_forward: Runner) -> None:
    _, flow = run_forward("no_callback@on_select", timeout=0.5)
    on_select = result(flow, "on_select")
    assert on_select.outcome is Outcome.BROKEN
    assert rules(on_select) == {"WIRE-CALLBACK-001"}
    assert "0.5s (--callback-timeout)" in on_select.findings[0].message
    assert on_select.duration_s < 3.0


def test_late_callback_is_nacked_and_reported(run_forward: Runner) -> None:
    arrived = threading.Event()

    def spot(inbound: Inbound) -> None:
        if inbound.message.action == "on_select":
            arrived.set()

    session, flow = run_forward("late_callback@on_select", timeout=0.5, on_inbound=spot)
    assert rules(result(flow, "on_select")) == {"WIRE-CALLBACK-001"}
    assert arrived.wait(10), "the late on_select never arrived"
    late = session.mailbox.drain_stray(flow.inbox)
    assert [f.rule_id for f in late] == ["WIRE-CALLBACK-002"]
    lines = session.transcript.path.read_text(encoding="utf-8").splitlines()
    assert any('"action": "on_select"' in line and '"20009"' in line for line in lines)


@pytest.mark.parametrize(("fault", "step", "rule", "path"), [
    ("quote_total@on_confirm", "on_confirm", "RET-QUOTE-001", "$.message.order.quote.price.value"),
    ("quote_total@on_select", "on_select", "RET-QUOTE-001", "$.message.order.quote.price.value"),
    ("fulfillment_id@on_select", "on_select", "RET-FULF-001",
     "$.message.order.items[0].fulfillment_id"),
    ("no_cancellation_terms@on_init", "on_init", "RET-CANCEL-001",
     "$.message.order.cancellation_terms"),
    ("wrong_message_id@on_select", "on_select", "CTX-MSGID-002", "$.context.message_id"),
])
def test_payload_faults_are_caught_by_their_rule(run_forward: Runner, fault: str, step: str,
                                                 rule: str, path: str) -> None:
    _, flow = run_forward(fault)
    faulty = result(flow, step)
    assert faulty.outcome is Outcome.FAILED
    assert (rule, path) in {(f.rule_id, f.path) for f in faulty.findings}
    untouched = [r for r in flow.results if r.step.kind == "send"]
    assert all(r.outcome is Outcome.PASSED for r in untouched)
