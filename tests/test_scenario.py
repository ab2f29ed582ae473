"""Scenario loading (``scenario.py``): a valid file builds a flow; every mistake is a
:class:`ScenarioError` naming ``file:line`` and the offending key, never a traceback."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ondc_harness.scenario import ScenarioError, Step, load_scenario

VALID = """\
id: retail.forward
title: Prepaid order from search to packing
description: The happy path.
domain: ONDC:RET11
version: "1.2.5"
under_test: seller
markers: [order, smoke]
vars: {city: "std:080", quantity: 2, tags: [a, b]}
steps:
  - send: search
    payload: retail/payloads/search.yaml
  - expect: on_search
    save:
      provider_id: "$.message.catalog['bpp/providers'][0].id"
  - send: select
    title: Select two items
    payload: retail/payloads/select.yaml
    vars: {quantity: 3}
  - expect: on_select
    within: PT10S
    checks: [schema, rules, {same_as: select, paths: [order.items]}]
  - expect: on_status
    name: on_status_packed
    unsolicited: true
    within: PT1M30S
    match: {"$.message.order.fulfillments[0].state.descriptor.code": "Packed"}
    checks: none
  - send: init
    payload: retail/payloads/select.yaml
    expect_nack: true
"""

HEAD = """\
id: retail.broken
title: A broken scenario
domain: ONDC:RET11
version: "1.2.5"
under_test: seller
steps:
"""


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    root = tmp_path / "scenarios"
    payloads = root / "retail" / "payloads"
    payloads.mkdir(parents=True)
    (payloads / "search.yaml").write_text("message:\n  intent: {}\n", encoding="utf-8")
    (payloads / "select.yaml").write_text(
        "message:\n  order:\n    provider: {id: '{{provider_id}}'}\n", encoding="utf-8")
    return root


def write(scenarios: Path, text: str, name: str = "flow.yaml") -> Path:
    path = scenarios / "retail" / name
    path.write_text(text, encoding="utf-8")
    return path


def line_with(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based number of the line holding the ``occurrence``-th ``needle``."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in the scenario text")


def steps(text: str) -> str:
    return HEAD + textwrap.indent(textwrap.dedent(text), "  ")


def error_of(scenarios: Path, text: str) -> tuple[Path, ScenarioError]:
    path = write(scenarios, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return path, caught.value


# -- a valid scenario -------------------------------------------------------------------------


def test_valid_scenario_loads(scenarios: Path) -> None:
    path = write(scenarios, VALID)
    scenario = load_scenario(path)
    assert scenario.id == "retail.forward"
    assert scenario.title == "Prepaid order from search to packing"
    assert scenario.description == "The happy path."
    assert (scenario.domain, scenario.version, scenario.under_test) == (
        "ONDC:RET11", "1.2.5", "seller")
    assert scenario.markers == ("order", "smoke")
    assert scenario.vars == {"city": "std:080", "quantity": 2, "tags": ["a", "b"]}
    assert scenario.path == path
    assert scenario.root == scenarios
    assert [(s.kind, s.action, s.name) for s in scenario.steps] == [
        ("send", "search", "search"),
        ("expect", "on_search", "on_search"),
        ("send", "select", "select"),
        ("expect", "on_select", "on_select"),
        ("expect", "on_status", "on_status_packed"),
        ("send", "init", "init"),
    ]
    assert [s.line for s in scenario.steps] == [
        line_with(VALID, "- send: search"), line_with(VALID, "- expect: on_search"),
        line_with(VALID, "- send: select"), line_with(VALID, "- expect: on_select"),
        line_with(VALID, "- expect: on_status"), line_with(VALID, "- send: init")]
    search, on_search, select, on_select, packed, init = scenario.steps
    assert search.payload == "retail/payloads/search.yaml"
    assert search.checks == ("schema", "rules")
    assert on_search.save == {"provider_id": "$.message.catalog['bpp/providers'][0].id"}
    assert on_search.request_action == "search"
    assert select.vars == {"quantity": 3} and select.title == "Select two items"
    assert on_select.within_s == 10.0
    assert on_select.checks == ("schema", "rules",
                                {"same_as": "select", "paths": ["order.items"]})
    assert not on_select.unsolicited and on_select.payload is None
    assert packed.unsolicited and packed.within_s == 90.0 and packed.checks == ()
    assert packed.match == {"$.message.order.fulfillments[0].state.descriptor.code": "Packed"}
    assert init.expect_nack and not search.expect_nack
    assert scenario.step_index("on_status_packed") == 4
    with pytest.raises(KeyError):
        scenario.step_index("on_confirm")


def test_scenarios_root_is_found_from_a_nested_file(scenarios: Path) -> None:
    nested = scenarios / "retail" / "deep" / "er"
    nested.mkdir(parents=True)
    path = nested / "flow.yaml"
    path.write_text(VALID, encoding="utf-8")
    assert load_scenario(path).root == scenarios


def test_answers_lets_an_expect_name_its_request(scenarios: Path) -> None:
    text = steps("""\
        - send: search
          payload: retail/payloads/search.yaml
        - expect: on_search
          name: first_page
        - expect: on_search
          name: second_page
          answers: search
        """)
    scenario = load_scenario(write(scenarios, text))
    assert [s.name for s in scenario.steps] == ["search", "first_page", "second_page"]
    assert isinstance(scenario.steps[2], Step) and scenario.steps[2].answers == "search"


# -- mistakes --------------------------------------------------------------------------------


def test_unknown_top_level_key(scenarios: Path) -> None:
    text = VALID.replace("markers:", "colour: blue\nmarkers:")
    path, error = error_of(scenarios, text)
    line = line_with(text, "colour: blue")
    assert f"{path}:{line}: colour: unknown key" in str(error)
    assert (error.line, error.key) == (line, "colour")


def test_unknown_step_key(scenarios: Path) -> None:
    text = steps("""\
        - send: search
          payload: retail/payloads/search.yaml
        - expect: on_search
          timeout: PT5S
        """)
    path, error = error_of(scenarios, text)
    line = line_with(text, "timeout: PT5S")
    assert f"{path}:{line}: steps.1.timeout: unknown key" in str(error)
    assert "'timeout' was unexpected" in str(error)


def test_step_with_both_send_and_expect(scenarios: Path) -> None:
    text = steps("""\
        - send: search
          payload: retail/payloads/search.yaml
        - send: select
          expect: on_select
          payload: retail/payloads/select.yaml
        """)
    path, error = error_of(scenarios, text)
    line = line_with(text, "- send: select")
    assert str(error) == (f"{path}:{line}: steps.1: a step has `send:` or `expect:`, not both")


def test_step_with_neither_send_nor_expect(scenarios: Path) -> None:
    text = steps("""\
        - send: search
          payload: retail/payloads/search.yaml
        - name: lost
          payload: retail/payloads/select.yaml
        """)
    path, error = error_of(scenarios, text)
    line = line_with(text, "- name: lost")
    assert str(error) == (f"{path}:{line}: steps.1: a step needs exactly one of `send:` or "
                          "`expect:`")


def test_send_step_without_payload(scenarios: Path) -> None:
    text = steps("""\
        - send: search
        """)
    path, error = error_of(scenarios, text)
    line = line_with(text, "- send: search")
    assert str(error) == f"{path}:{line}: steps.0.payload: a `send` step needs a payload"


def test_missing_payload_file(scenarios: Path) -> None:
    text = steps("""\
        - send: search
          payload: retail/payloads/serch.yaml
        """)
    path, error = error_of(scenarios, text)
    line = line_with(text, "serch.yaml")
    assert str(error).startswith(f"{path}:{line}: steps.0.payload: no such template ")
    assert str(error).endswith(str(scenarios / "retail" / "payloads" / "serch.yaml"))


def test_duplicate_step_names(scenarios: Path) -> None:
    text = steps("""\
        - send: select
          payload: retail/payloads/select.yaml
        - expect: on_select
        - send: select
          name: select_again
          payload: retail/payloads/select.yaml
        - expect: on_select
        """)
    path, error = error_of(scenarios, text)
    first = line_with(text, "- expect: on_select")
    second = line_with(text, "- expect: on_select", occurrence=2)
    assert str(error) == (f"{path}:{second}: name: step name 'on_select' is used twice "
                          f"(line {first}); give one a distinct `name:`")


@pytest.mark.parametrize(("within", "problem"), [
    ("PT", "'PT' is not an ISO 8601 duration (like PT30S)"),
    ("P1H", "'P1H' is not an ISO 8601 duration (like PT30S)"),
    ("30s", "'30s' does not match '^P'"),
])
def test_invalid_within(scenarios: Path, within: str, problem: str) -> None:
    text = steps(f"""\
        - send: search
          payload: retail/payloads/search.yaml
        - expect: on_search
          within: {within}
        """)
    path, error = error_of(scenarios, text)
    line = line_with(text, "within:")
    assert str(error) == f"{path}:{line}: steps.1.within: {problem}"


def test_expect_without_its_request(scenarios: Path) -> None:
    text = steps("""\
        - send: search
          payload: retail/payloads/search.yaml
        - expect: on_select
        """)
    path, error = error_of(scenarios, text)
    line = line_with(text, "- expect: on_select")
    assert str(error) == (f"{path}:{line}: expect: on_select answers select, but no earlier "
                          "step sends it; mark it `unsolicited: true`")


def test_expect_after_its_request_is_not_enough_if_request_comes_later(
        scenarios: Path) -> None:
    text = steps("""\
        - expect: on_init
        - send: init
          payload: retail/payloads/select.yaml
        """)
    path, error = error_of(scenarios, text)
    assert f"{path}:{line_with(text, '- expect: on_init')}: expect: on_init answers init" \
        in str(error)


def test_answers_must_name_an_earlier_send(scenarios: Path) -> None:
    """A typo in `answers:` would otherwise turn the step into an unsolicited wait silently."""
    text = steps("""\
        - send: select
          payload: retail/payloads/select.yaml
        - expect: on_select
          answers: selct
        """)
    path, error = error_of(scenarios, text)
    line = line_with(text, "- expect: on_select")
    assert str(error) == (f"{path}:{line}: answers: on_select answers selct, but no earlier "
                          "step sends it; mark it `unsolicited: true`")


@pytest.mark.parametrize(("line_text", "key", "field"), [
    ("save: {provider_id: \"$.message.catalog[[0\"}", "steps.1.save.provider_id", "save"),
    ("match: {\"$.message.order[?(@.state==)]\": Packed}",
     "steps.1.match.$.message.order[?(@.state==)]", "match"),
])
def test_invalid_jsonpath_is_reported_at_load(scenarios: Path, line_text: str, key: str,
                                              field: str) -> None:
    text = steps(f"""\
        - send: search
          payload: retail/payloads/search.yaml
        - expect: on_search
          {line_text}
        """)
    path, error = error_of(scenarios, text)
    assert str(error).startswith(f"{path}:{line_with(text, line_text)}: {key}: invalid JSONPath")


def test_jsonpaths_used_by_save_and_match() -> None:
    from ondc_harness.checks.access import MISSING
    from ondc_harness.jsonpaths import every, first

    doc = {"message": {"catalog": {"bpp/providers": [
        {"id": "P1", "items": [{"id": "I1", "price": 1}, {"id": "I2", "price": 2}]}]}}}
    assert first(doc, "$.message.catalog['bpp/providers'][0].id") == "P1"
    assert first(doc, "$.message.catalog['bpp/providers'][0].items[?(@.id=='I2')].price") == 2
    assert every(doc, "$..items[*].id") == ["I1", "I2"]
    assert first(doc, "$.message.order") is MISSING
    assert first(None, "$.message") is MISSING
    assert first({"a": None}, "$.a") is None
    with pytest.raises(ValueError, match=r"invalid JSONPath '\$\.\[\['"):
        first(doc, "$.[[")


def test_unsolicited_expect_needs_no_request(scenarios: Path) -> None:
    text = steps("""\
        - expect: on_status
          unsolicited: true
        """)
    assert load_scenario(write(scenarios, text)).steps[0].unsolicited


def test_invalid_yaml_reports_its_line(scenarios: Path) -> None:
    text = steps("""\
        - send: search
          payload: retail/payloads/search.yaml
        - expect: on_search
          save: {provider_id: "$.x"
        - send: select
        """)
    path, error = error_of(scenarios, text)
    assert str(error).startswith(f"{path}:{line_with(text, '- send: select')}: invalid YAML")
    assert error.line == line_with(text, "- send: select")


def test_yaml_with_a_tab_reports_its_line(scenarios: Path) -> None:
    text = HEAD + "  - send: search\n\tpayload: retail/payloads/search.yaml\n"
    path, error = error_of(scenarios, text)
    assert str(error).startswith(f"{path}:{line_with(text, 'payload')}: invalid YAML")


@pytest.mark.parametrize(("field", "value", "key", "problem"), [
    ("version", "1.2", "version", "1.2 is not of type 'string'"),
    ("markers", "order", "markers", "'order' is not of type 'array'"),
    ("vars", "[a, b]", "vars", "['a', 'b'] is not of type 'object'"),
    ("under_test", "gateway", "under_test", "'gateway' is not one of ['seller', 'buyer', "
     "'logistics-provider', 'logistics-buyer']"),
    ("id", "Retail Forward", "id", "'Retail Forward' does not match"),
])
def test_wrong_top_level_types(scenarios: Path, field: str, value: str, key: str,
                               problem: str) -> None:
    lines = [f"{field}: {value}" if line.startswith(f"{field}:") else line
             for line in VALID.splitlines()]
    text = "\n".join(lines) + "\n"
    path, error = error_of(scenarios, text)
    assert str(error).startswith(f"{path}:{line_with(text, f'{field}: {value}')}: {key}: "
                                 f"{problem}")


@pytest.mark.parametrize(("line_text", "key", "problem"), [
    ("unsolicited: \"yes\"", "steps.1.unsolicited", "'yes' is not of type 'boolean'"),
    ("save: {provider_id: message.id}", "steps.1.save.provider_id",
     "'message.id' does not match '^\\\\$'"),
    ("checks: [schema, lint]", "steps.1.checks", ""),
    ("match: Packed", "steps.1.match", "'Packed' is not of type 'object'"),
    ("name: On-Search", "steps.1.name", "'On-Search' does not match"),
])
def test_wrong_step_types(scenarios: Path, line_text: str, key: str, problem: str) -> None:
    text = steps(f"""\
        - send: search
          payload: retail/payloads/search.yaml
        - expect: on_search
          {line_text}
        """)
    path, error = error_of(scenarios, text)
    assert str(error).startswith(f"{path}:{line_with(text, line_text)}: {key}: {problem}")


def test_steps_must_be_a_list(scenarios: Path) -> None:
    text = HEAD.replace("steps:\n", "steps: {send: search}\n")
    path, error = error_of(scenarios, text)
    assert str(error) == (f"{path}:{line_with(text, 'steps:')}: steps: "
                          "{'send': 'search'} is not of type 'array'")


def test_missing_required_key(scenarios: Path) -> None:
    text = VALID.replace("under_test: seller\n", "")
    path, error = error_of(scenarios, text)
    assert str(error) == f"{path}:1: (top level): 'under_test' is a required property"


def test_empty_file(scenarios: Path) -> None:
    path, error = error_of(scenarios, "")
    assert str(error) == f"{path}: (top level): None is not of type 'object'"


def test_unreadable_file(scenarios: Path) -> None:
    path = scenarios / "retail" / "latin1.yaml"
    path.write_bytes(b"id: caf\xe9\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}: cannot read: ")
