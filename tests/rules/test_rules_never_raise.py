"""Rules never raise on junk: NaN, Infinity, text, null, lists where objects belong.

A crashing rule becomes a HARNESS-001 finding (engine.run_rules), so "no HARNESS-001" is the
observable form of "never raises".  Every value of every step of the valid flow is replaced by
each junk value in turn; the mutated step is checked, and so are the steps that read it back
(cross-step rules find the mutated message in their history).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from typing import Any

import pytest
from retail_flow import STEPS, Flow, build_flow, check, history_before

from ondc_harness.checks.engine import run_rules
from ondc_harness.message import FlowHistory, Message

#: Replacements for every value of the mutated step (the categories real logs show: NaN floats
#: and strings, infinities, text in number fields, null, lists for objects and objects for lists,
#: booleans, absurd magnitudes; "²" passes str.isdigit() but not int(), and int() refuses more
#: than 4,300 digits).
JUNK: list[Any] = [math.nan, "Infinity", "abc", None, ["x"], {"x": 1}, True, "1e999999", "²",
                   "9" * 5000]
#: Also tried in the history of every later step (cross-step rules read it from there); a
#: smaller set keeps the sweep at a few seconds.
HISTORY_JUNK: list[Any] = [math.nan, None, ["x"]]
#: How many later steps read the mutated one back (every cross-step rule of the flow looks at
#: most four steps back: on_track → on_status, track → on_confirm, on_confirm → on_init).
READERS = 4


def paths(value: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every key/index path inside ``value`` (containers and leaves)."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*prefix, key)
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield (*prefix, index)
            yield from paths(child, (*prefix, index))


def replaced(payload: Any, path: tuple[str | int, ...], junk: Any) -> Any:
    out = copy.deepcopy(payload)
    holder = out
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = junk
    return out


def crashes(flow: Flow, step: str) -> list[str]:
    return [f.message for f in check(flow, step) if f.rule_id == "HARNESS-001"]


@pytest.mark.parametrize("step", STEPS)
def test_junk_anywhere_in_a_step_never_crashes_a_rule(step: str) -> None:
    base = build_flow()
    later = STEPS[STEPS.index(step) + 1:STEPS.index(step) + 1 + READERS]
    failures: list[str] = []
    for path in paths(base[step]):
        for junk in JUNK:
            flow = dict(base)
            flow[step] = replaced(base[step], path, junk)
            for target in (step, *later) if any(junk is j for j in HISTORY_JUNK) else (step,):
                failures += [f"{step}{list(path)}={junk!r} → {target}: {m}"
                             for m in crashes(flow, target)]
    assert failures == []


@pytest.mark.parametrize("junk", [None, [], "abc", 42, math.nan, ["context"], {"context": None},
                                  {"context": [], "message": "x"}, {"context": {}, "message": []},
                                  {"context": {"action": "on_confirm"}, "message": {"order": []}},
                                  {"context": {"action": "on_select"},
                                   "message": {"order": {"quote": [], "items": {},
                                                         "fulfillments": "F1"}}}])
def test_whole_payload_junk_as_the_message_and_in_the_history(junk: Any) -> None:
    flow = build_flow()
    for step in STEPS:
        history = history_before(flow, step)
        assert [f for f in run_rules(Message(junk), history) if f.rule_id == "HARNESS-001"] == []
        broken = FlowHistory([Message(junk), *history.messages, Message(junk)])
        findings = run_rules(Message(flow[step]), broken)
        assert [f for f in findings if f.rule_id == "HARNESS-001"] == []


@pytest.mark.parametrize("action", ["on_select", "on_init", "confirm", "on_confirm", "on_status"])
@pytest.mark.parametrize("junk", [math.nan, "NaN", "Infinity", "abc", None, [], {"value": 1}])
def test_junk_amounts_are_reported_not_raised(action: str, junk: Any) -> None:
    flow = build_flow()
    quote = flow[action]["message"]["order"]["quote"]
    quote["price"]["value"] = junk
    quote["breakup"][0]["price"]["value"] = junk
    findings = check(flow, action)
    assert [f for f in findings if f.rule_id == "HARNESS-001"] == []
    flagged = {f.path for f in findings if f.rule_id == "RET-QUOTE-003"}
    assert flagged == {"$.message.order.quote.price.value",
                       "$.message.order.quote.breakup[0].price.value"}
    # the arithmetic rules skip what they cannot add instead of reporting it twice
    assert not [f for f in findings if f.rule_id in ("RET-QUOTE-001", "RET-QUOTE-002")]


def test_a_history_that_already_holds_the_message_is_read_up_to_it() -> None:
    """Offline callers may pass the whole flow as history; rules must only look backwards."""
    flow = build_flow()
    messages = [Message(flow[s]) for s in STEPS]
    whole = FlowHistory(messages)
    for message in messages:
        assert run_rules(message, whole) == []
