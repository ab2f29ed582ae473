"""Allure glue: labels and attachments, only when ``--alluredir`` is given.

Called from the test thread only (never the server thread): allure-pytest keeps its current
test and step in thread-local state.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ondc_harness.flow import StepResult
    from ondc_harness.scenario import Scenario, Step


def enabled(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "allure_report_dir", None))


def _attach(name: str, data: Any) -> None:
    import allure

    allure.attach(json.dumps(data, indent=2, ensure_ascii=False, default=str), name=name,
                  attachment_type=allure.attachment_type.JSON)


def _attach_text(name: str, body: bytes) -> None:
    import allure

    try:
        document = json.loads(body)
    except ValueError:
        allure.attach(body.decode("utf-8", errors="replace"), name=name,
                      attachment_type=allure.attachment_type.TEXT)
        return
    _attach(name, document)


def label_item(config: pytest.Config, scenario: Scenario, step: Step) -> None:
    if not enabled(config):
        return
    import allure

    allure.dynamic.parent_suite(scenario.domain)
    allure.dynamic.suite(scenario.id)
    allure.dynamic.sub_suite(scenario.title)
    allure.dynamic.title(f"{step.name} ({step.kind} {step.action})")
    allure.dynamic.tag(*scenario.markers)


def attach_result(config: pytest.Config, result: StepResult, prerequisite: bool) -> None:
    """One Allure step per message, with request, ACK, callback and findings as JSON."""
    if not enabled(config):
        return
    import allure

    step = result.step
    prefix = "setup: " if prerequisite else ""
    with allure.step(f"{prefix}{step.kind} {step.action} → {result.outcome.value}"):
        if result.request is not None and result.request.raw is not None:
            _attach(f"{step.action} request headers", result.request.headers)
            _attach_text(f"{step.action} request", result.request.raw)
        if result.answer is not None:
            _attach(f"{step.action} synchronous answer", {
                "status": result.answer.status_code, "elapsed_ms":
                round(result.answer.elapsed_s * 1000, 3), "transport_error":
                result.answer.transport_error, "headers": result.answer.headers})
            _attach_text(f"{step.action} answer body", result.answer.body)
        if result.inbound is not None:
            _attach(f"{step.action} headers", result.inbound.message.headers)
            _attach_text(f"{step.action} callback", result.inbound.message.raw or b"")
        if result.findings:
            _attach(f"{step.action} findings", [f.to_dict() for f in result.findings])
        if result.note:
            allure.attach(result.note, name="note", attachment_type=allure.attachment_type.TEXT)
