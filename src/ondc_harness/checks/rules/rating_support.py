"""Rating and support rules (``RET-RATE-…``, ``RET-SUP-…``): what the buyer app says about an
order it placed, and how the seller app can be reached about it.

The official validators have no checks here (RULES-REFERENCE.md: "It has no checks for rating
or support"), and the 1.2.5 flows have no rating or support step, so these rules are built from
the Retail 1.2 API contract (retail-1.2/openapi/build.yaml):

* ``/rating``: ``message`` is a ``Rating`` — ``rating_category`` (the categories the
  ``/rating_categories`` look-up lists: Order, Provider, Item, Fulfillment, Agent), ``id`` of
  the rated object, ``value`` 1–5 ("1 - Poor … 5 - Excellent"), optional ``feedback_form``
  (``FeedbackFormElement``: id, parent_id, question, answer, answer_type radio / checkbox /
  text) and ``feedback_id``.  Buyer apps in the field send a list under ``message.ratings``;
  both shapes are read.
* ``/on_rating``: ``RatingAck`` — ``rating_ack`` and ``feedback_ack`` booleans; a
  ``feedback_form`` (``Feedback``) may follow for the buyer to fill.
* ``/support``: ``message.ref_id`` (ID of the element for which support is needed: the order,
  or the transaction) and, in the ``Support`` schema, ``type`` (order, billing, fulfillment).
  ``/on_support``: ``phone`` (format phone), ``email`` (format email), ``uri`` (format uri).
  Some participants nest these under ``message.support`` and write ``url``; both are read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, get_dict, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import RETAIL, answered_request, earlier, member, numeric
from ondc_harness.checks.rules._common import order_of as _order_of
from ondc_harness.message import Message

_BUILD = "retail-1.2/openapi/build.yaml"
_R = "RULES-REFERENCE.md"

RATING_CATEGORIES: Final = frozenset({"Order", "Provider", "Item", "Fulfillment", "Agent"})
ANSWER_TYPES: Final = frozenset({"radio", "checkbox", "text"})
SUPPORT_TYPES: Final = frozenset({"order", "billing", "fulfillment"})

_EMAIL: Final = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_HTTP: Final = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$")
_MOBILE: Final = re.compile(r"^(?:\+91|0)?[6-9]\d{9}$")
_LANDLINE: Final = re.compile(r"^0\d{10}$")
_TOLL_FREE: Final = re.compile(r"^18[06]0\d{6,7}$")


# --- rating -------------------------------------------------------------------------------------

def ratings(payload: Any) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """(path parts, rating) for ``message`` itself (build.yaml) or each of ``message.ratings``."""
    message = get(payload, "message")
    if not isinstance(message, dict):
        return []
    if isinstance(message.get("ratings"), list):
        return [(("message", "ratings", i), r) for i, r in items_of(message, "ratings")]
    if any(k in message for k in ("rating_category", "value", "id")):
        return [(("message",), message)]
    return []


def _confirmed_order(ctx: CheckContext) -> dict[str, Any] | None:
    for message in reversed(earlier(ctx)):
        if message.action in ("on_confirm", "on_status", "on_update", "on_cancel") and \
                _order_of(message.payload):
            return _order_of(message.payload)
    return None


def _ids(order: dict[str, Any], key: str) -> set[str]:
    return {e["id"] for _, e in items_of(order, key) if isinstance(e.get("id"), str)}


def rated_ids(order: dict[str, Any]) -> dict[str, set[str]]:
    """What each rating category may name in this order."""
    fulfillments = _ids(order, "fulfillments")
    provider = get(order, "provider", "id")
    return {
        "Order": {order["id"]} if isinstance(order.get("id"), str) else set(),
        "Provider": {provider} if isinstance(provider, str) else set(),
        "Item": _ids(order, "items"),
        "Fulfillment": fulfillments,
        "Agent": fulfillments,
    }


@rule("RET-RATE-001", "Each rating carries rating_category, id and value", Severity.MAJOR,
      spec=f"{_BUILD} Rating (rating_category, id, value); /rating", actions=["rating"],
      domains=RETAIL)
def rating_complete(ctx: CheckContext) -> Iterator[Violation]:
    """A rating without its object or its value rates nothing."""
    for parts, entry in ratings(ctx.payload):
        for key in ("rating_category", "id", "value"):
            if entry.get(key) in (None, "", MISSING):
                yield Violation(json_path(*parts, key), f"rating has no {key}", expected=key,
                                actual=entry.get(key))


@rule("RET-RATE-002", "rating_category is Order, Provider, Item, Fulfillment or Agent",
      Severity.MAJOR, spec=f"{_BUILD} /rating_categories (Rating.rating_category)",
      actions=["rating"], domains=RETAIL)
def rating_category(ctx: CheckContext) -> Iterator[Violation]:
    """The seller files the rating by its category; an unknown one is dropped."""
    for parts, entry in ratings(ctx.payload):
        value = entry.get("rating_category")
        if value not in (None, "") and not member(value, RATING_CATEGORIES):
            yield Violation(json_path(*parts, "rating_category"), "unknown rating category",
                            expected=sorted(RATING_CATEGORIES), actual=value)


@rule("RET-RATE-003", "A rating value is a whole number from 1 to 5", Severity.MAJOR,
      spec=f"{_BUILD} Rating.value (minimum 1, maximum 5; 1 - Poor … 5 - Excellent)",
      actions=["rating"], domains=RETAIL)
def rating_value(ctx: CheckContext) -> Iterator[Violation]:
    """The five grades are named; 4.5 or "5 stars" is none of them."""
    for parts, entry in ratings(ctx.payload):
        raw = entry.get("value")
        if raw in (None, ""):
            continue
        value = numeric(raw)
        if value is None or value != value.to_integral_value() or not 1 <= value <= 5:
            yield Violation(json_path(*parts, "value"), "rating value is not 1, 2, 3, 4 or 5",
                            expected="1–5", actual=raw)


@rule("RET-RATE-004", "A rating's id names the order, provider, item or fulfillment of its "
      "category in this order", Severity.MAJOR,
      spec=f"{_BUILD} Rating.id (id of the object being rated)", actions=["rating"],
      domains=RETAIL)
def rated_object_known(ctx: CheckContext) -> Iterator[Violation]:
    """An Item rating for an item never ordered cannot be attached to anything."""
    order = _confirmed_order(ctx)
    if order is None:
        return
    allowed = rated_ids(order)
    for parts, entry in ratings(ctx.payload):
        category, value = entry.get("rating_category"), entry.get("id")
        if not member(category, RATING_CATEGORIES) or not isinstance(value, str) or not value:
            continue
        known = allowed[str(category)]
        if known and value not in known:
            yield Violation(json_path(*parts, "id"), f"{category} {value!r} is not part of "
                            "this order", expected=sorted(known), actual=value)


@rule("RET-RATE-005", "Each (rating_category, id) is rated once per message", Severity.MINOR,
      spec=f"{_BUILD} /rating (Buyer rates for one or more rating categories)",
      actions=["rating"], domains=RETAIL)
def rating_unique(ctx: CheckContext) -> Iterator[Violation]:
    """Two values for one object in one message: which one counts?"""
    seen: Counter[tuple[str, str]] = Counter()
    for parts, entry in ratings(ctx.payload):
        key = (str(entry.get("rating_category")), str(entry.get("id")))
        if seen[key]:
            yield Violation(json_path(*parts), f"{key[0]} {key[1]!r} is rated twice",
                            expected="one rating per object", actual=entry.get("value"))
        seen[key] += 1


def _forms(ctx: CheckContext) -> Iterator[tuple[tuple[str | int, ...], list[Any]]]:
    """Every feedback_form of the message: in each rating, or in on_rating's message."""
    if ctx.action == "rating":
        for parts, entry in ratings(ctx.payload):
            if isinstance(entry.get("feedback_form"), list):
                yield (*parts, "feedback_form"), entry["feedback_form"]
    else:
        message = get_dict(ctx.payload, "message")
        for key in ("feedback_form",):
            if isinstance(message.get(key), list):
                yield ("message", key), message[key]
        form = get(message, "feedback", "feedback_form")
        if isinstance(form, list):
            yield ("message", "feedback", "feedback_form"), form


@rule("RET-RATE-006", "Feedback form elements are objects with an id and, where given, an "
      "answer_type of radio, checkbox or text", Severity.MAJOR,
      spec=f"{_BUILD} FeedbackForm / FeedbackFormElement (id, answer_type enum)",
      actions=["rating", "on_rating"], domains=RETAIL)
def form_elements(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app renders the form from these elements."""
    for parts, form in _forms(ctx):
        for index, element in enumerate(form):
            if not isinstance(element, dict) or not (isinstance(element.get("id"), str)
                                                     and element["id"].strip()):
                yield Violation(json_path(*parts, index), "feedback form element without an "
                                "id", expected="{id, question | answer, ...}", actual=element)
                continue
            kind = element.get("answer_type", MISSING)
            if kind is not MISSING and not member(kind, ANSWER_TYPES):
                yield Violation(json_path(*parts, index, "answer_type"),
                                "unknown answer_type", expected=sorted(ANSWER_TYPES),
                                actual=kind)


@rule("RET-RATE-007", "Feedback form element ids are unique and every parent_id names an "
      "element of the same form", Severity.MAJOR,
      spec=f"{_BUILD} FeedbackFormElement.parent_id ($ref FeedbackFormElement.id)",
      actions=["rating", "on_rating"], domains=RETAIL)
def form_links(ctx: CheckContext) -> Iterator[Violation]:
    """An answer hangs under its question by parent_id; a dangling one answers nothing."""
    for parts, form in _forms(ctx):
        ids: Counter[str] = Counter(e["id"] for e in form if isinstance(e, dict)
                                    and isinstance(e.get("id"), str))
        seen: set[str] = set()
        for index, element in enumerate(form):
            if not isinstance(element, dict):
                continue
            eid = element.get("id")
            if isinstance(eid, str) and ids[eid] > 1 and eid in seen:
                yield Violation(json_path(*parts, index, "id"), f"element id {eid!r} is used "
                                "twice", expected="unique ids", actual=eid)
            if isinstance(eid, str):
                seen.add(eid)
            parent = element.get("parent_id", MISSING)
            if parent is not MISSING and not (isinstance(parent, str) and parent in ids):
                yield Violation(json_path(*parts, index, "parent_id"), f"parent_id {parent!r} "
                                "is not an element of the form", expected=sorted(ids),
                                actual=parent)


@rule("RET-RATE-008", "A feedback form element is either a question or an answer, not both",
      Severity.MINOR, spec=f"{_BUILD} FeedbackFormElement (question: the question; answer: an "
      "answer option to the question in parent_id)", actions=["rating", "on_rating"],
      domains=RETAIL)
def form_question_or_answer(ctx: CheckContext) -> Iterator[Violation]:
    """An element with both cannot be placed in the form's tree."""
    for parts, form in _forms(ctx):
        for index, element in enumerate(form):
            if not isinstance(element, dict):
                continue
            has_q = isinstance(element.get("question"), str) and bool(element["question"])
            has_a = isinstance(element.get("answer"), str) and bool(element["answer"])
            if has_q == has_a:
                yield Violation(json_path(*parts, index), "element is "
                                + ("both a question and an answer" if has_q
                                   else "neither a question nor an answer"),
                                expected="question xor answer", actual=sorted(element))


@rule("RET-RATE-009", "on_rating's rating_ack is a boolean", Severity.MAJOR,
      spec=f"{_BUILD} RatingAck.rating_ack (boolean: if rating has been recorded or not)",
      actions=["on_rating"], domains=RETAIL)
def rating_ack(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app shows "thank you" or retries on this value; "yes" is neither."""
    message = get(ctx.payload, "message")
    if not isinstance(message, dict) or "error" in get_dict(ctx.payload):
        return
    value = message.get("rating_ack", MISSING)
    if not isinstance(value, bool):
        yield Violation(json_path("message", "rating_ack"),
                        "on_rating has no boolean rating_ack", expected="true or false",
                        actual=None if value is MISSING else value)


@rule("RET-RATE-010", "on_rating's feedback_ack, where present, is a boolean", Severity.MINOR,
      spec=f"{_BUILD} RatingAck.feedback_ack (boolean)", actions=["on_rating"], domains=RETAIL)
def feedback_ack_type(ctx: CheckContext) -> Iterator[Violation]:
    """Whether the feedback was recorded, as a boolean."""
    message = get_dict(ctx.payload, "message")
    if "feedback_ack" in message and not isinstance(message["feedback_ack"], bool):
        yield Violation(json_path("message", "feedback_ack"), "feedback_ack is not a boolean",
                        expected="true or false", actual=message["feedback_ack"])


def _rating_request(ctx: CheckContext) -> Message | None:
    return answered_request(ctx)


@rule("RET-RATE-011", "on_rating acknowledges feedback (feedback_ack true) only if the rating "
      "carried some (feedback_form or feedback_id)", Severity.MINOR,
      spec=f"{_BUILD} RatingAck.feedback_ack (if feedback has been recorded or not)",
      actions=["on_rating"], domains=RETAIL)
def feedback_ack_truthful(ctx: CheckContext) -> Iterator[Violation]:
    """Recording feedback that was never sent is a canned answer, not an acknowledgement."""
    if get(ctx.payload, "message", "feedback_ack") is not True:
        return
    request = _rating_request(ctx)
    if request is None:
        return
    sent = any(entry.get("feedback_form") or entry.get("feedback_id")
               for _, entry in ratings(request.payload))
    if not sent:
        yield Violation(json_path("message", "feedback_ack"), "feedback acknowledged, but the "
                        "rating carried no feedback", expected=False, actual=True)


# --- support ------------------------------------------------------------------------------------

def _support_body(payload: Any) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Where the support fields are: ``message`` or ``message.support``."""
    nested = get(payload, "message", "support")
    if isinstance(nested, dict):
        return ("message", "support"), nested
    return ("message",), get_dict(payload, "message")


@rule("RET-SUP-001", "support carries a ref_id", Severity.MAJOR,
      spec=f"{_BUILD} /support (ref_id: ID of the element for which support is needed)",
      actions=["support"], domains=RETAIL)
def support_ref_present(ctx: CheckContext) -> Iterator[Violation]:
    """The seller cannot look anything up without it."""
    if not isinstance(get(ctx.payload, "message"), dict):
        return
    parts, body = _support_body(ctx.payload)
    value = body.get("ref_id")
    if not (isinstance(value, str) and value.strip()):
        yield Violation(json_path(*parts, "ref_id"), "support has no ref_id",
                        expected="the order id or transaction id",
                        actual=None if value is None else value)


@rule("RET-SUP-002", "support's ref_id is the order id, the transaction id or a fulfillment of "
      "the order", Severity.MAJOR,
      spec=f"{_BUILD} /support ref_id; Support.type (order, billing, fulfillment)",
      actions=["support"], domains=RETAIL)
def support_ref_known(ctx: CheckContext) -> Iterator[Violation]:
    """Support for a reference the seller never issued reaches no one."""
    parts, body = _support_body(ctx.payload)
    value = body.get("ref_id")
    order = _confirmed_order(ctx)
    if order is None or not isinstance(value, str) or not value.strip():
        return
    known = {ctx.message.transaction_id} - {""}
    if isinstance(order.get("id"), str):
        known.add(order["id"])
    known |= _ids(order, "fulfillments")
    if value not in known:
        yield Violation(json_path(*parts, "ref_id"), f"ref_id {value!r} is neither the order, "
                        "the transaction nor a fulfillment of it", expected=sorted(known),
                        actual=value)


@rule("RET-SUP-003", "support's type (ref_type) is order, billing or fulfillment",
      Severity.MINOR, spec=f"{_BUILD} Support.type (enum order, billing, fulfillment)",
      actions=["support"], domains=RETAIL)
def support_type(ctx: CheckContext) -> Iterator[Violation]:
    """What kind of help is asked for decides who at the seller answers."""
    parts, body = _support_body(ctx.payload)
    for key in ("type", "ref_type"):
        if key in body and not member(body[key], SUPPORT_TYPES):
            yield Violation(json_path(*parts, key), f"unknown support {key}",
                            expected=sorted(SUPPORT_TYPES), actual=body[key])


def _contact(ctx: CheckContext) -> tuple[tuple[str, ...], dict[str, Any]]:
    return _support_body(ctx.payload)


@rule("RET-SUP-004", "on_support gives at least one contact channel (phone, email or uri)",
      Severity.MAJOR, spec=f"{_BUILD} /on_support (phone, email, uri)",
      actions=["on_support"], domains=RETAIL)
def support_has_channel(ctx: CheckContext) -> Iterator[Violation]:
    """An answer with no way to reach anyone is no support."""
    if not isinstance(get(ctx.payload, "message"), dict) or "error" in get_dict(ctx.payload):
        return
    parts, body = _contact(ctx)
    if not any(isinstance(body.get(k), str) and body[k].strip()
               for k in ("phone", "email", "uri", "url")):
        yield Violation(json_path(*parts), "on_support has no phone, email or uri",
                        expected="phone, email or uri", actual=sorted(body))


def _phone_ok(value: str) -> bool:
    digits = re.sub(r"[\s()-]", "", value)
    return bool(_MOBILE.match(digits) or _LANDLINE.match(digits) or _TOLL_FREE.match(digits))


@rule("RET-SUP-005", "on_support phone is an Indian number (10-digit mobile with optional +91 "
      "or 0, 0-prefixed landline, or 1800/1860 toll-free)", Severity.MAJOR,
      spec=f"{_BUILD} /on_support phone (format phone); {_R} (Retail is India-only: country "
      "IND)", actions=["on_support"], domains=RETAIL)
def support_phone(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer dials this number."""
    parts, body = _contact(ctx)
    value = body.get("phone", MISSING)
    if value is not MISSING and not (isinstance(value, str) and _phone_ok(value)):
        yield Violation(json_path(*parts, "phone"), "not a dialable Indian phone number",
                        expected="e.g. 9886098860, +919886098860, 18001234567", actual=value)


@rule("RET-SUP-006", "on_support email is an email address", Severity.MAJOR,
      spec=f"{_BUILD} /on_support email (format email)", actions=["on_support"], domains=RETAIL)
def support_email(ctx: CheckContext) -> Iterator[Violation]:
    """Mail to a malformed address bounces."""
    parts, body = _contact(ctx)
    value = body.get("email", MISSING)
    if value is not MISSING and not (isinstance(value, str) and _EMAIL.match(value.strip())):
        yield Violation(json_path(*parts, "email"), "not an email address",
                        expected="e.g. care@seller.example", actual=value)


@rule("RET-SUP-007", "on_support uri is an http(s) URL with a host, or a tel:/mailto: URI with "
      "a valid number or address", Severity.MAJOR,
      spec=f"{_BUILD} /on_support uri (format uri)", actions=["on_support"], domains=RETAIL)
def support_uri(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app opens this link (a web page, a call, a mail)."""
    parts, body = _contact(ctx)
    for key in ("uri", "url"):
        value = body.get(key, MISSING)
        if value is MISSING:
            continue
        ok = False
        if isinstance(value, str):
            text = value.strip()
            if text.lower().startswith("tel:"):
                ok = _phone_ok(text[4:])
            elif text.lower().startswith("mailto:"):
                ok = _EMAIL.match(text[7:].split("?")[0]) is not None
            else:
                ok = _HTTP.match(text) is not None
        if not ok:
            yield Violation(json_path(*parts, key), f"{key} is not a usable link",
                            expected="https://…, tel:<number> or mailto:<address>",
                            actual=value)
