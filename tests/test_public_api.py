"""Guards the public API: what ``ondc_harness`` exports, and the documented exception tree."""

from __future__ import annotations

import ondc_harness
from ondc_harness import (
    ConfigError,
    HarnessError,
    ScenarioError,
    SignatureError,
    StepFailed,
    TemplateError,
)

EXPECTED = {
    "CATALOG", "CheckContext", "ConfigError", "Finding", "FlowHistory", "FlowRun",
    "HarnessError", "HarnessSession", "HarnessSettings", "KeyPair", "Message", "Outcome",
    "ParticipantConfig", "Rule", "Scenario", "ScenarioError", "Severity", "SignatureError",
    "Step", "StepFailed", "StepResult", "TemplateError", "Violation", "__version__",
    "check_message", "json_path", "load_all", "load_scenario", "render", "rule", "sign_body",
    "verify_authorization",
}


def test_all_is_exactly_the_public_api() -> None:
    assert set(ondc_harness.__all__) == EXPECTED
    assert len(ondc_harness.__all__) == len(EXPECTED), "duplicates in __all__"


def test_every_public_name_resolves() -> None:
    for name in ondc_harness.__all__:
        assert getattr(ondc_harness, name) is not None, name


def test_exception_hierarchy_matches_its_docstring() -> None:
    for error in (ScenarioError, TemplateError, ConfigError, SignatureError):
        assert issubclass(error, HarnessError)
        assert error.__name__ in (ondc_harness.__doc__ or "")
    assert issubclass(StepFailed, AssertionError)
    assert not issubclass(StepFailed, HarnessError)
