"""ONDC conformance harness: signed multi-step flows, JSON Schema and business-rule checks.

Most users never import this package: they run ``pytest suites/retail`` (the pytest plugin is
registered by entry point) or the ``ondc-harness`` command.  This module is the stable API for
those who script the harness; everything not listed in ``__all__`` is private and may change.

Exception hierarchy (findings about a participant are data, never exceptions)::

    Exception
    ├── HarnessError                 anything the harness raises about its inputs
    │   ├── ScenarioError            a scenario or payload template is wrong (file:line: key)
    │   ├── TemplateError            a {{variable}} cannot be filled (names variable and path)
    │   ├── ConfigError              participant.yaml, harness keys or options are wrong
    │   └── SignatureError           a signature is rejected; ``.reason`` says why
    └── AssertionError
        └── StepFailed               a step's message broke rules at or above --fail-on
"""

from __future__ import annotations

from ondc_harness.checks.catalog import CATALOG, CheckContext, Rule, load_all, rule
from ondc_harness.checks.engine import check_message
from ondc_harness.checks.findings import Finding, Severity, Violation, json_path
from ondc_harness.config import ConfigError, HarnessSettings, ParticipantConfig
from ondc_harness.errors import HarnessError
from ondc_harness.flow import FlowRun, Outcome, StepResult
from ondc_harness.items import StepFailed
from ondc_harness.message import FlowHistory, Message
from ondc_harness.scenario import Scenario, ScenarioError, Step, load_scenario
from ondc_harness.session import HarnessSession
from ondc_harness.templates import TemplateError, render
from ondc_harness.wire.signing import (
    KeyPair,
    SignatureError,
    sign_body,
    verify_authorization,
)

__version__ = "0.1.0"

__all__ = [
    "CATALOG",
    "CheckContext",
    "ConfigError",
    "Finding",
    "FlowHistory",
    "FlowRun",
    "HarnessError",
    "HarnessSession",
    "HarnessSettings",
    "KeyPair",
    "Message",
    "Outcome",
    "ParticipantConfig",
    "Rule",
    "Scenario",
    "ScenarioError",
    "Severity",
    "SignatureError",
    "Step",
    "StepFailed",
    "StepResult",
    "TemplateError",
    "Violation",
    "__version__",
    "check_message",
    "json_path",
    "load_all",
    "load_scenario",
    "render",
    "rule",
    "sign_body",
    "verify_authorization",
]
