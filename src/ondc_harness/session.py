"""HarnessSession: the long-lived parts of a run — keys, registry, inbound server, HTTP client,
transcript, and the embedded reference participant when no real one is configured.

One session per pytest process (per xdist worker), started lazily by the first item that needs
it and closed at the end of the run.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from ondc_harness.config import HarnessSettings, ParticipantConfig, load_harness_keys
from ondc_harness.report.transcript import Transcript, new_run_dir
from ondc_harness.wire.client import Signer
from ondc_harness.wire.mailbox import Mailbox
from ondc_harness.wire.registry import Registry, Subscriber
from ondc_harness.wire.server import InboundServer, ServerSettings
from ondc_harness.wire.serving import ServerThread

if TYPE_CHECKING:
    from ondc_harness.checks.findings import Finding
    from ondc_harness.flow import FlowRun, StepResult
    from ondc_harness.reference.seller import ReferenceSeller
    from ondc_harness.scenario import Scenario

REFERENCE_LATE_MARGIN_S = 1.0


@dataclass
class StepRecord:
    """A step outcome kept for the summary."""

    flow: str
    step: str
    outcome: str
    findings: list[dict[str, Any]] = field(default_factory=list)


class HarnessSession:
    """Everything a run shares across flows."""

    def __init__(self, settings: HarnessSettings, participant: ParticipantConfig | None) -> None:
        self.settings = settings
        self._configured_participant = participant
        self._lock = threading.Lock()
        self.records: list[StepRecord] = []
        self.flows: dict[str, FlowRun] = {}
        self.reference: ReferenceSeller | None = None
        self._server: ServerThread | None = None
        self.started = False
        self.closed = False
        self.interrupted = False
        # --max-duration counts from here: the session is created when the first step runs.
        self._run_started = time.monotonic()

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> HarnessSession:
        settings = self.settings
        self.run_dir: Path = new_run_dir(settings.report_root)
        self.transcript = Transcript(self.run_dir / "transcript.jsonl")
        keys = load_harness_keys(settings.harness_keys)
        self.signer = Signer(settings.subscriber_id, settings.unique_key_id, keys)
        remote = self._configured_participant.registry_url if self._configured_participant \
            else None
        self.registry = Registry(remote_url=remote)
        self.mailbox = Mailbox()
        # An early callback is held at most half the request timeout, so holding it cannot
        # itself time out the request whose ACK it waits for.
        self.inbound = InboundServer(self.mailbox, self.registry, self.transcript,
                                     ServerSettings(max_body=settings.max_body,
                                                    before_ack_hold_s=min(
                                                        1.0, settings.request_timeout_s / 2)))
        self._server = ServerThread(self.inbound.app, settings.host, settings.port, "inbound")
        own_url = self._server.start()
        self.participant = self._configured_participant or self._start_reference(own_url)
        self.callback_base_url = (settings.callback_url or self.participant.callback_url
                                  or own_url).rstrip("/")
        self.registry.add(Subscriber(settings.subscriber_id, settings.unique_key_id,
                                     keys.signing_public_key, type="BAP",
                                     subscriber_url=self.callback_base_url))
        if self.participant.signing_public_key:
            self.registry.add(Subscriber(self.participant.subscriber_id,
                                         self.participant.unique_key_id,
                                         self.participant.signing_public_key,
                                         subscriber_url=self.participant.base_url))
        self.http = httpx.Client(follow_redirects=False)
        self.transcript.record({"kind": "run", "settings": json.loads(settings.describe()),
                                "participant": self.participant.base_url,
                                "callback_url": self.callback_base_url})
        self.started = True
        return self

    # -- --max-duration --------------------------------------------------------------------
    @property
    def deadline(self) -> float | None:
        """When (time.monotonic) the run's --max-duration runs out; ``None``: no cap."""
        if self.settings.max_duration_s is None:
            return None
        return self._run_started + self.settings.max_duration_s

    def budget_left(self) -> float | None:
        """Seconds left of --max-duration (``None``: no cap); waits are capped by it."""
        deadline = self.deadline
        return None if deadline is None else deadline - time.monotonic()

    def out_of_time(self) -> bool:
        left = self.budget_left()
        return left is not None and left <= 0

    def ran_out_text(self) -> str:
        return f"the run's --max-duration ({self.settings.max_duration_s:g}s) ran out"

    def _start_reference(self, own_url: str) -> ParticipantConfig:
        from ondc_harness.reference.faults import parse_faults
        from ondc_harness.reference.hostile import HostileSettings
        from ondc_harness.reference.seller import ReferenceSeller, ReferenceSellerConfig

        settings = self.settings
        wait = (settings.callback_timeout_s if settings.callback_timeout_s is not None
                else 30.0 + settings.callback_grace_s)
        config = ReferenceSellerConfig(
            peer_keys=self.registry.public_key,
            faults=frozenset(parse_faults(settings.faults)),
            late_delay_s=wait + REFERENCE_LATE_MARGIN_S,
            hostile=HostileSettings(oversize_bytes=settings.max_body + 1024),
        )
        self.reference = ReferenceSeller(config)
        base_url = self.reference.start()
        return ParticipantConfig(
            role="seller", subscriber_id=config.subscriber_id,
            unique_key_id=config.unique_key_id, base_url=base_url.rstrip("/"),
            signing_public_key=config.keys.signing_public_key,
        )

    def close(self) -> None:
        if not self.started:
            return
        self.started = False
        self.closed = True
        self.write_summary()
        if self.reference is not None:
            self.reference.stop()
        if self._server is not None:
            self._server.stop()
        self.http.close()
        self.transcript.close()

    # -- flows ---------------------------------------------------------------------------
    def flow_for(self, scenario: Scenario, key: str) -> FlowRun:
        """The (single) run of ``scenario`` in this session, created on first use."""
        from ondc_harness.flow import FlowRun

        with self._lock:
            if key not in self.flows:
                self.flows[key] = FlowRun(scenario, self)
            return self.flows[key]

    def record_step(self, flow: FlowRun, result: StepResult) -> None:
        self.transcript.record_step(flow.scenario.id, result.step.name, result.outcome.value,
                                    result.findings, result.note)
        with self._lock:
            self.records.append(StepRecord(flow.scenario.id, result.step.name,
                                           result.outcome.value,
                                           [f.to_dict() for f in result.findings]))

    def summary_records(self) -> list[StepRecord]:
        """Step records plus one for callbacks that belong to no flow (WIRE-CALLBACK-004)."""
        from ondc_harness.checks import runner_rules as rr
        from ondc_harness.checks.catalog import get_rule

        records = list(self.records)
        orphans = [
            {"rule": rr.CALLBACK_UNKNOWN, "severity": str(get_rule(rr.CALLBACK_UNKNOWN).severity),
             "action": r.message.action or "?", "path": "$.context.transaction_id",
             "message": f"{r.message.action or 'message'} to {r.path} names transaction "
                        f"{r.message.transaction_id or '(none)'}, which no flow of this run "
                        "started; answered NACK"}
            for r in self.mailbox.orphans
        ]
        # what was wrong with them besides (unreadable, too large...): no evidence dropped
        orphans += [f.to_dict() for r in self.mailbox.orphans for f in r.findings]
        if orphans:
            records.append(StepRecord("(no flow)", "unknown transaction", "failed", orphans))
        with self._lock:
            flows = list(self.flows.values())
        for flow in flows:
            leftovers = self._leftovers(flow)
            if leftovers:
                fails = any(f.severity >= self.settings.fail_on for f in leftovers)
                records.append(StepRecord(flow.scenario.id, "(after the last step)",
                                          "failed" if fails else "passed",
                                          [f.to_dict() for f in leftovers]))
        return records

    def _leftovers(self, flow: FlowRun) -> list[Finding]:
        """What reached a flow after its last step ran, so no evidence is dropped: late and
        duplicate callbacks no step drained, and callbacks answering no request (a flood)."""
        from ondc_harness.checks import runner_rules as rr
        from ondc_harness.checks.catalog import get_rule
        from ondc_harness.checks.findings import Finding

        found = self.mailbox.pending_stray(flow.inbox)
        by_action: dict[str, list[str]] = {}
        for inbound in self.mailbox.unclaimed(flow.inbox):
            if not inbound.usable:  # unreadable: what the server found is the evidence
                found.extend(inbound.findings)
                continue
            by_action.setdefault(inbound.message.action, []).append(inbound.message.message_id)
        for action, ids in by_action.items():
            found.append(Finding(
                rule_id=rr.CALLBACK_UNKNOWN, severity=get_rule(rr.CALLBACK_UNKNOWN).severity,
                action=action, path="$.context.message_id",
                message=f"{len(ids)} {action} answer no request of this flow (message_id "
                        f"{', '.join(ids[:3])}{', …' if len(ids) > 3 else ''}); each was "
                        "answered and is in the transcript, but no step took it"))
        return found

    def write_summary(self) -> None:
        from ondc_harness.report.summary import summarise

        data = summarise(self.summary_records())
        if self.interrupted:
            data["interrupted"] = "the run was interrupted (Ctrl-C); steps not listed did not run"
        if self.settings.max_duration_s is not None:
            data["max_duration_s"] = self.settings.max_duration_s
            data["max_duration_ran_out"] = self.out_of_time()
        (self.run_dir / "summary.json").write_text(json.dumps(data, indent=2, default=str),
                                                   encoding="utf-8")
