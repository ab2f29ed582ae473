"""The reference seller as IGM respondent: ``/issue`` and ``/issue_status``, IGM 1.0.0 and 2.0.0.

The harness plays the buyer app (the complainant's interfacing NP); the reference seller is the
transaction counterparty that must answer.  Both IGM versions run on the same server as the
Retail APIs, because an issue is about an order the seller confirmed: the complaint must name
this transaction's order (else ``on_issue`` carries error IGM002, or IGM004 for an unknown
item), and refunds are computed from that order's quote.

IGM 1.0.0 (``context.core_version`` 1.0.0; ``issue_actions``, ``category``/``sub_category``):

* ``issue`` with complainant action OPEN → ``on_issue`` with respondent action PROCESSING.  The
  seller then resolves at once (a RESOLVED action 1 ms later, with a resolution chosen by
  :func:`resolution_code` from the sub-category) and reports it on the next ``issue_status``,
  as the IGM 1.0 Retail flow does (issue → on_issue → issue_status → on_issue_status).
* ``issue`` with complainant action ESCALATE (a GRIEVANCE) → ``on_issue`` PROCESSING with the
  resolution provider and its GRO; the GRO resolves with a refund of the complained items and
  ``gro_remarks``.
* ``issue`` with status CLOSED (action CLOSE) → ACK only: a closed issue needs no answer.

IGM 2.0.0 (``context.version`` 2.0.0; ``actors``, ``actions``, ``resolutions``, ``refs``):

* ``issue`` OPEN → ``on_issue`` PROCESSING (the seller joins ``actors`` as COUNTERPARTY_NP and
  ``respondent_ids``), then an unsolicited ``on_issue`` proposing resolutions: one PARENT with
  the options REFUND and CANCEL (with REFUND_AMOUNT), REPLACEMENT and NO_ACTION.
* ``issue`` with a new RESOLUTION_ACCEPTED action → ``on_issue`` RESOLVED naming it.
* ``issue`` with a new ESCALATED action (level GRIEVANCE) → ``on_issue`` PROCESSING by the
  seller's GRO (a COUNTERPARTY_NP_GRO actor, now the resolver), then an unsolicited ``on_issue``
  where the GRO proposes one REFUND.
* ``issue`` with a new CLOSED action → ACK only.

``issue_status`` answers ``on_issue_status`` with the issue as the seller knows it (error IGM005
for an unknown issue id).  Every status only moves forward (OPEN → PROCESSING → RESOLVED →
CLOSED, reopened only by an escalation), ``created_at`` never changes and ``updated_at`` is the
time of the latest action, never later than the callback's own timestamp.

:class:`Responder` (callbacks whose context mirrors the request's, whatever its shape) is shared
with :mod:`rsf`.
"""

from __future__ import annotations

import asyncio
import copy
import uuid
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ondc_harness.reference.faults import active
from ondc_harness.reference.fragments import money
from ondc_harness.reference.validation import Refusal

if TYPE_CHECKING:
    from ondc_harness.reference.orders import Transaction
    from ondc_harness.reference.seller import ReferenceSeller

Json = dict[str, Any]
Job = Callable[[], Coroutine[Any, Any, None]]
Handler = Callable[[Json], Job]

NTS_DOMAIN = "ONDC:NTS10"
MAX_ISSUES = 10_000
SUPPORT_PHONE = "9886011111"
SUPPORT_EMAIL = "support@reference-market.example"
SUPPORT_PERSON = "Kavya Nair"
GRO_PHONE = "9886022222"
GRO_EMAIL = "grievance@reference-market.example"
GRO_PERSON = "Meera Iyer"

# IGM 1.0 resolution policy by sub-category (ONDC IGM 1.0 Retail sub-categories).
REFUND_SUB_CATEGORIES = frozenset({"ITM01", "ITM02", "ITM05", "PMT01", "PMT02"})
"""Missing items, quantity issue, expired item; refund not received, underpaid."""
REPLACEMENT_SUB_CATEGORIES = frozenset({"ITM03", "ITM04"})
"""Item mismatch, quality issue: the item is replaced."""
CANCEL_SUB_CATEGORIES = frozenset({"ORD01", "ORD03", "FLM02", "FLM03", "FLM08"})
"""Order not received, delayed delivery, incorrectly marked as delivered: the order is
cancelled and refunded in full."""

RESOLUTION_OPTIONS = ("REFUND", "REPLACEMENT", "CANCEL", "NO_ACTION")
"""What the IGM 2.0 respondent proposes, as children of one PARENT resolution."""


def resolution_code(sub_category: str) -> str:
    """The IGM 1.0 ``action_triggered`` the reference seller answers a sub-category with."""
    if sub_category in REFUND_SUB_CATEGORIES:
        return "REFUND"
    if sub_category in REPLACEMENT_SUB_CATEGORIES:
        return "REPLACEMENT"
    if sub_category in CANCEL_SUB_CATEGORIES:
        return "CANCEL"
    return "NO-ACTION"


# -- callbacks with a mirrored context ---------------------------------------------------------
def mirror_context(request: Json, action: str, *, bpp_id: str, bpp_uri: str, timestamp: str,
                   message_id: str | None = None) -> Json:
    """The request's context, whatever its shape (core_version or version, city or location),
    answered by this seller: same transaction (and message, unless ``message_id``), later."""
    context = copy.deepcopy(request)
    context.update(action=action, bpp_id=bpp_id, bpp_uri=bpp_uri, timestamp=timestamp)
    if message_id is not None:
        context["message_id"] = message_id
    return context


class Responder:
    """Sends a reference seller's callbacks for APIs whose context is not Retail's.

    The Retail callbacks rebuild a Retail 1.2 context; IGM 2.0 and RSF carry ``version`` and
    ``location`` instead, so these callbacks copy the request's context.  Signing, payload
    faults and the delivery log are the seller's (``_post``); the behaviour faults
    (late, missing, wrong message id) are honoured here as they are for Retail callbacks.
    """

    def __init__(self, seller: ReferenceSeller) -> None:
        self.seller = seller

    def transaction(self, context: Json) -> Transaction:
        return self.seller.book.get(str(context["transaction_id"]))

    def next_timestamp(self, context: Json) -> str:
        """Later than the request and than anything already sent in its transaction."""
        return self.seller._next_timestamp(self.transaction(context), str(context["timestamp"]))

    async def reply(self, request: Json, action: str, build: Callable[[str], Json], *,
                    push: bool = False) -> None:
        """Build ``{message|error: ...}`` at the callback's timestamp and POST it signed.

        ``push``: an unsolicited callback, with a message_id of its own.
        """
        seller = self.seller
        faults = seller.config.faults
        if active(faults, "late_callback", action):
            await asyncio.sleep(seller.config.late_delay_s)  # sleep-ok: the late_callback fault
        txn = self.transaction(request)
        timestamp = seller._next_timestamp(txn, str(request["timestamp"]))
        body = build(timestamp)
        if active(faults, "no_callback", action):
            return
        fresh = push or active(faults, "wrong_message_id", action)
        context = mirror_context(request, action, bpp_id=seller.config.subscriber_id,
                                 bpp_uri=seller.base_url, timestamp=timestamp,
                                 message_id=str(uuid.uuid4()) if fresh else None)
        await seller._post(txn, {"context": context, **body})


def error_body(code: str, message: str, error_type: str = "DOMAIN-ERROR") -> Json:
    """A callback that refuses what it was asked, after the request was ACKed."""
    return {"error": {"type": error_type, "code": code, "message": message}}


def check_context(context: Json, action: str, own_id: str, domains: tuple[str, ...]) -> None:
    """The context fields every IGM/RSF request needs; the domain may also be ONDC:NTS10."""
    for key in ("transaction_id", "message_id", "bap_id", "bap_uri", "timestamp", "domain"):
        if not isinstance(context.get(key), str) or not context[key]:
            raise Refusal("30000", f"context.{key} is required", error_type="CONTEXT-ERROR",
                          path=f"$.context.{key}")
    if context.get("action") != action:
        raise Refusal("30000", f"context.action is {context.get('action')!r} but the request "
                      f"was sent to /{action}", error_type="CONTEXT-ERROR",
                      path="$.context.action")
    if context["domain"] not in (*domains, NTS_DOMAIN):
        raise Refusal("30000", f"domain {context['domain']} is not served",
                      error_type="CONTEXT-ERROR", path="$.context.domain")
    if context.get("bpp_id") != own_id:
        raise Refusal("30000", f"context.bpp_id must be {own_id}", error_type="CONTEXT-ERROR",
                      path="$.context.bpp_id")


# -- order arithmetic ---------------------------------------------------------------------------
def decimal_or_zero(value: Any) -> Decimal:
    """An amount as Decimal; junk (our own state never holds any) reads as 0."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)
    return number if number.is_finite() else Decimal(0)


def order_total(order: Json) -> Decimal:
    return decimal_or_zero(order.get("quote", {}).get("price", {}).get("value"))


def lines_value(order: Json, wanted: dict[str, int]) -> Decimal:
    """What ``wanted`` (item id → count) cost in ``order``: its item and tax lines, pro rata."""
    breakup = [line for line in order.get("quote", {}).get("breakup", [])
               if isinstance(line, dict)]
    ordered: dict[str, int] = {}
    for line in breakup:
        count = line.get("@ondc/org/item_quantity", {}).get("count")
        if line.get("@ondc/org/title_type") == "item" and isinstance(count, int) and count > 0:
            ordered[str(line.get("@ondc/org/item_id"))] = count
    total = Decimal(0)
    for line in breakup:
        item_id = str(line.get("@ondc/org/item_id"))
        if item_id not in wanted or line.get("@ondc/org/title_type") not in ("item", "tax"):
            continue
        count = ordered.get(item_id, 1)
        share = Decimal(min(max(wanted[item_id], 0), count)) / Decimal(count)
        total += decimal_or_zero(line.get("price", {}).get("value")) * share
    return decimal_or_zero(money(total))


def _order_item_ids(order: Json) -> set[str]:
    return {str(i.get("id")) for i in order.get("items", []) if isinstance(i, dict)}


def _fulfillment_ids(order: Json) -> set[str]:
    return {str(f.get("id")) for f in order.get("fulfillments", []) if isinstance(f, dict)}


# -- what the respondent remembers -------------------------------------------------------------
@dataclass
class IssueRecord:
    """One complaint as the respondent knows it.

    IGM 1.0 keeps the respondent's own trail (``respondent_actions``, ``resolution``); IGM 2.0
    keeps the whole shared issue object (``issue``), whose ``actions`` both sides append to.
    """

    issue_id: str
    version: int
    transaction_id: str
    domain: str
    created_at: str
    order: Json
    complained: dict[str, int]
    updated_at: str = ""
    status: str = "OPEN"
    sub_category: str = ""
    respondent_actions: list[Json] = field(default_factory=list)
    resolution: Json | None = None
    escalated: bool = False
    issue: Json = field(default_factory=dict)


def is_v2(context: Json, issue: Json) -> bool:
    """IGM 2.0 by its shape (``actions``/``level``/``refs``) or its version."""
    version = str(context.get("version") or context.get("core_version") or "")
    return version.startswith("2.") or any(k in issue for k in ("actions", "level", "refs"))


class IgmRespondent(Responder):
    """``/issue`` and ``/issue_status`` for the reference seller (see the module docstring)."""

    def __init__(self, seller: ReferenceSeller) -> None:
        super().__init__(seller)
        self.issues: OrderedDict[tuple[str, str], IssueRecord] = OrderedDict()

    def handlers(self) -> dict[str, Handler]:
        return {"issue": self.issue, "issue_status": self.issue_status}

    # -- shared ----------------------------------------------------------------------------
    def _check(self, payload: Json, action: str) -> Json:
        context = payload["context"]
        check_context(context, action, self.seller.config.subscriber_id,
                      self.seller.market.domains)
        return dict(context)

    def _remember(self, record: IssueRecord) -> None:
        self.issues[(record.transaction_id, record.issue_id)] = record
        while len(self.issues) > MAX_ISSUES:
            self.issues.popitem(last=False)

    def _org(self, domain: str) -> Json:
        return {"org": {"name": f"{self.seller.config.subscriber_id}::{domain}"},
                "contact": {"phone": SUPPORT_PHONE, "email": SUPPORT_EMAIL},
                "person": {"name": SUPPORT_PERSON}}

    def _order_error(self, context: Json, order_id: Any, item_ids: list[str]) -> Json | None:
        """The IGM 2.0 error a complaint about an unknown order or item gets, if any."""
        txn = self.seller.book.find(str(context["transaction_id"]))
        if txn is None or txn.order is None or order_id != txn.order_id:
            return error_body("IGM002", f"order {order_id!r} does not exist in this "
                              "transaction")
        unknown = [i for i in item_ids if i not in _order_item_ids(txn.order)]
        if unknown:
            return error_body("IGM004", f"item(s) {', '.join(unknown)} are not in order "
                              f"{order_id}")
        return None

    # -- /issue ------------------------------------------------------------------------------
    def issue(self, payload: Json) -> Job:
        context = self._check(payload, "issue")
        issue = payload["message"].get("issue")
        if not isinstance(issue, dict) or not isinstance(issue.get("id"), str) \
                or not issue["id"]:
            raise Refusal("30000", "message.issue with an id is required",
                          path="$.message.issue.id")
        record = self.issues.get((str(context["transaction_id"]), issue["id"]))
        if record is None:
            return self._new_v2(context, issue) if is_v2(context, issue) \
                else self._new_v1(context, issue)
        if record.status == "CLOSED":
            raise Refusal("30000", f"issue {record.issue_id} is closed",
                          path="$.message.issue.status")
        return self._follow_up_v2(context, issue, record) if record.version == 2 \
            else self._follow_up_v1(context, issue, record)

    # -- /issue_status -----------------------------------------------------------------------
    def issue_status(self, payload: Json) -> Job:
        context = self._check(payload, "issue_status")
        issue_id = payload["message"].get("issue_id")
        if not isinstance(issue_id, str) or not issue_id:
            raise Refusal("30000", "message.issue_id is required", path="$.message.issue_id")
        record = self.issues.get((str(context["transaction_id"]), issue_id))

        def build(timestamp: str) -> Json:
            if record is None:
                return error_body("IGM005", f"issue {issue_id!r} does not exist")
            if record.version == 2:
                return {"message": {"issue": copy.deepcopy(record.issue)}}
            return {"message": {"issue": self._v1_issue(record)}}

        async def job() -> None:
            await self.reply(context, "on_issue_status", build)
        return job

    # -- IGM 1.0 -----------------------------------------------------------------------------
    def _new_v1(self, context: Json, issue: Json) -> Job:
        details = issue.get("order_details")
        details = details if isinstance(details, dict) else {}
        complained = _complained_v1(details)
        error = self._order_error(context, details.get("id"), list(complained))
        sub_category = issue.get("sub_category")
        if error is None and not isinstance(sub_category, str):
            raise Refusal("30000", "message.issue.sub_category is required",
                          path="$.message.issue.sub_category")
        if error is None and not isinstance(issue.get("created_at"), str):
            raise Refusal("30000", "message.issue.created_at is required",
                          path="$.message.issue.created_at")

        def build(timestamp: str) -> Json:
            if error is not None:
                return error
            txn = self.transaction(context)
            assert txn.order is not None
            record = IssueRecord(
                issue_id=str(issue["id"]), version=1, transaction_id=txn.transaction_id,
                domain=str(context["domain"]), created_at=str(issue["created_at"]),
                order=copy.deepcopy(txn.order), complained=complained,
                sub_category=str(sub_category))
            self._remember(record)
            self._act_v1(record, "PROCESSING", "Complaint is being processed", timestamp)
            answer = self._v1_issue(record)
            # The seller settles the complaint at once; issue_status will report it.
            self._resolve_v1(record, self.next_timestamp(context), by_gro=False)
            return {"message": {"issue": answer}}

        async def job() -> None:
            await self.reply(context, "on_issue", build)
        return job

    def _follow_up_v1(self, context: Json, issue: Json, record: IssueRecord) -> Job:
        actions = issue.get("issue_actions", {}).get("complainant_actions", []) \
            if isinstance(issue.get("issue_actions"), dict) else []
        last = actions[-1].get("complainant_action") \
            if actions and isinstance(actions[-1], dict) else None
        if issue.get("status") == "CLOSED" or last == "CLOSE":
            return self._close(context, issue, record)
        escalate = last == "ESCALATE"

        def build(timestamp: str) -> Json:
            if escalate:
                record.escalated = True
                record.status = "OPEN"
                self._act_v1(record, "PROCESSING", "Grievance is being processed by the GRO",
                             timestamp, gro=True)
                answer = self._v1_issue(record, provider=True)
                self._resolve_v1(record, self.next_timestamp(context), by_gro=True)
                return {"message": {"issue": answer}}
            return {"message": {"issue": self._v1_issue(record)}}

        async def job() -> None:
            await self.reply(context, "on_issue", build)
        return job

    def _close(self, context: Json, issue: Json, record: IssueRecord) -> Job:
        """A closed complaint is final: remember it, answer nothing (ACK only)."""
        closed_at = issue.get("updated_at")

        async def job() -> None:
            record.status = "CLOSED"
            if isinstance(closed_at, str):
                record.updated_at = closed_at
            if record.version == 2:
                record.issue = copy.deepcopy(issue)
        return job

    def _act_v1(self, record: IssueRecord, code: str, text: str, timestamp: str, *,
                gro: bool = False) -> None:
        who = self._org(record.domain)
        if gro:
            who.update(contact={"phone": GRO_PHONE, "email": GRO_EMAIL},
                       person={"name": GRO_PERSON})
        record.respondent_actions.append({
            "respondent_action": code, "short_desc": text, "updated_at": timestamp,
            "updated_by": who, "cascaded_level": 1})
        record.status = {"PROCESSING": "PROCESSING", "RESOLVED": "RESOLVED"}.get(code,
                                                                                 record.status)
        record.updated_at = timestamp

    def _resolve_v1(self, record: IssueRecord, timestamp: str, *, by_gro: bool) -> None:
        """Decide the complaint: by policy (:func:`resolution_code`), or a GRO refund."""
        code = "REFUND" if by_gro else resolution_code(record.sub_category)
        amount = order_total(record.order) if code == "CANCEL" \
            else lines_value(record.order, record.complained)
        texts = {
            "REFUND": ("Refund to be initiated",
                       f"A refund of {money(amount)} for the complained items is initiated"),
            "REPLACEMENT": ("Replacement to be shipped",
                            "The complained items will be replaced free of charge"),
            "CANCEL": ("Order cancelled",
                       f"The order is cancelled and {money(amount)} refunded in full"),
            "NO-ACTION": ("No action is required",
                          "The complaint was reviewed; no action is required"),
        }
        short, long = texts[code]
        resolution: Json = {"short_desc": short, "long_desc": long, "action_triggered": code}
        if code in ("REFUND", "CANCEL"):
            resolution["refund_amount"] = money(amount)
        if by_gro:
            resolution["gro_remarks"] = "Grievance upheld: the complained items are refunded"
        record.resolution = resolution
        self._act_v1(record, "RESOLVED", "Grievance resolved by the GRO" if by_gro
                     else "Complaint resolved", timestamp, gro=by_gro)

    def _resolution_provider(self, record: IssueRecord) -> Json:
        return {"respondent_info": {
            "type": "TRANSACTION-COUNTERPARTY-NP",
            "organization": self._org(record.domain),
            "resolution_support": {
                "chat_link": f"{self.seller.base_url}/support/chat",
                "contact": {"phone": SUPPORT_PHONE, "email": SUPPORT_EMAIL},
                "gros": [{"person": {"name": GRO_PERSON},
                          "contact": {"phone": GRO_PHONE, "email": GRO_EMAIL},
                          "gro_type": "TRANSACTION-COUNTERPARTY-NP-GRO"}],
            },
        }}

    def _v1_issue(self, record: IssueRecord, *, provider: bool = False) -> Json:
        """The issue as an IGM 1.0 respondent reports it: its own actions so far, the
        resolution provider (with its GRO) once resolved or escalated, and the resolution."""
        actions = copy.deepcopy(record.respondent_actions)
        answer: Json = {
            "id": record.issue_id,
            "issue_actions": {"respondent_actions": actions},
            "created_at": record.created_at,
            "updated_at": actions[-1]["updated_at"] if actions else record.created_at,
        }
        resolved = bool(actions) and actions[-1]["respondent_action"] == "RESOLVED"
        if provider or resolved or record.escalated:
            answer["resolution_provider"] = self._resolution_provider(record)
        if resolved and record.resolution is not None:
            answer["resolution"] = copy.deepcopy(record.resolution)
        return answer

    # -- IGM 2.0 -----------------------------------------------------------------------------
    def _new_v2(self, context: Json, issue: Json) -> Job:
        refs = [r for r in issue.get("refs", []) if isinstance(r, dict)]
        order_ref = next((r.get("ref_id") for r in refs if r.get("ref_type") == "ORDER"), None)
        complained = _complained_v2(refs)
        error = self._order_error(context, order_ref, list(complained))
        if error is None:
            txn = self.seller.book.find(str(context["transaction_id"]))
            fulfillments = [str(r.get("ref_id")) for r in refs
                            if r.get("ref_type") in ("FULFILLMENT", "FULFILMENT")]
            if txn is not None and txn.order is not None and any(
                    f not in _fulfillment_ids(txn.order) for f in fulfillments):
                error = error_body("IGM003", "fulfillment(s) not in the order")
        if error is None and not isinstance(issue.get("created_at"), str):
            raise Refusal("IGM001", "message.issue.created_at is required",
                          error_type="JSON-SCHEMA-ERROR", path="$.message.issue.created_at")

        def processing(timestamp: str) -> Json:
            if error is not None:
                return error
            txn = self.transaction(context)
            assert txn.order is not None
            record = IssueRecord(
                issue_id=str(issue["id"]), version=2, transaction_id=txn.transaction_id,
                domain=str(context["domain"]), created_at=str(issue["created_at"]),
                order=copy.deepcopy(txn.order), complained=complained,
                issue=copy.deepcopy(issue))
            self._remember(record)
            state = record.issue
            state.setdefault("actors", []).append(self._actor("COUNTERPARTY_NP", record.domain))
            state["respondent_ids"] = [self.seller.config.subscriber_id]
            self._act_v2(record, "PROCESSING", "Complaint is being processed", timestamp)
            return {"message": {"issue": copy.deepcopy(state)}}

        async def job() -> None:
            await self.reply(context, "on_issue", processing)
            if error is None:
                await self.reply(context, "on_issue", self._proposal(context, issue["id"]),
                                 push=True)
        return job

    def _proposal(self, context: Json, issue_id: str) -> Callable[[str], Json]:
        """The unsolicited on_issue that proposes resolutions (after PROCESSING)."""
        def build(timestamp: str) -> Json:
            record = self.issues[(str(context["transaction_id"]), issue_id)]
            state = record.issue
            seller_id = self.seller.config.subscriber_id
            proposer = f"{seller_id}::GRO" if record.escalated else seller_id
            if record.escalated:
                options = [self._resolution("GRO-REFUND", "REFUND", proposer, timestamp, record)]
                parent = options[0]["id"]
            else:
                parent = "RES-PARENT"
                options = [{"id": parent, "descriptor": {
                    "code": "PARENT", "short_desc": "Resolution options: please choose one"},
                    "updated_at": timestamp, "proposed_by": proposer}]
                options += [self._resolution(f"RES-{code}", code, proposer, timestamp, record,
                                             parent=parent) for code in RESOLUTION_OPTIONS]
            state.setdefault("resolutions", []).extend(options)
            state["resolver_ids"] = [proposer]
            self._act_v2(record, "RESOLUTION_PROPOSED", "Resolution proposed", timestamp,
                         by=proposer, ref=parent)
            return {"message": {"issue": copy.deepcopy(state)}}
        return build

    def _resolution(self, resolution_id: str, code: str, proposer: str, timestamp: str,
                    record: IssueRecord, parent: str | None = None) -> Json:
        texts = {"REFUND": "Refund of the complained items",
                 "REPLACEMENT": "Replacement of the complained items",
                 "CANCEL": "Cancel the order with a full refund",
                 "NO_ACTION": "No action: the order was fulfilled as agreed"}
        details: list[Json] = [{"descriptor": {"code": "ITEM"}, "value": item_id}
                               for item_id in record.complained]
        if code == "REFUND":
            details.append({"descriptor": {"code": "REFUND_AMOUNT"},
                            "value": money(lines_value(record.order, record.complained))})
        elif code == "CANCEL":
            details.append({"descriptor": {"code": "REFUND_AMOUNT"},
                            "value": money(order_total(record.order))})
        resolution: Json = {"id": resolution_id,
                            "descriptor": {"code": code, "short_desc": texts[code]},
                            "updated_at": timestamp, "proposed_by": proposer,
                            "tags": [{"descriptor": {"code": "RESOLUTION_DETAILS"},
                                      "list": details}]}
        if parent is not None:
            resolution.update(ref_id=parent, ref_type="PARENT")
        return resolution

    def _follow_up_v2(self, context: Json, issue: Json, record: IssueRecord) -> Job:
        known = {a.get("id") for a in record.issue.get("actions", []) if isinstance(a, dict)}
        new = [a for a in issue.get("actions", []) if isinstance(a, dict)
               and a.get("id") not in known]
        codes = [str(a.get("descriptor", {}).get("code")) for a in new
                 if isinstance(a.get("descriptor"), dict)]
        if issue.get("status") == "CLOSED" or "CLOSED" in codes:
            return self._close(context, issue, record)
        accepted = next((a for a in new if a.get("descriptor", {}).get("code")
                         == "RESOLUTION_ACCEPTED"), None)
        resolution_ids = {r.get("id") for r in record.issue.get("resolutions", [])
                          if isinstance(r, dict) and r.get("descriptor", {}).get("code")
                          != "PARENT"}
        if accepted is not None and accepted.get("ref_id") not in resolution_ids:
            raise Refusal("30000", f"resolution {accepted.get('ref_id')!r} was not proposed",
                          path="$.message.issue.actions")
        escalated = "ESCALATED" in codes

        def build(timestamp: str) -> Json:
            state = record.issue
            state.setdefault("actions", []).extend(copy.deepcopy(new))
            seller_id = self.seller.config.subscriber_id
            if escalated:
                record.escalated = True
                state["level"] = issue.get("level", "GRIEVANCE")
                state.setdefault("actors", []).append(
                    self._actor("COUNTERPARTY_NP_GRO", record.domain, gro=True))
                self._act_v2(record, "PROCESSING", "Grievance is being processed by the GRO",
                             timestamp, by=f"{seller_id}::GRO")
            elif accepted is not None:
                resolver = state.get("resolver_ids", [seller_id])[0]
                self._act_v2(record, "RESOLVED", "Complaint resolved as accepted", timestamp,
                             by=str(resolver), ref=str(accepted.get("ref_id")))
            else:
                self._act_v2(record, "PROCESSING", "Complaint is being processed", timestamp)
            return {"message": {"issue": copy.deepcopy(state)}}

        async def job() -> None:
            await self.reply(context, "on_issue", build)
            if escalated:
                await self.reply(context, "on_issue", self._proposal(context, record.issue_id),
                                 push=True)
        return job

    def _actor(self, kind: str, domain: str, *, gro: bool = False) -> Json:
        seller_id = self.seller.config.subscriber_id
        info = self._org(domain)
        if gro:
            info["contact"] = {"phone": GRO_PHONE, "email": GRO_EMAIL}
            info["person"] = {"name": GRO_PERSON}
        return {"id": f"{seller_id}::GRO" if gro else seller_id, "type": kind, "info": info}

    def _act_v2(self, record: IssueRecord, code: str, text: str, timestamp: str, *,
                by: str | None = None, ref: str | None = None) -> None:
        state = record.issue
        actions = state.setdefault("actions", [])
        action: Json = {"id": f"SA-{len(actions) + 1}",
                        "descriptor": {"code": code, "short_desc": text},
                        "updated_at": timestamp,
                        "action_by": by or self.seller.config.subscriber_id,
                        "actor_details": {"name": SUPPORT_PERSON}}
        if ref is not None:
            action.update(ref_id=ref, ref_type="RESOLUTIONS")
        actions.append(action)
        status = {"PROCESSING": "PROCESSING", "RESOLVED": "RESOLVED"}.get(code)
        if status is not None:
            state["status"] = record.status = status
        state["last_action_id"] = action["id"]
        state["updated_at"] = record.updated_at = timestamp


def _complained_v1(details: Json) -> dict[str, int]:
    """Item id → count from IGM 1.0 ``order_details.items``."""
    out: dict[str, int] = {}
    for item in details.get("items", []) if isinstance(details.get("items"), list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            count = item.get("quantity")
            out[item["id"]] = count if isinstance(count, int) and count > 0 else 1
    return out


def _complained_v2(refs: list[Json]) -> dict[str, int]:
    """Item id → count from IGM 2.0 ITEM refs (``quantity.selected.count`` tag, else 1)."""
    out: dict[str, int] = {}
    for ref in refs:
        if ref.get("ref_type") != "ITEM" or not isinstance(ref.get("ref_id"), str):
            continue
        count = 1
        for group in ref.get("tags", []) if isinstance(ref.get("tags"), list) else []:
            for entry in group.get("list", []) if isinstance(group, dict) else []:
                if isinstance(entry, dict) and entry.get("descriptor", {}).get("code") \
                        == "quantity.selected.count":
                    try:
                        count = max(int(str(entry.get("value"))), 1)
                    except ValueError:
                        count = 1
        out[ref["ref_id"]] = count
    return out


def register(seller: ReferenceSeller) -> set[str]:
    """Add the IGM handlers to ``seller``; return the actions that check their own context."""
    handlers = IgmRespondent(seller).handlers()
    seller._handlers.update(handlers)
    return set(handlers)
