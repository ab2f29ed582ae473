"""IGM rules (``IGM-…``): complaints, their status trail, resolutions and escalations.

Sources: RULES-REFERENCE.md ("IGM: issue category/sub-category enums; complainant/respondent
actors; status sequence OPEN → PROCESSING → RESOLVED/CLOSED; created_at/updated_at ordering;
transaction and order refer to real orders"), igm-1.0.0/build/build.yaml and igm-2.0.0/
build/build.yaml (schemas and ``x-enum``), igm-2.0.0/components/enums/index.yaml and the IGM
examples and flows.

The two versions have different shapes and are told apart by the payload, not the version
string (real logs carry IGM 2.0 with ``core_version`` 2.0.0, ``version`` 2.0.0 or a Retail
version):

* IGM 1.0: ``category``/``sub_category``, ``complainant_info``, ``issue_actions`` with
  ``complainant_actions`` and ``respondent_actions``, ``resolution_provider``, ``resolution``.
* IGM 2.0: ``descriptor.code``, ``actors`` with ids, ``actions`` (one trail both sides append
  to), ``resolutions``, ``refs``, ``level``.

Codes are read from ``descriptor.code``, or from ``description.code`` where an implementation
names the key ``description`` (half the IGM 2.0 logs in real-logs, and the official validator,
do): SCHEMA-001 reports the key; the rules here judge what the code says (:func:`code_of`).

A callback that only carries an ``error`` (IGM002 unknown order, IGM005 unknown issue…) has no
issue to check and is skipped.  Rules never raise: odd shapes read as absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from ondc_harness.checks.access import decimal_of, get, get_dict, get_list, get_str, items_of
from ondc_harness.checks.catalog import CheckContext, declare, rule
from ondc_harness.checks.findings import Finding, Severity, Violation, json_path
from ondc_harness.checks.rules._common import answered_request, earlier, parse_timestamp
from ondc_harness.message import Message, request_action_for

_R = "RULES-REFERENCE.md IGM"
_B1 = "igm-1.0.0/build/build.yaml"
_B2 = "igm-2.0.0/build/build.yaml"
_E2 = "igm-2.0.0/components/enums/index.yaml"

IGM_ACTIONS: Final = ("issue", "on_issue", "issue_status", "on_issue_status")
ISSUE_ACTIONS: Final = ("issue", "on_issue", "on_issue_status")
CALLBACKS: Final = ("on_issue", "on_issue_status")

#: IGM 1.0 Retail categories (``FULFILMENT`` is the spelling the 1.0 build's own examples use).
CATEGORIES_V1: Final = frozenset({"ORDER", "ITEM", "FULFILLMENT", "FULFILMENT", "AGENT",
                                  "PAYMENT", "TRANSACTION"})
#: The 1.0 build's IssueSubCategory enum, plus ITM05 (expired item) and FLM08 (incorrectly
#: marked as delivered) of the Retail IGM list, which real logs use.
SUB_CATEGORIES_V1: Final = frozenset({
    "ORD01", "ORD02", "ORD03", "ITM01", "ITM02", "ITM03", "ITM04", "ITM05", "FLM01", "FLM02",
    "FLM03", "FLM04", "FLM05", "FLM06", "FLM07", "FLM08", "AGT01", "AGT02", "PMT01", "PMT02",
    "PMT03", "PMT04", "FLM201"})
PREFIX_CATEGORY: Final = {"ORD": "ORDER", "ITM": "ITEM", "FLM": "FULFILLMENT", "AGT": "AGENT",
                          "PMT": "PAYMENT", "TRX": "TRANSACTION"}
#: IGM 2.0 issue codes are a category prefix and a number (ITM004, FLM002, ORD07, VIS001 in
#: the 2.0 examples and real logs).
CODE_V2: Final = re.compile(r"^(ORD|ITM|FLM|AGT|PMT|TRX|PRD|SRV|VIS|PLC)\d{2,3}$")

STATUS_RANK: Final = {"OPEN": 0, "PROCESSING": 1, "RESOLVED": 2, "CLOSED": 3}
#: IGM 1.0 issue status: the Issue schema of igm-1.0.0/build/build.yaml enumerates OPEN and
#: CLOSED, but the spec's own enum list (build.yaml ``x-enum`` issue.status and
#: components/enums/index.yaml) also has RESOLVED, and the harness's 1.0 schemas, generated
#: from both, accept it; RULES-REFERENCE.md (IGM: OPEN → PROCESSING → RESOLVED/CLOSED) too.
ISSUE_STATUS_V1: Final = frozenset({"OPEN", "RESOLVED", "CLOSED"})
ISSUE_TYPES: Final = frozenset({"ISSUE", "GRIEVANCE", "DISPUTE"})
COMPLAINANT_ACTIONS_V1: Final = frozenset({"OPEN", "ESCALATE", "CLOSE"})
RESPONDENT_ACTIONS_V1: Final = frozenset({"PROCESSING", "CASCADED", "RESOLVED", "NEED-MORE-INFO"})
SOURCE_TYPES_V1: Final = frozenset({"CONSUMER", "SELLER", "INTERFACING-NP"})
RESPONDENT_TYPES_V1: Final = frozenset({"INTERFACING-NP", "TRANSACTION-COUNTERPARTY-NP",
                                        "CASCADED-COUNTERPARTY-NP"})
GRO_TYPES_V1: Final = frozenset({"INTEFACING-NP-GRO", "INTERFACING-NP-GRO",
                                 "TRANSACTION-COUNTERPARTY-NP-GRO",
                                 "CASCADED-COUNTERPARTY-NP-GRO"})
RESOLUTIONS_V1: Final = frozenset({"REFUND", "REPLACEMENT", "RETURN", "CANCEL", "NO-ACTION"})
STATUS_V2: Final = frozenset(STATUS_RANK)
ACTION_CODES_V2: Final = frozenset({
    "OPEN", "PROCESSING", "CLOSED", "CASCADED", "INFO_REQUESTED", "INFO_PROCESSING",
    "INFO_PROVIDED", "INFO_NOT_AVAILABLE", "RESOLUTION_PROPOSED", "RESOLUTION_FORWARDED",
    "RESOLUTION_PROCESSING", "RESOLUTION_CASCADED", "RESOLUTION_ACCEPTED",
    "RESOLUTION_REJECTED", "RESOLVED", "ESCALATED"})
ACTOR_TYPES_V2: Final = frozenset({
    "INTERFACING_NP", "COUNTERPARTY_NP", "CASCADED_NP", "PROVIDER", "AGENT", "CONSUMER",
    "INTERFACING_NP_GRO", "COUNTERPARTY_NP_GRO", "CASCADED_NP_GRO"})
MOCK_COUNTERPARTY: Final = "TRANSACTION_COUNTERPARTY_NP"
"""The Pramaan mock seller's actor type for COUNTERPARTY_NP; buyer apps under test echo it."""
RESPONDENT_ACTOR_TYPES_V2: Final = frozenset({
    "COUNTERPARTY_NP", "CASCADED_NP", "COUNTERPARTY_NP_GRO", "CASCADED_NP_GRO", "PROVIDER",
    "AGENT"})
RESOLUTION_CODES_V2: Final = frozenset({
    "REFUND", "RETURN", "REPLACEMENT", "NO_ACTION", "CANCEL", "NOW_VISIBLE", "NOW-VISIBLE",
    "PARENT", "RECONCILED", "NOT_RECONCILED", "CBIL_CORRECTION", "ENACH_CANCEL", "END_ORDER"})
REFUNDING_V1: Final = frozenset({"REFUND", "CANCEL"})
#: IGM 2.0 action codes that are about a resolution (its ``ref_id`` names one).
RESOLUTION_ACTIONS_V2: Final = frozenset({"RESOLUTION_PROPOSED", "RESOLUTION_ACCEPTED",
                                          "RESOLUTION_REJECTED", "RESOLVED"})
#: IGM 2.0 actors that stand for the bap or the bpp of the transaction (a consumer is named
#: after its interfacing NP, as in the 2.0 examples); cascaded NPs, providers and agents
#: are not in the context and are not checked.
NAMED_ACTOR_TYPES_V2: Final = frozenset({"CONSUMER", "INTERFACING_NP", "INTERFACING_NP_GRO",
                                         "COUNTERPARTY_NP", "COUNTERPARTY_NP_GRO"})

_HUGE: Final = Decimal("1e15")


# -- reading an IGM message ---------------------------------------------------------------------
def issue_of(message: Message) -> dict[str, Any]:
    """``message.issue`` when it is an object, else ``{}``."""
    return get_dict(message.payload, "message", "issue")


def is_v2(message: Message, issue: dict[str, Any]) -> bool:
    """IGM 2.0 by shape (``actions``, ``actors``, ``refs``, ``level``), else by version."""
    if any(key in issue for key in ("actions", "actors", "refs", "level", "descriptor")):
        return True
    if any(key in issue for key in ("issue_actions", "category", "sub_category",
                                    "complainant_info", "order_details")):
        return False
    return message.version.startswith("2.")


def issue_id_of(message: Message) -> str | None:
    """The issue a message is about: ``issue.id``, or ``issue_id`` of issue_status."""
    value = get(message.payload, "message", "issue", "id")
    if not isinstance(value, str):
        value = get(message.payload, "message", "issue_id")
    return value if isinstance(value, str) and value else None


def code_of(node: Any) -> Any:
    """``descriptor.code`` of an issue, action or resolution; ``description.code`` when the
    node names that key instead (the dialect of the Pramaan mock service and the official
    validator; the spec's key is ``descriptor``, which SCHEMA-001 reports)."""
    if isinstance(node, dict) and "descriptor" not in node and isinstance(
            node.get("description"), dict) and "code" in node["description"]:
        return get(node, "description", "code")
    return get(node, "descriptor", "code")


def code_key(node: Any) -> str:
    """The key :func:`code_of` read the code from (for the finding's path)."""
    if isinstance(node, dict) and "descriptor" not in node and isinstance(
            node.get("description"), dict) and "code" in node["description"]:
        return "description"
    return "descriptor"


def _action_codes(issue: dict[str, Any]) -> list[str]:
    """The IGM 2.0 trail's codes, in order (codes that are not strings are left out)."""
    return [c for c in (code_of(a) for _, a in items_of(issue, "actions")) if isinstance(c, str)]


def _codes(items: list[Any], *path: str) -> list[str]:
    return [v for v in (get(i, *path) for i in items) if isinstance(v, str)]


def effective_status(message: Message) -> str | None:
    """Where the issue stands according to ``message``.

    IGM 2.0 says it in ``issue.status``.  IGM 1.0's issue status is mostly the complainant's
    OPEN/CLOSED (RESOLVED, in its enum list, is taken at its word), so otherwise the
    respondent's state is its latest action: PROCESSING (NEED-MORE-INFO and CASCADED are still
    being processed) or RESOLVED; a callback without any respondent action has not taken the
    issue up, i.e. OPEN.
    """
    issue = issue_of(message)
    if not issue:
        return None
    status = get_str(issue, "status")
    if is_v2(message, issue):
        return status if status in STATUS_RANK else None
    if status in ("CLOSED", "RESOLVED"):
        return status
    actions = _codes(get_list(issue, "issue_actions", "respondent_actions"), "respondent_action")
    if actions:
        return "RESOLVED" if actions[-1] == "RESOLVED" else "PROCESSING"
    return "OPEN" if message.is_callback or status == "OPEN" else None


def escalates(message: Message) -> bool:
    """Whether a complainant's ``issue`` escalates (1.0 ESCALATE / GRIEVANCE; 2.0 ESCALATED)."""
    if message.action != "issue":
        return False
    issue = issue_of(message)
    if is_v2(message, issue):
        codes = _action_codes(issue)
        return bool(codes) and codes[-1] == "ESCALATED"
    codes = _codes(get_list(issue, "issue_actions", "complainant_actions"), "complainant_action")
    return bool(codes) and codes[-1] == "ESCALATE"


def _same_issue(messages: list[Message], issue_id: str) -> list[Message]:
    return [m for m in messages if m.action in IGM_ACTIONS and issue_id_of(m) == issue_id]


def _has_error_only(message: Message) -> bool:
    return isinstance(get(message.payload, "error"), dict) and not issue_of(message)


def _amount(value: Any) -> Decimal | None:
    number = decimal_of(value)
    return number if number is not None and abs(number) < _HUGE else None


def _ts(value: Any) -> datetime | None:
    return parse_timestamp(value)


def _order_message(ctx: CheckContext) -> Message | None:
    """The latest message of the flow carrying the confirmed order (on_confirm onward)."""
    for message in reversed(earlier(ctx)):
        if message.action in ("on_confirm", "on_status", "on_update", "on_cancel") and \
                isinstance(get(message.payload, "message", "order", "id"), str):
            return message
    return None


def _ids(values: Any) -> set[str]:
    """The string values among ``values`` (ids that are lists or objects name nothing)."""
    return {v for v in values if isinstance(v, str)}


def _is(value: Any, allowed: frozenset[str]) -> bool:
    """``value in allowed`` for untrusted values (a list or object is never a member)."""
    return isinstance(value, str) and value in allowed


def _known(value: Any, ids: set[str]) -> bool:
    return isinstance(value, str) and value in ids


def _issue_path(*parts: str | int) -> str:
    return json_path("message", "issue", *parts)


# -- enums ----------------------------------------------------------------------------------------
@rule("IGM-CAT-001",
      "Issue category and sub-category are known and agree (1.0 category/sub_category; 2.0 "
      "descriptor.code)", Severity.MAJOR,
      spec=f"{_R} (category/sub-category enums); {_B1} IssueSubCategory; {_B2} Descriptor",
      actions=ISSUE_ACTIONS)
def category(ctx: CheckContext) -> Iterator[Violation]:
    """A complaint routed with an unknown category cannot reach the right desk or SLA."""
    issue = issue_of(ctx.message)
    if not issue:
        return
    first = ctx.message.action == "issue" and not _same_issue(
        earlier(ctx), issue_id_of(ctx.message) or "")
    if is_v2(ctx.message, issue):
        code = code_of(issue)
        if code is None and "descriptor" not in issue and not first:
            return
        if not isinstance(code, str) or not CODE_V2.match(code):
            yield Violation(_issue_path("descriptor", "code"),
                            f"issue code {code!r} is not a category prefix and number",
                            expected="e.g. ITM004, FLM002, ORD07", actual=code)
        return
    cat, sub = issue.get("category"), issue.get("sub_category")
    if cat is None and sub is None and not first:
        return
    if not _is(cat, CATEGORIES_V1):
        yield Violation(_issue_path("category"), f"category {cat!r} is not an IGM 1.0 category",
                        expected=sorted(CATEGORIES_V1), actual=cat)
    if not _is(sub, SUB_CATEGORIES_V1):
        yield Violation(_issue_path("sub_category"),
                        f"sub_category {sub!r} is not an IGM 1.0 sub-category",
                        expected="ORD01…, ITM01…, FLM01…, AGT01…, PMT01…", actual=sub)
    elif isinstance(cat, str) and cat in CATEGORIES_V1:
        wanted = PREFIX_CATEGORY.get(str(sub)[:3])
        if wanted is not None and cat.replace("FULFILMENT", "FULFILLMENT") != wanted:
            yield Violation(_issue_path("sub_category"),
                            f"sub_category {sub} belongs to category {wanted}, not {cat}",
                            expected=wanted, actual=cat)


@rule("IGM-STATUS-001",
      "Status, issue type/level and action codes are IGM values", Severity.CRITICAL,
      spec=f"{_B1} Issue.status, ComplainantAction, RespondentAction; {_B2} Issue.status, "
      f"Action.descriptor.code; {_E2}", actions=ISSUE_ACTIONS)
def status_values(ctx: CheckContext) -> Iterator[Violation]:
    """Receivers drive their workflow from these codes; an unknown one stalls the complaint."""
    issue = issue_of(ctx.message)
    if not issue:
        return
    if is_v2(ctx.message, issue):
        checks: list[tuple[str, Any, frozenset[str]]] = [
            (_issue_path("status"), issue.get("status"), STATUS_V2),
            (_issue_path("level"), issue.get("level"), ISSUE_TYPES)]
        checks += [(_issue_path("actions", i, code_key(a), "code"),
                    code_of(a), ACTION_CODES_V2)
                   for i, a in items_of(issue, "actions")]
    else:
        checks = [(_issue_path("status"), issue.get("status"), ISSUE_STATUS_V1),
                  (_issue_path("issue_type"), issue.get("issue_type"), ISSUE_TYPES)]
        checks += [(_issue_path("issue_actions", "complainant_actions", i, "complainant_action"),
                    a.get("complainant_action"), COMPLAINANT_ACTIONS_V1)
                   for i, a in items_of(issue, "issue_actions", "complainant_actions")]
        checks += [(_issue_path("issue_actions", "respondent_actions", i, "respondent_action"),
                    a.get("respondent_action"), RESPONDENT_ACTIONS_V1)
                   for i, a in items_of(issue, "issue_actions", "respondent_actions")]
    for path, value, allowed in checks:
        if value is not None and not _is(value, allowed):
            yield Violation(path, f"{value!r} is not one of {', '.join(sorted(allowed))}",
                            expected=sorted(allowed), actual=value)


# -- actors ---------------------------------------------------------------------------------------
@rule("IGM-ACTOR-001",
      "Complainant and respondent are identified (1.0 complainant_info, updated_by, "
      "respondent_info and GRO types; 2.0 actors with ids and known types)", Severity.MAJOR,
      spec=f"{_R} (complainant/respondent actors); {_B1} Complainant, ResolutionProvider, GRO; "
      f"{_E2} actors.type", actions=ISSUE_ACTIONS)
def actors(ctx: CheckContext) -> Iterator[Violation]:
    """Without a reachable complainant and respondent nobody can act on the complaint."""
    issue = issue_of(ctx.message)
    if not issue:
        return
    if is_v2(ctx.message, issue):
        seen: dict[str, dict[str, Any]] = {}
        for i, actor in items_of(issue, "actors"):
            actor_id, kind = actor.get("id"), actor.get("type")
            if not isinstance(actor_id, str) or not actor_id:
                yield Violation(_issue_path("actors", i, "id"), "actor without an id",
                                expected="a non-empty id", actual=actor_id)
            elif actor_id in seen and seen[actor_id] != actor:
                yield Violation(_issue_path("actors", i, "id"),
                                f"actor id {actor_id} names two different actors",
                                expected="unique actor ids", actual=actor_id)
            else:
                seen[actor_id] = actor  # an identical copy repeats, it does not confuse
            if not _is(kind, ACTOR_TYPES_V2) and kind != MOCK_COUNTERPARTY:
                yield Violation(_issue_path("actors", i, "type"),
                                f"actor type {kind!r} is not an IGM 2.0 actor type",
                                expected=sorted(ACTOR_TYPES_V2), actual=kind)
        if "actors" not in issue and ctx.message.action == "issue" and "status" in issue:
            yield Violation(_issue_path("actors"), "the issue names no actors",
                            expected="the complainant and its interfacing NP", actual=None)
        return
    yield from _actors_v1(ctx, issue)


def _actors_v1(ctx: CheckContext, issue: dict[str, Any]) -> Iterator[Violation]:
    if ctx.message.action == "issue" and ("complainant_info" in issue or "category" in issue):
        phone = get(issue, "complainant_info", "contact", "phone")
        if not isinstance(phone, str) or not phone:
            yield Violation(_issue_path("complainant_info", "contact", "phone"),
                            "the complainant has no contact phone",
                            expected="complainant_info.contact.phone", actual=phone)
    source = get(issue, "source", "type")
    if "source" in issue and not _is(source, SOURCE_TYPES_V1):
        yield Violation(_issue_path("source", "type"), f"source type {source!r} is unknown",
                        expected=sorted(SOURCE_TYPES_V1), actual=source)
    for side in ("complainant_actions", "respondent_actions"):
        for i, action in items_of(issue, "issue_actions", side):
            name = get(action, "updated_by", "org", "name")
            if not isinstance(name, str) or not name:
                yield Violation(_issue_path("issue_actions", side, i, "updated_by", "org", "name"),
                                "an action does not say which organisation took it",
                                expected="updated_by.org.name", actual=name)
    info = get_dict(issue, "resolution_provider", "respondent_info")
    if "resolution_provider" in issue and not _is(info.get("type"), RESPONDENT_TYPES_V1):
        yield Violation(_issue_path("resolution_provider", "respondent_info", "type"),
                        f"respondent type {info.get('type')!r} is unknown",
                        expected=sorted(RESPONDENT_TYPES_V1), actual=info.get("type"))
    for i, gro in items_of(info, "resolution_support", "gros"):
        if not _is(gro.get("gro_type"), GRO_TYPES_V1):
            yield Violation(_issue_path("resolution_provider", "respondent_info",
                                        "resolution_support", "gros", i, "gro_type"),
                            f"GRO type {gro.get('gro_type')!r} is unknown",
                            expected=sorted(GRO_TYPES_V1), actual=gro.get("gro_type"))


@rule("IGM-ACTOR-002",
      "IGM 2.0 ids name declared actors (complainant_id, source_id, respondent_ids, "
      "resolver_ids, action_by, proposed_by)", Severity.MAJOR,
      spec=f"{_R} (complainant/respondent actors); {_B2} Issue, Action, Resolution",
      actions=ISSUE_ACTIONS)
def actor_references(ctx: CheckContext) -> Iterator[Violation]:
    """An action by an undeclared actor cannot be attributed, so nobody answers for it."""
    issue = issue_of(ctx.message)
    if not issue or not is_v2(ctx.message, issue) or "actors" not in issue:
        return
    declared = _ids(a.get("id") for _, a in items_of(issue, "actors"))
    refs: list[tuple[str, Any]] = [(_issue_path(k), issue.get(k))
                                   for k in ("complainant_id", "source_id") if k in issue]
    for key in ("respondent_ids", "resolver_ids"):
        refs += [(_issue_path(key, i), v) for i, v in enumerate(get_list(issue, key))]
    refs += [(_issue_path("actions", i, "action_by"), a.get("action_by"))
             for i, a in items_of(issue, "actions")]
    refs += [(_issue_path("resolutions", i, "proposed_by"), r.get("proposed_by"))
             for i, r in items_of(issue, "resolutions") if "proposed_by" in r]
    for path, value in refs:
        if not isinstance(value, str) or value not in declared:
            yield Violation(path, f"{value!r} is not one of the issue's actors",
                            expected=sorted(str(d) for d in declared), actual=value)


@rule("IGM-ACTOR-003",
      "The respondent answers as itself: its new actions are by a respondent, never by the "
      "complainant", Severity.CRITICAL,
      spec=f"{_R} (complainant/respondent actors); {_B1} IssueActions; {_B2} Action.action_by",
      actions=CALLBACKS)
def respondent_acts(ctx: CheckContext) -> Iterator[Violation]:
    """A callback that adds complainant actions puts words in the buyer's mouth."""
    issue = issue_of(ctx.message)
    if not issue:
        return
    issue_id = issue_id_of(ctx.message) or ""
    before = [m for m in _same_issue(earlier(ctx), issue_id) if issue_of(m)]
    if is_v2(ctx.message, issue):
        known = _ids(a.get("id") for m in before for _, a in items_of(issue_of(m), "actions"))
        complainants = _ids((issue.get("complainant_id"), issue.get("source_id")))
        kinds = {str(a.get("id")): a.get("type") for _, a in items_of(issue, "actors")
                 if isinstance(a.get("id"), str)}
        for i, action in items_of(issue, "actions"):
            if isinstance(action.get("id"), str) and action["id"] in known:
                continue
            by = action.get("action_by")
            if isinstance(by, str) and (by in complainants or kinds.get(by) in (
                    "INTERFACING_NP", "CONSUMER")):
                yield Violation(_issue_path("actions", i, "action_by"),
                                f"the respondent's callback adds action "
                                f"{code_of(action)!r} by the complainant side",
                                expected="an action by the respondent or its GRO", actual=by)
        ids = get_list(issue, "respondent_ids")
        if "respondent_ids" in issue or ctx.message.action == "on_issue":
            if not ids:
                yield Violation(_issue_path("respondent_ids"), "the callback names no respondent",
                                expected="the respondent's actor id", actual=ids)
            for i, rid in enumerate(ids):
                if isinstance(rid, str) and rid in kinds and kinds[rid] != MOCK_COUNTERPARTY \
                        and not _is(kinds[rid], RESPONDENT_ACTOR_TYPES_V2):
                    yield Violation(_issue_path("respondent_ids", i),
                                    f"respondent {rid} is a {kinds[rid]} actor",
                                    expected=sorted(RESPONDENT_ACTOR_TYPES_V2), actual=kinds[rid])
        return
    sent = {str(a) for m in before if m.action == "issue"
            for _, a in items_of(issue_of(m), "issue_actions", "complainant_actions")}
    for i, action in items_of(issue, "issue_actions", "complainant_actions"):
        if str(action) not in sent:
            yield Violation(_issue_path("issue_actions", "complainant_actions", i),
                            "the respondent's callback adds a complainant action the "
                            "complainant never sent", expected="only respondent_actions",
                            actual=action.get("complainant_action"))


_ACTOR_SIDE: Final = {"CONSUMER": "bap_id", "INTERFACING_NP": "bap_id",
                      "INTERFACING_NP_GRO": "bap_id", "COUNTERPARTY_NP": "bpp_id",
                      "COUNTERPARTY_NP_GRO": "bpp_id"}
"""Which side of the transaction adds each named actor (IGM 2.0 examples FLow1)."""


def _is_ondc_mock(subscriber: Any) -> bool:
    """The official test mocks: igm-mock-service.ondc.org/…, pramaan.ondc.org/…/mock/…."""
    return isinstance(subscriber, str) and bool(
        re.match(r"^(igm-mock-service\.ondc\.org|pramaan\.ondc\.org/.*\bmock\b)", subscriber))


@rule("IGM-ACTOR-004",
      "The participants' actors are named after them: org.name is the bap's or bpp's "
      "subscriber id and the network code (CONSUMER, INTERFACING_NP, COUNTERPARTY_NP and "
      "their GROs)", Severity.MAJOR,
      spec=f"{_B2} x-attributes actors.info.org.name (mandatory; \"subscriber_id::domain_code"
      "\", e.g. buyerapp.com::ONDC:RET10)", actions=ISSUE_ACTIONS)
def actor_org_names(ctx: CheckContext) -> Iterator[Violation]:
    """An actor named after another NP (the examples' buyerapp.com) cannot be held to answer.

    Actors the official mock service (igm-mock-service.ondc.org, Pramaan's mocks) adds for its
    side — the buyer's CONSUMER and INTERFACING_NP, the seller's COUNTERPARTY_NP — carry the
    examples' placeholder names; neither the mock's messages nor the participant under test
    echoing them (as it must) are held to this rule.
    """
    issue = issue_of(ctx.message)
    if not issue or not is_v2(ctx.message, issue):
        return
    domain = ctx.message.domain
    context = ctx.message.context
    participants = _ids([context.get("bap_id"), context.get("bpp_id")])
    if not domain or not participants:
        return
    allowed = sorted(f"{p}::{domain}" for p in participants)
    mocked = {side for side in ("bap_id", "bpp_id") if _is_ondc_mock(context.get(side))}
    for i, actor in items_of(issue, "actors"):
        kind = actor.get("type")
        if not _is(kind, NAMED_ACTOR_TYPES_V2) or _ACTOR_SIDE.get(str(kind)) in mocked:
            continue
        name = get(actor, "info", "org", "name")
        if not _is(name, frozenset(allowed)):
            yield Violation(_issue_path("actors", i, "info", "org", "name"),
                            f"the {kind} actor {actor.get('id')!r} is named {name!r}, which is "
                            "neither the bap nor the bpp of this transaction",
                            expected=allowed, actual=name)


# -- status ---------------------------------------------------------------------------------------
@rule("IGM-STATUS-002",
      "The issue status never goes back within the flow (OPEN → PROCESSING → RESOLVED → "
      "CLOSED; only an escalation reopens it)", Severity.CRITICAL,
      spec=f"{_R} (status sequence OPEN → PROCESSING → RESOLVED/CLOSED); {_E2} status",
      actions=CALLBACKS)
def status_forward(ctx: CheckContext) -> Iterator[Violation]:
    """A status that regresses tells the buyer a settled complaint is open again."""
    status = effective_status(ctx.message)
    issue_id = issue_id_of(ctx.message)
    if status is None or issue_id is None:
        return
    previous: tuple[Message, str] | None = None
    for message in _same_issue(earlier(ctx), issue_id):
        if escalates(message):
            previous = None  # a grievance is taken up again from the start
            continue
        if message.is_callback:
            earlier_status = effective_status(message)
            if earlier_status is not None:
                previous = (message, earlier_status)
    if previous is None:
        return
    message, before = previous
    if STATUS_RANK[status] < STATUS_RANK[before]:
        path = _issue_path("status") if is_v2(ctx.message, issue_of(ctx.message)) else \
            _issue_path("issue_actions", "respondent_actions")
        yield Violation(path, f"status went back from {before} (in the earlier "
                        f"{message.action} at {message.timestamp}) to {status}",
                        expected=f"{before} or later", actual=status)


def _implied_v2(codes: list[str]) -> str | None:
    implied: str | None = None
    for code in codes:
        if code in STATUS_RANK:
            implied = code
        elif code == "ESCALATED":
            implied = "OPEN"
    return implied


@rule("IGM-STATUS-003",
      "The actions are in order and agree with the status (first action OPEN; 2.0 status "
      "not ahead of its latest status action; 1.0 CLOSED with CLOSE last)", Severity.MAJOR,
      spec=f"{_R} (status sequence); {_B1} IssueActions; {_B2} Issue.actions",
      actions=ISSUE_ACTIONS)
def trail_order(ctx: CheckContext) -> Iterator[Violation]:
    """The trail is the complaint's history; a status it does not explain is unverifiable."""
    issue = issue_of(ctx.message)
    if not issue:
        return
    if is_v2(ctx.message, issue):
        actions = [a for _, a in items_of(issue, "actions")]
        codes = [str(code_of(a)) for a in actions]
        if codes and codes[0] != "OPEN":
            yield Violation(_issue_path("actions", 0, code_key(actions[0]), "code"),
                            "the trail does not start with OPEN", expected="OPEN",
                            actual=codes[0])
        # A status behind its trail is the official 2.0 examples' own shape (Flow3 on_issue2:
        # OPEN after PROCESSING; TRV on_issue_request_1); a status no action reached is not.
        implied, status = _implied_v2(codes), issue.get("status")
        if implied is not None and _is(status, STATUS_V2) and status != implied \
                and STATUS_RANK.get(str(status), -1) > STATUS_RANK.get(implied, -1):
            yield Violation(_issue_path("status"),
                            f"status {status} but the latest status action says {implied}",
                            expected=implied, actual=status)
        yield from _monotonic(actions, ("actions",))
        return
    complainant = [a for _, a in items_of(issue, "issue_actions", "complainant_actions")]
    respondent = [a for _, a in items_of(issue, "issue_actions", "respondent_actions")]
    if complainant and complainant[0].get("complainant_action") != "OPEN":
        yield Violation(_issue_path("issue_actions", "complainant_actions", 0,
                                    "complainant_action"), "the complaint does not start "
                        "with OPEN", expected="OPEN",
                        actual=complainant[0].get("complainant_action"))
    codes = [str(a.get("complainant_action")) for a in complainant]
    if "CLOSE" in codes[:-1]:
        yield Violation(_issue_path("issue_actions", "complainant_actions"),
                        "an action follows CLOSE", expected="CLOSE last", actual=codes)
    if complainant and (issue.get("status") == "CLOSED") != (codes[-1] == "CLOSE"):
        yield Violation(_issue_path("status"), f"status {issue.get('status')} but the last "
                        f"complainant action is {codes[-1]}",
                        expected="CLOSED exactly when the last action is CLOSE",
                        actual=issue.get("status"))
    if respondent and respondent[0].get("respondent_action") not in ("PROCESSING", "CASCADED"):
        yield Violation(_issue_path("issue_actions", "respondent_actions", 0,
                                    "respondent_action"),
                        "the respondent's first action is not PROCESSING",
                        expected="PROCESSING", actual=respondent[0].get("respondent_action"))
    yield from _monotonic(complainant, ("issue_actions", "complainant_actions"))
    yield from _monotonic(respondent, ("issue_actions", "respondent_actions"))


def _monotonic(actions: list[dict[str, Any]], where: tuple[str, ...]) -> Iterator[Violation]:
    latest: datetime | None = None
    for i, action in enumerate(actions):
        moment = _ts(action.get("updated_at"))
        if moment is None:
            continue
        if latest is not None and moment < latest:
            yield Violation(_issue_path(*where, i, "updated_at"),
                            "an action is dated before the action listed before it",
                            expected=f"not before {latest.isoformat()}",
                            actual=action.get("updated_at"))
        latest = moment if latest is None else max(latest, moment)


@rule("IGM-STATUS-004",
      "on_issue to a new complaint takes it up (PROCESSING, or already RESOLVED)",
      Severity.MAJOR, spec=f"{_R}; igm-1.0.0 and igm-2.0.0 flows (ON_ISSUE: processing)",
      actions=["on_issue"])
def taken_up(ctx: CheckContext) -> Iterator[Violation]:
    """The on_issue is the respondent's acknowledgement that someone is handling it."""
    request = answered_request(ctx)
    issue_id = issue_id_of(ctx.message)
    if request is None or issue_id is None or issue_of(request).get("status") != "OPEN":
        return
    if any(m.is_callback for m in _same_issue(earlier(ctx), issue_id)):
        return
    status = effective_status(ctx.message)
    if status not in ("PROCESSING", "RESOLVED"):
        yield Violation(_issue_path("status") if is_v2(ctx.message, issue_of(ctx.message))
                        else _issue_path("issue_actions", "respondent_actions"),
                        f"the first on_issue leaves the complaint {status}",
                        expected="PROCESSING", actual=status)


# -- time -----------------------------------------------------------------------------------------
_STAMPING_SLACK: Final = timedelta(seconds=1)
"""A sender stamps the envelope, then builds the issue a few milliseconds later."""


@rule("IGM-TIME-001",
      "created_at ≤ every action's updated_at (≤ issue updated_at in IGM 1.0); issue updated_at "
      "≤ context.timestamp (within 1 s)",
      Severity.MAJOR, spec=f"{_R} (created_at/updated_at ordering); {_B1} Issue.created_at",
      actions=ISSUE_ACTIONS)
def times_ordered(ctx: CheckContext) -> Iterator[Violation]:
    """An update stamped before the complaint existed, or after the message, is a clock bug.

    IGM 2.0 respondents append actions without moving the issue's updated_at (the official
    2.0 example FLow1/on_issue2 does), so there actions are not compared with it; and an
    updated_at a few milliseconds after the envelope's timestamp is the order the sender
    stamped them in, not a wrong clock."""
    issue = issue_of(ctx.message)
    created, updated = _ts(issue.get("created_at")), _ts(issue.get("updated_at"))
    sent = _ts(ctx.message.timestamp)
    if created is not None and updated is not None and updated < created:
        yield Violation(_issue_path("updated_at"), "updated_at is before created_at",
                        expected=f"not before {issue.get('created_at')}",
                        actual=issue.get("updated_at"))
    if updated is not None and sent is not None and updated > sent + _STAMPING_SLACK:
        yield Violation(_issue_path("updated_at"), "updated_at is after the message's own "
                        "timestamp", expected=f"not after {ctx.message.timestamp}",
                        actual=issue.get("updated_at"))
    v2 = is_v2(ctx.message, issue)
    trails = [("actions",), ("issue_actions", "complainant_actions"),
              ("issue_actions", "respondent_actions"), ("resolutions",)]
    for where in trails:
        for i, action in items_of(issue, *where):
            moment = _ts(action.get("updated_at"))
            if moment is None:
                continue
            if created is not None and moment < created:
                yield Violation(_issue_path(*where, i, "updated_at"),
                                "dated before the issue was created",
                                expected=f"not before {issue.get('created_at')}",
                                actual=action.get("updated_at"))
            if updated is not None and moment > updated and not v2:
                yield Violation(_issue_path(*where, i, "updated_at"),
                                "dated after the issue's updated_at",
                                expected=f"not after {issue.get('updated_at')}",
                                actual=action.get("updated_at"))


@rule("IGM-TIME-002",
      "created_at never changes and updated_at never goes back across the flow's messages",
      Severity.MAJOR, spec=f"{_R} (created_at/updated_at ordering)", actions=ISSUE_ACTIONS)
def times_monotonic(ctx: CheckContext) -> Iterator[Violation]:
    """A complaint's age decides its SLA; a changed created_at resets the clock."""
    issue = issue_of(ctx.message)
    issue_id = issue_id_of(ctx.message)
    if not issue or issue_id is None:
        return
    before = [m for m in _same_issue(earlier(ctx), issue_id) if issue_of(m)]
    first = next((m for m in before if isinstance(issue_of(m).get("created_at"), str)), None)
    created = issue.get("created_at")
    if first is not None and created is not None and _ts(created) != _ts(
            issue_of(first).get("created_at")):
        yield Violation(_issue_path("created_at"), "created_at differs from the issue's "
                        f"first {first.action}", expected=issue_of(first).get("created_at"),
                        actual=created)
    mine = _ts(issue.get("updated_at"))
    latest = max((t for t in (_ts(issue_of(m).get("updated_at")) for m in before)
                  if t is not None), default=None)
    if mine is not None and latest is not None and mine < latest:
        yield Violation(_issue_path("updated_at"), "updated_at is earlier than in an earlier "
                        "message about this issue", expected=f"not before {latest.isoformat()}",
                        actual=issue.get("updated_at"))


# -- identity -------------------------------------------------------------------------------------
@rule("IGM-ID-001", "A callback names the issue it answers (issue id unchanged)",
      Severity.CRITICAL, spec=f"{_B1} Issue.id (\"will not change during the life cycle\")",
      actions=CALLBACKS)
def issue_id_constant(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer app files the answer under this id; another id lands nowhere."""
    issue_id = issue_id_of(ctx.message)
    if _has_error_only(ctx.message):
        return
    request = answered_request(ctx)
    if request is not None:
        wanted = issue_id_of(request)
        if wanted is not None and issue_id != wanted:
            yield Violation(_issue_path("id"), f"{ctx.message.action} names issue {issue_id!r}, "
                            f"not the {request.action}'s", expected=wanted, actual=issue_id)
        return
    known = _ids(issue_id_of(m) for m in earlier(ctx) if m.action in ("issue", "issue_status"))
    if known and issue_id not in known:
        yield Violation(_issue_path("id"), f"{ctx.message.action} names issue {issue_id!r}, "
                        "which this flow never raised", expected=sorted(str(k) for k in known),
                        actual=issue_id)


@rule("IGM-ID-002", "An IGM 2.0 issue names its last action: last_action_id is given and is "
      "the id of the final action, and action ids are unique", Severity.MAJOR,
      spec=f"{_B2} Issue.last_action_id, Action.id; {_B2} x-attributes (issue, on_issue, "
      "on_issue_status: last_action_id mandatory)", actions=ISSUE_ACTIONS)
def last_action(ctx: CheckContext) -> Iterator[Violation]:
    """Each side appends after last_action_id; a stale or missing one loses or repeats actions."""
    issue = issue_of(ctx.message)
    if not issue or not is_v2(ctx.message, issue):
        return
    actions = [a for _, a in items_of(issue, "actions")]
    if not actions:
        return
    final, last = actions[-1].get("id"), issue.get("last_action_id")
    if "last_action_id" not in issue:
        yield Violation(_issue_path("last_action_id"), "the issue has actions but no "
                        "last_action_id", expected=final, actual=None)
    elif last != final:
        yield Violation(_issue_path("last_action_id"),
                        "last_action_id is not the id of the last action",
                        expected=final, actual=last)
    first_use: dict[str, int] = {}
    repeats: dict[str, list[int]] = {}
    for i, action in enumerate(actions):
        action_id = action.get("id")
        if not isinstance(action_id, str) or not action_id:
            continue
        if action_id in first_use:
            repeats.setdefault(action_id, []).append(i)
        else:
            first_use[action_id] = i
    for action_id, again in repeats.items():
        yield Violation(_issue_path("actions", again[0], "id"),
                        f"action id {action_id!r} is the id of actions "
                        f"{', '.join(str(i) for i in [first_use[action_id], *again])}",
                        expected="a new id for each action", actual=action_id)


@rule("IGM-ID-003", "An IGM 2.0 callback does not reuse the message_id of an earlier callback "
      "(one callback per request; an unsolicited on_issue takes a new message_id)",
      Severity.MAJOR,
      spec=f"{_B2} x-attributes context.message_id (\"persists during a request / callback "
      "cycle\"); igm-2.0.0 examples FLow1-3, Flow4, TRV (each message_id in one on_issue: "
      "on_issue2 answers issue1's M1, the unsolicited on_issue3 carries M2)",
      actions=CALLBACKS)
def callback_message_id_unique(ctx: CheckContext) -> Iterator[Violation]:
    """A message_id already answered cannot name another cycle: the complainant files the
    second callback under a request it has closed (the IGM mock service answers every step
    with the issue's first message_id).

    The answer to the latest request of that message_id is never blamed (a request that
    reused a callback's id is the requester's defect), nor is a copy of the same callback
    (same action and timestamp: a step saved twice, slightly edited).  IGM 1.0 is left out:
    its examples reuse message_ids (issue_closed carries the issue's)."""
    message = ctx.message
    mine = message.message_id
    issue = issue_of(message)
    if not mine or not issue or not is_v2(message, issue):
        return
    before = [m for m in earlier(ctx) if m.message_id == mine]
    wanted = request_action_for(message.action)
    answered = max((i for i, m in enumerate(before) if m.action == wanted), default=-1)
    for other in before[answered + 1:]:
        if other.action not in CALLBACKS or (other.action == message.action
                                             and other.timestamp == message.timestamp):
            continue
        yield Violation(json_path("context", "message_id"), "message_id was already used by "
                        f"the {other.action} of {other.timestamp or '?'}",
                        expected="the message_id of the request answered, or a new one",
                        actual=mine)
        return


ISSUE_TRANSACTION: Final = declare(
    "IGM-TXN-001", "An issue keeps one transaction_id across all its calls (IGM 2.0: the "
    "order's transaction_id)", Severity.MAJOR,
    f"{_B2} x-attributes context.transaction_id (\"persists across all API calls. To be used "
    "the same as the order transaction_id\"); igm-2.0.0 examples (every call of a flow: T1)",
    "igm", actions=IGM_ACTIONS).id
"""Raised by the offline loader (:func:`moved_issues`), which sees every flow of a folder:
flows are grouped by transaction_id, so one flow's history never shows the change."""


def moved_issues(messages: Iterable[Message]) -> Iterator[tuple[Message, Finding]]:
    """Each IGM message (``messages`` in time order) about an issue first seen under another
    transaction_id, with its IGM-TXN-001 finding.  Messages without an issue id or a
    transaction_id say nothing about it."""
    first: dict[str, Message] = {}
    for message in messages:
        issue_id = issue_id_of(message) if message.action in IGM_ACTIONS else None
        if issue_id is None or not message.transaction_id:
            continue
        origin = first.setdefault(issue_id, message)
        if origin.transaction_id == message.transaction_id:
            continue
        yield message, Finding(
            rule_id=ISSUE_TRANSACTION, severity=Severity.MAJOR, action=message.action,
            path=json_path("context", "transaction_id"),
            message=f"issue {issue_id!r} was raised under another transaction_id (its "
                    f"{origin.action} of {origin.timestamp or '?'}); every call about it keeps "
                    "that one", expected=origin.transaction_id, actual=message.transaction_id,
            file=message.file)


@rule("IGM-ORDER-001", "The issue refers to this transaction's order, its items and "
      "fulfillments", Severity.CRITICAL,
      spec=f"{_R} (transaction and order refer to real orders); IGM 2.0 errors IGM002-IGM004",
      actions=ISSUE_ACTIONS)
def real_order(ctx: CheckContext) -> Iterator[Violation]:
    """A complaint about an order the counterparty never had cannot be resolved."""
    source = _order_message(ctx)
    issue = issue_of(ctx.message)
    if source is None or not issue:
        return
    order = get_dict(source.payload, "message", "order")
    order_id = order.get("id")
    items = _ids(i.get("id") for _, i in items_of(order, "items"))
    fulfillments = _ids(f.get("id") for _, f in items_of(order, "fulfillments"))
    refs: list[tuple[str, str, Any]] = []  # (kind, path, value)
    if is_v2(ctx.message, issue):
        for i, ref in items_of(issue, "refs"):
            kind = {"ORDER": "order", "ITEM": "item", "FULFILLMENT": "fulfillment",
                    "FULFILMENT": "fulfillment"}.get(str(ref.get("ref_type")))
            if kind is not None:
                refs.append((kind, _issue_path("refs", i, "ref_id"), ref.get("ref_id")))
    else:
        details = get_dict(issue, "order_details")
        if "id" in details:
            refs.append(("order", _issue_path("order_details", "id"), details.get("id")))
        refs += [("item", _issue_path("order_details", "items", i, "id"), it.get("id"))
                 for i, it in items_of(details, "items")]
        refs += [("fulfillment", _issue_path("order_details", "fulfillments", i, "id"),
                  f.get("id")) for i, f in items_of(details, "fulfillments")]
    known = {"order": _ids([order_id]), "item": items, "fulfillment": fulfillments}
    for kind, path, value in refs:
        if not isinstance(value, str) or value not in known[kind]:
            yield Violation(path, f"{kind} {value!r} is not in this transaction's order "
                            f"{order_id}", expected=sorted(str(k) for k in known[kind]),
                            actual=value)


# -- resolutions ---------------------------------------------------------------------------------
@rule("IGM-RES-001",
      "A resolution is complete for its action (1.0 action_triggered, refund_amount on "
      "REFUND/CANCEL; 2.0 known codes, REFUND_AMOUNT on refunds, references to proposed "
      "resolutions)", Severity.CRITICAL,
      spec=f"{_B1} IssueResolution, ResolutionProvider; {_B2} Resolution; {_E2} resolutions",
      actions=ISSUE_ACTIONS)
def resolution_shape(ctx: CheckContext) -> Iterator[Violation]:
    """The buyer is told what will happen (money back, a new item, nothing); it must be exact."""
    issue = issue_of(ctx.message)
    if not issue:
        return
    if is_v2(ctx.message, issue):
        yield from _resolutions_v2(issue)
        return
    resolution = issue.get("resolution")
    resolved = effective_status(ctx.message) == "RESOLVED"
    if resolved and ctx.message.is_callback and not isinstance(resolution, dict):
        yield Violation(_issue_path("resolution"), "RESOLVED without a resolution",
                        expected="resolution with action_triggered", actual=resolution)
    if resolved and ctx.message.is_callback and "resolution_provider" not in issue:
        yield Violation(_issue_path("resolution_provider"), "RESOLVED without saying who "
                        "resolved it", expected="resolution_provider.respondent_info",
                        actual=None)
    if not isinstance(resolution, dict):
        return
    action = resolution.get("action_triggered")
    if not _is(action, RESOLUTIONS_V1):
        yield Violation(_issue_path("resolution", "action_triggered"),
                        f"action_triggered {action!r} is not an IGM 1.0 resolution",
                        expected=sorted(RESOLUTIONS_V1), actual=action)
    if not isinstance(resolution.get("short_desc"), str) or not resolution["short_desc"]:
        yield Violation(_issue_path("resolution", "short_desc"), "the resolution is not "
                        "described", expected="short_desc", actual=resolution.get("short_desc"))
    amount = resolution.get("refund_amount")
    if _is(action, REFUNDING_V1):
        value = _amount(amount)
        if value is None or value <= 0:
            yield Violation(_issue_path("resolution", "refund_amount"),
                            f"a {action} resolution needs a positive refund_amount",
                            expected="a positive amount", actual=amount)
    elif amount is not None and _amount(amount) != 0:
        yield Violation(_issue_path("resolution", "refund_amount"),
                        f"a {action} resolution refunds nothing", expected="no refund_amount",
                        actual=amount)


def _resolution_amount(resolution: dict[str, Any]) -> tuple[str, Any] | None:
    for g, group in items_of(resolution, "tags"):
        for e, entry in items_of(group, "list"):
            if get(entry, "descriptor", "code") == "REFUND_AMOUNT":
                return json_path("tags", g, "list", e, "value"), entry.get("value")
    return None


def _resolutions_v2(issue: dict[str, Any]) -> Iterator[Violation]:
    resolutions = dict(items_of(issue, "resolutions"))
    ids = _ids(r.get("id") for r in resolutions.values())
    for i, resolution in resolutions.items():
        code = get(resolution, "descriptor", "code")
        if not _is(code, RESOLUTION_CODES_V2):
            yield Violation(_issue_path("resolutions", i, "descriptor", "code"),
                            f"resolution code {code!r} is unknown",
                            expected=sorted(RESOLUTION_CODES_V2), actual=code)
        if not isinstance(resolution.get("id"), str):
            yield Violation(_issue_path("resolutions", i, "id"), "a resolution has no id",
                            expected="an id", actual=resolution.get("id"))
        if resolution.get("ref_type") == "PARENT" and not _known(resolution.get("ref_id"), ids):
            yield Violation(_issue_path("resolutions", i, "ref_id"), "the parent resolution "
                            "does not exist", expected=sorted(str(x) for x in ids),
                            actual=resolution.get("ref_id"))
        if code == "REFUND":
            found = _resolution_amount(resolution)
            value = _amount(found[1]) if found else None
            if value is None or value <= 0:
                path = _issue_path("resolutions", i) + (found[0][1:] if found else ".tags")
                yield Violation(path, "a REFUND resolution needs a positive REFUND_AMOUNT",
                                expected="RESOLUTION_DETAILS.REFUND_AMOUNT > 0",
                                actual=found[1] if found else None)
    accepted: set[str] = set()
    for i, action in items_of(issue, "actions"):
        code = code_of(action)
        if action.get("ref_type") == "RESOLUTIONS" and not _known(action.get("ref_id"), ids):
            yield Violation(_issue_path("actions", i, "ref_id"),
                            f"{code} refers to a resolution that was not proposed",
                            expected=sorted(str(x) for x in ids), actual=action.get("ref_id"))
        if code == "RESOLUTION_ACCEPTED":
            accepted |= _ids([action.get("ref_id")])
        if code == "RESOLVED" and "ref_id" in action and not _known(action.get("ref_id"),
                                                                    accepted):
            yield Violation(_issue_path("actions", i, "ref_id"),
                            "RESOLVED with a resolution the complainant did not accept",
                            expected=sorted(str(x) for x in accepted),
                            actual=action.get("ref_id"))


@rule("IGM-RES-002", "A refund is a positive amount no larger than the order total "
      "(tolerance ₹0.01)", Severity.CRITICAL,
      spec=f"{_R} (order refers to real orders); {_B1} IssueResolution.refund_amount; "
      f"{_B2} RESOLUTION_DETAILS.REFUND_AMOUNT", actions=ISSUE_ACTIONS)
def refund_bounded(ctx: CheckContext) -> Iterator[Violation]:
    """Refunding more than was paid is money the seller does not owe."""
    source = _order_message(ctx)
    issue = issue_of(ctx.message)
    if source is None or not issue:
        return
    total = _amount(get(source.payload, "message", "order", "quote", "price", "value"))
    if total is None:
        return
    amounts: list[tuple[str, Any]] = []
    if "refund_amount" in get_dict(issue, "resolution"):
        amounts.append((_issue_path("resolution", "refund_amount"),
                        get(issue, "resolution", "refund_amount")))
    for i, resolution in items_of(issue, "resolutions"):
        found = _resolution_amount(resolution)
        if found is not None:
            amounts.append((_issue_path("resolutions", i) + found[0][1:], found[1]))
    for path, raw in amounts:
        value = _amount(raw)
        if value is None:
            yield Violation(path, "the refund amount is not a number",
                            expected="a decimal amount", actual=raw)
        elif value > total + Decimal("0.01"):
            yield Violation(path, f"refund {raw} is more than the order total {total}",
                            expected=f"at most {total}", actual=raw)


@rule("IGM-RES-003", "An IGM 2.0 issue whose actions propose, accept, reject or apply a "
      "resolution carries message.issue.resolutions", Severity.MAJOR,
      spec=f"{_B2} Issue.resolutions, Action.ref_type/ref_id; igm-2.0.0 examples (every "
      "message whose actions include RESOLUTION_PROPOSED carries the resolutions)",
      actions=ISSUE_ACTIONS)
def resolutions_carried(ctx: CheckContext) -> Iterator[Violation]:
    """Without them the buyer cannot see what it is asked to accept, or what was done."""
    issue = issue_of(ctx.message)
    if not issue or not is_v2(ctx.message, issue):
        return
    codes = [c for c in _action_codes(issue) if c in RESOLUTION_ACTIONS_V2]
    if codes and not get_list(issue, "resolutions"):
        yield Violation(_issue_path("resolutions"),
                        f"the actions {', '.join(dict.fromkeys(codes))} are about "
                        "resolutions, but the issue carries none",
                        expected="the resolutions proposed", actual=issue.get("resolutions"))


# -- escalation -----------------------------------------------------------------------------------
@rule("IGM-ESC-001", "After an escalation the respondent names its grievance redressal officer "
      "(1.0 resolution_support.gros; 2.0 a *_GRO actor)", Severity.MAJOR,
      spec=f"{_B1} ResolutionSupport.gros (required for a Grievance); {_E2} actors.type",
      actions=CALLBACKS)
def gro_named(ctx: CheckContext) -> Iterator[Violation]:
    """A grievance goes to the GRO by law (Consumer Protection (E-Commerce) Rules)."""
    issue = issue_of(ctx.message)
    issue_id = issue_id_of(ctx.message)
    if not issue or issue_id is None:
        return
    if not any(escalates(m) for m in _same_issue(earlier(ctx), issue_id)):
        return
    if is_v2(ctx.message, issue):
        if not any(str(a.get("type")).endswith("_GRO") for _, a in items_of(issue, "actors")):
            yield Violation(_issue_path("actors"), "the escalated complaint names no GRO actor",
                            expected="an actor of type COUNTERPARTY_NP_GRO", actual=None)
        return
    gros = get_list(issue, "resolution_provider", "respondent_info", "resolution_support",
                    "gros")
    usable = [g for g in gros if isinstance(g, dict) and get(g, "contact", "phone")]
    if not usable:
        yield Violation(_issue_path("resolution_provider", "respondent_info",
                                    "resolution_support", "gros"),
                        "the escalated complaint names no GRO with a contact",
                        expected="gros[] with gro_type and contact", actual=gros or None)


@rule("IGM-CTX-001", "The context version matches the IGM shape (1.0 payloads with 1.0.0, "
      "2.0 payloads with 2.0.0 or the Retail core version 1.2.x)", Severity.MINOR,
      spec=f"{_B1} info.version 1.0.0; {_B2} info.version 2.0.0; igm-2.0.0 examples FLow1 "
      "(Retail issues carry core_version 1.2.0)", actions=IGM_ACTIONS)
def version_matches(ctx: CheckContext) -> Iterator[Violation]:
    """The receiver picks the schema by version; a 2.0 body labelled 1.0.0 fails it.

    IGM 2.0 context's version is "the Beckn core API specification being used": the official
    Retail examples (FLow1) send 2.0 issues with core_version 1.2.0, the order's version."""
    issue = issue_of(ctx.message)
    version = ctx.message.version
    if not issue or not version:
        return
    v2 = is_v2(ctx.message, issue)
    wanted = "2." if v2 else "1."
    if not version.startswith(wanted) and not (v2 and version.startswith("1.2.")):
        key = "version" if "version" in ctx.message.context else "core_version"
        yield Violation(json_path("context", key), f"an IGM {wanted}0 payload with version "
                        f"{version}", expected=f"{wanted}0.0", actual=version)
