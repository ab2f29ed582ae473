"""Findings raised by the runner rather than by a rule function.

They live in the catalogue like every other rule so they have stable ids, severities and spec
references, and are listed by ``ondc-harness rules``.  The ids are module constants so the
code that raises them cannot mistype one.
"""

from __future__ import annotations

from ondc_harness.checks.catalog import declare
from ondc_harness.checks.findings import Severity

_P = "PROTOCOL.md"

WIRE_UNREACHABLE = declare(
    "WIRE-CONN-001", "Participant is reachable (no refused or reset connection)",
    Severity.BLOCKER, f"{_P} Message envelope", "wire").id
WIRE_SYNC_TIMEOUT = declare(
    "WIRE-CONN-002", "Synchronous answer arrives within --request-timeout",
    Severity.BLOCKER, f"{_P} Message envelope", "wire").id
WIRE_HTTP_STATUS = declare(
    "WIRE-HTTP-001", "Synchronous answer to a valid request is HTTP 200",
    Severity.CRITICAL, f"{_P} Message envelope", "wire").id
WIRE_ACK_SHAPE = declare(
    "WIRE-ACK-001", "Synchronous answer is JSON {message: {ack: {status: ACK|NACK}}}",
    Severity.CRITICAL, f"{_P} Message envelope (synchronous answer)", "wire").id
WIRE_NACK = declare(
    "WIRE-ACK-002", "A valid request is acknowledged (ACK), not refused (NACK)",
    Severity.CRITICAL, f"{_P} Message envelope (synchronous answer)", "wire").id
WIRE_NACK_ERROR = declare(
    "WIRE-ACK-003", "A NACK carries an error object with type and code",
    Severity.MAJOR, f"{_P} Message envelope (synchronous answer)", "wire").id
CALLBACK_MISSING = declare(
    "WIRE-CALLBACK-001", "The callback arrives within the request ttl (+ grace)",
    Severity.BLOCKER, f"{_P} context.ttl; error 20009", "wire").id
CALLBACK_LATE = declare(
    "WIRE-CALLBACK-002", "No callback arrives after the request ttl (+ grace) has run out",
    Severity.MAJOR, f"{_P} context.ttl; error 20009", "wire").id
CALLBACK_DUPLICATE = declare(
    "WIRE-CALLBACK-003", "A callback is sent once per request (no duplicate message_id)",
    Severity.MAJOR, f"{_P} Message envelope", "wire").id
CALLBACK_UNKNOWN = declare(
    "WIRE-CALLBACK-004", "Callbacks refer to a transaction and request the harness sent",
    Severity.MAJOR, f"{_P} Message envelope", "wire").id
SIGNATURE_INVALID = declare(
    "WIRE-SIG-001", "Every message carries a valid Authorization signature",
    Severity.BLOCKER, f"{_P} Signing", "wire").id
BODY_NOT_JSON = declare(
    "WIRE-BODY-001", "Message body is valid UTF-8 JSON with context and message objects",
    Severity.BLOCKER, f"{_P} Message envelope", "wire").id
BODY_TOO_LARGE = declare(
    "WIRE-BODY-002", "Message body is within --max-body",
    Severity.CRITICAL, f"{_P} Message envelope", "wire").id
SCHEMA = declare(
    "SCHEMA-001", "Payload conforms to the JSON Schema of its action and version",
    Severity.CRITICAL, "Official OpenAPI build of the domain (schemas/)", "schema").id
RULE_CRASHED = declare(
    "HARNESS-001", "A rule could not evaluate this message (harness defect: please report)",
    Severity.MAJOR, "ondc-harness itself", "harness").id
CALLBACK_WRONG_PATH = declare(
    "WIRE-PATH-001", "A message is POSTed to the path of its own action (/on_select for on_select)",
    Severity.MAJOR, f"{_P} Message envelope", "wire").id
CALLBACK_BEFORE_ACK = declare(
    "WIRE-CALLBACK-005",
    "A callback does not arrive before the synchronous ACK of its request (the harness holds "
    "an early callback up to 1 s for the ACK)",
    Severity.MINOR, f"{_P} error 20008 (response out of sequence)", "wire").id
WIRE_CONTENT_TYPE = declare(
    "WIRE-HTTP-002", "Messages and synchronous answers are sent as Content-Type application/json",
    Severity.MINOR, f"{_P} Message envelope (every API call is a JSON POST)", "wire").id
FLOW_SAVE = declare(
    "FLOW-SAVE-001", "A value the flow needs later (a scenario `save:`) is present in the message",
    Severity.MAJOR, "scenario definition (the value the next request is built from)", "flow").id
SAME_AS = declare(
    "FLOW-SAME-001", "Parts a scenario marks `same_as` an earlier message are unchanged",
    Severity.CRITICAL, "scenario definition (checks: same_as)", "flow").id
