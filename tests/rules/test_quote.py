"""Quote rules beyond the single failing case: tolerance, offers, versions, fulfillment options."""

from __future__ import annotations

from typing import Any

import pytest
from retail_flow import Flow, check

from ondc_harness.checks.findings import Finding

Q = "$.message.order.quote"


def ids(findings: list[Finding], *rule_ids: str) -> list[tuple[str, str]]:
    return [(f.rule_id, f.path) for f in findings if f.rule_id in rule_ids]


def quote(flow: Flow, step: str = "on_select") -> Any:
    return flow[step]["message"]["order"]["quote"]


@pytest.mark.parametrize(("total", "flagged"), [("621.50", False), ("621.51", False),
                                                 ("621.49", False), ("621.52", True),
                                                 ("621.48", True), ("621.5", False), (621.5, False),
                                                 ("0621.500", False)])
def test_quote_total_tolerance_is_one_paisa(flow: Flow, total: Any, flagged: bool) -> None:
    quote(flow)["price"]["value"] = total
    assert bool(ids(check(flow, "on_select"), "RET-QUOTE-001")) is flagged


def test_quote_total_finding_reads_like_the_readme(flow: Flow) -> None:
    quote(flow)["price"]["value"] = "631.50"
    [finding] = [f for f in check(flow, "on_select") if f.rule_id == "RET-QUOTE-001"]
    assert finding.message == ("quote.price.value 631.50 is not the sum of the breakup 621.50 "
                               "(tolerance 0.01)")
    assert (finding.expected, finding.actual) == ("621.50", "631.50")


def test_offer_lines_count_offered_value_when_present_else_value(flow: Flow) -> None:
    """1.2.0: discount in offered_value and 0 in value; 1.2.5: discount in value."""
    lines = quote(flow)["breakup"]
    lines.append({"@ondc/org/item_id": "FLAT50", "title": "Flat 50", "@ondc/org/title_type":
                  "offer", "price": {"currency": "INR", "value": "0.00",
                                     "offered_value": "-50.00"}})
    quote(flow)["price"]["value"] = "571.50"
    assert ids(check(flow, "on_select"), "RET-QUOTE-001", "RET-QUOTE-006") == []
    del lines[-1]["price"]["offered_value"]
    lines[-1]["price"]["value"] = "-50.00"
    assert ids(check(flow, "on_select"), "RET-QUOTE-001", "RET-QUOTE-006") == []


def test_discount_lines_are_negative_and_add_up(flow: Flow) -> None:
    quote(flow)["breakup"].append({"@ondc/org/item_id": "I1", "title": "Discount",
                                   "@ondc/org/title_type": "discount",
                                   "price": {"currency": "INR", "value": "-21.50"}})
    quote(flow)["price"]["value"] = "600.00"
    assert ids(check(flow, "on_select"), "RET-QUOTE-001", "RET-QUOTE-005") == []


@pytest.mark.parametrize(("version", "title_type", "flagged"), [
    ("1.2.0", "discount_f", False), ("1.2.0", "tax_f", False), ("1.2.0", "offer", False),
    ("1.2.5", "offer", False), ("1.2.5", "misc", False), ("1.2.5", "Packing", True),
    ("1.2.5", "convenience_fee", True), ("9.9.9", "tax_f", False), ("1.2.0", None, True)])
def test_title_type_enum_per_version(flow: Flow, version: str, title_type: Any,
                                     flagged: bool) -> None:
    flow["on_select"]["context"]["core_version"] = version
    quote(flow)["breakup"][4]["@ondc/org/title_type"] = title_type
    findings = ids(check(flow, "on_select"), "RET-QUOTE-005")
    assert findings == ([("RET-QUOTE-005", f"{Q}.breakup[4]['@ondc/org/title_type']")]
                        if flagged else [])


def test_an_item_line_must_name_an_item_not_a_fulfillment(flow: Flow) -> None:
    quote(flow)["breakup"][2]["@ondc/org/item_id"] = "F1"
    assert ids(check(flow, "on_select"), "RET-QUOTE-006") == [
        ("RET-QUOTE-006", f"{Q}.breakup[2]['@ondc/org/item_id']")]


def test_an_order_level_line_may_name_the_transaction(flow: Flow) -> None:
    txn = flow["on_select"]["context"]["transaction_id"]
    quote(flow)["breakup"][4]["@ondc/org/item_id"] = txn
    assert ids(check(flow, "on_select"), "RET-QUOTE-006") == []


def test_multi_option_on_select_prices_only_the_default_option(flow: Flow) -> None:
    """seed-examples/retail_on_select.json: several options, one delivery line."""
    order = flow["on_select"]["message"]["order"]
    order["fulfillments"] += [
        {"id": "F2", "type": "Delivery", "@ondc/org/TAT": "PT24H", "tracking": True,
         "@ondc/org/category": "Immediate Delivery",
         "state": {"descriptor": {"code": "Serviceable"}}},
        {"id": "F3", "type": "Self-Pickup", "@ondc/org/TAT": "PT15M", "tracking": False,
         "@ondc/org/category": "Takeaway", "state": {"descriptor": {"code": "Serviceable"}}}]
    for item in order["items"]:
        item["fulfillment_id"] = ["F1", "F2", "F3"]
    findings = check(flow, "on_select")
    assert [f.one_line() for f in findings] == []


def test_a_pickup_only_cart_needs_no_delivery_line(flow: Flow) -> None:
    order = flow["on_select"]["message"]["order"]
    order["fulfillments"][0].update({"type": "Self-Pickup", "@ondc/org/category": "Takeaway"})
    del order["quote"]["breakup"][3]
    order["quote"]["price"]["value"] = "581.50"
    assert ids(check(flow, "on_select"), "RET-QUOTE-008") == []


def test_an_untyped_fulfillment_counts_as_delivery_as_in_1_2_0(flow: Flow) -> None:
    """Retail 1.2.0 on_select examples carry no fulfillment type."""
    order = flow["on_select"]["message"]["order"]
    del order["fulfillments"][0]["type"]
    del order["quote"]["breakup"][3]
    order["quote"]["price"]["value"] = "581.50"
    assert ids(check(flow, "on_select"), "RET-QUOTE-008") == [("RET-QUOTE-008", f"{Q}.breakup")]


def test_free_delivery_line_for_a_non_serviceable_fulfillment_is_accepted(flow: Flow) -> None:
    order = flow["on_select"]["message"]["order"]
    order["fulfillments"][0]["state"]["descriptor"]["code"] = "Non-serviceable"
    order["quote"]["breakup"][3]["price"]["value"] = "0.00"
    order["quote"]["price"]["value"] = "581.50"
    assert ids(check(flow, "on_select"), "RET-QUOTE-008", "RET-QUOTE-009") == []


def test_quote_ttl_must_be_a_duration(flow: Flow) -> None:
    quote(flow)["ttl"] = "1 day"
    assert ids(check(flow, "on_select"), "RET-QUOTE-007") == [("RET-QUOTE-007", f"{Q}.ttl")]


def test_every_non_inr_currency_is_reported_at_its_own_path(flow: Flow) -> None:
    quote(flow)["price"]["currency"] = "USD"
    quote(flow)["breakup"][0]["item"]["price"]["currency"] = "inr"
    assert ids(check(flow, "on_select"), "RET-QUOTE-004") == [
        ("RET-QUOTE-004", f"{Q}.price.currency"),
        ("RET-QUOTE-004", f"{Q}.breakup[0].item.price.currency")]


@pytest.mark.parametrize("junk", ["NaN", "Infinity", "-Infinity", "abc", "", None, [], {},
                                  "1e999999", True])
def test_non_numeric_unit_price_is_reported_once(flow: Flow, junk: Any) -> None:
    quote(flow)["breakup"][0]["item"]["price"]["value"] = junk
    findings = check(flow, "on_select")
    assert ids(findings, "RET-QUOTE-002", "RET-QUOTE-003") == [
        ("RET-QUOTE-003", f"{Q}.breakup[0].item.price.value")]


def test_numbers_instead_of_strings_still_add_up(flow: Flow) -> None:
    """JSON numbers are a schema matter; the arithmetic reads them exactly (0.1 stays 0.1)."""
    for line in quote(flow)["breakup"]:
        line["price"]["value"] = float(line["price"]["value"])
    quote(flow)["price"]["value"] = 621.5
    assert ids(check(flow, "on_select"), "RET-QUOTE-001", "RET-QUOTE-002",
               "RET-QUOTE-003") == []
