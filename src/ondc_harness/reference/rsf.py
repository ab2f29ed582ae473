"""The reference seller's RSF 2.0 endpoints: ``/settle`` and ``/report`` as the settlement
agency, ``/recon`` as the counterparty network participant.

In RSF the harness (a buyer app that collected the payment, i.e. the *collector*) talks to two
parties: the settlement agency (NOCS), which takes settlement instructions (``settle``) and
reports on them (``report``), and the *receiver* of the money, the seller app, with which it
reconciles orders (``recon``).  A conformance session has one reference participant, so the
reference seller serves both roles on the same server, under its own subscriber id.  That keeps
RSF flows on the transaction whose order they settle — which is what lets ``recon`` be
reconciled against the seller's real books — and a real settlement agency or seller app is
tested the same way with ``--participant``.

Behaviour (RSF 2.0.0: ``context.version`` 2.0.0, ``context.location``, domain ONDC:NTS10):

* ``settle`` (NP-NP, MISC, NIL) → ``on_settle`` repeating the instruction with each party
  SETTLED and a bank reference number (NP-NP: ``inter_participant.settled_amount``).  Refused
  in ``on_settle`` with an RSF error code: the bap is neither collector nor receiver (70009),
  collector = receiver (70015), a settlement id already settled (70008), an order twice in one
  instruction (70016).
* ``report`` (``ref_transaction_id``, ``ref_message_id`` of a settle) → ``on_report`` with that
  settlement as settled; unknown transaction 70028, unknown message 70029.
* ``recon`` → ``on_recon``.  Each order must be this transaction's order (else error 70030).
  The seller's books: order amount = its quote total, commission = the buyer app finder fee
  (absolute, or the percentage of the total), withholding = its on_init withholding amount;
  TCS/TDS are the collector's to compute and are taken as sent.  When the recon agrees with
  the books (order amount, Σ settlement amounts, Σ commission, Σ withholding) the answer is
  ``recon_accord: true`` and every unsettled settlement gets a ``due_date`` one settlement
  window (P1D) after the answer; otherwise ``recon_accord: false`` with the seller's figures on
  the first unsettled settlement and ``diff_value`` = |seller's − collector's| on each of its
  amounts.  In both cases the settlement amounts sum to the order amount.
"""

from __future__ import annotations

import copy
import hashlib
from collections import OrderedDict
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ondc_harness.reference.clock import parse_ts
from ondc_harness.reference.fragments import money, percent_of
from ondc_harness.reference.igm import (
    Handler,
    Job,
    Responder,
    check_context,
    decimal_or_zero,
    error_body,
    order_total,
)
from ondc_harness.reference.validation import Refusal

if TYPE_CHECKING:
    from ondc_harness.reference.orders import Transaction
    from ondc_harness.reference.seller import ReferenceSeller

Json = dict[str, Any]

RSF_VERSION = "2.0.0"
SETTLEMENT_TYPES = ("NP-NP", "MISC", "NIL")
PARTIES = ("inter_participant", "provider", "self")
"""Parties whose money moves in a settlement; ``collector`` only states the collector's fee."""
AMOUNT_FIELDS = ("amount", "commission", "withholding_amount", "tcs", "tds")
SETTLEMENT_WINDOW = timedelta(days=1)
MAX_REMEMBERED = 10_000


def reference_no(*parts: str) -> str:
    """A stable 13-digit bank reference (UTR-like) for one party of one settlement."""
    digest = hashlib.sha256(":".join(parts).encode()).hexdigest()
    return f"{int(digest[:15], 16) % 10**13:013d}"


def _amount_value(obj: Any) -> Decimal:
    return decimal_or_zero(obj.get("value")) if isinstance(obj, dict) else Decimal(0)


class SettlementDesk(Responder):
    """``/settle``, ``/report`` and ``/recon`` for the reference seller."""

    def __init__(self, seller: ReferenceSeller) -> None:
        super().__init__(seller)
        self.settled_ids: OrderedDict[str, str] = OrderedDict()  # settlement id → transaction
        self.answers: OrderedDict[tuple[str, str], Json] = OrderedDict()  # (txn, msg) → on_settle

    def handlers(self) -> dict[str, Handler]:
        return {"settle": self.settle, "report": self.report, "recon": self.recon}

    def _check(self, payload: Json, action: str) -> Json:
        context = payload["context"]
        check_context(context, action, self.seller.config.subscriber_id, ())
        if context.get("version") != RSF_VERSION:
            raise Refusal("70002", f"context.version must be {RSF_VERSION} for RSF",
                          error_type="CONTEXT-ERROR", path="$.context.version")
        return dict(context)

    @staticmethod
    def _bounded(mapping: OrderedDict[Any, Any]) -> None:
        while len(mapping) > MAX_REMEMBERED:
            mapping.popitem(last=False)

    # -- /settle -----------------------------------------------------------------------------
    def settle(self, payload: Json) -> Job:
        context = self._check(payload, "settle")
        message = payload["message"]
        settlement = message.get("settlement")
        if not isinstance(settlement, dict) or settlement.get("type") not in SETTLEMENT_TYPES:
            raise Refusal("70002", "message.settlement.type must be one of "
                          f"{', '.join(SETTLEMENT_TYPES)}", error_type="JSON-SCHEMA-ERROR",
                          path="$.message.settlement.type")
        kind = settlement["type"]
        orders = [o for o in settlement.get("orders", []) if isinstance(o, dict)] \
            if isinstance(settlement.get("orders"), list) else []
        if kind != "NIL" and (not isinstance(settlement.get("id"), str) or not orders):
            raise Refusal("70002", f"a {kind} settlement needs an id and orders",
                          error_type="JSON-SCHEMA-ERROR", path="$.message.settlement")
        problem = self._settle_problem(context, message, kind, settlement, orders)

        def build(timestamp: str) -> Json:
            if problem is not None:
                return problem
            answer = self._settled(message, settlement, orders)
            if kind != "NIL":
                self.settled_ids[str(settlement["id"])] = str(context["transaction_id"])
                self._bounded(self.settled_ids)
            self.answers[(str(context["transaction_id"]), str(context["message_id"]))] = answer
            self._bounded(self.answers)
            return {"message": copy.deepcopy(answer)}

        async def job() -> None:
            await self.reply(context, "on_settle", build)
        return job

    def _settle_problem(self, context: Json, message: Json, kind: str, settlement: Json,
                        orders: list[Json]) -> Json | None:
        """The RSF error an instruction is refused with in on_settle, if any."""
        if kind == "NP-NP":
            collector, receiver = message.get("collector_app_id"), message.get("receiver_app_id")
            if not isinstance(collector, str) or not isinstance(receiver, str):
                return error_body("70002", "an NP-NP settlement names collector_app_id and "
                                  "receiver_app_id", "JSON-SCHEMA-ERROR")
            if context["bap_id"] not in (collector, receiver):
                return error_body("70009", "Bap id doesn't match collector app id or receiver "
                                  "app id")
            if collector == receiver:
                return error_body("70015", "Receiver app id same as Collector app id")
            ids = [o.get("id") for o in orders]
            if len(set(map(str, ids))) != len(ids):
                return error_body("70016", "Duplicate order id")
        if kind != "NIL" and settlement.get("id") in self.settled_ids:
            return error_body("70008", "Duplicate settlement id")
        return None

    def _settled(self, message: Json, settlement: Json, orders: list[Json]) -> Json:
        """The instruction as carried out: every party SETTLED with a bank reference."""
        answer: Json = {k: copy.deepcopy(v) for k, v in message.items()
                        if k in ("collector_app_id", "receiver_app_id")}
        done: Json = {"type": settlement["type"]}
        if settlement["type"] != "NIL":
            done["id"] = settlement["id"]
            done["orders"] = []
            for index, order in enumerate(orders):
                order = copy.deepcopy(order)
                for party in PARTIES:
                    part = order.get(party)
                    if not isinstance(part, dict):
                        continue
                    if party == "inter_participant":
                        part["settled_amount"] = copy.deepcopy(part.get("amount"))
                    part["status"] = "SETTLED"
                    part["reference_no"] = reference_no(str(settlement["id"]),
                                                        str(order.get("id", index)), party)
                done["orders"].append(order)
        answer["settlement"] = done
        return answer

    # -- /report -----------------------------------------------------------------------------
    def report(self, payload: Json) -> Job:
        context = self._check(payload, "report")
        ref_txn = payload["message"].get("ref_transaction_id")
        ref_msg = payload["message"].get("ref_message_id")
        if not isinstance(ref_txn, str) or not isinstance(ref_msg, str):
            raise Refusal("70002", "message.ref_transaction_id and ref_message_id are required",
                          error_type="JSON-SCHEMA-ERROR", path="$.message")

        def build(timestamp: str) -> Json:
            if not any(txn == ref_txn for txn, _ in self.answers):
                return error_body("70028", "Invalid transaction_id")
            answer = self.answers.get((ref_txn, ref_msg))
            if answer is None:
                return error_body("70029", "Invalid message_id")
            return {"message": copy.deepcopy(answer)}

        async def job() -> None:
            await self.reply(context, "on_report", build)
        return job

    # -- /recon ------------------------------------------------------------------------------
    def recon(self, payload: Json) -> Job:
        context = self._check(payload, "recon")
        orders = payload["message"].get("orders")
        if not isinstance(orders, list) or not orders \
                or not all(isinstance(o, dict) for o in orders):
            raise Refusal("70002", "message.orders must be a non-empty list of orders",
                          error_type="JSON-SCHEMA-ERROR", path="$.message.orders")
        txn = self.seller.book.find(str(context["transaction_id"]))
        unknown = [str(o.get("id")) for o in orders
                   if txn is None or txn.order is None or o.get("id") != txn.order_id]

        def build(timestamp: str) -> Json:
            if unknown or txn is None:
                return error_body("70030", f"Invalid Order id: {', '.join(unknown)}")
            return {"message": {"orders": [self._reconciled(txn, order, timestamp)
                                           for order in orders]}}

        async def job() -> None:
            await self.reply(context, "on_recon", build)
        return job

    def _books(self, txn: Transaction) -> dict[str, Decimal]:
        """What the seller expects for its order: amount, commission and withholding."""
        assert txn.order is not None
        total = order_total(txn.order)
        fee = decimal_or_zero(txn.finder_fee_amount)
        commission = fee if txn.finder_fee_type == "amount" else percent_of(total, fee)
        payment = txn.order.get("payment")
        withholding = decimal_or_zero(payment.get("@ondc/org/withholding_amount")) \
            if isinstance(payment, dict) else Decimal(0)
        return {"amount": total, "commission": commission, "withholding_amount": withholding}

    def _reconciled(self, txn: Transaction, order: Json, timestamp: str) -> Json:
        """One order of the on_recon: accorded with due dates, or the seller's figures."""
        books = self._books(txn)
        answer = copy.deepcopy(order)
        settlements = [s for s in answer.get("settlements", []) if isinstance(s, dict)] \
            if isinstance(answer.get("settlements"), list) else []
        stated = {name: sum((_amount_value(s.get(name)) for s in settlements), Decimal(0))
                  for name in books}
        accord = _amount_value(order.get("amount")) == books["amount"] and all(
            stated[name] == books[name] for name in books) and bool(settlements)
        answer["amount"] = {"currency": "INR", "value": money(books["amount"])}
        answer["recon_accord"] = accord
        open_ones = [s for s in settlements if s.get("status") != "SETTLED"]
        if accord:
            moment = parse_ts(timestamp)
            due = (moment + SETTLEMENT_WINDOW).date().isoformat() if moment else timestamp[:10]
            for settlement in open_ones:
                settlement["due_date"] = due
                settlement["updated_at"] = timestamp
            return answer
        if open_ones:
            target = open_ones[0]
        elif settlements:
            target = settlements[-1]
        else:
            target = {"id": "SETTLEMENT-1", "status": "TO_BE_INITIATED"}
            answer["settlements"] = [target]
        for name in AMOUNT_FIELDS:
            part = target.get(name)
            part = part if isinstance(part, dict) else {"currency": "INR", "value": "0.00"}
            difference = books[name] - stated[name] if name in books else Decimal(0)
            value = _amount_value(part) + difference
            target[name] = {"currency": part.get("currency", "INR"), "value": money(value),
                            "diff_value": money(abs(difference))}
        target["updated_at"] = timestamp
        return answer


def register(seller: ReferenceSeller) -> set[str]:
    """Add the RSF handlers to ``seller``; return the actions that check their own context."""
    handlers = SettlementDesk(seller).handlers()
    seller._handlers.update(handlers)
    return set(handlers)
