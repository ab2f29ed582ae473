"""Catalogue rules and select-against-catalogue: what is skipped, what is merged."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from retail_flow import Flow, check, history_before

from ondc_harness.checks.engine import run_rules
from ondc_harness.checks.findings import Finding
from ondc_harness.message import Message

P = "$.message.catalog['bpp/providers'][0]"


def found(findings: list[Finding], *rule_ids: str) -> list[tuple[str, str]]:
    return [(f.rule_id, f.path) for f in findings if f.rule_id in rule_ids]


def provider(flow: Flow) -> Any:
    return flow["on_search"]["message"]["catalog"]["bpp/providers"][0]


def test_an_incremental_provider_without_fulfillments_or_locations_is_not_checked(
        flow: Flow) -> None:
    del provider(flow)["fulfillments"], provider(flow)["locations"]
    assert check(flow, "on_search") == []


def test_catalogue_level_fulfillments_count_too(flow: Flow) -> None:
    """Retail 1.2.0 catalogues may list fulfillments under bpp/fulfillments."""
    del provider(flow)["fulfillments"]
    flow["on_search"]["message"]["catalog"]["bpp/fulfillments"] = [{"id": "F1",
                                                                    "type": "Delivery"}]
    assert check(flow, "on_search") == []


@pytest.mark.parametrize(("price", "flagged"), [("0.00", False), ("265", False),
                                                ("-1", True), ("NaN", True), (None, True)])
def test_item_prices(flow: Flow, price: Any, flagged: bool) -> None:
    provider(flow)["items"][0]["price"]["value"] = price
    assert bool(found(check(flow, "on_search"), "RET-CAT-004")) is flagged


def test_duplicate_provider_ids(flow: Flow) -> None:
    providers = flow["on_search"]["message"]["catalog"]["bpp/providers"]
    providers.append(copy.deepcopy(providers[0]))
    assert found(check(flow, "on_search"), "RET-CAT-003") == [
        ("RET-CAT-003", "$.message.catalog['bpp/providers'][1].id")]


def test_select_from_an_unknown_provider(flow: Flow) -> None:
    flow["select"]["message"]["order"]["provider"]["id"] = "P9"
    assert found(check(flow, "select"), "RET-XSTEP-011") == [
        ("RET-XSTEP-011", "$.message.order.provider.id")]


def test_select_without_an_on_search_in_the_flow_is_not_checked(flow: Flow) -> None:
    flow["select"]["message"]["order"]["items"][0]["id"] = "I9"
    history = history_before(flow, "select")
    history.messages[:] = [m for m in history.messages if m.action != "on_search"]
    assert found(run_rules(Message(flow["select"]), history), "RET-XSTEP-011") == []


def test_an_on_search_without_a_catalog_is_no_catalogue_to_select_from(flow: Flow) -> None:
    """Instastack's on_search spells message.catalogue (the schema's finding); select is not
    judged against the empty catalogue it seems to hold."""
    flow["on_search"]["message"] = {"catalogue": flow["on_search"]["message"]["catalog"]}
    assert found(check(flow, "select"), "RET-XSTEP-011") == []


def test_catalogues_over_several_on_search_are_merged(flow: Flow) -> None:
    history = history_before(flow, "select")
    push = copy.deepcopy(flow["on_search"])
    push["message"]["catalog"]["bpp/providers"][0]["items"] = [{"id": "I2"}]
    history.append(Message(push))
    flow["select"]["message"]["order"]["items"][0]["id"] = "I2"
    assert found(run_rules(Message(flow["select"]), history), "RET-XSTEP-011") == []
