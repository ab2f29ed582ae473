"""Valid IGM 1.0 and 2.0 flows (as payload dicts) and one minimal mutation per IGM rule.

Both flows complain about a delivered order (``on_confirm`` first, so the order-reference and
refund rules have an order to compare with), get it taken up (PROCESSING), resolved, escalated
to the GRO, resolved again and closed — every branch the IGM rules look at.  ``test_igm.py``
checks that the valid flows have no findings and that each :class:`Case` yields exactly its
finding; ``test_rule_cases.py`` checks that every IGM rule has a case here.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mutations import at, deleter, setter

from ondc_harness.checks.catalog import load_all
from ondc_harness.checks.engine import run_rules
from ondc_harness.checks.findings import Finding
from ondc_harness.message import FlowHistory, Message

Json = dict[str, Any]
Flow = dict[str, Json]

TXN = "0c6f1a2b-3d4e-4f50-8a1b-2c3d4e5f6a7b"
BAP_ID, BAP_URI = "buyer.example.org", "https://buyer.example.org/ondc"
BPP_ID, BPP_URI = "seller.example.org", "https://seller.example.org/ondc"
GRO_ID = f"{BPP_ID}::GRO"
ORDER_ID = "O-2025-0042"
ISSUE_ID = "ISSUE-42"

V1_STEPS = ("on_confirm", "issue", "on_issue", "issue_status", "on_issue_status",
            "issue_escalate", "on_issue_grievance", "issue_status_grievance",
            "on_issue_status_grievance", "issue_close")
V2_STEPS = ("on_confirm", "issue", "on_issue", "on_issue_proposal", "issue_status",
            "on_issue_status", "issue_escalate", "on_issue_grievance",
            "on_issue_grievance_proposal", "issue_accept", "on_issue_resolved", "issue_close")
STEPS = {"v1": V1_STEPS, "v2": V2_STEPS}


def stamp(seconds: float) -> str:
    whole, millis = int(seconds), round((seconds - int(seconds)) * 1000)
    minutes, secs = divmod(whole, 60)
    return f"2025-05-23T09:{minutes:02d}:{secs:02d}.{millis:03d}Z"


def context(action: str, message_id: str, seconds: float, version: str | None) -> Json:
    """An IGM context: 1.0 with ``core_version``, 2.0 with ``version`` (None: Retail 1.2.5)."""
    ctx: Json = {"domain": "ONDC:RET11", "action": action, "country": "IND", "city": "std:080",
                 "bap_id": BAP_ID, "bap_uri": BAP_URI, "bpp_id": BPP_ID, "bpp_uri": BPP_URI,
                 "transaction_id": TXN, "message_id": message_id, "timestamp": stamp(seconds),
                 "ttl": "PT30S"}
    if version is None:
        ctx["core_version"] = "1.2.5"
    elif version.startswith("1."):
        ctx["core_version"] = version
    else:
        ctx["version"] = version
    return ctx


def on_confirm() -> Json:
    """The order the complaint is about (only what the IGM rules read)."""
    return {"context": context("on_confirm", "m-confirm", 0, None), "message": {"order": {
        "id": ORDER_ID, "state": "Completed",
        "items": [{"id": "I1", "fulfillment_id": "F1", "quantity": {"count": 2}}],
        "fulfillments": [{"id": "F1", "type": "Delivery",
                          "state": {"descriptor": {"code": "Order-delivered"}}}],
        "quote": {"price": {"currency": "INR", "value": "582.90"}, "breakup": []},
    }}}


# -- IGM 1.0 -----------------------------------------------------------------------------------
def _who(name: str, phone: str) -> Json:
    return {"org": {"name": f"{name}::ONDC:RET11"}, "contact": {"phone": phone,
                                                              "email": "desk@example.org"},
            "person": {"name": "Desk"}}


def _complainant(code: str, seconds: float) -> Json:
    return {"complainant_action": code, "short_desc": code.title(), "updated_at": stamp(seconds),
            "updated_by": _who(BAP_ID, "9886033333")}


def _respondent(code: str, seconds: float) -> Json:
    return {"respondent_action": code, "short_desc": code.title(),
            "updated_at": stamp(seconds), "updated_by": _who(BPP_ID, "9886011111"),
            "cascaded_level": 1}


def _provider() -> Json:
    return {"respondent_info": {
        "type": "TRANSACTION-COUNTERPARTY-NP", "organization": _who(BPP_ID, "9886011111"),
        "resolution_support": {"contact": {"phone": "9886011111"}, "gros": [{
            "person": {"name": "Meera Iyer"},
            "contact": {"phone": "9886022222", "email": "gro@example.org"},
            "gro_type": "TRANSACTION-COUNTERPARTY-NP-GRO"}]}}}


def _v1_issue(issue_type: str, actions: list[Json], updated: float) -> Json:
    return {"id": ISSUE_ID, "category": "ITEM", "sub_category": "ITM01",
            "issue_type": issue_type,
            "complainant_info": {"person": {"name": "Asha"},
                                 "contact": {"phone": "9886098860"}},
            "order_details": {"id": ORDER_ID, "state": "Completed",
                              "items": [{"id": "I1", "quantity": 1}],
                              "fulfillments": [{"id": "F1", "state": "Order-delivered"}],
                              "provider_id": "P1"},
            "description": {"short_desc": "Missing item", "long_desc": "One pizza missing"},
            "source": {"network_participant_id": BAP_ID, "type": "CONSUMER"},
            "expected_response_time": {"duration": "PT2H"},
            "expected_resolution_time": {"duration": "P1D"},
            "status": "OPEN", "issue_actions": {"complainant_actions": actions},
            "created_at": stamp(10), "updated_at": stamp(updated)}


def _v1_answer(actions: list[Json], *, resolution: Json | None = None,
               provider: bool = False) -> Json:
    answer: Json = {"id": ISSUE_ID, "issue_actions": {"respondent_actions": actions},
                    "created_at": stamp(10), "updated_at": actions[-1]["updated_at"]}
    if provider:
        answer["resolution_provider"] = _provider()
    if resolution is not None:
        answer["resolution"] = resolution
    return answer


def v1_flow() -> Flow:
    """issue → on_issue → status (refund) → escalate → GRO → status (refund) → close."""
    v = "1.0.0"
    refund = {"short_desc": "Refund", "long_desc": "Refund of the missing pizza",
              "action_triggered": "REFUND", "refund_amount": "209.95"}
    gro_refund = {**refund, "gro_remarks": "Grievance upheld"}
    first = [_respondent("PROCESSING", 10.5), _respondent("RESOLVED", 10.6)]
    second = [*first, _respondent("PROCESSING", 30.5), _respondent("RESOLVED", 30.6)]
    return {
        "on_confirm": on_confirm(),
        "issue": {"context": context("issue", "m1", 10, v), "message": {
            "issue": _v1_issue("ISSUE", [_complainant("OPEN", 10)], 10)}},
        "on_issue": {"context": context("on_issue", "m1", 10.5, v), "message": {
            "issue": _v1_answer(first[:1])}},
        "issue_status": {"context": context("issue_status", "m2", 20, v),
                         "message": {"issue_id": ISSUE_ID}},
        "on_issue_status": {"context": context("on_issue_status", "m2", 20.5, v), "message": {
            "issue": _v1_answer(first, resolution=refund, provider=True)}},
        "issue_escalate": {"context": context("issue", "m3", 30, v), "message": {
            "issue": _v1_issue("GRIEVANCE", [_complainant("OPEN", 10),
                                             _complainant("ESCALATE", 20.5)], 20.5)}},
        "on_issue_grievance": {"context": context("on_issue", "m3", 30.5, v), "message": {
            "issue": _v1_answer(second[:3], provider=True)}},
        "issue_status_grievance": {"context": context("issue_status", "m4", 40, v),
                                   "message": {"issue_id": ISSUE_ID}},
        "on_issue_status_grievance": {
            "context": context("on_issue_status", "m4", 40.5, v), "message": {
                "issue": _v1_answer(second, resolution=gro_refund, provider=True)}},
        "issue_close": {"context": context("issue", "m5", 50, v), "message": {"issue": {
            "id": ISSUE_ID, "status": "CLOSED", "issue_actions": {"complainant_actions": [
                _complainant("OPEN", 10), _complainant("ESCALATE", 20.5),
                _complainant("CLOSE", 50)]},
            "rating": "THUMBS-UP", "created_at": stamp(10), "updated_at": stamp(50)}}},
    }


# -- IGM 2.0 -----------------------------------------------------------------------------------
def _actor(actor_id: str, kind: str, org: str | None = None) -> Json:
    """An actor named after its NP (``org``; the actor id when that is the NP's id)."""
    return {"id": actor_id, "type": kind, "info": _who(org or actor_id, "9886000000")}


def _action(action_id: str, code: str, seconds: float, by: str, ref: str | None = None) -> Json:
    action: Json = {"id": action_id, "descriptor": {"code": code, "short_desc": code.title()},
                    "updated_at": stamp(seconds), "action_by": by}
    if ref is not None:
        action.update(ref_id=ref, ref_type="RESOLUTIONS")
    return action


def _resolution(res_id: str, code: str, seconds: float, by: str, *, parent: str | None = None,
                amount: str | None = None) -> Json:
    details: list[Json] = [{"descriptor": {"code": "ITEM"}, "value": "I1"}]
    if amount is not None:
        details.append({"descriptor": {"code": "REFUND_AMOUNT"}, "value": amount})
    resolution: Json = {"id": res_id, "descriptor": {"code": code, "short_desc": code.title()},
                        "updated_at": stamp(seconds), "proposed_by": by,
                        "tags": [{"descriptor": {"code": "RESOLUTION_DETAILS"},
                                  "list": details}]}
    if parent is not None:
        resolution.update(ref_id=parent, ref_type="PARENT")
    return resolution


def v2_flow() -> Flow:
    """issue → on_issue → proposal → status → escalate → GRO → proposal → accept → resolved →
    close, each message carrying the whole issue as its sender knows it."""
    v = "2.0.0"
    state: Json = {
        "id": ISSUE_ID, "status": "OPEN", "level": "ISSUE", "created_at": stamp(10),
        "updated_at": stamp(10), "expected_response_time": {"duration": "PT2H"},
        "expected_resolution_time": {"duration": "P1D"},
        "refs": [{"ref_id": ORDER_ID, "ref_type": "ORDER"},
                 {"ref_id": "P1", "ref_type": "PROVIDER"},
                 {"ref_id": "F1", "ref_type": "FULFILLMENT"},
                 {"ref_id": "I1", "ref_type": "ITEM"}],
        "actors": [_actor("CUST1", "CONSUMER", BAP_ID), _actor(BAP_ID, "INTERFACING_NP")],
        "source_id": "CUST1", "complainant_id": BAP_ID,
        "descriptor": {"code": "ITM004", "short_desc": "Missing item"},
        "last_action_id": "C-1", "actions": [_action("C-1", "OPEN", 10, BAP_ID)],
    }
    flow: Flow = {"on_confirm": on_confirm()}

    def snap(step: str, action: str, message_id: str, seconds: float) -> None:
        flow[step] = {"context": context(action, message_id, seconds, v),
                      "message": {"issue": copy.deepcopy(state)}}

    def act(action: Json, status: str | None = None) -> None:
        state["actions"].append(action)
        state["last_action_id"] = action["id"]
        state["updated_at"] = action["updated_at"]
        if status is not None:
            state["status"] = status

    snap("issue", "issue", "m1", 10)
    state["actors"].append(_actor(BPP_ID, "COUNTERPARTY_NP"))
    state["respondent_ids"] = [BPP_ID]
    act(_action("S-2", "PROCESSING", 10.5, BPP_ID), "PROCESSING")
    snap("on_issue", "on_issue", "m1", 10.5)
    state["resolutions"] = [
        _resolution("RES-PARENT", "PARENT", 11, BPP_ID),
        _resolution("RES-REFUND", "REFUND", 11, BPP_ID, parent="RES-PARENT", amount="209.95"),
        _resolution("RES-REPLACEMENT", "REPLACEMENT", 11, BPP_ID, parent="RES-PARENT")]
    state["resolver_ids"] = [BPP_ID]
    act(_action("S-3", "RESOLUTION_PROPOSED", 11, BPP_ID, ref="RES-PARENT"))
    snap("on_issue_proposal", "on_issue", "push-1", 11)
    flow["issue_status"] = {"context": context("issue_status", "m2", 20, v),
                            "message": {"issue_id": ISSUE_ID}}
    snap("on_issue_status", "on_issue_status", "m2", 20.5)
    state["level"] = "GRIEVANCE"
    act(_action("C-2", "ESCALATED", 30, BAP_ID), "OPEN")
    snap("issue_escalate", "issue", "m3", 30)
    state["actors"].append(_actor(GRO_ID, "COUNTERPARTY_NP_GRO", BPP_ID))
    act(_action("S-5", "PROCESSING", 30.5, GRO_ID), "PROCESSING")
    snap("on_issue_grievance", "on_issue", "m3", 30.5)
    state["resolutions"].append(_resolution("GRO-REFUND", "REFUND", 31, GRO_ID,
                                            amount="209.95"))
    state["resolver_ids"] = [GRO_ID]
    act(_action("S-6", "RESOLUTION_PROPOSED", 31, GRO_ID, ref="GRO-REFUND"))
    snap("on_issue_grievance_proposal", "on_issue", "push-2", 31)
    act(_action("C-3", "RESOLUTION_ACCEPTED", 40, BAP_ID, ref="GRO-REFUND"))
    snap("issue_accept", "issue", "m4", 40)
    act(_action("S-8", "RESOLVED", 40.5, GRO_ID, ref="GRO-REFUND"), "RESOLVED")
    snap("on_issue_resolved", "on_issue", "m4", 40.5)
    act(_action("C-4", "CLOSED", 50, BAP_ID), "CLOSED")
    snap("issue_close", "issue", "m5", 50)
    return flow


def build(version: str) -> Flow:
    return v1_flow() if version == "v1" else v2_flow()


IGM_RULES = [rule for rule_id, rule in sorted(load_all().items())
             if rule_id.startswith(("IGM-", "CTX-")) and rule.fn is not None]


def check(flow: Flow, step: str, version: str) -> list[Finding]:
    """IGM and context findings for ``step`` with every earlier step as history."""
    steps = STEPS[version]
    history = FlowHistory([Message(flow[s]) for s in steps[:steps.index(step)]])
    message = Message(flow[step])
    rules = [r for r in IGM_RULES
             if r.applies_to(message.action, message.domain, message.version)]
    return run_rules(message, history, rules)


# -- one mutation per rule -----------------------------------------------------------------------
Mutation = Callable[[Flow], None]


@dataclass(frozen=True)
class Case:
    rule_id: str
    version: str
    step: str
    path: str
    mutate: Mutation
    why: str

    @property
    def id(self) -> str:
        return f"{self.rule_id}:{self.version}:{self.why}"


ISSUE = ("message", "issue")
IP = "$.message.issue"
RA = (*ISSUE, "issue_actions", "respondent_actions")


def _v2_respondent_says_buyer_acted(flow: Flow) -> None:
    at(flow["on_issue"], *ISSUE, "actions")[1]["action_by"] = BAP_ID


def _v1_callback_adds_a_complainant_action(flow: Flow) -> None:
    at(flow["on_issue"], *ISSUE)["issue_actions"]["complainant_actions"] = [
        _complainant("CLOSE", 10.5)]


def _v1_refund_without_amount(flow: Flow) -> None:
    del at(flow["on_issue_status"], *ISSUE, "resolution")["refund_amount"]


def _v2_refund_without_amount(flow: Flow) -> None:
    refund = at(flow["on_issue_proposal"], *ISSUE, "resolutions")[1]
    refund["tags"][0]["list"] = refund["tags"][0]["list"][:1]


def _v2_gro_dropped(flow: Flow) -> None:
    issue = at(flow["on_issue_grievance"], *ISSUE)
    issue["actors"] = [a for a in issue["actors"] if a["type"] != "COUNTERPARTY_NP_GRO"]
    issue["actions"][-1]["action_by"] = BPP_ID


def _v2_action_id_repeated(flow: Flow) -> None:
    at(flow["on_issue_proposal"], *ISSUE, "actions")[2]["id"] = "S-2"
    at(flow["on_issue_proposal"], *ISSUE)["last_action_id"] = "S-2"


def _v2_proposal_without_resolutions(flow: Flow) -> None:
    issue = at(flow["on_issue_proposal"], *ISSUE)
    del issue["resolutions"]
    del issue["actions"][-1]["ref_id"], issue["actions"][-1]["ref_type"]


def _v1_resolved_without_processing(flow: Flow) -> None:
    actions = at(flow["on_issue_status"], *RA)
    del actions[0]


ALL_CASES = [
    Case("IGM-CAT-001", "v1", "issue", f"{IP}.sub_category",
         setter("issue", *ISSUE, "sub_category", value="ITM99"), "unknown sub-category"),
    Case("IGM-CAT-001", "v1", "issue", f"{IP}.sub_category",
         setter("issue", *ISSUE, "sub_category", value="FLM02"), "sub-category of another"),
    Case("IGM-CAT-001", "v2", "issue", f"{IP}.descriptor.code",
         setter("issue", *ISSUE, "descriptor", "code", value="QUALITY"), "not a code"),
    Case("IGM-STATUS-001", "v2", "on_issue", f"{IP}.status",
         setter("on_issue", *ISSUE, "status", value="IN_PROGRESS"), "unknown status"),
    Case("IGM-STATUS-001", "v1", "on_issue",
         f"{IP}.issue_actions.respondent_actions[0].respondent_action",
         setter("on_issue", *RA, 0, "respondent_action", value="WORKING"), "unknown action"),
    Case("IGM-ACTOR-001", "v1", "issue", f"{IP}.complainant_info.contact.phone",
         deleter("issue", *ISSUE, "complainant_info", "contact", "phone"), "no phone"),
    Case("IGM-ACTOR-001", "v2", "issue", f"{IP}.actors[0].type",
         setter("issue", *ISSUE, "actors", 0, "type", value="BUYER"), "unknown actor type"),
    Case("IGM-ACTOR-001", "v1", "on_issue_status",
         f"{IP}.resolution_provider.respondent_info.type",
         setter("on_issue_status", *ISSUE, "resolution_provider", "respondent_info", "type",
                value="SELLER"), "unknown respondent type"),
    Case("IGM-ACTOR-002", "v2", "on_issue", f"{IP}.respondent_ids[0]",
         setter("on_issue", *ISSUE, "respondent_ids", value=["NOBODY"]), "undeclared respondent"),
    Case("IGM-ACTOR-003", "v2", "on_issue", f"{IP}.actions[1].action_by",
         _v2_respondent_says_buyer_acted, "respondent acts as the complainant"),
    Case("IGM-ACTOR-003", "v1", "on_issue", f"{IP}.issue_actions.complainant_actions[0]",
         _v1_callback_adds_a_complainant_action, "callback closes for the buyer"),
    Case("IGM-STATUS-002", "v2", "on_issue_status", f"{IP}.status",
         setter("on_issue_status", *ISSUE, "status", value="OPEN"), "back to OPEN"),
    Case("IGM-STATUS-002", "v1", "on_issue_status", f"{IP}.issue_actions.respondent_actions",
         setter("on_issue_status", *RA, value=[]), "respondent actions lost"),
    Case("IGM-STATUS-003", "v2", "on_issue", f"{IP}.status",
         setter("on_issue", *ISSUE, "status", value="RESOLVED"), "status ahead of the trail"),
    Case("IGM-ID-002", "v2", "on_issue", f"{IP}.last_action_id",
         setter("on_issue", *ISSUE, "last_action_id", value="C-1"), "stale last_action_id"),
    Case("IGM-ID-002", "v2", "issue_accept", f"{IP}.last_action_id",
         deleter("issue_accept", *ISSUE, "last_action_id"), "no last_action_id"),
    Case("IGM-ID-002", "v2", "on_issue_proposal", f"{IP}.actions[2].id",
         _v2_action_id_repeated, "action id repeated"),
    Case("IGM-ID-003", "v2", "on_issue_proposal", "$.context.message_id",
         setter("on_issue_proposal", "context", "message_id", value="m1"),
         "an unsolicited on_issue reuses the answered issue's message_id"),
    Case("CTX-TTL-002", "v2", "on_issue", "$.context.ttl",
         setter("on_issue", "context", "ttl", value="PT10M"), "a Retail on_issue with PT10M"),
    Case("IGM-RES-003", "v2", "on_issue_proposal", f"{IP}.resolutions",
         _v2_proposal_without_resolutions, "RESOLUTION_PROPOSED without resolutions"),
    Case("IGM-ACTOR-004", "v2", "on_issue", f"{IP}.actors[2].info.org.name",
         setter("on_issue", *ISSUE, "actors", 2, "info", "org", "name",
                value="sellerapp.com::ONDC:RET11"), "counterparty named after the example"),
    Case("IGM-ACTOR-004", "v2", "issue", f"{IP}.actors[0].info.org.name",
         setter("issue", *ISSUE, "actors", 0, "info", "org", "name", value="Zionmart"),
         "consumer org not subscriber_id::domain"),
    Case("IGM-STATUS-003", "v1", "issue_close", f"{IP}.status",
         setter("issue_close", *ISSUE, "status", value="OPEN"), "CLOSE but OPEN"),
    Case("IGM-STATUS-003", "v1", "on_issue_status",
         f"{IP}.issue_actions.respondent_actions[0].respondent_action",
         _v1_resolved_without_processing, "RESOLVED without PROCESSING"),
    Case("IGM-STATUS-004", "v1", "on_issue", f"{IP}.issue_actions.respondent_actions",
         setter("on_issue", *RA, value=[]), "not taken up"),
    Case("IGM-TIME-001", "v2", "on_issue", f"{IP}.actions[1].updated_at",
         setter("on_issue", *ISSUE, "actions", 1, "updated_at", value=stamp(9)),
         "an action before the issue was created"),
    Case("IGM-TIME-001", "v1", "on_issue_status",
         f"{IP}.issue_actions.respondent_actions[0].updated_at",
         setter("on_issue_status", *RA, 0, "updated_at", value=stamp(9)),
         "an action before the issue was created"),
    Case("IGM-TIME-001", "v1", "on_issue", f"{IP}.updated_at",
         setter("on_issue", *ISSUE, "updated_at", value=stamp(59)), "updated after sent"),
    Case("IGM-TIME-002", "v1", "on_issue_status", f"{IP}.created_at",
         setter("on_issue_status", *ISSUE, "created_at", value=stamp(9)), "created_at moved"),
    Case("IGM-ID-001", "v1", "on_issue", f"{IP}.id",
         setter("on_issue", *ISSUE, "id", value="ISSUE-OTHER"), "another issue id"),
    Case("IGM-ID-001", "v2", "on_issue_proposal", f"{IP}.id",
         setter("on_issue_proposal", *ISSUE, "id", value="ISSUE-OTHER"), "push of another id"),
    Case("IGM-ORDER-001", "v1", "issue", f"{IP}.order_details.id",
         setter("issue", *ISSUE, "order_details", "id", value="O-UNKNOWN"), "unknown order"),
    Case("IGM-ORDER-001", "v2", "issue", f"{IP}.refs[3].ref_id",
         setter("issue", *ISSUE, "refs", 3, "ref_id", value="I9"), "unknown item"),
    Case("IGM-RES-001", "v1", "on_issue_status", f"{IP}.resolution.refund_amount",
         _v1_refund_without_amount, "refund without amount"),
    Case("IGM-RES-001", "v2", "on_issue_proposal", f"{IP}.resolutions[1].tags",
         _v2_refund_without_amount, "REFUND without REFUND_AMOUNT"),
    Case("IGM-RES-001", "v2", "on_issue_resolved", f"{IP}.actions[7].ref_id",
         setter("on_issue_resolved", *ISSUE, "actions", 7, "ref_id", value="RES-REFUND"),
         "resolved with a resolution not accepted"),
    Case("IGM-RES-002", "v1", "on_issue_status", f"{IP}.resolution.refund_amount",
         setter("on_issue_status", *ISSUE, "resolution", "refund_amount", value="9999.00"),
         "refund above the order total"),
    Case("IGM-RES-002", "v2", "on_issue_proposal",
         f"{IP}.resolutions[1].tags[0].list[1].value",
         setter("on_issue_proposal", *ISSUE, "resolutions", 1, "tags", 0, "list", 1, "value",
                value="600.00"), "REFUND_AMOUNT above the order total"),
    Case("IGM-ESC-001", "v1", "on_issue_grievance",
         f"{IP}.resolution_provider.respondent_info.resolution_support.gros",
         deleter("on_issue_grievance", *ISSUE, "resolution_provider", "respondent_info",
                 "resolution_support", "gros"), "no GRO after escalation"),
    Case("IGM-ESC-001", "v2", "on_issue_grievance", f"{IP}.actors", _v2_gro_dropped,
         "no GRO actor after escalation"),
    Case("IGM-CTX-001", "v1", "issue", "$.context.core_version",
         setter("issue", "context", "core_version", value="2.0.0"), "1.0 payload as 2.0.0"),
]
