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


# --- the rules' shortcuts around deepdiff (checks/rules/cross_step.py) ---------------------------

SHORTCUT_CASES = [
    ({"a": 1, "b": {"c": [1, 2, {"d": "x"}]}}, {"a": 1, "b": {"c": [1, 2, {"d": "y"}]}}),
    ({"a": 1}, {"a": 1.0}),
    ({"a": 1}, {"a": True}),
    ({"a": 0.0}, {"a": -0.0}),
    ({"a": float("nan"), "b": 1}, {"a": float("nan"), "b": 2}),
    ({"a": {"x": 1, "y": 2, "z": 3}}, {"a": {"x": 1, "w": 9}}),
    ({"a": {"x": 1}}, {"a": {"p": 1, "q": 2, "r": 3, "s": 4}}),
    ({"l": [1, 2, 3]}, {"l": [1, 2]}),
    ({"l": [{"id": 1}, {"id": 2}]}, {"l": [{"id": 2}, {"id": 1}]}),
    ({"s": "10.00", "t": {"u": None}}, {"s": "10.0", "t": {"u": None}, "v": []}),
    ([{"a": 1}, "x"], [{"a": 1}, "y", 3]),
    ({"a": {"b": {"c": 1}}}, {"a": {"b": "flat"}}),
]


def test_the_rules_diff_reports_exactly_what_deepdiff_reports_and_changes_nothing() -> None:
    """cross_step.diff_paths skips identical values and hands deepdiff the earlier side's
    objects for unchanged parts: the changes must be deepdiff's own, the inputs untouched."""
    import copy

    from ondc_harness.checks.rules import cross_step

    for old, new in SHORTCUT_CASES:
        before_old, before_new = copy.deepcopy(old), copy.deepcopy(new)
        fast = cross_step.diff_paths(old, new, amounts_as_numbers=False)
        plain = diff_paths(copy.deepcopy(old), copy.deepcopy(new))
        assert repr(fast) == repr(plain), (old, new)
        assert repr((old, new)) == repr((before_old, before_new))
    assert cross_step.diff_paths({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2}]}) == []
