"""Offline checking: recorded payloads on disk → flows of :class:`Message` → the live engine.

Recorded logs are messy, so this module assumes nothing about file names and never raises on
content.  Every file ends up as messages, a ``FILE-*`` finding, or a skipped entry with a reason.

**Reading a file.**  A file is parsed as JSON when its name ends in ``.json``/``.jsonl``/``.ndjson``
or its first byte is ``{`` or ``[``; JSON Lines are accepted.  Other files (pdf, xlsx, zip,
screenshots) are skipped.  Inside a parsed value, payloads are found wherever they are:

- a ``{"context": {...}, ...}`` object is a payload (extra keys a logger added are kept);
- a list (an array of payloads) is read element by element;
- ``{"request": ..., "response": ...}`` keeps only the request: the response is the ACK;
- ``{"body": ...}`` and the official validator's input ``{"domain", "flow", "payload": ...}``
  are unwrapped;
- any other object is a map keyed by step name (``{"on_select": {...}, "init": {...}}``), and
  the key names the payload (``payload.json#on_select``).

The official validator's verdicts (``{"success", "response": {"report": ...}}``, ``logReport``,
``{"Schema", "Message"}``, or a report-like name with no payload inside) are not payloads: they
are skipped as "verdict file".

**Grouping rule.**  A flow is the payloads of one folder (its own files only, not its
subfolders) that share ``context.transaction_id``, ordered by ``context.timestamp`` (a request
before its callback on a tie; payloads without a readable timestamp last, in file order).  File
names are never used for ordering.  Identical payloads found twice in a folder (a step saved
twice, or a validator input file beside the step files) are checked once; the copy is skipped
as a duplicate.  A payload without a transaction_id is checked alone and reported
(``FILE-TXN-001``).  Search flows often run under a different transaction than the order: an
order flow sees the catalogue (search/on_search of the other transactions of its folder, up to
its first message) at the head of its history, so cross-step rules can compare with it; those
catalogue messages are checked in their own flow, not again.
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ondc_harness.checks import runner_rules, views
from ondc_harness.checks.catalog import CATALOG, declare
from ondc_harness.checks.engine import check_message
from ondc_harness.checks.findings import Finding, Severity
from ondc_harness.checks.rules.igm import moved_issues
from ondc_harness.message import FlowHistory, Message

FILE_NOT_JSON = declare(
    "FILE-JSON-001", "A recorded log file is valid JSON (not empty, truncated or binary)",
    Severity.MAJOR, "PROTOCOL.md Message envelope (every message is a JSON object)", "file").id
FILE_NO_PAYLOAD = declare(
    "FILE-PAYLOAD-001",
    "A recorded log file holds at least one ONDC payload ({context, message})",
    Severity.MAJOR, "PROTOCOL.md Message envelope", "file").id
FILE_NO_TRANSACTION = declare(
    "FILE-TXN-001",
    "A recorded payload carries context.transaction_id, so it can be placed in its flow",
    Severity.MAJOR, "PROTOCOL.md Message envelope (transaction_id is constant for the order)",
    "file").id

JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 8
CATALOGUE_ACTIONS = frozenset({"search", "on_search"})
_VERDICT_NAME = re.compile(r"valid|verdict|report|response|result|utility|output", re.I)
_IGNORED_DIRS = frozenset({"__MACOSX", "__pycache__"})


@dataclass(frozen=True)
class Skipped:
    """A file (or an entry inside one) that holds nothing to check, and why."""

    file: str
    reason: str


@dataclass
class Flow:
    """One transaction's messages from one folder, in the order they happened.

    ``catalogue`` holds messages of other transactions that the flow's history starts with;
    ``findings`` are what loading itself found (``FILE-*``, and IGM-TXN-001, which needs every
    flow of the folder), before any rule ran.
    """

    path: str
    transaction_id: str | None
    messages: list[Message] = field(default_factory=list)
    catalogue: list[Message] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class LoadResult:
    """Everything read from a path: the flows to check and the files that were skipped."""

    flows: list[Flow] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files: int = 0

    def extend(self, other: LoadResult) -> None:
        self.flows.extend(other.flows)
        self.skipped.extend(other.skipped)
        self.files += other.files


@dataclass
class FlowReport:
    """The findings of one flow; ``domain``/``version`` are the flow's most common ones."""

    path: str
    domain: str
    version: str
    transaction_id: str | None
    findings: list[Finding]
    messages: int = 0


# --- reading one file ------------------------------------------------------------------------

class _NotJson(Exception):
    """A file that should hold JSON but does not; the message says what is wrong."""


class _Numbers:
    """Watches one parse for numbers that are not finite (``NaN``, ``Infinity``, ``1e999``).

    Python's json module accepts them; the schema check must then take its careful path (see
    :func:`ondc_harness.checks.schema.validate`).  Knowing a file held none saves that check a
    whole-payload scan of every message.
    """

    def __init__(self) -> None:
        self.all_finite = True

    def constant(self, name: str) -> float:
        self.all_finite = False
        return float(name)

    def number(self, text: str) -> float:
        value = float(text)
        if math.isinf(value):
            self.all_finite = False
        return value


def _parse_text(raw: bytes) -> tuple[Any, bool]:
    """JSON, or concatenated JSON values, and whether every number in it is finite; raises
    :class:`_NotJson` with a short reason."""
    if not raw.strip():
        raise _NotJson("file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _NotJson(f"not UTF-8 text (byte {exc.start})") from None
    numbers = _Numbers()
    decoder = json.JSONDecoder(parse_constant=numbers.constant, parse_float=numbers.number)
    try:
        return decoder.decode(text), numbers.all_finite
    except RecursionError:
        raise _NotJson("JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            values = _parse_concatenated(text, decoder)
            if values is not None:
                return values, numbers.all_finite
        raise _NotJson(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") \
            from None


def _parse_concatenated(text: str, decoder: json.JSONDecoder) -> list[Any] | None:
    """Several JSON values one after another (JSON Lines, or ``}{`` appended by a logger) as a
    list, or ``None`` when the text is not such a sequence."""
    values: list[Any] = []
    position = 0
    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        if position == len(text):
            return values
        try:
            value, position = decoder.raw_decode(text, position)
        except (json.JSONDecodeError, RecursionError):
            return None
        values.append(value)


def _looks_like_json(path: Path, raw: bytes) -> bool:
    """Decide by name or first byte: a ``.txt`` holding JSON is read, a PDF is not."""
    if path.suffix.lower() in JSON_SUFFIXES:
        return True
    head = raw[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"{", b"[")


def is_verdict(name: str, value: Any, has_payload: bool) -> bool:
    """The official validator's output: recognised by shape, or by name when nothing is inside.

    Shape wins over name because RSF has a real ``report`` action whose payloads are often
    saved as ``report.json``.
    """
    if isinstance(value, dict) and not isinstance(value.get("context"), dict):
        if "success" in value and "response" in value:
            return True
        if "logReport" in value or ("Schema" in value and not has_payload):
            return True
    return not has_payload and bool(_VERDICT_NAME.search(name))


@dataclass
class _Extracted:
    payloads: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    empty_slots: list[str] = field(default_factory=list)


def _extract(value: Any, locator: str, out: _Extracted, depth: int = 0) -> None:
    """Collect every payload inside ``value``; ``locator`` names where each one was found."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for index, element in enumerate(value):
            _extract(element, f"{locator}[{index}]", out, depth + 1)
        return
    if not isinstance(value, dict):
        return
    if isinstance(value.get("context"), dict):
        out.payloads.append((value, locator))
    elif not value:
        out.empty_slots.append(locator)
    elif "request" in value:
        _extract(value["request"], locator, out, depth + 1)
    elif "body" in value or "payload" in value:
        _extract(value.get("body", value.get("payload")), locator, out, depth + 1)
    else:
        separator = "." if "#" in locator else "#"
        for key, element in value.items():
            _extract(element, f"{locator}{separator}{key}", out, depth + 1)


@dataclass
class _FileResult:
    messages: list[Message] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _file_finding(rule_id: str, name: str, text: str) -> Finding:
    return Finding(rule_id=rule_id, severity=CATALOG[rule_id].severity, action="?", path="$",
                   message=text, file=name)


def read_file(path: Path, shown: str) -> _FileResult:
    """Messages, findings and skips for one file; ``shown`` is the path as reports print it."""
    result = _FileResult()
    try:
        with open(path, "rb") as handle:  # one open and fstat: thousands of files per tree
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                result.skipped.append(Skipped(shown, f"too large ({size} bytes)"))
                return result
            raw = handle.read()
    except OSError as exc:
        result.skipped.append(Skipped(shown, f"unreadable: {exc.strerror or exc}"))
        return result
    if not _looks_like_json(path, raw):
        kind = path.suffix.lower() or "no extension"
        result.skipped.append(Skipped(shown, f"not a JSON file ({kind})"))
        return result
    try:
        value, all_finite = _parse_text(raw)
    except _NotJson as exc:
        result.findings.append(_file_finding(FILE_NOT_JSON, path.name, str(exc)))
        return result
    _read_value(path.name, shown, value, result, plain_json=all_finite)
    return result


def _read_value(name: str, shown: str, value: Any, result: _FileResult,
                plain_json: bool = False) -> None:
    extracted = _Extracted()
    _extract(value, name, extracted)
    if is_verdict(name, value, bool(extracted.payloads)):
        result.skipped.append(Skipped(shown, "verdict file (official validator output)"))
        return
    for payload, locator in extracted.payloads:
        result.messages.append(Message(payload=payload, file=locator, plain_json=plain_json))
    if not extracted.payloads and value in ({}, []):
        what = "an empty object" if isinstance(value, dict) else "an empty array"
        result.findings.append(_file_finding(FILE_NO_PAYLOAD, name, f"file holds {what}"))
        return
    for locator in extracted.empty_slots:
        result.skipped.append(Skipped(f"{shown}{locator[len(name):]}", "empty step slot {}"))
    if not extracted.payloads and not extracted.empty_slots:
        result.findings.append(_file_finding(
            FILE_NO_PAYLOAD, name, "no ONDC payload ({context, message}) found in the file"))


# --- ordering and grouping -------------------------------------------------------------------

@lru_cache(maxsize=8192)  # ordering, grouping and stamping ask for each timestamp several times
def instant(text: str) -> datetime | None:
    """``context.timestamp`` as an aware datetime, or ``None`` when it cannot be read."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _order_key(indexed: tuple[int, Message]) -> tuple[int, float, int, int]:
    """Timestamp first; a request before its callback on a tie; unreadable times last."""
    index, message = indexed
    moment = instant(message.timestamp)
    if moment is None:
        return (1, 0.0, 0, index)
    return (0, moment.timestamp(), int(message.is_callback), index)


def in_time_order(messages: Iterable[Message]) -> list[Message]:
    return [m for _, m in sorted(enumerate(messages), key=_order_key)]


def _identity(message: Message) -> tuple[str, str, str, str]:
    """Cheap key: only payloads that share it are compared in full."""
    return (message.transaction_id, message.action, message.message_id, message.timestamp)


def _drop_duplicates(messages: list[Message], folder: str) -> tuple[list[Message], list[Skipped]]:
    """Identical payloads are one step: keep one copy and skip the others.

    A payload saved in its own file wins over its copy inside a bundle (a validator input
    file, an array), and ``on_init.json`` over ``on_init (1).json``, so findings name the
    step's own file.
    """
    kept_by_identity: dict[tuple[str, str, str, str], list[Message]] = {}
    kept: set[int] = set()
    skipped: list[Skipped] = []
    for index in sorted(range(len(messages)), key=lambda i: _preference(messages[i], i)):
        message = messages[index]
        same = kept_by_identity.setdefault(_identity(message), [])
        original = next((m for m in same if m.payload == message.payload), None)
        if original is not None:
            skipped.append(Skipped(_join(folder, message.file or "?"),
                                   f"duplicate of {original.file or '?'}"))
        else:
            same.append(message)
            kept.add(index)
    return [m for i, m in enumerate(messages) if i in kept], skipped


def _preference(message: Message, index: int) -> tuple[bool, int, int]:
    name = message.file or ""
    return ("#" in name or "[" in name, len(name), index)


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _group(messages: list[Message], folder: str) -> list[Flow]:
    """One flow per transaction_id; payloads without one are checked alone."""
    by_txn: dict[str, list[Message]] = {}
    alone: list[Flow] = []
    for message in messages:
        if message.transaction_id:
            by_txn.setdefault(message.transaction_id, []).append(message)
        else:
            alone.append(_lonely_flow(message, folder))
    flows = [Flow(folder, txn, in_time_order(group)) for txn, group in by_txn.items()]
    flows.sort(key=lambda f: _order_key((0, f.messages[0])))
    _attach_catalogue(flows)
    return flows + alone


def _lonely_flow(message: Message, folder: str) -> Flow:
    finding = _file_finding(
        FILE_NO_TRANSACTION, message.file or "?",
        "payload has no context.transaction_id: checked alone, without the rest of its flow")
    finding = replace(finding, action=message.action or "?", path="$.context.transaction_id")
    return Flow(folder, None, [message], findings=[finding])


def _is_catalogue(flow: Flow) -> bool:
    return all(m.action in CATALOGUE_ACTIONS for m in flow.messages)


def _attach_catalogue(flows: list[Flow]) -> None:
    """Give each order flow the folder's catalogue messages that precede its first message."""
    catalogues = [m for f in flows if _is_catalogue(f) for m in f.messages]
    if not catalogues:
        return
    for flow in flows:
        if _is_catalogue(flow):
            continue
        start = instant(flow.messages[0].timestamp)
        flow.catalogue = in_time_order(
            m for m in catalogues
            if start is None or (moment := instant(m.timestamp)) is None or moment <= start)


# --- walking a path --------------------------------------------------------------------------

def _folder_files(path: Path) -> Iterator[tuple[Path, list[Path]]]:
    """(folder, its files) for ``path`` and every folder below it, in a stable order."""
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and d not in _IGNORED_DIRS)
        yield Path(dirpath), [Path(dirpath) / name for name in sorted(filenames)]


def load_folder(folder: Path, files: list[Path], shown: str) -> LoadResult:
    """Read ``files`` (all in ``folder``) and group their payloads into flows."""
    result = LoadResult(files=len(files))
    messages: list[Message] = []
    file_findings: list[Finding] = []
    for path in files:
        name_shown = _join(shown, path.name)
        if path.name.startswith("."):
            result.skipped.append(Skipped(name_shown, "hidden file"))
            continue
        one = read_file(path, name_shown)
        messages.extend(one.messages)
        file_findings.extend(one.findings)
        result.skipped.extend(one.skipped)
    messages, duplicates = _drop_duplicates(messages, shown)
    result.skipped.extend(duplicates)
    _stamp_times(messages)
    result.flows = _group(messages, shown)
    _folder_findings(result.flows)
    if file_findings:
        result.flows.append(Flow(shown, None, findings=file_findings))
    return result


def _folder_findings(flows: list[Flow]) -> None:
    """What only the folder as a whole shows, on the flow of the message concerned: an IGM
    issue whose later calls moved to another transaction_id (IGM-TXN-001)."""
    by_transaction = {flow.transaction_id: flow for flow in flows if flow.transaction_id}
    for message, finding in moved_issues(in_time_order(m for f in flows for m in f.messages)):
        flow = by_transaction.get(message.transaction_id)
        if flow is not None:
            flow.findings.append(finding)


def _stamp_times(messages: list[Message]) -> None:
    """``received_at`` is when the message was sent, as far as the log tells."""
    for message in messages:
        moment = instant(message.timestamp)
        if moment is not None:
            message.received_at = moment.timestamp()


def iter_folders(path: Path) -> Iterator[LoadResult]:
    """One :class:`LoadResult` per folder, so a big tree is checked without holding it all.

    ``path`` may be a single payload file, a flow folder, or a tree of flow folders.  Raises
    ``FileNotFoundError`` only when ``path`` itself does not exist.
    """
    if not path.exists():
        raise FileNotFoundError(str(path))
    if path.is_file():
        yield load_folder(path.parent, [path], str(path.parent))
        return
    for folder, files in _folder_files(path):
        if files:
            relative = folder.relative_to(path)
            shown = str(path / relative) if relative.parts else str(path)
            yield load_folder(folder, files, shown)


def load_flows(path: Path) -> LoadResult:
    """Every flow and skipped file under ``path`` (see the module docstring for the rules)."""
    result = LoadResult()
    for part in iter_folders(path):
        result.extend(part)
    return result


# --- checking --------------------------------------------------------------------------------

def _check_one(message: Message, history: FlowHistory) -> list[Finding]:
    """The live engine; an unexpected engine error becomes a finding, never a traceback."""
    try:
        return check_message(message, history)
    except Exception as exc:  # the engine guards rules; this guards the engine itself
        return [Finding(rule_id=runner_rules.RULE_CRASHED, severity=Severity.MAJOR,
                        action=message.action or "?", path="$",
                        message=f"check engine crashed: {type(exc).__name__}: {exc}",
                        file=message.file)]


def check_message_in_flow(flow: Flow, index: int) -> list[Finding]:
    """The findings of ``flow.messages[index]`` given the messages before it (catalogue first)."""
    history = FlowHistory([*flow.catalogue, *flow.messages[:index]])
    return _check_one(flow.messages[index], history)


def check_flow(flow: Flow) -> FlowReport:
    """Check each message of ``flow`` against the messages before it (catalogue first)."""
    findings = list(flow.findings)
    history = FlowHistory(list(flow.catalogue))
    with views.checking():  # what rules derive from a message is derived once per flow
        for message in flow.messages:
            findings.extend(_check_one(message, FlowHistory(list(history.messages))))
            history.append(message)
    return FlowReport(path=flow.path, domain=_most_common(m.domain for m in flow.messages),
                      version=_most_common(m.version for m in flow.messages),
                      transaction_id=flow.transaction_id, findings=findings,
                      messages=len(flow.messages))


def _most_common(values: Iterable[str]) -> str:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else ""


def check_flows(result: LoadResult) -> list[FlowReport]:
    """A report per flow, in load order."""
    return [check_flow(flow) for flow in result.flows]


def check_path(path: Path) -> tuple[list[FlowReport], LoadResult]:
    """Load and check folder by folder (bounded memory); the result keeps skips and counts only."""
    reports: list[FlowReport] = []
    totals = LoadResult()
    folders = iter_folders(path)
    while True:
        with _cyclic_gc_paused():
            part = next(folders, None)
            if part is None:
                break
            reports.extend(check_flows(part))
            totals.skipped.extend(part.skipped)
            totals.files += part.files
            del part  # the folder's payloads go before the collector looks again
    return reports, totals


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector off while one folder is read and checked.

    Reading a folder builds tens of thousands of JSON containers that stay alive while its
    rules allocate millions of short-lived objects; every few hundred allocations the collector
    would walk the young payloads again, and every so often all of them (~15 % of the check's
    time on real-logs).  JSON payloads hold no cycles, and the rules make few (~20k objects over
    all of real-logs), so what a folder leaves behind is collected once it is done.  A caller
    that turned the collector off keeps it off.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
