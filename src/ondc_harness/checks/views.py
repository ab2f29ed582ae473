"""Views of a payload shared by the rules checking one message: computed once, not once per rule.

A hundred rules look at the same on_search catalogue, each walking its providers, items and tag
groups; ``@shared`` lets a helper's answer be computed by the first rule that asks and reused
by the others while the engine checks that message.

How it stays correct:

* A view is keyed by the helper, the *identity* of the object it reads and its other arguments.
  The cache holds that object too, so no other object can take its id while the entry lives.
* The engine opens a fresh cache for each message (:func:`checking`), the offline checker one
  for each flow, and drops it afterwards: payloads are not changed while their rules run, and
  nothing is remembered past a check (a test that edits a payload in place and checks it
  again sees the new content).
* A shared helper's answer depends on its arguments only (never on the message under check
  unless that message is an argument).
* Outside a check (a rule function called directly, the reference participants) a shared
  helper simply runs.
* Rules must not change a view they are given; views are tuples or read-only by convention.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_local = threading.local()


class checking:  # lower case: used like a function, ``with views.checking():``
    """Share views between the rules run inside this block.

    The engine opens one per message; the offline checker opens one around a whole flow, so
    what rules derive from an earlier message (its city, its catalogue) is derived once per
    flow.  Inside an open block a nested one shares the outer views.  (A class rather than a
    generator-based context manager: it is entered once per message of a log tree.)
    """

    __slots__ = ("_opened",)

    def __enter__(self) -> None:
        self._opened = getattr(_local, "views", None) is None
        if self._opened:
            _local.views = {}

    def __exit__(self, *exc: object) -> None:
        if self._opened:
            _local.views = None


def shared(fn: Callable[P, T]) -> Callable[P, T]:
    """Remember ``fn(obj, *args)`` for the current check, by ``obj``'s identity and ``args``.

    ``args`` must be hashable (an unhashable one makes the call unshared); keyword arguments
    are not supported (they would be part of the key, and no shared helper needs them).
    """
    code = getattr(fn, "__code__", None)
    if code is not None and code.co_argcount == 1 and not code.co_flags & _VARIADIC:
        return _shared_one(fn)  # type: ignore[return-value]

    @wraps(fn)
    def view(*args: P.args, **kwargs: P.kwargs) -> T:
        views: dict[Any, Any] | None = getattr(_local, "views", None)
        if views is None or kwargs or not args:
            return fn(*args, **kwargs)
        obj = args[0]
        key = (view, id(obj), *args[1:])
        try:
            found = views.get(key)
        except TypeError:  # an unhashable argument: not shareable
            return fn(*args, **kwargs)
        if found is not None:
            return found[1]  # type: ignore[no-any-return]
        value = fn(*args, **kwargs)
        views[key] = (obj, value)  # holding obj keeps its id from being reused
        return value

    return view


_VARIADIC = 0x04 | 0x08  # CO_VARARGS | CO_VARKEYWORDS


def _shared_one(fn: Callable[[Any], T]) -> Callable[[Any], T]:
    """:func:`shared` for the common one-argument helper: the hot path of every rule, so it
    keeps one dict per helper inside the check's views and skips building a key tuple."""

    @wraps(fn)
    def view(obj: Any) -> T:
        views: dict[Any, Any] | None = getattr(_local, "views", None)
        if views is None:
            return fn(obj)
        memo = views.get(view)
        if memo is None:
            memo = views[view] = {}
        found = memo.get(id(obj))
        if found is not None:
            return found[1]  # type: ignore[no-any-return]
        value = fn(obj)
        memo[id(obj)] = (obj, value)  # holding obj keeps its id from being reused
        return value

    return view
