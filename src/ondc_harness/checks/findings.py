"""Findings: what a check reports.

A check never raises on bad data; it *yields* :class:`Violation` objects (the jsonschema
keyword style).  The engine stamps each violation with the rule that produced it and the
message it was found in, giving a :class:`Finding`.  Findings are plain, frozen data so they can
be ranked, grouped, serialised into transcripts and Allure attachments, and compared in tests.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import IntEnum
from typing import Any


class Severity(IntEnum):
    """How bad a finding is.  Ordered, so ``finding.severity >= Severity.MAJOR`` reads naturally."""

    MINOR = 1
    MAJOR = 2
    CRITICAL = 3
    BLOCKER = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {text!r}; expected one of {names}") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Violation:
    """One broken expectation, as a rule function yields it.

    ``path`` is a JSONPath into the message (``$.message.order.quote.price.value``) so a user
    can find the offending value without reading the rule's source.
    """

    path: str
    message: str
    expected: Any = None
    actual: Any = None


@dataclass(frozen=True)
class Finding:
    """A :class:`Violation` attributed to a rule and a message."""

    rule_id: str
    severity: Severity
    action: str
    path: str
    message: str
    expected: Any = None
    actual: Any = None
    file: str | None = None
    step: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form used by transcripts, reports and ``check --json``."""
        data = asdict(self)
        data["severity"] = str(self.severity)
        data["rule"] = data.pop("rule_id")
        if not data["extra"]:
            del data["extra"]
        return data

    def one_line(self) -> str:
        where = f" [{self.file}]" if self.file else ""
        return f"{self.rule_id} ({self.severity}) {self.action} {self.path}: {self.message}{where}"


def json_path(*parts: str | int) -> str:
    """Build a JSONPath string from keys and indexes: ``json_path("message", "order", 0)``.

    Keys that are not plain identifiers (``bpp/providers``, ``@ondc/org/TAT``) are bracket-quoted
    so the path can be pasted into any JSONPath tool.
    """
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}"
        else:
            escaped = part.replace("'", "\\'")
            out += f"['{escaped}']"
    return out
