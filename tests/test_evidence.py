"""Evidence survives Ctrl-C: pytest runs in a subprocess against a participant started here,
is interrupted (SIGINT) in the middle of the forward flow, and must leave a complete
transcript and a summary of the steps that ran — and a later run must not overwrite them.

The participant is the reference seller with a fault that makes the harness wait (an answer
that never comes, or a callback that never comes); an ASGI spy in front of it sets an event
when the harness reaches that point, so the test waits on an event, never on a clock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ondc_harness.reference.faults import parse_faults
from ondc_harness.reference.hostile import AsgiApp, Receive, Scope, Send
from ondc_harness.reference.seller import ReferenceSeller, ReferenceSellerConfig
from ondc_harness.wire.signing import KeyPair

REPO = Path(__file__).resolve().parents[1]
HARNESS = ("harness.ondc-harness.local", "harness-key-1")
DEADLINE_S = 60.0


class Spy:
    """ASGI middleware: ``arrived`` when a request for ``path`` comes in, ``answered`` once the
    app has finished answering it."""

    def __init__(self, app: AsgiApp, path: str) -> None:
        self.app, self.path = app, path
        self.arrived, self.answered = threading.Event(), threading.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        watched = scope["type"] == "http" and scope["path"] == self.path
        if watched:
            self.arrived.set()
        await self.app(scope, receive, send)
        if watched:
            self.answered.set()


@dataclass
class Project:
    root: Path
    seller: ReferenceSeller
    spy: Spy
    reports: Path

    def command(self, *extra: str) -> list[str]:
        return [sys.executable, "-m", "pytest", "suites/forward.yaml", "-p", "no:cacheprovider",
                "--participant", "participant.yaml", "--harness-keys", "harness-keys.json",
                "--report-dir", str(self.reports), "--request-timeout", "120", *extra]

    def run_dirs(self) -> list[Path]:
        return sorted(p for p in self.reports.iterdir() if p.is_dir())


@pytest.fixture
def project(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Project]:
    """A folder with the forward flow as its only suite and a participant.yaml pointing at a
    reference seller (with the fault ``request.param``) running in this process."""
    fault, path = request.param
    harness = KeyPair.generate()
    (tmp_path / "harness-keys.json").write_text(
        json.dumps({"signing_private_key": harness.signing_private_key}))
    (tmp_path / "scenarios").symlink_to(REPO / "scenarios", target_is_directory=True)
    (tmp_path / "suites").mkdir()
    (tmp_path / "suites" / "forward.yaml").write_text(
        "suite: forward\nscenarios: [retail/forward.yaml]\n")
    config = ReferenceSellerConfig(
        subscriber_id="seller.example.test", unique_key_id="k1",
        faults=frozenset(parse_faults([fault])),
        peer_keys=lambda sub, uk: harness.signing_public_key if (sub, uk) == HARNESS else None)
    seller = ReferenceSeller(config)
    spy = Spy(seller.app, path)
    seller.app = spy
    with seller:
        (tmp_path / "participant.yaml").write_text(
            f"role: seller\nsubscriber_id: seller.example.test\nunique_key_id: k1\n"
            f"base_url: {seller.base_url}\nsigning_public_key: {config.keys.signing_public_key}\n")
        yield Project(tmp_path, seller, spy, tmp_path / "reports")


def _interrupt(project: Project, when: threading.Event) -> tuple[int, str]:
    """Start the run, wait for ``when``, press Ctrl-C; the exit code and the output."""
    # faulthandler: if the run does not end after Ctrl-C, SIGABRT makes it print every
    # thread's stack, so a hang is reported with where it hangs.
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    process = subprocess.Popen(project.command(), cwd=project.root, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=env)
    try:
        reached = when.wait(DEADLINE_S)
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=DEADLINE_S)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        output, _ = process.communicate(timeout=DEADLINE_S)
        pytest.fail(f"the run did not end within {DEADLINE_S:g}s of Ctrl-C:\n{output}")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert reached, f"the run never reached the point to interrupt:\n{output}"
    return process.returncode, output


def _read(run_dir: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    text = (run_dir / "transcript.jsonl").read_text(encoding="utf-8")
    assert text.endswith("\n"), "the last line is complete"
    events = [json.loads(line) for line in text.splitlines()]  # every line is whole JSON
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    return events, summary


@pytest.mark.parametrize("project", [("hang@select", "/select")], indirect=True,
                         ids=["hang@select"])
def test_ctrl_c_while_waiting_for_an_answer_keeps_the_transcript_and_the_summary(
        project: Project) -> None:
    code, output = _interrupt(project, project.spy.arrived)
    assert code == pytest.ExitCode.INTERRUPTED, output
    assert "KeyboardInterrupt" in output
    (run_dir,) = project.run_dirs()
    events, summary = _read(run_dir)
    steps = [(e["step"], e["outcome"]) for e in events if e["kind"] == "step"]
    assert [name for name, _ in steps] == ["search", "on_search", "select"]
    assert steps[-1] == ("select", "interrupted")
    requests = [e for e in events if e["kind"] == "request"]
    assert [e["step"] for e in requests] == ["search", "select"]
    in_flight = requests[-1]
    assert in_flight["answer"]["transport_error"] == "interrupted (Ctrl-C) before the answer"
    assert json.loads(in_flight["body"])["context"]["action"] == "select"  # the exact bytes
    assert [e["action"] for e in events if e["kind"] == "inbound"] == ["on_search"]
    assert summary["steps"] == 2, "the steps that ran, not the one cut short"
    assert summary["per_flow"].keys() == {"retail.forward"}
    assert "interrupted" in summary
    assert run_dir.name in output  # the terminal summary still names the evidence


@pytest.mark.parametrize("project", [("no_callback@on_select", "/select")], indirect=True,
                         ids=["no_callback@on_select"])
def test_ctrl_c_while_waiting_for_a_callback_and_a_later_run_keeps_both(
        project: Project) -> None:
    code, output = _interrupt(project, project.spy.answered)
    assert code == pytest.ExitCode.INTERRUPTED, output
    (first,) = project.run_dirs()
    events, summary = _read(first)
    steps = [(e["step"], e["outcome"]) for e in events if e["kind"] == "step"]
    assert [name for name, _ in steps[:3]] == ["search", "on_search", "select"]
    assert "interrupted" in summary
    if steps[-1][1] == "interrupted":  # Ctrl-C cut a step short: it is named, not counted
        assert steps[-1][0] in ("select", "on_select")
        assert summary["steps"] == len(steps) - 1
    else:  # Ctrl-C landed between select and on_select: every recorded step is whole
        assert [outcome for _, outcome in steps] == ["passed"] * 3
        assert summary["steps"] == len(steps) == 3
    before = {p.name: p.read_bytes() for p in first.iterdir()}

    project.seller.config.faults = frozenset()
    again = subprocess.run(project.command("-k", "search and not on_"), cwd=project.root,
                           capture_output=True, text=True, timeout=DEADLINE_S)
    assert again.returncode == 0, again.stdout + again.stderr
    runs = project.run_dirs()
    assert len(runs) == 2 and first in runs
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before, "first run untouched"
    (second,) = [r for r in runs if r != first]
    assert _read(second)[1]["steps"] == 1
