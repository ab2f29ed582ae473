"""``pytest --ondc-logs PATH suites/retail``: recorded logs checked as pytest items.

The same loader and engine as ``ondc-harness check`` (``logs.py``), presented like a live run:
one collector per recorded flow, one item per message (named ``NN_action`` so ``-k on_confirm``
selects as in a live run), the same failure rendering, Allure labels and terminal summary.  No
server is started.  A suite collects the recorded flows of the families its scenarios belong
to (``retail/*.yaml`` → retail and logistics-free Retail flows, ``igm/*.yaml`` → IGM, ...), so
running a whole ``suites/`` folder shows each flow once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from ondc_harness.checks.findings import Finding, Severity
from ondc_harness.logs import Flow, LoadResult, check_message_in_flow, load_flows
from ondc_harness.message import Message
from ondc_harness.report.render import finding_lines
from ondc_harness.session import StepRecord

records_key = pytest.StashKey[list[StepRecord]]()
loaded_key = pytest.StashKey[LoadResult]()


def _family(flow: Flow) -> str:
    from ondc_harness.checks.schema import family_of

    for message in flow.messages:
        family = family_of(message.domain, message.action)
        if family is not None:
            return family
    return "unknown"


def suite_families(scenario_globs: list[str]) -> set[str]:
    """``["retail/*.yaml", "igm/*.yaml"]`` → ``{"retail", "igm"}``."""
    return {str(entry).split("/", 1)[0] for entry in scenario_globs}


@cache
def _load(path: Path) -> LoadResult:
    return load_flows(path)


def collect_logs(parent: pytest.File, logs: Path, families: set[str]) -> Iterator[pytest.Collector]:
    """Collectors for the recorded flows of ``families``; flows of no known family (files that
    hold no readable payload) go with the retail suite, so their FILE-* findings are shown."""
    root = logs.resolve()
    loaded = _load(root)
    parent.config.stash[loaded_key] = loaded
    for flow in loaded.flows:
        family = _family(flow)
        if family in families or (family == "unknown" and "retail" in families):
            yield LogFlowCollector.from_parent(parent, name=flow_name(flow, root), flow=flow)


def flow_name(flow: Flow, root: Path) -> str:
    """``RET10/Flow2#3ad25cc2``: the folder relative to ``--ondc-logs``, and the transaction."""
    folder = Path(flow.path)
    try:
        shown = folder.relative_to(root).as_posix() if folder != root else root.name
    except ValueError:
        shown = folder.as_posix()
    return f"{shown or root.name}#{(flow.transaction_id or 'no-transaction')[:8]}"


class LogFlowCollector(pytest.Collector):
    """One recorded flow (one transaction of one folder)."""

    def __init__(self, *, flow: Flow, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.flow = flow

    def collect(self) -> Iterator[pytest.Item]:
        if self.flow.findings:
            yield LogMessageItem.from_parent(self, name="00_files", index=-1)
        for index, message in enumerate(self.flow.messages):
            yield LogMessageItem.from_parent(self, name=f"{index + 1:02d}_{message.action or 'x'}",
                                             index=index)


class LogFindings(AssertionError):
    """A recorded message broke rules at or above ``--fail-on``."""


class LogMessageItem(pytest.Item):
    """One recorded message, checked against the messages before it in its flow."""

    def __init__(self, *, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        parent = self.parent
        assert isinstance(parent, LogFlowCollector)
        self.flow = parent.flow
        if index >= 0 and self.flow.messages[index].action:
            self.add_marker(self.flow.messages[index].action)

    @property
    def message(self) -> Message | None:
        return self.flow.messages[self.index] if self.index >= 0 else None

    def runtest(self) -> None:
        message = self.message
        findings = (list(self.flow.findings) if message is None
                    else check_message_in_flow(self.flow, self.index))
        self._record(findings)
        self._allure(findings)
        threshold = self.config.option.fail_on_severity
        if any(f.severity >= threshold for f in findings):
            raise LogFindings(self._render(findings, threshold))

    def _record(self, findings: list[Finding]) -> None:
        records = self.config.stash.setdefault(records_key, [])
        threshold = self.config.option.fail_on_severity
        outcome = "failed" if any(f.severity >= threshold for f in findings) else "passed"
        assert self.parent is not None
        records.append(StepRecord(self.parent.name, self.name, outcome,
                                  [f.to_dict() for f in findings]))

    def _render(self, findings: list[Finding], threshold: Severity) -> str:
        message = self.message
        where = message.file if message is not None else self.flow.path
        lines = [f"{self.flow.path} :: {self.name} ({where})", "",
                 f"{len(findings)} finding(s); the message fails at {threshold} and above:"]
        for finding in sorted(findings, key=lambda f: (-f.severity, f.rule_id, f.path)):
            lines += finding_lines(finding, threshold)
        return "\n".join(lines)

    def _allure(self, findings: list[Finding]) -> None:
        if not getattr(self.config.option, "allure_report_dir", None):
            return
        import allure

        message = self.message
        allure.dynamic.parent_suite(message.domain if message else "recorded logs")
        allure.dynamic.suite(self.flow.path)
        with allure.step(f"recorded {self.name}"):
            if message is not None:
                allure.attach(json.dumps(message.payload, indent=2, ensure_ascii=False,
                                         default=str),
                              name=f"{message.action} ({message.file})",
                              attachment_type=allure.attachment_type.JSON)
            if findings:
                allure.attach(json.dumps([f.to_dict() for f in findings], indent=2, default=str),
                              name="findings", attachment_type=allure.attachment_type.JSON)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, LogFindings):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        message = self.message
        return Path(message.file if message and message.file else self.flow.path), 0, \
            f"{self.flow.path}::{self.name}"
