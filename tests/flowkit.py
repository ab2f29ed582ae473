"""Running scenarios in-process for the harness's own tests: one fixture pattern, one place.

A flow runs against the embedded reference seller with real servers, real signatures and real
checks, but without pytest's collection layer, so a test costs about a second.  The pytest
integration itself is tested through pytester in test_plugin.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ondc_harness.checks.findings import Severity
from ondc_harness.config import HarnessSettings
from ondc_harness.flow import FlowRun, StepResult
from ondc_harness.scenario import load_scenario
from ondc_harness.session import HarnessSession
from ondc_harness.wire.mailbox import Inbound

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
CALLBACK_WAIT_S = 5.0
"""Default --callback-timeout of these runs: a callback that comes ends the wait at once, so only
runs where none comes pay it (those pass a short ``timeout``); shorter makes a loaded machine
look like a participant that never called back."""


class FlowRunner:
    """Starts a fresh session (and reference seller) per run; closes them all at the end."""

    def __init__(self, report_root: Path) -> None:
        self.report_root = report_root
        self.sessions: list[HarnessSession] = []

    def session(self, *faults: str, timeout: float = CALLBACK_WAIT_S,
                on_inbound: Callable[[Inbound], None] | None = None) -> HarnessSession:
        settings = HarnessSettings(report_root=self.report_root, callback_timeout_s=timeout,
                                   faults=faults)
        session = HarnessSession(settings, None).start()
        session.inbound.on_inbound = on_inbound
        self.sessions.append(session)
        return session

    def run(self, scenario_path: Path, *faults: str, timeout: float = CALLBACK_WAIT_S,
            on_inbound: Callable[[Inbound], None] | None = None,
            ) -> tuple[HarnessSession, FlowRun]:
        session = self.session(*faults, timeout=timeout, on_inbound=on_inbound)
        return session, run_whole(session, scenario_path)

    def close(self) -> None:
        for session in self.sessions:
            session.close()


def run_whole(session: HarnessSession, scenario_path: Path) -> FlowRun:
    scenario = load_scenario(scenario_path)
    flow = session.flow_for(scenario, scenario.id)
    flow.run_through(len(scenario.steps) - 1)
    return flow


def runner_fixture(report_root: Path) -> Iterator[FlowRunner]:
    runner = FlowRunner(report_root)
    yield runner
    runner.close()


def result(flow: FlowRun, name: str) -> StepResult:
    """The result of step ``name``; fails the test naming the steps that did run."""
    for candidate in flow.results:
        if candidate.step.name == name:
            return candidate
    raise AssertionError(f"step {name} did not run; ran {[r.step.name for r in flow.results]}")


def rules(step: StepResult) -> set[str]:
    return {f.rule_id for f in step.findings}


def serious(flow: FlowRun) -> list[str]:
    """Findings at major and above, one line each, for readable assertion failures."""
    return [f"{r.step.name}: {f.one_line()}" for r in flow.results for f in r.findings
            if f.severity >= Severity.MAJOR]
