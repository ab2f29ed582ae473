"""The pytest plugin: options, suite collection, session lifecycle, terminal summary.

Registered through the ``pytest11`` entry point, so ``pytest suites/retail`` works anywhere the
package is installed.  State lives in typed stash keys (``stash.py``); nothing starts (no
server, no port) until the first step item runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ondc_harness.checks.findings import Severity
from ondc_harness.config import ConfigError, HarnessSettings, ParticipantConfig
from ondc_harness.items import SuiteFile, is_suite_file
from ondc_harness.stash import ctrl_c_key, participant_key, session_key, settings_key

MARKERS = {
    "discovery": "catalogue flows (search, on_search, incremental refresh)",
    "order": "order flows (select → confirm → fulfilment)",
    "cancel": "cancellation flows",
    "returns": "return, replacement and update flows",
    "post_fulfilment": "rating and support",
    "legacy": "older API set (reason and category look-ups)",
    "igm": "Issue & Grievance Management flows",
    "rsf": "Reconciliation & Settlement Framework flows",
    "logistics": "logistics flows",
    "negative": "flows that expect the participant to refuse something",
    # steps of APIs outside the request/on_request pairs of ACTIONS
    "catalog_rejection": "steps of the catalog_rejection API (a buyer app refuses a catalogue)",
    **{name: f"steps of the legacy {name} look-up" for name in (
        "get_cancellation_reasons", "cancellation_reasons", "get_return_reasons",
        "return_reasons", "get_rating_categories", "rating_categories",
        "get_feedback_categories", "feedback_categories", "get_feedback_form",
        "feedback_form")},
}
ACTIONS = ("search", "select", "init", "confirm", "status", "track", "cancel", "update",
           "rating", "support", "issue", "issue_status", "settle", "recon", "report",
           "search_inc")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ondc", "ONDC conformance harness")
    group.addoption("--participant", type=Path, default=None, metavar="FILE",
                    help="participant.yaml describing the server under test "
                         "(default: the embedded reference seller)")
    group.addoption("--harness-keys", type=Path, default=None, metavar="FILE",
                    help="the harness's signing keys (JSON/YAML from `ondc-harness keys "
                         "generate`); default: $ONDC_HARNESS_PRIVATE_KEY or fresh keys per run")
    group.addoption("--reference-faults", default="", metavar="NAME[,NAME...]",
                    help="make the embedded reference seller misbehave (NAME or NAME@action)")
    group.addoption("--callback-grace", type=float, default=5.0, metavar="SECONDS",
                    help="extra wait for a callback after the request ttl (default 5)")
    group.addoption("--callback-timeout", type=float, default=None, metavar="SECONDS",
                    help="wait this long for each callback instead of ttl + grace")
    group.addoption("--request-timeout", type=float, default=10.0, metavar="SECONDS",
                    help="bound on each synchronous answer, trickling bodies included")
    group.addoption("--max-body", type=int, default=20 * 1024 * 1024, metavar="BYTES",
                    help="largest body accepted in either direction (default 20 MB)")
    group.addoption("--harness-host", default="127.0.0.1",
                    help="address the inbound server binds (default loopback only)")
    group.addoption("--harness-port", type=int, default=0,
                    help="port of the inbound server (default: any free port)")
    group.addoption("--callback-url", default=None, metavar="URL",
                    help="the harness's base URL as the participant must reach it "
                         "(for tunnels); sent as bap_uri")
    group.addoption("--fail-on", default="major", metavar="SEVERITY",
                    help="a step fails on a finding at or above this severity "
                         "(minor, major, critical, blocker; default major)")
    group.addoption("--report-dir", type=Path, default=Path("reports"), metavar="DIR",
                    help="where each run's folder (transcript, summary) is created")
    group.addoption("--max-duration", type=float, default=None, metavar="SECONDS",
                    help="cap on the whole run, from its first step: waits are cut to what is "
                         "left, and steps that cannot start any more are errors saying so")
    group.addoption("--ondc-logs", type=Path, default=None, metavar="PATH",
                    help="check recorded payloads (a file, a flow folder or a tree) instead of "
                         "running the suite's scenarios live; no server is started")


def _settings(config: pytest.Config) -> HarnessSettings:
    option = config.option
    try:
        fail_on = Severity.parse(option.fail_on)
    except ValueError as exc:
        raise pytest.UsageError(f"--fail-on: {exc}") from None
    faults = tuple(f.strip() for f in option.reference_faults.split(",") if f.strip())
    if faults and option.participant is not None:
        raise pytest.UsageError("--reference-faults applies to the embedded reference seller, "
                                "not to a --participant")
    if faults:
        from ondc_harness.reference.faults import parse_faults

        try:
            parse_faults(faults)
        except ValueError as exc:
            raise pytest.UsageError(f"--reference-faults: {exc}") from None
    return HarnessSettings(
        callback_grace_s=option.callback_grace, callback_timeout_s=option.callback_timeout,
        request_timeout_s=option.request_timeout, max_body=option.max_body,
        host=option.harness_host, port=option.harness_port, callback_url=option.callback_url,
        faults=faults, fail_on=fail_on, report_root=option.report_dir,
        harness_keys=option.harness_keys, max_duration_s=option.max_duration,
    )


def pytest_configure(config: pytest.Config) -> None:
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
    for action in ACTIONS:
        config.addinivalue_line("markers", f"{action}: steps of the {action} API")
        config.addinivalue_line("markers", f"on_{action}: steps of the on_{action} callback")
    config.stash[settings_key] = _settings(config)
    config.option.fail_on_severity = config.stash[settings_key].fail_on
    logs = config.option.ondc_logs
    if logs is not None and not logs.exists():
        raise pytest.UsageError(f"--ondc-logs: {logs} does not exist")
    participant = None
    if config.option.participant is not None:
        try:
            participant = ParticipantConfig.load(config.option.participant)
        except ConfigError as exc:
            raise pytest.UsageError(str(exc)) from None
    config.stash[participant_key] = participant


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> SuiteFile | None:
    if is_suite_file(file_path):
        return SuiteFile.from_parent(parent, path=file_path)
    return None


def pytest_report_header(config: pytest.Config) -> str | None:
    if config.option.participant is None and not any(
            is_suite_file(Path(str(a)).resolve()) or "suites" in str(a)
            for a in config.args):
        return None
    who = config.option.participant or "embedded reference seller"
    return f"ondc-harness: participant {who}; {config.stash[settings_key].describe()}"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int | pytest.ExitCode) -> None:
    """Ctrl-C: the summary written at unconfigure says the run was cut short."""
    harness = session.config.stash.get(session_key, None)
    if harness is not None and exitstatus == pytest.ExitCode.INTERRUPTED:
        harness.interrupted = True


def pytest_unconfigure(config: pytest.Config) -> None:
    guard = config.stash.get(ctrl_c_key, None)
    if guard is not None:
        guard.uninstall()
        config.pluginmanager.unregister(guard)
    session = config.stash.get(session_key, None)
    if session is not None:
        session.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from ondc_harness.report.summary import render_summary, summarise

    config = terminalreporter.config
    session = config.stash.get(session_key, None)
    if session is not None and session.records:
        terminalreporter.section("ONDC conformance summary")
        for line in render_summary(summarise(session.summary_records())):
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"evidence: {session.run_dir}")
    _offline_summary(terminalreporter)


def _offline_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The same summary for ``--ondc-logs`` runs, plus the files that were skipped and why."""
    from ondc_harness.log_items import loaded_key, records_key
    from ondc_harness.report.summary import render_summary, summarise

    records = terminalreporter.config.stash.get(records_key, None)
    loaded = terminalreporter.config.stash.get(loaded_key, None)
    if not records and loaded is None:
        return
    terminalreporter.section("ONDC recorded-log summary")
    for line in render_summary(summarise(records or [])):
        terminalreporter.write_line(line)
    for skipped in (loaded.skipped if loaded else [])[:50]:
        terminalreporter.write_line(f"skipped {skipped.file}: {skipped.reason}")
