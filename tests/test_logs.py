"""Offline loading: files → payloads → flows, on hand-made messy logs and on the real ones.

``tests/fixtures/logs/flow_messy`` holds one folder with what real logs contain: misnamed
files, an array file, the official validator's input shape, a verdict file, a duplicated step,
a NaN amount, a truncated file, text/PDF files, a payload without transaction_id, and a second
(catalogue) transaction beside the order.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ondc_harness.checks import runner_rules
from ondc_harness.checks.catalog import CATALOG
from ondc_harness.checks.findings import Severity
from ondc_harness.logs import (
    FILE_NO_PAYLOAD,
    FILE_NO_TRANSACTION,
    FILE_NOT_JSON,
    Flow,
    LoadResult,
    check_flows,
    check_path,
    in_time_order,
    is_verdict,
    load_flows,
)
from ondc_harness.message import Message

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "logs"
MESSY = FIXTURES / "flow_messy"
CATALOGUE_TXN = "0c0c0c0c-0000-4000-8000-000000000000"
ORDER_TXN = "1a1a1a1a-1111-4111-8111-111111111111"
REAL_LOGS = Path(__file__).resolve().parents[1].parent / "shared" / "ondc" / "real-logs"
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "ondc" / "seed-examples"


@pytest.fixture(scope="module")
def messy() -> LoadResult:
    return load_flows(MESSY)


def _flow(result: LoadResult, txn: str | None, with_messages: bool = True) -> Flow:
    matches = [f for f in result.flows
               if f.transaction_id == txn and bool(f.messages) == with_messages]
    assert len(matches) == 1, [(f.transaction_id, len(f.messages)) for f in result.flows]
    return matches[0]


def _reasons(result: LoadResult) -> dict[str, str]:
    return {s.file.removeprefix(f"{MESSY}/"): s.reason for s in result.skipped}


# --- grouping and ordering -------------------------------------------------------------------

def test_a_folder_with_two_transactions_gives_two_flows(messy: LoadResult) -> None:
    with_txn = {f.transaction_id for f in messy.flows if f.transaction_id}
    assert with_txn == {CATALOGUE_TXN, ORDER_TXN}
    assert all(f.path == str(MESSY) for f in messy.flows)


def test_messages_are_ordered_by_timestamp_not_by_file_name(messy: LoadResult) -> None:
    order = _flow(messy, ORDER_TXN)
    assert [m.action for m in order.messages] == ["select", "on_select", "init", "on_init"]
    # 1_on_init.json holds select; init (in an array, +05:30 offset) comes before on_init.
    assert [m.file for m in order.messages] == [
        "1_on_init.json", "bundle.json[1]", "bundle.json[0]", "2_select.json"]


def test_payloads_inside_a_step_map_are_named_by_their_key(messy: LoadResult) -> None:
    catalogue = _flow(messy, CATALOGUE_TXN)
    assert [m.file for m in catalogue.messages] == ["catalogue.json#search",
                                                   "catalogue.json#on_search"]


def test_the_order_flow_sees_the_catalogue_of_its_folder_first(messy: LoadResult) -> None:
    order = _flow(messy, ORDER_TXN)
    assert [m.action for m in order.catalogue] == ["search", "on_search"]
    assert _flow(messy, CATALOGUE_TXN).catalogue == []


def test_a_request_comes_before_its_callback_on_equal_timestamps() -> None:
    def message(action: str, ts: str) -> Message:
        return Message({"context": {"action": action, "timestamp": ts}}, file=action)

    same = "2024-05-01T10:00:00.000Z"
    ordered = in_time_order([message("on_select", same), message("bad", "yesterday"),
                             message("select", same), message("search", "2024-05-01T09:00:00Z")])
    assert [m.action for m in ordered] == ["search", "select", "on_select", "bad"]


def test_received_at_is_the_context_timestamp(messy: LoadResult) -> None:
    init = _flow(messy, ORDER_TXN).messages[2]
    assert init.received_at == pytest.approx(1714557610.0)  # 2024-05-01T10:00:10Z


# --- skipped files and file findings ---------------------------------------------------------

def test_every_file_is_accounted_for(messy: LoadResult) -> None:
    assert messy.files == len([p for p in MESSY.iterdir() if p.is_file()])


def test_skip_reasons(messy: LoadResult) -> None:
    assert _reasons(messy) == {
        "evidence.pdf": "not a JSON file (.pdf)",
        "notes.txt": "not a JSON file (.txt)",
        "log_validation_report.json": "verdict file (official validator output)",
        "log-validator-input.json#on_status_pending": "empty step slot {}",
        "log-validator-input.json#select": "duplicate of 1_on_init.json",
        "2_select (1).json": "duplicate of 2_select.json",
    }


def test_a_truncated_file_is_a_finding_naming_the_file(messy: LoadResult) -> None:
    files = _flow(messy, None, with_messages=False)
    assert [(f.rule_id, f.file) for f in files.findings] == [(FILE_NOT_JSON, "broken.json")]
    assert "invalid JSON" in files.findings[0].message


def test_a_payload_without_transaction_id_is_checked_alone_and_reported(
        messy: LoadResult) -> None:
    alone = _flow(messy, None)
    assert [m.file for m in alone.messages] == ["orphan.json"]
    finding = alone.findings[0]
    assert (finding.rule_id, finding.action, finding.path) == (
        FILE_NO_TRANSACTION, "on_status", "$.context.transaction_id")


def test_file_rules_are_in_the_catalogue() -> None:
    for rule_id in (FILE_NOT_JSON, FILE_NO_PAYLOAD, FILE_NO_TRANSACTION):
        assert CATALOG[rule_id].severity == Severity.MAJOR
        assert CATALOG[rule_id].fn is None


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "file is empty"),
    (b"\xff\xfe{\x00", "not UTF-8"),
    (b'{"context": ', "invalid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
], ids=["empty", "utf16", "truncated", "deep"])
def test_unreadable_json_is_a_finding(tmp_path: Path, content: bytes, reason: str) -> None:
    (tmp_path / "on_confirm.json").write_bytes(content)
    result = load_flows(tmp_path)
    [flow] = result.flows
    assert flow.findings[0].rule_id == FILE_NOT_JSON
    assert reason in flow.findings[0].message


@pytest.mark.parametrize("content", ["{}", "[]", '{"hello": "world"}'])
def test_json_without_a_payload_is_a_finding(tmp_path: Path, content: str) -> None:
    (tmp_path / "on_status.json").write_text(content)
    [flow] = load_flows(tmp_path).flows
    assert [f.rule_id for f in flow.findings] == [FILE_NO_PAYLOAD]


def _payload(action: str, ts: str, txn: str = "t1") -> dict[str, object]:
    return {"context": {"action": action, "transaction_id": txn, "message_id": f"m-{action}",
                        "timestamp": ts}, "message": {}}


def test_concatenated_and_json_lines_files_hold_several_payloads(tmp_path: Path) -> None:
    first, second = _payload("select", "2024-01-01T00:00:00Z"), _payload(
        "on_select", "2024-01-01T00:00:01Z")
    (tmp_path / "a.json").write_text(json.dumps(first) + json.dumps(second))
    lines = [json.dumps(first).replace("m-select", f"m-{n}") for n in (1, 2)]
    (tmp_path / "b.jsonl").write_text("\n".join(lines) + "\n\n")
    [flow] = load_flows(tmp_path).flows
    assert [m.file for m in flow.messages] == [
        "a.json[0]", "b.jsonl[0]", "b.jsonl[1]", "a.json[1]"]


def test_request_response_wrappers_keep_only_the_request(tmp_path: Path) -> None:
    ack_with_context = {"context": {"action": "confirm"}, "message": {"ack": {"status": "ACK"}}}
    wrapped = {"payload": {"confirm_1": {"signature": "Signature keyId=...",
                                         "request": _payload("confirm", "2024-01-01T00:00:00Z"),
                                         "response": ack_with_context}}}
    (tmp_path / "a.json").write_text(json.dumps(wrapped))
    (tmp_path / "b.json").write_text(json.dumps(
        {"body": _payload("on_confirm", "2024-01-01T00:00:01Z")}))
    [flow] = load_flows(tmp_path).flows
    assert [(m.action, m.file) for m in flow.messages] == [
        ("confirm", "a.json#confirm_1"), ("on_confirm", "b.json")]


@pytest.mark.parametrize(("name", "value", "verdict"), [
    ("anything.json", {"success": True, "response": {"report": {}}}, True),
    ("utility_report.json", {"logReport": {"Schema": {}}}, True),
    ("log_report.json", {"Schema": {"schemaErr0": "x"}, "Message": {}}, True),
    ("utility-response.json", {"on_cancel": {"state": "wrong"}}, True),
    ("report.json", _payload("report", "2024-01-01T00:00:00Z"), False),   # RSF's report action
    ("on_search_response.json", _payload("on_search", "2024-01-01T00:00:00Z"), False),
    ("notes.json", {"on_cancel": {"state": "wrong"}}, False),
])
def test_verdict_files_are_recognised_by_shape_then_by_name(
        name: str, value: object, verdict: bool) -> None:
    has_payload = isinstance(value, dict) and "context" in value
    assert is_verdict(name, value, has_payload) is verdict


def test_a_single_file_is_a_flow(tmp_path: Path) -> None:
    path = tmp_path / "step.json"
    path.write_text(json.dumps(_payload("search", "2024-01-01T00:00:00Z")))
    [flow] = load_flows(path).flows
    assert flow.path == str(tmp_path) and flow.messages[0].file == "step.json"


def test_a_tree_is_walked_folder_by_folder() -> None:
    result = load_flows(FIXTURES / "tree")
    paths = sorted(f.path.removeprefix(str(FIXTURES / "tree")) for f in result.flows)
    assert paths == ["/flow_a", "/group/flow_b"]
    assert [s.reason for s in result.skipped] == ["not a JSON file (.md)"]


def test_a_missing_path_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_flows(tmp_path / "nope")


# --- checking --------------------------------------------------------------------------------

def test_check_flows_reports_each_flow_with_files_and_no_internal_error(
        messy: LoadResult) -> None:
    reports = check_flows(messy)
    assert len(reports) == len(messy.flows)
    order = next(r for r in reports if r.transaction_id == ORDER_TXN)
    assert (order.domain, order.version, order.messages) == ("ONDC:RET10", "1.2.0", 4)
    every = [f for r in reports for f in r.findings]
    assert all(f.file for f in every)
    assert not [f for f in every if f.rule_id == runner_rules.RULE_CRASHED]  # NaN is no crash


def test_check_path_streams_the_same_reports_as_load_then_check() -> None:
    reports, totals = check_path(FIXTURES)
    loaded = load_flows(FIXTURES)
    assert [(r.path, r.transaction_id, r.findings) for r in reports] == [
        (r.path, r.transaction_id, r.findings) for r in check_flows(loaded)]
    assert totals.skipped == loaded.skipped and totals.files == loaded.files


# --- the reference pack ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("the ONDC reference pack ../shared/ondc is not present")
    return SEEDS


def test_seed_examples_group_into_their_transactions(seeds: Path) -> None:
    result = load_flows(seeds)
    assert result.skipped == []
    flows = sorted(result.flows, key=lambda f: len(f.messages))
    assert [len(f.messages) for f in flows] == [1, 2, 6]
    order = flows[-1]
    assert [m.action for m in order.messages] == [
        "search", "on_search", "init", "on_init", "confirm", "on_confirm"]
    crashed = [f for r in check_flows(result) for f in r.findings
               if f.rule_id == runner_rules.RULE_CRASHED]
    assert crashed == []


def _real_log_sample(step: int) -> list[Path]:
    """Every ``step``-th folder that holds files: a spread of participants, no names chosen."""
    folders = sorted({p.parent for p in REAL_LOGS.rglob("*") if p.is_file()})
    return folders[::step]


def test_a_sample_of_real_logs_loads_and_checks_without_internal_errors() -> None:
    if not REAL_LOGS.is_dir():
        pytest.skip("the ONDC reference pack ../shared/ondc is not present")
    for folder in _real_log_sample(step=20):
        reports, totals = check_path(folder)
        crashed = [f.one_line() for r in reports for f in r.findings
                   if f.rule_id == runner_rules.RULE_CRASHED]
        assert crashed == [], folder
        assert totals.files > 0


def test_check_path_pauses_the_cycle_collector_per_folder_and_restores_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from ondc_harness import logs

    seen: list[bool] = []
    plain = logs.check_flows

    def spying(result: LoadResult) -> list[logs.FlowReport]:
        seen.append(gc.isenabled())
        return plain(result)

    monkeypatch.setattr(logs, "check_flows", spying)
    assert gc.isenabled()
    reports, _ = check_path(FIXTURES)
    assert reports and seen and not any(seen)  # off while each folder is checked
    assert gc.isenabled()  # and back on afterwards
    gc.disable()
    try:
        check_path(FIXTURES)
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


def test_a_file_too_large_is_skipped_with_its_size(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from ondc_harness import logs

    (tmp_path / "on_search.json").write_text(json.dumps(_payload("on_search",
                                                                 "2024-01-01T00:00:00Z")))
    size = (tmp_path / "on_search.json").stat().st_size
    monkeypatch.setattr(logs, "MAX_FILE_BYTES", size - 1)
    result = load_flows(tmp_path)
    assert [(s.file, s.reason) for s in result.skipped] == [
        (str(tmp_path / "on_search.json"), f"too large ({size} bytes)")]
    assert not [m for f in result.flows for m in f.messages]


def test_an_unreadable_file_is_skipped_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "on_select.json").symlink_to(tmp_path / "gone.json")  # a dangling link
    (tmp_path / "search.json").write_text(json.dumps(_payload("search", "2024-01-01T00:00:00Z")))
    result = load_flows(tmp_path)
    assert [(s.file, s.reason) for s in result.skipped] == [
        (str(tmp_path / "on_select.json"), "unreadable: No such file or directory")]
    assert [m.action for f in result.flows for m in f.messages] == ["search"]
