"""docs/rules.md is the catalogue, freshly rendered; and every catalogued rule is documentable.

When this fails after adding or changing a rule, regenerate the document (the assertion message
says how) and commit it with the rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ondc_harness.checks.catalog import Rule, load_all
from ondc_harness.checks.findings import Severity, Violation
from ondc_harness.report.rules_doc import (
    REGENERATE,
    family_of,
    render_rules_markdown,
    render_rules_text,
)

REGENERATE_HINT = f"docs/rules.md is stale: run `{REGENERATE}`"


def _fn(ctx: object) -> list[Violation]:
    return []


SAMPLE = {
    "RET-QUOTE-001": Rule(
        id="RET-QUOTE-001", title="Quote price equals the sum | of its breakup",
        severity=Severity.CRITICAL, spec="RULES-REFERENCE.md on_select",
        actions=frozenset({"on_select", "on_init"}), versions=frozenset({"1.2.5"}),
        domains=("ONDC:RET",), fn=_fn, topic="quote"),
    "CTX-TXN-001": Rule(
        id="CTX-TXN-001", title="transaction_id is constant\nfor the order",
        severity=Severity.MAJOR, spec="PROTOCOL.md Message envelope", topic="context"),
}


def test_docs_rules_md_equals_the_rendered_catalogue(repo: Path) -> None:
    path = repo / "docs" / "rules.md"
    assert path.is_file(), REGENERATE_HINT
    assert path.read_text(encoding="utf-8") == render_rules_markdown(load_all()), REGENERATE_HINT


CATALOG = load_all()


@pytest.mark.parametrize("rule", [CATALOG[rule_id] for rule_id in sorted(CATALOG)],
                         ids=lambda rule: str(rule.id))
def test_every_catalogued_rule_has_id_title_severity_and_spec(rule: Rule) -> None:
    assert rule.id and rule.id == rule.id.strip()
    assert rule.title.strip(), f"{rule.id} has no title"
    assert isinstance(rule.severity, Severity), f"{rule.id} has no severity"
    assert rule.spec.strip(), f"{rule.id} has no spec reference"


def test_the_catalogue_is_not_empty() -> None:
    assert load_all()


def test_markdown_lists_every_rule_once_in_the_index_and_once_as_a_section() -> None:
    text = render_rules_markdown(SAMPLE)
    for rule_id in SAMPLE:
        assert text.count(f"| [{rule_id}](#{rule_id.lower()}) |") == 1
        assert text.count(f"\n### {rule_id}\n") == 1
    assert "2 rules." in text
    assert text.index("### CTX-TXN-001") < text.index("### RET-QUOTE-001")  # sorted by id


def test_markdown_shows_severity_scope_origin_and_spec() -> None:
    text = render_rules_markdown(SAMPLE)
    assert "- Severity: critical" in text
    assert "- Applies to: actions `on_init`, `on_select`; versions `1.2.5`; domains `ONDC:RET`" in (
        text)
    assert "- Applies to: all actions" in text
    assert "- Raised by: rule function (`quote`)" in text
    assert "- Raised by: the runner (`context`)" in text
    assert "- Spec: RULES-REFERENCE.md on_select" in text
    assert "## RET: Retail" in text and "## CTX: Context (any domain)" in text


def test_markdown_table_cells_survive_pipes_and_newlines() -> None:
    text = render_rules_markdown(SAMPLE)
    assert "| critical | Quote price equals the sum \\| of its breakup |" in text
    assert "transaction_id is constant for the order |" in text


def test_markdown_is_deterministic_and_ends_with_one_newline() -> None:
    reordered = dict(reversed(SAMPLE.items()))
    text = render_rules_markdown(SAMPLE)
    assert text == render_rules_markdown(reordered)
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert REGENERATE in text


def test_unknown_family_is_headed_by_its_prefix() -> None:
    rule = Rule(id="ZZZ-NEW-001", title="t", severity=Severity.MINOR, spec="s")
    assert "\n## ZZZ\n" in render_rules_markdown({rule.id: rule})
    assert family_of("RET-QUOTE-001") == "RET"


def test_text_listing_is_one_aligned_line_per_rule() -> None:
    assert render_rules_text(SAMPLE).splitlines() == [
        "CTX-TXN-001    major     transaction_id is constant for the order  [all actions]",
        "RET-QUOTE-001  critical  Quote price equals the sum | of its breakup"
        "  [on_init, on_select]",
    ]
    assert render_rules_text({}) == ""
