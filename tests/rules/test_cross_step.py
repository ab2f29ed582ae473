"""Cross-step rules and their one diff helper: exact paths, one violation per changed path."""

from __future__ import annotations

from typing import Any

from retail_flow import Flow, check

from ondc_harness.checks.access import MISSING
from ondc_harness.checks.findings import Finding
from ondc_harness.checks.rules.cross_step import Change, diff_keyed, diff_paths

Q = "$.message.order.quote"


def found(findings: list[Finding], rule_id: str) -> list[tuple[str, Any, Any]]:
    return [(f.path, f.expected, f.actual) for f in findings if f.rule_id == rule_id]


def order(flow: Flow, step: str) -> Any:
    return flow[step]["message"]["order"]


# --- diff_paths ---------------------------------------------------------------------------------

def test_diff_paths_reports_each_change_as_a_json_path() -> None:
    old = {"price": {"value": "10.00"}, "tags": [1], "@ondc/org/x": "a", "gone": 1}
    new = {"price": {"value": "12.00"}, "tags": [2], "@ondc/org/x": "b", "new": 2}
    assert sorted(diff_paths(old, new, base="$.q"), key=lambda c: c.path) == [
        Change("$.q.gone", "removed", 1, None),
        Change("$.q.new", "added", None, 2),
        Change("$.q.price.value", "changed", "10.00", "12.00"),
        Change("$.q.tags[0]", "changed", 1, 2),
        Change("$.q['@ondc/org/x']", "changed", "a", "b"),
    ]


def test_diff_paths_ignores_named_keys_anywhere() -> None:
    old = {"a": {"tags": [1], "b": 1}, "tags": "x"}
    new = {"a": {"tags": [2], "b": 1}, "tags": "y"}
    assert diff_paths(old, new, ignore=["tags"]) == []


def test_diff_paths_compares_amounts_as_numbers_but_not_other_strings() -> None:
    assert diff_paths({"value": "394.2", "count": 1}, {"value": "394.20", "count": "1"}) == []
    assert diff_paths({"id": "01"}, {"id": "1"}) == [Change("$.id", "changed", "01", "1")]
    assert diff_paths({"value": "394.2"}, {"value": "394.20"}, amounts_as_numbers=False) == [
        Change("$.value", "changed", "394.2", "394.20")]
    assert diff_paths({"value": "NaN"}, {"value": "NaN"}) == []
    assert diff_paths({"value": "NaN"}, {"value": "nan"}) == [
        Change("$.value", "changed", "NaN", "nan")]


def test_diff_paths_missing_sides() -> None:
    assert diff_paths(MISSING, "x", base="$.a") == [Change("$.a", "added", None, "x")]
    assert diff_paths("x", MISSING, base="$.a") == [Change("$.a", "removed", "x", None)]


def test_diff_keyed_pairs_elements_by_key_not_position() -> None:
    old = [{"id": "A", "n": 1}, {"id": "B", "n": 2}, {"id": "C", "n": 3}]
    new = [{"id": "B", "n": 2}, {"id": "A", "n": 9}, {"id": "D", "n": 4}, "junk"]
    changes = diff_keyed(old, new, key=lambda e: e.get("id"), base="$.l")
    assert changes == [Change("$.l[1].n", "changed", 1, 9),
                       Change("$.l[2]", "added", None, {"id": "D", "n": 4}),
                       Change("$.l", "removed", {"id": "C", "n": 3}, None)]


# --- the rules ----------------------------------------------------------------------------------

def test_reordered_items_and_lines_are_no_change(flow: Flow) -> None:
    for step in ("on_confirm",):
        order(flow, step)["items"].reverse()
        order(flow, step)["quote"]["breakup"].reverse()
    assert check(flow, "on_confirm") == []


def test_amount_notation_is_no_change(flow: Flow) -> None:
    quote = order(flow, "on_confirm")["quote"]
    quote["price"]["value"] = "621.5"
    quote["breakup"][0]["price"]["value"] = "530"
    assert check(flow, "on_confirm") == []


def test_each_changed_money_path_is_one_violation(flow: Flow) -> None:
    quote = order(flow, "on_confirm")["quote"]
    quote["breakup"][4]["price"]["value"] = "35.00"
    quote["price"]["value"] = "631.50"
    assert found(check(flow, "on_confirm"), "RET-XSTEP-003") == [
        (f"{Q}.price.value", "621.50", "631.50"),
        (f"{Q}.breakup[4].price.value", "25.00", "35.00")]


def test_a_dropped_and_an_added_line_are_named(flow: Flow) -> None:
    lines = order(flow, "on_confirm")["quote"]["breakup"]
    packing = lines.pop(4)
    lines.append({**packing, "@ondc/org/title_type": "misc", "title": "Convenience fee"})
    [added, removed] = found(check(flow, "on_confirm"), "RET-XSTEP-003")
    assert added[0] == f"{Q}.breakup[4]" and added[2]["@ondc/org/title_type"] == "misc"
    assert removed[0] == f"{Q}.breakup" and removed[1]["@ondc/org/title_type"] == "packing"


def test_titles_tags_and_stock_counts_of_lines_may_change(flow: Flow) -> None:
    line = order(flow, "on_confirm")["quote"]["breakup"][0]
    line["title"] = "Farmhouse Pizza (Large)"
    line["item"]["tags"] = []
    line["item"]["quantity"]["available"]["count"] = "0"
    assert check(flow, "on_confirm") == []


def test_item_tags_may_change_but_not_the_fulfillment(flow: Flow) -> None:
    item = order(flow, "on_confirm")["items"][0]
    item["tags"].append({"code": "rto_action", "list": [{"code": "return_to_origin",
                                                          "value": "yes"}]})
    assert check(flow, "on_confirm") == []
    item["fulfillment_id"] = "F1-other"
    assert found(check(flow, "on_confirm"), "RET-XSTEP-001") == [
        ("$.message.order.items[0].fulfillment_id", "F1", "F1-other")]


def test_a_missing_item_is_reported_at_the_items_list(flow: Flow) -> None:
    del order(flow, "on_confirm")["items"][1]
    [(path, expected, actual)] = found(check(flow, "on_confirm"), "RET-XSTEP-001")
    assert path == "$.message.order.items" and expected["id"] == "C1" and actual is None


def test_on_init_may_reprice_when_the_cart_changed(flow: Flow) -> None:
    order(flow, "init")["items"][0]["quantity"]["count"] = 3
    order(flow, "on_init")["items"][0]["quantity"]["count"] = 3
    quote = order(flow, "on_init")["quote"]
    quote["breakup"][0]["@ondc/org/item_quantity"]["count"] = 3
    quote["breakup"][0]["price"]["value"] = "795.00"
    quote["price"]["value"] = "886.50"
    assert found(check(flow, "on_init"), "RET-XSTEP-004") == []


def test_on_init_after_an_error_on_select_is_not_compared(flow: Flow) -> None:
    flow["on_select"]["error"] = {"type": "DOMAIN-ERROR", "code": "40002", "message": "[]"}
    order(flow, "on_init")["quote"]["price"]["value"] = "631.50"
    assert found(check(flow, "on_init"), "RET-XSTEP-004") == []


def test_on_init_drops_the_fulfillment_options_init_did_not_choose(flow: Flow) -> None:
    """BUYER_DELIVERY.yaml: on_select prices three options, init picks one."""
    on_select = order(flow, "on_select")
    on_select["fulfillments"].append({"id": "F2", "type": "Self-Pickup",
                                      "@ondc/org/category": "Takeaway", "@ondc/org/TAT": "PT15M",
                                      "state": {"descriptor": {"code": "Serviceable"}}})
    on_select["quote"]["breakup"].append({"@ondc/org/item_id": "F2", "title": "Packing",
                                          "@ondc/org/title_type": "packing",
                                          "price": {"currency": "INR", "value": "20.00"}})
    on_select["quote"]["price"]["value"] = "641.50"
    assert check(flow, "on_select") == []
    assert check(flow, "on_init") == []
    # a changed line of the chosen option is still reported
    order(flow, "on_init")["quote"]["breakup"][3]["price"]["value"] = "45.00"
    order(flow, "on_init")["quote"]["price"]["value"] = "626.50"
    assert found(check(flow, "on_init"), "RET-XSTEP-004") == [
        (f"{Q}.breakup[3].price.value", "40.00", "45.00")]


def test_on_init_may_apply_an_offer_first_chosen_in_init(flow: Flow) -> None:
    order(flow, "init")["offers"] = [{"id": "FLAT50"}]
    order(flow, "on_init")["quote"]["breakup"].append(
        {"@ondc/org/item_id": "FLAT50", "title": "Flat 50", "@ondc/org/title_type": "offer",
         "price": {"currency": "INR", "value": "-50.00"}})
    order(flow, "on_init")["quote"]["price"]["value"] = "571.50"
    assert found(check(flow, "on_init"), "RET-XSTEP-004") == []


def test_cancellation_terms_reason_codes_may_be_reworded(flow: Flow) -> None:
    """ORDER_FLOW.yaml itself lists other reason codes in on_confirm than in on_init."""
    terms = order(flow, "on_confirm")["cancellation_terms"]
    terms[1]["fulfillment_state"]["descriptor"]["short_desc"] = "002,051"
    terms.reverse()
    assert check(flow, "on_confirm") == []


def test_order_id_is_checked_wherever_later_apis_carry_it(flow: Flow) -> None:
    flow["track"]["message"]["order_id"] = "O-OTHER"
    order(flow, "on_status")["id"] = "O-OTHER"
    assert found(check(flow, "track"), "RET-XSTEP-005") == [
        ("$.message.order_id", "O-2025-0001", "O-OTHER")]
    assert found(check(flow, "on_status"), "RET-XSTEP-005") == [
        ("$.message.order.id", "O-2025-0001", "O-OTHER")]


def test_identity_rules_skip_what_is_absent(flow: Flow) -> None:
    del flow["status"]["message"]["order_id"]
    del order(flow, "on_init")["provider"]
    assert found(check(flow, "status"), "RET-XSTEP-005") == []
    assert found(check(flow, "on_init"), "RET-XSTEP-007") == []


# --- the store (RET-XSTEP-013) ------------------------------------------------------------------

def _give_store(flow: Flow, step: str, index: int = 0, **location: Any) -> None:
    store = {"id": "L1", "gps": "12.9716,77.5946", "descriptor": {"name": "Store 1"},
             "address": {"locality": "Indiranagar", "city": "Bengaluru", "area_code": "560038"}}
    order(flow, step)["fulfillments"][index]["start"] = {"location": {**store, **location}}


S = "$.message.order.fulfillments[0].start.location"


def test_the_store_is_compared_with_the_latest_message_that_gave_it(flow: Flow) -> None:
    for step in ("on_init", "on_confirm"):
        _give_store(flow, step)
    _give_store(flow, "on_status", descriptor={"name": "Other Store"})
    assert found(check(flow, "on_confirm"), "RET-XSTEP-013") == []
    assert found(check(flow, "on_status"), "RET-XSTEP-013") == [
        (f"{S}.descriptor.name", "Store 1", "Other Store")]


def test_store_fields_given_late_or_left_out_are_no_change(flow: Flow) -> None:
    """on_select/on_init often omit the start; on_status often drops the id or adds fields."""
    _give_store(flow, "on_confirm")
    assert found(check(flow, "on_confirm"), "RET-XSTEP-013") == []
    _give_store(flow, "on_status", gps="12.97160, 77.594600")  # same point, other notation
    del order(flow, "on_status")["fulfillments"][0]["start"]["location"]["id"]
    order(flow, "on_status")["fulfillments"][0]["start"]["location"]["address"]["building"] = "7"
    assert found(check(flow, "on_status"), "RET-XSTEP-013") == []


def test_the_store_is_compared_per_fulfillment_id_not_with_other_stores(flow: Flow) -> None:
    """A second fulfillment from another store (or an RTO starting at the buyer's) has its own
    id: it is not compared with F1's store."""
    _give_store(flow, "on_confirm")
    rto = {"id": "F1-RTO", "type": "RTO", "state": {"descriptor": {"code": "RTO-Initiated"}},
           "start": {"location": {"gps": "12.974002,77.613458"}}}
    order(flow, "on_status")["fulfillments"].append(rto)
    _give_store(flow, "on_status")
    assert found(check(flow, "on_status"), "RET-XSTEP-013") == []
    order(flow, "on_status")["fulfillments"][0]["start"]["location"]["gps"] = "junk"
    assert found(check(flow, "on_status"), "RET-XSTEP-013") == [
        (f"{S}.gps", "12.9716,77.5946", "junk")]


def test_stores_sharing_few_fields_are_compared_on_those_fields_only(flow: Flow) -> None:
    """{id, gps} then {id, address, descriptor}: deepdiff alone would call the whole store (it
    shares under a third of its keys) one changed value; only the shared id is compared."""
    order(flow, "on_confirm")["fulfillments"][0]["start"] = {
        "location": {"id": "L1", "gps": "12.9716,77.5946"}}
    order(flow, "on_status")["fulfillments"][0]["start"] = {"location": {
        "id": "L1", "descriptor": {"name": "Store 1"},
        "address": {"locality": "Indiranagar", "city": "Bengaluru"}}}
    assert found(check(flow, "on_status"), "RET-XSTEP-013") == []
    order(flow, "on_status")["fulfillments"][0]["start"]["location"]["id"] = "L2"
    assert found(check(flow, "on_status"), "RET-XSTEP-013") == [(f"{S}.id", "L1", "L2")]
