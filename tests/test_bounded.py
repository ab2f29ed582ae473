"""Bounded time, as a user runs it (pytest in a subprocess): a participant that never calls back
costs each flow at most its ttl + grace, and --max-duration caps the whole run.

The suite is three one-request flows against the embedded reference seller with the
``no_callback`` fault (it ACKs and then stays silent).  Their search carries a short ttl
(``PT1S``) and the grace is 0.2 s, so each flow waits 1.2 s for its on_search.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
FLOWS = ("a", "b", "c")
TTL_S, GRACE_S = 1.0, 0.2
SLACK_S = 3.0
"""Session start, the searches and their ACKs, reporting: generous, so CI load cannot flake."""


def _project(pytester: pytest.Pytester, ttl_s: float) -> None:
    """scenarios/silent/flow_{a,b,c}.yaml and the suite that lists them."""
    search = (REPO / "scenarios" / "retail" / "payloads" / "search.yaml").read_text()
    payloads = pytester.path / "scenarios" / "silent" / "payloads"
    payloads.mkdir(parents=True)
    (payloads / "search.yaml").write_text(f"context:\n  ttl: PT{ttl_s:g}S\n{search}")
    for name in FLOWS:
        (payloads.parent / f"flow_{name}.yaml").write_text(
            f"id: silent.{name}\ntitle: a search nobody answers ({name})\n"
            "domain: ONDC:RET11\nversion: '1.2.5'\nunder_test: seller\n"
            "vars: {buyer_gps: '12.934500,77.619000', buyer_area_code: '560034'}\n"
            "steps:\n"
            "  - send: search\n    payload: silent/payloads/search.yaml\n"
            "  - expect: on_search\n    checks: none\n"
            "  - send: search\n    name: search_again\n    payload: silent/payloads/search.yaml\n")
    (pytester.path / "suites").mkdir()
    (pytester.path / "suites" / "silent.yaml").write_text(
        "suite: silent\nscenarios: [silent/flow_*.yaml]\n")


def _run(pytester: pytest.Pytester, *args: str, ttl_s: float = TTL_S) -> pytest.RunResult:
    _project(pytester, ttl_s)
    return pytester.runpytest_subprocess(
        "suites", "-p", "no:cacheprovider", "--report-dir", "reports",
        "--reference-faults", "no_callback", "--callback-grace", f"{GRACE_S:g}", *args)


def _evidence(pytester: pytest.Pytester) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    (run_dir,) = (pytester.path / "reports").iterdir()
    lines = (run_dir / "transcript.jsonl").read_text(encoding="utf-8").splitlines()
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    return [json.loads(line) for line in lines], summary


def test_a_silent_participant_costs_each_step_its_ttl_plus_grace(
        pytester: pytest.Pytester) -> None:
    result = _run(pytester)
    outcomes = result.parseoutcomes()
    assert outcomes["passed"] == len(FLOWS)           # each search was ACKed
    assert outcomes["failed"] == len(FLOWS)           # each on_search timed out
    assert outcomes["errors"] == len(FLOWS)           # each search_again could not run
    for name in FLOWS:  # the report says which step timed out, and after how long
        result.stdout.fnmatch_lines([
            f"*silent.{name}::on_search — expect on_search*",
            "*[[]FAIL[]] WIRE-CALLBACK-001 (blocker) at $",
            f"*no on_search for search (message_id *) within PT1S ttl + {GRACE_S:g}s grace",
        ])
        result.stdout.fnmatch_lines([
            f"*silent.{name}::search_again could not run: earlier step 'on_search'*broke*"])
    events, summary = _evidence(pytester)
    steps = [e for e in events if e["kind"] == "step"]
    elapsed = steps[-1]["monotonic"] - events[0]["monotonic"]
    assert elapsed < len(FLOWS) * (TTL_S + GRACE_S) + SLACK_S, elapsed
    assert elapsed >= len(FLOWS) * (TTL_S + GRACE_S) - 0.1, "each wait ran its full ttl + grace"
    assert summary["findings_per_rule"] == [
        {"rule": "WIRE-CALLBACK-001", "severity": "blocker", "count": len(FLOWS)}]


def test_max_duration_caps_the_run_and_names_the_steps_it_cut(pytester: pytest.Pytester) -> None:
    # Each flow waits 2.2 s, so two full waits cannot fit in the budget: the budget runs out
    # during flow a's wait or flow b's (depending on how long start-up took), that wait is cut
    # short, and flow c can never start.
    budget = 3.5
    result = _run(pytester, "--max-duration", f"{budget:g}", ttl_s=2.0)
    ran_out = f"the run's --max-duration ({budget:g}s) ran out"
    assert result.ret == 1
    for step in ("search", "on_search", "search_again"):
        result.stdout.fnmatch_lines([f"*silent.c::{step} did not run: {ran_out}"])
    events, summary = _evidence(pytester)
    elapsed = events[-1]["monotonic"] - events[0]["monotonic"]
    assert elapsed < budget + SLACK_S, elapsed
    assert summary["max_duration_s"] == budget and summary["max_duration_ran_out"] is True
    steps = [e for e in events if e["kind"] == "step"]
    assert "silent.c" not in {e["flow"] for e in steps}
    timed_out = [(e["flow"], e["step"]) for e in steps
                 if any(f["rule"] == "WIRE-CALLBACK-001" for f in e["findings"])]
    assert timed_out in ([], [("silent.a", "on_search")]), "only a full wait can time out"
    cut = [e for e in steps if e["note"].startswith(f"{ran_out} while waiting for")]
    assert len(cut) <= 1, cut
    for step_event in cut:  # the cut wait is no finding against the participant
        assert step_event["findings"] == [] and step_event["outcome"] == "broken"
        result.stdout.fnmatch_lines([
            f"*{step_event['flow']}::{step_event['step']} — *",
            f"  {ran_out} while waiting for *",
            "0 finding(s); the step fails at major and above:"])
        if step_event["step"] == "on_search":
            result.stdout.fnmatch_lines([
                f"*{step_event['flow']}::search_again could not run: earlier step "
                "'on_search'*broke*", f"*{ran_out}*"])
