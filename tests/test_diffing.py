"""The one cross-step comparison mechanism: exact paths, kinds and values of every change."""

from __future__ import annotations

from ondc_harness.checks.access import MISSING
from ondc_harness.checks.diffing import Change, diff_paths
from ondc_harness.checks.same_as import same_as_findings
from ondc_harness.message import Message


def test_equal_documents_have_no_changes() -> None:
    doc = {"items": [{"id": "I1", "quantity": {"count": 2}}], "x": None}
    assert diff_paths(doc, {"items": [{"id": "I1", "quantity": {"count": 2}}], "x": None}) == []


def test_changed_added_and_removed_paths_are_reported_as_json_paths() -> None:
    old = {"items": [{"id": "I1"}], "quote": {"@ondc/org/item_id": "a"}, "gone": 1}
    new = {"items": [{"id": "I2"}, {"id": "I3"}], "quote": {"@ondc/org/item_id": "b"}}
    changes = diff_paths(old, new, base="$.message.order")
    assert Change("$.message.order.items[0].id", "changed", "I1", "I2") in changes
    assert Change("$.message.order.items[1]", "added", None, {"id": "I3"}) in changes
    assert Change("$.message.order.gone", "removed", 1, None) in changes
    assert Change("$.message.order.quote['@ondc/org/item_id']", "changed", "a", "b") in changes


def test_a_number_turned_boolean_is_a_change() -> None:
    assert diff_paths({"a": 1}, {"a": True}) == [Change("$.a", "changed", 1, True)]


def test_missing_sides() -> None:
    assert diff_paths(MISSING, {"a": 1}) == [Change("$", "added", None, {"a": 1})]
    assert diff_paths({"a": 1}, MISSING) == [Change("$", "removed", {"a": 1}, None)]
    assert diff_paths(MISSING, MISSING) == []


def test_same_as_names_each_changed_path() -> None:
    earlier = Message({"context": {"action": "on_init"},
                       "message": {"order": {"quote": {"price": {"value": "10.00"}}}}})
    later = Message({"context": {"action": "on_confirm"},
                     "message": {"order": {"quote": {"price": {"value": "12.00"}}}}})
    findings = list(same_as_findings(later, earlier, ["order.quote"]))
    assert [(f.rule_id, f.path, f.expected, f.actual) for f in findings] == [
        ("FLOW-SAME-001", "$.message.order.quote.price.value", "10.00", "12.00")]
    assert list(same_as_findings(earlier, earlier, ["order.quote"])) == []
