"""``pytest --ondc-logs PATH suites/retail``: recorded logs as pytest items, same checks as
``ondc-harness check``, no server started."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ondc_harness.cli import main

REPO = Path(__file__).resolve().parents[1]
SUITE = REPO / "suites" / "retail"
LOGS = REPO / "tests" / "fixtures" / "logs"


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(str(SUITE), "-p", "no:cacheprovider", "--report-dir",
                                         str(pytester.path / "reports"), "--ondc-logs",
                                         str(LOGS), *args)


def test_recorded_messages_become_items_named_by_folder_and_action(
        pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess(str(SUITE), "--collect-only", "-q", "--ondc-logs",
                                           str(LOGS))
    result.stdout.fnmatch_lines(["*seller.yaml::flow_messy#1a1a1a1a::02_on_select",
                                 "*seller.yaml::tree/group/flow_b#1a1a1a1a::*"])
    result.stdout.no_fnmatch_line("*retail.forward*")


def test_same_findings_as_the_check_command(pytester: pytest.Pytester,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(LOGS), "--json"])
    document = json.loads(capsys.readouterr().out)
    expected = Counter(f["rule"] for flow in document["flows"] for f in flow["findings"])
    result = run(pytester, "-rN")
    lines = result.stdout.lines
    start = lines.index("findings per rule:")
    seen: Counter[str] = Counter()
    for line in lines[start + 1:]:
        parts = line.split()
        if len(parts) != 3 or not parts[2].isdigit():
            break
        seen[parts[0]] = int(parts[2])
    assert seen == expected
    assert result.ret == 1
    assert not (pytester.path / "reports").exists(), "no live session, no server, no report dir"


def test_k_selects_recorded_actions(pytester: pytest.Pytester) -> None:
    result = run(pytester, "-k", "on_select")
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] == 1 and "passed" not in outcomes
    result.stdout.fnmatch_lines(["*flow_messy*02_on_select*", "*[[]FAIL[]] *"])


def test_skipped_files_are_listed_with_reasons(pytester: pytest.Pytester) -> None:
    result = run(pytester)
    result.stdout.fnmatch_lines(["*skipped *log_validation_report.json: verdict file*",
                                 "*skipped *notes.txt: not a JSON file*"])


def test_allure_labels_for_recorded_flows(pytester: pytest.Pytester) -> None:
    allure_dir = pytester.path / "allure"
    run(pytester, "-k", "on_select", "--alluredir", str(allure_dir))
    results = [json.loads(p.read_text()) for p in allure_dir.glob("*-result.json")]
    assert len(results) == 1
    labels = {(label["name"], label["value"]) for label in results[0]["labels"]}
    assert ("parentSuite", "ONDC:RET11") in labels or any(
        name == "parentSuite" and value.startswith("ONDC:") for name, value in labels)


def test_missing_log_path_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess(str(SUITE), "--ondc-logs", "no/such/dir")
    result.stderr.fnmatch_lines(["*--ondc-logs: no/such/dir does not exist*"])
    assert result.ret == 4
