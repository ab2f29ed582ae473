"""``ondc-harness check PATH``: text and JSON reports, exit codes 0 / 1 / 2, ``--fail-on``.

Exit-code tests use fixture folders whose findings come from the loader itself (``FILE-*``),
so they do not change when business rules are added.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ondc_harness.checks.findings import Finding, Severity
from ondc_harness.cli import main
from ondc_harness.logs import FILE_NO_TRANSACTION, FILE_NOT_JSON, FlowReport, LoadResult
from ondc_harness.report.offline import flow_lines, render_json

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "logs"
MESSY = FIXTURES / "flow_messy"
BROKEN_ONLY = FIXTURES / "broken_only"       # one empty .json file: FILE-JSON-001 (major)
ONLY_VERDICT = FIXTURES / "only_verdict"     # a verdict file and a text file: nothing to check
REAL_LOGS = Path(__file__).resolve().parents[1].parent / "shared" / "ondc" / "real-logs"

FLOW_KEYS = {"path", "transaction_id", "domain", "version", "findings"}
FINDING_KEYS = {"rule", "severity", "action", "file", "path", "message"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(capsys, *argv, "--json")
    assert err == ""
    document: dict[str, Any] = json.loads(out)
    return code, document


# --- text ------------------------------------------------------------------------------------

def test_text_report_lists_flows_findings_skips_and_a_summary(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(MESSY))
    assert (code, err) == (1, "")
    assert f"{MESSY} — ONDC:RET10 1.2.0, transaction 1a1a1a1a-1111-4111-8111-111111111111, " \
           "4 message(s)" in out
    assert f"[FAIL] {FILE_NOT_JSON} (major) broken.json $" in out
    assert f"[FAIL] {FILE_NO_TRANSACTION} (major) orphan.json $.context.transaction_id" in out
    assert f"{MESSY}/notes.txt: not a JSON file (.txt)" in out
    assert f"{MESSY}/log_validation_report.json: verdict file (official validator output)" in out
    assert f"{MESSY}/2_select (1).json: duplicate of 2_select.json" in out
    last = out.rstrip("\n").splitlines()[-1]
    assert last.startswith("4 flow(s), 7 message(s) from 11 file(s): ")
    assert last.endswith("6 skipped — FAILED at major")
    assert "Traceback" not in out


def test_findings_are_grouped_under_their_action(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, str(MESSY))
    lines = out.splitlines()
    at = lines.index(f"    [FAIL] {FILE_NO_TRANSACTION} (major) orphan.json "
                     "$.context.transaction_id")
    headers = [line for line in lines[:at] if line.startswith("  ") and line[2] != " "]
    assert headers[-1] == "  on_status"


def test_below_the_threshold_a_finding_is_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(BROKEN_ONLY), "--fail-on", "critical")
    assert code == 0
    assert f"[note] {FILE_NOT_JSON} (major) on_confirm.json $" in out
    assert out.rstrip().endswith("passed at critical")


# --- JSON ------------------------------------------------------------------------------------

def test_json_has_exactly_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run_json(capsys, str(MESSY))
    assert code == 1
    assert set(document) == {"flows", "summary"}
    assert document["flows"]
    for flow in document["flows"]:
        assert set(flow) == FLOW_KEYS
        assert flow["path"] == str(MESSY)
        for finding in flow["findings"]:
            assert set(finding) == FINDING_KEYS
            assert finding["file"]


def test_json_findings_name_rule_severity_action_file_and_path(
        capsys: pytest.CaptureFixture[str]) -> None:
    _, document = run_json(capsys, str(MESSY))
    findings = [f for flow in document["flows"] for f in flow["findings"]]
    assert {"rule": FILE_NO_TRANSACTION, "severity": "major", "action": "on_status",
            "file": "orphan.json", "path": "$.context.transaction_id",
            "message": "payload has no context.transaction_id: checked alone, without the "
                       "rest of its flow"} in findings
    assert any(f["rule"] == FILE_NOT_JSON and f["file"] == "broken.json" for f in findings)


def test_json_summary_counts_and_skipped_files(capsys: pytest.CaptureFixture[str]) -> None:
    _, document = run_json(capsys, str(MESSY))
    summary = document["summary"]
    assert (summary["files"], summary["flows"], summary["messages"]) == (11, 4, 7)
    assert summary["internal_errors"] == 0
    assert summary["fail_on"] == "major" and summary["failed"] is True
    assert summary["findings"] == sum(len(f["findings"]) for f in document["flows"])
    assert sum(summary["by_severity"].values()) == summary["findings"]
    assert list(summary["by_severity"]) == ["blocker", "critical", "major", "minor"]
    assert {"file": f"{MESSY}/evidence.pdf", "reason": "not a JSON file (.pdf)"} in (
        summary["skipped_files"])
    assert summary["skipped"] == len(summary["skipped_files"]) == 6


# --- exit codes ------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "fail_on", "code"), [
    (ONLY_VERDICT, None, 0),
    (BROKEN_ONLY, None, 1),
    (BROKEN_ONLY, "major", 1),
    (BROKEN_ONLY, "minor", 1),
    (BROKEN_ONLY, "critical", 0),
    (BROKEN_ONLY, "BLOCKER", 0),
])
def test_exit_code_follows_fail_on(capsys: pytest.CaptureFixture[str], path: Path,
                                   fail_on: str | None, code: int) -> None:
    extra = [] if fail_on is None else ["--fail-on", fail_on]
    assert run(capsys, str(path), *extra)[0] == code
    assert run_json(capsys, str(path), *extra)[0] == code


def test_nothing_to_check_is_a_pass_with_the_skips_listed(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run_json(capsys, str(ONLY_VERDICT))
    assert (code, document["flows"], document["summary"]["skipped"]) == (0, [], 2)


@pytest.mark.parametrize("argv", [
    ["/no/such/folder"],
    [str(MESSY), "--fail-on", "fatal"],
    [],
    [str(MESSY), "--unknown"],
], ids=["missing path", "bad severity", "no path", "unknown option"])
def test_usage_errors_exit_2_with_one_line_and_no_traceback(
        capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert "error" in err and "Traceback" not in err


def test_a_missing_path_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run(capsys, "/no/such/folder")
    assert err == "ondc-harness: error: no such file or directory: /no/such/folder\n"


def test_a_single_payload_file_can_be_checked(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run_json(capsys, str(MESSY / "orphan.json"))
    assert code == 1
    [flow] = document["flows"]
    assert FILE_NO_TRANSACTION in [f["rule"] for f in flow["findings"]]
    assert {f["file"] for f in flow["findings"]} == {"orphan.json"}


# --- the installed console script ------------------------------------------------------------

def test_console_script_exit_code_and_json_on_stdout() -> None:
    beside = Path(sys.executable).with_name("ondc-harness")
    script = str(beside) if beside.is_file() else shutil.which("ondc-harness")
    if script is None:
        pytest.skip("the ondc-harness console script is not installed (pip install -e .)")
    done = subprocess.run([script, "check", str(BROKEN_ONLY), "--json"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert (done.returncode, done.stderr) == (1, "")
    assert json.loads(done.stdout)["summary"]["findings"] == 1


# --- real logs -------------------------------------------------------------------------------

def test_real_logs_sample_has_no_internal_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A few real folders through the whole command; the full tree is the benchmark."""
    if not REAL_LOGS.is_dir():
        pytest.skip("the ONDC reference pack ../shared/ondc is not present")
    folders = sorted({p.parent for p in REAL_LOGS.rglob("*.json")})[7::60]
    for folder in folders:
        code, document = run_json(capsys, str(folder))
        assert code in (0, 1), folder
        assert document["summary"]["internal_errors"] == 0, folder


def test_identical_findings_are_shown_once_with_a_count() -> None:
    repeated = Finding("RET-QUOTE-001", Severity.CRITICAL, "on_init", "$.message.order.quote",
                       "quote: an element of on_select is missing", file="on_init.json")
    other = Finding("FILE-TXN-001", Severity.MAJOR, "on_init", "$.context", "other",
                    file="on_init.json")
    report = FlowReport("logs/flow", "ONDC:RET10", "1.2.0", "t1", [repeated] * 3 + [other], 1)
    lines = flow_lines(report, Severity.MAJOR)
    assert lines[2] == "    [FAIL] RET-QUOTE-001 (critical) on_init.json $.message.order.quote (×3)"
    assert lines[4] == "    [FAIL] FILE-TXN-001 (major) on_init.json $.context"
    assert len(json.loads(render_json([report], LoadResult(), Severity.MAJOR))["flows"][0][
        "findings"]) == 4
