"""Shared per-check views (checks/views.py) and the message's cached context fields.

Sharing is what lets a hundred rules read one catalogue walk; these tests pin the conditions
that keep it correct: identity keys that cannot be reused, no sharing outside a check, a fresh
cache per check, and nothing remembered across a payload replaced on a message.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ondc_harness.checks import views
from ondc_harness.checks.engine import run_rules
from ondc_harness.checks.schema import schema_findings
from ondc_harness.logs import load_flows
from ondc_harness.message import FlowHistory, Message

calls: list[Any] = []


@views.shared
def total(numbers: list[int], scale: int = 1) -> int:
    calls.append(len(numbers))  # not the list: holding it would hide id reuse
    return sum(numbers) * scale


@views.shared
def first(numbers: list[int]) -> int:
    """A one-argument helper: views.shared takes its own, faster path for these."""
    calls.append(len(numbers))
    return numbers[0]


def setup_function() -> None:
    calls.clear()


def test_outside_a_check_a_shared_helper_simply_runs() -> None:
    numbers = [1, 2]
    assert total(numbers) == total(numbers) == 3
    assert len(calls) == 2


def test_inside_a_check_one_answer_per_object_and_arguments() -> None:
    numbers = [1, 2]
    with views.checking():
        assert total(numbers) == total(numbers) == 3
        assert total(numbers, 10) == 30
    assert len(calls) == 2


def test_equal_but_distinct_objects_are_computed_apart() -> None:
    with views.checking():
        first, second = [1, 2], [1, 2]
        total(first)
        total(second)
    assert len(calls) == 2


def test_a_freed_objects_id_never_serves_another_object() -> None:
    """Temporaries are freed at once and CPython reuses their ids: the cache holds each keyed
    object, so a new list can never be answered with an old list's sum."""
    with views.checking():
        assert [total([i]) for i in range(200)] == list(range(200))


def test_one_argument_helpers_share_and_never_reuse_a_freed_id() -> None:
    numbers = [7]
    with views.checking():
        assert first(numbers) == first(numbers) == 7
        assert len(calls) == 1
        assert [first([i]) for i in range(200)] == list(range(200))
    assert first(numbers) == 7 and len(calls) == 202  # outside a check: no sharing


def test_unhashable_arguments_are_not_shared_and_do_not_fail() -> None:
    @views.shared
    def count(items: list[int], wanted: list[int]) -> int:
        calls.append(len(items))
        return sum(1 for i in items if i in wanted)

    items = [1, 2, 3]
    with views.checking():
        assert count(items, [1, 3]) == count(items, [1, 3]) == 2
    assert len(calls) == 2


def test_each_check_starts_afresh_and_a_nested_check_shares_the_outer_one() -> None:
    numbers = [1]
    with views.checking():
        total(numbers)
        with views.checking():
            total(numbers)
        total(numbers)
    assert len(calls) == 1
    numbers.append(5)  # edited between checks: the next check sees the new content
    with views.checking():
        assert total(numbers) == 6
    assert len(calls) == 2


def test_the_engine_opens_a_check_per_message_and_closes_it(tmp_path: Path) -> None:
    message = Message({"context": {"action": "search", "domain": "ONDC:RET10"}, "message": {}})
    run_rules(message, FlowHistory())
    assert getattr(views._local, "views", None) is None


# --- Message context fields --------------------------------------------------------------------

def test_message_fields_follow_a_replaced_payload() -> None:
    message = Message({"context": {"action": "select", "core_version": "1.2.0"}})
    assert (message.action, message.version) == ("select", "1.2.0")
    message.payload = {"context": {"action": "init", "version": "2.0.0", "message_id": "m"}}
    assert (message.action, message.version, message.message_id) == ("init", "2.0.0", "m")
    message.payload = ["not", "an", "object"]
    assert (message.action, message.version, message.transaction_id) == ("", "", "")


def test_message_fields_of_junk_contexts_are_empty() -> None:
    message = Message({"context": {"action": 5, "domain": None, "timestamp": ["x"]}})
    assert (message.action, message.domain, message.timestamp) == ("", "", "")
    assert Message(None).action == "" and Message(None).context == {}
    assert Message({"context": 5}).context == {} and Message([]).body == {}


def test_message_context_follows_a_replaced_payload() -> None:
    message = Message(None)
    assert message.context == {}
    message.payload = {"context": {"action": "search"}}
    assert message.context == {"action": "search"} and message.action == "search"
    message.payload = {"context": "junk"}
    assert message.context == {} and message.action == ""


# --- files with non-finite numbers -------------------------------------------------------------

def _search(amount: str) -> str:
    payload = {"context": {"action": "on_select", "domain": "ONDC:RET10", "core_version": "1.2.0",
                           "transaction_id": "t", "message_id": "m",
                           "timestamp": "2024-01-01T00:00:00.000Z"},
               "message": {"order": {"quote": {"price": {"currency": "INR", "value": "X"}}}}}
    return json.dumps(payload).replace('"X"', amount)


def test_the_loader_marks_files_whose_numbers_are_all_finite(tmp_path: Path) -> None:
    for name, amount, plain in (("ok", '"10.00"', True), ("float", "10.5", True),
                                ("nan", "NaN", False), ("inf", "-Infinity", False),
                                ("overflow", "1e999", False)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "on_select.json").write_text(_search(amount))
        [flow] = load_flows(folder).flows
        assert flow.messages[0].plain_json is plain, name


def test_a_nan_amount_read_from_a_file_is_still_a_schema_finding(tmp_path: Path) -> None:
    (tmp_path / "on_select.json").write_text(_search("NaN"))
    [flow] = load_flows(tmp_path).flows
    texts = [f.message for f in schema_findings(flow.messages[0])]
    assert any("nan is not a JSON number" in t for t in texts), texts
