"""The Retail 1.2 meta look-ups: reasons and categories a buyer app may fetch from a seller.

Paths and shapes are those of retail-1.2/openapi/build.yaml (request ``get_X``, callback ``X``,
no ``on_`` prefix — :data:`ondc_harness.message.LEGACY_CALLBACKS`):

======================================  =========================================================
request (``message``)                   callback body next to ``context``
======================================  =========================================================
``get_cancellation_reasons`` (none)     ``message.cancellation_reasons``: [Option {id, descriptor}]
``get_return_reasons`` (none)           ``return_reasons``: [Option] (top level, as build.yaml)
``get_rating_categories`` (none)        ``rating_categories``: [category name] (top level)
``get_feedback_categories`` (none)      ``feedback_categories``: [category name] (top level)
``get_feedback_form`` {rating_value,    ``message``: Feedback {feedback_form: [FeedbackFormElement],
rating_category}                        feedback_url {url, tl_method, params.feedback_id}}
======================================  =========================================================

The lists are the seller's own policy: the cancellation reasons it accepts from a buyer
(:data:`cancellation.REASON_TEXT`), the ONDC return reason codes 001–005 (the codes the 1.2.0
return examples and the real certification logs use), the categories :mod:`post_fulfilment`
accepts.  The request's ``message`` may be empty; the harness sends ``{}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from ondc_harness.reference.cancellation import REASON_TEXT
from ondc_harness.reference.faults import active
from ondc_harness.reference.post_fulfilment import RATING_CATEGORIES, check_category, rating_value

if TYPE_CHECKING:
    from ondc_harness.reference.desk import Desk, Handler, Job

Json = dict[str, Any]

RETURN_REASONS: Final = {
    "001": "Buyer does not want product any more",
    "002": "Product available at lower than order price",
    "003": "Product damaged or not in usable state",
    "004": "Product is of incorrect quantity or size",
    "005": "Product delivered is different from what was shown and ordered",
}
FEEDBACK_CATEGORIES: Final = RATING_CATEGORIES
FORM_QUESTIONS: Final = {
    "Order": "What would have made this order better?",
    "Provider": "How was the store?",
    "Item": "How was the product?",
    "Fulfillment": "How was the delivery?",
    "Agent": "How was the delivery partner?",
}


def _options(reasons: dict[str, str]) -> list[Json]:
    return [{"id": code, "descriptor": {"name": text}} for code, text in reasons.items()]


def feedback_form(category: str, value: float | int, base_url: str) -> Json:
    """A two-question form (the Feedback schema) and where else it can be filled in."""
    low = value <= 3
    question = FORM_QUESTIONS[category]
    answers = (["Late", "Cold or damaged", "Wrong items"] if low
               else ["On time", "Well packed", "Friendly"])
    form = [{"id": "Q1", "question": question, "answer_type": "checkbox"}]
    form += [{"id": f"Q1A{n + 1}", "parent_id": "Q1", "answer": text, "answer_type": "checkbox"}
             for n, text in enumerate(answers)]
    form.append({"id": "Q2", "question": "Anything else?", "answer_type": "text"})
    feedback_id = f"FB-{category}-{int(value)}"
    return {"feedback_form": form,
            "feedback_url": {"url": f"{base_url}/feedback/{feedback_id}", "tl_method": "http/get",
                             "params": {"feedback_id": feedback_id}}}


def _lookup(desk: Desk, payload: Json, action: str, body: Json) -> Job:
    context = payload["context"]
    fresh = active(desk.seller.config.faults, "lookup_message_id", action)

    async def job() -> None:
        await desk.reply(context, action, lambda ts: body, push=fresh)
    return job


def get_feedback_form(desk: Desk, payload: Json) -> Job:
    message = payload["message"]
    category = check_category(message.get("rating_category"), "$.message.rating_category")
    value = rating_value(message.get("rating_value"), "$.message.rating_value")
    body = {"message": feedback_form(category, float(value), desk.seller.base_url)}
    return _lookup(desk, payload, "feedback_form", body)


def handlers(desk: Desk) -> dict[str, Handler]:
    return {
        "get_cancellation_reasons": lambda p: _lookup(
            desk, p, "cancellation_reasons",
            {"message": {"cancellation_reasons": _options(REASON_TEXT)}}),
        "get_return_reasons": lambda p: _lookup(
            desk, p, "return_reasons", {"return_reasons": _options(RETURN_REASONS)}),
        "get_rating_categories": lambda p: _lookup(
            desk, p, "rating_categories", {"rating_categories": list(RATING_CATEGORIES)}),
        "get_feedback_categories": lambda p: _lookup(
            desk, p, "feedback_categories", {"feedback_categories": list(FEEDBACK_CATEGORIES)}),
        "get_feedback_form": lambda p: get_feedback_form(desk, p),
    }
