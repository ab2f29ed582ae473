"""RSF rules (``RSF-…``): settlement instructions, their outcome, reconciliation and reports.

Sources: RULES-REFERENCE.md ("RSF: settle/on_settle ids match; recon amounts sum to the order
amount; diff values consistent; due dates when the recon is accorded"), rsf-2.0.0/build/
build.yaml (schemas, ``x-enum``), rsf-2.0.0/components/enum (settlement types, party and
settlement statuses), components/error_codes (70000–70030) and the RSF examples and flows.

A callback that refuses (``error``, and no settlement or orders) is checked only by
RSF-ERR-001; the other rules have nothing to compare.  Amounts are ``Decimal`` through
:func:`access.decimal_of` with a ₹0.01 tolerance where amounts are added; rules never raise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any, Final

from ondc_harness.checks.access import decimal_of, get, get_dict, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import answered_request, earlier, parse_timestamp
from ondc_harness.message import Message

_R = "RULES-REFERENCE.md RSF"
_B = "rsf-2.0.0/build/build.yaml"
_E = "rsf-2.0.0/components/enum/index.yaml"
_ERR = "rsf-2.0.0/components/error_codes/index.yaml"

SETTLEMENT_TYPES: Final = frozenset({"NP-NP", "MISC", "NIL"})
PARTY_STATUSES: Final = frozenset({"SETTLED", "NOT_SETTLED"})
SETTLEMENT_STATUSES: Final = frozenset({"SETTLED", "PENDING", "TO_BE_INITIATED"})
PARTIES: Final = ("inter_participant", "provider", "self")
RECON_AMOUNTS: Final = ("amount", "commission", "withholding_amount", "tcs", "tds")
#: RSF error codes (components/error_codes): 70000–70030.
ERROR_CODES: Final = frozenset(str(code) for code in range(70000, 70031))
TOLERANCE: Final = Decimal("0.01")
_HUGE: Final = Decimal("1e15")
_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _amount(value: Any) -> Decimal | None:
    number = decimal_of(value)
    return number if number is not None and abs(number) < _HUGE else None


def _is(value: Any, allowed: frozenset[str]) -> bool:
    """``value in allowed`` for untrusted values (a list or object is never a member)."""
    return isinstance(value, str) and value in allowed


def _refused(message: Message) -> bool:
    """A callback that carries an error and none of the business answer."""
    return isinstance(get(message.payload, "error"), dict) and not any(
        key in message.body for key in ("settlement", "orders"))


def _settlement(message: Message) -> dict[str, Any]:
    return get_dict(message.payload, "message", "settlement")


def _path(*parts: str | int) -> str:
    return json_path("message", *parts)


def _request(ctx: CheckContext) -> Message | None:
    """The request a callback answers: by message_id, else the latest one of its pair."""
    found = answered_request(ctx)
    if found is not None:
        return found
    wanted = ctx.message.action[3:]
    return next((m for m in reversed(earlier(ctx)) if m.action == wanted), None)


# -- settle ----------------------------------------------------------------------------------------
@rule("RSF-TYPE-001", "settlement.type is NP-NP, MISC or NIL", Severity.CRITICAL,
      spec=f"{_E} settle/on_settle/on_report settlement.type", actions=["settle", "on_settle",
                                                                        "on_report"])
def settlement_type(ctx: CheckContext) -> Iterator[Violation]:
    """The settlement agency routes money by type; an unknown type is not processed."""
    if _refused(ctx.message):
        return
    settlement = _settlement(ctx.message)
    kind = settlement.get("type")
    if not _is(kind, SETTLEMENT_TYPES):
        yield Violation(_path("settlement", "type"), f"settlement type {kind!r} is unknown",
                        expected=sorted(SETTLEMENT_TYPES), actual=kind)


@rule("RSF-TYPE-002", "A MISC instruction moves only the NP's own account: its orders carry "
      "self, never inter_participant", Severity.MAJOR,
      spec="rsf-2.0.0/components/flows/MISC (\"miscellaneous or self settlements\": from the "
      f"NP's non operating account to its operating account and its provider's); {_E} (NP-NP "
      "is the inter-participant type); rsf-2.0.0 examples settle/on_settle misc",
      actions=["settle", "on_settle", "on_report"])
def misc_parties(ctx: CheckContext) -> Iterator[Violation]:
    """An inter-participant leg in a MISC settlement is money the counterparty never owed."""
    if _refused(ctx.message):
        return
    settlement = _settlement(ctx.message)
    if settlement.get("type") != "MISC":
        return
    for i, order in items_of(settlement, "orders"):
        if "inter_participant" in order:
            yield Violation(_path("settlement", "orders", i, "inter_participant"),
                            "a MISC order carries an inter-participant part; only NP-NP "
                            "settlements move money between participants",
                            expected="self (and provider) only",
                            actual=order.get("inter_participant"))


@rule("RSF-SETTLE-001", "on_settle answers its settle: same settlement type and id, the same "
      "orders and the same collector and receiver apps", Severity.CRITICAL,
      spec=f"{_R} (settle/on_settle ids match); {_B} /on_settle", actions=["on_settle"])
def settle_ids_match(ctx: CheckContext) -> Iterator[Violation]:
    """The collector matches the outcome to its instruction by these ids."""
    request = _request(ctx)
    if request is None or _refused(ctx.message):
        return
    sent, got = _settlement(request), _settlement(ctx.message)
    for key in ("type", "id"):
        if sent.get(key) != got.get(key):
            yield Violation(_path("settlement", key), f"settlement {key} differs from the "
                            "settle's", expected=sent.get(key), actual=got.get(key))
    for key in ("collector_app_id", "receiver_app_id"):
        if key in request.body and request.body.get(key) != ctx.message.body.get(key):
            yield Violation(_path(key), f"{key} differs from the settle's",
                            expected=request.body.get(key), actual=ctx.message.body.get(key))
    wanted = [o.get("id") for _, o in items_of(sent, "orders")]
    answered = [o.get("id") for _, o in items_of(got, "orders")]
    if sorted(map(str, wanted)) != sorted(map(str, answered)):
        yield Violation(_path("settlement", "orders"), "the orders differ from the settle's",
                        expected=wanted, actual=answered)


def _parties(settlement: dict[str, Any]) -> Iterator[tuple[int, str, dict[str, Any]]]:
    for i, order in items_of(settlement, "orders"):
        for party in PARTIES:
            part = order.get(party)
            if isinstance(part, dict):
                yield i, party, part


@rule("RSF-SETTLE-002", "Each party of on_settle/on_report has status SETTLED or NOT_SETTLED, "
      "a reference number when SETTLED, and settled_amount ≤ amount", Severity.MAJOR,
      spec=f"{_E} on_settle orders.*.status; {_B} Orders (reference_no, settled_amount)",
      actions=["on_settle", "on_report"])
def party_outcome(ctx: CheckContext) -> Iterator[Violation]:
    """The reference number is how the parties trace the money in their bank statements."""
    if _refused(ctx.message):
        return
    settlement = _settlement(ctx.message)
    if settlement.get("type") == "NIL":
        return
    for i, party, part in _parties(settlement):
        where = ("settlement", "orders", i, party)
        status = part.get("status")
        if not _is(status, PARTY_STATUSES):
            yield Violation(_path(*where, "status"), f"{party} status {status!r} is unknown",
                            expected=sorted(PARTY_STATUSES), actual=status)
        elif status == "SETTLED" and not part.get("reference_no"):
            yield Violation(_path(*where, "reference_no"), f"{party} is SETTLED without a "
                            "reference number", expected="reference_no",
                            actual=part.get("reference_no"))
        settled = _amount(get(part, "settled_amount", "value"))
        amount = _amount(get(part, "amount", "value"))
        if settled is not None and amount is not None and settled > amount + TOLERANCE:
            yield Violation(_path(*where, "settled_amount", "value"), "more was settled than "
                            "instructed", expected=f"at most {amount}", actual=str(settled))


@rule("RSF-SETTLE-003", "A settlement has the shape of its type (NP-NP: collector and receiver "
      "apps, an id and orders with ids and inter_participant; MISC: an id and orders with "
      "self; NIL: no orders)", Severity.MAJOR,
      spec=f"{_B} Settlement, Orders; rsf-2.0.0 examples settle np-np/misc/nil",
      actions=["settle", "on_settle", "on_report"])
def settlement_shape(ctx: CheckContext) -> Iterator[Violation]:
    """A settlement agency cannot pay an NP-NP instruction that does not say whom."""
    if _refused(ctx.message):
        return
    settlement, body = _settlement(ctx.message), ctx.message.body
    kind = settlement.get("type")
    orders = list(items_of(settlement, "orders"))
    if kind == "NIL":
        if orders:
            yield Violation(_path("settlement", "orders"), "a NIL settlement lists orders",
                            expected="no orders", actual=len(orders))
        return
    if kind not in ("NP-NP", "MISC"):
        return
    if not isinstance(settlement.get("id"), str) or not settlement["id"]:
        yield Violation(_path("settlement", "id"), f"a {kind} settlement has no id",
                        expected="a settlement id", actual=settlement.get("id"))
    if not orders:
        yield Violation(_path("settlement", "orders"), f"a {kind} settlement lists no orders",
                        expected="at least one order", actual=settlement.get("orders"))
    if kind == "MISC":
        for i, order in orders:
            if not isinstance(order.get("self"), dict):
                yield Violation(_path("settlement", "orders", i, "self"),
                                "a MISC order says nothing about the NP's own account",
                                expected="self.amount", actual=None)
        return
    for key in ("collector_app_id", "receiver_app_id"):
        if not isinstance(body.get(key), str) or not body[key]:
            yield Violation(_path(key), f"an NP-NP settlement needs {key}",
                            expected="a subscriber id", actual=body.get(key))
    for i, order in orders:
        if not isinstance(order.get("id"), str) or not order["id"]:
            yield Violation(_path("settlement", "orders", i, "id"), "an NP-NP order has no id",
                            expected="the order id", actual=order.get("id"))
        if _amount(get(order, "inter_participant", "amount", "value")) is None:
            yield Violation(_path("settlement", "orders", i, "inter_participant", "amount",
                                  "value"), "an NP-NP order has no inter-participant amount",
                            expected="a decimal amount",
                            actual=get(order, "inter_participant", "amount", "value"))


# -- recon -----------------------------------------------------------------------------------------
@rule("RSF-RECON-001", "An order's amount equals the sum of its settlement amounts "
      "(tolerance ₹0.01)", Severity.CRITICAL,
      spec=f"{_R} (recon amounts sum to the order amount); rsf-2.0.0 examples recon/on_recon",
      actions=["recon", "on_recon"])
def recon_sum(ctx: CheckContext) -> Iterator[Violation]:
    """Part payments that do not add up to the order leave money unaccounted for."""
    for i, order in items_of(ctx.message.payload, "message", "orders"):
        settlements = list(items_of(order, "settlements"))
        if not settlements:
            continue
        total = _amount(get(order, "amount", "value"))
        if total is None:
            yield Violation(_path("orders", i, "amount", "value"), "the order amount is not a "
                            "number", expected="a decimal amount",
                            actual=get(order, "amount", "value"))
            continue
        parts: list[Decimal] = []
        for j, settlement in settlements:
            value = _amount(get(settlement, "amount", "value"))
            if value is None:
                yield Violation(_path("orders", i, "settlements", j, "amount", "value"),
                                "a settlement amount is not a number",
                                expected="a decimal amount",
                                actual=get(settlement, "amount", "value"))
            else:
                parts.append(value)
        if len(parts) == len(settlements) and abs(sum(parts, Decimal(0)) - total) > TOLERANCE:
            yield Violation(_path("orders", i, "amount", "value"),
                            f"settlement amounts sum to {sum(parts, Decimal(0))}, not the order "
                            f"amount {total}", expected=str(sum(parts, Decimal(0))),
                            actual=get(order, "amount", "value"))


def _recon_orders(message: Message) -> dict[str, dict[str, Any]]:
    return {str(o.get("id")): o for _, o in items_of(message.payload, "message", "orders")}


@rule("RSF-RECON-002", "on_recon diff values are consistent: diff_value = |on_recon value − "
      "recon value|, recon_accord false exactly when there is a difference", Severity.MAJOR,
      spec=f"{_R} (diff values consistent); rsf-2.0.0 examples on_recon", actions=["on_recon"])
def diff_values(ctx: CheckContext) -> Iterator[Violation]:
    """The collector corrects its books by diff_value; a wrong one repeats the mismatch."""
    request = _request(ctx)
    if request is None or _refused(ctx.message):
        return
    sent = _recon_orders(request)
    for i, order in items_of(ctx.message.payload, "message", "orders"):
        theirs = sent.get(str(order.get("id")))
        if theirs is None:
            continue
        differs = _amount(get(order, "amount", "value")) != _amount(get(theirs, "amount",
                                                                        "value"))
        stated = {str(s.get("id")): s for _, s in items_of(theirs, "settlements")}
        for j, settlement in items_of(order, "settlements"):
            before = stated.get(str(settlement.get("id")), {})
            for name in RECON_AMOUNTS:
                part = settlement.get(name)
                if not isinstance(part, dict):
                    continue
                value, old = _amount(part.get("value")), _amount(get(before, name, "value"))
                if value is None or old is None:
                    continue
                delta = abs(value - old)
                differs = differs or delta > TOLERANCE
                if "diff_value" in part:
                    diff = _amount(part.get("diff_value"))
                    if diff is None or abs(diff - delta) > TOLERANCE:
                        yield Violation(_path("orders", i, "settlements", j, name, "diff_value"),
                                        f"diff_value is not |{value} − {old}|",
                                        expected=f"{delta:.2f}", actual=part.get("diff_value"))
        accord = order.get("recon_accord")
        if accord is True and differs:
            yield Violation(_path("orders", i, "recon_accord"), "recon_accord is true but the "
                            "figures differ from the recon's", expected=False, actual=True)
        elif accord is False and not differs:
            yield Violation(_path("orders", i, "recon_accord"), "recon_accord is false but "
                            "no figure differs from the recon's", expected=True, actual=False)


@rule("RSF-RECON-003", "When recon_accord is true, every settlement not yet SETTLED has a "
      "due_date (YYYY-MM-DD) not before the on_recon", Severity.MAJOR,
      spec=f"{_R} (due dates when the recon is accorded); rsf-2.0.0 on_recon_accord_true",
      actions=["on_recon"])
def due_dates(ctx: CheckContext) -> Iterator[Violation]:
    """Agreeing without a date commits to nothing; the collector cannot plan the payment."""
    sent = parse_timestamp(ctx.message.timestamp)
    for i, order in items_of(ctx.message.payload, "message", "orders"):
        if order.get("recon_accord") is not True:
            continue
        for j, settlement in items_of(order, "settlements"):
            if settlement.get("status") == "SETTLED":
                continue
            due = settlement.get("due_date")
            path = _path("orders", i, "settlements", j, "due_date")
            if not isinstance(due, str) or not _DATE.match(due):
                yield Violation(path, "an accorded, unsettled settlement has no due date",
                                expected="YYYY-MM-DD", actual=due)
                continue
            try:
                day = date.fromisoformat(due)
            except ValueError:
                yield Violation(path, "due_date is not a calendar date", expected="YYYY-MM-DD",
                                actual=due)
                continue
            if sent is not None and day < sent.date():
                yield Violation(path, "due_date is before the on_recon itself",
                                expected=f"on or after {sent.date().isoformat()}", actual=due)


@rule("RSF-RECON-004", "on_recon answers every order of its recon with a boolean "
      "recon_accord and the same settlement ids", Severity.CRITICAL,
      spec=f"{_B} /on_recon; rsf-2.0.0 examples recon/on_recon", actions=["on_recon"])
def recon_answered(ctx: CheckContext) -> Iterator[Violation]:
    """An order left out of on_recon stays unreconciled and unsettled."""
    request = _request(ctx)
    if _refused(ctx.message):
        return
    answered = _recon_orders(ctx.message)
    for i, order in items_of(ctx.message.payload, "message", "orders"):
        if not isinstance(order.get("recon_accord"), bool):
            yield Violation(_path("orders", i, "recon_accord"), "recon_accord is not a boolean",
                            expected="true or false", actual=order.get("recon_accord"))
    if request is None:
        return
    for order_id, order in _recon_orders(request).items():
        mine = answered.get(order_id)
        if mine is None:
            yield Violation(_path("orders"), f"order {order_id} of the recon is not answered",
                            expected=order_id, actual=sorted(answered))
            continue
        wanted = sorted(str(s.get("id")) for _, s in items_of(order, "settlements"))
        got = sorted(str(s.get("id")) for _, s in items_of(mine, "settlements"))
        if wanted != got:
            yield Violation(_path("orders"), f"order {order_id}: settlement ids differ from the "
                            "recon's", expected=wanted, actual=got)


@rule("RSF-RECON-005", "Settlement status is SETTLED, PENDING or TO_BE_INITIATED; SETTLED "
      "carries settlement_ref_no", Severity.MAJOR,
      spec=f"{_E} recon/on_recon orders.settlements.status", actions=["recon", "on_recon"])
def settlement_status(ctx: CheckContext) -> Iterator[Violation]:
    """The status tells whether money has moved; SETTLED without a reference cannot be traced."""
    for i, order in items_of(ctx.message.payload, "message", "orders"):
        for j, settlement in items_of(order, "settlements"):
            status = settlement.get("status")
            path = _path("orders", i, "settlements", j)
            if not _is(status, SETTLEMENT_STATUSES):
                yield Violation(path + ".status", f"settlement status {status!r} is unknown",
                                expected=sorted(SETTLEMENT_STATUSES), actual=status)
            elif status == "SETTLED" and not settlement.get("settlement_ref_no"):
                yield Violation(path + ".settlement_ref_no", "SETTLED without a settlement "
                                "reference number", expected="settlement_ref_no",
                                actual=settlement.get("settlement_ref_no"))


# -- report ----------------------------------------------------------------------------------------
@rule("RSF-REPORT-001", "on_report reports the settlement its report names (the same "
      "settlement type, id and orders as that settle)", Severity.CRITICAL,
      spec=f"{_B} /report (ref_transaction_id, ref_message_id), /on_report",
      actions=["on_report"])
def report_matches(ctx: CheckContext) -> Iterator[Violation]:
    """A report about another settlement hides what happened to the one asked about."""
    request = _request(ctx)
    if request is None or _refused(ctx.message):
        return
    ref_txn = get(request.payload, "message", "ref_transaction_id")
    ref_msg = get(request.payload, "message", "ref_message_id")
    settle = next((m for m in earlier(ctx) if m.action == "settle"
                   and m.message_id == ref_msg and m.transaction_id == ref_txn), None)
    if settle is None:
        return
    sent, got = _settlement(settle), _settlement(ctx.message)
    for key in ("type", "id"):
        if sent.get(key) != got.get(key):
            yield Violation(_path("settlement", key), f"settlement {key} differs from the "
                            "reported settle's", expected=sent.get(key), actual=got.get(key))
    wanted = sorted(str(o.get("id")) for _, o in items_of(sent, "orders"))
    reported = sorted(str(o.get("id")) for _, o in items_of(got, "orders"))
    if wanted != reported:
        yield Violation(_path("settlement", "orders"), "the orders differ from the reported "
                        "settle's", expected=wanted, actual=reported)


# -- errors ----------------------------------------------------------------------------------------
@rule("RSF-ERR-001", "An RSF callback that refuses carries an RSF error code (70000–70030) and "
      "a message", Severity.MAJOR, spec=f"{_ERR}; {_B} Error",
      actions=["on_settle", "on_recon", "on_report"])
def error_code(ctx: CheckContext) -> Iterator[Violation]:
    """The code is what the sender acts on (fix the ids, resend, raise an IGM)."""
    error = get(ctx.message.payload, "error")
    if not isinstance(error, dict):
        return
    code = str(error.get("code")) if error.get("code") is not None else None
    if code not in ERROR_CODES:
        yield Violation(json_path("error", "code"), f"error code {code!r} is not an RSF code",
                        expected="70000–70030", actual=error.get("code"))
    if not isinstance(error.get("message"), str) or not error["message"]:
        yield Violation(json_path("error", "message"), "the error does not say what is wrong",
                        expected="a message", actual=error.get("message"))
