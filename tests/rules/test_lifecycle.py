"""RET-LIFE rules: silent on the valid post-order scenarios, one exact finding per mutation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from case_checks import assert_only_finding
from lifecycle_cases import ALL_CASES, FORWARD, Case, check, scenario
from post_order_cases import SCENARIOS
from retail_flow import Json

from ondc_harness.checks.catalog import load_all

LIFE = sorted(rule_id for rule_id in load_all() if rule_id.startswith("RET-LIFE-"))


@pytest.mark.parametrize("name", [FORWARD, *SCENARIOS])
def test_valid_scenarios_have_no_lifecycle_finding(name: str) -> None:
    built = scenario(name)
    found = [f.one_line() for step in built.steps for f in check(built, step)
             if f.rule_id.startswith("RET-LIFE-")]
    assert found == []


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_mutation_yields_exactly_that_finding(case: Case) -> None:
    built = scenario(case.scenario)
    case.mutate(built.flow)
    findings = check(built, case.step)
    assert_only_finding(findings, case.rule_id, case.path)


def test_every_lifecycle_rule_has_a_case() -> None:
    assert sorted({case.rule_id for case in ALL_CASES}) == LIFE


def _units_findings(name: str, step: str, edit: Callable[[Json], None]) -> list[str]:
    built = scenario(name)
    edit(built.flow[step]["message"]["order"])
    return [f.one_line() for f in check(built, step) if f.rule_id == "RET-LIFE-003"]


def test_cancelled_units_moved_without_their_parent_item_id_are_accounted_for() -> None:
    """F&B sellers move the lines of a customised item without repeating parent_item_id."""
    def drop_parents(order: Json) -> None:
        for item in order["items"]:
            if item["fulfillment_id"] == "C-1":
                del item["parent_item_id"]
    assert _units_findings("cancel", "on_cancel", drop_parents) == []

    def and_lose_one(order: Json) -> None:
        drop_parents(order)
        order["items"].pop()
    assert len(_units_findings("cancel", "on_cancel", and_lose_one)) == 1


def test_an_empty_parent_item_id_is_no_parent() -> None:
    def empty_parents(order: Json) -> None:
        for item in order["items"]:
            item["parent_item_id"] = ""
    built = scenario("cancel")
    for step in ("on_confirm", "on_cancel"):
        for item in built.flow[step]["message"]["order"]["items"]:
            item.pop("parent_item_id", None)
    empty_parents(built.flow["on_cancel"]["message"]["order"])
    assert [f.one_line() for f in check(built, "on_cancel") if f.rule_id == "RET-LIFE-003"] == []


def test_returned_units_may_stay_on_the_delivered_fulfillment() -> None:
    """1.2.5 RETURN_FLOW lists no return lines; the Pramaan mock seller adds them beside the
    delivered count; the 1.2.0 examples move them.  Units that vanish are still reported."""
    def pramaan(order: Json) -> None:
        order["items"][0]["quantity"] = {"count": 2}
    assert _units_findings("return", "on_update_picked", pramaan) == []

    def no_return_lines(order: Json) -> None:
        order["items"] = [i for i in order["items"] if i["fulfillment_id"] != "R1"]
        order["items"][0]["quantity"] = {"count": 2}
    assert _units_findings("return", "on_update_picked", no_return_lines) == []

    def vanished(order: Json) -> None:
        order["items"] = [i for i in order["items"] if i["fulfillment_id"] != "R1"]
        order["items"][0]["quantity"] = {"count": 0}
    assert len(_units_findings("return", "on_update_picked", vanished)) == 1


def test_an_on_update_without_items_states_no_units() -> None:
    """A settlement notice sent as on_update (Mystore F&B logs) carries no order lines."""
    def settlement_only(order: Json) -> None:
        del order["items"]
    assert _units_findings("return", "on_update_picked", settlement_only) == []
