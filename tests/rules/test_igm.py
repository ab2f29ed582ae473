"""IGM rules: silent on valid IGM 1.0 and 2.0 flows, exactly one finding per broken thing.

The flows and the one-mutation-per-rule cases live in ``igm_cases.py`` (which
``test_rule_cases.py`` also reads to check every IGM rule has a failing case).  The tests below
them pin the behaviours a single mutation cannot show: an escalation may reopen the issue,
refusals (error-only callbacks) are not checked, real-log shapes are read correctly, and junk
never makes a rule raise.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from case_checks import assert_only_finding
from igm_cases import ALL_CASES, ISSUE, STEPS, TXN, Case, build, check, context, stamp
from mutations import at

from ondc_harness.checks.catalog import load_all
from ondc_harness.logs import check_path

CATALOG = load_all()


def ids(findings: list[Any]) -> list[str]:
    return [f.one_line() for f in findings]


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_valid_flow_has_no_igm_or_context_findings(version: str) -> None:
    flow = build(version)
    assert [line for step in STEPS[version] for line in ids(check(flow, step, version))] == []


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_minimal_mutation_yields_exactly_that_finding(case: Case) -> None:
    flow = build(case.version)
    case.mutate(flow)
    findings = check(flow, case.step, case.version)
    assert_only_finding(findings, case.rule_id, case.path)


def test_every_igm_rule_has_a_case() -> None:
    igm = {rule_id for rule_id, rule in CATALOG.items() if rule_id.startswith("IGM-") and rule.fn}
    assert igm <= {case.rule_id for case in ALL_CASES}


def test_without_the_escalation_a_reopened_issue_is_a_regression() -> None:
    """v1: RESOLVED, then PROCESSING again.  With the ESCALATE in between this is the GRO
    taking the grievance up; without it, the status went back."""
    flow = build("v1")
    assert not [f for f in check(flow, "on_issue_grievance", "v1")
                if f.rule_id == "IGM-STATUS-002"]
    trail = at(flow["issue_escalate"], *ISSUE, "issue_actions", "complainant_actions")
    del trail[-1]
    at(flow["issue_escalate"], *ISSUE)["issue_type"] = "ISSUE"
    assert [f.rule_id for f in check(flow, "on_issue_grievance", "v1")
            if f.rule_id.startswith("IGM-STATUS-002")] == ["IGM-STATUS-002"]


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_an_error_only_callback_is_not_checked_as_an_issue(version: str) -> None:
    flow = build(version)
    flow["on_issue_status"] = {"context": flow["on_issue_status"]["context"],
                               "error": {"type": "DOMAIN-ERROR", "code": "IGM005",
                                         "message": "issue does not exist"}}
    assert ids(check(flow, "on_issue_status", version)) == []


def test_the_1_0_build_spelling_fulfilment_is_accepted() -> None:
    flow = build("v1")
    at(flow["issue"], *ISSUE).update(category="FULFILMENT", sub_category="FLM02")
    assert ids(check(flow, "issue", "v1")) == []


def test_igm_2_0_with_core_version_as_in_real_logs_is_read_as_2_0() -> None:
    """Real IGM 2.0 logs carry core_version 2.0.0; the shape decides, not the key."""
    flow = build("v2")
    for step in STEPS["v2"][1:]:
        ctx = flow[step]["context"]
        ctx["core_version"] = ctx.pop("version")
    assert [line for step in STEPS["v2"] for line in ids(check(flow, step, "v2"))] == []


def _descriptor_as_description(flow: dict[str, Any]) -> None:
    for step in STEPS["v2"][1:]:
        issue = flow[step]["message"].get("issue")
        if not isinstance(issue, dict):
            continue
        issue["description"] = issue.pop("descriptor")
        for action in issue["actions"]:
            action["description"] = action.pop("descriptor")


def test_igm_2_0_codes_under_description_are_read_as_in_real_logs() -> None:
    """Half the IGM 2.0 real logs (the Pramaan mock service's among them) name the key
    ``description``; SCHEMA-001 reports the key, the rules read the codes under it."""
    flow = build("v2")
    _descriptor_as_description(flow)
    assert [line for step in STEPS["v2"] for line in ids(check(flow, step, "v2"))] == []
    issue = at(flow["on_issue_resolved"], *ISSUE)
    del issue["resolutions"]
    for action in issue["actions"]:
        action.pop("ref_id", None)
        action.pop("ref_type", None)
    issue["actions"][1]["description"]["code"] = "WORKING"
    assert sorted((f.rule_id, f.path) for f in check(flow, "on_issue_resolved", "v2")
                  if f.rule_id in ("IGM-RES-003", "IGM-STATUS-001")) == [
        ("IGM-RES-003", "$.message.issue.resolutions"),
        ("IGM-STATUS-001", "$.message.issue.actions[1].description.code")]


def test_a_later_issue_request_without_category_is_not_a_category_finding() -> None:
    """The close repeats only id, status and actions (igm-1.0.0 ISSUE_CLOSE example)."""
    flow = build("v1")
    assert not [f for f in check(flow, "issue_close", "v1") if f.rule_id == "IGM-CAT-001"]
    at(flow["issue"], *ISSUE).pop("category")
    assert [f.path for f in check(flow, "issue", "v1") if f.rule_id == "IGM-CAT-001"] == [
        "$.message.issue.category"]


def test_without_an_order_in_the_flow_order_and_refund_rules_stay_silent() -> None:
    flow = build("v1")
    flow["on_confirm"] = {"context": context("on_search", "m0", 0, None), "message": {}}
    at(flow["issue"], *ISSUE, "order_details")["id"] = "O-ELSEWHERE"
    at(flow["on_issue_status"], *ISSUE, "resolution")["refund_amount"] = "99999.00"
    assert not [f for step in ("issue", "on_issue_status")
                for f in check(flow, step, "v1")
                if f.rule_id in ("IGM-ORDER-001", "IGM-RES-002")]


def test_refund_amount_that_is_not_a_number_is_reported_not_raised() -> None:
    flow = build("v1")
    at(flow["on_issue_status"], *ISSUE, "resolution")["refund_amount"] = "NaN"
    rules = {f.rule_id for f in check(flow, "on_issue_status", "v1")}
    assert {"IGM-RES-001", "IGM-RES-002"} <= rules and "HARNESS-001" not in rules


def test_a_respondent_update_stamped_later_than_its_message_is_reported() -> None:
    flow = build("v2")
    at(flow["on_issue_resolved"], *ISSUE)["updated_at"] = stamp(45)
    at(flow["on_issue_resolved"], *ISSUE, "actions")[-1]["updated_at"] = stamp(45)
    assert [f.path for f in check(flow, "on_issue_resolved", "v2")
            if f.rule_id == "IGM-TIME-001"] == ["$.message.issue.updated_at"]


JUNK: list[Any] = [math.nan, "Infinity", None, ["x"], {"x": 1}, True, "1e999999"]


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out: list[tuple[str | int, ...]] = []
    if isinstance(value, dict):
        for key, child in value.items():
            out += [(*prefix, key), *_paths(child, (*prefix, key))]
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out += [(*prefix, index), *_paths(child, (*prefix, index))]
    return out


@pytest.mark.parametrize(("version", "step"), [
    ("v1", "issue"), ("v1", "on_issue_status"), ("v1", "on_issue_grievance"),
    ("v2", "on_issue_proposal"), ("v2", "on_issue_resolved"), ("v2", "issue_accept")])
def test_junk_anywhere_never_makes_an_igm_rule_raise(version: str, step: str) -> None:
    base = build(version)
    crashes: list[str] = []
    for path in _paths(base[step]["message"]):
        for junk in JUNK:
            flow = copy.deepcopy(base)
            holder = at(flow[step]["message"], *path[:-1])
            holder[path[-1]] = junk
            crashes += [f"{path}={junk!r}: {f.message}" for f in check(flow, step, version)
                        if f.rule_id == "HARNESS-001"]
    assert crashes == []


def test_v2_actions_after_the_issue_updated_at_and_millisecond_stamping_are_accepted() -> None:
    """The official IGM 2.0 example FLow1/on_issue2 appends PROCESSING 10 s after the issue's
    updated_at; senders stamp issue.updated_at a few ms after context.timestamp."""
    flow = build("v2")
    at(flow["on_issue"], *ISSUE)["updated_at"] = stamp(10.4)
    at(flow["on_issue_resolved"], *ISSUE)["updated_at"] = stamp(40.503)
    for step in ("on_issue", "on_issue_resolved"):
        assert [f.path for f in check(flow, step, "v2") if f.rule_id == "IGM-TIME-001"] == []


def test_an_igm_2_issue_may_carry_the_retail_core_version() -> None:
    """igm-2.0.0 examples FLow1: Retail issues in the 2.0 shape with core_version 1.2.0."""
    flow = build("v2")
    for step in flow:
        if "issue" in step:
            flow[step]["context"].pop("version", None)
            flow[step]["context"]["core_version"] = "1.2.0"
    found = [f.one_line() for step in flow if "issue" in step
             for f in check(flow, step, "v2") if f.rule_id == "IGM-CTX-001"]
    assert found == []


def test_the_mock_sellers_counterparty_type_and_an_identical_repeated_actor_are_accepted() -> None:
    """The Pramaan mock seller names itself TRANSACTION_COUNTERPARTY_NP and buyer apps echo
    its actor; an actor listed twice identically confuses no reference.  Two different actors
    under one id still do."""
    flow = build("v2")
    for step in ("on_issue", "on_issue_resolved"):
        actors = at(flow[step], *ISSUE, "actors")
        for actor in actors:
            if actor["type"] == "COUNTERPARTY_NP":
                actor["type"] = "TRANSACTION_COUNTERPARTY_NP"
        actors.append(copy.deepcopy(actors[0]))
        assert [f.one_line() for f in check(flow, step, "v2")
                if f.rule_id in ("IGM-ACTOR-001", "IGM-ACTOR-003")] == []
    actors = at(flow["on_issue"], *ISSUE, "actors")
    actors[-1]["type"] = "INTERFACING_NP"
    assert [f.rule_id for f in check(flow, "on_issue", "v2")
            if f.rule_id == "IGM-ACTOR-001"] == ["IGM-ACTOR-001"]


def test_a_v2_status_behind_its_trail_is_the_official_examples_shape() -> None:
    """igm-2.0.0 Flow3/on_issue2 answers OPEN after a PROCESSING action."""
    flow = build("v2")
    at(flow["on_issue"], *ISSUE)["status"] = "OPEN"
    assert [f.path for f in check(flow, "on_issue", "v2") if f.rule_id == "IGM-STATUS-003"] == []


def test_placeholder_actor_names_of_the_official_mock_are_not_held_against_the_participant(
        ) -> None:
    """The IGM mock service, raising the issue for a seller app under test, names its CONSUMER
    and INTERFACING_NP after the examples' buyerapp.com; the seller echoes them.  The seller's
    own COUNTERPARTY_NP is still held to the rule."""
    mock = "igm-mock-service.ondc.org/igm-protocol-server-preprod"
    flow = build("v2")
    for step in STEPS["v2"]:
        if "issue" not in step:
            continue
        flow[step]["context"]["bap_id"] = mock
        for actor in flow[step]["message"].get("issue", {}).get("actors", []):
            if actor["type"] in ("CONSUMER", "INTERFACING_NP"):
                actor["info"]["org"]["name"] = "buyerapp.com::ONDC:RET11"
            elif actor["type"] == "COUNTERPARTY_NP":
                actor["info"]["org"]["name"] = "seller.example.org::ONDC:RET11"
    found = [f.one_line() for step in STEPS["v2"] if "issue" in step
             for f in check(flow, step, "v2") if f.rule_id == "IGM-ACTOR-004"]
    assert found == []
    for actor in at(flow["on_issue"], *ISSUE, "actors"):
        if actor["type"] == "COUNTERPARTY_NP":
            actor["info"]["org"]["name"] = "sellerapp.com::ONDC:RET11"
    assert [f.rule_id for f in check(flow, "on_issue", "v2")
            if f.rule_id == "IGM-ACTOR-004"] == ["IGM-ACTOR-004"]


def test_an_issue_moved_to_another_transaction_is_reported_across_flows(tmp_path: Path) -> None:
    """IGM 2.0 transaction_id persists across all calls of an issue; the loader groups flows by
    transaction_id, so IGM-TXN-001 is found over the folder (Mobibharat RET10 igm-logs)."""
    flow = build("v2")
    for step in ("issue_accept", "issue_close"):
        flow[step]["context"]["transaction_id"] = "another-transaction"
    for number, step in enumerate(STEPS["v2"]):
        (tmp_path / f"{number:02d}_{step}.json").write_text(json.dumps(flow[step]))
    reports, _ = check_path(tmp_path)
    moved = [(f.action, f.path, f.expected, f.actual, f.file) for r in reports
             for f in r.findings if f.rule_id == "IGM-TXN-001"]
    assert moved == [("issue", "$.context.transaction_id", TXN, "another-transaction", name)
                     for name in ("09_issue_accept.json", "11_issue_close.json")]
    assert CATALOG["IGM-TXN-001"].actions >= {"issue", "on_issue"}


def test_one_transaction_per_issue_is_silent(tmp_path: Path) -> None:
    flow = build("v2")
    for number, step in enumerate(STEPS["v2"]):
        (tmp_path / f"{number:02d}_{step}.json").write_text(json.dumps(flow[step]))
    reports, _ = check_path(tmp_path)
    assert [f for r in reports for f in r.findings if f.rule_id == "IGM-TXN-001"] == []


def test_the_1_0_enum_status_resolved_is_accepted() -> None:
    """igm-1.0.0 enums (components/enums/index.yaml, build.yaml x-enum issue.status) list
    RESOLVED beside OPEN and CLOSED; the Issue schema's own enum has only OPEN and CLOSED."""
    flow = build("v1")
    at(flow["on_issue_status"], *ISSUE)["status"] = "RESOLVED"
    assert ids(check(flow, "on_issue_status", "v1")) == []
    at(flow["on_issue_status"], *ISSUE)["status"] = "PROCESSING"  # a 2.0 status, not a 1.0 one
    assert [(f.rule_id, f.path) for f in check(flow, "on_issue_status", "v1")
            if f.rule_id == "IGM-STATUS-001"] == [("IGM-STATUS-001", "$.message.issue.status")]
