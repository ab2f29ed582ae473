"""Discovery rules (RET-CAT-005 …): silent on a rich, valid catalogue flow; one finding at the
exact path for each minimal mutation (discovery_cases.py); and they read real-world shapes
(incremental refreshes, paginated catalogues) the way the docs describe."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from case_checks import assert_only_finding
from discovery_cases import ALL_CASES, INC_STEPS, Case, check, rich_flow, tg
from retail_flow import STEPS

from ondc_harness.checks.catalog import load_all
from ondc_harness.checks.rules._common import parse_timestamp
from ondc_harness.checks.rules.discovery import CATEGORY_CODES, catalogue_of, gps_problem
from ondc_harness.message import Message

CATALOG = load_all()
MINE = sorted(r for r in CATALOG if r.startswith("RET-CAT-") and int(r[-3:]) >= 5)


@pytest.mark.parametrize("step", STEPS)
def test_the_rich_flow_has_no_findings(step: str) -> None:
    assert [f.one_line() for f in check(rich_flow(), step)] == []


@pytest.mark.parametrize("step", INC_STEPS)
def test_the_incremental_refresh_has_no_findings(step: str) -> None:
    assert [f.one_line() for f in check(rich_flow(), step, INC_STEPS)] == []


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_minimal_mutation_yields_exactly_that_finding(case: Case) -> None:
    flow = rich_flow()
    case.mutate(flow)
    findings = check(flow, case.step, case.steps)
    assert_only_finding(findings, case.rule_id, case.path)


def test_every_discovery_rule_has_a_case() -> None:
    assert sorted({c.rule_id for c in ALL_CASES}) == MINE


def test_a_paginated_full_catalogue_is_not_taken_for_a_refresh() -> None:
    """full_catalog_refresh.md: catalogues may be paginated by provider; a second complete page
    answering the same search is still a full catalogue (its providers need names)."""
    flow = rich_flow()
    page = copy.deepcopy(flow["on_search"])
    page["message"]["catalog"]["bpp/providers"][0]["id"] = "P2"
    page["message"]["catalog"]["bpp/providers"][0]["descriptor"]["name"] = ""
    flow["on_search_2"] = page
    findings = check(flow, "on_search_2", ("search", "on_search", "on_search_2"))
    assert [f.rule_id for f in findings if f.rule_id == "RET-CAT-021"] == ["RET-CAT-021"]


def test_a_second_partial_answer_is_a_refresh() -> None:
    """1.2.0 logs answer one search with the full catalogue, then the changes (no descriptor):
    the changes are not held to what a full catalogue must carry."""
    flow = rich_flow()
    flow["on_search_2"] = copy.deepcopy(flow["on_search_inc"])
    flow["on_search_2"]["context"]["message_id"] = flow["search"]["context"]["message_id"]
    flow["on_search_2"]["message"]["catalog"]["bpp/providers"][0]["categories"] = [{"id": "M1"}]
    findings = check(flow, "on_search_2", ("search", "on_search", "on_search_2"))
    assert "RET-CAT-078" in {f.rule_id for f in findings}
    assert not {"RET-CAT-015", "RET-CAT-021"} & {f.rule_id for f in findings}


def test_a_pushed_change_after_a_catalog_inc_search_is_incremental() -> None:
    flow = rich_flow()
    push = copy.deepcopy(flow["on_search_inc"])
    push["context"]["message_id"] = "f0f0c1e2-4f5a-8b9c-0d1e2f3a4b5c"
    push["message"]["catalog"]["bpp/providers"][0]["id"] = "P7"
    flow["push"] = push
    findings = check(flow, "push", (*INC_STEPS, "push"))
    assert [f.path for f in findings if f.rule_id == "RET-CAT-076"] == [
        "$.message.catalog['bpp/providers'][0].id"]


def test_an_out_of_stock_item_may_cap_at_zero() -> None:
    flow = rich_flow()
    item = flow["on_search"]["message"]["catalog"]["bpp/providers"][0]["items"][4]
    item["quantity"]["available"]["count"] = "0"
    item["quantity"]["maximum"]["count"] = "0"
    assert [f for f in check(flow, "on_search") if f.rule_id == "RET-CAT-051"] == []


def test_item_timestamps_are_reported_once_per_provider() -> None:
    flow = rich_flow()
    for item in flow["on_search"]["message"]["catalog"]["bpp/providers"][0]["items"]:
        item["time"] = {"label": "enable", "timestamp": "2025-05-23T09:00:00.000Z"}
    late = [f for f in check(flow, "on_search") if f.rule_id == "RET-CAT-026"]
    assert len(late) == 1 and "5 more items" in late[0].message


def test_an_image_url_padded_with_a_space_is_named_as_such() -> None:
    flow = rich_flow()
    item = flow["on_search"]["message"]["catalog"]["bpp/providers"][0]["items"][0]
    item["descriptor"]["images"] = [" https://cdn.example.com/1.jpg"]
    assert [f.message for f in check(flow, "on_search") if f.rule_id == "RET-CAT-022"] == [
        "image is an http(s) URL padded with whitespace"]


def test_a_snapshot_stamped_milliseconds_after_the_context_is_accepted() -> None:
    """Real catalogues stamp the provider a few ms after context.timestamp (built, then sent)."""
    flow = rich_flow()
    provider = flow["on_search"]["message"]["catalog"]["bpp/providers"][0]
    sent = parse_timestamp(flow["on_search"]["context"]["timestamp"])
    assert sent is not None
    provider["time"] = {"label": "enable",
                        "timestamp": (sent + timedelta(milliseconds=5)).isoformat()}
    assert [f for f in check(flow, "on_search") if f.rule_id == "RET-CAT-026"] == []
    provider["time"]["timestamp"] = (sent + timedelta(minutes=10)).isoformat()
    assert [f.path for f in check(flow, "on_search") if f.rule_id == "RET-CAT-026"] == [
        "$.message.catalog['bpp/providers'][0].time.timestamp"]


def test_the_category_enum_is_the_pack_s() -> None:
    assert len(CATEGORY_CODES) == 96
    assert {"RET10-1000", "RET10-100A", "RET10-105F"} <= CATEGORY_CODES


@pytest.mark.parametrize(("gps", "ok"), [
    ("12.9716,77.5946", True), ("12.971600, 77.594600", True), ("-33.8688,151.2093", True),
    ("12.97,77.59", False), ("91.0000,77.5946", False), ("12.9716;77.5946", False),
    ("77.59461", False), (None, False)])
def test_gps(gps: object, ok: bool) -> None:
    assert (gps_problem(gps, decimals=4) is None) is ok


def test_catalogue_view_merges_refreshes() -> None:
    flow = rich_flow()
    view = catalogue_of([Message(flow["on_search"]), Message(flow["on_search_inc"])])
    assert view is not None and view["P1"].locations["L1"]["time"]["label"] == "close"
    assert set(view["P1"].groups) == {"CG1", "CG2"}
    assert view["P1"].items["I1"]["fulfillment_id"] == "F1"


def test_rules_never_raise_on_junk_catalogues() -> None:
    flow = rich_flow()
    provider = flow["on_search"]["message"]["catalog"]["bpp/providers"][0]
    junk = [None, 1, "x", [], {}, [None], {"list": None}, tg("serviceability", type=None)]
    for key in ("tags", "items", "categories", "offers", "locations", "fulfillments", "time"):
        for value in junk:
            mutated = copy.deepcopy(flow)
            mutated["on_search"]["message"]["catalog"]["bpp/providers"][0][key] = value
            findings = check(mutated, "on_search")
            assert [f for f in findings if f.rule_id == "HARNESS-001"] == [], (key, value)
    assert provider["id"] == "P1"


# --- junk sweep: the rich flow's every value replaced, my rules never raise ----------------------

JUNK: list[object] = [float("nan"), None, ["x"], {"x": 1}, True, "²", "9" * 5000]
#: Which later steps read a mutated step back (the catalogue is read by select, init's by
#: confirm, …); the sweep checks those too.
READERS = {"search": ("on_search", "search_inc"), "on_search": ("select", "on_search_inc"),
           "search_inc": ("on_search_inc",), "on_search_inc": (),
           "select": ("init",), "on_select": ("init",), "init": ("confirm",),
           "on_init": ("confirm",), "confirm": (), "on_confirm": ("status", "track"),
           "status": (), "on_status": ("track",), "track": ()}
ORDER: tuple[str, ...] = (*INC_STEPS, *STEPS[2:])
MY_RULES = [r for r in CATALOG.values() if r.fn is not None and (
    r.id.startswith("RET-REQ-") or (r.id.startswith("RET-CAT-") and int(r.id[-3:]) >= 5))]


def _shape(value: object) -> object:
    if isinstance(value, dict):
        return tuple(sorted((k, _shape(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_shape(v) for v in value)
    return type(value).__name__


def _paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every path inside ``value``; of list elements shaped alike only the first is entered
    (the colas and the customisations repeat one shape; sweeping each would only add time)."""
    out: list[tuple[str | int, ...]] = []
    if isinstance(value, dict):
        for key, child in value.items():
            out += [(*prefix, key), *_paths(child, (*prefix, key))]
    elif isinstance(value, list):
        shapes: set[object] = set()
        for index, child in enumerate(value):
            out.append((*prefix, index))
            if _shape(child) not in shapes:
                shapes.add(_shape(child))
                out += _paths(child, (*prefix, index))
    return out


def _crashes(flow: dict[str, dict[str, object]], step: str) -> list[str]:
    from ondc_harness.checks.engine import run_rules
    from ondc_harness.message import FlowHistory

    message = Message(flow[step])
    rules = [r for r in MY_RULES if r.applies_to(message.action, message.domain, message.version)]
    history = FlowHistory([Message(flow[s]) for s in ORDER[:ORDER.index(step)]])
    return [f.message for f in run_rules(message, history, rules) if f.rule_id == "HARNESS-001"]


@pytest.mark.parametrize("step", [s for s in READERS if READERS[s] or s in (
    "on_search_inc", "confirm")])
def test_junk_anywhere_never_crashes_a_discovery_or_request_rule(step: str) -> None:
    base = rich_flow()
    failures: list[str] = []
    for path in _paths(base[step]):
        for junk in JUNK:
            flow = dict(base)
            mutated = copy.deepcopy(base[step])
            holder = mutated
            for part in path[:-1]:
                holder = holder[part]  # type: ignore[index]
            holder[path[-1]] = junk  # type: ignore[index]
            flow[step] = mutated
            for target in (step, *READERS[step]):
                failures += [f"{step}{list(path)}={junk!r} → {target}: {m}"
                             for m in _crashes(flow, target)]
    assert failures == []


def test_prepackaged_food_declares_only_what_applies() -> None:
    """1.2.5 GROCERY attributes: every statutory_reqs_prepackaged_food field is optional (the
    RET18 supplements in real logs declare ingredients only); NA marks a licence that does not
    apply (no importer).  A licence number in words is still reported."""
    flow = rich_flow()
    items = flow["on_search"]["message"]["catalog"]["bpp/providers"][0]["items"]
    items[4]["@ondc/org/statutory_reqs_prepackaged_food"] = {
        "ingredients_info": "Creatine monohydrate", "brand_owner_FSSAI_license_no":
        "10012345000123", "importer_FSSAI_license_no": "NA", "other_FSSAI_license_no": ""}
    assert [f.one_line() for f in check(flow, "on_search") if f.rule_id == "RET-CAT-069"] == []
    items[4]["@ondc/org/statutory_reqs_prepackaged_food"]["importer_FSSAI_license_no"] = "435434"
    assert [f.rule_id for f in check(flow, "on_search")] == ["RET-CAT-069"]


def test_label_details_are_optional_in_grocery_and_may_be_a_back_image() -> None:
    """RET10 statutory attributes are "only as applicable" (1.2.0) / required false (1.2.5);
    a RET18 item may give a back image instead of the text details (1.2.0 notes)."""
    flow = rich_flow()
    item = flow["on_search"]["message"]["catalog"]["bpp/providers"][0]["items"][5]
    del item["@ondc/org/statutory_reqs_packaged_commodities"]
    flow["on_search"]["context"]["domain"] = "ONDC:RET10"
    assert "RET-CAT-079" not in [f.rule_id for f in check(flow, "on_search")]
    flow["on_search"]["context"]["domain"] = "ONDC:RET18"
    item["tags"].append(tg("image", type="back_image", url="https://seller.example/back.png"))
    assert "RET-CAT-079" not in [f.rule_id for f in check(flow, "on_search")]
