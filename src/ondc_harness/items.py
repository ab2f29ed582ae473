"""Collection: suite YAML → one collector per flow → one pytest item per checked step.

Node ids read ``suites/retail/seller.yaml::retail.forward::on_confirm`` so ``-k on_confirm``
and ``-k forward`` select as users expect.  An item's *setup* runs the earlier steps of its flow
(once per flow, shared through the session), so a broken prerequisite is a pytest **error**
naming the step that broke; the item's own step is its *call*, so a finding is a **failure**.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ondc_harness.flow import FlowRun, Outcome, StepResult
from ondc_harness.report import allure_glue
from ondc_harness.report.render import render_prerequisite, render_step_failure
from ondc_harness.scenario import (
    Scenario,
    ScenarioError,
    find_scenarios_root,
    load_scenario,
    read_yaml,
)
from ondc_harness.stash import get_session


class StepFailed(AssertionError):
    """The step's message has findings at or above the threshold, or never arrived."""

    def __init__(self, result: StepResult) -> None:
        super().__init__(f"{result.step.name}: {result.outcome.value}")
        self.result = result


def is_suite_file(path: Path) -> bool:
    return path.suffix in (".yaml", ".yml") and "suites" in path.parts


class SuiteFile(pytest.File):
    """A suite: ``suite:`` id, ``title:``, optional ``markers:``, and ``scenarios:`` paths."""

    def collect(self) -> Iterator[pytest.Collector]:
        try:
            data, _ = read_yaml(self.path)
        except ScenarioError as exc:
            raise self.CollectError(str(exc)) from None
        if not isinstance(data, dict) or "suite" not in data:
            return
        root = find_scenarios_root(self.path.parent)
        entries = data.get("scenarios")
        if not isinstance(entries, list) or not entries:
            raise self.CollectError(f"{self.path}: scenarios: a suite lists scenario files")
        logs = self.config.option.ondc_logs
        if logs is not None:
            from ondc_harness.log_items import collect_logs, suite_families

            yield from collect_logs(self, logs, suite_families([str(e) for e in entries]))
            return
        suite_markers = [m for m in data.get("markers", []) if isinstance(m, str)]
        for entry in entries:
            for path in sorted(root.glob(str(entry))) or [root / str(entry)]:
                try:
                    scenario = load_scenario(path, root)
                except ScenarioError as exc:
                    raise self.CollectError(str(exc)) from None
                yield FlowCollector.from_parent(self, name=scenario.id, scenario=scenario,
                                                extra_markers=suite_markers)


class FlowCollector(pytest.Collector):
    """One scenario; its children are the steps."""

    def __init__(self, *, scenario: Scenario, extra_markers: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        for marker in (*scenario.markers, *extra_markers):
            self.add_marker(marker)
        # Node ids are FILE::FLOW::STEP, so pytest-xdist's `--dist loadscope` (scope = the
        # node id up to its last `::`) keeps a flow's steps, one transaction, on one worker.

    def collect(self) -> Iterator[pytest.Item]:
        for index, step in enumerate(self.scenario.steps):
            yield StepItem.from_parent(self, name=step.name, index=index)

    def flow_run(self) -> FlowRun:
        return get_session(self.config).flow_for(self.scenario, self.nodeid)


class StepItem(pytest.Item):
    """One checked step of a flow."""

    def __init__(self, *, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        parent = self.parent
        assert isinstance(parent, FlowCollector)
        self.flow_collector = parent
        self.step = parent.scenario.steps[index]
        self.add_marker(self.step.action)

    @property
    def scenario(self) -> Scenario:
        return self.flow_collector.scenario

    def setup(self) -> None:
        flow = self.flow_collector.flow_run()
        already = len(flow.results)
        flow.run_through(self.index - 1)
        allure_glue.label_item(self.config, self.scenario, self.step)
        for result in flow.results[already:self.index]:
            allure_glue.attach_result(self.config, result, prerequisite=True)
        broken = flow.broken_step(self.index)
        if broken is not None:
            # pytrace=False: an error that reads as the broken step, not as a traceback.
            pytest.fail(render_prerequisite(self.scenario, self.step, broken), pytrace=False)
        self._fail_if_out_of_time(flow)

    def _fail_if_out_of_time(self, flow: FlowRun) -> None:
        """This step has not run and the run's --max-duration is spent: say so (an error in
        setup, a failure if the budget ran out between setup and call)."""
        session = get_session(self.config)
        if len(flow.results) <= self.index and session.out_of_time():
            pytest.fail(f"{self.scenario.id}::{self.step.name} did not run: "
                        f"{session.ran_out_text()}", pytrace=False)

    def runtest(self) -> None:
        flow = self.flow_collector.flow_run()
        flow.run_through(self.index)
        self._fail_if_out_of_time(flow)
        result = flow.results[self.index]
        allure_glue.attach_result(self.config, result, prerequisite=False)
        if result.outcome is not Outcome.PASSED:
            raise StepFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        exc = excinfo.value
        if isinstance(exc, StepFailed):
            return render_step_failure(self.scenario, exc.result,
                                       get_session(self.config).settings.fail_on,
                                       get_session(self.config).transcript.path)
        if isinstance(exc, ScenarioError):
            return str(exc)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.scenario.path, max(self.step.line - 1, 0), \
            f"{self.scenario.id}::{self.step.name}"
