"""The transcript: every message in and out, one JSON line each, flushed as it happens.

It is the evidence of record.  It is written from whichever thread sees the message (the
inbound server thread for callbacks), under a lock, and flushed per line, so a run interrupted
by Ctrl-C or a crash keeps everything up to the last message.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ondc_harness.checks.findings import Finding
    from ondc_harness.wire.client import SyncAnswer
    from ondc_harness.wire.mailbox import Inbound


def new_run_dir(root: Path) -> Path:
    """A fresh ``reports/<run-id>/``; never reuses (and so never overwrites) an earlier run's."""
    root.mkdir(parents=True, exist_ok=True)
    while True:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        candidate = root / f"{stamp}-{secrets.token_hex(3)}"
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate


def body_fields(raw: bytes | None) -> dict[str, Any]:
    """The body as text when it is UTF-8, else base64, so any bytes survive JSON."""
    if raw is None:
        return {}
    try:
        return {"body": raw.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(raw).decode()}


class Transcript:
    """Append-only JSON-lines writer, safe to call from several threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._file = path.open("a", encoding="utf-8")

    def record(self, event: dict[str, Any]) -> None:
        event = {"at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                 "monotonic": round(time.monotonic(), 6), **event}
        line = json.dumps(event, ensure_ascii=False, default=str)
        with self._lock:
            if self._file.closed:
                return
            self._file.write(line + "\n")
            self._file.flush()

    def record_outbound(self, flow: str, step: str, url: str, headers: dict[str, str],
                        body: bytes, answer: SyncAnswer) -> None:
        self.record({
            "kind": "request", "direction": "out", "flow": flow, "step": step, "url": url,
            "headers": headers, **body_fields(body),
            "answer": {"status": answer.status_code, "headers": answer.headers,
                       "elapsed_ms": round(answer.elapsed_s * 1000, 3),
                       "transport_error": answer.transport_error, **body_fields(answer.body)},
            "findings": [f.to_dict() for f in answer.findings],
        })

    def record_inbound(self, inbound: Inbound, verdict: str, answer: dict[str, Any]) -> None:
        message = inbound.message
        self.record({
            "kind": "inbound", "direction": "in", "path": inbound.path, "seq": inbound.seq,
            "action": message.action, "transaction_id": message.transaction_id,
            "message_id": message.message_id, "headers": message.headers,
            **body_fields(message.raw), "delivery": verdict,
            "answer": {"status": inbound.answer_status, "body": answer},
            "findings": [f.to_dict() for f in inbound.findings],
        })

    def record_step(self, flow: str, step: str, outcome: str, findings: list[Finding],
                    note: str = "") -> None:
        self.record({"kind": "step", "flow": flow, "step": step, "outcome": outcome,
                     "note": note, "findings": [f.to_dict() for f in findings]})

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.flush()
                os.fsync(self._file.fileno())
                self._file.close()
