"""Valid RSF 2.0 flows (as payload dicts) and one minimal mutation per RSF rule.

One flow settles an order NP-NP and asks for a report on it; one reconciles the order twice
(disputed, then agreed: the spec's RECON flow); the MISC and NIL settlements and the refusals
are single exchanges.  ``test_rsf.py`` checks the valid flows are silent and each
:class:`Case` yields exactly its finding; ``test_rule_cases.py`` checks every RSF rule has one.
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

TXN = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
COLLECTOR, COLLECTOR_URI = "buyer.example.org", "https://buyer.example.org/ondc"
AGENCY, AGENCY_URI = "sa.example.org", "https://sa.example.org/nocs"
ORDER_ID = "O-2025-0042"
SETTLEMENT_ID = "SETTLEMENT-42"

STEPS = {
    "settle": ("settle", "on_settle", "report", "on_report"),
    "recon": ("recon", "on_recon", "recon_agreed", "on_recon_agreed"),
    "misc": ("settle", "on_settle"),
    "nil": ("settle", "on_settle"),
    "refused": ("settle", "on_settle", "recon", "on_recon"),
}


def stamp(seconds: float) -> str:
    whole, millis = int(seconds), round((seconds - int(seconds)) * 1000)
    minutes, secs = divmod(whole, 60)
    return f"2025-05-24T10:{minutes:02d}:{secs:02d}.{millis:03d}Z"


def context(action: str, message_id: str, seconds: float) -> Json:
    """An RSF 2.0 context: NTS10, ``version`` and ``location`` (no city/country)."""
    return {"domain": "ONDC:NTS10", "location": {"country": {"code": "IND"},
                                                  "city": {"code": "*"}},
            "version": "2.0.0", "action": action, "bap_id": COLLECTOR,
            "bap_uri": COLLECTOR_URI, "bpp_id": AGENCY, "bpp_uri": AGENCY_URI,
            "transaction_id": TXN, "message_id": message_id, "timestamp": stamp(seconds),
            "ttl": "PT30S"}


def amount(value: str, diff: str | None = None) -> Json:
    out: Json = {"currency": "INR", "value": value}
    if diff is not None:
        out["diff_value"] = diff
    return out


def _np_np_order() -> Json:
    return {"id": ORDER_ID, "inter_participant": {"amount": amount("582.90")},
            "collector": {"amount": amount("10.00")}, "self": {"amount": amount("10.00")}}


def _settled(order: Json) -> Json:
    out = copy.deepcopy(order)
    out["inter_participant"].update(settled_amount=amount("582.90"), status="SETTLED",
                                    reference_no="3718683618631")
    out["self"].update(status="SETTLED", reference_no="1238683618634")
    return out


def settle_flow() -> Flow:
    """settle NP-NP → on_settle (SETTLED) → report → on_report."""
    instruction = {"collector_app_id": COLLECTOR, "receiver_app_id": "seller.example.org",
                   "settlement": {"type": "NP-NP", "id": SETTLEMENT_ID,
                                  "orders": [_np_np_order()]}}
    outcome = {**copy.deepcopy(instruction), "settlement": {
        "type": "NP-NP", "id": SETTLEMENT_ID, "orders": [_settled(_np_np_order())]}}
    return {
        "settle": {"context": context("settle", "m-settle", 0), "message": instruction},
        "on_settle": {"context": context("on_settle", "m-settle", 1), "message": outcome},
        "report": {"context": context("report", "m-report", 10), "message": {
            "ref_transaction_id": TXN, "ref_message_id": "m-settle"}},
        "on_report": {"context": context("on_report", "m-report", 11),
                      "message": copy.deepcopy(outcome)},
    }


def _settlement(value: str, commission: str, *, status: str = "PENDING",
                diffs: tuple[str, str] | None = None, due: str | None = None,
                seconds: float = 20) -> Json:
    out: Json = {"id": SETTLEMENT_ID, "payment_id": "PAY-1", "status": status,
                 "amount": amount(value, diffs[0] if diffs else None),
                 "commission": amount(commission, diffs[1] if diffs else None),
                 "withholding_amount": amount("0.00", "0.00" if diffs else None),
                 "tcs": amount("0.00", "0.00" if diffs else None),
                 "tds": amount("0.00", "0.00" if diffs else None),
                 "updated_at": stamp(seconds)}
    if due is not None:
        out["due_date"] = due
    return out


def recon_flow() -> Flow:
    """recon (1.00, no commission) → on_recon disagreeing with the seller's figures →
    recon with those figures → on_recon accorded, with a due date."""
    return {
        "recon": {"context": context("recon", "m-recon-1", 20), "message": {"orders": [{
            "id": ORDER_ID, "amount": amount("1.00"),
            "settlements": [_settlement("1.00", "0.00")]}]}},
        "on_recon": {"context": context("on_recon", "m-recon-1", 21), "message": {"orders": [{
            "id": ORDER_ID, "amount": amount("582.90"), "recon_accord": False,
            "settlements": [_settlement("582.90", "10.00", diffs=("581.90", "10.00"),
                                        seconds=21)]}]}},
        "recon_agreed": {"context": context("recon", "m-recon-2", 30), "message": {"orders": [{
            "id": ORDER_ID, "amount": amount("582.90"),
            "settlements": [_settlement("582.90", "10.00", seconds=30)]}]}},
        "on_recon_agreed": {"context": context("on_recon", "m-recon-2", 31), "message": {
            "orders": [{"id": ORDER_ID, "amount": amount("582.90"), "recon_accord": True,
                        "settlements": [_settlement("582.90", "10.00", due="2025-05-25",
                                                    seconds=31)]}]}},
    }


def misc_flow() -> Flow:
    order = {"self": {"amount": amount("200.00")}}
    done = {"self": {"amount": amount("200.00"), "status": "SETTLED",
                     "reference_no": "3718683618631"}}
    return {
        "settle": {"context": context("settle", "m-misc", 0), "message": {"settlement": {
            "type": "MISC", "id": "MISC-1", "orders": [order]}}},
        "on_settle": {"context": context("on_settle", "m-misc", 1), "message": {"settlement": {
            "type": "MISC", "id": "MISC-1", "orders": [done]}}},
    }


def nil_flow() -> Flow:
    return {
        "settle": {"context": context("settle", "m-nil", 0),
                   "message": {"settlement": {"type": "NIL"}}},
        "on_settle": {"context": context("on_settle", "m-nil", 1),
                      "message": {"settlement": {"type": "NIL"}}},
    }


def refused_flow() -> Flow:
    """A duplicate settlement refused in on_settle; an unknown order refused in on_recon."""
    flow = settle_flow()
    out: Flow = {
        "settle": flow["settle"],
        "on_settle": {"context": context("on_settle", "m-settle", 1),
                      "error": {"type": "DOMAIN-ERROR", "code": "70008",
                                "message": "Duplicate settlement id"}},
        "recon": recon_flow()["recon"],
        "on_recon": {"context": context("on_recon", "m-recon-1", 21),
                     "error": {"type": "DOMAIN-ERROR", "code": "70030",
                               "message": "Invalid Order id"}},
    }
    return out


BUILDERS: dict[str, Callable[[], Flow]] = {"settle": settle_flow, "recon": recon_flow,
                                           "misc": misc_flow, "nil": nil_flow,
                                           "refused": refused_flow}


def build(name: str) -> Flow:
    return BUILDERS[name]()


RSF_RULES = [rule for rule_id, rule in sorted(load_all().items())
             if rule_id.startswith(("RSF-", "CTX-")) and rule.fn is not None]


def check(flow: Flow, step: str, name: str) -> list[Finding]:
    """RSF and context findings for ``step`` with every earlier step as history."""
    steps = STEPS[name]
    history = FlowHistory([Message(flow[s]) for s in steps[:steps.index(step)]])
    message = Message(flow[step])
    rules = [r for r in RSF_RULES
             if r.applies_to(message.action, message.domain, message.version)]
    return run_rules(message, history, rules)


# -- one mutation per rule -----------------------------------------------------------------------
Mutation = Callable[[Flow], None]


@dataclass(frozen=True)
class Case:
    rule_id: str
    flow: str
    step: str
    path: str
    mutate: Mutation
    why: str

    @property
    def id(self) -> str:
        return f"{self.rule_id}:{self.flow}:{self.why}"


S = ("message", "settlement")
O1 = ("message", "orders", 0)
ST = (*O1, "settlements", 0)
SP = "$.message.settlement"
OP = "$.message.orders[0]"


def _order_dropped(flow: Flow) -> None:
    at(flow["on_recon"], "message")["orders"] = []


def _settlement_renamed(flow: Flow) -> None:
    at(flow["on_recon_agreed"], *ST)["id"] = "SETTLEMENT-OTHER"


ALL_CASES = [
    Case("RSF-TYPE-001", "settle", "on_settle", f"{SP}.type",
         setter("on_settle", *S, "type", value="P2P"), "unknown type"),
    Case("RSF-TYPE-001", "nil", "settle", f"{SP}.type",
         setter("settle", *S, "type", value="nil"), "lower-case NIL"),
    Case("RSF-TYPE-002", "misc", "on_settle", f"{SP}.orders[0].inter_participant",
         setter("on_settle", *S, "orders", 0, "inter_participant", value={"status": "SETTLED"}),
         "MISC with an inter-participant part"),
    Case("RSF-SETTLE-001", "settle", "on_settle", f"{SP}.id",
         setter("on_settle", *S, "id", value="SETTLEMENT-OTHER"), "another settlement id"),
    Case("RSF-SETTLE-001", "settle", "on_settle", f"{SP}.orders",
         setter("on_settle", *S, "orders", 0, "id", value="O-OTHER"), "another order"),
    Case("RSF-SETTLE-001", "settle", "on_settle", "$.message.receiver_app_id",
         setter("on_settle", "message", "receiver_app_id", value="other.example.org"),
         "another receiver"),
    Case("RSF-SETTLE-002", "settle", "on_settle", f"{SP}.orders[0].self.reference_no",
         deleter("on_settle", *S, "orders", 0, "self", "reference_no"), "SETTLED, no ref"),
    Case("RSF-SETTLE-002", "settle", "on_settle", f"{SP}.orders[0].inter_participant.status",
         setter("on_settle", *S, "orders", 0, "inter_participant", "status", value="DONE"),
         "unknown party status"),
    Case("RSF-SETTLE-002", "settle", "on_report",
         f"{SP}.orders[0].inter_participant.settled_amount.value",
         setter("on_report", *S, "orders", 0, "inter_participant", "settled_amount", "value",
                value="600.00"), "settled more than instructed"),
    Case("RSF-SETTLE-003", "settle", "settle", "$.message.collector_app_id",
         deleter("settle", "message", "collector_app_id"), "NP-NP without collector"),
    Case("RSF-SETTLE-003", "misc", "settle", f"{SP}.orders[0].self",
         setter("settle", *S, "orders", 0, value={"collector": {}}), "MISC without self"),
    Case("RSF-SETTLE-003", "nil", "on_settle", f"{SP}.orders",
         setter("on_settle", *S, "orders", value=[{"id": "O"}]), "NIL with orders"),
    Case("RSF-RECON-001", "recon", "on_recon_agreed", f"{OP}.amount.value",
         setter("on_recon_agreed", *ST, "amount", "value", value="583.90"),
         "settlements do not sum to the order"),
    Case("RSF-RECON-001", "recon", "recon", f"{OP}.settlements[0].amount.value",
         setter("recon", *ST, "amount", "value", value="NaN"), "amount not a number"),
    Case("RSF-RECON-002", "recon", "on_recon", f"{OP}.settlements[0].amount.diff_value",
         setter("on_recon", *ST, "amount", "diff_value", value="580.00"), "wrong diff_value"),
    Case("RSF-RECON-002", "recon", "on_recon", f"{OP}.recon_accord",
         setter("on_recon", *O1, "recon_accord", value=True), "accorded despite differences"),
    Case("RSF-RECON-003", "recon", "on_recon_agreed", f"{OP}.settlements[0].due_date",
         deleter("on_recon_agreed", *ST, "due_date"), "accorded without a due date"),
    Case("RSF-RECON-003", "recon", "on_recon_agreed", f"{OP}.settlements[0].due_date",
         setter("on_recon_agreed", *ST, "due_date", value="2025-05-01"), "due date passed"),
    Case("RSF-RECON-004", "recon", "on_recon", "$.message.orders", _order_dropped,
         "order not answered"),
    Case("RSF-RECON-004", "recon", "on_recon_agreed", "$.message.orders", _settlement_renamed,
         "settlement ids differ"),
    Case("RSF-RECON-004", "recon", "on_recon", f"{OP}.recon_accord",
         setter("on_recon", *O1, "recon_accord", value="no"), "accord not a boolean"),
    Case("RSF-RECON-005", "recon", "recon", f"{OP}.settlements[0].status",
         setter("recon", *ST, "status", value="DONE"), "unknown settlement status"),
    Case("RSF-RECON-005", "recon", "recon", f"{OP}.settlements[0].settlement_ref_no",
         setter("recon", *ST, "status", value="SETTLED"), "SETTLED without a reference"),
    Case("RSF-REPORT-001", "settle", "on_report", f"{SP}.id",
         setter("on_report", *S, "id", value="SETTLEMENT-OTHER"), "reports another settlement"),
    Case("RSF-ERR-001", "refused", "on_settle", "$.error.code",
         setter("on_settle", "error", "code", value="30000"), "not an RSF code"),
    Case("RSF-ERR-001", "refused", "on_recon", "$.error.message",
         deleter("on_recon", "error", "message"), "no message"),
]
