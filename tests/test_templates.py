"""``{{name}}`` templates (``templates.py``): typed exact placeholders, text interpolation,
dotted lookups, precise errors, and no way to run code."""

from __future__ import annotations

from typing import Any

import pytest

from ondc_harness.templates import TemplateError, lookup, placeholders, render

VARIABLES: dict[str, Any] = {
    "transaction_id": "6d1c6c2e-0d0b-4b8e-9d35-0e1f0f5e3a11",
    "count": 3,
    "price": 249.5,
    "paid": True,
    "nothing": None,
    "items": [{"id": "I1", "quantity": {"count": 2}}, {"id": "I2", "tags": ["veg", "hot"]}],
    "provider": {"id": "P1", "locations": [{"id": "L1"}], "bpp/providers": "slash-key",
                 "descriptor": {"name": "Dosa Corner ₹"}},
    "quote": {"price": {"currency": "INR", "value": "249.50"}},
}


@pytest.mark.parametrize(("name", "expected"), [
    ("items", VARIABLES["items"]),
    ("provider", VARIABLES["provider"]),
    ("count", 3),
    ("price", 249.5),
    ("paid", True),
    ("nothing", None),
    ("transaction_id", VARIABLES["transaction_id"]),
])
def test_exact_placeholder_keeps_the_type(name: str, expected: Any) -> None:
    rendered = render({"value": "{{" + name + "}}"}, VARIABLES)
    assert rendered == {"value": expected}
    assert type(rendered["value"]) is type(expected)


def test_exact_placeholder_allows_inner_spaces() -> None:
    assert render("{{ count }}", VARIABLES) == 3


def test_rendering_copies_structures() -> None:
    rendered = render({"items": "{{items}}"}, VARIABLES)
    assert rendered["items"] == VARIABLES["items"]
    template = {"a": ["{{count}}", {"b": "x"}]}
    out = render(template, VARIABLES)
    assert out == {"a": [3, {"b": "x"}]}
    assert template == {"a": ["{{count}}", {"b": "x"}]}  # the template itself is untouched


@pytest.mark.parametrize(("template", "expected"), [
    ("order-{{count}}", "order-3"),
    ("{{count}} x {{price}}", "3 x 249.5"),
    ("paid={{paid}}, none={{nothing}}", "paid=true, none=null"),
    ("txn {{transaction_id}}", "txn 6d1c6c2e-0d0b-4b8e-9d35-0e1f0f5e3a11"),
    ("{{count}}{{count}}", "33"),
    ("quote: {{quote.price}}", 'quote: {"currency":"INR","value":"249.50"}'),
    ("tags={{items.1.tags}}", 'tags=["veg","hot"]'),
    ("name: {{provider.descriptor.name}}!", "name: Dosa Corner ₹!"),
])
def test_interpolation_in_longer_strings(template: str, expected: str) -> None:
    assert render({"message": {"text": template}}, VARIABLES) == {"message": {"text": expected}}


@pytest.mark.parametrize(("name", "expected"), [
    ("items.0.id", "I1"),
    ("items.0.quantity.count", 2),
    ("items.1.tags.0", "veg"),
    ("provider.locations.0", {"id": "L1"}),
    ("provider.bpp/providers", "slash-key"),
    ("quote.price.value", "249.50"),
])
def test_dotted_lookups_into_saved_objects_and_lists(name: str, expected: Any) -> None:
    assert render("{{" + name + "}}", VARIABLES) == expected
    assert lookup(VARIABLES, name) == expected


def test_unknown_variable_names_variable_and_json_path() -> None:
    template = {"message": {"order": {"items": [{"id": "{{item_id}}"}]}}}
    with pytest.raises(TemplateError) as caught:
        render(template, {"count": 1, "items": []}, source="retail/payloads/select.yaml")
    error = caught.value
    assert error.variable == "item_id"
    assert error.where == "$.message.order.items[0].id"
    assert str(error) == ("retail/payloads/select.yaml: $.message.order.items[0].id: "
                          "{{item_id}}: unknown variable (known: count, items)")


def test_unknown_variable_inside_a_longer_string() -> None:
    with pytest.raises(TemplateError) as caught:
        render({"context": {"bpp/uri": "{{bpp_uri}}/on_select"}}, {})
    assert str(caught.value) == ("$.context['bpp/uri']: {{bpp_uri}}: unknown variable "
                                 "(known: none)")


@pytest.mark.parametrize("name", [
    "items.5.id",          # index past the end
    "items.first",         # key on a list
    "count.value",         # key on a number
    "provider.missing",    # absent key
    "transaction_id.0",    # index on a string
    "items.-1",            # no negative indexes
])
def test_unknown_path_inside_a_known_variable(name: str) -> None:
    with pytest.raises(TemplateError) as caught:
        render({"v": "{{" + name + "}}"}, VARIABLES)
    assert caught.value.variable == name
    assert caught.value.where == "$.v"
    with pytest.raises(KeyError):
        lookup(VARIABLES, name)


@pytest.mark.parametrize("text", [
    "{{__import__('os')}}",
    "{{__import__('os').system('touch /tmp/pwned')}}",
    "{{ 1 + 1 }}",
    "{{count * 2}}",
    "{{items[0]}}",
    "{{ exec('x=1') }}",
    "{x}",
    "{{}}",
])
def test_expressions_are_not_placeholders_and_stay_literal(text: str) -> None:
    assert render({"v": text}, VARIABLES) == {"v": text}
    assert placeholders(text) == set()


@pytest.mark.parametrize("name", ["a.__class__", "a.__class__.__mro__", "a.upper",
                                  "count.real", "items.__len__"])
def test_attribute_access_is_an_unknown_variable(name: str) -> None:
    with pytest.raises(TemplateError) as caught:
        render("{{" + name + "}}", {**VARIABLES, "a": "text"})
    assert caught.value.variable == name
    assert "unknown variable" in str(caught.value)


def test_non_strings_and_plain_strings_pass_through() -> None:
    template = {"n": 1, "f": 1.5, "b": False, "z": None, "s": "no braces", "half": "{{open"}
    assert render(template, {}) == template


def test_keys_are_not_rendered() -> None:
    assert render({"{{count}}": "{{count}}"}, VARIABLES) == {"{{count}}": 3}


def test_placeholders_lists_every_name() -> None:
    template = {
        "context": {"transaction_id": "{{transaction_id}}", "bap_uri": "{{ bap_uri }}/cb"},
        "message": {"order": {"items": ["{{items.0.id}}", {"q": "{{count}}-{{count}}"}],
                              "literal": "{{__import__('os')}}", "n": 5}},
    }
    assert placeholders(template) == {"transaction_id", "bap_uri", "items.0.id", "count"}
    assert placeholders({}) == set() and placeholders([]) == set() and placeholders(7) == set()
