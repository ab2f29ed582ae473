"""Render the rule catalogue for people: ``docs/rules.md`` and the ``ondc-harness rules`` listing.

The catalogue in code is the single source of truth; the document is generated from it (and a
test compares the committed file with a fresh rendering) so the published rule ids, severities
and spec references can never drift from what the harness actually reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ondc_harness.checks.catalog import Rule
from ondc_harness.checks.findings import Severity

REGENERATE = "ondc-harness rules --markdown > docs/rules.md"

FAMILIES: Mapping[str, str] = {
    "CTX": "Context (any domain)",
    "FLOW": "Flow steps (what a scenario expects)",
    "RET": "Retail",
    "IGM": "Issue & Grievance Management",
    "RSF": "Reconciliation & Settlement",
    "LOG": "Logistics",
    "WIRE": "Wire: transport, acknowledgements, callbacks, signatures",
    "SCHEMA": "JSON Schema",
    "HARNESS": "The harness itself",
}


def family_of(rule_id: str) -> str:
    """``RET-QUOTE-001`` → ``RET``: ids are grouped by their first segment."""
    return rule_id.split("-", 1)[0]


def _sorted(catalog: Mapping[str, Rule]) -> list[Rule]:
    return [catalog[rule_id] for rule_id in sorted(catalog)]


def _cell(text: str) -> str:
    """Make text safe inside a Markdown table cell (pipes split cells, newlines end rows)."""
    return " ".join(text.split()).replace("|", "\\|")


def _codes(values: Iterable[str]) -> str:
    return ", ".join(f"`{value}`" for value in values)


def _scope(rule: Rule) -> str:
    """Where a rule applies, in words; an empty filter means "all"."""
    parts = [
        f"actions {_codes(sorted(rule.actions))}" if rule.actions else "all actions",
        f"versions {_codes(sorted(rule.versions))}" if rule.versions else "",
        f"domains {_codes(rule.domains)}" if rule.domains else "",
    ]
    return "; ".join(part for part in parts if part)


def _raised_by(rule: Rule) -> str:
    where = f" (`{rule.topic}`)" if rule.topic else ""
    return f"rule function{where}" if rule.fn else f"the runner{where}"


def _header(rules: list[Rule]) -> list[str]:
    severities = ", ".join(str(severity) for severity in sorted(Severity, reverse=True))
    return [
        "# Rule catalogue",
        "",
        f"<!-- Generated from the code by `{REGENERATE}`. Do not edit by hand. -->",
        "",
        f"{len(rules)} rules. Every finding the harness reports names one of these ids; ids are "
        "stable and never reused.",
        f"Severities, worst first: {severities}. A step fails when it has a finding at or above "
        "the configured severity.",
        "",
    ]


def _index(rules: list[Rule]) -> list[str]:
    lines = ["| Id | Severity | Title |", "|---|---|---|"]
    lines += [
        f"| [{rule.id}](#{rule.id.lower()}) | {rule.severity!s} | {_cell(rule.title)} |"
        for rule in rules
    ]
    return [*lines, ""]


def _entry(rule: Rule) -> list[str]:
    return [
        f"### {rule.id}",
        "",
        f"**{_cell(rule.title)}**",
        "",
        f"- Severity: {rule.severity!s}",
        f"- Applies to: {_scope(rule)}",
        f"- Raised by: {_raised_by(rule)}",
        f"- Spec: {_cell(rule.spec)}",
        "",
    ]


def _family_sections(rules: list[Rule]) -> list[str]:
    lines: list[str] = []
    for family in sorted({family_of(rule.id) for rule in rules}):
        name = FAMILIES.get(family)
        lines += [f"## {family}: {name}" if name else f"## {family}", ""]
        for rule in rules:
            if family_of(rule.id) == family:
                lines += _entry(rule)
    return lines


def render_rules_markdown(catalog: Mapping[str, Rule]) -> str:
    """The full ``docs/rules.md``: an index table, then one section per family and rule."""
    rules = _sorted(catalog)
    lines = _header(rules) + _index(rules) + _family_sections(rules)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_rules_text(catalog: Mapping[str, Rule]) -> str:
    """One aligned line per rule (id, severity, title, actions) for a terminal or grep."""
    rules = _sorted(catalog)
    if not rules:
        return ""
    width = max(len(rule.id) for rule in rules)
    lines = [
        f"{rule.id:<{width}}  {rule.severity!s:<8}  {' '.join(rule.title.split())}"
        f"  [{', '.join(sorted(rule.actions)) or 'all actions'}]"
        for rule in rules
    ]
    return "\n".join(lines) + "\n"
