"""The pytest plugin end to end, as a user runs it: `pytest suites/retail ...` in a subprocess.

Each test starts a real pytest process against the repository's suite; the embedded reference
seller (or a reference seller started here and described by a participant.yaml) is the
participant.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ondc_harness.reference.seller import ReferenceSeller, ReferenceSellerConfig
from ondc_harness.scenario import load_scenario
from ondc_harness.wire.signing import KeyPair

REPO = Path(__file__).resolve().parents[1]
SUITE = REPO / "suites" / "retail"
FORWARD = load_scenario(REPO / "scenarios" / "retail" / "forward.yaml")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        str(SUITE), "-p", "no:cacheprovider", "--report-dir", str(pytester.path / "reports"),
        "-k", "forward", *args)


def test_forward_flow_passes_against_the_reference_seller(pytester: pytest.Pytester) -> None:
    result = run(pytester)
    assert result.parseoutcomes()["passed"] == len(FORWARD.steps)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*ONDC conformance summary*", "flows: 1  steps: *",
                                 "no findings", "evidence: *"])


def test_node_ids_carry_flow_and_action(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess(str(SUITE), "--collect-only", "-q", "-k", "forward")
    result.stdout.fnmatch_lines(["*suites/retail/seller.yaml::retail.forward::search",
                                 "*suites/retail/seller.yaml::retail.forward::on_confirm"])


def test_selecting_one_step_runs_its_prerequisites_as_setup(pytester: pytest.Pytester) -> None:
    result = run(pytester, "-k", "forward and on_confirm")
    outcomes = result.parseoutcomes()
    assert outcomes["passed"] == 1
    # forward's other steps, and every step of the suite's other flows
    assert outcomes["deselected"] >= len(FORWARD.steps) - 1
    transcript = next((pytester.path / "reports").glob("*/transcript.jsonl"))
    steps = [json.loads(line) for line in transcript.read_text().splitlines()]
    ran = [e["step"] for e in steps if e["kind"] == "step"]
    assert ran[:8] == ["search", "on_search", "select", "on_select", "init", "on_init",
                       "confirm", "on_confirm"]


def test_broken_prerequisite_is_an_error_naming_the_step(pytester: pytest.Pytester) -> None:
    result = run(pytester, "-k", "forward and on_confirm", "--reference-faults", "nack@select")
    assert result.parseoutcomes()["errors"] == 1
    result.stdout.fnmatch_lines([
        "*retail.forward::on_confirm could not run: earlier step 'select'*broke.*",
        "*WIRE-ACK-002*"])
    result.stdout.no_fnmatch_line("*Traceback*")
    assert result.ret == 1


def test_failure_shows_source_line_findings_and_variables(pytester: pytest.Pytester) -> None:
    result = run(pytester, "-k", "forward and on_select", "--reference-faults",
                 "bad_signature@on_select")
    assert result.parseoutcomes()["failed"] == 1
    result.stdout.fnmatch_lines([
        "retail.forward::on_select — expect on_select (*forward.yaml:*)",
        "*| *- expect: on_select",
        "*[[]FAIL[]] WIRE-SIG-001 (blocker)*",
        "variables in scope:",
        "*provider_id = *",
        "evidence: *transcript.jsonl (message_id *)",
    ])


def test_each_run_gets_its_own_report_folder(pytester: pytest.Pytester) -> None:
    run(pytester, "-k", "forward and search and not on_")
    run(pytester, "-k", "forward and search and not on_")
    folders = sorted(p for p in (pytester.path / "reports").iterdir() if p.is_dir())
    assert len(folders) == 2
    for folder in folders:
        assert (folder / "transcript.jsonl").stat().st_size > 0
        summary = json.loads((folder / "summary.json").read_text())
        assert summary["steps"] == 1


def test_allure_results_carry_labels_and_evidence(pytester: pytest.Pytester) -> None:
    allure_dir = pytester.path / "allure"
    result = run(pytester, "-k", "forward and on_select", "--alluredir", str(allure_dir))
    assert result.ret == 0
    results = [json.loads(p.read_text()) for p in allure_dir.glob("*-result.json")]
    assert len(results) == 1
    labels = {(label["name"], label["value"]) for label in results[0]["labels"]}
    assert ("parentSuite", "ONDC:RET11") in labels and ("suite", "retail.forward") in labels
    names = json.dumps(results[0]["steps"])
    for expected in ("on_select callback", "select request", "select synchronous answer"):
        assert expected in names
    attachments = list(allure_dir.glob("*-attachment.json"))
    assert any('"on_select"' in p.read_text() for p in attachments)


def test_scenario_mistake_is_a_collection_error_with_file_line_key(
        pytester: pytest.Pytester) -> None:
    (pytester.path / "scenarios" / "demo").mkdir(parents=True)
    (pytester.path / "scenarios" / "demo" / "p.yaml").write_text("message: {}\n")
    (pytester.path / "scenarios" / "demo" / "flow.yaml").write_text(
        "id: demo.flow\ntitle: t\ndomain: ONDC:RET11\nversion: '1.2.5'\nunder_test: seller\n"
        "steps:\n  - send: search\n    payload: demo/p.yaml\n    sned: x\n")
    (pytester.path / "suites").mkdir()
    (pytester.path / "suites" / "demo.yaml").write_text("suite: demo\nscenarios: [demo/*.yaml]\n")
    result = pytester.runpytest_subprocess("suites", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*flow.yaml:9: steps.0.sned: unknown key*"])
    result.stdout.no_fnmatch_line("*Traceback*")
    assert result.ret == 2


def test_own_server_described_by_participant_yaml(pytester: pytest.Pytester) -> None:
    harness = KeyPair.generate()
    keys_file = pytester.path / "harness-keys.json"
    keys_file.write_text(json.dumps({"signing_private_key": harness.signing_private_key}))
    config = ReferenceSellerConfig(
        subscriber_id="seller.example.test", unique_key_id="k1",
        peer_keys=lambda sub, uk: harness.signing_public_key
        if (sub, uk) == ("harness.ondc-harness.local", "harness-key-1") else None)
    with ReferenceSeller(config) as seller:
        (pytester.path / "participant.yaml").write_text(
            f"role: seller\nsubscriber_id: seller.example.test\nunique_key_id: k1\n"
            f"base_url: {seller.base_url}\n"
            f"signing_public_key: {config.keys.signing_public_key}\n")
        result = run(pytester, "--participant", "participant.yaml",
                     "--harness-keys", str(keys_file))
    assert result.parseoutcomes()["passed"] == len(FORWARD.steps)
    output = result.stdout.str() + result.stderr.str()
    assert harness.signing_private_key not in output
    for path in (pytester.path / "reports").rglob("*"):
        if path.is_file():
            assert harness.signing_private_key not in path.read_text(errors="replace")


def test_bad_participant_file_is_a_usage_error(pytester: pytest.Pytester) -> None:
    (pytester.path / "participant.yaml").write_text("role: seller\nsubscriber_id: x\n")
    result = run(pytester, "--participant", "participant.yaml")
    result.stderr.fnmatch_lines(["*participant.yaml: unique_key_id is required*"])
    assert result.ret == 4


def test_unknown_fault_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--reference-faults", "no_such_fault")
    result.stderr.fnmatch_lines(["*--reference-faults: *no_such_fault*"])
    assert result.ret == 4


def test_quote_fault_fails_on_confirm_naming_rule_and_path(pytester: pytest.Pytester) -> None:
    result = run(pytester, "-k", "forward and on_confirm", "--reference-faults", "quote_total")
    assert result.parseoutcomes()["failed"] == 1
    result.stdout.fnmatch_lines([
        "*[[]FAIL[]] RET-QUOTE-001 (critical) at $.message.order.quote.price.value"])
    assert result.ret == 1


def test_flows_run_in_parallel_one_flow_per_worker(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess(
        str(SUITE), "-p", "no:cacheprovider", "--report-dir", str(pytester.path / "reports"),
        "-k", "forward or order_cod", "-n", "2", "--dist", "loadscope", "-v")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes.get("errors", 0) == 0, result.stdout.str()
    workers_of: dict[str, set[str]] = {}
    for line in result.stdout.lines:
        # pytest ≥ 9.2 shows the flow `retail.forward` as `retail::forward` in -v lines
        match = re.match(r"\[(gw\d+)\].* (PASSED|FAILED|ERROR) \S+?\.yaml::retail(?:\.|::)"
                         r"([a-z_]+)::", line)
        if match:
            workers_of.setdefault(f"retail.{match.group(3)}", set()).add(match.group(1))
    assert set(workers_of) == {"retail.forward", "retail.order_cod"}, result.stdout.str()
    assert all(len(workers) == 1 for workers in workers_of.values()), workers_of
