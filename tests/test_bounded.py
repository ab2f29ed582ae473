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
SLACK_S = 1.5
"""Session start, three searches and their ACKs, reporting: generous, so CI load cannot flake."""


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
    # Flow a needs its 2.2 s wait plus start-up (well under 1.3 s); flow b would need as much
    # again, so the budget runs out during its wait; flow c cannot start.
    budget = 3.5
    result = _run(pytester, "--max-duration", f"{budget:g}", ttl_s=2.0)
    ran_out = f"the run's --max-duration ({budget:g}s) ran out"
    result.stdout.fnmatch_lines([
        "*silent.a::on_search — expect on_search*",
        "*[[]FAIL[]] WIRE-CALLBACK-001 (blocker) at $",
        "*no on_search for search (message_id *) within PT2S ttl + 0.2s grace"])
    result.stdout.fnmatch_lines([
        "*silent.b::on_search — expect on_search*",
        f"  {ran_out} while waiting for on_search (its own wait, PT2S ttl + 0.2s grace, "
        "had not run out)",
        "0 finding(s); the step fails at major and above:"])
    result.stdout.fnmatch_lines(["*silent.b::search_again could not run: earlier step "
                                 "'on_search'*broke*", f"*{ran_out}*"])
    for step in ("search", "on_search", "search_again"):
        result.stdout.fnmatch_lines([f"*silent.c::{step} did not run: {ran_out}"])
    outcomes = result.parseoutcomes()
    assert outcomes == {"passed": 2, "failed": 2, "errors": 5}
    assert result.ret == 1
    events, summary = _evidence(pytester)
    elapsed = events[-1]["monotonic"] - events[0]["monotonic"]
    assert elapsed < budget + SLACK_S, elapsed
    assert summary["max_duration_s"] == budget and summary["max_duration_ran_out"] is True
    assert not any(f.get("rule") == "WIRE-CALLBACK-001" and "silent.b" in json.dumps(e)
                   for e in events for f in e.get("findings", [])), "no finding for our own cut"
    assert [e["flow"] for e in events if e["kind"] == "request"] == ["silent.a", "silent.b"]
