"""Named ways to make the reference seller misbehave, so the harness can prove it notices.

A fault is written ``NAME`` (every callback it makes sense for) or ``NAME@action``
(``quote_total@on_confirm``; the request name works too: ``nack@select``).  Each fault is a
function below whose docstring says what it simulates and which harness rule must catch it;
payload faults change the outgoing callback, the others are carried out by the seller itself
(:mod:`ondc_harness.reference.seller`) when :meth:`Fault.applies_to` says so.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ondc_harness.message import callback_action_for
from ondc_harness.reference.fragments import money

Json = dict[str, Any]
Mutation = Callable[[str, Json], None]

CALLBACKS = ("on_search", "on_select", "on_init", "on_confirm", "on_status", "on_track")
ORDER_CALLBACKS = ("on_select", "on_init", "on_confirm", "on_status")
MISSING_FULFILLMENT = "F-DOES-NOT-EXIST"


@dataclass(frozen=True)
class FaultSpec:
    """A fault's name, the callbacks it applies to, and its documentation."""

    name: str
    actions: tuple[str, ...]
    mutate: Mutation
    doc: str

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0]


FAULTS: dict[str, FaultSpec] = {}


def _fault(name: str, actions: tuple[str, ...]) -> Callable[[Mutation], Mutation]:
    def register(fn: Mutation) -> Mutation:
        FAULTS[name] = FaultSpec(name, actions, fn, fn.__doc__ or "")
        return fn
    return register


def _order(payload: Json) -> Json | None:
    message = payload.get("message")
    order = message.get("order") if isinstance(message, dict) else None
    return order if isinstance(order, dict) else None


# -- payload faults ---------------------------------------------------------------------------
@_fault("quote_total", ORDER_CALLBACKS)
def quote_total(action: str, payload: Json) -> None:
    """Quote total is ₹10 more than the sum of its breakup lines.

    Simulates a seller that adds a charge to the total without a breakup line (or rounds the
    total on its own).  Caught by the quote rule "quote price equals the sum of its breakup"
    (RET-QUOTE-001), and on later steps by the quote-unchanged comparisons.
    """
    order = _order(payload)
    quote = order.get("quote") if order else None
    price = quote.get("price") if isinstance(quote, dict) else None
    if isinstance(price, dict):
        try:
            price["value"] = money(Decimal(str(price.get("value"))) + Decimal("10"))
        except InvalidOperation:
            price["value"] = "10.00"


@_fault("fulfillment_id", ("on_search", *ORDER_CALLBACKS))
def fulfillment_id(action: str, payload: Json) -> None:
    """The first item points at a fulfillment id that does not exist.

    Simulates a catalogue or cart whose item → fulfillment mapping is stale.  Caught by the
    fulfillment rules: on_search "item fulfillment_id exists in the provider's fulfillments",
    on_select and later "each item's fulfillment id exists in order.fulfillments".
    """
    if action == "on_search":
        message = payload.get("message", {})
        for provider in message.get("catalog", {}).get("bpp/providers", []):
            for item in provider.get("items", []):
                if "fulfillment_id" in item:
                    item["fulfillment_id"] = MISSING_FULFILLMENT
                    return
        return
    order = _order(payload)
    items = order.get("items") if order else None
    if isinstance(items, list) and items and isinstance(items[0], dict):
        items[0]["fulfillment_id"] = MISSING_FULFILLMENT


@_fault("no_cancellation_terms", ("on_init", "on_confirm"))
def no_cancellation_terms(action: str, payload: Json) -> None:
    """on_init / on_confirm without ``cancellation_terms``.

    Simulates a seller that never states what cancelling costs.  Caught by the cancellation
    rules: "on_init carries cancellation_terms" and "on_confirm's cancellation_terms equal
    on_init's".
    """
    order = _order(payload)
    if order is not None:
        order.pop("cancellation_terms", None)


# -- IGM and RSF payload faults (reference/igm.py, reference/rsf.py) ---------------------------
IGM_CALLBACKS = ("on_issue", "on_issue_status")


def _issue(payload: Json) -> Json | None:
    message = payload.get("message")
    issue = message.get("issue") if isinstance(message, dict) else None
    return issue if isinstance(issue, dict) else None


@_fault("igm_status_regress", IGM_CALLBACKS)
def igm_status_regress(action: str, payload: Json) -> None:
    """The issue's status goes back (IGM 2.0: one status earlier; 1.0: no respondent action).

    Simulates a respondent that answers from a stale copy of the complaint.  Caught by
    IGM-STATUS-002 (the status never goes back within the flow).
    """
    issue = _issue(payload)
    if issue is None:
        return
    if isinstance(issue.get("actions"), list):
        earlier = {"PROCESSING": "OPEN", "RESOLVED": "PROCESSING", "CLOSED": "RESOLVED"}
        issue["status"] = earlier.get(str(issue.get("status")), "OPEN")
        return
    trail = issue.get("issue_actions")
    if isinstance(trail, dict):
        trail["respondent_actions"] = []
    issue.pop("resolution", None)


@_fault("igm_wrong_issue_id", IGM_CALLBACKS)
def igm_wrong_issue_id(action: str, payload: Json) -> None:
    """The callback names another issue id than the complaint it answers.

    Simulates a respondent that keys complaints by its own ticket number.  Caught by
    IGM-ID-001 (the issue id is the complainant's, unchanged across the flow).
    """
    issue = _issue(payload)
    if issue is not None:
        issue["id"] = "ISSUE-DOES-NOT-EXIST"


@_fault("igm_updated_before_created", IGM_CALLBACKS)
def igm_updated_before_created(action: str, payload: Json) -> None:
    """The issue's updated_at is set to a day before its created_at.

    Simulates a respondent that writes local time as UTC.  Caught by IGM-TIME-001
    (created_at ≤ updated_at ≤ context.timestamp).
    """
    issue = _issue(payload)
    created = issue.get("created_at") if issue is not None else None
    if issue is not None and isinstance(created, str) and created[:4].isdigit():
        issue["updated_at"] = f"{int(created[:4]) - 1}{created[4:]}"


@_fault("igm_refund_amount", IGM_CALLBACKS)
def igm_refund_amount(action: str, payload: Json) -> None:
    """Every refund offered is ₹99,999.00, far above the order's value.

    Simulates a respondent that refunds the wrong order.  Caught by IGM-RES-002 (a refund is
    a positive amount no larger than the order total).
    """
    issue = _issue(payload)
    if issue is None:
        return
    resolution = issue.get("resolution")
    if isinstance(resolution, dict) and "refund_amount" in resolution:
        resolution["refund_amount"] = "99999.00"
    for option in issue.get("resolutions") or []:
        for group in (option.get("tags") or []) if isinstance(option, dict) else []:
            for entry in (group.get("list") or []) if isinstance(group, dict) else []:
                if isinstance(entry, dict) and (entry.get("descriptor") or {}).get(
                        "code") == "REFUND_AMOUNT":
                    entry["value"] = "99999.00"


@_fault("igm_no_gro", ("on_issue",))
def igm_no_gro(action: str, payload: Json) -> None:
    """An escalated complaint is answered without a grievance redressal officer.

    Simulates a respondent without a GRO.  Caught by IGM-ESC-001 (after an escalation the
    respondent names its GRO).
    """
    issue = _issue(payload)
    if issue is None:
        return
    if isinstance(issue.get("actors"), list):
        issue["actors"] = [a for a in issue["actors"]
                           if not (isinstance(a, dict) and str(a.get("type")).endswith("_GRO"))]
    support = ((issue.get("resolution_provider") or {}).get("respondent_info") or {}).get(
        "resolution_support")
    if isinstance(support, dict):
        support.pop("gros", None)


def _rsf_settlement(payload: Json) -> Json | None:
    message = payload.get("message")
    settlement = message.get("settlement") if isinstance(message, dict) else None
    return settlement if isinstance(settlement, dict) else None


def _recon_settlements(payload: Json) -> list[Json]:
    message = payload.get("message")
    orders = message.get("orders") if isinstance(message, dict) else None
    return [s for o in orders or [] if isinstance(o, dict)
            for s in o.get("settlements") or [] if isinstance(s, dict)]


@_fault("rsf_settle_id", ("on_settle", "on_report"))
def rsf_settle_id(action: str, payload: Json) -> None:
    """on_settle / on_report name another settlement id than the instruction's.

    Simulates a settlement agency that answers with its own batch id.  Caught by
    RSF-SETTLE-001 (on_settle) and RSF-REPORT-001 (on_report).
    """
    settlement = _rsf_settlement(payload)
    if settlement is not None:
        settlement["id"] = "SETTLEMENT-DOES-NOT-EXIST"


@_fault("rsf_recon_sum", ("on_recon",))
def rsf_recon_sum(action: str, payload: Json) -> None:
    """The first settlement of on_recon is ₹1.00 more, so they no longer sum to the order.

    Simulates a counterparty that rounds each part payment on its own.  Caught by
    RSF-RECON-001 (settlement amounts sum to the order amount).
    """
    settlements = _recon_settlements(payload)
    amount = settlements[0].get("amount") if settlements else None
    if isinstance(amount, dict):
        try:
            amount["value"] = money(Decimal(str(amount.get("value"))) + Decimal("1"))
        except InvalidOperation:
            amount["value"] = "1.00"


@_fault("rsf_diff_value", ("on_recon",))
def rsf_diff_value(action: str, payload: Json) -> None:
    """The first settlement's amount carries a diff_value ₹1.00 off the real difference.

    Simulates a counterparty that reports the difference before its own correction.
    Caught by RSF-RECON-002 (diff_value = |on_recon value − recon value|).
    """
    settlements = _recon_settlements(payload)
    amount = settlements[0].get("amount") if settlements else None
    if isinstance(amount, dict):
        try:
            amount["diff_value"] = money(Decimal(str(amount.get("diff_value", "0"))) + 1)
        except InvalidOperation:
            amount["diff_value"] = "1.00"


@_fault("rsf_no_due_date", ("on_recon",))
def rsf_no_due_date(action: str, payload: Json) -> None:
    """An accorded on_recon leaves out the due dates of the settlements still to be paid.

    Simulates a counterparty that agrees but never commits to a date.  Caught by
    RSF-RECON-003 (due dates when the recon is accorded).
    """
    for settlement in _recon_settlements(payload):
        settlement.pop("due_date", None)


@_fault("rsf_error_code", ("on_settle", "on_recon", "on_report"))
def rsf_error_code(action: str, payload: Json) -> None:
    """An RSF refusal carries the Retail code 30000 instead of its RSF code (70000–70030).

    Simulates a participant that reuses its Retail error handling for RSF.  Caught by
    RSF-ERR-001 (a refusal carries an RSF error code).
    """
    error = payload.get("error")
    if isinstance(error, dict):
        error["code"] = "30000"


# -- behaviour faults (carried out by the seller) ---------------------------------------------
@_fault("bad_signature", CALLBACKS)
def bad_signature(action: str, payload: Json) -> None:
    """Callbacks are signed with a key other than the one the seller registered.

    Simulates a rotated or mis-configured signing key (the Digest header stays honest, so the
    harness can tell a wrong key from a changed body).  Caught by WIRE-SIG-001; the harness
    answers 401 NACK.
    """


@_fault("no_callback", CALLBACKS)
def no_callback(action: str, payload: Json) -> None:
    """The request is ACKed but its callback is never sent.

    Simulates a seller whose background worker dropped the job.  Caught by WIRE-CALLBACK-001
    (no callback within the request ttl + grace).  Unsolicited on_status pushes still happen.
    """


@_fault("late_callback", CALLBACKS)
def late_callback(action: str, payload: Json) -> None:
    """The callback is sent only after ``late_delay_s`` (set past the harness's wait).

    Simulates a slow seller.  Caught by WIRE-CALLBACK-001 while waiting, then WIRE-CALLBACK-002
    when it arrives (the harness answers NACK 20009).
    """


@_fault("wrong_message_id", CALLBACKS)
def wrong_message_id(action: str, payload: Json) -> None:
    """The callback carries a fresh message_id instead of its request's.

    Simulates a seller that generates ids per message.  Caught by the context rule "a
    callback's message_id equals its request's".
    """


@_fault("nack", CALLBACKS)
def nack(action: str, payload: Json) -> None:
    """Valid requests are answered ``NACK`` with error 30000 (and no callback follows).

    Simulates a seller whose request validation is too strict.  Caught by WIRE-ACK-002.
    """


@_fault("http_500", CALLBACKS)
def http_500(action: str, payload: Json) -> None:
    """Requests are answered HTTP 500 with a plain-text body.

    Simulates a crashing endpoint.  Caught by WIRE-HTTP-001 (and WIRE-ACK-001: not JSON).
    """


@_fault("non_json", CALLBACKS)
def non_json(action: str, payload: Json) -> None:
    """Requests are answered HTTP 200 with an HTML page.

    Simulates a proxy or web server answering in front of the app.  Caught by WIRE-ACK-001.
    """


# -- hostile participant behaviours (carried out by reference/hostile.py) ----------------------
@_fault("unknown_transaction", CALLBACKS)
def unknown_transaction(action: str, payload: Json) -> None:
    """The callback names a transaction_id the harness never started.

    Simulates a seller that mixes up its sessions.  The harness answers NACK 20006.  Caught by
    WIRE-CALLBACK-004 on the step waiting for it (it answers that step's message_id under a
    stranger's transaction), which also reports WIRE-CALLBACK-001.
    """
    context = payload.get("context")
    if isinstance(context, dict):
        context["transaction_id"] = f"stranger-{context.get('message_id')}"


def _behaviour(name: str, doc: str, actions: tuple[str, ...] = CALLBACKS) -> None:
    """Register a fault the seller or hostile.py carries out (no payload change)."""
    def carried_out_elsewhere(action: str, payload: Json) -> None:
        """Nothing to change in the payload."""
    FAULTS[name] = FaultSpec(name, actions, carried_out_elsewhere, doc)


for _name, _doc in {
    "hang": "The synchronous answer never comes (the connection stays open).\n\nCaught by "
            "WIRE-CONN-002 after --request-timeout; the flow breaks at the request.",
    "trickle": "The ACK trickles in one byte at a time (25 s for the whole answer).\n\nCaught "
               "by WIRE-CONN-002: --request-timeout bounds the whole answer, not each read.",
    "reset": "The connection is reset (TCP RST) halfway through the ACK.\n\nCaught by "
             "WIRE-CONN-001; the flow breaks at the request.",
    "http_307": "The request is answered HTTP 307 to another path (redirects are not "
                "followed).\n\nCaught by WIRE-HTTP-001 and WIRE-ACK-001.",
    "http_404": "The request is answered HTTP 404, plain text (a wrong base_url).\n\nCaught by "
                "WIRE-HTTP-001 and WIRE-ACK-001.",
    "empty_answer": "HTTP 200 with an empty body.\n\nCaught by WIRE-ACK-001.",
    "truncated_answer": "HTTP 200 with the ACK cut after 20 bytes.\n\nCaught by WIRE-ACK-001.",
    "nack_no_error": "NACK without an error object.\n\nCaught by WIRE-ACK-002 and WIRE-ACK-003.",
    "callback_before_ack": "The callback is sent (and answered) before the request's ACK.\n\n"
                           "Simulates a seller that answers inline.  Caught by "
                           "WIRE-CALLBACK-005.",
    "wrong_path": "The callback is POSTed to the request's path (/select for on_select).\n\n"
                  "Caught by WIRE-PATH-001; the callback is still checked.",
    "duplicate_callback": "The callback is sent again (same message_id, later timestamp).\n\n"
                          "Caught by WIRE-CALLBACK-003.",
    "replay": "The callback is sent again byte for byte, with the same signature.\n\nCaught by "
              "WIRE-CALLBACK-003 (a replay), on_search included.",
    "oversized_callback": "The callback is padded beyond the harness's --max-body.\n\nCaught by "
                          "WIRE-BODY-002 (HTTP 413, before parsing).",
    "deep_json": "The callback carries an array nested 10,000 deep.\n\nCaught by WIRE-BODY-001 "
                 "(HTTP 400); the parser is never asked to recurse that deep.",
    "invalid_utf8": "The callback body is not valid UTF-8.\n\nCaught by WIRE-BODY-001.",
    "wrong_content_type": "The callback is sent as text/plain.\n\nCaught by WIRE-HTTP-002; the "
                          "message is still read and checked.",
    "unsigned": "The callback has no Authorization header.\n\nCaught by WIRE-SIG-001.",
    "malformed_signature": "The callback's Authorization header is garbage.\n\nCaught by "
                           "WIRE-SIG-001 (malformed header).",
    "expired_signature": "The callback is signed with created/expires an hour in the past.\n\n"
                         "Caught by WIRE-SIG-001 (expired).",
    "flood": "1,000 extra copies of the callback (fresh message_ids) at once.\n\nThe harness "
             "answers and records every one; caught by WIRE-CALLBACK-004 in the run summary "
             "(callbacks answering no request of the harness).",
}.items():
    _behaviour(_name, _doc)


# -- parsing ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fault:
    """One configured fault: a name from :data:`FAULTS` and, optionally, the callback it targets."""

    name: str
    action: str | None = None

    @classmethod
    def parse(cls, text: str) -> Fault:
        """``NAME`` or ``NAME@action``; ValueError naming the valid choices otherwise."""
        name, _, action = text.strip().partition("@")
        name = name.strip()
        spec = FAULTS.get(name)
        if spec is None:
            raise ValueError(f"unknown fault {name!r}; valid faults: {', '.join(sorted(FAULTS))}"
                             " (write NAME or NAME@action)")
        if not action.strip():
            return cls(name)
        target = callback_action_for(action.strip())
        if target not in spec.actions:
            raise ValueError(f"fault {name} does not apply to {action.strip()!r}; it applies "
                             f"to {', '.join(spec.actions)}")
        return cls(name, target)

    @property
    def spec(self) -> FaultSpec:
        return FAULTS[self.name]

    def applies_to(self, action: str) -> bool:
        """Whether this fault affects ``action`` (a request or its callback)."""
        target = callback_action_for(action)
        return target in self.spec.actions and self.action in (None, target)

    def __str__(self) -> str:
        return self.name if self.action is None else f"{self.name}@{self.action}"


def parse_faults(texts: Iterable[str]) -> frozenset[Fault]:
    """Faults from ``NAME[@action]`` strings (each may hold several, comma-separated)."""
    return frozenset(Fault.parse(part) for text in texts for part in text.split(",")
                     if part.strip())


def active(faults: Iterable[Fault], name: str, action: str) -> bool:
    return any(f.name == name and f.applies_to(action) for f in faults)


def with_payload_faults(faults: Iterable[Fault], action: str, payload: Json) -> Json:
    """A copy of the outgoing ``payload`` with every applicable fault applied."""
    chosen = sorted({f.name for f in faults if f.applies_to(action)})
    if not chosen:
        return payload
    changed = copy.deepcopy(payload)
    for name in chosen:
        FAULTS[name].mutate(action, changed)
    return changed


# The faults of the Retail certification flows (cancel, returns, ...) live with those flows.
from ondc_harness.reference import flow_faults  # noqa: E402, F401  (registers them)
