"""Request rules (RET-REQ-…): silent on the valid flow ordering from the rich catalogue; one
finding at the exact path for each minimal mutation (request_cases.py); and the shapes real
buyer apps send that are not defects stay silent."""

from __future__ import annotations

import copy

import pytest
from case_checks import assert_only_finding
from discovery_cases import Case, check, rich_flow
from request_cases import ALL_CASES, with_terms

from ondc_harness.checks.catalog import load_all

CATALOG = load_all()
MINE = sorted(r for r in CATALOG if r.startswith("RET-REQ-"))


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_minimal_mutation_yields_exactly_that_finding(case: Case) -> None:
    flow = rich_flow()
    case.mutate(flow)
    findings = check(flow, case.step, case.steps)
    assert_only_finding(findings, case.rule_id, case.path)


def test_every_request_rule_has_a_case() -> None:
    """(request_cases.py also holds the cases of the terms rules seller apps answer with.)"""
    assert sorted({c.rule_id for c in ALL_CASES if c.rule_id.startswith("RET-REQ-")}) == MINE


TERMS = ("RET-REQ-034", "RET-XSTEP-012", "RET-ORDER-003")


def test_terms_kept_are_silent_and_terms_dropped_are_one_finding() -> None:
    flow = rich_flow()
    with_terms("confirm", 0, 1, "29ABCDE1234F1Z5")(flow)
    assert [f.one_line() for step in ("on_init", "confirm", "on_confirm")
            for f in check(flow, step) if f.rule_id in TERMS] == []
    del flow["confirm"]["message"]["order"]["tags"][0]
    assert [(f.rule_id, f.path) for f in check(flow, "confirm") if f.rule_id in TERMS] == [
        ("RET-REQ-034", "$.message.order.tags")]


def _mine(flow: dict, step: str) -> list[str]:  # type: ignore[type-arg]
    return [f.one_line() for f in check(flow, step) if f.rule_id.startswith("RET-REQ-")]


def test_callbacks_without_cart_line_ids_still_match() -> None:
    """1.2.0 sellers drop parent_item_id and quantities from on_select/on_init items."""
    flow = rich_flow()
    for step in ("on_select", "on_init"):
        for item in flow[step]["message"]["order"]["items"]:
            del item["parent_item_id"], item["quantity"]
    assert _mine(flow, "init") == [] and _mine(flow, "confirm") == []


def test_init_may_narrow_the_stores_of_select() -> None:
    flow = rich_flow()
    flow["select"]["message"]["order"]["provider"]["locations"].append({"id": "L2"})
    assert [r for r in _mine(flow, "init") if "RET-REQ-015" in r] == []


def test_selecting_more_than_available_is_the_out_of_stock_flow() -> None:
    """Asking for more than is in stock is how the 40002 flow starts: not a buyer defect."""
    flow = rich_flow()
    item = flow["on_search"]["message"]["catalog"]["bpp/providers"][0]["items"][0]
    item["quantity"]["available"]["count"] = "1"
    assert _mine(flow, "select") == []


def test_cash_on_delivery_is_confirmed_unpaid() -> None:
    flow = rich_flow()
    payment = flow["confirm"]["message"]["order"]["payment"]
    payment.update(type="ON-FULFILLMENT", status="NOT-PAID")
    flow["on_init"]["message"]["order"]["payment"]["type"] = "ON-FULFILLMENT"
    assert _mine(flow, "confirm") == []
    payment["status"] = "PAID"
    assert [r.split()[0] for r in _mine(flow, "confirm")] == ["RET-REQ-028"]


def test_gps_compared_as_numbers() -> None:
    flow = rich_flow()
    end = flow["init"]["message"]["order"]["fulfillments"][0]["end"]["location"]
    end["gps"] = "12.9740020, 77.6134580"
    assert [r for r in _mine(flow, "init") if "RET-REQ-020" in r] == []


def test_without_a_catalogue_select_is_not_judged() -> None:
    flow = rich_flow()
    history_free = copy.deepcopy(flow)
    findings = check(history_free, "select", ("select",))
    assert [f for f in findings if f.rule_id.startswith("RET-REQ-")] == []


def test_init_is_not_compared_with_the_answer_to_another_select() -> None:
    """A recorded flow whose on_select answers an earlier select (another message_id, another
    cart): the quote of init's cart is not in the log."""
    flow = rich_flow()
    flow["on_select"]["context"]["message_id"] = "answer-to-an-earlier-select"
    flow["on_select"]["message"]["order"]["items"] = flow["on_select"]["message"]["order"][
        "items"][:1]
    flow["init"]["message"]["order"]["items"][0]["quantity"] = {"count": 7}
    assert "RET-REQ-013" not in [f.rule_id for f in check(flow, "init")]


def test_a_collecting_buyer_app_states_its_own_settlement_terms_in_confirm() -> None:
    """notes/confirm [^16]: a buyer app that collects gives settlement basis, window and
    withholding in confirm; what on_init proposed binds it only where its init stated them."""
    flow = rich_flow()
    payment = flow["confirm"]["message"]["order"]["payment"]
    payment.update({"@ondc/org/settlement_basis": "return_window_expiry",
                    "@ondc/org/settlement_window": "P2D"})
    assert [r for r in _mine(flow, "confirm") if "RET-REQ-027" in r] == []
    flow["on_init"]["message"]["order"]["payment"]["@ondc/org/settlement_details"][0][
        "settlement_status"] = "NOT-PAID"  # where the settlement stands, not a term
    assert [r for r in _mine(flow, "confirm") if "RET-REQ-027" in r] == []
    flow["init"]["message"]["order"].setdefault("payment", {})[
        "@ondc/org/settlement_window"] = "P1D"
    assert [f.path for f in check(flow, "confirm") if f.rule_id == "RET-REQ-027"] == [
        "$.message.order.payment['@ondc/org/settlement_window']"]
