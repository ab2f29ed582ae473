"""The unit everything else passes around: one ONDC message, and the flow it belongs to.

A :class:`Message` is what crossed the wire (or was read from a log file): the parsed payload,
the exact bytes, and where it came from.  Payloads are untrusted: ``payload`` may be any JSON
value, so every accessor here tolerates missing keys and wrong types instead of raising.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Direction = Literal["out", "in"]


@dataclass
class Message:
    """One payload with its provenance.

    ``direction`` is from the harness's point of view: ``out`` for what the harness sent,
    ``in`` for what the participant sent.  Offline messages are ``in``.  ``plain_json`` is set
    by a reader that parsed the payload from JSON text and saw only finite numbers in it (no
    ``NaN``/``Infinity``, nothing overflowing): the schema check may then skip its own scan.
    """

    payload: Any
    direction: Direction = "in"
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    file: str | None = None
    received_at: float = field(default_factory=time.time)
    plain_json: bool = False

    @property
    def context(self) -> dict[str, Any]:
        """``payload["context"]`` when it is an object, else an empty dict."""
        if self._fields_of is not self.payload or self._context is None:
            self._context_fields()
        return self._context  # type: ignore[return-value]

    @property
    def body(self) -> dict[str, Any]:
        """``payload["message"]`` when it is an object, else an empty dict."""
        if isinstance(self.payload, dict):
            msg = self.payload.get("message")
            if isinstance(msg, dict):
                return msg
        return {}

    # Rules ask for action/domain/version/ids millions of times per log tree, mostly of earlier
    # messages of the flow: the context strings are read once per payload object.  A payload is
    # treated as immutable once wrapped; to change a message, assign a new ``payload`` (the
    # fields are re-read when ``payload`` is no longer the object they were read from).
    _fields_of: Any = field(default=None, init=False, repr=False, compare=False)
    _fields: tuple[str, str, str, str, str, str] = field(
        default=("", "", "", "", "", ""), init=False, repr=False, compare=False)
    _context: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

    def _context_fields(self) -> tuple[str, str, str, str, str, str]:
        """(action, domain, version, transaction_id, message_id, timestamp), "" when absent."""
        payload = self.payload
        if self._fields_of is payload and self._context is not None:
            return self._fields
        ctx = payload.get("context") if isinstance(payload, dict) else None
        if not isinstance(ctx, dict):
            ctx = {}
        self._context = ctx

        def text(key: str) -> str:
            value = ctx.get(key)
            return value if isinstance(value, str) else ""

        fields = (text("action"), text("domain"), text("core_version") or text("version"),
                  text("transaction_id"), text("message_id"), text("timestamp"))
        self._fields, self._fields_of = fields, payload
        return fields

    @property
    def action(self) -> str:
        if self._fields_of is self.payload:  # also right for None: the defaults are all ""
            return self._fields[0]
        return self._context_fields()[0]

    @property
    def domain(self) -> str:
        return self._context_fields()[1]

    @property
    def version(self) -> str:
        """``core_version`` (Retail, logistics) or ``version`` (IGM 2, RSF, B2B)."""
        return self._context_fields()[2]

    @property
    def transaction_id(self) -> str:
        return self._context_fields()[3]

    @property
    def message_id(self) -> str:
        return self._context_fields()[4]

    @property
    def timestamp(self) -> str:
        return self._context_fields()[5]

    @property
    def is_callback(self) -> bool:
        return self.action.startswith("on_") or self.action in LEGACY_CALLBACKS


LEGACY_CALLBACKS: dict[str, str] = {
    "cancellation_reasons": "get_cancellation_reasons",
    "return_reasons": "get_return_reasons",
    "rating_categories": "get_rating_categories",
    "feedback_categories": "get_feedback_categories",
    "feedback_form": "get_feedback_form",
}
"""Retail 1.2's meta look-ups answer ``get_X`` with ``X``, not ``on_get_X`` (build.yaml paths)."""
_LEGACY_REQUESTS = {request: callback for callback, request in LEGACY_CALLBACKS.items()}


def request_action_for(callback_action: str) -> str:
    """``on_select`` → ``select``, ``cancellation_reasons`` → ``get_cancellation_reasons``;
    a request action maps to itself."""
    if callback_action in LEGACY_CALLBACKS:
        return LEGACY_CALLBACKS[callback_action]
    return callback_action[3:] if callback_action.startswith("on_") else callback_action


def callback_action_for(request_action: str) -> str:
    """``select`` → ``on_select``, ``get_cancellation_reasons`` → ``cancellation_reasons``."""
    if request_action in _LEGACY_REQUESTS or request_action in LEGACY_CALLBACKS:
        return _LEGACY_REQUESTS.get(request_action, request_action)
    return request_action if request_action.startswith("on_") else f"on_{request_action}"


@dataclass
class FlowHistory:
    """The messages of one flow (one transaction) in the order they happened.

    Cross-step rules read earlier messages from here: ``history.last("on_init")``.
    """

    messages: list[Message] = field(default_factory=list)

    def append(self, message: Message) -> None:
        self.messages.append(message)

    def __iter__(self) -> Iterator[Message]:
        return iter(self.messages)

    def __len__(self) -> int:
        return len(self.messages)

    def last(self, action: str) -> Message | None:
        """The most recent message with this action, or ``None``."""
        for message in reversed(self.messages):
            if message.action == action:
                return message
        return None

    def all(self, action: str) -> list[Message]:
        return [m for m in self.messages if m.action == action]

    def request_of(self, callback: Message) -> Message | None:
        """The request a callback answers: same action pair and message_id, else the latest."""
        wanted = request_action_for(callback.action)
        same_id = [
            m for m in self.messages
            if m.action == wanted and m.message_id and m.message_id == callback.message_id
        ]
        if same_id:
            return same_id[-1]
        return self.last(wanted)

    def before(self, message: Message) -> FlowHistory:
        """The history up to (not including) ``message``."""
        for index, candidate in enumerate(self.messages):
            if candidate is message:
                return FlowHistory(self.messages[:index])
        return FlowHistory(list(self.messages))
