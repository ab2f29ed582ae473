"""Context rules (``CTX-…``): the envelope every ONDC message carries, in any domain.

What is checked comes from PROTOCOL.md ("Message envelope") and RULES-REFERENCE.md ("On every
message"), which restate the Beckn/ONDC contract and the official validators.  Rules that compare
a message with earlier ones read ``ctx.history``; they compare only messages of the Retail /
logistics journey (discovery and order actions), because IGM and RSF messages travel with other
identities (an RSF ``settle`` goes to a settlement agency, an IGM issue may use ONDC:NTS10).

A context that is not an object at all is WIRE-BODY-001's business (or the schema's), so these
rules stay silent on it instead of repeating one defect many times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, Final

from ondc_harness.checks.access import MISSING, get, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import (
    DISCOVERY_ACTIONS,
    JOURNEY_ACTIONS,
    ORDER_ACTIONS,
    RETAIL,
    UNSOLICITED_CALLBACKS,
    answered_request,
    ctx_str,
    is_solicited_callback,
    is_strict_timestamp,
    journey_messages,
    member,
    parse_timestamp,
)
from ondc_harness.checks.views import shared
from ondc_harness.durations import is_duration, parse_duration
from ondc_harness.message import Message, request_action_for

_P = "PROTOCOL.md"
_R = "RULES-REFERENCE.md"
_DSL = "automation-1.2.5/RET11-1.2.5/validations/index.yaml"

#: Every action of the specs in the pack: Retail 1.2 build.yaml paths (which logistics and B2B
#: share), IGM 1.0/2.0 and RSF 2.0 build.yaml paths, plus RSF 1.0's collector/receiver recon
#: (not in the pack, still used in certification logs: real-logs/*/RSF).
_RETAIL_REQUESTS = ("search", "select", "init", "confirm", "status", "track", "cancel", "update",
                    "rating", "support")
KNOWN_ACTIONS: Final = frozenset(
    [*_RETAIL_REQUESTS, *(f"on_{a}" for a in _RETAIL_REQUESTS),
     "get_cancellation_reasons", "cancellation_reasons", "get_return_reasons", "return_reasons",
     "get_rating_categories", "rating_categories", "get_feedback_categories",
     "feedback_categories", "get_feedback_form", "feedback_form",
     "issue", "on_issue", "issue_status", "on_issue_status",
     "settle", "on_settle", "recon", "on_recon", "report", "on_report",
     "collector_recon", "on_collector_recon", "receiver_recon", "on_receiver_recon"])

#: Keys of ``message`` that only one action carries (Retail 1.2 build.yaml request bodies):
#: ``intent`` is the search intent, ``catalog`` the on_search answer, ``tracking`` on_track's.
_SHAPE: Final = {"intent": frozenset({"search"}), "catalog": frozenset({"on_search"}),
                 "tracking": frozenset({"on_track"})}
#: Actions whose ``message`` never holds an ``order`` object in Retail/logistics 1.x.
_NO_ORDER: Final = frozenset({"search", "on_search", "status", "track", "on_track"})

#: Callbacks that may come without a request of the same message_id: Retail's unsolicited
#: updates, and IGM progress pushed by the respondent (igm-1.0.0/igm-2.0.0 flows).
_MAY_BE_UNSOLICITED: Final = UNSOLICITED_CALLBACKS | {"on_issue", "on_issue_status"}
_CITY = re.compile(r"^std:\d{2,6}$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_URL = re.compile(r"^https?://\S+$")
_SPACE = re.compile(r"\s")
_RETAIL_VERSIONS: Final = frozenset({"1.2.0", "1.2.5"})


@lru_cache(maxsize=1024)  # a flow names the same few participants on every message
def _looks_like_url(subscriber_id: str) -> bool:
    """A scheme or whitespace: a URL (or junk), not a subscriber id."""
    return bool(_SCHEME.match(subscriber_id) or _SPACE.search(subscriber_id))


@lru_cache(maxsize=1024)
def _is_url(uri: str) -> bool:
    return _URL.match(uri) is not None


def _has_context(ctx: CheckContext) -> bool:
    return bool(ctx.message.context)


def _here(key: str) -> str:
    return json_path("context", key)


def _first_with(messages: Iterable[Message], key: str) -> Message | None:
    for message in messages:
        if ctx_str(message, key):
            return message
    return None


@shared  # every later message of the flow compares with the earlier ones' cities
def _city_of(message: Message) -> tuple[str, str | None]:
    """(JSONPath, value) of the city: ``context.city`` (1.x) or ``location.city.code`` (2.0)."""
    context = message.context
    if "city" in context or "location" not in context:
        value = context.get("city")
        return _here("city"), value if isinstance(value, str) else None
    value = get(context, "location", "city", "code")
    return json_path("context", "location", "city", "code"), value if isinstance(
        value, str) else None


def _country_of(message: Message) -> tuple[str, str | None]:
    context = message.context
    if "country" in context or "location" not in context:
        value = context.get("country")
        return _here("country"), value if isinstance(value, str) else None
    value = get(context, "location", "country", "code")
    return json_path("context", "location", "country", "code"), value if isinstance(
        value, str) else None


# --- presence and identity of the message -------------------------------------------------------

@rule("CTX-REQ-001",
      "Context carries domain, action, country, city, version, bap_id, bap_uri, transaction_id, "
      "message_id and timestamp",
      Severity.MAJOR, spec=f"{_P} Message envelope; {_DSL} CONTEXT_REQUIRED")
def required_fields(ctx: CheckContext) -> Iterator[Violation]:
    """Without these a receiver cannot route, correlate or verify the message at all."""
    if not _has_context(ctx):
        return
    context = ctx.message.context
    for key in ("domain", "action", "bap_id", "bap_uri", "transaction_id", "message_id",
                "timestamp"):
        value = context.get(key)
        if not isinstance(value, str) or not value.strip():
            yield Violation(_here(key), f"context.{key} is missing or empty",
                            expected="a non-empty string", actual=value)
    if not ctx.message.version:
        yield Violation(_here("core_version"),
                        "context.core_version (or context.version) is missing",
                        expected="the spec version, e.g. 1.2.5", actual=context.get(
                            "core_version"))
    for path, value in (_city_of(ctx.message), _country_of(ctx.message)):
        if not value:
            yield Violation(path, f"{path[2:]} is missing or empty",
                            expected="a non-empty string", actual=value)


@rule("CTX-TXN-001", "transaction_id is the same on every message from select onward",
      Severity.BLOCKER, spec=f"{_P} Message envelope; {_R} On every message",
      actions=sorted(ORDER_ACTIONS))
def transaction_constant(ctx: CheckContext) -> Iterator[Violation]:
    """One order is one transaction: select→…→on_cancel share a transaction_id (PROTOCOL.md).

    Discovery (search/on_search) may use another one, so the reference is the first earlier
    message of the order journey.
    """
    txn = ctx.message.transaction_id
    if not txn:
        return
    first = next((m for m in ctx.earlier if m.action in ORDER_ACTIONS and m.transaction_id),
                 None)
    if first is not None and first.transaction_id != txn:
        yield Violation(_here("transaction_id"),
                        f"transaction_id changed within the order: {first.action} used "
                        f"{first.transaction_id!r}", expected=first.transaction_id, actual=txn)


@rule("CTX-TXN-002", "A callback's transaction_id equals its request's (discovery, IGM, RSF)",
      Severity.BLOCKER, spec=f"{_P} Message envelope (a callback reuses transaction_id)")
def callback_transaction(ctx: CheckContext) -> Iterator[Violation]:
    """Order-journey callbacks are covered by CTX-TXN-001; this covers the other callbacks."""
    if ctx.message.action in ORDER_ACTIONS or not ctx.message.is_callback:
        return
    request = answered_request(ctx)
    txn = ctx.message.transaction_id
    if request is not None and txn and request.transaction_id and request.transaction_id != txn:
        yield Violation(_here("transaction_id"),
                        f"{ctx.message.action} does not carry the transaction_id of its "
                        f"{request.action}", expected=request.transaction_id, actual=txn)


@rule("CTX-MSGID-001", "transaction_id and message_id differ", Severity.MAJOR,
      spec=f"{_P} Message envelope; {_R} On every message")
def transaction_not_message(ctx: CheckContext) -> Iterator[Violation]:
    """message_id identifies one request/callback pair inside the transaction."""
    message = ctx.message
    if message.message_id and message.message_id == message.transaction_id:
        yield Violation(_here("message_id"), "message_id must differ from transaction_id",
                        expected=f"an id other than {message.transaction_id!r}",
                        actual=message.message_id)


def _incremental(search: Message) -> bool:
    """A search that starts incremental catalogue refresh (intent tag ``catalog_inc``)."""
    return any(tag.get("code") == "catalog_inc"
               for _, tag in items_of(search.body, "intent", "tags"))


@rule("CTX-MSGID-002", "A callback's message_id equals its request's", Severity.CRITICAL,
      spec=f"{_P} Message envelope; {_R} On every message")
def callback_message_id(ctx: CheckContext) -> Iterator[Violation]:
    """Callbacks are correlated with requests by message_id alone.

    on_status, on_cancel and on_update may be pushed unsolicited, with their own message_id, so a
    non-matching id there is not a defect, and so may IGM's on_issue/on_issue_status (the
    respondent pushes progress); so are on_search pushes after an incremental catalogue
    search (``catalog_inc`` tag: Examples/B2C/on_search/incremental_catalog_refresh_* answer M1
    with M2).  With no request of the pair in the flow (an offline
    log without it) there is nothing to compare.
    """
    message = ctx.message
    if not message.is_callback or message.action in _MAY_BE_UNSOLICITED:
        return
    if answered_request(ctx) is not None:
        return
    wanted = request_action_for(message.action)
    requests = [m for m in ctx.earlier if m.action == wanted]
    if message.action == "on_search" and any(_incremental(m) for m in requests):
        return
    if requests:
        yield Violation(_here("message_id"),
                        f"{message.action} message_id matches no {wanted} of this flow",
                        expected=requests[-1].message_id, actual=message.context.get(
                            "message_id"))


@rule("CTX-MSGID-003", "A request's message_id is not reused by a later request",
      Severity.MAJOR, spec=f"{_R} On every message")
def request_message_id_unique(ctx: CheckContext) -> Iterator[Violation]:
    """A reused message_id makes the receiver's callback ambiguous (which request it answers)."""
    message = ctx.message
    if message.is_callback or not message.message_id or not message.action:
        return
    for before in ctx.earlier:
        if not before.is_callback and before.action and before.message_id == message.message_id:
            yield Violation(_here("message_id"),
                            f"message_id was already used by an earlier {before.action}",
                            expected="a new message_id", actual=message.message_id)
            return


@rule("CTX-ACTION-001", "context.action is an ONDC action", Severity.MAJOR,
      spec=f"{_R} On every message; Retail 1.2 openapi/build.yaml, IGM and RSF build.yaml paths")
def known_action(ctx: CheckContext) -> Iterator[Violation]:
    """An unknown action ("onselect", "on-select") cannot be routed by any participant."""
    action = ctx.message.context.get("action")
    if isinstance(action, str) and action and action not in KNOWN_ACTIONS:
        yield Violation(_here("action"), f"{action!r} is not an ONDC action",
                        expected="an action such as select or on_select", actual=action)


@rule("CTX-ACTION-002", "context.action matches the payload (intent→search, catalog→on_search, "
      "tracking→on_track, order only on order actions)",
      Severity.MAJOR, spec=f"{_R} On every message (action equals the API); Retail 1.2 build.yaml")
def action_matches_shape(ctx: CheckContext) -> Iterator[Violation]:
    """A payload built for another API (an on_select body labelled on_init) is a wrong action."""
    action = ctx.message.action
    if action not in KNOWN_ACTIONS:
        return
    body = ctx.message.body
    for key, actions in _SHAPE.items():
        if key in body and action not in actions:
            yield Violation(_here("action"),
                            f"message.{key} belongs to {'/'.join(sorted(actions))}, "
                            f"not {action}", expected=sorted(actions)[0], actual=action)
    if "order" in body and action in _NO_ORDER:
        yield Violation(_here("action"), f"{action} does not carry message.order",
                        expected="an order action (select, init, confirm, on_status, ...)",
                        actual=action)


# --- timestamps and ttl -------------------------------------------------------------------------

@rule("CTX-TIME-001", "timestamp is RFC 3339 UTC with exactly 3 fractional digits and Z",
      Severity.MINOR, spec=f"{_P} Message envelope (context.timestamp); {_R} On every message")
def timestamp_format(ctx: CheckContext) -> Iterator[Violation]:
    """Receivers compare timestamps textually and by value; the network fixes one format."""
    if not _has_context(ctx) or "timestamp" not in ctx.message.context:
        return
    value = ctx.message.context.get("timestamp")
    if not is_strict_timestamp(value):
        yield Violation(_here("timestamp"), "timestamp is not like 2023-06-03T09:30:30.000Z",
                        expected="YYYY-MM-DDTHH:MM:SS.mmmZ", actual=value)


@rule("CTX-TIME-002", "A callback's timestamp is not earlier than its request's",
      Severity.MAJOR, spec=f"{_P} Message envelope; {_R} On every message")
def callback_after_request(ctx: CheckContext) -> Iterator[Violation]:
    """A callback stamped before its request points at a wrong clock or a replayed payload.

    Equal timestamps are accepted: with millisecond resolution a fast loopback round trip can
    finish within the same millisecond.
    """
    request = answered_request(ctx)
    if request is None:
        return
    mine, theirs = parse_timestamp(ctx.message.timestamp), parse_timestamp(request.timestamp)
    if mine is not None and theirs is not None and mine < theirs:
        yield Violation(_here("timestamp"),
                        f"{ctx.message.action} is stamped before its {request.action}",
                        expected=f"not before {request.timestamp}", actual=ctx.message.timestamp)


@rule("CTX-TIME-003", "A request's timestamp is not earlier than the previous callback's",
      Severity.MAJOR, spec=f"{_R} On every message (each request later than the previous "
      "callback)")
def request_after_previous_callback(ctx: CheckContext) -> Iterator[Violation]:
    """init must come after on_select, confirm after on_init, and so on.

    Only solicited callbacks count: an unsolicited on_status can race a buyer's status request.
    """
    message = ctx.message
    if message.is_callback or message.action not in JOURNEY_ACTIONS:
        return
    before = ctx.earlier
    previous = next((m for m in reversed(before) if m.action in JOURNEY_ACTIONS
                     and is_solicited_callback(m, before)), None)
    if previous is None:
        return
    mine, theirs = parse_timestamp(message.timestamp), parse_timestamp(previous.timestamp)
    if mine is not None and theirs is not None and mine < theirs:
        yield Violation(_here("timestamp"),
                        f"{message.action} is stamped before the {previous.action} it follows",
                        expected=f"not before {previous.timestamp}", actual=message.timestamp)


@rule("CTX-TTL-001", "ttl, where present, is an ISO 8601 duration", Severity.MINOR,
      spec=f"{_P} Message envelope (context.ttl); {_DSL} CONTEXT_REG_TTL")
def ttl_format(ctx: CheckContext) -> Iterator[Violation]:
    """The receiver computes the callback deadline from ttl; "30s" or "30" cannot be parsed."""
    context = ctx.message.context
    if "ttl" in context and not is_duration(context.get("ttl")):
        yield Violation(_here("ttl"), "ttl is not an ISO 8601 duration",
                        expected="a duration like PT30S", actual=context.get("ttl"))


_IGM_ACTIONS: Final = ("issue", "on_issue", "issue_status", "on_issue_status")


@rule("CTX-TTL-002", "ttl is PT30S on Retail 1.2 requests and their callbacks, and on Retail "
      "IGM messages, where present",
      Severity.MINOR, spec=f"{_P} Message envelope (Retail 1.2 fixes ttl at PT30S); {_R} On "
      "every message (ttl is PT30S where present); the Retail 1.2 examples' on_search, "
      "on_status, on_cancel and on_track contexts carry PT30S; igm-2.0.0/build/build.yaml "
      "x-attributes (issue, on_issue, issue_status, on_issue_status: ttl mandatory, PT30S) and "
      "every IGM 1.0/2.0 example carry PT30S",
      actions=[*_RETAIL_REQUESTS, *(f"on_{a}" for a in _RETAIL_REQUESTS), *_IGM_ACTIONS],
      domains=RETAIL)
def ttl_thirty_seconds(ctx: CheckContext) -> Iterator[Violation]:
    """Retail 1.2 fixes the request ttl; a longer one lets a late callback look on time.  A
    callback's context ttl, where it gives one, is the same contract value (an on_search
    stamped PT30M is answering a different contract).

    An IGM complaint about a Retail order travels under the Retail contract whatever its
    version (1.0.0, 2.0.0 or the order's 1.2.x): an on_issue stamped PT10M is not one.  IGM
    about a logistics order is left out (the official logistics validator accepts PT30M)."""
    version = ctx.message.version
    if ctx.message.action not in _IGM_ACTIONS and version and version not in _RETAIL_VERSIONS:
        return
    context = ctx.message.context
    ttl = context.get("ttl")
    if "ttl" in context and is_duration(ttl) and ttl != "PT30S":
        kind = "Retail IGM" if ctx.message.action in _IGM_ACTIONS else "Retail 1.2"
        yield Violation(_here("ttl"), f"{kind} messages carry ttl PT30S",
                        expected="PT30S", actual=ttl)


@rule("CTX-TTL-003", "search carries a ttl", Severity.MAJOR,
      spec=f"{_R} On every message (ttl required on search); {_DSL} CONTEXT_REQUIRED_TTL",
      actions=["search"], domains=RETAIL)
def ttl_on_search(ctx: CheckContext) -> Iterator[Violation]:
    """Without a ttl the seller cannot know how long its catalogue answer stays relevant."""
    if _has_context(ctx) and "ttl" not in ctx.message.context:
        yield Violation(_here("ttl"), "search has no ttl", expected="PT30S", actual=None)


@rule("CTX-TTL-004", "A callback is stamped within its request's ttl", Severity.MAJOR,
      spec=f"{_P} Message envelope (callback after the ttl is late: error 20009)")
def callback_within_ttl(ctx: CheckContext) -> Iterator[Violation]:
    """Compares context timestamps (callback − request ≤ request ttl), so it works offline.

    The live runner separately reports callbacks that *arrive* late (WIRE-CALLBACK-002).  IGM
    and RSF callbacks are left out: their answers follow the issue's own response and resolution
    times, not the request ttl.
    """
    if ctx.message.action not in JOURNEY_ACTIONS:
        return
    request = answered_request(ctx)
    if request is None:
        return
    ttl = request.context.get("ttl")
    if not is_duration(ttl):
        return
    mine, theirs = parse_timestamp(ctx.message.timestamp), parse_timestamp(request.timestamp)
    if mine is None or theirs is None:
        return
    elapsed = (mine - theirs).total_seconds()
    if elapsed > parse_duration(str(ttl)):
        yield Violation(_here("timestamp"),
                        f"{ctx.message.action} is stamped {elapsed:.3f}s after its "
                        f"{request.action}, beyond the request ttl {ttl}",
                        expected=f"within {ttl} of {request.timestamp}",
                        actual=ctx.message.timestamp)


# --- participants -------------------------------------------------------------------------------

@rule("CTX-ID-001", "bap_id and bpp_id are subscriber ids, not URLs", Severity.MAJOR,
      spec=f"{_R} On every message (bap_id/bpp_id are subscriber ids)")
def subscriber_ids(ctx: CheckContext) -> Iterator[Violation]:
    """The registry and the signature keyId use the subscriber id; a URL there matches nothing.

    Subscriber ids may contain a path (``pramaan.ondc.org/beta/preprod/mock/seller``), so only a
    scheme or whitespace makes one a URL.
    """
    for key in ("bap_id", "bpp_id"):
        value = ctx.message.context.get(key)
        if isinstance(value, str) and value and _looks_like_url(value):
            yield Violation(_here(key), f"{key} looks like a URL, not a subscriber id",
                            expected="a subscriber id such as sellerNP.com", actual=value)


@rule("CTX-ID-002", "bap_uri and bpp_uri are http(s) URLs", Severity.MAJOR,
      spec=f"{_DSL} CONTEXT_REG_BAP_URI, CONTEXT_REG_BPP_URI")
def subscriber_uris(ctx: CheckContext) -> Iterator[Violation]:
    """Callbacks are POSTed to ``{bap_uri}/on_…``; anything else is undeliverable."""
    for key in ("bap_uri", "bpp_uri"):
        value = ctx.message.context.get(key)
        if key in ctx.message.context and not (isinstance(value, str) and _is_url(value)):
            yield Violation(_here(key), f"{key} is not an http(s) URL",
                            expected="https://…", actual=value)


@rule("CTX-ID-003", "bap_id and bap_uri are the same across the flow", Severity.CRITICAL,
      spec=f"{_P} Message envelope; {_R} On every message")
def bap_consistent(ctx: CheckContext) -> Iterator[Violation]:
    """A changed buyer identity mid-flow sends callbacks to, or accepts them from, someone else.

    Only messages of the same transaction are compared: a recorded order flow starts with the
    catalogue of another transaction, and a certification's discovery is often run by another
    buyer app (the Pramaan mock buyer) than the order.
    """
    if ctx.message.action not in JOURNEY_ACTIONS:
        return
    txn = ctx.message.transaction_id
    before = [m for m in journey_messages(ctx.earlier)
              if not txn or not m.transaction_id or m.transaction_id == txn]
    for key in ("bap_id", "bap_uri"):
        mine = ctx_str(ctx.message, key)
        first = _first_with(before, key)
        if mine and first is not None and ctx_str(first, key) != mine:
            yield Violation(_here(key), f"{key} differs from the one in {first.action}",
                            expected=ctx_str(first, key), actual=mine)


@rule("CTX-ID-004", "bpp_id and bpp_uri are the same from select onward", Severity.CRITICAL,
      spec=f"{_P} Message envelope; {_R} On every message",
      actions=sorted(ORDER_ACTIONS))
def bpp_consistent(ctx: CheckContext) -> Iterator[Violation]:
    """Discovery may hear from many sellers; an order is with one."""
    before = [m for m in ctx.earlier if m.action in ORDER_ACTIONS]
    for key in ("bpp_id", "bpp_uri"):
        mine = ctx_str(ctx.message, key)
        first = _first_with(before, key)
        if mine and first is not None and ctx_str(first, key) != mine:
            yield Violation(_here(key), f"{key} differs from the one in {first.action}",
                            expected=ctx_str(first, key), actual=mine)


@rule("CTX-ID-005", "bpp_id and bpp_uri are present on every message after search",
      Severity.MAJOR, spec=f"{_P} Message envelope (bpp_id/bpp_uri after discovery; the "
      "official validator also requires them on on_search)")
def bpp_present(ctx: CheckContext) -> Iterator[Violation]:
    """Only a broadcast search may omit the seller; everything after it is addressed to one."""
    if not _has_context(ctx) or ctx.message.action in ("", "search"):
        return
    if ctx.message.action not in JOURNEY_ACTIONS:
        return
    for key in ("bpp_id", "bpp_uri"):
        value = ctx.message.context.get(key)
        if not isinstance(value, str) or not value.strip():
            yield Violation(_here(key), f"{key} is missing on {ctx.message.action}",
                            expected="the seller's subscriber id/URI", actual=value)


# --- where -------------------------------------------------------------------------------------

@rule("CTX-DOMAIN-001", "domain is the same across the flow", Severity.CRITICAL,
      spec=f"{_R} On every message (domain identical across the flow)")
def domain_consistent(ctx: CheckContext) -> Iterator[Violation]:
    """The domain selects the category rules, schemas and registry entries of the order."""
    if ctx.message.action not in JOURNEY_ACTIONS or not ctx.message.domain:
        return
    first = _first_with(journey_messages(ctx.earlier), "domain")
    if first is not None and first.domain != ctx.message.domain:
        yield Violation(_here("domain"), f"domain differs from the one in {first.action}",
                        expected=first.domain, actual=ctx.message.domain)


@rule("CTX-CITY-001", "city is the one of the search", Severity.MAJOR,
      spec=f"{_R} On every message (city as in search)")
def city_as_in_search(ctx: CheckContext) -> Iterator[Violation]:
    """Serviceability and the registry lookup are per city; the order cannot move city.

    The reference is the latest search of the flow, or its first message when there is none;
    ``*`` (city-agnostic incremental catalogue refresh) is never compared. Only messages of the
    same transaction are compared: a recorded order flow may start with a catalogue fetched
    in another transaction (often by another buyer app, in another city).
    """
    if ctx.message.action not in JOURNEY_ACTIONS or ctx.message.action == "search":
        return
    path, mine = _city_of(ctx.message)
    if not mine or mine == "*":
        return
    txn = ctx.message.transaction_id
    first = last_search = None
    for m in ctx.earlier:
        if m.action not in JOURNEY_ACTIONS or (txn and m.transaction_id
                                               and m.transaction_id != txn):
            continue
        if _city_of(m)[1] in (None, "*"):
            continue
        first = first or m
        if m.action == "search":
            last_search = m
    reference = last_search or first
    if reference is None:
        return
    theirs = _city_of(reference)[1]
    if theirs != mine:
        yield Violation(path, f"city differs from the one in {reference.action}",
                        expected=theirs, actual=mine)


@rule("CTX-CITY-002", "city is an STD code like std:080 (* only for discovery)", Severity.MINOR,
      spec=f"{_P} Message envelope (context.city is std:<STD code>)")
def city_format(ctx: CheckContext) -> Iterator[Violation]:
    """Registry entries are keyed by std code; a city name ("Bengaluru") matches none."""
    if not _has_context(ctx):
        return
    path, value = _city_of(ctx.message)
    if not value:
        return
    if value == "*" and (ctx.message.action in DISCOVERY_ACTIONS
                         or ctx.message.action not in JOURNEY_ACTIONS):
        return
    if not _CITY.match(value):
        yield Violation(path, "city is not an STD code", expected="std:<digits>, e.g. std:080",
                        actual=value)


@rule("CTX-COUNTRY-001", "country is IND", Severity.MAJOR,
      spec=f"{_P} Message envelope (country is IND)")
def country_india(ctx: CheckContext) -> Iterator[Violation]:
    """ONDC is India's network; the registry has no other country."""
    if not _has_context(ctx):
        return
    path, value = _country_of(ctx.message)
    if value and value != "IND":
        yield Violation(path, "country is not IND", expected="IND", actual=value)


@rule("CTX-VERSION-001", "core_version is the same across the flow", Severity.MAJOR,
      spec=f"{_P} Message envelope (core_version); {_DSL} CONTEXT_ENUM_VERSION")
def version_consistent(ctx: CheckContext) -> Iterator[Violation]:
    """Both sides must speak one contract version for the whole order (1.2.0 vs 1.2.5 differ
    in enums and required fields)."""
    if ctx.message.action not in JOURNEY_ACTIONS or not ctx.message.version:
        return
    first = next((m for m in journey_messages(ctx.earlier) if m.version), None)
    if first is not None and first.version != ctx.message.version:
        key = "core_version" if "core_version" in ctx.message.context else "version"
        yield Violation(_here(key), f"version differs from the one in {first.action}",
                        expected=first.version, actual=ctx.message.version)


@rule("CTX-VERSION-002", "Retail core_version is 1.2.0 or 1.2.5", Severity.MAJOR,
      spec=f"{_P} Message envelope (Retail B2C core_version); {_DSL} CONTEXT_ENUM_VERSION",
      actions=sorted(JOURNEY_ACTIONS), domains=RETAIL)
def retail_version(ctx: CheckContext) -> Iterator[Violation]:
    """Typos ("1.2", "1.2.5 ") are common in logs and make every version-specific rule skip."""
    if not _has_context(ctx) or "version" in ctx.message.context:
        return
    value: Any = ctx.message.context.get("core_version", MISSING)
    if value is not MISSING and not member(value, _RETAIL_VERSIONS):
        yield Violation(_here("core_version"), "not a Retail 1.2 core_version",
                        expected="1.2.0 or 1.2.5", actual=value)
