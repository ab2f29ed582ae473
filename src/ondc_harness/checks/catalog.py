"""The rule catalogue: every rule the harness can report, with a stable id.

Rules register themselves with the :func:`rule` decorator at import time (``checks.rules``
imports every topic module).  Findings the runner raises itself (no callback, NACK, bad
signature, schema errors) are registered with :func:`declare` so that they too have an id,
a severity and a spec reference, and appear in ``ondc-harness rules`` and ``docs/rules.md``.

A rule function takes a :class:`CheckContext` and yields :class:`Violation`; it must not
raise on malformed data (read the payload through :mod:`ondc_harness.checks.access`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ondc_harness.checks.findings import Severity, Violation
from ondc_harness.message import FlowHistory, Message

_RULE_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")


@dataclass(frozen=True)
class CheckContext:
    """What a rule sees: the message under check and the flow before it."""

    message: Message
    history: FlowHistory = field(default_factory=FlowHistory)

    @property
    def payload(self) -> Any:
        return self.message.payload

    @property
    def action(self) -> str:
        return self.message.action

    @cached_property
    def earlier(self) -> tuple[Message, ...]:
        """The messages of the flow before the one under check, oldest first.

        The runner passes the history *before* the message, but an offline caller may pass a
        history that already contains it; either way only what came before is here.  A hundred
        rules ask for it per message, so it is built once per context.
        """
        out: list[Message] = []
        for message in self.history:
            if message is self.message:
                break
            out.append(message)
        return tuple(out)


RuleFn = Callable[[CheckContext], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    """A documented check.  ``fn`` is ``None`` for findings raised by the runner itself."""

    id: str
    title: str
    severity: Severity
    spec: str
    actions: frozenset[str] = frozenset()
    versions: frozenset[str] = frozenset()
    domains: tuple[str, ...] = ()
    fn: RuleFn | None = None
    topic: str = ""

    def applies_to(self, action: str, domain: str = "", version: str = "") -> bool:
        """Empty ``actions``/``versions``/``domains`` mean "all"; domains match by prefix."""
        if self.actions and action not in self.actions:
            return False
        if self.versions and version and version not in self.versions:
            return False
        return not (self.domains and domain and not domain.startswith(self.domains))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "severity": str(self.severity),
            "spec": self.spec,
            "actions": sorted(self.actions),
            "versions": sorted(self.versions),
            "domains": list(self.domains),
            "topic": self.topic,
            "raised_by": "rule" if self.fn else "runner",
        }


CATALOG: dict[str, Rule] = {}


def _register(new: Rule) -> Rule:
    if not _RULE_ID.match(new.id):
        raise ValueError(f"rule id {new.id!r} must look like RET-QUOTE-001")
    existing = CATALOG.get(new.id)
    if existing is not None and existing != new:
        raise ValueError(f"rule id {new.id} registered twice")
    CATALOG[new.id] = new
    return new


def rule(
    id: str,
    title: str,
    severity: Severity,
    spec: str,
    actions: Iterable[str] = (),
    versions: Iterable[str] = (),
    domains: Iterable[str] = (),
) -> Callable[[RuleFn], RuleFn]:
    """Register a rule function under a stable id.

    >>> @rule("RET-QUOTE-001", "quote total equals the breakup sum", Severity.CRITICAL,
    ...       spec="Retail 1.2 API contract, quote", actions=["on_select"])
    ... def quote_total(ctx): ...
    """

    def decorate(fn: RuleFn) -> RuleFn:
        module = fn.__module__.rsplit(".", 1)[-1]
        _register(
            Rule(
                id=id,
                title=title,
                severity=severity,
                spec=spec,
                actions=frozenset(actions),
                versions=frozenset(versions),
                domains=tuple(domains),
                fn=fn,
                topic=module,
            )
        )
        return fn

    return decorate


def declare(
    id: str,
    title: str,
    severity: Severity,
    spec: str,
    topic: str,
    actions: Iterable[str] = (),
) -> Rule:
    """Register a finding that the runner (wire, schema, timing) raises itself."""
    return _register(
        Rule(id=id, title=title, severity=severity, spec=spec, actions=frozenset(actions),
             topic=topic)
    )


def load_all() -> dict[str, Rule]:
    """Import every rule module (idempotent) and return the catalogue."""
    import ondc_harness.checks.rules
    import ondc_harness.checks.runner_rules
    import ondc_harness.logs  # noqa: F401  (declares the FILE-* findings of offline checking)

    return CATALOG


def get_rule(rule_id: str) -> Rule:
    load_all()
    return CATALOG[rule_id]
