"""The generated JSON Schemas: reproducible, faithful to the official examples, and wired up.

* ``tools/gen_schemas.py --check`` must find the committed ``schemas/`` identical to what the
  reference pack produces (skipped without ``../shared/ondc``).
* Every official example payload validates against the schema of the place it is published for,
  or is listed in :data:`REJECTED` with the defect that makes the example itself wrong.
* Targeted tests pin the finding format (path, message) and the never-raise guarantees.

The examples are loaded by the generator's own loader (``gen_schemas.official_examples``) so the
test and the generator agree on what an example is: Retail 1.2 examples have their ``[^n]``
footnote markers stripped (they are web-page footnotes inside keys and values, not payload), and
a payload published twice for one schema is checked once.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ondc_harness.checks.findings import Severity
from ondc_harness.checks.runner_rules import SCHEMA, WIRE_ACK_SHAPE
from ondc_harness.checks.schema import (
    ack_findings,
    family_of,
    normalise_version,
    schema_available,
    schema_findings,
    schema_for_message,
    validate,
    validator_for,
)
from ondc_harness.message import Message
from ondc_harness.resources import schemas_dir

REPO = Path(__file__).resolve().parents[1]
PACK = REPO.parent / "shared" / "ondc"
SCHEMAS = REPO / "schemas"
needs_pack = pytest.mark.skipif(
    not PACK.is_dir(), reason="the ONDC reference pack ../shared/ondc is not present"
)


@lru_cache(maxsize=1)
def generator() -> ModuleType:
    """``tools/gen_schemas.py`` imported once (its YAML cache then serves every test)."""
    spec = importlib.util.spec_from_file_location("gen_schemas", REPO / "tools" / "gen_schemas.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_schemas"] = module
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------------------
# Official examples the schemas reject because the example itself is wrong
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Defect:
    """An official example defect: ``where`` must occur in a finding of a matching example."""

    source: str  # fnmatch pattern on the example's source (pack-relative path, #step)
    where: str  # text that must appear in the finding (path and message)
    reason: str


_R12 = "retail-1.2/Examples/B2C"
_RET125 = "automation-1.2.5/RET1?-1.2.5/flows"
_FIFO = "automation-1.2.5/logistics-1.2.5/flows/Logistics (P2P)/FIFO_FLOW.yaml#*"

REJECTED: list[Defect] = [
    # Retail 1.2.0 examples
    Defect(f"{_R12}/*/*.yaml", "\"tax \"",
           "quote breakup @ondc/org/title_type is 'tax ' with a trailing blank (the value is "
           "'tax')"),
    Defect(f"{_R12}/on_init/on_init_AGR11*.yaml", "ON-FULLFILMENT",
           "payment.type misspelt 'ON-FULLFILMENT' (the value is 'ON-FULFILLMENT')"),
    Defect(f"{_R12}/on_search/*.yaml", "offers[", "offer descriptor.code in the 1.2.5 lowercase "
           "vocabulary ('disc_pct', 'disc_amt'; 'disc_pct ' with a blank in on_search_F&B) while "
           "Retail 1.2.0 lists Disc_Pct, Disc_Amt, BuyXGetY, Freebie"),
    Defect(f"{_R12}/on_search/on_search_Agri_Output_Vegetables.yaml", "measure.unit",
           "quantity.unitized.measure.unit 'kg' and 'g' (the units are 'kilogram', 'gram')"),
    Defect(f"{_R12}/on_select/on_select_*.yaml", "@ondc/org/category",
           "fulfillment @ondc/org/category is an empty string"),
    Defect(f"{_R12}/on_status/on_status_AGR11_Completed.yaml", "\"Delivered\"",
           "fulfillment state 'Delivered' (the state is 'Order-delivered')"),
    Defect(f"{_R12}/on_track/on_track.yaml", "tracking.tags",
           "tracking.tags is a list of tag groups, the only such example; the 1.2.0 OpenAPI "
           "types Tracking.tags as one TagGroup object"),
    Defect(f"{_R12}/on_update/on_update_return_picked_failed.yaml", "Return_Failed",
           "fulfillment state 'Return_Failed' is in no state list (1.2.5 names it "
           "'Return_Pick_Failed')"),
    Defect(f"{_R12}/search/search_by_fulfillment_end_loc.yaml", "end.location.address",
           "intent.fulfillment.end.location.address is a list of one address"),
    Defect(f"{_R12}/search/search_by_fulfillment_end_loc.yaml", "buyer_app_finder_fee_amount",
           "@ondc/org/buyer_app_finder_fee_amount is the number 3 (a string elsewhere)"),
    Defect(f"{_R12}/update/update_refund_agri.yaml", "$.context.action",
           "an update example whose context.action is 'on_update'"),
    Defect(f"{_R12}/update/update_settlement_trail_for_refund_initiation_cancelled.yaml", "$.",
           "indentation slip: 'context: null' with the context keys at the top level, and no "
           "message at all"),
    # Retail 1.2.5 flows
    Defect(f"{_RET125}/F&B/FULL_CATALOG.yaml#*", "category_ids",
           "items[].category_ids holds the numbers 301 and 361 (ids are strings)"),
    Defect("seed-examples/retail_on_select.json", "$.context.bpp_",
           "on_select context without bpp_id / bpp_uri (a templated capture)"),
    Defect("seed-examples/retail_on_select.json", "fulfillment_id",
           "items[].fulfillment_id is a list of ids; the 1.2.5 multi-option order uses "
           "'fulfillment_ids' for that"),
    # Logistics 1.2.5 flows
    Defect(_FIFO, "\"FIFO\"", "fulfillment type 'FIFO' is in no list of the spec (the rule set "
           "lists Delivery, Return, RTO, Batch, FTL, PTL); only this flow uses it"),
    Defect(_FIFO, "fulfillments[0].stops", "on_status fulfillment carries 'stops' (a 2.0 "
           "field) which the 1.2.5 OpenAPI closes out"),
    # IGM
    Defect("igm-1.0.0/components/examples/Retail/issue_status/issue_status.yaml",
           "$.context.action", "the issue_status example's context.action is 'issue'"),
    Defect("igm-1.0.0/components/examples/Retail/on_issue_status/on_issue_status.yaml",
           "chat_link", "resolution_support without chat_link, which the OpenAPI requires"),
    Defect("igm-2.0.0/components/examples/Credit/*", "$.message.issue.",
           "IGM 1.0.0 payloads (category, sub_category, complainant_info, order_details, "
           "resolution_provider) filed among the IGM 2.0.0 examples"),
    Defect("igm-2.0.0/components/examples/Flow3/issue/issue18.yaml", "$.context.action",
           "an issue example whose context.action is not 'issue'"),
    # Logistics 2.0.0 (B2B)
    Defect("logistics-b2b-2.0/components/Examples/B2B_Dom_Logistics*/confirm/confirm_air.*",
           "ON-FULFILMENT", "payments[].type misspelt 'ON-FULFILMENT' (ON-FULFILLMENT)"),
    Defect("logistics-b2b-2.0/components/Examples/B2B_Int_Logistics*/*", "descriptor.code",
           "category code spelt 'EXPRESS_Delivery' / 'STANDARD_DELIVERY' / 'Express_Delivery' "
           "in single examples"),
]

SKELETON = ("a flow step whose defaultPayload is 'message: {}' (the mock server fills it at "
            "run time)")


def _explained(source: str, text: str) -> Defect | None:
    for defect in REJECTED:
        if fnmatch.fnmatchcase(source, defect.source) and defect.where in text:
            return defect
    return None


@lru_cache(maxsize=1)
def corpus_results() -> list[tuple[Any, list[str]]]:
    """Every official example with its finding texts; validated once for all tests."""
    gen = generator()
    results: list[tuple[Any, list[str]]] = []
    for example in gen.official_examples(PACK):
        validator = validator_for(*example.key)
        assert validator is not None, f"{example.source}: no schema for {example.key}"
        texts = [f"{f.path}: {f.message}"
                 for f in validate(validator, example.payload, rule_id=SCHEMA,
                                   action=example.key[2])]
        results.append((example, texts))
    return results


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def generated() -> dict[str, str]:
    """The generator's output for the pack, computed once (it shares the loaded YAML)."""
    gen = generator()
    files: dict[str, str] = gen.generate(PACK, gen.Report())
    return files


@needs_pack
def test_committed_schemas_are_what_the_generator_produces() -> None:
    problems = generator().check(generated(), SCHEMAS)
    assert problems == [], "schemas/ is stale; run `python tools/gen_schemas.py`:\n" + \
        "\n".join(problems)


@needs_pack
def test_check_reports_a_changed_and_a_stale_file(tmp_path: Path) -> None:
    gen = generator()
    files = generated()
    gen.write(files, tmp_path)
    assert gen.check(files, tmp_path) == []
    (tmp_path / "retail" / "1.2.5" / "on_select.json").write_text("{}", encoding="utf-8")
    (tmp_path / "retail" / "9.9.9").mkdir()
    (tmp_path / "retail" / "9.9.9" / "search.json").write_text("{}", encoding="utf-8")
    assert gen.check(files, tmp_path) == [
        "differs: retail/1.2.5/on_select.json", "not generated (stale): retail/9.9.9/search.json"]
    gen.write(files, tmp_path)
    assert gen.check(files, tmp_path) == [], "write() must repair and prune"


def test_the_check_command_line_exits_2_without_a_pack(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert generator().main(["--pack", str(tmp_path / "absent"), "--check"]) == 2
    assert "reference pack not found" in capsys.readouterr().err


def test_every_schema_is_self_contained_and_pins_its_action() -> None:
    files = sorted(SCHEMAS.rglob("*.json"))
    assert len(files) > 100
    checked: set[str] = set()
    for path in files:
        schema = json.loads(path.read_text(encoding="utf-8"))
        folder = path.parent.relative_to(SCHEMAS).as_posix()
        if folder not in checked:  # the metaschema check is slow on 60 kB files: one per folder
            Draft202012Validator.check_schema(schema)
            checked.add(folder)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        for ref in re.findall(r'"\$ref": "([^"]+)"', path.read_text(encoding="utf-8")):
            assert ref.startswith("#/$defs/"), f"{path}: {ref} is not local"
            assert ref.split("/")[2] in schema["$defs"], f"{path}: {ref} does not resolve"
        if folder == "common":
            continue
        action = path.stem
        wire = {"search_inc": "search", "on_search_inc": "on_search"}.get(action, action)
        overlay = schema["allOf"][-1]["properties"]["context"]["properties"]["action"]
        assert overlay["const"] == wire, path


def test_schema_counts_per_family_and_version() -> None:
    counts = {f"{p.parent.name}/{p.name}": len(list(p.glob("*.json")))
              for p in SCHEMAS.glob("*/*") if p.is_dir()}
    assert counts == {
        "retail/1.2.0": 22, "retail/1.2.5": 22, "igm/1.0.0": 4, "igm/2.0.0": 4,
        "rsf/2.0.0": 6, "logistics/1.0.0": 16, "logistics/1.2.0": 16, "logistics/1.2.5": 16,
        "logistics/2.0.0": 16,
    }
    assert (SCHEMAS / "common" / "ack.json").is_file()


# ---------------------------------------------------------------------------------------------
# The official examples
# ---------------------------------------------------------------------------------------------


@needs_pack
def test_every_official_example_validates_or_is_a_named_defect() -> None:
    unexplained: list[str] = []
    for example, texts in corpus_results():
        if not texts or example.skeleton:
            continue
        unexplained.extend(f"{example.source}: {text}" for text in texts
                           if _explained(example.source, text) is None)
    assert unexplained == [], "\n".join(unexplained[:40])


@needs_pack
def test_every_listed_defect_still_occurs() -> None:
    used = {_explained(example.source, text)
            for example, texts in corpus_results() if not example.skeleton for text in texts}
    stale = [d for d in REJECTED if d not in used]
    assert stale == [], "REJECTED entries no example needs any more: " + repr(stale)


@needs_pack
def test_the_corpus_covers_every_family() -> None:
    keys = {example.key[:2] for example, _ in corpus_results()}
    assert {("retail", "1.2.0"), ("retail", "1.2.5"), ("igm", "1.0.0"), ("igm", "2.0.0"),
            ("rsf", "2.0.0"), ("logistics", "1.2.5"), ("logistics", "2.0.0"),
            ("logistics", "1.0.0")} <= keys
    skeletons = [e for e, _ in corpus_results() if e.skeleton]
    assert skeletons, SKELETON
    assert len(corpus_results()) > 1000


@needs_pack
def test_the_message_mapping_finds_the_schema_of_well_formed_examples() -> None:
    """``schema_for_message`` (context only) agrees with where the example is published."""
    disagree: list[str] = []
    for example, texts in corpus_results():
        if texts or example.key[0] == "igm" or example.key[2].endswith("_inc"):
            continue  # IGM carries the order's version; *_inc travel as search/on_search
        chosen = schema_for_message(Message(payload=example.payload))
        if chosen != example.key:
            disagree.append(f"{example.source}: {chosen} != {example.key}")
    assert disagree == [], "\n".join(disagree[:20])


@needs_pack
def test_footnote_markers_are_stripped() -> None:
    gen = generator()
    assert gen.strip_footnotes({"fulfillments [^2]": [{"value": "160.00 [^12]"}]}) == {
        "fulfillments": [{"value": "160.00"}]}
    raw = (PACK / "retail-1.2/Examples/B2C/on_select/on_select_AGR11.yaml").read_text("utf-8")
    assert "[^" in raw
    loaded = [e for e, _ in corpus_results() if e.source.endswith("on_select_AGR11.yaml")]
    assert loaded and "[^" not in json.dumps(loaded[0].payload)


@needs_pack
def test_unquoted_yaml_timestamps_stay_strings(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("timestamp: 2026-03-13T11:18:25.682Z\nflag: yes\nok: true\n", "utf-8")
    assert generator().load_yaml(path) == {
        "timestamp": "2026-03-13T11:18:25.682Z", "flag": "yes", "ok": True}


# ---------------------------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------------------------


def _on_select() -> dict[str, Any]:
    """A minimal Retail 1.2.5 on_select that satisfies its schema."""
    return {
        "context": {
            "domain": "ONDC:RET11", "action": "on_select", "core_version": "1.2.5",
            "bap_id": "buyer.example.com", "bap_uri": "https://buyer.example.com/ondc",
            "bpp_id": "seller.example.com", "bpp_uri": "https://seller.example.com/ondc",
            "transaction_id": "T1", "message_id": "M1", "city": "std:080", "country": "IND",
            "timestamp": "2023-06-03T09:30:30.000Z", "ttl": "PT30S",
        },
        "message": {"order": {
            "provider": {"id": "P1", "locations": [{"id": "L1"}]},
            "items": [{"id": "I1", "fulfillment_id": "F1"}],
            "fulfillments": [{
                "id": "F1", "type": "Delivery", "@ondc/org/provider_name": "Store",
                "tracking": False, "@ondc/org/category": "Immediate Delivery",
                "@ondc/org/TAT": "PT60M", "state": {"descriptor": {"code": "Serviceable"}},
            }],
            "quote": {
                "price": {"currency": "INR", "value": "100.00"},
                "breakup": [{
                    "@ondc/org/item_id": "I1", "@ondc/org/title_type": "item", "title": "Atta",
                    "@ondc/org/item_quantity": {"count": 1},
                    "price": {"currency": "INR", "value": "100.00"},
                }],
                "ttl": "P1D",
            },
        }},
    }


def _findings(payload: Any) -> list[Any]:
    return list(schema_findings(Message(payload=payload, file="x.json")))


def test_a_valid_message_has_no_finding() -> None:
    assert _findings(_on_select()) == []


def test_a_missing_required_key_is_named_in_the_path() -> None:
    payload = _on_select()
    del payload["message"]["order"]["quote"]["price"]["value"]
    findings = _findings(payload)
    assert [f.path for f in findings] == ["$.message.order.quote.price.value"]
    finding = findings[0]
    assert finding.rule_id == SCHEMA == "SCHEMA-001"
    assert finding.severity is Severity.CRITICAL
    assert finding.action == "on_select" and finding.file == "x.json"
    assert "'value'" in finding.message and "$.message.order.quote.price" in finding.message
    assert "required property" in finding.message


def test_a_wrong_type_points_at_the_value() -> None:
    payload = _on_select()
    payload["message"]["order"]["fulfillments"][0]["tracking"] = "false"
    findings = _findings(payload)
    assert [f.path for f in findings] == ["$.message.order.fulfillments[0].tracking"]
    assert "boolean" in findings[0].message and findings[0].actual == "false"


def test_a_wrong_enum_value_quotes_the_allowed_values() -> None:
    payload = _on_select()
    payload["message"]["order"]["quote"]["breakup"][0]["@ondc/org/title_type"] = "tax "
    findings = _findings(payload)
    assert [f.path for f in findings] == [
        "$.message.order.quote.breakup[0]['@ondc/org/title_type']"]
    assert "not one of" in findings[0].message and "'item'" in findings[0].message
    assert findings[0].actual == "tax "


def test_context_action_is_pinned_to_the_schema_action() -> None:
    payload = _on_select()
    validator = validator_for("retail", "1.2.5", "on_init")
    assert validator is not None
    findings = list(validate(validator, payload, rule_id=SCHEMA, action="on_init"))
    assert any(f.path == "$.context.action" and "'on_init' was expected" in f.message
               for f in findings)


def test_nan_and_infinity_are_findings_not_numbers() -> None:
    payload = _on_select()
    payload["message"]["order"]["quote"]["price"]["value"] = math.nan
    payload["message"]["order"]["items"][0]["quantity"] = {"count": math.inf}
    paths = {f.path: f.message for f in _findings(payload)}
    assert "NaN" in paths["$.message.order.quote.price.value"]
    assert "inf" in paths["$.message.order.items[0].quantity.count"]


@pytest.mark.parametrize("payload", [None, [], "text", 3, [{"context": {}}]])
def test_a_payload_that_is_not_an_object_is_one_finding(payload: Any) -> None:
    findings = _findings(payload)
    assert len(findings) == 1 and findings[0].path == "$"
    assert "not an object" in findings[0].message


def test_deep_nesting_never_raises() -> None:
    payload = _on_select()
    deep: Any = {}
    for _ in range(5000):
        deep = {"x": [deep]}
    payload["message"]["order"]["provider"]["tags"] = [{"code": "x", "list": [deep]}]
    payload["message"]["order"]["provider"]["locations"] = deep
    findings = _findings(payload)  # the wrong type's message would repr 5000 levels
    assert len(findings) == 1 and "nested too deeply" in findings[0].message


def test_recursion_limit_is_one_finding() -> None:
    recursive = {"$defs": {"node": {"type": "object",
                                    "properties": {"x": {"$ref": "#/$defs/node"}}}},
                 "$ref": "#/$defs/node"}
    deep: Any = {}
    for _ in range(sys.getrecursionlimit() * 2):
        deep = {"x": deep}
    findings = list(validate(Draft202012Validator(recursive), deep, rule_id=SCHEMA,
                             action="search"))
    assert len(findings) == 1 and findings[0].path == "$"
    assert "nested too deeply" in findings[0].message


def test_junk_anywhere_never_raises() -> None:
    junk: list[Any] = [None, 1, 1.5, math.nan, "s", [], {}, [None], {"a": None}, True]
    base = _on_select()
    for path in _paths(base):
        for value in junk:
            payload = json.loads(json.dumps(base))
            holder = payload
            for part in path[:-1]:
                holder = holder[part]
            holder[path[-1]] = value
            list(schema_findings(Message(payload=payload)))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


def test_an_unknown_key_in_a_closed_object_is_named() -> None:
    payload = _on_select()
    payload["unexpected"] = 1  # the 1.2.5 request body only has context, message, error
    findings = _findings(payload)
    assert [f.path for f in findings] == ["$.unexpected"]
    assert "not allowed" in findings[0].message


# ---------------------------------------------------------------------------------------------
# Choosing a schema
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("domain", "action", "family"), [
    ("ONDC:RET10", "on_select", "retail"),
    (" ondc:ret1a ", "search", "retail"),
    ("ONDC:AGR11", "confirm", "retail"),
    ("nic2004:60232", "search", "logistics"),
    ("ONDC:LOG10", "on_confirm", "logistics"),
    ("ONDC:LOG11", "track", "logistics"),
    ("ONDC:RET10", "issue", "igm"),
    ("ONDC:NTS10", "on_issue_status", "igm"),
    ("ONDC:NTS10", "settle", "rsf"),
    ("ONDC:RET10", "on_recon", "rsf"),
    ("ONDC:FIS12", "search", None),
    ("", "select", None),
])
def test_family_of(domain: str, action: str, family: str | None) -> None:
    assert family_of(domain, action) == family


@pytest.mark.parametrize(("family", "version", "expected"), [
    ("retail", "1.2.5", "1.2.5"),
    ("retail", "1.2", "1.2.0"),
    ("retail", " 1.2.0 ", "1.2.0"),
    ("retail", "v1.2.5", "1.2.5"),
    ("retail", "1.2.05", "1.2.5"),
    ("retail", "1.3.0", None),
    ("retail", "1.2.5.1", None),
    ("retail", "latest", None),
    ("logistics", "2.0", "2.0.0"),
    ("igm", "2", "2.0.0"),
    ("rsf", "", None),
])
def test_near_miss_versions_are_normalised_only_when_unambiguous(
        family: str, version: str, expected: str | None) -> None:
    assert normalise_version(family, version) == expected


def test_igm_version_comes_from_the_issue_shape_when_the_context_carries_the_order_version(
) -> None:
    igm2 = {"context": {"domain": "ONDC:RET10", "action": "issue", "core_version": "1.2.5"},
            "message": {"issue": {"id": "I1", "level": "ISSUE", "actors": []}}}
    igm1 = {"context": {"domain": "ONDC:RET10", "action": "issue", "core_version": "1.2.0"},
            "message": {"issue": {"id": "I1", "category": "ITEM"}}}
    assert schema_for_message(Message(payload=igm2)) == ("igm", "2.0.0", "issue")
    assert schema_for_message(Message(payload=igm1)) == ("igm", "1.0.0", "issue")


def test_no_schema_means_no_finding_but_is_visible() -> None:
    payload = _on_select()
    payload["context"]["core_version"] = "9.9.9"
    assert _findings(payload) == []
    assert schema_for_message(Message(payload=payload)) is None
    assert not schema_available("retail", "9.9.9", "on_select")
    assert not schema_available(None, "1.2.5", "on_select")
    assert not schema_available("retail", "1.2.5", "../../etc/passwd")
    assert schema_available("retail", "1.2", "on_select")
    assert schema_available("logistics", "1.2.5", "on_update")


def test_search_inc_schemas_exist_for_both_retail_versions() -> None:
    for version in ("1.2.0", "1.2.5"):
        assert schema_available("retail", version, "search_inc")
        assert schema_available("retail", version, "on_search_inc")


def test_validators_are_compiled_once() -> None:
    first = validator_for("retail", "1.2.5", "on_select")
    assert first is not None and validator_for("retail", "1.2.5", "on_select") is first
    assert validator_for("retail", "1.2.5", "no_such_action") is None


def test_schemas_dir_is_the_repository_folder() -> None:
    assert schemas_dir() == SCHEMAS
    assert (schemas_dir() / "common" / "ack.json").is_file()


# ---------------------------------------------------------------------------------------------
# The synchronous answer
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    {"message": {"ack": {"status": "ACK"}}},
    {"message": {"ack": {"status": "NACK"}},
     "error": {"type": "CONTEXT-ERROR", "code": "30016", "path": "$", "message": "bad"}},
    {"message": {"ack": {"status": "NACK"}}, "error": {"type": "POLICY-ERROR", "code": "50001"}},
    # A NACK without an error object is allowed by the schema (the spec does not require it);
    # the wire layer reports it as WIRE-ACK-003.
    {"message": {"ack": {"status": "NACK"}}},
])
def test_ack_schema_accepts(body: dict[str, Any]) -> None:
    assert list(ack_findings(body)) == []


@pytest.mark.parametrize(("body", "path"), [
    ({"message": {"ack": {"status": "OK"}}}, "$.message.ack.status"),
    ({"message": {}}, "$.message.ack"),
    ({}, "$.message"),
    ({"message": {"ack": {"status": "NACK"}}, "error": {"message": "no type, no code"}},
     "$.error.type"),
    ({"message": {"ack": {"status": "NACK"}}, "error": {"type": "CONTEXT-ERROR"}},
     "$.error.code"),
    ({"message": {"ack": {"status": "NACK"}}, "error": {"type": "OOPS", "code": "1"}},
     "$.error.type"),
    (["ACK"], "$"),
])
def test_ack_schema_rejects(body: Any, path: str) -> None:
    findings = list(ack_findings(body, action="select"))
    assert path in [f.path for f in findings]
    assert all(f.rule_id == WIRE_ACK_SHAPE and f.action == "select" for f in findings)
