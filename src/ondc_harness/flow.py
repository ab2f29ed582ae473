"""FlowRun: execute a scenario's steps in order against the participant, with per-flow state.

Each step runs at most once; pytest items ask for "everything up to step N" and share the
result.  A step whose message never arrived (or could not be parsed, or was refused) *breaks*
the flow: later steps cannot run and are reported as errors naming it.  A step whose message
arrived but has findings only *fails*; the flow carries on, because later steps are still
meaningful evidence.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ondc_harness.checks import runner_rules as rr
from ondc_harness.checks.access import MISSING
from ondc_harness.checks.catalog import get_rule
from ondc_harness.checks.engine import check_message
from ondc_harness.checks.findings import Finding, Severity
from ondc_harness.durations import parse_duration
from ondc_harness.jsonpaths import first
from ondc_harness.message import FlowHistory, Message
from ondc_harness.scenario import Scenario, ScenarioError, Step, read_yaml
from ondc_harness.templates import TemplateError, render
from ondc_harness.wire.client import SyncAnswer, encode_payload, post_signed
from ondc_harness.wire.mailbox import Inbound

if TYPE_CHECKING:
    from ondc_harness.session import HarnessSession

DEFAULT_TTL = "PT30S"
SAVE_RULE = "FLOW-SAVE-001"


class Outcome(Enum):
    PASSED = "passed"
    FAILED = "failed"    # the message arrived, with findings at or above the threshold
    BROKEN = "broken"    # no usable message: later steps cannot run


@dataclass
class StepResult:
    """What happened at one step, with all its evidence."""

    step: Step
    outcome: Outcome
    findings: list[Finding] = field(default_factory=list)
    note: str = ""
    request: Message | None = None
    answer: SyncAnswer | None = None
    inbound: Inbound | None = None
    duration_s: float = 0.0
    overhead_s: float = 0.0
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Sent:
    message: Message
    sent_at: float
    answered_at: float
    ttl_s: float
    ttl_text: str


def now_timestamp(not_before: str = "") -> str:
    """RFC 3339 UTC with milliseconds and Z; strictly after ``not_before`` when given."""
    moment = datetime.now(UTC)
    if not_before:
        try:
            floor = datetime.fromisoformat(not_before.replace("Z", "+00:00"))
            if moment <= floor:
                moment = floor + timedelta(milliseconds=1)
        except ValueError:
            pass
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@lru_cache(maxsize=256)
def _template(path: Path) -> Any:
    data, _ = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
        raise ScenarioError(path, 1, "message", "a payload template needs a `message:` object")
    return data


class FlowRun:
    """One execution of a scenario (one transaction)."""

    def __init__(self, scenario: Scenario, session: HarnessSession) -> None:
        self.scenario = scenario
        self.session = session
        self.transaction_id = str(uuid.uuid4())
        self.inbox = session.mailbox.open(self.transaction_id)
        self.history = FlowHistory()
        self.results: list[StepResult] = []
        self._sent: dict[str, _Sent] = {}
        participant = session.participant
        self.variables: dict[str, Any] = {
            "transaction_id": self.transaction_id,
            "domain": participant.domain or scenario.domain,
            "core_version": participant.core_version or scenario.version,
            "city": participant.city or "std:080",
            "country": "IND",
            "ttl": DEFAULT_TTL,
            "bap_id": session.settings.subscriber_id,
            "bap_uri": session.callback_base_url,
            "bpp_id": participant.subscriber_id,
            "bpp_uri": participant.base_url,
            **scenario.vars,
        }

    # -- running -------------------------------------------------------------------------
    def broken_step(self, before: int) -> StepResult | None:
        """The first broken step among the first ``before`` steps, if any."""
        for result in self.results[:before]:
            if result.outcome is Outcome.BROKEN:
                return result
        return None

    def run_through(self, index: int) -> None:
        """Run every step up to and including ``index`` that has not run yet."""
        while len(self.results) <= index:
            if self.broken_step(len(self.results)) is not None:
                return
            if self.session.out_of_time():
                return  # --max-duration ran out: the items report the steps that did not run
            step = self.scenario.steps[len(self.results)]
            started = time.monotonic()
            try:
                result = self._send(step) if step.kind == "send" else self._expect(step)
            except KeyboardInterrupt:  # Ctrl-C: say in the evidence which step it cut short
                self.session.transcript.record_step(self.scenario.id, step.name, "interrupted",
                                                    [], "interrupted (Ctrl-C) during this step")
                raise
            result.duration_s = time.monotonic() - started
            if result.answer is not None:
                result.overhead_s = max(result.duration_s - result.answer.elapsed_s, 0.0)
            result.findings.extend(self._strays_for(step))
            if result.outcome is Outcome.PASSED and self._fails(result.findings):
                result.outcome = Outcome.FAILED
            result.variables = dict(self.variables)
            self.results.append(result)
            self.session.record_step(self, result)

    def _strays_for(self, step: Step) -> list[Finding]:
        """Stray findings (late, duplicate, replayed callbacks) for the step that just ran.

        A stray about a callback a later step of this flow expects waits for that step (an
        on_search replayed while the search was still being answered belongs to on_search,
        not to search); what no later step expects goes to this one.
        """
        strays = self.session.mailbox.drain_stray(self.inbox)
        later = {s.action for s in self.scenario.steps[len(self.results) + 1:]
                 if s.kind == "expect"} - {step.action}
        for finding in strays:
            if finding.action in later:
                self.session.mailbox.add_stray(self.inbox, finding)
        return [f for f in strays if f.action not in later]

    def _fails(self, findings: list[Finding]) -> bool:
        return any(f.severity >= self.session.settings.fail_on for f in findings)

    def _within_budget(self, seconds: float) -> tuple[float, bool]:
        """``seconds`` capped by what is left of --max-duration, and whether it was capped."""
        left = self.session.budget_left()
        if left is None or left >= seconds:
            return seconds, False
        return max(left, 0.01), True

    # -- send ----------------------------------------------------------------------------
    def build_request(self, step: Step) -> dict[str, Any]:
        """Render the step's template and write the context around it."""
        assert step.payload is not None
        template_path = self.scenario.root / step.payload
        template = _template(template_path)
        last = self.history.messages[-1].timestamp if self.history.messages else ""
        timestamp = now_timestamp(last)
        self.variables.update(message_id=str(uuid.uuid4()), timestamp=timestamp,
                              **_offsets(timestamp))
        scope = {**self.variables, **step.vars}
        payload = render(template, scope, source=str(template_path))
        context = {
            "domain": scope["domain"], "action": step.action, "country": scope["country"],
            "city": scope["city"], "core_version": scope["core_version"],
            "bap_id": scope["bap_id"], "bap_uri": scope["bap_uri"],
            "bpp_id": scope["bpp_id"], "bpp_uri": scope["bpp_uri"],
            "transaction_id": self.transaction_id, "message_id": scope["message_id"],
            "timestamp": timestamp, "ttl": scope["ttl"],
        }
        for key, value in (payload.get("context") or {}).items():
            if value is None:  # `key: null` removes it (IGM 2.0 / RSF: no core_version, city)
                context.pop(key, None)
            else:
                context[key] = value
        body = {"context": context, "message": payload["message"]}
        # Other top-level keys travel as written (catalog_rejection carries `errors` there).
        body.update({k: v for k, v in payload.items() if k not in ("context", "message")})
        return body

    def _send(self, step: Step) -> StepResult:
        try:
            payload = self.build_request(step)
        except (TemplateError, ScenarioError) as exc:
            return StepResult(step, Outcome.BROKEN, note=f"cannot build {step.action}: {exc}")
        body = encode_payload(payload)
        request = Message(payload, "out", body)
        url = f"{self.session.participant.base_url}/{step.action}"
        settings = self.session.settings
        self.session.mailbox.note_sent(self.inbox, request.message_id, step.action)
        answered = self.session.mailbox.expect_answer(self.inbox, request.message_id)
        timeout_s, capped = self._within_budget(settings.request_timeout_s)
        sent_at = time.monotonic()
        try:
            answer = post_signed(self.session.http, url, body, self.session.signer,
                                 action=step.action, timeout_s=timeout_s,
                                 max_body=settings.max_body, on_answer=answered.set)
        except KeyboardInterrupt:  # keep the request that was in flight as evidence
            self.session.transcript.record_outbound(
                self.scenario.id, step.name, url, self.session.signer.headers_for(body), body,
                SyncAnswer(url=url, transport_error="interrupted (Ctrl-C) before the answer"))
            raise
        finally:
            answered.set()
        request.headers = self.session.signer.headers_for(body)
        self.session.transcript.record_outbound(self.scenario.id, step.name, url,
                                                request.headers, body, answer)
        self.history.append(request)
        ttl_text = str(payload["context"].get("ttl") or DEFAULT_TTL)
        try:
            ttl_s = parse_duration(ttl_text)
        except ValueError:
            ttl_s = parse_duration(DEFAULT_TTL)
        self._sent[step.action] = _Sent(request, sent_at, time.monotonic(), ttl_s, ttl_text)
        result = self._judge_send(step, request, answer)
        if capped and any(f.rule_id == rr.WIRE_SYNC_TIMEOUT for f in answer.findings):
            # Our budget ended the wait, not the participant's --request-timeout: no finding.
            result.findings = [f for f in result.findings if f.rule_id != rr.WIRE_SYNC_TIMEOUT]
            result.outcome = Outcome.BROKEN
            result.note = f"{self.session.ran_out_text()} while waiting for the answer to " \
                f"{step.action}"
        return result

    def _judge_send(self, step: Step, request: Message, answer: SyncAnswer) -> StepResult:
        result = StepResult(step, Outcome.PASSED, request=request, answer=answer)
        if step.expect_nack:
            if answer.ack_status == "NACK":
                result.note = f"refused as expected: {answer.error}"
                return result
            result.findings.append(Finding(
                rule_id=rr.WIRE_NACK, severity=Severity.CRITICAL, action=step.action,
                path="$.message.ack.status",
                message=f"expected the participant to refuse this {step.action} (NACK), "
                        f"got {answer.ack_status or answer.status_code}"))
            result.outcome = Outcome.BROKEN
            return result
        result.findings.extend(answer.findings)
        if not answer.acked:
            result.outcome = Outcome.BROKEN
            result.note = f"{step.action} was not acknowledged, so no callback can follow"
        return result

    # -- expect --------------------------------------------------------------------------
    def _deadline(self, step: Step) -> tuple[float, str, _Sent | None]:
        settings = self.session.settings
        sent = None if step.unsolicited else self._sent.get(step.answers or step.request_action)
        start = sent.sent_at if sent else time.monotonic()
        if settings.callback_timeout_s is not None:
            return start + settings.callback_timeout_s, f"{settings.callback_timeout_s:g}s " \
                "(--callback-timeout)", sent
        ttl_s = sent.ttl_s if sent else (step.within_s or parse_duration(DEFAULT_TTL))
        ttl_text = sent.ttl_text if sent else f"{ttl_s:g}s"
        return (start + ttl_s + settings.callback_grace_s,
                f"{ttl_text} ttl + {settings.callback_grace_s:g}s grace", sent)

    def _expect(self, step: Step) -> StepResult:
        deadline, budget, sent = self._deadline(step)
        run_deadline = self.session.deadline
        capped = run_deadline is not None and run_deadline < deadline
        if capped and run_deadline is not None:
            deadline = run_deadline
        matcher = None
        if step.match:
            def matcher(message: Message) -> bool:
                return all(first(message.payload, path) == value
                           for path, value in step.match.items())
        inbound = self.session.mailbox.wait(
            self.inbox, step.action, deadline=deadline,
            message_id=sent.message.message_id if sent else None, match=matcher,
            late_after=not capped)
        if inbound is None and capped:
            return StepResult(step, Outcome.BROKEN, note=(
                f"{self.session.ran_out_text()} while waiting for {step.action} (its own wait, "
                f"{budget}, had not run out)"))
        if inbound is None:
            what = (f"for {sent.message.action} (message_id {sent.message.message_id})"
                    if sent else "(unsolicited)")
            wanted = f" matching {step.match}" if step.match else ""
            others = self._unclaimed_ids(step.action)
            meanwhile = (f"; meanwhile {len(others)} other {step.action} arrived, with "
                         f"message_id {', '.join(others[:3])}" if others else "")
            findings = [Finding(
                rule_id=rr.CALLBACK_MISSING, severity=get_rule(rr.CALLBACK_MISSING).severity,
                action=step.action, path="$",
                message=f"no {step.action}{wanted} {what} within {budget}{meanwhile}")]
            if sent is not None:
                findings.extend(self._strangers(step.action, sent.message))
            return StepResult(step, Outcome.BROKEN, findings=findings,
                              note=f"no {step.action} arrived within {budget}")
        received_at = time.monotonic()
        result = StepResult(step, Outcome.PASSED, inbound=inbound,
                            findings=list(inbound.findings))
        if not inbound.usable:
            result.outcome = Outcome.BROKEN
            result.note = f"{step.action} arrived but cannot be read"
            return result
        # A callback that beat its request's ACK carries WIRE-CALLBACK-005 from the server.
        message = inbound.message
        result.findings.extend(self._checks(step, message))
        self.history.append(message)
        result.findings.extend(self._save(step, message))
        result.overhead_s = time.monotonic() - received_at
        return result

    def _strangers(self, action: str, request: Message) -> list[Finding]:
        """WIRE-CALLBACK-004 for callbacks answering ``request`` under another transaction_id.

        The server NACKed them as unknown; the flow adopts them so the step that waited in vain
        says where its answer went (and the summary does not count them twice).
        """
        adopted = self.session.mailbox.adopt_orphans(self.inbox, action, request.message_id)
        return [Finding(
            rule_id=rr.CALLBACK_UNKNOWN, severity=get_rule(rr.CALLBACK_UNKNOWN).severity,
            action=action, path="$.context.transaction_id",
            message=f"{action} answering {request.action} (message_id {request.message_id}) "
                    f"arrived with transaction_id {r.message.transaction_id!r}, not this flow's "
                    f"{self.transaction_id!r}; answered NACK 20006",
            expected=self.transaction_id, actual=r.message.transaction_id) for r in adopted]

    def _unclaimed_ids(self, action: str) -> list[str]:
        """Message ids of ``action`` callbacks that arrived but no step has taken."""
        return [r.message.message_id or "(none)" for r in self.inbox.received
                if r.message.action == action and r.seq not in self.inbox.consumed]

    def _checks(self, step: Step, message: Message) -> list[Finding]:
        wants = {c for c in step.checks if isinstance(c, str)}
        findings = check_message(message, self.history, schema="schema" in wants,
                                 rules="rules" in wants)
        for check in step.checks:
            if isinstance(check, dict):
                findings.extend(self._same_as(check, message))
        return findings

    def _same_as(self, check: dict[str, Any], message: Message) -> list[Finding]:
        from ondc_harness.checks.same_as import same_as_findings

        earlier = self.history.before(message).last(check["same_as"])
        if earlier is None:
            return []
        return list(same_as_findings(message, earlier, check["paths"]))

    def _save(self, step: Step, message: Message) -> list[Finding]:
        findings: list[Finding] = []
        for name, expression in step.save.items():
            value = first(message.payload, expression)
            if value is MISSING:
                findings.append(Finding(
                    rule_id=SAVE_RULE, severity=get_rule(SAVE_RULE).severity,
                    action=step.action, path=expression,
                    message=f"{step.action} has nothing at {expression}, which the flow needs "
                            f"later as {{{{{name}}}}}"))
                continue
            self.variables[name] = value
        return findings


def _offsets(timestamp: str) -> dict[str, str]:
    """``timestamp_plus_1h`` and friends, for fulfillment time ranges in templates."""
    base = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    out: dict[str, str] = {}
    for label, delta in (("plus_1h", timedelta(hours=1)), ("plus_2h", timedelta(hours=2)),
                         ("plus_1d", timedelta(days=1)), ("minus_1h", timedelta(hours=-1))):
        moment = base + delta
        out[f"timestamp_{label}"] = (moment.strftime("%Y-%m-%dT%H:%M:%S.")
                                     + f"{moment.microsecond // 1000:03d}Z")
    return out
