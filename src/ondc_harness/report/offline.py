"""``ondc-harness check PATH``: the offline report, as text for people and JSON for tools.

The JSON shape is a contract for CI scripts and is kept deliberately small::

    {"flows": [{"path", "transaction_id", "domain", "version",
                "findings": [{"rule", "severity", "action", "file", "path", "message"}]}],
     "summary": {...counts, skipped files, fail_on, failed}}

The exit code follows the rest of the command line: 1 when a finding is at or above
``--fail-on``, 0 otherwise (2, usage errors, is the caller's business).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from ondc_harness.checks import runner_rules
from ondc_harness.checks.findings import Finding, Severity
from ondc_harness.logs import FlowReport, LoadResult, check_path

DEFAULT_FAIL_ON = Severity.MAJOR


def severity_argument(text: str) -> Severity:
    """argparse ``type=`` for ``--fail-on``: a bad name is a usage error (exit 2)."""
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def failed(reports: Iterable[FlowReport], fail_on: Severity) -> bool:
    return any(f.severity >= fail_on for r in reports for f in r.findings)


# --- JSON ------------------------------------------------------------------------------------

def finding_json(finding: Finding) -> dict[str, Any]:
    return {"rule": finding.rule_id, "severity": str(finding.severity),
            "action": finding.action, "file": finding.file, "path": finding.path,
            "message": finding.message}


def flow_json(report: FlowReport) -> dict[str, Any]:
    return {"path": report.path, "transaction_id": report.transaction_id,
            "domain": report.domain, "version": report.version,
            "findings": [finding_json(f) for f in _ordered(report.findings)]}


def summarise(reports: list[FlowReport], loaded: LoadResult, fail_on: Severity) -> dict[str, Any]:
    """Counts a CI job can gate on or chart, plus every skipped file with its reason."""
    findings = [f for r in reports for f in r.findings]
    by_severity = Counter(str(f.severity) for f in findings)
    by_rule = Counter(f.rule_id for f in findings)
    return {
        "files": loaded.files,
        "flows": len(reports),
        "messages": sum(r.messages for r in reports),
        "findings": len(findings),
        "by_severity": {str(s): by_severity.get(str(s), 0) for s in reversed(Severity)},
        "by_rule": dict(sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))),
        "internal_errors": by_rule.get(runner_rules.RULE_CRASHED, 0),
        "skipped": len(loaded.skipped),
        "skipped_files": [{"file": s.file, "reason": s.reason} for s in loaded.skipped],
        "fail_on": str(fail_on),
        "failed": failed(reports, fail_on),
    }


def render_json(reports: list[FlowReport], loaded: LoadResult, fail_on: Severity) -> str:
    document = {"flows": [flow_json(r) for r in reports],
                "summary": summarise(reports, loaded, fail_on)}
    return json.dumps(document, indent=2, ensure_ascii=False)


# --- text ------------------------------------------------------------------------------------

def _ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Worst first, then by rule and file, so the same input always reads the same way."""
    return sorted(findings, key=lambda f: (-f.severity, f.rule_id, f.file or "", f.path))


def _by_action(findings: list[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by action, actions in the order the flow first raised them."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.action, []).append(finding)
    return groups


def _flow_heading(report: FlowReport) -> str:
    what = " ".join(part for part in (report.domain, report.version) if part) or "unknown domain"
    if report.transaction_id:
        return f"{report.path} — {what}, transaction {report.transaction_id}, " \
               f"{report.messages} message(s)"
    if report.messages:
        return f"{report.path} — {what}, no transaction_id"
    return f"{report.path} — files that hold no checkable payload"


def _collapsed(findings: list[Finding]) -> list[tuple[Finding, int]]:
    """Identical findings (same rule, file, path and message) once, with how many there were:
    one defect repeated per breakup line should not bury the rest of the report."""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    first: dict[tuple[str, str, str, str], Finding] = {}
    for finding in _ordered(findings):
        key = (finding.rule_id, finding.file or "", finding.path, finding.message)
        counts[key] += 1
        first.setdefault(key, finding)
    return [(finding, counts[key]) for key, finding in first.items()]


def flow_lines(report: FlowReport, fail_on: Severity) -> list[str]:
    heading = _flow_heading(report)
    if not report.findings:
        return [f"{heading}: no findings"]
    lines = [heading]
    for action, findings in _by_action(report.findings).items():
        lines.append(f"  {action if action != '?' else '(no action)'}")
        for finding, count in _collapsed(findings):
            flag = "FAIL" if finding.severity >= fail_on else "note"
            times = f" (×{count})" if count > 1 else ""
            lines.append(f"    [{flag}] {finding.rule_id} ({finding.severity}) "
                         f"{finding.file or '-'} {finding.path}{times}")
            lines.append(f"           {finding.message}")
    return lines


def summary_line(summary: dict[str, Any]) -> str:
    severities = ", ".join(f"{count} {name}" for name, count in summary["by_severity"].items())
    verdict = f"FAILED at {summary['fail_on']}" if summary["failed"] else \
        f"passed at {summary['fail_on']}"
    return (f"{summary['flows']} flow(s), {summary['messages']} message(s) from "
            f"{summary['files']} file(s): {summary['findings']} finding(s) ({severities}); "
            f"{summary['internal_errors']} internal error(s); {summary['skipped']} skipped — "
            f"{verdict}")


def render_text(reports: list[FlowReport], loaded: LoadResult, fail_on: Severity) -> str:
    lines: list[str] = []
    for report in reports:
        lines += flow_lines(report, fail_on)
    if loaded.skipped:
        lines += ["", "skipped:"]
        lines += [f"  {s.file}: {s.reason}" for s in loaded.skipped]
    lines += ["", summary_line(summarise(reports, loaded, fail_on))]
    return "\n".join(lines) + "\n"


# --- the command -----------------------------------------------------------------------------

def run_check(path: Path, *, as_json: bool, fail_on: Severity, out: TextIO) -> int:
    """Check ``path`` and write the report; raises ``FileNotFoundError`` for a missing path."""
    reports, loaded = check_path(path)
    render = render_json if as_json else render_text
    out.write(render(reports, loaded, fail_on))
    if as_json:
        out.write("\n")
    return 1 if failed(reports, fail_on) else 0
