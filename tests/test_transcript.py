"""The transcript (``report/transcript.py``): the evidence of record, one JSON line per event."""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time

from ondc_harness.checks.findings import Finding, Severity
from ondc_harness.message import Message
from ondc_harness.report.transcript import Transcript, body_fields, new_run_dir
from ondc_harness.wire.client import SyncAnswer
from ondc_harness.wire.mailbox import Inbound

NOT_UTF8 = b'{"name":"caf\xe9"}\xff\x00'


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def transcript(tmp_path: Path) -> Iterator[Transcript]:
    t = Transcript(tmp_path / "transcript.jsonl")
    yield t
    t.close()


# -- run directories ----------------------------------------------------------------------


def test_new_run_dir_twice_in_the_same_second(tmp_path: Path) -> None:
    root = tmp_path / "reports" / "nested"
    with freeze_time("2024-05-01 10:00:00"):
        first = new_run_dir(root)
        second = new_run_dir(root)
    assert first != second
    assert first.is_dir() and second.is_dir()
    assert first.parent == second.parent == root
    assert first.name.startswith("20240501T100000Z-")
    assert second.name.startswith("20240501T100000Z-")


def test_new_run_dir_retries_when_the_name_is_taken(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = iter(["aaaaaa", "aaaaaa", "bbbbbb"])
    calls: list[int] = []

    def token_hex(nbytes: int) -> str:
        calls.append(nbytes)
        return next(tokens)

    monkeypatch.setattr(secrets, "token_hex", token_hex)  # the module new_run_dir calls
    with freeze_time("2024-05-01 10:00:00"):
        first = new_run_dir(tmp_path)
        (first / "transcript.jsonl").write_text("earlier run\n", encoding="utf-8")
        second = new_run_dir(tmp_path)
    assert first == tmp_path / "20240501T100000Z-aaaaaa"
    assert second == tmp_path / "20240501T100000Z-bbbbbb"
    assert len(calls) == 3
    assert (first / "transcript.jsonl").read_text(encoding="utf-8") == "earlier run\n"
    assert list(second.iterdir()) == []


# -- bodies ---------------------------------------------------------------------------------


def test_body_fields() -> None:
    assert body_fields(None) == {}
    assert body_fields(b"") == {"body": ""}
    assert body_fields("₹ मसाला".encode()) == {"body": "₹ मसाला"}
    assert body_fields(NOT_UTF8) == {"body_base64": base64.b64encode(NOT_UTF8).decode()}


def test_inbound_non_utf8_body_is_stored_as_base64(transcript: Transcript) -> None:
    finding = Finding("WIRE-BODY-001", Severity.BLOCKER, "on_select", "$", "not UTF-8")
    inbound = Inbound(Message(None, "in", NOT_UTF8, {"content-type": "application/json"}),
                      "/on_select", 7, [finding], answer_status=400)
    transcript.record_inbound(inbound, "unknown", {"message": {"ack": {"status": "NACK"}}})
    (event,) = read_lines(transcript.path)
    assert "body" not in event
    assert base64.b64decode(event["body_base64"]) == NOT_UTF8
    assert event["kind"] == "inbound" and event["path"] == "/on_select" and event["seq"] == 7
    assert event["delivery"] == "unknown"
    assert event["answer"] == {"status": 400,
                               "body": {"message": {"ack": {"status": "NACK"}}}}
    assert event["findings"] == [{"rule": "WIRE-BODY-001", "severity": "blocker",
                                  "action": "on_select", "path": "$", "message": "not UTF-8",
                                  "expected": None, "actual": None, "file": None,
                                  "step": None}]
    assert isinstance(event["at"], str) and isinstance(event["monotonic"], float)


def test_outbound_bodies_text_and_base64(transcript: Transcript) -> None:
    body = '{"message":{"name":"मसाला ₹"}}'.encode()
    answer = SyncAnswer(url="http://seller/select", status_code=502, body=b"\x80\x81garbage",
                        headers={"content-type": "application/octet-stream"}, elapsed_s=0.25)
    transcript.record_outbound("retail.forward", "select", "http://seller/select",
                               {"Authorization": "Signature ..."}, body, answer)
    (event,) = read_lines(transcript.path)
    assert event["body"] == '{"message":{"name":"मसाला ₹"}}'
    assert "मसाला" in transcript.path.read_text(encoding="utf-8")  # not \u-escaped
    assert base64.b64decode(event["answer"]["body_base64"]) == b"\x80\x81garbage"
    assert event["answer"]["status"] == 502
    assert event["answer"]["elapsed_ms"] == 250.0
    assert (event["flow"], event["step"], event["direction"]) == ("retail.forward", "select",
                                                                 "out")


def test_each_line_is_flushed_as_it_is_written(transcript: Transcript) -> None:
    transcript.record_step("retail.forward", "on_select", "passed", [])
    assert len(read_lines(transcript.path)) == 1  # readable before close
    transcript.record({"kind": "note", "text": "two"})
    assert [e["kind"] for e in read_lines(transcript.path)] == ["step", "note"]


def test_writes_after_close_are_ignored(tmp_path: Path) -> None:
    t = Transcript(tmp_path / "t.jsonl")
    t.record({"kind": "before"})
    t.close()
    t.record({"kind": "after"})
    t.close()
    assert [e["kind"] for e in read_lines(t.path)] == ["before"]


def test_transcript_appends_to_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"kind": "earlier"}\n', encoding="utf-8")
    t = Transcript(path)
    t.record({"kind": "later"})
    t.close()
    assert [e["kind"] for e in read_lines(path)] == ["earlier", "later"]


def test_unserialisable_values_are_stringified(transcript: Transcript) -> None:
    transcript.record({"kind": "odd", "path": Path("/x/y"), "set": {1}})
    (event,) = read_lines(transcript.path)
    assert event["path"] == "/x/y" and event["set"] == "{1}"


# -- threads --------------------------------------------------------------------------------


def test_concurrent_writes_give_whole_lines(transcript: Transcript) -> None:
    threads, per_thread = 8, 200
    start = threading.Barrier(threads)

    def writer(worker: int) -> None:
        start.wait(timeout=10)
        for index in range(per_thread):
            size = 1 + (index * 977 + worker * 131) % 20_000  # up to ~20 KB, beyond pipe buffers
            transcript.record({"kind": "load", "worker": worker, "index": index,
                               "payload": chr(0x41 + worker) * size})

    pool = [threading.Thread(target=writer, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in pool)
    events = read_lines(transcript.path)  # every line parses: no interleaving
    assert len(events) == threads * per_thread
    for worker in range(threads):
        mine = [e for e in events if e["worker"] == worker]
        assert [e["index"] for e in mine] == list(range(per_thread))  # in order, none lost
        for event in mine:
            expected = 1 + (event["index"] * 977 + worker * 131) % 20_000
            assert event["payload"] == chr(0x41 + worker) * expected
