"""The Retail rules against the reference pack: the official flow is clean, real logs never crash.

Both tests read ``../shared/ondc`` and skip without it (the ``pack`` fixture).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ondc_harness.checks.engine import run_rules
from ondc_harness.checks.findings import Finding
from ondc_harness.message import FlowHistory, Message

MINE = ("CTX-", "RET-")


class _StringTimestamps(yaml.SafeLoader):
    """YAML loader that leaves ISO timestamps as the strings the wire carries."""


_StringTimestamps.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def run_flow(payloads: list[Any]) -> list[Finding]:
    history = FlowHistory()
    findings: list[Finding] = []
    for payload in payloads:
        message = Message(payload)
        findings += run_rules(message, history)
        history.append(message)
    return findings


def test_the_official_fnb_order_flow_is_clean(pack: Path) -> None:
    """automation-1.2.5/RET11-1.2.5/flows/F&B/ORDER_FLOW.yaml: select … on_status delivered."""
    flow = yaml.load((pack / "automation-1.2.5/RET11-1.2.5/flows/F&B/ORDER_FLOW.yaml")
                     .read_text(encoding="utf-8"), Loader=_StringTimestamps)
    payloads = [step["mock"]["defaultPayload"] for step in flow["steps"]]
    assert len(payloads) > 10
    findings = [f for f in run_flow(payloads) if f.rule_id.startswith(MINE)]
    assert [f.one_line() for f in findings] == []


def _log_payloads(folder: Path) -> Iterator[Any]:
    for file in sorted(folder.glob("*.json")):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        yield from data if isinstance(data, list) else [data]


def test_no_rule_crashes_on_any_real_certification_log(pack: Path) -> None:
    """517 flow folders of real participants: NaN amounts, wrong types, arrays of payloads."""
    crashed: list[str] = []
    folders = [p for p in (pack / "real-logs").rglob("*") if p.is_dir()]
    for folder in folders:
        payloads = list(_log_payloads(folder))
        crashed += [f"{folder}: {f.message}" for f in run_flow(payloads)
                    if f.rule_id == "HARNESS-001" and any(m in f.message for m in MINE)]
    assert folders and crashed == []
