"""JSON Schema validation per action (placeholder until the generated schemas land)."""

from __future__ import annotations

from collections.abc import Iterator

from ondc_harness.checks.findings import Finding
from ondc_harness.message import Message


def schema_findings(message: Message) -> Iterator[Finding]:
    return iter(())
